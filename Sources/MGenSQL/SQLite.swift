import MGenSpec

/// SQLite 3.40+: `ALTER TABLE` can add, drop and rename columns, nothing else. Everything else that
/// changes a table (alter column, add or drop a foreign key or check) is the 12-step rebuild of
/// sqlite.org/lang_altertable.html: new table, copy, drop, rename, recreate indexes.
/// Unique constraints are unique indexes here, so they can be added and dropped without a rebuild.
public struct SQLiteDialect: SQLDialect {
    public let dialect = Dialect.sqlite
    public var options: RenderOptions
    public init(options: RenderOptions = RenderOptions()) { self.options = options }

    public func booleanLiteral(_ value: Bool) -> String { value ? "1" : "0" }

    public func typeName(_ type: ColumnType, column: Column?) throws(Unsupported) -> String {
        // Identity columns must be spelled INTEGER to alias the rowid.
        if column?.identity == true { return "INTEGER" }
        switch type {
        // spec 1.1: enum types
        case let .enumType(name): throw Unsupported.inlineEnum(name, dialect)
        case .boolean: return "BOOLEAN"
        case .smallint: return "SMALLINT"
        case .integer: return "INTEGER"
        case .bigint: return "BIGINT"
        case let .decimal(p, s): return "DECIMAL(\(p),\(s))"
        case .real: return "REAL"
        case .double: return "DOUBLE"
        case let .string(n): return "VARCHAR(\(n))"
        case .text, .enumeration: return "TEXT"
        case .binary: return "BLOB"
        case .date: return "DATE"
        case .time: return "TIME"
        case .timestamp, .timestamptz: return "DATETIME"
        // spec 1.1: column types. SQLite keeps times as text with whatever digits were written:
        // a precision means nothing to it, and the plain name keeps framework files alike.
        case let .temporal(kind, _): return try typeName(kind.plain, column: column)
        case let .char(n): return "CHAR(\(n))"
        case .varchar: return "VARCHAR"
        case .unsigned: throw Unsupported.unsigned(column?.name, dialect)
        case .array: throw Unsupported.array(column?.name, dialect)
        case .uuid: return "CHAR(36)"
        case .json: return "TEXT"
        case let .native(map):
            guard let name = map["sqlite"] ?? map["default"] else {
                throw Unsupported("type \(type) has no SQLite spelling", fix: "add `sqlite: <type>` to the type mapping")
            }
            return name
        }
    }

    /// SQLite wants expression defaults in parentheses; `CURRENT_TIMESTAMP` stands alone.
    public func defaultExpression(_ value: DefaultValue, type: ColumnType) -> String {
        switch value {
        case let .literal(l): return literal(l)
        case let .sql(expression):
            if CurrentTimestamp.matches(expression), let now = CurrentTimestamp.spelling(dialect, type: type) { return now }
            return "(\(expression))"
        }
    }

    func isRowidAlias(_ column: Column, in table: Table) -> Bool {
        column.identity && table.primaryKey?.columns == [column.name]
    }

    public func columnDefinition(_ column: Column, table: Table) throws(Unsupported) -> String {
        let type = try typeName(column.type, column: column)
        var sql = "\(quote(column.name)) \(type)"
        // SQLite lets a primary key column hold NULL unless it says NOT NULL (but for the rowid
        // alias, a single INTEGER key, where NULL means "next rowid"); the other dialects make
        // every primary key column NOT NULL.
        let keyColumns = table.primaryKey?.columns ?? []
        let rowidAlias = keyColumns == [column.name] && type == "INTEGER"
        if !column.nullable || (keyColumns.contains(column.name) && !rowidAlias) { sql += " NOT NULL" }
        if isRowidAlias(column, in: table) {
            sql += " PRIMARY KEY AUTOINCREMENT"
        } else if column.identity {
            throw Unsupported("SQLite has identity only for a single-column INTEGER primary key ('\(table.name).\(column.name)')",
                              fix: "make '\(column.name)' the table's only primary key column, or drop `identity`")
        }
        if let value = column.defaultValue { sql += " DEFAULT \(defaultExpression(value, type: column.type))" }
        sql += try collateClause(column) + generatedClause(column) // spec 1.1: generated columns and collations
        if let check = enumCheck(table: table.name, column: column) { sql += " \(checkClause(check))" }
        return sql
    }

