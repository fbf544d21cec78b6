// Path traversal and local file inclusion.
//
// The value is folded the way a file API would see it (backslashes and
// look-alike slashes to '/', "0x2f"/"0x5c" spelled-out slashes, NUL and
// ";" tricks) and walked segment by segment: a segment made only of dots
// ("..", "....", "..;") climbs a directory. Climbing two or more levels, or
// climbing into a sensitive file, is an attack; a single climb counts only in
// path-shaped places. Independently, absolute references to well-known
// sensitive files and PHP-style stream wrappers (file://, php://filter, zip://,
// phar://, expect://) are reported. A value that holds invalid UTF-8 is also
// read as a lenient decoder reads it ("%c1%af" as '/'; LenientUtf8Separators).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"
#include "runtime/detect/needle_set.h"
#include "runtime/event/text_codecs.h"
#include "runtime/normalize/normalize.h"
#include "runtime/normalize/text_codec.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::Lower;

constexpr size_t kMaxFolded = 64 * 1024;

// Sensitive files and directories, written with '/' and lower case; matched
// at a segment boundary (start, '/', or after a drive letter).
constexpr std::string_view kSensitive[] = {
    "etc/passwd",
    "etc/shadow",
    "etc/group",
    "etc/hosts",
    "etc/issue",
    "etc/hostname",
    "etc/sudoers",
    "etc/crontab",
    "etc/fstab",
    "etc/mtab",
    "etc/motd",
    "etc/resolv.conf",
    "etc/security/",
    "etc/ssh/",
    "etc/mysql/",
    "etc/httpd/",
    "etc/apache",
    "etc/nginx/",
    "etc/php",
    "etc/profile",
    "etc/master.passwd",
    "etc/pwd.db",
    "etc/spwd.db",
    "etc/inetd.conf",
    "etc/environment",
    "etc/os-release",
    "etc/proftp",
    "etc/vsftpd",
    "etc/ld.so.preload",
    "etc/shells",
    "etc/netplan",
    "etc/network/",
    "etc/redis",
    "proc/self/",
    "proc/version",
    "proc/cpuinfo",
    "proc/meminfo",
    "proc/net/",
    "proc/mounts",
    "proc/1/",
    "proc/sched_debug",
    "var/log/",
    "var/run/secrets",
    "run/secrets/",
    "var/lib/mysql",
    "var/mail/",
    "var/spool/",
    "root/.",
    ".ssh/id_",
    ".ssh/authorized_keys",
    ".ssh/known_hosts",
    ".aws/credentials",
    ".aws/config",
    ".bash_history",
    ".bashrc",
    ".git/config",
    ".git/head",
    ".htpasswd",
    ".htaccess",
    ".docker/config.json",
    ".kube/config",
    ".npmrc",
    ".env",
    "web-inf/web.xml",
    "web-inf/",
    "meta-inf/",
    "wp-config.php",
    "windows/win.ini",
    "win.ini",
    "boot.ini",
    "system.ini",
    "windows/system32",
    "winnt/",
    "windows/repair",
    "inetpub/",
    "web.config",
    "applicationhost.config",
    "sam",
    "php.ini",
    "my.cnf",
    "httpd.conf",
    "id_rsa",
    "dev/null",
    "sys/class/",
    "sys/power/",
    "usr/local/",
};

// Targets that are sensitive even when written as an absolute path alone.
constexpr std::string_view kAbsoluteSensitive[] = {
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/sudoers",
    "/etc/master.passwd",
    "/proc/self/",
    "/etc/hosts",
    "/etc/issue",
    "/.ssh/id_",
    "/.aws/credentials",
    "/root/.",
    "/etc/crontab",
    // Libraries every dynamically linked program loads first: a write there
    // runs code in each of them.
    "/etc/ld.so.preload",
    "/proc/version",
    "/var/run/secrets/",
    // Docker's and Compose's secrets, one file per secret.
    "/run/secrets/",
    "/windows/win.ini",
    "/boot.ini",
    "/windows/system32/",
    "/winnt/",
    "/web-inf/web.xml",
    "/.htpasswd",
    "/.git/config",
    "/.env",
    "/wp-config.php",
    "/var/log/",
    "/etc/",
    // A Java web application's private directory, which the container never
    // serves: its classes, libraries and configuration. (The first two also
    // name it without the leading '/', for RelativeSystemPath().)
    "/web-inf/classes/",
    "/web-inf/lib/",
    "/web-inf/",
};

constexpr std::string_view kWrappers[] = {
    "php://filter", "php://input", "php://fd", "php://memory", "php://temp", "zip://",
    "phar://",      "expect://",   "glob://",  "compress.zlib://", "compress.bzip2://",
    "data://text/", "file://",
};

constexpr bool WrappersHaveColonSlash() {
  for (std::string_view w : kWrappers) {
    if (scan::Find(w, ":/") == std::string_view::npos) return false;
  }
  return true;
}
static_assert(WrappersHaveColonSlash());

// Fold()'s common case: an ASCII byte other than '\\', '0' and NUL maps to
// its lower case; 0 marks the bytes that need a closer look.
constexpr std::array<char, 256> MakeFoldPlain() {
  std::array<char, 256> t{};
  for (int c = 1; c < 0x80; ++c) {
    if (c != '\\' && c != '0') t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return t;
}
constexpr std::array<char, 256> kFoldPlain = MakeFoldPlain();

// Folds `in` into `out`: lower case, '\' and look-alike slashes to '/',
// spelled-out 0x2f/0x5c to '/', NUL dropped. Only the first kMaxFolded
// bytes are folded.
void Fold(std::string_view in, std::string* out) {
  // Every step consumes at least one byte and writes at most one.
  size_t n = std::min(in.size(), kMaxFolded);
  out->resize(n);
  char* o = out->data();
  size_t w = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (const char plain = kFoldPlain[c]; plain != 0) {
      o[w++] = plain;  // the common case, as the last branch below
    } else if (c == '\\') {
      o[w++] = '/';
    } else if (c == 0) {
      continue;
    } else if (c == '0' && i + 3 < n && (in[i + 1] == 'x' || in[i + 1] == 'X') &&
               ((in[i + 2] == '2' && (in[i + 3] == 'f' || in[i + 3] == 'F')) ||
                (in[i + 2] == '5' && (in[i + 3] == 'c' || in[i + 3] == 'C')))) {
      o[w++] = '/';
      i += 3;
    } else if (c == '0' && i + 3 < n && (in[i + 1] == 'x' || in[i + 1] == 'X') &&
               in[i + 2] == '2' && (in[i + 3] == 'e' || in[i + 3] == 'E')) {
      o[w++] = '.';
      i += 3;
    } else if (c == 0xe2 && i + 2 < n && static_cast<unsigned char>(in[i + 1]) == 0x88 &&
               (static_cast<unsigned char>(in[i + 2]) == 0x95 ||
                static_cast<unsigned char>(in[i + 2]) == 0x96)) {
      o[w++] = '/';  // U+2215 DIVISION SLASH, U+2216 SET MINUS
      i += 2;
    } else if (c == 0xef && i + 2 < n &&
               ((static_cast<unsigned char>(in[i + 1]) == 0xbc &&
                 (static_cast<unsigned char>(in[i + 2]) == 0x8f ||
                  static_cast<unsigned char>(in[i + 2]) == 0xbc)) ||
                (static_cast<unsigned char>(in[i + 1]) == 0x80 &&
                 static_cast<unsigned char>(in[i + 2]) == 0xa5))) {
      o[w++] = '/';  // full-width / and \, and the private-use slash U+F025
      i += 2;
    } else if (c == 0xee && i + 2 < n && static_cast<unsigned char>(in[i + 1]) == 0xbf &&
               static_cast<unsigned char>(in[i + 2]) == 0x88) {
      o[w++] = '/';  // private-use slash U+EFC8 (IIS %u decoding)
      i += 2;
    } else if (c == 0xef && i + 2 < n && static_cast<unsigned char>(in[i + 1]) == 0xbc &&
               static_cast<unsigned char>(in[i + 2]) == 0x8e) {
      o[w++] = '.';  // full-width dot
      i += 2;
    } else {
      o[w++] = Lower(static_cast<char>(c));
    }
  }
  out->resize(w);
}

// Whether Fold() finds a spelled-out separator ("0x2f", "0x5c", "0x2e") in `v`.
bool SpelledSeparator(std::string_view v) {
  for (size_t i = v.find('0'); i != std::string_view::npos && i + 3 < v.size();
       i = v.find('0', i + 1)) {
    if ((v[i + 1] == 'x' || v[i + 1] == 'X') && (v[i + 2] == '2' || v[i + 2] == '5')) return true;
  }
  return false;
}

bool IsSegmentStart(std::string_view s, size_t pos) {
  if (pos == 0) return true;
  char p = s[pos - 1];
  return p == '/' || p == '=' || p == ':' || p == ' ' || p == '"' || p == '\'' || p == '(';
}

// Position of the first sensitive target in `f` at or after `from`, and its length.
bool FindSensitive(std::string_view f, size_t from, size_t* at, size_t* len) {
  static const NeedleSet kAny(kSensitive);
  if (from > f.size() || !kAny.AnyIn(f.substr(from))) return false;
  for (std::string_view t : kSensitive) {
    for (size_t p = scan::Find(f, t, from); p != std::string_view::npos;
         p = scan::Find(f, t, p + 1)) {
      if (!IsSegmentStart(f, p)) continue;
      // Whole-segment names must end at a boundary ("sam" not "sample").
      char last = t.back();
      size_t end = p + t.size();
      if (last != '/' && last != '.' && last != '_' && end < f.size()) {
        char e = f[end];
        if (scan::IsAlnum(e) || e == '_' || e == '-') continue;
      }
      *at = p;
      *len = t.size();
      return true;
    }
  }
  return false;
}

