import Foundation
import MGenSpec

/// Python source text for the Alembic target: literals as Python's `repr` writes them (Alembic's
/// autogenerate renders with `%r`), and a tiny reader of the module-level assignments Alembic
/// itself reads from a revision file.
enum AlembicPython {
    /// `repr(text)`: single quotes unless the text has a single quote and no double quote.
    static func string(_ text: String) -> String { PythonLiteral.string(text) }

    /// A string for SQL passed to `op.execute` / `sa.text`: a triple-quoted block when the text is
    /// several lines that can be re-indented without changing their meaning, else `repr`.
    static func sqlString(_ sql: String, indent: String) -> String {
        let text = escapingBindColons(sql)
        guard text.contains("\n"), !text.contains("\\"), !text.contains("\"\"\""), !text.hasSuffix("\""),
              !newlineInsideQuotes(text) else { return string(text) }
        let body = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : indent + "    " + $0 }.joined(separator: "\n")
        return "\"\"\"\n\(body)\n\(indent)\"\"\""
    }

    /// `sa.text` (which `op.execute` applies to a string) reads `:name` as a bind parameter;
    /// `\:` keeps the colon. Casts (`::`) and `:=` are left alone, as `sa.text` leaves them.
    static func escapingBindColons(_ sql: String) -> String {
        let chars = Array(sql)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c == ":", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1].isNumber || chars[i + 1] == "_",
               i == 0 || !(chars[i - 1] == ":" || chars[i - 1] == "\\" || chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_") {
                out += "\\:"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Whether a line break sits inside a quoted SQL literal or identifier (re-indenting would change it).
    private static func newlineInsideQuotes(_ sql: String) -> Bool {
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil } else if c == "\n" { return true }
            } else if c == "'" || c == "\"" || c == "`" {
                quote = c
            }
        }
        return false
    }

    /// A docstring body: backslashes and triple quotes escaped.
    static func docstring(_ text: String) -> String { PythonLiteral.docstring(text) }

    /// The value of a module-level `name = ...` or `name: Type = ...` assignment: a string, None,
    /// or a tuple/list of strings. nil when the name is not assigned at the top level.
    enum Value: Equatable { case none, strings([String]) }

    static func assignment(_ name: String, in source: String) -> Value? {
        for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            guard line.hasPrefix(name) else { continue }
            var rest = line.dropFirst(name.count)
            guard let next = rest.first, next == " " || next == ":" || next == "=" else { continue }
            rest = rest.drop { $0 == " " }
            if rest.first == ":" {
                // An annotation: skip to the `=` outside brackets.
                var depth = 0
                var index = rest.startIndex
                while index < rest.endIndex {
                    let c = rest[index]
                    if c == "[" || c == "(" { depth += 1 } else if c == "]" || c == ")" { depth -= 1 } else if c == "=", depth == 0 { break }
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { continue }
                rest = rest[index...]
            }
            guard rest.first == "=", rest.dropFirst().first != "=" else { continue }
            return parseValue(rest.dropFirst().trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// `None`, `'abc'`, `"abc"`, `('a', 'b')`, `['a']`, `("a",)`, with an optional trailing comment.
    static func parseValue(_ text: String) -> Value? {
        if text == "None" || text.hasPrefix("None ") || text.hasPrefix("None#") { return Value.none }
        var strings: [String] = []
        let chars = Array(text)
        var i = 0
        var bracket: Character?
        if let first = chars.first, first == "(" || first == "[" { bracket = first == "(" ? ")" : "]"; i = 1 }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "," { i += 1; continue }
            if c == "#" || c == bracket { break }
            guard c == "'" || c == "\"" else { return nil }
            var value = ""
            var j = i + 1
            while j < chars.count, chars[j] != c {
                if chars[j] == "\\", j + 1 < chars.count { j += 1 }
                value.append(chars[j])
                j += 1
            }
            guard j < chars.count else { return nil }
            strings.append(value)
            i = j + 1
            if bracket == nil { break }
        }
        return strings.isEmpty ? nil : .strings(strings)
    }
}

/// Python call text: `name(arg, arg, key=value)`, on one line.
struct AlembicCall {
    var function: String
    var arguments: [String] = []

    init(_ function: String, _ arguments: [String] = []) {
        self.function = function
        self.arguments = arguments
    }

    mutating func add(_ argument: String) { arguments.append(argument) }
    mutating func add(_ key: String, _ value: String) { arguments.append("\(key)=\(value)") }

    var text: String { "\(function)(\(arguments.joined(separator: ", ")))" }

    /// The call with each argument on its own line, as long calls (`op.create_table`) are written.
    func multiline(indent: String) -> String {
        guard !arguments.isEmpty else { return text }
        return "\(function)(\n" + arguments.map { "\(indent)    \($0),\n" }.joined() + "\(indent))"
    }
}
