import Foundation
import MGenSpec
import MGenVerify

extension ImportEngine {
    /// A first spec that declares an existing schema, read from a schema dump (`pg_dump
    /// --schema-only`, `sqlite3 db .schema`, `mysqldump --no-data`): mapped like an import, with
    /// the dump's own plumbing left out (session `SET`s, `set_config`, `OWNER TO`, psql `\` lines,
    /// SQLite's `sqlite_sequence`), and irreversible (a down would drop everything that was there).
    ///
    /// The tables in `exclude` (frameworks' bookkeeping: Rails' `schema_migrations` and
    /// `ar_internal_metadata`, which a Rails `db/structure.sql` declares and fills, goose's,
    /// Django's, …) are not the application's schema: every statement on them is left out, and
    /// reported.
    public static func baseline(schema path: String, dialect: Dialect, id: String = "0000", name: String = "baseline",
                                specFolder: String = "Specs", exclude: Set<String> = frameworkBookkeepingTables) throws(DiagnosticError) -> ImportResult {
        let lines = try SourceFiles.text(path).split(separator: "\n", omittingEmptySubsequences: false)
        // psql meta-commands (pg_dump's `\restrict`, `\connect`) are no SQL: blanked, lines kept.
        let text = lines.map { $0.hasPrefix("\\") ? "" : String($0) }.joined(separator: "\n")
        var kept: [SourceStatement] = []
        var plumbing: [String] = []
        var bookkeeping: [String] = []
        var definers: [String] = []
        for var statement in SourceFiles.statements(text, file: path, dialect: dialect) {
            // mysqldump writes triggers and views inside versioned comments (`/*!50003 CREATE*/
            // /*!50017 DEFINER=…*/ /*!50003 TRIGGER …*/`), which MySQL runs: read what it runs.
            if dialect == .mysql, !statement.text.hasPrefix("/*M!999999") { statement.text = unwrappingVersionedComments(statement.text) }
            if dialect == .mysql, let read = withoutDumpDefaults(statement.text) {
                statement.text = read.text
                if let definer = read.definer { definers.append("DEFINER=\(definer) of \(statement.location.file):\(statement.location.line) (the object is made by the user who runs the migration)") }
            }
            if let table = statementTable(statement.text, dialect: dialect), exclude.contains(table) {
                bookkeeping.append("\(table) at \(statement.location.file):\(statement.location.line)")
            } else if isPlumbing(statement.text) {
                plumbing.append("\(statement.location.file):\(statement.location.line)")
            } else {
                kept.append(statement)
            }
        }
        var standIns: [String] = []
        if dialect == .mysql { kept = referencedFirst(withoutViewStandIns(kept, dropped: &standIns)) }
        let source = SourceMigration(version: id, name: name, files: [(path as NSString).lastPathComponent], up: kept, down: nil)
        var result = try run(SourceFolder(migrations: [source]), format: "baseline", dialect: dialect, specFolder: specFolder, baseline: true)
        result.report.migrations[0].dropped += plumbing.map { "dump plumbing at \($0) (session settings, owners, a dump's DROP TABLE IF EXISTS)" }
        result.report.migrations[0].dropped += standIns
        result.report.migrations[0].dropped += definers
        result.report.migrations[0].dropped += bookkeeping.map { "framework bookkeeping table \($0) (not the application's schema; --exclude names more)" }
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

    /// The table a dump statement creates, alters, fills, indexes or comments on (unqualified), if any.
    static func statementTable(_ text: String, dialect: Dialect) -> String? {
        let t = SQLTokens(text, backslashEscapes: dialect == .mysql)
        var k: Int
        if t.isWord(0, "CREATE") || t.isWord(0, "ALTER") {
            guard let table = t.tokens.indices.first(where: { $0 < 4 && t.isWord($0, "TABLE") }) else {
                // CREATE [UNIQUE] INDEX … ON [ONLY] t
                guard t.isWord(0, "CREATE"), t.tokens.prefix(3).contains(where: { t.upper($0) == "INDEX" }),
                      let on = t.tokens.indices.first(where: { t.isWord($0, "ON") }) else { return nil }
                k = on + 1
                if t.isWord(k, "ONLY") { k += 1 }
                return lastName(t, from: k)
            }
            k = table + 1
            while t.isWord(k, "ONLY") || t.isWord(k, "IF") || t.isWord(k, "NOT") || t.isWord(k, "EXISTS") { k += 1 }
        } else if t.isWord(0, "INSERT"), t.isWord(1, "INTO") {
            k = 2
        } else if t.isWord(0, "COMMENT"), t.isWord(1, "ON"), t.isWord(2, "TABLE") {
            k = 3
        } else {
            return nil
        }
        return lastName(t, from: k)
    }

    /// `name`, `public.name`, `"name"`: the last part of a dotted name starting at token `k`.
    private static func lastName(_ t: SQLTokens, from start: Int) -> String? {
        var k = start
        var name: String?
        while k < t.tokens.count {
            guard let part = t.identifiers(k..<(k + 1)).first else { break }
            name = t.tokens[k].kind == .word ? t.text(t.tokens[k]) : part
            guard t.isPunct(k + 1, ".") else { break }
            k += 2
        }
        return name
    }

    static func isPlumbing(_ text: String) -> Bool {
        let upper = text.uppercased()
        return upper.hasPrefix("SET ") || upper.hasPrefix("SELECT PG_CATALOG.SET_CONFIG(")
            || (upper.hasPrefix("ALTER ") && upper.contains(" OWNER TO "))
            || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE(") || upper.hasPrefix("CREATE TABLE SQLITE_SEQUENCE (")
            || upper.hasPrefix("/*!") || upper.hasPrefix("/*M!") // mysqldump's and mariadb-dump's version comments
            // A dump drops each table, view, routine and trigger before creating it (for a
            // restore); a baseline declares it.
            || (["DROP TABLE IF EXISTS ", "DROP VIEW IF EXISTS ", "DROP FUNCTION IF EXISTS ", "DROP PROCEDURE IF EXISTS ", "DROP TRIGGER IF EXISTS "]
                .contains { upper.hasPrefix($0) } && !upper.contains(","))
    }

    /// mysqldump's `CREATE [ALGORITHM=UNDEFINED] DEFINER=user [SQL SECURITY DEFINER] VIEW|TRIGGER|FUNCTION|PROCEDURE …`
    /// without those clauses, and the definer it named. `ALGORITHM=UNDEFINED` and `SQL SECURITY
    /// DEFINER` are MySQL's defaults (the same object without them); the DEFINER is the account
    /// that made the object, which the spec does not say: left out (and reported), the object is
    /// made by the account that runs the migration, as a migration's objects are. Any other
    /// clause (`ALGORITHM=MERGE`, `SQL SECURITY INVOKER`) leaves the text as it is (kept raw).
    static func withoutDumpDefaults(_ text: String) -> (text: String, definer: String?)? {
        let t = SQLTokens(text, backslashEscapes: true)
        guard t.isWord(0, "CREATE") else { return nil }
        var k = 1
        if t.isWord(k, "OR"), t.isWord(k + 1, "REPLACE") { k += 2 }
        let clausesStart = k
        var definer: String?
        let objects = ["VIEW", "TRIGGER", "FUNCTION", "PROCEDURE"]
        func isEquals(_ i: Int) -> Bool { i < t.tokens.count && t.text(t.tokens[i]) == "=" }
        while k < t.tokens.count, !objects.contains(where: { t.isWord(k, $0) }) {
            if t.isWord(k, "ALGORITHM"), isEquals(k + 1), t.isWord(k + 2, "UNDEFINED") {
                k += 3
            } else if t.isWord(k, "SQL"), t.isWord(k + 1, "SECURITY"), t.isWord(k + 2, "DEFINER") {
                k += 3
            } else if t.isWord(k, "DEFINER"), isEquals(k + 1), definer == nil {
                var end = k + 2
                while end < t.tokens.count, !(["SQL", "ALGORITHM"] + objects).contains(where: { t.isWord(end, $0) }) { end += 1 }
                guard end > k + 2, end < t.tokens.count else { return nil }
                definer = t.text(from: t.tokens[k + 2].start, to: t.tokens[end - 1].end)
                k = end
            } else {
                return nil
            }
        }
        guard k < t.tokens.count, k > clausesStart else { return nil }
        return (t.text(from: 0, to: t.tokens[clausesStart].start) + t.text(from: t.tokens[k].start, to: t.bytes.count), definer)
    }

    /// `/*!50003 CREATE*/ /*!50017 DEFINER=x*/ /*!50003 TRIGGER t …*/` → `CREATE DEFINER=x TRIGGER t …`:
    /// the text of MySQL's versioned comments (`/*!NNNNN …*/`, MariaDB's `/*M!NNNNNN …*/`) without
    /// their markers, as the server runs them; quoted text is left alone.
    static func unwrappingVersionedComments(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var open = false
        while i < chars.count {
            let c = chars[i]
            if c == "'" || c == "\"" || c == "`" {
                var j = i + 1
                while j < chars.count, chars[j] != c { j += chars[j] == "\\" ? 2 : 1 }
                j = min(j + 1, chars.count)
                out += String(chars[i..<j])
                i = j
                continue
            }
            if !open, c == "/", i + 2 < chars.count, chars[i + 1] == "*", chars[i + 2] == "!" || (chars[i + 2] == "M" && i + 3 < chars.count && chars[i + 3] == "!") {
                i += chars[i + 2] == "M" ? 4 : 3
                while i < chars.count, chars[i].isNumber { i += 1 }
                open = true
                continue
            }
            if open, c == "*", i + 1 < chars.count, chars[i + 1] == "/" {
                open = false
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// mysqldump creates a stand-in for each view first (a `CREATE VIEW v AS SELECT NULL AS …`, or in
    /// older versions a table), so that views can refer to one another, and the view itself later:
    /// every creation of a name but the last `CREATE … VIEW` of it is the stand-in, left out.
    static func withoutViewStandIns(_ statements: [SourceStatement], dropped: inout [String]) -> [SourceStatement] {
        func created(_ s: SourceStatement) -> (name: String, view: Bool)? {
            let t = SQLTokens(s.text, backslashEscapes: true)
            guard t.isWord(0, "CREATE") else { return nil }
            // CREATE [OR REPLACE] [ALGORITHM=…] [DEFINER=…] [SQL SECURITY …] VIEW name / CREATE TABLE name
            guard let k = t.tokens.indices.first(where: { t.isWord($0, "VIEW") || t.isWord($0, "TABLE") || t.isWord($0, "TRIGGER")
                || t.isWord($0, "FUNCTION") || t.isWord($0, "PROCEDURE") || t.isWord($0, "INDEX") }),
                t.isWord(k, "VIEW") || t.isWord(k, "TABLE") else { return nil }
            var n = k + 1
            while t.isWord(n, "IF") || t.isWord(n, "NOT") || t.isWord(n, "EXISTS") { n += 1 }
            guard let name = t.identifiers(n..<min(n + 1, t.tokens.count)).first else { return nil }
            return (name.lowercased(), t.isWord(k, "VIEW"))
        }
        let made = statements.map(created)
        var lastView: [String: Int] = [:]
        for (i, m) in made.enumerated() { if let m, m.view { lastView[m.name] = i } }
        var out: [SourceStatement] = []
        for (i, statement) in statements.enumerated() {
            if let m = made[i], let last = lastView[m.name], i < last {
                dropped.append("\(statement.location.file):\(statement.location.line): mysqldump's stand-in for view \(m.name) (the view itself follows)")
                continue
            }
            out.append(statement)
        }
        return out
    }
}
