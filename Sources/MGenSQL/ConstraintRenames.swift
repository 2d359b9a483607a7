import MGenSpec

/// spec 1.1: `rename_constraint`. PostgreSQL renames any constraint in place (`RENAME CONSTRAINT`,
/// a catalog change; a unique's or primary key's index follows). MySQL/MariaDB have no rename for
/// a constraint: a unique is an index (`RENAME INDEX`, in place); a check is dropped and added
/// back under its new name in one ALTER (the rows are checked again); a foreign key is dropped,
/// its own index renamed, and the key added back (InnoDB checks every row again and blocks
/// writes to both tables meanwhile); the primary key is always `PRIMARY` there: nothing to do.
/// SQLite keeps constraints in the table's definition: a unique (an index there) is dropped and
/// created under its new name, the others rebuild the table.
extension SQLDialect {
    public func constraintRenameStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        guard case let .renameConstraint(tableName, name, to) = operation else { throw Unsupported("\(operation.kind) is not a constraint rename") }
        let old = try context.before.requiredTable(tableName), new = try context.after.requiredTable(tableName)
        let t = quote(tableName)
        switch dialect {
        case .postgresql:
            return [SQLStatement("ALTER TABLE \(t) RENAME CONSTRAINT \(quote(name)) TO \(quote(to))")]
        case .mysql:
            if old.primaryKey?.name == name { return [] }
            if old.uniques.contains(where: { $0.name == name }) {
                return [SQLStatement("ALTER TABLE \(t) RENAME INDEX \(quote(name)) TO \(quote(to))")]
            }
            if let check = new.checks.first(where: { $0.name == to }) {
                return [SQLStatement("ALTER TABLE \(t)\n    DROP CONSTRAINT \(quote(name)),\n    ADD \(checkClause(check))",
                                     comment: "MySQL cannot rename a check: dropped and added under its new name (the rows are checked again)")]
            }
            guard let fk = new.foreignKeys.first(where: { $0.name == to }),
                  let oldKey = old.foreignKeys.first(where: { $0.name == name }) else { throw Unsupported("table '\(tableName)' has no constraint '\(name)'") }
            var statements = [SQLStatement("ALTER TABLE \(t) DROP FOREIGN KEY \(quote(name))",
                                           comment: "MySQL cannot rename a foreign key: dropped and added under its new name (InnoDB checks the rows again)")]
            // The key's own index is named after it (see MySQLDialect.hasOwnIndex): its name follows.
            if MySQLDialect.hasOwnIndex(oldKey, in: context.before) {
                statements.append(SQLStatement("ALTER TABLE \(t) RENAME INDEX \(quote(name)) TO \(quote(to))"))
            }
            statements.append(SQLStatement("ALTER TABLE \(t) ADD \(foreignKeyClause(fk))"))
            return statements
        case .sqlite:
            if let unique = new.uniques.first(where: { $0.name == to }) {
                return [SQLStatement("DROP INDEX \(quote(name))", comment: "SQLite's unique constraints are unique indexes, which it cannot rename: dropped and created under the new name"),
                        SQLStatement("CREATE UNIQUE INDEX \(quote(unique.name)) ON \(t) (\(quoteList(unique.columns)))")]
            }
            guard let sqlite = self as? SQLiteDialect else { throw Unsupported("not SQLite") }
            return try sqlite.rebuild(tableName, context, reason: "SQLite cannot rename constraint '\(name)' in place")
        }
    }
}
