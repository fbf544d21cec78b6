// LDAP filter and DN injection: values that close the application's filter
// and open new ones ("*)(uid=*))(|(uid=*", "admin)(&)", "*)(|(objectClass=*)"),
// inject a composite or presence filter, truncate the filter with a NUL, or
// add RDNs to a distinguished name ("jdoe,ou=admins").
// Judged on LDAP filter grammar (RFC 4515): a ")(" followed by an attribute
// assertion or a composite filter, a composite filter "(|(", "(&(", "(!("
// holding an assertion, the absolute true/false filters "(&)" "(|)",
// wildcard closes "*)" before another paren, presence filters "(attr=*)",
// objectClass=* probes, and runs of filter metacharacters with nothing else.
// Whitespace next to filter punctuation is ignored and the filter escapes of
// metacharacters ("\28", "\2a") are decoded first. Parentheses in prose,
// emoticons and math do not carry an "attr=" assertion and are ignored; a
// lone wildcard ("*") or a trailing one ("admin*") is an ordinary search.
// A value that is nothing but one to three of the filter's structural
// characters ("(", ")", "|", "&", "!", "*|") is the probe an attacker sends
// first to see whether a field reaches a filter (an unbalanced filter makes
// the directory answer with an error). It is reported with a lower score,
// except in headers and in fields named as a delimiter or an operator
// ("sep", "delimiter", "op"), where such a value is a setting. A wildcard
// in a field that names one account ("username=admin*", "uid=*") is the
// LDAP login bypass.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"

namespace fnguard::detect {
namespace {

using scan::IFind;

constexpr size_t kNpos = std::string_view::npos;

constexpr bool IsFilterPunct(char c) {
  return c == '(' || c == ')' || c == '|' || c == '&' || c == '!' || c == '=' || c == '*' ||
         c == '~' || c == '<' || c == '>';
}

constexpr bool IsOp(char c) { return c == '|' || c == '&' || c == '!'; }

int HexValue(char c) {
  if (scan::IsDigit(c)) return c - '0';
  char l = scan::Lower(c);
  return (l >= 'a' && l <= 'f') ? l - 'a' + 10 : -1;
}

// The value as an LDAP server would read its filter text: whitespace next to
// filter punctuation dropped, "\XX" escapes of filter metacharacters decoded.
// Returns false (and leaves `out` alone) when nothing would change.
bool Canonical(std::string_view v, const CharMask& mask, std::string* out) {
  bool spaces = mask.Has(' ') || mask.has_control;
  bool escapes = mask.Has('\\');
  if (!spaces && !escapes) return false;
  out->clear();
  out->reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\\' && i + 2 < v.size() && HexValue(v[i + 1]) >= 0 && HexValue(v[i + 2]) >= 0) {
      char d = static_cast<char>(HexValue(v[i + 1]) * 16 + HexValue(v[i + 2]));
      if (IsFilterPunct(d) || d == '\\') {
        out->push_back(d);
        i += 2;
        continue;
      }
    }
    if (scan::IsSpace(c)) {
      size_t j = i;
      while (j < v.size() && scan::IsSpace(v[j])) ++j;
      bool before = !out->empty() && IsFilterPunct(out->back());
      bool after = j < v.size() && IsFilterPunct(v[j]);
      if (!before && !after) out->append(v.substr(i, j - i));
      i = j - 1;
      continue;
    }
    out->push_back(c);
  }
  return true;
}

