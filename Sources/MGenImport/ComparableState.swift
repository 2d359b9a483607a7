import Foundation
import MGenSpec

/// A state as one dialect's database holds it: what two specs can say differently but a database
/// keeps the same way is made the same (a native type spelled like a neutral one; on SQLite no
/// comments, an identity key INTEGER, timestamptz and json as timestamp and text; on SQLite and
/// MySQL a unique constraint is a unique index and a primary key has no name; constraints by name,
/// `no action` for an action not given, NOT VALID dropped; MySQL's RESTRICT is NO ACTION and its
/// checks print back quoted; a decimal default by value; PostgreSQL's printed index expressions).
/// `new --from-db` decides what changed by it; the tests compare states by it.
public struct ComparableState: Sendable {
    public var dialect: Dialect
    public var tables: [String: Table]
    public var indexes: [String: Index]

    public init(_ state: SchemaState, dialect: Dialect, ignoring: Set<String> = []) {
        self.dialect = dialect
        var tables: [String: Table] = [:]
        var indexes: [String: Index] = [:]
        for name in state.tableNames where !ignoring.contains(name) {
            guard var table = state.table(name) else { continue }
            // spec 1.1: outside PostgreSQL a column of an enum type is the type's values inlined.
            if dialect != .postgresql {
                for k in table.columns.indices {
                    if case let .enumType(type) = table.columns[k].type, let values = state.enumValues(type) { table.columns[k].type = .enumeration(values) }
                }
            }
            tables[name] = Self.normal(table, dialect: dialect, ignoring: ignoring)
            if dialect != .postgresql {
                for unique in table.uniques {
                    indexes[unique.name] = Index(name: unique.name, table: name, parts: unique.columns.map { .column($0) }, unique: true)
                }
            }
        }
        for name in state.indexNames {
            guard let index = state.index(name), !ignoring.contains(index.table) else { continue }
            indexes[name] = Self.normal(index, dialect: dialect)
        }
        self.tables = tables
        self.indexes = indexes
    }

    public static func normal(_ column: Column, dialect: Dialect) -> Column {
        var c = column
        if case let .native(map) = c.type {
            var text = map[dialect.rawValue] ?? map["default"] ?? ""
            // PostgreSQL's own spelling of a time type with its precision: `timestamp(6) with time zone`.
            let spellings = [("timestamp(", " with time zone", "timestamptz("), ("timestamp(", " without time zone", "timestamp("), ("time(", " without time zone", "time(")]
            if let (head, tail, neutral) = spellings.first(where: { text.hasPrefix($0.0) && text.hasSuffix($0.1) }) {
                text = neutral + text.dropFirst(head.count).dropLast(tail.count)
            }
            c.type = ColumnType.parse(text) ?? .native([dialect.rawValue: text])
        }
        if case let .literal(.number(text))? = c.defaultValue, let value = Double(text) { c.defaultValue = .literal(.number("\(value)")) }
        // spec 1.1: generated columns and collations, as this dialect has them
        // (the expression as servers print it back: without quotes, casts, parentheses, spaces or case)
        if let generated = c.generated {
            c.generated = generated.expression.text(for: dialect).map { GeneratedColumn(expression: DialectSQL(Self.looseExpression($0)), stored: generated.isStored(dialect)) }
        }
        c.collation = c.collation(dialect).map { DialectSQL(dialect == .sqlite ? $0.uppercased() : $0) }
        if dialect == .sqlite {
            c.comment = nil
            if c.identity { c.type = .integer }
            // SQLite keeps no fractional-second precision: timestamptz(6) is its timestamp.
            c.type = c.type.withoutPrecision
            if c.type == .timestamptz { c.type = .timestamp }
            if c.type == .json { c.type = .text }
        }
        return c
    }

