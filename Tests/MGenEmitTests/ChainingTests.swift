import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import Testing

/// Emitting into folders that already hold migrations: numbering, reuse, refusal, checks.
@Suite struct ChainingTests {
    func spec(_ id: String, _ name: String, created: String? = nil, table: String, extra: String = "") throws -> Migration {
        let text = """
        mgen: 1
        id: "\(id)"
        name: \(name)
        \(created.map { "created: \($0)" } ?? "")
        operations:
          - create_table:
              table: \(table)
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
        \(extra)
        """
        return try SpecLoader.load(text: text, file: "Specs/\(id)_\(name).yaml")
    }

    func emit(_ specs: [Migration], _ target: String, _ folder: String, dialect: Dialect = .postgresql,
              timestamp: String? = nil, force: Bool = false, templates: String? = nil) throws -> EmitPlan {
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: dialect, output: folder, timestamp: timestamp, templates: templates))
        try EmitEngine.write(plan, force: force)
        return plan
    }

    @Test func secondEmitChainsOntoTheFirst() throws {
        let folder = try temporaryFolder("chain")
        let first = try spec("0001", "create_a", table: "a")
        _ = try emit([first], "sql", folder)
        let second = try spec("0002", "create_b", table: "b")
        let plan = try emit([first, second], "sql", folder)
        #expect(plan.entries.map(\.status) == [.unchanged, .new])
        #expect(plan.entries.map(\.version) == ["0001", "0002"])
        #expect(Set(filesUnder(folder).keys) == ["0001_create_a.up.sql", "0001_create_a.down.sql",
                                                  "0002_create_b.up.sql", "0002_create_b.down.sql"])
    }

    @Test func sequenceContinuesAfterHandWrittenMigrations() throws {
        let folder = try temporaryFolder("seq")
        try "SELECT 1;".write(toFile: "\(folder)/000007_legacy.up.sql", atomically: true, encoding: .utf8)
        let plan = try emit([try spec("0001", "create_a", table: "a")], "golang-migrate", folder)
        #expect(plan.entries.first?.version == "000008")
    }

    @Test func timestampsComeFromTheSpecOrTheOptionAndNeverGoBack() throws {
        let folder = try temporaryFolder("ts")
        let a = try spec("0001", "create_a", created: "2025-03-01T10:00:00Z", table: "a")
        #expect(try emit([a], "goose", folder).entries.first?.version == "20250301100000")
        // A spec created earlier than the folder's head still goes after it.
        let b = try spec("0002", "create_b", created: "2024-01-01T00:00:00Z", table: "b")
        #expect(try emit([a, b], "goose", folder).entries.map(\.version) == ["20250301100000", "20250301100001"])
        let other = try temporaryFolder("ts2")
        let plan = try emit([a, b], "prisma", other, timestamp: "20260102030405")
        #expect(plan.entries.map(\.version) == ["20260102030405", "20260102030406"])
    }

    @Test func sameInputGivesSameBytes() throws {
        let specs = [try spec("0001", "create_a", created: "2025-03-01T10:00:00Z", table: "a")]
        let one = try temporaryFolder("det1"), two = try temporaryFolder("det2")
        _ = try emit(specs, "goose", one)
        _ = try emit(specs, "goose", two)
        #expect(filesUnder(one) == filesUnder(two))
        #expect(!filesUnder(one).isEmpty)
    }

    @Test func editedFileIsReportedAndNotOverwrittenWithoutForce() throws {
        let folder = try temporaryFolder("edit")
        let specs = [try spec("0001", "create_a", table: "a")]
        _ = try emit(specs, "sql", folder)
        let path = "\(folder)/0001_create_a.up.sql"
        try (try String(contentsOfFile: path, encoding: .utf8) + "-- hand edit\n").write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: PlainSQLEmitter(),
                                       options: EmitOptions(dialect: .postgresql, output: folder))
        #expect(EmitEngine.check(plan).map(\.message) == ["0001_create_a.up.sql was edited by hand (or written by another mgen)"])
        #expect(throws: DiagnosticError.self) { try EmitEngine.write(plan, force: false) }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("-- hand edit\n"))
        try EmitEngine.write(plan, force: true)
        #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("hand edit"))
    }

    @Test func changedSpecIsOutOfDate() throws {
        let folder = try temporaryFolder("stale")
        _ = try emit([try spec("0001", "create_a", table: "a")], "goose", folder, timestamp: "20250101000000")
        let changed = try spec("0001", "create_a", table: "a_renamed")
        let plan = try EmitEngine.plan(try MigrationChain.build([changed]), emitter: GooseEmitter(),
                                       options: EmitOptions(dialect: .postgresql, output: folder))
        let messages = EmitEngine.check(plan).map(\.message)
        #expect(messages == ["20250101000000_create_a.sql is out of date: Specs/0001_create_a.yaml changed since it was emitted"])
    }

    @Test func checkReportsMissingFiles() throws {
        let folder = try temporaryFolder("missing")
        let plan = try EmitEngine.plan(try MigrationChain.build([try spec("0001", "create_a", table: "a")]), emitter: PrismaEmitter(),
                                       options: EmitOptions(dialect: .postgresql, output: folder))
        #expect(EmitEngine.check(plan).map(\.message) == ["no migration in \(folder) for spec 0001", "migration_lock.toml is missing"])
    }

    @Test func prismaRefusesAFolderOfAnotherProvider() throws {
        let folder = try temporaryFolder("lock")
        _ = try emit([try spec("0001", "create_a", table: "a")], "prisma", folder)
        #expect(filesUnder(folder)["migration_lock.toml"]?.contains("provider = \"postgresql\"") == true)
        #expect(throws: DiagnosticError.self) { _ = try emit([try spec("0001", "create_a", table: "a")], "prisma", folder, dialect: .mysql) }
    }

    @Test func concurrentIndexMustBeAloneForFileAtOnceRunners() throws {
        let index = """
          - create_index: {table: a, columns: [id], name: a_id_idx, concurrently: true}
        """
        let specs = [try spec("0001", "create_a", table: "a", extra: index)]
        for target in ["golang-migrate", "prisma"] {
            let error = try #require(throws: DiagnosticError.self) { _ = try emit(specs, target, try temporaryFolder("alone")) }
            #expect(error.diagnostics.first?.fix == "move the concurrent index (or the batched backfill) into a spec of its own")
        }
        // goose runs statement by statement under NO TRANSACTION: fine.
        let folder = try temporaryFolder("goose-ok")
        _ = try emit(specs, "goose", folder)
        #expect(filesUnder(folder).values.first?.contains("-- +goose NO TRANSACTION") == true)
    }

    @Test func userTemplatesOverrideBuiltInOnes() throws {
        let templates = try temporaryFolder("tpl")
        try FileManager.default.createDirectory(atPath: "\(templates)/goose", withIntermediateDirectories: true)
        try "-- our house style\n{{{header}}}\n-- +goose Up\n{{{up}}}\n-- +goose Down\n{{{down}}}\n"
            .write(toFile: "\(templates)/goose/goose.sql.mustache", atomically: true, encoding: .utf8)
        let folder = try temporaryFolder("tplout")
        _ = try emit([try spec("0001", "create_a", table: "a")], "goose", folder, templates: templates)
        #expect(filesUnder(folder).values.first?.hasPrefix("-- our house style\n-- Generated by mgen") == true)
    }

    @Test func unknownTargetSuggestsTheClosest() throws {
        let error = try #require(throws: DiagnosticError.self) { _ = try EmitterRegistry.require("gose") }
        #expect(error.diagnostics.first?.message == "unknown target 'gose' (did you mean 'goose'?)")
    }

    @Test func gooseFilesParseAsGooseDoes() throws {
        let text = """
        -- a comment before the annotations
        -- +goose NO TRANSACTION
        -- +goose Up
        CREATE TABLE a (id int);
        -- +goose StatementBegin
        DO $$ BEGIN PERFORM 1; END $$;
        -- +goose StatementEnd
        -- +goose Down
        DROP TABLE a;
        """
        let parsed = try GooseEmitter.parse(text, file: "x.sql")
        #expect(parsed.up == ["CREATE TABLE a (id int);", "DO $$ BEGIN PERFORM 1; END $$;"])
        #expect(parsed.down == ["DROP TABLE a;"])
        #expect(parsed.transactional == false)
        #expect(throws: DiagnosticError.self) { _ = try GooseEmitter.parse("CREATE TABLE a (id int);", file: "y.sql") }
    }
}

