import Foundation
import Testing

/// Builds fixture images with Tests/fixtures/make_image.py (from Debian's
/// static busybox) in a directory the runner can read.
func fixture(_ kind: String, _ arg: String, extra: [String] = [], in s: Scratch) throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let out = s.root.appendingPathComponent("fixture-\(kind)-\(arg.filter(\.isLetter))").path
    let r = try Shell.run(["/usr/bin/python3", root.appendingPathComponent("fixtures/make_image.py").path, kind, out, arg] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    _ = try Shell.run(["/bin/chmod", "-R", "a+rX", s.root.path])
    return out
}

@Suite("images: load, import, run")
struct ImageTests {
    @Test("a layered image unpacks to what its layers say, under every storage driver", arguments: Runner.all, ["overlay", "fuse", "copy"])
    func layeredTree(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        let layout = try fixture("layout", "test/layers:1", in: s)
        let load = try s.devbox(["load", "-i", layout])
        #expect(load.status == 0 && load.out.contains("loaded docker.io/test/layers:1"), "\(load.stderr)")
        let script = """
            test ! -e /to_delete && echo whiteout-ok
            ls /a | tr '\\n' ' '; echo
            cat /f /d/x
            test "$(stat -c %i /hl1)" = "$(stat -c %i /hl2)" && echo hardlink-ok
            readlink /s
            stat -c %A /bin/suid
            cat "/$(ls / | grep 'a very long')/file"
            echo $GREETING $PATH
            """
        let r = try s.devbox(["run", "--rm", "--storage-driver", driver, "test/layers:1", "--", "/bin/sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out == "whiteout-ok\n3 \nback\nv2\nhardlink-ok\n/bin/busybox\n-rwsr-xr-x\npax\nhello /bin\n")
    }

    @Test("the unpacked tree matches, entry by entry, what the layers should produce, under every storage driver",
          arguments: Runner.all, ["overlay", "fuse", "copy"])
    func entryByEntry(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "tree:1", in: s)])
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let expected = try Shell.run(["/usr/bin/python3", root.appendingPathComponent("fixtures/make_image.py").path, "expected"])
        // Everything on the image's own filesystem; the container's mountpoints are devbox's, not the image's.
        let script = "find / -xdev | sort | while read -r p; do case \"$p\" in /) ;; /proc|/dev|/sys|/tmp|/run|/etc/hosts|/etc/hostname|/etc/resolv.conf) ;; "
            + "*) t=$(stat -c %F \"$p\"); if [ \"$t\" = directory ]; then echo \"$p|$t|$(stat -c %a \"$p\")|\"; "
            + "else echo \"$p|$t|$(stat -c %a \"$p\")|$(stat -c %s \"$p\")\"; fi ;; esac; done"
        let r = try s.devbox(["run", "--rm", "--storage-driver", driver, "tree:1", "--", "/bin/sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        let actual = Set(r.out.split(separator: "\n").map(String.init))
        // The image's /dev is covered by the container's own (devices are not the image's to give).
        let wanted = Set(expected.out.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("/dev|") && !$0.hasPrefix("/dev/") })
        #expect(actual.subtracting(wanted).sorted() == [], "entries the layers do not produce")
        #expect(wanted.subtracting(actual).sorted() == [], "entries missing")
    }

    @Test("an image with 70 layers runs (its lowerdir list is longer than mount(2) accepts)", arguments: Runner.all)
    func manyLayers(runner: Runner) throws {
        let s = try Scratch(runner)
        let load = try s.devbox(["load", "-i", try fixture("manylayers", "many:1", in: s)])
        #expect(load.status == 0, "\(load.stderr)")
        let r = try s.devbox(["run", "--rm", "many:1", "--", "/bin/sh", "-c", "ls / | grep -c '^layer-'; cat /layer-069"])
        #expect(r.out == "69\n69\n", "\(r.stderr)")
    }

