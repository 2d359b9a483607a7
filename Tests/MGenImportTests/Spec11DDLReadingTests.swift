import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

/// spec 1.1 read from MySQL/MariaDB and SQLite migrations (mgen's own DDL reader), and the
/// PostgreSQL statements added with them: data steps, views, triggers, primary-key changes,
/// index renames, table comments. Each was raw sql before.
@Suite struct Spec11DDLReadingTests {
    func imported(_ sql: String, down: String? = nil, dialect: Dialect) throws -> (ops: [MGenSpec.Operation], raw: [String], result: ImportResult) {
        let dir = try temporaryFolder("spec11-ddl-reading")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-- +goose Up\n\(sql)\n" .appending(down.map { "-- +goose Down\n\($0)\n" } ?? "")
            .write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: dialect)
        return (result.migrations[0].operations.map(\.value), result.report.migrations[0].raw.map(\.reason), result)
    }

    @Test(arguments: [Dialect.mysql, .sqlite])
    func dataStepsAreRead(_ dialect: Dialect) throws {
        let id = dialect == .mysql ? "id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT"
        let read = try imported("""
            CREATE TABLE users (\(id), email varchar(100) NOT NULL, admin \(dialect == .mysql ? "tinyint(1)" : "BOOLEAN") NOT NULL DEFAULT 0\(dialect == .mysql ? ", CONSTRAINT users_email_key UNIQUE (email)" : ""));
            \(dialect == .sqlite ? "CREATE UNIQUE INDEX users_email_key ON users (email);" : "")
            INSERT INTO users (email, admin) VALUES ('root@example.com', 1), ('o''neil@example.com', 0);
            UPDATE users SET admin = 0, email = lower(email) WHERE email LIKE '%@example.com';
            DELETE FROM users WHERE email = 'root@example.com';
            INSERT INTO users (email) SELECT 'x@example.com';
            """, dialect: dialect)
        let kinds = read.ops.map(\.kind)
        #expect(kinds == ["create_table", "insert", "update", "delete", "sql"], "INSERT … SELECT stays raw: \(read.raw)")
        guard case let .insert(rows) = read.ops[1] else { return }
        #expect(rows.key == ["email"], "no row gives the id: the unique email is the key the down deletes by")
        #expect(rows.rows[0].value("admin") == .literal(.boolean(true)))
        #expect(rows.rows[1].value("email") == .literal(.string("o'neil@example.com")))
        guard case let .update(update) = read.ops[2], case let .delete(delete) = read.ops[3] else { return }
        #expect(update.assignments.map(\.column) == ["admin", "email"])
        #expect(update.predicate?.text(for: dialect) == "email LIKE '%@example.com'")
        #expect(delete.selection == .predicate(DialectSQL([dialect.rawValue: "email = 'root@example.com'"]), down: nil))
        // A delete by condition has no derived down: without a down file the spec is irreversible.
        #expect(read.result.migrations[0].irreversible != nil)
    }

    @Test func mysqlViewsTriggersKeysAndComments() throws {
        let read = try imported("""
            CREATE TABLE posts (id bigint NOT NULL, slug varchar(50) NOT NULL, title text NOT NULL);
            ALTER TABLE posts ADD PRIMARY KEY (id);
            CREATE INDEX posts_slug_idx ON posts (slug);
            ALTER TABLE posts RENAME INDEX posts_slug_idx TO posts_slug_ix;
            ALTER TABLE posts COMMENT = 'Blog posts';
            CREATE VIEW post_titles AS SELECT id, title FROM posts;
            CREATE OR REPLACE VIEW post_titles AS SELECT id, title, slug FROM posts;
            CREATE TRIGGER posts_lower_slug BEFORE INSERT ON posts FOR EACH ROW SET NEW.slug = LOWER(NEW.slug);
            DROP TRIGGER IF EXISTS posts_lower_slug;
            DROP VIEW post_titles;
            ALTER TABLE posts COMMENT = '';
            ALTER TABLE posts DROP PRIMARY KEY;
            CREATE TRIGGER posts_two BEFORE INSERT ON posts FOR EACH ROW FOLLOWS other SET NEW.slug = 'x';
            CREATE ALGORITHM=MERGE VIEW v2 AS SELECT 1;
            """, dialect: .mysql)
        #expect(read.ops.map(\.kind) == ["create_table", "add_primary_key", "create_index", "rename_index", "comment_table", "create_view",
                                         "replace_view", "create_trigger", "drop_trigger", "drop_view", "comment_table", "drop_primary_key",
                                         "sql", "sql"], "\(read.raw)")
        #expect(read.ops[10] == .commentTable(table: "posts", comment: nil), "MySQL's '' is no comment")
        guard case let .object(.create(.trigger(trigger))) = read.ops[7] else { return }
        #expect(trigger.body?.text(for: .mysql) == "SET NEW.slug = LOWER(NEW.slug)")
        #expect(trigger.timing == .before && trigger.events == [.insert] && trigger.table == "posts")
    }

    /// SQLite keeps the text of a view or trigger as written: only what mgen writes alike is read.
    @Test func sqliteViewsAndTriggers() throws {
        let read = try imported("""
            CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT, seen INTEGER NOT NULL DEFAULT 0);
            CREATE VIEW unseen AS SELECT id, body FROM notes WHERE seen = 0;
            CREATE TRIGGER notes_seen AFTER UPDATE ON notes FOR EACH ROW BEGIN UPDATE notes SET seen = 1 WHERE id = NEW.id AND seen = 0; END;
            CREATE TRIGGER notes_guard BEFORE DELETE ON notes FOR EACH ROW WHEN OLD.seen = 0 BEGIN SELECT RAISE(ABORT, 'unseen'); END;
            CREATE TRIGGER notes_plain AFTER INSERT ON notes BEGIN SELECT 1; END;
            create view lower_view as select 1;
            DROP TRIGGER notes_seen;
            DROP VIEW IF EXISTS unseen;
            """, dialect: .sqlite)
        #expect(read.ops.map(\.kind) == ["create_table", "create_view", "create_trigger", "sql", "sql", "sql", "drop_trigger", "drop_view"], "\(read.raw)")
        #expect(read.raw.contains { $0.contains("WHEN") }, "\(read.raw)")
        #expect(read.raw.contains { $0.contains("FOR EACH ROW") })
    }

    @Test func postgresKeysRenamesAndDataSteps() throws {
        let read = try imported("""
            CREATE TABLE codes (code text NOT NULL, label text);
            CREATE UNIQUE INDEX codes_code_idx ON codes (code);
            ALTER TABLE codes ADD CONSTRAINT codes_pk PRIMARY KEY USING INDEX codes_code_idx;
            ALTER TABLE codes DROP CONSTRAINT codes_pk;
            ALTER TABLE codes ADD PRIMARY KEY (code);
            CREATE INDEX codes_label_idx ON codes (label);
            ALTER INDEX codes_label_idx RENAME TO codes_label_ix;
            UPDATE codes SET label = upper(label) WHERE label IS NOT NULL;
            DELETE FROM codes WHERE code LIKE 'tmp%';
            DELETE FROM ONLY codes;
            UPDATE codes SET label = o.label FROM codes o WHERE o.code = codes.code;
            """, dialect: .postgresql)
        #expect(read.ops.map(\.kind) == ["create_table", "create_index", "add_primary_key", "drop_primary_key", "add_primary_key", "create_index",
                                         "rename_index", "update", "delete", "sql", "sql"], "\(read.raw)")
        #expect(read.ops[2] == .addPrimaryKey(AddPrimaryKey(table: "codes", key: PrimaryKey(name: "codes_pk", columns: ["code"]), usingIndex: "codes_code_idx")))
        #expect(read.ops[6] == .renameIndex(name: "codes_label_idx", to: "codes_label_ix", table: "codes"))
    }
}

