import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The Django target, proven by Django itself: the example chain is emitted into a fresh project,
/// `manage.py migrate` applies it one migration at a time on a scratch database, and after each the
/// schema is compared with the one mgen's own SQL gives for the same chain (allowing only the
/// differences DjangoDifferences lists); then `migrate blog <previous>` walks it back down to
/// `zero`, which must leave the schema empty, and `migrate` applies it all again.
@Suite(.serialized) struct DjangoMigrateTests {
    static let app = "blog"

    @Test func sqlite() throws {
        try roundTrip(server: DatabaseURL("sqlite:" + NSTemporaryDirectory() + "mgen-django.db"))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func postgresql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.pgKey))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey)))
    func mysql() throws {
        try roundTrip(server: DBEnv.url(DBEnv.mysqlKey))
    }

    /// spec 1.1: schemas (PostgreSQL's): Fixtures/framework-chains/schemas through `manage.py
    /// migrate` — RunSQL of the qualified SQL, Django's state with db_table '"billing"."invoices"'.
    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func schemasChain() throws {
        try roundTrip(server: DBEnv.url(DBEnv.pgKey), chain: FrameworkChain(name: "schemas", dialects: [.postgresql]).load(),
                      name: "framework-chain schemas")
    }

    /// Chains written to hurt (Fixtures/django-chains): reserved words and mixed case, composite and
    /// string keys, renames of indexed and referenced columns, enum columns, type changes with
    /// defaults, `drop_index` without `table`, `%` in comments and defaults, a MySQL foreign key's
    /// own index covered, given back and dropped with the key (`keyindex`).
    /// `MGEN_DJANGO_CHAINS=a,b` runs only those.
    static let chains = ProcessInfo.processInfo.environment["MGEN_DJANGO_CHAINS"].map { $0.split(separator: ",").map(String.init) }
        ?? ["composite", "enums", "foreign", "keyindex", "keywords", "renames", "reserved", "types", "uniques"]

    @Test(arguments: chains, Dialect.allCases)
    func chain(name: String, dialect: Dialect) throws {
        let server: DatabaseURL
        switch dialect {
        case .sqlite: server = try DatabaseURL("sqlite:" + NSTemporaryDirectory() + "mgen-django-\(name).db")
        case .postgresql:
            guard DBEnv.enabled(DBEnv.pgKey) else { return }
            server = try DBEnv.url(DBEnv.pgKey)
        case .mysql:
            guard DBEnv.enabled(DBEnv.mysqlKey) else { return }
            server = try DBEnv.url(DBEnv.mysqlKey)
        }
        try roundTrip(server: server, chain: try Self.fixtureChain(name), name: "django-chain \(name)")
    }

    static func fixtureChain(_ name: String) throws -> MigrationChain {
        let folder = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/django-chains/\(name)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try MigrationChain.build(try names.map { file in
            try SpecLoader.load(text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), file: "\(name)/\(file)")
        })
    }

    /// Every emitted file compiles, uses every import, and sorts them as Django's writer does.
    @Test(arguments: Dialect.allCases)
    func filesCompileWithTidyImports(dialect: Dialect) throws {
        let project = try DjangoProject(dialect: dialect)
        defer { project.remove() }
        let files = try FileManager.default.contentsOfDirectory(atPath: project.migrations).filter { $0.hasSuffix(".py") }.sorted()
        #expect(files.count == 12)
        let result = try runPython([DjangoProject.fixtures + "/check_files.py"] + files.map { "\(project.migrations)/\($0)" }, in: project.root)
        #expect(result.status == 0, "\(result.output)")
    }

    func roundTrip(server: DatabaseURL, chain given: MigrationChain? = nil, name: String = "example") throws {
        let chain = try given ?? exampleChain()
        let cell = Cell(target: "django", dialect: server.dialect)
        guard given == nil else {
            let problems = try Self.run(chain, server: server, reference: referenceSnapshots(chain, server: server))
            KnownIssues.record(problems.map { "django on \(server.dialect): \($0)" }, chain: name, cell: cell)
            return
        }
        // Rows for the example's backfills (RunPython) to fill, in batches, through Django's ORM.
        let problems = try Self.run(chain, server: server, reference: referenceSnapshots(chain, server: server)) { name, db in
            if name.hasPrefix("0002_") { try db.execute("INSERT INTO users (username, name) VALUES ('ann', 'Ann A'), ('bob', NULL)") }
            if name.hasPrefix("0003_") {
                let emails = try db.query("SELECT email FROM users ORDER BY username").column("email")
                #expect(emails == ["ann@example.com", "bob@example.com"], "0003 backfilled users.email on \(server.dialect)")
            }
            if name.hasPrefix("0008_") {
                let names = try db.query("SELECT full_name FROM users ORDER BY username").column("full_name")
                #expect(names == ["Ann A", nil], "0008 copied users.name into full_name on \(server.dialect)")
            }
        }
        KnownIssues.record(problems.map { "django on \(server.dialect): \($0)" }, chain: name, cell: cell)
    }

    /// Emits `chain` into a fresh Django project and walks it with `manage.py migrate blog <name>`
    /// (up one, and back to the previous one or `zero`), then `migrate blog`, compared with `reference`.
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot],
                    afterUp: @escaping (String, Database) throws -> Void = { _, _ in }) throws -> [CellProblem] {
        let project = try DjangoProject(dialect: server.dialect, specs: chain)
        defer { project.remove() }
        // Compiles, every import used and sorted as Django's writer sorts them.
        let check = try runPython([DjangoProject.fixtures + "/check_files.py"] + project.modules.map { "\(project.migrations)/\($0).py" },
                                  in: project.root)
        guard check.status == 0 else { return [CellProblem(step: "syntax", message: check.output)] }
        // Django numbers its files itself (0001, 0002, ...): the spec ids need not match them.
        let disk = try EmitterRegistry.require("django").scan(project.migrations)
        let names = chain.migrations.map { migration in
            disk.first { $0.specID == migration.id }?.files.first.map { String(($0 as NSString).lastPathComponent.dropLast(3)) } ?? migration.id
        }
        return try withScratchDatabase(server) { db, url in
            // One Python process for the whole walk (Fixtures/django/serve.py calls Django's own commands).
            let django = try Coprocess(venvPython, ["\(DjangoProject.fixtures)/serve.py"], environment: try project.environment(url), in: project.root)
            defer { django.close() }
            var problems = RoundTrip(chain: chain, db: db,
                                     afterUp: { DjangoDifferences.unexplained(reference[$0], $1) },
                                     same: DjangoDifferences.unexplainedReverse,
                                     up: { try django.send("migrate \(app) \(names[$0])") },
                                     down: { try django.send("migrate \(app) \($0 > 0 ? names[$0 - 1] : "zero")") },
                                     upAll: { try django.send("migrate \(app)") },
                                     afterEachUp: { try afterUp(names[$0], db) },
                                     // The migration then meets what its own down left (on MySQL a
                                     // foreign key's own index that mgen named, where the first run met InnoDB's).
                                     redoAfterDown: true).walk()
            if problems.isEmpty {
                let plan = try django.send("showmigrations \(app)")
                if plan.contains("[ ]") { problems.append(CellProblem(step: "showmigrations", message: "not every migration is applied: \(plan)")) }
            }
            return problems
        }
    }
}

