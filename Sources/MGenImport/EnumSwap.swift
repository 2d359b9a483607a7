import Foundation
import MGenSpec

/// Prisma's way of changing the values of a PostgreSQL enum type, which `ALTER TYPE` cannot do
/// (a value cannot be removed): a new type, every column moved to it, the types renamed, the old
/// one dropped, the columns' defaults dropped before and set again after.
///
///     CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
///     ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
///     ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
///     ALTER TYPE "Role" RENAME TO "Role_old";
///     ALTER TYPE "Role_new" RENAME TO "Role";
///     DROP TYPE "Role_old";
///     ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
///
/// Since spec 1.1 the swap is read as the enum-type operations it performs (`EnumSwap.operations`):
/// `add_enum_value` for each new value (placed after its neighbour in the new list), then
/// `drop_enum_value` for each removed one — accepted only when every column of the type is moved,
/// each default set again is the one it had, the kept values keep their order, and replaying the
/// operations gives exactly the new values. Otherwise the sequence stays raw, in order, as one
/// understood change (each statement with the same reason, none mapped alone, which would split
/// the swap around operations rendered anew).
enum EnumSwap {
    struct Found {
        var type: String
        /// Positions of the swap's statements in the migration.
        var positions: Set<Int>
        var tables: Set<String>
        /// The position of each statement by role: the CREATE TYPE of the new type, each column's
        /// ALTER … TYPE, DROP DEFAULT and SET DEFAULT (the columns as written, quoted or not).
        var start = 0
        var retyped: [Int] = []
        var defaultsDropped: [Int] = []
        var defaultsSet: [Int] = []
        /// Why the swap stays raw, when it does.
        var why = ""
        var reason: String {
            "Prisma's enum swap of type \(type) (CREATE TYPE \(type)_new … DROP TYPE \(type)_old)\(why.isEmpty ? "" : ": \(why)"); kept raw, in order"
        }
    }

