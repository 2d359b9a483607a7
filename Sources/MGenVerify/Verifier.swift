import Foundation
import MGenSpec
import MGenEmit
import MGenSQL

/// One migration as verify applies it: SQL statements per direction, as a runner sends them.
/// Built from a rendered spec (`init(_:)`) or from files a framework would run (the CLI maps
/// `DiskMigration`s with the memberwise initialiser).
public struct VerifyMigration: Sendable {
    public var id: String
    public var name: String
    public var up: [String]
    /// nil when the migration is irreversible: the down walk stops there.
    public var down: [String]?
    public var upTransactional: Bool
    public var downTransactional: Bool
    public var irreversibleReason: String?
    public var upRows: RowExpectations
    public var downRows: RowExpectations

    public init(id: String, name: String, up: [String], down: [String]?, upTransactional: Bool = true,
                downTransactional: Bool = true, irreversibleReason: String? = nil,
                upRows: RowExpectations = RowExpectations(), downRows: RowExpectations = RowExpectations()) {
        self.id = id
        self.name = name
        self.up = up
        self.down = down
        self.upTransactional = upTransactional
        self.downTransactional = downTransactional
        self.irreversibleReason = irreversibleReason
        self.upRows = upRows
        self.downRows = downRows
    }

    /// A migration as its framework would run it from disk. Files carry no operations, so rows
    /// are checked for every table and column they keep.
    public init(_ disk: DiskMigration) {
        self.init(id: disk.version, name: disk.name, up: disk.up, down: disk.down,
                  upTransactional: disk.upTransactional, downTransactional: disk.downTransactional)
    }

    public init(_ rendered: RenderedMigration) {
        let planned = rendered.planned
        self.init(id: planned.id, name: planned.name, up: rendered.up.map(\.sql), down: rendered.down?.map(\.sql),
                  upTransactional: rendered.upIsTransactional, downTransactional: rendered.downIsTransactional,
                  irreversibleReason: rendered.down == nil ? (planned.migration.irreversible ?? "no down") : nil,
                  upRows: RowExpectations(steps: planned.up), downRows: RowExpectations(steps: planned.down ?? []))
    }

    /// Renders a chain for one dialect.
    public static func render(_ chain: MigrationChain, dialect: Dialect,
                              options: RenderOptions = RenderOptions()) throws(DiagnosticError) -> [VerifyMigration] {
        try SQLRenderer(dialect: dialect, options: options).render(chain).map(VerifyMigration.init)
    }

    /// The idempotency rule: an up claims to be idempotent when it has at least one statement and
    /// every statement contains `IF NOT EXISTS` or `IF EXISTS` as words (not in a string or
    /// comment). Such an up is applied a second time, right after the first, and must succeed
    /// and change nothing. Downs are not re-run: a guarded `ALTER TABLE t DROP COLUMN IF EXISTS`
    /// before `DROP TABLE IF EXISTS t` is fine once but fails the second time, and no runner
    /// repeats a down.
    ///
    /// Not when a guarded create makes something a later statement of the same up takes away
    /// again (an index on a column the up then drops): after the first run that object is gone,
    /// so the second run's `IF NOT EXISTS` finds nothing to skip and fails on what is missing.
    ///
    /// Not when a statement alters a table unguarded (`ALTER TABLE t DROP COLUMN IF EXISTS c`)
    /// and a later statement of the same up drops that table: the second run has no `t` to alter.
    public static func isIdempotentByConstruction(_ statements: [String]) -> Bool {
        let tokenized = statements.map(tokenizeSQL)
        let guarded = !statements.isEmpty && tokenized.allSatisfy { tokens in
            let words = tokens.map { $0.kind == .word ? $0.text.uppercased() : "" }
            return words.indices.contains { i in
                words[i] == "IF" && (words.dropFirst(i + 1).first == "EXISTS"
                    || (words.dropFirst(i + 1).first == "NOT" && words.dropFirst(i + 2).first == "EXISTS"))
            }
        }
        guard guarded else { return false }
        for (i, tokens) in tokenized.enumerated() {
            let needs = guardedCreationNeeds(tokens)
            let altered = unguardedAlteredTable(tokens)
            guard !needs.isEmpty || altered != nil else { continue }
            for later in tokenized[(i + 1)...] {
                let dropped = droppedNames(later)
                if !dropped.isDisjoint(with: needs) { return false }
                if let altered, dropped.contains(altered) { return false }
            }
        }
        return true
    }

