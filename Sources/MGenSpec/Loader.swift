import Foundation
import Dispatch

/// Reads spec files into `Migration`s, keeping the source position of every value, so that each
/// problem is reported as `file:line:column` with the fix. Every problem in a file is reported, not
/// only the first.
public enum SpecLoader {
    public static let formatVersion = 1
    static let topLevelFields = ["mgen", "id", "name", "description", "depends_on", "transaction", "created",
                                 "operations", "down", "irreversible", "lint", "baseline"]

    /// Loads one spec from its text. `file` is the name used in diagnostics.
    public static func load(text: String, file: String) throws(DiagnosticError) -> Migration {
        try load(bytes: Array(text.utf8), file: file)
    }

    /// Reads one spec from the UTF-8 bytes of `file`.
    public static func load(bytes: [UInt8], file: String) throws(DiagnosticError) -> Migration {
        let sink = DiagnosticSink(file: file)
        let root: Node?
        do {
            root = try YAMLReader.parse(bytes: bytes)
        } catch {
            throw DiagnosticError(yamlDiagnostic(error, file: file))
        }
        guard let root, case .mapping = root else {
            throw DiagnosticError(Diagnostic("a spec must be a YAML mapping with `mgen: 1`, `id`, `name` and `operations`",
                                             at: SourceLocation(file: file, line: 1, column: 1),
                                             fix: "start from `mgen init`'s example, or see docs/spec.md"))
        }
        let top = Fields(root, context: "the spec", allowed: topLevelFields, sink: sink)
        if let version = top.node("mgen") {
            if case .integer(Int64(formatVersion)) = version.kind {} else {
                sink.error("unsupported spec format `mgen: \(version.string ?? "?")`", at: sink.location(version),
                           fix: "this mgen reads `mgen: \(formatVersion)`")
            }
        } else {
            sink.error("missing required field 'mgen' (the spec format version)", at: sink.location(root), fix: "add `mgen: 1` as the first line")
        }
        let id = top.scalarText("id", required: true) ?? ""
        let name = top.string("name", required: true) ?? ""
        let description = top.string("description")
        let dependsOn = top.stringList("depends_on") ?? []
        let transaction = top.bool("transaction")
        let created = top.scalarText("created")
        if let created, let location = top.fields["created"], parseTimestamp(created) == nil {
            sink.error("'created' must be a UTC time like 2025-01-15T10:30:00Z, not '\(created)'", at: location)
        }
        let irreversible = top.string("irreversible")
        let baseline = top.bool("baseline") ?? false
        var lint: LintSettings?
        if let node = top.node("lint") {
            let l = Fields(node, context: "'lint'", allowed: ["ignore", "reason"], sink: sink)
            let rules = l.stringList("ignore", required: true)
            let reason = l.string("reason")
            if rules != nil, reason == nil, l.node("reason") == nil {
                sink.error("'lint' ignores rules without saying why", at: top.location("lint"),
                           fix: "add `reason: \"...\"` (why this spec may break the rule)")
            }
            var ruleLocations: [SourceLocation] = []
            if case let .sequence(items, _)? = l.node("ignore") { ruleLocations = items.map { sink.location($0) } }
            else if let item = l.node("ignore") { ruleLocations = [sink.location(item)] }
            if let rules, let reason {
                lint = LintSettings(ignore: rules, reason: reason, location: top.location("lint"), ruleLocations: ruleLocations)
            }
        }
        var operations: [Located<Operation>] = []
        if let list = top.sequence("operations", required: true) {
            operations = list.compactMap { OperationParser.parse($0, sink: sink) }
            if list.isEmpty {
                sink.error("'operations' is empty", at: top.location("operations"), fix: "list at least one operation")
            }
        }
        var down: [Located<Operation>]?
        if let list = top.sequence("down") {
            down = list.compactMap { OperationParser.parse($0, sink: sink) }
        }
        if !name.isEmpty, !(name.utf8.first.map(isWordByte) ?? false) || !name.utf8.allSatisfy({ isWordByte($0) || $0 == 32 || $0 == 46 || $0 == 45 }) {
            sink.error("name '\(name)' must be letters, digits, '_', '-', '.' or spaces", at: top.location("name"))
        }
        if !id.isEmpty, !id.utf8.allSatisfy({ isWordByte($0) || $0 == 46 || $0 == 45 }) {
            sink.error("id '\(id)' must be letters, digits, '_', '-' or '.'", at: top.location("id"))
        }
        if !sink.diagnostics.isEmpty { throw DiagnosticError(sink.diagnostics) }
        return Migration(id: id, name: name, description: description, dependsOn: dependsOn, transaction: transaction,
                         created: created, operations: operations, down: down, irreversible: irreversible, lint: lint, file: file,
                         source: bytes, location: sink.location(root), fields: top.fields, baseline: baseline)
    }

