import Foundation
import MGenSpec
import MGenSQL

public struct EmitOptions: Sendable {
    public var dialect: Dialect
    public var output: String
    public var versioning: Versioning?
    /// First version for new timestamped migrations (`20250115093000` or `2025-01-15T09:30:00Z`).
    public var timestamp: String?
    public var force: Bool
    public var render: RenderOptions
    public var templates: String?
    /// Target-specific options (`app`, `head`, `rev-id`, `rails-version`, ...), handed to the emitter.
    public var targetOptions: [String: String]

    public init(dialect: Dialect, output: String, versioning: Versioning? = nil, timestamp: String? = nil, force: Bool = false,
                render: RenderOptions = RenderOptions(), templates: String? = nil, targetOptions: [String: String] = [:]) {
        self.dialect = dialect
        self.output = output
        self.versioning = versioning
        self.timestamp = timestamp
        self.force = force
        self.render = render
        self.templates = templates
        self.targetOptions = targetOptions
    }
}

/// What emitting a chain into a folder would do, file by file, before anything is written.
public struct EmitPlan: Sendable {
    public enum Status: Hashable, Sendable {
        case new
        case unchanged
        /// The file on disk differs from what the spec gives now.
        case outdated(String)
    }

    public struct Entry: Sendable {
        public var specID: String
        public var specFile: String
        public var version: String
        public var files: [EmittedFile]
        public var status: Status
    }

    public var output: String
    public var entries: [Entry]
    /// Files the folder needs once (Prisma's `migration_lock.toml`), not yet there.
    public var folderFiles: [EmittedFile]
    public var warnings: [Diagnostic]

    public var changed: [Entry] { entries.filter { $0.status != .unchanged } }
}

