/// Default names, as PostgreSQL and Prisma spell them, so specs may omit them and every dialect
/// still gets the same, droppable names.
public enum DefaultNames {
    public static func primaryKey(_ table: String) -> String { "\(QualifiedName.unqualified(table))_pkey" }
    public static func unique(_ table: String, _ columns: [String]) -> String { "\(QualifiedName.unqualified(table))_\(columns.joined(separator: "_"))_key" }
    public static func foreignKey(_ table: String, _ columns: [String]) -> String { "\(QualifiedName.unqualified(table))_\(columns.joined(separator: "_"))_fkey" }
    public static func index(_ table: String, _ columns: [String]) -> String { "\(QualifiedName.unqualified(table))_\(columns.joined(separator: "_"))_idx" }
    public static func check(_ table: String, _ ordinal: Int) -> String { ordinal == 0 ? "\(QualifiedName.unqualified(table))_check" : "\(QualifiedName.unqualified(table))_check\(ordinal)" }
}

/// Reads one item of `operations:` / `down:`: a mapping with a single key naming the operation.
enum OperationParser {
    static let columnFields = ["name", "type", "nullable", "default", "primary_key", "identity", "autoincrement",
                               "unique", "references", "comment",
                               // spec 1.1: generated columns and collations
                               "generated", "collation"]
    static let referenceFields = ["table", "column", "columns", "name", "on_delete", "on_update"]
        + deferrableFields // spec 1.1: deferrable constraints
        + ["schema"] // spec 1.1: schemas

    static func parse(_ node: Node, sink: DiagnosticSink) -> Located<Operation>? {
        guard case let .mapping(mapping) = node, mapping.count == 1, let (keyNode, body) = mapping.first,
              let kind = keyNode.string else {
            sink.error("an operation must be a mapping with one key, the operation's name (e.g. `- add_column: {...}`)",
                       at: sink.location(node), fix: "operations: \(Operation.kinds.joined(separator: ", "))")
            return nil
        }
        let at = sink.location(keyNode)
        let errorsBefore = sink.diagnostics.count
        let allowed = withSchemaField(kind, allowedFields[kind] ?? enumTypeFields[kind]) // spec 1.1: enum types; schemas
        guard let allowed else {
            let hint = closestMatch(to: kind, in: Operation.kinds).map { " (did you mean '\($0)'?)" } ?? ""
            sink.error("unknown operation '\(kind)'\(hint)", at: at, fix: "operations: \(Operation.kinds.joined(separator: ", "))")
            return nil
        }
        // `- sql: "UPDATE ..."` is shorthand for an up-only raw SQL step.
        if kind == "sql", case let .scalar(scalar) = body {
            guard requireSQL(DialectSQL(scalar.string), at: sink.location(body), sink: sink) else { return nil }
            return Located(.sql(up: DialectSQL(scalar.string), down: nil), at: at, fields: ["up": sink.location(body)])
        }
        let f = Fields(body, context: kind, allowed: allowed, sink: sink)
        let operation: Operation?
        switch kind {
        case "create_table": operation = createTable(f)
        case "drop_table": operation = f.name("table").map { .dropTable(table: $0) }
        case "rename_table":
            let table = f.name("table"), to = f.name("to")
            // spec 1.1: schemas. The new name stays in the table's schema.
            operation = table.flatMap { t in to.map { .renameTable(table: t, to: QualifiedName(t).sibling($0).key) } }
        case "add_column":
            operation = addColumn(f)
        case "drop_column":
            let table = f.name("table"), column = f.name("column")
            operation = table.flatMap { t in column.map { .dropColumn(table: t, column: $0) } }
        case "rename_column":
            let table = f.name("table"), column = f.name("column"), to = f.name("to")
            if let table, let column, let to { operation = .renameColumn(table: table, column: column, to: to) } else { operation = nil }
        case "alter_column": operation = alterColumn(f)
        case "create_index": operation = createIndex(f)
        case "drop_index":
            let name = f.name("name"), table = f.name("table", required: false) ?? ""
            operation = name.map { .dropIndex(name: $0, table: table, concurrently: f.bool("concurrently") ?? false) }
        case "add_foreign_key": operation = addForeignKey(f)
        // spec 1.1: unique constraints from a unique index
        case "add_unique" where f.has("using_index"): operation = uniqueUsingIndex(f)
        case "add_unique":
            let table = f.name("table"), columns = f.stringList("columns", required: true)
            if let table, let columns {
                let name = f.name("name", required: false) ?? DefaultNames.unique(table, columns)
                var unique = UniqueConstraint(name: name, table: table, columns: columns)
                unique.deferrable = deferrability(f) // spec 1.1: deferrable constraints
                operation = .addUnique(unique)
            } else { operation = nil }
        case "add_check":
            let table = f.name("table"), name = f.name("name"), expression = f.string("expression", required: true)
            if let table, let name, let expression {
                operation = .addCheck(CheckConstraint(name: name, table: table, expression: expression, notValid: f.bool("not_valid") ?? false))
            } else { operation = nil }
        case "validate_constraint", "drop_constraint":
            let table = f.name("table"), name = f.name("name")
            if let table, let name {
                operation = kind == "drop_constraint" ? .dropConstraint(table: table, name: name) : .validateConstraint(table: table, name: name)
            } else { operation = nil }
        case "sql":
            let up = dialectSQL(f, "up", required: true), down = dialectSQL(f, "down", required: false)
            if let up, !requireSQL(up, at: f.location("up"), sink: sink) { operation = nil } else {
                operation = up.map { .sql(up: $0, down: down) }
            }
        case "backfill": operation = backfill(f)
        // spec 1.1: views, functions, triggers, extensions, sequences
        case _ where objectFields[kind] != nil: operation = objectChange(kind, f)
        // spec 1.1: enum types
        case _ where enumTypeFields[kind] != nil: operation = enumTypeOperation(kind, f)
        // spec 1.1: data steps
        case "insert", "delete", "update": operation = dataStep(kind, f)
        // spec 1.1: primary keys
        case "add_primary_key", "drop_primary_key": operation = primaryKeyStep(kind, f)
        // spec 1.1: renames
        case "rename_index": operation = renameStep(kind, f)
        // spec 1.1: comments
        case "comment_table": operation = commentStep(kind, f)
        // spec 1.1: constraint renames
        case "rename_constraint": operation = renameConstraintStep(f)
        // spec 1.1: altering in place
        case "alter_table", "alter_constraint": operation = alterInPlaceStep(kind, f)
        default: operation = nil
        }
        guard let operation, sink.diagnostics.count == errorsBefore else { return nil }
        checkIdentifiers(operation, at: at, sink: sink)
        guard sink.diagnostics.count == errorsBefore else { return nil }
        return Located(operation, at: at, fields: f.fields)
    }

