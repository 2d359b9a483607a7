import Foundation
import MGenSpec

/// PostgreSQL: pg_catalog for the tables of `current_schema()`.
struct PostgresIntrospector {
    let db: Database

    /// The namespace of current_schema(), as a SQL subquery.
    private let schema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

    func tables() throws -> [TableSnapshot] {
        let tableRows = try db.query("""
            SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
            FROM pg_class c
            WHERE c.relnamespace = \(schema) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.relname
            """)
        let columns = groupRows(try db.query("""
            SELECT c.relname AS table_name, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                   a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS default_expr,
                   a.attidentity::text AS identity, a.attgenerated::text AS generated,
                   col_description(c.oid, a.attnum) AS comment
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = \(schema) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """), by: "table_name")
        let constraints = groupRows(try db.query("""
            SELECT cl.relname AS table_name, con.conname AS name, con.contype::text AS type,
                   (SELECT string_agg(a.attname, chr(31) ORDER BY k.ord)
                      FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS columns,
                   rc.relname AS ref_table,
                   (SELECT string_agg(a.attname, chr(31) ORDER BY k.ord)
                      FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                      JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_columns,
                   con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
                   pg_get_constraintdef(con.oid, true) AS definition
            FROM pg_constraint con
            JOIN pg_class cl ON cl.oid = con.conrelid
            LEFT JOIN pg_class rc ON rc.oid = con.confrelid
            WHERE cl.relnamespace = \(schema) AND con.contype IN ('p', 'u', 'f', 'c')
            ORDER BY cl.relname, con.conname
            """), by: "table_name")
        // Indexes owned by a primary key or unique constraint are reported as that constraint.
        // A key part that is a plain column is its catalog name (pg_get_indexdef would quote
        // `"user"` or `"createdAt"`); only an expression part is the expression's text.
        let indexes = groupRows(try db.query("""
            SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS is_unique, am.amname AS method,
                   pg_get_expr(ix.indpred, ix.indrelid, true) AS predicate,
                   (SELECT string_agg(CASE WHEN ix.indkey[k - 1] <> 0
                                           THEN (SELECT a.attname FROM pg_attribute a
                                                 WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k - 1])
                                           ELSE pg_get_indexdef(ix.indexrelid, k, true) END
                                      || CASE WHEN (ix.indoption[k - 1] & 1) = 1 THEN ' desc' ELSE '' END,
                                      chr(31) ORDER BY k)
                      FROM generate_series(1, ix.indnkeyatts) k) AS columns
            FROM pg_index ix
            JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_am am ON am.oid = i.relam
            WHERE t.relnamespace = \(schema) AND t.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint con
                              WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid
                                AND con.contype IN ('p', 'u'))
            ORDER BY t.relname, i.relname
            """), by: "table_name")

        return tableRows.compactMap { row -> TableSnapshot? in
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
                    uniques.append(UniqueConstraintSnapshot(name: con[text: "name"], columns: columns))
                case "f":
                    foreignKeys.append(ForeignKeySnapshot(
                        name: con[text: "name"], columns: columns, referencedTable: con[text: "ref_table"] ?? "",
                        referencedColumns: splitAggregate(con[text: "ref_columns"]),
                        onDelete: normalizeAction(con[text: "on_delete"]), onUpdate: normalizeAction(con[text: "on_update"])))
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
        return ColumnSnapshot(
            name: name, nativeType: nativeType, neutralType: Self.neutralType(nativeType),
            nullable: !row.bool("notnull"), default: defaultText, identity: identity, comment: row[text: "comment"])
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
        case "character varying": return singleLength(type, prefixes: ["character varying"]).map { "string(\($0))" } ?? "string"
        default: return neutralDecimal(type) ?? "native"
        }
    }
}
