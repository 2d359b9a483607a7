/// Python string literals spelled as `repr()` spells them — what Alembic's autogenerate, Django's
/// MigrationWriter and peewee_migrate write — and docstring text: the one place the Python
/// targets escape text from a spec.
enum PythonLiteral {
    /// Single quotes unless the text has a single quote and no double quote; backslash escapes for
    /// the quote, the backslash and every character `repr` does not print as it is.
    /// `escapePercent` doubles `%` for drivers that read SQL as a format string.
    static func string(_ text: String, escapePercent: Bool = false) -> String {
        let quote: Unicode.Scalar = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var out = String(quote)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case quote: out += "\\" + String(quote)
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "%" where escapePercent: out += "%%"
            default:
                if isPrintable(scalar) { out.unicodeScalars.append(scalar) } else { out += escape(scalar) }
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }

    /// Text for the inside of a `"""docstring"""` (Alembic's message and notes, Peewee's summary):
    /// it keeps its lines, but can neither end the docstring nor break the file. Backslashes are
    /// doubled (no `\N{...}` or `\x` escape errors), a `"` next to another `"` or at the end is
    /// escaped (so no `"""` forms, even against the closing quotes), and what Python does not allow
    /// raw (NUL), reads as a line end (CR) or would hide (a right-to-left override) is an escape.
    static func docstring(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"":
                let next = i + 1 < scalars.count ? scalars[i + 1] : nil
                out += next == nil || next == "\"" ? "\\\"" : "\""
            case "\n", "\t": out.unicodeScalars.append(scalar)
            case "\r": out += "\\r"
            default:
                if isPrintable(scalar) { out.unicodeScalars.append(scalar) } else { out += escape(scalar) }
            }
        }
        return out
    }

    /// Python's `str.isprintable` for one character: what `repr` writes as it is.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool { printsAsIs(scalar) }

    /// `\x07`, `\u202e`, `\U000e0001`: repr's escape of a character it does not print.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        let (prefix, width) = scalar.value <= 0xFF ? ("\\x", 2) : scalar.value <= 0xFFFF ? ("\\u", 4) : ("\\U", 8)
        return prefix + String(repeating: "0", count: max(0, width - hex.count)) + hex
    }
}

/// Whether a character may stand as it is in a string literal of generated code (Python's
/// `str.isprintable`): not a control, a line or paragraph separator, a format character such as a
/// right-to-left override, private use or unassigned. The Python, JavaScript and Ruby literals
/// escape the others, so a file shows every character its strings hold.
func printsAsIs(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: return false
    default: return true
    }
}
