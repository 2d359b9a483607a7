import Foundation

/// The schema as it stands after replaying a chain of migrations: the spine of validation, of
/// derived downs, and of emitters that need a whole definition (MySQL `MODIFY COLUMN`, SQLite
/// rebuilds, Alembic `existing_type=`, Django `AlterField`).
///
/// The maps are persistent (`LayeredMap`): a step keeps the state before it, and a change copies
/// only what changed, not the whole schema.
public struct SchemaState: Hashable, Sendable {
    // Values are boxed: a trie node holds up to 32 entries, and copying a node then costs one
    // retain per entry, not one per field of every table in it.
    private var tables = LayeredMap<Box<TableEntry>>()
    /// Index names are unique per schema (as in PostgreSQL and SQLite; the strictest rule wins).
    private var indexes = LayeredMap<Box<Index>>()
    // Lookups kept in step with `tables` and `indexes`, so no check has to scan the schema.
    private var constraintOwners = LayeredMap<String>()
    /// Referenced table → the tables whose foreign keys point at it.
    private var referrers = LayeredMap<Set<String>>()
    // spec 1.1: views, functions, triggers, extensions, sequences (keyed by namespace and name;
    // see Ops/ObjectState.swift)
    var objectEntries = LayeredMap<Box<ObjectEntry>>()
    // spec 1.1: enum types. Type name → values in order; few enough for a plain dictionary.
    var enumTypes: [String: [String]] = [:]

    public init() {}

    // spec 1.1: enum types
    /// The values of an enum type, in order (nil: no such type).
    public func enumValues(_ name: String) -> [String]? { enumTypes[name] }
    public var enumTypeNames: [String] { enumTypes.keys.sorted() }

    /// Rewrites the columns that match, in every table (an enum type renamed, a default renamed).
    mutating func updateColumns(where matches: (Column) -> Bool, _ body: (inout Column) -> Void) {
        for name in tableNames where table(name)?.columns.contains(where: matches) == true {
            modify(name) { t in
                for i in t.columns.indices where matches(t.columns[i]) { body(&t.columns[i]) }
            }
        }
    }

    /// Folds recent changes into the shared maps; the chain does this after each migration, so
    /// the states of its steps share one base. Changes nothing that can be observed.
    public mutating func commit() {
        tables.commit()
        indexes.commit()
        constraintOwners.commit()
        referrers.commit()
        objectEntries.commit()
    }

    public func table(_ name: String) -> Table? { tables[name]?.value.table }
    public var tableNames: [String] { tables.keys.sorted() }
    public func index(_ name: String) -> Index? { indexes[name]?.value }
    public var indexNames: [String] { indexes.keys.sorted() }
    public func indexes(on table: String) -> [Index] {
        (tables[table]?.value.indexNames ?? []).sorted().compactMap { indexes[$0]?.value }
    }
    /// The table that has a constraint of this name.
    public func constraintOwner(_ name: String) -> String? { constraintOwners[name] }

    /// Foreign keys of other tables that point at `table` (optionally at one of its columns).
    public func incomingForeignKeys(to table: String, column: String? = nil) -> [ForeignKey] {
        (referrers[table] ?? []).filter { $0 != table }.compactMap { self.table($0) }.flatMap(\.foreignKeys)
            .filter { $0.referencedTable == table && (column == nil || $0.referencedColumns.contains(column ?? "")) }
            .sorted { $0.name < $1.name }
    }

    /// Equality on the given tables (and their indexes) that ignores what a down cannot restore
    /// and no database reports alike: column order (a re-added column goes last) and NOT VALID.
    public func isEquivalent(to other: SchemaState, on tables: Set<String>) -> Bool {
        tables.allSatisfy { name in
            let (mine, theirs) = (self.table(name), other.table(name))
            return (mine == theirs || mine.map(Self.normalized) == theirs.map(Self.normalized))
                && indexes(on: name) == other.indexes(on: name)
        } && hasSameObjects(as: other)
            && enumTypes == other.enumTypes // spec 1.1: enum types
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
                               fields: FieldLocations = [:]) throws(DiagnosticError) {
        var v = Validator(state: self, location: location, fields: fields)
        v.check(operation)
        if !v.diagnostics.isEmpty { throw DiagnosticError(v.diagnostics) }
        mutate(operation)
    }

