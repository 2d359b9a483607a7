import MGenSpec
import MGenSQL

/// Spec 1.1: Django's SQLite schema editor changes most columns and constraints by remaking the
/// table (new table, copy, drop, rename). The drop takes the table's triggers along, and SQLite
/// refuses the rename while a view names the table. So on SQLite a step on a table that views
/// read or triggers are on runs between two RunSQL: the views and triggers go before, and come
/// back (as the state after the step holds them) after; each RunSQL's reverse does the opposite,
/// so unapplying is guarded the same way. The same holds for the table's indexes Django's state
/// cannot hold (an expression, or a method or predicate Django cannot spell: mgen's RunSQL made
/// them): the remade table would come back without them.
extension DjangoWriter {
    func keepingObjects(_ step: Step, after: SchemaState, _ nodes: [PyNode]) throws(Failure) -> [PyNode] {
        guard traits.remakesTablesToAlter, let table = step.operation.table, !nodes.isEmpty else { return nodes }
        if case .object = step.operation { return nodes }
        if case .createTable = step.operation { return nodes }
        // A step Django sends only as mgen's SQL (RunSQL) remakes nothing of Django's: mgen's own
        // SQLite rebuild already drops and re-creates the views, triggers and indexes (a second
        // CREATE VIEW failed: generated seed 29, rename_constraint of a key a view's table has).
        if nodes.allSatisfy(\.isRunSQL) { return nodes }
        let sql = renderer.dialect
        func objects(_ state: SchemaState, _ table: String = table) -> (views: [DatabaseObject], triggers: [TriggerDefinition]) {
            (sql.viewsReading(table, in: state), state.triggers(on: table))
        }
        let (oldViews, oldTriggers) = objects(step.before)
        // A renamed table is found under its new name after the step (its triggers went with it).
        var renamed = table
        if case let .renameTable(_, to) = step.operation { renamed = to }
        let (newViews, newTriggers) = objects(after, renamed)
        let (oldIndexes, newIndexes) = step.operation.remakesTable ? (unknownIndexes(table, step.before), unknownIndexes(table, after)) : ([], [])
        guard !(oldViews.isEmpty && oldTriggers.isEmpty && newViews.isEmpty && newTriggers.isEmpty && oldIndexes.isEmpty && newIndexes.isEmpty)
        else { return nodes }
        func render(_ changes: [ObjectChange], _ state: SchemaState) throws(Failure) -> [String] {
            var out: [String] = []
            let context = StepContext(before: state, after: state, inTransaction: true, migrationID: migration.id, direction: .up, position: 0)
            for change in changes { out += try sql.objectChange(change, context).map(\.sql) }
            return out
        }
        func drops(_ views: [DatabaseObject], _ triggers: [TriggerDefinition]) -> [ObjectChange] {
            triggers.map { .drop(kind: .trigger, name: $0.name) } + views.reversed().map { .drop(kind: .view, name: $0.name) }
        }
        func creates(_ views: [DatabaseObject], _ triggers: [TriggerDefinition]) -> [ObjectChange] {
            views.map { .create($0) } + triggers.map { .create(.trigger($0)) }
        }
        func indexSQL(_ indexes: [Index], create: Bool, _ state: SchemaState) throws(Failure) -> [String] {
            let context = StepContext(before: state, after: state, inTransaction: true, migrationID: migration.id, direction: .up, position: 0)
            var out: [String] = []
            for index in indexes {
                let operation: MGenSpec.Operation = create ? .createIndex(index, concurrently: false)
                    : .dropIndex(name: index.name, table: index.table, concurrently: false)
                out += try self.render(operation, context).map(\.sql)
            }
            return out
        }
        let before = runSQL(try render(drops(oldViews, oldTriggers), step.before) + indexSQL(oldIndexes, create: false, step.before),
                            try indexSQL(oldIndexes, create: true, step.before) + render(creates(oldViews, oldTriggers), step.before))
        let afterNode = runSQL(try indexSQL(newIndexes, create: true, after) + render(creates(newViews, newTriggers), after),
                               try render(drops(newViews, newTriggers), after) + indexSQL(newIndexes, create: false, after))
        return [before] + nodes + [afterNode]
    }

    /// The indexes of `table` that Django's state cannot hold (see `djangoIndex`), which its
    /// SQLite table remake would therefore lose.
    func unknownIndexes(_ table: String, _ state: SchemaState) -> [Index] {
        guard let spec = state.table(table) else { return [] }
        var probe = self  // asks only; imports stay as they are
        return state.indexes(on: table).filter { probe.djangoIndex($0, table: spec) == nil }
    }
}

extension MGenSpec.Operation {
    /// Whether Django's SQLite schema editor may remake the table for this step (a new table, copy,
    /// drop, rename): every change of a column or constraint. Index steps, renames of the table
    /// (ALTER TABLE … RENAME) and steps Django runs as SQL or Python do not (mgen's SQL for a
    /// primary key remakes the table itself, with its indexes).
    var remakesTable: Bool {
        switch self {
        case .addColumn, .dropColumn, .renameColumn, .alterColumn, .addForeignKey, .addUnique, .addCheck,
             .validateConstraint, .dropConstraint, .dropTable: true
        default: false
        }
    }
}