/// A throwaway Django project: manage.py, settings, and the app `blog` with the example chain
/// emitted into blog/migrations by the django target.
struct DjangoProject {
    static let fixtures = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/django").path
    let root: String
    let dialect: Dialect
    let render: RenderOptions
    var migrations: String { "\(root)/\(DjangoMigrateTests.app)/migrations" }
    var modules: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: migrations)) ?? []).filter { $0.hasSuffix(".py") && $0 != "__init__.py" }
            .map { String($0.dropLast(3)) }.sorted()
    }

    init(dialect: Dialect, specs: MigrationChain? = nil, render: RenderOptions = RenderOptions()) throws {
        self.dialect = dialect
        self.render = render
        root = try temporaryFolder("django-\(dialect.rawValue)")
        let files = FileManager.default
        for name in ["manage.py", "mgen_settings.py"] {
            try files.copyItem(atPath: "\(Self.fixtures)/\(name)", toPath: "\(root)/\(name)")
        }
        try files.createDirectory(atPath: "\(root)/\(DjangoMigrateTests.app)", withIntermediateDirectories: true)
        try "".write(toFile: "\(root)/\(DjangoMigrateTests.app)/__init__.py", atomically: true, encoding: .utf8)
        try emit(specs ?? exampleChain())
    }

    func emit(_ chain: MigrationChain) throws {
        let options = EmitOptions(dialect: dialect, output: migrations, render: render, targetOptions: ["app": DjangoMigrateTests.app])
        try EmitEngine.write(EmitEngine.plan(chain, emitter: EmitterRegistry.require("django"), options: options), force: false)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    /// MGEN_DJANGO_APP and MGEN_DJANGO_DATABASE (Django's DATABASES entry, as JSON) for the settings.
    func environment(_ url: DatabaseURL) throws -> [String: String] {
        var database: [String: String]
        switch url.dialect {
        case .sqlite:
            database = ["ENGINE": "django.db.backends.sqlite3", "NAME": url.database ?? ""]
        case .postgresql, .mysql:
            database = ["ENGINE": url.dialect == .postgresql ? "django.db.backends.postgresql" : "django.db.backends.mysql",
                        "NAME": url.database ?? "", "USER": url.user ?? "", "PASSWORD": url.effectivePassword ?? "",
                        "HOST": url.host ?? "127.0.0.1", "PORT": url.port.map(String.init) ?? ""]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: database, options: [.sortedKeys]), as: UTF8.self)
        return ["MGEN_DJANGO_APP": DjangoMigrateTests.app, "MGEN_DJANGO_DATABASE": json, "DJANGO_SETTINGS_MODULE": "mgen_settings"]
    }

    /// Runs `manage.py <arguments>`; a non-zero exit fails with Django's own output.
    @discardableResult
    func manage(_ arguments: [String], _ environment: [String: String]) throws -> String {
        let result = try runPython(["manage.py"] + arguments + ["--no-color"], in: root, environment: environment)
        guard result.status == 0 else { throw PythonFailure(command: "manage.py " + arguments.joined(separator: " "), output: result.output) }
        return result.output
    }
}

