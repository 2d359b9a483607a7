import ArgumentParser
import MGenSpec
import MGenSQL

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check specs: fields, types, the chain, and every operation against the schema before it.",
        discussion: "With --dialect (or mgen.yaml's dialect) it also renders each spec, so what a dialect cannot do is an error too.")

    @OptionGroup var specs: SpecOptions
    @Option(help: "Also check that every operation can be rendered for this dialect.", completion: Completions.dialects) var dialect: String?

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            let (chain, _) = try specs.loadChain(config: config)
            var dialects: [Dialect] = []
            if let dialect = try parseDialect(dialect, config: config) { dialects = [dialect] }
            for output in config?.outputs ?? [] {
                if let d = output.dialect.flatMap(Dialect.init(name:)), !dialects.contains(d) { dialects.append(d) }
            }
            for dialect in dialects { _ = try SQLRenderer(dialect: dialect).render(chain) }
            printWarnings(chain.migrations.flatMap(\.warnings))
            let checked = dialects.isEmpty ? "" : " for \(dialects.map(\.rawValue).joined(separator: ", "))"
            print("ok: \(chain.migrations.count) spec(s) valid\(checked)")
        }
    }
}
