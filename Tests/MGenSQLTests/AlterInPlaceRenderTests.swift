import MGenSpec
import MGenSQL
import Testing

/// spec 1.1: alter_table (MySQL table options in place) and alter_constraint (deferrability in
/// place) — each dialect's SQL, the derived down from the replayed state, the refusals naming the
/// dialect or the field, and the steps that have no derived down.
@Suite struct AlterInPlaceRenderTests {
    static let tables = spec(id: "0001", """
          - create_table:
              table: authors
              mysql: {engine: InnoDB, charset: latin1}
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: email, type: string(100)}
              unique: [{name: authors_email_key, columns: [email]}]
          - create_table:
              table: books
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: author_id, type: integer, references: authors.id}
          - create_table:
              table: notes
              mysql: {engine: InnoDB, charset: utf8mb4, collate: utf8mb4_bin}
              columns: [{name: id, type: integer, primary_key: true}]
        """)

    static func alter(_ operations: String, extra: String = "") -> String {
        spec(id: "0002", operations, extra: "depends_on: [\"0001\"]\n" + extra)
    }

    @Test func mysqlTableOptions() throws {
        let r = try render(.mysql, Self.tables, Self.alter("""
              - alter_table: {table: authors, mysql: {charset: utf8mb4, collate: utf8mb4_unicode_ci}}
              - alter_table: {table: notes, mysql: {engine: Aria, charset: latin1}}
            """))[1]
        #expect(r.upSQL == ["ALTER TABLE `authors` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                            "ALTER TABLE `notes` ENGINE=Aria DEFAULT CHARACTER SET latin1"])
        // The down restores what the state knew, the old collation too (none: the set's default).
        #expect(r.downSQL == ["ALTER TABLE `notes` ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                              "ALTER TABLE `authors` DEFAULT CHARACTER SET latin1"])
        // PostgreSQL and SQLite have no table options: nothing, as for create_table's `mysql:`.
        for dialect in [Dialect.postgresql, .sqlite] {
            let other = try render(dialect, Self.tables, Self.alter("  - alter_table: {table: notes, mysql: {engine: Aria}}\n"))[1]
            #expect(other.upSQL.isEmpty && other.downSQL.isEmpty)
        }
    }

