/// spec 1.1: a unique constraint from an existing unique index (`add_unique: {using_index: …}`,
/// PostgreSQL's `ADD CONSTRAINT … UNIQUE USING INDEX`). The constraint takes the index's columns
/// and the index itself: afterwards the state has the constraint and no index of that name.
/// Parsing, validation (shared with `add_primary_key`'s `using_index`), resolution and inversion.

extension OperationParser {
    /// `add_unique` with `using_index`: the columns are the index's (resolved against the state,
    /// `Operation.resolved(in:)`); written ones must be the same. The name defaults to the index's,
    /// so PostgreSQL renames nothing.
    static func uniqueUsingIndex(_ f: Fields) -> Operation? {
        guard let table = f.name("table"), let index = f.name("using_index") else { return nil }
        let columns = f.stringList("columns") ?? []
        var unique = UniqueConstraint(name: f.name("name", required: false) ?? index, table: table, columns: columns)
        unique.deferrable = deferrability(f) // spec 1.1: deferrable constraints
        return .addUniqueUsingIndex(unique, index: index)
    }
}

extension Validator {
    /// The unique index a constraint takes over (`using_index` of add_unique and add_primary_key):
    /// it must exist on that table, be unique, non-partial, a plain btree on columns (no
    /// expression, key option, INCLUDE or storage parameter), on exactly `columns` when given.
    /// nil after reporting what is wrong.
    mutating func requireTakenOverIndex(_ name: String, table: String, columns: [String]?, becoming what: String) -> Index? {
        guard let index = state.index(name) else {
            error("unknown index '\(name)'\(suggestion(name, state.indexNames))", field: "using_index",
                  fix: "indexes of \(table): \(state.indexes(on: table).map(\.name).joined(separator: ", "))")
            return nil
        }
        let plain = index.unique && index.predicate == nil && index.parts.allSatisfy { $0.columnName != nil }
            && !index.hasKeyOrStorageOptions && (index.method ?? "btree") == "btree"
        let exactly = columns.map { " on exactly (\($0.joined(separator: ", ")))" } ?? ""
        guard index.table == table, plain, columns.map({ $0 == index.columnNames }) ?? true else {
            error("index '\(name)' cannot become \(what) of '\(table)': it must be a plain unique btree index of '\(table)'\(exactly) (no WHERE, expression, INCLUDE or key options)",
                  field: "using_index", fix: "create such an index first, or leave out `using_index`")
            return nil
        }
        return index
    }

    mutating func checkUniqueUsingIndex(_ unique: UniqueConstraint, index name: String) {
        guard requireTable(unique.table) != nil else { return }
        guard let index = requireTakenOverIndex(name, table: unique.table, columns: nil, becoming: "unique constraint '\(unique.name)'") else { return }
        if !unique.columns.isEmpty, unique.columns != index.columnNames {
            error("index '\(name)' is on (\(index.columnNames.joined(separator: ", "))), not (\(unique.columns.joined(separator: ", ")))", field: "columns",
                  fix: "leave out `columns` (the constraint takes the index's), or name an index on those columns")
        }
        if unique.name != name { requireFreeName(unique.name, field: "name") }
    }
}

extension Operation {
    /// The constraint with the index's columns (a spec may leave them out).
    func uniqueUsingIndexResolved(in before: SchemaState) -> Operation? {
        guard case let .addUniqueUsingIndex(unique, index) = self, unique.columns.isEmpty, let found = before.index(index) else { return nil }
        var resolved = unique
        resolved.columns = found.columnNames
        return .addUniqueUsingIndex(resolved, index: index)
    }

    /// The down: the constraint dropped (PostgreSQL drops its index with it) and the index made
    /// again exactly as it was.
    func uniqueUsingIndexInverse(in before: SchemaState) -> [Operation]? {
        guard case let .addUniqueUsingIndex(unique, name) = self, let index = before.index(name) else { return nil }
        return [.dropConstraint(table: unique.table, name: unique.name), .createIndex(index, concurrently: false)]
    }
}