struct Traversal {
  int climbs = 0;       // number of dot-only segments
  size_t first = std::string_view::npos;
  size_t end_of_last = 0;
  bool parameter = false;                   // a climb written "..;/"
  size_t alias = std::string_view::npos;    // "/static../": a name ending in ".."
};

bool IsDotSegmentChar(char c) { return c == '.'; }

// A run of at least this many "." segments (with empty ones between them
// allowed) is padding: `/./././././././././etc/passwd`, the path truncation
// that pushed a suffix the application appends past the length limit of
// older PHP builds. No ordinary path repeats "./".
constexpr int kPaddingSegments = 8;

// Whether `f` (folded: '/' separators) holds such a run; sets where it
// starts and how long it is.
bool TruncationPadding(std::string_view f, size_t* first, size_t* len) {
  int dots = 0;
  size_t run_start = 0;
  for (size_t i = 0; i < f.size();) {
    if (f[i] == '/') {
      ++i;
      continue;
    }
    // A segment from i to the next '/'.
    size_t e = i;
    while (e < f.size() && f[e] != '/') ++e;
    if (e - i == 1 && f[i] == '.') {
      if (dots == 0) run_start = i;
      if (++dots >= kPaddingSegments) {
        *first = run_start;
        *len = e - run_start;
        return true;
      }
    } else {
      dots = 0;
    }
    i = e;
  }
  return false;
}

// Climbs written with an unknown separator: "..%bg%qf..%bg%qf", "%/..%/..".
// Counts dot runs separated by the same short filler. Returns the number of
// repetitions and where the pattern ends.
int PeriodicDots(std::string_view f, size_t* first, size_t* end) {
  int best = 0;
  int reps = 0;
  std::string_view prev_filler;
  size_t prev_run_end = std::string_view::npos;
  size_t run_start_first = 0;
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] != '.') {
      i = f.find('.', i);
      if (i == std::string_view::npos) break;
    }
    size_t b = i;
    while (i < f.size() && f[i] == '.') ++i;
    if (i - b < 2) continue;
    if (prev_run_end != std::string_view::npos) {
      std::string_view filler = f.substr(prev_run_end, b - prev_run_end);
      if (!filler.empty() && filler.size() <= 10 && filler == prev_filler) {
        ++reps;
      } else {
        reps = (!filler.empty() && filler.size() <= 10) ? 1 : 0;
        if (reps == 0) run_start_first = b;
      }
      prev_filler = filler;
    } else {
      run_start_first = b;
    }
    if (reps > best) {
      best = reps;
      *first = run_start_first;
      *end = i + prev_filler.size();
    }
    prev_run_end = i;
  }
  return best;
}

// Sensitive targets as letter/digit skeletons: what is left of
// "..%zz%qfetc%zz%qfshadow" or "etc0x5chosts" once separators of any
// spelling are dropped.
constexpr std::string_view kSkeletonTargets[] = {
    "etcpasswd", "etcshadow", "etcissue", "etcgroup", "etchosts", "bootini", "winini",
    "windowssystem32", "winntsystem32", "procselfenviron", "procselfcmdline", "webinfwebxml",
    "systemini", "etcsudoers", "etcmasterpasswd",
};

// The letters and digits of each skeleton target: a skeleton is built from
// the value's own letters (lower-cased) and digits, so a target whose
// characters do not all occur in the value cannot be in its skeleton.
constexpr auto kSkeletonNeeds = AlnumNeeds(kSkeletonTargets);

bool SkeletonTargetPossible(const CharMask& mask) { return mask.HasAlnumOfAny(kSkeletonNeeds); }

// How SkeletonTarget() treats each byte: kept (letters, digits), collapsed
// (whitespace), counted as noise, an escape ('%'), or dropped.
constexpr uint8_t kSkDrop = 0, kSkAlnum = 1, kSkSpace = 2, kSkNoise = 3, kSkPercent = 4;
constexpr std::array<uint8_t, 256> MakeSkeletonClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    if (scan::IsAlnum(ch)) {
      t[c] = kSkAlnum;
    } else if (scan::IsSpace(ch)) {
      t[c] = kSkSpace;
    } else if (ch == '.' || ch == '?' || ch == '^' || c >= 0x80) {
      t[c] = kSkNoise;
    } else if (ch == '%') {
      t[c] = kSkPercent;
    } else {
      t[c] = kSkDrop;
    }
  }
  return t;
}
constexpr std::array<uint8_t, 256> kSkeletonClass = MakeSkeletonClasses();

// The first two bytes of every skeleton target, one bit per pair: a target
// can start only where its pair is, which in prose is rare.
struct SkeletonPairs {
  std::array<uint64_t, 65536 / 64> bits{};
};
constexpr SkeletonPairs MakeSkeletonPairs() {
  SkeletonPairs p;
  for (std::string_view t : kSkeletonTargets) {
    const unsigned key = (unsigned{static_cast<unsigned char>(t[0])} << 8) |
                         static_cast<unsigned char>(t[1]);
    p.bits[key >> 6] |= uint64_t{1} << (key & 63);
  }
  return p;
}
constexpr SkeletonPairs kSkeletonPairs = MakeSkeletonPairs();

constexpr size_t kMinSkeletonTarget = [] {
  size_t n = SIZE_MAX;
  for (std::string_view t : kSkeletonTargets) n = std::min(n, t.size());
  return n;
}();

// The first four bytes of each skeleton target (all have at least six), as
// loaded from memory.
constexpr uint32_t Prefix4(std::string_view t) {
  return std::endian::native == std::endian::little
             ? uint32_t{static_cast<unsigned char>(t[0])} |
                   (uint32_t{static_cast<unsigned char>(t[1])} << 8) |
                   (uint32_t{static_cast<unsigned char>(t[2])} << 16) |
                   (uint32_t{static_cast<unsigned char>(t[3])} << 24)
             : (uint32_t{static_cast<unsigned char>(t[0])} << 24) |
                   (uint32_t{static_cast<unsigned char>(t[1])} << 16) |
                   (uint32_t{static_cast<unsigned char>(t[2])} << 8) |
                   uint32_t{static_cast<unsigned char>(t[3])};
}
constexpr std::array<uint32_t, std::size(kSkeletonTargets)> MakeSkeletonPrefixes() {
  std::array<uint32_t, std::size(kSkeletonTargets)> p{};
  for (size_t i = 0; i < p.size(); ++i) p[i] = Prefix4(kSkeletonTargets[i]);
  return p;
}
constexpr std::array<uint32_t, std::size(kSkeletonTargets)> kSkeletonPrefixes =
    MakeSkeletonPrefixes();
static_assert(kMinSkeletonTarget >= 4);

// Whether some skeleton target occurs in `sk`.
bool SkeletonHasTarget(std::string_view sk) {
  if (sk.size() < kMinSkeletonTarget) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(sk.data());
  const size_t last = sk.size() - kMinSkeletonTarget;
  for (size_t i = 0; i <= last; ++i) {
    const unsigned key = (unsigned{p[i]} << 8) | p[i + 1];
    if (((kSkeletonPairs.bits[key >> 6] >> (key & 63)) & 1) == 0) continue;
    uint32_t head;
    std::memcpy(&head, p + i, sizeof head);
    for (size_t k = 0; k < kSkeletonPrefixes.size(); ++k) {
      if (head != kSkeletonPrefixes[k]) continue;
      const std::string_view t = kSkeletonTargets[k];
      if (sk.size() - i >= t.size() && std::memcmp(p + i + 4, t.data() + 4, t.size() - 4) == 0) {
        return true;
      }
    }
  }
  return false;
}

// Whether some '%' in `f` is followed by a letter or digit: without one, a
// '%' adds noise to the skeleton and nothing else.
bool PercentEscapes(std::string_view f) {
  for (size_t p = f.find('%'); p != std::string_view::npos; p = f.find('%', p + 1)) {
    if (p + 1 < f.size() && scan::IsAlnum(f[p + 1])) return true;
  }
  return false;
}

constexpr size_t kMaxSkeletonTarget = LongestOf(kSkeletonTargets);

// Whether a target occurs in the skeleton of `f` starting at byte `i`, for a
// value without PercentEscapes() that SkeletonTarget() reads whole (shorter
// than its skeleton limit): its skeleton is the value's letters and digits
// in lower case, with a ' ' for each run holding whitespace, so a target
// matches letters and digits of `f` in order from `i`, with only dropped or
// noise bytes between them. Those letters and digits are gathered once, up
// to the next whitespace or the longest target's length.
bool SkeletonMatchAnyAt(std::string_view f, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(f.data());
  if (kSkeletonClass[p[i]] != kSkAlnum) return false;
  char sk[kMaxSkeletonTarget];
  size_t len = 0;
  size_t j = i;
  // The first two (one pair bit rules most positions out), then the rest.
  for (; j < f.size() && len < kMaxSkeletonTarget; ++j) {
    const uint8_t cls = kSkeletonClass[p[j]];
    if (cls == kSkSpace) break;
    if (cls != kSkAlnum) continue;
    sk[len++] = static_cast<char>(NeedleSet::kLower[p[j]]);
    if (len != 2) continue;
    const unsigned key = (unsigned{static_cast<unsigned char>(sk[0])} << 8) |
                         static_cast<unsigned char>(sk[1]);
    if (((kSkeletonPairs.bits[key >> 6] >> (key & 63)) & 1) == 0) return false;
  }
  if (len < kMinSkeletonTarget) return false;
  for (std::string_view t : kSkeletonTargets) {
    if (t.size() <= len && t[0] == sk[0] && t[1] == sk[1] &&
        std::memcmp(sk + 2, t.data() + 2, t.size() - 2) == 0) {
      return true;
    }
  }
  return false;
}

