import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The plain `sql` target's transactional files run with the database's own client, which sends a
/// file statement by statement in autocommit: each is wrapped in `BEGIN;` … `COMMIT;` (PostgreSQL,
/// SQLite), so its `SET LOCAL` timeouts are in effect, a failure half-way leaves nothing behind and
/// a deferred foreign key is checked at the end of the migration, not after each statement.
@Suite(.serialized) struct PlainSQLTransactionTests {
    static let specs = [
        """
        mgen: 1
        id: "0001"
        name: create_parents_children
        operations:
          - create_table:
              table: parents
              columns:
                - {name: id, type: bigint}
              primary_key: [id]
          - create_table:
              table: children
              columns:
                - {name: id, type: bigint}
                - {name: parent_id, type: bigint}
              primary_key: [id]
          - add_foreign_key: {table: children, columns: [parent_id], references: parents.id, deferrable: true, initially_deferred: true}
        """,
        // A child before its parent (fine under the deferred key, checked at COMMIT), then a new
        // column on the parents (PostgreSQL alters no table with pending checks of its own).
        """
        mgen: 1
        id: "0002"
        name: seed_family
        operations:
          - sql: {up: "INSERT INTO children (id, parent_id) VALUES (1, 10)", down: "DELETE FROM children WHERE id = 1"}
          - sql: {up: "INSERT INTO parents (id) VALUES (10)", down: "DELETE FROM parents WHERE id = 10"}
          - add_column: {table: parents, column: {name: nick, type: text}}
        """,
        // Fails at its last statement, after a table and a column were made.
        """
        mgen: 1
        id: "0003"
        name: half_way
        operations:
          - create_table:
              table: pets
              columns:
                - {name: id, type: bigint}
              primary_key: [id]
          - add_column: {table: parents, column: {name: age, type: integer}}
          - sql: {up: "INSERT INTO parents (id) VALUES (10)", down: "SELECT 1"}
        """,
    ]

    static func emit(_ dialect: Dialect, render: RenderOptions = RenderOptions()) throws -> (folder: String, ups: [String]) {
        let chain = try MigrationChain.build(try specs.enumerated().map { try SpecLoader.load(text: $1, file: "Specs/000\($0 + 1).yaml") })
        let folder = try temporaryFolder("plain-sql-transaction")
        try EmitEngine.write(EmitEngine.plan(chain, emitter: EmitterRegistry.require("sql"),
                                             options: EmitOptions(dialect: dialect, output: folder, render: render)), force: false)
        let ups = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".up.sql") }.sorted()
        return (folder, ups.map { "\(folder)/\($0)" })
    }

    static func psql(_ url: DatabaseURL, _ file: String) throws -> ToolRun {
        try runTool("/usr/bin/psql", [url.unredacted, "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-f", file])
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func psqlRunsEachFileAsOneTransaction() throws {
        let (folder, ups) = try Self.emit(.postgresql)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #require(ups.count == 3)
        try withScratchDatabase(try DBEnv.url(DBEnv.pgKey)) { db, url in
            for file in ups[0...1] {
                let run = try Self.psql(url, file)
                #expect(run.status == 0, "\(file):\n\(run.output)")
                #expect(!run.output.contains("SET LOCAL can only be used"), "the timeouts are set inside the file's transaction:\n\(run.output)")
                #expect(!run.output.contains("WARNING"), "\(run.output)")
            }
            #expect(try db.query("SELECT count(*) AS n FROM children").column("n") == ["1"], "the deferred key is checked at COMMIT")
            let failed = try Self.psql(url, ups[2])
            #expect(failed.status != 0 && failed.output.contains("duplicate key"), "\(failed.output)")
            let left = try introspect(db)
            #expect(!left.tables.map(\.name).contains("pets"), "a failure half-way leaves nothing of the migration")
            #expect(left.tables.first { $0.name == "parents" }?.columns.map(\.name) == ["id", "nick"])
        }
    }

    /// The file's `SET LOCAL lock_timeout` is in effect: behind a long reader, the ALTER gives up
    /// after it. The server ends the reader after 20 s, so a file without a working timeout waits
    /// for it (and succeeds late) rather than hang the test.
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func psqlFileGivesUpOnItsLockTimeout() throws {
        let (folder, ups) = try Self.emit(.postgresql, render: RenderOptions(timeouts: SessionTimeouts(lock: "1s", statement: "10min")))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try withScratchDatabase(try DBEnv.url(DBEnv.pgKey)) { _, url in
            #expect(try Self.psql(url, ups[0]).status == 0)
            let reader = try open(url)
            defer { reader.close() }
            try reader.execute("SET idle_in_transaction_session_timeout = '20s'")
            try reader.execute("BEGIN")
            _ = try reader.query("SELECT count(*) FROM parents")
            let start = Date()
            let blocked = try Self.psql(url, ups[1])
            let waited = Date().timeIntervalSince(start)
            #expect(blocked.status != 0 && blocked.output.contains("lock timeout"), "\(blocked.output)")
            #expect(waited < 15, "it gave up after about lock_timeout (\(waited)s), not when the reader ended")
            try reader.execute("ROLLBACK")
        }
    }

    /// `sqlite3 -bail DB < FILE`: the failing migration leaves nothing behind (sqlite3 without
    /// `-bail` goes on after an error, and would commit the rest).
    @Test func sqlite3RunsEachFileAsOneTransaction() throws {
        let (folder, ups) = try Self.emit(.sqlite)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = "\(folder)/db.sqlite"
        func sqlite3(_ file: String) throws -> ToolRun {
            try runTool("/bin/sh", ["-c", "exec /usr/bin/sqlite3 -bail \"$0\" < \"$1\"", database, file])
        }
        for file in ups[0...1] {
            let run = try sqlite3(file)
            #expect(run.status == 0, "\(file):\n\(run.output)")
        }
        #expect(try sqlite3(ups[2]).status != 0)
        let db = try open(DatabaseURL("sqlite:\(database)"))
        defer { db.close() }
        let left = try introspect(db)
        #expect(!left.tables.map(\.name).contains("pets"), "a failure half-way leaves nothing of the migration")
        #expect(left.tables.first { $0.name == "parents" }?.columns.map(\.name) == ["id", "nick"])
        #expect(try db.query("SELECT count(*) AS n FROM children").column("n") == ["1"])
    }
}
