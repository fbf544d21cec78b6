// Cross-site scripting: a small HTML tag reader plus checks for the places a
// browser runs script: <script>, event-handler attributes (in a tag or
// injected into an attribute after a closing quote), javascript:/vbscript:/
// data:text/html URLs, dangerous embedding tags, CSS expressions and string
// break-outs inside a JavaScript context. Beyond those: data islands and data
// binding, external style sheets, style attributes that load or escape CSS,
// SVG/MathML links and animations, active namespaces, processing
// instructions, conditional comments, page-takeover and raw-text end tags,
// UTF-7 markup and encoded IP hosts. Fragments of an injection count too: a
// quote and '>' that end the tag the value sits in, polyglot closers
// ("'-->]]>"), SVG/MathML-only and XSLT elements, injected form controls,
// namespace declarations, style sheet rules that load resources, base64
// bodies that decode to such markup, and script statements that alias,
// pass on or compile a sink or navigate the page. A lone '<', in any
// spelling, is text.
//
// Every scan moves forward only (quote searches remember where a quote is
// known to be absent), so the work is linear in the value.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/event/text_codecs.h"

namespace fnguard::detect {
namespace {

constexpr int kThreshold = 60;
// Decoded base64 counts only when it runs script (a handler, a script tag or
// URL, an embedding): a page skeleton (<html><body>) is a document, not an
// attack.
constexpr int kDecodedThreshold = 75;
constexpr size_t kMaxTagName = 32;
constexpr size_t kMaxAttrName = 64;

using scan::IsAlnum;
using scan::IsAlpha;
using scan::IsSpace;
using scan::Lower;
bool IsUrlIgnorable(char c) { return c == '\t' || c == '\n' || c == '\r'; }

// The length of a tab or newline character reference at `i`, in any case
// ("&Tab;", "&newline;"), 0 when there is none: written into a scheme, it
// stands for the bytes browsers strip from URLs.
size_t StrippedEntityAt(std::string_view s, size_t i) {
  if (s[i] != '&') return 0;
  if (scan::IAt(s, i, "&tab;")) return 5;
  if (scan::IAt(s, i, "&newline;")) return 9;
  return 0;
}

// Matches `lower_lit` at `pos` while skipping the tab/newline bytes that
// browsers strip from URLs (and references to them). Sets `*end` past the
// match. With `any_space`, every whitespace byte is skipped: old browsers
// ignored spaces inside a scheme in an attribute value.
bool MatchUrlLoose(std::string_view s, size_t pos, std::string_view lower_lit, size_t* end,
                   bool any_space = false) {
  size_t i = pos;
  for (char want : lower_lit) {
    while (i < s.size()) {
      if (IsUrlIgnorable(s[i]) || (any_space && IsSpace(s[i]))) {
        ++i;
      } else if (size_t n = StrippedEntityAt(s, i); n > 0) {
        i += n;
      } else {
        break;
      }
    }
    if (i >= s.size() || Lower(s[i]) != want) return false;
    ++i;
  }
  *end = i;
  return true;
}

struct Finding {
  std::string_view rule_id;
  std::string_view reason;
  int score = 0;
  size_t offset = 0;
  size_t length = 0;
};

// Whether the SVG image of a data: URL (its media type read up to `p`) is a
// picture and nothing else: no script, event handler, link, embedded
// document or foreign object anywhere in it. Icons travel as
// "data:image/svg+xml;base64,PHN2Zy..." in API payloads. A body that does not
// decode, or one longer than 64 KiB, is not inert.
bool InertSvgData(std::string_view s, size_t p) {
  size_t comma = s.find(',', p);
  if (comma == std::string_view::npos || comma - p > 64) return false;
  const std::string_view params = s.substr(p, comma - p);
  size_t end = comma + 1;
  while (end < s.size() && !IsSpace(s[end]) && s[end] != '"' && s[end] != '\'' &&
         s[end] != ')' && end - comma <= 64 * 1024) {
    // Another URL inside is no picture (and ends the read: the bodies read
    // for a value never overlap).
    if (s[end] == ':' && end >= 4 && scan::IAt(s, end - 4, "data")) return false;
    ++end;
  }
  if (end - comma > 64 * 1024) return false;
  std::string_view body = s.substr(comma + 1, end - comma - 1);
  std::string decoded;
  if (scan::Find(params, ";base64") != std::string_view::npos) {
    decoded.resize(event::Base64MaxDecodedSize(body.size()));
    const std::optional<size_t> n = event::Base64Decode(body, decoded.data());
    if (!n) return false;
    decoded.resize(*n);
    body = decoded;
  }
  if (scan::IFind(body, "<svg") == std::string_view::npos) return false;
  for (std::string_view active : {"script", "href", "foreignobject", "iframe", "embed", "object",
                                  "&#", "set", "animate", "handler", "import", "url("}) {
    if (scan::IFind(body, active) != std::string_view::npos) return false;
  }
  // An event handler: " on...=" (or after '/', a quote or a line break).
  for (size_t k = scan::IFind(body, "on"); k != std::string_view::npos;
       k = scan::IFind(body, "on", k + 2)) {
    if (k == 0 || scan::IsAlnum(body[k - 1]) || body[k - 1] == '-') continue;
    size_t e = k + 2;
    while (e < body.size() && IsAlpha(body[e])) ++e;
    while (e < body.size() && IsSpace(body[e])) ++e;
    if (e < body.size() && body[e] == '=') return false;
  }
  return true;
}

// Script-running URL schemes at `pos` (leading spaces/controls skipped).
// Returns the score (0: none) and sets `*end` past the scheme.
// `in_attribute`: the URL is an attribute value, where spaces inside the
// scheme are ignored too.
int ScriptUrlAt(std::string_view s, size_t pos, size_t* end, bool in_attribute = false) {
  while (pos < s.size() && (IsSpace(s[pos]) || static_cast<unsigned char>(s[pos]) < 0x20)) ++pos;
  if (MatchUrlLoose(s, pos, "javascript:", end, in_attribute) ||
      MatchUrlLoose(s, pos, "vbscript:", end, in_attribute) ||
      MatchUrlLoose(s, pos, "livescript:", end, in_attribute) ||
      MatchUrlLoose(s, pos, "mocha:", end, in_attribute)) {
    return 90;
  }
  // mhtml: loads an archived document (and its script) from another origin.
  if (MatchUrlLoose(s, pos, "mhtml:", end, in_attribute)) return 80;
  if (MatchUrlLoose(s, pos, "data:", end)) {
    size_t e = *end;
    while (e < s.size() && IsSpace(s[e])) ++e;
    if (scan::IAt(s, e, "image/svg+xml") && InertSvgData(s, e + 13)) return 0;
    if (scan::IAt(s, e, "text/html") || scan::IAt(s, e, "image/svg+xml") ||
        scan::IAt(s, e, "application/xhtml") || scan::IAt(s, e, "text/xml") ||
        scan::IAt(s, e, "application/x-shockwave") ||
        scan::IAt(s, e, "text/javascript") || scan::IAt(s, e, "application/javascript")) {
      return 85;
    }
  }
  return 0;
}

// Attributes whose value is loaded or navigated to as a URL.
bool IsUrlAttribute(std::string_view name) {
  static constexpr std::array<std::string_view, 17> kNames = {
      "href",     "src",        "action",  "formaction", "data",     "xlink:href",
      "background", "dynsrc",   "lowsrc",  "poster",     "code",     "codebase",
      "to",       "values",     "from",    "content",    "srcset"};
  return scan::IEqualsAny(name, kNames);
}

// Element names that exist only in SVG or MathML (none is an HTML element or
// an everyday word such as "path", "text" or "image"): markup written for the
// foreign-content parser that mutation and SVG-based injections use.
bool IsForeignOnlyElement(std::string_view name) {
  static constexpr std::array<std::string_view, 34> kNames = {
      "rect",           "circle",          "ellipse",        "polygon",
      "polyline",       "foreignobject",   "animate",        "animatemotion",
      "animatetransform", "animatecolor",  "mpath",          "textpath",
      "tspan",          "lineargradient",  "radialgradient", "clippath",
      "feimage",        "feblend",         "fecolormatrix",  "fecomposite",
      "feflood",        "fegaussianblur",  "femerge",        "feoffset",
      "feturbulence",   "fedisplacementmap", "fetile",       "fediffuselighting",
      "mglyph",         "malignmark",      "mtext",          "annotation-xml",
      "maction",        "msqrt"};
  if (name.size() < 4) return false;
  return scan::IEqualsAny(name, kNames);
}

// SVG and MathML elements that only draw shapes, text and formulas. (Not
// animations, links, <use>, <image>, filters that load images, foreign
// objects or the MathML text-integration points mutation XSS relies on.)
bool IsInertDrawingElement(std::string_view name) {
  static constexpr std::array<std::string_view, 38> kNames = {
      "svg",     "math",   "g",        "path",     "circle",         "rect",
      "line",    "ellipse", "polygon", "polyline", "text",           "tspan",
      "defs",    "stop",   "lineargradient", "radialgradient", "clippath", "mask",
      "symbol",  "title",  "desc",     "mi",       "mn",             "mo",
      "mrow",    "msup",   "msub",     "msubsup",  "mfrac",          "msqrt",
      "mroot",   "mspace", "mstyle",   "mtable",   "mtr",            "mtd",
      "munder",  "mover"};
  return scan::IEqualsAny(name, kNames);
}

// Elements of ordinary rich text, which leave drawing markup beside them
// inert.
bool IsTextElement(std::string_view name) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "p",  "div", "span", "b",  "i",    "em",         "strong", "br",
      "ul", "ol",  "li",   "h1", "h2",   "h3",         "h4",     "h5",
      "h6", "code", "pre", "blockquote", "small",      "sub",    "sup", "figure"};
  return scan::IEqualsAny(name, kNames);
}

// Presentation attributes of drawing elements (not style, href or events).
bool IsInertDrawingAttribute(std::string_view attr) {
  static constexpr std::array<std::string_view, 56> kNames = {
      "xmlns",          "xmlns:xlink",     "viewbox",          "width",
      "height",         "d",               "fill",             "stroke",
      "stroke-width",   "stroke-linecap",  "stroke-linejoin",  "stroke-opacity",
      "stroke-dasharray", "fill-opacity",  "fill-rule",        "clip-rule",
      "opacity",        "cx",              "cy",               "r",
      "rx",             "ry",              "x",                "y",
      "x1",             "y1",              "x2",               "y2",
      "dx",             "dy",              "points",           "transform",
      "class",          "id",              "offset",           "stop-color",
      "stop-opacity",   "gradientunits",   "gradienttransform", "font-size",
      "font-family",    "font-weight",     "text-anchor",      "aria-hidden",
      "aria-label",     "role",            "focusable",        "version",
      "preserveaspectratio", "display",    "mathvariant",      "clip-path",
      "mask",           "dominant-baseline", "letter-spacing", "xml:space"};
  return scan::IEqualsAny(attr, kNames);
}

// XSLT instructions that copy or compute output (a style sheet injected into
// an XML document that is transformed into the page).
bool IsXsltInstruction(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {
      "value-of", "copy-of", "for-each", "apply-templates", "call-template", "apply-imports",
      "xsl:template"};
  return scan::IEqualsAny(name, kNames);
}

// A client-side framework's event or init directive, whose value the
// framework evaluates as an expression once the page renders: AngularJS's
// ng-click / ng-focus / ng-init (also as data-ng-*), Vue's v-on:*, Alpine's
// x-on:* and x-init.
bool IsFrameworkHandlerName(std::string_view name) {
  if (scan::IAt(name, 0, "data-")) name.remove_prefix(5);
  if (scan::IAt(name, 0, "v-on:") || scan::IAt(name, 0, "x-on:")) return name.size() > 5;
  if (scan::IEquals(name, "x-init")) return true;
  if (!scan::IAt(name, 0, "ng-")) return false;
  static constexpr std::string_view kDirectives[] = {
      "click",     "dblclick",   "focus",    "blur",      "change",    "submit",
      "init",      "mouseenter", "mouseleave", "mouseover", "mousemove", "mousedown",
      "mouseup",   "keydown",    "keyup",    "keypress",  "copy",      "cut",
      "paste"};
  return scan::IEqualsAny(name.substr(3), kDirectives);
}

bool IsEventHandlerName(std::string_view name) {
  if (name.size() < 5 || Lower(name[0]) != 'o' || Lower(name[1]) != 'n') return false;
  for (size_t i = 2; i < name.size(); ++i) {
    if (!IsAlpha(name[i]) && name[i] != '-' && name[i] != '_') return false;
  }
  return true;
}

// Whether `name` is on + an event the browsers fire at elements, windows or
// media (the HTML standard's event handler attributes, SVG's and the
// common vendor ones): "onmouseover", "onzoom"; of the names
// IsEventHandlerName() lets pass, not "online" or "onboarding".
bool IsKnownEventHandler(std::string_view name) {
  static constexpr std::string_view kEvents[] = {
      "abort", "activate", "afterprint", "afterscriptexecute", "animationcancel",
      "animationend", "animationiteration", "animationstart", "auxclick", "beforecopy",
      "beforecut", "beforeinput", "beforepaste", "beforeprint", "beforescriptexecute",
      "beforetoggle", "beforeunload", "begin", "blur", "cancel", "canplay", "canplaythrough",
      "change", "click", "close", "contextlost", "contextmenu", "contextrestored", "copy",
      "cuechange", "cut", "dblclick", "drag", "dragend", "dragenter", "dragleave", "dragover",
      "dragstart", "drop", "durationchange", "emptied", "end", "ended", "error", "focus",
      "focusin", "focusout", "formdata", "fullscreenchange", "gotpointercapture", "hashchange",
      "input", "invalid", "keydown", "keypress", "keyup", "languagechange", "load",
      "loadeddata", "loadedmetadata", "loadend", "loadstart", "lostpointercapture", "message",
      "messageerror", "mousedown", "mouseenter", "mouseleave", "mousemove", "mouseout",
      "mouseover", "mouseup", "mousewheel", "offline", "online", "pagehide", "pagereveal",
      "pageshow", "pageswap", "paste", "pause", "play", "playing", "pointercancel",
      "pointerdown", "pointerenter", "pointerleave", "pointermove", "pointerout",
      "pointerover", "pointerrawupdate", "pointerup", "popstate", "progress", "ratechange",
      "readystatechange", "rejectionhandled", "repeat", "reset", "resize", "scroll",
      "scrollend", "search", "securitypolicyviolation", "seeked", "seeking", "select",
      "selectionchange", "selectstart", "show", "slotchange", "stalled", "storage", "submit",
      "suspend", "timeupdate", "toggle", "touchcancel", "touchend", "touchmove", "touchstart",
      "transitioncancel", "transitionend", "transitionrun", "transitionstart",
      "unhandledrejection", "unload", "volumechange", "waiting", "webkitanimationend",
      "webkitanimationiteration", "webkitanimationstart", "webkittransitionend", "wheel",
      "zoom"};
  return IsEventHandlerName(name) && scan::IEqualsAny(name.substr(2), kEvents);
}

// CSS that runs script: expression(), -moz-binding, behavior, javascript: in url().
bool DangerousCss(std::string_view s, size_t from, size_t to, size_t* at) {
  to = std::min(to, s.size());
  for (size_t i = from; i < to; ++i) {
    char c = Lower(s[i]);
    if (c == 'e' && scan::IAt(s, i, "expression")) {
      size_t j = i + 10;
      while (j < to && (IsSpace(s[j]) || s[j] == '/' || s[j] == '*')) ++j;
      if (j < to && (s[j] == '(' || s[j] == '\\')) {
        *at = i;
        return true;
      }
    }
    if (c == '-' && scan::IAt(s, i, "-moz-binding")) {
      *at = i;
      return true;
    }
    if (c == 'b' && scan::IAt(s, i, "behavior") && i + 8 < to) {
      size_t j = i + 8;
      while (j < to && IsSpace(s[j])) ++j;
      if (j < to && s[j] == ':') {
        *at = i;
        return true;
      }
    }
    if (c == '@' && scan::IAt(s, i, "@import")) {
      *at = i;
      return true;
    }
  }
  return false;
}

