#!/bin/bash
# Boots a Debian kernel under qemu with a debootstrap'ed bookworm root and
# runs tests/kernel/guest.sh there as init: devbox's persistent and --rm
# runs, on the host image and on a small imported image, under the driver
# the storage probe picks and under the FUSE driver, as root and as an
# unprivileged user with a subordinate range. The guest prints PASS/FAIL
# lines on the serial console; this script exits non-zero unless every
# case passed.
#
#   tests/kernel/run.sh [DEVBOX_BINARY]      (make test-kernel)
#
# KERNEL: a Debian kernel package name (default: the one linux-image-amd64
#         depends on, the distribution's own kernel) or the path of a .deb.
# SUITE:  the Debian release of the guest root (default bookworm); with
#         another release and no KERNEL, that release's kernel
#         (SUITE=bullseye: Linux 5.10).
# CACHE:  where downloads and images are kept (default .build-kernel).
# TIMEOUT: seconds the guest may take (default 900: qemu emulates the CPU).
# KVM=1:  use KVM instead of emulation.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${1:-$repo/.build-release/devbox}
cache=${CACHE:-$repo/.build-kernel}
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
timeout=${TIMEOUT:-900}

die() { echo "test-kernel: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, and the image's files owned by root)"
[ -x "$bin" ] || die "no devbox binary at $bin; run make release"

need=()
for pkg in qemu-system-x86 debootstrap e2fsprogs busybox-static cpio; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
mkdir -p "$cache/debs" "$cache/kernels"

# The kernel package, downloaded once and unpacked. The host's own release's
# by default; for another SUITE (bullseye: Linux 5.10) the newest amd64
# kernel that release's archive lists, fetched from its Packages index.
if [ -z "${KERNEL:-}" ] && [ "$suite" != "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" ]; then
    index=$cache/debs/Packages-$suite
    [ -s "$index" ] || curl -sf --max-time 120 "$mirror/dists/$suite/main/binary-amd64/Packages.xz" | xz -dc > "$index" \
        || die "cannot fetch $mirror/dists/$suite/main/binary-amd64/Packages.xz"
    path=$(grep -E '^Filename: pool/main/l/linux-signed-amd64/linux-image-[0-9.]+-[0-9]+-amd64_' "$index" | sort -V | tail -1 | cut -d' ' -f2)
    [ -n "$path" ] || die "no amd64 kernel in $suite's index; set KERNEL"
    KERNEL=$cache/debs/$(basename "$path")
    [ -f "$KERNEL" ] || curl -sf --max-time 600 -o "$KERNEL" "$mirror/$path" || die "cannot download $mirror/$path"
fi
kernel=${KERNEL:-$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')}
[ -n "$kernel" ] || die "cannot tell which kernel linux-image-amd64 installs; set KERNEL"
if [ -f "$kernel" ]; then
    deb=$kernel
else
    deb=$(ls "$cache"/debs/"${kernel}"_*.deb 2>/dev/null | head -1 || true)
    if [ -z "$deb" ]; then
        (cd "$cache/debs" && apt-get download "$kernel") || die "cannot download $kernel"
        deb=$(ls "$cache"/debs/"${kernel}"_*.deb | head -1)
    fi
fi
name=$(basename "$deb" .deb)
kdir=$cache/kernels/$name
if [ ! -d "$kdir" ]; then
    dpkg-deb -x "$deb" "$kdir.tmp" && mv "$kdir.tmp" "$kdir"
fi
kver=$(ls "$kdir/lib/modules" | head -1)
vmlinuz=$kdir/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "$deb holds no /boot/vmlinuz-$kver"

# An initramfs with busybox and the modules needed to mount the root disk
# and run devbox (Debian builds them as modules), dependencies first.
initrd=$cache/initrd-$name.cpio.gz
if [ ! -f "$initrd" ] || [ "$here/initramfs-init.sh" -nt "$initrd" ]; then
    stage=$(mktemp -d)
    mkdir -p "$stage"/{bin,dev,proc,sys,newroot,modules}
    cp /bin/busybox "$stage/bin/busybox"
    ln -s busybox "$stage/bin/sh"
    order=()
    add() {
        local m=$1 f dep
        for done_m in "${order[@]:-}"; do [ "$done_m" = "$m" ] && return 0; done
        f=$(find "$kdir/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -1)
        [ -n "$f" ] || return 0   # built into this kernel
        for dep in $(tr '\0' '\n' < <(case $f in *.xz) xz -dc "$f";; *.zst) zstd -dc "$f";; *) cat "$f";; esac) \
                     | sed -n 's/^depends=//p' | tr ',' ' '); do
            add "$dep"
        done
        case $f in
            *.xz) xz -dc "$f" > "$stage/modules/$m.ko" ;;
            *.zst) zstd -dc "$f" > "$stage/modules/$m.ko" ;;
            *) cp "$f" "$stage/modules/$m.ko" ;;
        esac
        order+=("$m")
    }
    for m in virtio_pci virtio_blk crc32c_generic ext4 overlay fuse; do add "$m"; done
    printf '%s\n' "${order[@]}" > "$stage/modules/order"
    cp "$here/initramfs-init.sh" "$stage/init"
    chmod 755 "$stage/init"
    (cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
    rm -rf "$stage"
fi

# The guest's root: a minbase debootstrap with uidmap, made once.
root=$cache/root-$suite
if [ ! -d "$root" ]; then
    rm -rf "$root.tmp"
    debootstrap --variant=minbase --include=uidmap "$suite" "$root.tmp" "$mirror"
    mv "$root.tmp" "$root"
fi
rootimg=$cache/root-$suite.img
if [ ! -f "$rootimg" ] || [ "$root" -nt "$rootimg" ]; then
    rm -f "$rootimg.tmp"
    mke2fs -q -t ext4 -d "$root" -L root "$rootimg.tmp" 2G
    mv "$rootimg.tmp" "$rootimg"
fi

# The test disk: devbox, the guest script and a tiny image's rootfs tarball.
run=$cache/run
rm -rf "$run" && mkdir -p "$run/disk/tiny"
install -m 0755 "$bin" "$run/disk/devbox"
install -m 0755 "$here/guest.sh" "$run/disk/guest.sh"
tiny=$run/disk/tiny
mkdir -p "$tiny"/{bin,etc,tmp,proc,dev,sys,data/d/sub,data/r,data/k}
cp /bin/busybox "$tiny/bin/busybox"
for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$tiny/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$tiny/etc/passwd"
echo 'root:x:0:' > "$tiny/etc/group"
for f in data/d/f data/d/sub/g data/r/f data/k/f data/x; do head -c 65536 /dev/urandom > "$tiny/$f"; done
tar -C "$tiny" -cf "$run/disk/tiny.tar" . && rm -rf "$tiny"
# Images whose symlinks aim at the host's tree during setup (/oldroot/...):
# the guest checks that nothing appears in /hostside.
for case in etc-absolute etc-relative dev tmp home mnt chain files proc loop; do
    python3 "$here/../../Tests/fixtures/make_hostile_root.py" "$run/disk/hostile-$case.tar" "$case" /hostside
done
mke2fs -q -t ext4 -d "$run/disk" -L devbox-test "$run/test.img" 256M

# Software emulation by default: it works everywhere, nested KVM does not
# (on a VM here qemu hung without a line of output). KVM=1 asks for it.
accel=(-accel tcg -cpu max)
if [ -n "${KVM:-}" ]; then accel=(-accel kvm -cpu host); fi
echo "booting $name ($kver) with ${accel[*]}; serial console in $run/serial.log"
set +e
timeout "$timeout" qemu-system-x86_64 "${accel[@]}" -m 2048 -smp 2 -no-reboot \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4" \
    -drive "file=$rootimg,format=raw,if=virtio,snapshot=on" \
    -drive "file=$run/test.img,format=raw,if=virtio" \
    -serial "file:$run/serial.log" -monitor none -display none </dev/null
qemu_rc=$?
set -e
tr -d '\r' < "$run/serial.log" | grep -E '^(PASS|FAIL|INFO) ' || true
passed=$(tr -d '\r' < "$run/serial.log" | grep -c '^PASS ' || true)
failed=$(tr -d '\r' < "$run/serial.log" | grep -c '^FAIL ' || true)
if [ "$qemu_rc" = 124 ]; then echo "test-kernel: the guest did not finish in ${timeout}s" >&2; exit 1; fi
if ! tr -d '\r' < "$run/serial.log" | grep -q '^DONE'; then
    echo "test-kernel: the guest stopped before the end; see $run/serial.log" >&2
    tail -30 "$run/serial.log" >&2
    exit 1
fi
echo "test-kernel: $kver: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
