import Foundation
import MGenSpec
import MGenSQL

/// mgen's own batched `backfill` read back: the PostgreSQL `DO $mgen$ … $mgen$` block, or MySQL's
/// temporary procedure (`DROP PROCEDURE IF EXISTS p`, `CREATE PROCEDURE p() …`, `CALL p()`, `DROP
/// PROCEDURE p`). The fields are read from the text, then the step is rendered again and must give
/// the same statements (the procedure's name aside: it follows the migration's id), so only what
/// mgen itself wrote, unchanged, becomes a `backfill`.
enum BackfillReading {
    struct Found { var backfill: Backfill; var statementCount: Int }

    static func read(_ statements: ArraySlice<SourceStatement>, dialect: Dialect, state: SchemaState, inTransaction: Bool) -> Found? {
        guard let first = statements.first else { return nil }
        let texts: [String]
        var procedure: String?
        switch dialect {
        case .postgresql:
            guard first.text.hasPrefix("DO $mgen") else { return nil }
            texts = [first.text]
        case .mysql:
            guard statements.count >= 4, let name = EnumSwap.match(first.text, #"^DROP PROCEDURE IF EXISTS (`mgen_[A-Za-z0-9_]+`)$"#) else { return nil }
            texts = statements.prefix(4).map(\.text)
            guard texts[1].hasPrefix("CREATE PROCEDURE \(name)()"), texts[2] == "CALL \(name)()", texts[3] == "DROP PROCEDURE \(name)" else { return nil }
            procedure = name
        case .sqlite:
            return nil
        }
        let body = dialect == .postgresql ? texts[0] : texts[1]
        let q = dialect == .mysql ? "`" : "\""
        let name = "\(q)([^\(q)]+)\(q)"
        guard let key = EnumSwap.match(body, #"SELECT (?:min|MIN)\("# + name + #"\)"#),
              let table = EnumSwap.match(body, #"INTO batch_start, max_key FROM "# + name + ";"),
              let size = EnumSwap.match(body, #"batch_start (?::=|=) batch_start \+ ([0-9]+);"#).flatMap({ Int($0) }),
              let update = EnumSwap.match(body, #"(?s)UPDATE "# + NSRegularExpression.escapedPattern(for: "\(q)\(table)\(q)") + #" SET (.*?)\n\s*WHERE "#),
              let condition = EnumSwap.match(body, #"(?s)\n\s*WHERE (.*?);\n"#) else { return nil }
        // The assignments, split at top-level commas: `"c" = expression`.
        let tokens = SQLTokens(update, backslashEscapes: dialect == .mysql)
        var assignments: [Backfill.Assignment] = []
        var k = 0
        while k < tokens.tokens.count {
            guard tokens.tokens[k].kind == .quoted, k + 1 < tokens.tokens.count, tokens.text(tokens.tokens[k + 1]) == "=",
                  let expression = tokens.expression(from: k + 2) else { return nil }
            let column = String(tokens.text(tokens.tokens[k]).dropFirst().dropLast())
            assignments.append(Backfill.Assignment(column: column, expression: DialectSQL([dialect.rawValue: expression.text])))
            k = expression.end
            if k < tokens.tokens.count { guard tokens.isPunct(k, ",") else { return nil }; k += 1 }
        }
        guard !assignments.isEmpty else { return nil }
        let batch = "\(q)\(key)\(q) >= batch_start AND \(q)\(key)\(q) < batch_start + \(size)"
        guard condition.hasPrefix(batch) else { return nil }
        var predicate: String?
        let rest = condition.dropFirst(batch.count)
        if !rest.isEmpty {
            guard rest.hasPrefix(" AND ("), rest.hasSuffix(")") else { return nil }
            predicate = String(rest.dropFirst(" AND (".count).dropLast())
        }
        // Rendered again, the same statements: the key left to its default when that is the same.
        let renderer = SQLRenderer.make(dialect)
        let context = StepContext(before: state, after: state, inTransaction: inTransaction, migrationID: "import", direction: .up, position: 1)
        for candidate in [Backfill(table: table, assignments: assignments, predicate: predicate, batchSize: size),
                          Backfill(table: table, assignments: assignments, predicate: predicate, batchSize: size, key: key)] {
            guard var rendered = try? renderer.backfill(candidate, context).map(\.sql) else { continue }
            if let procedure { rendered = rendered.map { $0.replacingOccurrences(of: renderer.quote(context.helperName), with: procedure) } }
            if rendered.map(EnumSwap.normalize) == texts.map(EnumSwap.normalize) { return Found(backfill: candidate, statementCount: texts.count) }
        }
        return nil
    }
}
