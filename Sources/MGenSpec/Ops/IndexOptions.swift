/// spec 1.1: index key order and options — per key part `order`, `nulls`, `opclass` and MySQL's
/// prefix `length`; per index `include` and `with` (storage parameters).

/// The options of one key part of an index; the defaults are ascending, the dialect's NULL order,
/// the type's default operator class and the whole value.
public struct IndexKeyOptions: Hashable, Sendable {
    public enum Nulls: String, Hashable, Sendable { case first, last }
    public var descending: Bool
    public var nulls: Nulls?
    /// PostgreSQL operator class (`gin_trgm_ops`, `jsonb_path_ops`, `text_pattern_ops`).
    public var opclass: String?
    /// MySQL prefix length (`KEY (title(20))`); other dialects index the whole value.
    public var length: Int?

    public init(descending: Bool = false, nulls: Nulls? = nil, opclass: String? = nil, length: Int? = nil) {
        self.descending = descending
        self.nulls = nulls
        self.opclass = opclass
        self.length = length
    }

    public var isDefault: Bool { !descending && nulls == nil && opclass == nil && length == nil }
}

/// One `with:` entry of an index (`fillfactor: 70`).
public struct StorageParameter: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

extension Index {
    /// The options of key part `i` (defaults when none were given).
    public func keyOptions(_ i: Int) -> IndexKeyOptions { keyOptions.indices.contains(i) ? keyOptions[i] : IndexKeyOptions() }

    /// Whether the index says anything beyond columns, expressions, unique, where and method:
    /// emitters whose framework call cannot say it send the dialect's SQL instead.
    public var hasKeyOrStorageOptions: Bool { keyOptions.contains { !$0.isDefault } || !include.isEmpty || !storage.isEmpty }
}

extension OperationParser {
    static let indexPartFields = ["column", "expression", "order", "nulls", "opclass", "length"]

    /// One item of `columns:` that is a mapping: `{column: x | expression: "…", order, nulls, opclass, length}`.
    static func indexPart(_ node: Node, sink: DiagnosticSink) -> (IndexPart, IndexKeyOptions)? {
        let e = Fields(node, context: "an index part", allowed: indexPartFields, sink: sink)
        let before = sink.diagnostics.count
        var part: IndexPart?
        switch (e.has("column"), e.has("expression")) {
        case (true, false): part = e.name("column").map { .column($0) }
        case (false, true):
            if let expression = e.string("expression", required: true) {
                part = .expression(expression)
                checkExpressionTail(expression, at: e.location("expression"), sink: sink)
            }
        default:
            sink.error("an index part names one `column` or one `expression`", at: sink.location(node),
                       fix: "write `{column: title, order: desc}` or `{expression: \"lower(title)\"}`")
        }
        var options = IndexKeyOptions()
        if let order = e.string("order")?.lowercased() {
            switch order {
            case "asc": break
            case "desc": options.descending = true
            default: sink.error("'order' of an index part is asc or desc, not '\(order)'", at: e.location("order"))
            }
        }
        if let nulls = e.string("nulls")?.lowercased() {
            if let value = IndexKeyOptions.Nulls(rawValue: nulls) { options.nulls = value } else {
                sink.error("'nulls' of an index part is first or last, not '\(nulls)'", at: e.location("nulls"))
            }
        }
        if let opclass = e.string("opclass") {
            if opclass.allSatisfy({ $0 == "_" || $0 == "." || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) { options.opclass = opclass } else {
                sink.error("operator class '\(opclass)' is not a name", at: e.location("opclass"), fix: "write the operator class alone, e.g. `opclass: gin_trgm_ops`")
            }
        }
        if e.has("length") {
            if let length = e.int("length"), length > 0 { options.length = length } else {
                sink.error("'length' of an index part is a whole number above 0", at: e.location("length"))
            }
            if case .expression = part { sink.error("a prefix `length` applies to a column, not an expression", at: e.location("length")) }
        }
        guard let part, sink.diagnostics.count == before else { return nil }
        return (part, options)
    }

    /// `{expression: "title gin_trgm_ops"}` or `"created_at DESC"` read as an expression would
    /// render SQL the database refuses (or an index other than meant): refused, pointing at the field.
    static func checkExpressionTail(_ expression: String, at location: SourceLocation, sink: DiagnosticSink) {
        let words = expression.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard words.count >= 2, let last = words.last.map({ String($0).lowercased() }) else { return }
        let column = String(words[0])
        if last.hasSuffix("_ops") {
            sink.error("the expression '\(expression)' ends in the operator class '\(words.last!)'", at: location,
                       fix: "write `{column: \(column), opclass: \(words.last!)}` (or `{expression: \"…\", opclass: \(words.last!)}`)")
        } else if last == "desc" || last == "asc" {
            sink.error("the expression '\(expression)' ends in a sort order", at: location,
                       fix: "write `{column: \(column), order: \(last)}`")
        } else if words.count >= 3, words[words.count - 2].lowercased() == "nulls", last == "first" || last == "last" {
            sink.error("the expression '\(expression)' ends in a NULL order", at: location,
                       fix: "write `{column: \(column), nulls: \(last)}`")
        }
    }

    /// `include:` and `with:` of create_index.
    static func indexStorage(_ f: Fields) -> (include: [String], storage: [StorageParameter]) {
        let include = f.stringList("include") ?? []
        var storage: [StorageParameter] = []
        if let node = f.node("with") {
            if case let .mapping(mapping) = node, !mapping.isEmpty {
                for (key, value) in mapping {
                    guard let name = key.string, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }),
                          case let .scalar(scalar) = value, !scalar.string.isEmpty,
                          scalar.string.allSatisfy({ $0 == "_" || $0 == "." || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else {
                        f.sink.error("a storage parameter is `name: value` (words and numbers, e.g. `fillfactor: 70`)", at: f.sink.location(key))
                        continue
                    }
                    storage.append(StorageParameter(name: name.lowercased(), value: scalar.string))
                }
            } else {
                f.sink.error("'with' of create_index maps storage parameters to values (`with: {fillfactor: 70}`)", at: f.location("with"))
            }
        }
        return (include, storage)
    }
}
