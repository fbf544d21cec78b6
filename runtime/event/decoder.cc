// Event decoding: recognizes the Lambda event shape, then emits (path, value)
// fields for every client-controlled string, decoding bodies by content type.
//
// Memory: the top-level event is parsed by `event_parser` (a large event
// without its payload strings, which are unescaped into `lifted_buffer`);
// nested documents
// (JSON bodies, JSON queue messages) by a small pool of parsers so that their
// strings stay valid without copying. Beyond the pool, nested documents share
// one overflow parser and their strings are copied into the arena. All of it
// is kept between Decode() calls.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/core/utf8.h"
#include "runtime/event/arena.h"
#include "runtime/event/content_coding.h"
#include "runtime/event/event.h"
#include "runtime/event/json_lift.h"
#include "runtime/event/json_numbers.h"
#include "runtime/event/json_surrogates.h"
#include "runtime/event/multipart.h"
#include "runtime/event/relaxed_json.h"
#include "runtime/event/text_codecs.h"
#include "runtime/event/xml.h"

namespace fnguard::event {
namespace {

namespace dom = simdjson::dom;

// Nested documents parsed without copying their strings.
constexpr size_t kPooledParsers = 4;
// The largest string value read as a JSON document of its own.
constexpr size_t kMaxJsonInString = 65536;
// The shortest and longest string values read as base64 text.
constexpr size_t kMinBase64InString = 16;
constexpr size_t kMaxBase64InString = 16384;
// The most a compressed base64 string value is inflated to.
constexpr size_t kMaxInflatedString = 262144;
// The shortest string value read as hex-encoded text (four bytes of text).
constexpr size_t kMinHexInString = 8;
// The digits of either base64 alphabet (standard +/ and URL-safe -_).
constexpr std::array<bool, 256> kBase64Bytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '-' || c == '_';
  }
  return t;
}();
// Hex digits, for the first test of a string read as hex.
constexpr std::array<bool, 256> kHexBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  return t;
}();
// Events from this size on have their payload strings (the top-level `body`,
// SQS record bodies, SNS messages) lifted out before the DOM parse
// (runtime/event/json_lift.h), each one that is at least half that size:
// below it, reading the members once more costs more than the escapes do.
constexpr size_t kLiftEventBytes = 16 * 1024;
// File-upload parts whose content is inspected (text only, up to this size).
constexpr size_t kMaxInspectedFileBytes = 64 * 1024;
// Paths are for people and exclusions: long keys are cut in paths (the key
// itself is still a field when it is unusual).
constexpr size_t kMaxPathSegment = 128;
constexpr size_t kMaxPathBytes = 512;

enum LimitBit : uint32_t {
  kLimitEventBytes = 1u << 0,
  kLimitBodyBytes = 1u << 1,
  kLimitDepth = 1u << 2,
  kLimitFields = 1u << 3,
  kLimitEncoding = 1u << 4,
  kLimitCoding = 1u << 5,
};

constexpr bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Key bytes by what they are to IsUnusualKey(): 0 an identifier byte, 1 a
// dot, 2 anything else (one load and one test per byte).
constexpr std::array<uint8_t, 256> MakeKeyBytes() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char b = static_cast<char>(c);
    t[c] = IsIdentChar(b) ? 0 : (b == '.' ? 1 : 2);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kKeyBytes = MakeKeyBytes();

// Bytes that make a key need the ["..."] path form.
constexpr std::array<bool, 256> MakePathPunct() {
  std::array<bool, 256> t{};
  for (char c : std::string_view(".[]\"")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kPathPunct = MakePathPunct();

// A path segment spelled in this file ("headers", "query"): checked for path
// punctuation when compiled, so that it is appended without a look.
struct PlainSegment {
  consteval PlainSegment(const char* s) : text(s) {  // NOLINT: implicit on purpose
    for (char c : text) {
      if (kPathPunct[static_cast<unsigned char>(c)]) throw "path punctuation in a PlainSegment";
    }
  }
  std::string_view text;
};

// Object keys that are judged on their own: operator-like ($ne), prototype
// pollution names, and anything that is not a plain identifier.
// A key is unusual when it has characters beyond identifiers and dots, opens
// with '$', names a prototype, or has two or more dotted components: the
// shape of a qualified class or package name (`java.lang.Runtime`,
// `runtime.InvokerTransformer`; Jackson's wrapper-object typing puts the
// class in a key) or of an OGNL property chain (`class.classLoader`), a key
// field for the detectors that read class names.
bool IsUnusualKey(std::string_view key) {
  if (key.empty()) return false;
  if (key[0] == '$') return true;
  if (key == "__proto__" || key == "constructor" || key == "prototype") return true;
  size_t dots = 0;
  for (char c : key) {
    const uint8_t kind = kKeyBytes[static_cast<unsigned char>(c)];
    if (kind == 2) return true;
    dots += kind;
  }
  return dots >= 1;
}

// Query and form names in bracket notation (`user[$ne]`, `a[__proto__][x]`)
// become nested objects in common frameworks: judge each component. Two or
// more dotted components are unusual, as in IsUnusualKey().
bool IsUnusualParamName(std::string_view name) {
  size_t start = 0;
  size_t dots = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '[' || name[i] == ']' || name[i] == '.') {
      dots += i < name.size() && name[i] == '.';
      std::string_view part = name.substr(start, i - start);
      if (!part.empty() &&
          (part[0] == '$' || part == "__proto__" || part == "constructor" || part == "prototype")) {
        return true;
      }
      start = i + 1;
    } else if (!IsIdentChar(name[i])) {
      return true;
    }
  }
  return dots >= 1;
}

// Binary-looking file content is not inspected.
bool IsTextLike(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    if (c == 0x7f) return false;
  }
  return true;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

enum class BodyFormat { kJson, kForm, kMultipart, kXml, kText, kSniff };

BodyFormat FormatOf(std::string_view media_type) {
  if (media_type.empty()) return BodyFormat::kSniff;
  auto ends_with = [&](std::string_view suffix) {
    return media_type.size() >= suffix.size() &&
           media_type.substr(media_type.size() - suffix.size()) == suffix;
  };
  if (ends_with("/json") || ends_with("+json") || media_type == "application/x-ndjson") {
    return BodyFormat::kJson;
  }
  if (media_type == "application/x-www-form-urlencoded") return BodyFormat::kForm;
  if (media_type == "multipart/form-data") return BodyFormat::kMultipart;
  if (ends_with("/xml") || ends_with("+xml")) return BodyFormat::kXml;
  // text/plain and unknown types: applications often parse them as JSON anyway.
  return BodyFormat::kSniff;
}

// Callers check the element type first.
dom::array ArrayOf(dom::element e) {
  dom::array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return {};
  return a;
}

dom::object ObjectOf(dom::element e) {
  dom::object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return {};
  return o;
}

std::string_view StringOf(dom::element e) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return {};
  return s;
}

bool IsTrue(dom::element e) {
  bool b = false;
  if (e.get_bool().get(b) == simdjson::SUCCESS) return b;
  // Some producers send "true" as a string.
  return StringOf(e) == "true";
}

// Members of an event's top-level object that select and drive the shape.
struct TopLevel {
  dom::element version, raw_path, raw_query, cookies, headers, mv_headers, query, mv_query,
      path_params, body, base64, request_context, http_method, path, resource, records,
      lower_records, detail_type, source, detail, delivery_stream, awslogs, event_source;
  uint32_t present = 0;
  enum Bit : uint32_t {
    kVersion = 1u << 0,
    kRawPath = 1u << 1,
    kRawQuery = 1u << 2,
    kCookies = 1u << 3,
    kHeaders = 1u << 4,
    kMvHeaders = 1u << 5,
    kQuery = 1u << 6,
    kMvQuery = 1u << 7,
    kPathParams = 1u << 8,
    kBody = 1u << 9,
    kBase64 = 1u << 10,
    kRequestContext = 1u << 11,
    kHttpMethod = 1u << 12,
    kPath = 1u << 13,
    kResource = 1u << 14,
    kRecords = 1u << 15,
    kLowerRecords = 1u << 16,
    kDetailType = 1u << 17,
    kSource = 1u << 18,
    kDetail = 1u << 19,
    kDeliveryStream = 1u << 20,
    kAwsLogs = 1u << 21,
    kEventSource = 1u << 22,
  };
  bool has(uint32_t bit) const { return (present & bit) != 0; }

