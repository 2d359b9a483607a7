import Foundation
import MGenSpec
import Testing

/// What a spec file may be and hold: regular files of bounded size, one YAML document of UTF-8
/// text, names without control characters, ids that mean one migration. Errors at their place.
@Suite struct InputSafetyTests {
    let table = "  - create_table:\n      table: t\n      columns:\n        - {name: id, type: integer, primary_key: true}\n"

    /// A fresh folder, removed when the test ends.
    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mgen-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func loadPath(_ path: String) -> [Diagnostic] {
        do { _ = try SpecLoader.load(path: path); return [] } catch { return error.diagnostics }
    }

    @Test func symlinkToADeviceIsRefusedNotRead() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("0001_zero.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/zero")
        let diagnostics = loadPath(link)
        try #require(diagnostics.count == 1)
        #expect(diagnostics[0].description == """
            \(link): error: cannot read spec file: it is a device, not a regular file
              fix: a spec must be a regular file (a symlink to one is fine)
            """)
    }

    @Test func fifoIsRefusedWithoutWaitingForAWriter() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("0001_pipe.yaml").path
        try #require(mkfifo(fifo, 0o600) == 0)
        // Before the fix the open blocked forever: the test would hang, not fail.
        let diagnostics = loadPath(fifo)
        #expect(diagnostics.map(\.description) == ["\(fifo): error: cannot read spec file: it is a FIFO (named pipe), not a regular file\n  fix: a spec must be a regular file (a symlink to one is fine)"])
    }

    @Test func fileOverTheSizeLimitIsRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: maximumSpecFileSize + 1)))
        let diagnostics = loadPath(path)
        try #require(diagnostics.count == 1)
        #expect(diagnostics[0].message == "cannot read spec file: it is \(maximumSpecFileSize + 1) bytes, more than the \(maximumSpecFileSize) bytes a spec may have")
        #expect(diagnostics[0].fix == "split it into several specs; a spec may have at most 16 MiB")
    }

    @Test func secondDocumentIsAnErrorAtItsLine() throws {
        let diagnostics = loadDiagnostics(spec(table) + "---\nmgen: 1\n")
        try #require(diagnostics.count == 1)
        #expect(diagnostics[0].description == """
            x.yaml:9:1: error: invalid YAML: a second YAML document starts here; a spec file holds one document
              fix: remove the `---` line and what follows, or put the second spec in a file of its own
            """)
        // An explicit end of the one document is fine.
        #expect(loadDiagnostics("---\n" + spec(table) + "...\n").isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(spec(table).utf8)
        let migration = try SpecLoader.load(bytes: bytes, file: "x.yaml")
        #expect(migration.id == "0001")
        // Positions count from after the mark, as the editor shows the file.
        let broken: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(spec(table, extra: "nmae: x\n").utf8)
        do { _ = try SpecLoader.load(bytes: broken, file: "x.yaml"); Issue.record("loaded") } catch {
            #expect(error.diagnostics.map(headline) == ["x.yaml:4:1: error: unknown field 'nmae' in the spec (did you mean 'name'?)"])
        }
    }

    func bytesDiagnostics(_ bytes: [UInt8]) -> [String] {
        do { _ = try SpecLoader.load(bytes: bytes, file: "x.yaml"); return [] } catch { return error.diagnostics.map(\.description) }
    }

    @Test func invalidUTF8IsReportedAtTheByte() {
        let bytes = Array(spec(table).utf8) + Array("description: \"caf".utf8) + [0xE9] + Array("\"\n".utf8)
        #expect(bytesDiagnostics(bytes) == ["""
            x.yaml:9:18: error: invalid YAML: invalid UTF-8: byte 0xE9 starts a character that is cut short
              fix: save the file as UTF-8 (mgen reads specs as UTF-8 only)
            """])
        // Columns count characters: 'é' before the bad byte is one column.
        let later = Array("mgen: 1\nid: \"0001\"\nname: t\ndescription: é".utf8) + [0xFF] + Array("\n".utf8)
        #expect(bytesDiagnostics(later).first?.hasPrefix("x.yaml:4:15: error: invalid YAML: invalid UTF-8: byte 0xFF cannot start a character") == true)
    }

    @Test func nulAndControlBytesAreReportedAtTheirPlace() {
        let nul = Array("mgen: 1\nid: \"0001\"\nname: t\ndescription: a".utf8) + [0] + Array("b\n".utf8) + Array(table.utf8)
        #expect(bytesDiagnostics(nul) == ["""
            x.yaml:4:15: error: invalid YAML: a NUL byte is not allowed in YAML
              fix: remove it; the only control characters YAML allows are tab, line feed and carriage return
            """])
        let bell = Array("mgen: 1\r\nid: \"0001\"\r\nname: t\u{07}\r\n".utf8)
        #expect(bytesDiagnostics(bell).first?.hasPrefix("x.yaml:3:8: error: invalid YAML: control character U+0007 is not allowed in YAML") == true)
    }

    @Test func idsThatAreTheSameNumberAreDuplicates() throws {
        let a = spec(id: "02", table), b = spec(id: "0002", table.replacingOccurrences(of: "table: t", with: "table: u"))
        let diagnostics = try chainDiagnostics([(a, "a.yaml"), (b, "b.yaml")])
        #expect(diagnostics.map(headline) == ["b.yaml:2:1: error: duplicate id '0002': a.yaml has it too"])
        // depends_on finds an id by its number too.
        let c = spec(id: "3", "  - drop_table: {table: u}\n", extra: "depends_on: \"002\"\n")
        let b2 = spec(id: "0002", table.replacingOccurrences(of: "table: t", with: "table: u"))
        #expect(try chainDiagnostics([(b2, "b.yaml"), (c, "c.yaml")]).isEmpty)
    }

    @Test func idsThatAreTheSameNumberAreDuplicatesWhenStreamed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Enough files for the overlapped load, which checked only the order of ids.
        for i in 1...40 {
            let id = i == 40 ? "0039" : String(i)
            let text = spec(id: id, table.replacingOccurrences(of: "table: t", with: "table: t\(i)"))
            try text.write(to: dir.appendingPathComponent(String(format: "%03d.yaml", i)), atomically: true, encoding: .utf8)
        }
        do {
            _ = try MigrationChain.load(paths: [dir.path])
            Issue.record("a chain with ids 39 and 0039 loaded")
        } catch {
            #expect(error.diagnostics.map(\.message) == ["duplicate id '0039': \(dir.path)/039.yaml has it too"])
        }
    }

    @Test func nullIdIsAnError() {
        let diagnostics = loadDiagnostics("mgen: 1\nid: null\nname: t\noperations:\n\(table)")
        #expect(diagnostics.map(\.description) == ["""
            x.yaml:2:5: error: 'id' in the spec is null
              fix: give it a value; to use the text 'null', quote it: id: "null"
            """])
        #expect(loadDiagnostics("mgen: 1\nid: ~\nname: t\noperations:\n\(table)").map(headline) == ["x.yaml:2:5: error: 'id' in the spec is null"])
    }

    @Test func emptySQLUpIsAnError() {
        #expect(loadDiagnostics(spec("  - sql: {up: \"\", down: \"SELECT 1\"}\n")).map(\.description) == ["""
            x.yaml:5:11: error: the `up` of a sql step is empty
              fix: write the SQL statements to run, or remove the step
            """])
        #expect(loadDiagnostics(spec("  - sql: \"  \"\n")).map(headline) == ["x.yaml:5:10: error: the `up` of a sql step is empty"])
        #expect(loadDiagnostics(spec("  - sql:\n      up: {postgresql: \"SELECT 1\", mysql: \"\"}\n")).map(headline)
            == ["x.yaml:6:7: error: the `up` of a sql step is empty for mysql"])
    }

    @Test func namesWithControlCharactersAreRefused() {
        // A quoted YAML string can hold any character: a newline in a table name would end a
        // comment line in an emitted file.
        #expect(loadDiagnostics(spec("  - drop_table: {table: \"users\\nDROP TABLE x\"}\n")).map(\.description) == ["""
            x.yaml:5:18: error: name 'users\\nDROP TABLE x' contains a control character
              fix: names must not contain newlines, tabs or other control or format characters
            """])
        for bad in ["\\r", "\\t", "\\0", "\\u2028", "\\u2029", "\\u200B", "\\u202E", "\\x7F"] {
            let diagnostics = loadDiagnostics(spec("  - drop_column: {table: t, column: \"a\(bad)b\"}\n"))
            #expect(diagnostics.map(\.message).first?.hasSuffix("contains a control character") == true, "\(bad)")
        }
        // Names in lists (columns of an index, of a foreign key) are names too.
        let index = loadDiagnostics(spec("  - create_index: {table: t, name: t_idx, columns: [\"a\\nb\"]}\n"))
        #expect(index.map(headline) == ["x.yaml:5:5: error: column name 'a\\nb' contains a control character"])
        // Text that is not a name may hold newlines.
        #expect(loadDiagnostics(spec(table, extra: "description: \"two\\nlines\"\n")).isEmpty)
    }

    @Test func derivedNamesAreLengthChecked() {
        let long = String(repeating: "c", count: 40)
        let table = "  - create_table:\n      table: \(long)\n      columns:\n        - {name: id, type: integer, primary_key: true}\n"
            + "        - {name: \(long), type: integer, unique: true}\n"
        let diagnostics = loadDiagnostics(spec(table))
        #expect(diagnostics.map(\.description) == ["""
            x.yaml:5:5: error: the derived unique constraint name '\(long)_\(long)_key' is 85 bytes long; PostgreSQL keeps 63 (and cuts the rest silently) and MySQL 64
              fix: give the unique constraint a shorter name with `name:`
            """])
        let index = loadDiagnostics(spec("  - create_index: {table: \(long), columns: [\(long)]}\n"))
        #expect(index.map(headline) == ["x.yaml:5:5: error: the derived index name '\(long)_\(long)_idx' is 85 bytes long; PostgreSQL keeps 63 (and cuts the rest silently) and MySQL 64"])
        // With a name of its own, the same index is fine.
        #expect(loadDiagnostics(spec("  - create_index: {table: \(long), name: short_idx, columns: [\(long)]}\n")).isEmpty)
        let pk = loadDiagnostics(spec("  - create_table:\n      table: \(String(repeating: "p", count: 60))\n      columns:\n        - {name: id, type: integer, primary_key: true}\n"))
        #expect(pk.map(\.fix) == ["the primary key is named <table>_pkey: use a table name of at most 58 bytes"])
    }

    @Test func enumWithADuplicateValueIsRefused() {
        let diagnostics = loadDiagnostics(spec("  - add_column: {table: t, column: {name: s, type: \"enum(a,b,a)\"}}\n"))
        #expect(diagnostics.map(\.description) == ["""
            x.yaml:5:52: error: enum value 'a' is listed twice in 'enum(a,b,a)'
              fix: list each value once
            """])
    }
}
