import MGenSpec
import MGenSQL

/// spec 1.1: mgen's own `drop_enum_value` on PostgreSQL read back — the type renamed to
/// `<type>_mgen_old`, made again without the value, each column moved to it (its default dropped and
/// set around it), the old type dropped. The value is read from the `CREATE TYPE`, then the step is
/// rendered again and must give the same statements, so only that sequence, unchanged, becomes
/// `drop_enum_value` (anything else stays raw, statement by statement).
enum MgenEnumSwapReading {
    struct Found { var operation: Operation; var type: String; var statementCount: Int }

    static func read(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        // Tried on every PostgreSQL statement: a byte test first, the patterns only on a rename to mgen's name.
        guard let first = statements.first, renamesToMgenOld(first.text),
              let type = EnumSwap.match(first.text, #"^ALTER TYPE "([^"]+)" RENAME TO "[^"]+_mgen_old"$"#) ?? EnumSwap.match(first.text, #"^ALTER TYPE "([^"]+)" RENAME TO "mgen_old_enum"$"#),
              let old = state.enumValues(type), statements.count >= 2,
              case let .operations(created) = PostgresReader.read(statements[statements.startIndex + 1].text, state: SchemaState()),
              case let .createEnumType(name, kept)? = created.first, name == type else { return nil }
        let removed = old.filter { !kept.contains($0) }
        guard removed.count == 1, old.filter(kept.contains) == kept else { return nil }
        let operation = Operation.dropEnumValue(type: type, value: removed[0])
        let context = StepContext(before: state, after: state, inTransaction: true, migrationID: "import", direction: .up, position: 1)
        guard let rendered = try? PostgreSQLDialect().enumTypeStatements(operation, context).map(\.sql), statements.count >= rendered.count,
              rendered.map(EnumSwap.normalize) == statements.prefix(rendered.count).map({ EnumSwap.normalize($0.text) }) else { return nil }
        return Found(operation: operation, type: type, statementCount: rendered.count)
    }

    /// Whether the text can match the patterns above: it starts with `ALTER` and ends with
    /// `mgen_old"` or `mgen_old_enum"` (any case; a line break after it allowed, as `$` allows), without
    /// a regular expression.
    static func renamesToMgenOld(_ text: String) -> Bool {
        var bytes = Substring(text).utf8
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
        func hasSuffix(_ word: String) -> Bool {
            bytes.count >= word.utf8.count && zip(bytes.suffix(word.utf8.count), word.utf8).allSatisfy { $0 | 0x20 == $1 || $0 == $1 }
        }
        return bytes.count > 5 && zip(bytes.prefix(5), "alter".utf8).allSatisfy { $0 | 0x20 == $1 }
            && (hasSuffix("mgen_old\"") || hasSuffix("mgen_old_enum\""))
    }
}
