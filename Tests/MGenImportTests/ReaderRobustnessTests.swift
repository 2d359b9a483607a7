import Foundation
@testable import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

/// The readers never crash on input: every statement of every fixture, and every prefix of it cut
/// at each token boundary (a truncated file, a statement split wrongly), read on the state the
/// whole folder builds — each reading is operations, raw with a reason, or transaction control.
@Suite struct ReaderRobustnessTests {
    @Test func truncatedStatementsAreReadWithoutCrashing() throws {
        let root = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures").path
        var read = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: root).sorted() {
            let dialect: Dialect
            if folder.hasSuffix("-mysql") { dialect = .mysql } else if folder.hasSuffix("-sqlite") { dialect = .sqlite } else if folder.hasSuffix("-postgresql") { dialect = .postgresql } else { continue }
            guard let format = ["golang-migrate", "goose", "sql", "prisma", "flyway", "dbmate"].first(where: { folder.hasPrefix($0 + "-") }) else { continue }
            let result = try ImportEngine.importFolder("\(root)/\(folder)", format: format, dialect: dialect)
            let state = try MigrationChain.build(result.migrations).final
            let source = try ImporterRegistry.require(format).read("\(root)/\(folder)", dialect: dialect)
            for statement in source.migrations.flatMap({ $0.up + ($0.down ?? []) }) {
                let tokens = SQLTokens(statement.text, backslashEscapes: dialect == .mysql)
                for token in tokens.tokens {
                    let prefix = String(decoding: Array(statement.text.utf8)[..<token.end], as: UTF8.self)
                    let reading = dialect == .postgresql ? PostgresReader.read(prefix, state: state)
                        : DDLReader(dialect: dialect).read(prefix, state: state)
                    if case let .raw(reason, _) = reading { #expect(!reason.isEmpty) }
                    read += 1
                }
            }
        }
        print("reader robustness: \(read) statement prefixes read")
        #expect(read > 1000)
    }
}
