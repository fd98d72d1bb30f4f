import Foundation
import Testing

/// What devbox does where the kernel lacks a call it prefers, simulated with
/// a seccomp filter (Tests/fixtures/enosys.c) around the devbox process.
@Suite("older kernels")
struct OlderKernelTests {
    @Test("without mount_setattr (Linux < 5.12) read-only mounts and their submounts still hold", arguments: Runner.all)
    func readOnlyWithoutMountSetattr(runner: Runner) throws {
        let s = try Scratch(runner)
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/enosys.c").path
        let wrapper = s.root.appendingPathComponent("enosys").path
        let built = try Shell.run(["/usr/bin/gcc", "-O1", "-o", wrapper, source])
        #expect(built.status == 0, "gcc: \(built.stderr)")
        chmod(wrapper, 0o755)
        let script = """
            touch /ro/new 2>&1; touch /usr/new 2>&1; touch /sys/fs/cgroup/new 2>&1
            touch /tmp/new && echo tmp-writable; touch \(s.project.path)/made && echo project-writable
            """
        let command = s.command(["run", "--rm", "--profile", "strict", "-v", "\(s.project.path):/ro:ro",
                                 "--", "sh", "-c", script])
            .flatMap { $0 == Runner.binary ? [wrapper, $0] : [$0] }
        let r = try Shell.run(command, cwd: s.project)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.components(separatedBy: "Read-only file system").count - 1 == 3, "\(r.out)")
        #expect(r.out.contains("tmp-writable") && r.out.contains("project-writable"), "\(r.out)")
    }
}
