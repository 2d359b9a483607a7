import Foundation
import MGenSpec
import Testing

@Suite struct ProjectConfigTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mgen-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func targetsWithDefaultsAndOptions() throws {
        let path = try write("""
        specs: db/specs
        dialect: mysql
        targets:
          - {target: goose, out: db/migrations, versioning: sequence}
          - {target: django, app: shop, options: {merge: "1"}}
        """)
        let config = try #require(try ProjectConfig.load(path: path))
        #expect(config.specs == "db/specs")
        #expect(config.dialect == "mysql")
        #expect(config.outputs.map(\.target) == ["goose", "django"])
        #expect(config.outputs.map(\.out) == ["db/migrations", nil])
        #expect(config.outputs[0].versioning == "sequence")
        #expect(config.outputs[1].options == ["app": "shop", "merge": "1"])
    }

    @Test func unknownFieldIsReportedWithItsPlace() throws {
        let path = try write("specs: Specs\ntargets:\n  - {target: goose, outt: x}\n")
        let error = try #require(throws: DiagnosticError.self) { _ = try ProjectConfig.load(path: path) }
        #expect(error.diagnostics.first?.message == "unknown field 'outt' in a target (did you mean 'out'?)")
        #expect(error.diagnostics.first?.location?.line == 3)
    }

    @Test func noFileIsNoConfig() throws {
        #expect(try ProjectConfig.load(path: "/nonexistent/mgen.yaml") == nil)
    }
}
