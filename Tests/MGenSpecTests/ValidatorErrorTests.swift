import MGenSpec
import Testing

/// Every user error found by replaying the chain: ids, depends_on, and each operation checked
/// against the schema before it. Places are the operation's field in the spec.
@Suite struct ValidatorErrorTests {
    // MARK: - The chain

    @Test func duplicateIdsAcrossFiles() throws {
        let a = "mgen: 1\nid: \"0001\"\nname: a\noperations:\n  - create_table: {table: a, columns: [{name: x, type: text}]}\n"
        let b = "mgen: 1\nid: \"0001\"\nname: b\noperations:\n  - create_table: {table: b, columns: [{name: x, type: text}]}\n"
        let diagnostics = try chainDiagnostics([(a, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:2:1: error: duplicate id '0001': a.yaml has it too\n  fix: give each spec its own id",
        ])
    }

    @Test func danglingDependsOnSuggestsClosestId() throws {
        let b = "mgen: 1\nid: \"0002\"\nname: b\ndepends_on: \"0011\"\noperations:\n  - drop_table: {table: users}\n"
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:4:1: error: depends_on names unknown migration '0011' (did you mean '0001'?)\n  fix: ids in this chain: 0001, 0002",
        ])
    }

    @Test func dependsOnALaterMigration() throws {
        let a = "mgen: 1\nid: \"0001\"\nname: a\ndepends_on: [\"0002\"]\noperations:\n  - create_table: {table: a, columns: [{name: x, type: text}]}\n"
        let b = "mgen: 1\nid: \"0002\"\nname: b\noperations:\n  - create_table: {table: b, columns: [{name: x, type: text}]}\n"
        let diagnostics = try chainDiagnostics([(a, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["a.yaml:4:1: error: depends_on names '0002', which does not come before '0001'"])
    }

    // MARK: - Unknown names

    @Test func unknownTableSuggestsClosest() throws {
        let b = spec(id: "0002", "  - add_column:\n      table: user\n      column: {name: age, type: integer}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == ["b.yaml:6:7: error: unknown table 'user' (did you mean 'users'?)\n  fix: tables: users"])
    }

    @Test func unknownTableInEmptySchema() throws {
        let diagnostics = try chainDiagnostics(spec("  - drop_table: {table: users}\n"))
        #expect(diagnostics.map(\.description) == ["x.yaml:5:18: error: unknown table 'users'\n  fix: create it first with create_table"])
    }

    @Test func unknownColumnSuggestsClosest() throws {
        let b = spec(id: "0002", "  - drop_column:\n      table: users\n      column: emial\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:7:7: error: unknown column 'emial' in table 'users' (did you mean 'email'?)\n  fix: columns of users: id, email, name",
        ])
    }

    @Test func unknownIndexSuggestsClosest() throws {
        let b = spec(id: "0002", "  - drop_index: {name: users_nam_idx}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:18: error: unknown index 'users_nam_idx' (did you mean 'users_name_idx'?)"])
    }

    @Test func dropConstraintOfAnIndexSaysUseDropIndex() throws {
        let b = spec(id: "0002", "  - drop_constraint: {table: users, name: users_name_idx}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:5:37: error: table 'users' has no constraint named 'users_name_idx'\n  fix: 'users_name_idx' is an index: use drop_index",
        ])
    }

    @Test func dropIndexOnTheWrongTable() throws {
        let b = spec(id: "0002", "  - create_table: {table: t, columns: [{name: x, type: text}]}\n  - drop_index: {name: users_name_idx, table: t}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:6:40: error: index 'users_name_idx' is on table 'users', not 't'"])
    }

    // MARK: - Duplicates

    @Test func duplicateTable() throws {
        let b = spec(id: "0002", "  - create_table:\n      table: users\n      columns: [{name: x, type: text}]\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:6:7: error: table 'users' already exists\n  fix: drop it first, or alter the existing table",
        ])
    }

    @Test func duplicateColumnInCreateTable() throws {
        let yaml = spec("  - create_table:\n      table: t\n      columns:\n        - {name: a, type: text}\n        - {name: a, type: integer}\n")
        #expect(try chainDiagnostics(yaml).map(headline) == ["x.yaml:7:7: error: column 'a' is declared twice in table 't'"])
    }

    @Test func duplicateColumnInAddColumn() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: email, type: text}}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:32: error: column 'email' already exists in table 'users'"])
    }

    @Test func renameColumnOntoAnExistingOne() throws {
        let b = spec(id: "0002", "  - rename_column: {table: users, column: name, to: email}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:49: error: column 'email' already exists in table 'users'"])
    }

    @Test func duplicateIndexName() throws {
        let b = spec(id: "0002", "  - create_index: {name: users_name_idx, table: users, columns: [email]}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:5:20: error: an index named 'users_name_idx' already exists\n  fix: choose another name",
        ])
    }

    @Test func defaultIndexNameCollides() throws {
        // Both indexes get the default name users_name_idx.
        let b = spec(id: "0002", "  - create_index: {table: users, columns: [name], unique: true}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:5: error: an index named 'users_name_idx' already exists"])
    }

    @Test func indexNameTakenByAConstraint() throws {
        let b = spec(id: "0002", "  - create_index: {name: users_email_key, table: users, columns: [email]}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:20: error: a constraint named 'users_email_key' already exists on table 'users'"])
    }

    @Test func duplicateConstraintNameInCreateTable() throws {
        let yaml = spec("""
              - create_table:
                  table: t
                  columns:
                    - {name: a, type: text, unique: true}
                  unique:
                    - {name: t_a_key, columns: [a]}

            """)
        #expect(try chainDiagnostics(yaml).map(headline) == ["x.yaml:6:7: error: constraint name 't_a_key' is used twice in table 't'"])
    }

    // MARK: - Foreign keys

    @Test func foreignKeyToMissingColumn() throws {
        let b = spec(id: "0002", "  - create_table:\n      table: posts\n      columns:\n        - {name: user_id, type: bigint, references: users.uid}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:5: error: foreign key 'posts_user_id_fkey' references unknown column 'users.uid' (did you mean 'id'?)"])
    }

    @Test func foreignKeyToMissingTable() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: team_id, type: bigint, references: teams(id)}}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:5:32: error: foreign key 'users_team_id_fkey' references unknown table 'teams'\n  fix: create 'teams' in an earlier migration",
        ])
    }

    @Test func foreignKeyToNonUniqueColumns() throws {
        let b = spec(id: "0002", """
              - add_column: {table: users, column: {name: boss_name, type: string(50)}}
              - add_foreign_key:
                  table: users
                  columns: [boss_name]
                  references: users(name)

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:9:7: error: foreign key 'users_boss_name_fkey' references users(name), which is neither its primary key nor unique\n  fix: reference the primary key, or add a unique constraint on those columns first",
        ])
    }

    @Test func foreignKeyToAUniqueIndexIsAccepted() throws {
        let b = spec(id: "0002", """
              - create_index: {name: users_name_uq, table: users, columns: [name], unique: true}
              - create_table:
                  table: notes
                  columns:
                    - {name: author, type: string(50), references: users(name)}

            """)
        #expect(try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")]).isEmpty)
    }

    @Test func setNullOnANotNullColumn() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns:
                    - {name: user_id, type: bigint, nullable: false, references: {table: users, on_delete: set null}}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:5: error: foreign key 'posts_user_id_fkey' uses SET NULL but column 'user_id' is NOT NULL"])
    }

    @Test func dropColumnReferencedByAForeignKey() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: invites
                  columns:
                    - {name: email, type: string(100), references: users.email}
              - drop_column: {table: users, column: email}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        // The expanded drop of the column's unique constraint is refused too, at the operation.
        #expect(diagnostics.map(\.description) == [
            "b.yaml:9:5: error: unique constraint 'users_email_key' backs foreign key 'invites_email_fkey' of table 'invites'\n  fix: drop that foreign key first",
            "b.yaml:9:33: error: column 'users.email' is referenced by foreign key 'invites_email_fkey' of table 'invites'\n  fix: drop that constraint first",
        ])
    }

    @Test
    func dropColumnReferencedBySelfForeignKey() throws {
        let yaml = spec("""
              - create_table:
                  table: t
                  columns:
                    - {name: id, type: integer, primary_key: true}
                    - {name: code, type: text, unique: true}
                    - {name: parent_code, type: text, references: t.code}
              - drop_column: {table: t, column: code}

            """)
        #expect(try chainDiagnostics(yaml).map(headline) == [
            "x.yaml:11:29: error: column 't.code' is referenced by foreign key 't_parent_code_fkey' of table 't'",
        ])
    }

    @Test func dropPrimaryKeyColumn() throws {
        let b = spec(id: "0002", "  - drop_column: {table: users, column: id}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:33: error: column 'id' is part of the primary key of 'users'"])
    }

    @Test func dropColumnUsedByACheck() throws {
        let yaml = spec("""
              - create_table:
                  table: t
                  columns: [{name: score, type: integer}]
                  checks: [{expression: score >= 0}]
              - drop_column: {table: t, column: score}

            """)
        #expect(try chainDiagnostics(yaml).map(\.description) == [
            "x.yaml:9:29: error: check constraint 't_check' uses column 'score'\n  fix: drop that constraint first",
        ])
    }

    @Test func dropTableReferencedByAForeignKey() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns: [{name: user_id, type: bigint, references: users.id}]
              - drop_table: {table: users}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:8:18: error: table 'users' is referenced by foreign key 'posts_user_id_fkey' of table 'posts'\n  fix: drop that constraint first (drop_constraint: {table: posts, name: posts_user_id_fkey})",
        ])
    }

    @Test func dropUniqueThatBacksAForeignKey() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: invites
                  columns: [{name: email, type: string(100), references: users.email}]
              - drop_constraint: {table: users, name: users_email_key}

            """)
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:8:37: error: unique constraint 'users_email_key' backs foreign key 'invites_email_fkey' of table 'invites'"])
    }

    @Test func validateUnknownConstraint() throws {
        let b = spec(id: "0002", "  - validate_constraint: {table: users, name: users_email_kye}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:41: error: table 'users' has no foreign key or check constraint named 'users_email_kye' (did you mean 'users_email_key'?)"])
    }

    // MARK: - sql, transactions, backfills

    @Test func sqlWithoutDownNorIrreversible() throws {
        let b = spec(id: "0002", "  - sql: \"UPDATE users SET name = 'x'\"\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:5:5: error: `sql` without `down` has no inverse, so this migration cannot be rolled back\n  fix: give the sql step a `down:`, give the spec a `down:` list, or say why it cannot be undone with `irreversible: \"reason\"`",
        ])
    }

    @Test func sqlWithoutDownIsFineWhenIrreversibleOrExplicitDown() throws {
        let irreversible = spec(id: "0002", "  - sql: \"UPDATE users SET name = 'x'\"\n", extra: "irreversible: names are overwritten\n")
        let planned = try chain(usersSpec, irreversible).migrations[1]
        #expect(planned.down == nil)
        let explicit = spec(id: "0002", "  - sql: \"UPDATE users SET name = 'x'\"\ndown:\n  - sql: \"UPDATE users SET name = NULL\"\n")
        let down = try #require(try chain(usersSpec, explicit).migrations[1].down)
        #expect(down.map(\.operation) == [.sql(up: DialectSQL("UPDATE users SET name = NULL"), down: nil)])
    }

    @Test func transactionTrueWithConcurrently() throws {
        let b = spec(id: "0002", "  - create_index: {table: users, columns: [email, name], concurrently: true}\n", extra: "transaction: true\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:4:1: error: CONCURRENTLY cannot run inside a transaction, but this spec says `transaction: true`\n  fix: remove `transaction: true` (mgen runs this migration outside a transaction)",
        ])
    }

    @Test func backfillWithoutIntegerKey() throws {
        let yaml = spec("""
              - create_table:
                  table: tags
                  columns: [{name: label, type: text, primary_key: true}, {name: color, type: text}]
              - backfill: {table: tags, set: {color: "'red'"}}

            """)
        #expect(try chainDiagnostics(yaml).map(\.description) == [
            "x.yaml:8:16: error: backfill of 'tags' needs an integer key column to cut batches along\n  fix: set `key: <integer column>`, or `batch_size: 0` for one UPDATE statement",
        ])
    }

    @Test func backfillWithNonIntegerKey() throws {
        let yaml = spec("""
              - create_table:
                  table: tags
                  columns: [{name: label, type: text}, {name: color, type: text}]
              - backfill: {table: tags, set: {color: "'red'"}, key: label}

            """)
        #expect(try chainDiagnostics(yaml).map(headline) == ["x.yaml:8:52: error: backfill key 'label' must be an integer column to cut batches along"])
    }

    @Test func backfillOfOneStatementNeedsNoKey() throws {
        let yaml = spec("""
              - create_table:
                  table: tags
                  columns: [{name: label, type: text}, {name: color, type: text}]
              - backfill: {table: tags, set: {color: "'red'"}, batch_size: 0}

            """)
        #expect(try chainDiagnostics(yaml).isEmpty)
    }

    @Test func backfillOfUnknownColumn() throws {
        let b = spec(id: "0002", "  - backfill: {table: users, set: {nmae: \"'x'\"}}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:30: error: unknown column 'nmae' in table 'users' (did you mean 'name'?)"])
    }

    @Test func identityColumnMustStayInteger() throws {
        let b = spec(id: "0002", "  - alter_column: {table: users, column: id, type: text}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:5:46: error: identity column 'id' must stay an integer type"])
    }

    // MARK: - Keys and identity columns (generated classes validator-pk-identity-alter, validator-fk-column-type-change)

    @Test func primaryKeyColumnCannotBeMadeNullable() throws {
        let a = spec("  - create_table: {table: k, columns: [{name: a, type: integer}, {name: part, type: string(20)}], primary_key: [a, part]}\n")
        let b = spec(id: "0002", "  - alter_column: {table: k, column: part, type: string(40), nullable: true}\n")
        let diagnostics = try chainDiagnostics([(a, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(\.description) == [
            "b.yaml:5:62: error: column 'k.part' is part of the primary key and cannot be made nullable\n"
                + "  fix: leave out `nullable: true` (a primary-key column is always NOT NULL), or create a table with another key and move the rows",
        ])
        let single = spec(id: "0002", "  - alter_column: {table: users, column: id, nullable: true, comment: changed}\n")
        #expect(try chainDiagnostics([(usersSpec, "a.yaml"), (single, "b.yaml")]).map(headline) == [
            "b.yaml:5:46: error: column 'users.id' is part of the primary key and cannot be made nullable",
        ])
        // nullable: false on a key column, or true on another column, is fine.
        let fine = spec(id: "0002", "  - alter_column: {table: users, column: id, nullable: false}\n  - alter_column: {table: users, column: name, nullable: true}\n")
        #expect(try chainDiagnostics([(usersSpec, "a.yaml"), (fine, "b.yaml")]).isEmpty)
    }

    @Test func identityColumnTakesNoDefault() throws {
        for change in ["default: 7", "default: null"] {
            let b = spec(id: "0002", "  - alter_column: {table: users, column: id, \(change)}\n")
            #expect(try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")]).map(\.description) == [
                "b.yaml:5:46: error: identity column 'users.id' takes its values from its sequence and cannot have a default set or dropped\n"
                    + "  fix: leave out `default`, or add a plain column with the default instead",
            ])
        }
        let created = spec("  - create_table: {table: t, columns: [{name: id, type: integer, primary_key: true, identity: true, default: 7}]}\n")
        #expect(loadDiagnostics(created).map(headline) == [
            "x.yaml:5:101: error: identity column 'id' takes its values from its sequence and cannot have a default",
        ])
    }

    @Test func indexMethodsPostgreSQLCannotBuild() throws {
        let unique = spec("  - create_index: {table: users, columns: [email], unique: true, method: hash}\n")
        #expect(loadDiagnostics(unique).map(headline) == [
            "x.yaml:5:66: error: a unique index cannot use method 'hash': PostgreSQL builds unique indexes only with btree",
        ])
        let wide = spec("  - create_index: {table: users, columns: [email, id], method: hash}\n")
        #expect(loadDiagnostics(wide).map(headline) == ["x.yaml:5:34: error: a hash index has one key part, this one has 2"])
        #expect(loadDiagnostics(spec("  - create_index: {table: users, columns: [email, id], method: gin}\n")).isEmpty)
        #expect(loadDiagnostics(spec("  - create_index: {table: users, columns: [email], unique: true, method: btree}\n")).isEmpty)
    }

    /// A table `p` (id bigint key) and `c` whose `p_id` references it.
    static let parentChild = spec("""
          - create_table: {table: p, columns: [{name: id, type: bigint, primary_key: true}, {name: code, type: string(20), unique: true}]}
          - create_table: {table: c, columns: [{name: id, type: bigint, primary_key: true}, {name: p_id, type: bigint, references: {table: p, column: id}}, {name: p_code, type: string(20)}]}
          - add_foreign_key: {table: c, columns: [p_code], references: {table: p, columns: [code]}, name: c_code_fk}

        """)

    @Test func typeOfAForeignKeyColumnCannotChangeAlone() throws {
        let own = spec(id: "0002", "  - alter_column: {table: c, column: p_id, type: \"decimal(20,0)\"}\n")
        #expect(try chainDiagnostics([(Self.parentChild, "a.yaml"), (own, "b.yaml")]).map(\.description) == [
            "b.yaml:5:44: error: column 'c.p_id' is in foreign key 'c_p_id_fkey' of table 'c' with 'p.id' (bigint); "
                + "changing its type to decimal(20,0) while the key exists is refused by PostgreSQL and MySQL\n"
                + "  fix: drop the key first (drop_constraint: {table: c, name: c_p_id_fkey}), alter both columns to decimal(20,0), "
                + "then add the key again with add_foreign_key",
        ])
        let referenced = spec(id: "0002", "  - alter_column: {table: p, column: id, type: integer}\n")
        #expect(try chainDiagnostics([(Self.parentChild, "a.yaml"), (referenced, "b.yaml")]).map(headline) == [
            "b.yaml:5:42: error: column 'p.id' is in foreign key 'c_p_id_fkey' of table 'c' with 'c.p_id' (bigint); "
                + "changing its type to integer while the key exists is refused by PostgreSQL and MySQL",
        ])
        // A string column of a key may change its length; a column in no key any type.
        let fine = spec(id: "0002", "  - alter_column: {table: p, column: code, type: string(40)}\n  - alter_column: {table: c, column: id, type: integer}\n")
        #expect(try chainDiagnostics([(Self.parentChild, "a.yaml"), (fine, "b.yaml")]).isEmpty)
        // The way the fix names: drop the key, change both sides, add it again.
        let fixed = spec(id: "0002", """
              - drop_constraint: {table: c, name: c_p_id_fkey}
              - alter_column: {table: p, column: id, type: integer}
              - alter_column: {table: c, column: p_id, type: integer}
              - add_foreign_key: {table: c, columns: [p_id], references: {table: p, columns: [id]}}

            """)
        #expect(try chainDiagnostics([(Self.parentChild, "a.yaml"), (fixed, "b.yaml")]).isEmpty)
    }

    @Test func foreignKeyColumnsMustHaveTheReferencedType() throws {
        let b = spec(id: "0002", "  - add_column: {table: c, column: {name: q, type: integer}}\n  - add_foreign_key: {table: c, columns: [q], references: {table: p, columns: [id]}, name: c_q_fk}\n")
        #expect(try chainDiagnostics([(Self.parentChild, "a.yaml"), (b, "b.yaml")]).map(\.description) == [
            "b.yaml:6:47: error: foreign key 'c_q_fk' ties 'c.q' (integer) to 'p.id' (bigint); PostgreSQL and MySQL refuse a key whose columns differ in type\n"
                + "  fix: give 'q' the type bigint",
        ])
    }

    /// An enum column's CHECK is named `<table>_<column>_check` (Django derives the same name on
    /// MySQL): like every derived name it must fit 63 bytes, whichever operation makes it.
    @Test func enumCheckNameIsLengthChecked() throws {
        let t = String(repeating: "t", count: 50)  // + "_status_check" = 63 bytes: fits
        let base = spec("  - create_table: {table: \(t), columns: [{name: id, type: integer, primary_key: true}, {name: status, type: \"enum(a,b)\"}, {name: numbers, type: integer}]}\n")
        #expect(try chainDiagnostics(base).isEmpty)
        let fix = "an enum's CHECK is named <table>_<column>_check: use a shorter table or column name (together at most 56 bytes)"
        func refused(_ operation: String) throws -> [String] {
            try chainDiagnostics([(base, "a.yaml"), (spec(id: "0002", operation), "b.yaml")]).map { "\($0.message) | \($0.fix ?? "")" }
        }
        // create_table, add_column, alter_column to an enum, rename_column, rename_table.
        #expect(try chainDiagnostics(spec("  - create_table: {table: \(t)x, columns: [{name: status, type: \"enum(a,b)\"}]}\n")).map { $0.fix } == [fix])
        #expect(try refused("  - add_column: {table: \(t), column: {name: statusx, type: \"enum(a,b)\"}}\n") == [
            "the CHECK of enum column '\(t).statusx' would be named '\(t)_statusx_check', 64 bytes long; PostgreSQL keeps 63 (and cuts the rest silently) and MySQL 64 | \(fix)"])
        #expect(try refused("  - alter_column: {table: \(t), column: numbers, type: \"enum(a,b)\"}\n").map { $0.hasSuffix(fix) } == [true])
        #expect(try refused("  - rename_column: {table: \(t), column: status, to: statuses}\n").map { $0.contains("'\(t)_statuses_check', 65 bytes") } == [true])
        #expect(try refused("  - rename_table: {table: \(t), to: \(t)xy}\n").map { $0.contains("'\(t)xy_status_check', 65 bytes") } == [true])
        // Columns that are not enums may have any name up to the limit.
        #expect(try refused("  - rename_column: {table: \(t), column: numbers, to: a_much_longer_column_name}\n").isEmpty)
    }

    /// An expression that quotes a name no column of the table has (renamed away, dropped, a typo):
    /// SQLite would read `"name"` as the string 'name' (fixture django-sqlite-rebuild-loses-expression-index,
    /// seed 5, indexed lower("created_at") on a table without it). Refused in index expressions,
    /// `where`, and CHECKs, with the place and the columns; a renamed column's new name passes.
    @Test func quotedNameThatIsNoColumnIsRefused() throws {
        let renamed = spec(id: "0002", "  - rename_column: {table: users, column: name, to: full_name}\n")
        func refused(_ operation: String) throws -> [Diagnostic] {
            try chainDiagnostics([(usersSpec, "a.yaml"), (renamed, "b.yaml"), (spec(id: "0003", operation), "c.yaml")])
        }
        let fix = "  fix: name a column of users (id, email, full_name); a column renamed earlier goes by its new name (SQLite reads a double-quoted name that is no column as a string)"
        #expect(try refused("  - create_index: {table: users, columns: [{expression: \"lower(\\\"name\\\")\"}]}\n").map(\.description) == [
            "c.yaml:5:34: error: the expression of index 'users_expr_idx' reads \"name\", which is not a column of 'users'\n" + fix])
        #expect(try refused("  - create_index: {table: users, columns: [email], where: \"\\\"name\\\" IS NOT NULL\"}\n").map(headline) == [
            "c.yaml:5:52: error: the `where` of index 'users_email_idx' reads \"name\", which is not a column of 'users'"])
        #expect(try refused("  - add_check: {table: users, name: users_name_chk, expression: \"length(`name`) > 0\"}\n").map(headline) == [
            "c.yaml:5:53: error: check 'users_name_chk' reads \"name\", which is not a column of 'users'"])
        // The new name, string literals, collations and qualified or function names pass.
        #expect(try refused("  - create_index: {table: users, columns: [{expression: \"lower(\\\"full_name\\\" COLLATE \\\"C\\\")\"}], where: \"email <> '\\\"name\\\"'\"}\n").isEmpty)
        #expect(try refused("  - add_check: {table: users, name: users_chk, expression: \"\\\"pg_catalog\\\".length(full_name) > 0 AND \\\"f\\\"(id) IS NULL\"}\n").isEmpty)
    }

    @Test func laterSpecsAreNotCheckedAfterAFailingOne() throws {
        let b = spec(id: "0002", "  - drop_table: {table: nope}\n")
        let c = spec(id: "0003", "  - drop_table: {table: nope_either}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml"), (c, "c.yaml")])
        #expect(diagnostics.map(\.location?.file) == ["b.yaml"])
    }
}