    static let allowedFields: [String: [String]] = [
        "create_table": ["table", "columns", "primary_key", "unique", "checks", "foreign_keys", "comment",
                         "mysql"], // spec 1.1: MySQL table options
        "drop_table": ["table"],
        "rename_table": ["table", "to"],
        "add_column": ["table", "column"],
        "drop_column": ["table", "column"],
        "rename_column": ["table", "column", "to"],
        "alter_column": ["table", "column", "type", "using", "nullable", "default", "comment",
                         "collation"], // spec 1.1: generated columns and collations
        "create_index": ["name", "table", "columns", "unique", "where", "method", "concurrently", "include", "with"],
        "drop_index": ["name", "table", "concurrently"],
        // spec 1.1: deferrable constraints (deferrable, initially_deferred)
        "add_foreign_key": ["name", "table", "columns", "references", "on_delete", "on_update", "not_valid"] + deferrableFields,
        "add_unique": ["name", "table", "columns"] + deferrableFields
            + ["using_index"], // spec 1.1: unique constraints from a unique index
        "add_check": ["name", "table", "expression", "not_valid"],
        "validate_constraint": ["table", "name"],
        "drop_constraint": ["table", "name"],
        "sql": ["up", "down"],
        "backfill": ["table", "set", "where", "batch_size", "key"],
    ]
    // spec 1.1: views, functions, triggers, extensions, sequences
    .merging(objectFields) { a, _ in a }
        // spec 1.1: data steps
        .merging(dataStepFields) { a, _ in a }
        // spec 1.1: primary keys
        .merging(primaryKeyFields) { a, _ in a }
        // spec 1.1: renames
        .merging(renameFields) { a, _ in a }
        // spec 1.1: comments
        .merging(commentFields) { a, _ in a }
        // spec 1.1: constraint renames
        .merging(constraintRenameFields) { a, _ in a }
        // spec 1.1: altering in place
        .merging(alterInPlaceFields) { a, _ in a }

