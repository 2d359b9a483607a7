/// The neutral model: what a spec says, independent of any framework or dialect.

/// Neutral column types. `native` is the escape hatch: a type per dialect (`default` covers the rest).
public enum ColumnType: Hashable, Sendable, CustomStringConvertible {
    case boolean, smallint, integer, bigint
    case decimal(precision: Int, scale: Int)
    case real, double
    case string(length: Int)
    case text, binary, date, time, timestamp, timestamptz, uuid, json
    case enumeration([String])
    case native([String: String])
    // spec 1.1: enum types
    /// A column of a named enum type (`create_enum_type`): `type: {enum_type: mood}`. The values
    /// live in the replayed state; PostgreSQL uses the type, MySQL and SQLite the values inline.
    case enumType(String)
    // spec 1.1: column types
    /// `time(p)`, `timestamp(p)`, `timestamptz(p)`: the plain type with its fractional-second
    /// digits (0–6) written out. The plain `.time`/`.timestamp`/`.timestamptz` stay what they
    /// were (each dialect's default precision), so existing specs render unchanged.
    case temporal(Temporal, precision: Int)
    /// `char(n)`: fixed length, blank-padded (PostgreSQL `char(n)`, MySQL `char(n)`; SQLite keeps
    /// the text as given). Distinct from `string(n)`: comparisons and storage differ.
    case char(length: Int)
    /// `varchar(max)` (`string(max)`): a varchar without a length limit, PostgreSQL's `varchar`
    /// (Rails' `t.string`, Django's `CharField()`). MySQL has none: the dialect rules refuse it.
    case varchar
    /// `integer unsigned` (`smallint unsigned`, `bigint unsigned`): MySQL's unsigned integers, the
    /// signed type's range moved up (0 to 4,294,967,295 for an int). PostgreSQL and SQLite have
    /// none: the dialect rules refuse it there (a CHECK would halve the range silently).
    case unsigned(Unsigned)
    /// `text[]`, `integer[]`, `string(20)[]`: a one-dimensional PostgreSQL array of a plain type.
    /// MySQL and SQLite have none: the dialect rules refuse it there.
    indirect case array(ColumnType)

    /// The integer types that take MySQL's UNSIGNED.
    public enum Unsigned: String, Hashable, Sendable, CaseIterable {
        case smallint, integer, bigint
        /// The signed type of the same size.
        public var signed: ColumnType {
            switch self {
            case .smallint: .smallint
            case .integer: .integer
            case .bigint: .bigint
            }
        }
        /// The largest value.
        public var maximum: UInt64 {
            switch self {
            case .smallint: 65_535
            case .integer: 4_294_967_295
            case .bigint: .max
            }
        }
    }

    /// The time types that take a fractional-second precision.
    public enum Temporal: String, Hashable, Sendable {
        case time, timestamp, timestamptz
        /// The type without a written precision.
        public var plain: ColumnType {
            switch self {
            case .time: .time
            case .timestamp: .timestamp
            case .timestamptz: .timestamptz
            }
        }
    }

    /// The greatest fractional-second precision all three dialects take (PostgreSQL and MySQL: 6).
    public static let maxTimePrecision = 6

    /// `timestamp(3)` → `timestamp`: for the checks that ask what kind of value a column holds.
    public var withoutPrecision: ColumnType {
        if case let .temporal(kind, _) = self { return kind.plain }
        return self
    }

    public static let defaultStringLength = 255

    /// The neutral names, for help texts and did-you-mean suggestions.
    public static let names = ["boolean", "smallint", "integer", "bigint", "decimal(p,s)", "real", "double",
                               "string(n)", "text", "binary", "date", "time", "timestamp", "timestamptz",
                               "time(p)", "timestamp(p)", "timestamptz(p)", "char(n)", "varchar(max)",
                               "smallint unsigned", "integer unsigned", "bigint unsigned", "text[]",
                               "uuid", "json", "enum(a,b,...)"]

