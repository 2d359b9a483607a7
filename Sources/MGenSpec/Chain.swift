/// One operation of a migration, with the state just before it.
public struct Step: Hashable, Sendable {
    public var operation: Operation
    public var location: SourceLocation
    public var before: SchemaState
    /// Why this step loses data, when it does.
    public var dataLoss: String?

    public init(operation: Operation, location: SourceLocation, before: SchemaState, dataLoss: String? = nil) {
        self.operation = operation
        self.location = location
        self.before = before
        self.dataLoss = dataLoss.map(QualifiedName.display) // spec 1.1: schemas (`billing.invoices` in comments)
    }
}

/// A migration replayed against the chain before it: its up and down as concrete steps.
public struct PlannedMigration: Sendable {
    public var migration: Migration
    /// The migration before this one in the chain (nil for the first).
    public var parent: String?
    public var up: [Step]
    /// nil when the migration is irreversible.
    public var down: [Step]?
    public var before: SchemaState
    public var after: SchemaState
    public var runsInTransaction: Bool
    public var warnings: [Diagnostic]

    public var id: String { migration.id }
    public var name: String { migration.name }
    public var dataLoss: [String] { up.compactMap(\.dataLoss) }
}

/// A chain of migrations, ordered and replayed: every migration validated against the state before
/// it, every down derived (or checked) against it.
public struct MigrationChain: Sendable {
    public var migrations: [PlannedMigration]
    public var final: SchemaState

