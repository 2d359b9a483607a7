import MGenSpec

/// spec 1.1: data steps in generated chains. One candidate inserts one or two rows (a literal for
/// every column it can fill), sometimes updates the table from another one joined on a condition,
/// and deletes the same rows by key: the table ends as it began (later steps of a generated chain
/// expect empty tables, and the verifier's seeded rows stay apart: keys start far above theirs).
extension Proposer {
    mutating func dataSteps() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        let rowCount = 1 + rng.below(2)
        var rows: [YAMLValue] = []
        for row in 0..<rowCount {
            var values: [(String, YAMLValue)] = []
            for column in table.columns {
                let inForeignKey = table.foreignKeys.contains { $0.columns.contains(column.name) }
                if inForeignKey {
                    // No parent row to point at: NULL where allowed, else give up on this table.
                    guard column.nullable else { return [] }
                    // Left out, a key column takes its default, which no parent row has (seed 27:
                    // default -1): NULL then, always.
                    if rng.chance(50) || column.defaultValue != nil { values.append((column.name, .null)) }
                    continue
                }
                let required = !column.nullable && column.defaultValue == nil
                let isKey = table.primaryKey?.columns.contains(column.name) == true
                guard isKey || required || rng.chance(60) else { continue }
                guard let value = literal(for: column.type, row: row) else {
                    if required || isKey { return [] }
                    continue
                }
                values.append((column.name, value))
            }
            rows.append(.map(values))
        }
        var key: [String]? = nil
        if table.primaryKey == nil {
            // A table without a primary key: the first column every row gives a value to.
            guard case let .map(first)? = rows.first, let column = first.first(where: { pair in
                rows.allSatisfy { if case let .map(r) = $0 { r.contains { $0.0 == pair.0 && $0.1 != .null } } else { false } }
            })?.0 else { return [] }
            key = [column]
        }
        var insert: [(String, YAMLValue?)] = [("table", .string(table.name)), ("rows", .list(rows))]
        if let key { insert.append(("key", .list(key.map { .string($0) }))) }
        var ops = [op("insert", insert)]
        if rng.chance(50), let other = rng.pick(state.tableNames.filter { $0 != table.name }),
           let column = rng.pick(table.columns.filter { table.primaryKey?.columns.contains($0.name) != true && !$0.identity }) {
            // Sets the column to itself: the join and the qualified names are what is proven.
            ops.append(op("update", [("table", .string(table.name)), ("from", .string(other)), ("on", .string("1 = 1")),
                                     ("set", .map([(column.name, .string("\(q(table.name)).\(q(column.name))"))])),
                                     ("where", .string("1 = 0"))]))
        }
        var delete: [(String, YAMLValue?)] = [("table", .string(table.name)), ("rows", .list(rows))]
        if let key { delete.append(("key", .list(key.map { .string($0) }))) }
        ops.append(op("delete", delete))
        return ops
    }

    /// A literal of the column's type, distinct per row (unique columns), nil when there is none.
    func literal(for type: ColumnType, row: Int) -> YAMLValue? {
        switch type.withoutPrecision {
        case .boolean: return .bool(row == 0)
        case .smallint: return .number(String(31000 + row))
        case .integer, .bigint: return .number(String(700_001 + row))
        case .decimal: return .number("\(row + 1).5")
        case .real, .double: return .number("0.25")
        case let .string(length), let .char(length): return .string(String("it's-\(row)".prefix(length)))
        case .varchar: return .string("it's-\(row)") // spec 1.1: column types
        case .unsigned: return .number(String(700_001 + row))
        case .array: return nil
        case .text: return .string("back\\slash \(row)")
        case .date: return .string("2024-01-3\(row)")
        case .time: return .string("12:3\(row):00")
        case .timestamp, .timestamptz: return .string("2024-01-31 12:3\(row):00")
        case .uuid: return .string("123e4567-e89b-12d3-a456-42661417400\(row)")
        case .json: return .string("{\"n\": \(row)}")
        case let .enumeration(values): return values.indices.contains(row) ? .string(values[row]) : values.first.map { .string($0) }
        case .binary, .native, .enumType, .temporal: return nil
        }
    }
}
