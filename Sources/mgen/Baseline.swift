import ArgumentParser
import Foundation
import MGenImport
import MGenSpec
import MGenVerify

struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Write a first spec that declares an existing schema, from a live database or a schema dump.",
        discussion: """
        --db reads the tables of a live database (sqlite:PATH, postgres://…, mysql://…; migration frameworks' \
        bookkeeping tables left out). --schema reads `pg_dump --schema-only`, `sqlite3 DB .schema` or \
        `mysqldump --no-data` output (with --dialect). The spec says `baseline: true`: it seeds the replayed \
        state, `mgen emit` writes nothing for it unless --include-baseline, and it is irreversible. Statements \
        the spec cannot say stay raw SQL, as in `mgen import`. How to mark it applied in each framework: docs/targets/.
        """)

    @Option(help: "The live database to read: sqlite:PATH, postgres://… or mysql://….") var db: String?
    @Option(help: "The schema dump to read.") var schema: String?
    @Option(help: "The dialect of the dump (postgresql, mysql, sqlite); --db knows its own.") var dialect: String?
    @Option(help: "Tables to leave out besides the frameworks' bookkeeping (schema_migrations, …), comma-separated.") var exclude: String?
    @Option(help: "The folder to write the spec into.") var out: String = "Specs"
    @Option(help: "The spec's id (it must come before every other spec's).") var id: String = "0000"
    @Flag(help: "Overwrite the spec if it exists.") var force = false
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let result: ImportResult
            switch (db, schema) {
            case let (url?, nil):
                let parsed = try databaseURL(url, option: "--db")
                let connection = try openDatabase(parsed, readOnly: true)
                defer { connection.close() }
                let excluded = frameworkBookkeepingTables.union(splitList(exclude))
                result = try ImportEngine.baseline(db: connection, source: parsed.description, exclude: excluded, id: id, specFolder: out)
            case let (nil, path?):
                guard let dialect = try parseDialect(dialect, config: nil) else {
                    throw DiagnosticError(Diagnostic("--schema needs the dump's dialect", object: "--dialect",
                                                     fix: "pass --dialect postgresql, mysql or sqlite"))
                }
                result = try ImportEngine.baseline(schema: path, dialect: dialect, id: id, specFolder: out,
                                                   exclude: frameworkBookkeepingTables.union(splitList(exclude)))
            default:
                throw DiagnosticError(Diagnostic("give exactly one of --db and --schema", object: "baseline",
                                                 fix: "mgen baseline --db URL, or mgen baseline --schema FILE --dialect DIALECT"))
            }
            let written = try ImportEngine.write(result, to: out, force: force)
            ImportSource.printReport(result.report, json: json)
            if !json { print("wrote \(written.joined(separator: ", "))") }
        }
    }
}

func splitList(_ text: String?) -> Set<String> {
    Set((text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
}

/// A connection for reading a schema; SQLite read-only, so a missing file is an error rather
/// than a new empty database.
func openDatabase(_ url: DatabaseURL, readOnly: Bool) throws(DiagnosticError) -> Database {
    do {
        if url.dialect == .sqlite, readOnly { return try SQLiteDatabase(path: url.database ?? ":memory:", readOnly: true) }
        return try open(url)
    } catch {
        throw DiagnosticError(Diagnostic("cannot connect: \(error)", object: url.description, fix: "check the URL, and that the database runs"))
    }
}
