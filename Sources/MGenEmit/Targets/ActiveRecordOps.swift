import MGenSpec
import MGenSQL

/// Renders a migration's steps as ActiveRecord migration DSL for one dialect. Each step becomes
/// parts: Ruby calls (reversible by Rails' own CommandRecorder or not), calls that only make
/// sense on the way up (`validate_foreign_key`), or dialect SQL from MGenSQL with the SQL that
/// undoes it, which `change` wraps in `reversible do |dir|` / `up_only`.
///
/// Only DSL that ActiveRecord 6.1 (Debian's, which proves the target) has is used, so the file
/// is the same for every `Migration[x]` but for the bracket. Where 6.1 cannot make exactly what
/// mgen's SQL makes, the step is MGenSQL's SQL through `execute`:
/// - SQLite: every change ActiveRecord would do by copying the table (change_column*,
///   remove_column, rename_column, foreign keys, checks): 6.1's copy drops function defaults
///   (`CURRENT_TIMESTAMP`) and renames foreign keys to `fk_rails_...`;
/// - PostgreSQL: unique *constraints* (6.1 has unique indexes only), `rename_table` (ActiveRecord
///   renames the primary key index too), multi-column foreign keys, `ON DELETE SET DEFAULT`;
/// - raw `sql` steps and backfills (batched SQL from MGenSQL).
struct ActiveRecordRenderer {
    let dialect: Dialect
    let sql: any SQLDialect
    let renderer: SQLRenderer
    /// What ActiveRecord does differently on this database (one table, ActiveRecordTraits).
    let traits: ActiveRecordTraits
    /// What the database can do.
    var can: DialectCapabilities { dialect.capabilities }

    init(dialect: Dialect, options: RenderOptions = RenderOptions()) {
        self.dialect = dialect
        self.renderer = SQLRenderer(dialect: dialect, options: options)
        self.sql = renderer.dialect
        self.traits = .of(dialect)
    }

    enum Part {
        /// DSL lines; `invertible` when Rails can run them backwards inside `change`.
        case ruby([String], invertible: Bool)
        /// DSL lines that only belong on the way up (validation): `up_only` inside `change`.
        case upOnly([String])
        /// Dialect SQL and the SQL that undoes it ([] when nothing needs undoing; nil when unknown).
        case sql([SQLStatement], down: [SQLStatement]?)
        /// DSL lines Rails cannot run backwards, with the DSL lines that undo them: `reversible`
        /// inside `change` (e.g. `remove_foreign_key` by name alone, which Rails cannot invert).
        case upDown([String], down: [String])

        var fitsChange: Bool {
            switch self {
            case let .ruby(_, invertible): invertible
            case .upOnly: true
            case let .sql(_, down): down != nil
            case .upDown: true
            }
        }
    }

    // MARK: - Bodies

    /// The parts of each step of one direction, in order (nil: no down).
    func parts(_ planned: PlannedMigration, _ direction: Direction) throws(DiagnosticError) -> [[Part]]? {
        try StepDriver(planned, target: "activerecord", dialect: dialect).map(direction) { (step, context) throws(Unsupported) in
            try render(step, context)
        }
    }

    /// One direction's steps with mgen's SQL for each: what a migration run in parts splits on.
    func stepsWithStatements(_ planned: PlannedMigration, _ direction: Direction) throws(DiagnosticError) -> [(parts: [Part], statements: [SQLStatement])]? {
        try StepDriver(planned, target: "activerecord", dialect: dialect).map(direction) { (step, context) throws(Unsupported) in
            (try render(step, context), try renderer.render(step.operation, context))
        }
    }

    /// The lines of `def up` / `def down` for a direction run in parts (a migration split around a
    /// VALIDATE, under `disable_ddl_transaction!`): each part in an ActiveRecord `transaction`
    /// opened by its timeouts (a part outside a transaction as plain calls), under a comment that
    /// says what it is.
    func partLines(_ parts: [RunnerPart<(parts: [Part], statements: [SQLStatement])>]) -> [String] {
        var out: [String] = []
        for part in parts {
            var body = executes(part.opening)
            for (item, _) in part.items {
                switch item {
                case let .step(step): body += lines([step.parts], change: false).filter { !$0.hasPrefix("# Nothing to do") }
                case let .statement(statement): body += executes([statement])
                }
            }
            if !out.isEmpty { out.append("") }
            out += LineComment.hash.list(part.comment)
            out += part.isTransaction ? ["transaction do"] + Ruby.indent(body) + ["end"] : body
        }
        return out
    }

    /// The statements of mgen's SQL the lines of `parts` send (`lines(_:change:)` lays them out
    /// the same way): what the header must warn about.
    func sentStatements(_ steps: [[Part]], change: Bool) -> [SQLStatement] {
        steps.flatMap { $0 }.flatMap { part -> [SQLStatement] in
            guard case let .sql(up, down) = part else { return [] }
            return change ? up + (down ?? []) : up
        }
    }

