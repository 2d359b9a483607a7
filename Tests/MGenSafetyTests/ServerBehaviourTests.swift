import Dispatch
import Foundation
import MGenSafety
import MGenSpec
import MGenSQL
import MGenVerify
import Testing

/// Real servers (`source /work/dbs.env`): skipped without them unless MGEN_REQUIRE_DBS=1.
enum Servers {
    static let environment = ProcessInfo.processInfo.environment
    static func enabled(_ key: String) -> Bool { environment[key] != nil || environment["MGEN_REQUIRE_DBS"] == "1" }
    static func url(_ key: String) throws -> DatabaseURL {
        guard let text = environment[key], !text.isEmpty else { throw DiagnosticError(Diagnostic("\(key) is not set", object: key)) }
        return try DatabaseURL(text)
    }
}

/// The SQL mgen renders for the spec after the seed (the statements the rules talk about).
func renderedUp(_ operations: String, _ dialect: Dialect, extra: String = "", server: DatabaseTarget? = nil) throws -> [SQLStatement] {
    let built = try chain([seed, spec("0002", operations, extra: extra)])
    // The statements as the dialect spells them, its limits aside: the tests measure what the
    // server does with changes emit refuses too (a MySQL NOT NULL column without a default).
    let rendered = try SQLRenderer(dialect: dialect, options: RenderOptions(idempotent: false, server: server)).render(built.migrations) { $0 }
    return rendered[1].up
}

/// The rule's finding on the spec after the seed.
func finding(_ rule: String, _ operations: String, on server: String) throws -> Finding {
    try #require(try lint(operations, on: server).first { $0.rule == rule })
}

/// Lets a connection be used from the one other thread a test starts (never at the same time).
final class Shared<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// What the rules claim about PostgreSQL, measured: the lock a statement holds (pg_locks, read from
/// a second connection while the statement's transaction is open) and whether the table was
/// rewritten (pg_class.relfilenode before and after).
@Suite(.serialized, .enabled(if: Servers.enabled("MGEN_TEST_PG_URL")))
struct PostgreSQLBehaviourTests {
    /// Seeds `users` (20,000 rows) and `teams` in a scratch database, then runs `body` with two
    /// connections: the migration's and an observer's.
    func withSeededTable(_ body: (Database, Database) throws -> Void) throws {
        try withScratchDatabase(try Servers.url("MGEN_TEST_PG_URL")) { db, url in
            let built = try chain([seed])
            for statement in try SQLRenderer(dialect: .postgresql).render(built)[0].up { try db.execute(statement.sql) }
            try db.execute("INSERT INTO teams DEFAULT VALUES")
            try db.execute("""
            INSERT INTO users (email, code, n, amount, born)
            SELECT 'u' || i || '@example.com', 'c' || i, i, i / 100.0, now() FROM generate_series(1, 20000) i
            """)
            let observer = try open(url)
            defer { observer.close() }
            try body(db, observer)
        }
    }

    /// The strongest lock `pid` holds on each table (by pg_locks), while its transaction is open.
    func locks(_ observer: Database, pid: String) throws -> [String: PGLock] {
        let rows = try observer.query("""
        SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE l.pid = \(pid) AND l.granted AND c.relname IN ('users', 'teams')
        """)
        var strongest: [String: PGLock] = [:]
        for row in rows {
            guard let table = row["relname"] ?? nil, let mode = row["mode"] ?? nil,
                  let lock = PGLock.allCases.first(where: { $0.pgLocksName == mode }) else { continue }
            strongest[table] = max(strongest[table] ?? lock, lock)
        }
        return strongest
    }

