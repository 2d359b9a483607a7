import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// TypeORM's proof on a real database: the emitted chain (TypeScript compiled by tsc to CommonJS,
/// and the `--option js=true` CommonJS files as they are) is run by node, each migration's `up`
/// and `down` called as TypeORM's MigrationExecutor calls them, with a QueryRunner whose `query`
/// sends to PostgreSQL through node-pg (all a generated TypeORM migration calls). After each up
/// the catalog must match the spec's replayed state; every down must return to the snapshot
/// before it; up again must end where the first pass ended.
@Suite(.serialized) struct TypeORMRunTests {
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)), arguments: ["ts", "js"])
    func postgresql(flavour: String) throws {
        let problems = try Self.run(exampleChain(), server: DBEnv.url(DBEnv.pgKey), flavour: flavour)
        KnownIssues.record(problems.map { "typeorm \(flavour): \($0)" }, chain: "example", cell: Cell(target: "typeorm", dialect: .postgresql))
    }

    /// Emits `chain` (TypeScript compiled by tsc, or the js flavour as it is) and walks it with
    /// node, each migration's up and down called as TypeORM's MigrationExecutor calls them; after
    /// each up the catalog must match the replayed state.
    static func run(_ chain: MigrationChain, server: DatabaseURL, flavour: String) throws -> [CellProblem] {
        let emitter = try EmitterRegistry.require("typeorm")
        let folder = try temporaryFolder("typeorm-\(flavour)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = EmitOptions(dialect: .postgresql, output: folder, targetOptions: flavour == "js" ? ["js": "true"] : [:])
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: options), force: false)
        let disk = try emitter.scan(folder)
        guard disk.map(\.specID) == chain.migrations.map(\.id) else {
            return [CellProblem(step: "scan", message: "the files on disk, in TypeORM's order, are \(disk.map(\.files))")]
        }
        // What node runs: tsc's CommonJS output, or the .js files themselves.
        var scripts = disk.map { "\(folder)/\($0.files[0])" }
        if flavour == "ts" {
            let out = "\(folder)/compiled"
            do { try JSTools.run("tsc", JSTools.tscArguments(scripts, outDir: out)) } catch { return [CellProblem(step: "tsc", message: "\(error)")] }
            scripts = disk.map { "\(out)/\($0.files[0].dropLast(3)).js" }
        }
        let runner = "\(JSTools.fixtures)/typeorm-runner.js"
        return try withScratchDatabase(server) { db, url in
            let env = libpqEnvironment(url)
            return RoundTrip(chain: chain, db: db,
                             afterUp: { SchemaExpectation.mismatches($1, chain.migrations[$0].after, dialect: db.dialect) },
                             up: { try JSTools.run("node", [runner, "up", scripts[$0]], environment: env) },
                             down: { try JSTools.run("node", [runner, "down", scripts[$0]], environment: env) }).walk()
        }
    }

    /// A TypeORM class whose name does not end in a 13-digit timestamp is refused, as TypeORM
    /// refuses it: the runner applies TypeORM's own rule, so the test above proves the names.
    @Test func runnerRefusesNamesWithoutTimestamp() throws {
        let folder = try temporaryFolder("typeorm-name")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = "\(folder)/bad.js"
        try "module.exports = class CreateUsers { async up() {} async down() {} };".write(toFile: script, atomically: true, encoding: .utf8)
        // No database is reached: names are checked before connecting.
        let env = ["PGHOST": "127.0.0.1", "PGPORT": "1", "PGCONNECT_TIMEOUT": "1"]
        let error = #expect(throws: JSTools.Failure.self) {
            try JSTools.run("node", ["\(JSTools.fixtures)/typeorm-runner.js", "up", script], environment: env)
        }
        #expect(error?.description.contains("migration name is wrong") == true, "\(error?.description ?? "")")
    }

    /// node-pg reads libpq's environment variables; the URL's parts map onto them one to one.
    static func libpqEnvironment(_ url: DatabaseURL) -> [String: String] {
        var env: [String: String] = [:]
        env["PGHOST"] = url.options["host"] ?? url.host ?? "localhost"
        if let port = url.port { env["PGPORT"] = String(port) }
        if let user = url.user { env["PGUSER"] = user }
        if let password = url.password { env["PGPASSWORD"] = password }
        if let database = url.database { env["PGDATABASE"] = database }
        if let mode = url.options["sslmode"] { env["PGSSLMODE"] = mode }
        return env
    }
}
