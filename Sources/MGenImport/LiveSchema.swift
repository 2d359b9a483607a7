import Foundation
import MGenSpec
import MGenVerify

/// The schema of a live database as DDL statements, read through the import's own readers: the
/// same mapping (types, enum checks, names, identity keys) as a migration file or a schema dump,
/// and the same report. SQLite keeps each object's CREATE text (sqlite_master); PostgreSQL and
/// MySQL are written from the catalog snapshot `mgen snapshot` takes.
public enum LiveSchema {
    /// The statements that build the tables of the schema `db` is connected to, in an order that
    /// applies: types, tables (comments after each), indexes, then foreign keys.
    public static func statements(_ db: Database, exclude: Set<String>) throws -> [String] {
        if db.dialect == .sqlite { return try sqliteStatements(db, exclude: exclude) }
        let snapshot = try introspect(db, exclude: exclude)
        var out: [String] = []
        // spec 1.1: schemas. The snapshot reads every user schema (its tables keyed `schema` U+001F
        // `name`, quoted `"billing"."invoices"`): each is made before its types and tables.
        for object in snapshot.objects ?? [] where object.kind == "schema" {
            out.append("CREATE SCHEMA \(quoteIdentifier(object.name, .postgresql))")
        }
        if db.dialect == .postgresql { out += try postgresEnumTypes(db) }
        let clauses = db.dialect == .mysql ? try mysqlCheckClauses(db) : [:]
        for var table in orderedByReferences(snapshot.tables) {
            // The snapshot unquotes MySQL's check texts (to compare them): `index > 0` is no SQL.
            for k in table.checkConstraints.indices {
                if let name = table.checkConstraints[k].name, let clause = clauses[table.name + "\u{1}" + name] {
                    table.checkConstraints[k].expression = clause
                }
            }
            out += create(table, dialect: db.dialect)
        }
        let storage = db.dialect == .postgresql ? try postgresIndexStorage(db) : [:]
        for table in snapshot.tables {
            for index in table.indexes where !impliedByForeignKey(index, in: table, dialect: db.dialect) {
                var sql = createIndex(index, on: table, dialect: db.dialect)
                // spec 1.1: storage parameters (the snapshot does not carry them), before any WHERE.
                if let with = storage[index.name] {
                    if let range = sql.range(of: " WHERE ", options: .backwards), index.predicate != nil {
                        sql.insert(contentsOf: " WITH (\(with))", at: range.lowerBound)
                    } else {
                        sql += " WITH (\(with))"
                    }
                }
                out.append(sql)
            }
        }
        for table in snapshot.tables {
            for fk in table.foreignKeys { out.append(addForeignKey(fk, on: table.name, dialect: db.dialect)) }
        }
        return out
    }

    /// SQLite: what sqlite_master holds, tables before what refers to them, then the indexes
    /// (SQLite's own `sqlite_autoindex_*` have no text: they belong to a table's UNIQUE).
    static func sqliteStatements(_ db: Database, exclude: Set<String>) throws -> [String] {
        let rows = try db.query("""
            SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid
            """)
        let snapshot = try introspect(db, exclude: exclude)
        let order = orderedByReferences(snapshot.tables).map(\.name)
        var tableSQL: [String: String] = [:]
        var rest: [String] = []
        for row in rows {
            guard let name = row["name"] ?? nil, let table = row["tbl_name"] ?? nil, let sql = row["sql"] ?? nil,
                  !exclude.contains(table) else { continue }
            if row["type"] == "table" {
                tableSQL[name] = sql
            } else if LiveObjects.sqlite(type: row["type"].flatMap { $0 } ?? "", sql: sql) == nil {
                rest.append(sql) // a view or trigger the spec says exactly is LiveObjects' (spec 1.1)
            }
        }
        return order.compactMap { tableSQL[$0] } + rest
    }

