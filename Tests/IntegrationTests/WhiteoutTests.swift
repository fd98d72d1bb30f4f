import Foundation
import Testing

/// OCI whiteouts (image spec, layer.md "Whiteouts"), checked against umoci
/// unpacking the same layout: umoci applies layers one after the other into
/// one directory, devbox stacks them as overlayfs lower layers; the trees
/// must be the same.
@Suite("whiteouts, compared with umoci")
struct WhiteoutTests {
    /// path|type|content for every entry but the busybox applets and the
    /// mountpoints the container adds (busybox's own applets only: the
    /// image has no tr or wc).
    static let listing = "cd / && find . -xdev ! -path './bin/*' | sort | while read -r p; do case \"$p\" in "
        + "./dev|./proc|./sys|./tmp|./run|./etc|./etc/hosts|./etc/hostname|./etc/resolv.conf) continue ;; esac; "
        + "if [ -f \"$p\" ] && [ ! -L \"$p\" ]; then echo \"$p|file|$(cat \"$p\")\"; "
        + "elif [ -d \"$p\" ]; then echo \"$p|dir\"; else echo \"$p|other\"; fi; done"

    /// Each image, under each storage driver (the FUSE overlay and the copy
    /// driver apply whiteouts and opaque directories themselves).
    static let images = ["overlay", "fuse", "copy"].flatMap { [("whiteouts", "wo:1", $0), ("rootopaque", "ro:1", $0)] }

    @Test("whiteouts and opaque directories give the tree umoci gives, under every storage driver",
          arguments: Runner.all, images)
    func sameAsUmoci(runner: Runner, image: (String, String, String)) throws {
        let s = try Scratch(runner)
        let layout = try fixture(image.0, image.1, in: s)
        let rootfs = s.root.appendingPathComponent("umoci-rootfs").path
        let umoci = try Shell.run(["/usr/bin/umoci", "raw", "unpack", "--image", "\(layout):\(image.1)", rootfs])
        try #require(umoci.status == 0, "umoci (apt-get install umoci): \(umoci.stderr)")
        let reference = try Shell.run(["/bin/sh", "-c", Self.listing.replacingOccurrences(of: "cd /", with: "cd \(rootfs)")])
        let load = try s.devbox(["load", "-i", layout])
        #expect(load.status == 0, "\(load.stderr)")
        let r = try s.devbox(["run", "--rm", "--storage-driver", image.2, image.1, "--", "/bin/sh", "-c", Self.listing])
        #expect(r.status == 0, "\(r.stderr)")
        let ours = r.out.split(separator: "\n").map(String.init)
        let theirs = reference.out.split(separator: "\n").map(String.init)
        #expect(ours == theirs)
        #expect(theirs.contains("./top|file|top") || theirs.contains("./readd/new|file|readd/new"), "umoci listed \(theirs)")
    }

    @Test("the cases the spec spells out, by name, under every storage driver", arguments: Runner.all, ["overlay", "fuse", "copy"])
    func namedCases(runner: Runner, driver: String) throws {
        let s = try Scratch(runner)
        _ = try s.devbox(["load", "-i", try fixture("whiteouts", "wonamed:1", in: s)])
        let script = "for d in /od /nest/deep /readd /re2 /dotslash /wfile; do echo $d: $(ls -A $d); done; "
            + "for p in /file1 /gone /never-existed; do test -e $p && echo \"$p still there\"; done; cat /wfile/f"
        let r = try s.devbox(["run", "--rm", "--storage-driver", driver, "wonamed:1", "--", "/bin/sh", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        // od: opaque + new; nest/deep: opaque, empty; readd: whited out then
        // re-added (only new); re2: re-added before its whiteout (new2 stays,
        // old goes); dotslash: "./" whiteout; wfile/f: whiteout then file.
        #expect(r.out == "/od: new\n/nest/deep:\n/readd: new\n/re2: new2\n/dotslash: stays\n/wfile: f\nnew f\n")
        let top = try s.devbox(["load", "-i", try fixture("rootopaque", "ronamed:1", in: s)])
        #expect(top.status == 0, "\(top.stderr)")
        let root = try s.devbox(["run", "--rm", "--storage-driver", driver, "ronamed:1", "--", "/bin/sh", "-c", "ls / | sort; cat /top"])
        #expect(root.out == "bin\ndev\netc\nproc\nrun\nsys\ntmp\ntop\ntop\n", "an opaque layer root hides every lower layer: \(root.stderr)")
    }
}
