#!/usr/bin/env python3
"""Checks that two fnguard builds report exactly the same findings.

A speed change to a detector or to the normalizer must not change what is
found. This runs both binaries over the same inputs with a policy whose
limits and time budget never cut inspection short, and compares every
finding (detector, rule, field path, score, reason, excerpt) byte for byte,
each report line read with its keys sorted:

  - the DEV corpus (../shared/corpus/payloads.dev.jsonl) in every embedding
    (raw, query, json-body, json-body-escaped, header);
  - the AWS sample events (`fnguard scan --format json`);
  - realistic API traffic from scripts/traffic/generate.mjs (values raw, in
    the query and in a JSON body; whole requests), when node is installed;
  - generated strings: random printable text, mutations, splices and
    concatenations of corpus payloads, SQL/JS/shell word soup, and prose with
    payloads inserted (--scale sets how many; 1.0 is about 280,000).

Usage:
  python3 scripts/findings-diff.py BEFORE/fnguard AFTER/fnguard [--scale 0.2]
      [--seed 1] [--work DIR] [--skip traffic,generated]

Prints one line per input file and exits 0 when every line of every report
is identical, 1 otherwise (the first differing lines are shown).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from eval_runner import run_eval  # scripts/ is on the path: it holds this file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")
EMBEDS = ["raw", "query", "json-body", "json-body-escaped", "header"]
POLICY = """version: 1
mode: monitor
inspection:
  limits: {max_event_bytes: 10000000, max_body_bytes: 10000000, time_budget_us: 10000000}
