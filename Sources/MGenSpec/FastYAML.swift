/// A reader for the plain subset of YAML that specs are written in: block mappings and sequences
/// indented with spaces, one-line flow collections, plain and quoted one-line scalars, comments.
///
/// libyaml costs about a hundred thousand instructions for a spec of half a kilobyte, most of the
/// time `mgen` spends on a large chain. This reader handles the common shape in a fraction of that
/// and gives up (`nil`) on anything else — anchors, tags, block scalars, multi-line scalars or
/// flows, escapes, tabs, characters YAML does not print, odd indentation, empty values, syntax
/// errors — so that
/// libyaml reads those files and remains the one authority on YAML and its error messages. A test
/// checks that both readers give identical nodes, marks included, wherever this one answers.
enum FastYAML {
    static func parse(_ bytes: [UInt8]) -> Node? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer)
            return try? reader.document()
        }
    }

    private struct GiveUp: Error {}

    /// One line with content (not blank, not only a comment).
    private struct Row {
        var line: Int   // 1-based
        var start: Int  // offset of the line's first byte
        var content: Int // offset of its first non-space byte
        var end: Int    // offset just past its last byte (before the newline)
        var ascii: Bool // columns count characters, as libyaml's do
        var indent: Int { content - start }
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var rows: [Row] = []
        var r = 0

        init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

        static let space = UInt8(ascii: " "), dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":"), hash = UInt8(ascii: "#")
        static let single = UInt8(ascii: "'"), double = UInt8(ascii: "\""), comma = UInt8(ascii: ",")
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")

        mutating func document() throws(GiveUp) -> Node {
            try splitRows()
            guard !rows.isEmpty else { throw GiveUp() }
            let root = try block(minIndent: 0)
            guard r == rows.count else { throw GiveUp() }
            return root
        }

        /// Splits the text into content rows; gives up on bytes this reader does not handle.
        mutating func splitRows() throws(GiveUp) {
            rows.reserveCapacity(b.count / 24 + 8) // about a row per 24 bytes in specs
            var line = 1
            var start = 0
            var ascii = true
            var i = 0
            while i <= b.count {
                if i == b.count || b[i] == 10 {
                    var content = start
                    while content < i, b[content] == Self.space { content += 1 }
                    if content < i, b[content] != Self.hash {
                        var end = i
                        while end > content, b[end - 1] == Self.space { end -= 1 }
                        rows.append(Row(line: line, start: start, content: content, end: end, ascii: ascii))
                        // Directives and document markers.
                        if content == start, b[content] == UInt8(ascii: "%") || startsMarker(content, end) { throw GiveUp() }
                    }
                    line += 1
                    start = i + 1
                    ascii = true
                } else {
                    let c = b[i]
                    // Tabs, carriage returns and control bytes go to libyaml.
                    if c < 32 || c == 127 { throw GiveUp() }
                    if c >= 128 {
                        i += try printableCharacter(at: i) - 1
                        ascii = false
                    }
                }
                i += 1
            }
        }

        /// The length of the well-formed UTF-8 character at `i`, if YAML counts it printable and
        /// not a line break (libyaml breaks lines at U+2028 and U+2029, and rejects the rest).
        func printableCharacter(at i: Int) throws(GiveUp) -> Int {
            let c = b[i]
            let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0
            guard length > 0, c < 0xF5, i + length <= b.count else { throw GiveUp() }
            var scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length {
                let next = b[i + k]
                guard next & 0xC0 == 0x80 else { throw GiveUp() }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            let printable = (0xA0...0xD7FF).contains(scalar) || (0xE000...0xFFFD).contains(scalar) || (0x10000...0x10FFFF).contains(scalar)
            guard scalar >= minimum, printable, scalar != 0xFEFF, scalar != 0x2028, scalar != 0x2029 else { throw GiveUp() }
            return length
        }

        func startsMarker(_ p: Int, _ end: Int) -> Bool {
            guard end - p >= 3 else { return false }
            return (b[p] == Self.dash && b[p + 1] == Self.dash && b[p + 2] == Self.dash)
                || (b[p] == UInt8(ascii: ".") && b[p + 1] == UInt8(ascii: ".") && b[p + 2] == UInt8(ascii: "."))
        }

        func mark(_ row: Row, _ p: Int) -> Node.Mark {
            if row.ascii { return Node.Mark(line: row.line, column: p - row.start + 1) }
            var characters = 0
            for i in row.start..<p where b[i] & 0xC0 != 0x80 { characters += 1 }
            return Node.Mark(line: row.line, column: characters + 1)
        }

        func isEntry(_ p: Int, _ end: Int) -> Bool { b[p] == Self.dash && (p + 1 == end || b[p + 1] == Self.space) }

        /// The node that starts at the current row, indented at least `minIndent`.
        mutating func block(minIndent: Int) throws(GiveUp) -> Node {
            guard r < rows.count, rows[r].indent >= minIndent else { throw GiveUp() }
            let row = rows[r]
            if isEntry(row.content, row.end) { return try sequence(indent: row.indent) }
            if try key(row, row.content) != nil { return try mapping(indent: row.indent, firstKey: nil) }
            let node = try inline(row, row.content)
            r += 1
            return node
        }

        mutating func sequence(indent: Int) throws(GiveUp) -> Node {
            let first = rows[r]
            var items: [Node] = []
            items.reserveCapacity(4) // most lists in a spec are short: one allocation, not three
            while r < rows.count, rows[r].indent == indent, isEntry(rows[r].content, rows[r].end) {
                let row = rows[r]
                var p = row.content + 1
                while p < row.end, b[p] == Self.space { p += 1 }
                if p == row.end {
                    r += 1
                    items.append(try block(minIndent: indent + 1))
                } else if isEntry(p, row.end) {
                    throw GiveUp() // `- - a`
                } else if try key(row, p) != nil {
                    items.append(try mapping(indent: p - row.start, firstKey: p))
                } else {
                    items.append(try inline(row, p))
                    r += 1
                }
            }
            if r < rows.count, rows[r].indent > indent { throw GiveUp() }
            return .sequence(items, mark(first, first.content))
        }

        /// A block mapping whose keys sit at column `indent`; `firstKey` when it starts after `- `.
        mutating func mapping(indent: Int, firstKey: Int?) throws(GiveUp) -> Node {
            var pending = firstKey
            let start = mark(rows[r], firstKey ?? rows[r].content)
            var pairs: [(key: Node, value: Node)] = []
            pairs.reserveCapacity(4)
            while r < rows.count {
                let row = rows[r]
                let keyStart: Int
                if let p = pending {
                    keyStart = p
                    pending = nil
                } else {
                    guard row.indent == indent else { break }
                    keyStart = row.content
                }
                guard let (keyNode, colon) = try key(row, keyStart) else { throw GiveUp() }
                var p = colon + 1
                while p < row.end, b[p] == Self.space { p += 1 }
                let value: Node
                if p == row.end || (b[p] == Self.hash && p > colon + 1) {
                    r += 1
                    if r < rows.count, rows[r].indent > indent {
                        value = try block(minIndent: indent + 1)
                    } else if r < rows.count, rows[r].indent == indent, isEntry(rows[r].content, rows[r].end) {
                        value = try sequence(indent: indent)
                    } else {
                        throw GiveUp() // an empty value: libyaml decides where its mark is
                    }
                } else {
                    value = try inline(row, p)
                    r += 1
                    if r < rows.count, rows[r].indent > indent { throw GiveUp() }
                }
                pairs.append((keyNode, value))
            }
            if r < rows.count, rows[r].indent > indent { throw GiveUp() }
            return .mapping(Node.Mapping(pairs: pairs, mark: start))
        }

        /// The key of a `key: value` row starting at `p`, and the offset of its colon; nil when the
        /// row is not a mapping entry.
        func key(_ row: Row, _ p: Int) throws(GiveUp) -> (Node, Int)? {
            let c = b[p]
            if c == Self.openBrace || c == Self.openBracket { return nil }
            if isEntry(p, row.end) { throw GiveUp() } // `- ` where a key belongs
            if c == Self.single || c == Self.double {
                var q = p
                let text = try quoted(row, &q)
                guard q < row.end, b[q] == Self.colon else { return nil }
                guard q + 1 == row.end || b[q + 1] == Self.space else { throw GiveUp() }
                return (.scalar(Node.Scalar(string: text, plain: false, mark: mark(row, p))), q)
            }
            var q = p
            var hash = false
            while q < row.end {
                let x = b[q]
                if x == Self.colon, q + 1 == row.end || b[q + 1] == Self.space { break }
                if x == Self.hash {
                    if q > p, b[q - 1] == Self.space { return nil }
                    hash = true
                }
                q += 1
            }
            guard q < row.end else { return nil }
            try plainStart(c)
            if hash { throw GiveUp() }
            var end = q
            while end > p, b[end - 1] == Self.space { end -= 1 }
            return (.scalar(Node.Scalar(string: string(p, end), plain: true, mark: mark(row, p))), q)
        }

        /// A value written on the rest of a row: a scalar or a one-line flow collection.
        func inline(_ row: Row, _ p: Int) throws(GiveUp) -> Node {
            var q = p
            let node: Node
            switch b[p] {
            case Self.openBrace, Self.openBracket:
                node = try flow(row, &q)
            case Self.single, Self.double:
                node = .scalar(Node.Scalar(string: try quoted(row, &q), plain: false, mark: mark(row, p)))
            default:
                try plainStart(b[p])
                if isEntry(p, row.end) { throw GiveUp() }
                var end = row.end
                var x = p
                while x < row.end {
                    if b[x] == Self.hash, b[x - 1] == Self.space { end = x; break }
                    // `a: b: c`, or a key on a row that should hold a value.
                    if b[x] == Self.colon, x + 1 == row.end || b[x + 1] == Self.space { throw GiveUp() }
                    x += 1
                }
                while end > p, b[end - 1] == Self.space { end -= 1 }
                return .scalar(Node.Scalar(string: string(p, end), plain: true, mark: mark(row, p)))
            }
            try rest(row, q)
            return node
        }

        /// Only spaces and a comment may follow a value.
        func rest(_ row: Row, _ q: Int) throws(GiveUp) {
            var q = q
            while q < row.end, b[q] == Self.space { q += 1 }
            guard q == row.end || (b[q] == Self.hash && b[q - 1] == Self.space) else { throw GiveUp() }
        }

        /// `{...}` or `[...]` closed on the same row.
        func flow(_ row: Row, _ q: inout Int) throws(GiveUp) -> Node {
            let start = q
            let isMapping = b[q] == Self.openBrace
            let close = isMapping ? Self.closeBrace : Self.closeBracket
            q += 1
            var items: [Node] = []
            var pairs: [(key: Node, value: Node)] = []
            if isMapping { pairs.reserveCapacity(4) } else { items.reserveCapacity(4) }
            while true {
                skipSpaces(row, &q)
                guard q < row.end else { throw GiveUp() }
                if b[q] == close { q += 1; break }
                if isMapping {
                    let keyNode = try flowScalar(row, &q, key: true)
                    guard q < row.end, b[q] == Self.colon, q + 1 < row.end, b[q + 1] == Self.space else { throw GiveUp() }
                    q += 1
                    skipSpaces(row, &q)
                    guard q < row.end else { throw GiveUp() }
                    pairs.append((keyNode, try flowItem(row, &q)))
                } else {
                    items.append(try flowItem(row, &q))
                }
                skipSpaces(row, &q)
                guard q < row.end else { throw GiveUp() }
                if b[q] == Self.comma { q += 1; continue }
                if b[q] == close { q += 1; break }
                throw GiveUp()
            }
            let m = mark(row, start)
            return isMapping ? .mapping(Node.Mapping(pairs: pairs, mark: m)) : .sequence(items, m)
        }

        func flowItem(_ row: Row, _ q: inout Int) throws(GiveUp) -> Node {
            if b[q] == Self.openBrace || b[q] == Self.openBracket { return try flow(row, &q) }
            return try flowScalar(row, &q, key: false)
        }

        /// A scalar inside a flow collection: quoted, or plain up to `,`, `]`, `}` or `: `.
        func flowScalar(_ row: Row, _ q: inout Int, key: Bool) throws(GiveUp) -> Node {
            let p = q
            if b[p] == Self.single || b[p] == Self.double {
                return .scalar(Node.Scalar(string: try quoted(row, &q), plain: false, mark: mark(row, p)))
            }
            try plainStart(b[p])
            if b[p] == Self.dash, p + 1 < row.end, b[p + 1] == Self.space { throw GiveUp() }
            while q < row.end {
                let x = b[q]
                if x == Self.comma || x == Self.closeBrace || x == Self.closeBracket { break }
                if x == Self.colon {
                    // Only a key ends at `: `; anything else with a colon is libyaml's to judge.
                    guard key, q + 1 < row.end, b[q + 1] == Self.space else { throw GiveUp() }
                    break
                }
                if x == Self.hash || x == Self.openBrace || x == Self.openBracket { throw GiveUp() }
                q += 1
            }
            if key, q == row.end || b[q] != Self.colon { throw GiveUp() } // `{a, b}`: keys without values
            var end = q
            while end > p, b[end - 1] == Self.space { end -= 1 }
            guard end > p else { throw GiveUp() }
            return .scalar(Node.Scalar(string: string(p, end), plain: true, mark: mark(row, p)))
        }

        func skipSpaces(_ row: Row, _ q: inout Int) {
            while q < row.end, b[q] == Self.space { q += 1 }
        }

        /// A quoted scalar closed on the same row; `''` in single quotes is a quote. Escapes in
        /// double quotes are left to libyaml.
        func quoted(_ row: Row, _ q: inout Int) throws(GiveUp) -> String {
            let quote = b[q]
            var bytes: [UInt8] = []
            var i = q + 1
            while true {
                guard i < row.end else { throw GiveUp() }
                let c = b[i]
                if c == quote {
                    if quote == Self.single, i + 1 < row.end, b[i + 1] == Self.single {
                        bytes.append(c)
                        i += 2
                        continue
                    }
                    break
                }
                if c == UInt8(ascii: "\\"), quote == Self.double { throw GiveUp() }
                bytes.append(c)
                i += 1
            }
            q = i + 1
            return String(decoding: bytes, as: UTF8.self)
        }

        /// Plain scalars may not start with an indicator.
        func plainStart(_ c: UInt8) throws(GiveUp) {
            switch c {
            case UInt8(ascii: "?"), UInt8(ascii: ":"), Self.comma, Self.openBracket, Self.closeBracket, Self.openBrace,
                 Self.closeBrace, Self.hash, UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                 UInt8(ascii: ">"), Self.single, Self.double, UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"):
                throw GiveUp()
            default:
                return
            }
        }

        func string(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }
    }
}

extension Node: Equatable {
    public static func == (a: Node, b: Node) -> Bool {
        switch (a, b) {
        case let (.scalar(x), .scalar(y)): x.string == y.string && x.plain == y.plain && x.mark == y.mark
        case let (.sequence(x, m), .sequence(y, n)): m == n && x == y
        case let (.mapping(x), .mapping(y)):
            x.mark == y.mark && x.pairs.count == y.pairs.count
                && zip(x.pairs, y.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }
}