    func uniqueIndex(_ unique: UniqueConstraint) -> SQLStatement {
        SQLStatement("CREATE UNIQUE INDEX \(ifNotExists)\(quote(unique.name)) ON \(quote(unique.table)) (\(quoteList(unique.columns)))", kind: .createIndex)
    }

    /// `guarded`: `CREATE TABLE IF NOT EXISTS` (when idempotent statements are on); a rebuild's
    /// temporary table is never guarded.
    func tableDefinition(_ table: Table, name: String, guarded: Bool = false) throws(Unsupported) -> String {
        var lines: [String] = []
        for column in table.columns { lines.append(try columnDefinition(column, table: table)) }
        if let pk = table.primaryKey, !table.columns.contains(where: { isRowidAlias($0, in: table) }) {
            lines.append("CONSTRAINT \(quote(pk.name)) PRIMARY KEY (\(quoteList(pk.columns)))")
        }
        for check in table.checks { lines.append(checkClause(check)) }
        for fk in table.foreignKeys { lines.append(foreignKeyClause(fk)) }
        return "CREATE TABLE \(guarded ? ifNotExists : "")\(quote(name)) (\n" + tableBody(lines) + "\n)"
    }

    public func createTable(_ table: Table, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement(try tableDefinition(table, name: table.name, guarded: true), kind: .createTable)] + table.uniques.map(uniqueIndex)
    }

    public func addColumn(_ table: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                          _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let owner = try context.after.requiredTable(table)
        // What ALTER TABLE ADD COLUMN refuses: NOT NULL without a default, non-constant defaults,
        // a foreign key column with a non-NULL default.
        let nonConstantDefault: Bool = if case .sql = column.defaultValue { true } else { false }
        // spec 1.1: generated columns (ADD COLUMN takes VIRTUAL ones only)
        let stored = column.generated?.isStored(dialect) == true
        if (!column.nullable && column.defaultValue == nil) || nonConstantDefault || (foreignKey != nil && column.defaultValue != nil) || stored {
            return try rebuild(table, context, reason: "SQLite cannot ADD COLUMN '\(column.name)' with this definition")
        }
        var sql = "ALTER TABLE \(quote(table)) ADD COLUMN \(try columnDefinition(column, table: owner))"
        if let foreignKey { sql += " CONSTRAINT \(quote(foreignKey.name)) \(referenceClause(foreignKey))" }
        return [SQLStatement(sql, kind: .alterTable)] + (unique.map { [uniqueIndex($0)] } ?? [])
    }

    public func dropColumn(_ table: String, _ column: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(table)) DROP COLUMN \(quote(column))", kind: .alterTable)]
    }

    /// DROP COLUMN refuses a column that a table-level CHECK reads, which is how a table made by
    /// another tool may hold an enum's CHECK (Alembic's create_table and batches; mgen's SQL
    /// declares it on the column): the table rebuild drops such a column wherever its CHECK is.
    public func dropColumnByRebuild(_ table: String, _ column: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try rebuild(table, context, reason: "SQLite cannot DROP COLUMN '\(column)' while a table CHECK reads it")
    }

    /// SQLite renames the column inside CHECK expressions but not the constraints' names, and an
    /// enum's CHECK is named after its table and column: rebuild so the name follows (as the state
    /// and the other dialects have it).
    public func renameColumn(_ table: String, _ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let rename = SQLStatement("ALTER TABLE \(quote(table)) RENAME COLUMN \(quote(from)) TO \(quote(to))", kind: .alterTable)
        guard let old = context.before.table(table), let column = old.column(from), enumCheck(table: table, column: column) != nil else {
            return [rename]
        }
        let columns = old.columns.map { $0.name == from ? to : $0.name }
        return [rename] + (try rebuild(table, context, reason: "SQLite keeps the name of the enum CHECK of '\(from)'", columns: columns))
    }

    public func renameTable(_ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let rename = SQLStatement("ALTER TABLE \(quote(from)) RENAME TO \(quote(to))", kind: .alterTable)
        guard let old = context.before.table(from), old.columns.contains(where: { enumCheck(table: from, column: $0) != nil }) else {
            return [rename]
        }
        return [rename] + (try rebuild(to, context, reason: "SQLite keeps the names of the enum CHECKs of '\(from)'", columns: old.columns.map(\.name)))
    }

    public func alterColumn(_ change: AlterColumn, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try checkTypeChange(change)
        // A comment alone: SQLite keeps no comments, so there is nothing to rebuild the table for.
        if change.type == nil, change.nullable == nil, change.defaultChange == nil, change.collation == nil, change.comment != nil { return [] }
        return try rebuild(change.table, context, reason: "SQLite cannot ALTER COLUMN '\(change.column)'")
    }

    public func createIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try checkIndexShape(index)
        try checkIndexOptions(index)  // spec 1.1: index options
        var sql = "CREATE \(index.unique ? "UNIQUE " : "")INDEX \(ifNotExists)\(quote(index.name)) ON \(quote(index.table)) (\(indexParts(index)))"
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        return [SQLStatement(sql, kind: .createIndex)]
    }

    public func dropIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("DROP INDEX \(ifExists)\(quote(index.name))", kind: .dropIndex)]
    }

    public func addForeignKey(_ fk: ForeignKey, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try rebuild(fk.table, context, reason: "SQLite cannot add foreign key '\(fk.name)' to an existing table")
    }

    public func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [uniqueIndex(unique)]
    }

    public func addCheck(_ check: CheckConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try rebuild(check.table, context, reason: "SQLite cannot add check '\(check.name)' to an existing table")
    }

    public func dropConstraint(_ table: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        if try context.before.requiredTable(table).uniques.contains(where: { $0.name == name }) {
            return [SQLStatement("DROP INDEX \(ifExists)\(quote(name))", kind: .dropIndex)]
        }
        return try rebuild(table, context, reason: "SQLite cannot drop constraint '\(name)' in place")
    }

    /// SQLite has no RAISE outside triggers: a column that cannot exist fails with its name, the
    /// message ("no such column: mgen: ..."). Backticks, as a double-quoted name would fall back
    /// to a string.
    public func failure(_ message: String) -> SQLStatement {
        SQLStatement("SELECT `" + oneLine(message).replacingOccurrences(of: "`", with: "``") + "`")
    }

    /// One UPDATE: SQLite locks the whole database for writers either way, so batches gain nothing.
    public func backfill(_ backfill: Backfill, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        var statement = try singleUpdate(backfill)
        statement.comment = "backfill \(backfill.table) (one statement: SQLite locks the database for each write anyway)"
        return [statement]
    }

    /// The table rebuild: the table as it is after the step, filled from the table as it was.
    /// `defer_foreign_keys` lets references to the table dangle until the new one has its name.
    /// `columns`: the table's columns as they are when the rebuild starts, when a statement before
    /// it in the same step renamed some (default: as they were before the step).
    func rebuild(_ tableName: String, _ context: StepContext, reason: String, columns: [String]? = nil) throws(Unsupported) -> [SQLStatement] {
        let oldColumns: [String]
        if let columns { oldColumns = columns } else { oldColumns = try context.before.requiredTable(tableName).columns.map(\.name) }
        let new = try context.after.requiredTable(tableName)
        let temporary = "_mgen_new_\(tableName)"
        // spec 1.1: generated columns compute themselves in the copy
        let shared = new.writableColumns.filter(oldColumns.contains)
        var statements = [
            SQLStatement("PRAGMA defer_foreign_keys = ON", comment: "\(reason): rebuild the table, keeping its rows, indexes and foreign keys",
                         facts: [.tableRebuild(table: tableName)]),
            SQLStatement(try tableDefinition(new, name: temporary), kind: .createTable),
            SQLStatement("INSERT INTO \(quote(temporary)) (\(quoteList(shared))) SELECT \(quoteList(shared)) FROM \(quote(tableName))"),
        ]
        // spec 1.1: the views that read the table and its triggers (aroundTableCopy)
        let objects = try aroundTableCopy(tableName, context)
        statements += objects.before
        statements += [
            SQLStatement("DROP TABLE \(quote(tableName))", kind: .dropTable),
            SQLStatement("ALTER TABLE \(quote(temporary)) RENAME TO \(quote(tableName))", kind: .alterTable),
        ]
        for index in context.after.indexes(on: tableName) {
            statements += try createIndex(index, concurrently: false, context)
        }
        statements += new.uniques.map(uniqueIndex)
        statements += objects.after
        return statements
    }
}
