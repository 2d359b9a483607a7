import Foundation
import MGenSpec
import MGenVerify
import Testing

// MARK: - URLs

@Suite struct DatabaseURLTests {
    @Test func sqliteForms() throws {
        #expect(try DatabaseURL("sqlite::memory:").isInMemory)
        #expect(try DatabaseURL("sqlite:").isInMemory)
        let relative = try DatabaseURL("sqlite:path/to.db")
        #expect(relative.dialect == .sqlite && relative.database == "path/to.db")
        #expect(try DatabaseURL("sqlite:///abs/path.db").database == "/abs/path.db")
        #expect(try DatabaseURL("data/app.sqlite3").database == "data/app.sqlite3")
        #expect(try DatabaseURL("app.db").dialect == .sqlite)
        #expect(throws: DatabaseURL.ParseError.self) { try DatabaseURL("app.txt") }
        #expect(throws: DatabaseURL.ParseError.self) { try DatabaseURL("oracle://x/y") }
    }

    @Test func postgresURL() throws {
        let url = try DatabaseURL("postgres://app%40corp:p%40ss:w/rd@db.example.com:6543/shop?sslmode=disable&host=/var/run/postgresql")
        #expect(url.dialect == .postgresql)
        #expect(url.user == "app@corp")
        #expect(url.password == "p@ss:w/rd")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "shop")
        #expect(url.options == ["sslmode": "disable", "host": "/var/run/postgresql"])
        #expect(url.socket == "/var/run/postgresql")
        #expect(url.description == "postgres://app%40corp:***@db.example.com:6543/shop?host=/var/run/postgresql&sslmode=disable")
        #expect(!url.description.contains("p@ss"))
        #expect(try DatabaseURL("postgresql://localhost/x").dialect == .postgresql)
        // An unencoded '@' in the password: user info ends at the last '@'.
        #expect(try DatabaseURL("postgres://u:a@b@h/d").password == "a@b")
        #expect(throws: DatabaseURL.ParseError.self) { try DatabaseURL("postgres://h:99999/d") }
    }

    @Test func mysqlURL() throws {
        let url = try DatabaseURL("mariadb://root:secret@127.0.0.1:3307/app?socket=/tmp/my.sock")
        #expect(url.dialect == .mysql)
        #expect(url.scheme == "mariadb")
        #expect(url.host == "127.0.0.1" && url.port == 3307 && url.database == "app")
        #expect(url.socket == "/tmp/my.sock")
        #expect(url.description == "mariadb://root:***@127.0.0.1:3307/app?socket=/tmp/my.sock")
        #expect(url.unredacted.contains(":secret@"))
        let bare = try DatabaseURL("mysql://root@localhost")
        #expect(bare.password == nil && bare.database == nil && bare.port == nil)
        #expect(bare.withDatabase("other").description == "mysql://root@localhost/other")
    }
}

// MARK: - Diffs and JSON

@Suite struct SnapshotDiffTests {
    static let before = SchemaSnapshot(dialect: .postgresql, tables: [
        TableSnapshot(
            name: "users",
            columns: [
                ColumnSnapshot(name: "id", nativeType: "bigint", neutralType: "bigint", nullable: false, identity: true),
                ColumnSnapshot(name: "email", nativeType: "text", neutralType: "text", nullable: true),
                ColumnSnapshot(name: "status", nativeType: "text", neutralType: "text", nullable: false, default: "'a'"),
            ],
            primaryKey: PrimaryKeySnapshot(name: "users_pkey", columns: ["id"]),
            indexes: [IndexSnapshot(name: "users_email_idx", columns: ["email"], method: "btree")]),
    ])

    @Test func equalSnapshotsHaveNoDiff() {
        #expect(diff(Self.before, Self.before).isEmpty)
        #expect(SnapshotDiff(Self.before, Self.before).render() == [])
    }

