import Foundation
import MGenEmit
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
        struct Entry { var file: String, version: String, title: String, isUp: Bool }
        var entries: [Entry] = []
        for file in try SourceFiles.names(in: folder) {
            let isUp = file.hasSuffix(".up.sql"), isDown = file.hasSuffix(".down.sql")
            guard isUp || isDown, let underscore = file.firstIndex(of: "_"), UInt64(file[..<underscore]) != nil else { continue }
            entries.append(Entry(file: file, version: String(file[..<underscore]),
                                 title: String(file[file.index(after: underscore)...].dropLast(isUp ? 7 : 9)), isUp: isUp))
        }
        // Reading and splitting a file needs nothing from the others: all files at once, in order.
        let reads = parallelMap(entries) { entry -> Result<(statements: [SourceStatement], transactional: Bool), DiagnosticError> in
            let path = "\(folder)/\(entry.file)"
            do throws(DiagnosticError) {
                let text = try SourceFiles.text(path)
                // mgen's own files say so in their header; other runners have no marker.
                let statements = SourceFiles.statements(text, file: path, dialect: dialect)
                // A file wrapped whole in BEGIN … COMMIT (mgen's `sql` target, or by hand) runs in
                // one transaction: the wrapper is that flag, not statements to read.
                // (A file mgen wrote in parts keeps its parts, as its header says.)
                let transactional = SQLFiles.runsInTransaction(text)
                if transactional, let inner = SQLFiles.unwrappedTransaction(statements, text: \.text) { return .success((inner, true)) }
                return .success((statements, transactional))
            } catch {
                return .failure(error)
            }
        }
        for (entry, read) in zip(entries, reads) {
            let (statements, transactional) = try read.get()
            var migration = byVersion[entry.version] ?? SourceMigration(version: entry.version, name: entry.title, created: SourceFiles.created(fromVersion: entry.version),
                                                                        files: [], up: [], down: nil)
            migration.files.append(entry.file)
            if entry.isUp {
                migration.up = statements
                migration.transactional = transactional
            } else {
                migration.down = statements
            }
            byVersion[entry.version] = migration
        }
        for migration in byVersion.values where !migration.files.contains(where: { $0.hasSuffix(".up.sql") }) {
            throw DiagnosticError(Diagnostic("migration \(migration.version) has a .down.sql but no .up.sql", object: "\(folder)/\(migration.files[0])",
                                             fix: "add the up file, or remove the lone down file"))
        }
        // Sort the versions, not the migrations (large values, each comparison parsed both).
        let order = byVersion.keys.map { ($0, UInt64($0) ?? 0) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        return SourceFolder(migrations: order.compactMap { byVersion[$0.0] })
    }
}
