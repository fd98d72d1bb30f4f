import Foundation
import Testing

/// Named containers in hostile and broken states: a killed supervisor, a
/// reboot (the runtime directory emptied), corrupt records and exec
/// templates, a reused PID 1 pid, bad names, a huge log, and races of
/// start, rm and the event log.
@Suite("containers in hostile and broken states")
struct ContainerHostileTests {
    @Test("kill -9 of the supervisor: the container's processes die, ps -a shows it exited, start works again", arguments: Runner.all)
    func supervisorKilled(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let marker = Scratch.sleepMarker()
        let id = try s.runDetached(name, ["--", "sleep", marker])
        let pid1 = try #require(try s.state(name)["Pid"] as? Int)
        let supervisors = try s.supervisors(id)
        try #require(supervisors.count == 1, "one supervisor: \(supervisors)")
        #expect(try Scratch.statField(pid1, 4) == supervisors[0], "the supervisor is PID 1's parent")
        #expect(try Scratch.processes(commandLine: "sleep " + marker).count == 1)

        #expect(kill(pid_t(supervisors[0]), SIGKILL) == 0)
        try waitFor(seconds: 10) { kill(pid_t(pid1), 0) != 0 }
        try waitFor(seconds: 10) { try Scratch.processes(commandLine: "sleep " + marker).isEmpty }
        try waitFor(seconds: 10) { try s.supervisors(id, all: true).isEmpty }
        let rows = try s.psRows(["-a", "--filter", "name=\(name)"])
        #expect(rows.first?["State"] as? String == "exited", "\(rows)")
        #expect(rows.first?["ExitCode"] as? Int == 137)

        let started = try s.devbox(["start", name])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try s.state(name)["Running"] as? Bool == true)
        #expect(try s.devbox(["exec", name, "--", "true"]).status == 0)
    }

    enum Reboot: String, CaseIterable, CustomStringConvertible {
        case stopped, killedWhileRunning
        var description: String { rawValue }
    }

    @Test("a reboot (the runtime directory emptied) lists the container as exited, and start works", arguments: Runner.all, Reboot.allCases)
    func reboot(runner: Runner, when: Reboot) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let id = try s.runDetached(name, ["--", "sleep", "1000"])
        switch when {
        case .stopped:
            #expect(try s.devbox(["stop", "-t", "0", name]).status == 0)
        case .killedWhileRunning:
            // Power off: every process of the container at once.
            for pid in try s.supervisors(id, all: true) { kill(pid_t(pid), SIGKILL) }
            try waitFor(seconds: 10) { try s.supervisors(id, all: true).isEmpty }
        }
        try s.emptyRuntimeDirectory()
        let rows = try s.psRows(["-a", "--filter", "name=\(name)"])
        try #require(rows.count == 1, "\(rows)")
        #expect(rows[0]["State"] as? String == "exited", "\(rows)")
        let started = try s.devbox(["start", name])
        #expect(started.status == 0, "\(started.stderr)")
        #expect(try s.state(name)["Running"] as? Bool == true)
        let exec = try s.devbox(["exec", name, "--", "echo", "back"])
        #expect(exec.out == "back\n", "\(exec.stderr)")
    }

    @Test("a corrupt config.json: ps -a works, inspect and start fail in one line, rm -f by id removes it", arguments: Runner.all)
    func corruptRecord(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        let healthy = Scratch.containerName()
        let created = try s.devbox(["create", "--name", name, "--", "true"])
        try #require(created.status == 0, "\(created.stderr)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        try s.runDetached(healthy, ["--", "sleep", "1000"])
        defer {
            s.removeContainers([healthy])
            _ = try? Shell.run(["/bin/rm", "-rf", s.data.path + "/devbox/containers/" + id, s.data.path + "/devbox/container-names/" + name])
        }
        try s.overwrite(s.data.path + "/devbox/containers/\(id)/config.json", with: "garbage{\n")

        let ps = try s.psRows(["-a"])
        #expect(ps.contains { ($0["Names"] as? [String]) == [healthy] }, "the others still list")
        for command in [["inspect", id], ["start", id]] {
            let r = try s.devbox(command)
            #expect(r.status != 0, "\(command)")
            #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.split(separator: "\n").count == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("config.json cannot be read as a container record"), "\(command): \(r.stderr)")
        }
        // By name: the error says the record is damaged.
        for command in [["inspect", name], ["start", name]] {
            let r = try s.devbox(command)
            #expect(r.status != 0, "\(command)")
            #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.split(separator: "\n").count == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.contains("cannot be read"), "\(command): \(r.stderr)")
        }
        // The corrupt-record message says "remove the container with
        // `devbox rm -f`", and that works.
        let removed = try s.devbox(["rm", "-f", id])
        let recreated = try s.devbox(["create", "--name", name, "--", "true"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.data.path + "/devbox/containers/" + id))
        #expect(recreated.status == 0, "and its name is free again: \(recreated.stderr)")
        if recreated.status == 0 { s.removeContainers([name]) }
        #expect(try s.state(healthy)["Running"] as? Bool == true, "the other container is untouched")
    }

    @Test("bad names are refused and nothing is created; a name in use is refused; a name beats an id prefix", arguments: Runner.all)
    func names(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let bad = ["../x", "a b", "", String(repeating: "n", count: 200), "-x", "x/y", ".hidden"]
        for name in bad {
            for verb in [["create"], ["run", "-d"]] {
                let r = try s.devbox(verb + ["--name", name, "--", "true"])
                #expect(r.status != 0, "\(verb) --name '\(name)'")
                #expect(r.stderr.contains("invalid container name"), "\(verb) --name '\(name)': \(r.stderr)")
                #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
            }
        }
        #expect(try s.psRows(["-a"]).isEmpty, "nothing was created")
        let containers = (try? FileManager.default.contentsOfDirectory(atPath: s.data.path + "/devbox/containers")) ?? []
        #expect(containers.isEmpty, "no directory left: \(containers)")

        let first = Scratch.containerName()
        defer { s.removeContainers([first]) }
        let created = try s.devbox(["create", "--name", first, "--", "true"])
        try #require(created.status == 0, "\(created.stderr)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        for verb in [["create"], ["run", "-d"]] {
            let r = try s.devbox(verb + ["--name", first, "--", "true"])
            #expect(r.status != 0)
            #expect(r.stderr.contains("already used by container \(id.prefix(12))"), "\(verb): \(r.stderr)")
        }
        // A second container named like the first's id prefix: the name wins.
        let prefix = String(id.prefix(12))
        defer { s.removeContainers([prefix]) }
        let other = try s.devbox(["create", "--name", prefix, "--", "true"])
        try #require(other.status == 0, "\(other.stderr)")
        let otherID = other.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try s.inspect(prefix)["Id"] as? String == otherID, "the name wins over the id prefix")
        #expect(try s.inspect(first)["Id"] as? String == id)
        #expect(try s.inspect(String(id.prefix(13)))["Id"] as? String == id, "a longer prefix still finds the first")
        #expect(try s.psRows(["-a"]).count == 2)
    }

    @Test("exec refuses a PID 1 whose pid now belongs to another process (start time differs)", arguments: Runner.all)
    func reusedPid(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let id = try s.runDetached(name, ["--", "sleep", "1000"])
        let unrelated = try Shell.start(s.asRunner(["/bin/sleep", "1000"]))
        defer { kill(unrelated.pid, SIGKILL); _ = try? Shell.finish(unrelated, timeout: 5) }
        try waitFor(seconds: 5) { (try? String(contentsOfFile: "/proc/\(unrelated.pid)/comm", encoding: .utf8)) == "sleep\n" }

        let path = s.runtime.path + "/devbox/containers/\(id)/exec"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var records = original.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let index = try #require(records.firstIndex { $0.hasPrefix("pid1 ") })
        let startTime = try Scratch.statField(Int(unrelated.pid), 22)
        records[index] = "pid1 \(unrelated.pid) \(startTime + 1)"
        try s.overwrite(path, with: records.joined(separator: "\0"))

        let marker = s.root.appendingPathComponent("ran-on-host-\(UUID().uuidString.prefix(8))").path
        let r = try s.devbox(["exec", name, "--", "sh", "-c", "touch \(marker); echo joined"])
        #expect(r.status != 0, "\(r.out)")
        #expect(r.stderr.contains("container \(name) is not running"), "\(r.stderr)")
        #expect(r.out.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: marker), "the command ran nowhere")
        #expect(kill(unrelated.pid, 0) == 0, "the unrelated process is untouched")

        try s.overwrite(path, with: String(decoding: original, as: UTF8.self))
        #expect(try s.devbox(["exec", name, "--", "true"]).status == 0, "the real template still works (the test could fail)")
    }

    enum Damage: String, CaseIterable, CustomStringConvertible {
        case missing, empty, firstRecord, beforeEnvironment, lastByte
        var description: String { rawValue }
    }

    @Test("exec with a missing or truncated template fails clearly and never runs the command on the host", arguments: Runner.all, Damage.allCases)
    func damagedTemplate(runner: Runner, damage: Damage) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let id = try s.runDetached(name, ["--", "sleep", "1000"])
        let path = s.runtime.path + "/devbox/containers/\(id)/exec"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        switch damage {
        case .missing: try FileManager.default.removeItem(atPath: path)
        case .empty: try s.overwrite(path, with: "")
        case .firstRecord: try s.overwrite(path, with: String(decoding: original.prefix(16), as: UTF8.self))
        case .beforeEnvironment:
            // Cut at a record boundary after uid, gid, cwd and nnp: no env, no capability records.
            let text = String(decoding: original, as: UTF8.self)
            let end = try #require(text.range(of: "\0nnp 1\0"))
            try s.overwrite(path, with: String(text[..<end.upperBound]))
        case .lastByte: try s.overwrite(path, with: String(decoding: original.dropLast(), as: UTF8.self))
        }
        // The Scratch root is the host's: the container sees only the project inside it.
        let marker = s.root.appendingPathComponent("ran-\(UUID().uuidString.prefix(8))").path
        let r = try s.devbox(["exec", name, "--", "sh", "-c", "touch \(marker); echo ran"])
        #expect(!FileManager.default.fileExists(atPath: marker), "never on the host")
        switch damage {
        case .missing, .empty, .firstRecord:
            #expect(r.status != 0)
            #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        case .beforeEnvironment, .lastByte:
            // The template ends with a record of its own length: a cut
            // anywhere is refused, never run with what is left.
            #expect(r.status != 0, "\(r.out)")
            #expect(!r.out.contains("ran"), "\(r.out)")
        }
    }

    /// 32 bytes with its newline; 20 MiB of it pass the log's 16 MiB cap once.
    static let logLine = "0123456789abcdef0123456789abcde"
    static let printTwentyMiB = "yes \(logLine) | head -c 20971520"

    @Test("a container that prints 20 MB: the log rotates once at 16 MiB, stays bounded, logs keeps working", arguments: Runner.all)
    func hugeLog(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let line = Self.logLine
        let id = try s.runDetached(name, ["--", "sh", "-c", Self.printTwentyMiB])
        let wait = try s.devbox(["wait", name], timeout: 120)
        #expect(wait.out == "0\n", "\(wait.stderr)")
        let log = s.data.path + "/devbox/containers/\(id)/container.log"
        func sizes() throws -> (Int, Int) {
            let fm = FileManager.default
            let current = try fm.attributesOfItem(atPath: log)[.size] as? Int ?? -1
            let rotated = (try? fm.attributesOfItem(atPath: log + ".1")[.size] as? Int) ?? 0
            return (current, rotated)
        }
        let (current, rotated) = try sizes()
        #expect(current + rotated == 20 << 20, "every byte kept once: \(current) + \(rotated)")
        #expect(rotated <= 16 << 20 && current <= 16 << 20, "\(current) \(rotated)")
        #expect(rotated > 0, "rotated once")
        let tail = try s.devbox(["logs", "--tail", "2", name])
        #expect(tail.status == 0, "\(tail.stderr)")
        #expect(tail.out == "\(line)\n\(line)\n")
        let all = try s.devbox(["logs", name], timeout: 120)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.count <= 32 << 20 && all.stdout.count >= current, "\(all.stdout.count)")

        // Twice more: still two files, neither past the limit.
        for _ in 0..<2 {
            #expect(try s.devbox(["start", name]).status == 0)
            #expect(try s.devbox(["wait", name], timeout: 120).out == "0\n")
        }
        let (current2, rotated2) = try sizes()
        #expect(current2 <= 16 << 20 && rotated2 <= 16 << 20, "\(current2) \(rotated2)")
        #expect(current2 + rotated2 <= 32 << 20)
        #expect(!FileManager.default.fileExists(atPath: log + ".2"))
        #expect(try s.devbox(["logs", "--tail", "1", name]).out == "\(line)\n")
    }

    @Test("logs -f follows 20 MB across the log's rotation: every byte once, in order", arguments: Runner.all)
    func followAcrossRotation(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let line = Self.logLine
        let id = try s.runDetached(name, ["--", "sh", "-c", "while [ ! -e /tmp/go ]; do sleep 0.05; done; \(Self.printTwentyMiB); echo END"])
        // Following from before the first byte: all of it must come through.
        let follow = try Shell.start(s.command(["logs", "-f", name]), cwd: s.project)
        usleep(300_000)
        #expect(try s.devbox(["exec", name, "--", "touch", "/tmp/go"]).status == 0)
        let r = try Shell.finish(follow, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.count == (20 << 20) + 4, "\(r.stdout.count) bytes")
        let text = r.out
        #expect(text.hasSuffix("\(line)\nEND\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == (20 << 20) / 32 + 1 && lines.dropLast().allSatisfy { $0 == line }, "\(lines.count) lines")
        #expect(FileManager.default.fileExists(atPath: s.data.path + "/devbox/containers/\(id)/container.log.1"), "the log rotated while followed")
    }

    @Test("ten concurrent starts of one created container: all exit 0, one supervisor, one command", arguments: Runner.all)
    func concurrentStarts(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let marker = Scratch.sleepMarker()
        let created = try s.devbox(["create", "--name", name, "--", "sleep", marker])
        try #require(created.status == 0, "\(created.stderr)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let starts = try (0..<10).map { _ in try Shell.start(s.command(["start", name]), cwd: s.project) }
        for start in starts {
            let r = try Shell.finish(start, timeout: 60)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.out == name + "\n")
        }
        let supervisors = try s.supervisors(id, all: true)
        #expect(try s.supervisors(id).count == 1, "one supervisor: \(supervisors)")
        #expect(try Scratch.processes(commandLine: "sleep " + marker).count == 1, "one command")
        #expect(try s.state(name)["Running"] as? Bool == true)
    }

    @Test("ten concurrent rm -f of one running container: it is gone, no error but 'no container'", arguments: Runner.all)
    func concurrentRemovals(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let marker = Scratch.sleepMarker()
        let id = try s.runDetached(name, ["--", "sleep", marker])
        let pid1 = try #require(try s.state(name)["Pid"] as? Int)
        let removals = try (0..<10).map { _ in try Shell.start(s.command(["rm", "-f", name]), cwd: s.project) }
        var removed = 0
        for removal in removals {
            let r = try Shell.finish(removal, timeout: 60)
            if r.status == 0 {
                removed += 1
            } else {
                #expect(r.stderr.contains("no container named or with id \(name)"), "\(r.stderr)")
            }
        }
        #expect(removed >= 1)
        #expect(try s.psRows(["-a", "--filter", "name=\(name)"]).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: s.data.path + "/devbox/containers/" + id))
        #expect(!FileManager.default.fileExists(atPath: s.data.path + "/devbox/containers/" + id + ".removing"))
        try waitFor(seconds: 10) { kill(pid_t(pid1), 0) != 0 }
        try waitFor(seconds: 10) { try Scratch.processes(commandLine: "sleep " + marker).isEmpty }
    }

    @Test("events from ten parallel run -d and rm -f: every line is whole JSON", arguments: Runner.all)
    func concurrentEvents(runner: Runner) throws {
        let s = try Scratch(runner)
        let names = (0..<10).map { _ in Scratch.containerName() }
        defer { s.removeContainers(names) }
        let runs = try names.map { try Shell.start(s.command(["run", "-d", "--name", $0, "--", "sleep", "1000"]), cwd: s.project) }
        for run in runs { #expect(try Shell.finish(run, timeout: 120).status == 0) }
        let removals = try names.map { try Shell.start(s.command(["rm", "-f", $0]), cwd: s.project) }
        for removal in removals { #expect(try Shell.finish(removal, timeout: 120).status == 0) }

        let log = s.runtime.path + "/devbox/events.log"
        var lines: [Substring] = []
        for path in [log + ".1", log] {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.hasSuffix("\n"), "\(path) ends with a whole line")
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        }
        var statuses: [String: Int] = [:]
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not JSON: \(line)")
            if let status = object?["Status"] as? String { statuses[status, default: 0] += 1 }
        }
        for status in ["create", "start", "die", "destroy"] { #expect(statuses[status] == 10, "\(status): \(statuses)") }
        #expect(try s.events([]).count == lines.count, "events reads every line")
    }
}

