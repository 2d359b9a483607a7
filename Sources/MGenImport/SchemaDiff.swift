import Foundation
import MGenSpec
import MGenVerify

/// A rename the user asks for (`--rename users.name=full_name`, `--rename people=users`): a drop
/// and an add that look like a rename are never written as one without it.
public enum SchemaRename: Hashable, Sendable {
    case table(from: String, to: String)
    case column(table: String, from: String, to: String)

    /// `old=new` (a table) or `table.old=new` (a column of the table as the specs name it).
    public init(parsing text: String) throws(DiagnosticError) {
        let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw DiagnosticError(Diagnostic("--rename takes old=new or table.old=new, not '\(text)'", object: "--rename",
                                             fix: "e.g. --rename people=users or --rename users.name=full_name"))
        }
        if let dot = parts[0].firstIndex(of: ".") {
            self = .column(table: String(parts[0][..<dot]), from: String(parts[0][parts[0].index(after: dot)...]), to: parts[1])
        } else {
            self = .table(from: parts[0], to: parts[1])
        }
    }

    var operation: MGenSpec.Operation {
        switch self {
        case let .table(from, to): .renameTable(table: from, to: to)
        case let .column(table, from, to): .renameColumn(table: table, column: from, to: to)
        }
    }

    public var text: String {
        switch self {
        case let .table(from, to): "\(from)=\(to)"
        case let .column(table, from, to): "\(table).\(from)=\(to)"
        }
    }
}

/// The schema of a live database as a spec state: the baseline reading (`LiveSchema`) replayed.
public struct LiveState: Sendable {
    public var state: SchemaState
    /// Tables of the database the spec cannot say exactly (kept raw by the reading): left out of
    /// the state, and of any diff against it.
    public var rawTables: Set<String>
    public var report: ImportReport

    public static func read(_ db: Database, source: String, exclude: Set<String> = frameworkBookkeepingTables) throws(DiagnosticError) -> LiveState {
        let names: [String]
        do { names = try introspect(db, exclude: exclude).tables.map(\.name) } catch {
            throw DiagnosticError(Diagnostic("cannot read the schema: \(error)", object: source, fix: "check the URL and that the user may read the catalog"))
        }
        guard !names.isEmpty else {
            return LiveState(state: SchemaState(), rawTables: [], report: ImportReport(format: "database", dialect: db.dialect.rawValue, migrations: [],
                                                                                     structuredStatements: 0, rawStatements: 0))
        }
        let result = try ImportEngine.baseline(db: db, source: source, exclude: exclude)
        let state = try MigrationChain.build(result.migrations).final
        return LiveState(state: state, rawTables: Set(names).subtracting(state.tableNames), report: result.report)
    }
}

/// The operations that take one state (the chain's) to another (a database's), as `new --from-db`
/// writes them. Decided on `ComparableState` (what the dialect's database keeps), written from
/// the target's own definitions.
public struct SchemaDiff: Sendable {
    public var operations: [MGenSpec.Operation]
    /// What the user must know: drops that look like renames, what the spec cannot say.
    public var notes: [String]

    /// MySQL: the database's default character set and collation, and each set's default
    /// collation — what a table shown without options has (IntrospectMySQL leaves them out).
    public struct MySQLDefaults: Sendable {
        public var charset: String
        public var collation: String
        public var charsetCollations: [String: String]
        public init(charset: String, collation: String, charsetCollations: [String: String]) {
            self.charset = charset
            self.collation = collation
            self.charsetCollations = charsetCollations
        }

        static func read(_ db: Database) throws -> MySQLDefaults? {
            guard db.dialect == .mysql, let charset = try db.scalar("SELECT @@character_set_database"),
                  let collation = try db.scalar("SELECT @@collation_database") else { return nil }
            var defaults: [String: String] = [:]
            for row in try db.query("SELECT CHARACTER_SET_NAME AS charset, DEFAULT_COLLATE_NAME AS collation FROM information_schema.CHARACTER_SETS") {
                if let c = row["charset"] ?? nil, let d = row["collation"] ?? nil { defaults[c.lowercased()] = d }
            }
            return MySQLDefaults(charset: charset, collation: collation, charsetCollations: defaults)
        }
    }

