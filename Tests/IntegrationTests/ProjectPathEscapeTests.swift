import Foundation
import Testing

/// The container paths issues 11 and 12 added, against images (and a
/// copied root) whose directories are symlinks towards the host: the copy
/// storage driver's root, keep-id's copied layers, the identity and display
/// sockets under /run/devbox, a devcontainer's workspaceFolder. Setup must
/// land inside the root or refuse; nothing may appear on the host.
@Suite("project and storage paths stay inside the root")
struct ProjectPathEscapeTests {
    static let kinds = ["run", "etc-absolute", "etc-relative", "mnt", "chain", "files"]

    @Test("the copy driver and keep-id copies of a hostile image: its links are followed inside, for --rm and a persistent root",
          arguments: Runner.all, kinds)
    func copiedRoots(runner: Runner, kind: String) throws {
        let (s, host, image) = try hostileScratch(runner, kind)
        defer { s.removeProjectEnvironments() }
        for flags in [["--storage-driver", "copy", "--rm"], ["--storage-driver", "copy"], ["--rm", "--userns", "keep-id:uid=1000,gid=1000"]] {
            let r = try s.devbox(["run"] + flags + ["-v", s.project.path + ":/mnt/sub", "--hostname", "boxy", image,
                                                    "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/sub/.git && echo bound"])
            #expect(r.status == 0 && r.out == "boxy\nbound\n", "\(kind) \(flags): \(r.out) \(r.stderr)")
            #expect(host.entries.isEmpty, "\(kind) \(flags): created on the host: \(host.entries)")
        }
    }

    @Test("a symlink planted in a copied root by an earlier start is followed inside on the next", arguments: Runner.all)
    func plantedInCopiedRoot(runner: Runner) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage("files", aimingAt: "/nowhere", in: s)
        let name = "cplant-\(UUID().uuidString.prefix(6).lowercased())"
        let created = try s.devbox(["create", "--name", name, "--storage-driver", "copy", "--hostname", "boxy",
                                    "-v", s.project.path + ":/mnt/a/b", image, "--", "sh", "-c", "cat /etc/hostname; test -d /mnt/a/b/.git && echo bound"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? s.devbox(["rm", "-f", name]) }
        let first = try s.devbox(["start", "-a", name])
        #expect(first.status == 0 && first.out == "boxy\nbound\n", "\(first.out) \(first.stderr)")
        let root = s.data.path + "/devbox/containers/" + id + "/rootfs"
        #expect(FileManager.default.fileExists(atPath: root), "the copied root is at \(root)")
        // What the container itself could leave: /mnt and /etc as links to the host.
        for (entry, target) in [("mnt", "/oldroot" + host.path + "/mnt"), ("etc", "../oldroot" + host.path + "/etc")] {
            _ = try Shell.run(["/bin/rm", "-rf", root + "/" + entry])
            #expect(symlink(target, root + "/" + entry) == 0)
            if runner.user != nil { lchown(root + "/" + entry, runner.uid, runner.gid) }
        }
        let second = try s.devbox(["start", "-a", name])
        #expect(second.status == 0 && second.out == "boxy\nbound\n", "\(second.out) \(second.stderr)")
        #expect(host.entries.isEmpty, "created on the host: \(host.entries)")
    }

    @Test("the agent, git config and display sockets under /run/devbox land inside an image whose /run leads to the host",
          arguments: Runner.all)
    func identitySocketsThroughRun(runner: Runner) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage("run", aimingAt: host.path, in: s)
        try s.write("devbox.toml", "image = \"\(image)\"\n")
        defer { s.removeProjectEnvironments() }
        let home = s.root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "[user]\n\tname = Tester\n".write(to: home.appendingPathComponent(".gitconfig"), atomically: false, encoding: .utf8)
        let socket = s.root.appendingPathComponent("sock").path
        let listener = try Shell.start(["/usr/bin/python3", "-c",
            "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1])\ns.listen(1)\ntime.sleep(60)", socket], cwd: nil)
        defer { kill(listener.pid, SIGTERM) }
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }  // python may start slowly on a loaded machine
        if runner.user != nil {
            for path in [home.path, home.appendingPathComponent(".gitconfig").path, socket] { chown(path, runner.uid, runner.gid) }
        }
        let env = ["HOME": home.path, "SSH_AUTH_SOCK": socket, "WAYLAND_DISPLAY": socket, "DEVBOX_FORWARD_AGENT": "1",
                   "DEVBOX_FORWARD_GITCONFIG": "1"]
        let check = "test -S /run/devbox/ssh-agent.sock && test -S /run/devbox/wayland-0 && test -f /run/devbox/gitconfig && echo inside"
        for flags in [["--rm", "--gui"], ["--gui"]] {
            let r = try s.devbox(["run"] + flags + ["--", "sh", "-c", check], extraEnv: env)
            #expect(r.status == 0 && r.out == "inside\n", "\(flags): \(r.out) \(r.stderr)")
            #expect(host.entries.isEmpty, "\(flags): created on the host: \(host.entries)")
        }
    }

    @Test("a devcontainer's workspaceFolder: '..' cannot leave the root, and an image's link is followed inside",
          arguments: Runner.all, ["/../oldroot/HOST/ws", "/mnt/ws", "/workspaces/../../oldroot/HOST/x"])
    func workspaceFolder(runner: Runner, folder: String) throws {
        let s = try Scratch(runner)
        let host = try WatchedHostDirectory(in: s)
        let image = try hostileImage("mnt", aimingAt: host.path, in: s)
        try s.writeDevcontainer(#"{ "image": "\#(image)", "workspaceFolder": "\#(folder.replacingOccurrences(of: "/HOST", with: host.path))" }"#)
        defer { s.removeProjectEnvironments() }
        let r = try s.devbox(["up"])
        if r.status == 0 {
            let exec = try s.devbox(["exec", "--", "sh", "-c", "test -d .git && echo in-workspace"])
            #expect(exec.status == 0 && exec.out == "in-workspace\n", "\(folder): \(exec.out) \(exec.stderr)")
        } else {
            #expect([2, 125].contains(r.status) && r.stderr.split(separator: "\n").count == 1, "\(folder): \(r.stderr)")
        }
        #expect(host.entries.isEmpty, "\(folder): created on the host: \(host.entries)")
    }
}
