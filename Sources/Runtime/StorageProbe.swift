import CSandbox
import FoundationEssentials
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Which layering works here and why the others do not: the store's
/// filesystem by statfs, and overlayfs in a user namespace tried for real
/// (storage_probe.c). Cached per (kernel release, store filesystem, devbox
/// version) in `<data>/storage-probe.json`, as containers/storage caches
/// its feature checks: the answer only changes with one of those.
public struct StorageReport: Codable, Equatable, Sendable {
    public struct Check: Codable, Equatable, Sendable {
        public var name: String
        public var ok: Bool
        public var detail: String
    }

    public var kernel: String
    public var store: String
    /// The store's filesystem (`ext4`, `nfs`, ...; `0x...` when unknown).
    public var filesystem: String
    public var version: String
    /// `overlay`; `none` when overlay is refused here (runs of images
    /// then use the copy driver); `undetermined` when the probe itself
    /// could not run (no user namespace, its directory removed under it):
    /// runs keep overlay and meet the real error, and nothing is cached.
    public var driver: String
    /// overlay mounts take `userxattr` (Linux 5.11+).
    public var userxattr: Bool
    public var checks: [Check]

    public var key: String { "\(kernel)|\(filesystem)|\(version)" }
}

public enum StorageProbe {
    /// The cached report, or a fresh probe when the kernel, the store's
    /// filesystem or devbox changed (or `refresh`).
    public static func report(dataDir: String, version given: String, refresh: Bool = false) -> StorageReport {
        let cache = dataDir + "/storage-probe.json"
        let version = given + build()
        let kernel = kernelRelease()
        let filesystem = filesystemName(of: dataDir)
        if !refresh, let bytes = FileSystem.readBytes(cache, limit: 1 << 20),
           let cached = try? JSONDecoder().decode(StorageReport.self, from: Data(bytes)),
           cached.kernel == kernel, cached.filesystem == filesystem.name, cached.version == version, cached.store == dataDir {
            return cached
        }
        let report = probe(dataDir: dataDir, kernel: kernel, filesystem: filesystem, version: version)
        // Only an answer is kept: a probe that could not run says nothing
        // about this kernel and filesystem.
        guard report.driver != "undetermined" else { return report }
        if let data = try? JSONEncoder().encode(report) {
            _ = FileSystem.writeAtomically(cache, contents: String(decoding: data, as: UTF8.self) + "\n", mode: 0o600)
        }
        _ = FileSystem.writeAtomically(dataDir + "/storage-driver", contents: report.key + "\n" + report.driver + "\n", mode: 0o600)
        return report
    }

    /// The driver the probe chose, as every run asks it: one small file
    /// and three cheap syscalls (no JSON on the run path); probes when the
    /// kernel, the store's filesystem or devbox changed.
    public static func driver(dataDir: String, version given: String) -> (driver: String, filesystem: String) {
        let filesystem = filesystemName(of: dataDir).name
        let key = "\(kernelRelease())|\(filesystem)|\(given + build())"
        if let text = FileSystem.read(dataDir + "/storage-driver", limit: 4096) {
            let lines = ASCII.split(text, on: UInt8(ascii: "\n"))
            if lines.count == 2, lines[0] == key { return (lines[1], filesystem) }
        }
        let report = report(dataDir: dataDir, version: given, refresh: true)
        return (report.driver, report.filesystem)
    }

    static func probe(dataDir: String, kernel: String, filesystem: (name: String, note: String?), version: String) -> StorageReport {
        var checks: [StorageReport.Check] = []
        if let note = filesystem.note {
            checks.append(.init(name: "store filesystem", ok: false, detail: "\(dataDir) is on \(filesystem.name): \(note)"))
        } else {
            checks.append(.init(name: "store filesystem", ok: true, detail: "\(dataDir) is on \(filesystem.name)"))
        }
        // Beside the store, not in its tmp/, which prune and stale-run
        // reclaiming sweep while other devbox processes work.
        let base = dataDir + "/storage-probe.tmp-\(getpid())"
        FileSystem.removeTree(base)
        var raw = dbx_storage_report()
        var userxattr = false
        var ran = false
        if !FileSystem.makeDirectories(base, mode: 0o700) {
            checks.append(.init(name: "overlay in a user namespace", ok: false, detail: "cannot create \(base): \(String(cString: strerror(errno)))"))
        } else {
            let rc = dbx_probe_storage(base, &raw)
            FileSystem.removeTree(base)
            if rc < 0 {
                checks.append(.init(name: "overlay in a user namespace", ok: false, detail: "the probe could not run: \(String(cString: strerror(-rc)))"))
            } else {
                checks += interpret(raw)
                userxattr = raw.userxattr == 1
                ran = raw.userns_errno == 0 && raw.setup_errno == 0
            }
        }
        let works = raw.works == 1 && checks.allSatisfy(\.ok)
        let driver = works ? "overlay" : (ran || filesystem.note != nil ? "none" : "undetermined")
        return StorageReport(kernel: kernel, store: dataDir, filesystem: filesystem.name, version: version,
                             driver: driver, userxattr: userxattr, checks: checks)
    }

