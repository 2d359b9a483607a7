/// spec 1.1: renaming a constraint (`rename_constraint`): a primary key, unique, check or foreign
/// key keeps its definition under a new name. Parsing, validation, inversion and the state change
/// in one place.

extension OperationParser {
    static let constraintRenameFields: [String: [String]] = [
        "rename_constraint": ["table", "name", "to"],
    ]

    static func renameConstraintStep(_ f: Fields) -> Operation? {
        let table = f.name("table"), name = f.name("name"), to = f.name("to")
        guard let table, let name, let to else { return nil }
        return .renameConstraint(table: table, name: name, to: to)
    }
}

extension Table {
    /// The constraint of any kind with this name, renamed (nil when the table has none by that name).
    func renamingConstraint(_ name: String, to: String) -> Table? {
        var table = self
        if table.primaryKey?.name == name { table.primaryKey?.name = to; return table }
        if let i = table.uniques.firstIndex(where: { $0.name == name }) { table.uniques[i].name = to; return table }
        if let i = table.checks.firstIndex(where: { $0.name == name }) { table.checks[i].name = to; return table }
        if let i = table.foreignKeys.firstIndex(where: { $0.name == name }) { table.foreignKeys[i].name = to; return table }
        return nil
    }

    /// What kind of constraint a name is on this table, as errors and comments say it.
    public func constraintKind(_ name: String) -> String? {
        if primaryKey?.name == name { return "primary key" }
        if uniques.contains(where: { $0.name == name }) { return "unique constraint" }
        if checks.contains(where: { $0.name == name }) { return "check constraint" }
        if foreignKeys.contains(where: { $0.name == name }) { return "foreign key" }
        return nil
    }
}

extension Validator {
    mutating func checkConstraintRename(_ operation: Operation) {
        guard case let .renameConstraint(tableName, name, to) = operation, let table = requireTable(tableName) else { return }
        guard table.constraintKind(name) != nil else {
            let indexHint = state.index(name) != nil ? "'\(name)' is an index: use rename_index" : nil
            error("table '\(tableName)' has no constraint named '\(name)'\(suggestion(name, table.constraintNames))", field: "name",
                  fix: indexHint ?? (table.constraintNames.isEmpty ? "table '\(tableName)' has no named constraints"
                                                                   : "constraints of \(tableName): \(table.constraintNames.joined(separator: ", "))"))
            return
        }
        if name == to { error("constraint '\(name)' already has that name", field: "to", fix: "drop this step, or give another name") } else { requireFreeName(to, field: "to") }
    }
}

extension Operation {
    /// The constraint gets its old name back.
    func constraintRenameInverse(in before: SchemaState) -> [Operation]? {
        guard case let .renameConstraint(table, name, to) = self else { return nil }
        return [.renameConstraint(table: table, name: to, to: name)]
    }
}
