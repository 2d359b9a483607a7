import ArgumentParser
import Foundation
import MGenEmit
import MGenSpec

@main
struct MGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mgen",
        abstract: "One neutral YAML migration spec in; native migrations for your framework out.",
        discussion: "Specs live in Specs/ (see docs/spec.md); `mgen.yaml` names the default targets.",
        version: "0.1.0",
        subcommands: [Init.self, New.self, Validate.self, SQL.self, Emit.self, Targets.self, Verify.self, Snapshot.self, Diff.self,
                      Lint.self, Import.self, Convert.self, Baseline.self]
    )

    /// ArgumentParser reports an unknown subcommand as an unexpected argument; say which command
    /// was probably meant instead.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-") {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
            if !names.contains(first) {
                let hint = closestMatch(to: first, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                printErr(Diagnostic("unknown command '\(first)'\(hint)", object: "mgen",
                                    fix: "commands: \(names.dropLast().joined(separator: ", ")); `mgen --help` describes them").description)
                Foundation.exit(64)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Shell completions for the options that take a fixed set of values.
enum Completions {
    static let dialects = CompletionKind.list(["postgresql", "mysql", "mariadb", "sqlite"])
    static var targets: CompletionKind { .list(EmitterRegistry.all.map(\.name)) }
}

/// Prints diagnostics the way compilers do and turns them into a non-zero exit.
func report(_ error: DiagnosticError) -> ExitCode {
    printErr(error.description)
    let count = error.diagnostics.filter { $0.severity == .error }.count
    if count > 1 { printErr("\(count) errors") }
    return ExitCode(1)
}

/// Large results kept alive until the process exits: freeing a thousand migrations' states one
/// by one takes longer than the work that made them, and the operating system frees it all at once.
nonisolated(unsafe) var keptUntilExit: [Any] = []

func printErr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Options every command that reads specs shares.
struct SpecOptions: ParsableArguments {
    @Argument(help: "Spec files or folders (default: the `specs` folder of mgen.yaml, else Specs/).")
    var paths: [String] = []

    /// The chain the paths belong to. A single file brings its folder along: a migration is only
    /// meaningful after the ones before it.
    func loadChain(config: ProjectConfig?) throws(DiagnosticError) -> (MigrationChain, selected: Set<String>?) {
        var paths = self.paths
        if paths.isEmpty { paths = [config?.specs ?? "Specs"] }
        var folders: [String] = []
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
                let folder = (path as NSString).deletingLastPathComponent
                folders.append(folder.isEmpty ? "." : folder)
            } else {
                folders.append(path)
            }
        }
        let chain = try MigrationChain.load(paths: Array(Set(folders)).sorted())
        keptUntilExit.append(chain)
        guard !chain.migrations.isEmpty else {
            throw DiagnosticError(Diagnostic("no specs (*.yaml) in \(paths.joined(separator: ", "))", object: paths.joined(separator: ", "),
                                             fix: "write one with `mgen new NAME` (or `mgen init` for a project with a first example)"))
        }
        guard !files.isEmpty else { return (chain, nil) }
        let wanted = Set(files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let selected = Set(chain.migrations.filter { wanted.contains(URL(fileURLWithPath: $0.migration.file).standardizedFileURL.path) }.map(\.id))
        return (chain, selected)
    }
}

func parseDialect(_ name: String?, config: ProjectConfig?) throws(DiagnosticError) -> Dialect? {
    guard let name = name ?? config?.dialect else { return nil }
    do { return try Dialect.parse(name) } catch {
        throw DiagnosticError(Diagnostic(error.message, object: "--dialect", fix: error.fix))
    }
}

/// The dialect given on the command line (typed, parsed by ArgumentParser), else mgen.yaml's.
func resolveDialect(_ option: Dialect?, config: ProjectConfig?) throws(DiagnosticError) -> Dialect? {
    if let option { return option }
    return try parseDialect(nil, config: config)
}

/// The dialect and the server rendered for: `--db-version mysql@8.0.35` (its dialect; a --dialect
/// beside it must agree), else --dialect, else mgen.yaml's `dialect:` (`configText`, a target's
/// own or the project's). A version is used only where one is written (`mysql@8.0.29`, or
/// mgen.yaml's `dialect: mysql@8.0.29` for a --dialect of the same family): a bare `mysql`
/// renders what every MySQL and MariaDB accepts, as it always has.
func resolveServer(_ dbVersion: String?, dialect option: Dialect?, configText: String?) throws(DiagnosticError) -> (dialect: Dialect?, server: DatabaseTarget?) {
    func parse(_ text: String, object: String) throws(DiagnosticError) -> DatabaseTarget {
        switch DatabaseTarget.parse(text, for: .render, object: object) {
        case let .success(target): return target
        case let .failure(diagnostic): throw DiagnosticError(diagnostic)
        }
    }
    if let dbVersion {
        let server = try parse(dbVersion, object: "--db-version")
        if let option, option != server.engine.dialect {
            throw DiagnosticError(Diagnostic("--dialect \(option) does not match --db-version \(server)", object: "--dialect",
                                             fix: "leave --dialect out: --db-version names the dialect (\(server.engine.dialect))"))
        }
        return (server.engine.dialect, server)
    }
    let configDialect: Dialect?
    do { configDialect = try configText.map(Dialect.parse) } catch {
        throw DiagnosticError(Diagnostic(error.message, object: "mgen.yaml dialect", fix: error.fix))
    }
    let dialect = option ?? configDialect
    guard let configText, configText.contains("@"), configDialect == dialect else { return (dialect, nil) }
    return (dialect, try parse(configText, object: "mgen.yaml dialect"))
}

/// `--db-version`, shared by the commands that render.
struct ServerOption: ParsableArguments {
    @Option(name: .customLong("db-version"),
            help: "The server to render for: mysql@8.0.35, mariadb@10.11, postgresql@15, sqlite (MySQL/MariaDB: the ALGORITHM each version takes; default: what every MySQL 8.0.12+ and MariaDB 10.5+ takes).")
    var dbVersion: String?
}

/// A command-line value that does not parse: ArgumentParser prints the description after
/// "The value 'x' is invalid for '--dialect <dialect>': ".
struct ArgumentProblem: Error, CustomStringConvertible {
    var message: String
    var fix: String?
    var description: String { message + (fix.map { "; \($0)" } ?? "") }
}

extension Dialect {
    /// A dialect by any of its names; `postgresql@15` is postgresql (the version is the linter's
    /// business, see lintTarget). A typo gets a suggestion.
    static func parse(_ name: String) throws(ArgumentProblem) -> Dialect {
        let bare = String(name.split(separator: "@", maxSplits: 1).first ?? "")
        guard let dialect = Dialect(name: bare) else {
            let hint = closestMatch(to: bare, in: allValueStrings).map { " (did you mean '\($0)'?)" } ?? ""
            throw ArgumentProblem(message: "unknown dialect '\(name)'\(hint)", fix: "use postgresql, mysql (or mariadb) or sqlite")
        }
        return dialect
    }

    /// `--dialect`'s parser, for `@Option(transform:)`.
    static func argument(_ text: String) throws -> Dialect { try parse(text) }
}

/// `--dialect` and `--versioning` are typed values: ArgumentParser parses them once, completes
/// them, and lists them in `--help`.
extension Dialect: ExpressibleByArgument {
    public init?(argument: String) {
        guard let dialect = try? Dialect.parse(argument) else { return nil }
        self = dialect
    }
    public static var allValueStrings: [String] { ["postgresql", "mysql", "mariadb", "sqlite"] }
    public static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
}

extension Versioning: ExpressibleByArgument {}

func printWarnings(_ warnings: [Diagnostic]) {
    for warning in warnings { printErr(warning.description) }
}
