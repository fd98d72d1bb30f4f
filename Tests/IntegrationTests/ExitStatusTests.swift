import Foundation
import Testing

@Suite("exit status and signals")
struct ExitStatusTests {
    @Test("devbox exits with the command's exit code", arguments: Runner.all, [0, 3, 255])
    func exitCode(runner: Runner, code: Int) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--", "sh", "-c", "exit \(code)"])
        #expect(r.status == Int32(code), "\(r.stderr)")
    }

    @Test("death by signal N gives 128+N", arguments: Runner.all, [9, 15])
    func deathBySignal(runner: Runner, signal: Int) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--", "sh", "-c", "kill -\(signal) $$"])
        #expect(r.status == Int32(128 + signal), "\(r.stderr)")
    }

    @Test("a missing command exits 127 with a message naming it", arguments: Runner.all)
    func missingCommand(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--", "no-such-command-xyz"])
        #expect(r.status == 127)
        #expect(r.stderr.contains("no-such-command-xyz: command not found"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test("SIGTERM to devbox reaches the command, which can trap it", arguments: Runner.all)
    func signalForwarding(runner: Runner) throws {
        let s = try Scratch(runner)
        let ready = s.project.appendingPathComponent("ready")
        let script = "trap 'echo trapped; exit 7' TERM; touch \(ready.path); while :; do sleep 0.05; done"
        let running = try Shell.start(s.command(["run", "--", "sh", "-c", script]), cwd: s.project)
        try waitFor { FileManager.default.fileExists(atPath: ready.path) }
        kill(running.pid, SIGTERM)
        let r = try Shell.finish(running, timeout: 10)
        #expect(r.status == 7, "\(r.stderr)")
        #expect(r.out.contains("trapped"))
    }

    @Test("killing devbox with SIGKILL leaves no process behind", arguments: Runner.all)
    func noOrphans(runner: Runner) throws {
        let s = try Scratch(runner)
        let marker = String(Int.random(in: 100_000...999_999))
        let ready = s.project.appendingPathComponent("ready")
        let script = "sleep 3\(marker) & sleep 4\(marker) & touch \(ready.path); wait"
        let running = try Shell.start(s.command(["run", "--", "sh", "-c", script]), cwd: s.project)
        try waitFor { FileManager.default.fileExists(atPath: ready.path) }
        #expect(try processCount(matching: marker) >= 2)
        kill(running.pid, SIGKILL)
        _ = try? Shell.finish(running, timeout: 10)
        try waitFor(seconds: 5) { (try? processCount(matching: marker)) == 0 }
    }

    // A --rm run returns when the command ends, before PID 1 has taken the
    // namespaces down; what the command left running still dies with PID 1,
    // whatever it does with SIGTERM and SIGHUP.
    @Test("--rm: the command's status at its end, and what it left running dies", arguments: Runner.all, ["", "-v /scratch"])
    func returnBeforeTeardown(runner: Runner, volume: String) throws {
        let s = try Scratch(runner)
        let marker = String(Int.random(in: 100_000...999_999))
        let script = "trap '' TERM HUP; (trap '' TERM HUP; exec sleep 3\(marker)) & echo started; exit 5"
        let flags = volume.split(separator: " ").map(String.init)
        let r = try s.devbox(["run", "--rm"] + flags + ["--", "sh", "-c", script])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.out == "started\n")
        try waitFor(seconds: 5) { (try? processCount(matching: marker)) == 0 }
    }

    @Test("PID 1 reaps orphaned zombies", arguments: Runner.all)
    func zombiesReaped(runner: Runner) throws {
        let s = try Scratch(runner)
        // The inner shell exits at once, orphaning its background child to
        // PID 1; once that child exits it must be reaped, not left a zombie.
        // A zombie keeps its /proc entry until reaped: wait (bounded) for it
        // to go, and say which state it was left in.
        let script = """
            pid=$(sh -c 'sleep 0.1 >/dev/null & echo $!')
            i=0; while [ -e /proc/$pid ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            if [ -e /proc/$pid ]; then echo "left: $(cut -d' ' -f3 /proc/$pid/stat)"; else echo reaped; fi
            """
        let r = try s.devbox(["run", "--", "sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "reaped\n")
    }
}

func waitFor(seconds: Double = 10, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        usleep(20_000)
    }
    Issue.record("condition not met within \(seconds)s")
    throw CancellationError()
}

func processCount(matching marker: String) throws -> Int {
    let r = try Shell.run(["/usr/bin/pgrep", "-c", "-f", "sleep [34]\(marker)"])
    return Int(r.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}
