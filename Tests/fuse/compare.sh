#!/bin/bash
# Compares CFuseOverlay with the kernel's overlayfs (userxattr) on identical
# layers: the same operations in both, then (1) the merged views, (2) the
# resulting upper directories, (3) each upper read back by the other driver;
# plus concurrency (make -j2), fsync, O_TMPFILE, daemon death and the daemon
# ending on its own when the mount's namespace dies.
#
#   Tests/fuse/compare.sh              as root
#   Tests/fuse/compare.sh --rootless   as root: reruns itself as devbox-test
#                                      in a user+mount namespace (unshare -Urm)
# Exits non-zero on any difference; the last line is a one-line summary.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
MODE=root

build() {  # $1: output binary
    gcc -O2 -Wall -Wextra -I "$SRC/Sources/CFuseOverlay/include" $(ls "$SRC"/Sources/CFuseOverlay/*.c | grep -v /daemon.c) \
        "$SRC/Tests/fuse/fuseovl_main.c" $(pkg-config --cflags --libs fuse3) -lpthread -o "$1"
}

if [ "${1:-}" = --rootless ]; then
    T=$(mktemp -d /tmp/fuseovl-rootless.XXXXXX)
    build "$T/fuseovl" || exit 1
    cp "$0" "$T/compare.sh"
    chmod 755 "$T"
    chown -R devbox-test: "$T"
    chmod 666 /dev/fuse
    exec runuser -u devbox-test -- unshare -Urm bash "$T/compare.sh" --inner "$T/fuseovl" "$T"
fi
if [ "${1:-}" = --inner ]; then
    BIN=$2
    T=$2.d
    rm -rf "$T"
    mkdir -p "$T"
    MODE=rootless
    mount --make-rprivate / 2>/dev/null
else
    T=$(mktemp -d /tmp/fuseovl-compare.XXXXXX)
    BIN=$T/fuseovl
    build "$BIN" || exit 1
fi

FAILS=0
CHECKS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() {  # $1 label, $2 $3 files to compare
    CHECKS=$((CHECKS + 1))
    if ! diff -u "$2" "$3" > "$T/diff.$1"; then
        fail "$1 differs ($T/diff.$1):"
        head -40 "$T/diff.$1"
    fi
}

# Three lower layers, L1 top-most.
mk_layers() {
    local d=$1
    mkdir -p "$d"/L1 "$d"/L2 "$d"/L3
    (
        cd "$d/L3" || exit 1
        mkdir -p a/sub emptydir tree/t1/t2 opq mvdir/inner x_dir proj keep_dir
        echo bottom > a/f1
        echo deep > a/sub/deep
        echo keep > a/keep
        echo l3 > l3only.txt
        echo l3b > l3only2.txt
        echo l3file2 > l3file2
        echo l3file3 > l3file3
        echo hidden > hidden.txt
        echo b > b.txt
        echo c > c.txt
        echo t > tree/t1/t2/f
        echo t0 > tree/f0
        echo old1 > opq/old1
        echo mv > mvdir/inner/file
        echo xd > x_dir/inside
        echo gone > gone_file
        echo top > top.txt
        ln -s top.txt lnk
        ln -s /nonexistent/abs dangling
        echo linked > h1
        ln h1 h2
        mkfifo ff
        seq 1 200000 > big
        setfattr -n user.lower -v low a/keep
        setfattr -n user.overlay.overlay.esc -v escaped l3only.txt  # a user's user.overlay.esc
        touch -d '2001-02-03 04:05:06' a/keep l3file3
        for i in 1 2 3 4 5 6; do
            printf 'int f%d(void) { return %d; }\n' $i $i > proj/f$i.c
        done
        printf '#include <stdio.h>\nint f1(void);int f2(void);int f3(void);int f4(void);int f5(void);int f6(void);\nint main(void){printf("%%d\\n",f1()+f2()+f3()+f4()+f5()+f6());return 0;}\n' > proj/main.c
        printf 'OBJS=main.o f1.o f2.o f3.o f4.o f5.o f6.o\nprog: $(OBJS)\n\tcc -o $@ $(OBJS)\n%%.o: %%.c\n\tcc -O0 -c -o $@ $<\n' > proj/Makefile
    )
    (
        cd "$d/L2" || exit 1
        mkdir -p a opq
        echo middle > a/f2
        mknod hidden.txt c 0 0       # whiteout in a middle layer
        mknod gone_file c 0 0
        echo new1 > opq/new1
        setfattr -n user.overlay.opaque -v y opq
        echo xfile > x_dir           # a file above a directory hides it
    )
    (
        cd "$d/L1" || exit 1
        mkdir -p a
        echo "top overrides" > a/f1
        echo l1 > l1only
    )
}

ops() {  # in the merged directory $1: every op's output and status
    cd "$1" || exit 1
    run() {
        local label=$1
        shift
        echo "== $label"
        "$@" 2>&1
        echo "rc=$?"
    }
    run cat cat top.txt a/f1 a/f2 a/sub/deep lnk h1 h2 x_dir
    run ls_root ls -a .
    run ls_a ls -a a
    run hidden_gone sh -c 'test -e hidden.txt || test -e gone_file || echo hidden'
    run opaque_lower ls opq
    run readlink readlink lnk dangling
    run append sh -c 'echo appended >> a/f1 && cat a/f1'
    run write sh -c 'echo rewritten > top.txt && cat top.txt lnk'
    run truncate sh -c 'truncate -s 3 a/sub/deep && cat a/sub/deep; echo'
    run chmod chmod 600 a/f2
    run chown chown 1234:5678 l3only.txt
    run chown_dir chown 4321 keep_dir
    run touch_lower sh -c 'touch -m -d "2010-01-01 00:00:00" l3file2 && stat -c %y l3file2'
    run times_kept sh -c 'echo more >> l3file3; stat -c %x l3file3'
    run unlink_lower rm l3only2.txt
    run unlink_upper sh -c 'echo x > newfile && rm newfile && ls newfile'
    run rmdir_lower rmdir emptydir
    run rmdir_nonempty rmdir a
    run rm_rf_lower rm -rf tree
    run mkdir_over_dir_wh sh -c 'mkdir tree && ls -a tree'
    run mkdir_over_file_wh sh -c 'rm b.txt && mkdir b.txt && echo in > b.txt/in && ls b.txt'
    run mkdir_over_lower_wh sh -c 'mkdir hidden.txt && ls -a hidden.txt'
    run create_over_wh sh -c 'rm c.txt && echo new > c.txt && cat c.txt'
    run rename_file sh -c 'mv top.txt top2.txt && cat top2.txt && ls top.txt'
    run rename_over_lower sh -c 'mv a/f1 l3file2 && cat l3file2'
    run rename_lower_dir $PY -c 'import os
try:
    os.rename("mvdir", "mvdir2"); print("renamed")
except OSError as e:
    print("errno", e.errno)'
    run mv_lower_dir sh -c 'mv mvdir mvdir3 && cat mvdir3/inner/file && ls mvdir'
    run rename_upper_dir sh -c 'mkdir nd && echo x > nd/x && mv nd nd2 && mv nd2 a/nd3 && ls a/nd3'
    run rename_upper_dir_root sh -c 'mkdir nr && mv nr nr2 && ls -d nr2'
    run rename_over_upper sh -c 'echo 1 > r1 && echo 2 > r2 && mv r1 r2 && cat r2'
    run rename_dir_over_empty_lower sh -c 'mkdir emp && echo e > emp/e && $0 -c "import os; os.rename(\"emp\", \"keep_dir\")" && ls keep_dir' $PY
    run hardlink sh -c 'ln a/keep a/keep.link && echo more >> a/keep.link && cat a/keep && stat -c %h a/keep a/keep.link'
    # Both names must show one inode. Kernel overlay does in a root mount but
    # not in a user namespace (the copied-up name keeps the lower's number):
    # recorded beside the compared output.
    test "$(stat -c %i a/keep)" = "$(stat -c %i a/keep.link)" && echo same-inode > ../hardlink.inode || echo different-inodes > ../hardlink.inode
    run hardlink_lower sh -c 'echo x >> h1; cat h1 h2'
    run symlink sh -c 'ln -s a/keep sl && readlink sl && cat sl'
    run xattr_set sh -c 'setfattr -n user.x -v 1 a/keep && getfattr -n user.x --only-values a/keep; echo'
    run xattr_lower sh -c 'setfattr -n user.y -v 2 l3file3 && getfattr -d -m "^user\." l3file3'
    run xattr_lower_read getfattr -n user.lower a/keep
    run xattr_remove sh -c 'setfattr -x user.lower a/keep; getfattr -d -m - a/keep'
    run xattr_private_set setfattr -n user.overlay.opaque -v y a
    run xattr_private_get getfattr -n user.overlay.opaque opq
    run xattr_list getfattr -d -m - opq
    run xattr_escaped sh -c 'getfattr -d -m - l3only.txt; setfattr -n user.overlay.mine -v 1 l3only.txt && getfattr -d -m - l3only.txt && setfattr -x user.overlay.mine l3only.txt; getfattr -d -m - l3only.txt'
    run mkfifo sh -c 'mkfifo nf && test -p nf && test -p ff && echo fifos'
    run mknod_whiteout mknod wh c 0 0
    run cp_a sh -c 'cp -a a copied && ls -a copied'
    run big sh -c 'sha256sum big | cut -c1-16; echo >> big; sha256sum big | cut -c1-16'
    run rm_merged sh -c 'rm -rf a && ls a'
    run recreate_merged sh -c 'mkdir a && echo z > a/z && ls -a a'
    run tar sh -c 'tar -cf - . 2>&1 | tar -tf - | sort'
    run du sh -c 'du -a -l --apparent-size . | sort -k2 | grep -v "/proj\|^[0-9]*\s\.$"'
    cd / || exit 1
}

view() {  # the merged view of $1, relative
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %u %g %s %l\n' | awk '$2 == "d" { $6 = "-" } { print }' | sort
        find . -type f -exec sha256sum {} + | sort -k2
        find . | sort | while read -r f; do getfattr -h -d -m '^user\.' -- "$f" 2>/dev/null | grep -v '^$'; done
    )
}

upper() {  # the upper directory $1: names, types, modes, owners, whiteouts, overlay xattrs
    (
        cd "$1" || exit 1
        find . -printf '%p %y %m %u %g %s %l\n' | awk '$2 == "d" { $6 = "-" } { print }' | sort
        find . -type c -exec stat -c '%n %t:%T' {} + | sort
        find . | sort | while read -r f; do
            getfattr -h -d -m '^user\.' -- "$f" 2>/dev/null | grep -v '^$' |
                grep -v 'user\.overlay\.\(origin\|impure\|uuid\|nlink\|upper\|metacopy\|protattr\)='
        done | awk '/^# file:/ { h = $0; next } { if (h != "") print h; h = ""; print }'
    )
}

kmount() {  # lowers upper work mnt
    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3,userxattr" "$4"
}
fmount() {  # lowers upper work mnt -> daemon pid on stdout
    "$BIN" -t 4 "$1" "$2" "$3" "$4"
}
wait_gone() {  # pid: the daemon must exit on its own within 5 s
    for _ in $(seq 50); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
funmount() {  # mnt pid
    umount "$1" || fail "umount $1"
    wait_gone "$2" || fail "daemon $2 still running after umount of $1"
}

# Built twice rather than copied: a copy's reads would move the source's atimes.
for d in k f; do
    mk_layers "$T/$d"
    mkdir -p "$T/$d"/U "$T/$d"/W "$T/$d"/M
done
K=$T/k
F=$T/f
lowers() { echo "$1/L1:$1/L2:$1/L3"; }

kmount "$(lowers "$K")" "$K/U" "$K/W" "$K/M" || { echo "kernel overlay mount failed"; exit 1; }
FPID=$(fmount "$(lowers "$F")" "$F/U" "$F/W" "$F/M") || { echo "fuse mount failed"; exit 1; }

view "$K/M" > "$T/k.view0"
view "$F/M" > "$T/f.view0"
check view-before "$T/k.view0" "$T/f.view0"
ops "$K/M" > "$T/k.ops"
ops "$F/M" > "$T/f.ops"
check ops "$T/k.ops" "$T/f.ops"
view "$K/M" > "$T/k.view"
view "$F/M" > "$T/f.view"
check view-after "$T/k.view" "$T/f.view"
umount "$K/M"
funmount "$F/M" "$FPID"
upper "$K/U" > "$T/k.upper"
upper "$F/U" > "$T/f.upper"
check upper "$T/k.upper" "$T/f.upper"
if grep -q 'user\.overlay\.\(origin\|impure\)' <(cd "$K/U" && getfattr -R -h -d -m '^user\.overlay\.' . 2>/dev/null); then
    echo "note: kernel overlay wrote origin/impure xattrs (not compared, not written by the FUSE driver)"
fi

CHECKS=$((CHECKS + 1))
grep -q same-inode "$F/hardlink.inode" || fail "hard link: the two names show different inodes"
echo "hard link after copy-up: FUSE: $(cat "$F/hardlink.inode"); kernel overlay: $(cat "$K/hardlink.inode")"

# Cross-reading: each driver mounts the other's upper.
mkdir -p "$T/x1" "$T/x2" "$T/xw1" "$T/xw2"
kmount "$(lowers "$F")" "$F/U" "$T/xw1" "$T/x1" || fail "kernel mount of the FUSE upper"
view "$T/x1" > "$T/x1.view"
check kernel-reads-fuse-upper "$T/k.view" "$T/x1.view"
umount "$T/x1"
XPID=$(fmount "$(lowers "$K")" "$K/U" "$T/xw2" "$T/x2") || fail "fuse mount of the kernel upper"
view "$T/x2" > "$T/x2.view"
check fuse-reads-kernel-upper "$T/k.view" "$T/x2.view"
funmount "$T/x2" "$XPID"

# On a fresh upper: concurrency, fsync, O_TMPFILE, in both drivers.
extras() {  # mnt
    cd "$1" || exit 1
    echo "== make"
    (cd proj && make -s -j2 2>&1 && ./prog && make -j2 | grep -c 'up to date')
    echo "== fsync"
    $PY -c 'import os
fd = os.open("fs.txt", os.O_CREAT | os.O_WRONLY, 0o644); os.write(fd, b"x" * 100000); os.fsync(fd); os.fdatasync(fd); os.close(fd)
print(os.stat("fs.txt").st_size)'
    echo "== parallel writers"
    for i in 1 2 3 4; do (for j in $(seq 50); do echo "$i $j" >> "par$i"; done; cat big > "bigcopy$i") & done
    wait
    cat par1 par2 par3 par4 | wc -l
    sha256sum bigcopy* | cut -c1-16 | sort -u | wc -l
    rm -f bigcopy*
    cd / || exit 1
}
for d in k f; do
    rm -rf "$T/$d/U2" "$T/$d/W2"
    mkdir -p "$T/$d/U2" "$T/$d/W2"
done
kmount "$(lowers "$K")" "$K/U2" "$K/W2" "$K/M"
FPID=$(fmount "$(lowers "$F")" "$F/U2" "$F/W2" "$F/M")
extras "$K/M" > "$T/k.extras" 2>&1
extras "$F/M" > "$T/f.extras" 2>&1
check extras "$T/k.extras" "$T/f.extras"
TMPFILE_K=$(cd "$K/M" && $PY -c 'import os
try:
    fd = os.open(".", os.O_TMPFILE | os.O_WRONLY); os.write(fd, b"t"); print("ok")
except OSError as e:
    print("errno", e.errno)' 2>&1)
TMPFILE_F=$(cd "$F/M" && $PY -c 'import os
try:
    fd = os.open(".", os.O_TMPFILE | os.O_WRONLY); os.write(fd, b"t"); print("ok")
except OSError as e:
    print("errno", e.errno)' 2>&1)
echo "O_TMPFILE: kernel overlay: $TMPFILE_K; FUSE: $TMPFILE_F (libfuse 3.14 has no tmpfile op: EOPNOTSUPP expected)"
case "$TMPFILE_F" in ok | "errno 95") ;; *) fail "O_TMPFILE on FUSE: $TMPFILE_F" ;; esac
umount "$K/M"

# The daemon killed: the mount stays (ENOTCONN) until unmounted, which works.
kill -9 "$FPID"
wait_gone "$FPID" || fail "daemon survived SIGKILL"
ls "$F/M" > /dev/null 2>&1 && fail "mount still answers after the daemon died"
umount "$F/M" || fail "umount after daemon death"
grep -q " $F/M " /proc/self/mountinfo && fail "mount left behind after umount"

# The mount's namespace dies: the daemon (outside it) ends on its own.
rm -rf "$F/U3" "$F/W3"
mkdir -p "$F/U3" "$F/W3"
CHECKS=$((CHECKS + 1))
if ! timeout 30 "$BIN" -n "$(lowers "$F")" "$F/U3" "$F/W3" "$F/M" > "$T/ns.out" 2>&1; then
    fail "namespace test: $(cat "$T/ns.out")"
fi

if [ "$FAILS" -eq 0 ]; then
    echo "compare.sh ($MODE): PASS - $CHECKS checks identical to kernel overlay (views, uppers, cross-reads, make -j2, fsync, daemon exit) in $T"
    exit 0
fi
echo "compare.sh ($MODE): FAIL - $FAILS of $CHECKS checks differ; see $T"
exit 1