/// `--no-idempotent` reaches every target, raw SQL fallbacks included.
@Suite struct RenderOptionsReachEveryTarget {
    @Test(arguments: EmitterRegistry.all.map(\.name))
    func noIdempotentLeavesOutIfExists(target: String) throws {
        let folder = try temporaryFolder("noidem-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = EmitOptions(dialect: .postgresql, output: folder, render: RenderOptions(idempotent: false),
                                  targetOptions: ["app": "blog"])
        try EmitEngine.write(EmitEngine.plan(try exampleChain(), emitter: EmitterRegistry.require(target), options: options), force: false)
        let files = filesUnder(folder)
        #expect(!files.isEmpty)
        for (path, text) in files {
            #expect(!text.contains("IF NOT EXISTS") && !text.contains("IF EXISTS"), "\(target): \(path) has IF [NOT] EXISTS")
        }
    }
}

/// Where a framework keeps its migrations when `--out` is not given.
@Suite struct DefaultOutputs {
    @Test func alembicReadsScriptLocationFromAlembicIni() throws {
        let folder = try temporaryFolder("ini")
        try "[alembic]\nscript_location = %(here)s/db\n\n[loggers]\nscript_location = elsewhere\n"
            .write(toFile: "\(folder)/alembic.ini", atomically: true, encoding: .utf8)
        #expect(AlembicEmitter().defaultOutput(options: ["ini": "\(folder)/alembic.ini"]) == "\(folder)/db/versions")
        try "[alembic]\nscript_location = migrations\n".write(toFile: "\(folder)/alembic.ini", atomically: true, encoding: .utf8)
        #expect(AlembicEmitter().defaultOutput(options: ["ini": "\(folder)/alembic.ini"]) == "\(folder)/migrations/versions")
        #expect(AlembicEmitter().defaultOutput(options: ["ini": "\(folder)/missing.ini"]) == nil)
    }

