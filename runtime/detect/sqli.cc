// SQL injection: the value is lexed as SQL as if pasted into a query as is
// (numeric context), inside a single-quoted and inside a double-quoted
// literal, and inside a backtick-quoted identifier (a column or table name
// taken from input, as in ORDER BY `<value>`). Token sequences that only
// make sense as injected SQL are scored: a literal broken out of followed
// by a boolean condition, UNION SELECT, a stacked statement, a truncating
// comment, time/error-based functions called in an SQL position, an
// expression that continues the query after the literal or is cut off by a
// comment, and so on. Fragments that rest on symbols only count when the
// text around them is a plausible field value (not a string of random
// punctuation such as a password).
//
// Tokens stream through a fixed ring buffer and every rule looks at most
// a few tokens back and kWindow (a select list: kAhead) tokens ahead, so the
// work is linear in the value and nothing is allocated.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/sql_lexer.h"
#include "runtime/detect/sqli_internal.h"
#include "runtime/detect/word_table.h"

namespace fnguard::detect {
namespace {

using sql::Lexer;
using sql::Token;
using sql::TokenType;
using sql::Word;

constexpr size_t kRing = 64;
// Tokens lexed ahead of the one being evaluated; rules look at most kWindow
// tokens ahead, except the SELECT ... FROM scan, which reads a whole select
// list.
constexpr size_t kAhead = 48;
constexpr size_t kWindow = 24;
static_assert(kAhead + 8 <= kRing);
constexpr int kDefaultThreshold = sqli_internal::kLowestThreshold;

struct Finding {
  std::string_view rule_id;
  std::string_view reason;
  int score = 0;
  size_t offset = 0;
  size_t length = 0;
};

// A comment's text ("--@mail.example.org", "#@example.com") that is only
// the '@' and domain of an e-mail address.
bool IsEmailDomainTail(std::string_view comment) {
  size_t i = 0;
  while (i < comment.size() && (comment[i] == '-' || comment[i] == '#')) ++i;
  if (i >= comment.size() || comment[i] != '@' || comment.size() - i > 256) return false;
  bool dot = false;
  for (size_t k = i + 1; k < comment.size(); ++k) {
    const char c = comment[k];
    if (c == '.' && k > i + 1 && k + 1 < comment.size()) {
      dot = true;
    } else if (!scan::IsAlnum(c) && c != '-') {
      return false;
    }
  }
  return dot;
}

// A lexed token with whether a comment directly follows it.
struct Slot {
  Token tok;
  bool comment_after = false;
  char comment_kind = 0;
  bool comment_has_text = false;  // the comment holds letters or digits
};

bool IsLogic(const Token& t) {
  return t.type == TokenType::kLogicOp || (t.type == TokenType::kWord && t.word == Word::kLogic);
}
// The system variables that tell the server's version, host and files
// ("@@version", "@@datadir"; SQL Server, MySQL, MariaDB).
bool IsServerIdentityVariable(std::string_view text) {
  static constexpr std::string_view kNames[] = {"@@version",
                                                "@@version_comment",
                                                "@@version_compile_os",
                                                "@@version_compile_machine",
                                                "@@datadir",
                                                "@@basedir",
                                                "@@hostname",
                                                "@@servername",
                                                "@@servicename",
                                                "@@spid",
                                                "@@tmpdir",
                                                "@@plugin_dir",
                                                "@@secure_file_priv",
                                                "@@innodb_version",
                                                "@@log_error",
                                                "@@general_log_file"};
  return scan::IEqualsAny(text, kNames);
}
bool IsPlainWordToken(const Token& t) {
  return t.type == TokenType::kWord && t.word == Word::kNone;
}
bool IsLiteral(const Token& t) {
  return t.type == TokenType::kNumber || t.type == TokenType::kString ||
         (t.type == TokenType::kWord && t.word == Word::kLiteral);
}

class Analysis {
 public:
  Analysis(std::string_view text, char context_quote)
      : text_(text), context_quote_(context_quote) {}

  // Runs the lexer and every rule; returns the best finding.
  Finding Run() {
    Lexer lexer(text_, context_quote_);
    size_t evaluated = 0;
    for (;;) {
      // Lexed straight into the ring (a comment's slot is reused by the next
      // token; the slot it takes held a token already out of the window).
      // Each slot is constructed on its first use only.
      const size_t at = count_ % kRing;
      if (at >= built_) {
        new (&ring_[at].slot) Slot{};
        built_ = at + 1;
      }
      Slot& slot = ring_[at].slot;
      slot.comment_after = false;
      slot.comment_kind = 0;
      slot.comment_has_text = false;
      const Token& t = slot.tok;
      lexer.Next(&slot.tok);
      if (t.type == TokenType::kEnd) break;
      if (t.type == TokenType::kComment) {
        saw_comment_ = true;
        if (count_ > 0) {
          Slot& prev = ring_[(count_ - 1) % kRing].slot;
          prev.comment_after = true;
          prev.comment_kind = t.quote;
          prev.comment_has_text = false;
          const std::string_view body = text_.substr(t.offset, t.length);
          for (char c : body) {
            if (scan::IsAlnum(c)) {
              prev.comment_has_text = true;
              break;
            }
          }
          // "admin'--@example.com": what follows the comment mark is the rest
          // of the e-mail address the injection was typed into, no text.
          if (prev.comment_has_text && t.quote != '/' && IsEmailDomainTail(body)) {
            prev.comment_has_text = false;
          }
          if (prev.comment_has_text && MentionsSpPassword(body)) sp_password_comment_ = true;
        }
        continue;
      }
      ++count_;
      if (count_ == 1 && context_quote_ != 0 && !(t.from_context && t.closed)) {
        return best_;  // the value never leaves the literal: nothing to inject
      }
      while (evaluated + kAhead < count_) Evaluate(evaluated++);
      if (best_.score >= 90) return best_;
    }
    while (evaluated < count_) Evaluate(evaluated++);
    return best_;
  }

 private:
  // Whether `t` is the name `lowered`, bare or quoted with backticks.
  bool NameIs(const Token& t, std::string_view lowered) const {
    if (t.Is(lowered)) return true;
    return t.type == TokenType::kWord && t.length == lowered.size() + 2 &&
           text_[t.offset] == '`' && text_[t.offset + t.length - 1] == '`' &&
           scan::IEquals(text_.substr(t.offset + 1, lowered.size()), lowered);
  }
  // SQL Server leaves a statement out of its trace log when a comment in it
  // names sp_password.
  static bool MentionsSpPassword(std::string_view body) {
    return scan::IFind(body, "sp_password") != std::string_view::npos;
  }

  const Slot& At(size_t i) const {
    static const Slot kEndSlot{};
    if (i >= count_ || i + kRing <= count_) return kEndSlot;
    return ring_[i % kRing].slot;
  }
  const Token& Tok(size_t i) const { return At(i).tok; }
  std::string_view Text(const Token& t) const { return text_.substr(t.offset, t.length); }
  // Whether the value is a JSON document read for a double-quoted context:
  // it opens with '{' or '[' (and more of them) then '"', and closes with
  // '}' or ']'. Its first quote opens a key, not a breakout ("{\"and\":
  // [{\">=\": …" is a JsonLogic rule); the strings inside are walked as
  // fields of their own.
  bool JsonDocumentValue() const {
    if (context_quote_ != '"') return false;
    size_t i = 0;
    while (i < text_.size() && scan::IsSpace(text_[i])) ++i;
    if (i >= text_.size() || (text_[i] != '{' && text_[i] != '[')) return false;
    while (i < text_.size() && (text_[i] == '{' || text_[i] == '[' || scan::IsSpace(text_[i]))) ++i;
    if (i >= text_.size() || text_[i] != '"') return false;
    size_t e = text_.size();
    while (e > 0 && scan::IsSpace(text_[e - 1])) --e;
    return e > i && (text_[e - 1] == '}' || text_[e - 1] == ']');
  }
  bool IsOperator(const Token& t, std::string_view op) const {
    return t.type == TokenType::kOperator && Text(t) == op;
  }
  // True when nothing but closing parentheses remain (or a comment follows).
  bool EndsAt(size_t i) const {
    while (Tok(i).type == TokenType::kRParen) ++i;
    return Tok(i).type == TokenType::kEnd || Tok(i).type == TokenType::kSemicolon;
  }

  void Report(std::string_view rule, std::string_view reason, int score, size_t from, size_t to) {
    if (score <= best_.score) return;
    const Token& a = Tok(from);
    size_t end = text_.size();
    if (to > from && Tok(to - 1).type != TokenType::kEnd) {
      end = Tok(to - 1).offset + Tok(to - 1).length;
    }
    best_ = Finding{rule, reason, score, a.offset, end > a.offset ? end - a.offset : 0};
  }

  // Skips a balanced parenthesized group starting at `i` ('('); returns the
  // index after ')' or the end of the lookahead when unbalanced.
  size_t SkipGroup(size_t i, size_t limit) const {
    int depth = 0;
    for (; i < limit && Tok(i).type != TokenType::kEnd; ++i) {
      if (Tok(i).type == TokenType::kLParen) ++depth;
      if (Tok(i).type == TokenType::kRParen && --depth == 0) return i + 1;
    }
    return i;
  }

  struct Operand {
    size_t next = 0;
    bool ok = false;
    bool literal = false;   // a number, string or null/true/false
    bool call = false;      // a function call or sub-select
    bool subselect = false; // a parenthesized SELECT
    size_t first = 0;       // index of its primary token
  };

  // operand := unary* primary ( ('.' word) | (arith operand) )*
  Operand ParseOperand(size_t i, size_t limit, int depth = 0) const {
    Operand o;
    while (i < limit && (Tok(i).type == TokenType::kLParen ||
                         (Tok(i).type == TokenType::kOperator &&
                          (IsOperator(Tok(i), "-") || IsOperator(Tok(i), "+") ||
                           IsOperator(Tok(i), "!") || IsOperator(Tok(i), "~"))) ||
                         (Tok(i).type == TokenType::kWord && Tok(i).word == Word::kNot))) {
      if (Tok(i).type == TokenType::kLParen && Tok(i + 1).word == Word::kSelect) {
        o.ok = true;
        o.call = true;
        o.subselect = true;
        o.first = i;
        o.next = SkipGroup(i, limit);
        return o;
      }
      ++i;
    }
    if (i >= limit) return o;
    const Token& t = Tok(i);
    o.first = i;
    switch (t.type) {
      case TokenType::kNumber:
        o.literal = true;
        o.next = i + 1;
        break;
      case TokenType::kString:
        o.literal = true;
        o.next = i + 1;
        // MySQL joins adjacent string literals: 'adm' 'in' is 'admin'.
        while (o.next < limit && Tok(o.next).type == TokenType::kString && Tok(o.next).closed &&
               Tok(o.next - 1).closed) {
          ++o.next;
        }
        break;
      case TokenType::kVariable:
        o.next = i + 1;
        break;
      case TokenType::kWord:
        if (t.word == Word::kLiteral) {
          o.literal = true;
          o.next = i + 1;
        } else if (Tok(i + 1).type == TokenType::kLParen && t.word != Word::kLogic &&
                   t.word != Word::kNot) {
          o.call = true;
          o.next = SkipGroup(i + 1, limit);
        } else if (t.word == Word::kNone) {
          o.next = i + 1;
        } else {
          return o;
        }
        break;
      default:
        return o;
    }
    o.ok = true;
    // Qualified names and arithmetic.
    while (o.next < limit) {
      const Token& n = Tok(o.next);
      if (n.type == TokenType::kRParen) {
        ++o.next;
        continue;
      }
      if (n.type == TokenType::kDot && Tok(o.next + 1).type == TokenType::kWord) {
        o.next += 2;
        if (Tok(o.next).type == TokenType::kLParen) {
          o.call = true;
          o.next = SkipGroup(o.next, limit);
        }
        continue;
      }
      // (JSON containment compares two operands: see ParseComparison().)
      if (n.type == TokenType::kOperator && depth < 4 && !IsOperator(n, "@>") &&
          !IsOperator(n, "<@")) {
        Operand rhs = ParseOperand(o.next + 1, limit, depth + 1);
        if (!rhs.ok) break;
        o.literal = o.literal && rhs.literal;
        o.call = o.call || rhs.call;
        o.subselect = o.subselect || rhs.subselect;
        o.next = rhs.next;
        continue;
      }
      break;
    }
    return o;
  }

  // A comparison operator at `i`; returns the index after it, or 0.
  size_t ParseComparison(size_t i) const {
    const Token& t = Tok(i);
    if (t.type == TokenType::kComparison) return i + 1;
    // PostgreSQL's JSON containment ("@>", "<@") and key tests ("?", "?|",
    // "?&" after a ::json or ::jsonb cast) are truths about two values.
    if (t.type == TokenType::kOperator && (IsOperator(t, "@>") || IsOperator(t, "<@"))) {
      return i + 1;
    }
    if (t.type == TokenType::kOther && *t.begin == '?' && i >= 2 &&
        (Tok(i - 1).Is("jsonb") || Tok(i - 1).Is("json")) && IsOperator(Tok(i - 2), "::")) {
      return Tok(i + 1).type == TokenType::kOperator &&
                     (IsOperator(Tok(i + 1), "|") || IsOperator(Tok(i + 1), "&"))
                 ? i + 2
                 : i + 1;
    }
    if (t.type != TokenType::kWord) return 0;
    if (t.word == Word::kNot && Tok(i + 1).word == Word::kCompareWord) return i + 2;
    if (t.word != Word::kCompareWord) return 0;
    if (t.Is("is") && Tok(i + 1).word == Word::kNot) return i + 2;
    if (t.Is("sounds") && Tok(i + 1).Is("like")) return i + 2;
    return i + 1;
  }

