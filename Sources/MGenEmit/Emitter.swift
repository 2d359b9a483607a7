import Foundation
import MGenSpec
import MGenSQL

/// How a target numbers its migrations.
public enum Versioning: String, Sendable, CaseIterable {
    /// `0001`, `00001`, `000001`: the next number after the highest in the folder.
    case sequence
    /// `20250115093000` (UTC): from `--timestamp`, else the spec's `created`, else the clock.
    case timestamp
}

/// A file an emitter wants written, relative to the output folder.
public struct EmittedFile: Hashable, Sendable {
    public var path: String
    public var contents: String
    public init(path: String, contents: String) { self.path = path; self.contents = contents }
}

/// What an emitter is given for one migration.
public struct EmitContext: Sendable {
    public var dialect: Dialect
    /// The version chosen for this migration (`0003`, `20250115093000`, an Alembic revision id).
    public var version: String
    /// The version of the migration before it in the folder, if any (Alembic's `down_revision`).
    public var parentVersion: String?
    /// The files of the migration before it, relative to the folder (Django's `dependencies`).
    public var parentFiles: [String]
    public var templates: TemplateSet
    /// Target-specific options from the command line (`app` for Django, `head` for Alembic, ...).
    public var targetOptions: [String: String]
    /// How raw SQL fallbacks are rendered (`--no-idempotent`).
    public var render: RenderOptions = RenderOptions()
}

/// One migration as found in a target's folder, in the form its framework would run it.
public struct DiskMigration: Sendable {
    public var version: String
    public var name: String
    /// The files that make up the migration (relative to the folder).
    public var files: [String]
    /// The spec it was generated from, when it carries an mgen header.
    public var specID: String?
    public var specSHA256: String?
    public var up: [String]
    public var down: [String]?
    public var upTransactional: Bool
    public var downTransactional: Bool
}

/// An option a target takes (`--option name=value`, or `options:` of an output in mgen.yaml).
public struct TargetOption: Sendable, Hashable {
    public var name: String
    public var help: String
    /// The values it takes, when they are a fixed set (nil: any text).
    public var values: [String]?

    public init(_ name: String, _ help: String, values: [String]? = nil) {
        self.name = name
        self.help = help
        self.values = values
    }

    /// A yes/no option (`--option ts=true`); an empty value means yes.
    public static func flag(_ name: String, _ help: String) -> TargetOption {
        TargetOption(name, help, values: ["true", "false", "1", "0", "yes", "no", ""])
    }
}

/// One target framework: how its files are named, laid out and written.
public protocol Emitter: Sendable {
    /// The name users pass to `--target`.
    var name: String { get }
    var aliases: [String] { get }
    var dialects: [Dialect] { get }
    /// The file layout, for `mgen targets`.
    var layout: String { get }
    /// How emitted files are proven (real framework run, database run, syntax only).
    var proof: String { get }
    var defaultVersioning: Versioning { get }
    var versionings: [Versioning] { get }
    /// Digits of a sequence number.
    var sequenceWidth: Int { get }

    /// The files of one migration.
    func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile]
    /// Files the folder needs once, whatever the migrations (Prisma's `migration_lock.toml`).
    func folderFiles(dialect: Dialect, templates: TemplateSet, existing: String) throws(DiagnosticError) -> [EmittedFile]
    /// Reads the migrations already in a folder, in the framework's own order.
    func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration]
    /// The version of a new migration when the target derives it itself (Alembic's revision ids);
    /// nil to number by `Versioning`.
    func derivedVersion(for spec: Migration, options: [String: String]) -> String?
    /// Where the migrations go when `--out` is not given: the framework's usual folder (goose
    /// `db/migrations`, Rails `db/migrate`, Django `<app>/migrations`, Alembic the versions folder
    /// of `alembic.ini`'s `script_location`); nil when it must be given (`missingOutputFix` says how).
    func defaultOutput(options: [String: String]) -> String?
    /// The fix to print when `defaultOutput` is nil and no `--out` was given.
    func missingOutputFix(options: [String: String]) -> String
    /// Whether a migration's files depend on the files of the one before (`EmitContext.parentFiles`,
    /// Django's `dependencies`); such targets render one migration after the other, the others on
    /// every core.
    var readsParentFiles: Bool { get }
    /// Whether the runner can run a statement outside the transaction of the migration's others
    /// (RenderOptions.runnerLeavesTransaction): false where it sends a file as one query.
    var runnerLeavesTransaction: Bool { get }
    /// The options it takes; any other is refused before anything is rendered.
    var acceptedOptions: [TargetOption] { get }
}

extension Emitter {
    public var aliases: [String] { [] }
    public var versionings: [Versioning] { [defaultVersioning] }
    public var sequenceWidth: Int { 4 }
    public func folderFiles(dialect: Dialect, templates: TemplateSet, existing: String) throws(DiagnosticError) -> [EmittedFile] { [] }
    public func derivedVersion(for spec: Migration, options: [String: String]) -> String? { nil }
    public func defaultOutput(options: [String: String]) -> String? { nil }
    public func missingOutputFix(options: [String: String]) -> String { "pass --out DIR" }
    public var readsParentFiles: Bool { false }
    public var runnerLeavesTransaction: Bool { true }
    public var acceptedOptions: [TargetOption] { [] }

    /// Checks options against `acceptedOptions`: an unknown name (a typo, an option of another
    /// target) or a value outside the option's set is an error that lists what the target takes.
    public func validate(options: [String: String]) throws(DiagnosticError) {
        var problems: [Diagnostic] = []
        let names = acceptedOptions.map(\.name)
        let takes = names.isEmpty ? "\(name) takes no options" : "\(name) takes " + acceptedOptions.map { "\($0.name) (\($0.help))" }.joined(separator: ", ")
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let option = acceptedOptions.first(where: { $0.name == key }) else {
                let hint = closestMatch(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                problems.append(Diagnostic("unknown option '\(key)' for target \(name)\(hint)", object: "--option", fix: takes))
                continue
            }
            if let values = option.values, !values.contains(value.lowercased()) {
                problems.append(Diagnostic("--option \(key)=\(value): expected \(values.filter { !$0.isEmpty }.joined(separator: ", "))",
                                           object: "--option", fix: "pass --option \(key)=\(values[0])"))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }

    /// A slug for file names: lower-case letters, digits and underscores.
    public func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar), scalar.isASCII { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("_") { out += "_" }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }
}
