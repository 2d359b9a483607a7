/// spec 1.1: deferrable constraints. A foreign key or unique constraint may be checked at commit
/// instead of after each statement: `deferrable: true` (`DEFERRABLE INITIALLY IMMEDIATE`: a
/// transaction may defer it with `SET CONSTRAINTS … DEFERRED`), with `initially_deferred: true`
/// (`DEFERRABLE INITIALLY DEFERRED`). PostgreSQL has both; SQLite has deferrable foreign keys
/// only; MySQL/MariaDB have neither (refused by name, DialectRules).

/// When a deferrable constraint is checked by default.
public enum Deferrability: String, Hashable, Sendable {
    /// `DEFERRABLE INITIALLY IMMEDIATE`
    case immediate
    /// `DEFERRABLE INITIALLY DEFERRED`
    case deferred

    /// The SQL clause, as PostgreSQL and SQLite write it.
    public var sql: String { self == .deferred ? "DEFERRABLE INITIALLY DEFERRED" : "DEFERRABLE INITIALLY IMMEDIATE" }
}

extension OperationParser {
    /// The fields every foreign key and unique constraint form takes.
    static let deferrableFields = ["deferrable", "initially_deferred"]

    /// `deferrable: true` / `initially_deferred: true`; nil when neither says so.
    static func deferrability(_ f: Fields) -> Deferrability? {
        let deferrable = f.bool("deferrable"), initially = f.bool("initially_deferred")
        if initially == true, deferrable != true {
            f.sink.error("initially_deferred needs deferrable: true in \(f.context)", at: f.location("initially_deferred"),
                         fix: "add `deferrable: true`, or drop `initially_deferred`")
            return nil
        }
        guard deferrable == true else { return nil }
        return initially == true ? .deferred : .immediate
    }
}

extension DialectRules.Check {
    /// MySQL/MariaDB check every constraint at once; SQLite defers foreign keys only.
    mutating func deferrability(_ operation: Operation) {
        var keys: [ForeignKey] = [], uniques: [UniqueConstraint] = []
        switch operation {
        case let .createTable(table): keys = table.foreignKeys; uniques = table.uniques
        case let .addColumn(_, _, unique, foreignKey): keys = foreignKey.map { [$0] } ?? []; uniques = unique.map { [$0] } ?? []
        case let .addForeignKey(fk): keys = [fk]
        case let .addUnique(unique): uniques = [unique]
        case let .addUniqueUsingIndex(unique, _): uniques = [unique] // spec 1.1: unique constraints from a unique index
        default: return
        }
        if dialect == .mysql {
            for fk in keys where fk.deferrable != nil {
                error("MySQL and MariaDB have no deferrable constraints (foreign key '\(fk.name)' says `deferrable`)",
                      fix: "drop `deferrable`/`initially_deferred` for mysql, or keep this spec to postgresql and sqlite")
            }
        }
        if dialect != .postgresql {
            for unique in uniques where unique.deferrable != nil {
                error("\(dialect == .mysql ? "MySQL and MariaDB have" : "\(displayName) has") no deferrable unique constraints (unique constraint '\(unique.name)' says `deferrable`)",
                      fix: "drop `deferrable`/`initially_deferred`, or keep this spec to postgresql")
            }
        }
    }
}

extension Operation {
    /// Whether the step makes a deferrable foreign key or unique constraint: the targets whose
    /// builders cannot say so send the step as the dialect's SQL.
    public var hasDeferrableConstraint: Bool {
        switch self {
        case let .createTable(table): table.foreignKeys.contains { $0.deferrable != nil } || table.uniques.contains { $0.deferrable != nil }
        case let .addColumn(_, _, unique, foreignKey): unique?.deferrable != nil || foreignKey?.deferrable != nil
        case let .addForeignKey(fk): fk.deferrable != nil
        case let .addUnique(unique): unique.deferrable != nil
        case let .addUniqueUsingIndex(unique, _): unique.deferrable != nil // spec 1.1: unique constraints from a unique index
        default: false
        }
    }
}

extension Operation {
    /// `hasDeferrableConstraint`, or a step that drops or renames one (its down adds it again, so a
    /// framework's own inverse, which knows no deferrability, would add it back plain).
    public func touchesDeferrableConstraint(in before: SchemaState) -> Bool {
        if hasDeferrableConstraint { return true }
        switch self {
        // spec 1.1: altering in place: a constraint made deferrable, or plain again
        case .alterConstraint: return true
        case let .dropConstraint(tableName, name), let .renameConstraint(tableName, name, _):
            guard let table = before.table(tableName) else { return false }
            return table.foreignKeys.contains { $0.name == name && $0.deferrable != nil } || table.uniques.contains { $0.name == name && $0.deferrable != nil }
        default:
            return false
        }
    }
}
