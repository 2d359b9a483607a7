import Foundation
import MGenSpec
import MGenSQL

/// What became of one migration, for the report.
public struct MigrationReport: Codable, Sendable, Equatable {
    public struct RawStatement: Codable, Sendable, Equatable {
        public var location: String
        public var statement: String
        public var reason: String
    }
    public var id: String
    public var name: String
    public var files: [String]
    /// The kinds of the structured operations, in order.
    public var operations: [String]
    public var raw: [RawStatement]
    /// `derived`, `paired`, `kept`, `none`.
    public var down: String
    public var downNote: String
    /// Statements left out because the spec says the same otherwise (BEGIN/COMMIT wrappers).
    public var dropped: [String]
}

public struct ImportReport: Codable, Sendable, Equatable {
    public var format: String
    public var dialect: String
    public var migrations: [MigrationReport]
    public var structuredStatements: Int
    public var rawStatements: Int

    /// The text report: a line per migration, then each raw statement and why.
    public var text: String {
        var lines: [String] = []
        for m in migrations {
            let ops = m.operations.isEmpty ? "" : m.operations.joined(separator: ", ")
            let raw = m.raw.isEmpty ? "" : "\(ops.isEmpty ? "" : ", ")\(m.raw.count) raw sql"
            lines.append("\(m.id) \(m.name): \(ops)\(raw); down \(m.down) (\(m.downNote))")
            for r in m.raw { lines.append("  \(r.location): sql: \(r.reason): \(r.statement)") }
            for d in m.dropped { lines.append("  dropped \(d)") }
        }
        lines.append("\(migrations.count) migration(s) from \(format) (\(dialect)): \(structuredStatements) statement(s) became operations, \(rawStatements) stayed raw sql")
        return lines.joined(separator: "\n")
    }
}

/// The specs an import made, in chain order, with their YAML and the report.
public struct ImportResult: Sendable {
    public var specs: [(file: String, yaml: String)]
    public var migrations: [Migration]
    public var report: ImportReport
}

/// Turns a folder read by an `Importer` into specs: each statement becomes the operations that say
/// exactly what it does, checked against the replayed state, or stays raw SQL with the reason.
public enum ImportEngine {
    /// Reads a folder in a format and maps it: the dialect is the one given, else the one the
    /// folder names (Prisma), else an error. `specFolder` is where the specs will live (their paths).
    public static func importFolder(_ path: String, format: String, dialect: Dialect?, specFolder: String = "Specs") throws(DiagnosticError) -> ImportResult {
        let importer = try ImporterRegistry.require(format)
        let folder = try importer.read(path, dialect: dialect)
        if let dialect, let named = folder.dialect, named != dialect {
            throw DiagnosticError(Diagnostic("the folder says \(named) but --dialect says \(dialect)", object: path,
                                             fix: "leave out --dialect, or pass --dialect \(named)"))
        }
        guard let effective = dialect ?? folder.dialect else {
            throw DiagnosticError(Diagnostic("no dialect for \(path)", object: "--dialect",
                                             fix: "pass --dialect postgresql, mysql or sqlite (the SQL in the files is read as that dialect)"))
        }
        return try run(folder, format: importer.name, dialect: effective, specFolder: specFolder)
    }

    /// Writes the specs into a folder: nothing is written when one of them exists already (unless
    /// `force`), and each file goes through a temporary name, so no half-written spec is left.
    public static func write(_ result: ImportResult, to folder: String, force: Bool) throws(DiagnosticError) -> [String] {
        let manager = FileManager.default
        do { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DiagnosticError(Diagnostic("cannot create \(folder): \(error.localizedDescription)", object: folder))
        }
        let clashes = result.specs.map { "\(folder)/\($0.file)" }.filter { manager.fileExists(atPath: $0) }
        if !force, !clashes.isEmpty {
            throw DiagnosticError(Diagnostic("\(clashes.count) spec(s) exist already, e.g. \(clashes[0])", object: folder,
                                             fix: "import into an empty folder, or pass --force to overwrite"))
        }
        var written: [String] = []
        for spec in result.specs {
            let path = "\(folder)/\(spec.file)"
            try writeAtomically(spec.yaml, to: path, makeFolder: false)
            written.append(path)
        }
        return written
    }

