import Foundation
import MGenSpec
import MGenSQL

/// mgen's safe PostgreSQL output (issue 13) read back: the explicit transactions of a migration
/// split around its VALIDATE, the NOT NULL set through a CHECK, and the cleanup of an INVALID index
/// before a concurrent build. As the other mgen-idiom readers do, the step is rendered again and
/// must give the same statements, so only what mgen itself wrote, unchanged, is read as its step.
enum SafeOutputReading {
    struct Found { var operation: Operation; var statementCount: Int }

    /// A file mgen split around its VALIDATE (`BEGIN; <timeouts>; …; COMMIT` parts, each VALIDATE in
    /// a part of its own with the lock timeout only, the other runs of statements as long as they
    /// can be): the statements without the wrappers, and what was left out. nil when the file is
    /// not exactly that shape (its statements are then read one by one, as before).
    static func unwrapSplit(_ statements: [SourceStatement]) -> (statements: [SourceStatement], dropped: [String])? {
        // `outside`: a statement between the parts (the concurrent build of a safe add_unique).
        struct Part { var opening: [String]; var body: [SourceStatement]; var outside = false }
        var parts: [Part] = []
        var open: Part?
        var dropped: [String] = []
        func place(_ s: SourceStatement) -> String { "\(s.location.file):\(s.location.line)" }
        for statement in statements {
            let word = EnumSwap.normalize(statement.text).uppercased()
            if word == "BEGIN" {
                guard open == nil else { return nil }
                open = Part(opening: [], body: [])
                dropped.append("BEGIN at \(place(statement)): the spec's `transaction` says it (mgen's split around a VALIDATE)")
            } else if word == "COMMIT" {
                guard let part = open, !part.body.isEmpty else { return nil }
                parts.append(part)
                open = nil
                dropped.append("COMMIT at \(place(statement)): the spec's `transaction` says it (mgen's split around a VALIDATE)")
            } else if open == nil {
                // mgen's safe add_unique (issue 13): the cleanup and the concurrent build run
                // between the transactions.
                guard isConcurrentUniqueBuild(statement.text) else { return nil }
                parts.append(Part(opening: [], body: [statement], outside: true))
            } else {
                if open?.body.isEmpty == true, word.hasPrefix("SET LOCAL ") {
                    open?.opening.append(EnumSwap.normalize(statement.text))
                    dropped.append("\(EnumSwap.normalize(statement.text)) at \(place(statement)): mgen's own session timeout, which emit writes again")
                } else {
                    open?.body.append(statement)
                }
            }
        }
        guard open == nil, parts.contains(where: { !$0.outside }) else { return nil }
        // The timeouts mgen writes by default, or none in any part (timeouts off).
        let full = SessionTimeouts.defaults.statements(.postgresql, transactional: true).map(\.sql)
        let validate = SessionTimeouts.defaults.validateStatements(.postgresql).map(\.sql)
        let off = parts.allSatisfy(\.opening.isEmpty)
        var previousWasRun = false
        for part in parts {
            if part.outside { previousWasRun = false; continue }
            let validates = part.body.map { isValidate($0.text) }
            // A unique constraint taking over the index built just before, alone with the lock timeout.
            if part.body.count == 1, isUniqueTakeover(part.body[0].text), off || part.opening == validate {
                previousWasRun = false
            } else if validates.contains(true) {
                guard part.body.count == 1, off || part.opening == validate else { return nil }
                previousWasRun = false
            } else {
                // Two runs side by side would have been one transaction.
                guard !previousWasRun, off || part.opening == full else { return nil }
                previousWasRun = true
            }
        }
        return (parts.flatMap(\.body), dropped)
    }