    public static func between(_ from: SchemaState, _ to: SchemaState, dialect: Dialect, renames: [SchemaRename] = [],
                               ignoring: Set<String> = [], mysqlDefaults: MySQLDefaults? = nil) throws(DiagnosticError) -> SchemaDiff {
        var planner = Planner(state: from, target: to, dialect: dialect, ignoring: ignoring)
        planner.mysqlDefaults = mysqlDefaults
        do {
            try planner.plan(renames: renames)
        } catch {
            // A step refused is most often a rename written as a drop and an add: say which.
            let hints = planner.notes.filter { $0.contains("--rename") }
            throw DiagnosticError(error.diagnostics.map { d in
                var d = d
                if !hints.isEmpty { d.fix = hints.joined(separator: "; ") }
                return d
            })
        }
        return SchemaDiff(operations: planner.operations, notes: planner.notes)
    }

    struct Planner {
        var state: SchemaState
        let target: SchemaState
        let dialect: Dialect
        let ignoring: Set<String>
        var operations: [MGenSpec.Operation] = []
        var notes: [String] = []
        var mysqlDefaults: MySQLDefaults?

        init(state: SchemaState, target: SchemaState, dialect: Dialect, ignoring: Set<String>) {
            self.state = state
            self.target = target
            self.dialect = dialect
            self.ignoring = ignoring
        }

        /// Applies an operation to the working state: every step is validated as `validate` would.
        mutating func emit(_ op: MGenSpec.Operation) throws(DiagnosticError) {
            do {
                try state.apply(op, at: SourceLocation(file: "new --from-db", line: operations.count + 1, column: 1))
            } catch {
                throw DiagnosticError(error.diagnostics.map { d in
                    var d = d
                    d.message = "the step \(op.kind) on \(op.table ?? "?") that the database's schema needs is refused: " + d.message
                    return d
                })
            }
            operations.append(op)
        }

        func normal(_ table: Table) -> Table { ComparableState.normal(table, dialect: dialect, ignoring: ignoring) }
        func normalIndex(_ index: Index) -> Index { ComparableState.normal(index, dialect: dialect) }

        /// An index, or on MySQL and SQLite a unique constraint (which those keep as a unique index).
        enum Keyed { case index(Index), unique(UniqueConstraint) }

        /// A table's indexes by name, as the dialect keeps them, with what the spec calls each.
        func indexes(_ s: SchemaState, on table: String) -> [String: (normal: Index, keyed: Keyed)] {
            var out: [String: (normal: Index, keyed: Keyed)] = [:]
            for index in s.indexes(on: table) { out[index.name] = (normalIndex(index), .index(index)) }
            if dialect != .postgresql {
                for unique in s.table(table)?.uniques ?? [] {
                    out[unique.name] = (Index(name: unique.name, table: table, parts: unique.columns.map { .column($0) }, unique: true), .unique(unique))
                }
            }
            return out
        }

