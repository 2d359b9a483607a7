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
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
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
