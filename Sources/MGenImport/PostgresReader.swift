import CPgQuery
import Foundation
import MGenSpec

/// What one statement of a migration file is to the spec.
enum StatementReading {
    /// Spec operations that do exactly what the statement does (still to be checked against the state).
    case operations([Operation])
    /// Kept as raw SQL: why, and the tables whose structure it changes (the state cannot follow them).
    case raw(reason: String, tables: [String])
    /// `BEGIN` / `COMMIT`: the runner's transaction, which the spec's `transaction` already says.
    case transactionControl(String)
    /// What the spec says only inside the `create_table` of the same migration: `COMMENT ON TABLE`,
    /// and (as pg_dump writes them) the primary key and identity added after `CREATE TABLE`.
    case amend(table: String, Amendment, reason: String)
}

enum Amendment {
    case comment(String)
    case primaryKey([String])
    case identity(column: String)
}

/// Why a statement stays raw, thrown from deep inside the mapping.
struct KeepRaw: Error { var reason: String }

/// PostgreSQL statements read with PostgreSQL's own parser (libpg_query): `pg_query_parse` gives
/// the raw parse tree as JSON, decoded here (ParseTreeJSON) and mapped to spec operations where they say exactly
/// the same thing. Expression texts (defaults, checks, predicates) are cut from the source at the
/// parse tree's byte locations, so they stay as written.
enum PostgresReader {
    typealias Node = [String: Any]

    /// The parse tree of SQL text, or the parser's message.
    static func parse(_ sql: String) -> Result<Node, KeepRaw> {
        let result = pg_query_parse(sql)
        defer { pg_query_free_parse_result(result) }
        if let error = result.error {
            let message = error.pointee.message.map { String(cString: $0) } ?? "syntax error"
            return .failure(KeepRaw(reason: "PostgreSQL's parser rejects it: \(message) (at byte \(error.pointee.cursorpos))"))
        }
        guard let tree = result.parse_tree, let json = ParseTreeJSON.parse(tree) else {
            return .failure(KeepRaw(reason: "libpg_query returned no parse tree"))
        }
        return .success(json)
    }

    /// A parse result made ahead of the replay (on another thread): the tree is only read afterwards.
    struct Parsed: @unchecked Sendable {
        var result: Result<Node, KeepRaw>
        init(_ result: Result<Node, KeepRaw>) { self.result = result }
    }

    static func read(_ sql: String, state: SchemaState, parsed: Parsed? = nil) -> StatementReading {
        let tree: Node
        switch parsed?.result ?? parse(sql) {
        case let .success(t): tree = t
        case let .failure(raw): return .raw(reason: raw.reason, tables: [])
        }
        guard let stmts = tree["stmts"] as? [Node], stmts.count == 1, let wrapper = stmts[0]["stmt"] as? Node,
              let (kind, body) = wrapper.first.map({ ($0.key, $0.value as? Node ?? [:]) }) else {
            return .raw(reason: "not exactly one statement", tables: [])
        }
        let reader = Reader(tokens: SQLTokens(sql), state: state)
        do throws(KeepRaw) {
            switch kind {
            case "CreateStmt": return .operations(try reader.createTable(body))
            case "AlterTableStmt":
                if let amendment = try reader.amendment(body) { return amendment }
                return .operations(try reader.alterTable(body))
            case "RenameStmt": return .operations(try reader.rename(body))
            case "DropStmt": return .operations(try reader.drop(body))
            case "IndexStmt": return .operations(try reader.createIndex(body))
            // spec 1.1: enum types
            case "CreateEnumStmt": return .operations(try reader.createEnumType(body))
            case "AlterEnumStmt": return .operations(try reader.alterEnumType(body))
            // spec 1.1: data steps
            case "InsertStmt": return .operations(try reader.insert(body))
            case "DeleteStmt", "UpdateStmt": return .operations(try reader.deleteOrUpdate(kind, body))
            // spec 1.1: views, triggers, extensions
            case "ViewStmt": return .operations(try reader.createView(body))
            case "CreateTableAsStmt": return .operations(try reader.createMaterializedView(body))
            case "CreateTrigStmt": return .operations(try reader.createTrigger(body))
            case "RefreshMatViewStmt": return .operations(try reader.refreshMaterializedView(body))
            case "CreateExtensionStmt": return .operations(try reader.createExtension(body))
            // spec 1.1: schemas (Ops/SchemaReading.swift)
            case "CreateSchemaStmt": return .operations(try reader.createSchema(body))
            // spec 1.1: functions and sequences (Ops/FunctionReading.swift)
            case "CreateFunctionStmt": return .operations(try reader.createFunction(body))
            case "CreateSeqStmt": return .operations(try reader.createSequence(body))
            case "AlterSeqStmt": return .operations(try reader.alterSequence(body))
            case "CommentStmt":
                if body["objtype"] as? String == "OBJECT_TABLE", let text = body["comment"] as? String, !text.isEmpty {
                    let path = names(of: body["object"] as? Node ?? [:])
                    if path.count == 1 || path.count == 2 { // spec 1.1: schemas (`billing.invoices`)
                        return .amend(table: QualifiedName(schema: path.count == 2 ? path[0] : nil, name: path[path.count - 1]).key,
                                      .comment(text), reason: "COMMENT ON TABLE")
                    }
                }
                return .operations(try reader.comment(body))
            case "TransactionStmt":
                let k = body["kind"] as? String ?? ""
                if k == "TRANS_STMT_BEGIN" || k == "TRANS_STMT_START" || k == "TRANS_STMT_COMMIT" {
                    return .transactionControl(k == "TRANS_STMT_COMMIT" ? "COMMIT" : "BEGIN")
                }
                return .raw(reason: "\(k): transaction control other than BEGIN/COMMIT", tables: [])
            default:
                return .raw(reason: "\(statementName(kind)): no spec operation", tables: touchedTables(kind, body))
            }
        } catch {
            return .raw(reason: "\(statementName(kind)): \(error.reason)", tables: touchedTables(kind, body))
        }
    }

