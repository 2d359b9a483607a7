// spec 1.1: enum types — named enum types (PostgreSQL `CREATE TYPE ... AS ENUM`) as spec
// vocabulary: parsing, validation against the replayed state, inverses, and the lowering that
// gives MySQL (inline ENUM) and SQLite (a CHECK) the same meaning without a type object.

/// Where `add_enum_value` puts the new value.
public enum EnumValuePlacement: Hashable, Sendable {
    case end
    case before(String)
    case after(String)

    /// The values with `value` inserted at this place (at the end when the neighbour is unknown).
    public func inserting(_ value: String, into values: [String]) -> [String] {
        var out = values
        switch self {
        case .end: out.append(value)
        case let .before(other): out.insert(value, at: values.firstIndex(of: other) ?? values.count)
        case let .after(other): out.insert(value, at: values.firstIndex(of: other).map { $0 + 1 } ?? values.count)
        }
        return out
    }

    /// The place `value` holds in `values`, as `add_enum_value` would say it (the inverse of a drop).
    public static func of(_ value: String, in values: [String]) -> EnumValuePlacement {
        guard let i = values.firstIndex(of: value) else { return .end }
        if i > 0 { return i == values.count - 1 ? .end : .after(values[i - 1]) }
        return values.count > 1 ? .before(values[1]) : .end
    }
}

extension ColumnType {
    /// The enum type a column of this type uses.
    public var enumTypeName: String? { if case let .enumType(name) = self { name } else { nil } }
}

extension Operation {
    /// Whether this is one of the enum-type operations.
    public var isEnumTypeOperation: Bool {
        switch self {
        case .createEnumType, .dropEnumType, .renameEnumType, .addEnumValue, .renameEnumValue, .dropEnumValue: true
        default: false
        }
    }

    /// The whole columns the operation writes.
    var writtenColumns: [Column] {
        switch self {
        case let .createTable(table): Array(table.columns)
        case let .addColumn(_, column, _, _): [column]
        default: []
        }
    }

    /// The column types the operation writes (what must name a known enum type).
    var writtenColumnTypes: [ColumnType] {
        switch self {
        case let .createTable(table): table.columns.map(\.type)
        case let .addColumn(_, column, _, _): [column.type]
        case let .alterColumn(change): change.type.map { [$0] } ?? []
        default: []
        }
    }
}

extension SchemaState {
    /// The columns (table, column) whose type is the enum type `name`, in table then column order.
    public func columns(ofEnumType name: String) -> [(table: String, column: Column)] {
        tableNames.flatMap { tableName in
            (table(tableName)?.columns ?? ColumnList([])).filter { $0.type.enumTypeName == name }.map { (tableName, $0) }
        }
    }
}

// MARK: - Parsing

extension OperationParser {
    static let enumTypeFields: [String: [String]] = [
        "create_enum_type": ["name", "values"],
        "drop_enum_type": ["name"],
        "rename_enum_type": ["name", "to"],
        "add_enum_value": ["type", "value", "before", "after"],
        "rename_enum_value": ["type", "value", "to"],
        "drop_enum_value": ["type", "value"],
    ]

    static func enumTypeOperation(_ kind: String, _ f: Fields) -> Operation? {
        switch kind {
        case "create_enum_type":
            guard let name = f.name("name").map(f.inSchema), let values = f.stringList("values", required: true) else { return nil }
            var seen: Set<String> = []
            for value in values where !seen.insert(value).inserted {
                f.sink.error("enum value '\(value)' is listed twice in type '\(name)'", at: f.location("values"), fix: "list each value once")
                return nil
            }
            return .createEnumType(name: name, values: values)
        case "drop_enum_type":
            return f.name("name").map(f.inSchema).map { .dropEnumType(name: $0) }
        case "rename_enum_type":
            guard let name = f.name("name").map(f.inSchema), let to = f.name("to") else { return nil }
            return .renameEnumType(name: name, to: QualifiedName(name).sibling(to).key) // spec 1.1: schemas (stays in its schema)
        case "add_enum_value":
            guard let type = f.name("type").map(f.inSchema), let value = f.string("value", required: true) else { return nil }
            let before = f.string("before"), after = f.string("after")
            if before != nil, after != nil {
                f.sink.error("add_enum_value takes `before` or `after`, not both", at: f.location("after"), fix: "keep one of them")
                return nil
            }
            let placement: EnumValuePlacement = before.map { .before($0) } ?? after.map { .after($0) } ?? .end
            return .addEnumValue(type: type, value: value, placement: placement)
        case "rename_enum_value":
            guard let type = f.name("type").map(f.inSchema), let value = f.string("value", required: true), let to = f.string("to", required: true) else { return nil }
            return .renameEnumValue(type: type, value: value, to: to)
        case "drop_enum_value":
            guard let type = f.name("type").map(f.inSchema), let value = f.string("value", required: true) else { return nil }
            return .dropEnumValue(type: type, value: value)
        default:
            return nil
        }
    }

