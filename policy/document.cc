#include "policy/document.h"

#include <sstream>
#include <string>
#include <vector>

#include "policy/text.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/exceptions.h"
#include "yaml-cpp/mark.h"
#include "yaml-cpp/parser.h"

namespace fnguard::policy {
namespace {

absl::Status ErrorAt(std::string_view source, int line, int column, std::string_view what) {
  return absl::InvalidArgumentError(Cat(source, ":", line, ":", column, ": ", what));
}

// Bounds the nesting yaml-cpp would recurse into, without parsing: the flow
// bracket depth ('[' '{' minus ']' '}', counted everywhere, which only
// over-estimates) and the column where block nodes start (after leading
// spaces and "- ", "? ", ": " indicators; every block level needs at least
// one more column).
absl::Status CheckNesting(std::string_view text, std::string_view source) {
  int depth = 0;
  int line = 1;
  size_t line_start = 0;
  bool at_line_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (at_line_start) {
      at_line_start = false;
      size_t p = i;
      for (;;) {
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
        if (p + 1 < text.size() && (text[p] == '-' || text[p] == '?' || text[p] == ':') &&
            (text[p + 1] == ' ' || text[p + 1] == '\t')) {
          ++p;
          continue;
        }
        break;
      }
      if (static_cast<int>(p - line_start) > kMaxIndentColumn) {
        return ErrorAt(
            source, line, kMaxIndentColumn + 1,
            Cat("nesting too deep: block content starts beyond column ", kMaxIndentColumn));
      }
    }
    if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) {
        return ErrorAt(source, line, static_cast<int>(i - line_start) + 1,
                       Cat("nesting too deep: more than ", kMaxNesting, " open brackets"));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == '\n') {
      ++line;
      line_start = i + 1;
      at_line_start = true;
    }
  }
  return absl::OkStatus();
}

// Builds DocNodes from yaml-cpp parse events. Records the first policy-level
// problem (anchors, aliases, tags) instead of throwing through yaml-cpp.
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(DocNode* root) : root_(root) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    CheckAnchor(mark, anchor);
    Add(DocNode::Kind::kNull, mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Fail(mark, "aliases (*name) are not supported in policies");
    Add(DocNode::Kind::kNull, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    CheckAnchor(mark, anchor);
    CheckTag(mark, tag);
    DocNode* node = Add(DocNode::Kind::kScalar, mark);
    node->scalar = value;
    node->quoted = tag == "!";
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    CheckAnchor(mark, anchor);
    CheckTag(mark, tag);
    open_.push_back(Add(DocNode::Kind::kSequence, mark));
  }
  void OnSequenceEnd() override {
    if (!open_.empty()) open_.pop_back();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    CheckAnchor(mark, anchor);
    CheckTag(mark, tag);
    open_.push_back(Add(DocNode::Kind::kMap, mark));
  }
  void OnMapEnd() override {
    if (!open_.empty()) open_.pop_back();
  }

  bool failed() const { return failed_; }
  const YAML::Mark& error_mark() const { return error_mark_; }
  const std::string& error() const { return error_; }

 private:
  DocNode* Add(DocNode::Kind kind, const YAML::Mark& mark) {
    DocNode* node;
    if (open_.empty()) {
      node = root_;
    } else {
      open_.back()->children.emplace_back();
      node = &open_.back()->children.back();
    }
    node->kind = kind;
    node->mark = {mark.line + 1, mark.column + 1};
    return node;
  }

  void CheckAnchor(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) Fail(mark, "anchors (&name) are not supported in policies");
  }

  void CheckTag(const YAML::Mark& mark, const std::string& tag) {
    if (tag != "?" && tag != "!" && !tag.empty()) {
      Fail(mark, Cat("explicit tags ('", tag, "') are not supported in policies"));
    }
  }

  void Fail(const YAML::Mark& mark, std::string message) {
    if (failed_) return;
    failed_ = true;
    error_mark_ = mark;
    error_ = std::move(message);
  }

  DocNode* root_;
  std::vector<DocNode*> open_;
  bool failed_ = false;
  YAML::Mark error_mark_;
  std::string error_;
};

}  // namespace

std::string_view DocKindName(const DocNode& node) {
  switch (node.kind) {
    case DocNode::Kind::kNull:
      return "nothing (null)";
    case DocNode::Kind::kScalar:
      return "a scalar";
    case DocNode::Kind::kSequence:
      return "a list";
    case DocNode::Kind::kMap:
      return "a mapping";
  }
  return "?";
}

absl::StatusOr<Document> ParseDocument(std::string_view text, std::string_view source_name) {
  if (text.size() > kMaxPolicyBytes) {
    return absl::InvalidArgumentError(
        Cat(source_name, ": policy is larger than ", kMaxPolicyBytes, " bytes (1 MiB)"));
  }
  Document doc;
  size_t first = text.find_first_not_of(" \t\r\n");
  doc.json = first != std::string_view::npos && text[first] == '{';
  if (text.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError(Cat(source_name, ": policy contains a NUL byte"));
  }
  if (absl::Status nesting = CheckNesting(text, source_name); !nesting.ok()) return nesting;

  std::string input(text);
  if (doc.json) {
    // Raw tabs are whitespace in JSON (they cannot occur inside JSON strings)
    // but YAML refuses them in some positions. One column each either way.
    for (char& c : input) {
      if (c == '\t') c = ' ';
    }
  }
  const char* syntax = doc.json ? "invalid JSON" : "invalid YAML";
  try {
    std::istringstream stream(input);
    YAML::Parser parser(stream);
    TreeBuilder builder(&doc.root);
    if (!parser.HandleNextDocument(builder)) {
      return absl::InvalidArgumentError(Cat(source_name, ": policy is empty"));
    }
    if (builder.failed()) {
      return ErrorAt(source_name, builder.error_mark().line + 1, builder.error_mark().column + 1,
                     builder.error());
    }
    DocNode ignored;
    TreeBuilder second(&ignored);
    if (parser.HandleNextDocument(second)) {
      return absl::InvalidArgumentError(
          Cat(source_name, ": policy has more than one YAML document ('---'); keep exactly one"));
    }
  } catch (const YAML::Exception& e) {
    std::string message = Cat(syntax, ": ", e.msg);
    if (e.msg.find("anchor") != std::string::npos) {
      Append(&message,
             " (a value starting with '*', such as a host glob, must be quoted: "
             "\"*.example.com\")");
    }
    if (e.mark.is_null()) return absl::InvalidArgumentError(Cat(source_name, ": ", message));
    return ErrorAt(source_name, e.mark.line + 1, e.mark.column + 1, message);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(Cat(source_name, ": ", syntax, ": ", e.what()));
  }
  if (doc.root.is_null()) {
    return absl::InvalidArgumentError(Cat(source_name, ": policy is empty"));
  }
  return doc;
}

}  // namespace fnguard::policy
