import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The Alembic target proven by Alembic itself: the example chain emitted into a fresh Alembic
/// project, then `alembic upgrade +1` revision by revision, each schema compared with the one
/// mgen's own SQL makes for the same chain; `alembic downgrade -1` back to an empty schema, each
/// step compared again; then `alembic upgrade head` once more.
@Suite(.serialized) struct AlembicIntegrationTests: FrameworkRoundTrip {
    static let target = "alembic"

    @Test func sqlite() throws {
        try roundTrip(server: DatabaseURL("sqlite:\(NSTemporaryDirectory())mgen-alembic.db"))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func postgresql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.pgKey))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey)))
    func mysql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.mysqlKey))
    }

    /// The hard chains of Fixtures/framework-chains, on every dialect each is valid for.
    @Test(arguments: FrameworkChain.cells)
    func hardChain(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try hardChainRoundTrip(chain, dialect)
    }

    /// Emits `chain` into a fresh Alembic project and walks it with `alembic upgrade +1`,
    /// `downgrade -1` and `upgrade head`, comparing with `reference` (mgen's SQL, per migration).
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot]) throws -> [CellProblem] {
        let project = try AlembicProject()
        defer { project.remove() }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: AlembicEmitter(),
                                             options: EmitOptions(dialect: server.dialect, output: project.versions)), force: false)
        let scanned = try AlembicEmitter().scan(project.versions).map(\.specID)
        guard scanned == chain.migrations.map(\.id) else { return [CellProblem(step: "scan", message: "the files are \(scanned)")] }
        return try withScratchDatabase(server) { db, scratch in
            let url = try AlembicProject.sqlalchemyURL(scratch)
            // One Python process for the whole walk (Fixtures/alembic/serve.py runs Alembic's own commands).
            let alembic = try Coprocess(venvPython, ["\(AlembicProject.fixtures)/serve.py", "\(project.root)/alembic.ini"],
                                        environment: ["MGEN_ALEMBIC_URL": url], in: project.root)
            defer { alembic.close() }
            var problems = RoundTrip(chain: chain, db: db,
                                     afterUp: { AlembicDifferences.unexplained(expected: reference[$0], actual: $1) },
                                     up: { _ in try alembic.send("upgrade +1") },
                                     down: { _ in try alembic.send("downgrade -1") },
                                     upAll: { try alembic.send("upgrade head") }).walk()
            if problems.isEmpty, RoundTrip.irreversibleStop(chain) == nil {
                do {
                    try alembic.send("downgrade base")
                    if !(try introspect(db, exclude: frameworkBookkeepingTables).tables.isEmpty) {
                        problems.append(CellProblem(step: "base", message: "downgrade base leaves tables"))
                    }
                } catch { problems.append(CellProblem(step: "base", message: "\(error)")) }
            }
            return problems
        }
    }

    /// A second emit into the same folder chains onto the first, and Alembic sees one head.
    @Test func secondEmitChainsInAlembic() throws {
        let chain = try exampleChain()
        let project = try AlembicProject()
        defer { project.remove() }
        var first = chain
        first.migrations = [chain.migrations[0]]
        try EmitEngine.write(EmitEngine.plan(first, emitter: AlembicEmitter(), options: EmitOptions(dialect: .sqlite, output: project.versions)), force: false)
        // Then the second spec alone: its parent is the folder's head.
        var second = chain
        second.migrations = [chain.migrations[1]]
        try EmitEngine.write(EmitEngine.plan(second, emitter: AlembicEmitter(), options: EmitOptions(dialect: .sqlite, output: project.versions)), force: false)
        let history = try project.alembic(["history"], url: "sqlite://")
        #expect(history.contains("\(AlembicEmitter.revision(for: "0001")) -> \(AlembicEmitter.revision(for: "0002")) (head)"), "\(history)")
    }
}

/// What may differ between the schema Alembic makes and the one mgen's SQL makes, and why
/// (docs/targets/alembic.md lists the same).
enum AlembicDifferences {
    static func unexplained(expected: SchemaSnapshot, actual: SchemaSnapshot) -> [String] {
        SnapshotDiff(expected, actual).render().filter { !allowed($0, dialect: actual.dialect) }
    }

    static func allowed(_ line: String, dialect: Dialect) -> Bool {
        false
    }
}

/// A throwaway Alembic project (Fixtures/alembic) whose versions folder mgen writes into.
struct AlembicProject {
    static let fixtures = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/alembic").path
    let root: String
    var versions: String { "\(root)/migrations/versions" }

    init() throws {
        root = try temporaryFolder("alembic-project")
        let fixtures = Self.fixtures
        try FileManager.default.createDirectory(atPath: "\(root)/migrations/versions", withIntermediateDirectories: true)
        for file in ["alembic.ini", "migrations/env.py", "migrations/script.py.mako"] {
            try FileManager.default.copyItem(atPath: "\(fixtures)/\(file)", toPath: "\(root)/\(file)")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// SQLAlchemy's URL for a scratch database: psycopg 3 and PyMySQL, as the requirements pin them.
    static func sqlalchemyURL(_ url: DatabaseURL) throws -> String {
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
        }
        let database = url.database ?? ""
        switch url.dialect {
        case .sqlite:
            guard database.hasPrefix("/") else { throw Failure(description: "Alembic runs in its own process: SQLite needs a file, not \(database)") }
            return "sqlite:///\(database)"
        case .postgresql, .mysql:
            let driver = url.dialect == .postgresql ? "postgresql+psycopg" : "mysql+pymysql"
            var credentials = url.user.map(encoded) ?? ""
            if let password = url.effectivePassword { credentials += ":" + encoded(password) }
            if !credentials.isEmpty { credentials += "@" }
            let port = url.port.map { ":\($0)" } ?? ""
            return "\(driver)://\(credentials)\(url.host ?? "127.0.0.1")\(port)/\(encoded(database))"
        }
    }

    /// Runs `python -m alembic -c alembic.ini <arguments>` against `url`; its output, or a failure with stderr.
    @discardableResult
    func alembic(_ arguments: [String], url: String) throws -> String {
        let run = try runTool(venvPython, ["-m", "alembic", "-c", "\(root)/alembic.ini"] + arguments,
                              environment: ["MGEN_ALEMBIC_URL": url], in: root)
        guard run.status == 0 else {
            throw Failure(description: "alembic \(arguments.joined(separator: " ")) failed (\(run.status)):\n\(run.output)")
        }
        return run.output
    }
}
