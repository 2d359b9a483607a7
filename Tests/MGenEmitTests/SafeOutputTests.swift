import Foundation
import MGenEmit
import MGenSQL
import MGenSpec
import MGenTestSupport
import Testing

/// Safe output (issue 13): every target opens a transactional PostgreSQL migration with its
/// `SET LOCAL` timeouts, in both directions; none in a migration that runs outside a transaction
/// (where SET LOCAL would do nothing) and none on MySQL or SQLite; configurable and off by option.
@Suite struct SafeOutputTests {
    func files(_ target: String, _ dialect: Dialect, _ options: RenderOptions) throws -> [(spec: String, text: String)] {
        let folder = try temporaryFolder("safe-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = try EmitEngine.plan(try exampleChain(), emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: dialect, output: folder, render: options,
                                                            targetOptions: target == "django" ? ["app": "blog"] : [:]))
        return plan.entries.flatMap { entry in entry.files.map { (entry.specID, $0.contents) } }
    }

    static let targets = ["alembic", "django", "activerecord", "peewee", "goose", "golang-migrate", "sql", "prisma", "knex", "typeorm", "sequelize"]

    @Test(arguments: targets)
    func timeoutsOpenEveryTransactionalPostgresMigration(target: String) throws {
        let chain = try exampleChain()
        let concurrent = Set(chain.migrations.filter { !$0.runsInTransaction }.map(\.id))
        #expect(!concurrent.isEmpty, "the example chain has a concurrent index")
        // Split around a VALIDATE: every target runs each part in a transaction of its own (the
        // SQL targets' BEGIN/COMMIT, Alembic's autocommit block, the frameworks' own transactions)
        // and opens it with its timeouts; the parts come from MGenSQL's typed statements.
        let rendered = try SQLRenderer(dialect: .postgresql).render(chain)
        let split = Set(rendered.filter(\.isSplit).map(\.planned.id))
        #expect(split.count == 2, "the example chain's NOT NULL and NOT VALID + VALIDATE specs")
        // One text per spec (the SQL targets write the up and the down in files of their own).
        let texts = Dictionary(try files(target, .postgresql, RenderOptions()).map { ($0.spec, $0.text) }, uniquingKeysWith: +)
        for (spec, text) in texts.sorted(by: { $0.key < $1.key }) {
            if concurrent.contains(spec) {
                #expect(!text.contains("SET LOCAL"), "\(target) \(spec): no SET LOCAL outside a transaction")
            } else if split.contains(spec), let migration = rendered.first(where: { $0.planned.id == spec }) {
                // Django adds a foreign key it owns valid (it cannot add one NOT VALID), and sends no VALIDATE.
                let sendsValidate = ["VALIDATE CONSTRAINT", "validate_", "ValidateConstraint"].contains { text.contains($0) }
                let counts = Self.partCounts(migration, sendsValidate: sendsValidate)
                #expect(Self.occurrences("SET LOCAL lock_timeout = '5s'", in: text) >= counts.transactions,
                        "\(target) \(spec): a lock_timeout in each of its \(counts.transactions) transactions:\n\(text)")
                #expect(Self.occurrences("SET LOCAL statement_timeout = '10min'", in: text) >= counts.shared,
                        "\(target) \(spec): a statement_timeout in each of its \(counts.shared) transactions that are not a VALIDATE")
            } else {
                #expect(text.contains("SET LOCAL lock_timeout = '5s'") && text.contains("SET LOCAL statement_timeout = '10min'"), "\(target) \(spec)")
            }
        }
        for dialect in [Dialect.mysql, .sqlite] {
            #expect(try files(target, dialect, RenderOptions()).allSatisfy { !$0.text.contains("lock_timeout") }, "\(target) \(dialect)")
        }
    }

    /// How many transactions a split migration's parts open, both directions: all of them, and
    /// those that are not a VALIDATE's own (which sets no statement_timeout).
    static func partCounts(_ migration: RenderedMigration, sendsValidate: Bool) -> (transactions: Int, shared: Int) {
        let parts = [migration.up, migration.down ?? []].flatMap { statements in
            migration.parts(statements.filter { sendsValidate || !$0.ownTransaction }, statements: { [$0] }, RenderOptions(), dialect: .postgresql)
                .filter(\.isTransaction)
        }
        return (parts.count, parts.filter { $0.placement == .shared }.count)
    }

    static func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test(arguments: targets)
    func timeoutsFollowTheOptions(target: String) throws {
        #expect(try files(target, .postgresql, RenderOptions(timeouts: .off)).allSatisfy { !$0.text.contains("SET LOCAL") }, "\(target): off")
        let custom = try files(target, .postgresql, RenderOptions(timeouts: SessionTimeouts(lock: "2s", statement: nil)))
        #expect(custom.contains { $0.text.contains("SET LOCAL lock_timeout = '2s'") }, "\(target)")
        #expect(custom.allSatisfy { !$0.text.contains("statement_timeout") && !$0.text.contains("'5s'") }, "\(target)")
    }

    /// PostgreSQL, spec `transaction: false`: NOT NULL through a validated CHECK in the targets that
    /// write MGenSQL's statements, and in Alembic inside an autocommit block (each commits alone).
    @Test(arguments: ["alembic", "goose", "golang-migrate", "sql", "prisma", "typeorm"])
    func notNullOutsideATransactionGoesThroughACheck(target: String) throws {
        let folder = try temporaryFolder("safe-nn-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixture = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/chains/not-null-outside-transaction").path
        let chain = try MigrationChain.build(SpecLoader.load(paths: [fixture]))
        let plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: .postgresql, output: folder, render: RenderOptions()))
        let text = try #require(plan.entries.first { $0.specID == "0002" }).files.map(\.contents).joined()
        let order = ["NOT VALID", "VALIDATE CONSTRAINT", "ALTER COLUMN \"email\" SET NOT NULL", "DROP CONSTRAINT \"mgen_nn_members_email\""]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(target):\n\(text)")
        if target == "alembic" { #expect(text.contains("autocommit_block()")) }
    }

    /// A split migration's header says it runs in parts (each part's comment says how), not the
    /// generic "outside a transaction" line of a CONCURRENTLY file; the scanners still read it as
    /// a file the runner must not wrap in a transaction.
    @Test(arguments: ["sql", "golang-migrate", "prisma", "typeorm", "knex", "sequelize", "activerecord"])
    func splitHeaderSaysItRunsInParts(target: String) throws {
        let rendered = try SQLRenderer(dialect: .postgresql).render(try exampleChain())
        let split = Set(rendered.filter(\.isSplit).map(\.planned.id))
        // The file with each split spec's up (the SQL targets write the down apart).
        let texts = try files(target, .postgresql, RenderOptions())
            .filter { split.contains($0.spec) && ($0.text.contains("VALIDATE CONSTRAINT") || $0.text.contains("validate_foreign_key")) }
        #expect(texts.count == 2, "\(target): the up of each split spec")
        for (spec, text) in texts {
            #expect(text.contains(SQLFiles.partsNote) && !text.contains(SQLFiles.outsideTransactionNote), "\(target) \(spec):\n\(text)")
            if ["sql", "golang-migrate", "prisma"].contains(target) {
                #expect(!SQLFiles.runsInTransaction(text), "\(target) \(spec): read back as not one transaction")
            }
        }
    }

    /// A spec with a concurrent index beside other operations (no `transaction:`): the others run
    /// in transactions of their own with their timeouts, the index CONCURRENTLY outside, in order,
    /// in every target that can run them so; golang-migrate and Prisma send a file as one query and
    /// refuse, naming the spec to write. The parts are MGenSQL's typed ones.
    @Test(arguments: targets)
    func concurrentIndexBesideOtherStepsRunsInParts(target: String) throws {
        let chain = try MigrationChain.build([
            try SpecLoader.load(text: """
                mgen: 1
                id: "0001"
                name: members
                operations:
                  - create_table: {table: members, columns: [{name: id, type: bigint, identity: true, primary_key: true}, {name: email, type: text}]}
                """, file: "Specs/0001_members.yaml"),
            try SpecLoader.load(text: """
                mgen: 1
                id: "0002"
                name: mixed
                operations:
                  - add_column: {table: members, column: {name: nick, type: text}}
                  - create_index: {name: idx_members_nick, table: members, columns: [nick], concurrently: true}
                  - add_column: {table: members, column: {name: age, type: integer}}
                """, file: "Specs/0002_mixed.yaml"),
        ])
        let migration = try SQLRenderer(dialect: .postgresql).render(chain)[1]
        #expect(migration.mixesConcurrent && migration.hasParts(.postgresql))
        let folder = try temporaryFolder("safe-mixed-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = EmitOptions(dialect: .postgresql, output: folder, render: RenderOptions(), targetOptions: target == "django" ? ["app": "blog"] : [:])
        let plan: EmitPlan
        do {
            plan = try EmitEngine.plan(chain, emitter: EmitterRegistry.require(target), options: options)
        } catch {
            #expect(["golang-migrate", "prisma"].contains(target), "\(target): \(error.diagnostics)")
            #expect(error.diagnostics.contains { $0.fix?.contains("spec of its own") == true }, "\(target) refuses with the spec to write")
            return
        }
        let text = try #require(plan.entries.first { $0.specID == "0002" }).files.map(\.contents).joined()
        let transactions = [migration.up, migration.down ?? []].flatMap { statements in
            migration.parts(statements, statements: { [$0] }, RenderOptions(), dialect: .postgresql).filter(\.isTransaction)
        }.count
        #expect(transactions == 4, "add_column, add_column; and the same two in the down")
        #expect(Self.occurrences("SET LOCAL lock_timeout = '5s'", in: text) >= transactions, "\(target): a lock_timeout in each transaction:\n\(text)")
        #expect(text.contains("CONCURRENTLY") || text.contains("concurrently") || text.contains("AddIndexConcurrently"),
                "\(target): the index is still built concurrently:\n\(text)")
    }

    @Test func durationsAreChecked() {
        #expect(SessionTimeouts.duration("5s") == .some("5s"))
        #expect(SessionTimeouts.duration("10min") == .some("10min"))
        #expect(SessionTimeouts.duration("off") == .some(nil))
        #expect(SessionTimeouts.duration("5") == nil, "a unit is required")
        #expect(SessionTimeouts.duration("5s'; DROP TABLE x; --") == nil)
        #expect(SessionTimeouts.duration("1 hour") == nil)
    }
}
