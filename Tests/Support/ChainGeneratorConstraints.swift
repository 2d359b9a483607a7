import MGenSpec

/// spec 1.1: `rename_constraint` in generated chains: now and then a primary key, unique, check
/// or foreign key gets a new name, from a side stream of its own (the main one does not advance).
/// The new name ends in `_rn`, so a foreign key never takes a name Django would own (`_fkey`).
extension Proposer {
    func renameConstraintStep() -> [GeneratedOperation]? {
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x636F_6E73_7472_2169))
        guard side.chance(6) else { return nil }
        let owners = state.tableNames.filter { !(state.table($0)?.constraintNames.isEmpty ?? true) }
        guard let tableName = side.pick(owners), let table = state.table(tableName), let name = side.pick(table.constraintNames) else { return nil }
        var proposer = self
        proposer.rng = side
        let to = proposer.objectName("\(name.prefix(36))_rn")
        return [op("rename_constraint", [("table", .string(tableName)), ("name", .string(name)), ("to", .string(to))])]
    }
}

/// spec 1.1: deferrable constraints in generated chains: now and then an add_foreign_key (and on
/// PostgreSQL an add_unique) says `deferrable: true`, sometimes `initially_deferred: true`; never on
/// MySQL, which has none. Decided from a side stream, so the main one is not advanced.
extension Proposer {
    func withDeferrable(_ proposed: [GeneratedOperation]) -> [GeneratedOperation] {
        // The constraint is the last step proposed (add_foreign_key comes after its new columns).
        guard dialect != .mysql, let last = proposed.last, case let .map(outer) = last.yaml, let (kind, body) = outer.first,
              kind == "add_foreign_key" || (kind == "add_unique" && dialect == .postgresql), case var .map(fields) = body else { return proposed }
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x6465_6665_7272_2169))
        guard side.chance(30) else { return proposed }
        fields.append(("deferrable", .bool(true)))
        if side.chance(50) { fields.append(("initially_deferred", .bool(true))) }
        return proposed.dropLast() + [GeneratedOperation(kind: kind, yaml: .map([(kind, .map(fields))]))]
    }
}
