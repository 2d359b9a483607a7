import MGenSpec

/// Every target mgen can write, by name and alias. A new target is one file in Targets/, one folder
/// Templates/<name>/ (found when mgen is built) and one line here (docs/ARCHITECTURE.md).
public enum EmitterRegistry {
    public static let all: [any Emitter] = [
        PlainSQLEmitter(),
        GolangMigrateEmitter(),
        GooseEmitter(),
        PrismaEmitter(),
        DjangoEmitter(),
        AlembicEmitter(),
        PeeweeEmitter(),
        TypeORMEmitter(),
        KnexEmitter(),
        SequelizeEmitter(),
        ActiveRecordEmitter(),
    ]

    public static func emitter(named name: String) -> (any Emitter)? {
        let key = name.lowercased()
        return all.first { $0.name == key || $0.aliases.contains(key) }
    }

    /// Every name and alias, for error messages.
    public static var names: [String] { all.flatMap { [$0.name] + $0.aliases } }

    /// The emitter, or an error that lists the targets (with a suggestion for a misspelling).
    public static func require(_ name: String) throws(DiagnosticError) -> any Emitter {
        if let emitter = emitter(named: name) { return emitter }
        let hint = closestMatch(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw DiagnosticError(Diagnostic("unknown target '\(name)'\(hint)", object: "--target",
                                         fix: "targets: \(all.map(\.name).joined(separator: ", ")); `mgen targets` lists them"))
    }
}
