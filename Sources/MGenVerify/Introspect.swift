import Foundation
import MGenSpec

/// Reads the schema of the database `db` is connected to (PostgreSQL: `current_schema()`;
/// MySQL: `DATABASE()`; SQLite: `main`). Tables named in `exclude` (framework bookkeeping such
/// as `goose_db_version`, `schema_migrations`, `alembic_version`, `_prisma_migrations`,
/// `django_migrations`) are left out.
public func introspect(_ db: Database, exclude: Set<String> = []) throws -> SchemaSnapshot {
    let tables: [TableSnapshot]
    switch db.dialect {
    case .postgresql: tables = try PostgresIntrospector(db: db).tables()
    case .mysql: tables = try MySQLIntrospector(db: db).tables()
    case .sqlite: tables = try SQLiteIntrospector(db: db).tables(skipping: exclude)
    }
    return SchemaSnapshot(dialect: db.dialect, tables: tables.filter { !exclude.contains($0.name) },
                          objects: try introspectObjects(db, exclude: exclude),
                          enumTypes: try introspectEnumTypes(db)) // spec 1.1: enum types
}

/// The base tables of the schema `db` is connected to, by name only (cheap: no definitions read).
func tableNames(_ db: Database) throws -> [String] {
    let sql: String
    switch db.dialect {
    case .postgresql:
        sql = """
            SELECT \(PostgresIntrospector.qualifiedName("c")) AS name FROM pg_class c
            WHERE c.relnamespace IN \(PostgresIntrospector.userSchemas)
              AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """
    case .mysql:
        sql = "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'"
    case .sqlite:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    }
    return try db.query(sql).compactMap { $0[text: "name"] }
}

/// Only the named tables of a server database (PostgreSQL, MySQL).
func introspectTables(_ db: Database, only: Set<String>) throws -> [TableSnapshot] {
    switch db.dialect {
    case .postgresql: return try PostgresIntrospector(db: db).tables(only: only)
    case .mysql: return try MySQLIntrospector(db: db).tables(only: only)
    case .sqlite: return try introspect(db).tables.filter { only.contains($0.name) }
    }
}

/// Bookkeeping tables of the migration frameworks mgen targets, for `exclude:`.
public let frameworkBookkeepingTables: Set<String> = [
    "goose_db_version", "schema_migrations", "alembic_version", "_prisma_migrations", "django_migrations",
    "knex_migrations", "knex_migrations_lock", "SequelizeMeta", "migrations", "typeorm_metadata",
    "ar_internal_metadata", "migratehistory", "flyway_schema_history",
]

/// Reading catalog rows: a missing column or NULL both read as nil.
extension Dictionary where Key == String, Value == String? {
    subscript(text key: String) -> String? {
        if let value = self[key] { return value }
        // MySQL may report information_schema column names in either case.
        if let value = self[key.uppercased()] { return value }
        if let value = self[key.lowercased()] { return value }
        return nil
    }

    func bool(_ key: String) -> Bool {
        switch self[text: key]?.lowercased() {
        case "t", "true", "1", "yes", "on": return true
        default: return false
        }
    }

    func int(_ key: String) -> Int? { self[text: key].flatMap { Int($0) } }
}

/// Splits a list aggregated with the unit separator (chr(31)).
func splitAggregate(_ text: String?) -> [String] {
    guard let text, !text.isEmpty else { return [] }
    return text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
}

/// Groups rows by a key column, preserving row order within each group.
func groupRows(_ rows: [[String: String?]], by key: String) -> [String: [[String: String?]]] {
    var groups: [String: [[String: String?]]] = [:]
    for row in rows {
        guard let k = row[text: key] else { continue }
        groups[k, default: []].append(row)
    }
    return groups
}

/// Maps `decimal(p,s)`/`numeric(p,s)` (and other shapes) to the neutral `decimal(p,s)`.
func neutralDecimal(_ type: String) -> String? {
    guard let match = type.range(of: #"^(numeric|decimal)(\([0-9]+(,[0-9]+)?\))?$"#, options: .regularExpression),
          match == type.startIndex..<type.endIndex else { return nil }
    guard let open = type.firstIndex(of: "(") else { return "decimal" }
    var args = String(type[open...])
    if !args.contains(",") { args = args.replacingOccurrences(of: ")", with: ",0)") }
    return "decimal" + args
}

/// The `n` of `name(n)`, when `type` has exactly that shape.
func singleLength(_ type: String, prefixes: [String]) -> Int? {
    for prefix in prefixes where type.hasPrefix(prefix + "(") && type.hasSuffix(")") {
        return Int(type.dropFirst(prefix.count + 1).dropLast())
    }
    return nil
}
