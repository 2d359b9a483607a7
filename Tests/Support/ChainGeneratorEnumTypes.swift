// spec 1.1: enum types — the chain generator's proposals of named enum types, their changes and
// columns of such a type (feature `enumTypes`).
import MGenSpec

extension Proposer {
    static let enumTypeNames = ["mood", "state_kind", "Level", "order"]
    static let enumValuePool = ["new", "active", "on-hold", "it's", "Done", "x y", "b"]

    /// The values of `enum_type(name)` (a column's type as `ColumnType.description` spells it).
    func enumTypeValues(_ type: String) -> [String]? {
        guard type.hasPrefix("enum_type("), type.hasSuffix(")") else { return nil }
        return state.enumValues(String(type.dropFirst(10).dropLast()))
    }

    /// Sometimes a column of an existing enum type, with a default among its values.
    mutating func enumTypeColumn(_ name: String) -> YAMLValue? {
        guard has(.enumTypes), !state.enumTypeNames.isEmpty, rng.chance(30), let type = rng.pick(state.enumTypeNames),
              let values = state.enumValues(type) else { return nil }
        var fields: [(String, YAMLValue)] = [("name", .string(name)), ("type", .map([("enum_type", .string(type))]))]
        if rng.chance(50), let value = rng.pick(values) {
            fields.append(("default", .string(value)))
            if rng.chance(50) { fields.append(("nullable", .bool(false))) }
        }
        return .map(fields)
    }

    mutating func freshValue(_ values: [String]) -> String {
        fresh(rng.pick(Self.enumValuePool) ?? "v") { !values.contains($0) }
    }

    mutating func enumTypeStep() -> [GeneratedOperation] {
        let types = state.enumTypeNames
        if types.isEmpty || (types.count < 2 && rng.chance(30)) {
            var pool = Self.enumTypeNames
            if !has(.reservedNames) { pool.removeAll { $0 == "order" } }
            if !has(.mixedCase) { pool.removeAll { $0 == "Level" } }
            // spec 1.1: schemas. In a schema of the chain now and then (feature `schemas`).
            let name = fresh(inSchema(rng.pick(pool) ?? "mood")) { state.enumValues($0) == nil && state.table($0) == nil }
            var values: [String] = []
            for _ in 0..<(1 + rng.below(3)) { values.append(freshValue(values)) }
            return [op("create_enum_type", [("name", .string(name)), ("values", .list(values.map { .string($0) }))])]
        }
        guard let type = rng.pick(types), let values = state.enumValues(type) else { return [] }
        if state.columns(ofEnumType: type).isEmpty, rng.chance(30) { return [op("drop_enum_type", [("name", .string(type))])] }
        switch rng.below(5) {
        case 0, 1:
            let value = freshValue(values)
            var fields: [(String, YAMLValue?)] = [("type", .string(type)), ("value", .string(value))]
            if rng.chance(50), let other = rng.pick(values) { fields.append((rng.chance(50) ? "before" : "after", .string(other))) }
            return [op("add_enum_value", fields)]
        case 2:
            guard let value = rng.pick(values) else { return [] }
            return [op("rename_enum_value", [("type", .string(type)), ("value", .string(value)), ("to", .string(freshValue(values)))])]
        case 3:
            let to = fresh(type + "_v") { state.enumValues($0) == nil && state.table($0) == nil }
            return [op("rename_enum_type", [("name", .string(type)), ("to", .string(to))])]
        default:
            guard values.count > 1, let value = rng.pick(values) else { return [] }
            return [op("drop_enum_value", [("type", .string(type)), ("value", .string(value))])]
        }
    }
}
