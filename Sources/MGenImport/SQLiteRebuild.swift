import MGenSpec
import MGenSQL

/// SQLite's table rebuild (sqlite.org/lang_altertable.html), as migrations write it for what
/// `ALTER TABLE` cannot do: `CREATE TABLE new (…)`, `INSERT INTO new (cols) SELECT cols FROM t`,
/// `DROP TABLE t`, `ALTER TABLE new RENAME TO t`, then the indexes again (with `PRAGMA
/// defer_foreign_keys` / `foreign_keys` lines around it). Read as the operations it performs:
/// the differences between the table before and after, which the spec replays (and mgen renders on
/// SQLite as the same rebuild).
enum SQLiteRebuild {
    struct Found {
        var table: String
        var operations: [Operation]
        var result: Table
        var indexes: [Index]
        var statementCount: Int
    }

    static func read(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        var list = Array(statements)
        var count = 0
        func isPragma(_ text: String) -> Bool {
            let t = text.lowercased().replacingOccurrences(of: " ", with: "")
            return t == "pragmadefer_foreign_keys=on" || t == "pragmaforeign_keys=off" || t == "pragmaforeign_keys=on"
                || t == "pragmadefer_foreign_keys=off" || t == "pragmaforeign_key_check"
        }
        while let first = list.first, isPragma(first.text) { list.removeFirst(); count += 1 }
        guard list.count >= 4 else { return nil }
        var reader = DDLReader(dialect: .sqlite)
        // The temporary's key may be named after the table it becomes (mgen's rebuild).
        if case let .operations(ops) = reader.read(list[3].text, state: state), ops.count == 1, case let .renameTable(temporary, final) = ops[0] {
            reader.finalNames = [temporary: final]
        }
        guard case let .operations(created) = reader.read(list[0].text, state: state), created.count == 1,
              case var .createTable(new) = created[0], state.table(new.name) == nil else { return nil }
        let temporary = new.name
        // DROP TABLE t; ALTER TABLE new RENAME TO t
        guard case let .operations(dropped) = reader.read(list[2].text, state: state), dropped.count == 1,
              case let .dropTable(table) = dropped[0], let old = state.table(table),
              case let .operations(renamed) = reader.read(list[3].text, state: state), renamed == [.renameTable(table: temporary, to: table)] else {
            return nil
        }
        // INSERT INTO new (a, b) SELECT a, b FROM t: a plain copy of the shared columns.
        let insert = SQLTokens(list[1].text)
        let words = insert.identifiers(0..<insert.tokens.count)
        // (spec 1.1: generated columns compute themselves: not copied)
        let shared = new.writableColumns.filter { old.column($0) != nil }
        // The columns in any order, the same in both lists (Prisma lists them alphabetically).
        let lower = words.map { $0.lowercased() }
        let n = shared.count
        guard lower.count == 2 * n + 6, Array(lower[0..<3]) == ["insert", "into", temporary.lowercased()], lower[3 + n] == "select",
              Array(lower[(2 * n + 4)...]) == ["from", table.lowercased()], Array(lower[3..<(3 + n)]) == Array(lower[(4 + n)..<(4 + 2 * n)]),
              Set(lower[3..<(3 + n)]) == Set(shared.map { $0.lowercased() }) else { return nil }
        count += 4
        // The table as it ends: named t, its constraints named as written (SQLite keeps names).
        new.name = table
        new.primaryKey = new.primaryKey.map { PrimaryKey(name: DefaultNames.primaryKey(table), columns: $0.columns) }
        new.uniques = new.uniques.map { UniqueConstraint(name: $0.name, table: table, columns: $0.columns) }
        new.checks = new.checks.map { CheckConstraint(name: $0.name, table: table, expression: $0.expression) }
        new.foreignKeys = new.foreignKeys.map { var f = $0; f.table = table; if f.referencedTable == temporary { f.referencedTable = table }; return f }
        for (k, c) in new.columns.enumerated() where c.type == .text {
            if let check = new.checks.firstIndex(where: { $0.name == "\(table)_\(c.name)_check" }),
               let values = PostgresReader.Reader.enumValues(new.checks[check].expression, column: c.name) {
                new.columns[k].type = .enumeration(values)
                new.checks.remove(at: check)
            }
        }
        new.comment = old.comment
        // The indexes made again right after.
        var indexes: [Index] = []
        var rest = list.dropFirst(4)
        while let next = rest.first {
            if isPragma(next.text) { rest.removeFirst(); count += 1; continue }
            guard case let .operations(ops) = reader.read(next.text, state: state), ops.count == 1 else { break }
            if case let .createIndex(index, _) = ops[0], index.table == table { indexes.append(index) } else if case let .addUnique(u) = ops[0], u.table == table {
                new.uniques.append(u)
            } else { break }
            rest.removeFirst(); count += 1
        }
        for (k, c) in new.columns.enumerated() {
            guard let o = old.column(c.name) else { continue }
            new.columns[k].comment = o.comment
            // SQLite writes every identity INTEGER: the kept identity keeps the type it had.
            if c.identity, o.identity, c.type == .integer, o.type.isInteger { new.columns[k].type = o.type }
        }
        guard let operations = diff(old, new, oldIndexes: state.indexes(on: table), newIndexes: indexes) else { return nil }
        return Found(table: table, operations: operations, result: new, indexes: indexes, statementCount: count)
    }

