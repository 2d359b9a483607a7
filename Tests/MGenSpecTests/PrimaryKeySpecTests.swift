import MGenSpec
import Testing

/// spec 1.1: add_primary_key / drop_primary_key — what the validator refuses and the downs.
@Suite struct PrimaryKeySpecTests {
    static let tables = """
        mgen: 1
        id: "0001"
        name: tables
        operations:
          - create_table:
              table: a
              columns:
                - {name: id, type: integer, primary_key: true, identity: true}
                - {name: code, type: string(10), nullable: false}
                - {name: note, type: text}
          - create_table:
              table: b
              columns:
                - {name: x, type: integer, nullable: false}
                - {name: y, type: integer}
                - {name: a_code, type: string(10), nullable: false}
          - create_index: {name: b_x_key, table: b, columns: [x], unique: true}
          - create_index: {name: b_y_idx, table: b, columns: [y]}
          - create_table:
              table: c
              columns:
                - {name: k, type: integer, primary_key: true}
                - {name: a_id, type: integer, references: {table: a, column: id}}
        """

    func problems(_ operations: String) throws -> [String] {
        try chainDiagnostics([(Self.tables, "a.yaml"), (spec(id: "0002", operations), "b.yaml")]).map(\.description)
    }

    @Test func refusals() throws {
        #expect(try problems("  - add_primary_key: {table: a, columns: [code]}\n").first?
            .contains("table 'a' already has primary key 'a_pkey' (id)\n  fix: drop it first with drop_primary_key: {table: a}") == true)
        #expect(try problems("  - add_primary_key: {table: b, columns: [y]}\n").first?
            .contains("column 'b.y' is nullable; a primary key column must be NOT NULL\n  fix: make it NOT NULL first: alter_column: {table: b, column: y, nullable: false}") == true)
        #expect(try problems("  - add_primary_key: {table: b, columns: [a_code], using_index: b_x_key}\n").first?
            .contains("index 'b_x_key' cannot become the primary key of 'b'") == true)
        #expect(try problems("  - add_primary_key: {table: b, columns: [x], using_index: b_nope}\n").first?.contains("unknown index 'b_nope'") == true)
        #expect(try problems("  - drop_primary_key: {table: b}\n").first?.contains("table 'b' has no primary key") == true)
        let identity = try problems("  - drop_primary_key: {table: a}\n")
        #expect(identity.contains { $0.contains("column 'a.id' is an identity column") })
        #expect(identity.contains { $0.contains("primary key 'a_pkey' of 'a' is referenced by foreign key 'c_a_id_fkey' of table 'c'") })
        #expect(try problems("  - drop_constraint: {table: c, name: c_pkey}\n").first?.contains("fix: use drop_primary_key: {table: c}") == true)
    }

    @Test func downs() throws {
        let built = try chain(Self.tables, spec(id: "0002", """
              - add_primary_key: {table: b, columns: [x], using_index: b_x_key}
              - drop_primary_key: {table: c}
              - add_primary_key: {table: c, columns: [k], name: c_k_pk}
            """))
        let m = built.migrations[1]
        #expect(m.after.table("b")?.primaryKey == PrimaryKey(name: "b_pkey", columns: ["x"]))
        #expect(m.after.index("b_x_key") == nil, "the index became the key")
        #expect(m.after.table("c")?.primaryKey?.name == "c_k_pk")
        let down = try #require(m.down).map(\.operation)
        #expect(down.map(\.kind) == ["drop_primary_key", "add_primary_key", "drop_primary_key", "create_index"])
        guard case let .addPrimaryKey(restored) = down[1] else { Issue.record("\(down)"); return }
        #expect(restored.key == PrimaryKey(name: "c_pkey", columns: ["k"]))
    }
}
