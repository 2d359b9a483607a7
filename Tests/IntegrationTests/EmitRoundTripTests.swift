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
        let problems = try Self.run(exampleChain(), target: target, server: server)
        KnownIssues.record(problems.map { "\(target) on \(server.dialect): \($0)" }, chain: "example", cell: Cell(target: target, dialect: server.dialect))
    }

    /// How each SQL-file target's runner sends a migration to the database.
    enum Sending {
        /// One statement at a time, as the file is read back (goose's annotations and blocks).
        case statements
        /// Each file as one query (golang-migrate, Prisma): PostgreSQL's simple query protocol and
        /// SQLite run a multi-statement text. MySQL's client here has no multi-statement mode, so
        /// there the statements go one by one (as golang-migrate without `multiStatements` requires).
        case wholeFile
        /// The database's own command-line client reading the file (`psql`, `mariadb`, `sqlite3`).
        case client
    }

    static func sending(_ target: String) -> Sending {
        switch target {
        case "golang-migrate", "prisma": return .wholeFile
        case "sql": return .client
        default: return .statements
        }
    }

    /// Emits `chain` for a SQL-file target, reads the files back as its runner would, and walks
    /// them up, down and up, each up compared with the replayed state and, when given, exactly
    /// with `reference` (mgen's own SQL, per migration: a target's layout must not change the schema).
    static func run(_ chain: MigrationChain, target: String, server: DatabaseURL, reference: [SchemaSnapshot]? = nil) throws -> [CellProblem] {
        let emitter = try EmitterRegistry.require(target)
        let folder = try temporaryFolder("roundtrip-\(target)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try EmitEngine.write(EmitEngine.plan(chain, emitter: emitter, options: EmitOptions(dialect: server.dialect, output: folder)), force: false)
        let disk = try emitter.scan(folder)
        guard disk.map(\.specID) == chain.migrations.map(\.id) else {
            return [CellProblem(step: "scan", message: "the files on disk, in the framework's order, are \(disk.map(\.files))")]
        }
        var problems: [CellProblem] = []
        // An irreversible migration must not have a down a runner would run as if it were one.
        for (migration, planned) in zip(disk, chain.migrations) where planned.down == nil && migration.down != nil {
            problems.append(CellProblem(step: "irreversible \(planned.id)", message: "\(migration.files) carry a down that runs (\(migration.down ?? []))"))
        }
        let sending = server.dialect == .mysql && sending(target) == .wholeFile ? .statements : sending(target)
        let scratchServer = sending == .client && server.dialect == .sqlite ? try DatabaseURL("sqlite:\(folder)/client.db") : server
        return try problems + withScratchDatabase(scratchServer) { db, url in
            func send(_ index: Int, up: Bool) throws {
                let migration = disk[index]
                guard let statements = up ? migration.up : migration.down else { throw ToolFailure("\(migration.name) has no down") }
                let transactional = up ? migration.upTransactional : migration.downTransactional
                switch sending {
                case .statements:
                    try apply(statements, transactional: transactional, on: db)
                case .wholeFile:
                    let suffix = up ? [".up.sql", "/migration.sql"] : [".down.sql", "/down.sql"]
                    guard let file = migration.files.first(where: { name in suffix.contains { name.hasSuffix($0) } }) else {
                        throw ToolFailure("\(migration.name) has no \(up ? "up" : "down") file")
                    }
                    try db.execute(String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8))
                case .client:
                    guard let file = migration.files.first(where: { $0.hasSuffix(up ? ".up.sql" : ".down.sql") }) else {
                        throw ToolFailure("\(migration.name) has no \(up ? "up" : "down") file")
                    }
                    try SQLClient.run("\(folder)/\(file)", url: url)
                }
            }
            return RoundTrip(chain: chain, db: db,
                             afterUp: { index, snapshot in
                                 SchemaExpectation.mismatches(snapshot, chain.migrations[index].after, dialect: db.dialect)
                                     + (reference.map { SnapshotDiff($0[index], snapshot).render() } ?? [])
                             },
                             up: { try send($0, up: true) }, down: { try send($0, up: false) }).walk()
        }
    }
}

