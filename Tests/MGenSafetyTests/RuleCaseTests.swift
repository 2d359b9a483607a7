import MGenSafety
import MGenSpec
import Testing

/// One rule on one server: does it fire on these operations (after the seeded `users` table)?
struct Case: CustomTestStringConvertible, Sendable {
    var rule: String
    var server: String
    var operations: String
    var fires: Bool
    var extra = ""
    /// A spec deployed before the one linted (its objects exist, e.g. a view to drop).
    var previous: String?
    var testDescription: String { "\(rule) on \(server) \(fires ? "fires" : "stays quiet"): \(operations.split(separator: "\n").first ?? "")" }
}

func unsafe(_ rule: String, _ server: String, _ operations: String, extra: String = "", previous: String? = nil) -> Case {
    Case(rule: rule, server: server, operations: operations, fires: true, extra: extra, previous: previous)
}
func safe(_ rule: String, _ server: String, _ operations: String, extra: String = "", previous: String? = nil) -> Case {
    Case(rule: rule, server: server, operations: operations, fires: false, extra: extra, previous: previous)
}

let teamView = "  - create_view: {name: team_names, sql: \"SELECT id FROM teams\"}"

let cases: [Case] = [
    // SET NOT NULL: a scan unless a validated CHECK proves it (PostgreSQL 12+).
    unsafe("pg-set-not-null", "postgresql@12", "  - alter_column: {table: users, column: email, nullable: false}"),
    unsafe("pg-set-not-null", "postgresql@17", "  - alter_column: {table: users, column: email, nullable: false}"),
    // The state knows the validated CHECK the spec added before, so the SET NOT NULL needs no scan.
    safe("pg-set-not-null", "postgresql@15", """
      - add_check: {table: users, name: users_email_nn, expression: email IS NOT NULL, not_valid: true}
      - validate_constraint: {table: users, name: users_email_nn}
      - alter_column: {table: users, column: email, nullable: false}
    """),
    safe("pg-set-not-null", "postgresql@15", """
      - create_table: {table: fresh, columns: [{name: id, type: bigint, primary_key: true}, {name: x, type: text}]}
      - alter_column: {table: fresh, column: x, nullable: false}
    """),
    safe("pg-set-not-null", "mariadb@10.11", "  - alter_column: {table: users, column: email, nullable: false}"),

    // Volatile defaults rewrite; constant and STABLE ones do not (PostgreSQL 11+).
    unsafe("pg-add-column-volatile-default", "postgresql@15", "  - add_column: {table: users, column: {name: token, type: uuid, default: {sql: gen_random_uuid()}}}"),
    unsafe("pg-add-column-volatile-default", "postgresql@12", "  - add_column: {table: users, column: {name: r, type: double, default: {sql: random()}}}"),
    safe("pg-add-column-volatile-default", "postgresql@15", "  - add_column: {table: users, column: {name: at, type: timestamptz, default: {sql: now()}}}"),
    safe("pg-add-column-volatile-default", "postgresql@15", "  - add_column: {table: users, column: {name: flag, type: boolean, nullable: false, default: false}}"),

    unsafe("pg-add-identity-column", "postgresql@15", "  - add_column: {table: teams, column: {name: seq, type: bigint, identity: true}}"),
    safe("pg-add-identity-column", "postgresql@15", "  - add_column: {table: teams, column: {name: seq, type: bigint}}"),

    // Type changes: binary-coercible ones keep the table.
    unsafe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: n, type: bigint}"),
    unsafe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: born, type: timestamptz}"),
    safe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: email, type: string(100)}"),
    safe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: email, type: text}"),
    safe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: amount, type: \"decimal(12,2)\"}"),

    unsafe("pg-create-index-not-concurrent", "postgresql@15", "  - create_index: {name: idx_email, table: users, columns: [email]}"),
    safe("pg-create-index-not-concurrent", "postgresql@15", "  - create_index: {name: idx_email, table: users, columns: [email], concurrently: true}"),
    safe("pg-create-index-not-concurrent", "postgresql@15", """
      - create_table: {table: fresh, columns: [{name: id, type: bigint, primary_key: true}]}
      - create_index: {name: idx_fresh, table: fresh, columns: [id]}
    """),

    unsafe("pg-drop-index-not-concurrent", "postgresql@15", "  - drop_index: {name: idx_users_n}"),
    safe("pg-drop-index-not-concurrent", "postgresql@15", "  - drop_index: {name: idx_users_n, concurrently: true}"),

    unsafe("pg-foreign-key-not-valid", "postgresql@15", """
      - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}
    """),
    safe("pg-foreign-key-not-valid", "postgresql@15", """
      - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}, not_valid: true}
    """),

    unsafe("pg-foreign-key-without-index", "postgresql@15", "  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}, not_valid: true}"),
    safe("pg-foreign-key-without-index", "postgresql@15", """
      - create_index: {name: idx_users_team, table: users, columns: [team_id, n]}
      - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}, not_valid: true}
    """),
    safe("pg-foreign-key-without-index", "mysql@8.0.35", "  - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}"),

    unsafe("pg-check-not-valid", "postgresql@15", "  - add_check: {table: users, name: n_positive, expression: n > 0}"),
    safe("pg-check-not-valid", "postgresql@15", "  - add_check: {table: users, name: n_positive, expression: n > 0, not_valid: true}"),

    unsafe("pg-validate-same-transaction", "postgresql@15", """
      - add_check: {table: users, name: n_positive, expression: n > 0, not_valid: true}
      - validate_constraint: {table: users, name: n_positive}
    """),

    safe("pg-validate-same-transaction", "postgresql@15", """
      - add_check: {table: users, name: n_positive, expression: n > 0, not_valid: true}
      - validate_constraint: {table: users, name: n_positive}
    """, extra: "transaction: false\n"),

    unsafe("pg-unique-constraint-under-lock", "postgresql@15", "  - add_unique: {table: users, columns: [email], name: users_email_key}"),
    safe("pg-unique-constraint-under-lock", "postgresql@15", "  - create_index: {name: users_email_key, table: users, columns: [email], unique: true, concurrently: true}"),

    unsafe("pg-concurrent-if-not-exists", "postgresql@15", "  - create_index: {name: users_email_key, table: users, columns: [email], unique: true, concurrently: true}"),
    safe("pg-concurrent-if-not-exists", "postgresql@15", "  - create_index: {name: users_email_key, table: users, columns: [email], unique: true}"),

    unsafe("pg-concurrent-with-other-ddl", "postgresql@15", """
      - add_column: {table: users, column: {name: nick, type: text}}
      - create_index: {name: idx_nick, table: users, columns: [nick], concurrently: true}
    """),
    safe("pg-concurrent-with-other-ddl", "postgresql@15", "  - create_index: {name: idx_nick, table: users, columns: [email], concurrently: true}"),

    unsafe("pg-enum-check-revalidated", "postgresql@15", "  - alter_column: {table: users, column: status, type: \"enum(active,suspended,banned)\"}"),
    safe("pg-enum-check-revalidated", "mysql@8.0.35", "  - alter_column: {table: users, column: status, type: \"enum(active,suspended,banned)\"}"),

    unsafe("pg-lock-held-during-slow-step", "postgresql@15", """
      - add_column: {table: users, column: {name: nick, type: text}}
      - create_index: {name: idx_nick, table: users, columns: [nick]}
    """),
    safe("pg-lock-held-during-slow-step", "postgresql@15", "  - create_index: {name: idx_nick, table: users, columns: [email]}"),

    unsafe("pg-prefer-identity", "postgresql@15", "  - create_table: {table: t, columns: [{name: id, type: {postgresql: serial, default: integer}, primary_key: true}]}"),
    safe("pg-prefer-identity", "postgresql@15", "  - create_table: {table: t, columns: [{name: id, type: bigint, identity: true, primary_key: true}]}"),

    unsafe("pg-prefer-timestamptz", "postgresql@15", "  - add_column: {table: users, column: {name: seen, type: timestamp}}"),
    safe("pg-prefer-timestamptz", "postgresql@15", "  - add_column: {table: users, column: {name: seen, type: timestamptz}}"),

    // MySQL / MariaDB algorithms by version.
    unsafe("mysql-copy-algorithm", "mysql@8.0.35", "  - alter_column: {table: users, column: n, type: bigint}"),
    unsafe("mysql-copy-algorithm", "mariadb@10.11", "  - add_foreign_key: {name: fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}"),
    unsafe("mysql-copy-algorithm", "mariadb@10.6", "  - add_check: {table: users, name: n_positive, expression: n > 0}"),
    unsafe("mysql-copy-algorithm", "mysql@8.0.35", "  - alter_column: {table: users, column: email, type: string(100)}"),
    safe("mysql-copy-algorithm", "mysql@8.0.35", "  - alter_column: {table: users, column: email, type: string(60)}"),
    safe("mysql-copy-algorithm", "mysql@8.0.35", "  - alter_column: {table: users, column: status, type: \"enum(active,suspended,banned)\"}"),
    unsafe("mysql-copy-algorithm", "mysql@8.0.35", "  - alter_column: {table: users, column: status, type: \"enum(suspended,active)\"}"),
    safe("mysql-copy-algorithm", "mysql@8.0.35", "  - create_index: {name: idx_email, table: users, columns: [email]}"),

    unsafe("mysql-inplace-rebuild", "mysql@8.0.11", "  - add_column: {table: users, column: {name: nick, type: text}}"),
    safe("mysql-inplace-rebuild", "mysql@8.0.12", "  - add_column: {table: users, column: {name: nick, type: text}}"),
    safe("mysql-inplace-rebuild", "mariadb@10.6", "  - add_column: {table: users, column: {name: nick, type: text}}"),
    unsafe("mysql-inplace-rebuild", "mysql@8.0.28", "  - drop_column: {table: users, column: email}"),
    safe("mysql-inplace-rebuild", "mysql@8.0.29", "  - drop_column: {table: users, column: email}"),
    unsafe("mysql-inplace-rebuild", "mariadb@10.11", "  - alter_column: {table: users, column: email, nullable: false}"),

    // The unsafe case needs 64 earlier specs: LinterTests.rowVersionsCountedOverTheChain.
    safe("mysql-row-versions-exhausted", "mysql@8.0.35", "  - add_column: {table: users, column: {name: nick, type: text}}"),

    unsafe("mysql-implicit-default", "mariadb@10.11", "  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false}}"),
    unsafe("mysql-implicit-default", "mysql@8.0.35", "  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false}}"),
    safe("mysql-implicit-default", "mariadb@10.11", "  - add_column: {table: users, column: {name: nick, type: string(20), nullable: false, default: x}}"),

    // Every engine.
    unsafe("missing-lock-timeout", "postgresql@15", "  - add_column: {table: users, column: {name: nick, type: text}}"),
    safe("missing-lock-timeout", "postgresql@15", """
      - sql: {up: {postgresql: "SET lock_timeout = '2s'"}, down: "SELECT 1"}
      - add_column: {table: users, column: {name: nick, type: text}}
    """),
    unsafe("missing-lock-timeout", "mariadb@10.11", "  - add_column: {table: users, column: {name: nick, type: text}}"),
    safe("missing-lock-timeout", "mariadb@10.11", """
      - sql: {up: {mysql: "SET SESSION lock_wait_timeout = 5"}, down: "SELECT 1"}
      - add_column: {table: users, column: {name: nick, type: text}}
    """),

    // Raw SQL by its shape (a `sql` step here; a statement of a SQL folder in LintCommandTests),
    // reported under the spec rule that says the same, or a rule of its own.
    unsafe("pg-check-not-valid", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD CONSTRAINT c CHECK (n > 0)\"}, down: \"SELECT 1\"}"),
    safe("pg-check-not-valid", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD CONSTRAINT c CHECK (n > 0) NOT VALID\"}, down: \"SELECT 1\"}"),
    unsafe("drop-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users DROP n\"}, down: \"SELECT 1\"}"),
    safe("drop-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ALTER COLUMN id DROP IDENTITY IF EXISTS\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-copy-algorithm", "mariadb@10.11", "  - sql: {up: {mysql: \"ALTER TABLE users ADD COLUMN x int, ALGORITHM=COPY\"}, down: \"SELECT 1\"}"),
    safe("mysql-copy-algorithm", "mariadb@10.11", "  - sql: {up: {mysql: \"ALTER TABLE users ADD COLUMN x int, ALGORITHM=INSTANT\"}, down: \"SELECT 1\"}"),
    unsafe("pg-set-not-null", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ALTER COLUMN email SET NOT NULL\"}, down: \"SELECT 1\"}"),
    unsafe("drop-not-null", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ALTER COLUMN email DROP NOT NULL\"}, down: \"SELECT 1\"}"),
    unsafe("rename-table", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users RENAME TO members\"}, down: \"SELECT 1\"}"),
    unsafe("rename-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users RENAME email TO mail\"}, down: \"SELECT 1\"}"),
    safe("rename-table", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users RENAME email TO mail\"}, down: \"SELECT 1\"}"),
    unsafe("add-required-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD COLUMN age int NOT NULL\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-implicit-default", "mariadb@10.11", "  - sql: {up: {mysql: \"ALTER TABLE users ADD COLUMN age int NOT NULL\"}, down: \"SELECT 1\"}"),
    unsafe("pg-add-column-volatile-default", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD COLUMN t uuid DEFAULT gen_random_uuid()\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-inplace-rebuild", "mariadb@10.11", "  - sql: {up: {mysql: \"ALTER TABLE users ENGINE=InnoDB\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-inplace-rebuild", "mysql@8.0.20", "  - sql: {up: {mysql: \"ALTER TABLE users ADD COLUMN x int AFTER id\"}, down: \"SELECT 1\"}"),
    unsafe("pg-vacuum-full", "postgresql@15", "  - sql: {up: {postgresql: \"VACUUM FULL users\"}, down: \"SELECT 1\"}"),
    safe("pg-vacuum-full", "postgresql@15", "  - sql: {up: {postgresql: \"VACUUM users\"}, down: \"SELECT 1\"}"),
    unsafe("pg-reindex-not-concurrent", "postgresql@15", "  - sql: {up: {postgresql: \"REINDEX INDEX idx_users_n\"}, down: \"SELECT 1\"}"),
    safe("pg-reindex-not-concurrent", "postgresql@15", "  - sql: {up: {postgresql: \"REINDEX INDEX CONCURRENTLY idx_users_n\"}, down: \"SELECT 1\"}"),
    unsafe("pg-refresh-matview-not-concurrent", "postgresql@15", "  - sql: {up: {postgresql: \"REFRESH MATERIALIZED VIEW stats\"}, down: \"SELECT 1\"}"),
    safe("pg-refresh-matview-not-concurrent", "postgresql@15", "  - sql: {up: {postgresql: \"REFRESH MATERIALIZED VIEW CONCURRENTLY stats\"}, down: \"SELECT 1\"}"),
    unsafe("pg-lock-table", "postgresql@15", "  - sql: {up: {postgresql: \"LOCK TABLE users IN ACCESS EXCLUSIVE MODE\"}, down: \"SELECT 1\"}"),
    safe("pg-lock-table", "mariadb@10.11", "  - sql: {up: {mysql: \"LOCK TABLE users IN ACCESS EXCLUSIVE MODE\"}, down: \"SELECT 1\"}"),
    unsafe("truncate-table", "postgresql@15", "  - sql: {up: {postgresql: \"TRUNCATE users\"}, down: \"SELECT 1\"}"),
    unsafe("truncate-table", "mariadb@10.11", "  - sql: {up: {mysql: \"TRUNCATE TABLE users\"}, down: \"SELECT 1\"}"),
    safe("truncate-table", "postgresql@15", "  - sql: {up: {postgresql: \"DELETE FROM users WHERE n < 0\"}, down: \"SELECT 1\"}"),
    unsafe("pg-add-stored-generated-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD COLUMN n2 int GENERATED ALWAYS AS (n * 2) STORED\"}, down: \"SELECT 1\"}"),
    safe("pg-add-stored-generated-column", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD COLUMN n2 int\"}, down: \"SELECT 1\"}"),
    unsafe("pg-set-tablespace", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users SET TABLESPACE fast\"}, down: \"SELECT 1\"}"),
    unsafe("pg-set-tablespace", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users SET LOGGED\"}, down: \"SELECT 1\"}"),
    safe("pg-set-tablespace", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users SET (fillfactor = 90)\"}, down: \"SELECT 1\"}"),
    unsafe("pg-exclude-constraint", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD CONSTRAINT no_overlap EXCLUDE USING gist (n WITH =)\"}, down: \"SELECT 1\"}"),
    safe("pg-exclude-constraint", "postgresql@15", "  - sql: {up: {postgresql: \"ALTER TABLE users ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-inplace-rebuild", "mariadb@10.11", "  - sql: {up: {mysql: \"CREATE FULLTEXT INDEX ft_email ON users (email)\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-inplace-rebuild", "mysql@8.0.35", "  - sql: {up: {mysql: \"ALTER TABLE users ADD FULLTEXT INDEX ft_email (email)\"}, down: \"SELECT 1\"}"),
    safe("mysql-inplace-rebuild", "mariadb@10.11", "  - sql: {up: {mysql: \"CREATE INDEX idx_email ON users (email)\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-table-lock", "mariadb@10.11", "  - sql: {up: {mysql: \"OPTIMIZE TABLE users\"}, down: \"SELECT 1\"}"),
    unsafe("mysql-table-lock", "mysql@8.0.35", "  - sql: {up: {mysql: \"LOCK TABLES users WRITE\"}, down: \"SELECT 1\"}"),
    safe("mysql-table-lock", "mariadb@10.11", "  - sql: {up: {mysql: \"ANALYZE TABLE users\"}, down: \"SELECT 1\"}"),
    // A raw VALIDATE in the transaction of its NOT VALID add is the spec rule's finding.
    unsafe("pg-validate-same-transaction", "postgresql@15", """
      - sql: {up: {postgresql: "ALTER TABLE users ADD CONSTRAINT n_pos CHECK (n > 0) NOT VALID"}, down: "SELECT 1"}
      - sql: {up: {postgresql: "ALTER TABLE users VALIDATE CONSTRAINT n_pos"}, down: "SELECT 1"}
    """),
    safe("pg-create-index-not-concurrent", "postgresql@15", """
      - create_table: {table: scratch, columns: [{name: id, type: bigint, primary_key: true}, {name: n, type: integer}]}
      - sql: {up: {postgresql: "CREATE INDEX scratch_n ON scratch (n)"}, down: "SELECT 1"}
    """),
    unsafe("pg-create-index-not-concurrent", "postgresql@15", "  - sql: {up: {postgresql: \"CREATE INDEX idx_n ON users (n)\"}, down: \"SELECT 1\"}"),

    unsafe("drop-table", "postgresql@15", "  - drop_table: {table: teams}"),
    unsafe("drop-table", "sqlite", "  - drop_table: {table: teams}"),
    safe("drop-table", "postgresql@15", """
      - create_table: {table: scratch, columns: [{name: id, type: bigint, primary_key: true}]}
      - drop_table: {table: scratch}
    """),
    unsafe("drop-column", "mysql@8.0.35", "  - drop_column: {table: users, column: n}"),
    safe("drop-column", "mysql@8.0.35", """
      - add_column: {table: users, column: {name: tmp, type: text}}
      - drop_column: {table: users, column: tmp}
    """.replacingOccurrences(of: "tmp}", with: "tmp}")),
    unsafe("rename-column", "postgresql@15", "  - rename_column: {table: users, column: name, to: full_name}"),
    safe("rename-column", "postgresql@15", """
      - add_column: {table: users, column: {name: nick, type: text}}
      - rename_column: {table: users, column: nick, to: nickname}
    """),
    unsafe("rename-table", "mariadb@10.11", "  - rename_table: {table: teams, to: squads}"),
    safe("rename-table", "mariadb@10.11", """
      - create_table: {table: scratch, columns: [{name: id, type: bigint, primary_key: true}]}
      - rename_table: {table: scratch, to: scratch2}
    """),
    // Dropping a view breaks the code that reads it, unless the migration creates it again.
    unsafe("drop-view", "postgresql@15", "  - drop_view: {name: team_names}", previous: teamView),
    unsafe("drop-view", "mariadb@10.11", "  - drop_view: {name: team_names}", previous: teamView),
    safe("drop-view", "postgresql@15", "  - drop_view: {name: team_names}\n  - create_view: {name: team_names, sql: \"SELECT id, id AS team_id FROM teams\"}",
         previous: teamView),
    safe("drop-view", "postgresql@15", "\(teamView)\n  - drop_view: {name: team_names}"),
    // PostgreSQL: a varchar or numeric loses its limit in place.
    safe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: email, type: {postgresql: varchar}}"),
    safe("pg-type-change-rewrite", "postgresql@15", "  - alter_column: {table: users, column: amount, type: {postgresql: numeric}}"),
    unsafe("type-narrowing", "postgresql@15", "  - alter_column: {table: users, column: code, type: string(20)}"),
    unsafe("type-narrowing", "mysql@8.0.35", "  - alter_column: {table: users, column: status, type: \"enum(active)\"}"),
    safe("type-narrowing", "postgresql@15", "  - alter_column: {table: users, column: code, type: text}"),
    unsafe("drop-not-null", "postgresql@15", "  - alter_column: {table: users, column: name, nullable: true}"),
    unsafe("drop-not-null", "mariadb@10.11", "  - alter_column: {table: users, column: name, nullable: true}"),
    safe("drop-not-null", "postgresql@15", "  - alter_column: {table: users, column: email, nullable: true}"),
    unsafe("add-required-column", "postgresql@15", "  - add_column: {table: users, column: {name: nick, type: text, nullable: false}}"),
    safe("add-required-column", "postgresql@15", "  - add_column: {table: users, column: {name: nick, type: text, nullable: false, default: x}}"),
    safe("add-required-column", "mariadb@10.11", "  - add_column: {table: users, column: {name: nick, type: text, nullable: false}}"),
    unsafe("backfill-in-transaction", "postgresql@15", "  - backfill: {table: users, set: {n: \"1\"}}"),
    safe("backfill-in-transaction", "postgresql@15", "  - backfill: {table: users, set: {n: \"1\"}}", extra: "transaction: false\n"),
    unsafe("backfill-unbatched", "postgresql@15", "  - backfill: {table: users, set: {n: \"1\"}, batch_size: 0}", extra: "transaction: false\n"),
    unsafe("backfill-unbatched", "mysql@8.0.35", "  - sql: {up: \"UPDATE users SET n = 1\", down: \"SELECT 1\"}"),
    safe("backfill-unbatched", "postgresql@15", "  - backfill: {table: users, set: {n: \"1\"}}", extra: "transaction: false\n"),
    unsafe("prefer-bigint-primary-key", "mysql@8.0.35", "  - create_table: {table: t, columns: [{name: id, type: integer, identity: true, primary_key: true}]}"),
    safe("prefer-bigint-primary-key", "mysql@8.0.35", "  - create_table: {table: t, columns: [{name: id, type: bigint, identity: true, primary_key: true}]}"),
    unsafe("raw-sql-not-checked", "postgresql@15", "  - sql: {up: \"ALTER TABLE users ADD COLUMN x int\", down: \"ALTER TABLE users DROP COLUMN x\"}"),
    safe("raw-sql-not-checked", "postgresql@15", "  - sql: {up: \"SET lock_timeout = '1s'\", down: \"SELECT 1\"}"),
]

