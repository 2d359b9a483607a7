import Foundation
import MGenSpec
import MGenSQL

/// TypeORM: `<timestamp>-<PascalName>.ts` exporting `class <PascalName><timestamp> implements
/// MigrationInterface`, written as `typeorm migration:generate` writes it: one
/// `await queryRunner.query(\`...\`)` per statement of MGenSQL's dialect SQL. The timestamp is
/// TypeORM's own, milliseconds since 1970 (13 digits), because TypeORM reads the last 13
/// characters of the class name as the migration's timestamp; mgen's version
/// (yyyymmddhhmmss) converts to it and back exactly. `--option js=true` writes the CommonJS `.js`
/// that `migration:generate -o` writes.
public struct TypeORMEmitter: Emitter {
    public init() {}
    public let name = "typeorm"
    public let aliases: [String] = []
    public let dialects = Dialect.allCases
    public let layout = "<13-digit ms timestamp>-<PascalName>.ts (class <PascalName><timestamp>; .js with --option js=true)"
    public let proof = "database run (emitted up/down run by node with a node-pg QueryRunner; tsc type-check)"
    public let defaultVersioning = Versioning.timestamp
    public let acceptedOptions = [TargetOption.flag("js", "write CommonJS .js migrations instead of .ts")]
    public func defaultOutput(options: [String: String]) -> String? { "src/migrations" }  // typeorm migration:create src/migrations/Name

    /// `20250115090000` → `1736931600000`.
    static func milliseconds(_ version: String) throws(DiagnosticError) -> String {
        guard let seconds = parseTimestamp(version) else {
            throw DiagnosticError(Diagnostic("TypeORM needs a timestamp version, not '\(version)'", object: "--versioning",
                                             fix: "use --versioning timestamp"))
        }
        let text = String(seconds * 1000)
        // TypeORM reads exactly 13 digits: dates from 2001-09-09 to 2286-11-20.
        guard text.count == 13 else {
            throw DiagnosticError(Diagnostic("TypeORM timestamps have 13 digits; \(version) gives \(text)", object: "--timestamp",
                                             fix: "use a date between 2001 and 2286"))
        }
        return text
    }

    public func files(for migration: RenderedMigration, _ context: EmitContext) throws(DiagnosticError) -> [EmittedFile] {
        let js = try JS.flag("js", context)
        let timestamp = try Self.milliseconds(context.version)
        let base = JS.pascal(migration.planned.name)
        let className = base + timestamp
        let transactional = migration.upIsTransactional && migration.downIsTransactional
        var notes: [String] = []
        if !transactional {
            notes.append("`transaction = false`: run with `typeorm migration:run --transaction each` (or none); the default `all` refuses it.")
        }
        let indent = 8
        func body(_ statements: [SQLStatement]) -> String {
            if statements.isEmpty { return JS.indent("// Nothing to do on \(context.dialect).", indent) }
            return statements.map { statement in
                var text = statement.comment.map { LineComment.slashes.lines($0) + "\n" } ?? ""
                text += "await queryRunner.query(\(JS.template(statement.sql)));"
                return JS.indent(text, indent)
            }.joined(separator: "\n")
        }
        // The class's `transaction = false` covers both directions: timeouts first only when both are
        // transactional; else a split migration's parts each get an explicit transaction.
        func statements(_ statements: [SQLStatement]) -> [SQLStatement] {
            migration.runnerStatements(statements, context.render, dialect: context.dialect, runnerTransactional: transactional)
        }
        var values: [String: Any] = [
            "header": JS.header(migration, context, notes: notes),
            "className": className,
            "up": body(statements(migration.up)),
            "noTransaction": !transactional,
        ]
        if let down = migration.down {
            values["down"] = body(statements(down))
        } else {
            let reason = migration.planned.migration.irreversible ?? "no down"
            values["down"] = JS.indent("throw new Error(\(JS.string("\(migration.planned.name) is irreversible: \(reason)")));", indent)
        }
        let template = js ? "typeorm/typeorm.migration.js.mustache" : "typeorm/typeorm.migration.ts.mustache"
        return [EmittedFile(path: "\(timestamp)-\(base).\(js ? "js" : "ts")", contents: try context.templates.render(template, values))]
    }

    public func scan(_ folder: String) throws(DiagnosticError) -> [DiskMigration] {
        JS.scan(folder, digits: 13, separator: "-", extensions: ["ts", "js"],
                version: { digits in UInt64(digits).map { formatTimestamp(Int($0 / 1000)) } },
                read: Self.parse)
    }

    /// The SQL of a TypeORM migration, read back from its `queryRunner.query(\`...\`)` calls: the
    /// statements of `up` and of `down`, and whether the class says `transaction = false`.
    static func parse(_ text: String) -> (up: [String], down: [String]?, upTransactional: Bool, downTransactional: Bool) {
        func queries(in section: Substring) -> [String] {
            var out: [String] = []
            var rest = section
            while let start = rest.range(of: "queryRunner.query(`") {
                var end = start.upperBound
                var escaped = false
                while end < rest.endIndex {
                    let c = rest[end]
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "`" { break }
                    end = rest.index(after: end)
                }
                out.append(JS.untemplate(rest[start.upperBound..<end]))
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            }
            return out
        }
        let upStart = text.range(of: "async up(")
        let downStart = text.range(of: "async down(")
        let upText = upStart.map { text[$0.upperBound..<(downStart?.lowerBound ?? text.endIndex)] } ?? ""
        let downText = downStart.map { text[$0.upperBound...] } ?? ""
        let transactional = !text.contains("transaction = false")
        let irreversible = downText.contains("throw new Error(")
        return (queries(in: upText), irreversible ? nil : queries(in: downText), transactional, transactional)
    }
}
