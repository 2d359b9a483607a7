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

    /// A slug for file names: lower-case letters, digits and underscores.
    public func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar), scalar.isASCII { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("_") { out += "_" }
        }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }
}
