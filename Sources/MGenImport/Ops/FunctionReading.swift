import MGenSpec

/// spec 1.1: functions and sequences in migration files — PostgreSQL's `CREATE [OR REPLACE]
/// FUNCTION`, `CREATE SEQUENCE`, `ALTER SEQUENCE`, and MySQL's `CREATE FUNCTION` (one statement
/// however the runner splits it: goose's StatementBegin/End, the `mysql` client's DELIMITER, a
/// BEGIN … END body), read as the spec's object operations where they say exactly the same.
extension PostgresReader.Reader {
    func createFunction(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        if body["is_procedure"] as? Bool == true { throw KeepRaw(reason: "CREATE PROCEDURE: no spec operation") }
        if body["sql_body"] != nil { throw KeepRaw(reason: "a SQL-standard function body") }
        // spec 1.1: schemas. A function of another schema is the state's key for it (`schema:`).
        let name = try Self.functionKey(PostgresReader.strings(body["funcname"]))
        // RETURNS SETOF t and RETURNS TABLE (…) are the spec's `returns` as written: rendered back
        // the same, and the TABLE columns are no arguments (DROP FUNCTION names the IN ones).
        guard body["returnType"] is PostgresReader.Node else { throw KeepRaw(reason: "a function without RETURNS") }
        for case let parameter? in (body["parameters"] as? [PostgresReader.Node] ?? []).map({ $0["FunctionParameter"] as? PostgresReader.Node }) {
            let mode = parameter["mode"] as? String ?? ""
            if mode == "FUNC_PARAM_TABLE" { continue }
            guard mode == "FUNC_PARAM_DEFAULT" || mode == "FUNC_PARAM_IN" else { throw KeepRaw(reason: "an OUT, INOUT or VARIADIC parameter") }
            // The spec's drop names the function by its `arguments` as written, which DROP FUNCTION
            // cannot take with a DEFAULT in them.
            if parameter["defexpr"] != nil { throw KeepRaw(reason: "a parameter with a DEFAULT") }
        }
        var language: String?
        var deterministic = false
        var text: String?
        for node in body["options"] as? [PostgresReader.Node] ?? [] {
            guard let def = node["DefElem"] as? PostgresReader.Node, let option = def["defname"] as? String else { throw KeepRaw(reason: "function option") }
            let arg = def["arg"] as? PostgresReader.Node
            switch option {
            case "language":
                language = (arg?["String"] as? PostgresReader.Node)?["sval"] as? String
            case "volatility":
                switch (arg?["String"] as? PostgresReader.Node)?["sval"] as? String {
                case "immutable": deterministic = true
                case "volatile": break
                default: throw KeepRaw(reason: "STABLE (the spec says IMMUTABLE or nothing)")
                }
            case "as":
                let items = PostgresReader.strings((arg?["List"] as? PostgresReader.Node)?["items"])
                guard items.count == 1 else { throw KeepRaw(reason: "a function in a C library") }
                text = items[0]
            default:
                throw KeepRaw(reason: "function option \(option)")
            }
        }
        guard let text, let language else { throw KeepRaw(reason: "a function without a body or LANGUAGE") }
        // The argument list and the result as written.
        guard let open = tokens.tokens.indices.first(where: { tokens.isPunct($0, "(") }), let close = tokens.closing(open),
              let returns = tokens.tokens.indices.first(where: { $0 > close && tokens.isWord($0, "RETURNS") }),
              let result = tokens.expression(from: returns + 1, stops: Self.functionClauses) else {
            throw KeepRaw(reason: "the argument list or RETURNS not found in the text")
        }
        let arguments = close > open + 1 ? tokens.text(from: tokens.tokens[open + 1].start, to: tokens.tokens[close - 1].end) : ""
        let function = FunctionDefinition(name: name, arguments: DialectSQL(["postgresql": arguments]), returns: DialectSQL(["postgresql": result.text]),
                                          language: language.lowercased() == "plpgsql" ? nil : language, body: DialectSQL(["postgresql": text]),
                                          deterministic: deterministic)
        if body["replace"] as? Bool == true, state.object(.function, name) != nil { return [.object(.replace(.function(function)))] }
        return [.object(.create(.function(function)))]
    }

    /// A function's dotted name as the state keys it: `f` and `public.f` are the default schema's,
    /// `billing.f` is `schema:` billing (spec 1.1: schemas); a database-qualified one stays raw.
    static func functionKey(_ parts: [String]) throws(KeepRaw) -> String {
        let bare = parts.count > 1 && parts[0] == "public" ? Array(parts.dropFirst()) : parts
        switch bare.count {
        case 1: return bare[0]
        case 2: return QualifiedName(schema: bare[0], name: bare[1]).key
        default: throw KeepRaw(reason: "function name \(parts.joined(separator: "."))")
        }
    }

