import Foundation
import MGenSpec

/// libpq, loaded with dlopen at run time (as MariaDB Connector/C is): linked in, it and the
/// Kerberos, LDAP and TLS libraries it pulls in would be bound at every start of `mgen`, which
/// cost more than most commands take. Only the calls the client uses are bound; their C types and
/// the few enum values it reads (stable in libpq's ABI) are declared here.
final class LibPQ: @unchecked Sendable {  // immutable after init
    typealias ConnectFn = @convention(c) (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> OpaquePointer?
    typealias StatusFn = @convention(c) (OpaquePointer?) -> UInt32
    typealias MessageFn = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    typealias FinishFn = @convention(c) (OpaquePointer?) -> Void
    typealias NoticeProcessor = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void
    typealias SetNoticeProcessorFn = @convention(c) (OpaquePointer?, NoticeProcessor?, UnsafeMutableRawPointer?) -> NoticeProcessor?
    typealias ExecFn = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    typealias CountFn = @convention(c) (OpaquePointer?) -> Int32
    typealias FieldNameFn = @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    typealias ValueFn = @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    typealias IsNullFn = @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    typealias ErrorFieldFn = @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?

    // ConnStatusType and ExecStatusType (libpq-fe.h).
    static let connectionOK: UInt32 = 0
    static let emptyQuery: UInt32 = 0, commandOK: UInt32 = 1, tuplesOK: UInt32 = 2

    let connectdbParams: ConnectFn
    let status: StatusFn
    let errorMessage: MessageFn
    let finish: FinishFn
    let setNoticeProcessor: SetNoticeProcessorFn
    let exec: ExecFn
    let resultStatus: StatusFn
    let nfields: CountFn
    let ntuples: CountFn
    let fname: FieldNameFn
    let getvalue: ValueFn
    let getisnull: IsNullFn
    let clear: FinishFn
    let resultErrorMessage: MessageFn
    let resultErrorField: ErrorFieldFn

    /// Loaded once per process; the failure, if any, is remembered too.
    static let shared = DynamicLibrary.once(.postgresql) { try LibPQ() }

    private init() throws {
        let library = try DynamicLibrary(dialect: .postgresql, files: ["libpq.so.5", "libpq.5.dylib", "libpq.dylib"], package: "libpq5")
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T { try library.symbol(name, type) }
        connectdbParams = try symbol("PQconnectdbParams", ConnectFn.self)
        status = try symbol("PQstatus", StatusFn.self)
        errorMessage = try symbol("PQerrorMessage", MessageFn.self)
        finish = try symbol("PQfinish", FinishFn.self)
        setNoticeProcessor = try symbol("PQsetNoticeProcessor", SetNoticeProcessorFn.self)
        exec = try symbol("PQexec", ExecFn.self)
        resultStatus = try symbol("PQresultStatus", StatusFn.self)
        nfields = try symbol("PQnfields", CountFn.self)
        ntuples = try symbol("PQntuples", CountFn.self)
        fname = try symbol("PQfname", FieldNameFn.self)
        getvalue = try symbol("PQgetvalue", ValueFn.self)
        getisnull = try symbol("PQgetisnull", IsNullFn.self)
        clear = try symbol("PQclear", FinishFn.self)
        resultErrorMessage = try symbol("PQresultErrorMessage", MessageFn.self)
        resultErrorField = try symbol("PQresultErrorField", ErrorFieldFn.self)
    }
}

/// PostgreSQL through libpq. Each `execute` is one `PQexec` of one statement, outside any
/// transaction mgen did not open, so `CREATE INDEX CONCURRENTLY` works.
public final class PostgresDatabase: Database {
    public let dialect: Dialect = .postgresql
    private var connection: OpaquePointer?
    private let pq: LibPQ
    /// Statements prepared on this connection (`PREPARE name`), by name.
    var prepared: Set<String> = []

    public init(url: DatabaseURL) throws {
        pq = try LibPQ.shared.get()
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
        for key in url.options.keys.sorted() where !["host", "socket", "schema", "password"].contains(key) {
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
                pq.connectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let conn, pq.status(conn) == LibPQ.connectionOK else {
            let message = conn.flatMap { pq.errorMessage($0) }.map { String(cString: $0) } ?? "out of memory"
            pq.finish(conn)
            throw DatabaseError(dialect: .postgresql, message: "cannot connect to \(url): \(message)")
        }
        connection = conn
        // Notices (e.g. "table does not exist, skipping") would go to stderr: drop them.
        _ = pq.setNoticeProcessor(conn, { _, _ in }, nil)
        try execute("SET client_min_messages = warning")
        if let schema = url.options["schema"], !schema.isEmpty {
            try execute("SET search_path TO \(quoteIdentifier(schema, .postgresql))")
        }
    }

    deinit { close() }

    public func close() {
        if let connection { pq.finish(connection) }
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
        guard let result = pq.exec(conn, sql) else {
            throw DatabaseError(dialect: .postgresql, sql: sql, message: pq.errorMessage(conn).map { String(cString: $0) } ?? "out of memory")
        }
        defer { pq.clear(result) }
        let status = pq.resultStatus(result)
        switch status {
        case LibPQ.commandOK, LibPQ.emptyQuery:
            return []
        case LibPQ.tuplesOK:
            guard collect else { return [] }
            let columns = (0..<pq.nfields(result)).map { i in
                pq.fname(result, i).map { String(cString: $0) } ?? "column\(i + 1)"
            }
            var rows: [[String: String?]] = []
            for r in 0..<pq.ntuples(result) {
                var row: [String: String?] = [:]
                for (c, name) in columns.enumerated() {
                    let c = Int32(c)
                    if pq.getisnull(result, r, c) == 1 {
                        row[name] = .some(nil)
                    } else {
                        row[name] = pq.getvalue(result, r, c).map { String(cString: $0) } ?? ""
                    }
                }
                rows.append(row)
            }
            return rows
        default:
            let message = pq.resultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            // PG_DIAG_SQLSTATE is the character 'C'.
            let code = pq.resultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw DatabaseError(dialect: .postgresql, sql: sql, message: message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message, code: code)
        }
    }
}
