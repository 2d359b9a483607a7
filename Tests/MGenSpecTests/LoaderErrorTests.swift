import MGenSpec
import Testing

/// Every user error the loader reports: exact place (`file:line:column`), message and fix.
@Suite struct LoaderErrorTests {
    @Test func unknownColumnFieldSuggestsClosest() throws {
        let yaml = """
            mgen: 1
            id: "0001"
            name: t
            operations:
              - create_table:
                  table: users
                  columns:
                    - name: id
                      type: integer
                      nullabel: false
            """
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(diagnostics[0].description == """
            x.yaml:10:11: error: unknown field 'nullabel' in a column (did you mean 'nullable'?)
              fix: allowed fields: name, type, nullable, default, primary_key, identity, autoincrement, unique, references, comment, generated, collation
            """)
    }

    @Test func unknownFieldInFlowMappingPointsAtTheKey() throws {
        let yaml = """
            mgen: 1
            id: "0001"
            name: t
            operations:
              - create_table:
                  table: users
                  columns:
                    - {name: id, type: integer, nullabel: false}
            """
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:8:37: error: unknown field 'nullabel' in a column (did you mean 'nullable'?)")
    }

    @Test func unknownTopLevelFieldSuggestsClosest() throws {
        let yaml = spec("  - drop_table: {table: users}\n", extra: "depend_on: \"0000\"\n")
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:4:1: error: unknown field 'depend_on' in the spec (did you mean 'depends_on'?)")
        #expect(diagnostics[0].fix == "allowed fields: mgen, id, name, description, depends_on, transaction, created, operations, down, irreversible, lint, baseline")
    }

    @Test func unknownFieldWithoutCloseMatchHasNoSuggestion() throws {
        let diagnostics = loadDiagnostics(spec("  - drop_table: {table: users, cascade_everything: true}\n"))
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:32: error: unknown field 'cascade_everything' in drop_table")
    }

    @Test func unknownOperationSuggestsClosest() throws {
        let yaml = spec("  - add_colum:\n      table: users\n")
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:5: error: unknown operation 'add_colum' (did you mean 'add_column'?)")
        #expect(diagnostics[0].fix?.hasPrefix("operations: create_table, drop_table, rename_table, add_column") == true)
    }

    @Test func operationMustBeOneKeyMapping() throws {
        let yaml = spec("  - drop_table: {table: a}\n    rename_table: {table: b, to: c}\n")
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:5: error: an operation must be a mapping with one key, the operation's name (e.g. `- add_column: {...}`)")
    }

    @Test func stringWhereBoolExpected() throws {
        let yaml = """
            mgen: 1
            id: "0001"
            name: t
            operations:
              - add_column:
                  table: users
                  column: {name: age, type: integer, nullable: "no"}
            """
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:7:52: error: 'nullable' in a column must be true or false")
    }

    @Test func quotedBoolAtTopLevelIsRejected() throws {
        let diagnostics = loadDiagnostics(spec("  - drop_table: {table: users}\n", extra: "transaction: \"false\"\n"))
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:4:14: error: 'transaction' in the spec must be true or false")
    }

    @Test func listExpectedForOperations() throws {
        let yaml = "mgen: 1\nid: \"0001\"\nname: t\noperations:\n  drop_table: {table: users}\n"
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:3: error: 'operations' in the spec must be a list")
    }

    @Test func listOfNamesExpectedForDependsOn() throws {
        let diagnostics = loadDiagnostics(spec("  - drop_table: {table: users}\n", extra: "depends_on: {a: b}\n"))
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:4:13: error: 'depends_on' in the spec must be a list of names")
    }

    @Test func wholeNumberExpectedForBatchSize() throws {
        let yaml = spec("  - backfill: {table: users, set: {a: b}, batch_size: \"100\"}\n")
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:55: error: 'batch_size' in backfill must be a whole number")
    }

