/// spec 1.1: data steps — `insert`, `delete` and `update` (with a join). Their model, parsing,
/// validation against the replayed state, inversion and data-loss notes, in one place.

/// One value of a data row: the column and what goes in it (a literal, or `{sql: <expression>}`).
public struct DataValue: Hashable, Sendable {
    public var column: String
    public var value: DefaultValue
    public init(column: String, value: DefaultValue) { self.column = column; self.value = value }
}

/// One row of an `insert` (or of a `delete` by rows), its values in the order written.
public struct DataRow: Hashable, Sendable {
    public var values: [DataValue]
    public init(_ values: [DataValue]) { self.values = values }
    public var columns: [String] { values.map(\.column) }
    public func value(_ column: String) -> DefaultValue? { values.first { $0.column == column }?.value }
}

/// `insert`: rows for a table. `key` names the columns that identify a row (the derived down
/// deletes exactly these rows by them); nil means the table's primary key.
public struct DataRows: Hashable, Sendable {
    public var table: String
    public var rows: [DataRow]
    public var key: [String]?
    public init(table: String, rows: [DataRow], key: [String]? = nil) { self.table = table; self.rows = rows; self.key = key }

    /// The key columns: the given ones, else the table's primary key in `state`.
    public func keyColumns(in state: SchemaState) -> [String]? {
        if let key { return key }
        return state.table(table)?.primaryKey?.columns
    }
}

/// `delete`: rows chosen by a predicate (irreversible unless `down` is given), or the rows listed
/// (deleted by their key; the down inserts them again as written).
public struct DeleteRows: Hashable, Sendable {
    public enum Selection: Hashable, Sendable {
        case rows(DataRows)
        case predicate(DialectSQL, down: DialectSQL?)
    }

    public var table: String
    public var selection: Selection
    public init(table: String, _ selection: Selection) { self.table = table; self.selection = selection }
    public init(rows: DataRows) { self.init(table: rows.table, .rows(rows)) }
}

/// `update`: assignments to a table's columns, optionally from another table joined `on` a
/// condition (PostgreSQL `UPDATE … FROM`, MySQL `UPDATE … JOIN`, SQLite correlated subqueries).
public struct UpdateRows: Hashable, Sendable {
    public var table: String
    /// The joined table and the join condition (both or neither).
    public var from: String?
    public var on: DialectSQL?
    public var assignments: [Backfill.Assignment]
    public var predicate: DialectSQL?
    /// SQL that restores the old values; without it the down leaves the values as they are.
    public var down: DialectSQL?

    public init(table: String, from: String? = nil, on: DialectSQL? = nil, assignments: [Backfill.Assignment],
                predicate: DialectSQL? = nil, down: DialectSQL? = nil) {
        self.table = table
        self.from = from
        self.on = on
        self.assignments = assignments
        self.predicate = predicate
        self.down = down
    }
}

// MARK: - Parsing

extension OperationParser {
    static let dataStepFields: [String: [String]] = [
        "insert": ["table", "rows", "key"],
        "delete": ["table", "rows", "key", "where", "down"],
        "update": ["table", "from", "on", "set", "where", "down"],
    ]

