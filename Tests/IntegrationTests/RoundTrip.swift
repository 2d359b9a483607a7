import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify

/// One problem a round trip found: the step (`up 0003`, `down 0003`, `again`, `emit`, ...) and what went wrong.
struct CellProblem: CustomStringConvertible, Sendable {
    var step: String
    var message: String
    /// The step's kind without its migration id (`up`, `down`, `again`, `emit`): with the cell,
    /// what a shrunk chain must still fail.
    var phase: String { String(step.split(separator: " ").first ?? "") }
    var description: String { "\(step): \(message)" }

    /// The message without traceback frames (Python's `File "…"` lines and the code under them,
    /// Ruby's `from …` lines): what a report shows.
    var brief: String {
        var kept: [String] = []
        var skipNext = false
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if skipNext { skipNext = false; if !trimmed.hasPrefix("File ") { continue } }
            if trimmed.hasPrefix("File \"") { skipNext = true; continue }
            if trimmed.hasPrefix("from /") || trimmed.hasPrefix("^") || trimmed.hasPrefix("Traceback (most recent") { continue }
            kept.append(String(line))
        }
        return kept.joined(separator: "\n")
    }
}

/// The up → down → up walk every target's proof shares, driven by the target's own runner:
/// 1. each up, one at a time, its schema compared with the reference for that migration;
/// 2. each down, newest first, back to zero (or to the newest irreversible migration, where a down
///    cannot exist), each compared with the schema the first pass had before that up;
/// 3. the ups again (the runner's "all pending"), which must end where the first pass ended.
/// The first runner failure ends the walk; schema differences are collected and the walk goes on.
struct RoundTrip {
    var chain: MigrationChain
    var db: Database
    /// Differences between the schema after up `index` and what it should be.
    var afterUp: (_ index: Int, _ snapshot: SchemaSnapshot) -> [String]
    /// Differences between two of the runner's own snapshots (down, again): exact by default.
    var same: (_ expected: SchemaSnapshot, _ actual: SchemaSnapshot) -> [String] = { SnapshotDiff($0, $1).render() }
    var up: (Int) throws -> Void
    var down: (Int) throws -> Void
    /// Applies every pending migration; nil: `up` one at a time.
    var upAll: (() throws -> Void)?
    /// Called after each first-pass up (the example chain's Django test seeds rows for its backfills).
    var afterEachUp: (Int) throws -> Void = { _ in }
    /// After each down: up that migration once more (it must make what its first up made) and down again.
    var redoAfterDown = false

    /// The index of the newest migration without a down: the down walk stops above it.
    static func irreversibleStop(_ chain: MigrationChain) -> Int? {
        chain.migrations.lastIndex { $0.down == nil }
    }

    func walk() -> [CellProblem] {
        var problems: [CellProblem] = []
        let ids = chain.migrations.map(\.id)
        func snapshot() throws -> SchemaSnapshot { try introspect(db, exclude: frameworkBookkeepingTables) }
        var first: [SchemaSnapshot] = []
        do {
            for index in ids.indices {
                do { try up(index) } catch { return problems + [CellProblem(step: "up \(ids[index])", message: "\(error)")] }
                let now = try snapshot()
                let found = afterUp(index, now)
                if !found.isEmpty { problems.append(CellProblem(step: "up \(ids[index])", message: found.joined(separator: "\n"))) }
                first.append(now)
                try afterEachUp(index)
            }
            let stop = Self.irreversibleStop(chain) ?? -1
            let empty = SchemaSnapshot(dialect: db.dialect, tables: [])
            for index in ids.indices.reversed() where index > stop {
                do { try down(index) } catch { return problems + [CellProblem(step: "down \(ids[index])", message: "\(error)")] }
                let expected = index > 0 ? first[index - 1] : empty
                let found = same(expected, try snapshot())
                if !found.isEmpty { problems.append(CellProblem(step: "down \(ids[index])", message: found.joined(separator: "\n"))) }
                if redoAfterDown {
                    do { try up(index) } catch { return problems + [CellProblem(step: "redo \(ids[index])", message: "\(error)")] }
                    let redone = same(first[index], try snapshot())
                    if !redone.isEmpty { problems.append(CellProblem(step: "redo \(ids[index])", message: redone.joined(separator: "\n"))) }
                    do { try down(index) } catch { return problems + [CellProblem(step: "redo-down \(ids[index])", message: "\(error)")] }
                }
            }
            do {
                if let upAll { try upAll() } else { for index in ids.indices where index > stop { try up(index) } }
            } catch { return problems + [CellProblem(step: "again", message: "\(error)")] }
            if let last = first.last {
                let found = same(last, try snapshot())
                if !found.isEmpty { problems.append(CellProblem(step: "again", message: found.joined(separator: "\n"))) }
            }
        } catch {
            problems.append(CellProblem(step: "introspect", message: "\(error)"))
        }
        return problems
    }
}

/// What mgen's own SQL makes after each migration of a chain, on a scratch database: the
/// reference the framework targets are compared with.
func referenceSnapshots(_ chain: MigrationChain, server: DatabaseURL) throws -> [SchemaSnapshot] {
    try withScratchDatabase(server) { db, _ in
        try SQLRenderer(dialect: server.dialect).render(chain).map { migration in
            try apply(migration.up.map(\.sql), transactional: migration.upIsTransactional, on: db)
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
    }
}