// The first three letters of every skeleton target are one of these
// (SkeletonFilter() below tests for them).
constexpr bool SkeletonStartsAre(std::initializer_list<std::string_view> starts) {
  for (std::string_view t : kSkeletonTargets) {
    bool listed = false;
    for (std::string_view p : starts) listed = listed || t.substr(0, 3) == p;
    if (!listed) return false;
  }
  return true;
}
static_assert(SkeletonStartsAre({"etc", "boo", "win", "web", "pro", "sys"}));

// A necessary condition for SkeletonTarget() on a value without
// PercentEscapes() shorter than its skeleton limit: some target matches at a
// letter that starts a target, either followed by the target's second letter
// and then by its third or a byte that is neither a letter nor a digit, or
// followed by a byte that is neither a letter nor a space (which the
// skeleton may drop) and then by a byte other than a space. Sixteen
// bytes at a time where SSE2 is available; each candidate is checked exactly.
bool SkeletonFilter(std::string_view f) {
  const auto* p = reinterpret_cast<const unsigned char*>(f.data());
  const size_t n = f.size();
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i k20 = _mm_set1_epi8(0x20);
  const __m128i ka = _mm_set1_epi8('a');
  const __m128i k25 = _mm_set1_epi8(25);
  const auto eq = [](__m128i x, char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
  for (; i + 18 <= n; i += 16) {
    const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2));
    // Letters with 0x20 set are lower case; other bytes never become letters.
    const __m128i lo = _mm_or_si128(b0, k20);
    const __m128i hi = _mm_or_si128(b1, k20);
    const __m128i e = eq(lo, 'e'), b = eq(lo, 'b'), w = eq(lo, 'w'), pr = eq(lo, 'p'),
                  sy = eq(lo, 's');
    const __m128i start = _mm_or_si128(_mm_or_si128(_mm_or_si128(e, b), _mm_or_si128(w, pr)), sy);
    // A pair goes on with its target's third letter, or with a byte that is
    // neither a letter nor a digit (which the skeleton may drop).
    const __m128i third = _mm_or_si128(b2, k20);
    const __m128i x2 = _mm_sub_epi8(third, ka);
    const __m128i d2 = _mm_sub_epi8(b2, _mm_set1_epi8('0'));
    const __m128i not_alnum2 = _mm_xor_si128(
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x2, k25), x2),
                     _mm_cmpeq_epi8(_mm_min_epu8(d2, _mm_set1_epi8(9)), d2)),
        _mm_set1_epi8(-1));
    const auto then = [&](char c) { return _mm_or_si128(eq(third, c), not_alnum2); };
    const __m128i pair = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_and_si128(e, eq(hi, 't')), then('c')),
                     _mm_and_si128(_mm_and_si128(b, eq(hi, 'o')), then('o'))),
        _mm_or_si128(
            _mm_or_si128(_mm_and_si128(_mm_and_si128(w, eq(hi, 'i')), then('n')),
                         _mm_and_si128(_mm_and_si128(w, eq(hi, 'e')), then('b'))),
            _mm_or_si128(_mm_and_si128(_mm_and_si128(pr, eq(hi, 'r')), then('o')),
                         _mm_and_si128(_mm_and_si128(sy, eq(hi, 'y')), then('s')))));
    const __m128i hx = _mm_sub_epi8(hi, ka);
    const __m128i hi_letter = _mm_cmpeq_epi8(_mm_min_epu8(hx, k25), hx);
    const __m128i hi_space = _mm_cmpeq_epi8(b1, _mm_set1_epi8(' '));
    // A dropped byte before a space ends the run: "pieces, so", "alike. M".
    const __m128i next_space = _mm_cmpeq_epi8(b2, _mm_set1_epi8(' '));
    const __m128i skip =
        _mm_andnot_si128(_mm_or_si128(_mm_or_si128(hi_letter, hi_space), next_space), start);
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(pair, skip)));
    while (mask != 0) {
      const size_t at = i + static_cast<size_t>(std::countr_zero(mask));
      if (SkeletonMatchAnyAt(f, at)) return true;
      mask &= mask - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    const unsigned char c = NeedleSet::kLower[p[i]];
    if ((c == 'e' || c == 'b' || c == 'w' || c == 'p' || c == 's') && SkeletonMatchAnyAt(f, i)) {
      return true;
    }
  }
  return false;
}

// Builds the skeleton of `f` (alnum only, letters in lower case; any run
// containing whitespace becomes one space) and reports whether a target
// occurs in it after some traversal-looking noise (two or more dots or '?').
// A dot between two letters or digits joins the parts of a name
// ("docs.example.com", "boot.ini", "v2.1") and is not noise: a link such as
// "https://docs.example.com/guide/etc/passwd-format" is no traversal.
// `f` may be folded or not: the skeleton is the same for a value and its
// ASCII lower case.
bool SkeletonTarget(std::string_view f, bool greedy_escapes, std::string_view* target) {
  // Only these bytes add noise below, so fewer than two of them rule a match out.
  int noise_bytes = 0;
  for (size_t i = 0; i < f.size() && noise_bytes < 2; ++i) {
    const char c = f[i];
    noise_bytes += c == '.' || c == '?' || c == '^' || c == '%' ||
                   static_cast<unsigned char>(c) >= 0x80;
  }
  if (noise_bytes < 2) return false;
  constexpr size_t kMaxSkeleton = 4096;
  if (f.size() < kMaxSkeleton && !PercentEscapes(f) && !SkeletonFilter(f)) return false;
  char buf[kMaxSkeleton];
  size_t len = 0;
  int noise = 0;
  for (size_t i = 0; i < f.size() && len < kMaxSkeleton; ++i) {
    const unsigned char c = static_cast<unsigned char>(f[i]);
    const uint8_t cls = kSkeletonClass[c];
    if (cls != kSkPercent) {
      // Without branches on the class (prose alternates letters and spaces):
      // a letter or digit is written in lower case, whitespace as one ' '
      // after anything but a ' ', the rest is dropped; noise is counted.
      const bool alnum = cls == kSkAlnum;
      const bool space = cls == kSkSpace && len > 0 && buf[len - 1] != ' ';
      buf[len] = alnum ? static_cast<char>(NeedleSet::kLower[c]) : ' ';
      len += static_cast<size_t>(alnum | space);
      noise += cls == kSkNoise && !(c == '.' && i > 0 && i + 1 < f.size() &&
                                    scan::IsAlnum(f[i - 1]) && scan::IsAlnum(f[i + 1]));
      continue;
    }
    // Drop escape-looking noise: %5c, %qf, %u2216.
    ++noise;
    if (i + 5 < f.size() && (f[i + 1] == 'u' || f[i + 1] == 'U') && scan::IsHex(f[i + 2]) &&
        scan::IsHex(f[i + 3]) && scan::IsHex(f[i + 4]) && scan::IsHex(f[i + 5])) {
      i += 5;
      continue;
    }
    // "%5c" and the invalid "%qf" are dropped whole; "%c" before a word
    // ("%csystem32") is ambiguous, so both readings are tried.
    size_t k = 0;
    while (k < 2 && i + 1 < f.size() && scan::IsAlnum(f[i + 1])) {
      if (k == 1 && !greedy_escapes && !scan::IsHex(f[i + 1])) break;
      ++i;
      ++k;
    }
  }
  const std::string_view sk(buf, len);
  if (noise < 2 || !SkeletonHasTarget(sk)) return false;
  for (std::string_view t : kSkeletonTargets) {
    size_t p = scan::Find(sk, t);
    if (p == std::string_view::npos) continue;
    *target = t;
    return true;
  }
  return false;
}

bool IsSystemRoot(std::string_view seg) {
  for (std::string_view r : {"etc", "var", "usr", "opt", "proc", "sys", "root", "private",
                             "library", "applications", "system", "bin", "sbin", "lib", "boot",
                             "dev", "srv", "tmp", "windows", "winnt", "inetpub", "xampp",
                             "apache", "apache2", "nginx", "httpd", "mysql"}) {
    if (seg == r) return true;
  }
  return false;
}

// Whole-value names of files that are never legitimate request input.
constexpr std::string_view kSensitiveNames[] = {
    ".htaccess", ".htpasswd", ".env", "web.config", "wp-config.php", "boot.ini", "win.ini",
    "id_rsa", ".bash_history", ".git/config", "web-inf/web.xml", ".aws/credentials",
    "id_dsa", "id_ecdsa", "id_ed25519", "authorized_keys", ".git-credentials", ".netrc",
    ".pgpass", ".kube/config",
    // Shell startup files (a write there persists), shell and client
    // histories (typed passwords), host-trust and X authority files. Not
    // ".profile", ".login" or ".forward": CSS class names read the same.
    ".bashrc", ".bash_profile", ".bash_logout", ".zshrc", ".zsh_history", ".cshrc", ".tcshrc",
    ".sh_history", ".mysql_history", ".psql_history", ".rhosts", ".shosts", ".xauthority",
};

// Read off a whole value before comparing it with kSensitiveNames, after a
// home directory's "~/": the directory that holds SSH keys (`~/.ssh/id_rsa`).
constexpr std::string_view kSshDirPrefix = ".ssh/";

constexpr size_t kMaxSensitiveName = LongestOf(kSensitiveNames);
// Bit n is set when a sensitive name is n bytes long: most short values
// compare with none of them.
constexpr uint32_t kSensitiveNameLengths = [] {
  uint32_t bits = 0;
  for (std::string_view s : kSensitiveNames) bits |= uint32_t{1} << s.size();
  return bits;
}();
static_assert(kMaxSensitiveName < 32);

