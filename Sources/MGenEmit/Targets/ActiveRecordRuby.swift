import MGenSpec

/// Ruby source text for the ActiveRecord target: literals, symbols, option lists, `execute`.
enum Ruby {
    /// A double-quoted string, as Rails' own generators write them. `#` is escaped so that no
    /// `#{...}` in a comment or SQL text is ever interpolated.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "#": out += "\\#"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if !printsAsIs(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `:name`, or `:"odd name"` when the name is not a plain identifier.
    static func symbol(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return plain ? ":" + name : ":" + string(name)
    }

    /// A table: `:invoices`, or `"billing.invoices"` for one of another schema (spec 1.1: schemas;
    /// Rails 6.1's PostgreSQL adapter splits and quotes a dotted name in every table call).
    static func table(_ key: String) -> String {
        let name = QualifiedName(key)
        return name.schema == nil ? symbol(key) : string(name.description)
    }

        /// `:a` for one name, `[:a, :b]` for several (Rails takes either for index columns).
    static func symbols(_ names: [String]) -> String {
        names.count == 1 ? symbol(names[0]) : "[" + names.map(symbol).joined(separator: ", ") + "]"
    }

    /// `key: value` pairs, in the order given.
    static func options(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
    }

    /// `name arg, arg, key: value`: one call, arguments then options.
    static func call(_ name: String, _ arguments: [String], _ options: [(String, String)] = []) -> String {
        let parts = arguments + (options.isEmpty ? [] : [Self.options(options)])
        return parts.isEmpty ? name : name + " " + parts.joined(separator: ", ")
    }

    /// `execute` of one SQL statement: a quoted string for one line; a single-quoted squiggly
    /// heredoc (no interpolation, no escapes: the SQL arrives byte for byte) for several.
    static func execute(_ sql: String) -> [String] {
        if !sql.contains("\n") {
            // Single quotes read better for SQL full of "identifiers", and need no escapes then.
            if sql.contains("\""), !sql.contains("'"), !sql.contains("\\") { return ["execute '\(sql)'"] }
            return ["execute " + string(sql)]
        }
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var terminator = "SQL"
        while lines.contains(where: { $0.trimmingCharacters(in: .whitespaces) == terminator }) { terminator += "_" }
        return ["execute <<~'\(terminator)'"] + lines.map { $0.isEmpty ? "" : "  " + $0 } + [terminator]
    }

    /// Prefixes every non-empty line.
    static func indent(_ lines: [String], _ prefix: String = "  ") -> [String] {
        lines.map { $0.isEmpty ? "" : prefix + $0 }
    }

    /// Rails' `String#camelize` of a snake_case file name: the class the file must define.
    static func camelize(_ snake: String) -> String {
        snake.split(separator: "_").map { word in
            guard let first = word.first else { return "" }
            return first.uppercased() + word.dropFirst()
        }.joined()
    }
}
