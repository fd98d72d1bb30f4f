import OCI

/// Where a run's overlay upper and work directories live.
///
/// - persistent: `containers/<id>/upper` and a per-run `work/<pid>`;
/// - `--rm`: memory (nothing to clean up, even after `kill -9`): kernel
///   overlay's in the container's scratch tmpfs, the FUSE driver's in a
///   tmpfs of its daemon's own; unless tmpfs cannot hold overlayfs's
///   `user.*` xattrs (Linux < 6.6, `HostFacts.tmpfsHoldsLayers`): then a
///   per-run directory on the store's filesystem, `scratch/<pid>/{upper,work}`,
///   removed after the run (and by the next run if this one was killed).
public struct LayerPlacement: Equatable, Sendable {
    public var container: ContainerLayout?
    /// Removed when the run ends.
    public var runDirectory: String?
    /// Host paths, or `onTmpfs` for the run's scratch tmpfs.
    public var upper: String
    public var work: String

    public static let onTmpfs = "tmpfs"

    /// Thrown away with the run's private tmpfs (or the FUSE daemon's).
    public var inMemory: Bool { upper == Self.onTmpfs }

    /// The overlay mounts' upperdir/workdir options (none on tmpfs: the
    /// executor's scratch) and the FUSE driver's options.
    func attach(to mounts: inout [RuntimeSpec.Mount], fuse: Bool, squashToRoot: Bool) {
        OverlayMount.attachLayers(to: &mounts, upper: inMemory ? nil : upper, work: inMemory ? nil : work,
                                  fuse: fuse, squashToRoot: squashToRoot)
    }

    /// Parent of the per-run throwaway layer directories.
    public static func scratchRoot(dataDir: String) -> String { dataDir + "/scratch" }

    /// Kernel overlay keeps a `--rm` layer in the run's private tmpfs; the
    /// FUSE driver's daemon cannot reach that one and makes a tmpfs of its
    /// own (the mount names no upperdir either way). A copied root would
    /// hold the whole image in memory: never.
    static func plan(remove: Bool, host: HostFacts, runID: String, driver: RunOptions.StorageDriver,
                     container: () -> ContainerLayout) -> LayerPlacement {
        if !remove {
            let layout = container()
            return .init(container: layout, runDirectory: layout.work(run: runID), upper: layout.upper,
                         work: layout.work(run: runID))
        }
        if host.tmpfsHoldsLayers && (driver == .overlay || driver == .fuse) {
            return .init(container: nil, runDirectory: nil, upper: onTmpfs, work: onTmpfs)
        }
        let dir = scratchRoot(dataDir: host.dataDir) + "/" + runID
        return .init(container: nil, runDirectory: dir, upper: dir + "/upper", work: dir + "/work")
    }
}
