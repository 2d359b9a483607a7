/// Where something came from: a spec file position, or an object when no position exists.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// The one error/warning type of mgen, used by the loader, validator, renderers and emitters alike.
/// It prints as compilers do, `file:line:column: error: message`, followed by the fix when known.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning, note }

    public var severity: Severity
    public var location: SourceLocation?
    /// The object concerned when there is no source position (a file path, `table users`, ...).
    public var object: String?
    public var message: String
    public var fix: String?

    public init(_ message: String, severity: Severity = .error, at location: SourceLocation? = nil,
                object: String? = nil, fix: String? = nil) {
        self.severity = severity
        // spec 1.1: schemas. A table key of another schema prints as `billing.invoices`.
        self.message = QualifiedName.display(message)
        self.location = location
        self.object = object.map(QualifiedName.display)
        self.fix = fix.map(QualifiedName.display)
    }

    public var description: String {
        var prefix = ""
        if let location { prefix = "\(location): " } else if let object { prefix = "\(object): " }
        var text = "\(prefix)\(severity.rawValue): \(message)"
        if let fix { text += "\n  fix: \(fix)" }
        return text
    }
}

/// A failure made of one or more diagnostics (validation reports every problem it finds, not only the first).
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Suggests the closest known word for a misspelt one ("nullabel" -> "nullable").
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= max(2, candidate.count / 3), best.map({ distance < $0.1 }) ?? true {
            best = (candidate, distance)
        }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in stride(from: 1, through: a.count, by: 1) {
        for j in stride(from: 1, through: b.count, by: 1) {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            // A transposition ("nullabel" for "nullable") is one edit, not two.
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

extension Sequence {
    /// The values of the successes, in order; or, if anything failed, every failure's diagnostics
    /// together (after `earlier`, the problems found before), thrown as one error.
    public func valuesOrDiagnostics<Value>(after earlier: [Diagnostic] = []) throws(DiagnosticError) -> [Value]
        where Element == Result<Value, DiagnosticError> {
        var values: [Value] = []
        var diagnostics = earlier
        for result in self {
            switch result {
            case let .success(value): values.append(value)
            case let .failure(error): diagnostics += error.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        return values
    }
}

/// Where each field of a spec mapping was written, for errors that point at one field. A handful
/// of keys per mapping: a list searched in order beats hashing every key of every operation.
public struct FieldLocations: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    public struct Entry: Hashable, Sendable {
        public var key: String
        public var location: SourceLocation
    }

    public private(set) var entries: [Entry] = []

    public init() {}
    public init(dictionaryLiteral elements: (String, SourceLocation)...) {
        for (key, location) in elements { self[key] = location }
    }

    public subscript(key: String) -> SourceLocation? {
        get { entries.first { sameKey($0.key, key) }?.location }
        set {
            if let i = entries.firstIndex(where: { sameKey($0.key, key) }) {
                if let newValue { entries[i].location = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, location: newValue))
            }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a key known to be absent, without looking for it first.
    mutating func appendNew(_ key: String, _ location: SourceLocation) {
        entries.append(Entry(key: key, location: location))
    }

    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }
}

/// Key equality for names read from specs: strings of different lengths are never the same key.
/// Checked first, it spares Swift's Unicode comparison for nearly every pair that differs (YAML
/// keys are compared as written; no Unicode normalisation makes two of them one).
@inline(__always)
func sameKey(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a == b
}
