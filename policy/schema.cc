#include "policy/schema.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "policy/hosts.h"
#include "policy/path_pattern.h"
#include "policy/write_paths.h"
#include "policy/text.h"
#include "re2/re2.h"
#include "runtime/core/ids.h"

namespace fnguard::policy {
namespace {

using Keys = std::initializer_list<std::string_view>;

constexpr uint64_t kMiB = 1024 * 1024;
constexpr size_t kMaxListItems = 1000;
constexpr size_t kMaxAllowEntries = 10000;
constexpr size_t kMaxPorts = 64;
constexpr size_t kMaxHeaders = 32;
constexpr size_t kMaxBlockBodyBytes = 64 * 1024;
constexpr size_t kMaxRuleIdLength = 64;
constexpr size_t kMaxReasonLength = 512;
constexpr uint64_t kDefaultMaxEventBytes = 6 * kMiB;

// Where a key may be written: used to say "'max_depth' belongs in
// inspection.limits" when a known key is in the wrong section.
struct KeyHome {
  std::string_view section;
  std::string_view key;
};
constexpr KeyHome kKeyHomes[] = {
    {"", "version"},
    {"", "mode"},
    {"", "fail_mode"},
    {"", "inspection"},
    {"", "egress"},
    {"", "reporting"},
    {"", "block_response"},
    {"", "process"},
    {"inspection", "detectors"},
    {"inspection", "exclusions"},
    {"inspection", "rules"},
    {"inspection", "limits"},
    {"inspection", "on_timeout"},
    {"inspection.limits", "max_event_bytes"},
    {"inspection.limits", "max_body_bytes"},
    {"inspection.limits", "max_depth"},
    {"inspection.limits", "max_fields"},
    {"inspection.limits", "time_budget_us"},
    {"egress", "allow"},
    {"egress", "deny"},
    {"egress", "deny_private_addresses"},
    {"egress", "follow_redirects"},
    {"egress", "proxy"},
    {"egress", "tls"},
    {"egress", "sockets"},
    {"process", "exec"},
    {"process", "file_writes"},
    {"process.file_writes", "mode"},
    {"process.file_writes", "allow"},
    {"egress.tls", "min_version"},
    {"egress.tls", "ca_file"},
    {"egress.tls", "pins"},
    {"reporting", "otlp_endpoint"},
    {"reporting", "headers_from_env"},
    {"reporting", "headers_file"},
    {"reporting", "stdout"},
    {"reporting", "spool_dir"},
    {"block_response", "status"},
    {"block_response", "content_type"},
    {"block_response", "body"},
};

// Quotes user text for a message: truncated, non-printables escaped.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string shown = absl::CHexEscape(ToAbsl(text.substr(0, kMax)));
  if (text.size() > kMax) shown += "...";
  return Cat("'", shown, "'");
}

std::string Closest(std::string_view word, Keys candidates) {
  std::string best;
  size_t best_distance = 3;
  for (std::string_view candidate : candidates) {
    size_t d = BoundedEditDistance(word, candidate, 2);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

bool IsEnvVarName(std::string_view s) {
  if (s.empty() || s.size() > 256 || absl::ascii_isdigit(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

bool IsHeaderToken(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  if (s.empty() || s.size() > 256) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(c) || kExtra.find(c) != std::string_view::npos;
  });
}

bool IsRuleId(std::string_view s) {
  if (s.empty() || s.size() > kMaxRuleIdLength) return false;
  if (!absl::ascii_islower(s[0]) && !absl::ascii_isdigit(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.' || c == '-';
  });
}

std::string DetectorList() { return Join(kDetectorNames, ", "); }

class SchemaReader {
 public:
  explicit SchemaReader(std::string_view source) : source_(source) {}

  void Read(const DocNode& root, SchemaResult* out) {
    out_ = out;
    if (!root.is_map()) {
      Error(root, Cat("a policy must be a mapping of keys (version, mode, ...), got ",
                      DocKindName(root)));
      return;
    }
    v1::Policy& p = out->proto;
    bool has_version = false;
    ForEachEntry(
        root, "",
        {"version", "mode", "fail_mode", "inspection", "egress", "reporting", "block_response",
         "process"},
        [&](std::string_view key, const DocNode& value) {
          if (key == "version") {
            has_version = true;
            if (auto v = Unsigned(value, "version", 0, UINT32_MAX)) {
              if (*v != 1) {
                Error(value,
                      Cat("unsupported policy version ", *v, " (this fnguard reads version 1)"));
              }
              p.set_version(static_cast<uint32_t>(*v));
            }
          } else if (key == "mode") {
            if (auto v = Enum(value, "mode", {"block", "monitor"})) {
              p.set_mode(*v == 0 ? v1::MODE_BLOCK : v1::MODE_MONITOR);
            }
          } else if (key == "fail_mode") {
            if (auto v = Enum(value, "fail_mode", {"open", "closed"})) {
              p.set_fail_mode(*v == 0 ? v1::FAIL_MODE_OPEN : v1::FAIL_MODE_CLOSED);
            }
          } else if (key == "inspection") {
            ReadInspection(value, p.mutable_inspection());
          } else if (key == "egress") {
            ReadEgress(value, p.mutable_egress());
          } else if (key == "reporting") {
            ReadReporting(value, p.mutable_reporting());
          } else if (key == "block_response") {
            ReadBlockResponse(value, p.mutable_block_response());
          } else if (key == "process") {
            ReadProcess(value, p.mutable_process());
          }
        });
    if (!has_version) Error(root, "missing required key 'version' (add 'version: 1')");
  }

  const std::vector<std::string>& errors() const { return errors_; }
  size_t error_count() const { return error_count_; }

 private:
  std::string Where(const DocNode& node) const {
    return Cat(source_, ":", node.mark.line, ":", node.mark.column);
  }

  void Error(const DocNode& at, std::string_view message) {
    ++error_count_;
    if (errors_.size() < kMaxReportedErrors) {
      errors_.push_back(Cat(Where(at), ": ", message));
    }
  }

  static std::string KeyPath(std::string_view section, std::string_view key) {
    return section.empty() ? std::string(key) : Cat(section, ".", key);
  }

  static std::string SectionPhrase(std::string_view section) {
    return section.empty() ? "at top level" : Cat("in ", section);
  }

  // Calls fn(key, value) for each entry of `map` whose key is in `known`;
  // reports non-scalar, unknown and duplicate keys. A null `map` (an empty
  // section such as "egress:" followed by nothing) has no entries.
  template <typename Fn>
  void ForEachEntry(const DocNode& map, std::string_view section, Keys known, Fn fn) {
    if (map.is_null()) return;
    if (!map.is_map()) {
      Error(map, Cat(section.empty() ? "policy" : section, " must be a mapping, got ",
                     DocKindName(map)));
      return;
    }
    std::set<std::string_view> seen;
    for (size_t i = 0; i + 1 < map.children.size(); i += 2) {
      const DocNode& key_node = map.children[i];
      const DocNode& value = map.children[i + 1];
      if (!key_node.is_scalar()) {
        Error(key_node, Cat("keys must be plain words, got ", DocKindName(key_node), " ",
                            SectionPhrase(section)));
        continue;
      }
      std::string_view key = key_node.scalar;
      if (!seen.insert(key).second) {
        Error(key_node, Cat("duplicate key ", Quoted(key), " ", SectionPhrase(section)));
        continue;
      }
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        UnknownKey(key_node, section, known);
        continue;
      }
      out_->locations[KeyPath(section, key)] = Where(key_node);
      fn(key, value);
    }
  }

  void UnknownKey(const DocNode& key_node, std::string_view section, Keys known) {
    std::string_view key = key_node.scalar;
    if (section == "reporting" && key == "headers") {
      Error(key_node,
            "secrets must not be written in the policy: 'headers' is not allowed in reporting; "
            "use headers_from_env {header: ENV_VAR} or headers_file");
      return;
    }
    std::string message = Cat("unknown key ", Quoted(key), " ", SectionPhrase(section));
    std::string suggestion = Closest(key, known);
    if (!suggestion.empty()) {
      Append(&message, " (did you mean '", suggestion, "'?)");
    } else {
      for (const KeyHome& home : kKeyHomes) {
        if (home.key == key && home.section != section) {
          Append(&message, " ('", key, "' belongs ",
                 home.section.empty() ? std::string("at top level") : Cat("in ", home.section),
                 ")");
          break;
        }
      }
    }
    Error(key_node, message);
  }

  // --- typed values -------------------------------------------------------

  std::optional<std::string> String(const DocNode& v, std::string_view what,
                                    bool allow_empty = false) {
    if (!v.is_scalar()) {
      Error(v, Cat(what, " must be a string, got ", DocKindName(v)));
      return std::nullopt;
    }
    if (!allow_empty && v.scalar.empty()) {
      Error(v, Cat(what, " must not be empty"));
      return std::nullopt;
    }
    return v.scalar;
  }

  std::optional<uint64_t> Unsigned(const DocNode& v, std::string_view what, uint64_t min,
                                   uint64_t max) {
    std::string range = Cat(min, "..", max);
    if (!v.is_scalar()) {
      Error(v, Cat(what, " must be an integer (", range, "), got ", DocKindName(v)));
      return std::nullopt;
    }
    if (v.quoted) {
      Error(v, Cat(what, " must be an integer (", range, "), got the string ", Quoted(v.scalar)));
      return std::nullopt;
    }
    std::string_view s = v.scalar;
    if (!s.empty() && s[0] == '-') {
      Error(v, Cat(what, " must not be negative (", range, "), got ", Quoted(s)));
      return std::nullopt;
    }
    if (s.empty() || s.size() > 20 ||
        !std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); })) {
      Error(v, Cat(what, " must be an integer (", range, "), got ", Quoted(s)));
      return std::nullopt;
    }
    uint64_t value = 0;
    bool overflow = false;
    for (char c : s) {
      uint64_t digit = static_cast<uint64_t>(c - '0');
      if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
        overflow = true;
        break;
      }
      value = value * 10 + digit;
    }
    if (overflow || value < min || value > max) {
      Error(v, Cat(what, " must be in ", range, ", got ", s));
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> Bool(const DocNode& v, std::string_view what) {
    if (v.is_scalar() && !v.quoted && (v.scalar == "true" || v.scalar == "false")) {
      return v.scalar == "true";
    }
    Error(v, Cat(what, " must be true or false, got ",
                 v.is_scalar() ? Quoted(v.scalar) : std::string(DocKindName(v))));
    return std::nullopt;
  }

  // Returns the index of the value in `allowed`.
  std::optional<size_t> Enum(const DocNode& v, std::string_view what, Keys allowed) {
    std::optional<std::string> s = String(v, what);
    if (!s.has_value()) return std::nullopt;
    size_t index = 0;
    for (std::string_view a : allowed) {
      if (a == *s) return index;
      ++index;
    }
    std::string message = Cat(what, " must be one of ", Join(allowed, ", "), "; got ", Quoted(*s));
    std::string suggestion = Closest(absl::AsciiStrToLower(*s), allowed);
    if (!suggestion.empty()) Append(&message, " (did you mean '", suggestion, "'?)");
    Error(v, message);
    return std::nullopt;
  }

  // Returns `v` when it is a list of at most `max_items`; null counts as an
  // empty list.
  const DocNode* List(const DocNode& v, std::string_view what, size_t max_items,
                      std::string_view example) {
    if (v.is_null()) return &v;
    if (!v.is_sequence()) {
      Error(v, Cat(what, " must be a list (e.g. ", example, "), got ", DocKindName(v)));
      return nullptr;
    }
    if (v.children.size() > max_items) {
      Error(v, Cat(what, " has ", v.children.size(), " entries; at most ", max_items));
      return nullptr;
    }
    return &v;
  }

  std::string Item(std::string_view what, size_t i) { return Cat(what, "[", i, "]"); }

  // Reads a list of detector names into `out`. Reports unknown and duplicate names.
  void Detectors(const DocNode& v, std::string_view what, bool allow_empty,
                 google::protobuf::RepeatedPtrField<std::string>* out) {
    const DocNode* list = List(v, what, kMaxListItems, "[sqli, xss]");
    if (list == nullptr) return;
    if (!allow_empty && list->children.empty()) {
      Error(v, Cat(what, " is empty: omit the key to run every detector"));
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < list->children.size(); ++i) {
      const DocNode& item = list->children[i];
      std::optional<std::string> name = String(item, Item(what, i));
      if (!name.has_value()) continue;
      if (!DetectorFromName(*name).has_value()) {
        std::string message = Cat("unknown detector ", Quoted(*name));
        std::string suggestion;
        size_t best = 3;
        for (std::string_view known : kDetectorNames) {
          size_t d = BoundedEditDistance(*name, known, 2);
          if (d < best) {
            best = d;
            suggestion = std::string(known);
          }
        }
        if (!suggestion.empty()) Append(&message, " (did you mean '", suggestion, "'?)");
        Append(&message, "; valid detectors: ", DetectorList());
        Error(item, message);
        continue;
      }
      if (!seen.insert(*name).second) {
        Error(item, Cat("detector ", Quoted(*name), " is listed twice in ", what));
        continue;
      }
      out->Add(std::string(*name));
    }
  }

  void PathPattern(const DocNode& v, std::string_view what, std::string* out) {
    std::optional<std::string> s = String(v, what);
    if (!s.has_value()) return;
    if (absl::Status st = ValidatePathPattern(*s); !st.ok()) {
      Error(v, Cat(what, ": ", ToStd(st.message())));
      return;
    }
    *out = *s;
  }

  // "scheme://host[:port][/path]" with scheme http or https, no userinfo.
  void Url(const DocNode& v, std::string_view what, bool allow_path, std::string* out) {
    std::optional<std::string> s = String(v, what);
    if (!s.has_value()) return;
    std::string_view url = *s;
    size_t scheme_end = url.find("://");
    std::string_view scheme = scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") {
      Error(v, Cat(what, " must start with https:// or http://, got ", Quoted(url)));
      return;
    }
    std::string_view rest = url.substr(scheme_end + 3);
    size_t path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) {
      Error(v, Cat(what,
                   " must not contain credentials (user:password@): secrets never go in "
                   "the policy"));
      return;
    }
    std::string_view host = authority;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
      size_t close = host.find(']');
      if (close == std::string_view::npos) {
        Error(v, Cat(what, " has an unclosed '[' in its host"));
        return;
      }
      port = host.substr(close + 1);
      host = host.substr(1, close - 1);
      if (!port.empty() && port[0] != ':') {
        Error(v, Cat(what, " has text after the IPv6 address"));
        return;
      }
      if (!port.empty()) port.remove_prefix(1);
      if (!ParseIpAddress(host).has_value()) {
        Error(v, Cat(what, " has an invalid IPv6 address ", Quoted(host)));
        return;
      }
    } else {
      size_t colon = host.find(':');
      if (colon != std::string_view::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
      }
      if (!ParseIpAddress(host).has_value()) {
        if (absl::Status st = ValidateHostPattern(host);
            !st.ok() || host.find('*') != std::string_view::npos) {
          Error(v, Cat(what, " has an invalid host: ",
                       st.ok() ? "globs are not allowed here" : ToStd(st.message())));
          return;
        }
      }
    }
    if (!authority.empty() && authority.back() == ':') {
      Error(v, Cat(what, " has an empty port"));
      return;
    }
    if (!port.empty()) {
      uint32_t n = 0;
      bool ok = port.size() <= 5 && std::all_of(port.begin(), port.end(),
                                                [](char c) { return absl::ascii_isdigit(c); });
      for (char c : port) n = n * 10 + static_cast<uint32_t>(c - '0');
      if (!ok || n < 1 || n > 65535) {
        Error(v, Cat(what, " has an invalid port ", Quoted(port), " (1..65535)"));
        return;
      }
    }
    if (!allow_path && path_start != std::string_view::npos && rest.substr(path_start) != "/") {
      Error(v, Cat(what, " must not have a path, got ", Quoted(url)));
      return;
    }
    *out = *s;
  }

  // --- sections -----------------------------------------------------------

  void ReadInspection(const DocNode& node, v1::Inspection* out) {
    ForEachEntry(node, "inspection", {"detectors", "exclusions", "rules", "limits", "on_timeout"},
                 [&](std::string_view key, const DocNode& value) {
                   if (key == "detectors") {
                     Detectors(value, "inspection.detectors", false, out->mutable_detectors());
                   } else if (key == "exclusions") {
                     ReadExclusions(value, out);
                   } else if (key == "rules") {
                     ReadRules(value, out);
                   } else if (key == "limits") {
                     ReadLimits(value, out->mutable_limits());
                   } else if (key == "on_timeout") {
                     if (auto v = Enum(value, "inspection.on_timeout", {"open", "closed"})) {
                       out->set_on_timeout(*v == 0 ? v1::FAIL_MODE_OPEN : v1::FAIL_MODE_CLOSED);
                     }
                   }
                 });
  }

  void ReadExclusions(const DocNode& value, v1::Inspection* out) {
    const DocNode* list = List(value, "inspection.exclusions", kMaxListItems,
                               "[{path: body.comment, detectors: [xss]}]");
    if (list == nullptr) return;
    for (size_t i = 0; i < list->children.size(); ++i) {
      const DocNode& entry = list->children[i];
      std::string section = Item("inspection.exclusions", i);
      out_->locations[section] = Where(entry);
      if (!entry.is_map()) {
        Error(entry, Cat(section, " must be a mapping {path: ..., detectors: [...]}, got ",
                         DocKindName(entry)));
        continue;
      }
      v1::Exclusion* exclusion = out->add_exclusions();
      bool has_path = false;
      ForEachEntry(
          entry, section, {"path", "detectors"}, [&](std::string_view key, const DocNode& v) {
            if (key == "path") {
              has_path = true;
              PathPattern(v, KeyPath(section, "path"), exclusion->mutable_path());
            } else {
              Detectors(v, KeyPath(section, "detectors"), true, exclusion->mutable_detectors());
            }
          });
      if (!has_path) Error(entry, Cat(section, " needs a 'path'"));
    }
  }

  void ReadRules(const DocNode& value, v1::Inspection* out) {
    const DocNode* list =
        List(value, "inspection.rules", kMaxListItems, "[{id: no-debug, pattern: '(?i)debug=1'}]");
    if (list == nullptr) return;
    std::set<std::string> ids;
    for (size_t i = 0; i < list->children.size(); ++i) {
      const DocNode& entry = list->children[i];
      std::string section = Item("inspection.rules", i);
      out_->locations[section] = Where(entry);
      if (!entry.is_map()) {
        Error(entry,
              Cat(section, " must be a mapping {id: ..., pattern: ...}, got ", DocKindName(entry)));
        continue;
      }
      v1::Rule* rule = out->add_rules();
      bool has_id = false, has_pattern = false;
      ForEachEntry(entry, section, {"id", "pattern", "reason", "paths"},
                   [&](std::string_view key, const DocNode& v) {
                     std::string what = KeyPath(section, key);
                     if (key == "id") {
                       has_id = true;
                       std::optional<std::string> id = String(v, what);
                       if (!id.has_value()) return;
                       if (!IsRuleId(*id)) {
                         Error(v, Cat(what, " ", Quoted(*id), " must be 1..", kMaxRuleIdLength,
                                      " characters of a-z, 0-9, '_', '.', '-'"));
                       } else if (!ids.insert(*id).second) {
                         Error(v, Cat("duplicate rule id ", Quoted(*id)));
                       } else {
                         rule->set_id(*id);
                       }
                     } else if (key == "pattern") {
                       has_pattern = true;
                       std::optional<std::string> pattern = String(v, what);
                       if (!pattern.has_value()) return;
                       if (pattern->size() > kMaxRulePatternBytes) {
                         Error(v, Cat(what, " is longer than ", kMaxRulePatternBytes, " bytes"));
                         return;
                       }
                       RE2::Options options;
                       options.set_log_errors(false);
                       options.set_max_mem(kMaxRuleProgramBytes);
                       RE2 re(*pattern, options);
                       if (!re.ok()) {
                         Error(v, Cat(what, " is not a valid RE2 pattern: ", re.error()));
                         return;
                       }
                       rule->set_pattern(*pattern);
                     } else if (key == "reason") {
                       std::optional<std::string> reason = String(v, what);
                       if (!reason.has_value()) return;
                       if (reason->size() > kMaxReasonLength) {
                         Error(v, Cat(what, " is longer than ", kMaxReasonLength, " characters"));
                         return;
                       }
                       rule->set_reason(*reason);
                     } else if (key == "paths") {
                       const DocNode* paths =
                           List(v, what, kMaxListItems, "[body.comment, query.*]");
                       if (paths == nullptr) return;
                       for (size_t j = 0; j < paths->children.size(); ++j) {
                         PathPattern(paths->children[j], Item(what, j), rule->add_paths());
                       }
                     }
                   });
      if (!has_id) Error(entry, Cat(section, " needs an 'id'"));
      if (!has_pattern) Error(entry, Cat(section, " needs a 'pattern'"));
    }
  }

  void ReadLimits(const DocNode& node, v1::Limits* out) {
    const DocNode* body_node = nullptr;
    ForEachEntry(node, "inspection.limits",
                 {"max_event_bytes", "max_body_bytes", "max_depth", "max_fields", "time_budget_us"},
                 [&](std::string_view key, const DocNode& v) {
                   std::string what = KeyPath("inspection.limits", key);
                   if (key == "max_event_bytes") {
                     if (auto n = Unsigned(v, what, 1, 256 * kMiB)) out->set_max_event_bytes(*n);
                   } else if (key == "max_body_bytes") {
                     body_node = &v;
                     if (auto n = Unsigned(v, what, 1, 100 * kMiB)) out->set_max_body_bytes(*n);
                   } else if (key == "max_depth") {
                     if (auto n = Unsigned(v, what, 1, 1000)) out->set_max_depth(*n);
                   } else if (key == "max_fields") {
                     if (auto n = Unsigned(v, what, 1, 1000000)) out->set_max_fields(*n);
                   } else if (key == "time_budget_us") {
                     if (auto n = Unsigned(v, what, 1, 10000000)) out->set_time_budget_us(*n);
                   }
                 });
    if (out->has_max_body_bytes()) {
      uint64_t event_bytes =
          out->has_max_event_bytes() ? out->max_event_bytes() : kDefaultMaxEventBytes;
      if (out->max_body_bytes() > event_bytes) {
        Error(*body_node, Cat("inspection.limits.max_body_bytes (", out->max_body_bytes(),
                              ") must not exceed max_event_bytes (", event_bytes,
                              out->has_max_event_bytes() ? ")" : ", the default)"));
      }
    }
  }

  void ReadEgress(const DocNode& node, v1::Egress* out) {
    ForEachEntry(
        node, "egress",
        {"mode", "allow", "deny", "deny_private_addresses", "follow_redirects", "proxy", "tls",
         "sockets"},
        [&](std::string_view key, const DocNode& v) {
          std::string what = KeyPath("egress", key);
          if (key == "mode") {
            if (auto m = Enum(v, what, {"enforce", "report", "off"})) {
              out->set_mode(*m == 0   ? v1::EGRESS_MODE_ENFORCE
                            : *m == 1 ? v1::EGRESS_MODE_REPORT
                                      : v1::EGRESS_MODE_OFF);
            }
          } else if (key == "allow") {
            ReadAllow(v, out);
          } else if (key == "deny") {
            const DocNode* list = List(v, what, kMaxAllowEntries, "[evil.example.com]");
            if (list == nullptr) return;
            for (size_t i = 0; i < list->children.size(); ++i) {
              const DocNode& item = list->children[i];
              std::optional<std::string> entry = String(item, Item(what, i));
              if (!entry.has_value()) continue;
              if (LooksLikeAddress(*entry)) {
                if (auto cidr = ParseCidr(*entry); !cidr.ok()) {
                  Error(item, ToStd(cidr.status().message()));
                  continue;
                }
              } else if (absl::Status st = ValidateHostPattern(*entry); !st.ok()) {
                Error(item, ToStd(st.message()));
                continue;
              }
              out->add_deny(*entry);
            }
          } else if (key == "deny_private_addresses") {
            if (auto b = Bool(v, what)) out->set_deny_private_addresses(*b);
          } else if (key == "follow_redirects") {
            if (auto b = Bool(v, what)) out->set_follow_redirects(*b);
          } else if (key == "proxy") {
            Url(v, what, false, out->mutable_proxy());
          } else if (key == "tls") {
            ReadTls(v, out->mutable_tls());
          } else if (key == "sockets") {
            if (auto m = Enum(v, what, {"enforce", "report", "off"})) {
              out->set_sockets(*m == 0   ? v1::EGRESS_MODE_ENFORCE
                               : *m == 1 ? v1::EGRESS_MODE_REPORT
                                         : v1::EGRESS_MODE_OFF);
            }
          }
        });
  }

  std::optional<v1::ProcessMode> ProcessModeValue(const DocNode& v, std::string_view what) {
    std::optional<size_t> m = Enum(v, what, {"enforce", "monitor", "off"});
    if (!m.has_value()) return std::nullopt;
    return *m == 0 ? v1::PROCESS_MODE_ENFORCE : *m == 1 ? v1::PROCESS_MODE_MONITOR
                                                        : v1::PROCESS_MODE_OFF;
  }

  void ReadProcess(const DocNode& node, v1::Process* out) {
    ForEachEntry(node, "process", {"exec", "file_writes"},
                 [&](std::string_view key, const DocNode& v) {
                   std::string what = KeyPath("process", key);
                   if (key == "exec") {
                     if (auto m = ProcessModeValue(v, what)) out->set_exec(*m);
                   } else if (key == "file_writes") {
                     ReadFileWrites(v, out->mutable_file_writes());
                   }
                 });
  }

  void ReadFileWrites(const DocNode& node, v1::FileWrites* out) {
    constexpr std::string_view kSection = "process.file_writes";
    ForEachEntry(node, kSection, {"mode", "allow"}, [&](std::string_view key, const DocNode& v) {
      std::string what = KeyPath(kSection, key);
      if (key == "mode") {
        if (auto m = ProcessModeValue(v, what)) out->set_mode(*m);
        return;
      }
      const DocNode* list = List(v, what, kMaxListItems, "[/tmp/]");
      if (list == nullptr) return;
      if (list->children.empty()) {
        Error(v, Cat(what, " is empty: omit the key for the default [/tmp/]"));
        return;
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < list->children.size(); ++i) {
        const DocNode& item = list->children[i];
        std::optional<std::string> path = String(item, Item(what, i));
        if (!path.has_value()) continue;
        if (absl::Status st = ValidateWritePath(*path); !st.ok()) {
          Error(item, Cat(Item(what, i), ": ", ToStd(st.message())));
          continue;
        }
        if (!seen.insert(*path).second) {
          Error(item, Cat("path ", Quoted(*path), " is listed twice in ", what));
          continue;
        }
        out->add_allow(*path);
      }
    });
  }

  void ReadAllow(const DocNode& value, v1::Egress* out) {
    const DocNode* list =
        List(value, "egress.allow", kMaxAllowEntries, "[{host: api.example.com, ports: [443]}]");
    if (list == nullptr) return;
    for (size_t i = 0; i < list->children.size(); ++i) {
      const DocNode& entry = list->children[i];
      std::string section = Item("egress.allow", i);
      out_->locations[section] = Where(entry);
      if (!entry.is_map()) {
        Error(entry, Cat(section, " must be a mapping like {host: api.example.com}, got ",
                         DocKindName(entry)));
        continue;
      }
      v1::EgressAllow* allow = out->add_allow();
      const DocNode* host_node = nullptr;
      const DocNode* cidr_node = nullptr;
      ForEachEntry(
          entry, section, {"host", "cidr", "ports", "schemes"},
          [&](std::string_view key, const DocNode& v) {
            std::string what = KeyPath(section, key);
            if (key == "host") {
              host_node = &v;
              std::optional<std::string> host = String(v, what);
              if (!host.has_value()) return;
              if (absl::Status st = ValidateHostPattern(*host); !st.ok()) {
                Error(v, ToStd(st.message()));
                return;
              }
              allow->set_host(*host);
            } else if (key == "cidr") {
              cidr_node = &v;
              std::optional<std::string> cidr = String(v, what);
              if (!cidr.has_value()) return;
              if (auto parsed = ParseCidr(*cidr); !parsed.ok()) {
                Error(v, ToStd(parsed.status().message()));
                return;
              }
              allow->set_cidr(*cidr);
            } else if (key == "ports") {
              const DocNode* ports = List(v, what, kMaxPorts, "[443]");
              if (ports == nullptr) return;
              for (size_t j = 0; j < ports->children.size(); ++j) {
                if (auto port = Unsigned(ports->children[j], Item(what, j), 1, 65535)) {
                  allow->add_ports(static_cast<uint32_t>(*port));
                }
              }
            } else if (key == "schemes") {
              const DocNode* schemes = List(v, what, 2, "[https]");
              if (schemes == nullptr) return;
              for (size_t j = 0; j < schemes->children.size(); ++j) {
                if (auto s = Enum(schemes->children[j], Item(what, j), {"https", "http"})) {
                  allow->add_schemes(*s == 0 ? "https" : "http");
                }
              }
            }
          });
      if (host_node != nullptr && cidr_node != nullptr) {
        Error(*cidr_node, Cat(section, " has both 'host' and 'cidr': write one entry for each"));
      } else if (host_node == nullptr && cidr_node == nullptr) {
        Error(entry, Cat(section, " needs exactly one of 'host' or 'cidr'"));
      }
    }
  }

  void ReadTls(const DocNode& node, v1::Tls* out) {
    ForEachEntry(node, "egress.tls", {"min_version", "ca_file", "pins"},
                 [&](std::string_view key, const DocNode& v) {
                   std::string what = KeyPath("egress.tls", key);
                   if (key == "min_version") {
                     std::optional<std::string> s = String(v, what);
                     if (!s.has_value()) return;
                     if (*s != "1.2" && *s != "1.3") {
                       Error(v, Cat(what, " must be \"1.2\" or \"1.3\", got ", Quoted(*s),
                                    " (TLS below 1.2 is never allowed)"));
                       return;
                     }
                     out->set_min_version(*s);
                   } else if (key == "ca_file") {
                     if (auto s = String(v, what)) out->set_ca_file(*s);
                   } else if (key == "pins") {
                     const DocNode* pins = List(v, what, kMaxListItems, "[\"sha256//<base64>\"]");
                     if (pins == nullptr) return;
                     for (size_t i = 0; i < pins->children.size(); ++i) {
                       const DocNode& item = pins->children[i];
                       std::optional<std::string> pin = String(item, Item(what, i));
                       if (!pin.has_value()) continue;
                       std::string digest;
                       constexpr std::string_view kPrefix = "sha256//";
                       if (!pin->starts_with(kPrefix) ||
                           !absl::Base64Unescape(
                               ToAbsl(std::string_view(*pin).substr(kPrefix.size())), &digest) ||
                           digest.size() != 32) {
                         Error(item, Cat(Item(what, i), " ", Quoted(*pin),
                                         " must be \"sha256//\" followed by the base64 of a "
                                         "32-byte SHA-256 public-key digest"));
                         continue;
                       }
                       out->add_pins(*pin);
                     }
                   }
                 });
  }

  void ReadReporting(const DocNode& node, v1::Reporting* out) {
    ForEachEntry(node, "reporting",
                 {"otlp_endpoint", "headers_from_env", "headers_file", "stdout", "spool_dir"},
                 [&](std::string_view key, const DocNode& v) {
                   std::string what = KeyPath("reporting", key);
                   if (key == "otlp_endpoint") {
                     Url(v, what, true, out->mutable_otlp_endpoint());
                   } else if (key == "headers_from_env") {
                     ReadHeadersFromEnv(v, out);
                   } else if (key == "headers_file") {
                     if (auto s = String(v, what)) out->set_headers_file(*s);
                   } else if (key == "stdout") {
                     if (auto s = Enum(v, what, {"json", "off"}))
                       out->set_stdout(*s == 0 ? "json" : "off");
                   } else if (key == "spool_dir") {
                     if (auto s = String(v, what)) out->set_spool_dir(*s);
                   }
                 });
  }

  void ReadHeadersFromEnv(const DocNode& node, v1::Reporting* out) {
    constexpr std::string_view kWhat = "reporting.headers_from_env";
    if (node.is_null()) return;
    if (!node.is_map()) {
      Error(node, Cat(kWhat, " must be a mapping {header: ENV_VAR}, got ", DocKindName(node)));
      return;
    }
    if (node.map_size() > kMaxHeaders) {
      Error(node, Cat(kWhat, " has more than ", kMaxHeaders, " headers"));
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i + 1 < node.children.size(); i += 2) {
      const DocNode& key = node.children[i];
      const DocNode& value = node.children[i + 1];
      std::optional<std::string> header = String(key, Cat(kWhat, " header name"));
      if (!header.has_value()) continue;
      if (!IsHeaderToken(*header)) {
        Error(key, Cat(kWhat, ": ", Quoted(*header), " is not a valid HTTP header name"));
        continue;
      }
      if (!seen.insert(absl::AsciiStrToLower(*header)).second) {
        Error(key, Cat("duplicate header ", Quoted(*header), " in ", kWhat));
        continue;
      }
      std::string what = Cat(kWhat, ".", *header);
      std::optional<std::string> env = String(value, what);
      if (!env.has_value()) continue;
      if (!IsEnvVarName(*env)) {
        Error(value, Cat(what,
                         " must name an environment variable ([A-Za-z_][A-Za-z0-9_]*)"
                         ", got ",
                         Quoted(*env), "; the secret itself never goes in the policy"));
        continue;
      }
      (*out->mutable_headers_from_env())[*header] = *env;
    }
  }

  void ReadBlockResponse(const DocNode& node, v1::BlockResponse* out) {
    ForEachEntry(node, "block_response", {"status", "content_type", "body"},
                 [&](std::string_view key, const DocNode& v) {
                   std::string what = KeyPath("block_response", key);
                   if (key == "status") {
                     if (auto n = Unsigned(v, what, 100, 599)) {
                       out->set_status(static_cast<uint32_t>(*n));
                     }
                   } else if (key == "content_type") {
                     std::optional<std::string> s = String(v, what);
                     if (!s.has_value()) return;
                     if (std::any_of(s->begin(), s->end(), [](char c) {
                           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                         })) {
                       Error(v, Cat(what, " must not contain control characters"));
                       return;
                     }
                     out->set_content_type(*s);
                   } else if (key == "body") {
                     std::optional<std::string> s = String(v, what, /*allow_empty=*/true);
                     if (!s.has_value()) return;
                     if (s->size() > kMaxBlockBodyBytes) {
                       Error(v, Cat(what, " is larger than ", kMaxBlockBodyBytes, " bytes"));
                       return;
                     }
                     out->set_body(*s);
                   }
                 });
  }

  std::string_view source_;
  SchemaResult* out_ = nullptr;
  std::vector<std::string> errors_;
  size_t error_count_ = 0;
};

}  // namespace

size_t BoundedEditDistance(std::string_view a, std::string_view b, size_t limit) {
  size_t diff = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (diff > limit) return limit + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[b.size()], limit + 1);
}

absl::StatusOr<SchemaResult> ReadPolicyDocument(const Document& doc, std::string_view source_name) {
  SchemaResult result;
  SchemaReader reader(source_name);
  reader.Read(doc.root, &result);
  if (reader.error_count() > 0) {
    std::string message = Join(reader.errors(), "\n");
    if (reader.error_count() > reader.errors().size()) {
      Append(&message, "\n... and ", reader.error_count() - reader.errors().size(), " more errors");
    }
    return absl::InvalidArgumentError(message);
  }
  return result;
}

}  // namespace fnguard::policy
