import CPgQuery
import Foundation
@testable import MGenImport
import MGenSpec
import Testing

/// The fast paths `mgen lint` reads folders through (issue 13: lint at least as fast as Squawk)
/// must read exactly what the general ones did.
@Suite struct LintReadingSpeedTests {
    /// ParseTreeJSON gives the same tree as Foundation's JSONSerialization for libpg_query output,
    /// escapes and non-ASCII text included.
    @Test(arguments: [
        "CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'a\"b\\\\c', price numeric(10,2) DEFAULT 1.5)",
        "COMMENT ON TABLE t IS 'line one\nline two\ttab — ünïcode 😀'",
        "ALTER TABLE t ADD CONSTRAINT c CHECK (price > -2.5e3 AND name <> '' IS NOT TRUE)",
        "CREATE INDEX CONCURRENTLY i ON t USING gin (to_tsvector('english', name)) WHERE price IS NOT NULL",
    ])
    func parseTreeMatchesFoundation(sql: String) throws {
        let result = pg_query_parse(sql)
        defer { pg_query_free_parse_result(result) }
        let tree = try #require(result.parse_tree)
        let ours = try #require(ParseTreeJSON.parse(tree))
        let foundation = try #require(try JSONSerialization.jsonObject(with: Data(String(cString: tree).utf8)) as? [String: Any])
        #expect(try Self.canonical(ours) == Self.canonical(foundation), "\(sql)")
    }

    @Test func malformedJSONIsNil() {
        for text in ["", "{", "{\"a\":}", "{\"a\":1,}", "[1,2]", "{\"a\":\"\\u12\"}", "{\"a\":1} x", "{\"a\":tru}"] {
            let parsed = text.withCString { ParseTreeJSON.parse($0) }
            #expect(parsed == nil, "\(text)")
        }
        let deep = String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000)
        #expect(deep.withCString { ParseTreeJSON.parse($0) } == nil)
    }

    /// Statements located by byte offsets: each at the line it starts on, after comments that
    /// hold its own text and after multi-byte characters.
    @Test func statementLines() {
        let text = """
        -- CREATE INDEX i ON t (a);
        -- ü
        CREATE INDEX i ON t (a);

        /* keep */ SELECT 'é;';
        -- trailing
        ALTER TABLE t
          ADD COLUMN b int;;
        """
        let statements = SourceFiles.statements(text, file: "f.sql", dialect: .postgresql)
        #expect(statements.map(\.text) == ["CREATE INDEX i ON t (a)", "/* keep */ SELECT 'é;'", "ALTER TABLE t\n  ADD COLUMN b int"])
        #expect(statements.map(\.location.line) == [3, 5, 7])
    }

    /// libpg_query parses on several threads at once (LintSource parses a folder's statements
    /// concurrently): the trees are the ones parsed one by one, in order.
    @Test func concurrentParsesMatchSequentialOnes() throws {
        let statements = (0..<400).map { i in
            i % 3 == 0 ? "CREATE TABLE t\(i) (id bigint PRIMARY KEY, v text DEFAULT 'x\(i)')"
                : i % 3 == 1 ? "ALTER TABLE t\(i) ADD COLUMN c\(i) integer NOT NULL DEFAULT \(i)" : "CREATE INDEX i\(i) ON t (a, b) WHERE c > \(i) AND ("
        }
        let together = parallelMap(statements) { PostgresReader.Parsed(PostgresReader.parse($0)) }
        for (statement, parsed) in zip(statements, together) {
            switch (parsed.result, PostgresReader.parse(statement)) {
            case let (.success(a), .success(b)): #expect(try Self.canonical(a) == Self.canonical(b), "\(statement)")
            case let (.failure(a), .failure(b)): #expect(a.reason == b.reason, "\(statement)")
            default: Issue.record("parsed differently alone and together: \(statement)")
            }
        }
    }

    /// The byte test that spares the drop_enum_value reader its patterns on every statement lets
    /// through every text either pattern matches (mgen's rename, any case, a line break after it)
    /// and stops ordinary statements; the patterns, compiled once and shared, match as before.
    @Test func enumSwapPrecheckKeepsEveryMatch() {
        let patterns = [#"^ALTER TYPE "([^"]+)" RENAME TO "[^"]+_mgen_old"$"#, #"^ALTER TYPE "([^"]+)" RENAME TO "mgen_old_enum"$"#]
        let texts = [
            #"ALTER TYPE "mood" RENAME TO "mood_mgen_old""#, #"alter type "mood" rename to "mood_MGEN_OLD""#,
            #"ALTER TYPE "mood" RENAME TO "mood_mgen_old""# + "\n", #"ALTER TYPE "a b" RENAME TO "mgen_old_enum""#,
            #"ALTER TYPE "mood" RENAME TO "mood_old""#, #"ALTER TYPE "mood" RENAME TO "mood_mgen_old" "#,
            "ALTER TABLE t ADD COLUMN c text", "CREATE INDEX CONCURRENTLY i ON t (a)", "SET lock_timeout = '5s'", "", "ALTER",
            #"ALTER TYPE "mood" ADD VALUE 'mgen_old"'"#,
        ]
        for text in texts {
            let matched = patterns.contains { EnumSwap.match(text, $0) != nil }
            if matched { #expect(MgenEnumSwapReading.renamesToMgenOld(text), "the precheck would lose \(text)") }
        }
        #expect(texts.prefix(4).allSatisfy { text in patterns.contains { EnumSwap.match(text, $0) != nil } }, "the patterns match mgen's renames")
        #expect(!texts.dropFirst(6).contains(where: MgenEnumSwapReading.renamesToMgenOld), "ordinary statements stop at the byte test")
        let together = parallelMap(Array(repeating: texts, count: 50).flatMap { $0 }) { EnumSwap.match($0, patterns[0]) }
        #expect(together == Array(repeating: texts.map { EnumSwap.match($0, patterns[0]) }, count: 50).flatMap { $0 })
        #expect(EnumSwap.match(texts[1], patterns[0]) == "mood")
    }

    static func canonical(_ tree: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys]), as: UTF8.self)
    }
}
