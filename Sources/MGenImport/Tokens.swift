/// SQL text as tokens with byte offsets (libpg_query reports locations in bytes). Used to cut the
/// exact source text of an expression (a default, a check, an index predicate) out of a statement,
/// and by the MySQL/SQLite DDL reader.
struct SQLTokens {
    enum Kind: Equatable { case word, quoted, string, number, punctuation, op }
    struct Token: Equatable {
        var kind: Kind
        var start: Int
        var end: Int
    }

    let bytes: [UInt8]
    private(set) var tokens: [Token] = []

    init(_ text: String, backslashEscapes: Bool = false) {
        bytes = Array(text.utf8)
        var i = 0
        let n = bytes.count
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x24 || b >= 0x80
        }
        while i < n {
            let b = bytes[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1; continue }
            // -- comment, /* comment */, # comment (MySQL)
            if b == 0x2D, i + 1 < n, bytes[i + 1] == 0x2D { while i < n, bytes[i] != 0x0A { i += 1 }; continue }
            if b == 0x23, backslashEscapes { while i < n, bytes[i] != 0x0A { i += 1 }; continue }
            if b == 0x2F, i + 1 < n, bytes[i + 1] == 0x2A {
                i += 2
                while i + 1 < n, !(bytes[i] == 0x2A && bytes[i + 1] == 0x2F) { i += 1 }
                i = min(n, i + 2); continue
            }
            let start = i
            if b == 0x27 || b == 0x22 || b == 0x60 { // ' " `
                i += 1
                while i < n {
                    if backslashEscapes, b == 0x27, bytes[i] == 0x5C { i += 2; continue }
                    if bytes[i] == b {
                        if i + 1 < n, bytes[i + 1] == b { i += 2; continue }
                        i += 1; break
                    }
                    i += 1
                }
                tokens.append(Token(kind: b == 0x27 ? .string : .quoted, start: start, end: min(i, n)))
                continue
            }
            if b == 0x24, i + 1 < n, bytes[i + 1] == 0x24 || (bytes[i + 1] >= 0x41 && bytes[i + 1] <= 0x7A) { // $tag$ ... $tag$
                var j = i + 1
                while j < n, bytes[j] != 0x24, isWordByte(bytes[j]) { j += 1 }
                if j < n, bytes[j] == 0x24 {
                    let tag = Array(bytes[i...j])
                    var k = j + 1
                    while k + tag.count <= n, Array(bytes[k..<(k + tag.count)]) != tag { k += 1 }
                    i = min(n, k + tag.count)
                    tokens.append(Token(kind: .string, start: start, end: i))
                    continue
                }
            }
            if b >= 0x30 && b <= 0x39 {
                while i < n, (bytes[i] >= 0x30 && bytes[i] <= 0x39) || bytes[i] == 0x2E { i += 1 }
                tokens.append(Token(kind: .number, start: start, end: i)); continue
            }
            if isWordByte(b) {
                while i < n, isWordByte(bytes[i]) { i += 1 }
                tokens.append(Token(kind: .word, start: start, end: i)); continue
            }
            if "(),;.".utf8.contains(b) { i += 1; tokens.append(Token(kind: .punctuation, start: start, end: i)); continue }
            while i < n, "+-*/<>=~!@#%^&|?:".utf8.contains(bytes[i]) { i += 1 }
            if i == start { i += 1 }
            tokens.append(Token(kind: .op, start: start, end: i))
        }
    }

    func text(_ t: Token) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }
    func text(from start: Int, to end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }
    func upper(_ t: Token) -> String { t.kind == .word ? text(t).uppercased() : text(t) }
    func isWord(_ index: Int, _ word: String) -> Bool { index < tokens.count && tokens[index].kind == .word && upper(tokens[index]) == word }
    func isPunct(_ index: Int, _ p: String) -> Bool { index < tokens.count && tokens[index].kind == .punctuation && text(tokens[index]) == p }

    /// The index of the first token that starts at or after a byte offset.
    func index(at offset: Int) -> Int? { tokens.firstIndex { $0.start >= offset } }

    /// The index of the `)` matching the `(` at `open`.
    func closing(_ open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < tokens.count {
            if isPunct(i, "(") { depth += 1 } else if isPunct(i, ")") { depth -= 1; if depth == 0 { return i } }
            i += 1
        }
        return nil
    }

    /// The source text of the tokens from `first` up to (not including) the first token at depth 0
    /// that is `,`, an unmatched `)`, `;`, or one of `stops` (upper-case words); nil when empty.
    func expression(from first: Int, stops: Set<String> = []) -> (text: String, end: Int)? {
        var depth = 0
        var i = first
        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .punctuation {
                let p = text(t)
                if p == "(" { depth += 1 } else if p == ")" { if depth == 0 { break }; depth -= 1 } else if depth == 0, p == "," || p == ";" { break }
            } else if depth == 0, t.kind == .word, stops.contains(upper(t)) {
                break
            }
            i += 1
        }
        guard i > first else { return nil }
        return (text(from: tokens[first].start, to: tokens[i - 1].end), i)
    }

    /// Identifiers (words and quoted names, unquoted) that occur in a token range, for naming.
    func identifiers(_ range: Range<Int>) -> [String] {
        range.compactMap { i in
            let t = tokens[i]
            switch t.kind {
            case .word: return text(t).lowercased()
            case .quoted: return String(text(t).dropFirst().dropLast())
            default: return nil
            }
        }
    }
}
