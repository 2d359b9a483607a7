import MGenSpec

/// What a dialect refuses, said once: MGenSQL refuses it when it renders the step, and the
/// targets that write the step their own way ask the same question (issue 11: no emitter restates
/// which database has what).
extension SQLDialect {
    /// Refuses `using` on a type change where the database has no `USING` (MySQL, SQLite).
    public func checkTypeChange(_ change: AlterColumn) throws(Unsupported) {
        guard change.using != nil, !capabilities.alterTypeUsing else { return }
        throw Unsupported("\(capabilities.productName) has no USING for type changes",
                          fix: "convert the values with a `sql` step before the change, or drop `using` for \(dialect)")
    }

    /// Refuses an index method the database does not have, and a partial index where it has none.
    public func checkIndexShape(_ index: Index) throws(Unsupported) {
        if let method = index.method, method != "btree", !capabilities.indexMethods {
            throw Unsupported("\(capabilities.productName) has only b-tree indexes (index '\(index.name)' asks for \(method))", fix: "drop `method`")
        }
        if index.predicate != nil, !capabilities.partialIndexes {
            throw Unsupported("MySQL and MariaDB have no partial indexes (index '\(index.name)' has `where`)",
                              fix: "drop `where`, or keep this index to postgresql/sqlite with a per-dialect `sql` step")
        }
    }
}
