import ArgumentParser
import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenSQL

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Import a folder of migrations and emit it for another target in one step.",
        discussion: "No specs are left behind unless --keep-specs DIR. The report is the import's.")

    @OptionGroup var source: ImportSource
    @Option(help: "The target to write (see `mgen targets`).") var to: String
    @Option(help: "The folder to write the converted migrations into.") var out: String
    @Option(name: .customLong("keep-specs"), help: "Also write the specs into this folder.") var keepSpecs: String?
    @Option(help: "sequence or timestamp (where the target allows both).") var versioning: String?

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let emitter = try EmitterRegistry.require(to)
            let result = try source.run(specFolder: keepSpecs ?? "(converted)")
            let chain = try MigrationChain.build(result.migrations)
            var scheme: Versioning?
            if let versioning {
                guard let parsed = Versioning(rawValue: versioning) else {
                    throw DiagnosticError(Diagnostic("unknown versioning '\(versioning)'", object: "--versioning", fix: "use sequence or timestamp"))
                }
                scheme = parsed
            }
            guard let dialect = Dialect(name: result.report.dialect) else { return }
            let plan = try EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: dialect, output: out, versioning: scheme))
            if let keepSpecs { _ = try ImportEngine.write(result, to: keepSpecs, force: false) }
            let written = try EmitEngine.write(plan, force: false)
            source.printReport(result.report)
            if !source.json { print("\(emitter.name) → \(out): \(written.count) file(s) written") }
        }
    }
}
