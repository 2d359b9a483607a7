import Foundation
import MGenSpec
import MGenSQL

/// One statement of a migration file, as the format's runner would send it, with where it stands.
public struct SourceStatement: Hashable, Sendable {
    public var text: String
    public var location: SourceLocation
    public init(_ text: String, at location: SourceLocation) { self.text = text; self.location = location }
}

/// One migration as a format keeps it on disk: what its runner would execute, in order.
public struct SourceMigration: Hashable, Sendable {
    /// The version as the file names it (`00003`, `20250115093000`, `1.2`).
    public var version: String
    public var name: String
    /// The creation time when the version is a timestamp (`2025-01-15T09:30:00Z`).
    public var created: String?
    /// The files it was read from, relative to the folder.
    public var files: [String]
    public var up: [SourceStatement]
    /// nil: the format keeps no down for it (Prisma, a golang-migrate up without a `.down.sql`).
    public var down: [SourceStatement]?
    /// false when the runner runs it outside a transaction (goose `NO TRANSACTION`, dbmate `transaction:false`).
    public var transactional: Bool

    public init(version: String, name: String, created: String? = nil, files: [String], up: [SourceStatement],
                down: [SourceStatement]?, transactional: Bool = true) {
        self.version = version
        self.name = name
        self.created = created
        self.files = files
        self.up = up
        self.down = down
        self.transactional = transactional
    }
}

/// A migration folder read back: its migrations in the runner's order, and the dialect the folder
/// names itself when it does (Prisma's `migration_lock.toml`).
public struct SourceFolder: Sendable {
    public var migrations: [SourceMigration]
    public var dialect: Dialect?
    public init(migrations: [SourceMigration], dialect: Dialect? = nil) { self.migrations = migrations; self.dialect = dialect }
}

/// One migration format mgen can read: how its files are named and how its runner splits them.
public protocol Importer: Sendable {
    /// The name users pass to `--from` (the emitter's name where mgen writes the format too).
    var name: String { get }
    var aliases: [String] { get }
    /// The file layout, for help texts.
    var layout: String { get }
    func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder
}

extension Importer {
    public var aliases: [String] { [] }
}

/// Every format mgen can read, by name and alias. A new format is one file in Formats/ and one line here.
public enum ImporterRegistry {
    public static let all: [any Importer] = [
        GooseImporter(),
        UpDownImporter(name: "golang-migrate", aliases: ["migrate"]),
        UpDownImporter(name: "sql", aliases: ["plain", "plain-sql"]),
        PrismaImporter(),
        FlywayImporter(),
        DbmateImporter(),
    ]

    public static var names: [String] { all.flatMap { [$0.name] + $0.aliases } }

    public static func require(_ name: String) throws(DiagnosticError) -> any Importer {
        let key = name.lowercased()
        if let found = all.first(where: { $0.name == key || $0.aliases.contains(key) }) { return found }
        let hint = closestMatch(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw DiagnosticError(Diagnostic("unknown import format '\(name)'\(hint)", object: "--from",
                                         fix: "formats: \(all.map(\.name).joined(separator: ", "))"))
    }
}

/// What the format readers share: listing a folder, reading a file, splitting text into statements
/// with the line each starts on, and versions that are timestamps.
enum SourceFiles {
    static func names(in folder: String) throws(DiagnosticError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DiagnosticError(Diagnostic("no migration folder at \(folder)", object: folder, fix: "pass the folder that holds the migration files"))
        }
        return names.sorted()
    }

    static func text(_ path: String) throws(DiagnosticError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError(Diagnostic("cannot read \(path)", object: path, fix: "check that the file exists and is readable"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticError(Diagnostic("\(path) is not UTF-8 text", object: path, fix: "convert the file to UTF-8"))
        }
        return text.utf8.contains(0x0D) ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
    }

    /// Statements split on top-level semicolons (quotes, dollar quotes, comments, MySQL routine
    /// bodies respected, as MGenSQL's splitter does for every plain runner), each located at the
    /// line it starts on. `firstLine` is the line `text` starts at in its file.
    static func statements(_ text: String, file: String, firstLine: Int = 1, dialect: Dialect?) -> [SourceStatement] {
        let bytes = Array(text.utf8)
        var out: [SourceStatement] = []
        var line = firstLine
        var counted = 0
        for part in SQLSplitter.statementRanges(bytes, backslashEscapes: dialect == .mysql) {
            let body = bodyRange(bytes, part)
            guard !body.isEmpty else { continue }
            for k in counted..<body.lowerBound where bytes[k] == 0x0A { line += 1 }
            counted = body.lowerBound
            out.append(SourceStatement(String(decoding: bytes[body], as: UTF8.self), at: SourceLocation(file: file, line: line, column: 1)))
        }
        return out
    }

    /// `stripLeadingComments` on a byte range of a file: the statement without the comment and
    /// blank lines before it and without its final semicolons, located where it really starts.
    static func bodyRange(_ b: [UInt8], _ part: Range<Int>) -> Range<Int> {
        var lo = part.lowerBound
        while lo < part.upperBound {
            var end = lo
            while end < part.upperBound, b[end] != 0x0A { end += 1 }
            let line = SQLSplitter.trimmed(b, lo..<end)
            guard line.isEmpty || (line.count >= 2 && b[line.lowerBound] == 0x2D && b[line.lowerBound + 1] == 0x2D) else { break }
            lo = end < part.upperBound ? end + 1 : part.upperBound
        }
        var body = SQLSplitter.trimmed(b, lo..<part.upperBound)
        while let last = body.last, b[last] == 0x3B { body = SQLSplitter.trimmed(b, body.lowerBound..<last) }
        return body
    }

    /// A statement without the comment lines before it (headers, `-- mgen: spec …` markers) and
    /// without its final semicolon: comments are no part of what the runner executes.
    static func stripLeadingComments(_ statement: String) -> String {
        var lines = statement.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first, trim(first).hasPrefix("--") || trim(first).isEmpty {
            lines = lines.dropFirst()
        }
        var body = trim(lines.joined(separator: "\n")[...])
        while body.hasSuffix(";") { body = trim(body.dropLast()) }
        return String(body)
    }

    /// The text without spaces, tabs and line breaks at either end (without Foundation's
    /// character sets, which cost more than the rest of reading a file).
    static func trim(_ text: Substring) -> Substring {
        func blank(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }

    /// `2025-01-15T09:30:00Z` for a 14-digit version that is a real UTC time, else nil.
    static func created(fromVersion version: String) -> String? {
        guard version.count == 14, version.allSatisfy(\.isNumber), parseTimestamp(version) != nil else { return nil }
        let d = Array(version)
        return "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8]))T\(String(d[8..<10])):\(String(d[10..<12])):\(String(d[12..<14]))Z"
    }
}

/// The spec's operation (Foundation has an `Operation` of its own).
typealias Operation = MGenSpec.Operation
