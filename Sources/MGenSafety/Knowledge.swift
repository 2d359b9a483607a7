import MGenSpec

/// PostgreSQL's table lock modes (docs "Explicit Locking", 13.3.1), weakest first.
public enum PGLock: Int, Hashable, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case accessShare, rowShare, rowExclusive, shareUpdateExclusive, share, shareRowExclusive, exclusive, accessExclusive

    /// The name `pg_locks.mode` reports.
    public var pgLocksName: String {
        switch self {
        case .accessShare: "AccessShareLock"
        case .rowShare: "RowShareLock"
        case .rowExclusive: "RowExclusiveLock"
        case .shareUpdateExclusive: "ShareUpdateExclusiveLock"
        case .share: "ShareLock"
        case .shareRowExclusive: "ShareRowExclusiveLock"
        case .exclusive: "ExclusiveLock"
        case .accessExclusive: "AccessExclusiveLock"
        }
    }

    public var description: String {
        switch self {
        case .accessShare: "ACCESS SHARE"
        case .rowShare: "ROW SHARE"
        case .rowExclusive: "ROW EXCLUSIVE"
        case .shareUpdateExclusive: "SHARE UPDATE EXCLUSIVE"
        case .share: "SHARE"
        case .shareRowExclusive: "SHARE ROW EXCLUSIVE"
        case .exclusive: "EXCLUSIVE"
        case .accessExclusive: "ACCESS EXCLUSIVE"
        }
    }

    /// The conflict matrix: which modes cannot be held together.
    public func conflicts(with other: PGLock) -> Bool {
        Self.conflictTable[self]?.contains(other) ?? true
    }

    /// Built once: every finding asks it (building it per call was a tenth of a large lint).
    static let conflictTable: [PGLock: Set<PGLock>] = [
        .accessShare: [.accessExclusive],
            .rowShare: [.exclusive, .accessExclusive],
            .rowExclusive: [.share, .shareRowExclusive, .exclusive, .accessExclusive],
            .shareUpdateExclusive: [.shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive],
            .share: [.rowExclusive, .shareUpdateExclusive, .shareRowExclusive, .exclusive, .accessExclusive],
            .shareRowExclusive: [.rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive],
            .exclusive: [.rowShare, .rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive],
            .accessExclusive: Set(PGLock.allCases),
        ]

    /// What application traffic the lock stops: SELECT takes ACCESS SHARE, writes ROW EXCLUSIVE.
    public var blocks: String {
        switch (conflicts(with: .accessShare), conflicts(with: .rowExclusive)) {
        case (true, _): "reads and writes (SELECT, INSERT, UPDATE, DELETE)"
        case (false, true): "writes (INSERT, UPDATE, DELETE); reads continue"
        default: "other schema changes, VACUUM and ANALYZE; reads and writes continue"
        }
    }

    public static func < (a: PGLock, b: PGLock) -> Bool { a.rawValue < b.rawValue }
}

/// How MySQL/MariaDB carry out an ALTER TABLE (the `ALGORITHM=` and `LOCK=` clauses).
public struct MySQLPlan: Hashable, Sendable, CustomStringConvertible {
    public enum Algorithm: String, Hashable, Sendable, Comparable {
        case instant = "INSTANT", inplace = "INPLACE", copy = "COPY"
        public static func < (a: Algorithm, b: Algorithm) -> Bool {
            let order: [Algorithm] = [.instant, .inplace, .copy]
            return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
        }
    }
    public enum Lock: String, Hashable, Sendable { case none = "NONE", shared = "SHARED", exclusive = "EXCLUSIVE" }

    public var algorithm: Algorithm
    /// The weakest LOCK the server accepts for this algorithm.
    public var lock: Lock
    /// INPLACE that still rebuilds the table (reads and writes continue, but the whole table is rewritten).
    public var rebuilds: Bool
    /// Why the algorithm is what it is, with the version condition that decided it.
    public var reason: String

    public init(_ algorithm: Algorithm, lock: Lock = .none, rebuilds: Bool = false, _ reason: String) {
        self.algorithm = algorithm
        self.lock = lock
        self.rebuilds = rebuilds
        self.reason = reason
    }

    public var blocks: String {
        switch lock {
        case .none: "nothing for long: a brief exclusive metadata lock at the start and end, which queues behind open transactions"
        case .shared: "writes (INSERT, UPDATE, DELETE) for the whole copy; reads continue"
        case .exclusive: "reads and writes for the whole operation"
        }
    }

