import Foundation
import MGenSpec
import MGenSQL

/// SplitMix64: a tiny, fully specified PRNG, so a seed gives the same chain on every machine and
/// every Swift version (the system generator is neither seedable nor stable).
public struct SplitMix64: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<bound (bound > 0).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    public mutating func pick<C: RandomAccessCollection>(_ items: C) -> C.Element? { items.isEmpty ? nil : items[items.index(items.startIndex, offsetBy: below(items.count))] }
}

/// A YAML value, written in flow style with every string double-quoted, so reserved words,
/// mixed case, `null`, `yes` and long names reach the loader exactly as meant.
public indirect enum YAMLValue: Hashable, Sendable {
    case string(String), number(String), bool(Bool), null
    case map([(String, YAMLValue)])
    case list([YAMLValue])

    public static func == (a: YAMLValue, b: YAMLValue) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    public var text: String {
        switch self {
        case let .string(s): return YAMLValue.quoted(s)
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        case .null: return "null"
        case let .map(pairs): return "{" + pairs.map { "\($0.0): \($0.1.text)" }.joined(separator: ", ") + "}"
        case let .list(items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

/// One generated operation: its kind (for feature filters and reports) and its YAML.
public struct GeneratedOperation: Hashable, Sendable {
    public var kind: String
    public var yaml: YAMLValue
    public init(kind: String, yaml: YAMLValue) { self.kind = kind; self.yaml = yaml }
    /// `- kind: {...}`, one line.
    public var line: String {
        guard case let .map(pairs) = yaml, let first = pairs.first else { return "- \(yaml.text)" }
        return "- \(first.0): \(first.1.splittingSchemas.text)" // spec 1.1: schemas
    }
}

extension GeneratedOperation {
    /// The number of columns of a create_table (nil for other operations).
    public var createTableColumns: Int? {
        guard kind == "create_table", case let .map(outer) = yaml, case let .map(fields)? = outer.first?.1,
              case let .list(columns)? = fields.first(where: { $0.0 == "columns" })?.1 else { return nil }
        return columns.count
    }

    /// The create_table without its column at `index` (for shrinking); nil when there is none.
    public func removingCreateTableColumn(_ index: Int) -> GeneratedOperation? {
        guard kind == "create_table", case let .map(outer) = yaml, let (key, body) = outer.first, case var .map(fields) = body,
              let at = fields.firstIndex(where: { $0.0 == "columns" }), case var .list(columns) = fields[at].1,
              columns.indices.contains(index), columns.count > 1 else { return nil }
        columns.remove(at: index)
        fields[at].1 = .list(columns)
        return GeneratedOperation(kind: kind, yaml: .map([(key, .map(fields))]))
    }
}

/// One generated spec file.
public struct GeneratedSpec: Hashable, Sendable {
    public var id: String
    public var name: String
    public var operations: [GeneratedOperation]
    /// An explicit `down:` (replaces the derived one).
    public var down: [GeneratedOperation]?
    public var irreversible: String?
    public var transaction: Bool?

    public var fileName: String { "\(id)_\(name).yaml" }

    public var text: String {
        var lines = ["mgen: 1", "id: \"\(id)\"", "name: \(name)"]
        if let transaction { lines.append("transaction: \(transaction)") }
        if let irreversible { lines.append("irreversible: \(YAMLValue.quoted(irreversible))") }
        lines.append("operations:")
        lines += operations.map { "  " + $0.line }
        if let down {
            lines.append("down:")
            lines += down.map { "  " + $0.line }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What the generator may use; leave some out to isolate a failing class.
public enum ChainFeature: String, CaseIterable, Sendable {
    case dropTable, renameTable, addColumn, dropColumn, renameColumn
    case alterType, alterNullability, alterDefault, alterComment
    case index, expressionIndex, partialIndex, uniqueIndex, indexMethod, concurrentIndex, dropIndex
    case foreignKey, compositeKey, selfReference, addUnique, addCheck, notValid, validateConstraint, dropConstraint
    case rawSQL, backfill, irreversible, explicitDown
    case enums, reservedNames, mixedCase, longNames, comments
    // spec 1.1: views, functions, triggers, extensions, sequences (ChainGeneratorObjects.swift)
    case views, triggers, sequences, extensions
    // spec 1.1: enum types
    case enumTypes
    // spec 1.1: data steps, index key order and options
    case dataSteps, indexOptions, primaryKeys
    // spec 1.1: column types (time(p), timestamp(p), timestamptz(p))
    case timePrecision
    // spec 1.1: column types (char(n); varchar(max) where the dialect has it)
    case charTypes
    // spec 1.1: column types (smallint/integer/bigint unsigned, MySQL only)
    case unsignedIntegers
    // spec 1.1: column types (text[], integer[]: PostgreSQL only)
    case arrays
    // spec 1.1: comments on existing tables, index renames (ChainGeneratorComments.swift)
    case tableComments, renameIndexes
    // spec 1.1: constraint renames (ChainGeneratorConstraints.swift)
    case renameConstraints
    // spec 1.1: schemas, PostgreSQL only (ChainGeneratorSchemas.swift)
    case schemas
    // spec 1.1: deferrable constraints (ChainGeneratorConstraints.swift)
    case deferrable
    // spec 1.1: altering in place (ChainGeneratorAlterInPlace.swift): create_table's mysql: options and alter_table; alter_constraint
    case alterTableOptions, alterConstraints
    // spec 1.1: generated columns and collations (ChainGeneratorGenerated.swift)
    case generatedColumns, collations
    // spec 1.1: unique constraints from a unique index (ChainGeneratorUniqueUsingIndex.swift)
    case uniqueUsingIndex
}

/// A chain the generator kept: its specs (as YAML files) and the chain they build.
public struct GeneratedChain: Sendable {
    public var seed: UInt64
    public var dialect: Dialect
    public var specs: [GeneratedSpec]
    public var chain: MigrationChain

    /// The files, as `=== name ===` sections: what a failure report prints.
    public var yaml: String {
        specs.map { "# \($0.fileName)\n\($0.text)" }.joined(separator: "\n")
    }

    /// Writes the specs into `folder` (one file each), for fixtures and `mgen` runs.
    public func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for spec in specs {
            try spec.text.write(toFile: "\(folder)/\(spec.fileName)", atomically: true, encoding: .utf8)
        }
    }

    /// Loads the specs through the real loader and builds the chain; nil when anything rejects it
    /// (the loader, the validator, the dialect's limits, or the SQL renderer for `dialect`).
    public static func build(_ specs: [GeneratedSpec], dialect: Dialect, seed: UInt64 = 0) -> GeneratedChain? {
        var migrations: [Migration] = []
        for spec in specs {
            guard let migration = try? SpecLoader.load(text: spec.text, file: "generated/\(spec.fileName)") else { return nil }
            migrations.append(migration)
        }
        guard let chain = try? MigrationChain.build(migrations) else { return nil }
        // What `mgen validate --dialect` refuses for this dialect (an index MariaDB would cut to a
        // prefix silently, a default MySQL refuses) is no chain a user can emit either.
        guard DialectRules.problems(in: chain, for: dialect).isEmpty else { return nil }
        guard (try? SQLRenderer(dialect: dialect).render(chain)) != nil else { return nil }
        return GeneratedChain(seed: seed, dialect: dialect, specs: specs, chain: chain)
    }

    /// Reads a folder of specs back (a saved fixture).
    public static func load(folder: String, dialect: Dialect) throws -> GeneratedChain {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        var migrations: [Migration] = []
        for name in names {
            let text = try String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)
            migrations.append(try SpecLoader.load(text: text, file: "\((folder as NSString).lastPathComponent)/\(name)"))
        }
        let chain = try MigrationChain.build(migrations)
        // Fixture specs are kept as text: GeneratedSpec carries no parser, so they cannot be shrunk again.
        return GeneratedChain(seed: 0, dialect: dialect, specs: [], chain: chain)
    }
}

/// Generates random valid chains. Every candidate operation is kept only when the real loader,
/// the validator (against the replayed state) and the SQL renderer for the chain's dialect accept
/// the chain with it: the generator proposes, mgen decides, so the generator never re-states a rule.
public struct ChainGenerator: Sendable {
    public var seed: UInt64
    public var dialect: Dialect
    public var features: Set<ChainFeature>
    public var specCount: Int
    public var operationsPerSpec: ClosedRange<Int>

    public init(seed: UInt64, dialect: Dialect, features: Set<ChainFeature> = Set(ChainFeature.allCases),
                specCount: Int = 8, operationsPerSpec: ClosedRange<Int> = 1...3) {
        self.seed = seed
        self.dialect = dialect
        self.features = features
        self.specCount = specCount
        self.operationsPerSpec = operationsPerSpec
    }

    public func generate() throws -> GeneratedChain {
        // The dialect is mixed into the seed, so each dialect's chain differs but stays reproducible.
        var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(Dialect.allCases.firstIndex(of: dialect) ?? 0))
        var specs: [GeneratedSpec] = []
        var state = SchemaState()
        var accepted = GeneratedChain.build([], dialect: dialect, seed: seed)
        for number in 1...specCount {
            let id = String(format: "%04d", number)
            var spec = GeneratedSpec(id: id, name: "gen_\(id)", operations: [])
            let wanted = operationsPerSpec.lowerBound + rng.below(operationsPerSpec.count)
            var attempts = 0
            // spec 1.1: object steps (from their side stream) do not count, so the others stay as they were
            while spec.operations.filter({ !ObjectChange.kinds.contains($0.kind) }).count < wanted, attempts < 40 {
                attempts += 1
                var proposer = Proposer(rng: rng, state: state, dialect: dialect, features: features, specID: id, serial: attempts)
                let candidate = proposer.propose()
                rng = proposer.rng
                guard !candidate.isEmpty else { continue }
                var trial = spec
                trial.operations += candidate
                if candidate.contains(where: { $0.kind == "sql_irreversible" }) {
                    trial.irreversible = "generated: raw SQL without a down"
                }
                if let built = GeneratedChain.build(specs + [trial], dialect: dialect, seed: seed) {
                    spec = trial
                    state = built.chain.final
                    accepted = built
                }
            }
            guard !spec.operations.isEmpty else { continue }
            // Sometimes the spec's own down, written out: the inverse of a single simple step.
            if features.contains(.explicitDown), spec.down == nil, spec.irreversible == nil, spec.operations.count == 1,
               let down = Self.explicitDown(spec.operations[0]), rng.chance(50) {
                var trial = spec
                trial.down = [down]
                if let built = GeneratedChain.build(specs + [trial], dialect: dialect, seed: seed) {
                    spec = trial
                    accepted = built
                }
            }
            specs.append(spec)
        }
        return GeneratedChain(seed: seed, dialect: dialect, specs: specs, chain: try accepted?.chain ?? MigrationChain.build([]))
    }

    /// The inverse of a rename, an added column or an index, as a user would write it by hand.
    static func explicitDown(_ operation: GeneratedOperation) -> GeneratedOperation? {
        guard case let .map(outer) = operation.yaml, let (kind, body) = outer.first, case let .map(fields) = body else { return nil }
        func field(_ name: String) -> YAMLValue? { fields.first { $0.0 == name }?.1 }
        switch kind {
        case "rename_column":
            guard let table = field("table"), let column = field("column"), let to = field("to") else { return nil }
            return GeneratedOperation(kind: "rename_column", yaml: .map([("rename_column", .map([("table", table), ("column", to), ("to", column)]))]))
        case "rename_table":
            guard let table = field("table"), let to = field("to") else { return nil }
            return GeneratedOperation(kind: "rename_table", yaml: .map([("rename_table", .map([("table", to), ("to", table)]))]))
        case "add_column":
            guard let table = field("table"), case let .map(column)? = field("column"), let name = column.first(where: { $0.0 == "name" })?.1,
                  !column.contains(where: { $0.0 == "references" || $0.0 == "unique" }) else { return nil }
            return GeneratedOperation(kind: "drop_column", yaml: .map([("drop_column", .map([("table", table), ("column", name)]))]))
        case "create_index":
            guard let name = field("name"), field("concurrently") == nil else { return nil }
            return GeneratedOperation(kind: "drop_index", yaml: .map([("drop_index", .map([("name", name)]))]))
        default:
            return nil
        }
    }
}

/// Proposes one candidate (one or a few operations) from the current state.
struct Proposer {
    var rng: SplitMix64
    let state: SchemaState
    let dialect: Dialect
    let features: Set<ChainFeature>
    let specID: String
    let serial: Int

    func has(_ feature: ChainFeature) -> Bool { features.contains(feature) }

    // MARK: names

    static let reserved = ["user", "order", "group", "select", "desc", "key", "table", "index", "default", "check"]
    static let plainTables = ["accounts", "items", "events", "tags", "notes"]
    static let plainColumns = ["label", "amount", "note", "status", "created_at", "score", "code", "title"]

    mutating func tableName() -> String {
        var pool = Self.plainTables
        if has(.reservedNames) { pool += Self.reserved }
        if has(.mixedCase) { pool += ["Account", "OrderLine", "userProfile"] }
        if has(.longNames) { pool.append("t_" + String(repeating: "long", count: 14) + "_tbl") }  // 62 bytes
        let base = inSchema(rng.pick(pool) ?? "t") // spec 1.1: schemas
        return fresh(base) { state.table($0) == nil && state.index($0) == nil }
    }

    mutating func columnName(in table: Table?) -> String {
        var pool = Self.plainColumns
        if has(.reservedNames) { pool += Self.reserved }
        if has(.mixedCase) { pool += ["Value", "createdAt", "ZipCode"] }
        if has(.longNames) { pool.append("c_" + String(repeating: "wide", count: 15)) }  // 62 bytes
        let base = rng.pick(pool) ?? "c"
        return fresh(base) { table?.column($0) == nil }
    }

    /// An object name (index, constraint): unique in the shared namespace.
    mutating func objectName(_ hint: String) -> String {
        let base = String(hint.replacingOccurrences(of: String(QualifiedName.separator), with: "_").prefix(40)) // spec 1.1: schemas
        return fresh(base) { state.index($0) == nil && state.constraintOwner($0) == nil && state.table($0) == nil }
    }

    func fresh(_ base: String, free: (String) -> Bool) -> String {
        if free(base) { return base }
        var n = 2
        while !free("\(base)_\(n)") { n += 1 }
        return "\(base)_\(n)"
    }

    /// An identifier quoted for this dialect, for raw SQL and expressions.
    func q(_ name: String) -> String {
        // spec 1.1: schemas. A table of another schema: "billing"."invoices".
        if QualifiedName.isQualified(name) { return QualifiedName(name).schema.map(q).map { $0 + "." } .map { $0 + q(QualifiedName.unqualified(name)) } ?? q(QualifiedName.unqualified(name)) }
        return dialect == .mysql ? "`\(name.replacingOccurrences(of: "`", with: "``"))`" : "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""
    }

    // MARK: types and values

    enum Kind { case bool, int, decimal, float, string, text, date, time, timestamp, uuid, json, binary, enumeration }

    mutating func columnType() -> (String, Kind) {
        var types: [(String, Kind)] = [
            ("boolean", .bool), ("smallint", .int), ("integer", .int), ("bigint", .int), ("decimal(10,2)", .decimal),
            ("real", .float), ("double", .float), ("string(40)", .string), ("string(200)", .string), ("text", .text),
            ("date", .date), ("time", .time), ("timestamp", .timestamp), ("timestamptz", .timestamp), ("uuid", .uuid),
            ("json", .json), ("binary", .binary),
        ]
        if has(.enums) { types += [("enum(active,Suspended,on-hold)", .enumeration), ("enum(a,b)", .enumeration)] }
        var picked = rng.pick(types) ?? ("integer", .int)
        // spec 1.1: column types. A precision from a side stream (the main one does not advance),
        // so the chains of a seed keep their other steps.
        if has(.timePrecision), ["time", "timestamp", "timestamptz"].contains(picked.0) {
            var copy = rng
            var side = SplitMix64(seed: copy.next() ^ 0x7469_6D65_7072_6563)
            if side.chance(40) { picked.0 += "(\(side.below(ColumnType.maxTimePrecision + 1)))" }
        }
        // spec 1.1: column types. A fixed-length or unbounded string from another side stream.
        if has(.charTypes), picked.0.hasPrefix("string(") || (picked.0 == "text" && dialect != .mysql) {
            var copy = rng
            var side = SplitMix64(seed: copy.next() ^ 0x6368_6172_7479_7065)
            if side.chance(50) {
                picked.0 = picked.0 == "string(40)" || dialect == .mysql ? "char(\(side.pick([12, 40]) ?? 12))" : "varchar(max)"
            }
        }
        // spec 1.1: column types. MySQL's unsigned integers, from a third side stream.
        if has(.unsignedIntegers), dialect == .mysql, ["smallint", "integer", "bigint"].contains(picked.0) {
            var copy = rng
            var side = SplitMix64(seed: copy.next() ^ 0x756E_7369_676E_6564)
            if side.chance(40) { picked.0 += " unsigned" }
        }
        // spec 1.1: column types. PostgreSQL arrays, from a fourth side stream.
        if has(.arrays), dialect == .postgresql, ["text", "integer"].contains(picked.0) {
            var copy = rng
            var side = SplitMix64(seed: copy.next() ^ 0x6172_7261_7973_0001)
            if side.chance(35) { picked = (picked.0 + "[]", .json) }
        }
        return picked
    }

    static func kind(of type: ColumnType) -> Kind {
        switch type.withoutPrecision.description {
        case "boolean": return .bool
        case "smallint", "integer", "bigint": return .int
        case "real", "double": return .float
        case "text": return .text
        case "date": return .date
        case "time": return .time
        case "timestamp", "timestamptz": return .timestamp
        case "uuid": return .uuid
        case "json": return .json
        case "binary": return .binary
        default:
            let d = type.description
            if d.hasSuffix("[]") { return .json } // spec 1.1: column types (no literal defaults, not in keys)
            if d.hasPrefix("decimal") { return .decimal }
            if d.hasPrefix("enum") { return .enumeration }
            if d.hasPrefix("string") || d.hasPrefix("char(") || d == "varchar(max)" { return .string } // spec 1.1: column types
            if d.hasSuffix(" unsigned") { return .int } // spec 1.1: column types
            return .text
        }
    }

    mutating func defaultValue(_ kind: Kind, type: String) -> YAMLValue? {
        switch kind {
        case .bool: return .bool(rng.chance(50))
        case .int:
            let value = rng.pick(["0", "7", "-1"]) ?? "0"
            return .number(value == "-1" && type.hasSuffix(" unsigned") ? "1" : value) // spec 1.1: column types
        case .decimal: return .number("1.5")
        case .float: return .number("0.25")
        case .string, .text: return .string(rng.pick(["", "none", "it's", "50%", "back\\slash"]) ?? "x")
        case .date: return .string("2024-01-31")
        case .timestamp: return .map([("sql", .string("now()"))])
        case .enumeration:
            if let values = enumTypeValues(type) { return rng.pick(values).map { .string($0) } } // spec 1.1: enum types
            let values = type.dropFirst(5).dropLast().split(separator: ",").map(String.init)
            return rng.pick(values).map { .string($0) }
        case .time, .uuid, .json, .binary: return nil
        }
    }

    // MARK: proposals

    enum Choice { case createTable, addColumn, dropTable, renameTable, dropColumn, renameColumn, alterColumn, createIndex, dropIndex
        case addForeignKey, addUnique, addCheck, validateConstraint, dropConstraint, rawSQL, backfill
        case enumType // spec 1.1: enum types
        // spec 1.1: data steps, primary keys
        case dataSteps, primaryKeys
    }

    mutating func propose() -> [GeneratedOperation] {
        let tables = state.tableNames
        var menu: [Choice] = []
        func add(_ weight: Int, _ choice: Choice) { menu += Array(repeating: choice, count: weight) }
        add(tables.count < 2 ? 6 : 2, .createTable)
        if has(.enumTypes) { add(2, .enumType) } // spec 1.1: enum types
        if !tables.isEmpty {
            if has(.addColumn) { add(4, .addColumn) }
            if has(.dropTable) { add(1, .dropTable) }
            if has(.renameTable) { add(2, .renameTable) }
            if has(.dropColumn) { add(2, .dropColumn) }
            if has(.renameColumn) { add(3, .renameColumn) }
            if has(.alterType) || has(.alterNullability) || has(.alterDefault) || has(.alterComment) { add(4, .alterColumn) }
            if has(.index) { add(3, .createIndex) }
            if has(.dropIndex), !state.indexNames.isEmpty { add(2, .dropIndex) }
            if has(.foreignKey) { add(2, .addForeignKey) }
            if has(.addUnique) { add(1, .addUnique) }
            if has(.addCheck) { add(2, .addCheck) }
            if has(.validateConstraint) { add(1, .validateConstraint) }
            if has(.dropConstraint) { add(2, .dropConstraint) }
            if has(.rawSQL) { add(1, .rawSQL) }
            if has(.backfill) { add(1, .backfill) }
            // spec 1.1: data steps
            if has(.dataSteps) { add(2, .dataSteps) }
            if has(.primaryKeys) { add(1, .primaryKeys) }
        }
        // spec 1.1: views, functions, triggers, extensions, sequences, proposed from a side stream
        // (the main one does not advance), so the chains of a seed keep their other steps
        if !tables.isEmpty, has(.views) || has(.triggers) || has(.sequences) || has(.extensions) {
            var copy = rng
            var side = SplitMix64(seed: copy.next() ^ (UInt64(serial) &* 0x6F62_6A65_6374_7321))
            if side.chance(15) {
                var proposer = self
                proposer.rng = side
                return proposer.objectStep()
            }
        }
        // spec 1.1: comments, from a side stream of their own, as the objects above
        if has(.tableComments), let step = tableCommentStep() { return step }
        if has(.renameIndexes), let step = renameIndexStep() { return step }
        // spec 1.1: constraint renames, from a side stream of their own
        if has(.renameConstraints), let step = renameConstraintStep() { return step }
        // spec 1.1: altering in place, from a side stream of its own
        if has(.alterTableOptions) || has(.alterConstraints), let step = alterInPlaceStep() { return step }
        // spec 1.1: schemas, from a side stream of their own
        if let step = schemaStep() { return step }
        // spec 1.1: generated columns and collations, from side streams of their own
        if let step = generatedColumnStep() ?? collationChangeStep() { return step }
        // spec 1.1: unique constraints from a unique index, from a side stream of their own
        if has(.uniqueUsingIndex), let step = uniqueUsingIndexStep() { return step }
        switch menu[rng.below(menu.count)] {
        case .createTable: return withGeneratedColumn(has(.alterTableOptions) ? withTableOptions(createTable()) : createTable()) // spec 1.1: altering in place, generated columns
        case .addColumn: return addColumn()
        case .dropTable: return dropTable()
        case .renameTable: return renameTable()
        case .dropColumn: return dropColumn()
        case .renameColumn: return renameColumn()
        case .alterColumn: return alterColumn()
        // spec 1.1: index key order and options (ChainGeneratorIndexOptions.swift)
        case .createIndex: return has(.indexOptions) ? withIndexOptions(createIndex()) : createIndex()
        case .dropIndex: return dropIndex()
        // spec 1.1: deferrable constraints
        case .addForeignKey: return has(.deferrable) ? withDeferrable(addForeignKey()) : addForeignKey()
        case .addUnique: return has(.deferrable) ? withDeferrable(addUnique()) : addUnique()
        case .addCheck: return addCheck()
        case .validateConstraint: return validateConstraint()
        case .dropConstraint: return dropConstraint()
        case .rawSQL: return rawSQL()
        case .backfill: return backfill()
        case .enumType: return enumTypeStep() // spec 1.1: enum types
        // spec 1.1: data steps
        case .dataSteps: return dataSteps()
        case .primaryKeys: return primaryKeyChange()
        }
    }

    func op(_ kind: String, _ fields: [(String, YAMLValue?)]) -> GeneratedOperation {
        GeneratedOperation(kind: kind, yaml: .map([(kind, .map(fields.compactMap { pair in pair.1.map { (pair.0, $0) } }))]))
    }

    mutating func pickTable() -> Table? { rng.pick(state.tableNames).flatMap(state.table) }

    mutating func column(in table: Table?, allowReferences: Bool) -> YAMLValue {
        let name = columnName(in: table)
        if let enumColumn = enumTypeColumn(name) { return enumColumn } // spec 1.1: enum types
        let (type, kind) = columnType()
        var fields: [(String, YAMLValue)] = [("name", .string(name)), ("type", .string(type))]
        let withDefault = rng.chance(40)
        if withDefault, let value = defaultValue(kind, type: type) { fields.append(("default", value)) }
        if rng.chance(30), withDefault || table == nil { fields.append(("nullable", .bool(false))) }
        if has(.comments), rng.chance(20) { fields.append(("comment", .string(rng.pick(["A note.", "it's 100% \"quoted\"", "Ünïcode"]) ?? "c"))) }
        if let collation = collationField(for: type, name: name) { fields.append(collation) } // spec 1.1: collations
        if rng.chance(10), kind == .string || kind == .int { fields.append(("unique", .bool(true))) }
        return .map(fields)
    }

    mutating func createTable() -> [GeneratedOperation] {
        let name = tableName()
        var columns: [YAMLValue] = []
        var fields: [(String, YAMLValue?)] = [("table", .string(name))]
        var primary: [String] = []
        if has(.compositeKey), rng.chance(25) {
            let a = columnName(in: nil), b = fresh("part") { $0 != a }
            columns.append(.map([("name", .string(a)), ("type", .string("integer")), ("nullable", .bool(false))]))
            columns.append(.map([("name", .string(b)), ("type", .string("string(20)")), ("nullable", .bool(false))]))
            primary = [a, b]
        } else {
            let id = rng.chance(70) ? "id" : columnName(in: nil)
            var pk: [(String, YAMLValue)] = [("name", .string(id)), ("type", .string(rng.pick(["bigint", "integer"]) ?? "bigint")), ("primary_key", .bool(true))]
            if rng.chance(60) { pk.append(("identity", .bool(true))) }
            columns.append(.map(pk))
        }
        var used = Set(columns.compactMap { c -> String? in if case let .map(f) = c, case let .string(n)? = f.first?.1 { return n }; return nil })
        for _ in 0..<(1 + rng.below(3)) {
            var column = column(in: nil, allowReferences: false)
            if case var .map(f) = column, case let .string(n)? = f.first?.1 {
                if used.contains(n) { continue }
                used.insert(n)
                // Inline reference to an existing single-key table, or to this one (self reference).
                if has(.foreignKey), rng.chance(20), let target = referenceTarget() {
                    f[1] = ("type", .string(target.type))
                    f.removeAll { $0.0 == "default" || $0.0 == "unique" || $0.0 == "nullable" }
                    var ref: [(String, YAMLValue)] = [("table", .string(target.table)), ("column", .string(target.column))]
                    if rng.chance(50) { ref.append(("on_delete", .string(rng.pick(["cascade", "set null", "restrict", "no action"]) ?? "cascade"))) }
                    f.append(("references", .map(ref)))
                }
                column = .map(f)
            }
            columns.append(column)
        }
        // A composite foreign key onto a table with a composite primary key.
        var foreignKeys: [YAMLValue] = []
        if has(.compositeKey), has(.foreignKey), rng.chance(40),
           let target = rng.pick(state.tableNames.compactMap(state.table).filter { ($0.primaryKey?.columns.count ?? 0) == 2 }),
           let key = target.primaryKey {
            var mine: [String] = []
            for refColumn in key.columns {
                guard let c = target.column(refColumn) else { continue }
                let n = fresh("\(target.name)_\(refColumn)".lowercased()) { !used.contains($0) }
                used.insert(n)
                mine.append(n)
                columns.append(.map([("name", .string(n)), ("type", .string(c.type.description))]))
            }
            var fk: [(String, YAMLValue)] = [("columns", .list(mine.map { .string($0) })),
                                             ("references", .map([("table", .string(target.name)), ("columns", .list(key.columns.map { .string($0) }))]))]
            if rng.chance(50) { fk.append(("on_update", .string("cascade"))) }
            foreignKeys.append(.map(fk))
        }
        fields.append(("columns", .list(columns)))
        if !primary.isEmpty { fields.append(("primary_key", .list(primary.map { .string($0) }))) }
        if !foreignKeys.isEmpty { fields.append(("foreign_keys", .list(foreignKeys))) }
        if has(.comments), rng.chance(20) { fields.append(("comment", .string("Generated table \(QualifiedName(name)).")) ) }
        return [op("create_table", fields)]
    }

    /// A single-column key to reference: an existing table's single primary key.
    mutating func referenceTarget() -> (table: String, column: String, type: String)? {
        var options: [(String, String, String)] = []
        for table in state.tableNames.compactMap(state.table) {
            guard let key = table.primaryKey, key.columns.count == 1, let c = table.column(key.columns[0]) else { continue }
            options.append((table.name, c.name, c.type.description))
        }
        return rng.pick(options).map { (table: $0.0, column: $0.1, type: $0.2) }
    }

    mutating func addColumn() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        var column = column(in: table, allowReferences: true)
        if has(.foreignKey), rng.chance(25), case var .map(f) = column {
            var options: [(String, String, String)] = []
            for t in state.tableNames.compactMap(state.table) {
                guard let key = t.primaryKey, key.columns.count == 1, let c = t.column(key.columns[0]) else { continue }
                if t.name == table.name && !has(.selfReference) { continue }
                options.append((t.name, c.name, c.type.description))
            }
            if let target = rng.pick(options) {
                f[1] = ("type", .string(target.2))
                f.removeAll { $0.0 == "default" || $0.0 == "nullable" || $0.0 == "unique" }
                f.append(("references", .map([("table", .string(target.0)), ("column", .string(target.1)),
                                              ("on_delete", .string(rng.pick(["cascade", "set null", "no action"]) ?? "cascade"))])))
                column = .map(f)
            }
        }
        return [op("add_column", [("table", .string(table.name)), ("column", column)])]
    }

    mutating func dropTable() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        return [op("drop_table", [("table", .string(table.name))])]
    }

    mutating func renameTable() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        return [op("rename_table", [("table", .string(table.name)), ("to", .string(tableName()))])]
    }

    mutating func dropColumn() -> [GeneratedOperation] {
        guard let table = pickTable(), let column = rng.pick(table.columns) else { return [] }
        return [op("drop_column", [("table", .string(table.name)), ("column", .string(column.name))])]
    }

    mutating func renameColumn() -> [GeneratedOperation] {
        guard let table = pickTable(), let column = rng.pick(table.columns) else { return [] }
        return [op("rename_column", [("table", .string(table.name)), ("column", .string(column.name)), ("to", .string(columnName(in: table)))])]
    }

    mutating func alterColumn() -> [GeneratedOperation] {
        guard let table = pickTable(), let column = rng.pick(table.columns) else { return [] }
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("column", .string(column.name))]
        var kind = Self.kind(of: column.type), type = column.type.description
        if has(.alterType), rng.chance(50) {
            let widen: [String: [String]] = ["smallint": ["integer", "bigint"], "integer": ["bigint", "string(40)"], "real": ["double"],
                                             "string(40)": ["string(200)", "text"], "string(20)": ["string(40)", "text"], "uuid": ["text"],
                                             "timestamp": ["timestamptz"], "enum(a,b)": ["enum(a,b,c)", "text"],
                                             "bigint": ["integer", "decimal(20,0)"], "text": ["string(200)"], "boolean": ["integer"],
                                             // spec 1.1: column types
                                             "char(12)": ["char(40)", "string(12)", "text"], "char(40)": ["string(40)", "text"],
                                             "varchar(max)": ["text"],
                                             "smallint unsigned": ["integer unsigned", "integer"], "integer unsigned": ["bigint unsigned", "bigint"],
                                             "bigint unsigned": ["decimal(20,0)"],
                                             // (varchar(max) only with charTypes: without it no chain holds one)
                                             "text[]": [has(.charTypes) ? "varchar(max)[]" : "text[]"], "integer[]": ["bigint[]"]]
            let choices = widen[type] ?? ["text"]
            type = rng.pick(choices) ?? "text"
            kind = Self.kind(of: ColumnType.parse(type) ?? .text)
            fields.append(("type", .string(type)))
            if dialect == .postgresql, rng.chance(30) {
                // spec 1.1: column types (an array converts to the array type)
                let cast = type.hasSuffix("[]") ? (type == "varchar(max)[]" ? "varchar[]" : type) : type == "text" ? "text" : type == "bigint" ? "bigint" : "text"
                fields.append(("using", .string("\(q(column.name))::\(cast)")))
            }
        }
        if has(.alterNullability), rng.chance(40) { fields.append(("nullable", .bool(!column.nullable))) }
        if has(.alterDefault), rng.chance(40) {
            fields.append(("default", rng.chance(30) ? YAMLValue.null : defaultValue(kind, type: type)))
        }
        if has(.alterComment), rng.chance(25) { fields.append(("comment", .string("changed"))) }
        guard fields.count > 2 else { return [] }
        return [op("alter_column", fields)]
    }

    mutating func createIndex() -> [GeneratedOperation] {
        guard let table = pickTable(), !table.columns.isEmpty else { return [] }
        var parts: [YAMLValue] = []
        var kinds: [String] = []
        if has(.expressionIndex), dialect != .mysql, rng.chance(25),
           let c = rng.pick(table.columns.filter { [.string, .text].contains(Self.kind(of: $0.type)) }) {
            parts.append(.map([("expression", .string("lower(\(q(c.name)))"))]))
            kinds.append("expr")
        } else {
            let first = rng.pick(table.columns)!
            parts.append(.string(first.name))
            if rng.chance(30), let second = rng.pick(table.columns.filter { $0.name != first.name }) { parts.append(.string(second.name)) }
        }
        let name = objectName("\(table.name)_\(rng.below(1000))_idx")
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("columns", .list(parts))]
        if rng.chance(60) { fields.insert(("name", .string(name)), at: 0) }
        if has(.uniqueIndex), rng.chance(25) { fields.append(("unique", .bool(true))) }
        if has(.partialIndex), dialect != .mysql, rng.chance(20), let c = rng.pick(table.columns) {
            fields.append(("where", .string("\(q(c.name)) IS NOT NULL")))
        }
        if has(.indexMethod), rng.chance(15) { fields.append(("method", .string(dialect == .sqlite ? "btree" : rng.pick(["btree", "hash"]) ?? "btree"))) }
        if has(.concurrentIndex), rng.chance(15) { fields.append(("concurrently", .bool(true))) }
        return [op("create_index", fields)]
    }

    mutating func dropIndex() -> [GeneratedOperation] {
        guard let name = rng.pick(state.indexNames), let index = state.index(name) else { return [] }
        var fields: [(String, YAMLValue?)] = [("name", .string(name))]
        if rng.chance(50) { fields.append(("table", .string(index.table))) }
        if has(.concurrentIndex), rng.chance(15) { fields.append(("concurrently", .bool(true))) }
        return [op("drop_index", fields)]
    }

    mutating func addForeignKey() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        var options: [Table] = state.tableNames.compactMap(state.table).filter { $0.primaryKey != nil }
        if !has(.selfReference) { options.removeAll { $0.name == table.name } }
        guard let target = rng.pick(options), let key = target.primaryKey else { return [] }
        if key.columns.count > 1, !has(.compositeKey) { return [] }
        // New columns of the key's types, then the constraint over them.
        var ops: [GeneratedOperation] = []
        var mine: [String] = []
        var taken = Set(table.columns.map(\.name))
        for refColumn in key.columns {
            guard let c = target.column(refColumn) else { return [] }
            let n = fresh("\(target.name)_\(refColumn)_ref") { !taken.contains($0) }
            taken.insert(n)
            mine.append(n)
            ops.append(op("add_column", [("table", .string(table.name)), ("column", .map([("name", .string(n)), ("type", .string(c.type.description))]))]))
        }
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("columns", .list(mine.map { .string($0) })),
                                              ("references", .map([("table", .string(target.name)), ("columns", .list(key.columns.map { .string($0) }))]))]
        if rng.chance(50) { fields.append(("name", .string(objectName("fk_\(table.name)_\(target.name)")))) }
        if rng.chance(40) { fields.append(("on_delete", .string(rng.pick(["cascade", "set null", "restrict", "no action"]) ?? "cascade"))) }
        if rng.chance(30) { fields.append(("on_update", .string(rng.pick(["cascade", "restrict"]) ?? "cascade"))) }
        if has(.notValid), rng.chance(30) { fields.append(("not_valid", .bool(true))) }
        ops.append(op("add_foreign_key", fields))
        return ops
    }

    mutating func addUnique() -> [GeneratedOperation] {
        guard let table = pickTable(), let c = rng.pick(table.columns.filter { ![.text, .json, .binary].contains(Self.kind(of: $0.type)) }) else { return [] }
        var columns = [c.name]
        if rng.chance(30), let d = rng.pick(table.columns.filter { $0.name != c.name && ![.text, .json, .binary].contains(Self.kind(of: $0.type)) }) { columns.append(d.name) }
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("columns", .list(columns.map { .string($0) }))]
        if rng.chance(50) { fields.append(("name", .string(objectName("uq_\(table.name)")))) }
        return [op("add_unique", fields)]
    }

    mutating func addCheck() -> [GeneratedOperation] {
        guard let table = pickTable(), let c = rng.pick(table.columns.filter { [.int, .decimal, .float, .string, .text].contains(Self.kind(of: $0.type)) }) else { return [] }
        let kind = Self.kind(of: c.type)
        let expression = [.string, .text].contains(kind) ? "\(q(c.name)) <> 'forbidden'" : "\(q(c.name)) > -1000"
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("name", .string(objectName("ck_\(table.name)_\(c.name)"))),
                                              ("expression", .string(expression))]
        if has(.notValid), rng.chance(30) { fields.append(("not_valid", .bool(true))) }
        return [op("add_check", fields)]
    }

    mutating func validateConstraint() -> [GeneratedOperation] {
        var candidates: [(String, String)] = []
        for table in state.tableNames.compactMap(state.table) {
            for fk in table.foreignKeys where fk.notValid { candidates.append((table.name, fk.name)) }
            for check in table.checks where check.notValid { candidates.append((table.name, check.name)) }
        }
        guard let (table, name) = rng.pick(candidates) else { return [] }
        return [op("validate_constraint", [("table", .string(table)), ("name", .string(name))])]
    }

    mutating func dropConstraint() -> [GeneratedOperation] {
        guard let table = pickTable() else { return [] }
        let names = table.foreignKeys.map(\.name) + table.uniques.map(\.name) + table.checks.map(\.name)
        guard let name = rng.pick(names) else { return [] }
        return [op("drop_constraint", [("table", .string(table.name)), ("name", .string(name))])]
    }

    /// Raw SQL that changes no schema (the state cannot see inside it): a no-op UPDATE, per dialect.
    mutating func rawSQL() -> [GeneratedOperation] {
        guard let table = pickTable(), let c = table.columns.first else { return [] }
        let update = "UPDATE \(q(table.name)) SET \(q(c.name)) = \(q(c.name)) WHERE 1 = 0"
        let up: YAMLValue = rng.chance(50) ? .string(update) : .map([(dialect.rawValue, .string(update + ";\nSELECT 1")), ("default", .string("SELECT 1"))])
        if has(.irreversible), rng.chance(30) {
            return [GeneratedOperation(kind: "sql_irreversible", yaml: .map([("sql", .map([("up", up)]))]))]
        }
        return [op("sql", [("up", up), ("down", .map([(dialect.rawValue, .string("SELECT 2")), ("default", .string("SELECT 1"))]))])]
    }

    mutating func backfill() -> [GeneratedOperation] {
        guard let table = pickTable(), let c = rng.pick(table.columns.filter { !(table.primaryKey?.columns.contains($0.name) ?? false) && !$0.identity }) else { return [] }
        let value: String
        switch Self.kind(of: c.type) {
        case .int, .decimal, .float: value = "1"
        case .bool: value = dialect == .postgresql ? "TRUE" : "1"
        case .string, .text: value = "'filled'"
        default: return []
        }
        var fields: [(String, YAMLValue?)] = [("table", .string(table.name)), ("set", .map([(c.name, .string(value))])),
                                              ("where", .string("\(q(c.name)) IS NULL"))]
        let key = table.primaryKey.flatMap { $0.columns.count == 1 ? table.column($0.columns[0]) : nil }
        fields.append(("batch_size", .number(key?.type.isInteger == true && rng.chance(60) ? "2" : "0")))
        return [op("backfill", fields)]
    }
}
