import MGenSpec

/// spec 1.1: primary keys on existing tables in generated chains: a table's key is dropped and
/// replaced by one over its NOT NULL columns (sometimes through a unique index created for it),
/// or a keyless table gets one. The validator decides what may be dropped (no foreign key or
/// identity column relying on it).
extension Proposer {
    mutating func primaryKeyChange() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        let keyable = table.columns.filter { !$0.nullable && ![.text, .json, .binary].contains(Self.kind(of: $0.type)) }
        guard let first = rng.pick(keyable) else { return [] }
        var columns = [first.name]
        if rng.chance(30), let second = rng.pick(keyable.filter { $0.name != first.name }) { columns.append(second.name) }
        if table.primaryKey?.columns == columns { return [] }
        var ops: [GeneratedOperation] = []
        if table.primaryKey != nil { ops.append(op("drop_primary_key", [("table", .string(table.name))])) }
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("columns", .list(columns.map { .string($0) }))]
        if rng.chance(40) { fields.append(("name", .string(objectName("pk_\(table.name)")))) }
        if rng.chance(30) {
            let index = objectName("\(table.name)_key_idx")
            ops.append(op("create_index", [("name", .string(index)), ("table", .string(table.name)),
                                           ("columns", .list(columns.map { .string($0) })), ("unique", .bool(true))]))
            fields.append(("using_index", .string(index)))
        }
        ops.append(op("add_primary_key", fields))
        return ops
    }
}
