import Foundation
@testable import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// The Django target's chaining, refusals and Python spelling (Django itself runs the files in
/// IntegrationTests/DjangoMigrateTests).
@Suite struct DjangoTests {
    func spec(_ id: String, _ name: String, _ operations: String) throws -> Migration {
        try SpecLoader.load(text: "mgen: 1\nid: \"\(id)\"\nname: \(name)\noperations:\n\(operations)", file: "Specs/\(id)_\(name).yaml")
    }

    var first: Migration {
        get throws {
            try spec("0001", "create_a", """
              - create_table:
                  table: author_books
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
            """)
        }
    }

    var second: Migration {
        get throws {
            try spec("0002", "add_title", """
              - add_column:
                  table: author_books
                  column: {name: title, type: string(80), nullable: false, default: untitled}
            """)
        }
    }

    @discardableResult
    func emit(_ specs: [Migration], _ folder: String, app: String? = "shop", dialect: Dialect = .postgresql) throws -> EmitPlan {
        let plan = try EmitEngine.plan(try MigrationChain.build(specs), emitter: DjangoEmitter(),
                                       options: EmitOptions(dialect: dialect, output: folder, targetOptions: app.map { ["app": $0] } ?? [:]))
        try EmitEngine.write(plan, force: false)
        return plan
    }

    /// A second emit of only the new spec (the first already emitted) depends on the folder's head.
    @Test func newSpecDependsOnTheFolderHead() throws {
        let folder = try temporaryFolder("django-head")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try emit([try first], folder)
        let other = try spec("0002", "create_b", """
          - create_table:
              table: b
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
        """)
        let plan = try emit([other], folder)
        #expect(plan.entries.map(\.version) == ["0002"])
        #expect(filesUnder(folder)["0002_create_b.py"]?.contains("    dependencies = [\n        ('shop', '0001_create_a'),\n    ]") == true)
    }

    /// Re-emitting the whole chain leaves the first file alone and chains the second onto it.
    @Test func secondEmitDependsOnTheFirst() throws {
        let folder = try temporaryFolder("django-chain")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try emit([try first], folder)
        let plan = try emit([try first, try second], folder)
        #expect(plan.entries.map(\.status) == [.unchanged, .new])
        let files = filesUnder(folder)
        #expect(Set(files.keys) == ["__init__.py", "0001_create_a.py", "0002_add_title.py"])
        let text = try #require(files["0002_add_title.py"])
        #expect(text.contains("    dependencies = [\n        ('shop', '0001_create_a'),\n    ]"))
        #expect(!text.contains("initial = True"))
        #expect(files["0001_create_a.py"]?.contains("    initial = True\n") == true)
        #expect(text.contains("field=models.CharField(db_default='untitled', max_length=80),"))
        #expect(files["0001_create_a.py"]?.contains("name='AuthorBooks'") == true)
        #expect(files["0001_create_a.py"]?.contains("'db_table': 'author_books',") == true)
        // The folder is read back in Django's order, with the spec each file came from.
        #expect(try DjangoEmitter().scan(folder).map(\.specID) == ["0001", "0002"])
    }

    @Test func chainsOntoHandWrittenLeaf() throws {
        let folder = try temporaryFolder("django-hand")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let hand = """
        from django.db import migrations


        class Migration(migrations.Migration):

            dependencies = [
                ("shop", "0007_auto"),
            ]

            operations = []
        """
        try hand.write(toFile: "\(folder)/0008_manual.py", atomically: true, encoding: .utf8)
        try hand.replacingOccurrences(of: "(\"shop\", \"0007_auto\"),", with: "")
            .write(toFile: "\(folder)/0007_auto.py", atomically: true, encoding: .utf8)
        let plan = try emit([try first], folder)
        #expect(plan.entries.first?.version == "0009")
        #expect(filesUnder(folder)["0009_create_a.py"]?.contains("('shop', '0008_manual'),") == true)
    }

    @Test func conflictingLeavesAreRefused() throws {
        let folder = try temporaryFolder("django-conflict")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try emit([try first], folder)
        let leaf = "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [('shop', '0001_create_a')]\n    operations = []\n"
        try leaf.write(toFile: "\(folder)/0002_x.py", atomically: true, encoding: .utf8)
        try leaf.write(toFile: "\(folder)/0002_y.py", atomically: true, encoding: .utf8)
        let error = #expect(throws: DiagnosticError.self) { try emit([try first, try second], folder) }
        #expect(error?.description.contains("Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_x, 0002_y)") == true)
        #expect(error?.description.contains("makemigrations --merge") == true)
    }

