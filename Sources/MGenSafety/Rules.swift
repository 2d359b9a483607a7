import Foundation
import MGenSpec

/// Every rule `mgen lint` knows, in the order docs/lint.md lists them.
public enum Rules {
    public static let all: [Rule] = postgresql + mysql + common + RawSQL.rawOnly + [RawSQL.rule]

    public static func rule(_ id: String) -> Rule? { all.first { $0.id == id } }

    static let pg: Set<DatabaseTarget.Engine> = [.postgresql]
    static let my: Set<DatabaseTarget.Engine> = [.mysql, .mariadb]
    static let servers: Set<DatabaseTarget.Engine> = [.postgresql, .mysql, .mariadb]
    static let everywhere = Set(DatabaseTarget.Engine.allCases)

    // MARK: - PostgreSQL

    static let postgresql: [Rule] = [
        Rule("pg-set-not-null", .error, pg,
             summary: "alter_column nullable: false on an existing table scans it under ACCESS EXCLUSIVE",
             versions: "PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists; 12–17 otherwise scan",
             why: "SET NOT NULL reads every row to prove there is no NULL, holding ACCESS EXCLUSIVE the whole time: no query can read or write the table until the scan ends, and every query arriving meanwhile queues behind it.",
             safe: "add a CHECK (col IS NOT NULL) NOT VALID; VALIDATE it in its own spec (a weak lock); then SET NOT NULL, which PostgreSQL 12+ proves from the CHECK without a scan; then drop the CHECK.") { c in
            guard case let .alterColumn(change) = c.operation, change.nullable == false,
                  let column = c.before.table(change.table)?.column(change.column), column.nullable,
                  c.isExisting(change.table) else { return nil }
            if hasValidatedNotNullCheck(c.before.table(change.table), column: change.column) { return nil }
            let check = "\(change.table)_\(change.column)_not_null"
            return Hit("SET NOT NULL on \(change.table).\(change.column) scans the whole table under ACCESS EXCLUSIVE", pg: .accessExclusive, fix: """
            split into specs: (1) `- add_check: {table: \(change.table), name: \(check), expression: "\(change.column) IS NOT NULL", not_valid: true}`; \
            (2) a spec of its own with `- validate_constraint: {table: \(change.table), name: \(check)}`; \
            (3) `- alter_column: {table: \(change.table), column: \(change.column), nullable: false}` and `- drop_constraint: {table: \(change.table), name: \(check)}` (no scan on PostgreSQL 12+)
            """, held: " for a full scan")
        },
        Rule("pg-add-column-volatile-default", .error, pg,
             summary: "add_column with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()) rewrites the table",
             versions: "PostgreSQL 11+ adds a column with a constant or STABLE default (now(), literals) without a rewrite; a VOLATILE default always rewrites",
             why: "A volatile default must be computed for every existing row, so PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE: reads and writes wait for the whole rewrite.",
             safe: "add the column without a default (or with a constant one), set the default with alter_column for new rows, then fill existing rows with a batched backfill in a spec with `transaction: false`.") { c in
            guard case let .addColumn(table, column, _, _) = c.operation, c.isExisting(table) else { return nil }
            let volatility = Knowledge.volatility(column.defaultValue)
            guard volatility != .constant, case let .sql(expression)? = column.defaultValue else { return nil }
            let fix = """
            add the column without the default: `- add_column: {table: \(table), column: {name: \(column.name), type: \(column.type)}}`, \
            then `- alter_column: {table: \(table), column: \(column.name), default: {sql: "\(expression)"}}`, then in a spec with `transaction: false`: \
            `- backfill: {table: \(table), set: {\(column.name): "\(expression)"}, where: "\(column.name) IS NULL"}`
            """
            if volatility == .unknown {
                return Hit("the default `\(expression)` of \(table).\(column.name) calls a function mgen cannot classify: if it is VOLATILE the table is rewritten",
                           pg: .accessExclusive, fix: fix, severity: .warning)
            }
            return Hit("adding \(table).\(column.name) with the volatile default `\(expression)` rewrites the whole table", pg: .accessExclusive,
                       fix: fix, held: " for a table rewrite")
        },
        Rule("pg-add-identity-column", .error, pg,
             summary: "adding an identity (or serial) column to an existing table rewrites it",
             why: "Every existing row needs its own number from the sequence, so PostgreSQL rewrites the table under ACCESS EXCLUSIVE.",
             safe: "add a plain bigint column, attach a sequence default in a later spec, backfill it in batches, then make it NOT NULL the safe way; or create a new table and copy.") { c in
            guard case let .addColumn(table, column, _, _) = c.operation, c.isExisting(table),
                  column.identity || isSerial(column.type) else { return nil }
            return Hit("adding the identity column \(table).\(column.name) rewrites the whole table", pg: .accessExclusive, fix: """
            add `\(column.name)` as a nullable bigint without identity, backfill it in batches (`- backfill:` in a spec with `transaction: false`), then make it NOT NULL through a validated CHECK (see pg-set-not-null)
            """, held: " for a table rewrite")
        },
        Rule("pg-type-change-rewrite", .error, pg,
             summary: "alter_column type that is not binary-coercible rewrites the table and its indexes",
             versions: "no rewrite: varchar widening, varchar/enum → text, numeric precision widening at the same scale; timestamp → timestamptz rewrites unless TimeZone is UTC (12+)",
             why: "A type change PostgreSQL cannot reinterpret in place rewrites every row and rebuilds every index on the table under ACCESS EXCLUSIVE: the table is unreadable and unwritable for the whole rewrite.",
             safe: "expand and contract: add a new column of the new type, write both from the application, backfill in batches, switch reads, then drop the old column (several deploys).") { c in
            guard case let .alterColumn(change) = c.operation, let newType = change.type,
                  let old = c.before.table(change.table)?.column(change.column), c.isExisting(change.table) else { return nil }
            let (rewrites, reason) = Knowledge.pgTypeChange(from: old.type, to: newType, target: c.target)
            guard rewrites else { return nil }
            return Hit("changing \(change.table).\(change.column) from \(old.type) to \(newType) rewrites the table: \(reason)", pg: .accessExclusive, fix: """
            spec 1: `- add_column: {table: \(change.table), column: {name: \(change.column)_new, type: \(newType)}}`; deploy code writing both columns; \
            spec 2 (`transaction: false`): `- backfill: {table: \(change.table), set: {\(change.column)_new: "\(change.column)"}, where: "\(change.column)_new IS NULL"}`; \
            switch reads; spec 3: `- drop_column` the old column and `- rename_column` the new one (a breaking step: see rename-column)
            """, held: " for a table rewrite")
        },
        Rule("pg-create-index-not-concurrent", .error, pg,
             summary: "create_index on an existing table without concurrently: true blocks writes for the whole build",
             why: "CREATE INDEX takes a SHARE lock: reads continue but every INSERT, UPDATE and DELETE waits until the index is built, which on a large table takes minutes.",
             safe: "`concurrently: true` (the spec then runs outside a transaction: keep the index alone in its spec).") { c in
            guard case let .createIndex(index, concurrently) = c.operation, !concurrently, c.isExisting(index.table) else { return nil }
            return Hit("index \(index.name) is built on the existing table \(index.table) without CONCURRENTLY", pg: .share, fix: """
            add `concurrently: true` to the create_index of \(index.name) and keep it alone in its spec
            """, held: " for the whole build")
        },
        Rule("pg-drop-index-not-concurrent", .warning, pg,
             summary: "drop_index without concurrently: true takes ACCESS EXCLUSIVE on the table",
             why: "DROP INDEX locks the table in ACCESS EXCLUSIVE mode. It is quick once granted, but waiting for it queues every later query on the table behind any long transaction.",
             safe: "`concurrently: true` on the drop_index, alone in its spec.") { c in
            guard case let .dropIndex(name, table, concurrently) = c.operation, !concurrently, c.isExisting(table) else { return nil }
            // A drop the chain made on its own for a dropped column is part of that drop.
            if case .dropColumn = c.planned.migration.operations.first(where: { $0.location == c.step.location })?.value { return nil }
            return Hit("index \(name) on \(table) is dropped without CONCURRENTLY", pg: .accessExclusive, fix: """
            add `concurrently: true` to the drop_index of \(name) and keep it alone in its spec
            """)
        },
        Rule("pg-foreign-key-not-valid", .error, pg,
             summary: "add_foreign_key on an existing table without not_valid: true validates every row while blocking writes on both tables",
             why: "Adding a validated foreign key takes SHARE ROW EXCLUSIVE on the table and on the referenced table and checks every existing row while holding them: writes to both tables stop until the check ends.",
             safe: "`not_valid: true`, then `validate_constraint` in a later spec (VALIDATE takes only SHARE UPDATE EXCLUSIVE).") { c in
            switch c.operation {
            case let .addForeignKey(fk) where !fk.notValid && c.isExisting(fk.table):
                return Hit("foreign key \(fk.name) is validated against every row of \(fk.table) while writes to \(fk.table) and \(fk.referencedTable) wait",
                           pg: .shareRowExclusive, fix: """
                spec 1: add `not_valid: true` to the add_foreign_key of \(fk.name); spec 2 (its own): `- validate_constraint: {table: \(fk.table), name: \(fk.name)}`
                """, held: " on both tables")
            case let .addColumn(table, column, _, fk?) where c.isExisting(table):
                return Hit("column \(table).\(column.name) is added with foreign key \(fk.name), validated at once while writes to \(table) and \(fk.referencedTable) wait",
                           pg: .accessExclusive, fix: """
                add the column without `references`, then `- add_foreign_key: {table: \(table), name: \(fk.name), columns: [\(column.name)], references: {table: \(fk.referencedTable), columns: [\(fk.referencedColumns.joined(separator: ", "))]}, not_valid: true}`, and validate_constraint in a later spec
                """, severity: .warning)
            default:
                return nil
            }
        },
        Rule("pg-check-not-valid", .error, pg,
             summary: "add_check on an existing table without not_valid: true scans it under ACCESS EXCLUSIVE",
             why: "A new CHECK is proved against every existing row while ACCESS EXCLUSIVE is held: no reads or writes until the scan ends.",
             safe: "`not_valid: true`, then `validate_constraint` in a later spec.") { c in
            guard case let .addCheck(check) = c.operation, !check.notValid, c.isExisting(check.table) else { return nil }
            return Hit("check \(check.name) is proved against every row of \(check.table) under ACCESS EXCLUSIVE", pg: .accessExclusive, fix: """
            spec 1: add `not_valid: true` to the add_check of \(check.name); spec 2 (its own): `- validate_constraint: {table: \(check.table), name: \(check.name)}`
            """, held: " for a full scan")
        },
        Rule("pg-validate-same-transaction", .error, pg,
             summary: "validate_constraint in the same transactional spec as the add that made it NOT VALID",
             why: "NOT VALID exists so the long check runs under a weak lock. In one transaction the ADD's lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key) is still held while VALIDATE scans, so nothing is gained.",
             safe: "move validate_constraint into a spec of its own (the next one).") { c in
            guard case let .validateConstraint(table, name) = c.operation, c.inTransaction, c.isExisting(table) else { return nil }
            let addedHere = c.earlierInTransaction.contains { step in
                switch step.operation {
                case let .addForeignKey(fk): fk.name == name
                case let .addCheck(check): check.name == name
                default: false
                }
            }
            guard addedHere else { return nil }
            let isFK = c.before.table(table)?.foreignKeys.contains { $0.name == name } ?? false
            return Hit("\(name) is validated in the same transaction that added it, so the add's lock is held during the scan",
                       pg: isFK ? .shareRowExclusive : .accessExclusive, fix: """
            move `- validate_constraint: {table: \(table), name: \(name)}` into a new spec after this one
            """, held: " (from the add) for a full scan")
        },
        Rule("pg-unique-constraint-under-lock", .error, pg,
             summary: "add_unique (or add_column unique: true) on an existing table builds its index under ACCESS EXCLUSIVE",
             why: "ADD CONSTRAINT … UNIQUE builds a unique index while holding ACCESS EXCLUSIVE: the table is unreadable and unwritable for the whole build.",
             safe: "a spec's add_unique is safe as mgen writes it: `mgen emit` builds its index with CREATE UNIQUE INDEX CONCURRENTLY, outside a transaction, then adds the constraint with ADD CONSTRAINT … UNIQUE USING INDEX in a transaction of its own (a moment's lock, no scan); no `sql` step is needed. add_column unique: true still builds under the lock: add the column, then add_unique. Runners that send a file as one query (golang-migrate, Prisma) get the plain form: there, create_index unique: true, concurrently: true in a spec of its own, then add_unique using_index.") { c in
            let (table, name, columns): (String, String, [String])
            switch c.operation {
            // What mgen emits for a spec's add_unique is the safe form (PostgreSQLDialect.addUnique,
            // issue 13): RenderedSafety makes this finding an info for specs mgen writes.
            case let .addUnique(unique): (table, name, columns) = (unique.table, unique.name, unique.columns)
            case let .addColumn(t, column, unique?, _): (table, name, columns) = (t, unique.name, [column.name])
            default: return nil
            }
            guard c.isExisting(table) else { return nil }
            if case .addColumn = c.operation {
                return Hit("unique constraint \(name) builds its index on \(table) under ACCESS EXCLUSIVE", pg: .accessExclusive, fix: """
                add the column without `unique: true`, then `- add_unique: {table: \(table), name: \(name), columns: [\(columns.joined(separator: ", "))]}` (mgen builds its index CONCURRENTLY and takes it over USING INDEX)
                """, held: " for the index build")
            }
            return Hit("unique constraint \(name) builds its index on \(table) under ACCESS EXCLUSIVE", pg: .accessExclusive, fix: """
            spec 1 (its own): `- create_index: {name: \(name), table: \(table), columns: [\(columns.joined(separator: ", "))], unique: true, concurrently: true}`; \
            spec 2: `- add_unique: {table: \(table), using_index: \(name)}` (ADD CONSTRAINT … UNIQUE USING INDEX: a moment's lock, no scan)
            """, held: " for the index build")
        },
        Rule("pg-concurrent-if-not-exists", .info, pg,
             summary: "a concurrent index build that fails leaves an INVALID index that IF NOT EXISTS then skips",
             why: "When CREATE INDEX CONCURRENTLY fails (duplicates for a unique index, a deadlock, a cancelled statement) the index stays behind marked INVALID: a unique one enforces nothing and queries do not use it. With IF NOT EXISTS a re-run would 'succeed' without building it; mgen leaves IF NOT EXISTS out of concurrent builds, so the re-run fails on the INVALID index until it is dropped.",
             safe: "before re-running, drop the INVALID index (`drop_index … concurrently: true`); for a unique index, find duplicates first. mgen writes CREATE INDEX CONCURRENTLY without IF NOT EXISTS, so a re-run fails loudly instead of skipping the INVALID index (raw SQL with IF NOT EXISTS reports under this rule too).") { c in
            guard case let .createIndex(index, true) = c.operation, c.isExisting(index.table) else { return nil }
            return Hit("if building \(index.name) concurrently fails\(index.unique ? " (duplicate values)" : ""), an INVALID index remains and a re-run with IF NOT EXISTS skips it",
                       pg: .shareUpdateExclusive, fix: """
            check `SELECT indisvalid FROM pg_index WHERE indexrelid = '\(index.name)'::regclass` after a failed run and drop the index concurrently before retrying\(index.unique ? "; look for duplicates of (\(index.columnNames.joined(separator: ", "))) first" : "")
            """)
        },
        Rule("pg-concurrent-with-other-ddl", .warning, pg,
             summary: "a concurrent index in a spec with other operations makes the whole spec non-transactional",
             why: "CONCURRENTLY cannot run inside a transaction, so the spec cannot be one: mgen runs its other statements in transactions of their own (with their timeouts) and the concurrent one outside, in order. If a later part fails, the earlier ones stay applied and the migration is half done; the framework still records it as not applied, and a re-run fails on what exists.",
             safe: "one concurrent index (or concurrent drop) per spec, nothing else in it.") { c in
            // Session settings (SET lock_timeout …) are no schema change that could be left half done.
            let others = c.planned.up.enumerated().filter { $0.offset != c.position && !isSessionSetting($0.element.operation, c) }
                .map(\.element.operation.kind)
            guard c.operation.isConcurrent, !others.isEmpty else { return nil }
            return Hit("this spec also runs \(others.joined(separator: ", ")) apart from the concurrent step (mgen gives them transactions of their own): if the build fails, they stay applied",
                       pg: .shareUpdateExclusive, fix: "move the concurrent \(c.operation.kind) into a spec of its own")
        },
        Rule("pg-enum-check-revalidated", .warning, pg,
             summary: "changing an enum's values re-adds its CHECK, validated against every row under ACCESS EXCLUSIVE",
             why: "mgen stores an enum as text with a CHECK; a new list of values means DROP CONSTRAINT + ADD CONSTRAINT CHECK, and the new CHECK is proved against every row while ACCESS EXCLUSIVE is held.",
             safe: "for an existing table write the change as: drop_constraint the enum's CHECK, add_check with the new list and not_valid: true, then validate_constraint in a later spec.") { c in
            guard case let .alterColumn(change) = c.operation, case let .enumeration(values)? = change.type,
                  let old = c.before.table(change.table)?.column(change.column), case .enumeration = old.type,
                  c.isExisting(change.table) else { return nil }
            let list = values.map { "'\($0)'" }.joined(separator: ", ")
            return Hit("the CHECK of enum \(change.table).\(change.column) is dropped and re-added, validated against every row", pg: .accessExclusive, fix: """
            change the column to `text` in PostgreSQL-only specs, or write it as: `- sql` dropping the old CHECK, `- add_check: {table: \(change.table), name: \(change.table)_\(change.column)_check, expression: "\(change.column) IN (\(list))", not_valid: true}`, and a later spec with validate_constraint
            """, held: " for a full scan")
        },
        Rule("pg-lock-held-during-slow-step", .warning, pg,
             summary: "a slow step runs after an ACCESS EXCLUSIVE lock was taken in the same transaction",
             why: "Locks are held until the transaction commits. A quick ALTER followed by an index build, a validation, a rewrite or a backfill keeps the table locked for the slow step too.",
             safe: "put the slow step in its own spec, or order it before the step that takes ACCESS EXCLUSIVE.") { c in
            guard c.inTransaction, let table = c.operation.table, c.isExisting(table), isSlow(c) else { return nil }
            guard let locker = c.earlierInTransaction.first(where: { $0.operation.table == table && takesAccessExclusive($0.operation) }) else { return nil }
            return Hit("\(c.operation.kind) on \(table) runs while the ACCESS EXCLUSIVE lock of the earlier \(locker.operation.kind) (line \(locker.location.line)) is still held",
                       pg: .accessExclusive, fix: "move this \(c.operation.kind) into a spec of its own", held: " until commit")
        },
        Rule("pg-foreign-key-without-index", .info, pg,
             summary: "a foreign key whose columns no index starts with",
             why: "PostgreSQL does not index the referencing side of a foreign key. Every DELETE or key UPDATE on the referenced table then scans the referencing table (holding its row locks meanwhile), and joins along the key scan too; MySQL creates the index itself, PostgreSQL does not.",
             safe: "a `create_index` on the foreign key's columns (`concurrently: true` on an existing table), in the spec before the foreign key.") { c in
            let fk: ForeignKey
            switch c.operation {
            case let .addForeignKey(added): fk = added
            case let .addColumn(_, _, _, added?): fk = added
            default: return nil
            }
            let after = c.planned.after
            let covered = after.indexes(on: fk.table).contains { Array($0.columnNames.prefix(fk.columns.count)) == fk.columns && $0.predicate == nil }
                || after.table(fk.table).map { table in
                    (table.primaryKey.map { Array($0.columns.prefix(fk.columns.count)) == fk.columns } ?? false)
                        || table.uniques.contains { Array($0.columns.prefix(fk.columns.count)) == fk.columns }
                } ?? false
            guard !covered else { return nil }
            return Hit("no index starts with \(fk.table) (\(fk.columns.joined(separator: ", "))): deletes from \(fk.referencedTable) scan \(fk.table)",
                       lock: "none (at run time: row locks during each scan)", blocks: "nothing now; later, deletes and key updates of \(fk.referencedTable) are slow",
                       fix: "add `- create_index: {name: idx_\(fk.table)_\(fk.columns.joined(separator: "_")), table: \(fk.table), columns: [\(fk.columns.joined(separator: ", "))]\(c.isExisting(fk.table) ? ", concurrently: true" : "")}` in a spec before this one")
        },
        Rule("pg-prefer-identity", .info, pg,
             summary: "serial types (a native serial/bigserial) instead of identity columns",
             why: "serial is an integer with a sequence the column does not own in the SQL standard's sense: permissions, dumps and ownership surprise; `GENERATED BY DEFAULT AS IDENTITY` (mgen's `identity: true`) is the standard replacement.",
             safe: "`type: bigint, identity: true`.") { c in
            for column in addedColumns(c.operation) where isSerial(column.type) {
                return Hit("column \(column.name) uses a serial type", lock: "none", blocks: "nothing",
                           fix: "write `{name: \(column.name), type: bigint, identity: true}`")
            }
            return nil
        },
        Rule("pg-prefer-timestamptz", .info, pg,
             summary: "timestamp without time zone",
             why: "timestamp stores wall-clock time without an offset: values written by servers or sessions in other time zones cannot be compared. Changing it later to timestamptz rewrites the table.",
             safe: "`type: timestamptz`.") { c in
            for column in addedColumns(c.operation) where column.type.withoutPrecision == .timestamp {
                return Hit("column \(column.name) is a timestamp without time zone", lock: "none", blocks: "nothing",
                           fix: "write `type: timestamptz` for \(column.name)")
            }
            return nil
        },
    ]

