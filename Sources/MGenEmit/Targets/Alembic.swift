import Foundation
import MGenSpec
import MGenSQL

/// Alembic: `<rev>_<slug>.py` revision files as `alembic revision` writes them (docstring,
/// `revision` / `down_revision` / `branch_labels` / `depends_on`, `upgrade()` / `downgrade()`),
/// with `op.*` calls and `sa.*` types. Chains onto the head of the folder's `down_revision` graph.
///
/// Options: `rev-id=<id>` names the one new revision; `head=<rev>` picks the parent when the
/// folder has several heads; `merge=1` makes the new revision merge them all instead.
public struct AlembicEmitter: Emitter {
    public init() {}
    public let name = "alembic"
    public let aliases: [String] = []
    public let dialects = Dialect.allCases
    public let layout = "versions/<rev>_<slug>.py with revision / down_revision (rev: 12 hex from the spec id, or --option rev-id=...)"
    public let proof = "real framework: alembic upgrade head, downgrade base, upgrade head (PostgreSQL, MariaDB, SQLite)"
    public let defaultVersioning = Versioning.sequence

    /// Alembic refuses these characters in revision ids; mgen uses `+` to join several heads.
    static let headSeparator: Character = "+"

    /// `<script_location>/versions` from `alembic.ini` in the current folder (or `--option ini=PATH`),
    /// with `%(here)s` standing for the file's folder, as Alembic reads it.
    public let acceptedOptions = [
        TargetOption("ini", "the alembic.ini whose script_location gives the versions folder; default alembic.ini"),
        TargetOption("rev-id", "the new revision's id, as alembic revision --rev-id"),
        TargetOption("head", "the head to chain onto when the folder has several"),
        TargetOption.flag("merge", "make the new revision merge every head"),
    ]
    public func defaultOutput(options: [String: String]) -> String? {
        let ini = options["ini"] ?? "alembic.ini"
        guard let text = try? String(contentsOfFile: ini, encoding: .utf8) else { return nil }
        let here = (ini as NSString).deletingLastPathComponent
        var inAlembicSection = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { inAlembicSection = line == "[alembic]"; continue }
            guard inAlembicSection, line.hasPrefix("script_location"), let equals = line.firstIndex(of: "=") else { continue }
            var location = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            location = location.replacingOccurrences(of: "%(here)s", with: here.isEmpty ? "." : here)
            if !location.hasPrefix("/"), !here.isEmpty { location = here + "/" + location }
            return location + "/versions"
        }
        return nil
    }

    public func missingOutputFix(options: [String: String]) -> String {
        let ini = options["ini"] ?? "alembic.ini"
        let folder = FileManager.default.currentDirectoryPath
        return "without --out, alembic writes into <script_location>/versions of \(ini.hasPrefix("/") ? ini : folder + "/" + ini) "
            + "(not found, or without script_location in [alembic]): run `alembic init alembic` there, pass --option ini=PATH, or pass --out DIR"
    }

    public func derivedVersion(for spec: Migration, options: [String: String]) -> String? {
        if let id = options["rev-id"], !id.isEmpty { return id }
        return Self.revision(for: spec.id)
    }

    /// 12 hex digits, like Alembic's own ids, from the spec id alone: the same spec gets the same
    /// revision in every clone of the repository.
    public static func revision(for specID: String) -> String {
        String(SHA256.hex(Array("mgen:\(specID)".utf8)).prefix(12))
    }

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let planned = migration.planned
        let spec = planned.migration
        try Self.checkRevision(context, spec: spec)
        let downRevisions = try Self.parents(context, spec: spec)

        var renderer = AlembicRenderer(dialect: context.dialect, options: context.render)
        let upgrade = try renderer.body(planned, .up) ?? []
        var downgrade: [String]
        if let down = try renderer.body(planned, .down) {
            downgrade = down
        } else {
            downgrade = ["    raise NotImplementedError(\(AlembicPython.string("irreversible: " + (spec.irreversible ?? "no down"))))"]
        }

        // The timeouts open each transactional function (Alembic runs it in the migration's
        // transaction; a VALIDATE leaves it in an autocommit block, which the body reopens after).
        func timeouts(_ body: [String], up: Bool) -> [String] {
            // A concurrent step beside others: Alembic's transaction holds the others (issue 13).
            let lines = context.render.timeouts.statements(context.dialect, transactional: planned.runsInTransaction || migration.mixesConcurrent)
                .map { "    op.execute(\(AlembicPython.sqlString($0.sql, indent: "")))" }
            return lines.isEmpty ? body : lines + (body == ["    pass"] ? [] : body)
        }
        let upgradeLines = timeouts(upgrade, up: true)
        if planned.down != nil { downgrade = timeouts(downgrade, up: false) }

        var notes = ["Generated by mgen from \(spec.file): edit the spec and run `mgen emit`, not this file.",
                     SQLFiles.markerText(spec)]
        if let description = spec.description { notes += ["", description] }
        let losses = planned.dataLoss
        if !losses.isEmpty { notes.append("") }
        for loss in losses { notes.append("DESTRUCTIVE: \(loss) (the downgrade restores structure, not data).") }
        if !context.dialect.capabilities.transactionalDDL {
            notes += ["", "MySQL/MariaDB: DDL is not transactional; if a statement fails, the ones before it stay applied."]
        }

        var values: [String: Any] = [
            "message": AlembicPython.docstring(spec.name),
            "revision": context.version,
            "revises": downRevisions.joined(separator: ", "),
            "notes": AlembicPython.docstring(notes.joined(separator: "\n")),
            "revisionRepr": AlembicPython.string(context.version),
            "downRevisionRepr": Self.pythonRevisions(downRevisions),
            "imports": renderer.modules.sorted().map { "from sqlalchemy.dialects import \($0)" }.joined(separator: "\n"),
            "upgrade": upgradeLines.joined(separator: "\n"),
            "downgrade": downgrade.joined(separator: "\n"),
        ]
        if let created = spec.created.flatMap(parseTimestamp) { values["createDate"] = Self.createDate(created) }
        let contents = try context.templates.render("alembic/alembic.py.mustache", values)
        return [EmittedFile(path: "\(context.version)_\(Self.slug(spec.name)).py", contents: contents)]
    }

    /// Alembic's file name slug: words joined by `_`, cut to 40 characters at a word boundary.
    static func slug(_ message: String) -> String {
        var words: [String] = []
        var word = ""
        for character in message.lowercased() {
            if character.isLetter || character.isNumber || character == "_" { word.append(character) } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        let slug = words.joined(separator: "_")
        guard slug.count > 40 else { return slug }
        let cut = String(slug.prefix(40))
        guard let underscore = cut.lastIndex(of: "_") else { return cut + "_" }
        return String(cut[..<underscore]) + "_"
    }

    /// `2025-01-15 09:00:00+00:00`: how Alembic prints a timezone-aware create date.
    static func createDate(_ seconds: Int) -> String {
        let t = Array(formatTimestamp(seconds))
        func part(_ range: Range<Int>) -> String { String(t[range]) }
        return "\(part(0..<4))-\(part(4..<6))-\(part(6..<8)) \(part(8..<10)):\(part(10..<12)):\(part(12..<14))+00:00"
    }

    static func pythonRevisions(_ revisions: [String]) -> String {
        switch revisions.count {
        case 0: "None"
        case 1: AlembicPython.string(revisions[0])
        default: "(" + revisions.map(AlembicPython.string).joined(separator: ", ") + ")"
        }
    }

    /// A revision id Alembic accepts and `alembic_version.version_num` (varchar(32)) can hold;
    /// `rev-id` names one revision only.
    static func checkRevision(_ context: EmitContext, spec: Migration) throws(DiagnosticError) {
        let revision = context.version
        let allowed = revision.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        if revision.isEmpty || revision.count > 32 || !allowed {
            throw DiagnosticError(Diagnostic("'\(revision)' cannot be an Alembic revision id", at: spec.location, object: "--option rev-id",
                                             fix: "use at most 32 letters, digits or underscores"))
        }
        if let id = context.targetOptions["rev-id"], id == revision, context.parentVersion == revision {
            throw DiagnosticError(Diagnostic("--option rev-id=\(id) names one revision, but more than one spec is new here",
                                             at: spec.location, object: "--option rev-id",
                                             fix: "emit the specs before '\(spec.id)' first, or drop rev-id to derive ids from the spec ids"))
        }
    }

    /// The new revision's `down_revision`: the folder's head; with several heads, the one
    /// `head=` names, or all of them with `merge=1`.
    static func parents(_ context: EmitContext, spec: Migration) throws(DiagnosticError) -> [String] {
        guard let parent = context.parentVersion else { return [] }
        let heads = parent.split(separator: headSeparator).map(String.init)
        guard heads.count > 1 else { return heads }
        if let head = context.targetOptions["head"] {
            guard heads.contains(head) else {
                throw DiagnosticError(Diagnostic("--option head=\(head) is not one of the heads: \(heads.joined(separator: ", "))",
                                                 at: spec.location, object: "--option head", fix: "name one of \(heads.joined(separator: ", "))"))
            }
            return [head]
        }
        if let merge = context.targetOptions["merge"], ["1", "true", "yes"].contains(merge.lowercased()) { return heads }
        throw DiagnosticError(Diagnostic("the Alembic folder has \(heads.count) heads (\(heads.joined(separator: ", "))), so a new revision has no single parent",
                                         at: spec.location, object: "down_revision",
                                         fix: "pass --option head=<rev> to chain onto one of them, --option merge=1 to make '\(spec.id)' merge them, or run `alembic merge heads` first"))
    }

    // MARK: - Reading a versions folder

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var revisions: [AlembicRevisionFile] = []
        for name in names.sorted() where name.hasSuffix(".py") && !name.hasPrefix(".") && name != "__init__.py" {
            guard let text = try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8),
                  let file = AlembicRevisionFile(name: name, source: text) else { continue }
            revisions.append(file)
        }
        let ordered = try AlembicRevisionFile.order(revisions, folder: folder)
        var out = ordered.map { file in
            DiskMigration(version: file.revision, name: file.slug, files: [file.name], specID: file.marker?.id,
                          specSHA256: file.marker?.sha256, up: [], down: [], upTransactional: true, downTransactional: true)
        }
        // Several heads: the last entry stands for all of them (`a+b`, never a real id), so that
        // `files` can refuse, pick one (`head=`) or merge them (`merge=1`).
        let heads = AlembicRevisionFile.heads(ordered)
        if heads.count > 1 {
            out.append(DiskMigration(version: heads.map(\.revision).joined(separator: String(Self.headSeparator)),
                                     name: "(\(heads.count) heads)", files: heads.map(\.name), specID: nil, specSHA256: nil,
                                     up: [], down: [], upTransactional: true, downTransactional: true))
        }
        return out
    }
}

