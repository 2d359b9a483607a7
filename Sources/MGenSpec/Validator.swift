/// Checks one operation against the state before it: unknown tables and columns, duplicate names,
/// foreign keys to columns that do not exist or are not unique. Messages name the fix.
struct Validator {
    let state: SchemaState
    let location: SourceLocation
    let fields: FieldLocations
    var diagnostics: [Diagnostic] = []

    init(state: SchemaState, location: SourceLocation, fields: FieldLocations) {
        self.state = state
        self.location = location
        self.fields = fields
    }

    mutating func error(_ message: String, field: String? = nil, fix: String? = nil) {
        diagnostics.append(Diagnostic(message, at: field.flatMap { fields[$0] } ?? location, fix: fix))
    }

    func suggestion(_ name: String, _ candidates: [String]) -> String {
        closestMatch(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The table, or an error naming the closest existing one.
    @discardableResult
    mutating func requireTable(_ name: String, field: String = "table") -> Table? {
        if let table = state.table(name) { return table }
        error("unknown table '\(name)'\(suggestion(name, state.tableNames))", field: field,
              fix: state.tableNames.isEmpty ? "create it first with create_table" : "tables: \(state.tableNames.joined(separator: ", "))")
        return nil
    }

    mutating func requireColumns(_ columns: [String], in table: Table, field: String) {
        for column in columns where table.column(column) == nil {
            let names = table.columns.map(\.name)
            error("unknown column '\(column)' in table '\(table.name)'\(suggestion(column, names))", field: field,
                  fix: "columns of \(table.name): \(names.joined(separator: ", "))")
        }
    }

    mutating func requireFreeName(_ name: String, field: String) {
        if state.index(name) != nil {
            error("an index named '\(name)' already exists", field: field, fix: "choose another name")
        } else if let owner = state.constraintOwner(name) {
            error("a constraint named '\(name)' already exists on table '\(owner)'", field: field, fix: "choose another name")
        }
    }

    private mutating func requireFreeColumn(_ column: String, in table: Table, field: String) {
        if table.column(column) != nil {
            error("column '\(column)' already exists in table '\(table.name)'", field: field)
        }
    }

    mutating func check(_ operation: Operation) {
        // spec 1.1: a table, column, view or function that a view or trigger uses stays while it does
        checkObjectDependents(operation)
        checkEnumTypes(operation) // spec 1.1: enum types
        checkSchemas(operation) // spec 1.1: schemas
        checkGeneratedColumns(operation) // spec 1.1: generated columns and collations
        switch operation {
        case let .createTable(table):
            if state.table(table.name) != nil {
                error("table '\(table.name)' already exists", field: "table", fix: "drop it first, or alter the existing table")
            }
            var seen = Set<String>()
            for column in table.columns where !seen.insert(column.name).inserted {
                error("column '\(column.name)' is declared twice in table '\(table.name)'", field: "columns")
            }
            if let pk = table.primaryKey { requireColumns(pk.columns, in: table, field: "primary_key") }
            var names = Set<String>()
            for name in table.constraintNames {
                if !names.insert(name).inserted { error("constraint name '\(name)' is used twice in table '\(table.name)'", field: "table") }
                requireFreeName(name, field: "table")
            }
            for unique in table.uniques { requireColumns(unique.columns, in: table, field: "unique") }
            for fk in table.foreignKeys { checkForeignKey(fk, in: table, field: "foreign_keys") }
            for column in table.columns { checkEnumCheckName(table: table.name, column: column, field: "columns") }
            for check in table.checks { requireQuotedColumns(check.expression, in: table, field: "checks", what: "check '\(check.name)'") }
        case let .dropTable(name):
            guard requireTable(name) != nil else { return }
            for fk in state.incomingForeignKeys(to: name) {
                error("table '\(name)' is referenced by foreign key '\(fk.name)' of table '\(fk.table)'", field: "table",
                      fix: "drop that constraint first (drop_constraint: {table: \(fk.table), name: \(fk.name)})")
            }
        case let .renameTable(from, to):
            guard let table = requireTable(from) else { return }
            if state.table(to) != nil { error("table '\(to)' already exists", field: "to") }
            for column in table.columns { checkEnumCheckName(table: to, column: column, field: "to") }
        case let .addColumn(tableName, column, unique, foreignKey):
            guard let table = requireTable(tableName) else { return }
            requireFreeColumn(column.name, in: table, field: "column")
            checkEnumCheckName(table: tableName, column: column, field: "column")
            var extended = table
            extended.columns.append(column)
            if let unique { requireFreeName(unique.name, field: "column") }
            if let foreignKey {
                requireFreeName(foreignKey.name, field: "column")
                checkForeignKey(foreignKey, in: extended, field: "column")
            }
        case let .dropColumn(tableName, column):
            guard let table = requireTable(tableName) else { return }
            requireColumns([column], in: table, field: "column")
            if table.primaryKey?.columns.contains(column) == true {
                error("column '\(column)' is part of the primary key of '\(tableName)'", field: "column",
                      fix: "a primary key column cannot be dropped; drop the table or keep the column")
            }
            let selfReferences = table.foreignKeys.filter {
                $0.referencedTable == tableName && $0.referencedColumns.contains(column) && !$0.columns.contains(column)
            }
            for fk in state.incomingForeignKeys(to: tableName, column: column) + selfReferences {
                error("column '\(tableName).\(column)' is referenced by foreign key '\(fk.name)' of table '\(fk.table)'", field: "column",
                      fix: "drop that constraint first")
            }
            for check in table.checks where mentions(check.expression, column) {
                error("check constraint '\(check.name)' uses column '\(column)'", field: "column", fix: "drop that constraint first")
            }
        case let .renameColumn(tableName, from, to):
            guard let table = requireTable(tableName) else { return }
            requireColumns([from], in: table, field: "column")
            requireFreeColumn(to, in: table, field: "to")
            if var column = table.column(from) {
                column.name = to
                checkEnumCheckName(table: tableName, column: column, field: "to")
            }
        case let .alterColumn(change):
            guard let table = requireTable(change.table) else { return }
            requireColumns([change.column], in: table, field: "column")
            guard let column = table.column(change.column) else { return }
            if let type = change.type, column.identity, !type.isWholeNumber {
                error("identity column '\(change.column)' must stay an integer type", field: "type")
            }
            // PostgreSQL refuses both; MySQL and SQLite silently keep the column NOT NULL, so the
            // database would no longer match the spec.
            if change.nullable == true, table.primaryKey?.columns.contains(change.column) == true {
                error("column '\(change.table).\(change.column)' is part of the primary key and cannot be made nullable", field: "nullable",
                      fix: "leave out `nullable: true` (a primary-key column is always NOT NULL), or create a table with another key and move the rows")
            }
            if column.identity, change.defaultChange != nil {
                error("identity column '\(change.table).\(change.column)' takes its values from its sequence and cannot have a default set or dropped",
                      field: "default", fix: "leave out `default`, or add a plain column with the default instead")
            }
            if let type = change.type {
                checkKeyTypes(afterChanging: column.name, to: type, in: table)
                var changed = column
                changed.type = type
                checkEnumCheckName(table: table.name, column: changed, field: "type")
            }
        case let .createIndex(index, _):
            guard let table = requireTable(index.table) else { return }
            requireColumns(index.columnNames, in: table, field: "columns")
            requireColumns(index.include, in: table, field: "include")  // spec 1.1: index options
            requireQuotedColumns(of: index, in: table)
            requireFreeName(index.name, field: "name")
        case let .dropIndex(name, tableName, _):
            guard let index = state.index(name) else {
                let candidates = state.indexNames
                error("unknown index '\(name)'\(suggestion(name, candidates))", field: "name",
                      fix: candidates.isEmpty ? "there are no indexes; a unique constraint is dropped with drop_constraint" : nil)
                return
            }
            if !tableName.isEmpty, index.table != tableName {
                error("index '\(name)' is on table '\(index.table)', not '\(tableName)'", field: "table")
            }
        case let .addForeignKey(fk):
            guard let table = requireTable(fk.table) else { return }
            requireFreeName(fk.name, field: "name")
            checkForeignKey(fk, in: table, field: "references")
        case let .addUnique(unique):
            guard let table = requireTable(unique.table) else { return }
            requireColumns(unique.columns, in: table, field: "columns")
            requireFreeName(unique.name, field: "name")
        case let .addCheck(check):
            guard let table = requireTable(check.table) else { return }
            requireFreeName(check.name, field: "name")
            requireQuotedColumns(check.expression, in: table, field: "expression", what: "check '\(check.name)'")
        case let .validateConstraint(tableName, name):
            guard let table = requireTable(tableName) else { return }
            if !table.checks.contains(where: { $0.name == name }) && !table.foreignKeys.contains(where: { $0.name == name }) {
                error("table '\(tableName)' has no foreign key or check constraint named '\(name)'\(suggestion(name, table.constraintNames))", field: "name")
            }
        case let .dropConstraint(tableName, name):
            guard let table = requireTable(tableName) else { return }
            if table.primaryKey?.name == name {
                error("'\(name)' is the primary key of '\(tableName)'", field: "name", fix: "use drop_primary_key: {table: \(tableName)}")
            } else if !table.constraintNames.contains(name) {
                let indexHint = state.index(name) != nil ? "'\(name)' is an index: use drop_index" : nil
                error("table '\(tableName)' has no constraint named '\(name)'\(suggestion(name, table.constraintNames))", field: "name",
                      fix: indexHint ?? "constraints of \(tableName): \(table.constraintNames.joined(separator: ", "))")
            }
            if let unique = table.uniques.first(where: { $0.name == name }) {
                for fk in state.incomingForeignKeys(to: tableName) where Set(fk.referencedColumns) == Set(unique.columns) {
                    error("unique constraint '\(name)' backs foreign key '\(fk.name)' of table '\(fk.table)'", field: "name",
                          fix: "drop that foreign key first")
                }
            }
        case .sql:
            break
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change):
            checkObject(change)
        // spec 1.1: enum types (checked by checkEnumTypes above)
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue:
            break
        case let .backfill(backfill):
            guard let table = requireTable(backfill.table) else { return }
            requireColumns(backfill.assignments.map(\.column), in: table, field: "set")
            if backfill.batchSize > 0 {
                if let key = backfill.key {
                    requireColumns([key], in: table, field: "key")
                    if let column = table.column(key), !column.type.isInteger {
                        error("backfill key '\(key)' must be an integer column to cut batches along", field: "key")
                    }
                } else if let pk = table.primaryKey?.columns, pk.count == 1, table.column(pk[0])?.type.isInteger == true {
                    // The integer primary key is the default key.
                } else {
                    error("backfill of '\(backfill.table)' needs an integer key column to cut batches along", field: "table",
                          fix: "set `key: <integer column>`, or `batch_size: 0` for one UPDATE statement")
                }
            }
        // spec 1.1: data steps
        case .insert, .delete, .update:
            checkDataStep(operation)
        // spec 1.1: primary keys
        case .addPrimaryKey, .dropPrimaryKey:
            checkPrimaryKeyStep(operation)
        // spec 1.1: renames
        case .renameIndex:
            checkRename(operation)
        // spec 1.1: comments
        case .commentTable:
            checkComment(operation)
        // spec 1.1: constraint renames
        case .renameConstraint:
            checkConstraintRename(operation)
        // spec 1.1: altering in place
        case .alterTable, .alterConstraint:
            checkAlterInPlace(operation)
        // spec 1.1: unique constraints from a unique index
        case let .addUniqueUsingIndex(unique, index):
            checkUniqueUsingIndex(unique, index: index)
        }
    }

    /// Whether a foreign-key column may have type `a` when the column it references has `b`:
    /// the same type; strings of any length (PostgreSQL and InnoDB compare varchars of any length).
    static func keyTypesMatch(_ a: ColumnType, _ b: ColumnType) -> Bool {
        // spec 1.1: column types. char(n) and varchar(max) compare with any varchar too.
        if a.isCharacterString, b.isCharacterString { return true }
        return a == b
    }

    /// `alter_column` changing the type of a column that a foreign key ties to another one (its
    /// own key, or a key that references it): the database refuses the change while the key
    /// exists (MySQL for any type change, PostgreSQL when the key's types then differ).
    private mutating func checkKeyTypes(afterChanging column: String, to type: ColumnType, in table: Table) {
        let own = table.foreignKeys.filter { $0.columns.contains(column) }
        let incoming = state.incomingForeignKeys(to: table.name, column: column)
            + table.foreignKeys.filter { $0.referencedTable == table.name && $0.referencedColumns.contains(column) && !own.contains($0) }
        for fk in own + incoming {
            for (child, parent) in zip(fk.columns, fk.referencedColumns) {
                let isChild = fk.table == table.name && child == column
                let isParent = fk.referencedTable == table.name && parent == column
                guard isChild != isParent else { continue }
                let (otherTable, otherColumn) = isChild ? (fk.referencedTable, parent) : (fk.table, child)
                guard let other = (otherTable == table.name ? table : state.table(otherTable))?.column(otherColumn),
                      !Self.keyTypesMatch(type, other.type) || !Self.keyTypesMatch(type, table.column(column)?.type ?? type) else { continue }
                error("column '\(table.name).\(column)' is in foreign key '\(fk.name)' of table '\(fk.table)' with '\(otherTable).\(otherColumn)' (\(other.type)); "
                      + "changing its type to \(type) while the key exists is refused by PostgreSQL and MySQL", field: "type",
                      fix: "drop the key first (drop_constraint: {table: \(fk.table), name: \(fk.name)}), alter both columns to \(type), "
                          + "then add the key again with add_foreign_key")
            }
        }
    }

    /// An enum column is text with a CHECK named `<table>_<column>_check` where the dialect (or
    /// the framework, as Django on MySQL) has no enum type: that derived name must fit the limit
    /// of every dialect (`maximumNameBytes`), as every derived name does, or PostgreSQL cuts it
    /// silently and MySQL refuses it.
    private mutating func checkEnumCheckName(table: String, column: Column, field: String) {
        // A named enum type's column is such a CHECK too where the dialect inlines the type.
        switch column.type {
        case .enumeration, .enumType: break
        default: return
        }
        let name = "\(QualifiedName.unqualified(table))_\(column.name)_check" // spec 1.1: schemas
        let bytes = name.utf8.count
        guard bytes > maximumNameBytes else { return }
        error("the CHECK of enum column '\(table).\(column.name)' would be named '\(name)', \(bytes) bytes long; \(identifierLimitsText(note: " (and cuts the rest silently)"))",
              field: field,
              fix: "an enum's CHECK is named <table>_<column>_check: use a shorter table or column name (together at most \(maximumNameBytes - 7) bytes)")
    }

    private mutating func checkForeignKey(_ fk: ForeignKey, in table: Table, field: String) {
        requireColumns(fk.columns, in: table, field: field)
        // A self-reference points at the table being defined.
        let target = fk.referencedTable == table.name ? table : state.table(fk.referencedTable)
        guard let target else {
            error("foreign key '\(fk.name)' references unknown table '\(fk.referencedTable)'\(suggestion(fk.referencedTable, state.tableNames))",
                  field: field, fix: "create '\(fk.referencedTable)' in an earlier migration")
            return
        }
        let before = diagnostics.count
        for column in fk.referencedColumns where target.column(column) == nil {
            error("foreign key '\(fk.name)' references unknown column '\(fk.referencedTable).\(column)'\(suggestion(column, target.columns.map(\.name)))",
                  field: field)
        }
        guard diagnostics.count == before else { return }
        let referenced = Set(fk.referencedColumns)
        let isKey = target.primaryKey.map { Set($0.columns) == referenced } == true
            || target.uniques.contains { Set($0.columns) == referenced }
            || state.indexes(on: target.name).contains { $0.unique && $0.predicate == nil && Set($0.columnNames) == referenced && $0.parts.count == referenced.count }
        if !isKey {
            error("foreign key '\(fk.name)' references \(fk.referencedTable)(\(fk.referencedColumns.joined(separator: ", "))), which is neither its primary key nor unique",
                  field: field, fix: "reference the primary key, or add a unique constraint on those columns first")
        }
        if fk.columns.count != fk.referencedColumns.count {
            error("foreign key '\(fk.name)' has \(fk.columns.count) column(s) but references \(fk.referencedColumns.count)", field: field)
        } else {
            for (column, referenced) in zip(fk.columns, fk.referencedColumns) {
                guard let type = table.column(column)?.type, let referencedType = target.column(referenced)?.type,
                      !Self.keyTypesMatch(type, referencedType) else { continue }
                error("foreign key '\(fk.name)' ties '\(table.name).\(column)' (\(type)) to '\(target.name).\(referenced)' (\(referencedType)); "
                      + "PostgreSQL and MySQL refuse a key whose columns differ in type", field: field,
                      fix: "give '\(column)' the type \(referencedType)")
            }
        }
        if fk.onDelete == .setNull || fk.onUpdate == .setNull {
            for column in fk.columns where table.column(column)?.nullable == false {
                error("foreign key '\(fk.name)' uses SET NULL but column '\(column)' is NOT NULL", field: field)
            }
        }
    }
}