    static let functionClauses: Set<String> = ["LANGUAGE", "AS", "IMMUTABLE", "STABLE", "VOLATILE", "STRICT", "CALLED", "SECURITY", "PARALLEL",
                                               "COST", "ROWS", "SET", "WINDOW", "LEAKPROOF", "TRANSFORM", "SUPPORT", "BEGIN", "RETURN", "EXTERNAL", "NOT"]

    func createSequence(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        if body["if_not_exists"] as? Bool == true { throw KeepRaw(reason: "IF NOT EXISTS") }
        let name = try relation(body, key: "sequence")
        let read = try sequenceOptions(body, creating: true)
        return [.object(.create(.sequence(SequenceDefinition(name: name, start: read.start, options: read.options))))]
    }

    func alterSequence(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        if body["missing_ok"] as? Bool == true { throw KeepRaw(reason: "IF EXISTS") }
        let name = try relation(body, key: "sequence")
        guard state.object(.sequence, name) != nil else { throw KeepRaw(reason: "a sequence the spec does not know") }
        let read = try sequenceOptions(body, creating: false)
        return [.object(.alterSequence(SequenceAlter(name: name, set: read.options)))]
    }

    /// START, INCREMENT, MINVALUE, MAXVALUE, CACHE, [NO] CYCLE. Creating, `NO MINVALUE` /
    /// `NO MAXVALUE` / `NO CYCLE` are PostgreSQL's defaults (nothing to say); altering, `NO CYCLE`
    /// is `cycle: false`, and the others stay raw (alter_sequence sets values, it cannot unset
    /// them). AS, OWNED BY, RESTART stay raw.
    func sequenceOptions(_ body: PostgresReader.Node, creating: Bool) throws(KeepRaw) -> (start: Int64?, options: SequenceOptions) {
        var start: Int64?
        var options = SequenceOptions()
        for node in body["options"] as? [PostgresReader.Node] ?? [] {
            guard let def = node["DefElem"] as? PostgresReader.Node, let option = def["defname"] as? String else { throw KeepRaw(reason: "sequence option") }
            let arg = def["arg"] as? PostgresReader.Node
            let number: Int64? = (arg?["Integer"] as? PostgresReader.Node).map { Int64($0["ival"] as? Int ?? 0) }
                ?? ((arg?["Float"] as? PostgresReader.Node)?["fval"] as? String).flatMap { Int64($0) }
            switch option {
            case "start" where creating: guard let number else { throw KeepRaw(reason: "START") }; start = number
            case "increment": guard let number else { throw KeepRaw(reason: "INCREMENT") }; options.increment = number
            case "minvalue", "maxvalue":
                if let number {
                    if option == "minvalue" { options.minValue = number } else { options.maxValue = number }
                } else if !creating {
                    throw KeepRaw(reason: "NO \(option.uppercased()) (alter_sequence sets values; it cannot unset one)")
                }
            case "cache": guard let number else { throw KeepRaw(reason: "CACHE") }; options.cache = number
            case "cycle":
                let cycle = (arg?["Boolean"] as? PostgresReader.Node)?["boolval"] as? Bool == true
                options.cycle = cycle || !creating ? cycle : nil
            default: throw KeepRaw(reason: "sequence option \(option.uppercased())")
            }
        }
        return (start, options)
    }
}

extension DDLReader.Parser {
    /// MySQL, after `CREATE`: `FUNCTION name(arguments) RETURNS type [DETERMINISTIC] body`.
    mutating func createFunction() throws(KeepRaw) -> [Operation] {
        guard dialect == .mysql else { throw KeepRaw(reason: "SQLite has no stored functions") }
        try expect("FUNCTION")
        if tokens.isWord(i, "IF") { throw KeepRaw(reason: "IF NOT EXISTS") }
        let name = try identifier()
        guard tokens.isPunct(i, "("), let close = tokens.closing(i) else { throw KeepRaw(reason: "expected ( at \(peekText)") }
        let arguments = close > i + 1 ? tokens.text(from: tokens.tokens[i + 1].start, to: tokens.tokens[close - 1].end) : ""
        i = close + 1
        try expect("RETURNS")
        let clauses: Set<String> = ["DETERMINISTIC", "NOT", "NO", "READS", "MODIFIES", "CONTAINS", "LANGUAGE", "SQL", "COMMENT", "RETURN", "BEGIN",
                                    "CHARSET", "CHARACTER", "COLLATE"]
        guard let returns = tokens.expression(from: i, stops: clauses) else { throw KeepRaw(reason: "RETURNS without a type") }
        i = returns.end
        let deterministic = word("DETERMINISTIC")
        guard tokens.isWord(i, "RETURN") || tokens.isWord(i, "BEGIN") else { throw KeepRaw(reason: "routine characteristic \(peekText) (the spec says DETERMINISTIC or nothing)") }
        let body = try rest(from: i)
        i = tokens.tokens.count
        return [.object(.create(.function(FunctionDefinition(name: name, arguments: DialectSQL(["mysql": arguments]), returns: DialectSQL(["mysql": returns.text]),
                                                             body: DialectSQL(["mysql": body]), deterministic: deterministic))))]
    }
}
