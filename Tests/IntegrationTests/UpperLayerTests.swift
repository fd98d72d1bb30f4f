import Foundation
import Testing

/// Where a run's writable layer lives and what works through it: removing,
/// recreating and renaming lower directories (EIO on Linux < 6.6 with a
/// tmpfs upper), one st_dev for the whole root, and the on-disk `--rm`
/// layer used where tmpfs cannot hold overlayfs's xattrs.
@Suite("upper layers: rm -rf, recreate, rename; st_dev; --rm layers on disk")
struct UpperLayerTests {
    enum Root: String, CaseIterable, CustomStringConvertible {
        case host, image
        var description: String { rawValue }
    }

    /// (`--rm`?, which root)
    static let cases: [(Bool, Root)] = [(true, .host), (true, .image), (false, .host), (false, .image)]

    /// $1 removed and recreated, $2 a lower file replaced by a directory,
    /// $3 renamed (holding $4): what `rm -rf X && mkdir X` and `mv` do.
    static let operations = """
        set -e
        rm -rf "$1"; mkdir "$1"; touch "$1/new"; test "$(ls -A "$1")" = new
        rm "$2"; mkdir "$2"
        mv "$3" "$3.moved"; test -e "$3.moved/$4"; test ! -e "$3"
        echo done
        """

    /// Per root: the operations' arguments, and a lower directory with a file.
    static func paths(_ root: Root) -> (ops: [String], directory: String, file: String) {
        switch root {
        case .host: return (["/usr/share/doc/apt", "/etc/debian_version", "/usr/share/doc/bash", "copyright"], "/usr/bin", "ls")
        case .image: return (["/data/d", "/data/x", "/data/r", "f"], "/data/k", "f")
        }
    }

