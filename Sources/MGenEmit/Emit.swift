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
    /// Write baseline specs too (as the framework's initial migration); by default a baseline only
    /// seeds the replayed state, since the database it declares already has its schema.
    public var includeBaseline: Bool

    public init(dialect: Dialect, output: String, versioning: Versioning? = nil, timestamp: String? = nil, force: Bool = false,
                render: RenderOptions = RenderOptions(), templates: String? = nil, targetOptions: [String: String] = [:],
                includeBaseline: Bool = false) {
        self.dialect = dialect
        self.output = output
        self.versioning = versioning
        self.timestamp = timestamp
        self.force = force
        self.render = render
        self.templates = templates
        self.targetOptions = targetOptions
        self.includeBaseline = includeBaseline
    }
}

/// What emitting a chain into a folder would do, file by file, before anything is written.
public struct EmitPlan: Sendable {
    public enum Status: Hashable, Sendable {
        case new
        case unchanged
        /// The file on disk differs from what the spec gives now.
        case outdated(String)
        /// Files the folder lost (a migration deleted from the middle of the chain, the second file
        /// of a pair an interrupted emit never wrote): written again as they were, no --force needed.
        case missing(String)
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
    /// Temporary files an emit that was killed left behind (`.NAME.mgen-PID.tmp`, PID no longer
    /// running), relative to the folder: the next emit removes them.
    public var staleFiles: [String] = []

