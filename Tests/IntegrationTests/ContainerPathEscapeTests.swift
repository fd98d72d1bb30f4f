import Foundation
import Testing

/// The paths issue 10 added for a container: named and anonymous volumes,
/// --tmpfs, --mount, --dns and --add-host files, a named container's own
/// writable layer, exec's working directory. Each against an image (or a
/// layer) whose directories are symlinks towards the host: setup must land
/// inside the root or refuse, and nothing may appear on the host.
@Suite("container paths stay inside the root")
struct ContainerPathEscapeTests {
    @Test("volumes, --tmpfs, --mount, --dns and --add-host through an image's symlinks land inside",
          arguments: Runner.all, ["mnt", "chain", "etc-absolute", "etc-relative", "files"])
    func mountsThroughSymlinks(runner: Runner, kind: String) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage(kind, aimingAt: host.path, in: s)
        let name = "esc-\(UUID().uuidString.prefix(6).lowercased())"
        let flags = ["-v", "vol-\(name):/mnt/v", "-v", "/mnt/anon", "--tmpfs", "/mnt/t", "--mount", "type=tmpfs,dst=/mnt/m",
                     "--dns", "9.9.9.9", "--add-host", "esc.example:10.1.2.3"]
        let check = "test -d /mnt/v && test -d /mnt/anon && test -d /mnt/t && test -d /mnt/m && /bin/busybox grep -q 9.9.9.9 /etc/resolv.conf && /bin/busybox grep -q 10.1.2.3 /etc/hosts && echo inside"
        // A named container in the foreground, then one in the background joined by exec.
        let foreground = try s.devbox(["run", "--name", name] + flags + [image, "--", "sh", "-c", check])
        #expect(foreground.status == 0 && foreground.out == "inside\n", "\(kind): \(foreground.out) \(foreground.stderr)")
        let detached = try s.devbox(["run", "-d", "--name", name + "-d"] + flags + [image, "--", "/bin/busybox", "sleep", "60"])
        #expect(detached.status == 0, "\(kind): \(detached.stderr)")
        // -w follows the image's links inside the container, to the tmpfs.
        let joined = try s.devbox(["exec", "-w", "/mnt/t", name + "-d", "sh", "-c", check + "; /bin/busybox stat -f -c %T ."])
        #expect(joined.status == 0 && joined.out == "inside\ntmpfs\n", "\(kind): \(joined.out) \(joined.stderr)")
        _ = try s.devbox(["rm", "-f", name, name + "-d"])
        _ = try s.devbox(["volume", "rm", "-f", "vol-\(name)"])
        #expect(host.entries.isEmpty, "\(kind): created on the host: \(host.entries)")
    }

    @Test("'..' in --tmpfs and --mount destinations cannot leave the root", arguments: Runner.all,
          [["--tmpfs", "/../oldroot/HOST/x"], ["--mount", "type=tmpfs,dst=/a/../../oldroot/HOST/y"],
           ["--mount", "type=volume,src=escv,dst=/.."], ["--mount", "type=bind,src=PROJECT,dst=/mnt/../.."], ["--tmpfs", "relative"]])
    func dotDot(runner: Runner, flags: [String]) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let args = flags.map { $0.replacingOccurrences(of: "/HOST", with: host.path).replacingOccurrences(of: "PROJECT", with: s.project.path) }
        // The shared data dir holds other tests' containers, and a name
        // filter matches substrings: the tag is this test's alone.
        let tag = "dotdot\(UUID().uuidString.prefix(8).lowercased())"
        for mode in [["run", "--rm"], ["create", "--name", tag]] {
            let r = try s.devbox(mode + args + ["--", "true"])
            #expect(r.status == 125, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        #expect(try s.devbox(["ps", "-a", "-q", "--filter", "name=\(tag)"]).out.isEmpty, "nothing was created")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }

    @Test("a symlink planted in a named container's own layer is followed inside on its next start", arguments: Runner.all)
    func plantedInContainerLayer(runner: Runner) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage("files", aimingAt: "/nowhere", in: s)
        let name = "plant-\(UUID().uuidString.prefix(6).lowercased())"
        let created = try s.devbox(["create", "--name", name, "--hostname", "boxy", "-v", s.project.path + ":/mnt/a/b", image,
                                    "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/a/b/.git && echo bound"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? s.devbox(["rm", "-f", name]) }
        let first = try s.devbox(["start", "-a", name])
        #expect(first.status == 0 && first.out == "boxy\nbound\n", "\(first.stderr)")
        // What an earlier start could have left in the layer: /mnt and /etc
        // replaced by links to the host as setup sees it.
        let upper = s.data.path + "/devbox/containers/" + id + "/upper/root"
        #expect(FileManager.default.fileExists(atPath: upper), "the image root's upper layer is at \(upper)")
        for (entry, target) in [("mnt", "/oldroot" + host.path + "/mnt"), ("etc", "../oldroot" + host.path + "/etc")] {
            _ = try Shell.run(["/bin/rm", "-rf", upper + "/" + entry])
            #expect(symlink(target, upper + "/" + entry) == 0)
            if runner.user != nil { lchown(upper + "/" + entry, runner.uid, runner.gid) }
        }
        let second = try s.devbox(["start", "-a", name])
        #expect(second.status == 0 && second.out == "boxy\nbound\n", "\(second.out) \(second.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }
}
