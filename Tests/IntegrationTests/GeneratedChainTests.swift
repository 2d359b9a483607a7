import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// One target × dialect cell of the proof.
struct Cell: Hashable, Sendable, CustomStringConvertible {
    var target: String
    var dialect: Dialect
    var description: String { "\(target) × \(dialect)" }
}

/// What one cell did with one chain.
struct CellOutcome: Sendable {
    var cell: Cell
    var problems: [CellProblem]
    /// The emitter refused the chain with a diagnostic (a documented limit, not a wrong file).
    var refused: String?
    var seconds: Double
}

/// mgen's own SQL failed on the chain: the framework cells have nothing to be compared with.
struct ReferenceFailure: Error, CustomStringConvertible { var description: String }

/// Runs a chain through every proof available for its dialect: `mgen verify` (the library
/// Verifier, with seeded rows), the SQL-file targets as their runners send them, the framework
/// targets through the real frameworks, and the JavaScript targets that cannot run here
/// through `node --check` / `tsc`.
enum GeneratedHarness {
    static let environment = ProcessInfo.processInfo.environment

    /// The targets run on each dialect (TypeORM runs on PostgreSQL only: node-pg is the driver here).
    static func targets(for dialect: Dialect) -> [String] {
        var all = ["verify", "sql", "golang-migrate", "goose", "prisma", "alembic", "django", "peewee", "activerecord", "knex", "sequelize"]
        if dialect == .postgresql { all.append("typeorm") }
        if let only = environment["MGEN_GEN_TARGETS"]?.split(separator: ",").map(String.init) { all = all.filter(only.contains) }
        return all
    }

    /// The server for a dialect, or nil when it is not configured (and not required).
    static func server(_ dialect: Dialect) throws -> DatabaseURL? {
        switch dialect {
        case .sqlite: return try DatabaseURL("sqlite:\(NSTemporaryDirectory())mgen-generated.db")
        case .postgresql: return DBEnv.enabled(DBEnv.pgKey) ? try DBEnv.url(DBEnv.pgKey) : nil
        case .mysql: return DBEnv.enabled(DBEnv.mysqlKey) ? try DBEnv.url(DBEnv.mysqlKey) : nil
        }
    }

    static var dialects: [Dialect] {
        let only = environment["MGEN_GEN_DIALECTS"]?.split(separator: ",").compactMap { Dialect(name: String($0)) }
        return Dialect.allCases.filter { only?.contains($0) ?? true }
    }

    /// Runs every cell of `dialect` on `chain`.
    static func run(_ chain: MigrationChain, dialect: Dialect, server: DatabaseURL, only: Set<String>? = nil) -> [CellOutcome] {
        let targets = targets(for: dialect).filter { only?.contains($0) ?? true }
        // mgen's own SQL, per migration: the reference of the framework cells (computed once).
        var reference: Result<[SchemaSnapshot], Error>?
        func referenceSnapshots() throws -> [SchemaSnapshot] {
            if reference == nil {
                reference = Result { try IntegrationTests.referenceSnapshots(chain, server: server) }
                    .mapError { ReferenceFailure(description: "mgen's own SQL, the reference of this cell, fails (see the verify cell): \($0)") }
            }
            return try reference!.get()
        }
        return targets.map { target in
            let start = Date()
            let cell = Cell(target: target, dialect: dialect)
            var outcome = CellOutcome(cell: cell, problems: [], refused: nil, seconds: 0)
            do {
                outcome.problems = try runCell(target, chain, server: server, reference: referenceSnapshots)
            } catch let error as DiagnosticError {
                outcome.refused = error.description
            } catch let error as ReferenceFailure {
                outcome.problems = [CellProblem(step: "reference", message: error.description)]
            } catch {
                outcome.problems = [CellProblem(step: "run", message: "\(error)")]
            }
            outcome.seconds = Date().timeIntervalSince(start)
            return outcome
        }
    }

