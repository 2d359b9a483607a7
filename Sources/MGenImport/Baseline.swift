import Foundation
import MGenSpec

extension ImportEngine {
    /// A first spec that declares an existing schema, read from a schema dump (`pg_dump
    /// --schema-only`, `sqlite3 db .schema`, `mysqldump --no-data`): mapped like an import, with
    /// the dump's own plumbing left out (session `SET`s, `set_config`, `OWNER TO`, psql `\` lines,
    /// SQLite's `sqlite_sequence`), and irreversible (a down would drop everything that was there).
    public static func baseline(schema path: String, dialect: Dialect, id: String = "0000", name: String = "baseline",
                                specFolder: String = "Specs") throws(DiagnosticError) -> ImportResult {
        let lines = try SourceFiles.text(path).split(separator: "\n", omittingEmptySubsequences: false)
        // psql meta-commands (pg_dump's `\restrict`, `\connect`) are no SQL: blanked, lines kept.
        let text = lines.map { $0.hasPrefix("\\") ? "" : String($0) }.joined(separator: "\n")
        var kept: [SourceStatement] = []
        var plumbing: [String] = []
        for statement in SourceFiles.statements(text, file: path, dialect: dialect) {
            if isPlumbing(statement.text) {
                plumbing.append("\(statement.location.file):\(statement.location.line)")
            } else {
                kept.append(statement)
            }
        }
        let source = SourceMigration(version: id, name: name, files: [(path as NSString).lastPathComponent], up: kept, down: nil)
        var result = try run(SourceFolder(migrations: [source]), format: "baseline", dialect: dialect, specFolder: specFolder, baseline: true)
        result.report.migrations[0].dropped += plumbing.map { "dump plumbing at \($0) (session settings, owners)" }
        return result
    }

    static func isPlumbing(_ text: String) -> Bool {
        let upper = text.uppercased()
        return upper.hasPrefix("SET ") || upper.hasPrefix("SELECT PG_CATALOG.SET_CONFIG(")
            || (upper.hasPrefix("ALTER ") && upper.contains(" OWNER TO "))
            || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE(") || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE (")
            || upper.hasPrefix("/*!") // mysqldump's version comments
    }
}
