import Foundation
import MGenSpec
import MGenSQL

/// What the JavaScript targets (TypeORM, Knex, Sequelize) share: JavaScript literals, the names
/// their generators give files and classes, the `//` header, and reading a folder back.
enum JS {
    // MARK: Literals

    /// A single-quoted JavaScript string, as the three frameworks' own stubs and docs write them.
    static func string(_ text: String) -> String {
        var out = "'"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // Line separators end a string literal in older engines; the others would hide.
                if printsAsIs(scalar) { out.unicodeScalars.append(scalar) } else {
                    let hex = String(scalar.value, radix: 16)
                    out += scalar.value <= 0xFFFF ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex : "\\u{\(hex)}"
                }
            }
        }
        return out + "'"
    }

    /// A template literal holding `text` verbatim: backslashes, backticks and `${` escaped, so SQL
    /// reaches the database exactly as MGenSQL rendered it (TypeORM's generator escapes backticks
    /// the same way). A CR is `\r`: JavaScript would read a raw one in a template as LF.
    static func template(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`")
            .replacingOccurrences(of: "${", with: "\\${").replacingOccurrences(of: "\r", with: "\\r")
        return "`" + escaped + "`"
    }

    /// Raw SQL as a JavaScript literal: single quotes for one line without quotes of its own
    /// (the common DDL), a template literal otherwise (no `\'` noise in SQL string literals).
    static func sql(_ text: String) -> String {
        text.contains("'") || text.contains("\n") || text.contains("\\") ? template(text) : string(text)
    }

    /// Reads a template literal back (the inverse of `template`), for scanning TypeORM files.
    static func untemplate(_ body: Substring) -> String {
        var out = ""
        var escaped = false
        for character in body {
            if escaped { out.append(character == "r" ? "\r" : character); escaped = false } else if character == "\\" { escaped = true } else { out.append(character) }
        }
        return out
    }

    /// A literal default as JavaScript: numbers stay numbers, strings are quoted. A number a JS
    /// double cannot hold exactly (an integer beyond 2^53, a decimal of more than 15 significant
    /// digits) is written as a string, which Knex and Sequelize pass on as the column's default and
    /// the database converts exactly; as a JS number it would silently become another value.
    static func literal(_ value: Literal) -> String {
        switch value {
        case let .string(s): string(s)
        case let .integer(i): i.magnitude <= maxSafeInteger ? String(i) : string(String(i))
        case let .number(n): n.filter(\.isNumber).drop { $0 == "0" }.count <= 15 ? n : string(n)
        case let .boolean(b): b ? "true" : "false"
        case .null: "null"
        }
    }

    /// `Number.MAX_SAFE_INTEGER`: every integer up to it is exact as a JavaScript number.
    static let maxSafeInteger: UInt64 = (1 << 53) - 1

    /// An object key: bare when it is an identifier, quoted otherwise.
    static func key(_ name: String) -> String {
        guard let first = name.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first),
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "$") })
        else { return string(name) }
        return name
    }

    static func list(_ names: [String]) -> String { "[" + names.map(string).joined(separator: ", ") + "]" }

    /// Indents generated code, leaving alone the lines that continue a template literal: those
    /// are SQL text, which must reach the database as MGenSQL rendered it.
    static func indent(_ text: String, _ spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        enum State { case code, single, template }
        var state = State.code
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out.append(state == .template || line.isEmpty ? String(line) : pad + line)
            var escaped = false
            var previous: Character = " "
            for character in line {
                defer { previous = character }
                if escaped { escaped = false; continue }
                switch (state, character) {
                case (.code, "'"): state = .single
                case (.code, "`"): state = .template
                case (.single, "\\"), (.template, "\\"): escaped = true
                case (.single, "'"), (.template, "`"): state = .code
                default: break
                }
                // A line comment: the rest of the line is not code.
                if state == .code, character == "/", previous == "/" { break }
            }
            if state == .single { state = .code } // a single-quoted string never spans lines
        }
        return out.joined(separator: "\n")
    }

    // MARK: Names

    /// `create_users` → `CreateUsers`: TypeORM's class names. A leading digit gets an `M` so the
    /// class name stays an identifier.
    static func pascal(_ name: String) -> String {
        var out = ""
        var upperNext = true
        for scalar in name.unicodeScalars {
            guard scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) else { upperNext = true; continue }
            out += upperNext ? String(scalar).uppercased() : String(scalar)
            upperNext = false
        }
        if out.isEmpty { out = "Migration" }
        if let first = out.unicodeScalars.first, CharacterSet.decimalDigits.contains(first) { out = "M" + out }
        return out
    }

    /// `create_users` → `create-users`: sequelize-cli's file names.
    static func kebab(_ slug: String) -> String { slug.replacingOccurrences(of: "_", with: "-") }

    // MARK: Header

    /// The `//` header every JavaScript file starts with: origin, the `mgen: spec` marker
    /// `mgen emit --check` reads back, and what a reader must know before running it.
    /// `sendsRebuild`: for the builder targets (not MGenSQL's SQL throughout), whether their up or
    /// down sends a SQLite rebuild as raw SQL; the rebuild note is kept only then.
    static func header(_ migration: RenderedMigration, _ context: EmitContext, notes: [String] = [], sendsRebuild: Bool? = nil) -> String {
        var text = SQLFiles.header(migration, dialect: context.dialect, direction: .up, comment: "//", rebuild: sendsRebuild ?? true)
        if !migration.downIsTransactional, migration.upIsTransactional {
            text += "\n// The down runs outside a transaction (CONCURRENTLY, or a backfill that commits each batch)."
        }
        for note in notes { text += "\n// \(note)" }
        return text
    }

    // MARK: Scanning

    /// The migrations of a folder whose names are `<digits><separator><name>.<ext>`, in the
    /// frameworks' own order (file names sorted: Knex and sequelize-cli sort lexically, TypeORM by
    /// the timestamp, which sorts the same for equal widths).
    static func scan(_ folder: String, digits: Int, separator: Character, extensions: [String],
                     version: (Substring) -> String?, read: (String) -> (up: [String], down: [String]?, upTransactional: Bool, downTransactional: Bool))
        -> [DiskMigration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [DiskMigration] = []
        for name in names.sorted() {
            guard let ext = extensions.first(where: { name.hasSuffix(".\($0)") }), name.count > digits + ext.count + 2,
                  name.prefix(digits).allSatisfy(\.isASCIIDigit), name.dropFirst(digits).first == separator,
                  let number = version(name.prefix(digits)) else { continue }
            let text = (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? ""
            let marker = SQLFiles.readMarker(text)
            let parsed = read(text)
            out.append(DiskMigration(version: number, name: String(name.dropFirst(digits + 1).dropLast(ext.count + 1)), files: [name],
                                     specID: marker?.id, specSHA256: marker?.sha256, up: parsed.up, down: parsed.down,
                                     upTransactional: parsed.upTransactional, downTransactional: parsed.downTransactional))
        }
        return out
    }

    /// The extension chosen by a boolean `--option key=true`.
    static func flag(_ key: String, _ context: EmitContext) throws(DiagnosticError) -> Bool {
        guard let value = context.targetOptions[key] else { return false }
        switch value.lowercased() {
        case "true", "1", "yes", "": return true
        case "false", "0", "no": return false
        default:
            throw DiagnosticError(Diagnostic("--option \(key)=\(value): expected true or false", object: "--option",
                                             fix: "pass --option \(key)=true"))
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// One step of a migration as the JavaScript builders (Knex, Sequelize) see it: the operation,
/// the states around it, and MGenSQL's rendering of it for the raw fallback.
struct JSStep {
    var operation: MGenSpec.Operation
    var before: SchemaState
    var after: SchemaState
    /// The state after the whole migration (a column added now may get its foreign key later).
    var migrationAfter: SchemaState
    var dialect: Dialect
    var sqlDialect: any SQLDialect
    /// MGenSQL's statements for this step, exactly as the SQL targets would run them.
    var statements: [SQLStatement]

    /// The steps of one direction, each rendered on its own (the same contexts SQLRenderer uses,
    /// so the raw fallback is byte for byte what the SQL targets emit); nil for no down.
    static func steps(_ migration: RenderedMigration, direction: Direction, dialect: Dialect,
                      options: RenderOptions = RenderOptions()) throws(DiagnosticError) -> [JSStep]? {
        let planned = migration.planned
        let renderer = SQLRenderer(dialect: dialect, options: options)
        return try StepDriver(planned, dialect: dialect).map(direction) { (step, context) throws(Unsupported) in
            JSStep(operation: step.operation, before: step.before, after: context.after,
                   migrationAfter: planned.end(direction), dialect: dialect, sqlDialect: renderer.dialect,
                   statements: try renderer.render(step.operation, context))
        }
    }

    /// Whether a builder target sends a SQLite table rebuild as raw SQL: some step's rebuild
    /// statement (a `tableRebuild` fact) is among the calls the target made of it. `raw` renders
    /// one statement the way the target sends raw SQL.
    static func sendsRebuild(_ steps: [(step: JSStep, calls: [String])], raw: (SQLStatement) -> [String]) -> Bool {
        steps.contains { step, calls in
            step.statements.contains { statement in
                statement.rebuiltTable != nil && raw(statement).allSatisfy(calls.contains)
            }
        }
    }

    /// Whether MGenSQL rebuilds the table for this step (SQLite).
    var isRebuild: Bool { !statements.rebuiltTables.isEmpty }

    /// Whether MGenSQL adds or drops a foreign key's own index beside what an index or unique
    /// step says (MySQL; see docs/spec.md, drop_index): a builder call would leave that out, so the
    /// step is sent as MGenSQL's statements.
    var movesForeignKeyIndexes: Bool {
        let moves = statements.facts.contains {
            switch $0 {
            case .foreignKeyIndexRestored, .foreignKeyIndexDropped: true
            case .tableRebuild, .invalidIndexCleanup, .constraintAdded, .constraintDropped, .uniqueFromIndex, .deferredChecksSettled: false
            }
        }
        switch operation {
        case .createIndex, .dropIndex, .addUnique: return moves
        case let .dropConstraint(table, name): return moves && before.table(table)?.uniques.contains { $0.name == name } == true
        default: return false
        }
    }

    /// The table a column lives in after this step.
    func table(_ name: String) -> Table? { after.table(name) ?? before.table(name) }

    /// Whether a single-column foreign key from `table.column` points at an auto-increment
    /// column (Knex makes those unsigned on MySQL, so the referencing column must be too).
    func referencesIncrements(_ table: String, _ column: String) -> Bool {
        for state in [after, migrationAfter] {
            guard let owner = state.table(table) else { continue }
            for fk in owner.foreignKeys where fk.columns == [column] && fk.referencedColumns.count == 1 {
                if let target = state.table(fk.referencedTable)?.column(fk.referencedColumns[0]), target.identity { return true }
            }
        }
        return false
    }

    /// The columns of a table an SQL expression mentions (Sequelize's `fields:` of a check).
    static func mentionedColumns(_ expression: String, in table: Table) -> [String] {
        var words = Set<String>()
        var current = ""
        for character in expression + " " {
            if character == "_" || (character.isASCII && (character.isLetter || character.isNumber)) { current.append(character) } else {
                if !current.isEmpty { words.insert(current) }
                current = ""
            }
        }
        return table.columns.map(\.name).filter(words.contains)
    }
}
