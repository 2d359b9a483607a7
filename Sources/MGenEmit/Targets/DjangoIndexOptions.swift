import MGenSpec

/// spec 1.1: index key order and options in a Django `Index`: `fields=['-created_at']` for a
/// descending key, `opclasses=[…]` (PostgreSQL, one per field), `include=[…]` (PostgreSQL). nil
/// when Django cannot say the index — a unique one, NULL order, MySQL prefix lengths, storage parameters, or
/// operator classes on only some keys — and the step is the dialect's SQL in `RunSQL`.
extension DjangoWriter {
    /// The field names (with `-` for descending keys) and the extra keyword arguments.
    func djangoKeyOptions(_ index: Index, table: Table) -> (fields: [String], arguments: String)? {
        var fields: [String] = []
        for (i, name) in index.columnNames.enumerated() {
            fields.append((index.keyOptions(i).descending ? "-" : "") + Self.fieldName(name, in: table))
        }
        guard index.hasKeyOrStorageOptions else { return (fields, "") }
        // A unique index is a UniqueConstraint in Django's state, which has no key options.
        guard !index.unique, index.storage.isEmpty,
              !index.keyOptions.contains(where: { $0.nulls != nil || ($0.length != nil && can.prefixIndexLengths) }) else { return nil }
        var arguments = ""
        let opclasses = index.parts.indices.map { index.keyOptions($0).opclass }
        if opclasses.contains(where: { $0 != nil }) {
            guard traits.postgresIndexes, opclasses.allSatisfy({ $0 != nil }) else { return nil }
            arguments += ", opclasses=\(Py.list(opclasses.compactMap { $0 }.map(Py.string)))"
        }
        if !index.include.isEmpty {
            guard traits.postgresIndexes else { return nil }
            arguments += ", include=\(Py.list(index.include.map { Py.string(Self.fieldName($0, in: table)) }))"
        }
        return (fields, arguments)
    }
}
