import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// spec 1.1: schemas. `CREATE SCHEMA` / `DROP SCHEMA` and schema-qualified table names become
/// `create_schema`, `drop_schema` and `schema:` fields (they stayed raw before), and the written
/// spec reads back to the same operations.
@Suite struct SchemaReadingTests {
    /// One goose migration (its `-- +goose Up` … text) imported for PostgreSQL from a folder of its own.
    static func importedGoose(_ folder: String, _ migration: String) throws -> ImportResult {
        let dir = try temporaryFolder(folder)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try migration.write(toFile: dir + "/00001_a.sql", atomically: true, encoding: .utf8)
        return try ImportEngine.importFolder(dir, format: "goose", dialect: .postgresql)
    }

    @Test func schemaStepsAndQualifiedNamesAreRead() throws {
        let result = try Self.importedGoose("schema-reading", """
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

            """)
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
        let result = try Self.importedGoose("schema-enum-reading", """
            -- +goose Up
            CREATE SCHEMA billing;
            CREATE TYPE billing.level AS ENUM ('low', 'high');
            ALTER TYPE billing.level ADD VALUE 'mid' AFTER 'low';
            CREATE TABLE customers (id integer PRIMARY KEY, level billing.level);
            ALTER TYPE billing.level RENAME TO tier;
            -- +goose Down

            """)
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

    /// Views, materialized views and sequences of a schema the spec made are read into `schema:`
    /// (they stayed raw before), with their replace, refresh, alter and drop; so are a function and
    /// a trigger of another schema (they stayed raw before o15's `schema:` on them); a drop names
    /// only the object it drops (billing's touch() and the trigger on billing.invoices, not the
    /// public touch() or the trigger of the same name on payments).
    @Test func qualifiedViewsSequencesAndTheirDropsAreRead() throws {
        let result = try Self.importedGoose("schema-object-reading", """
            -- +goose Up
            CREATE SCHEMA billing;
            CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);
            CREATE INDEX invoices_total_idx ON billing.invoices (total);
            CREATE VIEW billing.big_invoices AS SELECT id, total FROM billing.invoices WHERE total > 1000;
            CREATE MATERIALIZED VIEW billing.totals AS SELECT count(*) AS n FROM billing.invoices;
            CREATE SEQUENCE billing.invoice_numbers START 1000;
            ALTER SEQUENCE billing.invoice_numbers INCREMENT BY 5;
            REFRESH MATERIALIZED VIEW billing.totals;
            REFRESH MATERIALIZED VIEW CONCURRENTLY billing.totals;
            CREATE OR REPLACE VIEW billing.big_invoices AS SELECT id, total FROM billing.invoices WHERE total > 5000;
            ALTER INDEX billing.invoices_total_idx RENAME TO invoices_amount_idx;
            CREATE FUNCTION billing.touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER invoices_touch BEFORE UPDATE ON billing.invoices FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE TABLE payments (id bigint PRIMARY KEY);
            CREATE TRIGGER invoices_touch BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION touch();
            DROP FUNCTION billing.touch();
            DROP TRIGGER invoices_touch ON billing.invoices;
            CREATE VIEW sales.leads AS SELECT 1 AS one;
            DROP VIEW billing.big_invoices;
            DROP MATERIALIZED VIEW billing.totals;
            DROP SEQUENCE billing.invoice_numbers;
            -- +goose Down

            """)
        let key = { QualifiedName(schema: "billing", name: $0).key }
        #expect(result.report.migrations[0].operations == [
            "create_schema", "create_table", "create_index", "create_view", "create_view", "create_sequence", "alter_sequence",
            "refresh_materialized_view", "replace_view", "rename_index", "create_function", "create_function", "create_trigger",
            "create_table", "create_trigger", "drop_function", "drop_trigger", "drop_view", "drop_view", "drop_sequence",
        ], "\(result.report.text)")
        let raw = result.report.migrations[0].raw.map(\.reason)
        #expect(raw.count == 2, "\(result.report.text)")
        #expect(raw.contains { $0.contains("CONCURRENTLY") })
        #expect(raw.contains { $0.contains("unknown schema 'sales'") }, "\(raw)")
        let ops = result.migrations[0].operations.map(\.value).filter { $0.kind != "sql" }
        #expect(ops.contains(.object(.refresh(name: key("totals")))))
        #expect(ops.contains(.object(.drop(kind: .sequence, name: key("invoice_numbers")))))
        #expect(ops.contains(.object(.drop(kind: .function, name: key("touch")))))
        #expect(ops.contains(.object(.drop(kind: .trigger, name: key("invoices_touch")))))
        #expect(ops.contains(.renameIndex(name: "invoices_total_idx", to: "invoices_amount_idx", table: "")))
        guard case let .object(.create(.view(view)))? = ops.first(where: { $0.kind == "create_view" }) else { Issue.record("\(ops)"); return }
        #expect(view.name == key("big_invoices"))
        // What the drops leave: the public touch() and the trigger on payments.
        let state = try MigrationChain.build(result.migrations).final
        #expect(state.objectNames(.function) == ["touch"])
        guard case let .trigger(left)? = state.object(.trigger, "invoices_touch") else { Issue.record("\(state.objectNames(.trigger))"); return }
        #expect(left.table == "payments")
        let yaml = SpecWriter.yaml(result.migrations[0])
        #expect(yaml.contains("- create_sequence:\n      schema: \"billing\"\n      name: \"invoice_numbers\""), "\(yaml)")
        #expect(!yaml.contains("\\u001F"), "\(yaml)")
        #expect(try SpecLoader.load(text: yaml, file: "a.yaml").operations.map(\.value) == result.migrations[0].operations.map(\.value))
    }

    /// Functions and triggers of other schemas, a trigger executing another schema's function,
    /// `CREATE OR REPLACE FUNCTION billing.f`, `ALTER SCHEMA … RENAME TO`, `UPDATE billing.t … FROM
    /// archive.t2` and `DELETE FROM billing.t` are read into structured steps (each stayed raw
    /// before: a function or trigger of another schema, a rename of a schema, a qualified UPDATE or
    /// DELETE), written with `schema:`, `function: {schema, name}` and `from: {schema, table}`, and
    /// read back the same. What the spec cannot say so stays raw, with the reason.
    @Test func functionsTriggersRenamesAndUpdatesOfOtherSchemasAreRead() throws {
        let result = try Self.importedGoose("schema-function-reading", """
            -- +goose Up
            CREATE SCHEMA billing;
            CREATE SCHEMA audit;
            CREATE SCHEMA archive;
            CREATE TABLE billing.invoices (id bigint PRIMARY KEY, account_id bigint NOT NULL, status text NOT NULL, issued_at timestamptz);
            CREATE TABLE archive.closed_accounts (account_id bigint PRIMARY KEY);
            CREATE TABLE audit.changes (id bigint PRIMARY KEY, invoice_id bigint);
            CREATE TABLE accounts (id bigint PRIMARY KEY, closed boolean NOT NULL DEFAULT false);
            CREATE OR REPLACE FUNCTION billing.set_issued_at() RETURNS trigger AS $$ BEGIN NEW.issued_at := now(); RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE FUNCTION audit.record_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER invoices_set_issued_at BEFORE INSERT ON billing.invoices FOR EACH ROW EXECUTE FUNCTION billing.set_issued_at();
            CREATE TRIGGER invoices_record_change AFTER UPDATE ON billing.invoices FOR EACH ROW EXECUTE FUNCTION audit.record_change();
            CREATE OR REPLACE FUNCTION billing.set_issued_at() RETURNS trigger AS $$ BEGIN NEW.issued_at := coalesce(NEW.issued_at, now()); RETURN NEW; END $$ LANGUAGE plpgsql;
            UPDATE billing.invoices SET status = 'void' FROM archive.closed_accounts WHERE closed_accounts.account_id = invoices.account_id;
            UPDATE public.accounts SET closed = true FROM archive.closed_accounts WHERE closed_accounts.account_id = accounts.id;
            DELETE FROM audit.changes WHERE invoice_id IS NULL;
            DROP TRIGGER invoices_record_change ON audit.changes;
            DROP TRIGGER invoices_record_change ON billing.invoices;
            DROP FUNCTION audit.record_change();
            ALTER SCHEMA archive RENAME TO retention;
            ALTER SCHEMA sales RENAME TO leads;
            DROP TRIGGER invoices_set_issued_at ON billing.invoices;
            DROP FUNCTION billing.set_issued_at();
            -- +goose Down

            """)
        #expect(result.report.migrations[0].operations == [
            "create_schema", "create_schema", "create_schema", "create_table", "create_table", "create_table", "create_table",
            "create_function", "create_function", "create_trigger", "create_trigger", "replace_function", "update", "update", "delete",
            "drop_trigger", "drop_function", "rename_schema", "drop_trigger", "drop_function",
        ], "\(result.report.text)")
        // Raw, with the reason: a trigger not on that table, a schema the spec did not make.
        let raw = result.report.migrations[0].raw.map(\.reason)
        #expect(raw.count == 2, "\(result.report.text)")
        #expect(raw.contains { $0.hasPrefix("DROP: a trigger the spec does not know on that table") }, "\(raw)")
        #expect(raw.contains { $0.contains("schema sales is not one the spec made") }, "\(raw)")
        let billing = { QualifiedName(schema: "billing", name: $0).key }
        let ops = result.migrations[0].operations.map(\.value).filter { $0.kind != "sql" }
        let archived = QualifiedName(schema: "archive", name: "closed_accounts").key
        guard ops.count == 20, case let .object(.create(.trigger(own))) = ops[9], case let .object(.create(.trigger(other))) = ops[10],
              case let .update(update) = ops[12], case let .update(accounts) = ops[13] else { Issue.record("\(ops)"); return }
        #expect(own.name == billing("invoices_set_issued_at") && own.table == billing("invoices") && own.function == billing("set_issued_at"))
        #expect(other.function == QualifiedName(schema: "audit", name: "record_change").key)
        #expect(update.table == billing("invoices") && update.from == archived)
        #expect(update.on?.text(for: .postgresql) == "closed_accounts.account_id = invoices.account_id")
        #expect(accounts.table == "accounts" && accounts.from == archived, "public. is the default schema")
        #expect(ops[14] == .delete(DeleteRows(table: QualifiedName(schema: "audit", name: "changes").key,
                                              .predicate(DialectSQL(["postgresql": "invoice_id IS NULL"]), down: nil))))
        #expect(ops.contains(.object(.renameSchema(name: "archive", to: "retention"))))
        #expect(ops.contains(.object(.drop(kind: .function, name: billing("set_issued_at")))))
        // Written with `schema:` on the step, the other schema's function and table as maps.
        let yaml = SpecWriter.yaml(result.migrations[0])
        #expect(yaml.contains("      function:\n        schema: \"audit\"\n        name: \"record_change\""), "\(yaml)")
        #expect(yaml.contains("      from:\n        schema: \"archive\"\n        table: \"closed_accounts\""), "\(yaml)")
        #expect(yaml.contains("- rename_schema:\n      name: \"archive\"\n      to: \"retention\""), "\(yaml)")
        #expect(!yaml.contains("\\u001F"), "\(yaml)")
        #expect(try SpecLoader.load(text: yaml, file: "a.yaml").operations.map(\.value) == result.migrations[0].operations.map(\.value))
        // The chain replays: nothing left in the schemas' objects.
        let state = try MigrationChain.build(result.migrations).final
        #expect(state.objectNames(.function).isEmpty && state.objectNames(.trigger).isEmpty)
        #expect(state.schemaNames == ["audit", "billing", "retention"])
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

