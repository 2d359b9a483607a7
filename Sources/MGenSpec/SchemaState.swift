import Foundation
import HashTreeCollections

/// The schema as it stands after replaying a chain of migrations: the spine of validation, of
/// derived downs, and of emitters that need a whole definition (MySQL `MODIFY COLUMN`, SQLite
/// rebuilds, Alembic `existing_type=`, Django `AlterField`).
///
/// The maps are persistent hash tries (`TreeDictionary`): a step keeps the state before it, and a
/// change copies only the path to what changed, not the whole schema.
public struct SchemaState: Hashable, Sendable {
    public private(set) var tables: TreeDictionary<String, Table> = [:]
    /// Index names are unique per schema (as in PostgreSQL and SQLite; the strictest rule wins).
    public private(set) var indexes: TreeDictionary<String, Index> = [:]
    // Lookups kept in step with `tables` and `indexes`, so no check has to scan the schema.
    private var indexNamesByTable: TreeDictionary<String, Set<String>> = [:]
    private var constraintOwners: TreeDictionary<String, String> = [:]
    /// Referenced table → the tables whose foreign keys point at it.
    private var referrers: TreeDictionary<String, Set<String>> = [:]

    public init() {}

    public func table(_ name: String) -> Table? { tables[name] }
    public var tableNames: [String] { tables.keys.sorted() }
    public func indexes(on table: String) -> [Index] {
        (indexNamesByTable[table] ?? []).sorted().compactMap { indexes[$0] }
    }
    /// The table that has a constraint of this name.
    public func constraintOwner(_ name: String) -> String? { constraintOwners[name] }

    /// Foreign keys of other tables that point at `table` (optionally at one of its columns).
    public func incomingForeignKeys(to table: String, column: String? = nil) -> [ForeignKey] {
        (referrers[table] ?? []).filter { $0 != table }.compactMap { tables[$0] }.flatMap(\.foreignKeys)
            .filter { $0.referencedTable == table && (column == nil || $0.referencedColumns.contains(column ?? "")) }
            .sorted { $0.name < $1.name }
    }

    /// Equality on the given tables (and their indexes) that ignores what a down cannot restore
    /// and no database reports alike: column order (a re-added column goes last) and NOT VALID.
    public func isEquivalent(to other: SchemaState, on tables: Set<String>) -> Bool {
        tables.allSatisfy { name in
            self.tables[name].map(Self.normalized) == other.tables[name].map(Self.normalized)
                && indexes(on: name) == other.indexes(on: name)
        }
    }

    private static func normalized(_ table: Table) -> Table {
        var table = table
        table.columns.sort { $0.name < $1.name }
        table.checks = table.checks.map { var c = $0; c.notValid = false; return c }.sorted { $0.name < $1.name }
        table.foreignKeys = table.foreignKeys.map { var f = $0; f.notValid = false; return f }.sorted { $0.name < $1.name }
        table.uniques.sort { $0.name < $1.name }
        return table
    }

    // MARK: - Applying operations

    /// Applies one operation, or reports why it cannot apply (the state is then unchanged).
    public mutating func apply(_ operation: Operation, at location: SourceLocation,
                               fields: [String: SourceLocation] = [:]) throws(DiagnosticError) {
        var v = Validator(state: self, location: location, fields: fields)
        v.check(operation)
        if !v.diagnostics.isEmpty { throw DiagnosticError(v.diagnostics) }
        mutate(operation)
    }