extension Spec11DDLReadingTests {
    @Test func postgresFunctionsAndSequences() throws {
        let read = try imported("""
            CREATE TABLE posts (id integer PRIMARY KEY, edits integer NOT NULL DEFAULT 0);
            CREATE FUNCTION count_edit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.edits := OLD.edits + 1; RETURN NEW; END; $$;
            CREATE TRIGGER posts_count_edit BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION count_edit();
            CREATE OR REPLACE FUNCTION score(e integer, f integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT e * f';
            CREATE FUNCTION stable_one() RETURNS integer LANGUAGE sql STABLE AS 'SELECT 1';
            CREATE FUNCTION with_default(e integer DEFAULT 2) RETURNS integer LANGUAGE sql AS 'SELECT e';
            CREATE SEQUENCE invoice_numbers START 1000 INCREMENT BY 10 NO MINVALUE;
            ALTER SEQUENCE invoice_numbers INCREMENT BY 5 NO CYCLE;
            ALTER SEQUENCE invoice_numbers NO MAXVALUE;
            ALTER SEQUENCE invoice_numbers RESTART WITH 5;
            CREATE SEQUENCE owned OWNED BY posts.id;
            """, dialect: .postgresql)
        #expect(read.ops.map(\.kind) == ["create_table", "create_function", "create_trigger", "create_function", "sql", "sql", "create_sequence",
                                         "alter_sequence", "sql", "sql", "sql"], "\(read.raw)")
        guard case let .object(.create(.function(score))) = read.ops[3], case let .object(.create(.sequence(sequence))) = read.ops[6],
              case let .object(.alterSequence(alter)) = read.ops[7] else { return }
        #expect(score.arguments.text(for: .postgresql) == "e integer, f integer")
        #expect(score.returns.text(for: .postgresql) == "integer" && score.language == "sql" && score.deterministic)
        #expect(score.body.text(for: .postgresql) == "SELECT e * f")
        #expect(sequence.start == 1000 && sequence.options.increment == 10)
        #expect(alter.set.increment == 5 && alter.set.cycle == false, "\(alter)")
    }

    @Test func mysqlFunctions() throws {
        let read = try imported("""
            -- +goose StatementBegin
            CREATE FUNCTION post_score(e int) RETURNS int DETERMINISTIC
            BEGIN
                RETURN e * 10;
            END;
            -- +goose StatementEnd
            CREATE FUNCTION plain_one() RETURNS int RETURN 1;
            CREATE FUNCTION reads_one() RETURNS int READS SQL DATA RETURN 1;
            CREATE PROCEDURE noop() BEGIN END;
            DROP FUNCTION IF EXISTS plain_one;
            """, dialect: .mysql)
        #expect(read.ops.map(\.kind) == ["create_function", "create_function", "sql", "sql", "drop_function"], "\(read.raw)")
        guard case let .object(.create(.function(f))) = read.ops[0] else { return }
        #expect(f.deterministic && f.arguments.text(for: .mysql) == "e int" && f.returns.text(for: .mysql) == "int")
        #expect(f.body.text(for: .mysql)?.hasPrefix("BEGIN") == true && f.body.text(for: .mysql)?.hasSuffix("END") == true)
    }
}