// A style attribute that loads or smuggles content: url(), CSS escapes
// (`\6a` spells letters the filter would see), rule braces or selectors that
// break out of the declaration, and the IE behaviour/binding properties.
bool SuspiciousStyleAttribute(std::string_view v) {
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '{' || c == '}' || c == '[') return true;
    if (c == '\\' && i + 1 < v.size() && (IsAlnum(v[i + 1]) || v[i + 1] == '\\')) return true;
    if (c == '&' && i + 1 < v.size() && v[i + 1] == '#') return true;
    char l = Lower(c);
    if (l == 'u' && scan::IAt(v, i, "url")) {
      size_t j = i + 3;
      while (j < v.size() && IsSpace(v[j])) ++j;
      if (j < v.size() && v[j] == '(') return true;
    }
    if (l == 'b' && (scan::IAt(v, i, "behaviour") || scan::IAt(v, i, "binding"))) {
      size_t j = i + (Lower(v[i + 1]) == 'e' ? 9 : 7);
      while (j < v.size() && IsSpace(v[j])) ++j;
      if (j < v.size() && v[j] == ':') return true;
    }
  }
  return false;
}

// `http://1113982867/`, `//0x42.0x66.0x7.0x93/`, `//0102.0146.07.0223/`:
// an IP address written as one integer, or with hex or zero-padded octal
// parts, which filters that look for dotted quads miss.
bool ObfuscatedIpHost(std::string_view v) {
  size_t p = scan::Find(v, "//");
  if (p == std::string_view::npos || p > 8) return false;
  size_t h = p + 2;
  size_t e = h;
  while (e < v.size() && v[e] != '/' && v[e] != ':' && v[e] != '?' && v[e] != '#') ++e;
  if (e - h > 64) return false;
  // Browsers drop tabs and newlines inside a URL: `6\t6.0x7...` is `66.0x7...`.
  std::array<char, 64> buf;
  size_t n = 0;
  for (size_t k = h; k < e; ++k) {
    if (!IsUrlIgnorable(v[k])) buf[n++] = v[k];
  }
  std::string_view host(buf.data(), n);
  if (host.empty() || host.size() > 40) return false;
  bool all_digits = true;
  for (char c : host) all_digits = all_digits && c >= '0' && c <= '9';
  if (all_digits) return host.size() >= 8;
  size_t parts = 0;
  bool encoded = false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) dot = host.size();
    std::string_view part = host.substr(start, dot - start);
    if (part.empty()) return false;
    if (part.size() > 2 && part[0] == '0' && Lower(part[1]) == 'x') {
      for (size_t k = 2; k < part.size(); ++k) {
        if (!scan::IsHex(part[k])) return false;
      }
      encoded = true;
    } else {
      for (char c : part) {
        if (c < '0' || c > '9') return false;
      }
      if (part.size() > 1 && part[0] == '0') encoded = true;
    }
    ++parts;
    start = dot + 1;
  }
  return encoded && parts <= 4;
}

bool ContainsCI(std::string_view s, std::string_view lower_lit) {
  if (lower_lit.empty() || s.size() < lower_lit.size()) return false;
  for (size_t i = 0; i + lower_lit.size() <= s.size(); ++i) {
    if (Lower(s[i]) == lower_lit[0] && scan::IAt(s, i, lower_lit)) return true;
  }
  return false;
}

// Namespaces that turn markup into active content: SVG, XHTML, XML Events,
// XSLT and IE's x-schema.
bool IsActiveNamespace(std::string_view v) {
  return ContainsCI(v, "w3.org/2000/svg") || ContainsCI(v, "w3.org/1999/xhtml") ||
         ContainsCI(v, "xml-events") || ContainsCI(v, "xsl/transform") ||
         ContainsCI(v, "w3.org/1999/xlink") || ContainsCI(v, "w3.org/1998/math/mathml") ||
         ContainsCI(v, "wd-xsl") || ContainsCI(v, "x-schema:") ||
         ContainsCI(v, "urn:schemas-microsoft-com");
}

// Whether script `code` does nothing a page would notice: statements, split
// at ';', each of them `void 0`, `void(0)`, `return false`, `return true`, a
// bare literal (false, true, 0, null, undefined) or
// `event.preventDefault()` ("javascript:void(0)", onclick="return false;").
bool InertScript(std::string_view code) {
  bool any = false;
  while (!code.empty()) {
    size_t semi = code.find(';');
    std::string_view st = code.substr(0, semi);
    code = semi == std::string_view::npos ? std::string_view() : code.substr(semi + 1);
    while (!st.empty() && (st.front() == ' ' || st.front() == '\t')) st.remove_prefix(1);
    while (!st.empty() && (st.back() == ' ' || st.back() == '\t')) st.remove_suffix(1);
    if (st.empty()) continue;
    if (st.substr(0, 6) == "return" && st.size() > 6 && (st[6] == ' ' || st[6] == '\t')) {
      st.remove_prefix(7);
      while (!st.empty() && (st.front() == ' ' || st.front() == '\t')) st.remove_prefix(1);
    }
    static constexpr std::string_view kInert[] = {
        "void 0",  "void(0)", "void (0)", "false", "true", "0", "null", "undefined",
        "event.preventDefault()", "e.preventDefault()"};
    bool inert = false;
    for (std::string_view w : kInert) inert = inert || st == w;
    if (!inert) return false;
    any = true;
  }
  return any;
}

// Whether script starting at `k` of `s` opens with two names side by side
// on one line ("tags into the CMS", "The Good Parts"), or a name and a
// quote: prose, which no script engine compiles. The first name must not be
// a keyword that takes an operand ("new Image", "void 0", "typeof x") and
// the second not one that joins two operands ("a in b").
bool JsProseAt(std::string_view s, size_t k) {
  const auto skip_blanks = [&](size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return i;
  };
  const auto name_end = [&](size_t i) {
    if (i >= s.size() || !(IsAlpha(s[i]) || s[i] == '_' || s[i] == '$')) return i;
    while (i < s.size() && (IsAlnum(s[i]) || s[i] == '_' || s[i] == '$')) ++i;
    return i;
  };
  static constexpr std::array<std::string_view, 30> kOperandKeywords = {
      "var",   "let",    "const",  "function", "new",    "return",  "throw",  "if",
      "for",   "while",  "do",     "try",      "await",  "async",   "void",   "typeof",
      "delete", "import", "export", "class",   "with",   "yield",   "else",   "switch",
      "case",  "label",  "static", "get",      "set",    "debugger"};
  static constexpr std::array<std::string_view, 3> kJoining = {"in", "instanceof", "of"};
  // ("tags in user bio": a joining word passes to the next pair.)
  size_t a = skip_blanks(k);
  for (int pairs = 0; pairs < 4; ++pairs) {
    const size_t a_end = name_end(a);
    if (a_end == a || scan::IEqualsAny(s.substr(a, a_end - a), kOperandKeywords)) return false;
    const size_t b = skip_blanks(a_end);
    // A name then a string ("tag\"," in a JSON document): no operator
    // joins them, so no engine compiles it either.
    if (b < s.size() && (s[b] == '"' || s[b] == '\'')) return true;
    if (b == a_end) return false;
    const size_t b_end = name_end(b);
    if (b_end == b) return false;
    if (!scan::IEqualsAny(s.substr(b, b_end - b), kJoining)) return true;
    a = skip_blanks(b_end);
    if (a == b_end) return false;
  }
  return false;
}

// The SVG and MathML namespaces (which drawing markup declares itself).
bool IsDrawingNamespace(std::string_view v) {
  // (XLink's is declared on icons that never use it; an xlink:href is read
  // on its own.)
  return ContainsCI(v, "w3.org/2000/svg") || ContainsCI(v, "w3.org/1998/math/mathml") ||
         ContainsCI(v, "w3.org/1999/xlink");
}

// Letters (and digits) of the literals a scan looks for (AlnumNeeds()): a
// scan whose every literal needs a character the value lacks cannot match.
// ScriptUrlAt()'s schemes.
constexpr auto kSchemeNeeds = AlnumNeeds(std::array<std::string_view, 6>{
    "javascript", "vbscript", "livescript", "mocha", "mhtml", "data"});
// DangerousCss()'s words other than @import.
constexpr auto kCssNeeds =
    AlnumNeeds(std::array<std::string_view, 3>{"expression", "mozbinding", "behavior"});
// ScanScriptCalls()'s callees and indexed globals.
constexpr auto kCallNeeds = AlnumNeeds(std::array<std::string_view, 12>{
    "alert", "prompt", "confirm", "eval", "settimeout", "setinterval", "atob", "fromcharcode",
    "execscript", "function", "constructor", "import"});
// ScanScriptCalls()'s sinks assigned to an event handler (`onerror=alert`).
constexpr auto kSinkNeeds =
    AlnumNeeds(std::array<std::string_view, 4>{"alert", "prompt", "confirm", "eval"});
// ScanObfuscatedAccess()'s objects and the properties it reports.
constexpr std::array<std::string_view, 7> kAccessObjects = {
    "document", "window", "self", "top", "parent", "frames", "globalthis"};
constexpr auto kAccessObjectNeeds = AlnumNeeds(kAccessObjects);
constexpr size_t kMaxAccessObject = LongestOf(kAccessObjects);

constexpr std::array<std::string_view, 15> kAccessProperties = {
    "cookie", "domain",     "location",    "write",        "writeln",
    "alert",  "prompt",     "confirm",     "eval",         "settimeout",
    "atob",   "setinterval", "localstorage", "sessionstorage", "fetch"};
constexpr size_t kMaxAccessProperty = LongestOf(kAccessProperties);
// ScanScriptCalls()'s browser globals whose methods are called.
constexpr auto kApiNeeds = AlnumNeeds(std::array<std::string_view, 6>{
    "window", "navigator", "document", "history", "localstorage", "sessionstorage"});
constexpr auto kGlobalNeeds = AlnumNeeds(
    std::array<std::string_view, 5>{"top", "window", "self", "parent", "frames"});

// Every rule needs one of these: a tag or closer ('<', '>'), a URL scheme
// (':'), an attribute or padded base64 ('='), a call ('(', '`') or a block
// ('{').
bool MaybeXss(const CharMask& m) { return m.HasAny("<>:=(`{"); }

// Start positions for a scan that can only report where a given byte occurs
// at a fixed distance ahead, visited in ascending order like the
// byte-by-byte loop they replace. Gathered stretch by stretch ([lo, hi), at
// most kStretch bytes), one bit each, however many there are.
class CandidateBits {
 public:
  static constexpr size_t kStretch = 4096;

  // Only the words the stretch needs are cleared and read: most values are
  // far shorter than a stretch.
  CandidateBits(size_t lo, size_t hi) : lo_(lo), hi_(hi), words_((hi - lo + 63) / 64) {
    std::fill_n(bits_.begin(), words_, uint64_t{0});
  }

  // Adds k - back, for each of `backs` with lo <= k - back < hi, for every
  // `byte` at k in `s`; with `before` (a lower-case letter) only where that
  // letter, in either case, stands right before k.
  void AddEach(std::string_view s, char byte, std::initializer_list<size_t> backs,
               char before = 0) {
    size_t max_back = 0;
    for (size_t back : backs) max_back = std::max(max_back, back);
    // Only bytes up to hi + max_back can add a start below hi.
    const size_t to = std::min(s.size(), hi_ + max_back);
    scan::ForEachByte(s, lo_, to, byte, before, [&](size_t k) {
      for (size_t back : backs) {
        if (k >= back && k - back >= lo_ && k - back < hi_) {
          const size_t bit = k - back - lo_;
          bits_[bit / 64] |= uint64_t{1} << (bit % 64);
        }
      }
    });
  }

  // Calls visit(p) for every start p in [0, n) that add(&c) puts into `c`,
  // the candidates of one stretch, in ascending order, until it returns
  // true (then true).
  template <typename Add, typename Visit>
  static bool VisitAll(size_t n, Add add, Visit visit) {
    for (size_t lo = 0; lo < n; lo += kStretch) {
      CandidateBits c(lo, std::min(n, lo + kStretch));
      add(&c);
      for (size_t w = 0; w < c.words_; ++w) {
        for (uint64_t b = c.bits_[w]; b != 0; b &= b - 1) {
          if (visit(lo + w * 64 + static_cast<size_t>(std::countr_zero(b)))) return true;
        }
      }
    }
    return false;
  }

 private:
  size_t lo_;
  size_t hi_;
  size_t words_;
  std::array<uint64_t, kStretch / 64> bits_;
};

// Candidate word starts of one stretch (ScanCallWordCandidates()), at most
// 128: once more are added, overflowed() is set and the caller reads a
// shorter stretch, or every word.
class Candidates {
 public:
  // Adds `pos`; once 128 are held, sets overflowed() instead.
  void Add(size_t pos) {
    if (n_ == pos_.size()) {
      overflow_ = true;
      return;
    }
    pos_[n_++] = pos;
  }
  bool overflowed() const { return overflow_; }
  // Sorted ascending, duplicates removed.
  const size_t* begin() {
    std::sort(pos_.begin(), pos_.begin() + n_);
    n_ = static_cast<size_t>(std::unique(pos_.begin(), pos_.begin() + n_) - pos_.begin());
    return pos_.data();
  }
  const size_t* end() const { return pos_.data() + n_; }

 private:
  std::array<size_t, 128> pos_;
  size_t n_ = 0;
  bool overflow_ = false;
};

class Scanner {
 public:
  // `mask` is CharMask::Of(s): each scan is skipped when a character its
  // rules cannot do without is absent.
  // `nested`: `s` was decoded from the outer value (no further decoding).
  Scanner(std::string_view s, const CharMask& mask, bool nested = false)
      : s_(s), mask_(mask), nested_(nested) {
    no_quote_from_.fill(s.size() + 1);
  }

  Finding Run() {
    ScanTags();
    // Every attribute injection ends in "on...=".
    if (best_.score < 90 && mask_.Has('=') && HandlerBeforeEquals()) ScanAttributeInjection();
    // Every script URL scheme ends in ':' and is spelled with its letters.
    if (best_.score < 90 && mask_.Has(':') && mask_.HasAlnumOfAny(kSchemeNeeds)) ScanUrls();
    // A quote, then a call ('(' '`' '[') or an assignment to a dotted name.
    if (best_.score < 90 && mask_.HasAny("\"'`") &&
        (mask_.HasAny("(`[") || (mask_.Has('=') && mask_.Has('.')))) {
      ScanJsBreakout();
    }
    if (best_.score < 90) ScanCssOutsideTags();
    if (best_.score < 85) ScanLooseTags();
    // Declarations, closers and tag breakouts all end in '>'.
    if (best_.score < 70 && mask_.Has('>')) ScanMarkupFragments();
    // An active namespace is declared with "xmlns" ... '=' ... ':' (a URI).
    if (best_.score < 70 && mask_.Has('=') && mask_.Has(':') &&
        mask_.HasAlnumOf(CharMask::AlnumOf("xmlns"))) {
      ScanNamespaceDeclarations();
    }
    // Padded base64 whose text is markup: 'P' then one of C..H spell '<' and
    // the byte after it.
    if (best_.score < 85 && !nested_ && mask_.Has('=') && mask_.Has('P')) ScanBase64Markup();
    // Script written without letters ("(![]+[])[+!+[]]") or a sink passed to
    // a tagged template ("[].sort.call`${alert}1`").
    if (best_.score < 75 && mask_.Has('[') && mask_.Has('!') && mask_.HasAny("+ ")) {
      ScanJsFuck();
    }
    if (best_.score < 75 && mask_.Has('`') && mask_.Has('$') && mask_.Has('{')) {
      ScanTemplateSinks();
    }
    if (best_.score < 64 && ObfuscatedAccessPossible(mask_)) ScanObfuscatedAccess();
    if (best_.score < 65) ScanScriptCalls();
    return best_;
  }

  // The one scan for values without MaybeXss()'s characters: a property
  // reached through comments or a quoted name needs none of them.
  Finding RunObfuscatedAccess() {
    ScanObfuscatedAccess();
    return best_;
  }

  // ScanObfuscatedAccess()'s necessary condition: a comment ("/*") or a
  // quoted name in brackets, and the letters of one of its objects.
  static bool ObfuscatedAccessPossible(const CharMask& m) {
    return ((m.Has('/') && m.Has('*')) || (m.Has('[') && m.HasAny("\"'`"))) &&
           m.HasAlnumOfAny(kAccessObjectNeeds);
  }

