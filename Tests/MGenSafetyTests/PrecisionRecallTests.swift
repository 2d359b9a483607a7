import Foundation
import MGenImport
import MGenSafety
import MGenSpec
import Testing

/// Precision and recall of `mgen lint` on SQL migration folders, on a labelled set of unsafe and
/// safe statements written for mgen (Labelled/*.txt). Each statement is the second migration of
/// a golang-migrate folder whose first creates the tables (so they exist and hold rows), read
/// through MGenImport's SQL reader exactly as `mgen lint DIR` reads a folder. A statement counts
/// as flagged when a finding of severity warning or error points at it.
@Suite struct PrecisionRecallTests {
    /// One labelled case: its files (a case may span migrations, written `A ||| B`), and the tags
    /// in brackets after the label: `base` (the label depends on what the base migration made,
    /// e.g. a validated CHECK, so the case is left out when linting without the base), or a server
    /// (`mysql@8.0.20`: the case applies to that server only).
    /// `rule=ID`: the rule a finding at the statement must report (the same id whether the SQL
    /// reader maps the statement onto a spec operation or keeps it raw).
    struct Case { var unsafe: Bool; var files: [String]; var needsBase = false; var servers: [String] = []; var rule: String?
        var sql: String { files.joined(separator: " ||| ") }
    }

    static func labelled(_ name: String) throws -> (base: [String], cases: [Case]) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Labelled/\(name).txt").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var base: [String] = []
        var cases: [Case] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("base: ") { base.append(String(line.dropFirst(6))); continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            var label = line[..<colon]
            var tags: [String] = []
            if let open = label.firstIndex(of: "["), label.hasSuffix("]") {
                tags = label[label.index(after: open)..<label.index(before: label.endIndex)].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                label = label[..<open]
            }
            guard label == "unsafe" || label == "safe" else { continue }
            let body = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let files = body.components(separatedBy: " ||| ")
            cases.append(Case(unsafe: label == "unsafe", files: files, needsBase: tags.contains("base"), servers: tags.filter { $0.contains("@") },
                              rule: tags.first { $0.hasPrefix("rule=") }.map { String($0.dropFirst(5)) }))
        }
        return (base, cases)
    }

    struct Score: CustomStringConvertible {
        var tp = 0, fp = 0, fn = 0, tn = 0
        var misses: [String] = []
        /// Flagged, but not under the rule the label names.
        var wrongRule: [String] = []
        var precision: Double { tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp) }
        var recall: Double { tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn) }
        var description: String {
            "precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall)) (tp \(tp), fp \(fp), fn \(fn), tn \(tn))"
        }
    }

    /// Each case as the migrations after a first one that creates the base tables (so they exist
    /// and hold rows), or, `withBase: false`, as a folder of its own: tables it does not create are
    /// then unknown to the replay, as in a folder linted without its history.
    static func score(_ file: String, server: String, dialect: Dialect, withBase: Bool = true) throws -> Score {
        let (base, cases) = try labelled(file)
        guard case let .success(target) = DatabaseTarget.parse(server) else { throw DiagnosticError(Diagnostic("bad server", object: server)) }
        let timeout = dialect == .postgresql ? "SET lock_timeout = '5s';" : "SET SESSION lock_wait_timeout = 5;"
        var score = Score()
        for item in cases where (withBase || !item.needsBase) && (item.servers.isEmpty || item.servers.contains(server)) {
            let folder = NSTemporaryDirectory() + "mgen-labelled-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var first = 1
            if withBase {
                try base.joined(separator: "\n").write(toFile: "\(folder)/001_base.up.sql", atomically: true, encoding: .utf8)
                first = 2
            }
            for (k, sql) in item.files.enumerated() {
                try "\(timeout)\n\(sql)\n".write(toFile: "\(folder)/\(String(format: "%03d", first + k))_case.up.sql", atomically: true, encoding: .utf8)
            }
            let (chain, _, _) = try LintSource.chain(folder, format: "golang-migrate", dialect: dialect)
            let selected = Set(chain.migrations.dropFirst(withBase ? 1 : 0).map(\.id))
            let findings = try Linter.lint(chain, target: target, selected: selected)
            let hits = findings.filter { $0.severity >= .warning && $0.line >= 2 }
            switch (item.unsafe, !hits.isEmpty) {
            case (true, true):
                score.tp += 1
                if let rule = item.rule, !hits.contains(where: { $0.rule == rule }) {
                    score.wrongRule.append("expected \(rule), got \(hits.map(\.rule).joined(separator: ", ")): \(item.sql)")
                }
            case (true, false): score.fn += 1; score.misses.append("missed: \(item.sql)")
            case (false, true): score.fp += 1; score.misses.append("false alarm (\(hits.map(\.rule).joined(separator: ", "))): \(item.sql)")
            case (false, false): score.tn += 1
            }
        }
        return score
    }

    static let servers: [(String, String, Dialect)] = [
        ("postgresql", "postgresql@15", .postgresql), ("postgresql", "postgresql@12", .postgresql),
        ("mysql", "mysql@8.0.35", .mysql), ("mysql", "mysql@8.0.20", .mysql), ("mysql", "mariadb@10.11", .mysql),
    ]

    @Test(arguments: servers)
    func precisionAndRecall(file: String, server: String, dialect: Dialect) throws {
        let score = try Self.score(file, server: server, dialect: dialect)
        print("labelled set \(file) on \(server): \(score)")
        for miss in score.misses { print("  \(miss)") }
        #expect(score.precision >= 0.95, "\(server): \(score)")
        #expect(score.recall >= 0.95, "\(server): \(score)")
        #expect(score.wrongRule.isEmpty, "\(server): \(score.wrongRule.joined(separator: "\n"))")
    }

    /// The same statements in folders without their history: what the raw-SQL rules decide alone.
    @Test(arguments: servers)
    func precisionAndRecallWithoutHistory(file: String, server: String, dialect: Dialect) throws {
        let score = try Self.score(file, server: server, dialect: dialect, withBase: false)
        print("labelled set \(file) on \(server), no history: \(score)")
        for miss in score.misses { print("  \(miss)") }
        #expect(score.precision >= 0.95, "\(server) without history: \(score)")
        #expect(score.recall >= 0.95, "\(server) without history: \(score)")
        #expect(score.wrongRule.isEmpty, "\(server) without history: \(score.wrongRule.joined(separator: "\n"))")
    }
}
