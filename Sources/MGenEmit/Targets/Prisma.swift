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
    /// A migration.sql is one query: nothing in it can run outside its transaction.
    public let runnerLeavesTransaction = false
    public let defaultVersioning = Versioning.timestamp
    public func defaultOutput(options: [String: String]) -> String? { "prisma/migrations" }  // prisma migrate dev

    static func provider(_ dialect: Dialect) -> String { dialect.rawValue }

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        // The concurrent build alone: no cleanup of a failed build's INVALID index beside it.
        // issue 13: one query cannot hold CREATE UNIQUE INDEX CONCURRENTLY beside other statements,
        // so a unique constraint is added plainly, under its lock (the header says so).
        let migration = try migration.withoutConcurrentUniqueBuilds(context.render, dialect: context.dialect).withoutInvalidIndexCleanup
        try requireAloneWhenNonTransactional(migration, target: name)
        let folder = "\(context.version)_\(slug(migration.planned.name))"
        let planned = migration.planned
        var up = SQLFiles.values(migration, context, direction: .up)
        // A split migration (a VALIDATE beside other statements) keeps SQLFiles' explicit
        // transactions: Prisma sends the file as one query, one implicit transaction otherwise.
        let split = migration.isSplit
        if !split || migration.upIsTransactional {
            up["up"] = try Self.body(planned, .up, dialect: context.dialect, server: context.render.server,
                                     timeouts: migration.timeoutStatements(context.render, dialect: context.dialect, up: true)) ?? ""
        }
        var files = [EmittedFile(path: "\(folder)/migration.sql", contents: try context.templates.render("prisma/prisma.migration.sql.mustache", up))]
        // An irreversible migration's down.sql is the statement that fails (SQLFiles.values), so a
        // rollback by hand stops there rather than "succeeds" on an empty file.
        var down = SQLFiles.values(migration, context, direction: .down)
        if !split || migration.downIsTransactional, let body = try Self.body(planned, .down, dialect: context.dialect, server: context.render.server,
                                            timeouts: migration.timeoutStatements(context.render, dialect: context.dialect, up: false)) {
            down["down"] = body
        }
        files.append(EmittedFile(path: "\(folder)/down.sql", contents: try context.templates.render("prisma/prisma.down.sql.mustache", down)))
        return files
    }

    /// The statements of one direction laid out as `prisma migrate dev` writes them: each under
    /// its `-- CreateTable` / `-- AlterTable` / `-- CreateIndex` / `-- AddForeignKey` ... heading,
    /// without `IF NOT EXISTS`, and (PostgreSQL, MySQL) a new table's foreign keys as separate
    /// `AddForeignKey` statements once the tables around them exist. SQLite keeps them in the
    /// table, as Prisma does; its table rebuild is one `-- RedefineTables` section.
    static func body(_ planned: PlannedMigration, _ direction: Direction, dialect: Dialect, server: DatabaseTarget? = nil,
                     timeouts: [SQLStatement] = []) throws(DiagnosticError) -> String? {
        // One query: no CREATE UNIQUE INDEX CONCURRENTLY beside other statements (issue 13).
        var options = RenderOptions(idempotent: false, server: server)
        options.runnerLeavesTransaction = false
        let renderer = SQLRenderer(dialect: dialect, options: options)
        // The file's own timeouts first (PostgreSQL runs the file as one implicit transaction).
        var sections: [(heading: String?, statements: [SQLStatement])] = timeouts.isEmpty ? [] : [(nil, timeouts)]
        var diagnostics: [Diagnostic] = []
        // The deferred keys' problems, apart: the step driver holds `diagnostics` while it walks.
        var keyProblems: [Diagnostic] = []
        var deferred: [(ForeignKey, StepContext)] = []
        func add(_ statements: [SQLStatement], heading override: String? = nil) {
            if statements.first?.rebuiltTable != nil {
                sections.append(("RedefineTables", statements))
                return
            }
            for statement in statements { sections.append((override ?? heading(statement.kind), [statement])) }
        }
        func flush() {
            for (fk, context) in deferred {
                do throws(Unsupported) {
                    add(try renderer.render(.addForeignKey(fk), context))
                } catch {
                    keyProblems.append(Diagnostic("\(error.message) (prisma, \(dialect))", object: fk.name, fix: error.fix))
                }
            }
            deferred = []
        }
        let walked = StepDriver(planned, target: "prisma", dialect: dialect).forEach(direction, into: &diagnostics) {
            (step, context) throws(Unsupported) in
            switch step.operation {
            case let .createTable(table) where dialect.capabilities.alterTableChangesConstraints && !table.foreignKeys.isEmpty:
                var bare = table
                bare.foreignKeys = []
                add(try renderer.render(.createTable(bare), context))
                let added = StepContext(before: context.after, after: context.after, inTransaction: context.inTransaction,
                                        migrationID: context.migrationID, direction: direction, position: context.position)
                deferred += table.foreignKeys.map { ($0, added) }
                return
            case .createTable, .createIndex:
                break
            default:
                flush()
            }
            var context = context
            if case .createIndex = step.operation {
                // The deferred keys do not exist yet when Prisma's file creates this index, so
                // MySQL will not have made them an index of their own that this one replaces.
                for (fk, _) in deferred {
                    try? context.before.apply(.dropConstraint(table: fk.table, name: fk.name), at: step.location)
                    try? context.after.apply(.dropConstraint(table: fk.table, name: fk.name), at: step.location)
                }
            }
            var override: String?
            if case let .dropConstraint(table, name) = step.operation,
               context.before.table(table)?.foreignKeys.contains(where: { $0.name == name }) == true {
                override = "DropForeignKey"
            }
            add(try renderer.render(step.operation, context).filter { !$0.isInvalidIndexCleanup }, heading: override)
        }
        flush()
        diagnostics += keyProblems
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        guard walked else { return nil }
        if sections.isEmpty { return "-- Nothing to do on \(dialect)." }
        return sections.map { section in
            var lines = section.heading.map { ["-- \($0)"] } ?? []
            for statement in section.statements {
                if let comment = statement.comment { lines.append("-- \(comment)") }
                lines.append(statement.terminated)
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

    /// Prisma's heading for a kind of statement (nil: none of Prisma's kinds, e.g. a backfill or raw SQL).
    static func heading(_ kind: StatementKind) -> String? {
        switch kind {
        case .createTable: "CreateTable"
        case .createIndex: "CreateIndex"
        case .dropIndex: "DropIndex"
        case .dropTable: "DropTable"
        case .addForeignKey: "AddForeignKey"
        case .dropForeignKey: "DropForeignKey"
        case .alterTable: "AlterTable"
        case .other: nil
        }
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
                                     down: down.flatMap(SQLFiles.downStatements), upTransactional: SQLFiles.runsInTransaction(text),
                                     downTransactional: SQLFiles.runsInTransaction(down ?? "")))
        }
        return out
    }
}