  void Collect(dom::object obj) {
    struct Member {
      std::string_view key;
      dom::element TopLevel::*slot;
      uint32_t bit;
    };
    static constexpr Member kMembers[] = {
        {"version", &TopLevel::version, kVersion},
        {"rawPath", &TopLevel::raw_path, kRawPath},
        {"rawQueryString", &TopLevel::raw_query, kRawQuery},
        {"cookies", &TopLevel::cookies, kCookies},
        {"headers", &TopLevel::headers, kHeaders},
        {"multiValueHeaders", &TopLevel::mv_headers, kMvHeaders},
        {"queryStringParameters", &TopLevel::query, kQuery},
        {"multiValueQueryStringParameters", &TopLevel::mv_query, kMvQuery},
        {"pathParameters", &TopLevel::path_params, kPathParams},
        {"body", &TopLevel::body, kBody},
        {"isBase64Encoded", &TopLevel::base64, kBase64},
        {"requestContext", &TopLevel::request_context, kRequestContext},
        {"httpMethod", &TopLevel::http_method, kHttpMethod},
        {"path", &TopLevel::path, kPath},
        {"resource", &TopLevel::resource, kResource},
        {"Records", &TopLevel::records, kRecords},
        {"records", &TopLevel::lower_records, kLowerRecords},
        {"detail-type", &TopLevel::detail_type, kDetailType},
        {"source", &TopLevel::source, kSource},
        {"detail", &TopLevel::detail, kDetail},
        {"deliveryStreamArn", &TopLevel::delivery_stream, kDeliveryStream},
        {"awslogs", &TopLevel::awslogs, kAwsLogs},
        {"eventSource", &TopLevel::event_source, kEventSource},
    };
    for (dom::key_value_pair kv : obj) {
      for (const Member& m : kMembers) {
        if (kv.key == m.key) {
          this->*m.slot = kv.value;
          present |= m.bit;
          break;
        }
      }
    }
  }
};

enum class RecordKind { kSqs, kSns, kKinesis, kS3, kOther };

// The distinct values added, at most N: the first N - 1 and the last (the
// one a parser that keeps the last of several takes).
template <size_t N>
struct DistinctValues {
  std::array<std::string_view, N> v;
  size_t n = 0;
  void Add(std::string_view value) {
    for (size_t i = 0; i < n; ++i) {
      if (v[i] == value) return;
    }
    v[n < N ? n++ : N - 1] = value;
  }
};

RecordKind RecordKindOf(dom::element record) {
  dom::object obj;
  if (record.get_object().get(obj) != simdjson::SUCCESS) return RecordKind::kOther;
  bool has_sns = false, has_kinesis = false;
  for (dom::key_value_pair kv : obj) {
    if (kv.key == "eventSource" || kv.key == "EventSource") {
      std::string_view src = StringOf(kv.value);
      if (src == "aws:sqs") return RecordKind::kSqs;
      if (src == "aws:sns") return RecordKind::kSns;
      if (src == "aws:kinesis") return RecordKind::kKinesis;
      if (src == "aws:s3") return RecordKind::kS3;
    } else if (kv.key == "Sns" && kv.value.is_object()) {
      has_sns = true;
    } else if (kv.key == "kinesis" && kv.value.is_object()) {
      has_kinesis = true;
    }
  }
  if (has_sns) return RecordKind::kSns;
  if (has_kinesis) return RecordKind::kKinesis;
  return RecordKind::kOther;
}

}  // namespace

struct Decoder::State {
  explicit State(const Limits& l) : limits(l) {
    parser_depth = static_cast<size_t>(std::min<uint64_t>(uint64_t{l.max_depth} * 2 + 16, 4096));
    InitParser(&event_parser);
    InitParser(&overflow_parser);
  }

