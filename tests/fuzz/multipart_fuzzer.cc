// Fuzzes the multipart/form-data splitter (runtime/event/multipart): never
// crash; every part's name, file name, type, content and Content-Disposition
// parameters are views of the body, parts come in order without
// overlapping, and a body without the
// opening delimiter is malformed. The first line of the input is the
// boundary, the rest the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/event/multipart.h"
#include "tests/fuzz/views.h"

using fnguard::fuzz::Inside;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view boundary = input.substr(0, nl);
  const std::string_view body = input.substr(nl + 1);
  const char* last_end = body.data();
  size_t parts = 0;
  const auto result = fnguard::event::ForEachMultipartPart(
      body, boundary, [&](const fnguard::event::MultipartPart& p) {
        if (!Inside(p.name, body) || !Inside(p.filename, body) || !Inside(p.content_type, body) ||
            !Inside(p.content, body)) {
          std::abort();
        }
        if (!p.has_filename && !p.filename.empty()) std::abort();
        if (p.disposition_count > p.dispositions.size()) std::abort();
        for (size_t d = 0; d < p.disposition_count; ++d) {
          if (!Inside(p.dispositions[d], body)) std::abort();
        }
        if (!p.content.empty()) {
          if (p.content.data() < last_end) std::abort();
          last_end = p.content.data() + p.content.size();
        }
        ++parts;
        return parts < 1000;
      });
  if (parts > body.size()) std::abort();
  const bool opened = !boundary.empty() && body.find(boundary) != std::string_view::npos;
  if (parts > 0 && !opened) std::abort();
  if (result == fnguard::event::MultipartResult::kStopped && parts != 1000) std::abort();
  return 0;
}