    /// The lines of `def change` (reversing=true) or of `def up` / `def down`.
    func lines(_ steps: [[Part]], change: Bool) -> [String] {
        var groups: [[String]] = []
        for step in steps {
            var lines: [String] = []
            for part in step {
                switch part {
                case let .ruby(code, _):
                    lines += code
                case let .upOnly(code):
                    lines += change ? ["up_only do"] + Ruby.indent(code) + ["end"] : code
                case let .upDown(up, down):
                    guard change else { lines += up; continue }
                    lines.append("reversible do |dir|")
                    lines += Ruby.indent(["dir.up do"] + Ruby.indent(up) + ["end"])
                    lines += Ruby.indent(["dir.down do"] + Ruby.indent(down) + ["end"])
                    lines.append("end")
                case let .sql(up, down):
                    guard change else { lines += executes(up); continue }
                    let downLines = executes(down ?? [])
                    if downLines.isEmpty {
                        if !up.isEmpty { lines += ["up_only do"] + Ruby.indent(executes(up)) + ["end"] }
                        continue
                    }
                    lines.append("reversible do |dir|")
                    if !up.isEmpty { lines += Ruby.indent(["dir.up do"] + Ruby.indent(executes(up)) + ["end"]) }
                    lines += Ruby.indent(["dir.down do"] + Ruby.indent(downLines) + ["end"])
                    lines.append("end")
                }
            }
            if !lines.isEmpty { groups.append(lines) }
        }
        var out: [String] = []
        for (i, group) in groups.enumerated() {
            // A blank line around anything longer than one call, as Rails migrations are laid out.
            if i > 0, group.count > 1 || groups[i - 1].count > 1 { out.append("") }
            out += group
        }
        return out.isEmpty ? ["# Nothing to do on \(dialect)."] : out
    }

    private func executes(_ statements: [SQLStatement]) -> [String] {
        statements.flatMap { statement in
            (statement.comment.map(LineComment.hash.list) ?? []) + Ruby.execute(statement.sql)
        }
    }

    // MARK: - Steps

