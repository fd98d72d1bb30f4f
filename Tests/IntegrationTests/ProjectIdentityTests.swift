import Foundation
import Testing

/// The project from the outside: the committed ./dev wrapper in a fresh
/// clone by another user, the developer's identity inside, and completions
/// that know the project.
@Suite("project environments from outside: wrapper, identity, completions")
struct ProjectIdentityTests {
    @Test("./dev from a fresh clone runs commands and the shell in the project's environment", arguments: Runner.all)
    func wrapperFromAFreshClone(runner: Runner) throws {
        // The original repository is root's (or the test user's own, unprivileged);
        // the clone is the runner's, as another contributor's would be.
        let origin = try Scratch(Runner.all[0])
        try origin.write("devbox.toml", "[env]\nWRAPPED = \"yes\"\n[tasks]\nhi = \"echo task\"\n")
        let wrote = try origin.devbox(["init", "--wrapper"])
        #expect(wrote.status == 0, "\(wrote.stderr)")
        let git = ["/usr/bin/git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
        let bundle = origin.root.appendingPathComponent("repo.bundle").path
        for step in [["init", "-q"], ["add", "devbox.toml", "dev"], ["commit", "-q", "-m", "env"], ["bundle", "create", "-q", bundle, "HEAD", "main"]] {
            let r = try Shell.run(git + step, cwd: origin.project)
            #expect(r.status == 0, "git \(step): \(r.stderr)")
        }
        _ = try Shell.run(["/bin/chmod", "-R", "a+rX", origin.root.path])
        let s = try Scratch(runner)
        let clone = s.root.appendingPathComponent("clone").path
        // Through a bundle, as from a remote: the clone is all the runner's.
        var cloneCommand = git + ["clone", "-q", bundle, clone]
        if runner.user != nil {
            cloneCommand = ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--",
                            "/usr/bin/env", "HOME=\(runner.home)"] + cloneCommand
        }
        let cloned = try Shell.run(cloneCommand)
        #expect(cloned.status == 0, "\(cloned.stderr)")
        defer {
            _ = try? s.devbox(["down", "--project", clone])
            let names = (try? s.devbox(["ps", "-a", "--filter", "label=devbox.project=\(clone)", "--format", "{{.Names}}"]).out) ?? ""
            for name in names.split(separator: "\n") { _ = try? s.devbox(["rm", "-f", String(name)]) }
        }
        // ./dev through the runner's environment, with devbox named by DEVBOX.
        func dev(_ args: [String], stdin: Data? = nil) throws -> Shell.Result {
            let command = Array(s.command([]).dropLast()) + ["DEVBOX=\(Runner.binary)", clone + "/dev"] + args
            return try Shell.run(command, stdin: stdin, cwd: URL(fileURLWithPath: clone))
        }
        let r = try dev(["sh", "-c", "echo $WRAPPED; pwd; echo \"$1|$2\"", "x", "a b", ""])
        #expect(r.status == 0 && r.out == "yes\n\(clone)\na b|\n", "\(r.out) \(r.stderr)")
        let shell = try dev([], stdin: Data("echo shell-ran $WRAPPED\nexit 3\n".utf8))
        #expect(shell.status == 3 && shell.out.contains("shell-ran yes"), "\(shell.out) \(shell.stderr)")
        #expect(try dev(["sh", "-c", "exit 5"]).status == 5)
    }

