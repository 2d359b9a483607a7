import MGenSpec

/// spec 1.1 / issue 13: unique constraints built from a unique index.
///
/// `add_unique: {using_index: i}`: PostgreSQL `ADD CONSTRAINT c UNIQUE USING INDEX i` (the index
/// becomes the constraint's, renamed to its name). On MySQL/MariaDB and SQLite a unique index is
/// what a unique constraint is (information_schema and SQLite's catalogue cannot tell them apart),
/// so the step only names it: nothing when the names are the same, else a rename (MySQL `RENAME
/// INDEX`; SQLite, which has none, creates it under the new name and drops the old one).
///
/// Safe output on PostgreSQL (issue 13): a plain `add_unique` on a table that exists before the
/// migration builds its index with `CREATE UNIQUE INDEX CONCURRENTLY` (SHARE UPDATE EXCLUSIVE:
/// reads and writes go on; an INVALID index a failed build left is dropped first), outside any
/// transaction, then takes it over with `ADD CONSTRAINT … USING INDEX` in a transaction of its
/// own (a moment's ACCESS EXCLUSIVE, no scan, under the lock timeout). The index gets the
/// constraint's name, so nothing is renamed. A runner that cannot leave its transaction
/// (`RenderOptions.runnerLeavesTransaction` false: golang-migrate, Prisma) gets the plain ADD CONSTRAINT.
extension SQLDialect {
    public func addUniqueUsingIndex(_ unique: UniqueConstraint, index name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        guard let index = context.before.index(name) else { throw Unsupported("unknown index '\(name)'") }
        switch dialect {
        case .postgresql:
            return [takeOver(unique, index: name)]
        case .mysql:
            if name == unique.name { return [] }
            return [SQLStatement("ALTER TABLE \(quote(unique.table)) RENAME INDEX \(quote(name)) TO \(quote(unique.name))", kind: .alterTable)]
        case .sqlite:
            if name == unique.name { return [] }
            var renamed = index
            renamed.name = unique.name
            var drop = SQLStatement("DROP INDEX \(quote(name))", kind: .dropIndex)
            drop.comment = "SQLite cannot rename an index: the constraint's is created under its name, the old one dropped"
            return try createIndex(renamed, concurrently: false, context) + [drop]
        }
    }

    /// `ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX i` (PostgreSQL).
    func takeOver(_ unique: UniqueConstraint, index: String) -> SQLStatement {
        var statement = addConstraint(table: unique.table, name: unique.name,
                                      definition: "UNIQUE USING INDEX \(quote(index))\(deferrableClause(unique.deferrable))", kind: .alterTable)
        statement.facts.append(.uniqueFromIndex(table: unique.table, name: unique.name, index: index))
        return statement
    }
}

extension PostgreSQLDialect {
    public func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let plain = addConstraint(table: unique.table, name: unique.name,
                                  definition: "UNIQUE (\(quoteList(unique.columns)))\(deferrableClause(unique.deferrable))", kind: .alterTable)
        guard context.isExisting(unique.table), options.runnerLeavesTransaction else { return [plain] }
        let index = Index(name: unique.name, table: unique.table, parts: unique.columns.map { .column($0) }, unique: true)
        var takeOver = takeOver(unique, index: unique.name)
        takeOver.ownTransaction = true
        return try createIndex(index, concurrently: true, context) + [takeOver]
    }
}
