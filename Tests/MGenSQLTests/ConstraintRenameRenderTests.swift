import MGenSpec
import MGenSQL
import Testing

/// spec 1.1: rename_constraint — what the validator refuses, the state after it (a later
/// drop_constraint by the new name), the derived down and each dialect's SQL.
@Suite struct ConstraintRenameRenderTests {
    static func chain(_ texts: String...) throws -> MigrationChain {
        try MigrationChain.build(texts.enumerated().map { i, text in try SpecLoader.load(text: text, file: "\(i + 1).yaml") })
    }

    static func chainDiagnostics(_ specs: [(String, String)]) throws -> [Diagnostic] {
        let migrations = try specs.map { try SpecLoader.load(text: $0.0, file: $0.1) }
        do { _ = try MigrationChain.build(migrations); return [] } catch { return error.diagnostics }
    }

    static let tables = spec(id: "0001", """
          - create_table:
              table: authors
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: email, type: string(80), unique: true}
          - create_table:
              table: books
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: pages, type: integer}
                - {name: author_id, type: integer, references: {table: authors, column: id}}
              checks:
                - {name: books_pages_positive, expression: "pages > 0"}
        """)
    static let renames = spec(id: "0002", """
          - rename_constraint: {table: books, name: books_pages_positive, to: books_pages_ok}
          - rename_constraint: {table: books, name: books_author_id_fkey, to: books_author_fk}
          - rename_constraint: {table: authors, name: authors_email_key, to: authors_email_uq}
          - rename_constraint: {table: authors, name: authors_pkey, to: authors_pk}
        """)

    @Test func postgresql() throws {
        let r = try render(.postgresql, Self.tables, Self.renames)[1]
        #expect(r.upSQL == [
            "ALTER TABLE \"books\" RENAME CONSTRAINT \"books_pages_positive\" TO \"books_pages_ok\"",
            "ALTER TABLE \"books\" RENAME CONSTRAINT \"books_author_id_fkey\" TO \"books_author_fk\"",
            "ALTER TABLE \"authors\" RENAME CONSTRAINT \"authors_email_key\" TO \"authors_email_uq\"",
            "ALTER TABLE \"authors\" RENAME CONSTRAINT \"authors_pkey\" TO \"authors_pk\"",
        ])
        #expect(r.downSQL == [
            "ALTER TABLE \"authors\" RENAME CONSTRAINT \"authors_pk\" TO \"authors_pkey\"",
            "ALTER TABLE \"authors\" RENAME CONSTRAINT \"authors_email_uq\" TO \"authors_email_key\"",
            "ALTER TABLE \"books\" RENAME CONSTRAINT \"books_author_fk\" TO \"books_author_id_fkey\"",
            "ALTER TABLE \"books\" RENAME CONSTRAINT \"books_pages_ok\" TO \"books_pages_positive\"",
        ])
    }

    @Test func mysqlDropsAndAddsWhatItCannotRename() throws {
        let r = try render(.mysql, Self.tables, Self.renames)[1]
        #expect(r.upSQL == [
            "ALTER TABLE `books`\n    DROP CONSTRAINT `books_pages_positive`,\n    ADD CONSTRAINT `books_pages_ok` CHECK (pages > 0)",
            "ALTER TABLE `books` DROP FOREIGN KEY `books_author_id_fkey`",
            "ALTER TABLE `books` RENAME INDEX `books_author_id_fkey` TO `books_author_fk`",
            "ALTER TABLE `books` ADD CONSTRAINT `books_author_fk` FOREIGN KEY (`author_id`) REFERENCES `authors` (`id`)",
            "ALTER TABLE `authors` RENAME INDEX `authors_email_key` TO `authors_email_uq`",
        ], "MySQL's primary key is always PRIMARY: its rename writes nothing")
        #expect(r.downSQL.contains("ALTER TABLE `books` RENAME INDEX `books_author_fk` TO `books_author_id_fkey`"))
    }

    @Test func sqlite() throws {
        let r = try render(.sqlite, Self.tables, Self.renames)[1]
        #expect(r.upSQL.contains("DROP INDEX \"authors_email_key\""))
        #expect(r.upSQL.contains("CREATE UNIQUE INDEX \"authors_email_uq\" ON \"authors\" (\"email\")"))
        #expect(r.upSQL.contains { $0.contains("CONSTRAINT \"books_pages_ok\" CHECK (pages > 0)") }, "the rebuilt table has the new name")
        #expect(r.upSQL.contains { $0.contains("CONSTRAINT \"books_author_fk\" FOREIGN KEY") })
    }

    @Test func stateFollowsTheRename() throws {
        let built = try Self.chain(Self.tables, Self.renames, spec(id: "0003", """
              - drop_constraint: {table: books, name: books_author_fk}
              - drop_constraint: {table: books, name: books_pages_ok}
            """))
        let after = built.migrations[1].after
        #expect(after.table("books")?.checks.map(\.name) == ["books_pages_ok"])
        #expect(after.table("authors")?.primaryKey?.name == "authors_pk")
        #expect(after.constraintOwner("authors_email_uq") == "authors")
        #expect(after.constraintOwner("authors_email_key") == nil)
        #expect(built.migrations[2].after.table("books")?.foreignKeys.isEmpty == true)
    }

    @Test func refusals() throws {
        func problems(_ operations: String) throws -> [String] {
            try Self.chainDiagnostics([(Self.tables, "a.yaml"), (spec(id: "0002", operations), "b.yaml")]).map(\.description)
        }
        let unknown = try problems("  - rename_constraint: {table: books, name: books_pages_positiv, to: x}\n")
        #expect(unknown.first?.contains("b.yaml:5:39:") == true, "\(unknown)")
        #expect(unknown.first?.contains("table 'books' has no constraint named 'books_pages_positiv' (did you mean 'books_pages_positive'?)") == true)
        #expect(try problems("  - rename_constraint: {table: books, name: books_pages_positive, to: authors_email_key}\n").first?
            .contains("a constraint named 'authors_email_key' already exists on table 'authors'") == true)
        #expect(try problems("  - rename_constraint: {table: books, name: books_pages_positive, to: books_pages_positive}\n").first?
            .contains("already has that name") == true)
        #expect(try problems("  - rename_constraint: {table: nope, name: a, to: b}\n").first?.contains("unknown table 'nope'") == true)
    }
}