    static func runCell(_ target: String, _ chain: MigrationChain, server: DatabaseURL,
                        reference: () throws -> [SchemaSnapshot]) throws -> [CellProblem] {
        switch target {
        case "verify":
            let migrations = try VerifyMigration.render(chain, dialect: server.dialect)
            let report = try MGenVerify.verify(migrations, at: server, options: VerifyOptions(seedRows: 2))
            guard let failure = report.failure else { return [] }
            let phase = failure.phase == .upAgain ? "again" : failure.phase.rawValue
            return [CellProblem(step: "\(phase) \(failure.id)", message: failure.lines.joined(separator: "\n"))]
        case "sql", "golang-migrate", "goose", "prisma":
            return try EmitRoundTripTests.run(chain, target: target, server: server)
        case "alembic":
            return try AlembicIntegrationTests.run(chain, server: server, reference: reference())
        case "django":
            return try DjangoMigrateTests.run(chain, server: server, reference: reference())
        case "peewee":
            return try PeeweeIntegrationTests.run(chain, server: server, reference: reference())
        case "activerecord":
            return try ActiveRecordIntegrationTests.run(chain, server: server, reference: reference())
        case "typeorm":
            return try TypeORMRunTests.run(chain, server: server, flavour: "js")
        case "knex", "sequelize":
            return try syntaxCheck(chain, target: target, dialect: server.dialect)
        default:
            return [CellProblem(step: "run", message: "unknown target \(target)")]
        }
    }