/// `baseline --db` and `new --from-db` on what the generator's `schemas`, `renameConstraints` and
/// `enumTypes` features make (each failed before: the sequence and view of the schema were not
/// read, the unique over the key's column was lost, the enum type came before its schema, the
/// new enum value was used in the transaction that adds it).
extension SchemaReadingTests {
    @Test func baselineReadsObjectsOfOtherSchemasAndAUniqueOverTheKey() throws {
        guard let url = try databaseFor(.postgresql) else { return }
        let statements = [
            "CREATE SCHEMA billing",
            "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, total integer)",
            "ALTER TABLE billing.invoices ADD CONSTRAINT invoices_id_key UNIQUE (id)",
            "ALTER TABLE billing.invoices RENAME CONSTRAINT invoices_pkey TO invoices_pk",
            "CREATE SEQUENCE billing.numbers START 100 INCREMENT 3",
            "CREATE VIEW billing.big AS SELECT id FROM billing.invoices WHERE total > 10",
            "CREATE INDEX invoices_total_idx ON billing.invoices (total) WITH (fillfactor = 70)",
        ]
        let (original, result) = try withScratchDatabase(url) { db, _ in
            try db.executeScript(statements)
            return (try introspect(db, exclude: frameworkBookkeepingTables), try ImportEngine.baseline(db: db, source: "test"))
        }
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        let state = try MigrationChain.build(result.migrations).final
        let key = { QualifiedName(schema: "billing", name: $0).key }
        #expect(state.object(.sequence, key("numbers")) != nil)
        #expect(state.object(.view, key("big")) != nil)
        #expect(state.table(key("invoices"))?.primaryKey?.name == "invoices_pk")
        #expect(state.table(key("invoices"))?.uniques.map(\.name) == ["invoices_id_key"])
        #expect(state.index("invoices_total_idx")?.storage.map(\.value) == ["70"], "an index's storage in another schema")
        // Emitted with --include-baseline and applied: the same schema.
        let folder = try temporaryFolder("schema-objects-baseline")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let again = try schemaBuilt(by: MigrationChain.build(result.migrations), emitter: EmitterRegistry.require("sql"), folder: folder, at: url)
        #expect(SnapshotDiff(original, again).render().isEmpty, "\(SnapshotDiff(original, again).render())")
    }

