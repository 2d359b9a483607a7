import CYAML

/// A YAML document as specs need it: scalars (with their quoting), mappings (keys in order) and
/// sequences, each with the line and column it starts at. Read with libyaml's event parser
/// (Debian's libyaml-dev): no tag resolution by regular expressions and no intermediate objects
/// per node, which made reading a spec several times faster than through a general YAML library.
/// The plain shape most specs have is read faster still by `FastYAML`, which gives the same nodes
/// and leaves everything else to libyaml.
public enum Node: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence([Node], Mark)

    public struct Mark: Sendable, Hashable {
        public var line: Int
        public var column: Int
    }

    public struct Scalar: Sendable {
        public var string: String
        /// Plain scalars are typed (`42`, `true`, `null`); quoted or block scalars are text.
        public var plain: Bool
        public var mark: Mark
    }

    public struct Mapping: Sendable, Sequence {
        public var pairs: [(key: Node, value: Node)]
        public var mark: Mark
        public var count: Int { pairs.count }
        public var isEmpty: Bool { pairs.isEmpty }
        public var first: (key: Node, value: Node)? { pairs.first }
        public func makeIterator() -> IndexingIterator<[(key: Node, value: Node)]> { pairs.makeIterator() }
    }

    public var mark: Mark? {
        switch self {
        case let .scalar(s): s.mark
        case let .mapping(m): m.mark
        case let .sequence(_, mark): mark
        }
    }

    /// The text of a scalar.
    public var string: String? { if case let .scalar(s) = self { s.string } else { nil } }

    public var sequence: [Node]? { if case let .sequence(items, _) = self { items } else { nil } }
}

/// A YAML syntax error, at the place libyaml found it.
public struct YAMLError: Error, Sendable {
    public var message: String
    public var mark: Node.Mark
}

public enum YAMLReader {
    /// Parses the first document of `text`; nil for an empty document.
    public static func parse(_ text: String) throws(YAMLError) -> Node? {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses the first document of UTF-8 `bytes` (libyaml rejects invalid UTF-8 with its position).
    public static func parse(bytes: [UInt8]) throws(YAMLError) -> Node? {
        if let node = FastYAML.parse(bytes) { return node }
        return try parseWithLibYAML(bytes)
    }

    /// libyaml's event parser: the whole of YAML, and the errors with their positions.
    static func parseWithLibYAML(_ bytes: [UInt8]) throws(YAMLError) -> Node? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(message: "out of memory", mark: .init(line: 1, column: 1)) }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> Node? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let context = parser.context.map { String(cString: $0) + " " } ?? ""
                    let mark = parser.problem_mark
                    throw YAMLError(message: context + problem, mark: .init(line: Int(mark.line) + 1, column: Int(mark.column) + 1))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT || (event.type == YAML_DOCUMENT_END_EVENT && builder.root != nil) { break }
                try builder.handle(&event)
            }
            return builder.root
        }
    }

    /// Builds nodes from events with a stack of open collections, each grown in place.
    private struct Builder {
        struct Open {
            var isMapping: Bool
            var pairs: [(key: Node, value: Node)] = []
            var items: [Node] = []
            var pendingKey: Node?
            var mark: Node.Mark
            var anchor: String?
        }
        var stack: [Open] = []
        var anchors: [String: Node] = [:]
        var root: Node?

        mutating func add(_ node: Node) {
            let top = stack.count - 1
            guard top >= 0 else { root = node; return }
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].pendingKey {
                stack[top].pairs.append((key, node))
                stack[top].pendingKey = nil
            } else {
                stack[top].pendingKey = node
            }
        }

        static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }

        mutating func handle(_ event: inout yaml_event_t) throws(YAMLError) {
            let mark = Node.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self)
                } ?? ""
                let node = Node.scalar(.init(string: text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, mark: mark))
                if let anchor = Self.string(scalar.anchor) { anchors[anchor] = node }
                add(node)
            case YAML_SEQUENCE_START_EVENT:
                stack.append(Open(isMapping: false, mark: mark, anchor: Self.string(event.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                stack.append(Open(isMapping: true, mark: mark, anchor: Self.string(event.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let top = stack.popLast() else { return }
                let node: Node = top.isMapping ? .mapping(.init(pairs: top.pairs, mark: top.mark)) : .sequence(top.items, top.mark)
                if let anchor = top.anchor { anchors[anchor] = node }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else { throw YAMLError(message: "unknown alias *\(name)", mark: mark) }
                add(node)
            default:
                break
            }
        }
    }
}
