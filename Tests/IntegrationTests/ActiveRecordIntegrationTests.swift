import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The ActiveRecord target proven by ActiveRecord itself (Debian's 6.1): the example chain emitted
/// into a temporary db/migrate with `--option rails-version=<installed major.minor>` (the body
/// does not depend on the version, only the `Migration[x]` bracket does), then run by
/// ActiveRecord's own `MigrationContext` (Fixtures/activerecord/run.rb) one migration at a time,
/// each schema compared with the one mgen's own SQL makes for the same chain; rolled back one at a
/// time to an empty schema, each step compared again; migrated again, and down to 0.
@Suite(.serialized) struct ActiveRecordIntegrationTests: FrameworkRoundTrip {
    static let target = "activerecord"

    @Test func sqlite() throws {
        try roundTrip(server: DatabaseURL("sqlite:\(NSTemporaryDirectory())mgen-activerecord.db"))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func postgresql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.pgKey))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey)))
    func mysql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.mysqlKey))
    }

    /// Every golden file is Ruby that parses.
    @Test func goldenFilesParse() throws {
        let root = packageRoot.appendingPathComponent("Tests/MGenEmitTests/Golden/activerecord").path
        let files = filesUnder(root).keys.filter { $0.hasSuffix(".rb") }.sorted()
        #expect(files.count == 33)
        for file in files {
            let result = try ActiveRecordRunner.ruby(["-c", "\(root)/\(file)"])
            #expect(result.status == 0, "ruby -c \(file):\n\(result.output)")
        }
    }

    /// The hard chains of Fixtures/framework-chains, on every dialect each is valid for.
    @Test(arguments: FrameworkChain.cells)
    func hardChain(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try hardChainRoundTrip(chain, dialect)
    }

    /// Emits `chain` into a temporary db/migrate, checks every file with `ruby -c`, then walks it
    /// with ActiveRecord's MigrationContext (forward, rollback, migrate), compared with `reference`.
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot]) throws -> [CellProblem] {
        let folder = try temporaryFolder("activerecord") + "/db/migrate"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let version = try ActiveRecordRunner.installedVersion()
        try EmitEngine.write(EmitEngine.plan(chain, emitter: ActiveRecordEmitter(),
                                             options: EmitOptions(dialect: server.dialect, output: folder,
                                                                  targetOptions: ["rails-version": version])), force: false)
        let scanned = try ActiveRecordEmitter().scan(folder)
        guard scanned.map(\.specID) == chain.migrations.map(\.id) else {
            return [CellProblem(step: "scan", message: "the files are \(scanned.map(\.files))")]
        }
        var problems: [CellProblem] = []
        for file in scanned.flatMap(\.files) {
            let result = try ActiveRecordRunner.ruby(["-c", "\(folder)/\(file)"])
            if result.status != 0 { problems.append(CellProblem(step: "syntax", message: "ruby -c \(file):\n\(result.output)")) }
        }
        if !problems.isEmpty { return problems }
        return try withScratchDatabase(server) { db, scratch in
            // One Ruby process for the whole walk (run.rb serve).
            let runner = try ActiveRecordRunner(folder: folder, url: scratch).serve()
            defer { runner.close() }
            var problems = RoundTrip(chain: chain, db: db,
                                     afterUp: { ActiveRecordDifferences.unexplained(expected: reference[$0], actual: $1) },
                                     up: { _ in try runner.send("forward") },
                                     down: { _ in try runner.send("rollback") },
                                     upAll: { try runner.send("migrate") }).walk()
            if problems.isEmpty, RoundTrip.irreversibleStop(chain) == nil {
                do {
                    try runner.send("down-all")
                    if !(try introspect(db, exclude: frameworkBookkeepingTables).tables.isEmpty) {
                        problems.append(CellProblem(step: "down-all", message: "migrate to 0 leaves tables"))
                    }
                } catch { problems.append(CellProblem(step: "down-all", message: "\(error)")) }
            }
            return problems
        }
    }
}

/// What may differ between the schema ActiveRecord makes and the one mgen's SQL makes, and why
/// (docs/targets/activerecord.md lists the same). Nothing, so far: where ActiveRecord 6.1 cannot
/// make exactly what mgen's SQL makes, the emitter uses that SQL through `execute`.
enum ActiveRecordDifferences {
    static func unexplained(expected: SchemaSnapshot, actual: SchemaSnapshot) -> [String] {
        SnapshotDiff(expected, actual).render().filter { !allowed($0, dialect: actual.dialect) }
    }

    static func allowed(_ line: String, dialect: Dialect) -> Bool {
        false
    }
}

/// Runs Fixtures/activerecord/run.rb (ActiveRecord's MigrationContext) against one database.
struct ActiveRecordRunner {
    let folder: String
    let environment: [String: String]

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(folder: String, url: DatabaseURL) throws {
        self.folder = folder
        var env: [String: String] = [:]
        switch url.dialect {
        case .sqlite:
            guard let path = url.database, path.hasPrefix("/") else {
                throw Failure(description: "ActiveRecord runs in its own process: SQLite needs a file, not \(url)")
            }
            env["MGEN_AR_ADAPTER"] = "sqlite3"
            env["MGEN_AR_DATABASE"] = path
        case .postgresql, .mysql:
            env["MGEN_AR_ADAPTER"] = url.dialect == .postgresql ? "postgresql" : "mysql2"
            env["MGEN_AR_DATABASE"] = url.database ?? ""
            env["MGEN_AR_HOST"] = url.host ?? "127.0.0.1"
            env["MGEN_AR_PORT"] = url.port.map(String.init) ?? ""
            env["MGEN_AR_USERNAME"] = url.user ?? ""
            env["MGEN_AR_PASSWORD"] = url.effectivePassword ?? ""
        }
        environment = env
    }

    /// `ruby run.rb <folder> <command>`; the current version it prints, or a failure with its output.
    @discardableResult
    func run(_ command: String) throws -> String {
        let script = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/activerecord/run.rb").path
        let result = try Self.ruby([script, folder, command], environment: environment)
        guard result.status == 0 else {
            throw Failure(description: "run.rb \(command) failed (\(result.status)):\n\(result.output)")
        }
        return result.output.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// run.rb in `serve` mode: the same commands, one process.
    func serve() throws -> Coprocess {
        let script = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/activerecord/run.rb").path
        guard let ruby = ["/usr/bin/ruby", "/usr/local/bin/ruby"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Failure(description: "ruby is missing: run scripts/setup")
        }
        return try Coprocess(ruby, [script, folder, "serve"], environment: environment)
    }

    /// `6.1` for ActiveRecord 6.1.7: the `Migration[x]` the installed version knows as its own.
    static func installedVersion() throws -> String {
        let result = try ruby(["-ractive_record", "-e", "print ActiveRecord.version.segments.first(2).join('.')"])
        guard result.status == 0, !result.output.isEmpty else {
            throw Failure(description: "ActiveRecord is not installed (scripts/setup installs ruby-activerecord):\n\(result.output)")
        }
        return result.output
    }

    /// Runs `ruby`; its status and output.
    static func ruby(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        guard let ruby = ["/usr/bin/ruby", "/usr/local/bin/ruby"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Failure(description: "ruby is missing: run scripts/setup")
        }
        let run = try runTool(ruby, arguments, environment: environment)
        return (run.status, run.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
