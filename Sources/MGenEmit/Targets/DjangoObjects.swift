import MGenSpec
import MGenSQL

/// Spec 1.1: Django's SQLite schema editor changes most columns and constraints by remaking the
/// table (new table, copy, drop, rename). The drop takes the table's triggers along, and SQLite
/// refuses the rename while a view names the table. So on SQLite a step on a table that views
/// read or triggers are on runs between two RunSQL: the views and triggers go before, and come
/// back (as the state after the step holds them) after; each RunSQL's reverse does the opposite,
/// so unapplying is guarded the same way.
extension DjangoWriter {
    func keepingObjects(_ step: Step, after: SchemaState, _ nodes: [PyNode]) throws(Failure) -> [PyNode] {
        guard traits.remakesTablesToAlter, let table = step.operation.table, !nodes.isEmpty else { return nodes }
        if case .object = step.operation { return nodes }
        if case .createTable = step.operation { return nodes }
        let sql = renderer.dialect
        func objects(_ state: SchemaState) -> (views: [DatabaseObject], triggers: [TriggerDefinition]) {
            (sql.viewsReading(table, in: state), state.triggers(on: table))
        }
        let (oldViews, oldTriggers) = objects(step.before)
        let (newViews, newTriggers) = objects(after)
        guard !(oldViews.isEmpty && oldTriggers.isEmpty && newViews.isEmpty && newTriggers.isEmpty) else { return nodes }
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
        let before = runSQL(try render(drops(oldViews, oldTriggers), step.before), try render(creates(oldViews, oldTriggers), step.before))
        let afterNode = runSQL(try render(creates(newViews, newTriggers), after), try render(drops(newViews, newTriggers), after))
        return [before] + nodes + [afterNode]
    }
}