    @Test func djangoWritesIntoTheAppsMigrationsFolder() {
        #expect(DjangoEmitter().defaultOutput(options: ["app": "blog"]) == "blog/migrations")
        #expect(DjangoEmitter().defaultOutput(options: [:]) == nil)
    }

    /// Each framework's usual folder, so that `mgen init` and a bare `emit` write where it looks.
    @Test func everyOtherTargetHasItsFrameworksFolder() throws {
        let expected = ["goose": "db/migrations", "activerecord": "db/migrate", "prisma": "prisma/migrations",
                        "typeorm": "src/migrations", "knex": "migrations", "sequelize": "migrations",
                        "golang-migrate": "migrations", "peewee": "migrations", "sql": "migrations"]
        for (name, folder) in expected {
            #expect(try EmitterRegistry.require(name).defaultOutput(options: [:]) == folder, "\(name)")
        }
    }
}

/// What an interrupted or tampered-with folder looks like to `emit` and `--check`: a migration
/// deleted from the middle, half of a pair, a removed header, temporary files of a killed emit,
/// file names no file system takes.
@Suite struct DamagedFolderTests {
    func specs(_ count: Int, created: Bool = true) throws -> [Migration] {
        try (1...count).map { n in
            let id = String(format: "%04d", n)
            return try SpecLoader.load(text: """
            mgen: 1
            id: "\(id)"
            name: create_t\(n)
            \(created ? "created: 2025-03-01T10:00:\(String(format: "%02d", n))Z" : "")
            operations:
              - create_table:
                  table: t\(n)
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
            """, file: "Specs/\(id)_create_t\(n).yaml")
        }
    }

    func plan(_ specs: [Migration], _ target: String, _ folder: String, options: [String: String] = ["app": "blog"]) throws -> EmitPlan {
        try EmitEngine.plan(try MigrationChain.build(specs), emitter: EmitterRegistry.require(target),
                            options: EmitOptions(dialect: .postgresql, output: folder, targetOptions: options))
    }

    /// Emits, damages the folder, and returns the folder as it was before the damage.
    func emitted(_ specs: [Migration], _ target: String) throws -> (folder: String, files: [String: String]) {
        let folder = try temporaryFolder("damaged-\(target)")
        try EmitEngine.write(try plan(specs, target, folder), force: false)
        return (folder, filesUnder(folder))
    }