    /// A statement of mgen's safe add_unique that runs outside any transaction: the cleanup of an
    /// INVALID index, or the CREATE UNIQUE INDEX CONCURRENTLY.
    static func isConcurrentUniqueBuild(_ text: String) -> Bool {
        (text.hasPrefix("DO $") && text.contains("indisvalid"))
            || EnumSwap.match(EnumSwap.normalize(text), #"^CREATE UNIQUE INDEX CONCURRENTLY ("[^"]+") ON "#) != nil
    }

    static func isUniqueTakeover(_ text: String) -> Bool {
        text.contains("USING INDEX") && EnumSwap.match(EnumSwap.normalize(text), #"^ALTER TABLE ("[^"]+") ADD CONSTRAINT "[^"]+" UNIQUE USING INDEX "[^"]+""#) != nil
    }

    /// `add_unique` on an existing table as mgen writes it (issue 13): the cleanup of an INVALID
    /// index, CREATE UNIQUE INDEX CONCURRENTLY under the constraint's name, ADD CONSTRAINT … UNIQUE
    /// USING INDEX of it: one plain add_unique.
    static func concurrentUnique(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        let s = statements.startIndex
        guard statements.count >= 3, let first = statements.first, first.text.hasPrefix("DO $"), first.text.contains("indisvalid"),
              isUniqueTakeover(statements[s + 2].text),
              case let .operations(built) = PostgresReader.read(statements[s + 1].text, state: state),
              built.count == 1, case let .createIndex(index, true) = built[0], index.unique else { return nil }
        var withIndex = state
        guard (try? withIndex.apply(built[0], at: SourceLocation(file: "import", line: 1, column: 1))) != nil else { return nil }
        withIndex.commit()
        guard case let .operations(taken) = PostgresReader.read(statements[s + 2].text, state: withIndex), taken.count == 1,
              case let .addUniqueUsingIndex(unique, name) = taken[0], name == index.name, unique.name == name else { return nil }
        return rendered(.addUnique(unique), statements, state: state)
    }

    static func isValidate(_ text: String) -> Bool {
        EnumSwap.match(EnumSwap.normalize(text), #"^ALTER TABLE ("[^"]+") VALIDATE CONSTRAINT "[^"]+"$"#) != nil
    }

    /// `alter_column nullable: false` on an existing table as mgen writes it: a CHECK NOT VALID named
    /// `mgen_nn_<table>_<column>`, its VALIDATE, SET NOT NULL, the CHECK dropped.
    static func notNullThroughCheck(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        // A cheap test before the whitespace folding and the pattern: this reader is asked of every
        // PostgreSQL statement (lint reads thousands), and the name is in every form it reads.
        guard let first = statements.first, first.text.contains("mgen_nn_") else { return nil }
        let text = EnumSwap.normalize(first.text)
        let pattern = #"^ALTER TABLE "([^"]+)" (?:DROP CONSTRAINT IF EXISTS "mgen_nn_[^"]+", )?ADD CONSTRAINT "mgen_nn_[^"]+" CHECK \("([^"]+)" IS NOT NULL\) NOT VALID$"#
        guard let table = EnumSwap.match(text, pattern),
              let column = EnumSwap.match(text, pattern.replacingOccurrences(of: #"^ALTER TABLE "([^"]+)""#, with: #"^ALTER TABLE "[^"]+""#))
        else { return nil }
        return rendered(.alterColumn(AlterColumn(table: table, column: column, nullable: false)), statements, state: state)
    }

    /// `alter_column` to an enum as mgen writes it on PostgreSQL: the column's type, then its CHECK
    /// added NOT VALID and validated (no scan under ACCESS EXCLUSIVE). The values are read from the
    /// CHECK of the next few statements; the step rendered again must start at this statement.
    static func enumChange(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        // The pattern's words, whatever the whitespace between them, before folding it (as above).
        guard let first = statements.first, first.text.contains("COLUMN"), first.text.contains("TYPE"),
              case let text = EnumSwap.normalize(first.text),
              let table = EnumSwap.match(text, #"^ALTER TABLE "([^"]+)" ALTER COLUMN "[^"]+" TYPE "#),
              let column = EnumSwap.match(text, #"^ALTER TABLE "[^"]+" ALTER COLUMN "([^"]+)" TYPE "#),
              state.table(table)?.column(column) != nil else { return nil }
        let check = #"^ALTER TABLE "[^"]+" ADD CONSTRAINT "[^"]+" CHECK \(""# + NSRegularExpression.escapedPattern(for: column) + #"" IN \((.*)\)\) NOT VALID$"#
        for statement in statements.dropFirst().prefix(3) {
            guard let list = EnumSwap.match(EnumSwap.normalize(statement.text), check) else { continue }
            // 'a', 'b' (a quote inside a value doubled): the values.
            let tokens = SQLTokens(list, backslashEscapes: false)
            var values: [String] = []
            for (k, token) in tokens.tokens.enumerated() {
                if k % 2 == 1 { guard tokens.isPunct(k, ",") else { return nil }; continue }
                let text = tokens.text(token)
                guard text.hasPrefix("'"), text.hasSuffix("'"), text.count >= 2 else { return nil }
                values.append(String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
            }
            guard !values.isEmpty else { return nil }
            return rendered(.alterColumn(AlterColumn(table: table, column: column, type: .enumeration(values))), statements, state: state)
        }
        return nil
    }

    /// `create_index concurrently: true` as mgen writes it: the DO block that drops an INVALID index
    /// of the name a failed build left, then the build.
    static func concurrentIndex(_ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        guard let first = statements.first, first.text.hasPrefix("DO $"), first.text.contains("indisvalid"), statements.count >= 2,
              case let .operations(ops) = PostgresReader.read(statements[statements.startIndex + 1].text, state: state),
              ops.count == 1, case let .createIndex(_, concurrently) = ops[0], concurrently else { return nil }
        return rendered(ops[0], statements, state: state)
    }

    /// The operation, when rendering it again (idempotent or not) gives the statements it starts.
    static func rendered(_ operation: Operation, _ statements: ArraySlice<SourceStatement>, state: SchemaState) -> Found? {
        var after = state
        guard (try? after.apply(operation, at: SourceLocation(file: "import", line: 1, column: 1))) != nil else { return nil }
        after.commit()
        let context = StepContext(before: state, after: after, inTransaction: true, migrationID: "import", direction: .up, position: 1)
        for idempotent in [true, false] {
            let renderer = SQLRenderer(dialect: .postgresql, options: RenderOptions(idempotent: idempotent))
            guard let texts = try? renderer.render(operation, context).map(\.sql), statements.count >= texts.count,
                  texts.map(EnumSwap.normalize) == statements.prefix(texts.count).map({ EnumSwap.normalize($0.text) }) else { continue }
            return Found(operation: operation, statementCount: texts.count)
        }
        return nil
    }
}
