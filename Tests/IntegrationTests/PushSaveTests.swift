import Foundation
import Testing

@Suite("push, save and manifest lists")
struct PushSaveTests {
    @Test("devbox push to a registry with auth; skopeo and devbox pull it back")
    func pushWithAuth() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry(auth: ("ada", "s3cret"))
        _ = try s.devbox(["load", "-i", try fixture("layout", "push:1", in: s)])
        let refused = try s.devbox(["push", "-q", "push:1", "\(registry.host)/team/push:1"])
        #expect(refused.status == 1 && refused.stderr.contains("devbox login"), "\(refused.stderr)")
        #expect(try s.devbox(["login", "-u", "ada", "--password-stdin", registry.host], stdin: Data("s3cret\n".utf8)).status == 0)
        let push = try s.devbox(["push", "push:1", "\(registry.host)/team/push:1"])
        #expect(push.status == 0, "\(push.stderr)")
        let digest = try s.devbox(["image", "inspect", "push:1"]).out
        let inspect = try Shell.run(["/usr/bin/skopeo", "inspect", "--tls-verify=false", "--creds", "ada:s3cret",
                                     "docker://\(registry.host)/team/push:1"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let pushedDigest = try #require(try JSONSerialization.jsonObject(with: inspect.stdout) as? [String: Any])["Digest"] as? String
        #expect(digest.contains(pushedDigest ?? "none"), "the registry holds the same manifest")
        let other = try Scratch(Runner.all[0], isolated: true)
        _ = try other.devbox(["login", "-u", "ada", "--password-stdin", registry.host], stdin: Data("s3cret\n".utf8))
        #expect(try other.devbox(["pull", "-q", "\(registry.host)/team/push:1"]).out.hasPrefix(pushedDigest ?? "none"))
        #expect(try other.devbox(["run", "--rm", "\(registry.host)/team/push:1", "--", "cat", "/f"]).out == "back\n")
    }

    @Test("devbox save writes an OCI archive that skopeo reads and devbox loads")
    func saveLoad() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        _ = try s.devbox(["load", "-i", try fixture("layout", "save:1", in: s)])
        let archive = s.root.appendingPathComponent("saved.tar").path
        #expect(try s.devbox(["save", "-o", archive, "save:1"]).status == 0)
        let inspect = try Shell.run(["/usr/bin/skopeo", "inspect", "oci-archive:" + archive])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let other = try Scratch(Runner.all[0], isolated: true)
        let load = try other.devbox(["load", "-i", archive])
        #expect(load.out.contains("loaded docker.io/library/save:1"), "\(load.stderr)")
        #expect(try other.devbox(["run", "--rm", "save:1", "--", "cat", "/d/x"]).out == "v2\n")
    }

    @Test("a Docker manifest list with two platforms: the host's is pulled", arguments: Runner.all)
    func manifestList(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LocalRegistry()
        let layout = try fixture("multiarch", "multi:1", in: s)
        let copy = try Shell.run(["/usr/bin/skopeo", "copy", "--all", "--format", "v2s2", "--dest-tls-verify=false",
                                  "oci:\(layout):multi:1", "docker://\(registry.host)/multi/arch:1"], timeout: 120)
        #expect(copy.status == 0, "\(copy.stderr)")
        let raw = try Shell.run(["/usr/bin/skopeo", "inspect", "--raw", "--tls-verify=false", "docker://\(registry.host)/multi/arch:1"])
        #expect(raw.out.contains("application/vnd.docker.distribution.manifest.list.v2+json"), "a Docker manifest list")
        let pull = try s.devbox(["pull", "-q", "\(registry.host)/multi/arch:1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        let arch = try s.devbox(["run", "--rm", "\(registry.host)/multi/arch:1", "--", "cat", "/platform"])
        #expect(arch.out == "amd64\n" || arch.out == "arm64\n")
        var info = utsname()
        uname(&info)
        let machine = withUnsafePointer(to: info.machine) { $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) } }
        #expect(arch.out == (machine == "x86_64" ? "amd64\n" : "arm64\n"))
    }
}
