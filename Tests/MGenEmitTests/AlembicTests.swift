import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// The Alembic target: revision ids, chaining on the `down_revision` graph, heads, and files that
/// are valid Python with the imports Alembic's own generator writes.
@Suite struct AlembicTests {
    func spec(_ id: String, _ name: String, table: String) throws -> Migration {
        try SpecLoader.load(text: """
            mgen: 1
            id: "\(id)"
            name: \(name)
            created: 2025-03-01T10:00:00Z
            operations:
              - create_table:
                  table: \(table)
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
            """, file: "Specs/\(id)_\(name).yaml")
    }

    @discardableResult
    func emit(_ specs: [Migration], _ folder: String, dialect: Dialect = .postgresql, options: [String: String] = [:],
              force: Bool = false) throws -> EmitPlan {
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: AlembicEmitter(),
                                       options: EmitOptions(dialect: dialect, output: folder, targetOptions: options))
        try EmitEngine.write(plan, force: force)
        return plan
    }

    func variable(_ name: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("\(name): ") }.flatMap { $0.split(separator: "=", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func revisionIdsAreDerivedFromTheSpecId() throws {
        // The first 12 hex digits of sha256("mgen:0001").
        #expect(AlembicEmitter.revision(for: "0001") == String(SHA256.hex(Array("mgen:0001".utf8)).prefix(12)))
        #expect(AlembicEmitter.revision(for: "0001").count == 12)
        let folder = try temporaryFolder("alembic-ids")
        let plan = try emit([try spec("0001", "create_a", table: "a")], folder)
        let revision = AlembicEmitter.revision(for: "0001")
        #expect(plan.entries.map(\.version) == [revision])
        let text = try #require(filesUnder(folder)["\(revision)_create_a.py"])
        #expect(variable("revision", in: text) == "'\(revision)'")
        #expect(variable("down_revision", in: text) == "None")
        #expect(text.hasPrefix("\"\"\"create_a\n\nRevision ID: \(revision)\nRevises: \nCreate Date: 2025-03-01 10:00:00+00:00\n"))
    }

    @Test func secondEmitChainsOntoTheFirst() throws {
        let folder = try temporaryFolder("alembic-chain")
        let a = try spec("0001", "create_a", table: "a"), b = try spec("0002", "create_b", table: "b")
        try emit([a], folder)
        // The folder's head is the parent: here the new spec alone is emitted.
        try emit([b], folder)
        let files = filesUnder(folder)
        let second = try #require(files["\(AlembicEmitter.revision(for: "0002"))_create_b.py"])
        #expect(variable("down_revision", in: second) == "'\(AlembicEmitter.revision(for: "0001"))'")
        #expect(second.contains("Revises: \(AlembicEmitter.revision(for: "0001"))\n"))
        let disk = try AlembicEmitter().scan(folder)
        #expect(disk.map(\.specID) == ["0001", "0002"])
    }

    @Test func wholeChainEmittedAgainAddsOnlyTheNewRevision() throws {
        let folder = try temporaryFolder("alembic-rechain")
        let a = try spec("0001", "create_a", table: "a"), b = try spec("0002", "create_b", table: "b")
        try emit([a], folder)
        // A revision already on disk keeps its own parent, so it renders unchanged.
        let plan = try emit([a, b], folder)
        #expect(plan.entries.map(\.status) == [.unchanged, .new])
    }

    @Test func revIdOptionNamesOneNewRevision() throws {
        let folder = try temporaryFolder("alembic-revid")
        let plan = try emit([try spec("0001", "create_a", table: "a")], folder, options: ["rev-id": "ae1027a6acf"])
        #expect(plan.entries.map(\.version) == ["ae1027a6acf"])
        #expect(filesUnder(folder)["ae1027a6acf_create_a.py"] != nil)
        let two = [try spec("0001", "create_a", table: "a"), try spec("0002", "create_b", table: "b")]
        let error = try #require(throws: DiagnosticError.self) { try emit(two, try temporaryFolder("alembic-revid2"), options: ["rev-id": "x1"]) }
        #expect(error.diagnostics.first?.message.contains("names one revision") == true)
        #expect(throws: DiagnosticError.self) { try emit([two[0]], try temporaryFolder("alembic-revid3"), options: ["rev-id": "bad-id"]) }
    }

    /// A hand-written history: base, then two branches (two heads).
    func branchedFolder() throws -> String {
        let folder = try temporaryFolder("alembic-heads")
        let files = [
            ("1975ea83b712_base.py", "revision = '1975ea83b712'\ndown_revision = None\n"),
            // Annotated variables and double quotes, as Alembic 1.13+ writes them.
            ("27c6a30d7c24_left.py", "revision: str = \"27c6a30d7c24\"\ndown_revision: Union[str, Sequence[str], None] = \"1975ea83b712\"  # left\n"),
            ("0a1b2c3d4e5f_right.py", "revision = '0a1b2c3d4e5f'\ndown_revision = ('1975ea83b712',)\n"),
        ]
        for (name, text) in files { try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8) }
        return folder
    }

    @Test func scanOrdersByTheRevisionGraph() throws {
        let folder = try temporaryFolder("alembic-scan")
        try "revision = 'b2'\ndown_revision = 'a1'\n".write(toFile: "\(folder)/0_second.py", atomically: true, encoding: .utf8)
        try "revision = 'a1'\ndown_revision = None\n".write(toFile: "\(folder)/9_first.py", atomically: true, encoding: .utf8)
        try "# not a revision\n".write(toFile: "\(folder)/helpers.py", atomically: true, encoding: .utf8)
        #expect(try AlembicEmitter().scan(folder).map(\.version) == ["a1", "b2"])
        try "revision = 'c3'\ndown_revision = 'zz'\n".write(toFile: "\(folder)/c3_dangling.py", atomically: true, encoding: .utf8)
        #expect(throws: DiagnosticError.self) { _ = try AlembicEmitter().scan(folder) }
    }

    @Test func severalHeadsAreRefusedUnlessOneIsChosenOrMerged() throws {
        let new = try spec("0001", "create_a", table: "a")
        let error = try #require(throws: DiagnosticError.self) { try emit([new], try branchedFolder()) }
        #expect(error.diagnostics.first?.message.contains("2 heads (0a1b2c3d4e5f, 27c6a30d7c24)") == true)
        #expect(error.diagnostics.first?.fix?.contains("--option head=<rev>") == true)

        let chosen = try branchedFolder()
        try emit([new], chosen, options: ["head": "27c6a30d7c24"])
        let text = try #require(filesUnder(chosen)["\(AlembicEmitter.revision(for: "0001"))_create_a.py"])
        #expect(variable("down_revision", in: text) == "'27c6a30d7c24'")
        #expect(throws: DiagnosticError.self) { try emit([new], try branchedFolder(), options: ["head": "1975ea83b712"]) }

        let merged = try branchedFolder()
        try emit([new], merged, options: ["merge": "1"])
        let mergeText = try #require(filesUnder(merged)["\(AlembicEmitter.revision(for: "0001"))_create_a.py"])
        #expect(variable("down_revision", in: mergeText) == "('0a1b2c3d4e5f', '27c6a30d7c24')")
        #expect(mergeText.contains("Revises: 0a1b2c3d4e5f, 27c6a30d7c24\n"))
        #expect(try AlembicEmitter().scan(merged).map(\.specID).last == "0001")
    }

    @Test func specMarkerIsReadBackForCheck() throws {
        let folder = try temporaryFolder("alembic-check")
        let specs = [try spec("0001", "create_a", table: "a")]
        try emit(specs, folder)
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: AlembicEmitter(),
                                       options: EmitOptions(dialect: .postgresql, output: folder))
        #expect(EmitEngine.check(plan).isEmpty)
    }

    /// Every file of the example chain compiles, and its imports are exactly Alembic's template
    /// lines plus the dialect modules it uses, in the order `alembic revision --autogenerate` writes.
    @Test(arguments: Dialect.allCases)
    func emittedFilesCompileAndImportWhatTheyUse(dialect: Dialect) throws {
        let folder = try temporaryFolder("alembic-compile")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(try exampleChain(), emitter: AlembicEmitter(),
                                             options: EmitOptions(dialect: dialect, output: folder)), force: false)
        let files = filesUnder(folder)
        #expect(files.count == 11)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let first = lines.firstIndex(of: "from typing import Sequence, Union"),
                  let marker = lines.firstIndex(of: "# revision identifiers, used by Alembic.") else {
                Issue.record("\(name): no import block"); continue
            }
            let imports = lines[first..<marker].filter { !$0.isEmpty }
            let body = lines[marker...].joined(separator: "\n")
            let modules = ["postgresql", "mysql", "sqlite"].filter { body.contains("\($0).") }
            #expect(imports == ["from typing import Sequence, Union", "from alembic import op", "import sqlalchemy as sa"]
                + modules.map { "from sqlalchemy.dialects import \($0)" }, "\(name)")
            #expect(body.contains("op."), "\(name) uses op")
        }
        let python = pythonExecutable()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-W", "error", "-m", "py_compile"] + files.keys.sorted().map { "\(folder)/\($0)" }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "py_compile failed for \(dialect):\n\(message)")
    }

    func pythonExecutable() -> String {
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3"
    }

    /// spec 1.1: schemas. A table of another schema is made and dropped with Alembic's own
    /// `schema=` (a key into it as "billing.invoices.id"), and so is every step on it that an
    /// `op.*` call takes `schema=` for (before, only create/drop_table; the rest was op.execute).
    @Test func tablesOfASchemaUseSchemaKeyword() throws {
        let migration = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: billing
            created: 2025-03-01T10:00:00Z
            operations:
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_table:
                  schema: billing
                  table: refunds
                  columns:
                    - {name: id, type: bigint, primary_key: true}
                    - {name: invoice_id, type: bigint, references: {schema: billing, table: invoices, columns: [id]}}
              - add_column: {schema: billing, table: invoices, column: {name: note, type: text}}
              - create_index: {schema: billing, table: invoices, name: invoices_note_idx, columns: [note]}
              - add_check: {schema: billing, table: invoices, name: invoices_note_short, expression: "length(note) < 100"}
              - add_unique: {schema: billing, table: invoices, name: invoices_note_key, columns: [note]}
              - comment_table: {schema: billing, table: invoices, comment: Bills}
              - create_table: {table: orders, columns: [{name: id, type: bigint, primary_key: true}, {name: invoice_id, type: bigint}]}
              - add_foreign_key: {table: orders, columns: [invoice_id], references: {schema: billing, table: invoices, columns: [id]}}
              - rename_column: {schema: billing, table: invoices, column: note, to: memo}
              - rename_table: {schema: billing, table: refunds, to: credits}
            """, file: "Specs/0001_billing.yaml")
        let folder = try temporaryFolder("alembic-schemas")
        try emit([migration], folder)
        let text = try #require(filesUnder(folder).values.first)
        #expect(text.contains("    op.create_table(\n        'invoices',"), "\(text)")
        #expect(text.contains("        schema='billing',\n    )"), "\(text)")
        #expect(text.contains("sa.ForeignKeyConstraint(['invoice_id'], ['billing.invoices.id'], name='refunds_invoice_id_fkey')"), "\(text)")
        #expect(text.contains("op.drop_table('refunds', schema='billing')"), "\(text)")
        #expect(text.contains("op.drop_table('invoices', schema='billing')"), "\(text)")
        #expect(text.contains("op.add_column('invoices', sa.Column('note', sa.Text(), nullable=True), schema='billing')"), "\(text)")
        #expect(text.contains("op.create_index('invoices_note_idx', 'invoices', ['note'], unique=False, schema='billing')"), "\(text)")
        #expect(text.contains("op.drop_index('invoices_note_idx', table_name='invoices', schema='billing')"), "\(text)")
        #expect(text.contains("op.create_check_constraint('invoices_note_short', 'invoices', 'length(note) < 100', schema='billing')"), "\(text)")
        #expect(text.contains("op.create_unique_constraint('invoices_note_key', 'invoices', ['note'], schema='billing')"), "\(text)")
        #expect(text.contains("op.drop_constraint('invoices_note_key', 'invoices', type_='unique', schema='billing')"), "\(text)")
        #expect(text.contains("op.create_table_comment('invoices', 'Bills', schema='billing')"), "\(text)")
        #expect(text.contains("op.create_foreign_key('orders_invoice_id_fkey', 'orders', 'invoices', ['invoice_id'], ['id'], referent_schema='billing')"), "\(text)")
        #expect(text.contains("op.alter_column('invoices', 'note', schema='billing', new_column_name='memo'"), "\(text)")
        #expect(text.contains("op.rename_table('refunds', 'credits', schema='billing')"), "\(text)")
        #expect(text.contains("op.drop_column('invoices', 'note', schema='billing')"), "\(text)")
        #expect(!text.contains("op.execute('ALTER TABLE"), "\(text)")
    }
}