extension Spec11DDLReadingTests {
    static let swapStart = """
        CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
        CREATE TABLE "User" ("id" integer PRIMARY KEY, "role" "Role" NOT NULL DEFAULT 'USER');
        CREATE TYPE "Role_new" AS ENUM ('OWNER', 'USER', 'EDITOR', 'GUEST');
        ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
        ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
        ALTER TYPE "Role" RENAME TO "Role_old";
        ALTER TYPE "Role_new" RENAME TO "Role";
        DROP TYPE "Role_old";
        """

    /// Prisma's enum swap is the values added and removed (was: seven raw statements).
    @Test func prismaEnumSwapIsEnumTypeOperations() throws {
        let read = try imported(Self.swapStart + "\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'USER';", dialect: .postgresql)
        #expect(read.raw.isEmpty, "\(read.raw)")
        #expect(Array(read.ops.dropFirst(2)) == [.addEnumValue(type: "Role", value: "OWNER", placement: .before("USER")),
                                                  .addEnumValue(type: "Role", value: "EDITOR", placement: .after("USER")),
                                                  .dropEnumValue(type: "Role", value: "ADMIN")])
        #expect(read.result.report.structuredStatements == 2 + 7, "the swap's seven statements count as structured")
    }

    /// A swap that also changes a default is more than the values: it stays raw, all of it.
    @Test func prismaEnumSwapChangingADefaultStaysRaw() throws {
        let read = try imported(Self.swapStart + "\nALTER TABLE \"User\" ALTER COLUMN \"role\" SET DEFAULT 'GUEST';", dialect: .postgresql)
        #expect(read.raw.count == 7)
        #expect(read.raw.allSatisfy { $0.contains("the default of User.role changes with the swap") }, "\(read.raw)")
    }
}

