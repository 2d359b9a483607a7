import MGenSpec
import Testing

/// The replayed state, derived downs, destructive marks, ordering, hashing and loader defaults.
@Suite struct StateAndInversionTests {
    // MARK: - Loader defaults and sugar

    @Test func columnDefaultsAndSugarAreLifted() throws {
        let yaml = spec("""
              - create_table:
                  table: posts
                  columns:
                    - {name: id, type: bigint, autoincrement: true, primary_key: true}
                    - {name: slug, type: string, unique: true}
                    - {name: user_id, type: bigint, references: users.id}
                    - {name: editor_id, type: bigint, references: {table: users, on_delete: set_null, on_update: CASCADE, name: posts_editor}}
                    - {name: state, type: "enum(draft, 'live')", nullable: false, default: draft}
                    - {name: at, type: timestamptz, default: {sql: now()}}
                    - {name: n, type: "numeric(8, 2)", default: 1.50}

            """)
        let migration = try SpecLoader.load(text: yaml, file: "x.yaml")
        guard case let .createTable(table) = try #require(migration.operations.first).value else {
            Issue.record("not a create_table")
            return
        }
        #expect(table.primaryKey == PrimaryKey(name: "posts_pkey", columns: ["id"]))
        #expect(table.column("id") == Column(name: "id", type: .bigint, nullable: false, identity: true))
        #expect(table.column("slug")?.type == .string(length: 255))
        #expect(table.column("slug")?.nullable == true)
        #expect(table.uniques == [UniqueConstraint(name: "posts_slug_key", table: "posts", columns: ["slug"])])
        #expect(table.foreignKeys == [
            ForeignKey(name: "posts_user_id_fkey", table: "posts", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"]),
            ForeignKey(name: "posts_editor", table: "posts", columns: ["editor_id"], referencedTable: "users", referencedColumns: ["id"],
                       onDelete: .setNull, onUpdate: .cascade),
        ])
        #expect(table.column("state") == Column(name: "state", type: .enumeration(["draft", "live"]), nullable: false,
                                                defaultValue: .literal(.string("draft"))))
        #expect(table.column("at")?.defaultValue == .sql("now()"))
        #expect(table.column("n")?.type == .decimal(precision: 8, scale: 2))
        #expect(table.column("n")?.defaultValue == .literal(.number("1.50")))
        #expect(migration.transaction == nil)
        #expect(migration.runsInTransaction)
    }

    @Test func defaultNames() {
        #expect(DefaultNames.primaryKey("users") == "users_pkey")
        #expect(DefaultNames.unique("users", ["a", "b"]) == "users_a_b_key")
        #expect(DefaultNames.foreignKey("posts", ["user_id"]) == "posts_user_id_fkey")
        #expect(DefaultNames.index("posts", ["user_id", "expr"]) == "posts_user_id_expr_idx")
        #expect(DefaultNames.check("t", 0) == "t_check")
        #expect(DefaultNames.check("t", 2) == "t_check2")
    }

    @Test func idKeptAsWrittenAndHashOfTheText() throws {
        let yaml = "mgen: 1\nid: 0042\nname: t\noperations:\n  - drop_table: {table: x}\n"
        let migration = try SpecLoader.load(text: yaml, file: "x.yaml")
        #expect(migration.id == "0042")
        #expect(migration.sha256 == SHA256.hex(Array(yaml.utf8)))
    }

    @Test func concurrentIndexRunsOutsideATransaction() throws {
        let b = spec(id: "0002", "  - create_index: {table: users, columns: [email, name], concurrently: true}\n")
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.migration.runsInTransaction == false)
        #expect(planned.runsInTransaction == false)
        let forced = spec(id: "0002", "  - add_column: {table: users, column: {name: a, type: text}}\n", extra: "transaction: false\n")
        #expect(try chain(usersSpec, forced).migrations[1].runsInTransaction == false)
    }

    // MARK: - SHA-256

    @Test func sha256KnownVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // 56 bytes: the padding spills into a second block.
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func createdTimestamps() {
        #expect(parseTimestamp("1970-01-01T00:00:00Z") == 0)
        #expect(parseTimestamp("2025-01-15T10:30:00Z") == 1_736_937_000)
        #expect(parseTimestamp("2025-01-15 10:30:00") == 1_736_937_000)
        #expect(parseTimestamp("20250115103000") == 1_736_937_000)
        #expect(parseTimestamp("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(parseTimestamp("2000-03-01T23:59:59Z") == 951_955_199)
        #expect(parseTimestamp("2023-02-29T00:00:00Z") == nil)
        #expect(parseTimestamp("2025-13-01T00:00:00Z") == nil)
        #expect(parseTimestamp("2025-01-15T24:00:00Z") == nil)
        #expect(parseTimestamp("2025-01-15T10:30:00+01:00") == nil)
        #expect(parseTimestamp("2025-01-15") == nil)
    }

    // MARK: - Ordering

    @Test func idOrdering() {
        #expect(idPrecedes("9", "10"))
        #expect(!idPrecedes("10", "9"))
        #expect(idPrecedes("0009", "0010"))
        #expect(idPrecedes("0009", "10"))
        #expect(idPrecedes("20250115103000", "20250116000000"))
        #expect(idPrecedes("abc", "abd"))
        #expect(!idPrecedes("5", "5"))
        #expect(idPrecedes("1", "01") != idPrecedes("01", "1"))
        let ids = ["10", "2", "0001", "a", "9"]
        #expect(ids.sorted(by: idPrecedes) == ["0001", "2", "9", "10", "a"])
    }

    @Test func chainIsOrderedByIdNotByFileOrder() throws {
        let a = spec(id: "10", "  - add_column: {table: users, column: {name: a, type: text}}\n")
        let b = spec(id: "9", "  - add_column: {table: users, column: {name: b, type: text}}\n")
        let built = try MigrationChain.build([
            try SpecLoader.load(text: a, file: "a.yaml"),
            try SpecLoader.load(text: usersSpec, file: "u.yaml"),
            try SpecLoader.load(text: b, file: "b.yaml"),
        ])
        #expect(built.migrations.map(\.id) == ["0001", "9", "10"])
        #expect(built.migrations.map(\.parent) == [nil, "0001", "9"])
        #expect(built.final.table("users")?.columns.map(\.name) == ["id", "email", "name", "b", "a"])
    }

    // MARK: - SchemaState replay

    @Test func renameColumnUpdatesIndexesConstraintsAndForeignKeys() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns:
                    - {name: id, type: bigint, primary_key: true}
                    - {name: author_email, type: string(100), references: users.email}
                    - {name: score, type: integer}
                  checks: [{name: posts_score_check, expression: "score >= 0 AND score_max > 0"}]
                  foreign_keys:
                    - {columns: [id], references: posts(id), name: posts_self}
              - create_index: {name: users_email_lower, table: users, columns: [{expression: lower(email)}], where: "email <> 'x'"}
              - rename_column: {table: users, column: email, to: mail}
              - rename_column: {table: posts, column: score, to: points}
              - rename_column: {table: posts, column: id, to: post_id}

            """)
        let state = try chain(usersSpec, b).final
        let users = try #require(state.table("users"))
        #expect(users.columns.map(\.name) == ["id", "mail", "name"])
        #expect(users.uniques == [UniqueConstraint(name: "users_email_key", table: "users", columns: ["mail"])])
        #expect(state.index("users_email_lower")?.parts == [.expression("lower(mail)")])
        #expect(state.index("users_email_lower")?.predicate == "mail <> 'x'")
        let posts = try #require(state.table("posts"))
        #expect(posts.foreignKeys.first { $0.name == "posts_author_email_fkey" }?.referencedColumns == ["mail"])
        // Whole words only: score_max is another identifier.
        #expect(posts.checks.first?.expression == "points >= 0 AND score_max > 0")
        #expect(posts.primaryKey?.columns == ["post_id"])
        let selfReference = try #require(posts.foreignKeys.first { $0.name == "posts_self" })
        #expect(selfReference.columns == ["post_id"])
        #expect(selfReference.referencedColumns == ["post_id"])
    }

    @Test
    func renameColumnLeavesStringLiteralsAlone() throws {
        let b = spec(id: "0002", """
              - add_check: {table: users, name: users_name_check, expression: "name <> 'no name given'"}
              - rename_column: {table: users, column: name, to: label}

            """)
        let state = try chain(usersSpec, b).final
        #expect(state.table("users")?.checks.first?.expression == "label <> 'no name given'")
    }

    @Test func renameTableMovesIndexesAndIncomingForeignKeys() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns: [{name: user_id, type: bigint, references: users.id}]
              - rename_table: {table: users, to: people}

            """)
        let state = try chain(usersSpec, b).final
        #expect(state.table("users") == nil)
        #expect(state.table("people")?.uniques.map(\.table) == ["people"])
        #expect(state.index("users_name_idx")?.table == "people")
    }

    @Test
    func renameTableUpdatesIncomingForeignKeys() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns: [{name: user_id, type: bigint, references: users.id}]
              - rename_table: {table: users, to: people}

            """)
        let built = try chain(usersSpec, b)
        #expect(built.final.table("posts")?.foreignKeys.map(\.referencedTable) == ["people"])
        #expect(built.final.incomingForeignKeys(to: "people").map(\.name) == ["posts_user_id_fkey"])
        #expect(built.migrations[1].warnings.isEmpty)
    }

    @Test func dropColumnExpandsIntoDropsOfDependentIndexesAndConstraints() throws {
        let b = spec(id: "0002", """
              - create_index: {name: users_name_email, table: users, columns: [name, email]}
              - create_index: {name: users_lower_email, table: users, columns: [{expression: lower(email)}]}
              - create_index: {name: users_name_partial, table: users, columns: [name], where: email IS NOT NULL}
              - add_unique: {table: users, columns: [email, name]}
              - drop_column: {table: users, column: email}

            """)
        let planned = try chain(usersSpec, b).migrations[1]
        let drops = planned.up.suffix(from: 4).map(\.operation)
        #expect(drops == [
            .dropIndex(name: "users_lower_email", table: "users", concurrently: false),
            .dropIndex(name: "users_name_email", table: "users", concurrently: false),
            .dropIndex(name: "users_name_partial", table: "users", concurrently: false),
            .dropConstraint(table: "users", name: "users_email_key"),
            .dropConstraint(table: "users", name: "users_email_name_key"),
            .dropColumn(table: "users", column: "email"),
        ])
        // Every expanded step points at the drop_column in the spec.
        #expect(Set(planned.up.suffix(from: 4).map(\.location.line)) == [9])
        let users = try #require(planned.after.table("users"))
        #expect(users.uniques.isEmpty)
        #expect(planned.after.indexes(on: "users").map(\.name) == ["users_name_idx"])
    }

    @Test func dropColumnExpandsIntoDropOfItsForeignKey() throws {
        let b = spec(id: "0002", """
              - create_table:
                  table: posts
                  columns: [{name: id, type: integer, primary_key: true}, {name: user_id, type: bigint, references: users.id}]
              - create_index: {table: posts, columns: [user_id]}

            """)
        let c = spec(id: "0003", "  - drop_column: {table: posts, column: user_id}\n")
        let planned = try chain(usersSpec, b, c).migrations[2]
        #expect(planned.up.map(\.operation) == [
            .dropIndex(name: "posts_user_id_idx", table: "posts", concurrently: false),
            .dropConstraint(table: "posts", name: "posts_user_id_fkey"),
            .dropColumn(table: "posts", column: "user_id"),
        ])
        // The down puts everything back, in reverse order.
        #expect(planned.down?.map(\.operation.kind) == ["add_column", "add_foreign_key", "create_index"])
        #expect(planned.warnings.isEmpty)
    }

    // MARK: - Derived downs

    @Test func dropColumnDownReAddsTheExactColumn() throws {
        let b = spec(id: "0002", """
              - add_column:
                  table: users
                  column: {name: score, type: "decimal(6,2)", nullable: false, default: 0, comment: The score.}

            """)
        let c = spec(id: "0003", "  - drop_column: {table: users, column: score}\n")
        let planned = try chain(usersSpec, b, c).migrations[2]
        let expected = Column(name: "score", type: .decimal(precision: 6, scale: 2), nullable: false,
                              defaultValue: .literal(.integer(0)), comment: "The score.")
        #expect(planned.down?.map(\.operation) == [.addColumn(table: "users", column: expected, unique: nil, foreignKey: nil)])
        #expect(planned.warnings.isEmpty)
    }

    @Test func alterColumnDownRestoresTypeNullabilityAndDefault() throws {
        let b = spec(id: "0002", """
              - alter_column: {table: users, column: name, type: text, nullable: false, default: {sql: "'anon'"}}

            """)
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.down?.map(\.operation) == [
            .alterColumn(AlterColumn(table: "users", column: "name", type: .string(length: 50), nullable: true, defaultChange: .drop)),
        ])
        #expect(planned.after.table("users")?.column("name") == Column(name: "name", type: .text, nullable: false, defaultValue: .sql("'anon'")))
        #expect(planned.warnings.isEmpty)
    }

    @Test func alterColumnDownRestoresAnOldDefaultAndOnlyWhatChanged() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: n, type: integer, default: 5}}\n")
        let c = spec(id: "0003", "  - alter_column: {table: users, column: n, default: null}\n")
        let planned = try chain(usersSpec, b, c).migrations[2]
        #expect(planned.up.map(\.operation) == [.alterColumn(AlterColumn(table: "users", column: "n", defaultChange: .drop))])
        #expect(planned.down?.map(\.operation) == [
            .alterColumn(AlterColumn(table: "users", column: "n", defaultChange: .set(.literal(.integer(5))))),
        ])
    }

    @Test
    func alterColumnCommentDownDoesNotWarn() throws {
        let b = spec(id: "0002", "  - alter_column: {table: users, column: name, comment: The display name.}\n")
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.warnings.isEmpty)
    }

    @Test func dropTableDownRecreatesTableAndIndexes() throws {
        let b = spec(id: "0002", "  - create_index: {name: users_lower_name, table: users, columns: [{expression: lower(name)}], unique: true, where: name IS NOT NULL}\n")
        let c = spec(id: "0003", "  - drop_table: {table: users}\n")
        let built = try chain(usersSpec, b, c)
        let planned = built.migrations[2]
        let users = try #require(planned.before.table("users"))
        #expect(planned.down?.map(\.operation) == [
            .createTable(users),
            .createIndex(Index(name: "users_lower_name", table: "users", parts: [.expression("lower(name)")], unique: true,
                               predicate: "name IS NOT NULL"), concurrently: false),
            .createIndex(Index(name: "users_name_idx", table: "users", parts: [.column("name")]), concurrently: false),
        ])
        #expect(built.final.tableNames.isEmpty)
        #expect(built.final.indexNames.isEmpty)
        #expect(planned.warnings.isEmpty)
    }

    @Test func dropConstraintDownRestoresItValidated() throws {
        let b = spec(id: "0002", """
              - add_check: {table: users, name: users_name_len, expression: length(name) > 0, not_valid: true}
              - add_foreign_key: {table: users, name: users_self, columns: [id], references: users.id, not_valid: true, on_delete: cascade}

            """)
        let c = spec(id: "0003", """
              - drop_constraint: {table: users, name: users_name_len}
              - drop_constraint: {table: users, name: users_self}

            """)
        let planned = try chain(usersSpec, b, c).migrations[2]
        #expect(planned.down?.map(\.operation) == [
            .addForeignKey(ForeignKey(name: "users_self", table: "users", columns: ["id"], referencedTable: "users",
                                      referencedColumns: ["id"], onDelete: .cascade)),
            .addCheck(CheckConstraint(name: "users_name_len", table: "users", expression: "length(name) > 0")),
        ])
    }

    @Test func addColumnDownDropsItsConstraintsFirst() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: boss_id, type: bigint, unique: true, references: users.id}}\n")
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.down?.map(\.operation) == [
            .dropConstraint(table: "users", name: "users_boss_id_fkey"),
            .dropConstraint(table: "users", name: "users_boss_id_key"),
            .dropColumn(table: "users", column: "boss_id"),
        ])
    }

    @Test func simpleInversesAndEmptyDowns() throws {
        let b = spec(id: "0002", """
              - rename_table: {table: users, to: people}
              - rename_column: {table: people, column: name, to: full_name}
              - create_index: {table: people, columns: [full_name], concurrently: true}
              - backfill: {table: people, set: {full_name: "'x'"}}

            """)
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.down?.map(\.operation) == [
            .dropIndex(name: "people_full_name_idx", table: "people", concurrently: true),
            .renameColumn(table: "people", column: "full_name", to: "name"),
            .renameTable(table: "people", to: "users"),
        ])
    }

    @Test func explicitDownReplacesTheDerivedOneAndIsChecked() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: a, type: text}}\ndown:\n  - drop_column: {table: users, column: nonexistent}\n")
        let diagnostics = try chainDiagnostics([(usersSpec, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:7:33: error: in the down: unknown column 'nonexistent' in table 'users'"])
    }

    @Test func explicitDownThatDoesNotUndoWarns() throws {
        let b = spec(id: "0002", "  - add_column: {table: users, column: {name: a, type: text}}\ndown:\n  - add_column: {table: users, column: {name: b, type: text}}\n")
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.warnings.map(\.description) == [
            "0002.yaml:6:1: warning: the down of '0002' does not return the schema to where the up started\n  fix: run `mgen verify` to see the difference",
        ])
    }

    // MARK: - Destructive marks

    @Test func destructiveUpsAreMarked() throws {
        let b = spec(id: "0002", """
              - add_column: {table: users, column: {name: bio, type: string(200)}}
              - add_column: {table: users, column: {name: n, type: integer}}
              - add_column: {table: users, column: {name: kind, type: "enum(a,b)"}}
              - alter_column: {table: users, column: bio, type: string(100)}
              - alter_column: {table: users, column: n, type: bigint}
              - alter_column: {table: users, column: kind, type: "enum(a,b,c)"}
              - alter_column: {table: users, column: name, type: text}
              - drop_column: {table: users, column: name}
              - drop_table: {table: users}

            """)
        let planned = try chain(usersSpec, b).migrations[1]
        #expect(planned.dataLoss == [
            "alter_column users.bio: string(200) -> string(100) may truncate or reject values",
            "drop_column users.name: the down re-adds the column empty",
            "drop_table users: the down recreates the table empty",
        ])
    }

    @Test func wideningTypes() {
        #expect(ColumnType.smallint.widens(to: .bigint))
        #expect(!ColumnType.bigint.widens(to: .integer))
        #expect(ColumnType.decimal(precision: 6, scale: 2).widens(to: .decimal(precision: 8, scale: 3)))
        #expect(!ColumnType.decimal(precision: 6, scale: 2).widens(to: .decimal(precision: 6, scale: 3)))
        #expect(ColumnType.enumeration(["a"]).widens(to: .enumeration(["a", "b"])))
        #expect(!ColumnType.enumeration(["a", "b"]).widens(to: .enumeration(["a"])))
        #expect(ColumnType.timestamp.widens(to: .timestamptz))
        #expect(!ColumnType.text.widens(to: .string(length: 10_000)))
    }

    @Test func didYouMean() {
        #expect(closestMatch(to: "nullabel", in: ["name", "nullable", "type"]) == "nullable")
        #expect(closestMatch(to: "TABLE", in: ["table", "to"]) == "table")
        #expect(closestMatch(to: "zzzzzz", in: ["table", "to"]) == nil)
    }
}
