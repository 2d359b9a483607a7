import Foundation
@testable import MGenEmit
import MGenSQL
import MGenSpec
import MGenTestSupport
import Testing

/// The ActiveRecord target: names, the Migration[x] option, literals, change vs up/down, reading
/// db/migrate back. The golden files hold the whole output; these pin the rules.
@Suite struct ActiveRecordTests {
    func emit(_ dialect: Dialect, options: [String: String] = [:], chain: MigrationChain? = nil) throws -> (String, EmitPlan) {
        let output = try temporaryFolder("activerecord")
        let plan = try EmitEngine.plan(try chain ?? exampleChain(), emitter: ActiveRecordEmitter(),
                                       options: EmitOptions(dialect: dialect, output: output, targetOptions: options))
        try EmitEngine.write(plan, force: false)
        return (output, plan)
    }

    @Test func literals() {
        #expect(Ruby.string("it's \"#{x}\"\n\\") == "\"it's \\\"\\#{x}\\\"\\n\\\\\"")
        #expect(Ruby.symbol("created_at") == ":created_at")
        #expect(Ruby.symbol("2fa") == ":\"2fa\"")
        #expect(Ruby.symbols(["a", "b"]) == "[:a, :b]")
        #expect(Ruby.camelize("add_users_email") == "AddUsersEmail")
        #expect(Ruby.camelize("a__b_2c") == "AB2c")
        #expect(Ruby.execute("DROP TABLE \"a\"") == ["execute 'DROP TABLE \"a\"'"])
        #expect(Ruby.execute("UPDATE a SET b = 'x'") == ["execute \"UPDATE a SET b = 'x'\""])
        // A heredoc whose terminator never appears in the SQL, which arrives byte for byte.
        #expect(Ruby.execute("SELECT 1\nSQL\n#{x} \\n") == ["execute <<~'SQL_'", "  SELECT 1", "  SQL", "  #{x} \\n", "SQL_"])
    }

    /// The bracket follows `rails-version`; nothing else in the file depends on it.
    @Test func railsVersionOnlyChangesTheBracket() throws {
        let (a, planA) = try emit(.postgresql)
        let (b, planB) = try emit(.postgresql, options: ["rails-version": "6.1"])
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        let filesA = planA.entries.flatMap(\.files), filesB = planB.entries.flatMap(\.files)
        #expect(filesA.map(\.path) == filesB.map(\.path))
        for (x, y) in zip(filesA, filesB) {
            #expect(x.contents.contains("< ActiveRecord::Migration[7.1]"))
            #expect(x.contents.replacingOccurrences(of: "Migration[7.1]", with: "Migration[6.1]") == y.contents)
        }
    }

    @Test func rejectsUnknownRailsVersion() throws {
        #expect(throws: DiagnosticError.self) { try emit(.sqlite, options: ["rails-version": "7"]) }
        #expect(throws: DiagnosticError.self) { try emit(.sqlite, options: ["rails-version": "9.9"]) }
    }

    /// File names, class names and markers, read back in Rails' (numeric) order; a second emit
    /// finds every file unchanged (what `mgen emit --check` relies on).
    @Test func scanReadsBackWhatWasWritten() throws {
        let (folder, plan) = try emit(.mysql)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scanned = try ActiveRecordEmitter().scan(folder)
        #expect(scanned.map(\.specID) == plan.entries.map(\.specID))
        #expect(scanned.first?.files == ["20250115090000_create_users.rb"])
        #expect(scanned.first?.name == "create_users")
        #expect(scanned.first { $0.specID == "0005" }?.upTransactional == false)
        let again = try EmitEngine.plan(try exampleChain(), emitter: ActiveRecordEmitter(), options: EmitOptions(dialect: .mysql, output: folder))
        #expect(EmitEngine.check(again).isEmpty)
        let text = try String(contentsOfFile: "\(folder)/20250115090000_create_users.rb", encoding: .utf8)
        #expect(text.contains("class CreateUsers < ActiveRecord::Migration[7.1]"))
        #expect(SQLFiles.readMarker(text)?.id == "0001")
    }

