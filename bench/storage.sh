#!/usr/bin/env bash
# Storage drivers side by side, as an unprivileged user, on one image (a
# minimal gcc toolchain made from the host's files): devbox's FUSE overlay,
# fuse-overlayfs (podman with mount_program) and kernel overlay (devbox).
# Each workload is timed inside the container, so start-up is not counted:
#   untar   a 50 MB header tree (from the project, a bind mount) into /src
#   walk    find / -xdev | wc -l; du -s /
#   build   make -j2 of a 41-file C project that lives in the image
# Rounds alternate the order; prints each driver's median per workload and
# the ratios fuse/fuse-overlayfs (target <= 0.7) and fuse/kernel overlay.
#
#   bench/storage.sh [path/to/devbox]      (default: .build-release/devbox)
#
# As root it re-runs itself as $BENCH_USER (created if missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../.build-release/devbox}
rounds=${ROUNDS:-5}
user=${BENCH_USER:-devbox-bench}

for tool in podman fuse-overlayfs gcc make busybox python3 runc; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make bench installs it)" >&2; exit 1; }
done

if [ "$(id -u)" = 0 ] && [ -z "${BENCH_AS_USER:-}" ]; then
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    [ ! -c /dev/fuse ] || chmod 666 /dev/fuse
    work=$(mktemp -d /tmp/devbox-bench.XXXXXX)
    chmod 755 "$work"
    install -m 0755 "$bin" "$work/devbox"
    install -m 0755 "$0" "$work/storage.sh"
    chown "$user:" "$work"
    trap 'rm -rf "$work"' EXIT
    home=$(getent passwd "$user" | cut -d: -f6)
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" BENCH_AS_USER=1 ROUNDS="$rounds" \
        XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run" "$work/storage.sh" "$work/devbox"
    exit
fi

