/// spec 1.1: altering in place what create_table and the constraint forms set — a MySQL table's
/// options (`alter_table: {table, mysql: {engine, charset, collate, convert}}`) and a constraint's
/// deferrability (`alter_constraint: {table, name, deferrable, initially_deferred}`). Parsing,
/// validation, inversion and the state change in one place; the SQL in MGenSQL/AlterInPlace.swift.

/// What `alter_table`'s `mysql:` changes; nil fields stay as they are.
public struct MySQLTableOptionsChange: Hashable, Sendable {
    public var engine: String?
    /// The table's default character set; a change without `collate` takes the set's default collation.
    public var charset: String?
    /// The table's default collation (needs `charset`, as in create_table).
    public var collate: String?
    /// `CONVERT TO CHARACTER SET`: every text column is rewritten in the new set, not only the
    /// default for columns added later (`DEFAULT CHARACTER SET`).
    public var convert: Bool

    public init(engine: String? = nil, charset: String? = nil, collate: String? = nil, convert: Bool = false) {
        self.engine = engine
        self.charset = charset
        self.collate = collate
        self.convert = convert
    }

    /// The options after this change.
    public func applied(to old: MySQLTableOptions?) -> MySQLTableOptions? {
        var options = old ?? MySQLTableOptions()
        if let engine { options.engine = engine }
        // A new character set drops the old collation (it belongs to the old set).
        if let charset { options.charset = charset; options.collate = collate }
        return options == MySQLTableOptions() ? nil : options
    }

    /// Character sets every other set's text converts into without loss: the only target of a
    /// `convert` that changes the set (a narrower set would turn what it lacks into '?').
    public static let universalCharsets: Set<String> = ["utf8mb4"]
}

/// `alter_table`: one table's MySQL options.
public struct AlterTable: Hashable, Sendable {
    public var table: String
    public var mysql: MySQLTableOptionsChange
    public init(table: String, mysql: MySQLTableOptionsChange) { self.table = table; self.mysql = mysql }
}

extension OperationParser {
    static let alterInPlaceFields: [String: [String]] = [
        "alter_table": ["table", "mysql"],
        "alter_constraint": ["table", "name"] + deferrableFields,
    ]

    static func alterInPlaceStep(_ kind: String, _ f: Fields) -> Operation? {
        kind == "alter_table" ? alterTableStep(f) : alterConstraintStep(f)
    }

    private static func alterTableStep(_ f: Fields) -> Operation? {
        let table = f.name("table")
        guard let node = f.node("mysql") else {
            f.sink.error("missing required field 'mysql' in alter_table", at: f.sink.location(f.node),
                         fix: "add `mysql: {engine: InnoDB}` or `mysql: {charset: utf8mb4, collate: utf8mb4_unicode_ci}`")
            return nil
        }
        let o = Fields(node, context: "alter_table's mysql options", allowed: mysqlTableOptionFields + ["convert"], sink: f.sink)
        var change = MySQLTableOptionsChange(convert: o.bool("convert") ?? false)
        for key in mysqlTableOptionFields {
            guard let value = o.string(key) else { continue }
            guard !value.isEmpty, value.utf8.allSatisfy({ isWordByte($0) }) else {
                f.sink.error("mysql table option '\(key)' must be a plain name (letters, digits, '_'), not '\(value)'", at: o.location(key),
                             fix: key == "engine" ? "e.g. `engine: InnoDB`" : key == "charset" ? "e.g. `charset: utf8mb4`" : "e.g. `collate: utf8mb4_unicode_ci`")
                continue
            }
            switch key {
            case "engine": change.engine = value
            case "charset": change.charset = value
            default: change.collate = value
            }
        }
        if change.engine == nil, change.charset == nil, change.collate == nil {
            f.sink.error("'mysql' of alter_table changes no option", at: f.location("mysql"), fix: "give engine, charset or collate")
            return nil
        }
        if change.collate != nil, change.charset == nil {
            f.sink.error("mysql table option 'collate' needs 'charset' (the collation's character set)", at: o.location("collate"),
                         fix: "add e.g. `charset: utf8mb4` for utf8mb4_unicode_ci")
            return nil
        }
        if change.convert, change.charset == nil {
            f.sink.error("`convert: true` converts the text columns to a character set, but none is given", at: o.location("convert"),
                         fix: "add `charset:` (and `collate:`), or drop `convert`")
            return nil
        }
        return table.map { .alterTable(AlterTable(table: $0, mysql: change)) }
    }

    private static func alterConstraintStep(_ f: Fields) -> Operation? {
        let table = f.name("table"), name = f.name("name")
        guard f.node("deferrable") != nil else {
            f.sink.error("missing required field 'deferrable' in alter_constraint", at: f.sink.location(f.node),
                         fix: "say `deferrable: true` (with `initially_deferred: true` to check at commit by default) or `deferrable: false`")
            return nil
        }
        let deferrable = deferrability(f)
        guard let table, let name else { return nil }
        return .alterConstraint(table: table, name: name, deferrable: deferrable)
    }
}

