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
