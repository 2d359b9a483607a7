/// Spec 1.1: PostgreSQL schemas. `create_schema` / `drop_schema` are named objects of the state
/// (ObjectKind.schema), and the table steps take `schema: billing` beside `table:` (docs/spec.md,
/// "Schemas").
///
/// A table outside the default schema is keyed in the state, the operations and the model by one
/// string: the schema, U+001F (the unit separator) and the table's name. A spec name never holds a
/// control character (the loader refuses them), so the key cannot meet a table of the default
/// schema, and every existing path (state, validation, downs, SQL) carries it unchanged. Only the
/// edges read it apart: the parser builds it (`Fields.name("table")` beside `schema:`), SQL quotes
/// it as `"billing"."invoices"`, messages print it as `billing.invoices`, and the targets whose
/// builders name tables send a step on such a table as the dialect's SQL. Tables of the default
/// schema keep their plain names, so every spec without `schema:` renders as before.

/// A table (or index) name with its schema: nil is the default schema (`search_path`).
public struct QualifiedName: Hashable, Sendable, CustomStringConvertible {
    public static let separator: Character = "\u{1F}"
    public static let separatorByte: UInt8 = 0x1F

    public var schema: String?
    public var name: String

    public init(schema: String?, name: String) {
        self.schema = schema
        self.name = name
    }

    /// Reads a key of the state (`billing\u{1F}invoices`, or a plain `invoices`).
    public init(_ key: String) {
        if let cut = key.firstIndex(of: Self.separator) {
            schema = String(key[..<cut])
            name = String(key[key.index(after: cut)...])
        } else {
            schema = nil
            name = key
        }
    }

    /// The state's key.
    public var key: String { schema.map { $0 + String(Self.separator) + name } ?? name }

    /// `billing.invoices` (messages, comments).
    public var description: String { schema.map { "\($0).\(name)" } ?? name }

    /// Another name in the same schema (rename_table's `to`, a table's index).
    public func sibling(_ name: String) -> QualifiedName { QualifiedName(schema: schema, name: name) }

    /// Whether a key names something outside the default schema.
    public static func isQualified(_ key: String) -> Bool { key.utf8.contains(separatorByte) }

    /// The schema of a key, nil for the default schema.
    public static func schema(of key: String) -> String? { isQualified(key) ? QualifiedName(key).schema : nil }

    /// The name without its schema (derived constraint names are built from it).
    public static func unqualified(_ key: String) -> String { isQualified(key) ? QualifiedName(key).name : key }

    /// Text with every key in it printed as `schema.name` (what a message shows).
    public static func display(_ text: String) -> String {
        isQualified(text) ? text.replacingOccurrences(of: String(separator), with: ".") : text
    }
}

extension DefaultNames {
    /// `<table>_<column>_check`, the CHECK that stands in for an enum column (the bare table name).
    public static func enumCheck(_ table: String, _ column: String) -> String { "\(QualifiedName.unqualified(table))_\(column)_check" }
}

/// `create_schema {name}`.
public struct SchemaDefinition: Hashable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}

extension OperationParser {
    /// The operations that take `schema:` beside `table:` (and every `references` mapping).
    static let schemaQualifiedKinds: Set<String> = Set<String>([
        "create_table", "drop_table", "rename_table", "add_column", "drop_column", "rename_column", "alter_column",
        "create_index", "drop_index", "add_foreign_key", "add_unique", "add_check", "validate_constraint", "drop_constraint",
        "backfill", "add_primary_key", "drop_primary_key", "comment_table", "rename_constraint", "insert", "delete", "update",
        "create_enum_type", "drop_enum_type", "rename_enum_type", "add_enum_value", "rename_enum_value", "drop_enum_value",
    ]).union(schemaQualifiedObjectKinds)

    /// The object steps whose `name` takes a `schema:` (views, sequences, functions and triggers; an
    /// extension's `schema` is where it installs its objects, not its name's). A trigger lives with
    /// its table: its `schema:` keys both its name and its `table`.
    static let schemaQualifiedObjectKinds: Set<String> = [
        "create_view", "replace_view", "drop_view", "refresh_materialized_view", "create_sequence", "alter_sequence", "drop_sequence",
        "create_function", "replace_function", "drop_function", "create_trigger", "drop_trigger",
    ]

