import MGenSpec

/// MySQL 8.0 and MariaDB 10.11, where they agree: no transactional DDL (the emitted files say so),
/// `MODIFY COLUMN` with the whole column, no partial or expression indexes (MariaDB has no
/// functional indexes), `ALGORITHM=INPLACE, LOCK=NONE` for online index builds.
public struct MySQLDialect: SQLDialect {
    public let dialect = Dialect.mysql
    public var options: RenderOptions
    public init(options: RenderOptions = RenderOptions()) { self.options = options }

    public func quote(_ identifier: String) -> String {
        contains(identifier, UInt8(ascii: "`")) ? "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`" : "`" + identifier + "`"
    }

    /// A CR is written `\r`: the mysql and mariadb clients drop a raw one before a line break.
    public func stringLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
            .replacingOccurrences(of: "\r", with: "\\r") + "'"
    }

    public func booleanLiteral(_ value: Bool) -> String { value ? "1" : "0" }

    public func typeName(_ type: ColumnType, column: Column?) throws(Unsupported) -> String {
        if case let .native(map) = type {
            guard let name = map["mysql"] ?? map["default"] else {
                throw Unsupported("type \(type) has no MySQL spelling", fix: "add `mysql: <type>` to the type mapping")
            }
            return name
        }
        // spec 1.1: enum types
        if case let .enumType(name) = type { throw Unsupported.inlineEnum(name, dialect) }
        // spec 1.1: column types (the dialect rules refuse it first, with the column's place)
        if type == .varchar { throw Unsupported.unboundedVarchar(column?.name) }
        if type.isArray { throw Unsupported.array(column?.name, dialect) }
        return switch type {
        case .boolean: "tinyint(1)"
        case .smallint: "smallint"
        case .integer: "int"
        case .bigint: "bigint"
        case let .decimal(p, s): "decimal(\(p),\(s))"
        case .real: "float"
        case .double: "double"
        case let .string(n): "varchar(\(n))"
        case .text: "text"
        case .binary: "blob"
        case .date: "date"
        case .time: "time"
        case .timestamp: "datetime(6)"
        case .timestamptz: "timestamp(6)"
        case .uuid: "char(36)"
        case .json: "json"
        case .native, .enumType, .varchar, .array: ""
        // spec 1.1: column types
        case let .char(n): "char(\(n))"
        case .unsigned(.smallint): "smallint unsigned"
        case .unsigned(.integer): "int unsigned"
        case .unsigned(.bigint): "bigint unsigned"
        // spec 1.1: column types. MySQL's datetime is the spec's timestamp, its timestamp the
        // spec's timestamptz (as for the plain types, which are written with precision 6).
        case let .temporal(.time, p): "time(\(p))"
        case let .temporal(.timestamp, p): "datetime(\(p))"
        case let .temporal(.timestamptz, p): "timestamp(\(p))"
        case let .enumeration(values): "enum(\(values.map(stringLiteral).joined(separator: ",")))"
        }
    }

    /// MySQL wants expression defaults in parentheses, and `CURRENT_TIMESTAMP` with the column's precision.
    public func defaultExpression(_ value: DefaultValue, type: ColumnType) -> String {
        switch value {
        case let .literal(l): return literal(l)
        case let .sql(expression):
            if CurrentTimestamp.matches(expression), let now = CurrentTimestamp.spelling(dialect, type: type) { return now }
            return "(\(expression))"
        }
    }

    public func columnDefinition(_ column: Column, table: Table) throws(Unsupported) -> String {
        var sql = "\(quote(column.name)) \(try typeName(column.type, column: column))"
        // spec 1.1: generated columns and collations (MariaDB takes neither NULL nor NOT NULL on a generated column)
        sql += collateClause(column)
        if column.generated != nil { sql += try generatedClause(column) } else { sql += column.nullable ? " NULL" : " NOT NULL" }
        if let value = column.defaultValue { sql += " DEFAULT \(defaultExpression(value, type: column.type))" }
        if column.identity { sql += " AUTO_INCREMENT" }
        if let comment = column.comment { sql += " COMMENT \(stringLiteral(comment))" }
        return sql
    }

    public func createTable(_ table: Table, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        var lines: [String] = []
        for column in table.columns { lines.append(try columnDefinition(column, table: table)) }
        // MySQL names every primary key PRIMARY.
        if let pk = table.primaryKey { lines.append("PRIMARY KEY (\(quoteList(pk.columns)))") }
        for unique in table.uniques { lines.append("CONSTRAINT \(quote(unique.name)) UNIQUE (\(quoteList(unique.columns)))") }
        for check in table.checks { lines.append(checkClause(check)) }
        for fk in table.foreignKeys { lines.append(foreignKeyClause(fk)) }
        let body = tableBody(lines)
        // spec 1.1: MySQL table options, before the comment as SHOW CREATE TABLE writes them
        let options = (table.mysqlOptions?.clauses ?? []).map { " " + $0 }.joined()
        let comment = table.comment.map { " COMMENT=\(stringLiteral($0))" } ?? ""
        return [SQLStatement("CREATE TABLE \(ifNotExists)\(quote(table.name)) (\n\(body)\n)\(options)\(comment)", kind: .createTable)]
    }

    public func renameTable(_ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("RENAME TABLE \(quote(from)) TO \(quote(to))", kind: .alterTable)]
    }

    public func addColumn(_ table: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                          _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let owner = try context.after.requiredTable(table)
        // MySQL parses an inline REFERENCES and ignores it: constraints go in their own clauses.
        var clauses = ["ADD COLUMN \(try columnDefinition(column, table: owner))"]
        if let unique { clauses.append("ADD CONSTRAINT \(quote(unique.name)) UNIQUE (\(quote(column.name)))") }
        if let foreignKey { clauses.append("ADD \(foreignKeyClause(foreignKey))") }
        if Self.addsInstantly(column, unique: unique, foreignKey: foreignKey), let clause = online(.addColumn) { clauses.append(clause.rawValue) }
        // The statement adds the key too (Prisma heads it AddForeignKey).
        return [SQLStatement("ALTER TABLE \(quote(table))\n    " + clauses.joined(separator: ",\n    "),
                             kind: foreignKey == nil ? .alterTable : .addForeignKey)]
    }

    public func dropColumn(_ table: String, _ column: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(table)) DROP COLUMN \(quote(column))\(onlineSuffix(dropColumnChange(table, column, context)))", kind: .alterTable)]
    }

    public func renameColumn(_ table: String, _ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let inForeignKey = context.before.table(table).map { Self.inForeignKey(from, of: $0, state: context.before) } ?? true
        return [SQLStatement("ALTER TABLE \(quote(table)) RENAME COLUMN \(quote(from)) TO \(quote(to))\(onlineSuffix(.renameColumn(inForeignKey: inForeignKey)))",
                             kind: .alterTable)]
    }

    /// The clause this change takes on the servers rendered for (OnlineDDL.swift).
    func online(_ change: OnlineChange?) -> OnlineClause? {
        change.flatMap(MySQLServers(options).clause)
    }

    /// `, ALGORITHM=…` for the end of a one-line ALTER, or nothing.
    func onlineSuffix(_ change: OnlineChange?) -> String {
        online(change).map { ", " + $0.rawValue } ?? ""
    }

    /// A drop of a column in a primary or foreign key has no online form (the key changes, or the
    /// server refuses the drop): nil.
    func dropColumnChange(_ tableName: String, _ column: String, _ context: StepContext) -> OnlineChange? {
        guard let table = context.before.table(tableName) else { return nil }
        if table.primaryKey?.columns.contains(column) == true || Self.inForeignKey(column, of: table, state: context.before) { return nil }
        let indexed = table.uniques.contains { $0.columns.contains(column) }
            || context.before.indexes(on: tableName).contains { $0.parts.contains { $0.columnName == column } }
        return .dropColumn(indexed: indexed)
    }

    /// Whether a column is in a foreign key of its table or referenced by one of any table.
    static func inForeignKey(_ column: String, of table: Table, state: SchemaState) -> Bool {
        table.foreignKeys.contains { $0.columns.contains(column) } || !state.incomingForeignKeys(to: table.name, column: column).isEmpty
    }

    public func alterColumn(_ change: AlterColumn, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let table = try context.after.requiredTable(change.table)
        guard let new = table.column(change.column) else { throw Unsupported("unknown column '\(change.table).\(change.column)'") }
        try checkTypeChange(change)
        // A default alone is a metadata change; anything else needs the whole column restated.
        if change.type == nil, change.nullable == nil, change.comment == nil, change.collation == nil, let defaultChange = change.defaultChange {
            switch defaultChange {
            case let .set(value):
                // An expression default may need the table evaluated: no promise made for it.
                let clause = if case .literal = value { onlineSuffix(.setDefault) } else { "" }
                return [SQLStatement("ALTER TABLE \(quote(change.table)) ALTER COLUMN \(quote(change.column)) SET DEFAULT \(defaultExpression(value, type: new.type))\(clause)", kind: .alterTable)]
            case .drop:
                return [SQLStatement("ALTER TABLE \(quote(change.table)) ALTER COLUMN \(quote(change.column)) DROP DEFAULT\(onlineSuffix(.setDefault))", kind: .alterTable)]
            }
        }
        return [SQLStatement("ALTER TABLE \(quote(change.table)) MODIFY COLUMN \(try columnDefinition(new, table: table))\(onlineSuffix(Self.varcharExtension(change, context)))",
                             kind: .alterTable)]
    }

    /// A change that only lengthens a VARCHAR (all else of the column as it was): nil otherwise.
    static func varcharExtension(_ change: AlterColumn, _ context: StepContext) -> OnlineChange? {
        guard change.nullable == nil, change.defaultChange == nil, change.comment == nil, change.using == nil,
              let old = context.before.table(change.table)?.column(change.column), let new = context.after.table(change.table)?.column(change.column),
              case let .string(from) = old.type, case let .string(to) = new.type else { return nil }
        var widened = old
        widened.type = new.type
        return widened == new ? .extendVarchar(from: from, to: to) : nil
    }

    /// Whether both servers add this column instantly: not with a unique index or a foreign key
    /// (INPLACE or COPY), nor an AUTO_INCREMENT or expression default (the rows are filled). A
    /// FULLTEXT index (only from a raw `sql` step) makes the server refuse it: the fail-fast case.
    static func addsInstantly(_ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?) -> Bool {
        if unique != nil || foreignKey != nil || column.identity || column.generated != nil { return false }
        if case .sql = column.defaultValue { return false }
        return true
    }

    public func createIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        try checkIndexShape(index)
        try checkIndexOptions(index)  // spec 1.1: index options
        if index.parts.contains(where: { $0.columnName == nil }) {
            throw Unsupported("MariaDB has no expression indexes (index '\(index.name)')",
                              fix: "index a generated column instead, or use a per-dialect `sql` step")
        }
        var using = ""
        if let method = index.method {
            guard method == "btree" || method == "hash" else {
                throw Unsupported("MySQL has no '\(method)' indexes (index '\(index.name)')", fix: "use btree or hash")
            }
            using = " USING \(method.uppercased())"
        }
        let unique = index.unique ? "UNIQUE " : ""
        let (_, covered) = foreignKeyIndexChanges(index.table, context)
        if concurrently, covered.isEmpty {
            return [SQLStatement("ALTER TABLE \(quote(index.table)) ADD \(unique)INDEX \(quote(index.name))\(using) (\(indexParts(index)))\(onlineSuffix(.buildIndex))", kind: .alterTable)]
        }
        if !covered.isEmpty {
            // A key whose own index the new one makes redundant loses it in the same statement (MySQL
            // drops the index it made by itself then, but not one mgen restored: dropping it here
            // works for both, and keeps the schema a function of the state).
            var clauses = ["ADD \(unique)INDEX \(quote(index.name))\(using) (\(indexParts(index)))"] + covered.map { "DROP INDEX \(quote($0.name))" }
            if concurrently, let clause = online(.buildIndex) { clauses.append(clause.rawValue) }
            return [SQLStatement("ALTER TABLE \(quote(index.table))\(joinClauses(clauses))", kind: .alterTable,
                                 facts: covered.map { .foreignKeyIndexDropped(table: index.table, foreignKey: $0.name) })]
        }
        return [SQLStatement("CREATE \(unique)INDEX \(quote(index.name))\(using) ON \(quote(index.table)) (\(indexParts(index)))", kind: .createIndex)]
    }

    /// Clauses of one ALTER TABLE: on one line when there is one, else one per line.
    func joinClauses(_ clauses: [String]) -> String {
        clauses.count == 1 ? " " + clauses[0] : "\n    " + clauses.joined(separator: ",\n    ")
    }

    public func dropIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        // MySQL refuses to drop the only index a foreign key can use: give the key its own index
        // back (named after it, as MySQL names the one it makes) in the same statement.
        let (restored, _) = foreignKeyIndexChanges(index.table, context)
        if restored.isEmpty, !concurrently {
            return [SQLStatement("DROP INDEX \(quote(index.name)) ON \(quote(index.table))", kind: .dropIndex)]
        }
        var clauses = restored.map { "ADD INDEX \(quote($0.name)) (\(quoteList($0.columns)))" } + ["DROP INDEX \(quote(index.name))"]
        if concurrently, let clause = online(.buildIndex) { clauses.append(clause.rawValue) }
        return [SQLStatement("ALTER TABLE \(quote(index.table))\n    " + clauses.joined(separator: ",\n    "), kind: .alterTable,
                             facts: restored.map { .foreignKeyIndexRestored(table: index.table, foreignKey: $0.name, columns: $0.columns) })]
    }

    public func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let (_, covered) = foreignKeyIndexChanges(unique.table, context)
        if covered.isEmpty {
            return [addConstraint(table: unique.table, name: unique.name, definition: "UNIQUE (\(quoteList(unique.columns)))", kind: .alterTable)]
        }
        let clauses = ["ADD CONSTRAINT \(quote(unique.name)) UNIQUE (\(quoteList(unique.columns)))"] + covered.map { "DROP INDEX \(quote($0.name))" }
        return [SQLStatement("ALTER TABLE \(quote(unique.table))\(joinClauses(clauses))", kind: .alterTable,
                             facts: covered.map { .foreignKeyIndexDropped(table: unique.table, foreignKey: $0.name) })]
    }

    public func dropConstraint(_ tableName: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let table = try context.before.requiredTable(tableName)
        if let fk = table.foreignKeys.first(where: { $0.name == name }) {
            var statements = [SQLStatement("ALTER TABLE \(quote(tableName)) DROP FOREIGN KEY \(quote(name))\(onlineSuffix(.dropForeignKey))", kind: .dropForeignKey)]
            // The key's own index (made by MySQL, or restored by mgen) outlives the constraint unless dropped too.
            if Self.hasOwnIndex(fk, in: context.before) {
                statements.append(SQLStatement("ALTER TABLE \(quote(tableName)) DROP INDEX \(quote(name))", kind: .alterTable,
                                               facts: [.foreignKeyIndexDropped(table: tableName, foreignKey: name)]))
            }
            return statements
        }
        if table.uniques.contains(where: { $0.name == name }) {
            let (restored, _) = foreignKeyIndexChanges(tableName, context)
            let clauses = restored.map { "ADD INDEX \(quote($0.name)) (\(quoteList($0.columns)))" } + ["DROP INDEX \(quote(name))"]
            return [SQLStatement("ALTER TABLE \(quote(tableName))\(joinClauses(clauses))", kind: .alterTable,
                                 facts: restored.map { .foreignKeyIndexRestored(table: tableName, foreignKey: $0.name, columns: $0.columns) })]
        }
        return [dropConstraintStatement(tableName, name)]
    }

    /// MySQL keeps an index named after a foreign key exactly when nothing else leads with the key's
    /// columns: it makes one for a new key then, mgen gives one back when an index the key relied on
    /// is dropped, and drops it when a new index or unique covers the key. So the index follows from
    /// the state alone, on every path up and down (a down that re-adds a key gets MySQL's own index,
    /// and a later covering index still finds the same name to drop).
    public static func hasOwnIndex(_ fk: ForeignKey, in state: SchemaState) -> Bool {
        guard let table = state.table(fk.table) else { return false }
        func leads(_ columns: [String]) -> Bool { Array(columns.prefix(fk.columns.count)) == fk.columns }
        if let pk = table.primaryKey, leads(pk.columns) { return false }
        if table.uniques.contains(where: { leads($0.columns) }) { return false }
        // Another key on the same leading columns shares its index.
        if table.foreignKeys.contains(where: { $0.name != fk.name && leads($0.columns) }) { return false }
        return !state.indexes(on: fk.table).contains { leads($0.parts.prefix { $0.columnName != nil }.compactMap(\.columnName)) }
    }

    /// The foreign keys of a table that get an own index in this step (`restored`) and those whose
    /// own index a new index or unique makes redundant (`covered`).
    func foreignKeyIndexChanges(_ tableName: String, _ context: StepContext) -> (restored: [ForeignKey], covered: [ForeignKey]) {
        guard let before = context.before.table(tableName), let after = context.after.table(tableName) else { return ([], []) }
        let kept = before.foreignKeys.filter { fk in after.foreignKeys.contains { $0.name == fk.name } }
        return (kept.filter { !Self.hasOwnIndex($0, in: context.before) && Self.hasOwnIndex($0, in: context.after) },
                kept.filter { Self.hasOwnIndex($0, in: context.before) && !Self.hasOwnIndex($0, in: context.after) })
    }

    /// Drops the non-unique indexes on exactly `columns` of `table` (in order) that `keeping` does
    /// not name, whatever their names, if there are any: for a foreign key whose own index another
    /// tool named (a framework that names keys itself, so InnoDB names the index after its key), or
    /// that the server already dropped (InnoDB drops its implicit one when a covering index arrives,
    /// but keeps one added by name). MySQL 8.0 has no `DROP INDEX IF EXISTS`: the ALTER TABLE is
    /// built from information_schema.statistics and run as a prepared statement (MySQL and MariaDB).
    public func dropOwnIndexes(table: String, columns: [String], keeping: [String]) -> [SQLStatement] {
        let kept = keeping.isEmpty ? "" : " AND index_name NOT IN (\(keeping.map(stringLiteral).joined(separator: ", ")))"
        let shape = (["COUNT(*) = \(columns.count)"] + columns.enumerated().map { i, column in
            "SUM(seq_in_index = \(i + 1) AND column_name = \(stringLiteral(column))) = 1"
        }).joined(separator: " AND ")
        let build = """
        SET @mgen_ddl = (SELECT IFNULL(CONCAT(\(stringLiteral("ALTER TABLE \(quote(table)) ")), \
        GROUP_CONCAT(CONCAT('DROP INDEX `', REPLACE(own.index_name, '`', '``'), '`') SEPARATOR ', ')), 'DO 0') \
        FROM (SELECT index_name FROM information_schema.statistics \
        WHERE table_schema = DATABASE() AND table_name = \(stringLiteral(table)) AND non_unique = 1\(kept) \
        GROUP BY index_name HAVING \(shape)) AS own)
        """
        return [SQLStatement(build), SQLStatement("PREPARE mgen_ddl FROM @mgen_ddl"), SQLStatement("EXECUTE mgen_ddl"),
                SQLStatement("DEALLOCATE PREPARE mgen_ddl")]
    }

    /// Whether MySQL keeps an index named after this foreign key in `state` (for emitters that
    /// render these steps their own way).
    public static func createsImplicitIndex(_ fk: ForeignKey, in table: Table, state: SchemaState) -> Bool {
        hasOwnIndex(fk, in: state)
    }

    /// SIGNAL runs outside stored programs too; MESSAGE_TEXT holds at most 128 characters.
    public func failure(_ message: String) -> SQLStatement {
        SQLStatement("SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = \(stringLiteral(String(oneLine(message).prefix(128))))")
    }

    /// Batches in a temporary procedure: plain SQL has no loops in MySQL.
    public func backfill(_ backfill: Backfill, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        guard backfill.batchSize > 0 else { return [try singleUpdate(backfill)] }
        let key = try backfillKey(backfill, context)
        let procedure = quote(context.helperName)
        let assignments = try assignments(backfill)
        let body = """
        CREATE PROCEDURE \(procedure)()
        BEGIN
            DECLARE batch_start BIGINT;
            DECLARE max_key BIGINT;
            SELECT MIN(\(quote(key))), MAX(\(quote(key))) INTO batch_start, max_key FROM \(quote(backfill.table));
            WHILE batch_start <= max_key DO
                UPDATE \(quote(backfill.table)) SET \(assignments)
                WHERE \(batchPredicate(backfill, key: key, start: "batch_start"));
                SET batch_start = batch_start + \(backfill.batchSize);
            END WHILE;
        END
        """
        return [
            SQLStatement("DROP PROCEDURE IF EXISTS \(procedure)",
                         comment: "backfill \(backfill.table) in batches of \(backfill.batchSize) rows along \(key)"),
            SQLStatement(body),
            SQLStatement("CALL \(procedure)()"),
            SQLStatement("DROP PROCEDURE \(procedure)"),
        ]
    }
}
