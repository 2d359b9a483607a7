import MGenSpec

/// mgen's own reader for the DDL subset of MySQL/MariaDB and SQLite migrations: CREATE / DROP /
/// ALTER / RENAME TABLE, CREATE / DROP INDEX, columns and named constraints. It maps a statement
/// only when every token of it is understood; anything else stays raw SQL, with the reason.
struct DDLReader {
    let dialect: Dialect
    /// SQLite: the type of each `INTEGER PRIMARY KEY AUTOINCREMENT` column, by `identityKey`. SQLite
    /// spells every identity `INTEGER` (its 64-bit rowid), so the DDL cannot say whether the spec's
    /// key was smallint, integer or bigint; the foreign keys that reference it can (their types
    /// must match it). Absent: integer.
    var identityTypes: [String: ColumnType] = [:]

    /// A rebuild's temporary table → the table it becomes: its primary key may carry the final
    /// table's name (`CONSTRAINT "t_pkey"` in `CREATE TABLE "_mgen_new_t"`, as mgen writes it).
    var finalNames: [String: String] = [:]

    init(dialect: Dialect, identityTypes: [String: ColumnType] = [:]) { self.dialect = dialect; self.identityTypes = identityTypes }

    static func identityKey(table: String, column: String) -> String { "\(table.lowercased())\u{0}\(column.lowercased())" }

    /// SQLite: the integer types foreign keys give the identity columns they reference, read from
    /// every CREATE TABLE in `statements` (a rebuild's new table too); the first one wins.
    static func sqliteIdentityTypes(_ statements: [SourceStatement]) -> [String: ColumnType] {
        var out: [String: ColumnType] = [:]
        let reader = DDLReader(dialect: .sqlite)
        for statement in statements {
            guard case let .operations(ops) = reader.read(statement.text, state: SchemaState()) else { continue }
            for case let .createTable(table) in ops {
                for fk in table.foreignKeys where fk.columns.count == 1 && fk.referencedColumns.count == 1 {
                    guard let type = table.column(fk.columns[0])?.type, type.isInteger else { continue }
                    let key = identityKey(table: fk.referencedTable, column: fk.referencedColumns[0])
                    if out[key] == nil { out[key] = type }
                }
            }
        }
        return out
    }

    func read(_ sql: String, state: SchemaState) -> StatementReading {
        var p = Parser(tokens: SQLTokens(sql, backslashEscapes: dialect == .mysql), dialect: dialect, state: state, identityTypes: identityTypes)
        p.finalNames = finalNames
        let head = p.words(2)
        do throws(KeepRaw) {
            let ops: [Operation]
            switch head.first ?? "" {
            case "BEGIN", "START": return head.count == 1 || head.last == "TRANSACTION" ? .transactionControl("BEGIN") : .raw(reason: "BEGIN … END block", tables: [])
            case "COMMIT": return .transactionControl("COMMIT")
            case "CREATE": ops = try p.create()
            case "DROP": ops = try p.drop()
            case "ALTER": ops = try p.alter()
            case "RENAME": ops = try p.renameTables()
            // spec 1.1: data steps (Ops/DDLObjectReading.swift)
            case "INSERT": ops = try p.insert()
            case "DELETE": ops = try p.deleteRows()
            case "UPDATE": ops = try p.update()
            default: return .raw(reason: "\(head.first ?? "statement"): no spec operation", tables: p.touched())
            }
            guard p.atEnd else { throw KeepRaw(reason: "unexpected \(p.peekText)") }
            return .operations(ops)
        } catch {
            return .raw(reason: "\(head.joined(separator: " ")): \(error.reason)", tables: p.touched())
        }
    }

    struct Parser {
        let tokens: SQLTokens
        let dialect: Dialect
        let state: SchemaState
        let identityTypes: [String: ColumnType]
        var finalNames: [String: String] = [:]
        var i = 0

        init(tokens: SQLTokens, dialect: Dialect, state: SchemaState, identityTypes: [String: ColumnType] = [:]) {
            self.tokens = tokens; self.dialect = dialect; self.state = state; self.identityTypes = identityTypes
        }

        var atEnd: Bool { i >= tokens.tokens.count || (tokens.isPunct(i, ";") && i == tokens.tokens.count - 1) }
        var peekText: String { i < tokens.tokens.count ? tokens.text(tokens.tokens[i]) : "end" }

        func words(_ n: Int) -> [String] {
            tokens.tokens.prefix(n).filter { $0.kind == .word }.map { tokens.upper($0) }
        }

