#!/usr/bin/env bash
# The cost of `devbox exec NAME -- true` into a running container, next to
# the floor, nsenter(1) into the same namespaces as the same user, and to
# `podman exec`. hyperfine, no shell (-N); prints medians and the ratio
# devbox/nsenter (target <= 1.20x) and devbox/podman.
#
# nsenter: the container's main process (PID 1's child: rootless, only the
# command's /proc/PID/ns files can be opened, see Sources/CSandbox/exec.c),
# joining each namespace that differs from the host's; the user namespace
# with --preserve-credentials (as an unprivileged user `nsenter --all` fails
# on the host's cgroup namespace). It does no more than setns and exec:
# devbox exec also applies the container's identity, capabilities, limits
# and seccomp filter, and relays exit status and signals.
#
# podman: a busybox-static root imported as a local image (no registry),
# `--network none`, runc with cgroupfs (crun refuses this host's hybrid
# cgroups) and explicit ulimits (root here may not raise NOFILE/NPROC).
# Skipped, with the reason, when podman cannot start it.
#
#   bench/exec.sh [path/to/devbox]   (default: .build-release/devbox if built, else .build/debug/devbox)
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
runs=${RUNS:-200}
podman_runs=${PODMAN_RUNS:-30}
user=${BENCH_USER:-devbox-test}

for tool in hyperfine nsenter python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done

# As root: once as root, once as the unprivileged user, from a world-readable copy.
if [ "$(id -u)" = 0 ] && [ -z "${BENCH_AS_USER:-}" ]; then
    BENCH_AS_USER=root "$0" "$bin"
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    copy=$(mktemp -d /tmp/devbox-bench-exec-bin.XXXXXX)
    chmod 755 "$copy"
    trap 'rm -rf "$copy"' EXIT
    install -m 0755 "$bin" "$copy/devbox"
    install -m 0755 "$0" "$copy/exec.sh"
    home=$(getent passwd "$user" | cut -d: -f6)
    echo
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" LANG=C.UTF-8 BENCH_AS_USER=1 \
        RUNS="$runs" PODMAN_RUNS="$podman_runs" "$copy/exec.sh" "$copy/devbox"
    exit
fi

work=$(mktemp -d /tmp/devbox-bench-exec.XXXXXX)
mkdir -p "$work/proj/.git" "$work/run" "$work/podman-run"
chmod 700 "$work/run" "$work/podman-run"
export XDG_DATA_HOME=$work/data XDG_RUNTIME_DIR=$work/run
name=bench-exec-$$
podman_name=devbox-bench-exec-$$
image=localhost/devbox-bench-busybox:latest
podman_ok=
cleanup() {
    "$bin" rm -f "$name" >/dev/null 2>&1 || true
    if [ -n "$podman_ok" ]; then
        XDG_RUNTIME_DIR=$work/podman-run podman rm -f -t 0 "$podman_name" >/dev/null 2>&1 || true
        XDG_RUNTIME_DIR=$work/podman-run podman rmi -f "$image" >/dev/null 2>&1 || true
    fi
    chmod -R u+rwx "$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work/proj"

echo "devbox: $bin ($(stat -c %s "$bin") bytes), user $(id -un), $(nproc) cores, kernel $(uname -r)"
"$bin" run -d --name "$name" -- sleep 100000 >/dev/null
pid1=$("$bin" inspect "$name" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["State"]["Pid"])')
main=$(cut -d' ' -f1 "/proc/$pid1/task/$pid1/children")
flags=()
for ns in user mnt pid uts ipc net cgroup; do
    [ "$(readlink "/proc/$main/ns/$ns")" = "$(readlink "/proc/self/ns/$ns")" ] && continue
    case $ns in
        user) flags+=(-U --preserve-credentials) ;;
        mnt) flags+=(-m) ;;
        pid) flags+=(-p) ;;
        uts) flags+=(-u) ;;
        ipc) flags+=(-i) ;;
        net) flags+=(-n) ;;
        cgroup) flags+=(-C) ;;
    esac
done
devbox_cmd="$bin exec $name -- true"
nsenter_cmd="nsenter -t $main ${flags[*]} true"
echo "joined: ${flags[*]}"
$devbox_cmd
$nsenter_cmd

podman_cmd=
if ! command -v podman >/dev/null; then
    echo "podman: not installed; skipped"
else
    root=$work/busybox
    mkdir -p "$root/bin"
    cp /bin/busybox "$root/bin/busybox"
    for applet in sh true sleep; do ln -s busybox "$root/bin/$applet"; done
    tar -C "$root" -cf "$work/busybox.tar" .
    export_podman() { XDG_RUNTIME_DIR=$work/podman-run podman "$@"; }
    if export_podman import -q "$work/busybox.tar" "$image" >/dev/null 2>"$work/podman.err" \
        && podman_ok=1 \
        && export_podman run -d --name "$podman_name" --network none --runtime runc --cgroup-manager cgroupfs \
            --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$image" sleep 100000 >/dev/null 2>>"$work/podman.err" \
        && export_podman exec "$podman_name" true 2>>"$work/podman.err"; then
        podman_cmd="env XDG_RUNTIME_DIR=$work/podman-run podman exec $podman_name true"
    else
        echo "podman: cannot run the local busybox image here; skipped: $(grep -v level=warning "$work/podman.err" | tail -1)"
    fi
fi

hyperfine -N --style basic --warmup 10 --runs "$runs" --export-json "$work/exec.json" \
    -n devbox "$devbox_cmd" -n nsenter "$nsenter_cmd" >/dev/null
if [ -n "$podman_cmd" ]; then
    hyperfine -N --style basic --warmup 3 --runs "$podman_runs" --export-json "$work/podman.json" \
        -n podman "$podman_cmd" >/dev/null
fi

python3 - "$work/exec.json" "$work/podman.json" <<'PY'
import json, os, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
if os.path.exists(sys.argv[2]):
    results.update({r["command"]: r for r in json.load(open(sys.argv[2]))["results"]})
print(f"{'command':10} {'median':>9} {'mean':>9} {'stddev':>8} {'runs':>5}")
for name in ["devbox", "nsenter", "podman"]:
    if name in results:
        r = results[name]
        print(f"{name:10} {r['median']*1000:7.2f}ms {r['mean']*1000:7.2f}ms {r['stddev']*1000:6.2f}ms {len(r['times']):5}")
ratio = results["devbox"]["median"] / results["nsenter"]["median"]
print(f"exec ratio devbox/nsenter (median): {ratio:.2f}x   target <= 1.20x")
if "podman" in results:
    print(f"exec ratio devbox/podman (median): {results['devbox']['median'] / results['podman']['median']:.2f}x")
PY
