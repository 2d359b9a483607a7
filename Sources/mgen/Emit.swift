import ArgumentParser
import Foundation
import MGenEmit
import MGenSpec
import MGenSQL

struct Emit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Write native migration files for a target framework, chained onto what the folder holds.",
        discussion: """
        With no --target, writes every target listed in mgen.yaml. Without --out (or `out:` in \
        mgen.yaml) each target writes into its framework's usual folder: goose db/migrations, \
        activerecord db/migrate, prisma prisma/migrations, typeorm src/migrations, django \
        <app>/migrations, alembic the versions folder of alembic.ini's script_location, the others \
        migrations. Specs already emitted (recognised by the header naming them) are left alone \
        when unchanged; a file that differs from its spec is an error unless --force. --check \
        changes nothing and fails when a file is missing or out of date; --dry-run changes nothing \
        and lists the files it would write, and why. An interrupted emit is finished by the next \
        one: a lost file of a migration (half of a pair, a migration deleted between two others) is \
        written again under its own version, and the temporary files of a killed emit are removed; \
        --check names each of these.
        """)

    @OptionGroup var specs: SpecOptions
    @Option(help: "The target framework (see `mgen targets`).", completion: Completions.targets) var target: String?
    @Option(help: "postgresql, mysql (MySQL 8 / MariaDB 10.11) or sqlite.", completion: Completions.dialects, transform: Dialect.argument)
    var dialect: Dialect?
    @OptionGroup var serverOption: ServerOption
    @Option(help: "The folder to write into.") var out: String?
    @Option(help: "sequence or timestamp (where the target allows both).") var versioning: Versioning?
    @Option(help: "The version of the first new migration, 20250115093000 (timestamp versioning); later ones follow it by a second.")
    var timestamp: String?
    @Option(help: "A folder of your own skeletons (<target>/<target>.<file>.mustache) overriding the built-in ones.")
    var templates: String?
    @Option(name: .customLong("option"), parsing: .singleValue,
            help: "A target-specific option as key=value (e.g. app=blog for django, head=<rev> or rev-id=<rev> for alembic); repeatable.")
    var targetOptions: [String] = []
    @Option(help: "Django: the app whose migrations/ folder is written (same as --option app=APP).") var app: String?
    @Flag(help: "Overwrite files that exist or are out of date.") var force = false
    @Flag(help: "Write nothing; exit non-zero when a file is missing, out of date, edited by hand, or left by an interrupted emit.") var check = false
    @Flag(name: .customLong("dry-run"), help: "Write nothing; list each file it would write and why (new, changed, unchanged, would refuse).")
    var dryRun = false
    @Flag(name: .customLong("no-idempotent"), help: "Leave out IF NOT EXISTS / IF EXISTS.") var noIdempotent = false
    @Flag(name: .customLong("include-baseline"),
          help: "Also write baseline specs (`baseline: true`), as the framework's initial migration; by default they only seed the state.")
    var includeBaseline = false
    @Option(name: .customLong("lock-timeout"), help: "PostgreSQL: the SET LOCAL lock_timeout of transactional migrations (default 5s; `off`).")
    var lockTimeout: String?
    @Option(name: .customLong("statement-timeout"), help: "PostgreSQL: the SET LOCAL statement_timeout of transactional migrations (default 10min; `off`).")
    var statementTimeout: String?
    @Flag(name: .customLong("no-timeouts"), help: "PostgreSQL: no SET LOCAL timeouts at the top of transactional migrations.") var noTimeouts = false

    /// `--option key=value` pairs, and `--app` (Django's `app`).
    func commandLineOptions() throws(DiagnosticError) -> [String: String] {
        var options: [String: String] = [:]
        for pair in targetOptions {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw DiagnosticError(Diagnostic("--option takes key=value, not '\(pair)'", object: "--option"))
            }
            options[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        if let app { options["app"] = app }
        return options
    }

    /// With --target, its options are checked before anything is loaded (as ArgumentParser
    /// checks its own); the targets of mgen.yaml are checked as each is emitted.
    func validate() throws {
        guard let target else { return }
        do {
            try EmitterRegistry.require(target).validate(options: try commandLineOptions())
        } catch {
            throw ValidationError(error.diagnostics.map { $0.message + ($0.fix.map { "\n  fix: \($0)" } ?? "") }.joined(separator: "\n"))
        }
    }

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            var jobs: [(target: String, dialect: Dialect?, server: DatabaseTarget?, out: String?, versioning: Versioning?, options: [String: String])] = []
            if let target {
                let (chosen, server) = try resolveServer(serverOption.dbVersion, dialect: dialect, configText: config?.dialect)
                jobs = [(target, chosen, server, out, versioning, [:])]
            } else if let outputs = config?.outputs, !outputs.isEmpty {
                // mgen.yaml's values are text: parsed here, with the same errors as on the command line.
                for output in outputs {
                    var scheme = versioning
                    if scheme == nil, let name = output.versioning {
                        guard let parsed = Versioning(rawValue: name) else {
                            throw DiagnosticError(Diagnostic("unknown versioning '\(name)'", object: "--versioning", fix: "use sequence or timestamp"))
                        }
                        scheme = parsed
                    }
                    let (chosen, server) = try resolveServer(serverOption.dbVersion, dialect: dialect, configText: output.dialect ?? config?.dialect)
                    jobs.append((output.target, chosen, server, out ?? output.out, scheme, output.options))
                }
            } else {
                throw DiagnosticError(Diagnostic("no target given", object: "--target",
                                                 fix: "pass --target (see `mgen targets`), or list targets in mgen.yaml (`mgen init` writes one)"))
            }
            if target == nil {
                let given = Set(try commandLineOptions().keys)
                var known: Set<String> = []
                for job in jobs { known.formUnion(try EmitterRegistry.require(job.target).acceptedOptions.map(\.name)) }
                for key in given.subtracting(known).sorted() {
                    throw DiagnosticError(Diagnostic("no target of mgen.yaml takes the option '\(key)'", object: "--option",
                                                     fix: "targets: \(jobs.map(\.target).joined(separator: ", ")); `mgen targets` lists their options"))
                }
            }
            let (chain, _) = try specs.loadChain(config: config)
            printWarnings(chain.migrations.flatMap(\.warnings))
            var problems: [Diagnostic] = []
            for job in jobs {
                let emitter = try EmitterRegistry.require(job.target)
                guard let dialect = job.dialect else {
                    throw DiagnosticError(Diagnostic("no dialect for target \(emitter.name)", object: "--dialect",
                                                     fix: "pass --dialect, or set `dialect:` in mgen.yaml"))
                }
                var extra = job.options
                for (key, value) in try commandLineOptions() {
                    // With several targets from mgen.yaml, each takes the command-line options it knows.
                    if target == nil, !emitter.acceptedOptions.contains(where: { $0.name == key }) { continue }
                    extra[key] = value
                }
                try emitter.validate(options: extra)
                guard let out = job.out ?? emitter.defaultOutput(options: extra) else {
                    throw DiagnosticError(Diagnostic("no output folder for target \(emitter.name)", object: "--out",
                                                     fix: emitter.missingOutputFix(options: extra)))
                }
                let options = EmitOptions(dialect: dialect, output: out, versioning: job.versioning, timestamp: timestamp, force: force,
                                          render: RenderOptions(idempotent: !noIdempotent, timeouts: try timeouts(config), server: job.server), templates: templates ?? config?.templates,
                                          targetOptions: extra, includeBaseline: includeBaseline)
                let plan = try EmitEngine.plan(chain, emitter: emitter, options: options)
                keptUntilExit.append(plan)
                printLintWarnings(chain, specs: Set(plan.changed.map(\.specID)), dialect: dialect, server: job.server, config: config,
                                  runnerLeavesTransaction: emitter.runnerLeavesTransaction)
                if dryRun {
                    for line in dryRunLines(plan) { print(line) }
                    continue
                }
                if check {
                    problems += EmitEngine.check(plan)
                    if EmitEngine.check(plan).isEmpty { print("\(emitter.name) → \(out): \(plan.entries.count) migration(s) up to date") }
                    continue
                }
                let written = try EmitEngine.write(plan, force: force)
                for stale in plan.staleFiles { print("removed \(out)/\(stale) (left by an emit that was killed)") }
                for path in written { print("wrote \(path)") }
                let unchanged = plan.entries.filter { $0.status == .unchanged }.count
                print("\(emitter.name) → \(out): \(plan.changed.count) written, \(unchanged) unchanged")
            }
            if !problems.isEmpty { throw DiagnosticError(problems) }
        }
    }

    /// The timeouts: the options over mgen.yaml's `timeouts:` over the defaults.
    func timeouts(_ config: ProjectConfig?) throws(DiagnosticError) -> SessionTimeouts {
        if noTimeouts { return .off }
        var result = SessionTimeouts.defaults
        var problems: [Diagnostic] = []
        func read(_ text: String?, _ location: SourceLocation?, option: String) -> String?? {
            guard let text else { return .none }
            guard let value = SessionTimeouts.duration(text) else {
                problems.append(Diagnostic("'\(text)' is not a timeout", at: location, object: location == nil ? option : nil,
                                           fix: "write a whole number with a unit: 500ms, 5s, 10min, 1h, or `off`"))
                return .none
            }
            return .some(value)
        }
        if let value = read(config?.timeouts.lock?.0, config?.timeouts.lock?.1, option: "timeouts.lock") { result.lock = value }
        if let value = read(config?.timeouts.statement?.0, config?.timeouts.statement?.1, option: "timeouts.statement") { result.statement = value }
        if let value = read(lockTimeout, nil, option: "--lock-timeout") { result.lock = value }
        if let value = read(statementTimeout, nil, option: "--statement-timeout") { result.statement = value }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return result
    }

    /// One line per file of the plan: what `emit` would do with it, and why.
    func dryRunLines(_ plan: EmitPlan) -> [String] {
        var lines: [String] = []
        var counts: [String: Int] = [:]
        func line(_ verdict: String, _ path: String, _ why: String) {
            counts[verdict, default: 0] += 1
            lines.append("\(verdict.padding(toLength: 12, withPad: " ", startingAt: 0)) \(path)  (\(why))")
        }
        for file in plan.folderFiles { line("new", "\(plan.output)/\(file.path)", "the folder needs it once") }
        for entry in plan.entries {
            for file in entry.files {
                let path = "\(plan.output)/\(file.path)"
                switch entry.status {
                case .unchanged:
                    line("unchanged", path, "spec \(entry.specID) already emitted, same contents")
                case .new where FileManager.default.fileExists(atPath: path) && !force:
                    line("would refuse", path, "spec \(entry.specID) is new but the file exists; --force overwrites it")
                case .new:
                    line("new", path, "spec \(entry.specID) has no migration here yet")
                case let .missing(reason) where !FileManager.default.fileExists(atPath: path):
                    line("new", path, "spec \(entry.specID): \(reason); written again under its own version")
                case .missing:
                    line("unchanged", path, "spec \(entry.specID): this file of it is in place")
                case let .outdated(reason) where force:
                    line("changed", path, "--force rewrites it: \(reason)")
                case let .outdated(reason):
                    line("would refuse", path, "\(reason); --force rewrites it, or write a new spec")
                }
            }
        }
        let summary = ["new", "changed", "unchanged", "would refuse"].compactMap { key in counts[key].map { "\($0) \(key)" } }
        lines.append("dry run, nothing written: \(plan.output): \(summary.isEmpty ? "no files" : summary.joined(separator: ", "))")
        return lines
    }
}
