/// spec 1.1: renaming an index (`rename_index`). Parsing, validation and inversion in one place.

extension OperationParser {
    static let renameFields: [String: [String]] = [
        "rename_index": ["name", "to", "table"],
    ]

    static func renameStep(_ kind: String, _ f: Fields) -> Operation? {
        let name = f.name("name"), to = f.name("to"), table = f.name("table", required: false) ?? ""
        guard let name, let to else { return nil }
        return .renameIndex(name: name, to: to, table: table)
    }
}

extension Validator {
    mutating func checkRename(_ operation: Operation) {
        guard case let .renameIndex(name, to, tableName) = operation else { return }
        guard let index = state.index(name) else {
            error("unknown index '\(name)'", field: "name", fix: state.indexNames.isEmpty ? "there are no indexes" : "indexes: \(state.indexNames.joined(separator: ", "))")
            return
        }
        if !tableName.isEmpty, index.table != tableName { error("index '\(name)' is on table '\(index.table)', not '\(tableName)'", field: "table") }
        if name == to { error("index '\(name)' already has that name", field: "to") } else { requireFreeName(to, field: "to") }
    }
}

extension Operation {
    func renameInverse(in before: SchemaState) -> [Operation]? {
        guard case let .renameIndex(name, to, table) = self else { return nil }
        return [.renameIndex(name: to, to: name, table: table.isEmpty ? (before.index(name)?.table ?? "") : table)]
    }
}