 private:
  void Report(std::string_view rule, std::string_view reason, int score, size_t from,
              size_t to) {
    if (score <= best_.score) return;
    to = std::min(std::max(to, from), s_.size());
    best_ = Finding{rule, reason, score, from, to - from};
  }

  // Past whitespace and /* ... */ comments from `k`; `*comments` counts the
  // comments passed. An unclosed comment is not passed.
  size_t SkipJsGap(size_t k, int* comments) const {
    while (k < s_.size()) {
      if (IsSpace(s_[k])) {
        ++k;
      } else if (s_[k] == '/' && k + 1 < s_.size() && s_[k + 1] == '*') {
        // The last search is remembered (from where, what it found): repeated
        // unclosed "/*" stay linear.
        const size_t from = k + 2;
        if (comment_from_ == kUnknown || from < comment_from_ ||
            (comment_close_ != std::string_view::npos && comment_close_ < from)) {
          comment_from_ = from;
          comment_close_ = scan::Find(s_, "*/", from);
        }
        const size_t close = comment_close_;
        if (close == std::string_view::npos) return k;
        k = close + 2;
        ++*comments;
      } else {
        break;
      }
    }
    return k;
  }

  // A browser global whose property is reached in a way neither prose nor
  // ordinary code writes it, the property being one that reads the page's
  // secrets, sends the page elsewhere or runs script: a comment between the
  // object and its property (`document/*x*/.cookie`), or the name quoted in
  // brackets (`(document)["cookie"]`, `self /*x*/ ["alert"]`). Read from the
  // '[' and "/*" of the value, the object named right before them.
  void ScanObfuscatedAccess() {
    for (size_t k = s_.find('['); k != std::string_view::npos; k = s_.find('[', k + 1)) {
      size_t object = ObjectEndingBefore(k);
      if (object != std::string_view::npos && AccessAt(object, k, 0)) return;
    }
    // Only a closed comment is passed ("*/*" in an Accept header opens one).
    size_t open = scan::Find(s_, "/*");
    if (open == std::string_view::npos ||
        scan::Find(s_, "*/", open + 2) == std::string_view::npos) {
      return;
    }
    for (size_t c = open; c != std::string_view::npos; c = scan::Find(s_, "/*", c + 2)) {
      // `document/*x*/.cookie`, or after the dot: `document./*x*/cookie`.
      size_t object = ObjectEndingBefore(c);
      if (object != std::string_view::npos && AccessAt(object, c, 1)) return;
      size_t dot = c;
      while (dot > 0 && IsSpace(s_[dot - 1])) --dot;
      if (dot > 0 && s_[dot - 1] == '.') {
        object = ObjectEndingBefore(dot - 1);
        if (object != std::string_view::npos && AccessAt(object, dot - 1, 1)) return;
      }
    }
  }

  // Where the object ends that `k` follows (spaces and one ')' between), if
  // it is one of kAccessObjects standing as a word; npos otherwise.
  size_t ObjectEndingBefore(size_t k) const {
    size_t e = k;
    while (e > 0 && IsSpace(s_[e - 1])) --e;
    if (e > 0 && s_[e - 1] == ')') {
      --e;
      while (e > 0 && IsSpace(s_[e - 1])) --e;
    }
    size_t w = e;
    while (w > 0 && e - w <= kMaxAccessObject && scan::IsCodeIdentChar(s_[w - 1])) --w;
    if (w == e || (w > 0 && scan::IsCodeIdentChar(s_[w - 1]))) return std::string_view::npos;
    for (std::string_view o : kAccessObjects) {
      if (scan::IEquals(s_.substr(w, e - w), o)) return w;
    }
    return std::string_view::npos;
  }

  // The access that starts at `k` (after the object at `object`): '.' and a
  // property name (only when a comment was passed), or '[' and a quoted name,
  // with spaces, comments and a ')' in between. Reports and returns true
  // when the property is one of kAccessProperties.
  bool AccessAt(size_t object, size_t k, int comments) {
    k = SkipJsGap(k, &comments);
    if (k < s_.size() && s_[k] == ')') k = SkipJsGap(k + 1, &comments);  // (document)
    if (k >= s_.size()) return false;
    std::string_view property;
    if (s_[k] == '.') {
      size_t a = SkipJsGap(k + 1, &comments);
      size_t b = a;
      while (b < s_.size() && b - a <= kMaxAccessProperty && scan::IsCodeIdentChar(s_[b])) ++b;
      if (comments > 0 && (b == s_.size() || !scan::IsCodeIdentChar(s_[b]))) {
        property = s_.substr(a, b - a);
      }
      k = b;
    } else if (s_[k] == '[') {
      size_t a = SkipJsGap(k + 1, &comments);
      if (a >= s_.size() || (s_[a] != '"' && s_[a] != '\'' && s_[a] != '`')) return false;
      // The closing quote within the longest property's length, each
      // character of it possibly written as a six-byte escape ("\u0063").
      size_t close = s_.substr(a + 1, 6 * kMaxAccessProperty + 1).find(s_[a]);
      if (close == std::string_view::npos) return false;
      property = s_.substr(a + 1, close);
      k = a + close + 2;
      // A name spelled with escapes ("\x61lert", "\u0065val"): what it names is
      // hidden on purpose.
      for (size_t b = property.find('\\'); b != std::string_view::npos && b + 1 < property.size();
           b = property.find('\\', b + 2)) {
        const char e = Lower(property[b + 1]);
        if (e == 'x' || e == 'u' || (e >= '0' && e <= '7')) {
          Report("xss.js_obfuscation", "a browser global's property is named through escapes", 64,
                 object, k);
          return true;
        }
      }
      if (property.size() > kMaxAccessProperty) return false;
    }
    if (property.empty()) return false;
    for (std::string_view p : kAccessProperties) {
      if (scan::IEquals(property, p)) {
        Report("xss.js_obfuscation",
               "a browser global's property is reached through a comment or a quoted name", 64,
               object, k);
        return true;
      }
    }
    return false;
  }

  // Position of the next `q` at or after `from`, npos when none. Remembers
  // misses so repeated searches stay linear.
  size_t FindQuote(char q, size_t from) {
    size_t slot = q == '"' ? 0 : (q == '\'' ? 1 : 2);
    if (from >= no_quote_from_[slot]) return std::string_view::npos;
    size_t p = s_.find(q, from);
    if (p == std::string_view::npos) no_quote_from_[slot] = from;
    return p;
  }

  // Whether the start tag whose name ends at `i` closes ('>' or "/>") with
  // no attribute, after blanks only.
  bool EndsWithoutAttributes(size_t i) const {
    while (i < s_.size() && IsSpace(s_[i])) ++i;
    if (i < s_.size() && s_[i] == '/') ++i;
    return i < s_.size() && s_[i] == '>';
  }

  // After "<!DOCTYPE name" at `i`: PUBLIC and a formal public identifier,
  // then optionally a system identifier, then '>'
  // (`PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/..."`).
  bool ExternalIdentifierOnlyAt(size_t i) const {
    const auto blanks = [&](size_t k) {
      while (k < s_.size() && IsSpace(s_[k])) ++k;
      return k;
    };
    // A quoted literal without markup in it; returns past its close, or 0.
    const auto quoted = [&](size_t k) -> size_t {
      if (k >= s_.size() || (s_[k] != '"' && s_[k] != '\'')) return 0;
      const char q = s_[k];
      for (size_t e = k + 1; e < s_.size() && e - k < 256; ++e) {
        if (s_[e] == q) return e + 1;
        if (s_[e] == '<' || s_[e] == '>') return 0;
      }
      return 0;
    };
    i = blanks(i);
    if (!scan::IAt(s_, i, "public")) return false;
    // A formal public identifier: "-//Owner//DTD ...//EN" (or "+//" for a
    // registered owner).
    i = blanks(i + 6);
    if (i + 4 >= s_.size() || (s_[i + 1] != '-' && s_[i + 1] != '+') || s_[i + 2] != '/' ||
        s_[i + 3] != '/') {
      return false;
    }
    size_t e = quoted(i);
    if (e == 0) return false;
    i = blanks(e);
    if (i < s_.size() && s_[i] != '>') {
      e = quoted(i);
      if (e == 0) return false;
      i = blanks(e);
    }
    return i < s_.size() && s_[i] == '>';
  }


  // Whether the start tag whose name ends at `i` holds only attributes that
  // change no behaviour (lang, dir, class, id, xml:lang, xmlns with the
  // XHTML namespace), each with a plain value, before its '>'.
  bool EndsWithInertAttributes(size_t i) const {
    static constexpr std::array<std::string_view, 6> kInert = {"lang", "dir",      "class",
                                                               "id",   "xml:lang", "xmlns"};
    for (int attrs = 0; attrs < 8; ++attrs) {
      while (i < s_.size() && IsSpace(s_[i])) ++i;
      if (i < s_.size() && s_[i] == '/') ++i;
      if (i < s_.size() && s_[i] == '>') return true;
      const size_t name = i;
      while (i < s_.size() && i - name < 16 && (IsAlpha(s_[i]) || s_[i] == ':')) ++i;
      const std::string_view attr = s_.substr(name, i - name);
      if (!scan::IEqualsAny(attr, kInert) || i >= s_.size() || s_[i] != '=') return false;
      ++i;
      const char q = i < s_.size() && (s_[i] == '"' || s_[i] == '\'') ? s_[i++] : 0;
      const size_t value = i;
      while (i < s_.size() && i - value < 64 &&
             (IsAlnum(s_[i]) || s_[i] == '-' || s_[i] == '_' || (q != 0 && s_[i] == ' ') ||
              (scan::IEquals(attr, "xmlns") && (s_[i] == ':' || s_[i] == '/' || s_[i] == '.')))) {
        ++i;
      }
      if (scan::IEquals(attr, "xmlns") && IsActiveNamespace(s_.substr(value, i - value))) {
        return false;
      }
      if (q != 0) {
        if (i >= s_.size() || s_[i] != q) return false;
        ++i;
      }
    }
    return false;
  }

