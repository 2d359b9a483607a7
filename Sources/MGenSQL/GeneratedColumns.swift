import MGenSpec

// spec 1.1: generated columns and collations — the clauses of a column definition, per dialect.
extension SQLDialect {
    /// ` COLLATE "C"` (PostgreSQL quotes the name: it is an identifier there), ` COLLATE utf8mb4_bin`
    /// (MySQL: the character set follows from the name), ` COLLATE NOCASE` (SQLite); empty for the
    /// database's default.
    public func collateClause(_ column: Column) -> String {
        guard let name = column.collation(dialect) else { return "" }
        return " COLLATE \(collationName(name))"
    }

    /// A collation's name as the dialect writes it.
    public func collationName(_ name: String) -> String {
        dialect == .postgresql ? quote(name) : name
    }

    /// ` GENERATED ALWAYS AS (expr) STORED` (MySQL and SQLite also VIRTUAL); empty for a plain column.
    public func generatedClause(_ column: Column) throws(Unsupported) -> String {
        guard let generated = column.generated else { return "" }
        guard let expression = generated.expression.text(for: dialect) else {
            throw Unsupported("generated column '\(column.name)' has no expression for \(dialect)",
                              fix: "give the expression a `\(dialect.rawValue):` entry or a `default:` one")
        }
        if !generated.isStored(dialect), !dialect.capabilities.virtualGeneratedColumns {
            throw Unsupported("\(dialect.capabilities.productName) has only STORED generated columns ('\(column.name)' is virtual)",
                              fix: "write `stored: true`, or a view that computes the value")
        }
        return " GENERATED ALWAYS AS (\(expression)) \(generated.isStored(dialect) ? "STORED" : "VIRTUAL")"
    }
}

extension Table {
    /// The columns a statement may write (a table copy, a seed): all but the generated ones.
    public var writableColumns: [String] { columns.filter { $0.generated == nil }.map(\.name) }
}
