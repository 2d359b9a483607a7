import Foundation
import MGenSpec
import MGenSQL

/// Renders a migration's steps as the body of Alembic's `upgrade()` / `downgrade()`: `op.*` calls
/// with `sa.*` types, written for one dialect (the file is emitted per dialect, so each type is
/// the one that makes exactly the column mgen's own SQL makes there).
///
/// Where the steps need it, calls are grouped the way Alembic users group them: PostgreSQL work
/// that cannot run in a transaction inside `with op.get_context().autocommit_block():`, SQLite
/// table changes that need a rebuild inside `with op.batch_alter_table(...) as batch_op:`.
struct AlembicRenderer {
    let dialect: Dialect
    let sql: any SQLDialect
    /// What Alembic does differently on this database (one table, AlembicTraits).
    let traits: AlembicTraits
    /// What the database can do.
    var can: DialectCapabilities { dialect.capabilities }
    /// Dialect modules the body uses (`postgresql`, `mysql`), for the imports.
    private(set) var modules: Set<String> = []

    let options: RenderOptions

    init(dialect: Dialect, options: RenderOptions = RenderOptions()) {
        self.dialect = dialect
        self.options = options
        self.sql = SQLRenderer.make(dialect, options: options)
        self.traits = .of(dialect)
    }

    /// Where a run of calls goes.
    enum Block: Equatable {
        case plain
        case autocommit
        /// SQLite: `op.batch_alter_table(table, ...)`; `always` forces the copy where Alembic's
        /// "auto" would try an ALTER that SQLite refuses (NOT NULL column without a default).
        case batch(table: String, autoincrement: Bool, always: Bool)
    }

    struct Chunk {
        var block: Block
        var lines: [String]
    }

    // MARK: - Body

