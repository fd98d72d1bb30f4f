import CSandbox
import Platform

/// Tries, in a throwaway child with its own user and mount namespaces, what
/// real work does through an overlay: write a file, `rm -rf` a populated
/// lower directory and create it again, `mkdir` where a lower file was
/// deleted, rename a lower directory, and compare a lower file's st_dev
/// with its directory's. The overlay is mounted with the same options as a
/// container's (SetupCompiler.overlayOptions).
public enum OverlayProbe {
    public enum Outcome: Equatable, Sendable {
        case works
        /// No user namespace to try in: says nothing about overlayfs.
        case untestable(String)
        /// The overlay mount itself was refused.
        case refused(String)
        /// It mounts, but an operation failed (e.g. EIO where the upper
        /// filesystem cannot hold overlayfs's xattrs).
        case broken(String)
        /// Everything works, but files and directories show different
        /// device numbers.
        case mixedDevices(String)
    }

    /// Layers under `scratch`: on a fresh tmpfs mounted there (inside the
    /// child only) when `tmpfs` is set, else on `scratch`'s own filesystem.
    /// `lower` is where the lower layer is made (default: in `scratch`).
    public static func run(scratch: String, tmpfs: Bool, lower: String? = nil) -> Outcome {
        let lowerDir = lower ?? scratch + "/lower"
        let upper = scratch + "/upper", work = scratch + "/work", merged = scratch + "/merged"
        let options = SetupCompiler.overlayOptions(lowers: [lowerDir], upper: upper, work: work)
        var errbuf = [CChar](repeating: 0, count: 512)
        let rc = dbx_probe_overlay(scratch, tmpfs ? 1 : 0, lowerDir, upper, work, merged, options, &errbuf, errbuf.count)
        let text = String(cBuffer: errbuf)
        switch rc {
        case 0: return .works
        case 2: return .refused(text)
        case 3: return .broken(text)
        case 4: return .mixedDevices(text)
        default: return .untestable(text)
        }
    }
}
