import Foundation
import Testing

/// `devbox exec` from another process into a running container: what the
/// command gets (environment, directory, identity, capabilities, filter,
/// namespaces), exit codes, and stdio passed through unbuffered.
@Suite("exec into a running container")
struct ExecTests {
    @Test("the container's environment plus -e, -w, -u nobody and -u 0:0", arguments: Runner.all)
    func environmentDirectoryUser(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["-e", "LT_CONTAINER=from-create", "-e", "LT_OVERRIDDEN=old", "--", "sleep", "1000"])
        let env = try s.devbox(["exec", "-e", "LT_EXEC=from-exec", "-e", "LT_OVERRIDDEN=new", name, "--", "env"])
        #expect(env.status == 0, "\(env.stderr)")
        let lines = Set(env.out.split(separator: "\n").map(String.init))
        #expect(lines.contains("LT_CONTAINER=from-create"))
        #expect(lines.contains("LT_EXEC=from-exec"))
        #expect(lines.contains("LT_OVERRIDDEN=new"))
        #expect(!lines.contains("LT_OVERRIDDEN=old"))

        try s.write("lt.env", "# a comment\nLT_FROM_FILE=file value\n\nLT_OVERRIDDEN=from-file\n")
        let fromFiles = try s.devbox(["exec", "--env-file", s.project.appendingPathComponent("lt.env").path, "-e", "LT_HOST",
                                      name, "--", "sh", "-c", "echo \"$LT_FROM_FILE|$LT_HOST|$LT_OVERRIDDEN\""],
                                     extraEnv: ["LT_HOST": "host value"])
        #expect(fromFiles.out == "file value|host value|from-file\n", "--env-file lines and -e KEY from the host: \(fromFiles.stderr)")

        let cwd = try s.devbox(["exec", name, "--", "pwd"])
        #expect(cwd.out == s.project.path + "\n", "the container's working directory by default: \(cwd.stderr)")
        let w = try s.devbox(["exec", "-w", "/tmp", name, "--", "pwd"])
        #expect(w.out == "/tmp\n", "\(w.stderr)")
        let badW = try s.devbox(["exec", "-w", "/lt-no-such-dir", name, "--", "pwd"])
        #expect(badW.status != 0)
        #expect(badW.stderr.contains("/lt-no-such-dir"), "\(badW.stderr)")

