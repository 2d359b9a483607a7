/// spec 1.1: column types (`time(p)`, `timestamp(p)`, `timestamptz(p)`): what frameworks whose
/// fields cannot say a precision need to know about a step.
extension Operation {
    /// Whether the operation writes a column of a time type with a written precision, or changes
    /// one (a framework that re-declares the column from its field would lose the precision).
    /// A drop counts too: the framework's reverse re-creates the column from its field.
    public func touchesPreciseTimeColumn(in before: SchemaState) -> Bool {
        touchesColumn(in: before, where: \.hasTimePrecision)
    }

    /// Whether the operation writes a column whose type passes `test`, or changes or drops one
    /// (for a framework whose fields cannot declare that type, and whose reverse re-creates the
    /// column from its field).
    public func touchesColumn(in before: SchemaState, where test: (ColumnType) -> Bool) -> Bool {
        if writtenColumnTypes.contains(where: test) { return true }
        func touched(_ table: String, _ column: String) -> Bool {
            before.table(table)?.column(column).map { test($0.type) } == true
        }
        switch self {
        case let .alterColumn(change): return touched(change.table, change.column)
        case let .dropColumn(table, column): return touched(table, column)
        case let .dropTable(name): return before.table(name)?.columns.contains { test($0.type) } == true
        default: return false
        }
    }
}

extension ColumnType {
    /// `time(p)`, `timestamp(p)` or `timestamptz(p)`.
    public var hasTimePrecision: Bool { if case .temporal = self { true } else { false } }
}

// spec 1.1: column types (char(n), varchar(max))
extension ColumnType {
    /// A varchar of any length, a `char(n)` or a `varchar(max)`: the types a foreign key may tie
    /// to one another (PostgreSQL and InnoDB compare them as strings).
    public var isFixedChar: Bool { if case .char = self { true } else { false } }

    /// A PostgreSQL array.
    public var isArray: Bool { if case .array = self { true } else { false } }

    /// What an array may hold: a plain type PostgreSQL has (not an array, an enum or a native type).
    public var canBeArrayElement: Bool {
        switch self {
        case .array, .enumeration, .enumType, .native, .unsigned: false
        default: true
        }
    }

    /// `smallint unsigned`, `integer unsigned` or `bigint unsigned`.
    public var isUnsigned: Bool { if case .unsigned = self { true } else { false } }

    public var isCharacterString: Bool {
        switch self {
        case .string, .char, .varchar: true
        default: false
        }
    }
}
