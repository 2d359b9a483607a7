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
///
/// On PostgreSQL a transactional direction goes to the server as one query string (`BEGIN; …;
/// COMMIT`): one round trip instead of one per statement. When it fails, nothing of it stayed
/// (the transaction is rolled back), and it runs again statement by statement, which fails at
/// the same statement and says which.
func applyTracked(_ statements: [String], transactional: Bool, on db: Database) throws {
    let wrap = transactional && db.dialect != .mysql && !statements.isEmpty
    if wrap, db.dialect == .postgresql, statements.count > 1 {
        // Each statement on its own lines: a trailing `-- comment` cannot swallow the separator.
        let batch = "BEGIN;\n" + statements.map { $0 + "\n;\n" }.joined() + "COMMIT"
        do {
            try db.execute(batch)
            return
        } catch is DatabaseError {
            try? db.execute("ROLLBACK")
        }
    }
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
