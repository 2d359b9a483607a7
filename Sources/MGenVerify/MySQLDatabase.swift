import Foundation
import MGenSpec

/// MariaDB Connector/C, loaded with dlopen at run time so that building mgen needs no MySQL
/// headers and machines without MySQL still run everything else. Only the handful of calls
/// the client uses are bound; their C types are declared here.
final class MariaDBLibrary: @unchecked Sendable {  // immutable after init; the C library is thread-safe once initialised
    typealias InitFn = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias OptionsFn = @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32
    typealias ConnectFn = @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
        UnsafePointer<CChar>?, UInt32, UnsafePointer<CChar>?, UInt
    ) -> OpaquePointer?
    typealias QueryFn = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    typealias StoreResultFn = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias NumFieldsFn = @convention(c) (OpaquePointer?) -> UInt32
    typealias FetchFieldDirectFn = @convention(c) (OpaquePointer?, UInt32) -> UnsafeRawPointer?
    typealias FetchRowFn = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    typealias FetchLengthsFn = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UInt>?
    typealias FreeResultFn = @convention(c) (OpaquePointer?) -> Void
    typealias ErrorFn = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias ErrnoFn = @convention(c) (OpaquePointer?) -> UInt32
    typealias FieldCountFn = @convention(c) (OpaquePointer?) -> UInt32
    typealias CloseFn = @convention(c) (OpaquePointer?) -> Void
    typealias ServerInitFn = @convention(c) (Int32, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    typealias ServerInfoFn = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?

    // enum mysql_option (mysql.h): MYSQL_OPT_CONNECT_TIMEOUT = 0, MYSQL_SET_CHARSET_NAME = 7.
    static let optConnectTimeout: Int32 = 0
    static let optCharsetName: Int32 = 7

    let mysqlInit: InitFn
    let options: OptionsFn
    let realConnect: ConnectFn
    let query: QueryFn
    let storeResult: StoreResultFn
    let numFields: NumFieldsFn
    let fetchFieldDirect: FetchFieldDirectFn
    let fetchRow: FetchRowFn
    let fetchLengths: FetchLengthsFn
    let freeResult: FreeResultFn
    let error: ErrorFn
    let errno: ErrnoFn
    let fieldCount: FieldCountFn
    let close: CloseFn
    let serverInfo: ServerInfoFn

    /// Loaded once per process; the failure, if any, is remembered too.
    static let shared = DynamicLibrary.once(.mysql) { try MariaDBLibrary() }

    private init() throws {
        let library = try DynamicLibrary(dialect: .mysql, files: ["libmariadb.so.3", "libmariadb.3.dylib", "libmariadb.dylib"],
                                         package: "libmariadb3")
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T { try library.symbol(name, type) }
        mysqlInit = try symbol("mysql_init", InitFn.self)
        options = try symbol("mysql_options", OptionsFn.self)
        realConnect = try symbol("mysql_real_connect", ConnectFn.self)
        query = try symbol("mysql_query", QueryFn.self)
        storeResult = try symbol("mysql_store_result", StoreResultFn.self)
        numFields = try symbol("mysql_num_fields", NumFieldsFn.self)
        fetchFieldDirect = try symbol("mysql_fetch_field_direct", FetchFieldDirectFn.self)
        fetchRow = try symbol("mysql_fetch_row", FetchRowFn.self)
        fetchLengths = try symbol("mysql_fetch_lengths", FetchLengthsFn.self)
        freeResult = try symbol("mysql_free_result", FreeResultFn.self)
        error = try symbol("mysql_error", ErrorFn.self)
        errno = try symbol("mysql_errno", ErrnoFn.self)
        fieldCount = try symbol("mysql_field_count", FieldCountFn.self)
        close = try symbol("mysql_close", CloseFn.self)
        serverInfo = try symbol("mysql_get_server_info", ServerInfoFn.self)
        // mysql_init initialises the library lazily, which is not thread-safe; do it once here.
        let serverInit = try symbol("mysql_server_init", ServerInitFn.self)
        guard serverInit(0, nil, nil) == 0 else {
            throw DatabaseError(dialect: .mysql, message: "mysql_library_init failed")
        }
    }
}

