import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// Prisma's folders on the hard chains of Fixtures/framework-chains: every `migration.sql` applied
/// as `prisma migrate deploy` sends it, each schema compared with the one mgen's own SQL makes for
/// the same chain; every `down.sql` back to an empty schema, compared again; every up again. The
/// layout (sections, foreign keys after the tables, no IF NOT EXISTS) must not change the schema.
@Suite(.serialized) struct PrismaChainTests {
    @Test(arguments: FrameworkChain.cells)
    func hardChain(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        let scratch = try temporaryFolder("prisma-chain-db")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let server = try FrameworkChain.server(dialect, sqliteFolder: scratch) else { return }
        let chain = try chain.load()
        let emitter = PrismaEmitter()
        let folder = try temporaryFolder("prisma-chain")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: dialect, output: folder)), force: false)
        let disk = try emitter.scan(folder)
        #expect(disk.map(\.specID) == chain.migrations.map(\.id))

        let expected: [SchemaSnapshot] = try withScratchDatabase(server) { db, _ in
            try SQLRenderer(dialect: dialect).render(chain).map { migration in
                try apply(migration.up.map(\.sql), transactional: migration.upIsTransactional, on: db)
                return try introspect(db, exclude: frameworkBookkeepingTables)
            }
        }
        let empty = SchemaSnapshot(dialect: dialect, tables: [])
        try withScratchDatabase(server) { db, _ in
            for (index, migration) in disk.enumerated() {
                try apply(migration.up, transactional: migration.upTransactional, on: db)
                let changes = SnapshotDiff(expected[index], try introspect(db, exclude: frameworkBookkeepingTables)).render()
                #expect(changes.isEmpty, "after \(migration.name)/migration.sql on \(dialect):\n\(changes.joined(separator: "\n"))")
            }
            for (index, migration) in disk.enumerated().reversed() {
                let down = try #require(migration.down, "\(migration.name) has no down.sql")
                try apply(down, transactional: migration.downTransactional, on: db)
                let changes = SnapshotDiff(index > 0 ? expected[index - 1] : empty, try introspect(db, exclude: frameworkBookkeepingTables)).render()
                #expect(changes.isEmpty, "after \(migration.name)/down.sql on \(dialect):\n\(changes.joined(separator: "\n"))")
            }
            for migration in disk { try apply(migration.up, transactional: migration.upTransactional, on: db) }
            let again = SnapshotDiff(try #require(expected.last), try introspect(db, exclude: frameworkBookkeepingTables)).render()
            #expect(again.isEmpty, "up again on \(dialect):\n\(again.joined(separator: "\n"))")
        }
    }
}
