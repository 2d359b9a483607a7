/// Free text from a spec (a description, an `irreversible` reason, a name, a file name) written
/// into a line comment of a generated file. The one place every line comment mgen writes goes
/// through, in every language: a line break in the text would end the comment and make the rest
/// of the text SQL or code, so each line of the text becomes a comment line of its own, and what
/// a tool reads in a comment line (goose annotations, Python's and Ruby's `coding:` cookie) is
/// defused. Lives here, not in MGenEmit, because `mgen sql` writes SQL comments too.
public enum LineComment: Sendable {
    /// `-- ` (SQL), `# ` (Python, Ruby), `// ` (JavaScript, TypeScript).
    case sql, hash, slashes

    public var marker: String {
        switch self {
        case .sql: "--"
        case .hash: "#"
        case .slashes: "//"
        }
    }

    /// The style whose marker is `marker` (`--`, `#`, `//`); SQL for anything else.
    public init(marker: String) {
        switch marker {
        case "#": self = .hash
        case "//": self = .slashes
        default: self = .sql
        }
    }

    /// `text` as whole comment lines: `-- first line`, `-- second line`, ...
    public func lines(_ text: String) -> String {
        list(text).joined(separator: "\n")
    }

    /// The same lines, one element each (for code built as a list of lines).
    public func list(_ text: String) -> [String] {
        LineComment.split(text).map { $0.isEmpty ? marker : marker + " " + defuse($0) }
    }

    /// Each element of `items` as comment lines (an element with line breaks gives several).
    public func lines(_ items: [String]) -> String {
        items.map { lines($0) }.joined(separator: "\n")
    }

    /// `text` for the rest of a comment line that the caller (or a template) has begun with the
    /// marker: `-- Irreversible: {{{irreversible}}}`. Later lines of the text begin with the marker.
    public func continuing(_ text: String) -> String {
        var out = ""
        for (i, line) in LineComment.split(text).enumerated() {
            if i > 0 { out += "\n" + marker + (line.isEmpty ? "" : " ") }
            out += defuse(line)
        }
        return out
    }

    /// What a tool would read in a comment line, made inert.
    private func defuse(_ line: String) -> String {
        switch self {
        case .sql:
            // goose reads `^-- +goose ...` (any case) as an annotation: Down, StatementBegin, ENVSUB ON.
            if line.utf8.first == UInt8(ascii: "+"), line.lowercased().hasPrefix("+goose") { return "\\" + line }
            return line
        case .hash:
            // Python and Ruby take `coding[:=]name` in a first or second line comment as the
            // file's encoding (an unknown one is a syntax error).
            guard line.contains("coding") else { return line }
            return line.replacingOccurrences(of: "coding:", with: "coding :").replacingOccurrences(of: "coding=", with: "coding =")
        case .slashes:
            return line
        }
    }

    /// Whether a language may end a line (or a comment) at this character: SQL and Python at
    /// LF and CR, JavaScript also at U+2028 and U+2029; the rest are line breaks to Unicode,
    /// to editors and to Python's `str.splitlines`.
    public static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Characters that are invisible or reorder text (controls, bidirectional overrides: the
    /// "Trojan Source" trick): written as `\u{...}` so a reader sees what the spec says.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    /// The lines of `text` (CR LF counts as one break), hidden characters spelled out.
    static func split(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            if isLineBreak(scalar) {
                if scalar == "\n", previousCR { continue }
                lines.append(current)
                current = ""
            } else if isHidden(scalar) {
                current += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        lines.append(current)
        return lines
    }
}
