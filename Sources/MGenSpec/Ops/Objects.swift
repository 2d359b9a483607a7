/// Spec 1.1: named database objects beside tables — views and materialized views, functions,
/// triggers, extensions and sequences. Their bodies are SQL (per dialect, as `sql` steps allow),
/// but each object is named and typed, so the replayed state knows it, a drop of an unknown one
/// is an error, and its down is derived (a drop recreates the object from the state).

/// The kinds of named objects, with the spec's word for each.
public enum ObjectKind: String, Hashable, Sendable, CaseIterable {
    case view
    case materializedView = "materialized_view"
    case function
    case trigger
    case `extension`
    case sequence
    // spec 1.1: schemas (Ops/Schemas.swift)
    case schema

    /// The word in messages and in the spec's operation names (`drop_view` drops either kind of view).
    public var word: String {
        switch self {
        case .view: "view"
        case .materializedView: "materialized view"
        case .function: "function"
        case .trigger: "trigger"
        case .extension: "extension"
        case .sequence: "sequence"
        // spec 1.1: schemas
        case .schema: "schema"
        }
    }

    /// The namespace the state files the object under: a view and a materialized view share one.
    public var namespace: String {
        switch self {
        case .view, .materializedView: "view"
        default: rawValue
        }
    }
}

/// `create_view`: a named query.
public struct ViewDefinition: Hashable, Sendable {
    public var name: String
    /// The SELECT (per dialect where they differ).
    public var query: DialectSQL
    public var materialized: Bool
    /// What the view reads, as `table` or `table.column` (or another view's name); nil means
    /// "derive it from the query" (a whole-word scan for the state's table, view and column names).
    public var dependsOn: [String]?

    public init(name: String, query: DialectSQL, materialized: Bool = false, dependsOn: [String]? = nil) {
        self.name = name
        self.query = query
        self.materialized = materialized
        self.dependsOn = dependsOn
    }
}

/// `create_function`: a stored function (PostgreSQL, MySQL).
public struct FunctionDefinition: Hashable, Sendable {
    public var name: String
    /// The argument list as the dialect writes it (`a integer, b integer`), empty for none.
    public var arguments: DialectSQL
    /// The return type (`integer`, PostgreSQL's `trigger`).
    public var returns: DialectSQL
    /// PostgreSQL's `LANGUAGE` (default `plpgsql`); MySQL functions are SQL.
    public var language: String?
    /// The body: PostgreSQL's text between the dollar quotes; MySQL's routine body
    /// (`RETURN a + b`, or `BEGIN ... END`).
    public var body: DialectSQL
    /// MySQL's `DETERMINISTIC` (needed where binary logging is on); PostgreSQL's `IMMUTABLE`.
    public var deterministic: Bool

    public init(name: String, arguments: DialectSQL = DialectSQL(""), returns: DialectSQL, language: String? = nil,
                body: DialectSQL, deterministic: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.returns = returns
        self.language = language
        self.body = body
        self.deterministic = deterministic
    }
}

/// `create_trigger`: PostgreSQL runs a function; MySQL and SQLite run the trigger's own body.
public struct TriggerDefinition: Hashable, Sendable {
    public enum Timing: String, Hashable, Sendable, CaseIterable {
        case before, after
        case insteadOf = "instead_of"
        public var sql: String { self == .insteadOf ? "INSTEAD OF" : rawValue.uppercased() }
    }
    public enum Event: String, Hashable, Sendable, CaseIterable { case insert, update, delete }

    public var name: String
    public var table: String
    public var timing: Timing
    public var events: [Event]
    /// `FOR EACH ROW` (true) or `FOR EACH STATEMENT` (PostgreSQL only).
    public var forEachRow: Bool
    /// PostgreSQL: the function the trigger executes (a `returns: trigger` function of the state).
    public var function: String?
    /// MySQL and SQLite: the trigger's statement(s). SQLite's are wrapped in `BEGIN ... END`.
    public var body: DialectSQL?

    public init(name: String, table: String, timing: Timing, events: [Event], forEachRow: Bool = true,
                function: String? = nil, body: DialectSQL? = nil) {
        self.name = name
        self.table = table
        self.timing = timing
        self.events = events
        self.forEachRow = forEachRow
        self.function = function
        self.body = body
    }
}

/// `create_extension` (PostgreSQL).
public struct ExtensionDefinition: Hashable, Sendable {
    public var name: String
    public var schema: String?
    public var version: String?
    public init(name: String, schema: String? = nil, version: String? = nil) {
        self.name = name
        self.schema = schema
        self.version = version
    }
}

