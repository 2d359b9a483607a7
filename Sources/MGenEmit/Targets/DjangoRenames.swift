import MGenSpec

/// spec 1.1: `rename_index` in Django: the dialect's SQL in RunSQL; when Django's state holds the
/// index (an `AddIndex` it wrote), `RenameIndex` keeps that state in step.
extension DjangoWriter {
    mutating func renameIndex(_ s: DjangoStep) throws(Failure) -> [PyNode] {
        guard case let .renameIndex(name, to, _) = s.operation, let index = s.before.index(name) else { return [try stepSQL(s)] }
        let table = try self.table(index.table, s.before)
        var probe = self
        guard !index.unique, probe.djangoIndex(index, table: table) != nil else { return [try stepSQL(s)] }
        let rename = call("RenameIndex", [model(index.table), Self.kw("new_name", Py.string(to)), Self.kw("old_name", Py.string(name))])
        return [try stepSQL(s, state: [rename])]
    }
}
