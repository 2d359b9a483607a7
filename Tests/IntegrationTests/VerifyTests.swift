import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen verify` on each dialect: the example chain passes (also with seeded rows), broken chains
/// in Fixtures/verify fail at the right migration with the exact diff, goose files on disk are
/// proven as goose applies them.
enum VerifyCases {
    static let fixtures = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/verify")

    static func fixture(_ name: String, _ dialect: Dialect) throws -> [VerifyMigration] {
        let chain = try MigrationChain.build(SpecLoader.load(paths: [fixtures.appendingPathComponent(name).path]))
        return try VerifyMigration.render(chain, dialect: dialect)
    }

    static func examplesPass(_ url: DatabaseURL, seedRows: Int = 0) throws {
        let migrations = try VerifyMigration.render(exampleChain(), dialect: url.dialect)
        var printed: [VerifyStep] = []
        let report = try verify(migrations, at: url, options: VerifyOptions(seedRows: seedRows, checkSnapshots: true)) { printed.append($0) }
        #expect(report.failure == nil, "\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.ok)
        #expect(report.warnings.allSatisfy { !$0.hasPrefix("cannot seed") }, "\(report.warnings)")
        #expect(printed == report.steps)
        let ids = migrations.map(\.id)
        #expect(report.steps.filter { $0.phase == .up }.map(\.id) == ids)
        #expect(report.steps.filter { $0.phase == .down }.map(\.id) == ids.reversed())
        #expect(report.steps.filter { $0.phase == .upAgain }.map(\.id) == ids)
        // MySQL has no CREATE INDEX IF NOT EXISTS, so 0006 does not claim idempotency there.
        #expect(report.idempotent.contains("0006 up") || url.dialect == .mysql)
        if seedRows > 0 {
            #expect(report.steps.filter { $0.phase != .rerun }.allSatisfy { $0.rowsChecked != nil })
            #expect(report.steps.last?.rowsChecked ?? 0 > 0)
        }
        // The down of 0009 re-adds users.name last: a warning, not a failure.
        #expect(report.warnings.contains { $0.contains("after the down of 0009 drop_users_name: table users: column order") })
        #expect(try JSONDecoder().decode(VerifyReport.self, from: Data(report.jsonString().utf8)) == report)
    }

    /// Each broken fixture fails at its 0002's down with exactly these printed lines.
    static func brokenChainsFail(_ url: DatabaseURL) throws {
        let btree = url.dialect == .sqlite ? "" : " using btree"
        let varchar = url.dialect == .postgresql ? "character varying" : "varchar"
        let header = "(- missing after the down, + left behind, ~ changed):"
        let cases: [(String, String, [String])] = [
            ("forgotten-index", "0002 index_accounts", [
                "+ index accounts_created_at_idx on accounts (created_at)\(btree)",
            ]),
            ("wrong-column", "0002 add_people_nickname", [
                "- table people: column name",
                "+ table people: column nickname \(varchar)(50) null",
            ]),
            ("rename-without-down", "0002 rename_items_title", [
                "- table items: column title",
                "+ table items: column name \(varchar)(80) not null",
            ]),
        ]
        for (name, migration, diff) in cases {
            let report = try verify(fixture(name, url.dialect), at: url, options: VerifyOptions(seedRows: 3, checkSnapshots: true))
            let failure = try #require(report.failure, "\(name) on \(url.dialect) must fail")
            #expect(!report.ok)
            #expect(failure.kind == .downDoesNotRestore)
            #expect(failure.phase == .down)
            #expect(failure.id == "0002")
            #expect(failure.lines == ["FAILED: the down of \(migration) does not restore the schema from before its up \(header)"]
                + diff.map { "  " + $0 }, "\(name) on \(url.dialect)")
            #expect(failure.details == diff)
            #expect(report.closingLines.last?.hasPrefix("verify: FAILED after") == true)
            // The walk stopped at the first bad down: 0001 was never rolled back.
            #expect(report.steps.filter { $0.phase == .down }.map(\.id) == ["0002"])
        }
    }

    static func irreversibleStopsTheWalk(_ url: DatabaseURL) throws {
        let report = try verify(fixture("irreversible", url.dialect), at: url, options: VerifyOptions(seedRows: 2))
        #expect(report.ok, "\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.irreversible == IrreversibleStop(id: "0002", name: "purge_events", reason: "deleted rows cannot be brought back"))
        #expect(report.steps.filter { $0.phase == .down }.map(\.id) == ["0003"])
        #expect(report.steps.filter { $0.phase == .upAgain }.map(\.id) == ["0003"])
        #expect(report.closingLines.contains(
            "note: 0002 purge_events is irreversible (deleted rows cannot be brought back): the down walk stops there; the migrations before it were not rolled back"))
    }

    /// An up that creates an index and then drops its column is not idempotent by construction:
    /// no re-run, no false failure.
    static func indexThenDropColumn(_ url: DatabaseURL) throws {
        let report = try verify(fixture("index-then-drop-column", url.dialect), at: url, options: VerifyOptions(checkSnapshots: true))
        #expect(report.ok, "\(url.dialect): \(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(!report.idempotent.contains("0002 up"))
    }

    /// Rows seeded for an earlier schema that a later CHECK, a validated foreign key or a down
    /// that narrows a type back rejects: the step runs on empty tables, with a warning naming it.
    static func seedingBeforeLaterConstraints(_ url: DatabaseURL) throws {
        let report = try verify(fixture("seed-later-constraints", url.dialect), at: url, options: VerifyOptions(seedRows: 3, checkSnapshots: true))
        #expect(report.ok, "\(url.dialect): \(report.failure?.lines.joined(separator: "\n") ?? "")")
        let unseeded = report.warnings.filter { $0.hasPrefix("cannot seed before the ") }
        #expect(unseeded.contains { $0.hasPrefix("cannot seed before the up of 0002 check_score: the generated rows break it") }, "\(report.warnings)")
        switch url.dialect {
        case .postgresql:
            #expect(unseeded.contains { $0.hasPrefix("cannot seed before the up of 0004 validate_fk") }, "\(report.warnings)")
            // PostgreSQL's USING description::varchar(5) truncates: the narrowing down goes through.
        case .mysql:
            #expect(unseeded.contains { $0.hasPrefix("cannot seed before the up of 0003 fk_not_valid") }, "\(report.warnings)")
            #expect(unseeded.contains { $0.hasPrefix("cannot seed before the down of 0005 widen_description") }, "\(report.warnings)")
        case .sqlite:
            break  // no length limits, foreign keys off during verify
        }
        #expect(Set(unseeded).count == unseeded.count, "one warning per step: \(unseeded)")
        // Every step but those ran with rows checked.
        #expect(report.steps.filter { $0.phase == .up && $0.id == "0001" }.allSatisfy { $0.rowsChecked != nil })
    }

    /// A step that is not allowed to lose rows (here: files from disk, which carry no operations) does.
    static func lostRowsAreCaught(_ url: DatabaseURL) throws {
        let migrations = [
            VerifyMigration(id: "1", name: "create_t", up: ["CREATE TABLE t (id integer NOT NULL PRIMARY KEY, v varchar(20))"], down: ["DROP TABLE t"]),
            VerifyMigration(id: "2", name: "add_w", up: ["ALTER TABLE t ADD COLUMN w integer", "DELETE FROM t WHERE id > 1"],
                            down: ["ALTER TABLE t DROP COLUMN w"]),
        ]
        let report = try verify(migrations, at: url, options: VerifyOptions(seedRows: 3))
        let failure = try #require(report.failure)
        #expect(failure.kind == .rowsLost)
        #expect(failure.lines == [
            "FAILED: the up of 2 add_w lost rows it should keep:",
            "  table t: 3 rows -> 1",
            "  column t.id: 3 non-null values -> 1",
            "  column t.v: 3 non-null values -> 1",
        ])
        // Without seeded rows the same chain passes: only the schema is compared.
        #expect(try verify(migrations, at: url).ok)
    }

    /// goose files written by EmitEngine, read back with the emitter's scan, verified as goose runs them.
    static func gooseFolder(_ url: DatabaseURL) throws {
        let chain = try exampleChain()
        let emitter = try EmitterRegistry.require("goose")
        let folder = try temporaryFolder("verify-goose")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter,
                                             options: EmitOptions(dialect: url.dialect, output: folder, versioning: .sequence)), force: false)
        let disk = try emitter.scan(folder)
        #expect(disk.count == chain.migrations.count)
        let migrations = disk.map(VerifyMigration.init)
        let report = try verify(migrations, at: url, options: VerifyOptions(seedRows: 2))
        #expect(report.ok, "\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.steps.filter { $0.phase == .up }.map(\.id).first == "00001")
        #expect(report.steps.filter { $0.phase == .upAgain }.count == disk.count)

        // A hand edit that breaks a down is caught as goose would run it.
        let edited = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasPrefix("00005_") })
        let path = "\(folder)/\(edited)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let downStart = try #require(text.range(of: "-- +goose Down"))
        try (String(text[..<downStart.upperBound]) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try emitter.scan(folder).map(VerifyMigration.init)
        let failure = try #require(try verify(broken, at: url).failure)
        #expect(failure.kind == .downDoesNotRestore)
        #expect(failure.id == "00005")
        let using = url.dialect == .sqlite ? "" : " using btree"
        #expect(failure.details == ["+ unique index idx_users_email on users (email)\(using)"])
    }
}

@Suite struct VerifySQLiteTests {
    let url: DatabaseURL
    init() throws { url = try DatabaseURL("sqlite::memory:") }

    @Test func examplesPass() throws { try VerifyCases.examplesPass(url) }
    @Test func examplesKeepSeededRows() throws { try VerifyCases.examplesPass(url, seedRows: 5) }
    @Test func brokenChainsFail() throws { try VerifyCases.brokenChainsFail(url) }
    @Test func irreversibleStopsTheWalk() throws { try VerifyCases.irreversibleStopsTheWalk(url) }
    @Test func lostRowsAreCaught() throws { try VerifyCases.lostRowsAreCaught(url) }
    @Test func gooseFolder() throws { try VerifyCases.gooseFolder(url) }
    @Test func indexThenDropColumn() throws { try VerifyCases.indexThenDropColumn(url) }
    @Test func seedingBeforeLaterConstraints() throws { try VerifyCases.seedingBeforeLaterConstraints(url) }

    @Test func inPlaceStartsFromExistingTables() throws {
        let path = try temporaryFolder("verify-inplace") + "/app.db"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let existing = try open(DatabaseURL("sqlite:" + path))
        try existing.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)")
        existing.close()
        let migrations = [VerifyMigration(id: "1", name: "t", up: ["CREATE TABLE t (id INTEGER)"], down: ["DROP TABLE t"])]
        let report = try verify(migrations, at: DatabaseURL("sqlite:" + path), inPlace: true)
        #expect(report.ok && !report.scratch)
        let after = try open(DatabaseURL("sqlite:" + path))
        defer { after.close() }
        #expect(try introspect(after).tables.map(\.name) == ["legacy", "t"])
    }

    @Test func idempotencyRule() {
        #expect(VerifyMigration.isIdempotentByConstruction(["CREATE TABLE IF NOT EXISTS t (id int)", "drop index if exists i"]))
        #expect(VerifyMigration.isIdempotentByConstruction(["ALTER TABLE t ADD COLUMN IF NOT EXISTS c int"]))
        #expect(!VerifyMigration.isIdempotentByConstruction([]))
        #expect(!VerifyMigration.isIdempotentByConstruction(["CREATE TABLE IF NOT EXISTS t (id int)", "COMMENT ON TABLE t IS 'x'"]))
        // Words in strings and comments do not count.
        #expect(!VerifyMigration.isIdempotentByConstruction(["UPDATE t SET note = 'if not exists'"]))
        #expect(!VerifyMigration.isIdempotentByConstruction(["-- IF EXISTS\nDROP TABLE t"]))
        // An unguarded ALTER TABLE of a table the same up drops later cannot run twice
        // (generated class verify-rerun-after-drop-table); guarded, or of another table, it can.
        #expect(!VerifyMigration.isIdempotentByConstruction([#"ALTER TABLE "Account" DROP COLUMN IF EXISTS "created_at""#, #"DROP TABLE IF EXISTS "Account""#]))
        #expect(!VerifyMigration.isIdempotentByConstruction(["ALTER TABLE ONLY a DROP COLUMN IF EXISTS c", "DROP TABLE IF EXISTS b, A"]))
        #expect(VerifyMigration.isIdempotentByConstruction(["ALTER TABLE IF EXISTS a DROP COLUMN IF EXISTS c", "DROP TABLE IF EXISTS a"]))
        #expect(VerifyMigration.isIdempotentByConstruction(["ALTER TABLE a DROP COLUMN IF EXISTS c", "DROP TABLE IF EXISTS b"]))
    }

    @Test func idempotentRerun() throws {
        let t = VerifyMigration(id: "1", name: "t", up: ["CREATE TABLE IF NOT EXISTS t (id INTEGER)"], down: ["DROP TABLE IF EXISTS t"])
        let good = [t, VerifyMigration(id: "2", name: "copy", up: ["CREATE TABLE IF NOT EXISTS u AS SELECT id, 1 AS n FROM t", "DROP TABLE IF EXISTS t"],
                                       down: ["CREATE TABLE IF NOT EXISTS t (id INTEGER)", "DROP TABLE IF EXISTS u"])]
        let report = try verify(good, at: url)
        #expect(report.ok, "\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.idempotent == ["1 up", "2 up"])

        // Every statement is guarded, yet the second run drops the copy and then fails.
        let bad = [t, VerifyMigration(id: "2", name: "archive", up: ["DROP TABLE IF EXISTS t_old", "CREATE TABLE IF NOT EXISTS t_old AS SELECT * FROM t",
                                                                     "DROP TABLE IF EXISTS t"], down: [])]
        let failure = try #require(try verify(bad, at: url).failure)
        #expect(failure.kind == .notIdempotent)
        #expect(failure.phase == .rerun)
        #expect(failure.message == "running the up of 2 archive a second time failed, though every statement has IF [NOT] EXISTS: no such table: t")
        #expect(failure.details == ["while running:", "  CREATE TABLE IF NOT EXISTS t_old AS SELECT * FROM t"])
    }

    @Test func rowExpectationsFollowRenames() {
        let rows = RowExpectations(events: [.renameTable("a", to: "b"), .renameColumn(table: "b", "x", to: "y"),
                                            .forgetColumn(table: "b", "z"), .dropTable("c")])
        #expect(rows.table("a") == "b")
        #expect(rows.table("c") == nil)
        #expect(rows.column("a", "x").map { [$0.table, $0.column] } == ["b", "y"])
        #expect(rows.column("a", "z") == nil)
        #expect(rows.column("d", "q").map { [$0.table, $0.column] } == ["d", "q"])
    }

    @Test func sqliteFileURLGetsAScratchFile() throws {
        let path = try temporaryFolder("verify-refuse") + "/x.db"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        // A SQLite file URL gets a fresh scratch file, so the named file's tables do not matter.
        let db = try open(DatabaseURL("sqlite:" + path))
        try db.execute("CREATE TABLE keep (id INTEGER)")
        db.close()
        let report = try verify([VerifyMigration(id: "1", name: "t", up: ["CREATE TABLE t (id INTEGER)"], down: ["DROP TABLE t"])],
                                at: DatabaseURL("sqlite:" + path))
        #expect(report.ok && report.scratch)
        let check = try open(DatabaseURL("sqlite:" + path))
        defer { check.close() }
        #expect(try introspect(check).tables.map(\.name) == ["keep"])
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct VerifyPostgresTests {

    /// A transactional up goes to PostgreSQL as one batch; when it fails, the report still names
    /// the statement, and nothing of the batch stayed.
    @Test func failingStatementOfABatchIsNamed() throws {
        let migrations = [VerifyMigration(id: "1", name: "t", up: ["CREATE TABLE t (id integer)", "CREATE TABLE u (id integer)",
                                                                     "ALTER TABLE t ADD COLUMN id integer -- twice"], down: ["DROP TABLE u", "DROP TABLE t"])]
        let failure = try #require(try verify(migrations, at: DBEnv.url(DBEnv.pgKey)).failure)
        #expect(failure.kind == .statementFailed)
        #expect(failure.message == "the up of 1 t failed: column \"id\" of relation \"t\" already exists")
        #expect(failure.details == ["while running:", "  ALTER TABLE t ADD COLUMN id integer -- twice"])
    }
    @Test func examplesPass() throws { try VerifyCases.examplesPass(DBEnv.url(DBEnv.pgKey)) }
    @Test func examplesKeepSeededRows() throws { try VerifyCases.examplesPass(DBEnv.url(DBEnv.pgKey), seedRows: 5) }
    @Test func brokenChainsFail() throws { try VerifyCases.brokenChainsFail(DBEnv.url(DBEnv.pgKey)) }
    @Test func irreversibleStopsTheWalk() throws { try VerifyCases.irreversibleStopsTheWalk(DBEnv.url(DBEnv.pgKey)) }
    @Test func lostRowsAreCaught() throws { try VerifyCases.lostRowsAreCaught(DBEnv.url(DBEnv.pgKey)) }
    @Test func gooseFolder() throws { try VerifyCases.gooseFolder(DBEnv.url(DBEnv.pgKey)) }
    @Test func indexThenDropColumn() throws { try VerifyCases.indexThenDropColumn(DBEnv.url(DBEnv.pgKey)) }
    @Test func seedingBeforeLaterConstraints() throws { try VerifyCases.seedingBeforeLaterConstraints(DBEnv.url(DBEnv.pgKey)) }

    @Test func scratchDatabaseIsDropped() throws {
        let url = try DBEnv.url(DBEnv.pgKey)
        let report = try verify(VerifyCases.fixture("wrong-column", .postgresql), at: url)
        #expect(!report.ok && report.scratch)
        let scratch = try #require(try DatabaseURL(report.database).database)
        let admin = try open(url)
        defer { admin.close() }
        #expect(try admin.query("SELECT datname FROM pg_database").column("datname").contains(scratch) == false)
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct VerifyMySQLTests {
    @Test func examplesPass() throws { try VerifyCases.examplesPass(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func examplesKeepSeededRows() throws { try VerifyCases.examplesPass(DBEnv.url(DBEnv.mysqlKey), seedRows: 5) }
    @Test func brokenChainsFail() throws { try VerifyCases.brokenChainsFail(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func irreversibleStopsTheWalk() throws { try VerifyCases.irreversibleStopsTheWalk(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func lostRowsAreCaught() throws { try VerifyCases.lostRowsAreCaught(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func gooseFolder() throws { try VerifyCases.gooseFolder(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func indexThenDropColumn() throws { try VerifyCases.indexThenDropColumn(DBEnv.url(DBEnv.mysqlKey)) }
    @Test func seedingBeforeLaterConstraints() throws { try VerifyCases.seedingBeforeLaterConstraints(DBEnv.url(DBEnv.mysqlKey)) }
}
