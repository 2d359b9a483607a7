import MGenSafety
import MGenSpec
import MGenSQL
import MGenVerify
import Testing

/// `--db-version` on MySQL/MariaDB (issue 13): the ALGORITHM/LOCK clause each server version
/// takes for each ALTER (OnlineDDL.swift), and none where the version would refuse a valid one.
@Suite struct OnlineDDLClauseTests {
    static let instant = "ALGORITHM=INSTANT"
    static let inPlace = "ALGORITHM=INPLACE, LOCK=NONE"

    /// (operations, server or nil for `--dialect mysql` alone, the clause of the last statement or nil)
    static let cases: [(String, String?, String?)] = [
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", nil, instant),
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", "mysql@8.0.11", nil),
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", "mysql@8.0.12", instant),
        ("  - add_column: {table: users, column: {name: nick, type: string(20)}}", "mariadb@10.11", instant),
        ("  - drop_column: {table: users, column: code}", nil, nil),
        ("  - drop_column: {table: users, column: code}", "mysql@8.0.28", inPlace),
        ("  - drop_column: {table: users, column: code}", "mysql@8.0.29", instant),
        ("  - drop_column: {table: users, column: code}", "mariadb@10.11", instant),
        // A column in a unique index: mgen drops the index in a statement of its own first, so the
        // column goes instantly.
        ("  - add_unique: {table: users, name: users_code_key, columns: [code, email]}\n  - drop_column: {table: users, column: code}", "mariadb@10.11", instant),
        ("  - add_unique: {table: users, name: users_code_key, columns: [code, email]}\n  - drop_column: {table: users, column: code}", "mysql@8.0.35", instant),
        ("  - add_unique: {table: users, name: users_code_key, columns: [code, email]}\n  - drop_column: {table: users, column: code}", nil, nil),
        ("  - rename_column: {table: users, column: code, to: code2}", nil, nil),
        ("  - rename_column: {table: users, column: code, to: code2}", "mysql@8.0.27", inPlace),
        ("  - rename_column: {table: users, column: code, to: code2}", "mysql@8.0.28", instant),
        ("  - rename_column: {table: users, column: code, to: code2}", "mariadb@10.11", instant),
        // MySQL does not rename a foreign key's column instantly (no clause); MariaDB does.
        ("  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}\n  - rename_column: {table: users, column: team_id, to: team}", "mysql@8.0.35", nil),
        ("  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}\n  - rename_column: {table: users, column: team_id, to: team}", "mariadb@10.11", instant),
        // varchar(50) → varchar(60): at most 255 bytes in any character set, the length byte stays.
        ("  - alter_column: {table: users, column: email, type: string(60)}", nil, nil),
        ("  - alter_column: {table: users, column: email, type: string(60)}", "mysql@8.0.35", inPlace),
        ("  - alter_column: {table: users, column: email, type: string(60)}", "mariadb@10.11", instant),
        // → varchar(100) may cross 255 bytes (utf8mb4): the table is copied; no clause.
        ("  - alter_column: {table: users, column: email, type: string(100)}", "mysql@8.0.35", nil),
        ("  - alter_column: {table: users, column: email, type: string(100)}", "mariadb@10.11", nil),
        // varchar(200) → varchar(300): 1 length byte in latin1, 2 beyond: unknown without the charset.
        ("  - alter_column: {table: users, column: code, type: string(300)}", "mariadb@10.11", nil),
        // Widening plus a nullability change is not a metadata change.
        ("  - alter_column: {table: users, column: email, type: string(60), nullable: false}", "mariadb@10.11", nil),
        ("  - alter_column: {table: users, column: n, type: bigint}", "mariadb@10.11", nil),
        ("  - alter_column: {table: users, column: n, default: 3}", nil, instant),
        ("  - alter_column: {table: users, column: n, default: 3}", "mysql@8.0.11", nil),
        ("  - alter_column: {table: users, column: n, default: 3}", "mariadb@10.11", instant),
        ("  - alter_column: {table: users, column: name, default: null}", "mysql@8.0.35", instant),
        ("  - create_index: {name: idx_users_email, table: users, columns: [email], concurrently: true}", "mysql@8.0.11", inPlace),
        ("  - create_index: {name: idx_users_email, table: users, columns: [email], concurrently: true}", "mariadb@10.11", inPlace),
        ("  - rename_index: {name: idx_users_n, to: users_n_key}", nil, nil),
        ("  - rename_index: {name: idx_users_n, to: users_n_key}", "mysql@8.0.35", inPlace),
        ("  - rename_index: {name: idx_users_n, to: users_n_key}", "mariadb@10.11", instant),
        // Only COPY exists (foreign_key_checks on): no clause, `mgen lint` warns.
        ("  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}", "mariadb@10.11", nil),
        ("  - add_check: {table: users, name: n_positive, expression: n > 0}", "mariadb@10.11", nil),
    ]

    @Test(arguments: cases)
    func clausePerServer(operations: String, server: String?, clause: String?) throws {
        let target = try server.map { text throws -> DatabaseTarget in
            guard case let .success(t) = DatabaseTarget.parse(text, for: .render) else { throw DiagnosticError(Diagnostic("bad \(text)")) }
            return t
        }
        let last = try #require(try renderedUp(operations, .mysql, server: target).last?.sql)
        let found = [Self.instant, Self.inPlace].first { last.hasSuffix($0) }
        #expect(found == clause, "\(server ?? "mysql") \(operations):\n\(last)")
        #expect(!last.contains("ALGORITHM=INSTANT, LOCK"), "MySQL refuses a LOCK clause beside INSTANT")
    }