    /// Loads one spec file.
    public static func load(path: String) throws(DiagnosticError) -> Migration {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            let fix = switch error {
            case .system: "check the path and its permissions"
            case .notRegular: "a spec must be a regular file (a symlink to one is fine)"
            case .tooLarge: "split it into several specs; a spec may have at most \(maximumSpecFileSize >> 20) MiB"
            }
            throw DiagnosticError(Diagnostic("cannot read spec file: \(error.message)", object: path, fix: fix))
        }
        return try load(bytes: bytes, file: path)
    }

    /// The spec files named by `paths`: files as given, folders expanded to their `*.yaml`/`*.yml` files.
    public static func specFiles(in paths: [String]) throws(DiagnosticError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DiagnosticError(Diagnostic("no such file or folder", object: path))
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(base)/\($0)" }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Loads every spec under `paths`, reporting the problems of all files together.
    public static func load(paths: [String]) throws(DiagnosticError) -> [Migration] {
        try parallelMap(try specFiles(in: paths), result(path:)).valuesOrDiagnostics()
    }

    /// One file's spec, or its problems.
    static func result(path: String) -> Swift.Result<Migration, DiagnosticError> {
        Result { () throws(DiagnosticError) in try load(path: path) }
    }

    static func yamlDiagnostic(_ error: YAMLError, file: String) -> Diagnostic {
        Diagnostic("invalid YAML: \(error.message)", at: SourceLocation(file: file, line: error.mark.line, column: error.mark.column),
                   fix: error.fix)
    }
}

