import Platform
#if canImport(Glibc)
import Glibc
#endif

/// The overlay checks: real work (rm -rf, recreate, rename of lower
/// directories) on the filesystem each kind of upper layer uses: the
/// store's for persistent environments, tmpfs for `--rm`.
extension Doctor {
    static let persistentName = "overlayfs, persistent layers"
    static let throwawayName = "overlayfs, --rm layers on tmpfs"

    static func overlays(scratch: String, fallback: String) -> [DoctorCheck] {
        let base = scratch + "/doctor-\(getpid())"
        defer { FileSystem.removeTree(base) }
        for dir in [base + "/persistent", base + "/tmpfs", base + "/lower"] where !FileSystem.makeDirectories(dir) {
            return [.init(name: persistentName, status: .fail, detail: "cannot create \(dir)", fix: "check that \(scratch) is writable")]
        }
        // The lower layer on the store's filesystem, as image layers are.
        let persistent = OverlayProbe.run(scratch: base + "/persistent", tmpfs: false)
        let throwaway = OverlayProbe.run(scratch: base + "/tmpfs", tmpfs: true, lower: base + "/lower")
        return overlayChecks(persistent: persistent, throwaway: throwaway, store: scratch, fallback: fallback)
    }

    /// The two report lines from the probes' outcomes. Pure.
    public static func overlayChecks(persistent: OverlayProbe.Outcome, throwaway: OverlayProbe.Outcome,
                                     store: String, fallback: String) -> [DoctorCheck] {
        [persistentCheck(persistent, store: store), throwawayCheck(throwaway, persistent: persistent, fallback: fallback)]
    }

    static func persistentCheck(_ outcome: OverlayProbe.Outcome, store: String) -> DoctorCheck {
        let name = persistentName
        switch outcome {
        case .works:
            return .init(name: name, status: .ok, detail: "rm -rf, mkdir and mv of lower directories work on \(store)'s filesystem", fix: nil)
        case .mixedDevices(let text):
            return .init(name: name, status: .warn, detail: text + " (du -x and find -xdev skip files)",
                         fix: "use Linux 4.17 or newer with xino support in overlayfs")
        case .broken(let text):
            return .init(name: name, status: .fail, detail: text + " on \(store)'s filesystem",
                         fix: "keep the store on a filesystem with user xattrs (ext4, xfs, btrfs): set XDG_DATA_HOME or --root")
        case .refused(let text), .untestable(let text):
            return .init(name: name, status: .fail, detail: text,
                         fix: "use Linux 5.11 or newer with overlayfs (sudo modprobe overlay)")
        }
    }

    static func throwawayCheck(_ outcome: OverlayProbe.Outcome, persistent: OverlayProbe.Outcome, fallback: String) -> DoctorCheck {
        let name = throwawayName
        switch outcome {
        case .works:
            return .init(name: name, status: .ok, detail: "rm -rf, mkdir and mv of lower directories work with a tmpfs upper layer", fix: nil)
        case .mixedDevices(let text):
            return .init(name: name, status: .warn, detail: text + " (du -x and find -xdev skip files)",
                         fix: "use Linux 4.17 or newer with xino support in overlayfs")
        case .broken(let text), .refused(let text), .untestable(let text):
            guard persistent == .works else {
                return .init(name: name, status: .fail, detail: text, fix: "see the check above")
            }
            // tmpfs takes user.* xattrs only since Linux 6.6.
            return .init(name: name, status: .warn,
                         detail: "\(text) (tmpfs lacks user xattrs before Linux 6.6): --rm keeps its layer in \(fallback) and removes it after the run",
                         fix: "nothing needed; on Linux 6.6 or newer --rm keeps it in memory")
        }
    }
}