"""


def generated_strings(path, seed, scale):
    """Writes labeled rows of generated strings to `path`; returns how many."""
    rnd = random.Random(seed)
    payloads = [json.loads(l)["payload"] for l in open(os.path.join(CORPUS, "payloads.dev.jsonl"))]
    alphabet = [chr(c) for c in range(32, 127)]
    special = list("'\"`();=<>-#/*|&@,+!~%^:[]{}$\\.?\t\n\r \0") + ["é", "ß", "‘", "＜", "\u2028"]
    words = ("select union from where and or not null like in is between order by group having "
             "insert into values update set delete drop table exec declare waitfor delay sleep "
             "benchmark char concat version if case when then else end limit script alert prompt "
             "confirm eval javascript onerror onload img svg iframe src href style document window "
             "location cookie fetch import constructor function atob cat ls id whoami curl wget bash "
             "sh nc ping echo passwd etc win ini http https file gopher ldap jndi localhost "
             "127.0.0.1 169.254.169.254 the customer order note with for to of a is it").split()
    # Ordinary sentences with the punctuation of product text and messages.
    sentences = [
        "Hand-finished in small batches, so no two pieces are alike. ",
        "Measures 32 x 18 cm; weighs about 1.2 kg without the base. ",
        "Wipe clean with a damp cloth - don't use bleach! ",
        "Our customers' favourite for 3 years (4.8/5 from 1,204 reviews). ",
        "Ships in 2-3 days; free returns within 30 days & 100% refund. ",
        "Select the size you want, or order by phone and we'll update it. ",
        "Use <b>bold</b> sparingly; see https://example.com/docs?page=2&lang=en. ",
        "The union of both sets is larger = true, as 1 < 2 and 3 > 2. ",
        "Run `ls -la` then cat /etc/hosts | grep local; it's fine. ",
        "He said \"hello\" and 'goodbye' -- then left (quietly) at 5:30. ",
    ]

    def rand_str(lo, hi):
        pool = alphabet if rnd.random() < 0.5 else alphabet + special * 3
        return "".join(rnd.choice(pool) for _ in range(rnd.randint(lo, hi)))

    def word_soup():
        sep = rnd.choice([" ", "+", "/**/", "\t", "%20", "(", ")"])
        return sep.join(rnd.choice(words) for _ in range(rnd.randint(1, 12)))

    def mutate(s):
        for _ in range(rnd.randint(1, 6)):
            op, p = rnd.random(), rnd.randint(0, len(s))
            if op < 0.2 and s:
                s = s[:p] + s[p + 1:]
            elif op < 0.4:
                s = s[:p] + rnd.choice(alphabet + special) + s[p:]
            elif op < 0.5:
                s = s[:p] + rnd.choice(words) + s[p:]
            elif op < 0.6:
                s = s.swapcase()
            elif op < 0.7:
                s = s[:p]
            elif op < 0.8:
                s = s[p:]
            elif op < 0.9:
                s = s[:p] + rnd.choice(payloads)[:rnd.randint(1, 60)] + s[p:]
            else:
                s = s[:p] + rnd.choice(special) * rnd.randint(1, 3) + s[p:]
        return s

    def prose(lo, hi):
        n, t = rnd.randint(lo, hi), ""
        while len(t) < n:
            r = rnd.random()
            t += rnd.choice(sentences) if r < 0.75 else (word_soup() + " " if r < 0.9 else rnd.choice(payloads) + " ")
        return t

    def count(k):
        return max(1, int(k * scale))

    rows = [rand_str(1, 80) for _ in range(count(60000))]
    rows += [word_soup() for _ in range(count(30000))]
    rows += [mutate(rnd.choice(payloads)) for _ in range(count(120000))]
    rows += [rnd.choice(payloads) + rnd.choice(["", " ", "'", "\"", ";", "--", ")"]) + rnd.choice(payloads)
             for _ in range(count(30000))]
    for _ in range(count(20000)):
        t = prose(40, 600)
        k = rnd.randint(0, len(t))
        rows.append(t[:k] + rnd.choice(payloads) + t[k:])
    rows += [prose(20, 400) for _ in range(count(20000))]
    rows += [prose(1000, 9000) for _ in range(count(3000))]
    with open(path, "w") as f:
        for i, s in enumerate(rows):
            f.write(json.dumps({"id": f"gen:{i}", "label": "benign", "payload": s}) + "\n")
    return len(rows)


def jobs_for(inputs):
    """(name, input file, embed) for every eval run."""
    jobs = [("corpus", os.path.join(CORPUS, "payloads.dev.jsonl"), e) for e in EMBEDS]
    if "traffic_values" in inputs:
        jobs += [("traffic-values", inputs["traffic_values"], e) for e in ["raw", "query", "json-body"]]
        jobs += [("traffic-requests", inputs["traffic_requests"], "query")]
    if "generated" in inputs:
        jobs += [("generated", inputs["generated"], e) for e in ["raw", "json-body"]]
    return jobs


def run_build(fn, tag, jobs, work, policy):
    out = os.path.join(work, tag)
    os.makedirs(out, exist_ok=True)

    def one(job):
        name, path, embed = job
        report = os.path.join(out, f"{name}.{embed}.jsonl")
        run_eval(fn, "fnguard", path, embed, report, extra_args=("--policy", policy, "--all-findings"))
        return report

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(one, jobs))
    events = sorted(os.path.join(CORPUS, "events", f) for f in os.listdir(os.path.join(CORPUS, "events"))
                    if f.endswith(".json"))
    scan = subprocess.run([fn, "scan", "--policy", policy, "--format", "json"] + events,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    lines = []
    for line in scan.stdout.decode().splitlines():
        obj = json.loads(line)
        obj.pop("elapsed_ns", None)
        lines.append(json.dumps(obj))
    report = os.path.join(out, "events.scan.jsonl")
    with open(report, "w") as f:
        f.write("\n".join(lines) + "\n")
    return reports + [report]


def canonical_lines(path):
    """The report's lines with their keys sorted: builds that write the same
    findings with keys in another order compare equal."""
    with open(path, encoding="utf-8") as f:
        return [json.dumps(json.loads(l), sort_keys=True, separators=(",", ":")) for l in f]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--scale", type=float, default=0.2, help="generated strings, 1.0 = about 280,000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", help="keep inputs and reports here (default: a temporary directory)")
    ap.add_argument("--skip", default="", help="comma-separated: traffic, generated")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    work = a.work or tempfile.mkdtemp(prefix="fnguard-findings-")
    os.makedirs(work, exist_ok=True)
    policy = os.path.join(work, "policy.yaml")
    with open(policy, "w") as f:
        f.write(POLICY)

    inputs = {}
    if "traffic" not in skip:
        if shutil.which("node"):
            import realistic_traffic  # noqa: E402 (the same generator and seed as the FP report)
            inputs["traffic_values"], inputs["traffic_requests"] = realistic_traffic.generate(work)
        else:
            print("traffic: skipped (node is not installed; scripts/npm-deps.sh)")
    if "generated" not in skip:
        inputs["generated"] = os.path.join(work, "generated.jsonl")
        n = generated_strings(inputs["generated"], a.seed, a.scale)
        print(f"generated: {n} strings (seed {a.seed})")

    jobs = jobs_for(inputs)
    before = run_build(os.path.abspath(a.before), "before", jobs, work, policy)
    after = run_build(os.path.abspath(a.after), "after", jobs, work, policy)
    differ = 0
    for b, c in zip(before, after):
        lb, lc = canonical_lines(b), canonical_lines(c)
        name = os.path.basename(b)
        if lb == lc:
            flagged = sum(1 for l in lb if '"flagged":true' in l or '"findings":[{' in l)
            print(f"same  {name}: {len(lb)} lines, {flagged} with findings")
            continue
        differ += 1
        print(f"DIFF  {name}: {len(lb)} vs {len(lc)} lines")
        shown = 0
        for x, y in zip(lb, lc):
            if x != y and shown < 3:
                print(f"  before: {x[:300]}\n  after:  {y[:300]}")
                shown += 1
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    print("findings identical" if differ == 0 else f"{differ} report(s) differ")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
