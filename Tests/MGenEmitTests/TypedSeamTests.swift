import Foundation
@testable import MGenEmit
import MGenSQL
import MGenSpec
import MGenTemplates
import MGenTestSupport
import Testing

/// The seam between MGenSQL and the emitters is typed (issue 11): emitters decide from facts on
/// the rendered statements and from dialect capabilities, never from SQL text; one step driver
/// reports every renderer's failures the same way.
@Suite struct TypedSeamTests {
    func chain(_ operations: String, _ extra: String = "") throws -> MigrationChain {
        let first = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: create_t
            created: 2025-01-15T09:00:00Z
            operations:
              - create_table:
                  table: t
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
                    - {name: note, type: string(20)}
            """, file: "Specs/0001_create_t.yaml")
        let second = try SpecLoader.load(text: """
            mgen: 1
            id: "0002"
            name: change_t
            created: 2025-01-15T09:01:00Z
            \(extra)operations:
            \(operations)
            """, file: "Specs/0002_change_t.yaml")
        return try MigrationChain.build([first, second])
    }

    func emitted(_ target: String, _ dialect: Dialect, _ chain: MigrationChain) throws -> String {
        let output = try temporaryFolder("seam")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let plan = try EmitEngine.plan(chain, emitter: try EmitterRegistry.require(target), options: EmitOptions(dialect: dialect, output: output))
        return plan.entries.last?.files.map(\.contents).joined(separator: "\n") ?? ""
    }

    /// A raw `sql` step that merely mentions the PRAGMA mgen's rebuild starts with is no rebuild:
    /// the ActiveRecord header used to find the text in its code and warn about a table copy.
    @Test func rebuildNoteFollowsTheFactNotTheText() throws {
        let text = try emitted("activerecord", .sqlite, try chain("""
              - sql: {up: "SELECT 'PRAGMA defer_foreign_keys = ON'", down: "SELECT 1"}
            """))
        #expect(text.contains("execute \"SELECT 'PRAGMA defer_foreign_keys = ON'\""))
        #expect(!text.contains("SQLite table rebuild"))

        // A real rebuild sent as mgen's SQL keeps the note, in ActiveRecord and in Knex.
        let alter = try chain("""
              - alter_column: {table: t, column: note, nullable: false, default: ""}
            """)
        #expect(try emitted("activerecord", .sqlite, alter).contains("# SQLite table rebuild (mgen's SQL"))
        // Knex alters a column with its own copy; an enum's CHECK goes as mgen's rebuild.
        let toEnum = try chain("""
              - alter_column: {table: t, column: note, type: "enum(a,b)"}
            """)
        #expect(try emitted("knex", .sqlite, toEnum).contains("// SQLite table rebuild: run with foreign keys off"))
        #expect(!(try emitted("knex", .sqlite, alter).contains("SQLite table rebuild")))
    }

    /// Knex renames a column with its builder and sends MGenSQL's other statements once (they were
    /// sent twice: on PostgreSQL the second RENAME CONSTRAINT of an enum's CHECK fails).
    @Test func knexRenamesAnEnumColumnsCheckOnce() throws {
        let first = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: create_t
            operations:
              - create_table:
                  table: t
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
                    - {name: state, type: "enum(a,b)"}
              - rename_column: {table: t, column: state, to: status}
            """, file: "Specs/0001_create_t.yaml")
        let text = try emitted("knex", .postgresql, try MigrationChain.build([first]))
        #expect(text.components(separatedBy: "RENAME CONSTRAINT").count - 1 == 2, "one in the up, one in the down: \(text)")
    }

    /// Every renderer's failure goes through the one driver: the spec's place, the renderer, and
    /// the operation's kind as the diagnostic's object.
    @Test func oneDriverReportsFailures() throws {
        let gin = try chain("""
              - create_index: {table: t, name: t_note_gin, columns: [note], method: gin}
            """)
        do {
            _ = try emitted("sql", .sqlite, gin)
            Issue.record("rendered a gin index on SQLite")
        } catch let error as DiagnosticError {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.object == "create_index")
            #expect(diagnostic.location?.file == "Specs/0002_change_t.yaml")
            #expect(diagnostic.message.hasSuffix("(sqlite)"))
        }
        // A target's own renderer (Alembic refuses the method itself) through the same driver.
        var alembic = AlembicRenderer(dialect: .sqlite)
        do {
            _ = try alembic.body(try #require(gin.migrations.last), .up)
            Issue.record("Alembic rendered a gin index on SQLite")
        } catch let error as DiagnosticError {
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.object == "create_index")
            #expect(diagnostic.location?.file == "Specs/0002_change_t.yaml")
            #expect(diagnostic.message.hasSuffix("(alembic, sqlite)"))
        }
    }

    /// The capabilities are what the dialects do: the transactional-DDL answer of each renderer,
    /// the now() spelling of each (one test of "is this now()" for SQL, Knex and Django).
    @Test func capabilitiesMatchTheDialects() throws {
        for dialect in Dialect.allCases {
            let sql = SQLRenderer.make(dialect)
            #expect(sql.hasTransactionalDDL == dialect.capabilities.transactionalDDL)
            let now = sql.defaultExpression(.sql("NOW ()"), type: .timestamptz)
            #expect(now == (CurrentTimestamp.spelling(dialect, type: .timestamptz) ?? "NOW ()"))
        }
        #expect(CurrentTimestamp.matches("current_timestamp()"))
        #expect(!CurrentTimestamp.matches("now() + interval '1 day'"))
        #expect(Dialect.mysql.capabilities.uniqueStorage == .index && Dialect.postgresql.capabilities.uniqueStorage == .constraint)
    }

    /// No emitter reads SQL text to decide or spells a statement, and none asks which dialect it
    /// writes for outside its one traits table (`<Target>Traits.swift`) and its column-type table
    /// (a `switch (type, dialect)`): a scan of the sources, as the issue's "done when" greps them.
    @Test func emittersAskTraitsAndCapabilities() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/MGenEmit")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        let textReads = ["defer_foreign_keys", "hasPrefix(\"CREATE", "hasPrefix(\"ALTER", ".sql.contains(", "contains(\"DROP INDEX"]
        let dialectChecks = try NSRegularExpression(pattern: #"\b(dialect|d) [!=]= \.(postgresql|mysql|sqlite)\b"#)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for read in textReads { #expect(!text.contains(read), "\(file) reads SQL text: \(read)") }
            // Nor spells a statement of its own: MGenSQL builds every one (TargetStatements.swift).
            #expect(!text.contains("SQLStatement(\""), "\(file) spells SQL")
            guard !file.hasSuffix("Traits.swift") else { continue }
            let found = dialectChecks.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
            #expect(found == 0, "\(file) asks its dialect \(found) times: read a trait or a capability")
        }
    }

    /// Prisma heads each statement by its kind, which MGenSQL gives where it builds the
    /// statement (never read back from its text): a user's raw SQL is no kind MGenSQL made, even
    /// when it reads like one.
    @Test func statementKinds() throws {
        func kinds(_ dialect: Dialect, _ operations: String) throws -> [StatementKind] {
            let rendered = try SQLRenderer(dialect: dialect).render(try chain(operations))
            return try #require(rendered.last).up.map(\.kind)
        }
        #expect(try kinds(.postgresql, "  - create_index: {table: t, columns: [note], unique: true}\n") == [.createIndex])
        #expect(try kinds(.mysql, """
              - add_column: {table: t, column: {name: u, type: bigint}}
              - add_foreign_key: {table: t, columns: [u], references: {table: t, columns: [id]}}
            """) == [.alterTable, .addForeignKey])
        // MySQL adds a column's key in the same ALTER TABLE: that statement adds a foreign key.
        #expect(try kinds(.mysql, "  - add_column: {table: t, column: {name: u, type: bigint, references: {table: t, name: t_u_fk}}}\n")
                == [.addForeignKey])
        #expect(try kinds(.postgresql, "  - sql: {up: \"CREATE TABLE x (a int)\", down: \"DROP TABLE x\"}\n") == [.other])
        #expect(try kinds(.sqlite, "  - create_table: {table: u, columns: [{name: id, type: bigint, identity: true, primary_key: true}]}\n").first == .createTable)
        #expect(PrismaEmitter.heading(.alterTable) == "AlterTable")
    }
}

/// Target options are declared per target and checked before anything renders.
@Suite struct TargetOptionTests {
    @Test func unknownOrBadOptionsAreRefused() throws {
        try KnexEmitter().validate(options: ["ts": "true"])
        try ActiveRecordEmitter().validate(options: ["rails-version": "6.1"])
        #expect(throws: DiagnosticError.self) { try GooseEmitter().validate(options: ["ts": "true"]) }
        do {
            try KnexEmitter().validate(options: ["tss": "1"])
            Issue.record("a misspelt option passed")
        } catch {
            #expect(error.diagnostics.first?.message == "unknown option 'tss' for target knex (did you mean 'ts'?)")
        }
        do {
            try ActiveRecordEmitter().validate(options: ["rails-version": "9.9"])
            Issue.record("an unknown Rails version passed")
        } catch {
            #expect(error.diagnostics.first?.message.hasPrefix("--option rails-version=9.9: expected 4.2, 5.0") == true)
        }
        // Every option a target reads is declared (the registry's targets, by name).
        let declared = Dictionary(uniqueKeysWithValues: EmitterRegistry.all.map { ($0.name, Set($0.acceptedOptions.map(\.name))) })
        #expect(declared["alembic"] == ["ini", "rev-id", "head", "merge"])
        #expect(declared["django"] == ["app"] && declared["knex"] == ["ts"] && declared["typeorm"] == ["js"])
        #expect(declared["activerecord"] == ["rails-version"] && declared["goose"] == [])
    }
}

/// The built-in skeletons are exactly the files of Templates/<target>/ (found by the EmbedTemplates
/// plugin when mgen is built, not listed by hand), and every registered target has its folder.
@Suite struct TemplateDiscoveryTests {
    @Test func everyTemplateFileIsBuiltIn() throws {
        let root = packageRoot.appendingPathComponent("Templates").path
        var onDisk: Set<String> = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: root) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(root)/\(folder)", isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for file in try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)") where file.hasSuffix(".mustache") {
                onDisk.insert("\(folder)/\(file)")
            }
        }
        #expect(Set(BuiltinTemplates.files.keys) == onDisk)
        for path in onDisk {
            let text = try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
            #expect(BuiltinTemplates.text(path) == text, "\(path) is embedded byte for byte")
        }
        for emitter in EmitterRegistry.all {
            #expect(onDisk.contains { $0.hasPrefix("\(emitter.name)/") }, "target \(emitter.name) has a Templates/\(emitter.name)/ folder")
        }
    }
}
