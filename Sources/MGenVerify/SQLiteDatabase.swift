import CSQLite
import Foundation
import MGenSpec

/// SQLite through libsqlite3. Foreign keys are switched on, as every framework does, so that
/// `ON DELETE CASCADE` and friends behave as they will in production.
public final class SQLiteDatabase: Database {
    public let dialect: Dialect = .sqlite
    public let path: String
    private var handle: OpaquePointer?

    public convenience init(url: DatabaseURL) throws {
        try self.init(path: url.database ?? ":memory:")
    }

    /// `readOnly`: the file must exist and is not written (`mgen snapshot`: a typo in the path
    /// must not create an empty database and report an empty schema).
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        if readOnly, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
            throw DatabaseError(dialect: .sqlite, message: "no such database file: \(path)", code: String(SQLITE_CANTOPEN))
        }
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(db)
            throw DatabaseError(dialect: .sqlite, message: "cannot open \(path): \(message)", code: String(rc))
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { close() }

    public func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    public func execute(_ sql: String) throws {
        _ = try run(sql, collect: false)
    }

    public func query(_ sql: String) throws -> [[String: String?]] {
        try run(sql, collect: true)
    }

    /// Prepares and steps each statement in `sql` (SQLite hands back the unparsed tail, so a
    /// script of several statements also works); rows are collected from all of them.
    private func run(_ sql: String, collect: Bool) throws -> [[String: String?]] {
        guard let db = handle else { throw DatabaseError(dialect: .sqlite, sql: sql, message: "connection is closed") }
        var rows: [[String: String?]] = []
        try sql.withCString { start in
            var cursor: UnsafePointer<CChar>? = start
            while let current = cursor, current.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, current, -1, &statement, &tail)
                guard rc == SQLITE_OK else { throw error(db, sql, rc) }
                cursor = tail
                guard let statement else { continue }  // whitespace or a comment
                defer { sqlite3_finalize(statement) }
                while true {
                    let step = sqlite3_step(statement)
                    if step == SQLITE_DONE { break }
                    guard step == SQLITE_ROW else { throw error(db, sql, step) }
                    guard collect else { continue }
                    var row: [String: String?] = [:]
                    for i in 0..<sqlite3_column_count(statement) {
                        let name = sqlite3_column_name(statement, i).map { String(cString: $0) } ?? "column\(i + 1)"
                        if sqlite3_column_type(statement, i) == SQLITE_NULL {
                            row[name] = .some(nil)
                        } else if let text = sqlite3_column_text(statement, i) {
                            let length = Int(sqlite3_column_bytes(statement, i))
                            row[name] = String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)
                        } else {
                            row[name] = ""
                        }
                    }
                    rows.append(row)
                }
            }
        }
        return rows
    }

    private func error(_ db: OpaquePointer, _ sql: String, _ rc: Int32) -> DatabaseError {
        DatabaseError(dialect: .sqlite, sql: sql, message: String(cString: sqlite3_errmsg(db)), code: String(rc))
    }
}