    func render(_ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        // spec 1.1: deferrable constraints (Rails 6.1 has no `deferrable:`): execute, with the inverse's SQL
        if step.operation.touchesDeferrableConstraint(in: step.before) { return try raw(step, context) }
        // spec 1.1: MySQL table options: mgen's CREATE TABLE (execute), with the inverse's SQL
        if step.operation.touchesMySQLTableOptions(in: step.before, on: dialect) { return try raw(step, context) }
        // spec 1.1: schemas: execute of the dialect's qualified SQL, with the inverse's
        // Rails 6.1 takes "billing.invoices" for a table in its table calls (ActiveRecordSchemas.swift).
        if step.operation.touchesSchema(in: step.before), !nativeStepInSchema(step.operation, context) { return try raw(step, context) }
        // spec 1.1: generated columns and collations (Rails 6.1 has no `virtual`): execute, with the
        // inverse's SQL; on SQLite every step on such a table, which Rails' table copy would
        // rebuild without them. A collated column is `collation:` where Rails writes the whole
        // column (create_table, add_column, the down of remove_column); change_column restates
        // only the type, which would reset a collation, so an alter of one stays SQL.
        if step.operation.touchesGeneratedOrCollatedColumn(in: step.before, collations: !Self.writesWholeColumns(step.operation))
            || (!dialect.capabilities.alterTableChangesConstraints && step.operation.onTableWithGeneratedOrCollatedColumn(step.before, context.after)) {
            return try raw(step, context)
        }
        switch step.operation {
        case let .createTable(table):
            return try createTable(table, step, context)
        case let .dropTable(name):
            return [.ruby([Ruby.call("drop_table", [Ruby.table(name)])], invertible: false)]
        case let .renameTable(from, to):
            let statements = try statements(step, context)
            guard !traits.renameTableRenamesKeyIndex, statements.count == 1 else { return try raw(step, context) }
            return [.ruby([Ruby.call("rename_table", [Ruby.symbol(from), Ruby.symbol(to)])], invertible: true)]
        case let .addColumn(tableName, column, unique, fk):
            return try addColumn(tableName, column, unique: unique, foreignKey: fk, step, context)
        case let .dropColumn(tableName, name):
            guard !traits.copiesTableToAlter else { return try raw(step, context) }
            let table = try context.before.requiredTable(tableName)
            let column = try table.requiredColumn(name)
            guard !column.identity else { return try raw(step, context) }
            let definition = try columnArguments(column, in: table)
            // With the type and options Rails can add it back when it runs `change` backwards;
            // an enum's CHECK (PostgreSQL) it cannot, so such a column needs up/down.
            return [.ruby([Ruby.call("remove_column", [Ruby.table(tableName), Ruby.symbol(name), definition.type], definition.options)],
                          invertible: enumCheck(tableName, column) == nil)]
        case let .renameColumn(tableName, from, to):
            guard !traits.copiesTableToAlter, try statements(step, context).count == 1 else { return try raw(step, context) }
            return [.ruby([Ruby.call("rename_column", [Ruby.table(tableName), Ruby.symbol(from), Ruby.symbol(to)])], invertible: true)]
        case let .alterColumn(change):
            return try alterColumn(change, step, context)
        case let .createIndex(index, concurrently):
            return try createIndex(index, concurrently: concurrently, step, context)
        case let .dropIndex(name, _, concurrently):
            guard let index = context.before.index(name) else { throw Unsupported("unknown index '\(name)'") }
            // `table` is optional in the spec: the index's own table, from the state before the step.
            let tableName = index.table
            // MySQL: MGenSQL gives a foreign key that used this index one of its own in the same ALTER.
            if !(try statements(step, context).restoredForeignKeyIndexes.isEmpty) {
                return try raw(step, context)
            }
            guard let columns = indexColumns(index), keyOptionArguments(index) != nil else { return try raw(step, context) }
            guard index.parts.allSatisfy({ $0.columnName != nil }) else {
                // Rails 6.1 matches `column:` against the catalog's spelling of an expression
                // (`lower((email)::text)`), never the spec's: removed by name, added back as created.
                let algorithm = indexOptions(index, concurrently: concurrently).filter { $0.0 == "algorithm" }
                return [.upDown([Ruby.call("remove_index", [Ruby.table(tableName)], [("name", Ruby.string(name))] + algorithm)],
                                down: [Ruby.call("add_index", [Ruby.table(tableName), columns],
                                                 [("name", Ruby.string(name))] + indexOptions(index, concurrently: concurrently))])]
            }
            var options = [("column", columns)] + indexOptions(index, concurrently: concurrently)
            options.insert(("name", Ruby.string(name)), at: 1)
            return [.ruby([Ruby.call("remove_index", [Ruby.table(tableName)], options)], invertible: true)]
        case let .addForeignKey(fk):
            guard !traits.copiesTableToAlter, let call = foreignKeyCall("add_foreign_key", fk, validate: !fk.notValid) else { return try raw(step, context) }
            var parts: [Part] = []
            if dialect.capabilities.implicitForeignKeyIndexes, let table = context.after.table(fk.table),
               MySQLDialect.createsImplicitIndex(fk, in: table, state: context.after) {
                // MySQL made an index for the key that outlives it; run backwards, `change`
                // removes the key first (this block comes after it then), then the index.
                parts.append(.sql([], down: [sql.alterTableDropIndex(fk.table, fk.name)]))
            }
            return parts + [.upDown([call], down: [removeForeignKey(fk.table, fk.name)])]
        case let .addUnique(unique):
            // PostgreSQL, a table that may hold rows (issue 13): Rails' concurrent add_index (after
            // mgen's cleanup of an INVALID index a failed run left), then the constraint takes the
            // index over (Rails has no call for it); the migration has disable_ddl_transaction!.
            let statements = try statements(step, context)
            if statements.contains(where: \.takesOverIndex) {
                var lines: [String] = []
                for statement in statements {
                    if statement.kind == .createIndex {
                        lines.append(Ruby.call("add_index", [Ruby.table(unique.table), Ruby.symbols(unique.columns)],
                                               [("name", Ruby.string(unique.name)), ("unique", "true"), ("algorithm", ":concurrently")]))
                    } else {
                        lines += executes([statement])
                    }
                }
                return [.upDown(lines, down: executes(inverse(step, context) ?? []))]
            }
            guard dialect.capabilities.uniqueStorage == .index else { return try raw(step, context) }
            // MySQL and SQLite: a unique constraint is a unique index (mgen's SQL makes one too on SQLite).
            return [.ruby([Ruby.call("add_index", [Ruby.table(unique.table), Ruby.symbols(unique.columns)],
                                     [("unique", "true"), ("name", Ruby.string(unique.name))])], invertible: true)]
        case let .addCheck(check):
            guard !traits.copiesTableToAlter, spellsCheckName(check.name) else { return try raw(step, context) }
            var options = [("name", Ruby.string(check.name))]
            if check.notValid, dialect.capabilities.notValidConstraints { options.append(("validate", "false")) }
            return [.ruby([Ruby.call("add_check_constraint", [Ruby.table(check.table), Ruby.string(check.expression)], options)], invertible: true)]
        case let .validateConstraint(tableName, name):
            guard dialect.capabilities.notValidConstraints else { return try raw(step, context) }
            let table = try context.before.requiredTable(tableName)
            let method = table.foreignKeys.contains { $0.name == name } ? "validate_foreign_key"
                : table.checks.contains { $0.name == name } ? "validate_check_constraint" : nil
            guard let method else { return try raw(step, context) }
            return [.upOnly([Ruby.call(method, [Ruby.table(tableName)], [("name", Ruby.string(name))])])]
        case let .dropConstraint(tableName, name):
            return try dropConstraint(tableName, name, step, context)
        case .sql, .backfill:
            return try raw(step, context)
        // spec 1.1: views, functions, triggers, extensions, sequences (execute in reversible)
        // spec 1.1: enum types. create_enum and add_enum_value are Rails 7+; the body keeps to
        // ActiveRecord 6.1's DSL (see ActiveRecordEmitter): execute, up and down.
        case .object, .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue:
            return try raw(step, context)
        // spec 1.1: data steps (execute, with the inverse's SQL in `reversible`)
        case .insert, .delete, .update:
            return try raw(step, context)
        // spec 1.1: primary keys (Rails 6.1 has no call: execute, with the inverse's SQL)
        case .addPrimaryKey, .dropPrimaryKey:
            return try raw(step, context)
        // spec 1.1: renames — Rails' own rename_index (invertible). On SQLite Rails re-creates the
        // index from its reflection, which drops a key's DESC: mgen's SQL there.
        case let .renameIndex(name, to, table):
            guard !traits.copiesTableToAlter else { return try raw(step, context) }
            return [.ruby([Ruby.call("rename_index", [Ruby.symbol(table), Ruby.string(name), Ruby.string(to)])], invertible: true)]
        // spec 1.1: constraint renames (Rails has no call: execute, with the inverse's SQL)
        case .renameConstraint:
            return try raw(step, context)
        // spec 1.1: altering in place (Rails has no call for either: execute, with the inverse's SQL)
        case .alterTable, .alterConstraint:
            return try raw(step, context)
        // spec 1.1: unique constraints from a unique index (Rails has no call: execute, with the inverse's SQL)
        case .addUniqueUsingIndex:
            return try raw(step, context)
        // spec 1.1: comments — Rails' change_table_comment with from/to (invertible); SQLite keeps
        // no comments (its adapter raises NotImplementedError): nothing.
        case let .commentTable(table, comment):
            guard dialect.capabilities.comments else { return [] }
            let from = context.before.table(table)?.comment.map(Ruby.string) ?? "nil"
            return [.ruby([Ruby.call("change_table_comment", [Ruby.table(table)], [("from", from), ("to", comment.map(Ruby.string) ?? "nil")])], invertible: true)]
        }
    }