        /// The tables a raw statement names after TABLE / ON / INTO (the state stops following them).
        func touched() -> [String] {
            var out: [String] = []
            let first = words(1).first ?? ""
            guard ["CREATE", "ALTER", "DROP", "RENAME"].contains(first) else { return [] }
            // MySQL alters tables in place: a raw index or trigger leaves the columns as the state
            // knows them. SQLite rebuilds tables from the state, which would lose them.
            if dialect == .mysql, !tokens.tokens.prefix(4).contains(where: { tokens.isWord(0, "CREATE") && (tokens.upper($0) == "TABLE") }),
               tokens.isWord(1, "TRIGGER") || tokens.isWord(1, "INDEX") || tokens.isWord(2, "INDEX") { return [] }
            for j in tokens.tokens.indices where tokens.isWord(j, "TABLE") || tokens.isWord(j, "ON") || tokens.isWord(j, "TO") {
                var k = j + 1
                while tokens.isWord(k, "IF") || tokens.isWord(k, "NOT") || tokens.isWord(k, "EXISTS") { k += 1 }
                if k < tokens.tokens.count, let name = name(at: k) { out.append(name) }
            }
            return out
        }

        func name(at k: Int) -> String? {
            let t = tokens.tokens[k]
            switch t.kind {
            case .word: return tokens.text(t)
            case .quoted:
                let q = tokens.text(t)
                guard let quote = q.first else { return nil }
                return String(q.dropFirst().dropLast()).replacingOccurrences(of: String([quote, quote]), with: String(quote))
            default: return nil
            }
        }

        mutating func word(_ w: String) -> Bool {
            if tokens.isWord(i, w) { i += 1; return true }
            return false
        }

        mutating func expect(_ w: String) throws(KeepRaw) {
            guard word(w) else { throw KeepRaw(reason: "expected \(w) at \(peekText)") }
        }

        mutating func punct(_ p: String) -> Bool {
            if tokens.isPunct(i, p) { i += 1; return true }
            return false
        }

        mutating func identifier() throws(KeepRaw) -> String {
            guard i < tokens.tokens.count, let n = name(at: i) else { throw KeepRaw(reason: "expected a name at \(peekText)") }
            i += 1
            if tokens.isPunct(i, ".") { throw KeepRaw(reason: "schema-qualified name") }
            return n
        }

        mutating func identifierList() throws(KeepRaw) -> [String] {
            guard punct("(") else { throw KeepRaw(reason: "expected ( at \(peekText)") }
            var names: [String] = []
            repeat { names.append(try identifier()) } while punct(",")
            guard punct(")") else { throw KeepRaw(reason: "index part other than a column (or a prefix length)") }
            return names
        }

        mutating func ifExists() -> Bool {
            if tokens.isWord(i, "IF"), tokens.isWord(i + 1, "EXISTS") { i += 2; return true }
            return false
        }

        mutating func ifNotExists() -> Bool {
            if tokens.isWord(i, "IF"), tokens.isWord(i + 1, "NOT"), tokens.isWord(i + 2, "EXISTS") { i += 3; return true }
            return false
        }

        // MARK: CREATE

        mutating func create() throws(KeepRaw) -> [Operation] {
            try expect("CREATE")
            if word("TABLE") { return try createTable() }
            // spec 1.1: views and triggers (Ops/DDLObjectReading.swift)
            if tokens.isWord(i, "OR"), tokens.isWord(i + 1, "REPLACE"), tokens.isWord(i + 2, "VIEW"), dialect == .mysql { i += 2; return try createView(orReplace: true) }
            if tokens.isWord(i, "VIEW") { return try createView(orReplace: false) }
            if tokens.isWord(i, "TRIGGER") { return try createTrigger() }
            if tokens.isWord(i, "FUNCTION") { return try createFunction() }
            let unique = word("UNIQUE")
            if word("INDEX") { return [try createIndex(unique: unique)] }
            throw KeepRaw(reason: "no spec operation")
        }

