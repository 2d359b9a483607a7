import Foundation
import MGenSpec

/// PostgreSQL: pg_catalog for the tables of `current_schema()`.
struct PostgresIntrospector {
    let db: Database

    /// The columns every branch of the catalog query returns, as text (NULL where a branch has
    /// no such column), so one round trip reads tables, columns, constraints and indexes.
    private static let fields = ["name", "comment", "type", "notnull", "default_expr", "identity", "generated",
                                 "columns", "ref_table", "ref_columns", "on_delete", "on_update", "definition",
                                 "is_unique", "method", "predicate",
                                 "deferrable", // spec 1.1: deferrable constraints
                                 "collation"] // spec 1.1: collations

    /// One branch of the catalog query: `kind`, `table_name`, `ord` and `fields` (those given, the
    /// rest NULL).
    private static func branch(_ kind: String, table: String, ord: String, _ given: [String: String], from: String) -> String {
        let list = fields.map { field in (given[field].map { "(\($0))::text" } ?? "NULL::text") + " AS " + field }
        return "SELECT '\(kind)'::text AS kind, (\(table))::text AS table_name, (\(ord))::int AS ord, "
            + list.joined(separator: ", ") + "\n" + from
    }

    /// The catalog of `current_schema()` in one query (a snapshot is taken after every step of
    /// `verify`, so round trips count): rows of kind `t` (tables), `a` (columns, in attnum
    /// order), `c` (constraints) and `i` (indexes, those owned by a primary key or unique
    /// constraint left out: they are reported as that constraint).
    private static let catalogQuery: String = {
        // spec 1.1: schemas. Every user schema; a table outside the current one is named by the
        // state's key for it, `schema` U+001F `name` (MGenSpec's QualifiedName).
        let schema = userSchemas
        let tables = branch("t", table: qualifiedName("c"), ord: "0", ["name": qualifiedName("c"), "comment": "obj_description(c.oid, 'pg_class')"], from: """
            FROM pg_class c
            WHERE c.relnamespace IN \(schema) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """)
        let columns = branch("a", table: qualifiedName("c"), ord: "a.attnum", [
            "name": "a.attname", "type": "format_type(a.atttypid, a.atttypmod)", "notnull": "a.attnotnull",
            "default_expr": "pg_get_expr(d.adbin, d.adrelid)", "identity": "a.attidentity", "generated": "a.attgenerated",
            "comment": "col_description(c.oid, a.attnum)",
            // spec 1.1: collations — only one other than the type's own (ordinary columns show none)
            "collation": """
                SELECT co.collname FROM pg_collation co JOIN pg_type ty ON ty.oid = a.atttypid
                 WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation
                """,
        ], from: """
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace IN \(schema) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            """)
        let constraints = branch("c", table: qualifiedName("cl"), ord: "0", [
            "name": "con.conname", "type": "con.contype",
            "columns": """
                SELECT string_agg(a.attname, chr(31) ORDER BY k.ord)
                  FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
                """,
            "ref_table": qualifiedName("rc"),
            "ref_columns": """
                SELECT string_agg(a.attname, chr(31) ORDER BY k.ord)
                  FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
                """,
            "on_delete": "con.confdeltype", "on_update": "con.confupdtype", "definition": "pg_get_constraintdef(con.oid, true)",
            // spec 1.1: deferrable constraints
            "deferrable": "CASE WHEN con.condeferred THEN 'deferred' WHEN con.condeferrable THEN 'immediate' END",
        ], from: """
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            LEFT JOIN pg_class rc ON rc.oid = con.confrelid
            WHERE cl.relnamespace IN \(schema) AND con.contype IN ('p', 'u', 'f', 'c')
            """)
        // A key part that is a plain column is its catalog name (pg_get_indexdef would quote
        // `"user"` or `"createdAt"`); only an expression part is the expression's text. A part
        // with a non-default operator class or NULL order says so; INCLUDE columns follow the keys
        // as `include <name>` (spec 1.1).
        let indexes = branch("i", table: qualifiedName("t"), ord: "0", [
            "name": "i.relname", "is_unique": "ix.indisunique", "method": "am.amname",
            "predicate": "pg_get_expr(ix.indpred, ix.indrelid, true)",
            "columns": """
                SELECT string_agg(CASE WHEN k > ix.indnkeyatts THEN 'include ' ELSE '' END
                                  || CASE WHEN ix.indkey[k - 1] <> 0
                                       THEN (SELECT a.attname FROM pg_attribute a
                                             WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1])
                                       ELSE pg_get_indexdef(ix.indexrelid, k, true) END
                                  || COALESCE((SELECT ' ' || opc.opcname FROM pg_opclass opc
                                               WHERE opc.oid = ix.indclass[k - 1] AND NOT opc.opcdefault), '')
                                  || CASE WHEN (ix.indoption[k - 1] & 1) = 1 THEN ' desc' ELSE '' END
                                  || CASE WHEN (ix.indoption[k - 1] & 3) = 2 THEN ' nulls first'
                                          WHEN (ix.indoption[k - 1] & 3) = 1 THEN ' nulls last' ELSE '' END,
                                  chr(31) ORDER BY k)
                  FROM generate_series(1, ix.indnatts) k
                """,
        ], from: """
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_am am ON am.oid = i.relam
            WHERE t.relnamespace IN \(schema) AND t.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                              WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
                                AND con.contype IN ('p', 'u'))
            """)
        // Every table's name, whatever the filter: what is new and what is gone.
        let names = branch("n", table: qualifiedName("c"), ord: "0", ["name": qualifiedName("c")], from: """
            FROM pg_class c
            WHERE c.relnamespace IN \(schema) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            """)
        return "SELECT * FROM (\n" + [tables, columns, constraints, indexes, names].joined(separator: "\nUNION ALL\n")
            + "\n) catalog WHERE kind = 'n' OR $1::text[] IS NULL OR table_name = ANY ($1::text[])"
            + "\nORDER BY kind, table_name COLLATE \"C\", ord, name COLLATE \"C\""
    }()

