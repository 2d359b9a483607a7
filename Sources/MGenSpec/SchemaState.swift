import Foundation

/// The schema as it stands after replaying a chain of migrations: the spine of validation, of
/// derived downs, and of emitters that need a whole definition (MySQL `MODIFY COLUMN`, SQLite
/// rebuilds, Alembic `existing_type=`, Django `AlterField`).
public struct SchemaState: Hashable, Sendable {
    public private(set) var tables: [String: Table] = [:]
    /// Index names are unique per schema (as in PostgreSQL and SQLite; the strictest rule wins).
    public private(set) var indexes: [String: Index] = [:]

    public init() {}

    public func table(_ name: String) -> Table? { tables[name] }
    public var tableNames: [String] { tables.keys.sorted() }
    public func indexes(on table: String) -> [Index] { indexes.values.filter { $0.table == table }.sorted { $0.name < $1.name } }

    /// Foreign keys of other tables that point at `table` (optionally at one of its columns).
    public func incomingForeignKeys(to table: String, column: String? = nil) -> [ForeignKey] {
        tables.values.filter { $0.name != table }.flatMap(\.foreignKeys)
            .filter { $0.referencedTable == table && (column.map { $0 } == nil || $0.referencedColumns.contains(column ?? "")) }
            .sorted { $0.name < $1.name }
    }

    /// Equality that ignores what a down cannot restore and no database reports alike:
    /// column order (a re-added column goes last) and the NOT VALID flag.
    public func isEquivalent(to other: SchemaState) -> Bool { normalized == other.normalized }

    private var normalized: SchemaState {
        var copy = self
        for (name, var table) in copy.tables {
            table.columns.sort { $0.name < $1.name }
            table.checks = table.checks.map { var c = $0; c.notValid = false; return c }.sorted { $0.name < $1.name }
            table.foreignKeys = table.foreignKeys.map { var f = $0; f.notValid = false; return f }.sorted { $0.name < $1.name }
            table.uniques.sort { $0.name < $1.name }
            copy.tables[name] = table
        }
        return copy
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

    /// The change itself; `apply` has checked that it makes sense.
    mutating func mutate(_ operation: Operation) {
        switch operation {
        case let .createTable(table):
            tables[table.name] = table
        case let .dropTable(name):
            tables[name] = nil
            indexes = indexes.filter { $0.value.table != name }
        case let .renameTable(from, to):
            guard var table = tables.removeValue(forKey: from) else { return }
            table.name = to
            table.uniques = table.uniques.map { var u = $0; u.table = to; return u }
            table.checks = table.checks.map { var c = $0; c.table = to; return c }
            table.foreignKeys = table.foreignKeys.map { var f = $0; f.table = to; if f.referencedTable == from { f.referencedTable = to }; return f }
            tables[to] = table
            for (name, var other) in tables where name != to {
                other.foreignKeys = other.foreignKeys.map { var f = $0; if f.referencedTable == from { f.referencedTable = to }; return f }
                tables[name] = other
            }
            for (name, var index) in indexes where index.table == from {
                index.table = to
                indexes[name] = index
            }
        case let .addColumn(table, column, unique, foreignKey):
            tables[table]?.columns.append(column)
            if let unique { tables[table]?.uniques.append(unique) }
            if let foreignKey { tables[table]?.foreignKeys.append(foreignKey) }
        case let .dropColumn(table, column):
            tables[table]?.columns.removeAll { $0.name == column }
            tables[table]?.uniques.removeAll { $0.columns.contains(column) }
            tables[table]?.foreignKeys.removeAll { $0.columns.contains(column) }
            indexes = indexes.filter { !($0.value.table == table && $0.value.columnNames.contains(column)) }
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
            if let comment = change.comment { tables[change.table]?.columns[i].comment = comment }
        case let .createIndex(index, _):
            indexes[index.name] = index
        case let .dropIndex(name, _, _):
            indexes[name] = nil
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
        for (name, var other) in tables where name != table {
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
        for (name, var index) in indexes where index.table == table {
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

/// Replaces whole-word occurrences of an identifier in an SQL expression (not inside quotes' contents).
func replacingIdentifier(_ name: String, with replacement: String, in expression: String) -> String {
    let pattern = "(?<![A-Za-z0-9_'])" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Za-z0-9_'])"
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return expression }
    let range = NSRange(expression.startIndex..., in: expression)
    return regex.stringByReplacingMatches(in: expression, range: range, withTemplate: NSRegularExpression.escapedTemplate(for: replacement))
}

/// Whether an SQL expression mentions an identifier as a whole word.
func mentions(_ expression: String, _ name: String) -> Bool {
    replacingIdentifier(name, with: "\u{1}", in: expression) != expression
}
