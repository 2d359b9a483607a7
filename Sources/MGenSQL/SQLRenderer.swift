import MGenSpec

/// The SQL of one migration: its up, and its down unless it is irreversible.
public struct RenderedMigration: Sendable {
    public var planned: PlannedMigration
    public var up: [SQLStatement]
    public var down: [SQLStatement]?
    /// issue 13: rendered for a runner that cannot leave its transaction, so a unique constraint on
    /// an existing table builds its index under ADD CONSTRAINT's lock (`withoutConcurrentUniqueBuilds`).
    public var uniqueBuiltUnderLock = false

    /// Whether the up (or down) must run outside a transaction: a statement that cannot run in one,
    /// or one that must run in its own (VALIDATE) beside others, which the runner then splits off.
    public var upIsTransactional: Bool { planned.runsInTransaction && Self.shareOneTransaction(up) }
    public var downIsTransactional: Bool { planned.runsInTransaction && Self.shareOneTransaction(down ?? []) }

    static func shareOneTransaction(_ statements: [SQLStatement]) -> Bool {
        statements.allSatisfy(\.transactional) && (statements.count < 2 || !statements.contains(where: \.ownTransaction))
    }
}

extension RenderedMigration {
    /// The migration as one commented SQL script: its up, its down, or both (what `mgen sql` prints).
    public func script(up includeUp: Bool = true, down includeDown: Bool = true) -> String {
        // Appended into one string: a thousand migrations' scripts are most of what `mgen sql`
        // allocates otherwise.
        let migration = planned.migration
        var out = ""
        out.reserveCapacity((includeUp ? up : []).reduce(128) { $0 + $1.sql.utf8.count + 8 }
            + (includeDown ? (down ?? []) : []).reduce(64) { $0 + $1.sql.utf8.count + 8 })
        func append(_ statements: [SQLStatement]) {
            for (i, statement) in statements.enumerated() {
                if i > 0 { out += "\n" }
                if let comment = statement.comment { out += LineComment.sql.lines(comment); out += "\n" }
                out += statement.sql
                if statement.sql.utf8.last != UInt8(ascii: ";") { out += ";" }
            }
            out += "\n\n"
        }
        if includeUp {
            out += LineComment.sql.lines("\(migration.id) \(migration.name): up\(upIsTransactional ? "" : " (outside a transaction)")") + "\n"
            append(up)
        }
        if includeDown {
            out += LineComment.sql.lines("\(migration.id) \(migration.name): down") + "\n"
            if let down { append(down) } else { out += LineComment.sql.lines("irreversible: \(migration.irreversible ?? "")") + "\n\n" }
        }
        return out
    }
}

extension RenderedMigration {
    /// The comment line that marks a down as the refusal of an irreversible migration; scanners
    /// of SQL files read it back as "no down".
    public static let irreversibleMarker = "mgen: irreversible:"

    /// The down as SQL files hold it: the rendered down, or for an irreversible migration one
    /// statement that fails, naming the spec and why (an empty down would let goose, golang-migrate
    /// or a client "roll back" silently).
    public func downOrFailure(_ dialect: any SQLDialect) -> [SQLStatement] {
        if let down { return down }
        let migration = planned.migration
        let reason = migration.irreversible ?? "no down"
        var statement = dialect.failure("mgen: \(migration.id) \(migration.name) is irreversible: \(reason)")
        statement.comment = "\(Self.irreversibleMarker) \(dialect.oneLine(reason))"
        return [statement]
    }
}

/// Renders planned migrations to SQL for one dialect.
public struct SQLRenderer: Sendable {
    public let dialect: any SQLDialect

    public init(dialect: Dialect, options: RenderOptions = RenderOptions()) {
        self.dialect = Self.make(dialect, options: options)
    }

    public static func make(_ dialect: Dialect, options: RenderOptions = RenderOptions()) -> any SQLDialect {
        switch dialect {
        case .postgresql: PostgreSQLDialect(options: options)
        case .mysql: MySQLDialect(options: options)
        case .sqlite: SQLiteDialect(options: options)
        }
    }

    /// Renders every migration of a chain, reporting every problem together; the dialect's limits
    /// first, so that emit, sql and verify refuse what `mgen validate --dialect` refuses.
    public func render(_ chain: MigrationChain) throws(DiagnosticError) -> [RenderedMigration] {
        try checkLimits(chain)
        return try render(chain.migrations) { $0 }
    }