/// One revision file as Alembic reads it: the `revision` and `down_revision` variables (not the
/// file name), plus mgen's marker when mgen wrote it.
struct AlembicRevisionFile {
    var name: String
    var revision: String
    var downRevisions: [String]
    var marker: (id: String, sha256: String)?

    init?(name: String, source: String) {
        guard case let .strings(revision)? = AlembicPython.assignment("revision", in: source), revision.count == 1 else { return nil }
        self.name = name
        self.revision = revision[0]
        switch AlembicPython.assignment("down_revision", in: source) {
        case let .strings(parents)?: downRevisions = parents
        default: downRevisions = []
        }
        marker = SQLFiles.readMarker(source)
    }

    /// The file name without the revision and `.py`.
    var slug: String {
        var stem = String(name.dropLast(3))
        if stem.hasPrefix(revision + "_") { stem.removeFirst(revision.count + 1) }
        return stem
    }

    /// Revisions no other revision names as its parent.
    static func heads(_ files: [AlembicRevisionFile]) -> [AlembicRevisionFile] {
        let parents = Set(files.flatMap(\.downRevisions))
        return files.filter { !parents.contains($0.revision) }
    }

    /// Parents before children (Alembic's upgrade order); among siblings, by revision id, so the
    /// order never depends on the file system.
    static func order(_ files: [AlembicRevisionFile], folder: String) throws(DiagnosticError) -> [AlembicRevisionFile] {
        var byRevision: [String: AlembicRevisionFile] = [:]
        var problems: [Diagnostic] = []
        for file in files {
            if let other = byRevision[file.revision] {
                problems.append(Diagnostic("revision \(file.revision) is in both \(other.name) and \(file.name)", object: "\(folder)/\(file.name)",
                                           fix: "give one of them a new revision id"))
            }
            byRevision[file.revision] = file
        }
        for file in files {
            for parent in file.downRevisions where byRevision[parent] == nil {
                problems.append(Diagnostic("\(file.name) revises \(parent), which is not in this folder", object: "\(folder)/\(file.name)",
                                           fix: "restore the revision file of \(parent), or correct down_revision"))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        var ordered: [AlembicRevisionFile] = []
        var placed = Set<String>()
        var pending = files.sorted { $0.revision < $1.revision }
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { $0.downRevisions.allSatisfy(placed.contains) }) else {
                throw DiagnosticError(Diagnostic("the down_revision links of \(pending.map(\.name).joined(separator: ", ")) form a cycle",
                                                 object: folder, fix: "correct their down_revision values"))
            }
            let file = pending.remove(at: next)
            ordered.append(file)
            placed.insert(file.revision)
        }
        // Heads last, so the engine's "last migration" is a head.
        let headRevisions = Set(heads(ordered).map(\.revision))
        return ordered.filter { !headRevisions.contains($0.revision) } + ordered.filter { headRevisions.contains($0.revision) }
    }
}
