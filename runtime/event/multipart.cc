#include "runtime/event/multipart.h"

#include <optional>

#include "runtime/event/text_codecs.h"

namespace fnguard::event {
namespace {

// Finds "--boundary" at `from` or later, at the start of `body` or right
// after a line break. Returns the position of the first '-', or npos.
size_t FindDelimiter(std::string_view body, std::string_view boundary, size_t from) {
  while (from < body.size()) {
    size_t pos = body.find("--", from);
    if (pos == std::string_view::npos) return pos;
    if ((pos == 0 || body[pos - 1] == '\n') && body.substr(pos + 2, boundary.size()) == boundary) {
      return pos;
    }
    from = pos + 1;
  }
  return std::string_view::npos;
}

// Returns the end of the line starting at `pos` (index of '\n', or size).
size_t LineEnd(std::string_view body, size_t pos) {
  size_t nl = body.find('\n', pos);
  return nl == std::string_view::npos ? body.size() : nl;
}

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void ParseDisposition(std::string_view value, MultipartPart* part) {
  const std::string_view params = SplitMediaType(value).params;  // "form-data; name=..; .."
  const bool first = part->disposition_count == 0;
  if (part->disposition_count < MultipartPart::kMaxDispositions) {
    part->dispositions[part->disposition_count++] = params;
  } else {
    part->dispositions.back() = params;
  }
  const std::optional<std::string_view> filename = FindMediaTypeParam(params, "filename");
  if (first) {
    if (auto name = FindMediaTypeParam(params, "name")) part->name = *name;
    if (filename) part->filename = *filename;
  }
  // In any header, also as filename*= (RFC 2231) only.
  if (filename || (!part->has_filename && params.find('*') != std::string_view::npos &&
                   DecodeExtendedParam(params, "filename"))) {
    part->has_filename = true;
  }
}

}  // namespace

MultipartResult ForEachMultipartPart(std::string_view body, std::string_view boundary,
                                     absl::FunctionRef<bool(const MultipartPart&)> on_part) {
  if (boundary.empty() || boundary.size() > kMaxMultipartBoundary) {
    return MultipartResult::kMalformed;
  }
  size_t delim = FindDelimiter(body, boundary, 0);
  if (delim == std::string_view::npos) return MultipartResult::kMalformed;
  bool any_part = false;
  while (true) {
    size_t after = delim + 2 + boundary.size();
    if (body.substr(after, 2) == "--") return MultipartResult::kComplete;
    // Skip transport padding up to the end of the delimiter line.
    size_t line_end = LineEnd(body, after);
    if (line_end >= body.size()) {
      return any_part ? MultipartResult::kTruncated : MultipartResult::kMalformed;
    }
    MultipartPart part;
    size_t pos = line_end + 1;
    // Header lines until an empty line.
    bool headers_done = false;
    while (pos < body.size()) {
      size_t end = LineEnd(body, pos);
      std::string_view line = StripCr(body.substr(pos, end - pos));
      pos = end < body.size() ? end + 1 : body.size();
      if (line.empty()) {
        headers_done = true;
        break;
      }
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      // A line that starts with a space or a tab continues the header (the
      // obsolete line folding Go's textproto, Python's email and Commons
      // FileUpload still unfold): the value runs on over it.
      const size_t value_at = (line.data() - body.data()) + colon + 1;
      size_t value_end = (line.data() - body.data()) + line.size();
      while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) {
        const size_t cont_end = LineEnd(body, pos);
        value_end = pos + StripCr(body.substr(pos, cont_end - pos)).size();
        pos = cont_end < body.size() ? cont_end + 1 : body.size();
      }
      std::string_view name = TrimSpaces(line.substr(0, colon));
      std::string_view value = TrimSpaces(body.substr(value_at, value_end - value_at));
      if (EqualsIgnoreCase(name, "content-disposition")) {
        ParseDisposition(value, &part);
      } else if (EqualsIgnoreCase(name, "content-type")) {
        part.content_type = value;
      } else if (EqualsIgnoreCase(name, "content-transfer-encoding")) {
        part.transfer_encoding = value;
      }
    }
    size_t next = headers_done ? FindDelimiter(body, boundary, pos) : std::string_view::npos;
    size_t content_end = next == std::string_view::npos ? body.size() : next;
    // The line break before the delimiter belongs to the delimiter.
    if (next != std::string_view::npos && content_end > pos && body[content_end - 1] == '\n') {
      --content_end;
      if (content_end > pos && body[content_end - 1] == '\r') --content_end;
    }
    part.content = pos <= content_end ? body.substr(pos, content_end - pos) : std::string_view();
    any_part = true;
    if (!on_part(part)) return MultipartResult::kStopped;
    if (next == std::string_view::npos) return MultipartResult::kTruncated;
    delim = next;
  }
}

}  // namespace fnguard::event