extension Spec11DDLReadingTests {
    /// MySQL's MODIFY that leaves a column's comment out removes it: `alter_column … comment: null`
    /// (was raw: the spec had no form for a removed comment), written and loaded back.
    @Test func mysqlModifyRemovingACommentIsAlterColumn() throws {
        let dir = try temporaryFolder("spec11-comment")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-- +goose Up\nCREATE TABLE notes (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, body varchar(100) NULL COMMENT 'The text');\n"
            .write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        try "-- +goose Up\nALTER TABLE notes MODIFY body varchar(100) NULL;\n".write(toFile: dir + "/00002_b.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: .mysql)
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        #expect(result.migrations[1].operations.map(\.value) == [.alterColumn(AlterColumn(table: "notes", column: "body", comment: ""))])
        #expect(result.specs[1].yaml.contains("comment: null"))
        #expect(result.report.migrations[1].down == "derived", "its down puts the comment back")
    }
}

extension Spec11DDLReadingTests {
    /// PostgreSQL comments on a table made by an earlier migration: comment_table (was raw: "only a
    /// table made in the same migration takes a comment"); NULL removes a table's or column's comment.
    @Test func postgresCommentsLater() throws {
        let dir = try temporaryFolder("spec11-pg-comment")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-- +goose Up\nCREATE TABLE shelves (id integer PRIMARY KEY, label text);\nCOMMENT ON COLUMN shelves.label IS 'On the shelf';\n"
            .write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        try """
            -- +goose Up
            COMMENT ON TABLE shelves IS 'Where books stand.';
            COMMENT ON COLUMN shelves.label IS NULL;
            -- +goose Down
            COMMENT ON COLUMN shelves.label IS 'On the shelf';
            COMMENT ON TABLE shelves IS NULL;
            """.write(toFile: dir + "/00002_b.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: .postgresql)
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        #expect(result.migrations[1].operations.map(\.value) == [.commentTable(table: "shelves", comment: "Where books stand."),
                                                                 .alterColumn(AlterColumn(table: "shelves", column: "label", comment: ""))])
        #expect(result.report.migrations[1].down == "derived", "the down file does what the spec derives")
    }
}

extension Spec11DDLReadingTests {
    /// MySQL index key options in every place an index is written: CREATE INDEX, ALTER TABLE …
    /// ADD INDEX and CREATE TABLE's inline KEY (the last two were raw with a prefix or DESC).
    @Test func mysqlIndexOptionsEverywhere() throws {
        let read = try imported("""
            CREATE TABLE books (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200) NOT NULL, year int NOT NULL, KEY books_title_idx (title(20), year DESC));
            ALTER TABLE books ADD INDEX books_year_idx (year DESC, title(10));
            """, dialect: .mysql)
        #expect(read.raw.isEmpty, "\(read.raw)")
        guard case let .createIndex(inline, _) = read.ops[1], case let .createIndex(added, _) = read.ops[2] else { Issue.record("\(read.ops.map(\.kind))"); return }
        #expect(inline.keyOptions == [IndexKeyOptions(length: 20), IndexKeyOptions(descending: true)])
        #expect(added.keyOptions == [IndexKeyOptions(descending: true), IndexKeyOptions(length: 10)])
    }
}

