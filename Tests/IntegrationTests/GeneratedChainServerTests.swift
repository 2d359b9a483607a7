import Foundation
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// The generated chains rendered with `--db-version` (issue 13) and proven up → down → up with
/// seeded rows on the real MariaDB 10.11: every ALGORITHM clause the version chose is accepted
/// (a server that cannot keep one fails the ALTER). The MySQL 8.0.35 rendering runs there too:
/// its clauses (INSTANT add/drop/rename, INPLACE VARCHAR extension) are ones MariaDB also takes.
/// The framework cells are GeneratedChainTests': their native calls carry no clause, and the
/// SQL-carrying targets write exactly these statements.
@Suite(.serialized, .enabled(if: DBEnv.enabled(DBEnv.mysqlKey))) struct GeneratedChainServerTests {
    static let servers = [DatabaseTarget(.mariadb, Version(10, 11)), DatabaseTarget(.mysql, Version(8, 0, 35))]

    @Test(arguments: GeneratedChainTests.seeds + [3, 4])
    func versionedRenderingVerifies(_ seed: UInt64) throws {
        let server = try DBEnv.url(DBEnv.mysqlKey)
        let generated = try ChainGenerator(seed: seed, dialect: .mysql, specCount: GeneratedChainTests.specCount).generate()
        var clauses = 0
        var verified: [String] = []
        for target in Self.servers {
            let migrations = try VerifyMigration.render(generated.chain, dialect: .mysql, options: RenderOptions(server: target))
            clauses += migrations.flatMap { $0.up + ($0.down ?? []) }.filter { $0.contains("ALGORITHM=") }.count
            let report = try MGenVerify.verify(migrations, at: server, options: VerifyOptions(seedRows: 2))
            #expect(report.failure == nil, "seed \(seed) \(target): \(report.failure?.lines.joined(separator: "\n") ?? "")\n\(generated.yaml)")
            if report.failure == nil { verified.append(target.description) }
        }
        print("generated seed \(seed) mysql: \(clauses) statements with an ALGORITHM clause; verified on MariaDB: \(verified.isEmpty ? "none" : verified.joined(separator: ", "))")
    }
}
