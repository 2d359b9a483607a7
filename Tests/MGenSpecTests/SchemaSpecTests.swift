import MGenSpec
import Testing

/// Spec 1.1: PostgreSQL schemas — `create_schema` / `drop_schema` known to the state by name,
/// `schema:` beside `table:` keying a table apart from the default schema's of the same name,
/// validated (unknown schema, a drop of a schema that still holds tables, `public`), inverted from
/// the state, and refused by MySQL and SQLite.
@Suite struct SchemaSpecTests {
    static let billing = spec(id: "0002", """
          - create_schema: {name: billing}
          - create_table:
              schema: billing
              table: invoices
              columns:
                - {name: id, type: bigint, primary_key: true}
                - {name: owner_id, type: bigint, references: users.id}
          - create_index: {schema: billing, table: invoices, columns: [owner_id]}
          - add_foreign_key: {table: users, columns: [id], references: {schema: billing, table: invoices, columns: [id]}}

        """)

    @Test func aTableOfASchemaIsKeyedWithIt() throws {
        let built = try chain(usersSpec, Self.billing)
        let state = built.migrations[1].after
        let key = QualifiedName(schema: "billing", name: "invoices").key
        #expect(state.schemaNames == ["billing"])
        #expect(state.tableNames.sorted() == ["users", key].sorted())
        #expect(state.table("invoices") == nil)
        let table = try #require(state.table(key))
        // Derived names use the bare table name; the reference without `schema:` is the default schema's.
        #expect(table.primaryKey?.name == "invoices_pkey")
        #expect(table.foreignKeys.map(\.referencedTable) == ["users"])
        #expect(state.index("invoices_owner_id_idx")?.table == key)
        #expect(state.table("users")?.foreignKeys.map(\.referencedTable) == [key])
        // The derived down drops the key, the index, the table, then the schema.
        #expect(built.migrations[1].down?.map(\.operation.kind) == ["drop_constraint", "drop_table", "drop_schema"])
    }

    @Test func renameStaysInItsSchema() throws {
        let c = spec(id: "0003", "  - rename_table: {schema: billing, table: invoices, to: accounts}\n")
        let built = try chain(usersSpec, Self.billing, c)
        let state = built.migrations[2].after
        #expect(state.table(QualifiedName(schema: "billing", name: "accounts").key) != nil)
        #expect(state.table("accounts") == nil)
        #expect(state.table("users")?.foreignKeys.map(\.referencedTable) == [QualifiedName(schema: "billing", name: "accounts").key])
    }

