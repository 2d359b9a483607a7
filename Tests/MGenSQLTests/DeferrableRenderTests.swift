import MGenSpec
import MGenSQL
import Testing

/// spec 1.1: deferrable foreign keys and unique constraints — parsing, each dialect's SQL, the
/// refusals naming the dialect, and a down that restores the deferrability.
@Suite struct DeferrableRenderTests {
    static let tables = spec(id: "0001", """
          - create_table:
              table: parents
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: slot, type: integer}
              unique:
                - {name: parents_slot_key, columns: [slot], deferrable: true, initially_deferred: true}
          - create_table:
              table: children
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: parent_id, type: integer, references: {table: parents, column: id, deferrable: true, initially_deferred: true}}
        """)
    static let keys = spec(id: "0001", """
          - create_table:
              table: parents
              columns:
                - {name: id, type: integer, primary_key: true}
          - create_table:
              table: children
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: parent_id, type: integer}
          - add_foreign_key: {name: children_parent_ref, table: children, columns: [parent_id], references: {table: parents, columns: [id]}, deferrable: true}
          - drop_constraint: {table: children, name: children_parent_ref}
        """)

    @Test func postgresql() throws {
        let r = try render(.postgresql, Self.tables)[0]
        #expect(r.upSQL[0].contains("CONSTRAINT \"parents_slot_key\" UNIQUE (\"slot\") DEFERRABLE INITIALLY DEFERRED"))
        #expect(r.upSQL[1].contains("CONSTRAINT \"children_parent_id_fkey\" FOREIGN KEY (\"parent_id\") REFERENCES \"parents\" (\"id\") DEFERRABLE INITIALLY DEFERRED"))
        let k = try render(.postgresql, Self.keys)[0]
        #expect(k.upSQL[2] == "ALTER TABLE \"children\" ADD CONSTRAINT \"children_parent_ref\" FOREIGN KEY (\"parent_id\") REFERENCES \"parents\" (\"id\") DEFERRABLE INITIALLY IMMEDIATE")
        #expect(k.downSQL[0] == k.upSQL[2], "the down of drop_constraint adds the key back deferrable")
    }

    @Test func sqliteForeignKeys() throws {
        let k = try render(.sqlite, Self.keys)[0]
        #expect(k.upSQL.contains { $0.contains("REFERENCES \"parents\" (\"id\") DEFERRABLE INITIALLY IMMEDIATE") })
    }

    @Test func refusals() throws {
        let mysql = try renderDiagnostics(.mysql, Self.keys).map(\.description)
        #expect(mysql.first?.contains("mysql: MySQL and MariaDB have no deferrable constraints (foreign key 'children_parent_ref' says `deferrable`)") == true, "\(mysql)")
        let sqlite = try renderDiagnostics(.sqlite, Self.tables).map(\.description)
        #expect(sqlite.first?.contains("sqlite: SQLite has no deferrable unique constraints (unique constraint 'parents_slot_key' says `deferrable`)") == true, "\(sqlite)")
        #expect(try renderDiagnostics(.postgresql, Self.tables).isEmpty)
        do {
            _ = try SpecLoader.load(text: spec(id: "0001", """
                  - add_unique: {table: t, columns: [a], initially_deferred: true}
                """), file: "x.yaml")
            Issue.record("initially_deferred without deferrable must be refused")
        } catch {
            #expect(error.description.contains("x.yaml:5:42: error: initially_deferred needs deferrable: true in add_unique"), "\(error.description)")
        }
    }
}
