// Server-side template injection.
//
// Finds template expression regions by their delimiters ({{ }}, ${ }, #{ },
// *{ }, @{ }, ~{ }, <% %>, {% %}, [[ ]], @( ), Perl's @{[ ]}) and directive
// syntax of the common engines (Velocity #set/#foreach, FreeMarker
// <#assign>/?new(), Smarty {php}), then judges what is inside: an arithmetic
// probe (7*7), a call, a Python dunder chain, a filter trick (|attr,
// |filter) or a root object that exposes the runtime (config, self,
// request, T(...)) is an attack; a plain placeholder ({{name}}, ${user.id},
// {{ title|upper }}) is not.
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
using scan::IsDigit;
using scan::IsSpace;
using scan::IsWordChar;

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMaxBody = 2048;

constexpr std::string_view kDunders[] = {
    "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__",
    "__init__",  "__base__", "__bases__",     "__dict__",    "__getattribute__", "__reduce__",
};

// Root objects whose mere use in an expression reaches the runtime.
constexpr std::string_view kDangerousRoots[] = {
    "config",   "self",        "request", "settings", "lipsum", "cycler", "joiner",
    "namespace", "_self",      "url_for", "get_flashed_messages", "range", "dump", "app",
    "t",        "runtime",     "class",   "object",   "java",   "ex",     "product",
    "session",  "environment", "env",     "system",   "process", "global", "this",
    "handler",  "applicationscope", "sessionscope", "requestscope", "pagecontext", "initparam",
};

constexpr std::string_view kDangerousWords[] = {
    "getclass",    "forname",  "getruntime", "processbuilder", "exec(",  "popen",
    "subprocess",  "system(",  "eval(",      "import",         "getenv", "freemarker",
    "?new",        "?api",     "scriptengine", ".inspect",     "|attr",  "|filter",
    "|map(",       "|join",    "registerundefinedfiltercallback", "getfilter",
    "mro",         "os.",      "newinstance", "invoke",        "passthru", "shell_exec",
    "file.open",   "file.read", "io.popen",  "require(",       "child_process", "constructor",
    // The process environment, where a function's credentials live
    // (Node's process.env, Ruby's ENV[...]).
    "process.env", "env['",    "env[\"",
};

// An arithmetic probe: "7*7", "7 * '7'" anywhere in the body, or a body
// that is nothing but "number operator number" ("4+4", "1-2"); dates such as
// 2020-01-01 inside JSON arrays are not probes.
bool HasArithmetic(std::string_view b) {
  size_t start = scan::SkipSpaces(b, 0);
  for (size_t i = 0; i < b.size(); ++i) {
    if (!IsDigit(b[i]) || (i > 0 && (IsAlnum(b[i - 1]) || b[i - 1] == '.'))) continue;
    size_t first = i;
    size_t j = i;
    while (j < b.size() && IsDigit(b[j])) ++j;
    while (j < b.size() && (IsSpace(b[j]) || b[j] == '\'' || b[j] == '"')) ++j;
    if (j >= b.size() || (b[j] != '*' && b[j] != '+' && b[j] != '-' && b[j] != '/' &&
                          b[j] != '%')) {
      i = j;
      continue;
    }
    char op = b[j];
    ++j;
    while (j < b.size() && (IsSpace(b[j]) || b[j] == '\'' || b[j] == '"')) ++j;
    if (j < b.size() && IsDigit(b[j])) {
      if (op == '*') return true;
      size_t k = j;
      while (k < b.size() && IsDigit(b[k])) ++k;
      while (k < b.size() && (IsSpace(b[k]) || b[k] == '\'' || b[k] == '"')) ++k;
      bool quoted_start = first > start && (b[start] == '\'' || b[start] == '"');
      if ((first == start || quoted_start) && k == b.size()) return true;
    }
    i = j;
  }
  return false;
}

