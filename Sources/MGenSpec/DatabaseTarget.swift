/// The server a migration will run on: its engine and version decide which locks, rewrites and
/// ALTER TABLE algorithms apply. Written `postgresql@15`, `mysql@8.0.29`, `mariadb@10.11`.
/// `mgen lint` judges for it; `mgen emit --db-version` renders for it (the ALGORITHM/LOCK
/// clauses of MySQL and MariaDB, MGenSQL's OnlineDDL.swift).
public struct DatabaseTarget: Hashable, Sendable, CustomStringConvertible {
    public enum Engine: String, Hashable, Sendable, CaseIterable {
        case postgresql, mysql, mariadb, sqlite
        /// The dialect mgen renders for this engine (MariaDB shares `mysql`).
        public var dialect: Dialect {
            switch self {
            case .postgresql: .postgresql
            case .mysql, .mariadb: .mysql
            case .sqlite: .sqlite
            }
        }
        public var isMySQLFamily: Bool { self == .mysql || self == .mariadb }
    }

    public var engine: Engine
    public var version: Version

    public init(_ engine: Engine, _ version: Version) {
        self.engine = engine
        self.version = version
    }

    /// The version assumed when none is given: a supported release that is common in production.
    public static func defaultVersion(_ engine: Engine) -> Version {
        switch engine {
        case .postgresql: Version(15)
        case .mysql: Version(8, 0, 35)
        case .mariadb: Version(10, 11)
        case .sqlite: Version(3, 40)
        }
    }

    /// What a version is read for: the lint rules, or rendering migrations.
    public enum Use: Sendable {
        case lint, render
    }

    /// The oldest versions the lint rules are written for (older ones are refused rather than
    /// linted wrongly), and the oldest mgen renders for: MariaDB before 10.5.2 has no
    /// `RENAME COLUMN` / `RENAME INDEX`, PostgreSQL before 12 no `SET NOT NULL` proven by a CHECK.
    public static func minimumVersion(_ engine: Engine, for use: Use = .lint) -> Version {
        switch engine {
        case .postgresql: Version(12)
        case .mysql: Version(8, 0)
        case .mariadb: use == .lint ? Version(10, 6) : Version(10, 5, 2)
        case .sqlite: Version(3, 0)
        }
    }

    /// Reads `postgresql@15`, `postgres`, `mysql@8.0.29`, `mariadb@10.11`, `sqlite`; `object`
    /// names where the text came from in an error (the option, or mgen.yaml's `dialect`).
    public static func parse(_ text: String, for use: Use = .lint, object: String = "--db-version",
                             at location: SourceLocation? = nil) -> Result<DatabaseTarget, Diagnostic> {
        let object: String? = location == nil ? object : nil
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        let name = parts.first?.lowercased() ?? ""
        let engine: Engine
        switch name {
        case "postgresql", "postgres", "pg", "psql": engine = .postgresql
        case "mysql": engine = .mysql
        case "mariadb": engine = .mariadb
        case "sqlite", "sqlite3": engine = .sqlite
        default:
            return .failure(Diagnostic("unknown database '\(name)'", at: location, object: object,
                                       fix: "use postgresql@15, mysql@8.0.35, mariadb@10.11 or sqlite"))
        }
        var version = defaultVersion(engine)
        if parts.count == 2 {
            guard let parsed = Version(parts[1]) else {
                return .failure(Diagnostic("'\(parts[1])' is not a version", at: location, object: object,
                                           fix: "write the version as digits and dots: \(engine.rawValue)@\(defaultVersion(engine))"))
            }
            version = parsed
        }
        let minimum = minimumVersion(engine, for: use)
        guard version >= minimum else {
            let what = use == .lint ? "the linter's rules cover" : "mgen renders for"
            return .failure(Diagnostic("\(engine.rawValue) \(version) is older than \(what)", at: location, object: object,
                                       fix: "\(what) \(engine.rawValue) \(minimum) and later"))
        }
        return .success(DatabaseTarget(engine, version))
    }

    public var description: String { "\(engine.rawValue)@\(version)" }
}

/// A dotted server version, compared part by part (`8.0.29` < `8.0.100`).
public struct Version: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var parts: [Int]
    /// How many parts were written (`15` stays `15`, `8.0.29` stays `8.0.29`).
    private var written: Int

    public init(_ major: Int, _ minor: Int? = nil, _ patch: Int? = nil) {
        parts = [major, minor ?? 0, patch ?? 0]
        written = patch != nil ? 3 : minor != nil ? 2 : 1
    }

    public init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count) else { return nil }
        var values: [Int] = []
        for piece in pieces {
            guard let value = Int(piece), value >= 0 else { return nil }
            values.append(value)
        }
        written = values.count
        while values.count < 3 { values.append(0) }
        parts = values
    }

    public static func < (a: Version, b: Version) -> Bool { a.parts.lexicographicallyPrecedes(b.parts) }
    public static func == (a: Version, b: Version) -> Bool { a.parts == b.parts }
    public func hash(into hasher: inout Hasher) { hasher.combine(parts) }

    public var description: String { parts.prefix(written).map(String.init).joined(separator: ".") }
}