    // MARK: Tables and columns

    private func createTable(_ table: Table, _ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        var tableOptions: [(String, String)] = []
        var body: [String] = []
        var extras: [SQLStatement] = []
        var skip: String?
        let pkColumns = table.primaryKey?.columns ?? []
        // Identity columns other than a single-column key have no Rails spelling.
        if table.columns.contains(where: { $0.identity && pkColumns != [$0.name] }) { return try raw(step, context) }
        // SQLite: Rails writes an enum's CHECK at table level, and SQLite's DROP COLUMN refuses a
        // column a table CHECK names; mgen's SQL makes it the column's own constraint.
        if traits.tableDDLHoldsConstraintNames, table.columns.contains(where: { enumCheck(table.name, $0) != nil }) { return try raw(step, context) }
        if let pk = table.primaryKey, pk.columns.count == 1, let first = table.columns.first, first.name == pk.columns[0],
           first.identity, first.type == .integer || first.type == .bigint, first.comment == nil, first.defaultValue == nil {
            // The Rails way: `id: :bigint` makes bigserial / AUTO_INCREMENT / INTEGER PRIMARY KEY AUTOINCREMENT.
            tableOptions.append(("id", first.type == .bigint ? ":bigint" : ":integer"))
            if first.name != "id" { tableOptions.append(("primary_key", Ruby.symbol(first.name))) }
            skip = first.name
        } else if pkColumns.count > 1 {
            // SQLite keeps a key's name only in the table's DDL, and Rails writes `PRIMARY KEY (…)`
            // without one: mgen's SQL, which names it as the spec does (so for a single-column key
            // that is not the rowid alias, below).
            if traits.tableDDLHoldsConstraintNames { return try raw(step, context) }
            tableOptions.append(("primary_key", "[" + pkColumns.map(Ruby.symbol).joined(separator: ", ") + "]"))
        } else {
            // SQLite: a key that is not the rowid alias is named in mgen's SQL, unnamed by Rails.
            if traits.tableDDLHoldsConstraintNames, !pkColumns.isEmpty { return try raw(step, context) }
            tableOptions.append(("id", "false"))
        }
        // PostgreSQL names the key <table>_pkey (the bare name, in any schema); the spec names it otherwise.
        if let pk = table.primaryKey, traits.primaryKeyNamedAfterTable, pk.name != "\(QualifiedName(table.name).name)_pkey" {
            extras.append(sql.renameConstraintStatement(table.name, from: "\(QualifiedName(table.name).name)_pkey", to: pk.name))
        }
        if let comment = table.comment, dialect.capabilities.comments { tableOptions.append(("comment", Ruby.string(comment))) }
        for column in table.columns where column.name != skip {
            let arguments = try columnArguments(column, in: table)
            var options = arguments.options
            if pkColumns == [column.name] { options.insert(("primary_key", "true"), at: 0) }
            if let method = arguments.method {
                body.append(Ruby.call("t.\(method)", [Ruby.symbol(column.name)], options))
            } else {
                body.append(Ruby.call("t.column", [Ruby.symbol(column.name), arguments.type], options))
            }
        }
        for unique in table.uniques {
            if can.uniqueStorage == .constraint {
                // A constraint, as mgen's SQL makes it: ActiveRecord 6.1 has unique indexes only.
                extras += try sql.addUnique(unique, context)
            } else {
                body.append(Ruby.call("t.index", [Ruby.symbols(unique.columns)], [("unique", "true"), ("name", Ruby.string(unique.name))]))
            }
        }
        for check in table.columns.compactMap({ enumCheck(table.name, $0) }) + table.checks {
            if spellsCheckName(check.name) {
                body.append(Ruby.call("t.check_constraint", [Ruby.string(check.expression)], [("name", Ruby.string(check.name))]))
            } else {
                extras += try sql.addCheck(check, context)
            }
        }
        for fk in table.foreignKeys {
            guard let options = foreignKeyOptions(fk) else { return try raw(step, context) }
            body.append(Ruby.call("t.foreign_key", [Ruby.table(fk.referencedTable)], options))
        }
        let open = Ruby.call("create_table", [Ruby.table(table.name)], tableOptions) + " do |t|"
        var parts: [Part] = [.ruby([open] + Ruby.indent(body) + ["end"], invertible: true)]
        // Dropping the table takes these along, so `change` needs no down for them.
        if !extras.isEmpty { parts.append(.sql(extras, down: [])) }
        return parts
    }

