import MGenSpec

/// spec 1.1: `add_unique using_index` in generated chains: now and then a plain unique index
/// becomes a unique constraint (under its own name or a new one), or one is created for it and
/// taken over in the same spec. From a side stream of its own (the main one does not advance).
/// The plain add_unique on existing tables (the main stream's) is what PostgreSQL now builds
/// CONCURRENTLY and takes over USING INDEX (issue 13): the walk runs both.
extension Proposer {
    func uniqueUsingIndexStep() -> [GeneratedOperation]? {
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x7573_696E_6769_6478))
        guard side.chance(6) else { return nil }
        var proposer = self
        proposer.rng = side
        let plain = state.indexNames.compactMap(state.index).filter { index in
            index.unique && index.predicate == nil && index.parts.allSatisfy { $0.columnName != nil } && !index.hasKeyOrStorageOptions
                && (index.method ?? "btree") == "btree"
        }
        var ops: [GeneratedOperation] = []
        let index: Index
        if let existing = proposer.rng.pick(plain), proposer.rng.chance(70) {
            index = existing
        } else {
            guard let table = proposer.pickTable(),
                  let column = proposer.rng.pick(table.columns.filter { ![.text, .json, .binary].contains(Self.kind(of: $0.type)) }) else { return nil }
            index = Index(name: proposer.objectName("\(table.name)_uix"), table: table.name, parts: [.column(column.name)], unique: true)
            ops.append(op("create_index", [("name", .string(index.name)), ("table", .string(index.table)),
                                           ("columns", .list([.string(column.name)])), ("unique", .bool(true))]))
        }
        var fields: [(String, YAMLValue?)] = [("table", .string(index.table)), ("using_index", .string(index.name))]
        if proposer.rng.chance(50) { fields.append(("name", .string(proposer.objectName("uq_\(index.table)")))) }
        ops.append(op("add_unique", fields))
        return ops
    }
}