    public static func run(_ folder: SourceFolder, format: String, dialect: Dialect, specFolder: String = "Specs",
                           baseline: Bool = false) throws(DiagnosticError) -> ImportResult {
        try run(folder, format: format, dialect: dialect, specFolder: specFolder, baseline: baseline, objects: nil)
    }

    /// `objects`: spec 1.1 operations read from a live catalog (`baseline --db`), put around the
    /// first migration's (before: what tables use; after: what reads them).
    static func run(_ folder: SourceFolder, format: String, dialect: Dialect, specFolder: String = "Specs",
                    baseline: Bool = false, objects: LiveObjects?) throws(DiagnosticError) -> ImportResult {
        var state = SchemaState()
        var opaque: Set<String> = []
        var specs: [(String, String)] = []
        var migrations: [Migration] = []
        var reports: [MigrationReport] = []
        var structured = 0, raw = 0
        let identityTypes = dialect == .sqlite
            ? DDLReader.sqliteIdentityTypes(folder.migrations.flatMap { $0.up + ($0.down ?? []) }) : [:]
        for source in folder.migrations {
            var mapper = Mapper(dialect: dialect, state: state, opaque: opaque, identityTypes: identityTypes)
            var built = mapper.migration(source)
            if let objects, migrations.isEmpty {
                // Each object replayed after the tables; one the state refuses (it reads a table
                // kept raw) is kept as its own SQL where the catalog gave it, else named unread.
                let file = source.files.first ?? "database"
                var trial = mapper.state
                var line = source.up.count + 1
                func place(_ ops: [(Operation, String?)]) -> [Located<Operation>] {
                    var out: [Located<Operation>] = []
                    for (op, text) in ops {
                        let at = SourceLocation(file: file, line: line, column: 1)
                        line += 1
                        do {
                            try trial.apply(op, at: at)
                            trial.commit()
                            out.append(Located(op, at: at))
                            structured += 1
                        } catch {
                            let reason = "the spec cannot replay it: " + (error.diagnostics.first?.message ?? "invalid")
                            if let text {
                                out.append(Located(.sql(up: DialectSQL([dialect.rawValue: text]), down: nil), at: at))
                                built.report.raw.append(MigrationReport.RawStatement(location: "\(file):\(at.line)", statement: text, reason: reason))
                                raw += 1
                            } else {
                                built.report.dropped.append("\(op.kind) \(LiveObjects.name(op)): not read from the database (\(reason))")
                            }
                        }
                    }
                    return out
                }
                // Extensions, sequences and functions only add names: replayed after the tables too.
                let before = objects.before.map { ($0, String?.none) }
                let placedBefore = place(before)
                let placedAfter = place(objects.after)
                // (After the schemas the tables' statements make first: spec 1.1, a sequence may be in one.)
                let schemas = built.migration.operations.prefix { op in
                    if case .object(.create(.schema)) = op.value { true } else { false }
                }
                built.migration.operations = Array(schemas) + placedBefore + built.migration.operations.dropFirst(schemas.count) + placedAfter
            }
            if baseline {
                built.migration.description = "Baseline: the schema as it stood before the first spec (read from \(source.files.joined(separator: ", ")))."
                built.migration.down = nil
                built.migration.irreversible = "a baseline declares the existing schema; its down would drop it"
                built.migration.baseline = true
                built.report.down = "none"
                built.report.downNote = "a baseline is irreversible"
            }
            state = mapper.state
            opaque = mapper.opaque
            structured += built.structuredCount
            raw += built.report.raw.count
            let file = "\(built.migration.id)_\(fileSlug(built.migration.name)).yaml"
            let yaml = SpecWriter.yaml(built.migration, comment: ["Imported by mgen from \(format): \(source.files.joined(separator: ", "))"])
            // What was written must be what the loader reads: load it back, so an import never
            // leaves a spec mgen itself rejects.
            let loaded = try SpecLoader.load(text: yaml, file: "\(specFolder)/\(file)")
            specs.append((file, yaml))
            migrations.append(loaded)
            reports.append(built.report)
        }
        _ = try MigrationChain.build(migrations)
        return ImportResult(specs: specs, migrations: migrations,
                            report: ImportReport(format: format, dialect: dialect.rawValue, migrations: reports,
                                                 structuredStatements: structured, rawStatements: raw))
    }

