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
            guard let table = unguardedAlteredTable(tokens) else { continue }
            if tokenized[(i + 1)...].contains(where: { droppedTables($0).contains(table) }) { return false }
        }
        return true
    }

    /// `ALTER TABLE [ONLY] t …` → t (lower-cased, unquoted); nil for `ALTER TABLE IF EXISTS`.
    static func unguardedAlteredTable(_ tokens: [SQLToken]) -> String? {
        guard tokens.count > 2, tokens[0].isWord("ALTER"), tokens[1].isWord("TABLE") else { return nil }
        var j = 2
        if tokens[j].isWord("IF") { return nil }
        if tokens[j].isWord("ONLY") { j += 1 }
        return tokens.indices.contains(j) && tokens[j].isName ? tokens[j].text.lowercased() : nil
    }

    /// `DROP TABLE [IF EXISTS] a, b …` → a, b (lower-cased, unquoted).
    static func droppedTables(_ tokens: [SQLToken]) -> Set<String> {
        guard tokens.count > 2, tokens[0].isWord("DROP"), tokens[1].isWord("TABLE") else { return [] }
        var j = 2
        if tokens.indices.contains(j + 1), tokens[j].isWord("IF"), tokens[j + 1].isWord("EXISTS") { j += 2 }
        var names: Set<String> = []
        while tokens.indices.contains(j), tokens[j].isName {
            names.insert(tokens[j].text.lowercased())
            guard tokens.indices.contains(j + 2), tokens[j + 1].isSymbol(",") else { break }
            j += 2
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

    public init(seedRows: Int = 0, checkIdempotency: Bool = true, exclude: Set<String> = []) {
        self.seedRows = seedRows
        self.checkIdempotency = checkIdempotency
        self.exclude = exclude
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
            let existing = try introspect(db, exclude: options.exclude)
            guard existing.tables.isEmpty else {
                throw DiagnosticError(Diagnostic(
                    "the scratch database \(scratchURL) already has tables (\(existing.tables.map(\.name).joined(separator: ", ")))",
                    object: "--db", fix: "empty the server's template database, or pass --in-place to verify on top of what a database holds"))
            }
            return verifier.run(migrations, on: db, database: scratchURL.description, scratch: !url.isInMemory, progress: progress)
        }
    } catch let error as DatabaseError where error.sql?.hasPrefix("CREATE DATABASE") == true {
        throw DiagnosticError(Diagnostic("cannot create a scratch database on \(url): \(error.message)", object: "--db",
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
            try MGenVerify.apply(statements, transactional: transactional, on: db)
        } catch {
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
            throw VerifyFailure(kind: phase == .rerun ? .notIdempotent : .statementFailed, phase: phase, id: m.id, name: m.name,
                                message: message, details: details)
        }
        let elapsed = milliseconds(since: start)
        let after = try snapshot(phase: phase, migration: m)
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

    func snapshot(phase: VerifyPhase, migration m: VerifyMigration?) throws -> SchemaSnapshot {
        try guarded(phase, m) { try snapshots.snapshot(db, exclude: options.exclude) }
    }

    /// Database errors outside the migration's own statements: reported as such.
    func guarded<T>(_ phase: VerifyPhase, _ m: VerifyMigration?, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            let what = m.map { " after the \(phase.rawValue) of \($0.id) \($0.name)" } ?? ""
            throw VerifyFailure(kind: .databaseError, phase: phase, id: m?.id ?? "", name: m?.name ?? "",
                                message: "reading the database\(what) failed: \(error)", details: [])
        }
    }
}

func milliseconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000
}
