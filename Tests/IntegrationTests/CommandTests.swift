import Foundation
import Testing

@Suite("print-spec, doctor and home")
struct CommandTests {
    @Test("--print-spec prints the OCI runtime spec and runs nothing", arguments: Runner.all)
    func printSpec(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--print-spec", "--network", "none", "--", "sh", "-c", "touch ran"])
        #expect(r.status == 0, "\(r.stderr)")
        let spec = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let process = try #require(spec["process"] as? [String: Any])
        #expect(process["args"] as? [String] == ["sh", "-c", "touch ran"])
        #expect(process["cwd"] as? String == s.project.path)
        let linux = try #require(spec["linux"] as? [String: Any])
        let namespaces = (linux["namespaces"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        #expect(namespaces == ["user", "mount", "pid", "uts", "ipc", "network"])
        let mounts = (spec["mounts"] as? [[String: Any]] ?? []).compactMap { $0["destination"] as? String }
        #expect(mounts.contains(s.project.path) && mounts.contains("/proc") && mounts.contains("/usr"))
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
    }

    @Test("doctor reports one line per check and exits 0 where devbox runs", arguments: Runner.all)
    func doctor(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["doctor"])
        #expect(r.status == 0, "\(r.out)\(r.stderr)")
        let lines = r.out.split(separator: "\n")
        #expect(lines.filter { !$0.contains(" storage") }.count == 5, "user namespaces, two overlay checks, subordinate ids, seccomp: \(r.out)")
        // The storage probe's checks, and the driver it found.
        #expect(lines.contains { $0.hasPrefix("ok   storage: renameat2(RENAME_WHITEOUT)") } && lines.contains { $0.hasPrefix("ok   storage driver: overlay") },
                "\(r.out)")
        #expect(lines.first?.hasPrefix("ok   user namespaces") == true)
        #expect(lines.contains { $0.hasPrefix("ok   overlayfs, persistent layers: rm -rf, mkdir and mv") })
        #expect(lines.contains { $0.contains("overlayfs, --rm layers on tmpfs: ") })
        #expect(lines.contains { $0.hasPrefix("ok   /dev/fuse: opens: the fuse storage driver works") }, "\(r.out)")
        #expect(!r.out.contains("cgroup"), "no checks for features devbox lacks")
        #expect(lines.allSatisfy { $0.hasPrefix("ok ") || $0.contains("; fix: ") }, "every problem comes with a fix")
    }

    @Test("the container's home persists per project; --home host binds the real one", arguments: Runner.all)
    func home(runner: Runner) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["run", "--", "sh", "-c", "echo kept > $HOME/.note"])
        #expect(try s.devbox(["run", "--", "cat", "\(runner.home)/.note"]).out == "kept\n")
        #expect(!FileManager.default.fileExists(atPath: runner.home + "/.note"), "the real home is untouched")
        let marker = "devbox-home-\(UUID().uuidString.prefix(6))"
        _ = FileManager.default.createFile(atPath: runner.home + "/" + marker, contents: Data())
        defer { unlink(runner.home + "/" + marker) }
        #expect(try s.devbox(["run", "--home", "host", "--", "test", "-e", "\(runner.home)/\(marker)"]).status == 0)
    }
}