    @Test func unknownSchemaAndNonEmptyDropAreErrors() throws {
        let a = spec(id: "0001", """
              - create_table: {schema: sales, table: orders, columns: [{name: id, type: bigint}]}
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint}]}
              - drop_schema: {name: billing}
              - drop_table: {schema: billing, table: invoice}

            """)
        let diagnostics = try chainDiagnostics(a)
        #expect(diagnostics.map(\.description) == [
            "x.yaml:5:20: error: unknown schema 'sales' (table 'sales.orders')\n  fix: create it first with `- create_schema: {name: sales}`",
            "x.yaml:8:19: error: schema 'billing' still holds table 'billing.invoices'; drop_schema does not cascade\n  fix: drop those first (drop_table / drop_enum_type / drop_view / drop_sequence / drop_trigger / drop_function with `schema: billing`)",
            "x.yaml:9:35: error: unknown table 'billing.invoice' (did you mean 'billing.invoices'?)\n  fix: tables: billing.invoices",
        ])
    }

    @Test func publicIsTheDefaultSchema() {
        let diagnostics = loadDiagnostics(spec("  - drop_table: {schema: public, table: users}\n"))
        #expect(diagnostics.map(\.description) == [
            "x.yaml:5:18: error: 'public' is the default schema: a spec names only schemas it creates\n  fix: leave out `schema:`: a table without it is in the default schema",
        ])
    }

    @Test func mysqlAndSQLiteRefuseSchemas() throws {
        let built = try chain(usersSpec, Self.billing)
        #expect(DialectRules.problems(in: built, for: .postgresql).isEmpty)
        for dialect in [Dialect.mysql, .sqlite] {
            let messages = DialectRules.problems(in: built, for: dialect).map(\.message)
            #expect(messages.contains { $0.contains("has no schemas inside a database (schema 'billing')") }, "\(dialect): \(messages)")
            #expect(messages.contains { $0.contains("table 'billing.invoices' names schema 'billing'") }, "\(dialect): \(messages)")
        }
    }

    // spec 1.1: schemas — enum types in a schema
    @Test func anEnumTypeOfASchemaIsKeyedWithIt() throws {
        let a = spec(id: "0002", """
              - create_schema: {name: billing}
              - create_enum_type: {schema: billing, name: level, values: [low, high]}
              - add_column: {table: users, column: {name: level, type: {enum_type: level, schema: billing}}}
              - rename_enum_type: {schema: billing, name: level, to: tier}

            """)
        let built = try chain(usersSpec, a)
        let key = QualifiedName(schema: "billing", name: "tier").key
        let state = built.migrations[1].after
        #expect(state.enumTypeNames == [key])
        #expect(state.table("users")?.column("level")?.type == .enumType(key))
        #expect(built.migrations[1].down?.map(\.operation.kind) == ["rename_enum_type", "drop_column", "drop_enum_type", "drop_schema"])
        #expect(DialectRules.problems(in: built, for: .postgresql).isEmpty)
        for dialect in [Dialect.mysql, .sqlite] {
            let messages = DialectRules.problems(in: built, for: dialect).map(\.message)
            #expect(messages.contains { $0.contains("enum type 'billing.level' names schema 'billing'") }, "\(dialect): \(messages)")
        }
    }

    @Test func enumTypeSchemaErrors() throws {
        let a = spec(id: "0001", """
              - create_enum_type: {schema: sales, name: stage, values: [a]}
              - create_schema: {name: billing}
              - create_enum_type: {schema: billing, name: level, values: [low]}
              - drop_schema: {name: billing}
              - add_enum_value: {type: level, value: high}

            """)
        let diagnostics = try chainDiagnostics(a)
        #expect(diagnostics.map(\.description) == [
            "x.yaml:5:24: error: unknown schema 'sales' (enum type 'sales.stage')\n  fix: create it first with `- create_schema: {name: sales}`",
            "x.yaml:8:19: error: schema 'billing' still holds enum type 'billing.level'; drop_schema does not cascade\n  fix: drop those first (drop_table / drop_enum_type / drop_view / drop_sequence / drop_trigger / drop_function with `schema: billing`)",
            "x.yaml:9:22: error: unknown enum type 'level'\n  fix: enum types: billing.level",
        ])
    }

    // spec 1.1: schemas — views and sequences in a schema, and a view reading a schema's table
    @Test func viewsAndSequencesOfASchema() throws {
        let a = spec(id: "0001", """
              - create_schema: {name: billing}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_view: {name: all_invoices, sql: "SELECT id FROM billing.invoices"}
              - create_view: {schema: billing, name: ids, sql: "SELECT id FROM billing.invoices"}
              - create_sequence: {schema: sales, name: numbers}
              - drop_table: {schema: billing, table: invoices}
              - drop_schema: {name: billing}

            """)
        let messages = try chainDiagnostics(a).map(\.message)
        #expect(messages.contains("unknown schema 'sales' (create_sequence 'sales.numbers')"), "\(messages)")
        #expect(messages.contains { $0.contains("table 'billing.invoices' is used by view 'all_invoices'") }, "\(messages)")
        #expect(messages.contains { $0.contains("still holds table 'billing.invoices', view 'billing.ids'") }, "\(messages)")
    }

    // spec 1.1: schemas — functions and triggers in a schema; a trigger's function in another
    @Test func functionsAndTriggersOfASchema() throws {
        let a = spec(id: "0002", """
              - create_schema: {name: billing}
              - create_schema: {name: audit}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_function: {schema: audit, name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}
              - create_trigger: {schema: billing, name: stamp, table: invoices, timing: before, events: [update], function: {schema: audit, name: touch}}
              - create_trigger: {name: users_stamp, table: users, timing: after, events: [insert], function: {schema: audit, name: touch}}

            """)
        let built = try chain(usersSpec, a)
        let state = built.migrations[1].after
        let touch = QualifiedName(schema: "audit", name: "touch").key
        let stamp = QualifiedName(schema: "billing", name: "stamp").key
        #expect(state.objectNames(.function) == [touch])
        #expect(state.objectNames(.trigger).sorted() == [stamp, "users_stamp"].sorted())
        guard case let .trigger(trigger)? = state.object(.trigger, stamp) else { Issue.record("no trigger billing.stamp"); return }
        #expect(trigger.table == QualifiedName(schema: "billing", name: "invoices").key)
        #expect(trigger.function == touch)
        #expect(built.migrations[1].down?.map(\.operation.kind) == ["drop_trigger", "drop_trigger", "drop_function", "drop_table", "drop_schema", "drop_schema"])
        #expect(DialectRules.problems(in: built, for: .postgresql).isEmpty)
        for dialect in [Dialect.mysql, .sqlite] {
            let messages = DialectRules.problems(in: built, for: dialect).map(\.message)
            #expect(messages.contains { $0.contains("create_function 'audit.touch' names schema 'audit'") }, "\(dialect): \(messages)")
            #expect(messages.contains { $0.contains("function 'audit.touch' names schema 'audit'") && !$0.contains("create_function") }, "\(dialect): \(messages)")
        }
    }

    @Test func functionAndTriggerSchemaErrors() throws {
        let a = spec(id: "0002", """
              - create_function: {schema: sales, name: f, returns: integer, body: "BEGIN RETURN 1; END;"}
              - create_schema: {name: audit}
              - create_function: {schema: audit, name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}
              - create_trigger: {name: t1, table: users, timing: before, events: [update], function: touch}
              - create_trigger: {name: t2, table: users, timing: before, events: [update], function: {schema: ops, name: touch}}
              - create_trigger: {name: t3, table: users, timing: before, events: [update], function: {schema: audit, name: touch}}
              - drop_schema: {name: audit}
              - drop_function: {schema: audit, name: touch}
              - drop_trigger: {name: t3, schema: audit}

            """)
        let messages = try chainDiagnostics([(usersSpec, "0001.yaml"), (a, "x.yaml")]).map(\.message)
        #expect(messages.contains("unknown schema 'sales' (create_function 'sales.f')"), "\(messages)")
        #expect(messages.contains("unknown function 'touch' (did you mean 'audit.touch'?)"), "\(messages)")
        #expect(messages.contains("unknown schema 'ops' (function 'ops.touch')"), "\(messages)")
        #expect(messages.contains { $0.contains("schema 'audit' still holds function 'audit.touch'") }, "\(messages)")
        #expect(messages.contains { $0.contains("function 'audit.touch' is used by trigger 't3'") }, "\(messages)")
        #expect(messages.contains("unknown trigger 'audit.t3' (did you mean 't3'?)"), "\(messages)")
    }

    // spec 1.1: schemas — rename_schema re-keys everything of the schema
    @Test func renameSchemaMovesEverythingInIt() throws {
        let a = spec(id: "0002", """
              - create_schema: {name: billing}
              - create_enum_type: {schema: billing, name: level, values: [low, high]}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}, {name: level, type: {enum_type: level, schema: billing}}]}
              - create_index: {schema: billing, table: invoices, columns: [level]}
              - add_foreign_key: {table: users, columns: [id], references: {schema: billing, table: invoices, columns: [id]}}
              - create_sequence: {schema: billing, name: numbers}
              - create_function: {schema: billing, name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}
              - create_trigger: {schema: billing, name: stamp, table: invoices, timing: before, events: [update], function: {schema: billing, name: touch}}
              - create_trigger: {name: users_stamp, table: users, timing: before, events: [update], function: {schema: billing, name: touch}}
              - create_view: {schema: billing, name: names, sql: "SELECT name FROM users"}

            """)
        let b = spec(id: "0003", "  - rename_schema: {name: billing, to: finance}\n")
        let built = try chain(usersSpec, a, b)
        let state = built.migrations[2].after
        func finance(_ name: String) -> String { QualifiedName(schema: "finance", name: name).key }
        #expect(state.schemaNames == ["finance"])
        #expect(state.tables(inSchema: "finance") == [finance("invoices")])
        #expect(state.tables(inSchema: "billing").isEmpty)
        #expect(state.enumTypeNames == [finance("level")])
        #expect(state.table(finance("invoices"))?.column("level")?.type == .enumType(finance("level")))
        #expect(state.index("invoices_level_idx")?.table == finance("invoices"))
        #expect(state.table("users")?.foreignKeys.map(\.referencedTable) == [finance("invoices")])
        #expect(state.objectNames(.sequence) == [finance("numbers")])
        #expect(state.objectNames(.function) == [finance("touch")])
        #expect(state.objectNames(.view) == [finance("names")])
        guard case let .trigger(stamp)? = state.object(.trigger, finance("stamp")), case let .trigger(usersStamp)? = state.object(.trigger, "users_stamp")
        else { Issue.record("triggers not re-keyed: \(state.objectNames(.trigger))"); return }
        #expect(stamp.table == finance("invoices") && stamp.function == finance("touch"))
        #expect(usersStamp.function == finance("touch"))
        // The down renames it back, and leads back to the state before.
        #expect(built.migrations[2].down?.map(\.operation) == [.object(.renameSchema(name: "finance", to: "billing"))])
        #expect(DialectRules.problems(in: built, for: .postgresql).isEmpty)
        for dialect in [Dialect.mysql, .sqlite] {
            let messages = DialectRules.problems(in: built, for: dialect).map(\.message)
            #expect(messages.contains { $0.contains("has no schemas inside a database (schema 'billing')") }, "\(dialect): \(messages)")
        }
    }

    @Test func renameSchemaErrors() throws {
        let a = spec(id: "0002", """
              - create_schema: {name: billing}
              - create_schema: {name: finance}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true}]}
              - create_view: {name: all_invoices, sql: "SELECT id FROM billing.invoices"}
              - rename_schema: {name: sales, to: shop}
              - rename_schema: {name: billing, to: finance}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "0001.yaml"), (a, "x.yaml")])
        let messages = diagnostics.map(\.message)
        #expect(messages.contains("unknown schema 'sales' (did you mean 'billing'?)") || messages.contains { $0.hasPrefix("unknown schema 'sales'") }, "\(messages)")
        #expect(messages.contains("a schema named 'finance' already exists"), "\(messages)")
        #expect(messages.contains { $0.contains("view 'all_invoices' reads 'billing.invoices' of schema 'billing' by name") }, "\(messages)")
        let loadMessages = loadDiagnostics(spec("  - rename_schema: {name: billing, to: public}\n")).map(\.message)
        #expect(loadMessages.contains { $0.contains("'public' is the default schema") }, "\(loadMessages)")
    }

    // spec 1.1: schemas — update's `from` in another schema
    @Test func updateFromATableOfAnotherSchema() throws {
        let a = spec(id: "0002", """
              - create_schema: {name: archive}
              - create_table: {schema: archive, table: people, columns: [{name: id, type: bigint, primary_key: true}, {name: name, type: text}]}
              - update: {table: users, from: {schema: archive, table: people}, on: "users.id = people.id", set: {name: "people.name"}}
              - update: {schema: archive, table: people, from: users, on: "people.id = users.id", set: {name: "users.name"}}

            """)
        let built = try chain(usersSpec, a)
        let updates = built.migrations[1].migration.operations.compactMap { if case let .update(u) = $0.value { u } else { nil } }
        #expect(updates.map(\.from) == [QualifiedName(schema: "archive", name: "people").key, "users"])
        #expect(updates.map(\.table) == ["users", QualifiedName(schema: "archive", name: "people").key])
        for dialect in [Dialect.mysql, .sqlite] {
            let messages = DialectRules.problems(in: built, for: dialect).map(\.message)
            #expect(messages.contains { $0.contains("table 'archive.people' names schema 'archive'") }, "\(dialect): \(messages)")
        }
        let unknown = spec(id: "0002", """
              - update: {table: users, from: {schema: sales, table: people}, on: "users.id = people.id", set: {name: "people.name"}}

            """)
        let messages = try chainDiagnostics([(usersSpec, "0001.yaml"), (unknown, "x.yaml")]).map(\.message)
        #expect(messages.contains("unknown schema 'sales' (table 'sales.people')"), "\(messages)")
    }
}
