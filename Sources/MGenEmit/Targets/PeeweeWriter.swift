import Foundation
import MGenSpec
import MGenSQL

/// Turns the steps of one migration into the Python lines of a peewee_migrate `migrate()` or
/// `rollback()`: native `migrator.*` calls where peewee_migrate has one that gives the spec's
/// schema (names, types, defaults), `migrator.sql(...)` with mgen's dialect SQL elsewhere.
///
/// Field names are the column names (so later migrations can name them), made safe for Python
/// where needed with `column_name=`. peewee's `default=` is client-side only, so database defaults
/// are written as `constraints=[pw.SQL("DEFAULT ...")]`, as peewee's docs advise.
struct PeeweeWriter {
    let dialect: Dialect
    let sql: any SQLDialect
    let renderer: SQLRenderer
    /// The renderer for SQL that stays in peewee_migrate's transaction (issue 13): a unique
    /// constraint as a plain ADD CONSTRAINT (a new column's, or any outside a migration run in parts).
    let plainRenderer: SQLRenderer
    /// What peewee does differently on this database (one table, PeeweeTraits).
    let traits: PeeweeTraits
    /// What the database can do.
    var can: DialectCapabilities { dialect.capabilities }
    let migration: PlannedMigration
    /// Field classes that pin a column type peewee would spell differently, in first-use order.
    private(set) var pinnedClasses: [String] = []
    private var pinnedNames: [String: String] = [:]
    /// Whether `playhouse.postgres_ext` is used (`DateTimeTZField`).
    private(set) var usesPostgresExt = false
    /// Whether the file needs `rename_column_field` (see `renameColumn`).
    private(set) var usesRenameHelper = false
    /// Whether the file needs `retype_column_field` (see `retypedKeyField`).
    private(set) var usesRetypeHelper = false

    /// The timeouts that open each part of a migration run in parts (nil: one transaction, peewee_migrate's).
    var partOpenings: (shared: [SQLStatement], own: [SQLStatement])?

    init(dialect: Dialect, migration: PlannedMigration, options: RenderOptions = RenderOptions()) {
        self.dialect = dialect
        self.renderer = SQLRenderer(dialect: dialect, options: options)
        var plain = options
        plain.runnerLeavesTransaction = false
        self.plainRenderer = SQLRenderer(dialect: dialect, options: plain)
        self.sql = renderer.dialect
        self.traits = .of(dialect)
        self.migration = migration
    }

    // MARK: - Steps