    @Test func missingRequiredTopLevelFields() throws {
        let diagnostics = loadDiagnostics("id: \"0001\"\noperations:\n  - drop_table: {table: users}\n")
        #expect(diagnostics.map(\.description) == [
            "x.yaml:1:1: error: missing required field 'mgen' (the spec format version)\n  fix: add `mgen: 1` as the first line",
            "x.yaml:1:1: error: missing required field 'name' in the spec\n  fix: add `name: <text>`",
        ])
    }

    @Test func missingOperations() throws {
        let diagnostics = loadDiagnostics("mgen: 1\nid: \"0001\"\nname: t\n")
        #expect(diagnostics.map(\.description) == ["x.yaml:1:1: error: missing required field 'operations' in the spec\n  fix: add `operations: <list>`"])
    }

    @Test func emptyOperations() throws {
        let diagnostics = loadDiagnostics("mgen: 1\nid: \"0001\"\nname: t\noperations: []\n")
        #expect(diagnostics.map(headline) == ["x.yaml:4:1: error: 'operations' is empty"])
    }

    @Test func missingRequiredFieldOfAnOperation() throws {
        let diagnostics = loadDiagnostics(spec("  - rename_column:\n      table: users\n      to: full_name\n"))
        #expect(diagnostics.map(\.description) == ["x.yaml:6:7: error: missing required field 'column' in rename_column\n  fix: add `column: <text>`"])
    }

    @Test func missingTypeOfAColumn() throws {
        let diagnostics = loadDiagnostics(spec("  - add_column:\n      table: users\n      column: {name: age}\n"))
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:7:15: error: missing required field 'type' in a column")
        #expect(diagnostics[0].fix?.hasPrefix("add `type: <boolean | smallint | integer") == true)
    }

    @Test func unsupportedFormatVersion() throws {
        let diagnostics = loadDiagnostics("mgen: 2\nid: \"0001\"\nname: t\noperations:\n  - drop_table: {table: users}\n")
        #expect(diagnostics.map(\.description) == ["x.yaml:1:7: error: unsupported spec format `mgen: 2`\n  fix: this mgen reads `mgen: 1`"])
    }

    @Test func invalidYAML() throws {
        let diagnostics = loadDiagnostics("mgen: 1\nid: \"0001\"\nname: [unclosed\noperations:\n  - drop_table: {table: users}\n")
        try #require(diagnostics.count == 1)
        let line = headline(diagnostics[0])
        #expect(line.hasPrefix("x.yaml:4:11: error: invalid YAML: "))
        #expect(diagnostics[0].location?.file == "x.yaml")
    }

    @Test func invalidYAMLTabIndentation() throws {
        let diagnostics = loadDiagnostics("mgen: 1\nid: \"0001\"\nname: t\noperations:\n\t- drop_table: {table: users}\n")
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]).hasPrefix("x.yaml:5:1: error: invalid YAML: "))
    }

    @Test func duplicateKeyInAMapping() throws {
        let diagnostics = loadDiagnostics("mgen: 1\nid: \"0001\"\nname: t\nname: u\noperations:\n  - drop_table: {table: users}\n")
        try #require(diagnostics.count == 1)
        #expect(diagnostics[0].message == "duplicate key 'name' in the spec (first at line 3)")
        #expect(diagnostics[0].fix == "keep one of them")
        #expect(diagnostics[0].location == SourceLocation(file: "x.yaml", line: 4, column: 1))
    }

    @Test func specMustBeAMapping() throws {
        let diagnostics = loadDiagnostics("- just\n- a list\n")
        #expect(diagnostics.map(\.description) == [
            "x.yaml:1:1: error: a spec must be a YAML mapping with `mgen: 1`, `id`, `name` and `operations`\n  fix: start from `mgen init`'s example, or see docs/spec.md",
        ])
        #expect(loadDiagnostics("").count == 1)
    }

    @Test func unknownTypeSuggestsClosest() throws {
        let diagnostics = loadDiagnostics(spec("  - add_column:\n      table: users\n      column: {name: age, type: integr}\n"))
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:7:33: error: unknown or malformed type 'integr' (did you mean 'integer'?)")
    }

    @Test func malformedParameterisedTypes() throws {
        for type in ["string(0)", "\"decimal(2,5)\"", "decimal(0)", "\"enum()\"", "string(abc)"] {
            let diagnostics = loadDiagnostics(spec("  - add_column:\n      table: users\n      column: {name: a, type: \(type)}\n"))
            #expect(diagnostics.count == 1, "type \(type)")
            #expect(diagnostics.first?.message.hasPrefix("unknown or malformed type") == true, "type \(type)")
        }
    }

    @Test func badCreatedTime() throws {
        let diagnostics = loadDiagnostics(spec("  - drop_table: {table: users}\n", extra: "created: 2025-02-30T10:00:00Z\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:4:1: error: 'created' must be a UTC time like 2025-01-15T10:30:00Z, not '2025-02-30T10:00:00Z'"])
    }

    @Test func badIdAndName() throws {
        let yaml = "mgen: 1\nid: \"00 01\"\nname: \"drop/users\"\noperations:\n  - drop_table: {table: users}\n"
        #expect(loadDiagnostics(yaml).map(headline) == [
            "x.yaml:3:1: error: name 'drop/users' must be letters, digits, '_', '-', '.' or spaces",
            "x.yaml:2:1: error: id '00 01' must be letters, digits, '_', '-' or '.'",
        ])
    }

    @Test func unknownReferentialActionSuggestsClosest() throws {
        let yaml = spec("""
              - add_foreign_key: {table: posts, columns: [user_id], references: users.id, on_delete: cascad}

            """)
        let diagnostics = loadDiagnostics(yaml)
        try #require(diagnostics.count == 1)
        #expect(headline(diagnostics[0]) == "x.yaml:5:79: error: unknown action 'cascad' for on_delete (did you mean 'cascade'?)")
    }

    @Test func identityMustBeAnInteger() throws {
        let diagnostics = loadDiagnostics(spec("  - create_table:\n      table: t\n      columns:\n        - {name: id, type: text, identity: true}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:8:34: error: identity column 'id' must be smallint, integer or bigint, not text"])
    }

    @Test func primaryKeyCannotBeNullable() throws {
        let diagnostics = loadDiagnostics(spec("  - create_table:\n      table: t\n      columns:\n        - {name: id, type: integer, primary_key: true, nullable: true}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:8:56: error: primary key column 'id' cannot be nullable"])
    }

    @Test func primaryKeyGivenTwice() throws {
        let yaml = spec("  - create_table:\n      table: t\n      primary_key: [id]\n      columns:\n        - {name: id, type: integer, primary_key: true}\n")
        #expect(loadDiagnostics(yaml).map(headline) == [
            "x.yaml:7:7: error: primary key given twice: by `primary_key: true` on a column and by the table's `primary_key`",
        ])
    }

    @Test func addColumnCannotAddPrimaryKey() throws {
        let yaml = spec("  - add_column:\n      table: t\n      column: {name: id, type: integer, primary_key: true}\n")
        #expect(loadDiagnostics(yaml).map(headline) == ["x.yaml:7:7: error: add_column cannot add a primary key column"])
    }

    @Test func alterColumnThatChangesNothing() throws {
        let diagnostics = loadDiagnostics(spec("  - alter_column:\n      table: users\n      column: name\n"))
        #expect(diagnostics.map(\.description) == [
            "x.yaml:6:7: error: alter_column changes nothing\n  fix: give at least one of: type, nullable, default, comment, collation",
        ])
    }

    @Test func usingWithoutType() throws {
        let diagnostics = loadDiagnostics(spec("  - alter_column: {table: users, column: name, nullable: false, using: \"name::text\"}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:5:65: error: 'using' needs a 'type' to convert to"])
    }

    @Test func unknownIndexMethod() throws {
        let diagnostics = loadDiagnostics(spec("  - create_index: {table: users, columns: [name], method: rtree}\n"))
        #expect(diagnostics.map(\.description) == [
            "x.yaml:5:51: error: unknown index method 'rtree'\n  fix: use btree, hash, gin, gist, spgist or brin",
        ])
    }

    @Test func foreignKeyColumnCountMismatch() throws {
        let diagnostics = loadDiagnostics(spec("  - add_foreign_key: {table: posts, columns: [a, b], references: users(id)}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:5:66: error: foreign key has 2 column(s) but references 1"])
    }

    @Test func badReferenceSpelling() throws {
        let diagnostics = loadDiagnostics(spec("  - add_column: {table: posts, column: {name: user_id, type: bigint, references: users}}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:5:82: error: 'references' must be `table.column` or `table(column)`, not 'users'"])
    }

    @Test func negativeBatchSize() throws {
        let diagnostics = loadDiagnostics(spec("  - backfill: {table: users, set: {a: b}, batch_size: -1}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:5:43: error: 'batch_size' must be 0 (one statement) or more"])
    }

    @Test func tooLongName() throws {
        let long = String(repeating: "a", count: 64)
        let diagnostics = loadDiagnostics(spec("  - drop_table: {table: \(long)}\n"))
        #expect(diagnostics.map(headline) == ["x.yaml:5:18: error: name '\(long)' is 64 bytes long; PostgreSQL keeps 63 and MySQL 64"])
    }

    @Test func everyProblemOfAFileIsReported() throws {
        let yaml = """
            mgen: 1
            id: "0001"
            name: t
            operations:
              - drop_tabel: {table: a}
              - add_column: {table: a, column: {name: b, type: txt}}
              - rename_table: {table: a}
            """
        #expect(loadDiagnostics(yaml).map(headline) == [
            "x.yaml:5:5: error: unknown operation 'drop_tabel' (did you mean 'drop_table'?)",
            "x.yaml:6:52: error: unknown or malformed type 'txt' (did you mean 'text'?)",
            "x.yaml:7:19: error: missing required field 'to' in rename_table",
        ])
    }
}
