import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// spec 1.1: generated columns and collations. The snapshot verify compares sees both: a
/// hand-written down that forgets one fails verify on every database.
@Suite struct GeneratedColumnIntegrationTests {
    static func server(_ dialect: Dialect) throws -> DatabaseURL? {
        dialect == .sqlite ? try DatabaseURL("sqlite::memory:") : try GeneratedHarness.server(dialect)
    }

    /// 0001 makes the table, 0002 runs `up` with a down of `down` (raw SQL, the derived one replaced).
    static func verifyDown(_ up: String, down: String, dialect: Dialect, at server: DatabaseURL) throws -> VerifyReport {
        let first = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: t
            operations:
              - create_table:
                  table: t
                  columns:
                    - {name: id, type: integer, primary_key: true}
                    - {name: a, type: integer}
                    - {name: b, type: bigint, generated: {expression: a * 2, stored: true}}
                    - {name: s, type: string(20), collation: {postgresql: C, mysql: utf8mb4_bin, sqlite: NOCASE}}
            """, file: "0001.yaml")
        let second = try SpecLoader.load(text: """
            mgen: 1
            id: "0002"
            name: change
            operations:
            \(up)
            down:
              - sql: {up: "\(down)", down: "SELECT 1"}
            """, file: "0002.yaml")
        return try verify(VerifyMigration.render(MigrationChain.build([first, second]), dialect: dialect), at: server)
    }

    /// A down that sets the collation back to the default instead of the old one fails.
    @Test(arguments: [Dialect.postgresql, .mysql, .sqlite]) func snapshotsSeeCollations(_ dialect: Dialect) throws {
        guard let server = try Self.server(dialect) else { return }
        let up = "  - alter_column: {table: t, column: s, collation: {postgresql: POSIX, mysql: utf8mb4_unicode_ci, sqlite: RTRIM}}"
        let down = switch dialect {
        case .postgresql: "ALTER TABLE t ALTER COLUMN s TYPE varchar(20)"
        case .mysql: "ALTER TABLE t MODIFY s varchar(20) NULL"
        case .sqlite: "ALTER TABLE t RENAME COLUMN s TO s_old; ALTER TABLE t ADD COLUMN s VARCHAR(20); ALTER TABLE t DROP COLUMN s_old"
        }
        let report = try Self.verifyDown(up, down: down, dialect: dialect, at: server)
        #expect(!report.ok, "a down that forgets the collation must fail verify on \(dialect)")
        #expect(report.failure?.lines.contains { $0.contains("collation") } == true, "\(report.failure?.lines ?? [])")
        // The derived down restores it: verify passes.
        let derived = try VerifyMigration.render(GeneratedChain.load(folder: ChainFixtures.folder.appendingPathComponent("generated-collations").path, dialect: dialect).chain, dialect: dialect)
        #expect(try verify(derived, at: server).ok)
    }

    /// A down that adds a dropped generated column back as a plain one fails.
    @Test(arguments: [Dialect.postgresql, .mysql, .sqlite]) func snapshotsSeeGeneratedColumns(_ dialect: Dialect) throws {
        guard let server = try Self.server(dialect) else { return }
        let report = try Self.verifyDown("  - drop_column: {table: t, column: b}", down: "ALTER TABLE t ADD COLUMN b bigint", dialect: dialect, at: server)
        #expect(!report.ok, "a down that re-adds a plain column must fail verify on \(dialect)")
        #expect(report.failure?.lines.contains { $0.contains("GENERATED ALWAYS AS") } == true, "\(report.failure?.lines ?? [])")
    }
}
