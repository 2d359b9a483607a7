import Foundation
import MGenTestSupport
import Testing

/// `mgen emit/sql --db-version` and mgen.yaml's `dialect: mysql@8.0.29` (issue 13): one reading of
/// the server for lint and emit, and the ALGORITHM clauses it decides.
@Suite struct DBVersionCommandTests {
    func mgen(_ arguments: [String], in folder: String) throws -> ToolRun {
        try runTool(try KilledEmitTests.mgen(), arguments, in: folder)
    }

    func project(config: String) throws -> String {
        let folder = try temporaryFolder("db-version")
        try FileManager.default.createDirectory(atPath: "\(folder)/Specs", withIntermediateDirectories: true)
        try config.write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        try """
        mgen: 1
        id: "0001"
        name: users
        operations:
          - create_table: {table: users, columns: [{name: id, type: bigint, primary_key: true}, {name: nick, type: string(20)}, {name: code, type: string(20)}]}
        """.write(toFile: "\(folder)/Specs/0001_users.yaml", atomically: true, encoding: .utf8)
        try """
        mgen: 1
        id: "0002"
        name: change
        operations:
          - drop_column: {table: users, column: code}
          - rename_column: {table: users, column: nick, to: handle}
          - alter_column: {table: users, column: handle, type: string(60)}
          - alter_column: {table: users, column: handle, default: x}
        """.write(toFile: "\(folder)/Specs/0002_change.yaml", atomically: true, encoding: .utf8)
        try """
        mgen: 1
        id: "0003"
        name: keys
        operations:
          - create_table: {table: teams, columns: [{name: id, type: bigint, primary_key: true}]}
          - add_column: {table: users, column: {name: team_id, type: bigint}}
          - create_index: {name: users_team_idx, table: users, columns: [team_id]}
          - add_foreign_key: {name: users_team_fk, table: users, columns: [team_id], references: {table: teams, columns: [id]}}
          - create_index: {name: users_handle_idx, table: users, columns: [handle]}
          - rename_index: {name: users_handle_idx, to: users_handle_key}
          - drop_constraint: {table: users, name: users_team_fk}
        """.write(toFile: "\(folder)/Specs/0003_keys.yaml", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func versionDecidesTheClauses() throws {
        let folder = try project(config: "dialect: mysql@8.0.28\ntargets:\n  - {target: sql, out: out}\n")
        // mgen.yaml's version: 8.0.28 renames instantly but drops in place.
        let fromConfig = try mgen(["sql", "Specs/0002_change.yaml", "--up"], in: folder)
        #expect(fromConfig.status == 0, "\(fromConfig.output)")
        #expect(fromConfig.stdout.contains("DROP COLUMN `code`, ALGORITHM=INPLACE, LOCK=NONE;"), "\(fromConfig.stdout)")
        #expect(fromConfig.stdout.contains("RENAME COLUMN `nick` TO `handle`, ALGORITHM=INSTANT;"))
        #expect(fromConfig.stdout.contains("MODIFY COLUMN `handle` varchar(60) NULL, ALGORITHM=INPLACE, LOCK=NONE;"))
        let keysSQL = try mgen(["sql", "Specs/0003_keys.yaml", "--up"], in: folder)
        #expect(keysSQL.stdout.contains("RENAME INDEX `users_handle_idx` TO `users_handle_key`, ALGORITHM=INPLACE, LOCK=NONE;"), "\(keysSQL.output)")
        #expect(keysSQL.stdout.contains("DROP FOREIGN KEY `users_team_fk`, ALGORITHM=INPLACE, LOCK=NONE;"), "\(keysSQL.output)")
        // --db-version over mgen.yaml, in emit too.
        let emit = try mgen(["emit", "--db-version", "mariadb@10.11"], in: folder)
        #expect(emit.status == 0, "\(emit.output)")
        let written = try String(contentsOfFile: "\(folder)/out/0002_change.up.sql", encoding: .utf8)
        #expect(written.contains("DROP COLUMN `code`, ALGORITHM=INSTANT;"), "\(written)")
        #expect(written.contains("MODIFY COLUMN `handle` varchar(60) NULL, ALGORITHM=INSTANT;"), "\(written)")
        let keys = try String(contentsOfFile: "\(folder)/out/0003_keys.up.sql", encoding: .utf8)
        #expect(keys.contains("RENAME INDEX `users_handle_idx` TO `users_handle_key`, ALGORITHM=INSTANT;"), "\(keys)")
        #expect(keys.contains("DROP FOREIGN KEY `users_team_fk`, ALGORITHM=INSTANT;"), "\(keys)")
        // --dialect mysql alone, without mgen.yaml's version: the clauses every server takes (none here).
        try "targets:\n  - {target: sql, out: out}\n".write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        let plain = try mgen(["sql", "Specs/0002_change.yaml", "--up", "--dialect", "mysql"], in: folder)
        #expect(plain.status == 0 && !plain.stdout.contains("DROP COLUMN `code`, ALGORITHM") && !plain.stdout.contains("varchar(60) NULL, ALGORITHM"), "\(plain.output)")
    }

    /// The clauses of every version read back: `mgen import` turns each statement into its
    /// operation again (none stays raw sql).
    @Test(arguments: ["mysql@8.0.11", "mysql@8.0.27", "mysql@8.0.35", "mariadb@10.11"])
    func importReadsTheClausesBack(server: String) throws {
        let folder = try project(config: "targets:\n  - {target: sql, out: out}\n")
        let emit = try mgen(["emit", "--db-version", server], in: folder)
        #expect(emit.status == 0, "\(emit.output)")
        let imported = try mgen(["import", "--from", "sql", "out", "--dialect", "mysql", "--out", "imported"], in: folder)
        #expect(imported.status == 0 && imported.stdout.contains("0 stayed raw sql"), "\(server): \(imported.output)")
    }

    @Test func badVersionsAreErrors() throws {
        let folder = try project(config: "dialect: mysql\n")
        let mismatch = try mgen(["sql", "--dialect", "postgresql", "--db-version", "mysql@8.0.35"], in: folder)
        #expect(mismatch.status == 1 && mismatch.stderr.contains("--dialect postgresql does not match --db-version mysql@8.0.35"), "\(mismatch.output)")
        let old = try mgen(["sql", "--db-version", "mariadb@10.4"], in: folder)
        #expect(old.status == 1 && old.stderr.contains("mariadb 10.4 is older than mgen renders for"), "\(old.output)")
        let typo = try mgen(["emit", "--target", "sql", "--out", "out", "--db-version", "mysql@8.x"], in: folder)
        #expect(typo.status == 1 && typo.stderr.contains("'8.x' is not a version"), "\(typo.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/out"), "nothing written")
        try "dialect: mysql@eight\n".write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        let config = try mgen(["sql"], in: folder)
        #expect(config.status == 1 && config.stderr.contains("mgen.yaml dialect"), "\(config.output)")
    }
}