    /// Parses the neutral spelling: `integer`, `string(255)`, `decimal(10,2)`, `enum(a,b)`, and common aliases.
    public static func parse(_ text: String) -> ColumnType? {
        // The common spellings, without the cost of Foundation's string functions.
        switch text {
        case "boolean": return .boolean
        case "smallint": return .smallint
        case "integer": return .integer
        case "bigint": return .bigint
        case "text": return .text
        case "timestamp": return .timestamp
        case "timestamptz": return .timestamptz
        case "uuid": return .uuid
        case "json": return .json
        default:
            if let n = lengthArgument(text, prefix: "string(") { return n > 0 ? .string(length: n) : nil }
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // spec 1.1: column types. An array of a plain type (no arrays of arrays, enums or native types).
        if trimmed.hasSuffix("[]") {
            guard let element = parse(String(trimmed.dropLast(2))), element.canBeArrayElement else { return nil }
            return .array(element)
        }
        var base = trimmed.lowercased()
        var arguments: [String] = []
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
            base = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces).lowercased()
            let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            arguments = inner.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func ints() -> [Int]? {
            let values = arguments.compactMap { Int($0) }
            return values.count == arguments.count ? values : nil
        }
        switch (base, arguments.count) {
        case ("boolean", 0), ("bool", 0): return .boolean
        case ("smallint", 0): return .smallint
        case ("integer", 0), ("int", 0): return .integer
        case ("bigint", 0): return .bigint
        case ("real", 0), ("float", 0): return .real
        case ("double", 0): return .double
        case ("text", 0): return .text
        case ("binary", 0), ("blob", 0): return .binary
        case ("date", 0): return .date
        case ("time", 0): return .time
        case ("timestamp", 0), ("datetime", 0): return .timestamp
        case ("timestamptz", 0): return .timestamptz
        case ("uuid", 0): return .uuid
        case ("json", 0): return .json
        // spec 1.1: column types. `json` is already jsonb on PostgreSQL (indexable, compared by
        // value); `jsonb` says so. PostgreSQL's text-keeping json is the per-dialect {postgresql: json}.
        case ("jsonb", 0): return .json
        case ("string", 0), ("varchar", 0): return .string(length: defaultStringLength)
        // spec 1.1: column types. `max` is the unbounded varchar; `char` alone is char(1), as in SQL.
        case ("string", 1) where arguments[0].lowercased() == "max", ("varchar", 1) where arguments[0].lowercased() == "max":
            return .varchar
        case ("char", 0), ("character", 0): return .char(length: 1)
        case ("smallint unsigned", 0): return .unsigned(.smallint)
        case ("integer unsigned", 0), ("int unsigned", 0): return .unsigned(.integer)
        case ("bigint unsigned", 0): return .unsigned(.bigint)
        case ("char", 1), ("character", 1):
            guard let n = ints()?.first, n > 0 else { return nil }
            return .char(length: n)
        case ("string", 1), ("varchar", 1):
            guard let n = ints()?.first, n > 0 else { return nil }
            return .string(length: n)
        case ("decimal", 2), ("numeric", 2):
            guard let v = ints(), v[0] > 0, v[1] >= 0, v[1] <= v[0] else { return nil }
            return .decimal(precision: v[0], scale: v[1])
        // spec 1.1: types. `decimal(p)` is `decimal(p,0)` in standard SQL, PostgreSQL and MySQL.
        case ("decimal", 1), ("numeric", 1):
            guard let p = ints()?.first, p > 0 else { return nil }
            return .decimal(precision: p, scale: 0)
        // spec 1.1: column types. Fractional-second digits, 0–6 on PostgreSQL and MySQL alike.
        case ("time", 1), ("timestamp", 1), ("datetime", 1), ("timestamptz", 1):
            guard let p = ints()?.first, (0...maxTimePrecision).contains(p) else { return nil }
            let kind: Temporal = base == "time" ? .time : base == "timestamptz" ? .timestamptz : .timestamp
            return .temporal(kind, precision: p)
        case ("enum", _) where !arguments.isEmpty:
            // A value quoted SQL-style ('it''s', as MySQL prints it back) has its doubled quote undone.
            let values = arguments.map { a in
                a.count >= 2 && a.hasPrefix("'") && a.hasSuffix("'")
                    ? String(a.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
                    : a.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            }
            return values.contains(where: \.isEmpty) ? nil : .enumeration(values)
        default: return nil
        }
    }

    /// `255` from `string(255)`, read without Foundation.
    private static func lengthArgument(_ text: String, prefix: String) -> Int? {
        guard text.hasPrefix(prefix), text.hasSuffix(")") else { return nil }
        return Int(text.utf8.dropFirst(prefix.utf8.count).dropLast().reduce(into: "") { $0.append(Character(UnicodeScalar($1))) })
    }

    public var description: String {
        switch self {
        case .boolean: "boolean"
        case .smallint: "smallint"
        case .integer: "integer"
        case .bigint: "bigint"
        case let .decimal(p, s): "decimal(\(p),\(s))"
        case .real: "real"
        case .double: "double"
        case let .string(n): "string(\(n))"
        case .text: "text"
        case .binary: "binary"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .uuid: "uuid"
        case .json: "json"
        case let .enumeration(values): "enum(\(values.joined(separator: ",")))"
        case let .native(map): "native(" + map.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")"
        // spec 1.1: enum types
        case let .enumType(name): "enum_type(\(name))"
        // spec 1.1: column types
        case let .temporal(kind, p): "\(kind.rawValue)(\(p))"
        case let .char(n): "char(\(n))"
        case .varchar: "varchar(max)"
        case let .unsigned(kind): "\(kind.rawValue) unsigned"
        case let .array(element): "\(element)[]"
        }
    }

    public var isInteger: Bool { self == .smallint || self == .integer || self == .bigint }

    // spec 1.1: column types
    /// A signed or unsigned integer type: what an identity column may be.
    public var isWholeNumber: Bool {
        if case .unsigned = self { return true }
        return isInteger
    }
}

/// A literal value as written in YAML.
public enum Literal: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case number(String)
    case boolean(Bool)
    case null

