/// Rules every identifier of a spec follows, whether written or derived (docs/spec.md, "Names").

/// PostgreSQL keeps 63 bytes of a name and silently cuts the rest (MySQL and MariaDB refuse more
/// than 64 characters): the strictest rule holds for every name, so a spec means the same names
/// on every dialect, and a derived name never collides with another after the cut. The limits are
/// the dialects' `identifierLimit`s.
public let maximumNameBytes = Dialect.allCases.compactMap(\.capabilities.identifierLimit).min() ?? 63

/// "PostgreSQL keeps 63 and MySQL 64": each dialect's identifier limit as its capabilities say it,
/// strictest first; `note` follows the strictest ("(and cuts the rest silently)").
public func identifierLimitsText(note: String = "") -> String {
    let limits = Dialect.allCases.compactMap { d in d.capabilities.identifierLimit.map { (d.capabilities.productName, $0) } }.sorted { $0.1 < $1.1 }
    guard let first = limits.first else { return "no dialect limits names" }
    return "\(first.0) keeps \(first.1)\(note)" + limits.dropFirst().map { " and \($0.0) \($0.1)" }.joined()
}

/// Whether a name holds a character that has no place in an identifier: a control character
/// (newline, CR, tab, NUL, ...), a format character (zero-width, bidi overrides, BOM) or a line or
/// paragraph separator. Such a name would break the comments and strings of emitted files.
public func hasControlCharacter(_ name: String) -> Bool {
    // Printable ASCII is the common case: no Unicode properties to look up.
    if name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
    return name.unicodeScalars.contains { scalar in
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}

/// The name with its control characters spelled out (`\n`, `\u{2028}`), for an error message
/// that must not itself contain them.
public func visible(_ name: String) -> String {
    var out = ""
    for scalar in name.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if hasControlCharacter(String(scalar)) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// One identifier an operation puts into (or names in) the schema.
struct NamedIdentifier {
    var name: String
    /// What it names, for messages: "table", "column", "index", "constraint".
    var kind: String
    /// A constraint or index name, which mgen derives when the spec gives none (docs/spec.md,
    /// "Default names"). A written one longer than the limit is refused where it is read, so a
    /// long one that gets this far was derived.
    var mayBeDerived: Bool
}

extension Operation {
    /// Every identifier the operation names.
    var identifiers: [NamedIdentifier] {
        var out: [NamedIdentifier] = []
        func add(_ name: String, _ kind: String) { out.append(NamedIdentifier(name: name, kind: kind, mayBeDerived: true)) }
        func written(_ name: String, _ kind: String) { out.append(NamedIdentifier(name: name, kind: kind, mayBeDerived: false)) }
        func addTable(_ t: Table) {
            written(t.name, "table")
            for c in t.columns { written(c.name, "column") }
            if let pk = t.primaryKey {
                pk.columns.forEach { written($0, "column") }
                add(pk.name, "primary key")
            }
            for u in t.uniques { add(u.name, "unique constraint"); u.columns.forEach { written($0, "column") } }
            for c in t.checks { add(c.name, "check constraint") }
            for f in t.foreignKeys { addForeignKey(f) }
        }
        func addForeignKey(_ f: ForeignKey) {
            add(f.name, "foreign key")
            f.columns.forEach { written($0, "column") }
            written(f.referencedTable, "table")
            f.referencedColumns.forEach { written($0, "column") }
        }
        switch self {
        case let .createTable(t): addTable(t)
        case let .dropTable(t): written(t, "table")
        case let .renameTable(t, to): written(t, "table"); written(to, "table")
        case let .addColumn(t, c, u, f):
            written(t, "table"); written(c.name, "column")
            if let u { add(u.name, "unique constraint") }
            if let f { addForeignKey(f) }
        case let .dropColumn(t, c): written(t, "table"); written(c, "column")
        case let .renameColumn(t, c, to): written(t, "table"); written(c, "column"); written(to, "column")
        case let .alterColumn(a): written(a.table, "table"); written(a.column, "column")
        case let .createIndex(i, _):
            written(i.table, "table"); add(i.name, "index")
            i.columnNames.forEach { written($0, "column") }
        case let .dropIndex(n, t, _): written(n, "index"); if !t.isEmpty { written(t, "table") }
        case let .addForeignKey(f): written(f.table, "table"); addForeignKey(f)
        case let .addUnique(u): written(u.table, "table"); add(u.name, "unique constraint"); u.columns.forEach { written($0, "column") }
        case let .addCheck(c): written(c.table, "table"); written(c.name, "check constraint")
        case let .validateConstraint(t, n), let .dropConstraint(t, n): written(t, "table"); written(n, "constraint")
        case .sql: break
        // spec 1.1: views, functions, triggers, extensions, sequences
        case let .object(change):
            written(change.name, "object")
            if let table = change.table { written(table, "table") }
        // spec 1.1: enum types
        case let .createEnumType(n, _), let .dropEnumType(n): written(n, "enum type")
        case let .renameEnumType(n, to): written(n, "enum type"); written(to, "enum type")
        case let .addEnumValue(t, _, _), let .renameEnumValue(t, _, _), let .dropEnumValue(t, _): written(t, "enum type")
        case let .backfill(b):
            written(b.table, "table")
            b.assignments.forEach { written($0.column, "column") }
            if let key = b.key { written(key, "column") }
        // spec 1.1: data steps
        case let .insert(r):
            written(r.table, "table")
            r.rows.forEach { $0.columns.forEach { written($0, "column") } }
            r.key?.forEach { written($0, "column") }
        case let .delete(d):
            written(d.table, "table")
            if case let .rows(r) = d.selection { r.key?.forEach { written($0, "column") } }
        // spec 1.1: primary keys
        case let .addPrimaryKey(a):
            written(a.table, "table"); add(a.key.name, "primary key"); a.key.columns.forEach { written($0, "column") }
            if let index = a.usingIndex { written(index, "index") }
        case let .dropPrimaryKey(t): written(t, "table")
        // spec 1.1: unique constraints from a unique index
        case let .addUniqueUsingIndex(u, index):
            written(u.table, "table"); add(u.name, "unique constraint"); written(index, "index"); u.columns.forEach { written($0, "column") }
        // spec 1.1: renames
        case let .renameIndex(n, to, t): written(n, "index"); add(to, "index"); if !t.isEmpty { written(t, "table") }
        // spec 1.1: comments
        case let .commentTable(t, _): written(t, "table")
        // spec 1.1: constraint renames
        case let .renameConstraint(t, n, to): written(t, "table"); written(n, "constraint"); add(to, "constraint")
        // spec 1.1: altering in place
        case let .alterTable(a): written(a.table, "table")
        case let .alterConstraint(t, n, _): written(t, "table"); written(n, "constraint")
        case let .update(u):
            written(u.table, "table")
            if let from = u.from { written(from, "table") }
            u.assignments.forEach { written($0.column, "column") }
        }
        return out
    }
}

extension OperationParser {
    /// Checks every identifier of a parsed operation: no control characters, and derived names
    /// (which `Fields.name` never saw) within `maximumNameBytes`.
    static func checkIdentifiers(_ operation: Operation, at location: SourceLocation, sink: DiagnosticSink) {
        var reported: Set<String> = []
        for identifier in operation.identifiers where reported.insert(identifier.name).inserted {
            // spec 1.1: schemas. A table's (an enum type's) key separator is mgen's own; its parts were read as names.
            if ["table", "enum type", "object"].contains(identifier.kind), QualifiedName.isQualified(identifier.name) { continue }
            if hasControlCharacter(identifier.name) {
                sink.error("\(identifier.kind) name '\(visible(identifier.name))' contains a control character",
                                  at: location, fix: "names must not contain newlines, tabs or other control or format characters")
            } else if identifier.mayBeDerived, identifier.name.utf8.count > maximumNameBytes {
                let fix = identifier.kind == "primary key"
                    ? "the primary key is named <table>_pkey: use a table name of at most \(maximumNameBytes - 5) bytes"
                    : "give the \(identifier.kind) a shorter name with `name:`"
                sink.error("the derived \(identifier.kind) name '\(identifier.name)' is \(identifier.name.utf8.count) bytes long; \(identifierLimitsText(note: " (and cuts the rest silently)"))",
                                  at: location, fix: fix)
            }
        }
    }
}
