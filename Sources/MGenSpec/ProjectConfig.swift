import Foundation

/// `mgen.yaml`: where the specs are and what a bare `mgen emit` writes, so a repo with several
/// services (each with its own framework) regenerates everything with one command.
///
///     specs: Specs
///     dialect: postgresql
///     targets:
///       - {target: goose, out: services/api/db/migrations}
///       - {target: prisma, out: services/web/prisma/migrations}
///       - {target: django, app: shop, options: {}}   # out defaults to shop/migrations
public struct ProjectConfig: Sendable {
    public struct Output: Sendable {
        public var target: String
        public var dialect: String?
        /// nil: the target's own default (Django's `<app>/migrations`, Alembic's alembic.ini).
        public var out: String?
        /// Target-specific options (`app`, `rev-id`, ...), as `--option key=value` gives them.
        public var options: [String: String]
        public var versioning: String?
        public var location: SourceLocation
    }

    /// mgen.yaml's `lint:` section: rules turned off or given another severity project-wide.
    public struct Lint: Sendable {
        public var disable: [String] = []
        public var disableLocations: [SourceLocation] = []
        /// Rule → `error`, `warning` or `info`, as written (the linter checks the names).
        public var severity: [(rule: String, severity: String, location: SourceLocation)] = []
        public init() {}
    }

    public var specs: String
    /// `postgresql`, or with the server version the linter assumes: `postgresql@15`, `mariadb@10.11`.
    public var dialect: String?
    public var templates: String?
    public var outputs: [Output]
    public var lint = Lint()
    /// mgen.yaml's `timeouts: {lock: 5s, statement: 10min}` (`off` for none): the `SET LOCAL`
    /// timeouts of transactional PostgreSQL migrations, as written (the emit command checks them).
    public var timeouts: (lock: (String, SourceLocation)?, statement: (String, SourceLocation)?) = (nil, nil)
    public var file: String

    public static let fileName = "mgen.yaml"

    /// Reads `mgen.yaml` from the current folder, or nil when there is none.
    public static func load(path: String = fileName) throws(DiagnosticError) -> ProjectConfig? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let sink = DiagnosticSink(file: path)
        let root: Node?
        do { root = try YAMLReader.parse(text) } catch {
            throw DiagnosticError(SpecLoader.yamlDiagnostic(error, file: path))
        }
        guard let root else { return ProjectConfig(specs: "Specs", dialect: nil, templates: nil, outputs: [], file: path) }
        let f = Fields(root, context: path, allowed: ["specs", "dialect", "templates", "targets", "lint", "timeouts"], sink: sink)
        var outputs: [Output] = []
        for node in f.sequence("targets") ?? [] {
            let t = Fields(node, context: "a target", allowed: ["target", "dialect", "out", "versioning", "app", "options"], sink: sink)
            var options: [String: String] = [:]
            if let node = t.node("options") {
                if case let .mapping(mapping) = node {
                    for (key, value) in mapping { if let k = key.string, let v = value.string { options[k] = v } }
                } else {
                    sink.error("'options' of a target must map option names to values", at: sink.location(node))
                }
            }
            if let app = t.string("app") { options["app"] = app }
            if let target = t.string("target", required: true) {
                outputs.append(Output(target: target, dialect: t.string("dialect"), out: t.string("out"), options: options,
                                      versioning: t.string("versioning"),
                                      location: sink.location(node)))
            }
        }
        var config = ProjectConfig(specs: f.string("specs") ?? "Specs", dialect: f.string("dialect"), templates: f.string("templates"),
                                   outputs: outputs, file: path)
        if let node = f.node("lint") {
            let l = Fields(node, context: "'lint'", allowed: ["disable", "severity"], sink: sink)
            config.lint.disable = l.stringList("disable") ?? []
            if case let .sequence(items, _)? = l.node("disable") { config.lint.disableLocations = items.map { sink.location($0) } }
            else if let item = l.node("disable") { config.lint.disableLocations = [sink.location(item)] }
            if let severities = l.node("severity") {
                if case let .mapping(mapping) = severities {
                    for (key, value) in mapping {
                        if let rule = key.string, let level = value.string {
                            config.lint.severity.append((rule, level, sink.location(value)))
                        } else {
                            sink.error("'severity' maps rule names to error, warning or info", at: sink.location(key))
                        }
                    }
                } else {
                    sink.error("'severity' in 'lint' must map rule names to error, warning or info", at: sink.location(severities))
                }
            }
        }
        if let node = f.node("timeouts") {
            let t = Fields(node, context: "'timeouts'", allowed: ["lock", "statement"], sink: sink)
            config.timeouts.lock = t.string("lock").map { ($0, t.node("lock").map { sink.location($0) } ?? sink.location(node)) }
            config.timeouts.statement = t.string("statement").map { ($0, t.node("statement").map { sink.location($0) } ?? sink.location(node)) }
        }
        if !sink.diagnostics.isEmpty { throw DiagnosticError(sink.diagnostics) }
        return config
    }
}