@Suite struct RuleCaseTests {
    @Test(arguments: cases)
    func rule(_ c: Case) throws {
        let findings = try lint(c.operations, on: c.server, extra: c.extra, previous: c.previous)
        let fired = findings.filter { $0.rule == c.rule }
        if c.fires {
            #expect(!fired.isEmpty, "expected \(c.rule); got \(findings.map(\.rule))")
            for finding in fired {
                #expect(finding.file == (c.previous == nil ? "0002.yaml" : "0003.yaml") && finding.line > 0 && finding.column > 0)
                #expect(!finding.fix.isEmpty && !finding.why.isEmpty && !finding.lock.isEmpty && !finding.blocks.isEmpty)
            }
        } else {
            #expect(fired.isEmpty, "\(c.rule) fired: \(fired.map(\.message))")
        }
    }

    /// Every rule has an unsafe case and a safe one, so none is untested.
    @Test func everyRuleHasBothCases() {
        for rule in Rules.all {
            #expect(cases.contains { $0.rule == rule.id && $0.fires } || rule.id == "mysql-row-versions-exhausted" || rule.id == "raw-statement",
                    "\(rule.id) has no unsafe case")
            // raw-statement reports under the rules of its shapes (their cases above); it has its own test.
            #expect(cases.contains { $0.rule == rule.id && !$0.fires } || rule.id == "raw-statement", "\(rule.id) has no safe case")
        }
    }
}
