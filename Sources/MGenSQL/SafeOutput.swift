import MGenSpec

/// The timeouts a transactional PostgreSQL migration sets for itself (issue 13, safe output): a DDL
/// statement that waits for its lock behind a long transaction blocks every query on the table
/// that arrives after it, so it must give up quickly (`lock_timeout`) rather than queue; and no
/// statement of a transactional migration may hold its locks for longer than `statement_timeout`.
/// `SET LOCAL` ends with the transaction, so nothing leaks into the runner's later work; files that
/// run outside a transaction (CONCURRENTLY, batched backfills) get none.
public struct SessionTimeouts: Hashable, Sendable {
    /// PostgreSQL interval text (`5s`, `10min`); nil leaves the server's setting.
    public var lock: String?
    public var statement: String?

    public init(lock: String?, statement: String?) {
        self.lock = lock
        self.statement = statement
    }

    public static let defaults = SessionTimeouts(lock: "5s", statement: "10min")
    public static let off = SessionTimeouts(lock: nil, statement: nil)

    public var isOff: Bool { lock == nil && statement == nil }

    /// Reads a timeout as mgen.yaml or an option gives it: `5s`, `500ms`, `10min`, `1h`, or `off`.
    /// nil: not a duration PostgreSQL reads (the caller names the option in its error).
    public static func duration(_ text: String) -> String?? {
        let value = String(text.filter { $0 != " " })
        if value == "off" || value == "0" { return .some(nil) }
        let digits = value.prefix { $0.isASCII && $0.isNumber }
        let unit = value.dropFirst(digits.count)
        guard !digits.isEmpty, ["ms", "s", "min", "h", "d"].contains(String(unit)) else { return nil }
        return .some(value)
    }

    /// The statements that open a file: for PostgreSQL, when it runs in a transaction.
    public func statements(_ dialect: Dialect, transactional: Bool) -> [SQLStatement] {
        guard dialect == .postgresql, transactional else { return [] }
        var out: [SQLStatement] = []
        if let lock { out.append(SQLStatement("SET LOCAL lock_timeout = '\(lock)'")) }
        if let statement { out.append(SQLStatement("SET LOCAL statement_timeout = '\(statement)'")) }
        return out
    }
}

extension RenderedMigration {
    /// The timeouts that open the up (or down) of this migration, as the emitters write them first.
    public func timeoutStatements(_ options: RenderOptions, dialect: Dialect, up isUp: Bool) -> [SQLStatement] {
        options.timeouts.statements(dialect, transactional: isUp ? upIsTransactional : (down != nil && downIsTransactional))
    }
}
