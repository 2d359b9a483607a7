import Foundation
import MGenSpec

/// Writes a migration as spec YAML that mgen's loader reads back to the same value. Every string
/// is double-quoted with escapes, so no text (a `:`, a `#`, a line break, `yes`, a leading `-`)
/// can change meaning; numbers and booleans are written plain.
public enum SpecWriter {
    indirect enum Value {
        case string(String)
        case plain(String)
        case map([(String, Value)])
        case list([Value])
    }

    public static func yaml(_ migration: Migration, comment: [String] = []) -> String {
        var top: [(String, Value)] = [("mgen", .plain("1")), ("id", .string(migration.id)), ("name", .string(migration.name))]
        if let description = migration.description { top.append(("description", .string(description))) }
        if let created = migration.created { top.append(("created", .string(created))) }
        if migration.baseline { top.append(("baseline", .plain("true"))) }
        if let transaction = migration.transaction { top.append(("transaction", .plain(transaction ? "true" : "false"))) }
        top.append(("operations", .list(migration.operations.map { operation($0.value) })))
        if let down = migration.down { top.append(("down", .list(down.map { operation($0.value) }))) }
        if let irreversible = migration.irreversible { top.append(("irreversible", .string(irreversible))) }
        var out = comment.map { "# " + $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
        render(.map(top), indent: 0, into: &out)
        return out
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func inline(_ value: Value) -> String? {
        switch value {
        case let .string(s): return quote(s)
        case let .plain(p): return p
        case let .list(items) where items.allSatisfy({ if case .string = $0 { true } else { false } }):
            return "[" + items.compactMap(inline).joined(separator: ", ") + "]"
        case let .map(pairs) where pairs.isEmpty: return "{}"
        case let .list(items) where items.isEmpty: return "[]"
        default: return nil
        }
    }

    private static func render(_ value: Value, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case let .map(pairs):
            for (key, item) in pairs {
                if let text = inline(item) { out += "\(pad)\(key): \(text)\n" } else {
                    out += "\(pad)\(key):\n"
                    render(item, indent: indent + 2, into: &out)
                }
            }
        case let .list(items):
            for item in items {
                if let text = inline(item) { out += "\(pad)- \(text)\n"; continue }
                var nested = ""
                render(item, indent: indent + 2, into: &nested)
                // The first line of the item goes after the dash.
                out += "\(pad)- " + nested.dropFirst(indent + 2)
            }
        case .string, .plain:
            out += pad + (inline(value) ?? "") + "\n"
        }
    }

    // MARK: operations

    static func operation(_ op: Operation) -> Value {
        .map([(op.kind, splittingSchemas(body(op)))])
    }

    /// spec 1.1: schemas. Every `table` (enum type's `name`, `type`, `enum_type`) that holds a key
    /// of another schema becomes `schema:` and the bare name (as OperationParser reads them back),
    /// and a `to` beside it its bare name.
    static func splittingSchemas(_ value: Value) -> Value {
        let named = ["table", "name", "type", "enum_type"]
        switch value {
        case let .map(pairs):
            guard let schema = pairs.lazy.compactMap({ pair -> String? in
                guard named.contains(pair.0), case let .string(s) = pair.1 else { return nil }
                return QualifiedName.schema(of: s)
            }).first else {
                return .map(pairs.map { ($0.0, splittingSchemas($0.1)) })
            }
            var out: [(String, Value)] = [("schema", .string(schema))]
            for (name, item) in pairs {
                if named.contains(name) || name == "to", case let .string(s) = item {
                    out.append((name, .string(QualifiedName.unqualified(s))))
                } else {
                    out.append((name, splittingSchemas(item)))
                }
            }
            return .map(out)
        case let .list(items): return .list(items.map(splittingSchemas))
        default: return value
        }
    }

    static func names(_ list: [String]) -> Value { .list(list.map { .string($0) }) }

    static func type(_ t: ColumnType) -> Value {
        if case let .native(map) = t { return .map(map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }) }
        if case let .enumType(name) = t { return .map([("enum_type", .string(name))]) } // spec 1.1: enum types
        return .string(t.description)
    }