    /// Knex and Sequelize cannot run here (npm is unreachable): their files must parse (and the
    /// TypeScript flavour of Knex type-check against Fixtures/js).
    static func syntaxCheck(_ chain: MigrationChain, target: String, dialect: Dialect) throws -> [CellProblem] {
        var problems: [CellProblem] = []
        for options in target == "knex" ? [[:], ["ts": "true"]] : [[String: String]()] {
            let folder = try temporaryFolder("gen-\(target)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let emitter = try EmitterRegistry.require(target)
            try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: dialect, output: folder, targetOptions: options)), force: false)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            for file in files where file.hasSuffix(".js") {
                do { try JSTools.run("node", ["--check", "\(folder)/\(file)"]) } catch { problems.append(CellProblem(step: "syntax \(file)", message: "\(error)")) }
            }
            let typescript = files.filter { $0.hasSuffix(".ts") }.map { "\(folder)/\($0)" }
            if !typescript.isEmpty {
                do { try JSTools.run("tsc", JSTools.tscArguments(typescript, outDir: nil)) } catch { problems.append(CellProblem(step: "syntax tsc", message: "\(error)")) }
            }
        }
        return problems
    }

    // MARK: shrinking

    /// The smallest chain (specs dropped, then operations dropped) that the generator's rules
    /// still accept and that still fails `cell` in the same phase.
    /// At most MGEN_GEN_SHRINK_BUDGET (default 60) candidate runs.
    static func shrink(_ chain: GeneratedChain, cell: Cell, problem: CellProblem, server: DatabaseURL) -> GeneratedChain {
        let phase = problem.phase
        var budget = Int(environment["MGEN_GEN_SHRINK_BUDGET"] ?? "") ?? 60
        func stillFails(_ candidate: GeneratedChain) -> Bool {
            guard budget > 0 else { return false }
            budget -= 1
            let outcome = run(candidate.chain, dialect: cell.dialect, server: server, only: [cell.target]).first
            return outcome?.problems.contains { $0.phase == phase } ?? false
        }
        var current = chain
        // A failing up needs nothing after it: try that cut first.
        let failedID = problem.step.split(separator: " ").dropFirst().first.map(String.init)
        if phase == "up", let failedID, let last = current.specs.firstIndex(where: { $0.id == failedID }), last + 1 < current.specs.count,
           let candidate = GeneratedChain.build(Array(current.specs[...last]), dialect: cell.dialect, seed: chain.seed), stillFails(candidate) {
            current = candidate
        }
        var progress = true
        while progress, budget > 0 {
            progress = false
            // Whole specs, newest first.
            for index in current.specs.indices.reversed() where current.specs.count > 1 {
                var specs = current.specs
                specs.remove(at: index)
                if let candidate = GeneratedChain.build(specs, dialect: cell.dialect, seed: chain.seed), stillFails(candidate) {
                    current = candidate
                    progress = true
                }
            }
            // Single operations, explicit downs, irreversible reasons.
            for specIndex in current.specs.indices.reversed() {
                for opIndex in current.specs[specIndex].operations.indices.reversed() where current.specs[specIndex].operations.count > 1 {
                    var specs = current.specs
                    guard opIndex < specs[specIndex].operations.count else { continue }
                    specs[specIndex].operations.remove(at: opIndex)
                    if let candidate = GeneratedChain.build(specs, dialect: cell.dialect, seed: chain.seed), stillFails(candidate) {
                        current = candidate
                        progress = true
                    }
                }
                // Columns of a create_table, one at a time.
                for opIndex in current.specs.indices.contains(specIndex) ? Array(current.specs[specIndex].operations.indices) : [] {
                    var column = (current.specs[specIndex].operations[opIndex].createTableColumns ?? 1) - 1
                    while column >= 1, budget > 0 {
                        var specs = current.specs
                        guard opIndex < specs[specIndex].operations.count,
                              let smaller = specs[specIndex].operations[opIndex].removingCreateTableColumn(column) else { break }
                        specs[specIndex].operations[opIndex] = smaller
                        if let candidate = GeneratedChain.build(specs, dialect: cell.dialect, seed: chain.seed), stillFails(candidate) {
                            current = candidate
                            progress = true
                        }
                        column -= 1
                    }
                }
                if current.specs.indices.contains(specIndex), current.specs[specIndex].down != nil {
                    var specs = current.specs
                    specs[specIndex].down = nil
                    if let candidate = GeneratedChain.build(specs, dialect: cell.dialect, seed: chain.seed), stillFails(candidate) {
                        current = candidate
                        progress = true
                    }
                }
            }
        }
        return current
    }

    /// The report of one failing cell: seed, cell, problems and the (shrunk) chain as YAML files.
    static func report(_ generated: GeneratedChain, outcome: CellOutcome) -> String {
        var lines = ["FAILED: seed \(generated.seed), \(outcome.cell) (\(generated.specs.count) specs)"]
        for problem in outcome.problems { lines.append("  \(problem.step): " + problem.brief.replacingOccurrences(of: "\n", with: "\n    ")) }
        lines.append("  chain (MGEN_GEN_SEEDS=\(generated.seed) MGEN_GEN_DIALECTS=\(generated.dialect) scripts/generate-chains):")
        lines.append(generated.yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}

/// Generated chains, run everywhere. CI runs the fixed seeds below; `MGEN_GEN_SEEDS=100`
/// (seeds 1...100) or `MGEN_GEN_SEEDS=7,42` runs others, `MGEN_GEN_SHRINK=1` shrinks each
/// failure and writes it under MGEN_GEN_OUT (scripts/generate-chains does both).
@Suite(.serialized) struct GeneratedChainTests {
    static let ciSeeds: [UInt64] = [1, 2]

    static var seeds: [UInt64] {
        guard let text = ProcessInfo.processInfo.environment["MGEN_GEN_SEEDS"], !text.isEmpty else { return ciSeeds }
        if !text.contains(","), let count = UInt64(text) { return Array(1...max(count, 1)) }
        return text.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
    }

    static var specCount: Int { Int(ProcessInfo.processInfo.environment["MGEN_GEN_SPECS"] ?? "") ?? 6 }

    @Test(arguments: seeds)
    func seed(_ seed: UInt64) throws {
        let environment = ProcessInfo.processInfo.environment
        for dialect in GeneratedHarness.dialects {
            guard let server = try GeneratedHarness.server(dialect) else { continue }
            let generated = try ChainGenerator(seed: seed, dialect: dialect, specCount: Self.specCount).generate()
            if environment["MGEN_GEN_PRINT"] == "1" { print(generated.yaml) }
            let outcomes = GeneratedHarness.run(generated.chain, dialect: dialect, server: server)
            let timing = outcomes.map { String(format: "%@ %.1fs", $0.cell.target, $0.seconds) }.joined(separator: ", ")
            print("generated seed \(seed) \(dialect): \(generated.specs.count) specs, \(generated.chain.migrations.flatMap(\.up).count) steps; \(timing)")
            for outcome in outcomes {
                if let refused = outcome.refused { print("refused: seed \(seed), \(outcome.cell): \(refused)") }
                let key = "seed \(seed) \(dialect)"
                guard let first = outcome.problems.first else {
                    KnownIssues.record([], chain: key, cell: outcome.cell)
                    continue
                }
                var shown = generated
                // A failing reference is the verify cell's failure, shrunk there.
                if environment["MGEN_GEN_SHRINK"] == "1", first.phase != "reference" {
                    shown = GeneratedHarness.shrink(generated, cell: outcome.cell, problem: first, server: server)
                    if let out = environment["MGEN_GEN_OUT"] {
                        try? shown.write(to: "\(out)/seed\(seed)-\(outcome.cell.target)-\(dialect)-\(first.phase)")
                    }
                }
                let final = environment["MGEN_GEN_SHRINK"] == "1" && first.phase != "reference"
                    ? GeneratedHarness.run(shown.chain, dialect: dialect, server: server, only: [outcome.cell.target]).first ?? outcome
                    : outcome
                let text = GeneratedHarness.report(shown, outcome: final)
                print(text)
                KnownIssues.record([text], chain: key, cell: outcome.cell)
            }
        }
    }

    /// Every shrunk chain kept under Fixtures/generated/<class>/, through the same harness. Its
    /// fixture.txt names the dialect, the cells it failed in (`cells: a,b`; run by default) and
    /// the seed it came from; MGEN_GEN_FIXTURE_ALL=1 runs every cell of the dialect.
    @Test(arguments: fixtureFolders)
    func fixture(_ name: String) throws {
        let folder = Self.fixtures + "/" + name
        let meta = try String(contentsOfFile: "\(folder)/fixture.txt", encoding: .utf8)
        func field(_ key: String) -> String? {
            meta.split(separator: "\n").first { $0.hasPrefix(key + ":") }.map { $0.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        let dialect = try #require(field("dialect").flatMap(Dialect.init(name:)), "\(name)/fixture.txt names no dialect")
        let cells = ProcessInfo.processInfo.environment["MGEN_GEN_FIXTURE_ALL"] == "1" ? nil
            : field("cells").map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        guard let server = try GeneratedHarness.server(dialect) else { return }
        // `refused: <text>`: the chain is one mgen now refuses (its class fixed by a rule); the
        // refusal must name `<text>`.
        if let refusal = field("refused") {
            do {
                // As `mgen validate --dialect <dialect>`: the chain, then the dialect's limits.
                let chain = try MigrationChain.build(SpecLoader.load(paths: [folder]))
                let problems = DialectRules.problems(in: chain, for: dialect)
                if !problems.isEmpty { throw DiagnosticError(problems) }
                Issue.record("fixture \(name) loads, but fixture.txt says mgen refuses it (\(refusal))")
            } catch {
                #expect("\(error)".contains(refusal), "fixture \(name) is refused for another reason: \(error)")
            }
            return
        }
        let chain = try MigrationChain.build(SpecLoader.load(paths: [folder]))
        for outcome in GeneratedHarness.run(chain, dialect: dialect, server: server, only: cells) {
            let problems = (outcome.refused.map { ["fixture \(name), \(outcome.cell) refused: \($0)"] } ?? [])
                + outcome.problems.map { "fixture \(name), \(outcome.cell): \($0)" }
            KnownIssues.record(problems, chain: "fixture \(name)", cell: outcome.cell)
        }
    }

    static let fixtures = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/generated").path
    /// Every fixture folder, or only those MGEN_GEN_FIXTURES names (`a,b`).
    static var fixtureFolders: [String] {
        let only = ProcessInfo.processInfo.environment["MGEN_GEN_FIXTURES"].map { Set($0.split(separator: ",").map(String.init)) }
        return ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).filter { !$0.hasPrefix(".") && only?.contains($0) != false }.sorted()
    }
}

/// The generator itself: reproducible, valid, and covering every operation of docs/spec.md.
struct ChainGeneratorTests {
    @Test func sameSeedSameChain() throws {
        for dialect in Dialect.allCases {
            let a = try ChainGenerator(seed: 7, dialect: dialect).generate()
            let b = try ChainGenerator(seed: 7, dialect: dialect).generate()
            #expect(a.yaml == b.yaml)
            #expect(try ChainGenerator(seed: 8, dialect: dialect).generate().yaml != a.yaml)
        }
    }

    /// Over a few dozen seeds every operation kind and the options that hurt appear, and every
    /// chain loads from its own YAML text and renders for its dialect.
    @Test(arguments: Dialect.allCases)
    func coversTheSpec(dialect: Dialect) throws {
        var kinds: Set<String> = []
        var text = ""
        // Spec 1.1 added rare kinds (a drop of an enum type needs one made and unused first):
        // enough seeds that every kind shows; generation only, no database.
        for seed in UInt64(1)...120 {
            let generated = try ChainGenerator(seed: seed, dialect: dialect, specCount: 10).generate()
            #expect(GeneratedChain.build(generated.specs, dialect: dialect) != nil)
            kinds.formUnion(generated.chain.migrations.flatMap { $0.migration.operations.map(\.value.kind) })
            text += generated.yaml
        }
        // spec 1.1: schemas are PostgreSQL's: refused elsewhere, never kept there
        if dialect != .postgresql {
            #expect(kinds.isDisjoint(with: ["create_schema", "drop_schema", "rename_schema"]))
            kinds.formUnion(["create_schema", "drop_schema", "rename_schema"])
        }
        // spec 1.1: what a dialect refuses is never kept (ObjectChange.unsupported)
        let refused: Set<String> = dialect == .postgresql ? [] : ["create_extension", "drop_extension", "create_sequence", "alter_sequence",
                                                                   "drop_sequence", "refresh_materialized_view"]
        // spec 1.1: altering in place (MySQL has no deferrable constraints)
        let expected = Set(Operation.kinds).subtracting(refused).subtracting(dialect == .mysql ? ["alter_constraint"] : [])
        #expect(expected.subtracting(kinds).isEmpty, "never generated on \(dialect): \(expected.subtracting(kinds).sorted())")
        var options = ["irreversible:", "down:", "not_valid", "on_delete", "on_update", "primary_key: [", "unique: true", "\"user\"", "\"Value\"", "enum(", "concurrently", "comment"]
        if dialect != .mysql { options += ["expression", "where:"] }
        if dialect != .mysql { options += ["deferrable: true", "initially_deferred: true"] } // spec 1.1: deferrable constraints
        options += ["generated: {expression:", "collation: \""] // spec 1.1: generated columns and collations
        options.append("using_index:") // spec 1.1: add_unique / add_primary_key using_index
        if dialect == .postgresql { // spec 1.1: schemas (enum types in one, and columns of them)
            options += ["create_enum_type: {schema:", "type: {schema:", "create_view: {schema:", "create_sequence: {schema:",
                        "create_function: {schema:", "function: {schema:", "create_trigger: {schema:", "drop_trigger: {schema:",
                        "from: {schema:"]
        }
        #expect(text.range(of: #"add_unique: \{[^}\n]*using_index"#, options: .regularExpression) != nil, "never generated on \(dialect): add_unique using_index")
        for option in options { #expect(text.contains(option), "never generated on \(dialect): \(option)") }
    }

    /// Dropping features keeps them out (so a failing class can be isolated).
    @Test func featuresFilter() throws {
        var features = Set(ChainFeature.allCases)
        features.subtract([.renameColumn, .renameTable, .rawSQL, .backfill])
        for seed in UInt64(1)...10 {
            let generated = try ChainGenerator(seed: seed, dialect: .postgresql, features: features).generate()
            let kinds = Set(generated.chain.migrations.flatMap { $0.migration.operations.map(\.value.kind) })
            #expect(kinds.isDisjoint(with: ["rename_column", "rename_table", "sql", "backfill"]))
        }
    }
}