        /// The table, then (MySQL) the indexes its column list declares.
        mutating func createTable() throws(KeepRaw) -> [Operation] {
            _ = ifNotExists()
            let name = try identifier()
            guard punct("(") else { throw KeepRaw(reason: "CREATE TABLE … AS / LIKE") }
            var table = Table(name: name, columns: [])
            var primary: [String]?
            var primaryName: String? // spec 1.1: SQLite, a key not named `<table>_pkey`
            var indexes: [Index] = []
            repeat {
                if dialect == .mysql, tokens.isWord(i, "KEY") || tokens.isWord(i, "INDEX")
                    || (tokens.isWord(i, "UNIQUE") && (tokens.isWord(i + 1, "KEY") || tokens.isWord(i + 1, "INDEX"))) {
                    // MySQL's inline `[UNIQUE] KEY|INDEX name (columns)` (mysqldump, Prisma): a named
                    // unique is the spec's unique constraint (MySQL keeps both as a unique index), a
                    // named plain one an index created after the table.
                    let unique = word("UNIQUE")
                    i += 1
                    guard !tokens.isPunct(i, "(") else { throw KeepRaw(reason: "unnamed \(unique ? "UNIQUE " : "")index (the database names it its own way)") }
                    let indexName = try identifier()
                    if unique {
                        table.uniques.append(UniqueConstraint(name: indexName, table: name, columns: try identifierList()))
                    } else {
                        let (parts, keyOptions) = try indexParts() // spec 1.1: index key options
                        var index = Index(name: indexName, table: name, parts: parts, unique: false, predicate: nil, method: nil)
                        if !keyOptions.allSatisfy(\.isDefault) { index.keyOptions = keyOptions }
                        indexes.append(index)
                    }
                } else if word("CONSTRAINT") {
                    let conname = try identifier()
                    if word("UNIQUE") {
                        // SQLite keeps a table's own UNIQUE constraint as an automatic index that
                        // cannot be dropped; the spec's unique is a named unique index there.
                        if dialect == .sqlite {
                            throw KeepRaw(reason: "UNIQUE constraint in a SQLite table (an automatic index no DROP INDEX removes; the spec's unique is a named unique index there)")
                        }
                        _ = word("KEY") || word("INDEX")
                        table.uniques.append(UniqueConstraint(name: conname, table: name, columns: try identifierList()))
                    } else if word("FOREIGN") {
                        try expect("KEY")
                        let columns = try identifierList()
                        table.foreignKeys.append(try references(name: conname, table: name, columns: columns))
                    } else if word("CHECK") {
                        table.checks.append(CheckConstraint(name: conname, table: name, expression: try parenthesized()))
                    } else if word("PRIMARY") {
                        // The spec names a primary key `<table>_pkey` (mgen writes that name on SQLite);
                        // spec 1.1: on SQLite another name (a table renamed after it was made, a key
                        // renamed) is the table, then add_primary_key with that name.
                        let named = conname == DefaultNames.primaryKey(name) || finalNames[name].map(DefaultNames.primaryKey) == conname
                        guard named || dialect == .sqlite else { throw KeepRaw(reason: "primary key named \(conname)") }
                        try expect("KEY")
                        if primary != nil { throw KeepRaw(reason: "two primary keys") }
                        primary = try identifierList()
                        if !named { primaryName = conname }
                    } else {
                        throw KeepRaw(reason: "constraint at \(peekText)")
                    }
                } else if word("PRIMARY") {
                    try expect("KEY")
                    if primary != nil { throw KeepRaw(reason: "two primary keys") }
                    primary = try identifierList()
                } else if tokens.isWord(i, "UNIQUE") || tokens.isWord(i, "FOREIGN") || tokens.isWord(i, "CHECK") || tokens.isWord(i, "KEY") || tokens.isWord(i, "INDEX") {
                    throw KeepRaw(reason: "unnamed \(peekText) (the database names it its own way)")
                } else {
                    let read = try column(table: name)
                    table.columns.append(read.column)
                    if let check = read.check { table.checks.append(check) }
                    if let fk = read.foreignKey { table.foreignKeys.append(fk) }
                    if read.primaryKey {
                        if primary != nil { throw KeepRaw(reason: "two primary keys") }
                        primary = [read.column.name]
                    }
                }
            } while punct(",")
            guard punct(")") else { throw KeepRaw(reason: "unexpected \(peekText) in the column list") }
            // spec 1.1: MySQL table options, in any order. ENGINE=InnoDB is what mgen's tables are
            // (foreign keys need it): left out unless other options come with it.
            var options = MySQLTableOptions()
            while dialect == .mysql, !atEnd {
                func value() throws(KeepRaw) -> String {
                    if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
                    return try identifier()
                }
                _ = word("DEFAULT")
                if word("COMMENT") {
                    if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
                    table.comment = try stringLiteral()
                } else if word("ENGINE") {
                    options.engine = try value()
                } else if word("CHARSET") || (word("CHARACTER") && word("SET")) {
                    options.charset = try value()
                } else if word("COLLATE") {
                    options.collate = try value()
                } else {
                    break
                }
                _ = punct(",")
            }
            if !atEnd { throw KeepRaw(reason: "table options (spec 1.1)") }
            if options.charset != nil || options.collate != nil || (options.engine.map { $0.lowercased() != "innodb" } ?? false) {
                if options.collate != nil, options.charset == nil { throw KeepRaw(reason: "COLLATE without CHARSET") }
                table.mysqlOptions = options
            }
            for (k, c) in table.columns.enumerated() {
                if let check = table.checks.firstIndex(where: { $0.name == "\(name)_\(c.name)_check" }), c.type == .text,
                   let values = PostgresReader.Reader.enumValues(table.checks[check].expression, column: c.name) {
                    table.columns[k].type = .enumeration(values)
                    table.checks.remove(at: check)
                }
            }
            var namedKey: [Operation] = []
            if let primary {
                let keyName = primaryName ?? DefaultNames.primaryKey(name)
                if keyName.utf8.count > maximumNameBytes { throw KeepRaw(reason: "primary key name \(keyName) is longer than a spec name (\(maximumNameBytes) bytes)") }
                for c in primary { if let k = table.columnIndex(c) { table.columns[k].nullable = false } }
                if let primaryName {
                    // A key of the table to itself waits for the primary key it references.
                    let own = table.foreignKeys.filter { $0.referencedTable == name }
                    table.foreignKeys.removeAll { $0.referencedTable == name }
                    namedKey = [.addPrimaryKey(AddPrimaryKey(table: name, key: PrimaryKey(name: primaryName, columns: primary)))] + own.map { .addForeignKey($0) }
                } else {
                    table.primaryKey = PrimaryKey(name: DefaultNames.primaryKey(name), columns: primary)
                }
            }
            // MySQL's own index of a foreign key (named after it; SHOW CREATE TABLE and dumps list
            // it) comes back with the key: not an index of the spec (see LiveSchema.impliedByForeignKey).
            let own = indexes.filter { index in
                dialect != .mysql || index.unique || !table.foreignKeys.contains { $0.name == index.name && $0.columns == index.columnNames }
            }
            return [.createTable(table)] + namedKey + own.map { .createIndex($0, concurrently: false) }
        }

