import MGenSpec
import MGenSQL

/// Spec 1.1: schemas. Alembic's own form for a table of another PostgreSQL schema where it is made
/// or dropped — `op.create_table("invoices", …, schema="billing")`, `op.drop_table("invoices",
/// schema="billing")`, a key into one as `sa.ForeignKeyConstraint([…], ["billing.invoices.id"])` —
/// as an Alembic user writes it. The other steps on such a table stay `op.execute` of mgen's
/// qualified SQL (AlembicOps.render).
extension AlembicRenderer {
    mutating func schemaTable(_ operation: MGenSpec.Operation, _ context: StepContext) throws(Unsupported) -> [Chunk]? {
        switch operation {
        case let .createTable(table) where Self.nativeInSchema(table):
            return try createTable(table)
        case let .dropTable(name):
            guard let table = context.before.table(name), Self.nativeInSchema(table) else { return nil }
            let qualified = QualifiedName(name)
            return [Chunk(block: .plain, lines: [AlembicCall("op.drop_table", [AlembicPython.string(qualified.name), "schema=\(AlembicPython.string(qualified.schema ?? ""))"]).text])]
        default:
            return nil
        }
    }

    /// A table of another schema with no column of an enum type (the qualified type is op.execute's).
    static func nativeInSchema(_ table: Table) -> Bool {
        QualifiedName.isQualified(table.name) && !table.columns.contains { $0.type.enumTypeName != nil }
    }
}
