import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// Prisma's folders on the hard chains of Fixtures/framework-chains, through the shared RoundTrip
/// walk (EmitRoundTripTests.run): every `migration.sql` applied as `prisma migrate deploy` sends
/// it, each schema compared with the replayed state and exactly with the one mgen's own SQL makes
/// for the same chain; every `down.sql` back to an empty schema, compared again; every up again.
/// The layout (sections, foreign keys after the tables, no IF NOT EXISTS) must not change the schema.
@Suite(.serialized) struct PrismaChainTests {
    @Test(arguments: FrameworkChain.cells)
    func hardChain(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        let scratch = try temporaryFolder("prisma-chain-db")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let server = try FrameworkChain.server(dialect, sqliteFolder: scratch) else { return }
        let loaded = try chain.load()
        let problems = try EmitRoundTripTests.run(loaded, target: "prisma", server: server, reference: referenceSnapshots(loaded, server: server))
        KnownIssues.record(problems.map { "prisma on \(dialect): \($0)" }, chain: "framework-chain \(chain.name)",
                           cell: Cell(target: "prisma", dialect: dialect))
    }
}
