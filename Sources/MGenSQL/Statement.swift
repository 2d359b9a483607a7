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
    /// PostgreSQL VALIDATE CONSTRAINT (issue 13): may run in a transaction, but only in one of its
    /// own; a migration that has it beside other statements is split around it (`isSplit`).
    public var ownTransaction: Bool
    /// What the statement does to the schema, given where it is built (never read from its text).
    public var kind: StatementKind

    public init(_ sql: String, kind: StatementKind = .other, transactional: Bool = true, comment: String? = nil, facts: [StatementFact] = [],
                ownTransaction: Bool = false) {
        self.sql = sql
        self.kind = kind
        self.transactional = transactional
        self.comment = comment
        self.facts = facts
        self.ownTransaction = ownTransaction
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
    /// PostgreSQL: drops an INVALID index of this name that a failed concurrent build left, so the
    /// build that follows starts again (issue 13). A runner that sends a file as one query cannot
    /// send it with the build, and leaves it out.
    case invalidIndexCleanup(index: String)
    /// The statement is exactly `ALTER TABLE <table> ADD CONSTRAINT <name> <definition>`, for
    /// frameworks with a call of their own for it (peewee_migrate's `add_constraint`).
    case constraintAdded(table: String, name: String, definition: String)
    /// The statement is exactly `ALTER TABLE <table> DROP CONSTRAINT <name>` (peewee_migrate's
    /// `drop_constraints`).
    case constraintDropped(table: String, name: String)
    /// spec 1.1 / issue 13: the statement is `ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE
    /// USING INDEX <index>` (PostgreSQL): the unique index becomes the constraint.
    case uniqueFromIndex(table: String, name: String, index: String)
    /// The statement runs the deferred checks a data step left pending, before a schema change
    /// (`SET CONSTRAINTS ALL IMMEDIATE`, DeferredChecks.swift).
    case deferredChecksSettled
}

extension SQLStatement {
    /// Whether the statement only clears what a failed concurrent build left (`invalidIndexCleanup`).
    public var isInvalidIndexCleanup: Bool {
        facts.contains { if case .invalidIndexCleanup = $0 { true } else { false } }
    }

    /// Whether the statement makes a unique index a constraint (`uniqueFromIndex`).
    public var takesOverIndex: Bool {
        facts.contains { if case .uniqueFromIndex = $0 { true } else { false } }
    }

    /// Whether it does so for the index mgen's safe `add_unique` built CONCURRENTLY just before
    /// (issue 13): in a transaction of its own.
    public var takesOverConcurrentBuild: Bool { ownTransaction && takesOverIndex }
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
    /// The server and version rendered for (`--db-version`); nil: the dialect alone, and for
    /// MySQL only what every supported MySQL and MariaDB accepts (OnlineDDL.swift).
    public var server: DatabaseTarget?
    /// Whether the runner can run a statement of a migration outside the transaction its other
    /// statements run in (issue 13): the safe forms that need it (a unique constraint through
    /// CREATE UNIQUE INDEX CONCURRENTLY) are written only then. false: golang-migrate and Prisma,
    /// which send a file as one query.
    public var runnerLeavesTransaction: Bool = true
    /// The target makes its own foreign keys `INITIALLY DEFERRED` whatever the spec says (Django on
    /// PostgreSQL): their checks wait for COMMIT like those of a deferred key (DeferredChecks.swift).
    public var foreignKeysInitiallyDeferred: Bool = false
    public init(idempotent: Bool = true, timeouts: SessionTimeouts = .defaults, server: DatabaseTarget? = nil) {
        self.idempotent = idempotent
        self.timeouts = timeouts
        self.server = server
    }
}

