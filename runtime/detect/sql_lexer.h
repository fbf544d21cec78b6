// A small SQL lexer for injection detection: it reads a value the way a
// database would if the value were pasted into a query, optionally starting
// inside a string literal that the surrounding query opened ("context").
//
// Tokens are produced one at a time with no allocation; the lexer is linear
// in the input and never fails: unknown bytes become kOther tokens.
#ifndef FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_
#define FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fnguard::detect::sql {

enum class TokenType : uint8_t {
  kEnd = 0,     // past the last token
  kString,      // '...', "..." (closed or not)
  kNumber,      // 12, 1.5, 1e3, 0x1F, 0b101
  kWord,        // identifier or keyword (see Word)
  kVariable,    // @x, @@version
  kLParen,
  kRParen,
  kComma,
  kSemicolon,
  kDot,
  kComparison,  // = == < > <= >= <> != <=>
  kLogicOp,     // && ||
  kOperator,    // + - * / % ^ | & ~ ! :=
  kComment,     // /* ... */, -- ..., # ...
  kOther,
};

// Keyword classes for kWord tokens.
enum class Word : uint8_t {
  kNone = 0,     // a plain identifier
  kLogic,        // and or xor
  kNot,          // not
  kCompareWord,  // like rlike regexp is in between sounds glob
  kLiteral,      // null true false
  kUnion,
  kSelect,
  kStatement,    // insert update delete drop create alter truncate exec ...
  kClause,       // from where order group by having limit into ...
  kTimeFunction,   // sleep benchmark pg_sleep ... (when called)
  kErrorFunction,  // extractvalue updatexml xmltype ... (when called)
  kDangerFunction, // load_file xp_cmdshell openrowset ... (when called)
};

struct Token {
  TokenType type = TokenType::kEnd;
  Word word = Word::kNone;
  char quote = 0;         // kString: the quote byte; kComment: '-', '#' or '/'
  bool closed = true;     // kString: ended by its quote; kComment: "/*" ended by "*/"
  bool from_context = false;  // kString: the literal opened by the surrounding query
  uint32_t offset = 0;
  uint32_t length = 0;
  // kWord: the lower-cased text (first 31 bytes) for keyword comparisons.
  char lower[32] = {0};
  // Same as comparing `lower` as a C string, without measuring it first.
  bool Is(std::string_view lowered_word) const {
    if (type != TokenType::kWord || lowered_word.size() >= sizeof(lower)) return false;
    for (size_t i = 0; i < lowered_word.size(); ++i) {
      if (lower[i] != lowered_word[i]) return false;
    }
    return lower[lowered_word.size()] == '\0';
  }
};

class Lexer {
 public:
  // `context_quote` is 0 to read the value as is, or '\'' / '"' to read it as
  // if the query had already opened a string literal with that quote.
  Lexer(std::string_view text, char context_quote);
  // The next token; kEnd forever once the input is consumed.
  Token Next();

 private:
  void SkipSpace();
  Token ReadString(char quote, size_t start, bool from_context);

  std::string_view text_;
  size_t pos_ = 0;
  char context_quote_ = 0;
  bool in_executable_comment_ = false;  // inside MySQL /*! ... */
};

// Keyword class of a lower-cased word.
Word ClassifyWord(std::string_view lowered);

}  // namespace fnguard::detect::sql

#endif  // FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_
