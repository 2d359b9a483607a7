import MGenSpec

/// What a dialect cannot express: rendered as a diagnostic at the operation's place in the spec.
public struct Unsupported: Error, Sendable {
    public var message: String
    public var fix: String?
    public init(_ message: String, fix: String? = nil) { self.message = message; self.fix = fix }
}

/// What one step needs to be rendered: the operation, the states around it, the migration's mode.
public struct StepContext: Sendable {
    public var before: SchemaState
    public var after: SchemaState
    /// Whether the migration runs inside a transaction (a backfill may commit between batches when not).
    public var inTransaction: Bool
    /// Where the step is, for names of helper objects.
    public var migrationID: String
    public var direction: Direction
    public var position: Int
    /// The tables this direction of the migration creates (issue 13, safe output): a table made
    /// here has no rows yet, so it needs none of the forms that protect an existing table's
    /// readers and writers. nil: not known (a table counts as existing).
    public var createdTables: Set<String>?
    /// The step that runs after this one writes no rows, or none does: a data step leaves no
    /// deferred checks pending for it (DeferredChecks.swift).
    public var schemaChangeFollows = false
    /// The same of the step before this one: what follows this step's inverse where a framework
    /// runs the inverses backwards (a Rails `reversible` in `change`).
    public var schemaChangePrecedes = false

    public init(before: SchemaState, after: SchemaState, inTransaction: Bool, migrationID: String, direction: Direction, position: Int,
                createdTables: Set<String>? = nil) {
        self.before = before
        self.after = after
        self.inTransaction = inTransaction
        self.migrationID = migrationID
        self.direction = direction
        self.position = position
        self.createdTables = createdTables
    }

    /// Whether the table may hold rows that readers and writers use: it was not created by this
    /// direction of the migration.
    public func isExisting(_ table: String) -> Bool { !(createdTables?.contains(table) ?? false) }

    /// A name unique within the chain, for helper objects (MySQL backfill procedures).
    public var helperName: String {
        "mgen_\(direction)_\(migrationID)_\(position)".map { $0 == "-" || $0 == "." ? "_" : $0 }.reduce(into: "") { $0.append($1) }
    }
}

extension StepContext {
    /// Each step of one direction with the context it renders in: the state after a step is the
    /// next step's state before, and the last one ends where the direction ends. Lazy: no list of
    /// pairs is built, each is made as the caller reaches it.
    public static func pairs(_ steps: [Step], end: SchemaState, inTransaction: Bool, migrationID: String,
                             direction: Direction) -> LazyMapSequence<Range<Int>, (step: Step, context: StepContext)> {
        let created = Set(steps.compactMap { step -> String? in if case let .createTable(table) = step.operation { table.name } else { nil } })
        return steps.indices.lazy.map { i in
            let after = i + 1 < steps.count ? steps[i + 1].before : end
            var context = StepContext(before: steps[i].before, after: after, inTransaction: inTransaction,
                                      migrationID: migrationID, direction: direction, position: i + 1, createdTables: created)
            context.schemaChangeFollows = schemaChangeFollows(steps, at: i)
            context.schemaChangePrecedes = schemaChangeFollows(steps, at: i, reversed: true)
            return (steps[i], context)
        }
    }
}

/// Lookups that renderers make of what the validator already checked; a miss is a bug, reported
/// as an unsupported step rather than a crash.
extension SchemaState {
    public func requiredTable(_ name: String) throws(Unsupported) -> Table {
        guard let table = table(name) else { throw Unsupported("unknown table '\(name)'") }
        return table
    }
}

extension Table {
    public func requiredColumn(_ name: String) throws(Unsupported) -> Column {
        guard let column = column(name) else { throw Unsupported("unknown column '\(self.name).\(name)'") }
        return column
    }
}

/// A dialect is a value that answers questions (quoting, types, capabilities) and renders each
/// operation. The protocol extension holds the standard SQL; each dialect file overrides only what
/// differs, so no renderer ever asks "is this MySQL?".
public protocol SQLDialect: Sendable {
    var dialect: Dialect { get }
    var options: RenderOptions { get }
    /// Whether DDL takes part in transactions (PostgreSQL and SQLite yes, MySQL no).
    var hasTransactionalDDL: Bool { get }

    func quote(_ identifier: String) -> String
    func typeName(_ type: ColumnType, column: Column?) throws(Unsupported) -> String
    func literal(_ value: Literal) -> String
    func stringLiteral(_ text: String) -> String
    /// `TRUE`/`FALSE`, or `1`/`0` where booleans are integers (MySQL, SQLite).
    func booleanLiteral(_ value: Bool) -> String
    func defaultExpression(_ value: DefaultValue, type: ColumnType) -> String
    func columnDefinition(_ column: Column, table: Table) throws(Unsupported) -> String