    /// The change itself; `apply` has checked that it makes sense. The constraint and reference
    /// lookups of the tables it touches are taken out before and put back after.
    mutating func mutate(_ operation: Operation) {
        var touched: Set<String> = operation.table.map { [$0] } ?? []
        // Tables whose foreign keys point at a renamed table change too; read them before the
        // registry forgets them.
        var referring: Set<String> = []
        if case let .renameTable(from, to) = operation {
            referring = referrers[from] ?? []
            touched.insert(to)
            touched.formUnion(referring)
        }
        let before = touched.map { (name: $0, entries: registryEntries($0)) }
        change(operation, referring: referring)
        // Only what changed is written back: most operations leave a table's names alone.
        for (name, old) in before {
            let new = registryEntries(name)
            guard new != old else { continue }
            let (oldConstraints, newConstraints) = (Set(old.constraints), Set(new.constraints))
            for constraint in oldConstraints.subtracting(newConstraints) where constraintOwners[constraint] == name {
                constraintOwners[constraint] = nil
            }
            for constraint in newConstraints.subtracting(oldConstraints) { constraintOwners[constraint] = name }
            let (oldReferenced, newReferenced) = (Set(old.referenced), Set(new.referenced))
            for target in oldReferenced.subtracting(newReferenced) { referrers[target]?.remove(name) }
            for target in newReferenced.subtracting(oldReferenced) { referrers[target, default: []].insert(name) }
        }
    }

    /// A table's entries in the lookups: its constraint names and the tables it references.
    private func registryEntries(_ name: String) -> RegistryEntries {
        guard let table = tables[name] else { return RegistryEntries(constraints: [], referenced: []) }
        return RegistryEntries(constraints: table.constraintNames, referenced: table.foreignKeys.map(\.referencedTable))
    }

    /// As arrays: comparing them is cheap, and sets are built only when something changed.
    private struct RegistryEntries: Equatable {
        var constraints: [String]
        var referenced: [String]
    }

    private mutating func addIndex(_ index: Index) {
        indexes[index.name] = index
        indexNamesByTable[index.table, default: []].insert(index.name)
    }

    private mutating func removeIndex(_ name: String) {
        guard let index = indexes.removeValue(forKey: name) else { return }
        indexNamesByTable[index.table]?.remove(name)
    }

    private mutating func change(_ operation: Operation, referring: Set<String>) {
        switch operation {
        case let .createTable(table):
            tables[table.name] = table
        case let .dropTable(name):
            tables[name] = nil
            for index in indexNamesByTable[name] ?? [] { indexes[index] = nil }
            indexNamesByTable[name] = nil
        case let .renameTable(from, to):
            guard var table = tables.removeValue(forKey: from) else { return }
            table.name = to
            table.uniques = table.uniques.map { var u = $0; u.table = to; return u }
            table.checks = table.checks.map { var c = $0; c.table = to; return c }
            table.foreignKeys = table.foreignKeys.map { var f = $0; f.table = to; if f.referencedTable == from { f.referencedTable = to }; return f }
            tables[to] = table
            for name in referring where name != from {
                guard var other = tables[name] else { continue }
                other.foreignKeys = other.foreignKeys.map { var f = $0; if f.referencedTable == from { f.referencedTable = to }; return f }
                tables[name] = other
            }
            let names = indexNamesByTable.removeValue(forKey: from) ?? []
            for name in names { indexes[name]?.table = to }
            indexNamesByTable[to] = names
        case let .addColumn(table, column, unique, foreignKey):
            tables[table]?.columns.append(column)
            if let unique { tables[table]?.uniques.append(unique) }
            if let foreignKey { tables[table]?.foreignKeys.append(foreignKey) }
        case let .dropColumn(table, column):
            tables[table]?.columns.removeAll { $0.name == column }
            tables[table]?.uniques.removeAll { $0.columns.contains(column) }
            tables[table]?.foreignKeys.removeAll { $0.columns.contains(column) }
            for index in indexes(on: table) where index.columnNames.contains(column) { removeIndex(index.name) }
        case let .renameColumn(table, from, to):
            renameColumn(table: table, from: from, to: to)
        case let .alterColumn(change):
            guard let i = tables[change.table]?.columnIndex(change.column) else { return }
            if let type = change.type { tables[change.table]?.columns[i].type = type }
            if let nullable = change.nullable { tables[change.table]?.columns[i].nullable = nullable }
            switch change.defaultChange {
            case let .set(value)?: tables[change.table]?.columns[i].defaultValue = value
            case .drop?: tables[change.table]?.columns[i].defaultValue = nil
            case nil: break
            }
            // An empty comment removes it (the down of adding a comment to a column that had none).
            if let comment = change.comment { tables[change.table]?.columns[i].comment = comment.isEmpty ? nil : comment }
        case let .createIndex(index, _):
            addIndex(index)
        case let .dropIndex(name, _, _):
            removeIndex(name)
        case let .addForeignKey(fk):
            tables[fk.table]?.foreignKeys.append(fk)
        case let .addUnique(unique):
            tables[unique.table]?.uniques.append(unique)
        case let .addCheck(check):
            tables[check.table]?.checks.append(check)
        case let .validateConstraint(table, name):
            guard var t = tables[table] else { return }
            t.foreignKeys = t.foreignKeys.map { var f = $0; if f.name == name { f.notValid = false }; return f }
            t.checks = t.checks.map { var c = $0; if c.name == name { c.notValid = false }; return c }
            tables[table] = t
        case let .dropConstraint(table, name):
            tables[table]?.uniques.removeAll { $0.name == name }
            tables[table]?.checks.removeAll { $0.name == name }
            tables[table]?.foreignKeys.removeAll { $0.name == name }
        case .sql, .backfill:
            break // Raw SQL is opaque to the state; a backfill changes data only.
        }
    }

