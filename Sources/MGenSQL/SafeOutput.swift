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
    /// outside a transaction, and `runnerStatements` gives each part its own.
    public var isSplit: Bool {
        planned.runsInTransaction && !(upIsTransactional && downIsTransactional)
    }

    /// Whether the split is (also) around a unique index built CONCURRENTLY for a constraint that
    /// takes it over (mgen's safe `add_unique`); false: around VALIDATE only.
    public var splitsAroundUniqueBuild: Bool { isSplit && buildsUniqueConcurrently }

    /// Whether a unique constraint is built through CREATE UNIQUE INDEX CONCURRENTLY (issue 13).
    public var buildsUniqueConcurrently: Bool { (up + (down ?? [])).contains(where: \.takesOverConcurrentBuild) }

    /// The migration as a runner that cannot run a statement outside its transaction sends it
    /// (peewee_migrate; golang-migrate and Prisma, which send a file as one query): a unique
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
    /// VALIDATE in a `BEGIN; …; COMMIT` of its own. Explicit, so that a runner that sends the whole
    /// file as one query (golang-migrate, Prisma: one implicit transaction otherwise) splits it too.
    /// A statement that cannot run in a transaction at all (the CONCURRENTLY build mgen's safe
    /// `add_unique` writes) runs between them, outside any; a spec with `transaction: false` (or
    /// a concurrent index of its own) is left as it is.
    public func runnerStatements(_ statements: [SQLStatement], _ options: RenderOptions, dialect: Dialect,
                                 runnerTransactional: Bool) -> [SQLStatement] {
        let timeouts = options.timeouts.statements(dialect, transactional: true)
        if runnerTransactional { return timeouts + statements }
        guard planned.runsInTransaction, dialect == .postgresql else { return statements }
        let all = up + (down ?? [])
        let validates = all.contains { $0.ownTransaction && !$0.takesOverConcurrentBuild }
        let around = !buildsUniqueConcurrently ? "its VALIDATE" : validates ? "its VALIDATE and its concurrent unique index build" : "its concurrent unique index build"
        return Self.inTransactions(statements, timeouts: timeouts, validateTimeouts: options.timeouts.validateStatements(dialect), around: around)
    }

    /// Each run of statements that may share a transaction, and each VALIDATE (or unique
    /// constraint taking over its index), as one `BEGIN; …; COMMIT` statement; a statement that
    /// cannot run in a transaction as it is, between them.
    static func inTransactions(_ statements: [SQLStatement], timeouts: [SQLStatement], validateTimeouts: [SQLStatement],
                               around: String) -> [SQLStatement] {
        var out: [SQLStatement] = []
        var run: [SQLStatement] = []
        func transaction(_ body: [SQLStatement], opening: [SQLStatement], comment: String) {
            var lines = ["BEGIN;"]
            for statement in opening + body {
                if let comment = statement.comment { lines.append(LineComment.sql.lines(comment)) }
                lines.append(statement.terminated)
            }
            lines.append("COMMIT")
            out.append(SQLStatement(lines.joined(separator: "\n"), transactional: false, comment: comment, facts: body.facts))
        }
        func flush() {
            if !run.isEmpty { transaction(run, opening: timeouts, comment: "one transaction (the migration is split around \(around))") }
            run = []
        }
        for statement in statements {
            if !statement.transactional {
                flush()
                out.append(statement)
            } else if statement.takesOverConcurrentBuild {
                flush()
                transaction([statement], opening: validateTimeouts,
                            comment: "the unique constraint takes over its index in a transaction of its own: ACCESS EXCLUSIVE for a moment, no scan")
            } else if statement.ownTransaction {
                flush()
                transaction([statement], opening: validateTimeouts,
                            comment: "VALIDATE in a transaction of its own: SHARE UPDATE EXCLUSIVE, reads and writes go on")
            } else {
                run.append(statement)
            }
        }
        flush()
        return out
    }
}
