import Foundation

/// What a database can do, as data (SQLKit's `SQLDialect` style): emitters, the validator's
/// dialect rules and commands ask these questions instead of `dialect == .mysql`. Where a
/// framework itself differs by database (a type's name in Sequelize, Knex's builder options), the
/// target keeps its own table; what the database can do lives here, once. (In MGenSpec, the
/// lowest module that asks: the validator's `DialectRules` read the limits.)
public struct DialectCapabilities: Sendable, Hashable {
    /// How a unique constraint exists in the catalog.
    public enum UniqueStorage: Sendable, Hashable {
        /// A constraint with an index behind it (PostgreSQL): dropped with DROP CONSTRAINT.
        case constraint
        /// A unique index (MySQL, SQLite): dropped as an index.
        case index
    }

    /// How the neutral `enum(a,b)` type becomes a column.
    public enum EnumStrategy: Sendable, Hashable {
        /// A text column with a CHECK named `<table>_<column>_check` (PostgreSQL, SQLite).
        case checkConstraint
        /// The column type `enum('a','b')` (MySQL, MariaDB).
        case columnType
    }

    /// DDL takes part in transactions (PostgreSQL, SQLite); MySQL commits each statement itself.
    public var transactionalDDL: Bool
    /// `CREATE INDEX ... WHERE` (PostgreSQL, SQLite).
    public var partialIndexes: Bool
    /// Indexes on expressions (PostgreSQL, SQLite; not MariaDB, so not mgen's `mysql`).
    public var expressionIndexes: Bool
    /// Index methods other than b-tree (`USING gin`, `USING hash`).
    public var indexMethods: Bool
    /// `ALTER COLUMN ... TYPE ... USING expr` for type changes (PostgreSQL only).
    public var alterTypeUsing: Bool
    /// `CREATE INDEX CONCURRENTLY`: an index built outside a transaction (PostgreSQL).
    public var concurrentIndexes: Bool
    /// Constraints added `NOT VALID` and validated later (PostgreSQL).
    public var notValidConstraints: Bool
    /// A single-column INTEGER primary key aliases the rowid (SQLite): identity only there.
    public var rowidAlias: Bool
    /// `ALTER TABLE` can alter columns and add or drop foreign keys and checks; false where those
    /// rebuild the table (SQLite).
    public var alterTableChangesConstraints: Bool
    /// Table and column comments are kept in the catalog (not SQLite).
    public var comments: Bool
    public var uniqueStorage: UniqueStorage
    public var enumStrategy: EnumStrategy
    /// Bytes an identifier may have (PostgreSQL 63, MySQL 64; SQLite has no limit: nil).
    public var identifierLimit: Int?
    /// Booleans are stored as integers 1 and 0 (MySQL, SQLite).
    public var booleansAreIntegers: Bool
    /// A foreign key needs an index leading with its columns, and the database makes one named
    /// after the key when none exists (InnoDB): dropping or covering that index moves it.
    public var implicitForeignKeyIndexes: Bool
    /// The primary key keeps the name it is given (not MySQL, where it is always PRIMARY).
    public var namedPrimaryKeys: Bool
    /// Comments are clauses of the table and column definitions (MySQL's `COMMENT '...'`), not
    /// statements of their own (PostgreSQL's COMMENT ON).
    public var inlineComments: Bool
    /// time and timestamp types take a fractional-seconds precision (not SQLite, where mgen's SQL
    /// declares the plain type).
    public var fractionalSecondsTypes: Bool
    /// Enum types of their own (`CREATE TYPE ... AS ENUM`, PostgreSQL); elsewhere the values are
    /// inline in the columns that use the type.
    public var namedEnumTypes: Bool
    /// The database's own command-line client splits a file on `;` unless told otherwise with
    /// `DELIMITER` (mysql/mariadb): a statement with semicolons of its own goes between them.
    public var clientNeedsDelimiter: Bool
    /// The database's name in messages ("PostgreSQL", "MySQL", "SQLite").
    public var productName: String
    /// A table's unique constraints are unique indexes made beside it, not clauses of its CREATE
    /// TABLE (SQLite: an index can be dropped without rebuilding the table; mgen's SQL does so).
    public var uniquesAsIndexes: Bool
    /// Indexes are built without blocking writes by default (InnoDB's online DDL): `concurrently`
    /// asks for nothing more.
    public var onlineIndexes: Bool
    /// A type change casts the column's default too and fails where it cannot (PostgreSQL): the
    /// old default goes first, the new one is set after.
    public var typeChangeCastsDefault: Bool
    /// Changing a column restates its whole definition (MySQL's MODIFY/CHANGE): what is not
    /// restated (nullability, default, comment, AUTO_INCREMENT) is lost.
    public var modifyRestatesColumn: Bool
    /// Index keys may index a prefix of a column (MySQL's `` `body`(20) ``).
    public var prefixIndexLengths: Bool

