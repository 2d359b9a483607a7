import MGenSpec

/// spec 1.1: `alter_table` and `alter_constraint` in generated chains, from side streams of their
/// own (the main one does not advance, so a seed's other steps stay). Now and then a new table
/// says its MySQL options (`mysql: {engine: InnoDB, charset: …}`: an alter_table's down needs the
/// old values known); a table that says them gets another character set or collation; a foreign
/// key (on PostgreSQL also a unique that no key references) changes its deferrability. Never a
/// `convert` (no derived down) nor another engine (a later key on a MyISAM table is ignored by
/// MariaDB: Fixtures/framework-chains/alter-table-options covers the engine). Deferrability never
/// on MySQL, nor on a key named `…_fkey` (Django owns those and refuses: see djangoOwns).
extension Proposer {
    static let tableCharsets: [(charset: String, collate: String?)] = [
        ("latin1", nil), ("latin1", "latin1_bin"), ("utf8mb4", nil), ("utf8mb4", "utf8mb4_bin"), ("utf8mb4", "utf8mb4_unicode_ci"),
    ]

    func withTableOptions(_ proposed: [GeneratedOperation]) -> [GeneratedOperation] {
        guard let first = proposed.first, case let .map(outer) = first.yaml, let (kind, body) = outer.first,
              kind == "create_table", case var .map(fields) = body else { return proposed }
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x6F70_7469_6F6E_7321))
        guard side.chance(25), let pick = side.pick(Self.tableCharsets.indices.map { $0 }) else { return proposed }
        let (charset, collate) = Self.tableCharsets[pick]
        var options: [(String, YAMLValue)] = [("engine", .string("InnoDB")), ("charset", .string(charset))]
        if let collate { options.append(("collate", .string(collate))) }
        fields.append(("mysql", .map(options)))
        return [GeneratedOperation(kind: kind, yaml: .map([(kind, .map(fields))]))] + proposed.dropFirst()
    }

    func alterInPlaceStep() -> [GeneratedOperation]? {
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x616C_7465_7221_2169))
        guard side.chance(8) else { return nil }
        if has(.alterTableOptions), !has(.alterConstraints) || side.chance(50), let step = tableOptionsStep(&side) { return step }
        return has(.alterConstraints) ? deferrabilityStep(&side) : nil
    }

    private func tableOptionsStep(_ side: inout SplitMix64) -> [GeneratedOperation]? {
        let owners = state.tableNames.filter { state.table($0)?.mysqlOptions?.charset != nil }
        guard let name = side.pick(owners), let options = state.table(name)?.mysqlOptions else { return nil }
        let choices = Self.tableCharsets.filter { $0.charset != options.charset || $0.collate != options.collate }
        guard let pick = side.pick(choices.indices.map { $0 }) else { return nil }
        var mysql: [(String, YAMLValue)] = [("charset", .string(choices[pick].charset))]
        if let collate = choices[pick].collate { mysql.append(("collate", .string(collate))) }
        return [op("alter_table", [("table", .string(name)), ("mysql", .map(mysql))])]
    }

    private func deferrabilityStep(_ side: inout SplitMix64) -> [GeneratedOperation]? {
        guard dialect != .mysql else { return nil }
        var candidates: [(table: String, name: String, current: Deferrability?)] = []
        for tableName in state.tableNames {
            guard let table = state.table(tableName) else { continue }
            for fk in table.foreignKeys where !fk.name.hasSuffix("_fkey") { candidates.append((tableName, fk.name, fk.deferrable)) }
            guard dialect == .postgresql else { continue }
            let referenced = state.incomingForeignKeys(to: tableName).map { Set($0.referencedColumns) }
            for unique in table.uniques where !referenced.contains(Set(unique.columns)) { candidates.append((tableName, unique.name, unique.deferrable)) }
        }
        guard let pick = side.pick(candidates.indices.map { $0 }) else { return nil }
        let c = candidates[pick]
        let next: Deferrability? = switch c.current {
        case nil: side.chance(50) ? .deferred : .immediate
        case .immediate?: side.chance(50) ? .deferred : nil
        case .deferred?: side.chance(50) ? .immediate : nil
        }
        var fields: [(String, YAMLValue?)] = [("table", .string(c.table)), ("name", .string(c.name)), ("deferrable", .bool(next != nil))]
        if next == .deferred { fields.append(("initially_deferred", .bool(true))) }
        return [op("alter_constraint", fields)]
    }
}