// Counts dot-only segments bounded by '/' (at least on one side).
Traversal CountClimbs(std::string_view f) {
  Traversal t;
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] != '.') {
      i = f.find('.', i);
      if (i == std::string_view::npos) break;
    }
    size_t b = i;
    while (i < f.size() && IsDotSegmentChar(f[i])) ++i;
    size_t dots = i - b;
    // "..;/" (Tomcat path parameter) and "..?" probes count as a climb.
    size_t e = i;
    while (e < f.size() && (f[e] == ';' || f[e] == '?' || f[e] == ' ') && e - i < 3) ++e;
    bool slash_before = b == 0 || f[b - 1] == '/' || f[b - 1] == '=';
    bool slash_after = e < f.size() && f[e] == '/';
    bool at_end = e == f.size();
    if (dots >= 2 && dots <= 64 &&
        ((slash_after && slash_before) || (at_end && b > 0 && f[b - 1] == '/'))) {
      ++t.climbs;
      if (t.first == std::string_view::npos) t.first = b;
      t.end_of_last = e;
      t.parameter = t.parameter || (e > i && f[i] == ';');
    } else if (dots == 2 && e == i && slash_after && b > 0 && t.alias == std::string_view::npos &&
               (scan::IsAlnum(f[b - 1]) || f[b - 1] == '_' || f[b - 1] == '-')) {
      // nginx's "location /static { alias /data/static/; }" maps
      // "/static../x" to "/data/static/../x".
      size_t k = b;
      while (k > 0 && (scan::IsAlnum(f[k - 1]) || f[k - 1] == '_' || f[k - 1] == '-')) --k;
      // A name must follow: "/static../.env".
      if (k > 0 && f[k - 1] == '/' && e + 1 < f.size() &&
          (scan::IsAlnum(f[e + 1]) || f[e + 1] == '.' || f[e + 1] == '_')) {
        t.alias = k;
      }
    }
    i = e > i ? e : i;
  }
  return t;
}

bool InList(std::string_view s, std::initializer_list<std::string_view> list) {
  for (std::string_view x : list) {
    if (s == x) return true;
  }
  return false;
}

// Directory names of the standard Unix, BSD and macOS hierarchies (hier(7),
// FHS): a path ending in one of these names a directory, not a file.
bool IsStandardDirName(std::string_view s) {
  return InList(s, {"etc", "var", "usr", "opt", "srv", "tmp", "bin", "sbin", "lib", "lib32",
                    "lib64", "libexec", "libdata", "include", "share", "src", "local", "obj",
                    "ports", "x11r6", "home", "user", "users", "dir", "mnt", "media", "net",
                    "boot", "dev", "proc", "sys", "root", "run", "private", "library",
                    "applications", "system", "selinux", "lost+found", "defaults", "periodic",
                    "namedb", "ppp", "mail", "spool", "yp", "cache", "db", "games", "empty",
                    "log", "logs", "www", "html", "doc", "man", "info", "locale", "fonts",
                    "skel", "cron.d", "init.d", "rc.d", "volumes", "cores"});
}

// Directories whose files are configuration, logs, keys or kernel state.
bool IsSensitiveDirName(std::string_view s) {
  return InList(s, {"etc", "conf", "config", "log", "logs", "adm", "proc", "sys", ".ssh", "ssh",
                    "ssl", "private-keys", "security", "secrets", "apache", "apache2", "httpd",
                    "nginx", "mysql", "php", "php4", "php5", "php7", "xampp", "lampp", "wamp",
                    "cpanel", "inetpub", "wwwroot", "tomcat", "proftpd", "vsftpd", "cron.d",
                    "sudoers.d", "pam.d", "repair", "system32", "panther", "root", "grub",
                    "mailman"});
}

// Extensions of configuration, logs, keys, databases, backups and server-side
// scripts.
bool IsSensitiveExt(std::string_view e) {
  return InList(e, {"conf", "cnf", "cfg", "config", "ini", "inf", "log", "key", "pem", "crt",
                    "p12", "pfx", "jks", "kdbx", "db", "pdb", "sqlite", "mdb", "sql", "bak",
                    "old", "orig", "swp",
                    "htpasswd", "htaccess", "passwd", "env", "default", "include",
                    "properties", "yml", "yaml", "xml", "history", "err", "errs", "crit",
                    "notice", "warn", "debug"}) ||
         (e.size() >= 3 && e.substr(e.size() - 3) == "log");  // "access_log"
}

// Extensions of server-side scripts: source disclosure in a web root.
bool IsScriptExt(std::string_view e) {
  return InList(e, {"php", "php3", "php4", "php5", "phtml", "inc", "asp", "aspx", "jsp", "cgi",
                    "pl", "py", "sh"});
}

// Suffixes that editors and administrators leave on a copy of a file.
bool IsBackupSuffix(std::string_view s) {
  return scan::IEqualsAny(s, {"bak", "old", "orig", "save", "swp", "swo", "tmp", "backup", "bk",
                              "copy", "1"});
}

// Whether the last segment of a request path names a backup copy of a
// server-side script or a configuration file (`add.jsp.BAK`,
// `config.php~`, `.index.php.swp`, `.env.old`): a web server hands such a
// copy out as text, so asking for one probes for source code and secrets.
// `*at` is where the segment starts.
bool NamesBackupOfScript(std::string_view path, size_t* at) {
  const size_t slash = path.rfind('/');
  const size_t start = slash == std::string_view::npos ? 0 : slash + 1;
  const std::string_view seg = path.substr(start);
  if (seg.size() < 4 || seg.size() > 128) return false;
  std::string_view base;
  if (seg.back() == '~') {
    base = seg.substr(0, seg.size() - 1);
  } else {
    const size_t dot = seg.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || !IsBackupSuffix(seg.substr(dot + 1))) {
      return false;
    }
    base = seg.substr(0, dot);
  }
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == base.size()) return false;
  const std::string_view ext = base.substr(dot + 1);
  char buf[12];
  if (ext.size() >= sizeof(buf)) return false;
  for (size_t i = 0; i < ext.size(); ++i) buf[i] = scan::Lower(ext[i]);
  const std::string_view lower(buf, ext.size());
  if (!IsScriptExt(lower) &&
      !InList(lower, {"jspx", "cfm", "config", "conf", "cfg", "ini", "env", "yml", "yaml",
                      "properties", "sql"})) {
    return false;
  }
  *at = start;
  return true;
}

// Directories of web servers and their document roots.
bool IsWebServerDirName(std::string_view s) {
  return InList(s, {"apache", "apache2", "httpd", "nginx", "php", "php4", "php5", "php7",
                    "xampp", "lampp", "wamp", "cpanel", "inetpub", "wwwroot", "tomcat", "www",
                    "htdocs", "html", "public_html", "cgi-bin", "webapps", "mailman"});
}

// Base names (before the first '.', '_' or '-') of well-known sensitive files
// and of server software whose files are configuration or logs.
bool IsSensitiveStem(std::string_view s) {
  return InList(s, {"passwd", "shadow", "group", "hosts", "hostname", "sudoers", "syslog",
                    "messages", "secure", "auth", "authlog", "xferlog", "sulog", "wtmp", "btmp",
                    "lastlog", "access", "error", "environ", "cmdline", "httpd", "apache",
                    "apache2", "nginx", "php", "my", "mysql", "mysqld", "proftpd", "pure",
                    "pureftpd", "vsftpd", "sshd", "ssh", "smb", "samba", "tomcat", "wp", "web",
                    "config", "conf", "settings", "credentials", "secrets", "id", "known",
                    "authorized", "master", "shells", "crontab", "fstab", "profile"});
}

// An absolute path read once for the rules below: its last segment and what
// the directories before it are. Trailing NULs and whitespace are not part of
// the path.
struct PathParts {
  std::string_view base;       // the last segment; empty after a trailing '/'
  bool has_dir = false;        // the path holds a '/'
  bool sensitive_dir = false;  // a configuration, log or key directory (IsSensitiveDirName)
  bool web_dir = false;        // a web server's directory (IsWebServerDirName)
  bool kernel = false;         // under /proc or /sys
};

PathParts SplitPath(std::string_view path) {
  while (!path.empty() && (path.back() == '\0' || scan::IsSpace(path.back()))) {
    path.remove_suffix(1);
  }
  PathParts p;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (j == path.size()) {
      p.base = seg;
    } else {
      p.has_dir = true;
      if (!seg.empty()) {
        p.sensitive_dir = p.sensitive_dir || IsSensitiveDirName(seg);
        p.web_dir = p.web_dir || IsWebServerDirName(seg);
        // /proc and /sys hold process and kernel state, whatever the name.
        p.kernel = p.kernel || (i == 1 && (seg == "proc" || seg == "sys"));
      }
    }
    i = j + 1;
  }
  return p;
}

