#include "runtime/detect/sql_lexer.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "runtime/detect/ascii_scan.h"

namespace fnguard::detect::sql {
namespace {

constexpr WordTable<Word, 256> kKeywordTable(kKeywords);
static_assert(kKeywordTable.size() * 2 <= 256);

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ClassifyWord() of a word that is not empty, inlined into Next(), which
// calls it for every word.
[[gnu::always_inline]] inline Word KeywordOf(std::string_view word) {
  // Most words have no keyword of their first letter and length: they are
  // never lower-cased.
  if (!kKeywordTable.MayHave(Token::LowerByte(word[0]), word.size())) return Word::kNone;
  char lower[WordTable<Word, 256>::kMaxWord];  // (MayHave() bounds the length)
  for (size_t k = 0; k < word.size(); ++k) lower[k] = Token::LowerByte(word[k]);
  return kKeywordTable.Find(std::string_view(lower, word.size()), Word::kNone);
}

}  // namespace

Word ClassifyWord(std::string_view word) { return word.empty() ? Word::kNone : KeywordOf(word); }

// Out of line: rare, and Next() stays small enough to inline its helpers.
[[gnu::noinline]] bool Lexer::KeywordAfterSuffix(size_t i) const {
  size_t e = i;
  while (e < text_.size() && kWordBytes[static_cast<unsigned char>(text_[e])]) ++e;
  const Word k = ClassifyWord(text_.substr(i, e - i));
  return k == Word::kUnion || k == Word::kLogic || k == Word::kSelect;
}

Lexer::Lexer(std::string_view text, char context_quote)
    : text_(text), context_quote_(context_quote) {}

void Lexer::SkipSpace() {
  const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
  const size_t n = text_.size();
  for (;;) {
    while (pos_ < n && kByteClass[p[pos_]] == kSpaceByte) ++pos_;
    // The end of a MySQL executable comment reads as a space.
    if (!in_executable_comment_ || pos_ + 1 >= n || p[pos_] != '*' || p[pos_ + 1] != '/') return;
    in_executable_comment_ = false;
    pos_ += 2;
  }
}

void Lexer::ReadString(char quote, size_t start, bool from_context, Token* out) {
  Token& t = *out;
  t.type = TokenType::kString;
  t.quote = quote;
  t.from_context = from_context;
  t.closed = false;
  size_t i = from_context ? start : start + 1;
  const size_t n = text_.size();
  const char* d = text_.data();
  // Jumps from quote to quote (memchr), stepping over backslash escapes
  // and doubled quotes. `q` is the first quote at or after i; it is looked
  // for again only once an escape steps past it, so that many escapes before
  // a far quote (or none) stay linear.
  const auto quote_from = [&](size_t from) {
    const void* qp = from < n ? std::memchr(d + from, quote, n - from) : nullptr;
    return qp == nullptr ? n : static_cast<size_t>(static_cast<const char*>(qp) - d);
  };
  size_t q = quote_from(i);
  while (i < n) {
    if (q < i) q = quote_from(i);
    const void* bp = std::memchr(d + i, '\\', q - i);
    if (bp != nullptr) {
      const size_t b = static_cast<size_t>(static_cast<const char*>(bp) - d);
      i = b + 1 < n ? b + 2 : n;  // the escaped byte (a trailing '\\' is just a byte)
      continue;
    }
    if (q == n) {
      i = n;
      break;
    }
    if (q + 1 < n && d[q + 1] == quote) {  // doubled quote
      i = q + 2;
      continue;
    }
    t.closed = true;
    i = q + 1;
    break;
  }
  t.offset = static_cast<uint32_t>(start);
  t.length = static_cast<uint32_t>(i - start);
  t.begin = text_.data() + start;
  pos_ = i;
}

void Lexer::Next(Token* out) {
  Token& t = *out;
  t.type = TokenType::kEnd;
  t.word = Word::kNone;
  t.quote = 0;
  t.closed = true;
  t.from_context = false;
  t.offset = 0;
  t.length = 0;
  t.begin = text_.data() + text_.size();
  if (context_quote_ != 0) {
    char q = context_quote_;
    context_quote_ = 0;
    return ReadString(q, 0, true, out);
  }
  // What MySQL reads as a space (the opening of an executable comment, a
  // number with an empty exponent) is skipped here, in a loop: a run of them
  // must not recurse.
restart:
  SkipSpace();
  if (pos_ >= text_.size()) {
    t.offset = static_cast<uint32_t>(text_.size());
    return;
  }
  const size_t start = pos_;
  const char c = text_[pos_];
  const auto finish = [&](TokenType type, size_t len) __attribute__((always_inline)) {
    t.type = type;
    t.offset = static_cast<uint32_t>(start);
    t.length = static_cast<uint32_t>(len);
    t.begin = text_.data() + start;
    pos_ = start + len;
  };

  if (kByteClass[static_cast<unsigned char>(c)] == kLetterByte) {
    const auto* p = reinterpret_cast<const unsigned char*>(text_.data());
    const size_t size = text_.size();
    size_t i = start + 1;
    while (i < size && kWordBytes[p[i]]) ++i;
    const size_t len = i - start;
    t.word = KeywordOf(std::string_view(text_.data() + start, len));
    return finish(TokenType::kWord, len);
  }
  const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  if (c == '\'' || c == '"') return ReadString(c, start, false, out);
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
      goto restart;
    }
    size_t e = scan::Find(text_, "*/", start + 2);
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
      bool dot = false;
      while (i < text_.size() && (IsDigit(text_[i]) || text_[i] == '.')) dot |= text_[i++] == '.';
      if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
        size_t j = i + 1;
        if (j < text_.size() && (text_[j] == '+' || text_[j] == '-')) ++j;
        if (j < text_.size() && IsDigit(text_[j])) {
          i = j;
          while (i < text_.size() && IsDigit(text_[i])) ++i;
        } else if (dot && i + 1 < text_.size() &&
                   !kWordBytes[static_cast<unsigned char>(text_[i + 1])] && text_[i + 1] != '.') {
          // A decimal with an empty exponent before a symbol ("1.e(", "1.e,",
          // "2.5e)"): MySQL reads it as nothing at all, so it can hide a
          // keyword from a filter ("1.e(select ...)") or stand between an
          // operator and its operand ("or 1.e(1)=1.e(1)").
          pos_ = i + 1;
          goto restart;
        }
      }
    }
    // Oracle's BINARY_FLOAT/BINARY_DOUBLE suffix ("1f", "2d") ends the number
    // when a keyword follows it without a space ("1dunion").
    if (i + 2 < text_.size() &&
        (text_[i] == 'f' || text_[i] == 'F' || text_[i] == 'd' || text_[i] == 'D') &&
        KeywordAfterSuffix(i + 1)) {
      ++i;
    }
    return finish(TokenType::kNumber, i - start);
  }
  // PostgreSQL's containment operator "@>" (jsonb, arrays, ranges).
  if (c == '@' && n == '>') return finish(TokenType::kOperator, 2);
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
      if (n == '<' || n == '@') return finish(TokenType::kOperator, 2);  // << and <@
      return finish(TokenType::kComparison, (n == '=' || n == '>') ? 2 : 1);
    case '>':
      if (n == '>') return finish(TokenType::kOperator, 2);
      return finish(TokenType::kComparison, n == '=' ? 2 : 1);
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
      // := assigns; :: is PostgreSQL's cast.
      if (n == '=' || n == ':') return finish(TokenType::kOperator, 2);
      return finish(TokenType::kOther, 1);
    case '\\':
      if (n == 'N' && (pos_ + 2 >= text_.size() ||
                       !kWordBytes[static_cast<unsigned char>(text_[pos_ + 2])] ||
                       KeywordAfterSuffix(pos_ + 2))) {
        // MySQL's \N is NULL, also glued to the keyword after it ("\Nunion").
        t.word = Word::kLiteral;
        return finish(TokenType::kWord, 2);
      }
      return finish(TokenType::kOther, 1);
    case '-':
      // -> and ->> read JSON members (MySQL, PostgreSQL, SQLite).
      if (n == '>') {
        return finish(TokenType::kOperator,
                      pos_ + 2 < text_.size() && text_[pos_ + 2] == '>' ? 3 : 2);
      }
      return finish(TokenType::kOperator, 1);
    case '+':
    case '*':
    case '/':
    case '%':
    case '^':
    case '~':
      return finish(TokenType::kOperator, 1);
    default:
      return finish(TokenType::kOther, 1);
  }
}

}  // namespace fnguard::detect::sql
