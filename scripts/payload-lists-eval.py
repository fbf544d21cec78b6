#!/usr/bin/env python3
"""Recall on third-party payload lists kept outside the repository.

Reads every text file under DIR (for example a copy of SecLists' Fuzzing
folder), takes each distinct non-empty line as one attack payload, sends it
through `fnguard eval` (in the query by default) and, with --modsecurity,
through ModSecurity + CRS in the same run, and prints the share flagged per
file. A line that starts with '#' and holds a space is a comment of the
list and is skipped. Lists made for a fuzzer hold placeholders (sqlmap's `[RANDNUM]`,
`[SLEEPTIME]`, wapiti's `[VALUE]`, `[LF]`); --fill-placeholders puts ordinary values in their place, as
the fuzzer would, so that a template is judged as the request it becomes.

usage: scripts/payload-lists-eval.py DIR [--build DIR] [--modsecurity]
           [--embed query|json-body|header|raw] [--fill-placeholders]
           [--show SUBSTRING] [--work DIR]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

PLACEHOLDERS = (
    ("[RANDNUM1]", "7310"), ("[RANDNUM]", "4821"), ("[SLEEPTIME]", "5"), ("[ORIGVALUE]", "1"),
    ("[RANDSTR]", "kqzv"), ("[DELIMITER_START]", "qkvxq"), ("[DELIMITER_STOP]", "qzjpq"),
    ("[INFERENCE]", "1=1"), ("[GENERIC_SQL_COMMENT]", "-- -"), ("[QUERY]", "SELECT 1"),
    # wapiti's attack files (wapitiCore/data/attacks): the parameter's own
    # value, a delay, the tester's endpoint and the characters it spells out.
    ("[VALUE]", "1"), ("[DIRVALUE]", "1"), ("[EXTVALUE]", "1"), ("[TIME]", "6"), ("[TIMEOUT]", ""),
    ("[FILE_NAME]", "index.php"), ("[FILE_NOEXT]", "index"),
    ("[EXTERNAL_ENDPOINT]", "http://wapiti3.ovh/"), ("[SESSION_ID]", "5c1d0f"), ("[PATH_ID]", "7"),
    ("[PARAM_AS_HEX]", "6964"), ("[ATTR_SEP]", " "), ("[VALUE_SEP]", ""), ("__XSS__", "w4x1q9"),
    ("[LF]", "\n"), ("[TAB]", "\t"), ("[FF]", "\f"),
)


def read_rows(root, fill):
    rows = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.startswith("MANIFEST."):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            seen = set()
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            for i, line in enumerate(text.split("\n")):
                line = line.rstrip("\r")
                if not line.strip() or line in seen:
                    continue
                # A list's own comments ("# from wapiti", "#? NAME"); a payload
                # that starts with '#' ("#'", "#&apos;") has no space.
                if line.startswith("#") and (line == "#?" or any(c.isspace() for c in line)):
                    continue
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError:
                    continue  # not valid UTF-8; eval reads JSON text
                seen.add(line)
                if fill:
                    for k, v in PLACEHOLDERS:
                        line = line.replace(k, v)
                rows.append({"id": f"{rel}:{i}", "label": "attack", "payload": line})
    return rows


def run(binary, rows, embed, engine, work):
    inp = os.path.join(work, "lists.jsonl")
    with open(inp, "w") as o:
        for r in rows:
            o.write(json.dumps(r) + "\n")
    out = os.path.join(work, f"report.{engine}.jsonl")
    cmd = [binary, "eval", "--input", inp, "--embed", embed, "--report", out]
    if engine != "fnguard":
        cmd += ["--engine", engine]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(out) as f:
        return {json.loads(l)["id"]: bool(json.loads(l).get("flagged")) for l in f}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--build", default="build")
    ap.add_argument("--modsecurity", action="store_true")
    ap.add_argument("--embed", default="query")
    ap.add_argument("--fill-placeholders", action="store_true")
    ap.add_argument("--show", default=None, help="print the payloads missed in files whose path holds this")
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    binary = os.path.join(a.build, "fnguard")
    work = a.work or tempfile.mkdtemp(prefix="fnguard-lists-")
    os.makedirs(work, exist_ok=True)
    rows = read_rows(a.dir, a.fill_placeholders)
    if not rows:
        sys.exit(f"no payloads under {a.dir}")
    fng = run(binary, rows, a.embed, "fnguard", work)
    ms = run(binary, rows, a.embed, "modsecurity", work) if a.modsecurity else None
    n = collections.Counter()
    hit = collections.Counter()
    mhit = collections.Counter()
    for r in rows:
        f = r["id"].rsplit(":", 1)[0]
        n[f] += 1
        hit[f] += fng.get(r["id"], False)
        if ms is not None:
            mhit[f] += ms.get(r["id"], False)
    head = "| list | payloads | fnguard |" + (" ModSecurity + CRS PL1 |" if ms else "")
    print(head)
    print("|---|---|---|" + ("---|" if ms else ""))
    for f in sorted(n):
        line = f"| {f} | {n[f]} | {100 * hit[f] / n[f]:.1f}% |"
        if ms is not None:
            line += f" {100 * mhit[f] / n[f]:.1f}% |"
        print(line)
    total = sum(n.values())
    line = f"| **all** | {total} | {100 * sum(hit.values()) / total:.1f}% |"
    if ms is not None:
        line += f" {100 * sum(mhit.values()) / total:.1f}% |"
    print(line)
    if a.show:
        for r in rows:
            if a.show in r["id"] and not fng.get(r["id"], False):
                tag = "MS" if ms is not None and ms.get(r["id"], False) else "  "
                print("missed", tag, json.dumps(r["payload"][:200]))


if __name__ == "__main__":
    main()
