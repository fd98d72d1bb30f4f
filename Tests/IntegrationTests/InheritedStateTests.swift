import Foundation
import Testing

/// What one run, or devbox's caller, leaves that could reach later runs or
/// the container: open file descriptors, the shared user namespace, the
/// cached copy of the host's directory tree.
@Suite("what is inherited: fds, shared namespaces, the host skeleton")
struct InheritedStateTests {
    /// Runs the runner's devbox with fds 5 (a directory outside the
    /// project), 7 (a file there, for writing) and 9 (a pipe) open, as a
    /// careless caller, an IDE or a test harness would.
    func runWithOpenFDs(_ s: Scratch, _ args: [String]) throws -> Shell.Result {
        let outside = s.root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "secret\n".write(to: outside.appendingPathComponent("secret"), atomically: false, encoding: .utf8)
        let script = "exec 5<\"$1\" 7>>\"$1/secret\" 9< <(sleep 30); shift; exec \"$@\""
        return try Shell.run(["/bin/bash", "-c", script, "bash", outside.path] + s.command(args), cwd: s.project)
    }

    @Test("fds the caller left open do not reach the command, under every profile", arguments: Runner.all, ["default", "strict", "unconfined"])
    func inheritedFDsClosed(runner: Runner, profile: String) throws {
        let s = try Scratch(runner)
        for mode in [[], ["-t"]] {
            let r = try runWithOpenFDs(s, ["run", "--rm", "--profile", profile] + mode + ["--", "sh", "-c",
                "ls /proc/self/fd | tr '\\n' ' '; cat /proc/self/fd/5/secret 2>/dev/null && echo LEAK; { echo x >&7; } 2>/dev/null && echo LEAK; echo"])
            #expect(r.status == 0, "\(profile) \(mode): \(r.stderr)")
            // ls's own directory fd is 3.
            #expect(r.out.replacingOccurrences(of: "\r", with: "") == "0 1 2 3 \n", "\(profile) \(mode): \(r.out)")
        }
        let secret = try String(contentsOf: s.root.appendingPathComponent("outside/secret"), encoding: .utf8)
        #expect(secret == "secret\n", "nothing was written through an inherited fd")
    }

    @Test("--preserve-fds N passes fds 3..N+2 and nothing else", arguments: Runner.all)
    func preservedFDs(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("three", "three\n")
        // 3 and 4 are the caller's; --preserve-fds 4 names two more slots the
        // caller left empty, which devbox's own fds must not fill.
        let script = "exec 3<three 4>>four 8<three; exec \"$@\""
        let inside = "ls /proc/self/fd | tr '\\n' ' '; echo; cat <&3; echo written >&4"
        let r = try Shell.run(["/bin/bash", "-c", script, "bash"] + s.command(["run", "--rm", "--preserve-fds", "4", "--", "sh", "-c", inside]),
                              cwd: s.project)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "0 1 2 3 4 5 \nthree\n", "fds 3 and 4 pass (5 is ls's own), 8 does not: \(r.out)")
        let four = try String(contentsOf: s.project.appendingPathComponent("four"), encoding: .utf8)
        #expect(four == "written\n")
    }

    @Test("a strict run does not take nested user namespaces away from later runs", arguments: Runner.all)
    func nestedUserNamespacesPerRun(runner: Runner) throws {
        let s = try Scratch(runner)
        let before = try s.devbox(["run", "--rm", "--", "sh", "-c", "cat /proc/sys/user/max_user_namespaces; unshare -U true && echo nested"])
        #expect(before.status == 0 && before.out.hasSuffix("\nnested\n"), "\(before.stderr)")
        let limit = before.out.split(separator: "\n").first.map(String.init) ?? ""
        #expect((Int(limit) ?? 0) > 0, "\(before.out)")
        let strict = try s.devbox(["run", "--rm", "--profile", "strict", "--", "cat", "/proc/sys/user/max_user_namespaces"])
        #expect(strict.status == 0 && strict.out == "0\n", "strict has none: \(strict.out) \(strict.stderr)")
        for profile in ["default", "build"] {
            let after = try s.devbox(["run", "--rm", "--profile", profile, "--", "sh", "-c", "cat /proc/sys/user/max_user_namespaces; unshare -U true && echo nested"])
            #expect(after.status == 0 && after.out == limit + "\nnested\n", "\(profile) after strict: \(after.out) \(after.stderr)")
        }
    }

    /// Rootless host-image runs lay a copy of the host's directories over
    /// it (HostSkeleton); it must follow the host and stay removable.
    @Test("the host skeleton follows new top-level directories and survives rm -rf", arguments: Runner.all)
    func skeletonFollowsHost(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let first = try s.devbox(["run", "--rm", "--", "true"])
        #expect(first.status == 0, "\(first.stderr)")
        let skeletons = s.data.appendingPathComponent("devbox/hostroot").path
        if getuid() == 0 {
            // A new directory at the host's top level, as an admin makes one.
            let top = TopLevelDirectory.path
            let r = try s.devbox(["run", "--rm", "--", "sh", "-c", "test -d \(top) && touch \(top)/x && echo ok"])
            #expect(r.status == 0 && r.out == "ok\n", "after mkdir \(top): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: top + "/x"), "writes stay in the container")
        }
        if runner.uid != 0 {
            // Partly deleted by hand: found incomplete and rebuilt.
            let built = ((try? FileManager.default.contentsOfDirectory(atPath: skeletons)) ?? []).filter { $0.hasPrefix("v2-") && !$0.contains(".") }
            #expect(built.count == 1, "\(built)")
            let rm = try Shell.run(s.asRunner(["/bin/rm", "-rf", skeletons + "/" + (built.first ?? "?") + "/usr"]))
            #expect(rm.status == 0, "\(rm.stderr)")
            let again = try s.devbox(["run", "--rm", "--", "sh", "-c", "touch /usr/share/devbox-it && echo ok"])
            #expect(again.status == 0 && again.out == "ok\n", "after a partial rm: \(again.stderr)")
        }
        // Plain rm -rf as the user removes it all, and the next run builds anew.
        let rmAll = try Shell.run(s.asRunner(["/bin/rm", "-rf", skeletons]))
        #expect(rmAll.status == 0, "rm -rf of the skeleton: \(rmAll.stderr)")
        #expect(!FileManager.default.fileExists(atPath: skeletons))
        let last = try s.devbox(["run", "--rm", "--", "true"])
        #expect(last.status == 0, "\(last.stderr)")
    }
}

extension Scratch {
    /// A command run as the runner (plain, for the test process's own user).
    func asRunner(_ command: [String]) -> [String] {
        guard runner.user != nil else { return command }
        return ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--"] + command
    }
}

/// A new directory at the host's top level, as an admin makes one. It stays
/// until the test process exits: removed while other tests' runs are being
/// planned, it would vanish between their plan and their mounts.
enum TopLevelDirectory {
    static let path: String = {
        let path = "/devbox-it-top-\(UUID().uuidString.prefix(6).lowercased())"
        mkdir(path, 0o755)
        atexit {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "/")) ?? [] where name.hasPrefix("devbox-it-top-") {
                rmdir("/" + name)
            }
        }
        return path
    }()
}
