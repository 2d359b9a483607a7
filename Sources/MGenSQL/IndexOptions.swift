import MGenSpec

/// spec 1.1: index key order and options as each dialect writes them, or a refusal naming the
/// dialect: PostgreSQL has them all (but a prefix length); MySQL/MariaDB have `DESC` and prefix
/// lengths; SQLite has `DESC`. A prefix `length` is MySQL's way to index long text and is left out
/// elsewhere, which index the whole value.
extension SQLDialect {
    /// One key part with its options: `"title" gin_trgm_ops DESC NULLS LAST`, `` `title`(20) DESC ``.
    public func indexKey(_ index: Index, _ i: Int) -> String {
        var sql: String
        switch index.parts[i] {
        case let .column(name): sql = quote(name)
        case let .expression(e): sql = "(\(e))"
        }
        let options = index.keyOptions(i)
        if let length = options.length, dialect == .mysql, index.parts[i].columnName != nil { sql += "(\(length))" }
        if let opclass = options.opclass, dialect == .postgresql { sql += " \(opclass)" }
        if options.descending { sql += " DESC" }
        if let nulls = options.nulls, dialect == .postgresql { sql += " NULLS \(nulls.rawValue.uppercased())" }
        return sql
    }

    /// Refuses what the dialect cannot say, naming the option, the index and the dialect.
    public func checkIndexOptions(_ index: Index) throws(Unsupported) {
        let name = dialect == .mysql ? "MySQL/MariaDB" : dialect == .sqlite ? "SQLite" : "PostgreSQL"
        guard dialect != .postgresql else { return }
        if index.keyOptions.contains(where: { $0.opclass != nil }) {
            throw Unsupported("\(name) has no operator classes (index '\(index.name)' has `opclass`)",
                              fix: "leave out `opclass` for \(dialect), or create this index with a per-dialect `sql` step")
        }
        if index.keyOptions.contains(where: { $0.nulls != nil }) {
            throw Unsupported("\(name) cannot order NULLs in an index (index '\(index.name)' has `nulls`)",
                              fix: "leave out `nulls` (\(dialect == .mysql ? "MySQL sorts NULLs first ascending, last descending" : "SQLite sorts NULLs first ascending"))")
        }
        if !index.include.isEmpty {
            throw Unsupported("\(name) has no INCLUDE columns (index '\(index.name)')",
                              fix: "add the columns to the key instead, or leave out `include` for \(dialect)")
        }
        if !index.storage.isEmpty {
            throw Unsupported("\(name) takes no storage parameters on an index (index '\(index.name)' has `with`)",
                              fix: "leave out `with` for \(dialect)")
        }
    }

    /// PostgreSQL's ` INCLUDE (…) WITH (…)` after the key parts (empty elsewhere: refused above).
    public func indexTail(_ index: Index) -> String {
        var sql = ""
        if !index.include.isEmpty { sql += " INCLUDE (\(quoteList(index.include)))" }
        if !index.storage.isEmpty { sql += " WITH (" + index.storage.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + ")" }
        return sql
    }
}