    static func fileSlug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// A spec `id` from a version: letters, digits, `_ - .` are kept, anything else becomes `_`.
    static func specID(_ version: String) -> String {
        String(version.map { $0.isLetter || $0.isNumber || "_-.".contains($0) ? $0 : "_" })
    }

    static func specName(_ name: String) -> String {
        var out = String(name.map { $0.isLetter || $0.isNumber || "_-. ".contains($0) ? $0 : "_" })
        while let first = out.first, "-. ".contains(first) { out.removeFirst() }
        return out.isEmpty ? "migration" : out
    }
}

/// One migration's mapping, with the state the chain has reached.
struct Mapper {
    let dialect: Dialect
    var state: SchemaState
    /// Tables whose structure raw SQL has changed: the state no longer knows them exactly, so
    /// later statements on them stay raw too.
    var opaque: Set<String>
    /// SQLite: the identity columns' types, from the foreign keys of the whole folder (DDLReader).
    var identityTypes: [String: ColumnType] = [:]
    /// Whether the migration being read runs in a transaction (how mgen renders a backfill).
    var inTransaction = true
    /// PostgreSQL: the parse trees of the up statements, made ahead (LintSource), by position.
    var parsed: [PostgresReader.Parsed]?

    struct Item {
        var statement: SourceStatement
        var operations: [Operation]
        /// The state before each operation (for the derived down).
        var before: [SchemaState]
        var reason: String?
        /// Further statements this item's operations say too (Prisma's enum swap).
        var absorbed = 0
        var isRaw: Bool { reason != nil }
    }

    func read(_ text: String, in state: SchemaState, position: Int? = nil) -> StatementReading {
        switch dialect {
        case .postgresql: PostgresReader.read(text, state: state, parsed: position.flatMap { p in parsed.flatMap { p < $0.count ? $0[p] : nil } })
        case .mysql, .sqlite: DDLReader(dialect: dialect, identityTypes: identityTypes).read(text, state: state)
        }
    }

