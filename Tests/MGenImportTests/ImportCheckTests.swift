import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// `mgen import --check --db`: every fixture's import is proven on its database; a difference is
/// found at the migration where it first shows, and named.
@Suite(.serialized) struct ImportCheckTests {
    @Test(arguments: importFixtures)
    func fixtures(_ f: ImportFixture) throws {
        let (fixture, format, dialect) = (f.folder, f.format, f.dialect)
        guard let url = try databaseFor(dialect) else { return }
        let folder = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/\(fixture)").path
        let (result, proof) = try ImportCheck.run(folder: folder, format: format, dialect: format == "prisma" ? nil : dialect, server: url)
        #expect(proof.ok, "\(fixture): \(proof.failure?.description ?? "")")
        #expect(proof.equal == result.migrations.count && proof.migrations == result.migrations.count)
        // The downs, last first, as far back as the original has them.
        let withDowns = result.migrations.count - (proof.downsStopAt.flatMap { id in result.migrations.firstIndex { $0.id == id } }.map { $0 + 1 } ?? 0)
        #expect(proof.downsEqual == withDowns, "\(fixture): \(proof.downsEqual) downs equal of \(withDowns)")
        print("import --check \(fixture) → \(proof.target): \(proof.equal)/\(proof.migrations) schemas equal, \(proof.downsEqual)/\(withDowns) downs equal")
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

    @Test func downsAreCompared() throws {
        let original = [ImportCheck.Step(id: "001", statements: ["CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"], transactional: true,
                                         down: ["DROP TABLE t"]),
                        ImportCheck.Step(id: "002", statements: ["CREATE INDEX t_a ON t (a)"], transactional: true, down: ["DROP INDEX t_a"]),
                        ImportCheck.Step(id: "003", statements: ["ALTER TABLE t ADD COLUMN b TEXT"], transactional: true,
                                         down: ["ALTER TABLE t DROP COLUMN b"])]
        let same = try ImportCheck.compare(original, original, on: DatabaseURL("sqlite::memory:"))
        #expect(same.ok && same.equal == 3 && same.downsEqual == 3 && same.downsStopAt == nil)
        // A down that does less than the original's is found at that down, ups all equal.
        var emitted = original
        emitted[1].down = []
        let proof = try ImportCheck.compare(original, emitted, on: DatabaseURL("sqlite::memory:"))
        #expect(proof.equal == 3 && proof.downsEqual == 1)
        #expect(proof.failure?.message.contains("after the down of migration 002") == true, "\(proof.failure?.description ?? "")")
        // A re-emitted migration without a down where the original has one is named.
        emitted[1].down = nil
        #expect(try ImportCheck.compare(original, emitted, on: DatabaseURL("sqlite::memory:")).failure?.message.contains("002 has no down") == true)
        // The downs are compared only back to where the original has them.
        var partial = original
        partial[0].down = nil
        let stop = try ImportCheck.compare(partial, original, on: DatabaseURL("sqlite::memory:"))
        #expect(stop.ok && stop.downsEqual == 2 && stop.downsStopAt == "001")
    }
}
