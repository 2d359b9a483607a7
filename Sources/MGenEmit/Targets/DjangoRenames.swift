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

/// spec 1.1: `rename_constraint` in Django, which has no rename for a constraint: the dialect's SQL
/// in RunSQL. A unique or check lives in Django's state (Meta.constraints): RemoveConstraint of the
/// old and AddConstraint of the renamed one keep it in step. A primary key has no name in Django's
/// state. A foreign key Django owns (see djangoOwns) is named by Django's field, not by the spec:
/// refused, as its name cannot be renamed through the field (on SQLite, where Django's keys have
/// no name, mgen's rebuild renames it).
extension DjangoWriter {
    mutating func renameConstraint(_ s: DjangoStep) throws(Failure) -> [PyNode] {
        guard case let .renameConstraint(tableName, name, to) = s.operation else { return [try stepSQL(s)] }
        let old = try self.table(tableName, s.before), new = try self.table(tableName, s.after)
        if let fk = old.foreignKeys.first(where: { $0.name == name }) {
            var renamed = fk
            renamed.name = to
            // SQLite: Django's own key has no name there (its remakes write it unnamed), so the
            // rename is mgen's rebuild alone, Django's field as it was (generated seed 25).
            if djangoOwns(fk) || djangoOwns(renamed), !traits.remakesTablesToAlter {
                throw Failure(message: "Django owns foreign key '\(name)' of '\(tableName)' (its field makes the constraint) and cannot rename it to '\(to)'",
                              fix: "give the key a name that does not end in _fkey when it is added (Django then leaves it to mgen's SQL), or drop it and add it under the new name")
            }
            return [try stepSQL(s)]
        }
        if let unique = new.uniques.first(where: { $0.name == to }) {
            let ops = [call("RemoveConstraint", [model(tableName), Self.kw("name", Py.string(name))]),
                       call("AddConstraint", [model(tableName), Self.kw("constraint", self.unique(unique, table: new))])]
            // SQLite: a unique Django made is a table constraint (an automatic index, not one
            // named after it), so mgen's DROP INDEX finds nothing; Django's own remakes rename it,
            // from its state, whichever way the table was made.
            if traits.remakesTablesToAlter { return ops }
            return [try stepSQL(s, state: ops)]
        }
        if let check = new.checks.first(where: { $0.name == to }) {
            return [try stepSQL(s, state: [call("RemoveConstraint", [model(tableName), Self.kw("name", Py.string(name))]),
                                           call("AddConstraint", [model(tableName), Self.kw("constraint", self.check(check, table: new))])])]
        }
        return [try stepSQL(s)]
    }
}

/// spec 1.1: `alter_table` and `alter_constraint` in Django, which has neither: the dialect's SQL
/// in RunSQL. Django's state has no table options; a unique constraint's deferrability it has
/// (UniqueConstraint(deferrable=)): RemoveConstraint + AddConstraint keep it in step. A foreign
/// key's deferrability is not in Django's state (see djangoOwns). Nothing on a dialect without
/// table options.
extension DjangoWriter {
    mutating func alterInPlace(_ s: DjangoStep) throws(Failure) -> [PyNode] {
        switch s.operation {
        case .alterTable:
            guard s.operation.altersInPlace(on: dialect) else { return [] }
            return [try stepSQL(s)]
        case let .alterConstraint(tableName, name, _):
            let old = try self.table(tableName, s.before), new = try self.table(tableName, s.after)
            if let fk = old.foreignKeys.first(where: { $0.name == name }), let altered = new.foreignKeys.first(where: { $0.name == name }),
               djangoOwns(fk) || djangoOwns(altered) {
                // SQLite: a single-column key made deferrable (or plain again) moves from Django's
                // field to mgen's SQL (or back): mgen's rebuild writes it, the field's db_constraint
                // follows (generated seed 22).
                if traits.remakesTablesToAlter, djangoOwns(fk) != djangoOwns(altered), let column = new.column(altered.columns[0]) {
                    return [try stepSQL(s, state: [call("AlterField", [model(tableName), Self.kw("name", Py.string(Self.fieldName(column.name, in: new))),
                                                                        Self.kw("field", try field(column, in: new))])])]
                }
                throw Failure(message: "Django owns foreign key '\(name)' of '\(tableName)' (its field makes the constraint, under Django's name, always INITIALLY DEFERRED) and cannot alter its deferrability",
                              fix: "give the key a name that does not end in _fkey when it is added (Django then leaves it to mgen's SQL), or use another target")
            }
            if let unique = new.uniques.first(where: { $0.name == name }) {
                return [try stepSQL(s, state: [call("RemoveConstraint", [model(tableName), Self.kw("name", Py.string(name))]),
                                               call("AddConstraint", [model(tableName), Self.kw("constraint", self.unique(unique, table: new))])])]
            }
            return [try stepSQL(s)]
        default:
            return [try stepSQL(s)]
        }
    }
}
