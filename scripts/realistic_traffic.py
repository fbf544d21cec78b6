#!/usr/bin/env python3
"""False positives on realistic benign API traffic.

Generates the seeded corpus with scripts/traffic/generate.mjs (@faker-js/faker,
pinned by scripts/traffic/package-lock.json and installed by
scripts/npm-deps.sh): single values (names with apostrophes, generated
passwords full of symbols, file paths, URLs with queries, markdown, jargon,
...) and whole API requests (JSON bodies, query strings, user agents, bearer
tokens). Runs `fnguard eval` on the values in the query and in a JSON body,
and on the requests as they are; with --modsecurity the same data also goes
through ModSecurity + OWASP CRS at paranoia level 1.

usage: scripts/realistic_traffic.py [--build DIR] [--modsecurity]
           [--format markdown|json] [--work DIR] [--seed S]
           [--n-values N] [--n-requests N]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

from eval_runner import run_eval

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SEED = 20250101
N_VALUES = 24000
N_REQUESTS = 6000


def generate(work, seed=SEED, n_values=N_VALUES, n_requests=N_REQUESTS):
    subprocess.run(["bash", os.path.join(HERE, "npm-deps.sh"), "scripts/traffic"], check=True, stdout=sys.stderr)
    values, requests = os.path.join(work, "traffic-values.jsonl"), os.path.join(work, "traffic-requests.jsonl")
    subprocess.run(["node", os.path.join(HERE, "traffic", "generate.mjs"), "--values", values,
                    "--requests", requests, "--seed", str(seed), "--n-values", str(n_values),
                    "--n-requests", str(n_requests)], check=True)
    return values, requests


def field_value(req, path):
    """The value a finding's field path (query.K, body.A.B, headers.K) names in
    a request line; the whole request when the path is not one of those."""
    try:
        where, _, rest = path.partition(".")
        if where == "query":
            qs = urllib.parse.parse_qs(urllib.parse.urlsplit(req["uri"]).query, keep_blank_values=True)
            return qs[rest][0]
        if where == "headers":
            return next(v for k, v in req["headers"].items() if k.lower() == rest.lower())
        if where == "body":
            v = json.loads(req["body"])
            for part in rest.split("."):
                v = v[int(part)] if isinstance(v, list) else v[part]
            return v if isinstance(v, str) else json.dumps(v)
    except (KeyError, IndexError, ValueError, StopIteration, TypeError):
        pass
    return json.dumps({k: req[k] for k in ("method", "uri", "headers", "body") if k in req}, ensure_ascii=False)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def evaluate(build, modsecurity=False, work=None, seed=SEED, n_values=N_VALUES, n_requests=N_REQUESTS):
    fn = os.path.join(build, "fnguard")
    tmp = None
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="fnguard-traffic-")
        work = tmp.name
    os.makedirs(work, exist_ok=True)
    values_path, requests_path = generate(work, seed, n_values, n_requests)
    values, requests = load(values_path), load(requests_path)
    engines = ["fnguard"] + (["modsecurity"] if modsecurity else [])
    runs = {}  # (engine, set) -> {id: report row}
    for e in engines:
        for embed in ("query", "json-body"):
            _, rows = run_eval(fn, e, values_path, embed, os.path.join(work, f"{e}-values-{embed}.report.jsonl"))
            runs[(e, embed)] = rows
        _, rows = run_eval(fn, e, requests_path, "query", os.path.join(work, f"{e}-requests.report.jsonl"))
        runs[(e, "requests")] = rows
    by_kind = {}
    for v in values:
        k = by_kind.setdefault(v["source"], {"n": 0})
        k["n"] += 1
        for e in engines:
            for embed in ("query", "json-body"):
                key = f"{e}_{embed}"
                k[key] = k.get(key, 0) + bool(runs[(e, embed)][v["id"]]["flagged"])
    req = {"n": len(requests)}
    by_request_kind = {}
    for r in requests:
        kind = r["source"].split("/", 1)[1]
        bk = by_request_kind.setdefault(kind, {"n": 0})
        bk["n"] += 1
        for e in engines:
            flagged = bool(runs[(e, "requests")][r["id"]]["flagged"])
            req[e] = req.get(e, 0) + flagged
            bk[e] = bk.get(e, 0) + flagged
    # Every fnguard false positive, with what flagged it.
    fps = []
    for v in values:
        for embed in ("query", "json-body"):
            r = runs[("fnguard", embed)][v["id"]]
            if r["flagged"]:
                fps.append({"set": f"values/{embed}", "id": v["id"], "kind": v["source"], "value": v["payload"],
                            "detector": r.get("detector"), "rule_id": r.get("rule_id"),
                            "field_path": r.get("field_path")})
    for q in requests:
        r = runs[("fnguard", "requests")][q["id"]]
        if r["flagged"]:
            fps.append({"set": "requests", "id": q["id"], "kind": q["source"],
                        "value": field_value(q, r.get("field_path") or ""), "request": q,
                        "detector": r.get("detector"), "rule_id": r.get("rule_id"),
                        "field_path": r.get("field_path")})
    # The CRS rules behind its false positives, for the comparison.
    crs_rules = {}
    if modsecurity:
        for (e, s), rows in runs.items():
            if e != "modsecurity":
                continue
            for r in rows.values():
                if r["flagged"]:
                    key = f"{r.get('rule_id')} ({r.get('detector')})"
                    crs_rules[key] = crs_rules.get(key, 0) + 1
    if tmp is not None:
        tmp.cleanup()
    return {"engines": engines, "seed": seed, "n_values": len(values), "by_kind": by_kind,
            "requests": req, "by_request_kind": by_request_kind, "fnguard_false_positives": fps,
            "crs_rules": crs_rules}


def pct(a, n, digits=2):
    return f"{100.0 * a / n:.{digits}f}%" if n else "-"


def markdown(result, command):
    engines = result["engines"]
    ms = "modsecurity" in engines
    by_kind = result["by_kind"]
    lines = ["## Realistic API traffic (false positives)\n"]
    lines.append(f"{result['n_values']} benign values and {result['requests']['n']} benign API requests made by")
    lines.append("`scripts/traffic/generate.mjs` with @faker-js/faker (seed "
                 f"{result['seed']}, version pinned by `scripts/traffic/package-lock.json`): names such as")
    lines.append("O'Brien in many locales, generated passwords of printable ASCII and symbols, passphrases,")
    lines.append("tokens and JWTs, POSIX and Windows file paths, URLs with query strings, user agents, addresses,")
    lines.append("markdown, rich text, jargon and business prose full of SQL words. Values go in the query")
    lines.append("and in a JSON body field; requests (POSTed JSON bodies with several fields, GET query")
    lines.append("strings, bearer tokens, cookies) as they are. A CRS false positive is any intervention.")
    lines.append(f"This section alone: `{command}`.\n")
    head = "| kind | n | fnguard query | fnguard json-body |"
    sep = "|---|---|---|---|"
    if ms:
        head += " CRS query | CRS json-body |"
        sep += "---|---|"
    lines += [head, sep]
    tot = {"n": 0}
    for kind in sorted(by_kind):
        k = by_kind[kind]
        for key, val in k.items():
            tot[key] = tot.get(key, 0) + val
        cells = [kind, str(k["n"]), pct(k["fnguard_query"], k["n"]), pct(k["fnguard_json-body"], k["n"])]
        if ms:
            cells += [pct(k["modsecurity_query"], k["n"]), pct(k["modsecurity_json-body"], k["n"])]
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**all values**", str(tot["n"]), f"**{pct(tot['fnguard_query'], tot['n'])}** ({tot['fnguard_query']})",
             f"**{pct(tot['fnguard_json-body'], tot['n'])}** ({tot['fnguard_json-body']})"]
    if ms:
        cells += [f"**{pct(tot['modsecurity_query'], tot['n'])}** ({tot['modsecurity_query']})",
                  f"**{pct(tot['modsecurity_json-body'], tot['n'])}** ({tot['modsecurity_json-body']})"]
    lines.append("| " + " | ".join(cells) + " |")
    req = result["requests"]
    lines.append("\n| requests | n | fnguard |" + (" CRS |" if ms else ""))
    lines.append("|---|---|---|" + ("---|" if ms else ""))
    for kind in sorted(result["by_request_kind"]):
        k = result["by_request_kind"][kind]
        lines.append(f"| {kind} | {k['n']} | {pct(k['fnguard'], k['n'])} |" +
                     (f" {pct(k['modsecurity'], k['n'])} |" if ms else ""))
    lines.append(f"| **all requests** | {req['n']} | **{pct(req['fnguard'], req['n'])}** ({req['fnguard']}) |" +
                 (f" **{pct(req['modsecurity'], req['n'])}** ({req['modsecurity']}) |" if ms else ""))
    fps = result["fnguard_false_positives"]
    if fps:
        lines.append("\nfnguard's false positives by rule (values in the query / in a JSON body / requests):\n")
        rules = {}
        for fp in fps:
            g = rules.setdefault((fp["detector"], fp["rule_id"]), {"values/query": 0, "values/json-body": 0,
                                                                    "requests": 0, "examples": []})
            g[fp["set"]] += 1
            if fp["value"] not in g["examples"]:
                g["examples"].append(fp["value"])
        for (det, rule), g in sorted(rules.items(), key=lambda kv: -sum(v for v in kv[1].values()
                                                                         if isinstance(v, int))):
            shown = g["examples"][:4]
            ex = ", ".join("`" + json.dumps(v if len(v) <= 80 else v[:77] + "...", ensure_ascii=False)[1:-1] + "`"
                           for v in shown)
            more = f" and {len(g['examples']) - len(shown)} more" if len(g["examples"]) > len(shown) else ""
            lines.append(f"- {rule} ({det}): {g['values/query']} / {g['values/json-body']} / {g['requests']}; "
                         f"{ex}{more}")
    if ms and result["crs_rules"]:
        top = sorted(result["crs_rules"].items(), key=lambda kv: -kv[1])[:8]
        lines.append("\nCRS rules behind its false positives (all sets): " +
                     ", ".join(f"{k}: {v}" for k, v in top) + ".")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--modsecurity", action="store_true", help="also run ModSecurity + CRS PL1")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    ap.add_argument("--work", help="keep the generated corpus and per-row reports here")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--n-values", type=int, default=N_VALUES)
    ap.add_argument("--n-requests", type=int, default=N_REQUESTS)
    a = ap.parse_args()
    r = evaluate(a.build, a.modsecurity, a.work, a.seed, a.n_values, a.n_requests)
    if a.format == "json":
        print(json.dumps(r, indent=1, ensure_ascii=False))
    else:
        print(markdown(r, "python3 scripts/realistic_traffic.py --build BUILD" +
                       (" --modsecurity" if a.modsecurity else "")))


if __name__ == "__main__":
    sys.exit(main())
