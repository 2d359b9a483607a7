import Foundation
import MGenSpec

extension Table {
    /// Whether a validated CHECK (col IS NOT NULL) proves the column holds no NULL: PostgreSQL 12+
    /// then sets NOT NULL without a scan, so nothing safer is needed.
    public func provesNotNull(_ column: String) -> Bool {
        let wanted = "\(column) is not null"
        return checks.contains { check in
            !check.notValid && check.expression.lowercased().replacingOccurrences(of: "\"", with: "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "() ")) == wanted
        }
    }
}

/// The timeouts a transactional PostgreSQL migration sets for itself (issue 13, safe output): a DDL
/// statement that waits for its lock behind a long transaction blocks every query on the table
/// that arrives after it, so it must give up quickly (`lock_timeout`) rather than queue; and no
/// statement of a transactional migration may hold its locks for longer than `statement_timeout`.
/// `SET LOCAL` ends with the transaction, so nothing leaks into the runner's later work; files that
/// run outside a transaction (CONCURRENTLY, batched backfills) get none.
public struct SessionTimeouts: Hashable, Sendable {
    /// PostgreSQL interval text (`5s`, `10min`); nil leaves the server's setting.
    public var lock: String?
    public var statement: String?

    public init(lock: String?, statement: String?) {
        self.lock = lock
        self.statement = statement
    }

    public static let defaults = SessionTimeouts(lock: "5s", statement: "10min")
    public static let off = SessionTimeouts(lock: nil, statement: nil)

    public var isOff: Bool { lock == nil && statement == nil }

    /// What opens a VALIDATE's own transaction: the lock timeout only, since its scan holds a lock
    /// that blocks neither reads nor writes and may take longer than a DDL statement should.
    public func validateStatements(_ dialect: Dialect) -> [SQLStatement] {
        SessionTimeouts(lock: lock, statement: nil).statements(dialect, transactional: true)
    }

    /// Reads a timeout as mgen.yaml or an option gives it: `5s`, `500ms`, `10min`, `1h`, or `off`.
    /// nil: not a duration PostgreSQL reads (the caller names the option in its error).
    public static func duration(_ text: String) -> String?? {
        let value = String(text.filter { $0 != " " })
        if value == "off" || value == "0" { return .some(nil) }
        let digits = value.prefix { $0.isASCII && $0.isNumber }
        let unit = value.dropFirst(digits.count)
        guard !digits.isEmpty, ["ms", "s", "min", "h", "d"].contains(String(unit)) else { return nil }
        return .some(value)
    }

    /// The statements that open a file: for PostgreSQL, when it runs in a transaction.
    public func statements(_ dialect: Dialect, transactional: Bool) -> [SQLStatement] {
        guard dialect == .postgresql, transactional else { return [] }
        var out: [SQLStatement] = []
        if let lock { out.append(SQLStatement("SET LOCAL lock_timeout = '\(lock)'")) }
        if let statement { out.append(SQLStatement("SET LOCAL statement_timeout = '\(statement)'")) }
        return out
    }
}

extension RenderedMigration {
    /// The timeouts that open the up (or down) of this migration, as the emitters write them first.
    public func timeoutStatements(_ options: RenderOptions, dialect: Dialect, up isUp: Bool) -> [SQLStatement] {
        options.timeouts.statements(dialect, transactional: isUp ? upIsTransactional : (down != nil && downIsTransactional))
    }

    /// The migration without the statements that drop an INVALID index a failed concurrent build
    /// left: for runners that send a file as one query, where they could not run beside the build.
    public var withoutInvalidIndexCleanup: RenderedMigration {
        var copy = self
        copy.up.removeAll(where: \.isInvalidIndexCleanup)
        copy.down?.removeAll(where: \.isInvalidIndexCleanup)
        return copy
    }

    /// The timeouts for a runner that runs the whole migration in one transaction whatever its
    /// statements (peewee_migrate): a VALIDATE then stays in it.
    public func wholeTransactionTimeouts(_ options: RenderOptions, dialect: Dialect, up isUp: Bool) -> [SQLStatement] {
        let statements = isUp ? up : (down ?? [])
        return options.timeouts.statements(dialect, transactional: planned.runsInTransaction && statements.allSatisfy(\.transactional)
                                                                 && (isUp || down != nil))
    }

    /// Whether the spec asked for one transaction but PostgreSQL must run a statement of it in a
    /// transaction of its own (VALIDATE, a unique constraint taking over its index) or outside any
    /// (the CONCURRENTLY build of that index), issue 13: the runner then runs the migration
    /// outside a transaction, in parts (`runnerStatements`, `parts`).
    public var isSplit: Bool {
        planned.runsInTransaction && !(upIsTransactional && downIsTransactional)
    }

