import ArgumentParser
import Foundation
import MGenEmit
import MGenImport
import MGenSpec
import MGenVerify

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create the next spec: the next id, created now (UTC), an empty operations list to fill in.",
        discussion: """
        Like `alembic revision -m`, `goose create` or `rails generate migration`: writes \
        <specs>/<id>_<name>.yaml into the specs folder of mgen.yaml (else Specs/). The id follows \
        the highest id there, in its width (0001, 0002, ...); when the ids are timestamps \
        (12 digits or more), the new one is the current UTC time. `mgen validate` fails until \
        the operations are filled in.

        With --from-db URL the operations are written for you: those that take the specs' replayed \
        state to the database's current schema (like `alembic revision --autogenerate` or \
        `makemigrations`). A drop and an add that look like a rename are reported, never guessed: \
        say it with --rename old=new (a table) or --rename table.old=new (a column) and run again.
        """)

    @Argument(help: "The migration's name, e.g. add_users_nickname (letters, digits, '_', '-', '.').") var name: String
    @Option(help: "The specs folder (default: `specs` of mgen.yaml, else Specs).") var specs: String?
    @Option(help: "What the migration does, for the spec's description.") var description: String?
    @Option(name: .customLong("from-db"), help: "Write the operations that take the specs to this database's schema (sqlite:PATH, postgres://…, mysql://…).")
    var fromDB: String?
    @Option(parsing: .singleValue, help: "With --from-db: a rename, old=new for a table or table.old=new for a column (repeatable).")
    var rename: [String] = []
    @Option(help: "With --from-db: tables to leave out besides the frameworks' bookkeeping, comma-separated.") var exclude: String?

    func run() throws {
        try MGenCLI.run { () throws(DiagnosticError) in
            let config = try ProjectConfig.load()
            let folder = specs ?? config?.specs ?? "Specs"
            let slug = name.trimmingCharacters(in: .whitespaces)
            guard !slug.isEmpty, slug.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }),
                  slug.count <= 100 else {
                throw DiagnosticError(Diagnostic("the name '\(name)' cannot be a file name here", object: "NAME",
                                                 fix: "use up to 100 letters, digits, '_', '-' or '.', e.g. add_users_nickname"))
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw DiagnosticError(Diagnostic("not a folder", object: folder, fix: "pass --specs DIR"))
            }
            let now = Date()
            let id = Self.nextID(after: Self.existingIDs(in: folder), now: now)
            let path = "\(folder)/\(id)_\(slug).yaml"
            guard !FileManager.default.fileExists(atPath: path) else {
                throw DiagnosticError(Diagnostic("already exists", object: path, fix: "choose another name"))
            }
            if let fromDB {
                try writeFromDatabase(fromDB, folder: folder, id: id, name: slug, path: path, now: now)
                return
            }
            guard rename.isEmpty else {
                throw DiagnosticError(Diagnostic("--rename is for --from-db", object: "--rename", fix: "add --from-db URL, or leave out --rename"))
            }
            let quotedDescription = description.map { "description: " + Self.yamlQuoted($0) + "\n" } ?? ""
            let text = """
                mgen: 1
                id: "\(id)"
                name: \(slug)
                \(quotedDescription)created: \(Self.timestamp(now, separators: true))
                # Fill in the operations (docs/spec.md lists them all), for example:
                #   - add_column: {table: users, column: {name: nickname, type: string(50)}}
                operations: []

                """
            try writeAtomically(text, to: path)
            print("created \(path)")
        }
    }

    func writeFromDatabase(_ text: String, folder: String, id: String, name: String, path: String, now: Date) throws(DiagnosticError) {
        let url = try databaseURL(text, option: "--from-db")
        let renames = try rename.map { (r: String) throws(DiagnosticError) -> SchemaRename in try SchemaRename(parsing: r) }
        var isDirectory: ObjCBool = false
        let chain = FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
            ? try MigrationChain.load(paths: [folder]) : try MigrationChain.build([])
        if chain.migrations.isEmpty {
            printErr("note: \(folder) has no specs: every table is new to them (for a database that exists, `mgen baseline --db` writes a first spec that only declares it)")
        }
        let connection = try openDatabase(url, readOnly: true)
        defer { connection.close() }
        let made = try NewFromDatabase.make(after: chain, db: connection, source: url.description, id: id, name: name,
                                            created: Self.timestamp(now, separators: true), file: path, renames: renames,
                                            exclude: frameworkBookkeepingTables.union(splitList(exclude)))
        for note in made.notes { printErr("note: \(note)") }
        for line in made.residual { printErr("not written (the spec cannot say it): \(line)") }
        guard let yaml = made.yaml, let spec = made.spec else {
            print("\(url.description) has the schema of the specs in \(folder): nothing to write")
            return
        }
        try writeAtomically(yaml, to: path)
        print("created \(path): \(spec.operations.map(\.value.kind).joined(separator: ", "))")
    }

    /// The ids of the specs in a folder, from `id:` lines (and file names `NNNN_...`), without
    /// loading them: a spec being written may not be valid yet.
    static func existingIDs(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var ids: [String] = []
        for file in names where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
            let prefix = file.prefix { $0.isASCII && $0.isNumber }
            if !prefix.isEmpty { ids.append(String(prefix)) }
            let path = "\(folder)/\(file)"
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  (attributes[.size] as? Int ?? 0) < 1_000_000,
                  let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("id:") {
                let value = line.dropFirst(3).trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'"))
                if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) { ids.append(value) }
                break
            }
        }
        return ids
    }

    /// The id after the highest numeric one, in the same width; a UTC timestamp when the ids are
    /// timestamps; 0001 in an empty folder.
    static func nextID(after ids: [String], now: Date) -> String {
        let numeric = ids.filter { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        let width = numeric.map(\.count).max() ?? 4
        if width >= 12 {
            let stamp = timestamp(now, separators: false)
            let highest = numeric.max { ($0.count, $0) < ($1.count, $1) } ?? ""
            // Two specs in the same second, or a clock behind the folder: one past the highest.
            if (stamp.count, stamp) > (highest.count, highest) { return stamp }
            return increment(highest)
        }
        guard let highest = numeric.max(by: { ($0.count, $0) < ($1.count, $1) }) else { return "0001" }
        let next = increment(highest)
        return String(repeating: "0", count: max(0, width - next.count)) + next
    }

    /// A decimal string plus one, of any length.
    static func increment(_ digits: String) -> String {
        var result = Array(digits)
        var i = result.count - 1
        while i >= 0 {
            if result[i] == "9" { result[i] = "0"; i -= 1 } else {
                result[i] = Character(String((result[i].wholeNumberValue ?? 0) + 1))
                return String(result)
            }
        }
        return "1" + String(result)
    }

    static func timestamp(_ date: Date, separators: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let parts = [c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0]
        let padded = parts.enumerated().map { String(format: $0.offset == 0 ? "%04d" : "%02d", $0.element) }
        guard separators else { return padded.joined() }
        return "\(padded[0])-\(padded[1])-\(padded[2])T\(padded[3]):\(padded[4]):\(padded[5])Z"
    }

    /// A double-quoted YAML scalar: one line, backslashes, quotes and control characters escaped.
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
