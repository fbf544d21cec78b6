#!/usr/bin/env python3
"""Detection on data this repository does not hold: the OWASP Core Rule Set's
regression tests.

The CRS project tests each of its rules with go-ftw YAML files
(tests/regression/tests/REQUEST-9xx-*/9xxxxx.yaml in
https://github.com/coreruleset/coreruleset): whole HTTP requests (method,
URI, headers, body, or the raw request base64-encoded) and whether the rule
must fire. Nothing of them is in this repository or in ../shared/corpus;
fnguard's detectors were not written from them.

This script turns every test stage into an API Gateway HTTP API (v2) event
as a function would receive it (path and query as sent, headers, cookies,
body; a body without Content-Type is a form post, as the test tool sends
it), inspects the events with `fnguard scan`, and prints, per attack family
of the rule file (930 path traversal, 931 rfi, 932 cmdi, 934 generic, 941
xss, 942 sqli, 944 java), the share of events flagged. A stage counts as an
attack when a rule of its own family must fire, and as a "must not fire"
stage when the test only says the rule must stay silent (those are often
still attacks that another rule of the family catches, so they are not a
false-positive rate). With --modsecurity the same events also go through
ModSecurity + CRS at paranoia level 1 (`fnguard bench --vs modsecurity`).
Many tests exercise rules of paranoia levels 2 to 4 (a bare "ABS(", ">>",
"tempdb"), which level 1 does not run either.

usage: scripts/crs-regression-eval.py TESTS_DIR [--build DIR] [--modsecurity]
                                      [--work DIR] [--report OUT.jsonl]
TESTS_DIR holds the REQUEST-9xx-* folders (or any tree of 9xxxxx.yaml files).
"""
import argparse
import base64
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

FAMILY = {"930": "path_traversal", "931": "rfi", "932": "cmdi", "933": "php",
          "934": "generic", "941": "xss", "942": "sqli", "944": "java"}


def parse_raw_request(raw):
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, _, body = raw.partition(b"\n\n")
    lines = re.split(rb"\r?\n", head)
    parts = lines[0].split(b" ")
    method = parts[0].decode("latin-1")
    uri = parts[1].decode("latin-1") if len(parts) > 1 else "/"
    headers = {}
    for line in lines[1:]:
        if b":" in line:
            k, v = line.split(b":", 1)
            headers[k.decode("latin-1").strip()] = v.decode("latin-1").strip()
    return method, uri, headers, body.decode("utf-8", "replace")


def expectation(out, rule):
    """'attack', 'silent' or None (a stage that checks something else)."""
    if not isinstance(out, dict):
        return None
    log = out.get("log") or {}
    if isinstance(log, dict):
        if log.get("expect_ids"):
            fam = rule[:3]
            return "attack" if any(str(i).startswith(fam) for i in log["expect_ids"]) else None
        if log.get("no_expect_ids"):
            return "silent"
    if "log_contains" in out:
        return "attack"
    if "no_log_contains" in out:
        return "silent"
    return None


def request_of(inp):
    if inp.get("encoded_request"):
        return parse_raw_request(base64.b64decode(inp["encoded_request"]))
    if inp.get("raw_request"):
        return parse_raw_request(str(inp["raw_request"]).encode("utf-8", "replace"))
    data = inp.get("data", "")
    if isinstance(data, list):
        data = "\r\n".join(map(str, data))
    headers = {str(k): str(v) for k, v in (inp.get("headers") or {}).items()}
    return (inp.get("method", "GET"), str(inp.get("uri", "/")), headers,
            "" if data is None else str(data))


def event_of(method, uri, headers, body):
    path, _, query = uri.partition("?")
    hdrs, cookies = {}, []
    for k, v in headers.items():
        if k.lower() == "cookie":
            cookies += [c.strip() for c in v.split(";") if c.strip()]
        else:
            hdrs[k.lower()] = v
    if body and "content-type" not in hdrs:
        hdrs["content-type"] = "application/x-www-form-urlencoded"
    ev = {"version": "2.0", "routeKey": "$default", "rawPath": path or "/",
          "rawQueryString": query, "headers": hdrs,
          "requestContext": {"http": {"method": method, "path": path or "/",
                                      "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
                                      "userAgent": hdrs.get("user-agent", "")},
                             "requestId": "crs", "routeKey": "$default", "stage": "$default"},
          "isBase64Encoded": False}
    if cookies:
        ev["cookies"] = cookies
    if body:
        ev["body"] = body
    return ev