    @Test func newFromDatabaseOrdersSchemasAndSplitsANewEnumValue() throws {
        guard let url = try databaseFor(.postgresql) else { return }
        let base = try MigrationChain.build([SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: a
            operations:
              - create_enum_type: {name: level, values: [low, high]}
              - create_table: {table: t, columns: [{name: id, type: bigint, primary_key: true}]}
            """, file: "Specs/0001_a.yaml")])
        let made = try withScratchDatabase(url) { db, _ in
            try build(base, on: db)
            try db.executeScript([
                "ALTER TYPE level ADD VALUE 'mid' AFTER 'low'",
                "ALTER TABLE t ADD COLUMN l level NOT NULL DEFAULT 'mid'",
                "CREATE SCHEMA audit",
                "CREATE TYPE audit.kind AS ENUM ('a', 'b')",
                "CREATE TABLE audit.log (id bigint PRIMARY KEY, k audit.kind)",
            ])
            return try NewFromDatabase.make(after: base, db: db, source: "test", id: "0002", name: "from_db", created: nil,
                                            file: "Specs/0002_from_db.yaml")
        }
        let spec = try #require(made.spec)
        #expect(made.residual.isEmpty, "\(made.residual)")
        let kinds = spec.operations.map(\.value.kind)
        #expect(kinds.firstIndex(of: "create_schema") ?? 99 < kinds.firstIndex(of: "create_enum_type") ?? -1, "\(kinds)")
        #expect(spec.transaction == false, "\(made.yaml ?? "")")
        #expect(made.notes.contains { $0.contains("adds an enum value and uses it") })
        // Applied after the first spec: it runs.
        try withScratchDatabase(url) { db, _ in try build(MigrationChain.build([base.migrations[0].migration, spec]), on: db) }
    }
}

/// `baseline --db` and `new --from-db` read the functions and triggers of every user schema (only
/// the current schema's were read before: a function of billing and the trigger that executes it
/// were missing from the baseline, and new --from-db did not see them).
extension SchemaReadingTests {
    static let functionsInSchemas = [
        "CREATE SCHEMA billing",
        "CREATE SCHEMA audit",
        "CREATE TABLE billing.invoices (id bigint PRIMARY KEY, status text NOT NULL, issued_at timestamptz)",
        "CREATE FUNCTION billing.set_issued_at() RETURNS trigger AS $$ BEGIN NEW.issued_at := now(); RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE FUNCTION audit.record_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invoices_set_issued_at BEFORE INSERT ON billing.invoices FOR EACH ROW EXECUTE FUNCTION billing.set_issued_at()",
        "CREATE TRIGGER invoices_record_change AFTER UPDATE ON billing.invoices FOR EACH ROW EXECUTE FUNCTION audit.record_change()",
    ]

    @Test func baselineReadsFunctionsAndTriggersOfOtherSchemas() throws {
        guard let url = try databaseFor(.postgresql) else { return }
        let statements = Self.functionsInSchemas + [
            // Overloaded in its schema: named as not read (the spec's drop names a function by name).
            "CREATE FUNCTION audit.score(a integer) RETURNS integer AS $$ SELECT a $$ LANGUAGE sql IMMUTABLE",
            "CREATE FUNCTION audit.score(a text) RETURNS integer AS $$ SELECT length(a) $$ LANGUAGE sql IMMUTABLE",
        ]
        let (original, result) = try withScratchDatabase(url) { db, _ in
            try db.executeScript(statements)
            return (try introspect(db, exclude: frameworkBookkeepingTables), try ImportEngine.baseline(db: db, source: "test"))
        }
        #expect(result.report.rawStatements == 0, "\(result.report.text)")
        #expect(result.report.migrations[0].dropped.contains { $0.hasPrefix("function audit.score: not read") }, "\(result.report.text)")
        let state = try MigrationChain.build(result.migrations).final
        let billing = { QualifiedName(schema: "billing", name: $0).key }
        let recordChange = QualifiedName(schema: "audit", name: "record_change").key
        #expect(state.objectNames(.function).sorted() == [recordChange, billing("set_issued_at")].sorted())
        guard case let .trigger(own)? = state.object(.trigger, billing("invoices_set_issued_at")),
              case let .trigger(other)? = state.object(.trigger, billing("invoices_record_change")) else {
            Issue.record("\(state.objectNames(.trigger))"); return
        }
        #expect(own.table == billing("invoices") && own.function == billing("set_issued_at"))
        #expect(other.table == billing("invoices") && other.function == recordChange)
        // Emitted with --include-baseline and applied: the same schema, but for the overloads.
        let folder = try temporaryFolder("schema-functions-baseline")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let again = try schemaBuilt(by: MigrationChain.build(result.migrations), emitter: EmitterRegistry.require("sql"), folder: folder, at: url)
        let changes = SnapshotDiff(original, again).render()
        #expect(changes.count == 2 && changes.allSatisfy { $0.contains("audit.score") || $0.contains("audit\u{1F}score") }, "\(changes)")
    }

    @Test func newFromDatabaseWritesFunctionsAndTriggersOfOtherSchemas() throws {
        guard let url = try databaseFor(.postgresql) else { return }
        let base = try MigrationChain.build([SpecLoader.load(text: """
            mgen: 1
            id: "0001"
            name: a
            operations:
              - create_schema: {name: billing}
              - create_schema: {name: audit}
              - create_table: {schema: billing, table: invoices, columns: [{name: id, type: bigint, primary_key: true},
                  {name: status, type: text, nullable: false}, {name: issued_at, type: timestamptz}]}
            """, file: "Specs/0001_a.yaml")])
        let made = try withScratchDatabase(url) { db, _ in
            try build(base, on: db)
            try db.executeScript(Array(Self.functionsInSchemas.dropFirst(3)))
            return try NewFromDatabase.make(after: base, db: db, source: "test", id: "0002", name: "from_db", created: nil,
                                            file: "Specs/0002_from_db.yaml")
        }
        let spec = try #require(made.spec)
        #expect(made.residual.isEmpty, "\(made.residual)")
        #expect(spec.operations.map(\.value.kind) == ["create_function", "create_function", "create_trigger", "create_trigger"], "\(made.yaml ?? "")")
        #expect(made.yaml?.contains("function:\n        schema: \"audit\"\n        name: \"record_change\"") == true, "\(made.yaml ?? "")")
        // Applied after the first spec, it makes the database's schema.
        let wanted = try withScratchDatabase(url) { db, _ in
            try build(base, on: db)
            try db.executeScript(Array(Self.functionsInSchemas.dropFirst(3)))
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        let built = try withScratchDatabase(url) { db, _ in
            try build(MigrationChain.build([base.migrations[0].migration, spec]), on: db)
            return try introspect(db, exclude: frameworkBookkeepingTables)
        }
        #expect(SnapshotDiff(wanted, built).render().isEmpty, "\(SnapshotDiff(wanted, built).render())")
    }
}
