import Foundation
import Yams

/// Reads spec files into `Migration`s, keeping the source position of every value, so that each
/// problem is reported as `file:line:column` with the fix. Every problem in a file is reported, not
/// only the first.
public enum SpecLoader {
    public static let formatVersion = 1
    static let topLevelFields = ["mgen", "id", "name", "description", "depends_on", "transaction", "created",
                                 "operations", "down", "irreversible"]

    /// Loads one spec from its text. `file` is the name used in diagnostics.
    public static func load(text: String, file: String) throws(DiagnosticError) -> Migration {
        let sink = DiagnosticSink(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DiagnosticError(yamlDiagnostic(error, file: file))
        } catch {
            throw DiagnosticError(Diagnostic("cannot parse YAML: \(error)", object: file))
        }
        guard let root, case .mapping = root else {
            throw DiagnosticError(Diagnostic("a spec must be a YAML mapping with `mgen: 1`, `id`, `name` and `operations`",
                                             at: SourceLocation(file: file, line: 1, column: 1),
                                             fix: "start from `mgen init`'s example, or see docs/spec.md"))
        }
        let top = Fields(root, context: "the spec", allowed: topLevelFields, sink: sink)
        if let version = top.node("mgen") {
            if version.int != formatVersion {
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
        if !name.isEmpty, name.range(of: "^[A-Za-z0-9_][A-Za-z0-9_ .-]*$", options: .regularExpression) == nil {
            sink.error("name '\(name)' must be letters, digits, '_', '-', '.' or spaces", at: top.location("name"))
        }
        if !id.isEmpty, id.range(of: "^[A-Za-z0-9_.-]+$", options: .regularExpression) == nil {
            sink.error("id '\(id)' must be letters, digits, '_', '-' or '.'", at: top.location("id"))
        }
        if !sink.diagnostics.isEmpty { throw DiagnosticError(sink.diagnostics) }
        return Migration(id: id, name: name, description: description, dependsOn: dependsOn, transaction: transaction,
                         created: created, operations: operations, down: down, irreversible: irreversible, file: file,
                         sha256: SHA256.hex(Array(text.utf8)), location: sink.location(root), fields: top.fields)
    }

    /// Loads one spec file.
    public static func load(path: String) throws(DiagnosticError) -> Migration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(Diagnostic("cannot read spec file", object: path, fix: "check the path"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticError(Diagnostic("spec file is not UTF-8 text", object: path))
        }
        return try load(text: text, file: path)
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
        var migrations: [Migration] = []
        var diagnostics: [Diagnostic] = []
        for file in try specFiles(in: paths) {
            do { migrations.append(try load(path: file)) } catch { diagnostics += error.diagnostics }
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return migrations
    }

    static func yamlDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return Diagnostic("invalid YAML: \(detail)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
        case let .duplicatedKeysInMapping(duplicates, context):
            return Diagnostic("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                              at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                              fix: "keep one of them")
        default:
            return Diagnostic("invalid YAML: \(error)", object: file)
        }
    }
}

/// Parses `2025-01-15T10:30:00Z` (or a 14-digit `20250115103000`) into seconds since 1970.
public func parseTimestamp(_ text: String) -> Int? {
    let digits = text.filter(\.isNumber)
    let shapeOK = text.range(of: #"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}Z?$"#, options: .regularExpression) != nil
        || text.range(of: #"^\d{14}$"#, options: .regularExpression) != nil
    guard shapeOK, digits.count == 14 else { return nil }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    func part(_ from: Int, _ length: Int) -> Int? {
        let start = digits.index(digits.startIndex, offsetBy: from)
        return Int(digits[start..<digits.index(start, offsetBy: length)])
    }
    var components = DateComponents()
    components.year = part(0, 4)
    components.month = part(4, 2)
    components.day = part(6, 2)
    components.hour = part(8, 2)
    components.minute = part(10, 2)
    components.second = part(12, 2)
    guard let date = calendar.date(from: components), calendar.component(.day, from: date) == components.day else { return nil }
    return Int(date.timeIntervalSince1970)
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
    private(set) var values: [String: Node] = [:]
    private(set) var fields: [String: SourceLocation] = [:]

    init(_ node: Node, context: String, allowed: [String], sink: DiagnosticSink) {
        self.node = node
        self.context = context
        self.sink = sink
        guard case let .mapping(mapping) = node else {
            sink.error("\(context) must be a mapping of fields", at: sink.location(node))
            return
        }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            if allowed.contains(name) {
                values[name] = value
                fields[name] = sink.location(key)
            } else {
                let hint = closestMatch(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                sink.error("unknown field '\(name)' in \(context)\(hint)", at: sink.location(key),
                           fix: "allowed fields: \(allowed.joined(separator: ", "))")
            }
        }
    }

    func location(_ key: String) -> SourceLocation { fields[key] ?? sink.location(node) }
    func node(_ key: String) -> Node? { values[key] }
    func has(_ key: String) -> Bool { values[key] != nil }

    private func missing(_ key: String, _ what: String) {
        sink.error("missing required field '\(key)' in \(context)", at: sink.location(node), fix: "add `\(key): <\(what)>`")
    }

    private func wrongType(_ key: String, _ expected: String, _ value: Node) {
        sink.error("'\(key)' in \(context) must be \(expected)", at: sink.location(value))
    }

    /// A scalar's text as written (so `id: 0001` stays "0001").
    func scalarText(_ key: String, required: Bool = false) -> String? {
        guard let value = values[key] else { if required { missing(key, "value") }; return nil }
        guard case let .scalar(scalar) = value, !scalar.string.isEmpty else { wrongType(key, "a text value", value); return nil }
        return scalar.string
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let value = values[key] else { if required { missing(key, "text") }; return nil }
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
        if text.utf8.count > 63 {
            sink.error("name '\(text)' is \(text.utf8.count) bytes long; PostgreSQL keeps 63 and MySQL 64", at: location(key),
                       fix: "use a shorter name")
        }
        return text
    }

    func bool(_ key: String) -> Bool? {
        guard let value = values[key] else { return nil }
        guard value.tagName == .bool, let bool = value.bool else { wrongType(key, "true or false", value); return nil }
        return bool
    }

    func int(_ key: String) -> Int? {
        guard let value = values[key] else { return nil }
        guard value.tagName == .int, let int = value.int else { wrongType(key, "a whole number", value); return nil }
        return int
    }

    func sequence(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = values[key] else { if required { missing(key, "list") }; return nil }
        guard case let .sequence(sequence) = value else { wrongType(key, "a list", value); return nil }
        return Array(sequence)
    }

    /// A list of names; a single name is accepted as a one-element list.
    func stringList(_ key: String, required: Bool = false) -> [String]? {
        guard let value = values[key] else { if required { missing(key, "list of names") }; return nil }
        switch value {
        case let .scalar(scalar) where !scalar.string.isEmpty: return [scalar.string]
        case let .sequence(sequence):
            var out: [String] = []
            for item in sequence {
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
    /// The resolved YAML tag (`str`, `int`, `bool`, ...): quoted `'42'` is a string, plain `42` an int.
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