  void InitParser(dom::parser* p) const {
    // Sets the nesting limit; capacity grows on demand. On allocation failure
    // the parser keeps simdjson's defaults and fails later with MEMALLOC.
    simdjson::error_code err = p->allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, parser_depth);
    static_cast<void>(err);
  }

  // --- per-call state ---------------------------------------------------------

  void Begin(DecodedEvent* o) {
    out = o;
    out->Clear();
    arena.Reset();
    path_len = 0;
    nested_used = 0;
    body_buffers_used = 0;
    inflate_left = limits.max_body_bytes;
    content_types = {};
    content_encodings = {};
    encoding_joined.clear();
    encoding_lines = 0;
    fields_full = false;
    reported_limits = 0;
    lifted_at.clear();
  }

  void AddFinding(LimitBit bit, std::string_view limit, std::string detail) {
    if (reported_limits & bit) return;
    reported_limits |= bit;
    LimitFinding f;
    f.limit = std::string(limit);
    f.path = std::string(path());
    f.detail = std::move(detail);
    out->limit_findings.push_back(std::move(f));
  }

  // Emits a field at the current path. Returns false once the field limit is
  // reached (callers stop walking).
  bool Emit(Location loc, std::string_view value, bool is_key = false, bool is_param_name = false) {
    if (fields_full) return false;
    if (value.empty()) return true;
    if (out->fields.size() >= limits.max_fields) {
      fields_full = true;
      AddFinding(kLimitFields, "max_fields",
                 absl::StrCat("more than ", limits.max_fields, " fields"));
      return false;
    }
    Field& f = out->fields.emplace_back();
    f.path = arena.Copy(path());
    f.value = value;
    f.location = loc;
    f.is_key = is_key;
    f.is_param_name = is_param_name;
    return true;
  }

  // A query, form, multipart or cookie name that is not a plain identifier
  // is a key field of its own (`user[$ne]`, `<svg ...>`): the sender chose
  // it as freely as the value. False when the field limit stopped it.
  bool EmitUnusualName(Location loc, std::string_view name) {
    return !IsUnusualParamName(name) || Emit(loc, name, /*is_key=*/true, /*is_param_name=*/true);
  }

  // --- paths ------------------------------------------------------------------

  // Appends `.key` (or `["key"]` when the key has path punctuation), cut to
  // the path size limits. Returns the previous length for PopTo().
  [[gnu::always_inline]] size_t PushKey(std::string_view key, bool lower = false) {
    return Append(key, lower, true);
  }

  // PushKey() for a section name written in this file ("headers", "body").
  size_t PushSegment(PlainSegment segment) { return Append(segment.text, false, false); }

  // `may_quote`: whether `key` may hold path punctuation. Append and PushKey
  // are inlined into every caller: once the multipart readers call them, GCC
  // otherwise makes an out-of-line clone, and each header and JSON key pays
  // a call for it.
  [[gnu::always_inline]] size_t Append(std::string_view key, bool lower, bool may_quote) {
    const size_t mark = path_len;
    if (mark >= kMaxPathBytes) return mark;
    key = key.substr(0, std::min(kMaxPathSegment, kMaxPathBytes - mark));
    // (A table: find_first_of calls memchr over the set once per key byte.)
    bool quote = false;
    if (may_quote) {
      for (char c : key) quote |= kPathPunct[static_cast<unsigned char>(c)];
    }
    char* out = path_buf.data() + mark;
    if (quote) {
      *out++ = '[';
      *out++ = '"';
      for (char c : key) {
        if (c == '"' || c == '\\') *out++ = '\\';
        *out++ = lower ? LowerAscii(c) : c;
      }
      *out++ = '"';
      *out++ = ']';
    } else {
      if (mark != 0) *out++ = '.';
      if (lower) {
        for (char c : key) *out++ = LowerAscii(c);
      } else {
        std::memcpy(out, key.data(), key.size());
        out += key.size();
      }
    }
    path_len = static_cast<size_t>(out - path_buf.data());
    return mark;
  }

  size_t PushIndex(size_t index) {
    const size_t mark = path_len;
    if (mark >= kMaxPathBytes) return mark;
    char digits[24];
    size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + index % 10);
      index /= 10;
    } while (index != 0);
    char* out = path_buf.data() + mark;
    *out++ = '[';
    while (n > 0) *out++ = digits[--n];
    *out++ = ']';
    path_len = static_cast<size_t>(out - path_buf.data());
    return mark;
  }

  void PopTo(size_t mark) { path_len = mark; }

  // `lifted_at` is ordered by the address of each "".
  static bool ByAddress(const std::pair<const char*, std::string_view>& a,
                        const std::pair<const char*, std::string_view>& b) {
    return std::less<const char*>()(a.first, b.first);
  }

  // The lifted string in place of the "" left for it in the parsed event, or
  // `s` itself.
  std::string_view LiftedOr(std::string_view s) const {
    if (!s.empty() || lifted_at.empty()) return s;
    const auto it = std::lower_bound(lifted_at.begin(), lifted_at.end(),
                                     std::pair(s.data(), std::string_view()), ByAddress);
    return it != lifted_at.end() && it->first == s.data() ? it->second : s;
  }

  // Finds the "" left for each lifted string in `root` (the parsed rest) and
  // fills `lifted_at`; false when one is not where it was lifted from.
  bool PlaceLifted(dom::element root) {
    lifted_at.clear();
    dom::array records;
    bool have_records = false;
    dom::array::iterator record;
    size_t index = 0;
    for (const LiftedString& l : lifted) {
      dom::element e;
      if (l.record == LiftedString::kTopLevel) {
        if (root.at_key("body").get(e) != simdjson::SUCCESS) return false;
      } else {
        if (!have_records) {
          if (root.at_key("Records").get_array().get(records) != simdjson::SUCCESS) return false;
          record = records.begin();
          have_records = true;
        }
        // Records are lifted from in order, one or two strings each.
        for (; index < l.record && record != records.end(); ++index) ++record;
        if (record == records.end()) return false;
        const simdjson::simdjson_result<dom::element> found =
            l.sns_message ? (*record).at_key("Sns").at_key("Message") : (*record).at_key("body");
        if (found.get(e) != simdjson::SUCCESS) return false;
      }
      std::string_view placeholder;
      if (e.get_string().get(placeholder) != simdjson::SUCCESS || !placeholder.empty()) {
        return false;
      }
      lifted_at.emplace_back(placeholder.data(),
                             std::string_view(lifted_buffer.data() + l.offset, l.length));
    }
    std::sort(lifted_at.begin(), lifted_at.end(), ByAddress);
    return true;
  }

  std::string_view path() const { return std::string_view(path_buf.data(), path_len); }

  // --- JSON -------------------------------------------------------------------

  // Parses `text` with `parser`, retrying with lone surrogate escapes written
  // as U+FFFD when simdjson rejects a string, and with numbers blanked out
  // when it cannot represent one of them.
  simdjson::error_code ParseJson(dom::parser& parser, std::string_view text, dom::element* root) {
    simdjson::error_code err = parser.parse(text.data(), text.size(), true).get(*root);
    if (err == simdjson::STRING_ERROR && ReplaceLoneSurrogates(text, &surrogate_scratch)) {
      text = surrogate_scratch;
      err = parser.parse(text.data(), text.size(), true).get(*root);
    }
    if ((err == simdjson::NUMBER_ERROR || err == simdjson::NUMBER_OUT_OF_RANGE) &&
        BlankOutNumbers(text, &number_scratch)) {
      err = parser.parse(number_scratch.data(), number_scratch.size(), true).get(*root);
    }
    return err;
  }

  void DepthFinding() {
    AddFinding(kLimitDepth, "max_depth",
               absl::StrCat("JSON nesting deeper than ", limits.max_depth, " levels"));
  }

  // Emits every string value under `e` (the container at nesting `depth`,
  // 1 for a document root). `copy` copies strings into the arena (for
  // documents whose parser is reused within this call).
  void WalkJson(dom::element e, Location loc, uint32_t depth, bool copy) {
    if (fields_full) return;
    switch (e.type()) {
      case dom::element_type::STRING: {
        std::string_view s = LiftedOr(StringOf(e));
        if (s.data() == walk_skips) return;  // emitted another way
        if (copy) s = arena.Copy(s);
        EmitString(loc, s);
        return;
      }
      case dom::element_type::ARRAY: {
        if (depth > limits.max_depth) {
          DepthFinding();
          return;
        }
        size_t index = 0;
        for (dom::element child : ArrayOf(e)) {
          if (fields_full) return;
          size_t mark = PushIndex(index++);
          WalkJson(child, loc, depth + 1, copy);
          PopTo(mark);
        }
        return;
      }
      case dom::element_type::OBJECT: {
        if (depth > limits.max_depth) {
          DepthFinding();
          return;
        }
        for (dom::key_value_pair kv : ObjectOf(e)) {
          if (fields_full) return;
          size_t mark = PushKey(kv.key);
          if (IsUnusualKey(kv.key)) Emit(loc, copy ? arena.Copy(kv.key) : kv.key, true);
          WalkJson(kv.value, loc, depth + 1, copy);
          PopTo(mark);
        }
        return;
      }
      default:
        return;  // numbers, booleans and null carry no injection
    }
  }

  // Parses and walks a nested JSON document at the current path. Returns
  // false when `text` is not JSON (the caller inspects it as text).
  bool WalkNestedJson(std::string_view text, Location loc) {
    dom::parser* parser;
    bool copy;
    if (nested_used < kPooledParsers) {
      if (nested_parsers.size() <= nested_used) {
        nested_parsers.push_back(std::make_unique<dom::parser>());
        InitParser(nested_parsers.back().get());
      }
      parser = nested_parsers[nested_used].get();
      copy = false;
    } else {
      parser = &overflow_parser;
      copy = true;
    }
    dom::element root;
    simdjson::error_code err = ParseJson(*parser, text, &root);
    if (err == simdjson::DEPTH_ERROR) {
      DepthFinding();
      return false;
    }
    if (err != simdjson::SUCCESS) return false;
    if (!copy) ++nested_used;
    WalkJson(root, loc, 1, copy);
    return true;
  }

  // A string value that is itself a JSON document (a filter, a settings
  // blob, a message sent as one field): the application parses it again, so
  // its members are fields too, below the string's own path (which was
  // emitted first, as text). One level deep, and only while a pooled parser
  // is free: the overflow parser may hold the document the string is in.
  [[gnu::noinline]] void WalkJsonInString(std::string_view s, Location loc) {
    if (in_string_json || nested_used >= kPooledParsers || s.size() < 2 ||
        s.size() > kMaxJsonInString) {
      return;
    }
    size_t b = 0, e = s.size();
    while (b < e && IsJsonSpace(s[b])) ++b;
    while (e > b && IsJsonSpace(s[e - 1])) --e;
    if (e - b < 2 || !((s[b] == '{' && s[e - 1] == '}') || (s[b] == '[' && s[e - 1] == ']'))) {
      return;
    }
    in_string_json = true;
    WalkNestedJson(s.substr(b, e - b), loc);
    in_string_json = false;
  }

  static bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  // A string value that is wholly base64 (either alphabet, padded or not)
  // and decodes to text: a token the function decodes before use (a filter,
  // a SAML response, a serialized session). The text is a field too, at the
  // same path, and is read as a JSON document when it is one. What decodes
  // to binary (images, archives, keys, random tokens) is not. (Inside a
  // document read from a string, the text is not read as JSON again.)
  // Its '+', '/' and '=' may arrive percent-encoded, as a client that encodes
  // the token once more for a URL sends them ("...IA%3D%3D").
  // Decoded bytes that are compressed (a gzip member, zlib data, or raw
  // deflate as SAML's redirect binding sends its messages) are inflated, at
  // most kMaxInflatedString bytes, and read if they are text.
  [[gnu::noinline]] void ReadBase64InString(std::string_view s, Location loc) {
    if (s.size() < kMinBase64InString || s.size() > kMaxBase64InString) return;
    // (Text stops at its first space: the bytes are looked at once.)
    bool percent = false;
    for (char c : s) {
      if (!IsBase64Byte(c) && c != '=') {
        if (c != '%') return;
        percent = true;
      }
    }
    if (percent) {
      const std::optional<std::string_view> plain = Base64PercentDecoded(s);
      if (!plain) return;
      s = *plain;
    }
    // (Every byte is a base64 digit or '=' now: the '=' must close it.)
    size_t end = s.size();
    while (end > 0 && s[end - 1] == '=') --end;
    if (s.size() - end > 2 || s.substr(0, end).find('=') != std::string_view::npos) return;
    std::optional<std::string_view> text = Base64InArena(s.substr(0, end));
    if (!text || text->size() < 8) return;
    // UTF-16 or UTF-32 text (told by its byte order mark or its zero
    // bytes, as a Windows client writes an XML document) is read as UTF-8.
    if (const UnicodeForm form = DetectUnicodeForm(*text, ""); form != UnicodeForm::kNone) {
      const std::string_view wide = *text;
      text = InArena(2 * wide.size(), [&](char* out) { return UnicodeToUtf8(wide, form, out); });
      // (Binary bytes that happen to look so come out as scattered CJK and
      // replacement characters: most of a document is ASCII.)
      size_t ascii = 0;
      for (char c : *text) ascii += static_cast<unsigned char>(c) < 0x80;
      if (ascii * 4 < text->size() * 3) return;
    } else if (!IsText(*text, /*nuls=*/true)) {
      const std::optional<std::string_view> inflated = InflatedText(*text);
      if (!inflated) return;
      text = inflated;
    }
    if (!IsText(*text, /*nuls=*/true)) return;
    if (Emit(loc, *text)) WalkJsonInString(*text, loc);
  }

  // `s` with "%2B", "%2F" and "%3D" (any case) as '+', '/' and '=', in the
  // arena; nullopt when it holds another '%'.
  std::optional<std::string_view> Base64PercentDecoded(std::string_view s) {
    bool ok = true;
    const std::string_view out = InArena(s.size(), [&](char* buf) {
      size_t n = 0;
      for (size_t i = 0; i < s.size() && ok; ++i) {
        if (s[i] != '%') {
          buf[n++] = s[i];
          continue;
        }
        if (i + 2 >= s.size()) {
          ok = false;
          break;
        }
        const char a = s[i + 1], b = static_cast<char>(s[i + 2] | 0x20);
        if (a == '2' && b == 'b') buf[n++] = '+';
        else if (a == '2' && b == 'f') buf[n++] = '/';
        else if (a == '3' && b == 'd') buf[n++] = '=';
        else ok = false;
        i += 2;
      }
      return ok ? n : size_t{0};
    });
    if (!ok || out.empty()) return std::nullopt;
    return out;
  }

  // `bytes` inflated (gzip, zlib or raw deflate, told by their first bytes)
  // into the arena when the result is text, else nullopt.
  std::optional<std::string_view> InflatedText(std::string_view bytes) {
    const auto b0 = static_cast<unsigned char>(bytes[0]);
    const auto b1 = static_cast<unsigned char>(bytes[1]);
    const bool gzip = b0 == 0x1f && b1 == 0x8b;
    const bool zlib = (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && (b0 * 256 + b1) % 31 == 0;
    // Raw deflate: the first block's type (bits 1-2) is stored, fixed or
    // dynamic Huffman, never the reserved 3.
    const bool raw = !gzip && !zlib && ((b0 >> 1) & 3) != 3;
    if (!gzip && !zlib && !raw) return std::nullopt;
    // All the string values of one event inflate to at most max_body_bytes
    // between them, as one compressed body does.
    if (inflate_left < 8) return std::nullopt;
    const InflateStatus st = Inflate(bytes, gzip ? Coding::kGzip : Coding::kDeflate,
                                     std::min(inflate_left, kMaxInflatedString), &inflate_scratch);
    inflate_left -= std::min(inflate_left, inflate_scratch.size());
    if (st == InflateStatus::kCorrupt || inflate_scratch.size() < 8 ||
        !IsText(inflate_scratch, /*nuls=*/true)) {
      return std::nullopt;
    }
    return arena.Copy(inflate_scratch);
  }

  // A string value that is wholly hex digits (not digits alone), an even
  // number of at least kMinHexInString, and decodes to text: a parameter the function
  // hex-decodes (hex2bin, Buffer.from(x, "hex")). The text is a field too,
  // at the same path. Digests and random identifiers decode to binary.
  [[gnu::noinline]] void ReadHexInString(std::string_view s, Location loc) {
    if (s.size() < kMinHexInString || s.size() > kMaxBase64InString || s.size() % 2 != 0) return;
    // A string of digits alone is a number (an order or phone number, an
    // account): hex-encoded text holds a letter.
    bool letter = false;
    for (char c : s) {
      const int h = HexValue(c);
      if (h < 0) return;
      letter = letter || h >= 10;
    }
    if (!letter) return;
    const std::string_view text = InArena(s.size() / 2, [&](char* buf) {
      for (size_t i = 0; i < s.size(); i += 2) {
        buf[i / 2] = static_cast<char>(HexValue(s[i]) * 16 + HexValue(s[i + 1]));
      }
      return s.size() / 2;
    });
    if (!IsText(text, /*nuls=*/false, /*spaces=*/true)) return;
    // Mostly letters, digits and punctuation: not a table of small numbers.
    size_t printable = 0;
    for (char c : text) printable += c >= 0x20 && c < 0x7f;
    if (printable * 4 < text.size() * 3) return;
    Emit(loc, text);
  }

  // Printable text: well-formed UTF-8 without control bytes other than tab,
  // line breaks, and with `spaces` the vertical tab and form feed. With
  // `nuls`, NUL bytes too, fewer than one in sixteen (the names of a PHP
  // object's private and protected members hold them: "\0*\0name").
  static bool IsText(std::string_view t, bool nuls = false, bool spaces = false) {
    size_t nul_count = 0;
    for (size_t i = 0; i < t.size();) {
      const unsigned char c = static_cast<unsigned char>(t[i]);
      if (c < 0x80) {
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
          if (nuls && c == 0) {
            ++nul_count;
          } else if (!(spaces && (c == '\v' || c == '\f'))) {
            return false;
          }
        }
        ++i;
        continue;
      }
      const size_t n = core::Utf8SequenceLength(t, i);
      if (n == 0) return false;
      i += n;
    }
    return nul_count * 16 < t.size();
  }

  // A string value, emitted, then read again as what it may wrap (a JSON
  // document, base64 text). False once the field limit stops it.
  [[gnu::always_inline]] bool EmitString(Location loc, std::string_view s) {
    if (!Emit(loc, s)) return false;
    // (Most values are neither: their first byte or their length says so.)
    if (s.size() < 2) return true;
    const char c = s[0];
    if (c == '{' || c == '[' || IsJsonSpace(c)) WalkJsonInString(s, loc);
    if (s.size() >= kMinBase64InString && IsBase64Byte(c)) ReadBase64InString(s, loc);
    if (s.size() >= kMinHexInString && kHexBytes[static_cast<unsigned char>(c)] &&
        kHexBytes[static_cast<unsigned char>(s.back())]) {
      ReadHexInString(s, loc);
    }
    return !fields_full;
  }

  static bool IsBase64Byte(char c) { return kBase64Bytes[static_cast<unsigned char>(c)]; }

  // --- bodies -----------------------------------------------------------------

  // Walks a body read as JSON: strict JSON, or else what the lenient parsers
  // (Newtonsoft.Json, Jackson's ALLOW_* features, Gson, JSON5) read in it:
  // comments, trailing commas, single quotes, bare names and a byte order
  // mark (RelaxedJsonToStrict(); what the rewrite leaves out is comments,
  // which no parser hands on). False when neither parses.
  bool WalkJsonBody(std::string_view text, Location loc) {
    if (WalkNestedJson(text, loc)) return true;
    std::string* strict = BodyBuffer();
    return RelaxedJsonToStrict(text, strict) && *strict != text && WalkNestedJson(*strict, loc);
  }

  // Lower-cased media type of a Content-Type value (a view into the event or
  // the arena).
  std::string_view LowerMediaType(std::string_view content_type) {
    std::string_view type = SplitMediaType(content_type).type;
    if (!HasUpperAscii(type)) return type;
    char* p = arena.Allocate(type.size());
    for (size_t i = 0; i < type.size(); ++i) p[i] = LowerAscii(type[i]);
    return std::string_view(p, type.size());
  }

  // What `write` puts into `cap` bytes of the arena (it returns how many it
  // wrote), valid until the next Decode().
  template <typename Write>
  std::string_view InArena(size_t cap, Write write) {
    char* buf = arena.Allocate(cap);
    const size_t n = write(buf);
    arena.ShrinkLast(buf, cap, n);
    return std::string_view(buf, n);
  }

  // `in` base64-decoded into the arena (valid until the next Decode()), or
  // nullopt when it is not base64.
  std::optional<std::string_view> Base64InArena(std::string_view in) {
    std::optional<size_t> n;
    const std::string_view out = InArena(Base64MaxDecodedSize(in.size()), [&](char* buf) {
      n = Base64Decode(in, buf);
      return n.value_or(0);
    });
    if (!n) return std::nullopt;
    return out;
  }

  // A buffer for one decompressed or rewritten body, valid until the next
  // Decode().
  std::string* BodyBuffer() {
    if (body_buffers_used == body_buffers.size()) {
      body_buffers.push_back(std::make_unique<std::string>());
    }
    return body_buffers[body_buffers_used++].get();
  }

  // Undoes the compressions a Content-Encoding value lists, last applied
  // first, and points `*text` at the result. False when the body was cut at
  // the size limit (then it is emitted here, as text).
  bool UndoContentCodings(std::string_view header, std::string_view* text, Location loc) {
    const CodingList list = ParseContentEncoding(header);
    if (!list.unsupported.empty() || list.too_many) {
      AddFinding(kLimitCoding, "content_encoding",
                 list.too_many
                     ? absl::StrCat("body is compressed more than ", CodingList::kMax,
                                    " times; the layers after the first ", CodingList::kMax,
                                    " were not undone")
                     : absl::StrCat("body is compressed with '", std::string(list.unsupported),
                                    "', which fnguard cannot decompress; it was inspected "
                                    "compressed"));
      if (!list.unsupported.empty()) return true;
    }
    for (size_t k = list.size; k-- > 0;) {
      std::string* buf = BodyBuffer();
      const InflateStatus st = Inflate(*text, list.codings[k], limits.max_body_bytes, buf);
      if (st == InflateStatus::kCorrupt) {
        // The application fails to decompress it too: no request reaches it.
        AddFinding(kLimitEncoding, "body_encoding",
                   absl::StrCat("body is marked ", std::string(CodingName(list.codings[k])),
                                " but does not decompress; inspecting it as it is"));
        return true;
      }
      *text = *buf;
      if (st == InflateStatus::kTruncated) {
        AddFinding(kLimitBodyBytes, "max_body_bytes",
                   absl::StrCat("body decompresses to more than ", limits.max_body_bytes,
                                " bytes; the first ", limits.max_body_bytes, " were inspected"));
        Emit(loc, *text);
        return false;
      }
    }
    return true;
  }

  // The first byte of `text` that is not JSON whitespace, '\0' if none.
  static char FirstNonSpace(std::string_view text) {
    for (char c : text) {
      if (!IsLinearWhiteSpace(c)) return c;
    }
    return '\0';
  }

  // Decodes a body (HTTP body or record message) at the current path.
  // `content_encoding`: the compressions applied to it (Content-Encoding).
  // `sniff_gzip`: a record's data that starts like a gzip member is one
  // (CloudWatch Logs delivered through Kinesis or Firehose, compressing
  // producers); a file uploaded over HTTP is not opened that way.
  void DecodeBody(std::string_view raw, bool base64, std::string_view content_type, Location loc,
                  std::string_view content_encoding = {}, bool sniff_gzip = false) {
    if (raw.empty()) return;
    std::string_view text = raw;
    if (base64) {
      if (const std::optional<std::string_view> decoded = Base64InArena(raw)) {
        text = *decoded;
      } else {
        AddFinding(kLimitEncoding, "body_encoding",
                   "body is marked base64 but is not valid base64; inspecting it as text");
      }
    }
    if (sniff_gzip && content_encoding.empty() && text.size() >= 3 && text[0] == '\x1f' &&
        text[1] == '\x8b' && text[2] == '\x08') {
      content_encoding = "gzip";
    }
    if (!content_encoding.empty() && !UndoContentCodings(content_encoding, &text, loc)) return;
    if (text.size() > limits.max_body_bytes) {
      AddFinding(kLimitBodyBytes, "max_body_bytes",
                 absl::StrCat("body of ", text.size(), " bytes exceeds the ", limits.max_body_bytes,
                              "-byte inspection limit"));
      Emit(loc, text.substr(0, limits.max_body_bytes));
      return;
    }
    // A body in another character encoding, read as the server that honours
    // it reads it: an EBCDIC charset, then UTF-16 or UTF-32 (declared, or
    // told by a byte order mark or zero bytes, as JSON parsers detect it).
    const std::string_view charset =
        content_type.empty()
            ? std::string_view()
            : FindMediaTypeParam(SplitMediaType(content_type).params, "charset").value_or("");
    if (const uint8_t* table = charset.empty() ? nullptr : EbcdicTable(charset)) {
      text = InArena(2 * text.size(), [&](char* out) { return EbcdicToUtf8(text, table, out); });
    }
    if (text.size() >= 2 && (text[0] == '\0' || text[1] == '\0' ||
                             static_cast<uint8_t>(text[0]) >= 0xfe || !charset.empty())) {
      if (const UnicodeForm form = DetectUnicodeForm(text, charset); form != UnicodeForm::kNone) {
        text = InArena(2 * text.size(), [&](char* out) { return UnicodeToUtf8(text, form, out); });
      }
    }
    std::string_view media_type = LowerMediaType(content_type);
    BodyFormat format = FormatOf(media_type);
    // (A UTF-8 byte order mark before a JSON document: .NET and Jackson
    // skip it.)
    const char first = FirstNonSpace(text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text);
    if (format == BodyFormat::kSniff) {
      format = (first == '{' || first == '[') ? BodyFormat::kJson
               : first == '<'                 ? BodyFormat::kXml
                                              : BodyFormat::kText;
    }
    switch (format) {
      case BodyFormat::kJson:
        if (!WalkJsonBody(text, loc)) Emit(loc, text);  // else as text
        return;
      case BodyFormat::kForm:
        DecodeForm(text, loc);
        // A JSON document sent as a form: the handler that parses any body
        // as JSON (JSON.parse(event.body), json.loads, or a lenient parser)
        // reads it as one.
        if (first == '{' || first == '[') WalkJsonBody(text, loc);
        return;
      case BodyFormat::kMultipart: {
        // A repeated boundary parameter: parsers differ in which one they
        // take (Commons FileUpload and Werkzeug the last), so the body is
        // split by each (the first two distinct ones and the last).
        DistinctValues<3> boundaries;
        ForEachMediaTypeParamValue(SplitMediaType(content_type).params, "boundary",
                                   [&](std::string_view b) {
                                     boundaries.Add(b);
                                     return true;
                                   });
        bool as_text = boundaries.n == 0;
        for (size_t i = 0; i < boundaries.n; ++i) {
          if (!DecodeMultipart(text, boundaries.v[i], loc)) as_text = true;
        }
        if (as_text) Emit(loc, text);
        return;
      }
      case BodyFormat::kXml:
        if (!DecodeXml(text, loc)) Emit(loc, text);  // else as text
        return;
      case BodyFormat::kText:
      case BodyFormat::kSniff:
        Emit(loc, text);
        return;
    }
  }

  // A well-formed XML body, as the application's XML parser reads it: the
  // prolog (declaration, DOCTYPE and internal subset) at the body's path,
  // each start tag at its element's path (`body.a.b`), each attribute value
  // under it (`body.a.b.@id`), and each element's character data (text and
  // CDATA content joined) and comment or PI at the element's path. Before
  // them, the whole document, for custom rules only (Field::xml_document).
  // False, with nothing emitted, when the document is not well-formed or has
  // more nodes than the field limit leaves room for: it is then inspected as
  // one text.
  bool DecodeXml(std::string_view text, Location loc) {
    const size_t first_field = out->fields.size();
    if (first_field + 1 >= limits.max_fields || fields_full) return false;
    if (!Emit(loc, text)) return false;
    out->fields.back().xml_document = true;
    std::vector<size_t>& marks = xml_marks;
    marks.clear();
    bool too_many = false;
    const XmlResult result =
        ReadXml(text, limits.max_depth, &xml_scratch, [&](const XmlItem& item) {
          if (out->fields.size() >= limits.max_fields) {
            too_many = true;
            return false;
          }
          switch (item.type) {
            case XmlItem::Type::kOpen:
              marks.push_back(PushKey(item.name));
              return Emit(loc, item.text);
            case XmlItem::Type::kClose:
              PopTo(marks.back());
              marks.pop_back();
              return true;
            case XmlItem::Type::kAttribute: {
              xml_key.assign("@");
              xml_key.append(item.name);
              const size_t mark = PushKey(xml_key);
              const bool ok = Emit(loc, item.text);
              PopTo(mark);
              return ok;
            }
            case XmlItem::Type::kText: {
              const bool in_doc = item.text.data() >= text.data() &&
                                  item.text.data() + item.text.size() <= text.data() + text.size();
              return Emit(loc, in_doc ? item.text : arena.Copy(item.text));
            }
            case XmlItem::Type::kProlog:
            case XmlItem::Type::kMisc:
              return Emit(loc, item.text);
          }
          return true;
        });
    if (!marks.empty()) PopTo(marks.front());
    if (result == XmlResult::kMalformed || too_many) {
      out->fields.resize(first_field);
      return false;
    }
    return true;
  }

  // Percent-decodes once when needed (a view into the arena), else returns `s`.
  std::string_view PercentDecoded(std::string_view s, bool plus_as_space) {
    if (!NeedsPercentDecode(s, plus_as_space)) return s;
    char* p = arena.Allocate(s.size());
    size_t n = PercentDecode(s, plus_as_space, p);
    arena.ShrinkLast(p, s.size(), n);
    return std::string_view(p, n);
  }

  // `name=value&...` pairs: each decoded value becomes a field named after
  // its decoded name. Unusual names are also fields of their own.
  void DecodePairs(std::string_view text, Location loc) {
    ForEachFormPair(text, [&](std::string_view raw_name, std::string_view raw_value) {
      std::string_view name = PercentDecoded(raw_name, true);
      size_t mark = PushKey(name);
      bool ok = EmitUnusualName(loc, name);
      if (ok) {
        ok = EmitString(loc, PercentDecoded(raw_value, true));
      }
      PopTo(mark);
      return ok && !fields_full;
    });
  }

  void DecodeForm(std::string_view text, Location loc) { DecodePairs(text, loc); }

  // A part's content as the parsers that honour Content-Transfer-Encoding
  // read it (RFC 7578 deprecates the header; Python's email-based parsers
  // and some Java ones still decode it): base64 and quoted-printable.
  std::string_view PartContent(const MultipartPart& part) {
    const std::string_view te = part.transfer_encoding;
    const std::string_view c = part.content;
    if (EqualsIgnoreCase(te, "base64")) return Base64InArena(c).value_or(c);
    if (EqualsIgnoreCase(te, "quoted-printable")) {
      return InArena(c.size(), [&](char* out) { return QuotedPrintableDecode(c, out); });
    }
    return c;
  }

  // A Content-Disposition parameter as each kind of parser reads it: as it
  // is, in each Content-Disposition header and each time it is repeated
  // (Go's textproto and Python's email take the first header, Commons
  // FileUpload and Werkzeug the last of a repeated parameter); from its RFC
  // 2231 extended form `param*=` (Go's mime, Python's email, Werkzeug prefer
  // it); with its RFC 2047 encoded words decoded (Commons FileUpload,
  // Tomcat). The distinct non-empty readings; the decoded ones are in the
  // arena.
  using ParamReadings = DistinctValues<8>;
  ParamReadings ReadParam(const MultipartPart& part, std::string_view param) {
    ParamReadings r;
    const auto add = [&r](std::string_view reading) {
      if (!reading.empty()) r.Add(reading);
    };
    for (size_t d = 0; d < part.disposition_count; ++d) {
      const std::string_view params = part.dispositions[d];
      if (params.find('*') != std::string_view::npos) {
        if (std::optional<std::string> ext = DecodeExtendedParam(params, param)) {
          add(arena.Copy(*ext));
        }
      }
      ForEachMediaTypeParamValue(params, param, [&](std::string_view value) {
        add(value);
        if (value.find("=?") != std::string_view::npos) add(arena.Copy(DecodeEncodedWords(value)));
        return true;
      });
    }
    return r;
  }

  bool DecodeMultipart(std::string_view text, std::string_view boundary, Location loc) {
    MultipartResult result = ForEachMultipartPart(text, boundary, [&](const MultipartPart& part_in) {
      MultipartPart part = part_in;
      if (!part.transfer_encoding.empty() && (!part.has_filename ||
                                              part.content.size() <= 2 * kMaxInspectedFileBytes)) {
        part.content = PartContent(part);
      }
      // Parsers that read the name differently file the field under different
      // names, and a policy may exclude one of them: the field is emitted
      // under each reading.
      const ParamReadings names = ReadParam(part, "name");
      const ParamReadings files = part.has_filename ? ReadParam(part, "filename") : ParamReadings();
      bool ok = true;
      for (size_t k = 0; ok && k < std::max<size_t>(names.n, 1); ++k) {
        const std::string_view name = k < names.n ? names.v[k] : std::string_view();
        size_t mark = name.empty() ? path_len : PushKey(name);
        ok = EmitUnusualName(loc, name);
        if (part.has_filename) {
          size_t file_mark = PushSegment("filename");
          for (size_t i = 0; ok && i < files.n; ++i) ok = Emit(loc, files.v[i]);
          PopTo(file_mark);
          if (ok && part.content.size() <= kMaxInspectedFileBytes && IsTextLike(part.content)) {
            ok = Emit(loc, part.content);
          }
        } else if (ok) {
          ok = Emit(loc, part.content);
        }
        PopTo(mark);
      }
      return ok && !fields_full;
    });
    return result != MultipartResult::kMalformed;
  }

  // --- HTTP shapes ------------------------------------------------------------

  // Emits one header (or each value of a multi-value header); notes the
  // Content-Type; splits Cookie headers unless the event has a v2 cookies
  // array.
  void EmitHeader(std::string_view name, dom::element value, bool has_cookie_array) {
    auto one = [&](std::string_view v) {
      if (EqualsIgnoreCase(name, "cookie")) {
        if (!has_cookie_array) EmitCookies(v);
        return;
      }
      NoteBodyHeader(name, v, /*in_order=*/true);
      size_t mark = PushSegment("headers");
      PushKey(name, /*lower=*/true);
      Emit(Location::kHeader, v);
      PopTo(mark);
    };
    if (value.is_string()) {
      one(StringOf(value));
    } else if (value.is_array()) {
      for (dom::element v : ArrayOf(value)) {
        if (fields_full) return;
        if (v.is_string()) one(StringOf(v));
      }
    }
  }

  void EmitCookies(std::string_view header) {
    ForEachCookie(header, [&](std::string_view name, std::string_view value) {
      size_t mark = PushSegment("cookies");
      if (!name.empty()) PushKey(name);
      bool ok = EmitUnusualName(Location::kCookie, name);
      if (ok) ok = EmitString(Location::kCookie, value);
      PopTo(mark);
      return ok;
    });
  }

  // Notes a Content-Type or Content-Encoding value. A request can carry
  // either header more than once (repeated lines, or names that differ in
  // case), and the readers of an event disagree on which one counts: REST
  // v1's `headers` map keeps the last line and `multiValueHeaders` all of
  // them, a framework takes the first or the last, and HTTP joins repeated
  // Content-Encoding lines into one list. The body is decoded under each
  // reading (DecodeBodyReadings()). `in_order`: a value of the map whose order is
  // the request's, which the joined Content-Encoding list is built from.
  void NoteBodyHeader(std::string_view name, std::string_view v, bool in_order) {
    if (name.size() != 12 && name.size() != 16) return;  // neither name's length
    if (EqualsIgnoreCase(name, "content-type")) {
      content_types.Add(v);
    } else if (EqualsIgnoreCase(name, "content-encoding")) {
      content_encodings.Add(v);
      if (in_order && encoding_lines++ < CodingList::kMax + 1) {
        if (!encoding_joined.empty()) encoding_joined += ", ";
        encoding_joined.append(v);
      }
    }
  }

  // Headers from multiValueHeaders when present, else headers.
  void EmitHeaders(const TopLevel& top, bool has_cookie_array) {
    dom::object obj;
    bool use_mv =
        top.has(TopLevel::kMvHeaders) && top.mv_headers.get_object().get(obj) == simdjson::SUCCESS;
    if (!use_mv &&
        (!top.has(TopLevel::kHeaders) || top.headers.get_object().get(obj) != simdjson::SUCCESS)) {
      return;
    }
    for (dom::key_value_pair kv : obj) {
      if (fields_full) return;
      EmitHeader(kv.key, kv.value, has_cookie_array);
    }
    // The single-value map's Content-Type and Content-Encoding are readings
    // too: REST v1 puts the last of repeated lines there.
    dom::object single;
    if (use_mv && top.has(TopLevel::kHeaders) &&
        top.headers.get_object().get(single) == simdjson::SUCCESS) {
      for (dom::key_value_pair kv : single) {
        if (kv.value.is_string()) NoteBodyHeader(kv.key, StringOf(kv.value), /*in_order=*/false);
      }
    }
  }

  // Query values from the multi-value map when present, else the single one.
  // `decode` for ALB, whose values arrive still percent-encoded.
  void EmitQueryMaps(const TopLevel& top, bool decode) {
    dom::object obj;
    bool found =
        (top.has(TopLevel::kMvQuery) && top.mv_query.get_object().get(obj) == simdjson::SUCCESS) ||
        (top.has(TopLevel::kQuery) && top.query.get_object().get(obj) == simdjson::SUCCESS);
    if (!found) return;
    for (dom::key_value_pair kv : obj) {
      if (fields_full) return;
      std::string_view name = decode ? PercentDecoded(kv.key, true) : kv.key;
      size_t mark = PushSegment("query");
      PushKey(name);
      bool ok = EmitUnusualName(Location::kQuery, name);
      auto one = [&](dom::element v) {
        if (ok && v.is_string()) {
          std::string_view s = StringOf(v);
          if (decode) s = PercentDecoded(s, true);
          ok = EmitString(Location::kQuery, s);
        }
      };
      if (kv.value.is_array()) {
        for (dom::element v : ArrayOf(kv.value)) one(v);
      } else {
        one(kv.value);
      }
      PopTo(mark);
    }
  }

  void EmitPathParams(const TopLevel& top) {
    dom::object obj;
    if (!top.has(TopLevel::kPathParams) ||
        top.path_params.get_object().get(obj) != simdjson::SUCCESS) {
      return;
    }
    for (dom::key_value_pair kv : obj) {
      if (!kv.value.is_string()) continue;
      size_t mark = PushSegment("params");
      PushKey(kv.key);
      bool ok = Emit(Location::kParam, StringOf(kv.value));
      PopTo(mark);
      if (!ok) return;
    }
  }

  // The body under each reading of its Content-Type and Content-Encoding
  // (NoteBodyHeader()), at the current path.
  void DecodeBodyReadings(std::string_view body, bool base64) {
    // Readings that list the same compressions ("gzip" and "identity, gzip")
    // decode alike: one of them is enough.
    struct Reading {
      std::string_view header;
      CodingList list;
    };
    std::array<Reading, 4> encodings;
    size_t n_encodings = 0;
    auto add_encoding = [&](std::string_view e) {
      const CodingList list = ParseContentEncoding(e);
      for (size_t i = 0; i < n_encodings; ++i) {
        if (SameCodings(encodings[i].list, list)) return;
      }
      encodings[n_encodings++] = {e, list};
    };
    for (size_t i = 0; i < content_encodings.n; ++i) add_encoding(content_encodings.v[i]);
    if (encoding_lines > 1) add_encoding(encoding_joined);
    if (n_encodings == 0) add_encoding("");
    // A reading that decompresses leaves out the ones that take the body as
    // it is: to them it is compressed bytes, which no parser reads as a
    // request and the detectors would read as noise. (A body that does not
    // decompress is read as it is by the decompressing reading itself.)
    const bool any_coded = std::any_of(encodings.begin(), encodings.begin() + n_encodings,
                                       [](const Reading& r) { return r.list.size > 0; });
    DistinctValues<3> types = content_types;
    if (types.n == 0) types.Add("");
    for (size_t t = 0; t < types.n && !fields_full; ++t) {
      for (size_t e = 0; e < n_encodings && !fields_full; ++e) {
        if (any_coded && encodings[e].list.size == 0) continue;
        DecodeBody(body, base64, types.v[t], Location::kBody, encodings[e].header);
      }
    }
  }

  void EmitBodyAndType(const TopLevel& top) {
    const std::string_view first_type = content_types.n > 0 ? content_types.v[0] : "";
    out->content_type = LowerMediaType(first_type);
    if (!top.has(TopLevel::kBody) || !top.body.is_string()) return;
    bool base64 = top.has(TopLevel::kBase64) && IsTrue(top.base64);
    size_t mark = PushSegment("body");
    if (content_types.n <= 1 && content_encodings.n <= 1 && encoding_lines <= 1) {
      // Each header given once (or not at all): one reading.
      DecodeBody(LiftedOr(StringOf(top.body)), base64, first_type, Location::kBody,
                 content_encodings.n > 0 ? content_encodings.v[0] : "");
    } else {
      DecodeBodyReadings(LiftedOr(StringOf(top.body)), base64);
    }
    PopTo(mark);
  }

  void EmitPath(std::string_view value) {
    size_t mark = PushSegment("path");
    Emit(Location::kPath, value);
    PopTo(mark);
  }

  // REST v1, ALB and WebSocket share one layout.
  void DecodeV1Like(const TopLevel& top, bool alb) {
    if (top.has(TopLevel::kHttpMethod)) out->method = StringOf(top.http_method);
    if (top.has(TopLevel::kPath)) EmitPath(StringOf(top.path));
    EmitQueryMaps(top, alb);
    EmitHeaders(top, /*has_cookie_array=*/false);
    EmitPathParams(top);
    EmitBodyAndType(top);
  }

  void DecodeV2(const TopLevel& top, const dom::object* request_context) {
    dom::element http;
    if (request_context != nullptr &&
        request_context->at_key("http").get(http) == simdjson::SUCCESS) {
      dom::element method;
      if (http.at_key("method").get(method) == simdjson::SUCCESS) out->method = StringOf(method);
    }
    if (top.has(TopLevel::kRawPath)) EmitPath(StringOf(top.raw_path));
    dom::object query;
    if (top.has(TopLevel::kQuery) && top.query.get_object().get(query) == simdjson::SUCCESS) {
      EmitQueryMaps(top, /*decode=*/false);
    } else if (top.has(TopLevel::kRawQuery)) {
      size_t mark = PushSegment("query");
      DecodePairs(StringOf(top.raw_query), Location::kQuery);
      PopTo(mark);
    }
    bool has_cookie_array = top.has(TopLevel::kCookies) && top.cookies.is_array();
    if (has_cookie_array) {
      for (dom::element c : ArrayOf(top.cookies)) {
        if (fields_full) break;
        if (c.is_string()) EmitCookies(StringOf(c));
      }
    }
    EmitHeaders(top, has_cookie_array);
    EmitPathParams(top);
    EmitBodyAndType(top);
  }

  // --- records ----------------------------------------------------------------

  // Emits `attributes.<name>` for each string attribute value under the key
  // `value_key` ("stringValue" for SQS, "Value" for SNS).
  void EmitMessageAttributes(dom::element attributes, std::string_view value_key) {
    dom::object obj;
    if (attributes.get_object().get(obj) != simdjson::SUCCESS) return;
    for (dom::key_value_pair kv : obj) {
      dom::object attr;
      if (kv.value.get_object().get(attr) != simdjson::SUCCESS) continue;
      dom::element value, type;
      if (attr.at_key(value_key).get(value) != simdjson::SUCCESS || !value.is_string()) continue;
      if (attr.at_key("Type").get(type) == simdjson::SUCCESS && StringOf(type) == "Binary") {
        continue;
      }
      size_t mark = PushSegment("attributes");
      PushKey(kv.key);
      bool ok = Emit(Location::kMessage, StringOf(value));
      PopTo(mark);
      if (!ok) return;
    }
  }

  void DecodeSqsRecord(dom::object record) {
    for (dom::key_value_pair kv : record) {
      if (fields_full) return;
      if (kv.key == "body" && kv.value.is_string()) {
        size_t mark = PushSegment("body");
        DecodeBody(LiftedOr(StringOf(kv.value)), false, {}, Location::kMessage);
        PopTo(mark);
      } else if (kv.key == "messageAttributes") {
        EmitMessageAttributes(kv.value, "stringValue");
      }
    }
  }

  void DecodeSnsRecord(dom::object record) {
    dom::object sns;
    if (record.at_key("Sns").get_object().get(sns) != simdjson::SUCCESS) return;
    for (dom::key_value_pair kv : sns) {
      if (fields_full) return;
      if (kv.key == "Message" && kv.value.is_string()) {
        size_t mark = PushSegment("message");
        DecodeBody(LiftedOr(StringOf(kv.value)), false, {}, Location::kMessage);
        PopTo(mark);
      } else if (kv.key == "Subject" && kv.value.is_string()) {
        size_t mark = PushSegment("subject");
        Emit(Location::kMessage, StringOf(kv.value));
        PopTo(mark);
      } else if (kv.key == "MessageAttributes") {
        EmitMessageAttributes(kv.value, "Value");
      }
    }
  }

  // Kinesis stream records (`kinesis.data`) and Firehose records (`data`).
  void DecodeStreamData(dom::element data) {
    if (!data.is_string()) return;
    size_t mark = PushSegment("data");
    DecodeBody(StringOf(data), /*base64=*/true, {}, Location::kMessage, {}, /*sniff_gzip=*/true);
    PopTo(mark);
  }

  void DecodeRecords(dom::element records, Kind kind) {
    dom::array list;
    if (records.get_array().get(list) != simdjson::SUCCESS) return;
    size_t index = 0;
    for (dom::element record : list) {
      if (fields_full) return;
      size_t i = index++;
      RecordKind rk = kind == Kind::kKinesis && !records_are_aws_shaped ? RecordKind::kKinesis
                                                                        : RecordKindOf(record);
      dom::object obj;
      if (record.get_object().get(obj) != simdjson::SUCCESS || rk == RecordKind::kOther ||
          rk == RecordKind::kS3) {
        // Not a message record: its JSON path, like a generic event.
        size_t mark = PushKey(records_key);
        PushIndex(i);
        if (rk == RecordKind::kS3) {
          EmitS3Record(record);
        } else {
          WalkJson(record, Location::kOther, 3, false);
        }
        PopTo(mark);
        continue;
      }
      size_t mark = PushSegment("records");
      PushIndex(i);
      switch (rk) {
        case RecordKind::kSqs:
          DecodeSqsRecord(obj);
          break;
        case RecordKind::kSns:
          DecodeSnsRecord(obj);
          break;
        case RecordKind::kKinesis: {
          dom::element data;
          if (records_are_aws_shaped) {
            dom::element kinesis;
            if (obj.at_key("kinesis").get(kinesis) == simdjson::SUCCESS &&
                kinesis.at_key("data").get(data) == simdjson::SUCCESS) {
              DecodeStreamData(data);
            }
          } else if (obj.at_key("data").get(data) == simdjson::SUCCESS) {
            DecodeStreamData(data);
          }
          break;
        }
        case RecordKind::kS3:
        case RecordKind::kOther:
          break;
      }
      PopTo(mark);
    }
  }

  // An S3 notification names the object by its key URL-encoded, a space as
  // '+' ("my+file%27.txt"); the key the application reads is the decoded one.
  // The record's other members are walked as JSON.
  void EmitS3Record(dom::element record) {
    dom::element key;
    if (record.at_pointer("/s3/object/key").get(key) != simdjson::SUCCESS || !key.is_string()) {
      WalkJson(record, Location::kOther, 3, false);
      return;
    }
    const std::string_view raw = StringOf(key);
    const std::string_view decoded = PercentDecoded(raw, /*plus_as_space=*/true);
    walk_skips = decoded.data() == raw.data() ? nullptr : raw.data();
    WalkJson(record, Location::kOther, 3, false);
    walk_skips = nullptr;
    if (decoded.data() == raw.data()) return;  // walked as it is
    size_t mark = PushSegment("s3");
    PushSegment("object");
    PushSegment("key");
    Emit(Location::kOther, decoded);
    PopTo(mark);
  }

  // Kafka records (Amazon MSK, self-managed Kafka): `records` maps each
  // "topic-partition" to its records, whose `key` and `value` are base64 and
  // whose headers are lists of byte values.
  void DecodeKafkaRecords(dom::element records) {
    dom::object partitions;
    if (records.get_object().get(partitions) != simdjson::SUCCESS) return;
    const size_t mark = PushSegment("records");
    for (dom::key_value_pair part : partitions) {
      if (fields_full) break;
      const size_t part_mark = PushKey(part.key);
      dom::array list;
      if (part.value.get_array().get(list) == simdjson::SUCCESS) {
        size_t index = 0;
        for (dom::element record : list) {
          if (fields_full) break;
          const size_t record_mark = PushIndex(index++);
          dom::object obj;
          if (record.get_object().get(obj) == simdjson::SUCCESS) {
            for (dom::key_value_pair kv : obj) {
              if ((kv.key == "value" || kv.key == "key") && kv.value.is_string()) {
                const size_t m = kv.key == "value" ? PushSegment("value") : PushSegment("key");
                DecodeBody(StringOf(kv.value), /*base64=*/true, {}, Location::kMessage, {},
                           /*sniff_gzip=*/true);
                PopTo(m);
              } else if (kv.key == "headers") {
                EmitKafkaHeaders(kv.value);
              }
            }
          }
          PopTo(record_mark);
        }
      }
      PopTo(part_mark);
    }
    PopTo(mark);
  }

  // `[{"name": [104, 105]}, ...]`: each header value as the bytes it lists.
  void EmitKafkaHeaders(dom::element headers) {
    dom::array list;
    if (headers.get_array().get(list) != simdjson::SUCCESS) return;
    for (dom::element h : list) {
      dom::object obj;
      if (fields_full || h.get_object().get(obj) != simdjson::SUCCESS) continue;
      for (dom::key_value_pair kv : obj) {
        dom::array bytes;
        if (kv.value.get_array().get(bytes) != simdjson::SUCCESS) continue;
        const size_t n = std::min(bytes.size(), limits.max_body_bytes);
        char* buf = arena.Allocate(n);
        size_t used = 0;
        for (dom::element b : bytes) {
          int64_t v;
          if (used == n || b.get_int64().get(v) != simdjson::SUCCESS) break;
          buf[used++] = static_cast<char>(static_cast<uint8_t>(v));
        }
        arena.ShrinkLast(buf, n, used);
        const size_t m = PushSegment("headers");
        PushKey(kv.key);
        Emit(Location::kMessage, std::string_view(buf, used));
        PopTo(m);
      }
    }
  }

  // --- top level --------------------------------------------------------------

  void DecodeRoot(dom::element root) {
    dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
      WalkJson(root, Location::kOther, 1, false);
      return;
    }
    TopLevel top;
    top.Collect(obj);

    // Queue, topic and stream records.
    dom::array records;
    if (top.has(TopLevel::kRecords) && top.records.get_array().get(records) == simdjson::SUCCESS &&
        records.size() > 0) {
      Kind kind = Kind::kGeneric;
      switch (RecordKindOf(records.at(0).value_unsafe())) {
        case RecordKind::kSqs:
          kind = Kind::kSqs;
          break;
        case RecordKind::kSns:
          kind = Kind::kSns;
          break;
        case RecordKind::kKinesis:
          kind = Kind::kKinesis;
          break;
        case RecordKind::kS3:
          kind = Kind::kS3;
          break;
        case RecordKind::kOther:
          break;
      }
      if (kind != Kind::kGeneric) {
        out->kind = kind;
        records_are_aws_shaped = true;
        records_key = "Records";
        DecodeRecords(top.records, kind);
        return;
      }
    }
    // Kafka: `records` maps topic partitions to record lists.
    if (top.has(TopLevel::kEventSource) && top.has(TopLevel::kLowerRecords) &&
        top.lower_records.is_object()) {
      const std::string_view src = StringOf(top.event_source);
      if (src == "aws:kafka" || src == "SelfManagedKafka" || src == "aws:SelfManagedKafka") {
        out->kind = Kind::kKafka;
        DecodeKafkaRecords(top.lower_records);
        return;
      }
    }
    // CloudWatch Logs subscription: `awslogs.data`, a gzip document in
    // base64 whose logEvents[].message are the log lines.
    dom::element logs_data;
    if (top.has(TopLevel::kAwsLogs) &&
        top.awslogs.at_key("data").get(logs_data) == simdjson::SUCCESS && logs_data.is_string()) {
      out->kind = Kind::kCloudWatchLogs;
      const size_t mark = PushSegment("awslogs");
      PushSegment("data");
      DecodeBody(StringOf(logs_data), /*base64=*/true, "application/json", Location::kMessage,
                 "gzip");
      PopTo(mark);
      return;
    }
    // Kinesis Data Firehose transformation: `records[].data`, base64.
    if (top.has(TopLevel::kDeliveryStream) && top.has(TopLevel::kLowerRecords) &&
        top.lower_records.is_array()) {
      out->kind = Kind::kKinesis;
      records_are_aws_shaped = false;
      records_key = "records";
      DecodeRecords(top.lower_records, Kind::kKinesis);
      return;
    }
    // EventBridge: only `detail` is the sender's content.
    if (top.has(TopLevel::kDetailType) && top.has(TopLevel::kSource) &&
        top.has(TopLevel::kDetail)) {
      out->kind = Kind::kEventBridge;
      size_t mark = PushSegment("detail");
      WalkJson(top.detail, Location::kMessage, 2, false);
      PopTo(mark);
      return;
    }
    // HTTP shapes, told apart by requestContext.
    dom::object rc;
    bool has_rc = top.has(TopLevel::kRequestContext) &&
                  top.request_context.get_object().get(rc) == simdjson::SUCCESS;
    if (has_rc) {
      bool elb = false, connection = false, event_type = false, http = false;
      std::string_view domain;
      for (dom::key_value_pair kv : rc) {
        if (kv.key == "elb")
          elb = true;
        else if (kv.key == "connectionId")
          connection = true;
        else if (kv.key == "eventType")
          event_type = true;
        else if (kv.key == "http")
          http = kv.value.is_object();
        else if (kv.key == "domainName")
          domain = StringOf(kv.value);
      }
      if (elb) {
        out->kind = Kind::kAlb;
        DecodeV1Like(top, /*alb=*/true);
        return;
      }
      if (connection && event_type) {
        out->kind = Kind::kWebSocket;
        DecodeV1Like(top, /*alb=*/false);
        return;
      }
      bool v2 = (top.has(TopLevel::kVersion) && StringOf(top.version) == "2.0" &&
                 (top.has(TopLevel::kRawPath) || http)) ||
                (http && top.has(TopLevel::kRawPath));
      if (v2) {
        out->kind = domain.find(".lambda-url.") != std::string_view::npos ? Kind::kFunctionUrl
                                                                          : Kind::kApiGatewayV2;
        DecodeV2(top, &rc);
        return;
      }
    }
    if (top.has(TopLevel::kHttpMethod) &&
        (has_rc || top.has(TopLevel::kResource) || top.has(TopLevel::kPath))) {
      out->kind = Kind::kApiGatewayV1;
      DecodeV1Like(top, /*alb=*/false);
      return;
    }
    if (top.has(TopLevel::kVersion) && StringOf(top.version) == "2.0" &&
        top.has(TopLevel::kRawPath)) {
      out->kind = Kind::kApiGatewayV2;
      DecodeV2(top, has_rc ? &rc : nullptr);
      return;
    }
    WalkJson(root, Location::kOther, 1, false);
  }

  // --- members ----------------------------------------------------------------

  const Limits limits;
  size_t parser_depth = 0;
  dom::parser event_parser;
  std::vector<std::unique_ptr<dom::parser>> nested_parsers;
  size_t nested_used = 0;
  bool in_string_json = false;  // WalkJsonInString() is walking a document
  dom::parser overflow_parser;
  std::string number_scratch;
  std::string surrogate_scratch;  // ParseJson()'s text with lone surrogates replaced
  std::string inflate_scratch;    // InflatedText()'s attempts
  size_t inflate_left = 0;        // what string values may still inflate to
  std::string xml_scratch;      // ReadXml()'s joined character data
  std::string xml_key;          // "@" + an attribute name
  std::vector<size_t> xml_marks;  // path marks of the open elements
  // Decompressed and rewritten bodies (BodyBuffer()), kept between calls.
  std::vector<std::unique_ptr<std::string>> body_buffers;
  size_t body_buffers_used = 0;
  // The request's Content-Type and Content-Encoding readings, and its
  // Content-Encoding lines joined as one list (NoteBodyHeader()).
  DistinctValues<3> content_types;
  DistinctValues<3> content_encodings;
  std::string encoding_joined;
  size_t encoding_lines = 0;
  // WalkJson() passes over the string that starts here (EmitS3Record()).
  const char* walk_skips = nullptr;
  // A large event's payload strings, lifted out before the parse
  // (json_lift.h), and the event without them; `lifted_at` maps the "" left
  // for each in the parsed document (by where it starts) to its value,
  // ordered by that address.
  std::string lifted_buffer;
  std::vector<LiftedString> lifted;
  std::string lifted_rest;
  std::vector<std::pair<const char*, std::string_view>> lifted_at;
  ByteArena arena;
  // The path of what is being walked: PushKey() and PushIndex() add nothing
  // once it reaches kMaxPathBytes, and one segment adds at most a cut key
  // with every byte escaped and its brackets and quotes, or an index.
  std::array<char, kMaxPathBytes + 2 * kMaxPathSegment + 24> path_buf;
  size_t path_len = 0;
  DecodedEvent* out = nullptr;
  bool fields_full = false;
  uint32_t reported_limits = 0;
  bool records_are_aws_shaped = true;
  std::string_view records_key = "Records";
};

