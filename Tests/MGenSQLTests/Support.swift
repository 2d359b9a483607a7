import MGenSpec
import MGenSQL
import Testing

/// Builds a chain from spec texts named 0001.yaml, 0002.yaml, ... and renders it for one dialect.
func render(_ dialect: Dialect, idempotent: Bool = true, _ texts: String...) throws -> [RenderedMigration] {
    let migrations = try texts.enumerated().map { i, text in
        try SpecLoader.load(text: text, file: String(format: "%04d.yaml", i + 1))
    }
    let chain = try MigrationChain.build(migrations)
    // The renderer's text, limits aside: some of these specs hold what MySQL 8.0 refuses (a text
    // default, an unprefixed text key), which `render(_ chain:)` refuses before rendering.
    return try SQLRenderer(dialect: dialect, options: RenderOptions(idempotent: idempotent)).render(chain.migrations) { $0 }
}

/// The diagnostics of rendering a chain that loads and validates.
func renderDiagnostics(_ dialect: Dialect, _ texts: String...) throws -> [Diagnostic] {
    let migrations = try texts.enumerated().map { i, text in
        try SpecLoader.load(text: text, file: String(format: "%04d.yaml", i + 1))
    }
    let chain = try MigrationChain.build(migrations)
    do {
        _ = try SQLRenderer(dialect: dialect).render(chain)
        return []
    } catch {
        return error.diagnostics
    }
}

/// A spec with the given operations (list items indented by two spaces).
func spec(id: String, _ operations: String, extra: String = "") -> String {
    "mgen: 1\nid: \"\(id)\"\nname: test\n\(extra)operations:\n\(operations)"
}

extension RenderedMigration {
    var upSQL: [String] { up.map(\.sql) }
    var downSQL: [String] { (down ?? []).map(\.sql) }
}

/// users(id bigint identity pk, email unique not null, name) and an index on name.
let usersSpec = """
    mgen: 1
    id: "0001"
    name: users
    operations:
      - create_table:
          table: users
          columns:
            - {name: id, type: bigint, identity: true, primary_key: true}
            - {name: email, type: string(100), nullable: false, unique: true}
            - {name: name, type: string(50)}
      - create_index: {table: users, columns: [name]}
    """
