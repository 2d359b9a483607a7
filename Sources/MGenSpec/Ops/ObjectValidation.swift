/// Spec 1.1: validation of views, functions, triggers, extensions and sequences against the
/// replayed state, and of the steps that would pull a table, column, view or function out from
/// under an object that uses it (a clear error here instead of the database's at run time).
extension Validator {
    /// The field an object operation's name is written in.
    private static let nameField = "name"

    mutating func checkObject(_ change: ObjectChange) {
        switch change {
        case let .create(object):
            if state.object(object.kind, object.name) != nil {
                error("a \(existingWord(object.kind, object.name)) named '\(object.name)' already exists", field: Self.nameField,
                      fix: "choose another name, or use replace_\(object.kind == .materializedView ? "view" : object.kind.rawValue) to change it")
            } else if [.view, .materializedView, .sequence].contains(object.kind), state.table(object.name) != nil
                        || state.index(object.name) != nil || state.constraintOwner(object.name) != nil
                        || (object.kind == .sequence && state.object(.view, object.name) != nil)
                        || (object.kind != .sequence && state.object(.sequence, object.name) != nil) {
                // PostgreSQL keeps tables, views, sequences and indexes (those of keys too) in one
                // namespace, and MySQL tables and views.
                error("'\(object.name)' is already the name of a table, index, constraint, view or sequence", field: Self.nameField, fix: "choose another name")
            }
            checkParts(object)
        case let .replace(object):
            guard let existing = requireObject(object.kind, object.name) else { return }
            if existing.kind != object.kind {
                error("'\(object.name)' is a \(existing.kind.word), not a \(object.kind.word)", field: "materialized",
                      fix: existing.kind == .materializedView ? "add `materialized: true`" : "drop it and create the other kind of view")
            }
            if case .view = object { requireNoDependents(object.name, what: "view '\(object.name)'", by: "replace_view drops and recreates it") }
            checkParts(object)
        case let .drop(kind, name):
            guard requireObject(kind, name) != nil else { return }
            switch kind {
            case .view, .materializedView: requireNoDependents(name, what: "view '\(name)'", by: "dropping it")
            case .function: requireNoDependents("function:" + name, what: "function '\(name)'", by: "dropping it")
            default: break
            }
        case let .alterSequence(alter):
            requireObject(.sequence, alter.name)
        // spec 1.1: schemas (Ops/Schemas.swift)
        case let .renameSchema(name, to):
            checkSchemaRename(name, to: to)
        case let .refresh(name):
            guard let object = requireObject(.view, name) else { return }
            if object.kind != .materializedView {
                error("'\(name)' is a view, not a materialized view: only a materialized view is refreshed", field: Self.nameField,
                      fix: "remove the step (a view always reads its tables)")
            }
        }
    }

    private func existingWord(_ kind: ObjectKind, _ name: String) -> String {
        state.object(kind, name)?.kind.word ?? kind.word
    }

    /// The object, or an error naming the closest existing one and how to list them.
    @discardableResult
    mutating func requireObject(_ kind: ObjectKind, _ name: String, field: String = Self.nameField) -> DatabaseObject? {
        if let object = state.object(kind, name) { return object }
        let names = state.objectNames(kind)
        // spec 1.1: schemas. The same name in another schema is the likeliest meant.
        let bare = QualifiedName.unqualified(name)
        let hint = names.first { $0 != name && QualifiedName.unqualified($0) == bare }.map { " (did you mean '\($0)'?)" } ?? suggestion(name, names)
        error("unknown \(kind == .materializedView ? "view" : kind.word) '\(name)'\(hint)", field: field,
              fix: names.isEmpty ? "there are none: create it first with create_\(kind == .materializedView ? "view" : kind.rawValue)"
                  : "\(kind.namespace)s: \(names.joined(separator: ", "))")
        return nil
    }

