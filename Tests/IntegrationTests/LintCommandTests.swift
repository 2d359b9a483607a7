import Foundation
import MGenTestSupport
import Testing

/// `mgen lint` and the lint warnings of `mgen emit`, run as a user runs them.
@Suite struct LintCommandTests {
    func mgen(_ arguments: [String], in folder: String) throws -> ToolRun {
        try runTool(try KilledEmitTests.mgen(), arguments, in: folder)
    }

    /// A project: mgen.yaml naming the server, a table, then a change that locks it.
    func project(config: String = "dialect: postgresql@15\n", change: String) throws -> String {
        let folder = try temporaryFolder("lint")
        try FileManager.default.createDirectory(atPath: "\(folder)/Specs", withIntermediateDirectories: true)
        try config.write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        try """
        mgen: 1
        id: "0001"
        name: users
        operations:
          - create_table: {table: users, columns: [{name: id, type: bigint, primary_key: true}, {name: email, type: text}]}
        """.write(toFile: "\(folder)/Specs/0001_users.yaml", atomically: true, encoding: .utf8)
        try """
        mgen: 1
        id: "0002"
        name: change
        operations:
        \(change)
        """.write(toFile: "\(folder)/Specs/0002_change.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func errorsExitOneWithLocation() throws {
        let folder = try project(change: "  - create_index: {name: idx_email, table: users, columns: [email]}")
        let run = try mgen(["lint"], in: folder)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("Specs/0002_change.yaml:5:5: error: index idx_email is built on the existing table users without CONCURRENTLY [pg-create-index-not-concurrent]"))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        // No missing-lock-timeout: mgen emit opens this transactional PostgreSQL spec with its own timeouts.
        #expect(run.stdout.hasSuffix("postgresql@15: 1 error, 0 warnings, 0 info\n"), "\(run.stdout)")
    }

