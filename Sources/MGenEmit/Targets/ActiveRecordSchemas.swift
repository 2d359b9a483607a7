import MGenSpec
import MGenSQL

/// Spec 1.1: schemas. Rails 6.1's PostgreSQL adapter takes a table of another schema as
/// `"billing.invoices"` in create_table, drop_table, add/remove/rename/change_column*,
/// add/remove_index (DROP INDEX "billing"."…"), add/remove_foreign_key (either end),
/// validate_foreign_key, add/remove_check_constraint and change_table_comment — proven on
/// PostgreSQL 15 by SchemaTests. rename_table stays `execute` as in the default schema (ActiveRecord
/// renames the key's index and sequence with it); the other steps (rename_index, primary keys,
/// unique constraints, data) stay `execute` of mgen's qualified SQL.
extension ActiveRecordRenderer {
    func nativeStepInSchema(_ operation: MGenSpec.Operation, _ context: StepContext) -> Bool {
        if case .renameTable = operation { return false }
        return dialect.capabilities.schemas && operation.tablesForSchemaCalls(context) != nil
    }
}
