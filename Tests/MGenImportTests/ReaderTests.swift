import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

/// Writes files into a fresh folder and returns its path.
private func folder(_ label: String, _ files: [String: String]) throws -> String {
    let path = try temporaryFolder(label)
    for (name, text) in files {
        let file = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
    return path
}

private func ops(_ result: ImportResult, _ index: Int = 0) -> [MGenSpec.Operation] { result.migrations[index].operations.map(\.value) }

@Suite struct FormatReaderTests {
    @Test func gooseSplitsAsGooseDoes() throws {
        let dir = try folder("goose", [
            "00001_a.sql": "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\nSELECT 2;\n\n-- +goose Down\nDROP FUNCTION f();\n",
            "00002_b.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (a);\n",
            "00003_c.sql": "-- +goose Up\nSELECT 1;\n-- +goose Down\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let read = try GooseImporter().read(dir, dialect: .postgresql)
        #expect(read.migrations.map(\.version) == ["00001", "00002", "00003"])
        #expect(read.migrations[0].up.map(\.text) == ["CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 2"])
        #expect(read.migrations[0].up[1].location.line == 5)
        #expect(read.migrations[1].transactional == false)
        #expect(read.migrations[1].down == nil, "no Down section: no down")
        #expect(read.migrations[2].down == [], "an empty Down section: a down that does nothing")
    }

    @Test func gooseUnknownAnnotationNamesTheLine() throws {
        let dir = try folder("goose-bad", ["00001_a.sql": "-- +goose Up\nSELECT 1;\n-- +goose Sideways\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: DiagnosticError.self) { try GooseImporter().read(dir, dialect: .postgresql) }
        do { _ = try GooseImporter().read(dir, dialect: .postgresql) } catch {
            #expect(error.description.contains("00001_a.sql:3:1"))
        }
    }

    @Test func flywayOrdersVersionsPartByPartAndReadsUndo() throws {
        let dir = try folder("flyway", [
            "V2__b.sql": "CREATE TABLE b (id int);", "V1_10__c.sql": "SELECT 3;", "V1.2__a.sql": "SELECT 1;",
            "U2__b.sql": "DROP TABLE b;",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let read = try FlywayImporter().read(dir, dialect: .mysql)
        #expect(read.migrations.map(\.version) == ["1.2", "1.10", "2"])
        #expect(read.migrations[2].down?.map(\.text) == ["DROP TABLE b"])
        #expect(read.migrations[0].down == nil)
    }

    @Test func flywayRefusesRepeatableMigrations() throws {
        let dir = try folder("flyway-r", ["R__views.sql": "CREATE VIEW v AS SELECT 1;"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: DiagnosticError.self) { try FlywayImporter().read(dir, dialect: .mysql) }
    }

    @Test func dbmateSectionsAndTransactionOption() throws {
        let dir = try folder("dbmate", ["20240101000000_a.sql": "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n\n-- migrate:down\nDROP INDEX i;\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let m = try DbmateImporter().read(dir, dialect: .postgresql).migrations[0]
        #expect(m.transactional == false)
        #expect(m.up.map(\.text) == ["CREATE INDEX CONCURRENTLY i ON t (a)"])
        #expect(m.down?.map(\.text) == ["DROP INDEX i"])
        #expect(m.created == "2024-01-01T00:00:00Z")
    }

    @Test func prismaDialectComesFromTheLockFileAndMustAgree() throws {
        let dir = try folder("prisma", [
            "migration_lock.toml": "provider = \"sqlite\"\n",
            "20240101000000_init/migration.sql": "CREATE TABLE \"A\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try ImportEngine.importFolder(dir, format: "prisma", dialect: nil)
        #expect(result.report.dialect == "sqlite")
        #expect(throws: DiagnosticError.self) { try ImportEngine.importFolder(dir, format: "prisma", dialect: .postgresql) }
    }

    @Test func unknownFormatSuggests() {
        #expect(throws: DiagnosticError.self) { try ImporterRegistry.require("gose") }
        do { _ = try ImporterRegistry.require("gose") } catch { #expect(error.description.contains("did you mean 'goose'")) }
    }
}

@Suite struct MappingTests {
    func importSQL(_ up: String, down: String? = nil, dialect: Dialect) throws -> ImportResult {
        var files = ["0001_a.up.sql": up]
        if let down { files["0001_a.down.sql"] = down }
        let dir = try folder("map", files)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try ImportEngine.importFolder(dir, format: "sql", dialect: dialect)
    }

    @Test func postgresTableBecomesCreateTableWithPostgresNames() throws {
        let result = try importSQL("""
            CREATE TABLE IF NOT EXISTS users (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                email varchar(320) NOT NULL UNIQUE,
                score numeric(8,2) DEFAULT 0.5,
                seen timestamp(3),
                CHECK (score >= 0)
            );
            """, down: "DROP TABLE users;", dialect: .postgresql)
        guard case let .createTable(t)? = ops(result).first else { Issue.record("no create_table"); return }
        #expect(t.uniques.map(\.name) == ["users_email_key"])
        #expect(t.checks.map(\.name) == ["users_score_check"], "PostgreSQL names a check after the only column it uses")
        #expect(t.column("score")?.defaultValue == .literal(.number("0.5")))
        #expect(t.column("seen")?.type == .native(["postgresql": "timestamp(3)"]))
        #expect(t.column("id")?.identity == true)
        #expect(result.report.migrations[0].down == "derived")
    }

    @Test func nothingIsDropped() throws {
        let up = """
            BEGIN;
            CREATE TABLE a (id serial PRIMARY KEY);
            CREATE FUNCTION f() RETURNS int STRICT AS $$ SELECT 1; $$ LANGUAGE sql;
            INSERT INTO a DEFAULT VALUES;
            COMMIT;
            """
        let result = try importSQL(up, dialect: .postgresql)
        let report = result.report.migrations[0]
        #expect(report.raw.count == 3)
        // The BEGIN … COMMIT around the whole file is its transaction (the spec's), not statements.
        #expect(report.dropped.isEmpty, "\(report.dropped)")
        #expect(result.migrations[0].transaction != false)
        #expect(report.raw.map(\.reason).contains { $0.hasPrefix("CREATE FUNCTION") })
        #expect(result.migrations[0].irreversible != nil, "raw steps without a down: irreversible, said so")
        for op in ops(result) {
            guard case let .sql(sql, _) = op else { Issue.record("expected raw sql"); continue }
            #expect(sql.text(for: .postgresql) != nil)
        }
    }

    @Test func rawStatementsPairWithTheirDowns() throws {
        // (CREATE EXTENSION is create_extension since spec 1.1: a domain is still raw.)
        let result = try importSQL("CREATE DOMAIN d AS integer;\nCREATE SEQUENCE s;", down: "DROP SEQUENCE s;\nDROP DOMAIN d;", dialect: .postgresql)
        #expect(result.report.migrations[0].down == "paired")
        // The sequence is create_sequence since spec 1.1 reading: paired with its derived drop.
        #expect(ops(result) == [.sql(up: DialectSQL(["postgresql": "CREATE DOMAIN d AS integer"]), down: DialectSQL(["postgresql": "DROP DOMAIN d"])),
                                .object(.create(.sequence(SequenceDefinition(name: "s"))))])
    }

    @Test func laterStatementsOnARawTableStayRaw() throws {
        let result = try importSQL("CREATE TABLE a (id serial PRIMARY KEY);\nALTER TABLE a ADD COLUMN b int;", dialect: .postgresql)
        #expect(result.report.migrations[0].raw.count == 2)
        #expect(result.report.migrations[0].raw[1].reason.contains("changed by raw SQL before"))
    }

    /// What mysqldump, MariaDB's SHOW CREATE TABLE and Prisma write for MySQL (issue 12's fixtures).
    @Test func mysqlDumpSpellings() throws {
        let result = try importSQL("""
            CREATE TABLE `t` (
              `id` bigint(20) NOT NULL AUTO_INCREMENT,
              `a` int(11) DEFAULT NULL,
              `b` varchar(20) NOT NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `t_b_key` (`b`),
              KEY `t_a_idx` (`a`)
            ) ENGINE=InnoDB;
            DROP INDEX IF EXISTS t_a_idx ON t;
            CREATE TABLE u (id int NOT NULL, PRIMARY KEY (id), INDEX (id));
            CREATE TABLE v (id int NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
            """, dialect: .mysql)
        let all = ops(result).filter { if case .sql = $0 { false } else { true } }
        guard case let .createTable(t)? = all.first else { Issue.record("no create_table: \(result.report.text)"); return }
        #expect(t.column("id")?.type == .bigint && t.column("id")?.identity == true, "a display width is no type")
        #expect(t.column("a")?.type == .integer && t.column("a")?.defaultValue == nil, "DEFAULT NULL is no default")
        #expect(t.uniques.map(\.name) == ["t_b_key"])
        // spec 1.1: MySQL table options are read (v's charset), no longer kept raw.
        #expect(all.count == 4, "\(result.report.text)")
        if all.count == 4 {
            #expect(all[1] == .createIndex(Index(name: "t_a_idx", table: "t", parts: [.column("a")]), concurrently: false))
            #expect(all[2] == .dropIndex(name: "t_a_idx", table: "t", concurrently: false))
            if case let .createTable(v) = all[3] { #expect(v.mysqlOptions == MySQLTableOptions(engine: "InnoDB", charset: "utf8mb4")) }
        }
        let raw = result.report.migrations[0].raw.map(\.reason)
        #expect(raw.count == 1 && raw[0].contains("unnamed index"), "\(raw)")
    }

    /// SQLite keeps a table's own UNIQUE constraint as an automatic index no DROP INDEX removes:
    /// not the spec's unique (a named unique index there), so the table stays raw.
    @Test func sqliteTableUniqueConstraintStaysRaw() throws {
        let result = try importSQL("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, CONSTRAINT t_a_key UNIQUE (a));", dialect: .sqlite)
        #expect(result.report.migrations[0].raw.first?.reason.contains("UNIQUE constraint in a SQLite table") == true)
    }

    /// pg_dump writes a string default with a cast to the column's type and a check in two pairs of parentheses.
    @Test func pgDumpSpellings() throws {
        let result = try importSQL("""
            CREATE TABLE t (
                id integer NOT NULL,
                s character varying(10) DEFAULT 'it''s'::character varying,
                u text DEFAULT 'x'::text,
                d date DEFAULT '2020-01-01'::date,
                CONSTRAINT t_id_check CHECK ((id > 0)),
                CONSTRAINT t_both CHECK ((id > 0) AND (id < 9))
            );
            """, dialect: .postgresql)
        guard case let .createTable(t)? = ops(result).first else { Issue.record("no create_table: \(result.report.text)"); return }
        #expect(t.column("s")?.defaultValue == .literal(.string("it's")))
        #expect(t.column("u")?.defaultValue == .literal(.string("x")))
        #expect(t.column("d")?.defaultValue == .sql("'2020-01-01'::date"), "a cast to another type stays as written")
        #expect(t.checks.map(\.expression) == ["id > 0", "(id > 0) AND (id < 9)"])
    }

    /// Prisma's SQLite rebuild copies the columns in alphabetical order.
    @Test func sqliteRebuildWithColumnsInAnyOrder() throws {
        let result = try importSQL("""
            CREATE TABLE "P" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "a" INTEGER NOT NULL);
            PRAGMA defer_foreign_keys=ON;
            PRAGMA foreign_keys=OFF;
            CREATE TABLE "new_P" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT, "a" INTEGER NOT NULL);
            INSERT INTO "new_P" ("a", "id", "title") SELECT "a", "id", "title" FROM "P";
            DROP TABLE "P";
            ALTER TABLE "new_P" RENAME TO "P";
            PRAGMA foreign_keys=ON;
            PRAGMA defer_foreign_keys=OFF;
            """, dialect: .sqlite)
        #expect(result.report.migrations[0].raw.isEmpty, "\(result.report.text)")
        #expect(ops(result).last == .alterColumn(AlterColumn(table: "P", column: "title", nullable: true)))
    }

    @Test func mysqlModifyBecomesAlterColumn() throws {
        let dir = try folder("mysql", [
            "0001_a.up.sql": "CREATE TABLE t (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL);",
            "0002_b.up.sql": "ALTER TABLE t MODIFY COLUMN name varchar(100) NULL;",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try ImportEngine.importFolder(dir, format: "sql", dialect: .mysql)
        #expect(ops(result, 1) == [.alterColumn(AlterColumn(table: "t", column: "name", type: .string(length: 100), nullable: true))])
    }

    /// SQLite spells every identity key INTEGER; a later BIGINT foreign key to it says the key was
    /// bigint (the validator requires the two types to match), also through a rebuild of the table.
    @Test func sqliteIdentityTakesTheTypeOfTheKeysThatReferenceIt() throws {
        let dir = try folder("sqlite-identity", [
            "0001_a.up.sql": "CREATE TABLE u (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"n\" TEXT);",
            "0002_b.up.sql": """
                PRAGMA defer_foreign_keys = ON;
                CREATE TABLE "_mgen_new_u" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "n" TEXT NOT NULL);
                INSERT INTO "_mgen_new_u" ("id", "n") SELECT "id", "n" FROM "u";
                DROP TABLE "u";
                ALTER TABLE "_mgen_new_u" RENAME TO "u";
                """,
            "0003_c.up.sql": """
                CREATE TABLE p ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "u_id" BIGINT NOT NULL,
                    CONSTRAINT "p_u_id_fkey" FOREIGN KEY ("u_id") REFERENCES "u" ("id") ON DELETE CASCADE);
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try ImportEngine.importFolder(dir, format: "sql", dialect: .sqlite)
        #expect(result.report.rawStatements == 0)
        guard case let .createTable(u)? = ops(result, 0).first else { Issue.record("no create_table"); return }
        #expect(u.column("id")?.type == .bigint)
        #expect(u.column("id")?.identity == true)
        #expect(ops(result, 1) == [.alterColumn(AlterColumn(table: "u", column: "n", nullable: false))])
        guard case let .createTable(p)? = ops(result, 2).first else { Issue.record("no create_table"); return }
        #expect(p.column("id")?.type == .integer, "no key references p.id: integer")
    }
}
