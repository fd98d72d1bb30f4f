import Foundation
@testable import devbox
import Testing

/// The `./dev` script `devbox init --wrapper` writes, run against a fake
/// devbox that reports its working directory and argv: no container, no
/// store, only what the script hands devbox.
@Suite("the ./dev wrapper script")
struct WrapperScriptTests {
    /// A repository (with a space in its path) holding the script in its
    /// root (and in `scriptIn`, if given), and a fake devbox beside it,
    /// owned by the runner as a fresh clone would be.
    final class Checkout {
        let base: URL
        /// The project root, physical (the script resolves with `cd -P`).
        let root: String
        let fakeBin: String
        let runner: Runner

        init(_ runner: Runner, scriptIn subdirectory: String? = nil) throws {
            self.runner = runner
            let unique = String(UUID().uuidString.prefix(8)).lowercased()
            base = URL(fileURLWithPath: "/tmp/devbox-wrap-\(unique)")
            root = base.path + "/my repo"
            fakeBin = base.path + "/fake bin"
            let fm = FileManager.default
            for dir in [root + "/.git", root + "/src/deep dir", fakeBin] {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            }
            // The fake: its working directory, then each argument, NUL-terminated,
            // so an argument holding a newline reads back whole.
            try "#!/bin/sh\nprintf '%s\\0' \"$(pwd -P)\" \"$@\"\n".write(toFile: fakeBin + "/devbox", atomically: false, encoding: .utf8)
            chmod(fakeBin + "/devbox", 0o755)
            try InitFile.wrapper(root: root, output: nil, cwd: "/").write(force: false)
            if let subdirectory {
                try fm.createDirectory(atPath: root + "/" + subdirectory, withIntermediateDirectories: true)
                try InitFile.wrapper(root: root, output: subdirectory, cwd: root).write(force: false)
            }
            chmod(base.path, 0o755)
            if runner.user != nil { _ = try Shell.run(["/bin/chown", "-R", "\(runner.uid):\(runner.gid)", base.path]) }
        }

        var script: String { root + "/dev" }

        deinit { try? FileManager.default.removeItem(at: base) }

        /// Runs `[shell] SCRIPT ARGS` as the runner with a clean environment.
        func run(_ script: String, _ args: [String], cwd: String? = nil, shell: [String] = [],
                 env: [String: String]? = nil) throws -> Shell.Result {
            let environment = env ?? ["PATH": "/usr/bin:/bin", "DEVBOX": fakeBin + "/devbox"]
            var command = ["/usr/bin/env", "-i", "HOME=\(runner.home)"] + environment.map { "\($0.key)=\($0.value)" }
            command += shell + [script] + args
            if runner.user != nil {
                command = ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--"] + command
            }
            return try Shell.run(command, cwd: URL(fileURLWithPath: cwd ?? root))
        }

        /// What the fake devbox saw: its working directory and its argv.
        static func seen(_ result: Shell.Result) -> (cwd: String, argv: [String]) {
            var fields = result.stdout.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if fields.last == "" { fields.removeLast() }
            return (fields.first ?? "", Array(fields.dropFirst()))
        }
    }

    /// Arguments a shell script loses or changes when it quotes carelessly.
    static let awkwardArguments: [[String]] = [
        ["make", "test"],
        ["echo", "a b", "", "  lead", "trail  ", "\"dq\"", "'sq'", "a\\b", "new\nline", "tab\there"],
        ["--"],
        ["", ""],
        ["-x", "--project", "/elsewhere", "--", "--help"],
        ["sh", "-c", "echo $HOME; `id`; $(id) && x || y; *", "*", "?", "[a]", "~", "ünïcödé"],
    ]

