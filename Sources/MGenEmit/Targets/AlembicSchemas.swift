import MGenSpec
import MGenSQL

/// Spec 1.1: schemas. Alembic's own form for a table of another PostgreSQL schema, as an Alembic
/// user writes it: `op.create_table("invoices", …, schema="billing")`, `op.drop_table(…, schema=)`,
/// a key into one as `sa.ForeignKeyConstraint([…], ["billing.invoices.id"])`, and every `op.*` call
/// that takes `schema=` (add/drop/alter/rename column, create/drop index, the constraints,
/// `source_schema=`/`referent_schema=` of a foreign key, rename_table, table comments). What the
/// default schema sends as mgen's SQL (NOT NULL through a CHECK, a unique constraint taking over
/// its index) stays so here; tables with a column of an enum type, and every other step, stay
/// `op.execute` of mgen's qualified SQL (AlembicOps.render).
extension AlembicRenderer {
    mutating func schemaTable(_ operation: MGenSpec.Operation, _ context: StepContext) throws(Unsupported) -> [Chunk]? {
        switch operation {
        case let .createTable(table) where Self.nativeInSchema(table):
            return try createTable(table)
        case let .dropTable(name):
            guard let table = context.before.table(name), Self.nativeInSchema(table) else { return nil }
            return [Chunk(block: .plain, lines: [AlembicCall("op.drop_table", [tableArgument(name)] + schemaArguments(name)).text])]
        default:
            return nil
        }
    }

    /// A table of another schema with no column of an enum type (the qualified type is op.execute's).
    static func nativeInSchema(_ table: Table) -> Bool {
        QualifiedName.isQualified(table.name) && !table.columns.contains { $0.type.enumTypeName != nil }
    }

    /// Whether a step that names a table of another schema has an `op.*` call that takes `schema=`
    /// (SchemaTableCalls.swift).
    func nativeStepInSchema(_ operation: MGenSpec.Operation, _ context: StepContext) -> Bool {
        !traits.batchMode && operation.tablesForSchemaCalls(context) != nil
    }

    /// A table's name as an `op.*` call's positional argument: its bare name (the schema goes in `schema=`).
    func tableArgument(_ name: String) -> String { AlembicPython.string(QualifiedName(name).name) }

    /// `schema='billing'` for a table of another schema (`keyword` for create_foreign_key's
    /// source_schema / referent_schema); nothing for one of the default schema.
    func schemaArguments(_ name: String, keyword: String = "schema") -> [String] {
        QualifiedName(name).schema.map { ["\(keyword)=\(AlembicPython.string($0))"] } ?? []
    }
}
