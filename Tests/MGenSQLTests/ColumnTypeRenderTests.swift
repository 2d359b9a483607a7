// spec 1.1: column types — time precision parsed, refused when malformed, rendered per dialect.
import MGenSpec
import MGenSQL
import Testing

@Suite struct TimePrecisionTests {
    @Test func parses() {
        #expect(ColumnType.parse("timestamp(3)") == .temporal(.timestamp, precision: 3))
        #expect(ColumnType.parse("datetime(0)") == .temporal(.timestamp, precision: 0))
        #expect(ColumnType.parse("timestamptz(6)") == .temporal(.timestamptz, precision: 6))
        #expect(ColumnType.parse("time(2)") == .temporal(.time, precision: 2))
        #expect(ColumnType.parse("timestamp(7)") == nil)
        #expect(ColumnType.parse("time(x)") == nil)
        #expect(ColumnType.parse("timestamp(3)")?.description == "timestamp(3)")
        #expect(ColumnType.parse("jsonb") == .json)
    }

    @Test func malformedSaysWhy() throws {
        let yaml = spec(id: "0001", "  - create_table: {table: t, columns: [{name: a, type: timestamp(9)}]}\n")
        do {
            _ = try SpecLoader.load(text: yaml, file: "0001.yaml")
            Issue.record("timestamp(9) loaded")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["'timestamp(9)': a time type's precision is the number of fractional-second digits, 0 to 6"])
            #expect(error.diagnostics.first?.location?.line == 5)
        }
    }

    @Test func rendersPerDialect() throws {
        let yaml = spec(id: "0001", """
              - create_table:
                  table: t
                  columns:
                    - {name: a, type: timestamp(3), default: {sql: now()}}
                    - {name: b, type: timestamptz(0), default: {sql: now()}}
                    - {name: c, type: time(2)}

            """)
        let pg = try render(.postgresql, yaml)[0].upSQL.joined(separator: "\n")
        #expect(pg.contains(#""a" timestamp(3) DEFAULT now()"#) && pg.contains(#""b" timestamptz(0) DEFAULT now()"#) && pg.contains(#""c" time(2)"#))
        let my = try render(.mysql, yaml)[0].upSQL.joined(separator: "\n")
        #expect(my.contains("`a` datetime(3) NULL DEFAULT CURRENT_TIMESTAMP(3)") && my.contains("`b` timestamp(0) NULL DEFAULT CURRENT_TIMESTAMP,")
                && my.contains("`c` time(2) NULL"), "\(my)")
        let lite = try render(.sqlite, yaml)[0].upSQL.joined(separator: "\n")
        #expect(lite.contains(#""a" DATETIME DEFAULT CURRENT_TIMESTAMP"#) && lite.contains(#""c" TIME"#), "\(lite)")
    }

    @Test func widening() {
        #expect(ColumnType.temporal(.timestamp, precision: 3).widens(to: .temporal(.timestamp, precision: 6)))
        #expect(ColumnType.temporal(.timestamp, precision: 3).widens(to: .timestamp))
        #expect(!ColumnType.temporal(.timestamp, precision: 3).widens(to: .temporal(.timestamp, precision: 1)))
        #expect(!ColumnType.timestamp.widens(to: .temporal(.timestamp, precision: 3)))
    }
}