    @Test("./dev alone opens a shell in the script's project", arguments: Runner.all)
    func shell(runner: Runner) throws {
        let repo = try Checkout(runner)
        let result = try repo.run(repo.script, [])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["shell", "--project", repo.root])
    }

    @Test("./dev CMD ARGS passes every argument through exactly", arguments: Runner.all, awkwardArguments)
    func passesArguments(runner: Runner, args: [String]) throws {
        let repo = try Checkout(runner)
        let result = try repo.run(repo.script, args)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["exec", "--project", repo.root, "--"] + args)
    }

    @Test("the arguments survive every POSIX shell the script may meet", arguments: [
        ["/bin/sh"], ["/usr/bin/dash"], ["/bin/bash", "--posix"], ["/usr/bin/busybox", "sh"],
    ].filter { FileManager.default.isExecutableFile(atPath: $0[0]) })
    func shells(shell: [String]) throws {
        let repo = try Checkout(Runner.all[0])
        let args = Self.awkwardArguments[1] + ["--"]
        let result = try repo.run(repo.script, args, shell: shell)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["exec", "--project", repo.root, "--"] + args)
    }

    @Test("from a subdirectory the project is still the script's, and the working directory is kept", arguments: Runner.all)
    func fromSubdirectory(runner: Runner) throws {
        let repo = try Checkout(runner)
        let here = repo.root + "/src/deep dir"
        for script in ["../../dev", repo.script] {
            let result = try repo.run(script, ["pwd"], cwd: here)
            #expect(result.status == 0, "\(result.stderr)")
            let seen = Checkout.seen(result)
            #expect(seen.cwd == here)
            #expect(seen.argv == ["exec", "--project", repo.root, "--", "pwd"])
        }
    }

    @Test("a script in a subdirectory of the project (--output) finds the root above it", arguments: Runner.all)
    func nestedScript(runner: Runner) throws {
        let repo = try Checkout(runner, scriptIn: "tools/bin")
        let result = try repo.run(repo.root + "/tools/bin/dev", ["true"], cwd: "/")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["exec", "--project", repo.root, "--", "true"])
    }

    @Test("run through symlinks (absolute, relative, chained) from outside, it still finds its project", arguments: Runner.all)
    func throughSymlinks(runner: Runner) throws {
        let repo = try Checkout(runner)
        let links = repo.base.path + "/links dir"
        try FileManager.default.createDirectory(atPath: links + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: links + "/absolute", withDestinationPath: repo.script)
        try FileManager.default.createSymbolicLink(atPath: links + "/relative", withDestinationPath: "../my repo/dev")
        try FileManager.default.createSymbolicLink(atPath: links + "/sub/chained", withDestinationPath: "../relative")
        for link in ["absolute", "relative", "sub/chained"] {
            let result = try repo.run(links + "/" + link, ["a b"], cwd: "/")
            #expect(result.status == 0, "\(link): \(result.stderr)")
            #expect(Checkout.seen(result).argv == ["exec", "--project", repo.root, "--", "a b"], "\(link)")
        }
    }

    @Test("a copy of the repository elsewhere (a fresh clone) uses the copy, not the original", arguments: Runner.all)
    func copiedCheckout(runner: Runner) throws {
        let repo = try Checkout(runner)
        let clone = repo.base.path + "/clone of repo"
        _ = try Shell.run(["/bin/cp", "-a", repo.root, clone])
        let result = try repo.run(clone + "/dev", ["ls"], cwd: clone)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["exec", "--project", clone, "--", "ls"])
    }

    @Test("devbox found on PATH when DEVBOX is unset", arguments: Runner.all)
    func onPath(runner: Runner) throws {
        let repo = try Checkout(runner)
        let result = try repo.run(repo.script, ["x"], env: ["PATH": repo.fakeBin + ":/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Checkout.seen(result).argv == ["exec", "--project", repo.root, "--", "x"])
    }

    @Test("no devbox: exit 127 with how to install it on stderr, nothing run", arguments: Runner.all)
    func notInstalled(runner: Runner) throws {
        let repo = try Checkout(runner)
        // A PATH with only the two tools the script uses, so an installed devbox cannot be found.
        let tools = repo.base.path + "/tools only"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        for tool in ["dirname", "readlink"] {
            try FileManager.default.createSymbolicLink(atPath: tools + "/" + tool, withDestinationPath: "/usr/bin/" + tool)
        }
        let result = try repo.run(repo.script, ["make"], env: ["PATH": tools])
        #expect(result.status == 127)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(result.stderr.contains("dev: devbox is not installed (not on PATH); see \(InitTemplates.homepage)"))
        #expect(result.stderr.contains("`make install`"))
    }

    /// `PLAIN` stands for a file that exists but is not executable.
    @Test("DEVBOX naming nothing runnable: exit 127 naming DEVBOX", arguments: ["/nonexistent/devbox", "PLAIN", "/tmp", "no-such-devbox-command"])
    func badDevboxVariable(name: String) throws {
        let repo = try Checkout(Runner.all[0])
        let plain = repo.base.path + "/plain file"
        try "#!/bin/sh\n".write(toFile: plain, atomically: false, encoding: .utf8)
        chmod(plain, 0o644)
        let value = name == "PLAIN" ? plain : name
        let result = try repo.run(repo.script, ["make"], env: ["PATH": "/usr/bin:/bin", "DEVBOX": value])
        #expect(result.status == 127)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "dev: DEVBOX=\(value) is not an executable; set DEVBOX to devbox's path, or unset it\n")
    }

    @Test("the script is mode 0755 and shellcheck-clean",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck")))
    func shellcheck() throws {
        let repo = try Checkout(Runner.all[0], scriptIn: "tools")
        for script in [repo.script, repo.root + "/tools/dev"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: script)
            #expect((attributes[.posixPermissions] as? Int) == 0o755)
            let result = try Shell.run(["/usr/bin/shellcheck", "--shell=sh", "--severity=style", script])
            #expect(result.status == 0, "\(result.out)")
        }
    }
}