struct PythonFailure: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "\(command) failed:\n\(output)" }
}

/// Runs the project's venv Python (scripts/setup makes it) and returns its exit status and output.
func runPython(_ arguments: [String], in folder: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    let run = try runTool(venvPython, arguments, environment: environment, in: folder)
    return (run.status, run.output)
}

/// The differences between what Django makes and what mgen's SQL makes that are allowed, each with
/// its reason (docs/targets/django.md lists them too). Everything else is a failure. Each rule
/// names the exact spellings on both sides, so an unexpected difference still shows.
enum DjangoDifferences {
    /// Column types: (dialect, mgen's SQL, Django's field) pairs. Django's field classes have one
    /// column type each per backend.
    static let types: Set<[String]> = [
        // PostgreSQL: FloatField is double precision; DateTimeField is always timestamptz.
        ["postgresql", "real", "double precision"],
        ["postgresql", "timestamp without time zone", "timestamp with time zone"],
        // MySQL/MariaDB: TextField is longtext, BinaryField longblob, TimeField time(6), FloatField
        // double, DateTimeField datetime(6); UUIDField is MariaDB's own uuid type; an enum is a
        // TextField with choices and a CHECK (Django has no ENUM column).
        ["mysql", "text", "longtext"], ["mysql", "mediumtext", "longtext"], ["mysql", "blob", "longblob"],
        ["mysql", "time", "time(6)"], ["mysql", "float", "double"], ["mysql", "timestamp(6)", "datetime(6)"],
        ["mysql", "char(36)", "uuid"],
        // SQLite: Django's spellings of the same affinities; UUIDField stores 32 hex digits.
        ["sqlite", "boolean", "bool"], ["sqlite", "double", "real"], ["sqlite", "char(36)", "char(32)"],
    ]