    /// `type: {enum_type: mood}`: a column of a named enum type (`{enum_type: level, schema:
    /// billing}`: one in a schema, spec 1.1: schemas).
    static func enumColumnType(_ mapping: Node.Mapping, sink: DiagnosticSink) -> ColumnType? {
        guard let value = mapping.first(where: { $0.key.string == "enum_type" })?.value else { return nil }
        let schemaNode = mapping.first(where: { $0.key.string == "schema" })?.value
        guard mapping.count == (schemaNode == nil ? 1 : 2) else { return nil }
        guard case let .scalar(scalar) = value, !scalar.string.isEmpty, !hasControlCharacter(scalar.string) else {
            sink.error("`enum_type` names an enum type made by create_enum_type", at: sink.location(value))
            return nil
        }
        guard let schemaNode else { return .enumType(scalar.string) }
        guard case let .scalar(schema) = schemaNode, !schema.string.isEmpty,
              validSchemaName(schema.string, at: sink.location(schemaNode), sink: sink) else {
            if case .scalar = schemaNode {} else { sink.error("`schema` names a schema made by create_schema", at: sink.location(schemaNode)) }
            return nil
        }
        return .enumType(QualifiedName(schema: schema.string, name: scalar.string).key)
    }
}

// MARK: - Validation

