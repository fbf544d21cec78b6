// XML external entities and related XML parser attacks: DOCTYPE internal
// subsets, ENTITY declarations (external, parameter, and entity expansion
// bombs), external DTDs, other DTD markup, XInclude, XSLT documents that call
// out, SVG/XLink references to local files, UTF-7 declarations, CDATA
// breakouts and bare entity references (XML-injection probes), and XPath
// location steps written with explicit axes.
// A plain XML document without a DOCTYPE or entity declaration is not an
// attack; neither is an HTML "<!DOCTYPE html>" or a DOCTYPE naming a W3C DTD.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::IFind;
using scan::SkipSpaces;

constexpr size_t kNpos = std::string_view::npos;

// Finds "<!" + optional whitespace + `keyword` (lower case) at or after `from`.
size_t FindDecl(std::string_view v, std::string_view keyword, size_t from, size_t* body) {
  for (size_t p = scan::Find(v, "<!", from); p != kNpos; p = scan::Find(v, "<!", p + 2)) {
    size_t k = SkipSpaces(v, p + 2);
    if (IAt(v, k, keyword)) {
      *body = k + keyword.size();
      return p;
    }
  }
  return kNpos;
}

// XML NameStartChar / NameChar, restricted to ASCII (names in attacks are).
constexpr bool IsNameStart(char c) { return scan::IsAlpha(c) || c == '_' || c == ':'; }
constexpr bool IsNameChar(char c) {
  return scan::IsAlnum(c) || c == '_' || c == ':' || c == '-' || c == '.';
}

// End of the XML Name starting at `p` (== p when there is none).
size_t NameEnd(std::string_view v, size_t p) {
  if (p >= v.size() || !IsNameStart(v[p])) return p;
  size_t e = p + 1;
  while (e < v.size() && IsNameChar(v[e])) ++e;
  return e;
}

// Whether a DOCTYPE header (after the keyword) names an external DTD a
// parser would fetch: "name SYSTEM 'sys'" or "name PUBLIC 'pub' 'sys'". A
// PUBLIC identifier alone, the W3C's own DTDs, Apple's property-list DTD and
// HTML's "about:legacy-compat" are not fetched from an attacker.
// `kw` as a word of its own: after whitespace, before whitespace or a quote.
size_t FindKeyword(std::string_view head, std::string_view kw) {
  for (size_t k = IFind(head, kw); k != kNpos; k = IFind(head, kw, k + 1)) {
    size_t e = k + kw.size();
    if (k > 0 && scan::IsSpace(head[k - 1]) &&
        (e == head.size() || scan::IsSpace(head[e]) || head[e] == '"' || head[e] == '\'')) {
      return k;
    }
  }
  return kNpos;
}

bool FetchesExternalDtd(std::string_view head) {
  size_t sys_kw = FindKeyword(head, "system");
  size_t pub_kw = FindKeyword(head, "public");
  if (sys_kw == kNpos && pub_kw == kNpos) return false;
  bool pub = pub_kw != kNpos && (sys_kw == kNpos || pub_kw < sys_kw);
  size_t p = pub ? pub_kw + 6 : sys_kw + 6;
  std::string_view literal;
  for (int wanted = pub ? 2 : 1; wanted > 0; --wanted) {
    p = SkipSpaces(head, p);
    if (p >= head.size()) return !pub;  // SYSTEM with its literal cut off
    char quote = head[p];
    if (quote != '"' && quote != '\'') {
      // Unquoted: lenient parsers still take it as the system identifier.
      size_t e = p;
      while (e < head.size() && !scan::IsSpace(head[e])) ++e;
      literal = head.substr(p, e - p);
      p = e;
      continue;
    }
    size_t close = head.find(quote, p + 1);
    if (close == kNpos) close = head.size();
    literal = head.substr(p + 1, close - p - 1);
    p = close + 1;
  }
  size_t s = SkipSpaces(literal, 0);
  for (std::string_view known : {"http://www.w3.org/", "https://www.w3.org/",
                                 "about:legacy-compat",
                                 "http://www.apple.com/dtds/propertylist-1.0.dtd"}) {
    if (IAt(literal, s, known)) return false;
  }
  return true;
}

