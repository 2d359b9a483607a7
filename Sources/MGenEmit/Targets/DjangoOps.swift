import Foundation
import MGenSpec
import MGenSQL

/// One spec step as a Django renderer sees it: the operation with the states around it.
struct DjangoStep {
    let step: Step
    let after: SchemaState
    let position: Int
    var before: SchemaState { step.before }
    var operation: MGenSpec.Operation { step.operation }
}

/// The operations of one step: the operation kind → a small renderer, in one place (as
/// AlembicOps.swift is), each renderer below it with the shared helpers.
extension DjangoWriter {
    mutating func operations(_ step: Step, after: SchemaState, position: Int) throws(Failure) -> [PyNode] {
        // spec 1.1: enum types. Django has no field of a database enum type: the database gets
        // mgen's SQL, Django's state the same step with a TextField (state_operations).
        // spec 1.1: column types. A DateTimeField/TimeField has no precision (and is timestamptz
        // on PostgreSQL): the same route for a time column with a written precision.
        // spec 1.1: deferrable constraints: Django's ForeignKey cannot say so, nor AddField's unique.
        // (On SQLite such a key is mgen's, kept by its rebuilds: onTableWithForeignKeyDjangoCannotHold.)
        // A drop of such a column or table too: Django's reverse would add it back from its
        // state, as text (seed 10, fixture django-postgresql-drop-enum-type-column).
        if step.operation.touchesEnumTypeColumn(in: step.before) || Self.dropsEnumTypeColumn(step.operation, in: step.before)
            || (can.fractionalSecondsTypes && step.operation.touchesPreciseTimeColumn(in: step.before))
            // spec 1.1: column types. Django has no fixed-length field: char(n) the same way,
            // with a CharField(max_length=n) in the state.
            || step.operation.touchesColumn(in: step.before, where: \.isFixedChar)
            // Django's Positive*Field is `integer UNSIGNED` and a CHECK (col >= 0) on MySQL;
            // mgen's SQL declares the type alone.
            || step.operation.touchesColumn(in: step.before, where: \.isUnsigned)
            // An ArrayField's base field declares the element as Django would (timestamptz for a
            // timestamp): the array column is mgen's SQL, the state an ArrayField.
            || step.operation.touchesColumn(in: step.before, where: \.isArray)
            // On SQLite Django rebuilds a table from its state (a varchar(n) for the CharField):
            // every step on a table that holds a char(n) column is mgen's SQL there.
            || (traits.remakesTablesToAlter && step.operation.table.map { name in
                [step.before, after].contains { $0.table(name)?.columns.contains { $0.type.isFixedChar } == true }
            } == true)
            || step.operation.touchesDeferrableConstraint(in: step.before)
            // spec 1.1: MySQL table options (CreateModel has none): mgen's CREATE TABLE
            || step.operation.touchesMySQLTableOptions(in: step.before, on: dialect)
            // spec 1.1: schemas. Django has no schema option: the database gets mgen's qualified
            // SQL, Django's state the same step with db_table '"billing"."invoices"'.
            || (step.operation.touchesSchema(in: step.before) && !Self.isObjectStep(step.operation))
            // spec 1.1: generated columns: mgen's SQL, the state a plain field (on SQLite every step
            // on such a table: Django rebuilds it from its fields). GeneratedField takes a Django
            // expression, not SQL. Collations are the fields' db_collation, but on a type Django
            // declares otherwise.
            || step.operation.touchesGeneratedOrCollatedColumn(in: step.before, collations: false)
            || (traits.remakesTablesToAlter && step.operation.onTableWithGeneratedOrCollatedColumn(step.before, after, collations: false))
            || Self.collatesANonStringColumn(step.operation, in: step.before, after: after)
            || onTableWithForeignKeyDjangoCannotHold(step.operation, step.before, after)
            // A collation change: AlterField would restate the column with Django's own type
            // (MySQL's longtext for a text column: fixture generated-collations-mysql); an inline
            // enum is Django's CharField, whose AlterField it takes (fixture django-mysql-enum-collation).
            || Self.changesCollationOfAPlainColumn(step.operation, in: step.before)
            // MySQL: Django's CREATE TABLE / ADD COLUMN take a comment's `%` as it is, its MODIFY
            // only doubled (the driver formats it), and a reverse restates the field from the
            // state another operation left: a column whose comment holds `%` is made and dropped
            // by mgen's SQL, its field always `%%` (see comment; seed 31: AlterField's reverse
            // restated AddField's `100%`).
            || (can.inlineComments && Self.touchesPercentComment(step.operation, in: step.before)) {
            return [try stepSQL(DjangoStep(step: step, after: after, position: position),
                                state: try djangoOperations(step, after: after, position: position))]
        }
        return try djangoOperations(step, after: after, position: position)
    }

    /// spec 1.1: schemas. The state side of rename_schema: each model of the schema renamed (its
    /// name comes from the qualified table) and its db_table set to `"<to>"."<table>"`, as
    /// renameTable does for one; relations to it follow in Django's state.
    mutating func schemaRename(_ name: String, to: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        var out: [PyNode] = []
        for table in s.before.tables(inSchema: name) {
            let moved = QualifiedName(schema: to, name: QualifiedName.unqualified(table)).key
            try distinctModel(moved, in: s.after)
            out.append(call("RenameModel", [Self.kw("old_name", Py.string(Self.modelName(table))), Self.kw("new_name", Py.string(Self.modelName(moved)))]))
            out.append(call("AlterModelTable", [Self.kw("name", Py.string(Self.modelKey(moved))), Self.kw("table", Py.string(Self.dbTable(moved)))]))
        }
        return out
    }