    /// The allowed fields of an operation with `schema` added where it takes one.
    static func withSchemaField(_ kind: String, _ fields: [String]?) -> [String]? {
        guard let fields, schemaQualifiedKinds.contains(kind) else { return fields }
        return fields + ["schema"]
    }

    static func schemaStep(_ kind: String, _ f: Fields) -> Operation? {
        guard let name = f.name("name") else { return nil }
        guard validSchemaName(name, at: f.location("name"), sink: f.sink) else { return nil }
        if kind == "rename_schema" {
            guard let to = f.name("to"), validSchemaName(to, at: f.location("to"), sink: f.sink) else { return nil }
            return .object(.renameSchema(name: name, to: to))
        }
        return kind == "create_schema" ? .object(.create(.schema(SchemaDefinition(name: name)))) : .object(.drop(kind: .schema, name: name))
    }

    /// `public` is where unqualified names already live: naming it would make `public.users` and
    /// `users` two tables of the state that are one table of the database.
    static func validSchemaName(_ name: String, at location: SourceLocation, sink: DiagnosticSink) -> Bool {
        if name == "public" || name.lowercased().hasPrefix("pg_") || name == "information_schema" {
            sink.error("'\(name)' is \(name == "public" ? "the default schema" : "a system schema"): a spec names only schemas it creates",
                       at: location, fix: name == "public" ? "leave out `schema:`: a table without it is in the default schema" : "choose another name")
            return false
        }
        return true
    }
}

extension OperationParser {
    /// `update`'s `from`: a table of the default schema, or `{schema, table}` for one of another
    /// schema (not the `schema:` beside `table:`, which is the updated table's), keyed as the state keys it.
    static func updateSource(_ f: Fields) -> String? {
        guard let node = f.node("from") else { return nil }
        guard case .mapping = node else { return f.name("from", required: false) }
        let r = Fields(node, context: "update's from", allowed: ["table", "schema"], sink: f.sink)
        return r.name("table")
    }
}

extension Fields {
    /// spec 1.1: schemas. The `schema` beside a `table`, checked as a name; nil when not given.
    func tableSchema() -> String? {
        guard let schema = name("schema", required: false) else { return nil }
        return OperationParser.validSchemaName(schema, at: location("schema"), sink: sink) ? schema : nil
    }

    /// A name (an enum type's) keyed into the `schema:` given beside it, if any.
    func inSchema(_ name: String) -> String {
        tableSchema().map { QualifiedName(schema: $0, name: name).key } ?? name
    }
}

extension Operation {
    /// The tables the operation names (its own, and those its foreign keys reference).
    var namedTables: [String] {
        var out = table.map { [$0] } ?? []
        switch self {
        case let .createTable(t): out += t.foreignKeys.map(\.referencedTable)
        case let .addColumn(_, _, _, fk?): out.append(fk.referencedTable)
        case let .addForeignKey(fk): out.append(fk.referencedTable)
        case let .renameTable(_, to): out.append(to)
        case let .update(u): out += u.from.map { [$0] } ?? []
        default: break
        }
        return out
    }

    /// The enum types the operation names: the one it changes, and those of the columns it writes.
    var namedEnumTypes: [String] { writtenColumnTypes.compactMap(\.enumTypeName) + enumTypeStepNames }

    /// The objects an object step names that are of another schema: its own name, and the function
    /// a trigger executes (which may be in a schema of its own).
    var qualifiedObjectNames: [String] {
        guard case let .object(change) = self else { return [] }
        var names = [change.name]
        if case let .create(.trigger(trigger)) = change, let function = trigger.function { names.append(function) }
        return names.filter(QualifiedName.isQualified)
    }

    /// What a message calls one of `qualifiedObjectNames`: the step's kind, or `function` for the
    /// function a trigger executes.
    func objectWord(_ key: String) -> String {
        if case let .object(.create(.trigger(trigger))) = self, trigger.function == key, trigger.name != key { return "function" }
        return kind
    }

