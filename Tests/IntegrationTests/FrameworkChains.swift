import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The hand-written hard chains of Fixtures/framework-chains (reserved-word and mixed-case names,
/// composite and self-referencing keys, renames of indexed and referenced columns, enum columns,
/// type changes with defaults, drops of indexed columns, expression indexes), run by each
/// framework's round-trip harness like the example chain. A folder's optional `dialects` file
/// lists the dialects it is valid for (expression and partial indexes are not MariaDB's); without
/// it the chain runs on all three.
struct FrameworkChain: Sendable, CustomTestStringConvertible {
    static let root = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/framework-chains")

    let name: String
    let dialects: [Dialect]

    var testDescription: String { name }

    /// Every chain folder, by name.
    static var all: [FrameworkChain] {
        // MGEN_FRAMEWORK_CHAINS=a,b runs only those chains (while working on one).
        let only = ProcessInfo.processInfo.environment["MGEN_FRAMEWORK_CHAINS"].map { Set($0.split(separator: ",").map(String.init)) }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { only?.contains($0) ?? true }
        return names.sorted().compactMap { name in
            let folder = root.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
            let listed = (try? String(contentsOf: folder.appendingPathComponent("dialects"), encoding: .utf8))?
                .split(whereSeparator: \.isWhitespace).compactMap { Dialect(rawValue: String($0)) }
            return FrameworkChain(name: name, dialects: listed ?? Dialect.allCases)
        }
    }

    /// Every (chain, dialect) cell.
    static var cells: [(FrameworkChain, Dialect)] {
        all.flatMap { chain in chain.dialects.map { (chain, $0) } }
    }

    /// The chain, its files named relative to the package root (stable headers).
    func load() throws -> MigrationChain {
        let folder = Self.root.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let specs = try files.map { file in
            try SpecLoader.load(text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                                file: "Tests/IntegrationTests/Fixtures/framework-chains/\(name)/\(file)")
        }
        return try MigrationChain.build(specs)
    }

    /// The server a cell runs on (nil: its database is not configured, the cell is skipped), and
    /// a SQLite file for frameworks that run in their own process.
    static func server(_ dialect: Dialect, sqliteFolder: String) throws -> DatabaseURL? {
        switch dialect {
        case .sqlite: return try DatabaseURL("sqlite:\(sqliteFolder)/server.db")
        case .postgresql: return DBEnv.enabled(DBEnv.pgKey) ? try DBEnv.url(DBEnv.pgKey) : nil
        case .mysql: return DBEnv.enabled(DBEnv.mysqlKey) ? try DBEnv.url(DBEnv.mysqlKey) : nil
        }
    }
}

/// A framework suite whose walk (`run`) takes any chain: the example chain and the hard chains go
/// through the same two steps for every framework, recorded against the known-issue table.
protocol FrameworkRoundTrip {
    /// The target's name, as the known-issue table and messages say it.
    static var target: String { get }
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot]) throws -> [CellProblem]
}

extension FrameworkRoundTrip {
    func roundTrip(server: DatabaseURL, chain given: MigrationChain? = nil, name: String = "example") throws {
        let chain = try given ?? exampleChain()
        let problems = try Self.run(chain, server: server, reference: referenceSnapshots(chain, server: server))
        KnownIssues.record(problems.map { "\(Self.target) on \(server.dialect): \($0)" }, chain: name,
                           cell: Cell(target: Self.target, dialect: server.dialect))
    }

    /// One hard chain of Fixtures/framework-chains on one dialect (SQLite in a folder of its own).
    func hardChainRoundTrip(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        let folder = try temporaryFolder("\(Self.target)-chain-db")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let server = try FrameworkChain.server(dialect, sqliteFolder: folder) else { return }
        try roundTrip(server: server, chain: chain.load(), name: "framework-chain \(chain.name)")
    }
}
