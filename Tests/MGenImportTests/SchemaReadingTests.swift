import Foundation
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// spec 1.1: schemas. `CREATE SCHEMA` / `DROP SCHEMA` and schema-qualified table names become
/// `create_schema`, `drop_schema` and `schema:` fields (they stayed raw before), and the written
/// spec reads back to the same operations.
@Suite struct SchemaReadingTests {
    @Test func schemaStepsAndQualifiedNamesAreRead() throws {
        let dir = try temporaryFolder("schema-reading")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            -- +goose Up
            CREATE SCHEMA billing;
            CREATE TABLE customers (id integer PRIMARY KEY);
            CREATE TABLE billing.invoices (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id));
            CREATE INDEX invoices_customer_idx ON billing.invoices (customer_id);
            ALTER TABLE billing.invoices ADD COLUMN note text;
            CREATE TABLE payments (id integer PRIMARY KEY, invoice_id integer REFERENCES billing.invoices (id));
            ALTER TABLE billing.invoices RENAME TO bills;
            DROP INDEX billing.invoices_customer_idx;
            DROP TABLE payments;
            DROP TABLE billing.bills;
            DROP SCHEMA billing;
            -- +goose Down

            """.write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: .postgresql)
        #expect(result.report.rawStatements == 0)
        let ops = result.migrations[0].operations.map(\.value)
        let invoices = QualifiedName(schema: "billing", name: "invoices").key
        let bills = QualifiedName(schema: "billing", name: "bills").key
        #expect(ops.map(\.kind) == ["create_schema", "create_table", "create_table", "create_index", "add_column", "create_table",
                                    "rename_table", "drop_index", "drop_table", "drop_table", "drop_schema"])
        guard case let .createTable(table) = ops[2], case let .createTable(payments) = ops[5] else { Issue.record("\(ops)"); return }
        #expect(table.name == invoices)
        #expect(payments.foreignKeys.map(\.referencedTable) == [invoices])
        #expect(ops[6] == .renameTable(table: invoices, to: bills))
        #expect(ops[7] == .dropIndex(name: "invoices_customer_idx", table: bills, concurrently: false))
        // Written with `schema:` and read back to the same operations.
        let yaml = SpecWriter.yaml(result.migrations[0])
        #expect(yaml.contains("schema: \"billing\"\n      table: \"invoices\""), "\(yaml)")
        #expect(!yaml.contains("\\u001F"), "\(yaml)")
        let reread = try SpecLoader.load(text: yaml, file: "a.yaml")
        #expect(reread.operations.map(\.value) == ops)
    }

    /// Enum types of a schema the spec made are read into `schema:` (they stayed raw before), a
    /// column of one keeps the qualified type, and the written spec reads back the same.
    @Test func qualifiedEnumTypesAreRead() throws {
        let dir = try temporaryFolder("schema-enum-reading")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            -- +goose Up
            CREATE SCHEMA billing;
            CREATE TYPE billing.level AS ENUM ('low', 'high');
            ALTER TYPE billing.level ADD VALUE 'mid' AFTER 'low';
            CREATE TABLE customers (id integer PRIMARY KEY, level billing.level);
            ALTER TYPE billing.level RENAME TO tier;
            -- +goose Down

            """.write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        let result = try ImportEngine.importFolder(dir, format: "goose", dialect: .postgresql)
        #expect(result.report.rawStatements == 0)
        let ops = result.migrations[0].operations.map(\.value)
        let level = QualifiedName(schema: "billing", name: "level").key
        #expect(ops.map(\.kind) == ["create_schema", "create_enum_type", "add_enum_value", "create_table", "rename_enum_type"])
        #expect(ops[1] == .createEnumType(name: level, values: ["low", "high"]))
        #expect(ops[4] == .renameEnumType(name: level, to: QualifiedName(schema: "billing", name: "tier").key))
        guard case let .createTable(table) = ops[3] else { Issue.record("\(ops)"); return }
        #expect(table.columns.map(\.type).last == .enumType(level))
        let yaml = SpecWriter.yaml(result.migrations[0])
        #expect(!yaml.contains("\\u001F"), "\(yaml)")
        let reread = try SpecLoader.load(text: yaml, file: "a.yaml")
        #expect(reread.operations.map(\.value) == ops)
    }

    /// `mgen baseline --db` reads every user schema (as snapshot does): the schema is made before
    /// its tables, and keys across schemas are kept.
    @Test func baselineReadsOtherSchemas() throws {
        guard let url = try databaseFor(.postgresql) else { return }
        let result = try withScratchDatabase(url) { db, _ in
            try db.executeScript([
                "CREATE SCHEMA billing",
                "CREATE TYPE billing.level AS ENUM ('low', 'high')",
                "CREATE TABLE customers (id bigint PRIMARY KEY, level billing.level)",
                "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id))",
                "CREATE TABLE payments (id bigint PRIMARY KEY, invoice_id bigint REFERENCES billing.invoices (id))",
            ])
            return try ImportEngine.baseline(db: db, source: "test")
        }
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        let state = try MigrationChain.build(result.migrations).final
        let invoices = QualifiedName(schema: "billing", name: "invoices").key
        #expect(state.schemaNames == ["billing"])
        #expect(state.table(invoices)?.foreignKeys.map(\.referencedTable) == ["customers"])
        #expect(state.table("payments")?.foreignKeys.map(\.referencedTable) == [invoices])
        // An enum type of the schema, made after it, and the column of it.
        let level = QualifiedName(schema: "billing", name: "level").key
        #expect(state.enumValues(level) == ["low", "high"])
        #expect(state.table("customers")?.column("level")?.type == .enumType(level))
    }
}
