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

    public var specs: String
    public var dialect: String?
    public var templates: String?
    public var outputs: [Output]
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
        let f = Fields(root, context: path, allowed: ["specs", "dialect", "templates", "targets"], sink: sink)
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
        let config = ProjectConfig(specs: f.string("specs") ?? "Specs", dialect: f.string("dialect"), templates: f.string("templates"),
                                   outputs: outputs, file: path)
        if !sink.diagnostics.isEmpty { throw DiagnosticError(sink.diagnostics) }
        return config
    }
}
