import Foundation
import MGenEmit
import MGenSpec
import MGenTestSupport
import MGenVerify
import Testing

/// The foundation's proof: emit the example chain for each SQL-file target, read the files back as
/// that framework would run them (goose annotations, golang-migrate pairs, Prisma folders), apply
/// every up on a real database checking the catalog against the spec's replayed state after each,
/// every down in reverse until the schema is empty, then every up again.
@Suite(.serialized) struct EmitRoundTripTests {
    static let targets = ["sql", "golang-migrate", "goose", "prisma"]

    @Test(arguments: targets)
    func sqlite(target: String) throws {
        try roundTrip(target: target, server: DatabaseURL("sqlite::memory:"))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)), arguments: targets)
    func postgresql(target: String) throws {
        try roundTrip(target: target, server: DBEnv.url(DBEnv.pgKey))
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey)), arguments: targets)
    func mysql(target: String) throws {
        try roundTrip(target: target, server: DBEnv.url(DBEnv.mysqlKey))
    }

    func roundTrip(target: String, server: DatabaseURL) throws {
        let chain = try exampleChain()
        let emitter = try EmitterRegistry.require(target)
        let folder = try temporaryFolder("roundtrip-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: server.dialect, output: folder)), force: false)
        let disk = try emitter.scan(folder)
        #expect(disk.map(\.specID) == chain.migrations.map(\.id), "the files on disk, in the framework's order, are the chain")

        try withScratchDatabase(server) { db, _ in
            var firstPass: [SchemaSnapshot] = []
            for (migration, planned) in zip(disk, chain.migrations) {
                try apply(migration.up, transactional: migration.upTransactional, on: db)
                let snapshot = try introspect(db, exclude: frameworkBookkeepingTables)
                let problems = SchemaExpectation.mismatches(snapshot, planned.after, dialect: db.dialect)
                #expect(problems.isEmpty, "after the up of \(planned.id) on \(db.dialect) (\(target)):\n\(problems.joined(separator: "\n"))")
                firstPass.append(snapshot)
            }
            for (index, migration) in disk.enumerated().reversed() {
                let down = try #require(migration.down, "\(migration.name) has no down")
                try apply(down, transactional: migration.downTransactional, on: db)
                let snapshot = try introspect(db, exclude: frameworkBookkeepingTables)
                let expected = index > 0 ? firstPass[index - 1] : SchemaSnapshot(dialect: db.dialect, tables: [])
                let changes = SnapshotDiff(expected, snapshot).render()
                #expect(changes.isEmpty, "the down of \(migration.name) on \(db.dialect) (\(target)) left:\n\(changes.joined(separator: "\n"))")
            }
            #expect(try introspect(db, exclude: frameworkBookkeepingTables).tables.isEmpty)
            for migration in disk { try apply(migration.up, transactional: migration.upTransactional, on: db) }
            let again = try introspect(db, exclude: frameworkBookkeepingTables)
            #expect(SnapshotDiff(try #require(firstPass.last), again).render().isEmpty, "up again ends where the first up ended")
        }
    }
}

/// What the spec's replayed state says the catalog must hold, compared field by field with an
/// introspected snapshot. Where a dialect stores a type in a wider one (an enum as text, JSON as
/// text on SQLite), the comparison expects the stored type.
enum SchemaExpectation {
    static func neutral(_ column: Column, _ dialect: Dialect) -> String? {
        // SQLite's autoincrementing key must be spelled INTEGER.
        if column.identity, dialect == .sqlite { return "integer" }
        switch (column.type, dialect) {
        case (.native, _): return nil
        case (.enumeration, .postgresql), (.enumeration, .sqlite), (.json, .sqlite): return "text"
        case (.timestamptz, .sqlite): return "timestamp"
        default: return column.type.description
        }
    }

