import Foundation
import Testing

@Suite("pulling from a registry on loopback")
struct PullTests {
    static let treeScript = "test ! -e /to_delete && ls /a && cat /f /d/x && stat -c %A /bin/suid"
    static let treeOutput = "3\nback\nv2\n-rwsr-xr-x\n"

    @Test("an image pushed with skopeo pulls back and runs, as root and rootless", arguments: Runner.all)
    func pushPullRun(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("layout", "t:1", in: s), name: "t:1", as: "devbox/t:1")
        let pull = try s.devbox(["pull", "\(registry.host)/devbox/t:1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(pull.out.hasPrefix("sha256:") && pull.stderr.contains("copying blob"))
        let r = try s.devbox(["run", "--rm", "\(registry.host)/devbox/t:1", "--", "/bin/sh", "-c", Self.treeScript])
        #expect(r.out == Self.treeOutput, "\(r.stderr)")
        try expectStoreVerifies(s)
    }

    @Test("layers in every encoding (gzip members, padding, tar, zstd) pull byte for byte", arguments: Runner.all)
    func encodings(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("encodings", "e:1", in: s), name: "e:1", as: "enc/e:1")
        let pull = try s.devbox(["pull", "-q", "\(registry.host)/enc/e:1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        let r = try s.devbox(["run", "--rm", "\(registry.host)/enc/e:1", "--", "/bin/sh", "-c", ImageTests.encodingScript])
        #expect(r.status == 0 && r.out == ImageTests.encodingOutput, "\(r.stderr)")
        try expectStoreVerifies(s)
    }

    @Test("a layer listed twice is fetched and unpacked once, and the image runs", arguments: Runner.all)
    func repeatedLayer(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("repeated", "r:1", in: s), name: "r:1", as: "rep/r:1")
        let pull = try s.devbox(["pull", "\(registry.host)/rep/r:1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        // The config and four distinct layers of five listed.
        #expect(pull.stderr.components(separatedBy: "copying blob").count - 1 == 5, "\(pull.stderr)")
        #expect(pull.stderr.components(separatedBy: "unpacking layer").count - 1 == 4, "\(pull.stderr)")
        let r = try s.devbox(["run", "--rm", "\(registry.host)/rep/r:1", "--", "/bin/sh", "-c", Self.treeScript])
        #expect(r.status == 0 && r.out == Self.treeOutput, "\(r.stderr)")
        try expectStoreVerifies(s)
    }

    @Test("devbox run pulls an image the store lacks, as podman does")
    func runPullsMissing() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("layout", "m:1", in: s), name: "m:1", as: "auto/m:1")
        let r = try s.devbox(["run", "--rm", "\(registry.host)/auto/m:1", "--", "cat", "/d/x"])
        #expect(r.status == 0 && r.out == "v2\n", "\(r.stderr)")
        #expect(r.stderr.contains("pulling it"))
        let missing = try s.devbox(["run", "--rm", "\(registry.host)/auto/nothere:1", "--", "true"])
        #expect(missing.status == 125 && missing.stderr.contains("was not found in the registry"), "\(missing.stderr)")
    }

    @Test("a registry with basic auth: refused without login, wrong password refused, works after login")
    func basicAuth() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry(auth: ("ada", "s3cret"))
        try registry.push(layout: try fixture("layout", "a:1", in: s), name: "a:1", as: "private/a:1", credentials: "ada:s3cret")
        let anonymous = try s.devbox(["pull", "-q", "\(registry.host)/private/a:1"])
        #expect(anonymous.status == 1 && anonymous.stderr.contains("devbox login"), "\(anonymous.stderr)")
        let wrong = try s.devbox(["login", "-u", "ada", "--password-stdin", registry.host], stdin: Data("nope\n".utf8))
        #expect(wrong.status == 1 && wrong.stderr.contains("refused"), "\(wrong.stderr)")
        let login = try s.devbox(["login", "-u", "ada", "--password-stdin", registry.host], stdin: Data("s3cret\n".utf8))
        #expect(login.status == 0, "\(login.stderr)")
        let auth = try String(contentsOf: s.runtime.appendingPathComponent("containers/auth.json"), encoding: .utf8)
        #expect(auth.contains(registry.host))
        #expect(try s.devbox(["pull", "-q", "\(registry.host)/private/a:1"]).status == 0)
    }

