import Foundation
import MGenSpec
import Testing

/// The cells known to fail, in one place: (chain, cell) → "<class>: why, pending <branch or open>".
/// A chain is `seed <n> <dialect>`, `fixture <folder>` (Fixtures/generated), `framework-chain
/// <folder>` or `django-chain <folder>`; a cell is `<target> × <dialect>`. Every such cell still
/// runs and its problems show in every run as known issues (Swift Testing's `withKnownIssue`);
/// a listed cell that passes fails the run ("known issue was not recorded"), so an entry goes,
/// one line, when its fix lands. Problems of a cell not listed fail the run.
enum KnownIssues {
    struct Key: Hashable, Sendable {
        var chain: String
        var cell: String
    }

    /// (chain, cells, reason). Remove a line when its fix lands (the run says which: "known issue was not recorded").
    static let entries: [(chain: String, cells: [String], reason: String)] = [
    ]

    static let table: [Key: String] = Dictionary(entries.flatMap { entry in entry.cells.map { (Key(chain: entry.chain, cell: $0), entry.reason) } },
                                                 uniquingKeysWith: { first, _ in first })

    static func reason(chain: String, cell: Cell) -> String? {
        table[Key(chain: chain, cell: cell.description)]
    }

    /// Records `problems` of `cell` on `chain`: as a known issue when the table lists the cell
    /// (then the cell must have failed), as a failure otherwise.
    static func record(_ problems: [String], chain: String, cell: Cell, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let reason = reason(chain: chain, cell: cell) else {
            for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
            return
        }
        withKnownIssue(Comment(rawValue: "\(chain), \(cell): \(reason)")) {
            for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
        }
    }
}
