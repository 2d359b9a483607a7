import MGenSpec
import Testing

/// spec 1.1: generated columns and collations — parsing, validation against the replayed state,
/// the dialect rules and the derived downs.
@Suite struct GeneratedColumnSpecTests {
    let orders = spec("""
          - create_table:
              table: orders
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: price, type: "decimal(10,2)"}
                - {name: qty, type: integer}
                - {name: total, type: "decimal(12,2)", generated: {expression: price * qty}}
                - {name: code, type: string(20), collation: {postgresql: C, mysql: utf8mb4_bin, sqlite: NOCASE}}
        """)

    func second(_ operations: String) -> String { spec(id: "0002", operations) }

    @Test func parsesBothShapes() throws {
        let built = try chain(orders, second("""
              - add_column: {table: orders, column: {name: q2, type: integer, generated: {expression: {default: qty * 2}, stored: {postgresql: true, default: false}}}}
              - add_column: {table: orders, column: {name: q3, type: integer, generated: qty * 3}}
            """))
        let table = try #require(built.final.table("orders"))
        #expect(table.column("total")?.generated == GeneratedColumn(expression: DialectSQL("price * qty")))
        #expect(table.column("code")?.collation(.postgresql) == "C" && table.column("code")?.collation(.sqlite) == "NOCASE")
        let q2 = try #require(table.column("q2")?.generated)
        #expect(q2.isStored(.postgresql) && !q2.isStored(.mysql) && !q2.isStored(.sqlite))
        #expect(table.column("q3")?.generated?.isStored(.sqlite) == true)
    }

    @Test func aGeneratedColumnTakesNoDefault() {
        let d = loadDiagnostics(spec("""
              - create_table: {table: t, columns: [{name: a, type: integer}, {name: b, type: integer, default: 1, generated: a + 1}]}
            """))
        #expect(d.map(\.message) == ["generated column 'b' cannot have a default: the database computes its value"])
    }

    @Test func stateChecks() throws {
        func errors(_ operations: String) throws -> [String] { try chainDiagnostics([(orders, "0001.yaml"), (second(operations), "0002.yaml")]).map(\.message) }
        #expect(try errors("  - drop_column: {table: orders, column: qty}\n") == ["generated column 'orders.total' reads column 'qty'"])
        #expect(try errors("  - rename_column: {table: orders, column: price, to: cost}\n")
            == ["generated column 'orders.total' reads column 'price', and its expression is SQL mgen does not rewrite"])
        #expect(try errors("  - alter_column: {table: orders, column: total, nullable: false}\n")
            == ["'orders.total' is a generated column: alter_column changes only its comment"])
        #expect(try errors("  - alter_column: {table: orders, column: qty, type: bigint}\n")
            == ["generated column 'orders.total' reads column 'qty', whose type cannot change under it (PostgreSQL refuses it)"])
        #expect(try errors("  - backfill: {table: orders, set: {total: '0'}}\n")
            == ["backfill writes 'orders.total', a generated column: the database computes its value"])
        #expect(try errors("  - insert: {table: orders, rows: [{id: 1, total: 3}]}\n")
            == ["insert writes 'orders.total', a generated column: the database computes its value"])
        #expect(try errors("  - add_column: {table: orders, column: {name: g, type: integer, generated: '\"nope\" + 1'}}\n").first?
            .hasPrefix("the expression of generated column 'orders.g' reads \"nope\", which is not a column of 'orders'") == true)
        #expect(try errors("  - add_column: {table: orders, column: {name: g, type: integer, generated: total + 1}}\n")
            == ["the expression of generated column 'orders.g' reads generated column 'total'"])
        #expect(try errors("  - alter_column: {table: orders, column: id, collation: C}\n")
            == ["column 'orders.id' of type integer takes no collation"])
        #expect(try errors("  - alter_column: {table: orders, column: total, comment: computed}\n").isEmpty)
    }

    @Test func dialectRules() throws {
        let built = try chain(orders, second("""
              - add_column: {table: orders, column: {name: v, type: integer, generated: {expression: qty + 1, stored: false}}}
              - add_column: {table: orders, column: {name: s, type: integer, nullable: false, generated: qty + 2}}
              - alter_column: {table: orders, column: code, collation: {default: utf8mb4_0900_as_cs, postgresql: "en-US-x-icu"}}
            """))
        let pg = DialectRules.problems(in: built, for: .postgresql).map(\.message)
        let mysql = DialectRules.problems(in: built, for: .mysql).map(\.message)
        let sqlite = DialectRules.problems(in: built, for: .sqlite).map(\.message)
        #expect(pg == ["postgresql: PostgreSQL has only STORED generated columns ('orders.v' is virtual)"])
        #expect(mysql == ["mysql: MariaDB refuses NOT NULL on generated column 'orders.s'"])
        #expect(sqlite == ["sqlite: SQLite knows the collations BINARY, NOCASE, RTRIM, not 'utf8mb4_0900_as_cs' (column 'orders.code')"])
    }

    @Test func derivedDownRestoresTheCollation() throws {
        let built = try chain(orders, second("""
              - alter_column: {table: orders, column: code, collation: null}
            """))
        let down = try #require(built.migrations[1].down)
        guard case let .alterColumn(back) = down[0].operation else { Issue.record("\(down)"); return }
        #expect(back.collation == .set(DialectSQL(["postgresql": "C", "mysql": "utf8mb4_bin", "sqlite": "NOCASE"])))
        #expect(built.final.table("orders")?.column("code")?.collation == nil)
    }
}

extension GeneratedColumnSpecTests {
    /// MariaDB: "Function or expression 'AUTO_INCREMENT' cannot be used in the GENERATED ALWAYS AS
    /// clause" (generated seed 4, mysql): refused on mysql only.
    @Test func mysqlRefusesAGeneratedColumnReadingAnIdentity() throws {
        let built = try chain(spec("""
              - create_table: {table: t, columns: [{name: id, type: bigint, identity: true, primary_key: true}, {name: a, type: integer}]}
              - add_column: {table: t, column: {name: twice, type: bigint, generated: {expression: id * 2, stored: false}}}
              - add_column: {table: t, column: {name: a2, type: bigint, generated: {expression: a * 2, stored: {postgresql: true, default: false}}}}
            """))
        #expect(DialectRules.problems(in: built, for: .mysql).map(\.message)
            == ["mysql: generated column 't.twice' reads 'id', an AUTO_INCREMENT column, which MySQL refuses"])
        #expect(DialectRules.problems(in: built, for: .sqlite).isEmpty)
    }
}