// Whether an absolute path (folded, lower case) names something an attacker
// would read through file inclusion: credentials, keys, configuration, logs,
// shell history, kernel and process interfaces, web-server files. An
// ordinary data file (a document, image, archive, binary) or a bare standard
// directory is not such a target, wherever it lives.
bool WorthReading(const PathParts& p) {
  const std::string_view base = p.base;
  const bool sensitive_dir = p.sensitive_dir, web_dir = p.web_dir, kernel = p.kernel;
  if (base.empty()) return sensitive_dir;
  // A glob ("/var/log/nginx/*.log") names files for a shell or a log
  // shipper; file APIs open no such name.
  if (base.find('*') != std::string_view::npos) return false;
  if (base[0] == '.') return true;  // dot files: shell history, keys, tokens
  size_t dot = base.rfind('.');
  std::string_view stem = base.substr(0, base.find_first_of("._-"));
  if (IsSensitiveStem(stem)) return true;
  if (dot == std::string_view::npos) return kernel || !IsStandardDirName(base);
  // Log files named "<program>log" ("misclog.txt") in a log or config tree.
  if (sensitive_dir && stem.size() > 3 && stem.substr(stem.size() - 3) == "log") return true;
  std::string_view ext = base.substr(dot + 1);
  // Rotated logs: "messages.1", "syslog.2.gz".
  bool digits = !ext.empty();
  for (char c : ext) digits = digits && scan::IsDigit(c);
  if (digits) return true;
  if ((ext == "gz" || ext == "bz2" || ext == "xz") && dot > 0) {
    std::string_view inner = base.substr(0, dot);
    size_t d2 = inner.rfind('.');
    if (d2 != std::string_view::npos && d2 + 1 < inner.size() &&
        scan::IsDigit(inner[d2 + 1])) {
      return true;
    }
  }
  return (sensitive_dir && IsSensitiveExt(ext)) || (web_dir && IsScriptExt(ext));
}

bool WorthReading(std::string_view path) { return WorthReading(SplitPath(path)); }

// A path below the directories a function's own code lives in (folded:
// lower case, '/'): on Lambda the handler's package (/var/task), the runtime
// (/var/runtime) and the layers' language directories below /opt; on Azure
// the app's and the host's directories below /home (or D:/home). The
// function's source and its dependencies' configuration are what an attacker
// reads first; no request names them.
// Azure Functions and App Service: the app's code and settings below
// /home/site/wwwroot, the host's keys below /home/data/Functions/secrets (on
// Windows plans the same below D:/home; folded as above).
bool IsAzureAppPath(std::string_view f) {
  const std::string_view home = f.size() > 2 && f[1] == ':' && scan::IsAlpha(f[0]) ? f.substr(2) : f;
  for (std::string_view dir : {"/home/site/wwwroot/", "/home/data/functions/secrets/"}) {
    if (home.starts_with(dir)) return home.size() > dir.size();
  }
  return false;
}

bool IsFunctionCodePath(std::string_view f) {
  if (f.starts_with("/var/task/") || f.starts_with("/var/runtime/")) return f.size() > 10;
  if (IsAzureAppPath(f)) return true;
  if (!f.starts_with("/opt/")) return false;
  // (Not /opt/bin or /opt/lib: many systems keep their own programs there.)
  for (std::string_view dir : {"nodejs/", "python/", "java/", "ruby/", "extensions/"}) {
    if (f.substr(5).starts_with(dir)) return f.size() > 5 + dir.size();
  }
  return false;
}

// Whether a folded Windows path holds a segment in 8.3 short-name form
// ("progra~1", "micros~2"), which Windows resolves to the long name and which
// people never type.
bool HasShortName(std::string_view f) {
  size_t seg = 0;
  for (size_t k = 0; k <= f.size(); ++k) {
    if (k < f.size() && f[k] != '/') continue;
    const std::string_view s = f.substr(seg, k - seg);
    const size_t t = s.find('~');
    if (t != std::string_view::npos && t >= 1 && t <= 6 && t + 1 < s.size() &&
        scan::IsDigit(s[t + 1]) && (t + 2 == s.size() || s[t + 2] == '.')) {
      bool name = true;
      for (size_t j = 0; j < t; ++j) name = name && scan::IsAlnum(s[j]);
      if (name) return true;
    }
    seg = k + 1;
  }
  return false;
}

// Base names of server, database and system files that a request has no
// reason to name by an absolute path: configuration, logs, accounts and data
// files, known by name wherever the software is installed.
[[gnu::noinline]] bool IsServerFileName(std::string_view base) {
  return InList(base, {"php.ini", "httpd.conf", "apache2.conf", "lighttpd.conf", "nginx.conf",
                       "my.cnf", "my.ini", "pg_hba.conf", "pg_ident.conf", "postgresql.conf",
                       "pg_version", "catalina.out", "tomcat-users.xml", "miniserv.users",
                       "miniserv.conf", "smb.conf", "sshd_config", "proftpd.conf",
                       "vsftpd.conf", "pure-ftpd.conf", "login.defs", "at.allow", "at.deny",
                       "cron.allow", "cron.deny", "bash.bashrc", "inittab", "crontab",
                       "sudoers", "ntuser.dat", "sysprep.xml", "sysprep.inf", "unattend.xml",
                       "unattended.xml", "filezilla server.xml", "mysql-bin.index",
                       "global.asa", "applicationhost.config", "master.mdf", "krb5.conf",
                       "krb5.keytab", "named.conf", "slapd.conf", "xorg.conf", "metabase.xml"});
}

// Whether an absolute path (folded, from its root) names a server's
// configuration or log file wherever the server is installed
// ("/www/conf/httpd.conf", "/logs/access_log", "/home/postgres/data/pg_hba.conf",
// "c:/program files/mysql/data/mysql.err"): a well-known file name, or a
// configuration, key or log extension below a configuration or log directory.
bool NamesServerFile(const PathParts& p) {
  if (!p.has_dir) return false;
  if (IsServerFileName(p.base)) return true;
  if (!p.sensitive_dir) return false;
  const size_t dot = p.base.rfind('.');
  if (dot == std::string_view::npos) return scan::IEndsWith(p.base, "_log");
  return InList(p.base.substr(dot + 1), {"conf", "cnf", "cfg", "ini", "log", "err", "key", "pem",
                                         "htpasswd", "passwd", "users", "out"});
}

// Cheap test for RelativeSystemPath(), on the value before folding: the
// first letter of every target below.
bool MayBeRelativeSystemPath(std::string_view g) {
  if (g.empty()) return false;
  const char c = scan::Lower(g[0]);
  return c == 'e' || c == 'p' || c == 'w' || c == 'r' || c == 'v' || c == '.';
}

// Whether the whole folded value `f` is one of kAbsoluteSensitive's files
// without its leading '/' ("etc/passwd"), or a path below one of its
// directories ("proc/self/environ"). Only targets with a directory count:
// the bare names are kSensitiveNames' rule, and "etc/" or "var/log/" alone
// say too little.
bool RelativeSystemPath(std::string_view f) {
  while (!f.empty() && scan::IsSpace(f.back())) f.remove_suffix(1);
  for (std::string_view a : kAbsoluteSensitive) {
    const std::string_view t = a.substr(1);
    const size_t inner = t.find('/');
    if (inner == std::string_view::npos || inner + 1 == t.size() || t == "var/log/") continue;
    if (t.back() == '/' ? f.size() > t.size() && f.substr(0, t.size()) == t : f == t) return true;
  }
  return false;
}

// The longest value read as a base64-encoded path, and the first digits
// such a path can encode to: '/' and '.' give 'L', '\\' gives 'X', a drive
// letter 'Q', 'R' (upper case), 'Y' or 'Z' (lower case).
constexpr size_t kMaxBase64Path = 1024;

