/// spec 1.1: primary keys on existing tables — `add_primary_key` (optionally from an existing
/// unique index, PostgreSQL's `USING INDEX`) and `drop_primary_key`; replacing a key is the two
/// in one migration. Model, parsing, validation and inversion in one place.

/// `add_primary_key`: the key, and the unique index it takes over (the index is gone afterwards:
/// PostgreSQL turns it into the key's index, MySQL and SQLite drop it for the key's own).
public struct AddPrimaryKey: Hashable, Sendable {
    public var table: String
    public var key: PrimaryKey
    public var usingIndex: String?
    public init(table: String, key: PrimaryKey, usingIndex: String? = nil) { self.table = table; self.key = key; self.usingIndex = usingIndex }
}

extension OperationParser {
    static let primaryKeyFields: [String: [String]] = [
        "add_primary_key": ["table", "columns", "name", "using_index"],
        "drop_primary_key": ["table"],
    ]

    static func primaryKeyStep(_ kind: String, _ f: Fields) -> Operation? {
        guard let table = f.name("table") else { return nil }
        if kind == "drop_primary_key" { return .dropPrimaryKey(table: table) }
        guard let columns = f.stringList("columns", required: true) else { return nil }
        let name = f.name("name", required: false) ?? DefaultNames.primaryKey(table)
        return .addPrimaryKey(AddPrimaryKey(table: table, key: PrimaryKey(name: name, columns: columns),
                                            usingIndex: f.name("using_index", required: false)))
    }
}

extension Validator {
    mutating func checkPrimaryKeyStep(_ operation: Operation) {
        switch operation {
        case let .addPrimaryKey(add):
            guard let table = requireTable(add.table) else { return }
            if let existing = table.primaryKey {
                error("table '\(add.table)' already has primary key '\(existing.name)' (\(existing.columns.joined(separator: ", ")))", field: "table",
                      fix: "drop it first with drop_primary_key: {table: \(add.table)} (in the same migration, to replace it)")
                return
            }
            requireColumns(add.key.columns, in: table, field: "columns")
            if Set(add.key.columns).count != add.key.columns.count { error("a column is named twice in the primary key", field: "columns") }
            for name in add.key.columns {
                guard let column = table.column(name), column.nullable else { continue }
                error("column '\(add.table).\(name)' is nullable; a primary key column must be NOT NULL", field: "columns",
                      fix: "make it NOT NULL first: alter_column: {table: \(add.table), column: \(name), nullable: false}")
            }
            if add.key.name != add.usingIndex { requireFreeName(add.key.name, field: "name") }
            if let indexName = add.usingIndex {
                _ = requireTakenOverIndex(indexName, table: add.table, columns: add.key.columns, becoming: "the primary key")
            }
        case let .dropPrimaryKey(tableName):
            guard let table = requireTable(tableName) else { return }
            guard let key = table.primaryKey else {
                error("table '\(tableName)' has no primary key", field: "table")
                return
            }
            for column in key.columns where table.column(column)?.identity == true {
                error("column '\(tableName).\(column)' is an identity column, which MySQL and SQLite keep only as a key", field: "table",
                      fix: "keep the key, or replace the identity column first")
            }
            let referencing = state.incomingForeignKeys(to: tableName) + table.foreignKeys.filter { $0.referencedTable == tableName }
            for fk in referencing where Set(fk.referencedColumns).isSubset(of: Set(key.columns)) {
                error("primary key '\(key.name)' of '\(tableName)' is referenced by foreign key '\(fk.name)' of table '\(fk.table)'", field: "table",
                      fix: "drop that constraint first (drop_constraint: {table: \(fk.table), name: \(fk.name)})")
            }
        default:
            break
        }
    }
}

extension Operation {
    func primaryKeyInverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .addPrimaryKey(add):
            let index = add.usingIndex.flatMap { before.index($0) }
            if add.usingIndex != nil, index == nil { return nil }
            return [.dropPrimaryKey(table: add.table)] + (index.map { [.createIndex($0, concurrently: false)] } ?? [])
        case let .dropPrimaryKey(table):
            guard let key = before.table(table)?.primaryKey else { return nil }
            return [.addPrimaryKey(AddPrimaryKey(table: table, key: key))]
        default:
            return nil
        }
    }
}
