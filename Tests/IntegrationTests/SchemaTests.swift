import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// Spec 1.1: PostgreSQL schemas on a real database.
/// - Fixtures/framework-chains/schemas (a schema, tables in it referenced from the default schema
///   and back, altered, indexed, renamed, dropped, and the schema dropped) through every cell of
///   the generative harness: `mgen verify` with seeded rows, the SQL-file targets as their runners
///   send them, Alembic, Django, Peewee, ActiveRecord, TypeORM, and Knex / Sequelize syntax.
/// - A hand-written down that forgets its DROP SCHEMA, or a table in the schema, fails verify
///   naming what is left (before snapshots read other schemas, it passed).
@Suite(.serialized) struct SchemaTests {
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func everyCell() throws {
        guard let server = try GeneratedHarness.server(.postgresql) else { return }
        let chain = try FrameworkChain(name: "schemas", dialects: [.postgresql]).load()
        let outcomes = GeneratedHarness.run(chain, dialect: .postgresql, server: server)
        #expect(outcomes.count == GeneratedHarness.targets(for: .postgresql).count)
        for outcome in outcomes {
            #expect(outcome.refused == nil, "\(outcome.cell) refused: \(outcome.refused ?? "")")
            #expect(outcome.problems.isEmpty, "\(outcome.cell):\n\(outcome.problems.map { "\($0.step): \($0.message)" }.joined(separator: "\n"))")
        }
    }

    /// Enum types in a schema (made, changed, renamed, used by columns in and out of it, dropped),
    /// and views, a materialized view and a sequence in one, through every cell
    /// (Fixtures/framework-chains/schema-enum-types, schema-views).
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)), arguments: ["schema-enum-types", "schema-views", "schema-functions", "schema-rename", "schema-update-from"])
    func objectsInASchemaEveryCell(_ name: String) throws {
        guard let server = try GeneratedHarness.server(.postgresql) else { return }
        let chain = try FrameworkChain(name: name, dialects: [.postgresql]).load()
        let outcomes = GeneratedHarness.run(chain, dialect: .postgresql, server: server)
        #expect(outcomes.count == GeneratedHarness.targets(for: .postgresql).count)
        for outcome in outcomes {
            #expect(outcome.refused == nil, "\(outcome.cell) refused: \(outcome.refused ?? "")")
            #expect(outcome.problems.isEmpty, "\(outcome.cell):\n\(outcome.problems.map { "\($0.step): \($0.message)" }.joined(separator: "\n"))")
        }
    }

    /// A down that forgets an enum type of another schema fails verify naming it (snapshots read
    /// only the current schema's types before).
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func forgottenEnumTypeInASchemaFailsVerify() throws {
        let text = """
            mgen: 1
            id: "0001"
            name: billing
            operations:
              - create_schema: {name: billing}
              - create_enum_type: {schema: billing, name: level, values: [low, high]}
            down:
              - sql: "SELECT 1"

            """
        let failure = try #require(try Self.verifyFailure(text), "a down that leaves an enum type of a schema must fail")
        #expect(failure.kind == .downDoesNotRestore)
        let lines = failure.lines.joined(separator: "\n")
        #expect(lines.contains("enum type billing.level (low, high)"), "\(lines)")
    }

    /// The failure `verify` (snapshots checked, PostgreSQL) reports for a one-spec chain; nil if it passes.
    static func verifyFailure(_ texts: String...) throws -> VerifyFailure? {
        let chain = try MigrationChain.build(texts.enumerated().map { try SpecLoader.load(text: $1, file: "forgotten\($0).yaml") })
        return try verify(VerifyMigration.render(chain, dialect: .postgresql), at: DBEnv.url(DBEnv.pgKey),
                          options: VerifyOptions(checkSnapshots: true)).failure
    }

    /// A down that forgets a view or a sequence of another schema fails verify naming it.
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func forgottenViewAndSequenceInASchemaFailVerify() throws {
        let text = """
            mgen: 1
            id: "0001"
            name: billing
            operations:
              - create_schema: {name: billing}
              - create_view: {schema: billing, name: answers, sql: "SELECT 42 AS answer"}
              - create_sequence: {schema: billing, name: numbers}
            down:
              - sql: "SELECT 1"

            """
        let failure = try #require(try Self.verifyFailure(text), "a down that leaves a view and a sequence of a schema must fail")
        let lines = failure.lines.joined(separator: "\n")
        #expect(lines.contains("view billing.answers"), "\(lines)")
        #expect(lines.contains("sequence billing.numbers"), "\(lines)")
    }

    /// A down that forgets a function of another schema, or a trigger on a table of one, fails
    /// verify naming it (snapshots read only the current schema's functions and triggers before).
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func forgottenFunctionAndTriggerInASchemaFailVerify() throws {
        let text = """
            mgen: 1
            id: "0001"
            name: billing
            operations:
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_function: {schema: billing, name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}
              - create_trigger: {schema: billing, name: stamp, table: invoices, timing: before, events: [update], function: {schema: billing, name: touch}}
            down:
              - sql: "DROP TABLE billing.invoices"

            """
        let failure = try #require(try Self.verifyFailure(text), "a down that leaves a function of a schema must fail")
        let lines = failure.lines.joined(separator: "\n")
        #expect(lines.contains("function billing.touch()"), "\(lines)")
        // A later spec's trigger on that table, its down forgetting it.
        let withFunction = """
            mgen: 1
            id: "0001"
            name: billing
            operations:
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_function: {schema: billing, name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}

            """
        let trigger = """
            mgen: 1
            id: "0002"
            name: stamp
            operations:
              - create_trigger: {schema: billing, name: stamp, table: invoices, timing: before, events: [update], function: {schema: billing, name: touch}}
            down:
              - sql: "SELECT 1"

            """
        let triggerFailure = try #require(try Self.verifyFailure(withFunction, trigger), "a down that leaves a trigger on a table of a schema must fail")
        let triggerLines = triggerFailure.lines.joined(separator: "\n")
        #expect(triggerLines.contains("trigger billing.stamp"), "\(triggerLines)")
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func forgottenSchemaAndTableFailVerify() throws {
        let text = """
            mgen: 1
            id: "0001"
            name: billing
            operations:
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
            down:
              - sql: "SELECT 1"

            """
        let failure = try #require(try Self.verifyFailure(text), "a down that leaves a schema and its table must fail")
        #expect(failure.kind == .downDoesNotRestore)
        let text2 = failure.lines.joined(separator: "\n")
        #expect(text2.contains("schema billing"), "\(text2)")
        #expect(text2.contains("table billing.invoices"), "\(text2)")
    }
}