    private mutating func renameColumn(table: String, from: String, to: String) {
        guard var t = tables[table], let i = t.columnIndex(from) else { return }
        func swap(_ names: [String]) -> [String] { names.map { $0 == from ? to : $0 } }
        t.columns[i].name = to
        if let pk = t.primaryKey { t.primaryKey?.columns = swap(pk.columns) }
        t.uniques = t.uniques.map { var u = $0; u.columns = swap(u.columns); return u }
        t.foreignKeys = t.foreignKeys.map { var f = $0; f.columns = swap(f.columns); return f }
        // Databases rewrite expressions that name the column; so does the state.
        t.checks = t.checks.map { var c = $0; c.expression = replacingIdentifier(from, with: to, in: c.expression); return c }
        tables[table] = t
        for name in referrers[table] ?? [] where name != table {
            guard var other = tables[name] else { continue }
            other.foreignKeys = other.foreignKeys.map {
                var f = $0
                if f.referencedTable == table { f.referencedColumns = swap(f.referencedColumns) }
                return f
            }
            tables[name] = other
        }
        // A self-reference lives in the same table.
        if var own = tables[table] {
            own.foreignKeys = own.foreignKeys.map {
                var f = $0
                if f.referencedTable == table { f.referencedColumns = swap(f.referencedColumns) }
                return f
            }
            tables[table] = own
        }
        for var index in indexes(on: table) {
            let name = index.name
            index.parts = index.parts.map {
                switch $0 {
                case let .column(c): .column(c == from ? to : c)
                case let .expression(e): .expression(replacingIdentifier(from, with: to, in: e))
                }
            }
            index.predicate = index.predicate.map { replacingIdentifier(from, with: to, in: $0) }
            indexes[name] = index
        }
    }
}

/// Replaces whole-word occurrences of an identifier in an SQL expression, bare or double-quoted,
/// but never inside a string literal.
func replacingIdentifier(_ name: String, with replacement: String, in expression: String) -> String {
    let chars = Array(expression)
    let target = Array(name)
    var out = ""
    var i = 0
    func isWord(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
    while i < chars.count {
        let c = chars[i]
        if c == "'" {
            // Copy the literal through its closing quote ('' is an escaped quote).
            var j = i + 1
            while j < chars.count {
                if chars[j] == "'" { if j + 1 < chars.count, chars[j + 1] == "'" { j += 2; continue }; break }
                j += 1
            }
            let end = min(j + 1, chars.count)
            out += String(chars[i..<end])
            i = end
            continue
        }
        if isWord(c), i == 0 || !isWord(chars[i - 1]) {
            var j = i
            while j < chars.count, isWord(chars[j]) { j += 1 }
            out += Array(chars[i..<j]) == target ? replacement : String(chars[i..<j])
            i = j
            continue
        }
        out.append(c)
        i += 1
    }
    return out
}

/// Whether an SQL expression mentions an identifier as a whole word.
func mentions(_ expression: String, _ name: String) -> Bool {
    replacingIdentifier(name, with: "\u{1}", in: expression) != expression
}
