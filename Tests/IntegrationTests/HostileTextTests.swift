import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// Free text from a spec lands in comments, docstrings and string literals of every emitted file.
/// Each target × dialect emits one chain twice: with plain words, and with text built to break
/// out of every kind of comment and string (line breaks of every language, quotes, `*/`, `"""`,
/// `${}`, `#{}`, `%`, backslashes, a goose annotation, a `coding:` cookie). The languages' own
/// parsers must read both files as the same program (their syntax trees, strings blanked, are
/// equal), and the SQL files, run by the databases' own clients, must make the same tables and
/// leave the table the text tries to drop.
@Suite(.serialized) struct HostileTextTests {
    /// For text that only reaches comments and docstrings (description, irreversible, file name).
    static let free = "x\nDROP TABLE victim;\r\nimport os; os.system('touch PWNED')\u{2028}require('fs').writeFileSync('PWNED','')"
        + "\u{2029}-- +goose Down\n+goose Down\n-*- coding: utf-16 -*-\n__END__\n*/ /* \"\"\" ''' ` ${process.exit(3)} #{system('touch PWNED')}"
        + " %s %(x)s %% \\ \\x \\N{x} \\u{2028} $$ \u{85}\u{0B}\u{0C}\u{1C}\u{0}\u{7}\u{202E}end\""
    /// For text that is also an SQL string literal (table and column comments): no NUL (no
    /// database stores one) and no line starting `-- +goose` (goose cannot carry it: refused,
    /// see `gooseRefusesAnAnnotationInsideAStatement`).
    static let literal = "x\nDROP TABLE victim;\r\nimport os; os.system('touch PWNED')\u{2028}require('fs').writeFileSync('PWNED','')"
        + "\u{2029}+goose Down\n*/ /* \"\"\" ''' ` ${process.exit(3)} #{system('touch PWNED')} %s %(x)s %% \\ \\x \\N{x} $$ end\""

