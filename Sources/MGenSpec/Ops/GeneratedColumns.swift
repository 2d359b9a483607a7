/// spec 1.1: generated columns and collations — a column's `generated: {expression, stored}` and
/// `collation:`, and alter_column's `collation:`. Their model, parsing, validation against the
/// replayed state and the dialect rules, in one place (docs/spec.md, "Generated columns" and
/// "Collations").

/// A column computed by the database from other columns of its row.
public struct GeneratedColumn: Hashable, Sendable {
    /// SQL per dialect (or `default`), as `sql` steps and CHECKs take it.
    public var expression: DialectSQL
    /// STORED (computed on write, kept on disk) or VIRTUAL (computed on read), per dialect or
    /// `default` (true when not written). PostgreSQL 12–17 has only STORED; SQLite adds only
    /// VIRTUAL columns to an existing table: `stored: {postgresql: true, default: false}`.
    public var storedByDialect: [String: Bool]
    public init(expression: DialectSQL, stored: Bool = true) { self.expression = expression; self.storedByDialect = ["default": stored] }
    public init(expression: DialectSQL, storedByDialect: [String: Bool]) { self.expression = expression; self.storedByDialect = storedByDialect }

    public func isStored(_ dialect: Dialect) -> Bool { storedByDialect[dialect.rawValue] ?? storedByDialect["default"] ?? true }
}

/// alter_column's `collation:`: a new one, or `null` for the database's default again.
public enum CollationChange: Hashable, Sendable {
    case set(DialectSQL)
    case drop

    public var collation: DialectSQL? { if case let .set(c) = self { c } else { nil } }
}

extension ColumnType {
    /// Types that take a collation: the character types (and PostgreSQL arrays of them; a native
    /// type is the user's call).
    public var isCollatable: Bool {
        switch self {
        case .string, .text, .char, .varchar, .native, .enumeration, .enumType: true
        case let .array(element): element.isCollatable
        default: false
        }
    }
}

extension Column {
    /// The generation expression on `dialect` (nil for a plain column, or none for the dialect).
    public func generatedExpression(_ dialect: Dialect) -> String? { generated?.expression.text(for: dialect) }
    /// The collation on `dialect`; nil where the column has the database's default there.
    public func collation(_ dialect: Dialect) -> String? { collation?.text(for: dialect) }
}

// MARK: - Parsing

extension OperationParser {
    /// `generated: "price * qty"` (stored) or `generated: {expression: <sql or per dialect>, stored: true|false}`.
    static func generated(_ node: Node, sink: DiagnosticSink) -> GeneratedColumn? {
        if case .scalar = node {
            guard let expression = dialectSQL(node, sink: sink) else { return nil }
            return checkedExpression(GeneratedColumn(expression: expression), at: sink.location(node), sink: sink)
        }
        let f = Fields(node, context: "generated", allowed: ["expression", "stored"], sink: sink)
        guard let expressionNode = f.node("expression") else {
            sink.error("missing required field 'expression' in generated", at: sink.location(node),
                       fix: "write `generated: {expression: \"price\" * \"qty\", stored: true}`")
            return nil
        }
        guard let expression = dialectSQL(expressionNode, sink: sink) else { return nil }
        var stored: [String: Bool] = ["default": true]
        switch f.node("stored") {
        case nil: break
        case let .mapping(mapping)?:
            stored = [:]
            for (k, v) in mapping {
                guard let name = k.string, let key = Dialect(name: name)?.rawValue ?? (name == "default" ? "default" : nil),
                      case let .boolean(value) = v.kind else {
                    sink.error("`stored` maps postgresql, mysql, sqlite or default to true or false", at: sink.location(k),
                               fix: "write `stored: {postgresql: true, default: false}`")
                    continue
                }
                stored[key] = value
            }
        case .some:
            guard let value = f.bool("stored") else { return nil }
            stored = ["default": value]
        }
        return checkedExpression(GeneratedColumn(expression: expression, storedByDialect: stored), at: f.location("expression"), sink: sink)
    }

