import MGenSpec
import Testing

/// spec 1.1: data steps — what the loader and the validator refuse, and the downs they derive.
@Suite struct DataStepSpecTests {
    static let lookup = """
        mgen: 1
        id: "0001"
        name: lookup
        operations:
          - create_table:
              table: kinds
              columns:
                - {name: id, type: smallint, primary_key: true}
                - {name: label, type: string(5), nullable: false}
                - {name: tier, type: "enum(a,b)"}
                - {name: price, type: "decimal(4,2)"}
                - {name: born, type: date}
          - create_table:
              table: loose
              columns:
                - {name: x, type: integer}
        """

    func problems(_ operations: String) throws -> [String] {
        try chainDiagnostics([(Self.lookup, "a.yaml"), (spec(id: "0002", operations), "b.yaml")]).map(\.description)
    }

    @Test func literalsMustFitTheirColumns() throws {
        let found = try problems("""
              - insert:
                  table: kinds
                  rows:
                    - {id: 40000, label: toolong, tier: c, price: 123.456, born: "31.01.2024"}
                    - {id: 2, label: null}
                    - {id: "3", label: ok}
            """)
        #expect(found.contains { $0.contains("row 1 of insert into 'kinds': 40000 does not fit column 'id' (smallint): out of range") })
        #expect(found.contains { $0.contains("'toolong' does not fit column 'label' (string(5)): 7 characters, more than 5") })
        #expect(found.contains { $0.contains("'c' does not fit column 'tier' (enum(a,b)): not one of a, b") })
        #expect(found.contains { $0.contains("123.456 does not fit column 'price' (decimal(4,2)): more than 2 digits before the point") })
        #expect(found.contains { $0.contains("not a date (YYYY-MM-DD)") })
        #expect(found.contains { $0.contains("row 2 of insert into 'kinds' puts null in NOT NULL column 'label'") })
        #expect(found.contains { $0.contains("row 3 of insert into 'kinds': '3' does not fit column 'id' (smallint): a quoted text; write numbers and booleans unquoted") })
        #expect(found.allSatisfy { $0.hasPrefix("b.yaml:7:7: error: row ") }, "every problem at `rows`, naming its row: \(found)")
    }

    @Test func rowsNeedAKeyToBeUndone() throws {
        #expect(try problems("  - insert: {table: loose, rows: [{x: 1}]}\n") == [
            "b.yaml:5:14: error: insert into 'loose' needs the columns that identify its rows: the table has no primary key\n"
                + "  fix: add `key: [<column>, ...]` naming columns whose values pick out exactly these rows",
        ])
        #expect(try problems("  - insert: {table: loose, key: [x], rows: [{x: 1}]}\n").isEmpty)
        let missing = try problems("  - insert: {table: kinds, rows: [{label: a}, {id: 1, label: b}, {id: 1, label: c}]}\n")
        #expect(missing.contains { $0.contains("row 1 of insert into 'kinds' has no value for key column 'id'") })
        #expect(missing.contains { $0.contains("row 3 of insert into 'kinds' repeats the key of an earlier row (id)") })
        let sqlKey = try problems("  - insert: {table: kinds, rows: [{id: {sql: \"1 + 1\"}, label: a}]}\n")
        #expect(sqlKey.contains { $0.contains("gives key column 'id' an SQL expression") })
    }

    @Test func unknownNamesAreErrors() throws {
        #expect(try problems("  - insert: {table: kind, rows: [{id: 1, label: a}]}\n").first?.hasPrefix("b.yaml:5:14: error: unknown table 'kind' (did you mean 'kinds'?)") == true)
        #expect(try problems("  - insert: {table: kinds, rows: [{id: 1, label: a, nope: 1}]}\n").first?.contains("unknown column 'nope' in table 'kinds'") == true)
        #expect(try problems("  - update: {table: kinds, from: lose, on: \"lose.x = kinds.id\", set: {label: \"'x'\"}}\n").first?
            .contains("unknown table 'lose' (did you mean 'loose'?)") == true)
        #expect(try problems("  - update: {table: kinds, set: {lable: \"'x'\"}}\n").first?.contains("unknown column 'lable'") == true)
        #expect(try problems("  - delete: {table: kinds, rows: [{id: 1}]}\n").first?.contains("has no value for NOT NULL column 'label', which has no default") == true)
    }

    @Test func loaderRefusesHalfAJoinAndADeleteWithoutWhere() {
        let join = loadDiagnostics(spec("  - update: {table: t, from: u, set: {a: \"1\"}}\n")).map(\.description)
        #expect(join.first?.contains("an update from another table needs both `from: <table>` and `on: <join condition>`") == true)
        let delete = loadDiagnostics(spec("  - delete: {table: t}\n")).map(\.description)
        #expect(delete.first?.contains("missing required field 'where' (or 'rows') in delete") == true)
        let both = loadDiagnostics(spec("  - delete: {table: t, where: \"1 = 1\", rows: [{id: 1}]}\n")).map(\.description)
        #expect(both.first?.contains("either `rows`") == true)
    }

    @Test func derivedDowns() throws {
        let planned = try chain(Self.lookup, spec(id: "0002", """
              - insert: {table: kinds, rows: [{id: 1, label: a}, {id: 2, label: b}]}
              - update: {table: kinds, set: {label: "'z'"}, where: "id = 2"}
            """)).migrations[1]
        let down = try #require(planned.down).map(\.operation)
        #expect(down.count == 1)
        guard case let .delete(delete)? = down.first, case let .rows(rows) = delete.selection else { Issue.record("\(down)"); return }
        #expect(rows.key == ["id"] && rows.rows.count == 2)
        #expect(planned.dataLoss == ["update kinds: the down leaves the new values (label)"])
        // A delete by where without a down cannot be undone: the spec must say so.
        #expect(throws: DiagnosticError.self) {
            try chain(Self.lookup, spec(id: "0002", "  - delete: {table: kinds, where: \"id > 1\"}\n"))
        }
        let irreversible = try chain(Self.lookup, spec(id: "0002", "  - delete: {table: kinds, where: \"id > 1\"}\n", extra: "irreversible: \"prunes rows\"\n"))
        #expect(irreversible.migrations[1].down == nil)
    }
}

extension DataStepSpecTests {
    /// A column of an enum type takes the type's values, quoted, like an inline enum (was refused:
    /// "a quoted text"; found by the import of an INSERT into such a column).
    @Test func enumTypeColumnsTakeTheTypesValues() throws {
        let found = try chainDiagnostics([(spec(id: "0001", """
              - create_enum_type: {name: state, values: [draft, sent]}
              - create_table:
                  table: invoices
                  columns:
                    - {name: id, type: integer, primary_key: true}
                    - {name: state, type: {enum_type: state}, nullable: false}
              - insert:
                  table: invoices
                  rows:
                    - {id: 1, state: sent}
                    - {id: 2, state: void}
            """), "a.yaml")]).map(\.description)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("row 2 of insert into 'invoices': 'void' does not fit column 'state' (enum_type(state)): not one of draft, sent") == true, "\(found)")
    }
}
