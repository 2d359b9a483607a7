import Foundation
import MGenTestSupport
import MGenVerify
import Testing

/// The built `mgen` binary, beside this test bundle (or MGEN_BIN).
enum MGenBinary {
    static var path: String? {
        if let path = ProcessInfo.processInfo.environment["MGEN_BIN"] { return path }
        var candidates = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("mgen").path }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent().appendingPathComponent("mgen").path)
        candidates += ["debug", "release"].map { packageRoot.appendingPathComponent(".build/\($0)/mgen").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs mgen with arguments in a folder.
    static func run(_ arguments: [String], in folder: String) throws -> ToolRun {
        guard let path else { throw ToolFailure("the mgen binary is not built: swift build") }
        return try runTool(path, arguments, in: folder)
    }
}

/// README.md's tour, run line by line in one empty folder, as a new user follows it.
@Suite(.serialized) struct ReadmeTourTests {
    /// The lines of the first ```sh block after "## A tour".
    static func tourLines() throws -> [String] {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let heading = readme.range(of: "\n## A tour\n"),
              let open = readme.range(of: "```sh\n", range: heading.upperBound..<readme.endIndex),
              let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex) else {
            throw ToolFailure("README.md has no ```sh block after '## A tour'")
        }
        return readme[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `scheme://user@host:port` of a test server URL.
    static func authority(_ url: DatabaseURL) -> String {
        var server = url.withDatabase(nil)
        server.options = [:]
        return server.unredacted
    }

    @Test func tourWorksAsWritten() throws {
        let lines = try Self.tourLines()
        #expect(lines.count >= 20, "the tour shrank to \(lines.count) lines")
        #expect(lines.allSatisfy { $0.hasPrefix("mgen ") }, "every tour line is an mgen command")
        guard let binary = MGenBinary.path else { throw ToolFailure("the mgen binary is not built: swift build") }
        let folder = try temporaryFolder("tour")
        defer { try? FileManager.default.removeItem(atPath: folder) }

        var servers: [(readme: String, env: String)] = [("postgres://postgres@localhost:5432", DBEnv.pgKey),
                                                             ("mysql://root@127.0.0.1:3306", DBEnv.mysqlKey)]
        servers = servers.filter { line in lines.contains { $0.contains(line.readme) } }
        #expect(servers.count == 2, "the tour verifies on both servers")
        var ran = 0
        for line in lines {
            var command = line
            var skipped = false
            for server in servers where command.contains(server.readme) {
                guard DBEnv.enabled(server.env) else { skipped = true; continue }
                command = command.replacingOccurrences(of: server.readme, with: Self.authority(try DBEnv.url(server.env)))
            }
            if skipped { continue }
            let expected = line.range(of: #"# exit [0-9]+"#, options: .regularExpression)
                .flatMap { Int32(line[$0].dropFirst(7)) } ?? 0
            let run = try runTool("/bin/sh", ["-c", command],
                                  environment: ["PATH": URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":"
                                      + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")],
                                  in: folder)
            #expect(run.status == expected, "README tour: `\(line)` exited \(run.status), not \(expected):\n\(run.output)")
            #expect(!run.stderr.contains("error:"), "README tour: `\(line)` printed an error:\n\(run.stderr)")
            if run.status != expected { return }
            ran += 1
        }
        #expect(ran >= 20)
        // What the tour says it made is there.
        for path in ["mgen.yaml", "db/migrations", "prisma/migrations", "blog/migrations", "src/migrations", "db/migrate",
                     "app.json", "Specs/0002_add_users_nickname.yaml"] {
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(path)"), "the tour did not make \(path)")
        }
    }
}
