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
        else if s.hasPrefix("truncate ") { rest = s.dropFirst("truncate ".count); if rest.hasPrefix("table ") { rest = rest.dropFirst(6) } }
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
        /// The rule the finding reports under: the spec-level rule that says the same thing, or
        /// one of `rawOnly` for statements specs cannot write.
        var rule: String
        var engines: Set<DatabaseTarget.Engine>
        var matches: @Sendable (String) -> Bool
        var message: String
        var lock: String
        var blocks: String
        var fix: String
        var severity: Severity
        /// Whether the statement only matters on a table that holds rows.
        var needsExistingTable = true
        /// A condition on the server (a version) the shape holds for.
        var on: @Sendable (DatabaseTarget) -> Bool = { _ in true }
    }

    static let reads = "reads and writes (SELECT, INSERT, UPDATE, DELETE)"
    static let writes = "writes (INSERT, UPDATE, DELETE); reads continue"

    static let servers: Set<DatabaseTarget.Engine> = [.postgresql, .mysql, .mariadb]

    static let shapes: [Shape] = [
        Shape(rule: "drop-table", engines: servers, matches: { $0.hasPrefix("drop table") },
              message: "DROP TABLE loses the table's rows, and code still running from the previous deploy fails on it", lock: "ACCESS EXCLUSIVE / metadata lock",
              blocks: reads, fix: "deploy code that no longer uses the table, take a backup, then drop it in a migration of its own", severity: .error),
        Shape(rule: "drop-column", engines: servers, matches: { $0.hasPrefix("alter table") && $0.contains(" drop column ") || $0.hasPrefix("alter table") && followedByName($0, " drop ")
                  && !$0.contains(" drop constraint") && !$0.contains(" drop default") && !$0.contains(" drop not null") && !$0.contains(" drop index")
                  && !$0.contains(" drop foreign key") && !$0.contains(" drop primary key") && !$0.contains(" drop check")
                  && !$0.contains(" drop identity") && !$0.contains(" drop expression") && !$0.contains(" drop system versioning") },
              message: "dropping a column loses its values and breaks code that still reads or writes it", lock: "ACCESS EXCLUSIVE / metadata lock", blocks: reads,
              fix: "stop using the column in code and deploy first; then drop it in a migration of its own", severity: .error),
        Shape(rule: "rename-table", engines: servers, matches: { renamesTable($0) },
              message: "renaming a table breaks the code of the previous deploy, which still uses the old name", lock: "ACCESS EXCLUSIVE / metadata lock (brief)", blocks: reads,
              fix: "expand and contract: rename, then create a view under the old name in the same migration; switch the code, then drop the view", severity: .error),
        Shape(rule: "rename-column", engines: servers, matches: { renamesTable($0) == false && renamesTableOrColumn($0) },
              message: "renaming a column breaks the code of the previous deploy, which still uses the old name", lock: "ACCESS EXCLUSIVE / metadata lock (brief)", blocks: reads,
              fix: "expand and contract: add a new column written by both names' code and backfill it, switch the code, then drop the old column", severity: .error),
        Shape(rule: "pg-add-identity-column", engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && s.contains(" add ")
                  && (hasSerialType(s) || s.contains(" as identity")) },
              message: "adding a serial or identity column rewrites the whole table", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "add a plain bigint column, attach a sequence default, backfill in batches, then make it NOT NULL through a validated CHECK", severity: .error),
        Shape(rule: "pg-vacuum-full", engines: [.postgresql], matches: { $0.hasPrefix("vacuum full") || $0.hasPrefix("vacuum (full") || $0.hasPrefix("cluster") },
              message: "VACUUM FULL / CLUSTER rewrites the whole table", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "use pg_repack (or pg_squeeze) to rebuild the table online", severity: .error, needsExistingTable: false),
        Shape(rule: "pg-reindex-not-concurrent", engines: [.postgresql], matches: { $0.hasPrefix("reindex") && !$0.contains("concurrently") },
              message: "REINDEX without CONCURRENTLY blocks writes to the table (and locks the index) for the whole rebuild",
              lock: "SHARE on the table, ACCESS EXCLUSIVE on the index", blocks: writes,
              fix: "REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction", severity: .error, needsExistingTable: false),
        Shape(rule: "pg-refresh-matview-not-concurrent", engines: [.postgresql], matches: { $0.hasPrefix("refresh materialized view") && !$0.contains("concurrently") },
              message: "REFRESH MATERIALIZED VIEW without CONCURRENTLY locks the view against reads",
              lock: "ACCESS EXCLUSIVE on the view", blocks: reads,
              fix: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)", severity: .warning, needsExistingTable: false),
        Shape(rule: "pg-lock-table", engines: [.postgresql], matches: { $0.hasPrefix("lock table") || $0.hasPrefix("lock ") && !$0.hasPrefix("lock tables") },
              message: "an explicit LOCK TABLE holds its lock until the transaction ends", lock: "as written (ACCESS EXCLUSIVE by default)", blocks: reads,
              fix: "remove the explicit lock; let each statement take the lock it needs", severity: .warning),
        Shape(rule: "pg-create-index-not-concurrent", engines: [.postgresql], matches: { $0.hasPrefix("create") && $0.contains(" index ") && !$0.contains(" concurrently ") },
              message: "an index is built without CONCURRENTLY, blocking writes for the whole build", lock: "SHARE", blocks: writes,
              fix: "CREATE INDEX CONCURRENTLY, alone in a migration that runs outside a transaction", severity: .error),
        Shape(rule: "pg-concurrent-if-not-exists", engines: [.postgresql], matches: { $0.hasPrefix("create") && $0.contains(" index concurrently if not exists ") },
              message: "CREATE INDEX CONCURRENTLY IF NOT EXISTS: after a failed build the INVALID index remains and a re-run skips it",
              lock: "SHARE UPDATE EXCLUSIVE", blocks: "other schema changes; reads and writes continue",
              fix: "leave out IF NOT EXISTS so a re-run fails loudly, and drop an INVALID index (DROP INDEX CONCURRENTLY) before retrying", severity: .warning,
              needsExistingTable: false),
        Shape(rule: "pg-drop-index-not-concurrent", engines: [.postgresql], matches: { $0.hasPrefix("drop index") && !$0.contains(" concurrently") },
              message: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table", lock: "ACCESS EXCLUSIVE", blocks: reads,
              fix: "DROP INDEX CONCURRENTLY, outside a transaction", severity: .warning, needsExistingTable: false),
        Shape(rule: "pg-set-not-null", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" set not null") },
              message: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for a full scan", blocks: reads,
              fix: "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in another transaction; then SET NOT NULL (no scan on 12+) and drop the CHECK",
              severity: .error),
        Shape(rule: "pg-foreign-key-not-valid", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && ($0.contains(" foreign key ") || $0.contains(" references ")) && !$0.contains(" not valid") },
              message: "a foreign key is validated against every row while writes to both tables wait", lock: "SHARE ROW EXCLUSIVE on both tables", blocks: writes,
              fix: "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a later migration", severity: .error),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { $0.hasPrefix("alter table") && $0.contains(" foreign key ") && $0.contains(" references ") },
              message: "ADD FOREIGN KEY copies the table while foreign_key_checks is on (ALGORITHM=COPY)", lock: "ALGORITHM=COPY, LOCK=SHARED", blocks: writes,
              fix: "if every row is known to be valid: SET foreign_key_checks = 0 before the ALTER (it is then INPLACE) and back to 1 after", severity: .error),
        Shape(rule: "pg-check-not-valid", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" add ") && $0.contains(" check ") && !$0.contains(" not valid") },
              message: "a CHECK is proved against every row under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for a full scan", blocks: reads,
              fix: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration", severity: .error),
        Shape(rule: "pg-unique-constraint-under-lock", engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && (s.contains(" unique") || s.contains(" primary key")) && s.contains(" add ")
                  && !s.contains(" using index") },
              message: "a UNIQUE or PRIMARY KEY constraint builds its index under ACCESS EXCLUSIVE", lock: "ACCESS EXCLUSIVE for the index build", blocks: reads,
              fix: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX", severity: .error),
        Shape(rule: "pg-type-change-rewrite", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" type ") && $0.contains(" alter ") && !widensToUnbounded($0) },
              message: "a column type change rewrites the table unless the types are binary-coercible", lock: "ACCESS EXCLUSIVE (for a rewrite)", blocks: reads,
              fix: "add a column of the new type, backfill in batches, switch, drop the old one", severity: .warning),
        Shape(rule: "truncate-table", engines: servers, matches: { $0.hasPrefix("truncate") },
              message: "TRUNCATE deletes every row of the table", lock: "ACCESS EXCLUSIVE / metadata lock", blocks: reads,
              fix: "delete the rows in batches (or keep the data: a migration should not empty a production table)", severity: .error),
        Shape(rule: "drop-view", engines: [.postgresql], matches: { $0.hasPrefix("drop materialized view") || $0.hasPrefix("drop view") },
              message: "dropping a view breaks the code of the previous deploy that still queries it", lock: "ACCESS EXCLUSIVE on the view", blocks: reads,
              fix: "deploy code that no longer uses the view first; to change a view use CREATE OR REPLACE VIEW", severity: .warning,
              needsExistingTable: false),
        Shape(rule: "pg-add-column-volatile-default", engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && addsColumn(s)
                  && Knowledge.volatileFunctions.contains(where: { s.contains(" default " + $0) || s.contains(" default (" + $0) }) },
              message: "a column added with a volatile default is filled row by row: the table is rewritten", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "add the column without the default, set the default in a second statement, then backfill existing rows in batches", severity: .error),
        Shape(rule: "pg-add-stored-generated-column", engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && addsColumn(s) && s.contains(" generated always as (") && s.contains(" stored") },
              message: "a stored generated column is computed for every row: the table is rewritten", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "add a plain column, fill it in batches and keep it current with a trigger (or compute it in a view)", severity: .error),
        Shape(rule: "add-required-column", engines: [.postgresql], matches: { s in s.hasPrefix("alter table") && addsColumn(s) && addsRequiredColumn(s) },
              message: "a NOT NULL column without a default fails on a table with rows (\"column contains null values\")", lock: "ACCESS EXCLUSIVE", blocks: reads,
              fix: "add it with a constant DEFAULT (no rewrite on PostgreSQL 11+), or nullable, backfill, then NOT NULL through a validated CHECK", severity: .error),
        Shape(rule: "pg-set-tablespace", engines: [.postgresql], matches: { $0.hasPrefix("alter ") && ($0.contains(" set tablespace ") || $0.contains(" set logged") || $0.contains(" set unlogged")) },
              message: "SET TABLESPACE / SET LOGGED / SET UNLOGGED rewrites the table", lock: "ACCESS EXCLUSIVE for a table rewrite", blocks: reads,
              fix: "create the new table as wanted, copy in batches and switch (or pg_repack)", severity: .error),
        Shape(rule: "pg-exclude-constraint", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" add ") && $0.contains(" exclude ") },
              message: "an EXCLUDE constraint builds its index under ACCESS EXCLUSIVE, and it cannot be added NOT VALID or USING INDEX", lock: "ACCESS EXCLUSIVE for the index build", blocks: reads,
              fix: "enforce the rule another way (a unique index built CONCURRENTLY, a trigger), or add the constraint when the table is created", severity: .error),
        Shape(rule: "drop-not-null", engines: [.postgresql], matches: { $0.hasPrefix("alter table") && $0.contains(" drop not null") },
              message: "after DROP NOT NULL, code that assumes a value in the column breaks on NULL", lock: "ACCESS EXCLUSIVE (brief)", blocks: reads,
              fix: "deploy code that handles NULL first; then drop the NOT NULL", severity: .warning),
        // MySQL / MariaDB: the ALTER TABLE clauses whose algorithm is known from the words alone.
        Shape(rule: "mysql-implicit-default", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && addsColumn(s) && addsRequiredColumn(s) && !s.contains(" auto_increment") },
              message: "a NOT NULL column without a default silently gives every existing row the type's implicit default ('' or 0)", lock: "metadata lock",
              blocks: "nothing for long", fix: "add the column nullable, backfill it, then make it NOT NULL; or give it an explicit DEFAULT", severity: .error),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && s.contains(" add ") && s.contains(" check ") && !s.contains(" foreign key ") },
              message: "ADD CHECK copies the table to check every row (ALGORITHM=COPY)", lock: "ALGORITHM=COPY, LOCK=SHARED", blocks: writes,
              fix: "check the rows in the application or with a trigger, or add the CHECK with an online schema change tool", severity: .error),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && s.contains(" convert to character set ") },
              message: "CONVERT TO CHARACTER SET rewrites every text column: the table is copied", lock: "ALGORITHM=COPY, LOCK=SHARED", blocks: writes,
              fix: "use an online schema change tool (gh-ost, pt-online-schema-change)", severity: .error),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && addsColumn(s) && s.contains(" auto_increment") },
              message: "an AUTO_INCREMENT column is numbered row by row: the table is copied", lock: "ALGORITHM=COPY, LOCK=SHARED", blocks: writes,
              fix: "create a new table with the column and copy in batches (or an online schema change tool)", severity: .error),
        Shape(rule: "mysql-inplace-rebuild", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && (s.contains(" engine=") || s.contains(" engine =") || clause(s, "force")
                  || s.contains(" row_format=") || s.contains(" row_format =") || s.contains(" key_block_size")) },
              message: "ENGINE= / FORCE / ROW_FORMAT= rebuilds the whole table", lock: "ALGORITHM=INPLACE (rebuilds the table)", blocks: "nothing for long; the whole table is rewritten",
              fix: "run the rebuild at a quiet time or with an online schema change tool", severity: .warning),
        Shape(rule: "mysql-inplace-rebuild", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("create fulltext index") || s.hasPrefix("alter table") && s.contains(" add fulltext ") },
              message: "a FULLTEXT index is built without concurrent writes (the first one also rebuilds the table)", lock: "ALGORITHM=INPLACE, LOCK=SHARED", blocks: writes,
              fix: "build it at a quiet time or with an online schema change tool", severity: .warning),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { s in s.hasPrefix("alter table") && (s.contains(" change ") || s.contains(" modify ")) },
              message: "CHANGE / MODIFY COLUMN on a column whose type mgen does not know: a type change copies the table", lock: "ALGORITHM=COPY, LOCK=SHARED (for a type change)",
              blocks: writes, fix: "keep the type (a VARCHAR may grow within its length-byte class in place); otherwise expand and contract or an online schema change tool",
              severity: .warning),
        Shape(rule: "mysql-inplace-rebuild", engines: [.mysql], matches: { s in s.hasPrefix("alter table") && addsColumn(s) && (s.contains(" first") || s.contains(" after ")) },
              message: "before MySQL 8.0.29 a column added FIRST or AFTER another is not instant: the table is rebuilt",
              lock: "ALGORITHM=INPLACE (rebuilds the table)", blocks: "nothing for long; the whole table is rewritten",
              fix: "add the column last (instant from 8.0.12), or upgrade to 8.0.29+", severity: .warning, on: { $0.version < Version(8, 0, 29) }),
        Shape(rule: "mysql-copy-algorithm", engines: [.mysql, .mariadb], matches: { $0.hasPrefix("alter table") && ($0.contains("algorithm=copy") || $0.contains("algorithm = copy")
                  || $0.contains("lock=exclusive") || $0.contains("lock = exclusive") || $0.contains("lock=shared") || $0.contains("lock = shared")) },
              message: "the ALTER TABLE asks for ALGORITHM=COPY or a blocking LOCK", lock: "as written", blocks: "writes for the whole copy",
              fix: "ALGORITHM=INPLACE (or INSTANT), LOCK=NONE where the operation allows it; otherwise an online schema change tool", severity: .error),
        Shape(rule: "mysql-table-lock", engines: [.mysql, .mariadb], matches: { $0.hasPrefix("optimize table") || $0.hasPrefix("lock tables") },
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

    /// Rules for statements a spec cannot write (its operations have no VACUUM, TRUNCATE, EXCLUDE,
    /// FULLTEXT …): only the raw-SQL check reports under them, so their own check finds nothing.
    static let rawOnly: [Rule] = [
        Rule("pg-vacuum-full", .error, Rules.pg,
             summary: "raw VACUUM FULL or CLUSTER rewrites the whole table under ACCESS EXCLUSIVE",
             why: "Both write a new copy of the table and its indexes while holding ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite.",
             safe: "pg_repack (or pg_squeeze) rebuilds the table online; plain VACUUM does not lock.") { _ in nil },
        Rule("pg-reindex-not-concurrent", .error, Rules.pg,
             summary: "raw REINDEX without CONCURRENTLY blocks writes to the table for the whole rebuild",
             versions: "REINDEX CONCURRENTLY exists from PostgreSQL 12",
             why: "REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on the index (queries that would use it wait) until the index is rebuilt.",
             safe: "REINDEX … CONCURRENTLY (PostgreSQL 12+), outside a transaction; before 12, CREATE INDEX CONCURRENTLY a copy and swap it in.") { _ in nil },
        Rule("pg-refresh-matview-not-concurrent", .warning, Rules.pg,
             summary: "raw REFRESH MATERIALIZED VIEW without CONCURRENTLY locks the view against reads",
             why: "A plain refresh takes ACCESS EXCLUSIVE on the view while its query runs: every read of the view waits.",
             safe: "REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index).") { _ in nil },
        Rule("pg-lock-table", .warning, Rules.pg,
             summary: "a raw LOCK TABLE holds its lock until the transaction ends",
             why: "LOCK TABLE takes ACCESS EXCLUSIVE unless told otherwise, and keeps it for the rest of the migration's transaction, however long its other statements take.",
             safe: "remove the explicit lock; each statement takes the lock it needs, for as long as it needs it.") { _ in nil },
        Rule("truncate-table", .error, Rules.servers,
             summary: "raw TRUNCATE deletes every row of the table",
             why: "TRUNCATE empties the table at once (under ACCESS EXCLUSIVE / a metadata lock); its rows cannot be recovered without a backup, and code of the running deploy finds them gone.",
             safe: "keep the data (a migration should not empty a production table), or delete the rows in batches after a backup.") { _ in nil },
        Rule("pg-add-stored-generated-column", .error, Rules.pg,
             summary: "raw ADD COLUMN … GENERATED ALWAYS AS (…) STORED computes the column for every row: the table is rewritten",
             versions: "PostgreSQL 12+ (stored generated columns); virtual ones (PostgreSQL 18) are not stored and not flagged",
             why: "A stored generated column is written into every existing row, so the table is rewritten under ACCESS EXCLUSIVE.",
             safe: "add a plain column, fill it in batches and keep it current with a trigger, or compute the value in a view.") { c in
            // spec 1.1: generated columns — the structured add_column rewrites the table the same way
            guard case let .addColumn(table, column, _, _) = c.operation, c.isExisting(table), column.generated?.isStored(.postgresql) == true else { return nil }
            return Hit("adding the stored generated column \(table).\(column.name) computes it for every row: the table is rewritten", pg: .accessExclusive,
                       fix: "add a plain column, fill it with a batched `backfill` and keep it current with a trigger, or compute the value in a view",
                       held: " for a table rewrite")
        },
        Rule("pg-set-tablespace", .error, Rules.pg,
             summary: "raw ALTER … SET TABLESPACE, SET LOGGED or SET UNLOGGED rewrites the table",
             why: "Each writes the table (and for SET TABLESPACE its indexes) anew while holding ACCESS EXCLUSIVE.",
             safe: "create the new table as wanted, copy the rows in batches and switch over (or pg_repack).") { _ in nil },
        Rule("pg-exclude-constraint", .error, Rules.pg,
             summary: "raw ADD … EXCLUDE builds its index under ACCESS EXCLUSIVE",
             why: "An EXCLUDE constraint cannot be added NOT VALID nor USING INDEX, so its index is built and every row checked while reads and writes wait.",
             safe: "add the constraint when the table is created, or enforce the rule another way (a unique index built CONCURRENTLY, a trigger).") { _ in nil },
        Rule("mysql-table-lock", .warning, Rules.my,
             summary: "raw OPTIMIZE TABLE or LOCK TABLES blocks the table",
             why: "OPTIMIZE TABLE rebuilds the table (InnoDB: ALTER TABLE … FORCE) and LOCK TABLES holds table locks until UNLOCK TABLES: writes (and for WRITE locks reads) wait.",
             safe: "do not lock tables in a migration; run OPTIMIZE at a quiet time or with an online schema change tool.") { _ in nil },
    ]

    /// The raw-SQL check itself. Each finding reports under the rule of its statement's shape
    /// (`Shape.rule`); this id turns the whole check off (`lint: disable` / `ignore`).
    static let rule = Rule("raw-statement", .error, Rules.servers,
        summary: "the check of raw SQL statements (a `sql` step, or one the SQL reader could not map); each finding reports under the rule of its shape, and this id turns them all off",
        versions: "as the rule each finding names",
        why: "The structured rules cannot see inside raw SQL, but some statement shapes lock the same way whatever the table. The check reads each statement's words and reports a shape under the rule that says the same of a spec (a raw SET NOT NULL is pg-set-not-null) or under a rule of its own (pg-vacuum-full, truncate-table, …).",
        safe: "the statement's online form (CONCURRENTLY, NOT VALID + VALIDATE, USING INDEX, ALGORITHM=INPLACE/INSTANT, LOCK=NONE), or the structured spec operation.") { c in
        guard case let .sql(up, _) = c.operation, let text = up.text(for: c.target.engine.dialect) else { return nil }
        let s = normalized(text)
        if let hit = validatedInSameTransaction(s, c) { return hit }
        for shape in shapes where shape.engines.contains(c.target.engine) && shape.on(c.target) && shape.matches(s) {
            if shape.needsExistingTable, let table = table(s), createdEarlier(table, c) { continue }
            if exempt(s, c) { continue }
            return Hit(shape.message, lock: shape.lock, blocks: shape.blocks, fix: shape.fix, severity: shape.severity, rule: shape.rule)
        }
        return nil
    }

    // MARK: - Reading the words of a statement

    /// The normalized texts of the raw steps before this one in the same migration.
    static func earlierTexts(_ c: StepContext) -> [String] {
        c.earlier.compactMap { step in
            guard case let .sql(up, _) = step.operation, let text = up.text(for: c.target.engine.dialect) else { return nil }
            return normalized(text)
        }
    }

    /// A table created earlier in this migration (or batch): it holds no rows, no code uses it.
    static func createdEarlier(_ table: String, _ c: StepContext) -> Bool {
        if c.newTables.contains(table) { return true }
        return c.earlier.contains { step in
            if case let .createTable(created) = step.operation { return created.name == table }
            guard case let .sql(up, _) = step.operation, let text = up.text(for: c.target.engine.dialect) else { return false }
            let e = normalized(text)
            return e.hasPrefix("create table ") && Self.name(after: "create table ", in: e, skipping: ["if not exists "]) == table
        }
    }

    /// What makes a matching statement harmless in its migration: a column dropped or renamed that
    /// this migration added, a foreign key added with foreign_key_checks off (MySQL), a view
    /// dropped and created again.
    static func exempt(_ s: String, _ c: StepContext) -> Bool {
        let earlier = earlierTexts(c)
        if c.target.engine.isMySQLFamily, s.contains(" foreign key ") {
            if Rules.foreignKeyChecksOff(c) { return true }
        }
        if s.hasPrefix("alter table"), let table = table(s), let column = droppedOrRenamedColumn(s) {
            let added = c.earlier.contains { step in
                if case let .addColumn(t, added, _, _) = step.operation { return t == table && added.name == column }
                return false
            } || earlier.contains { $0.hasPrefix("alter table") && Self.table($0) == table && ($0.contains(" add column \(column) ") || $0.contains(" add \(column) ")) }
            if added { return true }
        }
        // SET NOT NULL proved by a CHECK raw SQL validated before (no scan on PostgreSQL 12+).
        if let table = table(s), let column = columnSetNotNull(s), c.rawNotNullProofs.contains("\(table).\(column)") { return true }
        if s.hasPrefix("drop materialized view ") || s.hasPrefix("drop view ") {
            let kind = s.hasPrefix("drop view ") ? "view " : "materialized view "
            let name = Self.name(after: "drop " + kind, in: s, skipping: ["if exists "])
            if earlier.contains(where: { $0.contains(kind + (name ?? "\u{0}") + " as ") }) { return true }
            if let name, c.later.contains(where: { step in
                guard case let .sql(up, _) = step.operation, let text = up.text(for: c.target.engine.dialect) else { return false }
                return normalized(text).contains(kind + name + " as ")
            }) { return true }
        }
        return false
    }

    /// CHECK (col IS NOT NULL) constraints added and validated by raw SQL, followed over a chain.
    struct NotNullProofs {
        /// `table.column` proved by a validated CHECK.
        var proven: Set<String> = []
        /// NOT VALID ones by constraint name, waiting for their VALIDATE.
        var pending: [String: String] = [:]

        mutating func record(_ step: Step, target: DatabaseTarget) {
            guard target.engine == .postgresql, case let .sql(up, _) = step.operation, let text = up.text(for: .postgresql) else { return }
            let s = normalized(text)
            guard s.hasPrefix("alter table"), let table = RawSQL.table(s) else { return }
            if let r = s.range(of: " validate constraint ") {
                let name = String(s[r.upperBound...].prefix { $0 != " " && $0 != ";" }).filter { $0 != "\"" }
                if let proved = pending.removeValue(forKey: name) { proven.insert(proved) }
                return
            }
            guard let name = RawSQL.name(after: " add constraint ", in: s, skipping: []), let check = s.range(of: " check (") else { return }
            let body = s[check.upperBound...].prefix { $0 != ")" }
            guard body.hasSuffix(" is not null") else { return }
            let column = body.dropLast(" is not null".count).filter { $0 != "\"" && $0 != "(" && $0 != " " }
            guard !column.isEmpty else { return }
            if s.contains(" not valid") { pending[name] = "\(table).\(column)" } else { proven.insert("\(table).\(column)") }
        }
    }

    /// The column of `ALTER TABLE t ALTER [COLUMN] c SET NOT NULL`.
    static func columnSetNotNull(_ s: String) -> String? {
        guard let actions = alterActions(s), actions.hasPrefix("alter "), actions.hasSuffix(" set not null") else { return nil }
        var rest = actions.dropFirst("alter ".count)
        if rest.hasPrefix("column ") { rest = rest.dropFirst("column ".count) }
        let column = rest.prefix { $0 != " " }.filter { $0 != "\"" }
        return column.isEmpty ? nil : String(column)
    }

    /// VALIDATE CONSTRAINT in the transaction whose earlier statement added the constraint NOT VALID.
    static func validatedInSameTransaction(_ s: String, _ c: StepContext) -> Hit? {
        guard c.target.engine == .postgresql, c.inTransaction, s.hasPrefix("alter table"), let range = s.range(of: " validate constraint ") else { return nil }
        let name = String(s[range.upperBound...].prefix { $0 != " " && $0 != ";" })
        let added = c.earlier.contains { step in
            switch step.operation {
            case let .addForeignKey(fk): return fk.name == name
            case let .addCheck(check): return check.name == name
            default: return false
            }
        } || earlierTexts(c).contains { $0.contains(" add constraint \(name) ") }
        guard added else { return nil }
        return Hit("\(name) is validated in the same transaction that added it NOT VALID, so the add's lock is held during the scan",
                   lock: "ACCESS EXCLUSIVE / SHARE ROW EXCLUSIVE (from the add) for a full scan", blocks: reads,
                   fix: "move the VALIDATE CONSTRAINT into the next migration", severity: .error, rule: "pg-validate-same-transaction")
    }

    /// The name after `prefix` (quotes and a schema removed), skipping optional words.
    static func name(after prefix: String, in s: String, skipping: [String]) -> String? {
        guard let r = s.range(of: prefix) else { return nil }
        var rest = s[r.upperBound...]
        for word in skipping where rest.hasPrefix(word) { rest = rest.dropFirst(word.count) }
        let raw = rest.prefix { $0 != " " && $0 != "(" && $0 != ";" && $0 != "," }
        let last = raw.split(separator: ".").last.map(String.init) ?? String(raw)
        let name = last.filter { $0 != "\"" && $0 != "`" }
        return name.isEmpty ? nil : name
    }

    /// The clauses of an ALTER TABLE after its table name.
    static func alterActions(_ s: String) -> Substring? {
        guard s.hasPrefix("alter table ") else { return nil }
        var rest = s.dropFirst("alter table ".count)
        for word in ["if exists ", "only "] where rest.hasPrefix(word) { rest = rest.dropFirst(word.count) }
        guard let space = rest.firstIndex(of: " ") else { return nil }
        return rest[rest.index(after: space)...]
    }

    /// Whether one of the ALTER TABLE's clauses is `word` on its own (`FORCE`).
    static func clause(_ s: String, _ word: String) -> Bool {
        guard let actions = alterActions(s) else { return false }
        return actions.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == word }
    }

    static let constraintWords: Set<String> = ["constraint", "check", "unique", "primary", "foreign", "exclude", "index", "key", "fulltext", "spatial", "partition"]

    /// Whether an ALTER TABLE adds a column (`ADD [COLUMN] name type`, not a constraint or index).
    static func addsColumn(_ s: String) -> Bool {
        var rest = s[...]
        while let r = rest.range(of: " add ") {
            let next = rest[r.upperBound...].prefix { $0 != " " && $0 != "(" }
            if next == "column" || !constraintWords.contains(String(next)) { return true }
            rest = rest[r.upperBound...]
        }
        return false
    }

    /// An added column NOT NULL without a default (nor identity, generated or serial, which fill it).
    static func addsRequiredColumn(_ s: String) -> Bool {
        s.contains(" not null") && !s.contains(" is not null") && !s.contains(" default ") && !s.contains(" generated ")
            && !hasSerialType(s) && !s.contains(" primary key")
    }

    /// `RENAME TABLE a TO b`, `ALTER TABLE a RENAME TO b`.
    static func renamesTable(_ s: String) -> Bool {
        s.hasPrefix("rename table") || s.hasPrefix("alter table") && s.contains(" rename to ")
    }

    /// `RENAME TO`, `RENAME [COLUMN] a TO b`, `RENAME TABLE`; not a constraint or an index.
    static func renamesTableOrColumn(_ s: String) -> Bool {
        if s.hasPrefix("rename table") { return true }
        guard s.hasPrefix("alter table"), let r = s.range(of: " rename ") else { return false }
        let next = s[r.upperBound...].prefix { $0 != " " }
        return !["constraint", "index", "key"].contains(String(next))
    }

    /// The column an ALTER TABLE drops or renames (`DROP [COLUMN] [IF EXISTS] x`, `RENAME [COLUMN] x TO`, `CHANGE [COLUMN] x y`).
    static func droppedOrRenamedColumn(_ s: String) -> String? {
        for verb in [" drop column ", " rename column ", " change column ", " drop ", " rename ", " change "] {
            guard let r = s.range(of: verb) else { continue }
            var rest = s[r.upperBound...]
            if rest.hasPrefix("if exists ") { rest = rest.dropFirst("if exists ".count) }
            let word = String(rest.prefix { $0 != " " && $0 != ";" && $0 != "," }).filter { $0 != "\"" && $0 != "`" }
            if word.isEmpty || constraintWords.contains(word) || ["to", "default", "not"].contains(word) { continue }
            return word
        }
        return nil
    }

    /// `ALTER COLUMN x TYPE text` (or unbounded varchar / numeric) without USING: binary-coercible
    /// from the types people widen (varchar(n), numeric(p,s)), so no rewrite.
    static func widensToUnbounded(_ s: String) -> Bool {
        guard !s.contains(" using "), let r = s.range(of: " type ") else { return false }
        let target = s[r.upperBound...].prefix { $0 != ";" && $0 != "," }.trimmingCharacters(in: .whitespaces)
        return ["text", "varchar", "character varying", "numeric", "decimal"].contains(target)
    }
}
