import ArgumentParser
import Foundation
import MGenSpec
import MGenVerify

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print what differs between two schema snapshots (from `mgen snapshot`).",
        discussion: """
        One line per difference: '-' only in the first, '+' only in the second, '~' in both but \
        different. Exit status, as diff(1): 0 when equal (nothing printed), 1 when different, \
        2 when a file cannot be read.
        """)

    @Argument(help: "The first snapshot (JSON).") var before: String
    @Argument(help: "The second snapshot (JSON).") var after: String

    func run() throws {
        let a: SchemaSnapshot, b: SchemaSnapshot
        do {
            a = try Self.load(before)
            b = try Self.load(after)
        } catch {
            printErr(error.description)
            throw ExitCode(2)
        }
        let lines = SnapshotDiff(a, b).render()
        for line in lines { print(line) }
        if !lines.isEmpty { throw ExitCode(1) }
    }

    static func load(_ path: String) throws(DiagnosticError) -> SchemaSnapshot {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DiagnosticError(Diagnostic("cannot read file: \(error.localizedDescription)", object: path))
        }
        do { return try SchemaSnapshot.decode(data) } catch {
            throw DiagnosticError(Diagnostic("not a schema snapshot: \(error)", object: path, fix: "write one with `mgen snapshot --db URL > \(path)`"))
        }
    }
}
