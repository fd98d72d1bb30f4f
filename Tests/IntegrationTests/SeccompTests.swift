import Foundation
import Testing

/// Builds Tests/fixtures/probe.c (static) into the project, where the sandbox sees it.
func probe(in s: Scratch) throws -> String {
    let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/probe.c").path
    let out = s.project.appendingPathComponent("probe").path
    let r = try Shell.run(["/usr/bin/gcc", "-static", "-O1", "-o", out, source])
    #expect(r.status == 0, "gcc: \(r.stderr)")
    chmod(out, 0o755)
    return out
}

@Suite("seccomp and the escape probe")
struct SeccompTests {
    static let refused = ["mount", "umount2", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "ptrace_init",
                          "kexec_load", "init_module", "finit_module", "open_by_handle_at", "reboot", "swapon",
                          "clock_settime", "acct", "tiocsti", "tiocsti_high_bits", "tioclinux", "personality",
                          "userfaultfd", "setns"]

    @Test("denied syscalls return EPERM; kernel files, /proc/*/exe and chroot stay shut", arguments: Runner.all, ["default", "strict", "build"])
    func probeProfiles(runner: Runner, profile: String) throws {
        let s = try Scratch(runner)
        let binary = try probe(in: s)
        let r = try s.devbox(["run", "--rm", "--profile", profile, "--", binary])
        #expect(r.status == 0, "\(r.stderr)")
        var results: [String: String] = [:]
        for line in r.out.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 { results[parts[0]] = parts[1] }
        }
        for name in Self.refused { #expect(results[name] == "EPERM", "\(profile): \(name) gave \(results[name] ?? "nothing")") }
        #expect(results["sysrq_trigger"] != "ok" && results["core_pattern"] != "ok")
        #expect(results["proc_exe"] == "refused")
        #expect(results["unshare_user"] == (profile == "strict" ? "EPERM" : "ok"), "nested user namespaces follow the profile")
        #expect(results["chroot"] == (profile == "strict" ? "EPERM" : "contained"))
    }

