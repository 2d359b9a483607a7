import MGenSpec

/// Spec 1.1: the SQL of views, functions, triggers, extensions and sequences. What a dialect
/// cannot hold is refused with the message `mgen validate` gives (ObjectChange.unsupported).
extension SQLDialect {
    public func objectChange(_ change: ObjectChange, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        if let problem = change.unsupported(on: dialect, in: context.before) { throw Unsupported(problem.message, fix: problem.fix) }
        if dialect != .postgresql, case let .function(f)? = change.object(in: context.before), f.isTriggerFunction {
            return [] // the trigger's own body stands in for it (FunctionDefinition.isTriggerFunction)
        }
        switch change {
        case let .create(object):
            return try create(object)
        case let .replace(object):
            guard let old = context.before.object(object.kind, object.name) else { throw Unsupported("unknown \(object.kind.word) '\(object.name)'") }
            if case let .function(function) = object, dialect == .postgresql {
                return [SQLStatement(try functionSQL(function, orReplace: true))]
            }
            // MySQL has no CREATE OR REPLACE FUNCTION (MariaDB has), SQLite no OR REPLACE at all, and
            // PostgreSQL's CREATE OR REPLACE VIEW cannot drop or retype a column: drop and create.
            return try drop(old) + create(object)
        case let .drop(kind, name):
            guard let old = context.before.object(kind, name) else { throw Unsupported("unknown \(kind.word) '\(name)'") }
            return try drop(old)
        case let .alterSequence(alter):
            var clauses = sequenceClauses(alter.set)
            for name in alter.reset.sorted() {
                switch name {
                case "increment": clauses.append("INCREMENT BY 1")
                case "min_value": clauses.append("NO MINVALUE")
                case "max_value": clauses.append("NO MAXVALUE")
                case "cache": clauses.append("CACHE 1")
                case "cycle": clauses.append("NO CYCLE")
                default: break
                }
            }
            return [SQLStatement("ALTER SEQUENCE \(quote(alter.name)) " + clauses.joined(separator: " "))]
        case let .refresh(name):
            return [SQLStatement("REFRESH MATERIALIZED VIEW \(quote(name))")]
        // spec 1.1: schemas (the new name is bare, as PostgreSQL requires)
        case let .renameSchema(name, to):
            return [SQLStatement("ALTER SCHEMA \(quote(name)) RENAME TO \(quote(to))")]
        }
    }

    private func create(_ object: DatabaseObject) throws(Unsupported) -> [SQLStatement] {
        switch object {
        case let .view(view):
            let query = try text(view.query, "sql", of: "view '\(view.name)'")
            return [SQLStatement("CREATE \(view.materialized ? "MATERIALIZED " : "")VIEW \(quote(view.name)) AS\n\(query)")]
        case let .function(function):
            return [SQLStatement(try functionSQL(function, orReplace: false))]
        case let .trigger(trigger):
            return [SQLStatement(try triggerSQL(trigger))]
        case let .extension(e):
            var sql = "CREATE EXTENSION \(quote(e.name))"
            if let schema = e.schema { sql += " SCHEMA \(quote(schema))" }
            if let version = e.version { sql += " VERSION \(stringLiteral(version))" }
            return [SQLStatement(sql)]
        case let .sequence(s):
            var clauses = sequenceClauses(s.options)
            if let start = s.start { clauses.append("START WITH \(start)") }
            return [SQLStatement("CREATE SEQUENCE \(quote(s.name))" + clauses.map { " " + $0 }.joined())]
        // spec 1.1: schemas
        case let .schema(schema):
            return [SQLStatement("CREATE SCHEMA \(ifNotExists)\(quote(schema.name))")]
        }
    }

    private func drop(_ object: DatabaseObject) throws(Unsupported) -> [SQLStatement] {
        switch object {
        case let .view(view):
            return [SQLStatement("DROP \(view.materialized ? "MATERIALIZED " : "")VIEW \(ifExists)\(quote(view.name))")]
        case let .function(function):
            if dialect == .postgresql {
                let arguments = try text(function.arguments, "arguments", of: "function '\(function.name)'", allowEmpty: true)
                return [SQLStatement("DROP FUNCTION \(ifExists)\(quote(function.name))(\(arguments))")]
            }
            return [SQLStatement("DROP FUNCTION \(ifExists)\(quote(function.name))")]
        case let .trigger(trigger):
            // spec 1.1: schemas. A trigger's name is its table's, never qualified (QualifiedName keys it for the state).
            return [SQLStatement("DROP TRIGGER \(ifExists)\(quote(QualifiedName.unqualified(trigger.name)))" + (dialect == .postgresql ? " ON \(quote(trigger.table))" : ""))]
        case let .extension(e):
            return [SQLStatement("DROP EXTENSION \(ifExists)\(quote(e.name))")]
        case let .sequence(s):
            return [SQLStatement("DROP SEQUENCE \(ifExists)\(quote(s.name))")]
        // spec 1.1: schemas. No CASCADE: validation proved it empty.
        case let .schema(schema):
            return [SQLStatement("DROP SCHEMA \(ifExists)\(quote(schema.name))")]
        }
    }

