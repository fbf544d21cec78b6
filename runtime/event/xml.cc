#include "runtime/event/xml.h"

#include <utility>
#include <vector>

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

constexpr size_t kNpos = std::string_view::npos;

// XML's NameStartChar and NameChar, with every non-ASCII byte taken as one
// (the document's own encoding is not checked here).
bool IsNameStart(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

size_t SkipSpace(std::string_view d, size_t p) {
  while (p < d.size() && IsLinearWhiteSpace(d[p])) ++p;
  return p;
}

// The end of the name at `p` (== p when none starts there).
size_t NameEnd(std::string_view d, size_t p) {
  if (p >= d.size() || !IsNameStart(d[p])) return p;
  ++p;
  while (p < d.size() && IsNameChar(d[p])) ++p;
  return p;
}

// One past the first `close` at or after `from`, or kNpos.
size_t After(std::string_view d, size_t from, std::string_view close) {
  const size_t e = d.find(close, from);
  return e == kNpos ? kNpos : e + close.size();
}

// One past the comment or PI at `p`; 0 when none starts there, kNpos when
// it is not terminated.
size_t CommentOrPiEnd(std::string_view d, size_t p) {
  if (d.compare(p, 4, "<!--") == 0) return After(d, p + 4, "-->");
  if (d.compare(p, 2, "<?") == 0) return After(d, p + 2, "?>");
  return 0;
}

bool AllSpace(std::string_view s) {
  for (char c : s) {
    if (!IsLinearWhiteSpace(c)) return false;
  }
  return true;
}

// One past the '>' that ends the DOCTYPE declaration at `p`, past its
// internal subset, whose literals, comments and PIs may hold ']' and '>'.
size_t DoctypeEnd(std::string_view d, size_t p) {
  size_t i = p + 9;  // "<!DOCTYPE"
  bool subset = false;
  while (i < d.size()) {
    const char c = d[i];
    if (c == '"' || c == '\'') {
      const size_t q = d.find(c, i + 1);
      if (q == kNpos) return kNpos;
      i = q + 1;
    } else if (const size_t e = subset ? CommentOrPiEnd(d, i) : 0; e != 0) {
      if (e == kNpos) return kNpos;
      i = e;
    } else if (c == '[' || c == ']') {
      subset = c == '[';
      ++i;
    } else if (c == '>' && !subset) {
      return i + 1;
    } else {
      ++i;
    }
  }
  return kNpos;
}

// An element's character data: the runs since its last child, joined.
class TextRuns {
 public:
  explicit TextRuns(std::string* scratch) : scratch_(scratch) {}
  void Add(std::string_view run) {
    if (run.empty()) return;
    if (runs_ == 0) {
      first_ = run;
    } else {
      if (runs_ == 1) scratch_->assign(first_);
      scratch_->append(run);
    }
    ++runs_;
  }
  // The joined runs, and forgets them; empty when they are only white space.
  std::string_view Take() {
    const std::string_view t = runs_ == 1 ? first_ : runs_ == 0 ? std::string_view() : *scratch_;
    runs_ = 0;
    return AllSpace(t) ? std::string_view() : t;
  }

 private:
  std::string* scratch_;
  std::string_view first_;
  size_t runs_ = 0;
};

}  // namespace

