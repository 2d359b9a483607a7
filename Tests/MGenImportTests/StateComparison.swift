import Foundation
import MGenSpec
import MGenVerify

let environment = ProcessInfo.processInfo.environment
func serverEnabled(_ key: String) -> Bool { environment[key] != nil || environment["MGEN_REQUIRE_DBS"] == "1" }
func server(_ key: String) throws -> DatabaseURL {
    guard let text = environment[key], !text.isEmpty else { throw DatabaseError(dialect: .postgresql, message: "\(key) is not set") }
    return try DatabaseURL(text)
}

/// The database to prove on for a dialect: SQLite in memory, the servers when their URL is set
/// (nil: skipped, unless MGEN_REQUIRE_DBS=1 makes it a failure).
func databaseFor(_ dialect: Dialect) throws -> DatabaseURL? {
    switch dialect {
    case .sqlite: return try DatabaseURL("sqlite::memory:")
    case .postgresql: return serverEnabled("MGEN_TEST_PG_URL") ? try server("MGEN_TEST_PG_URL") : nil
    case .mysql: return serverEnabled("MGEN_TEST_MYSQL_URL") ? try server("MGEN_TEST_MYSQL_URL") : nil
    }
}

/// Two states hold the same tables and indexes for one dialect: a per-dialect native type is
/// compared by its text for that dialect (the files of one dialect cannot tell the others'), and on
/// SQLite what SQLite does not keep is left out (comments; an identity key is INTEGER; timestamptz
/// is DATETIME like timestamp; json is TEXT), as the emit-then-apply tests compare it.
func same(_ a: SchemaState, _ b: SchemaState, dialect: Dialect) -> Bool { differences(a, b, dialect: dialect).isEmpty }

/// What differs between two states for one dialect, one line per table or index (empty: equal).
func differences(_ a: SchemaState, _ b: SchemaState, dialect: Dialect, ignoring: Set<String> = []) -> [String] {
    func normal(_ t: Table) -> Table {
        var t = t
        // In place, element by element: `columns` is the model's own collection type.
        for k in t.columns.indices {
            var c = t.columns[k]
            // A native type spelled as a neutral one renders the same SQL, and reads back as the neutral one.
            if case let .native(map) = c.type {
                let text = map[dialect.rawValue] ?? map["default"] ?? ""
                c.type = ColumnType.parse(text) ?? .native([dialect.rawValue: text])
            }
            // A number as the database gives it back: 1.5 in a decimal(10,2) is 1.50.
            if case let .literal(.number(text))? = c.defaultValue, let value = Double(text) { c.defaultValue = .literal(.number("\(value)")) }
            if dialect == .sqlite {
                c.comment = nil
                if c.identity { c.type = .integer }
                if c.type == .timestamptz { c.type = .timestamp }
                if c.type == .json { c.type = .text }
            }
            t.columns[k] = c
        }
        if dialect == .sqlite { t.comment = nil }
        // What a database keeps, not how the spec said it: constraints by name; `no action` is
        // the default; NOT VALID is a state of the rows, gone from the catalog once validated
        // (and never read back by the snapshot).
        t.foreignKeys = t.foreignKeys.filter { !ignoring.contains($0.referencedTable) }.map { fk in
            var fk = fk
            fk.onDelete = fk.onDelete ?? .noAction
            fk.onUpdate = fk.onUpdate ?? .noAction
            fk.notValid = false
            return fk
        }.sorted { $0.name < $1.name }
        // MySQL prints a check back with its identifiers quoted.
        t.checks = t.checks.map { c in
            var c = c
            c.notValid = false
            if dialect == .mysql { c.expression = c.expression.replacingOccurrences(of: "`", with: "") }
            return c
        }.sorted { $0.name < $1.name }
        if dialect == .mysql {
            // InnoDB's RESTRICT is NO ACTION.
            t.foreignKeys = t.foreignKeys.map { fk in
                var fk = fk
                if fk.onDelete == .restrict { fk.onDelete = .noAction }
                if fk.onUpdate == .restrict { fk.onUpdate = .noAction }
                return fk
            }
        }
        t.uniques.sort { $0.name < $1.name }
        // SQLite keeps no name for a rowid key and MySQL calls every key PRIMARY.
        if dialect != .postgresql, let pk = t.primaryKey { t.primaryKey = PrimaryKey(name: "", columns: pk.columns) }
        // SQLite and MySQL hold a unique constraint as a unique index: compared as one (below).
        if dialect != .postgresql { t.uniques = [] }
        return t
    }
    func indexes(_ state: SchemaState) -> [String: Index] {
        var out: [String: Index] = [:]
        for name in state.indexNames {
            guard var index = state.index(name) else { continue }
            if index.method == "btree" || dialect == .sqlite { index.method = nil }  // the default, or none at all
            // An expression as PostgreSQL prints it back: identifiers unquoted, text casts spelled out.
            index.parts = index.parts.map { part in
                guard case let .expression(text) = part else { return part }
                return .expression(text.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "::text", with: ""))
            }
            out[name] = index
        }
        if dialect != .postgresql {
            for table in state.tableNames {
                for unique in state.table(table)?.uniques ?? [] {
                    out[unique.name] = Index(name: unique.name, table: table, parts: unique.columns.map { .column($0) }, unique: true)
                }
            }
        }
        return out
    }
    var out: [String] = []
    for name in Set(a.tableNames).union(b.tableNames).subtracting(ignoring).sorted() {
        guard let x = a.table(name).map(normal), let y = b.table(name).map(normal) else {
            out.append("table \(name): only in the \(a.table(name) == nil ? "second" : "first")")
            continue
        }
        if x == y { continue }
        for column in Set(x.columns.map(\.name)).union(y.columns.map(\.name)).sorted() where x.column(column) != y.column(column) {
            out.append("table \(name): column \(x.column(column).map { "\($0)" } ?? "absent") vs \(y.column(column).map { "\($0)" } ?? "absent")")
        }
        if x.columns.map(\.name) != y.columns.map(\.name), Set(x.columns.map(\.name)) == Set(y.columns.map(\.name)) {
            out.append("table \(name): column order \(x.columns.map(\.name)) vs \(y.columns.map(\.name))")
        }
        if x.primaryKey != y.primaryKey { out.append("table \(name): primary key \(String(describing: x.primaryKey)) vs \(String(describing: y.primaryKey))") }
        if x.uniques != y.uniques { out.append("table \(name): uniques \(x.uniques) vs \(y.uniques)") }
        if x.checks != y.checks { out.append("table \(name): checks \(x.checks) vs \(y.checks)") }
        if x.foreignKeys != y.foreignKeys { out.append("table \(name): foreign keys \(x.foreignKeys) vs \(y.foreignKeys)") }
        if x.comment != y.comment { out.append("table \(name): comment \(String(describing: x.comment)) vs \(String(describing: y.comment))") }
    }
    let (ia, ib) = (indexes(a), indexes(b))
    for name in Set(ia.keys).union(ib.keys).sorted() where ia[name] != ib[name] && !ignoring.contains(ia[name]?.table ?? ib[name]?.table ?? "") {
        out.append("index \(name): \(ia[name].map { "\($0)" } ?? "absent") vs \(ib[name].map { "\($0)" } ?? "absent")")
    }
    return out
}
