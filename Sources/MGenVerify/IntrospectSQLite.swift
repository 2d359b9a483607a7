import Foundation
import MGenSpec

/// SQLite: sqlite_master and the table/index/foreign-key pragmas. SQLite keeps constraint names
/// and CHECK constraints only in the CREATE TABLE text, so those are parsed from it.
///
/// Unique constraints: an automatic index whose origin is `u` (`UNIQUE` in CREATE TABLE) is a
/// unique constraint; a `CREATE UNIQUE INDEX` (origin `c`) is a unique index. SQLite cannot add
/// a constraint to an existing table, so mgen's `add_unique` necessarily arrives as an index.
/// The primary key's name is kept when declared with `CONSTRAINT name PRIMARY KEY`.
struct SQLiteIntrospector {
    let db: Database

    /// `skipping`: tables not read at all (excluded ones, or ones a caller already has).
    func tables(skipping: Set<String> = []) throws -> [TableSnapshot] {
        let tableRows = try db.query("""
            SELECT name, sql FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name
            """)
        let indexSQL = Dictionary(
            try db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                .compactMap { row -> (String, String)? in
                    guard let name = row[text: "name"], let sql = row[text: "sql"] else { return nil }
                    return (name, sql)
                }, uniquingKeysWith: { first, _ in first })

        var snapshots: [TableSnapshot] = []
        for row in tableRows {
            guard let name = row[text: "name"], !skipping.contains(name) else { continue }
            let ddl = SQLiteTableDDL(sql: row[text: "sql"] ?? "")
            let literal = quoteLiteral(name, .sqlite)

            // table_xinfo: generated columns too (hidden 2 virtual, 3 stored; 1 is a virtual table's own)
            let info = try db.query("SELECT * FROM pragma_table_xinfo(\(literal)) WHERE hidden <> 1 ORDER BY cid")
            let pkColumns = info.filter { ($0.int("pk") ?? 0) > 0 }
                .sorted { ($0.int("pk") ?? 0) < ($1.int("pk") ?? 0) }
                .compactMap { $0[text: "name"] }
            // INTEGER PRIMARY KEY is an alias of the rowid: SQLite's auto-incrementing identity.
            let rowidAlias: String? = {
                guard pkColumns.count == 1, !ddl.withoutRowid,
                      let column = info.first(where: { $0[text: "name"] == pkColumns[0] }),
                      normalizeTypeName(column[text: "type"] ?? "") == "integer" else { return nil }
                return pkColumns[0]
            }()
            let columns = info.compactMap { col -> ColumnSnapshot? in
                guard let columnName = col[text: "name"] else { return nil }
                let nativeType = normalizeTypeName(col[text: "type"] ?? "")
                let identity = columnName == rowidAlias
                var defaultText = col[text: "dflt_value"].map { normalizeExpression($0) }
                if defaultText?.uppercased() == "NULL" || identity { defaultText = nil }
                // SQLite's TRUE and FALSE are the integers 1 and 0 (Prisma writes `DEFAULT false`).
                if let d = defaultText?.uppercased(), d == "TRUE" || d == "FALSE" { defaultText = d == "TRUE" ? "1" : "0" }
                // spec 1.1: generated columns and collations, from the CREATE TABLE text
                if let generated = ddl.generated[columnName] { defaultText = generated }
                var snapshot = ColumnSnapshot(
                    name: columnName, nativeType: nativeType, neutralType: Self.neutralType(nativeType),
                    nullable: !(col.bool("notnull") || identity), default: defaultText, identity: identity)
                snapshot.collation = ddl.collations[columnName]
                return snapshot
            }

            var indexes: [IndexSnapshot] = []
            var uniques: [UniqueConstraintSnapshot] = []
            for index in try db.query("SELECT * FROM pragma_index_list(\(literal)) ORDER BY name") {
                guard let indexName = index[text: "name"] else { continue }
                let keys = try db.query("SELECT * FROM pragma_index_xinfo(\(quoteLiteral(indexName, .sqlite))) WHERE key = 1 ORDER BY seqno")
                let parsed = indexSQL[indexName].map(SQLiteIndexDDL.init)
                let keyColumns = keys.enumerated().map { k, key -> String in
                    var text: String
                    if let column = key[text: "name"] {
                        text = column
                    } else if let expressions = parsed?.keys, k < expressions.count {
                        text = expressions[k]
                    } else {
                        text = "<expression>"
                    }
                    if key.bool("desc") { text += " desc" }
                    return text
                }
                switch index[text: "origin"] {
                case "pk":
                    continue
                case "u":
                    let declared = ddl.uniques.first { $0.columns == keyColumns }
                    uniques.append(UniqueConstraintSnapshot(name: declared?.name, columns: keyColumns))
                default:
                    indexes.append(IndexSnapshot(
                        name: indexName, columns: keyColumns, unique: index.bool("unique"),
                        predicate: parsed?.predicate, method: nil))
                }
            }

            var foreignKeys: [ForeignKeySnapshot] = []
            let fkRows = groupRows(try db.query("SELECT * FROM pragma_foreign_key_list(\(literal)) ORDER BY id, seq"), by: "id")
            for id in fkRows.keys.sorted(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
                let rows = fkRows[id] ?? []
                let first = rows.first ?? [:]
                let referencedTable = first[text: "table"] ?? ""
                let columns = rows.compactMap { $0[text: "from"] }
                var referenced = rows.compactMap { $0[text: "to"] }
                if referenced.count != columns.count {
                    // `REFERENCES t` without columns means t's primary key.
                    referenced = try db.query("SELECT name FROM pragma_table_info(\(quoteLiteral(referencedTable, .sqlite))) WHERE pk > 0 ORDER BY pk")
                        .compactMap { $0[text: "name"] }
                }
                var fk = ForeignKeySnapshot(
                    name: ddl.foreignKeyNames.first { $0.columns == columns }?.name, columns: columns,
                    referencedTable: referencedTable, referencedColumns: referenced,
                    onDelete: normalizeAction(first[text: "on_delete"]), onUpdate: normalizeAction(first[text: "on_update"]))
                fk.deferrable = ddl.deferrableForeignKeys.first { $0.columns == columns }?.deferrable // spec 1.1: deferrable constraints
                foreignKeys.append(fk)
            }

            snapshots.append(TableSnapshot(
                name: name, columns: columns,
                primaryKey: pkColumns.isEmpty ? nil : PrimaryKeySnapshot(name: ddl.primaryKeyName, columns: pkColumns),
                indexes: indexes, foreignKeys: foreignKeys, uniqueConstraints: uniques,
                checkConstraints: ddl.checks.map { CheckConstraintSnapshot(name: $0.name, expression: $0.expression) }))
        }
        return snapshots
    }

