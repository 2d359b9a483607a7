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
        subcommands: [Init.self, Validate.self, SQL.self, Emit.self, Targets.self, Verify.self, Snapshot.self, Diff.self,
                      Import.self, Convert.self, Baseline.self]
    )
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
        guard !files.isEmpty else { return (chain, nil) }
        let wanted = Set(files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let selected = Set(chain.migrations.filter { wanted.contains(URL(fileURLWithPath: $0.migration.file).standardizedFileURL.path) }.map(\.id))
        return (chain, selected)
    }
}

func parseDialect(_ name: String?, config: ProjectConfig?) throws(DiagnosticError) -> Dialect? {
    guard let name = name ?? config?.dialect else { return nil }
    guard let dialect = Dialect(name: name) else {
        throw DiagnosticError(Diagnostic("unknown dialect '\(name)'", object: "--dialect", fix: "use postgresql, mysql (or mariadb) or sqlite"))
    }
    return dialect
}

func printWarnings(_ warnings: [Diagnostic]) {
    for warning in warnings { printErr(warning.description) }
}