    static func mismatches(_ snapshot: SchemaSnapshot, _ state: SchemaState, dialect: Dialect) -> [String] {
        var problems: [String] = []
        let actualTables = Set(snapshot.tables.map(\.name))
        if actualTables != Set(state.tableNames) {
            problems.append("tables: expected \(state.tableNames.sorted()), found \(actualTables.sorted())")
        }
        for name in state.tableNames {
            guard let table = state.table(name), let actual = snapshot.table(name) else { continue }
            if Set(actual.columns.map(\.name)) != Set(table.columns.map(\.name)) {
                problems.append("\(name): columns \(actual.columns.map(\.name)) != \(table.columns.map(\.name))")
            }
            for column in table.columns {
                guard let found = actual.column(column.name) else { continue }
                if let type = neutral(column, dialect), found.neutralType != type {
                    problems.append("\(name).\(column.name): type \(found.neutralType) (\(found.nativeType)), expected \(type)")
                }
                if found.nullable != column.nullable { problems.append("\(name).\(column.name): nullable \(found.nullable), expected \(column.nullable)") }
                if found.identity != column.identity { problems.append("\(name).\(column.name): identity \(found.identity), expected \(column.identity)") }
                if !column.identity, (found.default != nil) != (column.defaultValue != nil) {
                    problems.append("\(name).\(column.name): default \(found.default ?? "none"), expected \(column.defaultValue?.description ?? "none")")
                }
            }
            if let pk = table.primaryKey, actual.primaryKey?.columns != pk.columns {
                problems.append("\(name): primary key \(actual.primaryKey?.columns ?? []), expected \(pk.columns)")
            }
            // Indexes the state names, with their columns and uniqueness.
            for index in state.indexes(on: name) {
                guard let found = actual.index(index.name) else { problems.append("\(name): missing index \(index.name)"); continue }
                if found.unique != index.unique || found.columns != index.columnNames {
                    problems.append("\(name): index \(index.name) is \(found.unique ? "unique " : "")\(found.columns), expected \(index.unique ? "unique " : "")\(index.columnNames)")
                }
            }
            // Unique constraints: constraints on PostgreSQL, unique indexes on SQLite and MySQL.
            for unique in table.uniques {
                let asConstraint = actual.uniqueConstraints.contains { $0.name == unique.name && $0.columns == unique.columns }
                let asIndex = actual.indexes.contains { $0.name == unique.name && $0.unique && $0.columns == unique.columns }
                if !(dialect == .postgresql ? asConstraint : asIndex) { problems.append("\(name): missing unique \(unique.name) \(unique.columns)") }
            }
            let expectedIndexNames = Set(state.indexes(on: name).map(\.name))
                .union(dialect == .postgresql ? [] : table.uniques.map(\.name))
                .union(dialect == .mysql ? table.foreignKeys.map(\.name) : [])
            for extra in actual.indexes.map(\.name) where !expectedIndexNames.contains(extra) {
                problems.append("\(name): unexpected index \(extra)")
            }
            for fk in table.foreignKeys {
                let found = actual.foreignKeys.contains {
                    $0.name == fk.name && $0.columns == fk.columns && $0.referencedTable == fk.referencedTable
                        && $0.referencedColumns == fk.referencedColumns && $0.onDelete == (fk.onDelete?.rawValue ?? $0.onDelete)
                }
                if !found { problems.append("\(name): missing foreign key \(fk.name) \(fk.columns) -> \(fk.referencedTable)\(fk.referencedColumns)") }
            }
            if actual.foreignKeys.count != table.foreignKeys.count {
                problems.append("\(name): \(actual.foreignKeys.count) foreign keys, expected \(table.foreignKeys.count)")
            }
            let checkNames = Set(actual.checkConstraints.compactMap(\.name))
            for check in table.checks where !checkNames.contains(check.name) { problems.append("\(name): missing check \(check.name)") }
            if dialect != .sqlite, actual.comment != table.comment {
                problems.append("\(name): comment \(actual.comment ?? "none"), expected \(table.comment ?? "none")")
            }
        }
        return problems
    }
}