    // MARK: - Operations

    static func createTable(_ f: Fields) -> Operation? {
        guard let table = f.name("table"), let columnNodes = f.sequence("columns", required: true) else { return nil }
        if columnNodes.isEmpty { f.sink.error("'columns' of create_table is empty", at: f.location("columns")); return nil }
        var columns: [Column] = []
        var primaryKey: [String] = []
        var uniques: [UniqueConstraint] = []
        var foreignKeys: [ForeignKey] = []
        for node in columnNodes {
            guard let parsed = column(node, table: table, sink: f.sink) else { continue }
            columns.append(parsed.column)
            if parsed.primaryKey { primaryKey.append(parsed.column.name) }
            if let u = parsed.unique { uniques.append(u) }
            if let fk = parsed.foreignKey { foreignKeys.append(fk) }
        }
        if let explicit = f.stringList("primary_key") {
            if !primaryKey.isEmpty {
                f.sink.error("primary key given twice: by `primary_key: true` on a column and by the table's `primary_key`",
                             at: f.location("primary_key"), fix: "keep one of them")
            }
            primaryKey = explicit
        }
        for node in f.sequence("unique") ?? [] {
            // `unique: [[a, b]]` or `unique: [{name: x, columns: [a, b]}]`
            if case .sequence = node {
                let cols = node.sequence?.compactMap(\.string) ?? []
                uniques.append(UniqueConstraint(name: DefaultNames.unique(table, cols), table: table, columns: cols))
            } else {
                let u = Fields(node, context: "a unique constraint", allowed: ["name", "columns"] + deferrableFields, sink: f.sink)
                if let cols = u.stringList("columns", required: true) {
                    var unique = UniqueConstraint(name: u.name("name", required: false) ?? DefaultNames.unique(table, cols), table: table, columns: cols)
                    unique.deferrable = deferrability(u) // spec 1.1: deferrable constraints
                    uniques.append(unique)
                }
            }
        }
        var checks: [CheckConstraint] = []
        for (ordinal, node) in (f.sequence("checks") ?? []).enumerated() {
            let c = Fields(node, context: "a check constraint", allowed: ["name", "expression"], sink: f.sink)
            if let expression = c.string("expression", required: true) {
                checks.append(CheckConstraint(name: c.name("name", required: false) ?? DefaultNames.check(table, ordinal),
                                              table: table, expression: expression))
            }
        }
        for node in f.sequence("foreign_keys") ?? [] {
            let fk = Fields(node, context: "a foreign key", allowed: ["name", "columns", "references", "on_delete", "on_update"] + deferrableFields, sink: f.sink)
            if let parsed = foreignKey(fk, table: table) { foreignKeys.append(parsed) }
        }
        var created = Table(name: table, columns: columns,
                            primaryKey: primaryKey.isEmpty ? nil : PrimaryKey(name: DefaultNames.primaryKey(table), columns: primaryKey),
                            uniques: uniques, checks: checks, foreignKeys: foreignKeys, comment: f.string("comment"))
        created.mysqlOptions = mysqlTableOptions(f) // spec 1.1: MySQL table options
        return .createTable(created)
    }

    static func addColumn(_ f: Fields) -> Operation? {
        guard let table = f.name("table") else { return nil }
        guard let node = f.node("column") else {
            f.sink.error("missing required field 'column' in add_column", at: f.sink.location(f.node), fix: "add `column: {name: ..., type: ...}`")
            return nil
        }
        guard let parsed = column(node, table: table, sink: f.sink) else { return nil }
        if parsed.primaryKey {
            f.sink.error("add_column cannot add a primary key column", at: f.location("column"),
                         fix: "declare the primary key in create_table")
            return nil
        }
        return .addColumn(table: table, column: parsed.column, unique: parsed.unique, foreignKey: parsed.foreignKey)
    }