  // Constants joined by operators, comparisons and parentheses (at least
  // one of them) from `i` to the end of the value or to a comment: "2-1",
  // "1=", "(1*1)", "'1'^'2' --". `*end` is set past them.
  bool ConstantsToEnd(size_t i, size_t* end) const {
    const size_t limit = i + kWindow - 2;
    bool constant = false, joined = false;
    size_t k = i;
    while (k < limit) {
      const Token& t = Tok(k);
      if (t.type == TokenType::kNumber || t.type == TokenType::kString ||
          (t.type == TokenType::kWord && t.word == Word::kLiteral)) {
        constant = true;
      } else if (t.type == TokenType::kOperator || t.type == TokenType::kComparison ||
                 t.type == TokenType::kLParen || t.type == TokenType::kRParen) {
        joined = true;
      } else {
        break;
      }
      if (At(k++).comment_after) break;
    }
    *end = k;
    return constant && joined && k > i && (EndsAt(k) || At(k - 1).comment_after);
  }

  enum class Condition {
    kNone,
    kBare,           // "or x" then the end
    kBareCall,       // "or f(..)" then the end
    kBareClause,     // "or x" then GROUP BY / ORDER BY / UNION ...
    kBareCommented,  // "or x" then a comment
    kCompare,        // "or x = y"
    kLiteralCompare, // "or 1 = 1", "or f(1) = 2", "or x = x"
    kCall,           // "or (select ..)", "or exists(select ..)", "or sleep(..)"
  };

  // A boolean condition starting at `i` (right after AND/OR).
  Condition ParseCondition(size_t i, size_t* end) const {
    size_t limit = i + kWindow - 2;
    while (Tok(i).word == Word::kNot || IsOperator(Tok(i), "!")) ++i;
    if (Tok(i).Is("exists") && Tok(i + 1).type == TokenType::kLParen &&
        Tok(i + 2).word == Word::kSelect) {
      *end = SkipGroup(i + 1, limit);
      return Condition::kCall;
    }
    if (Tok(i).word == Word::kSelect && SelectShape(i + 1)) {
      *end = i + 2;
      return Condition::kCall;
    }
    Operand lhs = ParseOperand(i, limit);
    if (!lhs.ok) return Condition::kNone;
    size_t after = ParseComparison(lhs.next);
    if (after != 0) {
      Operand rhs = ParseOperand(after, limit);
      if (rhs.ok) {
        *end = rhs.next;
        bool same = Tok(lhs.first).type == Tok(rhs.first).type &&
                    Text(Tok(lhs.first)) == Text(Tok(rhs.first)) && lhs.next == lhs.first + 1;
        if (((lhs.literal || lhs.call) && (rhs.literal || rhs.call)) || same) {
          return Condition::kLiteralCompare;
        }
        if (lhs.subselect || rhs.subselect) return Condition::kCall;
        return Condition::kCompare;
      }
      // "x' or 'a'='" style: the comparison's right side is the query's own quote.
      if (Tok(after).type == TokenType::kEnd) {
        *end = after;
        return Condition::kCompare;
      }
      return Condition::kNone;
    }
    *end = lhs.next;
    if (lhs.call && (Tok(lhs.first).word >= Word::kTimeFunction ||
                     Tok(lhs.first).type == TokenType::kLParen)) {
      return Condition::kCall;
    }
    const Slot& last = At(lhs.next - 1);
    if (last.comment_after) return Condition::kBareCommented;
    const Token& n = Tok(lhs.next);
    if (n.Is("group") || n.Is("order") || n.Is("having") || n.Is("limit") ||
        n.Is("procedure") || n.Is("into") || n.word == Word::kUnion) {
      return Condition::kBareClause;
    }
    if (EndsAt(lhs.next) || IsLogic(n)) {
      return lhs.call ? Condition::kBareCall : Condition::kBare;
    }
    return Condition::kNone;
  }

  // What may follow SELECT in a real query.
  bool SelectShape(size_t i) const {
    const Token& t = Tok(i);
    switch (t.type) {
      case TokenType::kNumber:
      case TokenType::kString:
      case TokenType::kVariable:
      case TokenType::kLParen:
        return true;
      case TokenType::kOperator:
        return IsOperator(t, "*") || IsOperator(t, "-");
      case TokenType::kWord: {
        if (t.word == Word::kLiteral || t.word == Word::kClause) return true;
        if (t.word >= Word::kTimeFunction) return true;
        const Token& n = Tok(i + 1);
        if (n.type == TokenType::kLParen || n.type == TokenType::kComma ||
            n.type == TokenType::kDot || n.type == TokenType::kEnd ||
            n.type == TokenType::kSemicolon || n.type == TokenType::kRParen) {
          return true;
        }
        // A computed column: "select name||':'||pass", "select price*2".
        if (n.type == TokenType::kLogicOp || n.type == TokenType::kOperator) {
          Expr e = ParseExpr(i, i + kWindow - 2);
          if (e.ok && e.next > i + 2) return true;
        }
        if (At(i).comment_after) return true;
        // An alias in backticks: "select table_name `t`".
        if (n.type == TokenType::kWord && n.length > 0 && Text(n)[0] == '`') return true;
        return n.Is("from") || n.Is("into") || n.Is("as");
      }
      default:
        return false;
    }
  }

  // Whether tokens [i, end) hold a literal, variable, call or '*'.
  bool SelectListHasValue(size_t i, size_t end) const {
    for (; i < end; ++i) {
      const Token& t = Tok(i);
      if (IsLiteral(t) || t.type == TokenType::kVariable || t.type == TokenType::kLParen ||
          IsOperator(t, "*")) {
        return true;
      }
    }
    return false;
  }

  // A select-list item that prose does not produce: a call, a variable, '*'.
  bool SqlOnlyItem(size_t i) const {
    const Token& t = Tok(i);
    if (t.type == TokenType::kVariable || IsOperator(t, "*")) return true;
    // Functions SQL calls without parentheses.
    if (t.Is("current_user") || t.Is("session_user") || t.Is("system_user")) return true;
    return t.type == TokenType::kWord && t.word != Word::kLogic &&
           Tok(i + 1).type == TokenType::kLParen;
  }

  // True when the token before `i` puts a function call in an SQL position.
  bool SqlPosition(size_t i) const {
    if (i == 0) return true;
    const Token& p = Tok(i - 1);
    switch (p.type) {
      case TokenType::kWord:
        return p.word != Word::kNone;
      case TokenType::kDot:
        return false;
      case TokenType::kOther:
        return false;
      default:
        return true;
    }
  }

  // A bounded expression parser for fragments that carry no keyword of their
  // own ("( 1 OR @a ) --", "x' ^ 0 + 1 = '0"):
  //   expr    := operand (binop operand)*
  //   operand := unary* primary
  //   primary := literal | variable | name ['.' name] | name '(' [expr (',' expr)*] ')'
  //            | '(' expr ')' | '(' SELECT ... ')'
  // It visits each token once and recursion is capped, so a call costs at most
  // `limit - i` token reads.
  struct Expr {
    bool ok = false;
    size_t next = 0;
    int binops = 0;
    bool keyword_op = false;  // AND/OR/XOR, LIKE/REGEXP/IS/IN, DIV/MOD, && ||
    bool comparison = false;  // = < > <> ... or a comparison word
    bool literal = false;     // a number, string, variable or NULL operand
    bool call = false;        // a function call or sub-select
    bool parens = false;      // a parenthesized group
    bool ident = false;       // a bare name (a column, or just a word)
  };

  // A binary operator at `i`: the index after it, or 0.
  size_t ParseBinop(size_t i, Expr* e) const {
    const Token& t = Tok(i);
    switch (t.type) {
      case TokenType::kOperator:
        if (Text(t) == ":=" || Text(t) == "!" || Text(t) == "~") return 0;
        return i + 1;
      case TokenType::kLogicOp:
        e->keyword_op = true;
        return i + 1;
      case TokenType::kComparison:
        e->comparison = true;
        return i + 1;
      case TokenType::kWord: {
        if (t.word == Word::kLogic || t.word == Word::kOperatorWord) {
          e->keyword_op = true;
          return i + 1;
        }
        size_t after = ParseComparison(i);
        if (after != 0) {
          e->keyword_op = true;
          e->comparison = true;
        }
        return after;
      }
      default:
        return 0;
    }
  }

  bool IsUnary(size_t i) const {
    const Token& t = Tok(i);
    if (t.type == TokenType::kOperator) {
      return IsOperator(t, "-") || IsOperator(t, "+") || IsOperator(t, "!") ||
             IsOperator(t, "~");
    }
    return t.word == Word::kNot || t.Is("binary");
  }

  // One operand at `i`; returns the index after it, or 0.
  size_t ParsePrimary(size_t i, size_t limit, int depth, Expr* e) const {
    while (i < limit && IsUnary(i)) ++i;
    if (i >= limit || depth > 6) return 0;
    const Token& t = Tok(i);
    switch (t.type) {
      case TokenType::kNumber:
      case TokenType::kString:
      case TokenType::kVariable:
        e->literal = true;
        return i + 1;
      case TokenType::kLParen: {
        e->parens = true;
        if (Tok(i + 1).word == Word::kSelect) {
          e->call = true;
          size_t end = SkipGroup(i, limit);
          return Tok(end - 1).type == TokenType::kRParen ? end : 0;
        }
        size_t n = ParseExprAt(i + 1, limit, depth + 1, e);
        if (n == 0 || Tok(n).type != TokenType::kRParen) return 0;
        return n + 1;
      }
      case TokenType::kWord: {
        if (t.word == Word::kLiteral) {
          e->literal = true;
          return i + 1;
        }
        if (t.word != Word::kNone && t.word < Word::kTimeFunction) return 0;
        size_t n = i + 1;
        // schema.name, or schema.package.function (Oracle's CTXSYS.DRITHSX.SN).
        for (int part = 0;
             part < 2 && Tok(n).type == TokenType::kDot && Tok(n + 1).type == TokenType::kWord;
             ++part) {
          n += 2;
        }
        if (Tok(n).type != TokenType::kLParen) {
          if (t.word != Word::kNone) return 0;
          e->ident = true;
          return n;
        }
        e->call = true;
        ++n;
        if (Tok(n).type == TokenType::kRParen) return n + 1;
        for (;;) {
          n = ParseExprAt(n, limit, depth + 1, e);
          if (n == 0) return 0;
          if (Tok(n).type == TokenType::kRParen) return n + 1;
          if (Tok(n).type != TokenType::kComma) return 0;
          ++n;
        }
      }
      default:
        return 0;
    }
  }

  size_t ParseExprAt(size_t i, size_t limit, int depth, Expr* e) const {
    size_t n = ParsePrimary(i, limit, depth, e);
    while (n != 0 && n < limit) {
      size_t op = ParseBinop(n, e);
      if (op == 0) break;
      ++e->binops;
      n = ParsePrimary(op, limit, depth, e);
    }
    return n;
  }

  Expr ParseExpr(size_t i, size_t limit) const {
    Expr e;
    size_t n = ParseExprAt(i, limit, 0, &e);
    e.ok = n != 0;
    e.next = n;
    return e;
  }

  // The binary operators and operands after the literal a quoted context
  // closed: "' - 1 = '0", "x' DIV 2 LIKE '1". Starts at a binop.
  Expr ParseTail(size_t i, size_t limit) const {
    Expr e;
    size_t n = i;
    while (n != 0 && n < limit) {
      size_t op = ParseBinop(n, &e);
      if (op == 0) break;
      ++e.binops;
      n = ParsePrimary(op, limit, 0, &e);
    }
    e.ok = n != 0 && e.binops > 0;
    e.next = n;
    return e;
  }

  // '(' minus ')' among tokens [i, end).
  int OpenParens(size_t i, size_t end) const {
    int open = 0;
    for (; i < end; ++i) {
      if (Tok(i).type == TokenType::kLParen) ++open;
      if (Tok(i).type == TokenType::kRParen) --open;
    }
    return open;
  }

  // A column name, bare or in closed backticks.
  static bool PlausibleName(std::string_view s) {
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
    return PlausibleText(s);
  }

