import MGenSpec

/// spec 1.1: what MySQL/MariaDB and SQLite migrations say besides tables, read by mgen's own
/// reader — `INSERT … VALUES` of constants, `DELETE`, `UPDATE` (also used for PostgreSQL, whose
/// parse tree has been checked first), `CREATE [OR REPLACE] VIEW`, `CREATE TRIGGER`, `DROP VIEW /
/// TRIGGER`, and the ALTER TABLE clauses `ADD / DROP PRIMARY KEY`, `RENAME INDEX`, `COMMENT =`.
/// Each only where the spec's operation says exactly the same; anything else stays raw.
extension DDLReader.Parser {
    /// The source text from token `k` to the statement's end, without a trailing `;`.
    func rest(from k: Int) throws(KeepRaw) -> String {
        var last = tokens.tokens.count - 1
        while last >= k, tokens.isPunct(last, ";") { last -= 1 }
        guard k <= last else { throw KeepRaw(reason: "nothing after \(k > 0 && k - 1 < tokens.tokens.count ? tokens.text(tokens.tokens[k - 1]) : "the start")") }
        return tokens.text(from: tokens.tokens[k].start, to: tokens.tokens[last].end)
    }

    /// A top-level word in tokens `from…` (not inside parentheses), for clauses the spec cannot say.
    func topLevelWord(_ words: Set<String>, from start: Int) -> String? {
        var depth = 0
        for k in start..<tokens.tokens.count {
            if tokens.isPunct(k, "(") { depth += 1 } else if tokens.isPunct(k, ")") { depth -= 1 } else if depth == 0, tokens.tokens[k].kind == .word,
                                                                                                          words.contains(tokens.upper(tokens.tokens[k])) {
                return tokens.upper(tokens.tokens[k])
            }
        }
        return nil
    }

    // MARK: Data steps

    /// `INSERT INTO t (columns) VALUES (constants), …` → `insert` (the key is chosen by the import:
    /// the primary key, or a unique key every row gives).
    mutating func insert() throws(KeepRaw) -> [Operation] {
        try expect("INSERT")
        guard word("INTO") else { throw KeepRaw(reason: "INSERT \(peekText) (IGNORE, a priority, REPLACE …)") }
        let table = try identifier()
        guard tokens.isPunct(i, "(") else { throw KeepRaw(reason: "INSERT without a column list") }
        let columns = try identifierList()
        guard word("VALUES") else { throw KeepRaw(reason: "INSERT … \(peekText) (only literal VALUES rows are an insert step)") }
        let known = state.table(table)
        var rows: [DataRow] = []
        repeat {
            guard punct("(") else { throw KeepRaw(reason: "expected ( at \(peekText)") }
            var values: [DataValue] = []
            repeat {
                let column = values.count < columns.count ? columns[values.count] : ""
                var value = try literal()
                // MySQL and SQLite keep booleans as 0 and 1: that is what a boolean's value says there.
                if case let .integer(n) = value, n == 0 || n == 1, known?.column(column)?.type == .boolean { value = .boolean(n == 1) }
                values.append(DataValue(column: column, value: .literal(value)))
            } while punct(",")
            guard punct(")"), values.count == columns.count else { throw KeepRaw(reason: "a VALUES row of another length than the column list") }
            rows.append(DataRow(values))
        } while punct(",")
        if !atEnd { throw KeepRaw(reason: "INSERT … \(peekText) (ON DUPLICATE KEY, ON CONFLICT, RETURNING …)") }
        return [.insert(DataRows(table: table, rows: rows))]
    }