    static func alterColumn(_ f: Fields) -> Operation? {
        guard let table = f.name("table"), let column = f.name("column") else { return nil }
        var change = AlterColumn(table: table, column: column)
        if let node = f.node("type") { change.type = columnType(node, sink: f.sink) }
        change.using = f.string("using")
        change.nullable = f.bool("nullable")
        if let node = f.node("default") {
            // `default: null` drops the default.
            if case .null = node.kind { change.defaultChange = .drop } else if let value = defaultValue(node, sink: f.sink) {
                change.defaultChange = .set(value)
            }
        }
        // spec 1.1: `comment: null` removes the column's comment (the model's empty comment).
        if let node = f.node("comment"), case .null = node.kind { change.comment = "" } else { change.comment = f.string("comment") }
        // spec 1.1: generated columns and collations (`collation: null`: the database's default again)
        if let node = f.node("collation") { change.collation = isNull(node) ? .drop : collation(node, sink: f.sink).map { .set($0) } }
        if change.type == nil, change.nullable == nil, change.defaultChange == nil, change.comment == nil, change.collation == nil {
            if f.sink.diagnostics.isEmpty {
                f.sink.error("alter_column changes nothing", at: f.sink.location(f.node),
                             fix: "give at least one of: type, nullable, default, comment, collation")
            }
            return nil
        }
        if change.using != nil, change.type == nil {
            f.sink.error("'using' needs a 'type' to convert to", at: f.location("using"))
        }
        return .alterColumn(change)
    }

    static func createIndex(_ f: Fields) -> Operation? {
        guard let table = f.name("table"), let nodes = f.sequence("columns", required: true) else { return nil }
        var parts: [IndexPart] = []
        var keyOptions: [IndexKeyOptions] = []
        for node in nodes {
            if case let .scalar(scalar) = node, !scalar.string.isEmpty {
                parts.append(.column(scalar.string))
                keyOptions.append(IndexKeyOptions())
            } else if let (part, options) = indexPart(node, sink: f.sink) {
                // spec 1.1: index key order and options
                parts.append(part)
                keyOptions.append(options)
            }
        }
        if parts.isEmpty {
            // Parts that failed were reported already.
            if nodes.isEmpty { f.sink.error("'columns' of create_index is empty", at: f.location("columns")) }
            return nil
        }
        let defaultName = DefaultNames.index(table, parts.map { $0.columnName ?? "expr" })
        var method = f.string("method")?.lowercased()
        if let m = method, !["btree", "hash", "gin", "gist", "brin", "spgist"].contains(m) {
            f.sink.error("unknown index method '\(m)'", at: f.location("method"), fix: "use btree, hash, gin, gist, spgist or brin")
            method = nil
        }
        let unique = f.bool("unique") ?? false
        // PostgreSQL builds unique indexes only with btree, and hash and spgist indexes over one
        // key part only: refused here rather than by the database at the first run.
        if let m = method, m != "btree", unique {
            f.sink.error("a unique index cannot use method '\(m)': PostgreSQL builds unique indexes only with btree",
                         at: f.location("method"), fix: "leave out `method` (or use btree) for a unique index")
        }
        if let m = method, m == "hash" || m == "spgist", parts.count > 1 {
            f.sink.error("a \(m) index has one key part, this one has \(parts.count)", at: f.location("columns"),
                         fix: "index one column or expression, or leave out `method` (btree)")
        }
        var index = Index(name: f.name("name", required: false) ?? defaultName, table: table, parts: parts,
                          unique: unique, predicate: f.string("where"), method: method)
        // spec 1.1: index key order and options
        if keyOptions.contains(where: { !$0.isDefault }) { index.keyOptions = keyOptions }
        (index.include, index.storage) = indexStorage(f)
        return .createIndex(index, concurrently: f.bool("concurrently") ?? false)
    }

    static func addForeignKey(_ f: Fields) -> Operation? {
        guard let table = f.name("table") else { return nil }
        guard var fk = foreignKey(f, table: table) else { return nil }
        fk.notValid = f.bool("not_valid") ?? false
        return .addForeignKey(fk)
    }