  // Text an application plausibly put on either side of the injected part:
  // empty, a word, a number, a name. A string of random punctuation (a
  // generated password) is not the value an injection closes.
  static bool PlausibleByte(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return scan::IsAlnum(ch) || scan::IsSpace(ch) || c == '_' || c == '.' || c == '@' ||
           c == '-' || c == '%' || c == ',' || c >= 0x80;
  }
  // A comment of plausible text ("/**/", "/* note */") stands where a
  // space would: the attacker's spaces written as comments.
  static size_t PlausibleCommentLength(std::string_view s, size_t i) {
    if (s.compare(i, 2, "/*") != 0) return 0;
    const size_t close = scan::Find(s, "*/", i + 2);
    if (close == std::string_view::npos) return 0;
    for (size_t k = i + 2; k < close; ++k) {
      if (!PlausibleByte(s[k])) return 0;
    }
    return close + 2 - i;
  }
  static bool PlausibleText(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (PlausibleByte(s[i])) continue;
      const size_t comment = PlausibleCommentLength(s, i);
      if (comment == 0) return false;
      i += comment - 1;
    }
    return true;
  }

  // The part of the value inside the literal the query opened. A quote
  // escaped with a backslash stays inside it ("x\''or'y": MySQL reads
  // 'x\'' as the literal x', and an application that escapes a quote
  // but not the backslash turns "\'" into "\\'", which closes it).
  static bool PlausibleHead(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\'' || s[i + 1] == '"')) {
        ++i;
        continue;
      }
      if (PlausibleByte(s[i])) continue;
      const size_t comment = PlausibleCommentLength(s, i);
      if (comment == 0) return false;
      i += comment - 1;
    }
    return true;
  }

  void CheckBreakout(size_t a) {
    // Where the injected part starts: after the literal the query opened, after
    // a leading number (numeric context), or at the start.
    const Token& first = Tok(0);
    bool from_context = first.type == TokenType::kString && first.from_context;
    size_t p = 0;
    bool numeric = false;
    if (from_context) {
      p = 1;
    } else {
      size_t q = 0;
      while (IsOperator(Tok(q), "-") || IsOperator(Tok(q), "+")) ++q;
      if (Tok(q).type == TokenType::kNumber) {
        p = q + 1;
        numeric = true;
      }
    }
    // MySQL full-text search: "... AGAINST ('<value>' IN BOOLEAN MODE)".
    if (from_context && Tok(p).Is("in") && Tok(p + 1).Is("boolean") && Tok(p + 2).Is("mode")) {
      p += 3;
    }
    size_t parens = 0;
    while (Tok(p).type == TokenType::kRParen) {
      ++p;
      ++parens;
    }
    const bool broke_out = from_context || numeric;
    const Slot& before = At(p - 1);
    // ") AS alias FROM", "1234 AS \"total\" FROM t": the value closes a column
    // expression, names it and goes on to FROM, rewriting the tail of a
    // select (prose does not start with ')'; after a bare number the alias
    // must be quoted: "12 as gifts from home" is prose).
    if ((from_context || parens > 0 || numeric) && Tok(p).Is("as") &&
        (Tok(p + 1).type == TokenType::kString ||
         (IsPlainWordToken(Tok(p + 1)) && (from_context || parens > 0))) &&
        Tok(p + 2).Is("from") &&
        (Tok(p + 3).type == TokenType::kEnd || IsPlainWordToken(Tok(p + 3)))) {
      Report("sqli.union", "a value closes a column expression and names it before FROM", 66, 0,
             p + 3);
    }
    // "x'),('admin','pw')-- ": the value closes a row of an INSERT's VALUES
    // and adds rows of its own, each a list of constants, up to a comment,
    // ';' or the end.
    if (from_context && parens == 1 && Tok(p).type == TokenType::kComma &&
        Tok(p + 1).type == TokenType::kLParen) {
      size_t k = p + 1;
      const size_t limit = p + kWindow - 2;
      bool rows = false;
      while (k < limit && Tok(k).type == TokenType::kLParen) {
        size_t items = 0;
        ++k;
        while (k + 1 < limit && IsLiteral(Tok(k)) &&
               (Tok(k + 1).type == TokenType::kComma || Tok(k + 1).type == TokenType::kRParen)) {
          ++items;
          k += 2;
          if (Tok(k - 1).type == TokenType::kRParen) break;
        }
        if (items < 2 || Tok(k - 1).type != TokenType::kRParen) {
          rows = false;
          break;
        }
        rows = true;
        if (At(k - 1).comment_after || Tok(k).type != TokenType::kComma) break;
        ++k;
      }
      if (rows && (At(k - 1).comment_after || Tok(k).type == TokenType::kEnd ||
                   Tok(k).type == TokenType::kSemicolon)) {
        Report("sqli.stacked", "a value closes a row of VALUES and adds rows of its own", 72, 0,
               k);
      }
    }
    if (broke_out && Tok(p).Is("as") && IsPlainWordToken(Tok(p + 1))) p += 2;
    const size_t after_literal = p;
    if (broke_out && sp_password_comment_) {
      Report("sqli.comment_truncation",
             "a comment names sp_password to keep the injected query out of the server log", 72,
             0, p);
    }
    if (broke_out && Tok(p).type == TokenType::kOperator) {
      // "1'+'2' and ...", "1+pi() and ...", "1/2 union": an expression
      // continues the value.
      const bool unary = IsUnary(p);
      Operand o = ParseOperand(unary ? p : p + 1, p + kWindow - 2);
      if (o.ok && o.next > p + 1 && (IsLogic(Tok(o.next)) || Tok(o.next).word == Word::kUnion)) {
        p = o.next;
      }
    }
    const Token& t = Tok(p);
    const bool empty_context = from_context && first.length <= 1;

    if (p > 0 && before.comment_after && !before.comment_has_text && from_context &&
        t.type == TokenType::kEnd) {
      std::string_view content = Text(first);
      bool wordlike = !content.empty();
      for (size_t k = 0; k + 1 < content.size(); ++k) {
        char c = content[k];
        if (!(scan::IsAlnum(c) || c == '_' || c == '@' || c == '.' ||
              c == '-' || scan::IsSpace(c))) {
          wordlike = false;
        }
      }
      int score = wordlike ? 62 : 50;
      if (parens > 0) score += 10;
      if (before.comment_kind == '#' || before.comment_kind == '-') score += 3;
      Report("sqli.comment_truncation",
             "a quoted value is closed and the rest of the query is commented out", score, 0, p);
    }
    if (IsLogic(t)) {
      size_t end = p + 1;
      Condition c = ParseCondition(p + 1, &end);
      int score = 0;
      switch (c) {
        case Condition::kCompare: score = broke_out ? 80 : 62; break;
        case Condition::kLiteralCompare: score = 85; break;
        case Condition::kCall: score = 80; break;
        case Condition::kBareCommented: score = broke_out ? 75 : 62; break;
        case Condition::kBare: score = empty_context ? 65 : (from_context ? 58 : 40); break;
        case Condition::kBareCall: score = broke_out ? 70 : 50; break;
        case Condition::kBareClause: score = broke_out ? 72 : 55; break;
        case Condition::kNone: break;
      }
      // A quoted name right after the comparison ("Is `OR 1=1` style ...":
      // a Markdown code span read in a backtick context, the name being the
      // rest of the value) is a syntax error: the query runs nothing.
      const bool name_follows =
          (c == Condition::kCompare || c == Condition::kLiteralCompare) && QuotedNameAt(end);
      if (score > 0 && !(from_context && JsonDocumentValue()) && !name_follows) {
        Report("sqli.tautology",
               "a value breaks out of its SQL context and adds a boolean condition", score,
               p, end);
      }
    }
    // A whole value that is an expression ended by a comment: "( 1 OR @a ) --",
    // "1 * 1 /*", "@@version#". The comment is there to cut the query off.
    // (Both rules below need a comment or a comparison right after a number.)
    if (!from_context && (saw_comment_ || Tok(1).type == TokenType::kComparison)) {
      const Token& t0 = Tok(0);
      const bool sqlish_start =
          t0.type == TokenType::kNumber || t0.type == TokenType::kVariable ||
          t0.type == TokenType::kLParen ||
          ((t0.type == TokenType::kOperator || t0.type == TokenType::kWord) && IsUnary(0));
      Expr e = sqlish_start ? ParseExpr(0, kWindow - 2) : Expr{};
      // "1=1 AND ...": the whole value is a condition that opens with a tautology.
      if (e.ok && Tok(e.next).type == TokenType::kEnd && e.keyword_op &&
          Tok(0).type == TokenType::kNumber && Tok(1).type == TokenType::kComparison &&
          Tok(2).type == TokenType::kNumber && IsLogic(Tok(3))) {
        Report("sqli.tautology", "a value is a boolean expression that starts with a tautology",
               66, 0, e.next);
      }
      // Bare names only inside a group or call: "1611-ab3Xz--" is a code.
      if (e.ok && Tok(e.next).type == TokenType::kEnd && At(e.next - 1).comment_after &&
          !At(e.next - 1).comment_has_text && (e.literal || e.call) &&
          (!e.ident || e.parens || e.call)) {
        int score = (e.binops > 0 || e.parens || e.call) ? 64 : 60;
        Report("sqli.comment_truncation",
               "an SQL expression is followed by a comment that cuts the query off", score, 0,
               e.next);
      }
    }
    // A whole value that is a number joined to a constant truth, which a
    // numeric context ("WHERE id=" + value) reads as always true: "1 or
    // true", "1 OR 1", "1 && 1", "7 xor 7". Prose joins different numbers
    // ("1 or 2 servings"), not the same number twice or a number and TRUE.
    // The number may close parentheses the query opened that the constant
    // reopens as many times: "1)) or ((1".
    size_t closes = 0;
    while (closes < 4 && Tok(1 + closes).type == TokenType::kRParen) ++closes;
    const size_t op = 1 + closes;
    size_t opens = 0;
    while (opens < 4 && Tok(op + 1 + opens).type == TokenType::kLParen) ++opens;
    if (!from_context && Tok(0).type == TokenType::kNumber && opens == closes &&
        IsLogic(Tok(op)) && !Tok(op).Is("and") &&
        Tok(op + 2 + opens).type == TokenType::kEnd) {
      const Token& lhs = Tok(op - 1);
      const Token& rhs = Tok(op + 1 + opens);
      const bool truth =
          rhs.Is("true") || (rhs.type == TokenType::kNumber && Text(rhs) == Text(Tok(0)));
      // "5&&5" without blanks is as likely a password or a code.
      const Token& rhs_lead = Tok(op + 1);
      const bool spaced = Tok(op).offset > lhs.offset + lhs.length &&
                          rhs_lead.offset > Tok(op).offset + Tok(op).length;
      if (truth && spaced && Text(Tok(0)) != "0") {
        Report("sqli.tautology", "a number is joined by OR to a constant that is always true", 64,
               0, op + 2 + opens);
      }
    }
    // A whole value that is a select list naming its own table, cut off by a
    // comment: "email FROM users--", "name,password FROM app.accounts#". A
    // column parameter pasted into "SELECT <value> FROM ..." reads another
    // table and drops the rest of the query.
    if (!from_context && saw_comment_) {
      const auto plain_name = [this](size_t k) {
        return Tok(k).type == TokenType::kWord && Tok(k).word == Word::kNone;
      };
      size_t k = 0;
      bool names = false;
      while (k < 16 && (plain_name(k) || (Tok(k).type == TokenType::kOperator &&
                                          Text(Tok(k)) == "*"))) {
        names = true;
        ++k;
        if (Tok(k).type != TokenType::kComma) break;
        ++k;
      }
      if (names && Tok(k).Is("from") && plain_name(k + 1)) {
        size_t e = k + 2;
        if (Tok(e).type == TokenType::kDot && plain_name(e + 1)) e += 2;
        if (Tok(e).type == TokenType::kEnd && At(e - 1).comment_after &&
            !At(e - 1).comment_has_text) {
          Report("sqli.comment_truncation",
                 "a select list names its own table and a comment cuts the query off", 66, 0, e);
        }
      }
    }
    // The literal the query opened is closed, operators follow, and either a
    // new literal is opened for the query's own closing quote or a comment
    // cuts the query off: "x' DIV 2 = '0", "' - ( COS ( 'b')) --".
    if (from_context && after_literal == 1) {
      const size_t q = after_literal;
      Expr e = ParseTail(q, q + kWindow - 2);
      if (e.ok && Tok(e.next).type == TokenType::kEnd) {
        const Token& last = Tok(e.next - 1);
        const bool reopened = last.type == TokenType::kString && !last.closed &&
                              !last.from_context && last.quote == context_quote_;
        // Arithmetic alone needs an empty comment: "a' -b -c --more words"
        // is a list of search terms.
        // Bare names before a comment need SQL around them: "a' -b +c #x"
        // is random text, "a' - COS(b) --" is not.
        const Slot& end_slot = At(e.next - 1);
        const bool commented =
            end_slot.comment_after &&
            (e.call || e.parens || e.keyword_op ||
             (!e.ident && (!end_slot.comment_has_text || e.comparison)));
        std::string_view head = Text(first).substr(0, first.length - 1);
        std::string_view tail = reopened ? Text(last).substr(1) : std::string_view();
        // A word or symbol quoted in prose ("the 'or' operator", "a '-' b"):
        // one operator hugged by the two quotes, with text around them.
        const bool hugged = reopened && e.next == q + 2 &&
                            Tok(q).offset == first.offset + first.length &&
                            last.offset == Tok(q).offset + Tok(q).length;
        const bool quoted_word = hugged && ((!head.empty() && scan::IsSpace(head.back())) ||
                                            (!tail.empty() && scan::IsSpace(tail.front())));
        if ((reopened || commented) && !quoted_word && PlausibleHead(head) &&
            PlausibleText(tail)) {
          int score = (e.keyword_op || e.comparison || e.call) ? 66 : 62;
          Report("sqli.tautology",
                 "a quoted value is closed and an SQL expression continues the query", score, q,
                 e.next);
        }
      }
    }
    if (!broke_out) {
      if (p == 0 && t.Is("order") && Tok(1).Is("by") && Tok(2).type == TokenType::kNumber &&
          (At(2).comment_after || EndsAt(3))) {
        Report("sqli.order_by", "an ORDER BY column probe", 62, 0, 3);
      }
      // "limit 3,1 --": a LIMIT clause that pages through rows one at a time.
      if (p == 0 && t.Is("limit") && Tok(1).type == TokenType::kNumber &&
          Tok(2).type == TokenType::kComma && Tok(3).type == TokenType::kNumber &&
          (At(3).comment_after || EndsAt(4))) {
        Report("sqli.order_by", "a LIMIT offset,count probe", 62, 0, 4);
      }
      // "HAVING 2-1", "having 1=": the whole value is a HAVING condition on
      // constants, probing a query that groups rows ("having 1/2 cup of
      // sugar" goes on past its constants).
      if (p == 0 && t.Is("having")) {
        size_t end = 1;
        if (ConstantsToEnd(1, &end)) {
          Report("sqli.tautology", "a value is a HAVING condition on constants", 64, 0, end);
        }
      }
      // "col having (1 or 1)": a sort or group column followed by HAVING.
      if (p == 0 && IsPlainWordToken(t) && Tok(1).Is("having")) {
        Expr e = ParseExpr(2, kWindow - 2);
        if (e.ok && (e.keyword_op || e.comparison) && e.literal && EndsAt(e.next)) {
          Report("sqli.order_by", "a column name followed by a HAVING condition", 64, 0,
                 e.next);
        }
      }
      return;
    }
    // Only when the text before the quote is a plausible value: in a string
    // of random symbols ("k{9#'=x!") the quote and '=' are two more symbols.
    if (from_context && t.type == TokenType::kComparison &&
        PlausibleHead(Text(first).substr(0, first.length - 1))) {
      Operand o = ParseOperand(p + 1, p + kWindow - 2);
      // A bare name compared must look like a column, and a comment after
      // it must be empty ("'<ab#x{" is random text).
      const bool plain = o.ok && !o.literal && !o.call;
      const bool name_ok = !plain || (Tok(o.first).type != TokenType::kWord ||
                                      PlausibleName(Text(Tok(o.first))));
      const bool comment_ok =
          !plain || !At(o.next - 1).comment_after || !At(o.next - 1).comment_has_text;
      // ... and end the value: "a'>b-c;h\"x" continues with more random text.
      size_t close = o.next;
      while (Tok(close).type == TokenType::kRParen) ++close;
      const bool end_ok = !plain || Tok(close).type != TokenType::kSemicolon ||
                          EndsAt(close + 1) || StatementShape(close + 1);
      // A called group must close: "'>ab*c({x" is not a call.
      const bool balanced = o.ok && OpenParens(p + 1, o.next) <= 0;
      if (o.ok && name_ok && comment_ok && end_ok && balanced &&
          (EndsAt(o.next) || At(o.next - 1).comment_after || IsLogic(Tok(o.next)))) {
        Report("sqli.tautology", "a quoted value is closed and compared to another value",
               o.call ? 75 : 62, p, o.next);
      }
    }
    // "admin', '1'='1": after the closed value, a comma and two constants
    // compared: one more expression smuggled into a VALUES or argument list.
    if (t.type == TokenType::kComma) {
      size_t end = p + 1;
      if (ParseCondition(p + 1, &end) == Condition::kLiteralCompare &&
          (EndsAt(end) || At(end - 1).comment_after)) {
        Report("sqli.tautology",
               "a value breaks out of its SQL context into a list item that is a tautology", 66,
               p, end);
      }
    }
    // "x', is_admin=1, email='a@b.c", "bob', role='admin' WHERE id=1-- -",
    // "5, password='0wned'": the value ends its item of an UPDATE's SET list
    // and assigns more columns. Each assignment is a plausible column name,
    // '=' and a literal or call; the last one ends the value (a string there
    // is closed by the query's own quote), a comment cuts the query off, or
    // WHERE follows. After a bare number one assigned value must be quoted
    // or called ("5, x=2" is arithmetic prose).
    if (t.type == TokenType::kComma &&
        (numeric || (from_context && PlausibleHead(Text(first).substr(0, first.length - 1))))) {
      size_t i = p;
      int assigned = 0;
      bool quoted = false;
      while (Tok(i).type == TokenType::kComma && assigned < 8) {
        const Token& name = Tok(i + 1);
        const Token& eq = Tok(i + 2);
        if (!IsPlainWordToken(name) || !PlausibleName(Text(name)) ||
            eq.type != TokenType::kComparison || Text(eq) != "=") {
          break;
        }
        Operand o = ParseOperand(i + 3, i + 3 + kWindow - 2);
        if (!o.ok || !(o.literal || o.call)) break;
        quoted = quoted || o.call || Tok(o.first).type == TokenType::kString;
        ++assigned;
        i = o.next;
      }
      // A string left open for the query's quote holds one token: "bio='ok,
      // will do" is a quotation.
      const Token& last = Tok(i - 1);
      const bool open_prose = last.type == TokenType::kString && !last.closed &&
                              Text(last).find(' ') != std::string_view::npos;
      if (assigned > 0 && (!numeric || quoted) && !open_prose &&
          Tok(i).type != TokenType::kComma &&
          (EndsAt(i) || At(i - 1).comment_after || Tok(i).Is("where"))) {
        Report("sqli.set_clause", "a value breaks out of its SQL context into more SET assignments",
               70, p, i);
      }
    }
    if (t.type == TokenType::kWord && t.word == Word::kCompareWord && !t.Is("is")) {
      Operand o = ParseOperand(p + 1, p + kWindow - 2);
      if (o.ok && (o.call || At(o.next - 1).comment_after)) {
        Report("sqli.tautology", "a value breaks out of its SQL context into a comparison",
               o.call ? 75 : 62, p, o.next);
      }
    }
    if ((t.Is("order") || t.Is("group")) && Tok(p + 1).Is("by")) {
      Operand o = ParseOperand(p + 2, p + kWindow - 2);
      if (o.ok) {
        Report("sqli.order_by", "a value breaks out of its SQL context into ORDER/GROUP BY",
               70, p, o.next);
      }
    }
    if (t.Is("having") || t.Is("where")) {
      size_t end = p + 1;
      Condition c = ParseCondition(p + 1, &end);
      size_t constants_end = p + 1;
      const bool name_follows =
          (c == Condition::kCompare || c == Condition::kLiteralCompare) && QuotedNameAt(end);
      if (((c == Condition::kCompare || c == Condition::kLiteralCompare) && !name_follows) ||
          c == Condition::kCall || ConstantsToEnd(p + 1, &constants_end)) {
        end = std::max(end, constants_end);
        Report("sqli.tautology",
               "a value breaks out of its SQL context into a HAVING/WHERE condition", 75, p,
               end);
      }
    }
    if (t.word == Word::kUnion) {
      // "-1 union", "5' union all": the start of a UNION whose SELECT follows
      // in another parameter or was dropped by a filter. "x' union select/":
      // UNION SELECT right where the value breaks out, whatever the select
      // list became (cut off, mangled by a filter).
      const Token& n = Tok(p + 1);
      if (EndsAt(p + 1) || At(p).comment_after || n.Is("all") || n.Is("distinct") ||
          n.Is("distinctrow") ||
          n.word == Word::kSelect ||
          (IsOperator(n, "*") && Tok(p + 2).type == TokenType::kWord) ||
          ((IsLiteral(n) || n.type == TokenType::kLParen) &&
           Tok(p + 2).type == TokenType::kComma)) {
        Report("sqli.union", "a value breaks out of its SQL context into UNION", 66, p, p + 1);
      }
    }
    {
      // "5 unoin select 1,2", "5 select union 1,2": a UNION SELECT whose
      // UNION was mangled to slip past a filter; the select list follows.
      size_t sel = 0;
      if (t.type == TokenType::kWord && Tok(p + 1).word == Word::kSelect) sel = p + 2;
      if (t.word == Word::kSelect && Tok(p + 1).word == Word::kUnion) sel = p + 2;
      Operand item = sel != 0 ? ParseOperand(sel, sel + kWindow - 2) : Operand{};
      const Token& after = Tok(item.next);
      if (item.ok && (item.literal || item.call || Tok(item.first).type == TokenType::kVariable) &&
          (after.type == TokenType::kComma || after.Is("from") ||
           At(item.next - 1).comment_after)) {
        Report("sqli.union", "a value breaks out of its SQL context into a select list", 64, p,
               sel + 1);
      }
    }
    if (t.Is("from") && IsPlainWordToken(Tok(p + 1)) && Tok(p + 2).Is("where")) {
      Report("sqli.union", "a value breaks out of its SQL context into FROM ... WHERE", 70, p,
             p + 3);
    }
    if (numeric && t.type == TokenType::kWord && t.word == Word::kStatement &&
        StatementShape(p)) {
      // SQL Server runs statements separated by nothing but whitespace.
      Report("sqli.stacked", "a number is followed by a second SQL statement", 75, p, p + 2);
    }
    if (from_context && t.type == TokenType::kWord && t.word == Word::kStatement &&
        StatementShape(p)) {
      Report("sqli.stacked", "a quoted value is closed and an SQL statement follows", 78, p,
             p + 2);
    }
    if (t.Is("limit") && Tok(p + 1).type == TokenType::kNumber) {
      Report("sqli.order_by", "a value breaks out of its SQL context into LIMIT", 62, p, p + 2);
    }
    if (t.Is("procedure") && Tok(p + 1).type == TokenType::kWord) {
      Report("sqli.function_call", "a value breaks out of its SQL context into PROCEDURE", 75,
             p, p + 2);
    }
    if (empty_context && (t.type == TokenType::kOperator || t.type == TokenType::kLogicOp) &&
        Tok(p + 1).type == TokenType::kString && !Tok(p + 1).closed &&
        Tok(p + 1).length == 1 && Tok(p + 2).type == TokenType::kEnd) {
      Report("sqli.tautology", "a quote, an operator and a quote probe the SQL string context",
             62, p, p + 2);
    }
    if (t.type == TokenType::kOperator || t.type == TokenType::kLogicOp) {
      Operand o = ParseOperand(p + 1, p + kWindow - 2);
      if (o.ok && o.call && Tok(o.first).type != TokenType::kWord) {
        Report("sqli.tautology", "a value breaks out of its SQL context into a sub-select", 75,
               p, o.next);
      }
    }
    (void)a;
  }

  // Whether any rule below can start at token `a`: a keyword of a class the
  // switch handles, a boolean join, ';', a variable, '(' or a word called
  // as a function. Most tokens of a value are none of these.
  bool StartsRule(size_t a) const {
    const Token& t = Tok(a);
    switch (t.type) {
      case TokenType::kWord:
        switch (t.word) {
          case Word::kNone:
          case Word::kNot:
          case Word::kLiteral:
          case Word::kCompareWord:
          case Word::kOperatorWord:
            return Tok(a + 1).type == TokenType::kLParen;
          default:
            return true;
        }
      case TokenType::kLogicOp:
      case TokenType::kSemicolon:
      case TokenType::kVariable:
      case TokenType::kLParen:
        return true;
      default:
        return false;
    }
  }

  // Inlined into Run(): most tokens start no rule.
  [[gnu::always_inline]] void Evaluate(size_t a) {
    if (a == 0) CheckBreakout(a);
    if (StartsRule(a)) EvaluateRules(a);
  }

  [[gnu::noinline]] void EvaluateRules(size_t a) {
    const Token& t = Tok(a);
    if (t.type == TokenType::kWord) {
      switch (t.word) {
        case Word::kUnion:
        case Word::kSetOperator: {
          // EXCEPT, INTERSECT and MINUS are also English words ("all except
          // select models"): they must follow an operand that ends the
          // query's own part, a number, a literal or ')'.
          if (t.word == Word::kSetOperator &&
              (a == 0 || !(Tok(a - 1).type == TokenType::kNumber ||
                           Tok(a - 1).type == TokenType::kString ||
                           Tok(a - 1).type == TokenType::kRParen))) {
            break;
          }
          size_t j = a + 1;
          while (Tok(j).Is("all") || Tok(j).Is("distinct") || Tok(j).Is("distinctrow") ||
                 Tok(j).type == TokenType::kLParen) {
            ++j;
          }
          if (Tok(j).word == Word::kSelect &&
              (SelectShape(j + 1) || Tok(j + 1).type == TokenType::kEnd)) {
            Report("sqli.union",
                   t.word == Word::kUnion
                       ? "UNION SELECT appends a query of the attacker's choice"
                       : "EXCEPT, INTERSECT or MINUS SELECT appends a query of the attacker's "
                         "choice",
                   90, a, j + 2);
          }
          break;
        }
        case Word::kSelect: {
          // A whole query: SELECT <list> FROM <table> [WHERE|LIMIT|;|end].
          if (!SelectShape(a + 1) || (a > 0 && Tok(a - 1).type != TokenType::kLParen)) break;
          if (a == 0 && SqlOnlyItem(1)) {
            // "select @@version", "select version();", "select * from t"
            size_t j = 1;
            while (j < kWindow - 2 && SqlOnlyItem(j)) {
              Operand o = ParseOperand(j, kWindow - 2);
              j = o.ok ? o.next : j + 1;
              // An alias: "select @@version v", "select user() as "u"".
              if (Tok(j).Is("as")) ++j;
              if (IsPlainWordToken(Tok(j)) ||
                  (Tok(j).type == TokenType::kString && Tok(j).closed)) {
                ++j;
              }
              if (Tok(j).type != TokenType::kComma) break;
              ++j;
            }
            if (EndsAt(j) || At(j - 1).comment_after || Tok(j).Is("from")) {
              Report("sqli.union", "a SELECT of server functions or variables", 66, a, j);
            }
          }
          for (size_t j = a + 1; j < a + kAhead - 2; ++j) {
            if (Tok(j).type == TokenType::kEnd) break;
            if (!Tok(j).Is("from")) continue;
            const Token& table = Tok(j + 1);
            if (table.type != TokenType::kWord || table.word != Word::kNone) break;
            size_t k = j + 2;
            // schema.table or database.schema.table
            if (Tok(k).type == TokenType::kDot) k += 2;
            if (Tok(k).type == TokenType::kDot) k += 2;
            const Token& n = Tok(k);
            size_t cond_end = k;
            // "... WHERE" at the very end: the query goes on after the value
            // (with a select list of more than names).
            bool where = n.Is("where") &&
                         ((EndsAt(k + 1) && SelectListHasValue(a + 1, j)) ||
                          ParseCondition(k + 1, &cond_end) >= Condition::kCompare);
            bool more = (n.Is("limit") && Tok(k + 1).type == TokenType::kNumber) ||
                        ((n.Is("order") || n.Is("group")) && Tok(k + 1).Is("by"));
            if (EndsAt(k) || At(k - 1).comment_after || where || more ||
                n.word == Word::kUnion) {
              Report("sqli.union", "a complete SELECT ... FROM query", a == 0 ? 70 : 80, a, k);
            }
            break;
          }
          break;
        }
        case Word::kTimeFunction:
        case Word::kErrorFunction:
        case Word::kDangerFunction: {
          size_t call = a + 1;
          if (Tok(call).type == TokenType::kDot && Tok(call + 1).type == TokenType::kWord) {
            call += 2;  // package.function(
          }
          bool called = Tok(call).type == TokenType::kLParen;
          bool exec = a > 0 && (Tok(a - 1).Is("exec") || Tok(a - 1).Is("execute") ||
                                Tok(a - 1).type == TokenType::kDot);
          if (t.word == Word::kDangerFunction && exec) {
            Report("sqli.function_call", "a dangerous stored procedure is executed", 88, a,
                   a + 1);
          }
          bool package = a > 1 && Tok(a - 1).type == TokenType::kDot &&
                         (Tok(a - 2).Is("user_lock") || Tok(a - 2).Is("dbms_lock") ||
                          Tok(a - 2).Is("dbms_pipe"));
          if (!called || !(SqlPosition(a) || package)) break;
          // The argument list must look like SQL arguments, not prose.
          const Token& arg = Tok(call + 1);
          if (!(IsLiteral(arg) || arg.type == TokenType::kWord ||
                arg.type == TokenType::kVariable || arg.type == TokenType::kLParen ||
                arg.type == TokenType::kOperator)) {
            break;
          }
          if (t.word == Word::kTimeFunction) {
            if (t.Is("generate_series")) break;
            Report("sqli.time_blind", "a time-delay function is called from injected SQL", 82,
                   a, SkipGroup(call, a + kWindow));
          } else if (t.word == Word::kErrorFunction) {
            Report("sqli.error_based",
                   "an error-message extraction function is called from injected SQL", 82, a,
                   SkipGroup(call, a + kWindow));
          } else {
            Report("sqli.function_call", "a file or command function is called from injected SQL",
                   82, a, SkipGroup(call, a + kWindow));
          }
          break;
        }
        case Word::kStatement:
          if (a == 0) {
            const size_t e = CompleteStatement(a);
            if (e != 0) {
              Report("sqli.statement",
                     "the value is a whole data-changing or schema statement", 70, a, e);
            }
          }
          if (a == 0 && (t.Is("exec") || t.Is("execute")) && Tok(1).type == TokenType::kWord &&
              (Tok(1).StartsWith("sp_") || Tok(1).StartsWith("xp_"))) {
            Report("sqli.stacked", "a system stored procedure is executed", 70, a, a + 2);
          }
          if (a == 0 && (t.Is("exec") || t.Is("execute")) &&
              Tok(1).type == TokenType::kLParen &&
              (Tok(2).type == TokenType::kVariable || Tok(2).type == TokenType::kString)) {
            // EXEC(@sql) / EXEC('...'): dynamic SQL.
            Report("sqli.stacked", "a dynamic SQL string is executed", 70, a, a + 3);
          }
          if (t.Is("waitfor") && (Tok(a + 1).Is("delay") || Tok(a + 1).Is("time")) &&
              Tok(a + 2).type == TokenType::kString) {
            Report("sqli.time_blind", "WAITFOR DELAY pauses the query", 85, a, a + 3);
          }
          break;
        case Word::kClause:
          if (t.Is("where") || t.Is("having") ||
              (t.Is("when") && a > 0 && Tok(a - 1).Is("case"))) {
            size_t end = a + 1;
            if (ParseCondition(a + 1, &end) == Condition::kLiteralCompare && !BareNameAt(end)) {
              Report("sqli.tautology", "a WHERE/WHEN condition compares two constants", 70, a,
                     end);
            }
          }
          if (t.Is("into") && (Tok(a + 1).Is("outfile") || Tok(a + 1).Is("dumpfile"))) {
            // The file name: a literal, or an expression that makes one.
            const Token& f = Tok(a + 2);
            if (f.type == TokenType::kString || f.type == TokenType::kLParen ||
                (f.type == TokenType::kWord && Tok(a + 3).type == TokenType::kLParen)) {
              Report("sqli.function_call", "query results are written to a file", 85, a, a + 3);
            } else if (f.type == TokenType::kWord) {
              Report("sqli.function_call", "query results are written to a file", 72, a, a + 3);
            }
          }
          if (t.Is("case")) CheckCase(a);
          if (t.Is("from") && NameIs(Tok(a + 1), "information_schema") &&
              Tok(a + 2).type == TokenType::kDot) {
            Report("sqli.function_call", "the query reads the schema catalog", 75, a, a + 4);
          }
          break;
        default:
          break;
      }
    }
    if (IsLogic(t) && a > 0) {
      size_t end = a + 1;
      Condition c = ParseCondition(a + 1, &end);
      const Token& prev = Tok(a - 1);
      bool after_value = prev.type != TokenType::kWord || prev.word != Word::kNone;
      if (c == Condition::kLiteralCompare && !BareNameAt(end)) {
        Report("sqli.tautology", "a boolean condition compares two constants", 72, a, end);
      } else if (c == Condition::kCall && after_value) {
        Report("sqli.tautology", "a boolean condition runs a sub-select", 72, a, end);
      }
    }
    if (t.type == TokenType::kSemicolon) CheckStacked(a);
    if (t.type == TokenType::kVariable && Text(t).starts_with("@@") && t.length > 3 &&
        SqlPosition(a) && a > 0 && Tok(a + 1).type != TokenType::kOther &&
        Tok(a - 1).type != TokenType::kOther) {
      Report("sqli.function_call", "a server system variable is read", 66, a, a + 1);
    }
    // A whole value that names one of the server's identifying system
    // variables: "@@version", "@@datadir#". Only these: template languages
    // write "@@name" for their own variables ("@@include", "@@title").
    // (With a comment after it, "@@version#", the rule for expressions cut
    // off by a comment reports it.)
    if (a == 0 && t.type == TokenType::kVariable && Tok(1).type == TokenType::kEnd &&
        !saw_comment_ && IsServerIdentityVariable(Text(t))) {
      Report("sqli.function_call", "a value names a server system variable", 62, 0, 1);
    }
    if (t.type == TokenType::kWord && Tok(a + 1).type == TokenType::kLParen &&
        Tok(a + 2).type == TokenType::kRParen && a > 0 && SqlPosition(a) &&
        (t.Is("version") || t.Is("database") || t.Is("user") || t.Is("current_user") ||
         t.Is("system_user") || t.Is("session_user") || t.Is("schema") ||
         t.Is("current_database") || t.Is("db_name") || t.Is("suser_name"))) {
      Report("sqli.function_call", "a server identity function is called", 66, a, a + 3);
    }
    if (t.type == TokenType::kWord && IsCharCall(a) &&
        (Tok(a + 4).type == TokenType::kLogicOp || IsOperator(Tok(a + 4), "+")) &&
        IsCharCall(a + 5)) {
      Report("sqli.function_call", "a string is built from character codes", 66, a, a + 9);
    }
    if (t.Is("floor") && Tok(a + 1).type == TokenType::kLParen && Tok(a + 2).Is("rand") &&
        Tok(a + 3).type == TokenType::kLParen) {
      Report("sqli.error_based", "FLOOR(RAND()) forces a duplicate-key error", 76, a, a + 4);
    }
    if (t.type == TokenType::kLParen && Tok(a + 1).word == Word::kSelect) {
      const Token& n = Tok(a + 2);
      bool shaped = IsLiteral(n) || IsOperator(n, "*") || n.Is("case") ||
                    n.type == TokenType::kLParen || n.type == TokenType::kVariable ||
                    (n.type == TokenType::kWord && Tok(a + 3).type == TokenType::kLParen);
      if (!shaped && IsPlainWordToken(n) && Tok(a + 3).type == TokenType::kOperator) {
        // "(select id-0 from users ...)": a computed column read from a table.
        const size_t end = SkipGroup(a, a + kWindow);
        for (size_t j = a + 4; j + 1 < end; ++j) {
          if (Tok(j).Is("from") && IsPlainWordToken(Tok(j + 1))) shaped = true;
        }
      }
      if (shaped) {
        Report("sqli.union", "a parenthesized sub-select", 70, a, SkipGroup(a, a + kWindow));
      }
    }
    if (t.type == TokenType::kLParen && Tok(a + 1).type == TokenType::kNumber &&
        Tok(a + 2).type == TokenType::kComparison && Tok(a + 3).type == TokenType::kNumber) {
      // "(4711=4711)*3", "make_set(12=34,1)": two constants compared as a
      // call argument or as an operand of arithmetic.
      const Token& close = Tok(a + 4);
      const bool argument = a > 0 && Tok(a - 1).type == TokenType::kWord &&
                            Tok(a - 1).word == Word::kNone &&
                            (close.type == TokenType::kComma || close.type == TokenType::kRParen);
      const bool operand = close.type == TokenType::kRParen &&
                           (Tok(a + 5).type == TokenType::kOperator ||
                            (a > 0 && Tok(a - 1).type == TokenType::kOperator));
      if (argument || operand) {
        Report("sqli.tautology", "two constants are compared inside an SQL expression", 66, a,
               a + 5);
      }
    }
    if ((t.Is("iif") || t.Is("if")) && Tok(a + 1).type == TokenType::kLParen) {
      Operand lhs = ParseOperand(a + 2, a + kWindow - 2);
      size_t cmp = lhs.ok ? ParseComparison(lhs.next) : 0;
      if (cmp != 0) {
        Operand rhs = ParseOperand(cmp, a + kWindow - 2);
        if (rhs.ok && lhs.literal && rhs.literal &&
            (Tok(rhs.next).type == TokenType::kComma ||
             Tok(rhs.next).word == Word::kSelect || Tok(rhs.next).Is("then"))) {
          Report("sqli.tautology", "a conditional on two constants probes the query", 70, a,
                 rhs.next);
        }
      }
    }
  }

  // CHAR(n) / CHR(n) / NCHAR(n): a character from its code.
  bool IsCharCall(size_t i) const {
    const Token& t = Tok(i);
    if (t.type != TokenType::kWord) return false;
    return (t.Is("char") || t.Is("chr") || t.Is("nchar")) &&
           Tok(i + 1).type == TokenType::kLParen && Tok(i + 2).type == TokenType::kNumber &&
           Tok(i + 3).type == TokenType::kRParen;
  }

  void CheckStacked(size_t a) {
    if (StatementShape(a + 1) || StackedOnlyShape(a + 1)) {
      Report("sqli.stacked", "a second SQL statement is stacked after ';'", 85, a, a + 3);
      return;
    }
    // "; SET @var" with the rest cut off, where the value breaks out: the ';'
    // opens the value or follows the literal the query opened or a number
    // ("Ready; set @team" is a chat message).
    const Token& first = Tok(0);
    const bool at_breakout =
        a == 0 || (a == 1 && (first.type == TokenType::kNumber ||
                              (first.type == TokenType::kString && first.from_context)));
    if (at_breakout && Tok(a + 1).Is("set") && Tok(a + 2).type == TokenType::kVariable &&
        StatementEndsAt(a + 3)) {
      Report("sqli.stacked", "a SET of a user variable is stacked after ';'", 70, a, a + 3);
    }
  }

  // CASE [x] WHEN c THEN v [WHEN c THEN v ...] [ELSE v] END
  void CheckCase(size_t a) {
    const size_t limit = a + kWindow - 2;
    size_t j = a + 1;
    if (!Tok(j).Is("when")) {
      Expr e = ParseExpr(j, limit);
      if (!e.ok) return;
      j = e.next;
    }
    int whens = 0;
    while (Tok(j).Is("when")) {
      Expr c = ParseExpr(j + 1, limit);
      if (!c.ok || !Tok(c.next).Is("then")) return;
      Expr v = ParseExpr(c.next + 1, limit);
      if (!v.ok) return;
      j = v.next;
      ++whens;
    }
    if (whens == 0) return;
    if (Tok(j).Is("else")) {
      Expr v = ParseExpr(j + 1, limit);
      if (!v.ok) return;
      j = v.next;
    }
    if (Tok(j).Is("end")) {
      Report("sqli.tautology", "a CASE WHEN ... THEN ... END expression", 66, a, j + 1);
    }
  }

  // The index after a table, column or routine name at `j` (a plain word;
  // the lexer reads a backtick-quoted name as one too), qualified or not
  // ("db.users"), 0 when none. A qualified name is read to kWindow tokens at
  // most, within the lookahead.
  size_t NameEnd(size_t j) const {
    const size_t limit = j + kWindow;
    auto one = [&](size_t i) {
      const Token& t = Tok(i);
      return t.type == TokenType::kWord && t.word == Word::kNone;
    };
    if (!one(j)) return 0;
    ++j;
    while (j + 1 < limit && Tok(j).type == TokenType::kDot && one(j + 1)) j += 2;
    return j;
  }

  // Whether the statement ends at `j`: the end of the value, ';' or a comment.
  bool StatementEndsAt(size_t j) const { return EndsAt(j) || At(j - 1).comment_after; }

  // A whole statement that changes data or schema, with the parts that make
  // it SQL and not a sentence that opens with the same verb ("update your
  // profile", "drop table tennis", "create table of contents"):
  //   INSERT INTO t [(c, ...)] VALUES (... | SELECT
  //   UPDATE t SET c =
  //   DELETE FROM t WHERE <comparison>, or then ';' or a comment
  //   ALTER TABLE t ADD|DROP|MODIFY|CHANGE|RENAME|ALTER
  //   CREATE [OR REPLACE] [TEMPORARY] TABLE [IF NOT EXISTS] t (c <type>
  //   CREATE [OR REPLACE] FUNCTION|PROCEDURE f (...) RETURNS|BEGIN|AS|LANGUAGE|IS
  //   DROP <object> IF EXISTS t, or DROP <object> t then ';' or a comment
  //   TRUNCATE [TABLE] t then the end, ';' or a comment
  // Returns the index after the part read, 0 when it is not one.
  // Whether token `i` is a name that is no keyword: after a complete
  // condition or statement, a syntax error ("1 = 1 obviously").
  // (T-SQL runs statements without ';' between them: "... and 1 = 1 OPEN
  // c" goes on with a statement, which the words below start.)
  bool BareNameAt(size_t i) const {
    const Token& t = Tok(i);
    if (t.type != TokenType::kWord || t.word != Word::kNone || At(i - 1).comment_after) {
      return false;
    }
    static constexpr std::array<std::string_view, 22> kTsqlStatements = {
        "open",  "fetch",    "close",    "deallocate", "print",  "go",     "raiserror", "throw",
        "return", "break",   "continue", "goto",       "while",  "use",    "kill",      "shutdown",
        "grant", "revoke",   "deny",     "dbcc",       "bulk",   "checkpoint"};
    return !scan::IEqualsAny(Text(t), kTsqlStatements);
  }

  // A backtick-quoted name at `i`, with no comment before it.
  bool QuotedNameAt(size_t i) const {
    const Token& t = Tok(i);
    return t.type == TokenType::kWord && t.length > 0 && t.begin[0] == '`' &&
           !At(i - 1).comment_after;
  }

  size_t CompleteStatement(size_t s) const {
    const Token& k = Tok(s);
    const size_t limit = s + kWindow - 2;
    if (k.Is("declare")) {
      // T-SQL: "DECLARE @name [AS] type", a variable declared with an SQL
      // type ("declare @s varchar(200)"); "Declare @home as a variable" is not.
      if (Tok(s + 1).type != TokenType::kVariable) return 0;
      size_t j = s + 2;
      if (Tok(j).Is("as")) ++j;
      return IsSqlTypeName(Tok(j)) ? j + 1 : 0;
    }
    if (k.Is("insert")) {
      if (!Tok(s + 1).Is("into")) return 0;
      size_t j = NameEnd(s + 2);
      if (j == 0) return 0;
      if (Tok(j).type == TokenType::kLParen) {
        // The column list: names separated by commas, then ')'.
        size_t start = j + 1;
        size_t c = NameEnd(start);
        while (start < limit && c != 0 && Tok(c).type == TokenType::kComma) {
          start = c + 1;
          c = NameEnd(start);
        }
        if (c == 0 || Tok(c).type != TokenType::kRParen) return 0;
        j = c + 1;
      }
      if ((Tok(j).Is("values") || Tok(j).Is("value")) && Tok(j + 1).type == TokenType::kLParen) {
        return j + 2;
      }
      return Tok(j).word == Word::kSelect && SelectShape(j + 1) ? j + 1 : 0;
    }
    if (k.Is("update")) {
      const size_t j = NameEnd(s + 1);
      if (j == 0 || !Tok(j).Is("set")) return 0;
      const size_t c = NameEnd(j + 1);
      return c != 0 && Tok(c).type == TokenType::kComparison && Text(Tok(c)) == "=" ? c + 1 : 0;
    }
    if (k.Is("delete")) {
      if (!Tok(s + 1).Is("from")) return 0;
      const size_t j = NameEnd(s + 2);
      if (j == 0) return 0;
      if (Tok(j).Is("where")) {
        size_t end = j + 1;
        return ParseCondition(j + 1, &end) >= Condition::kCompare ? end : 0;
      }
      return Tok(j).type == TokenType::kSemicolon || At(j - 1).comment_after ? j : 0;
    }
    if (k.Is("alter")) {
      if (!Tok(s + 1).Is("table")) return 0;
      const size_t j = NameEnd(s + 2);
      const Token& op = Tok(j);
      return j != 0 && (op.Is("add") || op.Is("drop") || op.Is("modify") || op.Is("change") ||
                        op.Is("rename") || op.Is("alter"))
                 ? j + 1
                 : 0;
    }
    if (k.Is("create")) {
      size_t j = s + 1;
      if (Tok(j).Is("or") && Tok(j + 1).Is("replace")) j += 2;
      if (Tok(j).Is("temporary") || Tok(j).Is("temp")) ++j;
      if (Tok(j).Is("table")) {
        ++j;
        if (Tok(j).Is("if") && Tok(j + 1).word == Word::kNot && Tok(j + 2).Is("exists")) j += 3;
        j = NameEnd(j);
        if (j == 0 || Tok(j).type != TokenType::kLParen) return 0;
        const size_t column = NameEnd(j + 1);
        return column != 0 && Tok(column).type == TokenType::kWord ? column + 1 : 0;
      }
      if (Tok(j).Is("function") || Tok(j).Is("procedure")) {
        j = NameEnd(j + 1);
        if (j == 0 || Tok(j).type != TokenType::kLParen) return 0;
        j = SkipGroup(j, limit);
        const Token& body = Tok(j);
        return body.Is("returns") || body.Is("begin") || body.Is("as") || body.Is("language") ||
                       body.Is("is")
                   ? j + 1
                   : 0;
      }
      return 0;
    }
    if (k.Is("drop")) {
      const Token& object = Tok(s + 1);
      if (!(object.Is("table") || object.Is("database") || object.Is("schema") ||
            object.Is("view") || object.Is("function") || object.Is("procedure") ||
            object.Is("trigger") || object.Is("user") || object.Is("index") ||
            object.Is("sequence") || object.Is("keyspace"))) {
        return 0;
      }
      size_t j = s + 2;
      const bool if_exists = Tok(j).Is("if") && Tok(j + 1).Is("exists");
      if (if_exists) j += 2;
      j = NameEnd(j);
      if (j == 0) return 0;
      // ("drop table if exists syntax postgres": a second name is no SQL.)
      const bool option = Tok(j).Is("cascade") || Tok(j).Is("restrict") || Tok(j).Is("purge");
      return (if_exists && (!BareNameAt(j) || option)) || Tok(j).type == TokenType::kSemicolon ||
                     At(j - 1).comment_after
                 ? j
                 : 0;
    }
    if (k.Is("truncate")) {
      size_t j = s + 1;
      if (Tok(j).Is("table")) ++j;
      j = NameEnd(j);
      return j != 0 && j > s + 2 && StatementEndsAt(j) ? j : 0;
    }
    return 0;
  }

  // Statements that only count right after ';' (their first word is common
  // in prose, so they are checked by name here and not as keywords).
  bool StackedOnlyShape(size_t s) const {
    const Token& k = Tok(s);
    if (k.type != TokenType::kWord) return false;
    const Token& n = Tok(s + 1);
    if (k.Is("call")) {
      // CALL proc(args) and nothing after it but a comment.
      if (n.type != TokenType::kWord || Tok(s + 2).type != TokenType::kLParen) return false;
      Expr e = ParseExpr(s + 1, s + kWindow - 2);
      return e.ok && e.call && (EndsAt(e.next) || At(e.next - 1).comment_after);
    }
    if (k.Is("copy")) {
      // PostgreSQL's COPY t FROM PROGRAM 'cmd' runs a shell command; COPY t
      // TO '/path' writes a file on the server, COPY t FROM '/path' reads one.
      const Token& to = Tok(s + 2);
      if (n.type != TokenType::kWord || !(to.Is("from") || to.Is("to"))) return false;
      const Token& target = Tok(s + 3);
      if (target.Is("program")) return true;
      const std::string_view path = target.type == TokenType::kString ? Text(target) : "";
      return path.size() > 3 &&
             (path[1] == '/' || path[1] == '\\' || (scan::IsAlpha(path[1]) && path[2] == ':'));
    }
    if (k.Is("runscript")) {
      // H2's RUNSCRIPT FROM 'url' runs the SQL file a URL or path names.
      return n.Is("from") && Tok(s + 2).type == TokenType::kString;
    }
    if (k.Is("load")) {
      if (!n.Is("data") && !n.Is("xml")) return false;
      for (size_t j = s + 2; j < s + 5; ++j) {
        if (Tok(j).Is("infile")) return true;
      }
      return false;
    }
    if (k.Is("begin")) {
      return StatementShape(s + 1) || Tok(s + 1).Is("shutdown") ||
             (!n.Is("begin") && StackedOnlyShape(s + 1));
    }
    if (k.Is("if") || k.Is("while")) {
      if (n.Is("exists") && Tok(s + 2).type == TokenType::kLParen) return true;
      Expr e = ParseExpr(s + 1, s + kWindow - 2);
      return e.ok && e.comparison &&
             (StatementShape(e.next) || Tok(e.next).Is("shutdown") || Tok(e.next).Is("begin"));
    }
    if (k.Is("do")) {
      // PostgreSQL's anonymous code block: DO $$ ... $$ or DO $tag$ ... $tag$.
      if (n.length > 0 && *n.begin == '$') {
        const std::string_view rest =
            text_.substr(static_cast<size_t>(n.begin - text_.data()), 34);
        size_t e = 1;
        while (e < rest.size() && (scan::IsAlpha(rest[e]) || rest[e] == '_')) ++e;
        if (e < rest.size() && rest[e] == '$') return true;
      }
      Expr e = ParseExpr(s + 1, s + kWindow - 2);
      return n.type == TokenType::kLParen && e.ok && (e.comparison || e.call) &&
             EndsAt(e.next);
    }
    if (k.Is("delete")) {
      return (n.Is("low_priority") || n.Is("quick") || n.Is("ignore")) && Tok(s + 2).Is("from");
    }
    if (k.Is("drop")) {
      // "; drop tbl --": the comment cuts off the rest of the query.
      return IsPlainWordToken(n) && At(s + 1).comment_after && EndsAt(s + 2);
    }
    return false;
  }

  // A T-SQL variable's type name.
  bool IsSqlTypeName(const Token& t) const {
    if (t.type != TokenType::kWord) return false;
    for (std::string_view type :
         {"varchar", "nvarchar", "char", "nchar", "int", "bigint", "smallint", "tinyint", "bit",
          "decimal", "numeric", "float", "real", "money", "datetime", "datetime2", "date",
          "text", "ntext", "varbinary", "binary", "sysname", "table", "cursor",
          "uniqueidentifier", "xml", "sql_variant"}) {
      if (t.Is(type)) return true;
    }
    return false;
  }

  // A statement keyword at `s` followed by what that statement needs.
  bool StatementShape(size_t s) const {
    const Token& k = Tok(s);
    if (k.type != TokenType::kWord) return false;
    const Token& n = Tok(s + 1);
    bool shaped = false;
    if (k.word == Word::kSelect) {
      shaped = SelectShape(s + 1);
    } else if (k.Is("insert")) {
      shaped = n.Is("into");
    } else if (k.Is("update")) {
      shaped = n.type == TokenType::kWord && Tok(s + 2).Is("set");
    } else if (k.Is("delete")) {
      shaped = n.Is("from");
    } else if (k.Is("drop") || k.Is("create") || k.Is("alter") || k.Is("truncate")) {
      // ... and then the object's name: a word, a quoted name without
      // blanks, or T-SQL's "[name]" ("drop table\"" in text is no statement).
      const Token& name = Tok(s + 2);
      const auto quoted_name = [&] {
        if (name.type != TokenType::kString || !name.closed) return false;
        for (size_t k = 0; k < name.length; ++k) {
          if (sql::IsSpaceByte(static_cast<unsigned char>(name.begin[k]))) return false;
        }
        return true;
      };
      shaped = (n.Is("table") || n.Is("database") || n.Is("user") || n.Is("procedure") ||
                n.Is("function") || n.Is("view") || n.Is("schema") || n.Is("login") ||
                n.Is("trigger") || n.Is("index") || n.Is("sequence") || n.Is("keyspace")) &&
               (name.type == TokenType::kWord || quoted_name() ||
                (name.type == TokenType::kOther && name.length == 1 && *name.begin == '['));
    } else if (k.Is("exec") || k.Is("execute")) {
      const Token& after = Tok(s + 2);
      shaped = n.type == TokenType::kVariable || n.type == TokenType::kLParen ||
               (n.Is("as") && (Tok(s + 2).Is("login") || Tok(s + 2).Is("user"))) ||
               (n.type == TokenType::kWord &&
                (n.StartsWith("xp_") || n.StartsWith("sp_") || n.Is("master") ||
                 after.type == TokenType::kDot || IsLiteral(after) ||
                 after.type == TokenType::kVariable || EndsAt(s + 2)));
    } else if (k.Is("declare")) {
      shaped = n.type == TokenType::kVariable;
    } else if (k.Is("set")) {
      shaped = n.type == TokenType::kVariable && Tok(s + 2).type == TokenType::kComparison;
    } else if (k.Is("shutdown")) {
      // (T-SQL's SHUTDOWN WITH NOWAIT stops the server without a checkpoint.)
      shaped = EndsAt(s + 1) || At(s).comment_after || n.Is("end") ||
               (n.Is("with") && Tok(s + 2).Is("nowait"));
    } else if (k.Is("waitfor")) {
      shaped = n.Is("delay") || n.Is("time");
    } else if (k.Is("backup") || k.Is("restore")) {
      // T-SQL's BACKUP DATABASE db TO DISK = '\\host\x': the server writes
      // (or reads) a whole database where the statement says.
      shaped = (n.Is("database") || n.Is("log")) && Tok(s + 2).type == TokenType::kWord &&
               (Tok(s + 3).Is("to") || Tok(s + 3).Is("from"));

    } else if (k.Is("grant") || k.Is("revoke")) {
      shaped = n.Is("all") || n.Is("select") || n.Is("dba") || n.Is("connect") ||
               n.Is("resource") || n.Is("execute");
    }
    return shaped;
  }

  std::string_view text_;
  char context_quote_;
  // Slots are written before they are read (At() only returns the last
  // kRing tokens), so the ring is left uninitialized: a value is analysed up
  // to three times per field and zeroing the ring each time would cost more
  // than lexing a short value.
  union RingSlot {
    RingSlot() {}
    Slot slot;
  };
  RingSlot ring_[kRing];
  size_t built_ = 0;  // ring_[0, built_) have been constructed
  size_t count_ = 0;
  bool sp_password_comment_ = false;
  bool saw_comment_ = false;
  Finding best_;
};

