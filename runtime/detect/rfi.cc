// Remote file inclusion: a URL handed to an include()-style parameter.
// Plain links are everywhere in API traffic, so a URL alone is never enough:
// it needs a truncation trick (a trailing '?', '%00' or '#' that cuts off the
// extension the application appends), a script-like resource (.php, .txt,
// .inc ...) on an IP literal or with an include-ish parameter name, a PHP
// input/data/expect wrapper, or a field whose name says it holds the server
// directory files are included from.
#include <array>
#include <cstdint>
#include <string>
#include <algorithm>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/needle_set.h"
#include "runtime/detect/fill_match.h"
#include "runtime/detect/ip_address.h"
#include "runtime/detect/url_scan.h"
#include "runtime/event/text_codecs.h"

namespace fnguard::detect {
namespace {

using scan::IEquals;
using scan::IFind;

constexpr size_t kNpos = std::string_view::npos;

constexpr std::string_view kScriptExtensions[] = {
    ".php", ".txt", ".inc", ".phtml", ".php3", ".php4", ".php5", ".jsp", ".asp",
    ".aspx", ".pl", ".cgi", ".sh", ".py", ".rb", ".shtml", ".htc", ".gif?", ".jpg?",
};

constexpr std::string_view kIncludeNames[] = {
    "file",   "page",     "include", "inc",  "template", "tpl",    "path",   "doc",
    "document", "folder", "root",    "dir",  "load",     "view",   "content", "layout",
    "mod",    "module",   "conf",    "config", "lang",   "language", "show", "site",
    "cat",    "action",   "board",   "pg",   "style",    "theme",  "skin",   "read",
    "filename", "filepath", "require", "src", "source",
};

bool IsIncludeName(std::string_view name) { return scan::IEqualsAny(name, kIncludeNames); }

// A NUL byte, raw or URL-encoded (once or twice): normalization decodes the
// encoded forms and drops the byte, so only the value as sent still shows it.
bool CarriesNul(std::string_view raw) {
  return raw.find('\0') != kNpos || scan::Find(raw, "%00") != kNpos ||
         scan::Find(raw, "%2500") != kNpos;
}

// Whether the raw value's first NUL (as sent, "%00" or "%2500") comes right
// after a file name's extension ("shell.php.txt%00.html"): what the include
// opens ends there, and the extension appended after it is cut off.
bool NulAfterFileName(std::string_view raw) {
  size_t nul = raw.find('\0');
  for (std::string_view enc : {std::string_view("%00"), std::string_view("%2500")}) {
    nul = std::min(nul, scan::Find(raw, enc));
  }
  if (nul == kNpos || nul < 3) return false;
  size_t k = nul;
  while (k > 0 && nul - k < 6 && scan::IsAlnum(raw[k - 1])) --k;
  return k < nul && k > 1 && raw[k - 1] == '.' && scan::IsAlnum(raw[k - 2]);
}

// Whether what follows a URL's path is only '?' and '#' (at most a few) or
// "%00": the tail that cuts off an extension the application appends.
bool IsTruncatingTail(std::string_view tail) {
  if (tail == "%00") return true;
  if (tail.empty() || tail.size() > 4) return false;
  for (char c : tail) {
    if (c != '?' && c != '#') return false;
  }
  return true;
}

// The path part of `rest` (before '?' or '#').
std::string_view PathOf(std::string_view rest) {
  size_t q = rest.find_first_of("?#");
  return q == kNpos ? rest : rest.substr(0, q);
}

// Whether the path ends in a script extension; with `text` false, not
// ".txt" (only a server-side language's own extensions).
bool HasScriptExtension(std::string_view path, bool text = true) {
  for (std::string_view e : kScriptExtensions) {
    if (e.back() == '?' || (!text && e == ".txt")) continue;
    if (scan::IEndsWith(path, e)) return true;
  }
  return false;
}

// Whether a query only soaks up what the application appends: '?' then
// nothing but '/', '&' and '?' ("x.txt?/", "x.txt?&"), one parameter
// left empty for the appended name ("shell.php?ignore=", "x.txt?&page="),
// a last value that is a script extension ("x.jpg?x=.php"), or a query
// that ends in '&' ("/x?cmd=id&").
bool IsAbsorbingQuery(std::string_view tail) {
  if (tail.size() < 2 || tail.size() > 48 || tail[0] != '?') return false;
  if (tail.find('#') != kNpos) return false;
  bool only_marks = true;
  for (char c : tail) only_marks = only_marks && (c == '?' || c == '/' || c == '&');
  if (only_marks) return true;
  if (tail.back() == '&') return true;
  const size_t eq = tail.rfind('=');
  if (eq == kNpos) return false;
  if (eq + 1 == tail.size()) return tail.find('=') == eq;
  const std::string_view last = tail.substr(eq + 1);
  return last.size() > 1 && last[0] == '.' && last.find_first_of("/&?") == kNpos &&
         HasScriptExtension(last, /*text=*/false);
}

// Whether a URL's path ends in a file no web server runs (text, an include,
// an image) while its query hands a command to it ("shell.txt?cmd=id",
// "x.gif?&exec=ls"): parameters mean something to such a file only once an
// include() has made it code in the page that includes it.
bool StaticFileTakesCommand(std::string_view path, std::string_view tail) {
  if (tail.empty() || tail[0] != '?') return false;
  bool static_file = false;
  for (std::string_view e : {".txt", ".inc", ".gif", ".jpg", ".jpeg", ".png"}) {
    static_file = static_file || scan::IEndsWith(path, e);
  }
  if (!static_file) return false;
  for (size_t p = 1; p < tail.size();) {
    size_t e = tail.find('&', p);
    if (e == kNpos) e = tail.size();
    const std::string_view pair = tail.substr(p, e - p);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (name.size() < pair.size()) {
      for (std::string_view n : {"cmd", "command", "exec", "execute", "shell"}) {
        if (IEquals(name, n)) return true;
      }
    }
    p = e + 1;
  }
  return false;
}

// Whether the last segment of a URL's path names a file by its extension
// ("shell.txt", "c99.jpg"): a dot followed by one to five letters or digits.
bool NamesFileByExtension(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view last = slash == kNpos ? path : path.substr(slash + 1);
  const size_t dot = last.rfind('.');
  if (dot == kNpos || dot == 0) return false;
  const std::string_view ext = last.substr(dot + 1);
  if (ext.empty() || ext.size() > 5) return false;
  for (char c : ext) {
    if (!scan::IsAlnum(c)) return false;
  }
  return true;
}

// Whether the field's name says it holds a server directory, the base an
// application includes its files from: its last word is a compound such as
// "basedir" or "docroot", or "path", "dir", "root" or "folder" qualified by
// the word before it ("absolute_path", "root_dir", "conf[path]"). Words are runs of
// letters in the field path; a return or redirect path is not qualified.
bool NamesServerDirectory(std::string_view path) {
  static constexpr std::string_view kCompounds[] = {
      "basedir", "docroot", "rootdir", "basepath", "rootpath", "includepath", "includedir",
      "incdir",  "libdir",  "appdir",  "installdir", "documentroot", "serverroot"};
  static constexpr std::string_view kDirWords[] = {"path", "dir", "root", "folder"};
  static constexpr std::string_view kQualifiers[] = {
      "absolute", "abs",  "base", "doc",  "document", "root", "install", "include",
      "includes", "inc",  "lib",  "app",  "appserv",  "server", "conf",  "config",
      "cfg",      "home", "web",  "www",  "site"};
  size_t end = path.size();
  while (end > 0 && !scan::IsAlpha(path[end - 1])) --end;
  // Every word listed ends in "th", "ir", "ot" or "er".
  if (end < 2) return false;
  const char a = scan::Lower(path[end - 2]);
  const char b = scan::Lower(path[end - 1]);
  if (!((a == 't' && b == 'h') || (a == 'i' && b == 'r') || (a == 'o' && b == 't') ||
        (a == 'e' && b == 'r'))) {
    return false;
  }
  auto word_before = [&](size_t stop) {
    while (stop > 0 && !scan::IsAlpha(path[stop - 1])) --stop;
    size_t start = stop;
    while (start > 0 && scan::IsAlpha(path[start - 1])) --start;
    return path.substr(start, stop - start);
  };
  const std::string_view last = word_before(end);
  if (scan::IEqualsAny(last, kCompounds)) return true;
  if (!scan::IEqualsAny(last, kDirWords)) return false;
  const std::string_view qualifier = word_before(static_cast<size_t>(last.data() - path.data()));
  return scan::IEqualsAny(qualifier, kQualifiers);
}

// Whether "ftp" occurs in `v`, in any case.
bool HasFtp(std::string_view v) {
  for (size_t p = scan::FindLetter(v, 'f'); p != kNpos; p = scan::FindLetter(v, 'f', p + 1)) {
    if (scan::IAt(v, p, "ftp")) return true;
  }
  return false;
}

// Where a data: URL in `v` carries PHP code in its base64 body, whatever
// media type it names (`data:;base64,PD9waHAg...`, `data:image/png;base64,`):
// PHP's include() runs the body of any data: URL. kNpos when none does.
size_t DataUrlWithPhp(std::string_view v) {
  for (size_t p = IFind(v, "data:"); p != kNpos; p = IFind(v, "data:", p + 5)) {
    // The media type and parameters, read up to 96 bytes (each "data:" is
    // read once, whatever follows it).
    const size_t rel = v.substr(p + 5, 96).find(',');
    if (rel == kNpos) continue;
    const size_t comma = p + 5 + rel;
    const std::string_view params = v.substr(p + 5, comma - p - 5);
    if (params.size() < 7 || !IEquals(params.substr(params.size() - 7), ";base64")) continue;
    // The first 24 digits hold 18 bytes, enough for "<?php" after a few
    // blanks or a byte-order mark.
    const std::string_view body = v.substr(comma + 1, 24);
    size_t digits = 0;
    while (digits < body.size() && event::Base64DigitValue(body[digits]) >= 0) ++digits;
    digits -= digits % 4;
    char buf[event::Base64MaxDecodedSize(24)];
    const std::optional<size_t> n = event::Base64Decode(body.substr(0, digits), buf);
    if (!n.has_value()) continue;
    std::string_view text(buf, *n);
    if (scan::IAt(text, 0, "\xEF\xBB\xBF")) text.remove_prefix(3);
    text.remove_prefix(std::min(scan::SkipSpaces(text, 0), text.size()));
    if (scan::IAt(text, 0, "<?php") || scan::IAt(text, 0, "<?=") ||
        (text.size() > 2 && text[0] == '<' && text[1] == '?' && scan::IsSpace(text[2]))) {
      return p;
    }
  }
  return kNpos;
}

// Whether a URL's or UNC path's host is an address: IPv4 in any form
// inet_aton reads, or IPv6 in brackets.
bool IsAddressHost(std::string_view h) {
  uint32_t v4;
  std::array<uint8_t, 16> v6;
  return ParseIpv4Loose(h, &v4) ||
         (h.size() > 2 && h.front() == '[' && ParseIpv6(h.substr(1, h.size() - 2), &v6));
}

// A value that is a UNC path written with a backslash (`\host\share\x.php`,
// `\/host/share/x.php`, Win32's `\?\UNC\host\share\x.php`): PHP and other
// runtimes on Windows open it over SMB (or WebDAV, "host@SSL@443"), so a
// file include of it runs a remote script whatever allow_url_include says.
// (A value of two forward slashes is a protocol-relative URL: the URL rules
// read it.)
struct UncPath {
  std::string_view host;  // without "@SSL", "@port"
  std::string_view rest;  // from the separator after the host
  size_t begin = 0;
  size_t end = 0;
};

bool ParseUncPath(std::string_view v, size_t first, UncPath* out) {
  if (first + 2 >= v.size() || !scan::IsSlash(v[first]) || !scan::IsSlash(v[first + 1]) ||
      (v[first] == '/' && v[first + 1] == '/')) {
    return false;
  }
  size_t h = first + 2;
  if (h + 5 < v.size() && (v[h] == '?' || v[h] == '.') && scan::IsSlash(v[h + 1]) &&
      scan::IAt(v, h + 2, "unc") && scan::IsSlash(v[h + 5])) {
    h += 6;
  }
  size_t e = h;
  while (e < v.size() && (scan::IsAlnum(v[e]) || v[e] == '.' || v[e] == '-' || v[e] == '_' ||
                          v[e] == '@' || v[e] == '[' || v[e] == ']' || v[e] == ':')) {
    ++e;
  }
  if (e == h || e + 1 >= v.size() || !scan::IsSlash(v[e])) return false;
  const std::string_view host = v.substr(h, e - h);
  out->host = host.substr(0, host.find('@'));
  out->begin = first;
  out->end = v.size();
  while (out->end > e && scan::IsSpace(v[out->end - 1])) --out->end;
  out->rest = v.substr(e, out->end - e);
  return !out->host.empty();
}

// Whether a URL scheme alternates case twice or more after a lower-case
// first letter ("hTtP", "hTTp"); "Http", "HTTPS" and "httpS" do not.
bool AlternatingCase(std::string_view scheme) {
  if (scheme.size() < 3 || !(scheme[0] >= 'a' && scheme[0] <= 'z')) return false;
  int changes = 0;
  for (size_t i = 1; i < scheme.size(); ++i) {
    const bool upper = scheme[i] >= 'A' && scheme[i] <= 'Z';
    const bool was_upper = scheme[i - 1] >= 'A' && scheme[i - 1] <= 'Z';
    changes += upper != was_upper;
  }
  return changes >= 2;
}

class RfiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kRfi; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    std::string_view v = in.norm;
    // Without a ':' (no scheme), a remote file is named only by a value that
    // starts with two separators: a UNC path or a protocol-relative URL.
    const size_t first = scan::SkipSpaces(v, 0);
    const bool two_separators =
        first + 1 < v.size() && scan::IsSlash(v[first]) && scan::IsSlash(v[first + 1]);
    if (!in.mask.Has(':') && !two_separators) return false;
    if (two_separators && in.mask.Has('\\') && InspectUncPath(in, v, first, m)) return true;
    static constexpr std::string_view kIncludeWrappers[] = {
        "php://input", "data://text/plain", "data:text/plain;base64", "expect://",
        "data://text/html"};
    static const NeedleSet kAnyIncludeWrapper(kIncludeWrappers);
    // Each wrapper's ':' follows "php", "data" or "expect".
    bool wrapper_colon = false;
    for (size_t k = v.find(':'); k != kNpos && !wrapper_colon; k = v.find(':', k + 1)) {
      wrapper_colon = (k >= 3 && scan::IAt(v, k - 3, "php")) ||
                      (k >= 4 && scan::IAt(v, k - 4, "data")) ||
                      (k >= 6 && scan::IAt(v, k - 6, "expect"));
    }
    const bool any_wrapper = wrapper_colon && kAnyIncludeWrapper.AnyIn(v);
    for (std::string_view w : kIncludeWrappers) {
      if (!any_wrapper) break;
      size_t p = IFind(v, w);
      if (p != kNpos) {
        return FillMatch(m, "rfi.php_wrapper",
                         "PHP stream wrapper " + std::string(w) + " used as an include source",
                         85, p, w.size());
      }
    }
    if (wrapper_colon && in.mask.Has(',')) {
      const size_t p = DataUrlWithPhp(v);
      if (p != kNpos) {
        return FillMatch(m, "rfi.php_wrapper",
                         "a data: URL whose base64 body is PHP code, used as an include source",
                         85, p, 5);
      }
    }
    if (!in.mask.Has('/')) return false;
    // Every URL rule below needs a truncating '?' or '#' after the path, a
    // script extension (a literal of kScriptExtensions in the value), the
    // scheme "ftp", or a field naming a server directory; URL views point
    // into `v`. The server-directory rule wants a URL that is the whole
    // value, opening with a letter (the scheme); the field's name is read
    // only when no other cue lets the value on, or when that rule's URL is
    // found.
    static const NeedleSet kAnyScriptExtension(kScriptExtensions);
    auto names_directory = [&] {
      return first < v.size() && scan::IsAlpha(v[first]) && NamesServerDirectory(in.path);
    };
    if (!in.mask.HasAny("?#") && !kAnyScriptExtension.AnyIn(v) && !HasFtp(v) &&
        !names_directory()) {
      return false;
    }
    const bool include_name = IsIncludeName(scan::LastPathName(in.path));
    const bool raw_nul = CarriesNul(in.raw);
    size_t pos = 0;
    UrlRef url;
    int n = 0;
    while (n < 16 && NextUrl(v, &pos, &url, /*allow_protocol_relative=*/true)) {
      ++n;
      bool web = url.scheme.empty() || IEquals(url.scheme, "http") ||
                 IEquals(url.scheme, "https") || IEquals(url.scheme, "ftp") ||
                 IEquals(url.scheme, "ftps") || IEquals(url.scheme, "smb");
      if (!web || url.host.empty()) continue;
      std::string_view path = PathOf(url.rest);
      const bool script = HasScriptExtension(path);
      std::string_view tail = url.rest.substr(path.size());
      // Trailing '?' (or a run of them, '#', '%00') that truncates an
      // appended extension, or a query that is only a script extension
      // ("inc.jpg?.php"), which an extension check reads as the file's.
      bool truncation = IsTruncatingTail(tail) || (script && raw_nul) ||
                        (raw_nul && NamesFileByExtension(path) && NulAfterFileName(in.raw)) ||
                        (tail.size() > 1 && tail[0] == '?' && tail[1] == '.' &&
                         HasScriptExtension(tail.substr(1), /*text=*/false) &&
                         tail.find_first_of("/=&", 1) == kNpos);
      // A paste site's raw view ("pastebin.com/raw/Xk9p?") serves text for
      // an include to run.
      const bool raw_paste = IFind(path, "/raw/") != kNpos;
      const bool ip_host = IsAddressHost(url.host);
      // (A query that absorbs only once decoded again is a query as sent:
      // "?search=%22C%23%22" is no empty parameter. Checked in the raw
      // value when the URL up to its query reads the same there.)
      const auto absorbing_as_sent = [&] {
        if (in.RawIsNorm()) return true;
        const std::string_view head = v.substr(url.begin, url.end - url.begin - tail.size());
        const size_t at = scan::Find(in.raw, head);
        if (at == kNpos) return true;
        size_t e = at + head.size();
        while (e < in.raw.size() && !scan::IsSpace(in.raw[e]) && in.raw[e] != '"' &&
               in.raw[e] != '\'' && in.raw[e] != '<' && in.raw[e] != '>') {
          ++e;
        }
        return IsAbsorbingQuery(in.raw.substr(at + head.size(), e - at - head.size()));
      };
      truncation = truncation ||
                   ((script || NamesFileByExtension(path) || ip_host || raw_paste) &&
                    IsAbsorbingQuery(tail) && absorbing_as_sent());
      bool starts_value = url.begin == first;
      // The URL is the whole value: no prose around it.
      bool whole_value = starts_value && url.end == scan::TrimEnd(v);
      // The truncated URL names a file ("http://evil.example/shell.txt?"),
      // sits on an address, or is a whole value with no path at all: a
      // page's address with an empty query ("https://cdn.example/u/5?", as
      // APIs build avatar links) is not one.
      if (truncation &&
          (script || NamesFileByExtension(path) || (ip_host && !path.empty()) || raw_paste ||
           (whole_value && (path.empty() || path == "/")))) {
        return FillMatch(m, "rfi.truncated_url",
                         "Remote URL ending in a truncation trick used for file inclusion", 85,
                         url.begin, url.end - url.begin);
      }
      if (StaticFileTakesCommand(path, tail)) {
        return FillMatch(m, "rfi.remote_script",
                         "Remote text or image file given a command parameter, as an included "
                         "web shell takes it",
                         80, url.begin, url.end - url.begin);
      }
      // A script fetched over FTP comes back as its source, which only an
      // include() runs ("ftp://evil.example/x.php").
      if (IEquals(url.scheme, "ftp") && whole_value && HasScriptExtension(path, /*text=*/false)) {
        return FillMatch(m, "rfi.remote_script", "FTP URL of a server-side script", 75, url.begin,
                         url.end - url.begin);
      }
      if (script && (ip_host || (include_name && starts_value))) {
        return FillMatch(m, "rfi.remote_script",
                         "Remote script URL passed where a file is included", 80, url.begin,
                         url.end - url.begin);
      }
      if (url.scheme.empty() && script && starts_value && include_name) {
        return FillMatch(m, "rfi.remote_script",
                         "Protocol-relative script URL passed where a file is included", 75,
                         url.begin, url.end - url.begin);
      }
      if (whole_value && !url.scheme.empty() && tail.empty() &&
          (path.empty() || path.back() == '/') && names_directory()) {
        return FillMatch(m, "rfi.remote_base_dir",
                         "Remote URL given where a server directory to include from is named",
                         75, url.begin, url.end - url.begin);
      }
      // "hTtP://": a scheme spelled in alternating case, as written to get
      // past a filter that compares it case-sensitively; people and
      // clients write it in lower case, capitalized or in capitals.
      if (starts_value && AlternatingCase(url.scheme)) {
        return FillMatch(m, "rfi.scheme_case_evasion",
                         "Remote URL whose scheme alternates case to slip past a filter", 75,
                         url.begin, url.end - url.begin);
      }
      if (IEquals(url.scheme, "ftp") && starts_value && include_name) {
        return FillMatch(m, "rfi.remote_script", "FTP URL passed where a file is included", 70,
                         url.begin, url.end - url.begin);
      }
    }
    return false;
  }

