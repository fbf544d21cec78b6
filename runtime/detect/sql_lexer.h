// A small SQL lexer for injection detection: it reads a value the way a
// database would if the value were pasted into a query, optionally starting
// inside a string literal that the surrounding query opened ("context").
//
// Tokens are produced one at a time with no allocation; the lexer is linear
// in the input and never fails: unknown bytes become kOther tokens.
#ifndef FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_
#define FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/detect/word_table.h"

namespace fnguard::detect::sql {

enum class TokenType : uint8_t {
  kEnd = 0,   // past the last token
  kString,    // '...', "..." (closed or not)
  kNumber,    // 12, 1.5, 1e3, 0x1F, 0b101
  kWord,      // identifier or keyword (see Word)
  kVariable,  // @x, @@version
  kLParen,
  kRParen,
  kComma,
  kSemicolon,
  kDot,
  kComparison,  // = == < > <= >= <> != <=>
  kLogicOp,     // && ||
  kOperator,    // + - * / % ^ | & ~ ! := << >> :: -> ->> @> <@
  kComment,     // /* ... */, -- ..., # ...
  kOther,
};

// Keyword classes for kWord tokens.
enum class Word : uint8_t {
  kNone = 0,     // a plain identifier
  kLogic,        // and or xor
  kNot,          // not
  kCompareWord,  // like rlike regexp is in between sounds glob
  kLiteral,      // null true false (and MySQL's \N)
  kOperatorWord, // div mod: arithmetic spelled as a word
  kUnion,
  kSetOperator,  // except intersect minus: UNION's siblings, read only before SELECT
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
  // The token's first byte in the text (its `length` bytes follow). Words
  // are compared case-insensitively in place: most words of a value are
  // never compared, so none is copied.
  const char* begin = nullptr;

  // Whether this is the word `lowered_word` (lower case) in any case.
  bool Is(std::string_view lowered_word) const {
    if (type != TokenType::kWord || length != lowered_word.size()) return false;
    for (size_t i = 0; i < lowered_word.size(); ++i) {
      if (LowerByte(begin[i]) != lowered_word[i]) return false;
    }
    return true;
  }
  // Whether this is a word that starts with `lowered_prefix` in any case.
  bool StartsWith(std::string_view lowered_prefix) const {
    if (type != TokenType::kWord || length < lowered_prefix.size()) return false;
    for (size_t i = 0; i < lowered_prefix.size(); ++i) {
      if (LowerByte(begin[i]) != lowered_prefix[i]) return false;
    }
    return true;
  }

  static constexpr char LowerByte(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
};

class Lexer {
 public:
  // `context_quote` is 0 to read the value as is, or '\'' / '"' to read it as
  // if the query had already opened a string literal with that quote.
  Lexer(std::string_view text, char context_quote);
  // Writes the next token to `*t` (every field); kEnd forever once the input
  // is consumed. The caller's storage is written in place.
  void Next(Token* t);

 private:
  void SkipSpace();
  void ReadString(char quote, size_t start, bool from_context, Token* t);
  // Whether the word at `i` (after a number's f/d suffix) is UNION, SELECT,
  // AND, OR or XOR.
  bool KeywordAfterSuffix(size_t i) const;

