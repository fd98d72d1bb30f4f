import Foundation
import Testing

/// Rootless, the user namespace holder makes the next run's network
/// namespace ahead (Sources/CSandbox/netspare.c) and hands it over on a
/// socket in the runtime directory. Each run must still get a namespace of
/// its own, ready (lo up), and nothing that comes over that socket may be
/// trusted: not the host's namespace, not another kind of file, not a
/// server that never answers.
@Suite("network namespaces made ahead")
struct NetworkAheadTests {
    /// The socket of the holder the pid file names, once it is there (a new
    /// holder binds it after the run that started it may have ended; under
    /// FUSE one run can start two holders, and only this one counts), or nil
    /// after 10 s. With its pid.
    static func holderSocket(in dir: String) -> (name: String, pid: Int32)? {
        for _ in 0..<200 {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            if let pidFile = names.first(where: { $0.hasSuffix(".pid") }),
               let text = try? String(contentsOfFile: dir + "/" + pidFile, encoding: .utf8),
               let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                let socket = pidFile.dropLast(4) + ".\(pid).sock"
                if names.contains(String(socket)) { return (String(socket), pid) }
            }
            usleep(50_000)
        }
        return nil
    }

    static let probe = ["sh", "-c", "readlink /proc/self/ns/net; cat /sys/class/net/lo/flags; ls /sys/class/net | tr '\\n' ' '"]

    @Test("each --network none container gets a network namespace of its own, lo up and nothing else", arguments: Runner.all)
    func oneNamespacePerRun(runner: Runner) throws {
        let s = try Scratch(runner)
        let hostNet = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        // Two that stay, then runs beside them: a namespace's number can be
        // reused once it is freed, never while its container lives.
        let names = [Scratch.containerName(), Scratch.containerName()]
        defer { s.removeContainers(names) }
        var live: [String] = []
        for name in names {
            _ = try s.runDetached(name, ["--network", "none", "--", "sleep", "600"])
            let pid1 = try #require(try s.state(name)["Pid"] as? Int)
            live.append(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid1)/ns/net"))
        }
        #expect(Set(live + [hostNet]).count == 3, "\(live) \(hostNet)")
        var madeAhead = 0
        for _ in 0..<3 {
            let r = try s.devbox(["run", "--log-level", "debug", "--rm", "--network", "none", "--"] + Self.probe)
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.out.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(r.out)")
            guard lines.count == 3 else { continue }
            #expect(!live.contains(lines[0]) && lines[0] != hostNet, "a namespace of its own: \(lines[0]) \(live)")
            #expect(lines[1] == "0x9", "lo is up (IFF_UP|IFF_LOOPBACK): \(lines[1])")
            #expect(lines[2] == "lo ", "\(lines[2])")
            if r.stderr.contains("network namespace made ahead") { madeAhead += 1 }
        }
        // Root maps no holder; rootless, the holder has one ready after its first run.
        if runner.uid == 0 {
            #expect(madeAhead == 0)
        } else {
            #expect(madeAhead >= 1, "runs that used a namespace made ahead: \(madeAhead)")
        }
    }

    /// A server of the user's own at the holder's socket: sends the host's
    /// network namespace, /dev/null, or nothing at all.
    static let fakeHolder = """
        import os, socket, sys, time
        path, mode = sys.argv[1], sys.argv[2]
        os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.bind(path)
        s.listen(8)
        print("ready", flush=True)
        while True:
            c, _ = s.accept()
            if mode == "silent":
                time.sleep(30)
                continue
            fd = os.open("/proc/self/ns/net" if mode == "host" else "/dev/null", os.O_RDONLY)
            socket.send_fds(c, [b"x"], [fd])
            os.close(fd)
            c.close()
        """

    @Test("what comes over the holder's socket is checked: the host's namespace, another file or silence make the run make its own",
          arguments: Runner.all.filter { $0.uid != 0 }, ["host", "null", "silent"])
    func untrustedSocket(runner: Runner, mode: String) throws {
        let s = try Scratch(runner)
        let hostNet = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        // The first run starts the holder, which opens its socket.
        #expect(try s.devbox(["run", "--rm", "--network", "none", "--", "true"]).status == 0)
        let dir = s.runtime.appendingPathComponent("devbox").path
        let socketName = try #require(Self.holderSocket(in: dir)).name
        let asRunner = runner.user == nil ? [] : ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--"]
        let fake = try Shell.start(asRunner + ["/usr/bin/python3", "-c", Self.fakeHolder, dir + "/" + socketName, mode])
        defer { fake.process.terminate() }
        // Its "ready" line: the socket is in place.
        let ready = fake.stdoutPipe.fileHandleForReading.availableData
        #expect(String(decoding: ready, as: UTF8.self).hasPrefix("ready"))
        let started = Date()
        let r = try s.devbox(["run", "--log-level", "debug", "--rm", "--network", "none", "--"] + Self.probe)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("network namespace made ahead"), "\(r.stderr)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0] != hostNet && lines[1] == "0x9" && lines[2] == "lo ", "\(r.out)")
        // A holder that never answers costs at most its 100 ms timeout.
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test("a holder killed with -9 leaves its socket; the next run's new holder removes it", arguments: Runner.all.filter { $0.uid != 0 })
    func killedHolderSocket(runner: Runner) throws {
        let s = try Scratch(runner)
        let dir = s.runtime.appendingPathComponent("devbox").path
        #expect(try s.devbox(["run", "--rm", "--network", "none", "--", "true"]).status == 0)
        let first = try #require(Self.holderSocket(in: dir))
        kill(first.pid, SIGKILL)
        for _ in 0..<100 where kill(first.pid, 0) == 0 { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: dir + "/" + first.name), "kill -9 leaves the socket")
        #expect(try s.devbox(["run", "--rm", "--network", "none", "--", "true"]).status == 0)
        let second = Self.holderSocket(in: dir)
        #expect(second != nil && second?.pid != first.pid, "a new holder with its socket: \(String(describing: second))")
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + first.name), "the dead holder's socket is gone")
    }
}
