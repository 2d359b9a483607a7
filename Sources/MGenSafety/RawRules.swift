import MGenSpec

/// Rules for raw SQL: a `sql` step of a spec, or a statement of a migration folder the SQL reader
/// could not map onto a spec operation (a table raw SQL changed before, a statement kind specs do
/// not have). They read the statement's words, so they are narrower than the structured rules:
/// each names one statement shape whose lock is known whatever the table holds.
public enum RawSQL {
    /// The statement in lower case with runs of blanks as one space and comments dropped.
    static func normalized(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var blank = false
        var lineComment = false
        for c in text {
            if lineComment { if c == "\n" { lineComment = false; blank = true }; continue }
            if c == "-", out.hasSuffix("-") { out.removeLast(); lineComment = true; continue }
            if c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\r\n" { blank = true; continue }
            if blank, !out.isEmpty { out.append(" ") }
            blank = false
            out.append(contentsOf: c.lowercased())
        }
        return out
    }

    /// The table an `ALTER TABLE`, `CREATE INDEX … ON` or `LOCK TABLE` names (quotes removed).
    static func table(_ s: String) -> String? {
        var rest: Substring
        if let r = s.range(of: "alter table ") { rest = s[r.upperBound...] }
        else if s.hasPrefix("create "), let r = s.range(of: " on ") { rest = s[r.upperBound...] }
        else if let r = s.range(of: "lock table ") { rest = s[r.upperBound...] }
        else if s.hasPrefix("drop table ") { rest = s.dropFirst("drop table ".count) }
        else if s.hasPrefix("rename table ") { rest = s.dropFirst("rename table ".count) }
        else { return nil }
        for word in ["if exists ", "only ", "online ", "ignore "] where rest.hasPrefix(word) { rest = rest.dropFirst(word.count) }
        let name = rest.prefix { $0 != " " && $0 != "(" && $0 != ";" }
        let last = name.split(separator: ".").last.map(String.init) ?? String(name)
        return last.filter { $0 != "\"" && $0 != "`" }
    }

