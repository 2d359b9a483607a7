import MGenSpec

/// How Sequelize itself differs by database, as one table (issue 11): the emitter reads these
/// named traits, and `dialect.capabilities` for what the database can do, instead of asking which
/// dialect it writes for.
struct SequelizeTraits {
    /// `createTable` names a primary key only PostgreSQL's way (`<table>_pkey`): a spec's other
    /// name is mgen's SQL.
    let primaryKeyNamedAfterTable: Bool
    /// The data types whose SQL is mgen's `real`, `timestamp`, `timestamptz`, `uuid` and `json`;
    /// nil where no Sequelize type is, and the dialect's type name goes as a string
    /// (`Sequelize.DATE` is timestamptz on PostgreSQL, DATETIME elsewhere; MySQL reads REAL as
    /// DOUBLE, its single precision is FLOAT).
    let real: String
    let timestamp: String?
    let timestamptz: String?
    let uuid: String
    let json: String

    static let postgresql = SequelizeTraits(primaryKeyNamedAfterTable: true, real: "Sequelize.REAL", timestamp: nil,
                                            timestamptz: "Sequelize.DATE", uuid: "Sequelize.UUID", json: "Sequelize.JSONB")
    static let mysql = SequelizeTraits(primaryKeyNamedAfterTable: false, real: "Sequelize.FLOAT", timestamp: "Sequelize.DATE(6)",
                                       timestamptz: nil, uuid: "Sequelize.CHAR(36)", json: "Sequelize.JSON")
    static let sqlite = SequelizeTraits(primaryKeyNamedAfterTable: false, real: "Sequelize.REAL", timestamp: "Sequelize.DATE",
                                        timestamptz: "Sequelize.DATE", uuid: "Sequelize.CHAR(36)", json: "Sequelize.TEXT")

    static func of(_ dialect: Dialect) -> SequelizeTraits {
        switch dialect {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}
