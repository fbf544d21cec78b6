#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detect_test_support.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;
using testing::RuleOf;

std::string Repeat(const std::string& s, size_t n) {
  std::string r;
  r.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) r += s;
  return r;
}

TEST(SstiTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "{{7*7}}",
      "{{ config }}",
      "{{self.__init__.__globals__}}",
      "{{''.__class__.__mro__[1]}}",
      "${7*7}",
      "#{7*7}",
      "*{T(java.lang.Runtime).getRuntime()}",
      "<%= 7*7 %>",
      "<%= `id` %>",
      "<%=`cat /etc/passwd`%>",
      "${{<%[%'\"}}%\\.",  // a probe for which engine renders the value
      "{{#{${x}",
      "#set($x = 1)",
      "{% import os %}",
      "{%\tif\tx\t%}y{%\tendif\t%}",
      "{%\nfor i in range(3) %}{{i}}{% endfor %}",
      "{{request.application.__globals__}}",
      "<#assign ex=\"freemarker.template.utility.Execute\"?new()>",
      "[#assign x = 7*7]${x}",
      "[#list 1..3 as i]${i}[/#list]",
      "(#_memberAccess['allowStaticMethodAccess']=true)",
      "(#context['xwork.MethodAccessor.denyMethodExecution']=false)",
      "[#assign ex=\"freemarker.template.utility.Execute\"?new()]",
      "$class.inspect(\"java.lang.Runtime\")",
      "{php}echo 1;{/php}",
      "[[${7*7}]]",
      "{{ x|attr('__class__') }}",
      "{{#with \"s\" as |string|}}{{/with}}",
      "{{=7*7}}",
      "@java.lang.System@getenv()",
      "(#r=@org.apache.commons.io.IOUtils@toString(#p.getInputStream()))",
      "@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(SstiDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(SstiDetector(), c)) << a;
  }
}

// Java calls an injected expression makes without delimiters: a process,
// the environment, system properties, exiting, native code, class loaders,
// a timed wait. Another class's method of the same name is not one.
TEST(SstiTest, JavaCallsWithoutDelimiters) {
  for (const std::string v :
       {"new ProcessBuilder(\"id\").start()", "System.getProperty(\"user.home\")",
        "System.getenv()", "java.lang.System.exit(0)", "Thread.sleep(5000)",
        "getClass().getClassLoader()", "x=System.loadLibrary(\"evil\")",
        // Another class's call first does not hide the real one after it.
        "MySystem.exit(1);System.exit(0)", "workerThread.sleep(1);Thread.sleep(5000)"}) {
    Case c;
    c.value = v;
    Match m;
    ASSERT_TRUE(Detects(SstiDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "ssti.java_call") << v;
  }
  for (const std::string v : {"MySystem.exit(0)", "workerThread.sleep(5)", "system.getenv()",
                              "the System.getenv docs", "thread.sleep(1)"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(SstiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(SstiTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      "{{name}}",
      "Hello {{ user.first_name }}",
      "${HOME}",
      "$100",
      "<%= `` %>",  // an empty command
      "50% `off` %>",
      "{\"a\":1}",
      "p{color:red}",
      "{{ title|upper }}",
      "[[\"2020-01-01\",\"2020-02-01\"]]",
      "${user.id}",
      "Price: $5.99",
      "john.doe@example.com",
      "mail jane@mail.Example.org or @team",
      "[#list of items](#list) and [#if needed](#if)",
      "see [#assign] in the FTL manual",
      "[#listing]${price}",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(SstiDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(SstiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// Perl's "@{[ ... ]}" evaluates code inside a string; empty brackets, an
// array literal without a name and a lone name are not code.
TEST(SstiTest, PerlInterpolatedExpressions) {
  for (std::string_view v : {"@{[ system qq{whoami} ]}", "x@{[ system ('who'.'ami') ]}y",
                             "name: @{[ eval { open(F, '/etc/passwd') } ]}", "@{[ $x ]}"}) {
    EXPECT_EQ(RuleOf(SstiDetector(), v), "ssti.expression") << v;
  }
  for (std::string_view v : {"@{[ ]}", "arr@{[1,2]}", "@{ name }", "@[x]", "Use @{[name]} here"}) {
    EXPECT_EQ(RuleOf(SstiDetector(), v), "") << v;
  }
}

TEST(SstiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(SstiDetector(), std::string(1 << 20, '{'));
  testing::RunsOnLargeInput(SstiDetector(), Repeat("{{", 1 << 19));
  testing::RunsOnLargeInput(SstiDetector(), Repeat("${", 1 << 19));
  testing::RunsOnLargeInput(SstiDetector(), Repeat("<%", 1 << 19));
  testing::RunsOnLargeInput(SstiDetector(), Repeat("@a.B", 1 << 18));
}

TEST(SstiTest, ReportsItsId) {
  EXPECT_EQ(Get(SstiDetector().id()).id(), SstiDetector().id());
}


TEST(SstiTest, GoTemplatesRazorAndImplicitObjects) {
  for (const std::string v :
       {"{{ .System \"id\" }}", "{{.Exec.Run `ls`}}", "{{ call .ExecFunc \"ls\" }}",
        "{{printf \"%#v\" .}}", "{{.}}", " {{- . -}} ", "{{ handler.settings }}",
        "${applicationScope}", "${pageContext.request.serverName}"}) {
    EXPECT_EQ(RuleOf(SstiDetector(), v), "ssti.expression") << v;
  }
  EXPECT_EQ(RuleOf(SstiDetector(), "@System.Diagnostics.Process.Start(\"cmd.exe\",\"/c id\")"),
            "ssti.razor_expression");
  EXPECT_EQ(RuleOf(SstiDetector(), "@System.IO.File.ReadAllText(\"/etc/passwd\")"),
            "ssti.razor_expression");
  for (const std::string v :
       {"Hi {{ .Name }}", "{{ printf \"%.2f\" .Price }}", "{{range .Items}}{{.}}{{end}}",
        "Use {{.}} in mustache sections", "{{ .Title | upper }}", "email @System.Admin (team)",
        "{{ len .Items }}"}) {
    EXPECT_EQ(RuleOf(SstiDetector(), v), "") << v;
  }
}

// A Go template walking the whole data object.
TEST(SstiTest, GoTemplateRangeOverTheData) {
  for (const std::string a : {"{{ range $k, $v := . }}{{$k}}={{$v}}{{end}}", "{{range .}}{{.}}{{end}}",
                              "{{with $}}{{.}}{{end}}"}) {
    EXPECT_NE(testing::RuleOf(SstiDetector(), a), "") << a;
  }
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ range .Items }}{{ .Name }}{{ end }}"), "");
}

// The process environment read in a template: where a function's
// credentials live.
TEST(SstiTest, EnvironmentReads) {
  for (const std::string a : {"<%= process.env.AWS_SECRET_ACCESS_KEY %>",
                              "<%= ENV['DATABASE_URL'] %>", "{{ process.env.TOKEN }}"}) {
    EXPECT_EQ(testing::RuleOf(SstiDetector(), a), "ssti.expression") << a;
  }
  for (const std::string b : {"process.env.NODE_ENV is read at start", "{{ env_name }}"}) {
    EXPECT_EQ(testing::RuleOf(SstiDetector(), b), "") << b;
  }
}

// Go templates reading the environment: Sprig's and gomplate's readers, a
// range over the data's Env.
TEST(SstiTest, GoTemplateEnvironmentReads) {
  for (const std::string a : {"{{ env \"AWS_SECRET_ACCESS_KEY\" }}", "{{getenv `DB_PASSWORD`}}",
                              "{{range $k, $v := .Env}}{{$k}}={{$v}}{{end}}"}) {
    EXPECT_NE(testing::RuleOf(SstiDetector(), a), "") << a;
  }
  for (const std::string b : {"{{ range .Items }}{{ .Name }}{{ end }}", "Set env \"PROD\" in {{ .Stage }}"}) {
    EXPECT_EQ(testing::RuleOf(SstiDetector(), b), "") << b;
  }
}

TEST(SstiTest, TranslationHelpersAndPlainConditions) {
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ $t('nav.home') }}"), "");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ t(\"cart.items\", { n: count }) }}"), "");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{% if vip %}Free{% endif %}"), "");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{% if order.total >= 50 %}ok{% endif %}"), "");
  // Code in the same places.
  EXPECT_NE(testing::RuleOf(SstiDetector(), "{{ t('x').__class__ }}"), "");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ t('x') + config }}"), "ssti.expression");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ T(java.lang.Runtime).getRuntime() }}"),
            "ssti.expression");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{% if request.application(x) %}1{% endif %}"),
            "ssti.template_tag");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{% if 1 == 1 %}y{% endif %}"), "ssti.template_tag");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{ index .Env \"DB_PASSWORD\" }}"),
            "ssti.expression");
}

