/// Every operation knows its inverse. Inverses that need the old definition (`drop_column`,
/// `drop_table`, `alter_column`, `drop_index`, `drop_constraint`) take it from the state before the
/// operation. A down restores structure, not data.
extension Operation {
    /// The operations that undo this one, or nil when none can exist (raw SQL without a down).
    public func inverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .createTable(table):
            return [.dropTable(table: table.name)]
        case let .dropTable(name):
            guard let table = before.table(name) else { return nil }
            return [.createTable(table)] + before.indexes(on: name).map { .createIndex($0, concurrently: false) }
        case let .renameTable(from, to):
            return [.renameTable(table: to, to: from)]
        case let .addColumn(table, column, unique, foreignKey):
            // Constraints first, so the column is free to go (MySQL refuses otherwise).
            return [foreignKey.map { Operation.dropConstraint(table: table, name: $0.name) },
                    unique.map { Operation.dropConstraint(table: table, name: $0.name) },
                    .dropColumn(table: table, column: column.name)].compactMap { $0 }
        case let .dropColumn(table, name):
            guard let column = before.table(table)?.column(name) else { return nil }
            return [.addColumn(table: table, column: column, unique: nil, foreignKey: nil)]
        case let .renameColumn(table, from, to):
            return [.renameColumn(table: table, column: to, to: from)]
        case let .alterColumn(change):
            guard let old = before.table(change.table)?.column(change.column) else { return nil }
            var back = AlterColumn(table: change.table, column: change.column)
            if change.type != nil { back.type = old.type }
            if change.nullable != nil { back.nullable = old.nullable }
            if change.defaultChange != nil { back.defaultChange = old.defaultValue.map { .set($0) } ?? .drop }
            if change.comment != nil { back.comment = old.comment ?? "" }
            // spec 1.1: generated columns and collations
            if change.collation != nil { back.collation = old.collation.map { .set($0) } ?? .drop }
            return [.alterColumn(back)]
        case let .createIndex(index, concurrently):
            return [.dropIndex(name: index.name, table: index.table, concurrently: concurrently)]
        case let .dropIndex(name, _, concurrently):
            guard let index = before.index(name) else { return nil }
            return [.createIndex(index, concurrently: concurrently)]
        case let .addForeignKey(fk):
            return [.dropConstraint(table: fk.table, name: fk.name)]
        case let .addUnique(unique):
            return [.dropConstraint(table: unique.table, name: unique.name)]
        case let .addCheck(check):
            return [.dropConstraint(table: check.table, name: check.name)]
        case .validateConstraint:
            // Validation only checks existing rows; there is nothing to undo.
            return []
        case let .dropConstraint(tableName, name):
            guard let table = before.table(tableName) else { return nil }
            if let unique = table.uniques.first(where: { $0.name == name }) { return [.addUnique(unique)] }
            if let check = table.checks.first(where: { $0.name == name }) {
                var restored = check
                restored.notValid = false
                return [.addCheck(restored)]
            }
            if let fk = table.foreignKeys.first(where: { $0.name == name }) {
                var restored = fk
                restored.notValid = false
                return [.addForeignKey(restored)]
            }
            return nil
        case let .sql(up, down):
            return down.map { [.sql(up: $0, down: up)] }
        case .backfill:
            // The filled values stay: old code ignores them, and clearing them could lose data written since.
            return []
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change):
            return change.inverse(in: before)
        // spec 1.1: enum types
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue:
            return enumTypeInverse(in: before)
        // spec 1.1: data steps
        case .insert, .delete, .update:
            return dataStepInverse(in: before)
        // spec 1.1: primary keys
        case .addPrimaryKey, .dropPrimaryKey:
            return primaryKeyInverse(in: before)
        // spec 1.1: renames
        case .renameIndex:
            return renameInverse(in: before)
        // spec 1.1: comments
        case .commentTable:
            return commentInverse(in: before)
        // spec 1.1: constraint renames
        case .renameConstraint:
            return constraintRenameInverse(in: before)
        // spec 1.1: altering in place
        case .alterTable, .alterConstraint:
            return alterInPlaceInverse(in: before)
        // spec 1.1: unique constraints from a unique index
        case .addUniqueUsingIndex:
            return uniqueUsingIndexInverse(in: before)
        }
    }

    /// Why this operation loses data, if it does (shown in emitted files; the down cannot bring data back).
    public func dataLoss(in before: SchemaState) -> String? {
        switch self {
        case let .dropTable(table):
            return "drop_table \(table): the down recreates the table empty"
        case let .dropColumn(table, column):
            return "drop_column \(table).\(column): the down re-adds the column empty"
        case let .alterColumn(change):
            guard let newType = change.type, let old = before.table(change.table)?.column(change.column),
                  !old.type.widens(to: newType) else { return nil }
            return "alter_column \(change.table).\(change.column): \(old.type) -> \(newType) may truncate or reject values"
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change):
            return change.dataLoss(in: before)
        // spec 1.1: enum types
        case .dropEnumValue:
            return enumTypeDataLoss(in: before)
        // spec 1.1: data steps
        case .delete, .update:
            return dataStepLoss()
        default:
            return nil
        }
    }
}

extension Operation {
    /// The operation with what the spec may leave out filled in from the state before it, once,
    /// where the step is prepared: `drop_index` without `table` gets the index's table, so every
    /// emitter (and the chain's own checks) receive it rather than look it up or guess.
    public func resolved(in before: SchemaState) -> Operation {
        if case let .dropIndex(name, table, concurrently) = self, table.isEmpty, let index = before.index(name) {
            return .dropIndex(name: name, table: index.table, concurrently: concurrently)
        }
        // spec 1.1: renames
        if case let .renameIndex(name, to, table) = self, table.isEmpty, let index = before.index(name) {
            return .renameIndex(name: name, to: to, table: index.table)
        }
        // spec 1.1: unique constraints from a unique index
        if let resolved = uniqueUsingIndexResolved(in: before) { return resolved }
        return self
    }
}

extension ColumnType {
    /// Whether every value of this type fits the other unchanged.
    public func widens(to other: ColumnType) -> Bool {
        if self == other { return true }
        switch (self, other) {
        case (.smallint, .integer), (.smallint, .bigint), (.integer, .bigint), (.real, .double): return true
        case let (.string(a), .string(b)): return b >= a
        case (.string, .text), (.enumeration, .text), (.uuid, .text): return true
        case let (.decimal(p1, s1), .decimal(p2, s2)): return s2 >= s1 && p2 - s2 >= p1 - s1
        case let (.enumeration(a), .enumeration(b)): return Set(a).isSubset(of: Set(b))
        case (.timestamp, .timestamptz): return true
        // spec 1.1: column types. More fractional digits keep every value; the plain type has the
        // most (6 on PostgreSQL and MySQL).
        case let (.temporal(a, p), .temporal(b, q)): return a == b && q >= p
        case let (.temporal(a, _), plain): return plain == a.plain
        // A char(n) value fits any string as long (its padding is no data); every string fits
        // varchar(max), and varchar(max) and text hold the same values.
        case let (.char(a), .char(b)), let (.char(a), .string(b)): return b >= a
        case let (.array(a), .array(b)): return a.widens(to: b)
        case (.char, .text), (.char, .varchar), (.string, .varchar), (.uuid, .varchar), (.enumeration, .varchar),
             (.varchar, .text), (.text, .varchar): return true
        default: return false
        }
    }
}
