import Foundation
@testable import MGenSpec
import MGenTestSupport
import Testing

/// Whether both readers give the same nodes for `bytes` (an expectation fails when not); nil when
/// the fast reader leaves them to libyaml.
private func readAlike(_ bytes: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool? {
    guard let fast = FastYAML.parse(bytes) else { return nil }
    let slow = try? YAMLReader.parseWithLibYAML(bytes)
    #expect(slow == fast, "fast and libyaml disagree on:\n\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    return slow == fast
}

/// The fast reader must give exactly libyaml's nodes (text, quoting and marks) wherever it answers,
/// and must answer for the specs people write, or it saves nothing.
@Suite struct FastYAMLTests {
    func same(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool? {
        readAlike(Array(text.utf8), sourceLocation: sourceLocation)
    }

    @Test func everySpecFileReadsAlikeAndFast() {
        var specs: [(String, String)] = []
        for folder in ["Specs", "Tests"] {
            for (path, text) in filesUnder(packageRoot.appendingPathComponent(folder).path)
            where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                specs.append(("\(folder)/\(path)", text))
            }
        }
        #expect(specs.count >= 20)
        for (file, text) in specs {
            // Generated fixtures quote every string with escapes on purpose; the fast reader hands
            // those to libyaml (nil), and must never read them differently (false).
            if file.contains("/Fixtures/generated/") {
                #expect(same(text) != false, "the fast reader reads \(file) differently from libyaml")
            } else {
                #expect(same(text) == true, "the fast reader gave up on \(file)")
            }
        }
    }

    @Test(arguments: [
        "a: 1\nb: two\n",
        "# lead\nmgen: 1   # trailing\nid: \"0001\"\nname: 'it''s'\n",
        "ops:\n- create_table:\n    table: t\n    columns:\n      - {name: id, type: bigint, identity: true}\n      - {name: n, type: 'string(10)'}\n",
        "list: [a, b , 'c d', \"e\"]\nmap: {x: [1, 2], y: {z: w}}\nempty: []\nnone: {}\n",
        "seq:\n  - one\n  -   two\n  - k: v\n    k2: v2\n  -\n    nested: yes\n",
        "created: 2025-01-01T00:00:00Z\nwhere: \"a <> 'x'\"\nexpr: lower(name)\n",
        "key with spaces: value with spaces\n'quoted key': x\n",
        "description: step 1 — add it, café 😀\nname: x\n",
        "α: {β: [γ, 'δ — ε'], ζ: η}\nθ: ok # ι\n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\n",
    ])
    func readsAlike(_ text: String) {
        #expect(same(text) == true)
    }

    /// A leading byte order mark is skipped before either reader sees the text: both read what
    /// they read without it, marks included.
    @Test func byteOrderMarkReadsAsWithout() throws {
        for text in ["a: 1\nb: [x, 'y z']\n", "a: &x 1\nb: *x\nc: |\n  block\n"] {
            let plain = try YAMLReader.parse(bytes: Array(text.utf8))
            let marked = try YAMLReader.parse(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
            #expect(plain != nil && plain == marked, "\(text)")
        }
    }

    /// What the fast reader leaves to libyaml (which reads it, or reports the error).
    @Test(arguments: [
        "", "# only a comment\n", "---\na: 1\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n",
        "a:\tb\n", "a: b\r\n", "a: \"esc\\n\"\n", "a: b\u{2028}c\n", "\u{FEFF}a: 1\n", "a: \u{85}\n", "a:\n", "a: b: c\n", "a: [1,\n  2]\n", "a: 'open\n",
        "a: b\n  c\n", "? a\n: b\n", "a: {b}\n", "a: {b:c}\n", "- - a\n", "a: 1\n b: 2\n", "a: [b: c]\n", "a: x #y\n  z: 1\n",
        "%YAML 1.1\n---\na: 1\n", "a#b: c\n",
    ])
    func leavesTheRestToLibYAML(_ text: String) {
        #expect(same(text) == nil)
    }
}

/// Spec files with small random edits (a character inserted, removed or replaced, a line
/// repeated or indented): wherever the fast reader still answers, libyaml must read the same.
@Suite struct FastYAMLMutationTests {
    /// A fixed-seed generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func editedSpecsReadAlikeWhereverTheFastReaderAnswers() {
        var random = SplitMix(state: 2026)
        let alphabet = Array(" :-#'\"{}[],\n\tabcz019_.&*!|>?%@é".utf8)
        var answered = 0
        var compared = 0
        for (_, text) in filesUnder(packageRoot.appendingPathComponent("Specs").path) {
            let original = Array(text.utf8)
            for _ in 0..<400 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0: bytes.insert(alphabet.randomElement(using: &random) ?? 32, at: at)
                    case 1: bytes.remove(at: at)
                    case 2: bytes[at] = alphabet.randomElement(using: &random) ?? 32
                    case 3: // repeat the line holding `at`
                        let start = bytes[..<at].lastIndex(of: 10).map { $0 + 1 } ?? 0
                        let end = bytes[at...].firstIndex(of: 10).map { $0 + 1 } ?? bytes.count
                        bytes.insert(contentsOf: Array(bytes[start..<end]), at: start)
                    default: // indent the line holding `at` by one more space
                        let start = bytes[..<at].lastIndex(of: 10).map { $0 + 1 } ?? 0
                        bytes.insert(32, at: start)
                    }
                }
                compared += 1
                guard let alike = readAlike(bytes) else { continue }
                answered += 1
                if !alike { return }
            }
        }
        // The edits must leave the fast reader enough to answer, or this proves nothing.
        #expect(compared > 1000)
        #expect(answered > compared / 5)
    }
}