  // Reads one tag starting at s_[lt] == '<'. Returns where scanning resumes.
  size_t ReadTag(size_t lt) {
    size_t i = lt + 1;
    bool closing = false;
    if (i < s_.size() && s_[i] == '/') {
      closing = true;
      ++i;
    }
    size_t name_start = i;
    while (i < s_.size() && i - name_start < kMaxTagName &&
           (IsAlnum(s_[i]) || s_[i] == '-' || s_[i] == ':' || s_[i] == '_')) {
      ++i;
    }
    if (i == name_start) return lt + 1;
    std::string_view name = s_.substr(name_start, i - name_start);
    // Only a VML frame is read with an empty namespace prefix (`<:vmlframe`).
    if (!IsAlpha(s_[name_start]) && !(name[0] == ':' && scan::IEquals(name.substr(1), "vmlframe"))) {
      return lt + 1;
    }
    if (!closing && scan::IEquals(name, "script")) {
      // A bare <script> that prose or an end tag follows ("<script> tags
      // are escaped", "<code><script></code>"): the value writes about
      // the tag; what follows it runs nowhere.
      const bool written_about =
          i < s_.size() && s_[i] == '>' &&
          (JsProseAt(s_, i + 1) || (i + 2 < s_.size() && s_[i + 1] == '<' && s_[i + 2] == '/' &&
                                    !scan::IAt(s_, i + 1, "</script")));
      if (!written_about) {
        Report("xss.script_tag", "a <script> tag", 92, lt, i);
        return i;
      }
    }
    // A tag name ends at whitespace, '/', '>' or the end of the value.
    // (A NUL or other control byte also ends it for the legacy parsers that
    // dropped it.)
    if (i < s_.size() && !IsSpace(s_[i]) && s_[i] != '/' && s_[i] != '>' &&
        static_cast<unsigned char>(s_[i]) >= 0x20) {
      return i;
    }
    size_t colon = name.find(':');
    if (colon != std::string_view::npos) {
      std::string_view prefix = name.substr(0, colon);
      if (scan::IEquals(prefix, "svg") || scan::IEquals(prefix, "xsl") || scan::IEquals(prefix, "xml") ||
          scan::IEquals(prefix, "html") || scan::IEquals(prefix, "math")) {
        Report("xss.dangerous_tag", "a namespaced SVG/XSLT/XML tag", 68, lt, i);
      }
      // Internet Explorer's VML frame loads and runs another document,
      // whatever prefix the VML namespace was given.
      if (scan::IEquals(name.substr(colon + 1), "vmlframe")) {
        Report("xss.dangerous_tag", "a VML frame that loads another document", 75, lt, i);
      }
    }
    // Foreign content (SVG, MathML) and namespaced markup switch the parser
    // into the modes that mutation and XML-based injections rely on; page
    // structure and form tags take over or capture the page. Their end tags
    // close the page's own elements early.
    // An <html>, <head> or <body> start tag inside a page only lends the
    // page's element its attributes: without any (or with only a language,
    // direction, class or id), it changes nothing, and the parser ignores
    // their end tags.
    static constexpr std::array<std::string_view, 10> kTakeover = {
        "svg", "math", "style", "html", "body", "head", "form", "textarea", "xmp", "plaintext"};
    static constexpr std::array<std::string_view, 3> kDocumentElements = {"html", "body", "head"};
    const bool drawing = IsInertDrawingElement(name);
    if (!drawing && !IsTextElement(name)) markup_active_ = true;
    if (scan::IEquals(name, "svg") || scan::IEquals(name, "math")) {
      open_drawings_ += closing ? -1 : 1;
    }
    if (scan::IEqualsAny(name, kTakeover) &&
        (!scan::IEqualsAny(name, kDocumentElements) || (!closing && !EndsWithInertAttributes(i)))) {
      ReportForeign(drawing, "a tag that switches parsing mode or takes over the page", 62, lt,
                    i);
    }
    // Leaving a raw-text element ends the context a value was placed in,
    // unless the value opened that element itself.
    static constexpr std::array<std::string_view, 7> kRawText = {
        "style", "textarea", "title", "xmp", "noscript", "noembed", "plaintext"};
    const size_t raw_text = scan::IIndexOf(name, kRawText);
    if (closing) {
      if (raw_text < kRawText.size() && !(opened_raw_text_ & (1u << raw_text))) {
        Report("xss.js_breakout", "an end tag closes a raw-text element", 63, lt, i);
      }
      return i;
    }
    if (raw_text < kRawText.size()) opened_raw_text_ |= 1u << raw_text;

    // Embedding and redirecting tags, plus Netscape layers and IE XML data
    // islands (<xml src=...>, bound into the page by datasrc=).
    static constexpr std::array<std::string_view, 14> kEmbedding = {
        "iframe", "frame",  "frameset", "object", "embed",  "applet", "isindex",
        "base",   "import", "layer",    "ilayer", "xml",    "portal", "fencedframe"};
    bool embedding = scan::IEqualsAny(name, kEmbedding);
    // A bare <xml> loads and binds nothing: it is the root element of many
    // XML APIs' messages ("<xml><ToUserName>..."); an island has attributes.
    if (embedding && scan::IEquals(name, "xml") && (i >= s_.size() || s_[i] == '>')) {
      embedding = false;
    }
    if (embedding) {
      Report("xss.dangerous_tag", "a tag that embeds or redirects active content", 80, lt, i);
    }
    if (IsForeignOnlyElement(name)) {
      ReportForeign(drawing, "an element that only SVG or MathML markup has", 61, lt, i);
    }
    if (IsXsltInstruction(name)) {
      Report("xss.dangerous_tag", "an XSLT instruction element", 65, lt, i);
    }
    const bool meta = scan::IEquals(name, "meta");
    const bool style = scan::IEquals(name, "style");
    const bool link = scan::IEquals(name, "link");
    const bool control = scan::IEquals(name, "input") || scan::IEquals(name, "button");
    const bool xsl_template = scan::IEquals(name, "template");
    // A tag left open at the very end of the value: the page's own markup
    // that follows completes it (`<svg` + ` onload=...` from elsewhere).
    if (i >= s_.size()) {
      static constexpr std::array<std::string_view, 10> kActive = {
          "svg", "math", "img", "iframe", "body", "input", "video", "audio", "details", "image"};
      if (scan::IEqualsAny(name, kActive)) {
        Report("xss.dangerous_tag", "an active tag left open at the end of the value", 62, lt, i);
      }
    }

    // Attributes.
    while (i < s_.size()) {
      while (i < s_.size() && (IsSpace(s_[i]) || s_[i] == '/')) ++i;
      if (i >= s_.size() || s_[i] == '>') break;
      if (s_[i] == '<') return i;  // a new tag starts: the previous one was left open
      size_t an = i;
      while (i < s_.size() && i - an < kMaxAttrName && !IsSpace(s_[i]) && s_[i] != '/' &&
             s_[i] != '>' && s_[i] != '=' && s_[i] != '<') {
        ++i;
      }
      if (i == an) {
        ++i;  // a stray byte such as '=' with no name
        continue;
      }
      std::string_view attr = s_.substr(an, i - an);
      if (drawing && !IsInertDrawingAttribute(attr)) markup_active_ = true;
      size_t j = i;
      while (j < s_.size() && IsSpace(s_[j])) ++j;
      size_t value_start = j;
      size_t value_end = j;
      bool has_value = false;
      bool quoted = false;
      if (j < s_.size() && s_[j] == '=') {
        has_value = true;
        ++j;
        while (j < s_.size() && IsSpace(s_[j])) ++j;
        if (j < s_.size() && (s_[j] == '"' || s_[j] == '\'' || s_[j] == '`')) {
          char q = s_[j];
          quoted = true;
          value_start = j + 1;
          size_t close = FindQuote(q, value_start);
          value_end = close == std::string_view::npos ? s_.size() : close;
          i = close == std::string_view::npos ? s_.size() : close + 1;
        } else {
          value_start = j;
          while (j < s_.size() && !IsSpace(s_[j]) && s_[j] != '>') ++j;
          value_end = j;
          i = j;
        }
      }
      std::string_view value = s_.substr(value_start, value_end - value_start);
      if (IsEventHandlerName(attr) && !(quoted && InertScript(value))) {
        Report("xss.event_handler", "an HTML tag with an event-handler attribute", 90, lt,
               value_end);
      } else if (has_value && !value.empty() && IsFrameworkHandlerName(attr)) {
        Report("xss.event_handler",
               "an HTML tag with a framework event directive (its value runs as an expression)",
               80, lt, value_end);
      }
      size_t scheme_end = 0;
      if (has_value && (IsUrlAttribute(attr) || meta || link)) {
        int score = ScriptUrlAt(s_, value_start, &scheme_end, /*in_attribute=*/true);
        if (score == 0 && meta) {
          // <meta http-equiv=refresh content="0;url=javascript:...">
          for (size_t k = value_start; k + 4 <= value_end; ++k) {
            if (scan::IAt(s_, k, "url=")) {
              score = ScriptUrlAt(s_, k + 4, &scheme_end);
              break;
            }
          }
        }
        // An unquoted value ends at a space the scheme may contain.
        if (score == 0 && IsUrlAttribute(attr) && ObfuscatedIpHost(value)) {
          Report("xss.js_url", "a link to a host written as an encoded IP address", 65, lt,
                 value_end);
        }
        // href="javascript:void(0)": a link that goes nowhere.
        const bool inert = quoted && score > 0 && scheme_end <= value_end &&
                           Lower(s_[value_start]) != 'd' && Lower(s_[value_start]) != 'm' &&
                           InertScript(s_.substr(scheme_end, value_end - scheme_end));
        if (score > 0 && (scheme_end <= value_end + 1 || !quoted) && !inert) {
          Report("xss.js_url", "an attribute loads a script-running URL", score, lt,
                 value_end);
        }
      }
      if (meta && scan::IEquals(attr, "http-equiv") &&
          (scan::IEquals(value, "refresh") || scan::IEquals(value, "set-cookie"))) {
        Report("xss.dangerous_tag", "a <meta http-equiv> tag that redirects or sets cookies",
               75, lt, value_end);
      }
      if (scan::IEquals(attr, "attributename") && IsEventHandlerName(value)) {
        Report("xss.event_handler", "an SVG animation that sets an event handler", 85, lt,
               value_end);
      }
      if (scan::IEquals(attr, "attributename") && (scan::IEquals(value, "href") ||
                                              scan::IEquals(value, "xlink:href"))) {
        Report("xss.js_url", "an SVG animation that rewrites a link target", 80, lt, value_end);
      }
      if (has_value && scan::IEquals(attr, "xlink:href")) {
        Report("xss.js_url", "an SVG/MathML xlink:href link", 70, lt, value_end);
      }
      if (scan::IEquals(attr, "datasrc") || scan::IEquals(attr, "datafld") ||
          scan::IEquals(attr, "dataformatas")) {
        Report("xss.dangerous_tag", "IE data binding renders a data island as HTML", 78, lt,
               value_end);
      }
      if (has_value && (scan::IEquals(attr, "handler") || scan::IEquals(attr, "ev:handler") ||
                        scan::IEquals(attr, "ev:event"))) {
        Report("xss.event_handler", "an XML Events handler attribute", 78, lt, value_end);
      }
      if (has_value && (scan::IEquals(attr, "xmlns") || scan::IAt(attr, 0, "xmlns:")) &&
          IsActiveNamespace(value)) {
        ReportForeign(drawing && IsDrawingNamespace(value),
                      "markup declares an active-content namespace", 70, lt, value_end);
      }
      if (meta && has_value && (ContainsCI(value, "utf-7") || ContainsCI(value, "utf7"))) {
        Report("xss.dangerous_tag", "a <meta> tag switches the page to UTF-7", 80, lt, value_end);
      }
      if (meta && scan::IEquals(attr, "http-equiv") && scan::IEquals(value, "link")) {
        Report("xss.dangerous_tag", "a <meta http-equiv=link> loads an external resource", 75,
               lt, value_end);
      }
      if (link && scan::IEquals(attr, "rel") &&
          (ContainsCI(value, "stylesheet") || scan::IEquals(value, "import"))) {
        Report("xss.dangerous_tag", "a <link> tag loads an external style sheet or document", 72,
               lt, value_end);
      }
      if (has_value && scan::IEquals(attr, "style") && SuspiciousStyleAttribute(value)) {
        Report("xss.css_expression", "a style attribute that loads or escapes CSS", 70, lt,
               value_end);
      }
      // A form control that collects a password, submits the page or
      // carries its text elsewhere (dirname names the field the text
      // direction, and so the text, is sent in).
      if (control && has_value &&
          ((scan::IEquals(attr, "type") &&
            (scan::IEquals(value, "password") || scan::IEquals(value, "hidden") ||
             scan::IEquals(value, "submit") || scan::IEquals(value, "image"))) ||
           scan::IEquals(attr, "dirname") || scan::IEquals(attr, "formaction"))) {
        Report("xss.dangerous_tag", "an injected form control that collects or submits data", 62,
               lt, value_end);
      }
      if (xsl_template && has_value && scan::IEquals(attr, "match")) {
        Report("xss.dangerous_tag", "an XSLT template", 65, lt, value_end);
      }
      if (scan::IEquals(attr, "srcdoc") && value.find('<') != std::string_view::npos) {
        Report("xss.dangerous_tag", "an iframe srcdoc with markup", 80, lt, value_end);
      }
      size_t css_at = 0;
      if (has_value && scan::IEquals(attr, "style") &&
          DangerousCss(s_, value_start, value_end, &css_at)) {
        Report("xss.css_expression", "a style attribute with script-running CSS", 80, lt,
               value_end);
      }
    }
    size_t tag_end = i;
    if (style) {
      // The style sheet body up to </style> (or the end).
      size_t body_end = s_.size();
      for (size_t k = s_.find('<', tag_end); k != std::string_view::npos;
           k = s_.find('<', k + 1)) {
        if (scan::IAt(s_, k, "</style")) {
          body_end = k;
          break;
        }
      }
      size_t css_at = 0;
      if (DangerousCss(s_, tag_end, body_end, &css_at)) {
        Report("xss.css_expression", "a <style> block with script-running CSS", 80, lt,
               css_at + 8);
      }
      // Any rule set injected as a style sheet restyles (and can exfiltrate
      // from) the page.
      std::string_view body = s_.substr(std::min(tag_end, body_end),
                                        body_end - std::min(tag_end, body_end));
      if (body.find('{') != std::string_view::npos || ContainsCI(body, "url(")) {
        Report("xss.css_expression", "a <style> block with injected rules", 70, lt, body_end);
      }
      return std::max(body_end, tag_end);
    }
    return tag_end;
  }

  // `<?xml-stylesheet ...?>`, `<?xml:namespace ...?>`, `<?import ...?>` and IE
  // conditional comments `<!--[if ...]>` / `<![endif]-->`.
  void ReadMarkupDeclaration(size_t lt) {
    if (scan::IAt(s_, lt, "<?xml-stylesheet") || scan::IAt(s_, lt, "<?xml:namespace") ||
        scan::IAt(s_, lt, "<?import")) {
      Report("xss.dangerous_tag", "a processing instruction that imports active content", 75,
             lt, lt + 5);
      return;
    }
    if (scan::IAt(s_, lt, "<?php") || scan::IAt(s_, lt, "<?=") || PhpCallAt(lt + 2)) {
      Report("xss.dangerous_tag", "a server-side code block", 65, lt, lt + 3);
      return;
    }
    // "<!DOCTYPE html>" starts every page and declares nothing.
    if (scan::IAt(s_, lt, "<!doctype")) {
      size_t n = lt + 9;
      while (n < s_.size() && IsSpace(s_[n])) ++n;
      if (n > lt + 9 && scan::IAt(s_, n, "html") && EndsWithoutAttributes(n + 4)) return;
      // A quote where the name belongs: markup quoted in an error message
      // ("Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON").
      if (n < s_.size() && (s_[n] == '"' || s_[n] == '\'')) return;
      // A document type named by its public identifier alone (XHTML's, an
      // Apple plist's): no markup is declared here. (The xxe detector judges
      // where an external DTD comes from.)
      size_t e = n;
      while (e < s_.size() && e - n < 32 && (IsAlnum(s_[e]) || s_[e] == '-' || s_[e] == ':')) ++e;
      if (n > lt + 9 && e > n && ExternalIdentifierOnlyAt(e)) return;
    }
    if (scan::IAt(s_, lt, "<!doctype") || scan::IAt(s_, lt, "<!attlist") ||
        scan::IAt(s_, lt, "<!element")) {
      Report("xss.dangerous_tag", "a document type declaration", 62, lt, lt + 9);
      return;
    }
    // (The last "-->" tells whether one follows: each "<!--" searching
    // the rest of the value would read it once per comment.)
    if (scan::IAt(s_, lt, "<!--") && (LastCommentClose() == std::string_view::npos ||
                                      LastCommentClose() < lt + 4)) {
      Report("xss.dangerous_tag", "an unterminated comment hides the rest of the page", 62, lt,
             lt + 4);
    }
    size_t k = lt + 2;
    if (scan::IAt(s_, lt, "<!--")) k = lt + 4;
    while (k < s_.size() && IsSpace(s_[k])) ++k;
    if (k + 3 < s_.size() && s_[k] == '[' &&
        (scan::IAt(s_, k + 1, "if") || scan::IAt(s_, k + 1, "endif"))) {
      const bool opening = Lower(s_[k + 1]) == 'i';
      size_t w = k + (opening ? 3 : 6);
      if (w < s_.size() && (IsSpace(s_[w]) || s_[w] == ']')) {
        // Outlook's conditions ("[if mso]", "[if gte mso 9]") select markup
        // for Word's renderer in HTML e-mail, which runs no script; their
        // "[endif]" closes them.
        if (opening && OutlookCondition(w)) {
          outlook_conditional_ = true;
        } else if (opening || !outlook_conditional_) {
          Report("xss.dangerous_tag", "an IE conditional comment", 70, lt, w);
        }
      }
    }
  }

  // Whether the condition at `w` (after "[if") names Outlook's renderer
  // ("mso", after an optional comparison or '!').
  bool OutlookCondition(size_t w) const {
    while (w < s_.size() && IsSpace(s_[w])) ++w;
    if (w < s_.size() && s_[w] == '!') ++w;
    static constexpr std::array<std::string_view, 4> kComparisons = {"gte", "gt", "lte", "lt"};
    for (std::string_view c : kComparisons) {
      if (scan::IAt(s_, w, c) && w + c.size() < s_.size() && IsSpace(s_[w + c.size()])) {
        w += c.size();
        while (w < s_.size() && IsSpace(s_[w])) ++w;
        break;
      }
    }
    return scan::IAt(s_, w, "mso") &&
           (w + 3 == s_.size() || s_[w + 3] == ']' || IsSpace(s_[w + 3]));
  }

  size_t LastCommentClose() const {
    if (last_comment_close_ == kUnknown) last_comment_close_ = s_.rfind("-->");
    return last_comment_close_;
  }

  void ScanTags() {
    size_t lead = 0;
    while (lead < s_.size() && IsSpace(s_[lead])) ++lead;
    if (scan::IAt(s_, lead, "-->") &&
        s_.find_first_of("<{", lead + 3) != std::string_view::npos) {
      Report("xss.js_breakout", "a comment is closed and markup or rules follow", 62, lead,
             lead + 3);
    }
    size_t i = s_.find('<');
    while (i != std::string_view::npos && i < s_.size()) {
      if (i + 1 < s_.size() && (s_[i + 1] == '?' || s_[i + 1] == '!')) ReadMarkupDeclaration(i);
      size_t next = ReadTag(i);
      if (next <= i) next = i + 1;
      if (best_.score >= 92) return;
      // (A run of tags: the next one often starts where this one ended.)
      i = next < s_.size() && s_[next] == '<' ? next : s_.find('<', next);
    }
    // SVG and MathML that only draw (shapes, text, formulas with their
    // presentation attributes, inside ordinary text markup) are an icon or
    // a formula pasted into rich text. Anything else beside them (another
    // element, a link, a style, a comment, CDATA) keeps what they switch on.
    if (drawing_.score > 0) {
      // (An <svg> or <math> left open parses the page that follows as
      // foreign content.)
      inert_drawing_ = !markup_active_ && open_drawings_ <= 0 &&
                       s_.find("<!") == std::string_view::npos &&
                       !ProcessingInstructionBeyondXmlDeclaration();
      if (!inert_drawing_) {
        Report(drawing_.rule_id, drawing_.reason, drawing_.score, drawing_.offset,
               drawing_.offset + drawing_.length);
      }
    }
  }

  // Whether a "<?" stands anywhere but in an XML declaration that opens the
  // value (`<?xml version="1.0" encoding="UTF-8"?>` before an SVG file).
  bool ProcessingInstructionBeyondXmlDeclaration() const {
    size_t lead = 0;
    while (lead < s_.size() && IsSpace(s_[lead])) ++lead;
    size_t from = 0;
    if (scan::IAt(s_, lead, "<?xml ")) {
      const size_t end = s_.find("?>", lead);
      if (end == std::string_view::npos) return true;
      from = end + 2;
    }
    return s_.find("<?", from) != std::string_view::npos;
  }

  // An xss.dangerous_tag finding of foreign content: reported now, or, for
  // drawing markup, kept in drawing_ for the end of ScanTags().
  void ReportForeign(bool drawing, std::string_view reason, int score, size_t from, size_t to) {
    if (!drawing) {
      Report("xss.dangerous_tag", reason, score, from, to);
      return;
    }
    if (score <= drawing_.score) return;
    to = std::min(std::max(to, from), s_.size());
    drawing_ = Finding{"xss.dangerous_tag", reason, score, from, to - from};
  }

  // ScanAttributeInjection() reports only an "on" + three or more letters
  // name followed (past spaces) by '=': true when some '=' has one before it.
  bool HandlerBeforeEquals() const {
    for (size_t e = s_.find('='); e != std::string_view::npos; e = s_.find('=', e + 1)) {
      size_t end = e;
      while (end > 0 && IsSpace(s_[end - 1])) --end;
      size_t start = end;
      while (start > 0 && IsAlpha(s_[start - 1])) --start;
      if (end - start >= 5 && Lower(s_[start]) == 'o' && Lower(s_[start + 1]) == 'n') return true;
    }
    return false;
  }