    /// The enum types an enum-type step changes.
    var enumTypeStepNames: [String] {
        switch self {
        case let .createEnumType(name, _), let .dropEnumType(name), let .addEnumValue(name, _, _),
             let .renameEnumValue(name, _, _), let .dropEnumValue(name, _):
            [name]
        case let .renameEnumType(name, to): [name, to]
        default: []
        }
    }

    /// spec 1.1: schemas. Whether the operation is a schema step, names a table outside the
    /// default schema (its own, or one its foreign key references) or an index of such a table,
    /// or names an enum type in a schema (the builders that name a type take a plain one;
    /// `enumColumnTypes: false` leaves out the columns of such a type, for a target whose field
    /// takes the qualified type as written).
    public func namesSchema(in before: SchemaState, enumColumnTypes: Bool = true) -> Bool {
        if case .object(let change) = self, change.object(in: before)?.kind == .schema { return true }
        if namedTables.contains(where: QualifiedName.isQualified) { return true }
        let types = enumColumnTypes ? namedEnumTypes : enumTypeStepNames
        if types.contains(where: QualifiedName.isQualified) || !qualifiedObjectNames.isEmpty { return true }
        switch self {
        case let .dropIndex(name, _, _), let .renameIndex(name, _, _):
            return before.index(name).map { QualifiedName.isQualified($0.table) } ?? false
        default:
            return false
        }
    }

    /// `namesSchema`, or a drop whose down recreates a foreign key into another schema:
    /// frameworks whose builders name plain tables send such a step as the dialect's SQL.
    public func touchesSchema(in before: SchemaState) -> Bool {
        if namesSchema(in: before) { return true }
        switch self {
        case let .dropTable(name):
            // Its down recreates foreign keys that may point into a schema, and columns of enum types in one.
            if before.table(name)?.columns.contains(where: { $0.type.enumTypeName.map(QualifiedName.isQualified) ?? false }) == true { return true }
            return before.table(name)?.foreignKeys.contains { QualifiedName.isQualified($0.referencedTable) } ?? false
        case let .dropColumn(table, column):
            // Its down restates a foreign key into a schema, or a column of an enum type in one.
            if let type = before.table(table)?.column(column)?.type.enumTypeName, QualifiedName.isQualified(type) { return true }
            return before.table(table)?.foreignKeys.contains { $0.columns.contains(column) && QualifiedName.isQualified($0.referencedTable) } ?? false
        case let .dropConstraint(table, name):
            return before.table(table)?.foreignKeys.contains { $0.name == name && QualifiedName.isQualified($0.referencedTable) } ?? false
        default:
            return false
        }
    }
}

extension SchemaState {
    /// The schemas the chain has created, sorted.
    public var schemaNames: [String] { objectNames(.schema) }

    /// The tables of a schema.
    public func tables(inSchema schema: String) -> [String] {
        tableNames.filter { QualifiedName.schema(of: $0) == schema }
    }
}

extension SchemaState {
    /// `rename_schema`: every object of the schema is keyed anew — its tables as rename_table
    /// moves one (the foreign keys that point at them, their indexes and triggers follow), its enum
    /// types with the columns of them, its views, sequences, functions and triggers, and a trigger
    /// elsewhere whose function is in it.
    mutating func renameSchema(_ from: String, to: String) {
        func moved(_ key: String) -> String {
            QualifiedName.schema(of: key) == from ? QualifiedName(schema: to, name: QualifiedName.unqualified(key)).key : key
        }
        for table in tables(inSchema: from) { mutate(.renameTable(table: table, to: moved(table))) }
        for type in enumTypeNames where QualifiedName.schema(of: type) == from { mutate(.renameEnumType(name: type, to: moved(type))) }
        for object in objects where object.kind != .schema {
            var renamed = object
            switch object {
            case var .view(v): v.name = moved(v.name); renamed = .view(v)
            case var .sequence(q): q.name = moved(q.name); renamed = .sequence(q)
            case var .function(f): f.name = moved(f.name); renamed = .function(f)
            case var .trigger(t):
                t.name = moved(t.name)
                t.table = moved(t.table)
                t.function = t.function.map(moved)
                renamed = .trigger(t)
            case .extension, .schema: continue
            }
            guard renamed != object else { continue }
            changeObject(.drop(kind: object.kind, name: object.name))
            changeObject(.create(renamed))
        }
        changeObject(.drop(kind: .schema, name: from))
        changeObject(.create(.schema(SchemaDefinition(name: to))))
    }
}

