import MGenSpec

/// One SQL statement, as a runner sends it. `transactional` is false for statements that must run
/// outside a transaction (PostgreSQL `CONCURRENTLY`, a batched backfill that commits as it goes).
public struct SQLStatement: Hashable, Sendable {
    public var sql: String
    public var transactional: Bool
    /// A comment line rendered above the statement (`-- SQLite cannot ALTER COLUMN: ...`).
    public var comment: String?
    /// What the statement does beyond its text, for emitters that render a step their own way:
    /// they read these, never the SQL.
    public var facts: [StatementFact]
    /// What the statement does to the schema, given where it is built (never read from its text).
    public var kind: StatementKind

    public init(_ sql: String, kind: StatementKind = .other, transactional: Bool = true, comment: String? = nil, facts: [StatementFact] = []) {
        self.sql = sql
        self.kind = kind
        self.transactional = transactional
        self.comment = comment
        self.facts = facts
    }

    /// Whether the statement has semicolons of its own (a DO block, a procedure): runners that split
    /// on semicolons (goose) need it marked as one statement.
    public var hasInnerSemicolons: Bool { sql.dropLast(sql.hasSuffix(";") ? 1 : 0).contains(";") }

    /// The table this statement starts rebuilding (SQLite), if it does.
    public var rebuiltTable: String? { [self].rebuiltTables.first }

    /// The statement with its terminating semicolon.
    public var terminated: String { sql.hasSuffix(";") ? sql : sql + ";" }
}

/// What a statement does to the schema, as the SQL layer that wrote it knows it (Prisma heads each
/// statement of its files with this): given where the statement is built, never read back from
/// its text. A user's raw SQL is `.other`, whatever it reads like.
public enum StatementKind: Sendable, Hashable {
    case createTable, dropTable, alterTable, createIndex, dropIndex, addForeignKey, dropForeignKey
    /// None of the above (raw SQL, a backfill, a SQLite PRAGMA).
    case other
}

/// A typed fact about a rendered statement (issue 11: emitters learn what the SQL layer decided
/// from these, not by reading its SQL back).
public enum StatementFact: Hashable, Sendable {
    /// The statement starts a SQLite table rebuild of this table (new table, copy, drop, rename).
    case tableRebuild(table: String)
    /// MySQL: an index named after a foreign key was added, so the key keeps an index when one it
    /// relied on goes.
    case foreignKeyIndexRestored(table: String, foreignKey: String, columns: [String])
    /// MySQL: the index named after a foreign key was dropped (the key went, or a new index covers it).
    case foreignKeyIndexDropped(table: String, foreignKey: String)
}

extension Sequence where Element == SQLStatement {
    /// Every fact of the statements, in order.
    public var facts: [StatementFact] { flatMap(\.facts) }
    /// The foreign keys (by name) that get their own index back (MySQL).
    public var restoredForeignKeyIndexes: [String] {
        facts.compactMap { if case let .foreignKeyIndexRestored(_, foreignKey, _) = $0 { foreignKey } else { nil } }
    }
    /// The foreign keys (by name) whose own index is dropped (MySQL).
    public var droppedForeignKeyIndexes: [String] {
        facts.compactMap { if case let .foreignKeyIndexDropped(_, foreignKey) = $0 { foreignKey } else { nil } }
    }
    /// The tables the statements rebuild (SQLite).
    public var rebuiltTables: [String] {
        facts.compactMap { if case let .tableRebuild(table) = $0 { table } else { nil } }
    }
}

/// Options that change the SQL, not the meaning.
public struct RenderOptions: Hashable, Sendable {
    /// `IF NOT EXISTS` / `IF EXISTS` where the dialect allows them.
    public var idempotent: Bool
    /// PostgreSQL: the `SET LOCAL` timeouts every transactional migration starts with (safe output).
    public var timeouts: SessionTimeouts
    public init(idempotent: Bool = true, timeouts: SessionTimeouts = .defaults) {
        self.idempotent = idempotent
        self.timeouts = timeouts
    }
}