    public var changed: [Entry] { entries.filter { $0.status != .unchanged } }
}

/// Plans, writes and checks the files of one target in one folder.
public enum EmitEngine {
    /// Renders every spec and decides, per spec, its version and whether its files are new,
    /// unchanged, out of date or missing. Versions chain onto what the folder holds.
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
        let all = try SQLRenderer(dialect: options.dialect, options: options.render).render(chain)
        // A baseline's state is the start of what follows; its own files only when asked.
        let rendered = options.includeBaseline ? all : all.filter { !$0.planned.migration.baseline }
        let existing = try emitter.scan(options.output)
        var bySpec = Dictionary(existing.compactMap { m in m.specID.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        var highest = existing.compactMap { UInt64($0.version) }.max()
        var baseTimestamp: Int?
        if let text = options.timestamp {
            guard let seconds = parseTimestamp(text) else {
                throw DiagnosticError(Diagnostic("--timestamp must look like 20250115093000 or 2025-01-15T09:30:00Z, not '\(text)'", object: "--timestamp"))
            }
            baseTimestamp = seconds
        }
        func context(version: String, parentVersion: String?, parentFiles: [String]) -> EmitContext {
            EmitContext(dialect: options.dialect, version: version, parentVersion: parentVersion, parentFiles: parentFiles,
                        templates: templates, targetOptions: options.targetOptions, render: options.render)
        }

        // A migration whose mgen header was removed is still the migration of the spec whose files
        // it has (same names at its version): it must not get a second one.
        // Only a migration whose name spells the spec's name is rendered to compare.
        func letters(_ text: String) -> String { String(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) }
        var headerless = existing.filter { $0.specID == nil }
        if !headerless.isEmpty {
            for i in rendered.indices where bySpec[rendered[i].planned.migration.id] == nil {
                let name = letters(rendered[i].planned.migration.name)
                for (h, disk) in headerless.enumerated() where letters(disk.name) == name {
                    let paths = (try? emitter.files(for: rendered[i], context(version: disk.version, parentVersion: nil, parentFiles: [])))?
                        .map(\.path) ?? []
                    if !Set(paths).isDisjoint(with: disk.files) {
                        bySpec[rendered[i].planned.migration.id] = disk
                        headerless.remove(at: h)
                        break
                    }
                }
            }
        }

        // Versions first, in order: each new one follows the one before. A new migration follows
        // the folder's last one (or the previous new one); a migration already on disk keeps its
        // place; one missing between two on disk goes back where it was. `order` is the folder's
        // order once written, which gives every migration its parent (Alembic's down_revision).
        var order: [(version: String, chain: Int?)] = existing.map { ($0.version, nil) }
        let onDiskVersions = Set(existing.map(\.version))
        let diskPosition = Dictionary(existing.enumerated().map { ($1.version, $0) }, uniquingKeysWith: { a, _ in a })
        for i in rendered.indices {
            if let disk = bySpec[rendered[i].planned.migration.id], let p = diskPosition[disk.version] { order[p].chain = i }
        }
        let lastOnDisk = rendered.indices.last { bySpec[rendered[$0].planned.migration.id] != nil }
        var versions: [String] = []
        versions.reserveCapacity(rendered.count)
        var restored = Set<String>()
        var problems: [Diagnostic] = []
        var newCount = 0
        for (i, migration) in rendered.enumerated() {
            let spec = migration.planned.migration
            if let disk = bySpec[spec.id] {
                versions.append(disk.version)
                continue
            }
            if let lastOnDisk, i < lastOnDisk {
                // Deleted from the middle: its place is just before the next migration on disk.
                let next = rendered[(i + 1)...].lazy.compactMap({ bySpec[$0.planned.migration.id] }).first
                let at = next.flatMap { n in order.firstIndex { $0.version == n.version } } ?? order.count
                let previous = at > 0 ? order[at - 1].version : nil
                if let next, let version = restoredVersion(spec, emitter: emitter, versioning: versioning, options: options,
                                                 previous: previous, next: next.version), !onDiskVersions.contains(version) {
                    versions.append(version)
                    order.insert((version, i), at: at)
                    restored.insert(version)
                } else {
                    versions.append("")
                    problems.append(Diagnostic(
                        "spec \(spec.id) has no migration in \(options.output), but the spec after it has one (\(next.map { $0.files.first ?? $0.version } ?? "")): its file was deleted, and its version cannot be known again",
                        object: spec.file,
                        fix: "restore the file from version control (git checkout), or remove the migrations after it and emit them again"))
                }
                continue
            }
            let version: String
            if let derived = emitter.derivedVersion(for: spec, options: options.targetOptions) {
                version = derived
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
            }
            newCount += 1
            versions.append(version)
            order.append((version, i))
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        var position = [Int?](repeating: nil, count: rendered.count)
        for (p, slot) in order.enumerated() { if let i = slot.chain { position[i] = p } }
        let diskFiles = Dictionary(existing.map { ($0.version, $0.files) }, uniquingKeysWith: { a, _ in a })
        /// The migration before the i-th in the folder: its chain index (nil: a migration on disk
        /// that no spec makes) and version.
        func parent(_ i: Int) -> (chain: Int?, version: String)? {
            guard let p = position[i], p > 0 else { return nil }
            return (order[p - 1].chain, order[p - 1].version)
        }
        func parentVersion(_ i: Int) -> String? { parent(i)?.version }

        // Then the files: on every core, unless a target reads the files of the migration before.
        var results: [Result<[EmittedFile], DiagnosticError>] = []
        if emitter.readsParentFiles {
            var renderedFiles: [Int: [String]] = [:]
            for i in rendered.indices {
                let before = parent(i)
                // The files of the one before: as just rendered when it is written now, else as on disk.
                let parentFiles = before.map { b in b.chain.flatMap { renderedFiles[$0] } ?? diskFiles[b.version] ?? [] } ?? []
                let result = Result { () throws(DiagnosticError) in
                    try emitter.files(for: rendered[i], context(version: versions[i], parentVersion: before?.version, parentFiles: parentFiles))
                }
                if bySpec[rendered[i].planned.migration.id] == nil, case let .success(files) = result { renderedFiles[i] = files.map(\.path) }
                results.append(result)
            }
        } else {
            let contexts = rendered.indices.map { context(version: versions[$0], parentVersion: parentVersion($0), parentFiles: []) }
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
            diagnostics += fileNameProblems(files, spec: spec)
            var status = EmitPlan.Status.new
            if restored.contains(versions[i]) {
                status = .missing("\(files.first?.path ?? versions[i]) is missing: spec \(spec.id) lies between migrations that are there")
            } else if let disk = bySpec[spec.id] {
                status = .unchanged
                var missing: [String] = []
                for file in files {
                    let path = "\(options.output)/\(file.path)"
                    guard let current = try? String(contentsOfFile: path, encoding: .utf8) else {
                        missing.append(file.path)
                        continue
                    }
                    if current != file.contents {
                        status = .outdated(disk.specID == nil
                                           ? "\(file.path) has no mgen header (it was edited by hand), though it is the migration of spec \(spec.id)"
                                           : disk.specSHA256 == spec.sha256
                                           ? "\(file.path) was edited by hand (or written by another mgen)"
                                           : "\(file.path) is out of date: \(spec.file) changed since it was emitted")
                        break
                    }
                }
                if status == .unchanged, !missing.isEmpty {
                    status = .missing("\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing (an emit was interrupted, or the file was deleted)")
                }
            }
            entries.append(EmitPlan.Entry(specID: spec.id, specFile: spec.file, version: versions[i], files: files, status: status))
        }
        if !diagnostics.isEmpty { throw DiagnosticError(diagnostics) }
        let folderFiles = try emitter.folderFiles(dialect: options.dialect, templates: templates, existing: options.output)
        return EmitPlan(output: options.output, entries: entries, folderFiles: folderFiles,
                        warnings: chain.migrations.flatMap(\.warnings), staleFiles: staleTemporaries(in: options.output))
    }

    /// The version a migration deleted from between `previous` and `next` had: its derived one
    /// (Alembic), the number after `previous` (sequence), or its `created` time (timestamp), when
    /// that still sorts between the two. nil when it cannot be known.
    static func restoredVersion(_ spec: Migration, emitter: any Emitter, versioning: Versioning, options: EmitOptions,
                                previous: String?, next: String) -> String? {
        if let derived = emitter.derivedVersion(for: spec, options: options.targetOptions) { return derived }
        guard let upper = UInt64(next) else { return nil }
        let lower = previous.flatMap { UInt64($0) } ?? 0
        switch versioning {
        case .sequence:
            return lower + 1 < upper ? String(format: "%0\(emitter.sequenceWidth)llu", lower + 1) : nil
        case .timestamp:
            // With --timestamp the versions came from the option, not from `created`.
            guard options.timestamp == nil, let seconds = spec.created.flatMap(parseTimestamp) else { return nil }
            let text = formatTimestamp(seconds)
            guard let value = UInt64(text), value < upper, value > lower else { return nil }
            return text
        }
    }

    /// File names every file system takes: each part of the path at most 255 bytes, no control
    /// characters, no empty, `.` or `..` part. Checked for every file before any is written.
    static func fileNameProblems(_ files: [EmittedFile], spec: Migration) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for file in files {
            for part in file.path.split(separator: "/", omittingEmptySubsequences: false) {
                var reason: String?
                if part.utf8.count > 255 {
                    reason = "is \(part.utf8.count) bytes long; file systems allow 255"
                } else if part.isEmpty || part == "." || part == ".." {
                    reason = "has an empty, '.' or '..' part"
                } else if part.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || LineComment.isLineBreak($0) }) {
                    reason = "has a control character or line break"
                }
                if let reason {
                    out.append(Diagnostic("the file name \(file.path.debugDescription) \(reason)", at: spec.fields["name"] ?? spec.location,
                                          object: spec.file, fix: "shorten the spec's `name` (it makes the file name)"))
                    break
                }
            }
        }
        return out
    }

