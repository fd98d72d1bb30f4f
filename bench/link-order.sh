#!/usr/bin/env bash
# Regenerates Sources/devbox/link-order.txt: the functions and data the
# devbox process uses on `devbox run`'s common paths. The release link
# (Makefile) hands it to lld as --symbol-ordering-file, so that code sits in
# a few adjacent pages instead of ~85 pages spread over 13 MB of text, each
# of which the kernel maps with 64 KB of fault-around. That is what peak RSS
# measures (docs/ARCHITECTURE.md, "Memory").
#
#   bench/link-order.sh [path/to/devbox]   (default: the unstripped release build)
#
# Run it after `make release` and after changes to the run path, then
# `make release` again relinks. A stale list is harmless: functions missing
# from it are laid out after it. bench/executed.c single-steps devbox and
# records each instruction it runs (a few minutes), valgrind's lackey the
# data it touches; the release link's map turns those addresses into input
# sections, listed scenario by scenario and smallest first, so one that
# cannot be split (the standard library's 1.6 MB .text) comes last and does
# not spread out the ones that can be packed. lld orders data sections by
# the same list.
# As root the scenarios run as $BENCH_USER, like the benches.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:-$repo/.build-release/release/devbox}
map=${MAP:-$repo/.build-release/devbox.map}
user=${BENCH_USER:-devbox-bench}
out=$repo/Sources/devbox/link-order.txt

for tool in cc valgrind python3 strip; do
    command -v "$tool" >/dev/null || { echo "link-order: $tool is missing (apt-get install gcc valgrind python3 binutils)" >&2; exit 1; }
done
for f in "$bin" "$map"; do
    [ -f "$f" ] || { echo "link-order: $f is missing; run make release first" >&2; exit 1; }
done

work=$(mktemp -d /tmp/devbox-order.XXXXXX)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
# valgrind cannot read the toolchain's DWARF; symbols are all it needs.
strip --strip-debug -o "$work/devbox" "$bin"
cc -O2 -o "$work/executed" "$here/executed.c"
mkdir -p "$work/project/.git"
chmod -R a+rX "$work"
as_user=()
home=$HOME
if [ "$(id -u)" = 0 ]; then
    id -u "$user" >/dev/null 2>&1 || useradd -m "$user"
    chown -R "$user:" "$work"
    as_user=(setpriv --reuid="$user" --regid="$user" --init-groups --)
    home=$(getent passwd "$user" | cut -d: -f6)
fi
environment=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache")

# The bench's path, then exec (what a persistent `devbox run` and an
# editor's terminals do: join a running container). The container exec
# joins is started by the untraced binary: under valgrind, the supervisor's
# re-exec of /proc/self/exe would run valgrind's tool instead.
scenarios=(
    "run --rm -- true"
    "run --rm --network none linkorder/busybox:latest -- /bin/true"
    "exec linkorder true"
)
cd "$work/project"
# The image row of bench/startup.sh: a busybox root imported as an image.
mkdir -p "$work/busybox/bin" "$work/busybox/proc" "$work/busybox/dev" "$work/busybox/etc" "$work/busybox/tmp"
cp /bin/busybox "$work/busybox/bin/busybox"
ln -s busybox "$work/busybox/bin/sh"
ln -s busybox "$work/busybox/bin/true"
tar -C "$work/busybox" -cf "$work/busybox.tar" .
chmod a+r "$work/busybox.tar"
"${as_user[@]}" "${environment[@]}" "$work/devbox" import "$work/busybox.tar" linkorder/busybox:latest >/dev/null
"${as_user[@]}" "${environment[@]}" "$work/devbox" run -d --name linkorder -- sleep 3600 >/dev/null
trap '"${as_user[@]}" "${environment[@]}" "$work/devbox" rm -f linkorder >/dev/null 2>&1; chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
for i in "${!scenarios[@]}"; do
    # The first run builds the host skeleton and the seccomp cache: once per
    # machine, so it stays out of the list.
    # shellcheck disable=SC2086
    "${as_user[@]}" "${environment[@]}" "$work/devbox" ${scenarios[$i]} 2>/dev/null
    # shellcheck disable=SC2086
    "${as_user[@]}" "${environment[@]}" "$work/executed" "$work/executed.$i" -- "$work/devbox" ${scenarios[$i]}
    # The data it touches. The container's processes are forks and run under
    # valgrind too; devbox's own log is the one whose parent is neither
    # traced nor outside the container's PID namespace (0).
    # shellcheck disable=SC2086
    "${as_user[@]}" "${environment[@]}" valgrind --tool=lackey --trace-mem=yes \
        --log-file="$work/trace.$i.%p" "$work/devbox" ${scenarios[$i]} 2>/dev/null
    parent=
    for trace in "$work"/trace."$i".*; do
        ppid=$(grep -m1 -o 'Parent PID: [0-9]*' "$trace" | grep -o '[0-9]*$' || true)
        if [ -n "$ppid" ] && [ "$ppid" != 0 ] && [ ! -e "$work/trace.$i.$ppid" ]; then parent=$trace; fi
    done
    [ -n "$parent" ] || { echo "link-order: valgrind left no trace of devbox for: ${scenarios[$i]}" >&2; exit 1; }
    grep -E '^ [LSM] ' "$parent" | cut -c4- | cut -d, -f1 | sort -u > "$work/accessed.$i"
    rm -f "$work"/trace."$i".*
done

python3 - "$map" "$work" > "$out" <<'PY'
import bisect, collections, glob, re, sys
# lld's map: an output section (no indent), an input section (8 spaces
# before its name), then the input section's symbols (16 spaces).
sections, defined = [], collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"^\s*([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (\s+)(\S.*)$", line.rstrip("\n"))
    if not m:
        continue
    address, size, indent, name = int(m.group(1), 16), int(m.group(2), 16), len(m.group(3)), m.group(4)
    if indent == 8:
        sections.append([address, size, name, []])
    elif indent == 16 and sections:
        sections[-1][3].append(name)
        defined[name] += 1
sections.sort(key=lambda s: s[0])
starts = [s[0] for s in sections]

# Sections by the first scenario that uses them: the first scenario's stay
# together, the next one's follow.
def hot_sections(pattern, code):
    hot = {}
    for scenario, path in sorted((int(p.rsplit(".", 1)[1]), p) for p in glob.glob(f"{sys.argv[2]}/{pattern}")):
        for line in open(path):
            address = int(line, 16)
            i = bisect.bisect_right(starts, address) - 1
            if i >= 0 and address < sections[i][0] + sections[i][1] and (".text" in sections[i][2]) == code:
                hot.setdefault(sections[i][0], (scenario, sections[i]))
    return [(scenario, *section) for scenario, section in hot.values()]

# lld places every section holding a listed name. Local names repeat across
# objects (outlined copies, value witnesses), so a section is named by one
# of its unique symbols; code named only by repeated ones is listed when all
# the sections sharing them are small, and left where it is otherwise.
size_of = collections.Counter()
for address, size, name, symbols in sections:
    for symbol in symbols:
        size_of[symbol] += size
listed, seen = [], set()
for pattern, code in [("executed.*", True), ("accessed.*", False)]:
    for scenario, address, size, name, symbols in sorted(hot_sections(pattern, code), key=lambda s: (s[0], s[2], s[3])):
        unique = [s for s in symbols if defined[s] == 1]
        chosen = unique[:1] or ([s for s in symbols if size_of[s] <= 16384] if code else [])
        listed += [s for s in chosen if s not in seen]
        seen.update(chosen)
print("\n".join(listed))
PY
echo "link-order: $(wc -l < "$out") symbols -> $out"
