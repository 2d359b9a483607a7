import Foundation
@testable import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// `drop_index` may leave out `table`: the chain fills it in from the state where the step is
/// prepared, so every emitter gets the same operation as if the spec had named the table.
@Suite struct ResolvedStepTests {
    static func chain(table: Bool) throws -> MigrationChain {
        let create = """
            mgen: 1
            id: "0001"
            name: create_items
            created: 2025-01-01T00:00:00Z
            operations:
              - create_table: {table: items, columns: [{name: id, type: integer, primary_key: true}, {name: code, type: string(20)}]}
              - create_index: {name: items_code_idx, table: items, columns: [code]}
            """
        let drop = """
            mgen: 1
            id: "0002"
            name: drop_items_code_idx
            created: 2025-01-02T00:00:00Z
            operations:
              - drop_index: {name: items_code_idx\(table ? ", table: items" : "")}
            """
        return try MigrationChain.build([SpecLoader.load(text: create, file: "0001.yaml"), SpecLoader.load(text: drop, file: "0002.yaml")])
    }

    @Test func theStepCarriesTheTable() throws {
        let step = try #require(try Self.chain(table: false).migrations[1].up.first)
        #expect(step.operation == .dropIndex(name: "items_code_idx", table: "items", concurrently: false))
    }

    /// Every target and dialect writes the same files as for a spec that names the table (the
    /// header's spec hash aside).
    @Test(arguments: EmitterRegistry.all.map(\.name)) func emittersGetTheTable(_ target: String) throws {
        let emitter = try EmitterRegistry.require(target)
        for dialect in emitter.dialects {
            func files(_ table: Bool) throws -> [String] {
                let output = try temporaryFolder("resolved-\(target)")
                defer { try? FileManager.default.removeItem(atPath: output) }
                let plan = try EmitEngine.plan(Self.chain(table: table), emitter: emitter, options: EmitOptions(dialect: dialect, output: output, targetOptions: ["app": "blog"]))
                return plan.entries.flatMap(\.files).map { file in
                    file.contents.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("sha256") }.joined(separator: "\n")
                }
            }
            let (without, with) = (try files(false), try files(true))
            #expect(without == with, "\(target) on \(dialect): \(without.last ?? "")\n---\n\(with.last ?? "")")
        }
    }
}
