import MGenSpec

/// Renames of a foreign key and of its own index whose names a framework chose (Django names the
/// keys it makes after the table and columns of the moment, and does not rename them when those
/// are renamed). The key keeps its columns and target; only the name changes.
public struct ForeignKeyRename: Sendable {
    public var table: String
    public var column: String
    public var referencedTable: String
    public var referencedColumn: String
    public var from: String
    public var to: String
    public init(table: String, column: String, referencedTable: String, referencedColumn: String, from: String, to: String) {
        (self.table, self.column, self.referencedTable, self.referencedColumn, self.from, self.to) = (table, column, referencedTable, referencedColumn, from, to)
    }
}

extension PostgreSQLDialect {
    public func renameForeignKey(_ rename: ForeignKeyRename) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(rename.table)) RENAME CONSTRAINT \(quote(rename.from)) TO \(quote(rename.to))")]
    }
}

extension MySQLDialect {
    /// MySQL cannot rename a foreign key: it is dropped and added again under the new name, in one
    /// statement (no ON DELETE: the key a framework makes has none). Its index stays as it is.
    public func renameForeignKey(_ rename: ForeignKeyRename) -> [SQLStatement] {
        [SQLStatement("ALTER TABLE \(quote(rename.table)) DROP FOREIGN KEY \(quote(rename.from)), ADD CONSTRAINT \(quote(rename.to)) "
                      + "FOREIGN KEY (\(quote(rename.column))) REFERENCES \(quote(rename.referencedTable)) (\(quote(rename.referencedColumn)))")]
    }

    /// Renames each index of `table` named like the first of a pair to the second, if the table
    /// has one by that name (a key's own index may have any of several names, or none): one
    /// ALTER TABLE built from information_schema.statistics and run as a prepared statement,
    /// `DO 0` when none is there.
    public func renameIndexesIfPresent(table: String, _ renames: [(from: String, to: String)]) -> [SQLStatement] {
        let renames = renames.filter { $0.from != $0.to }
        guard !renames.isEmpty else { return [] }
        let cases = renames.map { "WHEN \(stringLiteral($0.from)) THEN \(stringLiteral("RENAME INDEX \(quote($0.from)) TO \(quote($0.to))"))" }
        let build = """
        SET @mgen_ddl = (SELECT IFNULL(CONCAT(\(stringLiteral("ALTER TABLE \(quote(table)) ")), \
        GROUP_CONCAT(CASE own.index_name \(cases.joined(separator: " ")) END SEPARATOR ', ')), 'DO 0') \
        FROM (SELECT DISTINCT index_name FROM information_schema.statistics \
        WHERE table_schema = DATABASE() AND table_name = \(stringLiteral(table)) \
        AND index_name IN (\(renames.map { stringLiteral($0.from) }.joined(separator: ", ")))) AS own)
        """
        return [SQLStatement(build), SQLStatement("PREPARE mgen_ddl FROM @mgen_ddl"), SQLStatement("EXECUTE mgen_ddl"),
                SQLStatement("DEALLOCATE PREPARE mgen_ddl")]
    }
}
