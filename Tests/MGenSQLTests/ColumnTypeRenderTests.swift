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