    public var description: String {
        switch self {
        case let .string(s): "'\(s)'"
        case let .integer(i): String(i)
        case let .number(n): n
        case let .boolean(b): b ? "true" : "false"
        case .null: "null"
        }
    }
}

/// A column default: a literal (`default: 0`) or an SQL expression (`default: {sql: now()}`).
public enum DefaultValue: Hashable, Sendable, CustomStringConvertible {
    case literal(Literal)
    case sql(String)

    public var description: String {
        switch self {
        case let .literal(l): l.description
        case let .sql(s): "sql(\(s))"
        }
    }
}

public enum ReferentialAction: String, Hashable, Sendable, CaseIterable {
    case cascade = "cascade"
    case restrict = "restrict"
    case setNull = "set null"
    case setDefault = "set default"
    case noAction = "no action"

    public init?(spelling: String) {
        let normal = spelling.lowercased().replacingOccurrences(of: "_", with: " ")
        guard let action = ReferentialAction(rawValue: normal) else { return nil }
        self = action
    }

    public var sql: String { rawValue.uppercased() }
}

/// A column as it lives in a table. Column-level sugar (`unique`, `references`, `primary_key`) is
/// lifted by the loader into named table-level constraints, so every consumer sees one form.
public struct Column: Hashable, Sendable {
    public var name: String
    public var type: ColumnType
    public var nullable: Bool
    public var defaultValue: DefaultValue?
    public var identity: Bool
    public var comment: String?
    // spec 1.1: generated columns and collations (Ops/GeneratedColumns.swift)
    /// `generated: {expression: …, stored: …}`: the column's value is computed by the database.
    public var generated: GeneratedColumn? = nil
    /// `collation: C` (or per dialect): the column's collation; nil is the database's default.
    public var collation: DialectSQL? = nil

    public init(name: String, type: ColumnType, nullable: Bool = true, defaultValue: DefaultValue? = nil,
                identity: Bool = false, comment: String? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.identity = identity
        self.comment = comment
    }
}

public struct PrimaryKey: Hashable, Sendable {
    public var name: String
    public var columns: [String]
    public init(name: String, columns: [String]) { self.name = name; self.columns = columns }
}

