import Foundation
import Testing

/// docs/EXIT-CODES.md: 2 for every usage or config error, whichever parser met it.
@Suite("usage errors exit 125 with one line")
struct UsageErrorTests {
    @Test("ArgumentParser's usage errors exit 125, not 64", arguments: [
        ["run", "--bogus", "--", "true"], ["run", "--network", "wifi", "--", "true"], ["run", "--preserve-fds", "-1", "--", "true"],
        ["run", "--preserve-fds", "x", "--", "true"], ["run", "-w/tmp", "--", "true"], ["run", "--log-level", "loud", "--", "true"],
        ["profile", "bogus"], ["profile", "show"], ["nosuchcommand"], ["pull"], ["run", "a", "b", "--", "true"],
    ])
    func argumentParser(args: [String]) throws {
        let s = try Scratch(Runner.all[0])
        let r = try s.devbox(args)
        #expect(r.status == 125, "\(args): \(r.status) \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error: "), "\(r.stderr)")
    }

    @Test("devbox's own checks of flags and files exit 125 with one line naming the fix", arguments: [
        (["-e", "=x"], "devbox: -e: invalid environment variable '=x': the name must be non-empty and contain no '=' or NUL; write KEY=VALUE or KEY"),
        (["-e", ""], "devbox: -e: invalid environment variable '': the name must be non-empty and contain no '=' or NUL; write KEY=VALUE or KEY"),
        (["--security-opt", "label=disable"], "devbox: unknown --security-opt 'label=disable'; use seccomp=unconfined, seccomp=FILE or no-new-privileges"),
        (["--security-opt", "no-new-privileges=false"], "devbox: unknown --security-opt 'no-new-privileges=false'; use seccomp=unconfined, seccomp=FILE or no-new-privileges"),
        (["--security-opt", "seccomp=/nonexistent.json"], "devbox: cannot read seccomp profile '/nonexistent.json'; check the path"),
        (["--userns", "bogus"], "devbox: unknown --userns mode 'bogus'; use keep-id, keep-id:uid=U,gid=G or leave it out"),
        (["--env-file", "/nonexistent.env"], "devbox: cannot read env file '/nonexistent.env'; check the path"),
        (["--profile", "nosuch"], "devbox: profile 'nosuch' not found; `devbox profile list` shows the available ones"),
        (["--profile", ".."], "devbox: '..' is not a profile name; use letters, digits, '.', '_' and '-', or a path with a /"),
        (["--cap-add", "fly"], "devbox: unknown capability 'CAP_FLY'; use names such as CAP_NET_BIND_SERVICE or net_bind_service"),
        (["-v", "/nonexistent-src:/x"], "devbox: volume source '/nonexistent-src' does not exist; create it first or fix the path"),
        (["-w", "relative"], "devbox: working directory 'relative' is not an absolute path"),
    ])
    func ownChecks(flags: [String], message: String) throws {
        let s = try Scratch(Runner.all[0])
        let r = try s.devbox(["run", "--rm"] + flags + ["--", "touch", "ran"])
        #expect(r.status == 125, "\(flags): \(r.stderr)")
        #expect(r.stderr == message + "\n")
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran").path))
    }

    @Test("an env file's bad line is named by file and line")
    func envFileLine() throws {
        let s = try Scratch(Runner.all[0])
        try s.write("bad.env", "A=1\n# c\n=oops\n")
        let r = try s.devbox(["run", "--rm", "--env-file", "bad.env", "--", "true"])
        #expect(r.status == 125 && r.stderr == "devbox: bad.env:3: invalid environment variable '=oops': the name must be non-empty and contain no '=' or NUL; write KEY=VALUE or KEY\n")
    }

    @Test("a misspelt seccomp syscall in a profile exits 125 with file:line (it was 125 at launch)", arguments: Runner.all)
    func badSyscall(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("p.toml", "extends = \"default\"\n[seccomp]\ndeny = [\"mountt\"]\n")
        let path = s.project.appendingPathComponent("p.toml").path
        let r = try s.devbox(["run", "--rm", "--profile", path, "--", "touch", "ran"])
        #expect(r.status == 125)
        #expect(r.stderr.hasPrefix("devbox: \(path):3: unknown syscall or condition 'mountt'") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(try s.devbox(["profile", "check", path]).status == 125)
        #expect(try s.devbox(["profile", "show", path]).status == 125)
        #expect(try s.devbox(["profile", "show", "nosuch"]).status == 125)
    }

    @Test("--security-opt no-new-privileges turns no_new_privs on under a profile that has it off", arguments: Runner.all)
    func noNewPrivileges(runner: Runner) throws {
        let s = try Scratch(runner)
        let off = try s.devbox(["run", "--rm", "--profile", "unconfined", "--", "grep", "NoNewPrivs", "/proc/self/status"])
        #expect(off.out == "NoNewPrivs:\t0\n", "\(off.stderr)")
        let on = try s.devbox(["run", "--rm", "--profile", "unconfined", "--security-opt", "no-new-privileges", "--", "grep", "NoNewPrivs", "/proc/self/status"])
        #expect(on.status == 0 && on.out == "NoNewPrivs:\t1\n", "\(on.stderr)")
    }

    @Test("--preserve-fds reaches the spec's launch (parse only here): 0 and N are accepted")
    func preserveFDs() throws {
        let s = try Scratch(Runner.all[0])
        for n in ["0", "2"] {
            let r = try s.devbox(["run", "--rm", "--preserve-fds", n, "--print-spec", "--", "true"])
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    @Test("profile commands: a non-usage failure of `profile list` is not a usage error; help is 0")
    func profileHelp() throws {
        let s = try Scratch(Runner.all[0])
        #expect(try s.devbox(["profile", "--help"]).status == 0)
        #expect(try s.devbox(["run", "--help"]).status == 0)
        #expect(try s.devbox(["profile", "list"]).status == 0)
    }
}