    @Test func appIsRequired() throws {
        let folder = try temporaryFolder("django-noapp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error = #expect(throws: DiagnosticError.self) { try emit([try first], folder, app: nil) }
        #expect(error?.description.contains("--app") == true)
    }

    @Test func tableWithoutPrimaryKeyIsAnError() throws {
        let folder = try temporaryFolder("django-nopk")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyless = try spec("0001", "create_log", """
          - create_table:
              table: log
              columns:
                - {name: line, type: text}
        """)
        let error = #expect(throws: DiagnosticError.self) { try emit([keyless], folder) }
        #expect(error?.description.contains("Django needs a primary key") == true)
    }

    @Test func pythonStringsAreSpelledAsReprSpellsThem() {
        #expect(Py.string("plain") == "'plain'")
        #expect(Py.string("it's") == "\"it's\"")
        #expect(Py.string("both ' and \"") == "'both \\' and \"'")
        #expect(Py.string("a\\b\nc\t") == "'a\\\\b\\nc\\t'")
        #expect(Py.tuple(["'a'"]) == "('a',)")
    }

    @Test func simpleConditionsBecomeQObjects() {
        let field: (String) -> String? = { $0 == "user_id" ? "user" : $0 }
        #expect(DjangoCondition.q("score >= 0", field: field) == "models.Q(score__gte=0)")
        #expect(DjangoCondition.q("email IS NULL", field: field) == "models.Q(email__isnull=True)")
        #expect(DjangoCondition.q("email IS NOT NULL AND user_id > 3", field: field) == "models.Q(email__isnull=False, user__gt=3)")
        #expect(DjangoCondition.q("status IN ('a', 'b''c')", field: field) == "models.Q(status__in=['a', \"b'c\"])")
        #expect(DjangoCondition.q("lower(email) = 'x'", field: field) == nil)
        #expect(DjangoCondition.q("a = 1 OR b = 2", field: field) == nil)
    }

    /// The text of the one file emitted for `specs`' last spec.
    func emitted(_ specs: [Migration], dialect: Dialect = .postgresql) throws -> String {
        let folder = try temporaryFolder("django-emit")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try emit(specs, folder, dialect: dialect)
        let last = try #require(specs.last)
        return try #require(filesUnder(folder).first { $0.key.hasPrefix(last.id + "_") }?.value)
    }

    var indexed: Migration {
        get throws {
            try spec("0001", "create_people", """
              - create_table:
                  table: people
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
                    - {name: handle, type: string(40), comment: "100% unique"}
                    - {name: from, type: integer}
              - create_index: {name: people_handle_idx, table: people, columns: [handle]}
            """)
        }
    }

    /// RenameField leaves Index(fields=['handle']) in Django's state: a state-only RemoveIndex +
    /// AddIndex follows, naming the new field.
    @Test func renameFieldRestatesItsIndexes() throws {
        let rename = try spec("0002", "rename_handle", "  - rename_column: {table: people, column: handle, to: nick}\n")
        let text = try emitted([try indexed, rename])
        #expect(text.contains("migrations.RenameField("))
        #expect(text.contains("""
                migrations.SeparateDatabaseAndState(
                    state_operations=[
                        migrations.RemoveIndex(
                            model_name='people',
                            name='people_handle_idx',
                        ),
                        migrations.AddIndex(
                            model_name='people',
                            index=models.Index(fields=['nick'], name='people_handle_idx'),
                        ),
                    ],
                ),
        """))
    }

    /// `drop_index` without `table` (the spec allows it) finds the index's table; RemoveIndex needs
    /// no `models` import.
    @Test func dropIndexWithoutTable() throws {
        let drop = try spec("0002", "drop_handle_idx", "  - drop_index: {name: people_handle_idx}\n")
        let text = try emitted([try indexed, drop])
        #expect(text.contains("migrations.RemoveIndex(\n            model_name='people',\n            name='people_handle_idx',"))
        #expect(text.contains("from django.db import migrations\n"))
    }

    /// A `%` in a comment is doubled where Django formats the statement: PostgreSQL's COMMENT ON
    /// always; SQLite never. MySQL's CREATE TABLE only with parameters (a literal default), and
    /// every MODIFY: a table whose comment holds `%` is mgen's SQL there, with the field `%%` in
    /// Django's state (an AlterField's reverse restates it; seed 31).
    @Test func percentInCommentsIsDoubledWhereDjangoFormats() throws {
        #expect(try emitted([try indexed], dialect: .postgresql).contains("db_comment='100%% unique'"))
        let mysql = try emitted([try indexed], dialect: .mysql)
        #expect(mysql.contains("db_comment='100%% unique'") && mysql.contains("COMMENT '100% unique'") && mysql.contains("migrations.RunSQL("))
        #expect(try emitted([try indexed], dialect: .sqlite).contains("db_comment='100% unique'"))
    }

    /// A column named like a Python keyword (or not an identifier) is a `**{...}` keyword argument.
    @Test func keywordColumnsInPythonKeywordArguments() {
        #expect(Py.keywordArgument("score", "1") == "score=1")
        #expect(Py.keywordArgument("from", "1") == "**{'from': 1}")
        #expect(Py.keywordArgument("my col__in", "[1]") == "**{'my col__in': [1]}")
        #expect(DjangoCondition.q("\"my col\" >= 0", field: { $0 }) == "models.Q(**{'my col__gte': 0})")
    }

    /// Django keys models by lowercased name: `Order` and `order` cannot both be models.
    @Test func tablesThatShareAModelNameAreRefused() throws {
        let both = try spec("0001", "create_orders", """
          - create_table:
              table: Order
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
          - create_table:
              table: order
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
        """)
        let error = #expect(throws: DiagnosticError.self) { try emitted([both]) }
        #expect(error?.description.contains("would both be the Django model 'Order'") == true)
    }

    /// A foreign key with mgen's default name is Django's own (no RunSQL, no db_constraint=False);
    /// one the spec names otherwise keeps its name through RunSQL.
    @Test func foreignKeysAreDjangosUnlessNamedOtherwise() throws {
        let keys = try spec("0002", "create_pets", """
          - create_table:
              table: pets
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
                - {name: owner_id, type: bigint, references: people.id}
                - {name: vet_id, type: bigint, references: {table: people, name: pets_vet_fk, on_delete: cascade}}
        """)
        let text = try emitted([try indexed, keys])
        #expect(text.contains("('owner', models.ForeignKey(db_column='owner_id', db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, to='shop.people')),"))
        #expect(text.contains("('vet', models.ForeignKey(db_column='vet_id', db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, to='shop.people')),"))
        #expect(text.contains("ADD CONSTRAINT \"pets_vet_fk\""))
        #expect(!text.contains("pets_owner_id_fkey"))
        #expect(text.hasPrefix("# Generated") && text.contains("\nimport django.db.models.deletion\nfrom django.db import migrations, models\n"))
    }

    /// An index Django cannot spell (here: a predicate it cannot turn into a Q) is RunSQL, and the
    /// file imports no index class for it; a unique index is a UniqueConstraint, nothing more.
    @Test func indexesWrittenAsSQLImportNoIndexClass() throws {
        let gin = try spec("0002", "index_people", """
          - create_index: {name: people_from_gin, table: people, columns: [from], method: gin, where: "lower(handle) <> ''"}
          - create_index: {name: people_handle_key, table: people, columns: [handle], unique: true}
        """)
        let text = try emitted([try indexed, gin])
        #expect(text.contains("migrations.RunSQL("))
        #expect(!text.contains("GinIndex"))
        #expect(text.contains("from django.db import migrations, models\n\n\nclass Migration"))
    }

    /// Django 5.2's own names (its `_create_index_name`, run on these inputs): the observed key of
    /// fixture django-mysql-rename-table-fk-names, one shortened past PostgreSQL's 63, non-ASCII.
    @Test func djangoNamesAreDjangos() {
        let key = ForeignKey(name: "notes_code_fkey", table: "notes", columns: ["code"], referencedTable: "notes", referencedColumns: ["amount"])
        #expect(DjangoNames.foreignKeyName(key, dialect: .mysql) == "notes_code_06a7245d_fk_notes_amount")
        #expect(DjangoNames.fieldIndexName(key, dialect: .mysql) == "notes_code_06a7245d")
        #expect(DjangoNames.indexName(table: "a_table_with_a_rather_long_name_for_orders", columns: ["customer_reference_id"],
                                      suffix: "_fk_a_table_with_a_rather_long_name_for_customers_id", maxLength: 63)
                == "a_table_with_a_rathe_customer_reference_i_c44c9736_fk_a_table_w")
        #expect(DjangoNames.indexName(table: "ümlaut_table", columns: ["spalte"], suffix: "_fk_x_id", maxLength: 63) == "ümlaut_table_spalte_27660f5f_fk_x_id")
    }
}
