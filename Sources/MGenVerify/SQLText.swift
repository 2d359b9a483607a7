import Foundation

// Small, dialect-agnostic helpers for the SQL text catalogs hand back: a tokenizer (for SQLite,
// whose catalog keeps constraints only inside the CREATE TABLE text) and expression normalization.

struct SQLToken: Equatable {
    enum Kind: Equatable { case word, quotedIdentifier, string, number, symbol }
    var kind: Kind
    /// Words as written; quoted identifiers without their quotes; strings with their quotes.
    var text: String
    var range: Range<String.Index>

    func isWord(_ keyword: String) -> Bool { kind == .word && text.caseInsensitiveCompare(keyword) == .orderedSame }
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    /// A name: a bare word or a quoted identifier.
    var isName: Bool { kind == .word || kind == .quotedIdentifier }
}

/// Splits SQL into tokens, skipping whitespace and comments. Lenient: never fails.
func tokenizeSQL(_ sql: String) -> [SQLToken] {
    var tokens: [SQLToken] = []
    var i = sql.startIndex
    func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "$" }
    while i < sql.endIndex {
        let c = sql[i]
        let next = sql.index(after: i)
        if c.isWhitespace { i = next; continue }
        if c == "-", next < sql.endIndex, sql[next] == "-" {
            i = sql[i...].firstIndex(of: "\n") ?? sql.endIndex
            continue
        }
        if c == "/", next < sql.endIndex, sql[next] == "*" {
            i = sql.range(of: "*/", range: next..<sql.endIndex)?.upperBound ?? sql.endIndex
            continue
        }
        if c == "'" || c == "\"" || c == "`" || c == "[" {
            let close: Character = c == "[" ? "]" : c
            var j = next
            var content = ""
            while j < sql.endIndex {
                if sql[j] == close {
                    let after = sql.index(after: j)
                    // Doubled quote = escaped quote (not for [brackets]).
                    if c != "[", after < sql.endIndex, sql[after] == close {
                        content.append(close)
                        j = sql.index(after: after)
                        continue
                    }
                    j = after
                    break
                }
                content.append(sql[j])
                j = sql.index(after: j)
            }
            let kind: SQLToken.Kind = c == "'" ? .string : .quotedIdentifier
            tokens.append(SQLToken(kind: kind, text: kind == .string ? String(sql[i..<j]) : content, range: i..<j))
            i = j
            continue
        }
        if c.isNumber {
            var j = next
            while j < sql.endIndex, sql[j].isNumber || sql[j] == "." { j = sql.index(after: j) }
            tokens.append(SQLToken(kind: .number, text: String(sql[i..<j]), range: i..<j))
            i = j
            continue
        }
        if isWordChar(c) {
            var j = next
            while j < sql.endIndex, isWordChar(sql[j]) { j = sql.index(after: j) }
            tokens.append(SQLToken(kind: .word, text: String(sql[i..<j]), range: i..<j))
            i = j
            continue
        }
        tokens.append(SQLToken(kind: .symbol, text: String(c), range: i..<next))
        i = next
    }
    return tokens
}

/// The index of the `)` matching the `(` at `open`, or nil.
func matchingParen(_ tokens: [SQLToken], from open: Int) -> Int? {
    var depth = 0
    for k in open..<tokens.count {
        if tokens[k].isSymbol("(") { depth += 1 }
        if tokens[k].isSymbol(")") {
            depth -= 1
            if depth == 0 { return k }
        }
    }
    return nil
}

/// Splits `tokens[range]` at commas outside parentheses.
func splitTopLevel(_ tokens: ArraySlice<SQLToken>) -> [ArraySlice<SQLToken>] {
    var parts: [ArraySlice<SQLToken>] = []
    var depth = 0
    var start = tokens.startIndex
    for k in tokens.indices {
        if tokens[k].isSymbol("(") { depth += 1 }
        if tokens[k].isSymbol(")") { depth -= 1 }
        if depth == 0, tokens[k].isSymbol(",") {
            parts.append(tokens[start..<k])
            start = k + 1
        }
    }
    if start < tokens.endIndex { parts.append(tokens[start..<tokens.endIndex]) }
    return parts.filter { !$0.isEmpty }
}

