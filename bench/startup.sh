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

# A busybox root, for the image rows: the same directory for bwrap and,
# imported, for devbox.
rootfs="$project/busybox-root"
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/dev" "$rootfs/etc" "$rootfs/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for tool in sh true; do ln -s busybox "$rootfs/bin/$tool"; done
tar -C "$rootfs" -cf "$project/busybox.tar" .
"$bin" import "$project/busybox.tar" bench/busybox:latest >/dev/null
"$bin" run --rm --network none bench/busybox:latest -- /bin/true   # unpack once; not timed

# bwrap --unshare-all makes a network namespace and devbox's default does
# not: the like-for-like rows give devbox one too (--network none).
bwrap_cmd="bwrap --unshare-all --ro-bind / / --proc /proc --dev /dev true"
devbox_cmd="$bin run --rm -- true"
devbox_net_cmd="$bin run --rm --network none -- true"
bwrap_img_cmd="bwrap --unshare-all --ro-bind $rootfs / --proc /proc --dev /dev /bin/true"
devbox_img_cmd="$bin run --rm --network none bench/busybox:latest -- /bin/true"
# Ten rounds, the commands' order flipped each round (see rounds.py).
python3 "$here/rounds.py" 10 $((runs / 10)) "$project/startup.json" \
    "true=/bin/true" "unshare=unshare -Urmpfiu true" "bwrap=$bwrap_cmd" "devbox=$devbox_cmd" \
    "devbox-nonet=$devbox_net_cmd" "bwrap-image=$bwrap_img_cmd" "devbox-image=$devbox_img_cmd"

rss() { # median peak RSS in KiB over 15 runs
    for _ in $(seq 15); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done | sort -n | sed -n 8p
}
rss_bwrap=$(rss $bwrap_cmd)
rss_devbox=$(rss $devbox_cmd)
rss_bwrap_img=$(rss $bwrap_img_cmd)
rss_devbox_img=$(rss $devbox_img_cmd)

python3 - "$project/startup.json" "$rss_bwrap" "$rss_devbox" "$rss_bwrap_img" "$rss_devbox_img" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
print(f"{'command':13} {'median':>9} {'runs':>6}")
for name in ["true", "unshare", "bwrap", "devbox", "devbox-nonet", "bwrap-image", "devbox-image"]:
    r = results[name]
    print(f"{name:13} {r['median']*1000:8.2f}ms {r['runs']:6}")
def ratio(a, b):
    return results[a]["median"] / results[b]["median"]
print(f"startup devbox/bwrap, host root, devbox's default namespaces: {ratio('devbox', 'bwrap'):.2f}x")
print(f"startup devbox/bwrap, host root, same namespaces (--network none): {ratio('devbox-nonet', 'bwrap'):.2f}x   target <= 1.10x")
print(f"startup devbox/bwrap, busybox image, same namespaces: {ratio('devbox-image', 'bwrap-image'):.2f}x   target <= 1.10x")
rss_b, rss_d, rss_bi, rss_di = (int(v) for v in sys.argv[2:6])
print(f"peak RSS host root: bwrap {rss_b} KiB, devbox {rss_d} KiB, ratio {rss_d/rss_b:.2f}x   target <= 2.00x")
print(f"peak RSS busybox image: bwrap {rss_bi} KiB, devbox {rss_di} KiB, ratio {rss_di/rss_bi:.2f}x   target <= 2.00x")
PY
