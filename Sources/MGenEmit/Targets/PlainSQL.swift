import Foundation
import MGenSpec
import MGenSQL

/// Plain SQL files: `NNNN_name.up.sql` and `NNNN_name.down.sql`, for any runner or for review.
/// Each applies with the database's own client (`psql -f`, `mariadb <`, `sqlite3`): on MySQL a
/// statement with semicolons of its own (a backfill's procedure) sits between `DELIMITER` lines.
/// A client runs a file in autocommit, so a transactional direction is written in `BEGIN;` …
/// `COMMIT;` where DDL is transactional (PostgreSQL, SQLite); the scanner reads that back as a flag.
public struct PlainSQLEmitter: Emitter {
    public init() {}
    public let name = "sql"
    public let aliases = ["plain", "plain-sql"]
    public let dialects = Dialect.allCases
    public let layout = "NNNN_<name>.up.sql + NNNN_<name>.down.sql"
    public let proof = "database run (statements applied by mgen)"
    public let defaultVersioning = Versioning.sequence
    public func defaultOutput(options: [String: String]) -> String? { "migrations" }  // a common convention
    public let versionings = [Versioning.sequence, .timestamp]

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let base = "\(context.version)_\(slug(migration.planned.name))"
        let block: ((String) -> String)? = context.dialect.capabilities.clientNeedsDelimiter ? { SQLFiles.clientDelimited($0) } : nil
        return try SQLFiles.upAndDown(migration, context, up: ("\(base).up.sql", "sql/sql.up.sql.mustache"),
                                      down: ("\(base).down.sql", "sql/sql.down.sql.mustache"),
                                      block: block, wrapTransaction: true)
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        try UpDownFiles.scan(folder, pattern: #"^([0-9]+)_(.+)\.(up|down)\.sql$"#)
    }
}

/// Folders of `{version}_{title}.up.sql` / `.down.sql` pairs (plain SQL and golang-migrate).
enum UpDownFiles {
    static func scan(_ folder: String, pattern: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        var byVersion: [String: DiskMigration] = [:]
        for name in names.sorted() {
            guard let match = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)), match.numberOfRanges >= 4,
                  let v = Range(match.range(at: 1), in: name), let t = Range(match.range(at: 2), in: name),
                  let d = Range(match.range(at: 3), in: name) else { continue }
            let version = String(name[v])
            let text = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? ""
            var migration = byVersion[version] ?? DiskMigration(version: version, name: String(name[t]), files: [], specID: nil,
                                                                specSHA256: nil, up: [], down: nil, upTransactional: true,
                                                                downTransactional: true)
            migration.files.append(name)
            if let marker = SQLFiles.readMarker(text) { migration.specID = marker.id; migration.specSHA256 = marker.sha256 }
            let transactional = SQLFiles.runsInTransaction(text)
            // A transactional file's own BEGIN … COMMIT (the `sql` target's) is its transaction.
            func read(_ statements: [String]) -> [String] {
                transactional ? SQLFiles.unwrappedTransaction(statements, text: { $0 }) ?? statements : statements
            }
            if name[d] == "up" {
                migration.up = read(SQLFiles.statements(of: text))
                migration.upTransactional = transactional
            } else {
                migration.down = SQLFiles.downStatements(of: text).map(read)
                migration.downTransactional = transactional
            }
            byVersion[version] = migration
        }
        return byVersion.values.sorted { idPrecedes($0.version, $1.version) }
    }
}