    private func addColumn(_ tableName: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                           _ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        let table = try context.after.requiredTable(tableName)
        let check = enumCheck(tableName, column)
        let rebuild = isRebuild(try statements(step, context))
        if column.identity || (traits.copiesTableToAlter && (check != nil || foreignKey != nil)) || rebuild || check.map({ !spellsCheckName($0.name) }) == true {
            return try raw(step, context)
        }
        if let foreignKey, foreignKeyOptions(foreignKey) == nil { return try raw(step, context) }
        let definition = try columnArguments(column, in: table)
        // Run backwards, `add_column` is `remove_column`, which ActiveRecord 6.1 does on SQLite by
        // copying the table (losing function defaults, checks and key names): up/down there.
        var parts: [Part] = [.ruby([Ruby.call("add_column", [Ruby.table(tableName), Ruby.symbol(column.name), definition.type], definition.options)],
                                   invertible: !traits.copiesTableToAlter)]
        if let check {
            parts.append(.ruby([Ruby.call("add_check_constraint", [Ruby.table(tableName), Ruby.string(check.expression)],
                                          [("name", Ruby.string(check.name))])], invertible: true))
        }
        if let unique {
            if can.uniqueStorage == .constraint {
                // A new column's unique is added plainly, as mgen's ADD COLUMN … UNIQUE is (the index
                // holds NULLs only): not the concurrent build of a unique on an existing table, which
                // cannot run in this migration's transaction (seed 29).
                var plain = context
                plain.createdTables = (context.createdTables ?? []).union([tableName])
                parts.append(.sql(try sql.addUnique(unique, plain),
                                  down: [sql.dropConstraintStatement(tableName, unique.name)]))
            } else {
                parts.append(.ruby([Ruby.call("add_index", [Ruby.table(tableName), Ruby.symbols(unique.columns)],
                                              [("unique", "true"), ("name", Ruby.string(unique.name))])], invertible: true))
            }
        }
        if let foreignKey, let call = foreignKeyCall("add_foreign_key", foreignKey, validate: !foreignKey.notValid) {
            if dialect.capabilities.implicitForeignKeyIndexes, MySQLDialect.createsImplicitIndex(foreignKey, in: table, state: context.after) {
                parts.append(.sql([], down: [sql.alterTableDropIndex(tableName, foreignKey.name)]))
            }
            parts.append(.upDown([call], down: [removeForeignKey(tableName, foreignKey.name)]))
        }
        return parts
    }

    /// spec 1.1: collations. The steps whose Rails call states every column it writes in full.
    static func writesWholeColumns(_ operation: MGenSpec.Operation) -> Bool {
        switch operation {
        case .createTable, .addColumn, .dropColumn, .dropTable: true
        default: false
        }
    }

    private func alterColumn(_ change: AlterColumn, _ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        guard !traits.copiesTableToAlter else { return try raw(step, context) }
        let table = try context.before.requiredTable(change.table)
        let newTable = try context.after.requiredTable(change.table)
        let old = try table.requiredColumn(change.column)
        let new = try newTable.requiredColumn(change.column)
        let t = Ruby.table(change.table), c = Ruby.symbol(change.column)
        if let type = change.type, type != old.type {
            // An enum's CHECK (PostgreSQL) changes with it, and identity columns keep their sequence: MGenSQL's SQL.
            if enumCheck(change.table, old) != nil || enumCheck(change.table, new) != nil || old.identity {
                return try raw(step, context)
            }
            let definition = try columnArguments(new, in: newTable)
            var options = definition.options.filter { ["limit", "precision", "scale", "unsigned", "array"].contains($0.0) } // spec 1.1: column types (unsigned, array)
            if can.alterTypeUsing {
                let typeName = try sql.typeName(type, column: new)
                let using = change.using ?? "\(sql.quote(change.column))::\(typeName)"
                options.append(("using", Ruby.string(using)))
            }
            if change.nullable != nil || can.modifyRestatesColumn { options.append(("null", new.nullable ? "true" : "false")) }
            // PostgreSQL casts the old default along with the column and refuses the change when it
            // cannot ("default for column cannot be cast automatically"): dropped first, set after,
            // as MGenSQL does (seed 1, a text default back to timestamp).
            let defaultMoves = can.alterTypeUsing && old.defaultValue != nil
            if change.defaultChange != nil || can.modifyRestatesColumn || (defaultMoves && new.defaultValue != nil) {
                options.append(("default", new.defaultValue.map { defaultValue($0, type: new.type) } ?? "nil"))
            }
            if change.comment != nil, let comment = new.comment, !comment.isEmpty {
                options.append(("comment", Ruby.string(comment)))
            } else if change.comment != nil {
                // change_column keeps the column's comment unless `comment:` is given (the down
                // of a change that set one): nil removes it (MySQL: MODIFY without COMMENT).
                options.append(("comment", "nil"))
            }
            let drop = defaultMoves ? [Ruby.call("change_column_default", [t, c], [("from", old.defaultValue.map { defaultValue($0, type: old.type) } ?? "nil"), ("to", "nil")])] : []
            return [.ruby(drop + [Ruby.call("change_column", [t, c, definition.type], options)], invertible: false)]
        }
        // PostgreSQL, a table that may hold rows: MGenSQL's NOT NULL through a validated CHECK
        // (issue 13) instead of change_column_null's scan under ACCESS EXCLUSIVE; the migration
        // then has disable_ddl_transaction! (RenderedMigration.isSplit), so the VALIDATE commits alone.
        if can.notValidConstraints, change.nullable == false, old.nullable, context.isExisting(change.table),
           !table.provesNotNull(change.column) {
            return try raw(step, context)
        }
        // MySQL: change_column_null and change_column_comment re-state the column from the schema
        // cache, which has no AUTO_INCREMENT: the MODIFY drops it (seed 8, fixture
        // activerecord-mysql-comment-keeps-auto-increment). MGenSQL's MODIFY keeps it.
        if can.modifyRestatesColumn, old.identity, change.nullable != nil || change.comment != nil {
            return try raw(step, context)
        }
        var lines: [String] = []
        if let nullable = change.nullable, nullable != old.nullable {
            // MySQL: change_column_null re-states the column from the schema cache, where an SQL
            // default (CURRENT_TIMESTAMP) is not a default: MODIFY drops it (seed 19, fixture
            // activerecord-mysql-null-change-loses-sql-default). A change_column_default to the
            // same value on each side gives it back, after the change and after its reverse.
            var keep: String?
            if can.modifyRestatesColumn, case .sql? = old.defaultValue, let value = old.defaultValue { keep = defaultValue(value, type: old.type) }
            if let keep { lines.append(Ruby.call("change_column_default", [t, c], [("from", keep), ("to", keep)])) }
            lines.append(Ruby.call("change_column_null", [t, c, nullable ? "true" : "false"]))
            if let keep { lines.append(Ruby.call("change_column_default", [t, c], [("from", keep), ("to", keep)])) }
        }
        if change.defaultChange != nil, new.defaultValue != old.defaultValue {
            let from = old.defaultValue.map { defaultValue($0, type: old.type) } ?? "nil"
            let to = new.defaultValue.map { defaultValue($0, type: new.type) } ?? "nil"
            lines.append(Ruby.call("change_column_default", [t, c], [("from", from), ("to", to)]))
        }
        if change.comment != nil, new.comment != old.comment {
            let from = old.comment.map(Ruby.string) ?? "nil"
            let to = new.comment.flatMap { $0.isEmpty ? nil : Ruby.string($0) } ?? "nil"
            lines.append(Ruby.call("change_column_comment", [t, c], [("from", from), ("to", to)]))
        }
        if lines.isEmpty { return [] }
        return [.ruby(lines, invertible: true)]
    }

