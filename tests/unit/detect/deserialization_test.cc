#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"
#include "runtime/report/gzip.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;

std::string Repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

TEST(DeserializationTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "rO0ABXNyABdqYXZhLnV0aWwuUHJpb3JpdHlRdWV1ZQ==",
      "aced00057372001e",
      "rO0ABQ==",  // a stream header alone
      "state=rO0ABQ;",
      "aced0005",
      "org.apache.commons.collections.functors.InvokerTransformer",
      "{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\",\"dataSourceName\":\"ldap://x\"}",
      "{\"$type\":\"System.Windows.Data.ObjectDataProvider, PresentationFramework\"}",
      "O:8:\"stdClass\":1:{s:1:\"a\";i:1;}",
      "a:2:{s:8:\"username\";b:1;s:8:\"password\";b:1;}",
      "!!python/object/apply:os.system [\"id\"]",
      "!!javax.script.ScriptEngineManager [x]",
      "AAEAAAD/////AQAAAAAAAAAMAgAAAA==",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << a;
  }
}

TEST(DeserializationTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "{\"@type\":\"Person\",\"name\":\"x\"}",
      "O:8:\"stdClass\":1:{broken",
      "a:2 b:3",
      "Java is great",
      "SGVsbG8gd29ybGQ=",
      "s:3:\"abc\"",
      "rO0AB",       // shorter than a stream header
      "QrO0ABXNy",   // inside a longer base64 token
      "faced0005",   // inside a longer hex token
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// A Java class that runs commands, loads classes or reflects, named in a
// value or a key: the class is read as a whole component of a dotted name
// under java/javax/jdk/sun, so longer class names, system properties, other
// roots and stack-trace frames are not it.
TEST(DeserializationTest, JavaExecutionClassesByName) {
  const std::vector<std::string> named = {
      "java.lang.Runtime",
      "Class.forName(\"java.lang.Runtime\").getMethod(\"exec\")",
      "java.lang.ProcessImpl",
      "x=java.lang.reflect.Method;y=1",
      "jdk.jshell.JShell",
      "sun.misc.Unsafe",
      "java.lang.ClassLoader",
      "#context['com.opensymphony.xwork2.ActionContext.container']",
      "ognl.OgnlContext",
      "java.lang.invoke.MethodHandles.lookup()",
  };
  for (const std::string& v : named) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "deserialization.java_exec_class") << v;
    c.is_key = true;
    c.path = "body." + v;
    c.location = event::Location::kBody;
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << "as a key: " << v;
  }
  const std::vector<std::string> not_named = {
      "java.lang.RuntimeException: boom",
      "Exception in thread main\n\tat java.lang.reflect.Method.invoke(Method.java:498)",
      "at sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
      "at java.lang.ProcessBuilder.start(Unknown Source)",
      "at javax.naming.InitialContext.lookup(InitialContext.java:417)",
      "java.runtime.version=17.0.2",
      "com.android.runtime",
      "Java.Runtime environment is needed",
      "java.lang.String",
      "myjava.lang.Runtime",
      "org.example.Runtime",
      "com.opensymphony.other",
  };
  for (const std::string& v : not_named) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// The classes payloads build to reach files, load code or reach naming and