    static func backfill(_ f: Fields) -> Operation? {
        guard let table = f.name("table") else { return nil }
        guard let setNode = f.node("set") else {
            f.sink.error("missing required field 'set' in backfill", at: f.sink.location(f.node), fix: "add `set: {column: <SQL expression>}`")
            return nil
        }
        guard case let .mapping(mapping) = setNode, !mapping.isEmpty else {
            f.sink.error("'set' in backfill must map columns to SQL expressions", at: f.sink.location(setNode))
            return nil
        }
        var assignments: [Backfill.Assignment] = []
        for (key, value) in mapping {
            guard let column = key.string, let expression = dialectSQL(value, sink: f.sink) else {
                f.sink.error("'set' in backfill must map columns to SQL expressions (or to a mapping of dialect to expression)",
                             at: f.sink.location(key))
                continue
            }
            assignments.append(Backfill.Assignment(column: column, expression: expression))
        }
        let batchSize = f.int("batch_size") ?? 1000
        if batchSize < 0 { f.sink.error("'batch_size' must be 0 (one statement) or more", at: f.location("batch_size")) }
        return .backfill(Backfill(table: table, assignments: assignments, predicate: f.string("where"), batchSize: batchSize,
                                  key: f.name("key", required: false)))
    }

    // MARK: - Parts

    struct ParsedColumn {
        var column: Column
        var primaryKey: Bool
        var unique: UniqueConstraint?
        var foreignKey: ForeignKey?
    }

    static func column(_ node: Node, table: String, sink: DiagnosticSink) -> ParsedColumn? {
        let f = Fields(node, context: "a column", allowed: columnFields, sink: sink)
        let before = sink.diagnostics.count
        let name = f.name("name")
        var type: ColumnType?
        if let typeNode = f.node("type") { type = columnType(typeNode, sink: sink) } else {
            sink.error("missing required field 'type' in a column", at: sink.location(node),
                       fix: "add `type: <\(ColumnType.names.joined(separator: " | "))>`")
        }
        let columnDefault = f.node("default").flatMap { node -> DefaultValue? in if case .null = node.kind { return nil }; return defaultValue(node, sink: sink) }
        let identity = (f.bool("identity") ?? false) || (f.bool("autoincrement") ?? false)
        let primaryKey = f.bool("primary_key") ?? false
        let nullable = f.bool("nullable") ?? !(primaryKey || identity)
        guard let name, let type, sink.diagnostics.count == before else { return nil }
        if identity, !type.isWholeNumber {
            sink.error("identity column '\(name)' must be smallint, integer or bigint, not \(type)", at: f.location("identity"))
        }
        if identity, columnDefault != nil {
            sink.error("identity column '\(name)' takes its values from its sequence and cannot have a default", at: f.location("default"),
                       fix: "leave out `default` or `identity`")
        }
        if primaryKey, nullable {
            sink.error("primary key column '\(name)' cannot be nullable", at: f.location("nullable"))
        }
        var unique: UniqueConstraint?
        if f.bool("unique") == true {
            unique = UniqueConstraint(name: DefaultNames.unique(table, [name]), table: table, columns: [name])
        }
        var foreignKey: ForeignKey?
        if let reference = f.node("references") {
            foreignKey = columnReference(reference, table: table, column: name, sink: sink)
        }
        var column = Column(name: name, type: type, nullable: nullable, defaultValue: columnDefault, identity: identity, comment: f.string("comment"))
        // spec 1.1: generated columns and collations
        generatedAndCollation(f, name: name, identity: identity, primaryKey: primaryKey, hasDefault: columnDefault != nil, into: &column)
        return ParsedColumn(column: column, primaryKey: primaryKey, unique: unique, foreignKey: foreignKey)
    }

    /// `references: users.id`, `references: users(id)` or `references: {table: users, column: id, on_delete: cascade}`.
    static func columnReference(_ node: Node, table: String, column: String, sink: DiagnosticSink) -> ForeignKey? {
        if case let .scalar(scalar) = node {
            guard let (refTable, refColumns) = parseReference(scalar.string) else {
                sink.error("'references' must be `table.column` or `table(column)`, not '\(scalar.string)'", at: sink.location(node))
                return nil
            }
            return ForeignKey(name: DefaultNames.foreignKey(table, [column]), table: table, columns: [column],
                              referencedTable: refTable, referencedColumns: refColumns)
        }
        let f = Fields(node, context: "references", allowed: referenceFields, sink: sink)
        guard let refTable = f.name("table") else { return nil }
        let refColumns = f.stringList("columns") ?? f.stringList("column") ?? ["id"]
        var fk = ForeignKey(name: f.name("name", required: false) ?? DefaultNames.foreignKey(table, [column]), table: table,
                            columns: [column], referencedTable: refTable, referencedColumns: refColumns,
                            onDelete: action(f, "on_delete"), onUpdate: action(f, "on_update"))
        fk.deferrable = deferrability(f) // spec 1.1: deferrable constraints
        return fk
    }