    /// Whether the split is (also) around a unique index built CONCURRENTLY for a constraint that
    /// takes it over (mgen's safe `add_unique`); false: around VALIDATE only.
    public var splitsAroundUniqueBuild: Bool { isSplit && buildsUniqueConcurrently }

    /// Whether a unique constraint is built through CREATE UNIQUE INDEX CONCURRENTLY (issue 13).
    public var buildsUniqueConcurrently: Bool { (up + (down ?? [])).contains(where: \.takesOverConcurrentBuild) }

    /// The migration as a runner that cannot run a statement outside one query sends it
    /// (golang-migrate and Prisma, which send a file as one query): a unique
    /// constraint is added with a plain ADD CONSTRAINT, its index built under the lock.
    public func withoutConcurrentUniqueBuilds(_ options: RenderOptions, dialect: Dialect) throws(DiagnosticError) -> RenderedMigration {
        guard buildsUniqueConcurrently else { return self }
        var options = options
        options.runnerLeavesTransaction = false
        var plain = try SQLRenderer(dialect: dialect, options: options).render(planned)
        plain.uniqueBuiltUnderLock = true
        return plain
    }

    /// The statements a runner sends for one direction (`statements`: the up, or the down as the
    /// target writes it), the timeouts included. `runnerTransactional`: whether the runner wraps
    /// this direction in a transaction. When it does not but the spec asked for one (a split
    /// migration, or a runner whose one flag covers both directions), every statement runs in an
    /// explicit transaction: each run of statements that may share one as
    /// `BEGIN; <timeouts>; …; COMMIT` (atomic, timing out as the spec's transaction would), each
    /// VALIDATE (and unique constraint taking over its index) in a `BEGIN; …; COMMIT` of its own,
    /// a statement that cannot run in a transaction (the CONCURRENTLY build of mgen's safe
    /// `add_unique`) between them (`parts`). Explicit, so that a runner that sends the whole file
    /// as one query (golang-migrate, Prisma: one implicit transaction otherwise) splits it too.
    public func runnerStatements(_ statements: [SQLStatement], _ options: RenderOptions, dialect: Dialect,
                                 runnerTransactional: Bool) -> [SQLStatement] {
        let timeouts = options.timeouts.statements(dialect, transactional: true)
        if runnerTransactional { return timeouts + statements }
        guard runsInParts(statements, dialect: dialect, runnerTransactional: false) else { return statements }
        return Self.inTransactions(statements, timeouts: timeouts, validateTimeouts: options.timeouts.validateStatements(dialect))
    }

    /// Each run of statements that may share a transaction, and each VALIDATE (or unique constraint
    /// taking over its index), as one `BEGIN; …; COMMIT` statement; outside statements as they are.
    static func inTransactions(_ statements: [SQLStatement], timeouts: [SQLStatement], validateTimeouts: [SQLStatement]) -> [SQLStatement] {
        let parts = Self.parts(statements.map { PartItem<SQLStatement>.statement($0) }, statements: { [$0] },
                               timeouts: timeouts, validateTimeouts: validateTimeouts)
        return parts.flatMap { part -> [SQLStatement] in
            let body = part.statements
            guard part.placement != .outside else { return body }
            var lines = ["BEGIN;"]
            for statement in part.opening + body {
                if let comment = statement.comment { lines.append(LineComment.sql.lines(comment)) }
                lines.append(statement.terminated)
            }
            lines.append("COMMIT")
            return [SQLStatement(lines.joined(separator: "\n"), transactional: false, comment: part.comment, facts: body.facts)]
        }
    }

    /// Whether a runner that runs one direction (`statements`) as the runner does must give each
    /// part of it a transaction of its own: the runner leaves the direction outside a transaction
    /// (`runnerTransactional` false: a split migration, or a flag that covers both directions), the
    /// spec asked for one, and the dialect has transactional DDL with timeouts (PostgreSQL).
    /// A spec that leaves its transaction to mgen (no `transaction:`) and has a statement that
    /// cannot run in one (CONCURRENTLY) beside others runs in parts too (issue 13): its other
    /// statements in transactions of their own with their timeouts, the concurrent ones outside,
    /// in order. Not `transaction: false` (a backfill that commits each batch): as the spec says.
    public func runsInParts(_ statements: [SQLStatement], dialect: Dialect, runnerTransactional: Bool) -> Bool {
        guard !runnerTransactional, dialect == .postgresql else { return false }
        // A transactional spec runs in parts whatever its statements: a VALIDATE, or the
        // CONCURRENTLY build and USING INDEX of a safe add_unique, each in its part.
        if planned.runsInTransaction { return true }
        return mixesConcurrent && statements.contains(where: \.transactional) && statements.contains { !$0.transactional }
    }

    /// Whether the spec runs outside a transaction only because of a concurrent step (it says no
    /// `transaction:`), with other steps beside it.
    public var mixesConcurrent: Bool {
        planned.migration.transaction == nil && !planned.runsInTransaction && planned.up.count > 1
    }

