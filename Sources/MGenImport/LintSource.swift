import Foundation
import MGenSpec

/// A migration folder read for `mgen lint` (issue 13): its migrations as the import maps them, but
/// kept in memory and located at the SQL statements they came from (file:line), so a finding
/// names the statement in the user's own file rather than a spec nobody wrote.
public enum LintSource {
    /// The folder's migrations in the runner's order, replayable as a chain: structured statements
    /// as spec operations, the rest as raw `sql` steps holding the statement's text.
    public static func chain(_ path: String, format: String?, dialect: Dialect?) throws(DiagnosticError) -> (chain: MigrationChain, format: String, dialect: Dialect) {
        var kept: [Any] = []
        return try chain(path, format: format, dialect: dialect, keeping: &kept)
    }

    /// As above; `kept` receives the statements' parse trees, which a command that exits right
    /// after can keep alive: freeing them one by one costs a tenth of linting a large folder.
    public static func chain(_ path: String, format: String?, dialect: Dialect?,
                             keeping kept: inout [Any]) throws(DiagnosticError) -> (chain: MigrationChain, format: String, dialect: Dialect) {
        let name: String
        if let format { name = format } else { name = try detect(path) }
        let importer = try ImporterRegistry.require(name)
        let folder = try importer.read(path, dialect: dialect)
        guard let effective = dialect ?? folder.dialect else {
            throw DiagnosticError(Diagnostic("no dialect for \(path)", object: "--db-version",
                                             fix: "pass --db-version postgresql@15 (or mysql@8.0.35, mariadb@10.11): the SQL is read as that dialect"))
        }
        var state = SchemaState()
        var opaque: Set<String> = []
        var migrations: [Migration] = []
        let identityTypes = effective == .sqlite
            ? DDLReader.sqliteIdentityTypes(folder.migrations.flatMap { $0.up + ($0.down ?? []) }) : [:]
        // PostgreSQL's parser needs nothing from the replay: every statement is parsed at once, in
        // order, and the replay below only walks the trees.
        var trees: [[PostgresReader.Parsed]] = []
        if effective == .postgresql {
            let all = parallelMap(folder.migrations.flatMap { $0.up }) { PostgresReader.Parsed(PostgresReader.parse($0.text)) }
            var next = 0
            for source in folder.migrations {
                trees.append(Array(all[next..<(next + source.up.count)]))
                next += source.up.count
            }
        }
        for (k, var source) in folder.migrations.enumerated() {
            // The linter reads the up only: mapping the down would be work thrown away.
            source.down = nil
            var mapper = Mapper(dialect: effective, state: state, opaque: opaque, identityTypes: identityTypes)
            if k < trees.count { mapper.parsed = trees[k] }
            var built = mapper.migration(source).migration
            state = mapper.state
            opaque = mapper.opaque
            // The linter reads the up only: a down the chain cannot replay must not stop the lint.
            built.down = nil
            built.irreversible = built.irreversible ?? "linted up only"
            migrations.append(built)
        }
        kept.append(trees)
        return (try MigrationChain.build(migrations), importer.name, effective)
    }

    /// The format a folder is in, from its files: Prisma's lock file or migration folders, Flyway's
    /// `V<version>__`, golang-migrate's `.up.sql` pairs, goose's `-- +goose Up`, dbmate's `-- migrate:up`.
    public static func detect(_ path: String) throws(DiagnosticError) -> String {
        let names = try SourceFiles.names(in: path)
        let manager = FileManager.default
        if names.contains("migration_lock.toml")
            || names.contains(where: { manager.fileExists(atPath: "\(path)/\($0)/migration.sql") }) { return "prisma" }
        if names.contains(where: { $0.hasPrefix("V") && $0.contains("__") && $0.hasSuffix(".sql") }) { return "flyway" }
        if names.contains(where: { $0.hasSuffix(".up.sql") }) { return "golang-migrate" }
        for name in names where name.hasSuffix(".sql") {
            guard let text = try? SourceFiles.text("\(path)/\(name)") else { continue }
            if text.contains("-- +goose Up") { return "goose" }
            if text.contains("-- migrate:up") { return "dbmate" }
        }
        throw DiagnosticError(Diagnostic("cannot tell the migration format of \(path)", object: path,
                                         fix: "pass --from goose, golang-migrate, sql, prisma, flyway or dbmate"))
    }
}
