import Foundation
import Testing

@Suite("isolation and the project")
struct IsolationTests {
    @Test("the command does not see host processes", arguments: Runner.all)
    func pidNamespace(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", "echo $$; ls -d /proc/[0-9]* | wc -l"])
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "2", "the command is the child of devbox's init")
        #expect((Int(lines.last ?? "") ?? 99) <= 4, "only init, the shell and its children: \(r.out)")
        // In the project's environment the command is exec'd beside the
        // environment's waiting process (docs/CONTAINERS.md).
        let joined = try s.devbox(["run", "--", "sh", "-c", "echo $$; ls -d /proc/[0-9]* | wc -l"])
        let counts = joined.out.split(separator: "\n").compactMap { Int($0) }
        #expect(counts.count == 2 && counts[0] <= 3 && counts[1] <= 5, "init, the waiting process, the shell and its children: \(joined.out)")
    }

    @Test("--hostname sets the hostname, /etc/hostname and /etc/hosts", arguments: Runner.all)
    func hostname(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--hostname", "boxy", "--", "sh", "-c", "hostname; cat /etc/hostname; grep -c boxy /etc/hosts"])
        #expect(r.out == "boxy\nboxy\n1\n", "\(r.stderr)")
    }

    @Test("the project is writable at its own path and files belong to the user", arguments: Runner.all)
    func projectOwnership(runner: Runner) throws {
        let s = try Scratch(runner)
        let sub = s.project.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        if runner.user != nil { chown(sub.path, runner.uid, runner.gid) }
        let r = try s.devbox(["run", "--", "sh", "-c", "pwd; echo made > out.txt"], cwd: sub)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == sub.path + "\n", "the working directory inside is the same path")
        var st = stat()
        #expect(stat(sub.appendingPathComponent("out.txt").path, &st) == 0)
        #expect(st.st_uid == runner.uid && st.st_gid == runner.gid)
    }

    @Test("writes outside the project persist in the project's layer, never on the host", arguments: Runner.all)
    func writesLandInUpperLayer(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = "devbox-it-\(UUID().uuidString.prefix(6))"
        let target = "/var/tmp/\(name)"
        let w = try s.devbox(["run", "--", "sh", "-c", "echo persisted > \(target)"])
        #expect(w.status == 0, "\(w.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target), "the host is untouched")
        let r = try s.devbox(["run", "--", "cat", target])
        #expect(r.out == "persisted\n", "the next run of the same project sees it: \(r.stderr)")
        let layer = try #require(s.containerDirectories.first)
        #expect(FileManager.default.fileExists(atPath: layer + "/upper/var/tmp/\(name)"))
    }

    @Test("--rm leaves nothing behind", arguments: Runner.all)
    func throwaway(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", "echo x > /var/tmp/gone && cat /var/tmp/gone"])
        #expect(r.status == 0 && r.out == "x\n", "\(r.stderr)")
        #expect(s.containerDirectories.isEmpty, "no environment is kept for the project")
        // The user-namespace holder's pid file and socket and the per-boot
        // answer about tmpfs layers are shared state, like the host skeleton.
        let left = try Shell.run(["/usr/bin/find", s.runtime.path, "-mindepth", "1", "!", "-path", "*/devbox/userns-*.pid",
                                  "!", "-path", "*/devbox/userns-*.sock", "!", "-path", "*/devbox/tmpfs-layers-*", "!", "-path", "*/devbox"])
        #expect(left.out.isEmpty, "left behind: \(left.out)")
        let again = try s.devbox(["run", "--rm", "--", "test", "-e", "/var/tmp/gone"])
        #expect(again.status == 1)
    }

    @Test("the user's home, other homes, /root, /run/user and the host's /tmp stay hidden", arguments: Runner.all)
    func privatePathsHidden(runner: Runner) throws {
        let s = try Scratch(runner)
        let marker = "devbox-secret-\(UUID().uuidString.prefix(6))"
        let hostTmp = "/tmp/\(marker)"
        _ = FileManager.default.createFile(atPath: hostTmp, contents: Data("secret".utf8))
        defer { unlink(hostTmp) }
        let homeFile = runner.home + "/" + marker
        _ = FileManager.default.createFile(atPath: homeFile, contents: Data("secret".utf8))
        defer { unlink(homeFile) }
        let script = "test ! -e \(hostTmp) && test ! -e \(homeFile) && echo $HOME && ls -A /home | tr '\\n' ' '; echo; ls -A /root 2>/dev/null | wc -l; ls -A /run | wc -l"
        let r = try s.devbox(["run", "--", "sh", "-c", script])
        #expect(r.status == 0, "hidden files are visible: \(r.stderr)")
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == runner.home, "the container has a home at the user's path")
        if runner.uid != 0 {
            #expect(lines[1].trimmingCharacters(in: .whitespaces) == String(runner.home.split(separator: "/").last ?? ""),
                    "only the user's own home directory exists under /home: \(lines[1])")
            #expect(lines[2] == "0", "/root is empty")
        }
        #expect(lines[3] == "0", "/run is the container's own")
    }

    @Test("-v binds a path and refuses a missing source", arguments: Runner.all)
    func volumes(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("data.txt", "volume-data\n")
        let ok = try s.devbox(["run", "-v", "\(s.project.path)/data.txt:/opt/vol.txt:ro", "--", "sh", "-c", "cat /opt/vol.txt; echo no > /opt/vol.txt"])
        #expect(ok.out == "volume-data\n")
        #expect(ok.status != 0, "a :ro volume is read-only")
        let bad = try s.devbox(["run", "-v", "/does/not/exist:/x", "--", "true"])
        #expect(bad.status == 125, "a bad flag is a usage error (docs/EXIT-CODES.md)")
        #expect(bad.stderr.contains("'/does/not/exist' does not exist"))
    }

    @Test("-e, --env-file and -w set the environment and working directory", arguments: Runner.all)
    func environment(runner: Runner) throws {
        let s = try Scratch(runner)
        try s.write("vars.env", "# comment\nFROM_FILE=1\n")
        let r = try s.devbox(["run", "-e", "A=b", "--env-file", "vars.env", "-w", "/tmp", "--",
                              "sh", "-c", "echo $A $FROM_FILE $container; pwd"])
        #expect(r.out == "b 1 devbox\n/tmp\n", "\(r.stderr)")
    }

    @Test("--network none: a network namespace of its own, with only loopback, up; host listeners unreachable", arguments: Runner.all)
    func networkNone(runner: Runner) throws {
        let s = try Scratch(runner)
        // A listener on the host's loopback: reachable from --network host,
        // not from a namespace of the container's own.
        let listener = try Shell.start(["/usr/bin/python3", "-c",
            "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(120)"])
        defer { kill(listener.pid, SIGKILL); listener.process.waitUntilExit() }
        let port = String(decoding: listener.stdoutPipe.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(port) != nil, "listener port: \(port)")
        let probe = """
            import socket, os
            print(os.readlink('/proc/self/ns/net'))
            print(sorted(l.split(':')[0].strip() for l in open('/proc/net/dev') if ':' in l))
            try:
                socket.create_connection(('127.0.0.1', \(port)), timeout=5).close(); print('host-reached')
            except OSError:
                print('host-unreachable')
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
            socket.create_connection(s.getsockname(), timeout=5).close(); print('lo-up')
            """
        let hostNet = try #require(FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net") as String?)
        let none = try s.devbox(["run", "--rm", "--network", "none", "--", "python3", "-c", probe])
        #expect(none.status == 0, "\(none.stderr)")
        let lines = none.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines[0] != hostNet, "a new network namespace: \(none.out)")
        #expect(Array(lines.dropFirst()) == ["['lo']", "host-unreachable", "lo-up"], "\(none.out)")
        let host = try s.devbox(["run", "--rm", "--network", "host", "--", "python3", "-c", probe])
        #expect(host.status == 0, "\(host.stderr)")
        let hostLines = host.out.split(separator: "\n").map(String.init)
        #expect(hostLines.first == hostNet && hostLines.dropFirst(2).first == "host-reached", "\(host.out)")
    }

    @Test("PID 1, the command and an exec share the container's one network namespace, with and without a terminal",
          arguments: Runner.all)
    func oneNetworkNamespace(runner: Runner) throws {
        // Without a terminal the command's process makes the namespace while
        // PID 1 mounts, and PID 1 joins it; with one, the clone makes it.
        let s = try Scratch(runner)
        let hostNet = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        for terminal in [false, true] {
            let name = Scratch.containerName()
            defer { s.removeContainers([name]) }
            try s.runDetached(name, ["--network", "none"] + (terminal ? ["-t"] : []) + ["--", "sleep", "600"])
            let pid1 = try #require(try s.state(name)["Pid"] as? Int)
            let initNet = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid1)/ns/net")
            let command = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(try s.mainProcess(name))/ns/net")
            let exec = try s.devbox(["exec", name, "--", "sh", "-c", "readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"])
            #expect(initNet != hostNet, "terminal \(terminal): PID 1 is not in the host's network namespace")
            #expect(command == initNet, "terminal \(terminal): the command is where PID 1 is")
            #expect(exec.out == initNet + "\nlo\n", "terminal \(terminal): \(exec.out) \(exec.stderr)")
        }
    }

    @Test("/sys follows the network: with --network none a read-only, masked sysfs of its own (only lo) with the host's cgroup tree",
          arguments: Runner.all)
    func sysfsFollowsTheNetwork(runner: Runner) throws {
        let s = try Scratch(runner)
        let fm = FileManager.default
        let hostDevices = try fm.contentsOfDirectory(atPath: "/sys/class/net").sorted()
        let hostCgroup = ((try? fm.contentsOfDirectory(atPath: "/sys/fs/cgroup")) ?? []).sorted()
        let script = """
            ls -1 /sys/class/net | tr '\\n' ' '; echo
            ls -1 /sys/fs/cgroup | tr '\\n' ' '; echo
            touch /sys/x 2>/dev/null && echo writable || echo read-only
            touch /sys/fs/cgroup/x 2>/dev/null && echo writable || echo read-only
            ls -A /sys/firmware | wc -l
            """
        func expected(_ devices: [String]) -> String {
            devices.map { $0 + " " }.joined() + "\n" + hostCgroup.map { $0 + " " }.joined() + "\nread-only\nread-only\n0\n"
        }
        // The command's process makes the namespace while PID 1 mounts (no
        // terminal), or the clone makes it (-t): sysfs is taken in it either way.
        for terminal in [false, true] {
            let name = Scratch.containerName()
            defer { s.removeContainers([name]) }
            try s.runDetached(name, ["--network", "none"] + (terminal ? ["-t"] : []) + ["--", "sleep", "600"])
            let r = try s.devbox(["exec", name, "--", "sh", "-c", script])
            #expect(r.status == 0 && r.out == expected(["lo"]), "terminal \(terminal): \(r.out) \(r.stderr)")
        }
        let once = try s.devbox(["run", "--rm", "--network", "none", "--", "sh", "-c", script])
        #expect(once.status == 0 && once.out == expected(["lo"]), "\(once.out) \(once.stderr)")
        let host = try s.devbox(["run", "--rm", "--", "sh", "-c", script])
        #expect(host.status == 0 && host.out == expected(hostDevices), "\(host.out) \(host.stderr)")
        // An image without sysfs of its own gets the same.
        let image = try UpperLayerTests.importImage(s)
        let inImage = try s.devbox(["run", "--rm", "--network", "none", image, "--", "ls", "/sys/class/net"])
        #expect(inImage.status == 0 && inImage.out == "lo\n", "\(inImage.out) \(inImage.stderr)")
    }

    @Test("--userns keep-id keeps the user's uid inside, mapped onto itself", arguments: Runner.all)
    func keepID(runner: Runner) throws {
        let s = try Scratch(runner)
        let script = "id -u; id -g; awk '$1 == '$(id -u)' { print $2 }' /proc/self/uid_map; echo made > keep-id.txt"
        let r = try s.devbox(["run", "--userns", "keep-id", "--", "sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        // Inside and outside the same number, and the file it makes is the user's.
        #expect(r.out == "\(runner.uid)\n\(runner.gid)\n\(runner.uid)\n", "\(r.out)")
        var st = stat()
        #expect(stat(s.project.appendingPathComponent("keep-id.txt").path, &st) == 0 && st.st_uid == runner.uid)
        if runner.uid != 0 {
            // Without keep-id the same user is root inside: the flag changed something.
            let plain = try s.devbox(["run", "--", "id", "-u"])
            #expect(plain.out == "0\n", "\(plain.stderr)")
        } else {
            // Root keeps root: the whole id space maps onto itself.
            let map = try s.devbox(["run", "--userns", "keep-id", "--", "cat", "/proc/self/uid_map"])
            #expect(map.out.split(whereSeparator: \.isWhitespace) == ["0", "0", "4294967295"], "\(map.out)")
        }
    }

    @Test("with one mapped id (no usable subordinate range: here no_new_privs) the maps are written every time",
          arguments: Runner.all)
    func singleIDMap(runner: Runner) throws {
        // devbox writes this map itself, racing its init's switch to not
        // dumpable, after which the kernel refuses the write: one run in five
        // failed that way. Twenty in a row catch it.
        let s = try Scratch(runner)
        let command = ["/usr/bin/setpriv", "--no-new-privs", "--"] + s.command(["run", "--rm", "--", "id", "-u"])
        for _ in 0..<20 {
            let r = try Shell.run(command, cwd: s.project)
            #expect(r.status == 0 && r.out == "0\n", "\(r.stderr)")
            if r.status != 0 { break }
        }
    }

    @Test("ten parallel runs of the same project all succeed", arguments: Runner.all)
    func parallelRuns(runner: Runner) throws {
        let s = try Scratch(runner)
        let running = try (0..<10).map { i in
            try Shell.start(s.command(["run", "--", "sh", "-c", "echo \(i) > run-\(i).txt; cat run-\(i).txt"]), cwd: s.project)
        }
        for (i, r) in running.enumerated() {
            let result = try Shell.finish(r, timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.out == "\(i)\n")
        }
    }
}