    @Test func changesAreListedInOrder() {
        var after = Self.before
        after.tables[0].columns[1].nullable = false
        after.tables[0].columns[2].default = nil
        after.tables[0].indexes = []
        after.tables[0].columns.append(ColumnSnapshot(name: "age", nativeType: "integer", neutralType: "integer", nullable: true))
        after.tables.append(TableSnapshot(name: "posts", columns: []))
        #expect(SnapshotDiff(Self.before, after).render() == [
            "+ table posts",
            "~ table users: column email: nullable true -> false",
            "~ table users: column status: default 'a' -> nil",
            "+ table users: column age integer null",
            "- index users_email_idx on users (email) using btree",
        ])
        #expect(SnapshotDiff(after, Self.before).render().first == "- table posts")
    }

    @Test func jsonIsStableAndRoundTrips() throws {
        let json = try Self.before.jsonString()
        #expect(try SchemaSnapshot.decode(Data(json.utf8)) == Self.before)
        #expect(try Self.before.jsonString() == json)
        // Sorted keys: "columns" before "name" before "primaryKey" inside a table.
        let columns = try #require(json.range(of: "\"columns\""))
        let primaryKey = try #require(json.range(of: "\"primaryKey\""))
        #expect(columns.lowerBound < primaryKey.lowerBound)
        // Tables sorted by name whatever the input order.
        let shuffled = SchemaSnapshot(dialect: .sqlite, tables: [TableSnapshot(name: "b", columns: []), TableSnapshot(name: "a", columns: [])])
        #expect(shuffled.tables.map(\.name) == ["a", "b"])
    }
}

// MARK: - Shared expectations

/// Runs the same scenario on each dialect: a `users` table (identity key, NOT NULL varchar with
/// a default, unique constraint, check, comment where supported, partial index where supported)
/// and `posts` (foreign key with ON DELETE CASCADE), then a change and its diff.
private func expectRows(_ db: Database) throws {
    try db.execute("INSERT INTO users (email) VALUES ('a@example.com')")
    let rows = try db.query("SELECT id, email, status, deleted_at FROM users ORDER BY id")
    #expect(rows.count == 1)
    #expect(rows.column("email") == ["a@example.com"])
    #expect(rows.column("status") == ["active"])
    #expect(rows.column("deleted_at") == [nil])
    #expect(rows.column("id") == ["1"])
}

private func expectScratchDropped(_ server: DatabaseURL, listing: String, column: String) throws {
    struct Boom: Error {}
    var name: String?
    #expect(throws: Boom.self) {
        try withScratchDatabase(server) { db, url in
            name = url.database
            try db.execute("CREATE TABLE t (id integer)")
            throw Boom()
        }
    }
    let scratchName = try #require(name)
    #expect(scratchName.hasPrefix("mgen_scratch_\(ProcessInfo.processInfo.processIdentifier)_"))
    let admin = try open(server)
    defer { admin.close() }
    let names = try admin.query(listing).column(column).compactMap { $0 }
    #expect(!names.contains(scratchName))
    // The listing query itself works: the server database is in it.
    #expect(!names.isEmpty)
}

// MARK: - SQLite

@Suite struct SQLiteDatabaseTests {
    static let schema = [
        """
        CREATE TABLE users (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          email VARCHAR(255) NOT NULL,
          status VARCHAR(20) NOT NULL DEFAULT 'active',
          score NUMERIC(10, 2) DEFAULT (0),
          deleted_at TIMESTAMP,
          CONSTRAINT users_email_key UNIQUE (email),
          CONSTRAINT users_score_check CHECK ("score" >= 0)
        )
        """,
        "CREATE INDEX users_status_idx ON users (status) WHERE deleted_at IS NULL",
        """
        CREATE TABLE posts (
          id INTEGER PRIMARY KEY,
          user_id INTEGER NOT NULL CONSTRAINT posts_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
          title TEXT NOT NULL CHECK (length(title) > 0),
          UNIQUE (user_id, title)
        )
        """,
        "CREATE UNIQUE INDEX posts_lower_title_idx ON posts (lower(title), user_id DESC)",
    ]