    // The limits the validator's dialect rules hold specs to (docs/spec.md, "Dialect limits").

    /// The widest `string(n)`: PostgreSQL's varchar limit, MySQL's 65,535-byte row at 4 bytes a
    /// character (utf8mb4); nil where there is none (SQLite).
    public var maximumStringLength: Int?
    /// Columns a table may have: PostgreSQL 1,600, InnoDB 1,017, SQLite 2,000 (its default build).
    public var maximumColumns: Int
    /// The longest index key in bytes (InnoDB's 3,072; MariaDB accepts more through a hash, MySQL
    /// 8.0 does not); nil where keys are not limited so.
    public var maximumKeyBytes: Int?
    /// text, blob and json columns are indexed only with a prefix length (MySQL).
    public var textKeysNeedPrefix: Bool
    /// The largest decimal precision and scale (PostgreSQL 1000; MySQL 65 and 30).
    public var maximumDecimalPrecision: Int?
    public var maximumDecimalScale: Int?
    /// The longest value of an inline enum type (MySQL's 255 characters).
    public var maximumEnumValueLength: Int?
    /// A column in a foreign key (its own or one referencing it) cannot change type while the key
    /// exists, even to a longer string (MySQL).
    public var foreignKeyColumnTypesFixed: Bool
    /// A CHECK may not read an AUTO_INCREMENT column (MySQL 8.0, MariaDB).
    public var checksCannotReadIdentity: Bool
    /// One identity column per table, and it leads a key (MySQL's AUTO_INCREMENT).
    public var singleIdentityLeadingKey: Bool
    /// text, blob and json columns take no literal default (MySQL 8.0; MariaDB allows it).
    public var noLiteralDefaultsOnText: Bool
    /// A column stores a value of any type (SQLite's type affinity): a default that does not fit
    /// its column's type is no error.
    public var storesAnyValue: Bool
    // spec 1.1: column types
    /// The longest `char(n)` (PostgreSQL's varchar limit, MySQL's 255); nil where unlimited.
    public var maximumCharLength: Int?
    /// Unsigned integer types (MySQL).
    public var unsignedIntegers: Bool
    /// Array column types (PostgreSQL).
    public var arrays: Bool
    /// A varchar without a length (PostgreSQL, SQLite).
    public var unboundedVarchar: Bool
    /// A NOT NULL column added without a default to a table with rows is filled with the type's
    /// implicit default ('', 0, a zero date) instead of refused (MySQL, MariaDB).
    public var fillsNotNullColumnsSilently: Bool
    /// Table options on CREATE TABLE: ENGINE, CHARSET, COLLATE (MySQL; spec 1.1 `mysql:` on create_table).
    public var tableOptions: Bool
    /// A trigger executes a function (PostgreSQL) rather than a body of its own, which fires on one
    /// event, per row (MySQL, SQLite).
    public var triggersExecuteFunctions: Bool
    /// INSTEAD OF triggers (on views: PostgreSQL, SQLite).
    public var insteadOfTriggers: Bool
    // spec 1.1: generated columns and collations
    /// VIRTUAL generated columns, computed on read (MySQL, SQLite; PostgreSQL 12–17 has STORED only).
    public var virtualGeneratedColumns: Bool = true
    /// A generated column may say NOT NULL (not MariaDB, which refuses NULL and NOT NULL there).
    public var notNullGeneratedColumns: Bool = true
    /// The only collations there are (SQLite's built-ins); nil: the server's own, its call.
    public var knownCollations: [String]? = nil
    /// Collation names are bare words, written unquoted (MySQL's utf8mb4_bin).
    public var collationsAreWords: Bool = false
    /// CREATE TABLE keeps no UNIQUE whose columns repeat the primary key's or an earlier unique's
    /// (PostgreSQL drops it silently): such a unique is added after the table.
    public var createTableDropsRepeatedUniques: Bool = false
    /// Schemas (namespaces) inside a database that tables and objects live in (PostgreSQL); MySQL
    /// calls its databases schemas, SQLite has attached files: neither is a spec `schema:`.
    public var schemas: Bool = false

