// SQL injection: the value is lexed as SQL three times, as if pasted into a
// query as is (numeric context), inside a single-quoted literal and inside a
// double-quoted literal. Token sequences that only make sense as injected SQL
// are scored: a literal broken out of followed by a boolean condition,
// UNION SELECT, a stacked statement, a truncating comment, time/error-based
// functions called in an SQL position, and so on.
//
// Tokens stream through a fixed ring buffer and every rule looks at most
// a few tokens back and kAhead tokens ahead, so the work is linear in the
// value and nothing is allocated.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <new>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/sql_lexer.h"
#include "runtime/detect/word_table.h"

namespace fnguard::detect {
namespace {

using sql::Lexer;
using sql::Token;
using sql::TokenType;
using sql::Word;

constexpr size_t kRing = 64;
constexpr size_t kAhead = 24;
constexpr int kDefaultThreshold = 60;

struct Finding {
  std::string_view rule_id;
  std::string_view reason;
  int score = 0;
  size_t offset = 0;
  size_t length = 0;
};

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
      Token t = lexer.Next();
      if (t.type == TokenType::kEnd) break;
      if (t.type == TokenType::kComment) {
        if (count_ > 0) {
          Slot& prev = ring_[(count_ - 1) % kRing].slot;
          prev.comment_after = true;
          prev.comment_kind = t.quote;
          prev.comment_has_text = false;
          for (char c : text_.substr(t.offset, t.length)) {
            if (std::isalnum(static_cast<unsigned char>(c))) prev.comment_has_text = true;
          }
        }
        continue;
      }
      new (&ring_[count_ % kRing].slot) Slot{t, false, 0, false};
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
  const Slot& At(size_t i) const {
    static const Slot kEndSlot{};
    if (i >= count_ || i + kRing <= count_) return kEndSlot;
    return ring_[i % kRing].slot;
  }
  const Token& Tok(size_t i) const { return At(i).tok; }
  std::string_view Text(const Token& t) const { return text_.substr(t.offset, t.length); }
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
      case TokenType::kString:
        o.literal = true;
        o.next = i + 1;
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
      if (n.type == TokenType::kOperator && depth < 4) {
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
    if (t.type != TokenType::kWord) return 0;
    if (t.word == Word::kNot && Tok(i + 1).word == Word::kCompareWord) return i + 2;
    if (t.word != Word::kCompareWord) return 0;
    if (t.Is("is") && Tok(i + 1).word == Word::kNot) return i + 2;
    if (t.Is("sounds") && Tok(i + 1).Is("like")) return i + 2;
    return i + 1;
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
    size_t limit = i + kAhead - 2;
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
        if (At(i).comment_after) return true;
        return n.Is("from") || n.Is("into") || n.Is("as");
      }
      default:
        return false;
    }
  }

  // A select-list item that prose does not produce: a call, a variable, '*'.
  bool SqlOnlyItem(size_t i) const {
    const Token& t = Tok(i);
    if (t.type == TokenType::kVariable || IsOperator(t, "*")) return true;
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
    size_t parens = 0;
    while (Tok(p).type == TokenType::kRParen) {
      ++p;
      ++parens;
    }
    const bool broke_out = from_context || numeric;
    const Slot& before = At(p - 1);
    if (broke_out && Tok(p).Is("as") && IsPlainWordToken(Tok(p + 1))) p += 2;
    if (broke_out && Tok(p).type == TokenType::kOperator) {
      // "1'+'2' and ...", "1+pi() and ...": an expression continues the value.
      Operand o = ParseOperand(p, p + kAhead - 2);
      if (o.ok && o.next > p + 1 && IsLogic(Tok(o.next))) p = o.next;
    }
    const Token& t = Tok(p);
    const bool empty_context = from_context && first.length <= 1;

    if (p > 0 && before.comment_after && !before.comment_has_text && from_context &&
        t.type == TokenType::kEnd) {
      std::string_view content = Text(first);
      bool wordlike = !content.empty();
      for (size_t k = 0; k + 1 < content.size(); ++k) {
        char c = content[k];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '.' ||
              c == '-' || c == ' ')) {
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
      if (score > 0) {
        Report("sqli.tautology",
               "a value breaks out of its SQL context and adds a boolean condition", score,
               p, end);
      }
    }
    if (!broke_out) {
      if (p == 0 && t.Is("order") && Tok(1).Is("by") && Tok(2).type == TokenType::kNumber &&
          (At(2).comment_after || EndsAt(3))) {
        Report("sqli.order_by", "an ORDER BY column probe", 62, 0, 3);
      }
      return;
    }
    if (from_context && t.type == TokenType::kComparison) {
      Operand o = ParseOperand(p + 1, p + kAhead - 2);
      if (o.ok && (EndsAt(o.next) || At(o.next - 1).comment_after || IsLogic(Tok(o.next)))) {
        Report("sqli.tautology", "a quoted value is closed and compared to another value",
               o.call ? 75 : 62, p, o.next);
      }
    }
    if (t.type == TokenType::kWord && t.word == Word::kCompareWord && !t.Is("is")) {
      Operand o = ParseOperand(p + 1, p + kAhead - 2);
      if (o.ok && (o.call || At(o.next - 1).comment_after)) {
        Report("sqli.tautology", "a value breaks out of its SQL context into a comparison",
               o.call ? 75 : 62, p, o.next);
      }
    }
    if ((t.Is("order") || t.Is("group")) && Tok(p + 1).Is("by")) {
      Operand o = ParseOperand(p + 2, p + kAhead - 2);
      if (o.ok) {
        Report("sqli.order_by", "a value breaks out of its SQL context into ORDER/GROUP BY",
               70, p, o.next);
      }
    }
    if (t.Is("having") || t.Is("where")) {
      size_t end = p + 1;
      Condition c = ParseCondition(p + 1, &end);
      if (c == Condition::kCompare || c == Condition::kLiteralCompare ||
          c == Condition::kCall) {
        Report("sqli.tautology",
               "a value breaks out of its SQL context into a HAVING/WHERE condition", 75, p,
               end);
      }
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
      Operand o = ParseOperand(p + 1, p + kAhead - 2);
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

  void Evaluate(size_t a) {
    if (a == 0) CheckBreakout(a);
    if (!StartsRule(a)) return;
    const Token& t = Tok(a);
    if (t.type == TokenType::kWord) {
      switch (t.word) {
        case Word::kUnion: {
          size_t j = a + 1;
          while (Tok(j).Is("all") || Tok(j).Is("distinct") || Tok(j).type == TokenType::kLParen) {
            ++j;
          }
          if (Tok(j).word == Word::kSelect &&
              (SelectShape(j + 1) || Tok(j + 1).type == TokenType::kEnd)) {
            Report("sqli.union", "UNION SELECT appends a query of the attacker's choice", 90, a,
                   j + 2);
          }
          break;
        }
        case Word::kSelect: {
          // A whole query: SELECT <list> FROM <table> [WHERE|LIMIT|;|end].
          if (!SelectShape(a + 1) || (a > 0 && Tok(a - 1).type != TokenType::kLParen)) break;
          if (a == 0 && SqlOnlyItem(1)) {
            // "select @@version", "select version();", "select * from t"
            size_t j = 1;
            while (j < kAhead - 2 && SqlOnlyItem(j)) {
              Operand o = ParseOperand(j, kAhead - 2);
              j = o.ok ? o.next : j + 1;
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
            if (Tok(k).type == TokenType::kDot) k += 2;
            const Token& n = Tok(k);
            size_t cond_end = k;
            bool where = n.Is("where") &&
                         ParseCondition(k + 1, &cond_end) >= Condition::kCompare;
            bool more = (n.Is("limit") || n.Is("order") || n.Is("group")) &&
                        Tok(k + 1).type != TokenType::kEnd;
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
                   a, SkipGroup(call, a + kAhead));
          } else if (t.word == Word::kErrorFunction) {
            Report("sqli.error_based",
                   "an error-message extraction function is called from injected SQL", 82, a,
                   SkipGroup(call, a + kAhead));
          } else {
            Report("sqli.function_call", "a file or command function is called from injected SQL",
                   82, a, SkipGroup(call, a + kAhead));
          }
          break;
        }
        case Word::kStatement:
          if (t.Is("waitfor") && (Tok(a + 1).Is("delay") || Tok(a + 1).Is("time")) &&
              Tok(a + 2).type == TokenType::kString) {
            Report("sqli.time_blind", "WAITFOR DELAY pauses the query", 85, a, a + 3);
          }
          break;
        case Word::kClause:
          if (t.Is("where") || t.Is("having") ||
              (t.Is("when") && a > 0 && Tok(a - 1).Is("case"))) {
            size_t end = a + 1;
            if (ParseCondition(a + 1, &end) == Condition::kLiteralCompare) {
              Report("sqli.tautology", "a WHERE/WHEN condition compares two constants", 70, a,
                     end);
            }
          }
          if (t.Is("into") && (Tok(a + 1).Is("outfile") || Tok(a + 1).Is("dumpfile")) &&
              Tok(a + 2).type == TokenType::kString) {
            Report("sqli.function_call", "query results are written to a file", 85, a, a + 3);
          }
          if (t.Is("from") && Tok(a + 1).Is("information_schema") &&
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
      if (c == Condition::kLiteralCompare) {
        Report("sqli.tautology", "a boolean condition compares two constants", 72, a, end);
      } else if (c == Condition::kCall && after_value) {
        Report("sqli.tautology", "a boolean condition runs a sub-select", 72, a, end);
      }
    }
    if (t.type == TokenType::kSemicolon) CheckStacked(a);
    if (t.type == TokenType::kVariable && Text(t).starts_with("@@") && t.length > 3 &&
        SqlPosition(a) && a > 0) {
      Report("sqli.function_call", "a server system variable is read", 66, a, a + 1);
    }
    if (t.type == TokenType::kWord && Tok(a + 1).type == TokenType::kLParen &&
        Tok(a + 2).type == TokenType::kRParen && a > 0 && SqlPosition(a) &&
        (t.Is("version") || t.Is("database") || t.Is("user") || t.Is("current_user") ||
         t.Is("system_user") || t.Is("session_user") || t.Is("schema") ||
         t.Is("current_database") || t.Is("db_name") || t.Is("suser_name"))) {
      Report("sqli.function_call", "a server identity function is called", 66, a, a + 3);
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
      if (shaped) {
        Report("sqli.union", "a parenthesized sub-select", 70, a, SkipGroup(a, a + kAhead));
      }
    }
    if ((t.Is("iif") || t.Is("if")) && Tok(a + 1).type == TokenType::kLParen) {
      Operand lhs = ParseOperand(a + 2, a + kAhead - 2);
      size_t cmp = lhs.ok ? ParseComparison(lhs.next) : 0;
      if (cmp != 0) {
        Operand rhs = ParseOperand(cmp, a + kAhead - 2);
        if (rhs.ok && lhs.literal && rhs.literal &&
            (Tok(rhs.next).type == TokenType::kComma ||
             Tok(rhs.next).word == Word::kSelect || Tok(rhs.next).Is("then"))) {
          Report("sqli.tautology", "a conditional on two constants probes the query", 70, a,
                 rhs.next);
        }
      }
    }
  }

  void CheckStacked(size_t a) {
    if (StatementShape(a + 1)) {
      Report("sqli.stacked", "a second SQL statement is stacked after ';'", 85, a, a + 3);
    }
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
      shaped = n.Is("table") || n.Is("database") || n.Is("user") || n.Is("procedure") ||
               n.Is("function") || n.Is("view") || n.Is("schema") || n.Is("login") ||
               n.Is("trigger") || n.Is("index");
    } else if (k.Is("exec") || k.Is("execute")) {
      std::string_view name(n.lower);
      const Token& after = Tok(s + 2);
      shaped = n.type == TokenType::kVariable || n.type == TokenType::kLParen ||
               (n.type == TokenType::kWord &&
                (name.starts_with("xp_") || name.starts_with("sp_") || name == "master" ||
                 after.type == TokenType::kDot || IsLiteral(after) ||
                 after.type == TokenType::kVariable || EndsAt(s + 2)));
    } else if (k.Is("declare")) {
      shaped = n.type == TokenType::kVariable;
    } else if (k.Is("set")) {
      shaped = n.type == TokenType::kVariable && Tok(s + 2).type == TokenType::kComparison;
    } else if (k.Is("shutdown")) {
      shaped = EndsAt(s + 1) || At(s).comment_after;
    } else if (k.Is("waitfor")) {
      shaped = n.Is("delay") || n.Is("time");
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
  size_t count_ = 0;
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

// What a word token can contribute to a finding on its own.
enum class Trigger : uint8_t {
  kNone,           // operands only (plain words, NOT, NULL/TRUE/FALSE)
  kAnywhere,       // a rule starts at this token wherever it is
  kAfterBreakout,  // only right after a quote or leading number (LIKE, IN, IS ...)
};

constexpr size_t kTriggerWords = std::size(sql::kKeywords) + std::size(kCalledByName);

constexpr std::array<WordEntry<Trigger>, kTriggerWords> MakeTriggerEntries() {
  std::array<WordEntry<Trigger>, kTriggerWords> e{};
  size_t n = 0;
  for (const WordEntry<Word>& k : sql::kKeywords) {
    Trigger t = Trigger::kAnywhere;
    if (k.value == Word::kNot || k.value == Word::kLiteral) t = Trigger::kNone;
    if (k.value == Word::kCompareWord) t = Trigger::kAfterBreakout;
    // Words that trigger nothing are left out (an empty entry is skipped).
    e[n++] = WordEntry<Trigger>{t == Trigger::kNone ? std::string_view() : k.word, t};
  }
  for (std::string_view w : kCalledByName) e[n++] = WordEntry<Trigger>{w, Trigger::kAnywhere};
  return e;
}
constexpr std::array<WordEntry<Trigger>, kTriggerWords> kTriggerEntries = MakeTriggerEntries();
constexpr WordTable<Trigger, 256> kTriggerTable(kTriggerEntries.data(), kTriggerEntries.size());
static_assert(kTriggerTable.size() * 2 <= 256);

// MayFindSql() looks for triggers only at letters.
constexpr bool TriggersStartWithLetters() {
  for (const WordEntry<Trigger>& e : kTriggerEntries) {
    if (!e.word.empty() && !(e.word[0] >= 'a' && e.word[0] <= 'z')) return false;
  }
  return true;
}
static_assert(TriggersStartWithLetters());

constexpr const std::array<bool, 256>& kWordByte = sql::kWordBytes;

inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

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

// A necessary condition for Scan() to report anything at or above the lowest
// threshold (60), decided in one pass without lexing. Every rule of Analysis
// (see the Report() calls) needs at least one of:
//  - a keyword token other than NOT/NULL/TRUE/FALSE, or one of the function
//    names in kCalledByName (every rule reached from Evaluate() and every
//    CheckBreakout() rule that tests a word);
//  - for LIKE/IN/IS/... (kCompareWord): a breakout, i.e. a quote (the quoted
//    contexts) or a value that starts with a number;
//  - "&&" or "||" (boolean joins), "@@" (system variables);
//  - in a quoted context, a comparison, operator, comment or ')' right after
//    the literal closes (a closed literal compared, probed with an
//    operator, or truncated by a comment: CheckBreakout() at the token
//    after the literal);
//  - '(' with an operator after a breakout (an expression with a call).
// Word tokens are the lexer's runs of word bytes; a run that starts with a
// digit is first read as a number (or as the version digits of a MySQL
// "/*!50000" comment), so any of its suffixes may be a word token.
bool MayFindSql(std::string_view text, const CharMask& mask) {
  const size_t n = text.size();
  const bool quote = mask.Has('\'') || mask.Has('"');
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
  for (char q : {'\'', '"'}) {
    if (!mask.Has(q)) continue;
    size_t e = ContextEnd(text, q);
    while (e < n && sql::IsSpaceByte(static_cast<unsigned char>(text[e]))) ++e;
    // A comparison or operator, a comment, or ')' (before either).
    if (e < n && std::string_view("=<>!+-*/%^~&|:#)").find(text[e]) != std::string_view::npos) {
      return true;
    }
  }
  if (breakout && mask.Has('(') && mask.HasAny("+-*/%^~!&|:")) return true;
  if (mask.Has('@') && text.find("@@") != std::string_view::npos) return true;
  if (mask.Has('&') && text.find("&&") != std::string_view::npos) return true;
  if (mask.Has('|') && text.find("||") != std::string_view::npos) return true;
  // The word token text[j, e), if it is one: a trigger?
  const auto triggers = [&](size_t j, size_t e) {
    const size_t len = e - j;
    if (!kTriggerTable.MayHave(LowerAscii(text[j]), len)) return false;
    char buf[WordTable<Trigger, 256>::kMaxWord];
    for (size_t k = 0; k < len; ++k) buf[k] = LowerAscii(text[j + k]);
    const Trigger t = kTriggerTable.Find(std::string_view(buf, len), Trigger::kNone);
    return t == Trigger::kAnywhere || (t == Trigger::kAfterBreakout && breakout);
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
      // Every trigger starts with a letter: try each suffix that does.
      for (size_t j = b + 1; j + 1 < i; ++j) {
        if (scan::IsAlpha(text[j]) && triggers(j, i)) return true;
      }
    } else if (triggers(b, i)) {
      return true;
    }
  }
  return false;
}

Finding Scan(std::string_view text, const CharMask& mask) {
  Finding best = Analysis(text, 0).Run();
  if (best.score < 90 && mask.Has('\'')) {
    Finding f = Analysis(text, '\'').Run();
    if (f.score > best.score) best = f;
  }
  if (best.score < 90 && mask.Has('"')) {
    Finding f = Analysis(text, '"').Run();
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
    bool from_raw = false;
    if (f.score < threshold && in.raw.data() != in.norm.data() && in.raw != in.norm) {
      CharMask raw_mask = CharMask::Of(in.raw);
      if (MaybeSql(raw_mask) && MayFindSql(in.raw, raw_mask)) {
        Finding r = Scan(in.raw, raw_mask);
        if (r.score > f.score) {
          f = r;
          from_raw = true;
        }
      }
    }
    if (f.score < threshold) return false;
    m->rule_id = f.rule_id;
    m->reason = std::string(f.reason);
    m->score = std::min(f.score, 100);
    // Offsets refer to `norm`; evidence found only in `raw` points at its start.
    m->offset = from_raw ? 0 : f.offset;
    m->length = from_raw ? std::min(f.length, in.norm.size()) : f.length;
    return true;
  }
};

}  // namespace

const Detector& SqliDetector() {
  static const SqliImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