extension Validator {
    mutating func checkEnumTypes(_ operation: Operation) {
        for type in operation.writtenColumnTypes {
            guard let name = type.enumTypeName, state.enumValues(name) == nil else { continue }
            unknownEnumType(name, field: operation.kind == "create_table" ? "columns" : (operation.kind == "add_column" ? "column" : "type"))
        }
        // A default of an enum-typed column is one of its values.
        for column in operation.writtenColumns {
            guard let name = column.type.enumTypeName, let values = state.enumValues(name),
                  case let .literal(.string(value))? = column.defaultValue, !values.contains(value) else { continue }
            error("the default '\(value)' of column '\(column.name)' is not a value of enum type '\(name)'", field: "default",
                  fix: "values of \(name): \(values.joined(separator: ", "))")
        }
        if case let .alterColumn(change) = operation, case let .set(.literal(.string(value)))? = change.defaultChange,
           let old = state.table(change.table)?.column(change.column),
           let name = (change.type ?? old.type).enumTypeName, let values = state.enumValues(name), !values.contains(value) {
            error("the default '\(value)' is not a value of enum type '\(name)'", field: "default", fix: "values of \(name): \(values.joined(separator: ", "))")
        }
        // PostgreSQL gives every table a row type of its name: types and tables share names.
        switch operation {
        case let .createTable(table) where state.enumValues(table.name) != nil:
            error("'\(table.name)' is the name of an enum type; PostgreSQL keeps table and type names in one namespace", field: "table",
                  fix: "choose another table name")
        case let .renameTable(_, to) where state.enumValues(to) != nil:
            error("'\(to)' is the name of an enum type; PostgreSQL keeps table and type names in one namespace", field: "to",
                  fix: "choose another table name")
        case let .createEnumType(name, _) where state.table(name) != nil, let .renameEnumType(_, name) where state.table(name) != nil:
            error("'\(name)' is the name of a table; PostgreSQL keeps table and type names in one namespace",
                  field: operation.kind == "create_enum_type" ? "name" : "to", fix: "choose another type name")
        default: break
        }
        switch operation {
        case let .createEnumType(name, values):
            if state.enumValues(name) != nil { error("enum type '\(name)' already exists", field: "name", fix: "choose another name, or drop it first") }
            if values.isEmpty { error("enum type '\(name)' has no values", field: "values", fix: "list at least one value") }
        case let .dropEnumType(name):
            guard state.enumValues(name) != nil else { unknownEnumType(name, field: "name"); return }
            for (table, column) in state.columns(ofEnumType: name) {
                error("enum type '\(name)' is still used by column '\(table).\(column.name)'", field: "name",
                      fix: "drop that column or change its type first (alter_column)")
            }
        case let .renameEnumType(name, to):
            guard state.enumValues(name) != nil else { unknownEnumType(name, field: "name"); return }
            if state.enumValues(to) != nil { error("enum type '\(to)' already exists", field: "to", fix: "choose another name") }
        case let .addEnumValue(type, value, placement):
            guard let values = state.enumValues(type) else { unknownEnumType(type, field: "type"); return }
            if values.contains(value) { error("enum type '\(type)' already has the value '\(value)'", field: "value") }
            switch placement {
            case let .before(other) where !values.contains(other), let .after(other) where !values.contains(other):
                error("enum type '\(type)' has no value '\(other)' to place '\(value)' next to\(suggestion(other, values))",
                      field: values.contains(other) ? "after" : (fields["before"] != nil ? "before" : "after"),
                      fix: "values of \(type): \(values.joined(separator: ", "))")
            default: break
            }
        case let .renameEnumValue(type, value, to):
            guard let values = state.enumValues(type) else { unknownEnumType(type, field: "type"); return }
            if !values.contains(value) {
                error("enum type '\(type)' has no value '\(value)'\(suggestion(value, values))", field: "value",
                      fix: "values of \(type): \(values.joined(separator: ", "))")
            }
            if values.contains(to) { error("enum type '\(type)' already has the value '\(to)'", field: "to") }
        case let .dropEnumValue(type, value):
            guard let values = state.enumValues(type) else { unknownEnumType(type, field: "type"); return }
            if !values.contains(value) {
                error("enum type '\(type)' has no value '\(value)'\(suggestion(value, values))", field: "value",
                      fix: "values of \(type): \(values.joined(separator: ", "))")
            } else if values.count == 1 {
                error("'\(value)' is the only value of enum type '\(type)'", field: "value", fix: "drop the type instead (drop_enum_type)")
            }
            for (table, column) in state.columns(ofEnumType: type) where column.defaultValue == .literal(.string(value)) {
                error("column '\(table).\(column.name)' defaults to '\(value)'", field: "value", fix: "change that default first (alter_column)")
            }
        default:
            break
        }
    }

    private mutating func unknownEnumType(_ name: String, field: String) {
        let names = state.enumTypeNames
        error("unknown enum type '\(name)'\(suggestion(name, names))", field: field,
              fix: names.isEmpty ? "create it first with create_enum_type" : "enum types: \(names.joined(separator: ", "))")
    }
}

// MARK: - Inverses

extension Operation {
    /// The inverse of an enum-type operation (nil for other operations).
    func enumTypeInverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .createEnumType(name, _): return [.dropEnumType(name: name)]
        case let .dropEnumType(name):
            guard let values = before.enumValues(name) else { return nil }
            return [.createEnumType(name: name, values: values)]
        case let .renameEnumType(name, to): return [.renameEnumType(name: to, to: name)]
        case let .addEnumValue(type, value, _): return [.dropEnumValue(type: type, value: value)]
        case let .renameEnumValue(type, value, to): return [.renameEnumValue(type: type, value: to, to: value)]
        case let .dropEnumValue(type, value):
            guard let values = before.enumValues(type) else { return nil }
            return [.addEnumValue(type: type, value: value, placement: .of(value, in: values))]
        default: return nil
        }
    }

    /// Why an enum-type operation can lose data, if it can.
    func enumTypeDataLoss(in before: SchemaState) -> String? {
        guard case let .dropEnumValue(type, value) = self else { return nil }
        let columns = before.columns(ofEnumType: type).map { "\($0.table).\($0.column.name)" }
        guard !columns.isEmpty else { return nil }
        return "drop_enum_value \(type).\(value): rows of \(columns.joined(separator: ", ")) holding '\(value)' make it fail; the down cannot bring them back"
    }
}

