#!/usr/bin/env bash
# `devbox up` of an image-based devcontainer.json whose environment exists,
# and `devbox exec -- true` into it, next to `podman start` and `podman
# exec` of the same root filesystem. hyperfine, no shell (-N); prints
# medians and the ratios devbox/podman (target for up: <= 0.20x).
#
# Two states for up: the environment already running (up only checks it
# and the lifecycle markers; podman start of a running container is a
# no-op too), and stopped (up starts it; `--prepare` stops both before each
# run, outside the timing).
#
# The image: busybox-static, imported into both stores from one tarball.
# podman: `--network none`, runc with cgroupfs (crun refuses this host's
# hybrid cgroups), explicit ulimits; skipped, with the reason, when it
# cannot run here.
#
#   bench/up.sh [path/to/devbox]   (default: .build-release/devbox if built, else .build/debug/devbox)
#
# As root it measures as root, then re-runs itself as $BENCH_USER
# (default devbox-test, created if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then bin=$1
elif [ -x "$here/../.build-release/devbox" ]; then bin=$here/../.build-release/devbox
else bin=$here/../.build/debug/devbox
fi
bin=$(realpath "$bin")
runs=${RUNS:-100}
podman_runs=${PODMAN_RUNS:-20}
user=${BENCH_USER:-devbox-test}

for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done

if [ "$(id -u)" = 0 ] && [ -z "${BENCH_AS_USER:-}" ]; then
    BENCH_AS_USER=root "$0" "$bin"
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    copy=$(mktemp -d /tmp/devbox-bench-up-bin.XXXXXX)
    chmod 755 "$copy"
    trap 'rm -rf "$copy"' EXIT
    install -m 0755 "$bin" "$copy/devbox"
    install -m 0755 "$0" "$copy/up.sh"
    home=$(getent passwd "$user" | cut -d: -f6)
    echo
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" LANG=C.UTF-8 BENCH_AS_USER=1 \
        RUNS="$runs" PODMAN_RUNS="$podman_runs" "$copy/up.sh" "$copy/devbox"
    exit
fi

work=$(mktemp -d /tmp/devbox-bench-up.XXXXXX)
mkdir -p "$work/proj/.git" "$work/proj/.devcontainer" "$work/run" "$work/podman-run"
chmod 700 "$work/run" "$work/podman-run"
export XDG_DATA_HOME=$work/data XDG_RUNTIME_DIR=$work/run
podman_name=devbox-bench-up-$$
image=localhost/devbox-bench-busybox:latest
podman_ok=
pod() { XDG_RUNTIME_DIR=$work/podman-run podman "$@"; }
cleanup() {
    (cd "$work/proj" && "$bin" down >/dev/null 2>&1) || true
    "$bin" ps -a -q --filter "label=devcontainer.local_folder=$work/proj" 2>/dev/null | xargs -r "$bin" rm -f >/dev/null 2>&1 || true
    # Layers hold files of subordinate ids: only devbox can remove them.
    "$bin" rmi "$image" >/dev/null 2>&1 || true
    "$bin" system prune --force >/dev/null 2>&1 || true
    if [ -n "$podman_ok" ]; then
        pod rm -f -t 0 "$podman_name" >/dev/null 2>&1 || true
        pod rmi -f "$image" >/dev/null 2>&1 || true
    fi
    chmod -R u+rwx "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

root=$work/busybox
mkdir -p "$root/bin" "$root/etc" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in sh true sleep cat echo id; do ln -s busybox "$root/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
tar -C "$root" -cf "$work/busybox.tar" .
"$bin" import "$work/busybox.tar" "$image" >/dev/null
cat > "$work/proj/.devcontainer/devcontainer.json" <<JSON
// the bench's environment
{
  "name": "bench",
  "image": "$image",
  "postCreateCommand": "true",
  "postStartCommand": "true",
}
JSON
cd "$work/proj"

echo "devbox: $bin ($(stat -c %s "$bin") bytes), user $(id -un), $(nproc) cores, kernel $(uname -r)"
"$bin" up >/dev/null
"$bin" exec -- true

podman_ok_run=
if ! command -v podman >/dev/null; then
    echo "podman: not installed; skipped"
elif pod import -q "$work/busybox.tar" "$image" >/dev/null 2>"$work/podman.err" \
    && podman_ok=1 \
    && pod create --name "$podman_name" --network none --runtime runc --cgroup-manager cgroupfs \
        --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" sleep 100000 >/dev/null 2>>"$work/podman.err" \
    && pod start "$podman_name" >/dev/null 2>>"$work/podman.err" \
    && pod exec "$podman_name" true 2>>"$work/podman.err"; then
    podman_ok_run=1
else
    echo "podman: cannot run the local busybox image here; skipped: $(grep -v level=warning "$work/podman.err" | tail -1)"
fi

prun="env XDG_RUNTIME_DIR=$work/podman-run podman"
hyperfine -N --style basic --warmup 5 --runs "$runs" --export-json "$work/devbox-running.json" \
    -n "devbox up (running)" "$bin up" -n "devbox exec" "$bin exec -- true" >/dev/null
hyperfine -N --style basic --warmup 2 --runs "$((runs / 4))" --export-json "$work/devbox-stopped.json" \
    --prepare "$bin down" -n "devbox up (stopped)" "$bin up" >/dev/null
"$bin" up >/dev/null
if [ -n "$podman_ok_run" ]; then
    hyperfine -N --style basic --warmup 2 --runs "$podman_runs" --export-json "$work/podman-running.json" \
        -n "podman start (running)" "$prun start $podman_name" -n "podman exec" "$prun exec $podman_name true" >/dev/null
    hyperfine -N --style basic --warmup 1 --runs "$podman_runs" --export-json "$work/podman-stopped.json" \
        --prepare "$prun stop -t 0 $podman_name" -n "podman start (stopped)" "$prun start $podman_name" >/dev/null
fi

python3 - "$work" <<'PY'
import json, os, sys
results = {}
for name in ["devbox-running", "devbox-stopped", "podman-running", "podman-stopped"]:
    path = os.path.join(sys.argv[1], name + ".json")
    if os.path.exists(path):
        results.update({r["command"]: r for r in json.load(open(path))["results"]})
print(f"{'command':24} {'median':>9} {'mean':>9} {'stddev':>8} {'runs':>5}")
for name, r in results.items():
    print(f"{name:24} {r['median']*1000:7.2f}ms {r['mean']*1000:7.2f}ms {r['stddev']*1000:6.2f}ms {len(r['times']):5}")
def ratio(a, b, label, target=None):
    if a in results and b in results:
        value = results[a]["median"] / results[b]["median"]
        print(f"{label}: {value:.3f}x" + (f"   target <= {target:.2f}x" if target else ""))
ratio("devbox up (running)", "podman start (running)", "up ratio devbox/podman, running (median)", 0.2)
ratio("devbox up (stopped)", "podman start (stopped)", "up ratio devbox/podman, stopped (median)", 0.2)
ratio("devbox exec", "podman exec", "exec ratio devbox/podman (median)")
PY
