import MGenSpec

/// Spec 1.1: schemas. `CREATE SCHEMA billing` → `create_schema`, `DROP SCHEMA billing` →
/// `drop_schema`, `ALTER SCHEMA billing RENAME TO finance` → `rename_schema` (PostgresReader maps
/// qualified table names onto `schema:` itself).
extension PostgresReader.Reader {
    func createSchema(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        guard let name = body["schemaname"] as? String else { throw KeepRaw(reason: "CREATE SCHEMA AUTHORIZATION without a name") }
        if body["authrole"] != nil { throw KeepRaw(reason: "AUTHORIZATION has no spec field") }
        if body["schemaElts"] != nil { throw KeepRaw(reason: "schema elements inside CREATE SCHEMA") }
        if name == "public" || name.hasPrefix("pg_") { throw KeepRaw(reason: "the default or a system schema") }
        return [.object(.create(.schema(SchemaDefinition(name: name))))]
    }

    func dropSchemas(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        let names = (body["objects"] as? [PostgresReader.Node] ?? []).compactMap { ($0["String"] as? PostgresReader.Node)?["sval"] as? String }
        guard !names.isEmpty, names.count == (body["objects"] as? [Any])?.count else { throw KeepRaw(reason: "DROP SCHEMA") }
        return names.map { .object(.drop(kind: .schema, name: $0)) }
    }

    /// `ALTER SCHEMA a RENAME TO b` of a schema the spec made: the state re-keys what is in it.
    func renameSchema(_ body: PostgresReader.Node, to: String) throws(KeepRaw) -> [Operation] {
        guard let name = body["subname"] as? String else { throw KeepRaw(reason: "ALTER SCHEMA … RENAME without a name") }
        guard state.object(.schema, name) != nil else { throw KeepRaw(reason: "schema \(name) is not one the spec made") }
        return [.object(.renameSchema(name: name, to: to))]
    }
}