    private mutating func checkParts(_ object: DatabaseObject) {
        switch object {
        case let .view(view):
            for dependency in view.dependsOn ?? [] {
                let parts = dependency.split(separator: ".", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    guard let table = requireTable(parts[0], field: "depends_on") else { continue }
                    if table.column(parts[1]) == nil {
                        error("view '\(view.name)' depends on unknown column '\(dependency)'", field: "depends_on",
                              fix: "columns of \(table.name): \(table.columns.map(\.name).joined(separator: ", "))")
                    }
                } else if state.table(dependency) == nil, state.object(.view, dependency) == nil {
                    error("view '\(view.name)' depends on unknown table or view '\(dependency)'\(suggestion(dependency, state.tableNames + state.objectNames(.view)))",
                          field: "depends_on", fix: "write `table` or `table.column` of a table the view reads")
                }
            }
        case let .trigger(trigger):
            if state.table(trigger.table) == nil, state.object(.view, trigger.table) == nil {
                requireTable(trigger.table)
            } else if state.table(trigger.table) == nil, trigger.timing != .insteadOf {
                error("trigger '\(trigger.name)' is on view '\(trigger.table)': a trigger on a view must be `timing: instead_of`", field: "timing")
            }
            if let function = trigger.function {
                if case let .function(definition)? = state.object(.function, function) {
                    if let returns = definition.returns.text(for: .postgresql), returns.lowercased() != "trigger" {
                        error("function '\(function)' returns \(returns), but a trigger's function must return trigger", field: "function",
                              fix: "create the function with `returns: trigger`")
                    }
                } else {
                    requireObject(.function, function, field: "function")
                }
            }
        case .function, .extension, .sequence:
            break
        // spec 1.1: schemas (emptiness on drop: Ops/Schemas.swift)
        case .schema:
            break
        }
    }

    /// An error per object that uses `name` (a table, `table.column`, a view, `function:f`).
    private mutating func requireNoDependents(_ name: String, what: String, by doing: String, field: String = "name",
                                              skipTriggers: Bool = false) {
        for user in state.objectsUsing(name) {
            if skipTriggers, case .trigger = user { continue }
            let undo: String
            switch user {
            case .view: undo = "drop the view first (drop_view: {name: \(user.name)}) and create it again after"
                + (name.contains(".") ? ", or give the view a `depends_on` list without it" : "")
            case let .trigger(t): undo = "drop the trigger first (drop_trigger: {name: \(t.name)}) and create it again after"
            default: undo = "drop it first"
            }
            error("\(what) is used by \(user.kind.word) '\(user.name)'; \(doing) would break it or fail", field: field, fix: undo)
        }
    }

    /// Steps on tables and columns that objects use.
    mutating func checkObjectDependents(_ operation: Operation) {
        switch operation {
        case let .createTable(table):
            if state.object(.view, table.name) != nil || state.object(.sequence, table.name) != nil {
                error("'\(table.name)' is already the name of a view or sequence", field: "table", fix: "choose another name")
            }
            for name in table.constraintNames where state.object(.view, name) != nil || state.object(.sequence, name) != nil {
                error("'\(name)' is already the name of a view or sequence (PostgreSQL names the key's index so)", field: "table", fix: "choose another name")
            }
        case let .renameTable(_, to) where state.object(.view, to) != nil || state.object(.sequence, to) != nil:
            error("'\(to)' is already the name of a view or sequence", field: "to", fix: "choose another name")
        case let .createIndex(index, _) where state.object(.view, index.name) != nil || state.object(.sequence, index.name) != nil:
            error("'\(index.name)' is already the name of a view or sequence (PostgreSQL keeps indexes, views and sequences in one namespace)",
                  field: "name", fix: "choose another name")
        case let .addUnique(unique) where state.object(.view, unique.name) != nil || state.object(.sequence, unique.name) != nil,
             // spec 1.1: add_unique using_index renames the index to the constraint's name on PostgreSQL
             let .addUniqueUsingIndex(unique, _) where state.object(.view, unique.name) != nil || state.object(.sequence, unique.name) != nil:
            error("'\(unique.name)' is already the name of a view or sequence (PostgreSQL names the constraint's index so)",
                  field: "name", fix: "choose another name")
        case let .dropTable(name):
            requireNoDependents(name, what: "table '\(name)'", by: "dropping it", field: "table")
        case let .renameTable(name, _):
            // Triggers move with their table; a view keeps reading the old name (MySQL, SQLite's
            // text) or silently follows it (PostgreSQL): either way the spec's text is wrong after.
            requireNoDependents(name, what: "table '\(name)'", by: "renaming it", field: "table", skipTriggers: true)
        case let .dropColumn(table, column):
            requireNoDependents(table + "." + column, what: "column '\(table).\(column)'", by: "dropping it", field: "column")
        case let .renameColumn(table, column, _):
            requireNoDependents(table + "." + column, what: "column '\(table).\(column)'", by: "renaming it", field: "column")
        case let .alterColumn(change) where change.type != nil:
            requireNoDependents(change.table + "." + change.column, what: "column '\(change.table).\(change.column)'",
                                by: "changing its type (PostgreSQL refuses it)", field: "type")
        default:
            break
        }
    }
}

