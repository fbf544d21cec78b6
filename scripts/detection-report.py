#!/usr/bin/env python3
"""Regenerates docs/DETECTION.md: runs `fnguard eval` on the shared corpus with
each embedding and `fnguard scan` on the real AWS sample events, and writes
recall per class and false-positive rates per source.

usage: scripts/detection-report.py [BUILD_DIR] [CORPUS_DIR] [--sections LIST] > docs/DETECTION.md

With FNGUARD_COMPARE_MODSECURITY=1 (and a build with libmodsecurity), the
same data also goes through ModSecurity + OWASP CRS at paranoia level 1
(query, json-body and xml-body embeddings; about 4 minutes each on 2 cores). Its
results are cached by input, embedding and package versions (see
scripts/eval_runner.py; FNGUARD_EVAL_CACHE=off runs it again).

--crs-tests DIR adds the "outside data" section: the OWASP CRS regression
tests under DIR, which stay outside the repository (scripts/crs-regression-eval.py).

--sections takes a comma-separated subset of base (the corpus sections),
traffic (false positives on generated realistic API traffic, see
scripts/realistic_traffic.py; needs Node.js, installed with its npm package
by scripts/npm-deps.sh) and forms (equivalent forms of the corpus
attacks, see scripts/equivalent_forms.py); default all three. With CRS on,
traffic and forms add about 2 minutes each.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import equivalent_forms  # noqa: E402
from eval_runner import run_eval  # noqa: E402
import realistic_traffic  # noqa: E402

_ap = argparse.ArgumentParser(description="Regenerates docs/DETECTION.md")
_ap.add_argument("build", nargs="?", default="build")
_ap.add_argument("corpus", nargs="?",
                 default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus"))
_ap.add_argument("--sections", default="base,traffic,forms")
_ap.add_argument("--crs-tests", metavar="DIR",
                 help="also report on the OWASP CRS regression tests under DIR "
                      "(scripts/crs-regression-eval.py; data kept outside the repository)")
_args = _ap.parse_args()
sections = set(_args.sections.split(","))
if _args.crs_tests:
    sections.add("crs")
if not sections or not sections <= {"base", "traffic", "forms", "crs"}:
    _ap.error("--sections takes base, traffic, forms and/or crs (crs needs --crs-tests)")
if "crs" in sections and not _args.crs_tests:
    _ap.error("the crs section needs --crs-tests DIR")
build = _args.build
corpus = _args.corpus
fn = os.path.join(build, "fnguard")
compare_modsecurity = os.environ.get("FNGUARD_COMPARE_MODSECURITY") == "1"


def extra_sections():
    ms = "FNGUARD_COMPARE_MODSECURITY=1 " if compare_modsecurity else ""
    if "traffic" in sections:
        r = realistic_traffic.evaluate(build, modsecurity=compare_modsecurity)
        print()
        print(realistic_traffic.markdown(r, f"{ms}python3 scripts/detection-report.py build --sections traffic"))
    if "forms" in sections:
        r = equivalent_forms.evaluate(build, corpus, modsecurity=compare_modsecurity)
        print()
        print(equivalent_forms.markdown(r, f"{ms}python3 scripts/detection-report.py build --sections forms"))
    if "crs" in sections:
        cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                            "crs-regression-eval.py"),
               _args.crs_tests, "--build", build] + (["--modsecurity"] if compare_modsecurity else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        print("\n## Outside data: the OWASP CRS regression tests\n")
        print("Data this repository does not hold and the detectors were not written from: the "
              "go-ftw regression tests of the OWASP Core Rule Set "
              "(`tests/regression/tests/REQUEST-9xx-*` of coreruleset/coreruleset), each test "
              "stage turned into an HTTP API event as sent (path, query, headers, cookies, "
              "body). Many stages test rules of paranoia levels 2 to 4 (a bare `ABS(`, `>>`, "
              "`tempdb`, a file name in the URL path), which neither fnguard nor level 1 "
              "reports; \"must-not-fire\" stages check that one rule stays silent and are "
              "mostly still attacks, so their flags are not false positives. ModSecurity's "
              "column also counts its protocol rules. Regenerate with "
              f"`{ms}python3 scripts/detection-report.py build --sections crs "
              f"--crs-tests DIR` (run {datetime.date.today().isoformat()}).\n")
        print(out.rstrip())


if "base" not in sections:
    extra_sections()
    sys.exit(0)

payloads = os.path.join(corpus, "payloads.dev.jsonl")
embeds = ["query", "json-body", "header", "raw", "xml-body"]
# The embeddings also run through ModSecurity + CRS for the side-by-side table.
compared = ["query", "json-body", "xml-body"]

results = {}
for e in embeds:
    results[e] = run_eval(fn, "fnguard", payloads, e)[0]

modsec = {}
if compare_modsecurity:
    for e in compared:
        modsec[e] = run_eval(fn, "modsecurity", payloads, e)[0]

labels = sorted(l for l in results["query"]["by_label"] if l != "benign")
print("# Detection\n")
print("Measured with `fnguard eval` on the DEV corpus in `../shared/corpus/payloads.dev.jsonl`")
print("(third-party data: PayloadsAllTheThings, libinjection, HttpParamsDataset; see its README).")
print("Regenerate with `FNGUARD_COMPARE_MODSECURITY=1 python3 scripts/detection-report.py build --crs-tests DIR > docs/DETECTION.md`")
print(f"(last run {datetime.date.today().isoformat()}, 2-core machine).\n")
print("A payload counts as flagged when the verdict has any finding. `query`: the payload")
print("URL-encoded in the query of an HTTP API v2 event; `json-body`: a JSON body field;")
print("`header`: a request header; `raw`: the bare value; `xml-body`: XML-escaped as the text")
print("of an element in an `application/xml` body.\n")
print("## Recall per class\n")
print("| class | n | " + " | ".join(embeds) + " |")
print("|---|---|" + "---|" * len(embeds))
for l in labels:
    n = results["query"]["by_label"][l]["n"]
    cells = []
    for e in embeds:
        c = results[e]["by_label"][l]
        cells.append(f"{100.0 * c['flagged'] / c['n']:.1f}%")
    print(f"| {l} | {n} | " + " | ".join(cells) + " |")
print("| **all attacks** | | " + " | ".join(f"{100.0 * results[e]['recall']:.1f}%" for e in embeds) + " |")
if modsec:
    print("\n## Beside ModSecurity 3 + OWASP CRS, paranoia level 1 (same data; CRS verdicts reused from the cache while its packages and the input are unchanged)\n")
    print("| class | " + " | ".join(f"fnguard {e} | CRS {e}" for e in compared) + " |")
    print("|---|" + "---|---|" * len(compared))
    def pct(r, l):
        c = r["by_label"].get(l, {"n": 0, "flagged": 0})
        digits = 2 if l == "benign" else 1
        return f"{100.0 * c['flagged'] / c['n']:.{digits}f}%" if c["n"] else "-"
    for l in labels + ["benign"]:
        name = l if l != "benign" else "benign (false positives)"
        print(f"| {name} | " +
              " | ".join(f"{pct(results[e], l)} | {pct(modsec[e], l)}" for e in compared) + " |")
    for key in sorted(k for k in results["query"]["by_source"] if k.endswith("/benign")):
        cells = []
        for r in [run for e in compared for run in (results[e], modsec[e])]:
            c = r["by_source"][key]
            cells.append(f"{100.0 * c['flagged'] / c['n']:.2f}%")
        print(f"| FP {key.split('/')[0]} | " + " | ".join(cells) + " |")
print("\n## False positives on benign data\n")
print("| source | n | " + " | ".join(embeds) + " |")
print("|---|---|" + "---|" * len(embeds))
for key in sorted(k for k in results["query"]["by_source"] if k.endswith("/benign")):
    n = results["query"]["by_source"][key]["n"]
    cells = []
    for e in embeds:
        c = results[e]["by_source"][key]
        cells.append(f"{100.0 * c['flagged'] / c['n']:.2f}% ({c['flagged']})")
    print(f"| {key.split('/')[0]} | {n} | " + " | ".join(cells) + " |")

events_dir = os.path.join(corpus, "events")
files = sorted(os.path.join(events_dir, f) for f in os.listdir(events_dir) if f.endswith(".json"))
scan = subprocess.run([fn, "scan", "--format", "json"] + files, capture_output=True, text=True)
flagged = [json.loads(l)["file"] for l in scan.stdout.splitlines() if json.loads(l)["findings"]]
print(f"\n## Real AWS sample events\n\n`fnguard scan` on the {len(files)} sample events in "
      f"`../shared/corpus/events/` (default policy): **{len(flagged)} with findings**.")
for f in flagged:
    print(f"- {os.path.basename(f)}")
print("\n## Latency during eval (per payload, whole pipeline)\n")
print("| embed | p50 | p99 |\n|---|---|---|")
for e in embeds:
    lat = results[e]["latency_ns"]
    print(f"| {e} | {lat['p50'] / 1000:.2f} µs | {lat['p99'] / 1000:.2f} µs |")
extra_sections()
