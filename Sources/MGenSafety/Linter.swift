import MGenSpec

/// One problem found: which rule, where in which spec, the lock and what it blocks, why, and the
/// safe rewrite for this spec.
public struct Finding: Hashable, Sendable, Codable {
    public var rule: String
    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    public var spec: String
    public var message: String
    public var lock: String
    public var blocks: String
    public var why: String
    public var fix: String

    public init(rule: String, severity: Severity, file: String, line: Int, column: Int, spec: String, message: String,
                lock: String, blocks: String, why: String, fix: String) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.spec = spec
        // spec 1.1: schemas. A table of another schema prints as `billing.invoices`.
        self.message = QualifiedName.display(message)
        self.lock = lock
        self.blocks = blocks
        self.why = QualifiedName.display(why)
        self.fix = QualifiedName.display(fix)
    }

    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

/// Project-wide settings: rules off, severities changed (mgen.yaml's `lint:`).
public struct LintConfig: Sendable {
    public var disabled: Set<String> = []
    public var severities: [String: Severity] = [:]
    /// The migrations are specs that `mgen emit` writes with `SET LOCAL lock_timeout` (PostgreSQL,
    /// transactional): missing-lock-timeout does not apply to them. False for SQL folders.
    public var timeoutsEmitted = false
    /// The migrations are specs that `mgen emit` renders (its safe forms): a spec finding whose
    /// hazard mgen's rendering does not have becomes an info (RenderedSafety). False for SQL folders.
    public var renderedByMgen = false
    /// With renderedByMgen: whether the target's runner can leave the migration's transaction
    /// (false for golang-migrate and Prisma, which get the plain forms: RenderOptions).
    public var runnerLeavesTransaction = true
    public init() {}