        mutating func plan(renames: [SchemaRename]) throws(DiagnosticError) {
            try planObjectDrops() // spec 1.1: objects that would stand in the way
            // Tables first (a column rename names its table by the new name), each group in an
            // order where every rename's new name is free (see `freeFirst`).
            let tableRenames = renames.filter { if case .table = $0 { true } else { false } }
            let columnRenames = renames.filter { if case .column = $0 { true } else { false } }
            try check(tableRenames)
            try freeFirst(tableRenames)
            try check(columnRenames)
            try freeFirst(columnRenames)
            let oldTables = Set(state.tableNames).subtracting(ignoring)
            let newTables = Set(target.tableNames).subtracting(ignoring)
            // A table whose identity column is gone (or is no longer one) is another table under
            // the same name — the chain dropped it and gave its name to another (a rename, a new
            // table): no operation turns one into the other in place (an identity key cannot be
            // dropped), so it is dropped and made again, and said so.
            let replaced = Set(oldTables.intersection(newTables).filter { name in
                guard let old = state.table(name), let new = target.table(name) else { return false }
                return old.columns.contains { c in c.identity && new.column(c.name)?.identity != true }
            })
            for name in replaced.sorted() {
                notes.append("table \(name): the database's table of that name has another identity key; it is dropped and made again (its rows are lost): if the specs renamed a table to \(name), run again with --rename")
            }
            let dropped = oldTables.subtracting(newTables).union(replaced).sorted()
            let created = newTables.subtracting(oldTables).union(replaced).sorted()
            let common = oldTables.intersection(newTables).subtracting(replaced).sorted()
            noteLikelyRenames(dropped: dropped, created: created, common: common)
            try planObjectsBefore() // spec 1.1: enum types and objects
            try planInPlace(common: common) // spec 1.1: constraint renames, deferrability, MySQL table options

            // 1. What goes away or changes on tables that stay: foreign keys, then indexes and the
            //    other constraints, so that columns and tables can go after.
            for name in common {
                guard let old = state.table(name), let new = target.table(name) else { continue }
                let (o, n) = (normal(old), normal(new))
                for fk in old.foreignKeys where !n.foreignKeys.contains(ComparableState.normal(fk, dialect: dialect)) || dropped.contains(fk.referencedTable) {
                    try emit(.dropConstraint(table: name, name: fk.name))
                }
                let (oi, ni) = (indexes(state, on: name), indexes(target, on: name))
                for (indexName, index) in oi.sorted(by: { $0.key < $1.key }) where ni[indexName]?.normal != index.normal {
                    switch index.keyed {
                    case .index: try emit(.dropIndex(name: indexName, table: name, concurrently: false))
                    case .unique: try emit(.dropConstraint(table: name, name: indexName))
                    }
                }
                if dialect == .postgresql {
                    for unique in old.uniques where !new.uniques.contains(unique) { try emit(.dropConstraint(table: name, name: unique.name)) }
                }
                for check in o.checks where !n.checks.contains(check) { try emit(.dropConstraint(table: name, name: check.name)) }
                // spec 1.1: a changed primary key goes before its columns change (added again in 5).
                if o.primaryKey != n.primaryKey, old.primaryKey != nil { tryEmitKey(.dropPrimaryKey(table: name), table: name, old: old, new: new) }
            }
            // 2. Dropped tables, those that refer to others first.
            for name in referencingFirst(dropped, in: state) {
                // A key between two dropped tables that form a cycle goes first.
                for fk in state.table(name)?.foreignKeys ?? [] where state.table(fk.referencedTable) != nil && fk.referencedTable != name {
                    try emit(.dropConstraint(table: name, name: fk.name))
                }
                try emit(.dropTable(table: name))
            }
            // 3. New tables, those referred to first; a key to a table not there yet comes at the end.
            var laterKeys: [ForeignKey] = []
            for name in referencedFirst(created, in: target) {
                guard var table = target.table(name) else { continue }
                // spec 1.1: create_table names its key `<table>_pkey`; another name (a table renamed
                // after it was made, a key renamed) is add_primary_key after it (MySQL calls every
                // key PRIMARY; SQLite keeps an AUTOINCREMENT column only as the table's own key).
                var namedKey: PrimaryKey?
                if let key = table.primaryKey, dialect != .mysql, key.name != DefaultNames.primaryKey(name),
                   !(dialect == .sqlite && table.columns.contains(where: \.identity)) {
                    namedKey = key
                    table.primaryKey = nil
                }
                // A key to a column a table that stays gets later (step 4) waits for it too.
                let now = table.foreignKeys.filter { fk in
                    (fk.referencedTable == name && namedKey == nil)
                        || (fk.referencedTable != name && fk.referencedColumns.allSatisfy { state.table(fk.referencedTable)?.column($0) != nil })
                }
                laterKeys += table.foreignKeys.filter { !now.contains($0) }
                table.foreignKeys = now
                try emit(.createTable(table))
                if let namedKey { try emit(.addPrimaryKey(AddPrimaryKey(table: name, key: namedKey))) }
                for index in target.indexes(on: name).sorted(by: { $0.name < $1.name }) { try emit(.createIndex(index, concurrently: false)) }
            }
            // 4. Columns of tables that stay: added, altered, dropped.
            for name in common {
                guard let new = target.table(name) else { continue }
                for column in new.columns where state.table(name)?.column(column.name) == nil {
                    try emit(.addColumn(table: name, column: column, unique: nil, foreignKey: nil))
                }
                for column in new.columns {
                    guard let old = state.table(name)?.column(column.name) else { continue }
                    let (a, b) = (ComparableState.normal(old, dialect: dialect), ComparableState.normal(column, dialect: dialect))
                    guard a != b else { continue }
                    var change = AlterColumn(table: name, column: column.name)
                    if a.type != b.type { change.type = column.type }
                    if a.nullable != b.nullable { change.nullable = column.nullable }
                    if a.defaultValue != b.defaultValue { change.defaultChange = column.defaultValue.map { .set($0) } ?? .drop }
                    if a.comment != b.comment { change.comment = column.comment ?? "" }
                    // spec 1.1: collations (a column's collation changed in place)
                    if a.collation != b.collation { change.collation = column.collation.map { .set($0) } ?? .drop }
                    if a.identity != b.identity {
                        notes.append("\(name).\(column.name): identity \(old.identity) → \(column.identity) cannot be written (no spec operation); not written")
                    }
                    if change.type != nil || change.nullable != nil || change.defaultChange != nil || change.comment != nil || change.collation != nil {
                        // spec 1.1: generated columns. One that reads a column whose type or
                        // collation changes goes first and comes back after, as the database has it.
                        let readers = change.type == nil && change.collation == nil ? []
                            : (state.table(name)?.columns ?? []).filter { $0.name != column.name && Self.reads($0, column.name) }
                        for reader in readers { try emit(.dropColumn(table: name, column: reader.name)) }
                        try emit(.alterColumn(change))
                        for reader in readers { try emit(.addColumn(table: name, column: new.column(reader.name) ?? reader, unique: nil, foreignKey: nil)) }
                    }
                }
                for column in state.table(name)?.columns ?? [] where new.column(column.name) == nil {
                    try emit(.dropColumn(table: name, column: column.name))
                }
                if let old = state.table(name) {
                    let (o, n) = (normal(old), normal(new))
                    // spec 1.1: comment_table sets or removes a table's comment.
                    if o.comment != n.comment { try emit(.commentTable(table: name, comment: new.comment)) }
                }
            }
            // 5. Constraints and indexes that are new or changed on tables that stayed.
            for name in common {
                guard let new = target.table(name) else { continue }
                // spec 1.1: the database's primary key, where the table has none (now).
                if let key = new.primaryKey, let old = state.table(name), old.primaryKey == nil {
                    let named = PrimaryKey(name: key.name.isEmpty || dialect == .mysql ? DefaultNames.primaryKey(name) : key.name, columns: key.columns)
                    tryEmitKey(.addPrimaryKey(AddPrimaryKey(table: name, key: named)), table: name, old: old, new: new)
                }
                if dialect == .postgresql {
                    for unique in new.uniques where !(state.table(name)?.uniques.contains(unique) ?? false) { try emit(.addUnique(unique)) }
                }
                let current = normal(state.table(name) ?? new)
                for check in new.checks where !current.checks.contains(ComparableState.normal(check, dialect: dialect)) {
                    try emit(.addCheck(check))
                }
                let (oi, ni) = (indexes(state, on: name), indexes(target, on: name))
                for (indexName, index) in ni.sorted(by: { $0.key < $1.key }) where oi[indexName]?.normal != index.normal {
                    switch index.keyed {
                    case let .index(i): try emit(.createIndex(i, concurrently: false))
                    case let .unique(u): try emit(.addUnique(u))
                    }
                }
            }
            // 6. Foreign keys last: every table and column they name is there.
            for name in common {
                guard let new = target.table(name) else { continue }
                let current = normal(state.table(name) ?? new)
                for fk in new.foreignKeys where !current.foreignKeys.contains(ComparableState.normal(fk, dialect: dialect)) {
                    try emit(.addForeignKey(fk))
                }
            }
            for fk in laterKeys { try emit(.addForeignKey(fk)) }
            try planObjectsAfter() // spec 1.1: enum types and objects
        }

