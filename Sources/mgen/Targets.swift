import ArgumentParser
import MGenEmit

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the targets: names, aliases, dialects, file layout, how each is proven.")

    func run() {
        for emitter in EmitterRegistry.all {
            let aliases = emitter.aliases.isEmpty ? "" : " (aliases: \(emitter.aliases.joined(separator: ", ")))"
            print("\(emitter.name)\(aliases)")
            print("  dialects: \(emitter.dialects.map(\.rawValue).joined(separator: ", "))")
            print("  layout:   \(emitter.layout)")
            print("  versions: \(emitter.versionings.map(\.rawValue).joined(separator: ", ")) (default \(emitter.defaultVersioning.rawValue))")
            print("  proven:   \(emitter.proof)")
        }
    }
}
