import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen import --check --db`: every fixture's import is proven on its database; a difference is
/// found at the migration where it first shows, and named.
@Suite(.serialized) struct ImportCheckTests {
    @Test(arguments: [("goose-postgresql", "goose", Dialect.postgresql), ("prisma-postgresql", "prisma", .postgresql),
                      ("golang-migrate-mysql", "golang-migrate", .mysql), ("flyway-mysql", "flyway", .mysql), ("dbmate-sqlite", "dbmate", .sqlite)])
    func fixtures(fixture: String, format: String, dialect: Dialect) throws {
        guard let url = try databaseFor(dialect) else { return }
        let folder = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/\(fixture)").path
        let (result, proof) = try ImportCheck.run(folder: folder, format: format, dialect: format == "prisma" ? nil : dialect, server: url)
        #expect(proof.ok, "\(fixture): \(proof.failure?.description ?? "")")
        #expect(proof.equal == result.migrations.count && proof.migrations == result.migrations.count)
        print("import --check \(fixture) → \(proof.target): \(proof.equal)/\(proof.migrations) schemas equal")
    }

    @Test func firstDifferenceIsNamed() throws {
        let create = ImportCheck.Step(id: "001", statements: ["CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"], transactional: true)
        let original = [create, ImportCheck.Step(id: "002", statements: ["CREATE INDEX t_a ON t (a)"], transactional: true),
                        ImportCheck.Step(id: "003", statements: ["ALTER TABLE t ADD COLUMN b TEXT"], transactional: true)]
        var emitted = original
        emitted[1].statements = ["CREATE INDEX t_a ON t (a, id)"]
        let proof = try ImportCheck.compare(original, emitted, on: DatabaseURL("sqlite::memory:"))
        #expect(proof.equal == 1)
        #expect(proof.failure?.message.contains("after migration 002") == true)
        #expect(proof.failure?.message.contains("t_a") == true)
        // A re-emitted migration the database refuses is named too.
        emitted[1].statements = ["CREATE INDEX t_a ON missing (a)"]
        let refused = try ImportCheck.compare(original, emitted, on: DatabaseURL("sqlite::memory:"))
        #expect(refused.failure?.message.contains("re-emitted migration 002 fails") == true)
        #expect(try ImportCheck.compare(original, original, on: DatabaseURL("sqlite::memory:")).ok)
    }
}
