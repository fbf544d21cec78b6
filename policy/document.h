// The policy document tree: YAML or JSON text parsed by one parser
// (yaml-cpp; JSON is YAML flow syntax) into plain nodes that remember where
// they were written. yaml-cpp stays private to document.cc.
//
// Hard limits protect the parser from hostile input before it sees it: at
// most kMaxPolicyBytes, and at most kMaxNesting flow brackets or
// kMaxIndentColumn columns of block indentation (both bound yaml-cpp's
// recursion). Anchors, aliases, explicit tags and multiple documents are
// rejected: a policy is one plain document.
#ifndef FNGUARD_POLICY_DOCUMENT_H_
#define FNGUARD_POLICY_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace fnguard::policy {

inline constexpr size_t kMaxPolicyBytes = 1024 * 1024;
inline constexpr int kMaxNesting = 64;
inline constexpr int kMaxIndentColumn = 200;

struct SourceMark {
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct DocNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  SourceMark mark;
  std::string scalar;             // kScalar: the value
  bool quoted = false;            // kScalar: written as '...' or "..."
  std::vector<DocNode> children;  // kSequence: items; kMap: key, value, key, value, ...

  bool is_map() const { return kind == Kind::kMap; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_null() const { return kind == Kind::kNull; }
  size_t map_size() const { return children.size() / 2; }
};

struct Document {
  DocNode root;
  bool json = false;  // the text looked like JSON (first character '{')
};

// Parses `text`. Errors read "<source_name>:<line>:<column>: <what>".
absl::StatusOr<Document> ParseDocument(std::string_view text, std::string_view source_name);

// "mapping", "list", "string", "null": for type errors.
std::string_view DocKindName(const DocNode& node);

}  // namespace fnguard::policy

#endif  // FNGUARD_POLICY_DOCUMENT_H_
