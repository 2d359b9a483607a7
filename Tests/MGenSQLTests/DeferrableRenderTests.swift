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

    /// Data steps under an INITIALLY DEFERRED key or unique settle its checks once, after the run
    /// of data steps and before the schema change PostgreSQL would refuse with checks pending,
    /// both ways; a key checked per statement (INITIALLY IMMEDIATE) needs nothing.
    @Test func dataStepsSettleDeferredChecksBeforeASchemaChange() throws {
        let data = spec(id: "0002", """
              - insert: {table: children, rows: [{id: 1, parent_id: 1}]}
              - insert: {table: parents, rows: [{id: 1, slot: 1}]}
              - add_column: {table: children, column: {name: note, type: text, nullable: true}}
            """)
        let r = try render(.postgresql, Self.tables, data)[1]
        #expect(r.upSQL.count == 4 && r.upSQL[2] == "SET CONSTRAINTS ALL IMMEDIATE" && r.upSQL[3].hasPrefix("ALTER TABLE"), "\(r.upSQL)")
        #expect(r.downSQL.filter { $0 == "SET CONSTRAINTS ALL IMMEDIATE" }.count == 1 && r.downSQL.last == "SET CONSTRAINTS ALL IMMEDIATE", "\(r.downSQL)")
        let keys = spec(id: "0001", """
              - create_table: {table: parents, columns: [{name: id, type: integer, primary_key: true}]}
              - create_table: {table: children, columns: [{name: id, type: integer, primary_key: true}, {name: parent_id, type: integer, nullable: true}]}
              - add_foreign_key: {name: children_parent_ref, table: children, columns: [parent_id], references: {table: parents, columns: [id]}, deferrable: true}
            """)
        let immediate = spec(id: "0002", """
              - insert: {table: children, rows: [{id: 1, parent_id: null}]}
              - add_column: {table: children, column: {name: note, type: text, nullable: true}}
            """)
        #expect(!(try render(.postgresql, keys, immediate)[1].upSQL.contains("SET CONSTRAINTS ALL IMMEDIATE")))
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