  // Whether only spaces and '/' stand between the quote at `quote` and `i`.
  bool AdjacentBreakout(size_t quote, size_t i) const {
    for (size_t k = quote + 1; k < i; ++k) {
      if (!IsSpace(s_[k]) && s_[k] != '/') return false;
    }
    return true;
  }

  // `" onmouseover="alert(1)` or `' autofocus onfocus=alert(1) x='`: a quote
  // closes an attribute value and an event handler follows, with no tag.
  void ScanAttributeInjection() {
    size_t last_breakout = std::string_view::npos;  // a quote followed by space, '/' or '>'
    for (size_t i = 0; i + 4 < s_.size(); ++i) {
      char c = s_[i];
      if ((c == '"' || c == '\'' || c == '`') && i + 1 < s_.size() &&
          (IsSpace(s_[i + 1]) || s_[i + 1] == '/' || s_[i + 1] == '>')) {
        last_breakout = i;
        continue;
      }
      if (Lower(c) != 'o' || Lower(s_[i + 1]) != 'n') continue;
      if (i > 0 && (s_[i - 1] == '"' || s_[i - 1] == '\'' || s_[i - 1] == '`')) {
        last_breakout = i - 1;
      }
      if (i > 0 && !(IsSpace(s_[i - 1]) || s_[i - 1] == '/' || s_[i - 1] == '"' ||
                     s_[i - 1] == '\'')) {
        continue;
      }
      size_t j = i + 2;
      while (j < s_.size() && IsAlpha(s_[j])) ++j;
      if (j - i < 5) continue;
      size_t name_end = j;
      while (j < s_.size() && IsSpace(s_[j])) ++j;
      if (j >= s_.size() || s_[j] != '=') continue;
      ++j;
      if (QuotedInertAt(j)) continue;
      // The handler body must look like code: a call, a template or an assignment.
      size_t body_end = std::min(s_.size(), j + 200);
      bool code = false;
      for (size_t k = j; k < body_end; ++k) {
        char b = s_[k];
        if (b == '(' || b == '`' || b == '=' || b == '[' || b == '{' || b == ';') {
          code = true;
          break;
        }
        // A lone '&' starts the next query parameter: `onerror=retry&x=1`.
        if (b == '&' && (k + 1 >= body_end || s_[k + 1] != '&') && s_[k - 1] != '&') break;
      }
      if (!code) {
        // A known handler right after the closing quote ('" onmouseover=x'),
        // whatever its value: the quote ends an attribute and the handler
        // opens another.
        if (last_breakout != std::string_view::npos && AdjacentBreakout(last_breakout, i) &&
            IsKnownEventHandler(s_.substr(i, name_end - i))) {
          Report("xss.attribute_breakout",
                 "an event-handler attribute follows a closing quote", 70, last_breakout,
                 name_end);
          return;
        }
        continue;
      }
      int score = 0;
      if (last_breakout != std::string_view::npos) score = 85;
      else if (i == 0) score = 75;  // the value is a bare handler: on...=code
      if (score > 0) {
        Report("xss.attribute_breakout",
               "an event-handler attribute injected after a closing quote", score,
               last_breakout == std::string_view::npos ? i : last_breakout, name_end);
        return;
      }
      i = name_end - 1;
    }
  }

  // A script-running URL anywhere: at the start, or after a quote, '=', space,
  // '(' or similar boundary, followed by something that looks like code.
  void ScanUrls() {
    // Without tab or newline bytes or references to them (which ScriptUrlAt
    // skips inside a scheme) a scheme starting at i ends in a ':' at i + 4
    // ("data"), i + 5 ("mocha", "mhtml"), i + 8 ("vbscript") or i + 10
    // ("javascript", "livescript"): only those starts can match.
    bool entities = false;
    if (mask_.Has('&') && mask_.Has(';')) {
      for (size_t k = s_.find('&'); k != std::string_view::npos && !entities;
           k = s_.find('&', k + 1)) {
        entities = StrippedEntityAt(s_, k) > 0;
      }
    }
    if (!mask_.has_control && !entities) {
      size_t next = 0;
      CandidateBits::VisitAll(
          s_.size(),
          [&](CandidateBits* c) {
            c->AddEach(s_, ':', {4, 5, 8, 10});
          },
          [&](size_t p) {
            if (p >= next) next = UrlAt(p);
            return false;
          });
      return;
    }
    for (size_t i = 0; i < s_.size(); i = UrlAt(i)) {}
  }

  // ScanUrls()'s step at i: reports a script URL starting there; returns
  // where the scan resumes.
  size_t UrlAt(size_t i) {
    char c = Lower(s_[i]);
    if (c != 'j' && c != 'v' && c != 'l' && c != 'd' && c != 'm') return i + 1;
    if (i > 0 && (IsAlnum(s_[i - 1]) || s_[i - 1] == '-' || s_[i - 1] == '_' ||
                  s_[i - 1] == '.')) {
      return i + 1;
    }
    size_t end = 0;
    int score = ScriptUrlAt(s_, i, &end);
    if (score == 0 && c == 'd' && !nested_ && mask_.Has(',') &&
        mask_.HasAlnumOf(CharMask::AlnumOf("base64"))) {
      return DataUrlAt(i);
    }
    if (score == 0) return i + 1;
    bool data = c == 'd' || (c == 'm' && score == 80);  // data: and mhtml: load documents
    bool code = data || CodeByteWithin256(end);
    // A title or sentence after the scheme ("JavaScript: The Good Parts").
    if (!data && JsProseAt(s_, end)) return end;
    if (!data && InertScriptUrlAt(end)) return end;
    if (!code) {
      // The scheme's letters broken up by bytes browsers strip ("java\tscript:",
      // "ja&Tab;vascript:"): nothing but an evasion writes it so.
      bool broken = false;
      for (size_t k = i + 1; k + 1 < end && !broken; ++k) broken = !IsAlnum(s_[k]);
      if (!broken || data) return i + 1;
      Report("xss.js_url", "a script URL scheme broken up by characters browsers strip", 80, i,
             end);
      return end;
    }
    Report("xss.js_url", "a script-running URL scheme", data ? 80 : score - 5, i, end);
    return end;
  }

  // Whether an attribute value starting at `j` (spaces first) is quoted and
  // inert script (onclick="return false;").
  bool QuotedInertAt(size_t j) const {
    while (j < s_.size() && IsSpace(s_[j])) ++j;
    if (j >= s_.size() || (s_[j] != '"' && s_[j] != '\'')) return false;
    const size_t close = s_.substr(0, std::min(s_.size(), j + 65)).find(s_[j], j + 1);
    return close != std::string_view::npos && InertScript(s_.substr(j + 1, close - j - 1));
  }

  // Whether the code of a script URL (from `from`, up to a quote, '>', a
  // space or the end) is inert ("javascript:void(0)"). A line break ends
  // nothing: what follows it is a further statement.
  bool InertScriptUrlAt(size_t from) const {
    size_t k = from;
    while (k < s_.size() && k - from < 64 && s_[k] != '"' && s_[k] != '\'' && s_[k] != '>' &&
           s_[k] != ' ' && s_[k] != '\t' && s_[k] != '\n' && s_[k] != '\r') {
      ++k;
    }
    if (k < s_.size() && (s_[k] == '\n' || s_[k] == '\r' || k - from >= 64)) return false;
    // "void 0": one space inside, then the end, a quote, '>' or ';'.
    if (k - from == 4 && scan::IAt(s_, from, "void") && k + 1 < s_.size() && s_[k] == ' ' &&
        s_[k + 1] == '0') {
      const size_t e = k + 2 < s_.size() && s_[k + 2] == ';' ? k + 3 : k + 2;
      return e == s_.size() || s_[e] == '"' || s_[e] == '\'' || s_[e] == '>';
    }
    // After a space only a word of prose may follow ("void(0) ;alert(1)" and
    // "void(0) in x" are further code).
    size_t w = k;
    while (w < s_.size() && (s_[w] == ' ' || s_[w] == '\t')) ++w;
    if (w > k && w < s_.size() &&
        (!IsAlpha(s_[w]) || scan::IAt(s_, w, "in ") || scan::IAt(s_, w, "instanceof"))) {
      return false;
    }
    std::string_view code = s_.substr(from, k - from);
    // "void(0)." ending a sentence.
    if (!code.empty() && (code.back() == '.' || code.back() == ',')) code.remove_suffix(1);
    return InertScript(code);
  }

  // Whether one of the bytes that make what follows a script URL code
  // stands in the 256 bytes from `from` on. Where it has none, the stretch
  // read is remembered, so that many schemes in a row read each byte once.
  bool CodeByteWithin256(size_t from) {
    const size_t limit = std::min(s_.size(), from + 256);
    size_t k = from;
    if (from >= code_free_from_ && from <= code_free_to_) {
      k = code_free_to_;  // (at or past limit when the memo covers it all)
    } else {
      code_free_from_ = from;
      code_free_to_ = from;
    }
    for (; k < limit; ++k) {
      const char b = s_[k];
      if (b == '(' || b == '`' || b == '=' || b == ';' || b == '[' || b == '{' || b == '\\' ||
          b == '%' || b == '<' || b == '+') {
        code_free_to_ = k;
        return true;
      }
    }
    code_free_to_ = std::max(code_free_to_, limit);
    return false;
  }

  // `data:application/x-anything;base64,PHN2Zy...`: whatever the media type
  // claims, a base64 body that is markup running script. Returns where the
  // scan resumes.
  [[gnu::noinline]] size_t DataUrlAt(size_t i) {
    size_t e = 0;
    if (!MatchUrlLoose(s_, i, "data:", &e)) return i + 1;
    size_t limit = std::min(s_.size(), e + 128);
    size_t comma = e;
    while (comma < limit && s_[comma] != ',') ++comma;
    if (comma >= limit) return i + 1;
    bool base64 = false;
    for (size_t k = e; k + 6 <= comma && !base64; ++k) base64 = scan::IAt(s_, k, "base64");
    if (!base64) return i + 1;
    int score = Base64MarkupScore(comma + 1);
    if (score < kDecodedThreshold) return i + 1;
    Report("xss.js_url", "a data: URL whose base64 body is markup that runs script",
           std::min(score, 82), i, comma + 1);
    return comma + 1;
  }

  // A quote closes a JavaScript string and script follows: `';alert(1)//`,
  // `"-alert(1)-"`, `\';confirm(1);//`. The call target must be a known sink
  // or the injection must end by commenting out / reopening the string.
  void ScanJsBreakout() {
    static constexpr std::array<std::string_view, 14> kSinks = {
        "alert",  "prompt",     "confirm",     "eval",     "function", "settimeout",
        "setinterval", "fetch", "import",      "document", "window",   "top",
        "self", "location"};
    // Only a quote starts a candidate: jump from one to the next.
    for (size_t i = scan::FindAnyOf(s_, 0, '"', '\'', '`'); i < s_.size();
         i = scan::FindAnyOf(s_, i + 1, '"', '\'', '`')) {
      size_t j = i + 1;
      size_t ops = 0;
      while (j < s_.size() && (IsSpace(s_[j]) || s_[j] == ';' || s_[j] == '+' ||
                               s_[j] == '-' || s_[j] == '*' || s_[j] == '|' || s_[j] == '&' ||
                               s_[j] == ',' || s_[j] == ')' || s_[j] == '}' || s_[j] == '^' ||
                               s_[j] == '/' || s_[j] == '%')) {
        if (!IsSpace(s_[j])) ++ops;
        ++j;
        if (j - i > 16) break;
      }
      if (ops == 0) continue;
      size_t id = j;
      while (j < s_.size() && (IsAlnum(s_[j]) || s_[j] == '_' || s_[j] == '$' || s_[j] == '.'))
        ++j;
      if (j == id) continue;
      std::string_view target = s_.substr(id, j - id);
      size_t dot = target.find('.');
      std::string_view head = target.substr(0, dot);
      const bool sink = scan::IEqualsAny(head, kSinks);
      size_t k = j;
      while (k < s_.size() && IsSpace(s_[k])) ++k;
      bool call = k < s_.size() && (s_[k] == '(' || s_[k] == '`' || s_[k] == '[' ||
                                    (s_[k] == '=' && head != target));
      if (!call || !sink) {
        i = std::max(i, id);
        continue;
      }
      Report("xss.js_breakout", "a quote closes a JavaScript string and a call follows", 80, i,
             k + 1);
      return;
    }
  }

  // JSFuck and kin: script spelled with []()!+ alone, where "![]" is false,
  // "+[]" is 0 and "[]+[]" is "". A run of at least 12 such bytes holding
  // both an inverted array and a unary plus on one reads as such code; no
  // text or markup is made of these bytes. Sent in a form body its '+' signs
  // arrive as spaces; without any '+' in the value a space stands for one,
  // and the run must also index a result (")[" or "]["), which no run of
  // markdown's empty images ("![]() ![]()") does.
  void ScanJsFuck() {
    const bool plus_lost = !mask_.Has('+');
    const char plus = plus_lost ? ' ' : '+';
    auto jsfuck_byte = [plus](char c) {
      return c == '[' || c == ']' || c == '(' || c == ')' || c == '!' || c == plus;
    };
    const char unary_plus[2][4] = {{plus, '[', ']', '\0'}, {plus, '!', '\0', '\0'}};
    for (size_t i = scan::Find(s_, "![]"); i != std::string_view::npos;
         i = scan::Find(s_, "![]", i + 1)) {
      size_t a = i;
      while (a > 0 && i - a < 64 && jsfuck_byte(s_[a - 1])) --a;
      size_t b = i;
      while (b < s_.size() && b - a < 256 && jsfuck_byte(s_[b])) ++b;
      while (plus_lost && b > a && s_[b - 1] == ' ') --b;
      while (plus_lost && a < i && s_[a] == ' ') ++a;
      if (b - a < 12) {
        i = b;
        continue;
      }
      std::string_view run = s_.substr(a, b - a);
      if (plus_lost && scan::Find(run, ")[") == std::string_view::npos &&
          scan::Find(run, "][") == std::string_view::npos) {
        i = b;
        continue;
      }
      if (run.find(unary_plus[0]) != std::string_view::npos ||
          run.find(unary_plus[1]) != std::string_view::npos) {
        Report("xss.js_obfuscation", "script written with []()!+ alone (JSFuck)", 75, a, b);
        return;
      }
      i = b;
    }
  }

  // A tagged template whose substitution is a script sink named bare, so the
  // tag function is handed the sink to call: [].sort.call`${alert}1`,
  // Reflect.apply.call`${navigation.navigate}${navigation}${[u]}`.
  void ScanTemplateSinks() {
    static constexpr std::array<std::string_view, 10> kSinks = {
        "alert", "prompt", "confirm", "eval", "function", "settimeout", "setinterval",
        "import", "navigation.navigate", "location.assign"};
    for (size_t t = s_.find('`'); t != std::string_view::npos; t = s_.find('`', t + 1)) {
      // A tag: a name, ']' or ')' right before the backtick (spaces allowed).
      size_t b = t;
      while (b > 0 && IsSpace(s_[b - 1])) --b;
      if (b == 0 || !(IsAlnum(s_[b - 1]) || s_[b - 1] == '_' || s_[b - 1] == '$' ||
                      s_[b - 1] == ']' || s_[b - 1] == ')')) {
        continue;
      }
      size_t close = s_.find('`', t + 1);
      if (close == std::string_view::npos) return;
      // (Searched within the template only: each template's text is read once.)
      const std::string_view body = s_.substr(0, close);
      for (size_t d = scan::Find(body, "${", t + 1); d != std::string_view::npos;
           d = scan::Find(body, "${", d + 2)) {
        size_t n = d + 2;
        while (n < close && IsSpace(s_[n])) ++n;
        size_t e = n;
        while (e < close && (IsAlnum(s_[e]) || s_[e] == '_' || s_[e] == '.')) ++e;
        size_t r = e;
        while (r < close && IsSpace(s_[r])) ++r;
        if (e == n || r >= close || s_[r] != '}') continue;
        std::string_view name = s_.substr(n, e - n);
        for (std::string_view k : kSinks) {
          if (scan::IEquals(name, k)) {
            Report("xss.js_breakout", "a tagged template is handed a script sink to call", 75,
                   b, r + 1);
            return;
          }
        }
      }
      t = close;
    }
  }