public struct ForeignKey: Hashable, Sendable {
    public var name: String
    public var table: String
    public var columns: [String]
    public var referencedTable: String
    public var referencedColumns: [String]
    public var onDelete: ReferentialAction?
    public var onUpdate: ReferentialAction?
    /// PostgreSQL `NOT VALID`: existing rows are checked later by `validate_constraint`.
    public var notValid: Bool
    // spec 1.1: deferrable constraints (Ops/Deferrable.swift); nil: NOT DEFERRABLE
    public var deferrable: Deferrability? = nil

    public init(name: String, table: String, columns: [String], referencedTable: String, referencedColumns: [String],
                onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil, notValid: Bool = false) {
        self.name = name
        self.table = table
        self.columns = columns
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
        self.notValid = notValid
    }
}

public struct UniqueConstraint: Hashable, Sendable {
    public var name: String
    public var table: String
    public var columns: [String]
    // spec 1.1: deferrable constraints (Ops/Deferrable.swift); nil: NOT DEFERRABLE
    public var deferrable: Deferrability? = nil
    public init(name: String, table: String, columns: [String]) { self.name = name; self.table = table; self.columns = columns }
}

public struct CheckConstraint: Hashable, Sendable {
    public var name: String
    public var table: String
    public var expression: String
    public var notValid: Bool
    public init(name: String, table: String, expression: String, notValid: Bool = false) {
        self.name = name
        self.table = table
        self.expression = expression
        self.notValid = notValid
    }
}

public enum IndexPart: Hashable, Sendable {
    case column(String)
    case expression(String)

    public var columnName: String? { if case let .column(name) = self { name } else { nil } }
}

public struct Index: Hashable, Sendable {
    public var name: String
    public var table: String
    public var parts: [IndexPart]
    public var unique: Bool
    /// A partial index's predicate (`WHERE ...`).
    public var predicate: String?
    /// `btree`, `hash`, `gin`, `gist`, `brin` (PostgreSQL); nil is the dialect's default.
    public var method: String?
    // spec 1.1: index key order and options (Ops/IndexOptions.swift)
    /// Per key part, in the order of `parts`; empty when every part has the defaults.
    public var keyOptions: [IndexKeyOptions] = []
    /// PostgreSQL `INCLUDE (…)`: columns stored in the index but not part of its key.
    public var include: [String] = []
    /// PostgreSQL `WITH (…)` storage parameters, in the order written.
    public var storage: [StorageParameter] = []

    public init(name: String, table: String, parts: [IndexPart], unique: Bool = false, predicate: String? = nil,
                method: String? = nil) {
        self.name = name
        self.table = table
        self.parts = parts
        self.unique = unique
        self.predicate = predicate
        self.method = method
    }

    public var columnNames: [String] { parts.compactMap(\.columnName) }
}

/// A whole table definition, as `create_table` says it and as the replayed state holds it.
public struct Table: Hashable, Sendable {
    public var name: String
    public var columns: ColumnList
    public var primaryKey: PrimaryKey?
    public var uniques: [UniqueConstraint]
    public var checks: [CheckConstraint]
    public var foreignKeys: [ForeignKey]
    public var comment: String?
    // spec 1.1: MySQL table options (Ops/TableOptions.swift); PostgreSQL and SQLite ignore them
    public var mysqlOptions: MySQLTableOptions? = nil

    public init(name: String, columns: [Column], primaryKey: PrimaryKey? = nil, uniques: [UniqueConstraint] = [],
                checks: [CheckConstraint] = [], foreignKeys: [ForeignKey] = [], comment: String? = nil) {
        self.name = name
        self.columns = ColumnList(columns)
        self.primaryKey = primaryKey
        self.uniques = uniques
        self.checks = checks
        self.foreignKeys = foreignKeys
        self.comment = comment
    }

    public func column(_ name: String) -> Column? { columns.firstIndex(named: name).map { columns[$0] } }
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(named: name) }

    /// The table's named constraints of every kind (the namespace `drop_constraint` looks in).
    public var constraintNames: [String] {
        var names: [String] = []
        names.reserveCapacity(1 + uniques.count + checks.count + foreignKeys.count)
        if let primaryKey { names.append(primaryKey.name) }
        for unique in uniques { names.append(unique.name) }
        for check in checks { names.append(check.name) }
        for foreignKey in foreignKeys { names.append(foreignKey.name) }
        return names
    }
}

