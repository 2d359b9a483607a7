import Foundation
import MGenSpec

/// spec 1.1: `new --from-db` for enum types and the objects beside tables. Objects that go or
/// change, and those that read a table that changes, are dropped before the tables change
/// (dependents first) and made again after, from the database's definitions; enum types are
/// made before the tables that use them and dropped after.
extension SchemaDiff.Planner {
    /// Text compared without what the catalog prints differently (quotes, case, spacing,
    /// `table.` qualifiers, a trailing semicolon).
    static func comparable(_ text: String?) -> String {
        guard var t = text?.lowercased() else { return "" }
        t = t.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "`", with: "")
        t = t.replacingOccurrences(of: #"\b[a-z_][a-z0-9_]*\."#, with: "", options: .regularExpression)
        t = t.replacingOccurrences(of: #"[\s();]+"#, with: " ", options: .regularExpression)
        return t.trimmingCharacters(in: .whitespaces)
    }

    func same(_ a: DatabaseObject, _ b: DatabaseObject) -> Bool {
        let d = dialect
        switch (a, b) {
        case let (.view(x), .view(y)):
            return x.materialized == y.materialized && Self.comparable(x.query.text(for: d)) == Self.comparable(y.query.text(for: d))
        case let (.function(x), .function(y)):
            return Self.comparable(x.returns.text(for: d)) == Self.comparable(y.returns.text(for: d))
                && Self.comparable(x.arguments.text(for: d)) == Self.comparable(y.arguments.text(for: d))
                && Self.comparable(x.body.text(for: d)) == Self.comparable(y.body.text(for: d))
                && (x.language ?? "plpgsql") == (y.language ?? "plpgsql") && x.deterministic == y.deterministic
        case let (.trigger(x), .trigger(y)):
            guard x.table == y.table, x.timing == y.timing, Set(x.events) == Set(y.events), x.forEachRow == y.forEachRow else { return false }
            if d == .postgresql { return x.function == y.function }
            return Self.comparable(x.body?.text(for: d)) == Self.comparable(y.body?.text(for: d))
        case let (.extension(x), .extension(y)):
            return x.name == y.name && x.schema == y.schema
        case let (.sequence(x), .sequence(y)):
            return x.options == y.options && x.start == y.start
        default:
            return false
        }
    }

    /// A function that exists only as a trigger's stand-in outside PostgreSQL (never in the database).
    func standIn(_ object: DatabaseObject) -> Bool {
        if dialect != .postgresql, case let .function(f) = object, f.isTriggerFunction { return true }
        return false
    }

    /// Tables whose definition differs between the state and the database.
    func changedTables() -> Set<String> {
        var out: Set<String> = []
        for name in Set(state.tableNames).union(target.tableNames) {
            let a = state.table(name).map(normal), b = target.table(name).map(normal)
            if a != b || Set(state.indexes(on: name).map(normalIndex)) != Set(target.indexes(on: name).map(normalIndex)) { out.insert(name) }
        }
        return out
    }

    /// Before anything (renames too): objects that go, change or read a changing table dropped
    /// (triggers, then views that no other remaining view reads).
    mutating func planObjectDrops() throws(DiagnosticError) {
        let changing = changedTables()
        func goes(_ object: DatabaseObject) -> Bool {
            if standIn(object) { return false }
            guard let new = target.object(object.kind, object.name), same(object, new) else { return true }
            return state.dependencies(of: object.kind, object.name).contains { dep in
                changing.contains(String(dep.split(separator: ".").first ?? ""))
            }
        }
        for object in state.objects where object.kind == .trigger && goes(object) {
            try emit(.object(.drop(kind: .trigger, name: object.name)))
        }
        var views = state.objects.filter { $0.kind.namespace == "view" && goes($0) }
        // A view another view reads goes after it (or after the one that reads it goes).
        while !views.isEmpty {
            guard let free = views.firstIndex(where: { v in !state.objectsUsing(v.name).contains { $0.kind.namespace == "view" } }) else {
                throw DiagnosticError(Diagnostic("views read each other in a cycle: \(views.map(\.name).joined(separator: ", "))", object: "new --from-db",
                                                 fix: "drop the views by hand in a spec of their own"))
            }
            try emit(.object(.drop(kind: views[free].kind, name: views[free].name)))
            views.remove(at: free)
        }
    }

    /// Then: the enum types the database has and the state not, the values added to the others;
    /// extensions, sequences and functions that are new or changed made.
    mutating func planObjectsBefore() throws(DiagnosticError) {
        // spec 1.1: schemas first (their enum types, sequences and tables come after)
        for object in target.objects where object.kind == .schema && state.object(.schema, object.name) == nil {
            try emit(.object(.create(object)))
        }
        for name in target.enumTypeNames {
            guard let values = target.enumValues(name) else { continue }
            guard let old = state.enumValues(name) else {
                try emit(.createEnumType(name: name, values: values))
                continue
            }
            for (k, value) in values.enumerated() where !old.contains(value) {
                try emit(.addEnumValue(type: name, value: value, placement: k == 0 ? (values.count > 1 ? .before(values[1]) : .end) : .after(values[k - 1])))
            }
        }
        for object in state.objects where [.function, .sequence, .extension].contains(object.kind) {
            guard !standIn(object), let new = target.object(object.kind, object.name), !same(object, new) else { continue }
            if case .function = object {
                try emit(.object(.replace(new)))
            } else {
                try emit(.object(.drop(kind: object.kind, name: object.name)))
                try emit(.object(.create(new)))
            }
        }
        for kind in [ObjectKind.extension, .sequence, .function] {
            for object in target.objects where object.kind == kind && state.object(kind, object.name) == nil {
                try emit(.object(.create(object)))
            }
        }
    }

    /// Last: views (each after the views it reads) and triggers of the database the state lacks;
    /// functions, sequences and extensions that went; enum values and types that went.
    mutating func planObjectsAfter() throws(DiagnosticError) {
        var views = target.objects.filter { $0.kind.namespace == "view" && state.object(.view, $0.name) == nil }
        while !views.isEmpty {
            let names = Set(views.map(\.name))
            let ready = views.firstIndex { v in !target.dependencies(of: v.kind, v.name).contains { names.contains($0) && $0 != v.name } } ?? 0
            try emit(.object(.create(views[ready])))
            views.remove(at: ready)
        }
        for object in target.objects where object.kind == .trigger && state.object(.trigger, object.name) == nil {
            try emit(.object(.create(object)))
        }
        for kind in [ObjectKind.function, .sequence, .extension] {
            for object in state.objects where object.kind == kind && target.object(kind, object.name) == nil && !standIn(object) {
                try emit(.object(.drop(kind: kind, name: object.name)))
            }
        }
        // Outside PostgreSQL the database holds no enum types (their values are inlined in the
        // columns): the specs' types are not the database's to drop.
        for name in state.enumTypeNames where dialect == .postgresql {
            guard let values = target.enumValues(name) else {
                try emit(.dropEnumType(name: name))
                continue
            }
            for value in state.enumValues(name) ?? [] where !values.contains(value) { try emit(.dropEnumValue(type: name, value: value)) }
        }
        // spec 1.1: schemas last (their tables, enum types, sequences and views went before)
        for object in state.objects where object.kind == .schema && target.object(.schema, object.name) == nil {
            try emit(.object(.drop(kind: .schema, name: object.name)))
        }
    }
}
