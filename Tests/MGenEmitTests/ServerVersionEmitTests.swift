import Foundation
import MGenEmit
import MGenSpec
import MGenSQL
import MGenTestSupport
import Testing

/// `mgen emit --db-version` (issue 13): the server reaches every target through RenderOptions.
/// The targets that write MySQL's ALTERs as SQL carry the clauses of the chosen version (so do the
/// raw statements of the others, such as Peewee's DROP FOREIGN KEY); the framework's own calls
/// (add_column, RemoveField, …) leave the algorithm to the server, whose default is the best it has.
@Suite struct ServerVersionEmitTests {
    static let sqlCarrying: Set<String> = ["sql", "goose", "golang-migrate", "prisma", "typeorm"]

    func emitted(_ target: String, server: DatabaseTarget?) throws -> String {
        let output = try temporaryFolder("server-version")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let plan = try EmitEngine.plan(try exampleChain(), emitter: try EmitterRegistry.require(target),
                                       options: EmitOptions(dialect: .mysql, output: output, render: RenderOptions(server: server),
                                                            targetOptions: ["app": "blog"]))
        try EmitEngine.write(plan, force: false)
        // TypeORM's template literals escape the backticks.
        return filesUnder(output).sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n").replacingOccurrences(of: "\\`", with: "`")
    }

    @Test(arguments: EmitterRegistry.all.filter { $0.dialects.contains(.mysql) }.map(\.name))
    func versionReachesTheTarget(target: String) throws {
        let plain = try emitted(target, server: nil)
        let mariadb = try emitted(target, server: DatabaseTarget(.mariadb, Version(10, 11)))
        let old = try emitted(target, server: DatabaseTarget(.mysql, Version(8, 0, 11)))
        // The example drops users.name: instant on MariaDB 10.4+, not said without a version.
        let drop = "DROP COLUMN `name`, ALGORITHM=INSTANT"
        #expect(!plain.contains(drop))
        #expect(mariadb.contains(drop) == Self.sqlCarrying.contains(target), "\(target)")
        // MySQL before 8.0.12 has no ALGORITHM=INSTANT at all: none is written for it.
        #expect(!old.contains("ALGORITHM=INSTANT"), "\(target)")
        // The version changes the clauses and nothing else (a native call stays a native call; Peewee's
        // raw DROP FOREIGN KEY gains its clause).
        func withoutClauses(_ text: String) -> String {
            ["ALGORITHM=INSTANT", "ALGORITHM=INPLACE, LOCK=NONE"].reduce(text) { text, clause in
                text.replacingOccurrences(of: ",\n    " + clause, with: "").replacingOccurrences(of: ", " + clause, with: "")
            }
        }
        #expect(withoutClauses(plain) == withoutClauses(mariadb), "\(target)")
    }
}