    /// The swaps in a migration's statements (PostgreSQL).
    static func find(_ statements: [SourceStatement]) -> [Found] {
        // Most migrations create no type: skip the regular expressions for them.
        guard statements.contains(where: { startsWithCreateType($0.text) }) else { return [] }
        let texts = statements.map { normalize($0.text) }
        var found: [Found] = []
        for (start, text) in texts.enumerated() {
            guard let newType = match(text, #"^CREATE TYPE (\S+) AS ENUM ?\("#), unquote(newType).hasSuffix("_new") else { continue }
            let type = String(unquote(newType).dropLast(4))
            // The names as this migration spells them: quoted or not, like the new type.
            let quoted = newType.hasPrefix("\"")
            func q(_ name: String) -> String { quoted ? "\"\(name)\"" : name }
            guard let toOld = texts.indices.first(where: { $0 > start && texts[$0] == "ALTER TYPE \(q(type)) RENAME TO \(q(type + "_old"))" }),
                  let toType = texts.indices.first(where: { $0 > toOld && texts[$0] == "ALTER TYPE \(newType) RENAME TO \(q(type))" }),
                  let drop = texts.indices.first(where: { $0 > toType && texts[$0] == "DROP TYPE \(q(type + "_old"))" }) else { continue }
            var swap = Found(type: type, positions: [start, toOld, toType, drop], tables: [], start: start)
            // The columns moved to the new type, between the CREATE and the renames.
            var columns: Set<String> = []
            for k in (start + 1)..<toOld {
                if let column = match(texts[k], #"^ALTER TABLE (\S+ ALTER COLUMN \S+) (SET DATA )?TYPE "# + NSRegularExpression.escapedPattern(for: newType) + #"( |$)"#) {
                    columns.insert(column)
                    swap.positions.insert(k)
                    swap.retyped.append(k)
                    if let table = match(texts[k], #"^ALTER TABLE (\S+) "#) { swap.tables.insert(unquote(table)) }
                }
            }
            // Their defaults, dropped before and set again right after the drop.
            for k in (start + 1)..<toOld where columns.contains(where: { texts[k] == "ALTER TABLE \($0) DROP DEFAULT" }) {
                swap.positions.insert(k)
                swap.defaultsDropped.append(k)
            }
            var k = drop + 1
            while k < texts.count, columns.contains(where: { texts[k].hasPrefix("ALTER TABLE \($0) SET DEFAULT ") }) {
                swap.positions.insert(k)
                swap.defaultsSet.append(k)
                k += 1
            }
            found.append(swap)
        }
        return found
    }

    static func startsWithCreateType(_ text: String) -> Bool {
        // Bytes, not Characters: this runs on every statement of a folder.
        let head = Array(text.utf8.prefix(32))
        var i = 0
        func isWord(_ word: String) -> Bool {
            while i < head.count, head[i] == 0x20 || head[i] == 0x0A || head[i] == 0x09 || head[i] == 0x0D { i += 1 }
            for w in word.utf8 {
                guard i < head.count, head[i] | 0x20 == w else { return false }
                i += 1
            }
            return i == head.count || head[i] == 0x20 || head[i] == 0x0A || head[i] == 0x09 || head[i] == 0x0D
        }
        return isWord("create") && isWord("type")
    }

    /// One line, single spaces, no trailing semicolon; quoted names kept as written.
    static func normalize(_ text: String) -> String {
        var out = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        while out.hasSuffix(";") { out.removeLast() }
        return out
    }

    static func match(_ text: String, _ pattern: String) -> String? {
        guard let regex = compiled(pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let range = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// The pattern compiled once per run (compiling costs far more than matching a statement; the
    /// readers try the same few patterns on thousands of statements), shared by the import threads.
    private static func compiled(_ pattern: String) -> NSRegularExpression? {
        patterns.lock.lock()
        defer { patterns.lock.unlock() }
        if let hit = patterns.compiled[pattern] { return hit }
        let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        patterns.compiled[pattern] = regex
        return regex
    }

    private final class Patterns: @unchecked Sendable {
        let lock = NSLock()
        var compiled: [String: NSRegularExpression?] = [:]
    }
    private static let patterns = Patterns()

    /// `"Role"` → `Role`.
    static func unquote(_ name: String) -> String {
        name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
    }
}

extension EnumSwap {
    /// The enum-type operations the swap performs on `state`, or why it stays raw.
    static func operations(_ swap: Found, _ statements: [SourceStatement], state: SchemaState, opaque: Set<String>) -> Result<[Operation], KeepRaw> {
        guard let old = state.enumValues(swap.type) else { return .failure(KeepRaw(reason: "type \(swap.type) is not an enum type the spec knows")) }
        guard case let .operations(created) = PostgresReader.read(statements[swap.start].text, state: state),
              case let .createEnumType(_, new)? = created.first else { return .failure(KeepRaw(reason: "the new type's values could not be read")) }
        if let hit = swap.tables.first(where: opaque.contains) { return .failure(KeepRaw(reason: "table \(hit) was changed by raw SQL before")) }
        // Every column of the type moves, the way drop_enum_value moves it (through text).
        var moved: Set<String> = []
        for k in swap.retyped {
            let text = normalize(statements[k].text)
            guard let table = match(text, #"^ALTER TABLE "?([^" ]+)"? ALTER COLUMN"#), let column = match(text, #" ALTER COLUMN "?([^" ]+)"? "#),
                  let using = match(text, #" USING (.*)$"#),
                  using.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "")
                    == "\(column)::text::\(swap.type)_new" else {
                return .failure(KeepRaw(reason: "a column moved otherwise than through its text"))
            }
            moved.insert("\(table).\(column)")
        }
        let columns = state.columns(ofEnumType: swap.type)
        guard Set(columns.map { "\($0.table).\($0.column.name)" }) == moved else {
            return .failure(KeepRaw(reason: "the columns moved are not all the columns of the type"))
        }
        // The defaults dropped before are the ones set again after, as they were.
        var setAgain: [String: DefaultValue] = [:]
        for k in swap.defaultsSet {
            guard case let .operations(ops) = PostgresReader.read(statements[k].text, state: state), ops.count == 1,
                  case let .alterColumn(change) = ops[0], case let .set(value)? = change.defaultChange else {
                return .failure(KeepRaw(reason: "a default set again that could not be read"))
            }
            setAgain["\(change.table).\(change.column)"] = value
        }
        for (table, column) in columns where setAgain["\(table).\(column.name)"] != column.defaultValue {
            return .failure(KeepRaw(reason: "the default of \(table).\(column.name) changes with the swap"))
        }
        guard swap.defaultsDropped.count == setAgain.count else { return .failure(KeepRaw(reason: "a default dropped and not set again")) }
        // The kept values keep their order; new ones go after their neighbour, then the removed go.
        let kept = old.filter(new.contains)
        guard new.filter(old.contains) == kept else { return .failure(KeepRaw(reason: "the kept values change their order")) }
        var ops: [Operation] = []
        for (k, value) in new.enumerated() where !old.contains(value) {
            let placement: EnumValuePlacement
            if k > 0 { placement = .after(new[k - 1]) } else if let next = new.first(where: old.contains) { placement = .before(next) } else { placement = .end }
            ops.append(.addEnumValue(type: swap.type, value: value, placement: placement))
        }
        for value in old where !new.contains(value) { ops.append(.dropEnumValue(type: swap.type, value: value)) }
        guard !ops.isEmpty else { return .failure(KeepRaw(reason: "the same values")) }
        // The steps give exactly the new type's values, in order.
        var after = old
        for op in ops {
            switch op {
            case let .addEnumValue(_, value, .after(other)): after.insert(value, at: (after.firstIndex(of: other) ?? after.count - 1) + 1)
            case let .addEnumValue(_, value, .before(other)): after.insert(value, at: after.firstIndex(of: other) ?? 0)
            case let .addEnumValue(_, value, _): after.append(value)
            case let .dropEnumValue(_, value): after.removeAll { $0 == value }
            default: break
            }
        }
        guard after == new else { return .failure(KeepRaw(reason: "the values could not be reached by adding and dropping")) }
        return .success(ops)
    }
}
