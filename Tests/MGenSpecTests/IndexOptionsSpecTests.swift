import MGenSpec
import Testing

/// spec 1.1: index key order and options — what the loader reads, refuses and keeps in the state.
@Suite struct IndexOptionsSpecTests {
    @Test func operatorClassInAnExpressionIsAnErrorPointingToOpclass() {
        let found = loadDiagnostics(spec("  - create_index: {table: posts, columns: [{expression: \"title gin_trgm_ops\"}], method: gin}\n"))
            .map(\.description)
        #expect(found == [
            "x.yaml:5:45: error: the expression 'title gin_trgm_ops' ends in the operator class 'gin_trgm_ops'\n"
                + "  fix: write `{column: title, opclass: gin_trgm_ops}` (or `{expression: \"…\", opclass: gin_trgm_ops}`)",
        ])
        let order = loadDiagnostics(spec("  - create_index: {table: posts, columns: [{expression: \"created_at DESC\"}]}\n")).map(\.description)
        #expect(order.first?.contains("ends in a sort order\n  fix: write `{column: created_at, order: desc}`") == true)
        let nulls = loadDiagnostics(spec("  - create_index: {table: posts, columns: [{expression: \"a nulls last\"}]}\n")).map(\.description)
        #expect(nulls.first?.contains("ends in a NULL order") == true)
    }

    @Test func badOptionsAreRefused() {
        let found = loadDiagnostics(spec("""
              - create_index:
                  table: posts
                  columns: [{column: a, order: down}, {column: b, nulls: middle}, {expression: "lower(c)", length: 3}, {column: d, expression: "x"}]
            """)).map(\.description)
            + loadDiagnostics(spec("  - create_index: {table: posts, columns: [a], with: [fillfactor]}\n")).map(\.description)
        #expect(found.contains { $0.contains("'order' of an index part is asc or desc, not 'down'") })
        #expect(found.contains { $0.contains("'nulls' of an index part is first or last, not 'middle'") })
        #expect(found.contains { $0.contains("a prefix `length` applies to a column, not an expression") })
        #expect(found.contains { $0.contains("an index part names one `column` or one `expression`") })
        #expect(found.contains { $0.contains("'with' of create_index maps storage parameters to values") })
    }

    @Test func optionsLiveInTheStateAndTheDown() throws {
        let table = "  - create_table: {table: posts, columns: [{name: id, type: integer, primary_key: true}, {name: title, type: text}, {name: n, type: integer}]}\n"
        let built = try chain(spec(table), spec(id: "0002", """
              - create_index: {name: ix, table: posts, columns: [{column: n, order: desc, nulls: last}, {column: title, opclass: text_pattern_ops}], include: [id], with: {fillfactor: 70}}
            """), spec(id: "0003", "  - drop_index: {name: ix}\n  - rename_column: {table: posts, column: id, to: key}\n"))
        let index = try #require(built.migrations[1].after.index("ix"))
        #expect(index.keyOptions == [IndexKeyOptions(descending: true, nulls: .last), IndexKeyOptions(opclass: "text_pattern_ops")])
        #expect(index.include == ["id"] && index.storage == [StorageParameter(name: "fillfactor", value: "70")])
        // The down of the drop brings the index back with every option.
        guard case let .createIndex(restored, _)? = built.migrations[2].down?.last?.operation else { Issue.record("no create_index in the down"); return }
        #expect(restored == index)
        // An included column that does not exist is an error at `include`.
        let problems = try chainDiagnostics([(spec(table), "a.yaml"),
                                             (spec(id: "0002", "  - create_index: {table: posts, columns: [n], include: [nope]}\n"), "b.yaml")])
        #expect(problems.first?.description.contains("unknown column 'nope' in table 'posts'") == true)
    }
}
