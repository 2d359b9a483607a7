import ArgumentParser
import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenVerify

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove a chain on a real database: every up, every down back to the start, every up again.",
        discussion: """
        Each down must give back exactly the schema from before its up (column order aside); the \
        second run of the ups must end where the first did. The first problem is reported with a \
        readable diff: '-' missing, '+' left behind, '~' changed. Idempotency: an up whose every \
        statement contains IF NOT EXISTS or IF EXISTS (as SQL words, not in strings or comments) is \
        applied twice in a row and must change nothing the second time; downs are not re-run.

        --db defaults to a fresh in-memory SQLite. On a server, a scratch database is created and \
        dropped afterwards (also on failure or Ctrl-C); only the URL's server and credentials are \
        used, its database need not exist. --in-place verifies in the named database itself \
        instead, starting from the tables it holds. With --target and --dir, the files in \
        that folder are verified as that framework applies them, instead of specs.

        --seed-rows N fills every table with N generated rows before each step and fails when a \
        step loses rows it should keep: every step except dropping a table or column, a narrowing \
        type change, a backfilled column, and raw sql.

        Exit status: 0 verified, 1 a problem (or an error).
        """)

    @OptionGroup var specs: SpecOptions
    @Option(help: "The database: sqlite::memory: (default), sqlite:PATH, postgres://… or mysql://….") var db: String?
    @Option(help: "The dialect to render for: postgresql, mysql or sqlite (default and only choice: the dialect of --db).",
            completion: Completions.dialects, transform: Dialect.argument)
    var dialect: Dialect?
    @OptionGroup var serverOption: ServerOption
    @Option(help: "With --dir: the framework whose files to verify (see `mgen targets`).", completion: Completions.targets) var target: String?
    @Option(help: "A folder of migration files to verify as --target applies them.") var dir: String?
    @Option(name: .customLong("seed-rows"), help: "Rows to insert into every table before each step, to check none is lost.")
    var seedRows = 0
    @Flag(name: .customLong("in-place"), help: "Verify in the --db database itself, not in a scratch database.") var inPlace = false
    @Flag(help: "Print one JSON report instead of progress lines.") var json = false
    @Flag(name: .customLong("no-idempotent"), help: "Render without IF NOT EXISTS / IF EXISTS (no idempotency re-runs).")
    var noIdempotent = false

    func run() throws {
        var verified = true
        try MGenCLI.run { () throws(DiagnosticError) in
            guard seedRows >= 0 else {
                throw DiagnosticError(Diagnostic("--seed-rows must be 0 or more", object: "--seed-rows"))
            }
            let url = try databaseURL(db ?? "sqlite::memory:", option: "--db")
            if let wanted = dialect, wanted != url.dialect {
                throw DiagnosticError(Diagnostic("--dialect \(wanted) does not match the \(url.dialect) database \(url)", object: "--dialect",
                                                 fix: db == nil ? "verifying \(wanted) needs a server: pass --db (e.g. \(wanted == .mysql ? "mysql://root@127.0.0.1:3306/mysql" : "postgres://postgres@localhost:5432/postgres"))"
                                                     : "leave --dialect out: it follows --db"))
            }
            let (rendered, server) = try resolveServer(serverOption.dbVersion, dialect: nil, configText: nil)
            if let rendered, rendered != url.dialect {
                throw DiagnosticError(Diagnostic("--db-version \(serverOption.dbVersion ?? "") is not a \(url.dialect) server like --db", object: "--db-version",
                                                 fix: "name the server --db points at (e.g. \(url.dialect == .mysql ? "mariadb@10.11" : url.dialect == .postgresql ? "postgresql@15" : "sqlite"))"))
            }
            let migrations = try loadMigrations(dialect: url.dialect, server: server)
            let options = VerifyOptions(seedRows: seedRows)
            let report: VerifyReport
            do {
                report = try MGenVerify.verify(migrations, at: url, inPlace: inPlace, options: options) { step in
                    if !json { print(step.line) }
                }
            } catch let error as DiagnosticError {
                throw error
            } catch {
                throw DiagnosticError(Diagnostic("\(error)", object: url.description))
            }
            if json {
                do { print(try report.jsonString(), terminator: "") } catch {
                    throw DiagnosticError(Diagnostic("cannot encode the report: \(error)"))
                }
            } else {
                for line in report.closingLines { print(line) }
            }
            verified = report.ok
        }
        if !verified { throw ExitCode(1) }
    }

    /// Specs rendered for the database's dialect, or the files of --dir as --target reads them.
    private func loadMigrations(dialect: Dialect, server: DatabaseTarget?) throws(DiagnosticError) -> [VerifyMigration] {
        guard let dir else {
            if target != nil {
                throw DiagnosticError(Diagnostic("--target needs --dir: the folder of files to verify", object: "--target",
                                                 fix: "pass --dir, or leave --target out to verify specs"))
            }
            let (chain, _) = try specs.loadChain(config: try ProjectConfig.load())
            if !json { printWarnings(chain.migrations.flatMap(\.warnings)) }
            return try VerifyMigration.render(chain, dialect: dialect, options: RenderOptions(idempotent: !noIdempotent, server: server))
        }
        guard let target else {
            throw DiagnosticError(Diagnostic("--dir needs --target: which framework's files are in \(dir)", object: "--dir",
                                             fix: "pass --target goose (or golang-migrate, sql, prisma)"))
        }
        guard specs.paths.isEmpty else {
            throw DiagnosticError(Diagnostic("give either spec paths or --dir, not both", object: "--dir"))
        }
        let emitter = try EmitterRegistry.require(target)
        guard emitter.dialects.contains(dialect) else {
            throw DiagnosticError(Diagnostic("target \(emitter.name) does not support \(dialect)", object: "--target"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DiagnosticError(Diagnostic("no such folder", object: dir))
        }
        let disk = try emitter.scan(dir)
        guard !disk.isEmpty else {
            throw DiagnosticError(Diagnostic("no \(emitter.name) migrations in this folder", object: dir,
                                             fix: "layout: \(emitter.layout)"))
        }
        return disk.map(VerifyMigration.init)
    }
}

/// Parses a URL from the command line into a diagnostic on failure.
func databaseURL(_ text: String, option: String) throws(DiagnosticError) -> DatabaseURL {
    do { return try DatabaseURL(text) } catch {
        throw DiagnosticError(Diagnostic("\(error)", object: option,
                                         fix: "e.g. sqlite::memory:, sqlite:app.db, postgres://user@localhost:5432/db, mysql://root@127.0.0.1:3306/db"))
    }
}
