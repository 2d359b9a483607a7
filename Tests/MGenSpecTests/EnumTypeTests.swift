// spec 1.1: enum types — parsing, validation against the replayed state, inverses, state changes
// and the lowering to inline values for MySQL and SQLite.
import MGenSpec
import Testing

@Suite struct EnumTypeTests {
    static let moodSpec = spec("""
          - create_enum_type: {name: mood, values: [happy, sad]}
          - create_table:
              table: people
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: mood, type: {enum_type: mood}, nullable: false, default: sad}

        """)

    @Test func parsesEveryOperation() throws {
        let c = try chain(Self.moodSpec, spec(id: "0002", """
              - add_enum_value: {type: mood, value: ok, before: sad}
              - rename_enum_value: {type: mood, value: sad, to: blue}
              - drop_enum_value: {type: mood, value: happy}
              - rename_enum_type: {name: mood, to: feeling}

            """))
        #expect(c.migrations[1].up.map(\.operation) == [
            .addEnumValue(type: "mood", value: "ok", placement: .before("sad")),
            .renameEnumValue(type: "mood", value: "sad", to: "blue"),
            .dropEnumValue(type: "mood", value: "happy"),
            .renameEnumType(name: "mood", to: "feeling"),
        ])
        #expect(c.final.enumValues("feeling") == ["ok", "blue"])
        #expect(c.final.enumValues("mood") == nil)
        // The column follows the renamed type, its default the renamed value.
        let column = try #require(c.final.table("people")?.column("mood"))
        #expect(column.type == .enumType("feeling"))
        #expect(column.defaultValue == .literal(.string("blue")))
    }

    @Test func unknownTypeOfAColumn() throws {
        let diagnostics = try chainDiagnostics(spec("  - create_table: {table: t, columns: [{name: m, type: {enum_type: mod}}]}\n"))
        #expect(diagnostics.map(\.message) == ["unknown enum type 'mod'"])
        #expect(diagnostics.first?.fix == "create it first with create_enum_type")
    }

    @Test func dropOfAnUnknownTypeSuggests() throws {
        let diagnostics = try chainDiagnostics([(Self.moodSpec, "a.yaml"), (spec(id: "0002", "  - drop_enum_type: {name: moo}\n"), "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:22: error: unknown enum type 'moo' (did you mean 'mood'?)"])
    }

    @Test func dropOfATypeStillUsedNamesTheColumn() throws {
        let diagnostics = try chainDiagnostics([(Self.moodSpec, "a.yaml"), (spec(id: "0002", "  - drop_enum_type: {name: mood}\n"), "b.yaml")])
        #expect(diagnostics.map(\.message) == ["enum type 'mood' is still used by column 'people.mood'"])
    }

    @Test func valueChecks() throws {
        func messages(_ body: String) throws -> [String] {
            try chainDiagnostics([(Self.moodSpec, "a.yaml"), (spec(id: "0002", body), "b.yaml")]).map(\.message)
        }
        #expect(try messages("  - add_enum_value: {type: mood, value: sad}\n") == ["enum type 'mood' already has the value 'sad'"])
        #expect(try messages("  - add_enum_value: {type: mood, value: ok, after: sda}\n")
            == ["enum type 'mood' has no value 'sda' to place 'ok' next to (did you mean 'sad'?)"])
        #expect(try messages("  - rename_enum_value: {type: mood, value: happy, to: sad}\n") == ["enum type 'mood' already has the value 'sad'"])
        // Dropping the value a column defaults to would leave the default invalid.
        #expect(try messages("  - drop_enum_value: {type: mood, value: sad}\n") == ["column 'people.mood' defaults to 'sad'"])
        #expect(try messages("  - add_column: {table: people, column: {name: m2, type: {enum_type: mood}, default: meh}}\n")
            == ["the default 'meh' of column 'm2' is not a value of enum type 'mood'"])
        #expect(try messages("  - create_table: {table: mood, columns: [{name: x, type: text}]}\n")
            == ["'mood' is the name of an enum type; PostgreSQL keeps table and type names in one namespace"])
    }

    @Test func loaderRefusesDuplicatesAndBothPlacements() {
        #expect(loadDiagnostics(spec("  - create_enum_type: {name: m, values: [a, a]}\n")).map(\.message) == ["enum value 'a' is listed twice in type 'm'"])
        #expect(loadDiagnostics(spec("  - add_enum_value: {type: m, value: b, before: a, after: a}\n")).map(\.message)
            == ["add_enum_value takes `before` or `after`, not both"])
    }

    /// PostgreSQL refuses "unsafe use of new value" in the transaction that added it.
    @Test func aNewValueCannotBeUsedInTheSameTransaction() throws {
        let use = "  - add_enum_value: {type: mood, value: meh}\n  - alter_column: {table: people, column: mood, default: meh}\n"
        let diagnostics = try chainDiagnostics([(Self.moodSpec, "a.yaml"), (spec(id: "0002", use), "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:6:5: error: enum value 'meh' of type 'mood' is added by this migration and used by it; PostgreSQL refuses to use a new value in the transaction that adds it"])
        #expect(try chainDiagnostics([(Self.moodSpec, "a.yaml"), (spec(id: "0002", use, extra: "transaction: false\n"), "b.yaml")]).isEmpty)
    }

    @Test func derivedDowns() throws {
        let c = try chain(Self.moodSpec, spec(id: "0002", """
              - add_enum_value: {type: mood, value: ok, after: happy}
              - rename_enum_type: {name: mood, to: feeling}
              - drop_enum_value: {type: feeling, value: happy}

            """))
        #expect(c.migrations[1].down?.map(\.operation) == [
            .addEnumValue(type: "feeling", value: "happy", placement: .before("ok")),
            .renameEnumType(name: "feeling", to: "mood"),
            .dropEnumValue(type: "mood", value: "ok"),
        ])
        #expect(c.migrations[0].down?.map(\.operation) == [.dropTable(table: "people"), .dropEnumType(name: "mood")])
        // Dropping a value a column's rows may hold is data loss.
        #expect(c.migrations[1].dataLoss == ["drop_enum_value feeling.happy: rows of people.mood holding 'happy' make it fail; the down cannot bring them back"])
    }

    @Test func placementOfADroppedValue() {
        #expect(EnumValuePlacement.of("a", in: ["a", "b", "c"]) == .before("b"))
        #expect(EnumValuePlacement.of("b", in: ["a", "b", "c"]) == .after("a"))
        #expect(EnumValuePlacement.of("c", in: ["a", "b", "c"]) == .end)
        #expect(EnumValuePlacement.after("a").inserting("x", into: ["a", "b"]) == ["a", "x", "b"])
    }

    /// MySQL and SQLite: a type step is a type change of every column of the type.
    @Test func inlinedForDialectsWithoutTypes() throws {
        let c = try chain(Self.moodSpec, spec(id: "0002", "  - add_enum_value: {type: mood, value: ok}\n"))
        let first = c.migrations[0].withInlineEnums(for: .mysql)
        #expect(first.up.count == 1)
        guard case let .createTable(table) = first.up[0].operation else { Issue.record("not a create_table"); return }
        #expect(table.column("mood")?.type == .enumeration(["happy", "sad"]))
        let second = c.migrations[1].withInlineEnums(for: .sqlite)
        #expect(second.up.map(\.operation) == [.alterColumn(AlterColumn(table: "people", column: "mood", type: .enumeration(["happy", "sad", "ok"])))])
        #expect(second.down?.map(\.operation) == [.alterColumn(AlterColumn(table: "people", column: "mood", type: .enumeration(["happy", "sad"])))])
        #expect(second.after.table("people")?.column("mood")?.type == .enumeration(["happy", "sad", "ok"]))
        #expect(c.migrations[1].withInlineEnums(for: .postgresql).up.map(\.operation) == c.migrations[1].up.map(\.operation))
    }
}

/// spec 1.1: types. `decimal(p)` is `decimal(p,0)`; a bare `numeric` is refused with why.
@Suite struct DecimalPrecisionTests {
    @Test func precisionOnly() {
        #expect(ColumnType.parse("decimal(12)") == .decimal(precision: 12, scale: 0))
        #expect(ColumnType.parse("numeric(5)") == .decimal(precision: 5, scale: 0))
        #expect(ColumnType.parse("numeric(0)") == nil)
    }

    @Test func bareNumericSaysWhy() {
        let diagnostics = loadDiagnostics(spec("  - create_table: {table: t, columns: [{name: n, type: numeric}]}\n"))
        #expect(diagnostics.map(\.message) == ["'numeric' without a precision means a different type on each dialect (PostgreSQL: unbounded; MySQL: decimal(10,0); SQLite: any number)"])
    }
}
