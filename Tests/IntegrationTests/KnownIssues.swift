import Foundation
import MGenSpec
import Testing

/// The cells known to fail, in one place: (chain, cell) → "<class>: why, pending <branch or open>".
/// A chain is `seed <n> <dialect>`, `fixture <folder>` (Fixtures/generated), `framework-chain
/// <folder>` or `django-chain <folder>`; a cell is `<target> × <dialect>`. Every such cell still
/// runs and its problems show in every run as known issues (Swift Testing's `withKnownIssue`);
/// a listed cell that passes fails the run ("known issue was not recorded"), so an entry goes,
/// one line, when its fix lands. Problems of a cell not listed fail the run.
enum KnownIssues {
    struct Key: Hashable, Sendable {
        var chain: String
        var cell: String
    }

    /// (chain, cells, reason). Remove a line when its fix lands (the run says which: "known issue was not recorded").
    static let entries: [(chain: String, cells: [String], reason: String)] = [
        ("seed 1 postgresql", ["verify", "sql", "golang-migrate", "goose", "prisma", "alembic", "django", "peewee", "activerecord", "typeorm"].map { "\($0) × postgresql" },
         "validator-fk-column-type-change: alter_column changes a referencing column's type (bigint → decimal) while its key exists and the validator lets it, pending fixa"),
        ("seed 1 mysql", ["activerecord × mysql"], "activerecord-mysql-pk-auto-increment: a key column reads back as auto-increment, pending fixb"),
        ("seed 1 mysql", ["django × mysql"], "django-check-name-too-long: Django derives an enum CHECK name over MySQL's 64 bytes from a long column name, open"),
        ("seed 1 sqlite", ["peewee × sqlite"], "peewee-sqlite-rebuild-fk-column: peewee's SQLite table rebuild names a column the foreign key no longer has, open"),
        ("seed 2 sqlite", ["activerecord × sqlite"], "activerecord-sqlite-drop-enum-column: Rails' table copy keeps the enum CHECK of a dropped column, pending fixb"),
        ("seed 2 mysql", ["peewee × mysql"], "peewee-mysql-duplicate-column: peewee adds a column that is already there, pending fixb"),
        ("fixture activerecord-mysql-pk-auto-increment", ["activerecord × mysql"], "activerecord-mysql-pk-auto-increment, pending fixb"),
        ("fixture activerecord-sqlite-real-default-quoted", ["activerecord × sqlite"], "activerecord-sqlite-real-default: a real default reads back quoted, pending fixb"),
        ("fixture alembic-sqlite-drop-enum-column", ["activerecord × sqlite"], "activerecord-sqlite-drop-enum-column: Rails' table copy keeps the enum CHECK of a dropped column, pending fixb"),
        ("fixture alembic-sqlite-enum-reserved-name", ["alembic × sqlite"], "alembic-sqlite-enum-reserved-name, pending fixb"),
        ("fixture django-percent-in-comment-mysql", ["django × mysql"],
         "django-check-name-too-long: Django derives an enum CHECK name over MySQL's 64 bytes (masks the fixture's own % class), open"),
        ("fixture django-alter-pk-loses-comment", ["django × postgresql"], "django-alter-pk-loses-comment: Django's primary-key alter drops the column comment, open"),
        ("fixture introspect-postgres-index-reserved-word-column", ["sql × postgresql", "goose × postgresql"],
         "introspect-postgres-index-reserved-word-column: index parts that are reserved words introspect quoted, pending fixa"),
        ("fixture peewee-down-drop-table-after-drop-column", ["peewee × postgresql"], "peewee-down-drop-table-after-drop-column: the down re-adds a column twice, pending fixb"),
        ("fixture peewee-fk-column-id-suffix", ["peewee × mysql"], "peewee-mysql-duplicate-column: peewee adds a column that is already there, pending fixb"),
        ("fixture validator-fk-column-type-change-mysql", ["verify", "sql", "golang-migrate", "goose", "prisma"].map { "\($0) × mysql" },
         "validator-fk-column-type-change: a column in a foreign key changes type while the key exists, pending fixa"),
        ("fixture validator-fk-column-type-change-postgresql", ["verify", "sql", "golang-migrate", "goose", "prisma"].map { "\($0) × postgresql" },
         "validator-fk-column-type-change: a column in a foreign key changes type while the key exists, pending fixa"),
        ("fixture validator-identity-default-postgresql", ["verify", "sql", "golang-migrate", "goose", "prisma"].map { "\($0) × postgresql" },
         "validator-identity-default: an identity column given a default, pending fixa"),
        ("fixture validator-pk-nullable-mysql", ["sql", "golang-migrate", "goose", "prisma"].map { "\($0) × mysql" },
         "validator-pk-nullable: a primary-key column made nullable, pending fixa"),
        ("fixture validator-pk-nullable-postgresql", ["verify", "sql", "golang-migrate", "goose", "prisma"].map { "\($0) × postgresql" },
         "validator-pk-nullable: a primary-key column made nullable, pending fixa"),
        ("fixture verify-rerun-after-drop-table", ["verify × postgresql"], "verify-rerun-after-drop-table: verify re-runs as idempotent an up that later drops its table, pending fixa"),
        ("framework-chain reserved-names", ["prisma × postgresql"],
         "introspect-postgres-index-reserved-word-column: PostgreSQL index parts that are reserved words introspect quoted (\"group\"), pending fixa"),
        ("example", ["django × mysql"],
         "django-mysql-fk-index: 0006 drops posts_user_id_fkey, an index MariaDB does not have under that name, pending django2"),
        ("django-chain keywords", ["django × mysql"],
         "django-mysql-fk-index: drops class_parent_id_fkey, an index MariaDB does not have under that name, pending django2"),
    ]

    static let table: [Key: String] = Dictionary(entries.flatMap { entry in entry.cells.map { (Key(chain: entry.chain, cell: $0), entry.reason) } },
                                                 uniquingKeysWith: { first, _ in first })

    static func reason(chain: String, cell: Cell) -> String? {
        table[Key(chain: chain, cell: cell.description)]
    }

    /// Records `problems` of `cell` on `chain`: as a known issue when the table lists the cell
    /// (then the cell must have failed), as a failure otherwise.
    static func record(_ problems: [String], chain: String, cell: Cell, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        guard let reason = reason(chain: chain, cell: cell) else {
            for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
            return
        }
        withKnownIssue(Comment(rawValue: "\(chain), \(cell): \(reason)")) {
            for problem in problems { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
        }
    }
}
