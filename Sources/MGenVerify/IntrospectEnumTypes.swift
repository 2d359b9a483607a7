// spec 1.1: enum types — what a snapshot sees of PostgreSQL's enum types: each type's name and
// its values in their sort order (pg_enum.enumsortorder), so a down that forgets a type or a
// value, or puts one in another place, fails verify.
import Foundation
import MGenSpec

public struct EnumTypeSnapshot: Codable, Equatable, Sendable {
    public var name: String
    /// In the type's order.
    public var values: [String]
    public init(name: String, values: [String]) { self.name = name; self.values = values }
}

/// The enum types of the current schema (PostgreSQL), sorted by name; nil where there are none
/// (and on MySQL and SQLite, which have none), so snapshots without them encode as before.
func introspectEnumTypes(_ db: Database) throws -> [EnumTypeSnapshot]? {
    guard db.dialect == .postgresql else { return nil }
    let rows = try db.query("""
        SELECT t.typname AS name, e.enumlabel AS label
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
        ORDER BY t.typname, e.enumsortorder
        """)
    var types: [EnumTypeSnapshot] = []
    for row in rows {
        guard let name = row[text: "name"], let label = row[text: "label"] else { continue }
        if types.last?.name == name { types[types.count - 1].values.append(label) } else { types.append(EnumTypeSnapshot(name: name, values: [label])) }
    }
    return types.isEmpty ? nil : types
}

/// `+ enum type mood (a, b)`, `- ...`, `~ enum type mood: (a, b) -> (a, c, b)`.
func diffEnumTypes(_ a: [EnumTypeSnapshot]?, _ b: [EnumTypeSnapshot]?) -> [SchemaChange] {
    let left = Dictionary((a ?? []).map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
    let right = Dictionary((b ?? []).map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
    func list(_ values: [String]) -> String { "(" + values.joined(separator: ", ") + ")" }
    return Set(left.keys).union(right.keys).sorted().compactMap { name in
        switch (left[name], right[name]) {
        case let (old?, nil): SchemaChange(.removed, table: nil, "enum type \(name) \(list(old))")
        case let (nil, new?): SchemaChange(.added, table: nil, "enum type \(name) \(list(new))")
        case let (old?, new?) where old != new: SchemaChange(.changed, table: nil, "enum type \(name): \(list(old)) -> \(list(new))")
        default: nil
        }
    }
}

extension TableSnapshot {
    /// Columns of an enum type get the neutral type `enum_type(<name>)` (the catalog's
    /// `format_type` gives the bare name, quoted when it must be).
    func markingEnumTypeColumns(_ types: [EnumTypeSnapshot]) -> TableSnapshot {
        var table = self
        for i in table.columns.indices where table.columns[i].neutralType == "native" {
            let native = table.columns[i].nativeType
            let unquoted = native.hasPrefix("\"") && native.hasSuffix("\"") && native.count > 1
                ? String(native.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : native
            // The native type is lower-cased (normalizeTypeName): a mixed-case type is matched without case.
            if let type = types.first(where: { $0.name == unquoted }) ?? types.first(where: { $0.name.lowercased() == unquoted }) {
                table.columns[i].neutralType = "enum_type(\(type.name))"
            }
        }
        return table
    }
}
