import Foundation
import MGenSpec

/// A connection to a real database. Not thread-safe: use one connection from one task at a time.
public protocol Database: AnyObject {
    var dialect: Dialect { get }
    /// Runs one statement (no result rows expected; any are discarded).
    func execute(_ sql: String) throws
    /// Runs one statement and returns its rows, in the order the server returned them, as
    /// column name → text value (nil for SQL NULL).
    func query(_ sql: String) throws -> [[String: String?]]
    /// Closes the connection; further calls fail. Safe to call twice.
    func close()
}

extension Database {
    /// Runs statements one by one, in order; stops at the first failure.
    public func executeScript(_ statements: [String]) throws {
        for statement in statements where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            try execute(statement)
        }
    }

    /// The first column of the first row, or nil when there is no row or the value is NULL.
    public func scalar(_ sql: String) throws -> String? {
        guard let row = try query(sql).first else { return nil }
        // Rows are dictionaries; a scalar query has one column.
        return row.values.first ?? nil
    }
}

/// A failure reported by a database (or by connecting to one). Carries the SQL that failed and
/// the server's message; never a password (URLs in messages are redacted).
public struct DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    public var dialect: Dialect
    /// The statement that failed; nil for connection and library errors.
    public var sql: String?
    /// The server's (or client library's) message, trimmed.
    public var message: String
    /// SQLSTATE (PostgreSQL), error number (MySQL) or result code (SQLite), when known.
    public var code: String?

    public init(dialect: Dialect, sql: String? = nil, message: String, code: String? = nil) {
        self.dialect = dialect
        self.sql = sql
        self.message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        self.code = code
    }

    public var description: String {
        var text = "\(dialect) error"
        if let code { text += " [\(code)]" }
        text += ": \(message)"
        if let sql {
            let shown = sql.count > 2000 ? String(sql.prefix(2000)) + "…" : sql
            text += "\n  while running: \(shown)"
        }
        return text
    }
}

/// Opens a connection to the database a URL names.
public func open(_ url: DatabaseURL) throws -> Database {
    switch url.dialect {
    case .sqlite: return try SQLiteDatabase(url: url)
    case .postgresql: return try PostgresDatabase(url: url)
    case .mysql: return try MySQLDatabase(url: url)
    }
}

/// Quotes an identifier for a dialect (used for names mgen makes up, such as scratch databases).
public func quoteIdentifier(_ name: String, _ dialect: Dialect) -> String {
    // spec 1.1: schemas. A table of another schema, as the state keys it: `"billing"."invoices"`.
    if QualifiedName.isQualified(name) {
        let qualified = QualifiedName(name)
        return (qualified.schema.map { quoteIdentifier($0, dialect) + "." } ?? "") + quoteIdentifier(qualified.name, dialect)
    }
    switch dialect {
    case .mysql: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    case .postgresql, .sqlite: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Quotes a string literal (standard SQL: double the single quotes; MySQL also escapes backslashes).
public func quoteLiteral(_ value: String, _ dialect: Dialect) -> String {
    var escaped = value.replacingOccurrences(of: "'", with: "''")
    if dialect == .mysql { escaped = escaped.replacingOccurrences(of: "\\", with: "\\\\") }
    return "'" + escaped + "'"
}
