import MGenSpec

/// spec 1.1: `ALTER TABLE t ENGINE=…`, `[DEFAULT] CHARACTER SET|CHARSET [=] …`, `[DEFAULT] COLLATE
/// [=] …` and `CONVERT TO CHARACTER SET … [COLLATE …]` (MySQL) read as `alter_table`. Options may
/// follow one another without commas, as MySQL allows. A COLLATE without its character set stays
/// raw (the spec names both).
extension DDLReader.Parser {
    mutating func mysqlTableOptionsClause(table: String) throws(KeepRaw) -> [Operation]? {
        guard dialect == .mysql else { return nil }
        let start = i
        var change = MySQLTableOptionsChange()
        func value() throws(KeepRaw) -> String {
            if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
            return try identifier()
        }
        while !atEnd {
            let before = i
            if word("CONVERT") {
                try expect("TO")
                guard word("CHARSET") || (word("CHARACTER") && word("SET")) else { throw KeepRaw(reason: "CONVERT TO \(peekText)") }
                change.convert = true
                change.charset = try value()
                if word("COLLATE") { change.collate = try value() }
                continue
            }
            _ = word("DEFAULT")
            if word("ENGINE") {
                change.engine = try value()
            } else if word("CHARSET") || (word("CHARACTER") && word("SET")) {
                change.charset = try value()
            } else if word("COLLATE") {
                change.collate = try value()
            } else {
                i = before
                break
            }
        }
        guard i > start else { return nil }
        if change.charset == nil, change.collate != nil { throw KeepRaw(reason: "COLLATE without CHARACTER SET") }
        if change.charset?.uppercased() == "DEFAULT" || change.collate?.uppercased() == "DEFAULT" { throw KeepRaw(reason: "CHARACTER SET DEFAULT (the database's, unknown to the spec)") }
        return [.alterTable(AlterTable(table: table, mysql: change))]
    }
}
