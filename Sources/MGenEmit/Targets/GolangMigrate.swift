import MGenSpec
import MGenSQL

/// golang-migrate: `{version}_{title}.up.sql` / `.down.sql`. The postgres driver sends a file as one
/// multi-statement query (one implicit transaction), so a statement that must run outside a
/// transaction has to be alone in its file; MySQL needs `multiStatements=true` in the DSN.
public struct GolangMigrateEmitter: Emitter {
    public init() {}
    public let name = "golang-migrate"
    public let aliases = ["migrate", "golang_migrate"]
    public let dialects = Dialect.allCases
    public let layout = "{version}_{title}.up.sql + {version}_{title}.down.sql (version: 000001 with -seq, or 20060102150405)"
    public let proof = "database run (each file as the driver sends it)"
    /// A file is one query: nothing in it can run outside its transaction.
    public let runnerLeavesTransaction = false
    public let defaultVersioning = Versioning.sequence
    public func defaultOutput(options: [String: String]) -> String? { "migrations" }  // migrate create -dir migrations
    public let versionings = [Versioning.sequence, .timestamp]
    public let sequenceWidth = 6

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        // The concurrent build alone: no cleanup of a failed build's INVALID index beside it.
        // issue 13: one query cannot hold CREATE UNIQUE INDEX CONCURRENTLY beside other statements,
        // so a unique constraint is added plainly, under its lock (the header says so).
        let migration = try migration.withoutConcurrentUniqueBuilds(context.render, dialect: context.dialect).withoutInvalidIndexCleanup
        try requireAloneWhenNonTransactional(migration, target: name)
        let base = "\(context.version)_\(slug(migration.planned.name))"
        // An irreversible migration's down file fails (golang-migrate skips a missing one silently).
        return try SQLFiles.upAndDown(migration, context, up: ("\(base).up.sql", "golang-migrate/golang-migrate.up.sql.mustache"),
                                      down: ("\(base).down.sql", "golang-migrate/golang-migrate.down.sql.mustache"))
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        try UpDownFiles.scan(folder, pattern: #"^([0-9]+)_(.*)\.(up|down)\.sql$"#)
    }
}

/// Runners that send a whole file at once run it in one implicit transaction (PostgreSQL's simple
/// query protocol): `CONCURRENTLY` and committing backfills only work as the file's single statement.
func requireAloneWhenNonTransactional(_ migration: RenderedMigration, target: String) throws(DiagnosticError) {
    for (direction, statements) in [("up", migration.up), ("down", migration.down ?? [])] {
        if statements.count > 1, statements.contains(where: { !$0.transactional }) {
            let location = migration.planned.migration.location
            throw DiagnosticError(Diagnostic(
                "\(target) runs a file as one implicit transaction, so the \(direction) of '\(migration.planned.id)' cannot mix a statement that must run outside a transaction with others",
                at: location, fix: "move the concurrent index (or the batched backfill) into a spec of its own"))
        }
    }
}