// Whether a value could hold SQL at all: it needs a separator between tokens.
bool MaybeSql(const CharMask& m) {
  return m.has_control || m.HasAny(" '\"`();=<>-#/*|&@,+!~%^:");
}

// Plain words that Evaluate() checks by name before a '(' (they are not
// keywords, so ClassifyWord() leaves them kNone).
constexpr std::string_view kCalledByName[] = {
    "version", "database", "user",     "current_user", "system_user", "session_user",
    "schema",  "current_database",     "db_name",      "suser_name",  "floor",
    "iif",     "if",
};

// Clause words that no rule reads without another trigger word in the same
// value (every Report() that names one of them, and every test of the
// kClause class, is anchored at that other word):
//  - FROM: SELECT ... FROM, DELETE FROM, FROM x WHERE, FROM
//    INFORMATION_SCHEMA (the last name is a trigger of its own, below);
//  - INTO: INSERT INTO, INTO OUTFILE / DUMPFILE;
//  - WHEN, THEN, ELSE, END: CASE ... END, IF(..) THEN, SHUTDOWN END;
//  - ALL, DISTINCT: UNION ALL, GRANT ALL;
//  - EXCEPT, INTERSECT, MINUS: read only before SELECT;
//  - DESC, ASC, TOP, VALUES, OFFSET: read only as members of the class
//    (SELECT's shape, a keyword before a call), never by name.
// ORDER and GROUP count only together with BY (ORDER BY, GROUP BY), and BY
// only together with one of them: they are kPairFirst / kPairSecond.
constexpr std::string_view kAnchoredElsewhere[] = {
    "from", "into", "when", "then", "else", "end", "all", "distinct",
    "desc", "asc",  "top",  "values", "offset", "except", "intersect", "minus",
};
// Names that are not keywords but count as a trigger ("FROM
// INFORMATION_SCHEMA." reads the catalog).
constexpr std::string_view kNamedTriggers[] = {"information_schema"};

