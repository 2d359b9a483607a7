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

    func roundTrip(server: DatabaseURL) throws {
        let chain = try exampleChain()
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
        for problem in problems { Issue.record("django on \(server.dialect): \(problem)") }
    }

    /// Emits `chain` into a fresh Django project and walks it with `manage.py migrate blog <name>`
    /// (up one, and back to the previous one or `zero`), then `migrate blog`, compared with `reference`.
    static func run(_ chain: MigrationChain, server: DatabaseURL, reference: [SchemaSnapshot],
                    afterUp: @escaping (String, Database) throws -> Void = { _, _ in }) throws -> [CellProblem] {
        let project = try DjangoProject(dialect: server.dialect, specs: chain)
        defer { project.remove() }
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
                                     afterEachUp: { try afterUp(names[$0], db) }).walk()
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
    var migrations: String { "\(root)/\(DjangoMigrateTests.app)/migrations" }
    var modules: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: migrations)) ?? []).filter { $0.hasSuffix(".py") && $0 != "__init__.py" }
            .map { String($0.dropLast(3)) }.sorted()
    }

    init(dialect: Dialect, specs: MigrationChain? = nil) throws {
        self.dialect = dialect
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
        let options = EmitOptions(dialect: dialect, output: migrations, targetOptions: ["app": DjangoMigrateTests.app])
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

    /// Django against Django (down, then up again): everything must match.
    static func unexplainedReverse(_ expected: SchemaSnapshot, _ actual: SchemaSnapshot) -> [String] {
        SnapshotDiff(expected, actual).render()
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
                    || (dialect == .mysql && refColumn.nativeType.hasPrefix("enum(") && column.nativeType == "longtext")
                    // SQLite: Django writes `decimal` without precision and scale.
                    || (dialect == .sqlite && refColumn.nativeType.hasPrefix("decimal(") && column.nativeType == "decimal") {
                    columns[i].nativeType = refColumn.nativeType
                    columns[i].neutralType = refColumn.neutralType
                }
                if sameDefault(dialect, refColumn.default, column.default) { columns[i].default = refColumn.default }
            }
            let checks = table.checkConstraints.filter { check in
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
            return TableSnapshot(name: table.name, columns: columns, primaryKey: table.primaryKey, indexes: indexes,
                                 foreignKeys: foreignKeys, uniqueConstraints: uniques, checkConstraints: checks, comment: table.comment)
        }
        return SchemaSnapshot(dialect: dialect, tables: tables)
    }
}