    /// Declared type names → neutral names, generously (SQLite accepts any type name).
    static func neutralType(_ type: String) -> String {
        if let n = singleLength(type, prefixes: ["varchar", "character varying", "nvarchar"]) { return "string(\(n))" }
        let base = type.replacingOccurrences(of: #"\([0-9, ]+\)$"#, with: "", options: .regularExpression)
        switch base {
        case "boolean", "bool": return "boolean"
        case "smallint": return "smallint"
        case "integer", "int": return "integer"
        case "bigint": return "bigint"
        case "real", "float": return "real"
        case "double", "double precision": return "double"
        case "text", "clob": return "text"
        case "blob", "bytea", "binary", "varbinary": return "binary"
        case "date": return "date"
        case "time": return "time"
        case "datetime", "timestamp", "timestamp without time zone": return "timestamp"
        case "timestamptz", "timestamp with time zone": return "timestamptz"
        case "uuid": return "uuid"
        case "json", "jsonb": return "json"
        // spec 1.1: column types. A bare VARCHAR is the spec's varchar(max), CHAR(n) its char(n).
        case "varchar", "character varying": return "varchar(max)"
        // mgen stores a uuid as CHAR(36), as on MySQL.
        case "char" where type == "char(36)": return "uuid"
        case "char", "character": return "char(\(singleLength(type, prefixes: ["char", "character"]) ?? 1))"
        default: return neutralDecimal(type) ?? "native"
        }
    }
}

/// What SQLite's catalog does not keep, read back from a CREATE TABLE statement: constraint
/// names, CHECK expressions, WITHOUT ROWID. Lenient: an unparseable statement yields nothing.
struct SQLiteTableDDL {
    var checks: [(name: String?, expression: String)] = []
    var uniques: [(name: String?, columns: [String])] = []
    var foreignKeyNames: [(name: String, columns: [String])] = []
    // spec 1.1: deferrable constraints: `DEFERRABLE [INITIALLY DEFERRED|IMMEDIATE]` after a key
    var deferrableForeignKeys: [(columns: [String], deferrable: String)] = []
    var primaryKeyName: String?
    var withoutRowid = false
    // spec 1.1: generated columns and collations
    /// Column → `GENERATED ALWAYS AS (expr) STORED|VIRTUAL`.
    var generated: [String: String] = [:]
    /// Column → its collation, upper-cased, where not BINARY (SQLite's default).
    var collations: [String: String] = [:]

    init(sql: String) {
        let tokens = tokenizeSQL(sql)
        guard let open = tokens.firstIndex(where: { $0.isSymbol("(") }),
              let close = matchingParen(tokens, from: open) else { return }
        let tail = tokens[(close + 1)...]
        withoutRowid = zip(tail, tail.dropFirst()).contains { $0.isWord("WITHOUT") && $1.isWord("ROWID") }

        for item in splitTopLevel(tokens[(open + 1)..<close]) {
            guard let first = item.first else { continue }
            let tableConstraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains { first.isWord($0) }
            if tableConstraint {
                parseConstraints(sql, item, column: nil)
            } else {
                parseConstraints(sql, item.dropFirst(), column: first.text)
            }
        }
    }