        /// Emits renames so that none takes a name another still holds: a name reused by the
        /// chain (`a` renamed to `b`, then `c` renamed to `a`) waits for the rename that frees it;
        /// renames that trade names (a cycle) go through a free temporary name.
        mutating func freeFirst(_ renames: [SchemaRename]) throws(DiagnosticError) {
            func taken(_ rename: SchemaRename) -> Bool {
                switch rename {
                case let .table(_, to): state.table(to) != nil
                case let .column(table, _, to): state.table(table)?.column(to) != nil
                }
            }
            func source(_ rename: SchemaRename) -> String {
                switch rename {
                case let .table(from, _): from
                case let .column(table, from, _): table + "." + from
                }
            }
            func destination(_ rename: SchemaRename) -> String {
                switch rename {
                case let .table(_, to): to
                case let .column(table, _, to): table + "." + to
                }
            }
            var pending = renames
            while !pending.isEmpty {
                if let k = pending.firstIndex(where: { !taken($0) }) {
                    try emit(pending.remove(at: k).operation)
                    continue
                }
                // A new name held by a table or column no rename moves away: the chain dropped it
                // and gave its name to another, so it goes first (with what refers to it).
                let sources = Set(pending.map(source))
                if let held = pending.first(where: { !sources.contains(destination($0)) }) {
                    switch held {
                    case let .table(_, to):
                        for other in state.tableNames where other != to {
                            for fk in state.table(other)?.foreignKeys ?? [] where fk.referencedTable == to {
                                try emit(.dropConstraint(table: other, name: fk.name))
                            }
                        }
                        try emit(.dropTable(table: to))
                    case let .column(table, _, to):
                        for index in state.indexes(on: table) where index.parts.contains(where: { $0.columnName == to }) {
                            try emit(.dropIndex(name: index.name, table: table, concurrently: false))
                        }
                        if let t = state.table(table) {
                            let names = t.foreignKeys.filter { $0.columns.contains(to) }.map(\.name) + t.uniques.filter { $0.columns.contains(to) }.map(\.name)
                            for name in names { try emit(.dropConstraint(table: table, name: name)) }
                        }
                        try emit(.dropColumn(table: table, column: to))
                    }
                    continue
                }
                // Every new name is still held by another: move the first out of the way.
                let first = pending[0]
                var temporary = ""
                for n in 1... {
                    temporary = "mgen_rename_\(n)"
                    let free: Bool
                    switch first {
                    case .table: free = state.table(temporary) == nil && !target.tableNames.contains(temporary)
                    case let .column(table, _, _): free = state.table(table)?.column(temporary) == nil
                    }
                    if free { break }
                }
                switch first {
                case let .table(from, to):
                    try emit(SchemaRename.table(from: from, to: temporary).operation)
                    pending[0] = .table(from: temporary, to: to)
                case let .column(table, from, to):
                    try emit(SchemaRename.column(table: table, from: from, to: temporary).operation)
                    pending[0] = .column(table: table, from: temporary, to: to)
                }
            }
        }

