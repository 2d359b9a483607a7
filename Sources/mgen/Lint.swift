import ArgumentParser
import Foundation
import MGenSafety
import MGenSpec

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find schema changes that lock, rewrite or break production tables, and say how to write them safely.",
        discussion: """
        Lints specs on the replayed schema: a table created earlier in the same spec (or, with --batch,
        in an earlier spec of those given) holds no rows and is not flagged. The server comes from
        --db-version, else mgen.yaml's `dialect:` (`postgresql@15`, `mysql@8.0.35`, `mariadb@10.11`).
        Exit 1 when a finding is an error. Rules and their version conditions: docs/lint.md.
        """)

    @OptionGroup var specs: SpecOptions
    @Option(name: .customLong("db-version"), help: "The server: postgresql@15, mysql@8.0.35, mariadb@10.11, sqlite.") var dbVersion: String?
    @Option(help: "human, json, sarif (GitHub code scanning) or github (workflow annotations).") var format: ReportFormat = .human
    @Option(help: "Lint only the specs after this id (the ones not yet deployed), as one batch.") var since: String?
    @Flag(help: "Treat the specs given as one batch not yet deployed: a table one of them creates is new for the others.") var batch = false
    @Option(help: "Print one rule's explanation and exit.") var explain: String?
    @Flag(help: "List every rule and exit.") var list = false

    func run() throws {
        if list {
            for rule in Rules.all {
                print("\(rule.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(rule.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(rule.engines.map(\.rawValue).sorted().joined(separator: ","))  \(rule.summary)")
            }
            return
        }
        if let explain {
            guard let rule = Rules.rule(explain) else {
                let hint = closestMatch(to: explain, in: Rules.all.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                printErr("error: unknown rule '\(explain)'\(hint)\n  fix: `mgen lint --list` shows every rule")
                throw ExitCode(1)
            }
            print(rule.explanation)
            return
        }
        var failed = false
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            let reportFormat = format
            let target = try lintTarget(dbVersion, config: config)
            let lintConfig = try LintConfig(config?.lint ?? ProjectConfig.Lint())
            let (chain, files) = try specs.loadChain(config: config)
            var selected = files
            if let since {
                guard let start = chain.migrations.firstIndex(where: { $0.id == since }) else {
                    throw DiagnosticError(Diagnostic("no spec has id '\(since)'", object: "--since", fix: "ids: \(chain.migrations.map(\.id).joined(separator: ", "))"))
                }
                selected = Set(chain.migrations[(start + 1)...].map(\.id))
            }
            let findings = try Linter.lint(chain, target: target, config: lintConfig, selected: selected, batch: batch || since != nil)
            let colour = reportFormat == .human && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            print(LintReport.render(findings, format: reportFormat, target: target, colour: colour), terminator: "")
            failed = findings.contains { $0.severity == .error }
        }
        if failed { throw ExitCode(1) }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// The server the linter assumes: --db-version, else mgen.yaml's `dialect:` (with its `@version`).
func lintTarget(_ option: String?, config: ProjectConfig?) throws(DiagnosticError) -> DatabaseTarget {
    guard let text = option ?? config?.dialect else {
        throw DiagnosticError(Diagnostic("no database to lint for", object: "--db-version",
                                         fix: "pass --db-version postgresql@15 (or mysql@8.0.35, mariadb@10.11), or set `dialect: postgresql@15` in mgen.yaml"))
    }
    switch DatabaseTarget.parse(text) {
    case let .success(target): return target
    case let .failure(diagnostic): throw DiagnosticError(diagnostic)
    }
}

/// Findings already printed by this emit: several targets of one dialect report each once.
nonisolated(unsafe) var printedLintFindings = Set<Finding>()

/// What `mgen emit` prints before writing: the linter's findings on the specs it writes, one line
/// each on stderr. They never fail the emit.
func printLintWarnings(_ chain: MigrationChain, specs: Set<String>, dialect: Dialect, config: ProjectConfig?) {
    guard !specs.isEmpty else { return }
    let text = config?.dialect.flatMap { Dialect(name: String($0.split(separator: "@").first ?? "")) == dialect ? $0 : nil } ?? dialect.rawValue
    guard case let .success(target) = DatabaseTarget.parse(text),
          let lintConfig = try? LintConfig(config?.lint ?? ProjectConfig.Lint()),
          let findings = try? Linter.lint(chain, target: target, config: lintConfig, selected: specs) else { return }
    for f in findings where f.severity != .info && printedLintFindings.insert(f).inserted {
        printErr("\(f.file):\(f.line):\(f.column): warning: \(f.message) [lint \(f.severity.rawValue) \(f.rule): mgen lint --explain \(f.rule)]")
    }
}