    /// Defaults: the current time is Django's `Now()` (statement_timestamp() on PostgreSQL, a
    /// STRFTIME with microseconds on SQLite); SQLite writes a Decimal default as a CAST.
    static func sameDefault(_ dialect: Dialect, _ reference: String?, _ django: String?) -> Bool {
        guard let reference, let django else { return reference == django }
        if reference.lowercased() == "now()", django.lowercased() == "statement_timestamp()" { return true }
        if dialect == .sqlite, reference == "CURRENT_TIMESTAMP", django == "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')" { return true }
        if dialect == .sqlite, django == "CAST('\(reference)' AS NUMERIC)" { return true }
        return reference == django
    }

    static func unexplained(_ reference: SchemaSnapshot, _ django: SchemaSnapshot) -> [String] {
        SnapshotDiff(reference, normalized(django, like: reference)).render()
    }

    /// Django against Django (down, then up again): everything must match, but for a column type
    /// that is one of the pairs above: a column mgen's SQL made (a table RunSQL created for another
    /// column's sake) comes back in Django's spelling when a Django operation's reverse re-declares
    /// it from its field (seed 4 mysql: `time` made by RunSQL, AlterField's reverse gives `time(6)`),
    /// and the other way round; and so for a MySQL CHECK `expr` (mgen's SQL: a rename_constraint's
    /// reverse adds it back) and `expr = 1` (Django's AddConstraint; seed 26). Both are accepted
    /// against mgen's reference; any other change shows.
    static func unexplainedReverse(_ expected: SchemaSnapshot, _ actual: SchemaSnapshot) -> [String] {
        let actual = spelledLike(actual, expected)
        let (expected, spelled) = sqliteSpellingsAlike(expected, actual)
        return SnapshotDiff(uniquesAsIndexes(keyIndexesNamedAlike(expected)), uniquesAsIndexes(keyIndexesNamedAlike(spelled))).render()
    }

    /// `snapshot` with each column whose type is the other side of an allowed pair (mgen's ↔
    /// Django's, per `types`) from its column in `like` given `like`'s type, and each MySQL CHECK
    /// that is `like`'s with or without Django's ` = 1` given `like`'s text.
    static func spelledLike(_ snapshot: SchemaSnapshot, _ like: SchemaSnapshot) -> SchemaSnapshot {
        var out = snapshot
        let dialect = snapshot.dialect.rawValue
        for t in out.tables.indices {
            guard let other = like.table(out.tables[t].name) else { continue }
            for c in out.tables[t].columns.indices {
                let column = out.tables[t].columns[c]
                guard let match = other.column(column.name), match.nativeType != column.nativeType,
                      types.contains([dialect, match.nativeType, column.nativeType]) || types.contains([dialect, column.nativeType, match.nativeType])
                else { continue }
                out.tables[t].columns[c].nativeType = match.nativeType
                out.tables[t].columns[c].neutralType = match.neutralType
            }
            guard snapshot.dialect == .mysql else { continue }
            for k in out.tables[t].checkConstraints.indices {
                let check = out.tables[t].checkConstraints[k]
                guard let name = check.name, let match = other.checkConstraints.first(where: { $0.name == name }),
                      match.expression == check.expression + " = 1" || check.expression == match.expression + " = 1" else { continue }
                out.tables[t].checkConstraints[k] = match
            }
        }
        return out
    }

    /// SQLite: a table Django remade (from its fields) and one mgen's SQL rebuilt (RunSQL) are
    /// the same table in two spellings, the allowed differences of `normalized` (types of one
    /// affinity, a default's spelling, a primary key with or without a name, Django's own foreign
    /// keys). A down that remakes what an up rebuilt (or the other way round) changes the spelling
    /// only (generated seeds 8, 10, 13, 14, 19, 24): each side takes the other's where the two
    /// differ only so, either way round.
    static func sqliteSpellingsAlike(_ expected: SchemaSnapshot, _ actual: SchemaSnapshot) -> (SchemaSnapshot, SchemaSnapshot) {
        guard expected.dialect == .sqlite else { return (expected, actual) }
        let mgenSpelled = normalized(expected, like: actual)
        return (mgenSpelled, normalized(actual, like: mgenSpelled))
    }

