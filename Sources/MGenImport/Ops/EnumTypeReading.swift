import MGenSpec

/// spec 1.1: enum types — PostgreSQL's `CREATE TYPE … AS ENUM`, `ALTER TYPE … ADD VALUE /
/// RENAME VALUE / RENAME TO`, `DROP TYPE` and columns of an enum type, read as the spec's
/// enum-type operations where they say exactly the same thing.
extension PostgresReader.Reader {
    typealias Node = PostgresReader.Node

    /// A type's name as the state keys it (`public.` left off; spec 1.1: schemas, a type of a
    /// schema the spec made is `schema` U+001F `name`), or raw.
    func enumTypeName(_ parts: [String]) throws(KeepRaw) -> String {
        let names = parts.count > 1 && parts[0] == "public" ? Array(parts.dropFirst()) : parts
        if names.count == 2, state.object(.schema, names[0]) != nil { return QualifiedName(schema: names[0], name: names[1]).key }
        guard names.count == 1 else { throw KeepRaw(reason: "schema-qualified type \(parts.joined(separator: ".")) of a schema the spec did not create") }
        return names[0]
    }

    func createEnumType(_ body: Node) throws(KeepRaw) -> [Operation] {
        let name = try enumTypeName(PostgresReader.strings(body["typeName"]))
        let values = PostgresReader.strings(body["vals"])
        guard !values.isEmpty else { throw KeepRaw(reason: "an enum type without values") }
        return [.createEnumType(name: name, values: values)]
    }

    func alterEnumType(_ body: Node) throws(KeepRaw) -> [Operation] {
        let name = try enumTypeName(PostgresReader.strings(body["typeName"]))
        guard state.enumValues(name) != nil else { throw KeepRaw(reason: "type \(name) is not an enum type the spec knows") }
        guard let value = body["newVal"] as? String else { throw KeepRaw(reason: "ALTER TYPE without a value") }
        if let old = body["oldVal"] as? String { return [.renameEnumValue(type: name, value: old, to: value)] }
        // IF NOT EXISTS (how mgen writes it) says "maybe nothing": a value the type has stays raw,
        // one it lacks is added, as add_enum_value does.
        if body["skipIfNewValExists"] as? Bool == true, state.enumValues(name)?.contains(value) == true {
            throw KeepRaw(reason: "ADD VALUE IF NOT EXISTS of a value the type has")
        }
        let placement: EnumValuePlacement
        if let neighbour = body["newValNeighbor"] as? String {
            placement = body["newValIsAfter"] as? Bool == true ? .after(neighbour) : .before(neighbour)
        } else {
            placement = .end
        }
        return [.addEnumValue(type: name, value: value, placement: placement)]
    }

    /// `ALTER TYPE a RENAME TO b` of an enum type the state knows.
    func renameEnumType(_ body: Node, to: String) throws(KeepRaw) -> [Operation] {
        let parts = PostgresReader.names(of: body["object"] as? Node ?? [:])
        let name = try enumTypeName(parts)
        guard state.enumValues(name) != nil else { throw KeepRaw(reason: "type \(name) is not an enum type the spec knows") }
        return [.renameEnumType(name: name, to: QualifiedName(name).sibling(to).key)] // spec 1.1: schemas (stays in its schema)
    }

    /// `DROP TYPE a, b` of enum types the state knows.
    func dropEnumTypes(_ body: Node) throws(KeepRaw) -> [Operation] {
        if body["missing_ok"] as? Bool == true { throw KeepRaw(reason: "DROP TYPE IF EXISTS") }
        return try (body["objects"] as? [Node] ?? []).map { object throws(KeepRaw) -> Operation in
            let name = try enumTypeName(PostgresReader.strings((object["TypeName"] as? Node)?["names"]))
            guard state.enumValues(name) != nil else { throw KeepRaw(reason: "type \(name) is not an enum type the spec knows") }
            return .dropEnumType(name: name)
        }
    }

    /// A column's type that names an enum type of the state (not an array of it).
    func enumColumnType(_ typeName: Node) -> ColumnType? {
        guard typeName["arrayBounds"] == nil, typeName["typmods"] == nil,
              let name = try? enumTypeName(PostgresReader.strings(typeName["names"])), state.enumValues(name) != nil else { return nil }
        return .enumType(name)
    }
}
