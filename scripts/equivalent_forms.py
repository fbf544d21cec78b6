#!/usr/bin/env python3
"""Equivalent-forms evaluation: is an attack caught as often when it is written
in an equivalent form as in its plain form?

Takes the attack rows of the corpus (payloads.dev.jsonl) and, per family,
rewrites the rows to which the family applies without changing what the
attack does:

  json-unicode      every character of the payload as a \\uXXXX escape inside
                    the JSON body (`fnguard eval --embed json-body-escaped`),
                    against the plain JSON body; all classes
  mixed-case        SQL keywords and functions in alternating case (sqli);
                    HTML tag names, event-handler attributes and the
                    javascript:/vbscript: scheme in alternating case (xss)
  sql-comment-space spaces as /**/ (sqli)
  sql-tab-space     spaces as tabs (sqli)
  sql-newline-space spaces as newlines (sqli)
  shell-tab-space   spaces as tabs (cmdi)
  js-entity-dec     `javascript:` in an attribute value (or as the whole URL
                    the payload starts with) as decimal HTML entities (xss)
  js-entity-hex     the same as hex entities (xss)
  js-entity-colon   only its colon as `&colon;` (xss)

SQL comment tails (`-- `, `#`, `/* */`) are kept as they are, so a rewritten
space never ends or opens a comment. Each (family, class) is capped at
--cap rows (a stable hash order of the row ids; 0 = all) so that the
ModSecurity side stays within minutes. Plain and rewritten forms are
evaluated on exactly the same rows (plain in the query, or in the plain JSON
body for json-unicode).

usage: scripts/equivalent_forms.py [--build DIR] [--corpus DIR] [--cap N]
           [--modsecurity] [--format markdown|json] [--work DIR]
"""
import argparse
import hashlib
import json
import os
import re
import sys
import tempfile

import eval_runner

HERE = os.path.dirname(os.path.abspath(__file__))

SQL_WORDS = """
select union all distinct from where and or xor not insert into values update set delete drop
table create alter exec execute declare order by group having limit offset like rlike regexp
between null is in exists case when then else end cast convert char chr nchar varchar nvarchar
concat concat_ws group_concat substring substr mid ascii ord hex unhex sleep benchmark waitfor
delay version database user current_user system_user session_user schema if ifnull isnull count
load_file outfile dumpfile pg_sleep extractvalue updatexml md5 sha1 rand floor top join on as
asc desc procedure analyse truncate shutdown grant revoke dual length len lower upper replace
coalesce xp_cmdshell sp_executesql declare begin commit rollback returning elt make_set
""".split()
SQL_WORD_RE = re.compile(r"(?<![A-Za-z0-9_@$])(" + "|".join(sorted(set(SQL_WORDS), key=len, reverse=True)) +
                         r")(?![A-Za-z0-9_$])", re.IGNORECASE)

HTML_TAGS = """
script img svg iframe body div input form object embed style link meta video audio source
details marquee math base frame frameset textarea select button table td isindex keygen image
animate animatetransform animatemotion set html head title span applet bgsound blink xmp
plaintext noscript template dialog option output picture track layer ilayer xml br iframe
textpath foreignobject use handler listener event-source menu menuitem nav section article
header footer label fieldset legend optgroup datalist progress meter canvas portal
""".split()
TAG_RE = re.compile(r"(<\s*/?\s*)(" + "|".join(sorted(set(HTML_TAGS), key=len, reverse=True)) +
                    r")(?=[\s/>\x00\x0c]|$)", re.IGNORECASE)
HANDLER_RE = re.compile(r"(?<=[\s/\"'`])(on[a-z]{3,})(?=\s*=)", re.IGNORECASE)
SCHEME_RE = re.compile(r"(javascript|vbscript)(?=\s*:)", re.IGNORECASE)
JS_URL_RE = re.compile(r"javascript:", re.IGNORECASE)


def alternate(word):
    """SeLeCt; when that equals the input, sElEcT."""
    a = "".join(c.upper() if i % 2 == 0 else c.lower() for i, c in enumerate(word))
    if a == word:
        a = "".join(c.lower() if i % 2 == 0 else c.upper() for i, c in enumerate(word))
    return a


def mixed_case_sql(p):
    return SQL_WORD_RE.sub(lambda m: alternate(m.group(1)), p)


def mixed_case_html(p):
    p = TAG_RE.sub(lambda m: m.group(1) + alternate(m.group(2)), p)
    p = HANDLER_RE.sub(lambda m: alternate(m.group(1)), p)
    return SCHEME_RE.sub(lambda m: alternate(m.group(1)), p)


def sql_spaces(p, repl):
    """Replaces runs of spaces outside SQL comments with repl (once per run)."""
    out = []
    i, n = 0, len(p)
    while i < n:
        if p.startswith("--", i) or p[i] == "#":
            end = p.find("\n", i)
            end = n if end < 0 else end
            out.append(p[i:end])
            i = end
        elif p.startswith("/*", i):
            end = p.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(p[i:end])
            i = end
        elif p[i] == " ":
            j = i
            while j < n and p[j] == " ":
                j += 1
            out.append(repl)
            i = j
        else:
            out.append(p[i])
            i += 1
    return "".join(out)


