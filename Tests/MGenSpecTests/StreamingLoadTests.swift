import Foundation
import MGenSpec
import MGenTestSupport
import Testing

/// `MigrationChain.load(paths:)` overlaps reading and replaying; it must give exactly what
/// `build(SpecLoader.load(paths:))` gives, results and problems alike, in order or not.
@Suite struct StreamingLoadTests {
    /// A folder of `count` specs (enough to take the overlapped path); `edit` changes some.
    func chainFolder(_ count: Int = 40, edit: (Int, String) -> String = { $1 }) throws -> String {
        let folder = try temporaryFolder("stream")
        for i in 1...count {
            let id = String(format: "%05d", i)
            let text = """
            mgen: 1
            id: "\(id)"
            name: table_\(i)
            operations:
              - create_table:
                  table: t\(i)
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
              - add_column:
                  table: t\(i)
                  column: {name: email, type: string(255)}
              - create_index: {table: t\(i), columns: [email], unique: true}

            """
            try edit(i, text).write(toFile: "\(folder)/\(id)_table_\(i).yaml", atomically: true, encoding: .utf8)
        }
        return folder
    }

    func outcome(_ body: () throws(DiagnosticError) -> MigrationChain) -> Result<[String], DiagnosticError> {
        do throws(DiagnosticError) {
            let chain = try body()
            return .success(chain.migrations.map { "\($0.id) \($0.up.count) \($0.down?.count ?? -1) \($0.parent ?? "-")" } + chain.final.tableNames)
        } catch { return .failure(error) }
    }

    func expectSame(_ folder: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
        let streamed = outcome { () throws(DiagnosticError) in try MigrationChain.load(paths: [folder]) }
        let general = outcome { () throws(DiagnosticError) in try MigrationChain.build(SpecLoader.load(paths: [folder])) }
        switch (streamed, general) {
        case let (.success(a), .success(b)):
            #expect(a == b, sourceLocation: sourceLocation)
            return []
        case let (.failure(a), .failure(b)):
            #expect(a.diagnostics.map(\.description) == b.diagnostics.map(\.description), sourceLocation: sourceLocation)
            return a.diagnostics
        default:
            Issue.record("one path failed and the other did not: \(streamed) vs \(general)", sourceLocation: sourceLocation)
            return []
        }
    }

    @Test func inOrderChainIsBuiltAlike() throws {
        let folder = try chainFolder()
        #expect(expectSame(folder).isEmpty)
        let chain = try MigrationChain.load(paths: [folder])
        #expect(chain.migrations.count == 40)
        #expect(chain.migrations[1].parent == "00001")
    }

    @Test func idsOutOfFileOrderFallBack() throws {
        let folder = try chainFolder { i, text in i == 10 ? text.replacingOccurrences(of: "id: \"00010\"", with: "id: \"00050\"") : text }
        #expect(expectSame(folder).isEmpty)
        #expect(try MigrationChain.load(paths: [folder]).migrations.last?.id == "00050")
    }

    @Test func problemsAreReportedAlike() throws {
        let later = try chainFolder { i, text in i == 5 ? text + "depends_on: [\"00007\"]\n" : text }
        #expect(expectSame(later).first?.message.contains("does not come before") == true)
        let replay = try chainFolder { i, text in i == 12 ? text.replacingOccurrences(of: "table: t12\n", with: "table: t11\n") : text }
        #expect(expectSame(replay).first?.message.contains("already exists") == true)
        let yaml = try chainFolder { i, text in i == 30 ? text.replacingOccurrences(of: "identity: true", with: "identiy: true") : text }
        #expect(expectSame(yaml).first?.message.contains("did you mean 'identity'") == true)
        let duplicate = try chainFolder { i, text in i == 20 ? text.replacingOccurrences(of: "id: \"00020\"", with: "id: \"00019\"") : text }
        #expect(expectSame(duplicate).first?.message.contains("duplicate id") == true)
    }
}
