@testable import MGenSpec
import Testing

/// A view's dependencies are found by one scan of its SQL for words (`identifierWords`) instead of
/// one `mentions` scan per table and column name of the state (quadratic on long histories); the
/// two must agree on every name, quoted or bare, and never see inside a string literal.
@Suite struct IdentifierWordsTests {
    @Test func wordsAgreeWithMentions() {
        let sql = #"SELECT u."email", p.title_2, 'users'' id' AS note, count(*) FROM users u JOIN `posts` p ON p.user_id = u.id WHERE x.é = 1"#
        let names = ["users", "email", "title_2", "title", "id", "posts", "user_id", "note", "count", "é", "x", "u", "p", "missing", "users'", "ser"]
        let words = identifierWords(in: sql)
        for name in names { #expect(words.contains(name) == mentions(sql, name), "\(name)") }
        #expect(!words.contains("id'") && words.contains("id"), "the literal's text is not a word: 'users'' id' is skipped whole")
    }
}

/// The three name-length messages name each dialect's limit from its capabilities (they said
/// "MySQL 64" as a literal beside the computed PostgreSQL number).
@Suite struct IdentifierLimitTextTests {
    @Test func fromCapabilities() {
        let pg = DialectCapabilities.postgresql, my = DialectCapabilities.mysql
        #expect(identifierLimitsText() == "\(pg.productName) keeps \(pg.identifierLimit ?? 0) and \(my.productName) \(my.identifierLimit ?? 0)")
        #expect(identifierLimitsText(note: " (x)") == "PostgreSQL keeps 63 (x) and MySQL 64")
    }
}