    @Test func introspectsEveryKindOfObject() throws {
        let db = try open(DatabaseURL("sqlite::memory:"))
        defer { db.close() }
        try db.executeScript(Self.schema)
        try expectRows(db)
        let snapshot = try introspect(db)
        #expect(snapshot.dialect == .sqlite)
        #expect(snapshot.tables.map(\.name) == ["posts", "users"])  // sqlite_sequence left out

        let users = try #require(snapshot.table("users"))
        #expect(users.columns == [
            ColumnSnapshot(name: "id", nativeType: "integer", neutralType: "integer", nullable: false, identity: true),
            ColumnSnapshot(name: "email", nativeType: "varchar(255)", neutralType: "string(255)", nullable: false),
            ColumnSnapshot(name: "status", nativeType: "varchar(20)", neutralType: "string(20)", nullable: false, default: "'active'"),
            ColumnSnapshot(name: "score", nativeType: "numeric(10,2)", neutralType: "decimal(10,2)", nullable: true, default: "0"),
            ColumnSnapshot(name: "deleted_at", nativeType: "timestamp", neutralType: "timestamp", nullable: true),
        ])
        #expect(users.primaryKey == PrimaryKeySnapshot(name: nil, columns: ["id"]))
        #expect(users.indexes == [IndexSnapshot(name: "users_status_idx", columns: ["status"], predicate: "deleted_at IS NULL")])
        #expect(users.uniqueConstraints == [UniqueConstraintSnapshot(name: "users_email_key", columns: ["email"])])
        #expect(users.checkConstraints == [CheckConstraintSnapshot(name: "users_score_check", expression: "score >= 0")])

        let posts = try #require(snapshot.table("posts"))
        #expect(posts.columns.map(\.identity) == [true, false, false])
        #expect(posts.foreignKeys == [ForeignKeySnapshot(
            name: "posts_user_id_fkey", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"],
            onDelete: "cascade", onUpdate: "no action")])
        #expect(posts.uniqueConstraints == [UniqueConstraintSnapshot(name: nil, columns: ["user_id", "title"])])
        #expect(posts.indexes == [IndexSnapshot(name: "posts_lower_title_idx", columns: ["lower(title)", "user_id desc"], unique: true)])
        #expect(posts.checkConstraints == [CheckConstraintSnapshot(name: nil, expression: "length(title) > 0")])

        // Foreign keys are enforced (PRAGMA foreign_keys = ON): the cascade deletes the post.
        try db.execute("INSERT INTO posts (user_id, title) VALUES (1, 'hello')")
        try db.execute("DELETE FROM users")
        #expect(try db.scalar("SELECT count(*) FROM posts") == "0")

        #expect(try introspect(db, exclude: ["posts"]).tables.map(\.name) == ["users"])
    }

    @Test func diffAfterChange() throws {
        try withScratchDatabase(DatabaseURL("sqlite::memory:")) { db, _ in
            try db.executeScript(Self.schema)
            let before = try introspect(db)
            try db.executeScript([
                "DROP INDEX users_status_idx",
                "ALTER TABLE users ADD COLUMN nickname TEXT DEFAULT 'x'",
                "CREATE TABLE tags (id INTEGER PRIMARY KEY)",
            ])
            let lines = SnapshotDiff(before, try introspect(db)).render()
            #expect(lines == [
                "+ table tags",
                "+ table users: column nickname text null default 'x'",
                "- index users_status_idx on users (status) where deleted_at IS NULL",
            ])
        }
    }

    @Test func errorsCarrySQLAndMessage() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        let error = try #require(throws: DatabaseError.self) { try db.execute("SELECT * FROM missing_table") }
        #expect(error.dialect == .sqlite)
        #expect(error.sql == "SELECT * FROM missing_table")
        #expect(error.message.contains("no such table: missing_table"))
        #expect(error.description.contains("while running: SELECT * FROM missing_table"))
        db.close()
        #expect(throws: DatabaseError.self) { try db.query("SELECT 1") }
    }

    @Test func fileScratchDatabaseIsRemoved() throws {
        var path: String?
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try withScratchDatabase(DatabaseURL("sqlite:unused.db")) { db, url in
                path = url.database
                try db.execute("CREATE TABLE t (id INTEGER)")
                #expect(FileManager.default.fileExists(atPath: url.database ?? ""))
                throw Boom()
            }
        }
        let file = try #require(path)
        #expect(file.contains("mgen_scratch_"))
        #expect(!FileManager.default.fileExists(atPath: file))
    }
}

