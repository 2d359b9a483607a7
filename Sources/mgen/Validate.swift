import ArgumentParser
import MGenSpec
import MGenSQL

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check specs: fields, types, the chain, and every operation against the schema before it.",
        discussion: "It also checks what each dialect's database would refuse, and renders each spec: for --dialect (or mgen.yaml's dialect, or its outputs' dialects) when given, else for all three.")

    @OptionGroup var specs: SpecOptions
    @Option(help: "Check for this dialect only (default: every dialect mgen.yaml names, else all three).", completion: Completions.dialects, transform: Dialect.argument)
    var dialect: Dialect?

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            let (chain, _) = try specs.loadChain(config: config)
            var dialects: [Dialect] = []
            if let dialect = try resolveDialect(dialect, config: config) { dialects = [dialect] }
            for output in config?.outputs ?? [] {
                if let d = output.dialect.flatMap(Dialect.init(name:)), !dialects.contains(d) { dialects.append(d) }
            }
            // A spec with no dialect named must hold on every dialect.
            if dialects.isEmpty { dialects = Dialect.allCases }
            let problems = dialects.flatMap { DialectRules.problems(in: chain, for: $0) }
            if !problems.isEmpty { throw DiagnosticError(problems) }
            for dialect in dialects { _ = try SQLRenderer(dialect: dialect).render(chain) }
            printWarnings(chain.migrations.flatMap(\.warnings))
            let checked = " for \(dialects.map(\.rawValue).joined(separator: ", "))"
            print("ok: \(chain.migrations.count) spec(s) valid\(checked)")
        }
    }
}
