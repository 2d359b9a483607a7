import MGenSpec

/// spec 1.1: PostgreSQL's `CREATE [OR REPLACE] [MATERIALIZED] VIEW`, `CREATE TRIGGER`,
/// `CREATE EXTENSION` and the drops of views, triggers, extensions, functions and sequences the
/// state knows, read as object operations where they say exactly the same thing.
extension PostgresReader.Reader {
    typealias ONode = PostgresReader.Node

    /// The query after the statement's first `AS` (the view's SELECT, as written).
    func queryAfterAs() throws(KeepRaw) -> String {
        guard let keyword = tokens.tokens.indices.first(where: { tokens.isWord($0, "AS") }), keyword + 1 < tokens.tokens.count,
              let last = tokens.tokens.last else { throw KeepRaw(reason: "AS not found in the text") }
        var text = tokens.text(from: tokens.tokens[keyword + 1].start, to: last.end)
        while text.hasSuffix(";") { text.removeLast() }
        return text
    }

    func createView(_ body: ONode) throws(KeepRaw) -> [Operation] {
        let name = try relation(body, key: "view")
        for key in ["aliases", "options"] where body[key] != nil { throw KeepRaw(reason: "view \(key == "aliases" ? "column names" : "options")") }
        if let check = body["withCheckOption"] as? String, check != "NO_CHECK_OPTION" { throw KeepRaw(reason: "WITH CHECK OPTION") }
        let view = ViewDefinition(name: name, query: DialectSQL(["postgresql": try queryAfterAs()]))
        if body["replace"] as? Bool == true, state.object(.view, name) != nil { return [.object(.replace(.view(view)))] }
        return [.object(.create(.view(view)))]
    }

    func createMaterializedView(_ body: ONode) throws(KeepRaw) -> [Operation] {
        guard body["objtype"] as? String == "OBJECT_MATVIEW", let into = body["into"] as? ONode else { throw KeepRaw(reason: "CREATE TABLE AS: no spec operation") }
        if into["skipData"] as? Bool == true { throw KeepRaw(reason: "WITH NO DATA") }
        for key in ["colNames", "options", "tableSpaceName"] where into[key] != nil { throw KeepRaw(reason: "materialized view \(key)") }
        if body["if_not_exists"] as? Bool == true { throw KeepRaw(reason: "IF NOT EXISTS") }
        let name = try relation(into, key: "rel")
        return [.object(.create(.view(ViewDefinition(name: name, query: DialectSQL(["postgresql": try queryAfterAs()]), materialized: true))))]
    }

    func createTrigger(_ body: ONode) throws(KeepRaw) -> [Operation] {
        guard let name = body["trigname"] as? String else { throw KeepRaw(reason: "trigger without a name") }
        for key in ["args", "columns", "whenClause", "transitionRels"] where body[key] != nil { throw KeepRaw(reason: "trigger \(key)") }
        if body["isconstraint"] as? Bool == true || body["replace"] as? Bool == true { throw KeepRaw(reason: "CONSTRAINT or OR REPLACE trigger") }
        // spec 1.1: schemas. A trigger lives with its table (its name keyed by the table's schema);
        // the function it executes may be of another schema (`function: {schema, name}`).
        let table = try relation(body)
        let key = QualifiedName(table).sibling(name).key
        let functionName = try Self.functionKey(PostgresReader.strings(body["funcname"]))
        let timingBits = body["timing"] as? Int ?? 0
        let timing: TriggerDefinition.Timing = timingBits & 64 != 0 ? .insteadOf : timingBits & 2 != 0 ? .before : .after
        let eventBits = body["events"] as? Int ?? 0
        if eventBits & 32 != 0 { throw KeepRaw(reason: "TRUNCATE trigger") }
        var events: [TriggerDefinition.Event] = []
        if eventBits & 4 != 0 { events.append(.insert) }
        if eventBits & 16 != 0 { events.append(.update) }
        if eventBits & 8 != 0 { events.append(.delete) }
        guard !events.isEmpty else { throw KeepRaw(reason: "trigger events") }
        return [.object(.create(.trigger(TriggerDefinition(name: key, table: table, timing: timing, events: events,
                                                           forEachRow: body["row"] as? Bool ?? false, function: functionName))))]
    }

