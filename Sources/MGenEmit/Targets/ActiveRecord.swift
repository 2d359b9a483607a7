import Foundation
import MGenSpec
import MGenSQL

/// ActiveRecord (Rails): `<yyyymmddhhmmss>_<snake_name>.rb` files for `db/migrate/` (pass that
/// folder as the output), each `class <CamelName> < ActiveRecord::Migration[<rails-version>]`
/// with a reversible `def change` when Rails can run every call backwards itself, else
/// `def up` / `def down`. `disable_ddl_transaction!` for migrations that must run outside a
/// transaction (CONCURRENTLY, backfills that commit per batch).
///
/// Options: `rails-version=7.1` (the default) sets the bracket of `Migration[x]`. The body uses
/// only DSL ActiveRecord 6.1 has, so it is the same for every version but for the bracket.
public struct ActiveRecordEmitter: Emitter {
    public init() {}
    public let name = "activerecord"
    public let aliases = ["rails", "active_record"]
    public let dialects = Dialect.allCases
    public let layout = "db/migrate/<yyyymmddhhmmss>_<name>.rb, class <Name> < ActiveRecord::Migration[<rails-version>] (--option rails-version=7.1)"
    public let proof = "real framework: ActiveRecord 6.1 MigrationContext migrate, rollback to 0, migrate (PostgreSQL, MariaDB, SQLite)"
    public let defaultVersioning = Versioning.timestamp
    public let acceptedOptions = [TargetOption("rails-version", "the bracket of ActiveRecord::Migration[x]; default 7.1",
                                               values: ActiveRecordEmitter.railsVersions)]
    public func defaultOutput(options: [String: String]) -> String? { "db/migrate" }  // rails generate migration

    public static let defaultRailsVersion = "7.1"
    /// The `Migration[x]` compatibility layers Rails has had since it grew them (4.2 to 8.1).
    public static let railsVersions = ["4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "7.0", "7.1", "7.2", "8.0", "8.1"]

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let planned = migration.planned
        let spec = planned.migration
        let railsVersion = try Self.railsVersion(context, spec: spec)
        let snake = slug(spec.name)
        let className = Ruby.camelize(snake)
        guard let first = className.first, first.isASCII, first.isLetter else {
            throw DiagnosticError(Diagnostic("'\(spec.name)' gives the Ruby class name '\(className)', which is not a constant",
                                             at: spec.fields["name"] ?? spec.location, object: "name",
                                             fix: "start the spec's name with a letter"))
        }

        let renderer = ActiveRecordRenderer(dialect: context.dialect, options: context.render)
        let up = try renderer.parts(planned, .up) ?? []
        var methods: [String]
        var sent: [SQLStatement]
        // The timeouts open the migration's transaction (none under disable_ddl_transaction!).
        let transactional = migration.upIsTransactional && migration.downIsTransactional
        func timeouts(up: Bool) -> [String] {
            transactional ? migration.timeoutStatements(context.render, dialect: context.dialect, up: up).flatMap { Ruby.execute($0.sql) } : []
        }
        // `change` when Rails can run every call backwards on its own and the down is the derived
        // one (an explicit `down:` may do something else, so it gets its own method).
        if migration.runsInParts(migration.up + (migration.down ?? []), dialect: context.dialect, runnerTransactional: transactional),
           let upSteps = try renderer.stepsWithStatements(planned, .up) {
            // Split around a VALIDATE (disable_ddl_transaction!): each direction in parts, each
            // part in a transaction of its own with its timeouts. `def up` / `def down`, as a
            // `transaction` block inside `change` would run at once while Rails records the rollback.
            sent = renderer.sentStatements(upSteps.map(\.parts), change: false)
            methods = ["  def up"] + Ruby.indent(renderer.partLines(migration.parts(upSteps, statements: \.statements, context.render, dialect: context.dialect)), "    ")
                + ["  end", "", "  def down"]
            if let downSteps = try renderer.stepsWithStatements(planned, .down) {
                methods += Ruby.indent(renderer.partLines(migration.parts(downSteps, statements: \.statements, context.render, dialect: context.dialect)), "    ")
                sent += renderer.sentStatements(downSteps.map(\.parts), change: false)
            } else {
                methods.append("    raise ActiveRecord::IrreversibleMigration, \(Ruby.string(spec.irreversible ?? "no down"))")
            }
            methods.append("  end")
        } else if planned.down != nil, spec.down == nil, up.allSatisfy({ $0.allSatisfy(\.fitsChange) }) {
            // In `change` a reversible block runs in reverse order on rollback: the down's timeouts go last.
            var body = renderer.lines(up, change: true)
            let (upTimeouts, downTimeouts) = (timeouts(up: true), timeouts(up: false))
            if !upTimeouts.isEmpty {
                body = ["reversible do |dir|"] + Ruby.indent(["dir.up do"] + Ruby.indent(upTimeouts) + ["end"]) + ["end", ""] + body
            }
            if !downTimeouts.isEmpty {
                body += ["", "reversible do |dir|"] + Ruby.indent(["dir.down do"] + Ruby.indent(downTimeouts) + ["end"]) + ["end"]
            }
            methods = ["  def change"] + Ruby.indent(body, "    ") + ["  end"]
            sent = renderer.sentStatements(up, change: true)
        } else {
            sent = renderer.sentStatements(up, change: false)
            methods = ["  def up"] + Ruby.indent(timeouts(up: true) + renderer.lines(up, change: false), "    ") + ["  end", "", "  def down"]
            if let parts = try renderer.parts(planned, .down) {
                methods += Ruby.indent(timeouts(up: false) + renderer.lines(parts, change: false), "    ")
                sent += renderer.sentStatements(parts, change: false)
            } else {
                methods.append("    raise ActiveRecord::IrreversibleMigration, \(Ruby.string(spec.irreversible ?? "no down"))")
            }
            methods.append("  end")
        }
        let code = methods.joined(separator: "\n")
        let values: [String: Any] = [
            "header": Self.header(migration, context, sendsRebuild: !sent.rebuiltTables.isEmpty),
            "className": className,
            "railsVersion": railsVersion,
            "noTransaction": !transactional,
            "noTransactionReason": planned.up.contains { $0.operation.isConcurrent } || (planned.down ?? []).contains { $0.operation.isConcurrent }
                ? "CONCURRENTLY cannot run inside a transaction."
                : migration.splitsAroundUniqueBuild ? "CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction (the other parts run in transactions of their own)."
                : migration.isSplit ? "VALIDATE CONSTRAINT must commit apart from the statements before it (each part runs in a transaction of its own)."
                : "The spec says `transaction: false` (a backfill commits each batch).",
            "methods": code,
        ]
        let contents = try context.templates.render("activerecord/activerecord.migration.rb.mustache", values)
        return [EmittedFile(path: "\(context.version)_\(snake).rb", contents: contents)]
    }

