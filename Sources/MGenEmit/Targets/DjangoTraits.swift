import MGenSpec

/// How Django's schema editors themselves differ by database, as one table (issue 11): the writer
/// reads these named traits, and `dialect.capabilities` for what the database can do, instead of
/// asking which dialect it writes for.
struct DjangoTraits {
    /// The SQLite schema editor changes most columns and constraints by remaking the table from
    /// Django's state (new table, copy, drop, rename): what the state does not hold (a foreign
    /// key Django does not own, a multi-column key, triggers, a named unique index) is lost.
    let remakesTablesToAlter: Bool
    /// A CREATE TABLE with parameters (a literal db_default) defers the model's constraints to
    /// the end of the migration (PostgreSQL and MySQL editors; SQLite's inlines the values).
    let defersConstraintsOfParameterizedCreate: Bool
    /// The PostgreSQL editor drops the COMMENT ON of an AutoField whose class changes
    /// (BigAutoField → AutoField).
    let dropsAutoFieldCommentOnClassChange: Bool
    /// `django.contrib.postgres`: index classes (GinIndex, ...), `opclasses=` and `include=`.
    let postgresIndexes: Bool
    /// The foreign keys Django makes are DEFERRABLE INITIALLY DEFERRED (PostgreSQL's editor).
    let deferredForeignKeys: Bool
    /// The SQLite editor writes a Q's value into a CHECK or index predicate as the field adapts
    /// it: a Decimal as text (`register_adapter(Decimal, str)`: '-1000'), a float as -1000.0.
    var respellsNumericValues = false

    static let postgresql = DjangoTraits(remakesTablesToAlter: false, defersConstraintsOfParameterizedCreate: true,
                                         dropsAutoFieldCommentOnClassChange: true, postgresIndexes: true, deferredForeignKeys: true)
    static let mysql = DjangoTraits(remakesTablesToAlter: false, defersConstraintsOfParameterizedCreate: true,
                                    dropsAutoFieldCommentOnClassChange: false, postgresIndexes: false, deferredForeignKeys: false)
    static let sqlite = DjangoTraits(remakesTablesToAlter: true, defersConstraintsOfParameterizedCreate: false,
                                     dropsAutoFieldCommentOnClassChange: false, postgresIndexes: false, deferredForeignKeys: false,
                                     respellsNumericValues: true)

    static func of(_ dialect: Dialect) -> DjangoTraits {
        switch dialect {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}