    @Test(arguments: ["sql", "golang-migrate", "goose", "prisma", "typeorm", "knex", "sequelize", "activerecord", "peewee"])
    func aMigrationDeletedFromTheMiddleComesBackWhereItWas(target: String) throws {
        let chain = try specs(3)
        let (folder, original) = try emitted(chain, target)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in try plan(chain, target, folder).entries[1].files { try FileManager.default.removeItem(atPath: "\(folder)/\(file.path)") }
        let damaged = try plan(chain, target, folder)
        let problems = EmitEngine.check(damaged)
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("lies between migrations that are there") == true, "\(problems)")
        try EmitEngine.write(damaged, force: false)
        #expect(filesUnder(folder) == original, "written again under its own version, the others untouched")
        #expect(EmitEngine.check(try plan(chain, target, folder)).isEmpty)
    }

    /// Alembic and Django chain files by name (down_revision, dependencies): the next file names
    /// the deleted one, and reading the folder stops there, as the frameworks do.
    @Test(arguments: ["alembic", "django"])
    func aMigrationDeletedFromTheMiddleOfAGraphIsRefused(target: String) throws {
        let chain = try specs(3)
        let (folder, original) = try emitted(chain, target)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for file in try plan(chain, target, folder).entries[1].files { try FileManager.default.removeItem(atPath: "\(folder)/\(file.path)") }
        #expect(throws: DiagnosticError.self) { _ = try plan(chain, target, folder) }
        #expect(filesUnder(folder).count == original.count - 1)
    }

    @Test func aDeletedMiddleWhoseVersionCannotBeKnownIsRefused() throws {
        // Timestamps from the clock, not from `created`: the deleted one's cannot be found again.
        let chain = try specs(3, created: false)
        let folder = try temporaryFolder("damaged-clock")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(try plan(chain, "goose", folder), force: false)
        let middle = try #require(try plan(chain, "goose", folder).entries[1].files.first)
        try FileManager.default.removeItem(atPath: "\(folder)/\(middle.path)")
        let error = try #require(throws: DiagnosticError.self) { _ = try plan(chain, "goose", folder) }
        #expect(error.diagnostics.first?.fix?.contains("restore the file from version control") == true)
        #expect(filesUnder(folder).count == 2)
    }

    @Test(arguments: ["golang-migrate", "sql", "prisma"])
    func halfAPairIsCompletedWithoutForce(target: String) throws {
        let chain = try specs(2)
        let (folder, original) = try emitted(chain, target)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let down = try #require(original.keys.filter { $0.hasSuffix("down.sql") }.sorted().last)
        try FileManager.default.removeItem(atPath: "\(folder)/\(down)")
        let damaged = try plan(chain, target, folder)
        #expect(EmitEngine.check(damaged).map(\.message) == ["\(down) is missing (an emit was interrupted, or the file was deleted)"])
        try EmitEngine.write(damaged, force: false)
        #expect(filesUnder(folder) == original)
    }

    @Test(arguments: ["sql", "goose", "knex", "django", "alembic"])
    func aFileWhoseHeaderWasRemovedIsNotWrittenTwice(target: String) throws {
        let chain = try specs(2)
        let (folder, original) = try emitted(chain, target)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try #require(original.keys.sorted().first { !$0.hasSuffix(".toml") && !$0.contains("down") })
        let text = try #require(original[path])
        let stripped = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("mgen") }.joined(separator: "\n")
        try stripped.write(toFile: "\(folder)/\(path)", atomically: true, encoding: .utf8)
        let damaged = try plan(chain, target, folder)
        let problems = EmitEngine.check(damaged)
        #expect(problems.count == 1)
        // A pair keeps its marker in the other file; a single file is recognised by its name.
        #expect(problems.first.map { $0.message.hasPrefix("\(path) has no mgen header (it was edited by hand), though it is the migration of spec 000")
            || $0.message == "\(path) was edited by hand (or written by another mgen)" } == true, "\(problems)")
        #expect(throws: DiagnosticError.self) { try EmitEngine.write(damaged, force: false) }
        #expect(filesUnder(folder).count == original.count, "no second migration for the same spec")
        try EmitEngine.write(damaged, force: true)
        #expect(filesUnder(folder) == original)
    }

    @Test func temporaryFilesOfAKilledEmitAreReportedThenRemoved() throws {
        let chain = try specs(1)
        let (folder, original) = try emitted(chain, "prisma")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let folderName = try #require(original.keys.first { $0.hasSuffix("/migration.sql") }?.split(separator: "/").first)
        // 99999999 is above every pid_max: no such process. Our own pid is alive: another emit's file, kept.
        let stale = [".0002_x.up.sql.mgen-99999999.tmp", "\(folderName)/.down.sql.mgen-99999999.tmp"]
        let live = ".0003_x.up.sql.mgen-\(getpid()).tmp"
        for name in stale + [live] { try "partial".write(toFile: "\(folder)/\(name)", atomically: false, encoding: .utf8) }
        let damaged = try plan(chain, "prisma", folder)
        #expect(damaged.staleFiles == stale.sorted())
        #expect(EmitEngine.check(damaged).map(\.message) == stale.sorted().map { "\($0) was left by an emit that was killed" })
        try EmitEngine.write(damaged, force: false)
        #expect(Set(filesUnder(folder).keys) == Set(original.keys).union([live]))
        #expect(EmitEngine.check(try plan(chain, "prisma", folder)).isEmpty)
    }

    @Test func fileNamesAreCheckedBeforeAnyFileIsWritten() throws {
        var chain = try specs(2)
        chain[1].name = String(repeating: "n", count: 300)
        let folder = try temporaryFolder("long-name")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = try #require(throws: DiagnosticError.self) { try EmitEngine.write(try plan(chain, "sql", folder), force: false) }
        #expect(error.diagnostics.first?.message.contains("bytes long; file systems allow 255") == true)
        #expect(error.diagnostics.first?.fix == "shorten the spec's `name` (it makes the file name)")
        #expect(filesUnder(folder).isEmpty, "nothing written")
    }
}