    private static func checkedExpression(_ generated: GeneratedColumn, at location: SourceLocation, sink: DiagnosticSink) -> GeneratedColumn? {
        if generated.expression.byDialect.values.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
            sink.error("the expression of a generated column is empty", at: location, fix: "write the SQL expression that computes the column")
            return nil
        }
        return generated
    }

    /// `collation: C` or per dialect `{postgresql: C, mysql: utf8mb4_bin, sqlite: NOCASE}`.
    static func collation(_ node: Node, sink: DiagnosticSink) -> DialectSQL? {
        guard let collation = dialectSQL(node, sink: sink) else { return nil }
        for (dialect, name) in collation.byDialect.sorted(by: { $0.key < $1.key }) {
            if name.isEmpty || name.contains("\"") || name.contains("`") || name.contains(where: { $0.isWhitespace || $0 == ";" }) {
                sink.error("collation '\(name)'\(dialect == "default" ? "" : " (\(dialect))") is not a collation name", at: sink.location(node),
                           fix: "write the bare name, e.g. C, \"en-US-x-icu\", utf8mb4_bin or NOCASE (mgen quotes it per dialect)")
            }
        }
        return collation
    }

    /// The column's generated/collation fields, and what they rule out in the column itself.
    static func generatedAndCollation(_ f: Fields, name: String, identity: Bool, primaryKey: Bool,
                                      hasDefault: Bool, into column: inout Column) {
        if let node = f.node("collation"), !isNull(node) { column.collation = collation(node, sink: f.sink) }
        guard let node = f.node("generated"), !isNull(node), let generated = generated(node, sink: f.sink) else { return }
        if hasDefault {
            f.sink.error("generated column '\(name)' cannot have a default: the database computes its value", at: f.location("default"),
                         fix: "leave out `default` or `generated`")
        }
        if identity || primaryKey {
            f.sink.error("generated column '\(name)' cannot be \(identity ? "an identity column" : "a primary key column")", at: f.location("generated"),
                         fix: "compute another column, or leave out `generated`")
        }
        column.generated = generated
    }

    static func isNull(_ node: Node) -> Bool { if case .null = node.kind { true } else { false } }
}

// MARK: - Validation against the replayed state

extension Validator {
    /// Generated columns read columns of their own row, which must exist and stay while they do;
    /// their value is the database's, so no step writes it; collations go on character types.
    mutating func checkGeneratedColumns(_ operation: Operation) {
        switch operation {
        case let .createTable(table):
            for column in table.columns { checkColumnOptions(column, in: table, field: "columns") }
        case let .addColumn(tableName, column, _, _):
            guard var table = state.table(tableName) else { return }
            table.columns.append(column)
            checkColumnOptions(column, in: table, field: "column")
        case let .dropColumn(tableName, column):
            guard let table = state.table(tableName) else { return }
            for reader in generatedReaders(of: column, in: table) {
                error("generated column '\(tableName).\(reader)' reads column '\(column)'", field: "column",
                      fix: "drop '\(reader)' first (drop_column: {table: \(tableName), column: \(reader)}), or add it again with an expression that does not read '\(column)'")
            }
        case let .renameColumn(tableName, from, _):
            guard let table = state.table(tableName) else { return }
            for reader in generatedReaders(of: from, in: table) {
                error("generated column '\(tableName).\(reader)' reads column '\(from)', and its expression is SQL mgen does not rewrite", field: "column",
                      fix: "drop '\(reader)', rename '\(from)', then add '\(reader)' again with the new name in its expression")
            }
        case let .alterColumn(change):
            guard let table = state.table(change.table), let column = table.column(change.column) else { return }
            if column.generated != nil, change.type != nil || change.nullable != nil || change.defaultChange != nil || change.collation != nil {
                error("'\(change.table).\(change.column)' is a generated column: alter_column changes only its comment", field: "column",
                      fix: "drop_column it and add_column it again with the new definition (its values are computed again)")
            }
            if change.type != nil || change.collation != nil {
                let what = change.type != nil ? "type" : "collation"
                for reader in generatedReaders(of: change.column, in: table) {
                    error("generated column '\(change.table).\(reader)' reads column '\(change.column)', whose \(what) cannot change under it (PostgreSQL refuses it)",
                          field: what, fix: "drop '\(reader)' first, change the \(what), then add '\(reader)' again")
                }
            }
            if let collation = change.collation?.collation {
                requireCollatable(change.type ?? column.type, collation: collation, table: change.table, column: change.column, field: "collation")
            }
        case let .backfill(backfill):
            refuseWrites(backfill.assignments.map(\.column), of: backfill.table, field: "set", step: "backfill")
        case let .update(update):
            refuseWrites(update.assignments.map(\.column), of: update.table, field: "set", step: "update")
        case let .insert(rows):
            refuseWrites(rows.rows.flatMap(\.columns), of: rows.table, field: "rows", step: "insert")
        default:
            break
        }
    }

