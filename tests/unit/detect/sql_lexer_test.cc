#include "runtime/detect/sql_lexer.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace fnguard::detect::sql {
namespace {

std::vector<Token> Lex(std::string_view text, char context_quote = 0) {
  Lexer lexer(text, context_quote);
  std::vector<Token> out;
  for (;;) {
    Token t;
    lexer.Next(&t);
    if (t.type == TokenType::kEnd) break;
    out.push_back(t);
    if (out.size() > text.size() + 1) break;  // a lexer that stalls fails below
  }
  return out;
}

std::string TextOf(std::string_view text, const Token& t) {
  return std::string(text.substr(t.offset, t.length));
}

TEST(SqlLexerTest, TypesOffsetsAndLengths) {
  const std::string_view q = "SeLeCt a,b FROM t WHERE x<=1 AND y<>'it''s' -- done";
  const std::vector<Token> toks = Lex(q);
  std::vector<TokenType> types;
  std::vector<std::string> texts;
  for (const Token& t : toks) {
    types.push_back(t.type);
    texts.push_back(TextOf(q, t));
    EXPECT_EQ(t.begin, q.data() + t.offset);
  }
  const std::vector<TokenType> want = {
      TokenType::kWord,       TokenType::kWord,   TokenType::kComma,  TokenType::kWord,
      TokenType::kWord,       TokenType::kWord,   TokenType::kWord,   TokenType::kWord,
      TokenType::kComparison, TokenType::kNumber, TokenType::kWord,   TokenType::kWord,
      TokenType::kComparison, TokenType::kString, TokenType::kComment};
  EXPECT_EQ(types, want);
  EXPECT_EQ(texts, (std::vector<std::string>{"SeLeCt", "a", ",", "b", "FROM", "t", "WHERE", "x",
                                             "<=", "1", "AND", "y", "<>", "'it''s'",
                                             "-- done"}));
  EXPECT_EQ(toks[0].word, Word::kSelect);
  EXPECT_EQ(toks[4].word, Word::kClause);
  EXPECT_EQ(toks[10].word, Word::kLogic);
  EXPECT_EQ(toks[1].word, Word::kNone);
  EXPECT_TRUE(toks[13].closed);
}

// PostgreSQL's and MySQL's JSON, cast and containment operators are one
// operator token each.
TEST(SqlLexerTest, JsonCastAndContainmentOperators) {
  const std::string_view q = "a->b a->>'c' x::jsonb y @> z <@ w -1";
  std::vector<std::string> ops;
  for (const Token& t : Lex(q)) {
    if (t.type == TokenType::kOperator) ops.push_back(TextOf(q, t));
  }
  EXPECT_EQ(ops, (std::vector<std::string>{"->", "->>", "::", "@>", "<@", "-"}));
}

TEST(SqlLexerTest, WordsCompareInAnyCase) {
  const std::string_view q = "UnIoN sp_Who XP_cmdshell unions `union`";
  const std::vector<Token> toks = Lex(q);
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_TRUE(toks[0].Is("union"));
  EXPECT_FALSE(toks[0].Is("unio"));
  EXPECT_FALSE(toks[0].Is("unions"));
  EXPECT_TRUE(toks[1].StartsWith("sp_"));
  EXPECT_TRUE(toks[2].StartsWith("xp_"));
  EXPECT_FALSE(toks[2].StartsWith("xp_cmdshellx"));
  EXPECT_EQ(toks[3].word, Word::kNone);  // "unions" is not UNION
  // A backtick-quoted name is one word token, quotes included; it is no
  // keyword and does not compare equal to the bare word.
  EXPECT_EQ(TextOf(q, toks[4]), "`union`");
  EXPECT_EQ(toks[4].word, Word::kNone);
  EXPECT_FALSE(toks[4].Is("union"));
  // Only words compare: a string holding the word does not.
  const std::vector<Token> s = Lex("'union'");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_FALSE(s[0].Is("union"));
  EXPECT_FALSE(s[0].StartsWith("'"));
}

TEST(SqlLexerTest, KeywordsAreLookedUpByFirstLetterAndLengthInEveryCase) {
  for (std::string_view w : {"SLEEP", "sleep", "Sleep", "BENCHMARK", "load_FILE", "Or", "oR"}) {
    const std::vector<Token> toks = Lex(w);
    ASSERT_EQ(toks.size(), 1u) << w;
    EXPECT_NE(toks[0].word, Word::kNone) << w;
  }
  // Words no longer than a keyword but not one, and words past the table's
  // length limit.
  const std::string long_word = "select" + std::string(32, 'a');
  for (std::string_view w : {std::string_view("sleepy"), std::string_view("ore"),
                             std::string_view("o"), std::string_view("sleeps"),
                             std::string_view(long_word)}) {
    const std::vector<Token> toks = Lex(w);
    ASSERT_EQ(toks.size(), 1u) << w;
    EXPECT_EQ(toks[0].word, Word::kNone) << w;
  }
}

TEST(SqlLexerTest, ContextQuoteStartsInsideALiteral) {
  const std::string_view v = "bob' OR 'a'='a";
  const std::vector<Token> toks = Lex(v, '\'');
  ASSERT_GE(toks.size(), 4u);
  EXPECT_EQ(toks[0].type, TokenType::kString);
  EXPECT_TRUE(toks[0].from_context);
  EXPECT_TRUE(toks[0].closed);
  EXPECT_EQ(TextOf(v, toks[0]), "bob'");
  EXPECT_TRUE(toks[1].Is("or"));
  EXPECT_EQ(toks[1].word, Word::kLogic);
  // A value that never closes the literal is one unclosed string.
  const std::vector<Token> open = Lex("O\\'Brien and more", '\'');
  ASSERT_EQ(open.size(), 1u);
  EXPECT_FALSE(open[0].closed);
}

TEST(SqlLexerTest, StringsStepOverEscapesAndDoubledQuotes) {
  const std::string_view v = R"('a\'b' "c""d" 'open)";
  const std::vector<Token> toks = Lex(v);
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(TextOf(v, toks[0]), R"('a\'b')");
  EXPECT_EQ(TextOf(v, toks[1]), R"("c""d")");
  EXPECT_EQ(toks[2].type, TokenType::kString);
  EXPECT_FALSE(toks[2].closed);
  // A trailing backslash is a byte of the literal, not a hang.
  EXPECT_EQ(Lex("'abc\\").size(), 1u);
}

// Where a literal opened at `start` by `quote` ends, read one byte at a
// time: past a backslash and the byte it escapes (a trailing backslash is a
// byte), past a doubled quote, and just past the quote that closes it.
std::pair<size_t, bool> LiteralEnd(std::string_view v, size_t start, char quote) {
  for (size_t i = start; i < v.size();) {
    if (v[i] == '\\') {
      i = i + 1 < v.size() ? i + 2 : v.size();
    } else if (v[i] != quote) {
      ++i;
    } else if (i + 1 < v.size() && v[i + 1] == quote) {
      i += 2;
    } else {
      return {i + 1, true};
    }
  }
  return {v.size(), false};
}

TEST(SqlLexerTest, StringsEndWhereAByteByByteReadingEndsThem) {
  // Every text of up to 9 bytes of quotes, backslashes and a letter, as a
  // literal the text opens and as the rest of one the context opened.
  const std::string_view alphabet = "'\"\\a";
  for (size_t len = 1; len <= 9; ++len) {
    size_t count = 1;
    for (size_t k = 0; k < len; ++k) count *= alphabet.size();
    for (size_t code = 0; code < count; ++code) {
      std::string v;
      for (size_t k = 0, c = code; k < len; ++k, c /= alphabet.size()) {
        v.push_back(alphabet[c % alphabet.size()]);
      }
      for (char quote : {'\'', '"'}) {
        const std::vector<Token> in_context = Lex(v, quote);
        ASSERT_FALSE(in_context.empty()) << v;
        const auto [end, closed] = LiteralEnd(v, 0, quote);
        EXPECT_EQ(in_context[0].length, end) << v << " in " << quote;
        EXPECT_EQ(in_context[0].closed, closed) << v << " in " << quote;
      }
      if (v[0] == '\'' || v[0] == '"') {
        const std::vector<Token> toks = Lex(v);
        ASSERT_FALSE(toks.empty()) << v;
        const auto [end, closed] = LiteralEnd(v, 1, v[0]);
        EXPECT_EQ(toks[0].type, TokenType::kString) << v;
        EXPECT_EQ(toks[0].length, end) << v;
        EXPECT_EQ(toks[0].closed, closed) << v;
      }
    }
  }
}

TEST(SqlLexerTest, CommentsAndExecutableComments) {
  const std::string_view v = "1/*x*/#a\n2 /*!50000union*/ /*open";
  const std::vector<Token> toks = Lex(v);
  std::vector<std::string> texts;
  for (const Token& t : toks) texts.push_back(TextOf(v, t));
  EXPECT_EQ(texts, (std::vector<std::string>{"1", "/*x*/", "#a", "2", "union", "/*open"}));
  EXPECT_EQ(toks[1].type, TokenType::kComment);
  EXPECT_EQ(toks[2].quote, '#');
  EXPECT_EQ(toks[4].word, Word::kUnion);  // the executable comment's body is code
  EXPECT_EQ(toks[5].type, TokenType::kComment);
  EXPECT_FALSE(toks[5].closed);
}

TEST(SqlLexerTest, NumbersAndTheirSuffixes) {
  const std::string_view v = "0x1F 1.5e3 .5 1dunion 1d";
  const std::vector<Token> toks = Lex(v);
  std::vector<std::string> texts;
  for (const Token& t : toks) texts.push_back(TextOf(v, t));
  // Oracle's "1d" ends the number when a keyword follows without a space.
  EXPECT_EQ(texts, (std::vector<std::string>{"0x1F", "1.5e3", ".5", "1d", "union", "1", "d"}));
  EXPECT_EQ(toks[4].word, Word::kUnion);
}

// MySQL reads a decimal whose exponent is empty, before a symbol, as
// nothing: "1.e(" hides the call after it. A word, a digit, a dot or the end
// after the "e" keeps the number as it was.
TEST(SqlLexerTest, DecimalsWithAnEmptyExponentAreSpaces) {
  const std::string_view v = "or 1.e(1)=2.5E,x 3.e) 1.email 4.e7 5e( 6.e";
  const std::vector<Token> toks = Lex(v);
  std::vector<std::string> texts;
  for (const Token& t : toks) texts.push_back(TextOf(v, t));
  EXPECT_EQ(texts, (std::vector<std::string>{"or", "(", "1", ")", "=", ",", "x", ")", "1.",
                                             "email", "4.e7", "5", "e", "(", "6.", "e"}));
}

// A long run of what reads as a space (executable comment openings, empty
// exponents) is skipped in one call, without recursion.
TEST(SqlLexerTest, RunsOfSkippedOpeningsEndInOneCall) {
  std::string v;
  for (int i = 0; i < 200000; ++i) v += "/*!";
  v += " ";  // (digits right after "/*!" are its version)
  for (int i = 0; i < 200000; ++i) v += "1.e ";
  v += "union";
  Lexer lexer(v, 0);
  Token t;
  lexer.Next(&t);
  EXPECT_EQ(t.word, Word::kUnion);
  EXPECT_EQ(t.offset, v.size() - 5);
}

TEST(SqlLexerTest, VariablesOperatorsAndMySqlNull) {
  std::string v = "@@version @x @ \\N || && != := <=> ";
  v.push_back('\0');
  v += "x";
  const std::vector<Token> toks = Lex(v);
  std::vector<TokenType> types;
  for (const Token& t : toks) types.push_back(t.type);
  EXPECT_EQ(types, (std::vector<TokenType>{TokenType::kVariable, TokenType::kVariable,
                                           TokenType::kOther, TokenType::kWord,
                                           TokenType::kLogicOp, TokenType::kLogicOp,
                                           TokenType::kComparison, TokenType::kOperator,
                                           TokenType::kComparison, TokenType::kWord}));
  EXPECT_EQ(toks[3].word, Word::kLiteral);  // \N is NULL
  EXPECT_TRUE(toks[3].Is("\\n"));
  EXPECT_EQ(TextOf(v, toks[9]), "x");  // NUL separates tokens like a space
}

TEST(SqlLexerTest, EndIsReportedForeverAndEveryByteIsConsumed) {
  // Every byte value, alone and in runs: the lexer advances and ends.
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    const std::string run(40, static_cast<char>(c));
    for (const std::string& v : {one, run}) {
      Lexer lexer(v, 0);
      Token t;
      size_t tokens = 0;
      do {
        lexer.Next(&t);
        ASSERT_LE(++tokens, v.size() + 1) << c;
      } while (t.type != TokenType::kEnd);
      lexer.Next(&t);
      EXPECT_EQ(t.type, TokenType::kEnd);
      EXPECT_FALSE(t.Is(""));
    }
  }
}

}  // namespace
}  // namespace fnguard::detect::sql