    static func defaultValue(_ d: DefaultValue) -> Value {
        switch d {
        case let .literal(.string(s)): return .string(s)
        case let .literal(.integer(i)): return .plain(String(i))
        case let .literal(.number(n)): return .plain(n)
        case let .literal(.boolean(b)): return .plain(b ? "true" : "false")
        case .literal(.null): return .plain("null")
        case let .sql(s): return .map([("sql", .string(s))])
        }
    }

    static func column(_ c: Column, unique: Bool = false, reference: ForeignKey? = nil) -> Value {
        var pairs: [(String, Value)] = [("name", .string(c.name)), ("type", type(c.type))]
        if c.identity { pairs.append(("identity", .plain("true"))) } else if !c.nullable { pairs.append(("nullable", .plain("false"))) }
        if let d = c.defaultValue { pairs.append(("default", defaultValue(d))) }
        if unique { pairs.append(("unique", .plain("true"))) }
        if let fk = reference { pairs.append(("references", references(fk, named: true))) }
        if let comment = c.comment { pairs.append(("comment", .string(comment))) }
        // spec 1.1: generated columns and collations
        if let generated = c.generated {
            let stored: Value = if generated.storedByDialect.count == 1, let value = generated.storedByDialect["default"] {
                .plain(value ? "true" : "false")
            } else {
                .map(generated.storedByDialect.sorted { $0.key < $1.key }.map { ($0.key, .plain($0.value ? "true" : "false")) })
            }
            pairs.append(("generated", .map([("expression", dialectSQL(generated.expression)), ("stored", stored)])))
        }
        if let collation = c.collation { pairs.append(("collation", dialectSQL(collation))) }
        return .map(pairs)
    }

    static func references(_ fk: ForeignKey, named: Bool) -> Value {
        var pairs: [(String, Value)] = [("table", .string(fk.referencedTable)), ("columns", names(fk.referencedColumns))]
        if named { pairs.append(("name", .string(fk.name))) }
        if let a = fk.onDelete { pairs.append(("on_delete", .string(a.rawValue))) }
        if let a = fk.onUpdate { pairs.append(("on_update", .string(a.rawValue))) }
        return .map(pairs + deferrable(fk.deferrable))
    }

    /// spec 1.1: deferrable constraints: `deferrable: true` and `initially_deferred: true`.
    static func deferrable(_ d: Deferrability?) -> [(String, Value)] {
        guard let d else { return [] }
        return [("deferrable", .plain("true"))] + (d == .deferred ? [("initially_deferred", .plain("true"))] : [])
    }

