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

/// The enum types of the user schemas (PostgreSQL), sorted by name; nil where there are none
/// (and on MySQL and SQLite, which have none), so snapshots without them encode as before.
/// spec 1.1: schemas. A type outside the current schema is named as the state keys it,
/// `schema` U+001F `name`.
func introspectEnumTypes(_ db: Database) throws -> [EnumTypeSnapshot]? {
    guard db.dialect == .postgresql else { return nil }
    let rows = try db.query("""
        SELECT name, label FROM (
            SELECT CASE WHEN ns.nspname = current_schema() THEN t.typname::text ELSE ns.nspname || chr(31) || t.typname END AS name,
                   e.enumlabel AS label, e.enumsortorder AS position
            FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace ns ON ns.oid = t.typnamespace
            WHERE t.typnamespace IN \(PostgresIntrospector.userSchemas)
        ) types
        ORDER BY name, position
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

/// The state's key for a type as `format_type` prints it: `mood`, `"Mood"`, or (spec 1.1:
/// schemas, a type outside the search path) `billing.level` / `"Billing"."Level"`.
private func enumTypeKey(_ native: String) -> String {
    var parts: [String] = [], part = "", quoted = false
    var characters = native[...]
    while let c = characters.popFirst() {
        if c == "\"" {
            if quoted, characters.first == "\"" { part.append("\""); characters.removeFirst() } else { quoted.toggle() }
        } else if c == ".", !quoted {
            parts.append(part); part = ""
        } else {
            part.append(c)
        }
    }
    parts.append(part)
    return parts.count == 2 ? QualifiedName(schema: parts[0], name: parts[1]).key : native.hasPrefix("\"") ? parts.joined() : native
}

extension TableSnapshot {
    /// Columns of an enum type get the neutral type `enum_type(<name>)` (the catalog's
    /// `format_type` gives the bare name, quoted when it must be).
    func markingEnumTypeColumns(_ types: [EnumTypeSnapshot]) -> TableSnapshot {
        var table = self
        for i in table.columns.indices where table.columns[i].neutralType == "native" {
            let native = table.columns[i].nativeType
            let unquoted = enumTypeKey(native)
            // The native type is lower-cased (normalizeTypeName): a mixed-case type is matched without case.
            if let type = types.first(where: { $0.name == unquoted }) ?? types.first(where: { $0.name.lowercased() == unquoted }) {
                table.columns[i].neutralType = "enum_type(\(type.name))"
            }
        }
        return table
    }
}
