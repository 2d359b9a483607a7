import Dispatch
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

    /// A concurrent unique build that fails on duplicates leaves an INVALID index. mgen's build has
    /// no IF NOT EXISTS (the IF NOT EXISTS form "succeeds" on the re-run and leaves the table without
    /// a working unique index), and a DO block before it drops an INVALID index of its name, so the
    /// re-run after the data is fixed builds the index instead of failing on the name.
    @Test func failedConcurrentBuildIsCleanedUpOnReRun() throws {
        let statements = try renderedUp("  - create_index: {name: idx_users_email, table: users, columns: [email], unique: true, concurrently: true}",
                                        .postgresql)
        let sql = statements.map(\.sql)
        #expect(sql.count == 2 && statements[0].isInvalidIndexCleanup && !statements[0].transactional)
        #expect(sql[1] == "CREATE UNIQUE INDEX CONCURRENTLY \"idx_users_email\" ON \"users\" (\"email\")")
        let valid = "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_users_email'::regclass"
        try withSeededTable { db, _ in
            try db.execute("INSERT INTO users (email, code, n) VALUES ('u1@example.com', 'dup', 1)")
            try db.execute(sql[0])  // nothing to clean up yet
            #expect(throws: (any Error).self, "duplicates: the build fails") { try db.execute(sql[1]) }
            #expect(try db.scalar(valid) == "false", "the failed build left an INVALID index")
            // Without the cleanup the re-run fails on the name even once the data is fixed.
            try db.execute("DELETE FROM users WHERE code = 'dup'")
            #expect(throws: (any Error).self, "the build alone fails on the INVALID index's name") { try db.execute(sql[1]) }
            // What mgen wrote before the build lost IF NOT EXISTS: a silent success, the index INVALID.
            try db.execute("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"idx_users_email\" ON \"users\" (\"email\")")
            #expect(try db.scalar(valid) == "false")
            // mgen's statements, re-run: the INVALID index is dropped and built again, valid.
            for statement in sql { try db.execute(statement) }
            #expect(try db.scalar(valid) == "true")
            // A valid index of the name is left alone: the build fails loudly on it.
            try db.execute(sql[0])
            #expect(try db.scalar(valid) == "true", "a valid index is not dropped")
            #expect(throws: (any Error).self) { try db.execute(sql[1]) }
        }
    }

    /// NOT NULL on an existing table, in an ordinary (transactional) spec: mgen emits the CHECK NOT
    /// VALID / VALIDATE / SET NOT NULL / drop CHECK form, split into explicit transactions so that the
    /// VALIDATE commits apart from the ADD (issue 13). The emitted file's statements are run as a
    /// client runs them, each transaction held open before its COMMIT to read its lock while a
    /// second session writes: the VALIDATE (the only scan) holds SHARE UPDATE EXCLUSIVE and the
    /// writer's INSERT goes through; SET NOT NULL does not scan; nothing is rewritten. In one
    /// transaction (what mgen wrote before the split) the same VALIDATE holds the ADD's ACCESS
    /// EXCLUSIVE and the writer waits.
    @Test func notNullGoesThroughAValidatedCheckInTransactionsOfItsOwn() throws {
        let operations = "  - alter_column: {table: users, column: email, nullable: false}"
        let built = try chain([seed, spec("0002", operations)])
        let options = RenderOptions()
        let rendered = try SQLRenderer(dialect: .postgresql, options: options).render(built)[1]
        #expect(rendered.up.map(\.sql) == [
            "ALTER TABLE \"users\" DROP CONSTRAINT IF EXISTS \"mgen_nn_users_email\", ADD CONSTRAINT \"mgen_nn_users_email\" CHECK (\"email\" IS NOT NULL) NOT VALID",
            "ALTER TABLE \"users\" VALIDATE CONSTRAINT \"mgen_nn_users_email\"",
            "ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL",
            "ALTER TABLE \"users\" DROP CONSTRAINT \"mgen_nn_users_email\"",
        ])
        #expect(rendered.isSplit && !rendered.upIsTransactional && rendered.downIsTransactional)
        // What the SQL-file targets write: three explicit transactions, the VALIDATE alone in the second.
        let file = rendered.runnerStatements(rendered.up, options, dialect: .postgresql, runnerTransactional: false)
        let transactions = file.map { SQLSplitter.split($0.sql) }
        #expect(transactions.map { $0.first } == ["BEGIN;", "BEGIN;", "BEGIN;"] && transactions.map { $0.last } == ["COMMIT", "COMMIT", "COMMIT"])
        #expect(transactions[1].contains("ALTER TABLE \"users\" VALIDATE CONSTRAINT \"mgen_nn_users_email\";") && transactions[1].count == 4)
        // A table created in the same spec has no rows: plain SET NOT NULL, one transaction.
        let fresh = try renderedUp("""
          - create_table: {table: fresh, columns: [{name: id, type: bigint, primary_key: true}, {name: note, type: text}]}
          - alter_column: {table: fresh, column: note, nullable: false}
        """, .postgresql)
        #expect(fresh.last?.sql == "ALTER TABLE \"fresh\"\n    ALTER COLUMN \"note\" SET NOT NULL" && !fresh.contains(where: \.ownTransaction))
        try withSeededTable { db, observer in
            let node = try relfilenode(db)
            let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
            try observer.execute("SET lock_timeout = '2s'")
            // Before the split: the four statements in one transaction, the VALIDATE under the ADD's lock.
            try db.execute("BEGIN")
            for statement in rendered.up.prefix(2) { try db.execute(statement.sql) }
            let unsplit = try #require(try locks(observer, pid: pid)["users"])
            var unsplitWriterWaited = false
            do { try observer.execute("INSERT INTO users (email, code, n) VALUES ('x@example.com', 'x', 1)") } catch { unsplitWriterWaited = true }
            try db.execute("ROLLBACK")
            #expect(unsplit == .accessExclusive && unsplitWriterWaited, "in one transaction VALIDATE runs under ACCESS EXCLUSIVE")
            var measured: [String] = []
            for (i, parts) in transactions.enumerated() {
                let scansBefore = try scans(db)
                for part in parts.dropLast() { try db.execute(part) }  // all but the COMMIT
                let held = try #require(try locks(observer, pid: pid)["users"])
                let scanned = try scans(db) - scansBefore
                var writerWaited = false
                if i == 1 {
                    do { try observer.execute("INSERT INTO users (email, code, n) VALUES ('w@example.com', 'w', 1)") }
                    catch { writerWaited = true }
                }
                try db.execute("COMMIT")
                measured.append("\(i + 1): \(held) scans=\(scanned)\(i == 1 ? " writer-blocked=\(writerWaited)" : "")")
                switch i {
                case 1:
                    #expect(held == .shareUpdateExclusive, "VALIDATE: \(held)")
                    #expect(scanned == 1 && !writerWaited, "VALIDATE scans once, the writer is not blocked")
                default:
                    #expect(held == .accessExclusive)
                    #expect(scanned == 0, "the ADD NOT VALID and SET NOT NULL (proved from the validated CHECK) do not scan")
                }
            }
            print("not null through a check, split (20,000 rows): " + measured.joined(separator: "; "))
            #expect(try relfilenode(db) == node, "no rewrite")
            #expect(try db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'") == "NO")
            #expect(try db.scalar("SELECT count(*)::text FROM pg_constraint WHERE conname = 'mgen_nn_users_email'") == "0")
            // A NULL makes VALIDATE fail (the first transaction stays committed); a re-run, the NULL
            // fixed, drops the NOT VALID CHECK left behind and succeeds.
            for statement in try #require(rendered.down) { try db.execute(statement.sql) }
            try db.execute("UPDATE users SET email = NULL WHERE n = 1")
            #expect(throws: (any Error).self) { for statement in file { try db.execute(statement.sql) } }
            try? db.execute("ROLLBACK")
            #expect(try db.scalar("SELECT convalidated::text FROM pg_constraint WHERE conname = 'mgen_nn_users_email'") == "false")
            try db.execute("UPDATE users SET email = 'u1@example.com' WHERE n = 1")
            for statement in file { try db.execute(statement.sql) }
            #expect(try db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email'") == "NO")
        }
    }

    /// add_unique on an existing table (issue 13), measured on 20,000 rows with a concurrent writer.
    /// What mgen wrote before, `ADD CONSTRAINT … UNIQUE (code)`, builds the index holding ACCESS
    /// EXCLUSIVE: a writer's INSERT waits (gives up at its 2 s lock_timeout). What it writes now: the
    /// cleanup, `CREATE UNIQUE INDEX CONCURRENTLY` outside any transaction — while the build waits
    /// behind an open writing transaction it holds SHARE UPDATE EXCLUSIVE and a third session's
    /// INSERT goes through — then `ADD CONSTRAINT … UNIQUE USING INDEX` in a transaction of its own:
    /// ACCESS EXCLUSIVE for a moment, no scan, the table not rewritten.
    @Test func uniqueThroughAConcurrentBuildLetsWritersThrough() throws {
        let operations = "  - add_unique: {table: users, columns: [code], name: users_code_key}"
        let built = try chain([seed, spec("0002", operations)])
        let options = RenderOptions()
        let rendered = try SQLRenderer(dialect: .postgresql, options: options).render(built)[1]
        #expect(rendered.up.count == 3 && rendered.up[0].isInvalidIndexCleanup && !rendered.up[0].transactional)
        #expect(rendered.up[1].sql == "CREATE UNIQUE INDEX CONCURRENTLY \"users_code_key\" ON \"users\" (\"code\")" && !rendered.up[1].transactional)
        #expect(rendered.up[2].sql == "ALTER TABLE \"users\" ADD CONSTRAINT \"users_code_key\" UNIQUE USING INDEX \"users_code_key\"")
        #expect(rendered.isSplit && !rendered.upIsTransactional && rendered.down?.map(\.sql) == ["ALTER TABLE \"users\" DROP CONSTRAINT IF EXISTS \"users_code_key\""])
        // What the SQL-file targets write: the cleanup and the build bare, the take-over in BEGIN … COMMIT with the lock timeout.
        let file = rendered.runnerStatements(rendered.up, options, dialect: .postgresql, runnerTransactional: false)
        #expect(file.count == 3 && file[1].sql == rendered.up[1].sql)
        let takeOver = SQLSplitter.split(file[2].sql)
        #expect(takeOver == ["BEGIN;", "SET LOCAL lock_timeout = '5s';", rendered.up[2].sql + ";", "COMMIT"])
        // A table created in the same spec has no rows: the plain form.
        let fresh = try renderedUp("""
          - create_table: {table: fresh, columns: [{name: id, type: bigint, primary_key: true}, {name: k, type: text}]}
          - add_unique: {table: fresh, columns: [k]}
        """, .postgresql)
        #expect(fresh.last?.sql == "ALTER TABLE \"fresh\" ADD CONSTRAINT \"fresh_k_key\" UNIQUE (\"k\")" && fresh.allSatisfy(\.transactional))
        try withSeededTable { db, observer in
            let node = try relfilenode(db)
            let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
            try observer.execute("SET lock_timeout = '2s'")
            // Before: the plain ADD CONSTRAINT in the migration's transaction.
            try db.execute("BEGIN")
            try db.execute("ALTER TABLE \"users\" ADD CONSTRAINT \"users_code_key\" UNIQUE (\"code\")")
            let plain = try #require(try locks(observer, pid: pid)["users"])
            var plainWriterWaited = false
            do { try observer.execute("INSERT INTO users (email, code, n) VALUES ('x@example.com', 'x', 1)") } catch { plainWriterWaited = true }
            try db.execute("ROLLBACK")
            #expect(plain == .accessExclusive && plainWriterWaited, "the plain form builds under ACCESS EXCLUSIVE: \(plain)")

            // Now: the build on a thread of its own, waiting behind an open writing transaction.
            let build = try buildBehindAnOpenWriter(db, observer, Array(file.prefix(2).map(\.sql)),
                                                    insert: "INSERT INTO users (email, code, n) VALUES ('during@example.com', 'during', 1)")
            let seen = build.held, writerWaited = build.writerWaited
            #expect(seen == .shareUpdateExclusive && !writerWaited, "the concurrent build: \(String(describing: seen)), writer waited: \(writerWaited)")
            #expect(build.failure == nil)
            // The take-over: the file's own transaction, held open to read its lock and scans.
            let parts = takeOver.dropLast()
            let scansBefore = try scans(db)
            for part in parts { try db.execute(part) }
            let held = try #require(try locks(observer, pid: pid)["users"])
            let scanned = try scans(db) - scansBefore
            try db.execute("COMMIT")
            #expect(held == .accessExclusive && scanned == 0, "USING INDEX: \(held), \(scanned) scans")
            print("unique through a concurrent build (20,000 rows): plain ADD CONSTRAINT \(plain) writer-blocked=\(plainWriterWaited); "
                  + "build \(String(describing: seen)) writer-blocked=\(writerWaited); take-over \(held) scans=\(scanned)")
            #expect(try relfilenode(db) == node, "no rewrite")
            #expect(try db.scalar("SELECT contype::text FROM pg_constraint WHERE conname = 'users_code_key'") == "u")
            #expect(try db.scalar("SELECT count(*)::text FROM pg_class WHERE relname = 'users_code_key' AND relkind = 'i'") == "1")
            // The down drops the constraint and its index.
            for statement in try #require(rendered.down) { try db.execute(statement.sql) }
            #expect(try db.scalar("SELECT count(*)::text FROM pg_class WHERE relname = 'users_code_key'") == "0")
        }
    }

    /// Widening an enum in a spec outside a transaction: its new CHECK is added NOT VALID and
    /// validated as a statement of its own, under SHARE UPDATE EXCLUSIVE; the table is not rewritten.
    @Test func enumWideningOutsideATransactionValidatesSeparately() throws {
        let operations = "  - alter_column: {table: users, column: status, type: \"enum(active,suspended,pending)\"}"
        let built = try chain([seed, spec("0002", operations, extra: "transaction: false\n")])
        let sql = try SQLRenderer(dialect: .postgresql, options: RenderOptions(idempotent: false)).render(built)[1].up.map(\.sql)
        #expect(sql.suffix(2) == [
            "ALTER TABLE \"users\" ADD CONSTRAINT \"users_status_check\" CHECK (\"status\" IN ('active', 'suspended', 'pending')) NOT VALID",
            "ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_status_check\"",
        ])
        try withSeededTable { db, observer in
            let node = try relfilenode(db)
            let pid = try #require(try db.scalar("SELECT pg_backend_pid()"))
            var modes: [String] = []
            for statement in sql {
                try db.execute("BEGIN")
                try db.execute(statement)
                modes.append("\(try #require(try locks(observer, pid: pid)["users"]))")
                try db.execute("COMMIT")
            }
            print("enum widening outside a transaction (20,000 rows): " + modes.joined(separator: "; "))
            #expect(modes.last == "\(PGLock.shareUpdateExclusive)", "VALIDATE: \(modes)")
            #expect(try relfilenode(db) == node, "no rewrite")
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
        #expect(emitted.hasSuffix(OnlineClause.instant.rawValue))
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
