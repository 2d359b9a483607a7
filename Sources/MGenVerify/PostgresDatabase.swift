import CLibPQ
import Foundation
import MGenSpec

/// PostgreSQL through libpq. Each `execute` is one `PQexec` of one statement, outside any
/// transaction mgen did not open, so `CREATE INDEX CONCURRENTLY` works.
public final class PostgresDatabase: Database {
    public let dialect: Dialect = .postgresql
    private var connection: OpaquePointer?

    public init(url: DatabaseURL) throws {
        // Keyword/value arrays: no conninfo quoting to get wrong, and the password never
        // passes through a string we might print.
        var params: [(String, String)] = []
        // `?host=/dir` (a socket directory) wins over the authority's host, as in libpq URIs.
        if let host = url.socket ?? url.options["host"] ?? url.host { params.append(("host", host)) }
        if let port = url.port { params.append(("port", String(port))) }
        if let user = url.user { params.append(("user", user)) }
        if let password = url.effectivePassword { params.append(("password", password)) }
        if let database = url.database { params.append(("dbname", database)) }
        // Everything else is a libpq keyword (sslmode, connect_timeout, application_name, …),
        // except Prisma-style `schema`, applied as the search_path below.
        for key in url.options.keys.sorted() where !["host", "socket", "schema"].contains(key) {
            params.append((key, url.options[key] ?? ""))
        }
        if !params.contains(where: { $0.0 == "connect_timeout" }) { params.append(("connect_timeout", "10")) }

        let keys = params.map { strdup($0.0) }
        let values = params.map { strdup($0.1) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keyPointers: [UnsafePointer<CChar>?] = keys.map { UnsafePointer($0) } + [nil]
        var valuePointers: [UnsafePointer<CChar>?] = values.map { UnsafePointer($0) } + [nil]
        let conn = keyPointers.withUnsafeMutableBufferPointer { k in
            valuePointers.withUnsafeMutableBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            PQfinish(conn)
            throw DatabaseError(dialect: .postgresql, message: "cannot connect to \(url): \(message)")
        }
        connection = conn
        // Notices (e.g. "table does not exist, skipping") would go to stderr: drop them.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        try execute("SET client_min_messages = warning")
        if let schema = url.options["schema"], !schema.isEmpty {
            try execute("SET search_path TO \(quoteIdentifier(schema, .postgresql))")
        }
    }

    deinit { close() }

    public func close() {
        if let connection { PQfinish(connection) }
        connection = nil
    }

    public func execute(_ sql: String) throws {
        _ = try run(sql, collect: false)
    }

    public func query(_ sql: String) throws -> [[String: String?]] {
        try run(sql, collect: true)
    }

    private func run(_ sql: String, collect: Bool) throws -> [[String: String?]] {
        guard let conn = connection else { throw DatabaseError(dialect: .postgresql, sql: sql, message: "connection is closed") }
        guard let result = PQexec(conn, sql) else {
            throw DatabaseError(dialect: .postgresql, sql: sql, message: String(cString: PQerrorMessage(conn)))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            guard collect else { return [] }
            let columns = (0..<PQnfields(result)).map { i in
                PQfname(result, i).map { String(cString: $0) } ?? "column\(i + 1)"
            }
            var rows: [[String: String?]] = []
            for r in 0..<PQntuples(result) {
                var row: [String: String?] = [:]
                for (c, name) in columns.enumerated() {
                    let c = Int32(c)
                    if PQgetisnull(result, r, c) == 1 {
                        row[name] = .some(nil)
                    } else {
                        row[name] = PQgetvalue(result, r, c).map { String(cString: $0) } ?? ""
                    }
                }
                rows.append(row)
            }
            return rows
        default:
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            // PG_DIAG_SQLSTATE is the character 'C'.
            let code = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw DatabaseError(dialect: .postgresql, sql: sql, message: message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message, code: code)
        }
    }

    /// The server's major version (e.g. 15), from `server_version_num`.
    public var serverMajorVersion: Int {
        guard let connection else { return 0 }
        return Int(PQserverVersion(connection)) / 10000
    }
}