    public static let postgresql = DialectCapabilities(
        transactionalDDL: true, partialIndexes: true, expressionIndexes: true, indexMethods: true, alterTypeUsing: true,
        concurrentIndexes: true, notValidConstraints: true, rowidAlias: false, alterTableChangesConstraints: true,
        comments: true, uniqueStorage: .constraint, enumStrategy: .checkConstraint, identifierLimit: 63, booleansAreIntegers: false,
        implicitForeignKeyIndexes: false, namedPrimaryKeys: true,
        inlineComments: false, fractionalSecondsTypes: true, namedEnumTypes: true, clientNeedsDelimiter: false, productName: "PostgreSQL", uniquesAsIndexes: false, onlineIndexes: false, typeChangeCastsDefault: true,
        modifyRestatesColumn: false, prefixIndexLengths: false,
        maximumStringLength: 10_485_760, maximumColumns: 1_600, maximumKeyBytes: nil, textKeysNeedPrefix: false,
        maximumDecimalPrecision: 1000, maximumDecimalScale: nil, maximumEnumValueLength: nil, foreignKeyColumnTypesFixed: false,
        checksCannotReadIdentity: false, singleIdentityLeadingKey: false, noLiteralDefaultsOnText: false, storesAnyValue: false,
        maximumCharLength: 10_485_760, unsignedIntegers: false, arrays: true, unboundedVarchar: true, fillsNotNullColumnsSilently: false, tableOptions: false,
        triggersExecuteFunctions: true, insteadOfTriggers: true, virtualGeneratedColumns: false, createTableDropsRepeatedUniques: true, schemas: true)
    public static let mysql = DialectCapabilities(
        transactionalDDL: false, partialIndexes: false, expressionIndexes: false, indexMethods: true, alterTypeUsing: false,
        concurrentIndexes: false, notValidConstraints: false, rowidAlias: false, alterTableChangesConstraints: true,
        comments: true, uniqueStorage: .index, enumStrategy: .columnType, identifierLimit: 64, booleansAreIntegers: true,
        implicitForeignKeyIndexes: true, namedPrimaryKeys: false,
        inlineComments: true, fractionalSecondsTypes: true, namedEnumTypes: false, clientNeedsDelimiter: true, productName: "MySQL", uniquesAsIndexes: false, onlineIndexes: true, typeChangeCastsDefault: false,
        modifyRestatesColumn: true, prefixIndexLengths: true,
        maximumStringLength: 16_383, maximumColumns: 1_017, maximumKeyBytes: 3_072, textKeysNeedPrefix: true,
        maximumDecimalPrecision: 65, maximumDecimalScale: 30, maximumEnumValueLength: 255, foreignKeyColumnTypesFixed: true,
        checksCannotReadIdentity: true, singleIdentityLeadingKey: true, noLiteralDefaultsOnText: true, storesAnyValue: false,
        maximumCharLength: 255, unsignedIntegers: true, arrays: false, unboundedVarchar: false, fillsNotNullColumnsSilently: true, tableOptions: true,
        triggersExecuteFunctions: false, insteadOfTriggers: false, notNullGeneratedColumns: false, collationsAreWords: true)
    public static let sqlite = DialectCapabilities(
        transactionalDDL: true, partialIndexes: true, expressionIndexes: true, indexMethods: false, alterTypeUsing: false,
        concurrentIndexes: false, notValidConstraints: false, rowidAlias: true, alterTableChangesConstraints: false,
        comments: false, uniqueStorage: .index, enumStrategy: .checkConstraint, identifierLimit: nil, booleansAreIntegers: true,
        implicitForeignKeyIndexes: false, namedPrimaryKeys: true,
        inlineComments: false, fractionalSecondsTypes: false, namedEnumTypes: false, clientNeedsDelimiter: false, productName: "SQLite", uniquesAsIndexes: true, onlineIndexes: false, typeChangeCastsDefault: false,
        modifyRestatesColumn: false, prefixIndexLengths: false,
        maximumStringLength: nil, maximumColumns: 2_000, maximumKeyBytes: nil, textKeysNeedPrefix: false,
        maximumDecimalPrecision: nil, maximumDecimalScale: nil, maximumEnumValueLength: nil, foreignKeyColumnTypesFixed: false,
        checksCannotReadIdentity: false, singleIdentityLeadingKey: false, noLiteralDefaultsOnText: false, storesAnyValue: true,
        maximumCharLength: nil, unsignedIntegers: false, arrays: false, unboundedVarchar: true, fillsNotNullColumnsSilently: false, tableOptions: false,
        triggersExecuteFunctions: false, insteadOfTriggers: true, knownCollations: ["BINARY", "NOCASE", "RTRIM"])
}