    /// `--option rails-version`: the bracket of `ActiveRecord::Migration[x]`.
    static func railsVersion(_ context: EmitContext, spec: Migration) throws(DiagnosticError) -> String {
        let version = context.targetOptions["rails-version"] ?? defaultRailsVersion
        guard railsVersions.contains(version) else {
            throw DiagnosticError(Diagnostic("'\(version)' is not a Rails migration version", at: spec.location, object: "--option rails-version",
                                             fix: "use one of \(railsVersions.joined(separator: ", ")) (the app's Rails major.minor)"))
        }
        return version
    }

    /// mgen's header as Ruby comments; its first lines carry the marker `mgen emit --check` reads.
    /// `sendsRebuild`: whether the methods send a SQLite rebuild as mgen's SQL.
    static func header(_ migration: RenderedMigration, _ context: EmitContext, sendsRebuild: Bool) -> String {
        var lines = SQLFiles.header(migration, dialect: context.dialect, direction: .up, comment: "#", rebuild: false)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if !migration.downIsTransactional, migration.upIsTransactional {
            lines.append("# The down runs outside a transaction (CONCURRENTLY, or a backfill that commits each batch).")
        }
        if sendsRebuild {
            lines.append("# SQLite table rebuild (mgen's SQL: ActiveRecord 6.1's own table copy drops function defaults")
            lines.append("# and foreign key names). ActiveRecord runs SQLite with foreign keys on, so dropping the old")
            lines.append("# table fires ON DELETE actions of tables that reference it, as its own copies do: back up first.")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Reading db/migrate

    /// Rails' own rule: `<digits>_<name>.rb` (an optional `.<scope>` before `.rb`), in version order.
    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var found: [(UInt64, String, DiskMigration)] = []
        for name in names where name.hasSuffix(".rb") && !name.hasPrefix(".") {
            let stem = name.dropLast(3)
            guard let underscore = stem.firstIndex(of: "_") else { continue }
            let digits = stem[..<underscore]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = UInt64(digits) else { continue }
            let rest = stem[stem.index(after: underscore)...]
            guard rest.allSatisfy({ $0 == "_" || $0 == "." || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }) else { continue }
            let text = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? ""
            let marker = SQLFiles.readMarker(text)
            let transactional = !text.contains("disable_ddl_transaction!")
            found.append((number, name, DiskMigration(version: String(digits), name: String(rest.split(separator: ".").first ?? rest),
                                                      files: [name], specID: marker?.id, specSHA256: marker?.sha256, up: [],
                                                      down: text.contains("ActiveRecord::IrreversibleMigration") ? nil : [],
                                                      upTransactional: transactional, downTransactional: transactional)))
        }
        return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
}
