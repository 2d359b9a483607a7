import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import MGenVerify
import Testing

/// A migration split around its VALIDATE runs outside the runner's transaction, each part in one of
/// its own (issue 13). Proven on PostgreSQL with a framework's own runner (Django, `atomic = False`):
/// the part's `SET LOCAL lock_timeout` is in effect in the part's transaction, so a part that queues
/// behind a long transaction gives up after the timeout instead of blocking every later query on
/// the table; once the reader is gone the same migration applies, and its NOT NULL is in place.
@Suite(.serialized) struct SplitPartTimeoutTests {
    static let specs = [
        """
        mgen: 1
        id: "0001"
        name: create_members
        operations:
          - create_table:
              table: members
              columns:
                - {name: id, type: bigint, identity: true}
                - {name: email, type: text}
              primary_key: [id]
        """,
        """
        mgen: 1
        id: "0002"
        name: members_email_required
        operations:
          - alter_column: {table: members, column: email, nullable: false}
        """,
    ]

    /// A concurrent index beside other steps (issue 13): the other steps run in transactions of
    /// their own with their timeouts (the first gives up behind a long reader), the index is built
    /// CONCURRENTLY between them, valid, once the migration goes through.
    /// `migrate` while a long read transaction holds ACCESS SHARE on members: the first part gives
    /// up on its lock_timeout. The server ends the reader after 20 s, so a part without its timeout
    /// would wait for it (and succeed late) rather than hang the test. `whileBlocked` runs before
    /// the reader lets go.
    static func migrateGivesUpBehindAReader(_ project: DjangoProject, _ environment: [String: String], _ url: DatabaseURL,
                                            whileBlocked: () throws -> Void = {}) throws {
        let reader = try open(url)
        defer { reader.close() }
        try reader.execute("SET idle_in_transaction_session_timeout = '20s'")
        try reader.execute("BEGIN")
        try reader.execute("SELECT count(*) FROM members")
        let start = Date()
        let blocked = try runPython(["manage.py", "migrate", DjangoMigrateTests.app, "--no-color"], in: project.root, environment: environment)
        let waited = Date().timeIntervalSince(start)
        #expect(blocked.status != 0 && blocked.output.contains("lock timeout"), "the first part gives up on its lock_timeout:\n\(blocked.output)")
        #expect(waited < 15, "it gave up after about lock_timeout (\(waited)s), not when the reader ended")
        try whileBlocked()
        try reader.execute("ROLLBACK")
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func djangoConcurrentIndexBesideOtherStepsRunsInParts() throws {
        let mixed = """
            mgen: 1
            id: "0002"
            name: members_nick_indexed
            operations:
              - add_column: {table: members, column: {name: nick, type: text}}
              - create_index: {name: idx_members_email, table: members, columns: [email], concurrently: true}
              - add_column: {table: members, column: {name: age, type: integer}}
            """
        let chain = try MigrationChain.build([try SpecLoader.load(text: Self.specs[0], file: "Specs/0001.yaml"),
                                              try SpecLoader.load(text: mixed, file: "Specs/0002.yaml")])
        #expect(try SQLRenderer(dialect: .postgresql).render(chain)[1].mixesConcurrent)
        let project = try DjangoProject(dialect: .postgresql, specs: chain,
                                        render: RenderOptions(timeouts: SessionTimeouts(lock: "1s", statement: "10min")))
        defer { project.remove() }
        let names = project.modules
        try #require(names.count == 2)
        try withScratchDatabase(try DBEnv.url(DBEnv.pgKey)) { db, url in
            let environment = try project.environment(url)
            try project.manage(["migrate", DjangoMigrateTests.app, names[0]], environment)
            try Self.migrateGivesUpBehindAReader(project, environment, url)
            try project.manage(["migrate", DjangoMigrateTests.app], environment)
            #expect(try db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'members' AND column_name IN ('nick', 'age')") == "2")
            #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'idx_members_email'::regclass") == "true")
            try project.manage(["migrate", DjangoMigrateTests.app, names[0]], environment)
            #expect(try db.scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'members' AND column_name IN ('nick', 'age')") == "0")
            #expect(try db.scalar("SELECT to_regclass('idx_members_email')::text") == nil)
        }
    }

    @Test(.enabled(if: DBEnv.enabled(DBEnv.pgKey)))
    func djangoPartGivesUpBehindALongTransaction() throws {
        let chain = try MigrationChain.build(Self.specs.enumerated().map { try SpecLoader.load(text: $1, file: "Specs/000\($0 + 1).yaml") })
        #expect(try SQLRenderer(dialect: .postgresql).render(chain)[1].isSplit, "the NOT NULL is split around its VALIDATE")
        let project = try DjangoProject(dialect: .postgresql, specs: chain,
                                        render: RenderOptions(timeouts: SessionTimeouts(lock: "1s", statement: "10min")))
        defer { project.remove() }
        let names = project.modules
        try #require(names.count == 2)
        try withScratchDatabase(try DBEnv.url(DBEnv.pgKey)) { db, url in
            let environment = try project.environment(url)
            try project.manage(["migrate", DjangoMigrateTests.app, names[0]], environment)
            try db.execute("INSERT INTO members (email) VALUES ('a@example.com'), ('b@example.com')")
            try Self.migrateGivesUpBehindAReader(project, environment, url) {
                // Nothing of the failed part stayed: its transaction rolled back (no CHECK left behind).
                let checks = try db.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'members'::regclass AND contype = 'c'")
                #expect(checks == "0")
            }
            try project.manage(["migrate", DjangoMigrateTests.app], environment)
            #expect(try db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'members' AND column_name = 'email'") == "NO")
            #expect(try db.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'members'::regclass AND contype = 'c'") == "0",
                    "the CHECK that proved NOT NULL is dropped")
            // And back down, each part in its transaction.
            try project.manage(["migrate", DjangoMigrateTests.app, names[0]], environment)
            #expect(try db.scalar("SELECT is_nullable FROM information_schema.columns WHERE table_name = 'members' AND column_name = 'email'") == "YES")
        }
    }
}
