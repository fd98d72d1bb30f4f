import OCI
import Project
import Runtime
import Testing

/// The writable layers and the FUSE driver are described by the overlay
/// mounts themselves (docs/OCI.md), not by annotations the executor reads.
@Suite("overlay mounts carry their layers and driver")
struct OverlayMountTests {
    @Test("the FUSE driver is a mount option; the kernel never sees x-devbox options")
    func fuseOptions() throws {
        for image in [false, true] {
            let p = try plan({ $0.storageDriver = .fuse; if image { $0.image = testImage() } })
            #expect(p.spec.annotations?[DevboxAnnotation.storageDriver] == nil && p.spec.usesFuseOverlay)
            let overlays = p.spec.mounts.filter { $0.type == "overlay" }
            #expect(!overlays.isEmpty && overlays.allSatisfy { $0.hasOption(OverlayMount.fuseOption) })
            // Rootless host image: the squash view; an image keeps its owners.
            #expect(overlays.allSatisfy { $0.hasOption(OverlayMount.squashOption) } == !image)
            let steps = SetupCompiler.compile(p.spec)
            #expect(!steps.contains { $0.kind == .overlay })
            let fuse = steps.filter { $0.kind == .fuse }
            #expect(fuse.count == overlays.count)
            #expect(fuse.allSatisfy { ($0.data ?? "").contains("squash_to_root") == !image && !($0.data ?? "").contains("x-devbox") })
            #expect(fuse.allSatisfy { ($0.data ?? "").contains("upperdir=/home/ada/.local/share/devbox/") }, "daemon's view: host paths")
        }
        let kernel = try plan()
        #expect(!kernel.spec.usesFuseOverlay)
        #expect(SetupCompiler.compile(kernel.spec).allSatisfy { !($0.data ?? "").contains("x-devbox") })
    }

    @Test("a container created before the options (layers and driver in annotations) compiles to the same steps")
    func legacyAnnotations() throws {
        let p = try plan { $0.storageDriver = .fuse }
        let container = try #require(p.container)
        var legacy = p.spec
        for i in legacy.mounts.indices where legacy.mounts[i].type == "overlay" {
            legacy.mounts[i].options = legacy.mounts[i].options?.filter { $0.hasPrefix("lowerdir=") }
        }
        legacy.annotations?[DevboxAnnotation.upperDir] = container.upper
        legacy.annotations?[DevboxAnnotation.workDir] = container.work(run: "42")
        legacy.annotations?[DevboxAnnotation.storageDriver] = "fuse"
        legacy.annotations?[DevboxAnnotation.squashToRoot] = "true"
        #expect(legacy.usesFuseOverlay)
        #expect(SetupCompiler.compile(legacy) == SetupCompiler.compile(p.spec))
    }

    @Test("joining a running environment: another run's work dir is the same settings, another upper layer is not")
    func settingsKey() throws {
        let p = try plan()
        func changed(_ prefix: String) -> RuntimeSpec {
            var spec = p.spec
            for i in spec.mounts.indices where spec.mounts[i].type == "overlay" {
                spec.mounts[i].options = spec.mounts[i].options?.map { $0.hasPrefix(prefix) ? $0 + "-other" : $0 }
            }
            return spec
        }
        #expect(ExecTemplate.settingsKey(changed("workdir=")) == ExecTemplate.settingsKey(p.spec))
        #expect(ExecTemplate.settingsKey(changed("upperdir=")) != ExecTemplate.settingsKey(p.spec))
        #expect(ExecTemplate.settingsKey(changed("lowerdir=")) != ExecTemplate.settingsKey(p.spec))
    }

    @Test("layer keys: one directory name per destination, distinct for distinct destinations")
    func layerKeys() {
        #expect(OverlayMount.layerKey("/") == "root")
        #expect(OverlayMount.layerKey("/usr/local") == "usr%2Flocal")
        #expect(OverlayMount.layerKey("/usr%2Flocal") == "usr%252Flocal")
        #expect(OverlayMount.layerKey("/a/b") != OverlayMount.layerKey("/a%2Fb"))
    }
}