    /// A YAML double-quoted scalar (JSON's escapes are YAML's).
    static func yaml(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Two specs: a table with comments, then an irreversible spec adding a commented column.
    /// The free text is set on the loaded specs, past the loader's checks: the emitters must be
    /// safe whatever a spec holds.
    static func chain(free: String?, literal: String?) throws -> MigrationChain {
        // The plain comment holds a `%` too: Django on MySQL writes a step whose comment has one as
        // RunSQL (an AlterField's reverse would restate it undoubled), so both chains take that path.
        let comment = yaml(literal ?? "plain words, 100%")
        let first = """
        mgen: 1
        id: "0001"
        name: create notes
        description: plain words
        created: 2025-01-15T09:00:00Z
        operations:
          - create_table:
              table: notes
              comment: \(comment)
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
                - {name: body, type: text, comment: \(comment)}
        """
        let second = """
        mgen: 1
        id: "0002"
        name: add title
        description: plain words
        irreversible: plain words
        created: 2025-01-16T09:00:00Z
        operations:
          - add_column:
              table: notes
              column: {name: title, type: string(50), comment: \(comment)}
          - sql:
              up: "UPDATE notes SET title = 'x'"
        """
        var specs = [try SpecLoader.load(text: first, file: "Specs/0001_create_notes.yaml"),
                     try SpecLoader.load(text: second, file: "Specs/0002_add_title.yaml")]
        if let free {
            for i in specs.indices {
                specs[i].description = free
                specs[i].file = "Specs/\(free)/\(specs[i].file)"
            }
            specs[1].irreversible = free
        }
        return try MigrationChain.build(specs)
    }

    struct Cell: CustomTestStringConvertible, Sendable {
        var target: String
        var dialect: Dialect
        var options: [String: String]
        var testDescription: String { ([target, dialect.rawValue] + options.keys.sorted()).joined(separator: " ") }
    }

    static let cells: [Cell] = EmitterRegistry.all.flatMap { emitter in
        let variants: [[String: String]] = switch emitter.name {
        case "typeorm": [[:], ["js": "true"]]
        case "knex": [[:], ["ts": "true"]]
        default: [[:]]
        }
        return emitter.dialects.flatMap { dialect in variants.map { Cell(target: emitter.name, dialect: dialect, options: $0.merging(["app": "blog"]) { a, _ in a }) } }
    }

    static let shapes = packageRoot.appendingPathComponent("Tests/IntegrationTests/Fixtures/shape").path

    func emit(_ chain: MigrationChain, _ cell: Cell) throws -> String {
        let folder = try temporaryFolder("hostile-\(cell.target)")
        let options = EmitOptions(dialect: cell.dialect, output: folder, targetOptions: cell.options)
        try EmitEngine.write(EmitEngine.plan(chain, emitter: EmitterRegistry.require(cell.target), options: options), force: false)
        return folder
    }

    /// The syntax trees of every source file of a folder, strings blanked, by the language's parser.
    func shapes(_ folder: String) throws -> String {
        let files = filesUnder(folder).keys.sorted()
        var out = ""
        func run(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) throws {
            let result = try runTool(tool, arguments, environment: environment, in: folder)
            guard result.status == 0 else { throw ToolFailure("\(tool) \(arguments.joined(separator: " ")) failed:\n\(result.output)") }
            out += result.stdout
        }
        let python = files.filter { $0.hasSuffix(".py") }.map { "\(folder)/\($0)" }
        if !python.isEmpty { try run(venvPython, ["\(Self.shapes)/shape.py"] + python) }
        let ruby = files.filter { $0.hasSuffix(".rb") }.map { "\(folder)/\($0)" }
        if !ruby.isEmpty {
            try run("/usr/bin/ruby", ["-c"] + ruby)
            try run("/usr/bin/ruby", ["\(Self.shapes)/shape.rb"] + ruby)
        }
        let js = files.filter { $0.hasSuffix(".js") || $0.hasSuffix(".ts") }.map { "\(folder)/\($0)" }
        if !js.isEmpty {
            let node = try JSTools.find("node")
            for file in js where file.hasSuffix(".js") { try run(node, ["--check", file]) }
            try run(node, ["\(Self.shapes)/shape.js"] + js, environment: JSTools.environment)
        }
        for file in files where file.hasSuffix(".toml") {
            try run(venvPython, ["-c", "import sys, tomllib; print(tomllib.load(open(sys.argv[1], 'rb')))", "\(folder)/\(file)"])
        }
        return out
    }

    /// The up SQL of each migration, in order, as the target's runner would send it.
    func upScripts(_ folder: String, target: String) throws -> [String] {
        let files = filesUnder(folder)
        switch target {
        case "sql", "golang-migrate":
            return files.keys.filter { $0.hasSuffix(".up.sql") }.sorted().compactMap { files[$0] }
        case "prisma":
            return files.keys.filter { $0.hasSuffix("/migration.sql") }.sorted().compactMap { files[$0] }
        case "goose":
            return try files.keys.sorted().compactMap { name in
                try files[name].map { try GooseEmitter.parse($0, file: name).up.joined(separator: "\n") }
            }
        default:
            return []
        }
    }

    @Test(arguments: cells)
    func hostileTextStaysText(cell: Cell) throws {
        let plain = try emit(try Self.chain(free: nil, literal: nil), cell)
        let hostile = try emit(try Self.chain(free: Self.free, literal: Self.literal), cell)
        defer { for folder in [plain, hostile] { try? FileManager.default.removeItem(atPath: folder) } }
        let texts = filesUnder(hostile)
        #expect(texts.count == filesUnder(plain).count)
        #expect(texts.values.contains { $0.contains("touch PWNED") }, "the hostile text reaches the files")
        for (path, text) in texts {
            // Invisible characters of the free text (NUL, a right-to-left override) are spelled out.
            #expect(!text.unicodeScalars.contains { $0.value == 0 || $0.value == 0x202E }, "\(path) carries a raw NUL or U+202E")
        }
        let plainShapes = try shapes(plain)
        #expect(plainShapes == (try shapes(hostile)))

        let upPlain = try upScripts(plain, target: cell.target)
        let upHostile = try upScripts(hostile, target: cell.target)
        #expect(upPlain.map(SQLFiles.statements).map(\.count) == upHostile.map(SQLFiles.statements).map(\.count))
        if !upHostile.isEmpty { try applyWithClient(upHostile, dialect: cell.dialect) }
    }

    /// Runs each script with the database's own command-line client on a scratch database that
    /// holds a table `victim`; afterwards `notes` and `victim` exist, and nothing else.
    func applyWithClient(_ scripts: [String], dialect: Dialect, table: String = "notes", comment: String? = literal) throws {
        let folder = try temporaryFolder("hostile-sql")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let paths = try scripts.enumerated().map { i, script in
            let path = "\(folder)/\(i).sql"
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func check(_ run: (String) throws -> Void, tables: () throws -> [String]) throws {
            for path in paths { try run(path) }
            #expect(try tables().sorted() == [table, "victim"].sorted())
        }
        switch dialect {
        case .sqlite:
            let db = "\(folder)/db.sqlite"
            func sqlite(_ command: String) throws -> String {
                let result = try runTool("/usr/bin/sqlite3", ["-bail", db, command])
                guard result.status == 0, result.stderr.isEmpty else { throw ToolFailure("sqlite3 \(command): \(result.output)") }
                return result.stdout
            }
            _ = try sqlite("CREATE TABLE victim (id integer)")
            try check({ _ = try sqlite(".read \($0)") }, tables: {
                try sqlite("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .split(separator: "\n").map(String.init)
            })
        case .postgresql:
            guard DBEnv.enabled(DBEnv.pgKey) else { return }
            try withScratchDatabase(DBEnv.url(DBEnv.pgKey)) { db, url in
                try db.execute("CREATE TABLE victim (id integer)")
                try check({ path in
                    let result = try runTool("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", path, Self.libpq(url)])
                    guard result.status == 0 else { throw ToolFailure("psql \(path): \(result.output)") }
                }, tables: { try db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").column("tablename").compactMap { $0 } })
                // The comment arrived as the spec wrote it, not cut or unescaped.
                if let comment {
                    let stored = try db.query("SELECT obj_description('notes'::regclass, 'pg_class') AS c").column("c")
                    #expect(stored == [comment])
                }
            }
        case .mysql:
            guard DBEnv.enabled(DBEnv.mysqlKey) else { return }
            try withScratchDatabase(DBEnv.url(DBEnv.mysqlKey)) { db, url in
                try db.execute("CREATE TABLE victim (id integer)")
                var arguments = ["--batch", "-h", url.host ?? "127.0.0.1", "-u", url.user ?? "root"]
                if let port = url.port { arguments += ["-P", String(port)] }
                if let password = url.password { arguments.append("--password=\(password)") }
                arguments.append(url.database ?? "")
                try check({ path in
                    let result = try runTool("/usr/bin/mariadb", arguments + ["-e", "source \(path)"])
                    guard result.status == 0, result.stderr.isEmpty else { throw ToolFailure("mariadb \(path): \(result.output)") }
                }, tables: { try db.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()").column("t").compactMap { $0 } })
                if let comment {
                    let stored = try db.query("SELECT table_comment AS c FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'notes'").column("c")
                    #expect(stored == [comment])
                }
            }
        }
    }

    /// `postgres://user@host:port/db` for psql.
    static func libpq(_ url: DatabaseURL) -> String {
        var text = "postgresql://"
        if let user = url.user { text += user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? user }
        if let password = url.password { text += ":" + (password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password) }
        if url.user != nil || url.password != nil { text += "@" }
        text += url.host ?? "127.0.0.1"
        if let port = url.port { text += ":\(port)" }
        return text + "/" + (url.database ?? "")
    }

    /// Table, column and index names with every quote and interpolation sign (as long as the
    /// spec's checks allow): every file parses, no string became an interpolation or a command
    /// (no `${}` template, `#{}`, backtick command or f-string node in any syntax tree), and the SQL
    /// files make the table under its exact name.
    static let table = "n\"o'te`${x}`#{y}%s\\x*/\"\"\""
    static let column = "t\"i'tle${x}#{y}%(x)s\\N"

    static func namesChain() throws -> MigrationChain {
        let first = """
        mgen: 1
        id: "0001"
        name: create notes
        created: 2025-01-15T09:00:00Z
        operations:
          - create_table:
              table: \(yaml(table))
              columns:
                - {name: id, type: bigint, identity: true, primary_key: true}
                - {name: \(yaml(column)), type: string(100)}
          - create_index: {table: \(yaml(table)), columns: [\(yaml(column))], name: \(yaml("ix" + column))}
        """
        let second = """
        mgen: 1
        id: "0002"
        name: add title
        created: 2025-01-16T09:00:00Z
        operations:
          - add_column:
              table: \(yaml(table))
              column: {name: \(yaml("x" + column)), type: string(50)}
          - rename_column: {table: \(yaml(table)), column: \(yaml(column)), to: \(yaml("y" + column))}
        """
        return try MigrationChain.build([try SpecLoader.load(text: first, file: "Specs/0001_create_notes.yaml"),
                                         try SpecLoader.load(text: second, file: "Specs/0002_add_title.yaml")])
    }

    @Test(arguments: cells)
    func hostileNamesStayNames(cell: Cell) throws {
        let folder = try emit(try Self.namesChain(), cell)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let shapes = try shapes(folder)
        for node in ["JoinedStr", "FormattedValue", "TemplateExpression", "TaggedTemplateExpression"] {
            #expect(!shapes.contains(node), "\(node) in \(cell.testDescription)")
        }
        for line in shapes.split(separator: "\n") {
            let kind = line.trimmingCharacters(in: .whitespaces)
            #expect(!["DSTR", "EVSTR", "XSTR", "DXSTR", "DSYM", "DREGX"].contains(kind), "\(kind) in \(cell.testDescription)")
        }
        let scripts = try upScripts(folder, target: cell.target)
        if !scripts.isEmpty { try applyWithClient(scripts, dialect: cell.dialect, table: Self.table, comment: nil) }
    }

    /// goose reads `-- +goose Down` at the start of any line as an annotation, even inside a
    /// string literal: a comment whose text has such a line cannot be written for goose.
    @Test func gooseRefusesAnAnnotationInsideAStatement() throws {
        let chain = try Self.chain(free: nil, literal: "fine\n-- +goose Down\nDROP TABLE victim;")
        let error = try #require(throws: DiagnosticError.self) {
            _ = try emit(chain, Cell(target: "goose", dialect: .postgresql, options: [:]))
        }
        #expect(error.diagnostics.first?.message.contains("goose would read as an annotation") == true)
        // The other SQL targets carry it inside the literal.
        _ = try emit(chain, Cell(target: "sql", dialect: .postgresql, options: [:]))
    }
}
