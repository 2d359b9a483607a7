import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The shrunk chains of the generative test (Fixtures/generated/<class>/, written by
/// scripts/generate-chains on the `gen` branch): each once failed. A `validator-…` chain must now
/// be refused by the validator with the message below; every other chain must verify on each
/// dialect its specs are valid for (a dialect rule refusing it there skips that dialect).
enum GeneratedFixtures {
    static let folder = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/generated")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// What the validator says about each validation-error class (a part of the headline).
    static let expectedErrors: [String: String] = [
        "validator-fk-column-type-change": "while the key exists is refused by PostgreSQL and MySQL",
        "validator-identity-default": "cannot have a default set or dropped",
        "validator-pk-nullable": "is part of the primary key and cannot be made nullable",
    ]

    static func expectedError(_ name: String) -> String? {
        expectedErrors.first { name.hasPrefix($0.key) }?.value
    }

    static func specs(_ name: String) -> [String] { [folder.appendingPathComponent(name).path] }

    /// The dialect the chain was generated for (`dialect:` in its fixture.txt).
    static func dialect(_ name: String) -> Dialect? {
        let text = (try? String(contentsOf: folder.appendingPathComponent(name).appendingPathComponent("fixture.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("dialect:") }
            .flatMap { Dialect(rawValue: $0.dropFirst("dialect:".count).trimmingCharacters(in: .whitespaces)) }
    }

    static func check(_ name: String, at url: DatabaseURL) throws {
        if let expected = expectedError(name) {
            let error = #expect(throws: DiagnosticError.self, "\(name) validates") {
                _ = try MigrationChain.build(SpecLoader.load(paths: specs(name)))
            }
            let headlines = error?.diagnostics.map(\.message) ?? []
            #expect(headlines.contains { $0.contains(expected) }, "\(name): \(headlines)")
            return
        }
        let chain = try MigrationChain.build(SpecLoader.load(paths: specs(name)))
        let migrations: [VerifyMigration]
        do {
            let problems = DialectRules.problems(in: chain, for: url.dialect)
            guard problems.isEmpty else { throw DiagnosticError(problems) }
            migrations = try VerifyMigration.render(chain, dialect: url.dialect)
        } catch {
            // Refused for this dialect (a hash index on SQLite): fine, unless it was found on it.
            #expect(dialect(name) != url.dialect, "\(name) is refused on the dialect it was generated for: \(error)")
            return
        }
        let report = try verify(migrations, at: url)
        #expect(report.ok, "\(name) on \(url.dialect):\n\(report.failure?.lines.joined(separator: "\n") ?? "")")
    }
}

@Suite struct GeneratedFixturesSQLiteTests {
    @Test(arguments: GeneratedFixtures.names) func replays(_ name: String) throws {
        try GeneratedFixtures.check(name, at: DatabaseURL("sqlite::memory:"))
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct GeneratedFixturesPostgresTests {
    @Test(arguments: GeneratedFixtures.names) func replays(_ name: String) throws {
        try GeneratedFixtures.check(name, at: DBEnv.url(DBEnv.pgKey))
    }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct GeneratedFixturesMySQLTests {
    @Test(arguments: GeneratedFixtures.names) func replays(_ name: String) throws {
        try GeneratedFixtures.check(name, at: DBEnv.url(DBEnv.mysqlKey))
    }
}
