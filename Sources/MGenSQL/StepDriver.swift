import MGenSpec

/// Which way a migration runs.
public enum Direction: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case up
    case down
    public var description: String { rawValue }
}

extension PlannedMigration {
    /// The steps of one direction; nil for the down of an irreversible migration.
    public func steps(_ direction: Direction) -> [Step]? { direction == .up ? up : down }
    /// The state a direction ends in.
    public func end(_ direction: Direction) -> SchemaState { direction == .up ? after : before }
}

/// What a renderer throws when it cannot render a step. `Unsupported` is the one error type for
/// "this target cannot render this step" (the message and the fix; the driver adds the spec's
/// place, the operation and who renders); a `DiagnosticError` a renderer located itself passes on.
public protocol StepFailure: Error {
    func diagnostics(for step: Step, renderer: String) -> [Diagnostic]
}

extension Unsupported: StepFailure {
    /// `<message> (<target>, <dialect>)` at the operation's place in the spec, the operation's
    /// kind as the object, and the fix.
    public func diagnostics(for step: Step, renderer: String) -> [Diagnostic] {
        [Diagnostic("\(message) (\(renderer))", at: step.location, object: step.operation.kind, fix: fix)]
    }

    /// Django's renderer spells its failures this way.
    public init(message: String, fix: String? = nil) { self.init(message, fix: fix) }
}

extension DiagnosticError: StepFailure {
    public func diagnostics(for step: Step, renderer: String) -> [Diagnostic] { diagnostics }
}

/// The one step loop: walks a migration's steps in one direction, each with the states before and
/// after it (`StepContext`), and hands it to a renderer (MGenSQL's own, or a target's table of
/// per-operation renderers). Every step is tried, so every problem is reported together.
public struct StepDriver: Sendable {
    public var migration: PlannedMigration
    /// Who renders, for messages: `postgresql`, or `alembic, postgresql`.
    public var renderer: String
    /// Whether the steps render for a transaction (a backfill commits per batch when not).
    public var inTransaction: Bool

    public init(_ migration: PlannedMigration, target: String? = nil, dialect: Dialect, inTransaction: Bool? = nil) {
        self.migration = migration
        self.renderer = target.map { "\($0), \(dialect)" } ?? dialect.rawValue
        self.inTransaction = inTransaction ?? migration.runsInTransaction
    }

    /// Calls `render` for every step of `direction`; a failure becomes diagnostics in
    /// `diagnostics` and the walk goes on. False when the direction has no steps (an irreversible
    /// migration's down).
    @discardableResult
    public func forEach<Failure: StepFailure>(_ direction: Direction, into diagnostics: inout [Diagnostic],
                                              _ render: (Step, StepContext) throws(Failure) -> Void) -> Bool {
        guard let steps = migration.steps(direction) else { return false }
        for (step, context) in StepContext.pairs(steps, end: migration.end(direction), inTransaction: inTransaction,
                                                  migrationID: migration.id, direction: direction) {
            do throws(Failure) {
                try render(step, context)
            } catch {
                diagnostics += error.diagnostics(for: step, renderer: renderer)
            }
        }
        return true
    }

    /// What `render` gives for every step of `direction`, in order (nil: no down); every failure
    /// thrown together.
    public func map<T, Failure: StepFailure>(_ direction: Direction,
                                             _ render: (Step, StepContext) throws(Failure) -> T) throws(DiagnosticError) -> [T]? {
        var diagnostics: [Diagnostic] = []
        var out: [T] = []
        out.reserveCapacity(migration.steps(direction)?.count ?? 0)
        let walked = forEach(direction, into: &diagnostics) { (step, context) throws(Failure) in out.append(try render(step, context)) }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return walked ? out : nil
    }
}
