// spec 1.1: enum types — PostgreSQL's statements; MySQL's inline ENUM, every column changed.
import MGenSpec
import MGenSQL
import Testing

@Suite struct EnumTypeRenderTests {
    static func chain() throws -> MigrationChain {
        let a = """
            mgen: 1
            id: "0001"
            name: a
            operations:
              - create_enum_type: {name: mood, values: [happy, "it's"]}
              - create_table:
                  table: people
                  columns:
                    - {name: id, type: integer, primary_key: true}
                    - {name: mood, type: {enum_type: mood}, default: happy}
                    - {name: was, type: {enum_type: mood}}
            """
        let b = """
            mgen: 1
            id: "0002"
            name: b
            operations:
              - add_enum_value: {type: mood, value: ok, before: happy}
            """
        return try MigrationChain.build([SpecLoader.load(text: a, file: "a.yaml"), SpecLoader.load(text: b, file: "b.yaml")])
    }

    @Test func postgresql() throws {
        let rendered = try SQLRenderer(dialect: .postgresql).render(Self.chain())
        #expect(rendered[0].up.first?.sql == "CREATE TYPE \"mood\" AS ENUM ('happy', 'it''s')")
        #expect(rendered[0].up[1].sql.contains("\"mood\" \"mood\" DEFAULT 'happy'"))
        #expect(rendered[1].up.map(\.sql) == ["ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy'"])
        #expect(rendered[1].upIsTransactional)
        #expect(rendered[1].down?.map(\.sql) == [
            "ALTER TYPE \"mood\" RENAME TO \"mood_mgen_old\"",
            "CREATE TYPE \"mood\" AS ENUM ('happy', 'it''s')",
            "ALTER TABLE \"people\"\n    ALTER COLUMN \"mood\" DROP DEFAULT,\n    ALTER COLUMN \"mood\" TYPE \"mood\" USING \"mood\"::text::\"mood\",\n    ALTER COLUMN \"mood\" SET DEFAULT 'happy'",
            "ALTER TABLE \"people\"\n    ALTER COLUMN \"was\" TYPE \"mood\" USING \"was\"::text::\"mood\"",
            "DROP TYPE \"mood_mgen_old\"",
        ])
    }

    @Test func mysqlChangesEveryColumnOfTheType() throws {
        let rendered = try SQLRenderer(dialect: .mysql).render(Self.chain())
        #expect(rendered[0].up.count == 1)
        #expect(rendered[0].up[0].sql.contains("`mood` enum('happy','it''s') NULL DEFAULT 'happy'"))
        #expect(rendered[1].up.map(\.sql) == [
            "ALTER TABLE `people` MODIFY COLUMN `mood` enum('ok','happy','it''s') NULL DEFAULT 'happy'",
            "ALTER TABLE `people` MODIFY COLUMN `was` enum('ok','happy','it''s') NULL",
        ])
    }

    @Test func sqliteChecksTheValues() throws {
        let rendered = try SQLRenderer(dialect: .sqlite).render(Self.chain())
        #expect(rendered[0].up[0].sql.contains("CONSTRAINT \"people_mood_check\" CHECK (\"mood\" IN ('happy', 'it''s'))"))
    }
}

extension EnumTypeRenderTests {
    /// A down that adds a value back and then uses it makes the type again (ADD VALUE's value
    /// could not be used in the same transaction).
    @Test func downAddsByMakingTheTypeAgain() throws {
        let b = """
            mgen: 1
            id: "0002"
            name: b
            operations:
              - alter_column: {table: people, column: mood, default: "it's"}
              - drop_enum_value: {type: mood, value: happy}
            """
        let first = try Self.chain().migrations[0].migration
        let chain = try MigrationChain.build([first, SpecLoader.load(text: b, file: "b.yaml")])
        let down = try #require(try SQLRenderer(dialect: .postgresql).render(chain)[1].down).map(\.sql)
        #expect(!down.contains { $0.contains("ADD VALUE") })
        #expect(down.first == "ALTER TYPE \"mood\" RENAME TO \"mood_mgen_old\"")
        #expect(down[1] == "CREATE TYPE \"mood\" AS ENUM ('happy', 'it''s')")
        #expect(down.last == "ALTER TABLE \"people\"\n    ALTER COLUMN \"mood\" SET DEFAULT 'happy'")
    }
}