    /// The tables whose columns or constraints a statement kept raw changes.
    static func touchedTables(_ kind: String, _ body: Node) -> [String] {
        switch kind {
        // Triggers and indexes leave the columns alone (PostgreSQL alters tables in place).
        case "CreateStmt", "AlterTableStmt", "RenameStmt":
            var names = [(body["relation"] as? Node)?["relname"] as? String].compactMap { $0 }
            if kind == "RenameStmt", let new = body["newname"] as? String { names.append(new) }
            return names
        case "DropStmt":
            guard body["removeType"] as? String == "OBJECT_TABLE" else { return [] }
            return (body["objects"] as? [Node] ?? []).compactMap { names(of: $0).last }
        default: return []
        }
    }

    /// `CreateFunctionStmt` → `CREATE FUNCTION`, for reports.
    static func statementName(_ kind: String) -> String {
        let known = ["CreateFunctionStmt": "CREATE FUNCTION", "CreateTrigStmt": "CREATE TRIGGER", "InsertStmt": "INSERT",
                     "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "CreateEnumStmt": "CREATE TYPE … AS ENUM",
                     "AlterEnumStmt": "ALTER TYPE … ADD VALUE", "ViewStmt": "CREATE VIEW", "CreateExtensionStmt": "CREATE EXTENSION",
                     "CreateSeqStmt": "CREATE SEQUENCE", "VariableSetStmt": "SET", "DoStmt": "DO block", "CreateStmt": "CREATE TABLE",
                     "AlterTableStmt": "ALTER TABLE", "RenameStmt": "RENAME", "DropStmt": "DROP", "IndexStmt": "CREATE INDEX",
                     "CommentStmt": "COMMENT ON", "CreateSchemaStmt": "CREATE SCHEMA", "CreateDomainStmt": "CREATE DOMAIN",
                     "SelectStmt": "SELECT", "CreateTableAsStmt": "CREATE TABLE AS / MATERIALIZED VIEW", "GrantStmt": "GRANT",
                     "CompositeTypeStmt": "CREATE TYPE", "CreatePolicyStmt": "CREATE POLICY", "AlterSeqStmt": "ALTER SEQUENCE",
                     "RefreshMatViewStmt": "REFRESH MATERIALIZED VIEW"]
        return known[kind] ?? kind.replacingOccurrences(of: "Stmt", with: "")
    }

    /// A dotted name's parts; `public.` (PostgreSQL's default schema, which pg_dump writes out) is left off.
    static func names(of node: Node) -> [String] {
        let items = (node["List"] as? Node)?["items"] as? [Node] ?? []
        let parts = items.compactMap { ($0["String"] as? Node)?["sval"] as? String }
        return parts.count > 1 && parts[0] == "public" ? Array(parts.dropFirst()) : parts
    }

    static func strings(_ value: Any?) -> [String] {
        (value as? [Node] ?? []).compactMap { ($0["String"] as? Node)?["sval"] as? String }
    }

    struct Reader {
        let tokens: SQLTokens
        let state: SchemaState

        static let columnStops: Set<String> = ["NOT", "NULL", "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "GENERATED",
                                               "COLLATE", "DEFAULT", "DEFERRABLE", "INITIALLY"]

        func relation(_ body: Node, key: String = "relation") throws(KeepRaw) -> String {
            guard let relation = body[key] as? Node, let name = relation["relname"] as? String else { throw KeepRaw(reason: "no table name") }
            if let persistence = relation["relpersistence"] as? String, persistence != "p" { throw KeepRaw(reason: "temporary or unlogged table") }
            if let schema = relation["schemaname"] as? String, schema != "public" {
                // spec 1.1: schemas. A table, view, materialized view or sequence of another schema
                // is the state's key for it (`schema:` in the spec); the replay refuses a schema
                // the spec did not make, and the statement stays raw.
                return QualifiedName(schema: schema, name: name).key
            }
            return name
        }

        // MARK: CREATE TABLE

        func createTable(_ body: Node) throws(KeepRaw) -> [Operation] {
            let name = try relation(body)
            for key in ["inhRelations", "partspec", "partbound", "options", "tablespacename", "accessMethod", "ofTypename"] where body[key] != nil {
                throw KeepRaw(reason: "\(key) has no spec field")
            }
            if let onCommit = body["oncommit"] as? String, onCommit != "ONCOMMIT_NOOP" { throw KeepRaw(reason: "ON COMMIT") }
            var table = Table(name: name, columns: [])
            var primary: [String]?
            var primaryName: String? // spec 1.1: a key not named `<table>_pkey` is add_primary_key
            for element in body["tableElts"] as? [Node] ?? [] {
                if let def = element["ColumnDef"] as? Node {
                    let read = try column(def, table: name)
                    table.columns.append(read.column)
                    if let key = read.primaryKey {
                        if primary != nil { throw KeepRaw(reason: "two primary keys") }
                        primary = [read.column.name]
                        primaryName = key
                    }
                    if let unique = read.unique { table.uniques.append(unique) }
                    if let check = read.check { table.checks.append(check) }
                    if let fk = read.foreignKey { table.foreignKeys.append(fk) }
                } else if let constraint = element["Constraint"] as? Node {
                    let contype = constraint["contype"] as? String ?? ""
                    let keys = strings(constraint["keys"])
                    let conname = constraint["conname"] as? String
                    try plainConstraint(constraint)
                    switch contype {
                    case "CONSTR_PRIMARY":
                        if primary != nil { throw KeepRaw(reason: "two primary keys") }
                        primary = keys
                        primaryName = conname ?? DefaultNames.primaryKey(name)
                    case "CONSTR_UNIQUE":
                        var unique = UniqueConstraint(name: conname ?? DefaultNames.unique(name, keys), table: name, columns: keys)
                        unique.deferrable = deferrability(constraint) // spec 1.1: deferrable constraints
                        table.uniques.append(unique)
                    case "CONSTR_CHECK":
                        let expression = try checkExpression(constraint)
                        var checkName = conname ?? ""
                        if conname == nil {
                            checkName = try pgCheckName(table: name, column: nil, expression: expression.tokens, columns: table.columns.map(\.name),
                                                        taken: table.checks.map(\.name))
                        }
                        table.checks.append(CheckConstraint(name: checkName, table: name, expression: expression.text))
                    case "CONSTR_FOREIGN":
                        table.foreignKeys.append(try foreignKey(constraint, table: name, columns: strings(constraint["fk_attrs"]), pending: table))
                    default:
                        throw KeepRaw(reason: "\(contype) constraint")
                    }
                } else {
                    throw KeepRaw(reason: "\(element.keys.first ?? "element") in the column list")
                }
            }
            var named: [Operation] = []
            if let primary {
                let keyName = primaryName ?? DefaultNames.primaryKey(name)
                if keyName.utf8.count > maximumNameBytes { throw KeepRaw(reason: "primary key name \(keyName) is longer than a spec name (\(maximumNameBytes) bytes)") }
                for c in primary { if let i = table.columnIndex(c) { table.columns[i].nullable = false } }
                // spec 1.1: create_table names its key `<table>_pkey`; another name (a table renamed
                // after it was made, a key renamed) is the table, then add_primary_key with that name.
                if let primaryName, primaryName != DefaultNames.primaryKey(name) {
                    // A key of the table to itself waits for the primary key it references.
                    let own = table.foreignKeys.filter { $0.referencedTable == name }
                    table.foreignKeys.removeAll { $0.referencedTable == name }
                    named = [.addPrimaryKey(AddPrimaryKey(table: name, key: PrimaryKey(name: primaryName, columns: primary)))] + own.map { .addForeignKey($0) }
                } else {
                    table.primaryKey = PrimaryKey(name: DefaultNames.primaryKey(name), columns: primary)
                }
            }
            Self.liftEnums(&table)
            return [.createTable(table)] + named
        }