/// What a dialect cannot hold of an object change: checked by `mgen validate` (DialectRules) and
/// by the renderers, with one message.
public struct ObjectProblem: Hashable, Sendable {
    public var message: String
    public var fix: String?
}

extension ObjectChange {
    public func unsupported(on dialect: Dialect, in before: SchemaState) -> ObjectProblem? {
        guard let object = object(in: before) else { return nil }
        let name = dialect.capabilities.productName
        func refuse(_ why: String, _ fix: String) -> ObjectProblem { ObjectProblem(message: "\(name) has no \(why)", fix: fix) }
        switch (object, dialect) {
        case (.view(let v), .mysql) where v.materialized, (.view(let v), .sqlite) where v.materialized:
            return refuse("materialized views (view '\(v.name)')", "make it a plain view, or a table filled by a `sql` step, on \(dialect)")
        case (.function(let f), .sqlite) where !f.isTriggerFunction:
            return refuse("stored functions (function '\(f.name)'); an application registers its functions on the connection",
                          "leave the function out of a SQLite chain, or write a trigger body that needs none")
        case (.extension(let e), .mysql), (.extension(let e), .sqlite):
            return refuse("extensions (extension '\(e.name)'): CREATE EXTENSION is PostgreSQL's",
                          "leave the step out of a \(dialect) chain")
        case (.sequence(let s), .mysql):
            return ObjectProblem(message: "MySQL 8.0 has no sequences (sequence '\(s.name)'); the mysql dialect is what MySQL 8.0 and MariaDB share",
                                 fix: "use an identity (AUTO_INCREMENT) column, or a `sql` step with `mysql:` text for MariaDB's CREATE SEQUENCE")
        case (.sequence(let s), .sqlite):
            return refuse("sequences (sequence '\(s.name)')", "use an identity (AUTOINCREMENT) column")
        // spec 1.1: schemas
        case (.schema(let s), .mysql), (.schema(let s), .sqlite):
            return refuse("schemas inside a database (schema '\(s.name)'): \(dialect == .mysql ? "a MySQL schema is a database, and mgen works inside one" : "SQLite's attached databases are not made by migrations")",
                          "leave the step out of a \(dialect) chain (schemas are PostgreSQL's)")
        case (.trigger(let t), _):
            if dialect.capabilities.triggersExecuteFunctions, t.function == nil {
                return ObjectProblem(message: "PostgreSQL: trigger '\(t.name)' has no `function` to execute",
                                     fix: "create a `returns: trigger` function and name it in `function:`")
            }
            if !dialect.capabilities.triggersExecuteFunctions {
                if t.body?.text(for: dialect) == nil {
                    return ObjectProblem(message: "\(name): trigger '\(t.name)' has no `body` for \(dialect)",
                                         fix: "add `body: {\(dialect): ...}` (the statements the trigger runs)")
                }
                if !t.forEachRow { return refuse("statement-level triggers (trigger '\(t.name)')", "use `for_each: row`") }
                if t.events.count != 1 {
                    return ObjectProblem(message: "\(name): trigger '\(t.name)' fires on \(t.events.count) events; a \(name) trigger has exactly one",
                                         fix: "write one trigger per event")
                }
                if !dialect.capabilities.insteadOfTriggers, t.timing == .insteadOf { return refuse("INSTEAD OF triggers (trigger '\(t.name)')", "use before or after on a table") }
            }
            return nil
        case (.view(let v), _):
            return v.query.text(for: dialect) == nil
                ? ObjectProblem(message: "\(name): view '\(v.name)' has no `sql` for \(dialect)", fix: "add `\(dialect): ...` or `default: ...` to its `sql`")
                : nil
        case (.function(let f), _):
            if f.isTriggerFunction, !dialect.capabilities.triggersExecuteFunctions { return nil }
            for (field, text) in [("body", f.body), ("returns", f.returns), ("arguments", f.arguments)] where text.text(for: dialect) == nil {
                return ObjectProblem(message: "\(name): function '\(f.name)' has no `\(field)` for \(dialect)",
                                     fix: "add `\(dialect): ...` or `default: ...` to its `\(field)`")
            }
            return nil
        default:
            return nil
        }
    }
}

extension FunctionDefinition {
    /// A `returns: trigger` function: PostgreSQL's way to give a trigger its body. MySQL and SQLite
    /// triggers carry their body themselves, so there the function is not created at all.
    public var isTriggerFunction: Bool {
        (returns.byDialect["postgresql"] ?? returns.byDialect["default"])?.trimmingCharacters(in: .whitespaces).lowercased() == "trigger"
    }
}
