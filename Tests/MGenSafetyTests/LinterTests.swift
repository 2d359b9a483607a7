import Foundation
import MGenSafety
import MGenSpec
import Testing

@Suite struct LinterTests {
    // MARK: Existing or new tables

    /// Linted alone, each spec takes the ones before it as deployed: the index on a table created
    /// by the previous spec is on an existing table. Linted as a batch (not yet deployed), the
    /// same table is new and the index is fine.
    /// A spec's add_unique is safe as mgen emits it (CREATE UNIQUE INDEX CONCURRENTLY + USING
    /// INDEX, issue 13): for specs that emit writes its finding is an info (RenderedSafety); a unique column
    /// added in one go still builds under the lock, and SQL folders (not emitted) still report.
    @Test func addUniqueIsSafeAsEmitted() throws {
        var emitted = LintConfig()
        emitted.renderedByMgen = true
        let add = "  - add_unique: {table: users, columns: [email], name: users_email_key}"
        let asEmitted = try #require(try lint(add, on: "postgresql@15", config: emitted).first { $0.rule == "pg-unique-constraint-under-lock" })
        #expect(asEmitted.severity == .info && asEmitted.message.contains("CREATE UNIQUE INDEX CONCURRENTLY"))
        let raw = try #require(try lint(add, on: "postgresql@15").first { $0.rule == "pg-unique-constraint-under-lock" })
        #expect(raw.severity == .error && raw.fix.contains("add_unique: {table: users, using_index: users_email_key}"))
        let column = try #require(try lint("  - add_column: {table: users, column: {name: handle, type: text, unique: true}}", on: "postgresql@15", config: emitted)
            .first { $0.rule == "pg-unique-constraint-under-lock" })
        #expect(column.fix.contains("then `- add_unique: {table: users"))
        // Emitted, the build runs outside the transaction: the ADD COLUMN's lock is not held through it.
        let both = "  - add_column: {table: users, column: {name: handle, type: text}}\n" + add
        #expect(try lint(both, on: "postgresql@15").contains { $0.rule == "pg-lock-held-during-slow-step" })
        #expect(!(try lint(both, on: "postgresql@15", config: emitted)).contains { $0.rule == "pg-lock-held-during-slow-step" && $0.severity != .info })
        let rule = try #require(Rules.rule("pg-unique-constraint-under-lock"))
        #expect(rule.safe.contains("safe as mgen writes it") && rule.safe.contains("no `sql` step is needed"))
    }

    @Test func batchMakesEarlierTablesNew() throws {
        let built = try chain([seed,
                               spec("0002", "  - create_table: {table: fresh, columns: [{name: id, type: bigint, primary_key: true}, {name: x, type: text}]}"),
                               spec("0003", "  - create_index: {name: idx_fresh_x, table: fresh, columns: [x]}")])
        let pg = try target("postgresql@15")
        let alone = try Linter.lint(built, target: pg, selected: ["0002", "0003"])
        #expect(alone.contains { $0.rule == "pg-create-index-not-concurrent" && $0.spec == "0003" })
        let together = try Linter.lint(built, target: pg, selected: ["0002", "0003"], batch: true)
        #expect(!together.contains { $0.rule == "pg-create-index-not-concurrent" })
    }

    /// A table renamed within the batch stays new under its new name.
    @Test func renamedNewTableStaysNew() throws {
        let findings = try lint("""
          - create_table: {table: scratch, columns: [{name: id, type: bigint, primary_key: true}, {name: x, type: text}]}
          - rename_table: {table: scratch, to: kept}
          - create_index: {name: idx_kept_x, table: kept, columns: [x]}
        """, on: "postgresql@15")
        #expect(!findings.contains { $0.rule == "pg-create-index-not-concurrent" || $0.rule == "rename-table" })
    }

    /// The finding points at the operation's line and column in the spec.
    @Test func findingLocation() throws {
        let findings = try lint("""
          - add_column: {table: users, column: {name: nick, type: text}}
          - create_index: {name: idx_email, table: users, columns: [email]}
        """, on: "postgresql@15")
        let index = try #require(findings.first { $0.rule == "pg-create-index-not-concurrent" })
        #expect(index.file == "0002.yaml" && index.line == 6 && index.column == 5)
        #expect(index.lock.hasPrefix("SHARE") && index.blocks.contains("writes"))
    }

    /// MySQL 8.0.29+ counts instant column changes over the whole chain: the 65th on a table is a
    /// rebuild. MySQL 8.0.28 (no row versions) and MariaDB have no such limit; a rebuild resets it.
    @Test func rowVersionsCountedOverTheChain() throws {
        var specs = [seed]
        for n in 1...64 {
            specs.append(spec(String(format: "%04d", n + 1), "  - add_column: {table: teams, column: {name: c\(n), type: integer}}"))
        }
        specs.append(spec("0066", "  - add_column: {table: teams, column: {name: last, type: integer}}"))
        let built = try chain(specs)
        let fired = { (server: String, selected: Set<String>) in
            try Linter.lint(built, target: try target(server), selected: selected).filter { $0.rule == "mysql-row-versions-exhausted" }.map(\.spec)
        }
        #expect(try fired("mysql@8.0.35", ["0066"]) == ["0066"])
        #expect(try fired("mysql@8.0.35", ["0065"]).isEmpty, "the 64th change is still instant")
        #expect(try fired("mysql@9.1", ["0066"]).isEmpty, "255 row versions from 9.1.0")
        #expect(try fired("mysql@8.0.28", ["0066"]).isEmpty)
        #expect(try fired("mariadb@10.11", ["0066"]).isEmpty)
        // A type change copies the table and resets the count.
        var reset = Array(specs.dropLast())
        reset.append(spec("0066", "  - alter_column: {table: teams, column: c1, type: bigint}"))
        reset.append(spec("0067", "  - add_column: {table: teams, column: {name: last, type: integer}}"))
        let afterCopy = try Linter.lint(try chain(reset), target: try target("mysql@8.0.35"), selected: ["0067"])
        #expect(!afterCopy.contains { $0.rule == "mysql-row-versions-exhausted" })
    }

    // MARK: Ignoring rules

    @Test func specIgnoresRuleWithReason() throws {
        let operations = "  - drop_column: {table: users, column: n}"
        #expect(try lint(operations, on: "postgresql@15").contains { $0.rule == "drop-column" })
        let quiet = try lint(operations, on: "postgresql@15",
                             extra: "lint: {ignore: [drop-column, missing-lock-timeout], reason: \"n unused since 2.3\"}\n")
        #expect(quiet.isEmpty)
    }

    @Test func ignoreWithoutReasonIsAnError() throws {
        #expect {
            _ = try SpecLoader.load(text: spec("0002", "  - drop_column: {table: users, column: n}", extra: "lint: {ignore: [drop-column]}\n"), file: "0002.yaml")
        } throws: { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            return diagnostic?.message.contains("without saying why") == true && diagnostic?.location?.line == 4
        }
    }

    @Test func unknownIgnoredRuleNamesItsLine() throws {
        #expect {
            _ = try lint("  - drop_column: {table: users, column: n}", on: "postgresql@15",
                         extra: "lint:\n  ignore: [drop-colum]\n  reason: x\n")
        } throws: { error in
            let diagnostic = (error as? DiagnosticError)?.diagnostics.first
            return diagnostic?.message == "unknown lint rule 'drop-colum' (did you mean 'drop-column'?)"
                && diagnostic?.location?.line == 5 && diagnostic?.location?.column == 12
        }
    }

    // MARK: Project configuration

    @Test func configDisablesAndResevers() throws {
        let yaml = """
        dialect: postgresql@13
        lint:
          disable: [missing-lock-timeout]
          severity: {drop-column: warning}
        """
        let config = try withConfig(yaml) { try #require(try ProjectConfig.load(path: $0)) }
        #expect(config.dialect == "postgresql@13")
        let lintConfig = try LintConfig(config.lint)
        let findings = try lint("  - drop_column: {table: users, column: n}", on: "postgresql@15", config: lintConfig)
        #expect(findings.map(\.rule) == ["drop-column"])
        #expect(findings.first?.severity == .warning)
    }

    /// A raw statement reports under the rule of its shape, with that rule's why and severity; it is
    /// turned off with that rule, with `raw-statement` (the whole check), and re-severed by either.
    @Test func rawStatementReportsUnderItsShapesRule() throws {
        let raw = "  - sql: {up: {postgresql: \"ALTER TABLE users ALTER COLUMN email SET NOT NULL\"}, down: \"SELECT 1\"}"
        let findings = try lint(raw, on: "postgresql@15").filter { $0.rule != "missing-lock-timeout" && $0.severity >= .warning }
        #expect(findings.map(\.rule) == ["pg-set-not-null"])
        #expect(findings.first?.why == Rules.rule("pg-set-not-null")?.why && findings.first?.severity == .error)
        for off in ["pg-set-not-null", "raw-statement"] {
            var config = LintConfig()
            config.disabled = [off]
            #expect(try lint(raw, on: "postgresql@15", config: config).allSatisfy { $0.rule == "missing-lock-timeout" || $0.severity == .info }, "disable \(off)")
        }
        var config = LintConfig()
        config.severities = ["pg-set-not-null": .info]
        #expect(try lint(raw, on: "postgresql@15", config: config).first { $0.rule == "pg-set-not-null" }?.severity == .info)
        let ignored = try lint(raw, on: "postgresql@15", extra: "lint: {ignore: [pg-set-not-null], reason: \"proved by a CHECK\"}\n")
        #expect(!ignored.contains { $0.rule == "pg-set-not-null" })
    }

    @Test func configRejectsUnknownRuleAndSeverity() throws {
        let yaml = """
        lint:
          disable: [no-such-rule]
          severity: {drop-column: fatal}
        """
        let config = try withConfig(yaml) { try #require(try ProjectConfig.load(path: $0)) }
        #expect {
            _ = try LintConfig(config.lint)
        } throws: { error in
            let diagnostics = (error as? DiagnosticError)?.diagnostics ?? []
            return diagnostics.count == 2 && diagnostics[0].location?.line == 2 && diagnostics[1].message.contains("fatal")
        }
    }

    // MARK: Servers

    @Test func parsesTargets() throws {
        #expect(try target("postgresql@15").description == "postgresql@15")
        #expect(try target("postgres").version == Version(15))
        #expect(try target("mysql@8.0.29").version > Version(8, 0, 28))
        #expect(try target("mariadb").engine == .mariadb)
        for bad in ["postgresql@11", "mysql@5.7", "mariadb@10.5", "oracle@19", "postgresql@x"] {
            #expect(throws: DiagnosticError.self) { _ = try target(bad) }
        }
    }

    @Test func explainNamesLocksVersionsAndRewrite() throws {
        let rule = try #require(Rules.rule("pg-set-not-null"))
        #expect(rule.explanation.contains("PostgreSQL 12+") && rule.explanation.contains("Safe rewrite:"))
        #expect(Set(Rules.all.map(\.id)).count == Rules.all.count)
    }

    /// The lock conflict matrix says what each lock blocks.
    @Test func lockMatrix() {
        #expect(PGLock.share.blocks.hasPrefix("writes"))
        #expect(PGLock.accessExclusive.blocks.hasPrefix("reads and writes"))
        #expect(PGLock.shareUpdateExclusive.blocks.contains("reads and writes continue"))
        #expect(PGLock.shareRowExclusive.conflicts(with: .rowExclusive) && !PGLock.shareRowExclusive.conflicts(with: .accessShare))
    }
}

/// Reads `yaml` as mgen.yaml from a temporary file.
func withConfig<T>(_ yaml: String, _ body: (String) throws -> T) throws -> T {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("mgen-lint-\(UUID().uuidString).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    return try body(file.path)
}

/// docs/lint.md lists every rule with its severity and engines, and no rule that does not exist.
@Test func docsListEveryRule() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("docs/lint.md"), encoding: .utf8)
    for rule in Rules.all {
        let engines = rule.engines.map(\.rawValue).sorted().joined(separator: ", ")
        #expect(text.contains("### `\(rule.id)`\n\n**\(rule.severity.rawValue)** · \(engines) · \(rule.summary)"), "\(rule.id) is missing or stale in docs/lint.md")
        #expect(text.contains("- **Versions:** \(rule.versions)\n"), "\(rule.id)'s versions are stale in docs/lint.md")
    }
    #expect(text.components(separatedBy: "\n### `").count - 1 == Rules.all.count)
    #expect(text.contains("## Rules (\(Rules.all.count))"))
}