    /// spec 1.1: schemas. create_schema and drop_schema are RunSQL already, with nothing for Django's state.
    static func isObjectStep(_ operation: MGenSpec.Operation) -> Bool {
        if case .object = operation { true } else { false }
    }

    // spec 1.1: collations. db_collation goes on CharField and TextField only (an inline enum is
    // Django's CharField with choices: seed 8, fixture django-mysql-enum-collation).
    static func collatesANonStringColumn(_ operation: MGenSpec.Operation, in before: SchemaState, after: SchemaState) -> Bool {
        guard operation.touchesGeneratedOrCollatedColumn(in: before), let name = operation.table else { return false }
        return [before, after].contains { state in
            state.table(name)?.columns.contains { $0.collation != nil && !$0.type.isDjangoCollatable } == true
        }
    }

    /// SQLite: a foreign key Django's fields cannot hold (several columns, or deferrable) lives only in the
    /// table's DDL, and Django remakes a table from its fields for most steps: every step on a
    /// table that has one, before or after, is mgen's SQL (its rebuild keeps the key), Django's
    /// state the same step, as for generated columns (refused before: generated seeds 12, 24).
    func onTableWithForeignKeyDjangoCannotHold(_ operation: MGenSpec.Operation, _ before: SchemaState, _ after: SchemaState) -> Bool {
        guard traits.remakesTablesToAlter, let name = operation.table else { return false }
        var names = [name]
        if case let .renameTable(_, to) = operation { names.append(to) }
        return [before, after].contains { state in
            names.contains { state.table($0)?.foreignKeys.contains { !djangoOwns($0) } == true }
        }
    }

    static func changesCollationOfAPlainColumn(_ operation: MGenSpec.Operation, in before: SchemaState) -> Bool {
        guard case let .alterColumn(change) = operation, change.collation != nil,
              let column = before.table(change.table)?.column(change.column) else { return false }
        if case .enumeration = change.type ?? column.type { return false }
        return true
    }

    static func touchesPercentComment(_ operation: MGenSpec.Operation, in before: SchemaState) -> Bool {
        func percent(_ column: Column?) -> Bool { column?.comment?.contains("%") == true }
        switch operation {
        case let .createTable(table): return table.columns.contains(where: percent)
        case let .addColumn(_, column, _, _): return percent(column)
        case let .dropColumn(table, column): return percent(before.table(table)?.column(column))
        case let .dropTable(name): return before.table(name)?.columns.contains(where: percent) == true
        default: return false
        }
    }

    static func dropsEnumTypeColumn(_ operation: MGenSpec.Operation, in before: SchemaState) -> Bool {
        switch operation {
        case let .dropColumn(table, column): before.table(table)?.column(column)?.type.enumTypeName != nil
        case let .dropTable(table): before.table(table)?.columns.contains { $0.type.enumTypeName != nil } ?? false
        default: false
        }
    }

    private mutating func djangoOperations(_ step: Step, after: SchemaState, position: Int) throws(Failure) -> [PyNode] {
        let s = DjangoStep(step: step, after: after, position: position)
        switch step.operation {
        case let .createTable(table): return try createModel(table, after: after, position: position)
        case let .dropTable(name): return try dropTable(name, s)
        case let .renameTable(from, to): return try renameTable(from, to, s)
        case let .addColumn(table, column, unique, fk): return try addColumn(table, column, unique: unique, foreignKey: fk, s)
        case let .dropColumn(table, column): return try dropColumn(table, column, s)
        case let .renameColumn(table, from, to): return try renameColumn(table, from, to, s)
        case let .alterColumn(change): return try alterColumn(change, s)
        case let .createIndex(index, concurrently): return try createIndex(index, concurrently: concurrently, s)
        case let .dropIndex(name, _, concurrently): return try dropIndex(name, concurrently: concurrently, s)
        case let .addForeignKey(fk): return try addForeignKey(fk, s)
        case let .addUnique(unique): return try addUnique(unique, s)
        case let .addCheck(check): return try addCheck(check, s)
        case let .validateConstraint(table, name): return try validateConstraint(table, name, s)
        case let .dropConstraint(table, name): return try dropConstraint(table, name, s)
        case .sql: return [try stepSQL(s)]
        // spec 1.1: views, functions, triggers, extensions, sequences (RunSQL with reverse_sql)
        // spec 1.1: schemas. rename_schema moves every model of the schema in Django's state too.
        case let .object(.renameSchema(name, to)): return [try stepSQL(s, state: try schemaRename(name, to: to, s))]
        case .object: return [try stepSQL(s)]
        case let .backfill(backfill): return [try runPython(backfill, s)]
        // spec 1.1: enum types. Django's state has no types: RunSQL both ways, nothing for the state.
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue: return [try stepSQL(s)]
        // spec 1.1: data steps (RunSQL with the inverse's SQL as reverse_sql)
        case .insert, .delete, .update: return [try stepSQL(s)]
        // spec 1.1: primary keys (RunSQL: Django's state keeps its own idea of the key)
        // and an add that replaces a key dropped in this migration moves Django's primary key too
        // (DjangoPrimaryKeys.swift)
        case .addPrimaryKey: return [try stepSQL(s, state: try primaryKeySwitch(s))]
        case .dropPrimaryKey: return [try stepSQL(s)]
        // spec 1.1: renames (RunSQL, with RenameIndex in Django's state when Django made the index)
        case .renameIndex: return try renameIndex(s)
        // spec 1.1: constraint renames (RunSQL; Django's state renamed by RemoveConstraint + AddConstraint)
        case .renameConstraint: return try renameConstraint(s)
        // spec 1.1: altering in place (RunSQL; a unique's deferrability in Django's state too)
        case .alterTable, .alterConstraint: return try alterInPlace(s)
        // spec 1.1: unique constraints from a unique index (RunSQL; in Django's state the index,
        // a UniqueConstraint when Django could spell it, becomes the constraint)
        case let .addUniqueUsingIndex(unique, index): return try addUniqueUsingIndex(unique, index: index, s)
        // spec 1.1: comments — Django's own AlterModelTableComment (its state's db_table_comment
        // follows; Django writes nothing on SQLite, which keeps no comments). Django formats the
        // statement with parameters, so a '%' is doubled.
        case let .commentTable(table, comment):
            return [call("AlterModelTableComment", [Self.kw("name", Py.string(Self.modelKey(table))),
                                                    Self.kw("table_comment", comment.map { self.comment($0, formatted: true) } ?? "None")])]
        }
    }

