import MGenSpec

/// Single statements a target sends beside its framework's own calls (the SQL that undoes one of
/// them, a rename or comment the framework does not make): spelled here, where every statement
/// is built, not in the emitters (issue 11).
extension SQLDialect {
    /// `ALTER TABLE t DROP INDEX i` (MySQL's form: the index a foreign key left behind).
    public func alterTableDropIndex(_ table: String, _ index: String) -> SQLStatement {
        SQLStatement("ALTER TABLE \(quote(table)) DROP INDEX \(quote(index))", kind: .alterTable)
    }

    /// `ALTER TABLE t DROP CONSTRAINT c`, with the fact that says so (peewee's `drop_constraints`).
    public func dropConstraintStatement(_ table: String, _ name: String) -> SQLStatement {
        SQLStatement("ALTER TABLE \(quote(table)) DROP CONSTRAINT \(quote(name))", kind: .alterTable,
                     facts: [.constraintDropped(table: table, name: name)])
    }

    /// `ALTER TABLE t RENAME CONSTRAINT a TO b`.
    public func renameConstraintStatement(_ table: String, from: String, to: String) -> SQLStatement {
        SQLStatement("ALTER TABLE \(quote(table)) RENAME CONSTRAINT \(quote(from)) TO \(quote(to))", kind: .alterTable)
    }

    /// A framework that creates a table itself leaves its primary key the database's default name
    /// (`<table>_pkey`); a key the state names otherwise (renamed by `rename_constraint`) is
    /// renamed after the framework's CREATE TABLE. Empty where the name is the default or cannot
    /// differ (MySQL's PRIMARY) or cannot be renamed in place (SQLite).
    public func primaryKeyNameAfterFrameworkCreate(_ table: Table) -> (up: [SQLStatement], down: [SQLStatement]) {
        guard capabilities.namedPrimaryKeys, capabilities.alterTableChangesConstraints, let key = table.primaryKey,
              key.name != DefaultNames.primaryKey(table.name) else { return ([], []) }
        let given = DefaultNames.primaryKey(table.name)
        return ([renameConstraintStatement(table.name, from: given, to: key.name)],
                [renameConstraintStatement(table.name, from: key.name, to: given)])
    }

    /// `COMMENT ON COLUMN t.c IS '...'` (PostgreSQL's form).
    public func commentOnColumn(_ table: String, _ column: String, _ comment: String) -> SQLStatement {
        SQLStatement("COMMENT ON COLUMN \(quote(table)).\(quote(column)) IS \(stringLiteral(comment))", kind: .alterTable)
    }
}
