import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// What can be proven here of the JavaScript targets without their frameworks (npm is
/// unreachable): every emitted `.js` parses (`node --check`), every emitted `.ts` type-checks
/// (`tsc --noEmit --strict`) against the ambient declarations in Fixtures/js.
@Suite(.serialized) struct JSSyntaxTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var target: String
        var options: [String: String]
        var testDescription: String { ([target] + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    static let variants = [
        Variant(target: "typeorm", options: [:]), Variant(target: "typeorm", options: ["js": "true"]),
        Variant(target: "knex", options: [:]), Variant(target: "knex", options: ["ts": "true"]),
        Variant(target: "sequelize", options: [:]),
    ]

    @Test(arguments: variants, Dialect.allCases)
    func emittedFilesParse(variant: Variant, dialect: Dialect) throws {
        let emitter = try EmitterRegistry.require(variant.target)
        let folder = try temporaryFolder("js-syntax")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = EmitOptions(dialect: dialect, output: folder, targetOptions: variant.options)
        try EmitEngine.write(EmitEngine.plan(try exampleChain(), emitter: emitter, options: options), force: false)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count == 11, "one file per example spec")
        let scripts = files.filter { $0.hasSuffix(".js") }
        let typescript = files.filter { $0.hasSuffix(".ts") }
        for file in scripts { try JSTools.run("node", ["--check", "\(folder)/\(file)"]) }
        if !typescript.isEmpty {
            try JSTools.run("tsc", JSTools.tscArguments(typescript.map { "\(folder)/\($0)" }, outDir: nil))
        }
        #expect(scripts.count + typescript.count == files.count)
    }

    /// The checks are live: a wrong call in a migration fails them.
    @Test func brokenFilesFail() throws {
        let folder = try temporaryFolder("js-broken")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        import type { Knex } from "knex";
        export async function up(knex: Knex): Promise<void> {
          return knex.schema.alterTable('users', function (table) { table.strin('email', 255); });
        }
        """.write(toFile: "\(folder)/20250101000000_broken.ts", atomically: true, encoding: .utf8)
        #expect(throws: JSTools.Failure.self) {
            try JSTools.run("tsc", JSTools.tscArguments(["\(folder)/20250101000000_broken.ts"], outDir: nil))
        }
        try "exports.up = function (knex) { return knex.schema.raw('x') ;;) };".write(toFile: "\(folder)/broken.js", atomically: true, encoding: .utf8)
        #expect(throws: JSTools.Failure.self) { try JSTools.run("node", ["--check", "\(folder)/broken.js"]) }
    }
}
