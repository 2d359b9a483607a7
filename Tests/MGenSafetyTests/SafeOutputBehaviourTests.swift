import Foundation
import MGenSafety
import MGenSpec
import MGenSQL
import MGenVerify
import Testing

/// Safe output, measured on PostgreSQL: the timeouts mgen opens a transactional migration with
/// make a DDL statement that waits behind a long transaction give up, instead of queueing every
/// later query on the table behind it.
extension PostgreSQLBehaviourTests {
    @Test func emittedLockTimeoutGivesUpBehindALongTransaction() throws {
        let operations = "  - add_column: {table: users, column: {name: nick, type: text}}"
        let built = try chain([seed, spec("0002", operations)])
        let options = RenderOptions(idempotent: false, timeouts: SessionTimeouts(lock: "1s", statement: "10min"))
        let rendered = try SQLRenderer(dialect: .postgresql, options: options).render(built)[1]
        let timeouts = rendered.timeoutStatements(options, dialect: .postgresql, up: true)
        #expect(timeouts.map(\.sql) == ["SET LOCAL lock_timeout = '1s'", "SET LOCAL statement_timeout = '10min'"])
        try withSeededTable { db, observer in
            // A long read transaction holds ACCESS SHARE on users.
            try observer.execute("BEGIN")
            try observer.execute("SELECT count(*) FROM users")
            defer { try? observer.execute("ROLLBACK") }
            try db.execute("BEGIN")
            for statement in timeouts { try db.execute(statement.sql) }
            let start = Date()
            var failure = ""
            do { for statement in rendered.up { try db.execute(statement.sql) } } catch { failure = "\(error)" }
            let waited = Date().timeIntervalSince(start)
            try? db.execute("ROLLBACK")
            #expect(failure.contains("lock timeout"), "the ALTER gives up: \(failure)")
            #expect(waited >= 0.9 && waited < 5, "it waited about lock_timeout (\(waited)s), not until the reader committed")
            // SET LOCAL ended with the transaction: nothing leaks into the runner's session.
            #expect(try db.scalar("SHOW lock_timeout") == "0")
        }
    }

    /// A concurrent unique build that fails on duplicates leaves an INVALID index. mgen's statement
    /// has no IF NOT EXISTS, so running it again fails loudly; the IF NOT EXISTS form "succeeds" and
    /// leaves the table without a working unique index.
    @Test func failedConcurrentBuildIsNotSkippedOnReRun() throws {
        let sql = try renderedUp("  - create_index: {name: idx_users_email, table: users, columns: [email], unique: true, concurrently: true}",
                                 .postgresql).map(\.sql)
        #expect(sql == ["CREATE UNIQUE INDEX CONCURRENTLY \"idx_users_email\" ON \"users\" (\"email\")"])
        try withSeededTable { db, _ in
            try db.execute("INSERT INTO users (email, code, n) VALUES ('u1@example.com', 'dup', 1)")
            #expect(throws: (any Error).self, "duplicates: the build fails") { try db.execute(sql[0]) }
            #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass") == "false",
                    "the failed build left an INVALID index")
            #expect(throws: (any Error).self, "mgen's statement fails again instead of skipping the INVALID index") { try db.execute(sql[0]) }
            // What mgen wrote before: IF NOT EXISTS turns the re-run into a silent success.
            try db.execute("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"idx_users_email\" ON \"users\" (\"email\")")
            #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass") == "false")
        }
    }
}

/// Safe output on MySQL/MariaDB: the ALTER TABLEs both servers make as metadata changes carry
/// `ALGORITHM=INSTANT`, so a server that would have to copy the table refuses instead.
@Suite struct MySQLAlgorithmOutputTests {
    @Test(arguments: [
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", true),
        ("  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false, default: x}}", true),
        ("  - add_column: {table: users, column: {name: doc, type: json}}", true),
        ("  - alter_column: {table: users, column: n, default: 3}", true),
        ("  - alter_column: {table: users, column: name, default: null}", true),
        // INPLACE with a rebuild, COPY, or rows to fill: no promise.
        ("  - add_column: {table: users, column: {name: seq, type: bigint, unique: true}}", false),
        ("  - add_column: {table: users, column: {name: t2, type: bigint, references: {table: teams, column: id}}}", false),
        ("  - add_column: {table: users, column: {name: at, type: timestamp, default: {sql: CURRENT_TIMESTAMP}}}", false),
        ("  - alter_column: {table: users, column: n, type: bigint}", false),
        ("  - create_table: {table: t, columns: [{name: id, type: integer, primary_key: true}]}", false),
    ])
    func instantWhereBothServersAllowIt(operations: String, instant: Bool) throws {
        let sql = try renderedUp(operations, .mysql).map(\.sql).joined(separator: ";\n")
        #expect(sql.contains("ALGORITHM=INSTANT") == instant, "\(operations):\n\(sql)")
        #expect(!sql.contains("ALGORITHM=INSTANT, LOCK"), "MySQL refuses a LOCK clause beside INSTANT")
        let postgres = try renderedUp(operations, .postgresql).map(\.sql).joined()
        #expect(!postgres.contains("ALGORITHM"))
    }
}

extension MariaDBBehaviourTests {
    /// The emitted ADD COLUMN runs instantly on a seeded table; the same statement on a table whose
    /// FULLTEXT index mgen does not know of (made by a raw `sql` step) is refused by the server
    /// (1845/1846) and the table keeps its columns, where without the clause MariaDB would copy it.
    @Test func emittedInstantSucceedsOrIsRefused() throws {
        let emitted = try #require(try renderedUp("  - add_column: {table: users, column: {name: nick, type: string(20)}}", .mysql).last?.sql)
        #expect(emitted.hasSuffix(MySQLDialect.instant))
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            func columns() throws -> String? {
                try db.scalar("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'users'")
            }
            try reseed(db)
            let before = try columns()
            try db.execute(emitted)
            #expect(try db.scalar("SELECT COUNT(*) FROM users WHERE nick IS NULL") == "2000")
            #expect(try columns() != before)
            try reseed(db)
            try db.execute("CREATE FULLTEXT INDEX ft_users_code ON users (code)")
            let kept = try columns()
            var failure = ""
            do { try db.execute(emitted) } catch { failure = "\(error)" }
            #expect(failure.contains("ALGORITHM=INSTANT is not supported"), "refused, not copied: \(failure)")
            #expect(try columns() == kept)
            try db.execute("DROP INDEX ft_users_code ON users")
        }
    }
}