 private:
  // The rules of URLs, for a UNC path that starts the value (ParseUncPath()):
  // a truncating '?' or NUL after a named file, or a script on an address or
  // in a field named for including.
  static bool InspectUncPath(const Input& in, std::string_view v, size_t first, Match* m) {
    UncPath unc;
    if (!ParseUncPath(v, first, &unc)) return false;
    std::string_view path = PathOf(unc.rest);
    const std::string_view tail = unc.rest.substr(path.size());
    size_t last = path.size();
    while (last > 0 && !scan::IsSlash(path[last - 1])) --last;
    const std::string_view name = path.substr(last);
    const bool script = HasScriptExtension(name);
    const bool truncation = IsTruncatingTail(tail) || (script && CarriesNul(in.raw));
    const bool ip_host = IsAddressHost(unc.host);
    if (truncation && (script || NamesFileByExtension(name))) {
      return FillMatch(m, "rfi.unc_path",
                       "UNC path to a file on a remote share, ending in a truncation trick", 85,
                       unc.begin, unc.end - unc.begin);
    }
    if (script && (ip_host || IsIncludeName(scan::LastPathName(in.path)))) {
      return FillMatch(m, "rfi.unc_path",
                       "UNC path to a script on a remote share (included over SMB on Windows)",
                       80, unc.begin, unc.end - unc.begin);
    }
    return false;
  }
};

}  // namespace

const Detector& RfiDetector() {
  static const RfiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