    func createTable(_ table: Table, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func dropTable(_ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func renameTable(_ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func addColumn(_ table: String, _ column: Column, unique: UniqueConstraint?, foreignKey: ForeignKey?,
                   _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func dropColumn(_ table: String, _ column: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func renameColumn(_ table: String, _ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func alterColumn(_ change: AlterColumn, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func createIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func dropIndex(_ index: Index, concurrently: Bool, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func addForeignKey(_ fk: ForeignKey, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func addCheck(_ check: CheckConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func validateConstraint(_ table: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func dropConstraint(_ table: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    func backfill(_ backfill: Backfill, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    // spec 1.1: enum types
    func enumTypeStatements(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement]
    /// One statement that fails with this message when run (the down of an irreversible migration
    /// in the SQL-file targets, so a runner stops rather than records a rollback that did nothing).
    func failure(_ message: String) -> SQLStatement
}

// MARK: - Standard SQL, shared by the dialects

extension SQLDialect {
    public var hasTransactionalDDL: Bool { capabilities.transactionalDDL }
    /// What the database can do, as data.
    public var capabilities: DialectCapabilities { dialect.capabilities }

    public func quote(_ identifier: String) -> String {
        // spec 1.1: schemas. A table of another schema: `"billing"."invoices"` (Ops/Schemas.swift).
        if contains(identifier, QualifiedName.separatorByte) {
            let name = QualifiedName(identifier)
            return (name.schema.map { quote($0) + "." } ?? "") + quote(name.name)
        }
        // The common case has no quote to double; replacingOccurrences is costly on Linux.
        return contains(identifier, UInt8(ascii: "\"")) ? "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : "\"" + identifier + "\""
    }

    /// Whether a byte occurs in a string, read from its contiguous UTF-8 (a quick test on the
    /// path every identifier takes).
    func contains(_ text: String, _ byte: UInt8) -> Bool {
        var text = text
        return text.withUTF8 { $0.contains(byte) }
    }

    /// The lines of a CREATE TABLE body, indented and comma-separated, built in one string.
    public func tableBody(_ lines: [String]) -> String {
        var body = ""
        body.reserveCapacity(lines.reduce(0) { $0 + $1.utf8.count + 6 })
        for (i, line) in lines.enumerated() {
            if i > 0 { body += ",\n" }
            body += "    "
            body += line
        }
        return body
    }

    public func quoteList(_ names: [String]) -> String { names.map(quote).joined(separator: ", ") }

    public func stringLiteral(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    public func booleanLiteral(_ value: Bool) -> String { value ? "TRUE" : "FALSE" }

    public func literal(_ value: Literal) -> String {
        switch value {
        case let .string(s): stringLiteral(s)
        case let .integer(i): String(i)
        case let .number(n): n
        case let .boolean(b): booleanLiteral(b)
        case .null: "NULL"
        }
    }

    public func defaultExpression(_ value: DefaultValue, type: ColumnType) -> String {
        switch value {
        case let .literal(l): literal(l)
        case let .sql(expression): expression
        }
    }

    /// Text made safe for one line of an error message or comment: line breaks become spaces (a
    /// runner reads lines, and `-- +goose` lines are its commands) and hidden characters are
    /// spelled out, as in every comment mgen writes (LineComment).
    public func oneLine(_ text: String) -> String {
        LineComment.split(text).joined(separator: " ")
    }

    /// `IF NOT EXISTS ` when idempotent statements are on.
    var ifNotExists: String { options.idempotent ? "IF NOT EXISTS " : "" }
    var ifExists: String { options.idempotent ? "IF EXISTS " : "" }

    public func referenceClause(_ fk: ForeignKey) -> String {
        var sql = "REFERENCES \(quote(fk.referencedTable)) (\(quoteList(fk.referencedColumns)))"
        if let action = fk.onDelete { sql += " ON DELETE \(action.sql)" }
        if let action = fk.onUpdate { sql += " ON UPDATE \(action.sql)" }
        return sql + deferrableClause(fk.deferrable) // spec 1.1: deferrable constraints
    }

    /// spec 1.1: ` DEFERRABLE INITIALLY …` after a constraint that says so (DialectRules keeps
    /// it from MySQL, and unique ones from SQLite).
    public func deferrableClause(_ deferrable: Deferrability?) -> String { deferrable.map { " " + $0.sql } ?? "" }

    public func foreignKeyClause(_ fk: ForeignKey) -> String {
        "CONSTRAINT \(quote(fk.name)) \(foreignKeyDefinition(fk))"
    }

    /// A foreign key after its `CONSTRAINT <name>`.
    public func foreignKeyDefinition(_ fk: ForeignKey) -> String {
        "FOREIGN KEY (\(quoteList(fk.columns))) \(referenceClause(fk))"
    }

    public func checkClause(_ check: CheckConstraint) -> String {
        "CONSTRAINT \(quote(check.name)) \(checkDefinition(check))"
    }

    /// A CHECK after its `CONSTRAINT <name>`.
    public func checkDefinition(_ check: CheckConstraint) -> String {
        "CHECK (\(check.expression))"
    }

    /// `ALTER TABLE <table> ADD CONSTRAINT <name> <definition>`, with the fact that says so.
    public func addConstraint(table: String, name: String, definition: String, kind: StatementKind) -> SQLStatement {
        SQLStatement("ALTER TABLE \(quote(table)) ADD CONSTRAINT \(quote(name)) \(definition)", kind: kind,
                     facts: [.constraintAdded(table: table, name: name, definition: definition)])
    }

    /// The CHECK that stands in for an enum where the dialect has no enum type.
    public func enumCheck(table: String, column: Column) -> CheckConstraint? {
        guard case let .enumeration(values) = column.type else { return nil }
        return CheckConstraint(name: "\(QualifiedName.unqualified(table))_\(column.name)_check", table: table, // spec 1.1: schemas
                               expression: "\(quote(column.name)) IN (\(values.map(stringLiteral).joined(separator: ", ")))")
    }

    public func indexParts(_ index: Index) -> String {
        // spec 1.1: each key with its order and options (IndexOptions.swift)
        index.parts.indices.map { indexKey(index, $0) }.joined(separator: ", ")
    }


    // Operations in standard SQL; dialects override what differs.

    public func dropTable(_ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("DROP TABLE \(ifExists)\(quote(name))", kind: .dropTable)]
    }

    public func renameTable(_ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(from)) RENAME TO \(quote(to))", kind: .alterTable)]
    }

    public func renameColumn(_ table: String, _ from: String, to: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(table)) RENAME COLUMN \(quote(from)) TO \(quote(to))", kind: .alterTable)]
    }

    public func addForeignKey(_ fk: ForeignKey, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [addConstraint(table: fk.table, name: fk.name, definition: foreignKeyDefinition(fk), kind: .addForeignKey)]
    }

    public func addUnique(_ unique: UniqueConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [addConstraint(table: unique.table, name: unique.name, definition: "UNIQUE (\(quoteList(unique.columns)))\(deferrableClause(unique.deferrable))", kind: .alterTable)]
    }

    public func addCheck(_ check: CheckConstraint, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [addConstraint(table: check.table, name: check.name, definition: checkDefinition(check), kind: .alterTable)]
    }

    public func validateConstraint(_ table: String, _ name: String, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        [] // Only PostgreSQL has NOT VALID constraints; elsewhere they were checked when added.
    }

    /// One UPDATE for the whole table (`batch_size: 0`, or a dialect without batching).
    public func singleUpdate(_ backfill: Backfill) throws(Unsupported) -> SQLStatement {
        let predicate = backfill.predicate.map { " WHERE \($0)" } ?? ""
        return SQLStatement("UPDATE \(quote(backfill.table)) SET \(try assignments(backfill))\(predicate)")
    }

    /// `"a" = expr, "b" = expr`, with each expression in this dialect's spelling.
    public func assignments(_ backfill: Backfill) throws(Unsupported) -> String {
        var parts: [String] = []
        for assignment in backfill.assignments {
            guard let expression = assignment.expression.text(for: dialect) else {
                throw Unsupported("backfill of '\(backfill.table).\(assignment.column)' has no expression for \(dialect)",
                                  fix: "add `\(dialect): ...` or `default: ...` to its expressions")
            }
            parts.append("\(quote(assignment.column)) = \(expression)")
        }
        return parts.joined(separator: ", ")
    }

    /// The key batches are cut along: the given one or the single-column integer primary key.
    public func backfillKey(_ backfill: Backfill, _ context: StepContext) throws(Unsupported) -> String {
        if let key = backfill.key { return key }
        guard let pk = context.before.table(backfill.table)?.primaryKey?.columns, pk.count == 1 else {
            throw Unsupported("backfill of '\(backfill.table)' needs an integer key column", fix: "set `key:` or `batch_size: 0`")
        }
        return pk[0]
    }

    /// The WHERE of one batch: `key >= start AND key < start + size AND (predicate)`.
    public func batchPredicate(_ backfill: Backfill, key: String, start: String) -> String {
        var sql = "\(quote(key)) >= \(start) AND \(quote(key)) < \(start) + \(backfill.batchSize)"
        if let predicate = backfill.predicate { sql += " AND (\(predicate))" }
        return sql
    }
}
