import ArgumentParser
import Foundation
import MGenImport
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
        A folder of SQL migrations (goose, golang-migrate, sql, prisma, flyway, dbmate; --from, or
        recognised from its files) is linted through mgen's SQL reader, findings at the file:line of
        each statement. Exit 1 when a finding is an error. Rules and their version conditions: docs/lint.md.
        """)

    @OptionGroup var specs: SpecOptions
    @Option(name: .customLong("db-version"), help: "The server: postgresql@15, mysql@8.0.35, mariadb@10.11, sqlite.") var dbVersion: String?
    @Option(help: "human, json, sarif (GitHub code scanning) or github (workflow annotations).") var format: ReportFormat = .human
    @Option(help: "Lint only the specs after this id (the ones not yet deployed), as one batch.") var since: String?
    @Flag(help: "Treat the specs given as one batch not yet deployed: a table one of them creates is new for the others.") var batch = false
    @Option(help: "Print one rule's explanation and exit.") var explain: String?
    @Flag(help: "List every rule and exit.") var list = false
    @Option(help: "Lint a folder of SQL migrations in this format (goose, golang-migrate, sql, prisma, flyway, dbmate, or auto).")
    var from: String?

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
            var lintConfig = try LintConfig(config?.lint ?? ProjectConfig.Lint())
            if let folder = try sqlFolder() {
                let format = from.flatMap { $0 == "auto" ? nil : $0 }
                let (chain, _, _) = try LintSource.chain(folder, format: format, dialect: target.engine.dialect, keeping: &keptUntilExit)
                keptUntilExit.append(chain)
                let findings = try Linter.lint(chain, target: target, config: lintConfig)
                let colour = reportFormat == .human && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(LintReport.render(findings, format: reportFormat, target: target, colour: colour), terminator: "")
                failed = findings.contains { $0.severity == .error }
                return
            }
            // Specs: `mgen emit` opens their transactional PostgreSQL migrations with timeouts.
            lintConfig.timeoutsEmitted = config?.timeouts.lock.map { SessionTimeoutsText.isOff($0.0) } != true
            // and write each step in its safe form: findings describe that output.
            lintConfig.renderedByMgen = true
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

extension Lint {
    /// The SQL migration folder to lint: the one folder given with --from, or one folder given
    /// that holds no specs but SQL migrations; nil for specs.
    func sqlFolder() throws(DiagnosticError) -> String? {
        guard specs.paths.count == 1, let path = specs.paths.first else {
            if from != nil { throw DiagnosticError(Diagnostic("--from lints one folder of SQL migrations", object: "--from", fix: "pass exactly one folder: mgen lint db/migrations --from goose")) }
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            if from != nil { throw DiagnosticError(Diagnostic("no migration folder at \(path)", object: path, fix: "pass the folder that holds the SQL migration files")) }
            return nil
        }
        if from != nil { return path }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if names.contains(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) { return nil }
        let hasSQL = names.contains { name in
            name.hasSuffix(".sql") || name == "migration_lock.toml" || FileManager.default.fileExists(atPath: "\(path)/\(name)/migration.sql")
        }
        return hasSQL ? path : nil
    }
}

/// mgen.yaml's `timeouts: {lock: off}` read as the linter needs it.
enum SessionTimeoutsText {
    static func isOff(_ text: String) -> Bool { text.trimmingCharacters(in: .whitespaces) == "off" || text == "0" }
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
func printLintWarnings(_ chain: MigrationChain, specs: Set<String>, dialect: Dialect, server: DatabaseTarget?, config: ProjectConfig?,
                       runnerLeavesTransaction: Bool = true) {
    guard !specs.isEmpty else { return }
    let text = server?.description ?? config?.dialect.flatMap { Dialect(name: String($0.split(separator: "@").first ?? "")) == dialect ? $0 : nil } ?? dialect.rawValue
    guard case let .success(target) = DatabaseTarget.parse(text), var lintConfig = try? LintConfig(config?.lint ?? ProjectConfig.Lint()) else { return }
    // The specs as this emit writes them: a finding mgen's safe form answers is an info, not printed.
    lintConfig.renderedByMgen = true
    lintConfig.runnerLeavesTransaction = runnerLeavesTransaction
    guard let findings = try? Linter.lint(chain, target: target, config: lintConfig, selected: specs) else { return }
    for f in findings where f.severity != .info && printedLintFindings.insert(f).inserted {
        printErr("\(f.file):\(f.line):\(f.column): warning: \(f.message) [lint \(f.severity.rawValue) \(f.rule): mgen lint --explain \(f.rule)]")
    }
}
