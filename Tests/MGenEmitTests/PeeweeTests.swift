import Foundation
@testable import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// The Peewee target's choices, operation by operation: native peewee_migrate calls where they
/// give the spec's schema, mgen's SQL where they cannot (the integration tests run them for real).
@Suite struct PeeweeTests {
    /// The migrate() and rollback() bodies of one spec emitted after `0001_base`.
    func emit(_ operations: String, dialect: Dialect = .postgresql, extra: String = "") throws -> String {
        let base = try SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: base
            operations:
              - create_table:
                  table: users
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
                    - {name: name, type: string(100)}
                    - {name: class, type: integer, nullable: false, default: 0}
            """, file: "Specs/0001_base.yaml")
        let spec = try SpecLoader.load(text: """
            mgen: 1
            id: "0002"
            name: change
            \(extra)
            operations:
            \(operations)
            """, file: "Specs/0002_change.yaml")
        let folder = try temporaryFolder("peewee-unit")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = try EmitEngine.plan(try MigrationChain.build([base, spec]), emitter: EmitterRegistry.require("peewee"),
                                       options: EmitOptions(dialect: dialect, output: folder))
        #expect(plan.entries.map(\.version) == ["001", "002"])
        let file = try #require(plan.entries.last?.files.first)
        #expect(file.path == "002_change.py")
        return file.contents
    }

    @Test func registered() throws {
        let emitter = try EmitterRegistry.require("peewee_migrate")
        #expect(emitter.name == "peewee")
        #expect(emitter.sequenceWidth == 3)
    }

    /// PostgreSQL, add_unique on an existing table (issue 13): peewee_migrate's transaction is
    /// committed, the CONCURRENTLY build sent at once on a cursor (not queued for migrator(), which
    /// runs its queue in a savepoint), then USING INDEX in a transaction opened by the lock timeout
    /// only. Outside parts (`transaction: false`), and on a new column, the plain ADD CONSTRAINT.
    @Test func addUniqueBuildsConcurrentlyInParts() throws {
        let text = try emit("""
              - add_column: {table: users, column: {name: nick, type: text}}
              - add_unique: {table: users, columns: [name], name: users_name_key}
            """)
        #expect(text.contains("""
                if not fake:
                    migrator()  # the part above, in a transaction of its own
                    database.execute_sql('COMMIT')
            """))
        #expect(text.contains("""
                    database.cursor().execute('CREATE UNIQUE INDEX CONCURRENTLY "users_name_key" ON "users" ("name")')
                if not fake:
                    database.execute_sql('BEGIN')
                    database.execute_sql("SET LOCAL lock_timeout = '5s'")
                migrator.sql('ALTER TABLE "users" ADD CONSTRAINT "users_name_key" UNIQUE USING INDEX "users_name_key"')
            """))
        #expect(!text.contains("migrator.sql('CREATE UNIQUE INDEX CONCURRENTLY"))
        let plain = try emit("  - add_unique: {table: users, columns: [name], name: users_name_key}", extra: "transaction: false")
        #expect(plain.contains("migrator.add_constraint('users', 'users_name_key', pw.SQL('UNIQUE (\"name\")'))") && !plain.contains("CONCURRENTLY"))
    }

    @Test func nativeColumnCalls() throws {
        let text = try emit("""
              - rename_column: {table: users, column: name, to: full_name}
              - alter_column: {table: users, column: full_name, nullable: false}
              - add_column: {table: users, column: {name: email, type: string(200), nullable: false, default: x, unique: true}}
            """)
        #expect(text.contains("migrator.rename_field('users', 'name', 'full_name')"))
        // PostgreSQL, an existing table: mgen's NOT NULL through a validated CHECK (issue 13), split
        // around its VALIDATE, which commits apart (the migration commits peewee_migrate's transaction
        // there and opens the next part's); add_not_null where the scan is not a concern.
        #expect(!text.contains("add_not_null"))
        #expect(text.contains("""
                migrator.sql('ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "mgen_nn_users_full_name", ADD CONSTRAINT "mgen_nn_users_full_name" CHECK ("full_name" IS NOT NULL) NOT VALID')
                if not fake:
                    migrator()  # the part above, in a transaction of its own
                    database.execute_sql('COMMIT')
                    database.execute_sql('BEGIN')
                    database.execute_sql("SET LOCAL lock_timeout = '5s'")
                migrator.sql('ALTER TABLE "users" VALIDATE CONSTRAINT "mgen_nn_users_full_name"')
            """))
        #expect(try emit("  - alter_column: {table: users, column: name, nullable: false}", dialect: .sqlite)
            .contains("migrator.add_not_null('users', 'name')"))
        #expect(text.contains("""
            migrator.add_fields('users', allow_not_null=True, email=pw.CharField(constraints=[pw.SQL("DEFAULT 'x'")], max_length=200))
            """))
        #expect(text.contains("migrator.add_constraint('users', 'users_email_key', pw.SQL('UNIQUE (\"email\")'))"))
        // The rollback undoes them in reverse order.
        let rollback = try #require(text.components(separatedBy: "def rollback(").last)
        let order = ["remove_fields('users', 'email')", "drop_not_null('users', 'full_name')", "rename_field('users', 'full_name', 'name')"]
        let positions = order.compactMap { rollback.range(of: $0)?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted())
    }

    @Test func pythonKeywordColumnsGetColumnName() throws {
        let text = try emit("  - drop_column: {table: users, column: class}")
        #expect(text.contains("migrator.remove_fields('users', 'class_')"))
        #expect(text.contains("class_=pw.IntegerField(column_name='class', constraints=[pw.SQL('DEFAULT 0')])"))
    }

    @Test func tablesAndIndexes() throws {
        let text = try emit("""
              - create_index: {table: users, columns: [name]}
              - create_index: {name: users_name, table: users, columns: [name], unique: true}
              - rename_table: {table: users, to: people}
            """)
        // mgen's name for an unnamed index is not peewee_migrate's: SQL, named as the spec says.
        #expect(text.contains("migrator.sql('CREATE INDEX IF NOT EXISTS \"users_name_idx\" ON \"users\" (\"name\")')"))
        // peewee_migrate's own name (<table>_<columns>): its own call.
        #expect(text.contains("migrator.add_index('users', 'name', unique=True)"))
        #expect(text.contains("migrator.drop_index('people', 'name')") == false)
        #expect(text.contains("migrator.rename_table('users', 'people')"))
        #expect(text.contains("migrator.drop_index('users', 'name')"))
    }

    /// PostgreSQL: the migration commits peewee_migrate's transaction, sends the concurrent build at
    /// once (not queued for migrator(), which runs its queue in a savepoint), then opens a new one.
    @Test func concurrentlyRunsOutsidePeeweesTransactionOnPostgreSQL() throws {
        let text = try emit("  - create_index: {table: users, columns: [name], concurrently: true}")
        #expect(text.contains("""
                if not fake:
                    database.execute_sql('COMMIT')
            """))
        #expect(text.contains("    database.cursor().execute('CREATE INDEX CONCURRENTLY \"users_name_idx\" ON \"users\" (\"name\")')"), "\(text)")
        #expect(!text.contains("Not CONCURRENTLY"))
        let mysql = try emit("  - create_index: {table: users, columns: [name], concurrently: true}", dialect: .mysql)
        #expect(mysql.contains("ALGORITHM=INPLACE, LOCK=NONE"))
    }

    @Test func percentSignsAreDoubledForDriversThatFormat() throws {
        let operations = "  - sql: {up: \"UPDATE users SET name = 'a%b'\", down: \"UPDATE users SET name = 'a'\"}"
        #expect(try emit(operations).contains("migrator.sql(\"UPDATE users SET name = 'a%%b'\")"))
        #expect(try emit(operations, dialect: .mysql).contains("'a%%b'"))
        #expect(try emit(operations, dialect: .sqlite).contains("migrator.sql(\"UPDATE users SET name = 'a%b'\")"))
    }

    @Test func irreversibleRollbackRaises() throws {
        let text = try emit("  - sql: {up: \"SELECT 1\"}", extra: "irreversible: data is gone")
        #expect(text.contains("raise NotImplementedError('0002 is irreversible: data is gone')"))
    }

    @Test func pythonLiterals() {
        #expect(PeeweeWriter.py("a") == "'a'")
        #expect(PeeweeWriter.py("it's") == "\"it's\"")
        #expect(PeeweeWriter.py("it's \"x\"") == "'it\\'s \"x\"'")
        #expect(PeeweeWriter.py("a\\b\nc") == "'a\\\\b\\nc'")
        #expect(PeeweeWriter.fieldName("select") == "select_")
        #expect(PeeweeWriter.fieldName("2fa") == "f_2fa")
        #expect(PeeweeWriter.fieldName("e-mail") == "e_mail")
        #expect(PeeweeWriter.className("every_type") == "EveryType")
        #expect(PeeweeWriter.camel("DECIMAL(10,2)") == "Decimal10x2")
        #expect(PeeweeWriter.literalFieldType("SMALLINT") == "smallint")
        #expect(PeeweeWriter.literalFieldType("DATETIME(6)") == "DATETIME(6)")
    }

    @Test func filemask() {
        #expect(PeeweeEmitter.matchesFilemask("001_initial.py"))
        #expect(!PeeweeEmitter.matchesFilemask("0001_initial.py"))
        #expect(!PeeweeEmitter.matchesFilemask("001_a.b.py"))
        #expect(!PeeweeEmitter.matchesFilemask("001_.py"))
        #expect(!PeeweeEmitter.matchesFilemask("__init__.py"))
    }
}
