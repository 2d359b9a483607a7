import MGenSpec

/// spec 1.1: PostgreSQL's `ADD [CONSTRAINT n] PRIMARY KEY (…) | USING INDEX i` on a table made
/// earlier, and `DELETE` / `UPDATE` of one table (read from the text by the DDL reader once the
/// parse tree shows nothing the spec cannot say: no USING / FROM, RETURNING, WITH, alias).
extension PostgresReader.Reader {
    func addPrimaryKey(_ c: PostgresReader.Node, table: String) throws(KeepRaw) -> AddPrimaryKey {
        let name = c["conname"] as? String ?? DefaultNames.primaryKey(table)
        if let indexName = c["indexname"] as? String {
            guard let index = state.index(indexName), index.table == table else { throw KeepRaw(reason: "USING INDEX of an index the spec does not know") }
            let columns = index.parts.compactMap(\.columnName)
            guard columns.count == index.parts.count else { throw KeepRaw(reason: "USING INDEX of an expression index") }
            return AddPrimaryKey(table: table, key: PrimaryKey(name: name, columns: columns), usingIndex: indexName)
        }
        let columns = PostgresReader.strings(c["keys"])
        guard !columns.isEmpty else { throw KeepRaw(reason: "PRIMARY KEY without columns") }
        return AddPrimaryKey(table: table, key: PrimaryKey(name: name, columns: columns))
    }

    func deleteOrUpdate(_ kind: String, _ body: PostgresReader.Node) throws(KeepRaw) -> [Operation] {
        _ = try relation(body)
        if (body["relation"] as? PostgresReader.Node)?["alias"] != nil { throw KeepRaw(reason: "an alias") }
        if (body["relation"] as? PostgresReader.Node)?["inh"] as? Bool != true { throw KeepRaw(reason: "ONLY") }
        for key in ["usingClause", "returningList", "withClause"] where body[key] != nil {
            throw KeepRaw(reason: key == "returningList" ? "RETURNING" : key == "withClause" ? "WITH" : "DELETE … USING")
        }
        // UPDATE … FROM one table, without an alias (the spec's `from` is a table's name).
        if let from = body["fromClause"] as? [PostgresReader.Node] {
            guard from.count == 1, let range = from[0]["RangeVar"] as? PostgresReader.Node, range["alias"] == nil else {
                throw KeepRaw(reason: "UPDATE … FROM several tables, a subquery or an alias")
            }
        }
        var parser = DDLReader.Parser(tokens: tokens, dialect: .postgresql, state: state)
        let ops = kind == "DeleteStmt" ? try parser.deleteRows() : try parser.update()
        guard parser.atEnd else { throw KeepRaw(reason: "unexpected \(parser.peekText)") }
        return ops
    }
}

/// spec 1.1: PostgreSQL's `ADD CONSTRAINT c UNIQUE USING INDEX i`: add_unique using_index, for an
/// index the replayed state knows on that table (its columns are the constraint's).
extension PostgresReader.Reader {
    func addUniqueUsingIndex(_ c: PostgresReader.Node, table: String) throws(KeepRaw) -> Operation {
        guard let indexName = c["indexname"] as? String, let index = state.index(indexName), index.table == table else {
            throw KeepRaw(reason: "USING INDEX of an index the spec does not know")
        }
        guard index.columnNames.count == index.parts.count else { throw KeepRaw(reason: "USING INDEX of an expression index") }
        var unique = UniqueConstraint(name: c["conname"] as? String ?? indexName, table: table, columns: index.columnNames)
        unique.deferrable = deferrability(c) // spec 1.1: deferrable constraints
        return .addUniqueUsingIndex(unique, index: indexName)
    }
}
