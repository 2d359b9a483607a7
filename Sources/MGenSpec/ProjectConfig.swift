import Foundation

/// `mgen.yaml`: where the specs are and what a bare `mgen emit` writes, so a repo with several
/// services (each with its own framework) regenerates everything with one command.
///
///     specs: Specs
///     dialect: postgresql
///     targets:
///       - {target: goose, out: services/api/db/migrations}
///       - {target: prisma, out: services/web/prisma/migrations}
public struct ProjectConfig: Sendable {
    public struct Output: Sendable {
        public var target: String
        public var dialect: String?
        public var out: String
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
            let t = Fields(node, context: "a target", allowed: ["target", "dialect", "out", "versioning"], sink: sink)
            if let target = t.string("target", required: true), let out = t.string("out", required: true) {
                outputs.append(Output(target: target, dialect: t.string("dialect"), out: out, versioning: t.string("versioning"),
                                      location: sink.location(node)))
            }
        }
        let config = ProjectConfig(specs: f.string("specs") ?? "Specs", dialect: f.string("dialect"), templates: f.string("templates"),
                                   outputs: outputs, file: path)
        if !sink.diagnostics.isEmpty { throw DiagnosticError(sink.diagnostics) }
        return config
    }
}
