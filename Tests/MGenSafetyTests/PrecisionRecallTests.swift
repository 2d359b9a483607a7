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
    struct Case { var unsafe: Bool; var sql: String }

    static func labelled(_ name: String) throws -> (base: [String], cases: [Case]) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Labelled/\(name).txt").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var base: [String] = []
        var cases: [Case] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if line.hasPrefix("base: ") { base.append(String(line.dropFirst(6))) }
            else if line.hasPrefix("unsafe: ") { cases.append(Case(unsafe: true, sql: String(line.dropFirst(8)))) }
            else if line.hasPrefix("safe: ") { cases.append(Case(unsafe: false, sql: String(line.dropFirst(6)))) }
        }
        return (base, cases)
    }

    struct Score: CustomStringConvertible {
        var tp = 0, fp = 0, fn = 0, tn = 0
        var misses: [String] = []
        var precision: Double { tp + fp == 0 ? 1 : Double(tp) / Double(tp + fp) }
        var recall: Double { tp + fn == 0 ? 1 : Double(tp) / Double(tp + fn) }
        var description: String {
            "precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall)) (tp \(tp), fp \(fp), fn \(fn), tn \(tn))"
        }
    }

    static func score(_ file: String, server: String, dialect: Dialect) throws -> Score {
        let (base, cases) = try labelled(file)
        guard case let .success(target) = DatabaseTarget.parse(server) else { throw DiagnosticError(Diagnostic("bad server", object: server)) }
        let timeout = dialect == .postgresql ? "SET lock_timeout = '5s';" : "SET SESSION lock_wait_timeout = 5;"
        var score = Score()
        for item in cases {
            let folder = NSTemporaryDirectory() + "mgen-labelled-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try base.joined(separator: "\n").write(toFile: "\(folder)/001_base.up.sql", atomically: true, encoding: .utf8)
            try "\(timeout)\n\(item.sql)\n".write(toFile: "\(folder)/002_case.up.sql", atomically: true, encoding: .utf8)
            let (chain, _, _) = try LintSource.chain(folder, format: "golang-migrate", dialect: dialect)
            let findings = try Linter.lint(chain, target: target, selected: [chain.migrations[1].id])
            let hits = findings.filter { $0.severity >= .warning && $0.line == 2 }
            switch (item.unsafe, !hits.isEmpty) {
            case (true, true): score.tp += 1
            case (true, false): score.fn += 1; score.misses.append("missed: \(item.sql)")
            case (false, true): score.fp += 1; score.misses.append("false alarm (\(hits.map(\.rule).joined(separator: ", "))): \(item.sql)")
            case (false, false): score.tn += 1
            }
        }
        return score
    }

    @Test(arguments: [("postgresql", "postgresql@15", Dialect.postgresql), ("mysql", "mysql@8.0.35", .mysql), ("mysql", "mariadb@10.11", .mysql)])
    func precisionAndRecall(file: String, server: String, dialect: Dialect) throws {
        let score = try Self.score(file, server: server, dialect: dialect)
        print("labelled set \(file) on \(server): \(score)")
        for miss in score.misses { print("  \(miss)") }
        #expect(score.precision >= 0.9, "\(server): \(score)")
        #expect(score.recall >= 0.9, "\(server): \(score)")
    }
}