    /// Whether a runner that keeps one transaction for a whole migration (peewee_migrate) must
    /// leave it on this server: a split around a VALIDATE, or a concurrent step in a spec without
    /// `transaction:` (alone or beside others).
    public func leavesRunnerTransaction(_ dialect: Dialect) -> Bool {
        dialect == .postgresql && (isSplit || (planned.migration.transaction == nil && !planned.runsInTransaction))
    }

    /// Whether some direction runs in parts for a runner that leaves it outside a transaction:
    /// split around a VALIDATE, or a concurrent step beside others (what the headers say).
    public func hasParts(_ dialect: Dialect) -> Bool {
        isSplit || runsInParts(up, dialect: dialect, runnerTransactional: false) || runsInParts(down ?? [], dialect: dialect, runnerTransactional: false)
    }

    /// The parts of one direction for a runner that renders it step by step (issue 13): a step
    /// whose statements all run the same way stays whole (the framework's own call); a step that
    /// mixes them (NOT NULL through a CHECK: ADD … NOT VALID, VALIDATE, SET NOT NULL) gives its
    /// statements one by one. Each run that may share a transaction is one `.shared` part opened by
    /// the lock and statement timeouts, each VALIDATE a `.own` part opened by the lock timeout only.
    public func parts<Step>(_ steps: [Step], statements: (Step) -> [SQLStatement], _ options: RenderOptions,
                            dialect: Dialect) -> [RunnerPart<Step>] {
        let items = steps.flatMap { step -> [PartItem<Step>] in
            let placements = Set(statements(step).map(\.placement))
            return placements.count > 1 ? statements(step).map { .statement($0) } : [.step(step)]
        }
        return Self.parts(items, statements: statements, timeouts: options.timeouts.statements(dialect, transactional: true),
                          validateTimeouts: options.timeouts.validateStatements(dialect))
    }

    static func parts<Step>(_ items: [PartItem<Step>], statements: (Step) -> [SQLStatement], timeouts: [SQLStatement],
                            validateTimeouts: [SQLStatement]) -> [RunnerPart<Step>] {
        var out: [RunnerPart<Step>] = []
        for item in items {
            let itemStatements: [SQLStatement]
            switch item {
            case let .step(step): itemStatements = statements(step)
            case let .statement(statement): itemStatements = [statement]
            }
            // A step with no statement (nothing to do on this dialect) joins the part before it.
            let placement = itemStatements.first?.placement ?? out.last?.placement ?? .shared
            if placement == .shared, let last = out.indices.last, out[last].placement == .shared {
                out[last].items.append((item, itemStatements))
                continue
            }
            let opening = placement == .shared ? timeouts : placement == .own ? validateTimeouts : []
            out.append(RunnerPart(placement: placement, opening: opening, items: [(item, itemStatements)]))
        }
        return out
    }
}

/// How a statement runs when its migration is run in parts (issue 13).
public enum PartPlacement: Hashable, Sendable {
    /// With the statements beside it, in one transaction opened by the timeouts.
    case shared
    /// In a transaction of its own, opened by the lock timeout only (VALIDATE).
    case own
    /// Outside any transaction (CONCURRENTLY).
    case outside

    /// The comment above the part, saying what it is.
    public var comment: String {
        switch self {
        case .shared: "one transaction (the migration runs in parts)"
        case .own: "VALIDATE in a transaction of its own: SHARE UPDATE EXCLUSIVE, reads and writes go on"
        case .outside: "outside a transaction (CONCURRENTLY): each statement commits alone"
        }
    }
}

extension SQLStatement {
    public var placement: PartPlacement { !transactional ? .outside : ownTransaction ? .own : .shared }
}

/// One item of a part: a step the framework renders its own way, or one statement of a step that
/// spans parts (sent as SQL).
public enum PartItem<Step> {
    case step(Step)
    case statement(SQLStatement)
}

/// One part of a migration run in parts: its items, in order, and what opens its transaction.
public struct RunnerPart<Step> {
    public var placement: PartPlacement
    /// The timeouts that open the part's transaction (none outside a transaction, none when off).
    public var opening: [SQLStatement]
    public var items: [(item: PartItem<Step>, statements: [SQLStatement])]

    /// The comment above the part: what it is (a VALIDATE's, or a unique constraint's taking over
    /// its index, for an own part).
    public var comment: String {
        guard placement == .own, statements.contains(where: \.takesOverIndex) else { return placement.comment }
        return "the unique constraint takes over its index in a transaction of its own: ACCESS EXCLUSIVE for a moment, no scan"
    }

    /// Every statement of the part, in order.
    public var statements: [SQLStatement] { items.flatMap(\.statements) }
    /// Whether the part runs in a transaction (and so the runner opens one for it).
    public var isTransaction: Bool { placement != .outside }
}