    /// Applies a step's inverse (`Operation.inverse(in:)`), valid by construction and so not
    /// validated again, as the chain applies its derived downs: the validator is stricter than an
    /// inverse needs (a unique over a key's columns may back a foreign key) and would refuse the
    /// reverse SQL a target renders from it.
    public mutating func applyInverse(_ operation: Operation) { mutate(operation) }

    /// The change itself; `apply` has checked that it makes sense. The constraint and reference
    /// lookups of the tables it touches are taken out before and put back after.
    mutating func mutate(_ operation: Operation) {
        guard operation.changesLookups else { change(operation, referring: []); return }
        var touched: [String] = operation.table.map { [$0] } ?? []
        // Tables whose foreign keys point at a renamed table change too; read them before the
        // registry forgets them.
        var referring: Set<String> = []
        if case let .renameTable(from, to) = operation {
            referring = referrers[from] ?? []
            touched = Array(Set(touched + [to]).union(referring))
        }
        let before = touched.map { (name: $0, entries: registryEntries($0)) }
        change(operation, referring: referring)
        // Only what changed is written back: most operations leave a table's names alone.
        for (name, old) in before {
            let new = registryEntries(name)
            guard new != old else { continue }
            // A table has a handful of constraints: lists searched in place, no sets built.
            for constraint in old.constraints where !new.constraints.contains(constraint) && constraintOwners[constraint] == name {
                constraintOwners[constraint] = nil
            }
            for constraint in new.constraints where !old.constraints.contains(constraint) { constraintOwners[constraint] = name }
            for target in old.referenced where !new.referenced.contains(target) { referrers[target]?.remove(name) }
            for target in new.referenced where !old.referenced.contains(target) { referrers[target, default: []].insert(name) }
        }
    }

    /// A table's entries in the lookups: its constraint names and the tables it references.
    private func registryEntries(_ name: String) -> RegistryEntries {
        guard let table = self.table(name) else { return RegistryEntries(constraints: [], referenced: []) }
        return RegistryEntries(constraints: table.constraintNames, referenced: table.foreignKeys.map(\.referencedTable))
    }

    /// As arrays: comparing them is cheap, and sets are built only when something changed.
    private struct RegistryEntries: Equatable {
        var constraints: [String]
        var referenced: [String]
    }

    private mutating func addIndex(_ index: Index) {
        indexes[index.name] = Box(index)
        modifyEntry(index.table) { $0.indexNames.insert(index.name) }
    }

    private mutating func removeIndex(_ name: String) {
        guard let index = indexes.removeValue(forKey: name) else { return }
        modifyEntry(index.value.table) { $0.indexNames.remove(name) }
    }

    /// Changes one table in place (a new box; the old one stays with the states before).
    private mutating func modify(_ name: String, _ body: (inout Table) -> Void) {
        modifyEntry(name) { body(&$0.table) }
    }

    private mutating func modifyEntry(_ name: String, _ body: (inout TableEntry) -> Void) {
        guard var entry = tables[name]?.value else { return }
        body(&entry)
        tables[name] = Box(entry)
    }

