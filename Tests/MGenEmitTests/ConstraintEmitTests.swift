import Foundation
@testable import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// spec 1.1: constraint renames, deferrable constraints and MySQL table options in the emitters'
/// native forms (the integration tests run every framework for real: ConstraintSpecTests).
@Suite struct ConstraintEmitTests {
    static let base = """
        mgen: 1
        id: "0001"
        name: base
        operations:
          - create_table:
              table: parents
              mysql: {engine: InnoDB, charset: utf8mb4, collate: utf8mb4_bin}
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: slot, type: integer}
              unique:
                - {name: parents_slot_key, columns: [slot], deferrable: true, initially_deferred: true}
          - create_table:
              table: children
              columns:
                - {name: id, type: integer, primary_key: true}
                - {name: parent_id, type: integer}
          - add_foreign_key: {name: children_parent_ref, table: children, columns: [parent_id], references: {table: parents, columns: [id]}, deferrable: true}
        """

    func emit(_ target: String, _ dialect: Dialect, _ texts: [String] = [base]) throws -> String {
        let specs = try texts.enumerated().map { i, text in try SpecLoader.load(text: text, file: "Specs/000\(i + 1).yaml") }
        let folder = try temporaryFolder("constraint-emit")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: dialect, output: folder, targetOptions: target == "django" ? ["app": "blog"] : [:]))
        return plan.entries.flatMap(\.files).map(\.contents).joined(separator: "\n")
    }

    @Test func alembicSaysDeferrableAndTableOptionsNatively() throws {
        let pg = try emit("alembic", .postgresql)
        #expect(pg.contains("sa.UniqueConstraint('slot', name='parents_slot_key', deferrable=True, initially='DEFERRED')"), "\(pg)")
        #expect(pg.contains("deferrable=True, initially='IMMEDIATE'"))
        #expect(!pg.contains("mysql_engine"), "PostgreSQL ignores MySQL's options")
        let base = Self.base.replacingOccurrences(of: ", deferrable: true, initially_deferred: true", with: "").replacingOccurrences(of: ", deferrable: true", with: "")
        let mysql = try emit("alembic", .mysql, [base])
        #expect(mysql.contains("mysql_engine='InnoDB'") && mysql.contains("mysql_charset='utf8mb4'") && mysql.contains("mysql_collate='utf8mb4_bin'"), "\(mysql)")
    }

    @Test func djangoKeepsAUniqueDeferrableInItsState() throws {
        let django = try emit("django", .postgresql)
        #expect(django.contains("deferrable=models.Deferrable.DEFERRED"), "\(django)")
    }

    @Test func peeweeRefusesAColumnWithADeferrableReference() throws {
        let change = """
            mgen: 1
            id: "0002"
            name: change
            operations:
              - add_column: {table: children, column: {name: twin_id, type: integer, references: {table: children, column: id, deferrable: true}}}
            """
        #expect(throws: DiagnosticError.self) { try emit("peewee", .postgresql, [Self.base, change]) }
        do { _ = try emit("peewee", .postgresql, [Self.base, change]) } catch {
            #expect("\(error)".contains("peewee_migrate cannot add column 'children.twin_id' with a deferrable reference"))
        }
    }

    @Test func djangoRefusesToRenameAKeyItOwns() throws {
        let change = """
            mgen: 1
            id: "0002"
            name: change
            operations:
              - add_foreign_key: {table: children, columns: [id], references: {table: parents, columns: [id]}}
              - rename_constraint: {table: children, name: children_id_fkey, to: children_id_ref}
            """
        let base = Self.base.replacingOccurrences(of: ", deferrable: true, initially_deferred: true", with: "")
        do {
            _ = try emit("django", .postgresql, [base, change])
            Issue.record("Django must refuse to rename a key it owns")
        } catch {
            #expect("\(error)".contains("Django owns foreign key 'children_id_fkey' of 'children'"), "\(error)")
        }
    }
}

/// spec 1.1: alter_table and alter_constraint in the emitters: the dialect's SQL with the inverse's
/// (no framework has a call for either), Django's state following a unique's deferrability, and
/// nothing where the dialect has no table options.
extension ConstraintEmitTests {
    static let alter = """
        mgen: 1
        id: "0002"
        name: alter
        operations:
          - alter_table: {table: parents, mysql: {charset: latin1}}
        """
    static let defer_ = """
        mgen: 1
        id: "0002"
        name: alter
        operations:
          - alter_constraint: {table: children, name: children_parent_ref, deferrable: false}
          - alter_constraint: {table: parents, name: parents_slot_key, deferrable: true}
        """
    /// The base without its deferrable unique (MySQL has none).
    static var mysqlBase: String {
        base.replacingOccurrences(of: ", deferrable: true, initially_deferred: true", with: "").replacingOccurrences(of: ", deferrable: true}", with: "}")
    }

    @Test func alterTableIsTheDialectsSQLWithItsInverse() throws {
        let alembic = try emit("alembic", .mysql, [Self.mysqlBase, Self.alter])
        #expect(alembic.contains("op.execute('ALTER TABLE `parents` DEFAULT CHARACTER SET latin1')"), "\(alembic)")
        #expect(alembic.contains("op.execute('ALTER TABLE `parents` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin')"), "the down")
        let rails = try emit("activerecord", .mysql, [Self.mysqlBase, Self.alter])
        #expect(rails.contains("ALTER TABLE `parents` DEFAULT CHARACTER SET latin1") && rails.contains("ALTER TABLE `parents` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"))
        for target in ["knex", "sequelize", "typeorm", "prisma", "goose", "golang-migrate", "sql", "peewee", "django"] {
            #expect(try emit(target, .mysql, [Self.mysqlBase, Self.alter]).contains("DEFAULT CHARACTER SET latin1"), "\(target)")
        }
        // PostgreSQL has no table options: the step writes nothing there.
        #expect(!(try emit("alembic", .postgresql, [Self.base, Self.alter])).contains("CHARACTER SET"))
    }

    @Test func alterConstraintInDjangosStateAndSQL() throws {
        let django = try emit("django", .postgresql, [Self.base, Self.defer_])
        #expect(django.contains("ALTER TABLE \\\"children\\\" ALTER CONSTRAINT \\\"children_parent_ref\\\" NOT DEFERRABLE") || django.contains("ALTER CONSTRAINT \"children_parent_ref\" NOT DEFERRABLE"), "\(django)")
        #expect(django.contains("migrations.RemoveConstraint(") && django.contains("deferrable=models.Deferrable.IMMEDIATE"), "\(django)")
        let alembic = try emit("alembic", .postgresql, [Self.base, Self.defer_])
        #expect(alembic.contains("ALTER CONSTRAINT \"children_parent_ref\" DEFERRABLE INITIALLY IMMEDIATE"), "the down restores it: \(alembic)")
        // A key Django owns (named <table>_<column>_fkey) cannot be altered through its field.
        let owned = Self.base.replacingOccurrences(of: "name: children_parent_ref, ", with: "").replacingOccurrences(of: ", deferrable: true}", with: "}")
        let change = Self.defer_.replacingOccurrences(of: "name: children_parent_ref, deferrable: false", with: "name: children_parent_id_fkey, deferrable: true")
        do {
            _ = try emit("django", .postgresql, [owned, change])
            Issue.record("Django must refuse to alter a key it owns")
        } catch {
            #expect("\(error)".contains("Django owns foreign key 'children_parent_id_fkey' of 'children'"), "\(error)")
        }
    }
}