    /// The table as SQLite keeps it, for comparing (column order and constraint order aside).
    static func comparable(_ t: Table) -> Table {
        var t = t
        t.columns.sort { $0.name < $1.name }
        t.uniques.sort { $0.name < $1.name }
        t.checks = t.checks.map { var c = $0; c.notValid = false; return c }.sorted { $0.name < $1.name }
        t.foreignKeys = t.foreignKeys.map { var f = $0; f.notValid = false; return f }.sorted { $0.name < $1.name }
        return t
    }

    /// The operations from one definition of a table to another; nil when the spec cannot say it
    /// (a new primary key, a column added in the middle).
    static func diff(_ old: Table, _ new: Table, oldIndexes: [Index], newIndexes: [Index]) -> [Operation]? {
        guard old.primaryKey == new.primaryKey else { return nil }
        let t = old.name
        var ops: [Operation] = []
        let oldNames = old.columns.map(\.name), newNames = new.columns.map(\.name)
        let kept = oldNames.filter(newNames.contains)
        // Added columns go last (add_column appends), so the kept ones must keep their order first.
        guard Array(newNames.prefix(kept.count)) == kept else { return nil }
        for fk in old.foreignKeys where !new.foreignKeys.contains(fk) { ops.append(.dropConstraint(table: t, name: fk.name)) }
        for check in old.checks where !new.checks.contains(where: { $0.name == check.name && $0.expression == check.expression }) {
            ops.append(.dropConstraint(table: t, name: check.name))
        }
        for u in old.uniques where !new.uniques.contains(u) { ops.append(.dropConstraint(table: t, name: u.name)) }
        for index in oldIndexes where !newIndexes.contains(index) && !index.columnNames.contains(where: { !newNames.contains($0) }) {
            ops.append(.dropIndex(name: index.name, table: t, concurrently: false))
        }
        for name in oldNames where !newNames.contains(name) { ops.append(.dropColumn(table: t, column: name)) }
        for c in new.columns {
            guard let o = old.column(c.name) else {
                ops.append(.addColumn(table: t, column: c, unique: nil, foreignKey: nil))
                continue
            }
            if o.identity != c.identity { return nil }
            // spec 1.1: generated columns and collations (a generated column changes only by drop and add)
            if o.generated != c.generated { return nil }
            var change = AlterColumn(table: t, column: c.name)
            if o.collation(.sqlite) != c.collation(.sqlite) { change.collation = c.collation.map { .set($0) } ?? .drop }
            if o.type != c.type { change.type = c.type }
            if o.nullable != c.nullable { change.nullable = c.nullable }
            if o.defaultValue != c.defaultValue { change.defaultChange = c.defaultValue.map { .set($0) } ?? .drop }
            if change.type != nil || change.nullable != nil || change.defaultChange != nil || change.collation != nil { ops.append(.alterColumn(change)) }
        }
        for u in new.uniques where !old.uniques.contains(u) { ops.append(.addUnique(u)) }
        for check in new.checks where !old.checks.contains(where: { $0.name == check.name && $0.expression == check.expression }) {
            ops.append(.addCheck(check))
        }
        for fk in new.foreignKeys where !old.foreignKeys.contains(fk) { ops.append(.addForeignKey(fk)) }
        for index in newIndexes where !oldIndexes.contains(index) { ops.append(.createIndex(index, concurrently: false)) }
        return ops.isEmpty ? nil : ops
    }
}

extension SQLiteRebuild {
    /// How many of the statements after a rebuild make the table's triggers (of `state`) again
    /// exactly as mgen renders them — 0 when it has none; nil when one is not made again so.
    static func triggersMadeAgain(_ following: ArraySlice<SourceStatement>, on table: String, state: SchemaState) -> Int? {
        let triggers = state.triggers(on: table)
        guard !triggers.isEmpty else { return 0 }
        let renderer = SQLRenderer.make(.sqlite)
        let context = StepContext(before: state, after: state, inTransaction: true, migrationID: "import", direction: .up, position: 1)
        var expected: [String] = []
        for trigger in triggers {
            guard let sql = try? renderer.objectChange(.create(.trigger(trigger)), context).map(\.sql), sql.count == 1 else { return nil }
            expected.append(EnumSwap.normalize(sql[0]))
        }
        var count = 0
        for statement in following {
            guard let k = expected.firstIndex(of: EnumSwap.normalize(statement.text)) else { break }
            expected.remove(at: k)
            count += 1
            if expected.isEmpty { return count }
        }
        return nil
    }
}
