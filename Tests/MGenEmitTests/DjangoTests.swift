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
}
