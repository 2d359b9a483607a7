import MGenSpec

/// spec 1.1: index key order and options in `add_index`, as Rails 6.1 takes them: `order:
/// {col => :desc}` (PostgreSQL also `"DESC NULLS LAST"`), `opclass: {col => :gin_trgm_ops}`,
/// `length: {col => 20}` (MySQL). nil when Rails 6.1 cannot say the index: `include:` and storage
/// parameters (Rails 7.1), options on an expression, and DESC on MariaDB (Rails keeps index order
/// only for MySQL 8) — those steps are the dialect's SQL.
extension ActiveRecordRenderer {
    func keyOptionArguments(_ index: Index) -> [(String, String)]? {
        guard index.hasKeyOrStorageOptions else { return [] }
        guard index.include.isEmpty, index.storage.isEmpty else { return nil }
        var order: [String] = [], opclass: [String] = [], length: [String] = []
        for (i, part) in index.parts.enumerated() {
            let options = index.keyOptions(i)
            if options.isDefault { continue }
            guard let column = part.columnName else { return nil }
            let key = Ruby.symbol(column)
            if options.descending || options.nulls != nil {
                if !traits.keepsKeyOrder { return nil }
                if let nulls = options.nulls {
                    order.append("\(key) => \(Ruby.string((options.descending ? "DESC" : "ASC") + " NULLS " + nulls.rawValue.uppercased()))")
                } else {
                    order.append("\(key) => :desc")
                }
            }
            if let name = options.opclass { opclass.append("\(key) => \(Ruby.symbol(name))") }
            if let n = options.length, can.prefixIndexLengths { length.append("\(key) => \(n)") }
        }
        var out: [(String, String)] = []
        if !order.isEmpty { out.append(("order", "{ " + order.joined(separator: ", ") + " }")) }
        if !opclass.isEmpty { out.append(("opclass", "{ " + opclass.joined(separator: ", ") + " }")) }
        if !length.isEmpty { out.append(("length", "{ " + length.joined(separator: ", ") + " }")) }
        return out
    }
}
