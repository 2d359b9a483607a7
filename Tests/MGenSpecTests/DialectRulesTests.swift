import MGenSpec
import Testing

/// What a dialect's database refuses although the neutral spec is valid: each rule reports on
/// the dialects it applies to only, at the step's place.
@Suite struct DialectRulesTests {
    func problems(_ operations: String, extra: String = "") throws -> [Dialect: [String]] {
        let chain = try chain(spec(operations, extra: extra))
        var out: [Dialect: [String]] = [:]
        for dialect in Dialect.allCases { out[dialect] = DialectRules.problems(in: chain, for: dialect).map(\.description) }
        return out
    }

    func table(_ columns: String...) -> String {
        "  - create_table:\n      table: t\n      columns:\n        - {name: id, type: bigint, identity: true, primary_key: true}\n"
            + columns.map { "        - \($0)\n" }.joined()
    }

    /// Issue 13: MySQL and MariaDB add a NOT NULL column without a default to a table with rows by
    /// filling every row with the implicit default (measured on MariaDB: ServerBehaviourTests); a
    /// table from an earlier spec may have rows, so that is refused on mysql, with the fix.
    @Test func mysqlRefusesANotNullColumnWithoutDefaultOnAnExistingTable() throws {
        let built = try chain(spec(table("{name: a, type: text}")),
                              spec(id: "0002", """
                                    - add_column: {table: t, column: {name: nick, type: string(20), nullable: false}}
                                    - add_column: {table: t, column: {name: score, type: integer, nullable: false, default: 0}}
                                    - add_column: {table: t, column: {name: note, type: text}}
                                    - create_table: {table: u, columns: [{name: id, type: bigint, primary_key: true}]}
                                    - add_column: {table: u, column: {name: code, type: string(20), nullable: false}}
                                  """))
        let mysql = DialectRules.problems(in: built, for: .mysql).map(\.description)
        #expect(mysql.count == 1)
        #expect(mysql.first?.hasPrefix("0002.yaml:5:5: error: mysql: add_column t.nick is NOT NULL without a default: on a table with rows MySQL and MariaDB fill every existing row") == true)
        #expect(mysql.first?.contains("fix: give the column a `default:`; or add it nullable, fill it with a `backfill`, then `alter_column: {table: t, column: nick, nullable: false}` in a later spec") == true)
        #expect(DialectRules.problems(in: built, for: .postgresql).isEmpty && DialectRules.problems(in: built, for: .sqlite).isEmpty)
    }