// CORBA services, named as a value of their own (the whole value, a quoted
// JSON or XML value, a key): the shape of a polymorphic type hint. In prose,
// as exception types or as everyday types (String, Integer) they are talk.
TEST(DeserializationTest, JavaTypeNamesStandingAlone) {
  const std::vector<std::string> alone = {
      "java.io.PipedWriter",
      " java.nio.file.Files ",
      "{\"@class\":\"java.io.RandomAccessFile\",\"mode\":\"r\"}",
      "<bean class=\"java.beans.XMLDecoder\"/>",
      "<t>com.sun.jndi.ldap.LdapCtx</t>",
      "[\"org.apache.commons.beanutils.BeanMap\", {}]",
      "org.omg.CORBA.ORB",
      "java.lang.System",
      "org.springframework.context.support.ClassPathXmlApplicationContext",
      "[\"org.springframework.context.support.FileSystemXmlApplicationContext\", \"http://x/\"]",
      "groovy.lang.GroovyShell",
      "bsh.Interpreter",
      "org.mozilla.javascript.Context",
  };
  for (const std::string& v : alone) {
    Case c;
    c.value = v;
    c.location = event::Location::kBody;
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "deserialization.java_type_name") << v;
  }
  Case key;
  key.is_key = true;
  key.value = "java.io.PipedWriter";
  key.path = "body.java.io.PipedWriter";
  key.location = event::Location::kBody;
  EXPECT_TRUE(Detects(DeserializationDetector(), key));
  const std::vector<std::string> talk = {
      "Reading with java.io.PipedWriter is slow",
      "see java.nio.file.Files.",
      "java.io.UncheckedIOException",
      "{\"error\":\"java.lang.NoClassDefFoundError\"}",
      "java.lang.Integer",
      "java.io.pipedwriter",
      "\tat java.io.FileInputStream.open(FileInputStream.java:195)",
      "org.apache.commonsense",
      "java.lang.SystemTray",
      "groovy.lang.GroovyObject",
      "bsh.InterpreterError",
      "We use org.mozilla.javascript.Context here",
      "javax.namingx",
  };
  for (const std::string& v : talk) {
    Case c;
    c.value = v;
    c.location = event::Location::kBody;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// commons-collections functors that call methods or constructors: the
// transformer and factory names alone, the looping closures only beside
// Runtime or ProcessBuilder.
TEST(DeserializationTest, CommonsCollectionsFunctors) {
  const std::vector<std::string> chains = {
      "x.CloneTransformer",
      "org.x.PrototypeSerializationFactory",
      "a.InstantiateFactory",
      "Runtime.getRuntime via functors.WhileClosure",
      "ProcessBuilder with a.ForClosure",
  };
  for (const std::string& v : chains) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "deserialization.java_gadget") << v;
  }
  const std::vector<std::string> benign = {
      "The house went into forclosure. Call us.",
      "a.WhileClosure without anything else",
      "factory.reset for the transformer",
  };
  for (const std::string& v : benign) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(DeserializationTest, RuntimeExecWhateverTheReceiver) {
  const std::vector<std::string> calls = {
      "w.getRuntime().exec(req.getHeader(\"X-Run\"))",
      "${q}.getRuntime() . exec ( args )",
      "if(ok){ r = Runtime.getRuntime().exec(line); }",
  };
  for (const std::string& v : calls) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "deserialization.java_runtime_exec") << v;
  }
  const std::vector<std::string> benign = {
      "Runtime.getRuntime().availableProcessors() returns 2",
      "call getRuntime() once, then exec the job",
      "getruntime().exec(x)",
  };
  for (const std::string& v : benign) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// node-serialize runs a function it finds behind "_$$ND_FUNC$$_"; funcster
// revives "__js_function". Both are caught as written and in base64 at
// every byte alignment, since the object usually rides base64-encoded in a
// cookie after whatever the application wraps around it.
TEST(DeserializationTest, NodeSerializedFunctions) {
  const Detector& d = DeserializationDetector();
  const std::string node_serialize =
      R"js({"rce":"_$$ND_FUNC$$_function(){require('child_process').exec('id')}()"})js";
  const std::string funcster = R"js({"cb":{"__js_function":"function(){return process.env}"}})js";
  for (const std::string& object : {node_serialize, funcster}) {
    Match m;
    Case c;
    c.value = object;
    ASSERT_TRUE(Detects(d, c, &m)) << object;
    EXPECT_EQ(m.rule_id, "deserialization.node_function");
  }
  for (std::string prefix : {"", "x", "xy", "{\"user\":\"ada\",\"profile\":"}) {
    Case c;
    c.value = absl::Base64Escape(prefix + node_serialize);
    c.location = event::Location::kCookie;
    c.path = "cookies.profile";
    Match m;
    EXPECT_TRUE(Detects(d, c, &m)) << c.value;
    EXPECT_EQ(m.rule_id, "deserialization.node_function") << c.value;
  }
  // A JSON body's member, as the event decoder hands it over.
  {
    Case c;
    c.value = "function(){return process.env}";
    c.location = event::Location::kBody;
    c.path = "body.cb.__js_function";
    Match m;
    EXPECT_TRUE(Detects(d, c, &m));
    EXPECT_EQ(m.rule_id, "deserialization.node_function");
    c.path = "body.cb.js_function";
    EXPECT_FALSE(Detects(d, c));
  }
  for (const std::string& benign : std::vector<std::string>{"my__js_functions",
                             "The `__js_function` key is documented", "__js_function_count", "ND_FUNC",
                             "$$ND_FUNC$$ costs", "function(){return 1}",
                             absl::Base64Escape("{\"f\":\"function(){}\"}")}) {
    Case c;
    c.value = benign;
    EXPECT_FALSE(Detects(d, c)) << benign;
  }
}