    @Test func convertRewritesTheColumnsAndNeedsAnExplicitDown() throws {
        let convert = "  - alter_table: {table: authors, mysql: {charset: utf8mb4, convert: true}}\n"
        let withDown = try render(.mysql, Self.tables, Self.alter(convert, extra: "down:\n  - sql: ALTER TABLE authors CONVERT TO CHARACTER SET latin1\n"))[1]
        #expect(withDown.upSQL == ["ALTER TABLE `authors` CONVERT TO CHARACTER SET utf8mb4"])
        let problems = loadProblems(Self.tables, Self.alter(convert))
        #expect(problems.contains("0002.yaml:6:5: error: alter_table has no derived down: `convert: true` rewrote every text column of 'authors'"), "\(problems)")
        #expect(problems.contains("fix: give the spec a `down:` list"))
        // Narrowing is refused outright: MySQL would write '?' for what latin1 lacks.
        #expect(loadProblems(Self.tables, Self.alter("  - alter_table: {table: notes, mysql: {charset: latin1, convert: true}}\n"))
            .contains("converting the text of table 'notes' to latin1 may lose characters latin1 lacks"))
    }

    @Test func unknownOldValuesHaveNoDerivedDown() {
        let problems = loadProblems(Self.tables, Self.alter("  - alter_table: {table: books, mysql: {engine: InnoDB}}\n"))
        #expect(problems.contains("alter_table has no derived down: table 'books' was made without `mysql: {engine}`, so the engine to go back to is the server's"), "\(problems)")
        let charset = loadProblems(Self.tables, Self.alter("  - alter_table: {table: books, mysql: {charset: utf8mb4}}\n"))
        #expect(charset.contains("table 'books' was made without `mysql: {charset}`"), "\(charset)")
        // With an explicit down the step is fine.
        #expect(loadProblems(Self.tables, Self.alter("  - alter_table: {table: books, mysql: {engine: InnoDB}}\n",
                                                     extra: "down:\n  - sql: ALTER TABLE books ENGINE=InnoDB\n")) == "")
    }

    @Test func alterTableRefusals() {
        func problem(_ step: String) -> String { loadProblems(Self.tables, Self.alter(step)) }
        #expect(problem("  - alter_table: {table: authors, mysql: {engine: MyISAM}}\n").contains("engine MyISAM keeps no foreign keys, and table 'authors' is in foreign key 'books_author_id_fkey'"))
        #expect(problem("  - alter_table: {table: notes, mysql: {engine: InnoDB}}\n").contains("table 'notes' already has these mysql options"))
        #expect(problem("  - alter_table: {table: notes, mysql: {collate: utf8mb4_bin}}\n").contains("mysql table option 'collate' needs 'charset'"))
        #expect(problem("  - alter_table: {table: notes, mysql: {convert: true}}\n").contains("'mysql' of alter_table changes no option"))
        #expect(problem("  - alter_table: {table: notes, mysql: {engine: \"x; DROP TABLE y\"}}\n").contains("must be a plain name"))
        #expect(problem("  - alter_table: {table: notes}\n").contains("missing required field 'mysql' in alter_table"))
        #expect(problem("  - alter_table: {table: nope, mysql: {engine: InnoDB}}\n").contains("unknown table 'nope'"))
    }

    @Test func postgresDeferrability() throws {
        let r = try render(.postgresql, Self.tables, Self.alter("""
              - alter_constraint: {table: books, name: books_author_id_fkey, deferrable: true, initially_deferred: true}
              - alter_constraint: {table: authors, name: authors_email_key, deferrable: true}
            """))[1]
        #expect(r.upSQL == ["ALTER TABLE \"books\" ALTER CONSTRAINT \"books_author_id_fkey\" DEFERRABLE INITIALLY DEFERRED",
                            "ALTER TABLE \"authors\"\n    DROP CONSTRAINT \"authors_email_key\",\n    ADD CONSTRAINT \"authors_email_key\" UNIQUE (\"email\") DEFERRABLE INITIALLY IMMEDIATE"])
        #expect(r.downSQL == ["ALTER TABLE \"authors\"\n    DROP CONSTRAINT \"authors_email_key\",\n    ADD CONSTRAINT \"authors_email_key\" UNIQUE (\"email\")",
                              "ALTER TABLE \"books\" ALTER CONSTRAINT \"books_author_id_fkey\" NOT DEFERRABLE"])
    }

    @Test func sqliteRebuildsMySQLRefuses() throws {
        let step = "  - alter_constraint: {table: books, name: books_author_id_fkey, deferrable: true}\n"
        let r = try render(.sqlite, Self.tables, Self.alter(step))[1]
        #expect(r.upSQL.contains { $0.contains("REFERENCES \"authors\" (\"id\") DEFERRABLE INITIALLY IMMEDIATE") }, "\(r.upSQL)")
        #expect(r.downSQL.contains { $0.hasPrefix("CREATE TABLE \"_mgen_new_books\"") && !$0.contains("DEFERRABLE") }, "\(r.downSQL)")
        let mysql = try renderDiagnostics(.mysql, Self.tables, Self.alter(step)).map(\.description).joined()
        #expect(mysql.contains("mysql: MySQL and MariaDB have no deferrable constraints (alter_constraint of 'books_author_id_fkey')"))
        let unique = try renderDiagnostics(.sqlite, Self.tables, Self.alter("  - alter_constraint: {table: authors, name: authors_email_key, deferrable: true}\n"))
        #expect(unique.map(\.description).joined().contains("sqlite: SQLite has no deferrable unique constraints"))
    }

    @Test func alterConstraintRefusals() {
        func problem(_ step: String) -> String { loadProblems(Self.tables, Self.alter(step)) }
        #expect(problem("  - alter_constraint: {table: books, name: books_author_id_fkey, deferrable: false}\n").contains("constraint 'books_author_id_fkey' is already NOT DEFERRABLE"))
        #expect(problem("  - alter_constraint: {table: books, name: books_pkey, deferrable: true}\n").contains("'books_pkey' is a primary key; only foreign keys and unique constraints can be deferrable"))
        #expect(problem("  - alter_constraint: {table: books, name: books_author_fkey, deferrable: true}\n").contains("did you mean 'books_author_id_fkey'?"))
        #expect(problem("  - alter_constraint: {table: books, name: books_author_id_fkey}\n").contains("missing required field 'deferrable' in alter_constraint"))
        #expect(problem("  - alter_constraint: {table: books, name: books_author_id_fkey, deferrable: false, initially_deferred: true}\n").contains("initially_deferred needs deferrable: true"))
    }

    /// MariaDB refused a key from a latin1 table's varchar to a varchar of a table in the
    /// database's default set (errno 150, generated seed 1 on mysql): the dialect rule says so first.
    @Test func foreignKeyAcrossCharacterSetsIsRefusedOnMySQL() throws {
        let tables = spec(id: "0001", """
              - create_table:
                  table: codes
                  columns: [{name: code, type: string(20), primary_key: true}]
              - create_table:
                  table: uses
                  mysql: {charset: latin1}
                  columns: [{name: id, type: integer, primary_key: true}, {name: code, type: string(20), references: codes.code}]
            """)
        let problems = try renderDiagnostics(.mysql, tables).map(\.description).joined()
        #expect(problems.contains("mysql: foreign key 'uses_code_fkey' joins string columns of 'uses' (latin1) and 'codes' (the database's default character set); MySQL and MariaDB refuse a key between different character sets"), "\(problems)")
        #expect(try renderDiagnostics(.postgresql, tables).isEmpty)
        // The same set on both sides (or integer keys) is fine.
        let same = tables.replacingOccurrences(of: "table: codes\n", with: "table: codes\n      mysql: {charset: latin1}\n")
        #expect(try renderDiagnostics(.mysql, same).isEmpty)
    }

    @Test func uniqueBackingAForeignKeyStaysImmediate() {
        let referenced = spec(id: "0001", """
              - create_table:
                  table: a
                  columns: [{name: id, type: integer, primary_key: true}, {name: code, type: integer}]
                  unique: [{name: a_code_key, columns: [code]}]
              - create_table:
                  table: b
                  columns: [{name: id, type: integer, primary_key: true}, {name: code, type: integer, references: a.code}]
            """)
        #expect(loadProblems(referenced, Self.alter("  - alter_constraint: {table: a, name: a_code_key, deferrable: true}\n"))
            .contains("unique constraint 'a_code_key' backs foreign key 'b_code_fkey' of table 'b'"))
    }
}

/// The diagnostics of loading and chaining spec texts ("" when they build).
func loadProblems(_ texts: String...) -> String {
    do {
        let migrations = try texts.enumerated().map { i, text in try SpecLoader.load(text: text, file: String(format: "%04d.yaml", i + 1)) }
        _ = try MigrationChain.build(migrations)
        return ""
    } catch {
        return "\(error)"
    }
}
