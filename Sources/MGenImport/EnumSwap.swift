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
/// The spec has no native enum types yet (spec 1.1), so the sequence stays raw, in order, as one
/// understood change: each of its statements gets the same reason, and none of them (not even the
/// defaults) is mapped on its own, which would split the swap around operations rendered anew.
enum EnumSwap {
    struct Found {
        var type: String
        /// Positions of the swap's statements in the migration.
        var positions: Set<Int>
        var tables: Set<String>
        var reason: String {
            "Prisma's enum swap of type \(type) (CREATE TYPE \(type)_new … DROP TYPE \(type)_old): native enum types are not in the spec yet (spec 1.1); kept raw, in order"
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
            var swap = Found(type: type, positions: [start, toOld, toType, drop], tables: [])
            // The columns moved to the new type, between the CREATE and the renames.
            var columns: Set<String> = []
            for k in (start + 1)..<toOld {
                if let column = match(texts[k], #"^ALTER TABLE (\S+ ALTER COLUMN \S+) (SET DATA )?TYPE "# + NSRegularExpression.escapedPattern(for: newType) + #"( |$)"#) {
                    columns.insert(column)
                    swap.positions.insert(k)
                    if let table = match(texts[k], #"^ALTER TABLE (\S+) "#) { swap.tables.insert(unquote(table)) }
                }
            }
            // Their defaults, dropped before and set again right after the drop.
            for k in (start + 1)..<toOld where columns.contains { texts[k] == "ALTER TABLE \($0) DROP DEFAULT" } { swap.positions.insert(k) }
            var k = drop + 1
            while k < texts.count, columns.contains(where: { texts[k].hasPrefix("ALTER TABLE \($0) SET DEFAULT ") }) {
                swap.positions.insert(k)
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
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let range = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// `"Role"` → `Role`.
    static func unquote(_ name: String) -> String {
        name.hasPrefix("\"") && name.hasSuffix("\"") && name.count >= 2 ? String(name.dropFirst().dropLast()) : name
    }
}