// Judges an expression body. Returns a reason or an empty view.
// Whether a template expression is a translation helper called with a
// message key ("$t('nav.home')", "t(\"cart.items\", { n: count })",
// "__('Welcome')"): vue-i18n, i18next and gettext placeholders in a
// template that a front end renders. `b` is trimmed.
bool TranslationCall(std::string_view b) {
  size_t i = 0;
  if (i < b.size() && b[i] == '$') ++i;
  static constexpr std::string_view kHelpers[] = {"i18n.t", "gettext", "trans", "tc", "te",
                                                  "__",     "t",       "_"};
  size_t name = 0;
  for (std::string_view h : kHelpers) {
    if (b.compare(i, h.size(), h) == 0 && i + h.size() < b.size() && b[i + h.size()] == '(') {
      name = h.size();
      break;
    }
  }
  if (name == 0) return false;
  i = scan::SkipSpaces(b, i + name + 1);
  if (i >= b.size() || (b[i] != '\'' && b[i] != '"')) return false;
  const char q = b[i];
  size_t k = i + 1;
  while (k < b.size() && b[k] != q) {
    if (b[k] == '\\' || b[k] == '(' || b[k] == '{' || b[k] == '$' || b[k] == '`') return false;
    ++k;
  }
  if (k >= b.size() || k == i + 1) return false;
  k = scan::SkipSpaces(b, k + 1);
  if (k < b.size() && b[k] == ',') {
    // Named values for the message: names, numbers, ':' ',' '{' '}' '.'.
    for (++k; k < b.size() && b[k] != ')'; ++k) {
      const char c = b[k];
      if (!(IsWordChar(c) || c == ' ' || c == ':' || c == ',' || c == '{' || c == '}' ||
            c == '.')) {
        return false;
      }
    }
  }
  return k + 1 == b.size() && b[k] == ')';
}

// Whether a str.format replacement field ("{user.groups.model._meta.
// app_config.module.admin.settings.SECRET_KEY}", "{0.__init__.__globals__}")
// walks four or more attributes to a private name (a leading '_') or to a
// setting (an upper-case NAME_WITH_UNDERSCORE, "settings", "environ").
bool FormatAttributeWalk(std::string_view body) {
  if (body.size() < 8 || body.size() > 256) return false;
  int segments = 1;
  bool target = false;
  size_t start = 0;
  for (size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == '.') {
      const std::string_view seg = body.substr(start, i - start);
      if (seg.empty()) return false;
      if (start > 0) {
        bool upper = seg.size() >= 3, underscore = false;
        for (char c : seg) {
          upper = upper && ((c >= 'A' && c <= 'Z') || c == '_' || IsDigit(c));
          underscore = underscore || c == '_';
        }
        target = target || seg[0] == '_' || (upper && underscore) || seg == "settings" ||
                 seg == "environ";
      }
      start = i + 1;
      if (i < body.size()) ++segments;
      continue;
    }
    const char c = body[i];
    if (!(IsWordChar(c) || c == '[' || c == ']')) return false;
  }
  return segments >= 4 && target;
}

// Whether a Jinja/Liquid/Twig "if" tag's condition, from `b` to its "%}",
// only compares names, indexes and literals ("{% if vip %}", "{% if customer.tags
// contains 'vip' %}"): no call, index, filter, expression block or
// interpreter name; it opens with a name, not a constant.
bool PlainCondition(std::string_view v, size_t b) {
  b = scan::SkipSpaces(v, b);
  if (b >= v.size() || !scan::IsAlpha(v[b])) return false;
  for (size_t k = b; k < v.size() && k - b < 200; ++k) {
    const char c = v[k];
    if (c == '%') return k + 1 < v.size() && v[k + 1] == '}';
    if (c == '\'' || c == '"') {
      const size_t close = v.find(c, k + 1);
      if (close == kNpos || close - k > 64) return false;
      for (size_t j = k + 1; j < close; ++j) {
        if (v[j] == '(' || v[j] == '{' || v[j] == '%' || v[j] == '\\') return false;
      }
      k = close;
      continue;
    }
    if (c == '_' && k + 1 < v.size() && v[k + 1] == '_') return false;
    if (!(IsWordChar(c) || c == ' ' || c == '.' || c == '=' || c == '!' || c == '<' ||
          c == '>' || c == '-' || c == '[' || c == ']')) {
      return false;
    }
  }
  return false;
}

// Whether a "for" tag, from `b` to its "%}", loops one or two names over a
// plain name, index or literal ("{% for host in groups['web'] %}", "{% for
// k, v in items %}"), as PlainCondition() reads an "if".
bool PlainLoop(std::string_view v, size_t b) {
  b = scan::SkipSpaces(v, b);
  for (int names = 0; names < 2; ++names) {
    size_t e = b;
    while (e < v.size() && IsWordChar(v[e])) ++e;
    if (e == b) return false;
    b = scan::SkipSpaces(v, e);
    if (b < v.size() && v[b] == ',') {
      b = scan::SkipSpaces(v, b + 1);
      continue;
    }
    break;
  }
  if (!IAt(v, b, "in") || b + 2 >= v.size() || !IsSpace(v[b + 2])) return false;
  return PlainCondition(v, b + 3);
}