TEST(SstiTest, FormatFieldWalksAndGoSecretFields) {
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{u.profile.model._meta.app_config.module.settings}"),
            "ssti.format_attribute_walk");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{req.app.config.DATABASE_URL}"),
            "ssti.format_attribute_walk");
  EXPECT_EQ(testing::RuleOf(SstiDetector(), "{{range .Accounts}}{{.APIKey}}{{end}}"),
            "ssti.expression");
  for (const std::string v : {"Dear {user.first_name}, order {order.id} shipped",
                              "{a.b.c.d}", "Reset: {{.ResetURL}} for {{.Email}}",
                              "{config.MAX_SIZE}"}) {
    EXPECT_EQ(testing::RuleOf(SstiDetector(), v), "") << v;
  }
}

TEST(SstiTest, FormattingFiltersNumericMethodsAndPlainLoops) {
  for (const char* v :
       {"{{ 'now'|date('Y') }} prints the current year in Twig, nice for footers.",
        "listen {{ app_port | default(8080) }};", "{{ price|round(2)|string }}",
        "Total: ${total.toFixed(2)}", "{{ title.substring(0, 40) }}",
        "{% for host in groups['web'] %}\nserver {{ hostvars[host]['ansible_host'] }};\n"
        "{% endfor %}",
        "{% for k, v in items %}{{ k }}={{ v }}{% endfor %}"}) {
    EXPECT_EQ(testing::RuleOf(SstiDetector(), v), "") << v;
  }
  // Filters that take callables or attribute names, calls of other things,
  // dangerous roots and loops over calls are still reported.
  for (const char* v :
       {"{{ ['id']|filter('system') }}", "{{ request|attr('application') }}",
        "{{ ['id','']|sort('passthru') }}", "{{ lipsum|default(1) }}", "{{ range(10) }}",
        "{{ config.items() }}", "{% for x in range(10) %}", "${x.getClass().forName(1)}"}) {
    EXPECT_NE(testing::RuleOf(SstiDetector(), v), "") << v;
  }
}

}  // namespace
}  // namespace fnguard::detect
