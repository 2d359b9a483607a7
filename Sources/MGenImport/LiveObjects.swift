import Foundation
import MGenSpec
import MGenVerify

/// spec 1.1: what a live database has besides tables, read as the spec's object operations
/// (`mgen baseline --db`, `new --from-db`): views and materialized views, functions, triggers,
/// extensions and sequences. What the spec cannot say exactly (a procedure, an overloaded
/// function, a trigger with arguments, a WHEN or UPDATE OF) stays unread and is named.
struct LiveObjects {
    /// Before the tables: what a column may use (an extension's type, a sequence in a default).
    var before: [Operation] = []
    /// After the tables: what reads them, with the object's own SQL where the catalog keeps it
    /// (SQLite), to keep raw when the spec's state cannot take it.
    var after: [(Operation, String?)] = []
    /// `kind name` of what is not read.
    var unread: [String] = []

    /// The object an operation makes, for messages.
    static func name(_ op: Operation) -> String {
        if case let .object(.create(object)) = op { return QualifiedName(object.name).description }
        return ""
    }

    static func read(_ db: Database, exclude: Set<String>) throws -> LiveObjects {
        switch db.dialect {
        case .postgresql: return try postgres(db, exclude: exclude)
        case .mysql: return try mysql(db, exclude: exclude)
        case .sqlite:
            var out = LiveObjects()
            for row in try db.query("SELECT type, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid") {
                guard let type = row["type"] ?? nil, let table = row["tbl_name"] ?? nil, let sql = row["sql"] ?? nil,
                      !exclude.contains(table), let op = sqlite(type: type, sql: sql) else { continue }
                out.after.append((op, sql))
            }
            return out
        }
    }

