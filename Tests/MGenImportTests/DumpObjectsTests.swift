import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen baseline --schema` of a `mariadb-dump --no-data --routines` file with a trigger, a view and a
/// function: mysqldump writes the trigger and the view inside versioned comments (`/*!50003 …*/`)
/// and a stand-in for the view first. They were all dropped as "dump plumbing"; now they are read
/// as what MariaDB runs (the definer left out and reported: the spec's objects are made by whoever
/// runs the migration; other `ALGORITHM=` / `SQL SECURITY` than MySQL's defaults stay raw), the
/// stand-in left out, and the baseline emitted and applied builds the same schema, objects included.
@Suite(.serialized) struct DumpObjectsTests {
    @Test(.enabled(if: serverEnabled("MGEN_TEST_MYSQL_URL")))
    func mariadbDumpKeepsTriggersViewsAndFunctions() throws {
        let url = try server("MGEN_TEST_MYSQL_URL")
        let tool = try #require(["/usr/bin/mariadb-dump", "/usr/bin/mysqldump"].first { FileManager.default.isExecutableFile(atPath: $0) }, "mariadb-dump not found")
        let folder = try temporaryFolder("dump-objects")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/schema.sql"
        let original = try withScratchDatabase(url) { db, scratch in
            try db.execute("CREATE TABLE t (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL) ENGINE=InnoDB")
            try db.execute("CREATE TRIGGER t_lower BEFORE INSERT ON t FOR EACH ROW SET NEW.email = LOWER(NEW.email)")
            try db.execute("CREATE VIEW v AS SELECT id, email FROM t")
            try db.execute("CREATE VIEW w AS SELECT email FROM v")
            try db.execute("CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2")
            var arguments = ["--no-data", "--skip-comments", "--routines", "--host=\(scratch.host ?? "127.0.0.1")", "--port=\(scratch.port ?? 3306)",
                             "--user=\(scratch.user ?? "root")"]
            if let password = scratch.password { arguments.append("--password=\(password)") }
            let run = try runTool(tool, arguments + [scratch.database ?? ""])
            #expect(run.status == 0, "\(run.stderr)")
            try run.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        #expect(original.objects?.count == 4, "a trigger, two views, a function: \(original.objects?.map(\.name) ?? [])")
        let result = try ImportEngine.baseline(schema: file, dialect: .mysql)
        print(result.report.text)
        let kept = result.migrations[0].operations.compactMap { op -> String? in
            if case let .sql(up, _) = op.value { return up.text(for: .mysql) } else { return nil }
        }.joined(separator: "\n")
        // mysqldump's DEFINER=… (and its defaults ALGORITHM=UNDEFINED, SQL SECURITY DEFINER) kept
        // them raw; the definer left out and reported, they are the spec's objects.
        #expect(!kept.contains("DEFINER"), "no raw DEFINER left:\n\(kept)")
        let objects = result.migrations[0].operations.compactMap { op -> String? in
            if case let .object(.create(object)) = op.value { return "\(object.kind) \(object.name)" } else { return nil }
        }.sorted()
        // The trigger too, now that the spec says its table's options (mariadb-dump's `DEFAULT
        // CHARSET=… COLLATE=…`, spec 1.1) and the table is no longer raw.
        #expect(objects == ["function twice", "trigger t_lower", "view v", "view w"], "\(objects)\n\(result.report.text)")
        #expect(!kept.contains("TRIGGER t_lower"), "\(kept)")
        #expect(result.report.migrations[0].dropped.filter { $0.hasPrefix("DEFINER=") }.count == 4, "\(result.report.migrations[0].dropped)")
        #expect(result.report.migrations[0].dropped.filter { $0.contains("stand-in for view") }.count == 2)
        let emitter = try EmitterRegistry.require("sql")
        let again = try schemaBuilt(by: MigrationChain.build(result.migrations), emitter: emitter, folder: "\(folder)/out", at: url)
        let changes = SnapshotDiff(original, again).render()
        #expect(changes.isEmpty, "the baseline builds the dumped schema, objects included:\n\(changes.joined(separator: "\n"))")
    }
}
