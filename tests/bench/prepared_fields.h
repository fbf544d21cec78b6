// An event's fields as the engine hands them to the detectors (normalized,
// with the field's mask), for benchmarks that run detectors or other scans
// over them directly.
#ifndef FNGUARD_TESTS_BENCH_PREPARED_FIELDS_H_
#define FNGUARD_TESTS_BENCH_PREPARED_FIELDS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/detect/detector.h"
#include "runtime/event/event.h"
#include "runtime/normalize/normalize.h"

namespace fnguard {

struct PreparedFields {
  event::Decoder decoder;
  event::DecodedEvent decoded;
  std::vector<std::string> norms;
  std::vector<detect::Input> inputs;
  size_t bytes = 0;
};

inline std::unique_ptr<PreparedFields> PrepareFields(const std::string& ev) {
  auto p = std::make_unique<PreparedFields>();
  if (!p->decoder.Decode(ev, &p->decoded).ok()) return p;
  normalize::Normalizer normalizer;
  p->norms.reserve(p->decoded.fields.size());
  for (const event::Field& f : p->decoded.fields) {
    p->norms.emplace_back(normalizer.Normalize(f.value));
  }
  for (size_t i = 0; i < p->decoded.fields.size(); ++i) {
    const event::Field& f = p->decoded.fields[i];
    if (f.value.empty()) continue;
    detect::Input in;
    in.raw = f.value;
    in.norm = p->norms[i] == f.value ? f.value : std::string_view(p->norms[i]);
    in.mask = detect::CharMask::Of(in.norm);
    in.path = f.path;
    in.location = f.location;
    in.is_key = f.is_key;
    in.event_kind = p->decoded.kind;
    p->inputs.push_back(in);
    p->bytes += f.value.size();
  }
  return p;
}

}  // namespace fnguard

#endif  // FNGUARD_TESTS_BENCH_PREPARED_FIELDS_H_
