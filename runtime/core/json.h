// Minimal JSON output: string escaping and a small streaming writer for the
// reports and CLI output fnguard prints. Always produces valid JSON: invalid
// UTF-8 bytes become U+FFFD, control characters are escaped.
#ifndef FNGUARD_RUNTIME_CORE_JSON_H_
#define FNGUARD_RUNTIME_CORE_JSON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fnguard::json {

// Appends `s` as a quoted JSON string.
void AppendString(std::string* out, std::string_view s);
std::string Quote(std::string_view s);

// Streaming writer with automatic commas:
//   Writer w; w.BeginObject(); w.Key("a"); w.Int(1); w.EndObject(); w.str();
class Writer {
 public:
  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view k);
  Writer& String(std::string_view s);
  Writer& Int(int64_t v);
  Writer& Uint(uint64_t v);
  Writer& Double(double v);
  Writer& Bool(bool v);
  Writer& Null();
  Writer& Raw(std::string_view json);  // an already-encoded JSON value
  // Shorthands for a key and a value.
  Writer& Field(std::string_view k, std::string_view v) { return Key(k).String(v); }
  Writer& Field(std::string_view k, const char* v) { return Key(k).String(v); }
  Writer& Field(std::string_view k, int64_t v) { return Key(k).Int(v); }
  Writer& Field(std::string_view k, int v) { return Key(k).Int(v); }
  Writer& Field(std::string_view k, uint64_t v) { return Key(k).Uint(v); }
  Writer& Field(std::string_view k, bool v) { return Key(k).Bool(v); }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace fnguard::json

#endif  // FNGUARD_RUNTIME_CORE_JSON_H_
