/// The built-in file skeletons of `Templates/<target>/`, compiled into the binary (SwiftPM's
/// `embedInCode`), so `mgen` needs no resource folder beside it. `--templates DIR` overrides them
/// file by file: `DIR/<target>/<file>`. Files are named `<target>.<file>.mustache` because
/// `embedInCode` names each by its file name alone.
public enum BuiltinTemplates {
    public static let files: [String: [UInt8]] = [
        "sql/sql.up.sql.mustache": PackageResources.sql_up_sql_mustache,
        "sql/sql.down.sql.mustache": PackageResources.sql_down_sql_mustache,
        "golang-migrate/golang-migrate.up.sql.mustache": PackageResources.golang_migrate_up_sql_mustache,
        "golang-migrate/golang-migrate.down.sql.mustache": PackageResources.golang_migrate_down_sql_mustache,
        "goose/goose.sql.mustache": PackageResources.goose_sql_mustache,
        "prisma/prisma.migration.sql.mustache": PackageResources.prisma_migration_sql_mustache,
        "prisma/prisma.down.sql.mustache": PackageResources.prisma_down_sql_mustache,
        "prisma/prisma.migration_lock.toml.mustache": PackageResources.prisma_migration_lock_toml_mustache,
        "django/django.migration.py.mustache": PackageResources.django_migration_py_mustache,
        "alembic/alembic.py.mustache": PackageResources.alembic_py_mustache,
        "peewee/peewee.migration.py.mustache": PackageResources.peewee_migration_py_mustache,
        "typeorm/typeorm.migration.ts.mustache": PackageResources.typeorm_migration_ts_mustache,
        "typeorm/typeorm.migration.js.mustache": PackageResources.typeorm_migration_js_mustache,
        "knex/knex.migration.js.mustache": PackageResources.knex_migration_js_mustache,
        "knex/knex.migration.ts.mustache": PackageResources.knex_migration_ts_mustache,
        "sequelize/sequelize.migration.js.mustache": PackageResources.sequelize_migration_js_mustache,
        "activerecord/activerecord.migration.rb.mustache": PackageResources.activerecord_migration_rb_mustache,
    ]

    /// The text of `<target>/<file>`.
    public static func text(_ path: String) -> String? {
        files[path].map { String(decoding: $0, as: UTF8.self) }
    }
}
