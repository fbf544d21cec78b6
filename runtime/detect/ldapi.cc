// LDAP filter injection: values that close the application's filter and open
// new ones ("*)(uid=*))(|(uid=*", "admin)(&)", "*)(|(objectClass=*)").
// Judged on LDAP filter grammar: a ")(" followed by an attribute assertion,
// a composite filter "(|(", "(&(", "(!(" holding an assertion, the absolute
// true/false filters "(&)" "(|)", wildcard closes "*)" before another paren,
// and objectClass=* probes. Parentheses in prose, emoticons and math do not
// carry an "attr=" assertion and are ignored.
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"

namespace fnguard::detect {
namespace {

using scan::IFind;

constexpr size_t kNpos = std::string_view::npos;

// An LDAP attribute assertion at `p`: attr (letters, digits, '-', ';', '.'),
// then =, ~=, >=, <= or :=.
bool AssertionAt(std::string_view v, size_t p) {
  size_t e = p;
  while (e < v.size() && e - p < 64 &&
         (scan::IsAlnum(v[e]) || v[e] == '-' || v[e] == ';' || v[e] == '.' || v[e] == '_')) {
    ++e;
  }
  if (e == p || !scan::IsAlpha(v[p])) return false;
  if (e < v.size() && v[e] == '=') return true;
  return e + 1 < v.size() && (v[e] == '~' || v[e] == '>' || v[e] == '<' || v[e] == ':') &&
         v[e + 1] == '=';
}

class LdapiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kLdapi; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.is_key) return false;
    std::string_view v = in.norm;
    if (!in.mask.Has('(') && !in.mask.Has(')')) return false;
    if (in.mask.Has('=')) {
      size_t p = IFind(v, "objectclass=*");
      if (p != kNpos) {
        return FillMatch(m, "ldapi.objectclass_probe", "LDAP objectClass=* presence probe", 85,
                         p, 13);
      }
    }
    for (size_t p = v.find(')'); p != kNpos; p = v.find(')', p + 1)) {
      size_t n = p + 1;
      if (n < v.size() && v[n] == '(') {
        size_t a = n + 1;
        if (a < v.size() && (v[a] == '|' || v[a] == '&' || v[a] == '!')) {
          if (a + 1 < v.size() && v[a + 1] == ')') {
            return FillMatch(m, "ldapi.absolute_filter",
                             "LDAP filter breakout with an absolute true/false filter", 85, p, 4);
          }
          size_t b = a + 1;
          if (b < v.size() && v[b] == '(') ++b;
          if (AssertionAt(v, b)) {
            return FillMatch(m, "ldapi.filter_breakout",
                             "LDAP filter breakout opening a composite filter", 90, p, b - p);
          }
        }
        if (AssertionAt(v, a) && (p == 0 || v[p - 1] == '*' || v[p - 1] == ')' ||
                                  scan::IsAlnum(v[p - 1]))) {
          // ")(attr=" : only with a wildcard or another paren around, so
          // "f(x)(y=2)" prose is not enough on its own.
          size_t eq = v.find('=', a);
          bool wildcard = (p > 0 && v[p - 1] == '*') ||
                          (eq != kNpos && eq + 1 < v.size() && v[eq + 1] == '*');
          bool closes = v.find(')', a) != kNpos;
          if (wildcard || (closes && (p == 0 || v[p - 1] == ')'))) {
            return FillMatch(m, "ldapi.filter_breakout",
                             "LDAP filter breakout adding an attribute assertion", 85, p,
                             a - p);
          }
        }
      }
    }
    // Composite filter with assertions: "(|(uid=*)(cn=*))", "*(|(mail=*))".
    for (size_t p = v.find('('); p != kNpos; p = v.find('(', p + 1)) {
      size_t a = p + 1;
      if (a + 1 < v.size() && (v[a] == '|' || v[a] == '&' || v[a] == '!') && v[a + 1] == '(' &&
          AssertionAt(v, a + 2)) {
        size_t eq = v.find('=', a + 2);
        if (eq != kNpos && eq + 1 < v.size() && (v[eq + 1] == '*' || v[eq + 1] == ')' ||
                                                  (p > 0 && v[p - 1] == '*'))) {
          return FillMatch(m, "ldapi.composite_filter",
                           "LDAP composite filter with a wildcard assertion", 85, p, eq + 2 - p);
        }
      }
    }
    // "*))" or "*)(" followed by end or NUL truncation.
    for (size_t p = v.find("*)"); p != kNpos; p = v.find("*)", p + 1)) {
      size_t n = p + 2;
      if (n < v.size() && (v[n] == ')' || v[n] == '(') &&
          (n + 1 >= v.size() || v[n + 1] == '(' || v[n + 1] == '|' || v[n + 1] == '&' ||
           v[n + 1] == ')' || v[n + 1] == '\0')) {
        return FillMatch(m, "ldapi.wildcard_close",
                         "LDAP wildcard that closes the filter and opens another", 80, p, 3);
      }
    }
    return false;
  }
};

}  // namespace

const Detector& LdapiDetector() {
  static const LdapiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