// spec 1.1: column types — char(n) and varchar(max): parsed, rendered per dialect, refused where
// the dialect has no such type, compared as strings in foreign keys, widened.
@Suite struct CharTypeTests {
    @Test func parses() {
        #expect(ColumnType.parse("char(3)") == .char(length: 3))
        #expect(ColumnType.parse("character(10)") == .char(length: 10))
        #expect(ColumnType.parse("char") == .char(length: 1))
        #expect(ColumnType.parse("char(0)") == nil)
        #expect(ColumnType.parse("varchar(max)") == .varchar)
        #expect(ColumnType.parse("string(MAX)") == .varchar)
        #expect(ColumnType.parse("varchar") == .string(length: 255), "a bare varchar stays string(255), as documented")
        #expect(ColumnType.parse("string(0)") == nil && ColumnType.parse("string(abc)") == nil && ColumnType.parse("varchar(maxi)") == nil)
        for type in [ColumnType.char(length: 3), .varchar] { #expect(ColumnType.parse(type.description) == type) }
    }

    @Test func rendersPerDialect() throws {
        let yaml = spec(id: "0001", """
              - create_table:
                  table: t
                  columns:
                    - {name: code, type: char(3), nullable: false, default: abc}
                    - {name: note, type: varchar(max)}

            """)
        let pg = try render(.postgresql, yaml)[0].upSQL.joined(separator: "\n")
        #expect(pg.contains(#""code" char(3) NOT NULL DEFAULT 'abc'"#) && pg.contains(#""note" varchar"#), "\(pg)")
        let lite = try render(.sqlite, yaml)[0].upSQL.joined(separator: "\n")
        #expect(lite.contains(#""code" CHAR(3) NOT NULL DEFAULT 'abc'"#) && lite.contains(#""note" VARCHAR"#), "\(lite)")
        let my = try render(.mysql, spec(id: "0001", "  - create_table: {table: t, columns: [{name: code, type: char(3)}]}\n"))[0].upSQL.joined()
        #expect(my.contains("`code` char(3) NULL"), "\(my)")
    }

    /// MySQL has no varchar without a length and no char over 255; a default longer than the char is refused everywhere but SQLite.
    @Test func dialectRules() throws {
        let chain = try MigrationChain.build([SpecLoader.load(text: spec(id: "0001", """
              - create_table:
                  table: t
                  columns:
                    - {name: note, type: varchar(max)}
                    - {name: wide, type: char(300)}
                    - {name: code, type: char(2), default: abc}

            """), file: "0001.yaml")])
        let my = DialectRules.problems(in: chain, for: .mysql).map(\.message)
        #expect(my == ["mysql: column 't.note' is varchar(max); MySQL has no varchar without a length",
                       "mysql: column 't.wide' is char(300); MySQL allows at most char(255)",
                       "mysql: the default 'abc' of column 't.code' does not fit char(2): 3 characters, longer than 2"], "\(my)")
        #expect(DialectRules.problems(in: chain, for: .mysql).first?.fix?.contains("string(n)") == true)
        #expect(DialectRules.problems(in: chain, for: .postgresql).map(\.message)
            == ["postgresql: the default 'abc' of column 't.code' does not fit char(2): 3 characters, longer than 2"])
        #expect(DialectRules.problems(in: chain, for: .sqlite).isEmpty)
        // The renderer refuses too, for a caller that skips the rules.
        #expect(throws: (any Error).self) { try render(.mysql, spec(id: "0001", "  - create_table: {table: t, columns: [{name: n, type: varchar(max)}]}\n")) }
    }

    /// A foreign key may tie char(n), varchar(max) and string(n) (PostgreSQL and InnoDB compare
    /// them as strings; MariaDB 10.11 and PostgreSQL 15 accept such keys), not a char and an integer.
    @Test func foreignKeysBetweenStrings() throws {
        func load(_ column: String) throws -> MigrationChain {
            try MigrationChain.build([SpecLoader.load(text: spec(id: "0001", """
                  - create_table: {table: p, columns: [{name: code, type: char(3), primary_key: true}]}
                  - create_table: {table: c, columns: [{name: id, type: integer, primary_key: true}, \(column)]}

                """), file: "0001.yaml")])
        }
        _ = try load("{name: p_code, type: string(10), references: p.code}")
        _ = try load("{name: p_code, type: varchar(max), references: p.code}")
        #expect(throws: (any Error).self) { try load("{name: p_code, type: integer, references: p.code}") }
    }

    @Test func widening() {
        #expect(ColumnType.char(length: 3).widens(to: .char(length: 5)))
        #expect(ColumnType.char(length: 3).widens(to: .string(length: 3)))
        #expect(!ColumnType.char(length: 3).widens(to: .string(length: 2)))
        #expect(!ColumnType.string(length: 3).widens(to: .char(length: 3)), "char pads (and compares without trailing blanks)")
        #expect(ColumnType.string(length: 300).widens(to: .varchar) && ColumnType.varchar.widens(to: .text) && ColumnType.text.widens(to: .varchar))
        #expect(!ColumnType.varchar.widens(to: .string(length: 255)))
    }
}

