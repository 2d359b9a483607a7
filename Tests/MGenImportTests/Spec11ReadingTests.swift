import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

/// spec 1.1: statements the import now maps onto the new vocabulary (enum types, index key
/// options) instead of keeping them raw; each case is read from a goose file and replayed.
@Suite struct Spec11ReadingTests {
    func imported(_ sql: String, down: String = "") throws -> (ops: [MGenSpec.Operation], raw: Int) {
        let dir = try temporaryFolder("spec11-reading")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "-- +goose Up\n\(sql)\n-- +goose Down\n\(down)\n".write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: .postgresql)
        return (result.migrations[0].operations.map(\.value), result.report.rawStatements)
    }

    @Test func enumTypesAreEnumTypeOperations() throws {
        let read = try imported("""
            CREATE TYPE mood AS ENUM ('sad', 'ok');
            CREATE TABLE people (id integer PRIMARY KEY, feeling mood NOT NULL);
            ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
            ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
            ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
            ALTER TYPE mood RENAME TO feeling;
            CREATE TYPE unused AS ENUM ('a');
            DROP TYPE unused;
            """)
        #expect(read.raw == 0)
        #expect(read.ops.map(\.kind) == ["create_enum_type", "create_table", "add_enum_value", "add_enum_value", "rename_enum_value",
                                         "rename_enum_type", "create_enum_type", "drop_enum_type"])
        guard case let .createTable(table) = read.ops[1] else { Issue.record("no create_table"); return }
        #expect(table.column("feeling")?.type == .enumType("mood"))
        #expect(read.ops[2] == .addEnumValue(type: "mood", value: "happy", placement: .after("ok")))
        #expect(read.ops[3] == .addEnumValue(type: "mood", value: "meh", placement: .before("ok")))
    }

    /// A type the spec does not know, or IF NOT EXISTS of a value the type has, stays raw; IF NOT
    /// EXISTS of a new value (how mgen writes add_enum_value) is add_enum_value.
    @Test func inexactEnumStatementsStayRaw() throws {
        let read = try imported("""
            CREATE TYPE mood AS ENUM ('sad');
            ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';
            ALTER TYPE other ADD VALUE 'x';
            ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok' AFTER 'sad';
            """)
        #expect(read.raw == 2)
        #expect(read.ops.last == .addEnumValue(type: "mood", value: "ok", placement: .after("sad")))
    }

    @Test func indexKeyOptionsAreRead() throws {
        let read = try imported("""
            CREATE TABLE posts (id integer PRIMARY KEY, title text, at timestamp, body text);
            CREATE INDEX posts_at ON posts (at DESC NULLS LAST, title text_pattern_ops) INCLUDE (body) WITH (fillfactor = 70);
            """)
        #expect(read.raw == 0)
        guard case let .createIndex(index, _) = read.ops.last else { Issue.record("no create_index"); return }
        #expect(index.keyOptions == [IndexKeyOptions(descending: true, nulls: .last), IndexKeyOptions(opclass: "text_pattern_ops")])
        #expect(index.include == ["body"])
        #expect(index.storage == [StorageParameter(name: "fillfactor", value: "70")])
    }
}

extension Spec11ReadingTests {
    @Test func literalInsertIsAnInsertStep() throws {
        let read = try imported("""
            CREATE TABLE roles (id integer PRIMARY KEY, name text, weight numeric(4,2), active boolean);
            INSERT INTO roles (id, name, weight, active) VALUES (1, 'admin', 1.5, true), (2, 'it''s', NULL, false);
            INSERT INTO roles (id, name) SELECT 3, 'x';
            """)
        #expect(read.raw == 1, "INSERT … SELECT stays raw")
        guard case let .insert(rows) = read.ops[1] else { Issue.record("no insert: \(read.ops.map(\.kind))"); return }
        #expect(rows.rows.count == 2)
        #expect(rows.rows[1].value("name") == .literal(.string("it's")))
        #expect(rows.rows[0].value("weight") == .literal(.number("1.5")))
        #expect(rows.rows[1].value("weight") == .literal(.null))
    }
}

extension Spec11ReadingTests {
    @Test func viewsTriggersAndExtensionsAreObjectOperations() throws {
        let read = try imported("""
            CREATE EXTENSION pg_trgm;
            CREATE TABLE notes (id integer PRIMARY KEY, body text);
            CREATE VIEW note_bodies AS SELECT id, body FROM notes;
            CREATE MATERIALIZED VIEW note_count AS SELECT count(*) AS n FROM notes;
            CREATE TRIGGER notes_touch BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION unknown_fn();
            DROP VIEW note_bodies;
            DROP MATERIALIZED VIEW note_count;
            DROP EXTENSION pg_trgm;
            CREATE VIEW v_named (a) AS SELECT id FROM notes;
            """)
        #expect(read.ops.map(\.kind) == ["create_extension", "create_table", "create_view", "create_view", "sql", "drop_view", "drop_view",
                                         "drop_extension", "sql"], "a trigger on an unknown function and a view with column names stay raw")
        guard case let .object(.create(.view(view))) = read.ops[2] else { Issue.record("no view"); return }
        #expect(view.query.text(for: .postgresql) == "SELECT id, body FROM notes")
        guard case let .object(.create(.view(count))) = read.ops[3] else { Issue.record("no materialized view"); return }
        #expect(count.materialized)
    }
}
