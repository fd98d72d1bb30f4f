#!/usr/bin/env bash
# Pull speed from a registry on loopback, cold store and cold page cache
# every run (sync; drop_caches before each, as a real first pull meets it),
# as an unprivileged user: devbox pull, podman pull, and skopeo copy to an OCI
# layout + umoci unpack --rootless. Then `devbox run --rm IMAGE -- true` vs
# bwrap on the same unpacked rootfs. Prints medians and ratios.
#
#   sudo bench/pull.sh [path/to/devbox]     (root: builds the image, runs the registry)
#
# The image: Debian bookworm minbase (debootstrap) plus a layer with make and
# gcc, built once into /var/tmp/devbox-bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build-release/devbox}
runs=${RUNS:-5}
user=${BENCH_USER:-devbox-bench}
work=/var/tmp/devbox-bench

[ "$(id -u)" = 0 ] || { echo "bench/pull.sh: run as root (it builds the image and starts a registry)" >&2; exit 1; }
for tool in hyperfine debootstrap skopeo umoci podman docker-registry bwrap python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing: apt-get install hyperfine debootstrap skopeo umoci podman docker-registry bubblewrap" >&2; exit 1; }
done

mkdir -p "$work"
if [ ! -f "$work/layout/index.json" ]; then
    echo "building the Debian image (once) in $work"
    rm -rf "$work/rootfs" "$work/rootfs2" "$work/layout"
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log"
    cp -a "$work/rootfs" "$work/rootfs2"
    cp /etc/resolv.conf "$work/rootfs2/etc/resolv.conf"
    mount -t proc proc "$work/rootfs2/proc"
    chroot "$work/rootfs2" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends make gcc libc6-dev && apt-get clean && rm -rf /var/lib/apt/lists/*' >"$work/apt.log"
    umount "$work/rootfs2/proc"
    python3 "$here/make_layered_image.py" "$work/rootfs" "$work/rootfs2" "$work/layout" debian-dev:1
fi

id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
scratch=$(mktemp -d /tmp/devbox-pull-bench.XXXXXX)
chmod 755 "$scratch"
install -m 0755 "$bin" "$scratch/devbox"
port=$((20000 + RANDOM % 20000))
mkdir -p "$scratch/registry"
cat >"$scratch/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $scratch/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$scratch/registry.yml" >/dev/null 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
skopeo copy -q --dest-tls-verify=false "oci:$work/layout:debian-dev:1" "docker://127.0.0.1:$port/bench/debian-dev:1"
ref="127.0.0.1:$port/bench/debian-dev:1"
chown -R "$user:" "$scratch"
home=$(getent passwd "$user" | cut -d: -f6)

as_user() {
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$scratch/run" "$@"
}
mkdir -p "$scratch/run" && chown "$user:" "$scratch/run" && chmod 700 "$scratch/run"
# Each run's store is moved aside, not deleted: ext4 avoids reusing inodes
# deleted in the last minute, and with ~20,000 of them freed just before each
# run its inode allocator (recently_deleted) became the largest single cost
# of every tool's run. Everything goes when the bench ends.
clean="mkdir -p $scratch/trash; for d in s-devbox s-oci s-bundle s-podman s-podrun; do if [ -e $scratch/\$d ]; then mv $scratch/\$d $scratch/trash/\$d.\$(date +%s%N); fi; done"

# hyperfine runs as root so that --prepare may drop the page cache; each
# command runs as the user (setpriv costs about a millisecond).
asu="setpriv --reuid=$user --regid=$user --init-groups -- env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$home XDG_RUNTIME_DIR=$scratch/run"
cold="$clean; sync; echo 3 >/proc/sys/vm/drop_caches"
echo "pulling $ref ($(du -sh "$work/layout/blobs" | cut -f1) compressed), $runs runs each, cold store and page cache"
hyperfine --runs "$runs" --export-json "$scratch/pull.json" --prepare "$cold" \
    -n devbox "$asu $scratch/devbox pull -q --root $scratch/s-devbox $ref" \
    -n podman "$asu podman --root $scratch/s-podman --runroot $scratch/s-podrun --storage-driver overlay pull -q --tls-verify=false $ref" \
    -n skopeo+umoci "$asu sh -c 'skopeo copy -q --src-tls-verify=false docker://$ref oci:$scratch/s-oci:x && umoci unpack --rootless --image $scratch/s-oci:x $scratch/s-bundle'" \
    >/dev/null

# Start-up on the same unpacked rootfs.
as_user "$scratch/devbox" pull -q --root "$scratch/s-devbox" "$ref" >/dev/null
rm -rf "$scratch/s-oci" "$scratch/s-bundle"
as_user sh -c "skopeo copy -q --src-tls-verify=false docker://$ref oci:$scratch/s-oci:x && umoci unpack --rootless --image $scratch/s-oci:x $scratch/s-bundle"
mkdir -p "$scratch/proj/.git" && chown -R "$user:" "$scratch/proj"
as_user sh -c "cd $scratch/proj && $scratch/devbox run --rm --root $scratch/s-devbox $ref -- true"
# Ten rounds with the order flipped each round (see rounds.py).
install -m 0755 "$here/rounds.py" "$scratch/rounds.py"
as_user sh -c "cd $scratch/proj && python3 $scratch/rounds.py 10 10 $scratch/run.json \
    'bwrap=bwrap --unshare-all --bind $scratch/s-bundle/rootfs / --proc /proc --dev /dev /usr/bin/true' \
    'devbox=$scratch/devbox run --rm --root $scratch/s-devbox $ref -- /usr/bin/true'" >/dev/null

python3 - "$scratch/pull.json" "$scratch/run.json" <<'PY'
import json, sys
pull = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
run = json.load(open(sys.argv[2]))
print(f"{'pull':14} {'median':>9} {'stddev':>8}")
for name in ["devbox", "podman", "skopeo+umoci"]:
    r = pull[name]
    print(f"{name:14} {r['median']:8.2f}s {r['stddev']:7.2f}s")
print(f"pull ratio devbox/podman (median): {pull['devbox']['median'] / pull['podman']['median']:.2f}x   target <= 0.25x")
print(f"pull ratio devbox/skopeo+umoci (median): {pull['devbox']['median'] / pull['skopeo+umoci']['median']:.2f}x")
for name in ["bwrap", "devbox"]:
    print(f"run {name:10} {run[name]['median']*1000:8.2f}ms")
print(f"run ratio devbox/bwrap on the image (median): {run['devbox']['median'] / run['bwrap']['median']:.2f}x   target <= 1.20x")
PY
