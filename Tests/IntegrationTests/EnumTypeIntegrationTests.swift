// spec 1.1: enum types — the enum-types chain (Fixtures/framework-chains/enum-types) through every
// target × dialect cell of the generative harness (mgen verify with seeded rows, the SQL-file
// runners, Alembic, Django, Peewee, ActiveRecord, TypeORM, and the Knex/Sequelize syntax checks),
// and a down that forgets an enum type failing verify.
import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

@Suite(.serialized) struct EnumTypeIntegrationTests {
    static let folder = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/framework-chains/enum-types").path

    @Test(arguments: Dialect.allCases) func everyCell(_ dialect: Dialect) throws {
        guard let server = try GeneratedHarness.server(dialect) else { return }
        let chain = try MigrationChain.build(SpecLoader.load(paths: [Self.folder]))
        for outcome in GeneratedHarness.run(chain, dialect: dialect, server: server) {
            #expect(outcome.refused == nil, "\(outcome.cell) refused: \(outcome.refused ?? "")")
            KnownIssues.record(outcome.problems.map { "\(outcome.cell): \($0)" }, chain: "framework-chain enum-types", cell: outcome.cell)
        }
    }

    /// A down that leaves the type behind, or gives back other values, is a verify failure.
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey))) func verifySeesEnumTypes() throws {
        func spec(_ down: String) throws -> Migration {
            try SpecLoader.load(text: """
                mgen: 1
                id: "0001"
                name: mood
                operations:
                  - create_enum_type: {name: mood, values: [a, b]}
                down:
                  - \(down)
                """, file: "0001.yaml")
        }
        for (down, line) in [("sql: {up: \"SELECT 1\", down: \"SELECT 1\"}", "+ enum type mood (a, b)"),
                             ("sql: {up: \"DROP TYPE mood; CREATE TYPE mood AS ENUM ('b', 'a')\", down: \"SELECT 1\"}", "+ enum type mood (b, a)")] {
            let migrations = try VerifyMigration.render(MigrationChain.build([spec(down)]), dialect: .postgresql)
            let report = try verify(migrations, at: DBEnv.url(DBEnv.pgKey))
            #expect(!report.ok)
            #expect(report.failure?.lines.contains { $0.trimmingCharacters(in: .whitespaces) == line } == true, "\(report.failure?.lines ?? [])")
        }
    }
}