/// SQL text that may differ per dialect: `default` applies where no dialect-specific text is given.
public struct DialectSQL: Hashable, Sendable {
    public var byDialect: [String: String]
    public init(_ byDialect: [String: String]) { self.byDialect = byDialect }
    public init(_ text: String) { self.byDialect = ["default": text] }

    public func text(for dialect: Dialect) -> String? { byDialect[dialect.rawValue] ?? byDialect["default"] }
}

public struct AlterColumn: Hashable, Sendable {
    public enum DefaultChange: Hashable, Sendable { case set(DefaultValue), drop }
    public var table: String
    public var column: String
    public var type: ColumnType?
    /// PostgreSQL `USING` expression for a type change.
    public var using: String?
    public var nullable: Bool?
    public var defaultChange: DefaultChange?
    public var comment: String?
    // spec 1.1: generated columns and collations (Ops/GeneratedColumns.swift)
    public var collation: CollationChange? = nil

    public init(table: String, column: String, type: ColumnType? = nil, using: String? = nil, nullable: Bool? = nil,
                defaultChange: DefaultChange? = nil, comment: String? = nil) {
        self.table = table
        self.column = column
        self.type = type
        self.using = using
        self.nullable = nullable
        self.defaultChange = defaultChange
        self.comment = comment
    }
}

public struct Backfill: Hashable, Sendable {
    public var table: String
    /// Column → SQL expression (per dialect where they differ), in the order written.
    public var assignments: [Assignment]
    public var predicate: String?
    public var batchSize: Int
    /// The integer column batches are cut along; nil means the table's single-column primary key.
    public var key: String?

    public struct Assignment: Hashable, Sendable {
        public var column: String
        public var expression: DialectSQL
        public init(column: String, expression: DialectSQL) { self.column = column; self.expression = expression }
    }

    public init(table: String, assignments: [Assignment], predicate: String? = nil, batchSize: Int = 1000, key: String? = nil) {
        self.table = table
        self.assignments = assignments
        self.predicate = predicate
        self.batchSize = batchSize
        self.key = key
    }
}

