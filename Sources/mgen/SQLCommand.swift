import ArgumentParser
import MGenSpec
import MGenSQL

struct SQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Print the up and down SQL of specs for one dialect.",
        discussion: "A single spec file is rendered against the specs before it in its folder.")

    @OptionGroup var specs: SpecOptions
    @Option(help: "postgresql, mysql (MySQL 8 / MariaDB 10.11) or sqlite.", completion: Completions.dialects, transform: Dialect.argument)
    var dialect: Dialect?
    @OptionGroup var serverOption: ServerOption
    @Flag(help: "Only the up.") var up = false
    @Flag(help: "Only the down.") var down = false
    @Flag(name: .customLong("no-idempotent"), help: "Leave out IF NOT EXISTS / IF EXISTS.") var noIdempotent = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            let (chosen, server) = try resolveServer(serverOption.dbVersion, dialect: dialect, configText: config?.dialect)
            guard let dialect = chosen else {
                throw DiagnosticError(Diagnostic("no dialect given", object: "--dialect", fix: "pass --dialect postgresql, mysql or sqlite"))
            }
            let (chain, selected) = try specs.loadChain(config: config)
            let renderer = SQLRenderer(dialect: dialect, options: RenderOptions(idempotent: !noIdempotent, server: server))
            try renderer.checkLimits(chain)
            let wanted = selected.map { ids in chain.migrations.filter { ids.contains($0.id) } } ?? chain.migrations
            let (up, down) = (up, down)
            let scripts = try renderer.render(wanted) { $0.script(up: !down, down: !up) }
            keptUntilExit.append(scripts)
            print(scripts.joined(), terminator: "")
            printWarnings(chain.migrations.flatMap(\.warnings))
        }
    }
}