// The literal or dotted name at `i` in `b`: where it ends, or `i` when none
// starts there.
size_t OperandEnd(std::string_view b, size_t i) {
  if (i >= b.size()) return i;
  if (b[i] == '\'' || b[i] == '"') {
    const size_t close = b.find(b[i], i + 1);
    if (close == kNpos || close - i > 64) return i;
    for (size_t k = i + 1; k < close; ++k) {
      if (b[k] == '\\' || b[k] == '{' || b[k] == '(' || b[k] == '$' || b[k] == '%') return i;
    }
    return close + 1;
  }
  size_t e = i;
  while (e < b.size() && (IsWordChar(b[e]) || (b[e] == '.' && e > i))) ++e;
  return e;
}

// Whether a Jinja/Twig expression only formats a name or literal with
// filters that take literals ("app_port | default(8080)", "'now'|date('Y')",
// "price|round(2)|string"): no filter that takes a callable or an attribute
// name, whose arguments reach code.
bool FormattingFilters(std::string_view b) {
  static constexpr std::string_view kCallableFilters[] = {
      "attr", "filter", "map", "reduce", "sort", "select", "reject", "selectattr", "rejectattr",
      "groupby", "format", "call", "apply", "invoke", "batch", "slice"};
  size_t i = OperandEnd(b, 0);
  if (i == 0) return false;
  bool filtered = false;
  for (int filters = 0; filters < 8; ++filters) {
    i = scan::SkipSpaces(b, i);
    if (i == b.size()) return filtered;
    if (b[i] != '|') return false;
    i = scan::SkipSpaces(b, i + 1);
    size_t e = i;
    while (e < b.size() && IsWordChar(b[e])) ++e;
    if (e == i || scan::IEqualsAny(b.substr(i, e - i), kCallableFilters)) return false;
    filtered = true;
    i = e;
    if (i < b.size() && b[i] == '(') {
      // Literal arguments: strings, numbers, true/false/none.
      for (i = scan::SkipSpaces(b, i + 1); i < b.size() && b[i] != ')';) {
        const size_t a = OperandEnd(b, i);
        if (a == i || (b[i] != '\'' && b[i] != '"' && !IsDigit(b[i]) &&
                       !scan::IEqualsAny(b.substr(i, a - i), {"true", "false", "none"}))) {
          return false;
        }
        i = scan::SkipSpaces(b, a);
        if (i < b.size() && b[i] == ',') i = scan::SkipSpaces(b, i + 1);
      }
      if (i >= b.size()) return false;
      ++i;
    }
  }
  return false;
}

// Whether the expression is a dotted name whose method is called with
// numbers only ("total.toFixed(2)", "title.substring(0, 40)").
bool NumericMethodCall(std::string_view b) {
  const size_t open = b.find('(');
  if (open == kNpos || b.back() != ')' || open + 1 == b.size()) return false;
  const std::string_view callee = b.substr(0, open);
  if (callee.find('.') == kNpos || OperandEnd(callee, 0) != callee.size() ||
      !scan::IsAlpha(callee[0])) {
    return false;
  }
  for (size_t k = open + 1; k + 1 < b.size(); ++k) {
    if (!(IsDigit(b[k]) || b[k] == ',' || b[k] == ' ' || b[k] == '.')) return false;
  }
  return true;
}

std::string_view JudgeExpression(std::string_view b) {
  size_t s = scan::SkipSpaces(b, 0);
  b = b.substr(s);
  while (!b.empty() && IsSpace(b.back())) b.remove_suffix(1);
  if (b.empty() || TranslationCall(b)) return {};
  for (std::string_view d : kDunders) {
    if (IFind(b, d) != kNpos) return "Python attribute chain reaching interpreter internals";
  }
  if (HasArithmetic(b)) return "arithmetic probe inside template delimiters";
  for (std::string_view w : kDangerousWords) {
    if (IFind(b, w) != kNpos) return "template expression that reaches the runtime";
  }
  // Root identifier.
  size_t e = 0;
  while (e < b.size() && (IsWordChar(b[e]))) ++e;
  std::string_view root = b.substr(0, e);
  bool call = false;
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] == '(' && i > 0 && (IsWordChar(b[i - 1]) || b[i - 1] == ')' || b[i - 1] == ']')) {
      call = true;
      break;
    }
  }
  for (std::string_view r : kDangerousRoots) {
    if (scan::IEquals(root, r) &&
        (e == b.size() || b[e] == '.' || b[e] == '[' || b[e] == '(' || b[e] == '|')) {
      if (r == "t" && (e >= b.size() || b[e] != '(')) continue;
      if ((r == "app" || r == "this" || r == "object" || r == "product" || r == "session" ||
           r == "env" || r == "ex" || r == "global" || r == "class" || r == "java" ||
           r == "system" || r == "process" || r == "environment" || r == "runtime") &&
          !call) {
        continue;
      }
      return "template expression on an object that exposes the server";
    }
  }
  if (call && (FormattingFilters(b) || NumericMethodCall(b))) return {};
  if (call) return "function call inside template delimiters";
  // String literal with a method or subscript: ''.x, "a"[0].
  if ((b[0] == '\'' || b[0] == '"') && b.size() > 2) {
    size_t close = b.find(b[0], 1);
    if (close != kNpos && close + 1 < b.size() && (b[close + 1] == '.' || b[close + 1] == '[')) {
      return "method call on a string literal inside template delimiters";
    }
  }
  return {};
}

