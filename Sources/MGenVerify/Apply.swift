import MGenSpec

/// Applies one direction of one migration the way migration runners do: inside one transaction
/// when the migration is transactional and the dialect has transactional DDL (rolled back on
/// failure), else statement by statement.
public func apply(_ statements: [String], transactional: Bool, on db: Database) throws {
    let wrap = transactional && db.dialect != .mysql && !statements.isEmpty
    if wrap { try db.execute("BEGIN") }
    do {
        try db.executeScript(statements)
        if wrap { try db.execute("COMMIT") }
    } catch {
        if wrap { try? db.execute("ROLLBACK") }
        throw error
    }
}

/// A statement of a direction failed: which one, and whether the transaction around them was
/// rolled back (so a retry starts from the first statement) or earlier ones stay applied.
struct StatementFailure: Error {
    var index: Int
    var rolledBack: Bool
    var error: DatabaseError
}

/// `apply`, telling which statement failed (verify retries from there on empty tables).
func applyTracked(_ statements: [String], transactional: Bool, on db: Database) throws {
    let wrap = transactional && db.dialect != .mysql && !statements.isEmpty
    if wrap { try db.execute("BEGIN") }
    var index = 0
    do {
        for (i, statement) in statements.enumerated() where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            index = i
            try db.execute(statement)
        }
        if wrap { try db.execute("COMMIT") }
    } catch let error as DatabaseError {
        if wrap { try? db.execute("ROLLBACK") }
        throw StatementFailure(index: index, rolledBack: wrap, error: error)
    } catch {
        if wrap { try? db.execute("ROLLBACK") }
        throw error
    }
}
