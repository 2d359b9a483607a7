import MGenSpec

// spec 1.1: column types — what a dialect cannot declare.
extension Unsupported {
    /// MySQL's varchar must have a length (`DialectRules` reports it at the spec's line first).
    public static func unboundedVarchar(_ column: String?) -> Unsupported {
        Unsupported("MySQL has no varchar without a length\(column.map { " (column '\($0)')" } ?? "")",
                    fix: "give a length (string(n), n ≤ 16383), use text, or a per-dialect type {postgresql: varchar, mysql: varchar(255), sqlite: VARCHAR}")
    }
}