    /// MySQL/MariaDB check conditions as the server prints them (identifiers quoted), by table and name.
    static func mysqlCheckClauses(_ db: Database) throws -> [String: String] {
        let isMariaDB = (try db.scalar("SELECT VERSION()") ?? "").lowercased().contains("mariadb")
        let rows = try db.query(isMariaDB ? """
            SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause
            FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()
            """ : """
            SELECT tc.TABLE_NAME AS table_name, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause
            FROM information_schema.TABLE_CONSTRAINTS tc
            JOIN information_schema.CHECK_CONSTRAINTS cc
              ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
            WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK'
            """)
        var out: [String: String] = [:]
        for row in rows {
            guard let table = row["table_name"] ?? nil, let name = row["name"] ?? nil, let clause = row["clause"] ?? nil else { continue }
            out[table + "\u{1}" + name] = clause
        }
        return out
    }

    /// PostgreSQL indexes' storage parameters (`fillfactor=70, deduplicate_items=off`), by index
    /// name (spec 1.1: schemas, of every user schema: the spec's index names are one namespace).
    static func postgresIndexStorage(_ db: Database) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try db.query("""
            SELECT c.relname AS name, array_to_string(c.reloptions, ', ') AS options FROM pg_class c
            WHERE c.relkind = 'i' AND c.reloptions IS NOT NULL
              AND c.relnamespace IN (SELECT oid FROM pg_namespace
                                     WHERE nspname = current_schema() OR (nspname !~ '^pg_' AND nspname <> 'information_schema'))
            """) {
            guard let name = row["name"] ?? nil, let options = row["options"] ?? nil, !options.isEmpty else { continue }
            out[name] = options
        }
        return out
    }

    /// `CREATE TYPE … AS ENUM` for the enum types of the user schemas (a table's column may use
    /// one); spec 1.1: schemas, one outside the current schema keyed `schema` U+001F `name`, as
    /// the snapshot names it.
    static func postgresEnumTypes(_ db: Database) throws -> [String] {
        let rows = try db.query("""
            SELECT CASE WHEN ns.nspname = current_schema() THEN t.typname::text ELSE ns.nspname || chr(31) || t.typname END AS name,
                   string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS labels
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace ns ON ns.oid = t.typnamespace
            WHERE ns.nspname = current_schema() OR (ns.nspname !~ '^pg_' AND ns.nspname <> 'information_schema')
            GROUP BY 1 ORDER BY 1
            """)
        return rows.compactMap { row in
            guard let name = row["name"] ?? nil, let labels = row["labels"] ?? nil else { return nil }
            return "CREATE TYPE \(quoteIdentifier(name, .postgresql)) AS ENUM (\(labels))"
        }
    }

    /// Tables before the tables whose foreign keys refer to them, by name otherwise (a cycle keeps
    /// name order: the keys are added after every table anyway, except on SQLite, which resolves
    /// a reference when it is used).
    static func orderedByReferences(_ tables: [TableSnapshot]) -> [TableSnapshot] {
        let byName = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var done: Set<String> = []
        var visiting: Set<String> = []
        var out: [TableSnapshot] = []
        func visit(_ name: String) {
            guard !done.contains(name), !visiting.contains(name), let table = byName[name] else { return }
            visiting.insert(name)
            for fk in table.foreignKeys.sorted(by: { $0.referencedTable < $1.referencedTable }) where fk.referencedTable != name {
                visit(fk.referencedTable)
            }
            visiting.remove(name)
            done.insert(name)
            out.append(table)
        }
        for table in tables.sorted(by: { $0.name < $1.name }) { visit(table.name) }
        return out
    }

    static func create(_ table: TableSnapshot, dialect: Dialect) -> [String] {
        func q(_ name: String) -> String { quoteIdentifier(name, dialect) }
        var lines: [String] = []
        for column in table.columns {
            var line = "\(q(column.name)) \(column.nativeType)"
            // spec 1.1: a column of an enum type by the type's name as the catalog has it (quoted).
            if column.neutralType.hasPrefix("enum_type("), column.neutralType.hasSuffix(")") {
                line = "\(q(column.name)) \(q(String(column.neutralType.dropFirst(10).dropLast())))"
            }
            // spec 1.1: collations (PostgreSQL's name is an identifier)
            if let collation = column.collation { line += " COLLATE \(dialect == .postgresql ? q(collation) : collation)" }
            if let generated = column.default, generated.hasPrefix("GENERATED ALWAYS AS") {
                line += " " + generated
                if !column.nullable { line += " NOT NULL" }
            } else {
                if column.identity, dialect == .postgresql { line += " GENERATED BY DEFAULT AS IDENTITY" }
                if !column.nullable { line += " NOT NULL" }
                if column.identity, dialect == .mysql { line += " AUTO_INCREMENT" }
                if let value = column.default { line += " DEFAULT \(value)" }
            }
            if dialect == .mysql, let comment = column.comment { line += " COMMENT \(quoteLiteral(comment, dialect))" }
            lines.append(line)
        }
        if let pk = table.primaryKey {
            let named = dialect == .postgresql ? pk.name.map { "CONSTRAINT \(q($0)) " } ?? "" : ""
            lines.append("\(named)PRIMARY KEY (\(pk.columns.map(q).joined(separator: ", ")))")
        }
        // PostgreSQL's CREATE TABLE silently drops a UNIQUE over the primary key's columns or an
        // earlier UNIQUE's (as MGenSQL's createTable knows): such a one is added after the table.
        var keyed: [[String]] = dialect == .postgresql ? (table.primaryKey.map { [$0.columns] } ?? []) : []
        var later: [String] = []
        for unique in table.uniqueConstraints {
            let clause = "\(unique.name.map { "CONSTRAINT \(q($0)) " } ?? "")UNIQUE (\(unique.columns.map(q).joined(separator: ", ")))"
                + deferrableClause(unique.deferrable) // spec 1.1: deferrable constraints
            if keyed.contains(unique.columns) {
                later.append("ALTER TABLE \(q(table.name)) ADD \(clause)")
            } else {
                if dialect == .postgresql { keyed.append(unique.columns) }
                lines.append(clause)
            }
        }
        for check in table.checkConstraints {
            lines.append("\(check.name.map { "CONSTRAINT \(q($0)) " } ?? "")CHECK (\(check.expression))")
        }
        var out = "CREATE TABLE \(q(table.name)) (\n    " + lines.joined(separator: ",\n    ") + "\n)"
        // spec 1.1: MySQL table options (`engine=myisam collation=utf8mb4_bin`; a collation names its charset)
        if dialect == .mysql, let options = table.options {
            for option in options.split(separator: " ") {
                let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if pair[0] == "engine" { out += " ENGINE=\(pair[1])" }
                if pair[0] == "collation", let charset = pair[1].split(separator: "_").first { out += " DEFAULT CHARSET=\(charset) COLLATE=\(pair[1])" }
            }
        }
        if dialect == .mysql, let comment = table.comment { out += " COMMENT=\(quoteLiteral(comment, dialect))" }
        var statements = [out] + later
        if dialect == .postgresql {
            if let comment = table.comment { statements.append("COMMENT ON TABLE \(q(table.name)) IS \(quoteLiteral(comment, dialect))") }
            for column in table.columns {
                guard let comment = column.comment else { continue }
                statements.append("COMMENT ON COLUMN \(q(table.name)).\(q(column.name)) IS \(quoteLiteral(comment, dialect))")
            }
        }
        return statements
    }

    /// MySQL makes an index for a foreign key that has none, named after the key: it comes back
    /// with the key, so it is not declared.
    static func impliedByForeignKey(_ index: IndexSnapshot, in table: TableSnapshot, dialect: Dialect) -> Bool {
        dialect == .mysql && !index.unique && table.foreignKeys.contains { $0.name == index.name && $0.columns == index.columns }
    }

    static func createIndex(_ index: IndexSnapshot, on table: TableSnapshot, dialect: Dialect) -> String {
        func q(_ name: String) -> String { quoteIdentifier(name, dialect) }
        // spec 1.1: PostgreSQL's `include <column>` parts, and a column's operator class and NULL
        // order after its name (`title text_pattern_ops desc nulls last`).
        let include = dialect == .postgresql ? index.columns.filter { $0.hasPrefix("include ") }.map { String($0.dropFirst(8)) } : []
        let keys = index.columns.filter { dialect != .postgresql || !$0.hasPrefix("include ") }
        let parts = keys.map { part -> String in
            if dialect == .postgresql, let space = part.firstIndex(of: " "), table.column(String(part[..<space])) != nil {
                return q(String(part[..<space])) + part[space...]
            }
            var base = part
            var order = ""
            if base.hasSuffix(" desc") { base = String(base.dropLast(5)); order = " DESC" }
            if table.column(base) != nil { return q(base) + order }
            // MySQL key prefix: `name(10)`.
            if dialect == .mysql, let open = base.firstIndex(of: "("), base.hasSuffix(")"),
               table.column(String(base[..<open])) != nil {
                return q(String(base[..<open])) + base[open...] + order
            }
            return "(\(base))" + order
        }
        let method = index.method.map { $0.lowercased() } ?? ""
        var sql = "CREATE "
        if dialect == .mysql, method == "fulltext" || method == "spatial" { sql += method.uppercased() + " " }
        if index.unique { sql += "UNIQUE " }
        sql += "INDEX \(q(index.name)) ON \(q(table.name))"
        if dialect == .postgresql, !method.isEmpty, method != "btree" { sql += " USING \(method)" }
        sql += " (\(parts.joined(separator: ", ")))"
        if !include.isEmpty { sql += " INCLUDE (\(include.map(q).joined(separator: ", ")))" }
        if let predicate = index.predicate { sql += " WHERE \(predicate)" }
        return sql
    }

    static func addForeignKey(_ fk: ForeignKeySnapshot, on table: String, dialect: Dialect) -> String {
        func q(_ name: String) -> String { quoteIdentifier(name, dialect) }
        var sql = "ALTER TABLE \(q(table)) ADD \(fk.name.map { "CONSTRAINT \(q($0)) " } ?? "")FOREIGN KEY ("
            + fk.columns.map(q).joined(separator: ", ") + ") REFERENCES \(q(fk.referencedTable)) ("
            + fk.referencedColumns.map(q).joined(separator: ", ") + ")"
        // MariaDB reports RESTRICT for a key declared without an action (and NO ACTION only when
        // written): the action left out is the one that reads back the same.
        let implied = dialect == .mysql ? "restrict" : "no action"
        if fk.onDelete != implied { sql += " ON DELETE \(fk.onDelete.uppercased())" }
        if fk.onUpdate != implied { sql += " ON UPDATE \(fk.onUpdate.uppercased())" }
        return sql + deferrableClause(fk.deferrable) // spec 1.1: deferrable constraints
    }

    /// spec 1.1: ` DEFERRABLE INITIALLY …` for a snapshot's `deferrable` (`immediate`/`deferred`).
    static func deferrableClause(_ deferrable: String?) -> String {
        deferrable.map { " DEFERRABLE INITIALLY \($0.uppercased())" } ?? ""
    }
}

