/// spec 1.1: column types (`time(p)`, `timestamp(p)`, `timestamptz(p)`): what frameworks whose
/// fields cannot say a precision need to know about a step.
extension Operation {
    /// Whether the operation writes a column of a time type with a written precision, or changes
    /// one (a framework that re-declares the column from its field would lose the precision).
    /// A drop counts too: the framework's reverse re-creates the column from its field.
    public func touchesPreciseTimeColumn(in before: SchemaState) -> Bool {
        if writtenColumnTypes.contains(where: \.hasTimePrecision) { return true }
        func precise(_ table: String, _ column: String) -> Bool {
            before.table(table)?.column(column)?.type.hasTimePrecision == true
        }
        switch self {
        case let .alterColumn(change): return precise(change.table, change.column)
        case let .dropColumn(table, column): return precise(table, column)
        case let .dropTable(name): return before.table(name)?.columns.contains { $0.type.hasTimePrecision } == true
        default: return false
        }
    }
}

extension ColumnType {
    /// `time(p)`, `timestamp(p)` or `timestamptz(p)`.
    public var hasTimePrecision: Bool { if case .temporal = self { true } else { false } }
}