// What a word token can contribute to a finding on its own.
enum class Trigger : uint8_t {
  kNone,           // operands only (plain words, NOT, NULL/TRUE/FALSE, kAnchoredElsewhere)
  kAnywhere,       // a rule starts at this token wherever it is
  kAfterBreakout,  // only right after a quote or leading number (LIKE, IN, IS ...)
  kPairFirst,      // ORDER, GROUP: a trigger when BY occurs too
  kPairSecond,     // BY: a trigger when ORDER or GROUP occurs too
};

constexpr bool AnchoredElsewhere(std::string_view w) {
  for (std::string_view a : kAnchoredElsewhere) {
    if (a == w) return true;
  }
  return false;
}

constexpr size_t kTriggerWords =
    std::size(sql::kKeywords) + std::size(kCalledByName) + std::size(kNamedTriggers);

constexpr std::array<WordEntry<Trigger>, kTriggerWords> MakeTriggerEntries() {
  std::array<WordEntry<Trigger>, kTriggerWords> e{};
  size_t n = 0;
  for (const WordEntry<Word>& k : sql::kKeywords) {
    Trigger t = Trigger::kAnywhere;
    if (k.value == Word::kNot || k.value == Word::kLiteral) t = Trigger::kNone;
    if (k.value == Word::kCompareWord) t = Trigger::kAfterBreakout;
    // DIV and MOD only matter right after a closed literal (MayFindSql()
    // checks that position by name).
    if (k.value == Word::kOperatorWord) t = Trigger::kNone;
    if (AnchoredElsewhere(k.word)) t = Trigger::kNone;
    if (k.word == "order" || k.word == "group") t = Trigger::kPairFirst;
    if (k.word == "by") t = Trigger::kPairSecond;
    // Words that trigger nothing are left out (an empty entry is skipped).
    e[n++] = WordEntry<Trigger>{t == Trigger::kNone ? std::string_view() : k.word, t};
  }
  for (std::string_view w : kCalledByName) e[n++] = WordEntry<Trigger>{w, Trigger::kAnywhere};
  for (std::string_view w : kNamedTriggers) e[n++] = WordEntry<Trigger>{w, Trigger::kAnywhere};
  return e;
}
constexpr std::array<WordEntry<Trigger>, kTriggerWords> kTriggerEntries = MakeTriggerEntries();
constexpr WordTable<Trigger, 256> kTriggerTable(kTriggerEntries.data(), kTriggerEntries.size());
static_assert(kTriggerTable.size() * 2 <= 256);
// The longest trigger word: no longer word token needs a lookup.
constexpr size_t kLongestTrigger = [] {
  size_t longest = 0;
  for (const WordEntry<Trigger>& e : kTriggerEntries) longest = std::max(longest, e.word.size());
  return longest;
}();

