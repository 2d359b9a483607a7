import Foundation
import MGenSpec
import MGenSQL

/// peewee_migrate: `NNN_<name>.py` (exactly three digits: its Router's filemask is
/// `[\d]{3}_[^\.]+\.py$`, run in name order) with `migrate(migrator, database, *, fake=False)` and
/// `rollback(...)` queueing `migrator.*` operations, as `pw_migrate create` writes them.
///
/// peewee_migrate runs every migration inside `database.transaction()` and has no way out, so
/// `CONCURRENTLY` is emitted as a plain `CREATE INDEX` and batched backfills run inside that
/// transaction (see docs/targets/peewee.md).
public struct PeeweeEmitter: Emitter {
    public init() {}
    public let name = "peewee"
    public let aliases = ["peewee_migrate", "peewee-migrate"]
    public let dialects = Dialect.allCases
    public let layout = "NNN_<name>.py with migrate(migrator, database, *, fake=False) / rollback(...) (peewee_migrate)"
    public let proof = "real framework run (peewee_migrate Router.run / rollback)"
    public let defaultVersioning = Versioning.sequence
    public func defaultOutput(options: [String: String]) -> String? { "migrations" }  // peewee_migrate's default
    public let sequenceWidth = 3

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let fileName = "\(context.version)_\(slug(migration.planned.name)).py"
        var writer = PeeweeWriter(dialect: context.dialect, migration: migration.planned, options: context.render)
        // Split around a VALIDATE (issue 13): peewee_migrate keeps its one transaction, but the
        // migration ends it (COMMIT) where a part ends and opens the next itself (BEGIN, timeouts).
        // So does a concurrent step (no `transaction:` in the spec): the migration commits
        // peewee_migrate's transaction before it, and opens a new one after it.
        let inParts = migration.leavesRunnerTransaction(context.dialect)
        if inParts {
            writer.partOpenings = (context.render.timeouts.statements(context.dialect, transactional: true),
                                   context.render.timeouts.validateStatements(context.dialect))
        }
        var up = try writer.body(.up) ?? []
        var down: [String]
        if let lines = try writer.body(.down) {
            down = lines
        } else {
            let reason = migration.planned.migration.irreversible ?? "no down"
            down = LineComment.hash.list("Irreversible: \(reason)") + ["raise NotImplementedError(\(PeeweeWriter.py("\(migration.planned.id) is irreversible: \(reason)")))"]
        }
        // The timeouts open peewee_migrate's transaction (queued first, so they run first).
        func timeouts(up: Bool) -> [String] {
            // In parts: when the first part is peewee_migrate's transaction.
            let statements = inParts
                ? ((up ? migration.up : migration.down ?? []).first?.placement == .shared ? context.render.timeouts.statements(context.dialect, transactional: true) : [])
                : migration.wholeTransactionTimeouts(context.render, dialect: context.dialect, up: up)
            return statements.map { "migrator.sql(\(PeeweeWriter.py($0.sql)))" }
        }
        up = timeouts(up: true) + up
        if migration.planned.down != nil { down = timeouts(up: false) + down }
        var values: [String: Any] = [
            "header": header(migration, dialect: context.dialect),
            "file": fileName,
            "summary": PeeweeWriter.docstringText(migration.planned.migration.description ?? migration.planned.name),
            "migrate": indent(up.isEmpty ? ["pass"] : up),
            "rollback": indent(down.isEmpty ? ["pass"] : down),
            "id": migration.planned.id,
            "name": migration.planned.name,
            "version": context.version,
            "dialect": context.dialect.rawValue,
        ]
        if writer.usesPostgresExt { values["postgresExt"] = true }
        let helpers = writer.pinnedClasses + (writer.usesRenameHelper ? [PeeweeWriter.renameHelper] : [])
            + (writer.usesRetypeHelper ? [PeeweeWriter.retypeHelper] : [])
        if !helpers.isEmpty { values["fieldClasses"] = helpers.joined(separator: "\n\n\n") }
        return [EmittedFile(path: fileName, contents: try context.templates.render("peewee/peewee.migration.py.mustache", values))]
    }

    /// The SQL-file header as Python comments, with what a reader of a peewee migration must know.
    func header(_ rendered: RenderedMigration, dialect: Dialect) -> String {
        // peewee_migrate has no way to run outside its transaction: the header says what happens instead.
        var lines = SQLFiles.header(rendered, dialect: dialect, direction: .up, comment: "#", outsideTransaction: false)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let planned = rendered.planned
        let concurrent = planned.up.contains { $0.operation.isConcurrent } || (planned.down ?? []).contains { $0.operation.isConcurrent }
        if rendered.leavesRunnerTransaction(dialect) {
            lines.append(rendered.isSplit
                ? "# Split around its VALIDATE (or a unique constraint's CONCURRENTLY build and take-over), which must commit apart from the statements before it: peewee_migrate runs the migration in one transaction, which the migration commits where a part ends (each later part opens its own, with its timeouts)."
                : "# CONCURRENTLY cannot run in a transaction: the migration commits peewee_migrate's transaction before it and opens a new one after it (each transactional part with its timeouts).")
        } else if !planned.runsInTransaction || concurrent {
            var note = "# peewee_migrate runs every migration in one transaction (it has no opt-out)"
            if concurrent, dialect.capabilities.concurrentIndexes { note += ": CONCURRENTLY is left out, the index is built with a plain CREATE INDEX" }
            if planned.up.contains(where: { $0.operation.isData }) { note += "; the backfill runs inside it" }
            lines.append(note + ".")
        }
        return lines.joined(separator: "\n")
    }

    private func indent(_ lines: [String]) -> String {
        lines.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [DiskMigration] = []
        // The Router's own order: names sorted, only those matching its filemask.
        for name in names.sorted() where Self.matchesFilemask(name) {
            let text = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? ""
            let marker = SQLFiles.readMarker(text)
            // Python, not SQL: the statements are whatever the migrator queues when it runs.
            out.append(DiskMigration(version: String(name.prefix(3)), name: String(name.dropFirst(4).dropLast(3)), files: [name],
                                     specID: marker?.id, specSHA256: marker?.sha256, up: [], down: [],
                                     upTransactional: true, downTransactional: true))
        }
        return out
    }

    /// `[\d]{3}_[^\.]+\.py$`, matched from the start as Python's `re.match` does.
    static func matchesFilemask(_ name: String) -> Bool {
        let chars = Array(name.utf8)
        guard chars.count > 7, chars.prefix(3).allSatisfy({ $0 >= 48 && $0 <= 57 }), chars[3] == UInt8(ascii: "_"),
              name.hasSuffix(".py") else { return false }
        let middle = chars[4..<(chars.count - 3)]
        return !middle.isEmpty && !middle.contains(UInt8(ascii: "."))
    }
}