// MARK: - PostgreSQL

@Suite(.enabled(if: DBEnv.enabled(DBEnv.pgKey), "set MGEN_TEST_PG_URL: eval \"$(scripts/dbs.sh start)\""))
struct PostgresDatabaseTests {
    static let schema = [
        """
        CREATE TABLE users (
          id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          email varchar(255) NOT NULL,
          status varchar(20) NOT NULL DEFAULT 'active',
          score numeric(10,2) DEFAULT 0,
          created_at timestamptz NOT NULL DEFAULT now(),
          deleted_at timestamp,
          CONSTRAINT users_email_key UNIQUE (email),
          CONSTRAINT users_score_check CHECK (score >= 0)
        )
        """,
        "COMMENT ON TABLE users IS 'People who sign in'",
        "COMMENT ON COLUMN users.email IS 'Login address'",
        "CREATE INDEX users_status_idx ON users (status) WHERE deleted_at IS NULL",
        """
        CREATE TABLE posts (
          id serial PRIMARY KEY,
          user_id bigint NOT NULL,
          title text NOT NULL,
          tags jsonb DEFAULT '[]',
          CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
        )
        """,
        // One PQexec per statement, outside a transaction: CONCURRENTLY must work.
        "CREATE INDEX CONCURRENTLY posts_lower_title_idx ON posts (lower(title))",
        "CREATE INDEX posts_tags_idx ON posts USING gin (tags)",
    ]

    @Test func introspectsEveryKindOfObject() throws {
        try withScratchDatabase(DBEnv.url(DBEnv.pgKey)) { db, url in
            #expect(db.dialect == .postgresql)
            #expect(url.database?.hasPrefix("mgen_scratch_") == true)
            #expect(try db.scalar("SELECT current_database()") == url.database)
            try db.executeScript(Self.schema)
            try expectRows(db)
            let snapshot = try introspect(db)
            #expect(snapshot.tables.map(\.name) == ["posts", "users"])

            let users = try #require(snapshot.table("users"))
            #expect(users.comment == "People who sign in")
            #expect(users.columns == [
                ColumnSnapshot(name: "id", nativeType: "bigint", neutralType: "bigint", nullable: false, identity: true),
                ColumnSnapshot(name: "email", nativeType: "character varying(255)", neutralType: "string(255)", nullable: false, comment: "Login address"),
                ColumnSnapshot(name: "status", nativeType: "character varying(20)", neutralType: "string(20)", nullable: false, default: "'active'"),
                ColumnSnapshot(name: "score", nativeType: "numeric(10,2)", neutralType: "decimal(10,2)", nullable: true, default: "0"),
                ColumnSnapshot(name: "created_at", nativeType: "timestamp with time zone", neutralType: "timestamptz", nullable: false, default: "now()"),
                ColumnSnapshot(name: "deleted_at", nativeType: "timestamp without time zone", neutralType: "timestamp", nullable: true),
            ])
            #expect(users.primaryKey == PrimaryKeySnapshot(name: "users_pkey", columns: ["id"]))
            // The indexes behind users_pkey and users_email_key are not listed as indexes.
            #expect(users.indexes == [IndexSnapshot(name: "users_status_idx", columns: ["status"], predicate: "deleted_at IS NULL", method: "btree")])
            #expect(users.uniqueConstraints == [UniqueConstraintSnapshot(name: "users_email_key", columns: ["email"])])
            #expect(users.checkConstraints == [CheckConstraintSnapshot(name: "users_score_check", expression: "score >= 0")])