// spec 1.1: column types — unsigned integers: MySQL's own type; refused on PostgreSQL and SQLite
// (a CHECK there would halve the range), and a key between signed and unsigned refused.
@Suite struct UnsignedTypeTests {
    @Test func parses() {
        #expect(ColumnType.parse("integer unsigned") == .unsigned(.integer))
        #expect(ColumnType.parse("int unsigned") == .unsigned(.integer))
        #expect(ColumnType.parse("BIGINT UNSIGNED") == .unsigned(.bigint))
        #expect(ColumnType.parse("smallint unsigned") == .unsigned(.smallint))
        #expect(ColumnType.parse("text unsigned") == nil)
        for kind in ColumnType.Unsigned.allCases { #expect(ColumnType.parse(ColumnType.unsigned(kind).description) == .unsigned(kind)) }
    }

    @Test func mysqlRendersItAndTheOthersRefuse() throws {
        let yaml = spec(id: "0001", """
              - create_table:
                  table: t
                  columns:
                    - {name: id, type: integer unsigned, primary_key: true, identity: true}
                    - {name: n, type: bigint unsigned, nullable: false, default: 0}
                    - {name: s, type: smallint unsigned}

            """)
        let my = try render(.mysql, yaml)[0].upSQL.joined(separator: "\n")
        #expect(my.contains("`id` int unsigned NOT NULL AUTO_INCREMENT") && my.contains("`n` bigint unsigned NOT NULL DEFAULT 0")
                && my.contains("`s` smallint unsigned NULL"), "\(my)")
        let chain = try MigrationChain.build([SpecLoader.load(text: yaml, file: "0001.yaml")])
        #expect(DialectRules.problems(in: chain, for: .mysql).isEmpty)
        for dialect in [Dialect.postgresql, .sqlite] {
            let problems = DialectRules.problems(in: chain, for: dialect)
            #expect(problems.count == 3, "\(problems)")
            #expect(problems.first?.message == "\(dialect): column 't.id' is integer unsigned; \(dialect == .postgresql ? "PostgreSQL" : "SQLite") has no unsigned integers")
            #expect(problems.first?.fix?.contains("add_check") == true)
            #expect(throws: (any Error).self) { try render(dialect, yaml) }
        }
    }

    @Test func defaultsMustBeInRange() throws {
        let chain = try MigrationChain.build([SpecLoader.load(text: spec(id: "0001", """
              - create_table: {table: t, columns: [{name: a, type: integer unsigned, default: -1}, {name: b, type: smallint unsigned, default: 65535}]}

            """), file: "0001.yaml")])
        #expect(DialectRules.problems(in: chain, for: .mysql).map(\.message)
            == ["mysql: the default -1 of column 't.a' does not fit integer unsigned: -1 is out of range"])
    }

    /// MariaDB refuses a key between `int` and `int unsigned` (errno 150, checked on 10.11).
    @Test func keyBetweenSignedAndUnsignedIsRefused() throws {
        func load(_ type: String) throws -> MigrationChain {
            try MigrationChain.build([SpecLoader.load(text: spec(id: "0001", """
                  - create_table: {table: p, columns: [{name: id, type: integer unsigned, primary_key: true, identity: true}]}
                  - create_table: {table: c, columns: [{name: id, type: integer, primary_key: true}, {name: p_id, type: \(type), references: p.id}]}

                """), file: "0001.yaml")])
        }
        _ = try load("integer unsigned")
        do {
            _ = try load("integer")
            Issue.record("a key from integer to integer unsigned loaded")
        } catch {
            #expect("\(error)".contains("ties 'c.p_id' (integer) to 'p.id' (integer unsigned)"), "\(error)")
        }
    }
}

// spec 1.1: column types — PostgreSQL arrays: parsed, rendered, refused on MySQL and SQLite.
@Suite struct ArrayTypeTests {
    @Test func parses() {
        #expect(ColumnType.parse("text[]") == .array(.text))
        #expect(ColumnType.parse("string(20)[]") == .array(.string(length: 20)))
        #expect(ColumnType.parse("timestamp(3)[]") == .array(.temporal(.timestamp, precision: 3)))
        #expect(ColumnType.parse("integer[][]") == nil && ColumnType.parse("enum(a,b)[]") == nil && ColumnType.parse("integer unsigned[]") == nil)
        for type in [ColumnType.array(.integer), .array(.char(length: 2))] { #expect(ColumnType.parse(type.description) == type) }
        #expect(ColumnType.array(.integer).widens(to: .array(.bigint)) && !ColumnType.array(.bigint).widens(to: .array(.integer)))
    }

    @Test func postgresqlRendersItAndTheOthersRefuse() throws {
        let yaml = spec(id: "0001", """
              - create_table: {table: t, columns: [{name: tags, type: "text[]", default: {sql: "'{}'"}}, {name: n, type: "string(20)[]"}]}

            """)
        let pg = try render(.postgresql, yaml)[0].upSQL.joined(separator: "\n")
        #expect(pg.contains(#""tags" text[] DEFAULT '{}'"#) && pg.contains(#""n" varchar(20)[]"#), "\(pg)")
        let chain = try MigrationChain.build([SpecLoader.load(text: yaml, file: "0001.yaml")])
        #expect(DialectRules.problems(in: chain, for: .postgresql).isEmpty)
        for dialect in [Dialect.mysql, .sqlite] {
            let problems = DialectRules.problems(in: chain, for: dialect)
            #expect(problems.map(\.message).first == "\(dialect): column 't.tags' is text[]; \(dialect == .mysql ? "MySQL" : "SQLite") has no array types")
            #expect(problems.first?.fix?.contains("json") == true)
            #expect(throws: (any Error).self) { try render(dialect, yaml) }
        }
    }
}
