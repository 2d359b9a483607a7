import Dispatch
import Foundation
import MGenSpec

/// Creates a uniquely named database (`mgen_scratch_<pid>_<hex>`) on the server `server` points
/// at, connects to it, runs `body` with the connection and the scratch database's URL, and drops
/// the database afterwards, also when `body` throws. On SIGINT while `body` runs, the scratch
/// databases still open are dropped before the process exits.
///
/// Only the server and credentials of `server` are needed, not its database:
/// - PostgreSQL: `CREATE DATABASE` through a connection to the URL's own database, or, when that
///   does not exist, to the maintenance database `postgres` (then `template1`); dropped with
///   `DROP DATABASE … WITH (FORCE)` (PostgreSQL 13+) or after terminating its other backends.
/// - MySQL/MariaDB: `CREATE DATABASE` / `DROP DATABASE` through a connection without a database.
/// - SQLite: `sqlite::memory:` gives a fresh in-memory database (its URL cannot be reopened);
///   a file URL gives a new temporary file, removed afterwards.
public func withScratchDatabase<T>(_ server: DatabaseURL, _ body: (Database, DatabaseURL) throws -> T) throws -> T {
    let name = scratchDatabaseName()
    let scratch: DatabaseURL
    let drop: @Sendable () throws -> Void
    switch server.dialect {
    case .sqlite:
        if server.isInMemory {
            scratch = server
            drop = {}
        } else {
            let path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(name + ".db").path
            scratch = server.withDatabase(path)
            drop = {
                for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
    case .postgresql, .mysql:
        let (admin, adminURL) = try openAdmin(server)
        defer { admin.close() }
        do {
            try admin.execute("CREATE DATABASE \(quoteIdentifier(name, server.dialect))")
        } catch let error as DatabaseError {
            throw ScratchDatabaseRefused(error: error)
        }
        scratch = server.withDatabase(name)
        drop = { try dropServerDatabase(adminURL, name) }
    }

    let token = ScratchRegistry.shared.register(drop)
    var dropped = false
    func cleanUp() throws {
        guard !dropped else { return }
        dropped = true
        ScratchRegistry.shared.unregister(token)
        try drop()
    }
    let result: T
    do {
        let db = try open(scratch)
        do {
            result = try body(db, scratch)
        } catch {
            db.close()
            throw error
        }
        db.close()
    } catch {
        // The body's error is the one worth reporting; a failed drop is secondary.
        try? cleanUp()
        throw error
    }
    try cleanUp()
    return result
}

/// A connection that can create and drop databases on `server`'s server, and the URL it used.
/// MySQL needs no database for that; PostgreSQL always connects to one: the URL's own, else the
/// maintenance databases every cluster has.
func openAdmin(_ server: DatabaseURL) throws -> (Database, DatabaseURL) {
    switch server.dialect {
    case .mysql:
        let url = server.withDatabase(nil)
        return (try open(url), url)
    case .postgresql:
        var candidates = [server]
        for fallback in ["postgres", "template1"] where server.database != fallback { candidates.append(server.withDatabase(fallback)) }
        var firstError: Error?
        for url in candidates {
            do { return (try open(url), url) } catch let error as DatabaseError where error.message.contains("does not exist") {
                // Only a missing database moves on; a wrong password or host is the answer.
                firstError = firstError ?? error
            }
        }
        throw firstError ?? DatabaseError(dialect: .postgresql, message: "cannot connect to \(server)")
    case .sqlite:
        return (try open(server), server)
    }
}

/// `mgen_scratch_<pid>_<8 hex digits>`: lower case (MySQL on case-sensitive file systems, PG
/// folding) and recognisable, so leftovers of a killed run can be found and dropped by hand.
func scratchDatabaseName() -> String {
    let random = UInt32.random(in: 0...UInt32.max)
    return "mgen_scratch_\(getpid())_" + String(format: "%08x", random)
}

/// Drops a server database through a fresh connection to the server URL's own database.
func dropServerDatabase(_ server: DatabaseURL, _ name: String) throws {
    let admin = try open(server)
    defer { admin.close() }
    let quoted = quoteIdentifier(name, server.dialect)
    switch server.dialect {
    case .postgresql:
        do {
            try admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        } catch let error as DatabaseError where error.code == "42601" {
            // Before PostgreSQL 13 there is no WITH (FORCE): end the other sessions first.
            _ = try admin.query("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = \(quoteLiteral(name, .postgresql)) AND pid <> pg_backend_pid()
                """)
            try admin.execute("DROP DATABASE IF EXISTS \(quoted)")
        }
    case .mysql:
        try admin.execute("DROP DATABASE IF EXISTS \(quoted)")
    case .sqlite:
        break
    }
}

/// The scratch databases alive in this process, so that Ctrl-C can drop them. The SIGINT handler
/// is installed only while at least one is registered, and the previous disposition is restored
/// afterwards, so a process that never makes scratch databases is not affected.
final class ScratchRegistry: @unchecked Sendable {  // all state behind `lock`
    static let shared = ScratchRegistry()

    private let lock = NSLock()
    private var cleanups: [Int: @Sendable () throws -> Void] = [:]
    private var nextToken = 0
    private var source: DispatchSourceSignal?
    private var previousHandler: (@convention(c) (Int32) -> Void)?

    func register(_ cleanup: @escaping @Sendable () throws -> Void) -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextToken += 1
        cleanups[nextToken] = cleanup
        if source == nil { installHandler() }
        return nextToken
    }

    func unregister(_ token: Int) {
        lock.lock()
        defer { lock.unlock() }
        cleanups[token] = nil
        if cleanups.isEmpty, let source {
            source.cancel()
            self.source = nil
            signal(SIGINT, previousHandler ?? SIG_DFL)
        }
    }

    /// Called with `lock` held.
    private func installHandler() {
        // Dispatch can only watch a signal whose default action is disabled.
        previousHandler = signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in self?.interrupted() }
        source.resume()
        self.source = source
    }

    private func interrupted() {
        lock.lock()
        let pending = Array(cleanups.values)
        cleanups.removeAll()
        lock.unlock()
        FileHandle.standardError.write(Data("\nmgen: interrupted; dropping \(pending.count) scratch database(s)\n".utf8))
        for cleanup in pending { try? cleanup() }
        exit(130)
    }
}

/// The server refused to create the scratch database (no CREATE DATABASE privilege, say): a
/// type of its own, so `verify` can say what to do without reading the failed statement's text.
public struct ScratchDatabaseRefused: Error, CustomStringConvertible, Sendable {
    public var error: DatabaseError
    public var description: String { error.description }
}
