import Foundation
import MGenSpec

/// Flyway: `V<version>__<description>.sql` (versions like `3`, `1.2`, `2_1`), and the undo
/// migrations of Flyway Teams, `U<version>__<description>.sql`, read as the downs.
public struct FlywayImporter: Importer {
    public init() {}
    public let name = "flyway"
    public let layout = "V<version>__<description>.sql (+ U<version>__<description>.sql)"

    public func read(_ folder: String, dialect: Dialect?) throws(DiagnosticError) -> SourceFolder {
        var ups: [String: SourceMigration] = [:]
        var downs: [String: (file: String, statements: [SourceStatement])] = [:]
        for file in try SourceFiles.names(in: folder) where file.hasSuffix(".sql") {
            guard let prefix = file.first, let separator = file.range(of: "__") else { continue }
            if prefix == "R" {
                throw DiagnosticError(Diagnostic("repeatable migration \(file): mgen imports versioned migrations only", object: "\(folder)/\(file)",
                                                 fix: "move repeatable migrations out of the folder, or turn them into versioned ones"))
            }
            guard prefix == "V" || prefix == "U" else { continue }
            // Flyway reads `_` in a version as `.`; the spec id keeps the dots.
            let version = file[file.index(after: file.startIndex)..<separator.lowerBound].replacingOccurrences(of: "_", with: ".")
            guard !version.isEmpty, version.allSatisfy({ $0.isNumber || $0 == "." }) else { continue }
            let path = "\(folder)/\(file)"
            let statements = SourceFiles.statements(try SourceFiles.text(path), file: path, dialect: dialect)
            if prefix == "V" {
                ups[version] = SourceMigration(version: version, name: String(file[separator.upperBound...].dropLast(4)), files: [file],
                                               up: statements, down: nil)
            } else {
                downs[version] = (file, statements)
            }
        }
        for (version, down) in downs {
            guard var migration = ups[version] else {
                throw DiagnosticError(Diagnostic("undo migration \(down.file) has no versioned migration V\(version)", object: "\(folder)/\(down.file)",
                                                 fix: "remove it, or add its V file"))
            }
            migration.files.append(down.file)
            migration.down = down.statements
            ups[version] = migration
        }
        return SourceFolder(migrations: ups.values.sorted { Self.precedes($0.version, $1.version) })
    }

    /// Flyway orders versions part by part, numerically (1.2 < 1.10 < 2).
    static func precedes(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: ".").map { Int($0) ?? 0 }, y = b.split(separator: ".").map { Int($0) ?? 0 }
        for (p, q) in zip(x, y) where p != q { return p < q }
        return x.count < y.count
    }
}
