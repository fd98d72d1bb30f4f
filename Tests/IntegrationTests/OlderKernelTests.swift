import Foundation
import Testing

/// What devbox does where the kernel lacks a call it prefers, simulated with
/// a seccomp filter (Tests/fixtures/enosys.c) around the devbox process.
@Suite("older kernels")
struct OlderKernelTests {
    /// devbox's command line, run under a filter that refuses `calls`.
    static func without(_ calls: [String], _ s: Scratch, _ args: [String]) throws -> [String] {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/enosys.c").path
        let wrapper = s.root.appendingPathComponent("enosys").path
        if !FileManager.default.fileExists(atPath: wrapper) {
            let built = try Shell.run(["/usr/bin/gcc", "-O1", "-o", wrapper, source])
            #expect(built.status == 0, "gcc: \(built.stderr)")
            chmod(wrapper, 0o755)
        }
        return s.command(args).flatMap { $0 == Runner.binary ? [wrapper, calls.joined(separator: ","), $0] : [$0] }
    }

    static let newMountAPI = ["openat2", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "mount_setattr"]

    @Test("without mount_setattr (Linux < 5.12) read-only mounts and their submounts still hold", arguments: Runner.all)
    func readOnlyWithoutMountSetattr(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = """
            touch /ro/new 2>&1; touch /usr/new 2>&1; touch /sys/fs/cgroup/new 2>&1
            touch /tmp/new && echo tmp-writable; touch \(s.project.path)/made && echo project-writable
            """
        let command = try Self.without(["mount_setattr"], s, ["run", "--rm", "--profile", "strict", "-v", "\(s.project.path):/ro:ro",
                                                              "--", "sh", "-c", script])
        let r = try Shell.run(command, cwd: s.project)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.components(separatedBy: "Read-only file system").count - 1 == 3, "\(r.out)")
        #expect(r.out.contains("tmp-writable") && r.out.contains("project-writable"), "\(r.out)")
    }

    @Test("without openat2 and the new mount API (Linux < 5.6, valgrind): the same profile, and an image's links stay inside",
          arguments: Runner.all)
    func withoutOpenat2(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = """
            touch /ro/new 2>&1; touch /usr/new 2>&1; cat /proc/kcore 2>&1 | head -c 0; ls -A /sys/firmware | wc -l
            grep -c ' /dev/shm .*noexec' /proc/self/mounts; touch /tmp/new && echo tmp-writable
            """
        let r = try Shell.run(try Self.without(Self.newMountAPI, s, ["run", "--rm", "--profile", "strict", "-v", "\(s.project.path):/ro:ro",
                                                                    "--", "sh", "-c", script]), cwd: s.project)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.components(separatedBy: "Read-only file system").count - 1 == 2, "\(r.out)")
        #expect(r.out.hasSuffix("0\n1\ntmp-writable\n"), "masked /sys/firmware, noexec /dev/shm: \(r.out)")

        let host = try WatchedHostDirectory(in: s)
        for kind in ["etc-relative", "files", "chain"] {
            let image = try hostileImage(kind, aimingAt: host.path, in: s)
            let run = try Shell.run(try Self.without(Self.newMountAPI, s, ["run", "--rm", "--hostname", "boxy", "-v", s.project.path + ":/mnt/sub",
                                                                          image, "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/sub/.git && echo bound"]),
                                    cwd: s.project)
            #expect(run.status == 0 && run.out == "boxy\nbound\n", "\(kind): \(run.stderr)")
        }
        for kind in ["proc", "loop"] {
            let image = try hostileImage(kind, aimingAt: host.path, in: s)
            let run = try Shell.run(try Self.without(Self.newMountAPI, s, ["run", "--rm", "-v", s.project.path + ":/mnt/sub", image, "--", "true"]),
                                    cwd: s.project)
            #expect(run.status == 125, "\(kind): \(run.stderr)")
        }
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }

    @Test("without close_range (Linux < 5.9) the caller's fds are still closed", arguments: Runner.all)
    func withoutCloseRange(runner: Runner) throws {
        let s = try Scratch(runner)
        let command = try Self.without(["close_range"], s, ["run", "--rm", "--", "sh", "-c", "ls /proc/self/fd | tr '\\n' ' '"])
        let r = try Shell.run(["/bin/bash", "-c", "exec 5</etc 9</etc; exec \"$@\"", "bash"] + command, cwd: s.project)
        #expect(r.status == 0 && r.out == "0 1 2 3 ", "\(r.out) \(r.stderr)")
    }
}