extension Spec11DDLReadingTests {
    /// The session timeouts mgen writes at the top of each PostgreSQL file are no step when its own
    /// output is read back (emit writes them again); other values, or later in a file, stay raw.
    @Test func mgensOwnTimeoutsAreDropped() throws {
        let read = try imported("""
            SET LOCAL lock_timeout = '5s';
            SET LOCAL statement_timeout = '10min';
            CREATE TABLE a (id integer PRIMARY KEY);
            SET LOCAL lock_timeout = '5s';
            """, dialect: .postgresql)
        #expect(read.ops.map(\.kind) == ["create_table", "sql"], "\(read.raw)")
        #expect(read.result.report.migrations[0].dropped.filter { $0.contains("mgen's own session timeout") }.count == 2)
        let other = try imported("SET LOCAL lock_timeout = '3s';\nCREATE TABLE a (id integer PRIMARY KEY);", dialect: .postgresql)
        #expect(other.raw.count == 1, "a timeout mgen would not write again stays")
    }
}

extension Spec11DDLReadingTests {
    static let doBlock = """
        DO $mgen$
        DECLARE
            batch_start bigint;
            max_key bigint;
        BEGIN
            SELECT min("id"), max("id") INTO batch_start, max_key FROM "users";
            WHILE batch_start <= max_key LOOP
                UPDATE "users" SET "email" = lower(name), "seen" = 1
                WHERE "id" >= batch_start AND "id" < batch_start + 500 AND (email IS NULL);
                batch_start := batch_start + STEP;
            END LOOP;
        END
        $mgen$;
        """

    /// mgen's PostgreSQL backfill block reads back as the `backfill` it renders; edited, it stays raw.
    @Test func mgensBackfillBlockIsABackfill() throws {
        let table = "CREATE TABLE users (id bigint PRIMARY KEY, name text, email text, seen integer);\n-- +goose StatementBegin\n"
        let read = try imported(table + Self.doBlock.replacingOccurrences(of: "STEP", with: "500") + "\n-- +goose StatementEnd", dialect: .postgresql)
        #expect(read.raw.isEmpty, "\(read.raw)")
        guard case let .backfill(backfill)? = read.ops.last else { Issue.record("\(read.ops.map(\.kind))"); return }
        #expect(backfill.table == "users" && backfill.batchSize == 500 && backfill.predicate == "email IS NULL" && backfill.key == nil)
        #expect(backfill.assignments.map(\.column) == ["email", "seen"])
        #expect(backfill.assignments.first?.expression.text(for: .postgresql) == "lower(name)")
        let edited = try imported(table + Self.doBlock.replacingOccurrences(of: "STEP", with: "100") + "\n-- +goose StatementEnd", dialect: .postgresql)
        #expect(edited.raw.count == 1, "a block mgen would not write so stays raw")
    }
}

