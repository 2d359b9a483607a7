/// Spec 1.1: reading `create_view`, `create_function`, `create_trigger`, `create_extension`,
/// `create_sequence` and their replace / alter / drop steps.
extension OperationParser {
    static let objectFields: [String: [String]] = [
        "create_view": ["name", "sql", "materialized", "depends_on"],
        "replace_view": ["name", "sql", "materialized", "depends_on"],
        "drop_view": ["name"],
        "refresh_materialized_view": ["name"],
        "create_function": ["name", "arguments", "returns", "language", "body", "deterministic"],
        "replace_function": ["name", "arguments", "returns", "language", "body", "deterministic"],
        "drop_function": ["name"],
        "create_trigger": ["name", "table", "timing", "events", "for_each", "function", "body"],
        "drop_trigger": ["name"],
        "create_extension": ["name", "schema", "version"],
        "drop_extension": ["name"],
        "create_sequence": ["name", "start", "increment", "min_value", "max_value", "cache", "cycle"],
        "alter_sequence": ["name", "increment", "min_value", "max_value", "cache", "cycle"],
        "drop_sequence": ["name"],
        // spec 1.1: schemas (Ops/Schemas.swift)
        "create_schema": ["name"],
        "drop_schema": ["name"],
        "rename_schema": ["name", "to"],
    ]

    static func objectChange(_ kind: String, _ f: Fields) -> Operation? {
        guard var name = f.name("name") else { return nil }
        // spec 1.1: schemas. A view's or a sequence's `schema:` keys its name (Ops/Schemas.swift).
        if schemaQualifiedObjectKinds.contains(kind) { name = f.inSchema(name) }
        let change: ObjectChange?
        switch kind {
        case "create_view", "replace_view":
            guard let query = text(f, "sql", what: "the view's SELECT") else { return nil }
            let view = ViewDefinition(name: name, query: query, materialized: f.bool("materialized") ?? false,
                                      dependsOn: f.stringList("depends_on"))
            change = kind == "create_view" ? .create(.view(view)) : .replace(.view(view))
        case "drop_view": change = .drop(kind: .view, name: name)
        case "refresh_materialized_view": change = .refresh(name: name)
        case "create_function", "replace_function":
            guard let returns = text(f, "returns", what: "the return type"), let body = text(f, "body", what: "the function's body") else { return nil }
            let arguments = f.node("arguments").flatMap { dialectSQL($0, sink: f.sink) } ?? DialectSQL("")
            let function = FunctionDefinition(name: name, arguments: arguments, returns: returns, language: f.string("language"),
                                              body: body, deterministic: f.bool("deterministic") ?? false)
            change = kind == "create_function" ? .create(.function(function)) : .replace(.function(function))
        case "drop_function": change = .drop(kind: .function, name: name)
        case "create_trigger": change = trigger(name, f).map { .create(.trigger($0)) }
        case "drop_trigger": change = .drop(kind: .trigger, name: name)
        case "create_extension":
            change = .create(.extension(ExtensionDefinition(name: name, schema: f.name("schema", required: false), version: f.string("version"))))
        case "drop_extension": change = .drop(kind: .extension, name: name)
        case "create_sequence":
            change = .create(.sequence(SequenceDefinition(name: name, start: f.int("start").map(Int64.init), options: sequenceOptions(f))))
        case "alter_sequence":
            let options = sequenceOptions(f)
            if options.setNames.isEmpty {
                f.sink.error("alter_sequence changes nothing", at: f.location("name"),
                             fix: "set one of \(SequenceOptions.names.joined(separator: ", "))")
                return nil
            }
            change = .alterSequence(SequenceAlter(name: name, set: options))
        case "drop_sequence": change = .drop(kind: .sequence, name: name)
        // spec 1.1: schemas
        case "create_schema", "drop_schema", "rename_schema": return schemaStep(kind, f)
        default: change = nil
        }
        return change.map { .object($0) }
    }

    /// Required SQL text (or per-dialect texts), none of them empty.
    private static func text(_ f: Fields, _ key: String, what: String) -> DialectSQL? {
        guard let node = f.node(key) else {
            f.sink.error("missing required field '\(key)' in \(f.context)", at: f.sink.location(f.node), fix: "add `\(key): <\(what)>`")
            return nil
        }
        guard let sql = dialectSQL(node, sink: f.sink) else { return nil }
        if sql.byDialect.isEmpty || sql.byDialect.values.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
            f.sink.error("'\(key)' in \(f.context) is empty", at: f.location(key), fix: "write \(what)")
            return nil
        }
        return sql
    }

    private static func sequenceOptions(_ f: Fields) -> SequenceOptions {
        SequenceOptions(increment: f.int("increment").map(Int64.init), minValue: f.int("min_value").map(Int64.init),
                        maxValue: f.int("max_value").map(Int64.init), cache: f.int("cache").map(Int64.init), cycle: f.bool("cycle"))
    }

    /// A trigger's `function`: a name (of the default schema), or `{schema, name}` (spec 1.1:
    /// schemas) for one of another schema, keyed as the state keys it.
    private static func triggerFunction(_ f: Fields) -> String? {
        guard let node = f.node("function") else { return nil }
        guard case .mapping = node else { return f.name("function", required: false) }
        let r = Fields(node, context: "a trigger's function", allowed: ["name", "schema"], sink: f.sink)
        guard let name = r.name("name") else { return nil }
        return r.inSchema(name)
    }

    private static func trigger(_ name: String, _ f: Fields) -> TriggerDefinition? {
        guard let table = f.name("table"), let timingText = f.string("timing", required: true),
              let eventTexts = f.stringList("events", required: true) else { return nil }
        guard let timing = TriggerDefinition.Timing(rawValue: timingText.lowercased().replacingOccurrences(of: " ", with: "_")) else {
            f.sink.error("unknown trigger timing '\(timingText)'", at: f.location("timing"),
                         fix: "timing: \(TriggerDefinition.Timing.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        var events: [TriggerDefinition.Event] = []
        for text in eventTexts {
            guard let event = TriggerDefinition.Event(rawValue: text.lowercased()) else {
                f.sink.error("unknown trigger event '\(text)'", at: f.location("events"), fix: "events: insert, update, delete")
                return nil
            }
            if !events.contains(event) { events.append(event) }
        }
        var forEachRow = true
        if let each = f.string("for_each") {
            switch each.lowercased() {
            case "row": forEachRow = true
            case "statement": forEachRow = false
            default:
                f.sink.error("for_each must be row or statement", at: f.location("for_each"))
                return nil
            }
        }
        let function = triggerFunction(f)
        let body = f.node("body").flatMap { dialectSQL($0, sink: f.sink) }
        if function == nil, body == nil {
            f.sink.error("a trigger needs what it runs: `function` (PostgreSQL) or `body` (MySQL, SQLite)", at: f.location("name"),
                         fix: "add `function: <a returns: trigger function>` for PostgreSQL and/or `body: {mysql: ..., sqlite: ...}`")
            return nil
        }
        return TriggerDefinition(name: name, table: table, timing: timing, events: events, forEachRow: forEachRow,
                                 function: function, body: body)
    }
}
