import Foundation
import MGenSpec
import MGenSQL

/// goose: one `<version>_<name>.sql` with `-- +goose Up` / `-- +goose Down`, StatementBegin/End
/// around statements that have semicolons of their own, `-- +goose NO TRANSACTION` when needed.
/// An irreversible migration's Down is one statement that fails: goose runs an empty (or
/// comment-only) Down as a successful rollback.
public struct GooseEmitter: Emitter {
    public init() {}
    public let name = "goose"
    public let aliases: [String] = []
    public let dialects = Dialect.allCases
    public let layout = "<version>_<name>.sql with -- +goose Up / Down (version: 20060102150405, or 00001 with -s)"
    public let proof = "database run (annotations honoured as goose parses them)"
    public let defaultVersioning = Versioning.timestamp
    public func defaultOutput(options: [String: String]) -> String? { "db/migrations" }  // goose -dir db/migrations create
    public let versionings = [Versioning.timestamp, .sequence]
    public let sequenceWidth = 5

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        try Self.refuseAnnotationLines(migration)
        var values = SQLFiles.values(migration, context, direction: .up, block: { "-- +goose StatementBegin\n\($0)\n-- +goose StatementEnd" },
                                     oneTransaction: true)
        // NO TRANSACTION covers both directions of the file.
        values["noTransaction"] = !migration.upIsTransactional || !migration.downIsTransactional
        return [EmittedFile(path: "\(context.version)_\(slug(migration.planned.name)).sql",
                            contents: try context.templates.render("goose/goose.sql.mustache", values))]
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [DiskMigration] = []
        for name in names where name.hasSuffix(".sql") {
            guard let underscore = name.firstIndex(of: "_"), UInt64(name[..<underscore]) != nil else { continue }
            let text = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? ""
            let parsed = try Self.parse(text, file: "\(folder)/\(name)")
            let marker = SQLFiles.readMarker(text)
            // The refusal of an irreversible migration reads back as no down.
            let downText = text.range(of: "\n-- +goose Down").map { text[$0.upperBound...] } ?? ""
            out.append(DiskMigration(version: String(name[..<underscore]),
                                     name: String(name[name.index(after: underscore)...].dropLast(4)), files: [name],
                                     specID: marker?.id, specSHA256: marker?.sha256, up: parsed.up,
                                     down: SQLFiles.isIrreversibleDown(downText) ? nil : parsed.down,
                                     upTransactional: parsed.transactional, downTransactional: parsed.transactional))
        }
        return out.sorted { (UInt64($0.version) ?? 0) < (UInt64($1.version) ?? 0) }
    }

    /// goose reads a line `-- +goose ...` as an annotation wherever it stands, even inside a string
    /// literal or a quoted name (a comment or name with a line break in it): goose has no way to
    /// quote one, so such a statement cannot be written for goose.
    static func refuseAnnotationLines(_ migration: RenderedMigration) throws(DiagnosticError) {
        for statement in migration.up + (migration.down ?? []) {
            for line in statement.sql.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            where line.lowercased().hasPrefix("-- +goose") {
                throw DiagnosticError(Diagnostic("a statement of '\(migration.planned.id)' has a line that goose would read as an annotation: \(line)",
                                                 at: migration.planned.migration.location,
                                                 fix: "keep `-- +goose` from starting a line of a comment, name or sql body"))
            }
        }
    }

    /// Parses a goose SQL file as goose does: annotations, statement blocks, and otherwise a new
    /// statement at each line that ends with a semicolon.
    public static func parse(_ text: String, file: String) throws(DiagnosticError) -> (up: [String], down: [String], transactional: Bool) {
        var up: [String] = [], down: [String] = []
        var section: String?
        var inBlock = false
        var current = ""
        var transactional = true
        var sawUp = false
        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty {
                if section == "up" { up.append(statement) } else if section == "down" { down.append(statement) }
            }
            current = ""
        }
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if line.lowercased().hasPrefix("-- +goose ") {
                let annotation = line.dropFirst("-- +goose ".count).trimmingCharacters(in: .whitespaces).lowercased()
                switch annotation {
                case "up": flush(); section = "up"; sawUp = true
                case "down": flush(); section = "down"
                case "statementbegin": flush(); inBlock = true
                case "statementend": inBlock = false; flush()
                case "no transaction": transactional = false
                case "envsub on", "envsub off": break
                default:
                    throw DiagnosticError(Diagnostic("unknown goose annotation '\(line)'", at: SourceLocation(file: file, line: number + 1, column: 1)))
                }
                continue
            }
            if section == nil { continue }
            if !inBlock, current.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix("--") { continue }
            current += line + "\n"
            if !inBlock, line.trimmingCharacters(in: .whitespaces).hasSuffix(";") { flush() }
        }
        flush()
        if !sawUp {
            throw DiagnosticError(Diagnostic("goose file has no `-- +goose Up` annotation", object: file))
        }
        return (up, down, transactional)
    }
}