// MayFindSql() looks for triggers only at letters.
constexpr bool TriggersStartWithLetters() {
  for (const WordEntry<Trigger>& e : kTriggerEntries) {
    if (!e.word.empty() && !(e.word[0] >= 'a' && e.word[0] <= 'z')) return false;
  }
  return true;
}
static_assert(TriggersStartWithLetters());

constexpr const std::array<bool, 256>& kWordByte = sql::kWordBytes;


// Where the literal that a query opened with `quote` ends when `text` is
// pasted into it: just past the first quote that is neither escaped nor
// doubled (as Lexer::ReadString() reads it), or npos when it never ends.
size_t ContextEnd(std::string_view text, char quote) {
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      i += 2;
      continue;
    }
    if (c == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

// `text` without each backslash that stands right before a quote.
std::string WithoutBackslashBeforeQuotes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\'' || text[i + 1] == '"')) {
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

// What a filter that deletes SQL comments, or deletes UNION and SELECT once,
// hands the database: "UN/**/ION SEL/**/ECT" and "uniunionon selselectect"
// both become UNION SELECT. A comment counts only between two word bytes
// (elsewhere it reads as the space it is); a word counts only when it is
// one of the two keywords with itself inserted. Empty when nothing changed.
std::string AfterNaiveFilter(std::string_view text) {
  std::string out;
  bool changed = false;
  const auto word_byte = [](char c) { return sql::kWordBytes[static_cast<unsigned char>(c)]; };
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*' && i > 0 &&
        word_byte(text[i - 1])) {
      const size_t close = scan::Find(text, "*/", i + 2);
      if (close == std::string_view::npos) break;  // (no later comment closes either)
      if (close + 2 < text.size() && word_byte(text[close + 2])) {
        i = close + 2;
        changed = true;
        continue;
      }
    }
    if (scan::IsAlpha(text[i]) && (i == 0 || !word_byte(text[i - 1]))) {
      size_t e = i;
      while (e < text.size() && scan::IsAlpha(text[e])) ++e;
      const std::string_view w = text.substr(i, e - i);
      bool collapsed = false;
      for (std::string_view k : {std::string_view("union"), std::string_view("select")}) {
        if (w.size() != 2 * k.size()) continue;
        for (size_t p = 1; p < k.size() && !collapsed; ++p) {
          collapsed = scan::IEquals(w.substr(p, k.size()), k) &&
                      scan::IEquals(w.substr(0, p), k.substr(0, p)) &&
                      scan::IEquals(w.substr(p + k.size()), k.substr(p));
        }
        if (collapsed) {
          out.append(k);
          break;
        }
      }
      if (!collapsed) out.append(w);
      changed = changed || collapsed;
      i = e;
      continue;
    }
    out.push_back(text[i++]);
  }
  if (!changed) out.clear();
  return out;
}