    static func dataStep(_ kind: String, _ f: Fields) -> Operation? {
        guard let table = f.name("table") else { return nil }
        switch kind {
        case "insert":
            guard let rows = dataRows(f, table: table, required: true) else { return nil }
            return .insert(rows)
        case "delete":
            let predicate = f.node("where").flatMap { dialectSQL($0, sink: f.sink) }
            if f.has("rows") {
                if f.has("where") || f.has("down") {
                    f.sink.error("a delete takes either `rows` (deleted by key, re-inserted by the down) or `where` (with an optional `down`), not both",
                                 at: f.location("rows"), fix: "keep `rows`, or `where` and `down`")
                    return nil
                }
                return dataRows(f, table: table, required: true).map { .delete(DeleteRows(rows: $0)) }
            }
            guard let predicate else {
                f.sink.error("missing required field 'where' (or 'rows') in delete", at: f.sink.location(f.node),
                             fix: "add `where: <SQL condition>` (`where: \"1 = 1\"` deletes every row), or `rows: [{key: value}]`")
                return nil
            }
            if f.has("key") { f.sink.error("'key' in delete goes with `rows`", at: f.location("key"), fix: "remove `key`, or list the rows") }
            let down = f.node("down").flatMap { dialectSQL($0, sink: f.sink) }
            return .delete(DeleteRows(table: table, .predicate(predicate, down: down)))
        case "update":
            guard let setNode = f.node("set") else {
                f.sink.error("missing required field 'set' in update", at: f.sink.location(f.node), fix: "add `set: {column: <SQL expression>}`")
                return nil
            }
            guard case let .mapping(mapping) = setNode, !mapping.isEmpty else {
                f.sink.error("'set' in update must map columns to SQL expressions", at: f.sink.location(setNode))
                return nil
            }
            var assignments: [Backfill.Assignment] = []
            for (key, value) in mapping {
                guard let column = key.string, let expression = dialectSQL(value, sink: f.sink) else {
                    f.sink.error("'set' in update must map columns to SQL expressions (or to a mapping of dialect to expression)",
                                 at: f.sink.location(key))
                    continue
                }
                assignments.append(Backfill.Assignment(column: column, expression: expression))
            }
            let from = updateSource(f)
            let on = f.node("on").flatMap { dialectSQL($0, sink: f.sink) }
            if (from == nil) != (on == nil) {
                f.sink.error("an update from another table needs both `from: <table>` and `on: <join condition>`",
                             at: f.location(from == nil ? "on" : "from"), fix: from == nil ? "add `from: <table>`" : "add `on: <condition>`")
                return nil
            }
            return .update(UpdateRows(table: table, from: from, on: on, assignments: assignments,
                                      predicate: f.node("where").flatMap { dialectSQL($0, sink: f.sink) },
                                      down: f.node("down").flatMap { dialectSQL($0, sink: f.sink) }))
        default:
            return nil
        }
    }

    /// `rows:` (a list of mappings column → literal or `{sql: ...}`) and `key:`.
    static func dataRows(_ f: Fields, table: String, required: Bool) -> DataRows? {
        guard let nodes = f.sequence("rows", required: required) else { return nil }
        if nodes.isEmpty { f.sink.error("'rows' is empty", at: f.location("rows"), fix: "list at least one row: `rows: [{id: 1, name: a}]`"); return nil }
        var rows: [DataRow] = []
        for node in nodes {
            guard case let .mapping(mapping) = node, !mapping.isEmpty else {
                f.sink.error("a row must map column names to values (`{id: 1, name: admin}`)", at: f.sink.location(node))
                continue
            }
            var values: [DataValue] = []
            for (key, value) in mapping {
                guard let column = key.string, !column.isEmpty else {
                    f.sink.error("a row's keys are column names", at: f.sink.location(key))
                    continue
                }
                if values.contains(where: { $0.column == column }) {
                    f.sink.error("column '\(column)' is given twice in one row", at: f.sink.location(key))
                    continue
                }
                guard let parsed = rowValue(value, sink: f.sink) else { continue }
                values.append(DataValue(column: column, value: parsed))
            }
            rows.append(DataRow(values))
        }
        return DataRows(table: table, rows: rows, key: f.stringList("key"))
    }

    /// A literal, `null`, or `{sql: <expression>}`.
    private static func rowValue(_ node: Node, sink: DiagnosticSink) -> DefaultValue? {
        if case .sequence = node {
            sink.error("a row value must be a literal or `{sql: <expression>}`", at: sink.location(node))
            return nil
        }
        return defaultValue(node, sink: sink)
    }
}

// MARK: - Validation

