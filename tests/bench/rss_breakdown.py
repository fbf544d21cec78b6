#!/usr/bin/env python3
"""Per-mapping resident memory of a process, from a smaps dump.

    python3 tests/bench/rss_breakdown.py DUMP [DUMP_B]

DUMP is what `fnguard_guard_rss_probe MODE DUMP` writes (/proc/self/status and
/proc/self/smaps), or a plain copy of /proc/PID/smaps. Prints, per object
(shared library, executable, [heap], [stack], anonymous), the resident kB of
its text (r-x), read-only data and RELRO (r--), writable data/GOT/.bss (rw-),
and how much of it is private dirty, largest first. With two dumps, prints
the difference B - A per object instead.
"""
import collections
import os
import re
import sys

HEAD = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \d+\s*(.*)$")


def load(path):
    objs = collections.defaultdict(lambda: collections.Counter())
    status = {}
    cur = None
    section = None
    with open(path) as f:
        for line in f:
            if line.startswith("==> "):
                section = line[4:].strip()
                continue
            if section == "/proc/self/status":
                k, _, v = line.partition(":")
                status[k] = v.strip()
                continue
            m = HEAD.match(line)
            if m:
                perms, name = m.group(3), m.group(4).strip()
                name = os.path.basename(name) if name.startswith("/") else (name or "[anon]")
                kind = {"r-x": "text", "r--": "ro", "rw-": "rw"}.get(perms[:3], perms[:3])
                cur = (name, kind)
                continue
            k, _, v = line.partition(":")
            if cur and v.strip().endswith("kB"):
                n = int(v.split()[0])
                objs[cur[0]][cur[1] + "_" + k] += n
                objs[cur[0]][k] += n
    return objs, status


def row(name, c):
    return (f"{name:34.34} {c['Rss']:7} {c['text_Rss']:7} {c['ro_Rss']:6} {c['rw_Rss']:6} "
            f"{c['Private_Dirty']:8} {c['Shared_Clean'] + c['Private_Clean']:7}")


def main():
    a, sa = load(sys.argv[1])
    hdr = f"{'object':34} {'Rss':>7} {'text':>7} {'ro':>6} {'rw':>6} {'dirty':>8} {'clean':>7}  (kB)"
    if len(sys.argv) == 2:
        print("VmHWM", sa.get("VmHWM"), " VmRSS", sa.get("VmRSS"),
              " RssAnon", sa.get("RssAnon"), " RssFile", sa.get("RssFile"))
        print(hdr)
        tot = collections.Counter()
        for name, c in sorted(a.items(), key=lambda kv: -kv[1]["Rss"]):
            tot.update(c)
            if c["Rss"]:
                print(row(name, c))
        print(row("TOTAL", tot))
        return
    b, sb = load(sys.argv[2])
    print("VmHWM", sa.get("VmHWM"), "->", sb.get("VmHWM"))
    print(hdr + "  B - A")
    tot = collections.Counter()
    for name in sorted(set(a) | set(b), key=lambda n: -(b[n]["Rss"] - a[n]["Rss"])):
        d = collections.Counter(b[name])
        d.subtract(a[name])
        tot.update(d)
        if any(d.values()):
            print(row(name, d))
    print(row("TOTAL", tot))


if __name__ == "__main__":
    main()