  std::string_view text_;
  size_t pos_ = 0;
  char context_quote_ = 0;
  bool in_executable_comment_ = false;  // inside MySQL /*! ... */
};

// Every keyword and its class.
inline constexpr WordEntry<Word> kKeywords[] = {
    {"all", Word::kClause},
    {"alter", Word::kStatement},
    {"and", Word::kLogic},
    {"as", Word::kClause},
    {"asc", Word::kClause},
    {"benchmark", Word::kTimeFunction},
    {"between", Word::kCompareWord},
    {"by", Word::kClause},
    {"case", Word::kClause},
    {"create", Word::kStatement},
    {"ctxsys", Word::kErrorFunction},
    {"declare", Word::kStatement},
    {"delete", Word::kStatement},
    {"desc", Word::kClause},
    {"distinct", Word::kClause},
    {"div", Word::kOperatorWord},
    {"drop", Word::kStatement},
    {"dumpfile", Word::kClause},
    {"else", Word::kClause},
    {"end", Word::kClause},
    {"except", Word::kSetOperator},
    {"exec", Word::kStatement},
    {"execute", Word::kStatement},
    {"exists", Word::kClause},
    {"extractvalue", Word::kErrorFunction},
    {"false", Word::kLiteral},
    {"from", Word::kClause},
    {"generate_series", Word::kTimeFunction},
    {"geometrycollection", Word::kErrorFunction},
    {"get_host_address", Word::kErrorFunction},
    {"get_host_name", Word::kErrorFunction},
    {"glob", Word::kCompareWord},
    {"grant", Word::kStatement},
    {"group", Word::kClause},
    {"having", Word::kClause},
    {"in", Word::kCompareWord},
    {"insert", Word::kStatement},
    {"intersect", Word::kSetOperator},
    {"into", Word::kClause},
    {"is", Word::kCompareWord},
    {"like", Word::kCompareWord},
    {"limit", Word::kClause},
    {"linestring", Word::kErrorFunction},
    {"load_file", Word::kDangerFunction},
    {"minus", Word::kSetOperator},
    {"mod", Word::kOperatorWord},
    {"multilinestring", Word::kErrorFunction},
    {"multipoint", Word::kErrorFunction},
    {"multipolygon", Word::kErrorFunction},
    {"name_const", Word::kErrorFunction},
    {"not", Word::kNot},
    {"null", Word::kLiteral},
    {"offset", Word::kClause},
    {"opendatasource", Word::kDangerFunction},
    {"openquery", Word::kDangerFunction},
    {"openrowset", Word::kDangerFunction},
    {"or", Word::kLogic},
    {"order", Word::kClause},
    {"outfile", Word::kClause},
    {"pg_read_file", Word::kDangerFunction},
    {"pg_sleep", Word::kTimeFunction},
    {"polygon", Word::kErrorFunction},
    {"procedure", Word::kClause},
    {"randomblob", Word::kTimeFunction},
    {"receive_message", Word::kTimeFunction},
    {"regexp", Word::kCompareWord},
    {"revoke", Word::kStatement},
    {"rlike", Word::kCompareWord},
    {"select", Word::kSelect},
    {"set", Word::kStatement},
    {"shutdown", Word::kStatement},
    {"sleep", Word::kTimeFunction},
    {"sounds", Word::kCompareWord},
    {"sp_executesql", Word::kDangerFunction},
    {"sp_oacreate", Word::kDangerFunction},
    {"sp_password", Word::kDangerFunction},
    {"then", Word::kClause},
    {"top", Word::kClause},
    {"true", Word::kLiteral},
    {"truncate", Word::kStatement},
    {"union", Word::kUnion},
    {"update", Word::kStatement},
    {"updatexml", Word::kErrorFunction},
    {"utl_http", Word::kDangerFunction},
    {"utl_inaddr", Word::kErrorFunction},
    {"values", Word::kClause},
    {"waitfor", Word::kStatement},
    {"when", Word::kClause},
    {"where", Word::kClause},
    {"xmltype", Word::kErrorFunction},
    {"xor", Word::kLogic},
    {"xp_cmdshell", Word::kDangerFunction},
    {"xp_dirtree", Word::kDangerFunction},
    {"xp_regread", Word::kDangerFunction},
};

// Keyword class of a word, in any case (kNone for 32 bytes or more).
Word ClassifyWord(std::string_view word);

// The lexer's byte classes: whitespace between tokens, and the bytes a word
// token (identifier or keyword) is made of.
constexpr bool IsSpaceByte(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0xA0 || c == 0;  // NUL separates tokens like a space
}
constexpr bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || (c >= 0x80 && c != 0xA0);
}

// IsWordByte() as a table, for the loops that read whole words.
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = IsWordByte(static_cast<unsigned char>(c));
  return t;
}();

// The byte classes as one table, for the lexer's dispatch on a token's first
// byte: a word that starts with a letter (or '_', '$', non-ASCII) is by far
// the most common token.
enum ByteClass : uint8_t { kOtherByte = 0, kSpaceByte, kLetterByte, kDigitByte };
inline constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const auto b = static_cast<unsigned char>(c);
    if (IsSpaceByte(b)) {
      t[c] = kSpaceByte;
    } else if (b >= '0' && b <= '9') {
      t[c] = kDigitByte;
    } else if (IsWordByte(b)) {
      t[c] = kLetterByte;
    }
  }
  return t;
}();

}  // namespace fnguard::detect::sql

#endif  // FNGUARD_RUNTIME_DETECT_SQL_LEXER_H_
