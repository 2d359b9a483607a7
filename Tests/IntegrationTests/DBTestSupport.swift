import Foundation
import MGenVerify
import Testing

/// Where the integration tests find real servers: `eval "$(scripts/dbs.sh start)"` sets
/// MGEN_TEST_PG_URL and MGEN_TEST_MYSQL_URL. Without them the server tests are skipped, unless
/// MGEN_REQUIRE_DBS=1 (CI), where they run and fail.
enum DBEnv {
    static let environment = ProcessInfo.processInfo.environment
    static var required: Bool { environment["MGEN_REQUIRE_DBS"] == "1" }
    static let pgKey = "MGEN_TEST_PG_URL"
    static let mysqlKey = "MGEN_TEST_MYSQL_URL"

    /// Whether a server test should run: its URL is set, or servers are required.
    static func enabled(_ key: String) -> Bool { environment[key] != nil || required }

    struct Missing: Error, CustomStringConvertible {
        var key: String
        var description: String { "\(key) is not set but MGEN_REQUIRE_DBS=1: run eval \"$(scripts/dbs.sh start)\" first" }
    }

    static func url(_ key: String) throws -> DatabaseURL {
        guard let text = environment[key], !text.isEmpty else { throw Missing(key: key) }
        return try DatabaseURL(text)
    }
}

extension Array where Element == [String: String?] {
    /// The values of one column, NULL as nil.
    func column(_ name: String) -> [String?] { map { $0[name] ?? nil } }
}