// HTML 4's named character references (plus XML's &apos;), which rich-text
// editors and HTML-escaping code write into ordinary values ("&nbsp;" is an
// empty paragraph). Names are case-sensitive, as in HTML.
constexpr std::array<std::string_view, 253> kHtmlEntityNames = {
    "AElig", "Aacute", "Acirc", "Agrave", "Alpha", "Aring", "Atilde", "Auml", "Beta", "Ccedil",
    "Chi", "Dagger", "Delta", "ETH", "Eacute", "Ecirc", "Egrave", "Epsilon", "Eta", "Euml",
    "Gamma", "Iacute", "Icirc", "Igrave", "Iota", "Iuml", "Kappa", "Lambda", "Mu", "Ntilde", "Nu",
    "OElig", "Oacute", "Ocirc", "Ograve", "Omega", "Omicron", "Oslash", "Otilde", "Ouml", "Phi",
    "Pi", "Prime", "Psi", "Rho", "Scaron", "Sigma", "THORN", "Tau", "Theta", "Uacute", "Ucirc",
    "Ugrave", "Upsilon", "Uuml", "Xi", "Yacute", "Yuml", "Zeta", "aacute", "acirc", "acute",
    "aelig", "agrave", "alefsym", "alpha", "amp", "and", "ang", "apos", "aring", "asymp",
    "atilde", "auml", "bdquo", "beta", "brvbar", "bull", "cap", "ccedil", "cedil", "cent", "chi",
    "circ", "clubs", "cong", "copy", "crarr", "cup", "curren", "dArr", "dagger", "darr", "deg",
    "delta", "diams", "divide", "eacute", "ecirc", "egrave", "empty", "emsp", "ensp", "epsilon",
    "equiv", "eta", "eth", "euml", "euro", "exist", "fnof", "forall", "frac12", "frac14",
    "frac34", "frasl", "gamma", "ge", "gt", "hArr", "harr", "hearts", "hellip", "iacute", "icirc",
    "iexcl", "igrave", "image", "infin", "int", "iota", "iquest", "isin", "iuml", "kappa", "lArr",
    "lambda", "lang", "laquo", "larr", "lceil", "ldquo", "le", "lfloor", "lowast", "loz", "lrm",
    "lsaquo", "lsquo", "lt", "macr", "mdash", "micro", "middot", "minus", "mu", "nabla", "nbsp",
    "ndash", "ne", "ni", "not", "notin", "nsub", "ntilde", "nu", "oacute", "ocirc", "oelig",
    "ograve", "oline", "omega", "omicron", "oplus", "or", "ordf", "ordm", "oslash", "otilde",
    "otimes", "ouml", "para", "part", "permil", "perp", "phi", "pi", "piv", "plusmn", "pound",
    "prime", "prod", "prop", "psi", "quot", "rArr", "radic", "rang", "raquo", "rarr", "rceil",
    "rdquo", "real", "reg", "rfloor", "rho", "rlm", "rsaquo", "rsquo", "sbquo", "scaron", "sdot",
    "sect", "shy", "sigma", "sigmaf", "sim", "spades", "sub", "sube", "sum", "sup", "sup1",
    "sup2", "sup3", "supe", "szlig", "tau", "there4", "theta", "thetasym", "thinsp", "thorn",
    "tilde", "times", "trade", "uArr", "uacute", "uarr", "ucirc", "ugrave", "uml", "upsih",
    "upsilon", "uuml", "weierp", "xi", "yacute", "yen", "yuml", "zeta", "zwj", "zwnj",
};

static_assert(std::is_sorted(kHtmlEntityNames.begin(), kHtmlEntityNames.end()));

bool IsHtmlEntityName(std::string_view name) {
  return std::binary_search(kHtmlEntityNames.begin(), kHtmlEntityNames.end(), name);
}

// The value, trimmed, is nothing but XML entity references: "&name;" or
// "%name;" (a parameter entity), possibly several. `sigil` is '&' or '%'. A
// value made only of HTML's own entities is text an HTML escaper wrote.
bool OnlyEntityReferences(std::string_view v, char sigil) {
  size_t p = SkipSpaces(v, 0);
  size_t end = v.size();
  while (end > p && scan::IsSpace(v[end - 1])) --end;
  if (p >= end) return false;
  bool custom = sigil == '%';
  while (p < end) {
    if (v[p] != sigil) return false;
    size_t e = NameEnd(v, p + 1);
    if (e == p + 1 || e >= end || v[e] != ';') return false;
    custom = custom || !IsHtmlEntityName(v.substr(p + 1, e - p - 1));
    p = SkipSpaces(v, e + 1);
  }
  return custom;
}

// XPath axes (XPath 1.0, section 2.2); XPath names are case-sensitive.
constexpr std::string_view kAxes[] = {
    "ancestor-or-self", "ancestor", "attribute", "child", "descendant-or-self", "descendant",
    "following-sibling", "following", "namespace", "parent", "preceding-sibling",
    "preceding", "self"};

