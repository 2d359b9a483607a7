import Foundation
import MGenSpec

// spec 1.1: schemas (feature `schemas`, PostgreSQL only): a schema made now and then, new tables
// put in it half the time (so foreign keys cross between it and the default schema), and an
// empty schema dropped. Proposed from side streams, so the chains of a seed keep their other steps.

extension Proposer {
    /// create_schema, rename_schema, or drop_schema of an empty one (no table, enum type, view or sequence), sometimes.
    mutating func schemaStep() -> [GeneratedOperation]? {
        guard has(.schemas), dialect == .postgresql else { return nil }
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x7363_6865_6D61_7331))
        let schemas = state.schemaNames
        guard side.chance(schemas.isEmpty ? 25 : 8) else { return nil }
        if let empty = schemas.first(where: { schema in
            state.tables(inSchema: schema).isEmpty && !state.enumTypeNames.contains { QualifiedName.schema(of: $0) == schema }
                && !state.objects.contains { $0.kind != .schema && QualifiedName.schema(of: $0.name) == schema }
        }), side.chance(50) {
            return [op("drop_schema", [("name", .string(empty))])]
        }
        // A rename now and then, when no view names what is in the schema (validation refuses it then).
        if let schema = side.pick(schemas), side.chance(35),
           !state.objects.contains(where: { object in
               object.kind.namespace == "view" && state.dependencies(of: .view, object.name).contains { QualifiedName.schema(of: $0) == schema }
           }) {
            let to = fresh(side.pick(["finance", "Archive", "order"]) ?? "finance") { state.object(.schema, $0) == nil }
            return [op("rename_schema", [("name", .string(schema)), ("to", .string(to))])]
        }
        guard schemas.count < 2 else { return nil }
        let name = fresh(side.pick(["billing", "Audit", "user"]) ?? "billing") { state.object(.schema, $0) == nil }
        // With a first table in it, so even a short chain has one.
        var proposer = self
        proposer.rng = side
        var table = proposer.createTable()
        if let first = table.first, case let .map(outer) = first.yaml, let (kind, body) = outer.first, case var .map(fields) = body,
           let at = fields.firstIndex(where: { $0.0 == "table" }), case let .string(bare) = fields[at].1 {
            fields[at].1 = .string(QualifiedName(schema: name, name: QualifiedName.unqualified(bare)).key)
            table[0] = GeneratedOperation(kind: first.kind, yaml: .map([(kind, .map(fields))]))
        }
        return [op("create_schema", [("name", .string(name))])] + table
    }

    /// A new table's key: in a schema of the state half the time (the state's key for it).
    mutating func inSchema(_ base: String) -> String {
        guard has(.schemas), dialect == .postgresql, !state.schemaNames.isEmpty else { return base }
        var copy = rng
        var side = SplitMix64(seed: copy.next() ^ 0x7363_6865_6D61_7332)
        guard side.chance(50), let schema = side.pick(state.schemaNames) else { return base }
        return QualifiedName(schema: schema, name: base).key
    }
}

extension YAMLValue {
    /// The spec's spelling of a table (or an enum type) of another schema: `schema:` beside the
    /// bare `table:` (or `name:`/`type:`/`enum_type:`, and a `to` beside it bare), in every map.
    /// Names derived from a key (index, constraint) have their separator as `_`.
    var splittingSchemas: YAMLValue {
        let named = ["table", "name", "type", "enum_type"]
        switch self {
        case var .map(pairs):
            // A trigger's function of another schema: `function: {schema, name}`; an update's
            // source table: `from: {schema, table}`.
            for i in pairs.indices {
                guard let field = ["function": "name", "from": "table"][pairs[i].0], case let .string(s) = pairs[i].1,
                      let schema = QualifiedName.schema(of: s) else { continue }
                pairs[i].1 = .map([("schema", .string(schema)), (field, .string(QualifiedName.unqualified(s)))])
            }
            guard let schema = pairs.lazy.compactMap({ pair -> String? in
                guard named.contains(pair.0), case let .string(s) = pair.1 else { return nil }
                return QualifiedName.schema(of: s)
            }).first else { return .map(pairs.map { ($0.0, $0.1.splittingSchemas) }) }
            var out: [(String, YAMLValue)] = [("schema", .string(schema))]
            for (key, value) in pairs {
                if named.contains(key) || key == "to", case let .string(s) = value {
                    out.append((key, .string(QualifiedName.unqualified(s))))
                } else {
                    out.append((key, value.splittingSchemas))
                }
            }
            return .map(out)
        case let .list(items): return .list(items.map(\.splittingSchemas))
        default: return self
        }
    }
}
