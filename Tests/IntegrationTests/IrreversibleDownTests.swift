import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The SQL-file targets give an irreversible migration a down that fails, naming the spec and
/// why, on every dialect: goose runs an empty Down as a successful rollback, golang-migrate skips
/// a missing down file, and a client runs an empty file happily. Read back from disk, that down
/// is "no down", so `verify --dir` stops the walk there as it does for specs.
enum IrreversibleDownCases {
    static func refuses(_ target: String, at url: DatabaseURL) throws {
        let chain = try MigrationChain.build(SpecLoader.load(paths: [VerifyCases.fixtures.appendingPathComponent("irreversible").path]))
        let emitter = try EmitterRegistry.require(target)
        let folder = try temporaryFolder("irreversible-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter,
                                             options: EmitOptions(dialect: url.dialect, output: folder, versioning: emitter.defaultVersioning)), force: false)
        let disk = try emitter.scan(folder)
        #expect(disk.map { $0.down == nil } == [false, true, false], "\(target) on \(url.dialect)")

        // Run as the runner would, the down of 0002 fails with the reason.
        let text = try #require(filesUnder(folder).filter { $0.key.contains("purge_events") && !$0.key.hasSuffix(".up.sql") && !$0.key.hasSuffix("migration.sql") }.first?.value)
        let down = target == "goose" ? try GooseEmitter.parse(text, file: "goose").down : SQLFiles.statements(of: text)
        #expect(down.count == 1)
        try withScratchDatabase(url) { db, _ in
            do {
                for statement in down { try db.execute(statement) }
                Issue.record("the down of an irreversible migration ran on \(url.dialect) (\(target))")
            } catch {
                #expect("\(error)".contains("0002 purge_events is irreversible: deleted rows cannot be brought back"), "\(error)")
            }
        }

        // verify on the folder stops the down walk at 0002.
        let report = try verify(disk.map(VerifyMigration.init), at: url)
        #expect(report.ok, "\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.irreversible?.id == disk[1].version)
    }
}

@Suite struct IrreversibleDownSQLiteTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"]) func refuses(_ target: String) throws {
        try IrreversibleDownCases.refuses(target, at: DatabaseURL("sqlite::memory:"))
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct IrreversibleDownPostgresTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"]) func refuses(_ target: String) throws {
        try IrreversibleDownCases.refuses(target, at: DBEnv.url(DBEnv.pgKey))
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct IrreversibleDownMySQLTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"]) func refuses(_ target: String) throws {
        try IrreversibleDownCases.refuses(target, at: DBEnv.url(DBEnv.mysqlKey))
    }
}