    /// `.NAME.mgen-PID.tmp` files (see `writeAtomically`) in the folder and its subfolders (Prisma's),
    /// whose process is gone: what a killed emit leaves behind.
    static func staleTemporaries(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [String] = []
        func consider(_ relative: String, _ name: String) {
            guard name.hasPrefix("."), name.hasSuffix(".tmp"), let marker = name.range(of: ".mgen-", options: .backwards) else { return }
            let digits = name[marker.upperBound...].dropLast(4)
            guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let pid = Int32(digits) else { return }
            // Signal 0 only asks whether the process exists (EPERM: it does, as another user).
            if pid == getpid() || kill(pid, 0) == 0 || errno == EPERM { return }
            out.append(relative)
        }
        for name in names.sorted() {
            consider(name, name)
            var isDirectory: ObjCBool = false
            if !name.hasPrefix("."), FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory), isDirectory.boolValue,
               let inner = try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/\(name)") {
                for child in inner.sorted() { consider("\(name)/\(child)", child) }
            }
        }
        return out
    }

    /// Writes what the plan says is new or missing (and, with `force`, what is out of date), after
    /// removing what a killed emit left. Refuses before writing anything when a file would be
    /// overwritten without `force`; each file is written to a temporary name and renamed, so no file
    /// is ever half-written.
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
            case .missing:
                // The files still there are exactly what the spec gives: only the lost ones are written.
                toWrite += entry.files.filter { !FileManager.default.fileExists(atPath: "\(plan.output)/\($0.path)") }
            case let .outdated(reason):
                if force { toWrite += entry.files } else {
                    problems.append(Diagnostic(reason, object: plan.output,
                                               fix: "a migration already applied somewhere must not change: write a new spec; or pass --force to rewrite it"))
                }
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        for stale in plan.staleFiles { unlink("\(plan.output)/\(stale)") }
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

    /// For CI: every spec has its files, and they are exactly what the spec gives; nothing an
    /// interrupted emit left is lying around.
    public static func check(_ plan: EmitPlan) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for entry in plan.entries {
            switch entry.status {
            case .unchanged: continue
            case .new:
                problems.append(Diagnostic("no migration in \(plan.output) for spec \(entry.specID)", object: entry.specFile,
                                           fix: "run `mgen emit`"))
            case let .missing(reason):
                problems.append(Diagnostic(reason, object: entry.specFile, fix: "run `mgen emit` to write it again as it was"))
            case let .outdated(reason):
                problems.append(Diagnostic(reason, object: entry.specFile, fix: "run `mgen emit --force` if it was never applied, or write a new spec"))
            }
        }
        for file in plan.folderFiles {
            problems.append(Diagnostic("\(file.path) is missing", object: plan.output, fix: "run `mgen emit`"))
        }
        for stale in plan.staleFiles {
            problems.append(Diagnostic("\(stale) was left by an emit that was killed", object: plan.output,
                                       fix: "run `mgen emit` (it removes it), or delete it"))
        }
        return problems
    }
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
