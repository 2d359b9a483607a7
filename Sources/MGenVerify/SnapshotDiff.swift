import Foundation
import MGenSpec

/// One difference between two snapshots, rendered as one line:
/// `+` present only in the second, `-` only in the first, `~` in both but different.
public struct SchemaChange: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case added = "+"
        case removed = "-"
        case changed = "~"
    }

    public var kind: Kind
    /// The table concerned, nil for schema-wide differences (the dialect).
    public var table: String?
    /// The line without its kind marker, e.g. `table users: column email: nullable true -> false`.
    public var text: String

    public init(_ kind: Kind, table: String?, _ text: String) {
        self.kind = kind
        self.table = table
        self.text = QualifiedName.display(text) // spec 1.1: schemas (`billing.invoices`)
    }

    public var description: String { "\(kind.rawValue) \(text)" }
}

/// The differences from `a` to `b`, in a deterministic order: tables by name; within a table:
/// columns (in `a`'s order, then added ones in `b`'s), primary key, indexes, unique constraints,
/// foreign keys, checks (each by name), comment. Empty when the snapshots are equal.
public struct SnapshotDiff: Equatable, Sendable {
    public var changes: [SchemaChange]

    /// Column order is compared only when asked: a down that re-adds a dropped column puts it
    /// last, and no dialect but MySQL (`AFTER`) can put it back in place.
    public init(_ a: SchemaSnapshot, _ b: SchemaSnapshot, columnOrder: Bool = false) {
        changes = MGenVerify.diff(a, b, columnOrder: columnOrder)
    }

    public var isEmpty: Bool { changes.isEmpty }

    /// One line per change.
    public func render() -> [String] { changes.map(\.description) }
}

