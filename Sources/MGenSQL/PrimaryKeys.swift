import MGenSpec

/// spec 1.1: primary keys on existing tables. PostgreSQL names the key (`ADD CONSTRAINT … PRIMARY
/// KEY`, `… USING INDEX`, which renames the index to the key's name); MySQL's key is always
/// `PRIMARY` (`ADD PRIMARY KEY`, an index taken over is dropped in the same ALTER); SQLite
/// cannot change a key in place and rebuilds the table.
extension SQLDialect {
    public func primaryKeyStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        switch (operation, dialect) {
        case let (.addPrimaryKey(add), .postgresql):
            let body = add.usingIndex.map { "USING INDEX \(quote($0))" } ?? "(\(quoteList(add.key.columns)))"
            return [SQLStatement("ALTER TABLE \(quote(add.table)) ADD CONSTRAINT \(quote(add.key.name)) PRIMARY KEY \(body)", kind: .alterTable)]
        case let (.addPrimaryKey(add), .mysql):
            let drop = add.usingIndex.map { "DROP INDEX \(quote($0)), " } ?? ""
            return [SQLStatement("ALTER TABLE \(quote(add.table)) \(drop)ADD PRIMARY KEY (\(quoteList(add.key.columns)))", kind: .alterTable)]
        case let (.dropPrimaryKey(table), .postgresql):
            let key = try context.before.requiredTable(table).primaryKey
            guard let key else { throw Unsupported("table '\(table)' has no primary key") }
            return [SQLStatement("ALTER TABLE \(quote(table)) DROP CONSTRAINT \(quote(key.name))", kind: .alterTable)]
        case let (.dropPrimaryKey(table), .mysql):
            return [SQLStatement("ALTER TABLE \(quote(table)) DROP PRIMARY KEY", kind: .alterTable)]
        case let (.addPrimaryKey(add), .sqlite):
            guard let sqlite = self as? SQLiteDialect else { throw Unsupported("not SQLite") }
            return try sqlite.rebuild(add.table, context, reason: "SQLite cannot add a primary key to an existing table")
        case let (.dropPrimaryKey(table), .sqlite):
            guard let sqlite = self as? SQLiteDialect else { throw Unsupported("not SQLite") }
            return try sqlite.rebuild(table, context, reason: "SQLite cannot drop a primary key in place")
        default:
            throw Unsupported("\(operation.kind) is not a primary-key step")
        }
    }
}
