import Foundation
import MGenSpec

/// Snapshots for the harness, which takes one after every step. On SQLite a table's snapshot
/// follows from its CREATE TABLE text and the CREATE INDEX texts on it, all in sqlite_master:
/// tables whose texts are unchanged since the last snapshot are reused rather than read again
/// through the pragmas (which made a 200-migration chain take 11 s instead of ~1 s). A table
/// with a foreign key is re-read whenever any table changed, because `REFERENCES t` without
/// columns is resolved from t.
///
/// On PostgreSQL and MySQL a full read of the catalog costs time in proportion to the tables there
/// (information_schema opens every table's definition), which made a long chain quadratic. After
/// a step, only the tables its statements may have touched are read again: those whose names
/// occur in them (as a word, quoted name or inside a string), tables that are new, tables one of
/// whose indexes or constraints is named, and tables with a foreign key to one of those; a table that is gone is dropped. A statement whose effect cannot
/// be seen in its text (dynamic SQL, procedure calls, types and schemas) means a full read.
final class SnapshotCache {
    private var cached: [String: (key: String, table: TableSnapshot)] = [:]
    /// Server databases: the tables of the last snapshot, by name.
    private var serverTables: [String: TableSnapshot]?
    /// Per table, the lower-cased names whose mention means it must be read again: its own, its
    /// indexes' and constraints', and the tables its foreign keys reference.
    private var lookupKeys: [String: Set<String>] = [:]

    private func remember(_ tables: [String: TableSnapshot], changed: Set<String>) {
        serverTables = tables
        for name in lookupKeys.keys where tables[name] == nil { lookupKeys[name] = nil }
        for name in changed {
            guard let table = tables[name] else { continue }
            // spec 1.1: schemas. A statement names `"billing"."invoices"`: its parts are the words seen.
            var keys: Set<String> = [name.lowercased(), QualifiedName.unqualified(name).lowercased()]
            for index in table.indexes { keys.insert(index.name.lowercased()) }
            for fk in table.foreignKeys {
                keys.insert(fk.referencedTable.lowercased())
                keys.insert(QualifiedName.unqualified(fk.referencedTable).lowercased())
                if let n = fk.name { keys.insert(n.lowercased()) }
            }
            for n in table.uniqueConstraints.compactMap(\.name) + table.checkConstraints.compactMap(\.name) { keys.insert(n.lowercased()) }
            if let n = table.primaryKey?.name { keys.insert(n.lowercased()) }
            lookupKeys[name] = keys
        }
    }

    func snapshot(_ db: Database, exclude: Set<String>, after statements: [String]? = nil) throws -> SchemaSnapshot {
        guard db.dialect == .sqlite else { return try serverSnapshot(db, exclude: exclude, after: statements) }
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
        return SchemaSnapshot(dialect: db.dialect, tables: reuse + fresh.tables, objects: try introspectObjects(db, exclude: exclude),
                              enumTypes: fresh.enumTypes)
    }

    private func serverSnapshot(_ db: Database, exclude: Set<String>, after statements: [String]?) throws -> SchemaSnapshot {
        guard let statements, let previous = serverTables, let mentioned = Self.mentionedNames(statements) else {
            let full = try introspect(db, exclude: exclude)
            lookupKeys = [:]
            remember(Dictionary(full.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }), changed: Set(full.tables.map(\.name)))
            return full
        }
        var reread = Set(mentioned.filter { previous[$0] == nil })  // tables the step may create
        for (name, keys) in lookupKeys where !keys.isDisjoint(with: mentioned) {
            // A rename, drop or column change of a referenced table shows in the referencing
            // table's key; `DROP INDEX i` and `ALTER INDEX i RENAME` name the index, not its table.
            reread.insert(name)
        }
        var names: [String]
        var fresh: [TableSnapshot]
        if db.dialect == .postgresql {
            // One round trip: the re-read tables and every table's name.
            (fresh, names) = try PostgresIntrospector(db: db).catalog(only: reread)
        } else {
            names = try tableNames(db)
            reread.formUnion(names.filter { previous[$0] == nil })
            fresh = reread.isEmpty ? [] : try introspectTables(db, only: reread.intersection(names))
        }
        names = names.filter { !exclude.contains($0) }
        // New under a name the statements do not show (mixed case folded differently, say).
        let missed = Set(names.filter { previous[$0] == nil && !reread.contains($0) })
        if !missed.isEmpty { fresh += try introspectTables(db, only: missed) }
        var tables: [String: TableSnapshot] = [:]
        let freshNames = Set(fresh.map(\.name))
        for name in names where !freshNames.contains(name) { tables[name] = previous[name] }
        for table in fresh where !exclude.contains(table.name) { tables[table.name] = table }
        remember(tables, changed: Set(fresh.map(\.name)))
        // spec 1.1: objects are few; read whole after every step
        return SchemaSnapshot(dialect: db.dialect, tables: Array(tables.values), objects: try introspectObjects(db, exclude: exclude),
                              enumTypes: try introspectEnumTypes(db)) // spec 1.1: enum types
    }

    /// Every name a list of statements mentions, lower-cased (words, quoted names, and the words
    /// inside string literals); nil when a statement can change tables it does not name.
    static func mentionedNames(_ statements: [String]) -> Set<String>? {
        var names: Set<String> = []
        for statement in statements {
            let tokens = tokenizeSQL(statement)
            for (i, token) in tokens.enumerated() {
                switch token.kind {
                case .word:
                    let word = token.text.uppercased()
                    if ["EXECUTE", "PREPARE", "CALL", "SCHEMA", "DOMAIN", "SEARCH_PATH", "USE", "IMPORT"].contains(word) { return nil }
                    if word == "TYPE", i > 0, ["CREATE", "ALTER", "DROP"].contains(tokens[i - 1].text.uppercased()) { return nil }
                    names.insert(token.text.lowercased())
                case .quotedIdentifier:
                    names.insert(token.text.lowercased())
                case .string:
                    // Names in dynamic SQL or comments: every run of name characters.
                    for part in token.text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }) {
                        names.insert(String(part))
                    }
                case .number, .symbol:
                    break
                }
            }
        }
        return names
    }
}
