import ArgumentParser
import MGenEmit
import MGenSpec

struct Targets: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "targets", abstract: "List the targets: names, aliases, dialects, file layout, options (--option key=value), how each is proven.")

    func run() {
        for emitter in EmitterRegistry.all {
            let aliases = emitter.aliases.isEmpty ? "" : " (aliases: \(emitter.aliases.joined(separator: ", ")))"
            print("\(emitter.name)\(aliases)")
            print("  dialects: \(emitter.dialects.map(\.rawValue).joined(separator: ", "))")
            print("  layout:   \(emitter.layout)")
            let probe = Migration(id: "0001", name: "probe", operations: [], file: "probe.yaml")
            if emitter.derivedVersion(for: probe, options: [:]) != nil {
                print("  versions: derived from the spec id")
            } else {
                print("  versions: \(emitter.versionings.map(\.rawValue).joined(separator: ", ")) (default \(emitter.defaultVersioning.rawValue))")
            }
            for option in emitter.acceptedOptions {
                print("  option:   \(option.name)=\(option.values.map { $0.filter { !$0.isEmpty }.prefix(2).joined(separator: "|") } ?? "…")  \(option.help)")
            }
            print("  proven:   \(emitter.proof)")
        }
    }
}
