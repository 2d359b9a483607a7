import MGenSpec
import MGenSQL

/// What a spec finding says of what mgen will emit (issue 13): a spec is not run as written but as
/// mgen renders it (NOT NULL through a CHECK … NOT VALID, a VALIDATE in a transaction of its own,
/// timeouts), so a spec finding holds only if that rendering still has the hazard. One notion for
/// every rule: the step's statements, as MGenSQL writes them for PostgreSQL and run in the parts
/// mgen runs them in, go through the raw-SQL check; a rule that check speaks for and that no longer
/// fires on them is "rendered safely by mgen" for this server, and its finding becomes an info
/// naming what mgen writes instead. Rules the raw check cannot judge keep their findings. Raw `sql`
/// steps and SQL folders (LintConfig.renderedByMgen false) are linted as written.
enum RenderedSafety {
    /// The rules the raw-SQL check reports under: those whose hazard it can see in a statement.
    static let judgedRules: Set<String> = Set(RawSQL.shapes.map(\.rule)).union(["pg-validate-same-transaction"])

    /// The statements mgen writes for each step of a migration's up (PostgreSQL), nil when it cannot.
    static func renderedSteps(_ planned: PlannedMigration, runnerLeavesTransaction: Bool = true) -> [[SQLStatement]]? {
        var options = RenderOptions()
        options.runnerLeavesTransaction = runnerLeavesTransaction
        let renderer = SQLRenderer(dialect: .postgresql, options: options)
        return try? StepDriver(planned, dialect: .postgresql).map(.up) { (step, context) throws(Unsupported) in
            try renderer.render(step.operation, context)
        }
    }

    /// What mgen writes for the step, in words, when none of its statements has the hazard of
    /// `rule`; nil when one has (or the rule is not one the raw check judges).
    static func safeRendering(of rule: String, _ c: StepContext, rendered: [[SQLStatement]]) -> String? {
        guard c.target.engine == .postgresql, judgedRules.contains(rule), c.position < rendered.count,
              !rendered[c.position].isEmpty, !isRaw(c.operation) else { return nil }
        let all = rendered.enumerated().flatMap { step, statements in statements.map { (step: step, statement: $0) } }
        let split = c.planned.runsInTransaction && all.count > 1 && all.contains { $0.statement.ownTransaction }
        let parts = statementParts(c.planned, rendered).flatMap { $0 }
        var proofs = RawSQL.NotNullProofs()
        var words: [String] = []
        for (i, entry) in all.enumerated() {
            let step = Step(operation: .sql(up: DialectSQL(entry.statement.sql), down: nil), location: c.step.location, before: c.before)
            defer { if c.target.version >= Version(12, 0, 0) { proofs.record(step, target: c.target) } }
            guard entry.step == c.position else { continue }
            // The statement's transaction as mgen runs it: the statements of its part before it.
            var planned = c.planned
            planned.up = all.indices.filter { $0 < i && parts[$0] == parts[i] }.map {
                Step(operation: .sql(up: DialectSQL(all[$0].statement.sql), down: nil), location: c.step.location, before: c.before)
            } + [step]
            planned.runsInTransaction = entry.statement.transactional && (c.planned.runsInTransaction || mixesConcurrent(c.planned))
            let context = StepContext(step: step, position: planned.up.count - 1, planned: planned, target: c.target, newTables: c.newTables,
                                      newColumns: c.newColumns, rowVersions: c.rowVersions, timeoutsEmitted: c.timeoutsEmitted,
                                      rawNotNullProofs: c.rawNotNullProofs.union(proofs.proven))
            if let hit = RawSQL.rule.check(context), (hit.rule ?? RawSQL.rule.id) == rule { return nil }
            let text = entry.statement.sql.split(separator: "\n").first.map(String.init) ?? ""
            words.append(text + (split && entry.statement.ownTransaction ? " (in a transaction of its own)" : ""))
        }
        return words.joined(separator: "; ")
    }

    /// The part (transaction) each statement runs in, as mgen runs the migration: one for a
    /// transactional spec; a split or a spec outside a transaction only for its concurrent step in
    /// parts (a new one where the placement changes, each VALIDATE and each outside statement alone);
    /// `transaction: false`: each statement alone.
    static func statementParts(_ planned: PlannedMigration, _ rendered: [[SQLStatement]]) -> [[Int]] {
        let flat = rendered.flatMap { $0 }
        let split = planned.runsInTransaction && flat.count > 1 && flat.contains(where: \.ownTransaction)
        let inParts = split || mixesConcurrent(planned)
        var part = 0
        var previous: SQLStatement?
        return rendered.map { statements in
            statements.map { statement in
                if let previous {
                    if inParts {
                        if statement.placement != previous.placement || statement.placement != .shared { part += 1 }
                    } else if !planned.runsInTransaction {
                        part += 1
                    }
                }
                previous = statement
                return part
            }
        }
    }

    static func mixesConcurrent(_ planned: PlannedMigration) -> Bool {
        planned.migration.transaction == nil && !planned.runsInTransaction && planned.up.count > 1
    }

    /// For each step of the up, the earlier steps that share its transaction as mgen runs the
    /// migration (what "the same transaction" means to a rule when mgen writes the spec).
    static func earlierInTransaction(_ planned: PlannedMigration, runnerLeavesTransaction: Bool = true) -> [[Step]]? {
        guard let rendered = renderedSteps(planned, runnerLeavesTransaction: runnerLeavesTransaction), rendered.count == planned.up.count else { return nil }
        let parts = statementParts(planned, rendered)
        return planned.up.indices.map { i in
            guard let first = parts[i].first else { return Array(planned.up[..<i]) }
            return planned.up.indices.filter { $0 < i && parts[$0].last == first }.map { planned.up[$0] }
        }
    }

    static func isRaw(_ operation: MGenSpec.Operation) -> Bool {
        if case .sql = operation { return true }
        return false
    }
}