    /// The lines of `migrate()` or `rollback()`; nil for the down of an irreversible migration.
    mutating func body(_ direction: Direction) throws(DiagnosticError) -> [String]? {
        guard let steps = migration.steps(direction) else { return nil }
        var lines: [String] = []
        var diagnostics: [Diagnostic] = []
        var previousWasBlock = false
        var currentPart = PartPlacement.shared
        // peewee_migrate runs every migration in a transaction (see `render`); run in parts, the
        // migration leaves it where a statement must (CONCURRENTLY).
        StepDriver(migration, target: "peewee", dialect: dialect, inTransaction: inParts ? nil : true).forEach(direction, into: &diagnostics) {
            (step, stepContext) throws(DiagnosticError) in
            let context = Where(step: step, after: stepContext.after, direction: direction, schemaChangeFollows: stepContext.schemaChangeFollows)
            var stepLines = try self.lines(for: step.operation, context)
            // Run in parts (issue 13): peewee_migrate's transaction is the first part; a step that
            // starts another part ends the one before it (COMMIT) and opens its own (BEGIN, timeouts).
            if inParts, !stepLines.isEmpty, let statements = try? self.render(step.operation, context),
               let first = statements.first?.placement, let last = statements.last?.placement {
                // Outside a transaction (CONCURRENTLY): sent at once, not queued for migrator(),
                // which runs its queue in a savepoint.
                if first == .outside, last == .outside { stepLines = ["if not fake:"] + statements.flatMap { sqlLines([$0], call: "database.cursor().execute") }.map { "    " + $0 } }
                if first != currentPart || first == .own {
                    var between = boundary(from: currentPart, to: first)
                    // Nothing queued yet: no operations to run before the COMMIT.
                    if lines.isEmpty { between.removeAll { $0.hasPrefix("    migrator()") } }
                    // One `if not fake:` for the boundary and the statements sent at once.
                    if !between.isEmpty, stepLines.first == "if not fake:" { stepLines.removeFirst() }
                    stepLines = between + stepLines
                }
                currentPart = last
            }
            if case let .createTable(table) = step.operation,
               steps[stepContext.position...].contains(where: { Self.changesFields(of: table.name, $0.operation) }) {
                // peewee_migrate runs create_table when the function returns, from the model
                // class as later add_fields / remove_fields have changed it: run it now (not
                // while peewee_migrate replays the files with `fake`, its database mocked).
                stepLines += ["if not fake:", "    migrator()  # create the table before the steps below change its model"]
            }
            // A blank line around steps of more than one line, as a person would space them.
            if !lines.isEmpty, stepLines.count > 1 || previousWasBlock { lines.append("") }
            previousWasBlock = stepLines.count > 1
            lines += stepLines
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        // peewee_migrate records the migration and commits in a transaction of its own opening.
        if currentPart == .outside { lines += ["if not fake:", "    database.execute_sql('BEGIN')"] }
        return lines
    }

    /// The lines between two parts of a migration run in parts: the COMMIT of the part before (if
    /// it ran in a transaction), the BEGIN and timeouts of the next (if it runs in one).
    /// peewee_migrate runs the operations it queued in a savepoint of its transaction when the
    /// function returns: the migration runs those of the part before now, then commits, and opens
    /// the next part's transaction itself (not when peewee_migrate replays the files with `fake`).
    func boundary(from: PartPlacement, to: PartPlacement) -> [String] {
        var lines: [String] = []
        if from != .outside { lines += ["    migrator()  # the part above, in a transaction of its own", "    database.execute_sql('COMMIT')"] }
        if to != .outside, let partOpenings {
            lines += (["BEGIN"] + (to == .own ? partOpenings.own : partOpenings.shared).map(\.sql)).map { "    database.execute_sql(\(Self.py($0)))" }
        }
        return lines.isEmpty ? [] : ["if not fake:"] + lines
    }

    /// Whether the migration runs in parts (`partOpenings` set).
    var inParts: Bool { partOpenings != nil }

    /// Each statement, with the boundary lines between those in different parts (NOT NULL
    /// through a CHECK: ADD … NOT VALID, VALIDATE, SET NOT NULL; a safe add_unique: its
    /// CONCURRENTLY build outside a transaction, then USING INDEX in a transaction of its own).
    /// Outside a transaction a statement is sent at once, not queued for migrator().
    func sqlLinesInParts(_ statements: [SQLStatement]) -> [String] {
        var lines: [String] = []
        for (i, statement) in statements.enumerated() {
            if i > 0, statement.placement != statements[i - 1].placement || statement.placement == .own {
                lines += boundary(from: statements[i - 1].placement, to: statement.placement)
            }
            guard statement.placement == .outside else {
                lines += sqlLines([statement])
                continue
            }
            // One `if not fake:` for the boundary (or the run of outside statements) and the statement.
            if lines.last?.hasPrefix("    ") != true { lines.append("if not fake:") }
            lines += sqlLines([statement], call: "database.cursor().execute").map { "    " + $0 }
        }
        return lines
    }

    /// Whether a step changes the fields of `table`'s model class (which peewee_migrate does at
    /// once, while it runs the table's create_table only at the end).
    /// spec 1.1: schemas. A create_table of the default schema (its keys into another schema are
    /// table constraints of its model).
    static func isDefaultSchemaTable(_ operation: MGenSpec.Operation) -> Bool {
        if case let .createTable(table) = operation { !QualifiedName.isQualified(table.name) } else { false }
    }

    static func changesFields(of table: String, _ operation: MGenSpec.Operation) -> Bool {
        switch operation {
        case let .addColumn(name, _, _, _), let .dropColumn(name, _), let .renameColumn(name, _, _): return name == table
        case let .alterColumn(change): return change.table == table
        // rename_table sets the model's table_name at once: a queued create_table would create the new name.
        case let .renameTable(from, _): return from == table
        default: return false
        }
    }

    private mutating func lines(for operation: MGenSpec.Operation, _ context: Where) throws(DiagnosticError) -> [String] {
        // spec 1.1: deferrable constraints: migrator.sql of the dialect's SQL
        if case let .addColumn(table, column, _, fk?) = operation, fk.deferrable != nil {
            // The column would come from SQL, unknown to peewee_migrate's model, whose remove_fields
            // (the down) then leaves it.
            throw context.unsupported("peewee_migrate cannot add column '\(table).\(column.name)' with a deferrable reference",
                                      fix: "add the column, then the key with add_foreign_key {…, deferrable: true}")
        }
        if operation.touchesDeferrableConstraint(in: context.before), operation.kind != "create_table" { return try sqlCalls(operation, context) }
        // spec 1.1: schemas. A default-schema table keeps its model (later steps and the downs
        // change it through peewee_migrate): its key into another schema is the dialect's SQL beside
        // the field (create_model writes one as a table constraint, its table qualified). Every
        // other step naming a table of another schema is that SQL alone.
        if case let .addColumn(table, column, unique, fk?) = operation, !QualifiedName.isQualified(table), QualifiedName.isQualified(fk.referencedTable) {
            return try addField(table, column, unique: unique, foreignKey: nil, context) + sqlCalls(.addForeignKey(fk), context)
        }
        // A column of an enum type in a schema is a field of its model (its class names the type).
        if operation.namesSchema(in: context.before, enumColumnTypes: false), !Self.isDefaultSchemaTable(operation) {
            // peewee_migrate runs every migration in a transaction: no CONCURRENTLY (as its own index calls).
            switch operation {
            case let .createIndex(index, concurrently) where !keepConcurrently(concurrently):
                return concurrencyNote(concurrently) + (try sqlCalls(.createIndex(index, concurrently: false), context))
            case let .dropIndex(name, table, concurrently) where !keepConcurrently(concurrently):
                return concurrencyNote(concurrently) + (try sqlCalls(.dropIndex(name: name, table: table, concurrently: false), context))
            default:
                return try sqlCalls(operation, context)
            }
        }
        // spec 1.1: generated columns and collations. A field says them in its `constraints`; a
        // change of such a column (or of a collation) is migrator.sql of mgen's SQL.
        if case .alterColumn = operation, operation.touchesGeneratedOrCollatedColumn(in: context.before) { return try sqlCalls(operation, context) }
        switch operation {
        case let .createTable(table):
            // peewee's CREATE TABLE leaves the primary key the default name; the state's may differ.
            return try createModel(table, context) + sqlLines(sql.primaryKeyNameAfterFrameworkCreate(table).up)
        case let .dropTable(name):
            return ["migrator.remove_model(\(Self.py(name)))"]
        case let .renameTable(from, to):
            // mgen names an enum's CHECK after its table: what mgen's SQL does after the rename
            // (PostgreSQL's RENAME CONSTRAINT, SQLite's rebuild) follows it.
            // peewee caches a model's Table on first use, and rename_table only sets table_name: in
            // one run, a later foreign key to the model would still name the old table.
            return ["migrator.rename_table(\(Self.py(from)), \(Self.py(to)))",
                    "migrator.orm[\(Self.py(to))]._meta.set_table_name(\(Self.py(to)))"] + sqlLines(Array(try render(operation, context).dropFirst()))
        case let .addColumn(table, column, unique, foreignKey):
            // spec 1.1: generated columns. SQLite adds a STORED one only by a table rebuild, which
            // peewee_migrate's add_fields does not do.
            if column.generated?.isStored(dialect) == true, !can.alterTableChangesConstraints {
                throw context.unsupported("peewee_migrate cannot add STORED generated column '\(table).\(column.name)' to an existing SQLite table",
                                          fix: "write `stored: {sqlite: false}` (VIRTUAL), or declare the column in create_table")
            }
            return try addField(table, column, unique: unique, foreignKey: foreignKey, context)
        case let .dropColumn(table, column):
            return ["migrator.remove_fields(\(Self.py(table)), \(Self.py(Self.fieldName(column))))"]
        case let .renameColumn(table, from, to):
            return try renameColumn(table, from, to, context)
        case let .alterColumn(change):
            // MySQL: peewee's add_not_null / drop_not_null rewrite the column from DESCRIBE, which
            // loses its DEFAULT and COMMENT (and re-creates its foreign key under peewee's name).
            // PostgreSQL, a table that may hold rows, the migration run in parts: mgen's NOT NULL
            // through a validated CHECK (issue 13) instead of add_not_null's scan under ACCESS EXCLUSIVE.
            if partOpenings != nil, case let statements = try render(operation, context), statements.contains(where: \.ownTransaction) {
                return sqlLinesInParts(statements)
            }
            if !traits.rewritesColumnToAlter, change.type == nil, change.defaultChange == nil, change.comment == nil, let nullable = change.nullable {
                let call = nullable ? "drop_not_null" : "add_not_null"
                return ["migrator.\(call)(\(Self.py(change.table)), \(Self.py(Self.fieldName(change.column))))"]
            }
            // Types (with USING), defaults and comments: mgen's SQL for the dialect. peewee_migrate's
            // change_fields cannot say USING, and its add_default only fills rows, it sets no default.
            return try sqlCalls(operation, context) + retypedKeyField(change, context)
        case let .createIndex(index, concurrently):
            if !(concurrently && inParts), let call = nativeIndex(index, create: true) { return concurrencyNote(concurrently) + [call] }
            return try concurrencyNote(concurrently) + sqlCalls(.createIndex(index, concurrently: keepConcurrently(concurrently)), context)
        case let .dropIndex(name, table, concurrently):
            if !(concurrently && inParts), let index = context.before.index(name), let call = nativeIndex(index, create: false) {
                return concurrencyNote(concurrently) + [call]
            }
            // `table` is optional in the spec: the index's own, from the state before the step.
            let owner = table.isEmpty ? context.before.index(name)?.table ?? table : table
            return try concurrencyNote(concurrently) + sqlCalls(.dropIndex(name: name, table: owner, concurrently: keepConcurrently(concurrently)), context)
        case let .addForeignKey(fk):
            return try constraintCalls(operation, table: fk.table, name: fk.name, context)
        case let .addUnique(unique):
            // PostgreSQL, a table that may hold rows (issue 13): mgen's CREATE UNIQUE INDEX
            // CONCURRENTLY outside peewee_migrate's transaction, then USING INDEX in one of its own.
            if inParts, case let statements = try render(operation, context), statements.contains(where: \.takesOverIndex) {
                return sqlLinesInParts(statements)
            }
            return try constraintCalls(operation, table: unique.table, name: unique.name, context, plain: true)
        case let .addCheck(check):
            return try constraintCalls(operation, table: check.table, name: check.name, context)
        case let .dropConstraint(table, name):
            let statements = try render(operation, context)
            if statements.dropsOnlyConstraint(table: table, name: name) {
                return ["migrator.drop_constraints(\(Self.py(table)), \(Self.py(name)))"]
            }
            return sqlLines(statements)
        case .validateConstraint, .sql, .backfill:
            return try sqlCalls(operation, context)
        // spec 1.1: views, functions, triggers, extensions, sequences (migrator.sql)
        // spec 1.1: enum types. peewee_migrate has no call for types: the dialect's SQL.
        // spec 1.1: data steps (peewee_migrate has no data call: the dialect's SQL)
        case .object, .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue, .insert, .delete, .update:
            return try sqlCalls(operation, context)
        // spec 1.1: primary keys (the dialect's SQL; SQLite's is a table rebuild)
        case .addPrimaryKey, .dropPrimaryKey:
            return try sqlCalls(operation, context)
        // spec 1.1: renames (peewee_migrate has no index rename)
        case .renameIndex:
            return try sqlCalls(operation, context)
        // spec 1.1: constraint renames (peewee_migrate has no constraint rename)
        case .renameConstraint:
            return try sqlCalls(operation, context)
        // spec 1.1: altering in place (peewee_migrate has no call for either)
        case .alterTable, .alterConstraint:
            return try sqlCalls(operation, context)
        // spec 1.1: unique constraints from a unique index (peewee_migrate has no call for it)
        case .addUniqueUsingIndex:
            return try sqlCalls(operation, context)
        // spec 1.1: comments (peewee_migrate has no comment call)
        case .commentTable:
            return try sqlCalls(operation, context)
        }
    }

    /// `migrator.rename_field` where it renames the right column: it takes the new column name
    /// from the new field name (appending `_id` for a foreign key) and, for other fields, renames
    /// the column named like the old *field*; on MySQL it rewrites the column from DESCRIBE
    /// (losing DEFAULT and COMMENT) and re-creates a foreign key under peewee's own name.
    /// Elsewhere mgen's SQL renames the column (and an enum's CHECK on PostgreSQL), and
    /// `rename_column_field` renames the field in `migrator.orm`, so later steps find it.
    private mutating func renameColumn(_ table: String, _ from: String, _ to: String, _ context: Where) throws(DiagnosticError) -> [String] {
        let statements = try render(.renameColumn(table: table, column: from, to: to), context)
        let inKey = context.before.table(table)?.foreignKeys.contains { $0.columns.contains(from) } ?? false
        if !traits.rewritesColumnToAlter, !inKey, statements.count == 1, Self.fieldName(from) == from, Self.fieldName(to) == to {
            return ["migrator.rename_field(\(Self.py(table)), \(Self.py(from)), \(Self.py(to)))"]
        }
        usesRenameHelper = true
        return sqlLines(statements) + ["rename_column_field(migrator, \(Self.py(table)), \(Self.py(Self.fieldName(from))), \(Self.py(Self.fieldName(to))), \(Self.py(to)))"]
    }

    /// A key column whose type mgen's SQL changed: its field in `migrator.orm` gets the new type,
    /// since a ForeignKeyField made later takes its column type from the field it references
    /// (the old one: generated seed 34, a decimal key referenced as bigint).
    private mutating func retypedKeyField(_ change: AlterColumn, _ context: Where) throws(DiagnosticError) -> [String] {
        guard change.type != nil, let table = context.after.table(change.table), let column = table.column(change.column),
              table.primaryKey?.columns.contains(change.column) == true || table.uniques.contains(where: { $0.columns == [change.column] }),
              !table.foreignKeys.contains(where: { $0.columns.contains(change.column) }) else { return [] }
        let pk = table.primaryKey?.columns ?? []
        let namedKey = traits.tableDDLHoldsConstraintNames && !pk.isEmpty && !table.columns.contains { $0.identity && pk == [$0.name] }
        let expression = try field(column, table: table.name, primaryKey: pk == [column.name] && !namedKey, foreignKey: nil, context)
        usesRetypeHelper = true
        return ["retype_column_field(migrator, \(Self.py(table.name)), \(Self.py(Self.fieldName(column.name))), \(expression))"]
    }

    /// The helper `retypedKeyField` calls, written once into a file that needs it.
    static let retypeHelper = """
        def retype_column_field(migrator, table, field_name, field):
            \"\"\"Gives a field of migrator.orm the type the SQL above gave its column.\"\"\"
            model = migrator.orm[table]
            migrator.__del_field__(model, model._meta.fields[field_name])
            model._meta.add_field(field_name, field)
        """

    /// The helper `renameColumn` calls, written once into a file that needs it.
    static let renameHelper = """
        def rename_column_field(migrator, table, field_name, new_field_name, new_column):
            \"\"\"Renames a field of migrator.orm to the column the SQL above renamed it to.

            peewee_migrate's rename_field derives the column from the new field name (and appends
            _id for a foreign key), so it is not used where that is not the column's name.
            \"\"\"
            model = migrator.orm[table]
            field = model._meta.fields[field_name]
            migrator.__del_field__(model, field)
            field.name, field.column_name = new_field_name, new_column
            if isinstance(field, pw.ForeignKeyField):
                field.object_id_name = None
            model._meta.add_field(new_field_name, field)
        """

    /// peewee_migrate has no way out of its transaction: CONCURRENTLY is kept only where it is not
    /// about transactions (MySQL's online DDL is ALGORITHM=INPLACE, LOCK=NONE).
    private func keepConcurrently(_ concurrently: Bool) -> Bool { concurrently && (can.onlineIndexes || inParts) }

    private func concurrencyNote(_ concurrently: Bool) -> [String] {
        guard concurrently, dialect.capabilities.concurrentIndexes, !inParts else { return [] }
        return ["# Not CONCURRENTLY: peewee_migrate runs every migration inside a transaction."]
    }

    // MARK: - Tables

    private mutating func createModel(_ table: Table, _ context: Where) throws(DiagnosticError) -> [String] {
        var body: [String] = []
        let pk = table.primaryKey?.columns ?? []
        // Single-column foreign keys become ForeignKeyField, with the constraint's own name.
        var fieldKeys: [String: ForeignKey] = [:]
        // spec 1.1: a deferrable key is a table constraint (ForeignKeyField's `deferrable` is free SQL text).
        for fk in table.foreignKeys where fk.columns.count == 1 && fk.referencedColumns.count == 1 && !fk.notValid && fk.deferrable == nil
            && !QualifiedName.isQualified(fk.referencedTable) // spec 1.1: schemas (no model for it)
            && (fk.referencedTable == table.name || context.before.table(fk.referencedTable) != nil) {
            if fieldKeys[fk.columns[0]] == nil { fieldKeys[fk.columns[0]] = fk }
        }
        // Two foreign-key fields to one model would share peewee's backref (`<model>_set`), and
        // peewee_migrate, removing the second, deletes an attribute the first already took along:
        // every field after the first to a model gets a backref of its own.
        var backrefs: [String: String] = [:]
        var referenced: Set<String> = []
        for column in table.columns {
            guard let fk = fieldKeys[column.name] else { continue }
            if !referenced.insert(fk.referencedTable).inserted {
                backrefs[column.name] = "\(Self.fieldName(table.name))_\(Self.fieldName(column.name))_set"
            }
        }
        // SQLite keeps a key's name only in the table's DDL, and peewee writes none (an inline
        // PRIMARY KEY, or CompositeKey's): every key but the rowid alias (mgen's SQL writes
        // `CONSTRAINT <name> PRIMARY KEY`) is a named table constraint instead.
        let namedKey = traits.tableDDLHoldsConstraintNames && !pk.isEmpty && !table.columns.contains { $0.identity && pk == [$0.name] }
        for column in table.columns {
            let expression = try field(column, table: table.name, primaryKey: pk == [column.name] && !namedKey,
                                       foreignKey: fieldKeys[column.name], backref: backrefs[column.name], context)
            body.append("\(Self.fieldName(column.name)) = \(expression)")
        }

        var constraints: [String] = []
        if namedKey, let key = table.primaryKey {
            constraints.append("pw.SQL(\(Self.py("CONSTRAINT \(sql.quote(key.name)) PRIMARY KEY (\(sql.quoteList(key.columns)))")))")
        }
        if !can.uniquesAsIndexes {
            // SQLite keeps unique constraints as unique indexes (mgen's SQL creates them after the table).
            // On PostgreSQL a unique over the key's (or an earlier unique's) columns is mgen's SQL
            // after the table (seed 29: in both, the ALTER found it there).
            for unique in table.uniquesOfCreateTable(on: dialect).inline {
                constraints.append("pw.SQL(\(Self.py("CONSTRAINT \(sql.quote(unique.name)) UNIQUE (\(sql.quoteList(unique.columns)))\(sql.deferrableClause(unique.deferrable))", escapePercent: escapesPercent)))")
            }
        }
        for check in table.checks {
            constraints.append("pw.Check(\(Self.py(check.expression, escapePercent: escapesPercent)), name=\(Self.py(check.name)))")
        }
        for fk in table.foreignKeys where fieldKeys[fk.columns.first ?? ""] != fk {
            var text = "CONSTRAINT \(sql.quote(fk.name)) FOREIGN KEY (\(sql.quoteList(fk.columns))) REFERENCES \(sql.quote(fk.referencedTable)) (\(sql.quoteList(fk.referencedColumns)))"
            if let action = fk.onDelete { text += " ON DELETE \(action.sql)" }
            if let action = fk.onUpdate { text += " ON UPDATE \(action.sql)" }
            text += sql.deferrableClause(fk.deferrable) // spec 1.1: deferrable constraints
            constraints.append("pw.SQL(\(Self.py(text, escapePercent: escapesPercent)))")
        }

        var meta = ["table_name = \(Self.py(table.name))"]
        if pk.isEmpty || namedKey {
            meta.append("primary_key = False")
        } else if pk.count > 1 {
            meta.append("primary_key = pw.CompositeKey(\(pk.map { Self.py(Self.fieldName($0)) }.joined(separator: ", ")))")
        }
        if !constraints.isEmpty {
            meta.append("constraints = [")
            meta += constraints.map { "    \($0)," }
            meta.append("]")
        }
        // spec 1.1: MySQL table options before the comment, as mgen's SQL writes them
        let settings = (can.tableOptions ? table.mysqlOptions?.clauses ?? [] : []) + (can.inlineComments ? table.comment.map { ["COMMENT=\(sql.stringLiteral($0))"] } ?? [] : [])
        if !settings.isEmpty {
            meta.append("table_settings = [\(settings.map { Self.py($0, escapePercent: true) }.joined(separator: ", "))]")
        }
        body.append("")
        body.append("class Meta:")
        body += meta.map { "    \($0)" }

        var lines = ["@migrator.create_model", "class \(Self.className(table.name))(pw.Model):"] + body.map { $0.isEmpty ? "" : "    \($0)" }
        // What the CREATE TABLE does not carry: PostgreSQL comments, SQLite's unique indexes.
        let statements = try render(.createTable(table), context)
        if let first = statements.first, first.kind == .createTable {
            let rest = Array(statements.dropFirst())
            if !rest.isEmpty { lines.append(""); lines += sqlLines(rest) }
        } else {
            throw context.unsupported("unexpected SQL for create_table \(table.name)")
        }
        return lines
    }

    private mutating func addField(_ table: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                                   _ context: Where) throws(DiagnosticError) -> [String] {
        // The column alone (a plain field: peewee would name the foreign key itself), then its
        // constraints by name, as mgen's SQL does.
        let expression = try field(column, table: table, primaryKey: false, foreignKey: nil, context)
        let allow = column.nullable ? "" : "allow_not_null=True, "
        var lines = ["migrator.add_fields(\(Self.py(table)), \(allow)\(Self.fieldName(column.name))=\(expression))"]
        if can.comments, !can.inlineComments, let comment = column.comment {
            lines += sqlLines([sql.commentOnColumn(table, column.name, comment)])
        }
        var state = context.before
        try state.apply(.addColumn(table: table, column: column, unique: nil, foreignKey: nil), at: context.step.location)
        var extras: [MGenSpec.Operation] = []
        if let unique { extras.append(.addUnique(unique)) }
        if let foreignKey { extras.append(.addForeignKey(foreignKey)) }
        for extra in extras {
            var next = state
            try next.apply(extra, at: context.step.location)
            var step = context.step
            step.before = state
            step.operation = extra
            let stepContext = Where(step: step, after: next)
            let name: String
            switch extra {
            case let .addUnique(u): name = u.name
            case let .addForeignKey(f): name = f.name
            default: name = ""
            }
            // A new column's unique constraint is added as add_column's is: plainly.
            lines += try constraintCalls(extra, table: table, name: name, stepContext, plain: true)
            state = next
        }
        return lines
    }

    /// `migrator.add_constraint(table, name, pw.SQL(...))` where mgen's SQL is exactly
    /// `ALTER TABLE t ADD CONSTRAINT name ...` (PostgreSQL, MySQL); SQLite's rebuilds go as SQL.
    private func constraintCalls(_ operation: MGenSpec.Operation, table: String, name: String, _ context: Where,
                                 plain: Bool = false) throws(DiagnosticError) -> [String] {
        let statements = try render(operation, context, plain: plain)
        if let rest = statements.addedConstraint(table: table, name: name) {
            return ["migrator.add_constraint(\(Self.py(table)), \(Self.py(name)), pw.SQL(\(Self.py(rest, escapePercent: escapesPercent))))"]
        }
        return sqlLines(statements)
    }

    /// peewee_migrate's `add_index` / `drop_index` name the index `<table>_<columns>` themselves:
    /// native only when the spec's index has that name and plain columns.
    private func nativeIndex(_ index: Index, create: Bool) -> String? {
        let columns = index.columnNames
        guard columns.count == index.parts.count, index.predicate == nil, index.method == nil, !index.hasKeyOrStorageOptions,
              index.name == ([index.table] + columns).joined(separator: "_"), index.name.count <= 64 else { return nil }
        let fields = columns.map { Self.py(Self.fieldName($0)) }.joined(separator: ", ")
        if create {
            return "migrator.add_index(\(Self.py(index.table)), \(fields)\(index.unique ? ", unique=True" : ""))"
        }
        return "migrator.drop_index(\(Self.py(index.table)), \(fields))"
    }

    // MARK: - Fields

    private var escapesPercent: Bool { traits.escapesPercent }

    /// A field expression: `pw.CharField(max_length=100, null=True)`.
    private mutating func field(_ column: Column, table: String, primaryKey: Bool, foreignKey: ForeignKey?,
                                backref: String? = nil, _ context: Where) throws(DiagnosticError) -> String {
        let state = context.before
        var arguments: [(String, String)] = []
        // peewee names a foreign key's column `<field>_id` unless the field name ends in `_id`.
        if Self.fieldName(column.name) != column.name || (foreignKey != nil && !column.name.hasSuffix("_id")) {
            arguments.append(("column_name", Self.py(column.name)))
        }
        let cls: String
        if column.identity {
            guard primaryKey else {
                throw context.unsupported("peewee has identity columns only as the primary key (AutoField): \(table).\(column.name)",
                                  fix: "make it the primary key, or use a sequence default in an `sql` step")
            }
            // spec 1.1: column types. An unsigned identity (MySQL): the auto field, pinned to its type.
            if case let .unsigned(kind) = column.type, kind != .smallint, can.unsignedIntegers {
                let base = kind == .bigint ? "pw.BigAutoField" : "pw.AutoField"
                cls = pin(base: base, type: "\(try context.typeName(sql, column)) AUTO_INCREMENT", suffix: "Field", note: "peewee's own \(base) is signed")
            } else {
                cls = column.type == .bigint ? "pw.BigAutoField" : "pw.AutoField"
            }
            if !column.type.isUnsigned || column.type == .unsigned(.smallint) || !can.unsignedIntegers, column.type != .bigint, column.type != .integer {
                throw context.unsupported("peewee's AutoField is integer or bigint, not \(column.type) (\(table).\(column.name))")
            }
        } else if let fk = foreignKey {
            let natural = foreignKeyType(fk, state: state, table: table)
            let wanted = try context.typeName(sql, column)
            cls = sameType(natural, wanted) ? "pw.ForeignKeyField" : pin(base: "pw.ForeignKeyField", type: wanted, suffix: "ForeignKeyField",
                                                                        note: "peewee gives \(natural ?? "another type")")
            let model = fk.referencedTable == table ? Self.py("self") : "migrator.orm[\(Self.py(fk.referencedTable))]"
            arguments.append(("model", model))
            arguments.append(("field", Self.py(Self.fieldName(fk.referencedColumns[0]))))
            if let action = fk.onDelete { arguments.append(("on_delete", Self.py(action.sql))) }
            if let action = fk.onUpdate { arguments.append(("on_update", Self.py(action.sql))) }
            arguments.append(("constraint_name", Self.py(fk.name)))
            if let backref { arguments.append(("backref", Self.py(backref))) }
            // peewee indexes foreign keys by default; the spec lists its indexes itself.
            arguments.append(("index", "False"))
        } else {
            let (natural, args, peeweeType) = naturalField(column.type)
            let wanted = try context.typeName(sql, column)
            if sameType(peeweeType, wanted) {
                cls = natural
                arguments += args
            } else {
                cls = pin(base: natural, type: wanted, suffix: "Field", note: "peewee's own \(natural) is \(peeweeType ?? "untyped") here")
            }
        }
        if primaryKey, !column.identity { arguments.append(("primary_key", "True")) }
        if column.nullable, !column.identity { arguments.append(("null", "True")) }
        var constraints: [String] = []
        if let value = column.defaultValue, !column.identity {
            constraints.append("pw.SQL(\(Self.py("DEFAULT \(sql.defaultExpression(value, type: column.type))", escapePercent: escapesPercent)))")
        }
        if dialect.capabilities.enumStrategy == .checkConstraint, let check = sql.enumCheck(table: table, column: column) {
            constraints.append("pw.SQL(\(Self.py(sql.checkClause(check), escapePercent: escapesPercent)))")
        }
        // spec 1.1: generated columns and collations, as mgen's SQL writes them
        for clause in [sql.collateClause(column), try context.generatedClause(sql, column)] where !clause.isEmpty {
            constraints.append("pw.SQL(\(Self.py(String(clause.dropFirst()), escapePercent: escapesPercent)))")
        }
        if can.inlineComments, let comment = column.comment {
            constraints.append("pw.SQL(\(Self.py("COMMENT \(sql.stringLiteral(comment))", escapePercent: true)))")
        }
        if !constraints.isEmpty { arguments.append(("constraints", "[\(constraints.joined(separator: ", "))]")) }
        // Keyword arguments sorted, as peewee_migrate's own generator writes them.
        return "\(cls)(\(arguments.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")))"
    }

    /// The natural peewee field for a neutral type, its arguments, and the type peewee's DDL gives
    /// on this dialect, spelled as the catalog reports it (nil: no natural spelling).
    private mutating func naturalField(_ type: ColumnType) -> (String, [(String, String)], String?) {
        let d = dialect
        // The column type each field makes per database: peewee's own type table.
        func by(_ pg: String, _ my: String, _ lite: String) -> String {
            switch d {
            case .postgresql: pg
            case .mysql: my
            case .sqlite: lite
            }
        }
        switch type {
        case .boolean: return ("pw.BooleanField", [], by("boolean", "tinyint(1)", "INTEGER"))
        case .smallint: return ("pw.SmallIntegerField", [], by("smallint", "smallint", "INTEGER"))
        case .integer: return ("pw.IntegerField", [], by("integer", "int", "INTEGER"))
        case .bigint: return ("pw.BigIntegerField", [], by("bigint", "bigint", "INTEGER"))
        case let .decimal(p, s):
            return ("pw.DecimalField", [("max_digits", "\(p)"), ("decimal_places", "\(s)")], by("numeric(\(p),\(s))", "decimal(\(p),\(s))", "DECIMAL(\(p), \(s))"))
        case .real: return ("pw.FloatField", [], by("real", "float", "REAL"))
        case .double: return ("pw.DoubleField", [], by("double precision", "double", "REAL"))
        case let .string(n): return ("pw.CharField", [("max_length", "\(n)")], by("varchar(\(n))", "varchar(\(n))", "VARCHAR(\(n))"))
        case .text: return ("pw.TextField", [], by("text", "text", "TEXT"))
        case .binary: return ("pw.BlobField", [], by("bytea", "blob", "BLOB"))
        case .date: return ("pw.DateField", [], by("date", "date", "DATE"))
        case .time: return ("pw.TimeField", [], by("time", "time", "TIME"))
        case .timestamp: return ("pw.DateTimeField", [], by("timestamp", "datetime", "DATETIME"))
        case .timestamptz:
            if traits.postgresExtTimestamptz {
                usesPostgresExt = true
                return ("pw_pext.DateTimeTZField", [], "timestamptz")
            }
            return ("pw.DateTimeField", [], by("timestamp", "datetime", "DATETIME"))
        case .uuid: return ("pw.UUIDField", [], by("uuid", "varchar(40)", "TEXT"))
        case .json: return ("pw.JSONField", [], by("jsonb", "json", "TEXT"))
        case .enumeration: return ("pw.TextField", [], by("text", "text", "TEXT"))
        case .native: return ("pw.Field", [], nil)
        // spec 1.1: enum types (a field of the existing type, as for a native one)
        case .enumType: return ("pw.Field", [], nil)
        // spec 1.1: column types. Peewee's fields take no precision: the plain type's field,
        // pinned to the type mgen's SQL declares where that differs (PostgreSQL, MySQL).
        case let .temporal(kind, _): return naturalField(kind.plain)
        case let .char(n): return ("pw.FixedCharField", [("max_length", "\(n)")], by("char(\(n))", "char(\(n))", "CHAR(\(n))"))
        // CharField(max_length=None) declares VARCHAR without a length.
        case .varchar: return ("pw.CharField", [("max_length", "None")], by("varchar", "varchar", "VARCHAR"))
        // The signed field, pinned to MySQL's unsigned type.
        case let .unsigned(kind): return (naturalField(kind.signed).0, [], nil)
        // A field pinned to the array type, as for a native one.
        case .array: return ("pw.Field", [], nil)
        }
    }

    /// The type peewee gives a ForeignKeyField: that of the field it references (INT/BIGINT for auto fields).
    private func foreignKeyType(_ fk: ForeignKey, state: SchemaState, table: String) -> String? {
        guard let target = state.table(fk.referencedTable), let column = target.column(fk.referencedColumns[0]) else { return nil }
        if column.identity {
            // spec 1.1: column types (an unsigned identity's field is an AutoField too)
            let big = column.type == .bigint || column.type == .unsigned(.bigint)
            return big ? traits.autoFieldTypes.bigint : traits.autoFieldTypes.integer
        }
        var copy = self
        let natural = copy.naturalField(column.type).2
        let wanted = try? sql.typeName(column.type, column: column)
        // A referenced column of a pinned class has the pinned type.
        return sameType(natural, wanted ?? "") ? natural : wanted
    }

    private func sameType(_ peewee: String?, _ wanted: String) -> Bool {
        guard let peewee else { return false }
        // SQLite keeps the declared text (mgen's snapshot lower-cases it): spacing matters there.
        return peewee.lowercased() == wanted.lowercased()
    }

    /// A field class whose column type is the spec's, for a type peewee spells otherwise on this
    /// dialect: `class Datetime6Field(pw.DateTimeField): field_type = "DATETIME(6)"`.
    private mutating func pin(base: String, type: String, suffix: String, note: String) -> String {
        let key = base + "\u{1}" + type
        if let name = pinnedNames[key] { return name }
        var name = Self.camel(type) + suffix
        var n = 2
        while pinnedNames.values.contains(name) { name = Self.camel(type) + suffix + "\(n)"; n += 1 }
        pinnedNames[key] = name
        var lines = ["class \(name)(\(base)):",
                     "    \"\"\"" + Self.docstringText("\(type), as the spec says (\(note)).") + "\"\"\"",
                     "",
                     "    field_type = \(Self.py(Self.literalFieldType(type), escapePercent: escapesPercent))"]
        // spec 1.1: column types. A foreign key takes the modifiers of the field it references
        // (a FixedCharField's length): a pinned type with its own length wants none.
        if base == "pw.DecimalField" || base == "pw.CharField" || base == "pw.FixedCharField"
            || (base == "pw.ForeignKeyField" && type.contains("(")) {
            // The type above carries its own length/precision.
            lines += ["", "    def get_modifiers(self):", "        return None"]
        }
        pinnedClasses.append(lines.joined(separator: "\n"))
        return name
    }

    /// peewee looks a field type up in the database's own table first (`SMALLINT` is INTEGER on
    /// SQLite): a type that is one of its keys is written in lower case, which no table maps.
    static func literalFieldType(_ type: String) -> String {
        let keys: Set<String> = ["AUTO", "BIGAUTO", "BIGINT", "BLOB", "BOOL", "CHAR", "DATE", "DATETIME", "DECIMAL", "DEFAULT",
                                 "DOUBLE", "FLOAT", "INT", "JSON", "SMALLINT", "TEXT", "TIME", "UUID", "UUIDB", "VARCHAR"]
        return keys.contains(type.uppercased()) ? type.lowercased() : type
    }

    // MARK: - SQL

    /// A step and the state after it: where an operation is rendered.
    struct Where {
        var step: Step
        var after: SchemaState
        /// SQL may depend on it (spec 1.1: a down's add_enum_value makes the type again).
        var direction: Direction = .up
        /// Whether the step after it in the migration writes no rows (StepContext's).
        var schemaChangeFollows = true
        var before: SchemaState { step.before }

        func unsupported(_ message: String, fix: String? = nil) -> DiagnosticError {
            DiagnosticError(Diagnostic(message, at: step.location, fix: fix))
        }

        func typeName(_ sql: any SQLDialect, _ column: Column) throws(DiagnosticError) -> String {
            do { return try sql.typeName(column.type, column: column) } catch { throw unsupported(error.message, fix: error.fix) }
        }

        // spec 1.1: generated columns
        func generatedClause(_ sql: any SQLDialect, _ column: Column) throws(DiagnosticError) -> String {
            do { return try sql.generatedClause(column) } catch { throw unsupported(error.message, fix: error.fix) }
        }
    }

    /// mgen's SQL for one operation at this place. peewee_migrate always runs inside a
    /// transaction, so it is rendered for that (a backfill without a COMMIT per batch).
    private func render(_ operation: MGenSpec.Operation, _ context: Where, plain: Bool = false) throws(DiagnosticError) -> [SQLStatement] {
        // Not run in parts, the migration stays in peewee_migrate's transaction: the plain form.
        let renderer = plain || !inParts ? plainRenderer : renderer
        var planned = migration
        var step = context.step
        step.operation = operation
        planned.runsInTransaction = inParts ? migration.runsInTransaction : true
        if context.direction == .down {
            // Rendered as the down it is: from the state before it to the one after it.
            planned.up = []
            planned.down = [step]
            planned.after = step.before
            planned.before = context.after
            return settled(try renderer.render(planned).down ?? [], context)
        }
        planned.up = [step]
        planned.down = nil
        planned.before = step.before
        planned.after = context.after
        return settled(try renderer.render(planned).up, context)
    }

    /// Rendered alone, a data step is the last of its migration and settles its deferred checks;
    /// in the migration a data step may follow it, and the deferral holds until the schema change.
    private func settled(_ statements: [SQLStatement], _ context: Where) -> [SQLStatement] {
        context.schemaChangeFollows ? statements : statements.filter { !$0.facts.contains(.deferredChecksSettled) }
    }

    private func sqlCalls(_ operation: MGenSpec.Operation, _ context: Where) throws(DiagnosticError) -> [String] {
        // Run in parts, a step whose statements span parts (a deferrable add_unique) has its boundaries.
        inParts ? sqlLinesInParts(try render(operation, context)) : sqlLines(try render(operation, context))
    }

    /// `migrator.sql(...)` per statement, its comment above it.
    /// `call`: another function than `migrator.sql` (a cursor's `execute` takes no parameters,
    /// so its `%` stays as it is).
    private func sqlLines(_ statements: [SQLStatement], call: String = "migrator.sql") -> [String] {
        let escapesPercent = call == "migrator.sql" && self.escapesPercent
        var lines: [String] = []
        for statement in statements {
            if let comment = statement.comment { lines += LineComment.hash.list(comment) }
            let text = statement.sql
            if text.contains("\n") {
                lines.append("\(call)(")
                let literal = Self.tripleQuoted(text, escapePercent: escapesPercent)
                lines += literal.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
                    i == 0 ? "    " + line : String(line)
                }
                lines[lines.count - 1] += ","
                lines.append(")")
            } else {
                lines.append("\(call)(\(Self.py(text, escapePercent: escapesPercent)))")
            }
        }
        return lines
    }

    // MARK: - Python text

    /// A Python string literal, quoted as `repr` quotes it. `%` is doubled where the driver (psycopg,
    /// PyMySQL) reads the SQL as a format string: peewee always passes parameters, even none.
    static func py(_ text: String, escapePercent: Bool = false) -> String {
        PythonLiteral.string(text, escapePercent: escapePercent)
    }

    /// A triple-quoted literal for multi-line SQL (its lines indented with the code around it).
    static func tripleQuoted(_ text: String, escapePercent: Bool) -> String {
        var body = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"\"\"", with: "\\\"\\\"\\\"")
        if escapePercent { body = body.replacingOccurrences(of: "%", with: "%%") }
        return "\"\"\"\\\n" + body + "\n\"\"\""
    }

    /// Text safe inside a `"""docstring"""`.
    static func docstringText(_ text: String) -> String { PythonLiteral.docstring(text) }

    static let pythonKeywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    /// Names a field must not take on a peewee Model (its own attributes and methods).
    static let modelAttributes: Set<String> = [
        "save", "delete", "delete_instance", "select", "update", "insert", "insert_many", "insert_from", "replace", "create",
        "get", "get_or_none", "get_by_id", "get_id", "set_id", "dirty_fields", "is_dirty", "bulk_create", "bulk_update",
        "alias", "filter", "index", "add_index", "create_table", "drop_table", "table_exists", "truncate_table", "noop",
        "raw", "dependencies", "copy", "bind", "bind_ctx", "DoesNotExist",
    ]

    /// The field name of a column: the column itself when Python and peewee allow it.
    static func fieldName(_ column: String) -> String {
        var name = String(column.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_")) ? Character(scalar) : "_"
        })
        if name.isEmpty || name.first?.isNumber == true { name = "f_" + name }
        if name.hasPrefix("_") { name = "f" + name }
        if pythonKeywords.contains(name) || modelAttributes.contains(name) { name += "_" }
        return name
    }

    /// `EveryType` for `every_type`: the model class name peewee_migrate's generator would use.
    static func className(_ table: String) -> String {
        let name = camel(table)
        return name.first?.isLetter == true ? name : "T" + name
    }

    /// `Datetime6` for `DATETIME(6)`, `Decimal10x2` for `DECIMAL(10,2)`.
    static func camel(_ text: String) -> String {
        var parts: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) { current.unicodeScalars.append(scalar) } else if !current.isEmpty {
                parts.append(current)
                current = ""
            }
        }
        if !current.isEmpty { parts.append(current) }
        var out = ""
        for (i, part) in parts.enumerated() {
            if i > 0, part.first?.isNumber == true, parts[i - 1].last?.isNumber == true { out += "x" }
            out += part.prefix(1).uppercased() + part.dropFirst().lowercased()
        }
        return out
    }
}