        mutating func stringLiteral() throws(KeepRaw) -> String {
            guard i < tokens.tokens.count, tokens.tokens[i].kind == .string else { throw KeepRaw(reason: "expected a string at \(peekText)") }
            let q = tokens.text(tokens.tokens[i])
            if q.contains("\\") { throw KeepRaw(reason: "string with backslash escapes") }
            i += 1
            return String(q.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }

        mutating func parenthesized() throws(KeepRaw) -> String {
            guard tokens.isPunct(i, "("), let close = tokens.closing(i), close > i + 1 else { throw KeepRaw(reason: "expected ( … )") }
            let text = tokens.text(from: tokens.tokens[i + 1].start, to: tokens.tokens[close - 1].end)
            i = close + 1
            return text
        }

        mutating func references(name: String, table: String, columns: [String]) throws(KeepRaw) -> ForeignKey {
            try expect("REFERENCES")
            let target = try identifier()
            let referenced = try identifierList()
            var fk = ForeignKey(name: name, table: table, columns: columns, referencedTable: target, referencedColumns: referenced)
            while word("ON") {
                let isDelete = word("DELETE")
                if !isDelete { try expect("UPDATE") }
                let action: ReferentialAction
                if word("CASCADE") { action = .cascade } else if word("RESTRICT") { action = .restrict } else if word("SET") {
                    if word("NULL") { action = .setNull } else { try expect("DEFAULT"); action = .setDefault }
                } else { try expect("NO"); try expect("ACTION"); action = .noAction }
                if isDelete { fk.onDelete = action } else { fk.onUpdate = action }
            }
            // spec 1.1: deferrable constraints (SQLite keeps the clause in the table's text).
            if word("NOT") {
                try expect("DEFERRABLE")
                if word("INITIALLY") { guard word("IMMEDIATE") else { throw KeepRaw(reason: "NOT DEFERRABLE INITIALLY DEFERRED") } }
            } else if word("DEFERRABLE") {
                fk.deferrable = .immediate
                if word("INITIALLY") {
                    if word("DEFERRED") { fk.deferrable = .deferred } else { try expect("IMMEDIATE") }
                }
            }
            return fk
        }

        /// The value of a quoted MySQL string: `''` and the escapes that stand for one character;
        /// nil for an escape whose meaning depends on where the string is used (`\\%`, `\\_`).
        static func mysqlString(_ quoted: String) -> String? {
            guard quoted.count >= 2, let quote = quoted.first, quote == "'" || quote == "\"", quoted.last == quote else { return nil }
            var out = ""
            var chars = Array(quoted.dropFirst().dropLast())[...]
            while let c = chars.popFirst() {
                if c == quote {
                    guard chars.popFirst() == quote else { return nil }
                    out.append(quote)
                } else if c == "\\" {
                    guard let e = chars.popFirst() else { return nil }
                    switch e {
                    case "\\", "'", "\"": out.append(e)
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\u{0}")
                    case "b": out.append("\u{8}")
                    case "Z": out.append("\u{1A}")
                    default: return nil
                    }
                } else {
                    out.append(c)
                }
            }
            return out
        }

        struct ReadColumn { var column: Column; var primaryKey = false; var check: CheckConstraint?; var foreignKey: ForeignKey? }

        static let stops: Set<String> = ["NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "AUTO_INCREMENT", "AUTOINCREMENT",
                                         "COMMENT", "COLLATE", "CHARACTER", "CONSTRAINT", "GENERATED", "ON", "AS", "UNSIGNED", "ZEROFILL", "KEY",
                                         "FIRST", "AFTER"]

        mutating func column(table: String) throws(KeepRaw) -> ReadColumn {
            let name = try identifier()
            guard let typeText = tokens.expression(from: i, stops: Self.stops) else { throw KeepRaw(reason: "column \(name) has no type") }
            i = typeText.end
            // spec 1.1: column types. MySQL's UNSIGNED follows the type (and stops its text).
            let typeSQL = dialect == .mysql && word("UNSIGNED") ? typeText.text + " unsigned" : typeText.text
            var read = ReadColumn(column: Column(name: name, type: type(typeSQL)))
            while !atEnd, !tokens.isPunct(i, ","), !tokens.isPunct(i, ")") {
                if word("CONSTRAINT") {
                    let conname = try identifier()
                    if tokens.isWord(i, "REFERENCES") {
                        // SQLite keeps a key added with its column inside the column's definition.
                        if read.foreignKey != nil { throw KeepRaw(reason: "two foreign keys on column \(name)") }
                        read.foreignKey = try references(name: conname, table: table, columns: [name])
                    } else {
                        try expect("CHECK")
                        if read.check != nil { throw KeepRaw(reason: "two checks on column \(name)") }
                        read.check = CheckConstraint(name: conname, table: table, expression: try parenthesized())
                    }
                } else if word("NOT") { try expect("NULL"); read.column.nullable = false } else if word("NULL") { read.column.nullable = true } else if word("DEFAULT") {
                    let start = i
                    // `DEFAULT NULL` (how MariaDB and mysqldump print a nullable column) is no default.
                    if tokens.isWord(i, "NULL"), i + 1 == tokens.tokens.count || tokens.isPunct(i + 1, ",") || tokens.isPunct(i + 1, ")")
                        || tokens.isPunct(i + 1, ";") || (i + 1 < tokens.tokens.count && tokens.tokens[i + 1].kind == .word) {
                        i += 1
                        read.column.defaultValue = nil
                    } else if tokens.isPunct(i, "(") {
                        guard let close = tokens.closing(i) else { throw KeepRaw(reason: "default") }
                        i = close + 1
                        read.column.defaultValue = .sql(tokens.text(from: tokens.tokens[start + 1].start, to: tokens.tokens[close - 1].end))
                    } else {
                        guard let e = tokens.expression(from: i, stops: Self.stops) else { throw KeepRaw(reason: "default") }
                        i = e.end
                        read.column.defaultValue = PostgresReader.Reader.defaultValue(e.text, range: start..<e.end, tokens: tokens)
                        // MySQL strings take backslash escapes (mgen writes `\\` for a backslash).
                        if dialect == .mysql, case .literal(.string)? = read.column.defaultValue, e.text.contains("\\") {
                            guard let value = Self.mysqlString(e.text) else { throw KeepRaw(reason: "string escape in default \(e.text)") }
                            read.column.defaultValue = .literal(.string(value))
                        }
                        if case let .sql(text)? = read.column.defaultValue, !["CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(6)", "NOW()"].contains(text.uppercased()) {
                            throw KeepRaw(reason: "default expression \(text)")
                        }
                        // How mgen writes the spec's `{sql: now()}` in this dialect.
                        if case .sql? = read.column.defaultValue { read.column.defaultValue = .sql("now()") }
                    }
                } else if word("PRIMARY") {
                    try expect("KEY"); read.primaryKey = true; read.column.nullable = false
                    if dialect == .sqlite, word("AUTOINCREMENT") { read.column.identity = true }
                } else if dialect == .mysql, word("AUTO_INCREMENT") {
                    read.column.identity = true; read.column.nullable = false
                } else if dialect == .mysql, word("COMMENT") {
                    read.column.comment = try stringLiteral()
                // spec 1.1: generated columns and collations
                } else if word("COLLATE") {
                    read.column.collation = DialectSQL(try identifier())
                } else if dialect == .mysql, word("CHARACTER") {
                    // `CHARACTER SET x COLLATE y` (SHOW CREATE TABLE): the collation names the set.
                    try expect("SET"); _ = try identifier()
                    guard tokens.isWord(i, "COLLATE") else { throw KeepRaw(reason: "CHARACTER SET without COLLATE") }
                } else if tokens.isWord(i, "GENERATED") || tokens.isWord(i, "AS") {
                    if word("GENERATED") { try expect("ALWAYS") }
                    try expect("AS")
                    let expression = try parenthesized()
                    let stored = word("STORED") || (dialect == .mysql && word("PERSISTENT"))
                    if !stored { _ = word("VIRTUAL") }
                    read.column.generated = GeneratedColumn(expression: DialectSQL(expression), stored: stored)
                } else {
                    throw KeepRaw(reason: "column option \(peekText)")
                }
            }
            if read.column.identity, !read.column.type.isWholeNumber { throw KeepRaw(reason: "auto-increment on a non-integer type") }
            if dialect == .sqlite, read.column.identity, read.column.type == .integer,
               let hinted = identityTypes[DDLReader.identityKey(table: table, column: name)] {
                read.column.type = hinted
            }
            // MySQL and SQLite store booleans as 0 and 1: that is what a boolean default says there.
            if read.column.type == .boolean, case let .literal(.integer(n))? = read.column.defaultValue, n == 0 || n == 1 {
                read.column.defaultValue = .literal(.boolean(n == 1))
            }
            return read
        }

        /// The neutral type when the dialect's spelling is exactly what mgen renders for it, else
        /// the type as written, for this dialect only.
        func type(_ text: String) -> ColumnType {
            let t = text.lowercased().replacingOccurrences(of: " ", with: "")
            let neutral: [String: ColumnType]
            switch dialect {
            case .mysql:
                neutral = ["tinyint(1)": .boolean, "boolean": .boolean, "smallint": .smallint, "int": .integer, "integer": .integer, "bigint": .bigint,
                           "float": .real, "double": .double, "text": .text, "blob": .binary, "date": .date, "time": .time,
                           "datetime(6)": .timestamp, "timestamp(6)": .timestamptz, "json": .json, "char(36)": .uuid]
            default:
                neutral = ["boolean": .boolean, "smallint": .smallint, "integer": .integer, "bigint": .bigint, "real": .real, "double": .double,
                           "text": .text, "blob": .binary, "date": .date, "time": .time, "datetime": .timestamp, "char(36)": .uuid]
            }
            if let known = neutral[t] { return known }
            // MariaDB and MySQL 5.7 print integers with a display width (`bigint(20)`, `int(11)`),
            // which changes nothing stored: the type without it (`tinyint(1)` stays boolean).
            if dialect == .mysql, let open = t.firstIndex(of: "("), t.hasSuffix(")"),
               ["smallint", "int", "integer", "bigint"].contains(String(t[..<open])),
               t[t.index(after: open)..<t.index(before: t.endIndex)].allSatisfy(\.isNumber), let known = neutral[String(t[..<open])] {
                return known
            }
            // spec 1.1: column types. `int unsigned`, `int(10) unsigned` (a display width, as above).
            if dialect == .mysql, t.hasSuffix("unsigned") {
                let base = String(t.dropLast(8)).replacingOccurrences(of: #"\([0-9]+\)$"#, with: "", options: .regularExpression)
                switch base {
                case "smallint": return .unsigned(.smallint)
                case "int", "integer": return .unsigned(.integer)
                case "bigint": return .unsigned(.bigint)
                default: break
                }
            }
            // spec 1.1: column types. MySQL's `datetime(p)` / `timestamp(p)` / `time(p)` are what mgen
            // writes for timestamp(p) / timestamptz(p) / time(p) (precision 6 is the plain type, above).
            if dialect == .mysql, let open = t.firstIndex(of: "("), t.hasSuffix(")"),
               let p = Int(t[t.index(after: open)..<t.index(before: t.endIndex)]), (0...6).contains(p) {
                switch String(t[..<open]) {
                case "datetime": return .temporal(.timestamp, precision: p)
                case "timestamp": return .temporal(.timestamptz, precision: p)
                case "time": return .temporal(.time, precision: p)
                default: break
                }
            }
            // An enum's values keep their case (`t` is folded for the type's name only).
            if dialect == .mysql, t.hasPrefix("enum("), case let .enumeration(values)? = ColumnType.parse(text.trimmingCharacters(in: .whitespaces)) {
                return .enumeration(values)
            }
            // spec 1.1: column types. SQLite's bare VARCHAR is what mgen declares for varchar(max)
            // (`ColumnType.parse` reads a bare varchar as the spec's string(255)).
            if dialect == .sqlite, t == "varchar" { return .varchar }
            if let parsed = ColumnType.parse(t) {
                switch parsed {
                case .string, .decimal: return parsed
                case .char where t.hasPrefix("char("): return parsed // spec 1.1: column types
                case .enumeration where dialect == .mysql && t.hasPrefix("enum("): return parsed
                default: break
                }
            }
            return .native([dialect.rawValue: text])
        }

        mutating func createIndex(unique: Bool) throws(KeepRaw) -> Operation {
            if dialect == .sqlite { _ = ifNotExists() }
            let name = try identifier()
            try expect("ON")
            let table = try identifier()
            var method: String?
            if dialect == .mysql, word("USING") { method = try identifier().lowercased() }
            let (parts, keyOptions) = try indexParts() // spec 1.1: index key options
            let columns = parts.compactMap(\.columnName)
            var predicate: String?
            if dialect == .sqlite, word("WHERE") {
                guard let last = tokens.tokens.last, i < tokens.tokens.count else { throw KeepRaw(reason: "WHERE") }
                predicate = tokens.text(from: tokens.tokens[i].start, to: last.end)
                i = tokens.tokens.count
            }
            // SQLite keeps a unique constraint as a unique index; mgen writes `add_unique` (and the
            // uniques of `create_table`) as one named `<table>_<columns>_key`.
            let plain = keyOptions.allSatisfy(\.isDefault)
            if dialect == .sqlite, unique, predicate == nil, plain, columns.count == parts.count, name == DefaultNames.unique(table, columns) {
                return .addUnique(UniqueConstraint(name: name, table: table, columns: columns))
            }
            var index = Index(name: name, table: table, parts: parts, unique: unique, predicate: predicate, method: method == "btree" ? nil : method)
            if !plain { index.keyOptions = keyOptions }
            return .createIndex(index, concurrently: false)
        }

        // MARK: DROP, ALTER, RENAME

        mutating func drop() throws(KeepRaw) -> [Operation] {
            try expect("DROP")
            if word("TABLE") {
                _ = ifExists()
                var names: [String] = []
                repeat { names.append(try identifier()) } while punct(",")
                if tokens.isWord(i, "CASCADE") { throw KeepRaw(reason: "CASCADE") }
                return names.map { .dropTable(table: $0) }
            }
            if word("INDEX") {
                _ = ifExists()
                let name = try identifier()
                var table = state.index(name)?.table
                if word("ON") { table = try identifier() }
                guard let table else { throw KeepRaw(reason: "index \(name) is not known to the spec") }
                return [.dropIndex(name: name, table: table, concurrently: false)]
            }
            // spec 1.1: views and triggers (Ops/DDLObjectReading.swift)
            if word("VIEW") { return try dropObjects(.view) }
            if word("TRIGGER") { return try dropObjects(.trigger) }
            if dialect == .mysql, word("FUNCTION") { return try dropObjects(.function) }
            throw KeepRaw(reason: "no spec operation")
        }

        mutating func alter() throws(KeepRaw) -> [Operation] {
            try expect("ALTER")
            try expect("TABLE")
            let table = try identifier()
            var ops: [Operation] = []
            var online = false
            var implied: [String] = []
            repeat {
                if dialect == .mysql, word("ALGORITHM") {
                    if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
                    // INSTANT (what mgen writes on ADD COLUMN and default changes) changes nothing the spec says.
                    if word("INSTANT") { continue }
                    guard word("INPLACE") else { throw KeepRaw(reason: "ALGORITHM other than INPLACE or INSTANT") }
                    online = true
                    continue
                }
                if dialect == .mysql, word("LOCK") {
                    if i < tokens.tokens.count, tokens.text(tokens.tokens[i]) == "=" { i += 1 }
                    guard word("NONE") else { throw KeepRaw(reason: "LOCK other than NONE") }
                    continue
                }
                // MySQL: the index a foreign key keeps of its own goes when a new index covers the
                // key (the spec's rule does the same), so its DROP INDEX is implied.
                if dialect == .mysql, tokens.isWord(i, "DROP"), tokens.isWord(i + 1, "INDEX"), i + 2 < tokens.tokens.count,
                   let name = name(at: i + 2), state.index(name) == nil,
                   state.table(table)?.foreignKeys.contains(where: { $0.name == name }) == true {
                    i += 3
                    implied.append(name)
                    continue
                }
                ops += try alterClause(table: table)
            } while punct(",")
            if online {
                ops = ops.map { op in
                    if case let .createIndex(index, _) = op { return .createIndex(index, concurrently: true) }
                    if case let .dropIndex(n, t, _) = op { return .dropIndex(name: n, table: t, concurrently: true) }
                    return op
                }
            }
            if !implied.isEmpty, !ops.contains(where: { if case .createIndex = $0 { true } else if case .addUnique = $0 { true } else { false } }) {
                throw KeepRaw(reason: "DROP INDEX of a foreign key's own index")
            }
            return ops
        }

        mutating func alterClause(table: String) throws(KeepRaw) -> [Operation] {
            if let ops = try mysqlAlterClause(table: table) { return ops } // spec 1.1: primary keys, index renames, comments
            if let ops = try mysqlTableOptionsClause(table: table) { return ops } // spec 1.1: altering in place
            if dialect == .mysql, word("MODIFY") {
                _ = word("COLUMN")
                let read = try column(table: table)
                guard let old = state.table(table)?.column(read.column.name) else { throw KeepRaw(reason: "MODIFY of a column the spec does not know") }
                if read.primaryKey || read.check != nil || read.foreignKey != nil || old.identity != read.column.identity { throw KeepRaw(reason: "MODIFY with a key, check or AUTO_INCREMENT change") }
                var change = AlterColumn(table: table, column: old.name)
                change.type = read.column.type
                if old.nullable != read.column.nullable { change.nullable = read.column.nullable }
                if old.defaultValue != read.column.defaultValue { change.defaultChange = read.column.defaultValue.map { .set($0) } ?? .drop }
                // An empty comment is none (MySQL's COMMENT ''); alter_column's `comment: null` removes one.
                if (old.comment ?? "") != (read.column.comment ?? "") { change.comment = read.column.comment ?? "" }
                // spec 1.1: collations (a MODIFY without COLLATE gives the column the table's default)
                if old.generated != nil || read.column.generated != nil { throw KeepRaw(reason: "MODIFY of a generated column") }
                if old.collation(dialect) != read.column.collation(dialect) { change.collation = read.column.collation.map { .set($0) } ?? .drop }
                if change.type == old.type, change.nullable != nil || change.defaultChange != nil || change.comment != nil || change.collation != nil { change.type = nil }
                return [.alterColumn(change)]
            }
            if word("ALTER") {
                _ = word("COLUMN")
                let column = try identifier()
                if word("DROP") { try expect("DEFAULT"); return [.alterColumn(AlterColumn(table: table, column: column, defaultChange: .drop))] }
                try expect("SET")
                try expect("DEFAULT")
                let start = i
                guard let e = tokens.expression(from: i) else { throw KeepRaw(reason: "SET DEFAULT") }
                i = e.end
                guard let value = PostgresReader.Reader.defaultValue(e.text, range: start..<e.end, tokens: tokens), case .literal = value else {
                    throw KeepRaw(reason: "SET DEFAULT of an expression")
                }
                return [.alterColumn(AlterColumn(table: table, column: column, defaultChange: .set(value)))]
            }
            if dialect == .mysql, tokens.isWord(i, "ADD"), tokens.isWord(i + 1, "INDEX") || (tokens.isWord(i + 1, "UNIQUE") && tokens.isWord(i + 2, "INDEX")) {
                i += 1
                let unique = word("UNIQUE")
                try expect("INDEX")
                let name = try identifier()
                let (parts, keyOptions) = try indexParts() // spec 1.1: index key options
                var index = Index(name: name, table: table, parts: parts, unique: unique)
                if !keyOptions.allSatisfy(\.isDefault) { index.keyOptions = keyOptions }
                return [.createIndex(index, concurrently: false)]
            }
            if word("ADD") {
                if tokens.isWord(i, "CONSTRAINT") || tokens.isWord(i, "INDEX") || tokens.isWord(i, "UNIQUE") || tokens.isWord(i, "PRIMARY")
                    || tokens.isWord(i, "FOREIGN") || tokens.isWord(i, "KEY") || tokens.isWord(i, "FULLTEXT") || tokens.isWord(i, "SPATIAL")
                    || tokens.isWord(i, "CHECK") || tokens.isWord(i, "PERIOD") {
                    if word("CONSTRAINT") {
                        let name = try identifier()
                        if word("FOREIGN") {
                            try expect("KEY")
                            let columns = try identifierList()
                            return [.addForeignKey(try references(name: name, table: table, columns: columns))]
                        }
                        if word("UNIQUE") {
                            _ = word("KEY") || word("INDEX")
                            return [.addUnique(UniqueConstraint(name: name, table: table, columns: try identifierList()))]
                        }
                        if word("CHECK") { return [.addCheck(CheckConstraint(name: name, table: table, expression: try parenthesized()))] }
                    }
                    throw KeepRaw(reason: "ADD \(peekText)")
                }
                _ = word("COLUMN")
                let read = try column(table: table)
                if read.primaryKey { throw KeepRaw(reason: "ADD COLUMN … PRIMARY KEY") }
                if tokens.isWord(i, "FIRST") || tokens.isWord(i, "AFTER") { throw KeepRaw(reason: "column position") }
                var column = read.column
                if let check = read.check {
                    // Only the spec's own enum check can come with the column; any other would be lost.
                    guard check.name == "\(table)_\(column.name)_check", column.type == .text,
                          let values = PostgresReader.Reader.enumValues(check.expression, column: column.name) else {
                        throw KeepRaw(reason: "ADD COLUMN with a CHECK")
                    }
                    column.type = .enumeration(values)
                }
                return [.addColumn(table: table, column: column, unique: nil, foreignKey: read.foreignKey)]
            }
            if word("DROP") {
                if word("FOREIGN") { try expect("KEY"); return [.dropConstraint(table: table, name: try identifier())] }
                if word("CONSTRAINT") || word("CHECK") { return [.dropConstraint(table: table, name: try identifier())] }
                if word("INDEX") || word("KEY") { return [.dropIndex(name: try identifier(), table: table, concurrently: false)] }
                if word("PRIMARY") { throw KeepRaw(reason: "DROP PRIMARY KEY (spec 1.1)") }
                _ = word("COLUMN")
                return [.dropColumn(table: table, column: try identifier())]
            }
            if word("RENAME") {
                if word("COLUMN") {
                    let from = try identifier()
                    try expect("TO")
                    return [.renameColumn(table: table, column: from, to: try identifier())]
                }
                _ = word("TO") || word("AS")
                return [.renameTable(table: table, to: try identifier())]
            }
            throw KeepRaw(reason: "\(peekText) has no spec operation")
        }

        mutating func renameTables() throws(KeepRaw) -> [Operation] {
            try expect("RENAME")
            try expect("TABLE")
            var ops: [Operation] = []
            repeat {
                let from = try identifier()
                try expect("TO")
                ops.append(.renameTable(table: from, to: try identifier()))
            } while punct(",")
            return ops
        }
    }
}
