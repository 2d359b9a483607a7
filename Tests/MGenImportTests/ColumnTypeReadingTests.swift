// spec 1.1: column types — the importers read char(n) and the unbounded varchar back as the
// spec's types, so an import keeps them (a bare PostgreSQL varchar was string(255) before).
import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

@Suite struct ColumnTypeReadingTests {
    func columns(_ sql: String, _ dialect: Dialect) throws -> Table? {
        let dir = try temporaryFolder("column-types")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sql.write(toFile: dir + "/0001_a.up.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "sql", dialect: dialect)
        guard case let .createTable(table)? = result.migrations.first?.operations.first?.value else { return nil }
        return table
    }

    @Test func postgresql() throws {
        let t = try #require(try columns("CREATE TABLE t (a char(3), b varchar, c character varying(5), d character, e character varying);", .postgresql))
        #expect(t.columns.map(\.type) == [.char(length: 3), .varchar, .string(length: 5), .char(length: 1), .varchar])
    }

    @Test func mysqlAndSQLite() throws {
        let my = try #require(try columns("CREATE TABLE t (a char(3), b char(36), c varchar(5));", .mysql))
        #expect(my.columns.map(\.type) == [.char(length: 3), .uuid, .string(length: 5)])
        let lite = try #require(try columns("CREATE TABLE t (a CHAR(3), b VARCHAR, c VARCHAR(5), d CHAR(36));", .sqlite))
        #expect(lite.columns.map(\.type) == [.char(length: 3), .varchar, .string(length: 5), .uuid])
    }
}

extension ColumnTypeReadingTests {
    @Test func mysqlUnsigned() throws {
        let my = try #require(try columns("CREATE TABLE t (id int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, a bigint unsigned, b smallint UNSIGNED, c tinyint unsigned);", .mysql))
        #expect(my.columns.map(\.type) == [.unsigned(.integer), .unsigned(.bigint), .unsigned(.smallint), .native(["mysql": "tinyint unsigned"])])
        #expect(my.column("id")?.identity == true)
    }
}

extension ColumnTypeReadingTests {
    @Test func postgresqlArrays() throws {
        let t = try #require(try columns("CREATE TABLE t (a text[], b integer[], c varchar(20)[], d int[][], e citext[]);", .postgresql))
        #expect(Array(t.columns.map(\.type).prefix(3)) == [.array(.text), .array(.integer), .array(.string(length: 20))])
        #expect(t.columns[3].type == .native(["postgresql": "int[][]"]) && t.columns[4].type == .native(["postgresql": "citext[]"]), "\(t.columns.map(\.type))")
    }
}

extension ColumnTypeReadingTests {
    /// `ALTER INDEX … RENAME TO` is read as rename_index (it was raw, and an import of a chain
    /// that renames an index lost the new name from its state); the index's table from the state.
    @Test func postgresqlIndexRename() throws {
        let dir = try temporaryFolder("index-rename")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "CREATE TABLE t (a integer);\nCREATE INDEX i ON t (a);\nALTER INDEX i RENAME TO j;\n"
            .write(toFile: dir + "/0001_a.up.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "sql", dialect: .postgresql)
        let operations = try #require(result.migrations.first).operations.map(\.value)
        #expect(operations.last == .renameIndex(name: "i", to: "j", table: "t"), "\(operations)")
    }
}