extension Spec11DDLReadingTests {
    /// mgen's own drop_enum_value on PostgreSQL (the type made again) reads back as that step; the
    /// same shape with another column default stays raw.
    @Test func mgensEnumRecreationIsDropEnumValue() throws {
        let start = """
            CREATE TYPE "mood" AS ENUM ('happy', 'sad', 'ok');
            CREATE TABLE "people" ("id" integer PRIMARY KEY, "feeling" "mood" NOT NULL DEFAULT 'sad');
            ALTER TYPE "mood" RENAME TO "mood_mgen_old";
            CREATE TYPE "mood" AS ENUM ('happy', 'sad');
            ALTER TABLE "people"
                ALTER COLUMN "feeling" DROP DEFAULT,
                ALTER COLUMN "feeling" TYPE "mood" USING "feeling"::text::"mood",
                ALTER COLUMN "feeling" SET DEFAULT 'DEFAULT';
            DROP TYPE "mood_mgen_old";
            """
        let read = try imported(start.replacingOccurrences(of: "'DEFAULT'", with: "'sad'"), dialect: .postgresql)
        #expect(read.raw.isEmpty, "\(read.raw)")
        #expect(read.ops.last == .dropEnumValue(type: "mood", value: "ok"))
        #expect(read.result.report.structuredStatements == 2 + 4)
        let other = try imported(start.replacingOccurrences(of: "'DEFAULT'", with: "'happy'"), dialect: .postgresql)
        #expect(!other.ops.contains { if case .dropEnumValue = $0 { true } else { false } }, "another default: not mgen's step")
    }
}

extension Spec11DDLReadingTests {
    /// mgen's SQLite rebuild of a table with a trigger (its key named after the table, the trigger
    /// made again after the copy) reads back as the alter_column it renders (was six raw statements).
    @Test func mgensSQLiteRebuildWithATrigger() throws {
        let read = try imported("""
            CREATE TABLE "notes" ("id" INTEGER NOT NULL, "body" VARCHAR(100), "seen" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));
            -- +goose StatementBegin
            CREATE TRIGGER "notes_seen" AFTER UPDATE ON "notes" FOR EACH ROW
            BEGIN
            UPDATE notes SET seen = 1 WHERE id = NEW.id AND seen = 0;
            END;
            -- +goose StatementEnd
            PRAGMA defer_foreign_keys = ON;
            CREATE TABLE "_mgen_new_notes" ("id" INTEGER NOT NULL, "body" TEXT, "seen" INTEGER NOT NULL DEFAULT 0, CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));
            INSERT INTO "_mgen_new_notes" ("id", "body", "seen") SELECT "id", "body", "seen" FROM "notes";
            DROP TABLE "notes";
            ALTER TABLE "_mgen_new_notes" RENAME TO "notes";
            -- +goose StatementBegin
            CREATE TRIGGER "notes_seen" AFTER UPDATE ON "notes" FOR EACH ROW
            BEGIN
            UPDATE notes SET seen = 1 WHERE id = NEW.id AND seen = 0;
            END;
            -- +goose StatementEnd
            """, dialect: .sqlite)
        #expect(read.raw.isEmpty, "\(read.raw)")
        #expect(read.ops.map(\.kind) == ["create_table", "create_trigger", "alter_column"])
        // Without the trigger made again, the statements lose it: the rebuild stays raw.
        let lost = try imported("""
            CREATE TABLE "notes" ("id" INTEGER NOT NULL, "body" VARCHAR(100), CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));
            CREATE TRIGGER "notes_guard" BEFORE DELETE ON "notes" FOR EACH ROW BEGIN SELECT 1; END;
            CREATE TABLE "_mgen_new_notes" ("id" INTEGER NOT NULL, "body" TEXT, CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));
            INSERT INTO "_mgen_new_notes" ("id", "body") SELECT "id", "body" FROM "notes";
            DROP TABLE "notes";
            ALTER TABLE "_mgen_new_notes" RENAME TO "notes";
            """, dialect: .sqlite)
        #expect(!lost.ops.contains { if case .alterColumn = $0 { true } else { false } })
    }
}