    /// Maps statements onto `state`, advancing it; raw ones become `sql` steps.
    mutating func items(_ statements: [SourceStatement], dropped: inout [String]) -> [Item] {
        var out: [Item] = []
        var skip = 0
        var skipped: Set<Int> = [] // statements read as part of an earlier one's operations
        // Prisma's enum swap: the enum-type operations it performs, decided at its first
        // statement; else its statements stay raw together, with one reason (EnumSwap).
        var swaps: [Int: EnumSwap.Found] = [:]
        if dialect == .postgresql {
            for swap in EnumSwap.find(statements) { for p in swap.positions { swaps[p] = swap } }
        }
        // mgen's own session timeouts, which open each PostgreSQL file it writes in a transaction
        // (`SET LOCAL lock_timeout = '5s'`, …): `emit` writes them again, so they are no step.
        let ownTimeouts = Set(SessionTimeouts.defaults.statements(.postgresql, transactional: true).map(\.sql))
        var leading = dialect == .postgresql
        for (position, statement) in statements.enumerated() {
            if skip > 0 { skip -= 1; continue }
            if leading, ownTimeouts.contains(statement.text) {
                dropped.append("\(statement.text) at \(statement.location.file):\(statement.location.line): mgen's own session timeout, which emit writes again")
                continue
            }
            leading = false
            if var swap = swaps[position] {
                if position == swap.start {
                    switch EnumSwap.operations(swap, statements, state: state, opaque: opaque) {
                    case let .success(ops):
                        var trial = state
                        var befores: [SchemaState] = []
                        do {
                            for op in ops { befores.append(trial); try trial.apply(op, at: statement.location); trial.commit() }
                            state = trial
                            out.append(Item(statement: statement, operations: ops, before: befores, reason: nil, absorbed: swap.positions.count - 1))
                            for p in swap.positions where p != position { swaps[p] = nil }
                            skipped.formUnion(swap.positions.subtracting([position]))
                            continue
                        } catch {
                            swap.why = "the spec cannot replay it: " + (error.diagnostics.first?.message ?? "invalid")
                        }
                    case let .failure(keep):
                        swap.why = keep.reason
                    }
                    for p in swap.positions { swaps[p] = swap }
                }
                opaque.formUnion(swap.tables)
                out.append(raw(statement, reason: swap.reason, tables: []))
                continue
            }
            if skipped.contains(position) { continue }
            if dialect == .sqlite, let rebuild = SQLiteRebuild.read(statements[position...], state: state) {
                var trial = state
                var befores: [SchemaState] = []
                // The statements drop the table and its triggers; mgen's rebuild makes them again, so
                // they must be made again right after, as mgen writes them (then part of the rebuild).
                let recreated = SQLiteRebuild.triggersMadeAgain(statements[(position + rebuild.statementCount)...], on: rebuild.table, state: state)
                var fits = !opaque.contains(rebuild.table) && recreated != nil
                for op in rebuild.operations where fits {
                    befores.append(trial)
                    do { try trial.apply(op, at: statement.location); trial.commit() } catch { fits = false }
                }
                // The operations must lead to exactly the table and indexes the statements build.
                if fits, trial.table(rebuild.table).map({ SQLiteRebuild.comparable($0) }) == SQLiteRebuild.comparable(rebuild.result),
                   Set(trial.indexes(on: rebuild.table)) == Set(rebuild.indexes) {
                    state = trial
                    out.append(Item(statement: statement, operations: rebuild.operations, before: befores, reason: nil, absorbed: recreated ?? 0))
                    skip = rebuild.statementCount - 1 + (recreated ?? 0)
                    continue
                }
            }
            // mgen's own drop_enum_value (PostgreSQL's type made again): the step it renders.
            if dialect == .postgresql, let found = MgenEnumSwapReading.read(statements[position...], state: state) {
                var trial = state
                if !state.columns(ofEnumType: found.type).contains(where: { opaque.contains($0.table) }),
                   (try? trial.apply(found.operation, at: statement.location)) != nil {
                    trial.commit()
                    out.append(Item(statement: statement, operations: [found.operation], before: [state], reason: nil, absorbed: found.statementCount - 1))
                    state = trial
                    skip = found.statementCount - 1
                    continue
                }
            }
            // mgen's safe output (issue 13): NOT NULL through a CHECK, a concurrent build after the
            // cleanup of an INVALID index left before — the step it renders.
            if dialect == .postgresql, let found = SafeOutputReading.notNullThroughCheck(statements[position...], state: state)
                ?? SafeOutputReading.enumChange(statements[position...], state: state)
                ?? SafeOutputReading.concurrentUnique(statements[position...], state: state)
                ?? SafeOutputReading.concurrentIndex(statements[position...], state: state),
               let table = found.operation.table, !opaque.contains(table) {
                var trial = state
                if (try? trial.apply(found.operation, at: statement.location)) != nil {
                    trial.commit()
                    out.append(Item(statement: statement, operations: [found.operation], before: [state], reason: nil, absorbed: found.statementCount - 1))
                    state = trial
                    skip = found.statementCount - 1
                    continue
                }
            }
            // mgen's own batched backfill (a DO block, a temporary MySQL procedure): `backfill`.
            if dialect != .sqlite, let found = BackfillReading.read(statements[position...], dialect: dialect, state: state, inTransaction: inTransaction),
               !opaque.contains(found.backfill.table) {
                var trial = state
                if (try? trial.apply(.backfill(found.backfill), at: statement.location)) != nil {
                    trial.commit()
                    out.append(Item(statement: statement, operations: [.backfill(found.backfill)], before: [state], reason: nil, absorbed: found.statementCount - 1))
                    state = trial
                    skip = found.statementCount - 1
                    continue
                }
            }
            switch read(statement.text, in: state, position: position) {
            case let .transactionControl(word):
                dropped.append("\(word) at \(statement.location.file):\(statement.location.line): the spec's `transaction` says it")
            case let .amend(table, amendment, reason):
                if amend(table, amendment, into: &out) { continue }
                // spec 1.1: a comment on a table made earlier is comment_table, a primary key add_primary_key.
                if case let .comment(text) = amendment {
                    structured([.commentTable(table: table, comment: text)], statement, into: &out)
                    continue
                }
                if case let .primaryKey(columns) = amendment {
                    structured([.addPrimaryKey(AddPrimaryKey(table: table, key: PrimaryKey(name: DefaultNames.primaryKey(table), columns: columns)))],
                               statement, into: &out)
                    continue
                }
                if case .comment = amendment {} else { opaque.insert(table) }
                out.append(raw(statement, reason: reason, tables: []))
            case let .raw(reason, tables):
                opaque.formUnion(tables)
                out.append(Item(statement: statement, operations: [.sql(up: DialectSQL([dialect.rawValue: statement.text]), down: nil)],
                                before: [], reason: reason))
            case let .operations(ops):
                structured(ops, statement, into: &out)
            }
        }
        return out
    }

