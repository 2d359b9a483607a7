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
    /// How to fix it, when the reader knows.
    public var fix: String? = nil
}

public enum YAMLReader {
    /// Parses the document of `text`; nil for an empty document.
    public static func parse(_ text: String) throws(YAMLError) -> Node? {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses the one document of UTF-8 `bytes`. A leading byte order mark is skipped (editors
    /// that write one show nothing there, so positions count from after it); a second document,
    /// bytes that are not UTF-8 and control characters are errors at their own line and column.
    public static func parse(bytes: [UInt8]) throws(YAMLError) -> Node? {
        if bytes.starts(with: byteOrderMark) { return try parse(bytes: Array(bytes.dropFirst(byteOrderMark.count))) }
        if let node = FastYAML.parse(bytes) { return node }
        do {
            return try parseWithLibYAML(bytes)
        } catch {
            // libyaml reads ahead in blocks, so for a byte it cannot decode it reports where its
            // block started, not where the byte is: find the byte itself.
            throw unreadableCharacter(in: bytes) ?? error
        }
    }

    private static let saveAsUTF8 = "save the file as UTF-8 (mgen reads specs as UTF-8 only)"

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The first byte sequence that is not UTF-8, or a character YAML does not allow (control
    /// characters other than tab and line breaks), with its line and column as libyaml counts
    /// them (lines break at LF, CR, CRLF, NEL, U+2028 and U+2029; columns count characters).
    static func unreadableCharacter(in b: [UInt8]) -> YAMLError? {
        var line = 1, column = 1
        var i = 0
        while i < b.count {
            let c = b[i]
            let here = Node.Mark(line: line, column: column)
            var scalar = UInt32(c)
            var length = 1
            if c >= 0x80 {
                length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0
                guard length > 0, c < 0xF5 else {
                    return YAMLError(message: "invalid UTF-8: byte 0x\(hex(c)) cannot start a character", mark: here, fix: saveAsUTF8)
                }
                guard i + length <= b.count, (1..<length).allSatisfy({ b[i + $0] & 0xC0 == 0x80 }) else {
                    return YAMLError(message: "invalid UTF-8: byte 0x\(hex(c)) starts a character that is cut short", mark: here, fix: saveAsUTF8)
                }
                scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length { scalar = scalar << 6 | UInt32(b[i + k] & 0x3F) }
                let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
                if scalar < minimum || (0xD800...0xDFFF).contains(scalar) || scalar > 0x10FFFF {
                    return YAMLError(message: "invalid UTF-8: an overlong or surrogate encoding at byte 0x\(hex(c))", mark: here, fix: saveAsUTF8)
                }
            }
            let allowed = scalar == 9 || scalar == 10 || scalar == 13 || (0x20...0x7E).contains(scalar) || scalar == 0x85
                || (0xA0...0xD7FF).contains(scalar) || (0xE000...0xFFFD).contains(scalar) || (0x10000...0x10FFFF).contains(scalar)
            if !allowed {
                let name = scalar == 0 ? "a NUL byte" : "control character U+\(hex(scalar, digits: 4))"
                return YAMLError(message: "\(name) is not allowed in YAML", mark: here,
                                 fix: "remove it; the only control characters YAML allows are tab, line feed and carriage return")
            }
            if scalar == 10 || scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029 || (scalar == 13 && (i + 1 == b.count || b[i + 1] != 10)) {
                line += 1
                column = 1
            } else if scalar != 13 {
                column += 1
            }
            i += length
        }
        return nil
    }

    private static func hex<T: BinaryInteger>(_ value: T, digits: Int = 2) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
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
            var documentEnded = false
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let context = parser.context.map { String(cString: $0) + " " } ?? ""
                    let mark = parser.problem_mark
                    throw YAMLError(message: context + problem, mark: .init(line: Int(mark.line) + 1, column: Int(mark.column) + 1))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if event.type == YAML_DOCUMENT_END_EVENT { documentEnded = true; continue }
                // A second document would be ignored silently: a spec file holds one.
                if event.type == YAML_DOCUMENT_START_EVENT, documentEnded {
                    throw YAMLError(message: "a second YAML document starts here; a spec file holds one document",
                                    mark: .init(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1),
                                    fix: "remove the `---` line and what follows, or put the second spec in a file of its own")
                }
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