    /// SQLite: a named unique constraint and a unique index of the same name and columns are one
    /// thing (SQLite keeps both as an index). Django makes the spec's unique index a
    /// UniqueConstraint in its state, which its next table rebuild declares in the table.
    static func uniquesAsIndexes(_ snapshot: SchemaSnapshot) -> SchemaSnapshot {
        guard snapshot.dialect == .sqlite else { return snapshot }
        var out = snapshot
        for t in out.tables.indices {
            let named = out.tables[t].uniqueConstraints.filter { $0.name != nil }
            out.tables[t].uniqueConstraints.removeAll { $0.name != nil }
            out.tables[t].indexes += named.map { IndexSnapshot(name: $0.name ?? "", columns: $0.columns, unique: true) }
            out.tables[t].indexes.sort { $0.name < $1.name }
        }
        return out
    }

    /// MySQL: the index of a foreign key Django owns is InnoDB's, named after the key, when Django
    /// created the key with its table or column, Django's own `<table>_<col>_<hash>` when it
    /// turned a plain field into the relation (migrating back down re-adds keys that way), and
    /// mgen's `<table>_<col>_fkey` once a dropped covering index gave it back (an index cannot be
    /// made implicit again, so a down leaves that name where the up had InnoDB's). That last name
    /// is the key's spec name, which keeps the table and column the key was added on (seed 3
    /// mysql: a rename_column, then a unique index over the key's column dropped again gives
    /// `table_table_fkey` on `user`). Same index, so one name for all three.
    static func keyIndexesNamedAlike(_ snapshot: SchemaSnapshot) -> SchemaSnapshot {
        guard snapshot.dialect == .mysql else { return snapshot }
        var out = snapshot
        for t in out.tables.indices {
            let table = out.tables[t]
            for i in table.indexes.indices {
                let index = table.indexes[i]
                let prefix = "\(table.name)_\(index.columns.joined(separator: "_"))_"
                guard !index.unique,
                      (index.name.hasPrefix(prefix) && String(index.name.dropFirst(prefix.count).prefix(8)).count == 8)
                          || index.name.hasSuffix("_fkey"),
                      table.foreignKeys.contains(where: { $0.columns == index.columns && $0.name?.contains("_fk_") == true }) else { continue }
                out.tables[t].indexes[i].name = prefix + "<django key index>"
            }
        }
        return out
    }

