import Foundation
import MGenSpec

/// MySQL 8 / MariaDB: information_schema for `DATABASE()`.
///
/// A unique constraint is a unique index in MySQL, and information_schema cannot tell
/// `UNIQUE (a)` from `CREATE UNIQUE INDEX`: every unique key is reported as a unique index and
/// `uniqueConstraints` stays empty. The primary key's name is always `PRIMARY` and is left out.
struct MySQLIntrospector {
    let db: Database

    /// `only`: just these tables (verify re-reads the tables a step touched).
    func tables(only wanted: Set<String>? = nil) throws -> [TableSnapshot] {
        func only(_ column: String) -> String {
            guard let names = wanted else { return "" }
            return " AND \(column) IN (" + (names.isEmpty ? "NULL" : names.sorted().map { quoteLiteral($0, .mysql) }.joined(separator: ", ")) + ")"
        }
        // Known from the handshake on our own connections: one round trip less per snapshot.
        let isMariaDB = try (db as? MySQLDatabase)?.isMariaDB ?? (db.scalar("SELECT VERSION()") ?? "").lowercased().contains("mariadb")
        let tableRows = try db.query("""
            SELECT TABLE_NAME AS name, TABLE_COMMENT AS comment, TABLE_COLLATION AS table_collation,
                   CASE WHEN ENGINE <> @@default_storage_engine THEN ENGINE END AS engine,
                   CASE WHEN TABLE_COLLATION <> (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA
                                                 WHERE SCHEMA_NAME = DATABASE()) THEN TABLE_COLLATION END AS collation
            FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'\(only("TABLE_NAME")) ORDER BY TABLE_NAME
            """)
        let columns = groupRows(try db.query("""
            SELECT TABLE_NAME AS table_name, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
                   COLUMN_DEFAULT AS default_value, EXTRA AS extra, COLUMN_COMMENT AS comment,
                   GENERATION_EXPRESSION AS generation, COLLATION_NAME AS collation
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()\(only("TABLE_NAME"))
            ORDER BY TABLE_NAME, ORDINAL_POSITION
            """), by: "table_name")
        // SELECT *: MySQL 8 has an EXPRESSION column (functional key parts), MariaDB has not.
        let statistics = groupRows(try db.query("""
            SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()\(only("TABLE_NAME"))
            ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
            """), by: "TABLE_NAME")
        // Two filtered reads joined here: information_schema joined to itself opens every table
        // of the server (10 ms and more per snapshot on MariaDB), each alone only those named.
        let rules = try db.query("""
            SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, UPDATE_RULE AS on_update, DELETE_RULE AS on_delete
            FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()\(only("TABLE_NAME"))
            """)
        var ruleOf: [String: [String: String?]] = [:]
        for rule in rules {
            guard let table = rule[text: "table_name"], let name = rule[text: "name"] else { continue }
            ruleOf[table + "\u{1}" + name] = rule
        }
        let foreignKeys = groupRows(try db.query("""
            SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, COLUMN_NAME AS column_name,
                   REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
            FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL\(only("TABLE_NAME"))
            ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
            """).compactMap { row -> [String: String?]? in
                guard let table = row[text: "table_name"], let name = row[text: "name"],
                      let rule = ruleOf[table + "\u{1}" + name] else { return nil }
                var merged = row
                merged["on_update"] = rule[text: "on_update"]
                merged["on_delete"] = rule[text: "on_delete"]
                return merged
            }, by: "table_name")
        // MariaDB names checks per table (CHECK_CONSTRAINTS has TABLE_NAME); MySQL 8 per schema.
        let checks = groupRows(try db.query(isMariaDB ? """
            SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
            FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()\(only("TABLE_NAME"))
            ORDER BY TABLE_NAME, CONSTRAINT_NAME
            """ : """
            SELECT tc.TABLE_NAME AS table_name, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
            FROM information_schema.TABLE_CONSTRAINTS tc
            JOIN information_schema.CHECK_CONSTRAINTS cc
              ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
            WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'\(only("tc.TABLE_NAME"))
            ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME
            """), by: "table_name")

        return tableRows.compactMap { row -> TableSnapshot? in
            guard let name = row[text: "name"] else { return nil }
            var checkSnapshots: [CheckConstraintSnapshot] = []
            var jsonColumns: Set<String> = []
            let columnNames = (columns[name] ?? []).compactMap { $0[text: "name"] }
            for check in checks[name] ?? [] {
                let clause = normalizeExpression(check[text: "clause"] ?? "", unquoteIdentifiers: true)
                let checkName = check[text: "name"]
                // MariaDB's JSON is LONGTEXT plus an implicit CHECK (json_valid(`col`)) named after the
                // column; a renamed column keeps the CHECK under its old name (seed 12 mysql, fixture
                // mysql-json-column-rename), so the clause alone says which column is JSON.
                if isMariaDB, let column = columnNames.first(where: { clause == "json_valid(\($0))" }) {
                    jsonColumns.insert(column)
                    continue
                }
                checkSnapshots.append(CheckConstraintSnapshot(name: checkName, expression: clause))
            }
            let tableCollation = row[text: "table_collation"] // spec 1.1: collations
            let columnSnapshots = (columns[name] ?? []).compactMap { column($0, isMariaDB: isMariaDB, jsonColumns: jsonColumns, tableCollation: tableCollation) }

            var primaryKey: PrimaryKeySnapshot?
            var indexes: [IndexSnapshot] = []
            var order: [String] = []
            var parts: [String: [[String: String?]]] = [:]
            for part in statistics[name] ?? [] {
                guard let indexName = part[text: "INDEX_NAME"] else { continue }
                if parts[indexName] == nil { order.append(indexName) }
                parts[indexName, default: []].append(part)
            }
            for indexName in order {
                let keyParts = (parts[indexName] ?? []).sorted { ($0.int("SEQ_IN_INDEX") ?? 0) < ($1.int("SEQ_IN_INDEX") ?? 0) }
                let keyColumns = keyParts.map(Self.keyPart)
                if indexName == "PRIMARY" {
                    primaryKey = PrimaryKeySnapshot(name: nil, columns: keyColumns)
                    continue
                }
                let first = keyParts.first ?? [:]
                indexes.append(IndexSnapshot(
                    name: indexName, columns: keyColumns, unique: first[text: "NON_UNIQUE"] == "0",
                    predicate: nil, method: first[text: "INDEX_TYPE"]?.lowercased()))
            }

            var fkSnapshots: [ForeignKeySnapshot] = []
            var fkOrder: [String] = []
            var fkParts: [String: [[String: String?]]] = [:]
            for part in foreignKeys[name] ?? [] {
                guard let fkName = part[text: "name"] else { continue }
                if fkParts[fkName] == nil { fkOrder.append(fkName) }
                fkParts[fkName, default: []].append(part)
            }
            for fkName in fkOrder {
                let rows = fkParts[fkName] ?? []
                let first = rows.first ?? [:]
                fkSnapshots.append(ForeignKeySnapshot(
                    name: fkName, columns: rows.compactMap { $0[text: "column_name"] },
                    referencedTable: first[text: "ref_table"] ?? "",
                    referencedColumns: rows.compactMap { $0[text: "ref_column"] },
                    onDelete: normalizeAction(first[text: "on_delete"]), onUpdate: normalizeAction(first[text: "on_update"])))
            }

            let comment = row[text: "comment"].flatMap { $0.isEmpty ? nil : $0 }
            var table = TableSnapshot(
                name: name, columns: columnSnapshots, primaryKey: primaryKey, indexes: indexes,
                foreignKeys: fkSnapshots, uniqueConstraints: [], checkConstraints: checkSnapshots, comment: comment)
            // spec 1.1: MySQL table options, where they differ from the server's engine and the
            // database's collation (the collation names its character set)
            let options = [row[text: "engine"].map { "engine=\($0.lowercased())" }, row[text: "collation"].map { "collation=\($0)" }].compactMap { $0 }
            table.options = options.isEmpty ? nil : options.joined(separator: " ")
            return table
        }
    }