    // MARK: - MySQL / MariaDB

    static let mysql: [Rule] = [
        Rule("mysql-copy-algorithm", .error, my,
             summary: "an ALTER TABLE that MySQL/MariaDB can only do with ALGORITHM=COPY on an existing table",
             versions: "type changes (VARCHAR growth crossing 255 bytes, other types), ADD FOREIGN KEY (foreign_key_checks=1), ADD CHECK, AUTO_INCREMENT columns, ENUM values removed or reordered, raw CONVERT TO CHARACTER SET and CHANGE/MODIFY of a type mgen does not know: COPY on MySQL 8.0 and MariaDB 10.6+; raw ALGORITHM=COPY, LOCK=SHARED or LOCK=EXCLUSIVE as written",
             why: "COPY creates a new table and copies every row while writes are blocked (LOCK=SHARED); on a large table that is minutes to hours of failed or queued writes, and replicas replay it single-threaded.",
             safe: "expand and contract (new column or table, backfill, switch), or an online schema change tool (gh-ost, pt-online-schema-change); for a foreign key on rows known to be valid, `SET foreign_key_checks = 0` around the add makes it INPLACE.") { c in
            guard let table = c.operation.table, c.isExisting(table),
                  let plan = Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target), plan.algorithm == .copy else { return nil }
            // With foreign_key_checks off, MySQL/MariaDB add a foreign key INPLACE, without a copy.
            switch c.operation {
            case .addForeignKey, .addColumn(_, _, _, _?):
                if foreignKeyChecksOff(c) { return nil }
            default: break
            }
            var fix = "use expand and contract, or run this change with gh-ost / pt-online-schema-change"
            if case let .addForeignKey(fk) = c.operation {
                fix = "if every \(fk.table) row is known to reference an existing \(fk.referencedTable) row: `- sql: {up: {mysql: \"SET foreign_key_checks = 0; ALTER TABLE \(fk.table) ADD CONSTRAINT \(fk.name) FOREIGN KEY (\(fk.columns.joined(separator: ", "))) REFERENCES \(fk.referencedTable) (\(fk.referencedColumns.joined(separator: ", "))), ALGORITHM=INPLACE, LOCK=NONE; SET foreign_key_checks = 1\"}}`; else an online schema change tool"
            }
            return Hit("\(c.operation.kind) on \(table) copies the table on \(c.target): \(plan.reason)", mysql: plan, fix: fix)
        },
        Rule("mysql-inplace-rebuild", .warning, my,
             summary: "an ALTER TABLE that rebuilds an existing table in place (ALGORITHM=INPLACE with a rebuild), or blocks writes while it runs (LOCK=SHARED)",
             versions: "ADD COLUMN rebuilds before MySQL 8.0.12 (INSTANT after, last position; any position 8.0.29+; MariaDB 10.3.2+); DROP COLUMN before MySQL 8.0.29 (MariaDB 10.4+ instant); NULL/NOT NULL changes; columns with expression defaults, UNIQUE, or in an index; FULLTEXT/SPATIAL indexes (LOCK=SHARED; the first FULLTEXT index rebuilds); raw ENGINE=, FORCE and ROW_FORMAT= always rebuild",
             why: "An in-place rebuild lets reads and writes continue, but it rewrites the whole table (I/O, replica lag, a temporary copy of the table's size on disk) and takes an exclusive metadata lock at the start and end that queues behind long transactions.",
             safe: "prefer the INSTANT form the version allows (a plain ADD COLUMN with a constant default, appended); otherwise schedule the rebuild or use an online schema change tool.") { c in
            guard let table = c.operation.table, c.isExisting(table),
                  let plan = Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target),
                  plan.algorithm == .inplace, plan.rebuilds || plan.lock != .none else { return nil }
            return Hit("\(c.operation.kind) on \(table) rebuilds the table on \(c.target): \(plan.reason)", mysql: plan,
                       fix: "if the rebuild is not acceptable at this size, use an online schema change tool; the server can be made to refuse anything slower with `\(plan.clause)`")
        },
        Rule("mysql-row-versions-exhausted", .warning, [.mysql],
             summary: "an instant ADD/DROP COLUMN on a table that has used up its row versions",
             versions: "MySQL 8.0.29+: each instant ADD or DROP COLUMN creates a row version, 64 allowed (255 from 9.1.0); counted over the chain since the table was created or last rebuilt. MariaDB has no such limit",
             why: "Once a table has 64 row versions (TOTAL_ROW_VERSIONS in INFORMATION_SCHEMA.INNODB_TABLES), MySQL refuses ALGORITHM=INSTANT for column adds and drops; without an explicit algorithm the change silently becomes a full table rebuild, on a table whose earlier changes were all instant.",
             safe: "rebuild the table on purpose at a quiet time (`OPTIMIZE TABLE` or `ALTER TABLE … FORCE`), which resets the row versions, before this change; or batch column changes so fewer versions are used.") { c in
            guard let limit = Knowledge.mysqlRowVersionLimit(c.target), c.rowVersions >= limit,
                  let table = c.operation.table, c.isExisting(table),
                  let plan = Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target), plan.algorithm == .instant else { return nil }
            switch c.operation {
            case .addColumn, .dropColumn: break
            default: return nil
            }
            let rebuild = MySQLPlan(.inplace, lock: .none, rebuilds: true, "row versions exhausted")
            return Hit("\(table) already has \(c.rowVersions) instant column changes in this chain (the limit is \(limit)): this \(c.operation.kind) rebuilds the table", mysql: rebuild,
                       fix: "add `- sql: {up: {mysql: \"OPTIMIZE TABLE \(table)\"}, down: \"SELECT 1\"}` in a spec of its own before this one, run at a quiet time")
        },
        Rule("mysql-implicit-default", .error, my,
             summary: "add_column NOT NULL without a default on an existing table silently fills every row with '' / 0",
             why: "MySQL and MariaDB accept ADD COLUMN … NOT NULL without DEFAULT on a table with rows and give every existing row the type's implicit default ('' for strings, 0 for numbers, '0000-00-00' or the epoch for dates): data nobody wrote, indistinguishable from real values.",
             safe: "add the column nullable, backfill it, then make it NOT NULL; or give it an explicit default.") { c in
            guard case let .addColumn(table, column, _, _) = c.operation, !column.nullable, column.defaultValue == nil, !column.identity,
                  c.isExisting(table) else { return nil }
            let plan = Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target) ?? MySQLPlan(.instant, "")
            return Hit("\(table).\(column.name) is NOT NULL without a default: existing rows silently get the implicit \(implicitDefault(column.type))", mysql: plan, fix: """
            add `{name: \(column.name), type: \(column.type)}` nullable, `- backfill` it (transaction: false), then `- alter_column: {table: \(table), column: \(column.name), nullable: false}`; or give it `default:`
            """)
        },
    ]

    // MARK: - Every engine

    static let common: [Rule] = [
        Rule("missing-lock-timeout", .warning, servers,
             summary: "a spec that takes a blocking lock on an existing table without a lock timeout",
             versions: "PostgreSQL: lock_timeout; MySQL/MariaDB: lock_wait_timeout (defaults 1 year / 1 day)",
             why: "A DDL statement waiting for its lock queues behind any long transaction, and every query on the table queues behind it: a one-millisecond ALTER can stop the application for as long as the oldest transaction runs. A lock timeout makes it give up (and be retried) instead.",
             safe: "start the spec with a `sql` step that sets the timeout (`SET lock_timeout = '5s'` / `SET SESSION lock_wait_timeout = 5`).") { c in
            // mgen's PostgreSQL output opens every transactional migration with its own timeouts,
            // and every transactional part of a spec outside a transaction only for its concurrent step.
            if c.target.engine == .postgresql, c.timeoutsEmitted,
               c.planned.runsInTransaction || (c.planned.migration.transaction == nil && !c.operation.isConcurrent) { return nil }
            guard blocksTraffic(c), let table = c.operation.table ?? rawTable(c), c.isExisting(table) else { return nil }
            let setting = c.target.engine == .postgresql ? "lock_timeout" : "lock_wait_timeout"
            let setsTimeout = c.planned.up.contains { step in
                guard case let .sql(up, _) = step.operation else { return false }
                return up.text(for: c.target.engine.dialect)?.lowercased().contains(setting) ?? false
            }
            // Report once per spec: at its first blocking step.
            guard !setsTimeout, !c.earlier.contains(where: { earlier in
                earlier.operation.table.map { earlierTable in
                    c.before.table(earlierTable) != nil && !c.newTables.contains(earlierTable)
                } ?? false
            }) else { return nil }
            let statement = c.target.engine == .postgresql ? "SET lock_timeout = '5s'" : "SET SESSION lock_wait_timeout = 5"
            return Hit("no \(setting) is set before \(c.operation.kind) on \(table): waiting for its lock blocks every query queued behind it",
                       lock: "(waiting for the lock)", blocks: "every later query on \(table) while it waits",
                       fix: "make the first operation `- sql: {up: {\(c.target.engine.dialect.rawValue): \"\(statement)\"}, down: \"SELECT 1\"}`")
        },
        Rule("drop-table", .error, everywhere,
             summary: "drop_table of a table that holds data",
             why: "The data is gone (the down recreates the table empty), and application code still running from the previous deploy fails on every query to the table.",
             safe: "deploy code that no longer uses the table first; take a backup; then drop it in a spec of its own (and `lint: {ignore: [drop-table], reason: …}`).") { c in
            guard case let .dropTable(table) = c.operation, c.isExisting(table) else { return nil }
            return Hit("dropping \(table) loses its rows and breaks code that still queries it", lock: lockName(c, .accessExclusive),
                       blocks: blocksName(c, .accessExclusive), fix: "remove every use of \(table) from the code and deploy; then keep this spec and add `lint: {ignore: [drop-table], reason: \"\(table) unused since <release>\"}`")
        },
        Rule("drop-column", .error, everywhere,
             summary: "drop_column of an existing table's column",
             why: "The values are gone, and the previous deploy's code still selects or inserts the column (ORMs that list every column fail on every query to the table) until it is replaced.",
             safe: "stop using the column in code (and tell the ORM to ignore it), deploy, then drop it.") { c in
            guard case let .dropColumn(table, column) = c.operation, c.isExisting(table, column: column) else { return nil }
            return Hit("dropping \(table).\(column) loses its values and breaks code that still reads or writes it", lock: lockName(c, .accessExclusive),
                       blocks: blocksName(c, .accessExclusive), fix: "remove \(column) from the code (Rails: ignored_columns; Django: remove the field with SeparateDatabaseAndState) and deploy first; then add `lint: {ignore: [drop-column], reason: \"…\"}` to this spec")
        },
        Rule("rename-column", .error, everywhere,
             summary: "rename_column on an existing table breaks running code",
             why: "Between the migration and the deploy of the new code, the running code queries the old name and fails; with several application servers the old and new code also run side by side.",
             safe: "expand and contract: add the new column, write both, backfill, switch reads, drop the old one (or a view/generated column with the old name during the switch).") { c in
            guard case let .renameColumn(table, column, to) = c.operation, c.isExisting(table, column: column) else { return nil }
            return Hit("renaming \(table).\(column) to \(to) breaks code that still uses \(column)", lock: lockName(c, .accessExclusive),
                       blocks: blocksName(c, .accessExclusive), fix: """
            spec 1: `- add_column: {table: \(table), column: {name: \(to), …}}`; deploy code writing both; spec 2 (`transaction: false`): `- backfill: {table: \(table), set: {\(to): "\(column)"}}`; deploy code reading \(to); spec 3: `- drop_column: {table: \(table), column: \(column)}`
            """)
        },
        Rule("rename-table", .error, everywhere,
             summary: "rename_table on an existing table breaks running code",
             why: "The running code queries the old name until the new code is deployed everywhere; every such query fails.",
             safe: "create the new table and copy (expand and contract), or rename and leave a view with the old name until the code has moved.") { c in
            guard case let .renameTable(table, to) = c.operation, c.isExisting(table) else { return nil }
            return Hit("renaming \(table) to \(to) breaks code that still uses \(table)", lock: lockName(c, .accessExclusive),
                       blocks: blocksName(c, .accessExclusive), fix: """
            in the same spec add `- sql: {up: "CREATE VIEW \(table) AS SELECT * FROM \(to)", down: "DROP VIEW \(table)"}` (a simple view is updatable), and drop the view once no code uses \(table)
            """)
        },
        Rule("drop-view", .warning, servers,
             summary: "drop_view (or a materialized view) that existed before this migration and is not created again in it",
             why: "Code still running from the previous deploy queries the view and fails until the new code is everywhere; a materialized view's rows are gone too (they are recomputed only when it is created again).",
             safe: "deploy code that no longer uses the view first, then drop it; to change a view use replace_view (CREATE OR REPLACE VIEW), which keeps it in place.") { c in
            guard case let .object(.drop(kind, name)) = c.operation, kind == .view || kind == .materializedView else { return nil }
            func creates(_ step: Step) -> Bool {
                if case let .object(.create(object)) = step.operation { return object.name == name }
                return false
            }
            // One this migration made, or makes again, is no view running code depends on.
            guard !c.earlier.contains(where: creates), !c.later.contains(where: creates) else { return nil }
            return Hit("dropping the \(kind == .view ? "view" : "materialized view") \(name) breaks code that still queries it",
                       lock: lockName(c, .accessExclusive), blocks: blocksName(c, .accessExclusive),
                       fix: "remove every use of \(name) from the code and deploy first; then keep this spec and add `lint: {ignore: [drop-view], reason: \"…\"}`")
        },
        Rule("type-narrowing", .error, everywhere,
             summary: "alter_column to a type that does not hold every old value",
             why: "Shorter strings, smaller integers, fewer digits or fewer enum values: the change fails on existing rows that do not fit, or (MySQL without strict mode) silently truncates them; the down cannot bring the lost part back.",
             safe: "check the data first (`SELECT max(length(col))`, …); keep the wider type and enforce the limit with a CHECK NOT VALID + VALIDATE instead.") { c in
            guard case let .alterColumn(change) = c.operation, let newType = change.type,
                  let old = c.before.table(change.table)?.column(change.column), c.isExisting(change.table),
                  !old.type.widens(to: newType) else { return nil }
            if case .native = newType { return nil }
            if case .native = old.type { return nil }
            return Hit("\(change.table).\(change.column) goes from \(old.type) to \(newType), which does not hold every old value",
                       lock: lockName(c, .accessExclusive), blocks: blocksName(c, .accessExclusive), fix: """
            keep \(old.type) and add `- add_check: {table: \(change.table), name: \(change.table)_\(change.column)_fits, expression: "…", not_valid: true}`, validated in a later spec
            """)
        },
        Rule("drop-not-null", .warning, everywhere,
             summary: "alter_column nullable: true on an existing NOT NULL column",
             why: "Code already running reads the column as always set; once NULL can be written (by the new code or a default-less insert) the old readers crash or mis-handle it during the rollout, and going back to NOT NULL later is a scan (or a rebuild on MySQL).",
             safe: "deploy code that handles NULL first; then drop the NOT NULL.") { c in
            guard case let .alterColumn(change) = c.operation, change.nullable == true,
                  let column = c.before.table(change.table)?.column(change.column), !column.nullable,
                  c.isExisting(change.table, column: change.column) else { return nil }
            return Hit("\(change.table).\(change.column) may hold NULL from now on; code that assumes a value breaks",
                       lock: lockName(c, .accessExclusive), blocks: blocksName(c, .accessExclusive),
                       fix: "deploy code that handles NULL in \(change.column) first; then keep this spec and add `lint: {ignore: [drop-not-null], reason: \"…\"}`")
        },
        Rule("add-required-column", .error, [.postgresql, .sqlite],
             summary: "add_column NOT NULL without a default on an existing table",
             why: "PostgreSQL refuses it as soon as the table has a row (\"column contains null values\") and SQLite refuses it always: the migration works on an empty development database and fails in production.",
             safe: "add the column nullable (or with a constant default, instant on PostgreSQL 11+), backfill, then make it NOT NULL the safe way.") { c in
            guard case let .addColumn(table, column, _, _) = c.operation, !column.nullable, column.defaultValue == nil, !column.identity,
                  c.isExisting(table) else { return nil }
            return Hit("\(table).\(column.name) is NOT NULL without a default: the ALTER fails on a table with rows",
                       lock: lockName(c, .accessExclusive), blocks: blocksName(c, .accessExclusive), fix: """
            add it with a constant `default:` (no rewrite on PostgreSQL 11+), or nullable + `- backfill` (transaction: false) + NOT NULL through a validated CHECK (see pg-set-not-null)
            """)
        },
        Rule("backfill-in-transaction", .error, [.postgresql, .sqlite],
             summary: "a backfill inside a transactional spec holds its row locks (and the spec's DDL locks) until the end",
             why: "mgen batches a backfill, but inside a transaction the batches never commit: every updated row stays locked until the whole table is done, and any lock an ALTER of the same spec took is held just as long. Concurrent writes to those rows wait, and the table bloats.",
             safe: "put the backfill in a spec of its own with `transaction: false`, so each batch commits.") { c in
            guard case let .backfill(fill) = c.operation, c.inTransaction, c.isExisting(fill.table) else { return nil }
            return Hit("backfill of \(fill.table) runs inside the spec's transaction: its batches commit only at the end", pg: .rowExclusive, fix: """
            move the backfill into a spec of its own with `transaction: false`
            """, held: " and a row lock on every updated row until commit")
        },
        Rule("backfill-unbatched", .warning, servers,
             summary: "a backfill with batch_size: 0, or raw UPDATE/DELETE, on an existing table",
             why: "One UPDATE over the whole table locks every row it touches until it finishes, writes the whole table's worth of WAL/binlog at once, and lags replicas.",
             safe: "a `backfill` with a batch_size (default 1000) in a spec with `transaction: false`.") { c in
            switch c.operation {
            case let .backfill(fill) where fill.batchSize == 0 && c.isExisting(fill.table):
                return Hit("backfill of \(fill.table) is one UPDATE over the whole table", pg: .rowExclusive,
                           fix: "remove `batch_size: 0` (batches of 1000) and give the spec `transaction: false`")
            // spec 1.1: data steps, as a spec says them or the SQL reader reads raw UPDATE/DELETE
            case let .update(update) where c.isExisting(update.table):
                return Hit("update of \(update.table) changes every matching row in one statement", pg: .rowExclusive,
                           fix: "write it as `- backfill:` (batched) in a spec with `transaction: false`")
            case let .delete(delete) where c.isExisting(delete.table):
                if case .rows = delete.selection { return nil }  // rows named by key: as many as the spec lists
                return Hit("delete from \(delete.table) removes every matching row in one statement", pg: .rowExclusive,
                           fix: "delete in batches (a `sql` step with LIMIT, repeated, in a spec with `transaction: false`)")
            case let .sql(up, _):
                guard let text = up.text(for: c.target.engine.dialect)?.lowercased() else { return nil }
                let statements = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard let dml = statements.first(where: { $0.hasPrefix("update ") || $0.hasPrefix("delete ") }),
                      !dml.contains(" limit ") else { return nil }
                return Hit("raw `\(dml.prefix(40))…` changes every matching row in one statement", pg: .rowExclusive,
                           fix: "write it as `- backfill:` (batched) in a spec with `transaction: false`")
            default:
                return nil
            }
        },
        Rule("prefer-bigint-primary-key", .warning, everywhere,
             summary: "an integer or smallint primary key",
             why: "A 32-bit key runs out at 2,147,483,647 rows (inserts then fail), and widening it later is a full rewrite of the table and of every table whose foreign key points at it.",
             safe: "`type: bigint` for primary keys (and the foreign keys that reference them).") { c in
            guard case let .createTable(table) = c.operation, let pk = table.primaryKey, pk.columns.count == 1,
                  let column = table.column(pk.columns[0]), column.type == .integer || column.type == .smallint else { return nil }
            return Hit("\(table.name).\(column.name) is an \(column.type) primary key", lock: "none", blocks: "nothing",
                       fix: "write `type: bigint` for \(table.name).\(column.name)")
        },
        Rule("raw-sql-not-checked", .info, servers,
             summary: "a `sql` step: the linter does not see inside raw SQL",
             why: "mgen does not parse the SQL of a `sql` step, so the locks and rewrites it causes are not checked (only UPDATE/DELETE without LIMIT is recognised).",
             safe: "use the structured operation when one exists; otherwise review the statement's lock by hand.") { c in
            guard case let .sql(up, _) = c.operation, let text = up.text(for: c.target.engine.dialect) else { return nil }
            let lower = text.lowercased()
            // Session settings and the safe-rewrite statements this linter itself suggests are known.
            if lower.hasPrefix("set ") || lower.contains("unique using index") || lower.hasPrefix("select 1") { return nil }
            return Hit("the raw SQL `\(text.prefix(40))\(text.count > 40 ? "…" : "")` is not checked", lock: "unknown", blocks: "unknown",
                       fix: "review its lock by hand, then `lint: {ignore: [raw-sql-not-checked], reason: …}`")
        },
    ]

    // MARK: - Helpers

    /// Whether the last `SET foreign_key_checks` before this step in its migration turned them off.
    static func foreignKeyChecksOff(_ c: StepContext) -> Bool {
        guard let last = RawSQL.earlierTexts(c).last(where: { $0.hasPrefix("set ") && $0.contains("foreign_key_checks") }) else { return false }
        return last.replacingOccurrences(of: " ", with: "").hasSuffix("=0") || last.hasSuffix("off")
    }

    static func isSessionSetting(_ operation: MGenSpec.Operation, _ c: StepContext) -> Bool {
        guard case let .sql(up, _) = operation, let text = up.text(for: c.target.engine.dialect) else { return false }
        return RawSQL.normalized(text).hasPrefix("set ")
    }

    static func isSerial(_ type: ColumnType) -> Bool {
        guard case let .native(map) = type else { return false }
        return map.values.contains { ["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"].contains($0.lowercased()) }
    }

    static func addedColumns(_ operation: MGenSpec.Operation) -> [Column] {
        switch operation {
        case let .createTable(table): Array(table.columns)
        case let .addColumn(_, column, _, _): [column]
        default: []
        }
    }

    /// A CHECK that proves the column has no NULL (what PostgreSQL 12+ uses to skip SET NOT NULL's scan).
    static func hasValidatedNotNullCheck(_ table: Table?, column: String) -> Bool {
        guard let table else { return false }
        let wanted = "\(column) is not null"
        return table.checks.contains { check in
            !check.notValid && check.expression.lowercased().replacingOccurrences(of: "\"", with: "")
                .trimmingCharacters(in: CharacterSet(charactersIn: "() ")) == wanted
        }
    }

    static func takesAccessExclusive(_ operation: MGenSpec.Operation) -> Bool {
        switch operation {
        case .addColumn, .dropColumn, .renameColumn, .renameTable, .alterColumn, .addCheck, .addUnique, .dropConstraint, .dropTable: true
        case .addUniqueUsingIndex: true // spec 1.1: a moment's ACCESS EXCLUSIVE, held to the commit
        case let .dropIndex(_, _, concurrently): !concurrently
        default: false
        }
    }

    /// Steps whose duration grows with the table.
    static func isSlow(_ c: StepContext) -> Bool {
        switch c.operation {
        case .createIndex, .validateConstraint, .backfill: return true
        // As mgen writes it the build runs outside the transaction (issue 13): earlierInTransaction
        // then holds no step before it.
        case .addUnique: return true
        case let .addForeignKey(fk): return !fk.notValid
        case let .addCheck(check): return !check.notValid
        case let .alterColumn(change):
            if change.nullable == false { return true }
            guard let newType = change.type, let old = c.before.table(change.table)?.column(change.column) else { return false }
            return Knowledge.pgTypeChange(from: old.type, to: newType, target: c.target).rewrites
        default: return false
        }
    }

    /// Whether the step waits for a lock that stops application traffic (what a lock timeout guards).
    /// The table a raw statement changes, when its words name one.
    static func rawTable(_ c: StepContext) -> String? {
        guard case let .sql(up, _) = c.operation, let text = up.text(for: c.target.engine.dialect) else { return nil }
        return RawSQL.table(RawSQL.normalized(text))
    }

    static func blocksTraffic(_ c: StepContext) -> Bool {
        switch c.operation {
        case let .sql(up, _): return up.text(for: c.target.engine.dialect).map(RawSQL.blocksTraffic) ?? false
        case .backfill, .createTable: return false
        case .validateConstraint: return false
        // MySQL/MariaDB: even an online index build takes an exclusive metadata lock at its start and end.
        case let .createIndex(_, concurrently): return c.target.engine != .postgresql || !concurrently
        default: return true
        }
    }

    static func lockName(_ c: StepContext, _ pgLock: PGLock) -> String {
        switch c.target.engine {
        case .postgresql: pgLock.description
        case .mysql, .mariadb: Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target)?.description ?? "exclusive metadata lock"
        case .sqlite: "database write lock"
        }
    }

    static func blocksName(_ c: StepContext, _ pgLock: PGLock) -> String {
        switch c.target.engine {
        case .postgresql: pgLock.blocks
        case .mysql, .mariadb: Knowledge.mysqlPlan(c.operation, before: c.before, target: c.target)?.blocks ?? "queries while the metadata lock is held"
        case .sqlite: "every other writer"
        }
    }

    static func implicitDefault(_ type: ColumnType) -> String {
        switch type.withoutPrecision {
        case .string, .text, .enumeration, .json, .binary, .uuid, .char, .varchar: "'' (empty string; an ENUM gets its first value)"
        case .date, .timestamp, .timestamptz, .time: "zero date/time"
        case .boolean: "0 (false)"
        default: "0"
        }
    }
}