/// `create_sequence` (PostgreSQL). nil options are the database's defaults.
public struct SequenceDefinition: Hashable, Sendable {
    public var name: String
    public var start: Int64?
    public var options: SequenceOptions
    public init(name: String, start: Int64? = nil, options: SequenceOptions = SequenceOptions()) {
        self.name = name
        self.start = start
        self.options = options
    }
}

/// The options `alter_sequence` can change (and restore: a nil option is the default again).
public struct SequenceOptions: Hashable, Sendable {
    public var increment: Int64?
    public var minValue: Int64?
    public var maxValue: Int64?
    public var cache: Int64?
    public var cycle: Bool?
    public init(increment: Int64? = nil, minValue: Int64? = nil, maxValue: Int64? = nil, cache: Int64? = nil, cycle: Bool? = nil) {
        self.increment = increment
        self.minValue = minValue
        self.maxValue = maxValue
        self.cache = cache
        self.cycle = cycle
    }
}

/// One named object as the state holds it.
public enum DatabaseObject: Hashable, Sendable {
    case view(ViewDefinition)
    case function(FunctionDefinition)
    case trigger(TriggerDefinition)
    case `extension`(ExtensionDefinition)
    case sequence(SequenceDefinition)
    // spec 1.1: schemas (Ops/Schemas.swift)
    case schema(SchemaDefinition)

    public var name: String {
        switch self {
        case let .view(v): v.name
        case let .function(f): f.name
        case let .trigger(t): t.name
        case let .extension(e): e.name
        case let .sequence(s): s.name
        // spec 1.1: schemas
        case let .schema(s): s.name
        }
    }

    public var kind: ObjectKind {
        switch self {
        case let .view(v): v.materialized ? .materializedView : .view
        case .function: .function
        case .trigger: .trigger
        case .extension: .extension
        case .sequence: .sequence
        // spec 1.1: schemas
        case .schema: .schema
        }
    }
}

/// `alter_sequence`: the options named change; `nil` fields stay. `reset` lists options set back
/// to the default (the down of setting one that had none).
public struct SequenceAlter: Hashable, Sendable {
    public var name: String
    public var set: SequenceOptions
    public var reset: Set<String>
    public init(name: String, set: SequenceOptions, reset: Set<String> = []) {
        self.name = name
        self.set = set
        self.reset = reset
    }
}

/// The change to a named object: one `Operation.object` case, so the switches over operations
/// each have one arm for the whole family.
public enum ObjectChange: Hashable, Sendable {
    case create(DatabaseObject)
    /// `replace_view`, `replace_function`: a new body for an object of the state.
    case replace(DatabaseObject)
    /// `drop_view` (either kind), `drop_function`, ...: `kind` is the namespace's first kind.
    case drop(kind: ObjectKind, name: String)
    case alterSequence(SequenceAlter)
    /// `refresh_materialized_view`: recomputes the rows; nothing to undo.
    case refresh(name: String)
    // spec 1.1: schemas. `rename_schema`: every object of the schema follows (Ops/Schemas.swift).
    case renameSchema(name: String, to: String)

    public var kind: String {
        switch self {
        case let .create(object): "create_\(Self.family(object.kind))"
        case let .replace(object): "replace_\(Self.family(object.kind))"
        case let .drop(kind, _): "drop_\(Self.family(kind))"
        case .alterSequence: "alter_sequence"
        case .refresh: "refresh_materialized_view"
        // spec 1.1: schemas
        case .renameSchema: "rename_schema"
        }
    }

    private static func family(_ kind: ObjectKind) -> String { kind == .materializedView ? "view" : kind.rawValue }

    public static let kinds = ["create_view", "replace_view", "drop_view", "refresh_materialized_view",
                               "create_function", "replace_function", "drop_function", "create_trigger", "drop_trigger",
                               "create_extension", "drop_extension", "create_sequence", "alter_sequence", "drop_sequence",
                               // spec 1.1: schemas
                               "create_schema", "drop_schema", "rename_schema"]

    public var name: String {
        switch self {
        case let .create(o), let .replace(o): o.name
        case let .drop(_, name), let .refresh(name): name
        case let .alterSequence(a): a.name
        // spec 1.1: schemas
        case let .renameSchema(name, _): name
        }
    }

    /// The table a trigger is on (the only object change that names a table).
    public var table: String? {
        switch self {
        case let .create(.trigger(t)): t.table
        default: nil
        }
    }
}
