/// spec 1.1: MySQL table options on create_table, scoped to the dialect so one spec serves all
/// three: `mysql: {engine: InnoDB, charset: utf8mb4, collate: utf8mb4_unicode_ci}`. PostgreSQL and
/// SQLite have no such options and ignore the key (a database's encoding is chosen when it is
/// created there).

/// `ENGINE=`, `DEFAULT CHARSET=`, `COLLATE=` of a MySQL/MariaDB table; nil fields are the server's.
public struct MySQLTableOptions: Hashable, Sendable {
    public var engine: String?
    public var charset: String?
    public var collate: String?

    public init(engine: String? = nil, charset: String? = nil, collate: String? = nil) {
        self.engine = engine
        self.charset = charset
        self.collate = collate
    }

    /// The collation the table's text columns get by default, where the spec knows it: the
    /// `collate` given, else the set's default collation where MySQL 8 and MariaDB agree on it
    /// (utf8mb4's differs: utf8mb4_0900_ai_ci against utf8mb4_general_ci). nil: the server's.
    public var effectiveCollation: String? {
        if let collate { return collate }
        guard let charset = charset?.lowercased() else { return nil }
        return Self.defaultCollations[charset]
    }

    static let defaultCollations = ["latin1": "latin1_swedish_ci", "ascii": "ascii_general_ci", "utf8mb3": "utf8mb3_general_ci",
                                    "utf8": "utf8mb3_general_ci", "latin2": "latin2_general_ci", "binary": "binary",
                                    "ucs2": "ucs2_general_ci", "utf16": "utf16_general_ci", "utf32": "utf32_general_ci"]

    /// ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`, as MySQL writes them.
    public var clauses: [String] {
        [engine.map { "ENGINE=\($0)" }, charset.map { "DEFAULT CHARSET=\($0)" }, collate.map { "COLLATE=\($0)" }].compactMap { $0 }
    }
}

extension OperationParser {
    static let mysqlTableOptionFields = ["engine", "charset", "collate"]

    /// `mysql: {engine, charset, collate}`; each a plain name (it is written into the SQL as is).
    static func mysqlTableOptions(_ f: Fields) -> MySQLTableOptions? {
        guard let node = f.node("mysql") else { return nil }
        let o = Fields(node, context: "mysql table options", allowed: mysqlTableOptionFields, sink: f.sink)
        var options = MySQLTableOptions()
        for key in mysqlTableOptionFields {
            guard let value = o.string(key) else { continue }
            guard !value.isEmpty, value.utf8.allSatisfy({ isWordByte($0) }) else {
                f.sink.error("mysql table option '\(key)' must be a plain name (letters, digits, '_'), not '\(value)'", at: o.location(key),
                             fix: key == "engine" ? "e.g. `engine: InnoDB`" : key == "charset" ? "e.g. `charset: utf8mb4`" : "e.g. `collate: utf8mb4_unicode_ci`")
                continue
            }
            switch key {
            case "engine": options.engine = value
            case "charset": options.charset = value
            default: options.collate = value
            }
        }
        if options == MySQLTableOptions() {
            f.sink.error("'mysql' of create_table gives no option", at: f.location("mysql"), fix: "give engine, charset or collate, or drop `mysql`")
            return nil
        }
        if options.collate != nil, options.charset == nil {
            f.sink.error("mysql table option 'collate' needs 'charset' (the collation's character set)", at: o.location("collate"),
                         fix: "add e.g. `charset: utf8mb4` for utf8mb4_unicode_ci")
        }
        return options
    }
}

extension Operation {
    /// A create_table with MySQL table options that `dialect` writes (frameworks whose table builder
    /// cannot say them send the step as the dialect's SQL).
    public func hasMySQLTableOptions(on dialect: Dialect) -> Bool {
        guard dialect == .mysql, case let .createTable(table) = self else { return false }
        return table.mysqlOptions != nil
    }
}

extension Operation {
    /// `hasMySQLTableOptions`, or a drop_table of such a table (its down creates it again, which a
    /// framework's own inverse would do without the options).
    public func touchesMySQLTableOptions(in before: SchemaState, on dialect: Dialect) -> Bool {
        if hasMySQLTableOptions(on: dialect) { return true }
        guard dialect == .mysql, case let .dropTable(name) = self else { return false }
        return before.table(name)?.mysqlOptions != nil
    }
}