    /// Operations read from a statement: replayed on the state, else the statement stays raw.
    mutating func structured(_ read: [Operation], _ statement: SourceStatement, into out: inout [Item]) {
                let ops = read.map { Self.keyed($0, in: state) } // spec 1.1: an insert's key
                if ops.count == 1, case let .alterColumn(change) = ops[0], change.comment != nil, change.type == nil, change.nullable == nil,
                   change.defaultChange == nil, let comment = change.comment,
                   merge(comment: comment, table: change.table, column: change.column, into: &out) {
                    return
                }
                if dialect == .sqlite, ops.count == 1, case let .addUnique(unique) = ops[0], merge(unique: unique, into: &out) { return }
                var trial = state
                var befores: [SchemaState] = []
                var problem: String?
                for op in ops {
                    let tables = Self.tables(of: op)
                    if let hit = tables.first(where: opaque.contains) {
                        problem = "table \(hit) was changed by raw SQL before, so the spec's state cannot follow it"
                        break
                    }
                    if let enumProblem = Self.renamesEnumCheck(op, in: trial) { problem = enumProblem; break }
                    befores.append(trial)
                    do {
                        try trial.apply(op, at: statement.location)
                        trial.commit()
                    } catch {
                        problem = "the spec cannot replay it: " + (error.diagnostics.first?.message ?? "invalid")
                        break
                    }
                }
                if let problem {
                    // The tables the statement changes (not the ones its foreign keys point at).
                    opaque.formUnion(ops.flatMap { op -> [String] in
                        // spec 1.1: rows, triggers and views kept raw leave the table's structure as the state has it.
                        switch op { case .insert, .delete, .update, .object: return []; default: break }
                        var names = op.table.map { [$0] } ?? []
                        if case let .renameTable(_, to) = op { names.append(to) }
                        return names
                    })
                    out.append(Item(statement: statement, operations: [.sql(up: DialectSQL([dialect.rawValue: statement.text]), down: nil)],
                                    before: [], reason: problem))
                } else {
                    state = trial
                    out.append(Item(statement: statement, operations: ops, before: befores, reason: nil))
                }
    }

