import Foundation
import MGenSpec
import MGenTemplates
import Mustache

/// The skeletons one emit uses: the built-in ones, each overridable by `DIR/<target>/<file>`.
/// Parsed once, up front, so a broken user skeleton is reported before anything is written.
public struct TemplateSet: @unchecked Sendable {
    public let directory: String?
    private let templates: [String: MustacheTemplate]

    public init(directory: String? = nil) throws(DiagnosticError) {
        self.directory = directory
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DiagnosticError(Diagnostic("templates folder not found", object: directory,
                                                 fix: "pass a folder laid out like Templates/ (<target>/<target>.<file>.mustache)"))
            }
        }
        var templates: [String: MustacheTemplate] = [:]
        for path in BuiltinTemplates.files.keys.sorted() {
            var text = BuiltinTemplates.text(path) ?? ""
            var origin = "built-in \(path)"
            if let directory, let data = FileManager.default.contents(atPath: "\(directory)/\(path)") {
                text = String(decoding: data, as: UTF8.self)
                origin = "\(directory)/\(path)"
            }
            do {
                // Plain text, not HTML: no escaping of quotes and angle brackets in SQL or code.
                templates[path] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
            } catch {
                throw DiagnosticError(Diagnostic("template does not parse: \(error)", object: origin))
            }
        }
        self.templates = templates
    }

    /// Renders `<target>/<file>` with the values given.
    public func render(_ path: String, _ values: [String: Any]) throws(DiagnosticError) -> String {
        guard let template = templates[path] else {
            throw DiagnosticError(Diagnostic("no template \(path)", object: directory ?? "built-in templates"))
        }
        return template.render(values)
    }
}
