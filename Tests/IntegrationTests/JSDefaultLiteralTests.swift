import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// Knex and Sequelize take a column default as a JavaScript value: one a double cannot hold
/// exactly (a bigint above 2^53) must reach the database as written, not as the nearest double.
/// Each emitted default is evaluated by node and compared with the spec's digits.
@Suite struct JSDefaultLiteralTests {
    @Test(arguments: ["knex", "sequelize"]) func bigDefaultsKeepTheirDigits(_ target: String) throws {
        let chain = try MigrationChain.build(SpecLoader.load(paths: [ChainFixtures.folder.appendingPathComponent("big-defaults").path]))
        let output = try temporaryFolder("js-big-\(target)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target), options: EmitOptions(dialect: .postgresql, output: output))
        let text = plan.entries.flatMap(\.files).map(\.contents).joined(separator: "\n")
        let pattern = target == "knex" ? #"defaultTo\(([^)]*)\)"# : #"defaultValue: ([^,\n}]*)"#
        let regex = try NSRegularExpression(pattern: pattern)
        let literals = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
        #expect(literals.count == 3, "\(text)")
        let printed = try JSTools.run("node", ["-e", "for (const v of [\(literals.joined(separator: ", "))]) console.log(String(v))"])
        #expect(printed.split(separator: "\n").map(String.init) == ["9007199254740993", "-9007199254740993", "123456789012345678.91"])
    }
}
