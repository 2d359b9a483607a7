import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// spec 1.1: data steps. The fixture chain `data-steps` run step by step on a real database, with
/// the rows read back after every up and down: inserts land with their literals intact (quotes,
/// backslashes, booleans, decimals, dates, enums), the joined update fills what the join gives,
/// the insert's derived down deletes exactly its rows, and a delete by rows comes back on the down.
enum DataStepCases {
    static func rows(_ db: Database) throws -> String {
        let roles = try db.query("SELECT id, name, region FROM roles ORDER BY id").map { row in
            "\(row["id"].flatMap { $0 } ?? "?"):\(row["name"].flatMap { $0 } ?? "NULL"):\(row["region"].flatMap { $0 } ?? "NULL")"
        }
        let grants = try db.query("SELECT role_id, area, note FROM grants ORDER BY role_id, area").map { row in
            "\(row["role_id"].flatMap { $0 } ?? "?")/\(row["area"].flatMap { $0 } ?? "?")/\(row["note"].flatMap { $0 } ?? "NULL")"
        }
        return "roles " + roles.joined(separator: " ") + " | grants " + grants.joined(separator: " ")
    }

    static func run(_ url: DatabaseURL) throws {
        let migrations = try VerifyMigration.render(ChainFixtures.chain("data-steps"), dialect: url.dialect)
        try #require(migrations.count == 3)
        try withScratchDatabase(url) { db, _ in
            var seen: [String] = []
            for migration in migrations {
                for statement in migration.up { try db.execute(statement) }
                seen.append(try rows(db))
                if migration.id == "0002" {
                    // The other literals of the seed, as the database holds them.
                    let admin = try #require(try db.query("SELECT admin, level, budget, since FROM roles WHERE id = 1").first)
                    #expect(["t", "1", "true"].contains(admin["admin"].flatMap { $0 } ?? ""), "\(url.dialect): \(admin)")
                    #expect(admin["level"].flatMap { $0 } == "high")
                    #expect(admin["budget"].flatMap { $0 }.flatMap(Double.init) == 12.5)
                    #expect(admin["since"].flatMap { $0 } == "2024-01-31")
                    let budget = try db.query("SELECT budget FROM roles WHERE id = 3").first?["budget"].flatMap { $0 }.flatMap(Double.init)
                    #expect(budget == 0, "the plain update filled the NULL budget")
                }
            }
            for migration in migrations.dropFirst().reversed() {
                for statement in try #require(migration.down) { try db.execute(statement) }
                seen.append(try rows(db))
            }
            let seeded = "roles 1:admin:eu 2:it's a user:eu 3:guest:NULL | grants 1/eu/back\\slash 2/eu/NULL 2/us/NULL"
            #expect(seen == [
                "roles  | grants ",
                seeded,
                "roles 1:admin:eu 2:it's a user:eu | grants 1/eu/back\\slash 2/eu/NULL",
                // 0003's down: the spec's own down for the predicate delete, the derived insert for the row.
                "roles 1:admin:eu 2:it's a user:eu 3:guest:NULL | grants 1/eu/back\\slash 2/eu/NULL 2/us/NULL",
                "roles  | grants ",
            ], "\(url.dialect)")
        }
    }
}

@Suite struct DataStepSQLiteTests {
    @Test func rowsAfterEveryStep() throws { try DataStepCases.run(DatabaseURL("sqlite::memory:")) }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL"))
struct DataStepPostgresTests {
    @Test func rowsAfterEveryStep() throws { try DataStepCases.run(DBEnv.url(DBEnv.pgKey)) }
}

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL"))
struct DataStepMySQLTests {
    @Test func rowsAfterEveryStep() throws { try DataStepCases.run(DBEnv.url(DBEnv.mysqlKey)) }
}
