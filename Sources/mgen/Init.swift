import ArgumentParser
import Foundation
import MGenEmit
import MGenSpec

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create mgen.yaml and Specs/ with a first example spec.",
        discussion: """
        mgen.yaml names the target and its folder: the framework's usual one (goose db/migrations, \
        activerecord db/migrate, prisma prisma/migrations, django <app>/migrations, alembic the \
        versions folder of alembic.ini, ...), so that a bare `mgen emit` writes where the framework \
        looks.
        """)

    @Option(help: "The dialect to write into mgen.yaml.", completion: Completions.dialects) var dialect = "postgresql"
    @Option(help: "The target to write into mgen.yaml.", completion: Completions.targets) var target = "sql"
    @Option(help: "Django: the app whose migrations/ folder the target writes (required with --target django).") var app: String?
    @Option(help: "The folder to write migrations into (default: the target's usual folder).") var out: String?
    @Flag(help: "Overwrite files that already exist.") var force = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            guard let parsed = try parseDialect(dialect, config: nil) else { return }
            let emitter = try EmitterRegistry.require(target)
            guard emitter.dialects.contains(parsed) else {
                throw DiagnosticError(Diagnostic("target \(emitter.name) does not support \(parsed)", object: "--dialect",
                                                 fix: "use \(emitter.dialects.map(\.rawValue).joined(separator: ", "))"))
            }
            var options: [String: String] = [:]
            if let app { options["app"] = app }
            if emitter.name == "django", app == nil {
                throw DiagnosticError(Diagnostic("the django target needs the app its migrations belong to", object: "--app",
                                                 fix: "pass --app APP (the app label in INSTALLED_APPS); mgen.yaml then says `app: APP` and the files go to APP/migrations"))
            }
            // Written only when it differs from what `emit` finds by itself (Alembic reads alembic.ini).
            var entry = "target: \(emitter.name)"
            if let app { entry += ", app: \(app)" }
            if let folder = out ?? emitter.defaultOutput(options: options), out != nil || emitter.name != "django" {
                entry += ", out: \(folder)"
            }
            let note = out == nil && emitter.defaultOutput(options: options) == nil
                ? "note: \(emitter.name) has no folder yet: \(emitter.missingOutputFix(options: options))" : nil
            let files = [
                (ProjectConfig.fileName, """
                # mgen project settings: `mgen emit` with no arguments writes every target below.
                specs: Specs
                dialect: \(dialect)
                targets:
                  - {\(entry)}

                """),
                ("Specs/0001_create_users.yaml", """
                mgen: 1
                id: "0001"
                name: create_users
                description: The users table. See docs/spec.md for every operation.
                created: 2025-01-15T09:00:00Z
                operations:
                  - create_table:
                      table: users
                      columns:
                        - {name: id, type: bigint, identity: true, primary_key: true}
                        - {name: email, type: string(255), nullable: false, unique: true}
                        - {name: created_at, type: timestamptz, nullable: false, default: {sql: now()}}

                """),
            ]
            for (path, _) in files where FileManager.default.fileExists(atPath: path) && !force {
                throw DiagnosticError(Diagnostic("already exists", object: path, fix: "pass --force to overwrite it"))
            }
            for (path, text) in files {
                try writeAtomically(text, to: path)
                print("created \(path)")
            }
            if let note { print(note) }
            print("next: mgen validate && mgen emit")
        }
    }
}

enum MGenCLI {
    static func run(_ body: () throws(DiagnosticError) -> Void) throws {
        do { try body() } catch { throw report(error) }
    }
}
