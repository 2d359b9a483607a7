import MGenSpec

/// spec 1.1: the key of an imported `insert`. Its derived down deletes the rows by the key, so
/// the key must pick out exactly these rows: the table's primary key when every row gives it,
/// else a unique key (constraint, or plain unique index) every row gives a value — how seed rows
/// of a table with an auto-increment id are usually written (`INSERT INTO users (email) …`).
/// Without one the insert is left as read, and the replay refuses it (it stays raw).
extension Mapper {
    static func keyed(_ op: Operation, in state: SchemaState) -> Operation {
        guard case var .insert(data) = op, data.key == nil, let table = state.table(data.table) else { return op }
        func givenByEveryRow(_ columns: [String]) -> Bool {
            !columns.isEmpty && data.rows.allSatisfy { row in
                columns.allSatisfy { column in
                    guard let value = row.value(column), case let .literal(literal) = value else { return false }
                    return literal != .null
                }
            }
        }
        if let primary = table.primaryKey?.columns, givenByEveryRow(primary) { return op }
        let uniques = table.uniques.map(\.columns)
            + state.indexes(on: table.name).filter { $0.unique && $0.predicate == nil && $0.keyOptions.isEmpty }
            .compactMap { index -> [String]? in
                let columns = index.parts.compactMap(\.columnName)
                return columns.count == index.parts.count ? columns : nil
            }
        guard let key = uniques.first(where: givenByEveryRow) else { return op }
        data.key = key
        return .insert(data)
    }
}
