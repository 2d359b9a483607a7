import Foundation
import MGenSpec

/// Where a database lives, parsed from the URLs users write:
///
/// - `sqlite::memory:`, `sqlite:path/to.db`, `sqlite:///abs/path.db`, or a bare path ending in
///   `.db`, `.sqlite` or `.sqlite3`;
/// - `postgres://user:pass@host:port/db?sslmode=disable&host=/socket/dir` (also `postgresql://`);
/// - `mysql://user:pass@host:port/db?socket=/path` (also `mariadb://`).
///
/// User and password are percent-decoded. Without a password in the URL, connecting uses
/// `PGPASSWORD` / `MYSQL_PWD`. `description` never shows a password (`user:***@`, `?password=***`).
public struct DatabaseURL: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var dialect: Dialect
    /// The scheme as written (`postgres`, `postgresql`, `mysql`, `mariadb`, `sqlite`), kept for `description`.
    public var scheme: String
    public var user: String?
    public var password: String?
    public var host: String?
    public var port: Int?
    /// The database name; for SQLite, the file path or `:memory:`.
    public var database: String?
    /// Query parameters (`sslmode`, `host`, `socket`, `connect_timeout`, ...), decoded.
    public var options: [String: String]

    public init(
        dialect: Dialect, user: String? = nil, password: String? = nil, host: String? = nil,
        port: Int? = nil, database: String? = nil, options: [String: String] = [:], scheme: String? = nil
    ) {
        self.dialect = dialect
        self.scheme = scheme ?? dialect.rawValue
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.options = options
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ParseError(message: "empty database URL") }
        let lower = trimmed.lowercased()

        // SQLite: no authority, the rest is a path.
        for prefix in ["sqlite3:", "sqlite:"] where lower.hasPrefix(prefix) {
            var path = String(trimmed.dropFirst(prefix.count))
            if path.hasPrefix("//") { path.removeFirst(2) }  // sqlite:///abs → /abs, sqlite://rel → rel
            if path.isEmpty || path == ":memory:" { path = ":memory:" }
            self.init(dialect: .sqlite, database: path, scheme: String(prefix.dropLast()))
            return
        }
        guard let schemeEnd = trimmed.range(of: "://") else {
            if [".db", ".sqlite", ".sqlite3"].contains(where: { lower.hasSuffix($0) }) {
                self.init(dialect: .sqlite, database: trimmed, scheme: "sqlite")
                return
            }
            throw ParseError(message: "not a database URL: expected sqlite:PATH, postgres://… or mysql://…")
        }
        let scheme = String(trimmed[..<schemeEnd.lowerBound]).lowercased()
        let dialect: Dialect
        switch scheme {
        case "postgres", "postgresql", "pg": dialect = .postgresql
        case "mysql", "mariadb": dialect = .mysql
        default: throw ParseError(message: "unsupported database URL scheme '\(scheme)': use postgres, postgresql, mysql, mariadb or sqlite")
        }
        var rest = Substring(trimmed[schemeEnd.upperBound...])

        // User info ends at the last '@' so that passwords may contain '/', '?', ':' or '@'
        // unencoded; query values containing '@' must then be percent-encoded.
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                user = Self.decode(info[..<colon])
                password = Self.decode(info[info.index(after: colon)...])
            } else {
                user = Self.decode(info)
            }
            if user == "" { user = nil }
        }

        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]

        var host: String?
        var port: Int?
        var hostPart = authority
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {  // [::1]:5432
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            hostPart = hostPart[hostPart.index(after: close)...]
            if hostPart.hasPrefix(":") { hostPart = hostPart.dropFirst() } else { hostPart = "" }
            if !hostPart.isEmpty {
                guard let p = Int(hostPart), (1...65535).contains(p) else { throw ParseError(message: "invalid port: expected a number from 1 to 65535 after the host's ':'") }
                port = p
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = Self.decode(hostPart[..<colon])
            let portText = hostPart[hostPart.index(after: colon)...]
            if !portText.isEmpty {
                // Not echoed: in `user:secret/db` (no '@') the "port" is a password.
                guard let p = Int(portText), (1...65535).contains(p) else { throw ParseError(message: "invalid port: expected a number from 1 to 65535 after the host's ':'") }
                port = p
            }
        } else {
            host = Self.decode(hostPart)
        }
        if host == "" { host = nil }

        var database: String?
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        if !rest.isEmpty { database = Self.decode(rest) }

        var options: [String: String] = [:]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            if let eq = pair.firstIndex(of: "=") {
                options[Self.decode(pair[..<eq])] = Self.decode(pair[pair.index(after: eq)...])
            } else {
                options[Self.decode(pair)] = ""
            }
        }
        self.init(dialect: dialect, user: user, password: password, host: host, port: port,
                  database: database, options: options, scheme: scheme)
    }

    private static func decode<S: StringProtocol>(_ text: S) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The password to connect with: the URL's (`user:password@` or `?password=`), else
    /// `PGPASSWORD` / `MYSQL_PWD`.
    public var effectivePassword: String? {
        if let password { return password }
        if let password = options["password"] { return password }
        let env = ProcessInfo.processInfo.environment
        switch dialect {
        case .postgresql: return env["PGPASSWORD"]
        case .mysql: return env["MYSQL_PWD"]
        case .sqlite: return nil
        }
    }

    /// The unix socket: `?socket=` (MySQL), or `?host=/dir` (PostgreSQL: the socket directory).
    public var socket: String? {
        if let s = options["socket"], !s.isEmpty { return s }
        if let h = options["host"], h.hasPrefix("/") { return h }
        if let host, host.hasPrefix("/") { return host }
        return nil
    }

    public var isInMemory: Bool { dialect == .sqlite && (database ?? ":memory:") == ":memory:" }

    /// The same server, another database (for SQLite: another file path).
    public func withDatabase(_ name: String?) -> DatabaseURL {
        var copy = self
        copy.database = name
        return copy
    }

    /// The URL, password shown as `***`.
    public var description: String { render(redacted: true) }

    /// The URL with the password (for handing to tools that need it). Do not log this.
    public var unredacted: String { render(redacted: false) }

    private func render(redacted: Bool) -> String {
        if dialect == .sqlite { return "sqlite:" + (database ?? ":memory:") }
        var text = scheme + "://"
        if let user {
            text += Self.encode(user)
            if let password { text += ":" + (redacted ? "***" : Self.encode(password)) }
            text += "@"
        } else if password != nil {
            text += ":" + (redacted ? "***" : Self.encode(password ?? "")) + "@"
        }
        if let host { text += host.contains(":") ? "[\(host)]" : Self.encode(host) }
        if let port { text += ":\(port)" }
        if let database { text += "/" + Self.encode(database) }
        if !options.isEmpty {
            let pairs = options.keys.sorted().map { key in
                let value = redacted && Self.isSecret(key) ? "***" : Self.encode(options[key] ?? "").replacingOccurrences(of: "%2F", with: "/")
                return Self.encode(key) + "=" + value
            }
            text += "?" + pairs.joined(separator: "&")
        }
        return text
    }

    /// Query parameters that carry a secret (`?password=`, `?sslpassword=`, ...): shown as `***`.
    static func isSecret(_ key: String) -> Bool {
        let key = key.lowercased()
        return key.contains("password") || key.contains("passwd") || key == "pwd" || key.contains("secret") || key.contains("token")
    }

    /// Opens a connection (same as `open(_:)`).
    public func connect() throws -> Database { try MGenVerify.open(self) }
}