extension ImportEngine {
    /// A first spec that declares the schema of a live database (`mgen baseline --db`): its tables
    /// read as DDL (see `LiveSchema`) and mapped like an import; marked `baseline: true`.
    public static func baseline(db: Database, source: String, exclude: Set<String> = frameworkBookkeepingTables, id: String = "0000",
                                name: String = "baseline", specFolder: String = "Specs") throws(DiagnosticError) -> ImportResult {
        let statements: [String]
        let objects: LiveObjects
        do {
            statements = try LiveSchema.statements(db, exclude: exclude)
            objects = try LiveObjects.read(db, exclude: exclude)
        } catch {
            throw DiagnosticError(Diagnostic("cannot read the schema: \(error)", object: source,
                                             fix: "check the URL and that the user may read the catalog"))
        }
        guard !statements.isEmpty else {
            throw DiagnosticError(Diagnostic("the database has no tables (framework bookkeeping tables left out)", object: source,
                                             fix: "point --db at the database whose schema the baseline declares"))
        }
        let located = statements.enumerated().map { SourceStatement($1, at: SourceLocation(file: source, line: $0 + 1, column: 1)) }
        let migration = SourceMigration(version: id, name: name, files: [source], up: located, down: nil)
        var result = try run(SourceFolder(migrations: [migration]), format: "baseline", dialect: db.dialect, specFolder: specFolder,
                             baseline: true, objects: objects)
        // Nothing left out silently: what --db does not read is named.
        result.report.migrations[0].dropped += objects.unread.map {
            "\($0): not read from the database (the spec cannot say it exactly; a schema dump read with --schema keeps it as raw SQL)"
        }
        return result
    }
}
