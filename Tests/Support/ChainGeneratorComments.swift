import MGenSpec

/// spec 1.1: `comment_table` in generated chains: now and then a table gets a new comment, or
/// loses the one it has. Proposed from a side stream (the main one does not advance), so the
/// chains of a seed keep their other steps.
extension Proposer {
    func tableCommentStep() -> [GeneratedOperation]? {
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x636F_6D6D_656E_7421))
        guard side.chance(6), let name = side.pick(state.tableNames), let table = state.table(name) else { return nil }
        let comment: YAMLValue = if table.comment != nil, side.chance(35) { .null } else {
            .string("\(side.pick(["Kept for", "Read by", "Owned by", "Filled by"]) ?? "Kept for") \(side.pick(["billing", "the team", "reports", "100% of users"]) ?? "reports") (\(specID)).")
        }
        if case let .string(text) = comment, text == table.comment { return nil }
        return [op("comment_table", [("table", .string(name)), ("comment", comment)])]
    }
}

/// spec 1.1: `rename_index` in generated chains, from a side stream of its own as above.
extension Proposer {
    func renameIndexStep() -> [GeneratedOperation]? {
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x7265_6E61_6D65_2169))
        guard side.chance(5), let name = side.pick(state.indexNames) else { return nil }
        var proposer = self
        proposer.rng = side
        let to = proposer.objectName("ix_\(name)")
        return [op("rename_index", [("name", .string(name)), ("to", .string(to))])]
    }
}
