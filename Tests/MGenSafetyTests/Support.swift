import Foundation
import MGenSafety
import MGenSpec

/// The seeded table every case changes: created by the first spec, so the specs after it see an
/// existing table with rows.
let seed = """
mgen: 1
id: "0001"
name: seed
operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: email, type: string(50)}
        - {name: code, type: string(200)}
        - {name: name, type: string(200), nullable: false, default: ""}
        - {name: amount, type: "decimal(10,2)"}
        - {name: n, type: integer}
        - {name: team_id, type: bigint}
        - {name: born, type: timestamp}
        - {name: status, type: "enum(active,suspended)", nullable: false, default: active}
  - create_index: {name: idx_users_n, table: users, columns: [n]}
  - create_table:
      table: teams
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}

"""

/// A spec with the given operations (list items indented by two spaces).
func spec(_ id: String, _ operations: String, extra: String = "") -> String {
    "mgen: 1\nid: \"\(id)\"\nname: test\n\(extra)operations:\n\(operations)\n"
}

func target(_ text: String) throws -> DatabaseTarget {
    switch DatabaseTarget.parse(text) {
    case let .success(target): return target
    case let .failure(diagnostic): throw DiagnosticError(diagnostic)
    }
}

func chain(_ texts: [String]) throws -> MigrationChain {
    let migrations = try texts.enumerated().map { i, text in
        try SpecLoader.load(text: text, file: String(format: "%04d.yaml", i + 1))
    }
    return try MigrationChain.build(migrations)
}

/// The findings of the specs after the seed, on one server.
/// `previous`: the operations of a spec deployed between the seed and the one linted (0003 then).
func lint(_ operations: String, on server: String, extra: String = "", config: LintConfig = LintConfig(), previous: String? = nil) throws -> [Finding] {
    guard let previous else {
        let built = try chain([seed, spec("0002", operations, extra: extra)])
        return try Linter.lint(built, target: try target(server), config: config, selected: ["0002"])
    }
    let built = try chain([seed, spec("0002", previous), spec("0003", operations, extra: extra)])
    return try Linter.lint(built, target: try target(server), config: config, selected: ["0003"])
}