    func createExtension(_ body: ONode) throws(KeepRaw) -> [Operation] {
        guard let name = body["extname"] as? String else { throw KeepRaw(reason: "extension without a name") }
        if body["if_not_exists"] as? Bool == true { throw KeepRaw(reason: "IF NOT EXISTS") }
        var e = ExtensionDefinition(name: name)
        for node in body["options"] as? [ONode] ?? [] {
            guard let def = node["DefElem"] as? ONode, let option = def["defname"] as? String,
                  let value = ((def["arg"] as? ONode)?["String"] as? ONode)?["sval"] as? String else { throw KeepRaw(reason: "extension option") }
            switch option {
            case "schema": e.schema = value
            case "new_version": e.version = value
            default: throw KeepRaw(reason: "extension option \(option)")
            }
        }
        return [.object(.create(.extension(e)))]
    }

    /// `REFRESH MATERIALIZED VIEW [schema.]v` (not CONCURRENTLY, not WITH NO DATA: the spec's
    /// refresh has neither).
    func refreshMaterializedView(_ body: ONode) throws(KeepRaw) -> [Operation] {
        if body["concurrent"] as? Bool == true { throw KeepRaw(reason: "CONCURRENTLY (refresh_materialized_view has no such field)") }
        if body["skipData"] as? Bool == true { throw KeepRaw(reason: "WITH NO DATA") }
        let name = try relation(body)
        guard case let .view(view)? = state.object(.view, name), view.materialized else {
            throw KeepRaw(reason: "a materialized view the spec does not know")
        }
        return [.object(.refresh(name: name))]
    }

    /// `DROP VIEW / MATERIALIZED VIEW / TRIGGER … ON t / EXTENSION / FUNCTION / SEQUENCE` of objects
    /// the state knows; spec 1.1: schemas, a view or sequence of another schema by its key.
    func dropObjects(_ body: ONode, kind: ObjectKind) throws(KeepRaw) -> [Operation] {
        if body["missing_ok"] as? Bool == true { throw KeepRaw(reason: "IF EXISTS") }
        return try (body["objects"] as? [ONode] ?? []).map { object throws(KeepRaw) -> Operation in
            let name: String?
            switch kind {
            case .trigger:
                // `t ON [schema.]table`: the state's trigger of that name must be on that table.
                // spec 1.1: schemas. The trigger is keyed by its table's schema.
                let parts = PostgresReader.names(of: object)
                guard parts.count == 2 || parts.count == 3, let trigger = parts.last else {
                    throw KeepRaw(reason: "a trigger the spec does not know on that table")
                }
                let table = QualifiedName(schema: parts.count == 3 ? parts[0] : nil, name: parts[parts.count - 2])
                let key = table.sibling(trigger).key
                guard case let .trigger(known)? = state.object(.trigger, key), known.table == table.key else {
                    throw KeepRaw(reason: "a trigger the spec does not know on that table")
                }
                name = key
            case .function:
                // spec 1.1: schemas. `billing.f()` is the state's function keyed so.
                name = try Self.functionKey(PostgresReader.strings((object["ObjectWithArgs"] as? ONode)?["objname"]))
            case .extension: name = (object["String"] as? ONode)?["sval"] as? String
            default:
                let parts = PostgresReader.names(of: object)
                switch parts.count {
                case 1: name = parts[0]
                case 2: name = QualifiedName(schema: parts[0], name: parts[1]).key
                default: name = nil
                }
            }
            guard let name, state.object(kind, name) != nil else { throw KeepRaw(reason: "a \(kind.word) the spec does not know") }
            return .object(.drop(kind: kind, name: name))
        }
    }
}
