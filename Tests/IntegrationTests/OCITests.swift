import Foundation
import Testing

/// `devbox oci`: bundles from `runc spec --rootless` and umoci, run as root
/// and as the unprivileged user, through the lifecycle runtime.md describes.
@Suite(.serialized) struct OCITests {
    /// A busybox bundle owned by the runner, its config.json made by
    /// `runc spec --rootless` as that runner, then edited by `edit`.
    final class Bundle {
        let scratch: Scratch
        let dir: URL
        let state: String
        var runner: Runner { scratch.runner }

        init(_ runner: Runner, edit: (inout [String: Any]) -> Void = { _ in }) throws {
            scratch = try Scratch(runner)
            dir = scratch.root.appendingPathComponent("bundle")
            state = scratch.root.appendingPathComponent("state").path
            let bin = dir.appendingPathComponent("rootfs/bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            for name in ["proc", "dev", "sys", "tmp", "etc"] {
                try FileManager.default.createDirectory(at: dir.appendingPathComponent("rootfs/" + name), withIntermediateDirectories: true)
            }
            try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin.appendingPathComponent("busybox").path)
            for applet in ["sh", "cat", "echo", "grep", "sleep", "id", "ls", "touch", "stat"] {
                try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
            }
            try chownTree()
            let made = try Shell.run(asRunner(["/usr/sbin/runc", "spec", "--rootless"]), cwd: dir)
            #expect(made.status == 0, "\(made.stderr)")
            try self.edit { spec in
                var process = spec["process"] as! [String: Any]
                process["terminal"] = false
                spec["process"] = process
                edit(&spec)
            }
        }

        func chownTree() throws {
            if runner.user != nil { _ = try Shell.run(["/bin/chown", "-R", "\(runner.uid):\(runner.gid)", scratch.root.path]) }
        }

        func edit(_ change: (inout [String: Any]) -> Void) throws {
            let url = dir.appendingPathComponent("config.json")
            var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            change(&spec)
            try JSONSerialization.data(withJSONObject: spec).write(to: url)
            try chownTree()
        }

        func asRunner(_ cmd: [String]) -> [String] {
            runner.user == nil ? cmd : ["/usr/bin/setpriv", "--reuid=\(runner.uid)", "--regid=\(runner.gid)", "--init-groups", "--"] + cmd
        }

        /// `devbox oci --root STATE ARGS`, stdio on pipes.
        func oci(_ args: [String], stdin: Data? = nil) throws -> Shell.Result {
            try scratch.devbox(["oci", "--root", state] + args, stdin: stdin, cwd: dir)
        }