    /// `email`, `name(10)` for a prefix, `email desc`, or a functional key part's expression.
    private static func keyPart(_ part: [String: String?]) -> String {
        var text: String
        if let column = part[text: "COLUMN_NAME"] {
            text = column
            if let prefix = part[text: "SUB_PART"] { text += "(\(prefix))" }
        } else {
            text = normalizeExpression(part[text: "EXPRESSION"] ?? "", unquoteIdentifiers: true)
        }
        if part[text: "COLLATION"] == "D" { text += " desc" }
        return text
    }

    private func column(_ row: [String: String?], isMariaDB: Bool, jsonColumns: Set<String>, tableCollation: String?) -> ColumnSnapshot? {
        guard let name = row[text: "name"], let rawType = row[text: "type"] else { return nil }
        var nativeType = Self.nativeType(rawType)
        if jsonColumns.contains(name) { nativeType = "json" }
        let extra = (row[text: "extra"] ?? "").lowercased()
        let identity = extra.contains("auto_increment")
        var defaultText: String?
        if let generation = row[text: "generation"], !generation.isEmpty {
            let kind = extra.contains("stored") || extra.contains("persistent") ? "STORED" : "VIRTUAL"
            // Names stay quoted: the text is also SQL again (a baseline's DDL), where `select` must be.
            defaultText = "GENERATED ALWAYS AS (\(normalizeExpression(generation))) \(kind)"
        } else if !identity {
            defaultText = Self.normalizeDefault(row[text: "default_value"], type: nativeType, extra: extra, isMariaDB: isMariaDB)
        }
        let comment = row[text: "comment"].flatMap { $0.isEmpty ? nil : $0 }
        var snapshot = ColumnSnapshot(
            name: name, nativeType: nativeType, neutralType: Self.neutralType(nativeType),
            nullable: row[text: "nullable"] == "YES", default: defaultText, identity: identity, comment: comment)
        // spec 1.1: collations — only one other than the table's default (ordinary columns show none)
        // (MariaDB's json is a longtext that is always utf8mb4_bin: no collation of the column's own)
        if let collation = row[text: "collation"], collation != tableCollation, nativeType != "json" { snapshot.collation = collation }
        return snapshot
    }

