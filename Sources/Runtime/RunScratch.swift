import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Per-run directories that must go when their run ends: a `--rm` run's
/// throwaway layer when tmpfs cannot hold it. A run holds an exclusive
/// flock(2) on its directory while it lives; the kernel drops it however
/// the run ends (even SIGKILL), so a directory nobody has locked belongs to
/// a dead run. A lock, not a pid check: a pid may be reused, and a run in
/// another pid namespace sharing the store would look dead.
public enum RunScratch {
    /// Creates `dir` (mode 0700) and locks it for the rest of this process.
    /// Returns the fd holding the lock (close-on-exec), or nil.
    public static func claim(_ dir: String) -> Int32? {
        for _ in 0..<8 {
            guard FileSystem.makeDirectories(dir, mode: 0o700) else { return nil }
            let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }  // reclaimed between mkdir and open: again
            // Blocking: a reclaimer that locked it first removes it, then we retry.
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            if sameDirectory(fd, dir) { return fd }
            close(fd)
        }
        return nil
    }

    /// Removes every directory in `root` whose run is over. `remove` does
    /// the deleting (rootless, files of subordinate ids need the user
    /// namespace they belong to).
    public static func reclaim(in root: String, remove: (String) -> Void) {
        for name in FileSystem.list(root) {
            let path = root + "/" + name
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, sameDirectory(fd, path) else { continue }
            remove(path)
        }
    }

    /// `fd` is still the directory at `path` (not one removed meanwhile).
    static func sameDirectory(_ fd: Int32, _ path: String) -> Bool {
        var held = stat(), named = stat()
        return fstat(fd, &held) == 0 && lstat(path, &named) == 0
            && held.st_dev == named.st_dev && held.st_ino == named.st_ino
    }
}
