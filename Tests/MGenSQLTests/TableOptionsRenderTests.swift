import MGenSpec
import MGenSQL
import Testing

/// spec 1.1: MySQL table options on create_table — MySQL's CREATE TABLE carries them, PostgreSQL
/// and SQLite ignore the dialect-scoped key, and what cannot be written is refused at its place.
@Suite struct TableOptionsRenderTests {
    static let tables = spec(id: "0001", """
          - create_table:
              table: notes
              mysql: {engine: InnoDB, charset: utf8mb4, collate: utf8mb4_unicode_ci}
              comment: Kept.
              columns:
                - {name: id, type: integer, primary_key: true}
        """)

    @Test func mysqlWritesThemPostgresAndSQLiteDoNot() throws {
        #expect(try render(.mysql, Self.tables)[0].upSQL[0].hasSuffix(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Kept.'"))
        #expect(try render(.postgresql, Self.tables)[0].upSQL[0].hasSuffix(")"))
        #expect(try render(.sqlite, Self.tables)[0].upSQL[0].hasSuffix(")"))
    }

    @Test func refusals() {
        func problem(_ options: String) -> String {
            do {
                _ = try SpecLoader.load(text: spec(id: "0001", """
                      - create_table:
                          table: notes
                          mysql: \(options)
                          columns: [{name: id, type: integer}]
                    """), file: "x.yaml")
                return ""
            } catch { return error.description }
        }
        #expect(problem("{engine: \"InnoDB; DROP TABLE x\"}").contains("x.yaml:7:15: error: mysql table option 'engine' must be a plain name"))
        #expect(problem("{collate: utf8mb4_bin}").contains("mysql table option 'collate' needs 'charset'"))
        #expect(problem("{}").contains("'mysql' of create_table gives no option"))
        #expect(problem("{engin: InnoDB}").contains("engin"))
    }
}