    @Test("Bearer tokens: the 401 challenge sends devbox to the token service, for pull and push")
    func bearerAuth() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry(mode: .bearer(user: "ada", password: "s3cret"))
        try registry.push(layout: try fixture("layout", "b:1", in: s), name: "b:1", as: "tok/b:1", credentials: "ada:s3cret")
        let anonymous = try s.devbox(["pull", "-q", "\(registry.host)/tok/b:1"])
        #expect(anonymous.status == 1 && anonymous.stderr.contains("devbox login"), "\(anonymous.stderr)")
        #expect(try s.devbox(["login", "-u", "ada", "--password-stdin", registry.host], stdin: Data("s3cret\n".utf8)).status == 0)
        let pull = try s.devbox(["pull", "-q", "\(registry.host)/tok/b:1"])
        #expect(pull.status == 0, "\(pull.stderr)")
        let push = try s.devbox(["push", "-q", "\(registry.host)/tok/b:1", "\(registry.host)/tok/copy:2"])
        #expect(push.status == 0, "\(push.stderr)")
        let inspect = try Shell.run(["/usr/bin/skopeo", "inspect", "--tls-verify=false", "--creds", "ada:s3cret", "docker://\(registry.host)/tok/copy:2"])
        #expect(inspect.status == 0 && pull.out.contains(String(inspect.out.split(separator: "\"Digest\": \"").dropFirst().first?.prefix(71) ?? "none")))
    }

    @Test("a tampered blob is refused and never stored")
    func tamperedBlob() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry()
        let layout = try fixture("layout", "x:1", in: s)
        try registry.push(layout: layout, name: "x:1", as: "tamper/x:1")
        // The first layer (busybox) is the largest blob in the layout.
        let blobs = try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs/sha256")
        let largest = try #require(blobs.max { size(layout + "/blobs/sha256/" + $0) < size(layout + "/blobs/sha256/" + $1) })
        let file = registry.blobFile(largest)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: file)
        let r = try s.devbox(["pull", "-q", "\(registry.host)/tamper/x:1"])
        #expect(r.status == 1 && r.stderr.contains("does not match its digest"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.data.appendingPathComponent("devbox/blobs/sha256/\(largest)").path))
        try expectStoreVerifies(s)
    }

    @Test("a hostile layer is refused while it streams, and nothing is stored")
    func hostileLayerStreamed() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("hostile", "symlink-then-file", in: s), name: "hostile:symlink-then-file", as: "evil/x:1")
        let r = try s.devbox(["pull", "-q", "\(registry.host)/evil/x:1"])
        #expect(r.status == 1 && r.stderr.contains("refused: entry 'link/planted'"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        let layers = (try? FileManager.default.contentsOfDirectory(atPath: s.data.appendingPathComponent("devbox/layers").path)) ?? []
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: s.data.appendingPathComponent("devbox/blobs/sha256").path)) ?? []
        #expect(layers.isEmpty && blobs.isEmpty, "layers \(layers), blobs \(blobs)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/planted"))
    }

    @Test("two parallel pulls of one image both succeed and store it once")
    func parallelPulls() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("layout", "p:1", in: s), name: "p:1", as: "par/p:1")
        let pulls = try (0..<2).map { _ in try Shell.start(s.command(["pull", "-q", "\(registry.host)/par/p:1"]), cwd: s.project) }
        for pull in pulls {
            let r = try Shell.finish(pull)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let images = try s.devbox(["images", "--format", "json"])
        #expect(images.out.components(separatedBy: "par/p:1").count == 2, "one reference")
        try expectStoreVerifies(s)
    }

    @Test("a pull killed mid-transfer leaves only its scratch directory; the next store operation reclaims it but not a live pull's",
          arguments: Runner.all)
    func killedPull(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let layout = try fixture("layout", "k:1", in: s)
        // Throttled, so the pull is caught with its layer half-received.
        let slow = try LayoutRegistry(layout: layout, bytesPerSecond: 250_000)
        let blobs = try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs/sha256")
        let layerSize = blobs.map { size(layout + "/blobs/sha256/" + $0) }.max() ?? 0
        #expect(layerSize > 500_000, "the busybox layer takes seconds at this rate")
        let tmp = s.data.appendingPathComponent("devbox/tmp").path
        /// A scratch directory other than `except` holding a blob that is partly received.
        func partial(except: String? = nil) -> (dir: String, bytes: Int)? {
            for dir in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where dir.hasPrefix("op-") && dir != except {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: tmp + "/" + dir)) ?? []
                if let bytes = files.filter({ $0.hasPrefix("blob-") }).map({ size(tmp + "/" + dir + "/" + $0) }).max(), bytes > 20_000 {
                    return (dir, bytes)
                }
            }
            return nil
        }
        let ref = "\(slow.host)/kill/k:1"
        let pull = try Shell.start(s.command(["pull", "-q", ref]), cwd: s.project)
        try waitFor(seconds: 20) { partial() != nil }
        kill(pull.pid, SIGKILL)
        _ = try? Shell.finish(pull)
        let dead = try #require(partial())
        #expect(dead.bytes < layerSize, "killed while the layer was still arriving")
        #expect(StoreState(s) == StoreState(blobs: [], layers: [], refs: nil, tmp: [".lock", dead.dir]), "\(StoreState(s))")

        // A live pull's scratch survives another operation; the dead one's goes.
        let live = try Shell.start(s.command(["pull", "-q", ref]), cwd: s.project)
        try waitFor(seconds: 20) { partial(except: dead.dir) != nil }
        let liveDir = try #require(partial(except: dead.dir)).dir
        let other = try s.devbox(["import", try smallRootfs(s), "other:1"])
        #expect(other.status == 0, "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp + "/" + dead.dir), "the dead pull's scratch is reclaimed")
        #expect(FileManager.default.fileExists(atPath: tmp + "/" + liveDir), "the live pull's scratch is left alone")
        let r = try Shell.finish(live)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(StoreState(s).tmp == [".lock"])
        #expect(try s.devbox(["run", "--rm", ref, "--", "/bin/sh", "-c", Self.treeScript]).out == Self.treeOutput)
        try expectStoreVerifies(s)
    }
}

