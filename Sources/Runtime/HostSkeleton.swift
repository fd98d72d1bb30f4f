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
/// user. It follows the host: its name records the package databases' times
/// and the list of overlaid top-level directories, so a new directory at
/// `/`, or one that stops having mounts below it, gets a new skeleton; one
/// found incomplete (partly deleted by hand) is rebuilt. Every directory in
/// it is writable by its owner, so plain `rm -rf` removes it.
public enum HostSkeleton {
    /// Files whose change means the host's directory tree probably changed.
    static let witnesses = ["/var/lib/dpkg/status", "/var/lib/rpm/rpmdb.sqlite", "/var/lib/pacman/local", "/etc"]

    /// Returns the skeleton's directory, building it if needed. `names` are
    /// the top-level directories that will be overlaid.
    public static func prepare(dataDir: String, names: () -> [String]) throws(SandboxError) -> String {
        let overlaid = names()
        let base = dataDir + "/hostroot"
        let current = base + "/" + stamp(names: overlaid)
        // Held before it counts as found: a builder removes only skeletons
        // nobody holds, so one still there after the lock stays.
        if isComplete(current, names: overlaid), FileSystem.isDirectory(holding(current)) { return current }
        guard FileSystem.makeDirectories(base, mode: 0o700) else {
            throw .prepare(path: base, reason: String(cString: strerror(errno)))
        }
        // One builder at a time; the others wait and then find it built.
        let lock = open(base + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        defer { if lock >= 0 { close(lock) } }
        if lock >= 0 { flock(lock, LOCK_EX) }
        if isComplete(current, names: overlaid) { return holding(current) }
        let building = current + ".building-\(getpid())"
        FileSystem.removeTree(building)
        guard mkdir(building, 0o755) == 0 else { throw .prepare(path: building, reason: String(cString: strerror(errno))) }
        for name in overlaid {
            var st = stat()
            guard lstat("/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
            mirror(from: "/" + name, to: building + "/" + name, device: st.st_dev, mode: st.st_mode)
        }
        // An incomplete one of the same name goes aside first (runs that
        // look meanwhile wait on the lock, then find the new one).
        if FileSystem.isDirectory(current) {
            let trash = current + ".trash-\(getpid())"
            guard rename(current, trash) == 0 else { throw .prepare(path: current, reason: String(cString: strerror(errno))) }
            FileSystem.removeTree(trash)
        }
        guard rename(building, current) == 0 else {
            let reason = String(cString: strerror(errno))
            FileSystem.removeTree(building)
            throw .prepare(path: current, reason: reason)
        }
        let held = holding(current)
        removeUnused(in: base, keeping: current)
        return held
    }

    /// Complete: every overlaid directory that exists on the host is in it
    /// (a host directory that vanished since needs nothing).
    static func isComplete(_ skeleton: String, names: [String]) -> Bool {
        // One listing rather than a lookup per name: this is on every run.
        // A missing skeleton lists as empty and then lacks every name the
        // host has; only a host with nothing to overlay needs the stat.
        guard !names.isEmpty else { return FileSystem.isDirectory(skeleton) }
        let present = Set(FileSystem.list(skeleton))
        return names.allSatisfy { present.contains($0) || access("/" + $0, F_OK) != 0 }
    }

    /// Takes a shared lock on the skeleton for as long as this process
    /// lives (the run, which mounts it): a builder removes only skeletons
    /// no run holds.
    static func holding(_ skeleton: String) -> String {
        let fd = open(skeleton + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { flock(fd, LOCK_SH) }
        return skeleton
    }

    /// Older skeletons (and what crashed builders left) that no run holds.
    /// Called with the builders' lock held, so no build is under way.
    static func removeUnused(in base: String, keeping current: String) {
        for name in FileSystem.list(base) where name != ".lock" && !name.hasSuffix(".lock") && base + "/" + name != current {
            let path = base + "/" + name
            let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            FileSystem.removeTree(path)
            unlink(path + ".lock")
        }
    }

    static func stamp(names: [String]) -> String {
        var times = ""
        for path in witnesses {
            var st = stat()
            if stat(path, &st) == 0 { times += "\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)," }
        }
        let tree = names.sorted().concatenated(separator: "/")
        return "v2-" + String(SHA256.hex(Array((times + "|" + tree).utf8)).prefix(16))
    }

    /// Depth-first copy of directories on one filesystem, modes kept.
    private static func mirror(from source: String, to target: String, device: dev_t, mode: mode_t) {
        guard mkdir(target, 0o700) == 0 else { return }
        // Owner rwx always: a read-only directory of the host's (0555)
        // would make the copy impossible to delete with rm -rf.
        defer { chmod(target, (mode & 0o7777) | 0o700) }
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