t=$(mktemp -d /tmp/devbox-storage-bench.XXXXXX)
cleanup() { [ -n "${KEEP:-}" ] && return 0; podman --root "$t/podman" --runroot "$t/podman-run" unshare rm -rf "$t/podman" >/dev/null 2>&1 || true; chmod -R u+rwx "$t" 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT
mkdir -p "$t/project/.git" "$t/rootfs" "${XDG_RUNTIME_DIR:-$t/run}"
echo "devbox: $bin, user $(id -un), $(nproc) cores, kernel $(uname -r), $(fuse-overlayfs --version 2>&1 | head -1)"

# The image: gcc, binutils, make, busybox, their libraries, the C headers.
# Merged /usr as the host has it, first: copies through /lib land in /usr/lib.
mkdir -p "$t/rootfs/usr"
for l in lib lib64 bin sbin; do if [ -L "/$l" ]; then mkdir -p "$t/rootfs/usr/$l"; ln -sfn "usr/$l" "$t/rootfs/$l"; fi; done
# Each path and, for a link (cc -> /etc/alternatives/cc -> gcc-12), what it ends at.
copy() {
    for f in "$@"; do
        [ -e "$f" ] || continue
        local hop=$f n=0
        while [ $n -lt 10 ]; do   # every link of the chain, and its end
            cp -a --parents "$hop" "$t/rootfs/" 2>/dev/null || true
            [ -L "$hop" ] || break
            case $(readlink "$hop") in /*) hop=$(readlink "$hop") ;; *) hop=$(dirname "$hop")/$(readlink "$hop") ;; esac
            n=$((n + 1))
        done
    done
}
gccdir=$(dirname "$(gcc -print-prog-name=cc1)")
tools="$(command -v gcc) $(command -v cc) $(command -v as) $(command -v ld) $(command -v make) $(command -v busybox)"
copy $tools "$gccdir" /usr/lib/gcc /usr/include /usr/bin/x86_64-linux-gnu-* /lib64 /etc/ld.so.cache /etc/alternatives/cc
for f in $tools "$gccdir"/cc1 "$gccdir"/collect2 "$gccdir"/lto-wrapper /usr/bin/x86_64-linux-gnu-as /usr/bin/x86_64-linux-gnu-ld.bfd; do
    if [ -e "$f" ]; then ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}' || true; fi
done | sort -u | while read -r lib; do copy "$lib" "$(readlink -f "$lib")"; done
copy /usr/lib/x86_64-linux-gnu/crt1.o /usr/lib/x86_64-linux-gnu/crti.o /usr/lib/x86_64-linux-gnu/crtn.o \
     /usr/lib/x86_64-linux-gnu/Scrt1.o /usr/lib/x86_64-linux-gnu/libc.so /usr/lib/x86_64-linux-gnu/libc_nonshared.a \
     /usr/lib/x86_64-linux-gnu/libm.so /usr/lib/x86_64-linux-gnu/libmvec.so /usr/lib/x86_64-linux-gnu/libc.so.6 \
     /usr/lib/x86_64-linux-gnu/libm.so.6 /usr/lib/x86_64-linux-gnu/libmvec.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1
mkdir -p "$t/rootfs/usr/local/bin" "$t/rootfs/tmp" "$t/rootfs/proc" "$t/rootfs/dev" "$t/rootfs/sys" "$t/rootfs/src" "$t/rootfs/proj"
for applet in sh tar find du wc cat; do ln -sf "$(command -v busybox)" "$t/rootfs/usr/local/bin/$applet"; done
# A millisecond clock (busybox's date has no %N).
printf '#include <stdio.h>\n#include <time.h>\nint main(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);\n printf("%%lld\\n", (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000); return 0; }\n' > "$t/now.c"
gcc -O2 -static -o "$t/rootfs/usr/local/bin/now" "$t/now.c"
for i in $(seq 1 40); do
    printf '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint f%d(int x) { char b[64]; snprintf(b, sizeof b, "%%d", x); return (int)strlen(b) + %d; }\n' "$i" "$i" > "$t/rootfs/proj/f$i.c"
done
{ printf 'int main(void) { int s = 0;\n'; for i in $(seq 1 40); do printf 'extern int f%d(int); s += f%d(%d);\n' "$i" "$i" "$i"; done; printf 'return s == 0; }\n'; } > "$t/rootfs/proj/main.c"
printf 'SRCS=$(wildcard *.c)\nprog: $(SRCS:.c=.o)\n\tcc -o $@ $^\n%%.o: %%.c\n\tcc -O1 -c -o $@ $<\n' > "$t/rootfs/proj/Makefile"
tar -C "$t/rootfs" -cf "$t/image.tar" .
tar -C /usr/include -cf "$t/project/src.tar" linux asm-generic x86_64-linux-gnu c++ 2>/dev/null
echo "image: $(du -sm "$t/rootfs" | cut -f1) MB; tarball: $(du -m "$t/project/src.tar" | cut -f1) MB, $(tar -tf "$t/project/src.tar" | wc -l) entries"

cd "$t/project"
"$bin" import "$t/image.tar" bench/storage:1 >/dev/null
pod=(podman --root "$t/podman" --runroot "$t/podman-run" --storage-driver overlay
     --storage-opt overlay.mount_program=/usr/bin/fuse-overlayfs --cgroup-manager cgroupfs --events-backend none)
# crun refuses this host's hybrid cgroups; runc runs.
if command -v runc >/dev/null; then pod+=(--runtime "$(command -v runc)"); fi
"${pod[@]}" import "$t/image.tar" localhost/bench/storage:1 >/dev/null

# Times each step inside the container (ms, from busybox date's ns clock).
workload='export PATH=/usr/local/bin:/usr/bin:/bin
a=$(now); tar -C /src -xf /p/src.tar; b=$(now)
find / -xdev | wc -l >/dev/null; du -sx / >/dev/null; c=$(now)
cd /proj && make -s -j2 >/dev/null; d=$(now)
echo "$((b - a)) $((c - b)) $((d - c))"'

run() {
    case $1 in
    fuse) "$bin" run --rm --network none --storage-driver fuse -v "$t/project:/p:ro" bench/storage:1 -- /usr/local/bin/sh -c "$workload" ;;
    kernel) "$bin" run --rm --network none --storage-driver overlay -v "$t/project:/p:ro" bench/storage:1 -- /usr/local/bin/sh -c "$workload" ;;
    fuse-overlayfs) "${pod[@]}" run --rm --network none -v "$t/project:/p:ro" localhost/bench/storage:1 /usr/local/bin/sh -c "$workload" ;;
    esac
}
drivers=(fuse fuse-overlayfs kernel)
[ -n "${DEBUG_IMAGE:-}" ] && { "$bin" run --rm bench/storage:1 -- /usr/local/bin/sh -c "$DEBUG_IMAGE"; exit; }
for d in "${drivers[@]}"; do run "$d" >/dev/null; done   # warm the page cache; not counted
: > "$t/times"
for r in $(seq "$rounds"); do
    order=("${drivers[@]}")
    if [ $((r % 2)) = 0 ]; then order=(kernel fuse-overlayfs fuse); fi
    for d in "${order[@]}"; do echo "$d $(run "$d")" >> "$t/times"; done
done

python3 - "$t/times" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    d, *v = line.split()
    rows.setdefault(d, []).append([int(x) for x in v])
steps = ["untar", "walk", "build"]
med = {d: [statistics.median(r[i] for r in rs) for i in range(3)] for d, rs in rows.items()}
print(f"{'workload':10}" + "".join(f"{d:>16}" for d in ["fuse", "fuse-overlayfs", "kernel"]) + "   fuse/fuse-overlayfs   fuse/kernel")
for i, s in enumerate(steps):
    f, o, k = med["fuse"][i], med["fuse-overlayfs"][i], med["kernel"][i]
    print(f"{s:10}" + "".join(f"{m:>14.0f}ms" for m in (f, o, k)) + f"   {f / o:>19.2f}x   {f / k:>9.2f}x   target <= 0.70x")
PY