/// Splits SQL text into statements on top-level semicolons, respecting quotes, dollar quotes,
/// comments and `BEGIN ... END` bodies of MySQL routines. A backslash escapes a quote only where
/// the dialect says so (MySQL); in standard SQL strings it is a plain character. The `mysql`
/// client's `DELIMITER x` lines are honoured as that client does: statements end at `x` until
/// the next `DELIMITER ;` (the lines themselves are not statements).
public enum SQLSplitter {
    public static func split(_ text: String, backslashEscapes: Bool = false) -> [String] {
        var statements: [String] = []
        var current = ""
        let chars = Array(text)
        var i = 0
        var blockDepth = 0
        var routine = false
        var delimiter: [Character] = [";"]
        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty && trimmed != ";" && !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
            routine = false
        }
        while i < chars.count {
            let c = chars[i]
            // A client DELIMITER command: at the start of a line, with only comments before it in
            // the statement being read.
            if c == "D" || c == "d", i == 0 || chars[i - 1] == "\n", isOnlyComments(current.trimmingCharacters(in: .whitespacesAndNewlines)),
               String(chars[i..<min(i + 10, chars.count)]).uppercased() == "DELIMITER " {
                let end = chars[i...].firstIndex(of: "\n") ?? chars.count
                let token = String(chars[(i + 10)..<end]).trimmingCharacters(in: .whitespaces)
                if !token.isEmpty { delimiter = Array(token) }
                current = ""
                i = end
                continue
            }
            if delimiter != [";"], c == delimiter[0], Array(chars[i..<min(i + delimiter.count, chars.count)]) == delimiter {
                flush()
                i += delimiter.count
                continue
            }
            if c == "'" || c == "\"" || c == "`" {
                let (end, _) = skipQuoted(chars, from: i, quote: c, backslashEscapes: backslashEscapes)
                current += String(chars[i..<end])
                i = end
                continue
            }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                let end = chars[i...].firstIndex(of: "\n") ?? chars.count
                current += String(chars[i..<end])
                i = end
                continue
            }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                var end = i + 2
                while end + 1 < chars.count, !(chars[end] == "*" && chars[end + 1] == "/") { end += 1 }
                end = min(end + 2, chars.count)
                current += String(chars[i..<end])
                i = end
                continue
            }
            if c == "$", let tagEnd = dollarTagEnd(chars, from: i) {
                let tag = Array(chars[i...tagEnd])
                var j = tagEnd + 1
                while j < chars.count, !(chars[j] == "$" && Array(chars[j..<min(j + tag.count, chars.count)]) == tag) { j += 1 }
                let end = min(j + tag.count, chars.count)
                current += String(chars[i..<end])
                i = end
                continue
            }
            if c.isLetter, i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_") {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j] == "_" { j += 1 }
                let word = String(chars[i..<j]).uppercased()
                // MySQL routine bodies: BEGIN ... END nest, and so does CASE ... END inside them;
                // `END IF`/`END WHILE`/... close blocks that never opened one here.
                if ["PROCEDURE", "FUNCTION", "TRIGGER"].contains(word) { routine = true }
                if word == "BEGIN", blockDepth > 0 || routine {
                    blockDepth += 1
                } else if word == "CASE", blockDepth > 0 {
                    blockDepth += 1
                } else if word == "END", blockDepth > 0 {
                    let rest = String(chars[j..<min(j + 8, chars.count)]).trimmingCharacters(in: .whitespaces).uppercased()
                    if !(rest.hasPrefix("IF") || rest.hasPrefix("WHILE") || rest.hasPrefix("LOOP") || rest.hasPrefix("REPEAT")) {
                        blockDepth -= 1
                    }
                }
                current += String(chars[i..<j])
                i = j
                continue
            }
            if c == ";", blockDepth == 0, delimiter == [";"] {
                current += ";"
                flush()
                i += 1
                continue
            }
            current.append(c)
            i += 1
        }
        flush()
        return statements
    }

    static func skipQuoted(_ chars: [Character], from start: Int, quote: Character, backslashEscapes: Bool) -> (Int, Bool) {
        var i = start + 1
        while i < chars.count {
            if chars[i] == quote {
                if i + 1 < chars.count, chars[i + 1] == quote { i += 2; continue }
                return (i + 1, true)
            }
            if backslashEscapes, chars[i] == "\\", quote != "\"" { i += 2; continue }
            i += 1
        }
        return (chars.count, false)
    }

    static func dollarTagEnd(_ chars: [Character], from start: Int) -> Int? {
        var j = start + 1
        while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
        guard j < chars.count, chars[j] == "$" else { return nil }
        if j > start + 1, chars[start + 1].isNumber { return nil } // $1 is a parameter, not a tag
        return j
    }

    static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

/// What a statement does to one constraint, for frameworks that have their own call for it
/// (peewee_migrate's `add_constraint` / `drop_constraints`). MGenSQL spells these statements, so
/// it is the one that recognises them; emitters ask instead of matching the text.
extension SQLDialect {
    /// The definition after `ADD CONSTRAINT <name> ` when the statements are exactly one single-line
    /// `ALTER TABLE <table> ADD CONSTRAINT <name> <definition>`; nil otherwise (a rebuild, an extra
    /// statement, NOT VALID on a line of its own).
    public func addedConstraint(_ statements: [SQLStatement], table: String, name: String) -> String? {
        let prefix = "ALTER TABLE \(quote(table)) ADD CONSTRAINT \(quote(name)) "
        guard statements.count == 1, statements[0].sql.hasPrefix(prefix), !statements[0].sql.contains("\n") else { return nil }
        return String(statements[0].sql.dropFirst(prefix.count))
    }

    /// Whether the statements are exactly the plain `ALTER TABLE <table> DROP CONSTRAINT <name>`.
    public func dropsOnlyConstraint(_ statements: [SQLStatement], table: String, name: String) -> Bool {
        statements.count == 1 && statements[0].sql == "ALTER TABLE \(quote(table)) DROP CONSTRAINT \(quote(name))"
    }
}
