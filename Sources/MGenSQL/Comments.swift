import MGenSpec

/// spec 1.1: `comment_table`. PostgreSQL `COMMENT ON TABLE … IS '…' | NULL`, MySQL/MariaDB
/// `ALTER TABLE … COMMENT = '…'` (an empty comment is none there), SQLite keeps no comments: no
/// statement, as for a `comment` of create_table (`DialectCapabilities.comments`).
extension SQLDialect {
    public func commentStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        guard case let .commentTable(table, comment) = operation else { throw Unsupported("\(operation.kind) is not a comment") }
        guard dialect.capabilities.comments else { return [] }
        switch dialect {
        case .postgresql:
            return [SQLStatement("COMMENT ON TABLE \(quote(table)) IS \(comment.map(stringLiteral) ?? "NULL")", kind: .alterTable)]
        case .mysql, .sqlite:
            return [SQLStatement("ALTER TABLE \(quote(table)) COMMENT = \(stringLiteral(comment ?? ""))", kind: .alterTable)]
        }
    }
}
