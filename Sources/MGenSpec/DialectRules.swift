/// What a dialect's database refuses although the neutral spec is valid: type bounds, keys on
/// types a dialect cannot index, defaults that do not fit their column, identity rules, table
/// widths (docs/spec.md, "Dialect limits"). Checked per dialect, on every step of every up and
/// down, with the schema before the step. `mysql` is the common ground of MySQL 8.0 and MariaDB
/// 10.11: what either refuses is an error.
public enum DialectRules {
    /// Every problem of the chain on `dialect`, in chain order.
    public static func problems(in chain: MigrationChain, for dialect: Dialect) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for migration in chain.migrations {
            for step in migration.up + (migration.down ?? []) {
                var check = Check(dialect: dialect, state: step.before, location: step.location)
                check.operation(step.operation)
                out += check.diagnostics
            }
            // Issue 13, safe output: what the server would silently change.
            if dialect.capabilities.fillsNotNullColumnsSilently { out += silentFills(migration) }
        }
        // A down replays steps the up checked already: report each problem once.
        var seen: Set<Diagnostic> = []
        return out.filter { seen.insert($0).inserted }
    }

    /// MySQL and MariaDB add a NOT NULL column without a default to a table with rows by filling every
    /// row with the type's implicit default ('', 0, a zero date, the first enum value) instead of
    /// refusing as PostgreSQL and SQLite do: data nobody wrote. Refused for a table that existed
    /// before the spec (a table made in the same spec has no rows); the up only, since a down that
    /// gives a dropped column back restores structure, not data, anyway.
    static func silentFills(_ migration: PlannedMigration) -> [Diagnostic] {
        let created = Set(migration.up.compactMap { step -> String? in if case let .createTable(t) = step.operation { t.name } else { nil } })
        return migration.up.compactMap { step in
            guard case let .addColumn(table, column, _, _) = step.operation, !created.contains(table),
                  !column.nullable, column.defaultValue == nil, !column.identity, column.generated == nil else { return nil }
            return Diagnostic("""
                mysql: add_column \(table).\(column.name) is NOT NULL without a default: on a table with rows MySQL and MariaDB \
                fill every existing row with the type's implicit default ('', 0, a zero date, the first enum value) instead of refusing
                """, at: step.location,
                fix: "give the column a `default:`; or add it nullable, fill it with a `backfill`, then `alter_column: {table: \(table), column: \(column.name), nullable: false}` in a later spec")
        }
    }

    // spec 1.1: column types
    /// How to write an unsigned integer for a dialect without one: the range decides.
    public static let unsignedFix = "use the signed type with `add_check` (col >= 0) where its range suffices, or a per-dialect type such as {mysql: int unsigned, postgresql: bigint, sqlite: INTEGER}"

    /// What to write for an array where the dialect has none (json holds a list, but is another type).
    public static let arrayFix = "use json for a list of values (another type: queried and indexed differently), a child table, or a per-dialect type such as {postgresql: text[], mysql: json, sqlite: TEXT}"

    /// Each rule reads the database's limits and refusals from `DialectCapabilities` (issue 11:
    /// the facts live there once; no rule asks which dialect it is).
    struct Check {
        let dialect: Dialect
        /// What the dialect's database can do and refuses.
        let can: DialectCapabilities
        let state: SchemaState
        let location: SourceLocation
        var diagnostics: [Diagnostic] = []

        init(dialect: Dialect, state: SchemaState, location: SourceLocation) {
            self.dialect = dialect
            self.can = dialect.capabilities
            self.state = state
            self.location = location
        }

        var displayName: String { can.productName }

        mutating func error(_ message: String, fix: String? = nil) {
            diagnostics.append(Diagnostic("\(dialect): \(message)", at: location, fix: fix))
        }

        mutating func operation(_ operation: Operation) {
            schemaQualified(operation) // spec 1.1: schemas (Ops/Schemas.swift)
            deferrability(operation) // spec 1.1: deferrable constraints (Ops/Deferrable.swift)
            foreignKeyCharsets(operation) // spec 1.1: altering in place (Ops/AlterInPlace.swift)
            generatedColumns(operation) // spec 1.1: generated columns and collations (Ops/GeneratedColumns.swift)
            switch operation {
            case let .createTable(table):
                for column in table.columns { self.column(column, in: table.name) }
                width(table.columns.count, table: table.name)
                if let pk = table.primaryKey { key(pk.columns, in: table, what: "the primary key") }
                for unique in table.uniques { key(unique.columns, in: table, what: "unique constraint '\(unique.name)'") }
                for fk in table.foreignKeys { foreignKey(fk, in: table) }
                identities(in: table)
                for check in table.checks { checkOnIdentity(check, in: table) }
            case let .addColumn(tableName, column, unique, foreignKey):
                guard var table = state.table(tableName) else { return }
                self.column(column, in: tableName)
                // Reported once, by the column that crosses the limit.
                if table.columns.count == can.maximumColumns { width(table.columns.count + 1, table: tableName) }
                table.columns.append(column)
                if let unique { table.uniques.append(unique); key(unique.columns, in: table, what: "unique constraint '\(unique.name)'") }
                if let foreignKey { self.foreignKey(foreignKey, in: table) }
                if column.identity { identities(in: table) }
            case let .alterColumn(change):
                guard var table = state.table(change.table), let i = table.columnIndex(change.column) else { return }
                var column = table.columns[i]
                if let type = change.type, type != column.type { foreignKeyColumnType(column.name, of: table) }
                if let type = change.type { column.type = type; self.type(type, column: column.name, in: table.name) }
                switch change.defaultChange {
                case let .set(value)?: column.defaultValue = value
                case .drop?: column.defaultValue = nil
                case nil: break
                }
                // A new type must still hold the default, and a new default must fit the type.
                if change.type != nil || change.defaultChange != nil { defaultValue(column, in: table.name) }
                if change.type != nil {
                    table.columns[i] = column
                    for keyed in keys(of: table) where keyed.columns.contains(column.name) { key(keyed.columns, in: table, what: keyed.what) }
                }
            case let .createIndex(index, _):
                guard let table = state.table(index.table) else { return }
                // spec 1.1: index options (prefix lengths)
                var lengths: [String: Int] = [:]
                for (i, part) in index.parts.enumerated() { if let c = part.columnName, let n = index.keyOptions(i).length { lengths[c] = n } }
                key(index.columnNames, in: table, what: "index '\(index.name)'", lengths: lengths)
            case let .addUnique(unique):
                guard let table = state.table(unique.table) else { return }
                key(unique.columns, in: table, what: "unique constraint '\(unique.name)'")
            case let .addForeignKey(fk):
                guard let table = state.table(fk.table) else { return }
                foreignKey(fk, in: table)
            case let .addCheck(check):
                guard let table = state.table(check.table) else { return }
                checkOnIdentity(check, in: table)
            case .dropTable, .renameTable, .dropColumn, .renameColumn, .dropIndex, .validateConstraint,
                 .dropConstraint, .sql, .backfill:
                break
            // spec 1.1: views, functions, triggers, extensions, sequences
            case let .object(change):
                if let problem = change.unsupported(on: dialect, in: state) { error(problem.message, fix: problem.fix) }
            // spec 1.1: enum types (MySQL and SQLite get them as inline values, see withInlineEnums)
            // spec 1.1: data steps
            case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue, .insert, .delete, .update:
                break
            // spec 1.1: primary keys
            case let .addPrimaryKey(add):
                guard var table = state.table(add.table) else { return }
                table.primaryKey = add.key
                key(add.key.columns, in: table, what: "the primary key")
            case .dropPrimaryKey, .renameIndex:
                break
            // spec 1.1: comments
            case .commentTable:
                break
            // spec 1.1: constraint renames
            case .renameConstraint:
                break
            // spec 1.1: altering in place
            case .alterTable, .alterConstraint:
                alterInPlace(operation, in: state)
            // spec 1.1: unique constraints from a unique index (the index, already there, is the key)
            case .addUniqueUsingIndex:
                break
            }
        }

        /// MySQL refuses any type change of a column in a foreign key, its own or one referencing
        /// it, while the key exists, even a longer string (the validator refuses the other changes
        /// on every dialect).
        mutating func foreignKeyColumnType(_ column: String, of table: Table) {
            guard can.foreignKeyColumnTypesFixed else { return }
            let keys = table.foreignKeys.filter { $0.columns.contains(column) || ($0.referencedTable == table.name && $0.referencedColumns.contains(column)) }
                + state.incomingForeignKeys(to: table.name, column: column)
            guard let fk = keys.first else { return }
            error("column '\(table.name).\(column)' is in foreign key '\(fk.name)' of table '\(fk.table)'; \(displayName) refuses any change of its type while the key exists, even a longer string",
                  fix: "drop the key first (drop_constraint: {table: \(fk.table), name: \(fk.name)}), alter both columns, then add the key again with add_foreign_key")
        }

        /// MariaDB and MySQL 8.0 refuse a CHECK that reads an AUTO_INCREMENT column (the value is
        /// not known when the row is checked). The expression's identifiers are compared whole,
        /// unquoted or quoted, case-insensitively as MySQL compares column names.
        mutating func checkOnIdentity(_ check: CheckConstraint, in table: Table) {
            guard can.checksCannotReadIdentity else { return }
            let words = Set(check.expression.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "$") }.map { $0.lowercased() })
            guard let column = table.columns.first(where: { $0.identity && words.contains($0.name.lowercased()) }) else { return }
            error("CHECK '\(check.name)' reads '\(table.name).\(column.name)', an AUTO_INCREMENT column; MySQL and MariaDB refuse that",
                  fix: "check another column, or drop the CHECK on MySQL (an identity is always positive)")
        }

        /// The keys of a table, with what to call each in a message.
        func keys(of table: Table) -> [(columns: [String], what: String)] {
            var keys: [(columns: [String], what: String)] = []
            if let pk = table.primaryKey { keys.append((pk.columns, "the primary key")) }
            keys += table.uniques.map { ($0.columns, "unique constraint '\($0.name)'") }
            if can.implicitForeignKeyIndexes { keys += table.foreignKeys.map { ($0.columns, "the index of foreign key '\($0.name)'") } }
            keys += state.indexes(on: table.name).map { ($0.columnNames, "index '\($0.name)'") }
            return keys
        }

        mutating func width(_ count: Int, table: String) {
            let limit = can.maximumColumns
            if count > limit {
                error("table '\(table)' would have \(count) columns; \(displayName) allows \(limit)",
                      fix: "split the table, or move rarely used columns to a json column")
            }
        }

        mutating func column(_ column: Column, in table: String) {
            type(column.type, column: column.name, in: table)
            defaultValue(column, in: table)
        }

        mutating func type(_ type: ColumnType, column: String, in table: String) {
            switch type {
            case let .string(n):
                if let limit = can.maximumStringLength, n > limit {
                    error("column '\(table).\(column)' is string(\(n)); \(displayName) allows at most string(\(limit))",
                          fix: "use text for longer values")
                }
            case let .decimal(p, s):
                if let precision = can.maximumDecimalPrecision, p > precision || s > (can.maximumDecimalScale ?? Int.max) {
                    error("column '\(table).\(column)' is decimal(\(p),\(s)); \(displayName) allows a precision of at most \(precision)"
                          + (can.maximumDecimalScale.map { " and a scale of at most \($0)" } ?? ""))
                }
            case let .enumeration(values):
                if let limit = can.maximumEnumValueLength, let long = values.first(where: { $0.count > limit }) {
                    error("enum value '\(long.prefix(20))…' of column '\(table).\(column)' is \(long.count) characters; \(displayName) allows \(limit)")
                }
            // spec 1.1: column types
            case let .char(n):
                if let limit = can.maximumCharLength, n > limit {
                    error("column '\(table).\(column)' is char(\(n)); \(displayName) allows at most char(\(limit))",
                          fix: "use string(n) for longer values")
                }
            case let .unsigned(kind) where !can.unsignedIntegers:
                error("column '\(table).\(column)' is \(type); \(displayName) has no unsigned integers",
                      fix: DialectRules.unsignedFix + " (\(kind.signed) holds up to \(kind == .bigint ? "9,223,372,036,854,775,807" : kind == .integer ? "2,147,483,647" : "32,767"))")
            case .array where !can.arrays:
                error("column '\(table).\(column)' is \(type); \(displayName) has no array types", fix: DialectRules.arrayFix)
            case .varchar where !can.unboundedVarchar:
                error("column '\(table).\(column)' is varchar(max); \(displayName) has no varchar without a length",
                      fix: "give a length (string(n), n ≤ \(can.maximumStringLength ?? 0)), use text, or a per-dialect type {postgresql: varchar, mysql: varchar(255), sqlite: VARCHAR}")
            default:
                break
            }
        }

        /// A literal default must be a value of the column's type; SQLite stores anything, the
        /// others refuse it when the table is defined or at the first insert that uses it.
        mutating func defaultValue(_ column: Column, in table: String) {
            guard case let .literal(literal)? = column.defaultValue, literal != .null else { return }
            let name = "'\(table).\(column.name)'"
            if can.noLiteralDefaultsOnText, column.type == .text || column.type == .binary || column.type == .json {
                error("column \(name) is \(column.type) with a literal default; MySQL 8.0 refuses that (MariaDB allows it)",
                      fix: "write the default as an expression: `default: {sql: \"'\(sqlText(literal).split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'\"}`")
                return
            }
            guard !can.storesAnyValue, let problem = misfit(literal, column.type) else { return }
            error("the default \(literal) of column \(name) does not fit \(column.type): \(problem)",
                  fix: "give a default of the column's type, or none")
        }

        /// Why a literal is no value of a type (nil when it is one, or when it cannot be told).
        func misfit(_ literal: Literal, _ type: ColumnType) -> String? {
            func integer(_ range: ClosedRange<Int64>) -> String? {
                switch literal {
                case let .integer(i): return range.contains(i) ? nil : "\(i) is out of range"
                case let .string(s): return Int64(s).map { range.contains($0) ? nil : "\($0) is out of range" } ?? "not a whole number"
                case .number: return "not a whole number"
                case .boolean: return can.booleansAreIntegers ? nil : "a boolean"
                case .null: return nil
                }
            }
            switch type {
            case .smallint: return integer(-32_768...32_767)
            case .integer: return integer(-2_147_483_648...2_147_483_647)
            case .bigint: return integer(Int64.min...Int64.max)
            // spec 1.1: column types (the largest bigint unsigned is beyond a YAML integer's reach)
            case let .unsigned(kind): return integer(0...Int64(clamping: kind.maximum))
            case .decimal, .real, .double:
                switch literal {
                case let .string(s): return Double(s) == nil ? "not a number" : nil
                case .boolean: return can.booleansAreIntegers ? nil : "a boolean"
                default: return nil
                }
            case .boolean:
                switch literal {
                case let .string(s):
                    let words = ["true", "false", "t", "f", "yes", "no", "y", "n", "on", "off", "1", "0"]
                    return words.contains(s.lowercased()) ? nil : "not true or false"
                case let .integer(i): return !can.booleansAreIntegers || !(0...1).contains(i) ? "a number, not true or false" : nil
                case .number: return "a number, not true or false"
                default: return nil
                }
            case let .string(n), let .char(n): // spec 1.1: column types (char)
                let text = sqlText(literal)
                return text.count > n ? "\(text.count) characters, longer than \(n)" : nil
            case let .enumeration(values):
                let text = sqlText(literal)
                return values.contains(text) ? nil : "not one of \(values.joined(separator: ", "))"
            case .uuid:
                guard case let .string(s) = literal else { return "not a UUID" }
                return isUUID(s) ? nil : "not a UUID"
            default:
                return nil
            }
        }

        /// A literal as the text a database would store for it.
        func sqlText(_ literal: Literal) -> String {
            switch literal {
            case let .string(s): s
            case let .integer(i): String(i)
            case let .number(n): n
            case let .boolean(b): b ? "true" : "false"
            case .null: "null"
            }
        }

        func isUUID(_ s: String) -> Bool {
            let hex = s.utf8.filter { $0 != UInt8(ascii: "-") }
            return s.utf8.count == 36 && hex.count == 32 && hex.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
        }

        mutating func foreignKey(_ fk: ForeignKey, in table: Table) {
            // MySQL indexes a foreign key's columns itself.
            if can.implicitForeignKeyIndexes { key(fk.columns, in: table, what: "the index of foreign key '\(fk.name)'") }
        }

        /// MySQL indexes text, blob and json columns only with a prefix length, and keys up to
        /// 3,072 bytes (MariaDB accepts more through a hash; MySQL 8.0 does not).
        mutating func key(_ columns: [String], in table: Table, what: String, lengths: [String: Int] = [:]) {
            guard can.textKeysNeedPrefix || can.maximumKeyBytes != nil else { return }
            let maximumKeyBytes = can.maximumKeyBytes ?? Int.max
            var bytes = 0
            for name in columns {
                guard let column = table.column(name) else { continue }
                // spec 1.1: a prefix `length` indexes that many characters of any column.
                if let length = lengths[name] { bytes += length * 4; continue }
                switch column.type.withoutPrecision {
                case .text, .binary, .json:
                    guard can.textKeysNeedPrefix else { bytes += 4; continue }
                    error("\(what) of '\(table.name)' uses \(column.type) column '\(name)'; \(displayName) cannot index \(column.type) without a prefix length",
                          fix: "use string(n) (n ≤ \(maximumKeyBytes / 4)) for a column in a key")
                    return
                case let .string(n): bytes += n * 4
                case let .char(n): bytes += n * 4 // spec 1.1: column types
                case let .enumeration(values): bytes += (values.map(\.count).max() ?? 0) * 4
                case .bigint, .double, .timestamp, .timestamptz, .unsigned(.bigint): bytes += 8
                case let .decimal(p, _): bytes += p / 2 + 1
                case .uuid: bytes += 36 * 4
                default: bytes += 4
                }
            }
            if bytes > maximumKeyBytes {
                error("\(what) of '\(table.name)' is \(bytes) bytes long (at 4 bytes a character); \(displayName) keys hold \(maximumKeyBytes)",
                      fix: "shorten the string columns of the key (string(n) with n ≤ \(maximumKeyBytes / 4) for one column)")
            }
        }

        /// MySQL allows one AUTO_INCREMENT column per table, and it must lead a key.
        mutating func identities(in table: Table) {
            guard can.singleIdentityLeadingKey else { return }
            let identities = table.columns.filter(\.identity)
            if identities.count > 1 {
                error("table '\(table.name)' has \(identities.count) identity columns (\(identities.map(\.name).joined(separator: ", "))); \(displayName) allows one")
            }
            guard let identity = identities.first else { return }
            let leads = keys(of: table).contains { $0.columns.first == identity.name }
            if !leads {
                error("identity column '\(table.name).\(identity.name)' is not the first column of a key; \(displayName) requires that",
                      fix: "make it the primary key, or give it `unique: true`")
            }
        }
    }
}
