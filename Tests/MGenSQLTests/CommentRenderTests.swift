import MGenSpec
import MGenSQL
import Testing

/// spec 1.1: comment_table — parsing, what the validator refuses, the derived down and each
/// dialect's SQL; a comment-only alter_column does not rebuild a SQLite table.
@Suite struct CommentRenderTests {
    static let tables = spec(id: "0001", """
          - create_table:
              table: shelves
              comment: Where books stand.
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: label, type: string(40), comment: The label.}
          - create_table:
              table: loans
              columns:
                - {name: id, type: integer, primary_key: true}
        """)
    static let changes = spec(id: "0002", """
          - comment_table: {table: shelves, comment: "100% oak, the 'good' ones"}
          - comment_table: {table: loans, comment: Lent out.}
          - comment_table: {table: shelves, comment: null}
          - alter_column: {table: shelves, column: label, comment: What it says.}
        """)

    @Test func postgresql() throws {
        let r = try render(.postgresql, Self.tables, Self.changes)[1]
        #expect(r.upSQL == [
            "COMMENT ON TABLE \"shelves\" IS '100% oak, the ''good'' ones'",
            "COMMENT ON TABLE \"loans\" IS 'Lent out.'",
            "COMMENT ON TABLE \"shelves\" IS NULL",
            "COMMENT ON COLUMN \"shelves\".\"label\" IS 'What it says.'",
        ])
        #expect(r.downSQL == [
            "COMMENT ON COLUMN \"shelves\".\"label\" IS 'The label.'",
            "COMMENT ON TABLE \"shelves\" IS '100% oak, the ''good'' ones'",
            "COMMENT ON TABLE \"loans\" IS NULL",
            "COMMENT ON TABLE \"shelves\" IS 'Where books stand.'",
        ])
    }

    @Test func mysql() throws {
        let r = try render(.mysql, Self.tables, Self.changes)[1]
        #expect(Array(r.upSQL.prefix(3)) == [
            "ALTER TABLE `shelves` COMMENT = '100% oak, the ''good'' ones'",
            "ALTER TABLE `loans` COMMENT = 'Lent out.'",
            "ALTER TABLE `shelves` COMMENT = ''",
        ])
        #expect(r.downSQL[2] == "ALTER TABLE `loans` COMMENT = ''")
    }

    @Test func sqliteWritesNothing() throws {
        let r = try render(.sqlite, Self.tables, Self.changes)[1]
        #expect(r.upSQL.isEmpty, "SQLite keeps no comments; a comment-only alter_column rebuilt the table before")
        #expect(r.downSQL.isEmpty)
    }

    @Test func refusals() throws {
        func first(_ operations: String) -> String? {
            do { _ = try render(.postgresql, Self.tables, spec(id: "0002", operations)); return nil } catch { return "\(error)" }
        }
        #expect(first("  - comment_table: {table: nope, comment: x}\n")?.contains("unknown table 'nope'") == true)
        #expect(first("  - comment_table: {table: loans, comment: null}\n")?.contains("table 'loans' has no comment to remove") == true)
        #expect(first("  - comment_table: {table: shelves, comment: Where books stand.}\n")?.contains("already has that comment") == true)
        #expect(first("  - comment_table: {table: shelves}\n")?.contains("missing required field 'comment'") == true)
    }
}