    /// The clause that makes the server refuse the statement rather than fall back to something slower.
    public var clause: String { "ALGORITHM=\(algorithm.rawValue), LOCK=\(lock.rawValue)" }

    public var description: String { "\(clause)\(rebuilds ? " (rebuilds the table)" : "")" }
}

/// The facts rules are made of: what each operation does on each engine and version.
public enum Knowledge {
    /// utf8mb4: the bytes a VARCHAR character may take (mgen's MySQL tables use utf8mb4).
    static let bytesPerChar = 4

    // MARK: MySQL / MariaDB

    /// The algorithm an operation gets on an existing table (nil: not an ALTER TABLE, or nothing to say).
    public static func mysqlPlan(_ operation: MGenSpec.Operation, before: SchemaState, target: DatabaseTarget) -> MySQLPlan? {
        let mariadb = target.engine == .mariadb
        let v = target.version
        switch operation {
        // spec 1.1: altering in place. CONVERT TO rewrites every text column (COPY); another
        // engine copies the rows into it; the same engine again (ENGINE=InnoDB) is the null
        // rebuild; a DEFAULT CHARACTER SET alone is the table's metadata.
        case let .alterTable(alter):
            if alter.mysql.convert { return MySQLPlan(.copy, lock: .shared, "CONVERT TO CHARACTER SET rewrites every text column by copying the table") }
            if let engine = alter.mysql.engine {
                let old = before.table(alter.table)?.mysqlOptions?.engine ?? "InnoDB"
                if engine.lowercased() != old.lowercased() { return MySQLPlan(.copy, lock: .shared, "changing the engine copies every row into a new table") }
                return MySQLPlan(.inplace, lock: .none, rebuilds: true, "ENGINE=\(engine) on an \(old) table rebuilds it in place")
            }
            return MySQLPlan(.instant, "a table's default character set is metadata")
        case let .addColumn(_, column, unique, foreignKey):
            if foreignKey != nil {
                return MySQLPlan(.copy, lock: .shared, "a column with a foreign key is added by copying the table (foreign_key_checks=1)")
            }
            if column.identity {
                return MySQLPlan(.copy, lock: .shared, "an AUTO_INCREMENT column is filled by copying the table")
            }
            if unique != nil {
                return MySQLPlan(.inplace, lock: .none, rebuilds: true, "the column comes with a UNIQUE index: INPLACE, the table is rebuilt")
            }
            if case .sql = column.defaultValue {
                return MySQLPlan(.inplace, lock: .none, rebuilds: true, "a column with an expression default is not added instantly: INPLACE with a rebuild")
            }
            if mariadb {
                // MariaDB 10.3.2: instant ADD COLUMN (last); 10.4: anywhere. Our minimum is 10.6.
                return MySQLPlan(.instant, "MariaDB 10.3.2+ adds a column instantly")
            }
            if v >= Version(8, 0, 29) { return MySQLPlan(.instant, "MySQL 8.0.29+ adds a column instantly at any position") }
            if v >= Version(8, 0, 12) { return MySQLPlan(.instant, "MySQL 8.0.12+ adds a column instantly as the last column (mgen appends)") }
            return MySQLPlan(.inplace, lock: .none, rebuilds: true, "before MySQL 8.0.12 ADD COLUMN rebuilds the table in place")
        case let .dropColumn(table, column):
            let indexed = before.indexes(on: table).contains { $0.columnNames.contains(column) }
                || (before.table(table)?.uniques.contains { $0.columns.contains(column) } ?? false)
            if indexed { return MySQLPlan(.inplace, lock: .none, rebuilds: true, "the column is part of an index: INPLACE with a rebuild") }
            if mariadb { return MySQLPlan(.instant, "MariaDB 10.4+ drops a column instantly") }
            if v >= Version(8, 0, 29) { return MySQLPlan(.instant, "MySQL 8.0.29+ drops a column instantly") }
            return MySQLPlan(.inplace, lock: .none, rebuilds: true, "before MySQL 8.0.29 DROP COLUMN rebuilds the table in place")
        case .renameColumn:
            if mariadb { return MySQLPlan(.instant, "MariaDB 10.5+ renames a column instantly") }
            if v >= Version(8, 0, 28) { return MySQLPlan(.instant, "MySQL 8.0.28+ renames a column instantly") }
            return MySQLPlan(.inplace, lock: .none, "before MySQL 8.0.28 RENAME COLUMN is INPLACE (metadata only)")
        case .renameTable:
            return MySQLPlan(.instant, "RENAME TABLE changes metadata only")
        case let .alterColumn(change):
            guard let old = before.table(change.table)?.column(change.column) else { return nil }
            var plans: [MySQLPlan] = []
            if let newType = change.type, newType != old.type {
                plans.append(typeChangePlan(from: old.type, to: newType, mariadb: mariadb))
            }
            if let nullable = change.nullable, nullable != old.nullable {
                if nullable {
                    // MariaDB does it instantly only in ROW_FORMAT=REDUNDANT tables (measured on 10.11's
                    // default DYNAMIC: INSTANT refused, INPLACE gives the table a new id).
                    plans.append(MySQLPlan(.inplace, lock: .none, rebuilds: true, "making a column nullable rebuilds the table in place"))
                } else {
                    plans.append(MySQLPlan(.inplace, lock: .none, rebuilds: true, "NOT NULL rebuilds the table in place, checking every row (strict SQL mode)"))
                }
            }
            if change.defaultChange != nil { plans.append(MySQLPlan(.instant, "changing a default changes metadata only")) }
            return plans.max { ($0.algorithm, $0.rebuilds ? 1 : 0) < ($1.algorithm, $1.rebuilds ? 1 : 0) }
        case let .createIndex(index, _):
            if index.method == "fulltext" || index.method == "spatial" {
                // The first FULLTEXT index of a table adds the hidden FTS_DOC_ID column: a rebuild.
                let first = index.method == "fulltext" && !before.indexes(on: index.table).contains { $0.method == "fulltext" }
                return MySQLPlan(.inplace, lock: .shared, rebuilds: first,
                                 "a FULLTEXT/SPATIAL index build does not allow concurrent writes\(first ? "; the table's first FULLTEXT index rebuilds it" : "")")
            }
            return MySQLPlan(.inplace, lock: .none, "a secondary index is built in place while reads and writes continue")
        case .addUnique:
            return MySQLPlan(.inplace, lock: .none, "a UNIQUE index is built in place while reads and writes continue")
        // spec 1.1: the index already is the constraint; at most it is renamed
        case .addUniqueUsingIndex:
            return MySQLPlan(.inplace, lock: .none, "renaming an index changes metadata only")
        case .dropIndex:
            return MySQLPlan(.inplace, lock: .none, "dropping an index changes metadata only")
        case .addForeignKey:
            return MySQLPlan(.copy, lock: .shared, "ADD FOREIGN KEY copies the table unless foreign_key_checks=0")
        case .addCheck:
            return MySQLPlan(.copy, lock: .shared, "ADD CHECK copies the table to check every row")
        case let .dropConstraint(table, name):
            if before.table(table)?.foreignKeys.contains(where: { $0.name == name }) == true {
                return MySQLPlan(.inplace, lock: .none, "dropping a foreign key changes metadata only")
            }
            if before.table(table)?.uniques.contains(where: { $0.name == name }) == true {
                return MySQLPlan(.inplace, lock: .none, "dropping a UNIQUE index changes metadata only")
            }
            return MySQLPlan(.instant, "dropping a CHECK changes metadata only")
        default:
            return nil
        }
    }

    static func typeChangePlan(from old: ColumnType, to new: ColumnType, mariadb: Bool) -> MySQLPlan {
        switch (old, new) {
        case let (.string(a), .string(b)) where b >= a:
            // The length prefix is 1 byte up to 255 bytes, 2 beyond; crossing it means a copy.
            if (a * bytesPerChar < 256) == (b * bytesPerChar < 256) {
                return mariadb ? MySQLPlan(.instant, "MariaDB 10.2.2+ extends a VARCHAR instantly within its length-byte class")
                               : MySQLPlan(.inplace, lock: .none, "MySQL extends a VARCHAR in place within its length-byte class")
            }
            return MySQLPlan(.copy, lock: .shared, "varchar(\(a)) to varchar(\(b)) crosses 255 bytes (utf8mb4: \(bytesPerChar) bytes a character): the length prefix grows, the table is copied")
        case let (.enumeration(a), .enumeration(b)) where b.count > a.count && Array(b.prefix(a.count)) == a:
            if (a.count <= 255) == (b.count <= 255) {
                return MySQLPlan(.instant, "values appended at the end of an ENUM change metadata only")
            }
            return MySQLPlan(.copy, lock: .shared, "the ENUM grows past 255 values: its storage size changes, the table is copied")
        case (.enumeration, .enumeration):
            return MySQLPlan(.copy, lock: .shared, "ENUM values removed or reordered: the table is copied")
        default:
            return MySQLPlan(.copy, lock: .shared, "changing a column's data type copies the table")
        }
    }

    /// How many instant column adds and drops a MySQL table allows before INSTANT is refused
    /// ("Maximum row versions reached"): 64 from 8.0.29, 255 from 9.1.0; nil where no limit applies.
    public static func mysqlRowVersionLimit(_ target: DatabaseTarget) -> Int? {
        guard target.engine == .mysql, target.version >= Version(8, 0, 29) else { return nil }
        return target.version >= Version(9, 1) ? 255 : 64
    }

    // MARK: PostgreSQL

    /// Whether a PostgreSQL type change rewrites the table (and its indexes), and why.
    public static func pgTypeChange(from old: ColumnType, to new: ColumnType, target: DatabaseTarget) -> (rewrites: Bool, reason: String) {
        switch (old, new) {
        case _ where old == new: return (false, "the type does not change")
        case let (.string(a), .string(b)) where b >= a:
            return (false, "varchar(\(a)) to varchar(\(b)) is binary-coercible and only widens the limit")
        case (.string, .text), (.enumeration, .text):
            return (false, "varchar to text is binary-coercible")
        case let (.string, .native(map)) where ["varchar", "character varying"].contains(map["postgresql"]?.lowercased() ?? ""):
            return (false, "varchar(n) to varchar without a limit is binary-coercible")
        case let (.decimal, .native(map)) where ["numeric", "decimal"].contains(map["postgresql"]?.lowercased() ?? ""):
            return (false, "numeric(p,s) to numeric without a limit is binary-coercible")
        case (.enumeration, .enumeration):
            return (false, "an enum is text with a CHECK: the type stays, the CHECK is replaced")
        case (.text, .enumeration), (.string, .enumeration):
            return (false, "an enum is text with a CHECK: the type is coerced, a CHECK is added")
        case let (.decimal(p1, s1), .decimal(p2, s2)) where s1 == s2 && p2 >= p1:
            return (false, "numeric(\(p1),\(s1)) to numeric(\(p2),\(s2)) keeps the scale and widens the precision")
        case (.timestamp, .timestamptz):
            return (true, "timestamp to timestamptz rewrites the table unless the session TimeZone is UTC (PostgreSQL 12+)")
        default:
            return (true, "\(old) to \(new) is not binary-coercible: every row and every index on the column is rewritten")
        }
    }

    /// Functions PostgreSQL marks VOLATILE that people use as defaults: a column added with one
    /// is filled row by row, rewriting the table.
    static let volatileFunctions = ["random(", "gen_random_uuid(", "uuid_generate_v1", "uuid_generate_v4", "clock_timestamp(",
                                    "timeofday(", "nextval(", "setseed(", "uuid_generate_v1mc(", "gen_random_bytes("]
    /// Defaults that are constant per statement (STABLE or IMMUTABLE): added without a rewrite on PostgreSQL 11+.
    static let stableFunctions = ["now()", "current_timestamp", "current_date", "current_time", "localtimestamp", "localtime",
                                  "transaction_timestamp()", "statement_timestamp()", "txid_current()", "pg_current_xact_id()",
                                  "current_user", "session_user"]

    public enum Volatility: Sendable { case constant, volatile, unknown }

    /// How a default expression behaves when a column is added with it.
    public static func volatility(_ value: DefaultValue?) -> Volatility {
        guard case let .sql(text)? = value else { return .constant }
        let lower = text.lowercased()
        if volatileFunctions.contains(where: lower.contains) { return .volatile }
        var rest = lower
        for stable in stableFunctions { rest = rest.replacingOccurrences(of: stable, with: "") }
        // A cast or an array literal is constant; any other call we do not know may be volatile.
        if rest.contains("(") && !rest.contains("::") && !rest.hasPrefix("array[") { return .unknown }
        return .constant
    }
}

extension DefaultValue {
    var isConstant: Bool { Knowledge.volatility(self) == .constant }
}

import Foundation