// "--" or "/*" somewhere in `text` (one pass; dates and codes that start with
// a digit hold many single '-').
bool HasCommentStart(std::string_view text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char c = text[i];
    const char d = text[i + 1];
    if ((c == '-' && d == '-') || (c == '/' && d == '*')) return true;
  }
  return false;
}

// CHAR( or CHR( (NCHAR( ends in CHAR(), any case.
bool HasCharCall(std::string_view text) {
  for (size_t i = text.find('('); i != std::string_view::npos; i = text.find('(', i + 1)) {
    size_t j = i;
    while (j > 0 && sql::IsSpaceByte(static_cast<unsigned char>(text[j - 1]))) --j;
    const std::string_view before = text.substr(0, j);
    if (scan::IEndsWith(before, "chr") || scan::IEndsWith(before, "char")) return true;
  }
  return false;
}

// "(" number comparison number, as the lexer reads it.
bool HasGroupedNumberComparison(std::string_view text) {
  const size_t n = text.size();
  const auto skip_space = [&](size_t i) {
    while (i < n && sql::IsSpaceByte(static_cast<unsigned char>(text[i]))) ++i;
    return i;
  };
  const auto skip_digits = [&](size_t i) {
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    return i;
  };
  for (size_t i = text.find('('); i != std::string_view::npos; i = text.find('(', i + 1)) {
    size_t j = skip_space(i + 1);
    size_t k = skip_digits(j);
    if (k == j) continue;
    k = skip_space(k);
    if (k < n && (text[k] == '=' || text[k] == '<' || text[k] == '>' || text[k] == '!')) {
      return true;
    }
  }
  return false;
}