    /// The names a guarded create needs to still exist for its object to survive: `CREATE INDEX
    /// IF NOT EXISTS i ON t (a, b)` → i, t, a, b; `ADD COLUMN IF NOT EXISTS c` on t → t, c;
    /// `CREATE TABLE IF NOT EXISTS t` → t. Lower-cased, quotes removed.
    static func guardedCreationNeeds(_ tokens: [SQLToken]) -> Set<String> {
        func name(_ i: Int) -> String? { tokens.indices.contains(i) && tokens[i].isName ? tokens[i].text.lowercased() : nil }
        var needs: Set<String> = []
        for i in tokens.indices where tokens[i].isWord("NOT") && tokens.indices.contains(i + 1) && tokens[i + 1].isWord("EXISTS") {
            guard i >= 2, tokens[i - 1].isWord("IF") else { continue }
            let kind = tokens[i - 2]
            if kind.isWord("INDEX") {
                if let index = name(i + 2) { needs.insert(index) }
                // ON table ( names... )
                if let on = tokens[(i + 2)...].firstIndex(where: { $0.isWord("ON") }) {
                    var j = on + 1
                    if tokens.indices.contains(j), tokens[j].isWord("ONLY") { j += 1 }
                    if let table = name(j) { needs.insert(table) }
                    var depth = 0
                    for token in tokens[(j + 1)...] {
                        if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") {
                            depth -= 1
                            if depth == 0 { break }
                        } else if depth > 0, token.isName { needs.insert(token.text.lowercased()) }
                    }
                }
            } else if kind.isWord("COLUMN") || kind.isWord("TABLE") {
                if let created = name(i + 2) { needs.insert(created) }
                if kind.isWord("COLUMN"), let alter = tokens.firstIndex(where: { $0.isWord("TABLE") }) {
                    var j = alter + 1
                    if tokens.indices.contains(j + 1), tokens[j].isWord("IF"), tokens[j + 1].isWord("EXISTS") { j += 2 }
                    if tokens.indices.contains(j), tokens[j].isWord("ONLY") { j += 1 }
                    if let table = name(j) { needs.insert(table) }
                }
            }
        }
        return needs
    }

    /// `ALTER TABLE [ONLY] t …` → t (lower-cased, unquoted); nil for `ALTER TABLE IF EXISTS`.
    static func unguardedAlteredTable(_ tokens: [SQLToken]) -> String? {
        guard tokens.count > 2, tokens[0].isWord("ALTER"), tokens[1].isWord("TABLE") else { return nil }
        var j = 2
        if tokens[j].isWord("IF") { return nil }
        if tokens[j].isWord("ONLY") { j += 1 }
        return tokens.indices.contains(j) && tokens[j].isName ? tokens[j].text.lowercased() : nil
    }

    /// The names a statement drops: `DROP TABLE|INDEX|COLUMN|CONSTRAINT [IF EXISTS] name[, name]`.
    static func droppedNames(_ tokens: [SQLToken]) -> Set<String> {
        var names: Set<String> = []
        for i in tokens.indices where tokens[i].isWord("DROP") {
            var j = i + 1
            guard tokens.indices.contains(j), ["TABLE", "INDEX", "COLUMN", "CONSTRAINT"].contains(where: { tokens[j].isWord($0) }) else {
                // MySQL/SQLite `DROP c` is not emitted by mgen; `ALTER TABLE t DROP COLUMN c` is.
                continue
            }
            j += 1
            if tokens.indices.contains(j + 1), tokens[j].isWord("IF"), tokens[j + 1].isWord("EXISTS") { j += 2 }
            while tokens.indices.contains(j), tokens[j].isName {
                names.insert(tokens[j].text.lowercased())
                // schema.name and name, name
                if tokens.indices.contains(j + 2), tokens[j + 1].isSymbol(".") || tokens[j + 1].isSymbol(",") { j += 2 } else { break }
            }
        }
        return names
    }
}

public struct VerifyOptions: Sendable {
    /// Rows to insert into every table before each step (0: no data checks).
    public var seedRows: Int
    /// Re-apply directions that claim to be idempotent (see `isIdempotentByConstruction`).
    public var checkIdempotency: Bool
    /// Tables left out of snapshots (and seeding).
    public var exclude: Set<String>
    /// Also read the whole catalog after every step and fail when the snapshot of the tables
    /// the step touched (see `SnapshotCache`) differs from it (for tests).
    public var checkSnapshots: Bool