def shell_tabs(p):
    """Spaces as tabs, except in the `() {` that makes an environment value a
    bash function definition (Shellshock), which bash matches byte for byte."""
    return "() {".join(re.sub(" +", "\t", part) for part in p.split("() {"))


def in_tag(p, pos):
    return p.rfind("<", 0, pos) > p.rfind(">", 0, pos)


def js_entities(p, encode):
    """Encodes `javascript:` where an HTML parser decodes entities first: inside
    a tag (an attribute value) or as the URL the payload starts with."""
    spans = []
    for m in JS_URL_RE.finditer(p):
        start = m.start()
        at_start = p[:start].strip(" \t\"'") == ""
        if at_start or in_tag(p, start):
            spans.append((start, m.end()))
    if not spans:
        return p
    out, last = [], 0
    for s, e in spans:
        out.append(p[last:s])
        out.append(encode(p[s:e]))
        last = e
    out.append(p[last:])
    return "".join(out)


def enc_dec(s):
    return "".join(f"&#{ord(c)};" for c in s)


def enc_hex(s):
    return "".join(f"&#x{ord(c):x};" for c in s)


def enc_colon(s):
    return s[:-1] + "&colon;"


# family -> {class: transform}; a transform returns the rewritten payload.
FAMILIES = [
    ("mixed-case", {"sqli": mixed_case_sql, "xss": mixed_case_html}),
    ("sql-comment-space", {"sqli": lambda p: sql_spaces(p, "/**/")}),
    ("sql-tab-space", {"sqli": lambda p: sql_spaces(p, "\t")}),
    ("sql-newline-space", {"sqli": lambda p: sql_spaces(p, "\n")}),
    ("shell-tab-space", {"cmdi": shell_tabs}),
    ("js-entity-dec", {"xss": lambda p: js_entities(p, enc_dec)}),
    ("js-entity-hex", {"xss": lambda p: js_entities(p, enc_hex)}),
    ("js-entity-colon", {"xss": lambda p: js_entities(p, enc_colon)}),
]
JSON_FAMILY = "json-unicode"


def stable_key(row_id):
    return hashlib.sha1(row_id.encode()).hexdigest()


