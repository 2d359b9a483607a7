import ArgumentParser
import Foundation
import MGenEmit
import MGenSpec

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create mgen.yaml and Specs/ with a first example spec.")

    @Option(help: "The dialect to write into mgen.yaml.") var dialect = "postgresql"
    @Option(help: "The target to write into mgen.yaml.") var target = "sql"
    @Flag(help: "Overwrite files that already exist.") var force = false

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            guard Dialect(name: dialect) != nil else {
                throw DiagnosticError(Diagnostic("unknown dialect '\(dialect)'", object: "--dialect", fix: "use postgresql, mysql or sqlite"))
            }
            let emitter = try EmitterRegistry.require(target)
            let files = [
                (ProjectConfig.fileName, """
                # mgen project settings: `mgen emit` with no arguments writes every target below.
                specs: Specs
                dialect: \(dialect)
                targets:
                  - {target: \(emitter.name), out: migrations}

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
            print("next: mgen validate && mgen emit")
        }
    }
}

enum MGenCLI {
    static func run(_ body: () throws(DiagnosticError) -> Void) throws {
        do { try body() } catch { throw report(error) }
    }
}
