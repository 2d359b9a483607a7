import Foundation
import MGenSafety
import MGenSpec
import Testing

@Suite struct ReportTests {
    let operations = """
      - create_index: {name: idx_email, table: users, columns: [email]}
      - drop_column: {table: users, column: n}
    """

    func findings() throws -> [Finding] { try lint(operations, on: "postgresql@15") }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The JSON report is written by hand for speed: byte for byte what JSONEncoder wrote
    /// (pretty, sorted keys, slashes unescaped), escapes and non-ASCII text included, and empty.
    @Test func jsonIsWhatTheEncoderWrote() throws {
        struct Document: Encodable { var target: String; var findings: [Finding] }
        var odd = try findings()
        odd[0].message = "quote \" backslash \\ slash / tab \t newline \n bell \u{07} ünï 😀"
        let pg = try target("postgresql@15")
        for list in [odd, []] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let expected = String(decoding: try encoder.encode(Document(target: pg.description, findings: list)), as: UTF8.self) + "\n"
            #expect(LintReport.json(list, target: pg) == expected)
        }
    }

    /// The shape SARIF 2.1.0 requires (and GitHub code scanning reads): version, runs[].tool.driver
    /// with its rules, results with ruleId/ruleIndex/level/message.text and a physical location
    /// whose region starts at line >= 1.
    @Test func sarifShape() throws {
        let pg = try target("postgresql@15")
        let log = try object(LintReport.sarif(try findings(), target: pg))
        #expect(log["version"] as? String == "2.1.0")
        #expect((log["$schema"] as? String)?.hasSuffix("sarif-2.1.0.json") == true)
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "mgen")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.count == Rules.all.filter { $0.engines.contains(.postgresql) }.count)
        for rule in rules {
            #expect((rule["shortDescription"] as? [String: Any])?["text"] is String)
            #expect(["error", "warning", "note"].contains((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String ?? ""))
        }
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        #expect(results.count == (try findings()).count && results.count >= 2)
        for result in results {
            let id = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == id)
            #expect(["error", "warning", "note"].contains(result["level"] as? String ?? ""))
            #expect((result["message"] as? [String: Any])?["text"] is String)
            let physical = try #require(((result["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "0002.yaml")
            let region = try #require(physical["region"] as? [String: Any])
            #expect((region["startLine"] as? Int ?? 0) >= 1 && (region["startColumn"] as? Int ?? 0) >= 1)
        }
    }

    @Test func jsonListsEveryField() throws {
        let document = try object(LintReport.json(try findings(), target: try target("postgresql@15")))
        #expect(document["target"] as? String == "postgresql@15")
        let list = try #require(document["findings"] as? [[String: Any]])
        let first = try #require(list.first)
        for key in ["rule", "severity", "file", "line", "column", "spec", "message", "lock", "blocks", "why", "fix"] {
            #expect(first[key] != nil, "missing \(key)")
        }
    }

    /// One workflow command per finding; newlines, commas and colons in values are escaped so the
    /// command stays one line.
    @Test func githubAnnotations() throws {
        let text = LintReport.github(try findings())
        let lines = text.split(separator: "\n")
        #expect(lines.count == (try findings()).count)
        #expect(lines.contains { $0.hasPrefix("::error file=0002.yaml,line=5,col=5,title=pg-create-index-not-concurrent::") })
        let odd = Finding(rule: "r", severity: .warning, file: "a,b:c.yaml", line: 1, column: 1, spec: "1", message: "two\nlines 100%",
                          lock: "", blocks: "", why: "", fix: "f")
        #expect(LintReport.github([odd]) == "::warning file=a%2Cb%3Ac.yaml,line=1,col=1,title=r::two%0Alines 100%25. Fix: f\n")
    }

    @Test func humanColourOnlyWhenAsked() throws {
        let pg = try target("postgresql@15")
        let plain = LintReport.human(try findings(), target: pg, colour: false)
        #expect(!plain.contains("\u{1B}["))
        #expect(plain.contains("0002.yaml:5:5: error: ") && plain.hasSuffix("postgresql@15: 2 errors, 1 warning, 0 info\n"))
        #expect(LintReport.human(try findings(), target: pg, colour: true).contains("\u{1B}[1;31merror"))
    }
}