XmlResult ReadXml(std::string_view doc, size_t max_depth, std::string* scratch,
                  absl::FunctionRef<bool(const XmlItem&)> on_item) {
  using Type = XmlItem::Type;
  const auto emit = [&](Type type, std::string_view name, std::string_view text) {
    XmlItem item;
    item.type = type;
    item.name = name;
    item.text = text;
    return on_item(item);
  };

  size_t i = doc.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  // The prolog: declaration, comments, PIs and at most one DOCTYPE.
  for (bool doctype = false;;) {
    i = SkipSpace(doc, i);
    if (i >= doc.size() || doc[i] != '<') return XmlResult::kMalformed;
    size_t e = CommentOrPiEnd(doc, i);
    if (e == 0 && doc.compare(i, 9, "<!DOCTYPE") == 0 && !doctype) {
      doctype = true;
      e = DoctypeEnd(doc, i);
    }
    if (e == 0) break;
    if (e == kNpos) return XmlResult::kMalformed;
    i = e;
  }
  // The root element's start tag.
  if (i + 1 >= doc.size() || !IsNameStart(doc[i + 1])) return XmlResult::kMalformed;
  if (!AllSpace(doc.substr(0, i)) && !emit(Type::kProlog, {}, doc.substr(0, i))) {
    return XmlResult::kStopped;
  }

  std::vector<std::string_view> open;  // the names of the open elements
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
  TextRuns text(scratch);
  const auto flush_text = [&] {
    const std::string_view t = text.Take();
    return t.empty() || emit(Type::kText, {}, t);
  };
  bool root_done = false;
  while (i < doc.size()) {
    if (root_done) {
      // After the root: white space, comments and PIs only.
      i = SkipSpace(doc, i);
      if (i >= doc.size()) break;
      const size_t e = CommentOrPiEnd(doc, i);
      if (e == 0 || e == kNpos) return XmlResult::kMalformed;
      if (!emit(Type::kMisc, {}, doc.substr(i, e - i))) return XmlResult::kStopped;
      i = e;
      continue;
    }
    if (doc[i] != '<') {
      const size_t lt = doc.find('<', i);
      const size_t end = lt == kNpos ? doc.size() : lt;
      text.Add(doc.substr(i, end - i));
      i = end;
      continue;
    }
    if (const size_t e = CommentOrPiEnd(doc, i); e != 0) {
      // Left out of the character data around it, inspected on its own.
      if (e == kNpos) return XmlResult::kMalformed;
      if (!emit(Type::kMisc, {}, doc.substr(i, e - i))) return XmlResult::kStopped;
      i = e;
      continue;
    }
    if (doc.compare(i, 9, "<![CDATA[") == 0) {
      const size_t e = doc.find("]]>", i + 9);
      if (e == kNpos) return XmlResult::kMalformed;
      text.Add(doc.substr(i + 9, e - (i + 9)));
      i = e + 3;
      continue;
    }
    if (doc.compare(i, 2, "</") == 0) {
      const size_t name_end = NameEnd(doc, i + 2);
      const std::string_view name = doc.substr(i + 2, name_end - (i + 2));
      const size_t gt = SkipSpace(doc, name_end);
      if (open.empty() || name != open.back() || gt >= doc.size() || doc[gt] != '>') {
        return XmlResult::kMalformed;
      }
      if (!flush_text() || !emit(Type::kClose, name, {})) return XmlResult::kStopped;
      open.pop_back();
      root_done = open.empty();
      i = gt + 1;
      continue;
    }
    // A start tag: its name, then attributes, each after white space.
    const size_t name_end = NameEnd(doc, i + 1);
    if (name_end == i + 1) return XmlResult::kMalformed;  // "<!x", "< a", "<1"
    const std::string_view name = doc.substr(i + 1, name_end - (i + 1));
    attributes.clear();
    size_t p = name_end;
    bool empty_element = false;
    for (;;) {
      const size_t s = SkipSpace(doc, p);
      if (s >= doc.size()) return XmlResult::kMalformed;
      if (doc[s] == '>') {
        p = s + 1;
        break;
      }
      if (doc.compare(s, 2, "/>") == 0) {
        empty_element = true;
        p = s + 2;
        break;
      }
      const size_t an = NameEnd(doc, s);
      if (s == p || an == s) return XmlResult::kMalformed;
      size_t q = SkipSpace(doc, an);
      if (q >= doc.size() || doc[q] != '=') return XmlResult::kMalformed;
      q = SkipSpace(doc, q + 1);
      if (q >= doc.size() || (doc[q] != '"' && doc[q] != '\'')) return XmlResult::kMalformed;
      const size_t close = doc.find(doc[q], q + 1);
      if (close == kNpos) return XmlResult::kMalformed;
      const std::string_view value = doc.substr(q + 1, close - (q + 1));
      if (value.find('<') != kNpos) return XmlResult::kMalformed;
      attributes.emplace_back(doc.substr(s, an - s), value);
      p = close + 1;
    }
    if (open.size() + 1 > max_depth) return XmlResult::kMalformed;
    if (!flush_text() || !emit(Type::kOpen, name, doc.substr(i, p - i))) return XmlResult::kStopped;
    for (const auto& [attr, value] : attributes) {
      if (!emit(Type::kAttribute, attr, value)) return XmlResult::kStopped;
    }
    if (empty_element) {
      if (!emit(Type::kClose, name, {})) return XmlResult::kStopped;
      root_done = open.empty();
    } else {
      open.push_back(name);
    }
    i = p;
  }
  return root_done ? XmlResult::kComplete : XmlResult::kMalformed;
}

}  // namespace fnguard::event
