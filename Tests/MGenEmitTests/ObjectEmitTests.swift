import Foundation
@testable import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import Testing

/// Spec 1.1: every target emits views, functions and triggers through its raw-SQL form with a
/// down that restores the previous body (known from the replayed state), and the targets whose
/// runners split on semicolons keep a routine body whole.
@Suite struct ObjectEmitTests {
    static let specs = [
        """
        mgen: 1
        id: "0001"
        name: users
        operations:
          - create_table: {table: users, columns: [{name: id, type: bigint, primary_key: true, identity: true}, {name: email, type: text}]}
          - create_view: {name: emails, sql: "SELECT id, email FROM users"}
        """,
        """
        mgen: 1
        id: "0002"
        name: replace_emails
        operations:
          - replace_view: {name: emails, sql: "SELECT email FROM users WHERE email IS NOT NULL"}
          - create_function:
              name: twice
              arguments: x integer
              returns: integer
              body:
                postgresql: "BEGIN RETURN x * 2; END;"
                mysql: |
                  BEGIN
                    DECLARE y INT;
                    SET y = x * 2;
                    RETURN y;
                  END
        """,
    ]

    func emit(_ target: String, _ dialect: Dialect) throws -> String {
        let chain = try MigrationChain.build(Self.specs.enumerated().map { try SpecLoader.load(text: $1, file: "Specs/000\($0 + 1).yaml") })
        let folder = try temporaryFolder("objects-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = target == "django" ? ["app": "blog"] : [:]
        let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: dialect, output: folder, targetOptions: options))
        let entry = try #require(plan.entries.last)
        return entry.files.map(\.contents).joined(separator: "\n")
    }

    @Test(arguments: EmitterRegistry.all.map(\.name))
    func downRestoresThePreviousBody(_ target: String) throws {
        for dialect in [Dialect.postgresql, .mysql] where try EmitterRegistry.require(target).dialects.contains(dialect) {
            let text = try emit(target, dialect)
            #expect(text.contains("SELECT email FROM users WHERE email IS NOT NULL"), "\(target) × \(dialect): the new body")
            #expect(text.contains("SELECT id, email FROM users"), "\(target) × \(dialect): the old body, in the down")
            #expect(text.contains("twice"), "\(target) × \(dialect)")
        }
    }

    @Test func routineBodiesStayWholeForStatementSplittingRunners() throws {
        #expect(try emit("goose", .mysql).contains("-- +goose StatementBegin\nCREATE FUNCTION `twice`(x integer) RETURNS integer\nBEGIN"))
        #expect(try emit("sql", .mysql).contains("DELIMITER //\nCREATE FUNCTION `twice`(x integer) RETURNS integer\nBEGIN"))
        #expect(try emit("goose", .postgresql).contains("-- +goose StatementBegin\nCREATE FUNCTION \"twice\"(x integer) RETURNS integer\nLANGUAGE plpgsql\nAS $mgen$"))
    }
}