// A necessary condition for InspectFilter() on the canonical form, checked
// on the value itself without copying it: every filter rule starts at one
// of ")(", an operator before '(', "*)" or "=*", with whitespace between the
// two allowed (Canonical() drops it there). "\XX" escapes are not decoded
// here; callers take the full path when the value has a backslash.
bool HasFilterPair(std::string_view v) {
  // The previous non-space character before `i`, or '\0'.
  auto before = [v](size_t i) {
    while (i > 0 && scan::IsSpace(v[i - 1])) --i;
    return i == 0 ? '\0' : v[i - 1];
  };
  // Jumps between the few '(' and '*' with memchr instead of reading every
  // byte: both pairs' second half is one of them, or '*' is the first half.
  for (size_t i = v.find('('); i != kNpos; i = v.find('(', i + 1)) {
    char b = before(i);
    if (b == ')' || IsOp(b)) return true;
  }
  for (size_t i = v.find('*'); i != kNpos; i = v.find('*', i + 1)) {
    if (before(i) == '=') return true;
    size_t n = scan::SkipSpaces(v, i + 1);
    if (n < v.size() && v[n] == ')') return true;
  }
  return false;
}

// Length of an LDAP attribute description at `p` (a name starting with a
// letter, or a numeric OID, with options after ';'), 0 when none.
size_t AttrLen(std::string_view v, size_t p) {
  if (p >= v.size()) return 0;
  size_t e = p;
  if (scan::IsAlpha(v[p])) {
    while (e < v.size() && e - p < 64 &&
           (scan::IsAlnum(v[e]) || v[e] == '-' || v[e] == ';' || v[e] == '.' || v[e] == '_')) {
      ++e;
    }
  } else if (scan::IsDigit(v[p])) {
    while (e < v.size() && e - p < 64 && (scan::IsDigit(v[e]) || v[e] == '.')) ++e;
  }
  return e - p;
}

// An LDAP attribute assertion at `p`: attr, then =, ~=, >=, <= or := (not a
// programming language's "=="), or an extensible match. Sets *value to where
// the assertion value starts.
bool AssertionAt(std::string_view v, size_t p, size_t* value = nullptr) {
  size_t e = p + AttrLen(v, p);
  // Extensible match (RFC 4515): "attr:dn:1.2.3:=", "attr:rule:=", ":rule:=".
  bool extensible = false;
  for (int k = 0; k < 3 && e + 1 < v.size() && v[e] == ':' && scan::IsAlnum(v[e + 1]); ++k) {
    size_t r = e + 1 + AttrLen(v, e + 1);
    if (r == e + 1) break;
    e = r;
    extensible = true;
  }
  if (e == p) return false;
  if (extensible && !(e + 1 < v.size() && v[e] == ':' && v[e + 1] == '=')) return false;
  size_t val;
  if (e < v.size() && v[e] == '=') {
    val = e + 1;
  } else if (e + 1 < v.size() && (v[e] == '~' || v[e] == '>' || v[e] == '<' || v[e] == ':') &&
             v[e + 1] == '=') {
    val = e + 2;
  } else {
    return false;
  }
  if (val < v.size() && v[val] == '=') return false;
  if (value != nullptr) *value = val;
  return true;
}

// Where the assertion value starting at `val` ends: the next '(' or ')'
// (unescaped parentheses end it), or npos after 256 bytes or at the end.
size_t ValueEnd(std::string_view v, size_t val) {
  for (size_t i = val; i < v.size() && i - val < 256; ++i) {
    if (v[i] == '(' || v[i] == ')') return i;
  }
  return kNpos;
}

// Attributes every directory has; "(!(uid=x))" is LDAP, "(!(x=5))" may be C.
bool WellKnownAttr(std::string_view name) {
  return scan::IEqualsAny(
      name, {"uid", "cn", "sn", "ou", "dc", "o", "mail", "objectclass", "userpassword", "password",
             "givenname", "displayname", "samaccountname", "userprincipalname", "memberof",
             "member", "description", "telephonenumber", "name", "distinguishedname",
             "objectcategory", "useraccountcontrol", "admincount", "homedirectory", "loginshell",
             "gidnumber", "uidnumber", "title", "department", "manager"});
}

// Skips a run of '(' and filter operators from `p` (bounded); sets *ops when
// an operator was among them.
size_t SkipOpenOps(std::string_view v, size_t p, bool* ops) {
  *ops = false;
  for (size_t n = 0; p < v.size() && n < 8 && (v[p] == '(' || IsOp(v[p])); ++p, ++n) {
    if (IsOp(v[p])) *ops = true;
  }
  return p;
}

