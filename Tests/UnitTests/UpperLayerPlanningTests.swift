import OCI
import Platform
import Project
import Runtime
import Testing

@Suite("where upper layers go; the doctor's overlay and subordinate-id advice")
struct UpperLayerPlanningTests {
    @Test("--rm layers live on the scratch tmpfs when tmpfs takes user xattrs, else in the store's scratch/<run>",
          arguments: [true, false])
    func throwawayPlacement(tmpfsHoldsLayers: Bool) throws {
        var host = fakeHost()
        host.tmpfsHoldsLayers = tmpfsHoldsLayers
        for image in [false, true] {
            let p = try plan({ $0.remove = true; if image { $0.image = testImage() } }, host: host)
            let annotations = p.spec.annotations ?? [:]
            #expect(annotations[DevboxAnnotation.upperDir] == nil && annotations[DevboxAnnotation.workDir] == nil)
            let overlays = p.spec.mounts.filter { $0.type == "overlay" }
            #expect(!overlays.isEmpty)
            #expect(p.container == nil)
            if tmpfsHoldsLayers {
                // No upperdir: a throwaway layer in the run's scratch tmpfs.
                #expect(overlays.allSatisfy { $0.option("upperdir") == nil && $0.option("workdir") == nil })
                #expect(p.runWorkDir == nil, "nothing on disk to remove")
                let steps = SetupCompiler.compile(p.spec)
                let overlay = try #require(steps.first { $0.kind == .overlay })
                #expect(overlay.data?.contains("upperdir=/scratch/upper/") == true, "\(overlay.data ?? "")")
            } else {
                let dir = "/home/ada/.local/share/devbox/scratch/42"
                #expect(p.runWorkDir == dir, "removed after the run")
                for mount in overlays {
                    let key = OverlayMount.layerKey(mount.destination)
                    #expect(mount.option("upperdir") == dir + "/upper/" + key && mount.option("workdir") == dir + "/work/" + key)
                }
                let steps = SetupCompiler.compile(p.spec)
                let overlay = try #require(steps.first { $0.kind == .overlay })
                #expect(overlay.data?.contains("upperdir=/oldroot" + dir + "/upper/") == true, "\(overlay.data ?? "")")
            }
        }
    }

    @Test("a --rm layer of the FUSE driver is in memory where tmpfs takes user xattrs: no upperdir, no mkdir steps, the daemon's own tmpfs",
          arguments: [true, false])
    func throwawayFusePlacement(tmpfsHoldsLayers: Bool) throws {
        var host = fakeHost()
        host.tmpfsHoldsLayers = tmpfsHoldsLayers
        let p = try plan({ $0.remove = true; $0.image = testImage(); $0.storageDriver = .fuse }, host: host)
        let root = try #require(p.spec.mounts.first { $0.destination == "/" })
        #expect(root.hasOption(OverlayMount.fuseOption))
        let steps = SetupCompiler.compile(p.spec)
        let fuse = try #require(steps.first { $0.kind == .fuse })
        if tmpfsHoldsLayers {
            #expect(root.option("upperdir") == nil && p.runWorkDir == nil, "nothing on disk")
            #expect(fuse.data?.contains("upperdir=/scratch/upper/") == true, "\(fuse.data ?? "")")
            #expect(!steps.contains { $0.kind == .mkdir && $0.destination.hasPrefix("/scratch/") }, "the daemon makes them")
        } else {
            let dir = "/home/ada/.local/share/devbox/scratch/42"
            #expect(p.runWorkDir == dir && root.option("upperdir") == dir + "/upper/root")
            #expect(fuse.data?.contains("upperdir=" + dir + "/upper/root") == true, "\(fuse.data ?? "")")
        }
    }

    @Test("persistent layers ignore the tmpfs answer")
    func persistentPlacement() throws {
        var host = fakeHost()
        host.tmpfsHoldsLayers = false
        let p = try plan(host: host)
        let container = try #require(p.container)
        let root = try #require(p.spec.mounts.first { $0.type == "overlay" })
        #expect(root.option("upperdir") == container.upper + "/" + OverlayMount.layerKey(root.destination))
        #expect(p.runWorkDir == container.work(run: "42"))
    }

    @Test("every overlay asks for xino=on, so files and directories share one st_dev")
    func xino() throws {
        for remove in [false, true] {
            let overlays = SetupCompiler.compile(try plan { $0.remove = remove }.spec).filter { $0.kind == .overlay }
            #expect(!overlays.isEmpty)
            #expect(overlays.allSatisfy { $0.data?.hasSuffix(",userxattr,xino=on") == true })
        }
    }

    @Test("the suggested subordinate range overlaps nobody's, in either file",
          arguments: [
              ([""], 100_000),
              (["ada:100000:65536\n"], 165_536),
              (["ada:100000:65536\nbob:165536:65536\n", "ada:100000:65536\nbob:165536:65536\n"], 231_072),
              // A gap too small for 65536 ids is skipped; one big enough is used.
              (["a:100000:65536\nb:200000:65536\n"], 265_536),
              (["a:100000:1000\nb:300000:65536\n"], 101_000),
              // Only in /etc/subgid, out of order, with a comment and junk.
              (["", "# x\nb:165536:10\nbad line\na:100000:65536\n"], 165_546),
              (["a:0:100001\n"], 100_001),
          ])
    func freeRange(files: [String], start: Int) throws {
        let range = try #require(FreeSubordinateRange.find(in: files))
        #expect(range.start == UInt32(start) && range.count == 65536)
    }

    @Test("no range is suggested when the id space is used up")
    func noFreeRange() {
        #expect(FreeSubordinateRange.find(in: ["a:100000:4294860000\n"]) == nil)
    }

    @Test("doctor: tmpfs without user xattrs is a warning naming the on-disk fallback; a broken store fails")
    func overlayAdvice() {
        let eio = OverlayProbe.Outcome.broken("rm -rf of a lower directory failed: Input/output error")
        let fallback = Doctor.overlayChecks(persistent: .works, throwaway: eio, store: "/d", fallback: "/d/scratch")
        #expect(fallback.map(\.status) == [.ok, .warn])
        #expect(fallback[1].detail.contains("/d/scratch") && fallback[1].fix != nil)
        #expect(Doctor.canRun(fallback))
        let broken = Doctor.overlayChecks(persistent: eio, throwaway: eio, store: "/d", fallback: "/d/scratch")
        #expect(broken.map(\.status) == [.fail, .fail] && !Doctor.canRun(broken))
        let devices = Doctor.overlayChecks(persistent: .works, throwaway: .mixedDevices("st_dev"), store: "/d", fallback: "/d/scratch")
        #expect(devices.map(\.status) == [.ok, .warn] && Doctor.canRun(devices))
        #expect(Doctor.overlayChecks(persistent: .works, throwaway: .works, store: "/d", fallback: "/d/scratch").map(\.status) == [.ok, .ok])
    }
}

/// A two-layer image in the store, as planning sees it.
func testImage() -> ImageRoot {
    ImageRoot(reference: "docker.io/library/test:1", manifestDigest: Digest(computedHex: String(repeating: "ab", count: 32)),
              layers: ["/home/ada/.local/share/devbox/layers/b", "/home/ada/.local/share/devbox/layers/a"],
              config: .init(Cmd: ["sh"]), passwd: nil, group: nil)
}
