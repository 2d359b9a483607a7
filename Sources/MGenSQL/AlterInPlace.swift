import MGenSpec

/// spec 1.1: `alter_table` and `alter_constraint`.
///
/// alter_table's `mysql:` options: MySQL/MariaDB `ALTER TABLE t ENGINE=…` (the table is copied),
/// `DEFAULT CHARACTER SET … COLLATE …` (the default for columns added later; the existing columns
/// and their text stay as they are), or with `convert: true` `CONVERT TO CHARACTER SET … COLLATE …`
/// (every text column rewritten in the new set; MySQL widens a TEXT column to MEDIUMTEXT where the
/// new set needs more bytes per character). PostgreSQL and SQLite have no table options: nothing,
/// as for create_table's `mysql:`.
///
/// alter_constraint: PostgreSQL alters a foreign key's deferrability in place (`ALTER CONSTRAINT`,
/// a catalog change); a unique constraint it cannot alter (PostgreSQL 12–17 refuse, "is not a
/// foreign key constraint"): dropped and added back in one ALTER, which builds its index again
/// under the table's lock. SQLite keeps a foreign key's deferrability in the table's definition:
/// the table is rebuilt. MySQL/MariaDB have no deferrable constraints (DialectRules refuse).
extension SQLDialect {
    public func alterInPlaceStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        switch operation {
        case let .alterTable(alter):
            guard dialect == .mysql else { return [] }
            return [SQLStatement("ALTER TABLE \(quote(alter.table)) " + Self.mysqlClauses(alter.mysql).joined(separator: " "), kind: .alterTable,
                                 comment: alter.mysql.convert ? "CONVERT TO rewrites every text column of the table in the new character set" : nil)]
        case let .alterConstraint(tableName, name, deferrable):
            let new = try context.after.requiredTable(tableName), t = quote(tableName)
            switch dialect {
            case .postgresql:
                if new.foreignKeys.contains(where: { $0.name == name }) {
                    return [SQLStatement("ALTER TABLE \(t) ALTER CONSTRAINT \(quote(name)) \(deferrable?.sql ?? "NOT DEFERRABLE")", kind: .alterTable)]
                }
                guard let unique = new.uniques.first(where: { $0.name == name }) else { throw Unsupported("table '\(tableName)' has no foreign key or unique constraint '\(name)'") }
                return [SQLStatement("ALTER TABLE \(t)\n    DROP CONSTRAINT \(quote(name)),\n    ADD CONSTRAINT \(quote(name)) UNIQUE (\(quoteList(unique.columns)))\(deferrableClause(deferrable))",
                                     kind: .alterTable,
                                     comment: "PostgreSQL alters only a foreign key's deferrability: the unique constraint is dropped and added back (its index is built again)")]
            case .sqlite:
                guard let sqlite = self as? SQLiteDialect else { throw Unsupported("not SQLite") }
                return try sqlite.rebuild(tableName, context, reason: "SQLite keeps a foreign key's deferrability in the table's definition")
            case .mysql:
                throw Unsupported("MySQL and MariaDB have no deferrable constraints", fix: "keep alter_constraint to postgresql and sqlite")
            }
        default:
            throw Unsupported("\(operation.kind) is not an alteration in place")
        }
    }

    /// `ENGINE=InnoDB`, `DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`, `CONVERT TO CHARACTER SET …`.
    public static func mysqlClauses(_ change: MySQLTableOptionsChange) -> [String] {
        var clauses: [String] = []
        if let engine = change.engine { clauses.append("ENGINE=\(engine)") }
        if let charset = change.charset {
            clauses.append((change.convert ? "CONVERT TO CHARACTER SET " : "DEFAULT CHARACTER SET ") + charset + (change.collate.map { " COLLATE \($0)" } ?? ""))
        }
        return clauses
    }
}