/// ASCII letters, digits and underscore (bytes: no grapheme breaking on the hot path).
func isWordByte(_ c: UInt8) -> Bool {
    c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

/// Parses `2025-01-15T10:30:00Z` (or a 14-digit `20250115103000`) into seconds since 1970 (UTC).
public func parseTimestamp(_ text: String) -> Int? {
    let chars = Array(text.utf8)
    var digits: [Int] = []
    if chars.count == 14 {
        guard chars.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        digits = chars.map { Int($0) - 48 }
    } else {
        // yyyy-mm-ddThh:mm:ss with an optional Z
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        guard chars.count == shape.count || (chars.count == shape.count + 1 && chars.last == UInt8(ascii: "Z")) else { return nil }
        for (c, s) in zip(chars, shape) {
            if s == UInt8(ascii: "d") {
                guard c >= 48 && c <= 57 else { return nil }
                digits.append(Int(c) - 48)
            } else if s == UInt8(ascii: "T") {
                guard c == UInt8(ascii: "T") || c == UInt8(ascii: " ") else { return nil }
            } else if c != s {
                return nil
            }
        }
    }
    func number(_ from: Int, _ count: Int) -> Int { digits[from..<from + count].reduce(0) { $0 * 10 + $1 } }
    let (year, month, day) = (number(0, 4), number(4, 2), number(6, 2))
    let (hour, minute, second) = (number(8, 2), number(10, 2), number(12, 2))
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard year >= 1970, (1...12).contains(month), day >= 1, day <= monthDays[month - 1],
          hour < 24, minute < 60, second < 60 else { return nil }
    // Days since 1970-01-01 (the civil-from-days algorithm, inverted).
    let y = month <= 2 ? year - 1 : year
    let era = y / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146097 + dayOfEra - 719468
    return days * 86400 + hour * 3600 + minute * 60 + second
}

/// Collects diagnostics for one file.
final class DiagnosticSink {
    let file: String
    var diagnostics: [Diagnostic] = []
    init(file: String) { self.file = file }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func error(_ message: String, at location: SourceLocation, fix: String? = nil) {
        diagnostics.append(Diagnostic(message, at: location, fix: fix))
    }
}

/// A YAML mapping read with a list of allowed keys: unknown keys are reported with a suggestion,
/// and typed accessors report wrong types and missing required fields.
struct Fields {
    let node: Node
    let context: String
    let sink: DiagnosticSink
    /// The allowed keys present, in order (a short list: searched, not hashed).
    private var present: [(key: String, value: Node)] = []
    private(set) var fields = FieldLocations()

    init(_ node: Node, context: String, allowed: [String], sink: DiagnosticSink) {
        self.node = node
        self.context = context
        self.sink = sink
        guard case let .mapping(mapping) = node else {
            sink.error("\(context) must be a mapping of fields", at: sink.location(node))
            return
        }
        present.reserveCapacity(mapping.count)
        fields.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            if let first = fields[name] {
                sink.error("duplicate key '\(name)' in \(context) (first at line \(first.line))", at: sink.location(key),
                           fix: "keep one of them")
            } else if allowed.contains(where: { sameKey($0, name) }) {
                present.append((name, value))
                fields.appendNew(name, sink.location(key))
            } else {
                let hint = closestMatch(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                sink.error("unknown field '\(name)' in \(context)\(hint)", at: sink.location(key),
                           fix: "allowed fields: \(allowed.joined(separator: ", "))")
            }
        }
    }

    func location(_ key: String) -> SourceLocation { fields[key] ?? sink.location(node) }
    func node(_ key: String) -> Node? { present.first { sameKey($0.key, key) }?.value }
    func has(_ key: String) -> Bool { node(key) != nil }

    private func missing(_ key: String, _ what: String) {
        sink.error("missing required field '\(key)' in \(context)", at: sink.location(node), fix: "add `\(key): <\(what)>`")
    }

    private func wrongType(_ key: String, _ expected: String, _ value: Node) {
        sink.error("'\(key)' in \(context) must be \(expected)", at: sink.location(value))
    }

    /// A scalar's text as written (so `id: 0001` stays "0001"); a plain `null` or `~` is no text.
    func scalarText(_ key: String, required: Bool = false) -> String? {
        guard let value = node(key) else { if required { missing(key, "value") }; return nil }
        if case let .scalar(scalar) = value, scalar.plain, !scalar.string.isEmpty, case .null = value.kind {
            sink.error("'\(key)' in \(context) is null", at: sink.location(value),
                       fix: "give it a value; to use the text '\(scalar.string)', quote it: \(key): \"\(scalar.string)\"")
            return nil
        }
        guard case let .scalar(scalar) = value, !scalar.string.isEmpty else { wrongType(key, "a text value", value); return nil }
        return scalar.string
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = node(key) else { if required { missing(key, "text") }; return nil }
        guard case let .scalar(scalar) = value else { wrongType(key, "a text value", value); return nil }
        if scalar.string.isEmpty {
            sink.error("'\(key)' in \(context) must not be empty", at: sink.location(value))
            return nil
        }
        return scalar.string
    }

    /// An identifier: a table, column, index or constraint name.
    func name(_ key: String, required: Bool = true) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if hasControlCharacter(text) {
            sink.error("name '\(visible(text))' contains a control character", at: location(key),
                       fix: "names must not contain newlines, tabs or other control or format characters")
        } else if text.utf8.count > maximumNameBytes {
            sink.error("name '\(text)' is \(text.utf8.count) bytes long; \(identifierLimitsText())", at: location(key),
                       fix: "use a shorter name")
        }
        // spec 1.1: schemas. A `table` beside a `schema` names the table in it (Ops/Schemas.swift).
        if key == "table", has("schema"), let schema = tableSchema() { return QualifiedName(schema: schema, name: text).key }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let value = node(key) else { return nil }
        guard case let .boolean(bool) = value.kind else { wrongType(key, "true or false", value); return nil }
        return bool
    }

    func int(_ key: String) -> Int? {
        guard let value = node(key) else { return nil }
        guard case let .integer(int) = value.kind, let small = Int(exactly: int) else { wrongType(key, "a whole number", value); return nil }
        return small
    }

    func sequence(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = node(key) else { if required { missing(key, "list") }; return nil }
        guard case let .sequence(items, _) = value else { wrongType(key, "a list", value); return nil }
        return items
    }

    /// A list of names; a single name is accepted as a one-element list.
    func stringList(_ key: String, required: Bool = false) -> [String]? {
        guard let value = node(key) else { if required { missing(key, "list of names") }; return nil }
        switch value {
        case let .scalar(scalar) where !scalar.string.isEmpty: return [scalar.string]
        case let .sequence(items, _):
            var out: [String] = []
            for item in items {
                guard case let .scalar(scalar) = item, !scalar.string.isEmpty else {
                    wrongType(key, "a list of names", item)
                    return nil
                }
                out.append(scalar.string)
            }
            if out.isEmpty { sink.error("'\(key)' in \(context) must not be empty", at: sink.location(value)); return nil }
            return out
        default:
            wrongType(key, "a list of names", value)
            return nil
        }
    }
}