// Ruby Marshal streams (04 08) that name a gadget class, sent raw or in
// base64 wherever the name falls in the encoding; a Rails session cookie
// whose Marshal data holds no gadget is ordinary.
TEST(DeserializationTest, RubyMarshalGadgetsInBase64) {
  const Detector& d = DeserializationDetector();
  const std::string gadget = "Gem::Requirement";
  for (size_t pad = 0; pad < 3; ++pad) {
    // 04 08, an object ('o'), its class as a symbol (':' and the length + 5),
    // then `pad` bytes of an instance variable so the name moves in the
    // base64 groups.
    std::string marshal = std::string("\x04\x08o:", 4) + static_cast<char>(gadget.size() + 5) +
                          gadget + "\x06:\x0a@requirements" + std::string(pad, 'x');
    std::string shifted = std::string("\x04\x08[\x06", 4) + std::string(pad, 'i') + marshal;
    for (const std::string& bytes : {marshal, shifted}) {
      const std::string b64 = absl::Base64Escape(bytes);
      for (const std::string& value :
           {b64, "_app_session=" + b64 + "--4f2a9c0d1e", absl::WebSafeBase64Escape(bytes)}) {
        Case c;
        c.value = value;
        c.location = event::Location::kCookie;
        c.path = "cookies._app_session";
        Match m;
        EXPECT_TRUE(Detects(d, c, &m)) << value;
        EXPECT_EQ(m.rule_id, "deserialization.ruby_marshal") << value;
      }
    }
  }
  const std::string session = std::string("\x04\x08{\x07I\"\x0f", 7) + "session_id" +
                              std::string(
                                  "\x06:\x06"
                                  "ETI\"%",
                                  8) +
                              "4f2a9c0d" + std::string("\x06;\x00T", 4);
  for (const std::string& value :
       {absl::Base64Escape(session), "_app_session=" + absl::Base64Escape(session) + "--9e1f",
        std::string("BAh is not base64 of anything we know"),
        absl::Base64Escape("Gem::Requirement")}) {
    Case c;
    c.value = value;
    Match m;
    EXPECT_FALSE(Detects(d, c, &m)) << value << " -> " << m.rule_id;
  }
}

// jsonpickle's tags make decode() import, call or evaluate what the document
// names: in a value that holds JSON, or as a key of a body already taken
// apart. The same words elsewhere are not tags.
TEST(DeserializationTest, JsonpickleTags) {
  const std::vector<std::string> tagged = {
      R"({"py/reduce": [{"py/function": "os.system"}, {"py/tuple": ["id"]}]})",
      R"({"py/object": "subprocess.Popen", "py/newargs": [["id"]]})",
      R"j({"py/repr": "os/os.system('id')"})j",
      R"({"py/type" : "builtins.eval"})",
  };
  for (const std::string& v : tagged) {
    Case c;
    c.value = v;
    c.location = event::Location::kBody;
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "deserialization.jsonpickle") << v;
  }
  for (const std::string key : {"py/reduce", "py/object", "py/function"}) {
    Case c;
    c.is_key = true;
    c.value = key;
    c.path = "body[\"" + key + "\"]";
    c.location = event::Location::kBody;
    EXPECT_TRUE(Detects(DeserializationDetector(), c)) << key;
  }
  const std::vector<std::string> untagged = {
      "py/reduce",                 // a value, not a key
      R"({"py/tuple": [1, 2]})",   // a container tag: builds no object
      R"({"path": "py/object"})",  // a tag's name as a value
      "see py/object in the jsonpickle docs",
      R"({"py/objects": "x"})",
      R"({"PY/OBJECT": "x"})",  // jsonpickle reads its tags as written
  };
  for (const std::string& v : untagged) {
    Case c;
    c.value = v;
    c.location = event::Location::kBody;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  Case tuple_key;
  tuple_key.is_key = true;
  tuple_key.value = "py/tuple";
  tuple_key.location = event::Location::kBody;
  EXPECT_FALSE(Detects(DeserializationDetector(), tuple_key));
}