extension Spec11DDLReadingTests {
    /// An UPDATE joined with one other table — PostgreSQL `… FROM f WHERE c`, MySQL `… JOIN f ON c
    /// SET t.x = …` — is `update` with `from` and the condition as `on` (was raw).
    @Test func joinedUpdates() throws {
        let pg = try imported("""
            CREATE TABLE customers (id integer PRIMARY KEY, region text);
            CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, region text);
            UPDATE orders SET region = customers.region FROM customers WHERE customers.id = orders.customer_id AND orders.region IS NULL;
            UPDATE orders SET region = c.region FROM customers c WHERE c.id = orders.customer_id;
            """, dialect: .postgresql)
        #expect(pg.ops.map(\.kind) == ["create_table", "create_table", "update", "sql"], "\(pg.raw)")
        #expect(pg.ops[2] == .update(UpdateRows(table: "orders", from: "customers",
                                                on: DialectSQL(["postgresql": "customers.id = orders.customer_id AND orders.region IS NULL"]),
                                                assignments: [Backfill.Assignment(column: "region", expression: DialectSQL(["postgresql": "customers.region"]))])))
        let my = try imported("""
            CREATE TABLE customers (id int NOT NULL PRIMARY KEY, region varchar(20));
            CREATE TABLE orders (id int NOT NULL PRIMARY KEY, customer_id int, region varchar(20));
            UPDATE `orders` JOIN `customers` ON customers.id = orders.customer_id SET `orders`.`region` = customers.region WHERE orders.region IS NULL;
            UPDATE orders JOIN customers ON customers.id = orders.customer_id SET customers.region = 'x';
            """, dialect: .mysql)
        #expect(my.ops.map(\.kind) == ["create_table", "create_table", "update", "sql"], "\(my.raw)")
        #expect(my.ops[2] == .update(UpdateRows(table: "orders", from: "customers", on: DialectSQL(["mysql": "customers.id = orders.customer_id"]),
                                                assignments: [Backfill.Assignment(column: "region", expression: DialectSQL(["mysql": "customers.region"]))],
                                                predicate: DialectSQL(["mysql": "orders.region IS NULL"]))))
    }
}

/// PostgreSQL functions returning SETOF or TABLE (…): the spec's `returns` as written, the TABLE
/// columns not among the `arguments` (was raw: "RETURNS SETOF / TABLE"); proven on PostgreSQL by
/// `import --check` (the original and the re-emitted files build the same functions, downs too).
extension Spec11DDLReadingTests {
    static let setReturningFunctions = """
        CREATE TABLE posts (id integer PRIMARY KEY, title text NOT NULL);
        CREATE FUNCTION post_ids(since integer) RETURNS SETOF integer LANGUAGE sql STABLE AS 'SELECT id FROM posts WHERE id > since';
        CREATE FUNCTION post_rows(since integer) RETURNS TABLE (post_id integer, post_title text) LANGUAGE sql AS 'SELECT id, title FROM posts WHERE id > since';
        CREATE FUNCTION all_ids() RETURNS SETOF integer LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT id FROM posts; END; $$;
        """

    @Test func postgresSetReturningFunctions() throws {
        let read = try imported(Self.setReturningFunctions, dialect: .postgresql)
        // STABLE stays raw: the spec says IMMUTABLE (deterministic) or nothing.
        #expect(read.ops.map(\.kind) == ["create_table", "sql", "create_function", "create_function"], "\(read.raw)")
        guard case let .object(.create(.function(rows))) = read.ops[2], case let .object(.create(.function(all))) = read.ops[3] else { return }
        #expect(rows.arguments.text(for: .postgresql) == "since integer")
        #expect(rows.returns.text(for: .postgresql) == "TABLE (post_id integer, post_title text)")
        #expect(all.arguments.text(for: .postgresql) == "" && all.returns.text(for: .postgresql) == "SETOF integer")
    }

    @Test(.enabled(if: serverEnabled("MGEN_TEST_PG_URL")))
    func postgresSetReturningFunctionsProven() throws {
        let url = try server("MGEN_TEST_PG_URL")
        let dir = try temporaryFolder("setof-functions")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-- +goose Up\n\(Self.setReturningFunctions)\n".write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        let (_, proof) = try ImportCheck.run(folder: dir, format: "goose", dialect: .postgresql, server: url)
        #expect(proof.ok && proof.equal == 1, "\(proof.failure?.description ?? "")")
    }
}
