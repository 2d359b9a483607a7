import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// Chains to build databases from: the example chain and generated ones (raw SQL left out: a
/// state cannot know what raw SQL made, so it could not be compared).
func provingChains(_ dialect: Dialect, seeds: ClosedRange<UInt64>) throws -> [(label: String, chain: MigrationChain)] {
    var features = Set(ChainFeature.allCases)
    features.remove(.rawSQL)
    // spec 1.1: not read back yet: a live unique declared DEFERRABLE INITIALLY IMMEDIATE goes missing
    // from the baseline's build, open (k14)
    features.subtract([.renameConstraints, .deferrable])
    // spec 1.1: schemas are read back (SchemaReadingTests.baselineReadsOtherSchemas; with them these
    // chains passed but for two findings of the other steps they shift, open (n14): a CHECK on a
    // char(n) column read back as `part::text <> …`, and new --from-db adding an enum value and
    // using it in one migration). Left out so the seeds stay main's chains.
    features.remove(.schemas)
    var out = [("example chain", try exampleChain())]
    for seed in seeds {
        out.append(("seed \(seed)", try ChainGenerator(seed: seed, dialect: dialect, features: features, specCount: 10).generate().chain))
    }
    return out
}

/// Applies a chain's ups, as mgen renders them for the dialect.
func build(_ chain: MigrationChain, upTo count: Int? = nil, on db: Database) throws {
    for m in try VerifyMigration.render(chain, dialect: db.dialect).prefix(count ?? chain.migrations.count) {
        try apply(m.up, transactional: m.upTransactional, on: db)
    }
}

/// `mgen baseline --db`: a database built by a chain, read back as a baseline spec, declares the
/// chain's final state; `emit` writes nothing for it unless asked, and then a migration that
/// builds the same schema.
@Suite(.serialized) struct LiveBaselineTests {
    @Test(arguments: Dialect.allCases)
    func baselineOfABuiltDatabase(dialect: Dialect) throws {
        guard let url = try databaseFor(dialect) else { return }
        let emitter = try EmitterRegistry.require("sql")
        var equalStates = 0, equalSchemas = 0, tables = 0, rawTables = 0, skipped = 0
        let chains = try provingChains(dialect, seeds: 1...6)
        for (label, chain) in chains {
            let built = try withScratchDatabase(url) { db, _ -> (SchemaSnapshot, ImportResult)? in
                // A chain the database refuses is the generative test's finding (KnownIssues), not this one's.
                do { try build(chain, on: db) } catch {
                    print("\(label) \(dialect): skipped, the chain does not apply: \(error)")
                    return nil
                }
                return (try introspect(db, exclude: frameworkBookkeepingTables), try ImportEngine.baseline(db: db, source: label))
            }
            guard let (original, result) = built else { skipped += 1; continue }
            tables += original.tables.count
            #expect(result.migrations.count == 1 && result.migrations[0].baseline && result.migrations[0].irreversible != nil)
            let baseline = try MigrationChain.build(result.migrations)
            for raw in result.report.migrations.flatMap(\.raw) { print("\(label) \(dialect) raw: \(raw.reason): \(raw.statement.prefix(150))") }
            // A table the spec cannot say exactly (a primary key not named `<table>_pkey`, spec
            // 1.1) stays raw SQL, with what depends on it: it must be in the report, and the
            // rest of the state must be the chain's.
            let raw = result.report.migrations.flatMap(\.raw)
            let unsaid = Set(chain.final.tableNames).subtracting(baseline.final.tableNames)
            for table in unsaid {
                // spec 1.1: schemas. A table of another schema is `"billing"."invoices"` in SQL.
                let bare = QualifiedName.unqualified(table)
                #expect(raw.contains { $0.statement.contains("\"\(bare)\"") || $0.statement.contains("`\(bare)`") },
                        "\(label) on \(dialect): table \(table) is neither in the baseline nor reported raw")
            }
            rawTables += unsaid.count
            let changes = differences(chain.final, baseline.final, dialect: dialect, ignoring: unsaid)
            if changes.isEmpty { equalStates += 1 }
            #expect(changes.isEmpty, "\(label) on \(dialect): the baseline's state is not the chain's:\n\(changes.joined(separator: "\n"))")

            let folder = try temporaryFolder("live-baseline-\(dialect)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            // Not written by default: the database it declares already has it.
            let plain = try EmitEngine.plan(baseline, emitter: emitter, options: EmitOptions(dialect: dialect, output: folder))
            #expect(plain.entries.isEmpty)
            // With --include-baseline: the initial migration, building the same schema.
            let again = try schemaBuilt(by: baseline, emitter: emitter, folder: folder, at: url)
            let schemaChanges = SnapshotDiff(original, again).render()
            if schemaChanges.isEmpty { equalSchemas += 1 }
            #expect(schemaChanges.isEmpty, "\(label) on \(dialect): the baseline builds another schema:\n\(schemaChanges.joined(separator: "\n"))")
        }
        #expect(chains.count - skipped >= 5, "most chains apply")
        print("baseline --db \(dialect): \(chains.count) chains (\(skipped) skipped), \(tables) tables (\(rawTables) kept raw); \(equalStates) states equal, \(equalSchemas) schemas equal")
    }

    /// Views are read as `create_view` (spec 1.1); what `--db` cannot say exactly (a procedure)
    /// is named in the report.
    @Test(arguments: [Dialect.postgresql, .mysql])
    func unreadObjectsAreNamed(dialect: Dialect) throws {
        guard let url = try databaseFor(dialect) else { return }
        let procedure = dialect == .postgresql ? "CREATE PROCEDURE p_noop() LANGUAGE sql AS $$ SELECT 1 $$" : "CREATE PROCEDURE p_noop() SELECT 1"
        let result = try withScratchDatabase(url) { db, _ in
            try db.executeScript(["CREATE TABLE t (id INTEGER PRIMARY KEY)", "CREATE VIEW t_ids AS SELECT id FROM t", procedure])
            return try ImportEngine.baseline(db: db, source: "test")
        }
        #expect(result.report.migrations[0].dropped.contains { $0.hasPrefix("procedure p_noop: not read from the database") }, "\(result.report.text)")
        #expect(result.migrations[0].operations.map(\.value.kind) == ["create_table", "create_view"])
        #expect(try MigrationChain.build(result.migrations).final.object(.view, "t_ids") != nil)
    }

    /// The baseline seeds the replayed state: a spec after it may change its tables, and emit
    /// writes only that spec; a baseline after another spec is refused.
    @Test func baselineSeedsTheState() throws {
        let result = try withScratchDatabase(DatabaseURL("sqlite::memory:")) { db, _ in
            try build(exampleChain(), on: db)
            return try ImportEngine.baseline(db: db, source: "sqlite::memory:")
        }
        let next = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: add_nickname
            operations:
              - add_column: {table: users, column: {name: nickname, type: string(50)}}
            """, file: "Specs/0001_add_nickname.yaml")
        let chain = try MigrationChain.build(result.migrations + [next])
        #expect(chain.final.table("users")?.column("nickname") != nil)
        let folder = try temporaryFolder("baseline-seed")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for target in ["goose", "alembic", "prisma"] {
            let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target), options: EmitOptions(dialect: .sqlite, output: "\(folder)/\(target)"))
            #expect(plan.entries.map(\.specID) == ["0001"], "\(target)")
        }
        var late = result.migrations[0]
        late.id = "0002"
        #expect(throws: DiagnosticError.self) { try MigrationChain.build([next, late]) }
        // The marking survives the writer and the loader.
        #expect(result.specs[0].1.contains("\nbaseline: true\n"))
    }
}
