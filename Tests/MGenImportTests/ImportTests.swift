import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing


/// The schema after every migration, applying each migration's up statements as its runner sends
/// them; then, where downs are given, the schema after each down, last migration first.
private func snapshots(_ ups: [(statements: [String], transactional: Bool)], downs: [[String]?] = [],
                       on url: DatabaseURL) throws -> (ups: [SchemaSnapshot], downs: [SchemaSnapshot]) {
    try withScratchDatabase(url) { db, _ in
        var out: [SchemaSnapshot] = []
        for up in ups {
            try apply(up.statements, transactional: up.transactional, on: db)
            out.append(try introspect(db, exclude: frameworkBookkeepingTables))
        }
        var back: [SchemaSnapshot] = []
        for (down, up) in zip(downs, ups).reversed() {
            guard let down else { break }
            try apply(down, transactional: up.transactional, on: db)
            back.append(try introspect(db, exclude: frameworkBookkeepingTables))
        }
        return (out, back)
    }
}

/// Differential proof of an import: the original files, and the specs emitted to a target, give
/// the same schema after every migration on a real database.
/// The import's report, and how many schema comparisons (after each up and each down, every target) were equal.
private struct FixtureProof { var report: ImportReport; var equal = 0, total = 0 }

private func proveFixture(_ name: String, format: String, dialect: Dialect, targets: [String], url: DatabaseURL) throws -> FixtureProof {
    let folder = packageRoot.appendingPathComponent("Tests/MGenImportTests/Fixtures/\(name)").path
    let source = try ImporterRegistry.require(format).read(folder, dialect: dialect)
    #expect(!source.migrations.isEmpty)
    let sourceRun = try snapshots(source.migrations.map { ($0.up.map(\.text), $0.transactional) },
                                  downs: source.migrations.map { $0.down?.map(\.text) }, on: url)
    let original = sourceRun.ups
    let result = try ImportEngine.importFolder(folder, format: format, dialect: format == "prisma" ? nil : dialect)
    let chain = try MigrationChain.build(result.migrations)
    var proof = FixtureProof(report: result.report)
    for target in targets {
        let emitter = try EmitterRegistry.require(target)
        let out = try temporaryFolder("import-\(name)-\(target)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: dialect, output: out)), force: false)
        let disk = try emitter.scan(out)
        #expect(disk.count == source.migrations.count)
        let emitted = try snapshots(disk.map { ($0.up, $0.upTransactional) }, downs: disk.map(\.down), on: url)
        for (i, (a, b)) in zip(original, emitted.ups).enumerated() {
            let changes = SnapshotDiff(a, b).render()
            proof.total += 1
            if changes.isEmpty { proof.equal += 1 }
            #expect(changes.isEmpty, "\(name) → \(target), after migration \(source.migrations[i].version):\n\(changes.joined(separator: "\n"))")
        }
        // Each emitted down leads back to the schema before its migration (the original's).
        for (k, after) in emitted.downs.enumerated() {
            let index = original.count - 2 - k
            // Where the original has its own down, the emitted down does what it does (PostgreSQL
            // cannot drop an enum value: a down may leave `ADD VALUE`'s value, and so must ours).
            let expected = k < sourceRun.downs.count ? sourceRun.downs[k] : index >= 0 ? original[index] : SchemaSnapshot(dialect: dialect, tables: [])
            let changes = SnapshotDiff(expected, after).render()
            proof.total += 1
            if changes.isEmpty { proof.equal += 1 }
            #expect(changes.isEmpty, "\(name) → \(target), down of migration \(source.migrations[index + 1].version):\n\(changes.joined(separator: "\n"))")
        }
    }
    return proof
}

@Suite(.serialized) struct ImportFixtureTests {
    @Test(.enabled(if: serverEnabled("MGEN_TEST_PG_URL")))
    func gooseOnPostgreSQL() throws {
        let report = try proveFixture("goose-postgresql", format: "goose", dialect: .postgresql, targets: ["goose", "prisma"],
                                      url: server("MGEN_TEST_PG_URL")).report
        print(report.text)
        #expect(report.structuredStatements >= 12, "the fixture's plain DDL becomes operations")
        // The serial table, jsonb_path_ops index and SET stay raw, with reasons; the trigger
        // function and its trigger are create_function / create_trigger (spec 1.1).
        let reasons = report.migrations.flatMap(\.raw).map(\.reason)
        #expect(!reasons.contains { $0.hasPrefix("CREATE FUNCTION") })
        #expect(report.migrations[2].operations.contains("create_function") && report.migrations[2].operations.contains("create_trigger"))
        #expect(reasons.contains { $0.contains("serial") })
        #expect(report.migrations[1].dropped.count == 2, "BEGIN and COMMIT are the runner's transaction")
    }

    @Test(.enabled(if: serverEnabled("MGEN_TEST_PG_URL")))
    func prismaOnPostgreSQL() throws {
        let report = try proveFixture("prisma-postgresql", format: "prisma", dialect: .postgresql, targets: ["goose", "sql"],
                                      url: server("MGEN_TEST_PG_URL")).report
        print(report.text)
        #expect(report.dialect == "postgresql", "the dialect comes from migration_lock.toml")
        // CREATE TYPE "Role" AS ENUM and its column are create_enum_type / {enum_type: Role} (spec 1.1): 4 → 5.
        #expect(report.structuredStatements >= 12)
        // Prisma's enum swap (seven statements) is the enum-type operations it performs: 5 → 12.
        #expect(report.migrations.last?.operations == ["add_enum_value", "add_enum_value", "drop_enum_value"], "\(report.text)")
        #expect(report.migrations.last?.raw.contains { $0.reason.hasPrefix("Prisma's enum swap") } == false)
    }

    @Test(.enabled(if: serverEnabled("MGEN_TEST_MYSQL_URL")))
    func golangMigrateOnMariaDB() throws {
        let report = try proveFixture("golang-migrate-mysql", format: "golang-migrate", dialect: .mysql, targets: ["sql", "goose"],
                                      url: server("MGEN_TEST_MYSQL_URL")).report
        print(report.text)
        #expect(report.structuredStatements >= 5)
    }

    @Test func dbmateOnSQLite() throws {
        let report = try proveFixture("dbmate-sqlite", format: "dbmate", dialect: .sqlite, targets: ["golang-migrate", "sql"],
                                      url: DatabaseURL("sqlite::memory:")).report
        print(report.text)
        #expect(report.structuredStatements >= 5)
    }

    @Test(.enabled(if: serverEnabled("MGEN_TEST_MYSQL_URL")))
    func flywayOnMariaDB() throws {
        let report = try proveFixture("flyway-mysql", format: "flyway", dialect: .mysql, targets: ["sql", "prisma"],
                                      url: server("MGEN_TEST_MYSQL_URL")).report
        print(report.text)
        #expect(report.structuredStatements >= 2)
    }
}

/// One realistic history per format and dialect (issue 12), each proven like the five above: the
/// original applied and snapshotted after every migration; the import emitted to the folder's own
/// format (`sql` for Flyway and dbmate, which mgen does not write) and to another one, applied,
/// the same snapshots; every emitted down applied last first gives back the schema before it.
struct ImportFixture: Sendable, CustomStringConvertible {
    var folder: String, format: String, dialect: Dialect, targets: [String]
    /// Statements that became operations, as measured (a floor: fewer is a regression). Zero where
    /// the history's first table is one the spec cannot say exactly (an unnamed SQLite check, a
    /// MySQL charset or unsigned column), so every later statement on it, and on tables referring
    /// to it, stays raw too.
    var structured: Int
    var description: String { folder }
}

let importFixtures: [ImportFixture] = [
    .init(folder: "goose-postgresql", format: "goose", dialect: .postgresql, targets: ["goose", "prisma"], structured: 16),
    .init(folder: "goose-mysql", format: "goose", dialect: .mysql, targets: ["goose", "golang-migrate"], structured: 19),
    .init(folder: "goose-sqlite", format: "goose", dialect: .sqlite, targets: ["goose", "sql"], structured: 0),
    .init(folder: "golang-migrate-postgresql", format: "golang-migrate", dialect: .postgresql, targets: ["golang-migrate", "goose"], structured: 25),
    .init(folder: "golang-migrate-mysql", format: "golang-migrate", dialect: .mysql, targets: ["sql", "goose"], structured: 15),
    .init(folder: "golang-migrate-sqlite", format: "golang-migrate", dialect: .sqlite, targets: ["golang-migrate", "prisma"], structured: 10),
    .init(folder: "sql-postgresql", format: "sql", dialect: .postgresql, targets: ["sql", "golang-migrate"], structured: 3),
    .init(folder: "sql-mysql", format: "sql", dialect: .mysql, targets: ["sql", "prisma"], structured: 2),
    .init(folder: "sql-sqlite", format: "sql", dialect: .sqlite, targets: ["sql", "goose"], structured: 0),
    .init(folder: "prisma-postgresql", format: "prisma", dialect: .postgresql, targets: ["goose", "sql"], structured: 12),
    .init(folder: "prisma-mysql", format: "prisma", dialect: .mysql, targets: ["prisma", "goose"], structured: 0),
    .init(folder: "prisma-sqlite", format: "prisma", dialect: .sqlite, targets: ["prisma", "golang-migrate"], structured: 7),
    .init(folder: "flyway-postgresql", format: "flyway", dialect: .postgresql, targets: ["sql", "goose"], structured: 8),
    .init(folder: "flyway-mysql", format: "flyway", dialect: .mysql, targets: ["sql", "prisma"], structured: 3),
    .init(folder: "flyway-sqlite", format: "flyway", dialect: .sqlite, targets: ["sql", "golang-migrate"], structured: 0),
    .init(folder: "dbmate-postgresql", format: "dbmate", dialect: .postgresql, targets: ["sql", "goose"], structured: 19),
    .init(folder: "dbmate-mysql", format: "dbmate", dialect: .mysql, targets: ["sql", "golang-migrate"], structured: 1),
    .init(folder: "dbmate-sqlite", format: "dbmate", dialect: .sqlite, targets: ["golang-migrate", "sql"], structured: 10),
    // spec 1.1: schemas. Views, a materialized view, sequences and an enum type in two schemas,
    // their replace/refresh/alter/drop, an index of another schema renamed (the import failed on
    // it before: 0); functions and triggers of other schemas, a trigger executing another schema's
    // function, a replaced function, UPDATE … FROM a table of another schema, ALTER SCHEMA … RENAME
    // (the function and trigger of another schema stayed raw before: 20 of 22).
    .init(folder: "golang-migrate-schemas-postgresql", format: "golang-migrate", dialect: .postgresql, targets: ["golang-migrate", "prisma"],
          structured: 31),
]

@Suite(.serialized) struct ImportFixtureTableTests {
    @Test(arguments: importFixtures)
    func fixture(_ f: ImportFixture) throws {
        guard let url = try databaseFor(f.dialect) else { return }
        let proof = try proveFixture(f.folder, format: f.format, dialect: f.dialect, targets: f.targets, url: url)
        let report = proof.report
        print(report.text)
        #expect(report.dialect == f.dialect.rawValue)
        #expect(report.structuredStatements >= f.structured, "\(f.folder): the plain DDL becomes operations")
        // Every statement is accounted for: an operation, raw with a reason, or dropped with one.
        #expect(report.migrations.flatMap(\.raw).allSatisfy { !$0.reason.isEmpty })
        let statements = report.structuredStatements + report.rawStatements
        print("fixture \(f.folder): \(report.migrations.count) migrations, \(statements) statements, \(report.structuredStatements) structured, \(report.rawStatements) raw; → \(f.targets.joined(separator: ", ")): \(proof.equal)/\(proof.total) schemas equal (after each up and each down)")
    }
}

/// Round trip: the example chain emitted to each SQL-file target and imported back gives specs
/// whose replayed state equals the original's after every migration.
@Suite struct ImportRoundTripTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"], Dialect.allCases)
    func exampleChain(target: String, dialect: Dialect) throws {
        let original = try MGenTestSupport.exampleChain()
        let emitter = try EmitterRegistry.require(target)
        let out = try temporaryFolder("import-roundtrip-\(target)-\(dialect)")
        defer { try? FileManager.default.removeItem(atPath: out) }
        try EmitEngine.write(EmitEngine.plan(original, emitter: emitter, options: EmitOptions(dialect: dialect, output: out)), force: false)
        let result = try ImportEngine.importFolder(out, format: target, dialect: dialect)
        let imported = try MigrationChain.build(result.migrations)
        #expect(imported.migrations.count == original.migrations.count)
        var equal = 0
        for (a, b) in zip(original.migrations, imported.migrations) {
            if same(a.after, b.after, dialect: dialect) { equal += 1 } else if environment["MGEN_DEBUG_IMPORT"] != nil {
                for name in a.after.tableNames where a.after.table(name) != b.after.table(name) {
                    print("\(a.id): \(String(describing: a.after.table(name)))\n   vs \(String(describing: b.after.table(name)))")
                }
            }
        }
        print("round trip \(target) \(dialect): \(equal)/\(original.migrations.count) states equal; \(result.report.structuredStatements) operations, \(result.report.rawStatements) raw")
        #expect(equal == original.migrations.count, "every replayed state equals the original's")
        // mgen's own output reads back as operations: its session timeouts and batched backfills
        // (a DO block, a temporary MySQL procedure) too — no raw step (was 18 on PostgreSQL, 8 on MySQL).
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        // (SQLite's backfill is one UPDATE, read back as `update`.)
        #expect(result.report.migrations.filter { $0.operations.contains(dialect == .sqlite ? "update" : "backfill") }.count == 2)
    }
}

