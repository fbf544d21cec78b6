#!/usr/bin/env bash
# The Dockerfile builds the image with the steps CI runs, and what it builds
# works. Docker is not available on the build machines, so this test reads
# the Dockerfile and checks:
#   - it is multi-stage: a Debian 12 builder, then a minimal runtime stage
#     that installs and builds nothing and copies from the builder;
#   - the builder runs scripts/bootstrap.sh (copied in before it runs), the
#     Makefile target CI's `make test` builds through (`make build`), and
#     scripts/package-lambda.sh, which a ctest script also runs;
#   - every script and COPY source it names exists;
#   - the runtime stage runs as a non-root USER, with FNGUARD_POLICY naming a
#     policy file the image contains, and an exec-form ENTRYPOINT;
# then replays the builder's packaging step on this build tree into a scratch
# root, lays out the runtime stage's COPYs the same way, and starts the
# ENTRYPOINT under `fnguard local` with only the image's ENV: the function
# must answer, block an attack and report under the image's policy file.
set -uo pipefail
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=$(cd "${2:?source dir}" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 - "$SRC" "$BUILD" "$TMP" <<'PY'
import json, os, re, shlex, stat, subprocess, sys

src, build, tmp = sys.argv[1:4]
passed, failed = 0, []

def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
    return ok

# ---- parse: join continuations, drop comments, split into stages ----
lines, cur = [], ""
for raw in open(os.path.join(src, "Dockerfile")):
    s = raw.rstrip("\n")
    if not cur and s.lstrip().startswith("#"):
        continue
    if s.rstrip().endswith("\\"):
        cur += s.rstrip()[:-1] + " "
        continue
    cur += s
    if cur.strip():
        lines.append(cur.strip())
    cur = ""
stages = []
for line in lines:
    instr, _, args = line.partition(" ")
    instr, args = instr.upper(), args.strip()
    if instr == "FROM":
        m = re.match(r"^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$", args, re.I)
        stages.append({"base": m.group(1) if m else args, "name": m.group(2) if m else None, "ops": []})
    elif stages:
        stages[-1]["ops"].append((instr, args))

def runs(stage):
    return [a for i, a in stage["ops"] if i == "RUN"]

def copies(stage):
    out = []
    for i, a in stage["ops"]:
        if i != "COPY":
            continue
        toks = shlex.split(a)
        opts = [t for t in toks if t.startswith("--")]
        rest = [t for t in toks if not t.startswith("--")]
        frm = next((o.split("=", 1)[1] for o in opts if o.startswith("--from=")), None)
        out.append((frm, rest[:-1], rest[-1]))
    return out

if not check(len(stages) >= 2, "multi-stage: at least a builder and a runtime stage"):
    print("FAIL: " + failed[-1]); print(f"{passed} passed, {len(failed)} failed"); sys.exit(1)
builder, runtime = stages[0], stages[-1]

# ---- the builder: Debian 12 and the scripts CI runs ----
check(re.match(r"^debian:(12|bookworm)(-slim)?$", builder["base"]) is not None,
      f"builder is Debian 12 (FROM {builder['base']})")
check(builder["name"] is not None, "builder stage is named (FROM ... AS name)")

copied_before = set()
bootstrap_ok = False
for i, a in builder["ops"]:
    if i == "COPY":
        for frm, srcs, dst in copies({"ops": [(i, a)]}):
            for s_ in srcs:
                copied_before.add("." if s_ in (".", "./") else s_.rstrip("/"))
    if i == "RUN" and re.search(r"(^|[;&|\s])(bash\s+)?(\./)?scripts/bootstrap\.sh\b", a):
        bootstrap_ok = "." in copied_before or "scripts/bootstrap.sh" in copied_before or "scripts" in copied_before
check(bootstrap_ok, "builder runs scripts/bootstrap.sh after copying it in")

make_runs = [a for a in runs(builder) if re.search(r"(^|[;&|\s])make\s+(\S+\s+)*build(\s|$)", a)]
check(len(make_runs) == 1, "builder builds with `make build` (the target CI's `make test` builds through)")
makefile = open(os.path.join(src, "Makefile")).read()
check(re.search(r"^test:\s.*\bbuild\b", makefile, re.M) is not None, "Makefile: `test` depends on `build`")
check(re.search(r"^build:\s.*\bbootstrap\b", makefile, re.M) is not None, "Makefile: `build` runs bootstrap")
ci = open(os.path.join(src, ".ci", "run")).read()
check(re.search(r"^\s*make test\b", ci, re.M) is not None, ".ci/run runs `make test`")
if make_runs:
    toks = shlex.split(make_runs[0])
    dry = subprocess.run(["make", "-n", "-C", src] + toks[toks.index("make") + 1:] + ["BUILD=" + tmp + "/dry"],
                         capture_output=True, text=True)
    check(dry.returncode == 0 and "cmake --build " + tmp + "/dry" in dry.stdout,
          "the Dockerfile's make command is valid for this Makefile (make -n)")

pkg_runs = [a for a in runs(builder) if "scripts/package-lambda.sh" in a]
check(len(pkg_runs) == 1, "builder packages with scripts/package-lambda.sh")
ci_pkg = [f for f in os.listdir(os.path.join(src, "tests", "integration"))
          if f.endswith(".sh") and f != "dockerfile_stages.sh"
          and "scripts/package-lambda.sh" in open(os.path.join(src, "tests", "integration", f)).read()]
check(len(ci_pkg) > 0, "a ctest script runs scripts/package-lambda.sh too")

for stage in stages:
    for a in runs(stage):
        for script in re.findall(r"scripts/[\w.-]+\.sh", a):
            check(os.path.isfile(os.path.join(src, script)), f"{script} exists")
    for frm, srcs, dst in copies(stage):
        if frm is None:
            for s_ in srcs:
                check(s_ in (".", "./") or os.path.exists(os.path.join(src, s_)), f"COPY source {s_} exists")

# ---- the runtime stage: minimal, non-root, the policy as a file ----
check(re.search(r"(-slim|distroless|scratch|alpine|minimal)", runtime["base"]) is not None,
      f"runtime stage is a minimal image (FROM {runtime['base']})")
for a in runs(runtime):
    check(not re.search(r"\b(apt-get|apt|apk|dnf|yum)\b.*\binstall\b|\b(make|cmake|gcc|g\+\+|c\+\+)\b", a),
          f"runtime stage installs or builds nothing (RUN {a[:60]})")
check(any(frm == builder["name"] for frm, _, _ in copies(runtime)), "runtime stage copies from the builder")
users = [a for i, a in runtime["ops"] if i == "USER"]
user = users[-1].split(":")[0] if users else "root"
check(users and user not in ("root", "0"), f"runtime stage runs as a non-root USER ({users[-1] if users else 'none'})")
env = {}
for i, a in runtime["ops"]:
    if i == "ENV":
        for tok in shlex.split(a):
            if "=" in tok:
                k, v = tok.split("=", 1)
                env[k] = v
policy = env.get("FNGUARD_POLICY", "")
check(policy.startswith("/"), "runtime stage sets FNGUARD_POLICY to a file path")
entry = [a for i, a in runtime["ops"] if i == "ENTRYPOINT"]
entry_argv = None
if check(len(entry) == 1 and entry[0].startswith("["), "runtime stage has an exec-form ENTRYPOINT"):
    entry_argv = json.loads(entry[0])

# ---- replay: the packaging step, the runtime COPYs, the entry point ----
root, image = os.path.join(tmp, "builder-root"), os.path.join(tmp, "image")
os.makedirs(root); os.makedirs(image)
def builder_path(p):
    if p.startswith("build/"):
        return os.path.join(build, p[len("build/"):])
    if p.startswith("/"):
        return root + p
    return os.path.join(src, p)
if pkg_runs:
    toks = shlex.split(pkg_runs[0])
    i = next(k for k, t in enumerate(toks) if t.endswith("scripts/package-lambda.sh"))
    args = [builder_path(t) for t in toks[i + 1:]]
    for a in args:
        if a.startswith(root):
            os.makedirs(os.path.dirname(a), exist_ok=True)
    r = subprocess.run(["bash", os.path.join(src, "scripts/package-lambda.sh")] + args,
                       capture_output=True, text=True, cwd=src)
    check(r.returncode == 0, "the builder's packaging step runs: " + (r.stdout + r.stderr).strip()[-300:])
for frm, srcs, dst in copies(runtime):
    for s_ in srcs:
        origin = (root + s_ if os.path.exists(root + s_) else s_) if frm else os.path.join(src, s_)
        target = image + dst
        os.makedirs(os.path.dirname(target.rstrip("/")), exist_ok=True)
        subprocess.run(["cp", "-a", "-T" if os.path.isdir(origin) else "--", origin, target], check=False)
if policy:
    check(os.path.isfile(image + policy), f"the image holds the policy file {policy}")
# Readable and runnable by the non-root user: every directory o+rx, file o+r.
unreadable = []
for d, dirs, files in os.walk(image):
    for n in dirs + files:
        p = os.path.join(d, n)
        m = os.lstat(p).st_mode
        if stat.S_ISLNK(m):
            continue
        need = 0o005 if stat.S_ISDIR(m) else 0o004
        if m & need != need:
            unreadable.append(p[len(image):])
check(not unreadable, f"image files readable by the non-root user ({unreadable[:3]})")
with open(os.path.join(tmp, "replay.env"), "w") as f:
    for k, v in env.items():
        f.write(f"{k}={image + v if v.startswith('/') else v}\n")
with open(os.path.join(tmp, "replay.entry"), "w") as f:
    f.write(" ".join(shlex.quote(image + a if a.startswith("/") else a) for a in (entry_argv or ["/missing"])))
with open(os.path.join(tmp, "replay.policy"), "w") as f:
    f.write(image + policy)
for what in failed:
    print("FAIL: " + what)
with open(os.path.join(tmp, "counts"), "w") as f:
    f.write(f"{passed} {len(failed)}\n")
PY
read -r pass fail <"$TMP/counts" 2>/dev/null || { echo "0 passed, 1 failed"; exit 1; }

# Start the image's entry point with only the image's environment.
mapfile -t envs <"$TMP/replay.env"
out=$(env -i PATH=/usr/bin:/bin "${envs[@]}" "$BUILD/fnguard" local --function "$(cat "$TMP/replay.entry")" \
  "$SRC/examples/hello/events/benign-get.json" "$SRC/examples/hello/events/attack-sqli.json" 2>"$TMP/err")
if echo "$out" | sed -n 1p | grep -q '"statusCode":200'; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: the image's function does not answer"; fi
if echo "$out" | sed -n 2p | grep -q '"statusCode":403'; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: the image's function does not block"; fi
if grep -q "\"policy_source\":\"$(cat "$TMP/replay.policy")\"" "$TMP/err"; then pass=$((pass+1)); else
  fail=$((fail+1)); echo "FAIL: the block was not reported under the image's policy file"; fi
[ "$fail" -ne 0 ] && { echo "$out"; head -20 "$TMP/err"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