    /// Walks constraint clauses; `column` is set for a column definition (clauses then apply to it).
    private mutating func parseConstraints(_ sql: String, _ item: ArraySlice<SQLToken>, column: String?) {
        let tokens = Array(item)
        var pendingName: String?
        var foreignKeyColumns: [String]? // spec 1.1: the key a DEFERRABLE clause belongs to
        var k = 0
        func parenthesized(after index: Int) -> (inner: ArraySlice<SQLToken>, end: Int)? {
            guard index < tokens.count, tokens[index].isSymbol("("),
                  let end = matchingParen(tokens, from: index) else { return nil }
            return (tokens[(index + 1)..<end], end)
        }
        func names(_ inner: ArraySlice<SQLToken>) -> [String] {
            splitTopLevel(inner).compactMap { part in part.first(where: { $0.isName })?.text }
        }
        while k < tokens.count {
            let token = tokens[k]
            if token.isWord("CONSTRAINT"), k + 1 < tokens.count {
                pendingName = tokens[k + 1].text
                k += 2
                continue
            }
            if token.isWord("PRIMARY") {
                if let pendingName { primaryKeyName = pendingName }
                pendingName = nil
            } else if token.isWord("UNIQUE") {
                if column == nil, let group = parenthesized(after: k + 1) {
                    uniques.append((pendingName, names(group.inner)))
                    k = group.end
                } else if let column {
                    uniques.append((pendingName, [column]))
                }
                pendingName = nil
            } else if token.isWord("CHECK") {
                if let group = parenthesized(after: k + 1) {
                    let expression = normalizeExpression(sourceText(sql, group.inner), unquoteIdentifiers: true)
                    checks.append((pendingName, expression))
                    k = group.end
                }
                pendingName = nil
            } else if token.isWord("FOREIGN") {
                // FOREIGN KEY (cols) REFERENCES …
                if let group = parenthesized(after: k + 2) {
                    foreignKeyColumns = names(group.inner)
                    if let pendingName { foreignKeyNames.append((pendingName, names(group.inner))) }
                    k = group.end
                }
                pendingName = nil
            } else if token.isWord("REFERENCES") {
                if let column, let pendingName { foreignKeyNames.append((pendingName, [column])) }
                if let column, foreignKeyColumns == nil { foreignKeyColumns = [column] }
                pendingName = nil
            } else if token.isWord("DEFERRABLE"), let columns = foreignKeyColumns, k == 0 || !tokens[k - 1].isWord("NOT") {
                // spec 1.1: deferrable constraints (SQLite: DEFERRABLE alone is INITIALLY IMMEDIATE)
                let deferred = k + 2 < tokens.count && tokens[k + 1].isWord("INITIALLY") && tokens[k + 2].isWord("DEFERRED")
                deferrableForeignKeys.append((columns, deferred ? "deferred" : "immediate"))
            } else if let column, token.isWord("COLLATE"), k + 1 < tokens.count {
                // spec 1.1: collations
                let name = tokens[k + 1].text.uppercased()
                if name != "BINARY" { collations[column] = name }
                pendingName = nil
                k += 1
            } else if let column, token.isWord("AS"), let group = parenthesized(after: k + 1) {
                // spec 1.1: generated columns (`[GENERATED ALWAYS] AS (expr) [STORED|VIRTUAL]`, VIRTUAL by default)
                let stored = group.end + 1 < tokens.count && tokens[group.end + 1].isWord("STORED")
                let expression = normalizeExpression(sourceText(sql, group.inner), unquoteIdentifiers: true)
                generated[column] = "GENERATED ALWAYS AS (\(expression)) \(stored ? "STORED" : "VIRTUAL")"
                pendingName = nil
                k = group.end
            } else if token.isSymbol("("), let end = matchingParen(tokens, from: k) {
                k = end  // a DEFAULT (…), a type's (n) or a REFERENCES t (cols): nothing to read inside
            } else if ["NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED", "AS"].contains(where: { token.isWord($0) }) {
                pendingName = nil
            }
            k += 1
        }
    }
}

/// The key expressions and WHERE clause of a CREATE INDEX statement.
struct SQLiteIndexDDL {
    var keys: [String] = []
    var predicate: String?

    init(sql: String) {
        let tokens = tokenizeSQL(sql)
        guard let on = tokens.firstIndex(where: { $0.isWord("ON") }),
              let open = tokens[on...].firstIndex(where: { $0.isSymbol("(") }),
              let close = matchingParen(tokens, from: open) else { return }
        keys = splitTopLevel(tokens[(open + 1)..<close]).map { part in
            // Drop a trailing ASC/DESC and COLLATE x: the pragma reports direction separately.
            var part = part
            if let last = part.last, last.isWord("ASC") || last.isWord("DESC") { part = part.dropLast() }
            if part.count >= 2, part[part.endIndex - 2].isWord("COLLATE") { part = part.dropLast(2) }
            return normalizeExpression(sourceText(sql, part), unquoteIdentifiers: true)
        }
        if close + 1 < tokens.count, tokens[close + 1].isWord("WHERE") {
            predicate = normalizeExpression(sourceText(sql, tokens[(close + 2)...]), unquoteIdentifiers: true)
        }
    }
}
