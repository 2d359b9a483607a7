import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import Testing

/// A real `mgen emit` killed with SIGKILL while it writes a large chain: `--check` must fail on
/// what it left, the next `mgen emit` must finish it without --force, and the folder must then be
/// byte for byte what an uninterrupted emit writes, with no temporary file left.
@Suite(.serialized) struct KilledEmitTests {
    /// The `mgen` executable beside the test bundle (swift build puts both in .build/debug).
    static func mgen() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mgen").path,
            packageRoot.appendingPathComponent(".build/debug/mgen").path,
        ]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile) else {
            throw ToolFailure("mgen is not built: run `swift build` first")
        }
        return found
    }

    /// `count` specs, each creating a table, with `created` times so every run numbers them alike.
    static func writeSpecs(_ count: Int, into folder: String) throws {
        for n in 1...count {
            let id = String(format: "%05d", n)
            let created = formatTimestamp(1_735_722_000 + n * 60)
            let iso = "\(created.prefix(4))-\(created.dropFirst(4).prefix(2))-\(created.dropFirst(6).prefix(2))T"
                + "\(created.dropFirst(8).prefix(2)):\(created.dropFirst(10).prefix(2)):\(created.dropFirst(12).prefix(2))Z"
            try """
            mgen: 1
            id: "\(id)"
            name: create_t\(n)
            created: \(iso)
            operations:
              - create_table:
                  table: t\(n)
                  columns:
                    - {name: id, type: bigint, identity: true, primary_key: true}
                    - {name: v, type: text}
            """.write(toFile: "\(folder)/\(id)_create_t\(n).yaml", atomically: false, encoding: .utf8)
        }
    }

    func run(_ arguments: [String]) throws -> ToolRun { try runTool(try Self.mgen(), ["emit"] + arguments) }

    /// Starts `mgen emit`, waits for its first file, kills it. Returns whether it was killed part-way.
    func killMidway(_ arguments: [String], out: String, total: Int) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.mgen())
        process.arguments = ["emit"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        while process.isRunning {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: out), !names.isEmpty { break }
            usleep(200)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let left = filesUnder(out).count
        return process.terminationReason == .uncaughtSignal && left > 0 && left < total
    }

    @Test(arguments: [("golang-migrate", 2), ("goose", 1)])
    func aKilledEmitIsCaughtByCheckAndFinishedByTheNextEmit(target: String, filesPerMigration: Int) throws {
        let root = try temporaryFolder("killed-\(target)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let specs = "\(root)/specs"
        try FileManager.default.createDirectory(atPath: specs, withIntermediateDirectories: true)
        let count = 800
        try Self.writeSpecs(count, into: specs)
        let common = ["--target", target, "--dialect", "sqlite"]

        let reference = "\(root)/reference"
        let clean = try run([specs] + common + ["--out", reference])
        #expect(clean.status == 0, "\(clean.output)")
        let expected = filesUnder(reference)
        #expect(expected.count == count * filesPerMigration)

        // The kill must land while files are being written; a fast machine may finish first: retry.
        var out = ""
        var killed = false
        for attempt in 1...10 where !killed {
            out = "\(root)/out\(attempt)"
            killed = try killMidway([specs] + common + ["--out", out], out: out, total: expected.count)
        }
        try #require(killed, "mgen emit was never caught part-way")
        let left = filesUnder(out)
        // What the killed run did write is already final: no file differs from the reference.
        for (path, text) in left where !path.hasPrefix(".") && !path.contains("/.") {
            #expect(expected[path] == text, "\(path) differs from an uninterrupted emit")
        }

        let check = try run([specs] + common + ["--out", out, "--check"])
        #expect(check.status != 0, "--check passes a half-written folder")
        // Each thing the kill left is named: its temporary file, the missing half of a pair.
        for path in left.keys where path.contains(".mgen-") {
            #expect(check.stderr.contains("\(path) was left by an emit that was killed"), "\(check.stderr.suffix(2000))")
        }
        for path in left.keys where path.hasSuffix(".up.sql") {
            let down = path.replacingOccurrences(of: ".up.sql", with: ".down.sql")
            if left[down] == nil { #expect(check.stderr.contains("\(down) is missing (an emit was interrupted"), "\(check.stderr.prefix(2000))") }
        }
        let finish = try run([specs] + common + ["--out", out])
        #expect(finish.status == 0, "the next emit does not finish: \(finish.output)")
        #expect(filesUnder(out) == expected, "the finished folder differs from an uninterrupted emit")
        let recheck = try run([specs] + common + ["--out", out, "--check"])
        #expect(recheck.status == 0, "\(recheck.output)")
    }
}