// Go's text/template: a method of the data called with an argument
// ("{{ .System "id" }}", "{{.Exec.Run $x}}"), `call` of a function field,
// or the whole data object printed or walked ("{{printf "%#v" .}}", "{{ . }}"
// alone, "{{ range $k, $v := . }}", probing what the template can reach). A plain field ("{{ .Name }}",
// "{{ printf "%.2f" .Price }}") is not reported.
bool GoTemplateCall(std::string_view b, bool whole_value) {
  size_t s = scan::SkipSpaces(b, 0);
  b = b.substr(s);
  if (!b.empty() && b[0] == '-') b = b.substr(scan::SkipSpaces(b, 1));  // "{{- x -}}"
  while (!b.empty() && (IsSpace(b.back()) || b.back() == '-')) b.remove_suffix(1);
  if (b.empty()) return false;
  if (b == ".") return whole_value;
  // The first word: ".Field.Method" or a function name.
  size_t e = 0;
  while (e < b.size() && (IsWordChar(b[e]) || b[e] == '.')) ++e;
  const std::string_view head = b.substr(0, e);
  // A field of the data that holds a secret ("{{.PasswordHash}}",
  // "{{ .Config.APIKey }}"): printed into the page, it leaves the server.
  if (head.size() > 1 && head[0] == '.' && e == b.size()) {
    static constexpr std::string_view kSecrets[] = {"password", "passwd", "secret", "apikey",
                                                   "api_key", "privatekey", "private_key",
                                                   "credential", "token"};
    for (std::string_view w : kSecrets) {
      if (IFind(head, w) != kNpos) return true;
    }
  }
  const size_t a = scan::SkipSpaces(b, e);
  if (a == e || a >= b.size()) return false;
  const char arg = b[a];
  const bool literal_arg = arg == '"' || arg == '`' || arg == '$' || IsDigit(arg);
  if (head.size() > 1 && head[0] == '.' && scan::IsAlpha(head[1]) && literal_arg) return true;
  if (head == "call" && (arg == '.' || arg == '$')) return true;
  if (head == "range" || head == "with") {
    // "{{ range $k, $v := . }}": every field of the data object, one by one.
    std::string_view pipe = b.substr(a);
    const size_t assign = pipe.find(":=");
    if (assign != std::string_view::npos) pipe = pipe.substr(scan::SkipSpaces(pipe, assign + 2));
    if (pipe == "." || pipe == "$") return true;
    // ... or every variable of the environment the data hands over.
    if (scan::IEquals(pipe, ".env") || scan::IEquals(pipe, ".environ")) return true;
  }
  // Sprig's and gomplate's environment readers (Helm, Hugo, gomplate):
  // {{ env "AWS_SECRET_ACCESS_KEY" }}, {{ getenv "DB_PASSWORD" }}.
  if ((head == "env" || head == "getenv" || head == "expandenv") && (arg == '"' || arg == '`')) {
    return true;
  }
  // A variable of that environment picked by name: {{ index .Env "KEY" }}.
  if (head == "index") {
    const std::string_view rest = b.substr(a);
    if ((scan::IAt(rest, 0, ".env ") || scan::IAt(rest, 0, ".environ ")) &&
        rest.find_first_of("\"`") != std::string_view::npos) {
      return true;
    }
  }
  if (head == "printf" || head == "print" || head == "println") {
    // The bare dot or $ as an argument prints the whole data object.
    for (size_t k = a; k < b.size(); ++k) {
      if ((b[k] == '.' || b[k] == '$') && IsSpace(b[k - 1]) &&
          (k + 1 == b.size() || IsSpace(b[k + 1]))) {
        return true;
      }
    }
  }
  return false;
}

