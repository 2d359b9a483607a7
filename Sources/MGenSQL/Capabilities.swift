import MGenSpec

/// What a database can do, as data (SQLKit's `SQLDialect` style): emitters and commands ask these
/// questions instead of `dialect == .mysql`. Where a framework itself differs by database (a
/// type's name in Sequelize, Knex's builder options), the target keeps its own table; what the
/// database can do lives here, once.
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

    public static let postgresql = DialectCapabilities(
        transactionalDDL: true, partialIndexes: true, expressionIndexes: true, indexMethods: true, alterTypeUsing: true,
        concurrentIndexes: true, notValidConstraints: true, rowidAlias: false, alterTableChangesConstraints: true,
        comments: true, uniqueStorage: .constraint, enumStrategy: .checkConstraint, identifierLimit: 63, booleansAreIntegers: false,
        implicitForeignKeyIndexes: false, namedPrimaryKeys: true)
    public static let mysql = DialectCapabilities(
        transactionalDDL: false, partialIndexes: false, expressionIndexes: false, indexMethods: true, alterTypeUsing: false,
        concurrentIndexes: false, notValidConstraints: false, rowidAlias: false, alterTableChangesConstraints: true,
        comments: true, uniqueStorage: .index, enumStrategy: .columnType, identifierLimit: 64, booleansAreIntegers: true,
        implicitForeignKeyIndexes: true, namedPrimaryKeys: false)
    public static let sqlite = DialectCapabilities(
        transactionalDDL: true, partialIndexes: true, expressionIndexes: true, indexMethods: false, alterTypeUsing: false,
        concurrentIndexes: false, notValidConstraints: false, rowidAlias: true, alterTableChangesConstraints: false,
        comments: false, uniqueStorage: .index, enumStrategy: .checkConstraint, identifierLimit: nil, booleansAreIntegers: true,
        implicitForeignKeyIndexes: false, namedPrimaryKeys: true)
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
