#!/usr/bin/env bash
# Start-up cost of `devbox run --rm -- true` next to the bare process, plain
# namespaces and bubblewrap, in one hyperfine run, as an unprivileged user.
# Prints medians and the ratio devbox/bwrap, then peak RSS (median of runs).
# The timings run in rounds with the order flipped each round (rounds.py).
#
#   bench/startup.sh [path/to/devbox]      (default: .build-release/devbox)
#
# As root it re-runs itself as the user $BENCH_USER (created if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build-release/devbox}
runs=${RUNS:-100}
user=${BENCH_USER:-devbox-bench}

for tool in hyperfine bwrap unshare python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done

if [ "$(id -u)" = 0 ] && [ -z "${BENCH_AS_USER:-}" ]; then
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    work=$(mktemp -d /tmp/devbox-bench.XXXXXX)
    chmod 755 "$work"
    install -m 0755 "$bin" "$work/devbox"
    # A file just written stays in the page cache as the large folios the
    # write made, and the kernel maps a large folio whole on a fault: for a
    # while after an install devbox's peak RSS reads 0.3-0.6 MB higher than
    # once its pages come back from disk, which is how bwrap's were read.
    # Write it out and drop its pages, so both are measured alike.
    python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$work/devbox"
    install -m 0755 "$0" "$work/startup.sh"
    install -m 0755 "$here/rounds.py" "$work/rounds.py"
    chown "$user:" "$work"
    trap 'rm -rf "$work"' EXIT
    home=$(getent passwd "$user" | cut -d: -f6)
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" BENCH_AS_USER=1 RUNS="$runs" \
        XDG_DATA_HOME="$work/data" "$work/startup.sh" "$work/devbox"
    exit
fi

project=$(mktemp -d /tmp/devbox-bench-proj.XXXXXX)
mkdir "$project/.git"
cd "$project"
trap 'chmod -R u+rwx "$project" 2>/dev/null; rm -rf "$project"' EXIT

echo "devbox: $bin ($(stat -c %s "$bin") bytes), user $(id -un), $(nproc) cores, kernel $(uname -r)"
"$bin" run --rm -- true   # first run builds the shared host skeleton; not timed

bwrap_cmd="bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev true"
devbox_cmd="$bin run --rm -- true"
# Ten rounds, the commands' order flipped each round (see rounds.py).
python3 "$here/rounds.py" 10 $((runs / 10)) "$project/startup.json" \
    "true=/bin/true" "unshare=unshare -Urmpfiu true" "bwrap=$bwrap_cmd" "devbox=$devbox_cmd"

rss() { # median peak RSS in KiB over 15 runs
    for _ in $(seq 15); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 8p
}
rss_bwrap=$(rss $bwrap_cmd)
rss_devbox=$(rss $devbox_cmd)

python3 - "$project/startup.json" "$rss_bwrap" "$rss_devbox" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
print(f"{'command':10} {'median':>9} {'runs':>6}")
for name in ["true", "unshare", "bwrap", "devbox"]:
    r = results[name]
    print(f"{name:10} {r['median']*1000:8.2f}ms {r['runs']:6}")
ratio = results["devbox"]["median"] / results["bwrap"]["median"]
rss_b, rss_d = int(sys.argv[2]), int(sys.argv[3])
print(f"startup ratio devbox/bwrap (median): {ratio:.2f}x   target <= 1.20x")
print(f"peak RSS: bwrap {rss_b} KiB, devbox {rss_d} KiB, ratio {rss_d/rss_b:.2f}x   target <= 2.00x")
PY