    /// `(method, type, options)` for a column: `t.<method> :name, options` in a table block, or
    /// `add_column :table, :name, <type>, options`. Each choice makes, in this dialect, the type
    /// mgen's SQL declares; where no Rails type does, the SQL type itself (Rails passes it through).
    func columnArguments(_ column: Column, in table: Table) throws(Unsupported) -> (method: String?, type: String, options: [(String, String)]) {
        var method: String?
        var options: [(String, String)] = []
        let pk = table.primaryKey?.columns == [column.name]
        switch (column.type, dialect) {
        case (.boolean, _): method = "boolean"
        case (.smallint, .postgresql), (.smallint, .mysql): method = "integer"; options.append(("limit", "2"))
        case (.integer, _) where !(pk && !column.identity): method = "integer"
        case (.bigint, _) where !(pk && !column.identity): method = "bigint"
        case let (.decimal(p, s), _): method = "decimal"; options += [("precision", String(p)), ("scale", String(s))]
        case (.real, .mysql): method = "float"
        case (.double, .postgresql): method = "float"
        case let (.string(n), _): method = "string"; options.append(("limit", String(n)))
        case (.text, _): method = "text"
        case (.binary, _): method = "binary"
        case (.date, _): method = "date"
        case (.time, _): method = "time"
        // Rails 7 gives datetime precision 6 unless told; mgen's SQL declares plain timestamp
        // (PostgreSQL, SQLite) and datetime(6) (MySQL), whatever Rails version runs the file.
        case (.timestamp, .mysql): method = "datetime"; options.append(("precision", "6"))
        case (.timestamp, _), (.timestamptz, .sqlite): method = "datetime"; options.append(("precision", "nil"))
        case (.timestamptz, .mysql): method = "timestamp"; options.append(("precision", "6"))
        case (.uuid, .postgresql): method = "uuid"
        // spec 1.1: column types. timestamptz(p) on PostgreSQL: the SQL type (Rails 6.1 has no :timestamptz).
        case let (.temporal(.time, p), .postgresql), let (.temporal(.time, p), .mysql): method = "time"; options.append(("precision", String(p)))
        case let (.temporal(.timestamp, p), .postgresql), let (.temporal(.timestamp, p), .mysql): method = "datetime"; options.append(("precision", String(p)))
        case let (.temporal(.timestamptz, p), .mysql): method = "timestamp"; options.append(("precision", String(p)))
        case (.temporal(.time, _), .sqlite): method = "time"
        case (.temporal, .sqlite): method = "datetime"; options.append(("precision", "nil"))
        // t.string without a limit: PostgreSQL's `character varying`, SQLite's `varchar`. A char(n)
        // has no Rails type: the SQL type, as Rails users write it (t.column :code, "char(3)").
        case (.varchar, .postgresql), (.varchar, .sqlite): method = "string"
        // MySQL only (the dialect rules refuse unsigned elsewhere).
        case (.unsigned(.smallint), .mysql): method = "integer"; options += [("limit", "2"), ("unsigned", "true")]
        case (.unsigned(.integer), .mysql) where !(pk && !column.identity): method = "integer"; options.append(("unsigned", "true"))
        case (.unsigned(.bigint), .mysql) where !(pk && !column.identity): method = "bigint"; options.append(("unsigned", "true"))
        case (.json, .postgresql): method = "jsonb"
        case (.json, .mysql): method = "json"
        case (.json, .sqlite): method = "text"
        case (.enumeration, .postgresql), (.enumeration, .sqlite): method = "text" // with a CHECK, as mgen's SQL makes it
        // spec 1.1: column types. Rails' `array: true` on the element's type (PostgreSQL).
        case let (.array(element), .postgresql):
            let inner = try columnArguments(Column(name: column.name, type: element), in: table)
            method = inner.method
            if method != nil { options += inner.options.filter { ["limit", "precision", "scale"].contains($0.0) } + [("array", "true")] }
        default: method = nil
        }
        let type: String
        if let method { type = ":" + method } else { type = Ruby.string(try sql.typeName(column.type, column: column)) }
        if !column.nullable, !(pk && column.identity) { options.append(("null", "false")) }
        if let value = column.defaultValue {
            options.append(("default", defaultValue(value, type: column.type, passedThrough: method == nil)))
        } else if pk, !column.identity, column.type == .integer || column.type == .bigint {
            // Rails makes an integer key without a `default:` key serial / AUTO_INCREMENT /
            // AUTOINCREMENT (integer_like_primary_key?); the spec's key is a plain column.
            options.append(("default", "nil"))
        }
        if let comment = column.comment, dialect.capabilities.comments { options.append(("comment", Ruby.string(comment))) }
        // spec 1.1: collations (Rails quotes it on PostgreSQL, as mgen's SQL does; on SQLite a step
        // on a table with a collated column is SQL, above)
        if let collation = column.collation(dialect) { options.append(("collation", Ruby.string(collation))) }
        return (method, type, options)
    }

