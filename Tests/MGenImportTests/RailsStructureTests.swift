import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen baseline --schema db/structure.sql` of a Rails app: the file made by ActiveRecord itself
/// (a migration run, then its structure dump: pg_dump output plus `INSERT INTO schema_migrations`),
/// read as a baseline without Rails' bookkeeping tables, emitted and applied to an empty
/// database: the app's schema, as it was.
@Suite(.serialized) struct RailsStructureTests {
    /// The Ruby that runs ActiveRecord (Debian's, or one installed by hand).
    static let ruby = ["/usr/bin/ruby", "/usr/local/bin/ruby"].first(where: FileManager.default.isExecutableFile(atPath:))

    @Test(.enabled(if: serverEnabled("MGEN_TEST_PG_URL")))
    func railsStructureSQL() throws {
        let url = try server("MGEN_TEST_PG_URL")
        let ruby = try #require(Self.ruby, "ruby not found")
        let bin = try #require((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last.map { "/usr/lib/postgresql/\($0)/bin" })
        let folder = try temporaryFolder("rails-structure")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/rails-structure/structure_dump.rb").path
        let file = "\(folder)/structure.sql"
        let original = try withScratchDatabase(url) { db, scratch in
            let run = try runTool(ruby, [script, scratch.unredacted, file], environment: ["PATH": "\(bin):" + (ProcessInfo.processInfo.environment["PATH"] ?? "")])
            #expect(run.status == 0, "\(run.output)")
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("INSERT INTO \"schema_migrations\""), "the dump is Rails' own, with its version rows")
        let result = try ImportEngine.baseline(schema: file, dialect: .postgresql)
        print(result.report.text)
        let state = try MigrationChain.build(result.migrations).final
        #expect(state.tableNames == ["posts", "tags", "users"], "Rails' schema_migrations and ar_internal_metadata are not the app's schema")
        #expect(result.migrations[0].operations.allSatisfy { op in
            if case let .insert(rows) = op.value { return rows.table != "schema_migrations" } else { return true }
        })
        #expect(result.report.migrations[0].dropped.filter { $0.hasPrefix("framework bookkeeping table schema_migrations") }.count == 3,
                "its CREATE TABLE, key and version rows are left out, and said so")
        let structured = result.report.structuredStatements, raw = result.report.rawStatements
        #expect(structured >= 11)
        let emitter = try EmitterRegistry.require("sql")
        let again = try schemaBuilt(by: MigrationChain.build(result.migrations), emitter: emitter, folder: "\(folder)/out", at: url)
        let changes = SnapshotDiff(original, again).render()
        print("rails structure.sql baseline: \(structured) structured, \(raw) raw; schema \(changes.isEmpty ? "equal" : "differs")")
        #expect(changes.isEmpty, "the baseline builds the Rails app's schema:\n\(changes.joined(separator: "\n"))")
    }
}

/// The same on MySQL/MariaDB, where Rails' `db/structure.sql` is mysqldump's output (`--no-data
/// --routines`, versioned comments, a stand-in for each view, DEFINER clauses) plus the
/// `schema_migrations` rows: read as a baseline, emitted and applied to an empty database, it
/// builds the app's schema, its view and trigger included.
extension RailsStructureTests {
    @Test(.enabled(if: serverEnabled("MGEN_TEST_MYSQL_URL")))
    func railsStructureSQLOnMariaDB() throws {
        let url = try server("MGEN_TEST_MYSQL_URL")
        let ruby = try #require(Self.ruby, "ruby not found")
        let folder = try temporaryFolder("rails-structure-mysql")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/rails-structure/structure_dump_mysql.rb").path
        let file = "\(folder)/structure.sql"
        let original = try withScratchDatabase(url) { db, scratch in
            // ActiveRecord's adapter is mysql2.
            let rails = "mysql2" + scratch.unredacted.drop(while: { $0 != ":" })
            let run = try runTool(ruby, [script, String(rails), file])
            #expect(run.status == 0, "\(run.output)")
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("INSERT INTO `schema_migrations`") && text.contains("DEFINER="), "the dump is Rails' own mysqldump, with its version rows")
        let result = try ImportEngine.baseline(schema: file, dialect: .mysql)
        print(result.report.text)
        #expect(result.report.migrations[0].dropped.contains { $0.hasPrefix("framework bookkeeping table schema_migrations") })
        #expect(!result.migrations[0].operations.contains { op in
            if case let .sql(up, _) = op.value { return up.text(for: .mysql)?.contains("schema_migrations") == true } else { return false }
        }, "Rails' bookkeeping is not the app's schema")
        let structured = result.report.structuredStatements, raw = result.report.rawStatements
        let emitter = try EmitterRegistry.require("sql")
        let again = try schemaBuilt(by: MigrationChain.build(result.migrations), emitter: emitter, folder: "\(folder)/out", at: url)
        #expect(original.objects?.count == 2, "a view and a trigger: \(original.objects?.map(\.name) ?? [])")
        let changes = SnapshotDiff(original, again).render()
        print("rails structure.sql (MariaDB) baseline: \(structured) structured, \(raw) raw; schema \(changes.isEmpty ? "equal" : "differs")")
        #expect(changes.isEmpty, "the baseline builds the Rails app's schema:\n\(changes.joined(separator: "\n"))")
    }
}
