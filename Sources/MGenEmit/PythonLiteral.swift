/// Python string literals spelled as `repr()` spells them — what Alembic's autogenerate, Django's
/// MigrationWriter and peewee_migrate write — shared by the Python targets.
enum PythonLiteral {
    /// Single quotes unless the text has a single quote and no double quote; backslash escapes for
    /// the quote, backslash and control characters. `escapePercent` doubles `%` for drivers that read
    /// SQL as a format string.
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
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.unicodeScalars.append(quote)
        return out
    }
}