    private mutating func checkColumnOptions(_ column: Column, in table: Table, field: String) {
        if let collation = column.collation { requireCollatable(column.type, collation: collation, table: table.name, column: column.name, field: field) }
        guard let generated = column.generated else { return }
        let what = "the expression of generated column '\(table.name).\(column.name)'"
        for text in Set(generated.expression.byDialect.values).sorted() {
            requireQuotedColumns(text, in: table, field: field, what: what)
            if mentions(text, column.name) {
                error("\(what) reads the column itself", field: field, fix: "compute it from other columns of the row")
            }
            // PostgreSQL refuses it, and the order of evaluation is the database's elsewhere.
            for other in table.columns where other.name != column.name && other.generated != nil && mentions(text, other.name) {
                error("\(what) reads generated column '\(other.name)'", field: field,
                      fix: "write '\(other.name)''s expression in its place (PostgreSQL computes a generated column from stored columns only)")
            }
        }
    }

    private mutating func requireCollatable(_ type: ColumnType, collation: DialectSQL, table: String, column: String, field: String) {
        guard !type.isCollatable else { return }
        error("column '\(table).\(column)' of type \(type) takes no collation", field: field,
              fix: "collations go on string(n), char(n), varchar and text columns; leave out `collation`")
    }

    private mutating func refuseWrites(_ columns: [String], of tableName: String, field: String, step: String) {
        guard let table = state.table(tableName) else { return }
        for name in Set(columns).sorted() where table.column(name)?.generated != nil {
            error("\(step) writes '\(tableName).\(name)', a generated column: the database computes its value", field: field,
                  fix: "write the columns it is computed from instead, and leave '\(name)' out")
        }
    }

    /// The generated columns of `table` whose expression (on any dialect) names `column`.
    func generatedReaders(of column: String, in table: Table) -> [String] {
        table.columns.filter { other in
            other.name != column && (other.generated?.expression.byDialect.values.contains { mentions($0, column) } ?? false)
        }.map(\.name)
    }
}

// MARK: - Dialect rules

extension DialectRules.Check {
    /// What a dialect refuses of generated columns and collations.
    mutating func generatedColumns(_ operation: Operation) {
        switch operation {
        case let .createTable(table):
            for column in table.columns { columnOptions(column, in: table.name); generatedReadsIdentity(column, in: table) }
        case let .addColumn(tableName, column, _, _):
            columnOptions(column, in: tableName)
            if var table = state.table(tableName) { table.columns.append(column); generatedReadsIdentity(column, in: table) }
        case let .alterColumn(change):
            if let collation = change.collation?.collation { self.collation(collation, column: "\(change.table).\(change.column)") }
        default:
            break
        }
    }