/// Plans, writes and checks the files of one target in one folder.
public enum EmitEngine {
    /// Renders every spec and decides, per spec, its version and whether its files are new,
    /// unchanged or out of date. Versions chain onto what the folder holds.
    public static func plan(_ chain: MigrationChain, emitter: any Emitter, options: EmitOptions,
                            now: Date = Date()) throws(DiagnosticError) -> EmitPlan {
        guard emitter.dialects.contains(options.dialect) else {
            throw DiagnosticError(Diagnostic("target \(emitter.name) does not support \(options.dialect)", object: "--dialect",
                                             fix: "\(emitter.name) supports \(emitter.dialects.map(\.rawValue).joined(separator: ", "))"))
        }
        let versioning = options.versioning ?? emitter.defaultVersioning
        guard emitter.versionings.contains(versioning) else {
            throw DiagnosticError(Diagnostic("target \(emitter.name) does not number migrations by \(versioning)", object: "--versioning",
                                             fix: "use \(emitter.versionings.map(\.rawValue).joined(separator: " or "))"))
        }
        let templates = try TemplateSet(directory: options.templates)
        let rendered = try SQLRenderer(dialect: options.dialect, options: options.render).render(chain)
        let existing = try emitter.scan(options.output)
        let bySpec = Dictionary(existing.compactMap { m in m.specID.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        var highest = existing.compactMap { UInt64($0.version) }.max()
        var baseTimestamp: Int?
        if let text = options.timestamp {
            guard let seconds = parseTimestamp(text) else {
                throw DiagnosticError(Diagnostic("--timestamp must look like 20250115093000 or 2025-01-15T09:30:00Z, not '\(text)'", object: "--timestamp"))
            }
            baseTimestamp = seconds
        }

        // Versions first, in order: each new one follows the one before. A new migration follows
        // the folder's last one (or the previous new one); a migration already on disk keeps the
        // parent it has there, so its file renders as it was written.
        struct Placed { var version: String; var onDisk: DiskMigration?; var parentVersion: String? }
        var placed: [Placed] = []
        placed.reserveCapacity(rendered.count)
        var parent = existing.last?.version
        let diskPosition = Dictionary(existing.enumerated().map { ($1.version, $0) }, uniquingKeysWith: { a, _ in a })
        var newCount = 0
        for migration in rendered {
            let spec = migration.planned.migration
            let version: String
            let onDisk = bySpec[spec.id]
            if let disk = onDisk {
                version = disk.version
            } else if let derived = emitter.derivedVersion(for: spec, options: options.targetOptions) {
                version = derived
                newCount += 1
            } else {
                switch versioning {
                case .sequence:
                    let next = (highest ?? 0) + 1
                    version = String(format: "%0\(emitter.sequenceWidth)llu", next)
                    highest = next
                case .timestamp:
                    var seconds = baseTimestamp.map { $0 + newCount } ?? spec.created.flatMap(parseTimestamp) ?? Int(now.timeIntervalSince1970)
                    if let h = highest, let last = parseTimestamp(String(h)), seconds <= last { seconds = last + 1 }
                    version = formatTimestamp(seconds)
                    highest = UInt64(version)
                }
                newCount += 1
            }
            var parentVersion = parent
            if let disk = onDisk, let position = diskPosition[disk.version] {
                parentVersion = position > 0 ? existing[position - 1].version : nil
            }
            if onDisk == nil { parent = version }
            placed.append(Placed(version: version, onDisk: onDisk, parentVersion: parentVersion))
        }

        // Then the files: on every core, unless a target reads the files of the migration before.
        func context(_ i: Int, parentFiles: [String]) -> EmitContext {
            EmitContext(dialect: options.dialect, version: placed[i].version, parentVersion: placed[i].parentVersion,
                        parentFiles: parentFiles, templates: templates, targetOptions: options.targetOptions, render: options.render)
        }
        func diskParentFiles(_ i: Int) -> [String]? {
            guard let disk = placed[i].onDisk, let position = diskPosition[disk.version] else { return nil }
            return position > 0 ? existing[position - 1].files : []
        }
        var results: [Result<[EmittedFile], DiagnosticError>] = []
        if emitter.readsParentFiles {
            var parentFiles = existing.last?.files ?? []
            for i in rendered.indices {
                let result = Result { () throws(DiagnosticError) in
                    try emitter.files(for: rendered[i], context(i, parentFiles: diskParentFiles(i) ?? parentFiles))
                }
                if placed[i].onDisk == nil, case let .success(files) = result { parentFiles = files.map(\.path) }
                results.append(result)
            }
        } else {
            let contexts = rendered.indices.map { context($0, parentFiles: []) }
            results = parallelMap(Array(rendered.indices)) { i in
                Result { () throws(DiagnosticError) in try emitter.files(for: rendered[i], contexts[i]) }
            }
        }

        var entries: [EmitPlan.Entry] = []
        entries.reserveCapacity(rendered.count)
        var diagnostics: [Diagnostic] = []
        for (i, result) in results.enumerated() {
            let spec = rendered[i].planned.migration
            let files: [EmittedFile]
            switch result {
            case let .success(emitted): files = emitted
            case let .failure(error): diagnostics += error.diagnostics; continue
            }
            var status = EmitPlan.Status.new
            if let disk = placed[i].onDisk {
                status = .unchanged
                for file in files {
                    let path = "\(options.output)/\(file.path)"
                    guard let current = try? String(contentsOfFile: path, encoding: .utf8) else {
                        status = .outdated("\(file.path) is missing")
                        break
                    }
                    if current != file.contents {
                        status = .outdated(disk.specSHA256 == spec.sha256
                                           ? "\(file.path) was edited by hand (or written by another mgen)"
                                           : "\(file.path) is out of date: \(spec.file) changed since it was emitted")
                        break
                    }
                }
            }
            entries.append(EmitPlan.Entry(specID: spec.id, specFile: spec.file, version: placed[i].version, files: files, status: status))
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        let folderFiles = try emitter.folderFiles(dialect: options.dialect, templates: templates, existing: options.output)
        return EmitPlan(output: options.output, entries: entries, folderFiles: folderFiles,
                        warnings: chain.migrations.flatMap(\.warnings))
    }

    /// Writes what the plan says is new (and, with `force`, what is out of date). Refuses before
    /// writing anything when a file would be overwritten without `force`; each file is written to a
    /// temporary name and renamed, so no file is ever half-written.
    @discardableResult
    public static func write(_ plan: EmitPlan, force: Bool) throws(DiagnosticError) -> [String] {
        var toWrite: [EmittedFile] = plan.folderFiles
        var problems: [Diagnostic] = []
        for entry in plan.entries {
            switch entry.status {
            case .unchanged: continue
            case .new:
                for file in entry.files where FileManager.default.fileExists(atPath: "\(plan.output)/\(file.path)") && !force {
                    problems.append(Diagnostic("\(file.path) already exists", object: plan.output,
                                               fix: "pass --force to overwrite it, or remove it"))
                }
                toWrite += entry.files
            case let .outdated(reason):
                if force { toWrite += entry.files } else {
                    problems.append(Diagnostic(reason, object: plan.output,
                                               fix: "a migration already applied somewhere must not change: write a new spec; or pass --force to rewrite it"))
                }
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        var written: [String] = []
        var folders: Set<String> = []
        for file in toWrite {
            let path = "\(plan.output)/\(file.path)"
            // Each folder is made (or found) once, not once per file.
            let folder = (path as NSString).deletingLastPathComponent
            try writeAtomically(file.contents, to: path, makeFolder: folders.insert(folder).inserted)
            written.append(path)
        }
        return written
    }

    /// For CI: every spec has its files, and they are exactly what the spec gives.
    public static func check(_ plan: EmitPlan) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for entry in plan.entries {
            switch entry.status {
            case .unchanged: continue
            case .new:
                problems.append(Diagnostic("no migration in \(plan.output) for spec \(entry.specID)", object: entry.specFile,
                                           fix: "run `mgen emit`"))
            case let .outdated(reason):
                problems.append(Diagnostic(reason, object: entry.specFile, fix: "run `mgen emit --force` if it was never applied, or write a new spec"))
            }
        }
        for file in plan.folderFiles {
            problems.append(Diagnostic("\(file.path) is missing", object: plan.output, fix: "run `mgen emit`"))
        }
        return problems
    }
}

/// Writes to a temporary file beside the target, then renames it into place, so a reader (or a
/// crash) never sees half a file. Plain write(2): no fsync per file, which made writing a
/// thousand migrations take seconds; these are source files, committed to version control.
public func writeAtomically(_ text: String, to path: String, makeFolder: Bool = true) throws(DiagnosticError) {
    let folder = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).mgen-\(getpid()).tmp"
    func failure(_ what: String) -> DiagnosticError {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        return DiagnosticError(Diagnostic("cannot write file: \(what): \(reason)", object: path))
    }
    if makeFolder, !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DiagnosticError(Diagnostic("cannot create folder: \(error.localizedDescription)", object: folder))
        }
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw failure("open") }
    let bytes = Array(text.utf8)
    let total = bytes.count
    var written = 0
    while written < total {
        let offset = written
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, total - offset) }
        if n < 0 { close(fd); throw failure("write") }
        written += n
    }
    guard close(fd) == 0 else { throw failure("close") }
    guard rename(temporary, path) == 0 else { throw failure("rename") }
}

/// `20250115093000` for seconds since 1970 (UTC).
public func formatTimestamp(_ seconds: Int) -> String {
    // The civil-from-days algorithm: no calendar object needed for UTC.
    let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
    let secondOfDay = seconds - days * 86400
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2)
}