// A ';' followed by one of the words only StackedOnlyShape() checks that
// are not keywords (the others are triggers already).
bool HasStackedOnlyWord(std::string_view text) {
  const size_t n = text.size();
  for (size_t i = text.find(';'); i != std::string_view::npos; i = text.find(';', i + 1)) {
    size_t j = i + 1;
    while (j < n && sql::IsSpaceByte(static_cast<unsigned char>(text[j]))) ++j;
    size_t e = j;
    while (e < n && e - j < 10 && sql::kWordBytes[static_cast<unsigned char>(text[e])]) ++e;
    if (e < n && sql::kWordBytes[static_cast<unsigned char>(text[e])]) continue;
    const std::string_view word = text.substr(j, e - j);
    if (scan::IEquals(word, "call") || scan::IEquals(word, "load") || scan::IEquals(word, "do") ||
        scan::IEquals(word, "copy") || scan::IEquals(word, "runscript")) {
      return true;
    }
  }
  return false;
}

// A necessary condition for Scan() to report anything at or above the lowest
// threshold (60), decided in one pass without lexing. Every rule of Analysis
// (see the Report() calls) needs at least one of:
//  - a keyword token other than NOT/NULL/TRUE/FALSE and the clause words
//    of kAnchoredElsewhere, or one of the names in kCalledByName and
//    kNamedTriggers (every rule reached from Evaluate() and every
//    CheckBreakout() rule that tests a word); ORDER or GROUP with BY;
//  - for LIKE/IN/IS/... (kCompareWord): a breakout, i.e. a quote (the quoted
//    contexts) or a value that starts with a number;
//  - "&&" or "||" (boolean joins), "@@" (system variables);
//  - in a quoted context, a comparison, operator, comment, ')' or ',' right
//    after the literal closes (a closed literal compared, probed with an
//    operator, truncated by a comment, or followed by a list item:
//    CheckBreakout() at the token after the literal);
//  - '(' with an operator after a breakout (an expression with a call);
//  - a leading number followed by ',', with a quote and '=' later (a SET
//    list continued after a numeric item);
//  - a value that starts like an expression (a number, sign, '(', '@', '~',
//    '!') and holds a comment ("--", "#", "/*"): an expression cut off by
//    its comment;
//  - '(' number comparison number: constants compared in a group;
//  - ';' followed by CALL, LOAD, DO, COPY or RUNSCRIPT (statements checked by
//    name);
//  - DIV or MOD right after a closed literal;
//  - CHAR( / CHR( with '+' (a string built from character codes; with
//    "||" it passes above).
// Word tokens are the lexer's runs of word bytes; a run that starts with a
// digit is first read as a number (or as the version digits of a MySQL
// "/*!50000" comment), so any of its suffixes may be a word token.
bool MayFindSql(std::string_view text, const CharMask& mask) {
  const size_t n = text.size();
  const bool quote = mask.HasAny("'\"`");
  size_t lead = 0;
  while (lead < n && sql::IsSpaceByte(static_cast<unsigned char>(text[lead]))) ++lead;
  // The first token is a number, or a sign or comment that may precede one.
  const bool numeric_lead =
      lead < n && ((text[lead] >= '0' && text[lead] <= '9') || text[lead] == '.' ||
                   text[lead] == '+' || text[lead] == '-' || text[lead] == '/' ||
                   text[lead] == '#');
  const bool breakout = quote || numeric_lead;
  // The rules that need a quoted context look at the first token after the
  // literal the context opened; a context whose literal never closes reports
  // nothing.
  constexpr uint64_t kDiv = CharMask::AlnumOf("div");
  constexpr uint64_t kMod = CharMask::AlnumOf("mod");
  const bool div_or_mod = mask.HasAlnumOf(kDiv) || mask.HasAlnumOf(kMod);
  for (char q : {'\'', '"', '`'}) {
    if (!quote) break;  // (one mask test rules out all three)
    if (!mask.Has(q)) continue;
    size_t e = ContextEnd(text, q);
    while (e < n && sql::IsSpaceByte(static_cast<unsigned char>(text[e]))) ++e;
    // A comparison or operator, a comment, ')' (before either) or ',' (a
    // list item after the literal).
    if (e < n && std::string_view("=<>!+-*/%^~&|:#),").find(text[e]) != std::string_view::npos) {
      return true;
    }
    // DIV / MOD as the operator.
    if (div_or_mod && e < n && n - e >= 3 &&
        (e + 3 == n || !sql::kWordBytes[static_cast<unsigned char>(text[e + 3])]) &&
        (scan::IAt(text, e, "div") || scan::IAt(text, e, "mod"))) {
      return true;
    }
  }
  if (breakout && mask.Has('(') && mask.HasAny("+-*/%^~!&|:")) return true;
  // A number, then ',' and a quoted value: more SET assignments after a
  // numeric item.
  if (numeric_lead && quote && mask.Has(',') && mask.Has('=')) {
    size_t e = lead;
    while (e < n && (scan::IsDigit(text[e]) || text[e] == '-' || text[e] == '+' || text[e] == '.')) {
      ++e;
    }
    while (e < n && sql::IsSpaceByte(static_cast<unsigned char>(text[e]))) ++e;
    if (e > lead && e < n && text[e] == ',') return true;
  }
  // The word token text[j, e), if it is one: a trigger?
  bool pair_first = false, pair_second = false;
  const auto triggers = [&](size_t j, size_t e) {
    const size_t len = e - j;
    if (!kTriggerTable.MayHave(scan::Lower(text[j]), len)) return false;
    char buf[WordTable<Trigger, 256>::kMaxWord];
    for (size_t k = 0; k < len; ++k) buf[k] = scan::Lower(text[j + k]);
    const Trigger t = kTriggerTable.Find(std::string_view(buf, len), Trigger::kNone);
    if (t == Trigger::kPairFirst) pair_first = true;
    if (t == Trigger::kPairSecond) pair_second = true;
    return t == Trigger::kAnywhere || (t == Trigger::kAfterBreakout && breakout) ||
           (pair_first && pair_second);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < n;) {
    if (!kWordByte[p[i]]) {
      ++i;
      continue;
    }
    const size_t b = i;
    while (i < n && kWordByte[p[i]]) ++i;
    if (p[b] >= '0' && p[b] <= '9') {
      // Every trigger starts with a letter: try each suffix that does and
      // is not longer than the longest trigger ("4711union", hex digests).
      for (size_t j = std::max(b + 1, i > kLongestTrigger ? i - kLongestTrigger : 0); j + 1 < i;
           ++j) {
        if (scan::IsAlpha(text[j]) && triggers(j, i)) return true;
      }
    } else if (triggers(b, i)) {
      return true;
    }
  }
  // (Checked last: values with a trigger word never get here.)
  // A value that starts like an expression and holds a comment (a whole
  // expression cut off by its comment).
  if (mask.HasAny("#-*") && lead < n &&
      (numeric_lead || text[lead] == '(' || text[lead] == '@' || text[lead] == '~' ||
       text[lead] == '!') &&
      (mask.Has('#') || HasCommentStart(text))) {
    return true;
  }
  // A select list that names its table, then a comment ("email FROM users--").
  constexpr uint64_t kFrom = CharMask::AlnumOf("from");
  if (mask.HasAny("#-") && mask.HasAlnumOf(kFrom) && lead < n &&
      (scan::IsAlpha(text[lead]) || text[lead] == '*') &&
      (mask.Has('#') || HasCommentStart(text)) && scan::IFind(text, "from") != std::string_view::npos) {
    return true;
  }
  if (mask.Has('(') || mask.Has(';')) {
    const uint64_t alnum = mask.Alnum();
    const auto has = [alnum](uint64_t need) { return (alnum & need) == need; };
    // Two constants compared in a group: "(12=34)".
    constexpr uint64_t kDigits = uint64_t{0x3FF} << 26;
    if (mask.Has('(') && mask.HasAny("=<>") && (alnum & kDigits) != 0 &&
        HasGroupedNumberComparison(text)) {
      return true;
    }
    // CHAR( or CHR( joined by '+' (IsCharCall(); with "||" it passed above).
    constexpr uint64_t kChr = CharMask::AlnumOf("chr");
    if (mask.Has('(') && mask.Has('+') && has(kChr) && HasCharCall(text)) return true;
    // Statements checked by name after ';' (StackedOnlyShape()).
    constexpr uint64_t kCall = CharMask::AlnumOf("call");
    constexpr uint64_t kLoad = CharMask::AlnumOf("load");
    constexpr uint64_t kDo = CharMask::AlnumOf("do");
    constexpr uint64_t kCopy = CharMask::AlnumOf("copy");
    constexpr uint64_t kRunscript = CharMask::AlnumOf("runscript");
    if (mask.Has(';') &&
        (has(kCall) || has(kLoad) || has(kDo) || has(kCopy) || has(kRunscript)) &&
        HasStackedOnlyWord(text)) {
      return true;
    }
  }
  if (mask.Has('@') && scan::Find(text, "@@") != std::string_view::npos) return true;
  if (mask.Has('&') && scan::Find(text, "&&") != std::string_view::npos) return true;
  if (mask.Has('|') && scan::Find(text, "||") != std::string_view::npos) return true;
  return false;
}

Finding Scan(std::string_view text, const CharMask& mask) {
  Finding best = Analysis(text, 0).Run();
  // Then inside each quote the value holds. A name the query quoted with
  // backticks is left the same way, and what follows reads as a literal's
  // breakout does (`` ` AS `x` FROM t``).
  for (char q : {'\'', '"', '`'}) {
    if (best.score >= 90 || !mask.Has(q)) continue;
    Finding f = Analysis(text, q).Run();
    if (f.score > best.score) best = f;
  }
  return best;
}

int Threshold(const Input& in) {
  switch (in.location) {
    case event::Location::kPath:
    case event::Location::kHeader:
      return kDefaultThreshold + 10;
    default:
      return kDefaultThreshold;
  }
}

class SqliImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSqli; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.norm.size() < 2 || !MaybeSql(in.mask)) return false;
    const int threshold = Threshold(in);
    Finding f;
    if (MayFindSql(in.norm, in.mask)) f = Scan(in.norm, in.mask);
    // Another reading of the value, kept when it scores higher.
    bool from_variant = false;
    const auto try_reading = [&](std::string_view text) {
      const CharMask mask = CharMask::Of(text);
      if (!MaybeSql(mask) || !MayFindSql(text, mask)) return;
      Finding r = Scan(text, mask);
      if (r.score > f.score) {
        f = r;
        from_variant = true;
      }
    };
    if (f.score < threshold && in.raw.data() != in.norm.data() && in.raw != in.norm) {
      try_reading(in.raw);
    }
    // Where a backslash does not escape (standard SQL strings in PostgreSQL,
    // SQLite, SQL Server, Oracle), or where the application escapes a quote
    // by adding a backslash before it ("\\'" then ends in a quote), a quote
    // behind a backslash still closes the literal: read the value once more
    // without the backslashes before quotes.
    if (f.score < threshold && in.mask.Has('\\') && in.mask.HasAny("'\"")) {
      const std::string plain = WithoutBackslashBeforeQuotes(in.norm);
      if (plain.size() != in.norm.size()) try_reading(plain);
    }
    static constexpr uint64_t kUnionSelect = CharMask::AlnumOf("unionselect");
    if (f.score < threshold && in.mask.HasAlnumOf(kUnionSelect) &&
        ((in.mask.Has('*') && scan::Find(in.norm, "/*") != std::string_view::npos) ||
         (in.norm.size() >= 20 && scan::IFind(in.norm, "union") != std::string_view::npos))) {
      const std::string filtered = AfterNaiveFilter(in.norm);
      if (!filtered.empty()) try_reading(filtered);
    }
    if (f.score < threshold) return false;
    m->rule_id = f.rule_id;
    m->reason = std::string(f.reason);
    m->score = std::min(f.score, 100);
    // Offsets refer to `norm`; evidence found only in `raw` or in the reading
    // without backslashes points at its start.
    m->offset = from_variant ? 0 : f.offset;
    m->length = from_variant ? std::min(f.length, in.norm.size()) : f.length;
    return true;
  }
};

}  // namespace

namespace sqli_internal {

bool PrefilterPasses(std::string_view text) { return MayFindSql(text, CharMask::Of(text)); }

int AnalysisScore(std::string_view text) { return Scan(text, CharMask::Of(text)).score; }

std::vector<std::string_view> TriggerWords() {
  std::vector<std::string_view> words;
  for (const WordEntry<Trigger>& e : kTriggerEntries) {
    if (!e.word.empty()) words.push_back(e.word);
  }
  return words;
}

}  // namespace sqli_internal

const Detector& SqliDetector() {
  static const SqliImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
