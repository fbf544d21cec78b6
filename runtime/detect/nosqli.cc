// NoSQL (MongoDB) injection: query operators smuggled in as object keys
// ({"$ne": 1}, username[$ne]=1), operator objects inside string values, and
// JavaScript injected into $where / mapReduce strings ('; return true; //,
// this.password.match(/.*/), sleep(5000), while(true){}).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"
#include "runtime/detect/needle_set.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::IFind;
using scan::IsAlnum;

constexpr size_t kNpos = std::string_view::npos;

// ($comment only annotates a query, and JSON Schema documents use it as a
// keyword: it counts after a breakout only, IsWeakOperator().)
constexpr std::string_view kOperators[] = {
    "ne",      "eq",        "gt",          "gte",         "lt",      "lte",        "in",
    "nin",     "regex",     "where",       "exists",      "or",      "and",        "not",
    "nor",     "expr",      "function",    "accumulator", "lookup",  "elemmatch",  "size",
    "type",    "all",       "mod",         "text",        "search",  "jsonschema", "options",
    "comment", "set",       "unset",       "push",        "pull",    "inc",        "rename",
    "merge",   "out",       "group",       "match",       "project", "unionwith",  "graphlookup",
    "facet",   "addfields", "replaceroot", "natural",     "slice",
};

// Operators that decide nothing alone: $comment, and $type, which is also
// Json.NET's type annotation ({"$type": "Contoso.Orders.OrderCreated, ..."};
// the deserialization detector judges the type it names).
bool IsWeakOperator(std::string_view name) {
  return scan::IEquals(name, "comment") || scan::IEquals(name, "type");
}

// Whether a "$type" (ending before `e`) is given a BSON type number
// ({"$type": 2} matches every string: a reset token of any value), which
// Json.NET's "$type", a class name in a string, never is.
bool TypeCodeAfter(std::string_view v, size_t e) {
  if (e < 5 || !scan::IEquals(v.substr(e - 4, 4), "type")) return false;
  size_t k = e;
  if (k < v.size() && (v[k] == '"' || v[k] == '\'' || v[k] == ']')) ++k;
  k = scan::SkipSpaces(v, k);
  if (k >= v.size() || (v[k] != ':' && v[k] != '=')) return false;
  k = scan::SkipSpaces(v, k + 1);
  return k < v.size() && (scan::IsDigit(v[k]) || v[k] == '-');
}

// Whether v[0, p) closes a string and then an object or array ("' } ],"):
// the breakout a weak operator needs before it.
bool BreakoutBefore(std::string_view v, size_t p) {
  for (size_t q = 0; q < p && q < 256; ++q) {
    if (v[q] != '\'' && v[q] != '"') continue;
    size_t k = scan::SkipSpaces(v, q + 1);
    if (k < p && (v[k] == '}' || v[k] == ']')) return true;
  }
  return false;
}

// Length of a Mongo operator name starting at `p` (just after '$'), or 0.
size_t OperatorAt(std::string_view v, size_t p) {
  size_t e = p;
  while (e < v.size() && e - p < 16 && scan::IsAlpha(v[e])) ++e;
  if (e == p || (e < v.size() && IsAlnum(v[e]))) return 0;
  std::string_view name = v.substr(p, e - p);
  return scan::IEqualsAny(name, kOperators) ? e - p : 0;
}

// The first bytes of `words`, in either case.
template <size_t N>
constexpr std::array<bool, 256> FirstBytes(const std::string_view (&words)[N]) {
  std::array<bool, 256> first{};
  for (std::string_view w : words) {
    const char c = scan::Lower(w[0]);
    first[static_cast<unsigned char>(c)] = true;
    if (scan::IsAlpha(c)) first[static_cast<unsigned char>(c - 32)] = true;
  }
  return first;
}

// The loop below reports a sink only when it follows (past spaces) ';', '{',
// "&&" or "||", or when it is "db." at the start of the value: true when
// some sink does, a necessary condition found with memchr jumps.
// `first`: FirstBytes() of the sinks (most joins in a long run of them are
// followed by none of them).
template <size_t N>
bool SinkAfterJoin(std::string_view v, const std::string_view (&sinks)[N],
                   const std::array<bool, 256>& first) {
  const auto sink_at = [&](size_t j) {
    const auto at = [&](size_t k) {
      if (k >= v.size() || !first[static_cast<unsigned char>(v[k])]) return false;
      for (std::string_view s : sinks) {
        if (IAt(v, k, s)) return true;
      }
      return false;
    };
    j = scan::SkipSpaces(v, j);
    if (at(j)) return true;
    // "return db.users.find()", "return(db.x...)": the sink returned by the
    // statement.
    return IAt(v, j, "return") && j + 6 < v.size() &&
           (scan::IsSpace(v[j + 6]) || v[j + 6] == '(') &&
           at(scan::SkipSpaces(v, j + (v[j + 6] == '(' ? 7 : 6)));
  };
  if (IAt(v, scan::SkipSpaces(v, 0), "db.") || IAt(v, 0, "this.")) return true;
  for (char join : {';', '{'}) {
    for (size_t k = v.find(join); k != kNpos; k = v.find(join, k + 1)) {
      if (sink_at(k + 1)) return true;
    }
  }
  for (char join : {'&', '|'}) {
    for (size_t k = v.find(join); k != kNpos; k = v.find(join, k + 1)) {
      if (k + 1 < v.size() && v[k + 1] == join && sink_at(k + 2)) return true;
    }
  }
  return false;
}

