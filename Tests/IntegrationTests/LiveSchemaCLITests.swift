import Foundation
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen baseline --db`, `mgen new --from-db` and `mgen import --check` as a user runs them, on a
/// SQLite file: the files written, the notes printed, the exit statuses.
@Suite(.serialized) struct LiveSchemaCLITests {
    func mgen(_ arguments: String..., in folder: String) throws -> ToolRun { try MGenBinary.run(arguments, in: folder) }

    @Test func baselineThenNewFromDatabase() throws {
        let folder = try temporaryFolder("live-cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let db = try SQLiteDatabase(path: "\(folder)/app.db")
        try db.executeScript([
            "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL)",
            "CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY, version_id BIGINT)",
        ])
        let baseline = try mgen("baseline", "--db", "sqlite:app.db", in: folder)
        #expect(baseline.status == 0, "\(baseline.output)")
        let spec = try String(contentsOfFile: "\(folder)/Specs/0000_baseline.yaml", encoding: .utf8)
        #expect(spec.contains("baseline: true") && spec.contains("\"users\"") && !spec.contains("goose_db_version"))
        // Emit writes nothing for the baseline, unless asked.
        let plain = try mgen("emit", "--target", "goose", "--dialect", "sqlite", "--out", "plain", in: folder)
        #expect(plain.status == 0, "\(plain.output)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/plain")) ?? []).isEmpty)
        let all = try mgen("emit", "--target", "goose", "--dialect", "sqlite", "--out", "all", "--include-baseline", in: folder)
        let written = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/all")
        #expect(all.status == 0 && written.count == 1, "\(all.output)")

        try db.executeScript(["ALTER TABLE users RENAME COLUMN name TO full_name", "ALTER TABLE users ADD COLUMN email VARCHAR(255)"])
        db.close()
        let guessed = try mgen("new", "sync", "--from-db", "sqlite:app.db", in: folder)
        #expect(guessed.status == 0, "\(guessed.output)")
        #expect(guessed.stderr.contains("--rename users.name=full_name"))
        try FileManager.default.removeItem(atPath: "\(folder)/Specs/0001_sync.yaml")
        let renamed = try mgen("new", "sync", "--from-db", "sqlite:app.db", "--rename", "users.name=full_name", in: folder)
        #expect(renamed.stdout.contains("created Specs/0001_sync.yaml: rename_column, add_column"), "\(renamed.output)")
        let again = try mgen("new", "again", "--from-db", "sqlite:app.db", in: folder)
        #expect(again.stdout.contains("nothing to write") && !FileManager.default.fileExists(atPath: "\(folder)/Specs/0002_again.yaml"))
        let bad = try mgen("new", "x", "--from-db", "sqlite:app.db", "--rename", "nope", in: folder)
        #expect(bad.status != 0 && bad.stderr.contains("--rename takes old=new"))
    }

    @Test func importCheck() throws {
        let fixture = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/dbmate-sqlite").path
        let folder = try temporaryFolder("import-check-cli")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try mgen("import", "--from", "dbmate", fixture, "--dialect", "sqlite", "--check", "--db", "sqlite::memory:", in: folder)
        #expect(run.status == 0 && run.stdout.contains("check: 4 migration(s)") && run.stdout.contains("4 down(s) equal after each"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/Specs"), "--check writes nothing")
        let missing = try mgen("import", "--from", "dbmate", fixture, "--dialect", "sqlite", "--check", in: folder)
        #expect(missing.status != 0 && missing.stderr.contains("--check needs --db"))
    }
}
