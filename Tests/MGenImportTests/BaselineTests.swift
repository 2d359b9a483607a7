import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The schema a baseline builds: `chain` written by `emitter` with `--include-baseline` into
/// `folder`, each up applied to a scratch database on `url`, read back without the frameworks'
/// bookkeeping tables (what every baseline proof compares with the database it was read from).
func schemaBuilt(by chain: MigrationChain, emitter: any Emitter, folder: String, at url: DatabaseURL) throws -> SchemaSnapshot {
    try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: url.dialect, output: folder, includeBaseline: true)), force: false)
    return try withScratchDatabase(url) { db, _ in
        for m in try emitter.scan(folder) { try apply(m.up, transactional: m.upTransactional, on: db) }
        return try introspect(db, exclude: frameworkBookkeepingTables)
    }
}

/// `mgen baseline --schema`: the example chain applied to a database, dumped with the database's own
/// tool, read back as one baseline spec, emitted and applied to an empty database: the same schema.
@Suite(.serialized) struct BaselineTests {
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
        return String(decoding: data, as: UTF8.self)
    }

    /// `rawAllowed`: the reasons a statement of this dump may stay raw for (what the spec cannot
    /// say yet); those tables are left out of the state comparison, and must still build the schema.
    func prove(_ url: DatabaseURL, rawAllowed: [String] = [], dump: (DatabaseURL) throws -> String) throws {
        let chain = try exampleChain()
        let folder = try temporaryFolder("baseline-\(url.dialect)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let emitter = try EmitterRegistry.require("sql")
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: url.dialect, output: "\(folder)/chain")), force: false)
        let schemaFile = "\(folder)/schema.sql"
        // SQLite: a file database, so the dump tool can open it.
        let server = url.dialect == .sqlite ? try DatabaseURL("sqlite:\(folder)/db.sqlite") : url
        let original = try withScratchDatabase(server) { db, scratch in
            for m in try emitter.scan("\(folder)/chain") { try apply(m.up, transactional: m.upTransactional, on: db) }
            try dump(scratch).write(toFile: schemaFile, atomically: true, encoding: .utf8)
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        let result = try ImportEngine.baseline(schema: schemaFile, dialect: url.dialect)
        print(result.report.text)
        #expect(result.migrations.count == 1 && result.migrations[0].irreversible != nil)
        let raw = result.report.migrations.flatMap(\.raw)
        #expect(raw.allSatisfy { r in rawAllowed.contains { r.reason.contains($0) } }, "the dump of the example chain is all spec operations")
        let baseline = try MigrationChain.build(result.migrations)
        #expect(result.migrations[0].baseline)
        // The baseline's replayed state is the chain's, as the database keeps it.
        let unsaid = Set(chain.final.tableNames).subtracting(baseline.final.tableNames)
        let stateChanges = differences(chain.final, baseline.final, dialect: url.dialect, ignoring: unsaid)
        print("baseline --schema \(url.dialect): \(chain.final.tableNames.count - unsaid.count)/\(chain.final.tableNames.count) tables as operations, \(raw.count) raw statement(s); replayed state \(stateChanges.isEmpty ? "equal" : "differs")")
        #expect(stateChanges.isEmpty, "the baseline declares the chain's state:\n\(stateChanges.joined(separator: "\n"))")
        #expect(try EmitEngine.plan(baseline, emitter: emitter, options: EmitOptions(dialect: url.dialect, output: "\(folder)/baseline")).entries.isEmpty,
                "a baseline is written only when asked")
        let again = try schemaBuilt(by: baseline, emitter: emitter, folder: "\(folder)/baseline", at: url)
        let changes = SnapshotDiff(original, again).render()
        #expect(changes.isEmpty, "the baseline builds the dumped schema:\n\(changes.joined(separator: "\n"))")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["MGEN_TEST_PG_URL"] != nil))
    func pgDump() throws {
        let url = try DatabaseURL(ProcessInfo.processInfo.environment["MGEN_TEST_PG_URL"] ?? "")
        let tool = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last.map { "/usr/lib/postgresql/\($0)/bin/pg_dump" }
        let pgDump = try #require(tool.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }, "pg_dump not found")
        try prove(url) { scratch in try Self.run(pgDump, ["--schema-only", scratch.unredacted]) }
    }

    /// `mariadb-dump --no-data`: backquoted names, inline `KEY` / `UNIQUE KEY`, `ENGINE=InnoDB
    /// DEFAULT CHARSET=… COLLATE=…` and the `/*!40101 … */` session lines around each table.
    @Test(.enabled(if: serverEnabled("MGEN_TEST_MYSQL_URL")))
    func mariadbDump() throws {
        let url = try server("MGEN_TEST_MYSQL_URL")
        let tool = try #require(["/usr/bin/mariadb-dump", "/usr/bin/mysqldump"].first { FileManager.default.isExecutableFile(atPath: $0) }, "mariadb-dump not found")
        // MariaDB prints each table's charset and collation (`DEFAULT CHARSET=utf8mb4
        // COLLATE=…`, read into `mysql:` since spec 1.1) and a JSON column as `longtext CHARACTER
        // SET utf8mb4 COLLATE utf8mb4_bin … CHECK (json_valid(…))`: the collation is read since spec
        // 1.1 (collations), the column's inline CHECK is not, so that table stays raw.
        try prove(url, rawAllowed: ["column option CHECK"]) { scratch in
            var arguments = ["--no-data", "--skip-comments", "--host=\(scratch.host ?? "127.0.0.1")", "--port=\(scratch.port ?? 3306)",
                             "--user=\(scratch.user ?? "root")"]
            if let password = scratch.password { arguments.append("--password=\(password)") }
            return try Self.run(tool, arguments + [scratch.database ?? ""])
        }
    }

    @Test func sqliteSchema() throws {
        try prove(DatabaseURL("sqlite::memory:")) { scratch in try Self.run("/usr/bin/sqlite3", [String(scratch.description.dropFirst("sqlite:".count)), ".schema"]) }
    }
}