    // MARK: - Shared helpers

    func model(_ table: String) -> (String, PyNode) { Self.kw("model_name", Py.string(Self.modelKey(table))) }

    func call(_ name: String, _ arguments: [(String, PyNode)]) -> PyNode { .call("migrations.\(name)", arguments) }

    /// `RunSQL` with the step's own SQL and the SQL of its inverse.
    func stepSQL(_ s: DjangoStep, state: [PyNode] = []) throws(Failure) -> PyNode {
        // A table or column made or dropped by mgen's SQL: the keys Django owns under Django's
        // names both ways (see djangoKeyed; seed 31: the reverse of a RunSQL add_column dropped
        // the key by mgen's name).
        var (operation, before, after) = (s.operation, s.before, s.after)
        if ["create_table", "add_column", "drop_column", "drop_table"].contains(operation.kind) {
            (before, after) = (djangoKeyed(before), djangoKeyed(after))
            operation = djangoKeyed(operation) ?? operation
        }
        var up = try specSQL(operation, before: before, after: after, position: s.position)
        // MySQL: Django's state holds an enum column as a CharField and its CHECK (see enumCheck);
        // the table mgen's SQL made gets that CHECK too, so Django's later Remove/AddConstraint of
        // it (a rename_table) find it (seed 34: the reverse added one the table never had).
        if case let .createTable(table) = operation, can.enumStrategy == .columnType, let made = after.table(table.name) {
            let sql = renderer.dialect
            var checked = after
            for column in made.columns {
                guard case let .enumeration(values) = column.type else { continue }
                let check = CheckConstraint(name: "\(QualifiedName.unqualified(table.name))_\(column.name)_check", table: table.name,
                                            expression: "\(sql.quote(column.name)) IN (\(values.map(sql.stringLiteral).joined(separator: ", ")))")
                let next = try applied(.addCheck(check), to: checked)
                up += try specSQL(.addCheck(check), before: checked, after: next, position: s.position)
                checked = next
            }
        }
        return runSQL(up, try reverseSQL(operation, before: before, after: after, position: s.position), state: state)
    }

    /// Whether the database holds Django's own constraint for a foreign key (what makemigrations
    /// writes: a `ForeignKey` and no SQL): every single-column key whose name is mgen's default
    /// `<table>_<columns>_fkey`, and on SQLite every single-column key, since Django's table rebuilds
    /// keep only what its state holds. A key the spec names otherwise keeps that name and its
    /// `ON DELETE` through `RunSQL`, the field saying `db_constraint=False`.
    func djangoOwns(_ fk: ForeignKey) -> Bool {
        // spec 1.1: a deferrable key is mgen's (Django's own are always INITIALLY DEFERRED, under its name)
        fk.columns.count == 1 && fk.deferrable == nil && (traits.remakesTablesToAlter || fk.name.hasSuffix("_fkey"))
            // spec 1.1: schemas. A key from or into another schema is made by mgen's SQL (RunSQL).
            && !QualifiedName.isQualified(fk.table) && !QualifiedName.isQualified(fk.referencedTable)
    }

    /// Remove + add of an enum column's CHECK (Django has no enum column; see enumCheck).
    mutating func enumCheckOps(_ column: Column, table: String, remove: Bool) -> [PyNode] {
        guard case .enumeration = column.type else { return [] }
        if remove { return [call("RemoveConstraint", [model(table), Self.kw("name", Py.string("\(QualifiedName.unqualified(table))_\(column.name)_check"))])] }
        guard let check = enumCheck(column, table: table) else { return [] }
        return [call("AddConstraint", [model(table), Self.kw("constraint", check)])]
    }