// MARK: - State

extension SchemaState {
    mutating func changeEnumType(_ operation: Operation) {
        switch operation {
        case let .createEnumType(name, values):
            enumTypes[name] = values
        case let .dropEnumType(name):
            enumTypes[name] = nil
        case let .renameEnumType(name, to):
            enumTypes[to] = enumTypes.removeValue(forKey: name)
            updateColumns(where: { $0.type == .enumType(name) }) { $0.type = .enumType(to) }
        case let .addEnumValue(type, value, placement):
            guard let values = enumTypes[type] else { return }
            enumTypes[type] = placement.inserting(value, into: values)
        case let .renameEnumValue(type, value, to):
            guard let values = enumTypes[type] else { return }
            enumTypes[type] = values.map { $0 == value ? to : $0 }
            // A default names the value, and follows the rename (PostgreSQL stores it as the value).
            updateColumns(where: { $0.type == .enumType(type) && $0.defaultValue == .literal(.string(value)) }) {
                $0.defaultValue = .literal(.string(to))
            }
        case let .dropEnumValue(type, value):
            enumTypes[type]?.removeAll { $0 == value }
        default:
            break
        }
    }
}

// MARK: - Lowering (MySQL, SQLite)

extension SchemaState {
    /// The state with every column of an enum type holding its values inline (`enum(a,b)`), and
    /// no enum types: what MySQL and SQLite have.
    public func withInlineEnums() -> SchemaState {
        guard !enumTypes.isEmpty else { return self }
        var out = self
        let values = enumTypes
        out.updateColumns(where: { $0.type.enumTypeName != nil }) { column in
            if let name = column.type.enumTypeName, let inline = values[name] { column.type = .enumeration(inline) }
        }
        out.enumTypes = [:]
        return out
    }
}

extension Operation {
    /// The operations that say the same as this one where enum values live in each column
    /// (MySQL's inline ENUM, SQLite's CHECK): a type change of every column of the type.
    public func withInlineEnums(in before: SchemaState) -> [Operation] {
        func inline(_ type: ColumnType) -> ColumnType {
            type.enumTypeName.flatMap { before.enumValues($0) }.map { .enumeration($0) } ?? type
        }
        func retype(_ type: String, to values: [String]) -> [Operation] {
            before.columns(ofEnumType: type).map { table, column in
                .alterColumn(AlterColumn(table: table, column: column.name, type: .enumeration(values)))
            }
        }
        switch self {
        case var .createTable(table):
            guard table.columns.contains(where: { $0.type.enumTypeName != nil }) else { return [self] }
            table.columns = ColumnList(table.columns.map { var c = $0; c.type = inline(c.type); return c })
            return [.createTable(table)]
        case .addColumn(let table, var column, let unique, let fk):
            column.type = inline(column.type)
            return [.addColumn(table: table, column: column, unique: unique, foreignKey: fk)]
        case var .alterColumn(change):
            change.type = change.type.map(inline)
            return [.alterColumn(change)]
        case .createEnumType, .dropEnumType, .renameEnumType:
            return []
        case let .addEnumValue(type, value, placement):
            guard let values = before.enumValues(type) else { return [] }
            return retype(type, to: placement.inserting(value, into: values))
        case let .dropEnumValue(type, value):
            guard let values = before.enumValues(type) else { return [] }
            return retype(type, to: values.filter { $0 != value })
        case let .renameEnumValue(type, value, to):
            // Widen to both spellings, move the rows, then narrow: the rows keep their value.
            guard let values = before.enumValues(type) else { return [] }
            let renamed = values.map { $0 == value ? to : $0 }
            var out = retype(type, to: values + [to])
            for (table, column) in before.columns(ofEnumType: type) {
                out.append(.sql(up: renameRows(table, column.name, from: value, to: to),
                                down: renameRows(table, column.name, from: to, to: value)))
            }
            for (table, column) in before.columns(ofEnumType: type) {
                var change = AlterColumn(table: table, column: column.name, type: .enumeration(renamed))
                if column.defaultValue == .literal(.string(value)) { change.defaultChange = .set(.literal(.string(to))) }
                out.append(.alterColumn(change))
            }
            return out
        default:
            return [self]
        }
    }
}

