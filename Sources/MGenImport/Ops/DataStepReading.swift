import MGenSpec

/// spec 1.1: data steps — PostgreSQL's `INSERT INTO t (columns) VALUES (literal rows)` read as
/// `insert` (its down deletes the rows by the table's key, so a table without one, or rows
/// without their key, stay raw: the replay refuses them).
extension PostgresReader.Reader {
    func insert(_ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        let table = try relation(body)
        for key in ["onConflictClause", "returningList", "withClause"] where body[key] != nil {
            throw KeepRaw(reason: "INSERT with \(key == "onConflictClause" ? "ON CONFLICT" : key == "returningList" ? "RETURNING" : "WITH")")
        }
        if let override = body["override"] as? String, override != "OVERRIDING_NOT_SET" { throw KeepRaw(reason: "INSERT OVERRIDING") }
        let columns = try (body["cols"] as? [PostgresReader.Node] ?? []).map { node throws(KeepRaw) -> String in
            guard let target = node["ResTarget"] as? PostgresReader.Node, target["indirection"] == nil, let name = target["name"] as? String else {
                throw KeepRaw(reason: "INSERT column list")
            }
            return name
        }
        guard !columns.isEmpty else { throw KeepRaw(reason: "INSERT without a column list") }
        guard let select = (body["selectStmt"] as? PostgresReader.Node)?["SelectStmt"] as? PostgresReader.Node,
              let lists = select["valuesLists"] as? [PostgresReader.Node], !lists.isEmpty else {
            throw KeepRaw(reason: "INSERT … SELECT (only literal VALUES rows are an insert step)")
        }
        let rows = try lists.map { list throws(KeepRaw) -> DataRow in
            let items = (list["List"] as? PostgresReader.Node)?["items"] as? [PostgresReader.Node] ?? []
            guard items.count == columns.count else { throw KeepRaw(reason: "a VALUES row of another length than the column list") }
            return DataRow(try zip(columns, items).map { column, item throws(KeepRaw) -> DataValue in
                DataValue(column: column, value: .literal(try Self.literal(item)))
            })
        }
        return [.insert(DataRows(table: table, rows: rows))]
    }

    /// A constant of a VALUES row (a string, a number, true/false, NULL); anything else stays raw.
    static func literal(_ node: PostgresReader.Node) throws(KeepRaw) -> Literal {
        guard let c = node["A_Const"] as? PostgresReader.Node else { throw KeepRaw(reason: "a VALUES item that is not a constant") }
        if c["isnull"] as? Bool == true { return .null }
        if let i = c["ival"] as? PostgresReader.Node { return .integer(Int64(i["ival"] as? Int ?? 0)) }
        if let f = c["fval"] as? PostgresReader.Node, let text = f["fval"] as? String { return .number(text) }
        if let s = c["sval"] as? PostgresReader.Node { return .string(s["sval"] as? String ?? "") }
        if let b = c["boolval"] as? PostgresReader.Node { return .boolean(b["boolval"] as? Bool ?? false) }
        throw KeepRaw(reason: "a VALUES constant of another kind")
    }
}