extension Dialect {
    /// What this database can do (see `DialectCapabilities`).
    public var capabilities: DialectCapabilities {
        switch self {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}

/// The current time as a column default: the spec writes `{sql: now()}` (or `CURRENT_TIMESTAMP`),
/// each dialect and framework spells it its own way. One test of "is this now()", one spelling
/// per dialect.
public enum CurrentTimestamp {
    /// Whether a default expression means "the current time".
    public static func matches(_ expression: String) -> Bool {
        let normal = expression.lowercased().replacingOccurrences(of: " ", with: "")
        return normal == "now()" || normal == "current_timestamp" || normal == "current_timestamp()"
    }

    /// Whether the dialect spells it with the column's fractional precision (MySQL's
    /// `CURRENT_TIMESTAMP(6)` for `datetime(6)` and `timestamp(6)` columns).
    public static func isPrecise(_ dialect: Dialect, type: ColumnType) -> Bool {
        precision(dialect, type: type) != nil
    }

    /// The digits MySQL's `CURRENT_TIMESTAMP(p)` needs in a column of this type: 6 for the plain
    /// types (declared datetime(6)/timestamp(6)), the written one for `timestamp(p)`; nil where
    /// the bare spelling is right (precision 0, or another dialect).
    public static func precision(_ dialect: Dialect, type: ColumnType) -> Int? {
        guard dialect == .mysql else { return nil }
        switch type {
        case .timestamp, .timestamptz: return 6
        // spec 1.1: column types
        case let .temporal(kind, p) where kind != .time && p > 0: return p
        default: return nil
        }
    }

    /// The dialect's SQL for it in a column of this type; nil where the expression is kept as
    /// written (PostgreSQL's `now()`).
    public static func spelling(_ dialect: Dialect, type: ColumnType) -> String? {
        switch dialect {
        case .postgresql: nil
        case .mysql: precision(dialect, type: type).map { "CURRENT_TIMESTAMP(\($0))" } ?? "CURRENT_TIMESTAMP"
        case .sqlite: "CURRENT_TIMESTAMP"
        }
    }
}
