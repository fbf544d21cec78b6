#!/usr/bin/env python3
"""Probe the inspection pipeline for super-linear work on long values.

Each probe is a short unit of text (a line break and a colon, an open tag, an
entity, a quote, a keyword...) repeated into a value of SMALL and of LARGE
bytes. The value is sent as a text/plain body, as a JSON body field and as a
query parameter, and `fnguard bench --events` times each event. Work linear in
the value's length takes LARGE/SMALL times as long on the larger value; a
scan that reads the rest of the value at every occurrence of its unit takes
(LARGE/SMALL)^2 times as long. A probe whose ratio exceeds --max-ratio times
the size ratio is reported, and the script exits 1.

    scripts/linearity-probe.py --fnguard build/fnguard [--small 262144]
        [--large 1048576] [--iterations 3] [--only SUBSTRING] [--pairs]
        [--gates] [--work DIR]

Detectors skip a value whose bytes cannot make up what they look for, so a
unit repeated on its own leaves many of their scans unread. With --gates each
value starts with GATES, a short benign text holding every punctuation byte
once, and the repeated unit follows it.

The policy used lifts the event, body, field and time limits so that every
byte is inspected.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

# Units of text that detectors and normalizers search for, read around or
# count. Each is repeated on its own; the combined ones pair an opener with
# what commonly follows it.
UNITS = [
    "\n", "\r\n", "\r", "a:\n", "\nab:", "x: y\r\n", "\nHTTP/1.1 200",
    "<", "<a", "<a ", "</", "</a>", "<a>x</a>\n", "<!--", "-->", "<![CDATA[", "]]>",
    "<?", "<?xml ", "<!DOCTYPE a [", "<!ENTITY ", "SYSTEM ", "%a;", "&a;",
    "&", "&#", "&#x", "&#60", "&lt;", "&lt", "%", "%25", "%2", "%u", "%u00",
    "\\", "\\u", "\\x", "\\\\", "'", "\"", "`", "(", ")", "((", "))", "[", "]",
    "{", "}", "{{", "}}", "${", "#{", "<%=", "$(", "$", ";", "|", "||", "&&",
    "=", "==", "'=", "' or ", "or 1=", "1 or ", "union select ", "select ",
    "/*", "*/", "--", "#", "/", "//", "../", "..\\", "./", ":/", "://", "http://",
    "http://127.0.0.1/", "file:", "javascript:", "java\tscript:", "data:", "@",
    "?", ".", "..", ",", " ", "\t", "a ", "on", "onload=", "<a onload=",
    "<a href=", "<a b=c ", "a=\"", "='", "'||'", "\" onmouseover=", "<svg ",
    "<script>", "<style>", "@import ", "expression(", "url(", "alert(", "eval(",
    "a.b(", "x[", "__proto__", "constructor.", "rO0AB", "O:8:\"", "aced0005",
    "${jndi:", "${${", "${lower:", "jndi:", "ldap://", "(&", "(|", "*)", "$ne",
    "{\"$", "$where", "xi:include", "<xsl:", "::", "/child::", "cat ", ";cat ",
    "|id", "$IFS", "${IFS}", "0x", "char(", "sleep(", "a=b&", "&a=", "+", "-",
    "~", "!", "^", "*", "\u00a0", "\u00e9", "\uff1c", "\\00", "\\0", "\\x3c",
    "\\u003c", "&#x3c;", "%3c", "%253c", "a.b.c.", "java.lang.", "Runtime",
    "{{7*7}}", "<%", "%>", "#set(", "@(", "*{", "[[", "]]", "\\\\host\\",
    "\\\\?\\", "ftp://", "gopher://", "dict://", "0177.0.0.1", "[::1]",
    "169.254.169.254", "user@", "?x=", "#x", "@@", "a'b", "a\"b", "\x00",
    "<a type=", "x\nPRIVMSG a", "\nset k 0 0 1", "begins_with(", "redis.call(",
    "data:image/svg+xml,", "]::", "%A:~1%", "/_", "_design/", "%2fwE",
    "http://a &@", "unix://", "{{range ", "-F @/", "$((1",
    "1.e(", "1.e", "/*!1.e ", "\"{1}{0}\" -f ", "'{1}' -f '", "-f '",
    "un/**/ion ", "a/*", "uniunionon ", "'a' ", "'),('a',", "do $a", "::jsonb ? ",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD ", "`eval`", "; aws s3 ", "<%= process.env.",
    "!<tag:yaml.org,2002:", "?constructor[", "\"constructor\",", "{\"$type\":",
    "c[a]", "& %a%%b%", "ssh://-o", "<img src='http://", " or not ", "x = :p or x <> :p ",
    "1; while(true)", "GET / HTTP/1.1\r\n", " OR _exists_:", "OR ", "__pro__proto__", "/a HTTP/1.1\r\n", "x\r\nContent-Type: a\r\n", "a.txt%00",
    "return(db.", "<!DOCTYPE a PUBLIC \"-//", "=cmd|'", "|'", "'!", "x\"}", "{\"a\":\"",
    "O:1:\"A\":1:{s:3:\"\x00*\x00", "eyJhIjoiYiJ9", "\u2018", "\u2039", "__proto__:\n",
    "<svg><circle/>", "<script> a ", "{% if a %}", "{{ $t('a') }}", "\u24e4",
    "\ufe5b", "a\u2028", "data: ", "LD_PRELOAD=", "ctx._source", ") OR (a:", "$env:comspec",
    "sal x iex;", "{a.b.c._d}", "%%0a0a", "\\\\.\\",
    "javascript:void(0) ", " onclick=\"return false", "setTimeout((", "document.querySelector(",
    " -exec ", "x > /var/www/", "wh\\\n", ";{cat,", "\\Nunion ", "1)) or ((",
    "a FROM b--", "http://a@127.0.0.1@", "10.0.0.0/8,", "postgres://db:1/",
    "s:1:%22%00", "{{ a|round(2) }}", "{% for a in b['c'] %}", "${env:A_DIR}", "/var/log/*",
    "QUJD%3D", "H4sI", "3c73", "\\074", "=DDE(", "=WEBSERVICE(\"http://a\"&A1", "{\"$type\":2",
    "<?xml a?>",
]

# With --gates: the start of every value. One of each ASCII punctuation byte,
# between letters, so that no scan is skipped for want of one; not itself an
# attack of any class.
GATES = "a'b\"c`d;e|f&g$h(i)j{k}l[m]n<o>p=q%r\\s#t@u!v*w+x-y/z:a,b.c?d^e~f_g "

# With --pairs: every two-byte unit of these bytes ("<'", "\n{", "a(").
PAIR_BYTES = "\n <>'\"(){}$&;|/.:=%\\a`[]#*-,!?@+~^"


def event_files(value, shape):
    if shape == "text":
        body, ctype, query = value, "text/plain", ""
    elif shape == "json":
        body, ctype, query = json.dumps({"v": value}), "application/json", ""
    else:
        body, ctype, query = "", "", "q=" + urllib.parse.quote(value, safe="")
    event = {
        "version": "2.0", "routeKey": "POST /probe", "rawPath": "/probe",
        "rawQueryString": query,
        "headers": {"content-type": ctype, "host": "api.example.com"} if ctype else
                   {"host": "api.example.com"},
        "queryStringParameters": {"q": value} if query else None,
        "requestContext": {"http": {"method": "POST", "path": "/probe"}},
        "body": body, "isBase64Encoded": False,
    }
    if not query:
        del event["queryStringParameters"]
    return json.dumps(event)


def run(fnguard, policy, work, value, shape, iterations, timeout):
    d = os.path.join(work, "ev")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(d, "e.json"), "w") as f:
        f.write(event_files(value, shape))
    try:
        out = subprocess.run([fnguard, "bench", "--events", d, "--iterations", str(iterations),
                              "--policy", policy, "--format", "json"],
                             capture_output=True, text=True, check=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out)["fnguard"]["p50_ns"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fnguard", required=True)
    ap.add_argument("--small", type=int, default=262144)
    ap.add_argument("--large", type=int, default=1048576)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--max-ratio", type=float, default=2.5,
                    help="report a probe slower than this many times the size ratio")
    ap.add_argument("--shapes", default="text,json,query")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds one bench run may take")
    ap.add_argument("--only", default=None, help="only units containing this text")
    ap.add_argument("--pairs", action="store_true",
                    help="probe every two-byte unit of PAIR_BYTES instead of UNITS")
    ap.add_argument("--gates", action="store_true",
                    help="start every value with GATES (see above)")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="fnguard-linearity-")
    os.makedirs(work, exist_ok=True)
    policy = os.path.join(work, "policy.yaml")
    with open(policy, "w") as f:
        f.write("version: 1\ninspection:\n  limits:\n    max_event_bytes: 10000000\n"
                "    max_body_bytes: 10000000\n    max_fields: 1000000\n"
                "    time_budget_us: 10000000\n")
    size_ratio = args.large / args.small
    bad = []
    pool = [a + b for a in PAIR_BYTES for b in PAIR_BYTES] if args.pairs else UNITS
    units = [u for u in pool if args.only is None or args.only in u]
    for shape in args.shapes.split(","):
        for unit in units:
            head = GATES if args.gates else ""
            small = head + (unit * (args.small // len(unit) + 1))[: args.small]
            large = head + (unit * (args.large // len(unit) + 1))[: args.large]
            ts = run(args.fnguard, policy, work, small, shape, args.iterations, args.timeout)
            # The larger value may take at most the time linear work needs,
            # with the same margin, and a few seconds for the process.
            limit = 5 + (args.iterations + 1) * args.max_ratio * size_ratio * (ts or 0) / 1e9
            tl = None if ts is None else run(args.fnguard, policy, work, large, shape,
                                             args.iterations, min(args.timeout, limit))
            if ts is None or tl is None:
                print(f"{shape:5} {json.dumps(unit):24} timed out  SUPER-LINEAR", flush=True)
                bad.append((shape, unit, None))
                continue
            ratio = tl / max(ts, 1)
            flag = ratio > args.max_ratio * size_ratio
            print(f"{shape:5} {json.dumps(unit):24} {ts / 1e6:9.2f} ms {tl / 1e6:9.2f} ms "
                  f"x{ratio:6.1f}{'  SUPER-LINEAR' if flag else ''}", flush=True)
            if flag:
                bad.append((shape, unit, ratio))
    print(f"size ratio {size_ratio:.0f}; {len(bad)} of {len(units) * len(args.shapes.split(','))} "
          f"probes over {args.max_ratio} times it")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