// Streams inside base64 data wherever their bytes fall: behind a wrapper's
// own header (a ViewState around a BinaryFormatter stream), compressed, or
// a pickle of protocol 0, which no base64 prefix gives away.
TEST(DeserializationTest, SerializedStreamsInsideBase64) {
  const std::string java = std::string("\xac\xed\x00\x05sr\x00\x11java.util.HashMap", 26);
  const std::string binary_formatter =
      std::string("\x00\x01\x00\x00\x00\xff\xff\xff\xff\x01\x00\x00\x00\x00\x00\x00\x00\x0c\x02",
                  19) +
      "System.Windows.Forms";
  const std::string pickle = "cposix\nsystem\n(S'id'\ntR.";
  const struct {
    std::string bytes;
    std::string_view rule;
  } kStreams[] = {
      {java, "deserialization.java_base64"},
      {binary_formatter, "deserialization.dotnet_binaryformatter"},
      {pickle, "deserialization.python_pickle"},
      {report::GzipCompress(java + std::string(64, 'x')), "deserialization.java_base64"},
  };
  for (const auto& s : kStreams) {
    for (size_t shift = 0; shift < 3; ++shift) {
      // A ViewState-like header of one to three bytes moves the stream
      // across the base64 groups.
      const std::string bytes = std::string("\xff\x01\x32", shift + 1) + s.bytes;
      for (const std::string& value :
           {absl::Base64Escape(bytes), "__VIEWSTATE=" + absl::WebSafeBase64Escape(bytes)}) {
        Case c;
        c.value = value;
        Match m;
        ASSERT_TRUE(Detects(DeserializationDetector(), c, &m)) << value;
        EXPECT_EQ(m.rule_id, s.rule) << value;
      }
    }
  }
  const std::vector<std::string> benign = {
      // A LosFormatter ViewState, a JWT, an image, a hash, text in base64.
      "/wEPDwUKLTEyODE0NjQ4MmRkZ0Nq3Tz2YZ5Q8yW+0pTq4CJ8GkE=",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
      absl::Base64Escape(std::string("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16) +
                         std::string(40, '\x01')),
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      absl::Base64Escape("the quick brown fox jumps over the lazy dog, twice over"),
      // Base64 with blanks around it is prose, not one token.
      "see " + absl::Base64Escape("\x01" + java) + " in the log",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(DeserializationTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(DeserializationDetector(), std::string(1 << 20, '{'));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("a:1:{", 1 << 17));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("O:1:\"a\":1:{", 1 << 16));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("java.", 1 << 18));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("forclosure", 1 << 17));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("\"java.io.x", 1 << 17));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("getRuntime() .", 1 << 16));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat("BAhvOhVHZW06Ol ", 1 << 16));
  testing::RunsOnLargeInput(DeserializationDetector(), "BAh" + std::string(1 << 20, 'A'));
  // Base64 with no blank, as one token and as many small compressed ones
  // (each would inflate to 64 KiB of nothing).
  testing::RunsOnLargeInput(DeserializationDetector(), std::string(1 << 20, 'Q'));
  const std::string bomb = absl::Base64Escape(report::GzipCompress(std::string(1 << 16, 'x')));
  testing::RunsOnLargeInput(DeserializationDetector(), Repeat(bomb + ".", (1 << 20) / bomb.size()));
}

TEST(DeserializationTest, ReportsItsId) {
  EXPECT_EQ(Get(DeserializationDetector().id()).id(), DeserializationDetector().id());
}