    @Test("a Docker seccomp JSON file is accepted and enforced, on the command line and in a profile", arguments: Runner.all)
    func dockerJSON(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("docker.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"names": ["mkdir", "mkdirat", "no_such_syscall_on_this_kernel"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}, {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}"#)
        let cli = try s.devbox(["run", "--rm", "--security-opt", "seccomp=docker.json", "--", "sh", "-c", "mkdir /tmp/d 2>&1; chmod 600 /tmp; echo chmod-allowed"])
        #expect(cli.out.contains("Permission denied") && cli.out.contains("chmod-allowed"), "\(cli.out)\(cli.stderr)")
        try s.write("p.toml", "extends = \"default\"\n[seccomp]\nfile = \"docker.json\"\n")
        let viaProfile = try s.devbox(["run", "--rm", "--profile", s.project.appendingPathComponent("p.toml").path, "--", "mkdir", "/tmp/d"])
        #expect(viaProfile.status != 0 && viaProfile.stderr.contains("Permission denied"), "\(viaProfile.stderr)")
        let off = try s.devbox(["run", "--rm", "--security-opt", "seccomp=unconfined", "--", "mkdir", "/tmp/d"])
        #expect(off.status == 0)
    }

    @Test("a filter that denies chdir or is an allow-list still lets the command start (it is loaded last then)", arguments: Runner.all)
    func lateFilter(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("nochdir.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["chdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}"#)
        let r = try s.devbox(["run", "--rm", "--security-opt", "seccomp=nochdir.json", "--", "sh", "-c", "pwd; cd /tmp 2>&1 || echo refused"])
        #expect(r.status == 0 && r.out.contains(s.project.path) && r.out.contains("refused"), "\(r.out)\(r.stderr)")
    }

    @Test("a command that cannot start (filter without no_new_privs) fails with one clear message and 125", arguments: Runner.all)
    func commandFailsBeforeMounts(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("nonnp.toml", "extends = \"default\"\nno_new_privileges = false\n")
        let r = try s.devbox(["run", "--rm", "--profile", s.project.appendingPathComponent("nonnp.toml").path, "--", "echo", "hi"])
        #expect(r.status == 125 && r.out.isEmpty, "\(r.stderr)")
        #expect(r.stderr.contains("cannot load the seccomp filter without no_new_privileges"))
        #expect(!r.stderr.contains("Broken pipe"), "\(r.stderr)")
    }

    @Test("the compiled filter is cached, used on the next run and rebuilt when the profile changes")
    func bpfCache() throws {
        let s = try Scratch(Runner.all[0])
        let env = ["XDG_CACHE_HOME": s.root.appendingPathComponent("cache").path]
        try s.write("p.toml", "extends = \"default\"\n[seccomp]\ndeny = [\"mknod\"]\n")
        let profile = s.project.appendingPathComponent("p.toml").path
        let first = try s.devbox(["run", "--rm", "--log-level", "debug", "--profile", profile, "--", "true"], extraEnv: env)
        let second = try s.devbox(["run", "--rm", "--log-level", "debug", "--profile", profile, "--", "true"], extraEnv: env)
        #expect(first.stderr.contains("compiled") && second.stderr.contains("from the cache"), "\(first.stderr)\n\(second.stderr)")
        try s.write("p.toml", "extends = \"default\"\n[seccomp]\ndeny = [\"mknod\", \"mknodat\"]\n")
        let changed = try s.devbox(["run", "--rm", "--log-level", "debug", "--profile", profile, "--", "true"], extraEnv: env)
        #expect(changed.stderr.contains("compiled"), "a changed profile compiles a new filter")
        let files = try FileManager.default.contentsOfDirectory(atPath: s.root.appendingPathComponent("cache/devbox/seccomp").path)
        #expect(files.filter { $0.hasSuffix(".bpf") }.count == 2)
    }

    @Test("a package manager works inside an image under the build profile (dpkg -i, no network)", arguments: Runner.all)
    func packageManagerUnderBuild(runner: Runner) throws {
        let s = try Scratch(runner)
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")
        let image = s.root.appendingPathComponent("dpkg-image.tar.gz").path
        #expect(try Shell.run(["/bin/sh", fixtures.appendingPathComponent("make_dpkg_image.sh").path, image]).status == 0)
        // A package built here, installed there.
        let pkg = s.root.appendingPathComponent("pkg")
        try FileManager.default.createDirectory(at: pkg.appendingPathComponent("DEBIAN"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pkg.appendingPathComponent("usr/share/devbox-hello"), withIntermediateDirectories: true)
        try "Package: devbox-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: devbox <devbox@example.org>\nDescription: test\n"
            .write(to: pkg.appendingPathComponent("DEBIAN/control"), atomically: true, encoding: .utf8)
        try "hello\n".write(to: pkg.appendingPathComponent("usr/share/devbox-hello/hello"), atomically: true, encoding: .utf8)
        let deb = s.project.appendingPathComponent("hello.deb").path
        #expect(try Shell.run(["/usr/bin/dpkg-deb", "--root-owner-group", "--build", pkg.path, deb]).status == 0)
        _ = try Shell.run(["/bin/chmod", "a+r", deb])
        #expect(try s.devbox(["import", image, "dpkg-mini:1"]).status == 0)
        let script = "/usr/bin/dpkg -i hello.deb >/dev/null && /usr/bin/dpkg-query -W -f='${Status}\\n' devbox-hello && cat /usr/share/devbox-hello/hello"
        let r = try s.devbox(["run", "--rm", "--profile", "build", "dpkg-mini:1", "--", "sh", "-c", script])
        #expect(r.out == "install ok installed\nhello\n", "\(r.stderr)")
    }

    @Test("ordinary work still works under the default profile: compilers, make, git, python", arguments: Runner.all)
    func everydayTools(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("hello.c", "#include <stdio.h>\nint main(void) { puts(\"built\"); return 0; }\n")
        try s.write("Makefile", "hello: hello.c\n\tgcc -o hello hello.c\n")
        let script = "make -s hello && ./hello && git init -q repo && python3 -c 'print(6*7)'"
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", script])
        #expect(r.out == "built\n42\n", "\(r.stderr)")
    }
}