    /// The field becomes a relation (or stops being one) in the state: the field's name changes
    /// (`user_id` ↔ `user`), which AlterField cannot do, so the state removes and adds it while
    /// the database gets `db`.
    mutating func relationSwap(_ table: String, column: Column, old: Table, new: Table, db: PyNode) throws(Failure) -> PyNode {
        let state: [PyNode] = [
            call("RemoveField", [model(table), Self.kw("name", Py.string(Self.fieldName(column.name, in: old)))]),
            call("AddField", [model(table), Self.kw("name", Py.string(Self.fieldName(column.name, in: new))),
                              Self.kw("field", try field(column, in: new))]),
        ]
        return call("SeparateDatabaseAndState", [("database_operations", .list([db])), ("state_operations", .list(state))])
    }

    // MARK: - Renderers

    mutating func dropTable(_ name: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(name, s.before)
        var out: [PyNode] = []
        // The constraints Django does not know about go first, so that unapplying recreates them
        // after the table (Django recreates the table itself, with its own keys, from its state).
        let foreign = table.foreignKeys.filter { !djangoOwns($0) }
        if !foreign.isEmpty {
            var state = s.before
            var up: [String] = [], down: [String] = []
            for fk in foreign {
                let op = MGenSpec.Operation.dropConstraint(table: name, name: fk.name)
                let next = try applied(op, to: state)
                up += try specSQL(op, before: state, after: next, position: s.position)
                down = try specSQL(.addForeignKey(fk), before: next, after: state, position: s.position, direction: .down) + down
                state = next
            }
            out.append(runSQL(up, down))
        }
        // Unapplied, DeleteModel re-creates the table from Django's state, its primary key under
        // the default name: the RunSQL before it renames the key back afterwards (seed 1, fixture
        // framework-drop-table-renamed-primary-key).
        let keyName = renderer.dialect.primaryKeyNameAfterFrameworkCreate(table)
        if !keyName.up.isEmpty { out.append(runSQL([], keyName.up.map(\.sql))) }
        // Unapplied, DeleteModel's CREATE TABLE leaves the table's indexes in the schema editor's
        // deferred_sql until the migration ends: an earlier step of this migration on the table,
        // unapplied next, would not find them (a renamed index: generated seed 33). A RunPython
        // runs them right after the table comes back (up: nothing to do).
        if migration.up.prefix(max(0, s.position - 1)).contains(where: { $0.operation.table == name }) {
            out.append(.inline("migrations.RunPython(migrations.RunPython.noop, \(deferredSQLFlush()))"))
        }
        // Unapplied, DeleteModel's CREATE TABLE would hold a unique that repeats the key's columns,
        // which PostgreSQL drops without a word: it goes first, so its reverse adds it back after.
        for unique in table.uniquesOfCreateTable(on: dialect).after {
            out.append(call("RemoveConstraint", [model(name), Self.kw("name", Py.string(unique.name))]))
        }
        out.append(call("DeleteModel", [Self.kw("name", Py.string(Self.modelName(name)))]))
        return out
    }

    /// The module-level helper that runs (and clears) what the schema editor deferred.
    mutating func deferredSQLFlush() -> String {
        let name = "mgen_run_deferred_sql"
        guard !functions.contains(where: { $0.hasPrefix("def \(name)(") }) else { return name }
        functions.append([
            "def \(name)(apps, schema_editor):",
            "    # Django adds a re-created table's indexes when the migration ends; the steps unapplied next need them now.",
            "    for statement in schema_editor.deferred_sql:",
            "        schema_editor.execute(statement)",
            "    schema_editor.deferred_sql.clear()",
        ].joined(separator: "\n"))
        return name
    }

    mutating func renameTable(_ from: String, _ to: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(from, s.before)
        try distinctModel(to, in: s.after)
        var out: [PyNode] = []
        for column in table.columns { out += enumCheckOps(column, table: from, remove: true) }
        out.append(call("RenameModel", [Self.kw("old_name", Py.string(Self.modelName(from))), Self.kw("new_name", Py.string(Self.modelName(to)))]))
        out.append(call("AlterModelTable", [Self.kw("name", Py.string(Self.modelKey(to))), Self.kw("table", Py.string(Self.dbTable(to)))]))
        for column in table.columns { out += enumCheckOps(column, table: to, remove: false) }
        return out + keyNameSync(s)
    }

    mutating func addColumn(_ tableName: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                            _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(tableName, s.after)
        var out: [PyNode] = [call("AddField", [model(tableName), Self.kw("name", Py.string(Self.fieldName(column.name, in: table))),
                                               Self.kw("field", try field(column, in: table))])]
        out += enumCheckOps(column, table: tableName, remove: false)
        if let unique { out.append(call("AddConstraint", [model(tableName), Self.kw("constraint", self.unique(unique, table: table))])) }
        if let foreignKey, !djangoOwns(foreignKey) {
            let withColumn = try applied(.addColumn(table: tableName, column: column, unique: unique, foreignKey: nil), to: s.before)
            out.append(try foreignKeySQL(foreignKey, before: withColumn, after: s.after, position: s.position))
        }
        return out
    }