            let posts = try #require(snapshot.table("posts"))
            #expect(posts.column("id") == ColumnSnapshot(name: "id", nativeType: "integer", neutralType: "integer", nullable: false, identity: true))
            #expect(posts.column("tags")?.default == "'[]'")
            #expect(posts.column("tags")?.neutralType == "json")
            #expect(posts.foreignKeys == [ForeignKeySnapshot(
                name: "posts_user_id_fkey", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"],
                onDelete: "cascade", onUpdate: "no action")])
            #expect(posts.indexes == [
                IndexSnapshot(name: "posts_lower_title_idx", columns: ["lower(title)"], method: "btree"),
                IndexSnapshot(name: "posts_tags_idx", columns: ["tags"], method: "gin"),
            ])

            // The same schema twice gives byte-identical JSON.
            #expect(try introspect(db).jsonString() == snapshot.jsonString())
        }
    }

    /// An index part that is a column is its name as the catalog has it, however
    /// pg_get_indexdef quotes it (reserved words, mixed case); expressions keep their text
    /// (generated class introspect-postgres-index-reserved-word-column).
    @Test func indexColumnsAreCatalogNames() throws {
        try withScratchDatabase(DBEnv.url(DBEnv.pgKey)) { db, _ in
            try db.executeScript([
                #"CREATE TABLE tags ("select" bigint PRIMARY KEY, "user" varchar(200), "createdAt" integer, "Group" text)"#,
                #"CREATE INDEX tags_user_idx ON tags USING hash ("user")"#,
                #"CREATE INDEX tags_mixed_idx ON tags ("createdAt" DESC, "Group", lower("user"))"#,
            ])
            let tags = try #require(try introspect(db).table("tags"))
            #expect(tags.indexes == [
                IndexSnapshot(name: "tags_mixed_idx", columns: ["createdAt desc", "Group", #"lower("user"::text)"#], method: "btree"),
                IndexSnapshot(name: "tags_user_idx", columns: ["user"], method: "hash"),
            ])
        }
    }

    @Test func diffAfterChange() throws {
        try withScratchDatabase(DBEnv.url(DBEnv.pgKey)) { db, _ in
            try db.executeScript(Self.schema)
            let before = try introspect(db)
            try db.executeScript([
                "ALTER TABLE users ALTER COLUMN deleted_at SET NOT NULL",
                "ALTER TABLE users ALTER COLUMN status DROP DEFAULT",
                "DROP INDEX users_status_idx",
                "ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey",
                "ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL",
                "COMMENT ON TABLE users IS NULL",
            ])
            let lines = SnapshotDiff(before, try introspect(db)).render()
            #expect(lines == [
                "~ foreign key posts_user_id_fkey on posts (user_id) -> users (id) on delete cascade on update no action"
                    + " -> foreign key posts_user_id_fkey on posts (user_id) -> users (id) on delete set null on update no action",
                "~ table users: column status: default 'active' -> nil",
                "~ table users: column deleted_at: nullable true -> false",
                "- index users_status_idx on users (status) using btree where deleted_at IS NULL",
                "~ table users: comment People who sign in -> nil",
            ])
        }
    }

    @Test func scratchDatabaseIsDroppedWhenBodyThrows() throws {
        try expectScratchDropped(DBEnv.url(DBEnv.pgKey), listing: "SELECT datname FROM pg_database", column: "datname")
    }

    @Test func connectsOverUnixSocketWithSchemaOption() throws {
        let url = try DBEnv.url(DBEnv.pgKey)
        let tcp = try open(url)
        defer { tcp.close() }
        let directory = try #require(try tcp.scalar("SHOW unix_socket_directories")?.split(separator: ",").first)
        var socketURL = url
        socketURL.host = nil
        socketURL.options = ["host": String(directory), "schema": "information_schema"]
        let db = try open(socketURL)
        defer { db.close() }
        #expect(try db.scalar("SELECT inet_server_addr() IS NULL") == "t")  // NULL over a unix socket
        #expect(try db.scalar("SELECT current_schema()") == "information_schema")
    }

    @Test func errorsCarrySQLStateAndNoPassword() throws {
        let url = try DBEnv.url(DBEnv.pgKey)
        let db = try open(url)
        defer { db.close() }
        let error = try #require(throws: DatabaseError.self) { try db.execute("SELECT * FROM missing_table") }
        #expect(error.code == "42P01")
        #expect(error.message.contains("relation \"missing_table\" does not exist"))
        #expect(error.sql == "SELECT * FROM missing_table")

        // A refused connection: the message names the URL, redacted.
        var bad = url
        bad.password = "hunter2-secret"
        bad.host = "127.0.0.1"
        bad.port = 1
        let refused = try #require(throws: DatabaseError.self) { _ = try open(bad) }
        #expect(refused.description.contains("***"))
        #expect(!refused.description.contains("hunter2-secret"))
    }
}