    static func postgres(_ db: Database, exclude: Set<String>) throws -> LiveObjects {
        var out = LiveObjects()
        let schema = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        // spec 1.1: schemas. Sequences and views of every user schema (as snapshots read them),
        // one outside the current schema keyed `schema` U+001F `name`, as the state keys it.
        let userSchemas = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema() OR (nspname !~ '^pg_' AND nspname <> 'information_schema'))"
        let keyedName = "CASE WHEN n.nspname = current_schema() THEN c.relname::text ELSE n.nspname || chr(31) || c.relname END"
        func notExtension(_ oid: String) -> String { "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = \(oid) AND d.deptype = 'e')" }
        for row in try db.query("""
            SELECT e.extname AS name, CASE WHEN e.extnamespace = \(schema) THEN NULL ELSE n.nspname END AS schema
            FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.extname
            """) {
            guard let name = row[text: "name"] else { continue }
            out.before.append(.object(.create(.extension(ExtensionDefinition(name: name, schema: row[text: "schema"])))))
        }
        for row in try db.query("""
            SELECT \(keyedName) AS name, s.seqstart AS start, s.seqincrement AS inc, s.seqmin AS min, s.seqmax AS max,
                   s.seqcache AS cache, s.seqcycle AS cycle, format_type(s.seqtypid, NULL) AS type
            FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relnamespace IN \(userSchemas) AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
            ORDER BY 1
            """) {
            guard let name = row[text: "name"], let inc = row[text: "inc"].flatMap({ Int64($0) }),
                  let min = row[text: "min"].flatMap({ Int64($0) }), let max = row[text: "max"].flatMap({ Int64($0) }),
                  let cache = row[text: "cache"].flatMap({ Int64($0) }), let start = row[text: "start"].flatMap({ Int64($0) }) else { continue }
            // CREATE SEQUENCE's defaults (bigint, ascending) left out; the rest said.
            let ascending = inc > 0
            let defaultMin: Int64 = ascending ? 1 : Int64.min
            let defaultMax: Int64 = ascending ? Int64.max : -1
            var options = SequenceOptions()
            if inc != 1 { options.increment = inc }
            if min != defaultMin { options.minValue = min }
            if max != defaultMax { options.maxValue = max }
            if cache != 1 { options.cache = cache }
            if row[text: "cycle"] == "t" { options.cycle = true }
            let definition = SequenceDefinition(name: name, start: start == (ascending ? min : max) ? nil : start, options: options)
            out.before.append(.object(.create(.sequence(definition))))
        }
        // Functions and triggers of every user schema too (a trigger keyed by its table's schema,
        // its function by its own), as snapshots read them.
        func keyed(_ namespace: String, _ name: String) -> String {
            "(SELECT CASE WHEN ns.nspname = current_schema() THEN \(name)::text ELSE ns.nspname || chr(31) || \(name) END FROM pg_namespace ns WHERE ns.oid = \(namespace))"
        }
        let functions = try db.query("""
            SELECT \(keyed("p.pronamespace", "p.proname")) AS name, p.prokind AS kind, pg_get_function_arguments(p.oid) AS arguments,
                   pg_get_function_result(p.oid) AS returns, l.lanname AS language, p.prosrc AS body, p.provolatile AS volatility,
                   count(*) OVER (PARTITION BY p.pronamespace, p.proname) AS overloads
            FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace IN \(userSchemas) AND p.prokind IN ('f', 'p') AND \(notExtension("p.oid"))
            ORDER BY 1, p.oid
            """)
        for row in functions {
            guard let name = row[text: "name"] else { continue }
            guard row[text: "kind"] == "f", row[text: "overloads"] == "1", let returns = row[text: "returns"], let body = row[text: "body"],
                  let language = row[text: "language"], ["plpgsql", "sql"].contains(language),
                  ["i", "v"].contains(row[text: "volatility"] ?? "") else {
                out.unread.append("\(row[text: "kind"] == "p" ? "procedure" : "function") \(QualifiedName(name))")
                continue
            }
            out.before.append(.object(.create(.function(FunctionDefinition(
                name: name, arguments: DialectSQL(["postgresql": row[text: "arguments"] ?? ""]), returns: DialectSQL(["postgresql": returns]),
                language: language == "plpgsql" ? nil : language, body: DialectSQL(["postgresql": body]),
                deterministic: row[text: "volatility"] == "i")))))
        }
        // Views in the order they were made (a view reads only what existed before it).
        for row in try db.query("""
            SELECT \(keyedName) AS name, c.relkind AS kind, pg_get_viewdef(c.oid, true) AS definition
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relnamespace IN \(userSchemas) AND c.relkind IN ('v', 'm') AND \(notExtension("c.oid"))
            ORDER BY c.oid
            """) {
            guard let name = row[text: "name"], !exclude.contains(name), let definition = row[text: "definition"] else { continue }
            let query = definition.trimmingCharacters(in: .whitespacesAndNewlines)
            out.after.append((.object(.create(.view(ViewDefinition(name: name, query: DialectSQL(["postgresql": query]),
                                                                   materialized: row[text: "kind"] == "m")))),
                              "CREATE \(row[text: "kind"] == "m" ? "MATERIALIZED " : "")VIEW \(quoteIdentifier(name, .postgresql)) AS\n\(query)"))
        }
        // tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead.
        for row in try db.query("""
            SELECT \(keyed("c.relnamespace", "t.tgname")) AS name, \(keyedName) AS tbl, t.tgtype::int AS type,
                   \(keyed("p.pronamespace", "p.proname")) AS function, pg_get_triggerdef(t.oid) AS definition,
                   (t.tgnargs = 0 AND t.tgqual IS NULL AND coalesce(array_length(t.tgattr, 1), 0) = 0 AND t.tgconstraint = 0
                    AND p.pronamespace IN \(userSchemas)) AS plain
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND c.relnamespace IN \(userSchemas) ORDER BY 2, 1
            """) {
            guard let name = row[text: "name"], let table = row[text: "tbl"], !exclude.contains(table) else { continue }
            guard row[text: "plain"] == "t", let type = row[text: "type"].flatMap({ Int($0) }), type & 32 == 0,
                  let function = row[text: "function"] else {
                out.unread.append("trigger \(QualifiedName(name))")
                continue
            }
            var events: [TriggerDefinition.Event] = []
            if type & 4 != 0 { events.append(.insert) }
            if type & 16 != 0 { events.append(.update) }
            if type & 8 != 0 { events.append(.delete) }
            let timing: TriggerDefinition.Timing = type & 64 != 0 ? .insteadOf : type & 2 != 0 ? .before : .after
            out.after.append((.object(.create(.trigger(TriggerDefinition(name: name, table: table, timing: timing, events: events,
                                                                         forEachRow: type & 1 != 0, function: function)))),
                              row[text: "definition"]))
        }
        return out
    }

    static func mysql(_ db: Database, exclude: Set<String>) throws -> LiveObjects {
        var out = LiveObjects()
        let database = try db.scalar("SELECT DATABASE()") ?? ""
        // MariaDB writes the view's tables with their database (`scratch`.`users`): left out.
        func local(_ text: String) -> String { text.replacingOccurrences(of: "`\(database)`.", with: "") }
        let parameters = try db.query("""
            SELECT SPECIFIC_NAME AS name, PARAMETER_NAME AS parameter, DTD_IDENTIFIER AS type FROM information_schema.PARAMETERS
            WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0 ORDER BY SPECIFIC_NAME, ORDINAL_POSITION
            """)
        for row in try db.query("""
            SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS kind, DTD_IDENTIFIER AS returns, ROUTINE_DEFINITION AS body,
                   IS_DETERMINISTIC AS is_deterministic
            FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME
            """) {
            guard let name = row[text: "name"] else { continue }
            guard row[text: "kind"] == "FUNCTION", let returns = row[text: "returns"], let body = row[text: "body"] else {
                out.unread.append("\((row[text: "kind"] ?? "routine").lowercased()) \(name)")
                continue
            }
            let arguments = parameters.filter { $0[text: "name"] == name }.map { "`\($0[text: "parameter"] ?? "")` \($0[text: "type"] ?? "")" }
            out.before.append(.object(.create(.function(FunctionDefinition(
                name: name, arguments: DialectSQL(["mysql": arguments.joined(separator: ", ")]), returns: DialectSQL(["mysql": returns]),
                body: DialectSQL(["mysql": body]), deterministic: row[text: "is_deterministic"] == "YES")))))
        }
        for row in try db.query("""
            SELECT v.TABLE_NAME AS name, v.VIEW_DEFINITION AS definition FROM information_schema.VIEWS v
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = v.TABLE_SCHEMA AND t.TABLE_NAME = v.TABLE_NAME
            WHERE v.TABLE_SCHEMA = DATABASE() ORDER BY t.CREATE_TIME, v.TABLE_NAME
            """) {
            guard let name = row[text: "name"], !exclude.contains(name), let definition = row[text: "definition"] else { continue }
            out.after.append((.object(.create(.view(ViewDefinition(name: name, query: DialectSQL(["mysql": local(definition)]))))), nil))
        }
        for row in try db.query("""
            SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tbl, ACTION_TIMING AS timing, EVENT_MANIPULATION AS event,
                   ACTION_STATEMENT AS body, ACTION_ORIENTATION AS orientation
            FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME
            """) {
            guard let name = row[text: "name"], let table = row[text: "tbl"], !exclude.contains(table) else { continue }
            guard let timing = (row[text: "timing"]?.lowercased()).flatMap(TriggerDefinition.Timing.init(rawValue:)),
                  let event = (row[text: "event"]?.lowercased()).flatMap(TriggerDefinition.Event.init(rawValue:)),
                  let body = row[text: "body"] else {
                out.unread.append("trigger \(name)")
                continue
            }
            out.after.append((.object(.create(.trigger(TriggerDefinition(name: name, table: table, timing: timing, events: [event],
                                                                         forEachRow: row[text: "orientation"] != "STATEMENT",
                                                                         body: DialectSQL(["mysql": local(body)]))))), nil))
        }
        return out
    }

    /// SQLite: a view or trigger's CREATE text (sqlite_master) as an operation, where it is one
    /// the spec writes back the same (no column list, no WHEN, no UPDATE OF).
    static func sqlite(type: String, sql: String) -> Operation? {
        let text = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = #"(?:"([^"]+)"|`([^`]+)`|\[([^\]]+)\]|(\w+))"#
        func groups(_ pattern: String) -> [String?]? {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive, .dotMatchesLineSeparators]),
                  let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
            return (1..<m.numberOfRanges).map { Range(m.range(at: $0), in: text).map { String(text[$0]) } }
        }
        func first(_ g: [String?], _ from: Int) -> String? { g[from..<(from + 4)].compactMap { $0 }.first }
        if type == "view", let g = groups(#"^CREATE\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"# + name + #"\s+AS\s+(.+?);?$"#),
           let view = first(g, 0), let query = g[4] {
            return .object(.create(.view(ViewDefinition(name: view, query: DialectSQL(["sqlite": query])))))
        }
        if type == "trigger",
           let g = groups(#"^CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"# + name + #"\s+(BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)\s+ON\s+"#
                          + name + #"\s+(?:FOR\s+EACH\s+ROW\s+)?(BEGIN\b.*\bEND);?$"#),
           let trigger = first(g, 0), let timingText = g[4], let eventText = g[5], let table = first(g, 6), let body = g[10],
           let event = TriggerDefinition.Event(rawValue: eventText.lowercased()) {
            let timing: TriggerDefinition.Timing = timingText.uppercased().hasPrefix("INSTEAD") ? .insteadOf : timingText.lowercased() == "before" ? .before : .after
            return .object(.create(.trigger(TriggerDefinition(name: trigger, table: table, timing: timing, events: [event],
                                                              body: DialectSQL(["sqlite": body])))))
        }
        return nil
    }
}

extension Dictionary where Key == String, Value == String? {
    /// A row's column as text (nil for SQL NULL or a missing column).
    fileprivate subscript(text key: String) -> String? { self[key] ?? nil }
}
