// spec 1.1: generated columns and collations — the readers (libpg_query for PostgreSQL, the DDL
// reader for MySQL and SQLite) read GENERATED … AS (…) and COLLATE in CREATE TABLE, ADD COLUMN
// and PostgreSQL's ALTER COLUMN TYPE … COLLATE back into the spec's fields.
import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import Testing

@Suite struct GeneratedColumnReadingTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/chains/generated-collations").path

    /// mgen's own files for the fixture chain, imported: every replayed state equals the original's,
    /// and nothing is left raw.
    @Test(arguments: ["sql", "goose"], Dialect.allCases)
    func roundTrip(target: String, dialect: Dialect) throws {
        let original = try MigrationChain.build(SpecLoader.load(paths: [Self.fixture]))
        let emitter = try EmitterRegistry.require(target)
        let out = try temporaryFolder("import-generated-\(target)-\(dialect)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try EmitEngine.write(EmitEngine.plan(original, emitter: emitter, options: EmitOptions(dialect: dialect, output: out)), force: false)
        let result = try ImportEngine.importFolder(out, format: target, dialect: dialect)
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        let imported = try MigrationChain.build(result.migrations)
        for (a, b) in zip(original.migrations, imported.migrations) {
            #expect(same(a.after, b.after, dialect: dialect), "\(a.id) on \(dialect): \(differences(a.after, b.after, dialect: dialect))")
        }
        let orders = try #require(imported.migrations.first?.after.table("orders"))
        #expect(orders.column("total")?.generated?.expression.text(for: dialect) == "price * qty")
        #expect(orders.column("code")?.collation(dialect) == ["postgresql": "C", "mysql": "utf8mb4_bin", "sqlite": "NOCASE"][dialect.rawValue])
    }

    /// The shapes other tools print: MariaDB's SHOW CREATE TABLE (CHARACTER SET … COLLATE …,
    /// PERSISTENT), SQLite's bare `AS (…)`, pg_dump's `COLLATE pg_catalog."C"` is schema-qualified: raw.
    @Test func otherShapes() throws {
        func table(_ sql: String, _ dialect: Dialect) throws -> Table? {
            let dir = try temporaryFolder("generated-shapes")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try sql.write(toFile: dir + "/0001_a.up.sql", atomically: true, encoding: .utf8)
            let result = try ImportEngine.importFolder(dir, format: "sql", dialect: dialect)
            guard case let .createTable(table)? = result.migrations.first?.operations.first?.value else { return nil }
            return table
        }
        let my = try #require(try table("CREATE TABLE t (a int(11) DEFAULT NULL, b int(11) AS (`a` * 2) PERSISTENT, c varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL, d int GENERATED ALWAYS AS (a + 1) VIRTUAL);", .mysql))
        #expect(my.column("b")?.generated == GeneratedColumn(expression: DialectSQL("`a` * 2"), stored: true))
        #expect(my.column("c")?.collation == DialectSQL("utf8mb4_bin"))
        #expect(my.column("d")?.generated == GeneratedColumn(expression: DialectSQL("a + 1"), stored: false))
        let lite = try #require(try table("CREATE TABLE t (a INTEGER, b INTEGER AS (a * 2), c TEXT COLLATE NOCASE);", .sqlite))
        #expect(lite.column("b")?.generated == GeneratedColumn(expression: DialectSQL("a * 2"), stored: false))
        #expect(lite.column("c")?.collation == DialectSQL("NOCASE"))
        let pg = try #require(try table("CREATE TABLE t (a integer, b bigint GENERATED ALWAYS AS ((a * 2)) STORED, c text COLLATE \"C\");", .postgresql))
        #expect(pg.column("b")?.generated == GeneratedColumn(expression: DialectSQL("(a * 2)"), stored: true))
        #expect(pg.column("c")?.collation == DialectSQL("C"))
    }
}

extension GeneratedColumnReadingTests {
    /// MariaDB prints a generated column's `lower(x)` back as `lcase(x)` (and `upper` as `ucase`):
    /// the same column to the comparison `new --from-db` plans on (it differed before: seed 2 of the
    /// live baseline proof on MariaDB).
    @Test func mariadbSpellingsCompareAsTheSame() throws {
        func state(_ expression: String) throws -> SchemaState {
            try MigrationChain.build([SpecLoader.load(text: """
                mgen: 1
                id: "0001"
                name: a
                operations:
                  - create_table: {table: t, columns: [{name: id, type: bigint, primary_key: true}, {name: a, type: text},
                      {name: calc, type: text, generated: {expression: "\(expression)"}}]}
                """, file: "Specs/0001_a.yaml")]).final
        }
        #expect(same(try state("lower(a)"), try state("lcase(`a`)"), dialect: .mysql))
        #expect(same(try state("upper(a)"), try state("UCASE(a)"), dialect: .mysql))
        #expect(!same(try state("lower(a)"), try state("upper(a)"), dialect: .mysql))
    }
}
