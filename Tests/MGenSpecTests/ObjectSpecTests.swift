import MGenSpec
import Testing

/// Spec 1.1: views, functions, triggers, extensions and sequences — parsed, known to the
/// replayed state by name, validated (unknown objects; tables, columns, views and functions still
/// in use), inverted from the state, and refused by the dialects that cannot hold them.
@Suite struct ObjectSpecTests {
    static let objects = spec(id: "0002", """
          - create_view: {name: user_emails, sql: "SELECT id, email FROM users"}
          - create_function: {name: touch, returns: trigger, body: "BEGIN RETURN NEW; END;"}
          - create_trigger: {name: users_touch, table: users, timing: before, events: [update], function: touch, body: {mysql: "SET NEW.name = NEW.name", sqlite: "SELECT 1"}}

        """)

    @Test func stateKnowsObjectsWithTheirDependencies() throws {
        let built = try chain(usersSpec, Self.objects)
        let state = built.migrations[1].after
        #expect(state.objects.map(\.name) == ["touch", "users_touch", "user_emails"])
        #expect(state.dependencies(of: .view, "user_emails") == ["users", "users.id", "users.email"])
        #expect(state.dependencies(of: .trigger, "users_touch") == ["users", "function:touch"])
        // The derived down drops them in reverse order.
        #expect(built.migrations[1].down?.map(\.operation.kind) == ["drop_trigger", "drop_function", "drop_view"])
    }

