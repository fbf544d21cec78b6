// Insecure deserialization payloads: Java serialization streams (raw,
// base64 "rO0AB", hex "aced0005") and gadget class names, fastjson/Jackson
// "@type" and Json.NET "$type" polymorphic type keys naming dangerous
// classes, PHP serialize() objects (validated: the declared string length
// must match), .NET BinaryFormatter streams, Python pickle opcodes, YAML
// language tags (!!python/object, !!javax.script...), Ruby Marshal
// payloads carrying known gadgets, and Node.js serialized functions.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/normalize/normalize.h"
#include "runtime/detect/fill_match.h"
#include "runtime/detect/needle_set.h"
#include "runtime/event/content_coding.h"
#include "runtime/event/text_codecs.h"

namespace fnguard::detect {
namespace {

using scan::IFind;
using scan::IsDigit;

constexpr size_t kNpos = std::string_view::npos;

constexpr std::string_view kJavaGadgets[] = {
    "org.apache.commons.collections.functors.",
    "org.apache.commons.collections4.functors.",
    "org.apache.commons.beanutils.beancomparator",
    "invokertransformer",
    "chainedtransformer",
    "instantiatetransformer",
    "clonetransformer",
    "instantiatefactory",
    "prototypeclonefactory",
    "prototypeserializationfactory",
    "closuretransformer",
    "ysoserial",
    "javax.management.badattributevalueexpexception",
    "com.sun.org.apache.xalan.internal.xsltc.trax.templatesimpl",
    "org.apache.xalan.xsltc.trax.templatesimpl",
    "com.sun.rowset.jdbcrowsetimpl",
    "org.springframework.beans.factory.objectfactory",
    "org.codehaus.groovy.runtime.convertedclosure",
    "org.codehaus.groovy.runtime.methodclosure",
    "com.mchange.v2.c3p0.",
    "org.apache.xbean.naming.context",
    "com.sun.jndi.rmi.registry.referencewrapper",
    "sun.reflect.annotation.annotationinvocationhandler",
    "java.rmi.server.unicastremoteobject",
    "javax.naming.initialcontext",
    "org.hibernate.engine.spi.typedvalue",
    "bsh.xthis",
    "clojure.core$comp",
    "com.sun.syndication.feed.impl.objectbean",
    "org.python.core.pyobject",
    "javax.script.scriptenginemanager",
    "java.net.urlclassloader",
    "java.lang.processbuilder",
};

constexpr std::string_view kDotNetGadgets[] = {
    "system.windows.data.objectdataprovider", "system.data.services.internal.expandedwrapper",
    "system.security.principal.windowsidentity", "system.diagnostics.process",
    "system.workflow.componentmodel.serialization", "typeconfusedelegate",
    "system.management.automation.psobject", "system.configuration.install.assemblyinstaller",
    "system.windows.forms.bindingsource", "system.io.fileinfo",
};

// The letters of the names FindJavaExecName() starts from ("com" matters
// only before "opensymphony.xwork2").
constexpr uint64_t kJavaNeed = CharMask::AlnumOf("java");
constexpr uint64_t kXworkNeed = CharMask::AlnumOf("xwork2");
constexpr uint64_t kJdkNeed = CharMask::AlnumOf("jdk");
constexpr uint64_t kSunNeed = CharMask::AlnumOf("sun");
constexpr uint64_t kOgnlNeed = CharMask::AlnumOf("ognl");

// "aced0005" is searched for case-insensitively.
constexpr uint64_t kAcedNeed = CharMask::AlnumOf("aced0");

// The letters and digits of each Java gadget name (searched for
// case-insensitively): a name whose characters do not all occur in a value
// cannot occur in it.
constexpr auto kGadgetNeeds = AlnumNeeds(kJavaGadgets);

bool JavaGadgetPossible(const CharMask& mask) { return mask.HasAlnumOfAny(kGadgetNeeds); }

// The word before the first '.' of every dotted gadget name
// (GadgetsHaveAnchors() checks the list).
constexpr std::string_view kGadgetAnchors[] = {"org",  "com",   "sun",    "bsh",
                                               "java", "javax", "clojure"};

// The last letters of the kGadgetAnchors words.
constexpr std::array<bool, 256> kAnchorEnds = scan::LastBytes(kGadgetAnchors);

// Whether a dotted gadget name can start in `v`: a kGadgetAnchors word right
// before a '.'. Each word is tried only where the byte before the dot is its
// last letter.
bool DottedGadgetAnchor(std::string_view v) {
  for (size_t k = v.find('.'); k != kNpos; k = v.find('.', k + 1)) {
    if (k == 0) continue;
    const char last = scan::Lower(v[k - 1]);
    if (!kAnchorEnds[static_cast<unsigned char>(last)]) continue;
    for (std::string_view w : kGadgetAnchors) {
      if (w.back() == last && k >= w.size() && scan::IAt(v, k - w.size(), w)) return true;
    }
  }
  return false;
}

// Every dotted gadget name starts with one of kGadgetAnchors.
constexpr bool GadgetsHaveAnchors() {
  for (std::string_view g : kJavaGadgets) {
    const size_t dot = g.find('.');
    if (dot == std::string_view::npos) continue;
    bool anchored = false;
    for (std::string_view w : kGadgetAnchors) anchored = anchored || g.substr(0, dot) == w;
    if (!anchored) return false;
  }
  return true;
}
static_assert(GadgetsHaveAnchors());

// The names of kJavaGadgets without a dot, the only ones that can occur in a
// value without a dotted name's anchor (kAnyUndottedGadget in Inspect).
constexpr size_t kUndottedGadgetCount = [] {
  size_t n = 0;
  for (std::string_view g : kJavaGadgets) n += g.find('.') == std::string_view::npos;
  return n;
}();
constexpr std::array<std::string_view, kUndottedGadgetCount> kUndottedGadgets = [] {
  std::array<std::string_view, kUndottedGadgetCount> names{};
  size_t n = 0;
  for (std::string_view g : kJavaGadgets) {
    if (g.find('.') == std::string_view::npos) names[n++] = g;
  }
  return names;
}();

// Every name without a dot contains "transformer", "factory" or "ysoserial".
constexpr bool UndottedGadgetsContainAnchor() {
  for (std::string_view g : kUndottedGadgets) {
    if (g.find("transformer") == std::string_view::npos &&
        g.find("factory") == std::string_view::npos &&
        g.find("ysoserial") == std::string_view::npos) {
      return false;
    }
  }
  return true;
}
static_assert(UndottedGadgetsContainAnchor());

constexpr uint64_t kTransformerNeed = CharMask::AlnumOf("transformer");
constexpr uint64_t kYsoserialNeed = CharMask::AlnumOf("ysoserial");
// The letters of each gadget name that ends in "factory" (the letters of
// "factory" alone are in most prose).
constexpr uint64_t kFactoryNameNeeds[] = {CharMask::AlnumOf("instantiatefactory"),
                                          CharMask::AlnumOf("prototypeclonefactory"),
                                          CharMask::AlnumOf("prototypeserializationfactory")};

// Whether "transformer", "factory" or "ysoserial" occurs in `v`
// (case-insensitively), found from their 'f' and 'y', which are rare in text;
// `mask` is v's.
bool UndottedGadgetAnchor(std::string_view v, const CharMask& mask) {
  bool factory = false;
  for (uint64_t need : kFactoryNameNeeds) factory = factory || mask.HasAlnumOf(need);
  if (!mask.HasAlnumOf(kTransformerNeed) && !factory && !mask.HasAlnumOf(kYsoserialNeed)) {
    return false;
  }
  for (size_t p = scan::FindLetter(v, 'f'); p != kNpos; p = scan::FindLetter(v, 'f', p + 1)) {
    if ((p >= 5 && scan::IAt(v, p - 5, "transformer")) || (factory && scan::IAt(v, p, "factory"))) {
      return true;
    }
  }
  for (size_t p = scan::FindLetter(v, 'y'); p != kNpos; p = scan::FindLetter(v, 'y', p + 1)) {
    if (scan::IAt(v, p, "ysoserial")) return true;
  }
  return false;
}

// Components of a dotted Java name whose only use in a request is running
// commands, loading classes or reflecting. A class counts where it ends the
// name or is written capitalized, as a class is ("java.runtime.version" is a
// system property, not the Runtime class); a package counts anywhere.
struct JavaExecComponent {
  std::string_view name;
  bool package;
};
constexpr JavaExecComponent kJavaExecComponents[] = {
    {"runtime", false},       {"processbuilder", false}, {"process", false},
    {"processimpl", false},   {"unixprocess", false},    {"classloader", false},
    {"urlclassloader", false}, {"scriptenginemanager", false}, {"methodhandles", false},
    {"unsafe", false},        {"reflect", true},         {"jshell", true},
};

// The packages under which kJavaExecComponents are read.
constexpr std::string_view kJavaRoots[] = {"java", "javax", "jdk", "sun"};

// The last letters of kJavaRoots, "ognl" and "com" (FindJavaExecName skips
// other dots).
constexpr std::string_view kRootEnds = "axknlm";
constexpr bool RootsEndIn(std::string_view ends) {
  for (std::string_view r : kJavaRoots) {
    if (ends.find(r.back()) == std::string_view::npos) return false;
  }
  return ends.find('l') != std::string_view::npos && ends.find('m') != std::string_view::npos;
}
static_assert(RootsEndIn(kRootEnds));

// Whether the dotted name ending at `end` is the frame of a stack trace:
// "java.lang.reflect.Method.invoke(Method.java:498)", "(Native Method)".
bool IsStackFrame(std::string_view v, size_t end) {
  if (end >= v.size() || v[end] != '(') return false;
  const size_t close = v.find(')', end);
  if (close == kNpos || close - end > 120) return false;
  std::string_view inside = v.substr(end + 1, close - end - 1);
  return scan::Find(inside, ".java:") != kNpos || inside == "Native Method" ||
         inside == "Unknown Source" || inside.ends_with(".java");
}

// Finds a dotted Java name in `v` that names a class or package of
// kJavaExecComponents under a kJavaRoots package (java.lang.Runtime,
// java.lang.reflect.Method), OGNL's own classes (ognl.OgnlContext) or
// Struts' OGNL context (com.opensymphony.xwork2). Sets the name's place and
// length; a frame of a stack trace does not count.
bool FindJavaExecName(std::string_view v, size_t* at, size_t* len) {
  const size_t n = v.size();
  for (size_t k = v.find('.'); k != kNpos; k = v.find('.', k + 1)) {
    // Every root ends in one of these letters (digits before a dot are
    // versions and addresses).
    if (k == 0 || kRootEnds.find(v[k - 1]) == std::string_view::npos) continue;
    size_t s = k;
    while (s > 0 && scan::IsCodeIdentChar(v[s - 1])) --s;
    if (s == k || (s > 0 && v[s - 1] == '.')) continue;
    const std::string_view root = v.substr(s, k - s);
    // Package names are case-sensitive: "Java.Runtime" in prose is no class.
    bool exec_root = false;
    for (std::string_view r : kJavaRoots) exec_root = exec_root || root == r;
    const bool ognl_root = root == "ognl";
    const bool com_root = root == "com";
    if (!exec_root && !ognl_root && !com_root) continue;
    bool hit = false;
    size_t p = k + 1;
    size_t e = p;
    for (int index = 1;; ++index) {
      e = p;
      while (e < n && scan::IsCodeIdentChar(v[e])) ++e;
      if (e == p) break;
      const std::string_view comp = v.substr(p, e - p);
      const bool last = !(e + 1 < n && v[e] == '.' && scan::IsCodeIdentChar(v[e + 1]));
      if (exec_root) {
        for (const JavaExecComponent& c : kJavaExecComponents) {
          hit = hit || (scan::IEquals(comp, c.name) &&
                        (c.package || last || scan::IsUpper(comp[0])));
        }
      } else if (ognl_root) {
        hit = hit || (index == 1 && scan::IsUpper(comp[0]));
      } else {
        hit = hit || (index == 2 && scan::IEquals(comp, "xwork2") &&
                      scan::IEquals(v.substr(k + 1, p - k - 2), "opensymphony"));
      }
      if (last) break;
      p = e + 1;
    }
    if (hit && !IsStackFrame(v, e)) {
      *at = s;
      *len = e - s;
      return true;
    }
    k = e > k ? e - 1 : k;
  }
  return false;
}

// Qualified names of the Java classes and packages that deserialization and
// expression-language payloads use to read and write files, load code,
// reach naming services or CORBA objects, and the gadget libraries' packages.
// `member` is how the name may go on: kAnyClass (a capitalized class right
// after the prefix), kAnyBelow (the prefix itself or anything under it), or
// a listed class (the name ends with it).
struct JavaTypePrefix {
  std::string_view prefix;
  std::string_view member;
};
constexpr std::string_view kAnyClass = "*";
constexpr std::string_view kAnyBelow = "";
constexpr JavaTypePrefix kJavaTypePrefixes[] = {
    {"java.io.", kAnyClass},
    {"java.nio.file.", kAnyClass},
    {"java.lang.", "Class"},
    {"java.lang.", "System"},
    {"java.lang.", "Thread"},
    {"java.net.", "Socket"},
    {"java.beans.", "XMLDecoder"},
    {"java.rmi", kAnyBelow},
    {"javax.naming", kAnyBelow},
    {"javax.management", kAnyBelow},
    {"com.sun.org.apache", kAnyBelow},
    {"com.sun.rowset", kAnyBelow},
    {"com.sun.jndi", kAnyBelow},
    {"org.apache.commons.collections", kAnyBelow},
    {"org.apache.commons.beanutils", kAnyBelow},
    {"org.omg.CORBA", kAnyBelow},
    // Classes that load a Spring context, a script or Groovy code from a
    // URL or a string (the PostgreSQL JDBC socketFactory and Jackson gadgets).
    {"org.springframework.context.support.", "ClassPathXmlApplicationContext"},
    {"org.springframework.context.support.", "FileSystemXmlApplicationContext"},
    {"groovy.lang.", "GroovyShell"},
    {"groovy.lang.", "GroovyClassLoader"},
    {"bsh.Interpreter", kAnyBelow},
    {"org.mozilla.javascript", kAnyBelow},
};
// The letters and digits of each prefix: a value without all of one
// prefix's holds none of the names.
constexpr auto kJavaTypeNeeds = [] {
  std::array<uint64_t, std::size(kJavaTypePrefixes)> needs{};
  for (size_t i = 0; i < needs.size(); ++i) {
    needs[i] = CharMask::AlnumOf(kJavaTypePrefixes[i].prefix);
  }
  return needs;
}();

// Whether `name` holds a '.' right before a letter.
constexpr bool HasDotLetter(std::string_view name) {
  for (size_t i = 0; i + 1 < name.size(); ++i) {
    if (name[i] == '.' && scan::IsAlpha(name[i + 1])) return true;
  }
  return false;
}
// What lets Inspect() skip the dotted-name searches for a value without a
// '.' right before a letter: every dotted gadget name and every type prefix
// holds one (FindJavaExecName() and FindLoopClosureBesideExec() need one by
// construction: a capitalized or listed component, or a closure's name,
// right after a dot).
constexpr bool DottedNamesHaveDotLetter() {
  for (std::string_view g : kJavaGadgets) {
    if (g.find('.') != std::string_view::npos && !HasDotLetter(g)) return false;
  }
  for (const JavaTypePrefix& t : kJavaTypePrefixes) {
    if (!HasDotLetter(t.prefix)) return false;
  }
  return true;
}
static_assert(DottedNamesHaveDotLetter());

// The value length from which Inspect() tests for a '.' before a letter.
constexpr size_t kDotLetterTestMin = 64;

// A prefix's root package: what comes before its first dot ("java", "com").
constexpr std::string_view RootOf(std::string_view prefix) {
  return prefix.substr(0, prefix.find('.'));
}
constexpr size_t kMaxJavaTypeRoot = [] {
  size_t n = 0;
  for (const JavaTypePrefix& t : kJavaTypePrefixes) n = std::max(n, RootOf(t.prefix).size());
  return n;
}();
bool IsJavaTypeRoot(std::string_view word) {
  for (const JavaTypePrefix& t : kJavaTypePrefixes) {
    if (RootOf(t.prefix) == word) return true;
  }
  return false;
}

bool IsJavaTypeName(std::string_view name) {
  // Exception types name what went wrong ("java.io.IOException" in a log
  // record), not what to build.
  if (name.ends_with("Exception") || name.ends_with("Error")) return false;
  for (const JavaTypePrefix& t : kJavaTypePrefixes) {
    if (!name.starts_with(t.prefix)) continue;
    const std::string_view rest = name.substr(t.prefix.size());
    if (t.member == kAnyBelow) {
      if (rest.empty() || rest[0] == '.') return true;
    } else if (t.member == kAnyClass) {
      if (!rest.empty() && scan::IsUpper(rest[0]) && rest.find('.') == kNpos) return true;
    } else if (rest == t.member) {
      return true;
    }
  }
  return false;
}

// Bytes that may stand right before / after a name that is a value of its
// own: in a quoted string, an XML attribute or element, a JSON array, a
// form or cookie pair.
bool OpensToken(char c) {
  return c == '"' || c == '\'' || c == '`' || c == '>' || c == '=' || c == '[' || c == '(' ||
         c == ',' || c == ':' || c == '{';
}
bool ClosesToken(char c) {
  return c == '"' || c == '\'' || c == '`' || c == '<' || c == ']' || c == ')' || c == ',' ||
         c == ';' || c == '&' || c == '}';
}

// Finds a name of kJavaTypePrefixes standing as a value of its own: the
// whole value (spaces around allowed), or a token between delimiters such as
// quotes or tags ("java.io.File" in `{"@type":"java.io.File"}` or
// `<a v="java.io.File"/>`). In prose the same name is only talk about Java.
bool FindStandaloneJavaTypeName(std::string_view v, size_t* at, size_t* len) {
  const size_t n = v.size();
  size_t first = 0;
  size_t last = n;
  while (first < n && scan::IsSpace(v[first])) ++first;
  while (last > first && scan::IsSpace(v[last - 1])) --last;
  for (size_t k = v.find('.'); k != kNpos; k = v.find('.', k + 1)) {
    // A sentence's full stop is followed by a space; a word longer than
    // every prefix's root is none of them.
    if (k + 1 >= n || !scan::IsCodeIdentChar(v[k + 1])) continue;
    size_t s = k;
    while (s > 0 && k - s <= kMaxJavaTypeRoot && scan::IsCodeIdentChar(v[s - 1])) --s;
    if (s == k || (s > 0 && (v[s - 1] == '.' || scan::IsCodeIdentChar(v[s - 1])))) continue;
    if (!IsJavaTypeRoot(v.substr(s, k - s))) continue;
    size_t e = k;
    while (e + 1 < n && v[e] == '.' && scan::IsCodeIdentChar(v[e + 1])) {
      ++e;
      while (e < n && scan::IsCodeIdentChar(v[e])) ++e;
    }
    if (e == k) continue;
    k = e - 1;
    const bool opens = s == first || (s > 0 && OpensToken(v[s - 1]));
    const bool closes = e == last || (e < n && ClosesToken(v[e]));
    if (!opens || !closes || !IsJavaTypeName(v.substr(s, e - s))) continue;
    if (IsStackFrame(v, e)) continue;
    *at = s;
    *len = e - s;
    return true;
  }
  return false;
}

constexpr uint64_t kClosureNeed = CharMask::AlnumOf("closure");

// commons-collections' ForClosure and WhileClosure run a chain of
// transformers in a loop; written as a member of a dotted name
// ("functors.WhileClosure") in a value that also names Runtime or
// ProcessBuilder they spell out a gadget chain. Returns where the closure's
// name starts (its length in `*len`), or kNpos.
size_t FindLoopClosureBesideExec(std::string_view v, size_t* len) {
  for (size_t k = v.find('.'); k != kNpos; k = v.find('.', k + 1)) {
    for (std::string_view closure : {"forclosure", "whileclosure"}) {
      if (!scan::IAt(v, k + 1, closure)) continue;
      if (!scan::IContains(v, "runtime") && !scan::IContains(v, "processbuilder")) return kNpos;
      *len = closure.size();
      return k + 1;
    }
  }
  return kNpos;
}

constexpr uint64_t kRuntimeExecNeed = CharMask::AlnumOf("getRuntimeexec");

// Java code that runs a command through the Runtime singleton, whatever the
// receiver is spelled as (Runtime, an OGNL or JSP expression, a variable):
// "getRuntime()" then ".exec(" (Java names are case-sensitive). Returns
// where "getRuntime" starts (the call's length in `*len`), or kNpos.
size_t FindRuntimeExec(std::string_view v, size_t* len) {
  // Found by its capital R, which prose holds far less often than a 'g'.
  for (size_t r = scan::Find(v, "Runtime"); r != kNpos; r = scan::Find(v, "Runtime", r + 1)) {
    if (r < 3 || v.compare(r - 3, 3, "get") != 0) continue;
    const size_t p = r - 3;
    // Then "( ) . exec (", spaces allowed between the tokens.
    size_t e = r + 7;
    bool call = true;
    for (std::string_view token : {"(", ")", ".", "exec", "("}) {
      e = scan::SkipSpaces(v, e);
      call = v.compare(e, token.size(), token) == 0;
      if (!call) break;
      e += token.size();
    }
    if (!call) continue;
    *len = e - p;
    return p;
  }
  return kNpos;
}

bool IsBase64Char(char c) {
  return scan::IsAlnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

// jsonpickle's tags (case matters to it) that load a class or a function,
// call one or evaluate text when a document is decoded.
bool IsJsonpickleTag(std::string_view tag) {
  static constexpr std::string_view kTags[] = {
      "py/object",  "py/type",      "py/function", "py/reduce", "py/newobj",
      "py/newargs", "py/newargsex", "py/initargs", "py/repr",   "py/state"};
  return std::find(std::begin(kTags), std::end(kTags), tag) != std::end(kTags);
}

// jsonpickle's decode() imports the class or function a "py/object",
// "py/type" or "py/function" names, calls what "py/reduce" or "py/newobj"
// gives it, and evaluates "py/repr". A request carries these tags only to be
// decoded so.
bool JsonpickleMatch(std::string_view tag, size_t at, size_t len, Match* m) {
  return FillMatch(m, "deserialization.jsonpickle",
                   "jsonpickle tag " + std::string(tag) +
                       ": decoding it imports or calls what the request names",
                   85, at, len);
}

// Classes whose Marshal.load runs code (the Gem::Requirement and
// Gem::Installer chains, ERB templates, ActiveSupport's deprecation proxy).
constexpr std::string_view kRubyGadgets[] = {
    "Gem::Requirement",        "Gem::StubSpecification",     "ERB",
    "Gem::Installer",          "ActiveSupport::Deprecation", "Net::WriteAdapter",
    "Gem::Package::TarReader", "Gem::Source::SpecificFile",  "Gem::RequestSet",
};
// Base64 Marshal streams decoded to look for a gadget (a session cookie or
// a job argument, not a file upload).
constexpr size_t kMaxRubyMarshalBase64 = 64 * 1024;

bool NamesRubyGadget(std::string_view bytes) {
  for (std::string_view g : kRubyGadgets) {
    if (scan::Find(bytes, g) != kNpos) return true;
  }
  return false;
}

// A Ruby Marshal stream (04 08) that names a gadget class: as sent, or as
// a base64 token ("BAh...", the encoding of 04 08) at the start of the value
// or of one of its tokens (a cookie "_app_session=BAh7...--9f2c"), decoded
// wherever the name falls in it.
bool RubyMarshalGadget(std::string_view v, std::string_view raw) {
  if (raw.size() >= 2 && raw[0] == 4 && raw[1] == 8 && NamesRubyGadget(raw)) return true;
  if (v.size() >= 2 && v[0] == 4 && v[1] == 8 && NamesRubyGadget(v)) return true;
  std::string decoded;
  for (size_t p = scan::Find(v, "BAh"); p != kNpos; p = scan::Find(v, "BAh", p + 1)) {
    if (p > 0 && IsBase64Char(v[p - 1]) && v[p - 1] != '=') continue;
    // The token ends at its padding, at Rails' "--" before the signature,
    // or at anything else that is not a base64 digit of either alphabet.
    size_t e = p;
    while (e < v.size() && e - p < kMaxRubyMarshalBase64 && event::Base64DigitValue(v[e]) >= 0 &&
           !(v[e] == '-' && e + 1 < v.size() && v[e + 1] == '-')) {
      ++e;
    }
    size_t len = e - p;
    if (len % 4 == 1) --len;  // a lone digit holds no whole byte
    if (len < 8) continue;
    decoded.resize(event::Base64MaxDecodedSize(len));
    const std::optional<size_t> n = event::Base64Decode(v.substr(p, len), decoded.data());
    if (n && *n >= 2 && NamesRubyGadget(std::string_view(decoded.data(), *n))) return true;
  }
  return false;
}

// Python pickle GLOBAL opcodes naming a module and a callable that run code.
constexpr std::string_view kPickleGlobals[] = {
    "cos\nsystem",   "cposix\nsystem", "c__builtin__\n",    "cbuiltins\n",
    "csubprocess\n", "cnt\nsystem",    "c__builtin__\neval"};

// Serialized streams in a value that is base64 text, found in the decoded
// bytes at any offset: a ViewState ("/wEy...") wrapping a BinaryFormatter
// stream, a gzip-compressed Java stream ("H4sI..."), a protocol-0 pickle
// ("Y29z..." is "cos"), which the base64 forms searched for as written
// ("rO0AB", "AAEAAAD/////", "gASV") miss when the stream does not open the
// token on a three-byte boundary. The value must hold no blank (base64 data
// is one token); each token of at least kMinSerializedBase64 digits is
// decoded, the first kMaxSerializedBase64 bytes in all.
constexpr size_t kMinSerializedBase64 = 24;
constexpr size_t kMaxSerializedBase64 = 64 * 1024;

// The rule a stream in `bytes` matches ("" when none). A gzip member in it
// is decompressed while `*may_inflate` (which it then clears): once per
// value, so that many small compressed tokens cannot multiply the work.
std::string_view SerializedStreamIn(std::string_view bytes, bool* may_inflate) {
  static constexpr std::string_view kJavaMagic("\xac\xed\x00\x05", 4);
  static constexpr std::string_view kBinaryFormatterHeader("\x00\x01\x00\x00\x00\xff\xff\xff\xff",
                                                           9);
  static const NeedleSet kAnyPickleGlobal(kPickleGlobals);
  if (bytes.find(kJavaMagic) != kNpos) return "deserialization.java_base64";
  if (bytes.find(kBinaryFormatterHeader) != kNpos) return "deserialization.dotnet_binaryformatter";
  if (kAnyPickleGlobal.AnyIn(bytes)) return "deserialization.python_pickle";
  // A gzip member (magic and the deflate method byte).
  static constexpr std::string_view kGzipMagic("\x1f\x8b\x08", 3);
  const size_t gzip = *may_inflate ? bytes.find(kGzipMagic) : kNpos;
  if (gzip != kNpos) {
    *may_inflate = false;
    std::string inflated;
    if (event::Inflate(bytes.substr(gzip), event::Coding::kGzip, kMaxSerializedBase64, &inflated) !=
        event::InflateStatus::kCorrupt) {
      return SerializedStreamIn(inflated, may_inflate);
    }
  }
  return {};
}

std::string_view SerializedStreamInBase64(std::string_view raw, const CharMask& mask) {
  constexpr uint64_t kUpper = 0x3FFFFFFull << ('A' - 32);
  constexpr uint64_t kLower = 0x3FFFFFFull << ('a' - 96);
  constexpr uint64_t kDigits = 0x3FFull << ('0' - 32);
  if ((mask.bits & kUpper) == 0 || ((mask.high & kLower) == 0 && (mask.bits & kDigits) == 0)) {
    return {};
  }
  if (raw.size() < kMinSerializedBase64 || raw.find_first_of(" \t\r\n") != std::string_view::npos) {
    return {};
  }
  std::string decoded;
  size_t budget = kMaxSerializedBase64;
  bool may_inflate = true;
  for (size_t p = 0; p < raw.size() && budget > 0;) {
    while (p < raw.size() && event::Base64DigitValue(raw[p]) < 0) ++p;
    // Binary data in base64 holds capitals and also small letters or digits
    // (a stream of zero bytes is mostly "A"); ids, lower-case hex hashes,
    // UUIDs, words and paths have no capital.
    size_t e = p;
    int classes = 0;
    for (; e < raw.size() && event::Base64DigitValue(raw[e]) >= 0; ++e) {
      classes |= scan::IsUpper(raw[e]) ? 1 : (scan::IsDigit(raw[e]) ? 2 : 4);
    }
    size_t len = std::min(e - p, budget / 3 * 4);
    if (len % 4 == 1) --len;  // a lone digit holds no whole byte
    if (len >= kMinSerializedBase64 && (classes & 1) != 0 && (classes & 6) != 0) {
      decoded.resize(event::Base64MaxDecodedSize(len));
      const std::optional<size_t> n = event::Base64Decode(raw.substr(p, len), decoded.data());
      if (n) {
        budget -= std::min(budget, *n);
        const std::string_view rule =
            SerializedStreamIn(std::string_view(decoded.data(), *n), &may_inflate);
        if (!rule.empty()) return rule;
      }
    }
    p = e;
  }
  return {};
}

// `raw` with the escapes %2F, %2B and %3D (any case) decoded and nothing
// else; false when it holds none.
bool UnescapeBase64Punctuation(std::string_view raw, std::string* out) {
  bool any = false;
  out->clear();
  for (size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] == '%' && k + 2 < raw.size() && raw[k + 1] == '2' &&
        (scan::Lower(raw[k + 2]) == 'f' || scan::Lower(raw[k + 2]) == 'b')) {
      out->push_back(scan::Lower(raw[k + 2]) == 'f' ? '/' : '+');
      k += 2;
      any = true;
    } else if (raw[k] == '%' && k + 2 < raw.size() && raw[k + 1] == '3' &&
               scan::Lower(raw[k + 2]) == 'd') {
      out->push_back('=');
      k += 2;
      any = true;
    } else {
      out->push_back(raw[k]);
    }
  }
  return any;
}

// A base64 token starting at `p` of at least `min_len` characters.
bool Base64TokenAt(std::string_view v, size_t p, size_t min_len) {
  if (p > 0 && IsBase64Char(v[p - 1]) && v[p - 1] != '=') return false;
  size_t e = p;
  while (e < v.size() && IsBase64Char(v[e])) ++e;
  return e - p >= min_len;
}

// Parses a PHP serialized value at `p`; returns its end or kNpos. Bounded
// recursion depth; structure must be exact (lengths match).
size_t ParsePhp(std::string_view v, size_t p, int depth, int* objects);

size_t ParseNumber(std::string_view v, size_t p, long* out) {
  size_t s = p;
  if (p < v.size() && (v[p] == '-' || v[p] == '+')) ++p;
  long n = 0;
  size_t d = p;
  while (p < v.size() && IsDigit(v[p]) && p - d < 12) n = n * 10 + (v[p++] - '0');
  if (p == d) return kNpos;
  if (p < v.size() && v[p] == '.') {
    ++p;
    while (p < v.size() && IsDigit(v[p])) ++p;
  }
  *out = n;
  return p > s ? p : kNpos;
}

size_t ParsePhpString(std::string_view v, size_t p, std::string_view* s) {
  // N:"...."
  long len;
  p = ParseNumber(v, p, &len);
  if (p == kNpos || len < 0 || p + 1 >= v.size() || v[p] != ':' || v[p + 1] != '"') return kNpos;
  p += 2;
  if (p + static_cast<size_t>(len) + 1 > v.size() || v[p + len] != '"') return kNpos;
  *s = v.substr(p, len);
  return p + len + 1;
}

// Whether a serialized PHP value holds a boolean or a reference entry
// ("b:1;", "r:2;" after ';' or '{').
bool HoldsPhpBoolean(std::string_view v) {
  for (size_t b = v.find(':'); b != kNpos; b = v.find(':', b + 1)) {
    if (b > 1 && (v[b - 1] == 'b' || v[b - 1] == 'r' || v[b - 1] == 'R') &&
        (v[b - 2] == ';' || v[b - 2] == '{')) {
      return true;
    }
  }
  return false;
}

// Whether a space and a word that is not hexadecimal follow at `p`.
bool ProseWordAfter(std::string_view v, size_t p) {
  if (p + 2 >= v.size() || v[p] != ' ') return false;
  bool not_hex = false;
  size_t e = p + 1;
  for (; e < v.size() && scan::IsAlpha(v[e]); ++e) not_hex = not_hex || !scan::IsHex(v[e]);
  return e > p + 2 && not_hex;
}

size_t ParsePhp(std::string_view v, size_t p, int depth, int* objects) {
  if (depth > 16 || p + 1 >= v.size() || v[p + 1] != ':') {
    if (p + 1 < v.size() && v[p] == 'N' && v[p + 1] == ';') return p + 2;
    return kNpos;
  }
  char t = v[p];
  p += 2;
  long n;
  std::string_view s;
  switch (t) {
    case 'i':
    case 'd':
    case 'b':
    case 'r':  // a reference to an earlier value ("r:2;", "R:2;")
    case 'R':
      p = ParseNumber(v, p, &n);
      return (p != kNpos && p < v.size() && v[p] == ';') ? p + 1 : kNpos;
    case 's':
      p = ParsePhpString(v, p, &s);
      return (p != kNpos && p < v.size() && v[p] == ';') ? p + 1 : kNpos;
    case 'a':
    case 'O':
    case 'C': {
      if (t != 'a') {
        p = ParsePhpString(v, p, &s);
        if (p == kNpos || p >= v.size() || v[p] != ':' || s.empty()) return kNpos;
        ++p;
        ++*objects;
      }
      p = ParseNumber(v, p, &n);
      if (p == kNpos || n < 0 || n > 4096 || p + 1 >= v.size() || v[p] != ':' ||
          v[p + 1] != '{') {
        return kNpos;
      }
      p += 2;
      if (t == 'C') {
        size_t close = p + static_cast<size_t>(n);
        return (close < v.size() && v[close] == '}') ? close + 1 : kNpos;
      }
      for (long i = 0; i < n; ++i) {
        p = ParsePhp(v, p, depth + 1, objects);  // key
        if (p == kNpos) return kNpos;
        p = ParsePhp(v, p, depth + 1, objects);  // value
        if (p == kNpos) return kNpos;
      }
      return (p < v.size() && v[p] == '}') ? p + 1 : kNpos;
    }
    default:
      return kNpos;
  }
}

// The length of a fully qualified Java class name at v[p] ("com.x.y.Name"):
// three or more dotted identifiers, the last one capitalized; 0 if none.
size_t QualifiedClassNameAt(std::string_view v, size_t p) {
  size_t e = p;
  int parts = 0;
  size_t last = p;
  while (e < v.size() && e - p < 200) {
    if (!scan::IsAlpha(v[e]) && v[e] != '_') break;
    last = e;
    while (e < v.size() && (scan::IsCodeIdentChar(v[e]))) ++e;
    ++parts;
    if (e + 1 < v.size() && v[e] == '.' && (scan::IsAlpha(v[e + 1]) || v[e + 1] == '_')) {
      ++e;
      continue;
    }
    break;
  }
  return parts >= 3 && v[last] >= 'A' && v[last] <= 'Z' ? e - p : 0;
}

// XStream writes an object as an element named by its class; these packages
// hold the classes its gadget chains are built from.
bool IsLibraryPackage(std::string_view name) {
  for (std::string_view pkg : {"java.", "javax.", "jdk.", "com.sun.", "sun.", "org.apache.",
                               "org.springframework.", "org.codehaus.groovy.", "ch.qos.logback.",
                               "com.mchange.", "org.hibernate."}) {
    if (name.starts_with(pkg)) return true;
  }
  return false;
}

// Object syntaxes of deserializers that name the class to build: Jackson's
// array typing ('["ch.qos.logback...Source", {"url": ...}]'), XStream's
// elements named by class ("<jdk.nashorn.internal.objects.NativeString>",
// "<dynamic-proxy>"), and a XAML ObjectDataProvider that calls a method.
bool TypedObjectSyntax(std::string_view v, Match* m) {
  size_t a = scan::SkipSpaces(v, 0);
  if (a + 2 < v.size() && v[a] == '[') {
    const size_t q = scan::SkipSpaces(v, a + 1);
    if (q < v.size() && v[q] == '"') {
      const size_t n = QualifiedClassNameAt(v, q + 1);
      size_t k = q + 1 + n;
      if (n > 0 && k < v.size() && v[k] == '"') {
        k = scan::SkipSpaces(v, k + 1);
        if (k < v.size() && v[k] == ',') {
          k = scan::SkipSpaces(v, k + 1);
          if (k < v.size() && (v[k] == '{' || v[k] == '[')) {
            return FillMatch(m, "deserialization.polymorphic_type",
                             "JSON array typed by a Java class name (Jackson default typing)", 80,
                             q, n + 2);
          }
        }
      }
    }
  }
  for (size_t lt = v.find('<'); lt != kNpos; lt = v.find('<', lt + 1)) {
    if (scan::IAt(v, lt + 1, "dynamic-proxy>")) {
      return FillMatch(m, "deserialization.xstream", "XStream dynamic-proxy element", 85, lt, 15);
    }
    if (scan::IAt(v, lt + 1, "objectdataprovider") && IFind(v, "methodname") != kNpos) {
      return FillMatch(m, "deserialization.dotnet_xaml",
                       "XAML ObjectDataProvider that calls a method when the document loads", 85,
                       lt, 19);
    }
    // XmlSerializer's root element typed by a .NET gadget class
    // ('<root type="System.Data.Services.Internal.ExpandedWrapper`2[[...'):
    // the type attribute tells the server which class to build.
    if (scan::IsAlpha(lt + 1 < v.size() ? v[lt + 1] : ' ')) {
      // The tag ends at '>', or where the next one opens: the tags read
      // never overlap, so a value of many '<' is read once.
      size_t end = lt + 1;
      while (end < v.size() && end - lt < 2048 && v[end] != '>' && v[end] != '<') ++end;
      const std::string_view tag = v.substr(lt, end - lt);
      const size_t type = IFind(tag, "type=");
      if (type != kNpos) {
        for (std::string_view g : kDotNetGadgets) {
          if (IFind(tag.substr(type), g) != kNpos) {
            return FillMatch(m, "deserialization.polymorphic_type",
                             "XML type attribute names a .NET gadget class", 90, lt, tag.size());
          }
        }
      }
    }
    const size_t n = QualifiedClassNameAt(v, lt + 1);
    const size_t e = lt + 1 + n;
    if (n > 0 && e < v.size() && (v[e] == '>' || v[e] == ' ' || v[e] == '/') &&
        IsLibraryPackage(v.substr(lt + 1, n))) {
      return FillMatch(m, "deserialization.xstream",
                       "XML element named by a Java class (XStream object syntax)", 80, lt, n + 1);
    }
  }
  return false;
}

class DeserializationImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kDeserialization; }

  bool Inspect(const Input& in, Match* m) const override {
    std::string_view v = in.norm;
    // Java class names are looked for in keys too: a class is as telling in a
    // parameter, cookie or JSON key name (Jackson's wrapper-object typing puts
    // it there).
    static const NeedleSet kAnyJavaGadget(kJavaGadgets);
    // Without a dotted name's anchor only the names without a dot can occur.
    static const NeedleSet kAnyUndottedGadget(kUndottedGadgets);
    // Every name checked below is a dotted one or sits in a dotted value.
    if (in.mask.Has('.')) {
      // Every dotted name looked for below has a '.' right before a letter
      // (DottedNamesHaveDotLetter()); most prose has none ("1.2 kg. Ships").
      // Short values go straight to the searches, which cost them less than
      // the test.
      const bool dot_letter = v.size() < kDotLetterTestMin || scan::HasBeforeLetter(v, '.');
      // (The letter test loops over every name: it comes after the anchors.)
      if (dot_letter && DottedGadgetAnchor(v)
               ? JavaGadgetPossible(in.mask) && kAnyJavaGadget.AnyIn(v)
               : UndottedGadgetAnchor(v, in.mask) && JavaGadgetPossible(in.mask) &&
                     kAnyUndottedGadget.AnyIn(v)) {
        for (std::string_view g : kJavaGadgets) {
          for (size_t p = IFind(v, g); p != kNpos; p = IFind(v, g, p + 1)) {
            // A frame of a stack trace ("javax.naming.InitialContext.lookup(
            // InitialContext.java:417)") only says the class ran.
            size_t e = p + g.size();
            while (e < v.size() && (scan::IsCodeIdentChar(v[e]) || v[e] == '.')) ++e;
            if (IsStackFrame(v, e)) continue;
            return FillMatch(m, "deserialization.java_gadget",
                             "Known Java deserialization gadget class " + std::string(g), 90, p,
                             g.size());
          }
        }
      }
      if (in.mask.HasAlnumOf(kJavaNeed) || in.mask.HasAlnumOf(kJdkNeed) ||
          in.mask.HasAlnumOf(kSunNeed) || in.mask.HasAlnumOf(kOgnlNeed) ||
          in.mask.HasAlnumOf(kXworkNeed)) {
        size_t at = 0;
        size_t len = 0;
        if (dot_letter && FindJavaExecName(v, &at, &len)) {
          return FillMatch(m, "deserialization.java_exec_class",
                           "names " + std::string(v.substr(at, std::min<size_t>(len, 80))) +
                               ", a Java class that runs commands, loads classes or reflects",
                           80, at, len);
        }
      }
      if (in.mask.HasAlnumOfAny(kJavaTypeNeeds)) {
        size_t at = 0;
        size_t len = 0;
        if (dot_letter && FindStandaloneJavaTypeName(v, &at, &len)) {
          return FillMatch(m, "deserialization.java_type_name",
                           "names " + std::string(v.substr(at, std::min<size_t>(len, 80))) +
                               " as a value of its own: a Java class that payloads use to reach "
                               "files, code or naming services",
                           70, at, len);
        }
      }
      if (in.mask.HasAlnumOf(kRuntimeExecNeed) && in.mask.Has('(')) {
        size_t len = 0;
        const size_t p = FindRuntimeExec(v, &len);
        if (p != kNpos) {
          return FillMatch(m, "deserialization.java_runtime_exec",
                           "getRuntime().exec(...): Java code that runs a command", 85, p, len);
        }
      }
      if (dot_letter && in.mask.HasAlnumOf(kClosureNeed)) {
        size_t len = 0;
        const size_t p = FindLoopClosureBesideExec(v, &len);
        if (p != kNpos) {
          return FillMatch(m, "deserialization.java_gadget",
                           "commons-collections looping closure beside Runtime or ProcessBuilder",
                           85, p, len);
        }
      }
    }
    if (in.IsObjectKey()) {
      // A JSON body the decoder has taken apart has jsonpickle's tags as keys.
      return IsJsonpickleTag(v) && JsonpickleMatch(v, 0, v.size(), m);
    }
    if ((in.mask.Has('<') || (in.mask.Has('[') && in.mask.Has('.'))) && TypedObjectSyntax(v, m)) {
      return true;
    }
    std::string_view raw = in.raw;
    if (v.size() < 4 && raw.size() < 4) return false;
    // Raw Java stream magic (normalization drops the NULs, so look at raw).
    if (raw.size() >= 4 && static_cast<unsigned char>(raw[0]) == 0xac &&
        static_cast<unsigned char>(raw[1]) == 0xed && raw[2] == 0 && raw[3] == 5) {
      return FillMatch(m, "deserialization.java_stream", "Java serialization stream (AC ED 00 05)",
                       95, 0, 4);
    }
    // Stream magics, each gated by the letters it needs. The base64 ones are
    // searched for as written: a base64 upload holds all their letters, and
    // a search that jumps to the magic's first byte reads it far faster than
    // a case-insensitive one.
    const CharMask& mk = in.mask;
    const size_t java_base64_at =
        mk.Has('r') && mk.Has('O') && mk.Has('0') && mk.Has('A') && mk.Has('B')
            ? scan::Find(v, "rO0AB")
            : kNpos;
    const bool java_hex_magic = mk.HasAlnumOf(kAcedNeed) && scan::Find(v, "0005") != kNpos;
    // The shortest stream is the header (magic and version, 4 bytes): 6
    // base64 or 8 hex digits opening a token. A random token opens with
    // either at odds of about one in 10^9.
    for (size_t p = java_base64_at; p != kNpos; p = scan::Find(v, "rO0AB", p + 1)) {
      if (Base64TokenAt(v, p, 6)) {
        return FillMatch(m, "deserialization.java_base64",
                         "Base64 Java serialization stream (rO0AB)", 95, p, 5);
      }
    }
    for (size_t p = java_hex_magic ? IFind(v, "aced0005") : kNpos; p != kNpos;
         p = IFind(v, "aced0005", p + 1)) {
      // (The magic written about: "aced0005 is the magic header".)
      if ((p == 0 || !scan::IsHex(v[p - 1])) && !ProseWordAfter(v, p + 8)) {
        return FillMatch(m, "deserialization.java_hex", "Hex Java serialization stream (aced0005)",
                         90, p, 8);
      }
    }
    // fastjson/Jackson "@type": "com.x.Y" ; Json.NET "$type": "System.X, Asm".
    static constexpr std::string_view kTypeKeys[] = {"@type", "$type"};
    // Both keys end in 'e': a path that does not is neither.
    const bool path_may_name_type = !in.path.empty() && scan::Lower(in.path.back()) == 'e';
    for (std::string_view key : kTypeKeys) {
      bool key_path = path_may_name_type && scan::IEndsWith(in.path, key);
      size_t p = in.mask.Has(key[0]) ? scan::Find(v, key) : kNpos;
      if (p == kNpos && !key_path) continue;
      std::string_view cls;
      size_t at = 0;
      if (key_path) {
        cls = v;
      } else {
        size_t c = scan::SkipSpaces(v, p + key.size() + ((p + key.size() < v.size() &&
                                                          (v[p + key.size()] == '"')) ? 1 : 0));
        if (c >= v.size() || v[c] != ':') continue;
        c = scan::SkipSpaces(v, c + 1);
        if (c >= v.size() || v[c] != '"') continue;
        size_t e = v.find('"', c + 1);
        if (e == kNpos) continue;
        cls = v.substr(c + 1, e - c - 1);
        at = p;
      }
      size_t dots = 0;
      for (char ch : cls) dots += ch == '.';
      bool javaish = dots >= 2 && (scan::IAt(cls, 0, "com.") || scan::IAt(cls, 0, "org.") ||
                                   scan::IAt(cls, 0, "java.") || scan::IAt(cls, 0, "javax.") ||
                                   scan::IAt(cls, 0, "sun.") || scan::IAt(cls, 0, "net.") ||
                                   scan::IAt(cls, 0, "ch.") || scan::IAt(cls, 0, "oracle.") ||
                                   scan::IAt(cls, 0, "br."));
      bool dotnet = key == "$type" && dots >= 1 &&
                    (scan::IAt(cls, 0, "system.") || scan::IAt(cls, 0, "microsoft."));
      bool gadget = false;
      for (std::string_view g : kDotNetGadgets) gadget = gadget || IFind(cls, g) != kNpos;
      if ((key == "@type" && javaish) || gadget || (dotnet && cls.find(',') != kNpos)) {
        return FillMatch(m, "deserialization.polymorphic_type",
                         std::string(key) + " names the class " + std::string(cls.substr(0, 80)) +
                             " for polymorphic deserialization",
                         gadget ? 95 : 80, at, key_path ? v.size() : cls.size() + key.size());
      }
    }
    // PHP serialize(): O:8:"stdClass":1:{...}, a:2:{i:0;...}.
    if (in.mask.Has(':') && in.mask.Has('{')) {
      const auto php = [&](std::string_view text, bool raw_text) {
        for (size_t p = 0; p + 4 < text.size(); ++p) {
          char t = text[p];
          if ((t != 'O' && t != 'a' && t != 'C') || text[p + 1] != ':' ||
              (p > 0 && scan::IsAlnum(text[p - 1]))) {
            continue;
          }
          int objects = 0;
          size_t e = ParsePhp(text, p, 0, &objects);
          if (e == kNpos) continue;
          // An array of strings and numbers is data (WordPress keeps its
          // options so); one that holds booleans is the type-juggling form
          // (`s:8:"password";b:1;` equals any string under PHP's ==).
          if (objects > 0 || (e - p >= 12 && HoldsPhpBoolean(text.substr(p, e - p)))) {
            // (Found in the raw value, the match is reported from the start.)
            return FillMatch(m, "deserialization.php_object",
                             objects > 0 ? "PHP serialized object" : "PHP serialized array",
                             objects > 0 ? 90 : 70, raw_text ? 0 : p,
                             raw_text ? std::min(e, v.size()) : e - p);
          }
          p = e - 1;
        }
        return false;
      };
      if (php(v, false)) return true;
      // A private or protected member's name holds NULs ("\0Class\0name",
      // "\0*\0name") that its length counts and normalization removes: the
      // raw value, as sent.
      if (raw.data() != v.data() && raw.find('\0') != kNpos && php(raw, true)) return true;
      // The NULs sent percent-encoded ("s:9:%22%00*%00events%22"), once or
      // twice: the raw value URL-decoded, the NULs kept.
      if (raw.data() != v.data() &&
          (scan::Find(raw, "%00") != kNpos || scan::Find(raw, "%2500") != kNpos)) {
        std::string decoded;
        if (normalize::UrlDecodeRepeated(raw, &decoded) && php(decoded, true)) return true;
      }
    }
    // .NET BinaryFormatter stream in base64.
    {
      const size_t p = mk.Has('A') && mk.Has('E') && mk.Has('D') && mk.Has('/')
                           ? scan::Find(v, "AAEAAAD/////")
                           : kNpos;
      if (p != kNpos) {
        return FillMatch(m, "deserialization.dotnet_binaryformatter",
                         ".NET BinaryFormatter serialized stream", 90, p, 12);
      }
    }
    // Node.js serialized functions: node-serialize's "_$$ND_FUNC$$_" marker
    // (CVE-2017-5941: unserialize() runs the function) and funcster's
    // "__js_function" key, as written or base64-encoded (a cookie is the
    // usual carrier) at any of the three byte alignments.
    {
      size_t p = in.mask.Has('$') && in.mask.Has('_') ? scan::Find(v, "_$$ND_FUNC$$_") : kNpos;
      size_t len = 13;
      // funcster's marker is a key ("__js_function": ...) or the whole value.
      if (p == kNpos && in.mask.Has('_')) {
        for (p = scan::Find(v, "__js_function"); p != kNpos;
             p = scan::Find(v, "__js_function", p + 1)) {
          size_t e = p + 13;
          if (p == 0 && e == v.size()) break;
          if (p == 0 || (v[p - 1] != '"' && v[p - 1] != '\'')) continue;
          if (e < v.size() && v[e] == v[p - 1]) ++e;
          e = scan::SkipSpaces(v, e);
          if (e < v.size() && v[e] == ':') break;
        }
      }
      // The same key in a JSON body the event decoder has already taken
      // apart: the value is the function's source.
      if (p == kNpos && !in.path.empty() && in.path.back() == 'n' &&
          scan::LastPathName(in.path) == "__js_function") {
        p = 0;
        len = v.size();
      }
      if (p == kNpos && mk.Has('V') && (mk.Has('J') || mk.Has('Q'))) {
        static constexpr std::string_view kBase64Markers[] = {
            "XyQkTkRfRlVOQyQkX", "8kJE5EX0ZVTkMkJF", "fJCRORF9GVU5DJCRf"};
        for (std::string_view b : kBase64Markers) {
          p = scan::Find(v, b);
          if (p != kNpos) {
            len = b.size();
            break;
          }
        }
      }
      if (p != kNpos) {
        return FillMatch(m, "deserialization.node_function",
                         "Node.js serialized function (node-serialize or funcster): "
                         "deserializing it runs code",
                         90, p, len);
      }
    }
    // jsonpickle's tags inside a value that holds JSON.
    if (in.mask.Has('/') && in.mask.Has('"')) {
      for (size_t k = scan::Find(v, "\"py/"); k != kNpos; k = scan::Find(v, "\"py/", k + 1)) {
        const size_t e = v.find('"', k + 1);
        if (e == kNpos) break;
        const size_t colon = scan::SkipSpaces(v, e + 1);
        if (colon < v.size() && v[colon] == ':' && IsJsonpickleTag(v.substr(k + 1, e - k - 1))) {
          return JsonpickleMatch(v.substr(k + 1, e - k - 1), k, e + 1 - k, m);
        }
      }
    }
    // Python pickle: GLOBAL opcode naming a module and a callable.
    static const NeedleSet kAnyPickleGlobal(kPickleGlobals);
    const bool any_pickle =
        (in.mask.has_control && kAnyPickleGlobal.AnyIn(v)) ||
        (raw.data() != v.data() && kAnyPickleGlobal.AnyIn(raw));
    for (std::string_view g : kPickleGlobals) {
      if (!any_pickle) break;
      size_t p = scan::Find(v, g);
      if (p == kNpos) p = scan::Find(raw, g);
      if (p != kNpos) {
        return FillMatch(m, "deserialization.python_pickle",
                         "Python pickle GLOBAL opcode loading a callable", 90, p, g.size());
      }
    }
    if ((v.size() >= 16 && v[0] == 'g' && (v.substr(0, 4) == "gASV" || v.substr(0, 4) == "gANj" ||
                            v.substr(0, 4) == "gAJj")) &&
        Base64TokenAt(v, 0, 16)) {
      return FillMatch(m, "deserialization.python_pickle", "Base64 Python pickle stream", 75, 0, 4);
    }
    // YAML language-specific tags.
    static constexpr std::string_view kYamlTags[] = {
        "!!python/object", "!!python/name", "!!python/module", "!!javax.", "!!java.",
        "!!com.sun.", "!!org.", "!ruby/object:", "!ruby/hash:", "!!ruby/object"};
    static const NeedleSet kAnyYamlTag(kYamlTags);
    // Every tag starts with "!!" or "!r".
    bool bang_tag = false;
    for (size_t k = in.mask.Has('!') ? v.find('!') : kNpos; k != kNpos && !bang_tag;
         k = v.find('!', k + 1)) {
      bang_tag = k + 1 < v.size() && (v[k + 1] == '!' || v[k + 1] == 'r' || v[k + 1] == 'R');
    }
    if (bang_tag && kAnyYamlTag.AnyIn(v)) {
      for (std::string_view tag : kYamlTags) {
        size_t p = IFind(v, tag);
        if (p != kNpos) {
          return FillMatch(m, "deserialization.yaml_tag",
                           "YAML tag that instantiates a language object", 90, p, tag.size());
        }
      }
    }
    // The same tags written out: "!<tag:yaml.org,2002:python/object/apply:os.system>".
    if (in.mask.Has('<') && in.mask.Has('!')) {
      static constexpr std::string_view kLong = "!<tag:yaml.org,2002:";
      const size_t p = IFind(v, kLong);
      if (p != kNpos) {
        const std::string_view rest = v.substr(p + kLong.size());
        for (std::string_view tag : kYamlTags) {
          tag.remove_prefix(tag.starts_with("!!") ? 2 : 1);
          if (rest.size() >= tag.size() && scan::IEquals(rest.substr(0, tag.size()), tag)) {
            return FillMatch(m, "deserialization.yaml_tag",
                             "YAML tag that instantiates a language object", 90, p,
                             kLong.size() + tag.size());
          }
        }
      }
    }
    // Ruby Marshal: raw 04 08 or base64 "BAh" carrying a known gadget.
    if (RubyMarshalGadget(v, raw)) {
      return FillMatch(m, "deserialization.ruby_marshal",
                       "Ruby Marshal payload with a known gadget", 90, 0, 3);
    }
    std::string_view rule = SerializedStreamInBase64(raw, in.mask);
    // (Gated on the escapes of a ViewState's "/wE" and of the slashes of a
    // BinaryFormatter header.)
    if (rule.empty() && raw.size() >= kMinSerializedBase64 && raw.find('%') != kNpos &&
        raw.find(' ') == kNpos && (IFind(raw, "%2fwe") != kNpos || IFind(raw, "%2f%2f%2f") != kNpos)) {
      // Base64 sent form-encoded ("__VIEWSTATE=%2FwEy..."): its '/', '+' and
      // '=' as escapes, the rest as written ('+' would decode to a blank).
      std::string unescaped;
      if (UnescapeBase64Punctuation(raw, &unescaped)) {
        rule = SerializedStreamInBase64(unescaped, in.mask);
      }
    }
    if (!rule.empty()) {
      return FillMatch(m, rule, "Base64 data that decodes to a serialized object stream", 85, 0,
                       std::min<size_t>(raw.size(), 16));
    }
    return false;
  }
};

}  // namespace

const Detector& DeserializationDetector() {
  static const DeserializationImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
