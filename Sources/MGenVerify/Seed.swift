import Foundation
import MGenSpec

/// Fills every table of a snapshot with generated rows, for `verify --seed-rows N`.
///
/// Deterministic and simple: row values come from one counter that runs across the whole
/// verification, so values stay unique however often tables are seeded. Parents are filled
/// before children; a foreign key takes the key of an existing parent row (rows taken in turn),
/// or NULL when the parent is empty or the table itself. Identity columns are left to the
/// database. A column named by a CHECK with string literals (an enum rendered as a check) gets
/// one of those literals. A table that still cannot be filled is reported, not fatal: the
/// schema checks do not depend on it.
struct Seeder {
    let db: Database
    /// The next row number; starts at 1 for every verification.
    private(set) var counter = 1

    init(db: Database) { self.db = db }

    /// Inserts `rows` rows into every table; returns (table, warning) for each table that could not be seeded.
    mutating func seed(_ snapshot: SchemaSnapshot, rows: Int) -> [(String, String)] {
        guard rows > 0 else { return [] }
        var warnings: [(String, String)] = []
        for table in Self.parentsFirst(snapshot.tables) {
            do {
                try seed(table, in: snapshot, rows: rows)
            } catch let error as DatabaseError {
                // The first line: PostgreSQL's DETAIL repeats the whole row.
                let message = error.message.split(separator: "\n").first.map(String.init) ?? error.message
                warnings.append((table.name, "cannot seed table \(table.name): \(message)"))
            } catch {
                warnings.append((table.name, "cannot seed table \(table.name): \(error)"))
            }
        }
        return warnings
    }

    /// Tables ordered so that every table comes after the tables it references (self-references
    /// and cycles are ignored; what remains keeps name order).
    static func parentsFirst(_ tables: [TableSnapshot]) -> [TableSnapshot] {
        let names = Set(tables.map(\.name))
        var placed: Set<String> = []
        var ordered: [TableSnapshot] = []
        var pending = tables
        while !pending.isEmpty {
            let ready = pending.filter { table in
                table.foreignKeys.allSatisfy { fk in
                    fk.referencedTable == table.name || !names.contains(fk.referencedTable) || placed.contains(fk.referencedTable)
                }
            }
            // A cycle: take the first remaining table as it is.
            let batch = ready.isEmpty ? [pending[0]] : ready
            for table in batch { placed.insert(table.name) }
            ordered += batch
            pending.removeAll { placed.contains($0.name) }
        }
        return ordered
    }

    private struct SeedFailure: Error, CustomStringConvertible { var description: String }