    /// Orders by id (numerically when ids are numbers), checks ids and `depends_on`, then replays.
    /// Reports every problem found in the chain together.
    public static func build(_ specs: [Migration]) throws(DiagnosticError) -> MigrationChain {
        var diagnostics: [Diagnostic] = []
        // Files usually sort like their ids: then there is nothing to move.
        let inOrder = zip(specs, specs.dropFirst()).allSatisfy { !idPrecedes($1.id, $0.id) }
        let ordered = inOrder ? specs : specs.sorted { idPrecedes($0.id, $1.id) }
        var positions: [Substring: Int] = [:] // id (numbers by value) → its first position
        positions.reserveCapacity(ordered.count)
        for (position, spec) in ordered.enumerated() {
            if let first = positions[idKey(spec.id)] {
                diagnostics.append(Diagnostic("duplicate id '\(spec.id)': \(ordered[first].file) has it too", at: spec.fields["id"] ?? spec.location,
                                              fix: "give each spec its own id"))
            } else {
                positions[idKey(spec.id)] = position
            }
        }
        for (position, spec) in ordered.enumerated() {
            for dependency in spec.dependsOn {
                guard let target = positions[idKey(dependency)] else {
                    let hint = closestMatch(to: dependency, in: ordered.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
                    diagnostics.append(Diagnostic("depends_on names unknown migration '\(dependency)'\(hint)",
                                                  at: spec.fields["depends_on"] ?? spec.location,
                                                  fix: "ids in this chain: \(ordered.map(\.id).joined(separator: ", "))"))
                    continue
                }
                if target >= position {
                    diagnostics.append(Diagnostic("depends_on names '\(dependency)', which does not come before '\(spec.id)'",
                                                  at: spec.fields["depends_on"] ?? spec.location,
                                                  fix: "migrations apply in id order; give this spec a later id"))
                }
            }
        }
        // A baseline declares what existed before the first migration: nothing may come before it.
        if let late = ordered.firstIndex(where: \.baseline), let first = ordered.firstIndex(where: { !$0.baseline }), first < late,
           let spec = ordered.last(where: \.baseline) {
            diagnostics.append(Diagnostic("baseline spec '\(spec.id)' comes after '\(ordered[first].id)', which is not a baseline",
                                          at: spec.fields["baseline"] ?? spec.location,
                                          fix: "a baseline declares the schema before every migration: give it the lowest id (e.g. 0000)"))
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }

        var replayer = Replayer(capacity: ordered.count)
        for spec in ordered {
            do {
                try replayer.replay(spec)
            } catch {
                diagnostics += error.diagnostics
                // Later specs would only repeat errors caused by this one.
                break
            }
        }
        return try replayer.finish(diagnostics)
    }

    /// Loads the specs under `paths` and builds their chain: `SpecLoader.load(paths:)` then
    /// `build`, the same result and the same problems, but overlapped. Spec files are usually
    /// named so that they sort like their ids; while other cores read the files, this one replays
    /// each spec as soon as it is read. If a spec arrives out of order, depends on one not seen
    /// yet, or has a problem, the general path takes over and reports exactly what it would.
    public static func load(paths: [String]) throws(DiagnosticError) -> MigrationChain {
        let files = try SpecLoader.specFiles(in: paths)
        guard worthSpreading(files.count) else {
            return try build(SpecLoader.load(paths: paths))
        }
        let stream = SpecStream(files)
        var replayer = Replayer(capacity: files.count)
        var inOrder = true
        var previous: String?
        var seen: Set<Substring> = []
        seen.reserveCapacity(files.count)
        for i in files.indices {
            guard case let .success(spec) = stream.result(i),
                  previous.map({ idPrecedes($0, spec.id) }) ?? true, !seen.contains(idKey(spec.id)),
                  spec.dependsOn.allSatisfy({ seen.contains(idKey($0)) }) else { inOrder = false; break }
            do { try replayer.replay(spec) } catch { inOrder = false; break }
            seen.insert(idKey(spec.id))
            previous = spec.id
        }
        let results = stream.results()
        if inOrder { return try replayer.finish([]) }
        return try build(results.valuesOrDiagnostics())
    }

    /// Replays ups in order, each from the state the one before left; a down only looks back at
    /// its own migration, so each is derived and checked on another core meanwhile.
    struct Replayer {
        var state = SchemaState()
        var parent: String?
        let downs: Pipeline<Result<PlannedMigration, DiagnosticError>>

        init(capacity: Int) { downs = Pipeline(capacity: capacity) }

        mutating func replay(_ spec: Migration) throws(DiagnosticError) {
            let up = try replayUp(spec, from: state)
            let parentID = parent
            downs.submit {
                Result { () throws(DiagnosticError) in try planDown(up, parent: parentID) }
            }
            parent = spec.id
            state = up.after
            state.commit()
        }

        /// The chain of every migration replayed, or the problems found (`diagnostics` first).
        func finish(_ diagnostics: [Diagnostic]) throws(DiagnosticError) -> MigrationChain {
            MigrationChain(migrations: try downs.results().valuesOrDiagnostics(after: diagnostics), final: state)
        }
    }

    /// A migration whose up has been replayed.
    struct ReplayedUp: Sendable {
        var spec: Migration
        var start: SchemaState
        var up: [Step]
        var after: SchemaState
    }

    /// Replays a migration's up, validating each step against the state before it.
    static func replayUp(_ spec: Migration, from start: SchemaState) throws(DiagnosticError) -> ReplayedUp {
        var diagnostics: [Diagnostic] = []
        var state = start
        var up: [Step] = []
        up.reserveCapacity(spec.operations.count)
        func replay(_ written: Operation, _ located: Located<Operation>) {
            let before = state
            let operation = written.resolved(in: before)
            do {
                try state.apply(operation, at: located.location, fields: located.fields)
                up.append(Step(operation: operation, location: located.location, before: before,
                               dataLoss: operation.dataLoss(in: before)))
            } catch {
                diagnostics += error.diagnostics
            }
        }
        for located in spec.operations {
            // Only drop_column expands; the rest need no list of one.
            if case .dropColumn = located.value {
                for operation in expand(located.value, in: state) { replay(operation, located) }
            } else {
                replay(located.value, located)
            }
        }
        if diagnostics.isEmpty, spec.transaction != false { diagnostics = newEnumValuesUsed(in: up) } // spec 1.1: enum types
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return ReplayedUp(spec: spec, start: start, up: up, after: state)
    }

    /// Derives (or checks) the down of a replayed up: the rest of planning a migration.
    static func planDown(_ replayed: ReplayedUp, parent: String?) throws(DiagnosticError) -> PlannedMigration {
        let (spec, start, up, after) = (replayed.spec, replayed.start, replayed.up, replayed.after)
        var diagnostics: [Diagnostic] = []
        var state = after
        let concurrent = up.contains { $0.operation.isConcurrent }
        if spec.transaction == true, concurrent {
            diagnostics.append(Diagnostic("CONCURRENTLY cannot run inside a transaction, but this spec says `transaction: true`",
                                          at: spec.fields["transaction"] ?? spec.location,
                                          fix: "remove `transaction: true` (mgen runs this migration outside a transaction)"))
        }

        // The down: explicit, derived, or none for an irreversible migration.
        var downOperations: [(Operation, SourceLocation, FieldLocations)]?
        if let explicit = spec.down {
            downOperations = []
            var probe = after
            for located in explicit {
                for operation in expand(located.value, in: probe) {
                    downOperations?.append((operation, located.location, located.fields))
                    probe.mutate(operation)
                }
            }
        } else {
            var derived: [(Operation, SourceLocation, FieldLocations)] = []
            derived.reserveCapacity(up.count + 2)
            var missing: [Step] = []
            for step in up.reversed() {
                if let inverse = step.operation.inverse(in: step.before) {
                    derived += inverse.map { ($0, step.location, [:]) }
                } else {
                    missing.append(step)
                }
            }
            if missing.isEmpty, spec.irreversible == nil {
                downOperations = withoutDropsBeforeDropTable(derived)
            } else if spec.irreversible == nil {
                for step in missing {
                    // spec 1.1: altering in place (a table option whose old value the spec does not know)
                    if let reason = step.operation.noInverseReason(in: step.before) {
                        diagnostics.append(Diagnostic("\(step.operation.kind) has no derived down: \(reason)", at: step.location,
                                                      fix: "give the spec a `down:` list, or say why it cannot be undone with `irreversible: \"reason\"`"))
                        continue
                    }
                    diagnostics.append(Diagnostic("`sql` without `down` has no inverse, so this migration cannot be rolled back",
                                                  at: step.location,
                                                  fix: "give the sql step a `down:`, give the spec a `down:` list, or say why it cannot be undone with `irreversible: \"reason\"`"))
                }
            }
        }
        var down: [Step]?
        var warnings: [Diagnostic] = []
        if let downOperations {
            var steps: [Step] = []
            steps.reserveCapacity(downOperations.count)
            state = after
            for (written, location, fields) in downOperations {
                let before = state
                let operation = written.resolved(in: before)
                do {
                    // A derived down is valid by construction (and checked against the start state
                    // below); only an explicit one, written by hand, is validated step by step.
                    if spec.down == nil { state.mutate(operation) } else { try state.apply(operation, at: location, fields: fields) }
                    steps.append(Step(operation: operation, location: location, before: before, dataLoss: operation.dataLoss(in: before)))
                } catch {
                    diagnostics += error.diagnostics.map { var d = $0; d.message = "in the down: " + d.message; return d }
                }
            }
            let opaque = downOperations.contains { if case .sql = $0.0 { true } else { false } }
                || up.contains { if case .sql = $0.operation { true } else { false } }
            var touched: Set<String> = []
            func touch(_ op: Operation) {
                if case let .renameTable(from, to) = op { touched.insert(from); touched.insert(to) } else if let table = op.table { touched.insert(table) }
            }
            for step in up { touch(step.operation) }
            for entry in downOperations { touch(entry.0) }
            if diagnostics.isEmpty, !opaque, !state.isEquivalent(to: start, on: touched) {
                warnings.append(Diagnostic("the down of '\(spec.id)' does not return the schema to where the up started",
                                           severity: .warning, at: spec.fields["down"] ?? spec.location,
                                           fix: "run `mgen verify` to see the difference"))
            }
            down = steps
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return PlannedMigration(migration: spec, parent: parent, up: up, down: down, before: start, after: after,
                                runsInTransaction: spec.transaction ?? !concurrent, warnings: warnings)
    }

    /// Makes implicit effects explicit, so every dialect and framework does the same thing:
    /// dropping a column first drops the indexes and constraints that use it (PostgreSQL would drop
    /// them silently, MySQL would shrink a multi-column index, SQLite would refuse).
    static func expand(_ operation: Operation, in state: SchemaState) -> [Operation] {
        guard case let .dropColumn(tableName, column) = operation, let table = state.table(tableName) else { return [operation] }
        let indexes = state.indexes(on: tableName).filter { index in
            index.columnNames.contains(column) || index.parts.contains { if case let .expression(e) = $0 { mentions(e, column) } else { false } }
                || index.predicate.map { mentions($0, column) } == true
                || index.include.contains(column)  // spec 1.1: index options
        }
        let constraints = table.foreignKeys.filter { $0.columns.contains(column) }.map(\.name)
            + table.uniques.filter { $0.columns.contains(column) }.map(\.name)
        return indexes.map { .dropIndex(name: $0.name, table: tableName, concurrently: false) }
            + constraints.map { .dropConstraint(table: tableName, name: $0) }
            + [operation]
    }
}

/// A derived down that drops a table need not first drop its indexes and constraints one by one:
/// DROP TABLE takes them along (and MySQL would refuse to drop an index a foreign key still needs).
func withoutDropsBeforeDropTable(_ operations: [(Operation, SourceLocation, FieldLocations)])
    -> [(Operation, SourceLocation, FieldLocations)] {
    operations.enumerated().filter { position, entry in
        let table: String
        switch entry.0 {
        case let .dropIndex(_, t, _), let .dropConstraint(t, _): table = t
        default: return true
        }
        for later in operations[(position + 1)...] {
            if case let .dropTable(t) = later.0, t == table { return false }
            if later.0.table == table { return true }
        }
        return true
    }.map(\.element)
}

/// What makes two ids the same: numeric ids compare as numbers (`02` and `0002` are one id,
/// which a chain must not have twice), others as text.
func idKey(_ id: String) -> Substring {
    guard !id.isEmpty, id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return Substring(id) }
    let significant = id.drop { $0 == "0" }
    return significant.isEmpty ? "0" : significant
}

/// Numeric ids sort as numbers (`9` before `10`), others as text.
public func idPrecedes(_ a: String, _ b: String) -> Bool {
    if let x = UInt64(a), let y = UInt64(b), x != y { return x < y }
    return a.count == b.count || UInt64(a) == nil || UInt64(b) == nil ? a < b : a.count < b.count
}
