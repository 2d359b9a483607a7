import MGenSpec

/// Spec 1.1: views, functions, triggers, extensions and sequences written back as spec YAML
/// (the fields OperationParser reads).
extension SpecWriter {
    static func objectBody(_ change: ObjectChange) -> Value {
        switch change {
        case let .create(object), let .replace(object):
            return objectFields(object)
        case let .drop(_, name), let .refresh(name):
            return .map([("name", .string(name))])
        case let .alterSequence(alter):
            return .map([("name", .string(alter.name))] + sequenceFields(alter.set))
        // spec 1.1: schemas
        case let .renameSchema(name, to):
            return .map([("name", .string(name)), ("to", .string(to))])
        }
    }

    private static func objectFields(_ object: DatabaseObject) -> Value {
        var pairs: [(String, Value)] = [("name", .string(object.name))]
        switch object {
        case let .view(v):
            pairs.append(("sql", dialectSQL(v.query)))
            if v.materialized { pairs.append(("materialized", .plain("true"))) }
            if let deps = v.dependsOn { pairs.append(("depends_on", .list(deps.map { .string($0) }))) }
        case let .function(f):
            if f.arguments.byDialect.values.contains(where: { !$0.isEmpty }) { pairs.append(("arguments", dialectSQL(f.arguments))) }
            pairs.append(("returns", dialectSQL(f.returns)))
            if let language = f.language { pairs.append(("language", .string(language))) }
            pairs.append(("body", dialectSQL(f.body)))
            if f.deterministic { pairs.append(("deterministic", .plain("true"))) }
        case let .trigger(t):
            pairs += [("table", .string(t.table)), ("timing", .string(t.timing.rawValue)),
                      ("events", .list(t.events.map { .string($0.rawValue) }))]
            if !t.forEachRow { pairs.append(("for_each", .string("statement"))) }
            if let function = t.function { pairs.append(("function", qualified(function, key: "name"))) }
            if let body = t.body { pairs.append(("body", dialectSQL(body))) }
        case let .extension(e):
            if let schema = e.schema { pairs.append(("schema", .string(schema))) }
            if let version = e.version { pairs.append(("version", .string(version))) }
        case let .sequence(s):
            if let start = s.start { pairs.append(("start", .plain(String(start)))) }
            pairs += sequenceFields(s.options)
        // spec 1.1: schemas: the name is all
        case .schema:
            break
        }
        return .map(pairs)
    }

    /// spec 1.1: schemas. A name the step refers to (a trigger's function, an update's `from`):
    /// bare for the default schema's, `{schema, <key>}` for one of another schema (not the step's
    /// own `schema:`, which is its table's or name's).
    static func qualified(_ name: String, key: String) -> Value {
        guard QualifiedName.isQualified(name) else { return .string(name) }
        let q = QualifiedName(name)
        return .map([("schema", .string(q.schema ?? "")), (key, .string(q.name))])
    }

    private static func sequenceFields(_ o: SequenceOptions) -> [(String, Value)] {
        var pairs: [(String, Value)] = []
        if let v = o.increment { pairs.append(("increment", .plain(String(v)))) }
        if let v = o.minValue { pairs.append(("min_value", .plain(String(v)))) }
        if let v = o.maxValue { pairs.append(("max_value", .plain(String(v)))) }
        if let v = o.cache { pairs.append(("cache", .plain(String(v)))) }
        if let v = o.cycle { pairs.append(("cycle", .plain(v ? "true" : "false"))) }
        return pairs
    }
}
