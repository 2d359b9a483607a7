import MGenSpec

/// spec 1.1: index key options in MySQL and SQLite DDL — a part's ASC/DESC, MySQL's prefix
/// length `title(20)`, SQLite's expression parts `(lower("name"))`.
extension DDLReader.Parser {
    mutating func indexParts() throws(KeepRaw) -> (parts: [IndexPart], options: [IndexKeyOptions]) {
        guard punct("(") else { throw KeepRaw(reason: "expected ( at \(peekText)") }
        var parts: [IndexPart] = []
        var options: [IndexKeyOptions] = []
        repeat {
            var option = IndexKeyOptions()
            if dialect == .sqlite, i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "(" {
                // An expression in its own parentheses, to the matching one.
                let open = i
                var depth = 0
                var close: Int?
                for k in open..<tokens.tokens.count {
                    let t = tokens.text(tokens.tokens[k])
                    if t == "(" { depth += 1 } else if t == ")" { depth -= 1; if depth == 0 { close = k; break } }
                }
                guard let close, close > open + 1 else { throw KeepRaw(reason: "index expression") }
                parts.append(.expression(tokens.text(from: tokens.tokens[open + 1].start, to: tokens.tokens[close - 1].end)))
                i = close + 1
            } else {
                parts.append(.column(try identifier()))
                if dialect == .mysql, punct("(") {
                    guard i < tokens.tokens.count, let n = Int(tokens.text(tokens.tokens[i])), n > 0 else { throw KeepRaw(reason: "index prefix length") }
                    i += 1
                    guard punct(")") else { throw KeepRaw(reason: "index prefix length") }
                    option.length = n
                }
            }
            if word("DESC") { option.descending = true } else { _ = word("ASC") }
            options.append(option)
        } while punct(",")
        guard punct(")") else { throw KeepRaw(reason: "index part other than a column, an expression or a prefix length") }
        return (parts, options)
    }
}