    private mutating func change(_ operation: Operation, referring: Set<String>) {
        switch operation {
        case let .createTable(table):
            tables[table.name] = Box(TableEntry(table: table))
        case let .dropTable(name):
            for index in tables[name]?.value.indexNames ?? [] { indexes[index] = nil }
            tables[name] = nil
        case let .renameTable(from, to):
            guard var entry = tables.removeValue(forKey: from)?.value else { return }
            var table = entry.table
            table.name = to
            table.uniques = table.uniques.map { var u = $0; u.table = to; return u }
            table.checks = table.checks.map { var c = $0; c.table = to; return c }
            table.foreignKeys = table.foreignKeys.map { var f = $0; f.table = to; if f.referencedTable == from { f.referencedTable = to }; return f }
            entry.table = table
            tables[to] = Box(entry)
            for name in referring where name != from {
                modify(name) { other in
                    other.foreignKeys = other.foreignKeys.map { var f = $0; if f.referencedTable == from { f.referencedTable = to }; return f }
                }
            }
            for name in entry.indexNames {
                guard var index = indexes[name]?.value else { continue }
                index.table = to
                indexes[name] = Box(index)
            }
            // spec 1.1: triggers follow their table
            moveTriggers(from: from, to: to)
        case let .addColumn(table, column, unique, foreignKey):
            modify(table) { t in
                t.columns.append(column)
                if let unique { t.uniques.append(unique) }
                if let foreignKey { t.foreignKeys.append(foreignKey) }
            }
        case let .dropColumn(table, column):
            modify(table) { t in
                t.columns.remove(named: column)
                t.uniques.removeAll { $0.columns.contains(column) }
                t.foreignKeys.removeAll { $0.columns.contains(column) }
            }
            for index in indexes(on: table) where index.columnNames.contains(column) || index.include.contains(column) { removeIndex(index.name) }
        case let .renameColumn(table, from, to):
            renameColumn(table: table, from: from, to: to)
        case let .alterColumn(change):
            modify(change.table) { t in
                guard let i = t.columnIndex(change.column) else { return }
                if let type = change.type { t.columns[i].type = type }
                if let nullable = change.nullable { t.columns[i].nullable = nullable }
                switch change.defaultChange {
                case let .set(value)?: t.columns[i].defaultValue = value
                case .drop?: t.columns[i].defaultValue = nil
                case nil: break
                }
                // An empty comment removes it (the down of adding a comment to a column that had none).
                if let comment = change.comment { t.columns[i].comment = comment.isEmpty ? nil : comment }
                // spec 1.1: generated columns and collations (a type without collations loses it)
                if let collation = change.collation { t.columns[i].collation = collation.collation }
                if !t.columns[i].type.isCollatable { t.columns[i].collation = nil }
            }
        case let .createIndex(index, _):
            addIndex(index)
        case let .dropIndex(name, _, _):
            removeIndex(name)
        case let .addForeignKey(fk):
            modify(fk.table) { $0.foreignKeys.append(fk) }
        case let .addUnique(unique):
            modify(unique.table) { $0.uniques.append(unique) }
        case let .addCheck(check):
            modify(check.table) { $0.checks.append(check) }
        case let .validateConstraint(table, name):
            modify(table) { t in
                t.foreignKeys = t.foreignKeys.map { var f = $0; if f.name == name { f.notValid = false }; return f }
                t.checks = t.checks.map { var c = $0; if c.name == name { c.notValid = false }; return c }
            }
        case let .dropConstraint(table, name):
            modify(table) { t in
                t.uniques.removeAll { $0.name == name }
                t.checks.removeAll { $0.name == name }
                t.foreignKeys.removeAll { $0.name == name }
            }
        case .sql, .backfill:
            break // Raw SQL is opaque to the state; a backfill changes data only.
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(objectChange):
            changeObject(objectChange)
        // spec 1.1: enum types
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue:
            changeEnumType(operation)
        // spec 1.1: data steps
        case .insert, .delete, .update:
            break // Rows are not part of the schema.
        // spec 1.1: primary keys
        case let .addPrimaryKey(add):
            modify(add.table) { $0.primaryKey = add.key }
            if let index = add.usingIndex { removeIndex(index) }
        // spec 1.1: unique constraints from a unique index: the index becomes the constraint's
        case let .addUniqueUsingIndex(unique, index):
            removeIndex(index)
            modify(unique.table) { $0.uniques.append(unique) }
        case let .dropPrimaryKey(table):
            modify(table) { $0.primaryKey = nil }
        // spec 1.1: renames
        case let .renameIndex(name, to, _):
            guard var index = indexes[name]?.value else { return }
            removeIndex(name)
            index.name = to
            addIndex(index)
        // spec 1.1: comments
        case let .commentTable(table, comment):
            modify(table) { $0.comment = comment }
        // spec 1.1: constraint renames
        case let .renameConstraint(table, name, to):
            modify(table) { t in if let renamed = t.renamingConstraint(name, to: to) { t = renamed } }
        // spec 1.1: altering in place
        case .alterTable, .alterConstraint:
            if let table = operation.table { modify(table) { $0.alterInPlace(operation) } }
        }
    }