/// One schema change. Each case is one key of the spec's `operations:` list.
public indirect enum Operation: Hashable, Sendable {
    case createTable(Table)
    case dropTable(table: String)
    case renameTable(table: String, to: String)
    case addColumn(table: String, column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?)
    case dropColumn(table: String, column: String)
    case renameColumn(table: String, column: String, to: String)
    case alterColumn(AlterColumn)
    case createIndex(Index, concurrently: Bool)
    case dropIndex(name: String, table: String, concurrently: Bool)
    case addForeignKey(ForeignKey)
    case addUnique(UniqueConstraint)
    case addCheck(CheckConstraint)
    case validateConstraint(table: String, name: String)
    case dropConstraint(table: String, name: String)
    case sql(up: DialectSQL, down: DialectSQL?)
    case backfill(Backfill)
    // spec 1.1: views, functions, triggers, extensions, sequences
    case object(ObjectChange)
    // spec 1.1: enum types
    case createEnumType(name: String, values: [String])
    case dropEnumType(name: String)
    case renameEnumType(name: String, to: String)
    case addEnumValue(type: String, value: String, placement: EnumValuePlacement)
    case renameEnumValue(type: String, value: String, to: String)
    case dropEnumValue(type: String, value: String)
    // spec 1.1: data steps (Ops/DataSteps.swift)
    case insert(DataRows)
    case delete(DeleteRows)
    case update(UpdateRows)
    // spec 1.1: primary keys on existing tables (Ops/PrimaryKeys.swift)
    case addPrimaryKey(AddPrimaryKey)
    case dropPrimaryKey(table: String)
    // spec 1.1: renames (Ops/Renames.swift); `table` may be empty in a spec, as for drop_index
    case renameIndex(name: String, to: String, table: String)
    // spec 1.1: comments (Ops/Comments.swift); `comment: nil` removes the table's comment
    case commentTable(table: String, comment: String?)
    // spec 1.1: constraint renames (Ops/ConstraintRenames.swift)
    case renameConstraint(table: String, name: String, to: String)
    // spec 1.1: altering in place (Ops/AlterInPlace.swift)
    case alterTable(AlterTable)
    case alterConstraint(table: String, name: String, deferrable: Deferrability?)
    // spec 1.1: unique constraints from a unique index (Ops/UniqueUsingIndex.swift); kind add_unique
    case addUniqueUsingIndex(UniqueConstraint, index: String)

    /// The spec's key for this operation.
    public var kind: String {
        switch self {
        case .createTable: "create_table"
        case .dropTable: "drop_table"
        case .renameTable: "rename_table"
        case .addColumn: "add_column"
        case .dropColumn: "drop_column"
        case .renameColumn: "rename_column"
        case .alterColumn: "alter_column"
        case .createIndex: "create_index"
        case .dropIndex: "drop_index"
        case .addForeignKey: "add_foreign_key"
        case .addUnique: "add_unique"
        case .addCheck: "add_check"
        case .validateConstraint: "validate_constraint"
        case .dropConstraint: "drop_constraint"
        case .sql: "sql"
        case .backfill: "backfill"
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change): change.kind
        // spec 1.1: enum types
        case .createEnumType: "create_enum_type"
        case .dropEnumType: "drop_enum_type"
        case .renameEnumType: "rename_enum_type"
        case .addEnumValue: "add_enum_value"
        case .renameEnumValue: "rename_enum_value"
        case .dropEnumValue: "drop_enum_value"
        // spec 1.1: data steps
        case .insert: "insert"
        case .delete: "delete"
        case .update: "update"
        // spec 1.1: primary keys
        case .addPrimaryKey: "add_primary_key"
        case .dropPrimaryKey: "drop_primary_key"
        // spec 1.1: renames
        case .renameIndex: "rename_index"
        // spec 1.1: comments
        case .commentTable: "comment_table"
        // spec 1.1: constraint renames
        case .renameConstraint: "rename_constraint"
        // spec 1.1: altering in place
        case .alterTable: "alter_table"
        case .alterConstraint: "alter_constraint"
        // spec 1.1: unique constraints from a unique index
        case .addUniqueUsingIndex: "add_unique"
        }
    }

    public static let kinds = ["create_table", "drop_table", "rename_table", "add_column", "drop_column", "rename_column",
                               "alter_column", "create_index", "drop_index", "add_foreign_key", "add_unique", "add_check",
                               "validate_constraint", "drop_constraint", "sql", "backfill",
                               // spec 1.1: enum types
                               "create_enum_type", "drop_enum_type", "rename_enum_type", "add_enum_value", "rename_enum_value",
                               "drop_enum_value"]
        // spec 1.1: views, functions, triggers, extensions, sequences
        + ObjectChange.kinds
        // spec 1.1: data steps
        + ["insert", "delete", "update"]
        // spec 1.1: primary keys
        + ["add_primary_key", "drop_primary_key"]
        // spec 1.1: renames
        + ["rename_index"]
        // spec 1.1: comments
        + ["comment_table"]
        // spec 1.1: constraint renames
        + ["rename_constraint"]
        // spec 1.1: altering in place
        + ["alter_table", "alter_constraint"]

    /// The table the operation works on (nil for raw SQL).
    public var table: String? {
        switch self {
        case let .createTable(t): t.name
        case let .dropTable(table), let .renameTable(table, _), let .addColumn(table, _, _, _),
             let .dropColumn(table, _), let .renameColumn(table, _, _), let .dropIndex(_, table, _),
             let .validateConstraint(table, _), let .dropConstraint(table, _):
            table
        case let .alterColumn(a): a.table
        case let .createIndex(i, _): i.table
        case let .addForeignKey(f): f.table
        case let .addUnique(u): u.table
        case let .addCheck(c): c.table
        case let .backfill(b): b.table
        // spec 1.1: data steps
        case let .insert(r): r.table
        case let .delete(d): d.table
        case let .update(u): u.table
        // spec 1.1: primary keys
        case let .addPrimaryKey(a): a.table
        case let .dropPrimaryKey(table): table
        // spec 1.1: renames
        case let .renameIndex(_, _, table): table.isEmpty ? nil : table
        // spec 1.1: comments
        case let .commentTable(table, _): table
        // spec 1.1: constraint renames
        case let .renameConstraint(table, _, _): table
        // spec 1.1: altering in place
        case let .alterTable(a): a.table
        case let .alterConstraint(table, _, _): table
        // spec 1.1: unique constraints from a unique index
        case let .addUniqueUsingIndex(u, _): u.table
        case .sql: nil
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change): change.table
        // spec 1.1: enum types
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue: nil
        }
    }

    /// Whether the operation can only run outside a transaction (PostgreSQL `CONCURRENTLY`).
    public var isConcurrent: Bool {
        switch self {
        case let .createIndex(_, c), let .dropIndex(_, _, c): c
        default: false
        }
    }

    /// Whether the operation changes data rather than structure.
    public var isData: Bool {
        switch self {
        case .backfill: true
        // spec 1.1: data steps
        case .insert, .delete, .update: true
        default: false
        }
    }
}

