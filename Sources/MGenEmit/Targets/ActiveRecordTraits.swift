import MGenSpec

/// How ActiveRecord 6.1 itself differs by database, as one table (issue 11): the renderer reads
/// these named traits, and `dialect.capabilities` for what the database can do, instead of asking
/// which dialect it writes for.
struct ActiveRecordTraits {
    /// Rails' SQLite adapter makes what SQLite's ALTER TABLE cannot (remove, rename or change a
    /// column, add or drop a key or check, rename an index) by copying the table from its
    /// reflection, which drops function defaults (`CURRENT_TIMESTAMP`), DESC keys, and renames
    /// foreign keys `fk_rails_...`: those steps are mgen's SQL there.
    let copiesTableToAlter: Bool
    /// SQLite keeps a constraint's name and place only in the table's DDL, which `create_table`
    /// writes its own way (an enum's CHECK at table level, which DROP COLUMN then refuses; an
    /// unnamed PRIMARY KEY): such tables are mgen's SQL there.
    let tableDDLHoldsConstraintNames: Bool
    /// `rename_table` renames the primary key's index and sequence too (PostgreSQL).
    let renameTableRenamesKeyIndex: Bool
    /// The key `create_table` makes is named `<table>_pkey` (PostgreSQL): a spec's other name is
    /// given by RENAME CONSTRAINT.
    let primaryKeyNamedAfterTable: Bool
    /// `add_index ... algorithm:` for an index built without blocking writes.
    let concurrentAlgorithm: String?
    /// Leaving out `on_delete:` is NO ACTION on PostgreSQL but reads back as RESTRICT on MariaDB,
    /// and Rails 6.1 has no `:no_action`: such a key is mgen's SQL.
    let omittedActionReadsRestrict: Bool
    /// Rails writes a check's name unquoted: upper case survives only where unquoted names keep
    /// their case (MySQL; PostgreSQL folds them).
    let checkNamesKeepCase: Bool
    /// `order:` on `add_index` is kept (Rails keeps index order only for MySQL 8, not MariaDB).
    let keepsKeyOrder: Bool

    static let postgresql = ActiveRecordTraits(
        copiesTableToAlter: false, tableDDLHoldsConstraintNames: false, renameTableRenamesKeyIndex: true, primaryKeyNamedAfterTable: true,
        concurrentAlgorithm: ":concurrently", omittedActionReadsRestrict: false, checkNamesKeepCase: false, keepsKeyOrder: true)
    static let mysql = ActiveRecordTraits(
        copiesTableToAlter: false, tableDDLHoldsConstraintNames: false, renameTableRenamesKeyIndex: false, primaryKeyNamedAfterTable: false,
        concurrentAlgorithm: ":inplace", omittedActionReadsRestrict: true, checkNamesKeepCase: true, keepsKeyOrder: false)
    static let sqlite = ActiveRecordTraits(
        copiesTableToAlter: true, tableDDLHoldsConstraintNames: true, renameTableRenamesKeyIndex: false, primaryKeyNamedAfterTable: false,
        concurrentAlgorithm: nil, omittedActionReadsRestrict: false, checkNamesKeepCase: false, keepsKeyOrder: true)

    static func of(_ dialect: Dialect) -> ActiveRecordTraits {
        switch dialect {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}
