import Foundation
import MGenSpec

/// Snapshots for the harness, which takes one after every step. On SQLite a table's snapshot
/// follows from its CREATE TABLE text and the CREATE INDEX texts on it, all in sqlite_master:
/// tables whose texts are unchanged since the last snapshot are reused rather than read again
/// through the pragmas (which made a 200-migration chain take 11 s instead of ~1 s). A table
/// with a foreign key is re-read whenever any table changed, because `REFERENCES t` without
/// columns is resolved from t. Other dialects read their catalogs in a few queries: no cache.
final class SnapshotCache {
    private var cached: [String: (key: String, table: TableSnapshot)] = [:]

    func snapshot(_ db: Database, exclude: Set<String>) throws -> SchemaSnapshot {
        guard db.dialect == .sqlite else { return try introspect(db, exclude: exclude) }
        let rows = try db.query("""
            SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            """)
        var tableSQL: [String: String] = [:]
        var indexSQL: [String: [String]] = [:]
        for row in rows {
            guard let name = row[text: "name"] else { continue }
            if row[text: "type"] == "table" {
                tableSQL[name] = row[text: "sql"] ?? ""
            } else if let table = row[text: "tbl_name"] {
                indexSQL[table, default: []].append(name + "\u{1}" + (row[text: "sql"] ?? ""))
            }
        }
        var keys: [String: String] = [:]
        for (name, sql) in tableSQL {
            keys[name] = sql + "\u{2}" + (indexSQL[name] ?? []).sorted().joined(separator: "\u{2}")
        }
        let anyChange = keys.count != cached.count || keys.contains { cached[$0.key]?.key != $0.value }
        var reuse: [TableSnapshot] = []
        for (name, key) in keys where !exclude.contains(name) {
            guard let hit = cached[name], hit.key == key else { continue }
            if anyChange, !hit.table.foreignKeys.isEmpty { continue }
            reuse.append(hit.table)
        }
        let fresh = try introspect(db, exclude: exclude.union(reuse.map(\.name)))
        cached = [:]
        for table in reuse + fresh.tables {
            if let key = keys[table.name] { cached[table.name] = (key, table) }
        }
        return SchemaSnapshot(dialect: db.dialect, tables: reuse + fresh.tables)
    }
}