// MARK: - MySQL / MariaDB

@Suite(.enabled(if: DBEnv.enabled(DBEnv.mysqlKey), "set MGEN_TEST_MYSQL_URL: eval \"$(scripts/dbs.sh start)\""))
struct MySQLDatabaseTests {
    static let schema = [
        """
        CREATE TABLE users (
          id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
          email varchar(255) NOT NULL COMMENT 'Login address',
          status varchar(20) NOT NULL DEFAULT 'active',
          score decimal(10,2) DEFAULT 0,
          created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
          deleted_at datetime NULL,
          active tinyint(1) NOT NULL DEFAULT 1,
          settings json,
          CONSTRAINT users_email_key UNIQUE (email),
          CONSTRAINT users_score_check CHECK (score >= 0)
        ) ENGINE=InnoDB COMMENT 'People who sign in'
        """,
        "CREATE INDEX users_status_idx ON users (status, created_at DESC)",
        """
        CREATE TABLE posts (
          id int AUTO_INCREMENT PRIMARY KEY,
          user_id bigint NOT NULL,
          title varchar(200) NOT NULL,
          CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
        ) ENGINE=InnoDB
        """,
    ]

    @Test func introspectsEveryKindOfObject() throws {
        try withScratchDatabase(DBEnv.url(DBEnv.mysqlKey)) { db, url in
            #expect(db.dialect == .mysql)
            #expect(try db.scalar("SELECT DATABASE()") == url.database)
            try db.executeScript(Self.schema)
            try expectRows(db)
            let snapshot = try introspect(db)
            #expect(snapshot.tables.map(\.name) == ["posts", "users"])

            let users = try #require(snapshot.table("users"))
            #expect(users.comment == "People who sign in")
            #expect(users.columns == [
                ColumnSnapshot(name: "id", nativeType: "bigint", neutralType: "bigint", nullable: false, identity: true),
                ColumnSnapshot(name: "email", nativeType: "varchar(255)", neutralType: "string(255)", nullable: false, comment: "Login address"),
                ColumnSnapshot(name: "status", nativeType: "varchar(20)", neutralType: "string(20)", nullable: false, default: "'active'"),
                ColumnSnapshot(name: "score", nativeType: "decimal(10,2)", neutralType: "decimal(10,2)", nullable: true, default: "0.00"),
                ColumnSnapshot(name: "created_at", nativeType: "timestamp", neutralType: "timestamptz", nullable: false, default: "CURRENT_TIMESTAMP"),
                ColumnSnapshot(name: "deleted_at", nativeType: "datetime", neutralType: "timestamp", nullable: true),
                ColumnSnapshot(name: "active", nativeType: "tinyint(1)", neutralType: "boolean", nullable: false, default: "1"),
                ColumnSnapshot(name: "settings", nativeType: "json", neutralType: "json", nullable: true),
            ])
            #expect(users.primaryKey == PrimaryKeySnapshot(name: nil, columns: ["id"]))
            // MySQL cannot tell a UNIQUE constraint from a unique index: both are unique indexes.
            #expect(users.uniqueConstraints == [])
            #expect(users.indexes == [
                IndexSnapshot(name: "users_email_key", columns: ["email"], unique: true, method: "btree"),
                IndexSnapshot(name: "users_status_idx", columns: ["status", "created_at desc"], method: "btree"),
            ])
            // MariaDB's implicit json_valid(settings) check is folded into the json type.
            #expect(users.checkConstraints == [CheckConstraintSnapshot(name: "users_score_check", expression: "score >= 0")])

            let posts = try #require(snapshot.table("posts"))
            #expect(posts.column("id")?.nativeType == "int")
            #expect(posts.foreignKeys == [ForeignKeySnapshot(
                name: "posts_user_id_fkey", columns: ["user_id"], referencedTable: "users", referencedColumns: ["id"],
                onDelete: "cascade", onUpdate: "cascade")])
            // InnoDB's own index for the foreign key is real, and reported.
            #expect(posts.indexes == [IndexSnapshot(name: "posts_user_id_fkey", columns: ["user_id"], method: "btree")])

            try db.execute("INSERT INTO posts (user_id, title) VALUES (1, 'hello')")
            try db.execute("DELETE FROM users")
            #expect(try db.scalar("SELECT count(*) FROM posts") == "0")
        }
    }

    @Test func diffAfterChange() throws {
        try withScratchDatabase(DBEnv.url(DBEnv.mysqlKey)) { db, _ in
            try db.executeScript(Self.schema)
            let before = try introspect(db)
            try db.executeScript([
                "ALTER TABLE users MODIFY COLUMN deleted_at datetime NOT NULL",
                "ALTER TABLE users ALTER COLUMN status DROP DEFAULT",
                "DROP INDEX users_status_idx ON users",
                "ALTER TABLE users COMMENT ''",
                "CREATE TABLE tags (id int PRIMARY KEY)",
            ])
            let lines = SnapshotDiff(before, try introspect(db)).render()
            #expect(lines == [
                "+ table tags",
                "~ table users: column status: default 'active' -> nil",
                "~ table users: column deleted_at: nullable true -> false",
                "- index users_status_idx on users (status, created_at desc) using btree",
                "~ table users: comment People who sign in -> nil",
            ])
        }
    }

    @Test func connectsOverUnixSocket() throws {
        let url = try DBEnv.url(DBEnv.mysqlKey)
        let tcp = try open(url)
        defer { tcp.close() }
        let socket = try #require(try tcp.scalar("SELECT @@socket"))
        // Port 1 has no server: only the socket can make this work.
        let db = try open(DatabaseURL("mysql://\(url.user ?? "root")@127.0.0.1:1/\(url.database ?? "")?socket=\(socket)"))
        defer { db.close() }
        #expect(try db.scalar("SELECT 40 + 2") == "42")
    }

    @Test func scratchDatabaseIsDroppedWhenBodyThrows() throws {
        try expectScratchDropped(DBEnv.url(DBEnv.mysqlKey), listing: "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA", column: "name")
    }

    @Test func errorsCarryNumberAndNoPassword() throws {
        let url = try DBEnv.url(DBEnv.mysqlKey)
        let db = try open(url)
        defer { db.close() }
        let error = try #require(throws: DatabaseError.self) { try db.execute("SELECT * FROM missing_table") }
        #expect(error.code == "1146")
        #expect(error.message.contains("missing_table"))
        let expected: [[String: String?]] = [["n": nil, "s": "x"]]
        #expect(try db.query("SELECT NULL AS n, 'x' AS s") == expected)

        var bad = url
        bad.password = "hunter2-secret"
        bad.port = 1
        let refused = try #require(throws: DatabaseError.self) { _ = try open(bad) }
        #expect(refused.description.contains("***"))
        #expect(!refused.description.contains("hunter2-secret"))
    }
}
