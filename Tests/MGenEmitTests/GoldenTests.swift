import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// Every example spec, for every target and every dialect it supports, against the files in
/// Golden/<target>/<dialect>/. Regenerate with MGEN_UPDATE_GOLDEN=1 and read the diff.
@Suite struct GoldenTests {
    static let update = ProcessInfo.processInfo.environment["MGEN_UPDATE_GOLDEN"] == "1"
    static let cases: [(String, Dialect)] = EmitterRegistry.all.flatMap { e in e.dialects.map { (e.name, $0) } }

    @Test(arguments: cases)
    func golden(target: String, dialect: Dialect) throws {
        let emitter = try EmitterRegistry.require(target)
        let output = try temporaryFolder("golden")
        defer { try? FileManager.default.removeItem(atPath: output) }
        // Targets that need an app (Django) get `blog`; the others ignore it.
        let plan = try EmitEngine.plan(try exampleChain(), emitter: emitter,
                                       options: EmitOptions(dialect: dialect, output: output, targetOptions: ["app": "blog"]))
        try EmitEngine.write(plan, force: false)
        let produced = filesUnder(output)
        let goldenFolder = packageRoot.appendingPathComponent("Tests/MGenEmitTests/Golden/\(target)/\(dialect.rawValue)").path

        if Self.update {
            try? FileManager.default.removeItem(atPath: goldenFolder)
            for (path, text) in produced { try writeAtomically(text, to: "\(goldenFolder)/\(path)") }
            return
        }
        let expected = filesUnder(goldenFolder)
        #expect(!expected.isEmpty, "no golden files in \(goldenFolder): run with MGEN_UPDATE_GOLDEN=1")
        #expect(Set(produced.keys) == Set(expected.keys), "files differ from the golden set for \(target)/\(dialect)")
        for (path, text) in produced.sorted(by: { $0.key < $1.key }) {
            #expect(text == expected[path], "\(target)/\(dialect)/\(path) differs from its golden file")
        }
    }

    /// Golden folders with no matching target/dialect are stale and would hide nothing.
    @Test func noStaleGoldenFolders() throws {
        let root = packageRoot.appendingPathComponent("Tests/MGenEmitTests/Golden").path
        let expected = Set(Self.cases.map { "\($0.0)/\($0.1.rawValue)" })
        var found = Set<String>()
        for target in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            for dialect in (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/\(target)")) ?? [] {
                found.insert("\(target)/\(dialect)")
            }
        }
        #expect(found == expected)
    }
}
