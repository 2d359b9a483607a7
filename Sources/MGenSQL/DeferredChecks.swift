import MGenSpec

/// PostgreSQL queues the checks of an `INITIALLY DEFERRED` constraint (a foreign key, a unique)
/// as trigger events that wait for COMMIT, and refuses ALTER TABLE, CREATE INDEX or DROP TABLE on a
/// table with such events pending ("cannot ALTER TABLE "t" because it has pending trigger
/// events"). So a step that writes rows of a table under such a constraint, in a transaction, and
/// is followed by a step that is no data step (or ends the migration: a runner may send the next
/// migration in the same transaction, as Alembic's env.py does) ends with
/// `SET CONSTRAINTS ALL IMMEDIATE`, which runs the pending checks there, as a PostgreSQL user
/// writes it. Data steps that follow one another keep their deferral (children may come before
/// their parents); only the schema change after them needs the rows settled.
extension Operation {
    /// Whether the step writes rows (insert, delete, update, backfill).
    public var writesRows: Bool {
        switch self {
        case .insert, .delete, .update, .backfill: true
        default: false
        }
    }
}

extension StepContext {
    /// Whether the step at `index` of `steps` is followed, in the order the steps run, by one that
    /// writes no rows or by nothing. `reversed`: the framework runs the inverses of `steps`
    /// backwards (Django's reverse_sql, a Rails `reversible` in `change`), so the inverse of
    /// step `index` is followed by the inverse of the step before it.
    public static func schemaChangeFollows(_ steps: [Step], at index: Int, reversed: Bool = false) -> Bool {
        let next = reversed ? index - 1 : index + 1
        return !steps.indices.contains(next) || !steps[next].operation.writesRows
    }
}

extension SQLDialect {
    /// `SET CONSTRAINTS ALL IMMEDIATE` after a data step when it may leave deferred checks
    /// pending on PostgreSQL and a schema change (or the migration's end) follows it.
    func settlingDeferredChecks(_ statements: [SQLStatement], _ operation: Operation, _ context: StepContext) -> [SQLStatement] {
        statements + (deferredChecksSettlement(operation, context).map { [$0] } ?? [])
    }

    /// The statement that runs the deferred checks `operation` may leave pending, when a schema
    /// change follows it (nil: none needed). For targets that write a data step their own way
    /// (Django's backfill in RunPython).
    public func deferredChecksSettlement(_ operation: Operation, _ context: StepContext) -> SQLStatement? {
        guard dialect == .postgresql, context.inTransaction, context.schemaChangeFollows, operation.writesRows,
              let table = operation.table, hasDeferredChecks(table, in: context.before) else { return nil }
        return SQLStatement("SET CONSTRAINTS ALL IMMEDIATE", facts: [.deferredChecksSettled])
    }

    /// Whether writing rows of `table` may queue deferred checks: a foreign key from or to it, or a
    /// unique of it, is INITIALLY DEFERRED (every foreign key, where the target makes its own keys
    /// so: `RenderOptions.foreignKeysInitiallyDeferred`).
    func hasDeferredChecks(_ table: String, in state: SchemaState) -> Bool {
        let deferred = { (fk: ForeignKey) in fk.deferrable == .deferred || self.options.foreignKeysInitiallyDeferred }
        if let own = state.table(table),
           own.foreignKeys.contains(where: deferred) || own.uniques.contains(where: { $0.deferrable == .deferred }) { return true }
        return state.incomingForeignKeys(to: table).contains(where: deferred)
    }
}
