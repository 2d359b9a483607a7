import MGenSpec
import Testing

/// spec 1.1: add_unique using_index — what the validator refuses (the rules shared with
/// add_primary_key's using_index), the columns taken from the index, the state and the down.
@Suite struct UniqueUsingIndexSpecTests {
    static let tables = """
        mgen: 1
        id: "0001"
        name: tables
        operations:
          - create_table:
              table: b
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: x, type: integer}
                - {name: y, type: integer}
          - create_table:
              table: c
              columns:
                - {name: id, type: integer, primary_key: true}
          - create_index: {name: b_x_idx, table: b, columns: [x], unique: true}
          - create_index: {name: b_y_idx, table: b, columns: [y]}
          - create_index: {name: b_y_part, table: b, columns: [y], unique: true, where: "y > 0"}
          - create_index: {name: b_lower, table: b, columns: [{expression: "abs(y)"}], unique: true}
        """

    func problems(_ operations: String) throws -> [String] {
        try chainDiagnostics([(Self.tables, "a.yaml"), (spec(id: "0002", operations), "b.yaml")]).map(\.description)
    }

    @Test func refusals() throws {
        #expect(try problems("  - add_unique: {table: b, using_index: b_nope}\n").first?.contains("unknown index 'b_nope'") == true)
        for index in ["b_y_idx", "b_y_part", "b_lower"] {
            #expect(try problems("  - add_unique: {table: b, using_index: \(index)}\n").first?
                .contains("index '\(index)' cannot become unique constraint '\(index)' of 'b': it must be a plain unique btree index") == true, "\(index)")
        }
        #expect(try problems("  - add_unique: {table: c, using_index: b_x_idx}\n").first?.contains("cannot become unique constraint 'b_x_idx' of 'c'") == true)
        #expect(try problems("  - add_unique: {table: b, columns: [y], using_index: b_x_idx}\n").first?
            .contains("index 'b_x_idx' is on (x), not (y)") == true)
        #expect(try problems("  - add_unique: {table: b, name: c_pkey, using_index: b_x_idx}\n").first?
            .contains("a constraint named 'c_pkey' already exists") == true)
        #expect(try problems("  - create_view: {name: v_b, sql: \"SELECT 1\"}\n  - add_unique: {table: b, name: v_b, using_index: b_x_idx}\n").first?
            .contains("'v_b' is already the name of a view or sequence") == true)
        // The index is the constraint's afterwards: it cannot be dropped as an index any more.
        #expect(try problems("  - add_unique: {table: b, using_index: b_x_idx}\n  - drop_index: {name: b_x_idx}\n").first?
            .contains("unknown index 'b_x_idx'") == true)
    }

    @Test func stateAndDown() throws {
        let built = try chain(Self.tables, spec(id: "0002", "  - add_unique: {table: b, name: b_x_key, using_index: b_x_idx, deferrable: true}\n"))
        let m = built.migrations[1]
        var expected = UniqueConstraint(name: "b_x_key", table: "b", columns: ["x"])
        expected.deferrable = .immediate
        #expect(m.after.table("b")?.uniques == [expected], "the columns are the index's")
        #expect(m.after.index("b_x_idx") == nil, "the index became the constraint's")
        let down = try #require(m.down).map(\.operation)
        #expect(down == [.dropConstraint(table: "b", name: "b_x_key"), .createIndex(try #require(m.before.index("b_x_idx")), concurrently: false)])
        // The name defaults to the index's (PostgreSQL then renames nothing).
        let same = try chain(Self.tables, spec(id: "0002", "  - add_unique: {table: b, using_index: b_x_idx}\n"))
        #expect(same.migrations[1].after.table("b")?.uniques.map(\.name) == ["b_x_idx"])
    }
}
