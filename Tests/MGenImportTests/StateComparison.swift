import Foundation
import MGenImport
import MGenSpec
import MGenVerify

let environment = ProcessInfo.processInfo.environment
func serverEnabled(_ key: String) -> Bool { environment[key] != nil || environment["MGEN_REQUIRE_DBS"] == "1" }
func server(_ key: String) throws -> DatabaseURL {
    guard let text = environment[key], !text.isEmpty else { throw DatabaseError(dialect: .postgresql, message: "\(key) is not set") }
    return try DatabaseURL(text)
}

/// The database to prove on for a dialect: SQLite in memory, the servers when their URL is set
/// (nil: skipped, unless MGEN_REQUIRE_DBS=1 makes it a failure).
func databaseFor(_ dialect: Dialect) throws -> DatabaseURL? {
    switch dialect {
    case .sqlite: return try DatabaseURL("sqlite::memory:")
    case .postgresql: return serverEnabled("MGEN_TEST_PG_URL") ? try server("MGEN_TEST_PG_URL") : nil
    case .mysql: return serverEnabled("MGEN_TEST_MYSQL_URL") ? try server("MGEN_TEST_MYSQL_URL") : nil
    }
}

/// Two states hold the same tables and indexes for one dialect's database (see `ComparableState`).
func same(_ a: SchemaState, _ b: SchemaState, dialect: Dialect) -> Bool { differences(a, b, dialect: dialect).isEmpty }

/// What differs between two states for one dialect, one line per table part or index (empty: equal).
func differences(_ a: SchemaState, _ b: SchemaState, dialect: Dialect, ignoring: Set<String> = []) -> [String] {
    ComparableState(a, dialect: dialect, ignoring: ignoring).differences(to: ComparableState(b, dialect: dialect, ignoring: ignoring))
}
