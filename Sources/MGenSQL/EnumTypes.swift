// spec 1.1: enum types — PostgreSQL's `CREATE TYPE ... AS ENUM` and its changes. MySQL and SQLite
// never see these steps: `PlannedMigration.withInlineEnums` turns them into type changes of the
// columns that use the type (an inline ENUM, a CHECK) before rendering.
import MGenSpec

extension Unsupported {
    static func inlineEnum(_ name: String, _ dialect: Dialect) -> Unsupported {
        Unsupported("a column of enum type '\(name)' reached the \(dialect) renderer without its values (a bug: enum types are inlined first)",
                    fix: "report it; meanwhile use `type: enum(a,b,...)` on \(dialect)")
    }
}

extension SQLDialect {
    public func enumTypeStatements(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        throw Unsupported("\(dialect) has no enum types; \(operation.kind) is rendered as changes of the columns that use the type",
                          fix: "report it: this step should have been inlined")
    }
}

extension PostgreSQLDialect {
    public func enumTypeStatements(_ operation: Operation, _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        func values(_ list: [String]) -> String { list.map(stringLiteral).joined(separator: ", ") }
        switch operation {
        case let .createEnumType(name, list):
            return [SQLStatement("CREATE TYPE \(quote(name)) AS ENUM (\(values(list)))")]
        case let .dropEnumType(name):
            return [SQLStatement("DROP TYPE \(ifExists)\(quote(name))")]
        case let .renameEnumType(name, to):
            return [SQLStatement("ALTER TYPE \(quote(name)) RENAME TO \(quote(QualifiedName.unqualified(to)))")] // spec 1.1: schemas
        case let .addEnumValue(type, value, placement) where context.direction == .down:
            // A down puts back what its up dropped, and then often uses it (the default changed
            // away before the drop, set back after): a type made again in this transaction may
            // be used in it, a value added by ADD VALUE may not.
            guard let old = context.before.enumValues(type) else { throw Unsupported("unknown enum type '\(type)'") }
            return try recreate(type, as: placement.inserting(value, into: old), context)
        case let .addEnumValue(type, value, placement):
            var sql = "ALTER TYPE \(quote(type)) ADD VALUE \(ifNotExists)\(stringLiteral(value))"
            switch placement {
            case .end: break
            case let .before(other): sql += " BEFORE \(stringLiteral(other))"
            case let .after(other): sql += " AFTER \(stringLiteral(other))"
            }
            // PostgreSQL 12 and later (mgen renders for 13+) run it in a transaction block; that
            // transaction cannot use the new value, which the chain refuses (newEnumValuesUsed).
            return [SQLStatement(sql)]
        case let .renameEnumValue(type, value, to):
            return [SQLStatement("ALTER TYPE \(quote(type)) RENAME VALUE \(stringLiteral(value)) TO \(stringLiteral(to))")]
        case let .dropEnumValue(type, value):
            guard let old = context.before.enumValues(type) else { throw Unsupported("unknown enum type '\(type)'") }
            return try recreate(type, as: old.filter { $0 != value }, context)
        default:
            throw Unsupported("\(operation.kind) is not an enum-type step")
        }
    }

    /// PostgreSQL cannot drop a value from an enum type: the type is made again with `kept` and
    /// every column converted to the new one (rows holding a value left out make the cast fail, so
    /// nothing is lost silently). Defaults are cast with the type, so they are dropped and set around it.
    func recreate(_ type: String, as kept: [String], _ context: StepContext) throws(Unsupported) -> [SQLStatement] {
        // spec 1.1: schemas. The retired type stays in the type's schema; RENAME TO takes a bare name.
        let bare = String("\(QualifiedName.unqualified(type))_mgen_old".utf8.prefix(maximumNameBytes)) ?? "mgen_old_enum"
        let retired = QualifiedName(type).sibling(bare).key
        var statements = [SQLStatement("ALTER TYPE \(quote(type)) RENAME TO \(quote(bare))"),
                          SQLStatement("CREATE TYPE \(quote(type)) AS ENUM (\(kept.map(stringLiteral).joined(separator: ", ")))")]
        for (table, column) in context.before.columns(ofEnumType: type) {
            let name = quote(column.name)
            var clauses: [String] = []
            if column.defaultValue != nil { clauses.append("ALTER COLUMN \(name) DROP DEFAULT") }
            clauses.append("ALTER COLUMN \(name) TYPE \(quote(type)) USING \(name)::text::\(quote(type))")
            if let value = column.defaultValue {
                clauses.append("ALTER COLUMN \(name) SET DEFAULT \(defaultExpression(value, type: column.type))")
            }
            statements.append(SQLStatement("ALTER TABLE \(quote(table))\n    " + clauses.joined(separator: ",\n    "), kind: .alterTable))
        }
        statements.append(SQLStatement("DROP TYPE \(quote(retired))"))
        return statements
    }
}

extension Unsupported {
    /// A column of an enum type where the dialect has none and the step was not inlined.
    public static func inlineEnumType(_ name: String, _ dialect: Dialect) -> Unsupported { inlineEnum(name, dialect) }
}
