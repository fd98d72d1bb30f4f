#!/bin/sh
# devbox oci vs crun vs runc: create+start+delete... measured as `run` of a
# busybox bundle (runc spec --rootless, /bin/true), the same bundle for all.
# Usage: bench/oci.sh [DEVBOX_BINARY]   (default: .build-release/devbox if built, else .build/debug/devbox)
set -eu
release=$(dirname "$0")/../.build-release/devbox
[ -x "$release" ] || release=$(dirname "$0")/../.build/debug/devbox
DEVBOX=${1:-$release}
DEVBOX=$(realpath "$DEVBOX")
SELF=$(realpath "$0")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bundle/rootfs/bin" "$dir/bundle/rootfs/proc" "$dir/bundle/rootfs/dev" "$dir/bundle/rootfs/sys" "$dir/state"
cp /bin/busybox "$dir/bundle/rootfs/bin/"
for a in sh true; do ln -s busybox "$dir/bundle/rootfs/bin/$a"; done
(cd "$dir/bundle" && runc spec --rootless)
python3 - "$dir/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["process"]["terminal"] = False; d["process"]["args"] = ["/bin/true"]
json.dump(d, open(p, "w"))
PY
cd "$dir/bundle"
set -- -n devbox "$DEVBOX oci --root $dir/state/devbox run b" -n runc "runc --root $dir/state/runc run b"
# crun 1.8 refuses hybrid cgroup hosts ("cgroups in hybrid mode not
# supported"). As root the bench then runs in a mount namespace of its own
# whose /sys/fs/cgroup is the unified (v2) hierarchy, and crun is told not
# to make cgroups (--cgroup-manager=disabled): devbox makes none either;
# runc keeps making its own, as it does by default.
if crun --root "$dir/state/crun" run probe >/dev/null 2>&1; then
  set -- "$@" -n crun "crun --root $dir/state/crun run b"
elif [ -z "${OCI_BENCH_CGROUP2:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  cd / && rm -rf "$dir"
  exec unshare -m env OCI_BENCH_CGROUP2=1 sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec "$0" "$1"' "$SELF" "$DEVBOX"
elif [ -n "${OCI_BENCH_CGROUP2:-}" ] && crun --cgroup-manager=disabled --root "$dir/state/crun" run probe >/dev/null 2>&1; then
  echo "crun: in a mount namespace with the unified cgroup hierarchy at /sys/fs/cgroup, --cgroup-manager=disabled" >&2
  set -- "$@" -n crun "crun --cgroup-manager=disabled --root $dir/state/crun run b"
else
  echo "crun cannot run containers on this host; compared with runc only" >&2
fi
hyperfine -N --warmup 5 --runs ${RUNS:-40} --export-json "$dir/out.json" "$@" >/dev/null
python3 - "$dir/out.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
for k, v in r.items(): print(f"{k:8s} median {v*1000:7.2f} ms")
for other in ("crun", "runc"):
    if other in r: print(f"devbox/{other} {r['devbox']/r[other]:.2f}x")
PY