TEST(DeserializationTest, ObjectSyntaxesThatNameAClass) {
  const std::vector<std::pair<std::string, std::string>> attacks = {
      {"[\"ch.qos.logback.core.db.DriverManagerConnectionSource\", {\"url\": \"jdbc:h2:mem:\"}]",
       "deserialization.polymorphic_type"},
      {"[ \"org.example.util.Widget\" , [1]]", "deserialization.polymorphic_type"},
      {"<map><entry><jdk.nashorn.internal.objects.NativeString><flags>0</flags>",
       "deserialization.xstream"},
      {"<sorted-set><dynamic-proxy><interface>java.lang.Comparable</interface>",
       "deserialization.xstream"},
      {"<ObjectDataProvider x:Key=\"k\" MethodName=\"Start\"></ObjectDataProvider>",
       "deserialization.dotnet_xaml"},
  };
  for (const auto& [v, rule] : attacks) {
    Case c{v};
    Match m;
    EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, rule) << v;
  }
  for (const std::string v :
       {"[\"a.b\", {}]", "[\"com.example\", {\"x\": 1}]", "[\"see java.util.List\", {}]",
        "<com.example.Config>x</com.example.Config>", "<ObjectDataProvider/>",
        "<version>1.2.3</version>"}) {
    Case c{v};
    Match m;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// A ViewState sent form-encoded, and XmlSerializer typed by a gadget.
TEST(DeserializationTest, FormEncodedViewStateAndTypedXml) {
  Match m;
  Case c;
  // BinaryFormatter's header behind "/wEy" with '/' written as %2F.
  c.value = "__VIEWSTATE=%2FwEyAAEAAAD%2F%2F%2F%2F%2FAQAAAAAAAAAMAgAAAF9TeXN0ZW0";
  EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << c.value;
  c.value =
      "<root type=\"System.Data.Services.Internal.ExpandedWrapper`2[[System.Windows.Markup."
      "XamlReader, PresentationFramework]]\"><x/></root>";
  EXPECT_TRUE(Detects(DeserializationDetector(), c, &m)) << c.value;
  EXPECT_EQ(m.rule_id, "deserialization.polymorphic_type");
  for (const std::string b : {"50%2F100 done", "<item type=\"book\">System.IO.FileInfo</item>"}) {
    c.value = b;
    EXPECT_FALSE(Detects(DeserializationDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// A YAML language tag written out in full.
TEST(DeserializationTest, VerbatimYamlTags) {
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(),
                            "!<tag:yaml.org,2002:python/object/apply:os.system> [\"id\"]"),
            "deserialization.yaml_tag");
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(), "!<tag:yaml.org,2002:str> hello"), "");
}

// A PHP object with private and protected members, whose names hold the
// NULs their lengths count (as PHPGGC writes them).
TEST(DeserializationTest, PhpObjectsWithPrivateMembers) {
  const std::string priv = std::string("O:31:\"GuzzleHttp\\Cookie\\FileCookieJar\":1:{s:41:\"") + '\0' +
                           "GuzzleHttp\\Cookie\\FileCookieJar" + '\0' +
                           "filename\";s:20:\"/var/www/html/sh.php\";}";
  const std::string prot = std::string("O:4:\"Test\":1:{s:6:\"") + '\0' + "*" + '\0' + "cmd\";s:2:\"id\";}";
  for (const std::string& a : {priv, prot}) {
    EXPECT_EQ(testing::RuleOf(DeserializationDetector(), a), "deserialization.php_object") << a;
  }
  // The same with the NULs (and the rest) sent percent-encoded, once or twice.
  for (const std::string& a :
       {std::string("O:4:%22Test%22:1:{s:6:%22%00*%00cmd%22;s:2:%22id%22;}"),
        std::string("O%3A4%3A%22Test%22%3A1%3A%7Bs%3A6%3A%22%2500*%2500cmd%22%3Bs%3A2%3A%22id%22%3B%7D"),
        std::string("a:2:{i:0;s:4:%22cart%22;i:1;O:4:%22Test%22:1:{s:6:%22%00*%00cmd%22;s:2:%22id%22;}}")}) {
    EXPECT_EQ(testing::RuleOf(DeserializationDetector(), a), "deserialization.php_object") << a;
  }
  // A length that does not count the NULs fails unserialize() too.
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(),
                            "a:1:{i:0;s:3:%22%00*%00cmd%22;}"),
            "");
}

TEST(DeserializationTest, PhpArraysOfDataAndWrittenMagic) {
  // Strings and numbers in a serialized array are data.
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(),
                            "a:2:{i:0;s:5:\"apple\";i:1;s:6:\"banana\";}"),
            "");
  // Booleans (type juggling), references and objects are not.
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(), "a:1:{s:5:\"admin\";b:1;}"),
            "deserialization.php_object");
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(), "a:2:{i:0;i:7;i:1;R:2;}"),
            "deserialization.php_object");
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(),
                            "O:1:\"A\":2:{s:1:\"a\";i:1;s:1:\"b\";r:1;}"),
            "deserialization.php_object");
  // The magic written about in a sentence; the magic and more hex.
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(), "ACED0005 starts every stream"), "");
  EXPECT_EQ(testing::RuleOf(DeserializationDetector(), "aced0005 7372 0011"),
            "deserialization.java_hex");
}

}  // namespace
}  // namespace fnguard::detect