    @Test func lengthBytes() {
        #expect(MySQLServers.keepsLengthBytes(from: 10, to: 63))
        #expect(!MySQLServers.keepsLengthBytes(from: 10, to: 64))
        #expect(MySQLServers.keepsLengthBytes(from: 256, to: 1000))
        #expect(!MySQLServers.keepsLengthBytes(from: 255, to: 1000))
        #expect(!MySQLServers.keepsLengthBytes(from: 60, to: 50))
    }

    @Test func renderMinimumIsNotLintMinimum() {
        guard case .success = DatabaseTarget.parse("mariadb@10.5.2", for: .render) else { Issue.record("10.5.2 renders"); return }
        guard case let .failure(d) = DatabaseTarget.parse("mariadb@10.4", for: .render) else { Issue.record("10.4 has no RENAME COLUMN"); return }
        #expect(d.message.contains("older than mgen renders for"))
        guard case .failure = DatabaseTarget.parse("mariadb@10.5.2") else { Issue.record("lint covers 10.6+"); return }
    }
}

extension MariaDBBehaviourTests {
    /// The table's InnoDB id: a rebuild (INPLACE with a rebuild, or COPY) gives the table a new one.
    func tableID(_ db: Database) throws -> String? {
        try db.scalar("SELECT table_id FROM information_schema.innodb_sys_tables WHERE name = CONCAT(DATABASE(), '/users')")
    }

    /// What `--db-version mariadb@10.11` emits runs on MariaDB 10.11 with the clause it carries (a
    /// server that could not keep the promise would fail the ALTER), on a seeded table; where the
    /// clause is INSTANT the table is not rebuilt (same InnoDB table id) and keeps its rows.
    @Test(arguments: OnlineDDLClauseTests.cases.filter { $0.1 == "mariadb@10.11" || $0.1 == nil })
    func emittedClausesRunOnMariaDB(operations: String, server: String?, clause: String?) throws {
        let mariadb = try target("mariadb@10.11")
        let statements = try renderedUp(operations, .mysql, server: server == nil ? nil : mariadb)
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            try reseed(db)
            let before = try tableID(db)
            for statement in statements { try db.execute(statement.sql) }
            #expect(try db.scalar("SELECT COUNT(*) FROM users") == "2000")
            if clause == OnlineDDLClauseTests.instant, !operations.contains("\n") {
                #expect(try tableID(db) == before, "INSTANT: not rebuilt: \(statements.map(\.sql))")
            }
        }
    }
}

/// emit and lint read the same server: where emit promises INSTANT the linter predicts INSTANT,
/// where it promises INPLACE the linter predicts no COPY (docs/lint.md's table and its rules agree).
@Suite struct OnlineDDLAgreesWithLintTests {
    @Test(arguments: OnlineDDLClauseTests.cases.filter { $0.1 != nil && $0.2 != nil })
    func emitPromiseMatchesLintPrediction(operations: String, server: String?, clause: String?) throws {
        let text = try #require(server)
        // The linter covers MySQL 8.0+ and MariaDB 10.6+.
        guard case let .success(target) = DatabaseTarget.parse(text) else { return }
        let built = try chain([seed, spec("0002", operations)])
        let step = try #require(built.migrations[1].up.last)
        // A change the linter has nothing to say about (RENAME INDEX: metadata only) has no plan.
        guard let plan = Knowledge.mysqlPlan(step.operation, before: step.before, target: target) else { return }
        if clause == OnlineDDLClauseTests.instant {
            #expect(plan.algorithm == .instant, "\(text) \(operations): lint predicts \(plan)")
        } else {
            #expect(plan.algorithm != .copy && plan.lock == .none, "\(text) \(operations): lint predicts \(plan)")
        }
    }
}

extension MariaDBBehaviourTests {
    /// What docs/lint.md says MariaDB 10.11 changes silently, measured on one row that does not
    /// fit: with the default (strict) sql_mode every narrowing fails the ALTER, as on PostgreSQL,
    /// so emit refuses nothing more than the NOT NULL fill; without strict mode a shorter VARCHAR
    /// cuts the value without an error, which only the linter's `type-narrowing` can warn of.
    @Test func silentChangesMeasured() throws {
        try withScratchDatabase(try Servers.url("MGEN_TEST_MYSQL_URL")) { db, _ in
            func fresh() throws {
                try db.execute("DROP TABLE IF EXISTS fit")
                try db.execute("CREATE TABLE fit (id int PRIMARY KEY, s varchar(10), e enum('a','b','c'), i int, n int NULL, d decimal(6,2), t datetime(6))")
                try db.execute("INSERT INTO fit VALUES (1, 'abcdefghij', 'c', 100000, NULL, 1.25, '2020-01-01 00:00:00.999999')")
            }
            try fresh()
            #expect(try db.scalar("SELECT @@SESSION.sql_mode")?.contains("STRICT_TRANS_TABLES") == true)
            for change in ["MODIFY s varchar(3)", "MODIFY e enum('a','b')", "MODIFY i smallint", "MODIFY n int NOT NULL", "MODIFY n int NOT NULL DEFAULT 5"] {
                #expect(throws: DatabaseError.self, "strict mode refuses \(change)") { try db.execute("ALTER TABLE fit \(change)") }
            }
            // What the spec asked for, on both servers: fewer decimals round, a shorter fraction is cut.
            try db.execute("ALTER TABLE fit MODIFY d decimal(6,1), MODIFY t datetime(0)")
            #expect(try db.scalar("SELECT CONCAT(d, ' ', t) FROM fit") == "1.3 2020-01-01 00:00:00")
            // Without strict mode the VARCHAR is cut silently.
            try db.execute("SET SESSION sql_mode = ''")
            try db.execute("ALTER TABLE fit MODIFY s varchar(3)")
            #expect(try db.scalar("SELECT s FROM fit") == "abc")
            try db.execute("SET SESSION sql_mode = DEFAULT")
        }
    }
}
