import Foundation
import MGenEmit
import MGenSpec

/// Prisma Migrate: `<yyyymmddhhmmss>_<name>/migration.sql`, the dialect in `migration_lock.toml`
/// (`provider = "postgresql"`). Prisma keeps no downs; a `down.sql` beside it (as Prisma's docs
/// advise, and as mgen writes) is read as the down.
public struct PrismaImporter: Importer {
    public init() {}
    public let name = "prisma"
    public let layout = "<timestamp>_<name>/migration.sql (+ down.sql), migration_lock.toml"

    public func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder {
        var found: Dialect?
        let lockPath = "\(folder)/migration_lock.toml"
        if FileManager.default.fileExists(atPath: lockPath) {
            let text = try SourceFiles.text(lockPath)
            if let range = text.range(of: "provider = \"") {
                let provider = String(text[range.upperBound...].prefix { $0 != "\"" })
                guard let named = Dialect(name: provider) else {
                    throw DiagnosticError(Diagnostic("migration_lock.toml names provider \"\(provider)\", which mgen does not read", object: lockPath,
                                                     fix: "mgen reads postgresql, mysql and sqlite folders"))
                }
                found = named
            }
        }
        let effective = dialect ?? found
        var out: [SourceMigration] = []
        for entry in try SourceFiles.names(in: folder) {
            guard let underscore = entry.firstIndex(of: "_"), entry[..<underscore].allSatisfy(\.isNumber),
                  FileManager.default.fileExists(atPath: "\(folder)/\(entry)/migration.sql") else { continue }
            let version = String(entry[..<underscore])
            let upPath = "\(folder)/\(entry)/migration.sql", downPath = "\(folder)/\(entry)/down.sql"
            var files = ["\(entry)/migration.sql"]
            var down: [SourceStatement]?
            if FileManager.default.fileExists(atPath: downPath) {
                files.append("\(entry)/down.sql")
                let statements = SourceFiles.statements(try SourceFiles.text(downPath), file: downPath, dialect: effective)
                down = statements
            }
            let upText = try SourceFiles.text(upPath)
            out.append(SourceMigration(version: version, name: String(entry[entry.index(after: underscore)...]),
                                       created: SourceFiles.created(fromVersion: version), files: files,
                                       up: SourceFiles.statements(upText, file: upPath, dialect: effective), down: down,
                                       transactional: SQLFiles.runsInTransaction(upText)))
        }
        return SourceFolder(migrations: out, dialect: found)
    }
}
