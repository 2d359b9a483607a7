import Foundation
import MGenSpec
import MGenSQL

/// The names Django 5.2 gives what it makes itself (django/db/backends/base/schema.py):
/// `_create_index_name` and `_fk_constraint_name`, so that mgen can say which name a key Django
/// owns has, and which it would have now.
enum DjangoNames {
    /// `<table>_<columns>_<md5(table + columns)[:8]><suffix>`, shortened as Django shortens it
    /// past the backend's limit (PostgreSQL 63, MySQL 64).
    static func indexName(table: String, columns: [String], suffix: String, maxLength: Int) -> String {
        var hashSuffix = String(md5Hex(table + columns.joined()).prefix(8)) + suffix
        let joined = columns.joined(separator: "_")
        var name = "\(table)_\(joined)_\(hashSuffix)"
        if name.unicodeScalars.count <= maxLength { return name }
        if hashSuffix.unicodeScalars.count > maxLength / 3 { hashSuffix = prefix(hashSuffix, maxLength / 3) }
        let other = (maxLength - hashSuffix.unicodeScalars.count) / 2 - 1
        name = "\(prefix(table, other))_\(prefix(joined, other))_\(hashSuffix)"
        if let first = name.unicodeScalars.first, first == "_" || ("0"..."9").contains(first) {
            name = "D" + String(String.UnicodeScalarView(name.unicodeScalars.dropLast()))
        }
        return name
    }

    /// A foreign key Django makes: `<table>_<column>_<hash>_fk_<to table>_<to column>`.
    static func foreignKeyName(_ fk: ForeignKey, dialect: Dialect) -> String? {
        guard fk.columns.count == 1, let to = fk.referencedColumns.first else { return nil }
        return indexName(table: fk.table, columns: fk.columns, suffix: "_fk_\(fk.referencedTable)_\(to)", maxLength: maxLength(dialect))
    }

    /// The index Django adds for a relation field when it turns a plain field into one (MySQL).
    static func fieldIndexName(_ fk: ForeignKey, dialect: Dialect) -> String {
        indexName(table: fk.table, columns: fk.columns, suffix: "", maxLength: maxLength(dialect))
    }

    /// Django cuts names to the database's identifier limit (PostgreSQL 63, MySQL 64).
    static func maxLength(_ dialect: Dialect) -> Int { dialect.capabilities.identifierLimit ?? 64 }

    /// Python slices strings by code point.
    static func prefix(_ text: String, _ count: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(max(count, 0))))
    }

    /// MD5 (RFC 1321) of the UTF-8 text, as lowercase hex: Django's `names_digest`.
    static func md5Hex(_ text: String) -> String {
        var message = Array(text.utf8)
        let bitLength = UInt64(message.count) &* 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for i in 0..<8 { message.append(UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(i)))) }
        let shifts: [UInt32] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21]
        let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }
        var (a0, b0, c0, d0): (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        for chunk in stride(from: 0, to: message.count, by: 64) {
            let words: [UInt32] = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(message[chunk + 4 * i + $1]) << (8 * UInt32($1)) }
            }
            var (a, b, c, d) = (a0, b0, c0, d0)
            for i in 0..<64 {
                var f: UInt32
                let g: Int
                switch i {
                case 0..<16: f = (b & c) | (~b & d); g = i
                case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) % 16
                case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) % 16
                default: f = c ^ (b | ~d); g = (7 * i) % 16
                }
                f = f &+ a &+ constants[i] &+ words[g]
                a = d; d = c; c = b
                b = b &+ (f << shifts[i] | f >> (32 - shifts[i]))
            }
            a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
            .map { String(format: "%02x", $0) }.joined()
    }
}

extension DjangoWriter {
    /// After a rename of a table or column: Django named each key it owns (and, on MySQL, the
    /// key's own index: InnoDB's, after the key, or Django's `<table>_<column>_<hash>`) after the
    /// names of the moment, and keeps those names when the table or column is renamed. Its next
    /// `AlterField` of the key re-creates it under the new names, both ways, so a migration walked
    /// down and up again would leave other names than it found. A RunSQL renames them to Django's
    /// names for the new state (reverse: back), so a key Django owns is always named as Django
    /// would name it now. A key whose own column is renamed Django re-creates itself (the step's
    /// `AlterField`); only its index may be left with the old name.
    func keyNameSync(_ s: DjangoStep) -> [PyNode] {
        guard !traits.remakesTablesToAlter else { return [] } // SQLite: the remake names keys afresh
        var ownColumn: (table: String, column: String)?
        if case let .renameColumn(table, _, to) = s.operation { ownColumn = (table, to) }
        var up: [String] = [], down: [String] = []
        for name in s.after.tableNames {
            // A key CreateModel made in this migration is still pending: Django names it when it adds it.
            for fk in s.after.table(name)?.foreignKeys ?? [] where djangoOwns(fk) && !pendingInMigration(fk.name, before: s.position) {
                guard let owner = s.before.constraintOwner(fk.name), let old = s.before.table(owner)?.foreignKeys.first(where: { $0.name == fk.name }),
                      let oldName = DjangoNames.foreignKeyName(old, dialect: dialect), let newName = DjangoNames.foreignKeyName(fk, dialect: dialect),
                      let column = fk.columns.first, let referenced = fk.referencedColumns.first else { continue }
                let recreated = ownColumn.map { $0.table == fk.table && $0.column == column } ?? false
                if oldName != newName, !recreated {
                    let forward = ForeignKeyRename(table: fk.table, column: column, referencedTable: fk.referencedTable,
                                                   referencedColumn: referenced, from: oldName, to: newName)
                    var backward = forward
                    (backward.from, backward.to) = (newName, oldName)
                    up += renameForeignKey(forward)
                    down = renameForeignKey(backward) + down
                }
                if let mysql = renderer.dialect as? MySQLDialect {
                    let indexes = [(oldName, newName), (DjangoNames.fieldIndexName(old, dialect: dialect), DjangoNames.fieldIndexName(fk, dialect: dialect))]
                    up += mysql.renameIndexesIfPresent(table: fk.table, indexes.map { (from: $0.0, to: $0.1) }).map(\.sql)
                    down = mysql.renameIndexesIfPresent(table: fk.table, indexes.map { (from: $0.1, to: $0.0) }).map(\.sql) + down
                }
            }
        }
        guard !up.isEmpty else { return [] }
        return [runSQL(up, down)]
    }

    private func renameForeignKey(_ rename: ForeignKeyRename) -> [String] {
        if let mysql = renderer.dialect as? MySQLDialect { return mysql.renameForeignKey(rename).map(\.sql) }
        if let postgres = renderer.dialect as? PostgreSQLDialect { return postgres.renameForeignKey(rename).map(\.sql) }
        return []
    }
}
