import MGenSpec

/// Spec 1.1: the generator's views, functions, triggers, extensions and sequences. Proposals
/// need not know what each dialect accepts: the chain is kept only if mgen loads, validates and
/// renders it (a materialized view on MySQL, a sequence on SQLite are simply not kept).
extension Proposer {
    mutating func objectStep() -> [GeneratedOperation] {
        var menu: [() -> [GeneratedOperation]] = []
        let views = state.objects.filter { $0.kind.namespace == "view" }
        let triggers = state.objects.compactMap { if case let .trigger(t) = $0 { t } else { nil } }
        let functions = state.objects.compactMap { if case let .function(f) = $0 { f } else { nil } }
        let sequences = state.objects.compactMap { if case let .sequence(s) = $0 { s } else { nil } }
        let extensions = state.objects.compactMap { if case let .extension(e) = $0 { e } else { nil } }
        var me = self
        // Changes of what exists weigh more than new objects, so drops and replaces are common.
        func twice(_ step: @escaping () -> [GeneratedOperation]) { menu.append(step); menu.append(step); menu.append(step) }
        if has(.views) {
            menu.append { me.createView() }
            if let view = me.rng.pick(views) {
                twice { me.replaceView(view) }
                twice { [me.op("drop_view", [("name", .string(view.name))])] }
            }
            if let view = me.rng.pick(views.filter { $0.kind == .materializedView }) {
                twice { [me.op("refresh_materialized_view", [("name", .string(view.name))])] }
            }
        }
        if has(.triggers) {
            menu.append { me.createTrigger() }
            if let trigger = me.rng.pick(triggers) {
                twice { [me.op("drop_trigger", [("name", .string(trigger.name))])] }
                // The trigger and its function together, as a user retires both.
                if let function = trigger.function, !triggers.contains(where: { $0.name != trigger.name && $0.function == function }) {
                    twice { [me.op("drop_trigger", [("name", .string(trigger.name))]), me.op("drop_function", [("name", .string(function))])] }
                }
            }
            let unused = functions.filter { f in !triggers.contains { $0.function == f.name } }
            if let function = me.rng.pick(unused) { menu.append { [me.op("drop_function", [("name", .string(function.name))])] } }
            if let function = me.rng.pick(functions) {
                // Another body that does the same: the rows every cell sees stay alike.
                let body = function.body.text(for: .postgresql) == Self.triggerBody ? Self.otherTriggerBody : Self.triggerBody
                twice { [me.op("replace_function", [("name", .string(function.name)), ("returns", .string("trigger")), ("body", .string(body))])] }
            }
        }
        if has(.sequences) {
            menu.append { me.createSequence() }
            if let sequence = me.rng.pick(sequences) {
                twice { [me.op("alter_sequence", [("name", .string(sequence.name)), ("increment", .number(String(2 + me.rng.below(5)))),
                                                        ("max_value", me.rng.chance(50) ? .number("100000") : nil)])] }
                menu.append { [me.op("drop_sequence", [("name", .string(sequence.name))])] }
            }
        }
        if has(.extensions) {
            if let name = me.rng.pick(["pg_trgm", "citext"].filter { n in !extensions.contains { $0.name == n } }) {
                menu.append { [me.op("create_extension", [("name", .string(name))])] }
            }
            if let e = me.rng.pick(extensions) { menu.append { [me.op("drop_extension", [("name", .string(e.name))])] } }
        }
        guard !menu.isEmpty else { return [] }
        let pick = me.rng.below(menu.count)
        let out = menu[pick]()
        rng = me.rng
        return out
    }

    /// A name free in PostgreSQL's relation namespace (tables, indexes, views, sequences) and
    /// among functions and triggers.
    mutating func freeObjectName(_ base: String) -> String {
        fresh(base) { name in
            state.table(name) == nil && state.index(name) == nil && state.constraintOwner(name) == nil
                && !state.objects.contains { $0.name == name }
        }
    }

    mutating func createView() -> [GeneratedOperation] {
        guard let table = pickTable(), !table.columns.isEmpty else { return [] }
        let count = 1 + rng.below(min(2, table.columns.count))
        var columns: [String] = []
        for _ in 0..<count { if let c = rng.pick(table.columns.map(\.name)), !columns.contains(c) { columns.append(c) } }
        // spec 1.1: schemas. In a schema of the chain now and then (feature `schemas`).
        let name = freeObjectName(inSchema("v_\(QualifiedName.unqualified(table.name).lowercased().prefix(30))"))
        let sql = "SELECT \(columns.map(q).joined(separator: ", ")) FROM \(q(table.name))"
        let materialized = has(.sequences) && rng.chance(40)  // PostgreSQL only: the renderer refuses it elsewhere
        return [op("create_view", [("name", .string(name)), ("sql", .string(sql)), ("materialized", materialized ? .bool(true) : nil)])]
    }

    mutating func replaceView(_ view: DatabaseObject) -> [GeneratedOperation] {
        guard case let .view(definition) = view else { return [] }
        let text = definition.query.text(for: dialect) ?? "SELECT 1"
        // The same columns, the rows in another order: a new body for the same columns.
        let sql = text.contains(" WHERE 1 = 1") ? text.replacingOccurrences(of: " WHERE 1 = 1", with: "") : text + " WHERE 1 = 1"
        return [op("replace_view", [("name", .string(definition.name)), ("sql", .string(sql)),
                                    ("materialized", definition.materialized ? .bool(true) : nil)])]
    }

    mutating func createTrigger() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        // spec 1.1: schemas. The function in a schema of the chain now and then; the trigger lives
        // with its table (keyed with the table's schema).
        let bare = QualifiedName.unqualified(table.name).lowercased().prefix(30)
        let function = freeObjectName(inSchema("f_\(bare)"))
        let trigger = fresh(QualifiedName(schema: QualifiedName.schema(of: table.name), name: "t_\(bare)").key) { n in
            n != function && !state.objects.contains { $0.name == n } && state.table(n) == nil
        }
        let timing = rng.pick(["before", "after"]) ?? "after"
        let event = rng.pick(["insert", "update", "delete"]) ?? "insert"
        // A trigger that changes nothing, so seeded rows and every framework see the same data.
        let body = Self.triggerBody
        return [
            op("create_function", [("name", .string(function)), ("returns", .string("trigger")), ("body", .string(body))]),
            op("create_trigger", [("name", .string(trigger)), ("table", .string(table.name)), ("timing", .string(timing)),
                                  ("events", .list([.string(event)])), ("function", .string(function)),
                                  ("body", .map([("mysql", .string("SET @mgen_fired = 1")), ("sqlite", .string("SELECT 1"))]))]),
        ]
    }

    static let triggerBody = "BEGIN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END;"
    static let otherTriggerBody = "BEGIN IF TG_OP <> 'DELETE' THEN RETURN NEW; END IF; RETURN OLD; END;"

    mutating func createSequence() -> [GeneratedOperation] {
        let name = freeObjectName(inSchema("seq_\(specID)"))
        return [op("create_sequence", [("name", .string(name)), ("start", rng.chance(50) ? .number("100") : nil),
                                       ("increment", rng.chance(50) ? .number("5") : nil), ("cycle", rng.chance(20) ? .bool(true) : nil)])]
    }
}
