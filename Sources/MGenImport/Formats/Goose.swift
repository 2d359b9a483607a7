import Foundation
import MGenSpec
import MGenSQL

/// goose: `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down`. Split as goose splits: a
/// statement ends at a line that ends with `;`, except between `StatementBegin` and `StatementEnd`;
/// `NO TRANSACTION` runs the file outside a transaction.
public struct GooseImporter: Importer {
    public init() {}
    public let name = "goose"
    public let layout = "<version>_<name>.sql with -- +goose Up / Down"

    public func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder {
        var out: [SourceMigration] = []
        for file in try SourceFiles.names(in: folder) where file.hasSuffix(".sql") {
            guard let underscore = file.firstIndex(of: "_"), UInt64(file[..<underscore]) != nil else { continue }
            let version = String(file[..<underscore])
            let path = "\(folder)/\(file)"
            let parsed = try Self.parse(try SourceFiles.text(path), file: path)
            out.append(SourceMigration(version: version, name: String(file[file.index(after: underscore)...].dropLast(4)),
                                       created: SourceFiles.created(fromVersion: version), files: [file],
                                       up: parsed.up, down: parsed.down, transactional: parsed.transactional))
        }
        return SourceFolder(migrations: out.sorted { (UInt64($0.version) ?? 0) < (UInt64($1.version) ?? 0) })
    }

    static func parse(_ text: String, file: String) throws(DiagnosticError) -> (up: [SourceStatement], down: [SourceStatement]?, transactional: Bool) {
        var up: [SourceStatement] = [], down: [SourceStatement] = []
        var section: String?
        var inBlock = false
        var current = ""
        var startLine = 0
        var transactional = true
        var sawUp = false, sawDown = false
        func flush(block: Bool = false) {
            let statement = SourceFiles.stripLeadingComments(current)
            if !statement.isEmpty {
                // goose sends a block as one query, and the server runs every statement in it (mgen
                // writes a split migration's `BEGIN; …; COMMIT` that way): read each of them; a DO
                // block or a routine body stays one statement.
                let parts = block ? SQLSplitter.split(statement) : [statement]
                for part in parts.isEmpty ? [statement] : parts {
                    let located = SourceStatement(part, at: SourceLocation(file: file, line: startLine, column: 1))
                    if section == "up" { up.append(located) } else if section == "down" { down.append(located) }
                }
            }
            current = ""
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.lowercased().hasPrefix("-- +goose ") {
                let annotation = line.dropFirst("-- +goose ".count).trimmingCharacters(in: .whitespaces).lowercased()
                switch annotation {
                case "up": flush(); section = "up"; sawUp = true
                case "down": flush(); section = "down"; sawDown = true
                case "statementbegin": flush(); inBlock = true
                case "statementend": inBlock = false; flush(block: true)
                case "no transaction": transactional = false
                case "envsub on", "envsub off": break
                default:
                    throw DiagnosticError(Diagnostic("unknown goose annotation '\(line)'", at: SourceLocation(file: file, line: number + 1, column: 1),
                                                     fix: "goose knows Up, Down, StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON/OFF"))
                }
                continue
            }
            if section == nil { continue }
            let trimmed = SourceFiles.trim(raw)
            if !inBlock, current.isEmpty, trimmed.hasPrefix("--") || trimmed.isEmpty { continue }
            if current.isEmpty { startLine = number + 1 }
            current += line + "\n"
            if !inBlock, trimmed.hasSuffix(";") { flush() }
        }
        flush()
        if !sawUp {
            throw DiagnosticError(Diagnostic("goose file has no `-- +goose Up` annotation", object: file, fix: "start the up part with a line `-- +goose Up`"))
        }
        // No Down section: goose has nothing to run back; an empty one runs as a successful no-op.
        return (up, sawDown ? down : nil, transactional)
    }
}