  // {{constructor.constructor('...')()}} and style="...expression(" outside tags.
  void ScanCssOutsideTags() {
    size_t at = 0;
    size_t scanned = 0;  // template bodies are scanned once each
    for (size_t i = mask_.Has('{') ? scan::Find(s_, "{{") : std::string_view::npos;
         i != std::string_view::npos; i = scan::Find(s_, "{{", i + 2)) {
      size_t end = std::min(s_.size(), i + 256);
      size_t from = std::max(i + 2, scanned);
      scanned = end;
      for (size_t k = from; k + 11 < end; ++k) {
        if (scan::IAt(s_, k, "constructor") || scan::IAt(s_, k, "$eval(") ||
            scan::IAt(s_, k, "$on.")) {
          Report("xss.js_breakout", "a client-side template expression reaches the constructor",
                 75, i, k + 11);
          return;
        }
      }
    }
    if (((mask_.Has('@') && mask_.HasAlnumOf(CharMask::AlnumOf("import"))) ||
         (mask_.Has('{') && mask_.Has('(') && mask_.HasAlnumOf(CharMask::AlnumOf("url")))) &&
        ScanCssRules()) {
      return;
    }
    // A CSS declaration follows ':' or a quote, and DangerousCss() needs one
    // of its words (@import is not reported here).
    if (!mask_.HasAny(":\"'") || !mask_.HasAlnumOfAny(kCssNeeds)) return;
    // A value that is itself a declaration, as reflected into a style
    // attribute: "-moz-binding:url(...)", "behavior: url(x.htc)".
    for (std::string_view property : {"-moz-binding", "behavior"}) {
      if (scan::IAt(s_, 0, property) && CssUrlDeclarationAt(property.size())) {
        Report("xss.css_expression", "a style declaration that binds script-running code", 75,
               0, property.size());
        return;
      }
    }
    // Only in a CSS declaration: right after ':' or a quote (spaces between):
    // each such lead byte is the start of at most one candidate.
    for (size_t k = scan::FindAnyOf(s_, 0, ':', '"', '\''); k < s_.size();
         k = scan::FindAnyOf(s_, k + 1, ':', '"', '\'')) {
      size_t i = k + 1;
      while (i < s_.size() && IsSpace(s_[i])) ++i;
      if (i >= s_.size()) break;
      char c = Lower(s_[i]);
      if (c != 'e' && c != '-' && c != 'b') continue;
      if (DangerousCss(s_, i, std::min(s_.size(), i + 16), &at) && at == i &&
          !scan::IAt(s_, i, "@import")) {
        Report("xss.css_expression", "script-running CSS in a style declaration", 75, i,
               i + 10);
        return;
      }
    }
  }

  // ':' (spaces around) and then `url(` at k.
  bool CssUrlDeclarationAt(size_t k) const {
    while (k < s_.size() && IsSpace(s_[k])) ++k;
    if (k >= s_.size() || s_[k] != ':') return false;
    ++k;
    while (k < s_.size() && IsSpace(s_[k])) ++k;
    return k < s_.size() && UrlCallAt(k);
  }

  // `url(` at k (spaces before '(' allowed).
  bool UrlCallAt(size_t k) const {
    if (Lower(s_[k]) != 'u' || !scan::IAt(s_, k, "url")) return false;
    k += 3;
    while (k < s_.size() && IsSpace(s_[k])) ++k;
    return k < s_.size() && s_[k] == '(';
  }

  // A style sheet outside any tag that loads a resource: `@import url(...)`,
  // `@import "..."`, or a rule whose declaration (`name: ... url(`) sits in
  // a `{...}` block, as in `*{background:url(//x)}` or an @font-face rule.
  // JSON (`{"a":"url(x)"}`) has no unquoted property name. True when it
  // reported.
  bool ScanCssRules() {
    const size_t n = s_.size();
    for (size_t a = s_.find('@'); a != std::string_view::npos; a = s_.find('@', a + 1)) {
      if (!scan::IAt(s_, a, "@import")) continue;
      size_t k = a + 7;
      while (k < n && IsSpace(s_[k])) ++k;
      if (k < n && (s_[k] == '"' || s_[k] == '\'' || UrlCallAt(k))) {
        Report("xss.css_expression", "a style sheet imports another style sheet", 65, a, k);
        return true;
      }
    }
    for (size_t b = s_.find('{'); b != std::string_view::npos;) {
      size_t end = s_.find_first_of("{}", b + 1);
      if (end == std::string_view::npos) end = n;
      for (size_t k = b + 1; k < end;) {
        while (k < end && IsSpace(s_[k])) ++k;
        size_t p = k;
        while (k < end && (IsAlpha(s_[k]) || s_[k] == '-')) ++k;
        size_t name_end = k;
        while (k < end && IsSpace(s_[k])) ++k;
        size_t semi = k;
        while (semi < end && s_[semi] != ';') ++semi;
        if (name_end > p && k < end && s_[k] == ':') {
          for (size_t u = k + 1; u + 4 <= semi; ++u) {
            if (UrlCallAt(u)) {
              Report("xss.css_expression", "a style sheet rule loads an external resource", 65,
                     b, u + 4);
              return true;
            }
          }
        }
        k = semi + 1;
      }
      if (end >= n) break;
      b = s_[end] == '{' ? end : s_.find('{', end);
    }
    return false;
  }

  // Tags that a comment, CDATA section or stray quote hid from ReadTag:
  // "<name" followed, before the next '>', by an event handler. Inside a tag
  // a '<' is only a character of an attribute name (`<x </onclick=...` gives
  // <x> an onclick handler), so the tag runs on to the next '>'.
  void ScanLooseTags() {
    for (size_t lt = s_.find('<'); lt != std::string_view::npos;
         lt = lt + 1 < s_.size() && s_[lt + 1] == '<' ? lt + 1 : s_.find('<', lt + 1)) {
      if (lt + 1 >= s_.size() || !IsAlpha(s_[lt + 1])) continue;
      size_t i = lt + 1;
      while (i < s_.size() && s_[i] != '>') {
        char c = s_[i];
        bool boundary = IsSpace(c) || c == '/' || c == '"' || c == '\'';
        if (boundary && i + 3 < s_.size() && Lower(s_[i + 1]) == 'o' &&
            Lower(s_[i + 2]) == 'n') {
          size_t j = i + 3;
          while (j < s_.size() && IsAlpha(s_[j])) ++j;
          size_t name_end = j;
          while (j < s_.size() && IsSpace(s_[j])) ++j;
          if (name_end - i >= 6 && j < s_.size() && s_[j] == '=' && !QuotedInertAt(j + 1)) {
            Report("xss.event_handler", "an HTML tag with an event-handler attribute", 85, lt,
                   name_end);
            return;
          }
          i = name_end;
          continue;
        }
        ++i;
      }
      if (i >= s_.size()) return;
      lt = i - 1;
    }
  }

  // Pieces of markup that close the context a value sits in:
  //  - `">`, `'>` or `"/>` before any tag, then a tag: the value ends the
  //    attribute and the tag it was placed in and writes its own markup;
  //  - a comment or CDATA close next to another closer (`"'-->]]>`): a
  //    polyglot that leaves whichever context it lands in;
  //  - the tail of a DTD attribute declaration (`ID #REQUIRED>`).
  void ScanMarkupFragments() {
    const size_t n = s_.size();
    // The value opens with a quote: it supplies (or ends) the attribute value
    // itself. Page text cut mid-tag (`item_7">Shop</a>`) does not.
    size_t lead = 0;
    while (lead < n && IsSpace(s_[lead])) ++lead;
    size_t lt = s_.find('<');
    if (lead < n && (s_[lead] == '"' || s_[lead] == '\'' || s_[lead] == '`') &&
        lt != std::string_view::npos && lt + 2 < n &&
        (IsAlpha(s_[lt + 1]) || (s_[lt + 1] == '/' && IsAlpha(s_[lt + 2])))) {
      for (size_t k = s_.find('>'); k < lt; k = s_.find('>', k + 1)) {
        size_t q = k;
        if (q > 0 && s_[q - 1] == '/') --q;
        if (q > 0 && (s_[q - 1] == '"' || s_[q - 1] == '\'' || s_[q - 1] == '`')) {
          Report("xss.attribute_breakout",
                 "a quote and '>' close the tag the value sits in, and markup follows", 68,
                 q - 1, lt + 2);
          return;
        }
      }
    }
    if (mask_.HasAny("-]")) {
      // A "-->" or "]]>" (found from its '>') with, within a few bytes, the
      // other one or two different quotes in a row.
      constexpr size_t kNear = 12;
      // What a position holds does not depend on the closer it is near:
      // per kind of closer, the positions below `checked` were read (closers
      // in a row share their surroundings).
      size_t checked[2] = {0, 0};
      for (size_t k = s_.find('>', 2); k != std::string_view::npos; k = s_.find('>', k + 1)) {
        const char c = s_[k - 1];
        if ((c != '-' && c != ']') || s_[k - 2] != c) continue;
        const char other = c == '-' ? ']' : '-';
        size_t from = k >= 2 + kNear ? k - 2 - kNear : 0;
        size_t to = std::min(n, k + 1 + kNear);
        size_t& done = checked[c == '-' ? 0 : 1];
        const size_t start = std::max(from, done);
        done = std::max(done, to - 1);
        for (size_t i = start; i + 1 < to; ++i) {
          char a = s_[i];
          bool quotes = (a == '"' || a == '\'' || a == '`') && s_[i + 1] != a &&
                        (s_[i + 1] == '"' || s_[i + 1] == '\'' || s_[i + 1] == '`');
          bool closer = a == other && i + 2 < n && s_[i + 1] == other && s_[i + 2] == '>';
          if (quotes || closer) {
            Report("xss.js_breakout",
                   "the value closes a comment or CDATA section and other contexts at once", 64,
                   k - 2, k + 1);
            return;
          }
        }
      }
    }
    if (mask_.Has('#')) {
      for (size_t h = s_.find('#'); h != std::string_view::npos; h = s_.find('#', h + 1)) {
        size_t k = h + 1;
        if (scan::IAt(s_, k, "required")) {
          k += 8;
        } else if (scan::IAt(s_, k, "implied")) {
          k += 7;
        } else {
          continue;
        }
        while (k < n && IsSpace(s_[k])) ++k;
        if (k < n && s_[k] == '>') {
          Report("xss.dangerous_tag", "the end of a DTD attribute declaration", 62, h, k + 1);
          return;
        }
      }
    }
  }

  // `xmlns:svg="http://www.w3.org/2000/svg"` outside a tag: an attribute
  // that makes the surrounding markup SVG, XHTML, XSLT or XLink.
  void ScanNamespaceDeclarations() {
    const size_t n = s_.size();
    for (size_t eq = s_.find('='); eq != std::string_view::npos; eq = s_.find('=', eq + 1)) {
      // Back over spaces and the attribute name: "xmlns" or "xmlns:prefix".
      size_t e = eq;
      while (e > 0 && IsSpace(s_[e - 1])) --e;
      size_t a = e;
      while (a > 0 && e - a < 40 &&
             (IsAlnum(s_[a - 1]) || s_[a - 1] == ':' || s_[a - 1] == '-' || s_[a - 1] == '_')) {
        --a;
      }
      if (e - a < 5 || !scan::IAt(s_, a, "xmlns") || (e - a > 5 && s_[a + 5] != ':')) {
        continue;
      }
      size_t k = eq + 1;
      while (k < n && IsSpace(s_[k])) ++k;
      if (k < n && (s_[k] == '"' || s_[k] == '\'' || s_[k] == '`')) ++k;
      size_t v = k;
      while (k < n && k - v < 128 && s_[k] != '"' && s_[k] != '\'' && s_[k] != '`' &&
             !IsSpace(s_[k]) && s_[k] != '>') {
        ++k;
      }
      const std::string_view ns = s_.substr(v, k - v);
      if (IsActiveNamespace(ns) && !(inert_drawing_ && IsDrawingNamespace(ns))) {
        Report("xss.dangerous_tag", "markup declares an active-content namespace", 70, a, k);
        return;
      }
      eq = std::max(eq, k - 1);  // an '=' inside the value is not a declaration
    }
  }

