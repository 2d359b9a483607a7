import MGenSpec

/// spec 1.1: index key options — PostgreSQL's DESC, NULLS FIRST/LAST, operator classes, INCLUDE
/// and WITH (storage parameters) read into the index's options.
extension PostgresReader.Reader {
    func indexKeyOptions(_ element: PostgresReader.Node) throws(KeepRaw) -> IndexKeyOptions {
        if element["collation"] != nil { throw KeepRaw(reason: "index key collation") }
        if element["opclassopts"] != nil { throw KeepRaw(reason: "operator class parameters") }
        var options = IndexKeyOptions()
        switch element["ordering"] as? String ?? "SORTBY_DEFAULT" {
        case "SORTBY_DEFAULT", "SORTBY_ASC": break
        case "SORTBY_DESC": options.descending = true
        case let other: throw KeepRaw(reason: "key order \(other)")
        }
        switch element["nulls_ordering"] as? String ?? "SORTBY_NULLS_DEFAULT" {
        case "SORTBY_NULLS_DEFAULT": break
        case "SORTBY_NULLS_FIRST": options.nulls = .first
        case "SORTBY_NULLS_LAST": options.nulls = .last
        case let other: throw KeepRaw(reason: "null order \(other)")
        }
        if element["opclass"] != nil {
            let names = PostgresReader.strings(element["opclass"])
            guard let last = names.last, names.count == 1 || (names.count == 2 && names[0] == "pg_catalog") else {
                throw KeepRaw(reason: "schema-qualified operator class")
            }
            options.opclass = last
        }
        return options
    }

    func indexInclude(_ body: PostgresReader.Node) throws(KeepRaw) -> [String] {
        try (body["indexIncludingParams"] as? [PostgresReader.Node] ?? []).map { node throws(KeepRaw) -> String in
            guard let name = (node["IndexElem"] as? PostgresReader.Node)?["name"] as? String else { throw KeepRaw(reason: "INCLUDE of an expression") }
            return name
        }
    }

    func indexStorage(_ body: PostgresReader.Node) throws(KeepRaw) -> [StorageParameter] {
        try (body["options"] as? [PostgresReader.Node] ?? []).map { node throws(KeepRaw) -> StorageParameter in
            guard let def = node["DefElem"] as? PostgresReader.Node, let name = def["defname"] as? String, def["defnamespace"] == nil,
                  let arg = def["arg"] as? PostgresReader.Node else { throw KeepRaw(reason: "index WITH option") }
            let value: String?
            if let i = arg["Integer"] as? PostgresReader.Node { value = (i["ival"] as? Int).map(String.init) ?? "0" }
            else if let f = arg["Float"] as? PostgresReader.Node { value = f["fval"] as? String }
            else if let t = arg["String"] as? PostgresReader.Node { value = t["sval"] as? String }
            else if let b = arg["Boolean"] as? PostgresReader.Node { value = (b["boolval"] as? Bool ?? false) ? "true" : "false" }
            else if let t = arg["TypeName"] as? PostgresReader.Node { value = PostgresReader.strings(t["names"]).last }
            else { value = nil }
            guard let value else { throw KeepRaw(reason: "index WITH option \(name)") }
            return StorageParameter(name: name, value: value)
        }
    }
}
