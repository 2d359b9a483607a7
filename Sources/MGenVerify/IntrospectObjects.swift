import Foundation
import MGenSpec

/// Spec 1.1: the named objects beside tables — views, materialized views, functions (and MySQL
/// procedures), triggers, sequences, extensions, PostgreSQL domains — as the catalog reports
/// them, each as kind, name, table (triggers) and a definition text normalised so the same object
/// gives the same bytes. A down that forgets one of them then fails `verify`.
public struct ObjectSnapshot: Codable, Equatable, Sendable {
    /// `view`, `materialized_view`, `function`, `procedure`, `trigger`, `sequence`, `extension`, `domain`,
    /// `schema` (spec 1.1: every PostgreSQL user schema but the current one and `public`).
    public var kind: String
    /// The object's name (a PostgreSQL function's with its argument types: overloads are distinct).
    public var name: String
    /// The table a trigger is on.
    public var table: String?
    public var definition: String

    public init(kind: String, name: String, table: String? = nil, definition: String) {
        self.kind = kind
        self.name = name
        self.table = table
        self.definition = definition
    }

    var sortKey: String { kind + "\u{1}" + name }
}

/// The objects of the schema `db` is connected to, sorted by kind and name. Objects that belong
/// to an extension (pg_trgm's functions, say) are the extension's, not listed one by one; the
/// sequences behind identity and serial columns are the column's.
func introspectObjects(_ db: Database, exclude: Set<String> = []) throws -> [ObjectSnapshot] {
    var out: [ObjectSnapshot] = []
    switch db.dialect {
    case .postgresql:
        let schema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        // spec 1.1: schemas. Views, sequences, functions and triggers (by their table's schema) of
        // every user schema, keyed as the state keys them.
        let userSchemas = PostgresIntrospector.userSchemas
        func keyed(_ namespace: String, _ name: String) -> String {
            "(SELECT CASE WHEN ns.nspname = current_schema() THEN \(name)::text ELSE ns.nspname || chr(31) || \(name) END FROM pg_namespace ns WHERE ns.oid = \(namespace))"
        }
        func keyed(_ alias: String) -> String { keyed("\(alias).relnamespace", "\(alias).relname") }
        func notExtension(_ oid: String) -> String { "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = \(oid) AND d.deptype = 'e')" }
        let rows = try db.query("""
            SELECT CASE c.relkind WHEN 'v' THEN 'view' ELSE 'materialized_view' END AS kind, \(keyed("c")) AS name,
                   NULL::text AS tbl, pg_get_viewdef(c.oid, true) AS definition
            FROM pg_class c WHERE c.relnamespace IN \(userSchemas) AND c.relkind IN ('v', 'm') AND \(notExtension("c.oid"))
            UNION ALL
            SELECT 'sequence', \(keyed("c")), NULL,
                   format('start %s increment %s min %s max %s cache %s%s', s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                          s.seqcache, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
            FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
            WHERE c.relnamespace IN \(userSchemas) AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
            UNION ALL
            SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
                   \(keyed("p.pronamespace", "p.proname")) || '(' || pg_get_function_identity_arguments(p.oid) || ')', NULL,
                   'returns ' || coalesce(pg_get_function_result(p.oid), 'void') || ' language ' || l.lanname
                     || ' volatility ' || p.provolatile::text || E'\\n' || btrim(p.prosrc, E' \\n\\r\\t')
            FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace IN \(userSchemas) AND p.prokind IN ('f', 'p') AND \(notExtension("p.oid"))
            UNION ALL
            SELECT 'trigger', \(keyed("c.relnamespace", "t.tgname")), \(keyed("c")), pg_get_triggerdef(t.oid)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace IN \(userSchemas)
            UNION ALL
            SELECT 'extension', e.extname::text, NULL, 'version ' || e.extversion FROM pg_extension e WHERE e.extname <> 'plpgsql'
            UNION ALL
            SELECT 'schema', n.nspname::text, NULL, '' FROM pg_namespace n
            WHERE n.oid IN \(PostgresIntrospector.userSchemas) AND n.nspname <> current_schema() AND n.nspname <> 'public'
            UNION ALL
            SELECT 'domain', t.typname::text, NULL,
                   format_type(t.typbasetype, t.typtypmod) || coalesce(' default ' || t.typdefault, '')
                     || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
                     || coalesce((SELECT string_agg(' ' || k.conname || ' ' || pg_get_constraintdef(k.oid), '' ORDER BY k.conname)
                                  FROM pg_constraint k WHERE k.contypid = t.oid), '')
            FROM pg_type t WHERE t.typtype = 'd' AND t.typnamespace = \(schema) AND \(notExtension("t.oid"))
            """)
        for row in rows {
            guard let kind = row[text: "kind"], let name = row[text: "name"] else { continue }
            out.append(ObjectSnapshot(kind: kind, name: name, table: row[text: "tbl"], definition: normalizedDefinition(row[text: "definition"] ?? "")))
        }
    case .mysql:
        let database = try db.query("SELECT DATABASE() AS db").first?[text: "db"] ?? ""
        // MariaDB writes the view's tables with their database (`scratch`.`users`): left out, so
        // the same view reads the same in any database.
        func local(_ text: String) -> String { text.replacingOccurrences(of: "`\(database)`.", with: "") }
        for row in try db.query("SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()") {
            guard let name = row[text: "name"] else { continue }
            out.append(ObjectSnapshot(kind: "view", name: name, definition: normalizedDefinition(local(row[text: "definition"] ?? ""))))
        }
        for row in try db.query("""
            SELECT ROUTINE_TYPE AS kind, ROUTINE_NAME AS name, DTD_IDENTIFIER AS returns, IS_DETERMINISTIC AS is_deterministic,
                   ROUTINE_DEFINITION AS definition
            FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
            """) {
            guard let name = row[text: "name"] else { continue }
            let definition = "returns \(row[text: "returns"] ?? "") deterministic \(row[text: "is_deterministic"] ?? "")\n" + local(row[text: "definition"] ?? "")
            out.append(ObjectSnapshot(kind: (row[text: "kind"] ?? "function").lowercased(), name: name, definition: normalizedDefinition(definition)))
        }
        for row in try db.query("""
            SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event,
                   ACTION_ORIENTATION AS orientation, ACTION_STATEMENT AS definition
            FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
            """) {
            guard let name = row[text: "name"] else { continue }
            let head = [row[text: "timing"], row[text: "event"], row[text: "orientation"]].compactMap { $0 }.joined(separator: " ")
            out.append(ObjectSnapshot(kind: "trigger", name: name, table: row[text: "tbl"],
                                      definition: normalizedDefinition(head.lowercased() + "\n" + local(row[text: "definition"] ?? ""))))
        }
        // MariaDB's sequences are tables of type SEQUENCE (MySQL 8.0 has none).
        for row in try db.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE'") {
            guard let name = row[text: "name"] else { continue }
            out.append(ObjectSnapshot(kind: "sequence", name: name, definition: "sequence"))
        }
    case .sqlite:
        for row in try db.query("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger')") {
            guard let kind = row[text: "type"], let name = row[text: "name"] else { continue }
            out.append(ObjectSnapshot(kind: kind, name: name, table: kind == "trigger" ? row[text: "tbl_name"] : nil,
                                      definition: normalizedDefinition(unquotingPlainNames(row[text: "sql"] ?? ""))))
        }
    }
    return out.filter { $0.table.map { !exclude.contains($0) } ?? true }.sorted { $0.sortKey < $1.sortKey }
}

/// Whitespace runs collapsed to one space and the ends trimmed: catalogs keep a body's layout,
/// which says nothing about the object.
func normalizedDefinition(_ text: String) -> String {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
}

/// SQLite keeps a view's or trigger's text as written, except that ALTER TABLE RENAME rewrites
/// the names it touches as `"name"`: a copied table's rename turns `tags` into `"tags"` in every
/// trigger naming it. Quotes around a plain name (letters, digits, `_`) are left out, outside
/// string literals, so both spellings read alike.
func unquotingPlainNames(_ text: String) -> String {
    let chars = Array(text)
    var out = ""
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == "'" {
            let end = stringLiteralEnd(chars, from: i)
            out += String(chars[i..<end])
            i = end
            continue
        }
        if c == "\"" || c == "`", let close = chars[(i + 1)...].firstIndex(of: c), close > i + 1 {
            let inner = chars[(i + 1)..<close]
            let plain = inner.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) } && !(inner.first?.isNumber ?? true)
            if plain {
                out += String(inner)
                i = close + 1
                continue
            }
        }
        out.append(c)
        i += 1
    }
    return out
}