    /// The body lines of one function (indented for a function body), "pass" when empty; nil for
    /// the down of an irreversible migration.
    mutating func body(_ planned: PlannedMigration, _ direction: Direction) throws(DiagnosticError) -> [String]? {
        var chunks: [Chunk] = []
        var diagnostics: [Diagnostic] = []
        let walked = StepDriver(planned, target: "alembic", dialect: dialect).forEach(direction, into: &diagnostics) {
            (step, context) throws(Unsupported) in
            chunks += try keepingExpressionIndexes(try render(step.operation, context), context)
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        guard walked else { return nil }
        // Consecutive chunks of the same block share one `with`.
        var merged: [Chunk] = []
        for chunk in chunks {
            if let last = merged.last, last.block == chunk.block, chunk.block != .plain {
                merged[merged.count - 1].lines += chunk.lines
            } else {
                merged.append(chunk)
            }
        }
        var lines: [String] = []
        // After an autocommit block Alembic begins a new transaction: the timeouts open it again.
        // So does a spec that is outside a transaction only for its concurrent step (issue 13).
        let timeouts = planned.runsInTransaction || (planned.migration.transaction == nil && planned.up.count > 1)
            ? options.timeouts.statements(dialect, transactional: true).map { execute($0.sql) } : []
        for (position, chunk) in merged.enumerated() {
            switch chunk.block {
            case .plain:
                if position > 0, merged[position - 1].block == .autocommit { lines += indent(timeouts, "    ") }
                lines += indent(chunk.lines, "    ")
            case .autocommit:
                lines.append("    with op.get_context().autocommit_block():")
                lines += indent(chunk.lines, "        ")
            case let .batch(table, autoincrement, always):
                var call = AlembicCall("op.batch_alter_table", [AlembicPython.string(table)])
                if always { call.add("recreate", AlembicPython.string("always")) }
                // The copy is made from the reflected table, which does not say AUTOINCREMENT.
                if autoincrement { call.add("table_kwargs", "{\(AlembicPython.string("sqlite_autoincrement")): True}") }
                lines.append("    with \(call.text) as batch_op:")
                lines += indent(chunk.lines, "        ")
            }
        }
        return lines.isEmpty ? ["    pass"] : lines
    }

    /// Prefixes every physical line (a multi-line call or string has several), leaving blank ones blank.
    private func indent(_ lines: [String], _ prefix: String) -> [String] {
        lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false) }
            .map { $0.isEmpty ? "" : prefix + $0 }
    }

    // MARK: - Operations

    /// The operation kind → its Alembic rendering, in one place.
    mutating func render(_ operation: MGenSpec.Operation, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        // spec 1.1: schemas. A step on a table of another schema (or a schema step): op.execute
        // of the dialect's SQL, whose names are qualified; the down executes the inverse's.
        if case let .object(change) = operation, case let .schema(schema)? = change.object(in: context.before) {
            // SQLAlchemy's own constructs (2.0: if_not_exists / if_exists, as mgen's SQL has them).
            let name = AlembicPython.string(schema.name)
            if case .create = change { return plain("op.execute(sa.schema.CreateSchema(\(name)\(options.idempotent ? ", if_not_exists=True" : "")))") }
            if case .drop = change { return plain("op.execute(sa.schema.DropSchema(\(name)\(options.idempotent ? ", if_exists=True" : "")))") }
        }
        if let native = try schemaTable(operation, context) { return native }
        if operation.touchesSchema(in: context.before), !nativeStepInSchema(operation, context) { return try execute(operation, context) }
        // spec 1.1: generated columns and collations. sa.Computed and a type's collation= where a
        // column is declared; a change of such a column or of a collation is op.execute (alter_column
        // restates no generation expression), and so is, on SQLite, every batch step on such a
        // table (the batch copies the table as SQLAlchemy reflects it).
        if case .alterColumn = operation, operation.touchesGeneratedOrCollatedColumn(in: context.before) { return try execute(operation, context) }
        // MySQL: Alembic renames with CHANGE, which restates the column without its generation
        // expression (errno 1907 "not yet supported for generated columns": seed 17, fixture
        // alembic-mysql-rename-generated-column); mgen's RENAME COLUMN restates nothing.
        if can.modifyRestatesColumn, case let .renameColumn(table, from, _) = operation,
           context.before.table(table)?.column(from)?.generated != nil {
            return try execute(operation, context)
        }
        // SQLite adds a STORED generated column only by mgen's table rebuild.
        if case let .addColumn(_, column, _, _) = operation, column.generated?.isStored(dialect) == true, traits.batchMode {
            return try execute(operation, context)
        }
        if traits.batchMode, !["create_table", "add_column", "drop_table"].contains(operation.kind),
           operation.onTableWithGeneratedOrCollatedColumn(context.before, context.after) {
            // An enum column's CHECK is a table constraint in Alembic's tables (create_table and
            // every batch declare it so), which SQLite's DROP COLUMN refuses: the rebuild (seed 21).
            if case let .dropColumn(table, column) = operation, let sqlite = sql as? SQLiteDialect,
               let dropped = context.before.table(table)?.column(column), enumCheck(table, dropped) != nil {
                return try sqlite.dropColumnByRebuild(table, column, context).map { chunk($0, note: nil) }
            }
            return try execute(operation, context)
        }
        switch operation {
        case let .createTable(table): return try createTable(table)
        case let .dropTable(name): return plain(call("op.drop_table", [AlembicPython.string(name)]))
        case let .renameTable(from, to): return try renameTable(from, to, context)
        case let .addColumn(table, column, unique, fk): return try addColumn(table, column, unique: unique, foreignKey: fk, context)
        case let .dropColumn(table, column): return try dropColumn(table, column, context)
        case let .renameColumn(table, from, to): return try renameColumn(table, from, to, context)
        case let .alterColumn(change): return try alterColumn(change, context)
        case let .createIndex(index, concurrently):
            // MySQL: an index that covers a foreign key's own index (MySQL's, or one mgen gave back
            // and MySQL keeps) drops it in the same ALTER TABLE, as mgen's SQL does; op.create_index
            // alone left a restored one behind, and a later give-back then found its name taken.
            if can.implicitForeignKeyIndexes, try !sql.createIndex(index, concurrently: concurrently, context).droppedForeignKeyIndexes.isEmpty {
                return try execute(operation, context)
            }
            return try createIndex(index, concurrently: concurrently)
        case let .dropIndex(name, _, concurrently): return try dropIndex(name, concurrently: concurrently, context)
        case let .addForeignKey(fk): return try addForeignKey(fk, context)
        case let .addUnique(unique):
            // MySQL: the same for a unique that covers a key's own index.
            if can.implicitForeignKeyIndexes, try !sql.addUnique(unique, context).droppedForeignKeyIndexes.isEmpty {
                return try execute(operation, context)
            }
            return try addUnique(unique, context)
        case let .addCheck(check): return try addCheck(check, context)
        case let .dropConstraint(table, name):
            // MySQL refuses to drop a unique that is the only index a foreign key can use: mgen's SQL
            // gives the key its own index back in the same ALTER TABLE (seed 7: the down of an
            // add_unique using_index over a key's column, fixture alembic-mysql-drop-unique-under-fk).
            if can.implicitForeignKeyIndexes, try !sql.dropConstraint(table, name, context).restoredForeignKeyIndexes.isEmpty {
                return try execute(operation, context)
            }
            return try dropConstraint(table, name, context)
        case .validateConstraint, .sql, .backfill:
            // No Alembic call for these: the dialect's SQL, through op.execute.
            return try execute(operation, context)
        // spec 1.1: views, functions, triggers, extensions, sequences (op.execute; the down
        // executes the SQL of the derived inverse, which restores the old body from the state)
                // spec 1.1: enum types. Alembic's autogenerate writes no ALTER TYPE either: op.execute.
        // spec 1.1: data steps (op.execute of the dialect's SQL)
        case .addEnumValue where context.direction == .up && dialect.capabilities.namedEnumTypes:
            // Alembic's env.py runs every pending migration in one transaction by default, and a
            // value ADD VALUE made there cannot be used by a later migration of the same run
            // (PostgreSQL: "unsafe use of new value"; seed 21, fixture alembic-enum-value-used-next-migration).
            // Alembic's documented form: ADD VALUE in an autocommit block, committed at once.
            return try execute(operation, context).map { Chunk(block: .autocommit, lines: $0.lines) }
        case .object, .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue, .insert, .delete, .update:
            return try execute(operation, context)
        // spec 1.1: primary keys (op.execute: op.create_primary_key cannot take over an index,
        // and on SQLite the step is mgen's table rebuild)
        case .addPrimaryKey, .dropPrimaryKey:
            return try execute(operation, context)
        // spec 1.1: renames (Alembic has no rename_index call)
        case .renameIndex:
            return try execute(operation, context)
        // spec 1.1: constraint renames (Alembic has no call to rename a constraint)
        case .renameConstraint:
            return try execute(operation, context)
        // spec 1.1: altering in place (Alembic has no call for table options or deferrability)
        case .alterTable, .alterConstraint:
            return try execute(operation, context)
        // spec 1.1: unique constraints from a unique index (Alembic has no call to take an index over)
        case .addUniqueUsingIndex:
            return try execute(operation, context)
        // spec 1.1: comments (op.create_table_comment / op.drop_table_comment, with the comment
        // before as existing_comment so Alembic's own reverse would restore it)
        case let .commentTable(table, comment):
            guard dialect.capabilities.comments else { return plain("# Nothing to change on \(dialect) (it keeps no table comments).") }
            var alter = AlembicCall(comment == nil ? "op.drop_table_comment" : "op.create_table_comment", [tableArgument(table)])
            if let comment { alter.add(AlembicPython.string(comment)) }
            schemaArguments(table).forEach { alter.add($0) }
            if let previous = context.before.table(table)?.comment { alter.add("existing_comment", AlembicPython.string(previous)) }
            return plain(alter.text)
        }
    }

    /// SQLite: a batch copies the table as SQLAlchemy reflects it, and SQLAlchemy skips indexes
    /// on expressions, so the copy would silently lose them: they are dropped before the batch
    /// and created again after it, as they are once the step is done.
    private func keepingExpressionIndexes(_ chunks: [Chunk], _ context: StepContext) throws(Unsupported) -> [Chunk] {
        guard traits.batchMode else { return chunks }
        var out: [Chunk] = []
        for chunk in chunks {
            guard case let .batch(tableName, _, _) = chunk.block else { out.append(chunk); continue }
            func expressionIndexes(_ state: SchemaState) -> [Index] {
                // spec 1.1: and keys with options, which the reflected copy may not keep either.
                state.indexes(on: tableName).filter { $0.parts.contains { $0.columnName == nil } || $0.hasKeyOrStorageOptions }
            }
            let before = expressionIndexes(context.before), after = expressionIndexes(context.after)
            // spec 1.1: the batch's copy drops the table's triggers and cannot rename while views read it
            let objects = try sql.aroundTableCopy(tableName, context)
            if !objects.before.isEmpty { out.append(Chunk(block: .plain, lines: objects.before.map { execute($0.sql) })) }
            if !before.isEmpty {
                out.append(Chunk(block: .plain, lines: before.map {
                    call("op.drop_index", [AlembicPython.string($0.name), "table_name=\(AlembicPython.string(tableName))"])
                }))
            }
            out.append(chunk)
            for index in after { out += try createIndex(index, concurrently: false) }
            if !objects.after.isEmpty { out.append(Chunk(block: .plain, lines: objects.after.map { execute($0.sql) })) }
        }
        return out
    }

    /// SQLite drops a column with its own ALTER TABLE, which refuses a column that a CHECK names
    /// (an enum's): then a batch drops the CHECK and the column together.
    private func dropColumn(_ tableName: String, _ column: String, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let table = try context.before.requiredTable(tableName)
        if traits.batchMode, let check = enumCheck(tableName, try table.requiredColumn(column)) {
            return [Chunk(block: batch(try context.after.requiredTable(tableName), always: true),
                          lines: [call("batch_op.drop_constraint", [AlembicPython.string(check.name), "type_='check'"]),
                                  call("batch_op.drop_column", [AlembicPython.string(column)])])]
        }
        return plain(call("op.drop_column", [tableArgument(tableName), AlembicPython.string(column)] + schemaArguments(tableName)))
    }

    private func plain(_ lines: String...) -> [Chunk] { [Chunk(block: .plain, lines: lines)] }

    private func call(_ function: String, _ arguments: [String]) -> String { AlembicCall(function, arguments).text }

    private func list(_ names: [String]) -> String { "[" + names.map(AlembicPython.string).joined(separator: ", ") + "]" }


    /// Whether SQLite keeps this column as its rowid alias (`INTEGER PRIMARY KEY AUTOINCREMENT`).
    private func isRowidAlias(_ column: Column, in table: Table) -> Bool {
        dialect.capabilities.rowidAlias && column.identity && table.primaryKey?.columns == [column.name]
    }

    private func hasRowidAlias(_ table: Table) -> Bool { table.columns.contains { isRowidAlias($0, in: table) } }

    private func batch(_ table: Table, always: Bool = false) -> Block {
        .batch(table: table.name, autoincrement: hasRowidAlias(table), always: always)
    }

    mutating func createTable(_ table: Table) throws(Unsupported) -> [Chunk] {
        // spec 1.1: schemas. A table of another schema: its bare name and `schema=` (AlembicSchemas.swift).
        let name = QualifiedName(table.name)
        var create = AlembicCall("op.create_table", [AlembicPython.string(name.name)])
        for column in table.columns { create.add(try columnCall(column, in: table)) }
        if let pk = table.primaryKey {
            var constraint = AlembicCall("sa.PrimaryKeyConstraint", pk.columns.map(AlembicPython.string))
            // MySQL names every primary key PRIMARY.
            if dialect.capabilities.namedPrimaryKeys { constraint.add("name", AlembicPython.string(pk.name)) }
            create.add(constraint.text)
        }
        // PostgreSQL's CREATE TABLE drops a UNIQUE that repeats the key's (or an earlier unique's)
        // columns without a word: such a unique is added after the table, as mgen's SQL does.
        let (inline, after) = table.uniquesOfCreateTable(on: dialect)
        if !can.uniquesAsIndexes {
            for unique in inline {
                var constraint = AlembicCall("sa.UniqueConstraint", unique.columns.map(AlembicPython.string) + ["name=\(AlembicPython.string(unique.name))"])
                addDeferrable(unique.deferrable, to: &constraint) // spec 1.1: deferrable constraints
                create.add(constraint.text)
            }
        }
        for check in enumChecks(table) + table.checks { create.add(checkConstraint(check)) }
        for fk in table.foreignKeys { create.add(foreignKeyConstraint(fk)) }
        if let comment = table.comment { create.add("comment", AlembicPython.string(comment)) }
        // spec 1.1: MySQL table options, as SQLAlchemy's dialect keywords
        if can.tableOptions, let options = table.mysqlOptions {
            if let engine = options.engine { create.add("mysql_engine", AlembicPython.string(engine)) }
            if let charset = options.charset { create.add("mysql_charset", AlembicPython.string(charset)) }
            if let collate = options.collate { create.add("mysql_collate", AlembicPython.string(collate)) }
        }
        if hasRowidAlias(table) { create.add("sqlite_autoincrement", "True") }
        if let schema = name.schema { create.add("schema", AlembicPython.string(schema)) }
        var lines = [create.multiline(indent: "")]
        // SQLite: unique constraints are unique indexes (droppable without a rebuild), as in mgen's SQL.
        if can.uniquesAsIndexes {
            lines += table.uniques.map { uniqueIndex($0) }
        } else {
            lines += after.map { uniqueConstraintCall("op.create_unique_constraint", $0) }
        }
        return [Chunk(block: .plain, lines: lines)]
    }

    private func uniqueIndex(_ unique: UniqueConstraint) -> String {
        call("op.create_index", [AlembicPython.string(unique.name), AlembicPython.string(unique.table), list(unique.columns), "unique=True"])
    }

    private func checkConstraint(_ check: CheckConstraint) -> String {
        var call = AlembicCall("sa.CheckConstraint", [AlembicPython.string(AlembicPython.escapingBindColons(check.expression)), "name=\(AlembicPython.string(check.name))"])
        if check.notValid, dialect.capabilities.notValidConstraints { call.add("postgresql_not_valid", "True") }
        return call.text
    }

    private func foreignKeyConstraint(_ fk: ForeignKey) -> String {
        var call = AlembicCall("sa.ForeignKeyConstraint", [list(fk.columns), list(fk.referencedColumns.map { "\(QualifiedName(fk.referencedTable)).\($0)" })])
        call.add("name", AlembicPython.string(fk.name))
        addActions(fk, to: &call)
        if fk.notValid, dialect.capabilities.notValidConstraints { call.add("postgresql_not_valid", "True") }
        return call.text
    }

    private func addActions(_ fk: ForeignKey, to call: inout AlembicCall) {
        if let action = fk.onDelete { call.add("ondelete", AlembicPython.string(action.sql)) }
        if let action = fk.onUpdate { call.add("onupdate", AlembicPython.string(action.sql)) }
        addDeferrable(fk.deferrable, to: &call)
    }

    /// spec 1.1: deferrable constraints, as SQLAlchemy's constraints and Alembic's ops take them.
    private func addDeferrable(_ deferrable: Deferrability?, to call: inout AlembicCall) {
        guard let deferrable else { return }
        call.add("deferrable", "True")
        call.add("initially", AlembicPython.string(deferrable == .deferred ? "DEFERRED" : "IMMEDIATE"))
    }

    private func uniqueConstraintCall(_ name: String, _ unique: UniqueConstraint) -> String {
        var create = AlembicCall(name, [AlembicPython.string(unique.name), tableArgument(unique.table), list(unique.columns)] + schemaArguments(unique.table))
        addDeferrable(unique.deferrable, to: &create)
        return create.text
    }

    /// The CHECK that stands in for an enum on PostgreSQL and SQLite, named as mgen's SQL names it.
    private func enumChecks(_ table: Table) -> [CheckConstraint] {
        guard dialect.capabilities.enumStrategy == .checkConstraint else { return [] }
        return table.columns.compactMap { enumCheck(table.name, $0) }
    }

    /// mgen's SQL's CHECK, its column quoted: a bare name is a syntax error where it is a
    /// reserved word (`group`).
    private func enumCheck(_ table: String, _ column: Column) -> CheckConstraint? {
        guard dialect.capabilities.enumStrategy == .checkConstraint else { return nil }
        return sql.enumCheck(table: table, column: column)
    }

    // MARK: Columns and types

    /// `sa.Column(name, type, [sa.Identity()], server_default=, autoincrement=, nullable=, comment=)`,
    /// in the order Alembic's autogenerate writes them.
    mutating func columnCall(_ column: Column, in table: Table) throws(Unsupported) -> String {
        var call = AlembicCall("sa.Column", [AlembicPython.string(column.name), try type(column.type, column: column, in: table)])
        // spec 1.1: generated columns (SQLAlchemy's Computed: GENERATED ALWAYS AS (…) STORED|VIRTUAL)
        if let generated = column.generated {
            guard let expression = generated.expression.text(for: dialect) else { _ = try sql.generatedClause(column); return "" }
            call.add("sa.Computed(\(AlembicPython.string(AlembicPython.escapingBindColons(expression))), persisted=\(generated.isStored(dialect) ? "True" : "False"))")
        }
        let singleIntegerKey = table.primaryKey?.columns == [column.name] && (column.type.isWholeNumber || isRowidAlias(column, in: table))
        if column.identity, traits.identity == .identityConstruct { call.add("sa.Identity(always=False)") }
        if let value = column.defaultValue { call.add("server_default", serverDefault(value, type: column.type)) }
        if column.identity, traits.identity == .autoincrementArgument { call.add("autoincrement", "True") }
        // Without this, SQLAlchemy makes a single integer key SERIAL / AUTO_INCREMENT.
        if !column.identity, singleIntegerKey { call.add("autoincrement", "False") }
        call.add("nullable", column.nullable && !isRowidAlias(column, in: table) ? "True" : "False")
        if let comment = column.comment { call.add("comment", AlembicPython.string(comment)) }
        return call.text
    }

    func serverDefault(_ value: DefaultValue, type: ColumnType) -> String {
        switch value {
        case let .literal(.string(text)): return AlembicPython.string(text)
        case let .literal(.boolean(flag)): return flag ? "sa.true()" : "sa.false()"
        case let .literal(.integer(number)): return "sa.text(\(AlembicPython.string(String(number))))"
        case let .literal(.number(text)): return "sa.text(\(AlembicPython.string(text)))"
        case .literal(.null): return "sa.text('NULL')"
        case .sql:
            // The dialect's spelling (`CURRENT_TIMESTAMP(6)` on MySQL for `now()`), as mgen's SQL has it.
            return "sa.text(\(AlembicPython.string(AlembicPython.escapingBindColons(sql.defaultExpression(value, type: type)))))"
        }
    }

    /// The SQLAlchemy type that renders, in this dialect, the column type mgen's SQL declares.
    mutating func type(_ type: ColumnType, column: Column?, in table: Table?) throws(Unsupported) -> String {
        if let column, let table, isRowidAlias(column, in: table) { return "sa.Integer()" }
        // spec 1.1: collations — the column's own type takes `collation=` (SQLAlchemy quotes it as
        // the dialect needs); a type that cannot is refused, naming the way out.
        if let column, column.type == type, let collation = column.collation(dialect) {
            var plain = column
            plain.collation = nil
            let text = try self.type(type, column: plain, in: table)
            guard text.hasPrefix("sa.String(") || text.hasPrefix("sa.Text(") || text.hasPrefix("sa.CHAR("), text.hasSuffix(")") else {
                throw Unsupported("Alembic cannot give column '\(column.name)' (\(type)) a collation", fix: "use string(n), char(n) or text, or an `sql` step")
            }
            let argument = "collation=\(AlembicPython.string(collation))"
            return text.hasSuffix("()") ? String(text.dropLast()) + argument + ")" : String(text.dropLast()) + ", " + argument + ")"
        }
        switch (type, dialect) {
        case (.boolean, _): return "sa.Boolean()"
        case (.smallint, _): return "sa.SmallInteger()"
        case (.integer, _): return "sa.Integer()"
        case (.bigint, _): return "sa.BigInteger()"
        case let (.decimal(p, s), .sqlite): return "sa.DECIMAL(precision=\(p), scale=\(s))"
        case let (.decimal(p, s), _): return "sa.Numeric(precision=\(p), scale=\(s))"
        case (.real, .mysql): return "sa.Float()" // REAL is DOUBLE on MySQL
        case (.real, _): return "sa.REAL()"
        case (.double, _): return "sa.Double()"
        case let (.string(n), _): return "sa.String(length=\(n))"
        case (.text, _): return "sa.Text()"
        case (.binary, _): return "sa.LargeBinary()"
        case (.date, _): return "sa.Date()"
        case (.time, _): return "sa.Time()"
        case (.timestamp, .mysql): return module("mysql", "DATETIME(fsp=6)")
        case (.timestamp, _): return "sa.DateTime()"
        case (.timestamptz, .mysql): return module("mysql", "TIMESTAMP(fsp=6)")
        case (.timestamptz, _): return "sa.DateTime(timezone=True)"
        case (.uuid, .postgresql): return "sa.Uuid()"
        case (.uuid, _): return "sa.CHAR(length=36)" // sa.Uuid() would be CHAR(32)
        case (.json, .postgresql): return module("postgresql", "JSONB(astext_type=sa.Text())")
        case (.json, .sqlite): return "sa.Text()"
        case (.json, _): return "sa.JSON()"
        case let (.enumeration(values), .mysql): return "sa.Enum(\(values.map(AlembicPython.string).joined(separator: ", ")))"
        case (.enumeration, _): return "sa.Text()" // with a CHECK, as mgen's SQL makes it
        // spec 1.1: enum types. The type exists already (create_enum_type): the column only names it.
        case let (.enumType(name), .postgresql):
            return module("postgresql", "ENUM(name=\(AlembicPython.string(name)), create_type=False)")
        case let (.enumType(name), _): throw Unsupported.inlineEnumType(name, dialect)
        // spec 1.1: column types. SQLite: the plain type, as mgen's SQL declares it.
        case let (.temporal(kind, _), .sqlite): return try self.type(kind.plain, column: column, in: table)
        case let (.temporal(.time, p), .postgresql): return module("postgresql", "TIME(precision=\(p))")
        case let (.temporal(.timestamp, p), .postgresql): return module("postgresql", "TIMESTAMP(precision=\(p))")
        case let (.temporal(.timestamptz, p), .postgresql): return module("postgresql", "TIMESTAMP(timezone=True, precision=\(p))")
        case let (.temporal(.time, p), .mysql): return module("mysql", "TIME(fsp=\(p))")
        case let (.temporal(.timestamp, p), .mysql): return module("mysql", "DATETIME(fsp=\(p))")
        case let (.temporal(.timestamptz, p), .mysql): return module("mysql", "TIMESTAMP(fsp=\(p))")
        case let (.char(n), _): return "sa.CHAR(length=\(n))"
        case (.varchar, .mysql): throw Unsupported.unboundedVarchar(column?.name)
        case (.varchar, _): return "sa.String()"
        case let (.unsigned(kind), .mysql): return module("mysql", "\(kind == .integer ? "INTEGER" : kind.rawValue.uppercased())(unsigned=True)")
        case (.unsigned, _): throw Unsupported.unsigned(column?.name, dialect)
        case let (.array(element), .postgresql): return module("postgresql", "ARRAY(\(try self.type(element, column: nil, in: nil)))")
        case (.array, _): throw Unsupported.array(column?.name, dialect)
        case let (.native(map), _):
            guard let name = map[dialect.rawValue] ?? map["default"] else {
                throw Unsupported("type \(type) has no \(dialect) spelling", fix: "add `\(dialect): <type>` to the type mapping")
            }
            return try native(name)
        }
    }

    private mutating func module(_ name: String, _ type: String) -> String {
        modules.insert(name)
        return "\(name).\(type)"
    }

    /// A dialect-specific type name → the SQLAlchemy type that declares it.
    private mutating func native(_ text: String) throws(Unsupported) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var base = trimmed.lowercased()
        var arguments: [Int] = []
        if let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") {
            base = trimmed[..<open].trimmingCharacters(in: .whitespaces).lowercased()
            let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            arguments = parts.compactMap { Int($0) }
            if arguments.count != parts.count {
                throw Unsupported("no SQLAlchemy type for '\(text)'", fix: "use a neutral type, or a `sql` step for this column")
            }
        }
        let one = arguments.first
        switch (base, arguments.count) {
        case ("varchar", 1), ("character varying", 1): return "sa.String(length=\(one ?? 0))"
        case ("char", 1), ("character", 1): return "sa.CHAR(length=\(one ?? 0))"
        case ("numeric", 2), ("decimal", 2): return "sa.Numeric(precision=\(arguments[0]), scale=\(arguments[1]))"
        case ("text", 0): return "sa.Text()"
        case ("integer", 0), ("int", 0): return "sa.Integer()"
        case ("bigint", 0): return "sa.BigInteger()"
        case ("smallint", 0): return "sa.SmallInteger()"
        case ("boolean", 0), ("bool", 0): return "sa.Boolean()"
        case ("date", 0): return "sa.Date()"
        case ("real", 0): return "sa.REAL()"
        case ("blob", 0): return "sa.BLOB()"
        default: break
        }
        let upper = base.uppercased().replacingOccurrences(of: " ", with: "_")
        guard traits.nativeTypes.contains(upper) else {
            throw Unsupported("no SQLAlchemy type for \(dialect) type '\(text)'",
                              fix: "use a neutral type, or one SQLAlchemy's \(dialect) dialect has")
        }
        let arguments2: String
        switch upper {
        case "JSONB" where traits.jsonTakesAstextType, "JSON" where traits.jsonTakesAstextType: arguments2 = "astext_type=sa.Text()"
        case "DATETIME", "TIMESTAMP", "TIME": arguments2 = one.map { "fsp=\($0)" } ?? ""
        case "VARBINARY", "BINARY", "BIT": arguments2 = one.map { "length=\($0)" } ?? ""
        default:
            guard arguments.isEmpty else {
                throw Unsupported("no SQLAlchemy type for \(dialect) type '\(text)' with arguments", fix: "use a neutral type")
            }
            arguments2 = ""
        }
        return module(traits.name, "\(upper)(\(arguments2))")
    }

    // MARK: Tables and columns

    private mutating func renameTable(_ from: String, _ to: String, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        var lines = [call("op.rename_table", [tableArgument(from), tableArgument(to)] + schemaArguments(from))]
        // mgen names an enum's CHECK after its table; Alembic has no call to rename a constraint
        // (PostgreSQL: RENAME CONSTRAINT; SQLite: mgen's table rebuild).
        if can.enumStrategy == .checkConstraint {
            lines += try sql.renameTable(from, to: to, context).dropFirst().map { execute($0.sql) }
        }
        return [Chunk(block: .plain, lines: lines)]
    }

    private mutating func addColumn(_ tableName: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                                    _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let table = try context.after.requiredTable(tableName)
        let definition = try columnCall(column, in: table)
        let check = enumCheck(tableName, column)
        if traits.batchMode {
            // What SQLite's ALTER TABLE cannot add goes through a batch (a table copy), as in mgen's SQL.
            let nonConstantDefault: Bool = if case .sql = column.defaultValue { true } else { false }
            let notNullWithoutDefault = !column.nullable && column.defaultValue == nil
            if notNullWithoutDefault || nonConstantDefault || foreignKey != nil || check != nil {
                // The batch would copy the table as SQLAlchemy reflects it: a generated column as
                // a plain one (SQLite refuses the INSERT into it: generated seed 24), a collated one
                // without its collation (seed 11). mgen's rebuild, as for the other batch steps.
                if context.before.table(tableName)?.columns.contains(where: \.hasGeneratedOrCollation) == true {
                    return try execute(.addColumn(table: tableName, column: column, unique: unique, foreignKey: foreignKey), context)
                }
                var lines = ["batch_op.add_column(\(definition))"]
                if let check { lines.append(call("batch_op.create_check_constraint", [AlembicPython.string(check.name), AlembicPython.string(check.expression)])) }
                if let fk = foreignKey { lines.append(batchForeignKey(fk)) }
                var chunks = [Chunk(block: batch(table, always: notNullWithoutDefault && foreignKey == nil && check == nil), lines: lines)]
                if let unique { chunks.append(Chunk(block: .plain, lines: [uniqueIndex(unique)])) }
                return chunks
            }
            var lines = [call("op.add_column", [AlembicPython.string(tableName), definition])]
            if let unique { lines.append(uniqueIndex(unique)) }
            return [Chunk(block: .plain, lines: lines)]
        }
        var lines = [call("op.add_column", [tableArgument(tableName), definition] + schemaArguments(tableName))]
        if let check { lines.append(call("op.create_check_constraint", [AlembicPython.string(check.name), tableArgument(tableName), AlembicPython.string(check.expression)] + schemaArguments(tableName))) }
        if let unique { lines.append(uniqueConstraintCall("op.create_unique_constraint", unique)) }
        if let fk = foreignKey { lines.append(foreignKeyCall(fk)) }
        return [Chunk(block: .plain, lines: lines)]
    }

    /// `existing_*=` arguments: what Alembic needs to restate a column (MySQL's MODIFY / CHANGE
    /// rewrite the whole column) and what keeps the call readable elsewhere.
    private mutating func existing(_ old: Column, in table: Table, keepNullable: Bool, keepDefault: Bool, keepComment: Bool,
                                   into call: inout AlembicCall) throws(Unsupported) {
        call.add("existing_type", try type(old.type, column: old, in: table))
        if keepNullable { call.add("existing_nullable", old.nullable ? "True" : "False") }
        guard can.modifyRestatesColumn else { return }
        if keepDefault, let value = old.defaultValue { call.add("existing_server_default", serverDefault(value, type: old.type)) }
        if keepComment, let comment = old.comment { call.add("existing_comment", AlembicPython.string(comment)) }
        if old.identity { call.add("existing_autoincrement", "True") }
    }

    private mutating func renameColumn(_ tableName: String, _ from: String, _ to: String, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let table = try context.before.requiredTable(tableName)
        let old = try table.requiredColumn(from)
        var rename = AlembicCall("op.alter_column", [tableArgument(tableName), AlembicPython.string(from)] + schemaArguments(tableName))
        rename.add("new_column_name", AlembicPython.string(to))
        try existing(old, in: table, keepNullable: true, keepDefault: true, keepComment: true, into: &rename)
        var lines = [rename.text]
        // An enum's CHECK follows its column's name (as in renameTable).
        if can.enumStrategy == .checkConstraint {
            lines += try sql.renameColumn(tableName, from, to: to, context).dropFirst().map { execute($0.sql) }
        }
        return [Chunk(block: .plain, lines: lines)]
    }

    private mutating func alterColumn(_ change: AlterColumn, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let table = try context.before.requiredTable(change.table)
        let newTable = try context.after.requiredTable(change.table)
        let old = try table.requiredColumn(change.column)
        let new = try newTable.requiredColumn(change.column)
        let typeChanges = change.type != nil && change.type != old.type
        let comment = dialect.capabilities.comments ? change.comment : nil // SQLite keeps no comments
        try sql.checkTypeChange(change)
        // PostgreSQL, a table that may hold rows: MGenSQL's NOT NULL through a validated CHECK, the
        // VALIDATE in an autocommit block so that it does not run under the ADD's lock (outside a
        // transaction every statement goes in one).
        if can.notValidConstraints, context.isExisting(change.table), change.nullable == false, old.nullable, !typeChanges {
            let chunks = try execute(.alterColumn(change), context)
            return context.inTransaction ? chunks : chunks.map { Chunk(block: .autocommit, lines: $0.lines) }
        }
        let prefix = traits.batchMode ? "batch_op" : "op"
        let tableArgument = traits.batchMode ? [] : [self.tableArgument(change.table)]
        let schema = traits.batchMode ? [] : schemaArguments(change.table)  // after the positional arguments
        var lines: [String] = []
        let oldCheck = typeChanges ? enumCheck(change.table, old) : nil
        let newCheck = typeChanges ? enumCheck(change.table, new) : nil
        if let oldCheck {
            lines.append(call("\(prefix).drop_constraint", [AlembicPython.string(oldCheck.name)] + tableArgument + ["type_='check'"] + schema))
        }
        var alter = AlembicCall("\(prefix).alter_column", tableArgument + [AlembicPython.string(change.column)] + schema)
        let oldTypeText = try type(old.type, column: old, in: table)
        let newTypeText = try type(change.type ?? old.type, column: new, in: newTable)
        let typeArgument = typeChanges && newTypeText != oldTypeText
        // PostgreSQL casts the default along with the column and refuses a default it cannot cast
        // (a boolean's false to integer), and Alembic changes the type before the default: as in
        // mgen's SQL, the old default goes first and the kept or new one is set after.
        let defaultMoves = can.typeChangeCastsDefault && typeArgument && old.defaultValue != nil
        if defaultMoves {
            var drop = AlembicCall("op.alter_column", tableArgument + [AlembicPython.string(change.column)] + schema)
            try existing(old, in: table, keepNullable: true, keepDefault: false, keepComment: true, into: &drop)
            drop.add("server_default", "None")
            lines.append(drop.text)
        }
        if typeArgument || change.nullable != nil || change.defaultChange != nil || comment != nil {
            try existing(old, in: table, keepNullable: change.nullable == nil, keepDefault: change.defaultChange == nil,
                         keepComment: comment == nil, into: &alter)
            if let nullable = change.nullable { alter.add("nullable", nullable ? "True" : "False") }
            // An enum whose values change stays TEXT on PostgreSQL and SQLite: only its CHECK changes.
            if typeArgument, let type = change.type {
                alter.add("type_", try self.type(type, column: new, in: newTable))
                if can.alterTypeUsing {
                    // As mgen's SQL: USING makes every conversion explicit.
                    let typeName = try sql.typeName(type, column: new)
                    let using = change.using ?? "\(sql.quote(change.column))::\(typeName)"
                    alter.add("postgresql_using", AlembicPython.string(AlembicPython.escapingBindColons(using)))
                }
            }
            switch change.defaultChange {
            case let .set(value)?: alter.add("server_default", serverDefault(value, type: new.type))
            case .drop?: if !defaultMoves { alter.add("server_default", "None") }
            case nil: if defaultMoves, let value = new.defaultValue { alter.add("server_default", serverDefault(value, type: new.type)) }
            }
            if let comment {
                alter.add("comment", comment.isEmpty ? "None" : AlembicPython.string(comment))
                if let previous = old.comment { alter.add("existing_comment", AlembicPython.string(previous)) }
            }
            lines.append(alter.text)
        }
        if let newCheck {
            lines.append(call("\(prefix).create_check_constraint", [AlembicPython.string(newCheck.name)] + tableArgument + [AlembicPython.string(newCheck.expression)] + schema))
        }
        if lines.isEmpty { return [Chunk(block: .plain, lines: ["# Nothing to change on \(dialect) (it keeps no column comments)."])] }
        return [Chunk(block: traits.batchMode ? batch(newTable) : .plain, lines: lines)]
    }

    // MARK: Indexes and constraints

    private func createIndex(_ index: Index, concurrently: Bool) throws(Unsupported) -> [Chunk] {
        var create = AlembicCall("op.create_index", [AlembicPython.string(index.name), tableArgument(index.table)])
        try sql.checkIndexOptions(index)  // spec 1.1: what the dialect refuses, Alembic would send
        create.add("[" + index.parts.enumerated().map { i, part in
            // spec 1.1: a key with options is the dialect's key text (`"created_at" DESC`,
            // `"title" gin_trgm_ops`, `` `body`(20) ``): what postgresql_ops / mysql_length make.
            let key = sql.indexKey(index, i)
            if !index.keyOptions(i).isDefault, key != part.columnName.map(sql.quote) {
                return "sa.text(\(AlembicPython.string(AlembicPython.escapingBindColons(key))))"
            }
            switch part {
            case let .column(name): return AlembicPython.string(name)
            case let .expression(text): return "sa.text(\(AlembicPython.string(AlembicPython.escapingBindColons(text))))"
            }
        }.joined(separator: ", ") + "]")
        create.add("unique", index.unique ? "True" : "False")
        schemaArguments(index.table).forEach { create.add($0) }
        // spec 1.1: INCLUDE and storage parameters (PostgreSQL; refused elsewhere above).
        if !index.include.isEmpty { create.add("postgresql_include", list(index.include)) }
        if !index.storage.isEmpty {
            create.add("postgresql_with", "{" + index.storage.map { "\(AlembicPython.string($0.name)): \(AlembicPython.string($0.value))" }.joined(separator: ", ") + "}")
        }
        try sql.checkIndexShape(index)
        if let method = index.method, method != "btree" { create.add("\(traits.name)_using", AlembicPython.string(method)) }
        if let predicate = index.predicate {
            create.add("\(traits.name)_where", "sa.text(\(AlembicPython.string(AlembicPython.escapingBindColons(predicate))))")
        }
        if concurrently, dialect.capabilities.concurrentIndexes {
            create.add("postgresql_concurrently", "True")
            return [Chunk(block: .autocommit, lines: [create.text])]
        }
        var lines: [String] = []
        if concurrently, can.onlineIndexes { lines.append("# InnoDB builds it online (ALGORITHM=INPLACE, LOCK=NONE) by default.") }
        return [Chunk(block: .plain, lines: lines + [create.text])]
    }

    private func dropIndex(_ name: String, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        guard let index = context.before.index(name) else { throw Unsupported("unknown index '\(name)'") }
        var drop = AlembicCall("op.drop_index", [AlembicPython.string(name)])
        drop.add("table_name", tableArgument(index.table))
        schemaArguments(index.table).forEach { drop.add($0) }
        if concurrently, dialect.capabilities.concurrentIndexes {
            drop.add("postgresql_concurrently", "True")
            return [Chunk(block: .autocommit, lines: [drop.text])]
        }
        var lines: [String] = []
        if dialect.capabilities.implicitForeignKeyIndexes, let table = context.before.table(index.table) {
            // MySQL refuses to drop the only index a foreign key can use: give the key its own first.
            for fk in table.foreignKeys where Array(index.columnNames.prefix(fk.columns.count)) == fk.columns
                && MySQLDialect.createsImplicitIndex(fk, in: table, state: context.after) {
                lines.append(call("op.create_index", [AlembicPython.string(fk.name), AlembicPython.string(index.table), list(fk.columns), "unique=False"]))
            }
        }
        return [Chunk(block: .plain, lines: lines + [drop.text])]
    }

    private func foreignKeyCall(_ fk: ForeignKey) -> String {
        var create = AlembicCall("op.create_foreign_key", [AlembicPython.string(fk.name), tableArgument(fk.table), tableArgument(fk.referencedTable),
                                                      list(fk.columns), list(fk.referencedColumns)]
                                 + schemaArguments(fk.table, keyword: "source_schema") + schemaArguments(fk.referencedTable, keyword: "referent_schema"))
        addActions(fk, to: &create)
        if fk.notValid, dialect.capabilities.notValidConstraints { create.add("postgresql_not_valid", "True") }
        return create.text
    }

    private func batchForeignKey(_ fk: ForeignKey) -> String {
        var create = AlembicCall("batch_op.create_foreign_key", [AlembicPython.string(fk.name), AlembicPython.string(fk.referencedTable),
                                                            list(fk.columns), list(fk.referencedColumns)])
        addActions(fk, to: &create)
        return create.text
    }

    private func addForeignKey(_ fk: ForeignKey, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        if traits.batchMode {
            return [Chunk(block: batch(try context.after.requiredTable(fk.table)), lines: [batchForeignKey(fk)])]
        }
        return plain(foreignKeyCall(fk))
    }

    private func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        if can.uniquesAsIndexes { return plain(uniqueIndex(unique)) }
        // PostgreSQL, a table that may hold rows (issue 13): op.create_index CONCURRENTLY in an
        // autocommit block (after mgen's cleanup of an INVALID index a failed run left), then the
        // constraint takes the index over (op.execute: create_unique_constraint cannot say USING INDEX).
        let statements = try sql.addUnique(unique, context)
        if statements.contains(where: \.takesOverIndex) {
            var chunks: [Chunk] = []
            for statement in statements {
                if statement.kind == .createIndex {
                    chunks += try createIndex(Index(name: unique.name, table: unique.table, parts: unique.columns.map { .column($0) }, unique: true),
                                              concurrently: true)
                } else {
                    chunks.append(chunk(statement, note: nil))
                }
            }
            return chunks
        }
        return plain(uniqueConstraintCall("op.create_unique_constraint", unique))
    }

    private func addCheck(_ check: CheckConstraint, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let expression = AlembicPython.string(AlembicPython.escapingBindColons(check.expression))
        if traits.batchMode {
            return [Chunk(block: batch(try context.after.requiredTable(check.table)),
                          lines: [call("batch_op.create_check_constraint", [AlembicPython.string(check.name), expression])])]
        }
        var create = AlembicCall("op.create_check_constraint", [AlembicPython.string(check.name), tableArgument(check.table), expression] + schemaArguments(check.table))
        if check.notValid, dialect.capabilities.notValidConstraints { create.add("postgresql_not_valid", "True") }
        return plain(create.text)
    }

    private func dropConstraint(_ tableName: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let table = try context.before.requiredTable(tableName)
        let kind: String
        if table.primaryKey?.name == name {
            kind = "primary"
        } else if table.uniques.contains(where: { $0.name == name }) {
            kind = "unique"
        } else if table.foreignKeys.contains(where: { $0.name == name }) {
            kind = "foreignkey"
        } else if table.checks.contains(where: { $0.name == name }) {
            kind = "check"
        } else {
            throw Unsupported("unknown constraint '\(name)' on '\(tableName)'")
        }
        if can.uniquesAsIndexes, kind == "unique" { return plain(call("op.drop_index", [AlembicPython.string(name), "table_name=\(AlembicPython.string(tableName))"])) }
        if traits.batchMode {
            return [Chunk(block: batch(try context.after.requiredTable(tableName)),
                          lines: [call("batch_op.drop_constraint", [AlembicPython.string(name), "type_=\(AlembicPython.string(kind))"])])]
        }
        var lines = [call("op.drop_constraint", [AlembicPython.string(name), tableArgument(tableName), "type_=\(AlembicPython.string(kind))"] + schemaArguments(tableName))]
        // MySQL made an index for the key when none led with its columns; it outlives the key.
        if dialect.capabilities.implicitForeignKeyIndexes, kind == "foreignkey", let fk = table.foreignKeys.first(where: { $0.name == name }),
           MySQLDialect.createsImplicitIndex(fk, in: table, state: context.before) {
            lines.append(call("op.drop_index", [AlembicPython.string(name), "table_name=\(AlembicPython.string(tableName))"]))
        }
        return [Chunk(block: .plain, lines: lines)]
    }

    // MARK: Raw SQL

    private func execute(_ statement: String) -> String {
        "op.execute(\(AlembicPython.sqlString(statement, indent: "")))"
    }

    /// The dialect's SQL for what Alembic has no call for; statements that cannot run in a
    /// transaction (a backfill that commits per batch) go in an autocommit block.
    private func execute(_ operation: MGenSpec.Operation, _ context: StepContext) throws(Unsupported) -> [Chunk] {
        let statements = try SQLRenderer(dialect: dialect, options: options).render(operation, context)
        if statements.isEmpty { return [] }
        let note: String? = if case .validateConstraint = operation { "Alembic has no call for VALIDATE CONSTRAINT." } else { nil }
        return statements.map { chunk($0, note: note) }
    }

    /// One statement through op.execute, in an autocommit block when it cannot share the migration's transaction.
    private func chunk(_ statement: SQLStatement, note: String?) -> Chunk {
        var lines = (statement.comment ?? note).map(LineComment.hash.list) ?? []
        if statement.ownTransaction {
            // VALIDATE, a unique constraint taking over its index: a transaction of its own inside
            // the autocommit block, opened by the lock timeout.
            lines += (["BEGIN"] + options.timeouts.validateStatements(dialect).map(\.sql) + [statement.sql, "COMMIT"]).map(execute)
        } else {
            lines.append(execute(statement.sql))
        }
        let apart = !statement.transactional || statement.ownTransaction  // VALIDATE: a transaction of its own
        return Chunk(block: apart ? .autocommit : .plain, lines: lines)
    }
}