extension Validator {
    mutating func checkAlterInPlace(_ operation: Operation) {
        switch operation {
        case let .alterTable(alter):
            guard let table = requireTable(alter.table) else { return }
            let old = table.mysqlOptions, change = alter.mysql
            if change.applied(to: old) == old, !change.convert {
                error("table '\(alter.table)' already has these mysql options", field: "mysql", fix: "drop this step, or give other options")
            }
            if let engine = change.engine, engine.lowercased() != "innodb",
               let fk = table.foreignKeys.first ?? state.incomingForeignKeys(to: alter.table).first {
                error("engine \(engine) keeps no foreign keys, and table '\(alter.table)' is in foreign key '\(fk.name)'", field: "mysql",
                      fix: "drop the foreign keys first, or keep engine InnoDB")
            }
            // CONVERT TO rewrites the stored text: only into a set that holds every character of
            // any other. Not "the set the table had": a DEFAULT CHARACTER SET change leaves the
            // existing columns in theirs, so the spec does not know what each column holds.
            // A DEFAULT CHARACTER SET change leaves the text columns in the collation they had:
            // the state must know it to keep them so (see Table.alterInPlace).
            if change.charset != nil, !change.convert, old?.effectiveCollation == nil,
               let column = table.columns.first(where: { $0.type.isCollatable && $0.collation(.mysql) == nil }) {
                error("column '\(alter.table).\(column.name)' keeps its collation when the default character set of '\(alter.table)' changes, and the spec does not know it (the table was made \(old?.charset.map { "with charset \($0) and no collate" } ?? "without `mysql: {charset}`"))",
                      field: "mysql", fix: "give the table's `collate` when it is made, give the column a `collation:`, or use `convert: true` to rewrite the columns into the new set")
            }
            if change.convert, let charset = change.charset, !MySQLTableOptionsChange.universalCharsets.contains(charset.lowercased()) {
                error("converting the text of table '\(alter.table)' to \(charset) may lose characters \(charset) lacks (MySQL writes them as '?')",
                      field: "mysql", fix: "convert only to utf8mb4; check the data and write a narrowing conversion as an `sql` step with its own down")
            }
        case let .alterConstraint(tableName, name, deferrable):
            guard let table = requireTable(tableName) else { return }
            let current: Deferrability?
            if let fk = table.foreignKeys.first(where: { $0.name == name }) {
                current = fk.deferrable
            } else if let unique = table.uniques.first(where: { $0.name == name }) {
                current = unique.deferrable
                if deferrable != nil, let fk = state.incomingForeignKeys(to: tableName).first(where: { Set($0.referencedColumns) == Set(unique.columns) }) {
                    error("unique constraint '\(name)' backs foreign key '\(fk.name)' of table '\(fk.table)', and a foreign key cannot reference a deferrable unique constraint",
                          field: "name", fix: "drop that foreign key first")
                }
            } else {
                if let kind = table.constraintKind(name) {
                    error("'\(name)' is a \(kind); only foreign keys and unique constraints can be deferrable", field: "name")
                } else {
                    error("table '\(tableName)' has no foreign key or unique constraint named '\(name)'\(suggestion(name, table.constraintNames))", field: "name",
                          fix: table.constraintNames.isEmpty ? "table '\(tableName)' has no named constraints" : "constraints of \(tableName): \(table.constraintNames.joined(separator: ", "))")
                }
                return
            }
            if current == deferrable {
                error("constraint '\(name)' is already \(deferrable?.sql ?? "NOT DEFERRABLE")", field: "deferrable", fix: "drop this step, or say another deferrability")
            }
        default:
            return
        }
    }
}

extension Operation {
    /// The options or deferrability the state had before. A table option the spec never set has
    /// no known value to go back to (the server chose it): no derived down, see `noInverseReason`.
    func alterInPlaceInverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .alterTable(alter):
            guard let table = before.table(alter.table) else { return nil }
            let old = table.mysqlOptions, change = alter.mysql
            var back = MySQLTableOptionsChange()
            if change.engine != nil {
                guard let engine = old?.engine else { return nil }
                back.engine = engine
            }
            if change.charset != nil {
                // Converting back would narrow the text into sets the spec does not know per
                // column (and MySQL does not shrink the TEXT columns it widened on the way up).
                guard let charset = old?.charset, !change.convert else { return nil }
                back.charset = charset
                back.collate = old?.collate
            }
            return [.alterTable(AlterTable(table: alter.table, mysql: back))]
        case let .alterConstraint(table, name, _):
            guard let t = before.table(table) else { return nil }
            let old = t.foreignKeys.first { $0.name == name }?.deferrable ?? t.uniques.first { $0.name == name }?.deferrable
            return [.alterConstraint(table: table, name: name, deferrable: old)]
        default:
            return nil
        }
    }

    /// Why no down can be derived for this step (nil: it has one, or it is raw SQL without one).
    public func noInverseReason(in before: SchemaState) -> String? {
        guard case let .alterTable(alter) = self, inverse(in: before) == nil else { return nil }
        let old = before.table(alter.table)?.mysqlOptions
        if alter.mysql.engine != nil, old?.engine == nil {
            return "table '\(alter.table)' was made without `mysql: {engine}`, so the engine to go back to is the server's, unknown to the spec"
        }
        if alter.mysql.charset != nil, old?.charset == nil {
            return "table '\(alter.table)' was made without `mysql: {charset}`, so the character set to go back to is the database's, unknown to the spec"
        }
        return "`convert: true` rewrote every text column of '\(alter.table)'; what each held before is per column, unknown to the spec, and converting back would narrow it (MySQL also keeps the TEXT columns it widened to MEDIUMTEXT)"
    }
}