/// A small root filesystem tarball (busybox and a marker file) the runner can read.
func smallRootfs(_ s: Scratch, marker: String = "imported") throws -> String {
    let tree = s.root.appendingPathComponent("rootfs-\(marker)")
    let tarball = s.root.appendingPathComponent("rootfs-\(marker).tar").path
    try FileManager.default.createDirectory(at: tree.appendingPathComponent("bin"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: tree.appendingPathComponent("bin/busybox").path)
    for applet in ["sh", "cat"] {
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("bin/\(applet)").path, withDestinationPath: "busybox")
    }
    try (marker + "\n").write(to: tree.appendingPathComponent("marker"), atomically: false, encoding: .utf8)
    _ = try Shell.run(["/bin/tar", "-C", tree.path, "-cf", tarball, "."])
    _ = try Shell.run(["/bin/chmod", "-R", "a+rX", s.root.path])
    return tarball
}

func size(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

/// Every blob in the store hashes to its name.
func expectStoreVerifies(_ s: Scratch) throws {
    let dir = s.data.appendingPathComponent("devbox/blobs/sha256").path
    for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
        let r = try Shell.run(["/usr/bin/sha256sum", dir + "/" + name])
        #expect(r.out.hasPrefix(name), "blob \(name) does not match its digest")
    }
}
