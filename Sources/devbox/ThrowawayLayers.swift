import ImageStore
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// The host side of a run's own directories (RunPlan.runWorkDir): overlay
/// work dirs, and a `--rm` layer kept on disk where tmpfs cannot hold it.
enum ThrowawayLayers {
    /// Reclaims the layers of `--rm` runs that were killed, then creates and
    /// locks this run's (see RunScratch).
    static func claim(_ dir: String, host: HostFacts) {
        RunScratch.reclaim(in: LayerPlacement.scratchRoot(dataDir: host.dataDir)) { remove($0, host: host) }
        guard RunScratch.claim(dir) != nil else {
            fail("cannot create \(dir): \(String(cString: strerror(errno))); check that \(host.dataDir) is writable")
        }
    }

    /// Rootless with a subordinate range, the container may have made files
    /// and directories of other ids that only the held user namespace can
    /// delete; it is joined only when a plain removal left something.
    static func remove(_ dir: String, host: HostFacts) {
        FileSystem.removeTree(dir)
        guard FileSystem.exists(dir) else { return }
        NamespacedRemoval.remove(dir, userNamespace: StoreAccess.userNamespace(host: host))
    }
}
