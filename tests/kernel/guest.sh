#!/bin/bash
# Init of the test guest (see run.sh): runs devbox's cases on this kernel
# and prints one PASS or FAIL line per check on the serial console, then
# DONE, then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
hostname devbox-guest
# FUSE (the module is loaded by the initramfs): Debian's udev mode.
[ -c /dev/fuse ] || mknod /dev/fuse c 10 229
chmod 666 /dev/fuse
echo 1 > /proc/sys/kernel/sysrq
finish() {
    echo DONE
    sync
    echo o > /proc/sysrq-trigger
    sleep 30
}
trap finish EXIT

bin=/devbox-test/devbox
echo "INFO kernel $(uname -r)"

id tester >/dev/null 2>&1 || useradd -m -s /bin/bash tester
grep -q '^tester:' /etc/subuid || usermod --add-subuids 100000-165535 --add-subgids 100000-165535 tester
tester_uid=$(id -u tester)

# as USER CMD...: runs devbox as root or as tester, with its own store.
as() {
    local user=$1
    shift
    if [ "$user" = root ]; then
        (cd /root/proj && env -i HOME=/root XDG_RUNTIME_DIR=/run/root-rt PATH="$PATH" "$bin" "$@")
    else
        (cd /home/tester/proj && setpriv --reuid=tester --regid=tester --init-groups \
            env -i HOME=/home/tester XDG_RUNTIME_DIR=/tmp/tester-rt PATH="$PATH" "$bin" "$@")
    fi
}
data_of() { [ "$1" = root ] && echo /root/.local/share/devbox || echo /home/tester/.local/share/devbox; }

mkdir -p /root/proj/.git /run/root-rt /home/tester/proj/.git /tmp/tester-rt
chmod 700 /run/root-rt /tmp/tester-rt
chown -R tester:tester /home/tester/proj /tmp/tester-rt

check() {
    local label=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc = 0 ]; then
        echo "PASS $label"
    else
        echo "FAIL $label (exit $rc): $(printf '%s' "$out" | tail -4 | tr '\n' '|')"
    fi
}

# What broke on Linux < 6.6 with a tmpfs upper: rm -rf of a lower
# directory, mkdir over it, mkdir where a lower file was, mv of a lower
# directory. $1 removed, $2 a lower file replaced by a directory, $3 renamed
# (holding file $4).
ops='set -e
rm -rf "$1"; mkdir "$1"; touch "$1/new"; test "$(ls -A "$1")" = new
rm "$2"; mkdir "$2"
mv "$3" "$3.moved"; test -e "$3.moved/$4"; test ! -e "$3"'
# One st_dev for a lower file and its directory, so du -x counts the files.
devices='set -e
test "$(stat -c %d "$1/$2")" = "$(stat -c %d "$1")"
test "$(du -sx "$1" | cut -f1)" = "$(du -s "$1" | cut -f1)"'

