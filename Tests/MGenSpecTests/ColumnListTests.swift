import MGenSpec
import Testing

/// `ColumnList` keeps wide tables in persistent tries: it must behave exactly like the array it
/// replaced, whichever storage it is in, and copies must not see each other's changes.
@Suite struct ColumnListTests {
    /// A small deterministic generator (a test must be reproducible).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test func behavesLikeAnArrayThroughRandomChanges() {
        var random = Generator(state: 42)
        var list = ColumnList()
        var array: [Column] = []
        var snapshots: [(ColumnList, [Column])] = []
        var serial = 0
        for step in 0..<3000 {
            let choice = array.isEmpty ? 0 : random.next(10)
            switch choice {
            case 0...4: // append (the common case), so the list grows past the small limit
                serial += 1
                let column = Column(name: "c\(serial)", type: .integer)
                list.append(column); array.append(column)
            case 5: // change one column in place, sometimes its name
                let i = random.next(array.count)
                var column = array[i]
                if random.next(2) == 0 { serial += 1; column.name = "r\(serial)" } else { column.nullable.toggle() }
                list[i] = column; array[i] = column
            case 6: // remove the last column
                list.removeLast(); array.removeLast()
            case 7: // remove one from the middle
                let name = array[random.next(array.count)].name
                list.remove(named: name); array.removeAll { $0.name == name }
            default: // look up by name
                let name = array[random.next(array.count)].name
                #expect(list.firstIndex(named: name) == array.firstIndex { $0.name == name })
            }
            #expect(Array(list) == array, "step \(step)")
            if step % 97 == 0 { snapshots.append((list, array)) }
        }
        #expect(array.count > 100) // the tries were used
        for (copy, expected) in snapshots { #expect(Array(copy) == expected) }
        #expect(list == ColumnList(array))
        #expect(list.firstIndex(named: "no such column") == nil)
    }

    @Test func wideTableInTheStateLooksUpColumnsByName() throws {
        var columns = "        - {name: id, type: integer, primary_key: true}\n"
        for i in 0..<100 { columns += "        - {name: c\(i), type: integer}\n" }
        let chain = try chain(spec("  - create_table:\n      table: w\n      columns:\n\(columns)"
            + "  - rename_column: {table: w, column: c50, to: renamed}\n  - drop_column: {table: w, column: c10}\n"))
        let table = try #require(chain.final.table("w"))
        #expect(table.columns.count == 100)
        #expect(table.column("renamed")?.type == .integer)
        #expect(table.column("c50") == nil && table.column("c10") == nil)
        #expect(table.columnIndex("c11") == 11)
        #expect(table.columns.last?.name == "c99")
    }
}
