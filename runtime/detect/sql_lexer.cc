#include "runtime/detect/sql_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <string_view>

namespace fnguard::detect::sql {
namespace {

struct Keyword {
  std::string_view name;
  Word word;
};

// Sorted by name for binary search.
constexpr Keyword kKeywords[] = {
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
    {"drop", Word::kStatement},
    {"dumpfile", Word::kClause},
    {"else", Word::kClause},
    {"end", Word::kClause},
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
    {"into", Word::kClause},
    {"is", Word::kCompareWord},
    {"like", Word::kCompareWord},
    {"limit", Word::kClause},
    {"linestring", Word::kErrorFunction},
    {"load_file", Word::kDangerFunction},
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

// For each first byte, bit L is set when some keyword of length L (< 64)
// starts with it: most words of a value are rejected without a search.
constexpr std::array<uint64_t, 256> MakeKeywordShapes() {
  std::array<uint64_t, 256> shapes{};
  for (const Keyword& k : kKeywords) {
    if (!k.name.empty() && k.name.size() < 64) {
      shapes[static_cast<unsigned char>(k.name[0])] |= uint64_t{1} << k.name.size();
    }
  }
  return shapes;
}
constexpr std::array<uint64_t, 256> kKeywordShapes = MakeKeywordShapes();

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         c == 0xA0;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || (c >= 0x80 && c != 0xA0);
}

}  // namespace

Word ClassifyWord(std::string_view lowered) {
  if (lowered.empty() || lowered.size() >= 64 ||
      ((kKeywordShapes[static_cast<unsigned char>(lowered[0])] >> lowered.size()) & 1) == 0) {
    return Word::kNone;
  }
  const Keyword* end = kKeywords + sizeof(kKeywords) / sizeof(kKeywords[0]);
  const Keyword* it = std::lower_bound(
      kKeywords, end, lowered, [](const Keyword& k, std::string_view n) { return k.name < n; });
  if (it != end && it->name == lowered) return it->word;
  return Word::kNone;
}

Lexer::Lexer(std::string_view text, char context_quote)
    : text_(text), context_quote_(context_quote) {}

void Lexer::SkipSpace() {
  while (pos_ < text_.size()) {
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (IsSpace(c)) {
      ++pos_;
    } else if (in_executable_comment_ && c == '*' && pos_ + 1 < text_.size() &&
               text_[pos_ + 1] == '/') {
      in_executable_comment_ = false;
      pos_ += 2;
    } else {
      break;
    }
  }
}

Token Lexer::ReadString(char quote, size_t start, bool from_context) {
  Token t;
  t.type = TokenType::kString;
  t.quote = quote;
  t.from_context = from_context;
  t.closed = false;
  size_t i = from_context ? start : start + 1;
  while (i < text_.size()) {
    char c = text_[i];
    if (c == '\\' && i + 1 < text_.size()) {
      i += 2;
      continue;
    }
    if (c == quote) {
      if (i + 1 < text_.size() && text_[i + 1] == quote) {  // doubled quote
        i += 2;
        continue;
      }
      t.closed = true;
      ++i;
      break;
    }
    ++i;
  }
  t.offset = static_cast<uint32_t>(start);
  t.length = static_cast<uint32_t>(i - start);
  pos_ = i;
  return t;
}

Token Lexer::Next() {
  if (context_quote_ != 0) {
    char q = context_quote_;
    context_quote_ = 0;
    return ReadString(q, 0, true);
  }
  SkipSpace();
  Token t;
  if (pos_ >= text_.size()) {
    t.offset = static_cast<uint32_t>(text_.size());
    return t;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  const auto finish = [&](TokenType type, size_t len) {
    t.type = type;
    t.offset = static_cast<uint32_t>(start);
    t.length = static_cast<uint32_t>(len);
    pos_ = start + len;
    return t;
  };

  if (c == '\'' || c == '"') return ReadString(c, start, false);
  if (c == '`') {  // quoted identifier
    size_t e = text_.find('`', start + 1);
    size_t len = (e == std::string_view::npos ? text_.size() : e + 1) - start;
    return finish(TokenType::kWord, len);
  }
  if (c == '/' && n == '*') {
    if (pos_ + 2 < text_.size() && text_[pos_ + 2] == '!') {
      // MySQL executable comment: its body is code.
      size_t i = pos_ + 3;
      while (i < text_.size() && i - (pos_ + 3) < 6 && IsDigit(text_[i])) ++i;
      in_executable_comment_ = true;
      pos_ = i;
      return Next();
    }
    size_t e = text_.find("*/", start + 2);
    t.quote = '/';
    t.closed = e != std::string_view::npos;
    return finish(TokenType::kComment, (t.closed ? e + 2 : text_.size()) - start);
  }
  if ((c == '-' && n == '-') || c == '#') {
    size_t e = text_.find('\n', start);
    t.quote = c;
    return finish(TokenType::kComment, (e == std::string_view::npos ? text_.size() : e) - start);
  }
  if (IsDigit(c) || (c == '.' && IsDigit(n))) {
    size_t i = start;
    if (c == '0' && (n == 'x' || n == 'X' || n == 'b' || n == 'B')) {
      i += 2;
      while (i < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[i]))) ++i;
    } else {
      while (i < text_.size() && (IsDigit(text_[i]) || text_[i] == '.')) ++i;
      if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
        size_t j = i + 1;
        if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
        if (j < text_.size() && IsDigit(text_[j])) {
          i = j;
          while (i < text_.size() && IsDigit(text_[i])) ++i;
        }
      }
    }
    return finish(TokenType::kNumber, i - start);
  }
  if (IsWordByte(static_cast<unsigned char>(c))) {
    size_t i = start;
    while (i < text_.size() && IsWordByte(static_cast<unsigned char>(text_[i]))) ++i;
    size_t len = i - start;
    size_t copy = std::min<size_t>(len, sizeof(t.lower) - 1);
    for (size_t k = 0; k < copy; ++k) {
      char ch = text_[start + k];
      t.lower[k] = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    }
    t.lower[copy] = '\0';
    if (len < sizeof(t.lower)) t.word = ClassifyWord(std::string_view(t.lower, copy));
    return finish(TokenType::kWord, len);
  }
  if (c == '@') {
    size_t i = start + 1;
    if (i < text_.size() && text_[i] == '@') ++i;
    size_t name = i;
    while (i < text_.size() && IsWordByte(static_cast<unsigned char>(text_[i]))) ++i;
    if (i == name) return finish(TokenType::kOther, 1);
    return finish(TokenType::kVariable, i - start);
  }
  switch (c) {
    case '(': return finish(TokenType::kLParen, 1);
    case ')': return finish(TokenType::kRParen, 1);
    case ',': return finish(TokenType::kComma, 1);
    case ';': return finish(TokenType::kSemicolon, 1);
    case '.': return finish(TokenType::kDot, 1);
    case '=': return finish(TokenType::kComparison, n == '=' ? 2 : 1);
    case '<':
      if (n == '=' && pos_ + 2 < text_.size() && text_[pos_ + 2] == '>') {
        return finish(TokenType::kComparison, 3);
      }
      return finish(TokenType::kComparison, (n == '=' || n == '>') ? 2 : 1);
    case '>': return finish(TokenType::kComparison, n == '=' ? 2 : 1);
    case '!':
      if (n == '=') return finish(TokenType::kComparison, 2);
      return finish(TokenType::kOperator, 1);
    case '&':
      if (n == '&') return finish(TokenType::kLogicOp, 2);
      return finish(TokenType::kOperator, 1);
    case '|':
      if (n == '|') return finish(TokenType::kLogicOp, 2);
      return finish(TokenType::kOperator, 1);
    case ':':
      if (n == '=') return finish(TokenType::kOperator, 2);
      return finish(TokenType::kOther, 1);
    case '+': case '-': case '*': case '/': case '%': case '^': case '~':
      return finish(TokenType::kOperator, 1);
    default:
      return finish(TokenType::kOther, 1);
  }
}

}  // namespace fnguard::detect::sql