    public init(seedRows: Int = 0, checkIdempotency: Bool = true, exclude: Set<String> = [], checkSnapshots: Bool = false) {
        self.seedRows = seedRows
        self.checkIdempotency = checkIdempotency
        self.exclude = exclude
        self.checkSnapshots = checkSnapshots
    }
}

/// The up/down/up harness.
///
/// 1. Every up, one at a time, with a snapshot after each (and a second run of each up that
///    claims to be idempotent, which must change nothing).
/// 2. Every down, newest first: each must give back exactly the snapshot from before its up.
///    Column order is not compared (a re-added column goes last, and PostgreSQL cannot place
///    it): an order difference is a warning. An irreversible migration ends the walk there.
/// 3. The ups again, from where the walk stopped: each must give the first pass's snapshot.
///
/// The first problem ends the run; it is reported with the readable diff (expected → actual).
/// On SQLite, foreign keys are switched off, as SQLite does by default and as the table rebuilds
/// require (their files say so).
public struct Verifier: Sendable {
    public var options: VerifyOptions

    public init(options: VerifyOptions = VerifyOptions()) { self.options = options }

    /// Runs the three passes on an open connection. Never throws: every problem is in the report.
    public func run(_ migrations: [VerifyMigration], on db: Database, database: String = "", scratch: Bool = false,
                    progress: (VerifyStep) -> Void = { _ in }) -> VerifyReport {
        // The run object does not outlive this call.
        withoutActuallyEscaping(progress) { progress in
            let run = VerifyRun(db: db, options: options,
                                report: VerifyReport(dialect: db.dialect, database: database, scratch: scratch,
                                                     migrations: migrations.count, seedRows: options.seedRows),
                                progress: progress)
            let start = DispatchTime.now()
            do {
                try run.passes(migrations)
            } catch let failure as VerifyFailure {
                run.report.failure = failure
            } catch {
                run.report.failure = VerifyFailure(kind: .databaseError, phase: .up, id: "", name: "",
                                                   message: "\(error)", details: [])
            }
            run.report.ok = run.report.failure == nil
            run.report.totalMilliseconds = milliseconds(since: start)
            return run.report
        }
    }
}