  // The score of what base64 text from `from` decodes to, scanned as a
  // value of its own (0: not markup that runs script).
  [[gnu::noinline]] int Base64MarkupScore(size_t from) const {
    std::array<char, 192> out;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t k = from; k < s_.size() && k < from + 320 && n < out.size(); ++k) {
      char c = s_[k];
      if (IsSpace(c)) continue;
      int d = event::Base64DigitValue(c);
      if (d < 0) break;
      acc = (acc << 6) | static_cast<uint32_t>(d);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = static_cast<char>((acc >> bits) & 0xFF);
      }
    }
    std::string_view text(out.data(), n);
    if (text.find('<') == std::string_view::npos) return 0;
    CharMask m = CharMask::Of(text);
    if (!MaybeXss(m)) return 0;
    return Scanner(text, m, /*nested=*/true).Run().score;
  }

  // `PHN2ZyBvbmxvYWQ9...=`: a padded base64 run whose text starts with '<'
  // and is markup that runs script.
  void ScanBase64Markup() {
    for (size_t e = s_.find('='); e != std::string_view::npos; e = s_.find('=', e + 1)) {
      size_t start = e;
      while (start > 0 && event::Base64DigitValue(s_[start - 1]) >= 0) --start;
      if (e - start < 16 || s_[start] != 'P' || s_[start + 1] < 'C' || s_[start + 1] > 'H') {
        continue;
      }
      int score = Base64MarkupScore(start);
      if (score >= kDecodedThreshold) {
        Report("xss.encoded_markup", "base64 text that decodes to markup that runs script",
               std::min(score, 80), start, e);
        return;
      }
    }
  }

  // `<? echo(`: an identifier called right after a short open tag.
  bool PhpCallAt(size_t p) {
    if (p >= s_.size() || !IsSpace(s_[p])) return false;
    while (p < s_.size() && IsSpace(s_[p])) ++p;
    size_t id = p;
    while (p < s_.size() && p - id < 32 && (IsAlnum(s_[p]) || s_[p] == '_')) ++p;
    if (p == id) return false;
    while (p < s_.size() && IsSpace(s_[p])) ++p;
    return p < s_.size() && s_[p] == '(';
  }

  // `x.find(alert)`, `f(eval)`, `Reflect.apply(alert,...)`: the word at
  // [i, j) is the first argument of a call.
  bool SinkPassedAt(size_t i, size_t j) const {
    if (i < 2 || s_[i - 1] != '(') return false;
    char b = s_[i - 2];
    if (!(IsAlnum(b) || b == '_' || b == '$' || b == ')' || b == ']')) return false;
    while (j < s_.size() && IsSpace(s_[j])) ++j;
    return j < s_.size() && (s_[j] == ')' || s_[j] == ',');
  }

  // `onerror=alert` (then `throw 1`): a script dialog or evaluator becomes a
  // window event handler that a thrown error, a message or a hash change
  // calls. Found from each '='. True when it reported.
  bool SinkMadeHandler() {
    static constexpr std::array<std::string_view, 4> kSinks = {"eval", "alert", "prompt",
                                                               "confirm"};
    static constexpr std::array<std::string_view, 10> kWindowHandlers = {
        "onerror", "onload", "onmessage", "onhashchange", "onpopstate",
        "onfocus", "onblur", "onpageshow", "onbeforeunload", "onunhandledrejection"};
    const size_t n = s_.size();
    for (size_t eq = s_.find('='); eq != std::string_view::npos; eq = s_.find('=', eq + 1)) {
      size_t w = eq + 1;
      while (w < n && IsSpace(s_[w])) ++w;
      size_t we = w;
      while (we < n && we - w < 8 && IsAlpha(s_[we])) ++we;
      if (we - w < 4 || we - w > 7 || (we < n && (IsAlnum(s_[we]) || s_[we] == '_')) ||
          !scan::IEquals(s_.substr(w, we - w), kSinks[we - w - 4])) {
        continue;
      }
      size_t e = eq;
      while (e > 0 && IsSpace(s_[e - 1])) --e;
      size_t a = e;
      while (a > 0 && e - a < 24 && IsAlpha(s_[a - 1])) --a;
      if (a > 0 && (IsAlnum(s_[a - 1]) || s_[a - 1] == '_')) continue;
      std::string_view name = s_.substr(a, e - a);
      for (std::string_view h : kWindowHandlers) {
        if (scan::IEquals(name, h)) {
          Report("xss.js_breakout", "a script dialog or evaluator is made an event handler", 64,
                 a, we);
          return true;
        }
      }
    }
    return false;
  }

  // `a=alert,a(1)`: the word at [i, j) is assigned to a name that is called
  // shortly after.
  bool SinkAliasedAt(size_t i, size_t j) const {
    size_t e = i;
    while (e > 0 && IsSpace(s_[e - 1])) --e;
    if (e == 0 || s_[e - 1] != '=') return false;
    --e;
    while (e > 0 && IsSpace(s_[e - 1])) --e;
    size_t a = e;
    while (a > 0 && e - a < 32 && (IsAlnum(s_[a - 1]) || s_[a - 1] == '_' || s_[a - 1] == '$')) {
      --a;
    }
    if (a == e || (a > 0 && (IsAlnum(s_[a - 1]) || s_[a - 1] == '_'))) return false;
    std::string_view alias = s_.substr(a, e - a);
    while (j < s_.size() && IsSpace(s_[j])) ++j;
    if (j >= s_.size() || (s_[j] != ',' && s_[j] != ';')) return false;
    size_t end = std::min(s_.size(), j + 64);
    for (size_t k = j + 1; k + alias.size() < end; ++k) {
      if (s_.compare(k, alias.size(), alias) != 0) continue;
      if (IsAlnum(s_[k - 1]) || s_[k - 1] == '_' || s_[k - 1] == '$') continue;
      char after = s_[k + alias.size()];
      if (after == '(' || after == '`') return true;
    }
    return false;
  }

  // `.name(arg` after a browser global at j: `navigator.sendBeacon(u, d)`,
  // `window.open('//x')`.
  bool ApiCallAt(size_t j) const {
    if (j >= s_.size() || s_[j] != '.') return false;
    size_t k = j + 1;
    size_t id = k;
    while (k < s_.size() && k - id < 32 && (IsAlnum(s_[k]) || s_[k] == '_')) ++k;
    if (k == id || !IsAlpha(s_[id])) return false;
    if (k + 1 >= s_.size() || s_[k] != '(') return false;
    // An argument: a string, a name, a number, an array or an object
    // (not "()" or the "(...)" of prose).
    const char a = s_[k + 1];
    return IsAlnum(a) || a == '"' || a == '\'' || a == '`' || a == '_' || a == '$' ||
           a == '[' || a == '{';
  }

  // `document.querySelector(`, `.getElementById(` and the other lookups
  // (at `j`, the '.'): they find or copy elements and change nothing; what
  // is done with the element is read on its own.
  bool ElementLookupAt(size_t j) const {
    static constexpr std::string_view kLookups[] = {
        "queryselector", "queryselectorall", "getelementbyid", "getelementsbyclassname",
        "getelementsbytagname", "getelementsbyname", "importnode", "createtextnode"};
    size_t k = j + 1;
    while (k < s_.size() && IsAlpha(s_[k])) ++k;
    return scan::IEqualsAny(s_.substr(j + 1, k - j - 1), kLookups);
  }

  // Whether the first argument of setTimeout( or setInterval( (starting at
  // `a`) is a function rather than code in a string: an arrow function, a
  // function expression, or a name other than an evaluator's or window.name
  // followed by ',' or ')' ("setInterval(tick, 1000)"). A call inside an
  // arrow function is read on its own.
  bool TimerGivenFunctionAt(size_t a) const {
    const size_t n = s_.size();
    while (a < n && IsSpace(s_[a])) ++a;
    if (a >= n) return false;
    if (s_[a] == '(') {
      const size_t close = s_.substr(0, std::min(n, a + 65)).find(')', a);
      if (close == std::string_view::npos) return false;
      size_t k = close + 1;
      while (k < n && IsSpace(s_[k])) ++k;
      return k + 1 < n && s_[k] == '=' && s_[k + 1] == '>';
    }
    size_t e = a;
    while (e < n && (IsAlnum(s_[e]) || s_[e] == '_' || s_[e] == '$')) ++e;
    if (e == a || !(IsAlpha(s_[a]) || s_[a] == '_' || s_[a] == '$')) return false;
    const std::string_view name = s_.substr(a, e - a);
    if (name == "function") return true;
    // `name` is window.name, a string the opener of the page sets.
    if (scan::IEqualsAny(name, {"eval", "alert", "prompt", "confirm", "atob", "execscript",
                                "name"})) {
      return false;
    }
    while (e < n && IsSpace(s_[e])) ++e;
    if (e + 1 < n && s_[e] == '=' && s_[e + 1] == '>') return true;  // x => ...
    return e < n && (s_[e] == ',' || s_[e] == ')');
  }

  // `window.` (or document., top., self., parent.) right before i.
  bool GlobalBefore(size_t i) const {
    if (i < 4 || s_[i - 1] != '.') return false;
    size_t a = i - 1;
    while (a > 0 && i - 1 - a < 8 && IsAlpha(s_[a - 1])) --a;
    if (a > 0 && (IsAlnum(s_[a - 1]) || s_[a - 1] == '_' || s_[a - 1] == '.')) return false;
    std::string_view g = s_.substr(a, i - 1 - a);
    return scan::IEquals(g, "window") || scan::IEquals(g, "document") || scan::IEquals(g, "top") ||
           scan::IEquals(g, "self") || scan::IEquals(g, "parent");
  }

  // `location = "..."` (or `location.href=`) ended by ';', or after a
  // browser global (`window.location='...'`): a script statement that
  // navigates.
  bool LocationAssignedAt(size_t j, bool qualified) const {
    const size_t n = s_.size();
    if (scan::IAt(s_, j, ".href")) j += 5;
    while (j < n && IsSpace(s_[j])) ++j;
    if (j + 1 >= n || s_[j] != '=' || s_[j + 1] == '=') return false;
    ++j;
    while (j < n && IsSpace(s_[j])) ++j;
    if (j >= n || (s_[j] != '"' && s_[j] != '\'' && s_[j] != '`')) return false;
    char q = s_[j];
    size_t close = s_.substr(0, std::min(n, j + 257)).find(q, j + 1);
    if (close == std::string_view::npos) return false;
    if (qualified) return true;
    // Unqualified, the string must be an address: a path, a query or
    // fragment, or a scheme (`location = "Berlin";` is prose).
    std::string_view target = s_.substr(j + 1, close - j - 1);
    size_t colon = target.find(':');
    bool scheme = colon != std::string_view::npos && colon > 0 && colon < 12;
    for (size_t c = 0; scheme && c < colon; ++c) scheme = IsAlpha(target[c]);
    if (!scheme && (target.empty() || (target[0] != '/' && target[0] != '?' && target[0] != '#'))) {
      return false;
    }
    size_t k = close + 1;
    while (k < n && IsSpace(s_[k])) ++k;
    return k < n && s_[k] == ';';
  }

  // `$("a.x").click(`: a jQuery selector whose result is called.
  bool JQueryChain() {
    for (size_t d = s_.find('$'); d != std::string_view::npos; d = s_.find('$', d + 1)) {
      if (d + 1 >= s_.size() || s_[d + 1] != '(') continue;
      size_t k = d + 2;
      while (k < s_.size() && IsSpace(s_[k])) ++k;
      if (k >= s_.size() || (s_[k] != '"' && s_[k] != '\'')) continue;
      size_t close = s_.substr(0, std::min(s_.size(), k + 129)).find(s_[k], k + 1);
      if (close == std::string_view::npos) continue;
      size_t p = close + 1;
      while (p < s_.size() && IsSpace(s_[p])) ++p;
      if (p + 1 >= s_.size() || s_[p] != ')' || s_[p + 1] != '.') continue;
      p += 2;
      size_t id = p;
      while (p < s_.size() && p - id < 32 && (IsAlnum(s_[p]) || s_[p] == '_')) ++p;
      if (p > id && p < s_.size() && s_[p] == '(') {
        Report("xss.js_breakout", "a jQuery selector whose result is called", 61, d, p + 1);
        return true;
      }
    }
    return false;
  }

  // `[...](`: an index expression whose result is called at once.
  bool IndexedCallAt(size_t open) {
    size_t end = std::min(s_.size(), open + 64);
    for (size_t k = open + 1; k < end; ++k) {
      if (s_[k] == '[' || s_[k] == ';') return false;
      if (s_[k] == ']') return k + 1 < s_.size() && (s_[k + 1] == '(' || s_[k + 1] == '`');
    }
    return false;
  }

  // "ADw-" + a tag name (or '+AC8-' for '/') and, shortly after, "AD4-": a
  // UTF-7 '<name ... >' whose '+' signs became spaces in transit.
  bool Utf7TagAt(size_t p) {
    if (!scan::IAt(s_, p, "adw-") || p + 4 >= s_.size()) return false;
    if (!IsAlpha(s_[p + 4]) && !scan::IAt(s_, p + 4, "ac8-") && s_[p + 4] != '+' &&
        s_[p + 4] != ' ') {
      return false;
    }
    size_t end = std::min(s_.size(), p + 48);
    for (size_t k = p + 4; k + 4 <= end; ++k) {
      if ((s_[k] == 'a' || s_[k] == 'A') && scan::IAt(s_, k, "ad4-")) return true;
    }
    return false;
  }

  // `&{alert(1)};` (Netscape's JavaScript entity): '&{', an expression that
  // calls or assigns, then '}'. A bare "&{" in a generated password is not one.
  bool JsEntityAt(size_t amp) const {
    size_t end = std::min(s_.size(), amp + 160);
    size_t k = amp + 2;
    while (k < end && IsSpace(s_[k])) ++k;
    size_t id = k;
    while (k < end && (IsAlnum(s_[k]) || s_[k] == '_' || s_[k] == '$' || s_[k] == '.')) ++k;
    if (k > id && !IsAlpha(s_[id])) return false;
    while (k < end && IsSpace(s_[k])) ++k;
    // A call, a template or an assignment, or a parenthesized expression.
    if (k >= end || (s_[k] != '(' && (k == id || (s_[k] != '`' && s_[k] != '=')))) {
      return false;
    }
    // The '}' (and, after a '(', a ')' before it) within the bound; the
    // next-byte searches are remembered so that repeated "&{" stay linear.
    size_t brace = NextAfter('}', k + 1, &next_brace_);
    if (brace >= end) return false;
    return s_[k] != '(' || NextAfter(')', k + 1, &next_paren_) < brace;
  }

  // The first `c` at or after `from` (npos: none), with `*memo` holding the
  // last answer: callers ask with non-decreasing `from`.
  size_t NextAfter(char c, size_t from, size_t* memo) const {
    if (*memo != kUnknown && (*memo == std::string_view::npos || *memo >= from)) return *memo;
    *memo = s_.find(c, from);
    return *memo;
  }

  // ScanScriptCalls()'s marker check at i; true when it reported.
  bool MarkerAt(size_t i) {
    char c = s_[i];
    if (c == '<' && scan::IAt(s_, i, "</script") &&
        (i + 8 >= s_.size() || !IsAlnum(s_[i + 8]))) {
      Report("xss.js_breakout", "a </script> end tag closes the script context", 70, i,
             i + 8);
      return true;
    }
    if (c == '&' && s_[i + 1] == '{' && JsEntityAt(i)) {
      Report("xss.js_breakout", "a JavaScript entity &{...}", 65, i, i + 2);
      return true;
    }
    if ((c == '+' && scan::IAt(s_, i, "+adw-") && i + 5 < s_.size() &&
         IsAlpha(s_[i + 5])) ||
        ((c == ' ' || c == '+') && Utf7TagAt(i + 1))) {
      Report("xss.script_tag", "a UTF-7 encoded tag", 70, i, i + 5);
      return true;
    }
    if ((c == 'd' || c == 'D') && scan::IAt(s_, i, "document.") &&
        (scan::IAt(s_, i + 9, "cookie") || scan::IAt(s_, i + 9, "write") ||
         scan::IAt(s_, i + 9, "location") || scan::IAt(s_, i + 9, "domain"))) {
      Report("xss.js_breakout", "script reads or writes the document's cookie or content",
             62, i, i + 15);
      return true;
    }
    return false;
  }

  // Script dialogs and evaluators called directly: alert(1), prompt`1`,
  // eval(atob(..)), top["al"+"ert"](1). Scored lower than the structural
  // rules: on its own this is script text, dangerous in a script context.
  void ScanScriptCalls() {
    // Script markers that need no call syntax: "</script", "&{", "+adw-", "document.".
    const bool markers =
        mask_.Has('<') || (mask_.Has('&') && mask_.Has('{')) ||
        (mask_.HasAny("+ ") && mask_.HasAlnumOf(CharMask::AlnumOf("adw"))) ||
        (mask_.Has('.') && mask_.HasAlnumOf(CharMask::AlnumOf("document")));
    if (markers) {
      // Each marker is found from one byte: '<', '&', the '-' of "adw-" four
      // bytes on (after its 'w'), the '.' of "document." eight bytes on
      // (after its 't').
      const bool reported = CandidateBits::VisitAll(
          s_.size(),
          [&](CandidateBits* c) {
            c->AddEach(s_, '<', {0});
            c->AddEach(s_, '&', {0});
            c->AddEach(s_, '-', {4}, 'w');
            c->AddEach(s_, '.', {8}, 't');
          },
          [&](size_t p) { return p + 4 < s_.size() && MarkerAt(p); });
      if (reported) return;
    }
    if (mask_.Has('$') && mask_.Has('(') && mask_.Has('.') && JQueryChain()) return;
    if (mask_.Has('=') && mask_.HasAlnumOfAny(kSinkNeeds) && SinkMadeHandler()) return;
    // A call needs '(' or '`'; an indexed global needs '['; an API call '.'
    // and '('; an assignment to location '=', a quote and ';' or '.'; each
    // needs the letters of one of its names.
    if (!((mask_.HasAny("(`") && mask_.HasAlnumOfAny(kCallNeeds)) ||
          (mask_.Has('[') && mask_.HasAlnumOfAny(kGlobalNeeds)) ||
          (mask_.Has('(') && mask_.Has('.') && mask_.HasAlnumOfAny(kApiNeeds)) ||
          (mask_.Has('=') && mask_.HasAny(";.") && mask_.HasAny("\"'`") &&
           mask_.HasAlnumOf(CharMask::AlnumOf("location"))))) {
      return;
    }
    // Every rule of CallWordAt() needs punctuation next to its word: '(',
    // '`', ')', '?', '[' or '.' right after it, '(' right before it, or '='
    // before or after it (spaces between). In long values the words next to
    // those bytes are visited in order; in short ones (where gathering them
    // costs more than it saves) and with too many of them, every word is.
    if (s_.size() >= kCallWordJumpMin) {
      ScanCallWordCandidates();
      return;
    }
    CallWordsFrom(0);
  }

  // Reads every word from `from` on with CallWordAt(): true when one reported.
  bool CallWordsFrom(size_t from) {
    for (size_t i = from; i < s_.size(); ++i) {
      if (!CallWordStartAt(i)) continue;
      size_t end = i;
      if (CallWordAt(i, &end)) return true;
      i = end;  // past the word
    }
    return false;
  }

  // The value length from which ScanScriptCalls() jumps between candidate
  // words (measured: below it the byte loop is as fast).
  static constexpr size_t kCallWordJumpMin = 256;

  // Where ScanScriptCalls() reads a word: a letter that starts a run of
  // letters and digits not preceded by one or by '_'.
  bool CallWordStartAt(size_t i) const {
    return i < s_.size() && IsAlpha(s_[i]) &&
           !(i > 0 && (IsAlnum(s_[i - 1]) || s_[i - 1] == '_'));
  }

  // The words CallWordAt() can report on, by the punctuation its rules need.
  void AddCallWordCandidates(Candidates* words, size_t lo, size_t hi) const {
    const size_t n = s_.size();
    // The punctuation in [lo, hi): every word added starts at or after lo
    // when lo is 0 or s_[lo - 1] is neither alphanumeric nor a space (see
    // ScanCallWordCandidates()); words after hi may be added too.
    const std::string_view t = s_.substr(0, hi);
    // The word that ends right before `k`, if there is one.
    const auto add_before = [&](size_t k) {
      size_t r = k;
      while (r > 0 && IsAlnum(s_[r - 1])) --r;
      if (r < k && CallWordStartAt(r)) words->Add(r);
    };
    for (size_t k = scan::FindAnyOf(t, lo, '.', '(', ')'); k < hi && !words->overflowed();
         k = scan::FindAnyOf(t, k + 1, '.', '(', ')')) {
      add_before(k);
      if (s_[k] == '(' && CallWordStartAt(k + 1)) words->Add(k + 1);  // SinkPassedAt()
    }
    for (size_t k = scan::FindAnyOf(t, lo, '`', '?', '['); k < hi && !words->overflowed();
         k = scan::FindAnyOf(t, k + 1, '`', '?', '[')) {
      add_before(k);
    }
    for (size_t k = t.find('=', lo); k != std::string_view::npos && !words->overflowed();
         k = t.find('=', k + 1)) {
      add_before(k);
      // LocationAssignedAt(): "location = ...".
      size_t e = k;
      while (e > 0 && IsSpace(s_[e - 1])) --e;
      add_before(e);
      // SinkAliasedAt(): "= alert".
      size_t w = k + 1;
      while (w < n && IsSpace(s_[w])) ++w;
      if (CallWordStartAt(w)) words->Add(w);
    }
  }

  // ScanScriptCalls()'s candidate words in a long value, visited in
  // ascending order: true when one reported. They are gathered stretch by
  // stretch, each ending after a byte that is neither alphanumeric nor a
  // space, so that no word of a later stretch starts before its end; words
  // a stretch adds past its end ("( alert", "= eval") are carried into the
  // next. When a stretch holds more than fit, the words from its start on
  // are all visited instead (every word start, as for a short value).
  bool ScanCallWordCandidates() {
    constexpr size_t kLongest = 4096;
    const size_t n = s_.size();
    std::array<size_t, 128> carry;
    size_t carried = 0;
    size_t window = kLongest;
    size_t lo = 0;
    while (lo < n) {
      size_t hi = std::min(n, lo + window);
      while (hi < n && (IsAlnum(s_[hi - 1]) || IsSpace(s_[hi - 1]))) ++hi;
      Candidates words;
      for (size_t k = 0; k < carried; ++k) words.Add(carry[k]);
      AddCallWordCandidates(&words, lo, hi);
      if (words.overflowed()) {
        if (window > 256) {
          window /= 2;
          continue;
        }
        break;
      }
      carried = 0;
      size_t end = 0;
      for (const size_t* it = words.begin(); it != words.end(); ++it) {
        if (*it >= hi) {
          carry[carried++] = *it;
        } else if (CallWordAt(*it, &end)) {
          return true;
        }
      }
      lo = hi;
      window = std::min(kLongest, window * 2);
    }
    return CallWordsFrom(lo);
  }

  // Whether "new" and whitespace stand right before `i` (a word start).
  bool NewBefore(size_t i) const {
    size_t e = i;
    while (e > 0 && IsSpace(s_[e - 1])) --e;
    return e < i && e >= 3 && s_.compare(e - 3, 3, "new") == 0 &&
           (e == 3 || !scan::IsCodeIdentChar(s_[e - 4]));
  }

  // The rules of ScanScriptCalls() on the word that starts at `i` (see
  // CallWordStartAt()); `*end` is set to where the word ends. True when one
  // reported. Inlined: short values reach it for every word, where a call
  // costs as much as the tests.
  [[gnu::always_inline]] bool CallWordAt(size_t i, size_t* end) {
    static constexpr std::array<std::string_view, 9> kCalls = {
        "alert", "prompt", "confirm", "eval", "settimeout", "setinterval", "atob",
        "fromcharcode", "execscript"};
    static constexpr std::array<std::string_view, 5> kGlobals = {"top", "window", "self",
                                                                 "parent", "frames"};
    // Indexed by length - 4.
    static constexpr std::array<std::string_view, 4> kSinks = {"eval", "alert", "prompt",
                                                               "confirm"};
    static_assert(kSinks[0].size() == 4 && kSinks[1].size() == 5 && kSinks[2].size() == 6 &&
                  kSinks[3].size() == 7);
    // Browser globals whose methods are called, indexed by length - 4.
    static constexpr std::array<std::string_view, 11> kApis = {
        "", "", "window", "history", "document", "navigator", "", "", "localstorage", "",
        "sessionstorage"};
    static_assert(kApis[2].size() == 6 && kApis[3].size() == 7 && kApis[4].size() == 8 &&
                  kApis[5].size() == 9 && kApis[8].size() == 12 && kApis[10].size() == 14);
    size_t j = i;
    while (j < s_.size() && IsAlnum(s_[j])) ++j;
    *end = j;
    std::string_view word = s_.substr(i, j - i);
    const size_t len = j - i;
    const char after = j < s_.size() ? s_[j] : ' ';
    // The names have lengths 4..14, and the byte tests around the word
    // come before the name lookups.
    if (len >= 4 && len <= 14) {
      const char before = i > 0 ? s_[i - 1] : ' ';
      if (len <= 7 && (before == '(' || before == '=' || IsSpace(before)) &&
          Lower(s_[i]) == kSinks[len - 4][0] && scan::IEquals(word, kSinks[len - 4]) &&
          (SinkPassedAt(i, j) || SinkAliasedAt(i, j))) {
        Report("xss.js_breakout", "a script dialog or evaluator is passed on as a function",
               64, i, j);
        return true;
      }
      if (after == '.' && !kApis[len - 4].empty() && scan::IEquals(word, kApis[len - 4]) &&
          ApiCallAt(j) && !(len == 8 && ElementLookupAt(j))) {
        Report("xss.js_breakout", "a browser API is called with arguments", 61, i, j);
        return true;
      }
      if (len == 8 && (after == '.' || after == '=' || IsSpace(after)) &&
          scan::IEquals(word, "location") && LocationAssignedAt(j, GlobalBefore(i))) {
        Report("xss.js_breakout", "script sends the page to another address", 62, i, j);
        return true;
      }
    }
    // Calls: the word followed by '(' or '`', or by ")(" or "?.(".
    if (after == '(' || after == '`' || after == ')' || after == '?') {
      size_t k = j;
      if (s_[k] == ')') ++k;  // (alert)(1)
      // ((prompt))`1`: one more ')' for each further '(' right before the word.
      for (size_t o = 1; o < 3 && i > o && s_[i - 1 - o] == '(' && s_[i - o] == '(' &&
                         k < s_.size() && s_[k] == ')';
           ++o) {
        ++k;
      }
      if (k + 1 < s_.size() && s_[k] == '?' && s_[k + 1] == '.') k += 2;  // alert?.(1)
      // Function("..."), x.constructor('...'), import('//...'): code or a
      // module compiled from a string.
      if (k + 1 < s_.size() && s_[k] == '(' &&
          (s_[k + 1] == '"' || s_[k + 1] == '\'' || s_[k + 1] == '`') &&
          (scan::IEquals(word, "function") || scan::IEquals(word, "constructor") ||
           scan::IEquals(word, "import"))) {
        Report("xss.js_breakout", "script is compiled or loaded from a string", 64, i, k + 1);
        return true;
      }
      // new Function(...): the evaluator built as an object, whatever its
      // arguments are. JavaScript names are case-sensitive; prose writes "a
      // new function (...)".
      if (k < s_.size() && s_[k] == '(' && word == "Function" && NewBefore(i)) {
        Report("xss.js_breakout", "new Function(...) compiles script from a string", 64, i,
               k + 1);
        return true;
      }
      // An evaluator or decoder called with nothing ("eval()" in prose)
      // runs nothing; a dialog called so is still a probe ("alert()").
      const bool no_arguments = k + 1 < s_.size() && s_[k] == '(' && s_[k + 1] == ')';
      // A name between backticks ("use `eval`") is a code span, not a
      // tagged template.
      const bool code_span = k < s_.size() && s_[k] == '`' && i > 0 && s_[i - 1] == '`';
      if (k < s_.size() && (s_[k] == '(' || s_[k] == '`') && !code_span) {
        for (std::string_view c : kCalls) {
          if (scan::IEquals(word, c) &&
              !(no_arguments && !scan::IEqualsAny(word, {"alert", "prompt", "confirm"})) &&
              !(c[0] == 's' && s_[k] == '(' && TimerGivenFunctionAt(k + 1))) {
            Report("xss.js_breakout", "a script dialog or evaluator is called", 65, i, k + 1);
            return true;
          }
        }
      }
    }
    if (j < s_.size() && s_[j] == '[' && j + 1 < s_.size() &&
        (s_[j + 1] == '"' || s_[j + 1] == '\'' || s_[j + 1] == '/' || s_[j + 1] == '`' ||
         IndexedCallAt(j))) {
      for (std::string_view g : kGlobals) {
        if (scan::IEquals(word, g)) {
          Report("xss.js_breakout", "a global object is indexed by a computed name", 65, i,
                 j + 1);
          return true;
        }
      }
    }
    return false;
  }

  std::string_view s_;
  CharMask mask_;
  bool nested_ = false;
  static constexpr size_t kUnknown = std::string_view::npos - 1;
  mutable size_t next_brace_ = kUnknown;  // JsEntityAt()'s NextAfter() memos
  mutable size_t next_paren_ = kUnknown;
  mutable size_t comment_from_ = kUnknown;  // SkipJsGap()'s memo
  mutable size_t comment_close_ = kUnknown;
  mutable size_t last_comment_close_ = kUnknown;  // LastCommentClose()'s memo
  std::array<size_t, 3> no_quote_from_;
  // Bit k: the value opened kRawText[k] (ReadTag) before its end tag.
  unsigned opened_raw_text_ = 0;
  // SVG/MathML drawing markup's finding, reported at the end of ScanTags()
  // when markup_active_ or a declaration is seen beside it.
  Finding drawing_;
  bool markup_active_ = false;
  bool inert_drawing_ = false;  // ScanTags() found drawing markup alone
  int open_drawings_ = 0;        // <svg> and <math> start tags less end tags
  bool outlook_conditional_ = false;  // an "[if mso]" comment was read
  // CodeByteWithin256()'s memo: [from, to) holds none of its bytes.
  size_t code_free_from_ = 0;
  size_t code_free_to_ = 0;
  Finding best_;
};

