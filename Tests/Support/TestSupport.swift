import Foundation
import MGenEmit
import MGenSpec

/// The package root, found from this file, so tests do not depend on the working directory.
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The example chain in Specs/, loaded with paths relative to the package root (as users run mgen
/// from their repo root), so file headers are the same on every machine.
public func exampleChain() throws -> MigrationChain {
    let folder = packageRoot.appendingPathComponent("Specs")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
    let specs = try names.map { name in
        try SpecLoader.load(text: String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), file: "Specs/\(name)")
    }
    return try MigrationChain.build(specs)
}

/// A fresh, empty folder for one test.
public func temporaryFolder(_ label: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("mgen-\(label)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// All files under a folder, relative paths → contents.
public func filesUnder(_ folder: String) -> [String: String] {
    var out: [String: String] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return out }
    for case let path as String in walker {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "\(folder)/\(path)", isDirectory: &isDirectory), !isDirectory.boolValue {
            out[path] = try? String(contentsOfFile: "\(folder)/\(path)", encoding: .utf8)
        }
    }
    return out
}

/// What a finished tool run printed, and how it ended.
public struct ToolRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Both streams, for failure messages.
    public var output: String { [stdout, stderr].filter { !$0.isEmpty }.joined(separator: "\n") }
}

public struct ToolFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a tool (python, ruby, node, tsc, ...) to completion. Its streams go to files, not pipes,
/// so a chatty tool can never block on a full pipe. The environment adds to this process's own.
public func runTool(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    in folder: String? = nil) throws -> ToolRun {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw ToolFailure("\(executable) is missing: run scripts/setup")
    }
    let logs = try temporaryFolder("tool")
    defer { try? FileManager.default.removeItem(atPath: logs) }
    let out = "\(logs)/stdout", err = "\(logs)/stderr"
    guard FileManager.default.createFile(atPath: out, contents: nil), FileManager.default.createFile(atPath: err, contents: nil),
          let outHandle = FileHandle(forWritingAtPath: out), let errHandle = FileHandle(forWritingAtPath: err) else {
        throw ToolFailure("cannot create log files in \(logs)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    process.waitUntilExit()
    try? outHandle.close()
    try? errHandle.close()
    return ToolRun(status: process.terminationStatus,
                   stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                   stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

/// The project's venv Python (scripts/setup makes it).
public var venvPython: String { packageRoot.appendingPathComponent(".venv/bin/python").path }

/// A tool kept running between commands (a framework's migration driver in `serve` mode): one
/// process launch per chain instead of one per step. It reads one command a line on stdin and ends
/// each answer with the line `\u{1}mgen-done <status>`; stderr goes into the same stream.
public final class Coprocess {
    let process = Process()
    let input: FileHandle
    let output: FileHandle
    var buffer = Data()
    public let label: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in folder: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw ToolFailure("\(executable) is missing: run scripts/setup") }
        let stdin = Pipe(), stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        label = ([(executable as NSString).lastPathComponent] + arguments.map { ($0 as NSString).lastPathComponent }).joined(separator: " ")
        try process.run()
    }

    /// Sends one command; its output, or a failure with that output when the status is not 0.
    @discardableResult
    public func send(_ command: String) throws -> String {
        guard process.isRunning else { throw ToolFailure("\(label) is not running (exit \(process.terminationStatus)):\n\(String(decoding: buffer, as: UTF8.self))") }
        try input.write(contentsOf: Data((command + "\n").utf8))
        let marker = Data("\u{1}mgen-done ".utf8)
        while true {
            if let range = buffer.range(of: marker), let end = buffer[range.upperBound...].firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                let status = String(decoding: buffer[range.upperBound..<end], as: UTF8.self)
                buffer = Data(buffer[(end + 1)...])
                guard status == "0" else { throw ToolFailure("\(label): \(command) failed:\n\(text)") }
                return text
            }
            let chunk = output.availableData
            if chunk.isEmpty {
                process.waitUntilExit()
                throw ToolFailure("\(label) ended (exit \(process.terminationStatus)) during \(command):\n\(String(decoding: buffer, as: UTF8.self))")
            }
            buffer.append(chunk)
        }
    }

    public func close() {
        try? input.close()
        process.waitUntilExit()
    }
}