extension Table {
    /// The table after an alter_table or alter_constraint of it.
    mutating func alterInPlace(_ operation: Operation) {
        switch operation {
        case let .alterTable(alter):
            let old = mysqlOptions
            mysqlOptions = alter.mysql.applied(to: old)
            guard alter.mysql.charset != nil else { return }
            // DEFAULT CHARACTER SET changes only the default of columns added later: the text
            // columns keep the collation they had, now not the table's, so the state names it on
            // each (a table made again by a down, or a column restated, gets it back). CONVERT TO
            // rewrites them all into the new default. (The validator refuses a change whose old
            // collation the spec cannot know.)
            for i in columns.indices where columns[i].type.isCollatable {
                var by = columns[i].collation?.byDialect ?? [:]
                if alter.mysql.convert {
                    by["mysql"] = nil
                } else if columns[i].collation(.mysql) == nil, let kept = old?.effectiveCollation {
                    by["mysql"] = kept
                }
                columns[i].collation = by.isEmpty ? nil : DialectSQL(by)
            }
        case let .alterConstraint(_, name, deferrable):
            if let i = foreignKeys.firstIndex(where: { $0.name == name }) { foreignKeys[i].deferrable = deferrable }
            if let i = uniques.firstIndex(where: { $0.name == name }) { uniques[i].deferrable = deferrable }
        default:
            return
        }
    }
}

extension DialectRules.Check {
    /// MySQL/MariaDB have no deferrable constraints; SQLite no deferrable uniques. `alter_table`
    /// says MySQL options, which PostgreSQL and SQLite do not have: nothing there (as create_table).
    mutating func alterInPlace(_ operation: Operation, in state: SchemaState) {
        guard case let .alterConstraint(tableName, name, deferrable) = operation else { return }
        if dialect == .mysql {
            error("MySQL and MariaDB have no deferrable constraints (alter_constraint of '\(name)')",
                  fix: "keep this step to postgresql and sqlite (a spec per dialect), or drop it")
        } else if dialect == .sqlite, deferrable != nil, state.table(tableName)?.uniques.contains(where: { $0.name == name }) == true {
            error("SQLite has no deferrable unique constraints (alter_constraint of '\(name)')",
                  fix: "keep this step to postgresql, or drop it")
        }
    }
}

extension DialectRules.Check {
    /// MySQL and MariaDB refuse a foreign key between string columns of different character sets
    /// ("Foreign key constraint is incorrectly formed", errno 150). Compared on the tables'
    /// character sets as the spec knows them; a table without `mysql: {charset}` has the
    /// database's default, which the spec does not name, so it differs from any named one.
    mutating func foreignKeyCharsets(_ operation: Operation) {
        guard dialect == .mysql else { return }
        var keys: [ForeignKey] = []
        var tables: [String: Table] = [:]
        switch operation {
        case let .createTable(table): keys = table.foreignKeys; tables[table.name] = table
        case let .addColumn(tableName, column, _, foreignKey?):
            keys = [foreignKey]
            if var table = state.table(tableName) { table.columns.append(column); tables[tableName] = table }
        case let .addForeignKey(fk): keys = [fk]
        default: return
        }
        func table(_ name: String) -> Table? { tables[name] ?? state.table(name) }
        for fk in keys {
            guard let child = table(fk.table), let parent = table(fk.referencedTable) else { continue }
            let stringPair = zip(fk.columns, fk.referencedColumns).contains { c, r in
                child.column(c)?.type.isCharacterString == true && parent.column(r)?.type.isCharacterString == true
            }
            let a = child.mysqlOptions?.charset?.lowercased(), b = parent.mysqlOptions?.charset?.lowercased()
            guard stringPair, a != b else { continue }
            error("foreign key '\(fk.name)' joins string columns of '\(fk.table)' (\(a ?? "the database's default character set")) and '\(fk.referencedTable)' (\(b ?? "the database's default character set")); MySQL and MariaDB refuse a key between different character sets",
                  fix: "give both tables the same `mysql: {charset: …}` (create_table, or alter_table before the key)")
        }
    }
}

extension Operation {
    /// An alter_table that `dialect` writes, or an alter_constraint (no framework has a call
    /// for either: the targets send the step as the dialect's SQL).
    public func altersInPlace(on dialect: Dialect) -> Bool {
        switch self {
        case .alterTable: dialect == .mysql
        case .alterConstraint: true
        default: false
        }
    }
}
