import Foundation
import MGenSpec
import MGenSQL

/// Knex: `<yyyymmddhhmmss>_<snake_name>.js` (or `.ts` with `--option ts=true`) with
/// `exports.up = function (knex) { return knex.schema... }` written with the schema builder, as
/// Knex users write it. `.raw(...)` (MGenSQL's dialect SQL) only where the builder cannot say it:
/// CONCURRENTLY and MySQL online index builds, partial and expression indexes, NOT VALID and
/// VALIDATE, type changes with USING, backfills, raw `sql` steps, SQLite rebuilds Knex does not do.
/// `exports.config = { transaction: false }` for migrations that must run outside a transaction.
public struct KnexEmitter: Emitter {
    public init() {}
    public let name = "knex"
    public let aliases: [String] = []
    public let dialects = Dialect.allCases
    public let layout = "<yyyymmddhhmmss>_<name>.js (.ts with --option ts=true), exports.up / exports.down"
    public let proof = "syntax only (node --check; tsc against minimal Knex declarations): Knex is not installable here"
    public let defaultVersioning = Versioning.timestamp
    public let acceptedOptions = [TargetOption.flag("ts", "write TypeScript (.ts) migrations")]
    public func defaultOutput(options: [String: String]) -> String? { "migrations" }  // knexfile's migrations.directory default

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let ts = try JS.flag("ts", context)
        let transactional = migration.upIsTransactional && migration.downIsTransactional
        var notes: [String] = []
        if KnexTraits.of(context.dialect).incrementsAreUnsigned, Self.usesIncrements(migration) {
            notes.append("Knex's increments() are unsigned on MySQL; columns referencing them are .unsigned() to match.")
        }
        guard let up = try JSStep.steps(migration, direction: .up, dialect: context.dialect, options: context.render) else { return [] }
        let down = try JSStep.steps(migration, direction: .down, dialect: context.dialect, options: context.render)
        // `config.transaction = false` covers both directions: timeouts only when both are transactional.
        func timeouts(up: Bool) -> [SQLStatement] {
            transactional ? migration.timeoutStatements(context.render, dialect: context.dialect, up: up) : []
        }
        // `config.transaction = false` for a migration split around a VALIDATE: each direction runs
        // in parts, each in a `knex.transaction` of its own with its timeouts.
        func directionBody(_ steps: [JSStep], _ statements: [SQLStatement], up: Bool) -> (code: String, sendsRebuild: Bool) {
            if migration.runsInParts(statements, dialect: context.dialect, runnerTransactional: transactional) {
                return (partsBody(migration.parts(steps, statements: \.statements, context.render, dialect: context.dialect)), false)
            }
            return body(steps, ts: ts, dialect: context.dialect, timeouts: timeouts(up: up))
        }
        let upBody = directionBody(up, migration.up, up: true)
        var sendsRebuild = upBody.sendsRebuild
        var values: [String: Any] = [
            "up": upBody.code,
            "noTransaction": !transactional,
        ]
        if let down {
            let downBody = directionBody(down, migration.down ?? [], up: false)
            values["down"] = downBody.code
            sendsRebuild = sendsRebuild || downBody.sendsRebuild
        } else {
            let reason = migration.planned.migration.irreversible ?? "no down"
            values["down"] = "  throw new Error(\(JS.string("\(migration.planned.name) is irreversible: \(reason)")));"
        }
        values["header"] = JS.header(migration, context, notes: notes, sendsRebuild: sendsRebuild)
        let template = ts ? "knex/knex.migration.ts.mustache" : "knex/knex.migration.js.mustache"
        return [EmittedFile(path: "\(context.version)_\(slug(migration.planned.name)).\(ts ? "ts" : "js")",
                            contents: try context.templates.render(template, values))]
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        // JavaScript, not SQL: the statements are whatever the builder compiles when it runs.
        JS.scan(folder, digits: 14, separator: "_", extensions: ["js", "ts"], version: { String($0) }, read: { text in
            let transactional = !text.contains("transaction: false")
            return ([], text.contains("throw new Error(") ? nil : [], transactional, transactional)
        })
    }

    static func usesIncrements(_ migration: RenderedMigration) -> Bool {
        (migration.planned.up + (migration.planned.down ?? [])).contains { step in
            if case let .createTable(table) = step.operation { return table.columns.contains(where: \.identity) }
            if case let .addColumn(_, column, _, _) = step.operation { return column.identity }
            return false
        }
    }

    /// `return knex.schema` followed by one chained call per builder call or raw statement.
    func body(_ steps: [JSStep], ts: Bool, dialect: Dialect, timeouts: [SQLStatement] = []) -> (code: String, sendsRebuild: Bool) {
        let perStep = steps.map { (step: $0, calls: Self.calls($0)) }
        let calls = Self.raw(timeouts) + perStep.flatMap(\.calls)
        let sendsRebuild = JSStep.sendsRebuild(perStep) { Self.raw([$0]) }
        if calls.isEmpty { return ("  // Nothing to do on \(dialect).\n" + (ts ? "  return;" : "  return Promise.resolve();"), sendsRebuild) }
        return ("  return knex.schema\n" + JS.indent(calls.joined(separator: "\n"), 4) + ";", sendsRebuild)
    }

    /// A direction run in parts, one after the other: each part's calls on `trx.schema` in a
    /// `knex.transaction` opened by its timeouts (a part outside a transaction on `knex.schema`),
    /// each under a comment that says what it is.
    func partsBody(_ parts: [RunnerPart<JSStep>]) -> String {
        let links = parts.map { part -> String in
            var calls = Self.raw(part.opening)
            for (item, _) in part.items {
                switch item {
                case let .step(step): calls += Self.calls(step)
                case let .statement(statement): calls += Self.raw([statement])
                }
            }
            let chain = JS.indent(calls.joined(separator: "\n"), 2)
            let code = part.isTransaction
                ? ".then(() => knex.transaction(async (trx) => {\n  await trx.schema\n" + JS.indent(chain, 2) + ";\n}))"
                : ".then(() => knex.schema\n" + chain + ")"
            return LineComment.slashes.lines(part.comment) + "\n" + code
        }
        return "  return Promise.resolve()\n" + JS.indent(links.joined(separator: "\n"), 4) + ";"
    }

    // MARK: Operations

    /// The chained calls of one step.
    static func calls(_ step: JSStep) -> [String] {
        let d = step.dialect
        // spec 1.1: deferrable constraints (the builder's .deferrable() is PostgreSQL-only): knex.raw
        if step.movesForeignKeyIndexes || step.operation.touchesDeferrableConstraint(in: step.before) { return raw(step.statements) }
        // spec 1.1: MySQL table options (knex.raw of mgen's CREATE TABLE)
        if step.operation.touchesMySQLTableOptions(in: step.before, on: d) { return raw(step.statements) }
        // spec 1.1: schemas. The builder's own schema calls (IF [NOT] EXISTS as mgen's SQL has it);
        // a step on a table of another schema is knex.raw of the dialect's qualified SQL.
        if case let .object(change) = step.operation, case let .schema(schema)? = change.object(in: step.before) {
            let idempotent = step.sqlDialect.options.idempotent
            if case .create = change { return [".createSchema\(idempotent ? "IfNotExists" : "")(\(JS.string(schema.name)))"] }
            if case .drop = change { return [".dropSchema\(idempotent ? "IfExists" : "")(\(JS.string(schema.name)))"] }
        }
        if step.operation.touchesSchema(in: step.before) { return raw(step.statements) }
        // spec 1.1: generated columns and collations (knex.raw of mgen's SQL; on SQLite every step
        // on such a table, which Knex's own table copy would rebuild without them)
        if step.operation.touchesGeneratedOrCollatedColumn(in: step.before)
            || (!d.capabilities.alterTableChangesConstraints && step.operation.onTableWithGeneratedOrCollatedColumn(step.before, step.after)) {
            return raw(step.statements)
        }
        switch step.operation {
        case let .createTable(table):
            return [call("createTable", table.name, createTable(table, step))]
        case let .dropTable(table):
            return [".dropTable(\(JS.string(table)))"]
        case let .renameTable(from, to):
            // PostgreSQL also renames an enum's CHECK (MGenSQL's extra statements).
            return [".renameTable(\(JS.string(from)), \(JS.string(to)))"] + raw(Array(step.statements.dropFirst()))
        case let .addColumn(tableName, column, unique, fk):
            // SQLite's ADD COLUMN refuses NOT NULL without a default (and more); Knex would send it anyway.
            guard !step.isRebuild, let table = step.table(tableName) else { return raw(step.statements) }
            var lines = [Self.column(column, table: table, step: step) + ";"]
            if let unique { lines.append("table.unique(\(JS.list(unique.columns)), { indexName: \(JS.string(unique.name)) });") }
            if let fk { lines.append(foreign(fk) + ";") }
            return [call("alterTable", tableName, lines)]
        case let .dropColumn(table, column):
            return [call("alterTable", table, ["table.dropColumn(\(JS.string(column)));"])]
        case let .renameColumn(table, from, to):
            // SQLite rebuilds after renaming an enum column, so its CHECK's name follows (MGenSQL's extra statements).
            return [call("alterTable", table, ["table.renameColumn(\(JS.string(from)), \(JS.string(to)));"])] + raw(Array(step.statements.dropFirst()))
        case let .alterColumn(change):
            return alterColumn(change, step)
        case let .createIndex(index, concurrently):
            // The builder has no CONCURRENTLY, no MySQL ALGORITHM/LOCK, and takes predicates only as a query builder.
            // spec 1.1: nor key order and options.
            if concurrently || index.predicate != nil || index.parts.contains(where: { $0.columnName == nil }) || index.hasKeyOrStorageOptions {
                return raw(step.statements)
            }
            let method = index.method.flatMap { $0 == "btree" ? nil : $0 }
            if index.unique {
                if method != nil { return raw(step.statements) }
                // useConstraint: false makes PostgreSQL create an index, as the spec says, not a constraint.
                return [call("alterTable", index.table,
                             ["table.unique(\(JS.list(index.columnNames)), { indexName: \(JS.string(index.name)), useConstraint: false });"])]
            }
            var options = ""
            if let method { options = ", { \(KnexTraits.of(d).indexTypeOption): \(JS.string(method)) }" }
            return [call("alterTable", index.table, ["table.index(\(JS.list(index.columnNames)), \(JS.string(index.name))\(options));"])]
        case let .dropIndex(name, table, concurrently):
            guard !concurrently, let index = step.before.index(name) else { return raw(step.statements) }
            return [call("alterTable", table, ["table.dropIndex(\(JS.list(index.columnNames)), \(JS.string(name)));"])]
        case let .addForeignKey(fk):
            if fk.notValid, d.capabilities.notValidConstraints { return raw(step.statements) }
            return [call("alterTable", fk.table, [foreign(fk) + ";"])]
        case let .addUnique(unique):
            // PostgreSQL, a table that may hold rows (issue 13): the index built CONCURRENTLY, then
            // taken over (the migration runs without a transaction), as MGenSQL writes it.
            if step.statements.contains(where: \.takesOverIndex) { return raw(step.statements) }
            return [call("alterTable", unique.table, ["table.unique(\(JS.list(unique.columns)), { indexName: \(JS.string(unique.name)) });"])]
        case let .addCheck(check):
            if check.notValid || !d.capabilities.alterTableChangesConstraints { return raw(step.statements) }
            return [call("alterTable", check.table, [checkCall(check)])]
        case .validateConstraint:
            return raw(step.statements)
        case let .dropConstraint(tableName, name):
            guard let table = step.before.table(tableName) else { return raw(step.statements) }
            if let fk = table.foreignKeys.first(where: { $0.name == name }) {
                var lines = ["table.dropForeign(\(JS.list(fk.columns)), \(JS.string(name)));"]
                // MySQL made an index for the key; MGenSQL drops it too.
                if step.statements.droppedForeignKeyIndexes.contains(name) { lines.append("table.dropIndex(\(JS.list(fk.columns)), \(JS.string(name)));") }
                return [call("alterTable", tableName, lines)]
            }
            if let unique = table.uniques.first(where: { $0.name == name }) {
                return [call("alterTable", tableName, ["table.dropUnique(\(JS.list(unique.columns)), \(JS.string(name)));"])]
            }
            if table.primaryKey?.name == name {
                return [call("alterTable", tableName, ["table.dropPrimary(\(JS.string(name)));"])]
            }
            if table.checks.contains(where: { $0.name == name }), d.capabilities.alterTableChangesConstraints {
                return [call("alterTable", tableName, ["table.dropChecks([\(JS.string(name))]);"])]
            }
            return raw(step.statements)
        case .sql, .backfill:
            return raw(step.statements)
        // spec 1.1: views, functions, triggers, extensions, sequences (knex.raw)
        // spec 1.1: enum types. Knex has no call to create or change a type: knex.raw.
        // spec 1.1: data steps (knex.raw, as the dialect writes them)
        case .object, .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue, .insert, .delete, .update:
            return raw(step.statements)
        // spec 1.1: primary keys (knex.raw: the builder's primary() cannot name PostgreSQL's key or rebuild SQLite)
        case .addPrimaryKey, .dropPrimaryKey:
            return raw(step.statements)
        // spec 1.1: renames (the builder has no index rename)
        case .renameIndex:
            return raw(step.statements)
        // spec 1.1: constraint renames (the builder has no constraint rename)
        case .renameConstraint:
            return raw(step.statements)
        // spec 1.1: altering in place (the builder has no table options nor deferrability)
        case .alterTable, .alterConstraint:
            return raw(step.statements)
        // spec 1.1: unique constraints from a unique index (the builder cannot take an index over)
        case .addUniqueUsingIndex:
            return raw(step.statements)
        // spec 1.1: comments (raw SQL, the down the inverse's)
        case .commentTable:
            return raw(step.statements)
        }
    }

    static func call(_ method: String, _ table: String, _ lines: [String]) -> String {
        ".\(method)(\(JS.string(table)), function (table) {\n" + JS.indent(lines.joined(separator: "\n"), 2) + "\n})"
    }

    /// MGenSQL's statements as chained `.raw(...)` calls, each with its comment.
    static func raw(_ statements: [SQLStatement]) -> [String] {
        statements.map { statement in
            (statement.comment.map { LineComment.slashes.lines($0) + "\n" } ?? "") + ".raw(\(JS.sql(statement.sql)))"
        }
    }

    static func createTable(_ table: Table, _ step: JSStep) -> [String] {
        var lines: [String] = []
        let pk = table.primaryKey
        for column in table.columns { lines.append(self.column(column, table: table, step: step) + ";") }
        if let pk, !incrementsIsPrimaryKey(table) {
            // Knex names a primary key <table>_pkey, as mgen does by default.
            let options = pk.name == DefaultNames.primaryKey(table.name) || !step.dialect.capabilities.namedPrimaryKeys ? "" : ", { constraintName: \(JS.string(pk.name)) }"
            lines.append("table.primary(\(JS.list(pk.columns))\(options));")
        }
        for unique in table.uniques {
            lines.append("table.unique(\(JS.list(unique.columns)), { indexName: \(JS.string(unique.name)) });")
        }
        for check in table.checks { lines.append(checkCall(check)) }
        for fk in table.foreignKeys { lines.append(foreign(fk) + ";") }
        if let comment = table.comment, step.dialect.capabilities.comments { lines.append("table.comment(\(JS.string(comment)));") }
        return lines
    }

    /// Whether `increments()` both makes the key column and names its primary key as the spec does.
    static func incrementsIsPrimaryKey(_ table: Table) -> Bool {
        guard let pk = table.primaryKey, pk.columns.count == 1, let column = table.column(pk.columns[0]), column.identity else { return false }
        return pk.name == DefaultNames.primaryKey(table.name)
    }

    static func checkCall(_ check: CheckConstraint) -> String {
        "table.check(\(JS.sql(check.expression)), [], \(JS.string(check.name)));"
    }

    static func foreign(_ fk: ForeignKey) -> String {
        let columns = fk.columns.count == 1 ? JS.string(fk.columns[0]) : JS.list(fk.columns)
        let referenced = fk.referencedColumns.count == 1 ? JS.string(fk.referencedColumns[0]) : JS.list(fk.referencedColumns)
        var text = "table.foreign(\(columns), \(JS.string(fk.name))).references(\(referenced)).inTable(\(JS.string(fk.referencedTable)))"
        if let action = fk.onDelete { text += ".onDelete(\(JS.string(action.sql)))" }
        if let action = fk.onUpdate { text += ".onUpdate(\(JS.string(action.sql)))" }
        return text
    }

    static func alterColumn(_ change: AlterColumn, _ step: JSStep) -> [String] {
        guard let table = step.after.table(change.table), let new = table.column(change.column),
              let old = step.before.table(change.table)?.column(change.column) else { return raw(step.statements) }
        let typeChanged = change.type != nil && change.type != old.type
        let isEnum: (Column) -> Bool = { if case .enumeration = $0.type { true } else { false } }
        // PostgreSQL, a table that may hold rows: MGenSQL's NOT NULL through a validated CHECK
        // (issue 13), whose VALIDATE commits alone (the migration runs outside a transaction).
        if step.statements.contains(where: \.ownTransaction) { return raw(step.statements) }
        // Nullability alone: Knex's own calls, which leave the type and default alone.
        if !typeChanged, change.defaultChange == nil, change.comment == nil, let nullable = change.nullable {
            return [call("alterTable", change.table, ["table.\(nullable ? "setNullable" : "dropNullable")(\(JS.string(change.column)));"])]
        }
        // .alter() restates the whole column; it cannot say USING, and on PostgreSQL/SQLite it
        // would not carry an enum's CHECK across (MGenSQL replaces it by name).
        if change.using != nil || new.identity || (step.dialect.capabilities.enumStrategy == .checkConstraint && (isEnum(old) || isEnum(new))) {
            return raw(step.statements)
        }
        return [call("alterTable", change.table, [column(new, table: table, step: step) + ".alter();"])]
    }

    // MARK: Columns

    /// `table.string('email', 255).notNullable()`: the builder call whose SQL is the spec's type in
    /// this dialect; `specificType` where Knex's method would say something else.
    static func column(_ column: Column, table: Table, step: JSStep) -> String {
        let d = step.dialect
        let name = JS.string(column.name)
        // spec 1.1: column types. increments/bigIncrements are `int unsigned`/`bigint unsigned` on
        // MySQL: an unsigned identity's own spelling there.
        if column.identity, column.type.isInteger || (d.capabilities.unsignedIntegers && [.unsigned(.integer), .unsigned(.bigint)].contains(column.type)) {
            let method = column.type == .bigint || column.type == .unsigned(.bigint) ? "bigIncrements" : "increments"
            let primary = table.primaryKey?.columns == [column.name] && incrementsIsPrimaryKey(table)
            return "table.\(method)(\(name)\(primary ? "" : ", { primaryKey: false }"))" + (column.comment.map { d.capabilities.comments ? ".comment(\(JS.string($0)))" : "" } ?? "")
        }
        var text = "table." + type(column, name: name, step: step)
        if KnexTraits.of(d).incrementsAreUnsigned, column.type.isInteger, step.referencesIncrements(table.name, column.name) { text += ".unsigned()" }
        if !column.nullable { text += ".notNullable()" }
        if let value = column.defaultValue { text += ".defaultTo(\(defaultValue(value, column: column, step: step)))" }
        if let comment = column.comment, d.capabilities.comments { text += ".comment(\(JS.string(comment)))" }
        return text
    }

    static func type(_ column: Column, name: String, step: JSStep) -> String {
        let d = step.dialect
        let traits = KnexTraits.of(d)
        func call(_ c: KnexTraits.Call) -> String { "\(c.method)(\(name)\(c.options))" }
        func specific() -> String {
            let native = (try? step.sqlDialect.typeName(column.type, column: column)) ?? column.type.description
            return "specificType(\(name), \(JS.string(native)))"
        }
        switch column.type {
        case .boolean: return "boolean(\(name))"
        case .smallint: return "smallint(\(name))"
        case .integer: return "integer(\(name))"
        case .bigint: return "bigInteger(\(name))"
        case let .decimal(p, s): return "decimal(\(name), \(p), \(s))"
        // Knex's float/double are real/double precision on PostgreSQL but float(8, 2) on MySQL.
        case .real: return traits.exactFloatMethods ? "float(\(name))" : specific()
        case .double: return traits.exactFloatMethods ? "double(\(name))" : specific()
        case let .string(n): return "string(\(name), \(n))"
        case .text: return "text(\(name))"
        case .binary: return "binary(\(name))"
        case .date: return "date(\(name))"
        case .time: return "time(\(name))"
        case .timestamp: return call(traits.timestamp)
        case .timestamptz: return call(traits.timestamptz)
        case .uuid: return "uuid(\(name))"
        case .json: return call(traits.json)
        // Knex's enum is text with a CHECK named <table>_<column>_check on PostgreSQL and SQLite
        // (PostgreSQL's own name for it, and MGenSQL's), a native ENUM on MySQL.
        case let .enumeration(values): return "enu(\(name), \(JS.list(values)))"
        case .native: return specific()
        // spec 1.1: enum types (the type exists: specificType names it)
        case .enumType: return specific()
        // spec 1.1: column types. Knex has no char method; its string() always has a length.
        case .char, .varchar: return specific()
        case .unsigned(.smallint): return "smallint(\(name)).unsigned()"
        case .unsigned(.integer): return "integer(\(name)).unsigned()"
        case .unsigned(.bigint): return "bigInteger(\(name)).unsigned()"
        case .array: return specific()
        // spec 1.1: column types. Knex's precision options differ per method and dialect; the
        // type mgen's SQL declares (timestamp(3), datetime(3), ...) says it exactly.
        case let .temporal(kind, _):
            guard !d.capabilities.fractionalSecondsTypes else { return specific() }
            var plain = column
            plain.type = kind.plain
            return type(plain, name: name, step: step)
        }
    }

    static func defaultValue(_ value: DefaultValue, column: Column, step: JSStep) -> String {
        switch value {
        case let .literal(literal): return JS.literal(literal)
        case let .sql(expression):
            if CurrentTimestamp.matches(expression) {
                // MySQL wants the column's precision: CURRENT_TIMESTAMP(6) for datetime(6).
                return CurrentTimestamp.precision(step.dialect, type: column.type).map { "knex.fn.now(\($0))" } ?? "knex.fn.now()"
            }
            return "knex.raw(\(JS.sql(step.sqlDialect.defaultExpression(value, type: column.type))))"
        }
    }
}