/// The databases' own command-line clients, reading a file as a user would feed it to them.
enum SQLClient {
    static func run(_ file: String, url: DatabaseURL) throws {
        let result: ToolRun
        switch url.dialect {
        case .postgresql:
            var env: [String: String] = [:]
            if let password = url.effectivePassword { env["PGPASSWORD"] = password }
            var arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file, "-d", url.database ?? ""]
            if let host = url.host { arguments += ["-h", host] }
            if let port = url.port { arguments += ["-p", String(port)] }
            if let user = url.user { arguments += ["-U", user] }
            result = try runTool(JSTools.find("psql"), arguments, environment: env)
        case .mysql:
            var arguments = ["--protocol=TCP", "-h", url.host ?? "127.0.0.1"]
            if let port = url.port { arguments += ["-P", String(port)] }
            if let user = url.user { arguments += ["-u", user] }
            if let password = url.effectivePassword { arguments.append("-p\(password)") }
            arguments += [url.database ?? "", "-e", "source \(file)"]
            result = try runTool(JSTools.find("mariadb"), arguments)
        case .sqlite:
            result = try runTool(JSTools.find("sqlite3"), ["-bail", url.database ?? "", ".read \(file)"])
        }
        guard result.status == 0, !result.output.contains("ERROR") else {
            throw ToolFailure("\(url.dialect) client on \((file as NSString).lastPathComponent) exited with \(result.status):\n\(result.output)")
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
        // spec 1.1: enum types (MySQL: the type's values inline, which the state keeps in the type)
        case (.enumType, .sqlite): return "text"
        case (.enumType, .mysql): return nil
        // spec 1.1: column types (the neutral type is the plain one; `precisionProblem` checks the digits)
        case let (.temporal(kind, _), _):
            var plain = column
            plain.type = kind.plain
            return neutral(plain, dialect)
        default: return column.type.description
        }
    }

    /// spec 1.1: column types. A time column's written precision, as the catalog spells it
    /// (PostgreSQL `timestamp(3) without time zone`, MySQL `datetime(3)`, or `datetime` for 0);
    /// SQLite keeps none.
    static func precisionProblem(_ column: Column, _ nativeType: String, _ dialect: Dialect) -> String? {
        guard case let .temporal(_, p) = column.type, dialect != .sqlite else { return nil }
        let digits = nativeType.firstRange(of: #/\([0-9]+\)/#).map { String(nativeType[$0].dropFirst().dropLast()) }
        let expected: String? = dialect == .mysql && p == 0 ? nil : String(p)
        return digits == expected ? nil : "precision \(digits ?? "none") (\(nativeType)), expected \(expected ?? "none")"
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
                if let problem = precisionProblem(column, found.nativeType, dialect) { problems.append("\(name).\(column.name): \(problem)") }
                if found.nullable != column.nullable { problems.append("\(name).\(column.name): nullable \(found.nullable), expected \(column.nullable)") }
                // SQLite: a lone INTEGER primary key is the rowid's alias, auto-incrementing whatever the spec says.
                let identity = column.identity
                    || (dialect == .sqlite && column.type == .integer && table.primaryKey?.columns == [column.name])
                if found.identity != identity { problems.append("\(name).\(column.name): identity \(found.identity), expected \(identity)") }
                // spec 1.1: a generated column's expression and kind are its snapshot's default
                if let generated = column.generated {
                    let kind = generated.isStored(dialect) ? "STORED" : "VIRTUAL"
                    if !found.isGenerated || found.default?.hasSuffix(kind) != true {
                        problems.append("\(name).\(column.name): default \(found.default ?? "none"), expected GENERATED ALWAYS AS (…) \(kind)")
                    }
                } else if !identity, (found.default != nil) != (column.defaultValue != nil) {
                    problems.append("\(name).\(column.name): default \(found.default ?? "none"), expected \(column.defaultValue?.description ?? "none")")
                }
                // spec 1.1: collations (a snapshot shows one other than the default: SQLite's BINARY
                // and MariaDB's utf8mb4_general_ci are none)
                var collation = column.collation(dialect).map { dialect == .sqlite ? $0.uppercased() : $0 }
                if collation == "BINARY" || collation == "utf8mb4_general_ci" { collation = nil }
                // MySQL shows no collation for a column collated as its table's default (seed 6:
                // alter_table made the table's default the column's collation)
                if dialect == .mysql, collation != nil, collation == table.mysqlOptions?.effectiveCollation { collation = nil }
                if found.collation != collation {
                    problems.append("\(name).\(column.name): collation \(found.collation ?? "none"), expected \(collation ?? "none")")
                }
            }
            if let pk = table.primaryKey, actual.primaryKey?.columns != pk.columns {
                problems.append("\(name): primary key \(actual.primaryKey?.columns ?? []), expected \(pk.columns)")
            }
            // Indexes the state names, with their columns and uniqueness.
            for index in state.indexes(on: name) {
                guard let found = actual.index(index.name) else { problems.append("\(name): missing index \(index.name)"); continue }
                // An expression part is introspected as its text, which the state does not spell alike: compare columns only without expressions.
                let plain = index.parts.allSatisfy { $0.columnName != nil }
                // spec 1.1: with each key's options as the snapshot spells them.
                let expected = Self.introspectedKeys(index, dialect: dialect)
                if found.unique != index.unique || (plain && found.columns != expected) {
                    problems.append("\(name): index \(index.name) is \(found.unique ? "unique " : "")\(found.columns), expected \(index.unique ? "unique " : "")\(expected)")
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