    mutating func dropColumn(_ tableName: String, _ columnName: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(tableName, s.before)
        guard let column = table.column(columnName) else { throw Failure(message: "unknown column '\(tableName).\(columnName)'", fix: nil) }
        return enumCheckOps(column, table: tableName, remove: true)
            + [call("RemoveField", [model(tableName), Self.kw("name", Py.string(Self.fieldName(columnName, in: table)))])]
    }

    mutating func renameColumn(_ tableName: String, _ from: String, _ to: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let old = try self.table(tableName, s.before), new = try self.table(tableName, s.after)
        guard let column = old.column(from), let renamed = new.column(to) else { throw Failure(message: "unknown column '\(tableName).\(from)'", fix: nil) }
        var out = enumCheckOps(column, table: tableName, remove: true)
        out.append(call("RenameField", [model(tableName), Self.kw("old_name", Py.string(Self.fieldName(from, in: old))),
                                        Self.kw("new_name", Py.string(Self.fieldName(to, in: new)))]))
        // Before any table rebuild below, the state's indexes and constraints name the new field.
        out += try restated(tableName, old: old, new: new, s)
        // A relation field names its column explicitly: the column moves with an AlterField.
        if Self.relation(to, in: new) != nil {
            out.append(call("AlterField", [model(tableName), Self.kw("name", Py.string(Self.fieldName(to, in: new))),
                                           Self.kw("field", try field(renamed, in: new))]))
        }
        out += enumCheckOps(renamed, table: tableName, remove: false)
        return out + keyNameSync(s)
    }

    /// Django's RenameField leaves the old field name in the model state's indexes and constraints
    /// (it fixes only relations and `*_together`), so a later table rebuild or `migrate APP zero`
    /// would name a field that is gone. The database already follows the column (every database
    /// renames it inside its indexes and constraints), so the state alone is brought up to date:
    /// each index or constraint whose Django spelling changed is removed and added again, state only.
    mutating func restated(_ tableName: String, old: Table, new: Table, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        var state: [PyNode] = []
        // Compared on a copy, so that only what is written adds imports.
        var probe = self
        for index in s.after.indexes(on: tableName) {
            guard let before = s.before.index(index.name), let was = probe.stateIndex(before, table: old),
                  let now = probe.stateIndex(index, table: new), was.add.render(indent: 0) != now.add.render(indent: 0),
                  let written = stateIndex(index, table: new) else { continue }
            state += [was.remove, written.add]
        }
        for unique in new.uniques {
            guard let before = old.uniques.first(where: { $0.name == unique.name }) else { continue }
            if probe.unique(before, table: old) != probe.unique(unique, table: new) {
                state += constraintSwap(tableName, name: unique.name, self.unique(unique, table: new))
            }
        }
        for check in new.checks {
            guard let before = old.checks.first(where: { $0.name == check.name }) else { continue }
            if probe.check(before, table: old) != probe.check(check, table: new) {
                state += constraintSwap(tableName, name: check.name, self.check(check, table: new))
            }
        }
        guard !state.isEmpty else { return [] }
        return [call("SeparateDatabaseAndState", [("state_operations", .list(state))])]
    }

    func constraintSwap(_ table: String, name: String, _ constraint: String) -> [PyNode] {
        [call("RemoveConstraint", [model(table), Self.kw("name", Py.string(name))]),
         call("AddConstraint", [model(table), Self.kw("constraint", constraint)])]
    }

    /// How an index lives in Django's state (nil when it does not: RunSQL only): its removal and
    /// its addition.
    mutating func stateIndex(_ index: Index, table: Table) -> (remove: PyNode, add: PyNode)? {
        var probe = self
        guard probe.djangoIndex(index, table: table) != nil else { return nil }
        if index.unique {
            let constraint = uniqueIndexConstraint(index, table: table)
            return (call("RemoveConstraint", [model(index.table), Self.kw("name", Py.string(index.name))]),
                    call("AddConstraint", [model(index.table), Self.kw("constraint", constraint)]))
        }
        guard let django = djangoIndex(index, table: table) else { return nil }
        return (call("RemoveIndex", [model(index.table), Self.kw("name", Py.string(index.name))]),
                call("AddIndex", [model(index.table), Self.kw("index", django)]))
    }

    /// Django's Index cannot be unique: a unique index is a UniqueConstraint of the same name in the
    /// state (what the ORM validates against), while the database gets the spec's unique index.
    /// On SQLite it names the columns as expressions (F): Django's table rebuild writes a plain
    /// UniqueConstraint into the new table's CREATE TABLE, where the named index becomes an
    /// unnamed autoindex that DROP INDEX no longer finds; an expression constraint it recreates as
    /// the named CREATE UNIQUE INDEX it was.
    mutating func uniqueIndexConstraint(_ index: Index, table: Table) -> String {
        let fields = index.columnNames.map { Py.string(Self.fieldName($0, in: table)) }
        let keys = traits.remakesTablesToAlter ? fields.map { "\(models("F"))(\($0))" }.joined(separator: ", ") + ", " : "fields=\(Py.tuple(fields)), "
        return models("UniqueConstraint(\(keys)name=\(Py.string(index.name))\(index.predicate.map { ", condition=\(condition($0, table: table))" } ?? ""))")
    }