    /// A table-level foreign key: `columns`, `references` (`table.column`, `table(a, b)` or `{table, columns}`), actions.
    static func foreignKey(_ f: Fields, table: String) -> ForeignKey? {
        guard let columns = f.stringList("columns", required: true) else { return nil }
        guard let node = f.node("references") else {
            f.sink.error("missing required field 'references' in \(f.context)", at: f.sink.location(f.node),
                         fix: "add `references: {table: ..., columns: [...]}`")
            return nil
        }
        var refTable: String?
        var refColumns: [String] = []
        if case let .scalar(scalar) = node {
            if let parsed = parseReference(scalar.string) { (refTable, refColumns) = parsed } else {
                f.sink.error("'references' must be `table.column`, `table(a, b)` or a mapping", at: f.sink.location(node))
            }
        } else {
            let r = Fields(node, context: "references", allowed: ["table", "columns", "column", "schema"], sink: f.sink) // spec 1.1: schemas
            refTable = r.name("table")
            refColumns = r.stringList("columns") ?? r.stringList("column") ?? []
        }
        guard let refTable else { return nil }
        if refColumns.count != columns.count {
            f.sink.error("foreign key has \(columns.count) column(s) but references \(refColumns.count)", at: f.sink.location(node))
            return nil
        }
        var fk = ForeignKey(name: f.name("name", required: false) ?? DefaultNames.foreignKey(table, columns), table: table,
                            columns: columns, referencedTable: refTable, referencedColumns: refColumns,
                            onDelete: action(f, "on_delete"), onUpdate: action(f, "on_update"))
        fk.deferrable = deferrability(f) // spec 1.1: deferrable constraints
        return fk
    }

