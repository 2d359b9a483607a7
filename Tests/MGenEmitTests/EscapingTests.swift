@testable import MGenEmit
import MGenSQL
import Testing

/// The escapers every emitter goes through, on the cases that broke files before.
@Suite struct EscapingTests {
    @Test func everyLineBreakStartsANewCommentLine() {
        let text = "a\nb\r\nc\rd\u{2028}e\u{2029}f\u{85}g\u{0B}h\u{0C}i"
        #expect(LineComment.sql.lines(text) == "-- a\n-- b\n-- c\n-- d\n-- e\n-- f\n-- g\n-- h\n-- i")
        #expect(LineComment.hash.lines("x\n\ny") == "# x\n#\n# y")
        #expect(LineComment.slashes.continuing("reason\nDROP TABLE t;") == "reason\n// DROP TABLE t;")
    }

    @Test func toolsReadNothingInAComment() {
        // goose annotations, Python's and Ruby's encoding cookie, hidden characters.
        #expect(LineComment.sql.lines("x\n+goose Down\n+GOOSE envsub on") == "-- x\n-- \\+goose Down\n-- \\+GOOSE envsub on")
        #expect(LineComment.hash.lines("-*- coding: utf-16 -*- vim: fileencoding=latin-1") == "# -*- coding : utf-16 -*- vim: fileencoding =latin-1")
        #expect(LineComment.sql.lines("a\u{0}b\u{202E}c\td") == "-- a\\u{0}b\\u{202E}c\td")
    }

    @Test func docstringsCannotBeClosedFromInside() {
        #expect(PythonLiteral.docstring("ends with a quote\"") == "ends with a quote\\\"")
        #expect(PythonLiteral.docstring("a \"\"\" b") == "a \\\"\\\"\" b")
        #expect(PythonLiteral.docstring("say \"hi\" there") == "say \"hi\" there")
        #expect(PythonLiteral.docstring("\\N{x} \r \u{0} \u{202E}") == "\\\\N{x} \\r \\x00 \\u202e")
    }

    @Test func pythonStringsEscapeWhatReprEscapes() {
        #expect(PythonLiteral.string("a\u{2028}b\u{85}c\u{202E}d\u{7}e\u{1F600}") == "'a\\u2028b\\x85c\\u202ed\\x07e\u{1F600}'")
    }

    @Test func javaScriptAndRubyStringsShowHiddenCharacters() {
        #expect(JS.string("a\u{2028}b\u{0}c\u{202E}") == "'a\\u2028b\\u0000c\\u202e'")
        #expect(JS.template("a\rb`${c}") == "`a\\rb\\`\\${c}`")
        #expect(JS.untemplate("a\\rb\\`") == "a\rb`")
        #expect(Ruby.string("a#{b}\u{202E}") == "\"a\\#{b}\\u{202e}\"")
    }
}