/// MySQL or MariaDB through MariaDB Connector/C (text protocol, utf8mb4).
public final class MySQLDatabase: Database {
    public let dialect: Dialect = .mysql
    private let lib: MariaDBLibrary
    private var connection: OpaquePointer?
    /// `mysql_get_server_info`, e.g. `10.11.19-MariaDB-0+deb12u1` or `8.0.36`.
    public let serverVersion: String

    public var isMariaDB: Bool { serverVersion.lowercased().contains("mariadb") }

    public init(url: DatabaseURL) throws {
        let lib = try MariaDBLibrary.shared.get()
        self.lib = lib
        guard let conn = lib.mysqlInit(nil) else {
            throw DatabaseError(dialect: .mysql, message: "mysql_init failed (out of memory)")
        }
        var timeout: UInt32 = UInt32(url.options["connect_timeout"].flatMap { UInt32($0) } ?? 10)
        _ = lib.options(conn, MariaDBLibrary.optConnectTimeout, &timeout)
        _ = "utf8mb4".withCString { lib.options(conn, MariaDBLibrary.optCharsetName, $0) }

        // With a socket, the host must be "localhost" for the client to use it.
        let socket = url.socket
        let host = socket != nil ? "localhost" : (url.host ?? "localhost")
        let user = url.user  // nil: the library uses the login name, as the mysql client does
        let password = url.effectivePassword
        let connected = withOptionalCString(user) { user in
            withOptionalCString(password) { pw in
                withOptionalCString(url.database) { db in
                    withOptionalCString(socket) { sock in
                        lib.realConnect(conn, host, user, pw, db, UInt32(url.port ?? 0), sock, 0)
                    }
                }
            }
        }
        guard connected != nil else {
            let message = lib.error(conn).map { String(cString: $0) } ?? "unknown error"
            let code = String(lib.errno(conn))
            lib.close(conn)
            throw DatabaseError(dialect: .mysql, message: "cannot connect to \(url): \(message)", code: code)
        }
        connection = conn
        serverVersion = lib.serverInfo(conn).map { String(cString: $0) } ?? ""
    }

    deinit { close() }

    public func close() {
        if let connection { lib.close(connection) }
        connection = nil
    }

    public func execute(_ sql: String) throws {
        _ = try run(sql, collect: false)
    }

    public func query(_ sql: String) throws -> [[String: String?]] {
        try run(sql, collect: true)
    }

    private func run(_ sql: String, collect: Bool) throws -> [[String: String?]] {
        guard let conn = connection else { throw DatabaseError(dialect: .mysql, sql: sql, message: "connection is closed") }
        guard lib.query(conn, sql) == 0 else { throw failure(conn, sql) }
        guard let result = lib.storeResult(conn) else {
            // No result set: fine for statements that return none, an error otherwise.
            if lib.fieldCount(conn) != 0 { throw failure(conn, sql) }
            return []
        }
        defer { lib.freeResult(result) }
        guard collect else { return [] }
        let count = lib.numFields(result)
        // mysql_fetch_field_direct returns a MYSQL_FIELD whose first member is `char *name`.
        let columns: [String] = (0..<count).map { i in
            guard let field = lib.fetchFieldDirect(result, i),
                  let name = field.load(as: UnsafePointer<CChar>?.self) else { return "column\(i + 1)" }
            return String(cString: name)
        }
        var rows: [[String: String?]] = []
        while let values = lib.fetchRow(result) {
            let lengths = lib.fetchLengths(result)
            var row: [String: String?] = [:]
            for (i, name) in columns.enumerated() {
                if let value = values[i] {
                    let length = lengths.map { Int($0[i]) } ?? strlen(value)
                    row[name] = value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                    }
                } else {
                    row[name] = .some(nil)
                }
            }
            rows.append(row)
        }
        if lib.errno(conn) != 0 { throw failure(conn, sql) }
        return rows
    }

    private func failure(_ conn: OpaquePointer, _ sql: String) -> DatabaseError {
        DatabaseError(
            dialect: .mysql, sql: sql,
            message: lib.error(conn).map { String(cString: $0) } ?? "unknown error",
            code: String(lib.errno(conn)))
    }
}

private func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