extension Validator {
    mutating func checkDataStep(_ operation: Operation) {
        switch operation {
        case let .insert(rows):
            checkRows(rows, inserting: true)
        case let .delete(delete):
            switch delete.selection {
            case let .rows(rows): checkRows(rows, inserting: false)
            case .predicate: requireTable(delete.table)
            }
        case let .update(update):
            guard let table = requireTable(update.table) else { return }
            requireColumns(update.assignments.map(\.column), in: table, field: "set")
            if let from = update.from { requireTable(from, field: "from") }
        default:
            break
        }
    }

    private mutating func checkRows(_ data: DataRows, inserting: Bool) {
        guard let table = requireTable(data.table) else { return }
        let kind = inserting ? "insert" : "delete"
        guard let key = data.keyColumns(in: state), !key.isEmpty else {
            error("\(kind) into '\(data.table)' needs the columns that identify its rows: the table has no primary key", field: "table",
                  fix: "add `key: [<column>, ...]` naming columns whose values pick out exactly these rows")
            return
        }
        requireColumns(key, in: table, field: "key")
        var seenKeys = Set<[DefaultValue]>()
        for (number, row) in data.rows.enumerated() {
            let label = "row \(number + 1) of \(kind) into '\(data.table)'"
            requireColumns(row.columns, in: table, field: "rows")
            for column in key {
                guard let value = row.value(column) else {
                    error("\(label) has no value for key column '\(column)'", field: "rows",
                          fix: "give every row its key (\(key.joined(separator: ", "))): the down \(inserting ? "deletes" : "re-inserts") rows by it")
                    continue
                }
                if case .sql = value {
                    error("\(label) gives key column '\(column)' an SQL expression", field: "rows",
                          fix: "give key columns literal values, so the down can find exactly these rows")
                } else if value == .literal(.null) {
                    error("\(label) gives key column '\(column)' null, which matches no row", field: "rows", fix: "give it a value")
                }
            }
            let keyValues = key.compactMap { row.value($0) }
            if keyValues.count == key.count, !seenKeys.insert(keyValues).inserted {
                error("\(label) repeats the key of an earlier row (\(key.joined(separator: ", ")))", field: "rows", fix: "give each row its own key")
            }
            for value in row.values {
                guard let column = table.column(value.column), case let .literal(literal) = value.value else { continue }
                if literal == .null {
                    if !column.nullable { error("\(label) puts null in NOT NULL column '\(column.name)'", field: "rows") }
                } else if let problem = Self.literalProblem(literal, column.type.enumTypeName.flatMap(state.enumValues).map(ColumnType.enumeration) ?? column.type) {
                    // (spec 1.1: a column of an enum type takes one of the type's values, as an inline enum.)
                    error("\(label): \(literal) does not fit column '\(column.name)' (\(column.type)): \(problem)", field: "rows")
                }
            }
            // A delete's down inserts its rows again, so they need what an insert needs.
            for column in table.columns where !column.nullable && column.defaultValue == nil && !column.identity
                && row.value(column.name) == nil {
                error("\(label) has no value for NOT NULL column '\(column.name)', which has no default", field: "rows",
                      fix: "give the row a value for '\(column.name)'\(inserting ? "" : " (the down inserts the row again)")")
            }
        }
    }