// MARK: - helpers for hostile states

extension Scratch {
    /// A `sleep` argument no other process has: its command line finds it.
    static func sleepMarker() -> String { "1000\(Int.random(in: 100_000...999_999))" }

    /// Pids whose whole command line is `line`.
    static func processes(commandLine line: String) throws -> [Int] {
        let r = try Shell.run(["/usr/bin/pgrep", "-x", "-f", line])
        return r.out.split(separator: "\n").compactMap { Int($0) }
    }

    /// `devbox-supervise ID …` processes: with `all`, its forks too (PID 1
    /// and the log copier never exec); else only the supervisors themselves.
    func supervisors(_ id: String, all: Bool = false) throws -> [Int] {
        let r = try Shell.run(["/usr/bin/pgrep", "-u", String(runner.uid), "-f", "devbox-supervise \(id) "])
        let pids = r.out.split(separator: "\n").compactMap { Int($0) }
        if all { return pids }
        return try pids.filter { !pids.contains(try Scratch.statField($0, 4)) }
    }

    /// A reboot empties XDG_RUNTIME_DIR; it comes back empty, the user's, 0700.
    func emptyRuntimeDirectory() throws {
        _ = try Shell.run(["/bin/rm", "-rf", runtime.path])
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: false)
        chmod(runtime.path, 0o700)
        if runner.user != nil { chown(runtime.path, runner.uid, runner.gid) }
    }

    /// Rewrites a file of the runner's in place (owner and mode stay).
    func overwrite(_ path: String, with contents: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(contents.utf8))
        try handle.close()
    }

}