    @Test("the git author reaches a project's environment by default; the SSH agent and the whole ~/.gitconfig only when the user asks",
          arguments: Runner.all)
    func identityInside(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("devbox.toml", "# the host image\n")
        defer { s.removeProjectEnvironments() }
        let home = s.root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "[user]\n\tname = Devbox Tester\n".write(to: home.appendingPathComponent(".gitconfig"), atomically: false, encoding: .utf8)
        let socket = s.root.appendingPathComponent("agent.sock").path
        let listener = try Shell.start(["/usr/bin/python3", "-c",
            "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\ntime.sleep(60)", socket], cwd: nil)
        defer { kill(listener.pid, SIGTERM) }
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }  // python may start slowly on a loaded machine
        if runner.user != nil {
            for path in [home.path, home.appendingPathComponent(".gitconfig").path, socket] { chown(path, runner.uid, runner.gid) }
        }
        let env = ["HOME": home.path, "SSH_AUTH_SOCK": socket]
        let probe = ["sh", "-c", "test -S /run/devbox/ssh-agent.sock && echo agent; git config --get user.name; test -e /run/devbox/gitconfig && echo whole-file; true"]
        let byDefault = try s.devbox(["run", "--rm", "--"] + probe, extraEnv: env)
        #expect(byDefault.status == 0 && byDefault.out == "Devbox Tester\n", "only the author by default: \(byDefault.out) \(byDefault.stderr)")
        let asked = try s.devbox(["exec", "--"] + probe, extraEnv: env.merging(["DEVBOX_FORWARD_AGENT": "1", "DEVBOX_FORWARD_GITCONFIG": "1"]) { $1 })
        #expect(asked.status == 0 && asked.out == "agent\nDevbox Tester\nwhole-file\n", "\(asked.out) \(asked.stderr)")
        _ = try s.devbox(["down"], extraEnv: env)
        let off = try s.devbox(["run", "--rm", "--", "sh", "-c", "git config --get user.name || echo no-name"],
                               extraEnv: env.merging(["DEVBOX_FORWARD_GITCONFIG": "0"]) { $1 })
        #expect(off.out == "no-name\n", "\(off.out) \(off.stderr)")
    }

    @Test("--gui shares the Wayland socket at a fixed place; without a display it is a usage error", arguments: Runner.all)
    func gui(runner: Runner) throws {
        let s = try Scratch(runner)
        let socket = s.root.appendingPathComponent("wayland-test").path
        let listener = try Shell.start(["/usr/bin/python3", "-c",
            "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\ntime.sleep(60)", socket], cwd: nil)
        defer { kill(listener.pid, SIGTERM) }
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }  // python may start slowly on a loaded machine
        if runner.user != nil { chown(socket, runner.uid, runner.gid) }
        let r = try s.devbox(["run", "--rm", "--gui", "--", "sh", "-c", "test -S \"$WAYLAND_DISPLAY\" && echo \"$WAYLAND_DISPLAY\""],
                             extraEnv: ["WAYLAND_DISPLAY": socket])
        #expect(r.status == 0 && r.out == "/run/devbox/wayland-0\n", "\(r.out) \(r.stderr)")
        let none = try s.devbox(["run", "--rm", "--gui", "--", "true"])
        #expect(none.status == 125 && none.stderr.contains("--gui: no display"), "\(none.stderr)")
    }

    @Test("completions ask the binary: container names, the project's tasks, profiles", arguments: Runner.all)
    func dynamicCompletions(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("devbox.toml", "[tasks]\nlint-all = \"true\"\nbuild-all = \"true\"\n")
        let name = "compl-\(UUID().uuidString.prefix(6).lowercased())"
        #expect(try s.devbox(["create", "--name", name, "--", "true"]).status == 0)
        defer { _ = try? s.devbox(["rm", "-f", name]) }
        func complete(_ words: [String]) throws -> [String] {
            // What bash's completion function does: source the script, set
            // COMP_WORDS for the line typed, call _devbox.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let script = """
                source \(root.path)/completions/devbox.bash
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
                _devbox devbox "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; printf '%s\\n' "${COMPREPLY[@]}"
                """
            let bin = URL(fileURLWithPath: Runner.binary).deletingLastPathComponent().path
            let command = Array(s.command([]).dropLast()).map { $0.hasPrefix("PATH=") ? "PATH=\(bin):/usr/bin:/bin" : $0 } + ["/bin/bash", "-c", script]
            return try Shell.run(command, cwd: s.project).out.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["devbox", "stop", "compl-"]).contains(name))
        #expect(try complete(["devbox", "run", "lint"]) == ["lint-all"])
        #expect(try complete(["devbox", "run", "--profile", "str"]) == ["strict"])
    }
}