extension Node {
    /// What a scalar is, by YAML's core schema: a quoted scalar is always a string; a plain one is
    /// null, a boolean, an integer or a number when it reads as one.
    enum Kind { case string(String), boolean(Bool), integer(Int64), number(String), null, collection }

    var kind: Kind {
        guard case let .scalar(scalar) = self else { return .collection }
        let text = scalar.string
        guard scalar.plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .boolean(true)
        case "false", "False", "FALSE": return .boolean(false)
        default: break
        }
        if let int = Int64(text) { return .integer(int) }
        let isDigit = { (c: UInt8) in c >= 48 && c <= 57 }
        if text.utf8.contains(where: isDigit), text.utf8.allSatisfy({ isDigit($0) || "+-.eE".utf8.contains($0) }), Double(text) != nil {
            return .number(text)
        }
        return .string(text)
    }
}

/// Spec files read on every core, in name order as far as the cores allow, while the caller
/// consumes them in that order (`result(i)` waits for file `i`).
final class SpecStream: @unchecked Sendable {  // `slots` and `next` are guarded by `condition`
    private let files: [String]
    private var slots: [Swift.Result<Migration, DiagnosticError>?]
    private var next = 0
    private let condition = NSCondition()

    init(_ files: [String]) {
        self.files = files
        slots = Array(repeating: nil, count: files.count)
        for _ in 0..<ProcessInfo.processInfo.activeProcessorCount {
            DispatchQueue.global().async { self.work() }
        }
    }

    /// Files claimed at a time: each claim and each wake-up of the reader costs a lock and a
    /// system call, and the reader needs files in order, not one the moment it is read.
    private static var batch: Int { 8 }

    private func work() {
        while true {
            condition.lock()
            let start = next
            next += Self.batch
            condition.unlock()
            guard start < files.count else { return }
            read(start)
        }
    }

    /// Reads the batch that starts at `start`, claimed by the caller.
    private func read(_ start: Int) {
        let range = start..<min(start + Self.batch, files.count)
        let results = range.map { SpecLoader.result(path: files[$0]) }
        condition.lock()
        for (i, result) in zip(range, results) { slots[i] = result }
        condition.broadcast()
        condition.unlock()
    }

    /// File `i`'s result. A file nobody has claimed yet the caller reads itself, so it never
    /// waits for a thread that has not started.
    func result(_ i: Int) -> Swift.Result<Migration, DiagnosticError> {
        condition.lock()
        while true {
            if let result = slots[i] {
                condition.unlock()
                return result
            }
            if i >= next {
                let start = next
                next += Self.batch
                condition.unlock()
                read(start)
                condition.lock()
                continue
            }
            condition.wait()
        }
    }

    /// Every file's result, once all are read.
    func results() -> [Swift.Result<Migration, DiagnosticError>] {
        files.indices.map(result)
    }
}
