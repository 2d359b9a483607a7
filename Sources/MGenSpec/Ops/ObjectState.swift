/// Spec 1.1: how the replayed state holds views, functions, triggers, extensions and sequences,
/// and what each depends on (so a table, column, view or function that an object uses cannot be
/// dropped or renamed from under it).

/// An object with what it uses: `table`, `table.column`, a view's or a function's name.
struct ObjectEntry: Hashable, Sendable {
    var object: DatabaseObject
    var dependencies: [String]
}

extension SchemaState {
    private static func key(_ kind: ObjectKind, _ name: String) -> String { kind.namespace + ":" + name }

    /// The object of this kind and name (`.view` finds a materialized view too).
    public func object(_ kind: ObjectKind, _ name: String) -> DatabaseObject? {
        objectEntries[Self.key(kind, name)]?.value.object
    }

    /// Every object, by kind and then name.
    public var objects: [DatabaseObject] {
        objectEntries.keys.sorted().compactMap { objectEntries[$0]?.value.object }
    }

    /// The names of the objects of one namespace (views: both kinds).
    public func objectNames(_ kind: ObjectKind) -> [String] {
        objects.filter { $0.kind.namespace == kind.namespace }.map(\.name)
    }

    /// What an object depends on, as the state recorded it when the object was created.
    public func dependencies(of kind: ObjectKind, _ name: String) -> [String] {
        objectEntries[Self.key(kind, name)]?.value.dependencies ?? []
    }

    /// The objects that use `name` (a table, `table.column`, a view or a function), as
    /// "view v" / "trigger t" for messages, sorted.
    public func objectsUsing(_ name: String) -> [DatabaseObject] {
        // Filtered before sorting: validation asks this for every column and table it touches.
        objectEntries.keys.filter { objectEntries[$0]?.value.dependencies.contains(name) == true }.sorted().compactMap { objectEntries[$0]?.value.object }
    }

    /// The objects that use a table or any of its columns.
    public func objectsReading(table: String) -> [DatabaseObject] {
        objectEntries.keys.sorted().compactMap { objectEntries[$0]?.value }
            .filter { $0.dependencies.contains { $0 == table || $0.hasPrefix(table + ".") } }.map(\.object)
    }

    /// The triggers on a table.
    public func triggers(on table: String) -> [TriggerDefinition] {
        objects.compactMap { if case let .trigger(t) = $0, t.table == table { t } else { nil } }
    }

    func hasSameObjects(as other: SchemaState) -> Bool {
        let mine = objectEntries.keys.sorted(), theirs = other.objectEntries.keys.sorted()
        return mine == theirs && mine.allSatisfy { objectEntries[$0]?.value.object == other.objectEntries[$0]?.value.object }
    }

    /// What an object uses in this state: a view its declared `depends_on`, or the tables, views
    /// and columns its query names (a whole-word scan of every dialect's text; `*` counts as every
    /// column of the tables named); a trigger its table (and its columns are free) and function.
    func derivedDependencies(_ object: DatabaseObject) -> [String] {
        switch object {
        case let .view(view):
            if let declared = view.dependsOn { return declared }
            var out: [String] = []
            let texts = view.query.byDialect.keys.sorted().compactMap { view.query.byDialect[$0] }
            // Each text scanned once for its words (as `mentions` scans), not once per name of the state.
            let words = texts.reduce(into: Set<String>()) { $0.formUnion(identifierWords(in: $1)) }
            // spec 1.1: schemas. A name of another schema is named by both its words (`billing.invoices`).
            func named(_ name: String) -> Bool {
                guard QualifiedName.isQualified(name) else { return words.contains(name) }
                let qualified = QualifiedName(name)
                return words.contains(qualified.name) && qualified.schema.map(words.contains) == true
            }
            let star = texts.contains { $0.contains("*") }
            for name in tableNames where named(name) {
                out.append(name)
                guard let table = table(name) else { continue }
                for column in table.columns where star || named(column.name) { out.append(name + "." + column.name) }
            }
            for name in objectNames(.view) where name != view.name && named(name) { out.append(name) }
            return out
        case let .trigger(trigger):
            return [trigger.table] + (trigger.function.map { ["function:" + $0] } ?? [])
        case .function, .extension, .sequence:
            return []
        // spec 1.1: schemas
        case .schema:
            return []
        }
    }

    mutating func changeObject(_ change: ObjectChange) {
        switch change {
        case let .create(object), let .replace(object):
            objectEntries[Self.key(object.kind, object.name)] = Box(ObjectEntry(object: object, dependencies: derivedDependencies(object)))
        case let .drop(kind, name):
            objectEntries[Self.key(kind, name)] = nil
        case let .alterSequence(alter):
            guard case var .sequence(sequence)? = object(.sequence, alter.name) else { return }
            sequence.options.apply(alter)
            objectEntries[Self.key(.sequence, alter.name)] = Box(ObjectEntry(object: .sequence(sequence), dependencies: []))
        case .refresh:
            break
        // spec 1.1: schemas
        case let .renameSchema(name, to):
            renameSchema(name, to: to)
        }
    }

    /// A renamed table keeps its triggers (every dialect moves them with the table).
    mutating func moveTriggers(from: String, to: String) {
        for trigger in triggers(on: from) {
            var moved = trigger
            moved.table = to
            let object = DatabaseObject.trigger(moved)
            objectEntries[Self.key(.trigger, moved.name)] = Box(ObjectEntry(object: object, dependencies: derivedDependencies(object)))
        }
    }
}

extension SequenceOptions {
    public static let names = ["increment", "min_value", "max_value", "cache", "cycle"]

    /// The option names that are set.
    public var setNames: [String] {
        [increment.map { _ in "increment" }, minValue.map { _ in "min_value" }, maxValue.map { _ in "max_value" },
         cache.map { _ in "cache" }, cycle.map { _ in "cycle" }].compactMap { $0 }
    }

    mutating func apply(_ alter: SequenceAlter) {
        if let v = alter.set.increment { increment = v }
        if let v = alter.set.minValue { minValue = v }
        if let v = alter.set.maxValue { maxValue = v }
        if let v = alter.set.cache { cache = v }
        if let v = alter.set.cycle { cycle = v }
        for name in alter.reset {
            switch name {
            case "increment": increment = nil
            case "min_value": minValue = nil
            case "max_value": maxValue = nil
            case "cache": cache = nil
            case "cycle": cycle = nil
            default: break
            }
        }
    }
}

extension ObjectChange {
    /// The object the change makes, replaces or works on (from the state for a drop or an alter).
    public func object(in before: SchemaState) -> DatabaseObject? {
        switch self {
        case let .create(o), let .replace(o): o
        case let .drop(kind, name): before.object(kind, name)
        case let .alterSequence(alter): before.object(.sequence, alter.name)
        case let .refresh(name): before.object(.view, name)
        // spec 1.1: schemas
        case let .renameSchema(name, _): before.object(.schema, name)
        }
    }
}