// An XPath location step with an explicit axis, "/child::node()",
// "[ancestor::*", "//descendant-or-self::text()": the axis follows a '/', a
// '[' predicate, a '|' union or opens the value, and the node test is a
// node-type test or '*' ("/child::user" needs the '/'). Returns its offset.
size_t FindXPathAxisStep(std::string_view v, size_t* len) {
  for (size_t q = scan::Find(v, "::"); q != kNpos; q = scan::Find(v, "::", q + 2)) {
    size_t a = q;
    while (a > 0 && (scan::IsAlpha(v[a - 1]) || v[a - 1] == '-') && q - a < 20) --a;
    std::string_view axis = v.substr(a, q - a);
    if (std::find(std::begin(kAxes), std::end(kAxes), axis) == std::end(kAxes)) continue;
    char before = a == 0 ? '\0' : v[a - 1];
    bool step = before == '/' || before == '[' || before == '|';
    if (!step && a != 0) continue;
    size_t t = q + 2;
    std::string_view test = v.substr(t);
    bool node_type = test.starts_with("node()") || test.starts_with("text()") ||
                     test.starts_with("comment()") ||
                     test.starts_with("processing-instruction(") || test.starts_with('*');
    bool named = before == '/' && NameEnd(v, t) > t;
    if (node_type || named) {
      *len = t - a;
      return a;
    }
  }
  return kNpos;
}

// "]]>" that ends a CDATA section the value did not open, followed by
// markup: the value breaks out of the application's CDATA section.
size_t FindCdataBreakout(std::string_view v) {
  size_t open = IFind(v, "<![cdata[");
  for (size_t p = scan::Find(v, "]]>"); p != kNpos; p = scan::Find(v, "]]>", p + 3)) {
    if (open != kNpos && open < p) return kNpos;  // a section of its own
    size_t n = SkipSpaces(v, p + 3);
    if (n + 1 < v.size() && v[n] == '<' &&
        (IsNameStart(v[n + 1]) || v[n + 1] == '!' || v[n + 1] == '?' || v[n + 1] == '/')) {
      return p;
    }
  }
  return kNpos;
}

class XxeImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kXxe; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    std::string_view v = in.norm;
    if (in.mask.Has('<') && in.mask.Has('!')) {
      size_t body;
      size_t p = FindDecl(v, "entity", 0, &body);
      if (p != kNpos) {
        // What kind of entity: external (SYSTEM/PUBLIC) or parameter (%).
        size_t end = v.find('>', body);
        std::string_view decl = v.substr(body, end == kNpos ? std::min<size_t>(512, v.size() - body)
                                                            : end - body);
        bool external = IFind(decl, "system") != kNpos || IFind(decl, "public") != kNpos;
        bool parameter = SkipSpaces(decl, 0) < decl.size() && decl[SkipSpaces(decl, 0)] == '%';
        if (external) {
          return FillMatch(m, "xxe.external_entity",
                           "XML external entity declaration (reads files or URLs)", 95, p,
                           end == kNpos ? decl.size() + body - p : end - p + 1);
        }
        if (parameter) {
          return FillMatch(m, "xxe.parameter_entity", "XML parameter entity declaration", 90, p,
                           body - p);
        }
        return FillMatch(m, "xxe.entity_declaration",
                         "XML entity declaration in input (entity expansion)", 80, p, body - p);
      }
      p = FindDecl(v, "doctype", 0, &body);
      while (p != kNpos) {
        size_t end = body;
        // The DOCTYPE header up to '[' or '>'.
        while (end < v.size() && end - body < 1024 && v[end] != '[' && v[end] != '>') ++end;
        std::string_view head = v.substr(body, end - body);
        bool subset = end < v.size() && v[end] == '[';
        if (subset) {
          return FillMatch(m, "xxe.doctype_subset", "DOCTYPE with an internal subset", 85, p,
                           end - p + 1);
        }
        // The parser fetches the system literal; a W3C public identifier
        // next to an attacker's URL does not make it harmless.
        if (FetchesExternalDtd(head)) {
          return FillMatch(m, "xxe.external_dtd", "DOCTYPE loading an external DTD", 85, p,
                           end - p);
        }
        p = FindDecl(v, "doctype", end, &body);
      }
      // Other DTD markup declarations, which only occur inside a DTD.
      for (std::string_view kw : {"element", "attlist", "notation"}) {
        p = FindDecl(v, kw, 0, &body);
        if (p != kNpos && body < v.size() && scan::IsSpace(v[body]) &&
            NameEnd(v, SkipSpaces(v, body)) > SkipSpaces(v, body)) {
          return FillMatch(m, "xxe.dtd_markup", "DTD markup declaration in input", 70, p, body - p);
        }
      }
    }
    if (in.mask.Has('<') && in.mask.Has('[')) {
      // CDATA used to split markup past filters: "<![CDATA[<]]>script".
      size_t first = SkipSpaces(v, 0);
      // Sections do not nest: the next one starts after this one's "]]>".
      size_t end = 0;
      for (size_t p = IFind(v, "<![cdata["); p != kNpos; p = IFind(v, "<![cdata[", end + 3)) {
        size_t c = p + 9;
        end = scan::Find(v, "]]>", c);
        if (end == kNpos) break;
        std::string_view content = v.substr(c, end - c);
        if (content == "<" || content == ">" || IFind(content, "<script") != kNpos ||
            IFind(content, "javascript:") != kNpos || IFind(content, "<img") != kNpos) {
          return FillMatch(m, "xxe.cdata_markup", "CDATA section used to smuggle markup", 75, p,
                           end + 3 - p);
        }
        // A value that opens with a CDATA section holding markup is an XML
        // fragment meant to be spliced into a document (no root of its own).
        size_t lt = content.find('<');
        if (p == first && lt != kNpos && lt + 1 < content.size() &&
            (IsNameStart(content[lt + 1]) || content[lt + 1] == '!' ||
             content[lt + 1] == '/' || content[lt + 1] == '?')) {
          return FillMatch(m, "xxe.cdata_fragment", "XML fragment hiding markup in a CDATA section",
                           70, p, end + 3 - p);
        }
      }
    }
    if (in.mask.Has(']') && in.mask.Has('>') && in.mask.Has('<')) {
      size_t p = FindCdataBreakout(v);
      if (p != kNpos) {
        return FillMatch(m, "xxe.cdata_breakout",
                         "Closes a CDATA section it did not open and injects markup", 80, p, 3);
      }
    }
    if (in.mask.Has('<') && in.mask.Has('?')) {
      size_t p = IFind(v, "<?import");
      if (p != kNpos) {
        return FillMatch(m, "xxe.processing_instruction",
                         "Import processing instruction loading an external component", 80, p, 8);
      }
      // UTF-7 hides '<' and '&' from filters ("+ADw-"); XML parsers that
      // honour the declaration decode it. No real client sends UTF-7 XML.
      p = IFind(v, "<?xml");
      if (p != kNpos) {
        size_t close = scan::Find(v, "?>", p);
        std::string_view decl =
            v.substr(p, close == kNpos ? std::min<size_t>(256, v.size() - p) : close - p);
        size_t enc = IFind(decl, "encoding");
        if (enc != kNpos) {
          size_t q = SkipSpaces(decl, enc + 8);
          if (q < decl.size() && decl[q] == '=') q = SkipSpaces(decl, q + 1);
          if (q < decl.size() && (decl[q] == '"' || decl[q] == '\'')) ++q;
          if (IAt(decl, q, "utf-7") || IAt(decl, q, "utf7") || IAt(decl, q, "csutf7") ||
              IAt(decl, q, "unicode-1-1-utf-7")) {
            return FillMatch(m, "xxe.utf7_declaration",
                             "XML declaration switching the parser to UTF-7", 80, p + enc,
                             q - enc + 5);
          }
        }
      }
    }
    if (in.mask.Has('&') && in.mask.Has(';') && in.mask.Has('<') && in.mask.Has('>')) {
      // A reference to a custom entity inside XML markup: only meaningful
      // when the attacker also controls a DTD. HTML's own entities were
      // decoded by normalization, so what remains is unknown to HTML.
      size_t last_close_tag = v.rfind("</");
      size_t open = kNpos;  // the last '<' before the current position
      size_t scanned = 0;
      for (size_t p = v.find('&'); p != kNpos; p = v.find('&', p + 1)) {
        for (; scanned < p; ++scanned) {
          if (v[scanned] == '<') open = scanned;
        }
        size_t e = p + 1;
        while (e < v.size() && e - p < 40 && (scan::IsWordChar(v[e]) || v[e] == '-')) ++e;
        if (e - p < 4 || e >= v.size() || v[e] != ';' || !scan::IsAlpha(v[p + 1])) continue;
        std::string_view name = v.substr(p + 1, e - p - 1);
        // All-lower-case short names are HTML's own (&copy;, &hellip;).
        bool html_like = name.size() <= 8;
        for (char ch : name) html_like = html_like && ch >= 'a' && ch <= 'z';
        if (html_like) continue;
        if (open != kNpos && open + 1 < v.size() && scan::IsAlpha(v[open + 1]) &&
            last_close_tag != kNpos && last_close_tag > e) {
          return FillMatch(m, "xxe.entity_reference", "Reference to a custom XML entity", 65, p,
                           e - p + 1);
        }
      }
    }
    {
      // The whole value is an entity reference ("&name;", "%name;"): a probe
      // for whether the input is expanded by an XML parser. The raw value
      // counts too ("%ab;" is not URL encoding to the XML parser); the test
      // stops at the first character that is not a reference.
      // A raw value that normalization left as it was is `norm` itself.
      const bool norm_may = in.mask.Has(';') && (in.mask.Has('&') || in.mask.Has('%'));
      for (std::string_view s : {norm_may ? in.norm : std::string_view(),
                                 in.RawIsNorm() ? std::string_view() : in.raw}) {
        for (char sigil : {'&', '%'}) {
          if (OnlyEntityReferences(s, sigil)) {
            return FillMatch(m, sigil == '%' ? "xxe.parameter_entity" : "xxe.entity_reference",
                             sigil == '%' ? "Value is a bare XML parameter entity reference"
                                          : "Value is a bare XML entity reference",
                             60, 0, v.size());
          }
        }
      }
    }
    if (in.mask.Has('%') && in.mask.Has(';') && in.mask.Has('<')) {
      // Parameter entity reference inside a DTD-looking context.
      if (scan::Find(v, "]>") != kNpos) {
        for (size_t p = v.find('%'); p != kNpos; p = v.find('%', p + 1)) {
          size_t e = p + 1;
          while (e < v.size() && (scan::IsWordChar(v[e]) || v[e] == '-' || v[e] == '.')) ++e;
          if (e > p + 1 && e < v.size() && v[e] == ';') {
            return FillMatch(m, "xxe.parameter_entity", "XML parameter entity reference", 85, p,
                             e - p + 1);
          }
        }
      }
    }
    if (in.mask.Has(':')) {
      size_t len = 0;
      size_t p = FindXPathAxisStep(v, &len);
      if (p != kNpos) {
        return FillMatch(m, "xxe.xpath_axis", "XPath location step with an explicit axis", 70, p,
                         len);
      }
    }
    if (in.mask.Has(':') && in.mask.Has('<')) {
      size_t p = IFind(v, "xi:include");
      if (p == kNpos) {
        // The namespace under another prefix (or as the default one) with
        // an include element after it; the declaration alone includes
        // nothing.
        constexpr std::string_view kNamespace = "http://www.w3.org/2001/xinclude";
        p = IFind(v, kNamespace);
        if (p != kNpos && IFind(v, "include", p + kNamespace.size()) == kNpos) p = kNpos;
      }
      if (p != kNpos) {
        return FillMatch(m, "xxe.xinclude", "XInclude element that pulls in external content", 90,
                         p, 10);
      }
      // XLink / xml:base references to local files or exotic schemes from
      // XML markup (SVG images, XInclude-like loaders).
      for (std::string_view attr : {"xlink:href", "xml:base"}) {
        for (size_t a = IFind(v, attr); a != kNpos; a = IFind(v, attr, a + attr.size())) {
          size_t q = SkipSpaces(v, a + attr.size());
          if (q >= v.size() || v[q] != '=') continue;
          q = SkipSpaces(v, q + 1);
          if (q < v.size() && (v[q] == '"' || v[q] == '\'')) q = SkipSpaces(v, q + 1);
          for (std::string_view scheme :
               {"file:", "expect:", "jar:", "netdoc:", "phar:", "php:", "gopher:"}) {
            if (IAt(v, q, scheme)) {
              return FillMatch(m, "xxe.external_reference",
                               "XML link attribute referencing a local file or handler", 85, a,
                               q + scheme.size() - a);
            }
          }
        }
      }
      p = IFind(v, "<xsl:");
      if (p == kNpos) p = IFind(v, "/1999/xsl/transform");
      if (p != kNpos) {
        for (std::string_view bad : {"php:function", "document(", "unparsed-text",
                                     "system-property(", "xmlns:php", "rt:exec", "runtime",
                                     "xsl:include", "xsl:import", "msxsl:script",
                                     "urn:schemas-microsoft-com:xslt", "xalan://",
                                     "http://xml.apache.org/xalan/java", "java:",
                                     "saxon:", "exsl:document"}) {
          size_t q = IFind(v, bad);
          if (q != kNpos) {
            return FillMatch(m, "xxe.xslt_injection",
                             "XSLT stylesheet that calls out of the transformation", 85, q,
                             bad.size());
          }
        }
      }
    }
    return false;
  }
};

}  // namespace

const Detector& XxeDetector() {
  static const XxeImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
