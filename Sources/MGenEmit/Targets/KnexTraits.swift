import MGenSpec

/// How Knex's schema builder itself differs by database, as one table (issue 11): the emitter
/// reads these named traits, and `dialect.capabilities` for what the database can do, instead of
/// asking which dialect it writes for.
struct KnexTraits {
    /// A builder method and the options after the column name: `datetime('at', { precision: 6 })`.
    typealias Call = (method: String, options: String)

    /// `increments()` is unsigned (MySQL): integer columns referencing one are `.unsigned()` to match.
    let incrementsAreUnsigned: Bool
    /// The option of `table.index` that names an index method.
    let indexTypeOption: String
    /// `float()` / `double()` are exactly `real` / `double precision` (PostgreSQL; MySQL's are
    /// float(8, 2)): elsewhere the type is `specificType`.
    let exactFloatMethods: Bool
    /// The calls whose SQL is mgen's `timestamp`, `timestamptz` and `json`.
    let timestamp: Call
    let timestamptz: Call
    let json: Call

    static let postgresql = KnexTraits(
        incrementsAreUnsigned: false, indexTypeOption: "indexType", exactFloatMethods: true,
        timestamp: ("timestamp", ", { useTz: false }"), timestamptz: ("timestamp", ", { useTz: true }"), json: ("jsonb", ""))
    static let mysql = KnexTraits(
        incrementsAreUnsigned: true, indexTypeOption: "storageEngineIndexType", exactFloatMethods: false,
        timestamp: ("datetime", ", { precision: 6 }"), timestamptz: ("timestamp", ", { precision: 6 }"), json: ("json", ""))
    static let sqlite = KnexTraits(
        incrementsAreUnsigned: false, indexTypeOption: "indexType", exactFloatMethods: false,
        timestamp: ("datetime", ""), timestamptz: ("timestamp", ""), json: ("text", ""))

    static func of(_ dialect: Dialect) -> KnexTraits {
        switch dialect {
        case .postgresql: .postgresql
        case .mysql: .mysql
        case .sqlite: .sqlite
        }
    }
}