    @Test func safeSpecExitsZero() throws {
        let folder = try project(change: "  - create_index: {name: idx_email, table: users, columns: [email], concurrently: true}")
        let run = try mgen(["lint", "--format", "json"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let findings = document?["findings"] as? [[String: Any]]
        #expect(findings?.map { $0["rule"] as? String } == ["pg-concurrent-if-not-exists"])
    }

    /// The server comes from --db-version over mgen.yaml; the rule set follows it.
    @Test func dbVersionOptionWins() throws {
        let folder = try project(change: "  - create_index: {name: idx_email, table: users, columns: [email]}")
        let run = try mgen(["lint", "--db-version", "mariadb@10.11", "--format", "github"], in: folder)
        #expect(run.status == 0, "an index is built in place on MariaDB: \(run.output)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("::warning file=Specs/0002_change.yaml,line=5,col=5,title=missing-lock-timeout::"), "\(run.stdout)")
    }

    /// Files named on the command line with --batch are one undeployed batch: the table the first
    /// creates is new for the second. --since lints only the specs after an id.
    @Test func batchAndSince() throws {
        let folder = try project(change: "  - create_index: {name: idx_email, table: users, columns: [email]}")
        let alone = try mgen(["lint", "Specs/0002_change.yaml"], in: folder)
        #expect(alone.status == 1 && alone.stdout.contains("pg-create-index-not-concurrent"))
        let batch = try mgen(["lint", "--batch", "Specs/0001_users.yaml", "Specs/0002_change.yaml"], in: folder)
        #expect(batch.status == 0 && !batch.stdout.contains("pg-create-index-not-concurrent"), "\(batch.output)")
        let since = try mgen(["lint", "--since", "0001"], in: folder)
        #expect(since.status == 1 && since.stdout.contains("Specs/0002_change.yaml:5:5: error:"))
        let unknown = try mgen(["lint", "--since", "0009"], in: folder)
        #expect(unknown.status == 1 && unknown.stderr.contains("no spec has id '0009'"))
    }

    /// A folder of SQL migrations mgen did not write: its format recognised from the files (or
    /// given with --from), each finding at the file:line of its statement, raw statements the
    /// reader cannot map still checked by their shape.
    @Test func lintsSQLMigrationFolders() throws {
        let folder = try temporaryFolder("lint-sql")
        let migrations = "\(folder)/db/migrations"
        try FileManager.default.createDirectory(atPath: migrations, withIntermediateDirectories: true)
        try """
        -- +goose Up
        CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan text);

        -- +goose Down
        DROP TABLE accounts;
        """.write(toFile: "\(migrations)/00001_accounts.sql", atomically: true, encoding: .utf8)
        try """
        -- +goose Up
        SET lock_timeout = '5s';
        CREATE INDEX accounts_plan_idx ON accounts (plan);
        VACUUM FULL accounts;

        -- +goose Down
        DROP INDEX accounts_plan_idx;
        """.write(toFile: "\(migrations)/00002_plan_index.sql", atomically: true, encoding: .utf8)
        let run = try mgen(["lint", "db/migrations", "--db-version", "postgresql@15"], in: folder)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("db/migrations/00002_plan_index.sql:3:1: error: index accounts_plan_idx is built on the existing table accounts without CONCURRENTLY [pg-create-index-not-concurrent]"), "\(run.stdout)")
        #expect(run.stdout.contains("db/migrations/00002_plan_index.sql:4:1: error: VACUUM FULL / CLUSTER rewrites the whole table [pg-vacuum-full]"), "\(run.stdout)")
        #expect(!run.stdout.contains("missing-lock-timeout"), "the file sets lock_timeout")
        let explicit = try mgen(["lint", "db/migrations", "--from", "goose", "--db-version", "postgresql@15", "--format", "json"], in: folder)
        #expect(explicit.status == 1 && explicit.stdout.contains("\"rule\" : \"pg-vacuum-full\""), "\(explicit.output)")
        let wrong = try mgen(["lint", "db/migrations", "--from", "flyway", "--db-version", "postgresql@15"], in: folder)
        #expect(wrong.status == 0, "a flyway reader finds no V__ files here: nothing to lint, \(wrong.output)")
    }

    /// Safe output: the timeouts come from mgen.yaml's `timeouts:` and emit's options; a value
    /// PostgreSQL would not read is an error at its line in mgen.yaml.
    @Test func emitTimeoutsFollowConfigAndOptions() throws {
        let change = "  - add_column: {table: users, column: {name: nick, type: text}}"
        let folder = try project(config: "dialect: postgresql@15\ntimeouts: {lock: 2s, statement: off}\n", change: change)
        let run = try mgen(["emit", "--target", "goose", "--out", "out", "--timestamp", "20250101000000"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        let written = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/out").sorted()
        let text = try String(contentsOfFile: "\(folder)/out/\(try #require(written.last))", encoding: .utf8)
        #expect(text.contains("-- +goose Up\nSET LOCAL lock_timeout = '2s';\n\nALTER TABLE"), "\(text)")
        #expect(!text.contains("statement_timeout"))
        let off = try mgen(["emit", "--target", "sql", "--out", "plain", "--no-timeouts"], in: folder)
        #expect(off.status == 0, "\(off.output)")
        for name in try FileManager.default.contentsOfDirectory(atPath: "\(folder)/plain") {
            #expect(!(try String(contentsOfFile: "\(folder)/plain/\(name)", encoding: .utf8)).contains("SET LOCAL"), "\(name)")
        }
        try "dialect: postgresql@15\ntimeouts: {lock: 5}\n".write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        let bad = try mgen(["emit", "--target", "sql", "--out", "bad"], in: folder)
        #expect(bad.status != 0 && bad.stderr.contains("mgen.yaml:2:") && bad.stderr.contains("'5' is not a timeout"), "\(bad.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/bad"), "nothing written")
        let option = try mgen(["emit", "--target", "sql", "--out", "bad", "--lock-timeout", "soon"], in: folder)
        #expect(option.status != 0 && option.stderr.contains("--lock-timeout"), "\(option.output)")
    }

    @Test func sarifAndExplain() throws {
        let folder = try project(change: "  - drop_column: {table: users, column: email}")
        let sarif = try mgen(["lint", "--format", "sarif"], in: folder)
        #expect(sarif.status == 1)
        #expect(sarif.stdout.contains("\"version\" : \"2.1.0\"") && sarif.stdout.contains("\"ruleId\" : \"drop-column\""))
        let explain = try mgen(["lint", "--explain", "pg-set-not-null"], in: folder)
        #expect(explain.status == 0 && explain.stdout.contains("Safe rewrite:"))
        let unknown = try mgen(["lint", "--explain", "pg-set-not-nul"], in: folder)
        #expect(unknown.status == 1 && unknown.stderr.contains("did you mean 'pg-set-not-null'?"))
    }

    /// `mgen emit` prints lint findings on stderr, one line each, and still writes and exits 0;
    /// `dialect: postgresql@15` in mgen.yaml is accepted by emit.
    @Test func emitPrintsLintWarnings() throws {
        let folder = try project(config: "dialect: postgresql@15\ntargets:\n  - {target: sql, out: out}\n  - {target: goose, out: goose}\n",
                                 change: "  - create_index: {name: idx_email, table: users, columns: [email]}")
        let run = try mgen(["emit"], in: folder)
        #expect(run.status == 0, "\(run.output)")
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("Specs/0002_change.yaml:5:5: warning: index idx_email is built on the existing table users without CONCURRENTLY [lint error pg-create-index-not-concurrent") })
        #expect(lines.allSatisfy { !$0.hasPrefix("  ") }, "one line per finding")
        #expect(lines.filter { $0.contains("pg-create-index-not-concurrent") }.count == 1, "two targets of one dialect: reported once")
        #expect(run.stdout.contains("wrote"))
    }

    /// The warnings `mgen emit` prints are about the files it writes for that target: goose gets
    /// add_unique's concurrent build (no warning), golang-migrate, which sends a file as one
    /// query, the plain ADD CONSTRAINT under lock (warned).
    @Test func emitWarnsWhereTheRunnerGetsThePlainForm() throws {
        let folder = try project(config: "dialect: postgresql@15\n", change: "  - add_unique: {table: users, columns: [email]}")
        let goose = try mgen(["emit", "--target", "goose", "--out", "goose"], in: folder)
        #expect(goose.status == 0, "\(goose.output)")
        #expect(!goose.stderr.contains("pg-unique-constraint-under-lock"), "\(goose.stderr)")
        let golang = try mgen(["emit", "--target", "golang-migrate", "--out", "golang"], in: folder)
        #expect(golang.status == 0, "\(golang.output)")
        #expect(golang.stderr.contains("pg-unique-constraint-under-lock"), "\(golang.stderr)")
    }
}
