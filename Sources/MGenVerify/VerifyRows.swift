import Foundation
import MGenSpec

/// What one direction of a migration may do to existing rows, for `--seed-rows`.
///
/// The rule: a table that exists before and after the step keeps at least as many rows, and a
/// column that exists before and after keeps at least as many non-NULL values. Names are followed
/// through `rename_table` / `rename_column`. Exempt, because losing data is what they do: a
/// dropped table or column, a narrowing `alter_column` (the spec marks it as data loss), the
/// columns a `backfill` assigns, and a migration with a raw `sql` step (opaque), which is not
/// checked at all. Files read from disk carry no operations: every table and column they keep is
/// checked, and a rename there reads as a drop plus an add.
public struct RowExpectations: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case createTable(String)
        case dropTable(String)
        case renameTable(String, to: String)
        case renameColumn(table: String, String, to: String)
        /// The column's values may change or vanish (dropped, narrowed, backfilled).
        case forgetColumn(table: String, String)
        // spec 1.1: data steps
        /// Rows of the table may go (a `delete`, or an insert's down).
        case forgetRows(table: String)
    }

    /// false: nothing is checked (raw SQL).
    public var checked: Bool
    public var events: [Event]

    public init(checked: Bool = true, events: [Event] = []) {
        self.checked = checked
        self.events = events
    }

    /// From the steps of one direction of a planned migration.
    public init(steps: [Step]) {
        var events: [Event] = []
        var checked = true
        for step in steps {
            switch step.operation {
            case let .createTable(table): events.append(.createTable(table.name))
            case let .dropTable(table): events.append(.dropTable(table))
            case let .renameTable(table, to): events.append(.renameTable(table, to: to))
            case let .dropColumn(table, column): events.append(.forgetColumn(table: table, column))
            case let .renameColumn(table, column, to): events.append(.renameColumn(table: table, column, to: to))
            case let .alterColumn(change) where step.dataLoss != nil:
                events.append(.forgetColumn(table: change.table, change.column))
            case let .backfill(backfill):
                events += backfill.assignments.map { .forgetColumn(table: backfill.table, $0.column) }
            case .sql: checked = false
            // spec 1.1: data steps
            case let .delete(delete): events.append(.forgetRows(table: delete.table))
            case let .update(update): events += update.assignments.map { .forgetColumn(table: update.table, $0.column) }
            default: break
            }
        }
        self.init(checked: checked, events: events)
    }

    /// Where a table of before the step lives after it; nil when it is dropped (or replaced).
    public func table(_ name: String) -> String? {
        var current = name
        for event in events {
            switch event {
            case let .renameTable(from, to) where from == current: current = to
            case let .dropTable(table) where table == current: return nil
            case let .createTable(table) where table == current: return nil
            default: break
            }
        }
        return current
    }

    /// Where a column of before the step lives after it; nil when its values may change.
    public func column(_ table: String, _ column: String) -> (table: String, column: String)? {
        var (t, c) = (table, column)
        for event in events {
            switch event {
            case let .renameTable(from, to) where from == t: t = to
            case let .dropTable(name) where name == t: return nil
            case let .createTable(name) where name == t: return nil
            case let .renameColumn(name, from, to) where name == t && from == c: c = to
            case let .forgetColumn(name, col) where name == t && col == c: return nil
            default: break
            }
        }
        return (t, c)
    }

    /// The losses between two countings, one readable line each (empty when nothing was lost).
    func losses(before: [String: TableCounts], after: [String: TableCounts]) -> [String] {
        guard checked else { return [] }
        var lines: [String] = []
        for name in before.keys.sorted() {
            guard let old = before[name], let newName = table(name), let new = after[newName] else { continue }
            if events.contains(.forgetRows(table: name)) || events.contains(.forgetRows(table: newName)) { continue }
            let shown = newName == name ? name : "\(name) (now \(newName))"
            if new.rows < old.rows { lines.append("table \(shown): \(old.rows) rows -> \(new.rows)") }
            for columnName in old.nonNull.keys.sorted() {
                guard let count = old.nonNull[columnName], let (t, c) = column(name, columnName), t == newName,
                      let now = new.nonNull[c], now < count else { continue }
                let label = c == columnName ? "\(shown).\(columnName)" : "\(shown).\(columnName) (now \(c))"
                lines.append("column \(label): \(count) non-null values -> \(now)")
            }
        }
        return lines
    }
}

/// Rows in a table, and non-NULL values per column.
struct TableCounts: Equatable, Sendable {
    var rows: Int
    var nonNull: [String: Int]
}

/// One query per table: `SELECT COUNT(*), COUNT(c1), … FROM t`.
func countRows(_ db: Database, _ snapshot: SchemaSnapshot) throws -> [String: TableCounts] {
    var counts: [String: TableCounts] = [:]
    for table in snapshot.tables {
        let d = db.dialect
        // Aliases c0, c1, … because column names may be anything and come back in any case.
        let parts = ["COUNT(*) AS n"] + table.columns.enumerated().map { "COUNT(\(quoteIdentifier($1.name, d))) AS c\($0)" }
        guard let row = try db.query("SELECT \(parts.joined(separator: ", ")) FROM \(quoteIdentifier(table.name, d))").first else { continue }
        var nonNull: [String: Int] = [:]
        for (i, column) in table.columns.enumerated() {
            if let value = row[text: "c\(i)"].flatMap({ Int($0) }) { nonNull[column.name] = value }
        }
        counts[table.name] = TableCounts(rows: row[text: "n"].flatMap { Int($0) } ?? 0, nonNull: nonNull)
    }
    return counts
}
