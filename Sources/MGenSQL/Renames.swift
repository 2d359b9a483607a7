import MGenSpec

/// spec 1.1: `rename_index`. PostgreSQL `ALTER INDEX … RENAME TO`, MySQL/MariaDB `ALTER TABLE …
/// RENAME INDEX … TO`, SQLite (no rename) drops the index and creates it under the new name.
extension SQLDialect {
    public func renameStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        guard case let .renameIndex(name, to, _) = operation else { throw Unsupported("\(operation.kind) is not a rename") }
        guard let index = context.after.index(to) else { throw Unsupported("unknown index '\(name)'") }
        switch dialect {
        case .postgresql:
            // spec 1.1: schemas. An index lives in its table's schema.
            return [SQLStatement("ALTER INDEX \(quote(QualifiedName(index.table).sibling(name).key)) RENAME TO \(quote(to))")]
        case .mysql:
            let clause = MySQLServers(options).clause(.renameIndex).map { ", " + $0.rawValue } ?? ""
            return [SQLStatement("ALTER TABLE \(quote(index.table)) RENAME INDEX \(quote(name)) TO \(quote(to))\(clause)", kind: .alterTable)]
        case .sqlite:
            var drop = SQLStatement("DROP INDEX \(quote(name))", kind: .dropIndex)
            drop.comment = "SQLite cannot rename an index: dropped and created under its new name"
            return [drop] + (try createIndex(index, concurrently: false, context))
        }
    }
}
