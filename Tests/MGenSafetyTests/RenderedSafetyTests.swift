import MGenSafety
import MGenSpec
import Testing

/// Spec findings describe what mgen will emit (issue 13): a spec is linted as mgen renders it for
/// the server, so a hazard mgen's safe form removes (NOT NULL through a CHECK … NOT VALID) is an
/// info naming what mgen writes, not an error, and "the same transaction" is the one mgen runs the
/// step in (a VALIDATE in its own). Raw `sql` steps and what mgen does not make safe keep their findings.
@Suite struct RenderedSafetyTests {
    var rendered: LintConfig {
        var config = LintConfig()
        config.renderedByMgen = true
        return config
    }

    func finding(_ rule: String, _ operations: String, config: LintConfig) throws -> Finding? {
        try lint(operations, on: "postgresql@15", config: config).first { $0.rule == rule }
    }

    @Test func notNullRenderedSafelyIsAnInfo() throws {
        let operations = "  - alter_column: {table: users, column: email, nullable: false}"
        #expect(try finding("pg-set-not-null", operations, config: LintConfig())?.severity == .error, "as written (a SQL folder, or no mgen)")
        let info = try #require(try finding("pg-set-not-null", operations, config: rendered))
        #expect(info.severity == .info)
        #expect(info.message.hasPrefix("rendered safely by mgen for postgresql@15: ") && info.message.contains("NOT VALID")
                && info.message.contains("VALIDATE CONSTRAINT \"mgen_nn_users_email\" (in a transaction of its own)"), "\(info.message)")
    }

    @Test func validateSplitOffIsAnInfo() throws {
        let operations = """
          - add_check: {table: users, name: users_n_positive, expression: n > 0, not_valid: true}
          - validate_constraint: {table: users, name: users_n_positive}
        """
        #expect(try finding("pg-validate-same-transaction", operations, config: LintConfig())?.severity == .error)
        // mgen runs the VALIDATE in a transaction of its own: in that transaction nothing was added.
        #expect(try finding("pg-validate-same-transaction", operations, config: rendered) == nil)
    }

    /// "The same transaction" is the one mgen runs the step in: after a split, a slow step no longer
    /// holds the lock an earlier step of the spec took.
    @Test func lockHeldOnlyWithinMgensTransaction() throws {
        let operations = """
          - add_column: {table: users, column: {name: nick, type: text}}
          - add_check: {table: users, name: users_n_positive, expression: n > 0, not_valid: true}
          - validate_constraint: {table: users, name: users_n_positive}
          - create_index: {name: idx_users_nick, table: users, columns: [nick]}
        """
        let asWritten = try lint(operations, on: "postgresql@15").filter { $0.rule == "pg-lock-held-during-slow-step" }
        #expect(asWritten.count == 2, "the VALIDATE and the index build, under add_column's lock")
        let asEmitted = try lint(operations, on: "postgresql@15", config: rendered).filter { $0.rule == "pg-lock-held-during-slow-step" }
        #expect(asEmitted.isEmpty, "mgen commits before the VALIDATE; the index build starts a new transaction: \(asEmitted.map(\.message))")
        // In one transaction (no VALIDATE to split around) the lock is held, as written.
        let unsplit = try lint("""
          - add_column: {table: users, column: {name: nick, type: text}}
          - create_index: {name: idx_users_nick, table: users, columns: [nick]}
        """, on: "postgresql@15", config: rendered).filter { $0.rule == "pg-lock-held-during-slow-step" }
        #expect(unsplit.count == 1)
    }

    /// What mgen writes as the spec says (no CONCURRENTLY added, a CHECK validated at once) keeps its severity.
    @Test func unsafeRenderingsKeepTheirFindings() throws {
        #expect(try finding("pg-create-index-not-concurrent", "  - create_index: {name: idx_email, table: users, columns: [email]}",
                            config: rendered)?.severity == .error)
        #expect(try finding("pg-check-not-valid", "  - add_check: {table: users, name: users_n_positive, expression: n > 0}",
                            config: rendered)?.severity == .error)
    }

    /// Raw SQL is linted as written, whatever mgen would render for a structured step.
    @Test func rawSQLStaysAsWritten() throws {
        let raw = "  - sql: {up: {postgresql: \"ALTER TABLE users ALTER COLUMN email SET NOT NULL\"}, down: {postgresql: \"ALTER TABLE users ALTER COLUMN email DROP NOT NULL\"}}"
        #expect(try finding("pg-set-not-null", raw, config: rendered)?.severity == .error)
    }
}