    /// Whether `word` occurs followed by a name (a letter, `_` or a quote): ` drop x`, not ` drop (`.
    static func followedByName(_ s: String, _ word: String) -> Bool {
        var rest = s[...]
        while let r = rest.range(of: word) {
            if let next = rest[r.upperBound...].utf8.first, next >= 0x61 && next <= 0x7A || next == 0x5F || next == 0x60 || next == 0x22 { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    /// A `serial`, `smallserial` or `bigserial` type word (the text is lower case).
    static func hasSerialType(_ s: String) -> Bool {
        let words = s.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        return words.contains { $0 == "serial" || $0 == "smallserial" || $0 == "bigserial" || $0 == "serial4" || $0 == "serial8" || $0 == "serial2" }
    }

    /// One shape of statement and what it does.
    struct Shape: Sendable {
        var engines: Set<DatabaseTarget.Engine>
        var matches: @Sendable (String) -> Bool
        var message: String
        var lock: String
        var blocks: String
        var fix: String
        var severity: Severity
        /// Whether the statement only matters on a table that holds rows.
        var needsExistingTable = true
    }

    static let reads = "reads and writes (SELECT, INSERT, UPDATE, DELETE)"
    static let writes = "writes (INSERT, UPDATE, DELETE); reads continue"

    static let servers: Set<DatabaseTarget.Engine> = [.postgresql, .mysql, .mariadb]

    static let shapes: [Shape] = [
        Shape(engines: servers, matches: { $0.hasPrefix("drop table") },
              message: "DROP TABLE loses the table's rows, and code still running from the previous deploy fails on it", lock: "ACCESS EXCLUSIVE / metadata lock",
              blocks: reads, fix: "deploy code that no longer uses the table, take a backup, then drop it in a migration of its own", severity: .error),
        Shape(engines: servers, matches: { $0.hasPrefix("alter table") && $0.contains(" drop column ") || $0.hasPrefix("alter table") && followedByName($0, " drop ")
                  && !$0.contains(" drop constraint") && !$0.contains(" drop default") && !$0.contains(" drop not null") && !$0.contains(" drop index")
                  && !$0.contains(" drop foreign key") && !$0.contains(" drop primary key") && !$0.contains(" drop check")
                  && !$0.contains(" drop identity") && !$0.contains(" drop expression") && !$0.contains(" drop system versioning") },
              message: "dropping a column loses its values and breaks code that still reads or writes it", lock: "ACCESS EXCLUSIVE / metadata lock", blocks: reads,
              fix: "stop using the column in code and deploy first; then drop it in a migration of its own", severity: .error),
        Shape(engines: servers, matches: { $0.hasPrefix("alter table") && ($0.contains(" rename column ") || $0.contains(" rename to ")) || $0.hasPrefix("rename table") },
              message: "a rename breaks the code of the previous deploy, which still uses the old name", lock: "ACCESS EXCLUSIVE / metadata lock (brief)", blocks: reads,
              fix: "expand and contract: add the new name (a view or a new column written by both), switch the code, then drop the old one", severity: .error),
        Shape(engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && s.contains(" add ")
                  && (hasSerialType(s) || s.contains(" as identity")) },
              message: "adding a serial or identity column rewrites the whole table", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "add a plain bigint column, attach a sequence default, backfill in batches, then make it NOT NULL through a validated CHECK", severity: .error),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("vacuum full") || $0.hasPrefix("vacuum (full") || $0.hasPrefix("cluster") },
              message: "VACUUM FULL / CLUSTER rewrites the whole table", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "use pg_repack (or pg_squeeze) to rebuild the table online", severity: .error, needsExistingTable: false),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("reindex") && !$0.contains("concurrently") },
              message: "REINDEX without CONCURRENTLY blocks writes to the table (and locks the index) for the whole rebuild",
              lock: "SHARE on the table, ACCESS EXCLUSIVE on the index", blocks: writes,
              fix: "REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction", severity: .error, needsExistingTable: false),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("refresh materialized view") && !$0.contains("concurrently") },
              message: "REFRESH MATERIALIZED VIEW without CONCURRENTLY locks the view against reads",
              lock: "ACCESS EXCLUSIVE on the view", blocks: reads,
              fix: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)", severity: .warning, needsExistingTable: false),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("lock table") || $0.hasPrefix("lock ") && !$0.hasPrefix("lock tables") },
              message: "an explicit LOCK TABLE holds its lock until the transaction ends", lock: "as written (ACCESS EXCLUSIVE by default)", blocks: reads,
              fix: "remove the explicit lock; let each statement take the lock it needs", severity: .warning),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("create") && $0.contains(" index ") && !$0.contains(" concurrently ") },
              message: "an index is built without CONCURRENTLY, blocking writes for the whole build", lock: "SHARE", blocks: writes,
              fix: "CREATE INDEX CONCURRENTLY, alone in a migration that runs outside a transaction", severity: .error),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("create") && $0.contains(" index concurrently if not exists ") },
              message: "CREATE INDEX CONCURRENTLY IF NOT EXISTS: after a failed build the INVALID index remains and a re-run skips it",
              lock: "SHARE UPDATE EXCLUSIVE", blocks: "other schema changes; reads and writes continue",
              fix: "leave out IF NOT EXISTS so a re-run fails loudly, and drop an INVALID index (DROP INDEX CONCURRENTLY) before retrying", severity: .warning,
              needsExistingTable: false),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("drop index") && !$0.contains(" concurrently") },
              message: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table", lock: "ACCESS EXCLUSIVE", blocks: reads,
              fix: "DROP INDEX CONCURRENTLY, outside a transaction", severity: .warning, needsExistingTable: false),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" set not null") },
              message: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for a full scan", blocks: reads,
              fix: "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in another transaction; then SET NOT NULL (no scan on 12+) and drop the CHECK",
              severity: .error),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("alter table") && ($0.contains(" foreign key ") || $0.contains(" references ")) && !$0.contains(" not valid") },
              message: "a foreign key is validated against every row while writes to both tables wait", lock: "SHARE ROW EXCLUSIVE on both tables", blocks: writes,
              fix: "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration", severity: .error),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" add ") && $0.contains(" check ") && !$0.contains(" not valid") },
              message: "a CHECK is proved against every row under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for a full scan", blocks: reads,
              fix: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration", severity: .error),
        Shape(engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && (s.contains(" unique") || s.contains(" primary key")) && s.contains(" add ")
                  && !s.contains(" using index") },
              message: "a UNIQUE or PRIMARY KEY constraint builds its index under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for the index build", blocks: reads,
              fix: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX", severity: .error),
        Shape(engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" type ") && $0.contains(" alter ") },
              message: "a column type change rewrites the table unless the types are binary-coercible", lock: "ACCESS EXCLUSIVE (for a rewrite)", blocks: reads,
              fix: "add a column of the new type, backfill in batches, switch, drop the old one", severity: .warning),
        Shape(engines: [.mysql, .mariadb], matches: { $0.hasPrefix("alter table") && ($0.contains("algorithm=copy") || $0.contains("algorithm = copy")
                  || $0.contains("lock=exclusive") || $0.contains("lock = exclusive") || $0.contains("lock=shared") || $0.contains("lock = shared")) },
              message: "the ALTER TABLE asks for ALGORITHM=COPY or a blocking LOCK", lock: "as written", blocks: "writes for the whole copy",
              fix: "ALGORITHM=INPLACE (or INSTANT), LOCK=NONE where the operation allows it; otherwise an online schema change tool", severity: .error),
        Shape(engines: [.mysql, .mariadb], matches: { $0.hasPrefix("optimize table") || $0.hasPrefix("lock tables") },
              message: "OPTIMIZE TABLE / LOCK TABLES blocks the table", lock: "table lock", blocks: "writes (and for LOCK TABLES … WRITE reads)",
              fix: "run OPTIMIZE at a quiet time or with an online schema change tool; do not lock tables in a migration", severity: .warning,
              needsExistingTable: false),
    ]

    /// Whether a raw statement takes a lock that blocks application traffic (for missing-lock-timeout).
    static func blocksTraffic(_ text: String) -> Bool {
        let s = normalized(text)
        if s.hasPrefix("alter table") || s.hasPrefix("lock ") || s.hasPrefix("drop index") && !s.contains("concurrently") { return true }
        return s.hasPrefix("create") && s.contains(" index ") && !s.contains(" concurrently ")
    }

    static let rule = Rule("raw-statement", .error, Rules.servers,
        summary: "a raw SQL statement (a `sql` step, or one the SQL reader could not map) of a shape known to lock or rewrite",
        versions: "PostgreSQL 12+: REINDEX CONCURRENTLY, CHECK-backed SET NOT NULL; MySQL 8.0 / MariaDB 10.6+: ALGORITHM and LOCK clauses as written",
        why: "The structured rules cannot see inside raw SQL, but some statements lock the same way whatever the table: VACUUM FULL and CLUSTER rewrite it, REINDEX and CREATE INDEX without CONCURRENTLY block writes, ADD CONSTRAINT without NOT VALID scans under lock, ALGORITHM=COPY copies the table.",
        safe: "the statement's online form (CONCURRENTLY, NOT VALID + VALIDATE, USING INDEX, ALGORITHM=INPLACE/INSTANT, LOCK=NONE), or the structured spec operation.") { c in
        guard case let .sql(up, _) = c.operation, let text = up.text(for: c.target.engine.dialect) else { return nil }
        let s = normalized(text)
        for shape in shapes where shape.engines.contains(c.target.engine) && shape.matches(s) {
            if shape.needsExistingTable, let table = table(s), c.newTables.contains(table) || c.earlier.contains(where: { step in
                if case let .createTable(created) = step.operation { return created.name == table } else { return false }
            }) { continue }
            return Hit(shape.message, lock: shape.lock, blocks: shape.blocks, fix: shape.fix, severity: shape.severity)
        }
        return nil
    }
}