        /// The renames name what the specs have and the database has now.
        func check(_ renames: [SchemaRename]) throws(DiagnosticError) {
            for rename in renames {
                switch rename {
                case let .table(from, to):
                    guard state.table(from) != nil else {
                        throw DiagnosticError(Diagnostic("--rename \(rename.text): the specs have no table \(from)", object: "--rename",
                                                         fix: "name a table of the specs' replayed state: \(state.tableNames.joined(separator: ", "))"))
                    }
                    // A table the reading kept raw is there, though not compared.
                    guard target.table(to) != nil || ignoring.contains(to) else {
                        throw DiagnosticError(Diagnostic("--rename \(rename.text): the database has no table \(to)", object: "--rename",
                                                         fix: "name the table as the database has it now"))
                    }
                case let .column(table, from, to):
                    guard state.table(table)?.column(from) != nil else {
                        throw DiagnosticError(Diagnostic("--rename \(rename.text): the specs have no column \(table).\(from)", object: "--rename",
                                                         fix: "give table.old=new with the names the specs use"))
                    }
                    guard target.table(table)?.column(to) != nil || ignoring.contains(table) else {
                        throw DiagnosticError(Diagnostic("--rename \(rename.text): the database has no column \(table).\(to)", object: "--rename",
                                                         fix: "name the column as the database has it now (a renamed table by its new name)"))
                    }
                }
            }
        }