Decoder::Decoder(Limits limits) : limits_(limits), state_(std::make_unique<State>(limits)) {}

Decoder::~Decoder() = default;

absl::Status Decoder::Decode(std::string_view json, DecodedEvent* out) {
  State& s = *state_;
  s.Begin(out);
  if (json.size() > limits_.max_event_bytes) {
    s.AddFinding(kLimitEventBytes, "max_event_bytes",
                 absl::StrCat("event of ", json.size(), " bytes exceeds the ",
                              limits_.max_event_bytes, "-byte limit; not inspected"));
    return absl::OkStatus();
  }
  dom::element root;
  simdjson::error_code err = simdjson::UNINITIALIZED;
  if (json.size() >= kLiftEventBytes &&
      LiftEventStrings(json, kLiftEventBytes / 2, &s.lifted_buffer, &s.lifted, &s.lifted_rest) >
          0) {
    // The rest parses exactly when the whole event does; else the whole
    // event is parsed below, for its error.
    err = s.ParseJson(s.event_parser, s.lifted_rest, &root);
    if (err == simdjson::SUCCESS && !s.PlaceLifted(root)) {
      s.lifted_at.clear();
      err = simdjson::UNINITIALIZED;
    }
    if (err == simdjson::SUCCESS) out->lifted_strings = s.lifted_at.size();
  }
  if (err != simdjson::SUCCESS) err = s.ParseJson(s.event_parser, json, &root);
  if (err == simdjson::DEPTH_ERROR) {
    s.DepthFinding();
    return absl::OkStatus();
  }
  if (err != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("event is not a JSON document: ", simdjson::error_message(err)));
  }
  s.DecodeRoot(root);
  return absl::OkStatus();
}

}  // namespace fnguard::event