def write_events(tests_dir, work):
    """Writes one event per test stage under work/<family>/<kind>/; returns
    the index rows and the number of unreadable files."""
    rows, unreadable = [], 0
    files = sorted(glob.glob(os.path.join(tests_dir, "**", "9[0-9][0-9][0-9][0-9][0-9]*.yaml"),
                           recursive=True))
    for path in files:
        rule = os.path.basename(path)[:6]
        family = FAMILY.get(rule[:3])
        if family is None:
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                doc = yaml.safe_load(f)
        except yaml.YAMLError:
            unreadable += 1
            continue
        tests = doc.get("tests") if isinstance(doc, dict) else None
        for t in tests or []:
            title = str(t.get("test_title") or t.get("test_id"))
            if not title.startswith(rule[:3]):
                title = f"{rule}-{title}"
            for si, st in enumerate(t.get("stages") or []):
                st = st.get("stage", st) if isinstance(st, dict) else {}
                kind = expectation(st.get("output") or {}, rule)
                if kind is None:
                    continue
                try:
                    ev = event_of(*request_of(st.get("input") or {}))
                except (ValueError, TypeError, base64.binascii.Error):
                    unreadable += 1
                    continue
                name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{title}-{si}" if si else title)
                out_dir = os.path.join(work, family, kind)
                os.makedirs(out_dir, exist_ok=True)
                out = os.path.join(out_dir, name + ".json")
                with open(out, "w") as f:
                    json.dump(ev, f)
                rows.append({"id": name, "rule": rule, "family": family, "kind": kind,
                             "file": out})
    return rows, unreadable


def scan(fnguard, rows):
    found = {}
    for i in range(0, len(rows), 400):
        batch = [r["file"] for r in rows[i:i + 400]]
        out = subprocess.run([fnguard, "scan", "--format", "json"] + batch,
                             capture_output=True, text=True, check=False)
        for line in out.stdout.splitlines():
            o = json.loads(line)
            found[o["file"]] = o
    return found


def modsecurity_flagged(fnguard, directory):
    out = subprocess.run([fnguard, "bench", "--events", directory, "--iterations", "1",
                          "--vs", "modsecurity", "--format", "json"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit("fnguard bench --vs modsecurity failed: " + out.stderr.strip())
    o = json.loads(out.stdout)
    return o["modsecurity"]["flagged"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tests_dir")
    ap.add_argument("--build", default="build")
    ap.add_argument("--modsecurity", action="store_true")
    ap.add_argument("--work")
    ap.add_argument("--report")
    args = ap.parse_args()
    if args.work:
        report(args, args.work)
    else:
        with tempfile.TemporaryDirectory(prefix="fnguard-crs-") as work:
            report(args, work)


def report(args, work):
    """Writes the events under `work`, scans them and prints the table."""
    fnguard = os.path.join(args.build, "fnguard")
    rows, unreadable = write_events(args.tests_dir, work)
    if not rows:
        sys.exit(f"no CRS regression tests found under {args.tests_dir}")
    found = scan(fnguard, rows)
    stats = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        o = found.get(r["file"]) or {}
        r["flagged"] = bool(o.get("findings"))
        r["detectors"] = sorted({f["detector"] for f in o.get("findings", [])})
        stats[(r["family"], r["kind"])][0] += 1
        stats[(r["family"], r["kind"])][1] += r["flagged"]
    if args.report:
        with open(args.report, "w") as f:
            for r in rows:
                f.write(json.dumps(r) + "\n")
    families = sorted({f for f, _ in stats})
    head = "| family | attack stages | fnguard |"
    rule = "|---|---|---|"
    if args.modsecurity:
        head += " ModSecurity + CRS PL1 |"
        rule += "---|"
    head += " must-not-fire stages | fnguard flags |"
    rule += "---|---|"
    print(head)
    print(rule)
    for fam in families:
        n, f = stats[(fam, "attack")]
        line = f"| {fam} | {n} | {100.0 * f / n:.1f}% |" if n else f"| {fam} | 0 | - |"
        if args.modsecurity:
            d = os.path.join(work, fam, "attack")
            line += f" {100.0 * modsecurity_flagged(fnguard, d) / n:.1f}% |" if n else " - |"
        sn, sf = stats[(fam, "silent")]
        line += f" {sn} | {sf} |"
        print(line)
    print(f"\n{len(rows)} stages from {args.tests_dir}; {unreadable} unreadable files or "
          f"stages skipped.")


if __name__ == "__main__":
    main()
