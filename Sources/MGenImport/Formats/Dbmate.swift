import Foundation
import MGenSpec

/// dbmate: `<version>_<name>.sql` with `-- migrate:up` and `-- migrate:down` (each optionally
/// followed by `transaction:false`); each section is run whole, split here on top-level semicolons.
public struct DbmateImporter: Importer {
    public init() {}
    public let name = "dbmate"
    public let layout = "<version>_<name>.sql with -- migrate:up / -- migrate:down"

    public func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder {
        var out: [SourceMigration] = []
        for file in try SourceFiles.names(in: folder) where file.hasSuffix(".sql") {
            guard let underscore = file.firstIndex(of: "_"), UInt64(file[..<underscore]) != nil else { continue }
            let path = "\(folder)/\(file)"
            let lines = try SourceFiles.text(path).split(separator: "\n", omittingEmptySubsequences: false)
            var sections: [String: (start: Int, lines: [Substring], transactional: Bool)] = [:]
            var current: String?
            for (number, line) in lines.enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("-- migrate:up") || trimmed.hasPrefix("-- migrate:down") {
                    let key = trimmed.hasPrefix("-- migrate:up") ? "up" : "down"
                    current = key
                    sections[key] = (number + 2, [], !trimmed.contains("transaction:false"))
                    continue
                }
                if let key = current { sections[key]?.lines.append(line) }
            }
            guard let up = sections["up"] else {
                throw DiagnosticError(Diagnostic("dbmate file has no `-- migrate:up` line", object: path, fix: "start the up part with `-- migrate:up`"))
            }
            let version = String(file[..<underscore])
            let down = sections["down"].map { SourceFiles.statements($0.lines.joined(separator: "\n"), file: path, firstLine: $0.start, dialect: dialect) }
            out.append(SourceMigration(version: version, name: String(file[file.index(after: underscore)...].dropLast(4)),
                                       created: SourceFiles.created(fromVersion: version), files: [file],
                                       up: SourceFiles.statements(up.lines.joined(separator: "\n"), file: path, firstLine: up.start, dialect: dialect),
                                       down: down, transactional: up.transactional))
        }
        return SourceFolder(migrations: out.sorted { (UInt64($0.version) ?? 0) < (UInt64($1.version) ?? 0) })
    }
}