    /// COLUMN_TYPE lower-cased, without integer display widths (`int(11)` → `int`, as MySQL 8.0.19+
    /// reports), except `tinyint(1)`, which both servers keep and which means boolean.
    static func nativeType(_ raw: String) -> String {
        var type = normalizeTypeName(raw)
        if !type.hasPrefix("tinyint(1)") {
            type = type.replacingOccurrences(
                of: #"^(tinyint|smallint|mediumint|int|integer|bigint)\([0-9]+\)"#, with: "$1", options: .regularExpression)
        }
        return type
    }

    /// MariaDB reports defaults as SQL (`'abc'`, `NULL`, `current_timestamp()`); MySQL 8 as bare
    /// values (`abc`, SQL NULL, `CURRENT_TIMESTAMP`). Both become SQL text, with
    /// `CURRENT_TIMESTAMP` for every spelling of the current-timestamp function.
    static func normalizeDefault(_ raw: String?, type: String, extra: String, isMariaDB: Bool) -> String? {
        guard let raw else { return nil }
        if raw.range(of: #"^current_timestamp(\([0-9]*\))?$"#, options: [.regularExpression, .caseInsensitive]) != nil
            || raw.lowercased() == "now()" {
            return "CURRENT_TIMESTAMP"
        }
        if isMariaDB {
            if raw == "NULL" { return nil }
            return normalizeExpression(raw, unquoteIdentifiers: true)
        }
        if extra.contains("default_generated") { return normalizeExpression(raw, unquoteIdentifiers: true) }
        let numeric = ["tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric", "float", "double", "bit"]
        if numeric.contains(where: { type.hasPrefix($0) }) { return raw }
        return quoteLiteral(raw, .postgresql)  // standard SQL quoting: only quotes doubled
    }

    static func neutralType(_ type: String) -> String {
        // spec 1.1: column types
        switch type {
        case "smallint unsigned": return "smallint unsigned"
        case "int unsigned": return "integer unsigned"
        case "bigint unsigned": return "bigint unsigned"
        default: break
        }
        if type.contains("unsigned") || type.contains("zerofill") { return "native" }
        let base = type.replacingOccurrences(of: #"\([0-9]+\)$"#, with: "", options: .regularExpression)
        switch type {
        case "tinyint(1)": return "boolean"
        case "char(36)": return "uuid"
        default: break
        }
        switch base {
        case "smallint": return "smallint"
        case "int", "integer", "mediumint": return "integer"
        case "bigint": return "bigint"
        case "float": return "real"
        case "double", "double precision": return "double"
        case "tinytext", "text", "mediumtext", "longtext": return "text"
        case "tinyblob", "blob", "mediumblob", "longblob", "varbinary", "binary": return "binary"
        case "date": return "date"
        case "time": return "time"
        case "datetime": return "timestamp"
        case "timestamp": return "timestamptz"
        case "json": return "json"
        default: break
        }
        if let n = singleLength(type, prefixes: ["varchar"]) { return "string(\(n))" }
        if let n = singleLength(type, prefixes: ["char"]) { return "char(\(n))" } // spec 1.1: column types (char(36) is uuid, above)
        if type.hasPrefix("enum(") && type.hasSuffix(")") {
            // enum('a','b') → enum(a,b)
            let values = tokenizeSQL(String(type.dropFirst(5).dropLast())).filter { $0.kind == .string }
                .map { String($0.text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'") }
            return "enum(" + values.joined(separator: ",") + ")"
        }
        return neutralDecimal(type) ?? "native"
    }
}