    func raw(_ statement: SourceStatement, reason: String, tables: [String]) -> Item {
        Item(statement: statement, operations: [.sql(up: DialectSQL([dialect.rawValue: statement.text]), down: nil)], before: [], reason: reason)
    }

    /// SQLite: a unique index right after the `create_table` of its table is how that table's
    /// unique constraint is written; it becomes part of the `create_table`.
    mutating func merge(unique: UniqueConstraint, into items: inout [Item]) -> Bool {
        guard let last = items.last, !last.isRaw, last.operations.count == 1, case var .createTable(t) = last.operations[0],
              t.name == unique.table, let start = last.before.first else { return false }
        t.uniques.append(unique)
        var replay = start
        do { try replay.apply(.createTable(t), at: last.statement.location); replay.commit() } catch { return false }
        items[items.count - 1].operations = [.createTable(t)]
        state = replay
        return true
    }

    mutating func amend(_ table: String, _ amendment: Amendment, into items: inout [Item]) -> Bool {
        switch amendment {
        case let .comment(text): return merge(comment: text, table: table, column: nil, into: &items)
        case let .primaryKey(columns):
            return rewrite(table, in: &items) { t in
                guard t.primaryKey == nil, columns.allSatisfy({ t.column($0)?.nullable == false }) else { return false }
                t.primaryKey = PrimaryKey(name: DefaultNames.primaryKey(table), columns: columns)
                return true
            }
        case let .identity(column):
            return rewrite(table, in: &items) { t in
                guard let k = t.columnIndex(column), t.columns[k].type.isInteger, t.columns[k].defaultValue == nil, !t.columns[k].nullable else { return false }
                t.columns[k].identity = true
                return true
            }
        }
    }

    /// Changes the `create_table` of `table` made earlier in this migration, and replays the
    /// state again from there; false (nothing changed) when there is none or the change does not apply.
    mutating func rewrite(_ table: String, in items: inout [Item], _ change: (inout Table) -> Bool) -> Bool {
        guard let k = items.lastIndex(where: { item in
            !item.isRaw && item.operations.contains { if case let .createTable(t) = $0 { t.name == table } else { false } }
        }), let start = items[k].before.first else { return false }
        var changed = items[k]
        var applied = false
        changed.operations = changed.operations.map { op in
            guard case var .createTable(t) = op, t.name == table else { return op }
            applied = change(&t)
            return .createTable(t)
        }
        guard applied else { return false }
        var replay = start
        var rebuilt = Array(items[..<k])
        for var item in [changed] + items[(k + 1)...] {
            if item.isRaw { rebuilt.append(item); continue }
            item.before = []
            for op in item.operations {
                item.before.append(replay)
                do { try replay.apply(op, at: item.statement.location); replay.commit() } catch { return false }
            }
            rebuilt.append(item)
        }
        items = rebuilt
        state = replay
        return true
    }

    /// A comment on a table or column that a `create_table` of this migration made: it becomes
    /// part of that `create_table` (the state is replayed again from there).
    mutating func merge(comment: String, table: String, column: String?, into items: inout [Item]) -> Bool {
        rewrite(table, in: &items) { t in
            if let column {
                guard let c = t.columnIndex(column) else { return false }
                t.columns[c].comment = comment.isEmpty ? nil : comment // "": the comment removed
            } else {
                t.comment = comment
            }
            return true
        }
    }

