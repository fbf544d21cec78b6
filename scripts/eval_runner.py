"""Runs `fnguard eval` for the detection scripts (detection-report.py,
realistic_traffic.py, equivalent_forms.py).

ModSecurity + CRS is slow (minutes per corpus) and its verdicts depend only
on the input, the embedding and the installed libmodsecurity3 and
modsecurity-crs packages, so its runs are cached: the key is the SHA-256 of
the input file, the embedding and the two package versions. The cache lives
in $FNGUARD_EVAL_CACHE (default ~/.cache/fnguard/modsecurity-eval); set
FNGUARD_EVAL_CACHE=off to always run. fnguard's own runs are never cached.
"""
import hashlib
import json
import os
import shutil
import subprocess

_versions = None


def _package_versions():
    global _versions
    if _versions is None:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}=${Version}\n",
                              "libmodsecurity3", "modsecurity-crs"],
                             capture_output=True, text=True)
        # An unknown package makes the key unique to this run: no stale reuse.
        _versions = out.stdout if out.returncode == 0 else os.urandom(16).hex()
    return _versions


def _cache_dir():
    d = os.environ.get("FNGUARD_EVAL_CACHE")
    if d == "off":
        return None
    return d or os.path.join(os.path.expanduser("~"), ".cache", "fnguard", "modsecurity-eval")


def _key(path, embed):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(b"\0" + embed.encode() + b"\0" + _package_versions().encode())
    return h.hexdigest()


def _read_rows(report):
    rows = {}
    with open(report, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            rows[r["id"]] = r
    return rows


def run_eval(fn, engine, path, embed, report=None, extra_args=()):
    """Returns (summary, rows): eval's JSON summary and, when `report` names a
    file, its per-input lines by id (else None). `extra_args` go to eval as
    they are (--policy P, --all-findings); runs with them are not cached."""
    cache = _cache_dir() if engine == "modsecurity" and not extra_args else None
    entry = os.path.join(cache, _key(path, embed)) if cache else None
    if entry and os.path.exists(entry + ".summary.json") and \
            (report is None or os.path.exists(entry + ".report.jsonl")):
        with open(entry + ".summary.json", encoding="utf-8") as f:
            summary = json.load(f)
        if report is not None:
            shutil.copyfile(entry + ".report.jsonl", report)
        return summary, (_read_rows(report) if report is not None else None)

    cmd = [fn, "eval", "--engine", engine, "--input", path, "--embed", embed, *extra_args]
    own_report = report
    if entry:
        os.makedirs(cache, exist_ok=True)
    if entry and report is None:
        own_report = entry + ".report.tmp"  # cache the rows too, for later callers
    if own_report is not None:
        cmd += ["--report", own_report]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    summary = json.loads(out)
    if summary.get("errors"):
        raise RuntimeError(f"fnguard eval reported {summary['errors']} unreadable lines in {path}")
    if entry:
        shutil.copyfile(own_report, entry + ".report.jsonl.tmp")
        os.replace(entry + ".report.jsonl.tmp", entry + ".report.jsonl")
        if own_report != report:
            os.remove(own_report)
        with open(entry + ".summary.json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f)
        os.replace(entry + ".summary.json.tmp", entry + ".summary.json")
    return summary, (_read_rows(report) if report is not None else None)