    /// `change` where Rails can reverse every call itself; up/down where it cannot (SQLite's
    /// remove_column copies the table, so add_column there gets an explicit down).
    @Test func changeOrUpDown() throws {
        let (pg, planPG) = try emit(.postgresql)
        let (lite, planLite) = try emit(.sqlite)
        defer { try? FileManager.default.removeItem(atPath: pg); try? FileManager.default.removeItem(atPath: lite) }
        func text(_ plan: EmitPlan, _ id: String) -> String { plan.entries.first { $0.specID == id }?.files.first?.contents ?? "" }
        // The timeouts open the transaction both ways: a reversible block first for up, one last for down.
        #expect(text(planPG, "0002").contains("""
              def change
                reversible do |dir|
                  dir.up do
                    execute "SET LOCAL lock_timeout = '5s'"
                    execute "SET LOCAL statement_timeout = '10min'"
                  end
                end

                add_column :users, :email, :string, limit: 255

                reversible do |dir|
                  dir.down do
                    execute "SET LOCAL lock_timeout = '5s'"
                    execute "SET LOCAL statement_timeout = '10min'"
                  end
                end
              end
            """))
        #expect(text(planLite, "0002").contains("  def up\n    add_column :users, :email, :string, limit: 255\n  end\n\n  def down\n    execute 'ALTER TABLE \"users\" DROP COLUMN \"email\"'\n  end"))
        #expect(text(planPG, "0005").contains("disable_ddl_transaction!"))
        #expect(text(planPG, "0005").contains("algorithm: :concurrently"))
        // Split around its VALIDATE: `def up` / `def down`, each part in a transaction with its timeouts.
        #expect(text(planPG, "0011").contains("  transaction do\n      execute \"SET LOCAL lock_timeout = '5s'\"\n      validate_foreign_key :posts, name: \"posts_editor_id_fkey\"\n    end"))
    }

    /// Raw SQL without a down: `up` plus a `down` that raises, as Rails spells irreversible.
    @Test func irreversible() throws {
        let spec = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: seed_flags
            created: 2025-01-15T09:00:00Z
            irreversible: data only
            operations:
              - sql: {up: "SELECT 1"}
            """, file: "x.yaml")
        let (folder, plan) = try emit(.sqlite, chain: try MigrationChain.build([spec]))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = plan.entries.first?.files.first?.contents ?? ""
        #expect(text.contains("  def up\n    execute \"SELECT 1\"\n  end"))
        #expect(text.contains("raise ActiveRecord::IrreversibleMigration, \"data only\""))
        #expect(try ActiveRecordEmitter().scan(folder).first?.down == nil)
    }

    /// spec 1.1: schemas. Rails 6.1 takes "billing.invoices" in its table calls on PostgreSQL: a
    /// table of another schema is made, altered and dropped with them (before, every step on it was
    /// `execute`), its key keeps PostgreSQL's own name (`invoices_pkey`, no rename of a qualified
    /// one); rename_table stays `execute`, as in the default schema. SchemaTests run it on the database.
    @Test func tablesOfASchemaUseQualifiedNames() throws {
        let spec = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: billing
            created: 2025-03-01T10:00:00Z
            operations:
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}, {name: total, type: integer}]}
              - add_column: {schema: billing, table: invoices, column: {name: note, type: text}}
              - create_index: {schema: billing, table: invoices, name: invoices_note_idx, columns: [note]}
              - add_check: {schema: billing, table: invoices, name: invoices_total_positive, expression: "total >= 0"}
              - create_table: {table: orders, columns: [{name: id, type: bigint, primary_key: true}, {name: invoice_id, type: bigint}, {name: amount, type: "decimal(10,2)", default: 0}]}
              - add_foreign_key: {table: orders, columns: [invoice_id], references: {schema: billing, table: invoices, columns: [id]}}
              - comment_table: {schema: billing, table: invoices, comment: Bills}
              - rename_table: {schema: billing, table: invoices, to: bills}
            """, file: "x.yaml")
        let (folder, plan) = try emit(.postgresql, chain: try MigrationChain.build([spec]))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let text = plan.entries.first?.files.first?.contents ?? ""
        #expect(text.contains("create_table \"billing.invoices\", id: false do |t|"), "\(text)")
        #expect(!text.contains("RENAME CONSTRAINT \"billing\".\"invoices_pkey\""), "\(text)")
        #expect(text.contains("add_column \"billing.invoices\", :note, :text"), "\(text)")
        #expect(text.contains("add_index \"billing.invoices\", :note, name: \"invoices_note_idx\""), "\(text)")
        #expect(text.contains("add_check_constraint \"billing.invoices\", \"total >= 0\", name: \"invoices_total_positive\""), "\(text)")
        #expect(text.contains("add_foreign_key :orders, \"billing.invoices\", column: :invoice_id"), "\(text)")
        #expect(text.contains("change_table_comment \"billing.invoices\""), "\(text)")
        // Rails writes a number for a decimal as BigDecimal (`DEFAULT 0.0`); mgen's SQL says 0.
        #expect(text.contains("t.decimal :amount, precision: 10, scale: 2, default: -> { \"0\" }"), "\(text)")
        #expect(text.contains("execute 'ALTER TABLE \"billing\".\"invoices\" RENAME TO \"bills\"'"), "\(text)")
    }
}