/// Splits SQL text into statements on top-level semicolons, respecting quotes, dollar quotes,
/// comments and `BEGIN ... END` bodies of MySQL routines. A backslash escapes a quote only where
/// the dialect says so (MySQL); in standard SQL strings it is a plain character. The `mysql`
/// client's `DELIMITER x` lines are honoured as that client does: statements end at `x` until
/// the next `DELIMITER ;` (the lines themselves are not statements).
public enum SQLSplitter {
    public static func split(_ text: String, backslashEscapes: Bool = false) -> [String] {
        let bytes = Array(text.utf8)
        return statementRanges(bytes, backslashEscapes: backslashEscapes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    /// The statements as byte ranges of `bytes` (the text's UTF-8), blanks trimmed at both ends;
    /// a statement ended by `;` keeps it. Works on bytes, not Characters: `mgen lint` splits
    /// thousands of files, and grapheme breaking cost more than everything else it does.
    /// Every byte of a multi-byte UTF-8 character counts as a letter, as Character.isLetter says of
    /// the letters people write in names; only ASCII delimits words, quotes and comments.
    public static func statementRanges(_ b: [UInt8], backslashEscapes: Bool = false) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let n = b.count
        var start = 0
        var i = 0
        var blockDepth = 0
        var routine = false
        var delimiter: [UInt8] = [semicolon]
        func flush(_ end: Int) {
            let r = trimmed(b, start..<end)
            if !r.isEmpty, !(r.count == 1 && b[r.lowerBound] == semicolon), !isOnlyComments(b, r) { out.append(r) }
            routine = false
        }
        func lineEnd(_ from: Int) -> Int {
            var k = from
            while k < n, b[k] != newline { k += 1 }
            return k
        }
        while i < n {
            let c = b[i]
            // A client DELIMITER command: at the start of a line, with only comments before it in
            // the statement being read.
            if c == 0x44 || c == 0x64, i == 0 || b[i - 1] == newline, i + 10 <= n, asciiUpperEquals(b, i, "DELIMITER "),
               isOnlyComments(b, trimmed(b, start..<i)) {
                let end = lineEnd(i)
                var lo = i + 10, hi = end
                while lo < hi, b[lo] == space || b[lo] == tab { lo += 1 }
                while hi > lo, b[hi - 1] == space || b[hi - 1] == tab { hi -= 1 }
                if lo < hi { delimiter = Array(b[lo..<hi]) }
                start = end
                i = end
                continue
            }
            if delimiter != [semicolon], c == delimiter[0], i + delimiter.count <= n, b[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                flush(i)
                i += delimiter.count
                start = i
                continue
            }
            if c == 0x27 || c == 0x22 || c == 0x60 { // ' " `
                i = skipQuoted(b, from: i, quote: c, backslashEscapes: backslashEscapes).0
                continue
            }
            if c == 0x2D, i + 1 < n, b[i + 1] == 0x2D { // --
                i = lineEnd(i)
                continue
            }
            if c == 0x2F, i + 1 < n, b[i + 1] == 0x2A { // /*
                var end = i + 2
                while end + 1 < n, !(b[end] == 0x2A && b[end + 1] == 0x2F) { end += 1 }
                i = min(end + 2, n)
                continue
            }
            if c == 0x24, let tagEnd = dollarTagEnd(b, from: i) { // $tag$
                let tag = b[i...tagEnd]
                var j = tagEnd + 1
                while j < n, !(b[j] == 0x24 && j + tag.count <= n && b[j..<(j + tag.count)].elementsEqual(tag)) { j += 1 }
                i = min(j + tag.count, n)
                continue
            }
            if isLetter(c), i == 0 || !(isLetter(b[i - 1]) || isDigit(b[i - 1]) || b[i - 1] == underscore) {
                var j = i
                while j < n, isLetter(b[j]) || b[j] == underscore { j += 1 }
                // MySQL routine bodies: BEGIN ... END nest, and so does CASE ... END inside them;
                // `END IF`/`END WHILE`/... close blocks that never opened one here.
                if asciiUpperIs(b, i..<j, "PROCEDURE") || asciiUpperIs(b, i..<j, "FUNCTION") || asciiUpperIs(b, i..<j, "TRIGGER") { routine = true }
                if asciiUpperIs(b, i..<j, "BEGIN"), blockDepth > 0 || routine {
                    blockDepth += 1
                } else if asciiUpperIs(b, i..<j, "CASE"), blockDepth > 0 {
                    blockDepth += 1
                } else if asciiUpperIs(b, i..<j, "END"), blockDepth > 0 {
                    let windowEnd = min(j + 8, n)
                    var k = j
                    while k < windowEnd, b[k] == space || b[k] == tab { k += 1 }
                    let closesOther = ["IF", "WHILE", "LOOP", "REPEAT"].contains { word in
                        k + word.utf8.count <= windowEnd && asciiUpperEquals(b, k, word)
                    }
                    if !closesOther { blockDepth -= 1 }
                }
                i = j
                continue
            }
            if c == semicolon, blockDepth == 0, delimiter == [semicolon] {
                flush(i + 1)
                i += 1
                start = i
                continue
            }
            i += 1
        }
        flush(n)
        return out
    }

    static let semicolon: UInt8 = 0x3B, newline: UInt8 = 0x0A, space: UInt8 = 0x20, tab: UInt8 = 0x09, underscore: UInt8 = 0x5F

    static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c >= 0x80 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isBlank(_ c: UInt8) -> Bool { c == space || c == tab || c == newline || c == 0x0D || c == 0x0B || c == 0x0C }

    /// Whether the bytes at `at` are `word` (ASCII upper case) in any case; the caller checks the length.
    static func asciiUpperEquals(_ b: [UInt8], _ at: Int, _ word: String) -> Bool {
        var k = at
        for w in word.utf8 {
            let c = b[k]
            guard c == w || (w >= 0x41 && w <= 0x5A && c == w | 0x20) else { return false }
            k += 1
        }
        return true
    }

    static func asciiUpperIs(_ b: [UInt8], _ r: Range<Int>, _ word: String) -> Bool {
        r.count == word.utf8.count && asciiUpperEquals(b, r.lowerBound, word)
    }

    /// The range without blanks (spaces, tabs, line breaks) at either end.
    public static func trimmed(_ b: [UInt8], _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, isBlank(b[lo]) { lo += 1 }
        while hi > lo, isBlank(b[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    static func skipQuoted(_ b: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> (Int, Bool) {
        var i = start + 1
        while i < b.count {
            if b[i] == quote {
                if i + 1 < b.count, b[i + 1] == quote { i += 2; continue }
                return (i + 1, true)
            }
            if backslashEscapes, b[i] == 0x5C, quote != 0x22 { i += 2; continue }
            i += 1
        }
        return (b.count, false)
    }

    static func dollarTagEnd(_ b: [UInt8], from start: Int) -> Int? {
        var j = start + 1
        while j < b.count, isLetter(b[j]) || isDigit(b[j]) || b[j] == underscore { j += 1 }
        guard j < b.count, b[j] == 0x24 else { return nil }
        if j > start + 1, isDigit(b[start + 1]) { return nil } // $1 is a parameter, not a tag
        return j
    }

    /// Whether every line of the range is blank or a `--` comment.
    static func isOnlyComments(_ b: [UInt8], _ r: Range<Int>) -> Bool {
        var k = r.lowerBound
        while k < r.upperBound {
            while k < r.upperBound, b[k] == space || b[k] == tab || b[k] == newline || b[k] == 0x0D { k += 1 }
            guard k < r.upperBound else { return true }
            guard k + 1 < r.upperBound, b[k] == 0x2D, b[k + 1] == 0x2D else { return false }
            while k < r.upperBound, b[k] != newline { k += 1 }
        }
        return true
    }
}

/// What statements do to one constraint, for frameworks that have their own call for it
/// (peewee_migrate's `add_constraint` / `drop_constraints`): the facts given where MGenSQL built
/// them (`constraintAdded` / `constraintDropped`), never their text.
extension Array where Element == SQLStatement {
    /// The definition after `ADD CONSTRAINT <name> ` when the statements are exactly one
    /// `ALTER TABLE <table> ADD CONSTRAINT <name> <definition>`; nil otherwise (a rebuild, an extra
    /// statement or clause).
    public func addedConstraint(table: String, name: String) -> String? {
        guard count == 1 else { return nil }
        return self[0].facts.lazy.compactMap { fact -> String? in
            // A definition over several lines (a CHECK's own line breaks) stays SQL, as peewee writes it on one.
            if case let .constraintAdded(t, n, definition) = fact, t == table, n == name, !definition.contains("\n") { definition } else { nil }
        }.first
    }

    /// Whether the statements are exactly the plain `ALTER TABLE <table> DROP CONSTRAINT <name>`.
    public func dropsOnlyConstraint(table: String, name: String) -> Bool {
        count == 1 && self[0].facts.contains(.constraintDropped(table: table, name: name))
    }
}