    /// A default as Rails takes it: a Ruby literal, or a lambda for an SQL expression (in the
    /// dialect's spelling: `CURRENT_TIMESTAMP(6)` on MySQL for `now()`).
    func defaultValue(_ value: DefaultValue, type: ColumnType, passedThrough: Bool = false) -> String {
        switch value {
        case let .literal(.string(text)): return Ruby.string(text)
        // Rails casts a number for a decimal column to BigDecimal and writes `0.0` where mgen's SQL
        // (and the spec) say `0`: the number as SQL.
        case let .literal(.integer(number)) where type.isDecimal: return "-> { \(Ruby.string(String(number))) }"
        case let .literal(.integer(number)): return String(number)
        // An SQL type Rails passes through has no Rails type to cast a string with, so Rails
        // would quote it ('0.25'): the number as SQL, as mgen's SQL writes it.
        case let .literal(.number(text)) where passedThrough: return "-> { \(Ruby.string(text)) }"
        // A string, so Rails casts it with the column's type: no binary float on the way.
        case let .literal(.number(text)): return Ruby.string(text)
        case let .literal(.boolean(flag)): return flag ? "true" : "false"
        case .literal(.null): return "nil"
        case .sql: return "-> { \(Ruby.string(sql.defaultExpression(value, type: type))) }"
        }
    }

    /// The CHECK that stands in for an enum on PostgreSQL and SQLite, as mgen's SQL writes it.
    func enumCheck(_ table: String, _ column: Column) -> CheckConstraint? {
        guard can.enumStrategy == .checkConstraint else { return nil }
        return sql.enumCheck(table: table, column: column)
    }

    // MARK: Indexes and constraints

    private func createIndex(_ index: Index, concurrently: Bool, _ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        guard let columns = indexColumns(index), keyOptionArguments(index) != nil else { return try raw(step, context) }
        // What MGenSQL refuses (a partial index on MySQL), Rails would too. On MySQL an index that
        // covers a foreign key's own index drops it in the same ALTER TABLE (a restored one MySQL
        // keeps): MGenSQL's statement, or a later give-back finds the name taken.
        if try !statements(step, context).droppedForeignKeyIndexes.isEmpty { return try raw(step, context) }
        var lines: [String] = []
        if concurrently, can.onlineIndexes { lines.append("# InnoDB builds it in place, without blocking writes.") }
        lines.append(Ruby.call("add_index", [Ruby.table(index.table), columns],
                               [("name", Ruby.string(index.name))] + indexOptions(index, concurrently: concurrently)))
        // MySQL: a foreign key that leads with these columns gave up its own index for this one,
        // so dropping it needs MGenSQL's give-back (the down of up/down), not Rails' remove_index.
        if !index.parts.allSatisfy({ $0.columnName != nil }) {
            // Rails would undo it by `column:`, which it matches against the catalog's spelling of
            // the expression (`lower((email)::text)`), never the spec's: removed by name.
            return [.upDown(lines, down: [Ruby.call("remove_index", [Ruby.table(index.table)], [("name", Ruby.string(index.name))])])]
        }
        var invertible = true
        if dialect.capabilities.implicitForeignKeyIndexes, let table = context.after.table(index.table) {
            invertible = !table.foreignKeys.contains { fk in
                Array(index.columnNames.prefix(fk.columns.count)) == fk.columns
                    && MySQLDialect.createsImplicitIndex(fk, in: table, state: context.before)
            }
        }
        return [.ruby(lines, invertible: invertible)]
    }

    /// The index's columns for `add_index`: symbols, or one expression as a string.
    private func indexColumns(_ index: Index) -> String? {
        if index.parts.allSatisfy({ $0.columnName != nil }) { return Ruby.symbols(index.columnNames) }
        if index.parts.count == 1, case let .expression(text) = index.parts[0] { return Ruby.string(text) }
        return nil
    }

    private func indexOptions(_ index: Index, concurrently: Bool) -> [(String, String)] {
        var options: [(String, String)] = []
        if index.unique { options.append(("unique", "true")) }
        if let predicate = index.predicate { options.append(("where", Ruby.string(predicate))) }
        if let method = index.method, method != "btree" { options.append(("using", Ruby.symbol(method))) }
        options += keyOptionArguments(index) ?? []  // spec 1.1: index options
        if concurrently, let algorithm = traits.concurrentAlgorithm { options.append(("algorithm", algorithm)) }
        return options
    }

