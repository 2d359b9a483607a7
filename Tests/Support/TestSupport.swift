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