public func diff(_ a: SchemaSnapshot, _ b: SchemaSnapshot, columnOrder: Bool = false) -> [SchemaChange] {
    var changes: [SchemaChange] = []
    if a.dialect != b.dialect {
        changes.append(SchemaChange(.changed, table: nil, "dialect \(a.dialect) -> \(b.dialect)"))
    }
    let left = Dictionary(a.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let right = Dictionary(b.tables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for name in Set(left.keys).union(right.keys).sorted() {
        switch (left[name], right[name]) {
        case (_?, nil): changes.append(SchemaChange(.removed, table: name, "table \(name)"))
        case (nil, _?): changes.append(SchemaChange(.added, table: name, "table \(name)"))
        // Equal tables (nearly all, after a step) are skipped without describing their parts.
        case (let old?, let new?): if old != new { changes += diffTable(old, new, columnOrder: columnOrder) }
        case (nil, nil): break
        }
    }
    // spec 1.1: views, functions, triggers, sequences, extensions, domains
    changes += diffObjects(a.objects ?? [], b.objects ?? [])
    changes += diffEnumTypes(a.enumTypes, b.enumTypes) // spec 1.1: enum types
    return changes
}

private func diffObjects(_ old: [ObjectSnapshot], _ new: [ObjectSnapshot]) -> [SchemaChange] {
    func describe(_ o: ObjectSnapshot) -> String {
        "\(o.kind.replacingOccurrences(of: "_", with: " ")) \(o.name)\(o.table.map { " on \($0)" } ?? "")" + (o.definition.isEmpty ? "" : ": \(o.definition)")
    }
    return diffKeyed(old, new, table: "", key: \.sortKey, describe: describe).map { var c = $0; c.table = nil; return c }
}

private func show(_ value: String?) -> String { value ?? "nil" }

private func describe(_ column: ColumnSnapshot) -> String {
    var text = "\(column.name) \(column.nativeType)"
    text += column.nullable ? " null" : " not null"
    if let d = column.default { text += " default \(d)" }
    if column.identity { text += " identity" }
    return text
}

private func describe(_ index: IndexSnapshot, on table: String) -> String {
    var text = (index.unique ? "unique index " : "index ") + "\(index.name) on \(table) (\(index.columns.joined(separator: ", ")))"
    if let method = index.method { text += " using \(method)" }
    if let predicate = index.predicate { text += " where \(predicate)" }
    return text
}

private func describe(_ fk: ForeignKeySnapshot, on table: String) -> String {
    "foreign key \(fk.name.map { $0 + " " } ?? "")on \(table) (\(fk.columns.joined(separator: ", "))) -> "
        + "\(fk.referencedTable) (\(fk.referencedColumns.joined(separator: ", "))) on delete \(fk.onDelete) on update \(fk.onUpdate)"
        + (fk.deferrable.map { " deferrable initially \($0)" } ?? "") // spec 1.1: deferrable constraints
}

private func describe(_ unique: UniqueConstraintSnapshot, on table: String) -> String {
    "unique constraint \(unique.name.map { $0 + " " } ?? "")on \(table) (\(unique.columns.joined(separator: ", ")))"
        + (unique.deferrable.map { " deferrable initially \($0)" } ?? "") // spec 1.1: deferrable constraints
}

private func describe(_ check: CheckConstraintSnapshot, on table: String) -> String {
    "check \(check.name.map { $0 + " " } ?? "")on \(table) (\(check.expression))"
}

/// Added, removed and changed elements of two keyed lists, each as one line.
private func diffKeyed<T: Equatable>(
    _ old: [T], _ new: [T], table: String, key: (T) -> String, describe: (T) -> String
) -> [SchemaChange] {
    let oldByKey = Dictionary(old.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
    let newByKey = Dictionary(new.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
    var changes: [SchemaChange] = []
    for k in Set(oldByKey.keys).union(newByKey.keys).sorted() {
        switch (oldByKey[k], newByKey[k]) {
        case (let o?, nil): changes.append(SchemaChange(.removed, table: table, describe(o)))
        case (nil, let n?): changes.append(SchemaChange(.added, table: table, describe(n)))
        case (let o?, let n?) where o != n:
            changes.append(SchemaChange(.changed, table: table, "\(describe(o)) -> \(describe(n))"))
        default: break
        }
    }
    return changes
}

private func diffTable(_ old: TableSnapshot, _ new: TableSnapshot, columnOrder: Bool) -> [SchemaChange] {
    let t = old.name
    var changes: [SchemaChange] = []
    let newColumns = Dictionary(new.columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let oldNames = Set(old.columns.map(\.name))
    for column in old.columns {
        guard let other = newColumns[column.name] else {
            changes.append(SchemaChange(.removed, table: t, "table \(t): column \(column.name)"))
            continue
        }
        let prefix = "table \(t): column \(column.name): "
        if column.nativeType != other.nativeType {
            changes.append(SchemaChange(.changed, table: t, prefix + "type \(column.nativeType) -> \(other.nativeType)"))
        }
        if column.nullable != other.nullable {
            changes.append(SchemaChange(.changed, table: t, prefix + "nullable \(column.nullable) -> \(other.nullable)"))
        }
        if column.default != other.default {
            changes.append(SchemaChange(.changed, table: t, prefix + "default \(show(column.default)) -> \(show(other.default))"))
        }
        if column.identity != other.identity {
            changes.append(SchemaChange(.changed, table: t, prefix + "identity \(column.identity) -> \(other.identity)"))
        }
        if column.comment != other.comment {
            changes.append(SchemaChange(.changed, table: t, prefix + "comment \(show(column.comment)) -> \(show(other.comment))"))
        }
        // spec 1.1: collations
        if column.collation != other.collation {
            changes.append(SchemaChange(.changed, table: t, prefix + "collation \(show(column.collation)) -> \(show(other.collation))"))
        }
    }
    for column in new.columns where !oldNames.contains(column.name) {
        changes.append(SchemaChange(.added, table: t, "table \(t): column \(describe(column))"))
    }
    // Same columns, different order (e.g. a SQLite rebuild that appended instead of inserting).
    let common = Set(new.columns.map(\.name)).intersection(oldNames)
    let oldOrder = old.columns.map(\.name).filter(common.contains)
    let newOrder = new.columns.map(\.name).filter(common.contains)
    if columnOrder, oldOrder != newOrder {
        changes.append(SchemaChange(.changed, table: t, "table \(t): column order \(oldOrder.joined(separator: ", ")) -> \(newOrder.joined(separator: ", "))"))
    }

    if old.primaryKey != new.primaryKey {
        func pk(_ p: PrimaryKeySnapshot?) -> String {
            guard let p else { return "none" }
            return (p.name.map { $0 + " " } ?? "") + "(\(p.columns.joined(separator: ", ")))"
        }
        changes.append(SchemaChange(.changed, table: t, "table \(t): primary key \(pk(old.primaryKey)) -> \(pk(new.primaryKey))"))
    }
    changes += diffKeyed(old.indexes, new.indexes, table: t, key: \.name) { describe($0, on: t) }
    changes += diffKeyed(old.uniqueConstraints, new.uniqueConstraints, table: t,
                         key: { $0.name ?? "(" + $0.columns.joined(separator: ",") + ")" }) { describe($0, on: t) }
    changes += diffKeyed(old.foreignKeys, new.foreignKeys, table: t,
                         key: { $0.name ?? "(" + $0.columns.joined(separator: ",") + ")" }) { describe($0, on: t) }
    changes += diffKeyed(old.checkConstraints, new.checkConstraints, table: t,
                         key: { $0.name ?? "(" + $0.expression + ")" }) { describe($0, on: t) }
    if old.comment != new.comment {
        changes.append(SchemaChange(.changed, table: t, "table \(t): comment \(show(old.comment)) -> \(show(new.comment))"))
    }
    // spec 1.1: MySQL table options
    if old.options != new.options {
        changes.append(SchemaChange(.changed, table: t, "table \(t): options \(old.options ?? "default") -> \(new.options ?? "default")"))
    }
    return changes
}