bool MayBeBase64Path(std::string_view v, const CharMask& mask) {
  static constexpr CharSet kBase64Digits(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_");
  if (v.size() < 8 || v.size() > kMaxBase64Path || mask.has_control || mask.has_non_ascii) {
    return false;
  }
  if ((mask.bits & ~kBase64Digits.bits) != 0 || (mask.high & ~kBase64Digits.high) != 0) {
    return false;
  }
  const char c = v[0];
  return c == 'L' || c == 'X' || c == 'Q' || c == 'R' || c == 'Y' || c == 'Z';
}

// Whether `p`, a path below a home directory that starts with a dot
// (".viminfo", ".ssh/identity"), names a dot file of the home directory
// itself, an SSH key or a client's credentials.
bool IsHomeSecret(std::string_view p) {
  const size_t slash = p.find('/');
  if (slash == std::string_view::npos) return true;
  const std::string_view dir = p.substr(0, slash);
  const std::string_view rest = p.substr(slash + 1);
  if (dir == ".ssh") {
    return scan::IAt(rest, 0, "id") || scan::IEquals(rest, "known_hosts") ||
           scan::IEquals(rest, "config");
  }
  return scan::IEqualsAny(dir, {".aws", ".kube", ".docker", ".gnupg", ".azure", ".gcloud"}) &&
         !rest.empty();
}

// The part of a whole value below a home directory it names by path: `~/`,
// `/home/<user>/`, `/Users/<user>/` or `C:/Users/<user>/` (empty when it
// names none).
std::string_view BelowHome(std::string_view whole) {
  if (whole.size() > 2 && whole[0] == '~' && whole[1] == '/') return whole.substr(2);
  size_t user = 0;
  if (scan::IAt(whole, 0, "/home/")) {
    user = 6;
  } else if (scan::IAt(whole, 0, "/users/")) {
    user = 7;
  } else if (whole.size() > 9 && scan::IsAlpha(whole[0]) && whole[1] == ':' &&
             scan::IAt(whole, 2, "/users/")) {
    user = 9;  // a Windows profile, "C:\Users\<user>\" folded
  } else {
    return {};
  }
  const size_t slash = whole.find('/', user);
  if (slash == std::string_view::npos || slash == user) return {};
  for (size_t i = user; i < slash; ++i) {
    const char c = whole[i];
    if (!scan::IsAlnum(c) && c != '.' && c != '_' && c != '-') return {};
  }
  return whole.substr(slash + 1);
}

// A dot file or directory of a home directory that IsHomeSecret() accepts,
// named by its path from the home directory (BelowHome()) as the whole value.
[[gnu::noinline]] bool HomeDotFile(std::string_view whole, Match* m) {
  const std::string_view rest = BelowHome(whole);
  if (!(rest.size() > 1 && rest[0] == '.' && scan::IsAlnum(rest[1]))) return false;
  if (whole.find_first_of(" <>\"'") != std::string_view::npos) return false;
  if (!IsHomeSecret(rest)) return false;
  return FillMatch(m, "path_traversal.sensitive_file", "Value names a dot file in a home directory",
                   70, 0, whole.size());
}

// Whether the path at [p, end) of `f` stands inside a sentence ("asked why
// /etc/passwd is world-readable"): a word of letters before it that reads
// no file, a word of letters after it.
bool WrittenAbout(std::string_view f, size_t p, size_t end) {
  // (Letters of any script: "Mac の /etc/hosts を編集する".)
  const auto letter = [](char c) {
    return scan::IsAlpha(c) || static_cast<unsigned char>(c) >= 0x80;
  };
  if (p < 3 || f[p - 1] != ' ' || end + 2 >= f.size() || f[end] != ' ' || !letter(f[end + 1])) {
    return false;
  }
  size_t w = p - 1;
  while (w > 0 && letter(f[w - 1])) --w;
  const std::string_view before = f.substr(w, p - 1 - w);
  if (before.size() < 2 || (w > 0 && !scan::IsSpace(f[w - 1]))) return false;
  static constexpr std::string_view kReaders[] = {
      "cat",  "more",   "less", "head",    "tail",    "type", "nl",   "tac",  "strings",
      "xxd",  "od",     "base", "curl",    "wget",    "cp",   "mv",   "scp",  "include",
      "require", "source", "file", "get",  "open",    "read", "load", "view", "show",
      "print", "echo",  "grep", "sed",     "awk",     "vi",   "vim",  "nano", "sort"};
  return !scan::IEqualsAny(before, kReaders);
}

// The last key of a field path ("body.items[0].src" -> "src").
std::string_view LastKey(std::string_view path) {
  while (!path.empty() && path.back() == ']') {
    const size_t open = path.rfind('[');
    if (open == std::string_view::npos) break;
    path.remove_suffix(path.size() - open);
  }
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

// JSON keys whose value is a URI reference that the reader resolves against
// the document's own location, where one "../" is ordinary: JSON Schema and
// OpenAPI references ("$ref": "../common.json#/Address"), links and sources
// in content documents, and configuration that extends a parent file
// ("extends": "../tsconfig.base.json").
bool IsUriReferenceKey(std::string_view key) {
  return scan::IEqualsAny(key, {"$ref", "$schema", "$id", "href", "src", "extends"});
}

// Whether `d` holds a lead byte that LenientUtf8Separators() may read as
// '.' or '/'.
bool HasLenientLead(std::string_view d) {
  for (char c : d) {
    if (normalize::IsLenientUtf8Lead(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Whether `raw` may read differently to a lenient decoder: it holds such a
// lead byte (looked for only when `non_ascii`), or one percent-encoded
// ("%c1", "%F8"), or a percent-encoded '%' (double encoding).
bool MayReadLeniently(std::string_view raw, bool non_ascii) {
  for (size_t p = raw.find('%'); p != std::string_view::npos && p + 2 < raw.size();
       p = raw.find('%', p + 1)) {
    const int hi = normalize::HexValue(raw[p + 1]);
    const int lo = normalize::HexValue(raw[p + 2]);
    if (hi < 0 || lo < 0) continue;
    const auto b = static_cast<unsigned char>(hi * 16 + lo);
    if (b == '%' || normalize::IsLenientUtf8Lead(b)) return true;
  }
  return non_ascii && HasLenientLead(raw);
}

class PathTraversalImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kPathTraversal; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    if (InspectValue(in, m)) return true;
    // "index.php::$DATA": a file's unnamed NTFS data stream, which IIS serves
    // as the file's bytes instead of running it (a script's source). The
    // name has an extension; PHP's "self::$data" names a property.
    if (in.mask.Has('$') && in.mask.Has(':') && in.mask.Has('.')) {
      const std::string_view v = in.norm;
      const size_t p = scan::IFind(v, "::$data");
      if (p != std::string_view::npos && p > 0 &&
          (p + 7 == v.size() || !(scan::IsAlnum(v[p + 7]) || v[p + 7] == '_'))) {
        size_t b = p;
        while (b > 0 && p - b < 64 &&
               (scan::IsAlnum(v[b - 1]) || v[b - 1] == '_' || v[b - 1] == '-' || v[b - 1] == '.')) {
          --b;
        }
        const size_t dot = v.substr(b, p - b).rfind('.');
        if (dot != std::string_view::npos && dot > 0 && b + dot + 1 < p) {
          return FillMatch(m, "path_traversal.ntfs_stream",
                           "a file's NTFS data stream (::$DATA): the server returns its source", 80,
                           b, p + 7 - b);
        }
      }
    }
    if (MayBeBase64Path(in.norm, in.mask) && InspectBase64(in, m)) return true;
    // Nothing to decode: no sequence a lenient decoder reads differently.
    const bool raw_is_norm = in.RawIsNorm();
    if (raw_is_norm && !in.mask.Has('%') && !in.mask.has_non_ascii) return false;
    if (!MayReadLeniently(in.raw, !raw_is_norm || in.mask.has_non_ascii)) return false;
    return InspectLenient(in, m);
  }

 private:
  // A whole value in base64 that decodes to a path the rules below report
  // ("L2V0Yy9wYXNzd2Q=" is "/etc/passwd"): for an application that decodes
  // a parameter before it opens the file it names. One decoding only: the
  // decoded text is read by InspectValue(), not by Inspect() again.
  bool InspectBase64(const Input& in, Match* m) const {
    std::string_view v = in.norm;
    while (!v.empty() && v.back() == '=') v.remove_suffix(1);
    char buf[event::Base64MaxDecodedSize(kMaxBase64Path)];
    const std::optional<size_t> n = event::Base64Decode(v, buf);
    if (!n || *n < 4) return false;
    std::string_view d(buf, *n);
    // Text, not bytes: a random token decodes to control and high bytes.
    while (!d.empty() && d.back() == '\0') d.remove_suffix(1);
    for (char c : d) {
      if (c < 0x20 || c > 0x7e) return false;
    }
    return InspectReading(in, d, "path_traversal.base64_path", "Base64-encoded path: ", m);
  }

  // `text`, another reading of the whole value `in`, read by InspectValue();
  // a match is reported under `rule` for the whole value, its reason after
  // `why`.
  bool InspectReading(const Input& in, std::string_view text, std::string_view rule,
                      std::string_view why, Match* m) const {
    Input r = in;
    r.raw = text;
    r.norm = text;
    r.mask = CharMask::Of(text);
    Match inner;
    if (!InspectValue(r, &inner)) return false;
    return FillMatch(m, rule, std::string(why) + inner.reason, inner.score, 0, in.norm.size());
  }

  // The value as a lenient decoder reads it (IIS's: "..%c1%af" and
  // "%c0%ee%c0%ee/" climb), when that reading differs.
  bool InspectLenient(const Input& in, Match* m) const {
    std::string decoded;
    std::string_view d = in.raw;
    if (normalize::UrlDecodeRepeated(d, &decoded)) d = decoded;
    std::string lenient;
    if (!HasLenientLead(d) || !normalize::LenientUtf8Separators(d, &lenient)) return false;
    return InspectReading(in, lenient, "path_traversal.lenient_utf8",
                          "Invalid UTF-8 that lenient decoders read as '.' or '/': ", m);
  }

  bool InspectValue(const Input& in, Match* m) const {
    std::string_view v = in.norm;
    if (v.size() < 3) return false;
    const CharMask& mk = in.mask;
    const bool has_slash = mk.HasAny("/\\") || mk.has_non_ascii || mk.Has('0');
    const bool has_dot = mk.Has('.') || mk.has_non_ascii || mk.Has('0');
    // (Base64 has neither: its rule reads the unfolded value.)
    if (!has_slash && !has_dot) return Base64Traversal(v, mk, m);
    // Which rules on the folded value can match, from what Fold() can make:
    // '/' and '.' come from themselves, from spelled-out 0x2f/0x5c/0x2e and
    // from non-ASCII look-alikes, and dropping a NUL can join two dots.
    // Without those extras Fold() maps byte to byte.
    const bool extras = mk.has_non_ascii || mk.has_control ||
                        (mk.Has('0') && (mk.Has('x') || mk.Has('X')) && SpelledSeparator(v));
    const bool slash_f = mk.HasAny("/\\") || extras;          // absolute and system paths
    const bool dots_f =
        extras || (mk.Has('.') && scan::HasDoubled(v, '.'));  // climbs
    // Every kSensitiveName has a '.' or '_'; without '/' or ".." at most one
    // leading byte is stripped before comparing.
    const bool short_name = v.size() <= kMaxSensitiveName + 1 && mk.HasAny("._");
    const bool skeleton = SkeletonTargetPossible(mk);
    // When `raw` is `norm` (nothing to normalize), the mask says whether it
    // can hold a NUL or "%00".
    const bool raw_is_norm = in.RawIsNorm();
    const bool nul = raw_is_norm
                         ? (mk.has_control && v.find('\0') != std::string_view::npos) ||
                               (mk.Has('%') && scan::Find(v, "%00") != std::string_view::npos)
                         : in.raw.find('\0') != std::string_view::npos ||
                               scan::Find(in.raw, "%00") != std::string_view::npos;
    if (!(mk.Has(':') || slash_f || dots_f || short_name || skeleton || nul)) {
      return Base64Traversal(v, mk, m);  // the only rule left, on the unfolded value
    }
    // Without the extras and '\\', Fold() only lower-cases ASCII: `g`, the
    // value cut to the folded length, has the folded value's bytes up to case,
    // at the same positions. Rules whose test ignores case read `g`; the
    // others fold first, and only once a cheap test on `g` says they can match
    // (on prose with '/' and '.', most values never need folding).
    thread_local std::string folded;
    const bool lower_only = !extras && !mk.Has('\\');
    bool have_f = !lower_only;
    if (have_f) Fold(v, &folded);
    std::string_view f = have_f ? std::string_view(folded) : std::string_view();
    const std::string_view g = have_f ? f : v.substr(0, std::min(v.size(), kMaxFolded));
    const auto fold = [&]() -> std::string_view {
      if (!have_f) {
        Fold(v, &folded);
        f = folded;
        have_f = true;
      }
      return f;
    };

    // Every wrapper has a ":/" (WrappersHaveColonSlash()).
    static const NeedleSet kAnyWrapper(kWrappers);
    if (in.mask.Has(':') && scan::Find(g, ":/") != std::string_view::npos && kAnyWrapper.AnyIn(g)) {
      fold();
      for (std::string_view w : kWrappers) {
        size_t p = scan::Find(f, w);
        if (p == std::string_view::npos) continue;
        if (w == "file://") {
          // file:// with a path; public web URLs never use it.
          size_t a = p + w.size();
          if (a >= f.size() || scan::IsSpace(f[a]) || f[a] == '"' || f[a] == '\'' || f[a] == ')' ||
              f[a] == ',') {
            continue;  // "file://" named in prose
          }
        }
        return FillMatch(m, "path_traversal.stream_wrapper",
                         "Stream wrapper " + std::string(w) + " used to read or include files", 85,
                         p, w.size());
      }
    }

    // Climbs and dot runs need two dots in a row in `f`; counting them looks
    // at dots, slashes, ';', '?', ' ' and '=' only.
    Traversal t = dots_f ? CountClimbs(g) : Traversal{};
    size_t sat = 0, slen = 0;
    bool sensitive_after =
        t.climbs > 0 && FindSensitive(fold(), t.end_of_last, &sat, &slen);
    if (t.climbs >= 2 || (t.climbs >= 1 && sensitive_after)) {
      int score = sensitive_after ? 95 : (t.climbs >= 3 ? 85 : 75);
      return FillMatch(m, "path_traversal.dot_dot_slash",
                       sensitive_after
                           ? "Directory traversal to a sensitive file"
                           : "Directory traversal climbing " + std::to_string(t.climbs) + " levels",
                       score, t.first, (sensitive_after ? sat + slen : t.end_of_last) - t.first);
    }
    if (dots_f) {
      fold();  // PeriodicDots() compares fillers byte for byte
      size_t pfirst = 0, pend = 0;
      int reps = PeriodicDots(f, &pfirst, &pend);
      if (reps >= 2 || (reps >= 1 && FindSensitive(f, pend > 0 ? pend - 1 : 0, &sat, &slen))) {
        return FillMatch(m, "path_traversal.encoded_dots",
                         "Repeated dot-dot sequences with an encoded separator", 80, pfirst,
                         pend - pfirst);
      }
    }
    {
      std::string_view whole = g;
      // A home directory's dot file named by its path (`~/.viminfo`,
      // `/home/alice/.bash_history`), or a
      // key or a client's credentials below one (`~/.ssh/identity`,
      // `~/.docker/config.json`): shell and editor state, histories, keys
      // and tokens, none of them request input.
      if (whole.size() > 3 && (whole[0] == '~' || whole[0] == '/' || whole[1] == ':') &&
          HomeDotFile(whole, m)) {
        return true;
      }
      if (whole.size() > 2 && whole[0] == '~' && whole[1] == '/') whole.remove_prefix(2);
      while (!whole.empty() && (whole.front() == '/' || whole.front() == '.') &&
             !(whole.size() > 1 && whole[0] == '.' && scan::IsAlpha(whole[1]))) {
        whole.remove_prefix(1);
      }
      if (!whole.empty() && whole[0] == '.' && scan::IAt(whole, 0, kSshDirPrefix)) {
        whole.remove_prefix(kSshDirPrefix.size());
      }
      const bool length_ok =
          whole.size() <= kMaxSensitiveName && ((kSensitiveNameLengths >> whole.size()) & 1);
      for (std::string_view name : kSensitiveNames) {
        if (!length_ok) break;
        if (scan::IEquals(whole, name)) {  // `f` == name
          return FillMatch(m, "path_traversal.sensitive_file",
                           "Value names the sensitive file " + std::string(name), 70, 0, g.size());
        }
      }
    }
    // A system file named by its path from the root without the leading
    // '/' ("etc/passwd", "proc/self/environ"): read relative to "/", or to
    // whatever directory the application joins the value to.
    if (slash_f && !mk.Has(' ') && MayBeRelativeSystemPath(g) && RelativeSystemPath(fold())) {
      return FillMatch(m, "path_traversal.sensitive_file",
                       "Value names a system file by its path from the root", 70, 0, g.size());
    }
    // Absolute sensitive paths with no traversal.
    // Every absolute target starts with '/': search from the first one.
    static const NeedleSet kAnyAbsolute(kAbsoluteSensitive);
    const size_t first_slash = slash_f ? g.find('/') : std::string_view::npos;
    const bool any_absolute =
        first_slash != std::string_view::npos && kAnyAbsolute.AnyIn(g.substr(first_slash));
    if (any_absolute) fold();
    bool written_about = false;  // a sensitive path stands inside a sentence
    // A Win32 device path (\\.\GLOBALROOT\Device\HarddiskVolumeShadowCopy1
    // then \Windows\System32\config\SAM) reaches a volume's files below
    // the device's own name.
    const bool device_path =
        any_absolute && (scan::IAt(f, 0, "//./") || scan::IAt(f, 0, "//?/"));
    for (std::string_view a : kAbsoluteSensitive) {
      if (!any_absolute) break;
      size_t p = scan::Find(f, a);
      if (p == std::string_view::npos) continue;
      // "/etc/", "/var/log/" and "/web-inf/..." only when the whole value
      // is such a path ("put the jar in /WEB-INF/lib/" is documentation).
      // Everything below WEB-INF is private to the application (its code
      // and libraries); below /etc/ and /var/log/ only what is worth reading.
      const bool web_inf = a.starts_with("/web-inf/");
      bool generic = a == "/etc/" || a == "/var/log/" || web_inf;
      // ("//etc/passwd" is the same file to the kernel.)
      const bool at_start = p == 0 || (p == 1 && f[0] == '/');
      if (generic && !(at_start && f.find(' ') == std::string_view::npos && f.size() > a.size() &&
                       (web_inf || WorthReading(f)))) {
        continue;
      }
      // Preceded by start, a drive letter, a quote, '=', ':', an opening
      // parenthesis or brace (LaTeX's "\input{/etc/passwd}") or whitespace;
      // not inside a longer URL path such as "https://x/etc/passwd-docs".
      // In the request path itself every '/' starts a segment: a route that
      // ends by naming a system file (`/@fs/etc/passwd`, `/files/.env`)
      // hands that path to whatever serves files below it.
      if (p > 0 && !(in.location == event::Location::kPath && !generic)) {
        char b = f[p - 1];
        bool ok = device_path || at_start || b == '=' || b == ' ' || b == '"' || b == '\'' ||
                  b == ':' || b == '(' || b == '{' || b == '.' || b == '\n' || b == '\t' ||
                  b == '>' || b == ',';
        if (!ok) continue;
        if (b == ':' && p >= 2 && !scan::IsAlpha(f[p - 2])) continue;
      }
      size_t end = p + a.size();
      if (a.back() != '/' && end < f.size() && (scan::IsAlnum(f[end]) || f[end] == '_')) continue;
      if (a.back() != '/' && WrittenAbout(f, p, end)) {
        written_about = true;
        continue;
      }
      return FillMatch(m, "path_traversal.sensitive_file",
                       "Reference to the sensitive system file " + std::string(a), 80, p, a.size());
    }
    if (skeleton && !written_about) {
      std::string_view target;
      // The two escape readings differ only where a '%' is followed by a
      // letter or digit; elsewhere both build the same skeleton.
      bool has_percent = false;
      for (size_t p = g.find('%'); p != std::string_view::npos && !has_percent;
           p = g.find('%', p + 1)) {
        has_percent = p + 1 < g.size() && scan::IsAlnum(g[p + 1]);
      }
      if (SkeletonTarget(g, true, &target) || (has_percent && SkeletonTarget(g, false, &target))) {
        return FillMatch(m, "path_traversal.obfuscated_traversal",
                         "Obfuscated traversal to a sensitive file", 80, 0, g.size());
      }
    }
    // (Eight "." segments in a row hold "/./".)
    if (slash_f && scan::Find(g, "/./") != std::string_view::npos) {
      size_t at = 0, len = 0;
      if (TruncationPadding(g, &at, &len)) {
        return FillMatch(m, "path_traversal.truncation_padding",
                         "A path padded with repeated ./ segments (path truncation)", 75, at,
                         len);
      }
    }
    if (in.location == event::Location::kPath) {
      size_t at = 0;
      if (NamesBackupOfScript(v, &at)) {
        return FillMatch(m, "path_traversal.backup_file",
                         "The request path names a backup copy of a server-side script or "
                         "configuration file (source and secret disclosure)",
                         70, at, v.size() - at);
      }
    }
    // "..;/" is no directory name: Tomcat and Spring drop the ";" and climb,
    // wherever it stands ("/app/static/..;/admin/env").
    if (t.climbs >= 1 && t.parameter) {
      return FillMatch(m, "path_traversal.dot_dot_slash",
                       "A climb written as '..;/' (a path parameter the server strips)", 80,
                       t.first, t.end_of_last - t.first);
    }
    // Only a plain path: '/' first, then names, dots, '-' and '_' ("/static../x").
    auto plain_path = [&] {
      if (v.empty() || v[0] != '/' || v.size() > 512) return false;
      for (char c : v) {
        if (!(scan::IsAlnum(c) || c == '/' || c == '.' || c == '-' || c == '_')) return false;
      }
      return true;
    };
    if (t.climbs == 0 && t.alias != std::string_view::npos && plain_path()) {
      return FillMatch(m, "path_traversal.dot_dot_slash",
                       "A path segment ending in '..' climbs out of an aliased directory", 70,
                       t.alias, g.size() - t.alias);
    }
    // One climb, after the rules that name what it reaches.
    if (t.climbs == 1) {
      // Where a value's own text is handed over as a path: the request path
      // and its parameters, query values, and body values (a form body is a
      // query string sent in the body; a JSON field is as often a file name).
      const bool pathy_location = in.location == event::Location::kPath ||
                                  in.location == event::Location::kParam ||
                                  in.location == event::Location::kQuery ||
                                  in.location == event::Location::kBody;
      // A value that starts by climbing, after nothing or after segments
      // that lead nowhere ("/", "./": `/./../x`), or a request path that
      // climbs.
      size_t lead = 0;
      while (lead < t.first && (g[lead] == '/' || (g[lead] == '.' && g[lead + 1] == '/'))) {
        lead += g[lead] == '/' ? 1 : 2;
      }
      const bool starts = t.first == lead;
      if (pathy_location && (starts || in.location == event::Location::kPath) &&
          !(in.location == event::Location::kBody && IsUriReferenceKey(LastKey(in.path)))) {
        return FillMatch(m, "path_traversal.dot_dot_slash", "Directory traversal in a path value",
                         60, t.first, t.end_of_last - t.first);
      }
    }
    if (Base64Traversal(v, mk, m)) return true;
    // A value that is entirely an absolute path into a system directory.
    if (in.location == event::Location::kQuery || in.location == event::Location::kParam ||
        in.location == event::Location::kBody || in.location == event::Location::kCookie) {
      std::string_view whole = g;
      while (!whole.empty() && scan::IsSpace(whole.back())) whole.remove_suffix(1);
      size_t root = std::string_view::npos;
      if (whole.size() > 3 && whole[0] == '/') root = 1;
      if (whole.size() > 4 && scan::IsAlpha(whole[0]) && whole[1] == ':' && whole[2] == '/') {
        root = 3;
      }
      // A drive letter or a backslash makes it a Windows path
      // (a path such as \xampp\apache\conf\httpd.conf is rooted on the current drive).
      // A space ends a Unix path in prose ("see /etc/ for that"); Windows
      // directories hold spaces ("c:/program files/mysql/my.ini").
      const bool windows = root == 3 || (root == 1 && mk.Has('\\'));
      // (A glob, "/etc/nginx/conf.d/*.conf", is no file a file API opens.)
      if (root != std::string_view::npos &&
          whole.find_first_of(windows ? "<>\"'*" : " <>\"'*") == std::string_view::npos) {
        whole = fold().substr(0, whole.size());
        size_t slash = whole.find('/', root);
        if (windows ? root == 3 && IsAzureAppPath(whole) : IsFunctionCodePath(whole)) {
          return FillMatch(m, "path_traversal.system_path",
                           "Value is an absolute path into the function's code or its layers",
                           65, 0, whole.size());
        }
        if (windows && HasShortName(whole.substr(root))) {
          return FillMatch(m, "path_traversal.system_path",
                           "Value is a Windows path written with 8.3 short names", 65, 0,
                           whole.size());
        }
        if (slash != std::string_view::npos && slash + 1 < whole.size()) {
          const PathParts parts = SplitPath(whole.substr(root - 1));
          if (NamesServerFile(parts) ||
              (WorthReading(parts) &&
               (IsSystemRoot(whole.substr(root, slash - root)) ||
                (windows && (scan::Find(whole, "/apache") != std::string_view::npos ||
                             scan::Find(whole, "/xampp") != std::string_view::npos ||
                             scan::Find(whole, "/conf/") != std::string_view::npos))))) {
            return FillMatch(m, "path_traversal.system_path",
                             "Value is an absolute path into a system directory", 65, 0,
                             whole.size());
          }
        } else if (slash == std::string_view::npos && IsServerFileName(whole.substr(root))) {
          // A well-known server or system file at the root of a drive or of
          // the file system ("c:/sysprep.inf", "/unattend.xml").
          return FillMatch(m, "path_traversal.system_path",
                           "Value is an absolute path to a well-known server or system file",
                           65, 0, whole.size());
        }
        if (windows && (scan::IEndsWith(whole, ".log") || scan::IEndsWith(whole, "_log") ||
                        scan::IEndsWith(whole, ".conf") || scan::IEndsWith(whole, ".ini") ||
                        scan::IEndsWith(whole, ".cnf") ||
                        scan::Find(whole, "/logs/") != std::string_view::npos)) {
          return FillMatch(m, "path_traversal.system_path",
                           "Value is a Windows path to a server log or configuration file", 65, 0,
                           whole.size());
        }
      }
    }
    // Windows drive paths into the system directory ("c:/windows/...").
    // (IAt() ignores case: `g` reads as `f`.)
    if (g.size() >= 11) {
      for (size_t p = scan::Find(g, ":/"); p != std::string_view::npos;
           p = scan::Find(g, ":/", p + 1)) {
        if (p == 0 || !scan::IsAlpha(g[p - 1]) || (p >= 2 && scan::IsAlnum(g[p - 2]))) continue;
        if (IAt(g, p + 2, "windows/") || IAt(g, p + 2, "winnt/") || IAt(g, p + 2, "boot.ini") ||
            IAt(g, p + 2, "inetpub/") || IAt(g, p + 2, "system volume information")) {
          return FillMatch(m, "path_traversal.sensitive_file",
                           "Reference to a Windows system directory", 75, p - 1, 12);
        }
      }
    }
    // NUL-byte truncation of a file name ("../x.php%00.jpg", "/etc/passwd\0").
    if (nul) {
      size_t s_at, s_len;
      if (FindSensitive(fold(), 0, &s_at, &s_len)) {
        return FillMatch(m, "path_traversal.null_byte",
                         "NUL byte truncating a path to a sensitive file", 80, s_at, s_len);
      }
    }
    return false;
  }

 private:
  // Climbs in a row, base64-encoded, at each of the three offsets a text
  // can start at within base64's 3-byte groups: two whole groups of fixed
  // text each. "../../" starting a group encodes to "Li4vLi4v"; one byte
  // in, the groups "/.." give "Ly4u" (`/../../..`); two bytes in, the
  // groups "./." give "Li8u" (`a/../../..`). The same with backslashes.
  static bool Base64Traversal(std::string_view v, const CharMask& mask, Match* m) {
    static constexpr std::string_view kEncodedClimbs[] = {
        "Li4vLi4v", "Ly4uLy4u", "Li8uLi8u",   // '/'
        "Li5cLi5c", "XC4uXC4u", "LlwuLlwu"};  // '\'
    if (!mask.Has('L') && !mask.Has('X')) return false;
    // One pass for all six: each is 8 bytes, opens with 'L' or 'X', repeats
    // its first 4 bytes and ends in 'v', 'u' or 'c'. Reported as six
    // searches in list order would: the first literal of the list that
    // occurs, at its first position.
    static_assert([] {
      for (std::string_view e : kEncodedClimbs) {
        if (e.size() != 8 || (e[0] != 'L' && e[0] != 'X') || e.substr(0, 4) != e.substr(4) ||
            (e[7] != 'v' && e[7] != 'u' && e[7] != 'c')) {
          return false;
        }
      }
      return true;
    }());
    constexpr size_t kCount = std::size(kEncodedClimbs);
    // The earliest literal of the list found so far, and where: scanning
    // from the start, a literal is found first at its first position.
    size_t found = kCount, found_at = 0;
    const auto try_at = [&](size_t i) {
      for (size_t k = 0; k < found; ++k) {
        if (v.compare(i, 8, kEncodedClimbs[k]) == 0) {
          found = k;
          found_at = i;
          return;
        }
      }
    };
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i lead_l = _mm_set1_epi8('L'), lead_x = _mm_set1_epi8('X');
    const __m128i end_v = _mm_set1_epi8('v'), end_u = _mm_set1_epi8('u');
    const __m128i end_c = _mm_set1_epi8('c');
    for (; i + 8 + 15 <= v.size() && found != 0; i += 16) {
      const auto at = [&](size_t k) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + i + k));
      };
      const __m128i a = at(0), e = at(7);
      const __m128i lead = _mm_or_si128(_mm_cmpeq_epi8(a, lead_l), _mm_cmpeq_epi8(a, lead_x));
      const __m128i end = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(e, end_v), _mm_cmpeq_epi8(e, end_u)), _mm_cmpeq_epi8(e, end_c));
      const __m128i cand = _mm_and_si128(_mm_and_si128(lead, end), _mm_cmpeq_epi8(a, at(4)));
      for (auto c = static_cast<unsigned>(_mm_movemask_epi8(cand)); c != 0 && found != 0;
           c &= c - 1) {
        try_at(i + static_cast<size_t>(std::countr_zero(c)));
      }
    }
#endif
    for (; i + 8 <= v.size() && found != 0; ++i) try_at(i);
    if (found == kCount) return false;
    return FillMatch(m, "path_traversal.base64_traversal",
                     "Base64-encoded directory traversal sequence", 75, found_at, 8);
  }
};

}  // namespace

const Detector& PathTraversalDetector() {
  static const PathTraversalImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
