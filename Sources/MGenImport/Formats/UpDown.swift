import Foundation
import MGenSpec

/// golang-migrate and mgen's plain `sql` layout: `<version>_<name>.up.sql` and `.down.sql`, each
/// run whole by the database (split here on top-level semicolons, as the clients do).
public struct UpDownImporter: Importer {
    public let name: String
    public let aliases: [String]
    public let layout = "<version>_<name>.up.sql + <version>_<name>.down.sql"
    public init(name: String, aliases: [String]) { self.name = name; self.aliases = aliases }

    public func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder {
        var byVersion: [String: SourceMigration] = [:]
        for file in try SourceFiles.names(in: folder) {
            let isUp = file.hasSuffix(".up.sql"), isDown = file.hasSuffix(".down.sql")
            guard isUp || isDown, let underscore = file.firstIndex(of: "_"), UInt64(file[..<underscore]) != nil else { continue }
            let version = String(file[..<underscore])
            let title = String(file[file.index(after: underscore)...].dropLast(isUp ? 7 : 9))
            let path = "\(folder)/\(file)"
            let text = try SourceFiles.text(path)
            var migration = byVersion[version] ?? SourceMigration(version: version, name: title, created: SourceFiles.created(fromVersion: version),
                                                                  files: [], up: [], down: nil)
            migration.files.append(file)
            let statements = SourceFiles.statements(text, file: path, dialect: dialect)
            if isUp {
                migration.up = statements
                // mgen's own files say so in their header; other runners have no marker.
                migration.transactional = !text.contains("-- Runs outside a transaction")
            } else {
                migration.down = statements
            }
            byVersion[version] = migration
        }
        for migration in byVersion.values where !migration.files.contains(where: { $0.hasSuffix(".up.sql") }) {
            throw DiagnosticError(Diagnostic("migration \(migration.version) has a .down.sql but no .up.sql", object: "\(folder)/\(migration.files[0])",
                                             fix: "add the up file, or remove the lone down file"))
        }
        return SourceFolder(migrations: byVersion.values.sorted { (UInt64($0.version) ?? 0) < (UInt64($1.version) ?? 0) })
    }
}