    mutating func alterColumn(_ change: AlterColumn, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let old = try self.table(change.table, s.before), new = try self.table(change.table, s.after)
        guard let oldColumn = old.column(change.column), let newColumn = new.column(change.column) else {
            throw Failure(message: "unknown column '\(change.table).\(change.column)'", fix: nil)
        }
        try renderer.dialect.checkTypeChange(change)
        let typeChanged = oldColumn.type != newColumn.type
        let removes = typeChanged ? enumCheckOps(oldColumn, table: change.table, remove: true) : []
        let adds = typeChanged ? enumCheckOps(newColumn, table: change.table, remove: false) : []
        let name = Self.kw("name", Py.string(Self.fieldName(change.column, in: new)))
        var alters = [call("AlterField", [model(change.table), name, Self.kw("field", try field(newColumn, in: new))])]
        if traits.dropsAutoFieldCommentOnClassChange, typeChanged, oldColumn.identity, oldColumn.comment != newColumn.comment {
            // Django's PostgreSQL editor drops the COMMENT ON of an AutoField whose class changes
            // (BigAutoField -> AutoField): the type first, under the old comment, then the comment
            // alone, which it does write (and reverses in the opposite order).
            var retyped = newColumn
            retyped.comment = oldColumn.comment
            var between = new
            if let i = between.columnIndex(change.column) { between.columns[i] = retyped }
            alters.insert(call("AlterField", [model(change.table), name, Self.kw("field", try field(retyped, in: between))]), at: 0)
        }
        if change.using != nil, dialect.capabilities.alterTypeUsing {
            // Django cannot say USING: the spec's SQL runs, and the state follows.
            return [try stepSQL(s, state: removes + alters + adds)]
        }
        // PostgreSQL, a table that may hold rows (issue 13): mgen's NOT NULL through a validated
        // CHECK instead of AlterField's SET NOT NULL, which scans under ACCESS EXCLUSIVE; the
        // migration is then non-atomic (RenderedMigration.isSplit), so the VALIDATE commits alone.
        if can.notValidConstraints, change.nullable == false, oldColumn.nullable, !typeChanged,
           !createdInMigration(change.table),
           !old.provesNotNull(change.column) {
            return [try stepSQL(s, state: alters)]
        }
        if can.modifyRestatesColumn, oldColumn.nullable != newColumn.nullable,
           [oldColumn, newColumn].contains(where: { $0.comment != nil || $0.collation != nil }) {
            return removes + (try commentKeptAcrossNullChange(oldColumn, newColumn, old: old, new: new, change)) + adds
        }
        return removes + alters + adds
    }

    /// Django on MySQL changes nullability with `MODIFY col <type> NULL|NOT NULL`, without the
    /// column's COMMENT or COLLATE, which MySQL then drops (seed 14, fixture
    /// django-mysql-null-change-loses-comment; seed 15, django-mysql-null-change-loses-collation).
    /// So the change runs between AlterFields of the comment and collation alone, each of which
    /// Django writes as a `MODIFY … COLLATE … COMMENT` with its own column type: they go first, the
    /// change runs without them, and they come back after; unapplied, the same in the other order.
    mutating func commentKeptAcrossNullChange(_ oldColumn: Column, _ newColumn: Column, old: Table, new: Table,
                                              _ change: AlterColumn) throws(Failure) -> [PyNode] {
        let name = Self.kw("name", Py.string(Self.fieldName(change.column, in: new)))
        func alter(_ column: Column, bare: Bool, in table: Table) throws(Failure) -> PyNode {
            var column = column
            if bare { (column.comment, column.collation) = (nil, nil) }
            return call("AlterField", [model(change.table), name, Self.kw("field", try field(column, in: table))])
        }
        func restated(_ column: Column) -> Bool { column.comment != nil || column.collation != nil }
        var out: [PyNode] = []
        if restated(oldColumn) { out.append(try alter(oldColumn, bare: true, in: old)) }
        out.append(try alter(newColumn, bare: true, in: new))
        if restated(newColumn) { out.append(try alter(newColumn, bare: false, in: new)) }
        return out
    }

    mutating func createIndex(_ index: Index, concurrently: Bool, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(index.table, s.before)
        var probe = self  // a unique index is written as a UniqueConstraint: no index class to import
        guard probe.djangoIndex(index, table: table) != nil else {
            // Expressions, a method or predicate Django cannot spell here: the spec's SQL, unseen by Django's state.
            return [try stepSQL(s)]
        }
        if index.unique {
            let constraint = uniqueIndexConstraint(index, table: table)
            return [try stepSQL(s, state: [call("AddConstraint", [model(index.table), Self.kw("constraint", constraint)])])]
        }
        guard let django = djangoIndex(index, table: table) else { return [try stepSQL(s)] }
        let add = call("AddIndex", [model(index.table), Self.kw("index", django)])
        if dialect.capabilities.implicitForeignKeyIndexes, !table.foreignKeys.isEmpty {
            // MySQL drops the implicit index of a foreign key in favour of this one, and then
            // refuses to drop this one alone; the spec's down gives the key its own index back.
            return [try stepSQL(s, state: [add])]
        }
        if concurrently, dialect.capabilities.concurrentIndexes {
            use("django.contrib.postgres.operations", "AddIndexConcurrently")
            return [.call("AddIndexConcurrently", [model(index.table), Self.kw("index", django)])]
        }
        return [add]
    }

