import MGenSpec

// spec 1.1: column types — what a dialect cannot declare.
extension Unsupported {
    /// MySQL's varchar must have a length (`DialectRules` reports it at the spec's line first).
    public static func unboundedVarchar(_ column: String?) -> Unsupported {
        Unsupported("MySQL has no varchar without a length\(column.map { " (column '\($0)')" } ?? "")",
                    fix: "give a length (string(n), n ≤ 16383), use text, or a per-dialect type {postgresql: varchar, mysql: varchar(255), sqlite: VARCHAR}")
    }

    /// MySQL and SQLite have no array types (`DialectRules` reports it first).
    public static func array(_ column: String?, _ dialect: Dialect) -> Unsupported {
        Unsupported("\(dialect) has no array types\(column.map { " (column '\($0)')" } ?? "")", fix: DialectRules.arrayFix)
    }

    /// PostgreSQL and SQLite have no unsigned integers (`DialectRules` reports it first).
    public static func unsigned(_ column: String?, _ dialect: Dialect) -> Unsupported {
        Unsupported("\(dialect) has no unsigned integers\(column.map { " (column '\($0)')" } ?? "")",
                    fix: DialectRules.unsignedFix)
    }
}