extension Validator {
    /// `rename_schema`: the schema exists, the new name is free, and no view reads what is in it
    /// (PostgreSQL follows the rename, but the view's text in the spec names the old schema, so a
    /// down or a replace that writes it again would fail).
    mutating func checkSchemaRename(_ name: String, to: String) {
        guard requireObject(.schema, name) != nil else { return }
        if state.object(.schema, to) != nil {
            error("a schema named '\(to)' already exists", field: "to", fix: "choose another name")
        }
        for case let .view(view) in state.objects {
            guard let used = state.dependencies(of: .view, view.name).first(where: { QualifiedName.schema(of: $0) == name }) else { continue }
            error("view '\(view.name)' reads '\(used)' of schema '\(name)' by name; renaming the schema would leave its SQL naming the old one",
                  field: "name", fix: "drop the view first (drop_view: {name: \(QualifiedName(view.name).name)\(QualifiedName(view.name).schema.map { ", schema: \($0)" } ?? "")}) and create it again after, naming '\(to)'")
        }
    }
}

extension Validator {
    /// spec 1.1: schemas. Every table named outside the default schema must be in a schema the
    /// chain created; a schema is dropped only empty (no CASCADE).
    mutating func checkSchemas(_ operation: Operation) {
        // Each missing schema once, named by the first thing the step puts in it.
        var reported: Set<String> = []
        let named = operation.namedTables.map { ($0, "table") } + Set(operation.namedEnumTypes).sorted().map { ($0, "enum type") }
            + operation.qualifiedObjectNames.map { ($0, operation.objectWord($0)) }
        for (key, what) in named {
            guard let schema = QualifiedName.schema(of: key), state.object(.schema, schema) == nil, reported.insert(schema).inserted else { continue }
            error("unknown schema '\(schema)' (\(what) '\(QualifiedName(key))')", field: "schema",
                  fix: "create it first with `- create_schema: {name: \(schema)}`")
        }
        if case let .object(.drop(.schema, name)) = operation {
            let tables = state.tables(inSchema: name)
            let types = state.enumTypeNames.filter { QualifiedName.schema(of: $0) == name }
            let objects = [ObjectKind.view, .sequence, .function, .trigger].flatMap { kind in
                state.objectNames(kind).filter { QualifiedName.schema(of: $0) == name }.map { (state.object(kind, $0)?.kind.word ?? kind.word, $0) }
            }
            if !tables.isEmpty || !types.isEmpty || !objects.isEmpty {
                let held = tables.map { "table '\(QualifiedName($0))'" } + types.map { "enum type '\(QualifiedName($0))'" }
                    + objects.map { "\($0.0) '\(QualifiedName($0.1))'" }
                error("schema '\(name)' still holds \(held.joined(separator: ", ")); drop_schema does not cascade",
                      field: "name", fix: "drop those first (drop_table / drop_enum_type / drop_view / drop_sequence / drop_trigger / drop_function with `schema: \(name)`)")
            }
        }
    }
}

extension DialectRules.Check {
    /// spec 1.1: schemas. A MySQL schema is a database (mgen works inside one) and SQLite's attached
    /// databases are not made by migrations: `schema:` is PostgreSQL's.
    mutating func schemaQualified(_ operation: Operation) {
        guard dialect != .postgresql else { return }
        if let key = operation.namedTables.first(where: QualifiedName.isQualified) {
            error("\(displayName) has no schemas inside a database: table '\(QualifiedName(key))' names schema '\(QualifiedName(key).schema ?? "")'",
                  fix: "leave out `schema:` in a \(dialect) chain (schemas are PostgreSQL's)")
        } else if let key = operation.namedEnumTypes.first(where: QualifiedName.isQualified) ?? operation.qualifiedObjectNames.first {
            error("\(displayName) has no schemas inside a database: \(operation.qualifiedObjectNames.isEmpty ? "enum type" : operation.objectWord(key)) '\(QualifiedName(key))' names schema '\(QualifiedName(key).schema ?? "")'",
                  fix: "leave out `schema:` in a \(dialect) chain (schemas are PostgreSQL's)")
        }
    }
}
