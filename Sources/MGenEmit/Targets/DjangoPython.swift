import MGenSpec

/// Python source for the Django target: literals spelled as `repr()` spells them, and a small tree
/// of calls, lists and dicts laid out the way Django's own MigrationWriter lays them out.
enum Py {
    /// A string literal exactly as Python's `repr()` writes it: single quotes unless the text has a
    /// single quote and no double quote; backslash escapes for the quote, backslash and controls.
    static func string(_ text: String) -> String { PythonLiteral.string(text) }

    /// `('a',)` or `('a', 'b')`: a tuple of strings (Django writes constraint `fields` as tuples).
    static func tuple(_ items: [String]) -> String {
        items.count == 1 ? "(\(items[0]),)" : "(" + items.joined(separator: ", ") + ")"
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    static let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                                        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
                                        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
                                        "return", "try", "while", "with", "yield"]

    /// `key=value`, or `**{'key': value}` where the key is not a Python identifier (a column named
    /// `from` or `my col`): Django reads both the same.
    static func keywordArgument(_ key: String, _ value: String) -> String {
        let isIdentifier = key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            && !(key.first?.isNumber ?? true) && !keywords.contains(key)
        return isIdentifier ? "\(key)=\(value)" : "**{\(string(key)): \(value)}"
    }

    /// A valid identifier for a Python function name.
    static func identifier(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            if c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" { out.unicodeScalars.append(c) } else { out += "_" }
        }
        if out.first.map({ $0.isNumber }) ?? true { out = "_" + out }
        return out
    }
}

/// One node of Python source: inline text, or a call / list / dict written one item per line.
indirect enum PyNode {
    case inline(String)
    /// `name(` + one `key=value,` per line + `)`.
    case call(String, [(String, PyNode)])
    /// `[` + one item per line + `]`.
    case list([PyNode])
    /// `{` + one `key: value,` per line + `}`.
    case dict([(String, PyNode)])

    /// `migrations.RunSQL(…)`: SQL Django sends as it is, with no schema-editor work of its own.
    var isRunSQL: Bool {
        if case let .call(name, _) = self { name == "migrations.RunSQL" } else { false }
    }

    /// The text, starting where the caller already is, with continuation lines at `indent` spaces.
    func render(indent: Int) -> String {
        let pad = String(repeating: " ", count: indent + 4)
        let close = String(repeating: " ", count: indent)
        switch self {
        case let .inline(text):
            return text
        case let .call(name, arguments):
            return "\(name)(\n" + arguments.map { "\(pad)\($0.0)=\($0.1.render(indent: indent + 4)),\n" }.joined() + "\(close))"
        case let .list(items):
            return "[\n" + items.map { "\(pad)\($0.render(indent: indent + 4)),\n" }.joined() + "\(close)]"
        case let .dict(items):
            return "{\n" + items.map { "\(pad)\($0.0): \($0.1.render(indent: indent + 4)),\n" }.joined() + "\(close)}"
        }
    }
}

/// Turns simple SQL conditions into Django `Q` objects: `score >= 0`, `email IS NULL`,
/// `status IN ('a', 'b')`, joined with AND. Anything else returns nil and the caller falls back to
/// raw SQL, which is always correct but opaque to Django.
enum DjangoCondition {
    enum Token: Equatable { case word(String), number(String), string(String), symbol(String) }

    static func tokens(_ text: String) -> [Token]? {
        var out: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                out.append(.word(String(chars[i..<j]))); i = j; continue
            }
            if c == "\"" {
                guard let end = chars[(i + 1)...].firstIndex(of: "\"") else { return nil }
                out.append(.word(String(chars[(i + 1)..<end]))); i = end + 1; continue
            }
            if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                out.append(.number(String(chars[i..<j]))); i = j; continue
            }
            if c == "'" {
                var j = i + 1
                var value = ""
                while j < chars.count {
                    if chars[j] == "'" {
                        if j + 1 < chars.count, chars[j + 1] == "'" { value.append("'"); j += 2; continue }
                        break
                    }
                    value.append(chars[j]); j += 1
                }
                guard j < chars.count else { return nil }
                out.append(.string(value)); i = j + 1; continue
            }
            let two = i + 1 < chars.count ? String(chars[i...(i + 1)]) : ""
            if [">=", "<=", "<>", "!="].contains(two) { out.append(.symbol(two)); i += 2; continue }
            if "=<>(),".contains(c) { out.append(.symbol(String(c))); i += 1; continue }
            return nil
        }
        return out
    }

    /// `models.Q(a__gte=0, b__isnull=True)`, with `field` mapping column names to field names.
    static func q(_ text: String, field: (String) -> String?) -> String? {
        guard let tokens = tokens(text), !tokens.isEmpty else { return nil }
        var terms: [(key: String, value: String)] = []
        var i = 0
        func literal(_ token: Token) -> String? {
            switch token {
            case let .number(n): return n
            case let .string(s): return Py.string(s)
            case let .word(w) where w.lowercased() == "true": return "True"
            case let .word(w) where w.lowercased() == "false": return "False"
            default: return nil
            }
        }
        while i < tokens.count {
            guard case let .word(column) = tokens[i], let name = field(column) else { return nil }
            i += 1
            guard i < tokens.count else { return nil }
            switch tokens[i] {
            case .word(let w) where w.uppercased() == "IS":
                if i + 2 < tokens.count, tokens[i + 1] == .word("NOT") || tokens[i + 1] == .word("not"),
                   case let .word(n) = tokens[i + 2], n.uppercased() == "NULL" {
                    terms.append(("\(name)__isnull", "False")); i += 3
                } else if i + 1 < tokens.count, case let .word(n) = tokens[i + 1], n.uppercased() == "NULL" {
                    terms.append(("\(name)__isnull", "True")); i += 2
                } else { return nil }
            case .word(let w) where w.uppercased() == "IN":
                guard i + 1 < tokens.count, tokens[i + 1] == .symbol("(") else { return nil }
                var values: [String] = []
                var j = i + 2
                while j < tokens.count, tokens[j] != .symbol(")") {
                    if tokens[j] == .symbol(",") { j += 1; continue }
                    guard let value = literal(tokens[j]) else { return nil }
                    values.append(value); j += 1
                }
                guard j < tokens.count, !values.isEmpty else { return nil }
                terms.append(("\(name)__in", Py.list(values))); i = j + 1
            case let .symbol(op):
                let lookups = ["=": "", ">=": "__gte", ">": "__gt", "<=": "__lte", "<": "__lt"]
                guard let lookup = lookups[op], i + 1 < tokens.count, let value = literal(tokens[i + 1]) else { return nil }
                terms.append(("\(name)\(lookup)", value)); i += 2
            default:
                return nil
            }
            if i < tokens.count {
                guard case let .word(and) = tokens[i], and.uppercased() == "AND" else { return nil }
                i += 1
                if i == tokens.count { return nil }
            }
        }
        // Q sorts its keyword arguments; keep the order as written with one Q per term joined by &.
        guard Set(terms.map(\.key)).count == terms.count else { return nil }
        return "models.Q(" + terms.map { Py.keywordArgument($0.key, $0.value) }.joined(separator: ", ") + ")"
    }
}
