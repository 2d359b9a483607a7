import MGenSpec

/// spec 1.1: what `new --from-db` writes in place instead of a drop and an add: a constraint
/// renamed (`rename_constraint`), a constraint's deferrability (`alter_constraint`) and a MySQL
/// table's options (`alter_table`). Planned on the tables both states have, before the drops, so
/// the steps after see the constraint under its new name or with its new deferrability.
extension SchemaDiff.Planner {
    mutating func planInPlace(common: [String]) throws(DiagnosticError) {
        for name in common {
            guard state.table(name) != nil, target.table(name) != nil else { continue }
            try planConstraintRenames(name)
            try planDeferrability(name)
            planTableOptions(name)
        }
    }

    /// A constraint the database has under a name the state does not, where the state has one of
    /// the same definition under a name the database does not: a rename, when exactly one of each
    /// matches (otherwise the drop and the add stay, as before).
    private mutating func planConstraintRenames(_ name: String) throws(DiagnosticError) {
        guard let old = state.table(name), let new = target.table(name) else { return }
        let oldNames = Set(old.constraintNames), newNames = Set(new.constraintNames + target.indexes(on: name).map(\.name))
        /// Each constraint as a definition without its name, the dialect's way (nor its
        /// deferrability: a renamed key made deferrable is a rename, then an alter_constraint).
        func definitions(_ t: Table, only names: Set<String>) -> [(name: String, definition: String)] {
            var out: [(String, String)] = []
            for fk in t.foreignKeys where names.contains(fk.name) {
                var f = ComparableState.normal(fk, dialect: dialect)
                f.name = ""
                f.deferrable = nil
                out.append((fk.name, "fk \(f)"))
            }
            for check in t.checks where names.contains(check.name) {
                var c = ComparableState.normal(check, dialect: dialect)
                c.name = ""
                out.append((check.name, "check \(c)"))
            }
            for unique in t.uniques where names.contains(unique.name) {
                out.append((unique.name, "unique \(unique.columns)"))
            }
            // MySQL's key is always PRIMARY; SQLite keeps the name mgen gives it in the table's text.
            if dialect != .mysql, let pk = t.primaryKey, names.contains(pk.name) { out.append((pk.name, "pk \(pk.columns)")) }
            return out
        }
        var newDefinitions = definitions(new, only: Set(new.constraintNames).subtracting(oldNames))
        // MySQL and SQLite read a unique constraint back as a unique index.
        if dialect != .postgresql {
            for index in target.indexes(on: name) where index.unique && !oldNames.contains(index.name) && index.predicate == nil
                && index.keyOptions.allSatisfy(\.isDefault) {
                let columns = index.columnNames
                guard columns.count == index.parts.count else { continue }
                newDefinitions.append((index.name, "unique \(columns)"))
            }
        }
        let goneDefinitions = definitions(old, only: oldNames.subtracting(newNames))
        for gone in goneDefinitions {
            let candidates = newDefinitions.filter { $0.definition == gone.definition }
            guard candidates.count == 1, goneDefinitions.filter({ $0.definition == gone.definition }).count == 1,
                  let to = candidates.first?.name, state.constraintOwner(to) == nil, state.index(to) == nil else { continue }
            try emit(.renameConstraint(table: name, name: gone.name, to: to))
            newDefinitions.removeAll { $0.name == to }
        }
    }

    /// A foreign key (or PostgreSQL unique) the database has with the same name and definition
    /// but another deferrability.
    private mutating func planDeferrability(_ name: String) throws(DiagnosticError) {
        guard dialect != .mysql, let old = state.table(name), let new = target.table(name) else { return }
        for fk in old.foreignKeys {
            guard var live = new.foreignKeys.first(where: { $0.name == fk.name }), live.deferrable != fk.deferrable else { continue }
            live.deferrable = fk.deferrable
            guard ComparableState.normal(live, dialect: dialect) == ComparableState.normal(fk, dialect: dialect) else { continue }
            try emit(.alterConstraint(table: name, name: fk.name, deferrable: new.foreignKeys.first { $0.name == fk.name }?.deferrable))
        }
        guard dialect == .postgresql else { return }
        for unique in old.uniques {
            guard let live = new.uniques.first(where: { $0.name == unique.name }), live.deferrable != unique.deferrable,
                  live.columns == unique.columns else { continue }
            try emit(.alterConstraint(table: name, name: unique.name, deferrable: live.deferrable))
        }
    }

    /// MySQL: the database shows a table's engine and collation where they differ from the
    /// server's and the database's defaults (IntrospectMySQL). Where that differs from what the
    /// state knows, alter_table; where its down cannot be derived (the state's value was the
    /// server's default) or the default is what the database shows, a note.
    private mutating func planTableOptions(_ name: String) {
        guard dialect == .mysql, let old = state.table(name), let new = target.table(name) else { return }
        let known = old.mysqlOptions, live = new.mysqlOptions
        var change = MySQLTableOptionsChange()
        if let engine = live?.engine, engine.lowercased() != known?.engine?.lowercased() ?? "innodb" { change.engine = engine }
        // The collation the specs give the table: its `collate`, else its charset's default
        // collation (which the database knows), else none said.
        let knownCollation = known?.collate ?? known?.charset.flatMap { mysqlDefaults?.charsetCollations[$0.lowercased()] }
        if let collate = live?.collate, let charset = live?.charset {
            let differs = knownCollation.map { $0.lowercased() != collate.lowercased() }
                ?? known?.charset.map { $0.lowercased() != charset.lowercased() } ?? true
            if differs { change.charset = charset; change.collate = collate }
        }
        // The database shows no collation where the table has the database's default: where the
        // specs say another, that default, named.
        if live?.collate == nil, known?.charset != nil, let defaults = mysqlDefaults,
           knownCollation?.lowercased() != defaults.collation.lowercased() {
            change.charset = defaults.charset
            change.collate = defaults.collation
        }
        if live?.engine == nil, let engine = known?.engine, engine.lowercased() != "innodb" {
            notes.append("table \(name): the specs say engine \(engine), the database has the server's default engine; not written (write `alter_table: {table: \(name), mysql: {engine: …}}` naming it)")
        }
        if live?.collate == nil, known?.charset != nil, mysqlDefaults == nil {
            notes.append("table \(name): the database has its default collation, the specs say \(known?.collate ?? known?.charset ?? ""); compared no further (the database's default is not named by the spec)")
        }
        guard change.engine != nil || change.charset != nil else { return }
        let op = MGenSpec.Operation.alterTable(AlterTable(table: name, mysql: change))
        guard op.inverse(in: state) != nil else {
            notes.append("table \(name): mysql options \(Self.optionsText(change)) differ from the specs', whose values were the server's defaults; not written (alter_table would have no derived down: write it with a `down:`)")
            return
        }
        do { try emit(op) } catch {
            notes.append("table \(name): mysql options \(Self.optionsText(change)): not written (\(error.diagnostics.first?.message ?? "refused"))")
        }
    }

    static func optionsText(_ change: MySQLTableOptionsChange) -> String {
        [change.engine.map { "engine=\($0)" }, change.collate.map { "collation=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}