        /// The same with stdio on files: `create` passes its stdio to the
        /// container, which would hold the test's pipes open.
        func ociDetached(_ args: [String]) throws -> (status: Int32, stderr: String) {
            let err = scratch.root.appendingPathComponent("create-\(UUID().uuidString.prefix(6)).err").path
            let cmd = ["/bin/sh", "-c", "exec \"$@\" </dev/null >/dev/null 2>\(err)", "sh"] + scratch.command(["oci", "--root", state] + args)
            let result = try Shell.run(cmd, cwd: dir)
            return (result.status, (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
        }

        func status(_ id: String) throws -> (status: String, pid: Int?) {
            let result = try oci(["state", id])
            #expect(result.status == 0, "\(result.stderr)")
            let doc = try JSONSerialization.jsonObject(with: result.stdout) as! [String: Any]
            return (doc["status"] as! String, doc["pid"] as? Int)
        }

        func process(_ args: [String]) throws {
            try edit { spec in
                var process = spec["process"] as! [String: Any]
                process["args"] = args
                spec["process"] = process
            }
        }
    }

    @Test(arguments: Runner.all)
    func lifecycleCreateStartStateKillDelete(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.process(["sh", "-c", "echo started > /tmp/started; sleep 30"])
        let created = try b.ociDetached(["create", "--pid-file", b.scratch.root.path + "/pid", "c1"])
        #expect(created.status == 0, "\(created.stderr)")
        let (status, pid) = try b.status("c1")
        #expect(status == "created")
        #expect(pid != nil && pid! > 1)
        #expect((try? String(contentsOfFile: b.scratch.root.path + "/pid", encoding: .utf8)) == pid.map(String.init))
        // The command waits: it has not run yet.
        #expect(FileManager.default.fileExists(atPath: "/proc/\(pid!)"))
        let dup = try b.ociDetached(["create", "c1"])
        #expect(dup.status != 0 && dup.stderr.contains("already exists"))
        #expect(try b.oci(["start", "c1"]).status == 0)
        #expect(try b.status("c1").status == "running")
        let again = try b.oci(["start", "c1"])
        #expect(again.status != 0 && again.stderr.contains("not created"))
        let busy = try b.oci(["delete", "c1"])
        #expect(busy.status != 0 && busy.stderr.contains("is running"))
        #expect(try b.oci(["kill", "c1", "KILL"]).status == 0)
        var stopped = false
        for _ in 0..<1000 where !stopped { stopped = try b.status("c1").status == "stopped"; if !stopped { usleep(10_000) } }
        #expect(stopped)
        #expect(try b.oci(["kill", "c1"]).status != 0)
        #expect(try b.oci(["delete", "c1"]).status == 0)
        let gone = try b.oci(["state", "c1"])
        #expect(gone.status != 0 && gone.stderr.contains("does not exist"))
        #expect(try b.oci(["start", "nope"]).stderr.contains("does not exist"))
    }

    @Test(arguments: Runner.all)
    func runPropagatesExitStatusAndDeletes(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.process(["sh", "-c", "echo out-$((6*7)); exit 7"])
        let result = try b.oci(["run", "r1"])
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.out == "out-42\n")
        #expect(try b.oci(["list", "--format", "json"]).out.contains("r1") == false)
    }

    @Test(arguments: Runner.all)
    func deleteForceKillsACreatedContainer(runner: Runner) throws {
        let b = try Bundle(runner)
        #expect(try b.ociDetached(["create", "f1"]).status == 0)
        let pid = try b.status("f1").pid!
        #expect(try b.oci(["delete", "--force", "f1"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(pid)/exe") || (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z") == true)
        #expect(try b.oci(["list", "-q"]).out == "")
    }