    /// The spec renames an enum column's CHECK with the column (or table); the SQL being read does
    /// not, so such a rename stays raw.
    static func renamesEnumCheck(_ op: Operation, in state: SchemaState) -> String? {
        switch op {
        case let .renameColumn(table, column, _):
            if case .enumeration? = state.table(table)?.column(column)?.type {
                return "the spec's rename_column of an enum column renames its CHECK too; this SQL does not"
            }
        case let .renameTable(table, _):
            if state.table(table)?.columns.contains(where: { if case .enumeration = $0.type { true } else { false } }) == true {
                return "the spec's rename_table renames its enum columns' CHECKs too; this SQL does not"
            }
        default: break
        }
        return nil
    }

    static func tables(of op: Operation) -> [String] {
        var names = op.table.map { [$0] } ?? []
        if case let .renameTable(_, to) = op { names.append(to) }
        if case let .addForeignKey(fk) = op { names.append(fk.referencedTable) }
        if case let .addColumn(_, _, _, fk?) = op { names.append(fk.referencedTable) }
        if case let .createTable(t) = op { names += t.foreignKeys.map(\.referencedTable) }
        return names
    }

    /// The down the spec would derive for some structured items (their inverses, last first).
    static func derivedDown(_ items: [Item]) -> [Operation]? {
        var down: [Operation] = []
        for item in items.reversed() {
            for (op, before) in zip(item.operations, item.before).reversed() {
                guard let inverse = op.inverse(in: before) else { return nil }
                down += inverse
            }
        }
        // As the chain does: a drop_index / drop_constraint of a table the down drops anyway goes.
        let dropped = Set(down.compactMap { if case let .dropTable(t) = $0 { t } else { nil } })
        return down.filter { op in
            switch op {
            case let .dropIndex(_, table, _), let .dropConstraint(table, _), let .dropPrimaryKey(table): !dropped.contains(table)
            default: true
            }
        }
    }

    struct Built {
        var migration: Migration
        var report: MigrationReport
        var structuredCount: Int
    }

    mutating func migration(_ source: SourceMigration) -> Built {
        var source = source
        var dropped: [String] = []
        // A PostgreSQL file mgen split around its VALIDATE (issue 13): the explicit transactions are
        // the spec's own `transaction`, which emit splits again the same way.
        if dialect == .postgresql, !source.transactional, let up = SafeOutputReading.unwrapSplit(source.up) {
            source.up = up.statements
            dropped += up.dropped
            source.transactional = true
            if let down = source.down, let unwrapped = SafeOutputReading.unwrapSplit(down) {
                source.down = unwrapped.statements
                dropped += unwrapped.dropped
            }
        }
        inTransaction = source.transactional
        var ups = items(source.up, dropped: &dropped)
        let after = state
        var downMode = "none", downNote = "the original has no down"
        var explicitDown: [Operation]?
        var irreversible: String?
        let allStructured = !ups.contains(where: \.isRaw)
        if let downStatements = source.down {
            var downMapper = Mapper(dialect: dialect, state: after, opaque: opaque, identityTypes: identityTypes, inTransaction: source.transactional)
            var downDropped: [String] = []
            let downs = downMapper.items(downStatements, dropped: &downDropped)
            dropped += downDropped
            let derived = allStructured ? Self.derivedDown(ups) : nil
            if downStatements.isEmpty {
                downMode = "kept"; downNote = "the original's down does nothing"
                explicitDown = []
            } else if let derived, !downs.contains(where: \.isRaw), downs.flatMap(\.operations) == derived {
                downMode = "derived"; downNote = "the down file does what the spec derives"
            } else if let derived, rendersAs(derived, from: after, downStatements, inTransaction: source.transactional) {
                // Statements that read as other steps (an enum's CHECK dropped, then its type) but
                // are exactly what mgen renders for the derived down.
                downMode = "derived"; downNote = "the down file is what mgen renders for the spec's derived down"
            } else if downs.count == ups.count, pairs(&ups, with: downs) {
                downMode = "paired"; downNote = "each statement's down from the down file, statement by statement"
            } else {
                downMode = "kept"; downNote = "the down file as the spec's explicit down"
                explicitDown = downs.flatMap(\.operations)
            }
        } else if allStructured, !ups.isEmpty, Self.derivedDown(ups) != nil {
            downMode = "derived"; downNote = "the original has no down; the spec derives one"
        } else {
            irreversible = "the original migration has no down"
        }
        let location = SourceLocation(file: source.files.first ?? source.version, line: 1, column: 1)
        var migration = Migration(id: ImportEngine.specID(source.version), name: ImportEngine.specName(source.name),
                                  transaction: source.transactional ? nil : false, created: source.created,
                                  operations: ups.flatMap { item in item.operations.map { Located($0, at: item.statement.location) } },
                                  down: explicitDown.map { $0.map { Located($0, at: location) } }, irreversible: irreversible, file: location.file)
        if migration.operations.isEmpty {
            // A migration of only BEGIN/COMMIT (or nothing): a step that does nothing keeps its place in the chain.
            migration.operations = [Located(.sql(up: DialectSQL("SELECT 1"), down: DialectSQL("SELECT 1")), at: location)]
            migration.irreversible = nil
            migration.down = nil
        }
        let report = MigrationReport(
            id: migration.id, name: migration.name, files: source.files,
            operations: ups.filter { !$0.isRaw }.flatMap { $0.operations.map(\.kind) },
            raw: ups.filter(\.isRaw).map { .init(location: "\($0.statement.location.file):\($0.statement.location.line)",
                                                  statement: Self.firstLine($0.statement.text), reason: $0.reason ?? "") },
            down: downMode, downNote: downNote, dropped: dropped)
        return Built(migration: migration, report: report, structuredCount: ups.filter { !$0.isRaw }.reduce(0) { $0 + 1 + $1.absorbed })
    }