/// A value with the place in the spec it came from, and the places of its fields (for precise errors).
public struct Located<Value: Hashable & Sendable>: Hashable, Sendable {
    public var value: Value
    public var location: SourceLocation
    public var fields: FieldLocations

    public init(_ value: Value, at location: SourceLocation, fields: FieldLocations = [:]) {
        self.value = value
        self.location = location
        self.fields = fields
    }

    /// The location of a field when known, else of the whole value.
    public func location(of field: String) -> SourceLocation { fields[field] ?? location }
}

/// A spec's `lint:` field: linter rules this spec deliberately breaks, and why.
public struct LintSettings: Hashable, Sendable {
    public var ignore: [String]
    public var reason: String
    public var location: SourceLocation
    /// Where each rule name of `ignore` was written (unknown names are reported there).
    public var ruleLocations: [SourceLocation]

    public init(ignore: [String], reason: String, location: SourceLocation, ruleLocations: [SourceLocation] = []) {
        self.ignore = ignore
        self.reason = reason
        self.location = location
        self.ruleLocations = ruleLocations
    }
}

/// One migration: one spec file.
public struct Migration: Hashable, Sendable {
    public var id: String
    public var name: String
    public var description: String?
    public var dependsOn: [String]
    /// nil means "decide from the operations": true unless an operation must run outside a transaction.
    public var transaction: Bool?
    /// Creation time (`2025-01-15T10:30:00Z`), used for timestamp-versioned targets.
    public var created: String?
    public var operations: [Located<Operation>]
    /// An explicit down that replaces the derived one.
    public var down: [Located<Operation>]?
    public var irreversible: String?
    /// A baseline declares a schema that already exists (`mgen baseline`): it seeds the replayed
    /// state, and `emit` writes nothing for it unless asked (`--include-baseline`).
    public var baseline: Bool
    /// Linter rules this spec opts out of (`lint: {ignore: [...], reason: "..."}`).
    public var lint: LintSettings?
    /// The spec file, as given on the command line.
    public var file: String
    /// The spec file's bytes, kept for `sha256`.
    public var source: [UInt8]
    /// SHA-256 of the spec file's bytes, as `sha256sum` prints it. Computed when asked: only the
    /// headers of emitted files need it.
    public var sha256: String { SHA256.hex(source) }
    public var location: SourceLocation
    public var fields: FieldLocations

    public init(id: String, name: String, description: String? = nil, dependsOn: [String] = [], transaction: Bool? = nil,
                created: String? = nil, operations: [Located<Operation>], down: [Located<Operation>]? = nil,
                irreversible: String? = nil, lint: LintSettings? = nil, file: String, source: [UInt8] = [],
                location: SourceLocation? = nil, fields: FieldLocations = [:], baseline: Bool = false) {
        self.id = id
        self.name = name
        self.description = description
        self.dependsOn = dependsOn
        self.transaction = transaction
        self.created = created
        self.operations = operations
        self.down = down
        self.irreversible = irreversible
        self.baseline = baseline
        self.lint = lint
        self.file = file
        self.source = source
        self.location = location ?? SourceLocation(file: file, line: 1, column: 1)
        self.fields = fields
    }

    /// Whether the up runs inside one transaction.
    public var runsInTransaction: Bool {
        transaction ?? !operations.contains { $0.value.isConcurrent }
    }
}

import Foundation