    private mutating func seed(_ table: TableSnapshot, in snapshot: SchemaSnapshot, rows: Int) throws {
        let dialect = db.dialect
        let columns = table.columns.filter { !$0.identity && !$0.isGenerated } // spec 1.1: the database computes generated columns
        // Parent keys per foreign key, fetched once per table and seeding.
        var parentRows: [Int: [[String?]]] = [:]
        var fkOfColumn: [String: (fk: Int, position: Int)] = [:]
        for (n, fk) in table.foreignKeys.enumerated() {
            for (position, column) in fk.columns.enumerated() where fkOfColumn[column] == nil {
                fkOfColumn[column] = (n, position)
            }
            guard fk.referencedTable != table.name, let parent = snapshot.table(fk.referencedTable) else { continue }
            let refs = fk.referencedColumns.filter { parent.column($0) != nil }
            guard refs.count == fk.referencedColumns.count, !refs.isEmpty else { continue }
            let list = refs.map { quoteIdentifier($0, dialect) }.joined(separator: ", ")
            let notNull = refs.map { "\(quoteIdentifier($0, dialect)) IS NOT NULL" }.joined(separator: " AND ")
            let result = try db.query("SELECT DISTINCT \(list) FROM \(quoteIdentifier(parent.name, dialect)) WHERE \(notNull) ORDER BY \(list) LIMIT 1000")
            // Columns come back by name; read them in key order.
            parentRows[n] = result.map { row in refs.map { row[text: $0] } }
        }

        var valueRows: [[String]] = []
        for r in 0..<rows {
            let seq = counter + r
            var values: [String] = []
            for column in columns {
                if let (n, position) = fkOfColumn[column.name] {
                    if let parents = parentRows[n], !parents.isEmpty {
                        let parent = parents[(seq - 1) % parents.count]
                        let key = position < parent.count ? parent[position] : nil
                        values.append(key.map { quoteLiteral($0, dialect) } ?? "NULL")
                    } else if column.nullable {
                        values.append("NULL")
                    } else {
                        throw SeedFailure(description: "column \(column.name) must reference a row of \(table.foreignKeys[n].referencedTable), which has none")
                    }
                    continue
                }
                // spec 1.1: enum types. A column of one takes its values.
                if let type = snapshot.enumTypes?.first(where: { column.neutralType == "enum_type(\($0.name))" }),
                   !type.values.isEmpty {
                    values.append(quoteLiteral(type.values[(seq - 1) % type.values.count], dialect))
                    continue
                }
                values.append(Self.value(for: column, in: table, seq: seq, dialect: dialect))
            }
            valueRows.append(values)
        }
        counter += rows

        let target = quoteIdentifier(table.name, dialect)
        if columns.isEmpty {
            let statement = dialect == .mysql ? "INSERT INTO \(target) () VALUES ()" : "INSERT INTO \(target) DEFAULT VALUES"
            for _ in 0..<rows { try db.execute(statement) }
            return
        }
        let names = columns.map { quoteIdentifier($0.name, dialect) }.joined(separator: ", ")
        let tuples = valueRows.map { "(" + $0.joined(separator: ", ") + ")" }.joined(separator: ", ")
        try db.execute("INSERT INTO \(target) (\(names)) VALUES \(tuples)")
    }