    private mutating func columnOptions(_ column: Column, in table: String) {
        if let collation = column.collation { self.collation(collation, column: "\(table).\(column.name)") }
        guard let generated = column.generated else { return }
        if generated.expression.text(for: dialect) == nil {
            error("generated column '\(table).\(column.name)' has no expression for \(dialect)",
                  fix: "give the expression a `\(dialect.rawValue):` entry or a `default:` one")
        }
        if !generated.isStored(dialect), !can.virtualGeneratedColumns {
            error("\(displayName) has only STORED generated columns ('\(table).\(column.name)' is virtual)",
                  fix: "write `stored: true` (computed on write, kept on disk), or a view that computes the value")
        }
        if !column.nullable, !can.notNullGeneratedColumns {
            error("MariaDB refuses NOT NULL on generated column '\(table).\(column.name)'",
                  fix: "leave out `nullable: false` (the expression decides whether the value is NULL), or add a CHECK")
        }
    }

    /// MySQL and MariaDB refuse a generated column that reads an AUTO_INCREMENT column (its value
    /// is not known when the row's generated values are computed), as they refuse such a CHECK.
    private mutating func generatedReadsIdentity(_ column: Column, in table: Table) {
        guard can.checksCannotReadIdentity, let expression = column.generatedExpression(dialect) else { return }
        for identity in table.columns where identity.identity && mentions(expression, identity.name) {
            error("generated column '\(table.name).\(column.name)' reads '\(identity.name)', an AUTO_INCREMENT column, which \(displayName) refuses",
                  fix: "compute it from other columns, or give '\(identity.name)' its values another way")
        }
    }

    private mutating func collation(_ collation: DialectSQL, column: String) {
        guard let name = collation.text(for: dialect) else { return }
        if let known = can.knownCollations, !known.contains(name.uppercased()) {
            error("\(displayName) knows the collations \(known.joined(separator: ", ")), not '\(name)' (column '\(column)')",
                  fix: "use one of them, or a per-dialect collation such as {postgresql: C, mysql: utf8mb4_bin, sqlite: BINARY}")
        }
        if can.collationsAreWords, !name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
            error("'\(name)' is not a \(displayName) collation name (column '\(column)')",
                  fix: "\(displayName) collations are words such as utf8mb4_bin or utf8mb4_unicode_ci; give a per-dialect collation")
        }
    }
}

// MARK: - What emitters ask

extension Column {
    /// Whether the column is generated or has a collation of its own (on any dialect).
    public var hasGeneratedOrCollation: Bool { generated != nil || collation != nil }
}

extension Operation {
    /// Whether the operation writes a generated or collated column, changes a column's collation,
    /// or changes or drops such a column: a framework whose field cannot say it sends the step as
    /// mgen's SQL (and whose reverse would re-create the column from its field, without them).
    /// `collations: false`: generated columns only (for a framework whose fields take a collation
    /// of their own).
    public func touchesGeneratedOrCollatedColumn(in before: SchemaState, collations: Bool = true) -> Bool {
        let test: (Column) -> Bool = { collations ? $0.hasGeneratedOrCollation : $0.generated != nil }
        func touched(_ table: String, _ column: String) -> Bool { before.table(table)?.column(column).map(test) == true }
        switch self {
        case let .createTable(table): return table.columns.contains(where: test)
        case let .addColumn(_, column, _, _): return test(column)
        case let .alterColumn(change): return (collations && change.collation != nil) || touched(change.table, change.column)
        case let .dropColumn(table, column): return touched(table, column)
        case let .dropTable(name): return before.table(name)?.columns.contains(where: test) == true
        default: return false
        }
    }

    /// Whether the operation's table holds a generated or collated column before or after it (a
    /// framework that rebuilds a SQLite table from its own model of it would lose them).
    public func onTableWithGeneratedOrCollatedColumn(_ before: SchemaState, _ after: SchemaState, collations: Bool = true) -> Bool {
        guard let name = table else { return false }
        return [before, after].contains { $0.table(name)?.columns.contains { collations ? $0.hasGeneratedOrCollation : $0.generated != nil } == true }
    }
}
