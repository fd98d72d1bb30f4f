import Foundation
import Testing

/// A project described by .devcontainer/devcontainer.json or devbox.toml:
/// `devbox up`, `exec -- CMD` with no container, lifecycle commands run as
/// often as the spec says, remote user and environment, tasks, errors.
@Suite("project environments: up, exec, lifecycle")
struct ProjectEnvironmentTests {
    @Test("a non-root remoteUser with updateRemoteUserUID: exec runs as it, and what it writes in the workspace is the host user's",
          arguments: Runner.all)
    func remoteUserOwnsWorkspace(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dcuser:1")
        try s.writeDevcontainer("""
            // a VS Code style config
            {
              "name": "ada's box",
              "image": "dcuser:1",
              "remoteUser": "ada", /* the image's user */
            }
            """)
        defer { s.removeProjectEnvironments() }
        let up = try s.devbox(["up", "--format", "json"])
        #expect(up.status == 0, "\(up.stderr)")
        let result = try JSONSerialization.jsonObject(with: up.stdout) as? [String: Any]
        #expect(result?["outcome"] as? String == "success", "\(up.out)")
        #expect(result?["remoteUser"] as? String == "ada")
        #expect(result?["remoteWorkspaceFolder"] as? String == s.project.path)
        #expect((result?["containerId"] as? String)?.count == 64)

        let who = try s.devbox(["exec", "--", "sh", "-c", "id -un; pwd"])
        #expect(who.status == 0 && who.out == "ada\n\(s.project.path)\n", "\(who.out) \(who.stderr)")
        if runner.uid != 0 {
            // The host user is mapped onto ada: the file is the host user's.
            let touch = try s.devbox(["exec", "--", "sh", "-c", ": > made-by-ada"])
            #expect(touch.status == 0, "\(touch.stderr)")
            let owner = try FileManager.default.attributesOfItem(atPath: s.project.appendingPathComponent("made-by-ada").path)[.ownerAccountID] as? Int
            #expect(owner == Int(runner.uid), "owned by the host user")
            let inside = try s.devbox(["exec", "--", "stat", "-c", "%U", "made-by-ada"])
            #expect(inside.out == "ada\n", "and by ada inside: \(inside.stderr)")
        }
        // The image's own files keep the owners the image gives them under
        // the mapping (a copy of the layers per mapping, made once).
        let owners = try s.devbox(["exec", "--", "stat", "-c", "%n %u:%g", "/home/ada", "/home/ada/.profile", "/etc/passwd", "/bin/busybox", "/root"])
        #expect(owners.out == "/home/ada 1000:1000\n/home/ada/.profile 1000:1000\n/etc/passwd 0:0\n/bin/busybox 0:0\n/root 0:0\n",
                "\(owners.out) \(owners.stderr)")
        let writable = try s.devbox(["exec", "--", "sh", "-c", "echo hi > /home/ada/new && echo ok"])
        #expect(writable.out == "ok\n", "ada's home is ada's: \(writable.stderr)")
        // The workspace subdirectory the caller is in is where exec starts.
        let sub = s.project.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        if runner.user != nil { chown(sub.path, runner.uid, runner.gid) }
        let pwd = try s.devbox(["exec", "--", "sh", "-c", "pwd"], cwd: sub)
        #expect(pwd.out == sub.path + "\n", "\(pwd.stderr)")
        // The exit status is the command's.
        #expect(try s.devbox(["exec", "--", "sh", "-c", "exit 7"]).status == 7)
    }

    @Test("create-time commands run once per environment, postStart on every start, across up, down, stop and a new up",
          arguments: Runner.all)
    func lifecycleCounts(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dclife:1")
        try s.writeDevcontainer("""
            {
              "image": "dclife:1",
              "onCreateCommand": "echo onCreate >> ${containerWorkspaceFolder}/lc.log",
              "updateContentCommand": ["sh", "-c", "echo updateContent >> lc.log"],
              "postCreateCommand": {
                "first": "echo postCreate-a >> lc.log",
                "second": ["sh", "-c", "echo postCreate-b >> lc.log"],
              },
              "postStartCommand": "echo postStart >> lc.log",
              "initializeCommand": "echo initialize >> host.log",
            }
            """)
        defer { s.removeProjectEnvironments() }
        // initializeCommand is the repository's code on the host: refused
        // until the user accepts it.
        let refused = try s.devbox(["up"])
        #expect(refused.status == 125 && refused.stderr.contains("initializeCommand on the host"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("host.log").path))
        for flags in [["--allow-project-profile"], []] {
            let up = try s.devbox(["up"] + flags)
            #expect(up.status == 0, "\(up.stderr)")
        }
        let down = try s.devbox(["down"])
        #expect(down.status == 0, "\(down.stderr)")
        #expect(try s.devbox(["up"]).status == 0)
        // Stopped another way, then joined by exec: it starts again.
        let name = try s.devbox(["ps", "-a", "--filter", "label=devcontainer.local_folder=\(s.project.path)", "--format", "{{.Names}}"])
        #expect(try s.devbox(["stop", name.out.trimmingCharacters(in: .whitespacesAndNewlines)]).status == 0)
        #expect(try s.devbox(["exec", "--", "true"]).status == 0)

        let log = try String(contentsOf: s.project.appendingPathComponent("lc.log"), encoding: .utf8)
        let lines = log.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0 == "onCreate" }.count == 1, "\(lines)")
        #expect(lines.filter { $0 == "updateContent" }.count == 1, "\(lines)")
        #expect(lines.filter { $0 == "postCreate-a" }.count == 1 && lines.filter { $0 == "postCreate-b" }.count == 1, "\(lines)")
        #expect(lines.filter { $0 == "postStart" }.count == 3, "three starts: \(lines)")
        #expect(lines.first == "onCreate", "\(lines)")
        let host = try String(contentsOf: s.project.appendingPathComponent("host.log"), encoding: .utf8)
        #expect(host.split(separator: "\n").count >= 3, "initializeCommand ran on the host for each up: \(host)")
    }

    @Test("remoteEnv (with ${containerEnv:...}), containerEnv, the image's metadata label and the probed login PATH reach exec",
          arguments: Runner.all)
    func environments(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dcenv:1", metadata: #"[{"remoteEnv": {"FROM_LABEL": "label"}, "containerEnv": {"LABEL_CE": "lce"}}]"#)
        try s.writeDevcontainer("""
            {
              "image": "dcenv:1",
              "containerEnv": { "CE": "container-${localEnv:PE_MISSING:fallback}" },
              "remoteEnv": { "FROM_REMOTE": "${containerEnv:GREETING}-remote", "FROM_LABEL": "file-wins" },
              "userEnvProbe": "loginShell"
            }
            """)
        defer { s.removeProjectEnvironments() }
        let up = try s.devbox(["up"])
        #expect(up.status == 0, "\(up.stderr)")
        let r = try s.devbox(["exec", "--", "sh", "-c", "echo $CE $FROM_REMOTE $FROM_LABEL $LABEL_CE $PROBED; probed-tool"])
        #expect(r.out == "container-fallback hello-remote file-wins lce yes\nprobed-tool-ran\n", "\(r.out) \(r.stderr)")
        // remoteEnv is for exec'd processes, not the container's own.
        let own = try s.devbox(["run", "--", "sh", "-c", "echo ${FROM_REMOTE:-unset} $CE"])
        #expect(own.out == "unset container-fallback\n", "\(own.out) \(own.stderr)")
    }

    @Test("malformed configs: one line naming file:line, exit 2, nothing created", arguments: Runner.all,
          [("{\n  \"image\": \"x:1\",\n  \"remoteUser\" \"ada\"\n}", ":3"),
           ("{ \"image\": \"${localWorkspaceFolderr}\" }", "localWorkspaceFolderr"),
           ("{\n \"image\": \"x:1\",\n \"capAdd\": \"SYS_PTRACE\"\n}", ":3"),
           ("{ \"build\": { \"dockerfile\": \"Dockerfile\" } }", "build"),
           ("{ \"dockerComposeFile\": \"compose.yml\", \"service\": \"app\" }", "dockerComposeFile"),
           ("{ \"image\": \"x:1\", \"overrideCommand\": \"yes\" }", "overrideCommand")])
    func malformed(runner: Runner, config: (String, String)) throws {
        let s = try Scratch(runner)
        try s.writeDevcontainer(config.0)
        for command in [["up"], ["exec", "--", "true"], ["run", "--", "true"]] {
            let r = try s.devbox(command)
            #expect(r.status == 2, "\(command): \(r.stderr)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && r.stderr.contains("devcontainer.json") && r.stderr.contains(config.1), "\(command): \(r.stderr)")
        }
        #expect(s.containerDirectories.isEmpty, "no environment was made")
    }

    @Test("devbox.toml: tasks run by name, `--` always means a command, setup runs once and again when it changes",
          arguments: Runner.all)
    func tomlTasksAndSetup(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("devbox.toml", """
            setup = ["echo setup-1 >> setup.log"]
            [env]
            TOML_ENV = "from-toml"
            [tasks]
            hello = "echo task-ran $TOML_ENV"
            """)
        defer { s.removeProjectEnvironments() }
        let task = try s.devbox(["run", "hello"])
        #expect(task.status == 0 && task.out == "task-ran from-toml\n", "\(task.out) \(task.stderr)")
        let command = try s.devbox(["run", "--", "hello"])
        #expect(command.status == 127, "an explicit -- is a command: \(command.stderr)")
        #expect(try s.devbox(["up"]).status == 0)
        #expect(try s.devbox(["up"]).status == 0)
        try s.write("devbox.toml", """
            setup = ["echo setup-2 >> setup.log"]
            [tasks]
            hello = "echo task-ran"
            """)
        #expect(try s.devbox(["up"]).status == 0)
        let log = try String(contentsOf: s.project.appendingPathComponent("setup.log"), encoding: .utf8)
        #expect(log == "setup-1\nsetup-2\n", "\(log)")
    }

    @Test("a config changed while the environment runs is applied by the next up or exec; a run with other flags is not joined by exec",
          arguments: Runner.all)
    func changedConfigApplies(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("devbox.toml", "[env]\nSTAGE = \"one\"\n")
        defer { s.removeProjectEnvironments() }
        #expect(try s.devbox(["up"]).status == 0)
        #expect(try s.devbox(["exec", "--", "sh", "-c", "echo $STAGE"]).out == "one\n")
        try s.write("devbox.toml", "[env]\nSTAGE = \"two\"\n")
        let up = try s.devbox(["up"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(try s.devbox(["exec", "--", "sh", "-c", "echo $STAGE"]).out == "two\n", "up restarted it with the new env")
        try s.write("devbox.toml", "[env]\nSTAGE = \"three\"\n")
        let exec = try s.devbox(["exec", "--", "sh", "-c", "echo $STAGE"])
        #expect(exec.out == "three\n", "an exec after the change applies it too: \(exec.stderr)")
        // A run with other settings restarts the environment its way; the
        // next exec does not take that container for up's.
        _ = try s.devbox(["down"])
        let other = try s.devbox(["run", "--hostname", "otherbox", "--", "true"])
        #expect(other.status == 0, "\(other.stderr)")
        let back = try s.devbox(["exec", "--", "sh", "-c", "echo $STAGE; hostname"])
        #expect(back.status == 0 && back.out.hasPrefix("three\n") && !back.out.contains("otherbox"), "\(back.out) \(back.stderr)")
    }

    @Test("an exec joins the environment a running `devbox run` started, without restarting it under that run", arguments: Runner.all)
    func execJoinsARun(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("devbox.toml", "[env]\nJOIN = \"yes\"\n")
        defer { s.removeProjectEnvironments() }
        let run = try Shell.start(s.command(["run", "--", "sh", "-c", "echo started > run.mark; sleep 4; echo done"]), cwd: s.project)
        // A loaded machine (CI) may take seconds to start it: the exec must
        // come once the run's command is running, or it tests nothing.
        let mark = s.project.appendingPathComponent("run.mark").path
        for _ in 0..<1500 where !FileManager.default.fileExists(atPath: mark) { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: mark), "the run's command did not start within 30 s")
        let exec = try s.devbox(["exec", "--", "sh", "-c", "echo $JOIN; test -e run.mark && echo same-project"])
        #expect(exec.status == 0 && exec.out == "yes\nsame-project\n", "\(exec.out) \(exec.stderr)")
        let finished = try Shell.finish(run, timeout: 30)
        #expect(finished.status == 0 && finished.out == "done\n", "the run was not disturbed: \(finished.out) \(finished.stderr)")
    }

    @Test("shutdownAction: a shell that started the environment stops it when it ends (stopContainer), unless none or up keeps it",
          arguments: Runner.all)
    func shutdownAction(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dcshut:1")
        defer { s.removeProjectEnvironments() }
        func running() throws -> Bool {
            try !s.devbox(["ps", "-q", "--filter", "label=devcontainer.local_folder=\(s.project.path)"]).out.isEmpty
        }
        try s.writeDevcontainer(#"{ "image": "dcshut:1" }"#)
        let shell = try s.devbox(["shell"], stdin: Data("echo in-shell\nexit 4\n".utf8))
        #expect(shell.status == 4 && shell.out.contains("in-shell"), "\(shell.out) \(shell.stderr)")
        #expect(try !running(), "stopContainer (the default for an image): stopped with the shell")
        try s.writeDevcontainer(#"{ "image": "dcshut:1", "shutdownAction": "none" }"#)
        #expect(try s.devbox(["shell"], stdin: Data("exit 0\n".utf8)).status == 0)
        #expect(try running(), "none: it stays")
        _ = try s.devbox(["down"])
        try s.writeDevcontainer(#"{ "image": "dcshut:1" }"#)
        #expect(try s.devbox(["up"]).status == 0)
        #expect(try s.devbox(["shell"], stdin: Data("exit 0\n".utf8)).status == 0)
        #expect(try running(), "up keeps it until down")
    }

    @Test("both files: devbox.toml wins and says so", arguments: Runner.all)
    func bothFiles(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.writeDevcontainer(#"{ "image": "dc-never-pulled:1" }"#)
        try s.write("devbox.toml", "# the host image\n")
        defer { s.removeProjectEnvironments() }
        let r = try s.devbox(["run", "--rm", "--", "true"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("devbox.toml") && r.stderr.contains("devcontainer.json"), "said which file is used: \(r.stderr)")
    }
}

extension Scratch {
    func writeDevcontainer(_ text: String) throws {
        let dir = project.appendingPathComponent(".devcontainer")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent("devcontainer.json"), atomically: false, encoding: .utf8)
        if runner.user != nil {
            chown(dir.path, runner.uid, runner.gid)
            chown(dir.appendingPathComponent("devcontainer.json").path, runner.uid, runner.gid)
        }
    }

    /// The busybox image with user ada (1000) and an /etc/profile, loaded as `name`.
    func loadDevcontainerImage(_ name: String, metadata: String? = nil) throws {
        let load = try devbox(["load", "-i", try fixture("devcontainer", name, extra: metadata.map { [$0] } ?? [], in: self)])
        #expect(load.status == 0, "\(load.stderr)")
    }

    func removeProjectEnvironments() {
        let names = (try? devbox(["ps", "-a", "--filter", "label=devcontainer.local_folder=\(project.path)", "--format", "{{.Names}}"]).out) ?? ""
        let more = (try? devbox(["ps", "-a", "--filter", "label=devbox.project=\(project.path)", "--format", "{{.Names}}"]).out) ?? ""
        let all = Set((names + more).split(separator: "\n").map(String.init))
        if !all.isEmpty { _ = try? devbox(["rm", "-f"] + all.sorted()) }
    }
}

/// A project's config is not trusted (docs/TRUST.md): what it asks that
/// weakens the sandbox needs the user's --allow-project-profile, once.
/// `--userns keep-id` onto another uid with an image: every file shows
/// the owner the image gives it (not shifted by the mapping).
@Suite("keep-id with an image")
struct KeepIDImageTests {
    @Test("keep-id:uid=1000 and plain keep-id leave the image's owners as they are; the copy is made once", arguments: Runner.all)
    func ownersAsInTheImage(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("keepid:1")
        let check = ["sh", "-c", "stat -c '%n %u:%g' /home/ada /etc/passwd /bin/busybox /bin/suid; stat -c %A /bin/suid; test -e /to_delete || echo whiteout-ok; id -u"]
        for (flags, uid) in [(["--userns", "keep-id:uid=1000,gid=1000"], "1000"), (["--userns", "keep-id"], String(runner.uid))] {
            let r = try s.devbox(["run", "--rm"] + flags + ["keepid:1", "--"] + check)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.out == "/home/ada 1000:1000\n/etc/passwd 0:0\n/bin/busybox 0:0\n/bin/suid 0:0\n-rwsr-xr-x\nwhiteout-ok\n\(uid)\n", "\(flags): \(r.out)")
            let again = try s.devbox(["run", "--rm"] + flags + ["keepid:1", "--", "true"])
            #expect(again.status == 0 && !again.stderr.contains("copying"), "the copy is reused: \(again.stderr)")
        }
    }
}

@Suite("project configs cannot weaken the sandbox on their own")
struct ProjectConsentTests {
    @Test("each weakening a config can ask for is refused until the user accepts it, then remembered; asking for more asks again",
          arguments: Runner.all, [
              ("profile = \"unconfined\"\n", "profile unconfined"),
              ("volumes = [\"/etc:/hostetc:ro\"]\n", "host path /etc"),
              ("mounts = [\"type=bind,source=/usr/share,target=/s\"]\n", "host path /usr/share"),
              ("DEVCONTAINER{ \"capAdd\": [\"SYS_PTRACE\"] }", "capability SYS_PTRACE"),
              ("DEVCONTAINER{ \"securityOpt\": [\"seccomp=unconfined\"] }", "seccomp=unconfined"),
              ("DEVCONTAINER{ \"runArgs\": [\"--cap-add=NET_ADMIN\"] }", "capability NET_ADMIN"),
              ("DEVCONTAINER{ \"mounts\": [\"source=${localEnv:HOME},target=/h,type=bind\"] }", "host path"),
              ("DEVCONTAINER{ \"runArgs\": [\"--env-host\"] }", "--env-host"),
              ("DEVCONTAINER{ \"runArgs\": [\"-e\", \"HOME\"] }", "host variable HOME"),
              ("DEVCONTAINER{ \"runArgs\": [\"--env-file=/etc/hostname\"] }", "env file from the host path /etc/hostname"),
              ("DEVCONTAINER{ \"runArgs\": [\"-v\", \"escape/x:/h\"] }", "host path"),
              ("DEVCONTAINER{ \"initializeCommand\": \"true\" }", "initializeCommand on the host"),
              ("volumes = [\"./escape:/h\"]\n", "host path"),
          ])
    func refusedUntilAccepted(runner: Runner, config: (String, String)) throws {
        let s = try Scratch(runner)
        if config.0.hasPrefix("DEVCONTAINER") {
            // A host-image devcontainer.json is not a thing; the weakening is what is checked.
            try s.writeDevcontainer(String(config.0.dropFirst("DEVCONTAINER".count)).replacingOccurrences(of: "{ ", with: "{ \"image\": \"dcconsent:1\", "))
            try s.loadDevcontainerImage("dcconsent:1")
        } else {
            try s.write("devbox.toml", config.0)
        }
        // A link in the repository that leads out of it (to the host's /etc).
        let escape = s.project.appendingPathComponent("escape")
        try FileManager.default.createDirectory(at: escape, withIntermediateDirectories: true)
        #expect(symlink("/etc", escape.appendingPathComponent("x").path) == 0)
        #expect(symlink("/etc", s.project.appendingPathComponent("escape-link").path) == 0)
        if config.0.contains("./escape:") {
            try s.write("devbox.toml", "volumes = [\"./escape-link:/h\"]\n")
        }
        defer { s.removeProjectEnvironments() }
        let refused = try s.devbox(["run", "--rm", "--", "true"])
        #expect(refused.status == 125, "\(refused.stderr)")
        #expect(refused.stderr.contains(config.1) && refused.stderr.contains("--allow-project-profile")
                && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try s.devbox(["up"]).status == 125, "up refuses too")
        let accepted = try s.devbox(["run", "--rm", "--allow-project-profile", "--", "true"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let remembered = try s.devbox(["run", "--rm", "--", "true"])
        #expect(remembered.status == 0, "accepted once for this config: \(remembered.stderr)")
        // Asking for more asks again.
        try s.write("devbox.toml", "volumes = [\"/var:/hostvar:ro\"]\n")
        if config.0.hasPrefix("DEVCONTAINER") { try FileManager.default.removeItem(at: s.project.appendingPathComponent(".devcontainer")) }
        #expect(try s.devbox(["run", "--rm", "--", "true"]).status == 125)
    }

    @Test("a config cannot force a terminal, even in a cluster of short flags", arguments: Runner.all)
    func noTerminalFromAFile(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dcnotty:1")
        try s.writeDevcontainer(#"{ "image": "dcnotty:1", "runArgs": ["-it", "-t", "--tty"] }"#)
        defer { s.removeProjectEnvironments() }
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", "test -t 1 && echo tty || echo notty"])
        #expect(r.status == 0 && r.out == "notty\n", "\(r.out) \(r.stderr)")
    }

    @Test("a config cannot consent for the user, pick another config, or turn the network back on under --profile strict",
          arguments: Runner.all)
    func cannotConsentForTheUser(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.loadDevcontainerImage("dcconsent2:1")
        try s.writeDevcontainer(#"{ "image": "dcconsent2:1", "runArgs": ["--allow-project-profile", "--cap-add", "SYS_ADMIN", "--network=host", "--config", "/x"] }"#)
        defer { s.removeProjectEnvironments() }
        let r = try s.devbox(["run", "--rm", "--", "true"])
        #expect(r.status == 125 && r.stderr.contains("SYS_ADMIN"), "\(r.stderr)")
        let strict = try s.devbox(["run", "--rm", "--allow-project-profile", "--profile", "strict", "--", "cat", "/proc/net/dev"])
        #expect(strict.status == 0, "\(strict.stderr)")
        #expect(strict.out.split(separator: "\n").filter { $0.contains(":") }.allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("lo:") },
                "only loopback: \(strict.out)")
    }
}
