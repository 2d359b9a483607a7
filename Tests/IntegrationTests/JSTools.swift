import Foundation
import MGenTestSupport

/// Running `node` and `tsc` for the JavaScript targets. Missing tools are failures, not skips:
/// scripts/setup installs them (nodejs, Debian's node-typescript and node-pg).
enum JSTools {
    static let fixtures = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/js").path

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The absolute path of a tool on PATH.
    static func find(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)") {
            return "\(folder)/\(tool)"
        }
        throw Failure(description: "`\(tool)` is not installed: run scripts/setup (Debian: nodejs, node-typescript, node-pg)")
    }

    /// Where node finds Debian's JavaScript packages (node-pg): Debian's own node searches
    /// /usr/share/nodejs itself, other builds of node (NodeSource) do not. MGEN_NODE_PATH adds
    /// folders, for a node-pg unpacked elsewhere.
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        let extra = env["MGEN_NODE_PATH"].map { [$0] } ?? []
        env["NODE_PATH"] = (extra + [env["NODE_PATH"]].compactMap { $0 } + ["/usr/share/nodejs", "/usr/lib/nodejs"])
            .joined(separator: ":")
        return env
    }

    /// Runs a tool to completion; throws with its output when it exits non-zero.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        let run = try runTool(try find(tool), arguments, environment: environment.merging(extra) { _, new in new })
        guard run.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited with \(run.status):\n\(run.output)")
        }
        return run.output
    }

    /// `tsc` flags for emitted migrations: strict, CommonJS, the ambient framework declarations.
    static func tscArguments(_ files: [String], outDir: String?) -> [String] {
        var arguments = ["--strict", "--target", "es2020", "--module", "commonjs", "--pretty", "false"]
        if let outDir { arguments += ["--outDir", outDir] } else { arguments.append("--noEmit") }
        return arguments + ["\(fixtures)/typeorm.d.ts", "\(fixtures)/knex.d.ts"] + files
    }
}
