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
        if dialect == .mysql { kept = referencedFirst(kept) }
        let source = SourceMigration(version: id, name: name, files: [(path as NSString).lastPathComponent], up: kept, down: nil)
        var result = try run(SourceFolder(migrations: [source]), format: "baseline", dialect: dialect, specFolder: specFolder, baseline: true)
        result.report.migrations[0].dropped += plumbing.map { "dump plumbing at \($0) (session settings, owners, a dump's DROP TABLE IF EXISTS)" }
        return result
    }

    /// mysqldump writes the tables in name order, with `FOREIGN_KEY_CHECKS=0` around them; a spec
    /// (and a database with the checks on) needs a referenced table first. The `CREATE TABLE`s are
    /// put in an order where each comes after the tables it refers to (a cycle keeps the dump's
    /// order); every other statement keeps its place.
    static func referencedFirst(_ statements: [SourceStatement]) -> [SourceStatement] {
        func created(_ s: SourceStatement) -> (name: String, refs: Set<String>)? {
            let t = SQLTokens(s.text, backslashEscapes: true)
            guard t.isWord(0, "CREATE"), t.isWord(1, "TABLE") else { return nil }
            var k = 2
            if t.isWord(k, "IF") { k += 3 }
            guard let name = t.identifiers(k..<min(k + 1, t.tokens.count)).first else { return nil }
            var refs: Set<String> = []
            for i in t.tokens.indices where t.isWord(i, "REFERENCES") {
                if let r = t.identifiers((i + 1)..<min(i + 2, t.tokens.count)).first, r.lowercased() != name.lowercased() { refs.insert(r.lowercased()) }
            }
            return (name.lowercased(), refs)
        }
        let found = statements.indices.compactMap { i in created(statements[i]).map { (i, $0) } }
        let slots = found.map(\.0)
        var pending = found.map { (statements[$0.0], $0.1) }
        let names = Set(pending.map(\.1.name))
        var done: Set<String> = [], ordered: [SourceStatement] = []
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { $0.1.refs.subtracting(done).isDisjoint(with: names) }) else { return statements }
            let (statement, info) = pending.remove(at: next)
            ordered.append(statement)
            done.insert(info.name)
        }
        var out = statements
        for (slot, statement) in zip(slots, ordered) { out[slot] = statement }
        return out
    }

    static func isPlumbing(_ text: String) -> Bool {
        let upper = text.uppercased()
        return upper.hasPrefix("SET ") || upper.hasPrefix("SELECT PG_CATALOG.SET_CONFIG(")
            || (upper.hasPrefix("ALTER ") && upper.contains(" OWNER TO "))
            || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE(") || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE (")
            || upper.hasPrefix("/*!") || upper.hasPrefix("/*M!") // mysqldump's and mariadb-dump's version comments
            // A dump drops each table before creating it (for a restore); a baseline declares it.
            || (upper.hasPrefix("DROP TABLE IF EXISTS ") && !upper.contains(","))
    }
}
