// XML external entities and related XML parser attacks: DOCTYPE internal
// subsets, ENTITY declarations (external, parameter, and entity expansion
// bombs), external DTDs, XInclude, and XSLT documents that call out.
// A plain XML document without a DOCTYPE or entity declaration is not an
// attack; neither is an HTML "<!DOCTYPE html>" or a DOCTYPE naming a W3C DTD.
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::IFind;
using scan::SkipSpaces;

constexpr size_t kNpos = std::string_view::npos;

// Finds "<!" + optional whitespace + `keyword` (lower case) at or after `from`.
size_t FindDecl(std::string_view v, std::string_view keyword, size_t from, size_t* body) {
  for (size_t p = v.find("<!", from); p != kNpos; p = v.find("<!", p + 2)) {
    size_t k = SkipSpaces(v, p + 2);
    if (IAt(v, k, keyword)) {
      *body = k + keyword.size();
      return p;
    }
  }
  return kNpos;
}

bool Fill(Match* m, std::string_view rule, std::string reason, int score, size_t off,
          size_t len) {
  m->rule_id = rule;
  m->reason = std::move(reason);
  m->score = score;
  m->offset = off;
  m->length = len;
  return true;
}

class XxeImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kXxe; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.is_key) return false;
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
          return Fill(m, "xxe.external_entity",
                      "XML external entity declaration (reads files or URLs)", 95, p,
                      end == kNpos ? decl.size() + body - p : end - p + 1);
        }
        if (parameter) {
          return Fill(m, "xxe.parameter_entity", "XML parameter entity declaration", 90, p,
                      body - p);
        }
        return Fill(m, "xxe.entity_declaration",
                    "XML entity declaration in input (entity expansion)", 80, p, body - p);
      }
      p = FindDecl(v, "doctype", 0, &body);
      while (p != kNpos) {
        size_t end = body;
        // The DOCTYPE header up to '[' or '>'.
        while (end < v.size() && end - body < 1024 && v[end] != '[' && v[end] != '>') ++end;
        std::string_view head = v.substr(body, end - body);
        bool subset = end < v.size() && v[end] == '[';
        bool system = IFind(head, "system") != kNpos;
        bool pub = IFind(head, "public") != kNpos;
        bool w3c = IFind(head, "http://www.w3.org/") != kNpos ||
                   IFind(head, "https://www.w3.org/") != kNpos;
        if (subset) {
          return Fill(m, "xxe.doctype_subset", "DOCTYPE with an internal subset", 85, p,
                      end - p + 1);
        }
        if ((system || pub) && !w3c) {
          return Fill(m, "xxe.external_dtd", "DOCTYPE loading an external DTD", 85, p, end - p);
        }
        p = FindDecl(v, "doctype", end, &body);
      }
      p = FindDecl(v, "element", 0, &body);
      if (p != kNpos && FindDecl(v, "attlist", 0, &body) == kNpos) {
        return Fill(m, "xxe.dtd_markup", "DTD markup declaration in input", 70, p, 9);
      }
    }
    if (in.mask.Has('<') && in.mask.Has('[')) {
      // CDATA used to split markup past filters: "<![CDATA[<]]>script".
      for (size_t p = IFind(v, "<![cdata["); p != kNpos; p = IFind(v, "<![cdata[", p + 9)) {
        size_t c = p + 9;
        size_t end = v.find("]]>", c);
        if (end == kNpos) break;
        std::string_view content = v.substr(c, end - c);
        if (content == "<" || content == ">" || IFind(content, "<script") != kNpos ||
            IFind(content, "javascript:") != kNpos || IFind(content, "<img") != kNpos) {
          return Fill(m, "xxe.cdata_markup", "CDATA section used to smuggle markup", 75, p,
                      end + 3 - p);
        }
      }
    }
    if (in.mask.Has('<') && in.mask.Has('?')) {
      size_t p = IFind(v, "<?import");
      if (p != kNpos) {
        return Fill(m, "xxe.processing_instruction",
                    "Import processing instruction loading an external component", 80, p, 8);
      }
    }
    if (in.mask.Has('&') && in.mask.Has(';') && in.mask.Has('<') && in.mask.Has('>')) {
      // A reference to a custom entity inside XML markup: only meaningful
      // when the attacker also controls a DTD. HTML's own entities were
      // decoded by normalization, so what remains is unknown to HTML.
      for (size_t p = v.find('&'); p != kNpos; p = v.find('&', p + 1)) {
        size_t e = p + 1;
        while (e < v.size() && e - p < 40 && (scan::IsWordChar(v[e]) || v[e] == '-')) ++e;
        if (e - p < 4 || e >= v.size() || v[e] != ';' || !scan::IsAlpha(v[p + 1])) continue;
        std::string_view name = v.substr(p + 1, e - p - 1);
        // All-lower-case short names are HTML's own (&copy;, &hellip;).
        bool html_like = name.size() <= 8;
        for (char ch : name) html_like = html_like && ch >= 'a' && ch <= 'z';
        if (html_like) continue;
        size_t open = v.rfind('<', p);
        if (open != kNpos && open + 1 < v.size() && scan::IsAlpha(v[open + 1]) &&
            v.find("</", e) != kNpos) {
          return Fill(m, "xxe.entity_reference", "Reference to a custom XML entity", 65, p,
                      e - p + 1);
        }
      }
    }
    if (in.mask.Has('%') && in.mask.Has(';') && in.mask.Has('<')) {
      // Parameter entity reference inside a DTD-looking context.
      for (size_t p = v.find('%'); p != kNpos; p = v.find('%', p + 1)) {
        size_t e = p + 1;
        while (e < v.size() && (scan::IsWordChar(v[e]) || v[e] == '-' || v[e] == '.')) ++e;
        if (e > p + 1 && e < v.size() && v[e] == ';' && v.find("]>") != kNpos) {
          return Fill(m, "xxe.parameter_entity", "XML parameter entity reference", 85, p,
                      e - p + 1);
        }
      }
    }
    if (in.mask.Has(':') && in.mask.Has('<')) {
      size_t p = IFind(v, "xi:include");
      if (p == kNpos) p = IFind(v, "http://www.w3.org/2001/xinclude");
      if (p != kNpos) {
        return Fill(m, "xxe.xinclude", "XInclude element that pulls in external content", 90, p,
                    10);
      }
      p = IFind(v, "<xsl:");
      if (p != kNpos) {
        for (std::string_view bad : {"php:function", "document(", "unparsed-text",
                                     "system-property(", "xmlns:php", "rt:exec", "runtime",
                                     "xsl:include", "xsl:import"}) {
          size_t q = IFind(v, bad);
          if (q != kNpos) {
            return Fill(m, "xxe.xslt_injection",
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
