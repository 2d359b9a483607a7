import Foundation
import MGenEmit
import MGenTestSupport
import MGenVerify
import Testing

/// The command line as a user meets it: the built binary run in a fresh folder.
@Suite struct CLITests {
    func mgen(_ arguments: String..., in folder: String) throws -> ToolRun { try MGenBinary.run(arguments, in: folder) }

    @Test func initWritesEachTargetsUsualFolder() throws {
        let expected = ["goose": "db/migrations", "activerecord": "db/migrate", "prisma": "prisma/migrations",
                        "typeorm": "src/migrations", "knex": "migrations", "sequelize": "migrations",
                        "golang-migrate": "migrations", "peewee": "migrations", "sql": "migrations"]
        for emitter in EmitterRegistry.all where !["django", "alembic"].contains(emitter.name) {
            let folder = try temporaryFolder("init-\(emitter.name)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let dialect = emitter.dialects.first?.rawValue ?? "postgresql"
            let run = try mgen("init", "--target", emitter.name, "--dialect", dialect, in: folder)
            #expect(run.status == 0, "\(run.output)")
            let config = try String(contentsOfFile: "\(folder)/mgen.yaml", encoding: .utf8)
            #expect(config.contains("{target: \(emitter.name), out: \(expected[emitter.name] ?? "?")}"), "\(config)")
            // The config init writes is one `mgen emit` can use as it is.
            let emit = try mgen("emit", in: folder)
            #expect(emit.status == 0, "\(emitter.name): \(emit.output)")
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(expected[emitter.name] ?? "?")"))
        }
    }

    @Test func initDjangoNeedsAnAppAndThenWorks() throws {
        let folder = try temporaryFolder("init-django")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let refused = try mgen("init", "--target", "django", in: folder)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--app: error: the django target needs the app"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/mgen.yaml"))
        #expect(try mgen("init", "--target", "django", "--app", "blog", in: folder).status == 0)
        #expect(try String(contentsOfFile: "\(folder)/mgen.yaml", encoding: .utf8).contains("{target: django, app: blog}"))
        let emit = try mgen("emit", in: folder)
        #expect(emit.status == 0, "\(emit.output)")
        #expect(FileManager.default.fileExists(atPath: "\(folder)/blog/migrations/0001_create_users.py"))
    }

    @Test func alembicWithoutOutSaysWhereItLooksForAlembicIni() throws {
        let folder = try temporaryFolder("alembic-ini")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try mgen("init", in: folder).status == 0)
        let run = try mgen("emit", "--target", "alembic", in: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("alembic.ini") && run.stderr.contains("script_location"), "\(run.output)")
        #expect(run.stderr.contains(URL(fileURLWithPath: folder).resolvingSymlinksInPath().path) || run.stderr.contains(folder), "\(run.output)")
        // With alembic.ini, the versions folder of its script_location.
        try "[alembic]\nscript_location = %(here)s/migrations\n".write(toFile: "\(folder)/alembic.ini", atomically: true, encoding: .utf8)
        let written = try mgen("emit", "--target", "alembic", in: folder)
        #expect(written.status == 0, "\(written.output)")
        #expect(written.stdout.contains("migrations/versions"), "\(written.output)")
    }

    /// emit, sql and verify apply the dialect's limits that `validate --dialect` applies: an index
    /// on a binary column, which MariaDB would silently cut to a prefix, is refused by each with
    /// validate's diagnostic (file:line:col, fix), and emit writes nothing.
    @Test func emitSQLAndVerifyRefuseWhatValidateRefusesForTheDialect() throws {
        let folder = try temporaryFolder("dialect-limits")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let specs = "\(folder)/Specs"
        try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
        try """
            mgen: 1
            id: "0001"
            name: blobs
            operations:
              - create_table: {table: "blobs", columns: [{name: "id", type: "bigint", primary_key: true}, {name: "data", type: "binary"}]}
              - create_index: {table: "blobs", columns: ["data"]}

            """.write(toFile: "\(specs)/0001_blobs.yaml", atomically: true, encoding: .utf8)
        let validate = try mgen("validate", "--dialect", "mysql", "Specs", in: folder)
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("0001_blobs.yaml:6:5"), "\(validate.output)")
        #expect(validate.stderr.contains("cannot index binary without a prefix length"), "\(validate.output)")
        let runs = [try mgen("emit", "--target", "sql", "--dialect", "mysql", "--out", "out", "Specs", in: folder),
                    try mgen("sql", "--dialect", "mysql", "Specs", in: folder),
                    try mgen("verify", "--dialect", "mysql", "--db", "mysql://nobody@127.0.0.1:1/none", "Specs", in: folder)]
        for run in runs {
            #expect(run.status == 1)
            #expect(run.stderr == validate.stderr, "\(run.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/out"))
        // The limit is MySQL's: the same spec emits for SQLite.
        #expect(try mgen("emit", "--target", "sql", "--dialect", "sqlite", "--out", "out", "Specs", in: folder).status == 0)
    }

    @Test func snapshotRefusesAMissingSQLiteFile() throws {
        let folder = try temporaryFolder("snapshot-missing")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try mgen("snapshot", "--db", "sqlite:\(folder)/missing.db", in: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("no such database file"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/missing.db"))
    }

    @Test func typosGetSuggestions() throws {
        let folder = try temporaryFolder("typos")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = try mgen("valdate", in: folder)
        #expect(command.status != 0)
        #expect(command.stderr.contains("unknown command 'valdate' (did you mean 'validate'?)"), "\(command.output)")
        #expect(try mgen("init", in: folder).status == 0)
        let dialect = try mgen("sql", "--dialect", "postgress", in: folder)
        #expect(dialect.stderr.contains("unknown dialect 'postgress' (did you mean 'postgresql'?)"), "\(dialect.output)")
        let target = try mgen("emit", "--target", "alembc", in: folder)
        #expect(target.stderr.contains("did you mean 'alembic'?"), "\(target.output)")
    }

    @Test func emptySpecsFolderIsAnError() throws {
        let folder = try temporaryFolder("empty-specs")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: "\(folder)/Specs", withIntermediateDirectories: true)
        let run = try mgen("validate", in: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("no specs (*.yaml) in Specs") && run.stderr.contains("mgen new"), "\(run.output)")
    }

    @Test func completionsOfferTargetsAndDialects() throws {
        let folder = try temporaryFolder("completion")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = try mgen("--generate-completion-script", "bash", in: folder)
        #expect(script.status == 0)
        for value in ["postgresql", "mariadb", "sqlite", "alembic", "golang-migrate", "activerecord"] {
            #expect(script.stdout.contains(value), "the bash completion offers \(value)")
        }
    }

    @Test func helpHasNoHardLineBreaksInParagraphs() throws {
        let folder = try temporaryFolder("help")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for command in ["emit", "verify", "init", "new"] {
            let help = try mgen(command, "--help", in: folder)
            // ArgumentParser wraps at the terminal width (80 without one): a line much shorter
            // followed by a line that continues the sentence is a break written into the source.
            let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.hasPrefix(" ") && !line.isEmpty && line.count < 60 {
                let continues = next.first.map { $0.isLowercase } ?? false
                #expect(!continues, "\(command) --help breaks a sentence: '\(line)' / '\(next)'")
            }
        }
    }

    @Test func newWritesTheNextSpec() throws {
        let folder = try temporaryFolder("new")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try mgen("new", "create_posts", in: folder)
        #expect(first.status == 0, "\(first.output)")
        let text = try String(contentsOfFile: "\(folder)/Specs/0001_create_posts.yaml", encoding: .utf8)
        #expect(text.contains("id: \"0001\"") && text.contains("name: create_posts") && text.contains("operations: []"))
        let created = text.split(separator: "\n").first { $0.hasPrefix("created: ") }.map { String($0.dropFirst(9)) } ?? ""
        let parsed = ISO8601DateFormatter().date(from: created)
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 120 } ?? false, "created is now, in UTC: \(created)")
        // Validation says what to fill in.
        let validate = try mgen("validate", in: folder)
        #expect(validate.stderr.contains("'operations' is empty"), "\(validate.output)")
        // The next id follows the highest, in its width; mgen.yaml's specs folder is used.
        try FileManager.default.createDirectory(atPath: "\(folder)/db/specs", withIntermediateDirectories: true)
        try "specs: db/specs\n".write(toFile: "\(folder)/mgen.yaml", atomically: true, encoding: .utf8)
        try "mgen: 1\nid: \"00041\"\nname: x\noperations: []\n".write(toFile: "\(folder)/db/specs/00041_x.yaml", atomically: true, encoding: .utf8)
        #expect(try mgen("new", "add_tags", in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/db/specs/00042_add_tags.yaml"))
        let bad = try mgen("new", "../escape", in: folder)
        #expect(bad.status == 1 && bad.stderr.contains("NAME: error"), "\(bad.output)")
    }

    @Test func emitDryRunSaysWhatAndWhy() throws {
        let folder = try temporaryFolder("dry-run")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try mgen("init", "--target", "goose", in: folder).status == 0)
        let before = try mgen("emit", "--dry-run", in: folder)
        #expect(before.status == 0, "\(before.output)")
        #expect(before.stdout.contains("new          db/migrations/20250115090000_create_users.sql  (spec 0001 has no migration here yet)"), "\(before.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/db/migrations"), "a dry run writes nothing")
        #expect(try mgen("emit", in: folder).status == 0)
        #expect(try mgen("emit", "--dry-run", in: folder).stdout.contains("unchanged    db/migrations/20250115090000_create_users.sql"))
        // A spec that changed after it was emitted: emit would refuse.
        let spec = "\(folder)/Specs/0001_create_users.yaml"
        try (try String(contentsOfFile: spec, encoding: .utf8)).replacingOccurrences(of: "string(255)", with: "string(200)")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let changed = try mgen("emit", "--dry-run", in: folder)
        #expect(changed.stdout.contains("would refuse db/migrations/20250115090000_create_users.sql"), "\(changed.output)")
        #expect(try mgen("emit", "--dry-run", "--force", in: folder).stdout.contains("changed      db/migrations/"))
    }

    @Test func passwordsAreMaskedEverywhere() throws {
        let folder = try temporaryFolder("password")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try mgen("init", in: folder).status == 0)
        // Nothing listens on port 1: the error names the URL.
        for url in ["postgres://u:hunter2@127.0.0.1:1/x", "postgres://u@127.0.0.1:1/x?password=hunter2&sslmode=disable",
                    "mysql://u@127.0.0.1:1/x?password=hunter2", "postgres://u:hunter2/x"] {
            let run = try mgen("verify", "--db", url, in: folder)
            #expect(run.status != 0)
            #expect(!run.output.contains("hunter2"), "\(url): \(run.output)")
            let json = try mgen("verify", "--json", "--db", url, in: folder)
            #expect(!json.output.contains("hunter2"), "\(url) --json: \(json.output)")
        }
        guard DBEnv.enabled(DBEnv.pgKey) else { return }
        var server = try DBEnv.url(DBEnv.pgKey)
        server.options["password"] = server.effectivePassword ?? "unused-by-trust-auth"
        let secret = server.options["password"] ?? ""
        for arguments in [["verify", "--db", server.unredacted], ["verify", "--json", "--db", server.unredacted]] {
            let run = try MGenBinary.run(arguments, in: folder)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("password=***"), "\(run.output)")
            #expect(!run.output.contains(secret), "\(run.output)")
        }
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey) && DBEnv.enabled(DBEnv.mysqlKey)))
    func verifyNeedsNoDatabaseOfTheURL() throws {
        let folder = try temporaryFolder("verify-nodb")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try mgen("init", in: folder).status == 0)
        for key in [DBEnv.pgKey, DBEnv.mysqlKey] {
            let url = try DBEnv.url(key).withDatabase("mgen_no_such_database_\(getpid())")
            let run = try mgen("verify", "--db", url.unredacted, in: folder)
            #expect(run.status == 0, "\(key): \(run.output)")
            #expect(run.stdout.contains("verify: ok"), "\(run.output)")
        }
    }
}