    private mutating func renameColumn(table: String, from: String, to: String) {
        guard self.table(table)?.columnIndex(from) != nil else { return }
        func swap(_ names: [String]) -> [String] { names.map { $0 == from ? to : $0 } }
        func swapReferenced(_ t: inout Table) {
            t.foreignKeys = t.foreignKeys.map {
                var f = $0
                if f.referencedTable == table { f.referencedColumns = swap(f.referencedColumns) }
                return f
            }
        }
        modify(table) { t in
            guard let i = t.columnIndex(from) else { return }
            t.columns[i].name = to
            if let pk = t.primaryKey { t.primaryKey?.columns = swap(pk.columns) }
            t.uniques = t.uniques.map { var u = $0; u.columns = swap(u.columns); return u }
            t.foreignKeys = t.foreignKeys.map { var f = $0; f.columns = swap(f.columns); return f }
            // Databases rewrite expressions that name the column; so does the state.
            t.checks = t.checks.map { var c = $0; c.expression = replacingIdentifier(from, with: to, in: c.expression); return c }
            // A self-reference lives in the same table.
            swapReferenced(&t)
        }
        for name in referrers[table] ?? [] where name != table { modify(name, swapReferenced) }
        for var index in indexes(on: table) {
            index.parts = index.parts.map {
                switch $0 {
                case let .column(c): .column(c == from ? to : c)
                case let .expression(e): .expression(replacingIdentifier(from, with: to, in: e))
                }
            }
            index.predicate = index.predicate.map { replacingIdentifier(from, with: to, in: $0) }
            index.include = index.include.map { $0 == from ? to : $0 }  // spec 1.1: index options
            indexes[index.name] = Box(index)
        }
    }
}

/// A table with the names of its indexes: kept together, a new index changes the table's entry
/// (usually changed already in the same migration) rather than a map of its own.
private struct TableEntry: Hashable, Sendable {
    var table: Table
    var indexNames: Set<String> = []
}

/// A value kept behind one reference: cheap to copy in and out of persistent maps.
final class Box<Value: Hashable & Sendable>: Hashable, Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (a: Box, b: Box) -> Bool { a === b || a.value == b.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension Operation {
    /// Whether the operation can change a table's constraint names or the tables it references
    /// (what the lookups of `SchemaState` follow). Most steps cannot, and skip that bookkeeping.
    var changesLookups: Bool {
        switch self {
        case .createTable, .dropTable, .renameTable, .dropColumn, .addForeignKey, .addUnique, .addCheck, .dropConstraint: true
        case let .addColumn(_, _, unique, foreignKey): unique != nil || foreignKey != nil
        case .renameColumn, .alterColumn, .createIndex, .dropIndex, .validateConstraint, .sql, .backfill: false
        // spec 1.1: views, functions, triggers, extensions, sequences
        case .object: false
        // spec 1.1: enum types
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue: false
        // spec 1.1: data steps
        case .insert, .delete, .update: false
        // spec 1.1: primary keys
        case .addPrimaryKey, .dropPrimaryKey: true
        // spec 1.1: unique constraints from a unique index
        case .addUniqueUsingIndex: true
        case .renameIndex: false
        // spec 1.1: comments
        case .commentTable: false
        // spec 1.1: constraint renames
        case .renameConstraint: true
        // spec 1.1: altering in place (no names change)
        case .alterTable, .alterConstraint: false
        }
    }
}

/// The index just past the SQL string literal that opens at `start` (a `'`), through its closing
/// quote (`''` is an escaped quote); the end of `chars` when it is not closed.
public func stringLiteralEnd(_ chars: [Character], from start: Int) -> Int {
    var j = start + 1
    while j < chars.count {
        if chars[j] == "'" { if j + 1 < chars.count, chars[j + 1] == "'" { j += 2; continue }; break }
        j += 1
    }
    return min(j + 1, chars.count)
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
            let end = stringLiteralEnd(chars, from: i)
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

/// The whole words of an SQL expression outside string literals: `mentions(e, n)` is
/// `identifierWords(in: e).contains(n)`, for one scan when many names are asked about.
func identifierWords(in expression: String) -> Set<String> {
    let chars = Array(expression)
    var words: Set<String> = []
    var i = 0
    func isWord(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
    while i < chars.count {
        let c = chars[i]
        if c == "'" {
            i = stringLiteralEnd(chars, from: i)
        } else if isWord(c) {
            var j = i
            while j < chars.count, isWord(chars[j]) { j += 1 }
            words.insert(String(chars[i..<j]))
            i = j
        } else {
            i += 1
        }
    }
    return words
}

/// Whether an SQL expression mentions an identifier as a whole word.
func mentions(_ expression: String, _ name: String) -> Bool {
    replacingIdentifier(name, with: "\u{1}", in: expression) != expression
}