    /// Whether rendering `operations` from `state` (idempotent or not) gives exactly `statements`,
    /// mgen's own session timeouts at their head aside.
    func rendersAs(_ operations: [Operation], from state: SchemaState, _ statements: [SourceStatement], inTransaction: Bool) -> Bool {
        let timeouts = Set(SessionTimeouts.defaults.statements(dialect, transactional: true).map(\.sql))
        let texts = statements.map(\.text).drop { timeouts.contains($0) }.map(EnumSwap.normalize)
        guard !operations.isEmpty else { return false }
        for idempotent in [true, false] {
            let renderer = SQLRenderer(dialect: dialect, options: RenderOptions(idempotent: idempotent))
            var before = state
            var rendered: [String] = []
            var fits = true
            for (k, op) in operations.enumerated() {
                var next = before
                let context: StepContext
                do {
                    try next.apply(op, at: SourceLocation(file: "import", line: k + 1, column: 1))
                    next.commit()
                    context = StepContext(before: before, after: next, inTransaction: inTransaction, migrationID: "import", direction: .down, position: k + 1)
                    rendered += try renderer.render(op, context).map { EnumSwap.normalize($0.sql) }
                } catch { fits = false; break }
                before = next
            }
            if fits, rendered == Array(texts) { return true }
        }
        return false
    }

    /// Pairs up statement i with down statement n-1-i: a structured up must have exactly its
    /// derived inverse there; a raw up takes the down statement as its `down`.
    func pairs(_ ups: inout [Item], with downs: [Item]) -> Bool {
        var paired = ups
        for (i, up) in ups.enumerated() {
            let down = downs[downs.count - 1 - i]
            if up.isRaw {
                guard case let .sql(upText, nil) = up.operations[0] else { return false }
                paired[i].operations = [.sql(up: upText, down: DialectSQL([dialect.rawValue: down.statement.text]))]
            } else {
                guard !down.isRaw, let inverse = Self.derivedDown([up]), inverse == down.operations else { return false }
            }
        }
        ups = paired
        return true
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.count > 100 ? String(line.prefix(100)) + "…" : line
    }
}