        /// Whether a generated column's expression names a column (as a word, quoted or not).
        static func reads(_ generated: Column, _ column: String) -> Bool {
            guard let texts = generated.generated?.expression.byDialect.values else { return false }
            let escaped = NSRegularExpression.escapedPattern(for: column)
            let pattern = "(^|[^A-Za-z0-9_])[\"`]?\(escaped)[\"`]?($|[^A-Za-z0-9_])"
            return texts.contains { $0.range(of: pattern, options: .regularExpression) != nil }
        }

        /// A primary-key step, or a note when the spec refuses it (a key a foreign key references,
        /// or that holds an identity column, cannot be dropped): the rest is still written.
        mutating func tryEmitKey(_ op: MGenSpec.Operation, table: String, old: Table, new: Table) {
            do { try emit(op) } catch {
                notes.append("\(table): primary key \(old.primaryKey?.columns ?? []) → \(new.primaryKey?.columns ?? []): not written (\(error.diagnostics.first?.message ?? "refused"))")
            }
        }

        /// A table dropped and one created with the same columns, or in one table a column dropped
        /// and one added of the same definition: reported, never guessed.
        mutating func noteLikelyRenames(dropped: [String], created: [String], common: [String]) {
            func shape(_ t: Table) -> [String] { t.columns.map { c in "\(c.name) \(ComparableState.normal(c, dialect: dialect).type)" } }
            for d in dropped {
                guard let old = state.table(d) else { continue }
                for c in created {
                    guard let new = target.table(c), shape(old) == shape(new) else { continue }
                    notes.append("table \(d) is dropped and \(c) created with the same columns: if \(d) was renamed, run again with --rename \(d)=\(c) (as written, its rows are lost)")
                }
            }
            for name in common {
                guard let old = state.table(name), let new = target.table(name) else { continue }
                let gone = old.columns.filter { new.column($0.name) == nil }
                let added = new.columns.filter { old.column($0.name) == nil }
                for g in gone {
                    let a0 = ComparableState.normal(g, dialect: dialect)
                    for a in added {
                        let b0 = ComparableState.normal(a, dialect: dialect)
                        guard a0.type == b0.type, a0.nullable == b0.nullable else { continue }
                        notes.append("column \(name).\(g.name) is dropped and \(name).\(a.name) added with the same type: if it was renamed, run again with --rename \(name).\(g.name)=\(a.name) (as written, its values are lost)")
                    }
                }
            }
        }

        func referencingFirst(_ names: [String], in s: SchemaState) -> [String] { referencedFirst(names, in: s).reversed() }

