import ArgumentParser
import Foundation
import MGenSpec
import MGenVerify

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Print the schema of a database as stable JSON (sorted; same schema, same bytes).",
        discussion: "Compare two snapshots with `mgen diff before.json after.json`.")

    @Option(help: "The database: sqlite:PATH, postgres://… or mysql://….") var db: String
    @Option(help: "Tables to leave out, comma-separated.") var exclude: String?
    @Flag(name: .customLong("exclude-bookkeeping"), help: "Also leave out migration frameworks' own tables (goose_db_version, schema_migrations, …).")
    var excludeBookkeeping = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let url = try databaseURL(db, option: "--db")
            var excluded = Set((exclude ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            if excludeBookkeeping { excluded.formUnion(frameworkBookkeepingTables) }
            do {
                // SQLite read-only: a missing file is an error, not a new empty database.
                let connection: Database = url.dialect == .sqlite ? try SQLiteDatabase(path: url.database ?? ":memory:", readOnly: true) : try open(url)
                defer { connection.close() }
                print(try introspect(connection, exclude: excluded).jsonString(), terminator: "")
            } catch {
                throw DiagnosticError(Diagnostic("\(error)", object: url.description))
            }
        }
    }
}
