import MGenSpec

/// spec 1.1: primary keys. Django's state cannot be without a primary key, so `drop_primary_key`
/// is mgen's SQL alone and Django keeps the old key in its state. The `add_primary_key` that
/// replaces it in the same migration then moves Django's key as well (state only; the database
/// gets mgen's SQL): the old key field is no longer the key (a composite key's `pk` field goes),
/// and the new one is. Otherwise a later `ForeignKey` to the new key column (no `to_field`, as
/// makemigrations writes one to a primary key) pointed at the old key, and Django made no column
/// for it (seed 12, fixture django-fk-to-changed-primary-key); and a SQLite table remake
/// re-created the old key.
extension DjangoWriter {
    mutating func primaryKeySwitch(_ s: DjangoStep) throws(Failure) -> [PyNode] {
        guard case let .addPrimaryKey(add) = s.operation,
              let drop = migration.up.prefix(s.position).last(where: { step in
                  if case .dropPrimaryKey(add.table) = step.operation { return true } else { return false }
              }),
              let oldKey = drop.before.table(add.table)?.primaryKey,
              oldKey.columns != add.key.columns else { return [] }
        let new = try table(add.table, s.after)
        var out: [PyNode] = []
        if oldKey.columns.count > 1 {
            out.append(call("RemoveField", [model(add.table), Self.kw("name", Py.string("pk"))]))
        } else if let column = new.column(oldKey.columns[0]) {
            // Now a plain field (the table's key is another one).
            out.append(call("AlterField", [model(add.table), Self.kw("name", Py.string(Self.fieldName(column.name, in: new))),
                                           Self.kw("field", try field(column, in: new))]))
        }
        if add.key.columns.count > 1 {
            let columns = add.key.columns.map { Py.string(Self.fieldName($0, in: new)) }.joined(separator: ", ")
            out.append(call("AddField", [model(add.table), Self.kw("name", Py.string("pk")),
                                         Self.kw("field", "\(models("CompositePrimaryKey"))(\(columns))")]))
        } else if let column = new.column(add.key.columns[0]) {
            out.append(call("AlterField", [model(add.table), Self.kw("name", Py.string(Self.fieldName(column.name, in: new))),
                                           Self.kw("field", try field(column, in: new))]))
        }
        return out
    }
}
