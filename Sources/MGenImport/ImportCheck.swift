import Foundation
import MGenEmit
import MGenSpec
import MGenVerify

/// `mgen import --check --db URL`: proves an import on a real database. The original files are
/// applied to one scratch database and the files emitted from the imported specs to another,
/// migration by migration, and the schemas compared after each; then the downs, last migration
/// first, on both databases, compared after each (as far back as the original has downs). The
/// first difference ends it.
public enum ImportCheck {
    public struct Result: Sendable {
        /// The target the specs were emitted to (the folder's own format where mgen writes it, else `sql`).
        public var target: String
        public var migrations: Int
        /// Migrations after which the schemas were equal, before the first difference.
        public var equal: Int
        /// Downs (last migration first) after which the schemas were equal.
        public var downsEqual: Int = 0
        /// The migration whose original has no down, where the comparison of downs stopped (nil:
        /// every down compared, or a difference ended it first).
        public var downsStopAt: String?
        /// The first difference: the migration and what differs (nil: every schema equal).
        public var failure: Diagnostic?
        public var ok: Bool { failure == nil }
    }

    /// A migration as a runner sends it: its id for messages, its statements, its transaction, and
    /// its down (nil: none).
    public struct Step: Sendable {
        public var id: String
        public var statements: [String]
        public var transactional: Bool
        public var down: [String]?
        public var downTransactional: Bool
        public init(id: String, statements: [String], transactional: Bool, down: [String]? = nil, downTransactional: Bool? = nil) {
            self.id = id
            self.statements = statements
            self.transactional = transactional
            self.down = down
            self.downTransactional = downTransactional ?? transactional
        }
    }

    public static func run(folder: String, format: String, dialect: Dialect?, server: DatabaseURL,
                           target: String? = nil) throws(DiagnosticError) -> (ImportResult, Result) {
        let importer = try ImporterRegistry.require(format)
        let source = try importer.read(folder, dialect: dialect)
        let result = try ImportEngine.importFolder(folder, format: format, dialect: dialect)
        guard let resolved = Dialect(rawValue: result.report.dialect) else {
            throw DiagnosticError(Diagnostic("unknown dialect \(result.report.dialect)", object: folder))
        }
        guard resolved == server.dialect else {
            throw DiagnosticError(Diagnostic("the migrations are \(resolved) SQL, but --db is a \(server.dialect) database", object: "--db",
                                             fix: "give a \(resolved) server (a scratch database is made on it and dropped)"))
        }
        let name = target ?? (EmitterRegistry.names.contains(importer.name) ? importer.name : "sql")
        let emitter = try EmitterRegistry.require(name)
        let chain = try MigrationChain.build(result.migrations)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mgen-import-check-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: resolved, output: out)), force: false)
        let emitted = try emitter.scan(out)
        let original = source.migrations.map {
            Step(id: $0.version, statements: $0.up.map(\.text), transactional: $0.transactional, down: $0.down?.map(\.text))
        }
        let again = zip(emitted, result.migrations).map {
            Step(id: $1.id, statements: $0.up, transactional: $0.upTransactional, down: $0.down, downTransactional: $0.downTransactional)
        }
        var check = try compare(original, again, on: server)
        check.target = name
        if check.ok, emitted.count != original.count {
            check.failure = Diagnostic("\(original.count) migrations in the folder, \(emitted.count) emitted", object: folder)
        }
        return (result, check)
    }

    /// Applies `original` to one scratch database and `emitted` to another, comparing the schemas
    /// after each migration (frameworks' bookkeeping tables left out); then applies the downs, last
    /// first, on both, comparing after each, down to the first migration the original has no down for.
    public static func compare(_ original: [Step], _ emitted: [Step], on server: DatabaseURL) throws(DiagnosticError) -> Result {
        // The downs run only as far back as the original has them: both sides stop at the same one.
        let downsFrom = original.lastIndex { $0.down == nil }.map { $0 + 1 } ?? 0
        typealias Run = (ups: [SchemaSnapshot], downs: [SchemaSnapshot], failure: Diagnostic?)
        func snapshots(_ steps: [Step], label: String) throws(DiagnosticError) -> Run {
            do {
                return try withScratchDatabase(server) { db, _ in
                    var out: [SchemaSnapshot] = []
                    for step in steps {
                        do { try apply(step.statements, transactional: step.transactional, on: db) } catch {
                            return (out, [], Diagnostic("the \(label) migration \(step.id) fails: \(error)", object: step.id))
                        }
                        out.append(try introspect(db, exclude: frameworkBookkeepingTables))
                    }
                    var back: [SchemaSnapshot] = []
                    for step in steps[min(downsFrom, steps.count)...].reversed() {
                        guard let down = step.down else {
                            return (out, back, Diagnostic("the \(label) migration \(step.id) has no down, the original has one", object: step.id,
                                                          fix: "the spec is irreversible where the original is not: give it a down"))
                        }
                        do { try apply(down, transactional: step.downTransactional, on: db) } catch {
                            return (out, back, Diagnostic("the down of the \(label) migration \(step.id) fails: \(error)", object: step.id))
                        }
                        back.append(try introspect(db, exclude: frameworkBookkeepingTables))
                    }
                    return (out, back, nil)
                }
            } catch {
                throw DiagnosticError(Diagnostic("cannot make a scratch database: \(error)", object: server.description,
                                                 fix: "give --db a server (or sqlite::memory:) where mgen may create and drop a database"))
            }
        }
        let a = try snapshots(original, label: "original")
        var result = Result(target: "", migrations: original.count, equal: 0, failure: a.failure)
        if a.ups.count < original.count { return result }
        let b = try snapshots(emitted, label: "re-emitted")
        for (i, (x, y)) in zip(a.ups, b.ups).enumerated() {
            let changes = SnapshotDiff(x, y).render()
            guard changes.isEmpty else {
                result.failure = Diagnostic("after migration \(original[i].id) the schemas differ (original → re-emitted):\n  "
                                            + changes.joined(separator: "\n  "), object: original[i].id,
                                            fix: "the import of this migration is not exact: report it, or edit the spec (`mgen import` without --check writes them)")
                return result
            }
            result.equal += 1
        }
        if b.ups.count < a.ups.count { result.failure = b.failure; return result }
        for (k, (x, y)) in zip(a.downs, b.downs).enumerated() {
            let id = original[original.count - 1 - k].id
            let changes = SnapshotDiff(x, y).render()
            guard changes.isEmpty else {
                result.failure = Diagnostic("after the down of migration \(id) the schemas differ (original → re-emitted):\n  "
                                            + changes.joined(separator: "\n  "), object: id,
                                            fix: "the down of this migration is not imported exactly: report it, or edit the spec's `down:`")
                return result
            }
            result.downsEqual += 1
        }
        result.failure = a.failure ?? b.failure
        if downsFrom > 0, result.ok { result.downsStopAt = original[downsFrom - 1].id }
        return result
    }
}