    /// An expression compared loosely: `(("price")::numeric * qty)` and `price * qty` alike, and
    /// MariaDB's spellings of `lower`/`upper` (it prints a generated column's `lower(x)` as `lcase(x)`).
    static func looseExpression(_ text: String) -> String {
        let noCasts = text.replacingOccurrences(of: "::[A-Za-z_][A-Za-z0-9_ ]*(\\([0-9, ]*\\))?", with: "", options: .regularExpression)
        let spelled = noCasts.lowercased().replacingOccurrences(of: #"\blcase\s*\("#, with: "lower(", options: .regularExpression)
            .replacingOccurrences(of: #"\bucase\s*\("#, with: "upper(", options: .regularExpression)
        return String(spelled.filter { !"\"`() \n\t".contains($0) })
    }

    public static func normal(_ fk: ForeignKey, dialect: Dialect) -> ForeignKey {
        var fk = fk
        fk.onDelete = fk.onDelete ?? .noAction
        fk.onUpdate = fk.onUpdate ?? .noAction
        if dialect == .mysql {
            if fk.onDelete == .restrict { fk.onDelete = .noAction }
            if fk.onUpdate == .restrict { fk.onUpdate = .noAction }
        }
        fk.notValid = false
        return fk
    }

    public static func normal(_ check: CheckConstraint, dialect: Dialect) -> CheckConstraint {
        var c = check
        c.notValid = false
        if dialect == .mysql { c.expression = c.expression.replacingOccurrences(of: "`", with: "") }
        // PostgreSQL prints a check back with quotes only where a name needs them.
        if dialect == .postgresql { c.expression = c.expression.replacingOccurrences(of: "\"", with: "") }
        return c
    }

    public static func normal(_ table: Table, dialect: Dialect, ignoring: Set<String> = []) -> Table {
        var t = table
        for k in t.columns.indices { t.columns[k] = normal(t.columns[k], dialect: dialect) }
        if dialect == .sqlite {
            t.comment = nil
            // SQLite holds an enum as text with a check `"c" IN (...)` named <table>_<column>_check:
            // read back that way, it is the same column as the inline enum.
            for (k, c) in t.columns.enumerated() where c.type == .text {
                if let check = t.checks.firstIndex(where: { $0.name == DefaultNames.enumCheck(t.name, c.name) }),
                   let values = PostgresReader.Reader.enumValues(t.checks[check].expression, column: c.name) {
                    t.columns[k].type = .enumeration(values)
                    t.checks.remove(at: check)
                }
            }
        }
        t.foreignKeys = t.foreignKeys.filter { !ignoring.contains($0.referencedTable) }.map { normal($0, dialect: dialect) }.sorted { $0.name < $1.name }
        t.checks = t.checks.map { normal($0, dialect: dialect) }.sorted { $0.name < $1.name }
        t.uniques.sort { $0.name < $1.name }
        // spec 1.1: a dump states the database's default charset and collation on every table; the
        // snapshots compare the options that matter (IntrospectMySQL)
        // A column collation that is the table's default is no collation of its own (the state
        // names the one a column kept across a DEFAULT CHARACTER SET change; MySQL shows none).
        if dialect == .mysql, let tableCollation = table.mysqlOptions?.effectiveCollation {
            for k in t.columns.indices where t.columns[k].collation(.mysql) == tableCollation { t.columns[k].collation = nil }
        }
        t.mysqlOptions = nil
        if dialect != .postgresql {
            if let pk = t.primaryKey { t.primaryKey = PrimaryKey(name: "", columns: pk.columns) }
            t.uniques = []
        }
        return t
    }

    public static func normal(_ index: Index, dialect: Dialect) -> Index {
        var index = index
        if index.method == "btree" || dialect == .sqlite { index.method = nil }
        // spec 1.1: the NULL order a key has anyway (PostgreSQL: last ascending, first descending).
        for k in index.keyOptions.indices {
            if dialect != .postgresql || index.keyOptions[k].nulls == (index.keyOptions[k].descending ? .first : .last) { index.keyOptions[k].nulls = nil }
        }
        if index.keyOptions.allSatisfy(\.isDefault) { index.keyOptions = [] }
        index.predicate = index.predicate?.replacingOccurrences(of: "\"", with: "")
        index.parts = index.parts.map { part in
            guard case let .expression(text) = part else { return part }
            return .expression(text.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "::text", with: ""))
        }
        return index
    }

    /// What differs, one line per table part or index (empty: the same schema for this dialect).
    public func differences(to other: ComparableState) -> [String] {
        var out: [String] = []
        for name in Set(tables.keys).union(other.tables.keys).sorted() {
            guard let x = tables[name], let y = other.tables[name] else {
                out.append("table \(name): only in the \(tables[name] == nil ? "second" : "first")")
                continue
            }
            if x == y { continue }
            for column in Set(x.columns.map(\.name)).union(y.columns.map(\.name)).sorted() where x.column(column) != y.column(column) {
                out.append("table \(name): column \(x.column(column).map { "\($0)" } ?? "absent") vs \(y.column(column).map { "\($0)" } ?? "absent")")
            }
            // Column order is no difference: a column dropped and added again comes last, and only
            // MySQL could put it back in place.
            if x.primaryKey != y.primaryKey { out.append("table \(name): primary key \(String(describing: x.primaryKey)) vs \(String(describing: y.primaryKey))") }
            if x.uniques != y.uniques { out.append("table \(name): uniques \(x.uniques) vs \(y.uniques)") }
            if x.checks != y.checks { out.append("table \(name): checks \(x.checks) vs \(y.checks)") }
            if x.foreignKeys != y.foreignKeys { out.append("table \(name): foreign keys \(x.foreignKeys) vs \(y.foreignKeys)") }
            if x.comment != y.comment { out.append("table \(name): comment \(String(describing: x.comment)) vs \(String(describing: y.comment))") }
        }
        for name in Set(indexes.keys).union(other.indexes.keys).sorted() where indexes[name] != other.indexes[name] {
            out.append("index \(name): \(indexes[name].map { "\($0)" } ?? "absent") vs \(other.indexes[name].map { "\($0)" } ?? "absent")")
        }
        return out
    }
}