    // spec 1.1: schemas
    /// The current schema and every user schema (not `pg_*`, not information_schema).
    static let userSchemas = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema() OR (nspname !~ '^pg_' AND nspname <> 'information_schema'))"

    /// A relation's name as the state keys it: bare in the current schema, else `schema` U+001F `name`.
    static func qualifiedName(_ alias: String) -> String {
        "(SELECT CASE WHEN ns.nspname = current_schema() THEN \(alias).relname::text ELSE ns.nspname || chr(31) || \(alias).relname END FROM pg_namespace ns WHERE ns.oid = \(alias).relnamespace)"
    }

    /// The catalog query is prepared once per connection: planning its five branches cost more
    /// than running them for the one or two tables `verify` re-reads after a step.
    private static let statementName = "mgen_catalog"

    /// `only`: just these tables (verify re-reads the tables a step touched).
    func tables(only: Set<String>? = nil) throws -> [TableSnapshot] { try catalog(only: only).tables }

    /// The tables (all, or `only` those) and the names of every table of the schema, in one round trip.
    func catalog(only: Set<String>? = nil) throws -> (tables: [TableSnapshot], names: [String]) {
        let argument = only.map { "ARRAY[" + $0.sorted().map { quoteLiteral($0, .postgresql) }.joined(separator: ", ") + "]::text[]" } ?? "NULL::text[]"
        let rows: [[String: String?]]
        if let pg = db as? PostgresDatabase {
            if !pg.prepared.contains(Self.statementName) {
                try pg.execute("PREPARE \(Self.statementName) (text[]) AS \(Self.catalogQuery)")
                pg.prepared.insert(Self.statementName)
            }
            rows = try pg.query("EXECUTE \(Self.statementName) (\(argument))")
        } else {
            rows = try db.query(Self.catalogQuery.replacingOccurrences(of: "$1", with: "(\(argument))"))
        }
        var names: [String] = []
        var tableRows: [[String: String?]] = []
        var columnRows: [[String: String?]] = [], constraintRows: [[String: String?]] = [], indexRows: [[String: String?]] = []
        for row in rows {
            switch row[text: "kind"] {
            case "n": if let name = row[text: "name"] { names.append(name) }
            case "t": tableRows.append(row)
            case "a": columnRows.append(row)
            case "c": constraintRows.append(row)
            case "i": indexRows.append(row)
            default: break
            }
        }
        let columns = groupRows(columnRows, by: "table_name")
        let constraints = groupRows(constraintRows, by: "table_name")
        let indexes = groupRows(indexRows, by: "table_name")

        let tables = tableRows.compactMap { row -> TableSnapshot? in
            guard let name = row[text: "name"] else { return nil }
            var table = TableSnapshot(name: name, columns: (columns[name] ?? []).compactMap(column), comment: row[text: "comment"])
            var foreignKeys: [ForeignKeySnapshot] = []
            var uniques: [UniqueConstraintSnapshot] = []
            var checks: [CheckConstraintSnapshot] = []
            for con in constraints[name] ?? [] {
                let columns = splitAggregate(con[text: "columns"])
                switch con[text: "type"] {
                case "p":
                    table.primaryKey = PrimaryKeySnapshot(name: con[text: "name"], columns: columns)
                case "u":
                    var unique = UniqueConstraintSnapshot(name: con[text: "name"], columns: columns)
                    unique.deferrable = con[text: "deferrable"] // spec 1.1: deferrable constraints
                    uniques.append(unique)
                case "f":
                    var fk = ForeignKeySnapshot(
                        name: con[text: "name"], columns: columns, referencedTable: con[text: "ref_table"] ?? "",
                        referencedColumns: splitAggregate(con[text: "ref_columns"]),
                        onDelete: normalizeAction(con[text: "on_delete"]), onUpdate: normalizeAction(con[text: "on_update"]))
                    fk.deferrable = con[text: "deferrable"] // spec 1.1: deferrable constraints
                    foreignKeys.append(fk)
                case "c":
                    checks.append(CheckConstraintSnapshot(name: con[text: "name"], expression: Self.checkExpression(con[text: "definition"] ?? "")))
                default:
                    break
                }
            }
            let tableIndexes = (indexes[name] ?? []).compactMap { ix -> IndexSnapshot? in
                guard let indexName = ix[text: "name"] else { return nil }
                return IndexSnapshot(
                    name: indexName, columns: splitAggregate(ix[text: "columns"]), unique: ix.bool("is_unique"),
                    predicate: ix[text: "predicate"].map { normalizeExpression(stripLiteralCasts($0)) },
                    method: ix[text: "method"])
            }
            return TableSnapshot(
                name: name, columns: table.columns, primaryKey: table.primaryKey, indexes: tableIndexes,
                foreignKeys: foreignKeys, uniqueConstraints: uniques, checkConstraints: checks, comment: table.comment)
        }
        return (tables, names)
    }

    private func column(_ row: [String: String?]) -> ColumnSnapshot? {
        guard let name = row[text: "name"], let rawType = row[text: "type"] else { return nil }
        let nativeType = normalizeTypeName(rawType)
        var defaultText = row[text: "default_expr"]
        let identityKind = row[text: "identity"] ?? ""
        var identity = identityKind == "a" || identityKind == "d"
        // serial/bigserial: a nextval() default is how PostgreSQL spells an identity of old.
        if let d = defaultText, d.hasPrefix("nextval(") {
            identity = true
            defaultText = nil
        }
        if identity { defaultText = nil }
        if let d = defaultText {
            let generated = row[text: "generated"] ?? ""
            defaultText = generated == "s"
                ? "GENERATED ALWAYS AS (\(normalizeExpression(d))) STORED"
                : normalizeExpression(stripLiteralCasts(d))
        }
        var snapshot = ColumnSnapshot(
            name: name, nativeType: nativeType, neutralType: Self.neutralType(nativeType),
            nullable: !row.bool("notnull"), default: defaultText, identity: identity, comment: row[text: "comment"])
        snapshot.collation = row[text: "collation"] // spec 1.1: collations
        return snapshot
    }

    /// `CHECK (price > 0::numeric) NOT VALID` → `price > 0`.
    static func checkExpression(_ definition: String) -> String {
        var text = definition.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("CHECK ") { text = String(text.dropFirst(6)) }
        if text.hasSuffix(" NOT VALID") { text = String(text.dropLast(10)) }
        if text.hasSuffix(" NO INHERIT") { text = String(text.dropLast(11)) }
        return normalizeExpression(stripLiteralCasts(text))
    }

    /// PostgreSQL's `format_type` names → mgen's neutral names.
    static func neutralType(_ type: String) -> String {
        // spec 1.1: column types. `integer[]`, `character varying(20)[]`: the element's name.
        if type.hasSuffix("[]") {
            let element = neutralType(String(type.dropLast(2)))
            return element == "native" ? "native" : element + "[]"
        }
        // Precision of time types does not change the neutral type.
        let base = type.replacingOccurrences(of: #"\([0-9]+\)"#, with: "", options: .regularExpression)
        switch base {
        case "boolean": return "boolean"
        case "smallint": return "smallint"
        case "integer": return "integer"
        case "bigint": return "bigint"
        case "real": return "real"
        case "double precision": return "double"
        case "text": return "text"
        case "bytea": return "binary"
        case "date": return "date"
        case "time without time zone": return "time"
        case "timestamp without time zone": return "timestamp"
        case "timestamp with time zone": return "timestamptz"
        case "uuid": return "uuid"
        case "json", "jsonb": return "json"
        case "character varying": return singleLength(type, prefixes: ["character varying"]).map { "string(\($0))" } ?? "varchar(max)"
        // spec 1.1: column types (format_type says `character(3)`; a bare `character` is char(1))
        case "character": return "char(\(singleLength(type, prefixes: ["character"]) ?? 1))"
        default: return neutralDecimal(type) ?? "native"
        }
    }
}
