import MGenSpec

/// spec 1.1: data steps — `insert`, `delete` and `update` as each dialect writes them. They are
/// ordinary statements, so they run in the migration's transaction.
extension SQLDialect {
    /// The statements of a data step (`SQLRenderer`'s table sends the three kinds here).
    public func dataStep(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        switch operation {
        case let .insert(rows): return try insertRows(rows)
        case let .delete(delete): return try deleteRows(delete, context)
        case let .update(update): return [try updateRows(update)]
        default: throw Unsupported("\(operation.kind) is not a data step")
        }
    }

    /// One INSERT per run of rows that give the same columns (a multi-row VALUES list).
    public func insertRows(_ data: DataRows) throws(Unsupported) -> [SQLStatement] {
        var out: [SQLStatement] = []
        var run: [DataRow] = []
        func flush() throws(Unsupported) {
            guard let first = run.first else { return }
            var values: [String] = []
            for row in run { values.append("(" + (try row.values.map { v throws(Unsupported) in try value(v, table: data.table) }).joined(separator: ", ") + ")") }
            out.append(SQLStatement("INSERT INTO \(quote(data.table)) (\(quoteList(first.columns))) VALUES \(values.joined(separator: ", "))"))
            run = []
        }
        for row in data.rows {
            if let first = run.first, first.columns != row.columns { try flush() }
            run.append(row)
        }
        try flush()
        return out
    }

    /// Rows by key (`WHERE "id" IN (1, 2)`, or one `(a = … AND b = …)` per row), or a predicate.
    public func deleteRows(_ delete: DeleteRows, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        switch delete.selection {
        case let .predicate(predicate, _):
            guard let text = predicate.text(for: dialect) else {
                throw Unsupported("the `where` of this delete has no text for \(dialect)", fix: "add `\(dialect): ...` or `default: ...` to it")
            }
            return [SQLStatement("DELETE FROM \(quote(delete.table)) WHERE \(text)")]
        case let .rows(data):
            guard let key = data.keyColumns(in: context.before), !key.isEmpty else {
                throw Unsupported("delete from '\(delete.table)' has no key to find its rows by", fix: "add `key: [<column>, ...]`")
            }
            // One key column: `"id" IN (1, 2)`; several: `("a" = 1 AND "b" = 'x') OR (…)` (SQLite
            // reads row values on the right of IN only from a subquery).
            var conditions: [String] = []
            for row in data.rows {
                var parts: [String] = []
                for column in key {
                    guard let v = row.value(column) else { throw Unsupported("a row of delete from '\(delete.table)' has no value for key column '\(column)'") }
                    let rendered = try value(DataValue(column: column, value: v), table: delete.table)
                    parts.append(key.count == 1 ? rendered : "\(quote(column)) = \(rendered)")
                }
                conditions.append(key.count == 1 ? parts[0] : "(" + parts.joined(separator: " AND ") + ")")
            }
            let predicate = key.count == 1 ? "\(quote(key[0])) IN (\(conditions.joined(separator: ", ")))" : conditions.joined(separator: " OR ")
            return [SQLStatement("DELETE FROM \(quote(delete.table)) WHERE \(predicate)")]
        }
    }

    /// PostgreSQL and MySQL override the joined form; this is SQLite's (and the plain UPDATE of all).
    public func updateRows(_ update: UpdateRows) throws(Unsupported) -> SQLStatement {
        let assignments = try updateAssignments(update)
        let predicate = try text(update.predicate, "where", update)
        guard let from = update.from, let on = try text(update.on, "on", update) else {
            return SQLStatement("UPDATE \(quote(update.table)) SET \(assignments.map { "\(quote($0.column)) = \($0.expression)" }.joined(separator: ", "))"
                                + (predicate.map { " WHERE \($0)" } ?? ""))
        }
        return try joinedUpdate(update, from: from, on: on, assignments: assignments, predicate: predicate)
    }

    /// Each column's expression in this dialect's spelling.
    func updateAssignments(_ update: UpdateRows) throws(Unsupported) -> [(column: String, expression: String)] {
        var out: [(column: String, expression: String)] = []
        for assignment in update.assignments {
            guard let expression = assignment.expression.text(for: dialect) else {
                throw Unsupported("update of '\(update.table).\(assignment.column)' has no expression for \(dialect)",
                                  fix: "add `\(dialect): ...` or `default: ...` to its expression")
            }
            out.append((assignment.column, expression))
        }
        return out
    }

    func text(_ sql: DialectSQL?, _ field: String, _ update: UpdateRows) throws(Unsupported) -> String? {
        guard let sql else { return nil }
        guard let text = sql.text(for: dialect) else {
            throw Unsupported("the `\(field)` of update '\(update.table)' has no text for \(dialect)", fix: "add `\(dialect): ...` or `default: ...` to it")
        }
        return text
    }

    /// A value for an INSERT or a key comparison: a literal in this dialect's spelling, or the SQL given.
    func value(_ value: DataValue, table: String) throws(Unsupported) -> String {
        switch value.value {
        case let .literal(l): literal(l)
        case let .sql(expression): expression
        }
    }
}

/// How each dialect joins another table into an UPDATE.
protocol JoinedUpdate {
    func joinedUpdate(_ update: UpdateRows, from: String, on: String, assignments: [(column: String, expression: String)],
                      predicate: String?) throws(Unsupported) -> SQLStatement
}

extension SQLDialect {
    func joinedUpdate(_ update: UpdateRows, from: String, on: String, assignments: [(column: String, expression: String)],
                      predicate: String?) throws(Unsupported) -> SQLStatement {
        if let joined = self as? any JoinedUpdate {
            return try joined.joinedUpdate(update, from: from, on: on, assignments: assignments, predicate: predicate)
        }
        // SQLite: one correlated subquery per column (UPDATE … FROM needs 3.33, older than some
        // frameworks' bundled SQLite), and only rows with a match change, as with a join.
        let condition = "(\(on))" + (predicate.map { " AND (\($0))" } ?? "")
        let source = "FROM \(quote(from)) WHERE \(condition)"
        let sets = assignments.map { "\(quote($0.column)) = (SELECT \($0.expression) \(source))" }.joined(separator: ", ")
        return SQLStatement("UPDATE \(quote(update.table)) SET \(sets) WHERE EXISTS (SELECT 1 \(source))")
    }
}

extension PostgreSQLDialect: JoinedUpdate {
    /// `UPDATE t SET c = … FROM other WHERE on AND where`.
    func joinedUpdate(_ update: UpdateRows, from: String, on: String, assignments: [(column: String, expression: String)],
                      predicate: String?) throws(Unsupported) -> SQLStatement {
        let sets = assignments.map { "\(quote($0.column)) = \($0.expression)" }.joined(separator: ", ")
        return SQLStatement("UPDATE \(quote(update.table)) SET \(sets) FROM \(quote(from)) WHERE (\(on))" + (predicate.map { " AND (\($0))" } ?? ""))
    }
}

extension MySQLDialect: JoinedUpdate {
    /// `UPDATE t JOIN other ON on SET t.c = … WHERE where` (columns qualified: both tables are in scope).
    func joinedUpdate(_ update: UpdateRows, from: String, on: String, assignments: [(column: String, expression: String)],
                      predicate: String?) throws(Unsupported) -> SQLStatement {
        let sets = assignments.map { "\(quote(update.table)).\(quote($0.column)) = \($0.expression)" }.joined(separator: ", ")
        return SQLStatement("UPDATE \(quote(update.table)) JOIN \(quote(from)) ON \(on) SET \(sets)" + (predicate.map { " WHERE \($0)" } ?? ""))
    }
}