    /// A one-layer image with busybox and a /data tree of 64 KB files.
    static func importImage(_ s: Scratch) throws -> String {
        let tree = s.root.appendingPathComponent("upper-tree")
        let fm = FileManager.default
        for dir in ["bin", "etc", "tmp", "data/d/sub", "data/r", "data/k"] {
            try fm.createDirectory(at: tree.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: "/bin/busybox", toPath: tree.appendingPathComponent("bin/busybox").path)
        for applet in ["sh", "ls", "rm", "mkdir", "mv", "touch", "test", "stat", "du", "cut", "echo", "chown", "chmod", "cat"] {
            try fm.createSymbolicLink(atPath: tree.appendingPathComponent("bin/" + applet).path, withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\n".write(to: tree.appendingPathComponent("etc/passwd"), atomically: false, encoding: .utf8)
        try "root:x:0:\n".write(to: tree.appendingPathComponent("etc/group"), atomically: false, encoding: .utf8)
        let block = Data(repeating: 0x61, count: 65536)
        for file in ["data/d/f", "data/d/sub/g", "data/r/f", "data/k/f", "data/k/g", "data/x"] {
            try block.write(to: tree.appendingPathComponent(file))
        }
        let tarball = s.root.appendingPathComponent("upper-rootfs.tar").path
        #expect(try Shell.run(["/bin/tar", "-C", tree.path, "-cf", tarball, "."]).status == 0)
        _ = try Shell.run(["/bin/chmod", "a+r", tarball])
        // A tag of this test's own: an import is a new image each time, and a
        // parallel case re-importing a shared tag would move it under this
        // one's project environment (whose layer is per image).
        let name = "upper-test-" + String(UUID().uuidString.prefix(8)).lowercased() + ":1"
        let r = try s.devbox(["import", tarball, name])
        #expect(r.status == 0, "\(r.stderr)")
        return name
    }

    static func image(_ root: Root, _ s: Scratch) throws -> [String] {
        root == .image ? [try importImage(s)] : []
    }

    @Test("rm -rf, recreate, mkdir over a file and mv of lower directories work, --rm and persistent",
          arguments: Runner.all, cases)
    func operations(runner: Runner, testCase: (Bool, Root)) throws {
        let (remove, root) = testCase
        let s = try Scratch(runner)
        let image = try Self.image(root, s)
        let p = Self.paths(root)
        let r = try s.devbox(["run"] + (remove ? ["--rm"] : []) + image + ["--", "sh", "-c", Self.operations, "sh"] + p.ops)
        #expect(r.status == 0 && r.out == "done\n", "\(r.out)\(r.stderr)")
        // Persistent: the next run sees the result; --rm: the lower is back.
        let after = try s.devbox(["run", "--rm"] + image + ["--", "sh", "-c", "ls -A \"$1\" | head -1; test -e \"$3\" && echo renamed-back", "sh"] + p.ops)
        if remove {
            #expect(after.out.hasSuffix("renamed-back\n") && !after.out.hasPrefix("new\n"), "\(after.out)\(after.stderr)")
        }
        if !remove {
            let kept = try s.devbox(["run"] + image + ["--", "sh", "-c", "ls -A \"$1\"; test -d \"$2\" && test -e \"$3.moved/$4\" && echo kept", "sh"] + p.ops)
            #expect(kept.out == "new\nkept\n", "\(kept.out)\(kept.stderr)")
        }
    }

    // A --rm layer in memory makes an empty host directory a directory of
    // the run's root tmpfs (no overlay, no mount): it must look and behave as
    // the overlay would, which a persistent run still uses.
    @Test("an empty host directory is empty, writable and shows the host's mode, --rm and persistent; writes stay inside",
          arguments: Runner.all)
    func emptyHostDirectory(runner: Runner) throws {
        // One name, made once and left in place: removing it while other
        // tests run would pull a host directory from under a run that has
        // just listed / (its overlay's lower would be gone).
        let dir = "/devbox-test-empty"
        #expect((mkdir(dir, 0o700) == 0 || errno == EEXIST) && chmod(dir, 0o1775) == 0)
        let s = try Scratch(runner)
        let script = "stat -c '%a %U' \"$1\"; ls -A \"$1\"; touch \"$1/probe\" && ls -A \"$1\""
        for remove in [true, false] {
            let r = try s.devbox(["run"] + (remove ? ["--rm"] : []) + ["--", "sh", "-c", script, "sh", dir])
            #expect(r.status == 0 && r.out == "1775 root\nprobe\n", "--rm \(remove): \(r.out)\(r.stderr)")
        }
        let again = try s.devbox(["run", "--rm", "--", "ls", "-A", dir])
        #expect(again.status == 0 && again.out.isEmpty, "\(again.out)\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "the host's directory stays empty")
    }

    // The host image's /tmp, /run and home are directories of the run's own
    // root tmpfs, not mounts: the same modes, owners and writability a tmpfs
    // gave them, nothing left on the host, and under --read-only /tmp still
    // takes writes while the rest refuses them.
    @Test("/tmp, /run and the home are the run's own: modes, owners, writable; --read-only keeps only /tmp writable",
          arguments: Runner.all)
    func systemDirectories(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = "stat -c '%n %a %u' /tmp /run; touch /tmp/t /run/r \"$HOME/h\" && echo wrote; "
            + "grep -c ' /tmp \\| /run ' /proc/self/mountinfo || true"
        for remove in [true, false] {
            let r = try s.devbox(["run"] + (remove ? ["--rm"] : []) + ["--", "sh", "-c", script])
            #expect(r.status == 0 && r.out == "/tmp 1777 0\n/run 755 0\nwrote\n0\n", "--rm \(remove): \(r.out)\(r.stderr)")
        }
        let home = try s.devbox(["run", "--rm", "--", "sh", "-c", "stat -c '%n %a %u' \"$HOME\"; ls -A \"$HOME\""])
        #expect(home.status == 0 && home.out == "\(runner.home) 700 0\n", "an empty home of the run's own: \(home.out)\(home.stderr)")
        let keep = try s.devbox(["run", "--rm", "--userns", "keep-id", "--", "sh", "-c", "stat -c '%a %u' \"$HOME\"; touch \"$HOME/x\" /tmp/x && echo ok"])
        #expect(keep.status == 0 && keep.out == "700 \(runner.uid)\nok\n", "\(keep.out)\(keep.stderr)")
        let ro = try s.devbox(["run", "--rm", "--read-only", "--", "sh", "-c",
                               "touch /tmp/x && echo tmp; touch /run/x 2>/dev/null || echo run-ro; touch \"$HOME/x\" 2>/dev/null || echo home-ro"])
        #expect(ro.status == 0 && ro.out == "tmp\nrun-ro\nhome-ro\n", "\(ro.out)\(ro.stderr)")
    }

    @Test("under --rm a lower file and its directory have the same st_dev, so du -sx counts the files",
          arguments: Runner.all, Root.allCases)
    func oneDevice(runner: Runner, root: Root) throws {
        let s = try Scratch(runner)
        let image = try Self.image(root, s)
        let p = Self.paths(root)
        let script = "stat -c %d \"$1\" \"$1/$2\"; du -sx \"$1\" | cut -f1; du -s \"$1\" | cut -f1"
        let r = try s.devbox(["run", "--rm"] + image + ["--", "sh", "-c", script, "sh", p.directory, p.file])
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(r.status == 0 && lines.count == 4, "\(r.out)\(r.stderr)")
        guard lines.count == 4 else { return }
        #expect(lines[0] == lines[1], "directory and file devices: \(lines[0]) \(lines[1])")
        #expect(lines[2] == lines[3], "du -sx \(lines[2]) KB, du -s \(lines[3]) KB")
        if root == .image { #expect((Int(lines[2]) ?? 0) >= 128, "the 2 files of 64 KB are counted: \(lines[2])") }
    }

    @Test("--rm probes tmpfs once per boot and caches the answer in the runtime directory", arguments: Runner.all)
    func probeCache(runner: Runner) throws {
        let s = try Scratch(runner)
        #expect(try s.devbox(["run", "--rm", "--", "true"]).status == 0)
        let bootID = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let cache = s.runtime.appendingPathComponent("devbox/tmpfs-layers-" + bootID).path
        let answer = try String(contentsOfFile: cache, encoding: .utf8)
        // tmpfs takes user.* xattrs since Linux 6.6.
        var uts = utsname()
        uname(&uts)
        let release = withUnsafeBytes(of: uts.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let version = release.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        let expected = version.count == 2 && (version[0], version[1]) >= (6, 6) ? "ok\n" : "no\n"
        #expect(answer == expected, "kernel \(release)")
    }

    @Test("where tmpfs cannot hold it, --rm keeps its layer on the store's filesystem, removes it, and reclaims dead runs' only",
          arguments: Runner.all, Root.allCases)
    func layerOnDisk(runner: Runner, root: Root) throws {
        let s = try Scratch(runner, isolated: true)
        let image = try Self.image(root, s)
        try Self.forceLayersOnDisk(s)
        let scratch = s.data.appendingPathComponent("devbox/scratch")
        let dead = scratch.appendingPathComponent("4000000/upper/etc")
        let live = scratch.appendingPathComponent("live")
        for dir in [dead, live] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        _ = try Shell.run(["/bin/chown", "-R", "\(runner.uid):\(runner.gid)", s.data.path])
        // A live run's directory: locked, as a running devbox holds it.
        let fd = open(live.path, O_RDONLY | O_DIRECTORY)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        defer { close(fd) }

        let p = Self.paths(root)
        // Files of another id in the layer: rootless with a range, only the
        // held user namespace can remove them.
        let chown = root == .image ? "mkdir /data/own && touch /data/own/f && chown -R 1000:1000 /data/own && chmod 755 /data/own; " : ""
        let r = try s.devbox(["run", "--rm"] + image + ["--", "sh", "-c", chown + Self.operations, "sh"] + p.ops)
        #expect(r.status == 0 && r.out == "done\n", "\(r.out)\(r.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(left == ["live"], "the dead run's and this run's layers are gone, the live one stays: \(left)")
        let devices = try s.devbox(["run", "--rm"] + image + ["--", "stat", "-c", "%d", p.directory, p.directory + "/" + p.file])
        let lines = devices.out.split(separator: "\n")
        #expect(lines.count == 2 && lines.first == lines.last, "\(devices.out)\(devices.stderr)")
    }

    /// Says tmpfs cannot hold layers, as the per-boot cache does on Linux < 6.6.
    static func forceLayersOnDisk(_ s: Scratch) throws {
        let bootID = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let runtime = s.runtime.appendingPathComponent("devbox")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
        try "no\n".write(to: runtime.appendingPathComponent("tmpfs-layers-" + bootID), atomically: false, encoding: .utf8)
        _ = try Shell.run(["/bin/chown", "-R", "\(s.runner.uid):\(s.runner.gid)", runtime.path])
    }

    @Test("a running --rm run's layer on disk survives other runs; once it is killed, the next run removes it",
          arguments: Runner.all)
    func killedRun(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        try Self.forceLayersOnDisk(s)
        let scratch = s.data.appendingPathComponent("devbox/scratch").path
        let running = try Shell.start(s.command(["run", "--rm", "--", "sh", "-c", "echo x > /etc/marker; exec sleep 60"]), cwd: s.project)
        defer { if running.process.isRunning { kill(running.pid, SIGKILL) } }
        let deadline = Date().addingTimeInterval(20)
        var layers: [String] = []
        while layers.isEmpty && Date() < deadline {
            layers = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
            if layers.isEmpty { usleep(20_000) }
        }
        #expect(layers == [String(running.pid)], "the live run's layer, named by its pid: \(layers)")

        #expect(try s.devbox(["run", "--rm", "--", "true"]).status == 0)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: scratch)) == layers, "a live run's layer is kept")

        kill(running.pid, SIGKILL)
        running.process.waitUntilExit()
        #expect(try s.devbox(["run", "--rm", "--", "true"]).status == 0)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: scratch)) == [], "the killed run's layer is reclaimed")
    }

    @Test("doctor exits 1 when the store's filesystem cannot hold overlay layers (ramfs: no user xattrs)")
    func doctorFails() throws {
        guard getuid() == 0 else { return }
        let s = try Scratch(Runner.all[0], isolated: true)
        let mnt = s.root.appendingPathComponent("ramfs").path
        try FileManager.default.createDirectory(atPath: mnt, withIntermediateDirectories: true)
        let script = "mount -t ramfs ramfs \"$1\" && mkdir \"$1/store\" && exec \"$2\" doctor --root \"$1/store\""
        let r = try Shell.run(["/usr/bin/unshare", "-m", "/bin/sh", "-c", script, "sh", mnt, Runner.binary])
        #expect(r.status == 1, "\(r.out)\(r.stderr)")
        #expect(r.out.contains("fail overlayfs, persistent layers: rm -rf of a lower directory failed: Input/output error"), "\(r.out)")
    }
}
