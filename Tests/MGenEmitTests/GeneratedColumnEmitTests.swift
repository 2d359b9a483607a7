import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// spec 1.1: generated columns and collations — the native forms where a framework has one (the
/// fixtures generated-collations-* run these files through the real frameworks).
@Suite struct GeneratedColumnEmitTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/chains/generated-collations").path

    func files(_ target: String, _ dialect: Dialect, options: [String: String] = [:]) throws -> String {
        let folder = try temporaryFolder("generated-emit-\(target)-\(dialect)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let chain = try MigrationChain.build(SpecLoader.load(paths: [Self.fixture]))
        let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: dialect, output: folder, targetOptions: options))
        return plan.entries.flatMap(\.files).map(\.contents).joined(separator: "\n")
    }

    @Test func alembicComputedAndCollation() throws {
        let pg = try files("alembic", .postgresql)
        #expect(pg.contains("sa.Column('total', sa.Numeric(precision=12, scale=2), sa.Computed('price * qty', persisted=True), nullable=True)"), "\(pg)")
        #expect(pg.contains("sa.String(length=40, collation='C')") && pg.contains("sa.Text(collation='C')"))
        let my = try files("alembic", .mysql)
        #expect(my.contains("sa.Computed('upper(`code`)', persisted=False)"))
        // A collation change is mgen's SQL.
        #expect(my.contains("MODIFY COLUMN `code` varchar(40) COLLATE utf8mb4_general_ci NOT NULL"))
    }

    @Test func djangoDbCollationAndRunSQLForGenerated() throws {
        let pg = try files("django", .postgresql, options: ["app": "blog"])
        #expect(pg.contains("db_collation='C'"))
        #expect(pg.contains("GENERATED ALWAYS AS (price * qty) STORED") && pg.contains("state_operations"))
    }

    @Test func peeweeFieldConstraints() throws {
        let pg = try files("peewee", .postgresql)
        #expect(pg.contains("pw.SQL('GENERATED ALWAYS AS (price * qty) STORED')"), "\(pg)")
        #expect(pg.contains("pw.SQL('COLLATE \"C\"')"))
    }

    /// ActiveRecord's `collation:` where Rails writes the whole column (create_table, add_column,
    /// remove_column's down); the generated-collations-* fixtures run them through Rails.
    @Test func activeRecordCollationOption() throws {
        let folder = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/generated/generated-collations-postgresql").path
        let out = try temporaryFolder("generated-emit-ar-collation")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let chain = try MigrationChain.build(SpecLoader.load(paths: [folder]))
        for (dialect, name) in [(Dialect.postgresql, "\"C\""), (.mysql, "\"utf8mb4_bin\"")] {
            let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require("activerecord"), options: EmitOptions(dialect: dialect, output: out))
            let text = plan.entries.flatMap(\.files).map(\.contents).joined(separator: "\n")
            #expect(text.contains("t.string :name, limit: 40, null: false, collation: \(name)"), "\(dialect): \(text)")
            #expect(text.contains("remove_column :orders, :note, :text, collation: "), "\(dialect)")
            // A collation change, and any alter of a collated column, stays SQL (change_column restates only the type).
            #expect(!text.contains("change_column :orders, :code"), "\(dialect)")
        }
    }
}
