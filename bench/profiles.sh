#!/usr/bin/env bash
# What the default profile costs against unconfined (namespaces only), as an
# unprivileged user, in one run: start-up of `devbox run --rm -- true` with a
# warm seccomp cache, and a syscall-heavy workload (stat of every file under
# /usr). Prints medians and ratios.
#
#   bench/profiles.sh [path/to/devbox]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build-release/devbox}
user=${BENCH_USER:-devbox-bench}
if [ "$(id -u)" = 0 ] && [ -z "${BENCH_AS_USER:-}" ]; then
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    work=$(mktemp -d /tmp/devbox-bench.XXXXXX)
    chmod 755 "$work"
    install -m 0755 "$bin" "$work/devbox"
    install -m 0755 "$0" "$work/profiles.sh"
    install -m 0755 "$here/rounds.py" "$work/rounds.py"
    chown "$user:" "$work"
    trap 'rm -rf "$work"' EXIT
    home=$(getent passwd "$user" | cut -d: -f6)
    setpriv --reuid="$user" --regid="$user" --init-groups -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" \
        BENCH_AS_USER=1 XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" "$work/profiles.sh" "$work/devbox"
    exit
fi
project=$(mktemp -d /tmp/devbox-bench-proj.XXXXXX)
mkdir "$project/.git"
cd "$project"
trap 'chmod -R u+rwx "$project" 2>/dev/null; rm -rf "$project"' EXIT
"$bin" run --rm -- true 2>/dev/null                 # builds the host skeleton and caches the filter
"$bin" run --rm --profile unconfined -- true 2>/dev/null
workload='find /usr -xdev -type f -print0 | xargs -0 stat -c %s > /dev/null'
# Rounds with the order flipped each time, so drift lands on both
# (rounds.py). The two differ by a few percent, less than this machine drifts
# in a second, so the rounds are short: 40 of 5 runs each.
WARMUP=1 python3 "$here/rounds.py" 40 5 "$project/start.json" \
    "default=$bin run --rm -- true" "unconfined=$bin run --rm --profile unconfined -- true" 2>/dev/null
WARMUP=1 python3 "$here/rounds.py" 8 3 "$project/work.json" \
    "default=$bin run --rm -- sh -c '$workload'" \
    "unconfined=$bin run --rm --profile unconfined -- sh -c '$workload'" 2>/dev/null
python3 - "$project/start.json" "$project/work.json" <<'PY'
import json, sys
for path, what, target, unit, scale in [(sys.argv[1], "start-up (devbox run --rm -- true)", 1.05, "ms", 1000),
                                         (sys.argv[2], "stat of every file under /usr", 1.03, "s", 1)]:
    data = json.load(open(path))
    r = data if "results" not in data else {x["command"]: x for x in data["results"]}
    d, u = r["default"]["median"], r["unconfined"]["median"]
    print(f"{what}: default {d*scale:.2f}{unit}, unconfined {u*scale:.2f}{unit}, ratio {d/u:.3f}x   target <= {target:.2f}x")
PY
