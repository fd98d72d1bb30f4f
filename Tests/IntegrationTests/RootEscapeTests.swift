import Foundation
import Testing

/// A host directory a hostile image or project aims its symlinks at, and
/// what is in it: setup must never create anything there.
struct WatchedHostDirectory {
    let path: String

    init(in s: Scratch) throws {
        path = s.root.appendingPathComponent("host").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // Writable by the runner: a rootless setup that followed a link
        // could create things here.
        if s.runner.user != nil { chown(path, s.runner.uid, s.runner.gid) }
    }

    var entries: [String] {
        (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? ["<cannot list \(path)>"]
    }
}

/// Imports a root filesystem made by Tests/fixtures/make_hostile_root.py.
func hostileImage(_ kind: String, aimingAt host: String, in s: Scratch) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let tar = s.root.appendingPathComponent("hostile-\(kind).tar").path
    let made = try Shell.run(["/usr/bin/python3", root.appendingPathComponent("fixtures/make_hostile_root.py").path, tar, kind, host])
    #expect(made.status == 0, "\(made.stderr)")
    _ = try Shell.run(["/bin/chmod", "a+r", tar])
    let name = "hostile/\(kind):1"
    let imported = try s.devbox(["import", tar, name])
    #expect(imported.status == 0, "\(imported.stderr)")
    return name
}

/// A scratch project, a watched host directory, and a hostile image
/// (make_hostile_root.py's `kind`) whose links aim at that directory.
func hostileScratch(_ runner: Runner, _ kind: String) throws -> (Scratch, WatchedHostDirectory, String) {
    let s = try Scratch(runner)
    let host = try WatchedHostDirectory(in: s)
    return (s, host, try hostileImage(kind, aimingAt: host.path, in: s))
}

@Suite("setup stays inside the container's root")
struct RootEscapeTests {
    /// Images whose directories (or files setup binds onto) are symlinks to
    /// the host's tree as seen during setup (/oldroot/...), absolute,
    /// relative, chained, dangling. Setup must follow them inside the root
    /// or refuse: nothing may appear on the host.
    static let followed = ["etc-absolute", "etc-relative", "dev", "tmp", "run", "home", "mnt", "chain", "files"]
    static let refused = ["proc": "/proc and /sys must be directories", "sys": "/proc and /sys must be directories",
                          "loop": "a loop of symlinks"]

    @Test("an image's symlinks to /oldroot are followed inside the root, under kernel overlay and FUSE",
          arguments: Runner.all, followed)
    func followedInside(runner: Runner, kind: String) throws {
        let (s, host, image) = try hostileScratch(runner, kind)
        // (The FUSE driver mounts the root from the host's mount namespace,
        // where /oldroot/... does not exist but the host path does.)
        for mode in [["--rm"], [], ["--rm", "--storage-driver", "fuse"], ["--storage-driver", "fuse"]] {
            let r = try s.devbox(["run"] + mode + ["-v", s.project.path + ":/mnt/sub", "--hostname", "boxy", image,
                                                   "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/sub/.git && echo bound"])
            #expect(r.status == 0, "\(kind) \(mode): \(r.stderr)")
            #expect(r.out == "boxy\nbound\n", "\(kind) \(mode): the mounts landed where the container looks: \(r.out)")
            #expect(host.entries.isEmpty, "\(kind) \(mode): created on the host: \(host.entries)")
        }
    }

    /// Images whose /dev or /tmp (trees the command's process builds while
    /// PID 1 mounts /proc, /sys and binds into /etc; offload.c) lead into
    /// those trees or onto the root. Whatever the order the two processes
    /// meet in, the kernel files stay masked, nothing appears on the host,
    /// and a run that cannot work says so in one line.
    static let converging = ["dev-into-proc", "dev-into-sys", "dev-into-etc", "tmp-into-proc", "dev-into-root"]

    @Test("an image whose /dev or /tmp leads into /proc, /sys, /etc or the root keeps the masks and the host intact",
          arguments: Runner.all, converging)
    func convergingTrees(runner: Runner, kind: String) throws {
        let (s, host, image) = try hostileScratch(runner, kind)
        // Masked: /proc/keys, /proc/timer_list (a /dev/null bind: empty) and
        // /sys/firmware (an empty tmpfs): each prints its size, or "absent"
        // where something else now covers /proc or /sys (nothing shown).
        let script = "for f in /proc/keys /proc/timer_list; do if test -e $f; then echo $f:$(busybox cat $f | busybox wc -c); "
            + "else echo $f:absent; fi; done; if test -d /sys/firmware; then echo fw:$(busybox ls -A /sys/firmware | busybox wc -l); "
            + "else echo fw:absent; fi; echo end"
        for mode in [["--rm"], ["--rm", "--network", "none"], []] {
            for _ in 0..<3 {
                let r = try s.devbox(["run"] + mode + [image, "--", "sh", "-c", script])
                if r.status == 0 {
                    let lines = r.out.split(separator: "\n").map(String.init)
                    #expect(lines.count == 4 && lines.last == "end", "\(kind) \(mode): \(r.out)\(r.stderr)")
                    for line in lines.dropLast() {
                        let value = line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
                        #expect(value == "0" || value == "absent", "\(kind) \(mode): unmasked: \(line)")
                    }
                } else {
                    #expect([125, 126, 127].contains(r.status) && r.stderr.split(separator: "\n").count == 1, "\(kind) \(mode): \(r.status) \(r.stderr)")
                }
                #expect(host.entries.isEmpty, "\(kind) \(mode): created on the host: \(host.entries)")
            }
        }
    }

