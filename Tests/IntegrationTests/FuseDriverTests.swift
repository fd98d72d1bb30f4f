import Foundation
import Testing

/// The FUSE storage driver (docs/STORAGE.md): devbox's own overlay over
/// /dev/fuse, with the kernel overlay's on-disk layers, and the ownership
/// views kernel overlay cannot give rootless.
@Suite("the FUSE storage driver")
struct FuseDriverTests {
    @Test("keep-id under FUSE: the image's owners stay as they are, with no copy of the layers", arguments: Runner.all)
    func keepIDWithoutCopies(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("fusekeep:1")
        let check = ["sh", "-c", "stat -c '%n %u:%g' /home/ada /etc/passwd /bin/busybox; stat -c %A /bin/suid; id -u; echo hi > /home/ada/new && stat -c %u /home/ada/new"]
        let r = try s.devbox(["run", "--rm", "--storage-driver", "fuse", "--userns", "keep-id:uid=1000,gid=1000", "fusekeep:1", "--"] + check)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "/home/ada 1000:1000\n/etc/passwd 0:0\n/bin/busybox 0:0\n-rwsr-xr-x\n1000\n1000\n", "\(r.out)")
        #expect(!r.stderr.contains("copying"), "the FUSE view needs no per-mapping copy: \(r.stderr)")
    }

    @Test("an upper layer written under one driver reads the same under the other", arguments: Runner.all, [("fuse", "overlay"), ("overlay", "fuse")])
    func crossDriverUpper(runner: Runner, order: (String, String)) throws {
        let s = try Scratch(runner)
        defer { s.removeProjectEnvironments() }
        _ = try s.devbox(["load", "-i", try fixture("layout", "cross:1", in: s)])
        // The project's layer for this image stays between runs, whichever
        // driver mounts it.
        let write = "echo new > /etc/added; echo changed > /f; rm /d/x; rm -r /a; mkdir -p /n/m; echo deep > /n/m/f; "
            + "mkdir /a; echo again > /a/only; ln /f /f-link; mv /etc/added /etc/moved"
        let first = try s.devbox(["run", "--storage-driver", order.0, "cross:1", "--", "/bin/sh", "-c", write])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try s.devbox(["down"]).status == 0)
        let read = "cat /etc/moved /f /f-link /n/m/f; ls -A /a; test -e /d/x || echo x-gone; test -e /etc/added || echo added-moved; "
            + "test \"$(stat -c %i /f)\" = \"$(stat -c %i /f-link)\" && echo linked; grep -c fuse.devbox /proc/mounts"
        let r = try s.devbox(["run", "--storage-driver", order.1, "cross:1", "--", "/bin/sh", "-c", read])
        let fuseMounts = order.1 == "fuse" ? "1" : "0"
        #expect(r.out == "new\nchanged\nchanged\ndeep\nonly\nx-gone\nadded-moved\nlinked\n\(fuseMounts)\n", "\(order.0) wrote, \(order.1) read: \(r.stderr)")
    }

    @Test("the host image under FUSE: system files belong to the container's root, and dpkg installs a package", arguments: Runner.all)
    func hostImagePackageManager(runner: Runner) throws {
        let s = try Scratch(runner)
        // A package of our own, so no archive is needed: dpkg takes its lock,
        // writes /var/lib/dpkg and unpacks into /usr, all root's files.
        let pkg = s.root.appendingPathComponent("pkg")
        try FileManager.default.createDirectory(at: pkg.appendingPathComponent("DEBIAN"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pkg.appendingPathComponent("usr/share/devbox-fuse-test"), withIntermediateDirectories: true)
        try "Package: devbox-fuse-test\nVersion: 1.0\nArchitecture: all\nMaintainer: devbox <devbox@example.org>\nDescription: test\n"
            .write(to: pkg.appendingPathComponent("DEBIAN/control"), atomically: true, encoding: .utf8)
        try "installed\n".write(to: pkg.appendingPathComponent("usr/share/devbox-fuse-test/marker"), atomically: true, encoding: .utf8)
        let deb = s.project.appendingPathComponent("test.deb").path
        let built = try Shell.run(["/usr/bin/dpkg-deb", "--root-owner-group", "-b", pkg.path, deb])
        try #require(built.status == 0, "\(built.stderr)")
        _ = try Shell.run(["/bin/chmod", "644", deb])
        let script = "stat -c '%u:%g' /etc/passwd /usr/bin /var/lib/dpkg; echo x > /etc/devbox-fuse-written && cat /etc/devbox-fuse-written; "
            + "dpkg -i \(deb) >/dev/null && dpkg-query -W -f '${Status}\\n' devbox-fuse-test && cat /usr/share/devbox-fuse-test/marker"
        let r = try s.devbox(["run", "--rm", "--storage-driver", "fuse", "--", "/bin/sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "0:0\n0:0\n0:0\nx\ninstall ok installed\ninstalled\n", "\(r.out)")
        // The host saw none of it.
        #expect(!FileManager.default.fileExists(atPath: "/etc/devbox-fuse-written"))
        #expect(!FileManager.default.fileExists(atPath: "/usr/share/devbox-fuse-test"))
        #expect(!((try? String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)) ?? "").contains("devbox-fuse-test"))
    }

    /// The daemon works in the host's mount namespace, where a layer's
    /// symlink to a host path would lead out if it were followed there.
    /// Links an earlier run planted (absolute, relative, to a directory and
    /// to a file) and every kind of change through them: the kernel follows
    /// them inside the container; the daemon never does.
    @Test("links planted in the persistent layer aim at the host; writes through them under FUSE stay inside", arguments: Runner.all)
    func plantedLinksStayInside(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeProjectEnvironments() }
        let host = try WatchedHostDirectory(in: s)
        FileManager.default.createFile(atPath: host.path + "/target", contents: Data("host\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: host.path + "/target") }
        _ = try s.devbox(["load", "-i", try fixture("layout", "fuseplant:1", in: s)])
        let depth = String(repeating: "../", count: 8)
        let plant = "ln -s \(host.path) /evil && ln -s \(depth)\(host.path.dropFirst()) /rel && ln -s \(host.path)/target /file "
            + "&& mkdir -p /d && ln -s \(host.path) /d/link && rm -rf /a && ln -s \(host.path) /a"
        let planted = try s.devbox(["run", "--storage-driver", "fuse", "fuseplant:1", "--", "/bin/sh", "-c", plant])
        #expect(planted.status == 0, "\(planted.stderr)")
        #expect(try s.devbox(["down"]).status == 0)
        let attack = "for p in /evil /rel /d/link /a; do echo x > $p/f; mkdir $p/sub; touch $p/t; mv /f $p/ ; ln /d/x $p/hl; "
            + "chmod 777 $p; done; echo y >> /file; chmod 777 /file; rm -rf /evil/* /rel/*; busybox readlink /evil; busybox readlink /a"
        let r = try s.devbox(["run", "--storage-driver", "fuse", "fuseplant:1", "--", "/bin/sh", "-c", attack])
        #expect(r.out == "\(host.path)\n\(host.path)\n", "the links are the container's: \(r.out) \(r.stderr)")
        #expect(host.entries == ["target"], "nothing created on the host: \(host.entries)")
        #expect((try? String(contentsOfFile: host.path + "/target", encoding: .utf8)) == "host\n", "the host's file is unchanged")
        let mode = (try FileManager.default.attributesOfItem(atPath: host.path)[.posixPermissions] as? Int) ?? 0
        #expect(mode != 0o777, "the host directory's mode is unchanged")
    }

    /// Debian's archive answers (the one network CI has).
    static let archiveReachable: Bool = {
        (try? Shell.run(["/usr/bin/curl", "-sf", "-o", "/dev/null", "--max-time", "5", "http://deb.debian.org/debian/dists/bookworm/Release"]))?.status == 0
    }()

    @Test("the host image under FUSE: apt-get installs a package from Debian's archive, rootless too",
          .enabled(if: archiveReachable, "deb.debian.org is not reachable"), arguments: Runner.all)
    func hostImageAptGet(runner: Runner) throws {
        let s = try Scratch(runner)
        // The host's package lists when it has them, else fetched (into the
        // run's layer, like everything apt writes).
        let script = "apt-get install -y --no-install-recommends sl >/tmp/apt.log 2>&1 "
            + "|| { apt-get update >/tmp/apt.log 2>&1 && apt-get install -y --no-install-recommends sl >/tmp/apt.log 2>&1; } "
            + "|| { cat /tmp/apt.log >&2; exit 1; }; grep '^E:' /tmp/apt.log >&2; dpkg-query -W -f '${Status}\\n' sl; test -x /usr/games/sl && echo runs"
        let r = try s.devbox(["run", "--rm", "--storage-driver", "fuse", "--", "/bin/sh", "-c", script])
        #expect(r.status == 0 && r.out == "install ok installed\nruns\n", "\(r.out) \(r.stderr)")
        #expect(!r.stderr.contains("E:"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/usr/games/sl"), "the host is untouched")
    }

    @Test("parallel writers, fsync, O_TMPFILE and user xattrs through the FUSE overlay", arguments: Runner.all)
    func fileOperations(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = """
            import os, threading, hashlib
            base = "/var/cache/devbox-fuse-ops"
            os.makedirs(base, exist_ok=True)
            def worker(n):
                for i in range(60):
                    path = f"{base}/w{n}-{i}"
                    with open(path, "wb") as f:
                        f.write(bytes([n]) * (4096 * (i % 7 + 1)))
                        f.flush(); os.fsync(f.fileno())
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
            [t.start() for t in threads]; [t.join() for t in threads]
            bad = [p for p in os.listdir(base) if open(f"{base}/{p}", "rb").read() != bytes([int(p[1:].split("-")[0])]) * (4096 * (int(p.split("-")[1]) % 7 + 1))]
            print(len(os.listdir(base)), "files", len(bad), "bad")
            # O_TMPFILE (see tmpfileLinkedAndNot); before Linux 6.1 the kernel
            # answers EOPNOTSUPP, which programs fall back from.
            try:
                fd = os.open(base, os.O_TMPFILE | os.O_WRONLY, 0o600)
                os.write(fd, b"tmp"); os.fsync(fd); os.close(fd)
            except OSError as e:
                assert e.errno == 95, e
            print("tmpfile", len(os.listdir(base)))
            os.setxattr(f"{base}/w0-0", "user.devbox", b"value")
            print(os.getxattr(f"{base}/w0-0", "user.devbox").decode(), [a for a in os.listxattr(f"{base}/w0-0") if "overlay" in a])
            os.rename(f"{base}/w0-0", f"{base}/renamed")
            print(os.getxattr(f"{base}/renamed", "user.devbox").decode())
            # A file of the host's replaced (apt's way) or removed while open: its close succeeds.
            for victim in ("/etc/debian_version", "/etc/issue"):
                fd = os.open(victim, os.O_RDONLY)
                if victim.endswith("version"):
                    with open(victim + ".new", "w") as f: f.write("new\\n")
                    os.rename(victim + ".new", victim)
                else:
                    os.unlink(victim)
                os.close(fd)
            print(open("/etc/debian_version").read().strip(), os.path.exists("/etc/issue"))
            """
        let r = try s.devbox(["run", "--rm", "--storage-driver", "fuse", "--", "python3", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "480 files 0 bad\ntmpfile 480\nvalue []\nvalue\nnew False\n", "\(r.out)")
    }

    /// The FUSE driver sees no opens (it answers OPEN with ENOSYS, so the
    /// kernel sends no OPEN or RELEASE): copy-up happens at the first write,
    /// truncation on open comes as a setattr, and data goes through the
    /// node's fd. Every open-file behaviour must still match kernel overlay's.
    @Test("open files without handles under FUSE: writes after unlink, readers after copy-up, O_TRUNC, O_APPEND, mmap, many files",
          arguments: Runner.all)
    func openFilesMatchKernelOverlay(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = """
            import os, mmap
            L = "/usr/share/common-licenses/"
            # Opened read-write, unlinked, then written: the write lands in a nameless copy.
            fd = os.open(L + "GPL-2", os.O_RDWR)
            os.unlink(L + "GPL-2")
            os.pwrite(fd, b"WRITTEN", 0)
            os.fchmod(fd, 0o600)
            print("unlinked", os.pread(fd, 7, 0), oct(os.fstat(fd).st_mode & 0o777), os.path.exists(L + "GPL-2"))
            with open(L + "GPL-2", "w") as f: f.write("new file\\n")
            print("same name", os.pread(fd, 7, 0), open(L + "GPL-2").read().strip())
            os.close(fd)
            # A reader from before the copy-up reads what a writer wrote after it.
            r = os.open(L + "GPL-3", os.O_RDONLY)
            head = os.pread(r, 9, 0)
            w = os.open(L + "GPL-3", os.O_WRONLY)
            os.pwrite(w, b"REPLACED!", 0); os.close(w)
            print("reader", head != b"REPLACED!", os.pread(r, 9, 0))
            os.close(r)
            # O_TRUNC of a lower file; ftruncate through a read-write fd.
            with open(L + "Apache-2.0", "w") as f: f.write("t")
            fd = os.open(L + "MPL-2.0", os.O_RDWR); os.ftruncate(fd, 3); os.close(fd)
            print("truncated", os.path.getsize(L + "Apache-2.0"), open(L + "Apache-2.0").read(), os.path.getsize(L + "MPL-2.0"))
            # Two appenders take turns.
            a = os.open(L + "BSD", os.O_WRONLY | os.O_APPEND); b = os.open(L + "BSD", os.O_WRONLY | os.O_APPEND)
            size = os.path.getsize(L + "BSD")
            for i in range(6): os.write(a if i % 2 else b, b"%d\\n" % i)
            os.close(a); os.close(b)
            with open(L + "BSD", "rb") as f: f.seek(size); print("append", f.read().split())
            # A shared writable mapping of a lower file.
            fd = os.open(L + "LGPL-2.1", os.O_RDWR)
            m = mmap.mmap(fd, 4096); m[0:6] = b"MAPPED"; m.flush(); m.close(); os.close(fd)
            print("mmap", open(L + "LGPL-2.1", "rb").read(6))
            # More files than the driver keeps fds for, written then read back.
            os.makedirs("/var/tmp/many", exist_ok=True)
            for i in range(5000):
                with open("/var/tmp/many/%d" % i, "w") as f: f.write(str(i))
            bad = [i for i in range(5000) if open("/var/tmp/many/%d" % i).read() != str(i)]
            print("many", len(os.listdir("/var/tmp/many")), len(bad))
            """
        let expected = """
            unlinked b'WRITTEN' 0o600 False
            same name b'WRITTEN' new file
            reader True b'REPLACED!'
            truncated 1 t 3
            append [b'0', b'1', b'2', b'3', b'4', b'5']
            mmap b'MAPPED'
            many 5000 0

            """
        // The lower layer here is the host itself: every write must have gone
        // to the container's upper copy.
        let touched = ["GPL-2", "GPL-3", "Apache-2.0", "MPL-2.0", "BSD", "LGPL-2.1"].map { "/usr/share/common-licenses/" + $0 }
        let before = touched.map { FileManager.default.contents(atPath: $0) }
        // Rootless, kernel overlay shows the host's files as nobody's (read-only
        // to the container); the FUSE driver shows them as the container root's.
        for driver in runner.uid == 0 ? ["fuse", "overlay"] : ["fuse"] {
            let r = try s.devbox(["run", "--rm", "--storage-driver", driver, "--", "python3", "-c", script])
            #expect(r.status == 0, "\(driver): \(r.stderr)")
            #expect(r.out == expected, "\(driver): \(r.out)")
        }
        #expect(touched.map { FileManager.default.contents(atPath: $0) } == before, "the host's files are untouched")
        #expect(before.allSatisfy { $0 != nil })
    }

    /// Linux 6.1 sends O_TMPFILE to FUSE servers (FUSE_TMPFILE).
    static var kernelHasFuseTmpfile: Bool {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let parts = release.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        return parts.count == 2 && (parts[0], parts[1]) >= (6, 1)
    }

    @Test("O_TMPFILE under FUSE: nameless files linked by linkat or gone, O_EXCL ones unlinkable, linked ones kept for both drivers",
          arguments: Runner.all)
    func tmpfileLinkedAndNot(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeProjectEnvironments() }
        let script = """
            import os, ctypes, errno, sys
            libc = ctypes.CDLL(None, use_errno=True)
            def link(fd, dst):
                ok = libc.linkat(-100, f"/proc/self/fd/{fd}".encode(), -100, dst.encode(), 0x400) == 0
                return "ok" if ok else errno.errorcode[ctypes.get_errno()]
            os.makedirs("/opt/devbox-tmpfile", exist_ok=True)
            for d in ("/usr/share/doc", "/opt/devbox-tmpfile"):
                before = sorted(os.listdir(d))
                try:
                    fd = os.open(d, os.O_TMPFILE | os.O_RDWR, 0o640)
                except OSError as e:
                    print("unsupported", errno.errorcode[e.errno]); sys.exit(0)
                st = os.fstat(fd)
                os.write(fd, b"nameless\\n")
                print(d, st.st_nlink, oct(st.st_mode & 0o7777), st.st_uid, sorted(os.listdir(d)) == before)
                print(link(fd, d + "/kept"), open(d + "/kept").read().strip(), os.fstat(fd).st_nlink, oct(os.stat(d + "/kept").st_mode & 0o777))
                excl = os.open(d, os.O_TMPFILE | os.O_WRONLY | os.O_EXCL, 0o600)
                print("excl", link(excl, d + "/excl"))
                gone = os.open(d, os.O_TMPFILE | os.O_WRONLY, 0o600)
                os.write(gone, b"x" * 100000); os.close(gone); os.close(excl); os.close(fd)
                print(sorted(set(os.listdir(d)) - set(before)))
            try:
                os.open("/opt/devbox-tmpfile", os.O_TMPFILE | os.O_RDONLY)
            except OSError as e:
                print("read-only", errno.errorcode[e.errno])
            """
        let r = try s.devbox(["run", "--storage-driver", "fuse", "--", "python3", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        guard Self.kernelHasFuseTmpfile else {
            #expect(r.out == "unsupported EOPNOTSUPP\n", "\(r.out)")
            return
        }
        var expected = ""
        for dir in ["/usr/share/doc", "/opt/devbox-tmpfile"] {
            expected += "\(dir) 0 0o640 0 True\nok nameless 1 0o640\nexcl ENOENT\n['kept']\n"
        }
        #expect(r.out == expected + "read-only EINVAL\n", "\(r.out)")
        // The linked file is an ordinary file of the project's layer, as
        // kernel overlay writes one: both drivers read it in the next run.
        for driver in ["fuse", "overlay"] {
            let again = try s.devbox(["run", "--storage-driver", driver, "--", "sh", "-c",
                                      "cat /usr/share/doc/kept /opt/devbox-tmpfile/kept; ls -A /opt/devbox-tmpfile"])
            #expect(again.out == "nameless\nnameless\nkept\n", "\(driver): \(again.out) \(again.stderr)")
        }
    }

    @Test("kill -9 of devbox leaves no FUSE daemon behind", arguments: Runner.all)
    func killLeavesNoDaemon(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        _ = try s.devbox(["load", "-i", try fixture("layout", "fusekill:1", in: s)])
        let ready = s.project.appendingPathComponent("ready").path
        let running = try Shell.start(s.command(["run", "--rm", "--storage-driver", "fuse", "fusekill:1", "--", "/bin/sh", "-c",
                                                 "echo > \(ready); sleep 60"]), cwd: s.project)
        try waitFor(seconds: 20) { FileManager.default.fileExists(atPath: ready) }
        let data = s.data.path
        // The daemon is the process holding this data dir's layers open.
        func daemons() -> [String] {
            let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return pids.filter { pid in
                guard Int(pid) != nil, (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "devbox-fuse\n" else { return false }
                let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
                return fds.contains { ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "").hasPrefix(data) }
            }
        }
        #expect(!daemons().isEmpty, "a daemon serves the run")
        kill(running.pid, SIGKILL)
        _ = try? Shell.finish(running, timeout: 20)
        try waitFor(seconds: 20) { daemons().isEmpty }
    }
}