        /// A text column with a check `<table>_<column>_check` that is `column IN ('a', 'b', …)` is
        /// exactly what the spec's `enum(a,b,…)` is on PostgreSQL: read it as that.
        static func liftEnums(_ table: inout Table) {
            for (i, column) in table.columns.enumerated() where column.type == .text {
                let name = DefaultNames.enumCheck(table.name, column.name) // spec 1.1: schemas
                guard let k = table.checks.firstIndex(where: { $0.name == name }),
                      let values = enumValues(table.checks[k].expression, column: column.name) else { continue }
                if let d = column.defaultValue, case let .literal(.string(s)) = d, !values.contains(s) { continue }
                table.columns[i].type = .enumeration(values)
                table.checks.remove(at: k)
            }
        }

        /// The values of `col IN ('a', 'b')` (the column quoted or not), when that is all the text says;
        /// also in the form PostgreSQL's catalog gives it back, `(col = ANY (ARRAY['a'::text, 'b'::text]))`
        /// (a live database, a schema dump).
        static func enumValues(_ expression: String, column: String) -> [String]? {
            let t = SQLTokens(expression)
            var first = 0
            var last = t.tokens.count - 1
            // Parentheses around the whole condition.
            while last > first, t.isPunct(first, "("), t.closing(first) == last { first += 1; last -= 1 }
            guard first <= last else { return nil }
            let head = t.tokens[first]
            let named = head.kind == .word ? t.text(head) : (head.kind == .quoted ? String(t.text(head).dropFirst().dropLast()) : "")
            guard named == column else { return nil }
            let i = first + 1
            func isOp(_ k: Int, _ text: String) -> Bool { k <= last && t.tokens[k].kind == .op && t.text(t.tokens[k]) == text }
            var k: Int
            let close: Int
            if t.isWord(i, "IN"), t.isPunct(i + 1, "("), let c = t.closing(i + 1), c == last {
                k = i + 2
                close = c
            } else if isOp(i, "="), t.isWord(i + 1, "ANY"), t.isPunct(i + 2, "("), let c = t.closing(i + 2), c == last,
                      t.isWord(i + 3, "ARRAY"), isOp(i + 4, "["), isOp(c - 1, "]") {
                k = i + 5
                close = c - 1
            } else {
                return nil
            }
            var values: [String] = []
            while k < close {
                guard t.tokens[k].kind == .string else { return nil }
                let v = String(t.text(t.tokens[k]).dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
                // Any value the spec's `enum(a, b)` can write: not empty, no comma (spaces and quotes are fine).
                guard !v.isEmpty, !v.contains(",") else { return nil }
                values.append(v)
                k += 1
                // The catalog's cast of each value to the column's type.
                if isOp(k, "::"), t.isWord(k + 1, "TEXT") { k += 2 }
                if k < close { guard t.isPunct(k, ",") else { return nil }; k += 1 }
            }
            return values.isEmpty ? nil : values
        }

        /// Constraint options the spec has no field for.
        /// `usingIndex`: `PRIMARY KEY USING INDEX i` is allowed (spec 1.1: add_primary_key's using_index).
        func plainConstraint(_ c: Node, usingIndex: Bool = false) throws(KeepRaw) {
            // spec 1.1: deferrable constraints: a foreign key or unique says so (deferrability(_:))
            if deferrability(c) != nil, !["CONSTR_FOREIGN", "CONSTR_UNIQUE"].contains(c["contype"] as? String ?? "") {
                throw KeepRaw(reason: "deferrable constraint")
            }
            for key in ["including", "options", "indexname", "indexspace", "exclusions", "where_clause"] where c[key] != nil && !(usingIndex && key == "indexname") {
                throw KeepRaw(reason: "constraint \(key)")
            }
            if c["nulls_not_distinct"] as? Bool == true { throw KeepRaw(reason: "NULLS NOT DISTINCT") }
            if c["is_no_inherit"] as? Bool == true { throw KeepRaw(reason: "NO INHERIT") }
        }

        /// spec 1.1: `DEFERRABLE [INITIALLY DEFERRED]` of a table constraint (INITIALLY DEFERRED implies DEFERRABLE).
        func deferrability(_ c: Node) -> Deferrability? {
            if c["initdeferred"] as? Bool == true { return .deferred }
            return c["deferrable"] as? Bool == true ? .immediate : nil
        }

        struct ReadColumn {
            var column: Column
            /// The key's name when the column is the primary key.
            var primaryKey: String?
            var unique: UniqueConstraint?
            var check: CheckConstraint?
            var foreignKey: ForeignKey?
        }

        func column(_ def: Node, table: String) throws(KeepRaw) -> ReadColumn {
            guard let name = def["colname"] as? String, let typeName = def["typeName"] as? Node else { throw KeepRaw(reason: "column without a type") }
            var read = ReadColumn(column: Column(name: name, type: try type(typeName)))
            // spec 1.1: collations
            if let clause = def["collClause"] as? Node { read.column.collation = try collation(clause).map(DialectSQL.init) }
            for node in def["constraints"] as? [Node] ?? [] {
                guard let c = node["Constraint"] as? Node else { continue }
                try plainConstraint(c)
                let conname = c["conname"] as? String
                switch c["contype"] as? String ?? "" {
                case "CONSTR_NOTNULL": read.column.nullable = false
                case "CONSTR_NULL": read.column.nullable = true
                case "CONSTR_DEFAULT":
                    read.column.defaultValue = try defaultValue(afterKeywordAt: c["location"] as? Int)
                case "CONSTR_IDENTITY":
                    guard c["generated_when"] as? String == "d", c["options"] == nil else { throw KeepRaw(reason: "GENERATED ALWAYS or sequence options") }
                    read.column.identity = true
                    read.column.nullable = false
                case "CONSTR_PRIMARY":
                    read.primaryKey = conname ?? DefaultNames.primaryKey(table)
                    read.column.nullable = false
                case "CONSTR_UNIQUE":
                    read.unique = UniqueConstraint(name: conname ?? DefaultNames.unique(table, [name]), table: table, columns: [name])
                case "CONSTR_CHECK":
                    let expression = try checkExpression(c)
                    read.check = CheckConstraint(name: conname ?? DefaultNames.enumCheck(table, name), table: table, expression: expression.text)
                case "CONSTR_FOREIGN":
                    read.foreignKey = try foreignKey(c, table: table, columns: [name], pending: nil)
                // spec 1.1: generated columns (PostgreSQL 12–17: STORED only)
                case "CONSTR_GENERATED":
                    read.column.generated = GeneratedColumn(expression: DialectSQL(try generatedExpression(c)), stored: true)
                case let other:
                    throw KeepRaw(reason: "column constraint \(other)")
                }
            }
            if read.column.identity, !read.column.type.isInteger { throw KeepRaw(reason: "identity on a non-integer type") }
            return read
        }

        /// The neutral type for a PostgreSQL type, or the type as written for PostgreSQL only.
        func type(_ typeName: Node) throws(KeepRaw) -> ColumnType {
            let names = strings(typeName["names"])
            guard let last = names.last else { throw KeepRaw(reason: "unnamed type") }
            if let enumType = enumColumnType(typeName) { return enumType } // spec 1.1: enum types
            // spec 1.1: column types. A one-dimensional array of a type the spec names.
            if let bounds = typeName["arrayBounds"] as? [Any], bounds.count == 1 {
                var element = typeName
                element["arrayBounds"] = nil
                if let inner = try? type(element), inner.canBeArrayElement { return .array(inner) }
            }
            if typeName["arrayBounds"] == nil, names.count <= 2, names.count == 1 || names.first == "pg_catalog" {
                let mods: [Int] = (typeName["typmods"] as? [Node] ?? []).compactMap { (($0["A_Const"] as? Node)?["ival"] as? Node)?["ival"] as? Int }
                let modCount = (typeName["typmods"] as? [Node])?.count ?? 0
                switch (last, modCount) {
                case ("int2", 0): return .smallint
                case ("int4", 0): return .integer
                case ("int8", 0): return .bigint
                case ("bool", 0): return .boolean
                case ("text", 0): return .text
                case ("float4", 0): return .real
                case ("float8", 0): return .double
                case ("bytea", 0): return .binary
                case ("date", 0): return .date
                case ("time", 0): return .time
                case ("timestamp", 0): return .timestamp
                case ("timestamptz", 0): return .timestamptz
                case ("uuid", 0): return .uuid
                case ("jsonb", 0): return .json
                case ("varchar", 1) where mods.count == 1 && mods[0] > 0: return .string(length: mods[0])
                // spec 1.1: column types
                case ("varchar", 0): return .varchar
                case ("bpchar", 1) where mods.count == 1 && mods[0] > 0: return .char(length: mods[0])
                case ("numeric", 2) where mods.count == 2 && mods[0] > 0 && mods[1] >= 0 && mods[1] <= mods[0]:
                    return .decimal(precision: mods[0], scale: mods[1])
                case ("serial", _), ("bigserial", _), ("smallserial", _), ("serial4", _), ("serial8", _), ("serial2", _):
                    throw KeepRaw(reason: "\(last) makes a sequence of its own (the spec's identity is GENERATED BY DEFAULT AS IDENTITY)")
                default: break
                }
            }
            // Anything else is kept as written, for PostgreSQL: exact there, an error elsewhere.
            guard let location = typeName["location"] as? Int, let first = tokens.index(at: location),
                  let text = tokens.expression(from: first, stops: Self.columnStops)?.text else {
                throw KeepRaw(reason: "type \(last) not found in the text")
            }
            return .native(["postgresql": text])
        }

        /// The default after the `DEFAULT` keyword at a byte offset: a literal where it is one,
        /// else `{sql: …}` with the text as written.
        func defaultValue(afterKeywordAt location: Int?) throws(KeepRaw) -> DefaultValue? {
            guard let location, let keyword = tokens.index(at: location), tokens.isWord(keyword, "DEFAULT"),
                  let expression = tokens.expression(from: keyword + 1, stops: Self.columnStops) else {
                throw KeepRaw(reason: "default expression not found in the text")
            }
            return Self.defaultValue(expression.text, range: (keyword + 1)..<expression.end, tokens: tokens)
        }

        static func defaultValue(_ text: String, range: Range<Int>, tokens: SQLTokens) -> DefaultValue? {
            let upper = text.uppercased()
            if upper == "NULL" { return nil }
            if upper == "TRUE" { return .literal(.boolean(true)) }
            if upper == "FALSE" { return .literal(.boolean(false)) }
            if range.count == 1, tokens.tokens[range.lowerBound].kind == .number {
                if let i = Int64(text) { return .literal(.integer(i)) }
                return .literal(.number(text))
            }
            // A negative number (`-1`, `-0.5`), as mgen writes one.
            if range.count == 2, tokens.text(tokens.tokens[range.lowerBound]) == "-", tokens.tokens[range.lowerBound + 1].kind == .number {
                let number = "-" + tokens.text(tokens.tokens[range.lowerBound + 1])
                if let i = Int64(number) { return .literal(.integer(i)) }
                return .literal(.number(number))
            }
            if range.count == 1, tokens.tokens[range.lowerBound].kind == .string, text.hasPrefix("'") {
                return .literal(.string(String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")))
            }
            // pg_dump's spelling of a string default: `'x'::text`, `'x'::character varying`.
            for cast in ["::text", "::character varying", "::varchar"] where upper.hasSuffix(cast.uppercased()) {
                let literal = String(text.dropLast(cast.count)).trimmingCharacters(in: .whitespaces)
                let inner = SQLTokens(literal)
                if inner.tokens.count == 1, inner.tokens[0].kind == .string, literal.hasPrefix("'") {
                    return .literal(.string(String(literal.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")))
                }
            }
            return .sql(text)
        }

        // spec 1.1: generated columns and collations
        /// The text inside `GENERATED ALWAYS AS ( … ) STORED`.
        func generatedExpression(_ c: Node) throws(KeepRaw) -> String {
            guard let location = c["location"] as? Int, var i = tokens.index(at: location) else { throw KeepRaw(reason: "generated column not found in the text") }
            while i < tokens.tokens.count, !tokens.isWord(i, "AS") { i += 1 }
            guard tokens.isPunct(i + 1, "("), let close = tokens.closing(i + 1), close > i + 2 else { throw KeepRaw(reason: "generated column without an expression") }
            return tokens.text(from: tokens.tokens[i + 2].start, to: tokens.tokens[close - 1].end)
        }

        /// A COLLATE clause's name; nil for `"default"` (the database's).
        func collation(_ clause: Node) throws(KeepRaw) -> String? {
            let body = clause["CollateClause"] as? Node ?? clause
            let names = strings(body["collname"])
            guard names.count == 1, let name = names.first else { throw KeepRaw(reason: "schema-qualified collation") }
            return name == "default" ? nil : name
        }

        /// The text inside `CHECK ( … )` of a constraint, and the token range of it.
        func checkExpression(_ c: Node) throws(KeepRaw) -> (text: String, tokens: Range<Int>) {
            guard let location = c["location"] as? Int, var i = tokens.index(at: location) else { throw KeepRaw(reason: "check not found in the text") }
            while i < tokens.tokens.count, !tokens.isWord(i, "CHECK") { i += 1 }
            guard tokens.isPunct(i + 1, "("), var close = tokens.closing(i + 1), close > i + 2 else { throw KeepRaw(reason: "check without an expression") }
            // pg_dump writes `CHECK ((score >= 0))`: the inner parentheses are not the expression's.
            while tokens.isPunct(i + 2, "("), tokens.closing(i + 2) == close - 1, close - 1 > i + 3 { i += 1; close -= 1 }
            return (tokens.text(from: tokens.tokens[i + 2].start, to: tokens.tokens[close - 1].end), (i + 2)..<close)
        }

        /// The name PostgreSQL gives an unnamed table-level check: after the only column it uses,
        /// else after the table, with a number when taken.
        func pgCheckName(table: String, column: String?, expression: Range<Int>, columns: [String], taken: [String]) throws(KeepRaw) -> String {
            let used = Set(tokens.identifiers(expression)).intersection(columns)
            let base = used.count == 1 ? DefaultNames.enumCheck(table, used.first ?? "") : DefaultNames.check(table, 0)
            var name = base
            var n = 0
            while taken.contains(name) { n += 1; name = base + String(n) }
            if name.utf8.count > 63 { throw KeepRaw(reason: "the check's generated name is longer than 63 bytes") }
            return name
        }

        func action(_ code: String?) throws(KeepRaw) -> ReferentialAction? {
            switch code ?? "a" {
            case "a": return nil
            case "r": return .restrict
            case "c": return .cascade
            case "n": return .setNull
            case "d": return .setDefault
            default: throw KeepRaw(reason: "referential action \(code ?? "")")
            }
        }

        func foreignKey(_ c: Node, table: String, columns: [String], pending: Table?) throws(KeepRaw) -> ForeignKey {
            guard c["fk_matchtype"] as? String ?? "s" == "s" else { throw KeepRaw(reason: "MATCH FULL/PARTIAL") }
            if c["fk_del_set_cols"] != nil { throw KeepRaw(reason: "ON DELETE SET NULL (columns)") }
            let target = try relation(c, key: "pktable")
            var referenced = strings(c["pk_attrs"])
            if referenced.isEmpty {
                // REFERENCES t without columns: the target's primary key.
                let key = target == table ? pending?.primaryKey?.columns : state.table(target)?.primaryKey?.columns
                guard let key else { throw KeepRaw(reason: "references \(target) without columns, and its primary key is not known") }
                referenced = key
            }
            var fk = ForeignKey(name: c["conname"] as? String ?? DefaultNames.foreignKey(table, columns), table: table, columns: columns,
                                referencedTable: target, referencedColumns: referenced,
                                onDelete: try action(c["fk_del_action"] as? String), onUpdate: try action(c["fk_upd_action"] as? String),
                                notValid: c["skip_validation"] as? Bool ?? false)
            fk.deferrable = deferrability(c) // spec 1.1: deferrable constraints
            return fk
        }

        // MARK: ALTER TABLE

        /// `ALTER TABLE [ONLY] t ADD CONSTRAINT t_pkey PRIMARY KEY (…)` and `ALTER COLUMN c ADD GENERATED
        /// BY DEFAULT AS IDENTITY (SEQUENCE NAME t_c_seq …defaults…)`, as pg_dump writes a table.
        func amendment(_ body: Node) throws(KeepRaw) -> StatementReading? {
            let cmds = (body["cmds"] as? [Node] ?? []).compactMap { $0["AlterTableCmd"] as? Node }
            guard cmds.count == 1, let cmd = cmds.first, body["objtype"] as? String == "OBJECT_TABLE" else { return nil }
            let table = try relation(body)
            switch cmd["subtype"] as? String ?? "" {
            case "AT_AddConstraint":
                guard let c = (cmd["def"] as? Node)?["Constraint"] as? Node, c["contype"] as? String == "CONSTR_PRIMARY", c["indexname"] == nil else { return nil }
                try plainConstraint(c)
                // spec 1.1: another name, or USING INDEX, is add_primary_key (alterTable).
                guard (c["conname"] as? String ?? DefaultNames.primaryKey(table)) == DefaultNames.primaryKey(table), c["indexname"] == nil else {
                    return nil
                }
                return .amend(table: table, .primaryKey(strings(c["keys"])), reason: "ADD PRIMARY KEY: the spec has it only in create_table (spec 1.1)")
            case "AT_AddIdentity":
                guard let column = cmd["name"] as? String,
                      let def = (cmd["def"] as? Node)?["Constraint"] as? Node, def["generated_when"] as? String == "d" else { return nil }
                // Only the sequence PostgreSQL would make itself: its own name, default options.
                for option in def["options"] as? [Node] ?? [] {
                    guard let element = option["DefElem"] as? Node, let name = element["defname"] as? String else { return nil }
                    switch name {
                    case "sequence_name":
                        let parts = PostgresReader.names(of: element["arg"] as? Node ?? [:])
                        guard parts == ["\(table)_\(column)_seq"] else { return nil }
                    case "start", "increment":
                        guard ((element["arg"] as? Node)?["Integer"] as? Node)?["ival"] as? Int == 1 else { return nil }
                    case "minvalue", "maxvalue": guard element["arg"] == nil else { return nil }
                    case "cache":
                        guard ((element["arg"] as? Node)?["Integer"] as? Node)?["ival"] as? Int == 1 else { return nil }
                    default: return nil
                    }
                }
                return .amend(table: table, .identity(column: column), reason: "ADD GENERATED AS IDENTITY: the spec has it only in create_table")
            default: return nil
            }
        }

        func alterTable(_ body: Node) throws(KeepRaw) -> [Operation] {
            guard body["objtype"] as? String == "OBJECT_TABLE" else { throw KeepRaw(reason: "not a table") }
            let table = try relation(body)
            let cmds = (body["cmds"] as? [Node] ?? []).compactMap { $0["AlterTableCmd"] as? Node }
            var ops: [Operation] = []
            for cmd in cmds {
                let subtype = cmd["subtype"] as? String ?? ""
                let column = cmd["name"] as? String
                if cmd["behavior"] as? String == "DROP_CASCADE" { throw KeepRaw(reason: "CASCADE") }
                switch subtype {
                case "AT_AddColumn":
                    guard let def = cmd["def"] as? [String: Any], let columnDef = def["ColumnDef"] as? Node else { throw KeepRaw(reason: "ADD COLUMN") }
                    let read = try self.column(columnDef, table: table)
                    if read.primaryKey != nil || read.check != nil { throw KeepRaw(reason: "ADD COLUMN with a primary key or check") }
                    ops.append(.addColumn(table: table, column: read.column, unique: read.unique, foreignKey: read.foreignKey))
                case "AT_DropColumn":
                    guard let column else { throw KeepRaw(reason: "DROP COLUMN") }
                    ops.append(.dropColumn(table: table, column: column))
                case "AT_SetNotNull", "AT_DropNotNull":
                    guard let column else { throw KeepRaw(reason: subtype) }
                    ops.append(.alterColumn(AlterColumn(table: table, column: column, nullable: subtype == "AT_DropNotNull")))
                case "AT_ColumnDefault":
                    guard let column else { throw KeepRaw(reason: subtype) }
                    if cmd["def"] == nil {
                        ops.append(.alterColumn(AlterColumn(table: table, column: column, defaultChange: .drop)))
                    } else {
                        guard cmds.count == 1, let keyword = tokens.tokens.indices.first(where: { tokens.isWord($0, "DEFAULT") }),
                              let expression = tokens.expression(from: keyword + 1) else { throw KeepRaw(reason: "SET DEFAULT among other changes") }
                        let value = Self.defaultValue(expression.text, range: (keyword + 1)..<expression.end, tokens: tokens)
                        ops.append(.alterColumn(AlterColumn(table: table, column: column, defaultChange: value.map { .set($0) } ?? .drop)))
                    }
                case "AT_AlterColumnType":
                    guard let column, let def = (cmd["def"] as? Node)?["ColumnDef"] as? Node, let typeName = def["typeName"] as? Node else {
                        throw KeepRaw(reason: "ALTER COLUMN TYPE")
                    }
                    var change = AlterColumn(table: table, column: column, type: try type(typeName))
                    // spec 1.1: collations (`COLLATE "default"`: the database's again)
                    if let clause = def["collClause"] as? Node { change.collation = try collation(clause).map { .set(DialectSQL($0)) } ?? .drop }
                    if def["raw_default"] != nil {
                        guard cmds.count == 1, let keyword = tokens.tokens.indices.first(where: { tokens.isWord($0, "USING") }),
                              let expression = tokens.expression(from: keyword + 1) else { throw KeepRaw(reason: "USING among other changes") }
                        change.using = expression.text
                    }
                    ops.append(.alterColumn(change))
                case "AT_AddConstraint":
                    guard let c = (cmd["def"] as? Node)?["Constraint"] as? Node else { throw KeepRaw(reason: "ADD CONSTRAINT") }
                    try plainConstraint(c, usingIndex: ["CONSTR_PRIMARY", "CONSTR_UNIQUE"].contains(c["contype"] as? String ?? ""))
                    let conname = c["conname"] as? String
                    switch c["contype"] as? String ?? "" {
                    case "CONSTR_FOREIGN":
                        ops.append(.addForeignKey(try foreignKey(c, table: table, columns: strings(c["fk_attrs"]), pending: nil)))
                    // spec 1.1: UNIQUE USING INDEX is add_unique using_index
                    case "CONSTR_UNIQUE" where c["indexname"] != nil:
                        ops.append(try addUniqueUsingIndex(c, table: table))
                    case "CONSTR_UNIQUE":
                        let keys = strings(c["keys"])
                        var unique = UniqueConstraint(name: conname ?? DefaultNames.unique(table, keys), table: table, columns: keys)
                        unique.deferrable = deferrability(c) // spec 1.1: deferrable constraints
                        ops.append(.addUnique(unique))
                    case "CONSTR_CHECK":
                        let expression = try checkExpression(c)
                        let columns = state.table(table)?.columns.map(\.name) ?? []
                        var name = conname ?? ""
                        if conname == nil {
                            name = try pgCheckName(table: table, column: nil, expression: expression.tokens, columns: columns,
                                                   taken: state.table(table)?.constraintNames ?? [])
                        }
                        ops.append(.addCheck(CheckConstraint(name: name, table: table, expression: expression.text,
                                                             notValid: c["skip_validation"] as? Bool ?? false)))
                    // spec 1.1: primary keys
                    case "CONSTR_PRIMARY":
                        ops.append(.addPrimaryKey(try addPrimaryKey(c, table: table)))
                    case let other: throw KeepRaw(reason: "ADD \(other)")
                    }
                case "AT_DropConstraint":
                    // IF EXISTS (how mgen writes it) drops a constraint the state knows; one it does not stays raw (the replay refuses it).
                    guard let name = column else { throw KeepRaw(reason: "DROP CONSTRAINT") }
                    // spec 1.1: the table's primary key is dropped with drop_primary_key.
                    if state.table(table)?.primaryKey?.name == name { ops.append(.dropPrimaryKey(table: table)); continue }
                    // DROP CONSTRAINT IF EXISTS of a constraint the schema does not have changes
                    // nothing (mgen's safe NOT NULL clears a CHECK a failed run left this way).
                    // (An enum column's CHECK, `<table>_<column>_check`, is the schema's too.)
                    if cmd["missing_ok"] as? Bool == true, let known = state.table(table), !known.constraintNames.contains(name),
                       !known.columns.contains(where: { DefaultNames.enumCheck(table, $0.name) == name }) { continue }
                    ops.append(.dropConstraint(table: table, name: name))
                case "AT_ValidateConstraint":
                    guard let name = column else { throw KeepRaw(reason: "VALIDATE CONSTRAINT") }
                    ops.append(.validateConstraint(table: table, name: name))
                // spec 1.1: altering in place (ALTER CONSTRAINT c [NOT] DEFERRABLE [INITIALLY …])
                case "AT_AlterConstraint":
                    guard let c = (cmd["def"] as? Node)?["Constraint"] as? Node, let name = c["conname"] as? String else { throw KeepRaw(reason: "ALTER CONSTRAINT") }
                    ops.append(.alterConstraint(table: table, name: name, deferrable: deferrability(c)))
                default:
                    throw KeepRaw(reason: "\(subtype.replacingOccurrences(of: "AT_", with: "")) has no spec operation")
                }
            }
            return ops
        }

        func rename(_ body: Node) throws(KeepRaw) -> [Operation] {
            guard let to = body["newname"] as? String else { throw KeepRaw(reason: "RENAME") }
            switch body["renameType"] as? String ?? "" {
            case "OBJECT_TABLE":
                let table = try relation(body)
                return [.renameTable(table: table, to: QualifiedName(table).sibling(to).key)] // spec 1.1: schemas
            case "OBJECT_COLUMN":
                guard body["relationType"] as? String == "OBJECT_TABLE", let column = body["subname"] as? String else { throw KeepRaw(reason: "RENAME COLUMN") }
                return [.renameColumn(table: try relation(body), column: column, to: to)]
            case "OBJECT_TYPE": return try renameEnumType(body, to: to) // spec 1.1: enum types
            case "OBJECT_INDEX": // spec 1.1: rename_index
                if body["missing_ok"] as? Bool == true { throw KeepRaw(reason: "ALTER INDEX IF EXISTS") }
                // spec 1.1: schemas. `billing.invoices_idx` is the state's index of that name whose table is in billing.
                let name = QualifiedName(try relation(body))
                guard let index = state.index(name.name), QualifiedName.schema(of: index.table) == name.schema else {
                    throw KeepRaw(reason: "index \(name) is not known to the spec")
                }
                return [.renameIndex(name: name.name, to: to, table: index.table)]
            // spec 1.1: constraint renames (ALTER TABLE … RENAME CONSTRAINT)
            case "OBJECT_TABCONSTRAINT":
                guard let name = body["subname"] as? String else { throw KeepRaw(reason: "RENAME CONSTRAINT") }
                return [.renameConstraint(table: try relation(body), name: name, to: to)]
            case "OBJECT_SCHEMA": return try renameSchema(body, to: to) // spec 1.1: schemas (Ops/SchemaReading.swift)
            case let other: throw KeepRaw(reason: "rename of \(other.replacingOccurrences(of: "OBJECT_", with: "").lowercased()): no spec operation")
            }
        }

        func drop(_ body: Node) throws(KeepRaw) -> [Operation] {
            if body["behavior"] as? String == "DROP_CASCADE" { throw KeepRaw(reason: "CASCADE") }
            let kind = body["removeType"] as? String ?? ""
            if kind == "OBJECT_TYPE" { return try dropEnumTypes(body) } // spec 1.1: enum types
            if kind == "OBJECT_SCHEMA" { return try dropSchemas(body) } // spec 1.1: schemas (Ops/SchemaReading.swift)
            // spec 1.1: objects
            let objectKinds: [String: ObjectKind] = ["OBJECT_VIEW": .view, "OBJECT_MATVIEW": .materializedView, "OBJECT_TRIGGER": .trigger,
                                                     "OBJECT_EXTENSION": .extension, "OBJECT_FUNCTION": .function, "OBJECT_SEQUENCE": .sequence]
            if let objectKind = objectKinds[kind] { return try dropObjects(body, kind: objectKind) }
            // A type, view, function, …: named by other nodes, and not the spec's anyway.
            guard kind == "OBJECT_TABLE" || kind == "OBJECT_INDEX" else {
                throw KeepRaw(reason: "drop of \(kind.replacingOccurrences(of: "OBJECT_", with: "").lowercased()): no spec operation")
            }
            // spec 1.1: schemas. `billing.invoices` is the state's key for it; an index of another
            // schema is the state's index of that name whose table is in it.
            let objects = try (body["objects"] as? [Node] ?? []).map { node throws(KeepRaw) -> QualifiedName in
                let names = PostgresReader.names(of: node)
                switch names.count {
                case 1: return QualifiedName(schema: nil, name: names[0])
                case 2: return QualifiedName(schema: names[0], name: names[1])
                default: throw KeepRaw(reason: "name with a database")
                }
            }
            switch kind {
            case "OBJECT_TABLE":
                return objects.map { .dropTable(table: $0.key) }
            case "OBJECT_INDEX":
                return try objects.map { name throws(KeepRaw) -> Operation in
                    guard let index = state.index(name.name), QualifiedName.schema(of: index.table) == name.schema else {
                        throw KeepRaw(reason: "index \(name) is not known to the spec")
                    }
                    return .dropIndex(name: name.name, table: index.table, concurrently: body["concurrent"] as? Bool ?? false)
                }
            case let other: throw KeepRaw(reason: "DROP \(other.replacingOccurrences(of: "OBJECT_", with: "")): no spec operation")
            }
        }

        func createIndex(_ body: Node) throws(KeepRaw) -> [Operation] {
            let table = try relation(body)
            for key in ["tableSpace", "excludeOpNames"] where body[key] != nil {
                throw KeepRaw(reason: "index \(key) has no spec field")
            }
            if body["nulls_not_distinct"] as? Bool == true { throw KeepRaw(reason: "NULLS NOT DISTINCT") }
            var parts: [IndexPart] = []
            var keyOptions: [IndexKeyOptions] = []
            for node in body["indexParams"] as? [Node] ?? [] {
                guard let element = node["IndexElem"] as? Node else { throw KeepRaw(reason: "index part") }
                keyOptions.append(try indexKeyOptions(element)) // spec 1.1: index key options
                if let name = element["name"] as? String {
                    parts.append(.column(name))
                } else if let expr = element["expr"] as? Node, let call = expr["FuncCall"] as? Node, let location = call["location"] as? Int,
                          let first = tokens.index(at: location), let text = tokens.expression(from: first)?.text {
                    parts.append(.expression(text))
                } else {
                    throw KeepRaw(reason: "index expression other than a function call")
                }
            }
            let name: String
            if let given = body["idxname"] as? String {
                name = given
            } else if parts.allSatisfy({ $0.columnName != nil }) {
                name = DefaultNames.index(table, parts.compactMap(\.columnName))
            } else {
                throw KeepRaw(reason: "unnamed expression index (PostgreSQL and the spec name it differently)")
            }
            var predicate: String?
            if body["whereClause"] != nil {
                guard let keyword = tokens.tokens.indices.last(where: { tokens.isWord($0, "WHERE") }), keyword + 1 < tokens.tokens.count,
                      let last = tokens.tokens.last else {
                    throw KeepRaw(reason: "WHERE not found in the text")
                }
                predicate = tokens.text(from: tokens.tokens[keyword + 1].start, to: last.end)
            }
            let method = body["accessMethod"] as? String
            var index = Index(name: name, table: table, parts: parts, unique: body["unique"] as? Bool ?? false, predicate: predicate,
                              method: method == "btree" ? nil : method)
            // spec 1.1: index key options, INCLUDE and WITH
            if keyOptions.contains(where: { !$0.isDefault }) { index.keyOptions = keyOptions }
            index.include = try indexInclude(body)
            index.storage = try indexStorage(body)
            return [.createIndex(index, concurrently: body["concurrent"] as? Bool ?? false)]
        }

        /// `COMMENT ON COLUMN t.c IS '…' | NULL` → alter_column's comment (`''` and NULL remove it);
        /// spec 1.1: `COMMENT ON TABLE t IS NULL` → comment_table with none.
        func comment(_ body: Node) throws(KeepRaw) -> [Operation] {
            let path = PostgresReader.names(of: body["object"] as? Node ?? [:])
            let text = body["comment"] as? String ?? ""
            switch body["objtype"] as? String {
            // spec 1.1: schemas. `billing.invoices.note`, `billing.invoices`: the table's key.
            case "OBJECT_COLUMN":
                guard path.count == 2 || path.count == 3 else { throw KeepRaw(reason: "COMMENT ON COLUMN with a database") }
                let table = QualifiedName(schema: path.count == 3 ? path[0] : nil, name: path[path.count - 2]).key
                return [.alterColumn(AlterColumn(table: table, column: path[path.count - 1], comment: text))]
            case "OBJECT_TABLE" where text.isEmpty:
                guard path.count == 1 || path.count == 2 else { throw KeepRaw(reason: "COMMENT ON TABLE with a database") }
                return [.commentTable(table: QualifiedName(schema: path.count == 2 ? path[0] : nil, name: path[path.count - 1]).key, comment: nil)]
            default:
                throw KeepRaw(reason: "COMMENT ON other than a table or a column: no spec operation")
            }
        }
    }
}