    @Test func dropOfUnknownObjectNamesTheClosest() throws {
        let c = spec(id: "0003", "  - drop_view: {name: user_email}\n  - drop_sequence: {name: numbers}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (Self.objects, "b.yaml"), (c, "c.yaml")])
        #expect(diagnostics.map(\.description) == [
            "c.yaml:5:17: error: unknown view 'user_email' (did you mean 'user_emails'?)\n  fix: views: user_emails",
            "c.yaml:6:21: error: unknown sequence 'numbers'\n  fix: there are none: create it first with create_sequence",
        ])
    }

    @Test func whatAnObjectUsesCannotGoFromUnderIt() throws {
        let c = spec(id: "0003", """
              - drop_column: {table: users, column: email}
              - rename_column: {table: users, column: id, to: user_id}
              - alter_column: {table: users, column: email, type: text}
              - drop_function: {name: touch}
              - drop_table: {table: users}
              - drop_column: {table: users, column: name}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (Self.objects, "b.yaml"), (c, "c.yaml")])
        #expect(diagnostics.map(headline) == [
            "c.yaml:5:33: error: column 'users.email' is used by view 'user_emails'; dropping it would break it or fail",
            "c.yaml:6:35: error: column 'users.id' is used by view 'user_emails'; renaming it would break it or fail",
            "c.yaml:7:49: error: column 'users.email' is used by view 'user_emails'; changing its type (PostgreSQL refuses it) would break it or fail",
            "c.yaml:8:21: error: function 'touch' is used by trigger 'users_touch'; dropping it would break it or fail",
            "c.yaml:9:18: error: table 'users' is used by trigger 'users_touch'; dropping it would break it or fail",
            "c.yaml:9:18: error: table 'users' is used by view 'user_emails'; dropping it would break it or fail",
        ])
        // A column the view does not name is free.
        #expect(!diagnostics.contains { $0.message.contains("users.name") })
    }

    @Test func declaredDependenciesReplaceTheScan() throws {
        let b = spec(id: "0002", "  - create_view: {name: v, sql: \"SELECT * FROM users\", depends_on: [users.email]}\n")
        let c = spec(id: "0003", "  - drop_column: {table: users, column: name}\n  - drop_column: {table: users, column: email}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml"), (c, "c.yaml")])
        #expect(diagnostics.map(headline) == ["c.yaml:6:33: error: column 'users.email' is used by view 'v'; dropping it would break it or fail"])
        // Without depends_on, `*` is every column of the tables named.
        let scanned = spec(id: "0002", "  - create_view: {name: v, sql: \"SELECT * FROM users\"}\n")
        let all = try chainDiagnostics([(usersSpec, "a.yaml"), (scanned, "b.yaml"), (c, "c.yaml")])
        #expect(all.count == 2)
        let unknown = spec(id: "0002", "  - create_view: {name: v, sql: \"SELECT 1\", depends_on: [users.nope]}\n")
        #expect(try chainDiagnostics([(usersSpec, "a.yaml"), (unknown, "b.yaml")]).map(headline)
            == ["b.yaml:5:45: error: view 'v' depends on unknown column 'users.nope'"])
    }

    @Test func replaceAndDropRestoreThePreviousDefinition() throws {
        let c = spec(id: "0003", """
              - replace_view: {name: user_emails, sql: "SELECT email FROM users"}
              - drop_trigger: {name: users_touch}

            """)
        let built = try chain(usersSpec, Self.objects, c)
        let down = try #require(built.migrations[2].down).map(\.operation)
        let before = built.migrations[2].before
        let oldView = try #require(before.object(.view, "user_emails"))
        let oldTrigger = try #require(before.object(.trigger, "users_touch"))
        #expect(down == [.object(.create(oldTrigger)), .object(.replace(oldView))])
    }

    @Test func alterSequenceDownRestoresOrResetsEachOption() throws {
        let b = spec(id: "0001", "  - create_sequence: {name: n, start: 5, increment: 2}\n")
        let c = spec(id: "0002", "  - alter_sequence: {name: n, increment: 3, max_value: 100}\n")
        let built = try chain(b, c)
        #expect(built.migrations[1].down?.map(\.operation) == [
            .object(.alterSequence(SequenceAlter(name: "n", set: SequenceOptions(increment: 2), reset: ["max_value"]))),
        ])
        guard case let .sequence(s)? = built.migrations[1].after.object(.sequence, "n") else { Issue.record("no sequence"); return }
        #expect(s.options == SequenceOptions(increment: 3, maxValue: 100))
        #expect(s.start == 5)
    }

    @Test func dialectsRefuseWhatTheyCannotHold() throws {
        let b = spec(id: "0002", """
              - create_view: {name: stats, materialized: true, sql: "SELECT count(*) AS n FROM users"}
              - create_function: {name: f, arguments: "x integer", returns: integer, body: {postgresql: "BEGIN RETURN x; END;", mysql: "RETURN x"}}
              - create_extension: {name: citext}
              - create_sequence: {name: numbers}
              - create_trigger: {name: t, table: users, timing: after, events: [insert, update], function: g, body: "SELECT 1"}

            """)
        let withG = b.replacingOccurrences(of: "  - create_trigger", with: "  - create_function: {name: g, returns: trigger, body: \"BEGIN RETURN NULL; END;\"}\n  - create_trigger")
        let built = try chain(usersSpec, withG)
        func problems(_ dialect: Dialect) -> [String] { DialectRules.problems(in: built, for: dialect).map(\.message) }
        #expect(problems(.postgresql).isEmpty)
        #expect(problems(.mysql) == [
            "mysql: MySQL has no materialized views (view 'stats')",
            "mysql: MySQL has no extensions (extension 'citext'): CREATE EXTENSION is PostgreSQL's",
            "mysql: MySQL 8.0 has no sequences (sequence 'numbers'); the mysql dialect is what MySQL 8.0 and MariaDB share",
            "mysql: MySQL: trigger 't' fires on 2 events; a MySQL trigger has exactly one",
        ])
        #expect(problems(.sqlite) == [
            "sqlite: SQLite has no materialized views (view 'stats')",
            "sqlite: SQLite has no stored functions (function 'f'); an application registers its functions on the connection",
            "sqlite: SQLite has no extensions (extension 'citext'): CREATE EXTENSION is PostgreSQL's",
            "sqlite: SQLite has no sequences (sequence 'numbers')",
            "sqlite: SQLite: trigger 't' fires on 2 events; a SQLite trigger has exactly one",
        ])
    }

    @Test func parseErrorsNameTheField() {
        #expect(loadDiagnostics(spec("  - create_view: {name: v}\n")).map(headline) == ["x.yaml:5:18: error: missing required field 'sql' in create_view"])
        #expect(loadDiagnostics(spec("  - create_trigger: {name: t, table: a, timing: around, events: [insert], body: x}\n")).map(headline)
            == ["x.yaml:5:41: error: unknown trigger timing 'around'"])
        #expect(loadDiagnostics(spec("  - create_trigger: {name: t, table: a, timing: after, events: [insert]}\n")).map(headline)
            == ["x.yaml:5:22: error: a trigger needs what it runs: `function` (PostgreSQL) or `body` (MySQL, SQLite)"])
        #expect(loadDiagnostics(spec("  - alter_sequence: {name: s}\n")).map(headline) == ["x.yaml:5:22: error: alter_sequence changes nothing"])
        #expect(loadDiagnostics(spec("  - create_vew: {name: v}\n")).map(headline) == ["x.yaml:5:5: error: unknown operation 'create_vew' (did you mean 'create_view'?)"])
    }
}
