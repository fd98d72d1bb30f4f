import Foundation
import Testing

/// `devbox attach` to detached containers: stdin reaches a container created
/// with -i (and only such a container), through any number of attaches in
/// turn; a terminal container takes keys and lets the user detach.
@Suite("attach: stdin of detached containers")
struct AttachTests {
    static let echoLoop = "while read l; do echo got:$l; [ \"$l\" = quit ] && exit 7; done; echo eof"

    init() {
        // A client that failed early must not take the test process with it.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Waits until the container's log holds `text`.
    func waitForLog(_ s: Scratch, _ name: String, _ text: String) throws -> Bool {
        for _ in 0..<100 {
            if try s.devbox(["logs", name]).out.contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    @Test("run -d -i: stdin stays open across attaches; an attach killed leaves the container; exit code through attach",
          arguments: Runner.all)
    func stdinAcrossAttaches(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let run = try s.devbox(["run", "-d", "-i", "--name", name, "--", "sh", "-c", Self.echoLoop])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try s.devbox(["inspect", "--format", "{{.Config.OpenStdin}}", name]).out == "true\n")

        // A first client sends two lines and is killed (SIGKILL: no signal
        // is passed on); the container keeps reading.
        let first = try Shell.start(s.command(["attach", name]), cwd: s.project)
        first.stdinPipe.fileHandleForWriting.write(Data("one\ntwo\n".utf8))
        #expect(try waitForLog(s, name, "got:two"))
        kill(first.pid, SIGKILL)
        first.process.waitUntilExit()
        #expect(try s.devbox(["inspect", "--format", "{{.State.Status}}", name]).out == "running\n")

        // Its stdin ended without closing the container's; the next one ends it.
        let second = try s.devbox(["attach", name], stdin: Data("three\nquit\n".utf8))
        #expect(second.status == 7, "\(second.stderr)")
        #expect(second.out.contains("got:three\ngot:quit\n"), "\(second.out)")
        let logs = try s.devbox(["logs", name]).out
        #expect(logs == "got:one\ngot:two\ngot:three\ngot:quit\n", "\(logs)")
        #expect(!logs.contains("eof"))
    }

    @Test("stdin reaches the container byte for byte (binary, 1 MB, no detach keys looked for)", arguments: Runner.all)
    func binaryStdin(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        // 1 MiB with every byte value, ctrl-p ctrl-q included.
        let payload = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) } + [0x10, 0x11])
        let script = "head -c \(payload.count) | sha256sum | cut -c1-64"
        let run = try s.devbox(["run", "-d", "-i", "--name", name, "--", "sh", "-c", script])
        #expect(run.status == 0, "\(run.stderr)")
        let attach = try s.devbox(["attach", name], stdin: payload)
        #expect(attach.status == 0, "\(attach.stderr)")
        let expected = try Shell.run(["/usr/bin/sha256sum"], stdin: payload).out.prefix(64)
        #expect(attach.out == expected + "\n", "\(attach.out)")
    }

    @Test("without -i the container's stdin is empty and attach passes none; --no-stdin passes none", arguments: Runner.all)
    func noStdin(runner: Runner) throws {
        let s = try Scratch(runner)
        let plain = Scratch.containerName(), open = Scratch.containerName()
        defer { s.removeContainers([plain, open]) }
        #expect(try s.devbox(["run", "-d", "--name", plain, "--", "sh", "-c", "read l; echo read:$?:$l; sleep 30"]).status == 0)
        #expect(try waitForLog(s, plain, "read:1:"))
        #expect(try s.devbox(["run", "-d", "-i", "--name", open, "--", "sh", "-c", Self.echoLoop]).status == 0)
        // --no-stdin: the input is not passed; the attach is ended from outside.
        let quiet = try Shell.start(s.command(["attach", "--no-stdin", open]), cwd: s.project)
        quiet.stdinPipe.fileHandleForWriting.write(Data("ignored\n".utf8))
        usleep(500_000)
        kill(quiet.pid, SIGKILL)
        quiet.process.waitUntilExit()
        let openLogs = try s.devbox(["logs", open]).out
        #expect(openLogs == "", "\(openLogs)")
        let bad = try s.devbox(["attach", "--detach-keys", "ctrl-1", open])
        #expect(bad.status == 125, "\(bad.status)")
        #expect(try s.devbox(["inspect", "--format", "{{.Config.OpenStdin}}", plain]).out == "false\n")
        #expect(bad.stderr.contains("--detach-keys"), "\(bad.stderr)")
    }

    @Test("an attach still sending when the container exits gives the container's exit code (no SIGPIPE)", arguments: Runner.all)
    func containerEndsWhileSending(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        #expect(try s.devbox(["run", "-d", "-i", "--name", name, "--", "sh", "-c", "read l; exit 3"]).status == 0)
        // Far more than the pipe and socket buffers hold.
        let flood = Data(repeating: UInt8(ascii: "y"), count: 16 << 20).enumerated().map { $0.offset % 2 == 1 ? UInt8(ascii: "\n") : $0.element }
        let attach = try s.devbox(["attach", name], stdin: Data(flood))
        #expect(attach.status == 3, "\(attach.status) \(attach.stderr)")
    }

    @Test("a link planted where the attach socket goes (to a host file, to a host directory) is replaced, never followed",
          arguments: Runner.all, ["file", "directory"])
    func plantedSocketPath(runner: Runner, target: String) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let create = try s.devbox(["create", "-i", "--name", name, "--", "sh", "-c", Self.echoLoop])
        #expect(create.status == 0, "\(create.stderr)")
        let id = create.out.trimmingCharacters(in: .whitespacesAndNewlines)
        // A host path the user owns, and a link to it where the relay binds.
        let host = s.root.appendingPathComponent("host-" + target)
        if target == "file" {
            try "keep\n".write(to: host, atomically: false, encoding: .utf8)
        } else {
            try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true)
        }
        let live = s.runtime.appendingPathComponent("devbox/containers/" + id)
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: live.appendingPathComponent("attach.sock").path, withDestinationPath: host.path)
        if runner.user != nil {
            _ = try Shell.run(["/bin/chown", "-R", "-h", "\(runner.uid):\(runner.gid)", s.runtime.path, host.path])
        }
        #expect(try s.devbox(["start", name]).status == 0)
        let attach = try s.devbox(["attach", name], stdin: Data("quit\n".utf8))
        #expect(attach.status == 7 && attach.out == "got:quit\n", "\(attach.status) \(attach.out) \(attach.stderr)")
        // The host path is as it was; nothing was bound inside it.
        if target == "file" {
            #expect(try String(contentsOf: host, encoding: .utf8) == "keep\n")
        } else {
            #expect(try FileManager.default.contentsOfDirectory(atPath: host.path).isEmpty)
        }
    }

    @Test("a terminal container: keys go to its terminal, ctrl-p ctrl-q detaches and leaves it running", arguments: Runner.all)
    func terminalDetach(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        #expect(try s.devbox(["run", "-d", "-i", "-t", "--name", name, "--", "sh", "-c", "read l; echo tty-got:$l; sleep 30"]).status == 0)
        let typed = try s.devbox(["attach", name], stdin: Data("hello\r".utf8 + [0x10, 0x11]))
        #expect(typed.status == 0, "\(typed.stderr)")
        let seen = try waitForLog(s, name, "tty-got:hello")
        let logs = try s.devbox(["logs", name]).out
        #expect(seen, "\(logs) \(typed.out)")
        let state = try s.devbox(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name]).out
        #expect(state == "running 0\n", "\(state)")
    }

    // A detached terminal container has no terminal to take a size from:
    // attach passes its own (a file in the live directory and SIGWINCH to
    // the supervisor). What else lands in that file is refused or ignored.
    @Test("a terminal container gets the attaching terminal's size and its changes; a bad size file changes nothing",
          arguments: Runner.all)
    func windowSize(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        let loop = "trap 'stty size' WINCH; while :; do sleep 0.1; done"
        #expect(try s.devbox(["run", "-d", "-i", "-t", "--name", name, "--", "sh", "-c", loop]).status == 0)
        func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let attach = s.command(["attach", name]).map(quoted).joined(separator: " ")
        // script(1) gives attach a terminal of 33x101, resized to 40x120 while attached.
        let resize = "python3 -c 'import fcntl,termios,struct,time; time.sleep(1); "
            + "fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack(\"HHHH\", 40, 120, 0, 0))'"
        let running = try Shell.start(["/usr/bin/script", "-qfec", "stty rows 33 cols 101; \(resize) & \(attach)", "/dev/null"], cwd: s.project)
        #expect(try waitForLog(s, name, "33 101"))
        #expect(try waitForLog(s, name, "40 120"))
        running.stdinPipe.fileHandleForWriting.write(Data([0x10, 0x11]))
        let detached = try Shell.finish(running, timeout: 20)
        #expect(detached.status == 0, "\(detached.stderr)")

        // Sizes out of range, junk, and a link planted in the file's place.
        let inspect = try s.devbox(["inspect", "--format", "{{.Id}}", name]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let file = s.runtime.path + "/devbox/containers/" + inspect + "/winsize"
        let supervisor = try #require(Int32(try s.devbox(["inspect", "--format", "{{.State.ConmonPid}}", name]).out
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let target = s.root.appendingPathComponent("size-target").path
        try "7 7\n".write(toFile: target, atomically: false, encoding: .utf8)
        for content in ["0 0\n", "70000 5\n", "12 x\n", "12\n", "-1 5\n", String(repeating: "9", count: 40)] {
            try? FileManager.default.removeItem(atPath: file)
            try content.write(toFile: file, atomically: false, encoding: .utf8)
            kill(supervisor, SIGWINCH)
        }
        try? FileManager.default.removeItem(atPath: file)
        #expect(symlink(target, file) == 0)
        kill(supervisor, SIGWINCH)
        usleep(500_000)
        let logs = try s.devbox(["logs", name]).out.replacingOccurrences(of: "\r", with: "")
        #expect(logs.split(separator: "\n").map(String.init) == ["33 101", "40 120"], "\(logs)")
        let state = try s.devbox(["inspect", "--format", "{{.State.Status}}", name]).out
        #expect(state == "running\n", "\(state)")
    }
}