    /// Runs statements inside one open transaction, reads the locks held, then rolls back.
    /// Runs `statements` on a connection of its own while `observer` holds a writing transaction
    /// on `users` open, so a concurrent build waits in its second phase. Reports the lock the
    /// builder holds on `users` while it waits and whether a third session's `insert` had to wait
    /// (2 s lock timeout), then lets the writer commit and the build finish.
    func buildBehindAnOpenWriter(_ db: Database, _ observer: Database, _ statements: [String], insert: String)
        throws -> (held: PGLock?, writerWaited: Bool, failure: String?) {
        let url = try Servers.url("MGEN_TEST_PG_URL")
        let scratchName = try #require(try db.scalar("SELECT current_database()"))
        let builder = Shared(try open(url.withDatabase(scratchName)))
        defer { builder.value.close() }
        let builderPid = try #require(try builder.value.scalar("SELECT pg_backend_pid()"))
        try observer.execute("BEGIN")
        try observer.execute("INSERT INTO users (email) VALUES ('open@example.com')")
        let done = DispatchSemaphore(value: 0)
        let failure = Shared<String?>(nil)
        Thread.detachNewThread {
            do { for statement in statements { try builder.value.execute(statement) } } catch { failure.value = "\(error)" }
            done.signal()
        }
        let watcher = try open(url.withDatabase(scratchName))
        defer { watcher.close() }
        var seen: PGLock?
        for _ in 0..<100 where seen == nil {
            seen = try locks(watcher, pid: builderPid)["users"]
            if seen == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        try watcher.execute("SET lock_timeout = '2s'")
        var writerWaited = false
        do { try watcher.execute(insert) } catch { writerWaited = true }
        try observer.execute("COMMIT")
        done.wait()
        return (seen, writerWaited, failure.value)
    }

    func locksHeld(_ db: Database, _ observer: Database, _ statements: [String]) throws -> [String: PGLock] {
        let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
        try db.execute("BEGIN")
        defer { try? db.execute("ROLLBACK") }
        for statement in statements { try db.execute(statement) }
        return try locks(observer, pid: pid)
    }

    func relfilenode(_ db: Database, _ table: String = "users") throws -> String? {
        try db.scalar("SELECT relfilenode::text FROM pg_class WHERE relname = '\(table)'")
    }

    /// Sequential scans of `users` by the current transaction (pg_stat_xact: no stats flush needed).
    func scans(_ db: Database) throws -> Int {
        Int(try db.scalar("SELECT seq_scan::text FROM pg_stat_xact_user_tables WHERE relname = 'users'") ?? "0") ?? 0
    }

    @Test func setNotNullScansUnderAccessExclusive() throws {
        let unsafe = "  - alter_column: {table: users, column: email, nullable: false}"
        let claim = try finding("pg-set-not-null", unsafe, on: "postgresql@15")
        #expect(claim.lock.hasPrefix(PGLock.accessExclusive.description))
        try withSeededTable { db, observer in
            // The statement the rule is about (emit no longer writes it for an existing table: it
            // writes the safe form, SafeOutputBehaviourTests.notNullGoesThroughAValidatedCheckInTransactionsOfItsOwn).
            let sql = ["ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL"]
            let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
            try db.execute("BEGIN")
            let before = try scans(db)
            for statement in sql { try db.execute(statement) }
            #expect(try scans(db) == before + 1, "SET NOT NULL scans the table")
            #expect(try locks(observer, pid: pid)["users"] == .accessExclusive)
            try db.execute("ROLLBACK")

            // The safe form: CHECK NOT VALID (no scan), VALIDATE in its own transaction (SHARE UPDATE
            // EXCLUSIVE: reads and writes go on), then SET NOT NULL without a scan.
            try db.execute("ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID")
            let validate = try locksHeld(db, observer, ["ALTER TABLE users VALIDATE CONSTRAINT users_email_nn"])
            #expect(validate["users"] == .shareUpdateExclusive)
            try db.execute("ALTER TABLE users VALIDATE CONSTRAINT users_email_nn")
            try db.execute("BEGIN")
            let start = try scans(db)
            for statement in sql { try db.execute(statement) }
            #expect(try scans(db) == start, "a validated CHECK spares SET NOT NULL its scan (PostgreSQL 12+)")
            try db.execute("COMMIT")
        }
        // And the linter agrees once the CHECK is validated.
        let safeForm = """
          - add_check: {table: users, name: users_email_nn, expression: email IS NOT NULL, not_valid: true}
          - validate_constraint: {table: users, name: users_email_nn}
          - alter_column: {table: users, column: email, nullable: false}
        """
        #expect(!(try lint(safeForm, on: "postgresql@15")).contains { $0.rule == "pg-set-not-null" })
    }

    @Test func indexBuildBlocksWritesUnlessConcurrent() throws {
        let unsafe = "  - create_index: {name: idx_users_email, table: users, columns: [email]}"
        let claim = try finding("pg-create-index-not-concurrent", unsafe, on: "postgresql@15")
        #expect(claim.lock.hasPrefix("SHARE ") && claim.blocks.hasPrefix("writes"))
        try withSeededTable { db, observer in
            let held = try locksHeld(db, observer, try renderedUp(unsafe, .postgresql).map(\.sql))
            #expect(held["users"] == .share)
            #expect(PGLock.share.conflicts(with: .rowExclusive) && !PGLock.share.conflicts(with: .accessShare))

            // CONCURRENTLY: while the build waits for an open writing transaction, the lock it holds
            // is SHARE UPDATE EXCLUSIVE and a third session can still insert.
            let safeSQL = try renderedUp("  - create_index: {name: idx_users_email, table: users, columns: [email], concurrently: true}",
                                         .postgresql).map(\.sql)
            let build = try buildBehindAnOpenWriter(db, observer, safeSQL, insert: "INSERT INTO users (email) VALUES ('during-build@example.com')")
            #expect(build.held == .shareUpdateExclusive && !build.writerWaited)
            #expect(build.failure == nil)
            #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass") == "true")
        }
    }

    @Test func foreignKeyLocksBothTablesUnlessNotValid() throws {
        let add = ""
        let unsafe = add + "  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}"
        let claim = try finding("pg-foreign-key-not-valid", unsafe, on: "postgresql@15")
        #expect(claim.lock.hasPrefix(PGLock.shareRowExclusive.description))
        try withSeededTable { db, observer in
            let fk = try renderedUp(unsafe, .postgresql).map(\.sql).filter { $0.contains("FOREIGN KEY") }
            #expect(fk.count == 1)
            let held = try locksHeld(db, observer, fk)
            #expect(held["teams"] == .shareRowExclusive, "the referenced table's writes stop too")
            #expect(held["users"] == .shareRowExclusive)

            // NOT VALID, then VALIDATE in its own transaction: SHARE UPDATE EXCLUSIVE on the table,
            // ROW SHARE on the referenced one: reads and writes of both go on.
            let safeSQL = try renderedUp(add + "  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}, not_valid: true}",
                                         .postgresql).map(\.sql).filter { $0.contains("FOREIGN KEY") }
            #expect(safeSQL.first?.hasSuffix("NOT VALID") == true)
            for statement in safeSQL { try db.execute(statement) }
            let validate = try locksHeld(db, observer, ["ALTER TABLE users VALIDATE CONSTRAINT users_team_fk"])
            #expect(validate["users"] == .shareUpdateExclusive)
            #expect(validate["teams"] == .rowShare)
        }
    }

    /// Every PostgreSQL finding names a lock and what it blocks; for each unsafe case, the lock the
    /// rendered SQL holds on the table inside an open transaction is exactly that one, and a second
    /// session's SELECT and INSERT are blocked exactly as the finding says.
    @Test func claimedLocksAreTheLocksHeld() throws {
        let cases: [(rule: String, table: String, operations: String)] = [
            ("pg-check-not-valid", "users", "  - add_check: {table: users, name: n_positive, expression: n > 0}"),
            // (emit writes a spec's add_unique the safe way now, uniqueThroughAConcurrentBuildLetsWritersThrough)
            ("pg-unique-constraint-under-lock", "users", "  - add_column: {table: users, column: {name: handle, type: string(40), unique: true}}"),
            ("pg-drop-index-not-concurrent", "users", "  - drop_index: {name: idx_users_n}"),
            ("pg-type-change-rewrite", "users", "  - alter_column: {table: users, column: n, type: bigint}"),
            ("pg-add-column-volatile-default", "users", "  - add_column: {table: users, column: {name: token, type: uuid, default: {sql: gen_random_uuid()}}}"),
            ("pg-add-identity-column", "teams", "  - add_column: {table: teams, column: {name: seq, type: bigint, identity: true}}"),
            ("pg-enum-check-revalidated", "users", "  - alter_column: {table: users, column: status, type: \"enum(active,suspended,banned)\"}"),
            ("pg-create-index-not-concurrent", "users", "  - create_index: {name: idx_users_code, table: users, columns: [code]}"),
            ("rename-column", "users", "  - rename_column: {table: users, column: code, to: code2}"),
            ("drop-column", "users", "  - drop_column: {table: users, column: code}"),
            ("backfill-in-transaction", "users", "  - backfill: {table: users, set: {n: \"n + 1\"}}"),
        ]
        try withSeededTable { db, observer in
            for c in cases {
                let claim = try finding(c.rule, c.operations, on: "postgresql@15")
                // The longest lock name the claim starts with ("SHARE ROW EXCLUSIVE", not "SHARE").
                let claimed = PGLock.allCases.filter { claim.lock.hasPrefix($0.description) }.max { $0.description.count < $1.description.count }
                let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
                try db.execute("BEGIN")
                for statement in try renderedUp(c.operations, .postgresql) { try db.execute(statement.sql) }
                let held = try locks(observer, pid: pid)
                #expect(claimed != nil && held[c.table] == claimed, "\(c.rule): claims \(claim.lock), holds \(held[c.table].map(\.description) ?? "nothing")")
                // What it blocks, tried from the second session with a short lock_timeout.
                try observer.execute("SET lock_timeout = '150ms'")
                let readBlocked = (try? observer.execute("SELECT 1 FROM \(c.table) LIMIT 1")) == nil
                let insert = c.table == "users" ? "INSERT INTO users (email) VALUES ('concurrent@example.com')" : "INSERT INTO teams DEFAULT VALUES"
                let writeBlocked = (try? observer.execute(insert)) == nil
                try observer.execute("SET lock_timeout = 0")
                try db.execute("ROLLBACK")
                if let claimed {
                    #expect(readBlocked == claimed.conflicts(with: .accessShare), "\(c.rule): reads blocked \(readBlocked)")
                    #expect(writeBlocked == claimed.conflicts(with: .rowExclusive), "\(c.rule): writes blocked \(writeBlocked)")
                    #expect(claim.blocks == claimed.blocks)
                }
            }
        }
    }

    /// The type-change knowledge, measured: for each change, the linter's "rewrites" must match
    /// whether the table's relfilenode changed on the real server.
    @Test func typeChangeRewritesAsPredicted() throws {
        let changes: [(column: String, from: ColumnType, to: String)] = [
            ("n", .integer, "bigint"),
            ("email", .string(length: 50), "string(100)"),
            ("code", .string(length: 200), "text"),
            ("amount", .decimal(precision: 10, scale: 2), "decimal(12,2)"),
            ("amount", .decimal(precision: 10, scale: 2), "decimal(10,3)"),
            ("email", .string(length: 50), "string(20)"),
        ]
        let pg = try target("postgresql@15")
        try withSeededTable { db, _ in
            for change in changes {
                let operations = "  - alter_column: {table: users, column: \(change.column), type: \"\(change.to)\"}"
                let to = try #require(ColumnType.parse(change.to))
                let predicted = Knowledge.pgTypeChange(from: change.from, to: to, target: pg).rewrites
                let fired = try lint(operations, on: "postgresql@15").contains { $0.rule == "pg-type-change-rewrite" }
                #expect(fired == predicted)
                let before = try relfilenode(db)
                try db.execute("BEGIN")
                var failed = false
                for statement in try renderedUp(operations, .postgresql) {
                    do { try db.execute(statement.sql) } catch { failed = true }
                }
                let after = try relfilenode(db)
                try db.execute("ROLLBACK")
                if failed { continue } // narrowing that rows do not fit: reported by type-narrowing
                #expect((before != after) == predicted, "\(change.from) → \(change.to): relfilenode \(before ?? "?") → \(after ?? "?")")
            }
        }
    }

    /// Adding a column: a constant default keeps the table (PostgreSQL 11+), a volatile one rewrites it.
    @Test func volatileDefaultRewrites() throws {
        try withSeededTable { db, _ in
            for (operations, rewrites) in [
                ("  - add_column: {table: users, column: {name: flag, type: boolean, nullable: false, default: false}}", false),
                ("  - add_column: {table: users, column: {name: at, type: timestamptz, default: {sql: now()}}}", false),
                ("  - add_column: {table: users, column: {name: token, type: uuid, default: {sql: gen_random_uuid()}}}", true),
            ] {
                let fired = try lint(operations, on: "postgresql@15").contains { $0.rule == "pg-add-column-volatile-default" }
                #expect(fired == rewrites)
                let before = try relfilenode(db)
                try db.execute("BEGIN")
                for statement in try renderedUp(operations, .postgresql) { try db.execute(statement.sql) }
                let after = try relfilenode(db)
                try db.execute("ROLLBACK")
                #expect((before != after) == rewrites, "\(operations)")
            }
        }
    }
}

/// What the rules claim about MariaDB, measured: for each change, the ALGORITHM and LOCK the linter
/// predicts are accepted by the server, and anything cheaper is refused (the server reports
/// "ALGORITHM=… is not supported" instead of falling back).
@Suite(.serialized, .enabled(if: Servers.enabled("MGEN_TEST_MYSQL_URL")))
struct MariaDBBehaviourTests {
    static let cases: [(String, MySQLPlan.Algorithm)] = [
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", .instant),
        ("  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false}}", .instant),
        ("  - add_column: {table: users, column: {name: seq, type: bigint, unique: true}}", .inplace),
        ("  - create_index: {name: idx_users_email, table: users, columns: [email]}", .inplace),
        ("  - alter_column: {table: users, column: n, type: bigint}", .copy),
        ("  - alter_column: {table: users, column: email, type: string(60)}", .instant),
        ("  - alter_column: {table: users, column: email, type: string(100)}", .copy),
        ("  - alter_column: {table: users, column: status, type: \"enum(active,suspended,banned)\"}", .instant),
        ("  - alter_column: {table: users, column: email, nullable: false}", .inplace),
        ("  - alter_column: {table: users, column: name, nullable: true}", .inplace),
        ("  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}", .copy),
        ("  - add_check: {table: users, name: n_positive, expression: n > 0}", .copy),
        ("  - drop_column: {table: users, column: code}", .instant),
        ("  - rename_column: {table: users, column: code, to: code2}", .instant),
    ]