// A value that is nothing but one '<' written in an unusual escape or
// character reference (`&#x003C`, `&#0000060;`, `&#60` without its `;`,
// `\x3c`, `\u003C`, `&LT`, a double URL encoding): a filter-evasion probe,
// sent to learn which spellings of the angle bracket a site decodes. People
// type a bare '<', and applications escape it canonically (`&lt;`, `&#60;`,
// `%3C`); those stay clean.
bool IsEncodedAngleBracketProbe(const Input& in) {
  std::string_view n = in.norm;
  while (!n.empty() && IsSpace(n.front())) n.remove_prefix(1);
  while (!n.empty() && IsSpace(n.back())) n.remove_suffix(1);
  if (n != "<") return false;
  std::string_view r = in.raw;
  while (!r.empty() && IsSpace(r.front())) r.remove_prefix(1);
  while (!r.empty() && IsSpace(r.back())) r.remove_suffix(1);
  if (r.size() < 3 || r.size() > 16) return false;
  // Escape syntax only: no letters of another script (a full-width form is a
  // character someone can type).
  if (r[0] != '&' && r[0] != '\\' && r[0] != '%') return false;
  // The canonical spellings an application itself produces when it escapes
  // text (HTML escaping, one URL encoding) are data, not probes.
  for (std::string_view canonical : {"&lt;", "&#60;", "&#x3c;", "&#x3C;", "%3C", "%3c"}) {
    if (r == canonical) return false;
  }
  for (char c : r) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Dangling markup: a tag whose URL attribute opens a quote the value never
// closes ("<img src='https://x.example/log?"). The browser takes the page
// up to the next such quote as part of the URL and sends it to that host;
// no script runs, which is why filters let it through.
void DanglingMarkup(std::string_view s, Finding* f) {
  static constexpr std::array<std::string_view, 8> kAttrs = {
      "src", "href", "action", "formaction", "background", "poster", "data", "content"};
  const size_t last_single = s.rfind('\'');
  const size_t last_double = s.rfind('"');
  int checks = 16;
  for (size_t lt = s.find('<'); lt != std::string_view::npos && checks-- > 0;
       lt = s.find('<', lt + 1)) {
    size_t i = lt + 1;
    while (i < s.size() && i - lt < 16 && IsAlpha(s[i])) ++i;
    if (i == lt + 1 || i >= s.size() || !IsSpace(s[i])) continue;
    // The tag's attributes, up to its '>' (or 256 bytes).
    const size_t end = std::min(s.size(), lt + 256);
    for (size_t e = i; e < end && s[e] != '>' && s[e] != '<'; ++e) {
      if (s[e] != '=') continue;
      size_t a = e;
      while (a > i && IsSpace(s[a - 1])) --a;
      size_t b = a;
      while (b > i && IsAlpha(s[b - 1])) --b;
      if (b == a || !IsSpace(s[b - 1])) continue;
      bool url_attr = false;
      for (std::string_view attr : kAttrs) url_attr = url_attr || scan::IEquals(s.substr(b, a - b), attr);
      size_t q = e + 1;
      while (q < s.size() && IsSpace(s[q])) ++q;
      if (!url_attr || q >= s.size() || (s[q] != '\'' && s[q] != '"')) continue;
      const size_t last = s[q] == '\'' ? last_single : last_double;
      const std::string_view url = s.substr(q + 1);
      const bool absolute = scan::IAt(url, 0, "http://") || scan::IAt(url, 0, "https://") ||
                            url.starts_with("//");
      if (last == q && absolute) {
        f->rule_id = "xss.dangling_markup";
        f->reason = "a tag's URL attribute opens a quote that never closes";
        f->score = 62;
        f->offset = lt;
        f->length = std::min<size_t>(s.size() - lt, 64);
        return;
      }
    }
  }
}

class XssImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kXss; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.norm.size() < 4) {
      if (in.raw.size() > in.norm.size() && IsEncodedAngleBracketProbe(in)) {
        m->rule_id = "xss.encoded_bracket_probe";
        m->reason = "The whole value is an escaped '<': probing which encodings reach the page";
        m->score = 60;
        m->offset = 0;
        m->length = in.norm.size();
        return true;
      }
      return false;
    }
    // UTF-7 markup needs none of MaybeXss's characters: "+ADw-b+AD4-".
    static constexpr uint64_t kAd4 = CharMask::AlnumOf("ad4");
    Finding f;
    if (!MaybeXss(in.mask) && !(in.mask.HasAny("+ ") && in.mask.Has('-') &&
                                in.mask.HasAlnumOf(kAd4) && ContainsCI(in.norm, "ad4-"))) {
      if (!Scanner::ObfuscatedAccessPossible(in.mask)) return false;
      f = Scanner(in.norm, in.mask).RunObfuscatedAccess();
    } else {
      f = Scanner(in.norm, in.mask).Run();
    }
    if (f.score < kThreshold && in.mask.Has('<') && in.mask.Has('=') && in.mask.HasAny("'\"")) {
      DanglingMarkup(in.norm, &f);
    }
    bool from_raw = false;
    CharMask raw_mask;
    // The raw value keeps what decoding removes, such as the escapes that
    // spell a property's name.
    bool raw_xss = false;
    if (f.score < kThreshold && in.raw.data() != in.norm.data() && in.raw != in.norm &&
        ((raw_xss = MaybeXss(raw_mask = CharMask::Of(in.raw))) ||
         Scanner::ObfuscatedAccessPossible(raw_mask))) {
      Scanner raw_scan(in.raw, raw_mask);
      Finding r = raw_xss ? raw_scan.Run() : raw_scan.RunObfuscatedAccess();
      if (r.score > f.score) {
        f = r;
        from_raw = true;
      }
    }
    if (f.score < kThreshold) return false;
    m->rule_id = f.rule_id;
    m->reason = std::string(f.reason);
    m->score = std::min(f.score, 100);
    m->offset = from_raw ? 0 : f.offset;
    m->length = from_raw ? std::min(f.length, in.norm.size()) : f.length;
    return true;
  }
};

}  // namespace

const Detector& XssDetector() {
  static const XssImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
