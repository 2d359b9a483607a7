import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The Peewee target proven by peewee_migrate itself (pinned in Tests/Python/requirements.txt,
/// installed into .venv by scripts/setup): emit the example chain, run the Router on a scratch
/// database, compare its schema with what mgen's own SQL gives for the same chain, roll back one
/// migration at a time (comparing at every step), and run everything again.
@Suite(.serialized) struct PeeweeIntegrationTests: FrameworkRoundTrip {
    static let target = "peewee"

    @Test func sqlite() throws {
        let folder = try temporaryFolder("peewee-sqlite-db")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try roundTrip(server: DatabaseURL("sqlite:\(folder)/server.db"))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func postgresql() throws { try roundTrip(server: DBEnv.url(DBEnv.pgKey)) }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey)))
    func mysql() throws { try roundTrip(server: DBEnv.url(DBEnv.mysqlKey)) }

    /// Every emitted file compiles, for every dialect (`python -m py_compile`).
    @Test(arguments: Dialect.allCases)
    func compiles(dialect: Dialect) throws {
        let folder = try temporaryFolder("peewee-compile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let emitter = try EmitterRegistry.require("peewee")
        try EmitEngine.write(EmitEngine.plan(try exampleChain(), emitter: emitter, options: EmitOptions(dialect: dialect, output: folder)), force: false)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".py") }.sorted()
        #expect(files.count == 11)
        try Python.run(["-m", "py_compile"] + files.map { "\(folder)/\($0)" })
        // Every imported name is used (pw_pext only where a DateTimeTZField needs it).
        let unused = try Python.run(["-c", Self.unusedImports] + files.map { "\(folder)/\($0)" })
        #expect(unused.isEmpty, "unused imports on \(dialect):\n\(unused)")
    }

    static let unusedImports = """
        import ast, sys
        for path in sys.argv[1:]:
            tree = ast.parse(open(path).read())
            imported = set()
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            for name in sorted(imported - used):
                print(path, name)
        """

    /// The hard chains of Fixtures/framework-chains, on every dialect each is valid for.
    @Test(arguments: FrameworkChain.cells)
    func hardChain(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try hardChainRoundTrip(chain, dialect)
    }

    /// Emits `chain` and walks it with peewee_migrate's Router (run up to each name, rollback the
    /// latest, run all), compared with `reference` (mgen's SQL, per migration).
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot]) throws -> [CellProblem] {
        let emitter = try EmitterRegistry.require("peewee")
        let folder = try temporaryFolder("peewee-\(server.dialect)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: server.dialect, output: folder)), force: false)
        let disk = try emitter.scan(folder)
        guard disk.map(\.specID) == chain.migrations.map(\.id) else { return [CellProblem(step: "scan", message: "the files are \(disk.map(\.files))")] }
        let names = disk.map { "\($0.version)_\($0.name)" }
        return try withScratchDatabase(server) { db, url in
            var problems = RoundTrip(chain: chain, db: db,
                                     afterUp: { PeeweeDifferences.unexplained(expected: reference[$0], actual: $1) },
                                     up: { index in
                                         let done = try Router.run("run", folder, url, upTo: names[index])
                                         guard done == [names[index]] else { throw Python.Failure(description: "Router.run(\(names[index])) did \(done)") }
                                     },
                                     down: { index in
                                         let done = try Router.run("rollback", folder, url)
                                         guard done == [names[index]] else { throw Python.Failure(description: "Router.rollback did \(done), not \(names[index])") }
                                     },
                                     upAll: { _ = try Router.run("run", folder, url) }).walk()
            if problems.isEmpty, RoundTrip.irreversibleStop(chain) == nil, try Router.run("done", folder, url) != names {
                problems.append(CellProblem(step: "done", message: "migratehistory does not list every migration"))
            }
            return problems
        }
    }

    /// Emitting twice into one folder chains: the second emit numbers on from the first, and the
    /// files already there are left alone; a hand-written migration counts too.
    @Test func emittingTwiceChains() throws {
        let chain = try exampleChain()
        let emitter = try EmitterRegistry.require("peewee")
        let folder = try temporaryFolder("peewee-chain")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "def migrate(migrator, database, **kwargs):\n    pass\n".write(toFile: "\(folder)/001_initial.py", atomically: true, encoding: .utf8)
        var first = chain
        first.migrations = Array(chain.migrations.prefix(4))
        let options = EmitOptions(dialect: .sqlite, output: folder)
        try EmitEngine.write(EmitEngine.plan(first, emitter: emitter, options: options), force: false)
        let before = filesUnder(folder)
        #expect(before.keys.sorted() == ["001_initial.py", "002_create_users.py", "003_add_users_email.py",
                                         "004_backfill_users_email.py", "005_users_email_not_null.py"])
        let plan = try EmitEngine.plan(chain, emitter: emitter, options: options)
        #expect(plan.entries.prefix(4).allSatisfy { $0.status == .unchanged })
        #expect(plan.entries.dropFirst(4).map(\.version) == ["006", "007", "008", "009", "010", "011", "012"])
        try EmitEngine.write(plan, force: false)
        let after = filesUnder(folder)
        for (path, text) in before { #expect(after[path] == text, "\(path) was rewritten") }
        #expect(after.count == 12)
        #expect(EmitEngine.check(try EmitEngine.plan(chain, emitter: emitter, options: options)).isEmpty)
        #expect(try emitter.scan(folder).map(\.specID) == [nil] + chain.migrations.map(\.id))
    }
}

/// What may differ between peewee_migrate's schema and mgen's SQL, and why (docs/targets/peewee.md).
enum PeeweeDifferences {
    static func unexplained(expected: SchemaSnapshot, actual: SchemaSnapshot) -> [String] {
        SnapshotDiff(expected, actual).render().filter { !allowed($0, dialect: actual.dialect) }
    }

    static func allowed(_ line: String, dialect: Dialect) -> Bool {
        false
    }
}

/// The project's Python (.venv, made by scripts/setup).
enum Python {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var executable: String { venvPython }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let run = try runTool(executable, arguments, environment: environment)
        guard run.status == 0 else {
            throw Failure(description: "python \(arguments.joined(separator: " ")) failed (\(run.status)):\n\(run.stderr)")
        }
        return run.stdout
    }
}

/// peewee_migrate's Router, driven through Fixtures/peewee/router.py.
enum Router {
    static func run(_ action: String, _ folder: String, _ url: DatabaseURL, upTo name: String? = nil) throws -> [String] {
        var spec: [String: Any] = ["dialect": url.dialect.rawValue, "database": url.database ?? ""]
        if let host = url.host { spec["host"] = host }
        if let port = url.port { spec["port"] = port }
        if let user = url.user { spec["user"] = user }
        if let password = url.effectivePassword { spec["password"] = password }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys]), as: UTF8.self)
        let script = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/peewee/router.py").path
        let output = try Python.run([script, action, folder] + (name.map { [$0] } ?? []), environment: ["MGEN_PEEWEE_DB": json])
        return output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}
