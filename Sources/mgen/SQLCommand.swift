import ArgumentParser
import MGenSpec
import MGenSQL

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the up and down SQL of specs for one dialect.",
        discussion: "A single spec file is rendered against the specs before it in its folder.")

    @OptionGroup var specs: SpecOptions
    @Option(help: "postgresql, mysql (MySQL 8 / MariaDB 10.11) or sqlite.") var dialect: String?
    @Flag(help: "Only the up.") var up = false
    @Flag(help: "Only the down.") var down = false
    @Flag(name: .customLong("no-idempotent"), help: "Leave out IF NOT EXISTS / IF EXISTS.") var noIdempotent = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            guard let dialect = try parseDialect(dialect, config: config) else {
                throw DiagnosticError(Diagnostic("no dialect given", object: "--dialect", fix: "pass --dialect postgresql, mysql or sqlite"))
            }
            let (chain, selected) = try specs.loadChain(config: config)
            let renderer = SQLRenderer(dialect: dialect, options: RenderOptions(idempotent: !noIdempotent))
            var out = ""
            for migration in chain.migrations where selected?.contains(migration.id) ?? true {
                let rendered = try renderer.render(migration)
                keptUntilExit.append(rendered)
                if !down {
                    out += "-- \(migration.id) \(migration.name): up\(rendered.upIsTransactional ? "" : " (outside a transaction)")\n"
                    out += rendered.up.map { ($0.comment.map { "-- \($0)\n" } ?? "") + $0.terminated }.joined(separator: "\n") + "\n\n"
                }
                if !up {
                    out += "-- \(migration.id) \(migration.name): down\n"
                    if let statements = rendered.down {
                        out += statements.map { ($0.comment.map { "-- \($0)\n" } ?? "") + $0.terminated }.joined(separator: "\n") + "\n\n"
                    } else {
                        out += "-- irreversible: \(migration.migration.irreversible ?? "")\n\n"
                    }
                }
            }
            print(out, terminator: "")
            printWarnings(chain.migrations.flatMap(\.warnings))
        }
    }
}
