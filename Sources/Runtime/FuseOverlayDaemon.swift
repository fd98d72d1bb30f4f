import CFuseOverlay
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Starts the process serving a container's FUSE overlay mounts (the
/// `.fuse` steps SetupCompiler emits for the FUSE storage driver) and
/// returns the socket PID 1 hands each mounted /dev/fuse over.
enum FuseOverlayDaemon {
    /// One mount's layers, read back from its step's data (overlay option
    /// syntax, host paths).
    struct Layers: Equatable {
        var lowers: [String]
        var upper: String
        var work: String
        var squashToRoot: Bool

        init?(_ data: String) {
            var lowers: [String] = [], upper: String?, work: String?, squash = false
            for option in ASCII.split(data, on: UInt8(ascii: ",")) {
                if option.hasPrefix("lowerdir=") {
                    lowers = ASCII.split(String(option.dropFirst(9)), on: UInt8(ascii: ":"))
                } else if option.hasPrefix("upperdir=") {
                    upper = String(option.dropFirst(9))
                } else if option.hasPrefix("workdir=") {
                    work = String(option.dropFirst(8))
                } else if option == "squash_to_root" {
                    squash = true
                }
            }
            guard let upper, let work else { return nil }
            self.lowers = lowers
            self.upper = upper
            self.work = work
            self.squashToRoot = squash
        }
    }

    /// Where a mount without an upperdir (a `--rm` layer in memory) has its
    /// layer in the container's scratch space: out of the daemon's reach,
    /// which makes a tmpfs of its own for it instead.
    static let inMemoryPrefix = "/scratch/"

    /// `userNamespace`: the daemon's (the store's) user namespace; -1 to
    /// stay in ours (root), -2 for one of its own mapping only our ids.
    static func start(_ steps: [SetupStep], userNamespace: Int32, debug: Bool) throws(SandboxError) -> Int32 {
        let mounts = steps.filter { $0.kind == .fuse }
        var layers: [Layers] = []
        for step in mounts {
            guard let parsed = step.data.flatMap(Layers.init) else { throw .launch("the FUSE mount on \(step.destination) names no layers") }
            layers.append(parsed)
        }
        let strings = CStrings()
        let configs = UnsafeMutablePointer<dbx_fuse_overlay_config>.allocate(capacity: max(layers.count, 1))
        defer { configs.deallocate() }
        for (i, layer) in layers.enumerated() {
            var config = dbx_fuse_overlay_config()
            config.lowers = UnsafePointer(strings.array(layer.lowers))
            config.nlowers = Int32(layer.lowers.count)
            if layer.upper.hasPrefix(inMemoryPrefix) || layer.work.hasPrefix(inMemoryPrefix) {
                config.in_memory = 1
            } else {
                config.upper = strings.copy(layer.upper)
                config.work = strings.copy(layer.work)
            }
            config.squash_to_root = layer.squashToRoot ? 1 : 0
            config.debug = debug ? 1 : 0
            configs[i] = config
        }
        let socket = withExtendedLifetime(strings) {
            dbx_fuse_daemon_start(configs, Int32(layers.count), userNamespace, debug ? 1 : 0)
        }
        guard socket >= 0 else { throw .launch("cannot start the FUSE overlay's process: \(String(cString: strerror(-socket)))") }
        return socket
    }
}