        /// Tables in an order where each comes after the tables (of `names`) it refers to; a cycle
        /// keeps name order.
        func referencedFirst(_ names: [String], in s: SchemaState) -> [String] {
            let set = Set(names)
            var done: Set<String> = []
            var visiting: Set<String> = []
            var out: [String] = []
            func visit(_ name: String) {
                guard set.contains(name), !done.contains(name), !visiting.contains(name) else { return }
                visiting.insert(name)
                for fk in (s.table(name)?.foreignKeys ?? []).sorted(by: { $0.referencedTable < $1.referencedTable }) where fk.referencedTable != name {
                    visit(fk.referencedTable)
                }
                visiting.remove(name)
                done.insert(name)
                out.append(name)
            }
            for name in names { visit(name) }
            return out
        }
    }
}

/// `mgen new NAME --from-db URL`: the spec that takes a chain to a database's current schema.
public struct NewFromDatabase: Sendable {
    /// nil when the database already has the chain's schema.
    public var spec: Migration?
    public var yaml: String?
    public var notes: [String]
    /// Tables of the database the spec cannot say exactly (kept raw by the reading): not compared.
    public var rawTables: Set<String>
    /// What the spec, replayed after the chain, still does not give (what the spec cannot say);
    /// empty when the spec reaches the database's schema.
    public var residual: [String]

    public static func make(after chain: MigrationChain, db: Database, source: String, id: String, name: String, created: String?,
                            file: String, renames: [SchemaRename] = [],
                            exclude: Set<String> = frameworkBookkeepingTables) throws(DiagnosticError) -> NewFromDatabase {
        let live = try LiveState.read(db, source: source, exclude: exclude)
        let dialect = db.dialect
        let defaults: SchemaDiff.MySQLDefaults?
        do { defaults = try SchemaDiff.MySQLDefaults.read(db) } catch {
            throw DiagnosticError(Diagnostic("cannot read the database's default collation: \(error)", object: source, fix: "check the URL and that the user may read the catalog"))
        }
        let diff = try SchemaDiff.between(chain.final, live.state, dialect: dialect, renames: renames, ignoring: live.rawTables, mysqlDefaults: defaults)
        var notes = live.rawTables.sorted().map { "table \($0): the spec cannot say it exactly (see `mgen baseline --db`'s report); left out of the comparison" }
        notes += diff.notes
        guard !diff.operations.isEmpty else {
            return NewFromDatabase(spec: nil, yaml: nil, notes: notes, rawTables: live.rawTables, residual: [])
        }
        let location = SourceLocation(file: file, line: 1, column: 1)
        var migration = Migration(id: id, name: name, description: "The database's schema (\(source)) since the last spec, read by mgen new --from-db.",
                                  created: created, operations: diff.operations.map { Located($0, at: location) }, file: file)
        // spec 1.1: enum types. PostgreSQL refuses to use an enum value in the transaction that
        // adds it (the chain refuses such a spec): one that adds a value a later step uses (a
        // column's default) runs outside a transaction, each statement committed on its own.
        if diff.operations.contains(where: { if case .addEnumValue = $0 { true } else { false } }),
           (try? MigrationChain.build(chain.migrations.map(\.migration) + [migration])) == nil {
            var outside = migration
            outside.transaction = false
            if (try? MigrationChain.build(chain.migrations.map(\.migration) + [outside])) != nil {
                migration = outside
                notes.append("the spec adds an enum value and uses it: it runs outside a transaction (`transaction: false`), as PostgreSQL refuses a new value in the transaction that adds it")
            }
        }
        let yaml = SpecWriter.yaml(migration, comment: ["Written by mgen new --from-db: review it, then emit"])
        let loaded = try SpecLoader.load(text: yaml, file: file)
        let rebuilt = try MigrationChain.build(chain.migrations.map(\.migration) + [loaded])
        let residual = ComparableState(rebuilt.final, dialect: dialect, ignoring: live.rawTables)
            .differences(to: ComparableState(live.state, dialect: dialect, ignoring: live.rawTables))
        return NewFromDatabase(spec: loaded, yaml: yaml, notes: notes, rawTables: live.rawTables, residual: residual)
    }
}