    /// The C probe's fields as report lines. Pure.
    public static func interpret(_ r: dbx_storage_report) -> [StorageReport.Check] {
        func reason(_ code: Int32) -> String { code == EPROTO ? "wrong result" : String(cString: strerror(code)) }
        var checks: [StorageReport.Check] = []
        if r.userns_errno != 0 {
            return [.init(name: "overlay in a user namespace", ok: false, detail: "no user namespace to try in: \(reason(r.userns_errno))")]
        }
        if r.setup_errno != 0 {
            return [.init(name: "overlay in a user namespace", ok: false, detail: "cannot make the probe's layers: \(reason(r.setup_errno))")]
        }
        if r.mounted != 1 {
            var detail = "the kernel refused the mount: \(reason(r.mount_errno)) with userxattr"
            if r.mount_plain_errno != 0 { detail += ", \(reason(r.mount_plain_errno)) without" }
            checks.append(.init(name: "overlay in a user namespace", ok: false, detail: detail + " (Linux 5.11 or newer mounts overlay in a user namespace)"))
        } else {
            checks.append(.init(name: "overlay in a user namespace", ok: true,
                                detail: r.userxattr == 1 ? "mounts with userxattr" : "mounts only without userxattr (\(reason(r.mount_errno)) with it)"))
            let steps: [(String, Int32)] = [("lower layers merged", r.merge_errno), ("kernel-style whiteouts hide lower files", r.whiteout_errno),
                                            ("opaque directories", r.opaque_errno), ("delete through the merged view", r.delete_errno)]
            for (name, code) in steps {
                checks.append(.init(name: name, ok: code == 0, detail: code == 0 ? "works" : reason(code)))
            }
        }
        checks.append(.init(name: "renameat2(RENAME_WHITEOUT)", ok: r.rename_whiteout_errno == 0,
                            detail: r.rename_whiteout_errno == 0 ? "the store's filesystem makes whiteouts"
                                : "\(reason(r.rename_whiteout_errno)) (ZFS before 2.2 lacks it): overlay cannot delete or rename there"))
        if r.dtype >= 0 {
            checks.append(.init(name: "d_type", ok: r.dtype != 0,
                                detail: r.dtype != 0 ? "readdir reports file types" : "readdir reports no file types (XFS with ftype=0?): overlay needs them"))
        }
        return checks
    }

    /// The running binary's size and time: a rebuilt devbox of the same
    /// version probes again.
    static func build() -> String {
        var st = stat()
        guard stat("/proc/self/exe", &st) == 0 else { return "" }
        return "+\(st.st_size)-\(st.st_mtim.tv_sec)"
    }

    public static func kernelRelease() -> String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The filesystem holding `path`, and why it is a poor place for layers
    /// when it is one.
    public static func filesystemName(of path: String) -> (name: String, note: String?) {
        var type = dbx_statfs_type(path)
        if type < 0 { type = dbx_statfs_type("/") }
        guard type >= 0 else { return ("unknown", nil) }
        return filesystemName(magic: UInt64(type))
    }

    /// Pure: statfs f_type to a name and a note.
    public static func filesystemName(magic: UInt64) -> (name: String, note: String?) {
        let network = "a network filesystem: overlay upper layers there are refused or unreliable; keep the store on a local disk (--root or XDG_DATA_HOME, e.g. under /var/tmp/$USER)"
        switch magic {
        case 0xEF53: return ("ext4", nil)
        case 0x5846_5342: return ("xfs", nil)
        case 0x9123_683E: return ("btrfs", nil)
        case 0x0102_1994: return ("tmpfs", nil)
        case 0xF2F5_2010: return ("f2fs", nil)
        case 0x6969: return ("nfs", network)
        case 0xFF53_4D42, 0x517B: return ("cifs", network)
        case 0xFE53_4D42: return ("smb2", network)
        case 0x0BD0_0BD0: return ("lustre", network)
        case 0x4750_4653: return ("gpfs", network)
        case 0x0187: return ("autofs", network)
        case 0x6573_5546: return ("fuse", "a FUSE filesystem (virtiofs, sshfs, ...): overlay cannot use it as an upper layer; keep the store on a local disk")
        case 0x794C_7630: return ("overlay", "itself an overlay (devbox inside a container): overlay on overlay is refused; give the store a volume of its own")
        case 0xF15F: return ("ecryptfs", "ecryptfs cannot hold overlay's layers; keep the store outside the encrypted home (--root)")
        case 0x2FC1_2FC1: return ("zfs", nil)
        default: return (String(format0x: magic), nil)
        }
    }
}

extension String {
    fileprivate init(format0x value: UInt64) {
        self = "0x" + String(value, radix: 16)
    }
}