for user in root tester; do
    out=$(as $user doctor 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed "s/^/INFO doctor ($user): /"
    if [ $rc = 0 ]; then echo "PASS $user doctor exits 0"; else echo "FAIL $user doctor exits $rc"; fi
    check "$user import tiny" as $user import /devbox-test/tiny.tar tiny
    as $user info 2>&1 | grep -E "storage driver|overlay|fuse" | sed "s/^/INFO info ($user): /"
    # The FUSE driver on this kernel, image and host, --rm and persistent.
    check "$user fuse --rm tiny: rm -rf, recreate, mkdir over a file, mv" \
        as $user run --rm --storage-driver fuse tiny -- sh -c "$ops" sh /data/d /data/x /data/r f
    check "$user fuse --rm host: rm -rf, recreate, mkdir over a file, mv" \
        as $user run --rm --storage-driver fuse -- sh -c "$ops" sh /usr/share/doc/apt /etc/debian_version /usr/share/doc/bash copyright
    check "$user fuse host: system files are root's and writable" \
        as $user run --rm --storage-driver fuse -- sh -c 'test "$(stat -c %u /etc/passwd)" = 0 && echo x > /etc/fuse-written && touch /var/lib/dpkg/lock'

    for image in host tiny; do
        if [ $image = host ]; then
            img=(); args=(/usr/share/doc/apt /etc/debian_version /usr/share/doc/bash copyright); dev=(/usr/bin ls)
        else
            img=(tiny); args=(/data/d /data/x /data/r f); dev=(/data/k f)
        fi
        check "$user --rm $image: rm -rf, recreate, mkdir over a file, mv" \
            as $user run --rm "${img[@]}" -- sh -c "$ops" sh "${args[@]}"
        check "$user --rm $image: a lower file and its directory share st_dev (du -sx)" \
            as $user run --rm "${img[@]}" -- sh -c "$devices" sh "${dev[@]}"
        scratch=$(data_of $user)/scratch
        check "$user --rm $image: no layer left in $scratch" test -z "$(ls -A "$scratch" 2>/dev/null)"
        check "$user persistent $image: rm -rf, recreate, mkdir over a file, mv" \
            as $user run "${img[@]}" -- sh -c "$ops" sh "${args[@]}"
        check "$user persistent $image: the changes are kept" \
            as $user run "${img[@]}" -- sh -c 'test "$(ls -A "$1")" = new && test -d "$2" && test -e "$3.moved/$4"' sh "${args[@]}"
        check "$user persistent $image: a lower file and its directory share st_dev (du -sx)" \
            as $user run "${img[@]}" -- sh -c "$devices" sh "${dev[@]}"
    done
done
# Hardening on this kernel: an image's symlinks to the host's tree are
# followed inside the root (or refused), the caller's fds stay out, and a
# strict run leaves nested user namespaces to the next one.
mkdir -p /hostside && chmod 777 /hostside
hostside_empty() { test -z "$(ls -A /hostside)"; }
status_is() { local want=$1; shift; "$@" >/dev/null 2>&1; test $? = "$want"; }
fds_closed() {
    local out
    out=$(exec 5</etc 7>>/hostside/fd7; as "$1" run --rm -- sh -c 'ls /proc/self/fd | tr -d "\n"')
    rm -f /hostside/fd7
    test "$out" = 0123
}
net_none() {
    local out
    # (PID 1 is not dumpable: its /proc/1/ns links cannot be read inside.)
    out=$(as "$1" run --rm --network none -- sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate; readlink /proc/self/ns/net' 2>&1)
    echo "$out"
    set -- $out
    [ $# = 3 ] && [ "$1" = lo ] && [ "$2" = unknown ] && [ "$3" != "$(readlink /proc/self/ns/net)" ]
}
net_none_image() {
    local out
    out=$(as "$1" run --rm --network none tiny -- sh -c 'ls /sys/class/net; readlink /proc/self/ns/net' 2>&1)
    echo "$out"
    set -- $out
    [ $# = 2 ] && [ "$1" = lo ] && [ "$2" != "$(readlink /proc/self/ns/net)" ]
}
nested_after_strict() { as "$1" run --rm --profile strict -- true && as "$1" run --rm -- unshare -U true; }
for user in root tester; do
    for case in etc-absolute etc-relative dev tmp home mnt chain files proc loop; do
        as $user import /devbox-test/hostile-$case.tar hostile-$case >/dev/null 2>&1
    done
    for case in etc-absolute etc-relative dev tmp home mnt chain files; do
        check "$user hostile $case: runs, with the mounts inside" as $user run --rm -v /devbox-test:/mnt/sub --hostname boxy \
            hostile-$case -- sh -c 'test "$(cat /etc/hostname)" = boxy && test -e /mnt/sub/devbox'
        check "$user hostile $case: nothing created on the host" hostside_empty
    done
    for case in proc loop; do
        check "$user hostile $case: refused with 125" status_is 125 as $user run --rm -v /devbox-test:/mnt/sub hostile-$case -- true
        check "$user hostile $case: nothing created on the host" hostside_empty
    done
    check "$user inherited fds stay out" fds_closed $user
    # --network none: the command's process makes the network namespace
    # while PID 1 mounts, and PID 1 joins it (deferred_network).
    check "$user --network none: only lo, up" net_none $user
    check "$user --network none, tiny image: only lo" net_none_image $user
    check "$user strict then default: nested user namespaces still work" nested_after_strict $user
done

# The control: the same cases with the layer forced onto tmpfs (the cached
# answer says it works), which is what devbox did before. Informational:
# on Linux 6.6 or newer it works.
control() {
    local user=$1 cache saved out
    cache=$(ls "$2"/devbox/tmpfs-layers-* 2>/dev/null | head -1)
    [ -n "$cache" ] || return 0
    saved=$(cat "$cache")
    echo ok > "$cache"
    out=$(as $user run --rm -- sh -c "$ops" sh /usr/share/doc/apt /etc/debian_version /usr/share/doc/bash copyright 2>&1)
    echo "INFO control ($user), layer forced onto tmpfs, host: exit $? $(printf '%s' "$out" | tail -2 | tr '\n' '|')"
    out=$(as $user run --rm tiny -- sh -c "$ops" sh /data/d /data/x /data/r f 2>&1)
    echo "INFO control ($user), layer forced onto tmpfs, tiny: exit $? $(printf '%s' "$out" | tail -2 | tr '\n' '|')"
    out=$(as $user run --rm tiny -- sh -c 'stat -c %d /data/k /data/k/f; du -sx /data/k; du -s /data/k' 2>&1)
    echo "INFO control ($user), layer forced onto tmpfs, tiny: st_dev and du of /data/k: $(printf '%s' "$out" | tr '\n' ' ')"
    echo "$saved" > "$cache"
}
control root /run/root-rt
control tester /tmp/tester-rt
for f in /run/root-rt/devbox/tmpfs-layers-* /tmp/tester-rt/devbox/tmpfs-layers-*; do
    [ -e "$f" ] && echo "INFO --rm layers on tmpfs ($f): $(cat "$f")"
done
echo "INFO kernel log: $(dmesg | grep -c 'failed to set xattr') 'failed to set xattr' lines"
dmesg | grep -i overlay | tail -5 | sed 's/^/INFO dmesg: /'
