import MGenSpec

/// spec 1.1: an index key part written back with its options.
extension SpecWriter {
    static func indexPart(_ part: IndexPart, _ options: IndexKeyOptions) -> Value {
        var pairs: [(String, Value)]
        switch part {
        case let .column(c):
            if options.isDefault { return .string(c) }
            pairs = [("column", .string(c))]
        case let .expression(e):
            pairs = [("expression", .string(e))]
        }
        if options.descending { pairs.append(("order", .plain("desc"))) }
        if let nulls = options.nulls { pairs.append(("nulls", .plain(nulls.rawValue))) }
        if let opclass = options.opclass { pairs.append(("opclass", .string(opclass))) }
        if let length = options.length { pairs.append(("length", .plain(String(length)))) }
        return .map(pairs)
    }
}
