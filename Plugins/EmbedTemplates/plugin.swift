import Foundation
import PackagePlugin

/// Compiles every skeleton under `Templates/<target>/` into `BuiltinTemplates.files`, so a new
/// target's folder is found there when mgen is built: no list of templates to keep by hand.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Templates")
        let files = try templates(in: folder)
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinTemplates.swift")
        return [.buildCommand(displayName: "Embedding \(files.count) templates from Templates/",
                              executable: try context.tool(named: "EmbedTemplatesTool").url,
                              arguments: [folder.path, output.path] + files,
                              inputFiles: files.map { folder.appending(path: $0) },
                              outputFiles: [output])]
    }

    /// `<target>/<file>.mustache` for every skeleton, sorted.
    func templates(in folder: URL) throws -> [String] {
        let manager = FileManager.default
        var out: [String] = []
        for target in try manager.contentsOfDirectory(atPath: folder.path) where !target.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.appending(path: target).path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            for file in try manager.contentsOfDirectory(atPath: folder.appending(path: target).path) where file.hasSuffix(".mustache") {
                out.append("\(target)/\(file)")
            }
        }
        return out.sorted()
    }
}