    /// Reads mgen.yaml's `lint:` section, checking every rule name and severity.
    public init(_ section: ProjectConfig.Lint) throws(DiagnosticError) {
        var problems: [Diagnostic] = []
        for (i, id) in section.disable.enumerated() {
            let location = i < section.disableLocations.count ? section.disableLocations[i] : nil
            if let problem = Linter.unknownRule(id, at: location) { problems.append(problem) } else { disabled.insert(id) }
        }
        for entry in section.severity {
            if let problem = Linter.unknownRule(entry.rule, at: entry.location) { problems.append(problem); continue }
            guard let level = Severity(rawValue: entry.severity) else {
                problems.append(Diagnostic("unknown severity '\(entry.severity)' for \(entry.rule)", at: entry.location, fix: "use error, warning or info"))
                continue
            }
            severities[entry.rule] = level
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }
}

public enum Linter {
    /// Lints the migrations `selected` (all when nil) of a chain for one server.
    ///
    /// A table is "existing" (may hold rows) unless it was created earlier in the same spec, or
    /// in an earlier spec of the batch: the batch is the selected specs when `batch` is true (specs
    /// not yet deployed, linted together), otherwise each spec alone (every earlier spec is
    /// assumed deployed).
    public static func lint(_ chain: MigrationChain, target: DatabaseTarget, config: LintConfig = LintConfig(),
                            selected: Set<String>? = nil, batch: Bool = false) throws(DiagnosticError) -> [Finding] {
        var findings: [Finding] = []
        var steps: [(StepContext, Set<String>)] = []
        var problems: [Diagnostic] = []
        let rules = Rules.all.filter { $0.engines.contains(target.engine) && !config.disabled.contains($0.id) }
        var batchTables: Set<String> = []
        var batchColumns: Set<String> = []
        // MySQL 8.0.29+: instant column adds and drops since each table was last built (the whole
        // chain counts, deployed specs too: the server keeps the row versions).
        var rowVersions: [String: Int] = [:]
        var proofs = RawSQL.NotNullProofs()
        for planned in chain.migrations {
            guard selected?.contains(planned.id) ?? true else {
                for step in planned.up {
                    countRowVersions(step, target: target, into: &rowVersions)
                    proofs.record(step, target: target)
                }
                continue
            }
            var ignored: Set<String> = []
            if let settings = planned.migration.lint {
                for (i, id) in settings.ignore.enumerated() {
                    let location = i < settings.ruleLocations.count ? settings.ruleLocations[i] : settings.location
                    if let problem = unknownRule(id, at: location) { problems.append(problem) } else { ignored.insert(id) }
                }
            }
            var newTables = batch ? batchTables : []
            var newColumns = batch ? batchColumns : []
            // The transactions mgen runs the spec in (a split's parts), when it writes it.
            let transactions = config.renderedByMgen && target.engine == .postgresql ? RenderedSafety.earlierInTransaction(planned, runnerLeavesTransaction: config.runnerLeavesTransaction) : nil
            for (position, step) in planned.up.enumerated() {
                let context = StepContext(step: step, position: position, planned: planned, target: target, newTables: newTables, newColumns: newColumns,
                                          rowVersions: step.operation.table.flatMap { rowVersions[$0] } ?? 0,
                                          timeoutsEmitted: config.timeoutsEmitted, rawNotNullProofs: proofs.proven,
                                          earlierInTransaction: transactions?[position])
                steps.append((context, ignored))
                proofs.record(step, target: target)
                countRowVersions(step, target: target, into: &rowVersions)
                switch step.operation {
                case let .createTable(table): newTables.insert(table.name)
                case let .renameTable(from, to) where newTables.contains(from): newTables.remove(from); newTables.insert(to)
                case let .dropTable(table): newTables.remove(table)
                case let .addColumn(table, column, _, _): newColumns.insert("\(table).\(column.name)")
                case let .renameColumn(table, from, to) where newColumns.contains("\(table).\(from)"):
                    newColumns.remove("\(table).\(from)")
                    newColumns.insert("\(table).\(to)")
                default: break
                }
            }
            if batch { batchTables = newTables; batchColumns = newColumns }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        // Each step's context is complete: the rules look at the steps on every core, in order.
        let severities = config.severities
        let disabled = config.disabled
        let renderedByMgen = config.renderedByMgen
        let leaves = config.runnerLeavesTransaction
        let perStep = parallelMap(steps) { context, ignored -> [Finding] in
            rules.compactMap { rule -> Finding? in
                guard !ignored.contains(rule.id), let hit = rule.check(context) else { return nil }
                // A hit under another rule's id (a raw statement) is that rule's finding: its
                // severity, its why, turned off with it (or with the checking rule).
                var reported = rule
                if let id = hit.rule, id != rule.id {
                    guard !ignored.contains(id), !disabled.contains(id), let other = Rules.rule(id) else { return nil }
                    reported = other
                }
                var severity = severities[reported.id] ?? severities[rule.id] ?? hit.severity.map { min($0, reported.severity) } ?? reported.severity
                var (message, fix, lock) = (hit.message, hit.fix, hit.lock)
                // What mgen will emit for the spec: its safe form makes the finding an info.
                if renderedByMgen, severity > .info, let rendered = RenderedSafety.renderedSteps(context.planned, runnerLeavesTransaction: leaves),
                   let safe = RenderedSafety.safeRendering(of: reported.id, context, rendered: rendered) {
                    severity = .info
                    message = "rendered safely by mgen for \(context.target): \(safe) (as written: \(hit.message))"
                    fix = "nothing to change for mgen's own output; a hand-written migration of this spec needs: \(hit.fix)"
                    lock = "as written (not as mgen writes it): \(hit.lock)"
                }
                let step = context.step
                return Finding(rule: reported.id, severity: severity, file: step.location.file, line: step.location.line,
                               column: step.location.column, spec: context.planned.id, message: message, lock: lock,
                               blocks: hit.blocks, why: reported.why, fix: fix)
            }
        }
        findings = perStep.flatMap { $0 }
        return findings
    }

    static func countRowVersions(_ step: Step, target: DatabaseTarget, into counts: inout [String: Int]) {
        guard target.engine == .mysql, target.version >= Version(8, 0, 29) else { return }
        switch step.operation {
        case let .createTable(table): counts[table.name] = 0
        case let .dropTable(table): counts[table] = nil
        case let .renameTable(from, to): counts[to] = counts[from]; counts[from] = nil
        case .addColumn, .dropColumn, .alterColumn, .addForeignKey, .addCheck:
            guard let table = step.operation.table,
                  let plan = Knowledge.mysqlPlan(step.operation, before: step.before, target: target) else { return }
            if plan.algorithm == .instant {
                switch step.operation {
                case .addColumn, .dropColumn: counts[table, default: 0] += 1
                default: break
                }
            } else if plan.rebuilds || plan.algorithm == .copy {
                counts[table] = 0 // a rebuilt table starts again from one row version
            }
        default: break
        }
    }

    static func unknownRule(_ id: String, at location: SourceLocation?) -> Diagnostic? {
        guard Rules.rule(id) == nil else { return nil }
        let hint = closestMatch(to: id, in: Rules.all.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
        return Diagnostic("unknown lint rule '\(id)'\(hint)", at: location, object: location == nil ? "lint" : nil,
                          fix: "`mgen lint --list` shows every rule")
    }
}