    static func parseReference(_ text: String) -> (String, [String])? {
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            let table = text[..<open].trimmingCharacters(in: .whitespaces)
            let columns = text[text.index(after: open)..<text.index(before: text.endIndex)]
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return table.isEmpty || columns.isEmpty ? nil : (table, columns)
        }
        let parts = text.split(separator: ".")
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), [String(parts[1])])
    }

    static func action(_ f: Fields, _ key: String) -> ReferentialAction? {
        guard let text = f.string(key) else { return nil }
        guard let action = ReferentialAction(spelling: text) else {
            let hint = closestMatch(to: text, in: ReferentialAction.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
            f.sink.error("unknown action '\(text)' for \(key)\(hint)", at: f.location(key),
                         fix: "use cascade, restrict, set null, set default or no action")
            return nil
        }
        return action
    }

    static func columnType(_ node: Node, sink: DiagnosticSink) -> ColumnType? {
        switch node {
        case let .scalar(scalar):
            if let type = ColumnType.parse(scalar.string) {
                // PostgreSQL and MySQL refuse an enum that lists a value twice.
                if case let .enumeration(values) = type {
                    var seen: Set<String> = []
                    for value in values where !seen.insert(value).inserted {
                        sink.error("enum value '\(value)' is listed twice in '\(scalar.string)'", at: sink.location(node),
                                   fix: "list each value once")
                        return nil
                    }
                }
                return type
            }
            let base = scalar.string.split(separator: "(").first.map(String.init) ?? scalar.string
            // spec 1.1: types. A bare numeric is unbounded on PostgreSQL, decimal(10,0) on MySQL
            // and any number on SQLite: no one neutral type means all three.
            if ["numeric", "decimal"].contains(scalar.string.trimmingCharacters(in: .whitespaces).lowercased()) {
                sink.error("'\(scalar.string)' without a precision means a different type on each dialect (PostgreSQL: unbounded; MySQL: decimal(10,0); SQLite: any number)",
                           at: sink.location(node),
                           fix: "give the precision: decimal(p,s) or decimal(p); for PostgreSQL's unbounded numeric, a per-dialect type {postgresql: numeric, mysql: decimal(65,30), sqlite: NUMERIC}")
                return nil
            }
            // spec 1.1: column types. A time type's precision is fractional-second digits.
            if ["time", "timestamp", "timestamptz", "datetime"].contains(base.trimmingCharacters(in: .whitespaces).lowercased()) {
                sink.error("'\(scalar.string)': a time type's precision is the number of fractional-second digits, 0 to \(ColumnType.maxTimePrecision)",
                           at: sink.location(node), fix: "write e.g. \(base.trimmingCharacters(in: .whitespaces).lowercased())(3) for milliseconds, or no precision for the dialect's default")
                return nil
            }
            let hint = closestMatch(to: base, in: ColumnType.names.map { String($0.split(separator: "(")[0]) })
                .map { " (did you mean '\($0)'?)" } ?? ""
            sink.error("unknown or malformed type '\(scalar.string)'\(hint)", at: sink.location(node),
                       fix: "neutral types: \(ColumnType.names.joined(separator: ", ")); or a per-dialect type {postgresql: citext, mysql: ..., sqlite: ...}")
            return nil
        case let .mapping(mapping):
            // spec 1.1: enum types
            if mapping.contains(where: { $0.0.string == "enum_type" }) {
                guard let type = enumColumnType(mapping, sink: sink) else {
                    sink.error("`type: {enum_type: <name>}` takes nothing else", at: sink.location(node))
                    return nil
                }
                return type
            }
            var map: [String: String] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let dialect = Dialect(name: name)?.rawValue ?? (name == "default" ? "default" : nil)
                guard let dialect, case let .scalar(scalar) = value else {
                    sink.error("a per-dialect type maps postgresql, mysql, sqlite or default to a type, not '\(name)'", at: sink.location(key))
                    continue
                }
                map[dialect] = scalar.string
            }
            return map.isEmpty ? nil : .native(map)
        default:
            sink.error("'type' must be a neutral type name or a per-dialect mapping", at: sink.location(node))
            return nil
        }
    }

    static func defaultValue(_ node: Node, sink: DiagnosticSink) -> DefaultValue? {
        switch node {
        case let .scalar(scalar):
            switch node.kind {
            case let .boolean(b): return .literal(.boolean(b))
            case let .integer(i): return .literal(.integer(i))
            case let .number(n): return .literal(.number(n))
            case .null: return .literal(.null)
            case .string, .collection: return .literal(.string(scalar.string))
            }
        case .mapping:
            let f = Fields(node, context: "default", allowed: ["sql"], sink: sink)
            return f.string("sql", required: true).map { .sql($0) }
        default:
            sink.error("'default' must be a literal or `{sql: <expression>}`", at: sink.location(node))
            return nil
        }
    }

    /// An up of raw SQL must say something for every dialect it names: an empty one would be a
    /// migration that claims to change the schema and runs nothing.
    static func requireSQL(_ sql: DialectSQL, at location: SourceLocation, sink: DiagnosticSink) -> Bool {
        let empty = sql.byDialect.filter { $0.value.allSatisfy(\.isWhitespace) }.keys.sorted()
        guard !empty.isEmpty else { return true }
        let which = empty == ["default"] ? "" : " for \(empty.joined(separator: ", "))"
        sink.error("the `up` of a sql step is empty\(which)", at: location,
                   fix: "write the SQL statements to run, or remove the step")
        return false
    }

    static func dialectSQL(_ f: Fields, _ key: String, required: Bool) -> DialectSQL? {
        guard let node = f.node(key) else {
            if required { f.sink.error("missing required field '\(key)' in sql", at: f.sink.location(f.node)) }
            return nil
        }
        return dialectSQL(node, sink: f.sink)
    }

    /// SQL text, or a mapping from dialect (or `default`) to SQL text.
    static func dialectSQL(_ node: Node, sink: DiagnosticSink) -> DialectSQL? {
        switch node {
        case let .scalar(scalar): return DialectSQL(scalar.string)
        case let .mapping(mapping):
            var map: [String: String] = [:]
            for (k, v) in mapping {
                guard let name = k.string, let dialect = Dialect(name: name)?.rawValue ?? (name == "default" ? "default" : nil),
                      case let .scalar(s) = v else {
                    sink.error("per-dialect SQL maps postgresql, mysql, sqlite or default to SQL text", at: sink.location(k))
                    continue
                }
                map[dialect] = s.string
            }
            return DialectSQL(map)
        default:
            sink.error("expected SQL text or a mapping of dialect to SQL text", at: sink.location(node))
            return nil
        }
    }
}
