import Foundation
import MGenSpec

/// How `mgen lint` prints its findings.
public enum ReportFormat: String, Sendable, CaseIterable {
    case human, json, sarif, github
}

public enum LintReport {
    public static func render(_ findings: [Finding], format: ReportFormat, target: DatabaseTarget, colour: Bool = false) -> String {
        switch format {
        case .human: human(findings, target: target, colour: colour)
        case .json: json(findings, target: target)
        case .sarif: sarif(findings, target: target)
        case .github: github(findings)
        }
    }

    /// Compiler-style lines with the lock, why and fix indented below.
    public static func human(_ findings: [Finding], target: DatabaseTarget, colour: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for f in findings {
            let level = switch f.severity {
            case .error: paint("error", "1;31")
            case .warning: paint("warning", "1;33")
            case .info: paint("info", "1;36")
            }
            out += "\(f.file):\(f.line):\(f.column): \(level): \(f.message) [\(paint(f.rule, "1"))]\n"
            out += "  lock: \(f.lock); blocks \(f.blocks)\n"
            out += "  why: \(f.why)\n"
            out += "  fix: \(f.fix)\n"
        }
        let counts = Severity.allCases.reversed().map { level in (level, findings.filter { $0.severity == level }.count) }
        out += "\(target): " + counts.map { "\($0.1) \($0.0.rawValue)\($0.1 == 1 || $0.0 == .info ? "" : "s")" }.joined(separator: ", ") + "\n"
        return out
    }

    /// `{"findings": [...], "target": "postgresql@15"}`, written by hand in the layout JSONEncoder's
    /// `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` gives (the encoder took a tenth of
    /// the time of linting a large folder).
    public static func json(_ findings: [Finding], target: DatabaseTarget) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(findings.count * 1500 + 64)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        raw("{\n  \"findings\" : [")
        for (k, f) in findings.enumerated() {
            raw(k == 0 ? "\n    {\n" : ",\n    {\n")
            let fields: [(String, String, Bool)] = [
                ("blocks", f.blocks, true), ("column", String(f.column), false), ("file", f.file, true), ("fix", f.fix, true),
                ("line", String(f.line), false), ("lock", f.lock, true), ("message", f.message, true), ("rule", f.rule, true),
                ("severity", f.severity.rawValue, true), ("spec", f.spec, true), ("why", f.why, true),
            ]
            for (i, (key, value, quoted)) in fields.enumerated() {
                raw(i == 0 ? "      \"" : ",\n      \"")
                raw(key)
                raw("\" : ")
                if quoted { appendJSONString(value, to: &out) } else { raw(value) }
            }
            raw("\n    }")
        }
        raw(findings.isEmpty ? "\n\n  ],\n  \"target\" : " : "\n  ],\n  \"target\" : ")
        appendJSONString(target.description, to: &out)
        raw("\n}\n")
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest (UTF-8) as is.
    static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most texts need no escape: one copy.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(contentsOf: text.utf8)
            out.append(0x22)
            return
        }
        for b in text.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// GitHub Actions workflow commands: one annotation per finding on the spec line.
    public static func github(_ findings: [Finding]) -> String {
        findings.map { f in
            let level = switch f.severity { case .error: "error"; case .warning: "warning"; case .info: "notice" }
            return "::\(level) file=\(escapeProperty(f.file)),line=\(f.line),col=\(f.column),title=\(escapeProperty(f.rule))::\(escapeData("\(f.message). Fix: \(f.fix)"))"
        }.joined(separator: "\n") + (findings.isEmpty ? "" : "\n")
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    // MARK: SARIF 2.1.0

    struct SARIFLog: Encodable {
        var version = "2.1.0"
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case version, schema = "$schema", runs }
    }
    struct Run: Encodable { var tool: Tool; var results: [SARIFResult]; var properties: [String: String] }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "mgen"
        var semanticVersion: String
        var rules: [ReportingDescriptor]
    }
    struct Message: Encodable { var text: String }
    struct ReportingDescriptor: Encodable {
        var id: String
        var shortDescription: Message
        var fullDescription: Message
        var help: Message
        var defaultConfiguration: Configuration
        var properties: Properties
        struct Configuration: Encodable { var level: String }
        struct Properties: Encodable { var tags: [String]; var versions: String }
    }
    struct SARIFResult: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [Location]
        var properties: [String: String]
    }
    struct Location: Encodable { var physicalLocation: PhysicalLocation }
    struct PhysicalLocation: Encodable { var artifactLocation: ArtifactLocation; var region: Region }
    struct ArtifactLocation: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int; var startColumn: Int }

    static func level(_ severity: Severity) -> String {
        switch severity { case .error: "error"; case .warning: "warning"; case .info: "note" }
    }

    /// A SARIF 2.1.0 log (what GitHub code scanning uploads): every rule as a reporting
    /// descriptor, every finding as a result pointing at the spec line.
    public static func sarif(_ findings: [Finding], target: DatabaseTarget, toolVersion: String = "0.1.0") -> String {
        let rules = Rules.all.filter { $0.engines.contains(target.engine) }
        let descriptors = rules.map { rule in
            ReportingDescriptor(id: rule.id, shortDescription: Message(text: rule.summary), fullDescription: Message(text: rule.why),
                                help: Message(text: "Safe rewrite: \(rule.safe)"),
                                defaultConfiguration: .init(level: level(rule.severity)),
                                properties: .init(tags: ["migration-safety"] + rule.engines.map(\.rawValue).sorted(), versions: rule.versions))
        }
        let results = findings.map { f in
            SARIFResult(ruleId: f.rule, ruleIndex: rules.firstIndex { $0.id == f.rule } ?? 0, level: level(f.severity),
                        message: Message(text: "\(f.message). Lock: \(f.lock), blocks \(f.blocks). Fix: \(f.fix)"),
                        locations: [Location(physicalLocation: PhysicalLocation(artifactLocation: ArtifactLocation(uri: relativeURI(f.file)),
                                                                                 region: Region(startLine: max(f.line, 1), startColumn: max(f.column, 1))))],
                        properties: ["spec": f.spec, "lock": f.lock, "blocks": f.blocks])
        }
        let log = SARIFLog(runs: [Run(tool: Tool(driver: Driver(semanticVersion: toolVersion, rules: descriptors)), results: results,
                                      properties: ["database": target.description])])
        return encode(log)
    }

    /// SARIF wants a URI: relative paths stay relative (resolved against the repository root), with
    /// forward slashes and percent-encoding.
    static func relativeURI(_ path: String) -> String {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        return trimmed.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? trimmed
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