    /// What the dialect's database would refuse or silently change (DialectRules: an index on a
    /// binary column MariaDB cuts to a prefix, a varchar past the row size, …), as one error.
    public func checkLimits(_ chain: MigrationChain) throws(DiagnosticError) {
        let problems = DialectRules.problems(in: chain, for: dialect.dialect)
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }

    /// Renders migrations and maps each result (to the text a command prints, say) on every core,
    /// keeping their order; each migration renders from its own states. Every problem is
    /// reported together.
    public func render<Output: Sendable>(_ migrations: [PlannedMigration],
                                         _ transform: @Sendable (RenderedMigration) -> Output) throws(DiagnosticError) -> [Output] {
        try parallelMap(migrations) { migration in
            Result { () throws(DiagnosticError) in transform(try render(migration)) }
        }.valuesOrDiagnostics()
    }

    public func render(_ migration: PlannedMigration) throws(DiagnosticError) -> RenderedMigration {
        // spec 1.1: enum types. Where the dialect has none, they become its columns' inline values.
        let migration = migration.withInlineEnums(for: dialect.dialect)
        var diagnostics: [Diagnostic] = []
        let driver = StepDriver(migration, dialect: dialect.dialect)
        func statements(_ direction: Direction) -> [SQLStatement]? {
            var out: [SQLStatement] = []
            out.reserveCapacity(migration.steps(direction)?.count ?? 0)
            let walked = driver.forEach(direction, into: &diagnostics) { (step, context) throws(Unsupported) in
                out += try render(step.operation, context)
            }
            return walked ? out : nil
        }
        let up = statements(.up) ?? []
        let down = statements(.down)
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return RenderedMigration(planned: migration, up: up, down: down)
    }

    /// The table from operation kind to the dialect's rendering of it.
    public func render(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        let d = dialect
        switch operation {
        case let .createTable(table): return try d.createTable(table, context)
        case let .dropTable(name): return try d.dropTable(name, context)
        case let .renameTable(from, to): return try d.renameTable(from, to: to, context)
        case let .addColumn(table, column, unique, fk): return try d.addColumn(table, column, unique: unique, foreignKey: fk, context)
        case let .dropColumn(table, column): return try d.dropColumn(table, column, context)
        case let .renameColumn(table, from, to): return try d.renameColumn(table, from, to: to, context)
        case let .alterColumn(change): return try d.alterColumn(change, context)
        case let .createIndex(index, concurrently): return try d.createIndex(index, concurrently: concurrently, context)
        case let .dropIndex(name, _, concurrently):
            guard let index = context.before.index(name) else { throw Unsupported("unknown index '\(name)'") }
            return try d.dropIndex(index, concurrently: concurrently, context)
        case let .addForeignKey(fk): return try d.addForeignKey(fk, context)
        case let .addUnique(unique): return try d.addUnique(unique, context)
        case let .addCheck(check): return try d.addCheck(check, context)
        case let .validateConstraint(table, name): return try d.validateConstraint(table, name, context)
        case let .dropConstraint(table, name): return try d.dropConstraint(table, name, context)
        case let .sql(up, _):
            guard let text = up.text(for: d.dialect) else {
                throw Unsupported("this sql step has no text for \(d.dialect)", fix: "add `\(d.dialect): ...` or `default: ...` to it")
            }
            return SQLSplitter.split(text, backslashEscapes: d.dialect == .mysql).map { SQLStatement($0) }
        case let .backfill(backfill): return d.settlingDeferredChecks(try d.backfill(backfill, context), operation, context)
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change): return try d.objectChange(change, context)
        // spec 1.1: enum types
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue:
            return try d.enumTypeStatements(operation, context)
        // spec 1.1: data steps
        case .insert, .delete, .update: return d.settlingDeferredChecks(try d.dataStep(operation, context), operation, context)
        // spec 1.1: primary keys
        case .addPrimaryKey, .dropPrimaryKey: return try d.primaryKeyStep(operation, context)
        // spec 1.1: renames
        case .renameIndex: return try d.renameStep(operation, context)
        // spec 1.1: comments
        case .commentTable: return try d.commentStep(operation, context)
        // spec 1.1: constraint renames
        case .renameConstraint: return try d.constraintRenameStep(operation, context)
        // spec 1.1: altering in place
        case .alterTable, .alterConstraint: return try d.alterInPlaceStep(operation, context)
        // spec 1.1: unique constraints from a unique index
        case let .addUniqueUsingIndex(unique, index): return try d.addUniqueUsingIndex(unique, index: index, context)
        }
    }
}
