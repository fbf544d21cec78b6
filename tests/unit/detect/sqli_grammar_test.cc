// Grammar families of the SQL injection detector: fragments that start inside
// a string or numeric context, expressions cut off by a comment, stacked
// statements, UNION fragments, CASE expressions, constant probes. Every case
// is hand-made; the benign lists pin what must stay quiet.
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"

namespace fnguard::detect {
namespace {

using testing::Detects;

struct Case {
  std::string_view value;
  std::string_view rule;
};

void ExpectDetected(const Case* begin, const Case* end) {
  for (const Case* c = begin; c != end; ++c) {
    Match m;
    EXPECT_TRUE(Detects(SqliDetector(), c->value, &m)) << c->value;
    EXPECT_EQ(m.rule_id, c->rule) << c->value;
    EXPECT_LE(m.offset + m.length, c->value.size() + 1) << c->value;
  }
}

void ExpectQuiet(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    Match m;
    EXPECT_FALSE(Detects(SqliDetector(), v, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SqliGrammarTest, ExpressionCutOffByComment) {
  const Case kCases[] = {
      {"( 7 XOR @b ) --", "sqli.comment_truncation"},
      {"3 * 4 #", "sqli.comment_truncation"},
      {"@@datadir/*", "sqli.comment_truncation"},
      {"( ( 'z' ) ) --", "sqli.comment_truncation"},
      {"(ABS(-2) OR 5) -- -", "sqli.comment_truncation"},
      {"( BINARY TAN ( @q ) ) --", "sqli.comment_truncation"},
      {"8812--", "sqli.comment_truncation"},
  };
  ExpectDetected(std::begin(kCases), std::end(kCases));
  ExpectQuiet({"(see above) --", "(555) 123-4567", "5--10 apples", "(draft) -- v2",
               "#1 best seller", "2 of 3 -- maybe", "(a) b c --"});
}

TEST(SqliGrammarTest, StringContextContinuedByOperators) {
  const Case kCases[] = {
      {"ab' MOD 3 = '1", "sqli.tautology"},
      {"q' ^ 2 - 1 != '0", "sqli.tautology"},
      {"name' REGEXP 'x", "sqli.tautology"},
      {"x' NOT LIKE 'y", "sqli.tautology"},
      {"k' is \\N or 'z", "sqli.tautology"},
      {"v' << 2 > '1", "sqli.tautology"},
      {"p' - ( ABS ( 'c')) --", "sqli.tautology"},
      {"mm'DIV@k = 0 or '2", "sqli.tautology"},
      {"t' * id - '3", "sqli.tautology"},
      {"z' DIV 3 - '1", "sqli.tautology"},
      {"n'mod 2 * '5", "sqli.tautology"},
  };
  ExpectDetected(std::begin(kCases), std::end(kCases));
  // Quoted words in prose, and random symbols around a quote.
  ExpectQuiet({"use the 'or' operator", "choose 'and' or 'not'", "rock '-' roll",
               "Tq{8x'=u!Pz", "9>&\\Mw'<Hq7kd", "'<Qv#.k_`91L.[0@", "'>`j{gm@?Xo(w",
               "_\"/2=QW##.PlkR", "@_8e\"-y+3&c#:",
               "Bo'>Rd-C+P;k\"xw", "'=C~_8F|jZ(LY1n]", "'>Yr*L({M4Wh", "kx7%@@NIH?$YF", "a!b'+'c", "Zx]'=Lm^Q", "p#8'='k$",
               "O'Brien - 'Ireland", "it's 5 o'clock"});
}

TEST(SqliGrammarTest, StackedStatementsByName) {
  const Case kCases[] = {
      {"7;CALL cleanup_proc(5)--", "sqli.stacked"},
      {"4; load data local infile '/x'", "sqli.stacked"},
      {"2'; if 3>1 drop table t-- ", "sqli.stacked"},
      {"6; begin declare @z int", "sqli.stacked"},
      {"9;do (4=4)", "sqli.stacked"},
      {"8; delete quick from logs", "sqli.stacked"},
      {"5; drop staff --", "sqli.stacked"},
      {"31 update items set price=0", "sqli.stacked"},
      {"3; execute as login 'sa'", "sqli.stacked"},
  };
  ExpectDetected(std::begin(kCases), std::end(kCases));
  ExpectQuiet({"ok; call me (maybe) later", "done; load the truck", "yes; do it now",
               "2 update available", "a; if you can, drop by", "see you; begin again"});
}

TEST(SqliGrammarTest, QueryShapes) {
  const Case kCases[] = {
      {"-3 union", "sqli.union"},
      {"12/*c*/union", "sqli.union"},
      {"4 union 7,8,9", "sqli.union"},
      {"select a,1 from t where", "sqli.union"},
      {"select @@hostname h", "sqli.union"},
      {"(select amount*2 from orders limit 1)", "sqli.union"},
      {"case 4 when 4 then 1 end", "sqli.tautology"},
      {"case when 2>1 then 'a' else 'b' end", "sqli.tautology"},
      {"(1234=1234)*5", "sqli.tautology"},
      {"find_in_set(77=78,1)", "sqli.tautology"},
      {"@x into outfile concat('/tmp/', 'x')", "sqli.function_call"},
      {"term' in boolean mode) and sleep(3)#", "sqli.time_blind"},
      {"chr(72)||chr(105)", "sqli.function_call"},
      {"7dUnion select name from staff", "sqli.union"},
      {"nchar(80)+nchar(81)", "sqli.function_call"},
      {"EXEC sp_configure 'show advanced options', 1", "sqli.stacked"},
      {"execute(@cmd)", "sqli.stacked"},
      {"-8 union select login||chr(44)||pwd from staff", "sqli.union"},
      {"qty having (2 or 2)", "sqli.order_by"},
      {"limit 5,1 --", "sqli.order_by"},
      {"7 unoin select md5(1),2", "sqli.union"},
      {"4 select union 8,9", "sqli.union"},
      {"4-- hide sp_password", "sqli.comment_truncation"},
      {"9) from staff where", "sqli.union"},
      {"2=2 and - ~((3))", "sqli.tautology"},
  };
  ExpectDetected(std::begin(kCases), std::end(kCases));
  ExpectQuiet({"Route 1 union station", "in case when it rains then we end", "select a plan",
               "select one from each group below", "select a,b from t where", "(1=1 is true)",
               "union -- the musical", "char (the peppers) + chr", "exec summary",
               "kids having (fun or not) today", "limit 2, then stop", "3 select all, 4 rows"});
}

// Whole values that a numeric context reads as always true, and a bare
// system variable that tells the server's identity.
TEST(SqliGrammarTest, NumericTruthsAndServerVariables) {
  const Case kCases[] = {
      {"1 or true", "sqli.tautology"},     {"1 OR 1", "sqli.tautology"},
      {"7 xor 7", "sqli.tautology"},       {"1 && 1", "sqli.tautology"},
      {"2 || 2", "sqli.tautology"},        {"@@version", "sqli.function_call"},
      {"@@DATADIR", "sqli.function_call"}, {"@@hostname", "sqli.function_call"},
  };
  ExpectDetected(std::begin(kCases), std::end(kCases));
  ExpectQuiet({"1 or 2", "1 or more", "2 or 3 times", "1 and 1", "0 or 0", "1 or false", "5&&5",
               "817576||2743", "1 || 2", "@@include", "@@title", "@@ 5pm",
               "version @@version of the docs"});
}

TEST(SqliGrammarTest, RepeatedGrammarUnitsFinish) {
  // Units that start the new rules over and over; each rule reads a bounded
  // window, so a megabyte of them is linear work.
  const std::string_view kUnits[] = {"case when 1 then ", "( 1 OR ", "; call f(", "; begin ",
                                     "select 1,", "x' - ", "(1=1)*", "chr(1)||", "-1 union "};
  for (std::string_view unit : kUnits) {
    std::string big;
    while (big.size() < (1u << 20)) big += unit;
    Match m;
    Detects(SqliDetector(), big, &m);
  }
  // A quote that never closes the literal (escaped, doubled) with DIV/MOD
  // letters around: nothing past the value is read.
  for (std::string_view v : {"div \\\"q", "mod ''", "x\\'mod", "\"\"dim"}) {
    Match unused;
    Detects(SqliDetector(), v, &unused);
  }
  std::string tail(1 << 20, 'b');
  tail += "' ^ 3 = '0";
  Match m;
  EXPECT_TRUE(Detects(SqliDetector(), tail, &m));
}

}  // namespace
}  // namespace fnguard::detect
