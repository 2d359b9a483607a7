import Foundation
import MGenSpec

/// The structure of one database schema as its catalog reports it, normalized so that two
/// snapshots of the same schema on the same dialect are equal and encode to the same bytes.
///
/// Ordering: tables, indexes and constraints sorted by name (unnamed ones by their content);
/// columns in ordinal order. The initialisers sort, so any snapshot built through them is
/// canonical.
public struct SchemaSnapshot: Codable, Equatable, Sendable {
    public var dialect: Dialect
    public var tables: [TableSnapshot]
    // spec 1.1: views, functions, triggers, sequences, extensions, domains (IntrospectObjects.swift);
    // nil when there are none, so a schema of tables only encodes as it always did
    public var objects: [ObjectSnapshot]?

    // spec 1.1: enum types (PostgreSQL; nil when there are none)
    public var enumTypes: [EnumTypeSnapshot]?

    public init(dialect: Dialect, tables: [TableSnapshot], objects: [ObjectSnapshot] = [], enumTypes: [EnumTypeSnapshot]? = nil) {
        self.dialect = dialect
        self.tables = tables.sorted { $0.name < $1.name }
        self.objects = objects.isEmpty ? nil : objects.sorted { $0.sortKey < $1.sortKey }
        self.enumTypes = enumTypes.map { $0.isEmpty ? nil : $0.sorted { $0.name < $1.name } } ?? nil
        if let enumTypes, !enumTypes.isEmpty { self.tables = self.tables.map { $0.markingEnumTypeColumns(enumTypes) } }
    }

    public func table(_ name: String) -> TableSnapshot? { tables.first { $0.name == name } }

    /// Stable JSON: sorted keys, pretty printed, no escaped slashes, trailing newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    public func jsonString() throws -> String { String(decoding: try jsonData(), as: UTF8.self) }

    public static func decode(_ data: Data) throws -> SchemaSnapshot {
        try JSONDecoder().decode(SchemaSnapshot.self, from: data)
    }
}

public struct TableSnapshot: Codable, Equatable, Sendable {
    public var name: String
    /// In ordinal (declaration) order.
    public var columns: [ColumnSnapshot]
    public var primaryKey: PrimaryKeySnapshot?
    /// Indexes that do not merely back the primary key or a unique constraint listed in
    /// `uniqueConstraints`.
    public var indexes: [IndexSnapshot]
    public var foreignKeys: [ForeignKeySnapshot]
    public var uniqueConstraints: [UniqueConstraintSnapshot]
    public var checkConstraints: [CheckConstraintSnapshot]
    public var comment: String?
    // spec 1.1: MySQL table options that differ from the defaults (`engine=myisam
    // collation=utf8mb4_unicode_ci`); nil elsewhere and for default tables (absent from the JSON)
    public var options: String? = nil

    public init(
        name: String, columns: [ColumnSnapshot], primaryKey: PrimaryKeySnapshot? = nil,
        indexes: [IndexSnapshot] = [], foreignKeys: [ForeignKeySnapshot] = [],
        uniqueConstraints: [UniqueConstraintSnapshot] = [], checkConstraints: [CheckConstraintSnapshot] = [],
        comment: String? = nil
    ) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.indexes = indexes.sorted { $0.sortKey < $1.sortKey }
        self.foreignKeys = foreignKeys.sorted { $0.sortKey < $1.sortKey }
        self.uniqueConstraints = uniqueConstraints.sorted { $0.sortKey < $1.sortKey }
        self.checkConstraints = checkConstraints.sorted { $0.sortKey < $1.sortKey }
        self.comment = comment
    }

    public func column(_ name: String) -> ColumnSnapshot? { columns.first { $0.name == name } }
    public func index(_ name: String) -> IndexSnapshot? { indexes.first { $0.name == name } }
}

public struct ColumnSnapshot: Codable, Equatable, Sendable {
    public var name: String
    /// The type as the catalog reports it, lower-cased, e.g. `character varying(255)`,
    /// `timestamp with time zone`, `varchar(255)`, `int`, `integer`.
    public var nativeType: String
    /// Best-effort neutral name (`string(255)`, `timestamptz`, …), or `native`.
    public var neutralType: String
    public var nullable: Bool
    /// The default as normalized SQL text (`'abc'`, `0`, `now()`, `CURRENT_TIMESTAMP`), nil for none.
    /// Identity/serial/auto-increment columns have none.
    public var `default`: String?
    public var identity: Bool
    public var comment: String?
    // spec 1.1: generated columns and collations (a generated column's expression and kind are
    // its `default`: `GENERATED ALWAYS AS (expr) STORED|VIRTUAL`)
    /// The column's collation where it differs from its table's (MySQL) or type's (PostgreSQL)
    /// default, or is other than BINARY (SQLite); nil otherwise, so ordinary columns do not show one.
    public var collation: String? = nil

