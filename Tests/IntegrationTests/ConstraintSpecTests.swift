import Foundation
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// spec 1.1: constraint renames (and the constraint options after them) on real databases: the
/// chains of Fixtures/framework-chains named here through every cell of the generative harness
/// (`mgen verify` with seeded rows, the SQL-file targets, every framework we run, Knex /
/// Sequelize syntax checks). A cell may refuse only with the reason given for it.
enum ConstraintCases {
    static let names = ["rename-constraint", "deferrable", "deferrable-foreign-keys", "mysql-table-options",
                        // spec 1.1: altering in place
                        "alter-table-options", "alter-constraint", "alter-constraint-postgresql",
                        "unique-constraints"] // spec 1.1 / issue 13: add_unique safe form and using_index
    /// Documented refusals: chain → (target, dialect) → a phrase the refusal must hold. None now:
    /// Django × SQLite's (a deferrable or renamed key Django owns) were lifted by mgen's rebuild.
    static let refusals: [String: [String: String]] = [:]

    static var chains: [(FrameworkChain, Dialect)] {
        FrameworkChain.cells.filter { names.contains($0.0.name) }
    }

    static func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        guard let server = try GeneratedHarness.server(dialect) else { return }
        let outcomes = GeneratedHarness.run(try chain.load(), dialect: dialect, server: server)
        #expect(outcomes.count == GeneratedHarness.targets(for: dialect).count)
        for outcome in outcomes {
            if let expected = refusals[chain.name]?["\(outcome.cell)"] {
                #expect(outcome.refused?.contains(expected) == true, "\(chain.name): \(outcome.cell) must refuse (\(expected)): \(outcome.refused ?? "it did not")")
            } else {
                #expect(outcome.refused == nil, "\(chain.name): \(outcome.cell) refused: \(outcome.refused ?? "")")
            }
            #expect(outcome.problems.isEmpty, "\(chain.name): \(outcome.cell):\n\(outcome.problems.map { "\($0.step): \($0.message)" }.joined(separator: "\n"))")
        }
    }

    /// A hand-written down that adds a key back DEFERRABLE INITIALLY IMMEDIATE where it was
    /// INITIALLY DEFERRED fails verify (snapshots read pg_constraint.condeferrable/condeferred;
    /// before, it passed).
    static func forgottenDeferrabilityFails(_ url: DatabaseURL) throws {
        let report = try verify(VerifyCases.fixture("forgotten-deferrable", url.dialect), at: url, options: VerifyOptions(checkSnapshots: true))
        let failure = try #require(report.failure, "forgotten-deferrable on \(url.dialect) must fail")
        #expect(failure.kind == .downDoesNotRestore)
        #expect(failure.id == "0002")
        #expect(failure.details == ["~ foreign key children_parent_id_fkey on children (parent_id) -> parents (id) on delete no action on update no action deferrable initially deferred -> foreign key children_parent_id_fkey on children (parent_id) -> parents (id) on delete no action on update no action deferrable initially immediate"])
    }
}

@Suite(.serialized) struct ConstraintSQLiteTests {
    @Test(arguments: ConstraintCases.chains.filter { $0.1 == .sqlite }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ConstraintCases.everyCell(chain, dialect)
    }
    @Test func forgottenAlterConstraintFails() throws { try ConstraintCases.forgottenAlterConstraintFails(DatabaseURL("sqlite::memory:")) }
}

@Suite(.serialized, .enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct ConstraintPostgresTests {
    @Test(arguments: ConstraintCases.chains.filter { $0.1 == .postgresql }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ConstraintCases.everyCell(chain, dialect)
    }
    @Test func forgottenDeferrabilityFails() throws { try ConstraintCases.forgottenDeferrabilityFails(DBEnv.url(DBEnv.pgKey)) }

    /// spec 1.1: a down that leaves an alter_constraint's deferrability in place fails verify.
    @Test func forgottenAlterConstraintFails() throws { try ConstraintCases.forgottenAlterConstraintFails(DBEnv.url(DBEnv.pgKey)) }
}

extension ConstraintCases {
    /// spec 1.1: a down that leaves an alter_constraint's deferrability in place fails verify
    /// (PostgreSQL's catalog; SQLite's table DDL, after the rebuild).
    static func forgottenAlterConstraintFails(_ url: DatabaseURL) throws {
        let report = try verify(VerifyCases.fixture("forgotten-alter-constraint", url.dialect), at: url, options: VerifyOptions(checkSnapshots: true))
        let failure = try #require(report.failure, "forgotten-alter-constraint must fail")
        #expect(failure.kind == .downDoesNotRestore)
        #expect(failure.id == "0002")
        #expect(failure.details == ["~ foreign key children_parent_ref on children (parent_id) -> parents (id) on delete no action on update no action deferrable initially immediate -> foreign key children_parent_ref on children (parent_id) -> parents (id) on delete no action on update no action deferrable initially deferred"], "\(failure.details)")
    }
}

@Suite(.serialized, .enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct ConstraintMySQLTests {
    @Test(arguments: ConstraintCases.chains.filter { $0.1 == .mysql }) func everyCell(_ chain: FrameworkChain, _ dialect: Dialect) throws {
        try ConstraintCases.everyCell(chain, dialect)
    }

    /// spec 1.1: a down that creates a MyISAM table again as the server's default fails verify
    /// (snapshots read ENGINE and TABLE_COLLATION where they differ from the defaults).
    @Test func forgottenTableOptionsFail() throws {
        let url = try DBEnv.url(DBEnv.mysqlKey)
        let report = try verify(VerifyCases.fixture("forgotten-table-options", .mysql), at: url, options: VerifyOptions(checkSnapshots: true))
        let failure = try #require(report.failure, "forgotten-table-options must fail")
        #expect(failure.id == "0002")
        #expect(failure.details == ["~ table logs: options engine=myisam collation=utf8mb4_bin -> default"])
    }

    /// spec 1.1: a down that gives an alter_table's engine back but forgets its character set
    /// fails verify.
    @Test func forgottenAlterTableFails() throws {
        let url = try DBEnv.url(DBEnv.mysqlKey)
        let report = try verify(VerifyCases.fixture("forgotten-alter-table", .mysql), at: url, options: VerifyOptions(checkSnapshots: true))
        let failure = try #require(report.failure, "forgotten-alter-table must fail")
        #expect(failure.kind == .downDoesNotRestore)
        #expect(failure.id == "0002")
        #expect(failure.details == ["~ table logs: options collation=latin1_swedish_ci -> collation=utf8mb4_bin"], "\(failure.details)")
    }
}
