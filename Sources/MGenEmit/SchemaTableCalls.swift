import MGenSpec
import MGenSQL

/// spec 1.1: schemas. The steps on a table of another schema that a framework's own calls make
/// with the table's schema (Alembic's `schema=`, ActiveRecord's `"billing.invoices"`): the tables
/// such a step names, or nil for a step those calls cannot make there — another kind of step, a
/// table with a column of an enum type (its type is the framework's plain name), a rename into
/// another schema.
extension MGenSpec.Operation {
    func tablesForSchemaCalls(_ context: StepContext) -> [String]? {
        var tables: [String]
        switch self {
        case let .createTable(table): tables = [table.name] + table.foreignKeys.map(\.referencedTable)
        case let .dropTable(name): tables = [name]
        case let .renameTable(from, to):
            guard QualifiedName(from).schema == QualifiedName(to).schema else { return nil }
            tables = [from, to]
        case let .addColumn(table, _, _, fk): tables = [table] + (fk.map { [$0.referencedTable] } ?? [])
        case let .dropColumn(table, _), let .renameColumn(table, _, _), let .dropConstraint(table, _), let .commentTable(table, _):
            tables = [table]
        case let .alterColumn(change): tables = [change.table]
        case let .createIndex(index, _): tables = [index.table]
        case let .dropIndex(name, _, _):
            guard let index = context.before.index(name) else { return nil }
            tables = [index.table]
        case let .addForeignKey(fk): tables = [fk.table, fk.referencedTable]
        case let .addUnique(unique): tables = [unique.table]
        case let .addCheck(check): tables = [check.table]
        default: return nil
        }
        let plainTypes = tables.allSatisfy { name in
            [context.before.table(name), context.after.table(name)].allSatisfy { table in
                table.map { !$0.columns.contains { $0.type.enumTypeName != nil } } ?? true
            }
        }
        return plainTypes ? tables : nil
    }
}
