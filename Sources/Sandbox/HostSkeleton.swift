import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A copy of the host's directory tree (directories only, same modes) owned
/// by the calling user, used as the top lower layer of the host image.
///
/// Why: rootless, the host's root-owned files have an owner the user
/// namespace cannot map. The kernel then denies even the container's root
/// (CAP_DAC_OVERRIDE only applies to mapped owners) and overlayfs cannot copy
/// a root-owned directory up (EOVERFLOW on chown). With this layer on top,
/// every directory is the user's, i.e. root's inside, so creating, renaming
/// and deleting work anywhere; files of other owners stay read-only.
///
/// Built once per host state and shared read-only by every container of the
/// user; a new one is built when the host's package database changes.
public enum HostSkeleton {
    /// Files whose change means the host's directory tree probably changed.
    static let witnesses = ["/var/lib/dpkg/status", "/var/lib/rpm/rpmdb.sqlite", "/var/lib/pacman/local", "/etc"]

    /// Returns the skeleton's directory, building it if needed. `names` are
    /// the top-level directories that will be overlaid.
    public static func prepare(dataDir: String, names: () -> [String]) throws(SandboxError) -> String {
        let base = dataDir + "/hostroot"
        let current = base + "/" + stamp()
        if FileSystem.isDirectory(current) { return current }
        guard FileSystem.makeDirectories(base, mode: 0o700) else {
            throw .prepare(path: base, reason: String(cString: strerror(errno)))
        }
        // One builder at a time; the others wait and then find it built.
        let lock = open(base + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if lock >= 0 { close(lock) } }
        if lock >= 0 { flock(lock, LOCK_EX) }
        if FileSystem.isDirectory(current) { return current }
        let building = current + ".building-\(getpid())"
        FileSystem.removeTree(building)
        guard mkdir(building, 0o755) == 0 else { throw .prepare(path: building, reason: String(cString: strerror(errno))) }
        for name in names() {
            var st = stat()
            guard lstat("/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
            mirror(from: "/" + name, to: building + "/" + name, device: st.st_dev, mode: st.st_mode)
        }
        // Parallel first runs race here; whoever renames first wins.
        if rename(building, current) != 0 {
            FileSystem.removeTree(building)
            guard FileSystem.isDirectory(current) else {
                throw .prepare(path: current, reason: String(cString: strerror(errno)))
            }
        }
        // Older skeletons are no longer used by new runs.
        for old in FileSystem.list(base) where base + "/" + old != current && old != ".lock" {
            FileSystem.removeTree(base + "/" + old)
        }
        return current
    }

    static func stamp() -> String {
        var newest: Int = 0
        for path in witnesses {
            var st = stat()
            if stat(path, &st) == 0 { newest = max(newest, st.st_mtim.tv_sec) }
        }
        return "v1-\(newest)"
    }

    /// Depth-first copy of directories on one filesystem, modes kept.
    private static func mirror(from source: String, to target: String, device: dev_t, mode: mode_t) {
        guard mkdir(target, 0o700) == 0 else { return }
        defer { chmod(target, mode & 0o7777) }
        guard let dir = opendir(source) else { return }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            // d_type saves a stat per file; only directories need one.
            guard entry.pointee.d_type == UInt8(DT_DIR) || entry.pointee.d_type == UInt8(DT_UNKNOWN) else { continue }
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let child = source + "/" + name
            var st = stat()
            guard lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_dev == device else { continue }
            mirror(from: child, to: target + "/" + name, device: device, mode: st.st_mode)
        }
    }
}
