// fnguard eval: run a labeled corpus through the full pipeline and print ONE
// JSON object:
//   {"total","by_label":{L:{"n","flagged"}},"recall","false_positive_rate",
//    "latency_ns":{"p50","p99"}, ...extra keys}
// Lines are {"id","label","payload"} (optionally "payload_b64" with the
// exact bytes, "source"), or request lines with "method","uri","headers",
// "body" (and "label"). Label "benign" is benign; every other label is an
// attack. recall = flagged attacks / attacks; false_positive_rate = flagged
// benign / benign. Exit 0; 2 when the input cannot be read or flags are bad.
// --engine modsecurity runs the same events through libmodsecurity + OWASP
// CRS paranoia level 1 instead (flagged = ModSecurity intervened), so that
// detection can be compared on the same data; exit 2 when this build has no
// libmodsecurity.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "runtime/core/json.h"
#include "runtime/engine/engine.h"
#include "runtime/event/json_surrogates.h"
#include "runtime/event/text_codecs.h"
#include "wrappers/cli/cli.h"
#include "wrappers/cli/eval_events.h"
#include "wrappers/cli/event_request.h"
#ifdef FNGUARD_HAVE_MODSECURITY
#include "wrappers/cli/modsecurity_engine.h"
#endif

namespace fnguard::cli {
namespace {

constexpr const char* kEvalUsage =
    "usage: fnguard eval --input F.jsonl\n"
    "                    [--embed raw|query|json-body|json-body-escaped|json-body-gzip|header|\n"
    "                             xml-body]\n"
    "                    [--policy P] [--report OUT.jsonl] [--engine fnguard|modsecurity]\n"
    "                    [--all-findings]\n"
    "Runs each labeled line through the pipeline and prints one JSON summary.\n"
    "--embed json-body-escaped writes every character of the payload as a \\u escape\n"
    "in the JSON body field; json-body-gzip sends the JSON body gzip-compressed\n"
    "(Content-Encoding: gzip, base64 as API Gateway passes binary bodies); xml-body\n"
    "sends it XML-escaped as the text of <q> in an application/xml body.\n"
    "--report writes one line per input: {\"id\",\"label\",\"flagged\",\"detector\",\"rule_id\"}.\n"
    "--all-findings adds every finding (detector, rule_id, field_path, score, reason,\n"
    "excerpt) to each --report line as \"findings\".\n"
    "--engine modsecurity evaluates with ModSecurity + OWASP CRS (paranoia level 1) instead.\n";

struct Counts {
  uint64_t n = 0;
  uint64_t flagged = 0;
};


std::string_view StringOr(simdjson::dom::element el, std::string_view key, std::string_view def) {
  std::string_view s;
  if (el[key].get_string().get(s) == simdjson::SUCCESS) return s;
  return def;
}

}  // namespace

int EvalCommand(const Args& args) {
  ArgParser ap({"--input", "--embed", "--policy", "--report", "--engine"},
                {"--help", "--all-findings"});
  if (!ap.Parse(args)) {
    std::fprintf(stderr, "fnguard eval: %s\n%s", ap.error().c_str(), kEvalUsage);
    return kExitBadInput;
  }
  if (ap.Has("--help")) {
    std::fputs(kEvalUsage, stdout);
    return kExitOk;
  }
  auto input = ap.Get("--input");
  if (!input.has_value()) {
    std::fprintf(stderr, "fnguard eval: --input is required\n%s", kEvalUsage);
    return kExitBadInput;
  }
  const std::string embed_name = ap.Get("--embed").value_or("query");
  Embed embed;
  if (embed_name == "raw") embed = Embed::kRaw;
  else if (embed_name == "query") embed = Embed::kQuery;
  else if (embed_name == "json-body") embed = Embed::kJsonBody;
  else if (embed_name == "json-body-escaped") embed = Embed::kJsonBodyEscaped;
  else if (embed_name == "json-body-gzip") embed = Embed::kJsonBodyGzip;
  else if (embed_name == "header") embed = Embed::kHeader;
  else if (embed_name == "xml-body") embed = Embed::kXmlBody;
  else {
    std::fprintf(stderr,
                 "fnguard eval: --embed must be raw, query, json-body, json-body-escaped, "
                 "json-body-gzip, header or xml-body, not '%s'\n",
                 embed_name.c_str());
    return kExitBadInput;
  }
  const std::string engine_name = ap.Get("--engine").value_or("fnguard");
  if (engine_name != "fnguard" && engine_name != "modsecurity") {
    std::fprintf(stderr, "fnguard eval: --engine must be fnguard or modsecurity, not '%s'\n",
                 engine_name.c_str());
    return kExitBadInput;
  }
  const bool use_modsecurity = engine_name == "modsecurity";
#ifdef FNGUARD_HAVE_MODSECURITY
  std::unique_ptr<ModSecurityEngine> modsecurity;
  if (use_modsecurity) {
    auto created = ModSecurityEngine::Create(ModSecurityOptions{});
    if (!created.ok()) {
      std::fprintf(stderr, "fnguard eval: --engine modsecurity: %s\n",
                   std::string(created.status().message()).c_str());
      return kExitBadInput;
    }
    modsecurity = *std::move(created);
  }
#else
  if (use_modsecurity) {
    std::fprintf(stderr,
                 "fnguard eval: --engine modsecurity: this build has no ModSecurity comparison "
                 "(libmodsecurity was not found at build time)\n");
    return kExitBadInput;
  }
#endif
  auto pol = PolicyFromFlagOrEnv(ap.Get("--policy"));
  if (!pol.ok()) {
    std::fprintf(stderr, "fnguard eval: %s\n", std::string(pol.status().message()).c_str());
    return kExitBadInput;
  }
  std::ifstream in(*input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fnguard eval: cannot open %s\n", input->c_str());
    return kExitBadInput;
  }
  FILE* report = nullptr;
  if (auto rp = ap.Get("--report")) {
    report = std::fopen(rp->c_str(), "w");
    if (report == nullptr) {
      std::fprintf(stderr, "fnguard eval: cannot write %s\n", rp->c_str());
      return kExitBadInput;
    }
  }

  const bool all_findings = ap.Has("--all-findings");
  engine::Inspector inspector(*pol);
  simdjson::dom::parser parser;
  std::string repaired;  // a line with its lone surrogates replaced
  std::map<std::string, Counts> by_label;
  std::map<std::string, Counts> by_source;
  std::map<std::string, Counts> by_detector;  // flagged items per first detector
  std::vector<uint64_t> latencies;
  uint64_t total = 0, errors = 0;
  std::string line, bytes, event;
  size_t line_no = 0;
  using Clock = std::chrono::steady_clock;
  HttpRequest http_request;
  // The request a web server would have handed ModSecurity for `ev`.
  auto RequestOf = [&](const std::string& ev, HttpRequest* out) {
    auto converted = HttpRequestFromEvent(ev);
    if (!converted.ok()) {
      std::fprintf(stderr, "fnguard eval: %s:%zu: %s\n", input->c_str(), line_no,
                   std::string(converted.status().message()).c_str());
      return false;
    }
    *out = std::move(converted->request);
    return true;
  };
  // ModSecurity's decision as a verdict: one finding when it intervened,
  // named after the CRS attack tag and rule of the first attack rule that
  // matched.
  auto ModSecurityVerdict = [&](const HttpRequest& request) {
    Verdict verdict;
#ifdef FNGUARD_HAVE_MODSECURITY
    ModSecurityResult r = modsecurity->Evaluate(request);
    if (r.intervened) {
      Finding f;
      f.detector = r.attack.empty() ? "modsecurity" : "crs-" + r.attack;
      f.rule_id = r.rule_id.empty() ? "status-" + std::to_string(r.status) : r.rule_id;
      verdict.action = Action::kBlock;
      verdict.detector = f.detector;
      verdict.rule_id = f.rule_id;
      verdict.findings.push_back(std::move(f));
    }
#endif
    return verdict;
  };

  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    simdjson::dom::element doc;
    simdjson::error_code err = parser.parse(line).get(doc);
    // A lone surrogate escape is valid JSON text the parser rejects; the
    // line is read with U+FFFD in its place, as the decoder reads events.
    if (err == simdjson::STRING_ERROR && event::ReplaceLoneSurrogates(line, &repaired)) {
      err = parser.parse(repaired).get(doc);
    }
    if (err) {
      std::fprintf(stderr, "fnguard eval: %s:%zu: not JSON: %s\n", input->c_str(), line_no,
                   simdjson::error_message(err));
      ++errors;
      continue;
    }
    if (!doc.is_object()) {
      std::fprintf(stderr, "fnguard eval: %s:%zu: not a JSON object\n", input->c_str(), line_no);
      ++errors;
      continue;
    }
    const std::string label(StringOr(doc, "label", "unlabeled"));
    const std::string id(StringOr(doc, "id", std::to_string(line_no)));
    const std::string source(StringOr(doc, "source", ""));
    std::string_view payload;
    const bool has_payload = doc["payload"].get_string().get(payload) == simdjson::SUCCESS;
    std::string_view uri;
    const bool is_request = !has_payload && doc["uri"].get_string().get(uri) == simdjson::SUCCESS;
    if (!has_payload && !is_request) {
      std::fprintf(stderr, "fnguard eval: %s:%zu: neither \"payload\" nor \"uri\"\n", input->c_str(),
                   line_no);
      ++errors;
      continue;
    }

    Verdict v;
    Clock::time_point t0;
    if (is_request) {
      RequestLine req;
      req.method = std::string(StringOr(doc, "method", "GET"));
      req.uri = std::string(uri);
      req.body = std::string(StringOr(doc, "body", ""));
      simdjson::dom::element headers;
      if (doc["headers"].get(headers) == simdjson::SUCCESS) {
        if (headers.is_object()) {
          for (auto [k, val] : headers.get_object()) {
            std::string_view sv;
            if (val.get_string().get(sv) == simdjson::SUCCESS) req.headers.emplace_back(k, sv);
          }
        } else if (headers.is_array()) {
          for (auto h : headers.get_array()) {
            std::string_view sv;
            if (h.get_string().get(sv) == simdjson::SUCCESS) {
              auto colon = sv.find(':');
              if (colon == std::string_view::npos) continue;
              std::string_view value = sv.substr(colon + 1);
              while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
              req.headers.emplace_back(sv.substr(0, colon), value);
            } else if (h.is_array()) {
              std::string_view name, value;
              if (h.at(0).get_string().get(name) == simdjson::SUCCESS &&
                  h.at(1).get_string().get(value) == simdjson::SUCCESS) {
                req.headers.emplace_back(name, value);
              }
            }
          }
        }
      }
      event = BuildRequestEvent(req);
      if (use_modsecurity) {
        if (!RequestOf(event, &http_request)) {
          ++errors;
          continue;
        }
        t0 = Clock::now();
        v = ModSecurityVerdict(http_request);
      } else {
        t0 = Clock::now();
        v = inspector.Inspect(event);
      }
    } else {
      // Rows whose decoded bytes are not UTF-8 carry them in payload_b64; the
      // bare-value mode inspects those exact bytes, the event modes embed the
      // still-encoded line (a JSON event cannot carry the raw bytes).
      std::string_view b64;
      std::string_view value = payload;
      if (embed == Embed::kRaw && doc["payload_b64"].get_string().get(b64) == simdjson::SUCCESS) {
        bytes.resize(event::Base64MaxDecodedSize(b64.size()));
        if (auto n = event::Base64Decode(b64, bytes.data())) {
          bytes.resize(*n);
          value = bytes;
        }
      }
      if (use_modsecurity) {
        // A bare value reaches ModSecurity as the query parameter q.
        if (embed == Embed::kRaw) {
          http_request = HttpRequest{};
          http_request.uri = "/items?q=" + UrlEncode(value);
          http_request.headers = {{"host", "evalapi.execute-api.us-east-1.amazonaws.com"},
                                  {"accept", "application/json"},
                                  {"user-agent", "fnguard-eval/1.0"}};
        } else {
          event = BuildEmbeddedEvent(embed, payload);
          if (!RequestOf(event, &http_request)) {
            ++errors;
            continue;
          }
        }
        t0 = Clock::now();
        v = ModSecurityVerdict(http_request);
      } else if (embed == Embed::kRaw) {
        t0 = Clock::now();
        v = inspector.InspectValue(value, event::Location::kQuery, "query.q");
      } else {
        event = BuildEmbeddedEvent(embed, payload);
        t0 = Clock::now();
        v = inspector.Inspect(event);
      }
    }
    latencies.push_back(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
    const bool flagged = !v.findings.empty();
    ++total;
    Counts& lc = by_label[label];
    ++lc.n;
    if (flagged) ++lc.flagged;
    if (!source.empty()) {
      Counts& sc = by_source[source + "/" + label];
      ++sc.n;
      if (flagged) ++sc.flagged;
    }
    if (flagged) ++by_detector[v.detector].flagged;
    if (report != nullptr) {
      json::Writer w;
      w.BeginObject().Field("id", id).Field("label", label).Field("flagged", flagged);
      if (flagged) {
        w.Field("detector", v.detector).Field("rule_id", v.rule_id);
        w.Field("field_path", v.field_path);
      }
      if (all_findings) WriteFindings(w, v.findings);
      w.EndObject();
      std::fprintf(report, "%s\n", w.str().c_str());
    }
  }
  if (report != nullptr) std::fclose(report);

  uint64_t attacks = 0, attacks_flagged = 0, benign = 0, benign_flagged = 0;
  for (const auto& [label, c] : by_label) {
    if (label == "benign") {
      benign += c.n;
      benign_flagged += c.flagged;
    } else {
      attacks += c.n;
      attacks_flagged += c.flagged;
    }
  }
  json::Writer w;
  w.BeginObject();
  w.Field("total", total);
  w.Key("by_label").BeginObject();
  for (const auto& [label, c] : by_label) {
    w.Key(label).BeginObject().Field("n", c.n).Field("flagged", c.flagged).EndObject();
  }
  w.EndObject();
  w.Key("recall").Double(attacks == 0 ? 0.0 : static_cast<double>(attacks_flagged) / static_cast<double>(attacks));
  w.Key("false_positive_rate")
      .Double(benign == 0 ? 0.0 : static_cast<double>(benign_flagged) / static_cast<double>(benign));
  w.Key("latency_ns").BeginObject();
  w.Field("p50", Percentile(latencies, 0.50));
  w.Field("p99", Percentile(latencies, 0.99));
  w.EndObject();
  w.Field("embed", embed_name);
  w.Field("engine", engine_name);
  w.Field("errors", errors);
  w.Key("by_source").BeginObject();
  for (const auto& [key, c] : by_source) {
    w.Key(key).BeginObject().Field("n", c.n).Field("flagged", c.flagged).EndObject();
  }
  w.EndObject();
  w.Key("flagged_by_detector").BeginObject();
  for (const auto& [key, c] : by_detector) w.Field(key, c.flagged);
  w.EndObject();
  w.EndObject();
  std::printf("%s\n", w.str().c_str());
  return kExitOk;
}

}  // namespace fnguard::cli
