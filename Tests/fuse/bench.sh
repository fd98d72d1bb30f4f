#!/bin/bash
# Times a quick workload on CFuseOverlay, fuse-overlayfs and kernel overlay
# over the same layers (as root): untar of a ~50 MB source tree into the
# mount, `find | wc -l; du -s` of the merged tree, a make -j2 of a small C
# project from the lower layer. Prints seconds and the ratio ours/fuse-overlayfs.
#   Tests/fuse/bench.sh [rounds]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
ROUNDS=${1:-3}
T=$(mktemp -d /tmp/fuseovl-bench.XXXXXX)
BIN=$T/fuseovl
gcc -O2 -Wall -I "$SRC/Sources/CFuseOverlay/include" $(ls "$SRC"/Sources/CFuseOverlay/*.c | grep -v /daemon.c) "$SRC/Tests/fuse/fuseovl_main.c" \
    $(pkg-config --cflags --libs fuse3) -lpthread -o "$BIN" || exit 1

# The tarball: ~50 MB of headers.
tar -C /usr/include -cf "$T/src.tar" llvm-14 c++ linux asm-generic x86_64-linux-gnu unicode valgrind X11 2> /dev/null
echo "tarball: $(du -m "$T/src.tar" | cut -f1) MB, $(tar -tf "$T/src.tar" | wc -l) entries"

# The lower layer: a header tree to walk and a project to build.
mkdir -p "$T/L/proj" "$T/L/inc"
tar -C /usr/include -cf - openssl python3.11 2> /dev/null | tar -C "$T/L/inc" -xf -
for i in $(seq 1 40); do
    printf '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint f%d(int x) { char b[64]; snprintf(b, sizeof b, "%%d", x); return (int)strlen(b) + %d; }\n' "$i" "$i" > "$T/L/proj/f$i.c"
done
{
    printf 'int main(void) { int s = 0;\n'
    for i in $(seq 1 40); do printf 'extern int f%d(int); s += f%d(%d);\n' "$i" "$i" "$i"; done
    printf 'return s == 0; }\n'
} > "$T/L/proj/main.c"
printf 'SRCS=$(wildcard *.c)\nprog: $(SRCS:.c=.o)\n\tcc -o $@ $^\n%%.o: %%.c\n\tcc -O1 -c -o $@ $<\n' > "$T/L/proj/Makefile"

now() { date +%s.%N; }
mount_drv() {  # driver upper work mnt
    case $1 in
    ours) "$BIN" "$T/L" "$2" "$3" "$4" > "$T/pid" ;;
    ours-mt4) "$BIN" -t 4 "$T/L" "$2" "$3" "$4" > "$T/pid" ;;
    fuse-overlayfs) fuse-overlayfs -o "lowerdir=$T/L,upperdir=$2,workdir=$3" "$4" ;;
    kernel) mount -t overlay overlay -o "lowerdir=$T/L,upperdir=$2,workdir=$3,userxattr" "$4" ;;
    esac
}
unmount_drv() {
    umount "$1"
    sleep 0.2
}

declare -A TOT
DRIVERS="ours ours-mt4 fuse-overlayfs kernel"
for drv in $DRIVERS; do
    for k in untar find make total; do TOT[$drv.$k]=0; done
done
for r in $(seq "$ROUNDS"); do
    for drv in $DRIVERS; do
        # Upper and work on a fresh tmpfs: ext4's inode allocator slows down
        # after the previous round's deletions, which would favour whoever ran first.
        D=$T/run
        mkdir -p "$D"
        mount -t tmpfs tmpfs "$D"
        mkdir -p "$D/U" "$D/W" "$D/M"
        sync
        echo 3 > /proc/sys/vm/drop_caches
        mount_drv $drv "$D/U" "$D/W" "$D/M" || { echo "mount $drv failed"; exit 1; }
        t0=$(now)
        mkdir "$D/M/src" && tar -C "$D/M/src" -xf "$T/src.tar"
        t1=$(now)
        n=$(find "$D/M" | wc -l)
        du -s "$D/M" > /dev/null
        t2=$(now)
        (cd "$D/M/proj" && make -s -j2 > /dev/null && ./prog)
        t3=$(now)
        unmount_drv "$D/M"
        umount "$D"
        TOT[$drv.untar]=$(echo "${TOT[$drv.untar]} + $t1 - $t0" | bc)
        TOT[$drv.find]=$(echo "${TOT[$drv.find]} + $t2 - $t1" | bc)
        TOT[$drv.make]=$(echo "${TOT[$drv.make]} + $t3 - $t2" | bc)
        TOT[$drv.total]=$(echo "${TOT[$drv.total]} + $t3 - $t0" | bc)
        printf 'round %d %-15s untar %.2fs  find+du %.2fs (%d entries)  make -j2 %.2fs\n' "$r" $drv \
            "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$n" "$(echo "$t3 - $t2" | bc)"
    done
done
echo
echo "means over $ROUNDS rounds:"
printf '%-10s %10s %10s %15s %10s %10s %10s\n' step ours ours-mt4 fuse-overlayfs kernel ours/f-o mt4/f-o
for k in untar find make total; do
    o=$(echo "scale=3; ${TOT[ours.$k]} / $ROUNDS" | bc)
    m=$(echo "scale=3; ${TOT[ours-mt4.$k]} / $ROUNDS" | bc)
    f=$(echo "scale=3; ${TOT[fuse-overlayfs.$k]} / $ROUNDS" | bc)
    kk=$(echo "scale=3; ${TOT[kernel.$k]} / $ROUNDS" | bc)
    printf '%-10s %9.2fs %9.2fs %14.2fs %9.2fs %9.2fx %9.2fx\n' $k "$o" "$m" "$f" "$kk" "$(echo "scale=3; $o / $f" | bc)" "$(echo "scale=3; $m / $f" | bc)"
done
rm -rf "$T"
