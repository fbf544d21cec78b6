// Log4Shell (CVE-2021-44228) and friends: Log4j lookup expressions.
//
// Attackers hide "${jndi:" behind nested lookups that Log4j resolves before
// the JNDI lookup runs: "${${lower:j}ndi:", "${${::-j}${::-n}di:",
// "${${env:NOPE:-j}ndi:", "${j${k8s:k5:-ND}i:", "${date:'j'}". The detector
// evaluates the expression the way Log4j's StrSubstitutor does, with bounded
// depth and output: nested lookups resolve innermost first, a ":-" default
// yields the default, lower/upper/date yield their argument, and a lookup
// whose resolved key starts with "jndi:" is the attack. Other lookups that
// leak secrets or environment (env, sys, java, ctx, main, ...) are reported on
// their own at a lower score. Apache Commons Text's StringSubstitutor reads
// the same syntax, and its script, url, file and dns lookups run code, read
// from the network or the disk, or resolve a host of the sender's choice
// (Text4Shell, CVE-2022-42889).
#include <algorithm>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::Lower;

constexpr int kMaxDepth = 24;
constexpr size_t kMaxOut = 2048;

// Lookup prefixes Log4j 2 understands; reading any of them from user input is
// an information leak even without JNDI.
constexpr std::string_view kSensitiveLookups[] = {
    "env:",    "sys:",    "java:",   "ctx:",  "main:",   "jvmrunargs:", "docker:", "k8s:",
    "spring:", "log4j:",  "web:",    "bundle:", "base64:", "hostname",

};

// A Java system property that holds a directory: "user.home",
// "catalina.base", "java.io.tmpdir", "user.dir", "app.log.dir".
bool IsDirectoryProperty(std::string_view name) {
  for (char c : name) {
    if (!(scan::IsAlnum(c) || c == '.' || c == '_' || c == '-')) return false;
  }
  return scan::IEndsWith(name, ".home") || scan::IEndsWith(name, ".base") ||
         scan::IEndsWith(name, ".dir") || scan::IEndsWith(name, ".tmpdir");
}

// An environment variable that holds an application's directory ("LOG_DIR",
// "CATALINA_HOME", "TMPDIR"), with the default a lookup may give after ":-".
// (HOME names the user, as user.name does.)
bool IsDirectoryVariable(std::string_view key) {
  const std::string_view name = key.substr(0, key.find(":-"));
  if (name.empty()) return false;
  for (char c : name) {
    if (!(scan::IsAlnum(c) || c == '_')) return false;
  }
  return scan::IEndsWith(name, "_dir") || scan::IEndsWith(name, "_home") ||
         scan::IEqualsAny(name, {"tmpdir", "tmp", "temp"});
}

// Commons Text lookups that act (the key must be closed by '}').
constexpr std::string_view kActingLookups[] = {"script:", "url:", "file:", "dns:"};

struct Evaluation {
  bool jndi = false;
  bool acting = false;       // a Commons Text lookup that acts was seen
  std::string_view acting_name;
  bool obfuscated = false;   // lower/upper/::-/default tricks were needed
  bool sensitive = false;    // a data-leaking lookup was seen
  size_t evidence = std::string_view::npos;  // offset of the outermost "${" of the finding
  std::string_view sensitive_name;
};

class Evaluator {
 public:
  explicit Evaluator(std::string_view s) : s_(s) {}

  // Evaluates the whole text, returning what it found.
  Evaluation Run() {
    size_t pos = 0;
    std::string sink;
    while (pos < s_.size() && !ev_.jndi) {
      size_t open = scan::Find(s_, "${", pos);
      if (open == std::string_view::npos) break;
      outer_ = open;
      sink.clear();
      pos = Lookup(open + 2, 1, &sink);
      if (pos <= open) pos = open + 2;
    }
    return ev_;
  }

 private:
  static void Append(std::string* out, std::string_view text) {
    if (out->size() >= kMaxOut) return;
    out->append(text.substr(0, kMaxOut - out->size()));
  }