    /// The statement with an algorithm clause: `ALTER TABLE …, ALGORITHM=…` or `CREATE INDEX … ALGORITHM=…`.
    func with(_ clause: String, _ sql: String) -> String {
        // mgen's own INSTANT promise (safe output) is replaced by the clause under test.
        let sql = sql.hasSuffix(",\n    \(OnlineClause.instant.rawValue)") ? String(sql.dropLast(OnlineClause.instant.rawValue.count + 6))
            : sql.hasSuffix(", \(OnlineClause.instant.rawValue)") ? String(sql.dropLast(OnlineClause.instant.rawValue.count + 2)) : sql
        return sql.hasPrefix("ALTER TABLE") ? "\(sql), \(clause)" : "\(sql) \(clause.replacingOccurrences(of: ",", with: ""))"
    }

    func reseed(_ db: Database) throws {
        try db.execute("SET foreign_key_checks = 1")
        try db.execute("DROP TABLE IF EXISTS users")
        try db.execute("DROP TABLE IF EXISTS teams")
        for statement in try SQLRenderer(dialect: .mysql).render(try chain([seed]))[0].up { try db.execute(statement.sql) }
        try db.execute("INSERT INTO teams () VALUES ()")
        try db.execute("""
        INSERT INTO users (email, code, n, amount, born)
        SELECT CONCAT('u', seq, '@example.com'), CONCAT('c', seq), 1, seq / 100, NOW() FROM seq_1_to_2000
        """)
    }

