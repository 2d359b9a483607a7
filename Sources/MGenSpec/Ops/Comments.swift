/// spec 1.1: a comment on an existing table (`comment_table`), without restating the table.
/// A column's comment changes with `alter_column {table, column, comment}`, which restates nothing
/// either. Parsing, validation and inversion in one place.

extension OperationParser {
    static let commentFields: [String: [String]] = [
        "comment_table": ["table", "comment"],
    ]

    /// `comment: null` removes the comment; the field itself is required, so a forgotten comment
    /// is an error rather than a silent removal.
    static func commentStep(_ kind: String, _ f: Fields) -> Operation? {
        let table = f.name("table")
        guard let node = f.node("comment") else {
            f.sink.error("missing required field 'comment' in \(f.context)", at: f.sink.location(f.node),
                         fix: "add `comment: <text>`, or `comment: null` to remove the comment")
            return nil
        }
        if case .null = node.kind { return table.map { .commentTable(table: $0, comment: nil) } }
        guard let comment = f.string("comment"), let table else { return nil }
        return .commentTable(table: table, comment: comment)
    }
}

extension Validator {
    mutating func checkComment(_ operation: Operation) {
        guard case let .commentTable(tableName, comment) = operation, let table = requireTable(tableName) else { return }
        if table.comment == comment {
            error(comment == nil ? "table '\(tableName)' has no comment to remove" : "table '\(tableName)' already has that comment",
                  field: "comment", fix: "drop this step, or give another comment")
        }
    }
}

extension Operation {
    /// The comment the table had before (none: `comment: null`).
    func commentInverse(in before: SchemaState) -> [Operation]? {
        guard case let .commentTable(table, _) = self else { return nil }
        return [.commentTable(table: table, comment: before.table(table)?.comment)]
    }
}
