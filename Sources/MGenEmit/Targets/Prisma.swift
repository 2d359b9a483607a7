import Foundation
import MGenSpec
import MGenSQL

/// Prisma Migrate: `<yyyymmddhhmmss>_<name>/migration.sql` and `migration_lock.toml`. Prisma has no
/// down migrations; as its docs advise, `down.sql` sits beside each `migration.sql`, to be run with
/// `prisma db execute --file` and followed by `prisma migrate resolve --rolled-back`.
public struct PrismaEmitter: Emitter {
    public init() {}
    public let name = "prisma"
    public let aliases: [String] = []
    public let dialects = Dialect.allCases
    public let layout = "<yyyymmddhhmmss>_<name>/migration.sql (+ down.sql) and migration_lock.toml"
    public let proof = "database run (folders in order, as prisma migrate deploy)"
    public let defaultVersioning = Versioning.timestamp
    public func defaultOutput(options: [String: String]) -> String? { "prisma/migrations" }  // prisma migrate dev

    static func provider(_ dialect: Dialect) -> String { dialect.rawValue }

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        try requireAloneWhenNonTransactional(migration, target: name)
        let folder = "\(context.version)_\(slug(migration.planned.name))"
        return try SQLFiles.upAndDown(migration, context, up: ("\(folder)/migration.sql", "prisma/prisma.migration.sql.mustache"),
                                      down: ("\(folder)/down.sql", "prisma/prisma.down.sql.mustache"))
    }

    public func folderFiles(dialect: Dialect, templates: TemplateSet, existing: String) throws(DiagnosticError) -> [EmittedFile] {
        let path = "\(existing)/migration_lock.toml"
        if let text = try? String(contentsOfFile: path, encoding: .utf8), let range = text.range(of: "provider = \"") {
            let provider = text[range.upperBound...].prefix { $0 != "\"" }
            if provider != Self.provider(dialect) {
                throw DiagnosticError(Diagnostic("migration_lock.toml says provider \"\(provider)\" but this emit is for \(dialect)",
                                                 object: path, fix: "emit with --dialect \(provider), or use another output folder"))
            }
            return []
        }
        return [EmittedFile(path: "migration_lock.toml",
                            contents: try templates.render("prisma/prisma.migration_lock.toml.mustache", ["provider": Self.provider(dialect)]))]
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [DiskMigration] = []
        for name in names.sorted() {
            guard name.count > 15, name.prefix(14).allSatisfy(\.isNumber), name.dropFirst(14).first == "_",
                  let text = try? String(contentsOfFile: "\(folder)/\(name)/migration.sql", encoding: .utf8) else { continue }
            let down = try? String(contentsOfFile: "\(folder)/\(name)/down.sql", encoding: .utf8)
            let marker = SQLFiles.readMarker(text)
            var files = ["\(name)/migration.sql"]
            if down != nil { files.append("\(name)/down.sql") }
            out.append(DiskMigration(version: String(name.prefix(14)), name: String(name.dropFirst(15)), files: files,
                                     specID: marker?.id, specSHA256: marker?.sha256, up: SQLFiles.statements(of: text),
                                     down: down.map(SQLFiles.statements), upTransactional: !text.contains("-- Runs outside a transaction"),
                                     downTransactional: !(down ?? "").contains("-- Runs outside a transaction")))
        }
        return out
    }
}