// Whether an ERB or EJS tag's body is a backtick-quoted command
// ("<%= `id` %>"): Ruby runs it in a shell and interpolates its output.
bool RunsBacktickCommand(std::string_view body) {
  const size_t open = scan::SkipSpaces(body, 0);
  if (open + 2 >= body.size() || body[open] != '`' || !scan::IsAlpha(body[open + 1])) return false;
  return body.find('`', open + 2) != std::string_view::npos;
}

// A template-detection probe ("${{<%[%'\"}}%\\."): the openers of three or
// more template syntaxes packed into one short value, so that whichever
// engine renders it fails or evaluates. Where the first opener is, or npos.
constexpr size_t kMaxProbe = 64;
size_t SyntaxProbeAt(std::string_view v) {
  static constexpr std::string_view kOpeners[] = {"${", "{{", "<%", "[%", "#{", "{%", "*{", "@{"};
  size_t first = kNpos;
  int kinds = 0;
  for (std::string_view o : kOpeners) {
    const size_t p = v.find(o);
    if (p == kNpos) continue;
    ++kinds;
    first = std::min(first, p);
  }
  return kinds >= 3 ? first : kNpos;
}

struct Region {
  std::string_view open;
  std::string_view close;
  std::string_view engine;
};

constexpr Region kRegions[] = {
    {"@{[", "]}", "Perl"},                 {"{{", "}}", "Jinja/Twig/Handlebars"},
    {"${", "}", "EL/FreeMarker/Mako"},
    {"#{", "}", "EL/Ruby/Pug"},            {"*{", "}", "Thymeleaf"},
    {"@{", "}", "Thymeleaf/Razor"},        {"~{", "}", "Thymeleaf"},
    {"<%", "%>", "ERB/JSP/EJS"},           {"[[", "]]", "Thymeleaf inline"},
    {"@(", ")", "Razor"},                  {"{", "}", "Smarty"},
};

constexpr std::string_view kJinjaTags[] = {
    "for ", "if ", "set ", "import ", "include ", "extends ", "macro ", "block ", "print ",
    "debug", "load ", "with ", "call ", "filter ", "from ",
};

// OGNL's static member access, "@java.lang.System@getenv()" or
// "@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS": '@', a dotted class name whose
// last component is capitalized, '@', a member name. (An e-mail address has
// no '@' before its dotted part and no capitalized class after it.)
bool FindOgnlStaticAccess(std::string_view v, size_t* at, size_t* len) {
  const size_t n = v.size();
  for (size_t p = v.find('@'); p != kNpos; p = v.find('@', p + 1)) {
    // The class name ends at a second '@' (an e-mail address has none).
    if (v.find('@', p + 1) == kNpos) break;
    size_t q = p + 1;
    size_t dots = 0;
    size_t last_start = q;
    while (q < n) {
      size_t e = q;
      while (e < n && scan::IsCodeIdentChar(v[e])) ++e;
      if (e == q) break;
      last_start = q;
      q = e;
      if (q + 1 < n && v[q] == '.' && scan::IsCodeIdentChar(v[q + 1])) {
        ++dots;
        ++q;
        continue;
      }
      break;
    }
    if (dots == 0 || q + 1 >= n || v[q] != '@' || !scan::IsUpper(v[last_start]) ||
        !(scan::IsAlpha(v[q + 1]) || v[q + 1] == '_')) {
      continue;
    }
    size_t e = q + 1;
    while (e < n && scan::IsCodeIdentChar(v[e])) ++e;
    *at = p;
    *len = e - p;
    return true;
  }
  return false;
}

// FreeMarker's directives by name ("<#assign", "[#assign"), each opened by
// '<' or '[' (SstiImpl::Inspect()); none is longer than 15 bytes.
constexpr std::string_view kFreemarkerDirectives[] = {
    "#assign", "#import", "#include", "#list", "#macro", "#function", "#if", "#setting"};
static_assert([] {
  for (std::string_view name : kFreemarkerDirectives) {
    if (name.size() > 15) return false;
  }
  return true;
}());

class SstiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kSsti; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    std::string_view v = in.norm;
    if (v.size() < 3) return false;
    if (in.mask.Has('@') && in.mask.Has('.')) {
      size_t at = 0;
      size_t len = 0;
      if (FindOgnlStaticAccess(v, &at, &len)) {
        return FillMatch(m, "ssti.ognl_static_access",
                         "OGNL expression reaching a static member of a Java class", 85, at, len);
      }
    }
    // Razor: "@System.Diagnostics.Process.Start(...)", "@System.IO.File.ReadAllText(...)":
    // a call into the .NET class library from '@', which Razor evaluates.
    if (in.mask.Has('@') && in.mask.Has('(')) {
      for (size_t p = v.find("@System."); p != kNpos; p = v.find("@System.", p + 1)) {
        size_t e = p + 8;
        while (e < v.size() && e - p < 128 && (IsWordChar(v[e]) || v[e] == '.')) ++e;
        if (e < v.size() && v[e] == '(' && v[e - 1] != '.' &&
            std::string_view(v.data() + p + 8, e - p - 8).find('.') != kNpos) {
          return FillMatch(m, "ssti.razor_expression",
                           "Razor expression calling into the .NET class library", 85, p,
                           e + 1 - p);
        }
      }
    }
    // Struts' OGNL context: the member-access guard an injected expression
    // switches off before it calls anything ("#_memberAccess[...]=true",
    // "#context['xwork.MethodAccessor.denyMethodExecution']=false").
    if (in.mask.Has('#') || in.mask.Has('.')) {
      for (std::string_view name : {"#_memberaccess", "xwork.methodaccessor.denymethodexecution"}) {
        const size_t p = IFind(v, name);
        if (p != kNpos) {
          return FillMatch(m, "ssti.ognl_context", "OGNL expression that turns off Struts' guards",
                           85, p, name.size());
        }
      }
    }
    const bool braces = in.mask.HasAny("{[") || in.mask.Has('<') || in.mask.Has('(');
    if (!braces && !in.mask.Has('_') && !in.mask.Has('#')) return false;
    if (v.size() <= kMaxProbe && in.mask.Has('{')) {
      if (const size_t at = SyntaxProbeAt(v); at != kNpos) {
        return FillMatch(m, "ssti.syntax_probe",
                         "Openers of three template syntaxes in one short value: a probe for "
                         "which engine renders it",
                         75, at, v.size() - at);
      }
    }
    // Dunder chains need no delimiter: "''.__class__.__mro__".
    static const NeedleSet kAnyDunder{"__class__", "__mro__", "__subclasses__", "__globals__",
                                      "__builtins__"};
    if (in.mask.Has('_') && kAnyDunder.AnyIn(v)) {
      for (std::string_view d : {"__class__", "__mro__", "__subclasses__", "__globals__",
                                 "__builtins__"}) {
        size_t p = scan::Find(v, d);
        if (p != kNpos && p > 0 && (v[p - 1] == '.' || v[p - 1] == '\'' || v[p - 1] == '"' ||
                                    v[p - 1] == '[' || v[p - 1] == '(')) {
          return FillMatch(m, "ssti.python_dunder_chain",
                           "Python attribute chain reaching interpreter internals", 90, p,
                           d.size());
        }
      }
    }
    if (in.mask.Has('{') && in.mask.Has('%')) {
      for (size_t p = scan::Find(v, "{%"); p != kNpos; p = scan::Find(v, "{%", p + 2)) {
        size_t b = p + 2;
        if (b < v.size() && (v[b] == '-' || v[b] == '+')) ++b;
        b = scan::SkipSpaces(v, b);
        for (std::string_view t : kJinjaTags) {
          // The space after a tag's name is any whitespace ("{%\tfor").
          const std::string_view name = t.back() == ' ' ? t.substr(0, t.size() - 1) : t;
          const bool spaced = name.size() == t.size() ||
                              (b + t.size() <= v.size() && scan::IsSpace(v[b + name.size()]));
          if (spaced && IAt(v, b, name) && scan::Find(v, "%}", b) != kNpos) {
            if (name == "if" && PlainCondition(v, b + 2)) break;
            if (name == "for" && PlainLoop(v, b + 3)) break;
            return FillMatch(m, "ssti.template_tag", "Jinja/Twig/Django template tag in a value",
                             80, p, b + t.size() - p);
          }
        }
      }
    }
    // Each directive, with or without its '(', starts with one of these.
    static const NeedleSet kAnyVelocity{"#set", "#foreach", "#if", "#evaluate", "#define",
                                        "#parse", "#include"};
    if (in.mask.Has('#') && kAnyVelocity.AnyIn(v)) {
      for (std::string_view d : {"#set(", "#foreach(", "#if(", "#evaluate(", "#define(",
                                 "#parse(", "#include("}) {
        size_t p = IFind(v, d);
        if (p == kNpos) {
          // "#set ($x" with a space.
          std::string_view kw = d.substr(0, d.size() - 1);
          for (size_t q = IFind(v, kw); q != kNpos; q = IFind(v, kw, q + 1)) {
            size_t a = scan::SkipSpaces(v, q + kw.size());
            if (a < v.size() && v[a] == '(' && a > q + kw.size()) {
              p = q;
              break;
            }
          }
        }
        if (p != kNpos && v.find('$', p) != kNpos) {
          return FillMatch(m, "ssti.velocity_directive", "Velocity directive in a value", 85, p,
                           d.size());
        }
      }
    }
    // FreeMarker's directives, in its angle-bracket syntax and in its
    // square-bracket one ("[#assign x=7*7]${x}", "[#list 1..3 as i]${i}[/#list]"),
    // which a template that starts with a `[#ftl]` header uses.
    static const NeedleSet kAnyFreemarker(kFreemarkerDirectives);
    if (in.mask.Has('#') && (in.mask.Has('<') || in.mask.Has('[')) && kAnyFreemarker.AnyIn(v)) {
      for (const char open : {'<', '['}) {
        for (std::string_view name : kFreemarkerDirectives) {
          char buf[16];
          buf[0] = open;
          name.copy(buf + 1, sizeof(buf) - 1);
          const std::string_view d(buf, name.size() + 1);
          size_t p = IFind(v, d);
          if (p == kNpos) continue;
          // A bracket and a hash also open Markdown references ("[#list of
          // items](#list)"): the directive must end its name, and the value
          // must hold an interpolation, a closing tag or `?new()` after it.
          const std::string_view after = v.substr(p + d.size());
          if (open == '[' && (after.empty() || !(scan::IsSpace(after[0]) || after[0] == ']') ||
                              (after.find("${") == kNpos && after.find("[/#") == kNpos &&
                               IFind(after, "?new(") == kNpos))) {
            continue;
          }
          return FillMatch(m, "ssti.freemarker_directive", "FreeMarker directive in a value", 85, p,
                           d.size());
        }
      }
    }
    if (in.mask.Has('$')) {
      size_t p = IFind(v, "$class.inspect");
      if (p == kNpos) p = IFind(v, "$class.type");
      if (p != kNpos) {
        return FillMatch(m, "ssti.velocity_directive", "Velocity class tool reflection", 90, p, 6);
      }
    }
    static const NeedleSet kAnySmartyOrHelper{
        "{php}", "{/php}", "{system(", "{exec(", "{passthru(", "{$smarty.", "{include file=",
        "{fetch file=", "{self::getstreamvariable", "{eval", "{{#with", "{{#each"};
    if (in.mask.Has('{') && kAnySmartyOrHelper.AnyIn(v)) {
      for (std::string_view d : {"{php}", "{/php}", "{system(", "{exec(", "{passthru(",
                                 "{$smarty.", "{include file=", "{fetch file=",
                                 "{self::getstreamvariable", "{eval"}) {
        size_t p = IFind(v, d);
        if (p != kNpos) {
          return FillMatch(m, "ssti.smarty_tag", "Smarty template tag that runs code", 85, p,
                           d.size());
        }
      }
      // Handlebars block helpers used for prototype access.
      size_t p = IFind(v, "{{#with");
      if (p == kNpos) p = IFind(v, "{{#each");
      if (p != kNpos && (IFind(v, "constructor") != kNpos || IFind(v, " as |") != kNpos ||
                         IFind(v, "lookup") != kNpos)) {
        return FillMatch(m, "ssti.handlebars_helper",
                         "Handlebars block helper reaching object internals", 85, p, 7);
      }
    }
    for (const Region& r : kRegions) {
      if (!in.mask.Has(r.open[0]) || !in.mask.Has(r.close[0])) continue;
      size_t from = 0;
      int regions = 0;
      while (regions < 256) {
        size_t p = scan::Find(v, r.open, from);
        if (p == kNpos) break;
        ++regions;
        size_t b = p + r.open.size();
        if (r.open == "<%" && b < v.size() && (v[b] == '=' || v[b] == '-' || v[b] == '#')) ++b;
        if (r.open == "{{" && b < v.size() && (v[b] == '=' || v[b] == '{')) ++b;
        std::string_view window = v.substr(std::min(b, v.size()), kMaxBody + r.close.size());
        size_t c = scan::Find(window, r.close);
        if (c == kNpos) {
          from = b;
          continue;
        }
        c += b;
        std::string_view body = v.substr(b, c - b);
        from = c + r.close.size();
        if (r.open == "{" ) {
          // Bare braces: only Smarty-style "{$x|...}" calls; JSON and CSS
          // braces are common, so require a '$' root and a call. Or a
          // Python str.format field walking attributes to a private or
          // settings name, which format() reads off the object it is given.
          if (FormatAttributeWalk(body)) {
            return FillMatch(m, "ssti.format_attribute_walk",
                             "Python str.format field walking attributes to a private or "
                             "settings name",
                             80, p, c + 1 - p);
          }
          if (body.empty() || body[0] != '$' || body.find('(') == kNpos) continue;
        }
        if (r.open == "${" && !body.empty() && body.find(':') != kNpos &&
            body.find('(') == kNpos) {
          continue;  // "${env:X}" lookups are the jndi detector's; "${a:b}" defaults.
        }
        std::string_view why = JudgeExpression(body);
        if (r.open == "{{" && why.empty() &&
            GoTemplateCall(body, p == scan::SkipSpaces(v, 0) &&
                                     scan::SkipSpaces(v, c + r.close.size()) == v.size())) {
          why = "method call or data dump in a Go template";
        }
        if (r.open == "<%" && why.empty() && RunsBacktickCommand(body)) {
          why = "shell command in backticks";
        }
        if (r.open == "@{[" && why.empty()) {
          // "@{[ expr ]}" exists to run code inside a Perl string: a name
          // with an argument, an operator or a quote after it is code
          // ("@{[ system qq{id} ]}", "@{[`id`]}"); a lone name ("@{[name]}")
          // reads as a placeholder.
          std::string_view code = body.substr(scan::SkipSpaces(body, 0));
          while (!code.empty() && IsSpace(code.back())) code.remove_suffix(1);
          bool named = false;
          bool more = false;
          for (char ch : code) {
            named = named || scan::IsAlpha(ch);
            more = more || !IsWordChar(ch);
          }
          if (named && more) why = "expression interpolated into a string";
        }
        if (why.empty()) continue;
        return FillMatch(m, "ssti.expression", std::string(r.engine) + " " + std::string(why), 85,
                         p, c + r.close.size() - p);
      }
    }
    // Java/Spring EL reflection without delimiters in the value itself.
    static const NeedleSet kAnyReflection{"t(java.lang.", ".getclass().forname("};
    // Both start at a '(' (the first of ".getclass().forname(" is 9 bytes in).
    bool reflection_paren = false;
    for (size_t k = in.mask.Has('(') ? v.find('(') : kNpos; k != kNpos && !reflection_paren;
         k = v.find('(', k + 1)) {
      reflection_paren = (k >= 1 && IAt(v, k - 1, "t(java.lang.")) ||
                         (k >= 9 && IAt(v, k - 9, ".getclass().forname("));
    }
    if (reflection_paren && kAnyReflection.AnyIn(v)) {
      size_t p = IFind(v, "t(java.lang.");
      if (p == kNpos) p = IFind(v, ".getclass().forname(");
      if (p != kNpos) {
        return FillMatch(m, "ssti.java_reflection", "Expression-language reflection into java.lang",
                         85, p, 12);
      }
    }
    // Java code calling what only an injected expression wants from the JVM:
    // a new process, the environment and system properties, exiting it,
    // loading native code or classes, a timed wait ("Thread.sleep(5000)").
    // Java names are case-sensitive.
    static constexpr std::string_view kJavaCalls[] = {
        "new ProcessBuilder(", "System.getenv(",   "System.getProperty(", "System.getProperties(",
        "System.setProperty(", "System.exit(",     "System.load(",        "System.loadLibrary(",
        "Thread.sleep(",       ".getClassLoader(", ".defineClass(",       ".newInstance().exec("};
    // Each ends at a '(', which prose holds far less often than the letters
    // the names start with: every '(' is compared with the names' ends.
    for (size_t k = in.mask.Has('(') && in.mask.Has('.') ? v.find('(') : kNpos; k != kNpos;
         k = v.find('(', k + 1)) {
      for (std::string_view call : kJavaCalls) {
        if (k + 1 < call.size()) continue;
        const size_t p = k + 1 - call.size();
        if (v.compare(p, call.size(), call) != 0) continue;
        // A name before "System." or "Thread." would make it another class
        // ("MySystem.exit(", "workerThread.sleep(").
        const bool class_call = call.starts_with("System.") || call.starts_with("Thread.");
        if (class_call && p > 0 && IsWordChar(v[p - 1])) continue;
        return FillMatch(m, "ssti.java_call",
                         "Java code calling " + std::string(call.substr(0, call.size() - 1)) +
                             "(): an injected expression's probe or payload",
                         80, p, call.size());
      }
    }
    return false;
  }
};

}  // namespace

const Detector& SstiDetector() {
  static const SstiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
