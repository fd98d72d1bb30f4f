#!/usr/bin/env bash
# What the first run with a keep-id mapping onto another uid costs: devbox
# copies the image's layers once per mapping so their owners read as the
# image says (Sources/ImageStore/MappedLayers.swift). Times the first run
# (copy included) and the next ones (copy reused) of the same image, and
# prints the image's size and file count. The image: busybox plus the
# host's /usr/lib/python3.* (a real tree of many small files), imported as
# one layer.
#
#   bench/keepid-copy.sh [path/to/devbox]
#
# Rootless only (as root nothing is copied); as root it re-runs itself as
# $BENCH_USER (default devbox-test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then bin=$1
elif [ -x "$here/../.build-release/devbox" ]; then bin=$here/../.build-release/devbox
else bin=$here/../.build/debug/devbox
fi
bin=$(realpath "$bin")
user=${BENCH_USER:-devbox-test}
if [ "$(id -u)" = 0 ]; then
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    copy=$(mktemp -d /tmp/devbox-bench-keepid-bin.XXXXXX)
    chmod 755 "$copy"
    trap 'rm -rf "$copy"' EXIT
    install -m 0755 "$bin" "$copy/devbox"
    install -m 0755 "$0" "$copy/keepid-copy.sh"
    home=$(getent passwd "$user" | cut -d: -f6)
    setpriv --reuid="$user" --regid="$user" --init-groups -- \
        env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$home" LANG=C.UTF-8 "$copy/keepid-copy.sh" "$copy/devbox"
    exit
fi
work=$(mktemp -d /tmp/devbox-bench-keepid.XXXXXX)
mkdir -p "$work/proj/.git" "$work/run" "$work/root/bin" "$work/root/etc" "$work/root/usr/lib" "$work/root/home/dev"
chmod 700 "$work/run"
export XDG_DATA_HOME=$work/data XDG_RUNTIME_DIR=$work/run
# Layers hold files of subordinate ids: only devbox can remove them.
trap '"$bin" rmi bench-keepid:1 >/dev/null 2>&1; "$bin" system prune --force >/dev/null 2>&1; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp /bin/busybox "$work/root/bin/"
ln -s busybox "$work/root/bin/sh"; ln -s busybox "$work/root/bin/true"
printf 'root:x:0:0:root:/root:/bin/sh\ndev:x:1000:1000::/home/dev:/bin/sh\n' > "$work/root/etc/passwd"
printf 'root:x:0:\ndev:x:1000:\n' > "$work/root/etc/group"
cp -a /usr/lib/python3.* "$work/root/usr/lib/" 2>/dev/null || true
tar -C "$work/root" --numeric-owner --owner=0 --group=0 -cf "$work/image.tar" .
"$bin" import "$work/image.tar" bench-keepid:1 >/dev/null
cd "$work/proj"
echo "devbox: $bin, user $(id -un), kernel $(uname -r); image: $(du -sh "$work/root" | cut -f1), $(find "$work/root" | wc -l) files"
"$bin" run --rm bench-keepid:1 -- true
t() { local s e; s=$(date +%s%N); "$bin" run --rm --userns keep-id:uid=1000,gid=1000 bench-keepid:1 -- true 2>/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
plain() { local s e; s=$(date +%s%N); "$bin" run --rm bench-keepid:1 -- true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
first=$(t)
later=(); for _ in 1 2 3 4 5; do later+=("$(t)"); done
base=(); for _ in 1 2 3 4 5; do base+=("$(plain)"); done
med() { printf '%s\n' "$@" | sort -n | sed -n 3p; }
echo "first run with the mapping (copy included): ${first} ms"
echo "later runs with the mapping, median of 5:   $(med "${later[@]}") ms"
echo "runs without a mapping, median of 5:        $(med "${base[@]}") ms"
echo "copy on disk: $(du -sh "$XDG_DATA_HOME/devbox/layers-mapped" | cut -f1)"