    @Test("an image whose /proc or /sys is a symlink, or whose links loop, is refused", arguments: Runner.all, refused.keys.sorted())
    func refusedImages(runner: Runner, kind: String) throws {
        let (s, host, image) = try hostileScratch(runner, kind)
        // With its own network /sys is a new sysfs, else the host's bound: both refuse.
        for network in ["host", "none"] {
            let r = try s.devbox(["run", "--rm", "--network", network, "-v", s.project.path + ":/mnt/sub", image, "--", "true"])
            #expect(r.status == 125, "\(kind) \(network): \(r.stderr)")
            #expect(r.stderr.contains(Self.refused[kind] ?? "?"), "\(kind) \(network): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
            #expect(!r.stderr.contains("/newroot") && !r.stderr.contains("/oldroot/"), "paths as the user knows them: \(r.stderr)")
            #expect(host.entries.isEmpty, "\(kind) \(network): created on the host: \(host.entries)")
        }
    }

    @Test("a symlink an earlier run planted in the persistent layer is followed inside", arguments: Runner.all, ["overlay", "fuse"])
    func plantedInHostImageLayer(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let plant = try s.devbox(["run", "--storage-driver", driver, "--", "sh", "-c", "mkdir -p /usr/local && ln -s /oldroot\(host.path) /usr/local/evil && ln -s ../../oldroot\(host.path)/rel /var/evil"])
        #expect(plant.status == 0, "\(plant.stderr)")
        #expect(try s.devbox(["down"]).status == 0)
        let r = try s.devbox(["run", "--storage-driver", driver, "-v", s.project.path + ":/usr/local/evil/sub", "-v", s.project.path + ":/var/evil/x/y",
                              "--", "sh", "-c", "test -d /usr/local/evil/sub/.git && test -d /var/evil/x/y/.git && echo bound"])
        #expect(r.status == 0 && r.out == "bound\n", "\(r.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }

    @Test("O_TMPFILE and linkat through links an earlier run planted (absolute, ..) stay inside", arguments: Runner.all, ["overlay", "fuse"])
    func tmpfileThroughPlantedLinks(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        defer { s.removeProjectEnvironments() }
        let host = try WatchedHostDirectory(in: s)
        let plant = try s.devbox(["run", "--storage-driver", driver, "--", "sh", "-c",
                                  "mkdir -p /usr/local && ln -s /oldroot\(host.path) /usr/local/evil && ln -s ../../oldroot\(host.path) /var/evil"])
        #expect(plant.status == 0, "\(plant.stderr)")
        let script = """
            import os, ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            for d in ("/usr/local/evil", "/var/evil"):
                try:
                    fd = os.open(d, os.O_TMPFILE | os.O_RDWR, 0o600)
                except OSError as e:
                    print(d, "open", e.errno); continue
                os.write(fd, b"x")
                rc = libc.linkat(-100, f"/proc/self/fd/{fd}".encode(), -100, (d + "/named").encode(), 0x400)
                print(d, "link", rc, ctypes.get_errno() if rc else 0)
            """
        for mode in [["--rm"], []] {
            let r = try s.devbox(["run"] + mode + ["--storage-driver", driver, "--", "python3", "-c", script])
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            #expect(host.entries.isEmpty, "\(mode): created on the host: \(host.entries) \(r.out)")
        }
    }

    /// The FUSE driver opens no file at open(2) any more: it copies up at the
    /// first write, truncates on a setattr, and writes a file unlinked while
    /// open into a nameless copy. Every one of those, reached through links
    /// an earlier run planted (absolute, .., at the host's own files and at
    /// /oldroot), must change the container's copy only.
    @Test("data written through planted links (appends, truncating opens, truncate, dd, a write after unlink) changes the container's copy only",
          arguments: Runner.all, ["overlay", "fuse"])
    func dataThroughPlantedLinks(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        defer { s.removeProjectEnvironments() }
        let host = try WatchedHostDirectory(in: s)
        FileManager.default.createFile(atPath: host.path + "/target", contents: Data("host\n".utf8))
        let licenses = ["GPL-3", "Apache-2.0", "MPL-2.0", "LGPL-3"].map { "/usr/share/common-licenses/" + $0 }
        let before = licenses.map { FileManager.default.contents(atPath: $0) }
        #expect(before.allSatisfy { $0 != nil })
        let plant = "mkdir -p /usr/local && L=/usr/share/common-licenses && ln -s $L/GPL-3 /usr/local/abs && ln -s ../usr/share/common-licenses/Apache-2.0 /var/rel "
            + "&& ln -s $L/MPL-2.0 /usr/local/open && ln -s ../../usr/share/common-licenses/LGPL-3 /var/tmp/open "
            + "&& ln -s /oldroot\(host.path)/target /usr/local/hostabs && ln -s ../../oldroot\(host.path)/target /var/hostrel"
        let planted = try s.devbox(["run", "--storage-driver", driver, "--", "sh", "-c", plant])
        #expect(planted.status == 0, "\(planted.stderr)")
        #expect(try s.devbox(["down"]).status == 0)
        let attack = """
            for p in /usr/local/abs /var/rel /usr/local/hostabs /var/hostrel; do
                { echo app >> $p; echo trunc > $p; truncate -s 3 $p; printf XY | dd of=$p bs=1 seek=1 conv=notrunc; } 2>/dev/null
                cat $p 2>/dev/null && echo
            done
            for p in /usr/local/open /var/tmp/open; do
                ( exec 3<>$p && rm -f "$(readlink -f $p)" && echo gone >&3 ) 2>/dev/null
            done
            true
            """
        // The persistent layer's links, then a --rm run's own (its throwaway
        // layer, in memory under FUSE where tmpfs takes user xattrs).
        for mode in [[], ["--rm"]] {
            let script = mode.isEmpty ? attack : plant + "\n" + attack
            let r = try s.devbox(["run"] + mode + ["--storage-driver", driver, "--", "sh", "-c", script])
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            // Rootless under kernel overlay the host's files are nobody's and
            // stay read-only; everywhere else the writes land, in the copy.
            if driver == "fuse" || runner.uid == 0 {
                #expect(r.out == "tXY\ntXY\n", "\(mode): \(r.out) \(r.stderr)")
            }
            #expect(licenses.map { FileManager.default.contents(atPath: $0) } == before, "\(mode): the host's files are unchanged")
            #expect(host.entries == ["target"], "\(mode): \(host.entries)")
            #expect(FileManager.default.contents(atPath: host.path + "/target") == Data("host\n".utf8), "\(mode)")
        }
    }

    @Test("an image's directory replaced by a symlink in its persistent layer is followed inside", arguments: Runner.all, ["overlay", "fuse"])
    func plantedInImageLayer(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage("files", aimingAt: "/nowhere", in: s)
        let plant = try s.devbox(["run", "--storage-driver", driver, image, "--", "sh", "-c", "rm -rf /mnt /etc && ln -s /oldroot\(host.path)/mnt /mnt && ln -s ../oldroot\(host.path)/etc /etc"])
        #expect(plant.status == 0, "\(plant.stderr)")
        #expect(try s.devbox(["down"]).status == 0)
        let r = try s.devbox(["run", "--storage-driver", driver, "--hostname", "boxy", "-v", s.project.path + ":/mnt/a/b", image,
                              "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/a/b/.git && echo bound"])
        #expect(r.status == 0 && r.out == "boxy\nbound\n", "\(r.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }

    /// `..` in a volume's destination: cleaned lexically, or refused when it
    /// climbs above the root; never a path on the host.
    @Test("a volume destination with .. cannot leave the root", arguments: Runner.all,
          ["/../oldroot/HOST/x", "/a/../../oldroot/HOST/y", "/..", "relative/path", "/mnt/../..", ""])
    func dotDotDestination(runner: Runner, destination: String) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let dst = destination.replacingOccurrences(of: "/HOST", with: host.path)
        let r = try s.devbox(["run", "--rm", "-v", s.project.path + ":" + dst, "--", "true"])
        #expect(r.status == 125, "\(dst): \(r.stderr)")
        #expect(r.stderr.contains(destination.isEmpty ? "invalid volume" : "destination"), "the message names the problem: \(r.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
        #expect(!FileManager.default.fileExists(atPath: "/x") && !FileManager.default.fileExists(atPath: "/y"))
    }

    @Test("a volume destination is cleaned lexically", arguments: Runner.all)
    func cleanedDestination(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "-v", s.project.path + "://srv/./a//b/../c/", "--", "sh", "-c", "test -d /srv/a/c/.git && echo ok"])
        #expect(r.status == 0 && r.out == "ok\n", "\(r.stderr)")
    }
}
