import Foundation
import MGenSpec

/// The passes of a verification, as they appear in progress lines and JSON.
public enum VerifyPhase: String, Codable, Sendable {
    /// First pass: every up, one at a time.
    case up
    /// Second pass: every down, newest first, each compared with the schema before its up.
    case down
    /// Third pass: the ups again, compared with the first pass.
    case upAgain = "up-again"
    /// An up (or down) applied a second time because it claims to be idempotent.
    case rerun
}

/// One applied direction of one migration.
public struct VerifyStep: Codable, Sendable, Equatable {
    public var phase: VerifyPhase
    public var id: String
    public var name: String
    /// Time to apply the statements (snapshots and seeding not included).
    public var milliseconds: Double
    /// The rows checked by `--seed-rows` (tables present before and after), nil when not seeded.
    public var rowsChecked: Int?

    public init(phase: VerifyPhase, id: String, name: String, milliseconds: Double, rowsChecked: Int? = nil) {
        self.phase = phase
        self.id = id
        self.name = name
        self.milliseconds = milliseconds
        self.rowsChecked = rowsChecked
    }

    /// `up        0001 create_users                     3.1 ms`
    public var line: String {
        var text = pad(phase.rawValue, 9) + pad("\(id) \(name)", 40) + String(format: "%8.1f ms", milliseconds)
        if let rowsChecked { text += "  \(rowsChecked) rows kept" }
        return text
    }
}

/// Why a verification failed: the first problem found (later steps are not run).
public struct VerifyFailure: Error, Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A statement failed on the database.
        case statementFailed = "statement-failed"
        /// A down did not return the schema to what it was before its up.
        case downDoesNotRestore = "down-does-not-restore"
        /// The second run of the ups did not end where the first did.
        case upAgainDiffers = "up-again-differs"
        /// A migration that claims to be idempotent changed the schema when run again.
        case notIdempotent = "not-idempotent"
        /// `--seed-rows`: a step that should keep rows lost some.
        case rowsLost = "rows-lost"
        /// Reading the schema (or counting rows) failed.
        case databaseError = "database-error"
    }

    public var kind: Kind
    public var phase: VerifyPhase
    public var id: String
    public var name: String
    public var message: String
    /// The readable schema diff (expected → actual: `-` missing, `+` unexpected, `~` changed),
    /// the rows lost, or the failing statement.
    public var details: [String]

    public init(kind: Kind, phase: VerifyPhase, id: String, name: String, message: String, details: [String] = []) {
        self.kind = kind
        self.phase = phase
        self.id = id
        self.name = name
        self.message = message
        self.details = details
    }

    public var lines: [String] { ["FAILED: \(message)"] + details.map { "  " + $0 } }
}

/// Where the down walk stopped because a migration has no down.
public struct IrreversibleStop: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var reason: String

    public init(id: String, name: String, reason: String) {
        self.id = id
        self.name = name
        self.reason = reason
    }

    public var line: String {
        "note: \(id) \(name) is irreversible (\(reason)): the down walk stops there; the migrations before it were not rolled back"
    }
}

/// Everything a verification found, for people (`lines`) and machines (`jsonString()`).
public struct VerifyReport: Codable, Sendable, Equatable {
    public var ok: Bool
    public var dialect: Dialect
    /// The database verified in (password redacted).
    public var database: String
    /// Whether it was a scratch database made for the run.
    public var scratch: Bool
    public var migrations: Int
    public var seedRows: Int
    public var steps: [VerifyStep]
    /// Ids of the migrations whose up was re-applied because every statement is guarded by
    /// IF [NOT] EXISTS, and changed nothing.
    public var idempotent: [String]
    public var irreversible: IrreversibleStop?
    public var failure: VerifyFailure?
    /// Not failures: column order differences, tables `--seed-rows` could not fill, ...
    public var warnings: [String]
    public var totalMilliseconds: Double

    public init(dialect: Dialect, database: String, scratch: Bool, migrations: Int, seedRows: Int) {
        ok = true
        self.dialect = dialect
        self.database = database
        self.scratch = scratch
        self.migrations = migrations
        self.seedRows = seedRows
        steps = []
        idempotent = []
        warnings = []
        totalMilliseconds = 0
    }

    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The closing lines: warnings, the irreversible note, the failure, and the summary.
    public var closingLines: [String] {
        var lines = warnings.map { "warning: \($0)" }
        if let irreversible { lines.append(irreversible.line) }
        if let failure { lines += failure.lines }
        lines.append(summary)
        return lines
    }

    public var summary: String {
        let place = "\(dialect) (\(database)\(scratch ? ", scratch" : ""))"
        let time = String(format: "%.0f ms", totalMilliseconds)
        if failure != nil {
            return "verify: FAILED after \(steps.count) step(s) on \(place) in \(time)"
        }
        var text = "verify: ok, \(migrations) migration(s) up, down and up again on \(place) in \(time)"
        var extras: [String] = []
        if !idempotent.isEmpty { extras.append("\(idempotent.count) idempotent re-run(s)") }
        if seedRows > 0 { extras.append("rows kept with \(seedRows) seeded per table per step") }
        if irreversible != nil { extras.append("down walk stopped at an irreversible migration") }
        if !extras.isEmpty { text += "; " + extras.joined(separator: "; ") }
        return text
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
