import MGenSQL
import Testing

/// `SQLSplitter` splits `sql` steps into statements on top-level semicolons only.
@Suite struct SQLSplitterTests {
    @Test func splitsOnTopLevelSemicolonsAndTrims() {
        #expect(SQLSplitter.split("  SELECT 1;\n\nSELECT 2  ;SELECT 3\n") == ["SELECT 1;", "SELECT 2  ;", "SELECT 3"])
        #expect(SQLSplitter.split("") == [])
    }

    @Test
    func emptyStatementsAreDropped() {
        #expect(SQLSplitter.split("SELECT 1;;\n;") == ["SELECT 1;"])
    }

    @Test func semicolonsInsideStringsAndQuotedIdentifiers() {
        let sql = #"INSERT INTO "a;b" VALUES ('x;y', 'it''s; ok'); UPDATE `c;d` SET e = 'f'; SELECT 1"#
        #expect(SQLSplitter.split(sql) == [
            #"INSERT INTO "a;b" VALUES ('x;y', 'it''s; ok');"#,
            "UPDATE `c;d` SET e = 'f';",
            "SELECT 1",
        ])
    }

    @Test func backslashEscapedQuoteInMySQLString() {
        #expect(SQLSplitter.split(#"INSERT INTO t VALUES ('a\';b'); SELECT 1;"#, backslashEscapes: true) == [#"INSERT INTO t VALUES ('a\';b');"#, "SELECT 1;"])
    }

    @Test
    func backslashIsLiteralInStandardStrings() {
        #expect(SQLSplitter.split(#"UPDATE t SET p = 'C:\'; UPDATE u SET q = 1;"#) == [#"UPDATE t SET p = 'C:\';"#, "UPDATE u SET q = 1;"])
    }

    @Test func dollarQuotedBodies() {
        let sql = """
            CREATE FUNCTION touch() RETURNS trigger AS $body$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END;
            $body$ LANGUAGE plpgsql;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT $1, $2;
            """
        #expect(SQLSplitter.split(sql) == [
            "CREATE FUNCTION touch() RETURNS trigger AS $body$\nBEGIN\n    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$body$ LANGUAGE plpgsql;",
            "DO $$ BEGIN PERFORM 1; END $$;",
            "SELECT $1, $2;",
        ])
    }

    @Test func dollarTagMustMatch() {
        #expect(SQLSplitter.split("SELECT $a$ x; $b$ y; $a$; SELECT 2;") == ["SELECT $a$ x; $b$ y; $a$;", "SELECT 2;"])
    }

    @Test func commentsWithSemicolons() {
        let sql = """
            -- first; still a comment
            SELECT 1; /* a; block
            comment; */ SELECT 2;
            -- only a comment at the end;
            """
        #expect(SQLSplitter.split(sql) == [
            "-- first; still a comment\nSELECT 1;",
            "/* a; block\ncomment; */ SELECT 2;",
        ])
        #expect(SQLSplitter.split("-- nothing but a comment\n-- and another") == [])
    }

    @Test func mySQLProcedureBodyIsOneStatement() {
        let sql = """
            DROP PROCEDURE IF EXISTS p;
            CREATE PROCEDURE p()
            BEGIN
                DECLARE i INT DEFAULT 0;
                IF i = 0 THEN
                    SET i = 1;
                END IF;
                WHILE i < 3 DO
                    SET i = i + 1;
                END WHILE;
                REPEAT SET i = i - 1; UNTIL i = 0 END REPEAT;
                BEGIN
                    SELECT i;
                END;
            END;
            CALL p();
            """
        let statements = SQLSplitter.split(sql)
        #expect(statements.count == 3)
        #expect(statements.first == "DROP PROCEDURE IF EXISTS p;")
        #expect(statements.dropFirst().first?.hasPrefix("CREATE PROCEDURE p()\nBEGIN\n") == true)
        #expect(statements.dropFirst().first?.hasSuffix("    END;\nEND;") == true)
        #expect(statements.last == "CALL p();")
    }

    @Test func triggerBodyIsOneStatement() {
        let sql = "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; SET NEW.y = 2; END; SELECT 1;"
        #expect(SQLSplitter.split(sql) == [
            "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; SET NEW.y = 2; END;",
            "SELECT 1;",
        ])
    }

    @Test func transactionBeginIsNotABlock() {
        #expect(SQLSplitter.split("BEGIN; UPDATE t SET a = 1; COMMIT;") == ["BEGIN;", "UPDATE t SET a = 1;", "COMMIT;"])
    }

    @Test
    func caseExpressionInsideProcedure() {
        let sql = "CREATE PROCEDURE p() BEGIN SELECT CASE WHEN 1 THEN 2 END; SELECT 3; END; SELECT 4;"
        #expect(SQLSplitter.split(sql) == [
            "CREATE PROCEDURE p() BEGIN SELECT CASE WHEN 1 THEN 2 END; SELECT 3; END;",
            "SELECT 4;",
        ])
    }

    @Test
    func routineWordInACommentDoesNotOpenABlock() {
        #expect(SQLSplitter.split("-- refresh the function's data\nBEGIN;\nUPDATE t SET a = 1;\nCOMMIT;") == [
            "-- refresh the function's data\nBEGIN;",
            "UPDATE t SET a = 1;",
            "COMMIT;",
        ])
    }

    @Test func statementMetadata() {
        #expect(SQLStatement("SELECT 1").terminated == "SELECT 1;")
        #expect(SQLStatement("SELECT 1;").terminated == "SELECT 1;")
        #expect(!SQLStatement("SELECT 1;").hasInnerSemicolons)
        #expect(SQLStatement("DO $$ BEGIN PERFORM 1; END $$").hasInnerSemicolons)
        #expect(SQLStatement("SELECT 1").transactional)
    }
}

/// The `mysql` client's DELIMITER lines, as the plain `sql` target writes them for MySQL.
@Suite struct SQLSplitterDelimiterTests {
    @Test func delimiterLinesChangeWhereStatementsEnd() {
        let text = """
            -- backfill
            DROP PROCEDURE IF EXISTS p;

            DELIMITER //
            CREATE PROCEDURE p()
            BEGIN
                UPDATE t SET a = ';//';
            END
            //
            DELIMITER ;

            CALL p();
            """
        #expect(SQLSplitter.split(text, backslashEscapes: true) == [
            "-- backfill\nDROP PROCEDURE IF EXISTS p;",
            "CREATE PROCEDURE p()\nBEGIN\n    UPDATE t SET a = ';//';\nEND",
            "CALL p();",
        ])
    }

    @Test func delimiterInsideStatementsIsText() {
        #expect(SQLSplitter.split("SELECT 'DELIMITER //';\nSELECT 1;") == ["SELECT 'DELIMITER //';", "SELECT 1;"])
    }
}
