import Foundation
import MGenSpec
import MGenSQL

/// Sequelize: `<yyyymmddhhmmss>-<kebab-name>.js` in the sequelize-cli / umzug layout,
/// `module.exports = { async up(queryInterface, Sequelize) {...}, async down(...) {...} }`, written
/// with the QueryInterface (`createTable`, `addColumn`, `changeColumn`, `addIndex`, `addConstraint`,
/// ...) and `Sequelize.STRING(255)` style types. `queryInterface.sequelize.query` (MGenSQL's dialect
/// SQL) only where the QueryInterface cannot say it. Sequelize never opens a transaction itself, so
/// each direction is wrapped in `queryInterface.sequelize.transaction` where the dialect's DDL is
/// transactional (PostgreSQL, SQLite) and the direction may run in one (not CONCURRENTLY).
public struct SequelizeEmitter: Emitter {
    public init() {}
    public let name = "sequelize"
    public let aliases: [String] = ["sequelize-cli"]
    public let dialects = Dialect.allCases
    public let layout = "<yyyymmddhhmmss>-<name>.js, module.exports = { async up, async down } (sequelize-cli / umzug)"
    public let proof = "syntax only (node --check): Sequelize is not installable here"
    public let defaultVersioning = Versioning.timestamp
    public func defaultOutput(options: [String: String]) -> String? { "migrations" }  // sequelize-cli's default (.sequelizerc)

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        guard let up = try JSStep.steps(migration, direction: .up, dialect: context.dialect, options: context.render) else { return [] }
        let down = try JSStep.steps(migration, direction: .down, dialect: context.dialect, options: context.render)
        let transactionalDDL = context.dialect.capabilities.transactionalDDL
        var notes: [String] = []
        if !transactionalDDL { notes.append("No transaction: MySQL commits each DDL statement itself.") }
        // A direction split around a VALIDATE runs in parts, each in a transaction of its own with
        // its timeouts (Sequelize never opens one itself).
        func directionBody(_ steps: [JSStep], _ statements: [SQLStatement], transactional: Bool, up: Bool) -> (code: String, sendsRebuild: Bool) {
            let transaction = transactionalDDL && transactional
            if migration.runsInParts(statements, dialect: context.dialect, runnerTransactional: transaction) {
                return (partsBody(migration.parts(steps, statements: \.statements, context.render, dialect: context.dialect)), false)
            }
            return body(steps, transaction: transaction, dialect: context.dialect,
                        timeouts: migration.timeoutStatements(context.render, dialect: context.dialect, up: up))
        }
        let upBody = directionBody(up, migration.up, transactional: migration.upIsTransactional, up: true)
        var sendsRebuild = upBody.sendsRebuild
        var values: [String: Any] = ["up": upBody.code]
        if let down {
            let downBody = directionBody(down, migration.down ?? [], transactional: migration.downIsTransactional, up: false)
            values["down"] = downBody.code
            sendsRebuild = sendsRebuild || downBody.sendsRebuild
        } else {
            let reason = migration.planned.migration.irreversible ?? "no down"
            values["down"] = "    throw new Error(\(JS.string("\(migration.planned.name) is irreversible: \(reason)")));"
        }
        values["header"] = JS.header(migration, context, notes: notes, sendsRebuild: sendsRebuild)
        return [EmittedFile(path: "\(context.version)-\(JS.kebab(slug(migration.planned.name))).js",
                            contents: try context.templates.render("sequelize/sequelize.migration.js.mustache", values))]
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        // JavaScript, not SQL: the statements are whatever the QueryInterface sends when it runs.
        JS.scan(folder, digits: 14, separator: "-", extensions: ["js", "cjs"], version: { String($0) }, read: { text in
            let up = text.range(of: "async up").map { text[$0.upperBound...] } ?? ""
            let down = text.range(of: "async down").map { text[$0.upperBound...] } ?? ""
            let upBody = down.isEmpty ? up : up[..<(up.range(of: "async down")?.lowerBound ?? up.endIndex)]
            return ([], down.contains("throw new Error(") ? nil : [],
                    upBody.contains("sequelize.transaction("), down.contains("sequelize.transaction("))
        })
    }

    /// The body of `up` or `down`: one `await queryInterface...` per call, inside a transaction
    /// when asked, every call passing it on.
    /// `timeouts` open the transaction (none without one: `SET LOCAL` needs it).
    func body(_ steps: [JSStep], transaction: Bool, dialect: Dialect, timeouts: [SQLStatement] = []) -> (code: String, sendsRebuild: Bool) {
        let options = transaction ? "{ transaction }" : nil
        let perStep = steps.map { (step: $0, calls: Self.calls($0, options: options)) }
        let calls = (transaction ? Self.raw(timeouts, options) : []) + perStep.flatMap(\.calls)
        let sendsRebuild = JSStep.sendsRebuild(perStep) { Self.raw([$0], options) }
        if calls.isEmpty { return ("    // Nothing to do on \(dialect).", sendsRebuild) }
        let lines = calls.joined(separator: "\n")
        guard transaction else { return (JS.indent(lines, 4), sendsRebuild) }
        return ("    await queryInterface.sequelize.transaction(async (transaction) => {\n" + JS.indent(lines, 6) + "\n    });", sendsRebuild)
    }

    /// A direction run in parts: each part's calls in `queryInterface.sequelize.transaction`,
    /// opened by its timeouts (a part outside a transaction as plain calls), each under a comment
    /// that says what it is.
    func partsBody(_ parts: [RunnerPart<JSStep>]) -> String {
        parts.map { part in
            let options = part.isTransaction ? "{ transaction }" : nil
            var calls = Self.raw(part.opening, options)
            for (item, _) in part.items {
                switch item {
                case let .step(step): calls += Self.calls(step, options: options)
                case let .statement(statement): calls += Self.raw([statement], options)
                }
            }
            let lines = calls.joined(separator: "\n")
            let code = part.isTransaction
                ? "await queryInterface.sequelize.transaction(async (transaction) => {\n" + JS.indent(lines, 2) + "\n});"
                : lines
            return JS.indent(LineComment.slashes.lines(part.comment) + "\n" + code, 4)
        }.joined(separator: "\n")
    }

    // MARK: Operations

    /// `await queryInterface.<method>(<arguments>, <options>);`, options last as Sequelize takes them.
    static func call(_ method: String, _ arguments: [String], _ options: String?) -> String {
        "await queryInterface.\(method)(" + (arguments + (options.map { [$0] } ?? [])).joined(separator: ", ") + ");"
    }

    /// An options object with the transaction folded in: `{ name: 'x', transaction }`.
    static func options(_ fields: [String], _ transaction: String?) -> String {
        let all = fields + (transaction == nil ? [] : ["transaction"])
        return all.isEmpty ? "{}" : "{ " + all.joined(separator: ", ") + " }"
    }

    /// MGenSQL's statements through `queryInterface.sequelize.query`, each with its comment.
    static func raw(_ statements: [SQLStatement], _ transaction: String?) -> [String] {
        statements.map { statement in
            (statement.comment.map { LineComment.slashes.lines($0) + "\n" } ?? "")
                + "await queryInterface.sequelize.query(\(JS.sql(statement.sql))\(transaction.map { ", \($0)" } ?? ""));"
        }
    }

    static func calls(_ step: JSStep, options o: String?) -> [String] {
        let d = step.dialect
        let t = o == nil ? nil : "transaction"
        // spec 1.1: deferrable constraints (queryInterface cannot name a deferrable unique): raw SQL
        if step.movesForeignKeyIndexes || step.operation.touchesDeferrableConstraint(in: step.before) { return raw(step.statements, o) }
        // spec 1.1: MySQL table options (raw SQL of mgen's CREATE TABLE)
        if step.operation.touchesMySQLTableOptions(in: step.before, on: d) { return raw(step.statements, o) }
        // spec 1.1: schemas (the dialect's qualified SQL)
        if step.operation.touchesSchema(in: step.before) { return raw(step.statements, o) }
        // spec 1.1: generated columns and collations (raw SQL of mgen's statements; on SQLite every
        // step on such a table, which queryInterface's table copy would rebuild without them)
        if step.operation.touchesGeneratedOrCollatedColumn(in: step.before)
            || (!d.capabilities.alterTableChangesConstraints && step.operation.onTableWithGeneratedOrCollatedColumn(step.before, step.after)) {
            return raw(step.statements, o)
        }
        switch step.operation {
        case let .createTable(table):
            return createTable(table, step, o)
        case let .dropTable(table):
            return [call("dropTable", [JS.string(table)], o)]
        case let .renameTable(from, to):
            return [call("renameTable", [JS.string(from), JS.string(to)], o)] + raw(Array(step.statements.dropFirst()), o)
        case let .addColumn(tableName, column, unique, fk):
            // SQLite's ADD COLUMN refuses NOT NULL without a default (and more): MGenSQL rebuilds the table.
            guard !step.isRebuild, let table = step.table(tableName) else { return raw(step.statements, o) }
            let inlineReference = d.capabilities.alterTableChangesConstraints ? nil : fk
            var out = [call("addColumn", [JS.string(tableName), JS.string(column.name),
                                          attributes(column, table: table, step: step, reference: inlineReference, indent: 0)], o)]
            out += enumCheck(column, table: tableName, step, t)
            if let unique { out += addUnique(unique, step, t) }
            if let fk, inlineReference == nil { out.append(addForeignKey(fk, t)) }
            return out
        case let .dropColumn(table, column):
            return [call("removeColumn", [JS.string(table), JS.string(column)], o)]
        case let .renameColumn(table, from, to):
            return [call("renameColumn", [JS.string(table), JS.string(from), JS.string(to)], o)] + raw(Array(step.statements.dropFirst()), o)
        case let .alterColumn(change):
            guard let table = step.after.table(change.table), let new = table.column(change.column),
                  let old = step.before.table(change.table)?.column(change.column) else { return raw(step.statements, o) }
            let isEnum: (Column) -> Bool = { if case .enumeration = $0.type { true } else { false } }
            // changeColumn cannot say USING, and would drop an enum's CHECK on PostgreSQL/SQLite.
            if change.using != nil || new.identity || (d.capabilities.enumStrategy == .checkConstraint && (isEnum(old) || isEnum(new))) { return raw(step.statements, o) }
            // PostgreSQL, a table that may hold rows: MGenSQL's NOT NULL through a validated CHECK
            // (issue 13), whose VALIDATE commits alone (the migration runs outside a transaction).
            if step.statements.contains(where: \.ownTransaction) { return raw(step.statements, o) }
            return [call("changeColumn", [JS.string(change.table), JS.string(change.column),
                                          attributes(new, table: table, step: step, reference: nil, indent: 0)], o)]
        case let .createIndex(index, concurrently):
            // MySQL's online build (ALGORITHM/LOCK) and expression indexes have no option.
            // spec 1.1: key order and options go as the dialect's SQL too.
            if (concurrently && d.capabilities.onlineIndexes) || index.parts.contains(where: { $0.columnName == nil }) || index.hasKeyOrStorageOptions {
                return raw(step.statements, o)
            }
            var fields = ["name: \(JS.string(index.name))"]
            if index.unique { fields.append("unique: true") }
            if let method = index.method, method != "btree", d.capabilities.indexMethods { fields.append("using: \(JS.string(method.uppercased()))") }
            if let predicate = index.predicate { fields.append("where: Sequelize.literal(\(JS.sql(predicate)))") }
            if concurrently { fields.append("concurrently: true") }
            return [call("addIndex", [JS.string(index.table), JS.list(index.columnNames)], options(fields, t))]
        case let .dropIndex(name, table, concurrently):
            if d.capabilities.onlineIndexes, concurrently { return raw(step.statements, o) }
            let fields = concurrently ? ["concurrently: true"] : []
            return [call("removeIndex", [JS.string(table), JS.string(name)], fields.isEmpty ? o : options(fields, t))]
        case let .addForeignKey(fk):
            if fk.notValid, d.capabilities.notValidConstraints { return raw(step.statements, o) }
            return [addForeignKey(fk, t)]
        case let .addUnique(unique):
            // PostgreSQL, a table that may hold rows (issue 13): the index built CONCURRENTLY, then
            // taken over (the migration runs without a transaction), as MGenSQL writes it.
            if step.statements.contains(where: \.takesOverIndex) { return raw(step.statements, o) }
            return addUnique(unique, step, t)
        case let .addCheck(check):
            guard !check.notValid, let table = step.before.table(check.table),
                  let check = addCheck(check, table: table, t) else { return raw(step.statements, o) }
            return [check]
        case .validateConstraint:
            return raw(step.statements, o)
        case let .dropConstraint(tableName, name):
            guard let table = step.before.table(tableName) else { return raw(step.statements, o) }
            // SQLite keeps unique constraints as unique indexes (see addUnique).
            if !d.capabilities.alterTableChangesConstraints, table.uniques.contains(where: { $0.name == name }) {
                return [call("removeIndex", [JS.string(tableName), JS.string(name)], o)]
            }
            var out = [call("removeConstraint", [JS.string(tableName), JS.string(name)], o)]
            // MySQL made an index for the foreign key; MGenSQL drops it too.
            if step.statements.droppedForeignKeyIndexes.contains(name) {
                out.append(call("removeIndex", [JS.string(tableName), JS.string(name)], o))
            }
            return out
        case .sql, .backfill:
            return raw(step.statements, o)
        // spec 1.1: views, functions, triggers, extensions, sequences (queryInterface.sequelize.query)
        // spec 1.1: enum types. queryInterface has no call for a type of its own: raw SQL.
        // spec 1.1: data steps (queryInterface.sequelize.query, as the dialect writes them)
        case .object, .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue, .insert, .delete, .update:
            return raw(step.statements, o)
        // spec 1.1: primary keys (the dialect's SQL)
        case .addPrimaryKey, .dropPrimaryKey:
            return raw(step.statements, o)
        // spec 1.1: renames (queryInterface has no index rename)
        case .renameIndex:
            return raw(step.statements, o)
        // spec 1.1: constraint renames (queryInterface has no constraint rename)
        case .renameConstraint:
            return raw(step.statements, o)
        // spec 1.1: altering in place (queryInterface has no table options nor deferrability)
        case .alterTable, .alterConstraint:
            return raw(step.statements, o)
        // spec 1.1: unique constraints from a unique index (queryInterface cannot take an index over)
        case .addUniqueUsingIndex:
            return raw(step.statements, o)
        // spec 1.1: comments (queryInterface has no table comment call)
        case .commentTable:
            return raw(step.statements, o)
        }
    }

    /// createTable with the columns, then the named constraints Sequelize's createTable cannot
    /// name: enum CHECKs, checks, uniques, and foreign keys (SQLite takes single-column keys
    /// inline, as its ALTER TABLE cannot add them later without a rebuild).
    static func createTable(_ table: Table, _ step: JSStep, _ o: String?) -> [String] {
        let d = step.dialect
        let t = o == nil ? nil : "transaction"
        // Sequelize names a primary key only PostgreSQL's way (<table>_pkey), which is mgen's default.
        if SequelizeTraits.of(d).primaryKeyNamedAfterTable, let pk = table.primaryKey, pk.name != DefaultNames.primaryKey(table.name) { return raw(step.statements, o) }
        let inline: [String: ForeignKey] = !d.capabilities.alterTableChangesConstraints
            ? Dictionary(table.foreignKeys.filter { $0.columns.count == 1 }.map { ($0.columns[0], $0) }, uniquingKeysWith: { a, _ in a }) : [:]
        var attributes: [String] = []
        for column in table.columns {
            attributes.append("\(JS.key(column.name)): " + self.attributes(column, table: table, step: step, reference: inline[column.name], indent: 0))
        }
        let body = "{\n" + JS.indent(attributes.joined(separator: ",\n"), 2) + ",\n}"
        var fields: [String] = []
        if let comment = table.comment, d.capabilities.comments { fields.append("comment: \(JS.string(comment))") }
        var out = [call("createTable", [JS.string(table.name), body], fields.isEmpty ? o : options(fields, t))]
        for column in table.columns { out += enumCheck(column, table: table.name, step, t) }
        for check in table.checks {
            guard let call = addCheck(check, table: table, t) else { return raw(step.statements, o) }
            out.append(call)
        }
        for unique in table.uniques { out += addUnique(unique, step, t) }
        for fk in table.foreignKeys where inline[fk.columns[0]]?.name != fk.name { out.append(addForeignKey(fk, t)) }
        return out
    }

    /// The CHECK that makes a text column an enum on PostgreSQL and SQLite, named as MGenSQL
    /// names it, with Sequelize's own `where: { column: [values] }` (an IN list).
    static func enumCheck(_ column: Column, table: String, _ step: JSStep, _ t: String?) -> [String] {
        guard case let .enumeration(values) = column.type, step.dialect.capabilities.enumStrategy == .checkConstraint,
              let check = step.sqlDialect.enumCheck(table: table, column: column) else { return [] }
        return [call("addConstraint", [JS.string(table), object([
            "type: 'check'", "fields: [\(JS.string(column.name))]", "where: { \(JS.key(column.name)): \(JS.list(values)) }",
            "name: \(JS.string(check.name))",
        ], t)], nil)]
    }

    static func addUnique(_ unique: UniqueConstraint, _ step: JSStep, _ t: String?) -> [String] {
        // SQLite: a unique index, as MGenSQL makes it (its ALTER TABLE cannot add a constraint).
        if step.dialect.capabilities.uniquesAsIndexes {
            return [call("addIndex", [JS.string(unique.table), JS.list(unique.columns)],
                         options(["name: \(JS.string(unique.name))", "unique: true"], t))]
        }
        return [call("addConstraint", [JS.string(unique.table), object([
            "type: 'unique'", "fields: \(JS.list(unique.columns))", "name: \(JS.string(unique.name))",
        ], t)], nil)]
    }

    static func addForeignKey(_ fk: ForeignKey, _ t: String?) -> String {
        let referenced = fk.referencedColumns.count == 1 ? JS.string(fk.referencedColumns[0]) : JS.list(fk.referencedColumns)
        var fields = ["type: 'foreign key'", "fields: \(JS.list(fk.columns))", "name: \(JS.string(fk.name))",
                      "references: { table: \(JS.string(fk.referencedTable)), field: \(referenced) }"]
        if let action = fk.onDelete { fields.append("onDelete: \(JS.string(action.sql))") }
        if let action = fk.onUpdate { fields.append("onUpdate: \(JS.string(action.sql))") }
        return call("addConstraint", [JS.string(fk.table), object(fields, t)], nil)
    }

    /// A CHECK through addConstraint, its expression as `Sequelize.literal`; nil when it names no
    /// column (addConstraint requires `fields`).
    static func addCheck(_ check: CheckConstraint, table: Table, _ t: String?) -> String? {
        let fields = JSStep.mentionedColumns(check.expression, in: table)
        guard !fields.isEmpty else { return nil }
        return call("addConstraint", [JS.string(check.table), object([
            "type: 'check'", "fields: \(JS.list(fields))", "where: Sequelize.literal(\(JS.sql(check.expression)))",
            "name: \(JS.string(check.name))",
        ], t)], nil)
    }

    static func object(_ fields: [String], _ t: String?) -> String {
        "{\n" + JS.indent((fields + (t.map { [$0] } ?? [])).joined(separator: ",\n"), 2) + ",\n}"
    }

    // MARK: Columns

    /// A column's attributes as sequelize-cli writes them: `{ allowNull: false, type: Sequelize.STRING(255) }`.
    static func attributes(_ column: Column, table: Table, step: JSStep, reference: ForeignKey?, indent: Int) -> String {
        var fields: [String] = []
        let d = step.dialect
        if !column.nullable { fields.append("allowNull: false") }
        if column.identity { fields.append("autoIncrement: true") }
        if table.primaryKey?.columns.contains(column.name) == true { fields.append("primaryKey: true") }
        fields.append("type: \(type(column, step: step))")
        if let value = column.defaultValue {
            let js: String
            switch value {
            case let .literal(literal): js = JS.literal(literal)
            case .sql: js = "Sequelize.literal(\(JS.sql(step.sqlDialect.defaultExpression(value, type: column.type))))"
            }
            fields.append("defaultValue: \(js)")
        }
        if let comment = column.comment, d.capabilities.comments { fields.append("comment: \(JS.string(comment))") }
        if let fk = reference {
            fields.append("references: { model: \(JS.string(fk.referencedTable)), key: \(JS.string(fk.referencedColumns[0])) }")
            if let action = fk.onDelete { fields.append("onDelete: \(JS.string(action.sql))") }
            if let action = fk.onUpdate { fields.append("onUpdate: \(JS.string(action.sql))") }
        }
        return "{\n" + JS.indent(fields.joined(separator: ",\n"), 2) + ",\n}"
    }

    /// The Sequelize data type whose SQL is the spec's type in this dialect; the dialect's type
    /// name as a string where Sequelize has none (Sequelize takes strings as types verbatim).
    static func type(_ column: Column, step: JSStep) -> String {
        let d = step.dialect
        let traits = SequelizeTraits.of(d)
        func native() -> String { JS.string((try? step.sqlDialect.typeName(column.type, column: column)) ?? column.type.description) }
        switch column.type {
        case .boolean: return "Sequelize.BOOLEAN"
        case .smallint: return "Sequelize.SMALLINT"
        case .integer: return "Sequelize.INTEGER"
        case .bigint: return "Sequelize.BIGINT"
        case let .decimal(p, s): return "Sequelize.DECIMAL(\(p), \(s))"
        case .real: return traits.real
        case .double: return "Sequelize.DOUBLE"
        case let .string(n): return "Sequelize.STRING(\(n))"
        case .text: return "Sequelize.TEXT"
        case .binary: return "Sequelize.BLOB"
        case .date: return "Sequelize.DATEONLY"
        case .time: return "Sequelize.TIME"
        case .timestamp: return traits.timestamp ?? native()
        case .timestamptz: return traits.timestamptz ?? native()
        case .uuid: return traits.uuid
        case .json: return traits.json
        // A native ENUM on MySQL; text with a named CHECK elsewhere (added after createTable), as
        // MGenSQL does, rather than a PostgreSQL enum type that new values would need ALTER TYPE for.
        case let .enumeration(values): return d.capabilities.enumStrategy == .columnType ? "Sequelize.ENUM(\(values.map(JS.string).joined(separator: ", ")))" : "Sequelize.TEXT"
        case .native: return native()
        // spec 1.1: enum types (Sequelize.ENUM would make a type of its own: the column names ours)
        case .enumType: return native()
        // spec 1.1: column types (Sequelize.STRING without a length is VARCHAR(255))
        case let .char(n): return "Sequelize.CHAR(\(n))"
        case .varchar: return native()
        case let .unsigned(kind): return "Sequelize.\(kind == .integer ? "INTEGER" : kind.rawValue.uppercased()).UNSIGNED"
        case let .array(element):
            var base = column
            base.type = element
            return "Sequelize.ARRAY(\(type(base, step: step)))"
        // spec 1.1: column types. Sequelize.DATE(p) is timestamptz on PostgreSQL; the SQL type
        // mgen declares says each dialect's exactly (SQLite: the plain type's mapping).
        case let .temporal(kind, _):
            guard !d.capabilities.fractionalSecondsTypes else { return native() }
            var plain = column
            plain.type = kind.plain
            return type(plain, step: step)
        }
    }
}
