/// The columns an expression names by quoting them: an expression index part, an index's `where`
/// and a CHECK must name columns of their table. A quoted name that is not one (a column renamed
/// away or dropped earlier in the chain, or a typo) fails on PostgreSQL and MySQL, but SQLite
/// reads a double-quoted name it cannot resolve as a string literal: `lower("created_at")` indexes
/// the constant 'created_at' and every row collides. Bare words are left alone: they may be
/// functions, keywords or type names, and every database refuses an unknown bare column itself.
extension Validator {
    mutating func requireQuotedColumns(_ expression: String, in table: Table, field: String, what: String) {
        for name in quotedIdentifiers(in: expression) where table.column(name) == nil {
            let names = table.columns.map(\.name)
            error("\(what) reads \"\(name)\", which is not a column of '\(table.name)'\(suggestion(name, names))", field: field,
                  fix: "name a column of \(table.name) (\(names.joined(separator: ", "))); a column renamed earlier goes by its new name (SQLite reads a double-quoted name that is no column as a string)")
        }
    }

    mutating func requireQuotedColumns(of index: Index, in table: Table) {
        for case let .expression(text) in index.parts {
            requireQuotedColumns(text, in: table, field: "columns", what: "the expression of index '\(index.name)'")
        }
        if let predicate = index.predicate { requireQuotedColumns(predicate, in: table, field: "where", what: "the `where` of index '\(index.name)'") }
    }
}

/// The double-quoted and backquoted identifiers of an SQL expression that stand for a column:
/// not inside a string literal, not a qualifier (`"t".c`) or qualified (`t."c"`), not a function
/// name (`"f"(…)`) and not a collation (`COLLATE "C"`).
func quotedIdentifiers(in expression: String) -> [String] {
    let chars = Array(expression)
    var out: [String] = []
    var i = 0
    func previousWord(before index: Int) -> (word: String, last: Character?) {
        var j = index - 1
        while j >= 0, chars[j].isWhitespace { j -= 1 }
        guard j >= 0 else { return ("", nil) }
        var k = j
        while k >= 0, chars[k] == "_" || chars[k].isLetter { k -= 1 }
        return (String(chars[(k + 1)..<(j + 1)]).uppercased(), chars[j])
    }
    while i < chars.count {
        let c = chars[i]
        if c == "'" { i = stringLiteralEnd(chars, from: i); continue }
        guard c == "\"" || c == "`" else { i += 1; continue }
        var name = ""
        var j = i + 1
        while j < chars.count {
            if chars[j] == c {
                if j + 1 < chars.count, chars[j + 1] == c { name.append(c); j += 2; continue }
                break
            }
            name.append(chars[j])
            j += 1
        }
        let end = min(j + 1, chars.count)
        var next = end
        while next < chars.count, chars[next].isWhitespace { next += 1 }
        let following: Character? = next < chars.count ? chars[next] : nil
        let (word, last) = previousWord(before: i)
        if following != "." && following != "(" && last != "." && word != "COLLATE" { out.append(name) }
        i = end
    }
    return out
}
