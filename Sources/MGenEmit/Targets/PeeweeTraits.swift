import MGenSpec

/// How peewee and peewee_migrate themselves differ by database, as one table (issue 11): the
/// writer reads these named traits, and `dialect.capabilities` for what the database can do,
/// instead of asking which dialect it writes for.
struct PeeweeTraits {
    /// peewee_migrate changes a column on MySQL by rewriting it from DESCRIBE (`add_not_null`,
    /// `drop_not_null`, `rename_field`), which loses its DEFAULT and COMMENT and re-creates a
    /// foreign key under peewee's own name: those steps are mgen's SQL there.
    let rewritesColumnToAlter: Bool
    /// SQLite keeps a key's name only in the table's DDL, and peewee writes none (an inline
    /// PRIMARY KEY, or CompositeKey's): a named key is a table constraint instead.
    let tableDDLHoldsConstraintNames: Bool
    /// The driver's parameter style is `%s` (psycopg, PyMySQL), so a literal `%` in SQL is doubled;
    /// sqlite3's is `?`.
    let escapesPercent: Bool
    /// `timestamptz` is `playhouse.postgres_ext.DateTimeTZField` (PostgreSQL).
    let postgresExtTimestamptz: Bool
    /// The column type of a ForeignKeyField referencing an auto field (integer, bigint).
    let autoFieldTypes: (integer: String, bigint: String)

    static let postgresql = PeeweeTraits(rewritesColumnToAlter: false, tableDDLHoldsConstraintNames: false, escapesPercent: true,
                                         postgresExtTimestamptz: true, autoFieldTypes: ("integer", "bigint"))
    static let mysql = PeeweeTraits(rewritesColumnToAlter: true, tableDDLHoldsConstraintNames: false, escapesPercent: true,
                                    postgresExtTimestamptz: false, autoFieldTypes: ("int", "bigint"))
    static let sqlite = PeeweeTraits(rewritesColumnToAlter: false, tableDDLHoldsConstraintNames: true, escapesPercent: false,
                                     postgresExtTimestamptz: false, autoFieldTypes: ("INTEGER", "INTEGER"))

    static func of(_ dialect: Dialect) -> PeeweeTraits {
        switch dialect {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}
