import Foundation
import Testing

@Suite("named volumes")
struct VolumeTests {
    @Test("a named volume outlives the run that wrote it; --rm does not remove it", arguments: Runner.all)
    func survives(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let write = try s.devbox(["run", "--rm", "-v", "keep:/data", "--", "sh", "-c", "echo kept > /data/f"])
        #expect(write.status == 0, "\(write.stderr)")
        let read = try s.devbox(["run", "--rm", "-v", "keep:/data:ro", "--", "sh", "-c", "cat /data/f; touch /data/g 2>/dev/null || echo ro"])
        #expect(read.out == "kept\nro\n", "\(read.stderr)")
    }

    @Test("anonymous volumes go with --rm (foreground and -d) and rm -v; plain rm and named volumes keep theirs", arguments: Runner.all)
    func anonymousVolumes(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let names = { (try s.devbox(["volume", "ls", "-q"])).out.split(separator: "\n").map(String.init) }
        let foreground = try s.devbox(["run", "--rm", "-v", "/data", "-v", "named:/n", "--", "sh", "-c", "echo x > /data/f && cat /data/f"])
        #expect(foreground.out == "x\n", "\(foreground.stderr)")
        #expect(try names() == ["named"], "the anonymous volume went with the run")
        let detached = try s.devbox(["run", "-d", "--rm", "-v", "/data", "--", "true"])
        #expect(detached.status == 0, "\(detached.stderr)")
        try waitFor(seconds: 20) { try names() == ["named"] }
        let kept = try s.devbox(["create", "-v", "/data", "--", "true"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try names().count == 2)
        #expect(try s.devbox(["rm", kept]).status == 0)
        #expect(try names().count == 2, "plain rm keeps anonymous volumes, as podman does")
        let removed = try s.devbox(["create", "-v", "/data", "--", "true"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try names().count == 3)
        #expect(try s.devbox(["rm", "-v", removed]).status == 0)
        #expect(try names().count == 2 && names().contains("named"), "rm -v removes only its anonymous volume")
    }

    @Test("create, ls, inspect, rm and prune", arguments: Runner.all)
    func lifecycle(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        #expect(try s.devbox(["volume", "create", "--label", "team=a", "alpha"]).out == "alpha\n")
        #expect(try s.devbox(["volume", "create", "beta"]).status == 0)
        let again = try s.devbox(["volume", "create", "alpha"])
        #expect(again.status == 1 && again.stderr == "devbox: volume 'alpha' already exists\n")
        let badName = try s.devbox(["volume", "create", "-bad"])
        #expect(badName.status != 0)
        #expect(try s.devbox(["volume", "ls", "-q"]).out == "alpha\nbeta\n")
        let json = try s.devbox(["volume", "ls", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.count == 2 && rows.first?["name"] as? String == "alpha")
        let inspect = try s.devbox(["volume", "inspect", "alpha"])
        let record = try #require((try JSONSerialization.jsonObject(with: inspect.stdout) as? [[String: Any]])?.first)
        #expect((record["labels"] as? [String: String]) == ["team": "a"])
        #expect(record["mountpoint"] as? String == s.data.path + "/devbox/volumes/alpha/_data")
        let unknown = try s.devbox(["volume", "rm", "nope"])
        #expect(unknown.status == 1 && unknown.stderr == "devbox: no such volume 'nope'; see `devbox volume ls`\n")
        #expect(try s.devbox(["volume", "rm", "alpha"]).out == "alpha\n")
        #expect(try s.devbox(["volume", "prune"]).out == "beta\n")
        #expect(try s.devbox(["volume", "ls", "-q"]).out == "")
        #expect(!FileManager.default.fileExists(atPath: s.data.path + "/devbox/volumes/beta"))
    }

    @Test("an anonymous volume gets a 64-hex-digit name", arguments: Runner.all)
    func anonymous(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        #expect(try s.devbox(["create", "-v", "/scratch", "--", "sh", "-c", "echo x > /scratch/f"]).status == 0)
        let names = try s.devbox(["volume", "ls", "-q"]).out.split(separator: "\n")
        #expect(names.count == 1 && names.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test("rm and prune leave a volume a running container uses", arguments: Runner.all)
    func inUse(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let running = try Shell.start(s.command(["run", "--rm", "-v", "busy:/b", "--", "sh", "-c", "echo up > /b/f; read x"]),
                                      cwd: s.project)
        // The lease is taken before the command starts: once the command
        // has written, the volume is leased.
        let volumeFile = s.data.path + "/devbox/volumes/busy/_data/f"
        var waited = 0
        while !FileManager.default.fileExists(atPath: volumeFile) && waited < 200 {
            usleep(50_000)
            waited += 1
        }
        let rm = try s.devbox(["volume", "rm", "busy"])
        #expect(rm.status == 1 && rm.stderr.contains("in use"), "\(rm.stderr)")
        #expect(try s.devbox(["volume", "prune"]).out == "")
        _ = try Shell.finish(running, stdin: Data("go\n".utf8))
        #expect(try s.devbox(["volume", "rm", "busy"]).status == 0)
    }
}