    /// A constant: a string, a number (signed), NULL, TRUE/FALSE; anything else stays raw.
    mutating func literal() throws(KeepRaw) -> Literal {
        guard i < tokens.tokens.count else { throw KeepRaw(reason: "a VALUES row ends early") }
        let t = tokens.tokens[i]
        var sign = ""
        var k = i
        if t.kind == .op, tokens.text(t) == "-", k + 1 < tokens.tokens.count, tokens.tokens[k + 1].kind == .number { sign = "-"; k += 1 }
        let token = tokens.tokens[k]
        switch token.kind {
        case .number:
            let text = sign + tokens.text(token)
            i = k + 1
            if !text.contains("."), let n = Int64(text) { return .integer(n) }
            return .number(text)
        case .string:
            let quoted = tokens.text(token)
            guard quoted.hasPrefix("'") else { throw KeepRaw(reason: "a dollar-quoted value") }
            i = k + 1
            if dialect == .mysql {
                guard let value = Self.mysqlString(quoted) else { throw KeepRaw(reason: "string escape in \(quoted)") }
                return .string(value)
            }
            return .string(String(quoted.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
        case .word where sign.isEmpty:
            i = k + 1
            switch tokens.upper(token) {
            case "NULL": return .null
            case "TRUE": return .boolean(true)
            case "FALSE": return .boolean(false)
            default: throw KeepRaw(reason: "a VALUES item that is not a constant (\(tokens.text(token)))")
            }
        default:
            throw KeepRaw(reason: "a VALUES item that is not a constant (\(tokens.text(token)))")
        }
    }

    /// `DELETE FROM t [WHERE condition]` → `delete` by `where` (without a `where`: `1 = 1`, every row).
    mutating func deleteRows() throws(KeepRaw) -> [Operation] {
        try expect("DELETE")
        try expect("FROM")
        let table = try dataTable()
        if let clause = topLevelWord(["ORDER", "LIMIT", "RETURNING", "USING", "AS"], from: i) { throw KeepRaw(reason: "DELETE with \(clause)") }
        if atEnd { return [.delete(DeleteRows(table: table, .predicate(DialectSQL([dialect.rawValue: "1 = 1"]), down: nil)))] }
        try expect("WHERE")
        let predicate = try rest(from: i)
        i = tokens.tokens.count
        return [.delete(DeleteRows(table: table, .predicate(DialectSQL([dialect.rawValue: predicate]), down: nil)))]
    }

    /// A table named by a data step: PostgreSQL's may be of another schema (`billing.invoices`, the
    /// state's key for it; `public.` is the default schema's), spec 1.1: schemas.
    mutating func dataTable() throws(KeepRaw) -> String {
        guard dialect == .postgresql, i + 2 < tokens.tokens.count, tokens.isPunct(i + 1, "."),
              let schema = name(at: i), let table = name(at: i + 2) else { return try identifier() }
        i += 3
        if tokens.isPunct(i, ".") { throw KeepRaw(reason: "a table named with its database") }
        return schema == "public" ? table : QualifiedName(schema: schema, name: table).key
    }

    /// `UPDATE t SET c = expression, … [WHERE condition]` of one table → `update`; joined with one
    /// other table (PostgreSQL `UPDATE t SET … FROM f WHERE condition`, MySQL `UPDATE t JOIN f ON
    /// condition SET t.c = …`) → `update` with `from` and the condition as `on` (what mgen renders so).
    mutating func update() throws(KeepRaw) -> [Operation] {
        try expect("UPDATE")
        let table = try dataTable()
        var from: String?
        var on: DialectSQL?
        if dialect == .mysql, word("JOIN") || (word("INNER") && word("JOIN")) {
            from = try identifier()
            try expect("ON")
            guard let condition = tokens.expression(from: i, stops: ["SET"]) else { throw KeepRaw(reason: "JOIN without a condition") }
            i = condition.end
            on = DialectSQL([dialect.rawValue: condition.text])
        }
        guard word("SET") else { throw KeepRaw(reason: "UPDATE of several tables, or with an alias") }
        var assignments: [Backfill.Assignment] = []
        let stops: Set<String> = ["WHERE", "FROM", "ORDER", "LIMIT", "RETURNING"]
        repeat {
            var column = try qualifiedColumn()
            if let qualifier = column.table {
                guard from != nil, qualifier == table else { throw KeepRaw(reason: "SET of another table's column") }
            }
            guard i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" else { throw KeepRaw(reason: "SET of something other than a column") }
            i += 1
            guard let e = tokens.expression(from: i, stops: stops) else { throw KeepRaw(reason: "SET \(column.name) without a value") }
            i = e.end
            column.table = nil
            assignments.append(Backfill.Assignment(column: column.name, expression: DialectSQL([dialect.rawValue: e.text])))
        } while punct(",")
        if dialect == .postgresql, word("FROM") {
            from = try dataTable()
            guard word("WHERE") else { throw KeepRaw(reason: "UPDATE … FROM without a join condition") }
            if let clause = topLevelWord(["RETURNING"], from: i) { throw KeepRaw(reason: "UPDATE with \(clause)") }
            on = DialectSQL([dialect.rawValue: try rest(from: i)])
            i = tokens.tokens.count
            return [.update(UpdateRows(table: table, from: from, on: on, assignments: assignments))]
        }
        if from != nil, dialect == .mysql, assignments.isEmpty { throw KeepRaw(reason: "UPDATE … JOIN without SET") }
        var predicate: DialectSQL?
        if word("WHERE") {
            if let clause = topLevelWord(["ORDER", "LIMIT", "RETURNING"], from: i) { throw KeepRaw(reason: "UPDATE with \(clause)") }
            predicate = DialectSQL([dialect.rawValue: try rest(from: i)])
            i = tokens.tokens.count
        }
        if !atEnd { throw KeepRaw(reason: "UPDATE … \(peekText) (FROM, ORDER BY, LIMIT, RETURNING)") }
        return [.update(UpdateRows(table: table, from: from, on: on, assignments: assignments, predicate: predicate))]
    }

    /// `c`, or `t.c` (MySQL's joined UPDATE names the table's columns so).
    mutating func qualifiedColumn() throws(KeepRaw) -> (table: String?, name: String) {
        guard i < tokens.tokens.count, let first = name(at: i) else { throw KeepRaw(reason: "expected a column at \(peekText)") }
        i += 1
        guard tokens.isPunct(i, ".") else { return (nil, first) }
        i += 1
        guard i < tokens.tokens.count, let second = name(at: i) else { throw KeepRaw(reason: "expected a column at \(peekText)") }
        i += 1
        return (first, second)
    }

    // MARK: Views and triggers

    /// SQLite keeps a view's and a trigger's text as written (sqlite_master), so the statement is
    /// the spec's object only when mgen's rendering would read the same there: its keywords as mgen
    /// writes them (upper case), in mgen's order.
    func sqliteKeywords(_ expected: [(index: Int, word: String)]) throws(KeepRaw) {
        guard dialect == .sqlite else { return }
        for (k, w) in expected where k >= tokens.tokens.count || tokens.text(tokens.tokens[k]) != w {
            throw KeepRaw(reason: "SQLite keeps the text as written, and mgen writes it `\(w)` at that place")
        }
    }

    /// After `CREATE [OR REPLACE]`: `VIEW name AS query`.
    mutating func createView(orReplace: Bool) throws(KeepRaw) -> [Operation] {
        let viewWord = i
        try expect("VIEW")
        if tokens.isWord(i, "IF") { throw KeepRaw(reason: "CREATE VIEW IF NOT EXISTS") }
        let name = try identifier()
        if tokens.isPunct(i, "(") { throw KeepRaw(reason: "view column names") }
        let asWord = i
        try expect("AS")
        try sqliteKeywords([(0, "CREATE"), (viewWord, "VIEW"), (asWord, "AS")])
        if topLevelWord(["OPTION"], from: i) != nil { throw KeepRaw(reason: "WITH CHECK OPTION") }
        let query = try rest(from: i)
        i = tokens.tokens.count
        let view = ViewDefinition(name: name, query: DialectSQL([dialect.rawValue: query]))
        if orReplace, state.object(.view, name) != nil { return [.object(.replace(.view(view)))] }
        return [.object(.create(.view(view)))]
    }

    /// After `CREATE`: `TRIGGER name BEFORE|AFTER [INSTEAD OF] event ON table FOR EACH ROW body`
    /// (one event; MySQL's body is the statement after ROW, SQLite's its `BEGIN … END`).
    mutating func createTrigger() throws(KeepRaw) -> [Operation] {
        let triggerWord = i
        try expect("TRIGGER")
        if tokens.isWord(i, "IF") { throw KeepRaw(reason: "CREATE TRIGGER IF NOT EXISTS") }
        let name = try identifier()
        let timingWord = i
        let timing: TriggerDefinition.Timing
        if word("BEFORE") { timing = .before } else if word("AFTER") { timing = .after } else if dialect == .sqlite, word("INSTEAD") {
            try expect("OF"); timing = .insteadOf
        } else { throw KeepRaw(reason: "trigger timing \(peekText) (mgen writes BEFORE, AFTER or INSTEAD OF)") }
        let eventWord = i
        let event: TriggerDefinition.Event
        if word("INSERT") { event = .insert } else if word("UPDATE") { event = .update } else if word("DELETE") { event = .delete } else {
            throw KeepRaw(reason: "trigger event \(peekText)")
        }
        if tokens.isWord(i, "OF") { throw KeepRaw(reason: "UPDATE OF columns") }
        let onWord = i
        try expect("ON")
        let table = try identifier()
        let forWord = i
        guard word("FOR"), word("EACH"), word("ROW") else { throw KeepRaw(reason: "a trigger without FOR EACH ROW (mgen writes it)") }
        if tokens.isWord(i, "FOLLOWS") || tokens.isWord(i, "PRECEDES") { throw KeepRaw(reason: "trigger order (FOLLOWS / PRECEDES)") }
        if tokens.isWord(i, "WHEN") { throw KeepRaw(reason: "trigger WHEN condition") }
        try sqliteKeywords([(0, "CREATE"), (triggerWord, "TRIGGER"), (timingWord, timing == .insteadOf ? "INSTEAD" : timing.sql),
                            (eventWord, event.rawValue.uppercased()), (onWord, "ON"), (forWord, "FOR"), (forWord + 1, "EACH"), (forWord + 2, "ROW")])
        let body = try rest(from: i)
        if dialect == .sqlite {
            let upper = body.uppercased()
            // mgen writes a BEGIN … END body as it is given.
            guard upper.hasPrefix("BEGIN"), upper.hasSuffix("END") else { throw KeepRaw(reason: "trigger body other than BEGIN … END") }
        }
        i = tokens.tokens.count
        return [.object(.create(.trigger(TriggerDefinition(name: name, table: table, timing: timing, events: [event], forEachRow: true,
                                                           body: DialectSQL([dialect.rawValue: body])))))]
    }

    /// After `DROP`: `VIEW [IF EXISTS] a, b` / `TRIGGER [IF EXISTS] a` of objects the state knows
    /// (mgen writes its drops IF EXISTS).
    mutating func dropObjects(_ kind: ObjectKind) throws(KeepRaw) -> [Operation] {
        _ = ifExists()
        var ops: [Operation] = []
        repeat {
            let name = try identifier()
            guard state.object(kind, name) != nil else { throw KeepRaw(reason: "a \(kind.word) the spec does not know") }
            ops.append(.object(.drop(kind: kind, name: name)))
        } while punct(",")
        if tokens.isWord(i, "CASCADE") || tokens.isWord(i, "RESTRICT") { throw KeepRaw(reason: "CASCADE / RESTRICT") }
        return ops
    }

    // MARK: ALTER TABLE clauses

    /// MySQL: `ADD PRIMARY KEY (…)` (MySQL names every key PRIMARY: the spec's default name),
    /// `DROP PRIMARY KEY`, `RENAME INDEX|KEY a TO b`, `COMMENT [=] '…'` (`''` removes it).
    mutating func mysqlAlterClause(table: String) throws(KeepRaw) -> [Operation]? {
        guard dialect == .mysql else { return nil }
        if tokens.isWord(i, "ADD"), tokens.isWord(i + 1, "PRIMARY") || (tokens.isWord(i + 1, "CONSTRAINT") && tokens.isWord(i + 3, "PRIMARY")) {
            i += tokens.isWord(i + 1, "CONSTRAINT") ? 3 : 1
            try expect("PRIMARY")
            try expect("KEY")
            let columns = try identifierList()
            return [.addPrimaryKey(AddPrimaryKey(table: table, key: PrimaryKey(name: DefaultNames.primaryKey(table), columns: columns)))]
        }
        if tokens.isWord(i, "DROP"), tokens.isWord(i + 1, "PRIMARY"), tokens.isWord(i + 2, "KEY") {
            i += 3
            return [.dropPrimaryKey(table: table)]
        }
        if tokens.isWord(i, "RENAME"), tokens.isWord(i + 1, "INDEX") || tokens.isWord(i + 1, "KEY") {
            i += 2
            let from = try identifier()
            try expect("TO")
            return [.renameIndex(name: from, to: try identifier(), table: table)]
        }
        if word("COMMENT") {
            if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
            let comment = try stringLiteral()
            return [.commentTable(table: table, comment: comment.isEmpty ? nil : comment)]
        }
        return nil
    }
}
