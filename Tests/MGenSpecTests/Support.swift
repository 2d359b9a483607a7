import MGenSpec
import Testing

/// The diagnostics `SpecLoader.load(text:file:)` reports for a spec text (empty when it loads).
func loadDiagnostics(_ yaml: String, file: String = "x.yaml") -> [Diagnostic] {
    do {
        _ = try SpecLoader.load(text: yaml, file: file)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Loads specs (text, file name) that must load, then builds the chain; returns the chain's diagnostics.
func chainDiagnostics(_ specs: [(String, String)]) throws -> [Diagnostic] {
    let migrations = try specs.map { try SpecLoader.load(text: $0.0, file: $0.1) }
    do {
        _ = try MigrationChain.build(migrations)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Loads one spec that must load and builds a chain of it alone; returns the diagnostics.
func chainDiagnostics(_ yaml: String, file: String = "x.yaml") throws -> [Diagnostic] {
    try chainDiagnostics([(yaml, file)])
}

/// Builds a chain from spec texts named 0001.yaml, 0002.yaml, ... (all must be valid).
func chain(_ texts: String...) throws -> MigrationChain {
    let migrations = try texts.enumerated().map { i, text in
        try SpecLoader.load(text: text, file: String(format: "%04d.yaml", i + 1))
    }
    return try MigrationChain.build(migrations)
}

/// The first line of a diagnostic as printed (`file:line:column: error: message`).
func headline(_ diagnostic: Diagnostic) -> String {
    String(diagnostic.description.split(separator: "\n", maxSplits: 1)[0])
}

/// A spec whose only content is the `operations:` body given (indented by the caller as list items at 2 spaces).
func spec(id: String = "0001", _ operations: String, extra: String = "") -> String {
    "mgen: 1\nid: \"\(id)\"\nname: test\n\(extra)operations:\n\(operations)"
}

/// A users table (id bigint identity pk, email unique, name) as the first migration of a chain.
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