    @Test func algorithmsAsPredicted() throws {
        let mariadb = try target("mariadb@10.11")
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            for (operations, expected) in Self.cases {
                let built = try chain([seed, spec("0002", operations)])
                let step = try #require(built.migrations[1].up.first)
                let plan = try #require(Knowledge.mysqlPlan(step.operation, before: step.before, target: mariadb))
                #expect(plan.algorithm == expected, "\(operations): predicted \(plan)")
                let statements = try renderedUp(operations, .mysql).map(\.sql)
                let main = try #require(statements.last)
                // Cheaper than predicted: refused.
                var cheaper: [String] = []
                switch plan.algorithm {
                case .instant: break
                case .inplace: cheaper = ["ALGORITHM=INSTANT"]
                case .copy: cheaper = ["ALGORITHM=INPLACE", "ALGORITHM=COPY, LOCK=NONE"]
                }
                for clause in cheaper {
                    try reseed(db)
                    for statement in statements.dropLast() { try db.execute(statement) }
                    #expect(throws: DatabaseError.self, "\(operations) with \(clause) should be refused") { try db.execute(with(clause, main)) }
                }
                // As predicted: accepted.
                try reseed(db)
                for statement in statements.dropLast() { try db.execute(statement) }
                #expect(throws: Never.self, "\(operations) with \(plan.clause)") { try db.execute(with(plan.clause, main)) }
            }
        }
    }