  // Parses a lookup body starting after "${" and appends its resolved value
  // to `out`. Returns the position after the closing '}' (or the end).
  size_t Lookup(size_t pos, int depth, std::string* out) {
    std::string key;
    size_t i = pos;
    bool closed = false;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '$' && i + 1 < s_.size() && s_[i + 1] == '{') {
        if (depth >= kMaxDepth) {
          Append(&key, "${");
          i += 2;
          continue;
        }
        ev_.obfuscated = true;
        i = Lookup(i + 2, depth + 1, &key);
        if (ev_.jndi) return i;
        continue;
      }
      if (c == '}') {
        closed = true;
        ++i;
        break;
      }
      if (key.size() < kMaxOut) key.push_back(c);
      ++i;
    }
    Resolve(key, closed, out);
    return i;
  }

  void Resolve(const std::string& key, bool closed, std::string* out) {
    std::string_view k = key;
    // Leading whitespace is ignored by some Log4j versions' prefix matching.
    while (!k.empty() && scan::IsSpace(k.front())) k.remove_prefix(1);
    if (IAt(k, 0, "jndi:")) {
      ev_.jndi = true;
      ev_.evidence = outer_;
      return;
    }
    if (closed && !ev_.acting) {
      for (std::string_view p : kActingLookups) {
        // script:ENGINE:CODE, url:CHARSET:URL, file:CHARSET:PATH,
        // dns:[TYPE|]HOST: one more ':' or '|' and something after it.
        if (!IAt(k, 0, p)) continue;
        const size_t sep = k.find_first_of(p == "dns:" ? ":|." : ":", p.size());
        if (sep != std::string_view::npos && sep > p.size() && sep + 1 < k.size()) {
          ev_.acting = true;
          ev_.acting_name = p.substr(0, p.size() - 1);
          ev_.evidence = outer_;
        }
        break;
      }
    }
    for (std::string_view p : kSensitiveLookups) {
      if (IAt(k, 0, p) && (p.back() == ':' || k.size() == p.size())) {
        // A directory's system property ("${sys:catalina.home}/logs/app.log"
        // in a logging configuration) names where files go, nothing secret.
        if (closed && p == "sys:" && IsDirectoryProperty(k.substr(p.size()))) break;
        // The same for an environment variable ("${env:LOG_DIR:-/var/log}").
        if (closed && p == "env:" && IsDirectoryVariable(k.substr(p.size()))) break;
        if (!ev_.sensitive) {
          ev_.sensitive = true;
          ev_.sensitive_name = p;
          if (ev_.evidence == std::string_view::npos) ev_.evidence = outer_;
        }
        break;
      }
    }
    size_t dflt = scan::Find(k, ":-");
    if (dflt != std::string_view::npos) {
      ev_.obfuscated = true;
      Append(out, k.substr(dflt + 2));
      return;
    }
    if (IAt(k, 0, "lower:") || IAt(k, 0, "upper:")) {
      ev_.obfuscated = true;
      std::string_view arg = k.substr(6);
      for (char c : arg) {
        if (out->size() >= kMaxOut) break;
        out->push_back(Lower(c));
      }
      return;
    }
    if (IAt(k, 0, "date:")) {
      ev_.obfuscated = true;
      std::string_view arg = k.substr(5);
      for (char c : arg) {
        if (c != '\'' && out->size() < kMaxOut) out->push_back(c);
      }
      return;
    }
    if (!closed) {
      Append(out, "${");
      Append(out, k);
      return;
    }
    // Unknown lookup: Log4j leaves it as written.
    Append(out, "${");
    Append(out, k);
    Append(out, "}");
  }

  std::string_view s_;
  Evaluation ev_;
  size_t outer_ = 0;
};

class JndiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kJndi; }

  bool Inspect(const Input& in, Match* m) const override {
    if (!in.mask.Has('$') || !in.mask.Has('{')) return false;
    for (std::string_view v : {in.norm, in.raw}) {
      if (scan::Find(v, "${") == std::string_view::npos) continue;
      Evaluation ev = Evaluator(v).Run();
      size_t off = ev.evidence == std::string_view::npos ? 0 : ev.evidence;
      if (v.data() != in.norm.data()) off = 0;
      if (ev.jndi) {
        m->rule_id = ev.obfuscated ? "jndi.obfuscated_lookup" : "jndi.lookup";
        m->reason = ev.obfuscated
                        ? "Log4j lookup that resolves to a JNDI lookup after de-obfuscation"
                        : "Log4j JNDI lookup expression (Log4Shell)";
        m->score = 100;
        m->offset = off;
        m->length = std::min<size_t>(in.norm.size() - std::min(off, in.norm.size()), 64);
        return true;
      }
      if (ev.acting) {
        m->rule_id = "jndi.commons_text_lookup";
        m->reason = "Apache Commons Text " + std::string(ev.acting_name) +
                    " lookup, which " +
                    (ev.acting_name == "script" ? "runs code"
                     : ev.acting_name == "dns"  ? "resolves a host of the sender's choice"
                                                : "reads a resource of the sender's choice") +
                    " (Text4Shell)";
        m->score = ev.acting_name == "script" ? 95 : 85;
        m->offset = off;
        m->length = std::min<size_t>(in.norm.size() - std::min(off, in.norm.size()), 64);
        return true;
      }
      // A lookup whose key is itself an obfuscated lookup
      // ("${${::-${::-$${::-j}}}}"): Log4j 2.16 recursed on it until the
      // stack overflowed (CVE-2021-45105); nothing but a probe writes it.
      if (ev.obfuscated && !ev.sensitive && scan::Find(v, "${${") != std::string_view::npos &&
          scan::Find(v, ":-") != std::string_view::npos) {
        m->rule_id = "jndi.recursive_lookup";
        m->reason = "Log4j lookup nested in its own key with defaults (recursion)";
        m->score = 75;
        m->offset = off;
        m->length = std::min<size_t>(in.norm.size() - std::min(off, in.norm.size()), 64);
        return true;
      }
      if (ev.sensitive) {
        m->rule_id = "jndi.sensitive_lookup";
        m->reason = "Log4j lookup that reads " + std::string(ev.sensitive_name) +
                    " data from the server";
        m->score = ev.obfuscated ? 80 : 70;
        m->offset = off;
        m->length = std::min<size_t>(in.norm.size() - std::min(off, in.norm.size()), 64);
        return true;
      }
    }
    return false;
  }
};

}  // namespace

const Detector& JndiDetector() {
  static const JndiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