    @Test func stringAndDecimalBounds() throws {
        let p = try problems(table("{name: big, type: string(20000)}", "{name: d, type: \"decimal(66,31)\"}"))
        #expect(p[.mysql] == [
            "0001.yaml:5:5: error: mysql: column 't.big' is string(20000); MySQL allows at most string(16383)\n  fix: use text for longer values",
            "0001.yaml:5:5: error: mysql: column 't.d' is decimal(66,31); MySQL allows a precision of at most 65 and a scale of at most 30",
        ])
        #expect(p[.postgresql] == [] && p[.sqlite] == [])
        let pg = try problems(table("{name: big, type: string(10485761)}", "{name: d, type: \"decimal(1001,2)\"}"))
        #expect(pg[.postgresql]?.map { headline(Diagnostic($0)) }.count == 2)
        #expect(pg[.postgresql]?.first == "0001.yaml:5:5: error: postgresql: column 't.big' is string(10485761); PostgreSQL allows at most string(10485760)\n  fix: use text for longer values")
    }

    /// MariaDB: "Cannot change column 'code': used in a foreign key constraint", even for
    /// varchar(20) → varchar(40); PostgreSQL and SQLite take a longer string.
    /// The rules hold specs to the dialects' `DialectCapabilities` (issue 11: each limit lives
    /// there once): the widest string each allows passes, one more is refused; the name limit of
    /// every spec is the least identifier limit.
    @Test func limitsAreTheCapabilities() throws {
        for dialect in Dialect.allCases {
            guard let limit = dialect.capabilities.maximumStringLength else { continue }
            #expect(try problems(table("{name: s, type: string(\(limit))}"))[dialect] == [])
            let refused = try problems(table("{name: s, type: string(\(limit + 1))}"))[dialect] ?? []
            #expect(refused.count == 1 && refused[0].contains("\(dialect.capabilities.productName) allows at most string(\(limit))"))
        }
        #expect(maximumNameBytes == Dialect.allCases.compactMap(\.capabilities.identifierLimit).min())
    }

    @Test func mysqlChangesNoTypeOfAForeignKeyColumn() throws {
        let p = try problems("""
              - create_table: {table: p, columns: [{name: code, type: string(20), primary_key: true}]}
              - create_table: {table: c, columns: [{name: id, type: bigint, primary_key: true}, {name: p_code, type: string(20), references: {table: p, column: code}}]}
              - alter_column: {table: p, column: code, type: string(40)}
              - alter_column: {table: c, column: p_code, type: string(40)}
              - alter_column: {table: c, column: id, type: integer}

            """)
        #expect(p[.mysql] == [
            "0001.yaml:7:5: error: mysql: column 'p.code' is in foreign key 'c_p_code_fkey' of table 'c'; MySQL refuses any change of its type while the key exists, even a longer string\n"
                + "  fix: drop the key first (drop_constraint: {table: c, name: c_p_code_fkey}), alter both columns, then add the key again with add_foreign_key",
            "0001.yaml:8:5: error: mysql: column 'c.p_code' is in foreign key 'c_p_code_fkey' of table 'c'; MySQL refuses any change of its type while the key exists, even a longer string\n"
                + "  fix: drop the key first (drop_constraint: {table: c, name: c_p_code_fkey}), alter both columns, then add the key again with add_foreign_key",
        ])
        #expect(p[.postgresql] == [] && p[.sqlite] == [])
    }

    @Test func indexedTextAndLongKeysOnMySQL() throws {
        let p = try problems(table("{name: body, type: text}", "{name: k, type: string(1000)}", "{name: doc, type: json}")
            + "  - create_index: {table: t, columns: [body]}\n  - add_unique: {table: t, columns: [k]}\n"
            + "  - add_column: {table: t, column: {name: b, type: binary, unique: true}}\n")
        #expect(p[.mysql] == [
            "0001.yaml:12:5: error: mysql: index 't_body_idx' of 't' uses text column 'body'; MySQL cannot index text without a prefix length\n  fix: use string(n) (n ≤ 768) for a column in a key",
            "0001.yaml:13:5: error: mysql: unique constraint 't_k_key' of 't' is 4000 bytes long (at 4 bytes a character); MySQL keys hold 3072\n  fix: shorten the string columns of the key (string(n) with n ≤ 768 for one column)",
            "0001.yaml:14:5: error: mysql: unique constraint 't_b_key' of 't' uses binary column 'b'; MySQL cannot index binary without a prefix length\n  fix: use string(n) (n ≤ 768) for a column in a key",
        ])
        #expect(p[.postgresql] == [] && p[.sqlite] == [])
        // Turning an indexed column into text later is the same problem.
        let later = try problems(table("{name: k, type: string(100)}") + "  - create_index: {table: t, columns: [k]}\n"
            + "  - alter_column: {table: t, column: k, type: text}\n")
        #expect(later[.mysql]?.map { String($0.prefix(80)) } == ["0001.yaml:11:5: error: mysql: index 't_k_idx' of 't' uses text column 'k'; MySQL"])
    }

    @Test func defaultsThatDoNotFitTheirType() throws {
        let p = try problems(table("{name: n, type: smallint, default: 70000}", "{name: s, type: string(3), default: abcd}",
                                   "{name: e, type: \"enum(a,b)\", default: c}", "{name: u, type: uuid, default: x}",
                                   "{name: ok, type: integer, default: 5}"))
        let expected = [
            "the default 70000 of column 't.n' does not fit smallint: 70000 is out of range",
            "the default 'abcd' of column 't.s' does not fit string(3): 4 characters, longer than 3",
            "the default 'c' of column 't.e' does not fit enum(a,b): not one of a, b",
            "the default 'x' of column 't.u' does not fit uuid: not a UUID",
        ]
        #expect(p[.postgresql] == expected.map { "0001.yaml:5:5: error: postgresql: \($0)\n  fix: give a default of the column's type, or none" })
        #expect(p[.mysql] == expected.map { "0001.yaml:5:5: error: mysql: \($0)\n  fix: give a default of the column's type, or none" })
        #expect(p[.sqlite] == [])
        // A later alter_column that sets a default is checked against the column's type.
        let later = try problems(table("{name: n, type: integer}") + "  - alter_column: {table: t, column: n, default: \"x1\"}\n")
        #expect(later[.postgresql] == ["0001.yaml:10:5: error: postgresql: the default 'x1' of column 't.n' does not fit integer: not a whole number\n  fix: give a default of the column's type, or none"])
    }

    @Test func literalDefaultOnTextIsRefusedOnMySQLOnly() throws {
        let p = try problems(table("{name: note, type: text, default: \"it's\"}"))
        #expect(p[.mysql] == ["0001.yaml:5:5: error: mysql: column 't.note' is text with a literal default; MySQL 8.0 refuses that (MariaDB allows it)\n  fix: write the default as an expression: `default: {sql: \"'it''s'\"}`"])
        #expect(p[.postgresql] == [] && p[.sqlite] == [])
        #expect(try problems(table("{name: note, type: text, default: {sql: \"'x'\"}}"))[.mysql] == [])
    }

    @Test func identityMustLeadAKeyOnMySQL() throws {
        let p = try problems("  - create_table:\n      table: t\n      columns:\n        - {name: id, type: integer, primary_key: true}\n"
            + "        - {name: n, type: bigint, identity: true}\n")
        #expect(p[.mysql] == ["0001.yaml:5:5: error: mysql: identity column 't.n' is not the first column of a key; MySQL requires that\n  fix: make it the primary key, or give it `unique: true`"])
        #expect(p[.postgresql] == [])
        #expect(try problems(table("{name: n, type: bigint, identity: true, unique: true}"))[.mysql] == [
            "0001.yaml:5:5: error: mysql: table 't' has 2 identity columns (id, n); MySQL allows one",
        ])
    }

    @Test func tableWidthPerDialect() throws {
        var operations = table()
        for i in 0..<1_017 { operations += "  - add_column: {table: t, column: {name: c\(i), type: integer}}\n" }
        let p = try problems(operations)
        #expect(p[.mysql] == ["0001.yaml:1025:5: error: mysql: table 't' would have 1018 columns; MySQL allows 1017\n  fix: split the table, or move rarely used columns to a json column"])
        #expect(p[.postgresql] == [] && p[.sqlite] == [])
    }
}

extension Diagnostic {
    /// A diagnostic standing for a printed line, to count lines in an expectation.
    init(_ printed: String) { self.init(printed, severity: .error) }
}