/// mgen's safe PostgreSQL output (issue 13) read back exactly: a migration split around its
/// VALIDATE (explicit `BEGIN; SET LOCAL …; COMMIT` parts in a non-transactional file), NOT NULL
/// through a CHECK, a concurrent build after its INVALID-index cleanup. The imported specs, emitted
/// again, give the same statements with the same transactions as the original files (before: the
/// wrappers, timeouts, CHECK sequence and DO block stayed raw, 10–11 steps).
@Suite struct SafeOutputImportTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"])
    func reEmitsTheSameFiles(target: String) throws {
        let result = try Self.roundTrip(MGenTestSupport.exampleChain(), target: target)
        #expect(result.report.migrations.flatMap(\.operations).contains("alter_column"))
    }

    /// add_unique on an existing table (CREATE UNIQUE INDEX CONCURRENTLY between the split's
    /// transactions, then ADD CONSTRAINT … UNIQUE USING INDEX alone) reads back as one plain
    /// add_unique; an explicit using_index reads back as using_index. Re-emitted: the same files.
    @Test(arguments: ["goose", "sql"])
    func uniqueThroughAConcurrentBuild(target: String) throws {
        let specs = [
            "mgen: 1\nid: \"0001\"\nname: a\noperations:\n  - create_table:\n      table: t\n      columns:\n"
                + "        - {name: id, type: bigint, primary_key: true}\n        - {name: a, type: integer}\n        - {name: b, type: integer}\n"
                + "  - create_index: {name: t_b_idx, table: t, columns: [b], unique: true}\n",
            "mgen: 1\nid: \"0002\"\nname: b\noperations:\n  - add_unique: {table: t, columns: [a, b]}\n"
                + "  - add_unique: {table: t, using_index: t_b_idx, name: t_b_key}\n  - alter_column: {table: t, column: a, nullable: false}\n",
        ]
        let chain = try MigrationChain.build(specs.enumerated().map { try SpecLoader.load(text: $1, file: "Specs/000\($0 + 1).yaml") })
        let result = try Self.roundTrip(chain, target: target)
        let ops = result.migrations[1].operations.map(\.value)
        #expect(ops.map(\.kind) == ["add_unique", "add_unique", "alter_column"], "\(result.report.text)")
        #expect(ops.first == .addUnique(UniqueConstraint(name: "t_a_b_key", table: "t", columns: ["a", "b"])))
        #expect(ops.dropFirst().first == .addUniqueUsingIndex(UniqueConstraint(name: "t_b_key", table: "t", columns: ["b"]), index: "t_b_idx"))
    }

    /// An enum change (the CHECK added NOT VALID, then validated) and a NOT NULL in one split
    /// migration: two alter_columns, and the down file is the derived down mgen renders.
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"])
    func enumChangeAndNotNull(target: String) throws {
        let specs = [
            "mgen: 1\nid: \"0001\"\nname: a\noperations:\n  - create_table:\n      table: t\n      columns:\n"
                + "        - {name: id, type: bigint, identity: true}\n        - {name: s, type: text}\n      primary_key: [id]\n",
            "mgen: 1\nid: \"0002\"\nname: b\noperations:\n  - alter_column: {table: t, column: s, type: \"enum(a, 'b c')\"}\n"
                + "  - alter_column: {table: t, column: s, nullable: false}\n",
        ]
        let chain = try MigrationChain.build(specs.enumerated().map { try SpecLoader.load(text: $1, file: "Specs/000\($0 + 1).yaml") })
        let result = try Self.roundTrip(chain, target: target)
        #expect(result.report.migrations[1].operations == ["alter_column", "alter_column"], "\(result.report.text)")
        #expect(result.report.migrations[1].down == "derived", "\(result.report.text)")
        #expect(result.migrations[1].down == nil)
    }

    /// Emits the chain to PostgreSQL, imports it (no raw step), emits the import again: the same
    /// statements, with the same transactions, as the original files.
    static func roundTrip(_ original: MigrationChain, target: String) throws -> ImportResult {
        let emitter = try EmitterRegistry.require(target)
        let out = try temporaryFolder("import-safe-\(target)")
        let again = try temporaryFolder("import-safe-again-\(target)")
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: again) }
        try EmitEngine.write(EmitEngine.plan(original, emitter: emitter, options: EmitOptions(dialect: .postgresql, output: out)), force: false)
        let result = try ImportEngine.importFolder(out, format: target, dialect: .postgresql)
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        // A split migration stays one transaction in the spec.
        let split = result.report.migrations.filter { $0.dropped.contains { $0.contains("split around a VALIDATE") } }
        #expect(!split.isEmpty, "\(result.report.text)")
        for m in split { #expect(result.migrations.first { $0.id == m.id }?.transaction != false) }
        let imported = try MigrationChain.build(result.migrations)
        try EmitEngine.write(EmitEngine.plan(imported, emitter: emitter, options: EmitOptions(dialect: .postgresql, output: again)), force: false)
        let before = try emitter.scan(out), after = try emitter.scan(again)
        #expect(before.count == after.count)
        // The statements without their comment lines (the header names the spec file, its hash and description).
        let sql = { (statements: [String]?) in statements?.map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") } }
        for (a, b) in zip(before, after) {
            #expect(sql(a.up) == sql(b.up), "\(a.version) up")
            // (Prisma: a create_table read with its foreign key apart gets a drop_constraint in the
            // down emit derives again, before its DROP TABLE — not a safe-output matter, left here.)
            if target != "prisma" { #expect(sql(a.down) == sql(b.down), "\(a.version) down") }
            #expect(a.upTransactional == b.upTransactional && a.downTransactional == b.downTransactional, "\(a.version) transactions")
        }
        return result
    }
}

extension SafeOutputImportTests {
    /// Only mgen's own shapes: explicit transactions of another shape keep `transaction: false`, and
    /// a NOT NULL sequence or an index cleanup that differs from what mgen renders is read statement
    /// by statement (its CHECK stays a CHECK; the DO block is not part of the create_index).
    @Test func otherShapesStayAsTheyAre() throws {
        let dir = try temporaryFolder("import-safe-other")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = "-- Runs outside a transaction\n"
        try "CREATE TABLE t (c integer);\n".write(toFile: dir + "/0001_a.up.sql", atomically: true, encoding: .utf8)
        // Two runs side by side (mgen makes one transaction of them), and another timeout.
        try (header + "BEGIN;\nSET LOCAL lock_timeout = '5s';\nSET LOCAL statement_timeout = '10min';\nALTER TABLE t ADD COLUMN d integer;\nCOMMIT;\n"
             + "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN e integer;\nCOMMIT;\n")
            .write(toFile: dir + "/0002_b.up.sql", atomically: true, encoding: .utf8)
        // The CHECK kept at the end (no DROP CONSTRAINT): not mgen's NOT NULL.
        try ("ALTER TABLE t ADD CONSTRAINT \"mgen_nn_t_c\" CHECK (\"c\" IS NOT NULL) NOT VALID;\n"
             + "ALTER TABLE t VALIDATE CONSTRAINT \"mgen_nn_t_c\";\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n")
            .write(toFile: dir + "/0003_c.up.sql", atomically: true, encoding: .utf8)
        // A cleanup of another index than the one built.
        try (header + "DO $mgen$\nBEGIN\n    PERFORM FROM pg_index WHERE indexrelid = to_regclass('\"other\"') AND NOT indisvalid;\n"
             + "    IF FOUND THEN\n        DROP INDEX \"other\";\n    END IF;\nEND\n$mgen$;\nCREATE INDEX CONCURRENTLY \"i\" ON \"t\" (\"d\");\n")
            .write(toFile: dir + "/0004_d.up.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "sql", dialect: .postgresql)
        #expect(result.migrations[1].transaction == false)
        #expect(result.report.migrations[2].operations == ["add_check", "validate_constraint", "alter_column"], "\(result.report.text)")
        #expect(result.report.migrations[3].raw.count == 1 && result.report.migrations[3].raw[0].statement.hasPrefix("DO $mgen$"), "\(result.report.text)")
    }
}

/// Round trip of generated chains (the generative test's): emitted to each SQL-file target and
/// imported back. The replayed states are equal after every migration, except on the tables raw
/// SQL has touched (the import keeps such statements raw, and a state cannot follow raw SQL):
/// those are compared on SQLite by `ImportCheck`, the original files against the re-emitted ones.
@Suite struct GeneratedImportRoundTripTests {
    @Test(arguments: ["goose", "golang-migrate", "sql", "prisma"], Dialect.allCases)
    func generatedChains(target: String, dialect: Dialect) throws {
        let emitter = try EmitterRegistry.require(target)
        var equal = 0, total = 0, structured = 0, raw = 0, opaque = 0, skipped = 0, schemas = 0
        for seed in UInt64(1)...4 {
            let generated = try ChainGenerator(seed: seed, dialect: dialect, specCount: 10).generate()
            let original = generated.chain
            let out = try temporaryFolder("import-gen-\(target)-\(dialect)-\(seed)")
            defer { try? FileManager.default.removeItem(atPath: out) }
            do {
                try EmitEngine.write(EmitEngine.plan(original, emitter: emitter, options: EmitOptions(dialect: dialect, output: out)), force: false)
            } catch {
                // The target refuses the chain (golang-migrate: CONCURRENTLY beside other steps): nothing to read back.
                skipped += 1
                continue
            }
            let result = try ImportEngine.importFolder(out, format: target, dialect: dialect)
            let imported = try MigrationChain.build(result.migrations)
            #expect(imported.migrations.count == original.migrations.count)
            structured += result.report.structuredStatements
            raw += result.report.rawStatements
            if environment["MGEN_DEBUG_IMPORT"] != nil { for r in result.report.migrations.flatMap(\.raw) { print("raw \(target) \(dialect): \(r.reason) @@ \(r.location) \(r.statement)") } }
            var touched: Set<String> = []
            var before = SchemaState()
            for (k, (a, b)) in zip(original.migrations, imported.migrations).enumerated() {
                defer { before = a.after }
                total += 1
                // Tables raw SQL has named so far (and those a raw table's keys lead to) are left to the database check.
                let rawText = result.report.migrations[k].raw.map(\.statement).joined(separator: "\n")
                // spec 1.1: schemas. A table of another schema is `"billing"."invoices"` in SQL: its bare name.
                for name in before.tableNames + a.after.tableNames {
                    let bare = QualifiedName.unqualified(name)
                    guard rawText.contains("\"\(bare)\"") || rawText.contains("`\(bare)`")
                        || rawText.range(of: "\\b\(NSRegularExpression.escapedPattern(for: bare))\\b", options: .regularExpression) != nil else { continue }
                    touched.insert(name)
                }
                touched.formUnion(Set(a.after.tableNames).symmetricDifference(b.after.tableNames))
                let changes = differences(a.after, b.after, dialect: dialect, ignoring: touched)
                if changes.isEmpty { equal += 1 } else {
                    Issue.record("seed \(seed) \(target) \(dialect), after \(a.id):\n\(changes.joined(separator: "\n"))")
                    break
                }
            }
            opaque += touched.count
            if dialect == .sqlite {
                let disk = try emitter.scan(out)
                let again = try temporaryFolder("import-gen-again-\(target)-\(seed)")
                defer { try? FileManager.default.removeItem(atPath: again) }
                try EmitEngine.write(EmitEngine.plan(imported, emitter: emitter, options: EmitOptions(dialect: dialect, output: again)), force: false)
                let steps = { (d: [DiskMigration]) in d.map { ImportCheck.Step(id: $0.version, statements: $0.up, transactional: $0.upTransactional) } }
                let proof = try ImportCheck.compare(steps(disk), steps(try emitter.scan(again)), on: DatabaseURL("sqlite::memory:"))
                #expect(proof.ok, "seed \(seed) \(target): \(proof.failure?.description ?? "")")
                schemas += proof.equal
            }
        }
        print("generated round trip \(target) \(dialect): \(equal)/\(total) states equal (\(opaque) tables touched by raw SQL left to the database)\(dialect == .sqlite ? ", \(schemas) schemas equal" : ""); \(structured) operations, \(raw) raw; \(skipped) chains the target refuses")
    }
}

@Suite struct SpecWriterTests {
    /// Text that YAML would otherwise read as something else survives the writer and the loader.
    @Test func hostileTextRoundTrips() throws {
        let texts = ["yes", "no: 1", "- x", "# y", "it's \"quoted\"", "line\nbreak", "tab\there", "\u{2028}sep", "null", "~", "@x", "0x10"]
        for text in texts {
            let migration = Migration(id: "1", name: "x", operations: [Located(.sql(up: DialectSQL(text), down: DialectSQL(text)),
                                                                               at: SourceLocation(file: "x", line: 1, column: 1))], file: "x")
            let loaded = try SpecLoader.load(text: SpecWriter.yaml(migration), file: "x.yaml")
            #expect(loaded.operations.first?.value == .sql(up: DialectSQL(text), down: DialectSQL(text)), "\(text.debugDescription)")
        }
    }
}
