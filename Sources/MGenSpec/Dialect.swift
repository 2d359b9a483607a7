/// The SQL dialects mgen renders for. `mysql` is the common ground of MySQL 8.0 and MariaDB 10.11:
/// what only one of them accepts is reported as an error rather than emitted.
public enum Dialect: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case postgresql
    case mysql
    case sqlite

    /// Names users write for each dialect (`--dialect postgres`, `mariadb`, `sqlite3`, ...).
    public init?(name: String) {
        switch name.lowercased() {
        case "postgresql", "postgres", "pg", "psql": self = .postgresql
        case "mysql", "mariadb": self = .mysql
        case "sqlite", "sqlite3": self = .sqlite
        default: return nil
        }
    }

    public var description: String { rawValue }
}
