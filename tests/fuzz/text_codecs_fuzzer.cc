// Fuzzes the event text decoders (runtime/event/text_codecs): base64,
// percent-decoding, quoted-printable, EBCDIC, UTF-16/32, Content-Type parameters (RFC 2231
// extended ones and RFC 2047 encoded words too), charsets, cookies and form pairs. Never crash, never write past the documented output sizes, and keep their
// promises: PercentDecode() changes the text exactly when
// NeedsPercentDecode() says so and never lengthens it; base64 that decodes
// re-encodes (after dropping whitespace and padding) to the same digits;
// split parts are views of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/event/text_codecs.h"
#include "tests/fuzz/views.h"

namespace {

using namespace fnguard::event;  // NOLINT: a fuzz target of this one header

using fnguard::fuzz::Inside;

constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The standard-alphabet encoding, unpadded.
std::string Encode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

void CheckBase64(std::string_view text) {
  // Exactly the documented capacity, so a sanitizer sees any write beyond it.
  std::vector<char> out(Base64MaxDecodedSize(text.size()));
  const std::optional<size_t> n = Base64Decode(text, out.data());
  if (!n) return;
  if (*n > out.size()) std::abort();
  // The digits the input holds, in the standard alphabet.
  std::string digits;
  for (char c : text) {
    const int v = Base64DigitValue(c);
    if (v >= 0) digits.push_back(kDigits[v]);
  }
  const std::string again = Encode(std::string_view(out.data(), *n));
  // A final digit may carry bits the decoder drops; the rest must agree.
  if (again.size() != digits.size()) std::abort();
  if (!again.empty() && again.substr(0, again.size() - 1) != digits.substr(0, digits.size() - 1)) {
    std::abort();
  }
}

void CheckPercent(std::string_view text, bool plus) {
  std::vector<char> out(text.size());
  const size_t n = PercentDecode(text, plus, out.data());
  if (n > text.size()) std::abort();
  const bool changed = std::string_view(out.data(), n) != text;
  if (changed != NeedsPercentDecode(text, plus)) std::abort();
}

void CheckQuotedPrintable(std::string_view text) {
  std::vector<char> out(text.size());
  const size_t n = QuotedPrintableDecode(text, out.data());
  if (n > text.size()) std::abort();
  // Only '=' sequences change anything.
  if (text.find('=') == std::string_view::npos && std::string_view(out.data(), n) != text) {
    std::abort();
  }
}

void CheckUnicodeForm(std::string_view text) {
  const UnicodeForm form = DetectUnicodeForm(text, text.substr(0, 8));
  if (form == UnicodeForm::kNone) return;
  std::vector<char> out(2 * text.size());
  if (UnicodeToUtf8(text, form, out.data()) > out.size()) std::abort();
}

void CheckEbcdic(std::string_view text) {
  const uint8_t* table = EbcdicTable(text.substr(0, 8));
  if (table == nullptr) table = EbcdicTable("ibm037");
  std::vector<char> out(2 * text.size());
  const size_t n = EbcdicToUtf8(text, table, out.data());
  if (n < text.size() || n > out.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckBase64(text);
  CheckPercent(text, false);
  CheckPercent(text, true);
  CheckQuotedPrintable(text);
  CheckEbcdic(text);
  CheckUnicodeForm(text);

  const MediaTypeParts parts = SplitMediaType(text);
  if (!Inside(parts.type, text) || !Inside(parts.params, text)) std::abort();
  for (std::string_view name : {"boundary", "charset", "b"}) {
    const std::optional<std::string_view> v = FindMediaTypeParam(parts.params, name);
    if (v && !Inside(*v, parts.params)) std::abort();
  }
  // Extended parameters decode to at most twice the list (Latin-1 doubles
  // a byte); encoded words only ever replace "=?...?=" runs.
  for (std::string_view name : {"filename", "name"}) {
    const std::optional<std::string> ext = DecodeExtendedParam(parts.params, name);
    if (ext && ext->size() > 2 * parts.params.size()) std::abort();
  }
  const std::string words = DecodeEncodedWords(text);
  if (text.find("=?") == std::string_view::npos && words != text) std::abort();
  if (words.size() > 2 * text.size()) std::abort();
  for (std::string_view charset : {"utf-8", "iso-8859-1", "utf-16le", "utf-32be", "ibm037"}) {
    if (TranscodeToUtf8(text, charset).size() > 2 * text.size()) std::abort();
  }
  if (!Inside(TrimSpaces(text), text)) std::abort();
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!EqualsIgnoreCase(text, lower) || HasUpperAscii(lower)) std::abort();
  if (HasUpperAscii(text) == (lower == text)) std::abort();

  size_t items = 0;
  ForEachCookie(text, [&](std::string_view name, std::string_view value) {
    if (!Inside(name, text) || !Inside(value, text)) std::abort();
    return ++items < 10000;
  });
  ForEachFormPair(text, [&](std::string_view name, std::string_view value) {
    if (!Inside(name, text) || !Inside(value, text)) std::abort();
    if (name.find('&') != std::string_view::npos || value.find('&') != std::string_view::npos) {
      std::abort();
    }
    return ++items < 20000;
  });
  return 0;
}