        let nobody = try s.devbox(["exec", "-u", "nobody", name, "--", "sh", "-c", "id -u; id -g; echo $HOME"])
        #expect(nobody.status == 0, "\(nobody.stderr)")
        #expect(nobody.out == "65534\n65534\n/nonexistent\n", "nobody's ids and home from the container's passwd")
        let root = try s.devbox(["exec", "-u", "0:0", name, "--", "sh", "-c", "id -u; id -g"])
        #expect(root.out == "0\n0\n", "\(root.stderr)")
        let unknown = try s.devbox(["exec", "-u", "lt-no-such-user", name, "--", "true"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no user lt-no-such-user"), "\(unknown.stderr)")
    }

    @Test("capabilities, seccomp and no_new_privs are the container's command's", arguments: Runner.all)
    func securityMatchesContainer(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        let keys = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters"]
        let main = try Scratch.statusFields(try String(contentsOfFile: "/proc/\(try s.mainProcess(name))/status", encoding: .utf8), keys)
        let r = try s.devbox(["exec", name, "--", "cat", "/proc/self/status"])
        #expect(r.status == 0, "\(r.stderr)")
        let exec = try Scratch.statusFields(r.out, keys)
        #expect(exec == main)
        #expect(exec["Seccomp"] == "2", "a filter is loaded")
        #expect(exec["NoNewPrivs"] == "1")
        #expect(exec["CapEff"] != "000001ffffffffff" && exec["CapBnd"] != "000001ffffffffff", "not every capability: \(exec)")
    }

    @Test("the exec gets the container's own seccomp filter, not only a filter", arguments: Runner.all)
    func containersOwnFilter(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.write("deny-mkdir.json", #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}"#)
        try s.runDetached(name, ["--security-opt", "seccomp=deny-mkdir.json", "--", "sleep", "1000"])
        let denied = try s.devbox(["exec", name, "--", "mkdir", "/tmp/lt-denied"])
        #expect(denied.status != 0)
        #expect(denied.stderr.contains("Permission denied"), "\(denied.stderr)")
        let allowed = try s.devbox(["exec", name, "--", "sh", "-c", "touch /tmp/lt-allowed && echo touched"])
        #expect(allowed.out == "touched\n", "only mkdir is refused: \(allowed.stderr)")
        let keys = ["Seccomp", "Seccomp_filters", "NoNewPrivs"]
        let main = try Scratch.statusFields(try String(contentsOfFile: "/proc/\(try s.mainProcess(name))/status", encoding: .utf8), keys)
        let exec = try Scratch.statusFields(try s.devbox(["exec", name, "--", "cat", "/proc/self/status"]).out, keys)
        #expect(exec == main)
    }

    @Test("the exec shares the container's PID namespace and sees its processes", arguments: Runner.all)
    func pidNamespace(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1357"])
        let mainNS = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(try s.mainProcess(name))/ns/pid")
        let ns = try s.devbox(["exec", name, "--", "readlink", "/proc/self/ns/pid"])
        #expect(ns.out == mainNS + "\n", "\(ns.stderr)")
        let mine = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        #expect(mainNS != mine, "the container has a PID namespace of its own")
        let ps = try s.devbox(["exec", name, "--", "sh", "-c", "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done"])
        let commands = ps.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(commands.contains("sleep 1357"), "the container's command is visible: \(commands)")
        #expect(commands.count <= 6, "only the container's processes: \(commands)")
        let one = try s.devbox(["exec", name, "--", "cat", "/proc/1/cmdline"])
        #expect(one.status == 0 && !one.stdout.isEmpty, "PID 1 is the container's init: \(one.stderr)")
    }

    @Test("exit codes pass through: 42, 127 for a missing command; a stopped container is refused", arguments: Runner.all)
    func exitCodes(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        #expect(try s.devbox(["exec", name, "--", "sh", "-c", "exit 42"]).status == 42)
        let missing = try s.devbox(["exec", name, "--", "lt-no-such-command"])
        #expect(missing.status == 127)
        #expect(missing.stderr.contains("lt-no-such-command: command not found"), "\(missing.stderr)")
        let killed = try s.devbox(["exec", name, "--", "sh", "-c", "kill -9 $$"])
        #expect(killed.status == 137, "a signal's death is 128+N")
        #expect(try s.devbox(["stop", "-t", "0", name]).status == 0)
        let stopped = try s.devbox(["exec", name, "--", "true"])
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("container \(name) is not running; start it with `devbox start \(name)`"), "\(stopped.stderr)")
    }

    @Test("50 MB pass byte-exact through exec -i's stdin and exec's stdout; no terminal without -t", arguments: Runner.all)
    func bytesExact(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        var data = Data(count: 50_000_000)
        data.withUnsafeMutableBytes { buffer in
            var x: UInt64 = 0x2545_F491_4F6C_DD1D
            for i in 0..<buffer.count { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buffer[i] = UInt8(truncatingIfNeeded: x) }
        }
        let echoed = try s.devbox(["exec", "-i", name, "--", "cat"], stdin: data, timeout: 120)
        #expect(echoed.status == 0, "\(echoed.stderr)")
        #expect(echoed.stdout.count == data.count)
        #expect(echoed.stdout == data)
        let zeros = try s.devbox(["exec", name, "--", "head", "-c", "50000000", "/dev/zero"], timeout: 120)
        #expect(zeros.status == 0, "\(zeros.stderr)")
        #expect(zeros.stdout.count == 50_000_000)
        #expect(zeros.stdout.allSatisfy { $0 == 0 })
        let tty = try s.devbox(["exec", "-i", name, "--", "sh", "-c", "test -t 0 || echo notty; test -t 1 || echo notty"])
        #expect(tty.out == "notty\nnotty\n", "\(tty.stderr)")
    }

    @Test("-t gives the exec a terminal of its own; signals to the client reach the command", arguments: Runner.all)
    func terminalAndSignals(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        // script(1) provides the outer terminal.
        let inner = s.command(["exec", "-i", "-t", name, "--", "sh", "-c", "tty; test -t 0 && test -t 1 && echo terminal"])
            .map(Scratch.shellQuoted).joined(separator: " ")
        let tty = try Shell.run(["/usr/bin/script", "-qec", inner, "/dev/null"], cwd: s.project)
        #expect(tty.status == 0, "\(tty.stderr)")
        #expect(tty.out.contains("/dev/pts/"), "\(tty.out)")
        #expect(tty.out.contains("terminal"), "\(tty.out)")

        // The command says when its trap is set (on stdout), then waits.
        let client = try Shell.start(s.command(["exec", name, "--", "sh", "-c", "trap 'exit 9' TERM; echo ready; while :; do sleep 0.05; done"]),
                                     cwd: s.project)
        let ready = client.stdoutPipe.fileHandleForReading.availableData
        #expect(String(decoding: ready, as: UTF8.self) == "ready\n")
        // Rootless, the client is the runner's process: signal it as the runner would.
        kill(client.pid, SIGTERM)
        let r = try Shell.finish(client, timeout: 10)
        #expect(r.status == 9, "SIGTERM to devbox exec reaches the command: \(r.status) \(r.stderr)")
    }

    @Test("a JSON-RPC exchange through exec -i, stdin kept open while the reply is read", arguments: Runner.all)
    func jsonRPC(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        let server = """
            import json, os, sys
            inp, out = sys.stdin.buffer, sys.stdout.buffer
            while True:
                headers = {}
                while True:
                    line = inp.readline()
                    if not line: sys.exit(0)
                    line = line.strip()
                    if not line: break
                    key, value = line.decode().split(":", 1)
                    headers[key.strip().lower()] = value.strip()
                request = json.loads(inp.read(int(headers["content-length"])))
                if request["method"] == "initialize":
                    result = {"capabilities": {"hoverProvider": True}, "serverInfo": {"name": "lt-lsp", "uid": os.getuid()},
                              "rootUri": request["params"]["rootUri"]}
                else:
                    result = None
                body = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}).encode()
                out.write(b"Content-Length: %d\\r\\n\\r\\n" % len(body) + body)
                out.flush()
            """
        let running = try Shell.start(s.command(["exec", "-i", name, "--", "/usr/bin/python3", "-c", server]), cwd: s.project)
        // Nothing here may hang the suite: a stuck exchange is killed.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if running.process.isRunning { kill(running.pid, SIGKILL) } }
        let connection = JSONRPCConnection(input: running.stdinPipe.fileHandleForWriting, output: running.stdoutPipe.fileHandleForReading)
        try connection.send(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": ["processId": NSNull(), "rootUri": "file:///lt", "capabilities": [String: Any]()]])
        let reply = try #require(try connection.receive())
        #expect(reply["id"] as? Int == 1)
        let result = try #require(reply["result"] as? [String: Any])
        #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "lt-lsp")
        #expect((result["serverInfo"] as? [String: Any])?["uid"] as? Int == 0, "root inside the container")
        #expect(result["rootUri"] as? String == "file:///lt")
        #expect(running.process.isRunning, "the server is still reading its stdin")
        try connection.send(["jsonrpc": "2.0", "id": 2, "method": "shutdown"])
        let second = try #require(try connection.receive())
        #expect(second["id"] as? Int == 2)
        try running.stdinPipe.fileHandleForWriting.close()
        let end = try Shell.finish(running, timeout: 10)
        #expect(end.status == 0, "the server exits at EOF: \(end.stderr)")
    }

    @Test("20 concurrent execs all succeed with their own output", arguments: Runner.all)
    func concurrentExecs(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = Scratch.containerName()
        defer { s.removeContainers([name]) }
        try s.runDetached(name, ["--", "sleep", "1000"])
        let started = try (0..<20).map { i in
            try Shell.start(s.command(["exec", name, "--", "sh", "-c", "echo exec-$0; exit $(($0 % 3))", String(i)]), cwd: s.project)
        }
        for (i, running) in started.enumerated() {
            let r = try Shell.finish(running, timeout: 60)
            #expect(r.status == Int32(i % 3), "exec \(i): \(r.stderr)")
            #expect(r.out == "exec-\(i)\n", "exec \(i): \(r.stderr)")
        }
        #expect(try s.state(name)["Running"] as? Bool == true)
    }
}

extension Scratch {
    /// KEY: value lines of a /proc/PID/status text, for `keys`.
    static func statusFields(_ text: String, _ keys: [String]) throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, keys.contains(String(parts[0])) else { continue }
            fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        try #require(fields.count == keys.count, "\(fields)")
        return fields
    }
}

/// Content-Length framing (LSP's base protocol) over a pipe pair.
final class JSONRPCConnection {
    let input: FileHandle
    let output: FileHandle
    var buffer = Data()

    init(input: FileHandle, output: FileHandle) {
        self.input = input
        self.output = output
    }

    func send(_ message: [String: Any]) throws {
        let body = try JSONSerialization.data(withJSONObject: message)
        try input.write(contentsOf: Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    /// The next message, or nil at EOF.
    func receive() throws -> [String: Any]? {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil {
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
        let headerEnd = try #require(buffer.range(of: separator))
        let header = String(decoding: buffer[buffer.startIndex..<headerEnd.lowerBound], as: UTF8.self)
        let lengthLine = try #require(header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") })
        let length = try #require(Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
        while buffer.count - (headerEnd.upperBound - buffer.startIndex) < length {
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            buffer += chunk
        }
        let bodyStart = headerEnd.upperBound
        let body = buffer[bodyStart..<bodyStart + length]
        buffer = Data(buffer[(bodyStart + length)...])
        return try JSONSerialization.jsonObject(with: body) as? [String: Any]
    }
}