    /// Whether the database computes the column (it takes no written value).
    public var isGenerated: Bool { self.default?.hasPrefix("GENERATED ALWAYS AS") ?? false }

    public init(name: String, nativeType: String, neutralType: String, nullable: Bool,
                default: String? = nil, identity: Bool = false, comment: String? = nil) {
        self.name = name
        self.nativeType = nativeType
        self.neutralType = neutralType
        self.nullable = nullable
        self.default = `default`
        self.identity = identity
        self.comment = comment
    }
}

public struct PrimaryKeySnapshot: Codable, Equatable, Sendable {
    /// The constraint name where the dialect keeps one (PostgreSQL; SQLite when declared with
    /// `CONSTRAINT name PRIMARY KEY`); nil on MySQL, where it is always `PRIMARY`.
    public var name: String?
    public var columns: [String]
    public init(name: String? = nil, columns: [String]) {
        self.name = name
        self.columns = columns
    }
}

public struct IndexSnapshot: Codable, Equatable, Sendable {
    public var name: String
    /// Column names or expression text, in key order; ` desc` appended to descending keys.
    public var columns: [String]
    public var unique: Bool
    /// The partial index's WHERE condition, normalized; nil for a full index.
    public var predicate: String?
    /// `btree`, `hash`, `gin`, `gist`, `brin`, `spgist`, `fulltext`, `spatial`; nil on SQLite.
    public var method: String?

    public init(name: String, columns: [String], unique: Bool = false, predicate: String? = nil, method: String? = nil) {
        self.name = name
        self.columns = columns
        self.unique = unique
        self.predicate = predicate
        self.method = method
    }

    var sortKey: String { name }
}

public struct ForeignKeySnapshot: Codable, Equatable, Sendable {
    /// nil for SQLite foreign keys declared without `CONSTRAINT name`.
    public var name: String?
    public var columns: [String]
    public var referencedTable: String
    public var referencedColumns: [String]
    /// `cascade`, `restrict`, `set null`, `set default` or `no action`.
    public var onDelete: String
    public var onUpdate: String
    // spec 1.1: deferrable constraints. `immediate` (DEFERRABLE INITIALLY IMMEDIATE) or `deferred`;
    // nil when not deferrable (and so absent from a snapshot's JSON, as before).
    public var deferrable: String? = nil

    public init(name: String?, columns: [String], referencedTable: String, referencedColumns: [String],
                onDelete: String = "no action", onUpdate: String = "no action") {
        self.name = name
        self.columns = columns
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onDelete = onDelete
        self.onUpdate = onUpdate
    }

    var sortKey: String { (name ?? "") + "\u{1}" + columns.joined(separator: ",") + "\u{1}" + referencedTable }
}

public struct UniqueConstraintSnapshot: Codable, Equatable, Sendable {
    /// nil for SQLite constraints declared without `CONSTRAINT name`.
    public var name: String?
    public var columns: [String]
    // spec 1.1: deferrable constraints (as for ForeignKeySnapshot)
    public var deferrable: String? = nil
    public init(name: String?, columns: [String]) {
        self.name = name
        self.columns = columns
    }

    var sortKey: String { (name ?? "") + "\u{1}" + columns.joined(separator: ",") }
}

public struct CheckConstraintSnapshot: Codable, Equatable, Sendable {
    /// nil for SQLite checks declared without `CONSTRAINT name`.
    public var name: String?
    /// The condition without `CHECK`, outer parentheses and literal casts; whitespace collapsed.
    public var expression: String
    public init(name: String?, expression: String) {
        self.name = name
        self.expression = expression
    }

    var sortKey: String { (name ?? "") + "\u{1}" + expression }
}

/// Normalizes a foreign key action as catalogs spell it (`CASCADE`, `NO ACTION`, PG's `c`, …).
func normalizeAction(_ text: String?) -> String {
    switch (text ?? "").trimmingCharacters(in: .whitespaces).lowercased() {
    case "c", "cascade": return "cascade"
    case "r", "restrict": return "restrict"
    case "n", "set null", "setnull": return "set null"
    case "d", "set default", "setdefault": return "set default"
    default: return "no action"
    }
}