    mutating func dropIndex(_ name: String, concurrently: Bool, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        // `table` is optional in the spec: the index itself says which table it is on.
        guard let index = s.before.index(name) else { throw Failure(message: "unknown index '\(name)'", fix: nil) }
        let tableName = index.table
        let table = try self.table(tableName, s.before)
        var probe = self  // asks whether Django can spell it, without importing what that would use
        guard probe.djangoIndex(index, table: table) != nil else { return [try stepSQL(s)] }
        if index.unique {
            return [try stepSQL(s, state: [call("RemoveConstraint", [model(tableName), Self.kw("name", Py.string(name))])])]
        }
        let remove = call("RemoveIndex", [model(tableName), Self.kw("name", Py.string(name))])
        if dialect.capabilities.implicitForeignKeyIndexes, !table.foreignKeys.isEmpty { return [try stepSQL(s, state: [remove])] }
        if concurrently, dialect.capabilities.concurrentIndexes {
            use("django.contrib.postgres.operations", "RemoveIndexConcurrently")
            return [.call("RemoveIndexConcurrently", [model(tableName), Self.kw("name", Py.string(name))])]
        }
        return [remove]
    }

    mutating func addForeignKey(_ fk: ForeignKey, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let old = try self.table(fk.table, s.before), new = try self.table(fk.table, s.after)
        guard fk.columns.count == 1, let column = new.column(fk.columns[0]) else { return [try stepSQL(s)] }
        // Django's own constraint: it alters the plain field into the relation itself.
        let db = djangoOwns(fk)
            ? call("AlterField", [model(fk.table), Self.kw("name", Py.string(Self.fieldName(column.name, in: old))),
                                  Self.kw("field", try field(column, in: new))])
            : try stepSQL(s)
        return [try relationSwap(fk.table, column: column, old: old, new: new, db: db)]
    }

    mutating func addUnique(_ unique: UniqueConstraint, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(unique.table, s.before)
        let add = call("AddConstraint", [model(unique.table), Self.kw("constraint", self.unique(unique, table: table))])
        // MySQL: Django's ADD CONSTRAINT leaves a key's own index that was added by name (mgen's,
        // after a dropped covering index); InnoDB's implicit one the server drops itself. On the
        // way down, Django's RemoveConstraint gives the key an index of its own (Django's name).
        let context = StepContext(before: s.before, after: s.after, inTransaction: migration.runsInTransaction,
                                  migrationID: migration.id, direction: .up, position: s.position)
        let statements = try render(s.operation, context)
        // PostgreSQL, a table that may hold rows (issue 13): mgen's CREATE UNIQUE INDEX CONCURRENTLY
        // and ADD CONSTRAINT … USING INDEX, the migration non-atomic (RenderedMigration.isSplit);
        // Django's state gets the AddConstraint.
        if statements.contains(where: \.takesOverIndex), !createdInMigration(unique.table) { return [try stepSQL(s, state: [add])] }
        let keys = coveredDjangoKeys(statements, before: s.before, after: s.after)
        guard !keys.isEmpty else { return [add] }
        return [add, runSQL(ownIndexDrops(keys, after: s.after).map(\.sql), [])]
    }

    /// Whether the migration's up creates the table (it has no rows for the safe forms to protect).
    func createdInMigration(_ table: String) -> Bool {
        migration.up.contains { if case let .createTable(t) = $0.operation { t.name == table } else { false } }
    }

    mutating func addUniqueUsingIndex(_ unique: UniqueConstraint, index name: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        guard let index = s.before.index(name) else { throw Failure(message: "unknown index '\(name)'", fix: nil) }
        let table = try self.table(unique.table, s.before)
        var probe = self
        let known = probe.djangoIndex(index, table: table) != nil
        // MySQL and SQLite under the index's own name: the index already is the constraint, in the
        // database and (a UniqueConstraint of that name) in Django's state; nothing to do.
        if known, try specSQL(s.operation, before: s.before, after: s.after, position: s.position).isEmpty { return [] }
        var state: [PyNode] = []
        if known { state.append(call("RemoveConstraint", [model(unique.table), Self.kw("name", Py.string(name))])) }
        // Django remakes SQLite tables from its state: the constraint stays in the index's form
        // there (an expression UniqueConstraint, created as an index), as mgen keeps it.
        var renamed = index
        renamed.name = unique.name
        let constraint = traits.remakesTablesToAlter ? uniqueIndexConstraint(renamed, table: table) : self.unique(unique, table: table)
        state.append(call("AddConstraint", [model(unique.table), Self.kw("constraint", constraint)]))
        return [try stepSQL(s, state: state)]
    }

    mutating func addCheck(_ check: CheckConstraint, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let table = try self.table(check.table, s.before)
        let constraint = self.check(check, table: table)
        if check.notValid, dialect.capabilities.notValidConstraints {
            use("django.contrib.postgres.operations", "AddConstraintNotValid")
            return [.call("AddConstraintNotValid", [model(check.table), Self.kw("constraint", constraint)])]
        }
        return [call("AddConstraint", [model(check.table), Self.kw("constraint", constraint)])]
    }