    /// `column:`, `primary_key:`, `name:`, actions: what makes the key mgen's SQL makes, and what
    /// Rails needs to invert `remove_foreign_key`. nil when Rails 6.1 cannot say it.
    private func foreignKeyOptions(_ fk: ForeignKey) -> [(String, String)]? {
        guard fk.columns.count == 1, fk.referencedColumns.count == 1 else { return nil }
        var options = [("column", Ruby.symbol(fk.columns[0])), ("primary_key", Ruby.symbol(fk.referencedColumns[0])),
                       ("name", Ruby.string(fk.name))]
        for (key, action) in [("on_delete", fk.onDelete), ("on_update", fk.onUpdate)] {
            switch action {
            case nil: break
            // Rails 6.1 has no :no_action; leaving the action out is NO ACTION on PostgreSQL but
            // RESTRICT on MariaDB, which reports the two apart.
            case .noAction?: if traits.omittedActionReadsRestrict { return nil }
            case .cascade?: options.append((key, ":cascade"))
            case .setNull?: options.append((key, ":nullify"))
            case .restrict?: options.append((key, ":restrict"))
            case .setDefault?: return nil
            }
        }
        return options
    }

    /// Whether ActiveRecord 6.1 can name a check constraint: it writes the name unquoted
    /// (`CONSTRAINT <name> CHECK`), so PostgreSQL folds a mixed-case name to lower case (and
    /// `remove_check_constraint` then finds none), and other characters break the statement.
    private func spellsCheckName(_ name: String) -> Bool {
        name.unicodeScalars.enumerated().allSatisfy { i, c in
            c == "_" || ("a"..."z").contains(c) || (traits.checkNamesKeepCase && ("A"..."Z").contains(c)) || (i > 0 && ("0"..."9").contains(c))
        }
    }

    /// `remove_foreign_key` by name alone: Rails 6.1 matches every other option (and the target
    /// table) against what it reads back from the catalog, which fails for reserved and
    /// mixed-case names and for MariaDB's RESTRICT. Rails cannot invert it, so where it undoes an
    /// `add_foreign_key` the two form a `reversible` block.
    private func removeForeignKey(_ table: String, _ name: String) -> String {
        Ruby.call("remove_foreign_key", [Ruby.table(table)], [("name", Ruby.string(name))])
    }

    private func foreignKeyCall(_ method: String, _ fk: ForeignKey, validate: Bool) -> String? {
        guard var options = foreignKeyOptions(fk) else { return nil }
        if !validate, dialect.capabilities.notValidConstraints { options.append(("validate", "false")) }
        return Ruby.call(method, [Ruby.table(fk.table), Ruby.table(fk.referencedTable)], options)
    }

    private func dropConstraint(_ tableName: String, _ name: String, _ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        let table = try context.before.requiredTable(tableName)
        if let fk = table.foreignKeys.first(where: { $0.name == name }) {
            guard !traits.copiesTableToAlter, let add = foreignKeyCall("add_foreign_key", fk, validate: true) else { return try raw(step, context) }
            // By name alone (see removeForeignKey); the key's own add_foreign_key undoes it.
            let remove = removeForeignKey(tableName, name)
            // MySQL made an index for the key; MGenSQL drops it too.
            if dialect.capabilities.implicitForeignKeyIndexes, MySQLDialect.createsImplicitIndex(fk, in: table, state: context.before) {
                return [.ruby([remove, Ruby.call("remove_index", [Ruby.table(tableName)], [("name", Ruby.string(name))])], invertible: false)]
            }
            return [.upDown([remove], down: [add])]
        }
        if let unique = table.uniques.first(where: { $0.name == name }), dialect.capabilities.uniqueStorage == .index {
            return [.ruby([Ruby.call("remove_index", [Ruby.table(tableName)],
                                     [("column", Ruby.symbols(unique.columns)), ("name", Ruby.string(name)), ("unique", "true")])], invertible: true)]
        }
        // A name Rails cannot write unquoted would come back folded when the remove is undone.
        if let check = table.checks.first(where: { $0.name == name }), !traits.copiesTableToAlter, spellsCheckName(name) {
            return [.ruby([Ruby.call("remove_check_constraint", [Ruby.table(tableName), Ruby.string(check.expression)],
                                     [("name", Ruby.string(name))])], invertible: true)]
        }
        return try raw(step, context)
    }

    // MARK: Raw SQL

    /// MGenSQL's statements for the step.
    private func statements(_ step: Step, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try renderer.render(step.operation, context)
    }

    private func isRebuild(_ statements: [SQLStatement]) -> Bool {
        !statements.rebuiltTables.isEmpty
    }

    /// The step as dialect SQL, with the SQL of its inverse (rendered from the state after it) for
    /// `reversible` inside `change`.
    private func raw(_ step: Step, _ context: StepContext) throws(Unsupported) -> [Part] {
        let up = try statements(step, context)
        return [.sql(up, down: inverse(step, context))]
    }

    private func inverse(_ step: Step, _ context: StepContext) -> [SQLStatement]? {
        guard let operations = step.operation.inverse(in: step.before) else { return nil }
        var state = context.after
        var out: [SQLStatement] = []
        for operation in operations {
            var next = state
            next.applyInverse(operation)
            do {
                var reverse = StepContext(before: state, after: next, inTransaction: context.inTransaction,
                                          migrationID: context.migrationID, direction: .down, position: context.position)
                // Rails runs the reversible blocks of `change` backwards: the step before this one follows its inverse.
                reverse.schemaChangeFollows = context.schemaChangePrecedes
                out += try renderer.render(operation, reverse)
            } catch {
                return nil
            }
            state = next
        }
        return out
    }

}

private extension ColumnType {
    var isDecimal: Bool { if case .decimal = self { true } else { false } }
}
