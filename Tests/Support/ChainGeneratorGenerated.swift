import MGenSpec

/// spec 1.1: generated columns and collations in generated chains. Proposed from side streams
/// (the main one does not advance), so the chains of a seed keep their other steps.
extension Proposer {
    /// The collations a dialect surely has (PostgreSQL's libc ones, MariaDB's utf8mb4 ones,
    /// SQLite's built-ins).
    var collationNames: [String] {
        switch dialect {
        case .postgresql: ["C", "POSIX"]
        case .mysql: ["utf8mb4_bin", "utf8mb4_unicode_ci"]
        case .sqlite: ["NOCASE", "RTRIM"]
        }
    }

    func side(_ salt: UInt64) -> SplitMix64 {
        var copy = rng
        return SplitMix64(seed: copy.next() ^ (UInt64(serial) &* salt))
    }

    /// A collation for a new string column, now and then.
    func collationField(for type: String, name: String) -> (String, YAMLValue)? {
        guard has(.collations), type.hasPrefix("string(") || type.hasPrefix("char(") || type == "text" || type == "varchar(max)" else { return nil }
        var side = side(0x636F_6C6C_6174_6531 ^ UInt64(name.utf8.count))
        guard side.chance(30), let collation = side.pick(collationNames) else { return nil }
        return ("collation", .string(collation))
    }

    /// alter_column's collation: another one, or the default again.
    func collationChangeStep() -> [GeneratedOperation]? {
        guard has(.collations) else { return nil }
        var side = side(0x636F_6C6C_6174_6532)
        guard side.chance(5), let name = side.pick(state.tableNames), let table = state.table(name) else { return nil }
        let readers = Set(table.columns.compactMap(\.generated).flatMap { g in table.columns.map(\.name).filter { c in g.expression.byDialect.values.contains { $0.contains(c) } } })
        let candidates = table.columns.filter { $0.type.isCollatable && $0.generated == nil && !readers.contains($0.name) && $0.type.enumTypeName == nil && !$0.type.isArray }
        guard let column = side.pick(candidates) else { return nil }
        let current = column.collation(dialect)
        let value: YAMLValue = if current != nil, side.chance(40) { .null } else {
            .string(side.pick(collationNames.filter { $0 != current }) ?? collationNames[0])
        }
        return [op("alter_column", [("table", .string(name)), ("column", .string(column.name)), ("collation", value)])]
    }

    /// add_column of a generated column computed from a number or string column of the table
    /// (STORED on PostgreSQL, VIRTUAL on SQLite, where ADD COLUMN takes no other; either on MySQL).
    func generatedColumnStep() -> [GeneratedOperation]? {
        guard has(.generatedColumns) else { return nil }
        var side = side(0x6765_6E65_7261_7431)
        guard side.chance(7), let name = side.pick(state.tableNames), let table = state.table(name) else { return nil }
        guard let (type, expression) = generatedDefinition(Array(table.columns), side: &side) else { return nil }
        var proposer = self
        proposer.rng = side
        let column = proposer.fresh("calc") { table.column($0) == nil }
        let stored = dialect == .postgresql || (dialect == .mysql && side.chance(50))
        return [op("add_column", [("table", .string(name)), ("column", .map([
            ("name", .string(column)), ("type", .string(type)),
            ("generated", .map([("expression", .string(expression)), ("stored", .bool(stored))])),
        ]))])]
    }

    /// A create_table with a generated column appended, now and then (STORED on SQLite too: only
    /// CREATE TABLE can declare one there).
    func withGeneratedColumn(_ ops: [GeneratedOperation]) -> [GeneratedOperation] {
        guard has(.generatedColumns), let first = ops.first, first.kind == "create_table",
              case let .map(outer) = first.yaml, let (key, body) = outer.first, case var .map(fields) = body,
              let at = fields.firstIndex(where: { $0.0 == "columns" }), case var .list(columns) = fields[at].1 else { return ops }
        var side = side(0x6765_6E65_7261_7432)
        guard side.chance(25) else { return ops }
        var plain: [Column] = []
        for case let .map(f) in columns {
            guard case let .string(n)? = f.first(where: { $0.0 == "name" })?.1, case let .string(t)? = f.first(where: { $0.0 == "type" })?.1,
                  let type = ColumnType.parse(t), !f.contains(where: { $0.0 == "primary_key" }) else { continue }
            plain.append(Column(name: n, type: type))
        }
        guard let (type, expression) = generatedDefinition(plain, side: &side) else { return ops }
        let name = fresh("calc") { n in !plain.contains { $0.name == n } }
        let stored = dialect != .mysql || side.chance(50)
        columns.append(.map([("name", .string(name)), ("type", .string(type)),
                             ("generated", .map([("expression", .string(expression)), ("stored", .bool(stored))]))]))
        fields[at].1 = .list(columns)
        return [GeneratedOperation(kind: first.kind, yaml: .map([(key, .map(fields))]))] + ops.dropFirst()
    }

    /// The type and expression of a generated column over one of `columns`.
    private func generatedDefinition(_ columns: [Column], side: inout SplitMix64) -> (String, String)? {
        let sources = columns.filter { c in
            c.generated == nil && (c.type.isInteger || c.type == .text || { if case .string = c.type { true } else { false } }())
        }
        guard let source = side.pick(sources) else { return nil }
        if source.type.isInteger { return ("bigint", "\(q(source.name)) * 2") }
        return ("text", "lower(\(q(source.name)))")
    }
}