    mutating func validateConstraint(_ tableName: String, _ name: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        // Only PostgreSQL has NOT VALID constraints; elsewhere there is nothing to validate. A
        // foreign key Django owns was added valid (Django cannot add one NOT VALID).
        guard dialect.capabilities.notValidConstraints else { return [] }
        if let fk = s.before.table(tableName)?.foreignKeys.first(where: { $0.name == name }), djangoOwns(fk) { return [] }
        use("django.contrib.postgres.operations", "ValidateConstraint")
        return [.call("ValidateConstraint", [model(tableName), Self.kw("name", Py.string(name))])]
    }

    mutating func dropConstraint(_ tableName: String, _ name: String, _ s: DjangoStep) throws(Failure) -> [PyNode] {
        let old = try self.table(tableName, s.before), new = try self.table(tableName, s.after)
        if old.primaryKey?.name == name {
            throw Failure(message: "Django models need a primary key; dropping '\(name)' leaves '\(tableName)' without one", fix: nil)
        }
        guard let fk = old.foreignKeys.first(where: { $0.name == name }) else {
            let remove = call("RemoveConstraint", [model(tableName), Self.kw("name", Py.string(name))])
            // MySQL, a unique that covers a key Django owns: on the way up Django's RemoveConstraint
            // gives the key an index (Django's name); on the way down its AddConstraint would leave
            // that index, so a RunSQL before it drops the key's own index after the unique is back.
            let context = StepContext(before: s.before, after: s.after, inTransaction: migration.runsInTransaction,
                                      migrationID: migration.id, direction: .up, position: s.position)
            let keys = coveredDjangoKeys(try render(s.operation, context), before: s.before, after: s.after, restored: true)
            guard !keys.isEmpty else { return [remove] }
            return [runSQL([], ownIndexDrops(keys, after: s.before).map(\.sql)), remove]
        }
        guard fk.columns.count == 1, let column = new.column(fk.columns[0]) else { return [try stepSQL(s)] }
        // Django drops its own constraint when the relation becomes a plain field (see addForeignKey).
        let db = djangoOwns(fk)
            ? call("AlterField", [model(tableName), Self.kw("name", Py.string(Self.fieldName(column.name, in: old))),
                                  Self.kw("field", try field(column, in: new, namedColumn: true))])
            : try stepSQL(s)
        let swap = try relationSwap(tableName, column: column, old: old, new: new, db: db)
        guard djangoOwns(fk), pendingInMigration(fk.name, before: s.position) else { return [swap] }
        return [pendingForeignKeyDiscard(tableName, column: column.name), swap]
    }

    /// Whether the key `name` is, before the step at `position` (1-based), still pending: Django's
    /// PostgreSQL and MySQL CreateModel adds the table's FOREIGN KEYs only when the migration ends
    /// (the schema editor's `deferred_sql`, which follows renames; AddField and AlterField add
    /// theirs at once, SQLite inline). Dropped (see pendingForeignKeyDiscard) or re-added by
    /// add_foreign_key in between, it is not.
    func pendingInMigration(_ name: String, before position: Int) -> Bool {
        guard !traits.remakesTablesToAlter, migration.before.constraintOwner(name) == nil else { return false }
        var pending = false
        for step in migration.up.prefix(max(0, position - 1)) {
            switch step.operation {
            case let .createTable(table) where table.foreignKeys.contains(where: { $0.name == name }): pending = true
            case let .dropConstraint(_, dropped) where dropped == name: pending = false
            case let .addForeignKey(fk) where fk.name == name: pending = false
            default: break
            }
        }
        return pending
    }

    /// A key Django's CreateModel made in this migration is not in the database yet, only pending
    /// in the schema editor's `deferred_sql`: the AlterField that drops it finds nothing to drop and
    /// the key is added when the migration ends (and added again, existing, when it is unapplied).
    /// A RunPython before the AlterField discards the pending statement (down: nothing to do).
    mutating func pendingForeignKeyDiscard(_ tableName: String, column: String) -> PyNode {
        let base = Py.identifier("discard_pending_fk_\(tableName)_\(column)")
        var name = base
        var n = 2
        while functions.contains(where: { $0.hasPrefix("def \(name)(") }) { name = "\(base)_\(n)"; n += 1 }
        functions.append([
            "def \(name)(apps, schema_editor):",
            "    # Django's CreateModel adds a FOREIGN KEY when the migration ends; this migration drops it before then.",
            "    schema_editor.deferred_sql[:] = [",
            "        sql for sql in schema_editor.deferred_sql",
            "        if not (getattr(sql, 'template', None) == schema_editor.sql_create_fk",
            "                and sql.parts['table'].table == \(Py.string(tableName)) and sql.references_column(\(Py.string(tableName)), \(Py.string(column))))",
            "    ]",
        ].joined(separator: "\n"))
        return .inline("migrations.RunPython(\(name), migrations.RunPython.noop)")
    }

    mutating func runPython(_ backfill: Backfill, _ s: DjangoStep) throws(Failure) -> PyNode {
        let settle = renderer.dialect.deferredChecksSettlement(.backfill(backfill), sqlContext(before: s.before, after: s.after, position: s.position))
        let name = try backfillFunction(backfill, state: s.before, settle: settle)
        return .inline("migrations.RunPython(\(name), migrations.RunPython.noop)")
    }
}