    /// An SQL literal for row `seq` of a column, from its neutral type (native type as fallback).
    static func value(for column: ColumnSnapshot, in table: TableSnapshot, seq: Int, dialect: Dialect) -> String {
        if let allowed = checkLiterals(for: column.name, in: table), !allowed.isEmpty {
            return allowed[(seq - 1) % allowed.count]
        }
        let neutral = column.neutralType
        let native = column.nativeType.lowercased()
        func text(_ value: String) -> String { quoteLiteral(value, dialect) }
        func string(limit: Int?) -> String {
            var value = "\(column.name)-\(seq)"
            if let limit, value.count > limit { value = String(String(seq).suffix(max(limit, 1))) }
            return text(value)
        }
        if neutral.hasSuffix("[]") { return "'{}'" } // spec 1.1: column types (an empty array of any type)
        if neutral.hasPrefix("enum(") && neutral.hasSuffix(")") {
            let values = neutral.dropFirst(5).dropLast().split(separator: ",").map(String.init)
            return values.isEmpty ? "NULL" : text(values[(seq - 1) % values.count])
        }
        // spec 1.1: column types (char(n) takes no more than n either)
        if let open = neutral.firstIndex(of: "("), neutral.hasPrefix("string(") || neutral.hasPrefix("char("),
           let n = Int(neutral[neutral.index(after: open)...].dropLast()) {
            return string(limit: n)
        }
        if let decimal = decimalShape(neutral) {
            let whole = max(0, min(decimal.precision - decimal.scale, 9))
            let modulus = Int(pow(10.0, Double(whole)))
            let integer = whole == 0 ? 0 : seq % modulus
            return decimal.scale > 0 ? "\(integer).5" : "\(integer)"
        }
        switch neutral {
        case "boolean":
            if dialect == .postgresql { return seq % 2 == 0 ? "TRUE" : "FALSE" }
            return seq % 2 == 0 ? "1" : "0"
        case "smallint": return String(seq % 30000)
        case "integer", "bigint": return String(seq)
        case "real", "double": return "\(seq).5"
        case "string", "text", "varchar(max)": return string(limit: nil)
        case "binary":
            let hex = Data(String(seq).utf8).map { String(format: "%02x", $0) }.joined()
            return dialect == .postgresql ? "'\\x\(hex)'::bytea" : "X'\(hex)'"
        case "date": return text(formatted(seconds: (seq % 3650) * 86_400, "yyyy-MM-dd"))
        case "time": return text(String(format: "%02ld:%02ld:%02ld", (seq / 3600) % 24, (seq / 60) % 60, seq % 60))
        case "timestamp", "timestamptz": return text(formatted(seconds: seq * 61, "yyyy-MM-dd HH:mm:ss"))
        case "uuid": return text("00000000-0000-4000-8000-" + String(format: "%012lx", seq))
        case "json": return text("{\"n\": \(seq)}")
        default: break
        }
        // A native type: guess from its name.
        if native.contains("bool") { return dialect == .postgresql ? (seq % 2 == 0 ? "TRUE" : "FALSE") : String(seq % 2) }
        if native.contains("int") || native.contains("serial") { return String(seq % 30000) }
        if native.contains("json") { return text("{\"n\": \(seq)}") }
        if native.contains("char") || native.contains("text") || native.contains("clob") {
            let digits = native.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) }
            return string(limit: digits)
        }
        return text(String(seq))
    }

    /// The string literals of the CHECK constraints that mention `column` (e.g. `status IN
    /// ('active', 'suspended')`, or PostgreSQL's `= ANY (ARRAY[...])`), as SQL literals.
    static func checkLiterals(for column: String, in table: TableSnapshot) -> [String]? {
        for check in table.checkConstraints {
            let tokens = tokenizeSQL(check.expression)
            guard tokens.contains(where: { $0.isName && $0.text.caseInsensitiveCompare(column) == .orderedSame }) else { continue }
            // A regex, not the tokenizer: PostgreSQL's `ARRAY['a', 'b']` would read as a [bracketed] name.
            guard let regex = try? NSRegularExpression(pattern: "'(?:[^']|'')*'") else { return nil }
            let text = check.expression
            let literals = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
                .compactMap { Range($0.range, in: text).map { String(text[$0]) } }
            if !literals.isEmpty { return literals }
        }
        return nil
    }

    static func decimalShape(_ neutral: String) -> (precision: Int, scale: Int)? {
        guard neutral.hasPrefix("decimal("), neutral.hasSuffix(")") else { return nil }
        let parts = neutral.dropFirst(8).dropLast().split(separator: ",").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }

    /// A UTC date and time, counted from 2024-01-01.
    static func formatted(seconds: Int, _ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: Date(timeIntervalSince1970: 1_704_067_200 + TimeInterval(seconds)))
    }
}

/// Deletes every row of the snapshot's tables, foreign keys notwithstanding (verify, when the
/// rows it generated cannot go through a step).
/// PostgreSQL: a `CREATE INDEX CONCURRENTLY` that failed (on generated rows a unique cannot
/// hold) leaves its index behind INVALID, so the step cannot restart at that statement; dropped,
/// as mgen's own cleanup before such a build does when a runner starts the migration again.
func dropInvalidIndexes(_ db: Database) throws {
    guard db.dialect == .postgresql else { return }
    let rows = try db.query("SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid ORDER BY 1")
    for case let name?? in rows.map({ $0["name"] }) { try db.execute("DROP INDEX \(name)") }
}

func clearRows(_ db: Database, _ snapshot: SchemaSnapshot) throws {
    let names = snapshot.tables.map { quoteIdentifier($0.name, db.dialect) }
    guard !names.isEmpty else { return }
    switch db.dialect {
    case .postgresql:
        try db.execute("TRUNCATE \(names.joined(separator: ", "))")
    case .mysql:
        try db.execute("SET FOREIGN_KEY_CHECKS = 0")
        defer { try? db.execute("SET FOREIGN_KEY_CHECKS = 1") }
        for name in names { try db.execute("DELETE FROM \(name)") }
    case .sqlite:
        // verify runs SQLite with foreign keys off.
        for name in names { try db.execute("DELETE FROM \(name)") }
    }
}
