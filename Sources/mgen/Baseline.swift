import ArgumentParser
import Foundation
import MGenImport
import MGenSpec

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Write a first spec that declares an existing schema, from a schema dump.",
        discussion: """
        --schema reads `pg_dump --schema-only`, `sqlite3 DB .schema` or `mysqldump --no-data` output. The spec
        is irreversible and named baseline; statements the spec cannot say stay raw SQL, as in `mgen import`.
        """)

    @Option(help: "The schema dump to read.") var schema: String
    @Option(help: "The dialect of the dump (postgresql, mysql, sqlite).") var dialect: String
    @Option(help: "The folder to write the spec into.") var out: String = "Specs"
    @Option(help: "The spec's id (it must come before every other spec's).") var id: String = "0000"
    @Flag(help: "Overwrite the spec if it exists.") var force = false
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            guard let dialect = try parseDialect(dialect, config: nil) else { return }
            let result = try ImportEngine.baseline(schema: schema, dialect: dialect, id: id, specFolder: out)
            let written = try ImportEngine.write(result, to: out, force: force)
            ImportSource.printReport(result.report, json: json)
            if !json { print("wrote \(written.joined(separator: ", "))") }
        }
    }
}