    /// Why a literal cannot go into a column of this type (nil when it fits).
    static func literalProblem(_ literal: Literal, _ type: ColumnType) -> String? {
        // spec 1.1: column types (a precision does not change what a value looks like)
        let type = type.withoutPrecision
        switch (literal, type) {
        case (_, .native), (.null, _): return nil
        case (.boolean, .boolean): return nil
        // spec 1.1: column types
        case let (.integer(i), .unsigned(kind)): return i < 0 || i.magnitude > kind.maximum ? "out of range (0 to \(kind.maximum))" : nil
        case let (.integer(i), _) where type.isInteger:
            let bound: Int64 = type == .smallint ? 32767 : type == .integer ? 2_147_483_647 : .max
            return i > bound || i < -bound - 1 ? "out of range" : nil
        case let (.integer(i), .decimal(p, s)): return String(i.magnitude).count > p - s ? "more than \(p - s) digits before the point" : nil
        case let (.number(n), .decimal(p, s)):
            let digits = n.split(separator: ".", omittingEmptySubsequences: false)
            if n.contains("e") || n.contains("E") { return nil }
            let whole = digits.first.map { $0.filter(\.isNumber).drop { $0 == "0" }.count } ?? 0
            let fraction = digits.count > 1 ? digits[1].count : 0
            if whole > p - s { return "more than \(p - s) digits before the point" }
            return fraction > s ? "more than \(s) digits after the point" : nil
        case (.integer, .real), (.integer, .double), (.number, .real), (.number, .double): return nil
        case let (.string(s), .string(n)): return s.count > n ? "\(s.count) characters, more than \(n)" : nil
        // spec 1.1: column types (char(n), varchar(max))
        case let (.string(s), .char(n)): return s.count > n ? "\(s.count) characters, more than \(n)" : nil
        case (.string, .text), (.string, .json), (.string, .varchar): return nil
        case (.string, .array): return nil // PostgreSQL's array text, '{a,b}'
        case let (.string(s), .enumeration(values)): return values.contains(s) ? nil : "not one of \(values.joined(separator: ", "))"
        case let (.string(s), .uuid): return isUUID(s) ? nil : "not a UUID (8-4-4-4-12 hex digits)"
        case let (.string(s), .date): return matches(s, "dddd-dd-dd") ? nil : "not a date (YYYY-MM-DD)"
        case let (.string(s), .time): return matches(s, "dd:dd") ? nil : "not a time (HH:MM[:SS])"
        case let (.string(s), .timestamp), let (.string(s), .timestamptz): return matches(s, "dddd-dd-dd") ? nil : "not a timestamp (YYYY-MM-DD HH:MM:SS)"
        case (_, .binary): return "binary values are written as `{sql: <expression>}` per dialect"
        case (.string, _): return "a quoted text; write numbers and booleans unquoted"
        default: return "wrong kind of value"
        }
    }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.utf8), p = Array(pattern.utf8)
        guard t.count >= p.count else { return false }
        for (c, want) in zip(t, p) {
            if want == UInt8(ascii: "d") { if c < 48 || c > 57 { return false } } else if c != want { return false }
        }
        return true
    }

    private static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}

// MARK: - Inversion

extension Operation {
    /// The inverse of a data step: an insert's rows are deleted by key, rows deleted by key are
    /// inserted again, a predicate delete or an update runs its `down` (a delete without one has
    /// none; an update without one leaves the new values, as a backfill does).
    func dataStepInverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .insert(rows):
            guard let key = rows.keyColumns(in: before), !key.isEmpty else { return nil }
            var keyed = rows
            keyed.key = key
            return [.delete(DeleteRows(rows: keyed))]
        case let .delete(delete):
            switch delete.selection {
            case let .rows(rows):
                var keyed = rows
                keyed.key = rows.keyColumns(in: before)
                return [.insert(keyed)]
            case let .predicate(_, down):
                return down.map { [.sql(up: $0, down: nil)] }
            }
        case let .update(update):
            return update.down.map { [.sql(up: $0, down: nil)] } ?? []
        default:
            return nil
        }
    }

    func dataStepLoss() -> String? {
        switch self {
        case let .delete(delete):
            switch delete.selection {
            case .rows: return "delete from \(delete.table): the down inserts the rows again only as the spec lists them"
            case .predicate(_, nil): return "delete from \(delete.table): the deleted rows are gone"
            case .predicate: return "delete from \(delete.table): only the spec's down brings rows back"
            }
        case let .update(update) where update.down == nil:
            return "update \(update.table): the down leaves the new values (\(update.assignments.map(\.column).joined(separator: ", ")))"
        default:
            return nil
        }
    }
}
