import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The plain `sql` target applied as a user would: every up file in order with the database's own
/// command-line client (`mariadb < file`, `psql -f file`), every down file back to zero, every up
/// again. Each run must succeed, the downs must leave no table, and the second up must end where
/// the first did. Chains: the example and every fixture of Fixtures/chains.
enum ClientApplyCases {
    static func chains() throws -> [(String, MigrationChain)] {
        try [("Specs", exampleChain())] + ChainFixtures.names.map { ($0, try ChainFixtures.chain($0)) }
    }

    static func appliesWithTheClient(_ url: DatabaseURL) throws {
        for (name, chain) in try chains() {
            let folder = try temporaryFolder("client-\(name)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try EmitEngine.write(EmitEngine.plan(chain, emitter: EmitterRegistry.require("sql"),
                                                 options: EmitOptions(dialect: url.dialect, output: folder)), force: false)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            let ups = files.filter { $0.hasSuffix(".up.sql") }
            let downs = files.filter { $0.hasSuffix(".down.sql") }.reversed()
            try withScratchDatabase(url) { db, scratch in
                func run(_ file: String) throws {
                    let result = try client(scratch, file: "\(folder)/\(file)")
                    #expect(result.status == 0, "\(name): \(file) on \(url.dialect):\n\(result.output)")
                }
                for file in ups { try run(file) }
                let first = try introspect(db)
                #expect(!first.tables.isEmpty, "\(name)")
                for file in downs { try run(file) }
                #expect(try introspect(db).tables.map(\.name) == [], "\(name): the downs leave tables behind")
                for file in ups { try run(file) }
                #expect(try introspect(db) == first, "\(name): the second up differs from the first")
            }
        }
    }

    /// Runs one file with the dialect's client, stopping at the first error.
    static func client(_ url: DatabaseURL, file: String) throws -> ToolRun {
        switch url.dialect {
        case .mysql:
            var arguments = ["--batch"]
            if let host = url.host { arguments.append("--host=\(host)") }
            if let port = url.port { arguments.append("--port=\(port)") }
            if let user = url.user { arguments.append("--user=\(user)") }
            if let socket = url.socket { arguments.append("--socket=\(socket)") }
            arguments.append("--database=\(url.database ?? "")")
            // `mariadb < file`, as users run it: the client stops and exits non-zero at the first
            // error (`--execute=source` would not).
            return try runTool("/bin/sh", ["-c", "exec /usr/bin/mariadb \"$@\" < \"$0\"", file] + arguments,
                               environment: url.effectivePassword.map { ["MYSQL_PWD": $0] } ?? [:])
        case .postgresql:
            return try runTool("/usr/bin/psql", [url.unredacted, "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-f", file])
        case .sqlite:
            throw ToolFailure("no client for sqlite here")
        }
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct ClientApplyPostgresTests {
    @Test func appliesWithPsql() throws { try ClientApplyCases.appliesWithTheClient(DBEnv.url(DBEnv.pgKey)) }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct ClientApplyMySQLTests {
    @Test func appliesWithMariadb() throws { try ClientApplyCases.appliesWithTheClient(DBEnv.url(DBEnv.mysqlKey)) }
}