def load_attacks(corpus):
    rows = []
    with open(os.path.join(corpus, "payloads.dev.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["label"] != "benign" and "payload" in r:
                rows.append(r)
    rows.sort(key=lambda r: stable_key(r["id"]))
    return rows


def build_sets(rows, cap):
    """Returns (query_lines, json_lines, cases): cases are
    (family, class, plain_id, variant_id, plain, variant, plain_embed_file)."""
    query, jsonl, cases = {}, {}, []
    taken = {}
    for r in rows:
        cls, pid, p = r["label"], r["id"], r["payload"]
        for fam, by_class in FAMILIES:
            t = by_class.get(cls)
            if t is None or (cap and taken.get((fam, cls), 0) >= cap):
                continue
            v = t(p)
            if v == p:
                continue
            taken[(fam, cls)] = taken.get((fam, cls), 0) + 1
            vid = f"{pid}@{fam}"
            query[pid] = {"id": pid, "label": cls, "payload": p}
            query[vid] = {"id": vid, "label": cls, "payload": v}
            cases.append((fam, cls, pid, vid, p, v, "query"))
        if not cap or taken.get((JSON_FAMILY, cls), 0) < cap:
            taken[(JSON_FAMILY, cls)] = taken.get((JSON_FAMILY, cls), 0) + 1
            jsonl[pid] = {"id": pid, "label": cls, "payload": p}
            cases.append((JSON_FAMILY, cls, pid, pid, p, p, "json"))
    return list(query.values()), list(jsonl.values()), cases


def run_eval(fn, engine, path, embed, report):
    return eval_runner.run_eval(fn, engine, path, embed, report)[1]


def evaluate(build, corpus, cap=5000, modsecurity=False, work=None):
    fn = os.path.join(build, "fnguard")
    rows = load_attacks(corpus)
    query, jsonl, cases = build_sets(rows, cap)
    tmp = None
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="fnguard-forms-")
        work = tmp.name
    os.makedirs(work, exist_ok=True)
    qpath, jpath = os.path.join(work, "forms-query.jsonl"), os.path.join(work, "forms-json.jsonl")
    for path, lines in ((qpath, query), (jpath, jsonl)):
        with open(path, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
    engines = ["fnguard"] + (["modsecurity"] if modsecurity else [])
    res = {}
    for e in engines:
        res[e] = {
            "query": run_eval(fn, e, qpath, "query", os.path.join(work, f"{e}-query.report.jsonl")),
            "json-plain": run_eval(fn, e, jpath, "json-body", os.path.join(work, f"{e}-json.report.jsonl")),
            "json-escaped": run_eval(fn, e, jpath, "json-body-escaped",
                                     os.path.join(work, f"{e}-json-escaped.report.jsonl")),
        }
    table = {}
    examples = {}
    for fam, cls, pid, vid, p, v, where in cases:
        t = table.setdefault((fam, cls), {"n": 0, **{f"{e}_{k}": 0 for e in engines
                                                      for k in ("plain", "variant", "lost")}})
        t["n"] += 1
        for e in engines:
            if where == "query":
                fp, fv = res[e]["query"][pid]["flagged"], res[e]["query"][vid]["flagged"]
            else:
                fp, fv = res[e]["json-plain"][pid]["flagged"], res[e]["json-escaped"][vid]["flagged"]
            t[f"{e}_plain"] += fp
            t[f"{e}_variant"] += fv
            t[f"{e}_lost"] += fp and not fv
            if e == "fnguard" and fp and not fv:
                ex = examples.setdefault((fam, cls), [])
                if len(ex) < 5:
                    plain_r = res[e]["query" if where == "query" else "json-plain"][pid]
                    ex.append({"id": pid, "plain": p, "variant": v,
                               "plain_detector": plain_r.get("detector"), "plain_rule": plain_r.get("rule_id")})
    if tmp is not None:
        tmp.cleanup()
    return {"engines": engines, "cap": cap, "table": table, "examples": examples}


ORDER = [JSON_FAMILY] + [f for f, _ in FAMILIES]


def rows_sorted(table):
    return sorted(table.items(), key=lambda kv: (ORDER.index(kv[0][0]), kv[0][1]))


def pct(a, n):
    return f"{100.0 * a / n:.1f}%" if n else "-"


def markdown(result, command):
    engines = result["engines"]
    table = result["table"]
    lines = ["## Equivalent forms\n"]
    lines.append("Attack rows of the DEV corpus rewritten into forms that mean the same thing to the target")
    lines.append("(SQL engine, shell, HTML parser, JSON parser); plain and rewritten forms are evaluated on the")
    lines.append("same rows, in the query (`json-unicode`: plain JSON body against the body with every character")
    lines.append("`\\u`-escaped). Only rows the rewrite changes are counted; at most "
                 f"{result['cap'] or 'all'} rows per family and class (stable hash order).")
    lines.append(f"This section alone: `{command}`.\n")
    lines.append("Δ is rewritten minus plain recall in points; lost counts rows caught plain and missed")
    lines.append("rewritten.\n")
    head = "| family | class | n | fnguard plain | fnguard rewritten | Δ | lost |"
    sep = "|---|---|---|---|---|---|---|"
    if "modsecurity" in engines:
        head += " CRS plain | CRS rewritten | Δ | lost |"
        sep += "---|---|---|---|"
    lines += [head, sep]
    for (fam, cls), t in rows_sorted(table):
        n = t["n"]
        d = 100.0 * (t["fnguard_variant"] - t["fnguard_plain"]) / n
        cells = [fam, cls, str(n), pct(t["fnguard_plain"], n), pct(t["fnguard_variant"], n), f"{d:+.1f}",
                 str(t["fnguard_lost"])]
        if "modsecurity" in engines:
            dm = 100.0 * (t["modsecurity_variant"] - t["modsecurity_plain"]) / n
            cells += [pct(t["modsecurity_plain"], n), pct(t["modsecurity_variant"], n), f"{dm:+.1f}",
                      str(t["modsecurity_lost"])]
        lines.append("| " + " | ".join(cells) + " |")
    losses = [(k, t) for k, t in rows_sorted(table) if (t["fnguard_plain"] - t["fnguard_variant"]) * 100.0 > t["n"]]
    if losses:
        lines.append("\nWhere fnguard loses more than one point (examples: caught plain, missed rewritten):\n")
        for (fam, cls), _ in losses:
            for ex in result["examples"].get((fam, cls), [])[:2]:
                v = ex["variant"] if len(ex["variant"]) <= 100 else ex["variant"][:97] + "..."
                lines.append(f"- {fam} / {cls}: `{json.dumps(v, ensure_ascii=False)[1:-1]}`")
    else:
        lines.append("\nfnguard loses at most one point on every family.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus"))
    ap.add_argument("--cap", type=int, default=5000)
    ap.add_argument("--modsecurity", action="store_true", help="also run ModSecurity + CRS PL1")
    ap.add_argument("--format", choices=["markdown", "json"], default="markdown")
    ap.add_argument("--work", help="keep the rewritten corpora and per-row reports here")
    a = ap.parse_args()
    r = evaluate(a.build, a.corpus, a.cap, a.modsecurity, a.work)
    if a.format == "json":
        out = {"engines": r["engines"], "cap": r["cap"], "rows": [
            {"family": f, "class": c, **t, "lost_examples": r["examples"].get((f, c), [])}
            for (f, c), t in rows_sorted(r["table"])]}
        print(json.dumps(out, indent=1, ensure_ascii=False))
    else:
        print(markdown(r, "python3 scripts/equivalent_forms.py --build BUILD" +
                       (" --modsecurity" if a.modsecurity else "")))


if __name__ == "__main__":
    sys.exit(main())
