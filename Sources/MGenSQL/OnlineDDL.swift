import MGenSpec

/// Issue 13, safe output: the `ALGORITHM`/`LOCK` clause an ALTER TABLE of MySQL or MariaDB carries,
/// per server and version. The clause is a promise the server keeps or refuses: with it, an ALTER
/// that cannot run online (a FULLTEXT index, MySQL's 64 row versions, a row format) fails at once
/// instead of silently copying the table under a lock that blocks writes. So a clause is written
/// only where the chosen server accepts it for this operation, never where it would refuse a valid
/// one; where the server can only copy (a foreign key while foreign_key_checks is on, a CHECK, a
/// type change) nothing is written and `mgen lint` says so.
///
/// Sources, checked on MariaDB 10.11 by OnlineDDLTests: MySQL 8.0 manual, "Online DDL Operations"
/// (INSTANT add column 8.0.12+ as the last column, anywhere 8.0.29+; INSTANT drop column 8.0.29+;
/// INSTANT rename column 8.0.28+; INSTANT set/drop default; extending a VARCHAR in place without
/// changing its length bytes; index builds and drops in place with concurrent DML); MariaDB
/// "InnoDB Online DDL Operations with the INSTANT Alter Algorithm" (add column 10.3.2+ last, 10.4+
/// anywhere; drop column 10.4+; rename column; set/drop default; extending a VARCHAR within its
/// length bytes). mgen adds columns last, and renders for MariaDB 10.5.2+ (RENAME COLUMN).
public enum OnlineClause: String, Hashable, Sendable {
    /// A metadata change. MySQL refuses any LOCK clause beside it.
    case instant = "ALGORITHM=INSTANT"
    /// In place with concurrent reads and writes; MariaDB reads INPLACE as "INPLACE or better".
    case inPlace = "ALGORITHM=INPLACE, LOCK=NONE"
}

/// The ALTER TABLE changes whose clause depends on the server.
public enum OnlineChange: Hashable, Sendable {
    /// A column added last, without a unique index, foreign key, AUTO_INCREMENT or expression default.
    case addColumn
    /// A column in no primary or foreign key; `indexed`: in an index, which the drop changes
    /// (not instant on either server: checked on MariaDB 10.11).
    case dropColumn(indexed: Bool)
    /// `inForeignKey`: MySQL does not rename a column of a foreign key instantly; MariaDB 10.11
    /// does (measured).
    case renameColumn(inForeignKey: Bool)
    /// `ALTER COLUMN … SET DEFAULT <literal>` / `DROP DEFAULT`.
    case setDefault
    /// `MODIFY` that only lengthens a VARCHAR, from and to this many characters.
    case extendVarchar(from: Int, to: Int)
    /// `ADD INDEX` / `DROP INDEX` asked to run concurrently.
    case buildIndex
    /// `RENAME INDEX`: metadata only on both; MariaDB says INSTANT, MySQL INPLACE.
    case renameIndex
    /// `DROP FOREIGN KEY`: metadata only on both; MariaDB says INSTANT, MySQL INPLACE.
    case dropForeignKey
}

/// The servers a migration may run on: one with `--db-version`, else every MySQL and MariaDB the
/// `mysql` dialect stands for, when a clause is written only if all of them take the same one.
public struct MySQLServers: Hashable, Sendable {
    public var servers: [DatabaseTarget]

    /// `--dialect mysql` alone: MySQL 8.0.12+ (the first with ALGORITHM=INSTANT) or MariaDB 10.5.2+.
    public static let anyServer = MySQLServers(servers: [DatabaseTarget(.mysql, Version(8, 0, 12)),
                                                         DatabaseTarget(.mariadb, Version(10, 5, 2))])

    public init(servers: [DatabaseTarget]) { self.servers = servers }

    /// The chosen server, else every one the dialect stands for.
    public init(_ options: RenderOptions) {
        if let server = options.server, server.engine.isMySQLFamily { self.init(servers: [server]) } else { self = .anyServer }
    }

    /// The clause every server takes for this change; nil when one of them would refuse it or
    /// they differ (the server's default then picks the best it can).
    public func clause(_ change: OnlineChange) -> OnlineClause? {
        let clauses = servers.map { Self.clause(change, on: $0) }
        guard let first = clauses.first, let clause = first, clauses.allSatisfy({ $0 == clause }) else { return nil }
        return clause
    }

    /// One server's clause for a change.
    public static func clause(_ change: OnlineChange, on server: DatabaseTarget) -> OnlineClause? {
        let v = server.version
        switch server.engine {
        case .mysql:
            // Before 8.0.12 MySQL does not know ALGORITHM=INSTANT at all.
            let instant = v >= Version(8, 0, 12)
            switch change {
            case .addColumn: return instant ? .instant : nil
            // Before the instant forms: in place with concurrent DML (the drop rebuilds the table).
            case let .dropColumn(indexed): return !indexed && v >= Version(8, 0, 29) ? .instant : .inPlace
            // A foreign key's column: MySQL refuses INSTANT ("Columns participating in a foreign key
            // are renamed"), and whether INPLACE holds with foreign_key_checks on is not certain:
            // no clause, the server picks.
            case let .renameColumn(inForeignKey): return inForeignKey ? nil : v >= Version(8, 0, 28) ? .instant : .inPlace
            case .setDefault: return instant ? .instant : nil
            case let .extendVarchar(from, to): return keepsLengthBytes(from: from, to: to) ? .inPlace : nil
            case .buildIndex, .renameIndex, .dropForeignKey: return .inPlace
            }
        case .mariadb:
            switch change {
            case .addColumn: return v >= Version(10, 3, 2) ? .instant : nil
            case let .dropColumn(indexed): return !indexed && v >= Version(10, 4) ? .instant : .inPlace
            case .renameColumn, .setDefault: return v >= Version(10, 3, 7) ? .instant : nil
            case let .extendVarchar(from, to): return v >= Version(10, 4, 3) && keepsLengthBytes(from: from, to: to) ? .instant : nil
            case .buildIndex: return .inPlace
            case .renameIndex, .dropForeignKey: return .instant
            }
        case .postgresql, .sqlite:
            return nil
        }
    }

    /// Whether a VARCHAR keeps its 1- or 2-byte length prefix from `from` to `to` characters whatever
    /// the column's character set (1 to 4 bytes a character): both at most 63 characters (255
    /// bytes in utf8mb4), or already 256 characters or more (2 bytes in any set). Crossing 255
    /// bytes rewrites every row: MySQL then refuses INPLACE, MariaDB INSTANT.
    public static func keepsLengthBytes(from: Int, to: Int) -> Bool {
        guard to > from else { return false }
        return to <= 63 || from >= 256
    }
}
