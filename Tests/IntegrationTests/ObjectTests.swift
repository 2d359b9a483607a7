import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// Spec 1.1: views, functions, triggers, extensions and sequences on real databases.
/// - The object chains of Fixtures/framework-chains (objects-*) through every cell of the
///   generative harness: `mgen verify` with seeded rows, the SQL-file targets as their runners
///   send them, every framework we run (Alembic, Django, Peewee, ActiveRecord, TypeORM on
///   PostgreSQL) and Knex / Sequelize syntax checks.
/// - A chain whose hand-written down forgets a view, a trigger and its function fails verify on
///   each database, naming each object left behind (before snapshots saw objects, it passed).
enum ObjectCases {
    static var chains: [(FrameworkChain, Dialect)] {
        FrameworkChain.cells.filter { $0.0.name.hasPrefix("objects-") }
    }

    static func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        guard let server = try GeneratedHarness.server(dialect) else { return }
        let outcomes = GeneratedHarness.run(try chain.load(), dialect: dialect, server: server)
        #expect(outcomes.count == GeneratedHarness.targets(for: dialect).count)
        for outcome in outcomes {
            #expect(outcome.refused == nil, "\(chain.name): \(outcome.cell) refused: \(outcome.refused ?? "")")
            #expect(outcome.problems.isEmpty, "\(chain.name): \(outcome.cell):\n\(outcome.problems.map { "\($0.step): \($0.message)" }.joined(separator: "\n"))")
        }
    }

    static func forgottenObjectsFail(_ url: DatabaseURL) throws {
        let report = try verify(VerifyCases.fixture("forgotten-objects", url.dialect), at: url, options: VerifyOptions(checkSnapshots: true))
        let failure = try #require(report.failure, "forgotten-objects on \(url.dialect) must fail")
        #expect(failure.kind == .downDoesNotRestore)
        #expect(failure.id == "0002")
        let expected: [String] = switch url.dialect {
        case .postgresql: [
            "+ function touch_note(): returns trigger language plpgsql volatility v BEGIN NEW.touched := 1; RETURN NEW; END;",
            "+ trigger notes_touch on notes: CREATE TRIGGER notes_touch BEFORE INSERT ON public.notes FOR EACH ROW EXECUTE FUNCTION touch_note()",
            "+ view note_bodies: SELECT notes.body FROM notes;",
        ]
        case .mysql: [
            "+ trigger notes_touch on notes: before insert row SET NEW.touched = 1",
            "+ view note_bodies: select `notes`.`body` AS `body` from `notes`",
        ]
        case .sqlite: [
            "+ trigger notes_touch on notes: CREATE TRIGGER notes_touch BEFORE INSERT ON notes FOR EACH ROW BEGIN UPDATE notes SET touched = 1 WHERE id = NEW.id; END",
            "+ view note_bodies: CREATE VIEW note_bodies AS SELECT body FROM notes",
        ]
        }
        #expect(failure.details == expected, "\(url.dialect)")
    }
}

@Suite(.serialized) struct ObjectSQLiteTests {
    @Test(arguments: ObjectCases.chains.filter { $0.1 == .sqlite }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ObjectCases.everyCell(chain, dialect)
    }
    @Test func forgottenObjectsFail() throws { try ObjectCases.forgottenObjectsFail(DatabaseURL("sqlite::memory:")) }
}

@Suite(.serialized, .enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct ObjectPostgresTests {
    @Test(arguments: ObjectCases.chains.filter { $0.1 == .postgresql }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ObjectCases.everyCell(chain, dialect)
    }
    @Test func forgottenObjectsFail() throws { try ObjectCases.forgottenObjectsFail(DBEnv.url(DBEnv.pgKey)) }
}

@Suite(.serialized, .enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct ObjectMySQLTests {
    @Test(arguments: ObjectCases.chains.filter { $0.1 == .mysql }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ObjectCases.everyCell(chain, dialect)
    }
    @Test func forgottenObjectsFail() throws { try ObjectCases.forgottenObjectsFail(DBEnv.url(DBEnv.mysqlKey)) }
}