    @Test("with no command the image's Cmd runs in its WorkingDir; a command replaces Cmd", arguments: Runner.all)
    func entrypointAndCmd(runner: Runner) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "cmd:1", in: s)])
        let cmd = try s.devbox(["run", "--rm", "cmd:1"])
        #expect(cmd.out == "from-cmd\n", "\(cmd.stderr)")
        let pwd = try s.devbox(["run", "--rm", "cmd:1", "--", "/bin/sh", "-c", "pwd"])
        #expect(pwd.out == s.project.path + "\n", "an explicit command runs in the project")
    }

    @Test("the image's User is resolved from the image's /etc/passwd", arguments: Runner.all)
    func imageUser(runner: Runner) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "user:1", extra: ["ada"], in: s)])
        let r = try s.devbox(["run", "--rm", "user:1", "--", "/bin/sh", "-c", "id -u; id -g; echo $HOME; stat -c %u:%g $HOME/.profile; echo hi > $HOME/new && echo writable"])
        // Owners from the layer survive unpacking (rootless too, through the
        // subordinate range), so the image's user owns its home.
        #expect(r.out == "1000\n1000\n/home/ada\n1000:1000\nwritable\n", "\(r.stderr)")
    }

    @Test("changes persist in the project's layer for that image; --rm keeps nothing; under every storage driver",
          arguments: Runner.all, ["overlay", "fuse", "copy"])
    func persistence(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "keep:1", in: s)])
        let d = ["--storage-driver", driver]
        _ = try s.devbox(["run"] + d + ["keep:1", "--", "/bin/sh", "-c", "echo kept > /etc/state"])
        #expect(try s.devbox(["run"] + d + ["keep:1", "--", "cat", "/etc/state"]).out == "kept\n")
        #expect(try s.devbox(["run", "--rm"] + d + ["keep:1", "--", "test", "-e", "/etc/state"]).status == 1)
        // --rm's copied root goes with the run. The data directory is shared
        // with the other tests running meanwhile: a run still alive (its
        // directory is named by its pid) keeps its own.
        let scratch = (try? FileManager.default.contentsOfDirectory(atPath: s.data.appendingPathComponent("devbox/scratch").path)) ?? []
        let left = scratch.filter { name in
            guard let pid = Int32(name), kill(pid, 0) != 0 && errno == ESRCH else { return false }
            return FileManager.default.fileExists(atPath: s.data.appendingPathComponent("devbox/scratch/\(name)/rootfs").path)
        }
        #expect(driver == "overlay" || left.isEmpty, "\(scratch)")
    }

    @Test("devbox.toml's image is used when the command line names none", arguments: Runner.all)
    func projectImage(runner: Runner) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("layout", "toml:1", in: s)])
        try s.write("devbox.toml", "# the project's toolchain\nimage = \"toml:1\" # pinned\n")
        let r = try s.devbox(["run", "--rm", "--", "cat", "/d/x"])
        #expect(r.out == "v2\n", "\(r.stderr)")
    }

    @Test("hostile layers are refused with the entry named, and the store stays as it was",
          arguments: Runner.all, ["dotdot", "absolute", "symlink-then-file", "symlink-then-whiteout", "hardlink-outside", "absurd-size",
                                 "whiteout-dotdot", "whiteout-dot", "whiteout-inside-path"])
    func hostile(runner: Runner, kind: String) throws {
        let s = try Scratch(runner)
        let store = s.data.appendingPathComponent("devbox/blobs/sha256").path
        let r = try s.devbox(["load", "-i", try fixture("hostile", kind, in: s)])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("devbox: layer ") && r.stderr.contains("refused: entry '"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        // The message names the layer; neither its blob nor its unpacked
        // directory may remain (other tests share this store).
        let layer = String(r.stderr.split(separator: " ").dropFirst(2).first ?? "")
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []
        let layers = (try? FileManager.default.contentsOfDirectory(atPath: s.data.appendingPathComponent("devbox/layers").path)) ?? []
        #expect(layer.count == 12 && !blobs.contains { $0.hasPrefix(layer) } && !layers.contains { $0.hasPrefix(layer) })
        #expect(!FileManager.default.fileExists(atPath: "/tmp/planted") && !FileManager.default.fileExists(atPath: "/abs-escape"))
    }

    /// Layers in every encoding registries serve: gzip in two members, gzip
    /// followed by zeros, plain tar, zstd and one-member gzip (devbox
    /// inflates gzip in memory and streams the rest through libarchive).
    static let encodings = ["gzip-members", "gzip-padded", "tar", "zstd", "gzip"]
    static let encodingScript = "cat /d/x; for e in \(encodings.joined(separator: " ")); do stat -c \"$e %s\" /enc/$e; done; cat /enc/gzip-members"
    static var encodingOutput: String {
        "v1\n" + encodings.enumerated().map { "\($1) \(9 * (40000 + $0))\n" }.joined()
            + (0..<40000).map { String(format: "%08d\n", $0) }.joined()
    }

    @Test("layers in every encoding (gzip members, padding, tar, zstd) load from an archive byte for byte", arguments: Runner.all)
    func encodings(runner: Runner) throws {
        let s = try Scratch(runner)
        let load = try s.devbox(["load", "-i", try fixture("encodings", "enc/load:1", in: s)])
        #expect(load.status == 0, "\(load.stderr)")
        let r = try s.devbox(["run", "--rm", "enc/load:1", "--", "/bin/sh", "-c", Self.encodingScript])
        #expect(r.status == 0 && r.out == Self.encodingOutput, "\(r.stderr)")
    }

    @Test("an image listing one layer twice (as older Docker images do with the empty layer) runs under every storage driver",
          arguments: Runner.all, ["overlay", "fuse", "copy"])
    func repeatedLayer(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        let load = try s.devbox(["load", "-i", try fixture("repeated", "rep/load:1", in: s)])
        #expect(load.status == 0, "\(load.stderr)")
        let r = try s.devbox(["run", "--rm", "--storage-driver", driver, "rep/load:1", "--", "/bin/sh", "-c", PullTests.treeScript])
        #expect(r.status == 0 && r.out == PullTests.treeOutput, "\(r.stderr)")
    }

    // The runtime gives an overlay's upper root the top layer's mode (the
    // root shows it): an image must not choose that mode, nor make the
    // root a link, for a throwaway layer or a kept one on the host.
    @Test("layers that name the root (special mode bits, a link to /) set neither the root's mode nor the host-side layer's",
          arguments: Runner.all, ["overlay", "fuse"])
    func rootEntry(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        // A store of this test's own: its layers are the only ones to look at.
        let store = ["--root", s.project.appendingPathComponent(".store").path]
        let load = try s.devbox(["load"] + store + ["-i", try fixture("rootentry", "rootentry:1", in: s)])
        #expect(load.status == 0, "\(load.stderr)")
        let script = "stat -c %a /; cat /marker; test -e /bin/busybox && echo ok"
        let throwaway = try s.devbox(["run"] + store + ["--rm", "--storage-driver", driver, "rootentry:1", "--", "/bin/sh", "-c", script])
        let kept = try s.devbox(["run"] + store + ["--storage-driver", driver, "rootentry:1", "--", "/bin/sh", "-c", script])
        #expect(throwaway.status == 0 && throwaway.out == "755\nmarker\nok\n", "\(throwaway.out)\(throwaway.stderr)")
        #expect(kept.status == 0 && kept.out == throwaway.out, "\(kept.out)\(kept.stderr)")
        // The kept layer's root on the host: a directory, no special bits.
        let uppers = try Shell.run(["/usr/bin/find", store[1] + "/containers", "-mindepth", "3", "-maxdepth", "3",
                                    "-path", "*/upper/*", "-printf", "%y %m\n"])
        let lines = uppers.out.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty && lines.allSatisfy { $0 == "d 755" }, "\(uppers.out)")
    }

    @Test("a truncated layer is refused as corrupt", arguments: Runner.all)
    func truncated(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["load", "-i", try fixture("truncated", "trunc:1", in: s)])
        #expect(r.status == 1 && r.stderr.contains("truncated or corrupt"), "\(r.stderr)")
    }

    @Test("docker save archives load, and import makes a one-layer image", arguments: Runner.all)
    func dockerSaveAndImport(runner: Runner) throws {
        let s = try Scratch(runner)
        let archive = s.root.appendingPathComponent("saved.tar").path
        _ = try fixture("dockersave", "saved/img:2", in: s)
        _ = try Shell.run(["/bin/mv", s.root.appendingPathComponent("fixture-dockersave-savedimg").path, archive])
        _ = try Shell.run(["/bin/chmod", "a+r", archive])
        let load = try s.devbox(["load", "-i", archive])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(try s.devbox(["run", "--rm", "saved/img:2", "--", "cat", "/f"]).out == "back\n")

        let rootfs = s.root.appendingPathComponent("rootfs.tar.gz").path
        let tree = s.root.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: tree.appendingPathComponent("bin/busybox").path)
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("bin/sh").path, withDestinationPath: "busybox")
        _ = try Shell.run(["/bin/tar", "-C", tree.path, "-czf", rootfs, "."])
        _ = try Shell.run(["/bin/chmod", "a+r", rootfs])
        let imported = try s.devbox(["import", rootfs, "rootfs:1"])
        #expect(imported.status == 0 && imported.out.hasPrefix("sha256:"), "\(imported.stderr)")
        #expect(try s.devbox(["run", "--rm", "rootfs:1", "--", "/bin/sh", "-c", "echo ok"]).out == "ok\n")
    }

    @Test("images, inspect, rmi and prune", arguments: Runner.all)
    func management(runner: Runner) throws {
        // Isolated: prune takes the store exclusively, and in the shared
        // store every other test's load would wait and say so on stderr.
        let s = try Scratch(runner, isolated: true)
        _ = try s.devbox(["load", "-i", try fixture("layout", "manage:1", in: s)])
        let list = try s.devbox(["images", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]])
        #expect(rows.contains { $0["reference"] as? String == "docker.io/library/manage:1" && $0["layers"] as? Int == 3 })
        let inspect = try s.devbox(["image", "inspect", "manage:1"])
        let details = try #require(try JSONSerialization.jsonObject(with: inspect.stdout) as? [String: Any])
        #expect((details["layers"] as? [Any])?.count == 3 && (details["digest"] as? String)?.hasPrefix("sha256:") == true)
        #expect(try s.devbox(["rmi", "manage:1"]).status == 0)
        #expect(try s.devbox(["image", "inspect", "manage:1"]).stderr.contains("is not in the store"))
        let prune = try s.devbox(["image", "prune"])
        #expect(prune.status == 0 && prune.out.hasPrefix("freed "), "\(prune.stderr)")
    }

    @Test("input errors name the input, import reads standard input, load -i DIR NAME tags NAME; failures exit 1, usage errors 125",
          arguments: Runner.all)
    func inputsAndExitCodes(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let missing = try s.devbox(["import", "/nonexistent/rootfs.tar", "x:1"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "devbox: cannot read /nonexistent/rootfs.tar: No such file or directory; check the path and that it is readable\n")
        let missingLoad = try s.devbox(["load", "-i", "/nonexistent/image.tar"])
        #expect(missingLoad.status == 1 && missingLoad.stderr.hasPrefix("devbox: cannot read /nonexistent/image.tar: "), "\(missingLoad.stderr)")
        let tarball = try smallRootfs(s, marker: "from-stdin")
        let piped = try s.devbox(["import", "-", "piped:1"], stdin: try Data(contentsOf: URL(fileURLWithPath: tarball)))
        #expect(piped.status == 0 && piped.out.hasPrefix("sha256:"), "\(piped.stderr)")
        #expect(try s.devbox(["run", "--rm", "piped:1", "--", "cat", "/marker"]).out == "from-stdin\n")
        let named = try s.devbox(["load", "-i", try fixture("layout", "test/orig:1", in: s), "renamed:7"])
        #expect(named.status == 0 && named.out.hasPrefix("loaded docker.io/library/renamed:7 sha256:"), "\(named.out) \(named.stderr)")
        let list = try s.devbox(["images"]).out
        #expect(list.contains("renamed:7") && !list.contains("test/orig"), "\(list)")
        #expect(try s.devbox(["import", tarball, "BAD REF"]).status == 125)
        #expect(try s.devbox(["image", "inspect", "nothere:1"]).status == 1)
        #expect(try s.devbox(["rmi", "nothere:1"]).status == 1)
        #expect(try s.devbox(["save", "-o", s.root.appendingPathComponent("x.tar").path, "nothere:1"]).status == 1)
        #expect(StoreState(s).tmp == [".lock"], "failed commands leave no scratch behind")
    }
}
