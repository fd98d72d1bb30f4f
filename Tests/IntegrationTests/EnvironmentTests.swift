import Foundation
import Testing

/// The project's environment is a named container (docs/CONTAINERS.md, "The
/// project's environment"): `devbox run` without `--rm` starts it or joins
/// it, it stops by itself when idle, runs with other settings do not get its
/// confinement, `rm -f` resets it, `system df`/`prune` count and clean it.
@Suite("the project's environment is a container")
struct EnvironmentTests {
    @Test("a run creates the environment: listed with the project's path and a name from the project directory", arguments: Runner.all)
    func listedWithProject(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let r = try s.devbox(["run", "--", "sh", "-c", "echo inside; exit 4"])
        #expect(r.status == 4, "the command's exit code: \(r.stderr)")
        #expect(r.out == "inside\n")
        let rows = try s.environmentRows()
        #expect(rows.count == 1, "one environment for the project: \(rows)")
        let names = rows.first?["Names"] as? [String] ?? []
        #expect(names.count == 1)
        #expect(names.first?.hasPrefix(s.project.lastPathComponent + "-") == true, "named after the project directory: \(names)")
        #expect(s.containerDirectories.count == 1, "one layer directory: \(s.containerDirectories)")
        #expect(s.containerDirectories.first.map { ($0 as NSString).lastPathComponent } == names.first,
                "the name is the layer directory's")
    }

    @Test("a second run joins the running one: same PID namespace, its processes and /tmp; both exit codes; stdin", arguments: Runner.all)
    func secondRunJoins(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let first = try Shell.start(s.command(["run", "--", "sh", "-c", """
            readlink /proc/self/ns/pid; echo from-first > /tmp/env-shared; touch started
            while [ ! -e go ]; do sleep 0.05; done; exit 3
            """]), cwd: s.project)
        try waitFor(seconds: 30) { FileManager.default.fileExists(atPath: s.project.appendingPathComponent("started").path) }
        let second = try s.devbox(["run", "--", "sh", "-c", """
            readlink /proc/self/ns/pid; cat /tmp/env-shared
            for p in /proc/[0-9]*; do cat $p/cmdline 2>/dev/null | tr '\\0' ' '; echo; done | grep -c 'while \\[ ! -e go \\]'
            exit 5
            """])
        #expect(second.status == 5, "the joined run's own exit code: \(second.stderr)")
        try s.write("go", "")
        let firstResult = try Shell.finish(first, timeout: 30)
        #expect(firstResult.status == 3, "the first run's own exit code: \(firstResult.stderr)")
        let firstLines = firstResult.out.split(separator: "\n").map(String.init)
        let secondLines = second.out.split(separator: "\n").map(String.init)
        try #require(firstLines.count == 1 && secondLines.count == 3, "first: \(firstResult.out) second: \(second.out) \(second.stderr)")
        #expect(firstLines[0].hasPrefix("pid:["))
        #expect(secondLines[0] == firstLines[0], "one PID namespace")
        #expect(secondLines[1] == "from-first", "the environment's /tmp is shared while it runs")
        #expect(secondLines[2] == "1", "the second run sees the first's shell")
        #expect(try s.environmentRows().count == 1, "still one environment")

        let echoed = try s.devbox(["run", "--", "cat"], stdin: Data("hi\n".utf8))
        #expect(echoed.status == 0, "\(echoed.stderr)")
        #expect(echoed.out == "hi\n", "stdin passes through")
    }

    @Test("the persistent layer outlives the environment's idle stop", arguments: Runner.all)
    func persistentLayerAcrossStops(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let write = try s.devbox(["run", "--", "sh", "-c", "mkdir -p /usr/local && echo kept > /usr/local/env-marker"])
        #expect(write.status == 0, "\(write.stderr)")
        let before = try s.environmentStartedAt()
        try s.waitForEnvironmentExited()
        let read = try s.devbox(["run", "--", "cat", "/usr/local/env-marker"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.out == "kept\n")
        #expect(try s.environmentStartedAt() > before, "the second run started the environment again")
    }

    @Test("the environment stops after DEVBOX_ENV_IDLE seconds without runs and leaves no devbox process", arguments: Runner.all)
    func idleStop(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let r = try s.devbox(["run", "--", "true"])
        #expect(r.status == 0, "\(r.stderr)")
        // The supervisor (and PID 1, a fork of it) name this runtime directory.
        #expect(try !s.processesNamingRuntime().isEmpty, "the environment outlives the run by DEVBOX_ENV_IDLE=1 s")
        if runner.uid != 0 { #expect(try !s.holders().isEmpty, "rootless: a holder (and its maker) for this runtime directory") }
        try s.waitForEnvironmentExited(seconds: 15)
        let row = try #require(try s.environmentRows().first)
        #expect(row["State"] as? String == "exited")
        #expect(row["ExitCode"] as? Int == 0 || row["ExitCode"] as? Int == 143, "stopped, not killed: \(row)")
        try waitFor(seconds: 5) { try s.processesNamingRuntime().isEmpty }
        // The user-namespace holder goes on its own after DEVBOX_USERNS_IDLE=2.
        try waitFor(seconds: 10) { try s.holders().isEmpty }
    }

    @Test("twenty parallel runs in one project: each its own output and exit code", arguments: Runner.all)
    func twentyParallelRuns(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        func script(_ i: Int) -> String {
            switch i % 4 {
            case 0: return "echo run-\(i); exit \(i % 7)"
            case 1: return "printf 'run-%s\\n' \(i) > /tmp/out-\(i); cat /tmp/out-\(i); exit \(i % 7)"
            case 2: return "echo run-\(i) | tr a-z A-Z | tr A-Z a-z; exit \(i % 7)"
            default: return "expr \(i) + 0 | sed 's/^/run-/'; exit \(i % 7)"
            }
        }
        let running = try (0..<20).map { i in try Shell.start(s.command(["run", "--", "sh", "-c", script(i)]), cwd: s.project) }
        for (i, r) in running.enumerated() {
            let result = try Shell.finish(r, timeout: 120)
            #expect(result.status == Int32(i % 7), "run \(i): \(result.stderr)")
            #expect(result.out == "run-\(i)\n", "run \(i): \(result.stderr)")
        }
        // One record: a name being written by a parallel first run is taken.
        let rows = try s.environmentRows()
        #expect(rows.count == 1, "\(rows.compactMap { $0["Id"] as? String })")
    }

    @Test("other settings while a run uses the environment are refused (with --rm suggested); without one, they restart it", arguments: Runner.all)
    func otherSettings(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let holder = try Shell.start(s.command(["run", "--", "sh", "-c", "touch started; while [ ! -e go ]; do sleep 0.05; done"]),
                                     cwd: s.project)
        try waitFor(seconds: 30) { FileManager.default.fileExists(atPath: s.project.appendingPathComponent("started").path) }
        for flags in [["--network", "none"], ["-v", s.root.path + ":/x"]] {
            let refused = try s.devbox(["run"] + flags + ["--", "sh", "-c", "touch ran-anyway"])
            #expect(refused.status != 0, "\(flags)")
            #expect(refused.stderr.contains("--rm"), "\(flags): says how: \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "one line: \(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: s.project.appendingPathComponent("ran-anyway").path), "\(flags)")
        }
        try s.write("go", "")
        let held = try Shell.finish(holder, timeout: 30)
        #expect(held.status == 0, "the run in use was not disturbed: \(held.stderr)")

        // No run now: the environment restarts with the new settings.
        let none = try s.devbox(["run", "--network", "none", "--", "sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"])
        #expect(none.status == 0, "\(none.stderr)")
        #expect(none.out == "lo\n", "only the loopback interface: \(none.out)")
        let mounted = try s.devbox(["run", "-v", s.root.path + ":/x", "--", "sh", "-c", "ls /x"])
        #expect(mounted.status == 0, "\(mounted.stderr)")
        #expect(mounted.out.split(separator: "\n").contains(Substring(s.project.lastPathComponent)), "\(mounted.out)")
        #expect(try s.environmentRows().count == 1, "still one environment")
    }

    @Test("rm -f of the environment resets it: the next run has a fresh layer", arguments: Runner.all)
    func removeResets(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let write = try s.devbox(["run", "--", "sh", "-c", "mkdir -p /usr/local && echo kept > /usr/local/env-marker"])
        #expect(write.status == 0, "\(write.stderr)")
        let name = try s.environmentName()
        let removed = try s.devbox(["rm", "-f", name])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try s.environmentRows().isEmpty)
        let next = try s.devbox(["run", "--", "sh", "-c", "test -e /usr/local/env-marker && echo still-there || echo fresh"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.out == "fresh\n")
        #expect(try s.environmentRows().count == 1, "the next run made a new environment")
    }

    @Test("--rm runs never join the environment: their own PID namespace, the command is PID 2", arguments: Runner.all)
    func removeRunsStayApart(runner: Runner) throws {
        let s = try Scratch(runner)
        defer { s.removeEnvironment() }
        let holder = try Shell.start(s.command(["run", "--", "sh", "-c", """
            readlink /proc/self/ns/pid; touch started; while [ ! -e go ]; do sleep 0.05; done
            """]), cwd: s.project)
        try waitFor(seconds: 30) { FileManager.default.fileExists(atPath: s.project.appendingPathComponent("started").path) }
        let apart = try s.devbox(["run", "--rm", "--", "sh", "-c", "echo $$; readlink /proc/self/ns/pid"])
        try s.write("go", "")
        let held = try Shell.finish(holder, timeout: 30)
        #expect(apart.status == 0 && held.status == 0, "\(apart.stderr) \(held.stderr)")
        let lines = apart.out.split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(apart.out)")
        #expect(lines[0] == "2", "the command is PID 2 under devbox's init")
        #expect(lines[1] != held.out.trimmingCharacters(in: .whitespacesAndNewlines), "not the environment's PID namespace")
    }

    @Test("system df counts containers, leftover layers and volumes", arguments: Runner.all)
    func diskUsage(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        defer { s.removeEnvironment() }
        #expect(try s.devbox(["run", "--", "true"]).status == 0)
        let table = try s.devbox(["system", "df"])
        #expect(table.status == 0, "\(table.stderr)")
        for type in ["Containers", "Leftover layers", "Volumes"] { #expect(table.out.contains(type), "\(table.out)") }
        let json = try s.devbox(["system", "df", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]], "\(json.out)")
        let containers = try #require(rows.first { $0["type"] as? String == "Containers" })
        #expect(containers["total"] as? Int == 1, "the environment: \(containers)")
        #expect((containers["size"] as? Int ?? 0) > 0)
    }

    @Test("system prune -f removes stopped named containers, keeps environments of existing projects, not of deleted ones", arguments: Runner.all)
    func prune(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        defer { s.removeEnvironment() }
        let name = Scratch.containerName()
        #expect(try s.devbox(["create", "--name", name, "--", "true"]).status == 0)
        #expect(try s.devbox(["run", "--", "true"]).status == 0)
        let environment = try s.environmentName()
        try s.waitForEnvironmentExited()

        let refused = try s.devbox(["system", "prune"])
        #expect(refused.status != 0, "no terminal and no -f")
        #expect(refused.stderr.contains("--force"), "says how: \(refused.stderr)")
        #expect(try s.psRows(["-a"]).count == 2, "nothing removed")

        let pruned = try s.devbox(["system", "prune", "-f"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.out.contains("removed container \(name)"), "\(pruned.out)")
        let left = try s.psRows(["-a"]).compactMap { ($0["Names"] as? [String])?.first }
        #expect(left == [environment], "the project exists: its environment stays")

        let layer = try #require(s.containerDirectories.first)
        _ = try Shell.run(["/bin/rm", "-rf", s.project.path])
        let gone = try s.devbox(["system", "prune", "-f"], cwd: s.root)
        #expect(gone.status == 0, "\(gone.stderr)")
        #expect(gone.out.contains("removed container \(environment)"), "\(gone.out)")
        #expect(try s.psRows(["-a"], cwd: s.root).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: layer), "its layer is gone too")
    }
}

// MARK: - helpers for project environments

extension Scratch {
    /// `ps -a` rows of this project's environment (a named container made
    /// in the project lists its Project too, without the label).
    func environmentRows() throws -> [[String: Any]] {
        try psRows(["-a"]).filter {
            $0["Project"] as? String == project.path && ($0["Labels"] as? [String: String])?["devbox.project"] == project.path
        }
    }

    func environmentName() throws -> String {
        let rows = try environmentRows()
        try #require(rows.count == 1, "one environment: \(rows)")
        return try #require((rows[0]["Names"] as? [String])?.first)
    }

    func environmentStartedAt() throws -> Int {
        try #require(try environmentRows().first?["StartedAt"] as? Int)
    }

    /// Polls `ps -a` until the environment has stopped (DEVBOX_ENV_IDLE=1).
    func waitForEnvironmentExited(seconds: Double = 15) throws {
        try waitFor(seconds: seconds) { try environmentRows().first?["State"] as? String == "exited" }
    }

    /// By id: parallel first runs may have stored several under one name.
    func removeEnvironment() {
        guard let rows = try? environmentRows() else { return }
        removeContainers(rows.compactMap { $0["Id"] as? String })
    }

    func psRows(_ args: [String], cwd: URL) throws -> [[String: Any]] {
        let r = try devbox(["ps", "--format", "json"] + args, cwd: cwd)
        try #require(r.status == 0, "ps: \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]])
    }

    /// The runner's processes whose command line names this Scratch's
    /// runtime directory: supervisors (`devbox-supervise ID DATA RUNTIME`)
    /// and their forks (PID 1, the log copier).
    func processesNamingRuntime() throws -> [Int] {
        let r = try Shell.run(["/usr/bin/pgrep", "-u", String(runner.uid), "-f", "devbox-supervise .* " + runtime.path + "/devbox"])
        return r.out.split(separator: "\n").compactMap { Int($0) }
    }

    /// User-namespace holders (and their makers of network namespaces)
    /// of this Scratch's runtime directory. They run with an empty
    /// environment; their command line names the socket prefix in it.
    func holders() throws -> [Int] {
        let r = try Shell.run(["/usr/bin/pgrep", "-u", String(runner.uid), "-f", "^devbox-userns [0-9]+ " + runtime.path + "/devbox/"])
        return r.out.split(separator: "\n").compactMap { Int($0) }
    }
}