    /// mysql-copy-algorithm's safe rewrite for a foreign key: with foreign_key_checks=0 the same
    /// ADD FOREIGN KEY is accepted in place without blocking writes.
    @Test func foreignKeyInPlaceWithoutChecks() throws {
        let operations = "  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}"
        let claim = try #require(try lint(operations, on: "mariadb@10.11").first { $0.rule == "mysql-copy-algorithm" })
        #expect(claim.fix.contains("SET foreign_key_checks = 0") && claim.fix.contains("ALGORITHM=INPLACE, LOCK=NONE"))
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            try reseed(db)
            let main = try #require(try renderedUp(operations, .mysql).last?.sql)
            #expect(throws: DatabaseError.self) { try db.execute(with("ALGORITHM=INPLACE, LOCK=NONE", main)) }
            try db.execute("SET foreign_key_checks = 0")
            defer { try? db.execute("SET foreign_key_checks = 1") }
            #expect(throws: Never.self) { try db.execute(with("ALGORITHM=INPLACE, LOCK=NONE", main)) }
        }
    }

    /// mysql-implicit-default's claim: the NOT NULL column without default is accepted and every
    /// existing row silently gets ''.
    @Test func notNullWithoutDefaultFillsEmptyStrings() throws {
        let operations = "  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false}}"
        #expect(try lint(operations, on: "mariadb@10.11").contains { $0.rule == "mysql-implicit-default" })
        // emit, sql and verify refuse it for mysql (DialectRules), naming the fix.
        #expect(throws: DiagnosticError.self) {
            try SQLRenderer(dialect: .mysql).render(try chain([seed, spec("0002", operations)]))
        }
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            try reseed(db)
            for statement in try renderedUp(operations, .mysql) { try db.execute(statement.sql) }
            #expect(try db.scalar("SELECT COUNT(*) FROM users WHERE nick = ''") == "2000")
        }
    }
}