    /// The dialect's text of a per-dialect field, without a trailing semicolon (the statement gets its own).
    private func text(_ sql: DialectSQL, _ field: String, of what: String, allowEmpty: Bool = false) throws(Unsupported) -> String {
        guard let raw = sql.text(for: dialect) else {
            throw Unsupported("\(what) has no `\(field)` for \(dialect)", fix: "add `\(dialect): ...` or `default: ...` to its `\(field)`")
        }
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines) }
        if text.isEmpty, !allowEmpty { throw Unsupported("the `\(field)` of \(what) is empty for \(dialect)") }
        return text
    }

    private func functionSQL(_ function: FunctionDefinition, orReplace: Bool) throws(Unsupported) -> String {
        let what = "function '\(function.name)'"
        let arguments = try text(function.arguments, "arguments", of: what, allowEmpty: true)
        let returns = try text(function.returns, "returns", of: what)
        guard let rawBody = function.body.text(for: dialect) else {
            throw Unsupported("\(what) has no `body` for \(dialect)", fix: "add `\(dialect): ...` or `default: ...` to its `body`")
        }
        let head = "CREATE \(orReplace ? "OR REPLACE " : "")FUNCTION \(quote(function.name))(\(arguments)) RETURNS \(returns)"
        if dialect == .postgresql {
            // The body between dollar quotes whose tag it does not contain.
            var tag = "$mgen$"
            var n = 0
            while rawBody.contains(tag) { n += 1; tag = "$mgen\(n)$" }
            let body = rawBody.trimmingCharacters(in: .newlines)
            return head + "\nLANGUAGE \(function.language ?? "plpgsql")" + (function.deterministic ? " IMMUTABLE" : "")
                + "\nAS \(tag)\n\(body)\n\(tag)"
        }
        let body = try text(function.body, "body", of: what)
        return head + (function.deterministic ? " DETERMINISTIC" : "") + "\n" + body
    }

    private func triggerSQL(_ trigger: TriggerDefinition) throws(Unsupported) -> String {
        let events = trigger.events.map { $0.rawValue.uppercased() }.joined(separator: " OR ")
        let head = "CREATE TRIGGER \(quote(QualifiedName.unqualified(trigger.name))) \(trigger.timing.sql) \(events) ON \(quote(trigger.table)) FOR EACH \(trigger.forEachRow ? "ROW" : "STATEMENT")"
        switch dialect {
        case .postgresql:
            guard let function = trigger.function else { throw Unsupported("trigger '\(trigger.name)' has no `function` to execute") }
            return head + " EXECUTE FUNCTION \(quote(function))()"
        case .mysql:
            guard let body = trigger.body else { throw Unsupported("trigger '\(trigger.name)' has no `body` for mysql") }
            return head + "\n" + (try text(body, "body", of: "trigger '\(trigger.name)'"))
        case .sqlite:
            guard let body = trigger.body else { throw Unsupported("trigger '\(trigger.name)' has no `body` for sqlite") }
            let statements = try text(body, "body", of: "trigger '\(trigger.name)'")
            let upper = statements.uppercased()
            // SQLite's body is always BEGIN ... END; one written out is kept as it is.
            if upper.hasPrefix("BEGIN"), upper.hasSuffix("END") { return head + "\n" + statements }
            return head + "\nBEGIN\n" + statements + ";\nEND"
        }
    }

    private func sequenceClauses(_ options: SequenceOptions) -> [String] {
        var clauses: [String] = []
        if let v = options.increment { clauses.append("INCREMENT BY \(v)") }
        if let v = options.minValue { clauses.append("MINVALUE \(v)") }
        if let v = options.maxValue { clauses.append("MAXVALUE \(v)") }
        if let v = options.cache { clauses.append("CACHE \(v)") }
        if let v = options.cycle { clauses.append(v ? "CYCLE" : "NO CYCLE") }
        return clauses
    }
}

extension SQLDialect {
    /// SQLite copies a table to change it (mgen's rebuild, Alembic's batch, Django's remake): the
    /// views that read it must go before (RENAME refuses to run while a view names a missing
    /// table), and they and the table's triggers (DROP TABLE takes those along) come back after.
    public func aroundTableCopy(_ table: String, _ context: StepContext) throws(Unsupported) -> (before: [SQLStatement], after: [SQLStatement]) {
        let views = viewsReading(table, in: context.before)
        var before: [SQLStatement] = []
        for view in views.reversed() { before += try objectChange(.drop(kind: .view, name: view.name), context) }
        var after: [SQLStatement] = []
        for view in views where context.after.object(.view, view.name) == view { after += try objectChange(.create(view), context) }
        for trigger in context.after.triggers(on: table) { after += try objectChange(.create(.trigger(trigger)), context) }
        return (before, after)
    }

    /// The views that read a table, directly or through other views, in creation order (a view
    /// after those it reads).
    public func viewsReading(_ table: String, in state: SchemaState) -> [DatabaseObject] {
        var out: [DatabaseObject] = []
        var pending = [table]
        var seen: Set<String> = []
        while let name = pending.first {
            pending.removeFirst()
            for user in state.objectsReading(table: name) where user.kind.namespace == "view" && seen.insert(user.name).inserted {
                out.append(user)
                pending.append(user.name)
            }
        }
        return out
    }
}
