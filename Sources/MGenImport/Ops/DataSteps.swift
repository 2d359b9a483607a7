import MGenSpec

/// spec 1.1: data steps written back as spec YAML.
extension SpecWriter {
    static func dataStepBody(_ op: Operation) -> Value {
        func rows(_ data: DataRows) -> [(String, Value)] {
            var pairs: [(String, Value)] = [("table", .string(data.table)),
                                            ("rows", .list(data.rows.map { row in .map(row.values.map { ($0.column, defaultValue($0.value)) }) }))]
            if let key = data.key { pairs.append(("key", names(key))) }
            return pairs
        }
        switch op {
        case let .insert(data):
            return .map(rows(data))
        case let .delete(delete):
            switch delete.selection {
            case let .rows(data): return .map(rows(data))
            case let .predicate(predicate, down):
                var pairs: [(String, Value)] = [("table", .string(delete.table)), ("where", dialectSQL(predicate))]
                if let down { pairs.append(("down", dialectSQL(down))) }
                return .map(pairs)
            }
        case let .update(update):
            var pairs: [(String, Value)] = [("table", .string(update.table))]
            if let from = update.from { pairs.append(("from", qualified(from, key: "table"))) }
            if let on = update.on { pairs.append(("on", dialectSQL(on))) }
            pairs.append(("set", .map(update.assignments.map { ($0.column, dialectSQL($0.expression)) })))
            if let predicate = update.predicate { pairs.append(("where", dialectSQL(predicate))) }
            if let down = update.down { pairs.append(("down", dialectSQL(down))) }
            return .map(pairs)
        default:
            return .map([])
        }
    }
}
