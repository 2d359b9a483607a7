import ArgumentParser
import Foundation
import MGenImport
import MGenSpec
import MGenVerify

/// Options `import` and `convert` share: where the migrations are, their format and dialect.
struct ImportSource: ParsableArguments {
    @Option(help: "The format of the folder: goose, golang-migrate, sql, prisma, flyway, dbmate.") var from: String
    @Argument(help: "The folder of migrations.") var folder: String
    @Option(help: "The dialect of the SQL in the files (postgresql, mysql, sqlite); Prisma folders name theirs.") var dialect: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run(specFolder: String) throws(DiagnosticError) -> ImportResult {
        try ImportEngine.importFolder(folder, format: from, dialect: parseDialect(dialect, config: nil), specFolder: specFolder)
    }

    func printReport(_ report: ImportReport) { Self.printReport(report, json: json) }

    static func printReport(_ report: ImportReport, json: Bool) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let data = try? encoder.encode(report) { print(String(decoding: data, as: UTF8.self)) }
        } else {
            print(report.text)
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read a folder of SQL migrations (goose, golang-migrate, sql, prisma, flyway, dbmate) into specs.",
        discussion: """
        One spec per migration, versions, names and timestamps kept. A statement becomes a spec operation
        only when the operation says exactly what it does; anything else stays a raw `sql` step with the
        original text, and the report says why. See docs/import.md.

        --check --db URL writes nothing and proves the import instead: the original files are applied to a \
        scratch database on that server, the specs emitted back (to the folder's format, or --check-target) \
        to another, and the schemas compared after every migration; exit 1 at the first difference.
        """)

    @OptionGroup var source: ImportSource
    @Option(help: "The folder to write the specs into.") var out: String = "Specs"
    @Flag(help: "Overwrite specs that exist.") var force = false
    @Flag(help: "Write nothing: prove the import on --db (original vs re-emitted schemas after every migration).") var check = false
    @Option(help: "With --check: the server to make the two scratch databases on (sqlite::memory:, postgres://…, mysql://…).") var db: String?
    @Option(name: .customLong("check-target"), help: "With --check: the target to emit back to (default: the folder's format, else sql).")
    var checkTarget: String?

    func run() throws {
        if check {
            var failed = false
            try MGenCLI.run { () throws(DiagnosticError) in
                guard let db else {
                    throw DiagnosticError(Diagnostic("--check needs --db", object: "--db", fix: "e.g. --db sqlite::memory: or --db postgres://user@localhost/postgres"))
                }
                let server = try databaseURL(db, option: "--db")
                let (result, proof) = try ImportCheck.run(folder: source.folder, format: source.from, dialect: parseDialect(source.dialect, config: nil),
                                                         server: server, target: checkTarget)
                source.printReport(result.report)
                if let failure = proof.failure {
                    printErr(failure.description)
                    failed = true
                } else {
                    let downs = proof.downsStopAt.map { "; \(proof.downsEqual) down(s) equal after each (migration \($0) has no down in the original: the downs before it not compared)" }
                        ?? "; \(proof.downsEqual) down(s) equal after each"
                    print("check: \(proof.migrations) migration(s), the original and the re-emitted (\(proof.target)) schemas equal after each" + downs)
                }
            }
            if failed { throw ExitCode(1) }
            return
        }
        try MGenCLI.run { () throws(DiagnosticError) in
            let result = try source.run(specFolder: out)
            let written = try ImportEngine.write(result, to: out, force: force)
            source.printReport(result.report)
            if !source.json { print("wrote \(written.count) spec(s) to \(out)") }
        }
    }
}
