#include <string_view>

#include "policy/path_pattern.h"
#include "policy/policy.h"
#include "policy/text.h"

namespace fnguard::policy {
namespace {

struct PathToken {
  enum Type { kEnd, kName, kIndex };
  Type type = kEnd;
  std::string_view text;  // name, or the text between '[' and ']'
};

// Splits "a.b[3].c" into name and index tokens, one at a time.
class PathTokenizer {
 public:
  explicit PathTokenizer(std::string_view s) : s_(s) {}

  PathToken Next() {
    if (pos_ >= s_.size()) return {};
    if (s_[pos_] == '[') {
      size_t close = s_.find(']', pos_ + 1);
      if (close == std::string_view::npos) close = s_.size();
      PathToken token{PathToken::kIndex, s_.substr(pos_ + 1, close - pos_ - 1)};
      pos_ = close + 1;
      return token;
    }
    if (s_[pos_] == '.' && pos_ > 0) ++pos_;
    size_t end = pos_;
    while (end < s_.size() && s_[end] != '.' && s_[end] != '[') ++end;
    PathToken token{PathToken::kName, s_.substr(pos_, end - pos_)};
    pos_ = end;
    return token;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

bool PathMatches(std::string_view pattern, std::string_view path) {
  bool descendant = pattern.size() > 2 && pattern.ends_with(".*");
  if (descendant) pattern.remove_suffix(2);
  PathTokenizer want(pattern), have(path);
  for (;;) {
    PathToken w = want.Next();
    if (w.type == PathToken::kEnd) {
      PathToken rest = have.Next();
      return descendant ? rest.type != PathToken::kEnd : rest.type == PathToken::kEnd;
    }
    PathToken h = have.Next();
    if (h.type != w.type) return false;
    if (w.text != "*" && w.text != h.text) return false;
  }
}

absl::Status ValidatePathPattern(std::string_view pattern) {
  if (pattern.empty()) return absl::InvalidArgumentError("path pattern is empty");
  if (pattern.size() > kMaxPathPatternLength) {
    return absl::InvalidArgumentError(
        Cat("path pattern is longer than ", kMaxPathPatternLength, " characters"));
  }
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        Cat("path pattern '", pattern, "' ", why,
            " (write e.g. 'body.comment', 'body.article.*' or 'body.items[*].note')"));
  };
  size_t i = 0;
  bool expect_name = pattern[0] != '[';
  while (i < pattern.size()) {
    if (pattern[i] == '[') {
      size_t close = pattern.find(']', i + 1);
      if (close == std::string_view::npos) return bad("has an unclosed '['");
      std::string_view index = pattern.substr(i + 1, close - i - 1);
      if (index.empty()) return bad("has an empty index '[]'");
      if (index != "*") {
        for (char c : index) {
          if (c < '0' || c > '9') return bad("has an index that is neither a number nor '*'");
        }
      }
      i = close + 1;
      if (i < pattern.size() && pattern[i] != '.' && pattern[i] != '[') {
        return bad("has text right after ']' (use '.')");
      }
      expect_name = false;
      continue;
    }
    if (pattern[i] == '.') {
      if (i == 0) return bad("starts with '.'");
      if (expect_name) return bad("has an empty segment");
      ++i;
      expect_name = true;
      if (i == pattern.size()) return bad("ends with '.'");
      continue;
    }
    if (!expect_name) return bad("is malformed");
    size_t end = i;
    while (end < pattern.size() && pattern[end] != '.' && pattern[end] != '[') {
      char c = pattern[end];
      if (c == ']') return bad("has an unmatched ']'");
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        return bad("has a control character");
      }
      ++end;
    }
    std::string_view name = pattern.substr(i, end - i);
    if (name.empty()) return bad("has an empty segment");
    if (name != "*" && name.find('*') != std::string_view::npos) {
      return bad("uses '*' inside a segment ('*' must be a whole segment)");
    }
    i = end;
    expect_name = false;
  }
  return absl::OkStatus();
}

}  // namespace fnguard::policy