// Whether `v` breaks out of a string and ends the statement (its first quote
// is followed by ';'), then loops ("while (", "for(", "do {") on a clock
// read (Date) compared with '<' or '>': a JavaScript busy wait.
bool BusyWaitAfterBreakout(std::string_view v) {
  // (Two searches for one byte each: find_first_of() compares byte by byte.)
  const size_t q = std::min(v.find('\''), v.find('"'));
  if (q == kNpos) return false;
  const size_t semi = scan::SkipSpaces(v, q + 1);
  if (semi >= v.size() || v[semi] != ';') return false;
  const std::string_view rest = v.substr(semi + 1);
  if (IFind(rest, "date") == kNpos || rest.find_first_of("<>") == kNpos) return false;
  for (std::string_view loop : {"while", "for", "do"}) {
    for (size_t p = IFind(rest, loop); p != kNpos; p = IFind(rest, loop, p + 1)) {
      if (p > 0 && (IsAlnum(rest[p - 1]) || rest[p - 1] == '_' || rest[p - 1] == '.')) continue;
      const size_t a = scan::SkipSpaces(rest, p + loop.size());
      if (a < rest.size() && rest[a] == (loop == "do" ? '{' : '(')) return true;
    }
  }
  return false;
}

// Whether the operands around the "==" at `eq` (the left one starting at
// `from`) are two different bare names.
bool DifferentNamesCompared(std::string_view v, size_t from, size_t eq) {
  const auto name_at = [&](size_t a, size_t* end) {
    a = scan::SkipSpaces(v, a);
    size_t e = a;
    if (e < v.size() && scan::IsAlpha(v[e])) {
      while (e < v.size() && (scan::IsAlnum(v[e]) || v[e] == '_')) ++e;
    }
    *end = e;
    return v.substr(a, e - a);
  };
  size_t left_end = 0;
  const std::string_view left = name_at(from, &left_end);
  if (left.empty() || scan::SkipSpaces(v, left_end) != eq) return false;
  size_t r = eq + 2;
  if (r < v.size() && v[r] == '=') ++r;
  size_t right_end = 0;
  const std::string_view right = name_at(r, &right_end);
  return !right.empty() && left != right &&
         (right_end == v.size() || !(scan::IsAlnum(v[right_end]) || v[right_end] == '.' ||
                                     v[right_end] == '(' || v[right_end] == '['));
}

class NosqliImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kNosqli; }

  // Neo4j Cypher injected into a string of a query the application builds:
  // a quote (and the brackets it closes), then a clause, and a construct
  // only Cypher has further on: a node pattern after MATCH ("MATCH (n)",
  // "MATCH (k:ApiKey)") with a clause or comment after it, DETACH DELETE,
  // a procedure of db. or apoc.; or LOAD CSV FROM, which also fetches a URL.
  static bool CypherInjection(std::string_view v, Match* m) {
    // Each check starts at a quote; the quotes are found with memchr, one
    // cursor per kind, so prose is not read byte by byte.
    size_t next_single = v.find('\'');
    size_t next_double = v.find('"');
    for (int quotes = 0; quotes < 64; ++quotes) {
      const size_t q = std::min(next_single, next_double);
      if (q == kNpos) break;
      if (q == next_single) {
        next_single = v.find('\'', q + 1);
      } else {
        next_double = v.find('"', q + 1);
      }
      // "LOAD CSV FROM 'https://...'": read back from the quote.
      size_t b = q;
      while (b > 0 && scan::IsSpace(v[b - 1])) --b;
      if (b >= 13 && (v[b - 1] | 0x20) == 'm' && IAt(v, b - 4, "from") &&
          scan::IsSpace(v[b - 5])) {
        size_t c = b - 5;
        while (c > 0 && scan::IsSpace(v[c - 1])) --c;
        if (c >= 8 && IAt(v, c - 3, "csv") && scan::IsSpace(v[c - 4])) {
          size_t l = c - 4;
          while (l > 0 && scan::IsSpace(v[l - 1])) --l;
          if (l >= 4 && IAt(v, l - 4, "load") && (l == 4 || !IsAlnum(v[l - 5]))) {
            return FillMatch(m, "nosqli.cypher_injection",
                             "Cypher LOAD CSV FROM a URL (reads a file or sends data out)", 85,
                             l - 4, q - (l - 4));
          }
        }
      }
      size_t k = q + 1;
      while (k < v.size() && (v[k] == ' ' || v[k] == '\t' || v[k] == '}' || v[k] == ')' ||
                              v[k] == ']')) {
        ++k;
      }
      if (k == q + 1 && k < v.size() && v[k] != ' ') continue;
      // The clauses' first letters.
      if (k >= v.size() || std::string_view("rmwcuod").find(static_cast<char>(v[k] | 0x20)) ==
                               kNpos) {
        continue;
      }
      bool clause = false;
      for (std::string_view w : {"return ", "match ", "match(", "with ", "call ", "union ",
                                 "optional match", "merge ", "create ", "detach delete"}) {
        clause = clause || IAt(v, k, w);
      }
      if (!clause) continue;
      const std::string_view rest = v.substr(k, 1024);
      bool cypher = IFind(rest, "detach delete") != kNpos || IFind(rest, "call db.") != kNpos ||
                    IFind(rest, "call apoc.") != kNpos;
      for (size_t p = IFind(rest, "match"); !cypher && p != kNpos; p = IFind(rest, "match", p + 5)) {
        size_t a = scan::SkipSpaces(rest, p + 5);
        if (a >= rest.size() || rest[a] != '(') continue;
        size_t e = a + 1;
        while (e < rest.size() && e - a < 40 && (IsAlnum(rest[e]) || rest[e] == '_' || rest[e] == ':')) {
          ++e;
        }
        // ... and another clause after the pattern.
        if (e < rest.size() && (rest[e] == ')' || rest[e] == '{') && e > a + 1) {
          const std::string_view after = rest.substr(e);
          for (std::string_view w : {"return", "delete", "with", "set ", "yield", "//"}) {
            cypher = cypher || IFind(after, w) != kNpos;
          }
        }
      }
      if (cypher) {
        return FillMatch(m, "nosqli.cypher_injection",
                         "A quoted value is closed and Cypher clauses follow", 80, q,
                         std::min<size_t>(v.size() - q, 64));
      }
    }
    return false;
  }

  // A value that is a path into a document store's HTTP API: CouchDB's
  // "_all_docs" and design-document views, Elasticsearch's "_search",
  // "_cat" and cluster endpoints (after an index name or not). An
  // application that joins the value to its store's URL hands over every
  // document ("/_all_docs?include_docs=true", "_search?q=*&size=10000").
  static bool StoreEndpoint(std::string_view v, Match* m) {
    // Every endpoint's name opens a segment with '_'.
    if (v[0] != '_' && v.find("/_") == kNpos) return false;
    size_t k = 0;
    while (IAt(v, k, "../") || IAt(v, k, "./")) k += v[k + 1] == '.' ? 3 : 2;
    if (k < v.size() && v[k] == '/') ++k;
    for (int segment = 0; segment < 2 && k < v.size(); ++segment) {
      size_t e = k;
      while (e < v.size() && e - k < 64 && v[e] != '/' && v[e] != '?' && v[e] != '#') ++e;
      const std::string_view name = v.substr(k, e - k);
      const bool ends = e == v.size() || v[e] == '/' || v[e] == '?';
      if (!name.empty() && name[0] == '_') {
        static constexpr std::string_view kEndpoints[] = {
            "_all_docs", "_search",  "_cat",     "_cluster", "_nodes",           "_bulk",
            "_mapping",  "_aliases", "_snapshot", "_msearch", "_delete_by_query", "_update_by_query",
            "_find",     "_changes", "_users",   "_config"};
        bool hit = ends && scan::IEqualsAny(name, kEndpoints);
        if (!hit && name == "_design" && e < v.size() && v[e] == '/') {
          const std::string_view rest = v.substr(e, 256);
          hit = rest.find("/_view/") != kNpos || rest.find("/_show/") != kNpos ||
                rest.find("/_list/") != kNpos || rest.find("/_update/") != kNpos;
        }
        if (!hit) return false;
        return FillMatch(m, "nosqli.store_endpoint",
                         "Value is a path to a document store's API endpoint (" +
                             std::string(name) + ")",
                         80, k, e - k);
      }
      // An index or database name before the endpoint: one plain segment.
      if (e >= v.size() || v[e] != '/' || name.empty()) return false;
      for (char c : name) {
        if (!scan::IsAlnum(c) && c != '-' && c != '.' && c != '*' && c != ',') return false;
      }
      k = e + 1;
    }
    return false;
  }

  // Calls of DynamoDB's condition functions and of Redis's Lua API, found
  // from each '(' by the name before it:
  // - a DynamoDB condition or filter expression extended with OR or AND
  //   around one of its functions ("x OR attribute_exists(id)",
  //   "attribute_exists(pk) OR #r = :r"): the value was to be a name or an
  //   operand, and now the condition holds for every item;
  // - a Lua script for Redis's EVAL that calls back into the server
  //   ("EVAL \"return redis.call('CONFIG','GET','*')\" 0"); Lua's names are
  //   case-sensitive.
  static bool StoreCall(std::string_view v, Match* m) {
    for (size_t p = v.find('('); p != kNpos; p = v.find('(', p + 1)) {
      size_t b = p;
      while (b > 0 && p - b < 24 && (scan::IsWordChar(v[b - 1]) || v[b - 1] == '.')) --b;
      const std::string_view name = v.substr(b, p - b);
      if (name == "redis.call" || name == "redis.pcall") {
        return FillMatch(m, "nosqli.redis_script", "Redis Lua script calling a server command",
                         80, b, name.size());
      }
      if (name.size() < 11 || !scan::IEqualsAny(name, {"attribute_exists", "attribute_not_exists",
                                                       "attribute_type", "begins_with"})) {
        continue;
      }
      size_t w = b;
      while (w > 0 && (scan::IsSpace(v[w - 1]) || (v[w - 1] == '(' && b - w < 4))) --w;
      const bool before = (w >= 2 && IAt(v, w - 2, "or") && (w == 2 || !scan::IsAlnum(v[w - 3]))) ||
                          (w >= 3 && IAt(v, w - 3, "and") && (w == 3 || !scan::IsAlnum(v[w - 4])));
      const size_t close = v.substr(0, p + 256).find(')', p + 1);  // (bounded)
      if (close == kNpos) continue;
      const size_t a = scan::SkipSpaces(v, close + 1);
      const bool after = (IAt(v, a, "or") && a + 2 < v.size() && scan::IsSpace(v[a + 2])) ||
                         (IAt(v, a, "and") && a + 3 < v.size() && scan::IsSpace(v[a + 3]));
      // A key condition joins its sort key's begins_with() with AND, as
      // every query of a range does: only OR widens it.
      const bool or_before = before && !(w >= 3 && IAt(v, w - 3, "and"));
      const bool or_after = after && IAt(v, a, "or");
      if (scan::IEquals(name, "begins_with") ? (or_before || or_after) : (before || after)) {
        return FillMatch(m, "nosqli.dynamodb_expression",
                         "DynamoDB condition expression joined with OR/AND around " +
                             std::string(name),
                         80, b, close + 1 - b);
      }
    }
    return false;
  }

  // A DynamoDB expression made true for every item by a condition ORed with
  // its own negation, on the same name and placeholder:
  // "tenant_id = :t OR tenant_id <> :t", "contains(a, :x) OR NOT contains(a, :x)".
  static bool DynamoSelfNegation(std::string_view v, Match* m) {
    // An expression attribute value's placeholder (":t" after a blank, '(',
    // ',' or a comparison) must occur: prose's colons are followed by blanks.
    bool placeholder = false;
    for (size_t k = v.find(':'); k != kNpos && !placeholder; k = v.find(':', k + 1)) {
      placeholder = k > 0 && k + 1 < v.size() && (scan::IsAlpha(v[k + 1]) || v[k + 1] == '_') &&
                    (v[k - 1] == ' ' || v[k - 1] == '(' || v[k - 1] == ',' || v[k - 1] == '=' ||
                     v[k - 1] == '<' || v[k - 1] == '>');
    }
    if (!placeholder) return false;
    // The condition that ends at `e` (back to '(', a comma-free start or
    // AND/OR), trimmed.
    const auto trim = [](std::string_view t) {
      while (!t.empty() && scan::IsSpace(t.front())) t.remove_prefix(1);
      while (!t.empty() && scan::IsSpace(t.back())) t.remove_suffix(1);
      return t;
    };
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNegations = {{
        {"=", "<>"}, {"<>", "="}, {"<", ">="}, {">=", "<"}, {">", "<="}, {"<=", ">"}}};
    int checks = 8;
    for (size_t o = IFind(v, " or "); o != kNpos && checks-- > 0; o = IFind(v, " or ", o + 4)) {
      const std::string_view left = trim(v.substr(o >= 96 ? o - 96 : 0, o >= 96 ? 96 : o));
      std::string_view right = trim(v.substr(o + 4, 96));
      // Each side ends at a ')' that closes nothing of it, or at AND/OR.
      const auto clip_right = [&](std::string_view t) {
        int depth = 0;
        for (size_t k = 0; k < t.size(); ++k) {
          if (t[k] == '(') ++depth;
          if ((t[k] == ')' && --depth < 0) || t[k] == '"') return trim(t.substr(0, k));
          if (depth == 0 && k > 0 && (IAt(t, k, " or ") || IAt(t, k, " and "))) {
            return trim(t.substr(0, k));
          }
        }
        return t;
      };
      size_t from = left.size();
      int depth = 0;
      while (from > 0) {
        const char c = left[from - 1];
        if (c == ')') ++depth;
        if (c == '(' && --depth < 0) break;
        if (c == '"' || (depth == 0 && from >= 4 &&
                         (IAt(left, from - 4, " or ") || IAt(left, from - 4, "and ")))) {
          break;
        }
        --from;
      }
      const std::string_view a = trim(left.substr(from));
      std::string_view b = clip_right(right);
      if (a.empty() || a.find(':') == kNpos) continue;
      if (IAt(b, 0, "not ") && trim(b.substr(4)) == a) {
        return FillMatch(m, "nosqli.dynamodb_expression",
                         "DynamoDB condition ORed with its own negation", 80, o, 4);
      }
      for (const auto& [op, neg] : kNegations) {
        const size_t pa = a.find(op);
        const size_t pb = b.find(neg);
        if (pa == kNpos || pb == kNpos || pa == 0 || pb == 0) continue;
        const std::string_view na = trim(a.substr(0, pa)), va = trim(a.substr(pa + op.size()));
        const std::string_view nb = trim(b.substr(0, pb)), vb = trim(b.substr(pb + neg.size()));
        if (na == nb && va == vb && !va.empty() && va[0] == ':' && !na.empty() &&
            na.find_first_of("<>=") == kNpos && va.find_first_of("<>=") == kNpos) {
          return FillMatch(m, "nosqli.dynamodb_expression",
                           "DynamoDB condition ORed with its own negation", 80, o, 4);
        }
      }
    }
    return false;
  }

  // A Lucene query string (Elasticsearch/OpenSearch query_string, Solr)
  // widened by OR to every document, or to those holding a field the query
  // was never to reach: "x OR _exists_:password", "x) OR (_index:users-*",
  // "x OR *:*".
  // An Elasticsearch script that rewrites the documents it runs on
  // ("ctx._source.role = 'admin'" in an update-by-query): a value the
  // application puts into a script's source, or a whole script object.
  static bool PainlessAssignment(std::string_view v, Match* m) {
    int checks = 8;
    for (size_t p = scan::Find(v, "ctx._source"); p != kNpos && checks-- > 0;
         p = scan::Find(v, "ctx._source", p + 11)) {
      size_t k = p + 11;
      // The field: ".name" or "['name']" / "[\"name\"]", possibly nested.
      while (k < v.size() && k - p < 96 &&
             (scan::IsWordChar(v[k]) || v[k] == '.' || v[k] == '[' || v[k] == ']' ||
              v[k] == '\'' || v[k] == '"' || v[k] == '\\')) {
        ++k;
      }
      k = scan::SkipSpaces(v, k);
      const bool assigns = k + 1 < v.size() &&
                           ((v[k] == '=' && v[k + 1] != '=') ||
                            ((v[k] == '+' || v[k] == '-') && v[k + 1] == '='));
      const bool removes = scan::IAt(v, k, ".remove(");
      if (assigns || removes) {
        return FillMatch(m, "nosqli.es_script",
                         "Elasticsearch script that rewrites the documents it runs on", 75, p,
                         k + 1 - p);
      }
    }
    return false;
  }

  static bool LuceneWidening(std::string_view v, Match* m) {
    int checks = 8;
    // (Lucene's operators are upper case: "OR" is searched for as it is.)
    for (size_t o = scan::Find(v, "OR "); o != kNpos && checks-- > 0;
         o = scan::Find(v, "OR ", o + 3)) {
      if (o > 0 && !scan::IsSpace(v[o - 1]) && v[o - 1] != ')') continue;
      size_t k = scan::SkipSpaces(v, o + 3);
      while (k < v.size() && v[k] == '(') k = scan::SkipSpaces(v, k + 1);
      const std::string_view rest = v.substr(k, 16);
      // ... or "field:*": every document that has the field at all.
      size_t f = 0;
      while (f < rest.size() && (scan::IsWordChar(rest[f]) || (f > 0 && rest[f] == '.'))) ++f;
      const bool any_value = f > 0 && f + 2 <= rest.size() && rest[f] == ':' && rest[f + 1] == '*' &&
                             (f + 2 == rest.size() || rest[f + 2] == ' ' || rest[f + 2] == ')' ||
                              rest[f + 2] == '"');
      if (rest.starts_with("_exists_:") || rest.starts_with("_index:") ||
          rest.starts_with("*:*") || any_value) {
        return FillMatch(m, "nosqli.lucene_query",
                         "Lucene query string widened by OR to documents it was not to reach",
                         75, o, k + 3 - o);
      }
      // "*) OR (role:admin": a ')' that closes the application's group
      // (the value opened none before it), OR, and a new group on a field.
      if (k > o + 3 && v[k - 1] == '(' && f > 0 && f < rest.size() && rest[f] == ':' &&
          f + 1 < rest.size() && rest[f + 1] != ' ' && rest[f + 1] != '/') {
        int depth = 0;
        bool closed_outer = false;
        for (size_t i = 0; i < o && !closed_outer; ++i) {
          depth += v[i] == '(';
          // (After a term: a word, a wildcard or a quote; ":)" is a smile.)
          if (v[i] == ')') {
            closed_outer = --depth < 0 && i > 0 &&
                           (scan::IsAlnum(v[i - 1]) || v[i - 1] == '*' || v[i - 1] == '"' ||
                            v[i - 1] == '\'');
          }
        }
        if (closed_outer) {
          return FillMatch(m, "nosqli.lucene_query",
                           "Lucene query string broken out of its group and widened by OR", 75,
                           o, k + f - o);
        }
      }
    }
    return false;
  }

  // DynamoDB's legacy comparison given where a plain value was expected:
  // {"ComparisonOperator": "GT", "AttributeValueList": [...]}, inside a
  // value or as a field of its own.
  static bool DynamoOperator(const Input& in, std::string_view v, Match* m) {
    static constexpr std::string_view kOperators[] = {
        "eq", "ne", "le", "lt", "ge", "gt", "not_null", "null", "contains", "not_contains",
        "begins_with", "in", "between"};  // lower case, as IEqualsAny() takes them
    if (in.path.size() >= 18 && scan::IEndsWith(in.path, "comparisonoperator") &&
        scan::IEqualsAny(v, kOperators)) {
      return FillMatch(m, "nosqli.operator_injection",
                       "DynamoDB ComparisonOperator given in a request field", 80, 0, v.size());
    }
    if (!in.mask.Has('"') || !in.mask.Has(':') || v.size() < 24) return false;
    // (DynamoDB's keys are case-sensitive.)
    for (size_t p = scan::Find(v, "\"ComparisonOperator\""); p != kNpos;
         p = scan::Find(v, "\"ComparisonOperator\"", p + 1)) {
      size_t k = scan::SkipSpaces(v, p + 20);
      if (k >= v.size() || v[k] != ':') continue;
      k = scan::SkipSpaces(v, k + 1);
      if (k >= v.size() || v[k] != '"') continue;
      const size_t e = v.find('"', k + 1);
      if (e != kNpos && scan::IEqualsAny(v.substr(k + 1, e - k - 1), kOperators)) {
        return FillMatch(m, "nosqli.operator_injection",
                         "DynamoDB ComparisonOperator object given where a value was expected",
                         80, p, e + 1 - p);
      }
    }
    return false;
  }

  bool Inspect(const Input& in, Match* m) const override {
    std::string_view v = in.norm;
    if (in.mask.HasAny("'\"") && in.mask.HasAny("(.") && CypherInjection(v, m)) return true;
    if (in.mask.Has('_') && !v.empty() && StoreEndpoint(v, m)) return true;
    if (in.mask.Has('(') && in.mask.HasAny("_.") && StoreCall(v, m)) return true;
    if (DynamoOperator(in, v, m)) return true;
    if (in.mask.Has(':') && in.mask.HasAny("_*)") && LuceneWidening(v, m)) return true;
    static constexpr uint64_t kCtxSourceNeeds = CharMask::AlnumOf("ctxsource");
    if (in.mask.Has('_') && in.mask.HasAny("=(") && in.mask.HasAlnumOf(kCtxSourceNeeds) &&
        PainlessAssignment(v, m)) {
      return true;
    }
    if (in.mask.Has(':') && in.mask.HasAny("<>=(") && v.size() >= 12 && DynamoSelfNegation(v, m)) {
      return true;
    }
    if (in.is_key) {
      if (v.size() > 1 && v[0] == '$' && OperatorAt(v, 1) == v.size() - 1 &&
          !IsWeakOperator(v.substr(1))) {
        return FillMatch(m, "nosqli.operator_key",
                         "MongoDB query operator " + std::string(v) + " as an object key", 90, 0,
                         v.size());
      }
    }
    // username[$ne]=... arrives as a field path ending in "[$ne]".
    for (size_t p = scan::Find(in.path, "[$"); p != kNpos; p = scan::Find(in.path, "[$", p + 2)) {
      size_t n = OperatorAt(in.path, p + 2);
      if (n > 0 && p + 2 + n < in.path.size() && in.path[p + 2 + n] == ']') {
        return FillMatch(m, "nosqli.operator_param",
                         "MongoDB operator in a parameter name (" +
                             std::string(in.path.substr(p, n + 3)) + ")",
                         90, 0, v.size());
      }
    }
    if (!in.mask.Has('$') && !in.mask.Has('=') && !in.mask.Has('(') && !in.mask.Has('|') &&
        !in.mask.Has('&') && !in.mask.Has(';')) {
      return false;
    }
    if (in.mask.Has('$')) {
      for (size_t p = v.find('$'); p != kNpos; p = v.find('$', p + 1)) {
        size_t n = OperatorAt(v, p + 1);
        if (n == 0) continue;
        size_t e = p + 1 + n;
        char before = p > 0 ? v[p - 1] : ' ';
        // [$ne]=  /  {"$gt":  /  {$where:  /  , $where:
        bool bracket = before == '[' && e < v.size() && v[e] == ']';
        size_t a = e;
        if (a < v.size() && (v[a] == '"' || v[a] == '\'')) ++a;
        a = scan::SkipSpaces(v, a);
        bool keyish = a < v.size() && v[a] == ':' &&
                      (before == '"' || before == '\'' || before == '{' || before == ',' ||
                       before == ' ' || p == 0);
        if (keyish) {
          size_t q = p;
          while (q > 0 && (v[q - 1] == '"' || v[q - 1] == '\'' || v[q - 1] == ' ')) --q;
          bool in_object = q == 0 || v[q - 1] == '{' || v[q - 1] == ',';
          if (!in_object) keyish = false;
        }
        if ((bracket || keyish) &&
            (!IsWeakOperator(v.substr(p + 1, n)) || TypeCodeAfter(v, p + 1 + n) ||
             BreakoutBefore(v, p))) {
          return FillMatch(m, "nosqli.operator_injection",
                           "MongoDB query operator $" + std::string(v.substr(p + 1, n)) +
                               " injected into a value",
                           90, p, n + 1);
        }
      }
    }
    // JavaScript injected into a $where string.
    static constexpr std::string_view kJsSinks[] = {
        "this.",        "return true", "return 1",   "return(true)", "return(1)",   "sleep(",       "while(true)",
        "while (true)", "db.",         "new date()", "tojson(",      "emit(",
        "objectid(",    "isodate(",    "function(",  "process.",     "require(",
    };
    static constexpr std::array<bool, 256> kJsSinkFirst = FirstBytes(kJsSinks);
    static const NeedleSet kAnyJsSink(kJsSinks);
    if (in.mask.HasAny("'\";|&") || (in.mask.Has('(') && scan::IAt(v, 0, "db.")) ||
        scan::IAt(v, 0, "this.")) {
      const bool any_sink = SinkAfterJoin(v, kJsSinks, kJsSinkFirst) && kAnyJsSink.AnyIn(v);
      for (std::string_view s : kJsSinks) {
        if (!any_sink) break;
        size_t p = IFind(v, s);
        if (p == kNpos) continue;
        // Must follow a string break or a boolean join: "'; ", "' && ", "|| ".
        size_t b = p;
        while (b > 0 && scan::IsSpace(v[b - 1])) --b;
        // A sink returned by the injected statement ("'; return db.users.find();")
        // follows the break as closely.
        // ("return(db.x...)": the returned expression in parentheses.)
        if (b > 0 && v[b - 1] == '(' && b >= 7 && IAt(v, b - 7, "return")) --b;
        if (b >= 6 && IAt(v, b - 6, "return") && (b == 6 || !scan::IsCodeIdentChar(v[b - 7])) &&
            (b < p || v[b] == '(')) {
          b -= 6;
          while (b > 0 && scan::IsSpace(v[b - 1])) --b;
        }
        std::string_view left = v.substr(0, b);
        // A whole $where expression: the value is the condition itself
        // ("this.password.match(/.*/)//").
        bool breakout = (s == "db." && b == 0 && v.find('(') != kNpos) ||
                        (s == "this." && b == 0) || scan::IEndsWith(left, ";") ||
                        scan::IEndsWith(left, "&&") || scan::IEndsWith(left, "||") ||
                        scan::IEndsWith(left, "{");
        if (!breakout) continue;
        // "{ return 1; }" or "{ this.name = name; }" without a quote to
        // break out of is a function body written out, as in a code snippet;
        // "'}; return true; {'" has one.
        if ((IAt(s, 0, "return") || s == "this.") && scan::IEndsWith(left, "{") &&
            !in.mask.HasAny("'\"")) {
          continue;
        }
        if (s == "db." && IFind(v, "find") == kNpos && IFind(v, "drop") == kNpos &&
            IFind(v, "insert") == kNpos && IFind(v, "update") == kNpos &&
            IFind(v, "remove") == kNpos && IFind(v, "getcollection") == kNpos) {
          continue;
        }
        if (s == "this." && IFind(v, "match(") == kNpos && scan::Find(v, "==") == kNpos &&
            scan::Find(v, "!=") == kNpos && v.find('<') == kNpos && v.find('>') == kNpos) {
          continue;
        }
        // Without a quote, only a number then ';' ends a numeric $where
        // ("1; while(true){}") the way a quote ends a string.
        const auto numeric_statement = [&left] {
          size_t k = scan::SkipSpaces(left, 0);
          const size_t digits = k;
          while (k < left.size() && (scan::IsDigit(left[k]) || left[k] == '.')) ++k;
          return k > digits && scan::SkipSpaces(left, k) + 1 == left.size() && left.back() == ';';
        };
        if (v.find('\'') == kNpos && v.find('"') == kNpos && s != "this." && s != "sleep(" &&
            s != "db." && !IAt(s, 0, "return") && !numeric_statement()) {
          continue;
        }
        return FillMatch(m, "nosqli.js_injection",
                         "JavaScript injected into a MongoDB $where expression", 85, p,
                         s.size());
      }
      // A busy wait on the clock run where the value breaks out of a string
      // and ends the statement, as a server-side JavaScript timing probe
      // does: "';var t=Date.now();while(Date.now()-t<5000);", "\";do{x=new
      // Date()}while(x-s<3000);//". The value's first quote closes the
      // literal; in a code snippet it opens one.
      if (BusyWaitAfterBreakout(v)) {
        return FillMatch(m, "nosqli.js_injection",
                         "JavaScript busy wait on the clock after a string breakout", 80, 0,
                         v.size());
      }
      // A function expression run where the value breaks out of a string,
      // as a server-side JavaScript timing probe does:
      // "'+(function(){...})()+'", "' (function(){...}()) '".
      for (size_t f = scan::Find(v, "(function"); f != kNpos;
           f = scan::Find(v, "(function", f + 9)) {
        size_t b = f;
        while (b > 0 && scan::IsSpace(v[b - 1])) --b;
        if (b > 0 && v[b - 1] == '+') {
          --b;
          while (b > 0 && scan::IsSpace(v[b - 1])) --b;
        }
        if (b == 0 || (v[b - 1] != '\'' && v[b - 1] != '"')) continue;
        size_t a = scan::SkipSpaces(v, f + 9);
        while (a < v.size() && a - f < 48 && (IsAlnum(v[a]) || v[a] == '_')) ++a;
        a = scan::SkipSpaces(v, a);
        if (a < v.size() && v[a] == '(') {
          return FillMatch(m, "nosqli.js_injection",
                           "JavaScript function expression run where the value breaks out of a "
                           "string",
                           80, b - 1, a + 1 - (b - 1));
        }
      }
      // ' || 'a'=='a   /   || 1==1   (JavaScript equality; SQL uses '=').
      // The join is looked for in the 24 bytes before the "==" only, so that
      // many of them stay linear.
      for (size_t p = scan::Find(v, "=="); p != kNpos; p = scan::Find(v, "==", p + 2)) {
        const size_t from = p > 24 ? p - 24 : 0;
        const std::string_view before = v.substr(from, p - from);
        const size_t j = before.rfind("||");
        const size_t k = before.rfind("&&");
        if (j == kNpos && k == kNpos) continue;
        const size_t join = from + (j == kNpos ? k : (k == kNpos ? j : std::max(j, k)));
        std::string_view mid = v.substr(join + 2, p - join - 2);
        bool simple = true;
        for (char c : mid) simple = simple && (IsAlnum(c) || c == ' ' || c == '\'' || c == '"');
        // Two different names compared ("a != b || c == d") are a
        // condition, not one that is always true.
        if (simple && DifferentNamesCompared(v, join + 2, p)) simple = false;
        if (simple) {
          return FillMatch(m, "nosqli.js_tautology",
                           "JavaScript tautology joined with || or && (MongoDB $where)", 75,
                           join, p + 2 - join);
        }
      }
    }
    return false;
  }
};

}  // namespace

const Detector& NosqliDetector() {
  static const NosqliImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