extension PlannedMigration {
    /// The migration as a dialect without enum types runs it: enum-type steps become type changes
    /// of the columns that use the type (so every emitter renders them as it renders those), and
    /// the states hold the values inline. Unchanged where the chain has no enum types, and on
    /// PostgreSQL.
    public func withInlineEnums(for dialect: Dialect) -> PlannedMigration {
        guard !dialect.capabilities.namedEnumTypes, !before.enumTypeNames.isEmpty || !after.enumTypeNames.isEmpty
                || up.contains(where: { $0.operation.isEnumTypeOperation }) else { return self }
        func lower(_ steps: [Step], from start: SchemaState) -> ([Step], SchemaState) {
            var state = start.withInlineEnums()
            var out: [Step] = []
            for step in steps {
                for operation in step.operation.withInlineEnums(in: step.before) {
                    let before = state
                    state.mutate(operation)
                    out.append(Step(operation: operation, location: step.location, before: before,
                                    dataLoss: step.dataLoss ?? operation.dataLoss(in: before)))
                }
            }
            return (out, state)
        }
        var lowered = self
        let (upSteps, upEnd) = lower(up, from: before)
        lowered.up = upSteps
        lowered.before = before.withInlineEnums()
        lowered.after = upEnd
        if let down { lowered.down = lower(down, from: after).0 }
        lowered.runsInTransaction = migration.transaction ?? !upSteps.contains { $0.operation.isConcurrent }
        return lowered
    }
}

/// `UPDATE t SET c = 'to' WHERE c = 'from'`, quoted for MySQL and SQLite.
private func renameRows(_ table: String, _ column: String, from: String, to: String) -> DialectSQL {
    func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    func statement(_ q: (String) -> String) -> String {
        "UPDATE \(q(table)) SET \(q(column)) = \(literal(to)) WHERE \(q(column)) = \(literal(from))"
    }
    return DialectSQL(["mysql": statement { "`" + $0.replacingOccurrences(of: "`", with: "``") + "`" },
                       "default": statement { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }])
}

import Foundation

extension Operation {
    /// Whether the operation writes a column of a named enum type (frameworks without such a
    /// field run mgen's SQL for it and keep a plain field in their own state).
    public var writesEnumTypeColumn: Bool { writtenColumnTypes.contains { $0.enumTypeName != nil } }

    /// `writesEnumTypeColumn`, or any change of a column of an enum type (a framework's own
    /// state of its default does not follow rename_enum_value, so its reverse would be wrong).
    public func touchesEnumTypeColumn(in before: SchemaState) -> Bool {
        if writesEnumTypeColumn { return true }
        guard case let .alterColumn(change) = self else { return false }
        return before.table(change.table)?.column(change.column)?.type.enumTypeName != nil
    }
}

/// PostgreSQL runs `ALTER TYPE ... ADD VALUE` in a transaction (12 and later) but refuses to use
/// the new value before that transaction commits ("unsafe use of new value"): a later step of the
/// same migration that makes it a default is an error, found here rather than by the database.
func newEnumValuesUsed(in steps: [Step]) -> [Diagnostic] {
    var added: Set<[String]> = []
    var diagnostics: [Diagnostic] = []
    for step in steps {
        if case let .addEnumValue(type, value, _) = step.operation { added.insert([type, value]); continue }
        var uses: [(type: String, value: String)] = []
        for column in step.operation.writtenColumns {
            if let type = column.type.enumTypeName, case let .literal(.string(value))? = column.defaultValue { uses.append((type, value)) }
        }
        if case let .alterColumn(change) = step.operation, case let .set(.literal(.string(value)))? = change.defaultChange,
           let type = (change.type ?? step.before.table(change.table)?.column(change.column)?.type)?.enumTypeName {
            uses.append((type, value))
        }
        for use in uses where added.contains([use.type, use.value]) {
            diagnostics.append(Diagnostic("enum value '\(use.value)' of type '\(use.type)' is added by this migration and used by it; PostgreSQL refuses to use a new value in the transaction that adds it",
                                          at: step.location,
                                          fix: "move this step to a later migration, or give the spec `transaction: false`"))
        }
    }
    return diagnostics
}