    static func dialectSQL(_ sql: DialectSQL) -> Value {
        if sql.byDialect.count == 1, let text = sql.byDialect["default"] { return .string(text) }
        return .map(sql.byDialect.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }

    static func body(_ op: Operation) -> Value {
        switch op {
        case let .createTable(t):
            var pairs: [(String, Value)] = [("table", .string(t.name))]
            if let comment = t.comment { pairs.append(("comment", .string(comment))) }
            pairs.append(("columns", .list(t.columns.map { column($0) })))
            // spec 1.1: MySQL table options
            if let o = t.mysqlOptions {
                pairs.append(("mysql", .map([("engine", o.engine), ("charset", o.charset), ("collate", o.collate)].compactMap { k, v in v.map { (k, .string($0)) } })))
            }
            if let pk = t.primaryKey { pairs.append(("primary_key", names(pk.columns))) }
            if !t.uniques.isEmpty {
                pairs.append(("unique", .list(t.uniques.map { .map([("name", .string($0.name)), ("columns", names($0.columns))] + deferrable($0.deferrable)) })))
            }
            if !t.checks.isEmpty {
                pairs.append(("checks", .list(t.checks.map { .map([("name", .string($0.name)), ("expression", .string($0.expression))]) })))
            }
            if !t.foreignKeys.isEmpty {
                pairs.append(("foreign_keys", .list(t.foreignKeys.map { fk in
                    var p: [(String, Value)] = [("name", .string(fk.name)), ("columns", names(fk.columns)),
                                                ("references", .map([("table", .string(fk.referencedTable)), ("columns", names(fk.referencedColumns))]))]
                    if let a = fk.onDelete { p.append(("on_delete", .string(a.rawValue))) }
                    if let a = fk.onUpdate { p.append(("on_update", .string(a.rawValue))) }
                    return .map(p + deferrable(fk.deferrable))
                })))
            }
            return .map(pairs)
        case let .dropTable(table): return .map([("table", .string(table))])
        case let .renameTable(table, to): return .map([("table", .string(table)), ("to", .string(to))])
        case let .addColumn(table, c, unique, fk):
            return .map([("table", .string(table)), ("column", column(c, unique: unique != nil, reference: fk))])
        case let .dropColumn(table, c): return .map([("table", .string(table)), ("column", .string(c))])
        case let .renameColumn(table, c, to): return .map([("table", .string(table)), ("column", .string(c)), ("to", .string(to))])
        case let .alterColumn(a):
            var pairs: [(String, Value)] = [("table", .string(a.table)), ("column", .string(a.column))]
            if let t = a.type { pairs.append(("type", type(t))) }
            if let u = a.using { pairs.append(("using", .string(u))) }
            if let n = a.nullable { pairs.append(("nullable", .plain(n ? "true" : "false"))) }
            switch a.defaultChange {
            case let .set(d)?: pairs.append(("default", defaultValue(d)))
            case .drop?: pairs.append(("default", .plain("null")))
            case nil: break
            }
            if let c = a.comment { pairs.append(("comment", c.isEmpty ? .plain("null") : .string(c))) } // "": removed
            switch a.collation { // spec 1.1: collations
            case let .set(c)?: pairs.append(("collation", dialectSQL(c)))
            case .drop?: pairs.append(("collation", .plain("null")))
            case nil: break
            }
            return .map(pairs)
        case let .createIndex(index, concurrently):
            var pairs: [(String, Value)] = [("name", .string(index.name)), ("table", .string(index.table)),
                                            ("columns", .list(index.parts.enumerated().map { i, part in
                                                indexPart(part, index.keyOptions(i))  // spec 1.1: with its options
                                            }))]
            if index.unique { pairs.append(("unique", .plain("true"))) }
            if let w = index.predicate { pairs.append(("where", .string(w))) }
            if let m = index.method { pairs.append(("method", .string(m))) }
            // spec 1.1: index options
            if !index.include.isEmpty { pairs.append(("include", names(index.include))) }
            if !index.storage.isEmpty { pairs.append(("with", .map(index.storage.map { ($0.name, .plain($0.value)) }))) }
            if concurrently { pairs.append(("concurrently", .plain("true"))) }
            return .map(pairs)
        case let .dropIndex(name, table, concurrently):
            var pairs: [(String, Value)] = [("name", .string(name))]
            if !table.isEmpty { pairs.append(("table", .string(table))) }
            if concurrently { pairs.append(("concurrently", .plain("true"))) }
            return .map(pairs)
        case let .addForeignKey(fk):
            var pairs: [(String, Value)] = [("name", .string(fk.name)), ("table", .string(fk.table)), ("columns", names(fk.columns)),
                                            ("references", .map([("table", .string(fk.referencedTable)), ("columns", names(fk.referencedColumns))]))]
            if let a = fk.onDelete { pairs.append(("on_delete", .string(a.rawValue))) }
            if let a = fk.onUpdate { pairs.append(("on_update", .string(a.rawValue))) }
            if fk.notValid { pairs.append(("not_valid", .plain("true"))) }
            return .map(pairs + deferrable(fk.deferrable))
        case let .addUnique(u): return .map([("name", .string(u.name)), ("table", .string(u.table)), ("columns", names(u.columns))] + deferrable(u.deferrable))
        case let .addCheck(c):
            var pairs: [(String, Value)] = [("name", .string(c.name)), ("table", .string(c.table)), ("expression", .string(c.expression))]
            if c.notValid { pairs.append(("not_valid", .plain("true"))) }
            return .map(pairs)
        case let .validateConstraint(table, name), let .dropConstraint(table, name):
            return .map([("table", .string(table)), ("name", .string(name))])
        case let .sql(up, down):
            var pairs: [(String, Value)] = [("up", dialectSQL(up))]
            if let down { pairs.append(("down", dialectSQL(down))) }
            return .map(pairs)
        case let .backfill(b):
            var pairs: [(String, Value)] = [("table", .string(b.table)),
                                            ("set", .map(b.assignments.map { ($0.column, dialectSQL($0.expression)) }))]
            if let w = b.predicate { pairs.append(("where", .string(w))) }
            pairs.append(("batch_size", .plain(String(b.batchSize))))
            if let k = b.key { pairs.append(("key", .string(k))) }
            return .map(pairs)
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change):
            return objectBody(change)
        // spec 1.1: enum types
        case let .createEnumType(name, values): return .map([("name", .string(name)), ("values", names(values))])
        case let .dropEnumType(name): return .map([("name", .string(name))])
        case let .renameEnumType(name, to): return .map([("name", .string(name)), ("to", .string(to))])
        case let .addEnumValue(type, value, placement):
            var pairs: [(String, Value)] = [("type", .string(type)), ("value", .string(value))]
            switch placement {
            case .end: break
            case let .before(other): pairs.append(("before", .string(other)))
            case let .after(other): pairs.append(("after", .string(other)))
            }
            return .map(pairs)
        case let .renameEnumValue(type, value, to): return .map([("type", .string(type)), ("value", .string(value)), ("to", .string(to))])
        case let .dropEnumValue(type, value): return .map([("type", .string(type)), ("value", .string(value))])
        // spec 1.1: data steps
        case .insert, .delete, .update:
            return dataStepBody(op)
        // spec 1.1: primary keys
        case let .addPrimaryKey(add):
            var pairs: [(String, Value)] = [("table", .string(add.table)), ("columns", names(add.key.columns)), ("name", .string(add.key.name))]
            if let index = add.usingIndex { pairs.append(("using_index", .string(index))) }
            return .map(pairs)
        case let .dropPrimaryKey(table):
            return .map([("table", .string(table))])
        // spec 1.1: unique constraints from a unique index
        case let .addUniqueUsingIndex(u, index):
            return .map([("name", .string(u.name)), ("table", .string(u.table)), ("columns", names(u.columns)), ("using_index", .string(index))]
                        + deferrable(u.deferrable))
        // spec 1.1: renames
        case let .renameIndex(name, to, table):
            // rename_index takes no `schema:` (the index is found by its name): the table of
            // another schema is left out rather than written as a field the loader refuses.
            let named = table.isEmpty || QualifiedName.isQualified(table) ? [] : [("table", Value.string(table))]
            return .map([("name", .string(name)), ("to", .string(to))] + named)
        // spec 1.1: comments
        case let .commentTable(table, comment):
            return .map([("table", .string(table)), ("comment", comment.map(Value.string) ?? .plain("null"))])
        // spec 1.1: constraint renames
        case let .renameConstraint(table, name, to):
            return .map([("table", .string(table)), ("name", .string(name)), ("to", .string(to))])
        // spec 1.1: altering in place
        case let .alterTable(alter):
            let m = alter.mysql
            var options: [(String, Value)] = []
            if let engine = m.engine { options.append(("engine", .string(engine))) }
            if let charset = m.charset { options.append(("charset", .string(charset))) }
            if let collate = m.collate { options.append(("collate", .string(collate))) }
            if m.convert { options.append(("convert", .plain("true"))) }
            return .map([("table", .string(alter.table)), ("mysql", .map(options))])
        case let .alterConstraint(table, name, deferrable):
            return .map([("table", .string(table)), ("name", .string(name)), ("deferrable", .plain(deferrable == nil ? "false" : "true"))]
                        + (deferrable == .deferred ? [("initially_deferred", .plain("true"))] : []))
        }
    }
}
