import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// Chains in Fixtures/chains that once broke the SQL layer on a real database (issue 9 §3): each
/// must verify (up, down to zero, up again, schema compared after every down) on all three
/// dialects. Without seeded rows: these chains prove the schema (the seeder is tested elsewhere).
enum ChainFixtures {
    static let folder = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/chains")

    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    static func chain(_ name: String) throws -> MigrationChain {
        try MigrationChain.build(SpecLoader.load(paths: [folder.appendingPathComponent(name).path]))
    }

    static func verifies(_ name: String, at url: DatabaseURL) throws {
        let migrations = try VerifyMigration.render(chain(name), dialect: url.dialect)
        let report = try verify(migrations, at: url)
        let ok = report.ok
        #expect(ok, "\(name) on \(url.dialect):\n\(report.failure?.lines.joined(separator: "\n") ?? "")")
        #expect(report.steps.filter { $0.phase == .down }.count == migrations.count, "\(name): every down ran")
    }
}

@Suite struct ChainFixturesSQLiteTests {
    @Test(arguments: ChainFixtures.names) func verifies(_ name: String) throws {
        try ChainFixtures.verifies(name, at: DatabaseURL("sqlite::memory:"))
    }
    @Test func compositeKeyRefusesNull() throws { try CompositeKeyCases.refusesNull(DatabaseURL("sqlite::memory:")) }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct ChainFixturesPostgresTests {
    @Test(arguments: ChainFixtures.names) func verifies(_ name: String) throws {
        try ChainFixtures.verifies(name, at: DBEnv.url(DBEnv.pgKey))
    }
    @Test func compositeKeyRefusesNull() throws { try CompositeKeyCases.refusesNull(DBEnv.url(DBEnv.pgKey)) }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct ChainFixturesMySQLTests {
    @Test(arguments: ChainFixtures.names) func verifies(_ name: String) throws {
        try ChainFixtures.verifies(name, at: DBEnv.url(DBEnv.mysqlKey))
    }
    @Test func compositeKeyRefusesNull() throws { try CompositeKeyCases.refusesNull(DBEnv.url(DBEnv.mysqlKey)) }
}

/// A table-level composite primary key makes its columns NOT NULL on every dialect (SQLite would
/// accept NULL in them unless told), also after a SQLite table rebuild.
enum CompositeKeyCases {
    static func refusesNull(_ url: DatabaseURL) throws {
        let migrations = try VerifyMigration.render(ChainFixtures.chain("composite-primary-key"), dialect: url.dialect)
        try withScratchDatabase(url) { db, _ in
            for (i, migration) in migrations.enumerated() {
                for statement in migration.up { try db.execute(statement) }
                for column in ["team_id", "user_id"] {
                    let values = column == "team_id" ? "NULL, 'u\(i)'" : "\(i), NULL"
                    #expect(throws: (any Error).self, "\(column) after \(migration.id) on \(url.dialect)") {
                        try db.execute("INSERT INTO memberships (team_id, user_id, role) VALUES (\(values), 'x')")
                    }
                }
            }
        }
    }
}