/// The original text spanned by a run of tokens.
func sourceText(_ sql: String, _ tokens: ArraySlice<SQLToken>) -> String {
    guard let first = tokens.first, let last = tokens.last else { return "" }
    return String(sql[first.range.lowerBound..<last.range.upperBound])
}

/// Normalizes an expression for comparison: whitespace outside string literals collapsed to one
/// space (none just inside parentheses), optional removal of identifier quotes around plain
/// identifiers, and redundant parentheses around the whole expression removed.
func normalizeExpression(_ text: String, unquoteIdentifiers: Bool = false) -> String {
    var out = ""
    var i = text.startIndex
    var pendingSpace = false
    func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
    while i < text.endIndex {
        let c = text[i]
        if c.isWhitespace {
            pendingSpace = true
            i = text.index(after: i)
            continue
        }
        if pendingSpace, !out.isEmpty, out.last != "(", c != ")" { out.append(" ") }
        pendingSpace = false
        if c == "'" || c == "\"" || c == "`" {
            // Copy the quoted run verbatim (doubled quotes stay doubled).
            var j = text.index(after: i)
            while j < text.endIndex {
                if text[j] == c {
                    let after = text.index(after: j)
                    if after < text.endIndex, text[after] == c { j = text.index(after: after); continue }
                    j = after
                    break
                }
                j = text.index(after: j)
            }
            let run = String(text[i..<j])
            if c != "'", unquoteIdentifiers, run.count >= 2, isPlainIdentifier(String(run.dropFirst().dropLast())) {
                out += run.dropFirst().dropLast()
            } else {
                out += run
            }
            i = j
            continue
        }
        out.append(c)
        i = text.index(after: i)
    }
    return stripOuterParentheses(out)
}

/// Removes parentheses that wrap the whole expression, repeatedly: `((a > 0))` → `a > 0`.
func stripOuterParentheses(_ text: String) -> String {
    var s = text.trimmingCharacters(in: .whitespaces)
    while s.hasPrefix("("), s.hasSuffix(")") {
        let tokens = tokenizeSQL(s)
        guard let close = matchingParen(tokens, from: 0), close == tokens.count - 1 else { break }
        s = String(s.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
    }
    return s
}

/// Removes PostgreSQL casts from literals: `'abc'::character varying` → `'abc'`,
/// `'-1'::integer` → `-1`, `(0)::numeric` and `0::numeric` → `0`. Casts of columns and expressions stay.
func stripLiteralCasts(_ text: String) -> String {
    let type = #"::(?:"[^"]+"|[a-z_][a-z0-9_.]*)(?: varying| precision| with time zone| without time zone)?(?:\([0-9, ]*\))?(?:\[\])*"#
    let numericTypes = #"::(?:integer|bigint|smallint|numeric|real|double precision)(?:\([0-9, ]*\))?"#
    var s = text
    s = s.replacingOccurrences(of: #"'(-?[0-9]+(?:\.[0-9]+)?)'"# + numericTypes, with: "$1", options: .regularExpression)
    s = s.replacingOccurrences(of: #"\((-?[0-9]+(?:\.[0-9]+)?)\)"# + type, with: "$1", options: .regularExpression)
    s = s.replacingOccurrences(of: #"(?<![\w.'"])(-?[0-9]+(?:\.[0-9]+)?)"# + type, with: "$1", options: .regularExpression)
    // Repeat: a literal may carry two casts ('{}'::text::jsonb).
    var previous = ""
    while previous != s {
        previous = s
        s = s.replacingOccurrences(of: #"('(?:[^']|'')*')"# + type, with: "$1", options: .regularExpression)
    }
    return s
}

/// Collapses whitespace in a type name and lower-cases it, except inside quotes (enum values).
func normalizeTypeName(_ text: String) -> String {
    var out = ""
    var inQuote = false
    var pendingSpace = false
    for c in text {
        if c == "'" { inQuote.toggle() }
        if !inQuote, c.isWhitespace { pendingSpace = true; continue }
        if pendingSpace, !out.isEmpty, !"(),".contains(c), out.last != "(", out.last != "," { out.append(" ") }
        pendingSpace = false
        out += inQuote || c == "'" ? String(c) : c.lowercased()
    }
    return out
}