    /// Django's snapshot with each allowed difference replaced by what the reference has.
    static func normalized(_ django: SchemaSnapshot, like reference: SchemaSnapshot) -> SchemaSnapshot {
        let dialect = django.dialect
        let tables = django.tables.map { table -> TableSnapshot in
            guard let ref = reference.table(table.name) else { return table }
            var columns = table.columns
            for (i, column) in columns.enumerated() {
                guard let refColumn = ref.column(column.name) else { continue }
                if types.contains([dialect.rawValue, refColumn.nativeType, column.nativeType])
                    // MySQL: an enum is a CharField as long as its longest value, with a CHECK.
                    || (dialect == .mysql && refColumn.nativeType.hasPrefix("enum(") && column.nativeType.hasPrefix("varchar("))
                    // SQLite: Django writes `decimal` without precision and scale.
                    || (dialect == .sqlite && refColumn.nativeType.hasPrefix("decimal(") && column.nativeType == "decimal") {
                    columns[i].nativeType = refColumn.nativeType
                    columns[i].neutralType = refColumn.neutralType
                }
                if sameDefault(dialect, refColumn.default, column.default) { columns[i].default = refColumn.default }
            }
            let checks = table.checkConstraints.map { check -> CheckConstraintSnapshot in
                // MySQL: a raw SQL condition Django compares with true (`… = 1`): the same test.
                guard dialect == .mysql, let name = check.name, let match = ref.checkConstraints.first(where: { $0.name == name }),
                      check.expression == match.expression + " = 1" else { return check }
                return match
            }.filter { check in
                // SQLite: JSONField's own CHECK (JSON_VALID(col) OR col IS NULL).
                if dialect == .sqlite, check.name == nil, check.expression.hasPrefix("JSON_VALID(") { return false }
                // MySQL: the CHECK that stands in for an enum column (mgen's SQL uses ENUM there).
                if dialect == .mysql, let name = check.name, name.hasSuffix("_check"),
                   ref.columns.contains(where: { $0.nativeType.hasPrefix("enum(") && name == "\(table.name)_\($0.name)_check" }) { return false }
                return true
            }
            var uniques = table.uniqueConstraints
            var indexes = table.indexes
            var foreignKeys = table.foreignKeys
            var primaryKey = table.primaryKey
            // Foreign keys Django made itself (the spec left the name to it): Django's name
            // `<table>_<col>_<hash>_fk_<table>_<col>`, no ON DELETE (Django applies on_delete itself).
            // MySQL named the index it made for such a key after the key.
            if dialect != .sqlite {
                foreignKeys = foreignKeys.map { fk in
                    guard let name = fk.name, name.contains("_fk_"), fk.onDelete == "no action" || (dialect == .mysql && fk.onDelete == "restrict"),
                          let match = ref.foreignKeys.first(where: { $0.columns == fk.columns && $0.referencedTable == fk.referencedTable
                              && $0.referencedColumns == fk.referencedColumns && $0.name?.hasSuffix("_fkey") == true }) else { return fk }
                    // MySQL: the key's index, named after the key by InnoDB, or `<table>_<col>_<hash>`
                    // when Django made it (turning a plain field into the relation).
                    let prefix = "\(table.name)_\(fk.columns.joined(separator: "_"))_"
                    if let i = indexes.firstIndex(where: { $0.columns == fk.columns && ($0.name == name
                           || ($0.name.hasPrefix(prefix) && $0.name.dropFirst(prefix.count).count == 8 && ref.index($0.name) == nil)) }),
                       let refName = match.name, ref.index(refName)?.columns == fk.columns {
                        indexes[i].name = refName
                    }
                    return match
                }
            }
            // PostgreSQL: Django adds a `<table>_<col>_<hash>_like` varchar_pattern_ops index for a
            // CharField primary key (for LIKE lookups).
            if dialect == .postgresql {
                // (Snapshots show a key part's operator class since spec 1.1: `code varchar_pattern_ops`.)
                indexes.removeAll { index in
                    let columns = index.columns.map { $0.replacingOccurrences(of: " varchar_pattern_ops", with: "") }
                    return index.name.hasSuffix("_like") && ref.index(index.name) == nil && columns == table.primaryKey?.columns
                        && columns.count == 1 && ref.column(columns[0])?.nativeType.hasPrefix("character varying") == true
                }
            }
            // SQLite: a primary key has no usable name; Django writes none.
            if dialect == .sqlite, primaryKey?.name == nil, ref.primaryKey?.columns == primaryKey?.columns { primaryKey = ref.primaryKey }
            if dialect == .sqlite {
                // SQLite: Django declares a UniqueConstraint inside CREATE TABLE; mgen's SQL adds a
                // unique index of the same name (SQLite cannot add a constraint later).
                uniques = uniques.filter { unique in
                    guard let name = unique.name, let index = ref.index(name), index.unique, index.columns == unique.columns,
                          !ref.uniqueConstraints.contains(where: { $0.name == name }) else { return true }
                    indexes.append(index)
                    return false
                }
                // SQLite: Django's foreign keys are unnamed, DEFERRABLE, with no ON DELETE (Django
                // applies on_delete itself, before it deletes); mgen's are named, with the action.
                foreignKeys = foreignKeys.map { fk in
                    guard fk.name == nil, fk.onDelete == "no action",
                          let match = ref.foreignKeys.first(where: { $0.columns == fk.columns && $0.referencedTable == fk.referencedTable
                              && $0.referencedColumns == fk.referencedColumns }) else { return fk }
                    return match
                }
            }
            var normalized = TableSnapshot(name: table.name, columns: columns, primaryKey: primaryKey, indexes: indexes,
                                           foreignKeys: foreignKeys, uniqueConstraints: uniques, checkConstraints: checks, comment: table.comment)
            normalized.options = table.options // spec 1.1: MySQL table options
            return normalized
        }
        return SchemaSnapshot(dialect: dialect, tables: tables, objects: django.objects ?? [], enumTypes: django.enumTypes)
    }
}
