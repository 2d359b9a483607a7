import MGenSpec

public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case info, warning, error
    public static func < (a: Severity, b: Severity) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// One safety rule: what it knows (as data, for `--explain`, SARIF and docs/lint.md) and a small
/// function that looks at one step of a replayed migration.
public struct Rule: Sendable {
    public var id: String
    public var severity: Severity
    /// The engines the rule applies to.
    public var engines: Set<DatabaseTarget.Engine>
    public var summary: String
    /// The version conditions, in words (the code in `check` and `Knowledge` is what decides).
    public var versions: String
    public var why: String
    /// The safe rewrite in general; each finding also gives the one for its own spec.
    public var safe: String
    let check: @Sendable (StepContext) -> Hit?

    init(_ id: String, _ severity: Severity, _ engines: Set<DatabaseTarget.Engine>, summary: String, versions: String = "all supported versions",
         why: String, safe: String, check: @escaping @Sendable (StepContext) -> Hit?) {
        self.id = id
        self.severity = severity
        self.engines = engines
        self.summary = summary
        self.versions = versions
        self.why = why
        self.safe = safe
        self.check = check
    }

    /// `--explain RULE`.
    public var explanation: String {
        """
        \(id) (\(severity.rawValue); \(engines.map(\.rawValue).sorted().joined(separator: ", ")))
        \(summary)

        Versions: \(versions)

        Why: \(why)

        Safe rewrite: \(safe)
        """
    }
}

/// What a rule found at one step: the specifics the rule's general text cannot know.
public struct Hit: Sendable {
    public var message: String
    public var lock: String
    public var blocks: String
    public var fix: String
    /// A severity lower than the rule's (a case the rule cannot decide, e.g. an unknown function).
    public var severity: Severity?
    /// The rule the finding reports under when not the checking rule's own (the raw-SQL checks
    /// report each statement shape under the rule that says the same thing of a spec).
    public var rule: String?

    init(_ message: String, lock: String, blocks: String, fix: String, severity: Severity? = nil, rule: String? = nil) {
        self.rule = rule
        self.message = message
        self.lock = lock
        self.blocks = blocks
        self.fix = fix
        self.severity = severity
    }

    init(_ message: String, pg lock: PGLock, fix: String, severity: Severity? = nil, held: String = "") {
        self.init(message, lock: "\(lock)\(held)", blocks: lock.blocks, fix: fix, severity: severity)
    }

    init(_ message: String, mysql plan: MySQLPlan, fix: String, severity: Severity? = nil) {
        self.init(message, lock: plan.description, blocks: plan.blocks, fix: fix, severity: severity)
    }
}

/// One step of a migration with everything a rule may ask about it. A class: every rule of every
/// step reads it, and copying the migration and state it holds each time cost a tenth of a lint.
public final class StepContext: Sendable {
    public let step: Step
    /// The step's position in the migration's up.
    public let position: Int
    public let planned: PlannedMigration
    public let target: DatabaseTarget
    /// Tables that hold no production data yet: created earlier in this spec, or in an earlier
    /// spec of the same lint batch (the specs not yet deployed).
    public let newTables: Set<String>
    /// Columns (`table.column`) added in the same way: no code reads them yet.
    public let newColumns: Set<String>
    /// MySQL 8.0.29+: instant column adds/drops on the step's table since it was last built.
    public let rowVersions: Int
    /// The migration will be emitted by mgen with its PostgreSQL timeouts (specs, unless turned off).
    public let timeoutsEmitted: Bool
    /// `table.column` pairs that raw SQL earlier in the chain proved NOT NULL with a validated CHECK
    /// (what PostgreSQL 12+ uses to skip SET NOT NULL's scan) on tables the replay does not follow.
    public let rawNotNullProofs: Set<String>
    /// The migration will be emitted by mgen with its safe forms (specs; see LintConfig.safeOutputEmitted).
    public let safeOutputEmitted: Bool

    init(step: Step, position: Int, planned: PlannedMigration, target: DatabaseTarget, newTables: Set<String>, newColumns: Set<String>,
         rowVersions: Int, timeoutsEmitted: Bool, rawNotNullProofs: Set<String> = [], safeOutputEmitted: Bool = false) {
        self.step = step
        self.position = position
        self.planned = planned
        self.target = target
        self.newTables = newTables
        self.newColumns = newColumns
        self.rowVersions = rowVersions
        self.timeoutsEmitted = timeoutsEmitted
        self.rawNotNullProofs = rawNotNullProofs
        self.safeOutputEmitted = safeOutputEmitted
    }

    public var operation: MGenSpec.Operation { step.operation }
    public var before: SchemaState { step.before }
    public var inTransaction: Bool { planned.runsInTransaction && target.engine != .mysql && target.engine != .mariadb }

    /// A table that exists and may hold rows (one created in this batch holds none).
    public func isExisting(_ table: String) -> Bool { before.table(table) != nil && !newTables.contains(table) }
    /// A column of an existing table that existed before this batch (running code may use it).
    public func isExisting(_ table: String, column: String) -> Bool {
        isExisting(table) && before.table(table)?.column(column) != nil && !newColumns.contains("\(table).\(column)")
    }

    /// The other steps of the same migration.
    public var earlier: ArraySlice<Step> { planned.up[..<position] }
    public var later: ArraySlice<Step> { planned.up[(position + 1)...] }
}