// Attribute types of distinguished-name components an application would not
// expect inside a single RDN value.
bool DnAttrAt(std::string_view v, size_t p, size_t* eq) {
  for (std::string_view a : {"cn", "ou", "dc", "uid"}) {
    if (scan::IAt(v, p, a)) {
      size_t e = scan::SkipSpaces(v, p + a.size());
      if (e < v.size() && v[e] == '=') {
        *eq = e;
        return true;
      }
    }
  }
  return false;
}

bool InspectFilter(std::string_view v, std::string_view raw, Match* m) {
  size_t p = IFind(v, "objectclass=*");
  if (p != kNpos) {
    return FillMatch(m, "ldapi.objectclass_probe", "LDAP objectClass=* presence probe", 85, p,
                     13);
  }
  // Composite filter with assertions: "(|(uid=*)(cn=*))", "*(|(mail=*))",
  // "(&(uid=a)(userPassword=b))".
  for (p = v.find('('); p != kNpos; p = v.find('(', p + 1)) {
    size_t o = p + 1;
    if (o + 1 >= v.size() || !IsOp(v[o]) || v[o + 1] != '(') continue;
    bool ops = false;
    size_t a = SkipOpenOps(v, o, &ops);
    size_t val = 0;
    if (!AssertionAt(v, a, &val)) continue;
    size_t end = ValueEnd(v, val);
    bool wildcard = (val < v.size() && (v[val] == '*' || v[val] == ')')) ||
                    (p > 0 && (v[p - 1] == '*' || v[p - 1] == ')'));
    bool closed = end != kNpos && v[end] == ')';
    bool ldap_like = v[o] != '!' ||
                     WellKnownAttr(v.substr(a, AttrLen(v, a))) ||
                     (closed && end + 1 < v.size() && v[end + 1] == '(');
    if (wildcard || (closed && ldap_like)) {
      return FillMatch(m, "ldapi.composite_filter",
                       "LDAP composite filter holding an attribute assertion", 85, p,
                       val - p);
    }
  }
  for (p = v.find(')'); p != kNpos; p = v.find(')', p + 1)) {
    size_t n = p + 1;
    if (n >= v.size() || v[n] != '(') continue;
    // ")(" : the value closed the application's filter and opens another.
    bool ops = false;
    size_t a = SkipOpenOps(v, n + 1, &ops);
    if (ops && a < v.size() && v[a] == ')') {
      return FillMatch(m, "ldapi.absolute_filter",
                       "LDAP filter breakout with an absolute true/false filter", 85, p,
                       a + 1 - p);
    }
    size_t val = 0;
    bool assertion = AssertionAt(v, a, &val);
    // ")(|(" : a composite filter opened right after the close, even when
    // what follows is cut off or another operator ("))(|(|").
    bool opens_composite = false;
    for (size_t i = n + 1; i + 1 < a; ++i) opens_composite |= IsOp(v[i]) && v[i + 1] == '(';
    if (opens_composite && !assertion) {
      return FillMatch(m, "ldapi.filter_breakout",
                       "LDAP filter breakout opening a composite filter", 85, p, a - p);
    }
    if (!assertion) continue;
    if (ops) {
      return FillMatch(m, "ldapi.filter_breakout",
                       "LDAP filter breakout opening a composite filter", 90, p, a - p);
    }
    if (a != n + 1) continue;  // "))((" without an operator
    // ")(attr=" alone: only with a wildcard or more filter structure around,
    // so "f(x)(y=2)" prose is not enough on its own.
    char before = p == 0 ? '\0' : v[p - 1];
    if (p != 0 && before != '*' && before != ')' && !scan::IsAlnum(before) && before != '\'' &&
        before != '"') {
      continue;
    }
    size_t end = ValueEnd(v, val);
    // A trailing '*' too: "admin)(userPassword=a*" guesses a secret a prefix
    // at a time ("2*3" is arithmetic).
    const size_t value_end = end == kNpos ? v.size() : end;
    bool wildcard = before == '*' || (val < v.size() && v[val] == '*') ||
                    (value_end > val && value_end - val <= 64 && v[value_end - 1] == '*');
    bool closes = end != kNpos && v[end] == ')';
    // "admin)(cn=x))": the assertion also closes the application's outer
    // filter, or the value ends in a NUL that cuts off the rest.
    bool then_more = closes && (end + 1 == v.size() ? raw.find('\0') != kNpos
                                                    : v[end + 1] == ')');
    // An extensible match by a matching rule's OID ("userAccountControl:
    // 1.2.840.113556.1.4.803:=2", Active Directory's bitwise AND) is LDAP
    // and nothing else.
    bool oid_rule = false;
    for (size_t k = a; k + 1 < val && !oid_rule; ++k) {
      oid_rule = v[k] == ':' && scan::IsDigit(v[k + 1]);
    }
    if (wildcard || (closes && (p == 0 || before == ')' || oid_rule)) || then_more) {
      return FillMatch(m, "ldapi.filter_breakout",
                       "LDAP filter breakout adding an attribute assertion", 85, p, a - p);
    }
  }
  // "*))" or "*)(" followed by end or another filter.
  for (p = scan::Find(v, "*)"); p != kNpos; p = scan::Find(v, "*)", p + 1)) {
    size_t n = p + 2;
    if (n < v.size() && (v[n] == ')' || v[n] == '(') &&
        (n + 1 >= v.size() || v[n + 1] == '(' || IsOp(v[n + 1]) || v[n + 1] == ')')) {
      return FillMatch(m, "ldapi.wildcard_close",
                       "LDAP wildcard that closes the filter and opens another", 80, p, 3);
    }
  }
  // Presence or substring filter "(attr=*)", "(cn=*adm*)" in parentheses.
  for (p = scan::Find(v, "=*"); p != kNpos; p = scan::Find(v, "=*", p + 2)) {
    size_t a = p;
    while (a > 0 && p - a < 64 &&
           (scan::IsAlnum(v[a - 1]) || v[a - 1] == '-' || v[a - 1] == ';' || v[a - 1] == '_')) {
      --a;
    }
    if (a == p || a == 0 || v[a - 1] != '(' || !scan::IsAlpha(v[a])) continue;
    size_t e = p + 2;
    while (e < v.size() && e - p < 128 && (scan::IsWordChar(v[e]) || v[e] == '*' ||
                                          v[e] == '.' || v[e] == '-' || v[e] == '@')) {
      ++e;
    }
    if (e < v.size() && v[e] == ')') {
      return FillMatch(m, "ldapi.presence_filter",
                       "LDAP presence or substring filter in parentheses", 75, a - 1,
                       e + 1 - (a - 1));
    }
  }
  return false;
}

class LdapiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kLdapi; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    const bool parens = in.mask.Has('(') || in.mask.Has(')');
    const bool dn = in.mask.Has(',') && in.mask.Has('=');
    if (!parens && !dn && !in.mask.Has('\\')) return InspectBare(in, m);
    std::string_view v = in.norm;
    if (parens || in.mask.Has('\\')) {
      // Every filter rule needs an assertion's '=', a wildcard or an
      // operator, possibly written as a "\XX" escape; plain parenthesized
      // prose skips the canonical copy and the filter scan.
      const bool filter_chars = in.mask.HasAny("=*|&!\\");
      std::string canonical;
      if (filter_chars && (in.mask.Has('\\') || HasFilterPair(v))) {
        if (Canonical(v, in.mask, &canonical)) v = canonical;
        if (InspectFilter(v, in.raw, m)) return true;
      }
      // A NUL after ')', or a "%00": normalization removes the first and
      // decodes the second, so only a value that normalization changed, or
      // that still holds control bytes or a '%', can carry one.
      if (in.mask.Has(')') &&
          (in.mask.has_control || in.mask.Has('%') || in.raw.data() != in.norm.data()) &&
          InspectNul(v, in.raw, m)) {
        return true;
      }
      if (filter_chars && MetacharRun(v, m)) return true;
    }
    if (dn && InspectDn(in.norm, m)) return true;
    return InspectBare(in, m);
  }

 private:
  // A filter closed and cut off with a NUL byte ("admin))%00"): the NUL ends
  // the filter string in C-based directory clients.
  static bool InspectNul(std::string_view v, std::string_view raw, Match* m) {
    for (size_t z = raw.find('\0'); z != kNpos; z = raw.find('\0', z + 1)) {
      if (z > 0 && raw[z - 1] == '\0') continue;  // inside a run of NULs
      size_t b = z;
      while (b > 0 && raw[b - 1] == ' ') --b;
      if (b > 0 && raw[b - 1] == ')') {
        return FillMatch(m, "ldapi.nul_truncation",
                         "LDAP filter closed and truncated with a NUL byte", 80,
                         std::min(b - 1, v.size()), 1);
      }
    }
    size_t q = scan::Find(raw, ")%00");  // no letters: a plain search
    if (q != kNpos) {
      return FillMatch(m, "ldapi.nul_truncation",
                       "LDAP filter closed and truncated with an encoded NUL", 80,
                       std::min(q, v.size()), 1);
    }
    return false;
  }

  // The whole value is filter metacharacters: a wildcard, an empty or
  // unbalanced pair of parentheses and a filter operator ("*()|&").
  static bool MetacharRun(std::string_view v, Match* m) {
    size_t b = scan::SkipSpaces(v, 0);
    size_t e = v.size();
    while (e > b && scan::IsSpace(v[e - 1])) --e;
    if (e - b < 4) return false;
    bool star = false, open = false, close = false, op = false;
    for (size_t i = b; i < e; ++i) {
      char c = v[i];
      if (!IsFilterPunct(c) && c != '\'' && c != '"' && c != '\\') return false;
      star |= c == '*';
      open |= c == '(';
      close |= c == ')';
      op |= IsOp(c);
    }
    if (star && open && close && op) {
      return FillMatch(m, "ldapi.metachar_probe",
                       "Value made only of LDAP filter metacharacters", 60, b, e - b);
    }
    return false;
  }

  // The rules for values with no filter structure of their own.
  static bool InspectBare(const Input& in, Match* m) {
    if (in.location == event::Location::kHeader) return false;
    if (NameThenNul(in.raw)) {
      return FillMatch(m, "ldapi.nul_truncation",
                       "A name cut off with a NUL byte (raw, %00 or the filter escape \\00): "
                       "C-based directory clients end the filter there",
                       70, 0, in.norm.size());
    }
    if (in.norm.size() <= 8 && in.mask.HasAny("()|&!") && LoneMetachar(in, m)) return true;
    return in.mask.Has('*') && WildcardIdentity(in, m);
  }

  // A whole value that is one name ("admin") followed by a NUL: as sent, as
  // "%00" or as the LDAP filter escape "\00".
  static bool NameThenNul(std::string_view raw) {
    if (raw.size() < 3 || raw.size() > 130 || (raw.back() != '\0' && raw.back() != '0')) {
      return false;
    }
    size_t e;
    if (raw.back() == '\0') {
      e = raw.size() - 1;
    } else if (raw.ends_with("%00") || raw.ends_with("\\00")) {
      e = raw.size() - 3;
    } else {
      return false;
    }
    while (e > 0 && (raw[e - 1] == '\0')) --e;
    bool letter = false;
    for (size_t k = 0; k < e; ++k) {
      const char c = raw[k];
      if (!scan::IsAlnum(c) && c != '.' && c != '_' && c != '-' && c != '@') return false;
      letter = letter || scan::IsAlpha(c);
    }
    return letter && e >= 2;
  }

  // A wildcard in a field that names one account ("username", "uid",
  // "login", "cn", "email"): an application that builds "(uid=<value>)"
  // from it matches every account the pattern fits ("admin*", "*"), the
  // classic LDAP login bypass. Account names and addresses hold no '*'.
  static bool WildcardIdentity(const Input& in, Match* m) {
    std::string_view name = scan::LastPathName(in.path);
    if (name.empty() || name.size() > 24) return false;
    char joined[24];  // the name without '_' and '-': "user_name" is "username"
    size_t n = 0;
    for (char c : name) {
      if (c != '_' && c != '-') joined[n++] = c;
    }
    if (!scan::IEqualsAny(std::string_view(joined, n),
                          {"user", "username", "userid", "uid", "login", "loginname", "cn",
                           "samaccountname", "userprincipalname", "upn", "account",
                           "accountname", "principal", "mail", "email"})) {
      return false;
    }
    std::string_view v = in.norm;
    size_t b = scan::SkipSpaces(v, 0);
    size_t e = scan::TrimEnd(v);
    if (e <= b || e - b > 256) return false;
    for (size_t i = b; i < e; ++i) {
      char c = v[i];
      if (!scan::IsAlnum(c) && c != '*' && c != '.' && c != '_' && c != '-' && c != '@') {
        return false;
      }
    }
    return FillMatch(m, "ldapi.wildcard_identity",
                     "Wildcard in an account name field: an LDAP filter built from it matches "
                     "any account",
                     60, b, e - b);
  }

  // The whole value (spaces around it aside) is one to three of "()|&!*"
  // holding an operator or an unbalanced parenthesis: "(", "|", "!", "*|",
  // ")(". Wildcards alone and a closed group ("()", "(*)") are not probes.
  static bool LoneMetachar(const Input& in, Match* m) {
    std::string_view v = in.norm;
    size_t b = scan::SkipSpaces(v, 0);
    size_t e = scan::TrimEnd(v);
    if (e <= b || e - b > 3) return false;
    bool op = false;
    int depth = 0;
    bool unbalanced = false;
    for (size_t i = b; i < e; ++i) {
      char c = v[i];
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        unbalanced |= --depth < 0;
      } else if (IsOp(c)) {
        op = true;
      } else if (c != '*') {
        return false;
      }
    }
    if (!(op || unbalanced || depth != 0)) return false;
    if (scan::IEqualsAny(scan::LastPathName(in.path),
                         {"sep", "separator", "delim", "delimiter", "op", "operator"})) {
      return false;
    }
    return FillMatch(m, "ldapi.lone_metachar",
                     "Value is only LDAP filter metacharacters, a filter injection probe", 40, b,
                     e - b);
  }

  // DN injection: a value that does not start as a DN ("attr=") but carries
  // ",cn=" / ",ou=" / ",dc=" / ",uid=" components after an RDN value.
  static bool InspectDn(std::string_view v, Match* m) {
    size_t s = scan::SkipSpaces(v, 0);
    size_t eq0 = 0;
    size_t first = s + AttrLen(v, s);
    if (first > s && scan::SkipSpaces(v, first) < v.size() && v[scan::SkipSpaces(v, first)] == '=') {
      return false;  // a whole DN (or key=value text), not an RDN value
    }
    for (size_t c = v.find(','); c != kNpos; c = v.find(',', c + 1)) {
      size_t b = c;
      while (b > 0 && v[b - 1] == ' ') --b;
      if (b == 0 || !(scan::IsAlnum(v[b - 1]) || v[b - 1] == '*' || v[b - 1] == '\\')) continue;
      size_t a = scan::SkipSpaces(v, c + 1);
      if (!DnAttrAt(v, a, &eq0)) continue;
      size_t val = scan::SkipSpaces(v, eq0 + 1);
      if (val < v.size() && (scan::IsAlnum(v[val]) || v[val] == '*')) {
        return FillMatch(m, "ldapi.dn_injection",
                         "Value adds components to an LDAP distinguished name", 70, c,
                         val - c);
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
