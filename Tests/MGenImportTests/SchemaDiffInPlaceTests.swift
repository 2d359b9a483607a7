import MGenImport
import MGenSpec
import Testing

/// spec 1.1: `new --from-db` writes a constraint rename, a deferrability change and a MySQL table
/// option change in place (were a drop and an add, or nothing): decided between two states.
@Suite struct SchemaDiffInPlaceTests {
    static func state(_ operations: String) throws -> SchemaState {
        try MigrationChain.build([SpecLoader.load(text: "mgen: 1\nid: \"0001\"\nname: s\noperations:\n" + operations, file: "s.yaml")]).final
    }

    static let tables = """
          - create_table:
              table: parents
              columns: [{name: id, type: integer, primary_key: true}, {name: code, type: string(20)}]
              unique: [{name: parents_code_key, columns: [code]}]
              mysql: {engine: InnoDB, charset: latin1}
          - create_table:
              table: children
              columns: [{name: id, type: integer, primary_key: true}, {name: parent_id, type: integer}, {name: n, type: integer}]
              foreign_keys: [{name: children_parent_ref, columns: [parent_id], references: {table: parents, columns: [id]}}]
              checks: [{name: children_n_positive, expression: n > 0}]

        """

    @Test func renamesAreWrittenWhereProven() throws {
        let old = try Self.state(Self.tables)
        let new = try Self.state(Self.tables.replacingOccurrences(of: "children_parent_ref", with: "children_parent_link")
            .replacingOccurrences(of: "children_n_positive", with: "children_n_ok").replacingOccurrences(of: "parents_code_key", with: "parents_code_uq"))
        for dialect in Dialect.allCases {
            let diff = try SchemaDiff.between(old, new, dialect: dialect)
            #expect(Set(diff.operations) == [.renameConstraint(table: "children", name: "children_parent_ref", to: "children_parent_link"),
                                             .renameConstraint(table: "children", name: "children_n_positive", to: "children_n_ok"),
                                             .renameConstraint(table: "parents", name: "parents_code_key", to: "parents_code_uq")], "\(dialect): \(diff.operations)")
        }
        // Two checks of the same definition gone, one new: not proven, a drop and an add.
        let twoOld = try Self.state(Self.tables.replacingOccurrences(of: "checks: [{name: children_n_positive, expression: n > 0}]",
                                                                     with: "checks: [{name: a, expression: n > 0}, {name: b, expression: n > 0}]"))
        let oneNew = try Self.state(Self.tables.replacingOccurrences(of: "children_n_positive", with: "c"))
        let diff = try SchemaDiff.between(twoOld, oneNew, dialect: .postgresql)
        #expect(!diff.operations.contains { $0.kind == "rename_constraint" }, "\(diff.operations)")
    }

    @Test func deferrabilityIsAlteredInPlace() throws {
        let old = try Self.state(Self.tables)
        let new = try Self.state(Self.tables.replacingOccurrences(of: "references: {table: parents, columns: [id]}}",
                                                                  with: "references: {table: parents, columns: [id]}, deferrable: true, initially_deferred: true}")
            .replacingOccurrences(of: "{name: parents_code_key, columns: [code]}", with: "{name: parents_code_key, columns: [code], deferrable: true}"))
        let pg = try SchemaDiff.between(old, new, dialect: .postgresql)
        #expect(pg.operations == [.alterConstraint(table: "children", name: "children_parent_ref", deferrable: .deferred),
                                  .alterConstraint(table: "parents", name: "parents_code_key", deferrable: .immediate)], "\(pg.operations)")
        let back = try SchemaDiff.between(new, old, dialect: .postgresql)
        #expect(back.operations == [.alterConstraint(table: "children", name: "children_parent_ref", deferrable: nil),
                                    .alterConstraint(table: "parents", name: "parents_code_key", deferrable: nil)], "\(back.operations)")
    }

    @Test func mysqlTableOptionsAreAltered() throws {
        let old = try Self.state(Self.tables)
        // As the live reading gives them: only what differs from the server's defaults.
        let new = try Self.state(Self.tables.replacingOccurrences(of: "mysql: {engine: InnoDB, charset: latin1}",
                                                                  with: "mysql: {engine: Aria, charset: utf8mb4, collate: utf8mb4_bin}")
            .replacingOccurrences(of: "checks: [", with: "mysql: {charset: latin1, collate: latin1_bin}\n      checks: ["))
        let diff = try SchemaDiff.between(old, new, dialect: .mysql)
        // parents is in a foreign key: engine Aria is refused (a note), the rest is not written half.
        #expect(diff.operations.isEmpty, "\(diff.operations)")
        #expect(diff.notes.contains { $0.contains("table parents: mysql options engine=Aria collation=utf8mb4_bin: not written (") && $0.hasSuffix("engine Aria keeps no foreign keys, and table 'parents' is in foreign key 'children_parent_ref')") }, "\(diff.notes)")
        let innodb = try Self.state(Self.tables.replacingOccurrences(of: "mysql: {engine: InnoDB, charset: latin1}", with: "mysql: {charset: utf8mb4, collate: utf8mb4_bin}"))
        #expect(try SchemaDiff.between(old, innodb, dialect: .mysql).operations
                == [.alterTable(AlterTable(table: "parents", mysql: MySQLTableOptionsChange(charset: "utf8mb4", collate: "utf8mb4_bin")))])
        // children had the database's defaults: its alter_table would have no derived down, a note instead.
        #expect(diff.notes.contains { $0.hasPrefix("table children: mysql options collation=latin1_bin differ from the specs'") }, "\(diff.notes)")
        #expect(try SchemaDiff.between(old, new, dialect: .postgresql).operations.isEmpty)
    }
}
