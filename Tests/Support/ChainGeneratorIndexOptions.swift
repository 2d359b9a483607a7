import MGenSpec

/// spec 1.1: index key order and options in generated chains: a proposed create_index gets, at
/// random, descending keys (every dialect), a NULL order, an operator class, INCLUDE columns and a
/// fillfactor (PostgreSQL), or a prefix length on a text column (MySQL).
extension Proposer {
    mutating func withIndexOptions(_ proposed: [GeneratedOperation]) -> [GeneratedOperation] {
        guard rng.chance(50), proposed.count == 1, case let .map(outer) = proposed[0].yaml, let (kind, body) = outer.first,
              kind == "create_index", case var .map(fields) = body,
              let at = fields.firstIndex(where: { $0.0 == "columns" }), case let .list(parts) = fields[at].1,
              case let .string(tableName)? = fields.first(where: { $0.0 == "table" })?.1, let table = state.table(tableName) else { return proposed }
        let method = fields.first { $0.0 == "method" }.map { $0.1 }
        let btree = method == nil || method == .string("btree")
        var newParts: [YAMLValue] = []
        for part in parts {
            guard case let .string(name) = part, let column = table.column(name) else { newParts.append(part); continue }
            var options: [(String, YAMLValue)] = [("column", .string(name))]
            if btree, rng.chance(50) { options.append(("order", .string("desc"))) }
            if dialect == .postgresql, btree, rng.chance(25) { options.append(("nulls", .string(rng.pick(["first", "last"]) ?? "last"))) }
            if dialect == .postgresql, btree, rng.chance(25) {
                switch column.type {
                case .string: options.append(("opclass", .string("varchar_pattern_ops")))
                case .text: options.append(("opclass", .string("text_pattern_ops")))
                default: break
                }
            }
            if dialect == .mysql, rng.chance(30), column.type == .text || Self.kind(of: column.type) == .string {
                options.append(("length", .number("10")))
            }
            newParts.append(options.count > 1 ? .map(options) : part)
        }
        fields[at].1 = .list(newParts)
        if dialect == .postgresql, btree {
            let keyed = Set(parts.compactMap { if case let .string(n) = $0 { n } else { nil } })
            if rng.chance(20), let extra = rng.pick(table.columns.filter { !keyed.contains($0.name) }) {
                fields.append(("include", .list([.string(extra.name)])))
            }
            if rng.chance(15) { fields.append(("with", .map([("fillfactor", .number("70"))]))) }
        }
        return [GeneratedOperation(kind: kind, yaml: .map([(kind, .map(fields))]))]
    }
}