    @Test(arguments: Runner.all)
    func hooksGetTheStateOnStdinAtTheirMoments(runner: Runner) throws {
        let b = try Bundle(runner)
        let marks = b.scratch.root.path + "/marks"
        let hook = { (name: String) -> [String: Any] in
            ["path": "/bin/sh", "args": ["sh", "-c", "cat > \(marks)-\(name)"]]
        }
        try b.edit { spec in
            spec["hooks"] = ["createRuntime": [hook("createRuntime")], "createContainer": [hook("createContainer")],
                             "startContainer": [hook("startContainer")], "poststart": [hook("poststart")], "poststop": [hook("poststop")]]
        }
        #expect(try b.ociDetached(["create", "h1"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: marks + "-createRuntime"))
        #expect(!FileManager.default.fileExists(atPath: marks + "-startContainer"))
        let created = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: marks + "-createRuntime"))) as! [String: Any]
        #expect(created["id"] as? String == "h1")
        #expect(created["status"] as? String == "creating")
        #expect((created["pid"] as? Int ?? 0) > 1)
        #expect(try b.oci(["start", "h1"]).status == 0)
        let started = try String(contentsOfFile: marks + "-poststart", encoding: .utf8)
        #expect(started.contains("\"status\":\"running\""))
        #expect(try b.oci(["delete", "--force", "h1"]).status == 0)
        #expect(try String(contentsOfFile: marks + "-poststop", encoding: .utf8).contains("\"status\":\"stopped\""))
    }

    /// A createRuntime hook configures the container's network (CNI does):
    /// when it runs, PID 1 must already be in the container's namespace.
    @Test(arguments: Runner.all)
    func hooksFindPID1InTheContainersNetwork(runner: Runner) throws {
        let b = try Bundle(runner)
        let mark = b.scratch.root.path + "/hook-net"
        let script = "import json, os, sys\ntry: print(os.readlink('/proc/%d/ns/net' % json.load(sys.stdin)['pid']))\nexcept OSError: print('unreadable')"
        try b.edit { spec in
            var linux = spec["linux"] as! [String: Any]
            var namespaces = linux["namespaces"] as! [[String: Any]]
            namespaces.removeAll { $0["type"] as? String == "network" }
            namespaces.append(["type": "network"])
            linux["namespaces"] = namespaces
            spec["linux"] = linux
            spec["hooks"] = ["createRuntime": [["path": "/bin/sh", "args": ["sh", "-c", "/usr/bin/python3 -c \"$0\" > \(mark)", script]]]]
        }
        try b.process(["sh", "-c", "ls -l /proc/self/ns/net"])
        let r = try b.oci(["run", "n1"])
        #expect(r.status == 0, "\(r.stderr)")
        let inside = try #require(r.out.components(separatedBy: "-> ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        let hook = try String(contentsOfFile: mark, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let hostNet = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        #expect(inside.hasPrefix("net:[") && inside != hostNet, "\(r.out)")
        // A rootless hook may not read a PID 1 that is not dumpable.
        #expect(hook == inside || (runner.user != nil && hook == "unreadable"), "hook saw \(hook), the command \(inside)")
    }

    @Test(arguments: Runner.all)
    func failingCreateRuntimeHookAbortsCreate(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.edit { spec in spec["hooks"] = ["createRuntime": [["path": "/bin/false"]]] }
        let result = try b.ociDetached(["create", "hf"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("createRuntime hook /bin/false failed"))
        #expect(try b.oci(["state", "hf"]).status != 0)
    }

    @Test(arguments: Runner.all)
    func capabilitySetsDifferInside(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.edit { spec in
            var process = spec["process"] as! [String: Any]
            process["args"] = ["sh", "-c", "grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status"]
            process["capabilities"] = ["bounding": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN"], "effective": [String](),
                                       "inheritable": [String](), "ambient": [String]()]
            spec["process"] = process
        }
        let result = try b.oci(["run", "cap1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.out.contains("CapBnd:\t0000000000000021"))
        // uid 0 gets effective = permitted at exec (capabilities(7)): permitted shows the spec's set.
        #expect(result.out.contains("CapPrm:\t0000000000000001"))
    }

    @Test(arguments: Runner.all)
    func umaskAndAdditionalGids(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.edit { spec in
            var process = spec["process"] as! [String: Any]
            process["args"] = ["sh", "-c", "umask; grep ^Groups /proc/self/status"]
            process["user"] = ["uid": 0, "gid": 0, "umask": 0o027, "additionalGids": runner.uid == 0 ? [10, 20] : [0]]
            spec["process"] = process
            if runner.uid == 0 {
                // Root maps a range directly, so gids 10 and 20 exist inside.
                var linux = spec["linux"] as! [String: Any]
                linux["uidMappings"] = [["containerID": 0, "hostID": 0, "size": 65536]]
                linux["gidMappings"] = [["containerID": 0, "hostID": 0, "size": 65536]]
                spec["linux"] = linux
            }
        }
        let result = try b.oci(["run", "ug1"])
        if runner.uid == 0 {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.out == "0027\nGroups:\t10 20 \n")
        } else {
            // One id mapped directly: setgroups is denied, so the list cannot be honoured.
            #expect(result.status != 0)
            #expect(result.stderr.contains("additionalGids needs setgroups"))
        }
    }

    @Test(arguments: Runner.all)
    func consoleSocketReceivesTheTerminal(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.edit { spec in
            var process = spec["process"] as! [String: Any]
            process["terminal"] = true
            process["args"] = ["sh", "-c", "test -t 0 && echo on-a-tty"]
            spec["process"] = process
        }
        let socket = b.scratch.root.path + "/console.sock"
        let out = b.scratch.root.path + "/console.out"
        // A console-socket server: receive the master, start the container, read it.
        let server = """
        import socket, array, os, subprocess, sys
        s = socket.socket(socket.AF_UNIX); s.bind('\(socket)'); os.chmod('\(socket)', 0o777); s.listen(1)
        p = subprocess.Popen(sys.argv[1:] + ['create', '--console-socket', '\(socket)', 't1'], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        c, _ = s.accept()
        msg, anc, _, _ = c.recvmsg(1, socket.CMSG_LEN(4))
        fd = array.array('i', anc[0][2][:4])[0]
        assert p.wait() == 0
        assert subprocess.call(sys.argv[1:] + ['start', 't1']) == 0
        data = b''
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk: break
            data += chunk
        open('\(out)', 'wb').write(data)
        """
        let result = try Shell.run(["/usr/bin/python3", "-c", server] + b.scratch.command(["oci", "--root", b.state]), cwd: b.dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try? String(contentsOfFile: out, encoding: .utf8))?.contains("on-a-tty") == true)
        _ = try b.oci(["delete", "--force", "t1"])
    }

    @Test(arguments: Runner.all)
    func umociBundleRuns(runner: Runner) throws {
        let b = try Bundle(runner)
        let layout = b.scratch.root.path + "/layout"
        let unpacked = b.scratch.root.path + "/umoci-bundle"
        for cmd in [["/usr/bin/umoci", "init", "--layout", layout], ["/usr/bin/umoci", "new", "--image", layout + ":t"],
                    ["/usr/bin/umoci", "insert", "--rootless", "--image", layout + ":t", b.dir.path + "/rootfs", "/"],
                    ["/usr/bin/umoci", "unpack", "--rootless", "--image", layout + ":t", unpacked]] {
            let r = try Shell.run(b.asRunner(cmd), cwd: b.scratch.root)
            #expect(r.status == 0, "\(cmd): \(r.stderr)")
        }
        let url = URL(fileURLWithPath: unpacked + "/config.json")
        var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var process = spec["process"] as! [String: Any]
        process["terminal"] = false
        process["args"] = ["sh", "-c", "ls /bin/busybox && exit 9"]
        spec["process"] = process
        try JSONSerialization.data(withJSONObject: spec).write(to: url)
        let result = try b.scratch.devbox(["oci", "--root", b.state, "run", "--bundle", unpacked, "u1"], cwd: b.dir)
        #expect(result.status == 9, "\(result.stderr)")
        #expect(result.out == "/bin/busybox\n")
    }

    @Test(arguments: Runner.all)
    func printSpecRunsUnderOCIRun(runner: Runner) throws {
        let b = try Bundle(runner)
        let spec = try b.scratch.devbox(["run", "--rm", "--print-spec", "--", "sh", "-c", "echo from-devbox-spec; exit 4"])
        #expect(spec.status == 0, "\(spec.stderr)")
        let bundle = b.scratch.root.appendingPathComponent("printed")
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try spec.stdout.write(to: bundle.appendingPathComponent("config.json"))
        try b.chownTree()
        let result = try b.scratch.devbox(["oci", "--root", b.state, "run", "--bundle", bundle.path, "p1"], cwd: b.scratch.project)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.out.contains("from-devbox-spec"))
    }

    /// devbox's `directory` mount type in a bundle whose rootfs aims links
    /// at a host directory (absolute, relative, through "..") or holds a
    /// file where a directory is asked for: made inside the root with the
    /// mode and owner asked for, or refused in one line; nothing on the host.
    @Test("directory mounts through links to the host, '..' and onto a file stay inside the root or are refused", arguments: Runner.all)
    func hostileDirectoryMounts(runner: Runner) throws {
        let b = try Bundle(runner)
        let host = try WatchedHostDirectory(in: b.scratch)
        let rootfs = b.dir.appendingPathComponent("rootfs").path
        try FileManager.default.createSymbolicLink(atPath: rootfs + "/abs", withDestinationPath: "/oldroot" + host.path)
        try FileManager.default.createSymbolicLink(atPath: rootfs + "/rel", withDestinationPath: "../../../../../../oldroot" + host.path)
        FileManager.default.createFile(atPath: rootfs + "/plainfile", contents: Data("x".utf8))
        try b.chownTree()
        func directory(_ destination: String, _ options: [String]) -> [String: Any] {
            ["destination": destination, "type": "directory", "source": "none", "options": options]
        }
        try b.process(["sh", "-c", "stat -c '%a %u' /tmp/t /abs/a /rel/b"])
        let mounts = try JSONSerialization.jsonObject(with: Data(contentsOf: b.dir.appendingPathComponent("config.json"))) as! [String: Any]
        let base = mounts["mounts"] as! [[String: Any]]
        try b.edit { spec in
            spec["mounts"] = base + [directory("/abs/a", ["mode=0750"]), directory("/rel/b", ["mode=0700", "uid=0", "gid=0"]),
                                     directory("/tmp/t", ["mode=01777", "uid=0", "gid=0"])]
        }
        let r = try b.oci(["run", "d1"])
        #expect(r.status == 0 && r.out == "1777 0\n750 0\n700 0\n", "\(r.out) \(r.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
        // ".." in a destination and a file where the directory goes: refused, naming it.
        for (id, bad) in [("d2", "/x/../../../escape"), ("d3", "/plainfile")] {
            try b.edit { spec in spec["mounts"] = base + [directory(bad, ["mode=0755"])] }
            let refused = try b.oci(["run", id])
            #expect(refused.status != 0 && refused.stderr.hasPrefix("devbox: cannot create directory \(bad): "), "\(refused.status) \(refused.stderr)")
            #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
        }
    }

    @Test("a bundle with its own network namespace gets a sysfs of it; without a user namespace: root runs it, rootless is refused",
          arguments: Runner.all)
    func networkNamespaceSysfs(runner: Runner) throws {
        let b = try Bundle(runner)
        try b.process(["sh", "-c", "ls /sys/class/net; id -u"])
        try b.edit { spec in
            var linux = spec["linux"] as! [String: Any]
            var namespaces = linux["namespaces"] as! [[String: Any]]
            namespaces.append(["type": "network"])
            linux["namespaces"] = namespaces
            spec["linux"] = linux
            // `runc spec --rootless` binds the host's /sys; `runc spec` asks for a sysfs.
            spec["mounts"] = (spec["mounts"] as! [[String: Any]]).map { mount in
                mount["destination"] as? String != "/sys" ? mount
                    : ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]]
            }
        }
        let own = try b.oci(["run", "n1"])
        #expect(own.status == 0 && own.out == "lo\n0\n", "\(own.out) \(own.stderr)")
        // As `runc spec` writes it for root: no user namespace, no id maps.
        try b.edit { spec in
            var linux = spec["linux"] as! [String: Any]
            linux["namespaces"] = (linux["namespaces"] as! [[String: Any]]).filter { $0["type"] as? String != "user" }
            linux["uidMappings"] = nil
            linux["gidMappings"] = nil
            spec["linux"] = linux
        }
        let plain = try b.oci(["run", "n2"])
        if runner.user == nil {
            #expect(plain.status == 0 && plain.out == "lo\n0\n", "\(plain.out) \(plain.stderr)")
        } else {
            #expect(plain.status != 0 && plain.stderr.contains("has no user namespace"), "\(plain.stderr)")
        }
    }

    @Test func nonNamespacedSysctlIsRefused() throws {
        let b = try Bundle(Runner.all[0])
        try b.edit { spec in
            var linux = spec["linux"] as! [String: Any]
            linux["sysctl"] = ["vm.swappiness": "10"]
            spec["linux"] = linux
        }
        let result = try b.oci(["run", "s1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sysctl 'vm.swappiness' is not namespaced"))
    }
}