/// Verifies in a scratch database on the server (or SQLite file) `url` names, dropped afterwards
/// even on failure or Ctrl-C; with `inPlace`, in the database `url` names itself, whose tables
/// are then the starting point every down must return to. A scratch database that is not empty
/// (a PostgreSQL template with tables) is refused.
public func verify(_ migrations: [VerifyMigration], at url: DatabaseURL, inPlace: Bool = false,
                   options: VerifyOptions = VerifyOptions(), progress: (VerifyStep) -> Void = { _ in }) throws -> VerifyReport {
    let verifier = Verifier(options: options)
    if inPlace {
        let db = try open(url)
        defer { db.close() }
        return verifier.run(migrations, on: db, database: url.description, scratch: false, progress: progress)
    }
    do {
        return try withScratchDatabase(url) { db, scratchURL in
            // A scratch database is dropped at the end: its commits need not wait for the disk.
            if db.dialect == .postgresql { try db.execute("SET synchronous_commit = off") }
            let existing = try introspect(db, exclude: options.exclude)
            guard existing.tables.isEmpty else {
                throw DiagnosticError(Diagnostic(
                    "the scratch database \(scratchURL) already has tables (\(existing.tables.map(\.name).joined(separator: ", ")))",
                    object: "--db", fix: "empty the server's template database, or pass --in-place to verify on top of what a database holds"))
            }
            return verifier.run(migrations, on: db, database: scratchURL.description, scratch: !url.isInMemory, progress: progress)
        }
    } catch let refused as ScratchDatabaseRefused {
        throw DiagnosticError(Diagnostic("cannot create a scratch database on \(url): \(refused.error.message)", object: "--db",
                                         fix: "let this user create databases, or pass --in-place to verify in \(url.database ?? "the URL's database") itself"))
    }
}

/// The state of one verification.
private final class VerifyRun {
    let db: Database
    let options: VerifyOptions
    var report: VerifyReport
    let progress: (VerifyStep) -> Void
    var seeder: Seeder
    var current = SchemaSnapshot(dialect: .sqlite, tables: [])
    var warnedOrder: Set<String> = []
    var warnedSeed: Set<String> = []
    let snapshots = SnapshotCache()

    init(db: Database, options: VerifyOptions, report: VerifyReport, progress: @escaping (VerifyStep) -> Void) {
        self.db = db
        self.options = options
        self.report = report
        self.progress = progress
        seeder = Seeder(db: db)
    }

    func passes(_ migrations: [VerifyMigration]) throws {
        if db.dialect == .sqlite { try db.execute("PRAGMA foreign_keys = OFF") }
        current = try snapshot(phase: .up, migration: nil)

        var snapshots = [current]  // snapshots[i]: before migration i
        for m in migrations {
            try apply(m, .up, m.up, transactional: m.upTransactional, rows: m.upRows)
            if options.checkIdempotency, VerifyMigration.isIdempotentByConstruction(m.up) {
                try rerun(m, direction: "up", m.up, transactional: m.upTransactional)
            }
            snapshots.append(current)
        }

        var lowest = migrations.count
        for (i, m) in migrations.enumerated().reversed() {
            guard let down = m.down else {
                report.irreversible = IrreversibleStop(id: m.id, name: m.name, reason: m.irreversibleReason ?? "no down")
                break
            }
            try apply(m, .down, down, transactional: m.downTransactional, rows: m.downRows)
            try expect(snapshots[i], m, .downDoesNotRestore, phase: .down,
                       "the down of \(m.id) \(m.name) does not restore the schema from before its up (- missing after the down, + left behind, ~ changed):")
            lowest = i
        }

        for i in lowest..<migrations.count {
            let m = migrations[i]
            try apply(m, .upAgain, m.up, transactional: m.upTransactional, rows: m.upRows)
            try expect(snapshots[i + 1], m, .upAgainDiffers, phase: .upAgain,
                       "the up of \(m.id) \(m.name), run again after its down, does not end where the first run did (- missing now, + new, ~ changed):")
        }
    }

    /// Seeds (when asked), applies one direction, snapshots, and checks rows.
    func apply(_ m: VerifyMigration, _ phase: VerifyPhase, _ statements: [String], transactional: Bool,
               rows: RowExpectations, direction: String? = nil) throws {
        let label = direction ?? (phase == .down ? "down" : "up")
        var before: [String: TableCounts]?
        if options.seedRows > 0, phase != .rerun {
            // Once per table: the same table would fail the same way before every step.
            for (table, warning) in seeder.seed(current, rows: options.seedRows) where warnedSeed.insert(table).inserted {
                report.warnings.append(warning)
            }
            before = try guarded(phase, m) { try countRows(db, current) }
        }
        let start = DispatchTime.now()
        do {
            do {
                try applyTracked(statements, transactional: transactional, on: db)
            } catch let failure as StatementFailure where before != nil {
                // Rows made up for an earlier schema may break what this step adds (a CHECK, a
                // foreign key validated now, a type narrowed back by a down). Run the step on
                // empty tables instead and say so; its rows are not checked.
                // MySQL commits DDL as it goes: the statements before the failing one may have
                // dropped a table (found by the enum-type walk: a dropped value after a DROP TABLE)
                // or renamed one (seed 6: a rename_table before a narrowing in a down), so the
                // tables to empty are those the database holds now.
                try guarded(phase, m) {
                    try clearRows(db, failure.rolledBack ? current : try introspect(db, exclude: options.exclude))
                    if !failure.rolledBack { try dropInvalidIndexes(db) }
                }
                let restart = failure.rolledBack ? 0 : failure.index
                try applyTracked(Array(statements[restart...]), transactional: transactional, on: db)
                before = nil
                let warning = "cannot seed before the \(label) of \(m.id) \(m.name): the generated rows break it "
                    + "(\(failure.error.message.split(separator: "\n").first.map(String.init) ?? "")); it ran on empty tables, its rows unchecked"
                // The second up pass meets the same rows again: one warning.
                if !report.warnings.contains(warning) { report.warnings.append(warning) }
            }
        } catch let failure as StatementFailure {
            throw stepFailure(m, phase, label, failure.error)
        } catch let failure as VerifyFailure {
            throw failure
        } catch {
            throw stepFailure(m, phase, label, error)
        }
        let elapsed = milliseconds(since: start)
        let after = try snapshot(phase: phase, migration: m, after: statements)
        var kept: Int?
        if let before {
            let counts = try guarded(phase, m) { try countRows(db, after) }
            let lost = rows.losses(before: before, after: counts)
            if !lost.isEmpty {
                throw VerifyFailure(kind: .rowsLost, phase: phase, id: m.id, name: m.name,
                                    message: "the \(label) of \(m.id) \(m.name) lost rows it should keep:", details: lost)
            }
            kept = rows.checked ? before.filter { rows.table($0.key).map { counts[$0] != nil } ?? false }.map(\.value.rows).reduce(0, +) : nil
        }
        let step = VerifyStep(phase: phase, id: m.id, name: m.name, milliseconds: elapsed, rowsChecked: kept)
        report.steps.append(step)
        progress(step)
        current = after
    }

    /// The failure of one direction's statements, as reported.
    func stepFailure(_ m: VerifyMigration, _ phase: VerifyPhase, _ label: String, _ error: Error) -> VerifyFailure {
        var message = "the \(label) of \(m.id) \(m.name) failed"
        if phase == .rerun { message = "running the \(label) of \(m.id) \(m.name) a second time failed, though every statement has IF [NOT] EXISTS" }
        if phase == .upAgain { message = "the up of \(m.id) \(m.name) failed when run again after its down" }
        var details: [String]
        if let error = error as? DatabaseError {
            message += ": \(error.message)"
            details = error.sql.map { ["while running:"] + $0.split(separator: "\n", omittingEmptySubsequences: false).prefix(30).map { "  " + $0 } } ?? []
        } else {
            message += ": \(error)"
            details = []
        }
        return VerifyFailure(kind: phase == .rerun ? .notIdempotent : .statementFailed, phase: phase, id: m.id, name: m.name,
                            message: message, details: details)
    }

    /// Applies a direction that claims idempotency a second time: nothing may change.
    func rerun(_ m: VerifyMigration, direction: String, _ statements: [String], transactional: Bool) throws {
        let expected = current
        try apply(m, .rerun, statements, transactional: transactional, rows: RowExpectations(checked: false), direction: direction)
        try expect(expected, m, .notIdempotent, phase: .rerun,
                   "running the \(direction) of \(m.id) \(m.name) a second time changed the schema, though every statement has IF [NOT] EXISTS (- missing now, + new, ~ changed):")
        report.idempotent.append("\(m.id) \(direction)")
    }

    /// The current schema must equal `expected`, column order aside (a warning).
    func expect(_ expected: SchemaSnapshot, _ m: VerifyMigration, _ kind: VerifyFailure.Kind, phase: VerifyPhase, _ message: String) throws {
        guard expected != current else { return }
        let changes = diff(expected, current, columnOrder: true)
        guard !changes.isEmpty else { return }
        let order = changes.filter { $0.kind == .changed && $0.text.contains(": column order ") }
        let real = changes.filter { !($0.kind == .changed && $0.text.contains(": column order ")) }
        if !real.isEmpty {
            throw VerifyFailure(kind: kind, phase: phase, id: m.id, name: m.name, message: message, details: real.map(\.description))
        }
        // Once per table: the order stays off for every later down.
        for change in order where change.table.map({ warnedOrder.insert($0).inserted }) ?? true {
            let warning = "after the \(phase == .down ? "down" : phase.rawValue) of \(m.id) \(m.name): \(change.text) (a re-added column goes last; not compared)"
            if !report.warnings.contains(warning) { report.warnings.append(warning) }
        }
    }

    func snapshot(phase: VerifyPhase, migration m: VerifyMigration?, after statements: [String]? = nil) throws -> SchemaSnapshot {
        try guarded(phase, m) {
            let snapshot = try snapshots.snapshot(db, exclude: options.exclude, after: statements)
            if options.checkSnapshots {
                let full = try introspect(db, exclude: options.exclude)
                if full != snapshot {
                    throw VerifyFailure(kind: .databaseError, phase: phase, id: m?.id ?? "", name: m?.name ?? "",
                                        message: "the incremental snapshot differs from a full one", details: diff(full, snapshot).map(\.description))
                }
            }
            return snapshot
        }
    }

    /// Database errors outside the migration's own statements: reported as such.
    func guarded<T>(_ phase: VerifyPhase, _ m: VerifyMigration?, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let failure as VerifyFailure { throw failure } catch {
            let what = m.map { " after the \(phase.rawValue) of \($0.id) \($0.name)" } ?? ""
            throw VerifyFailure(kind: .databaseError, phase: phase, id: m?.id ?? "", name: m?.name ?? "",
                                message: "reading the database\(what) failed: \(error)", details: [])
        }
    }
}

func milliseconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}
