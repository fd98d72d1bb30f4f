import Platform
#if canImport(Glibc)
import Glibc
#endif

/// One devbox process's turn at changing the store (docs/ARCHITECTURE.md,
/// "Concurrency"). Writers (pull, load, import, a run that unpacks) hold the
/// store lock shared, so they run side by side; `image prune` holds it
/// exclusive, so it never sees the blobs and layers of a write that has not
/// tagged its image yet. Each writer also owns a scratch directory, locked
/// while it lives, and reclaims the scratch directories of dead writers.
public final class StoreSession: Sendable {
    public enum Mode: Sendable {
        /// pull, load, import, a run's unpacking: many at once.
        case write
        /// prune: alone, after every writer has finished.
        case exclusive
    }

    public let mode: Mode
    public let scratch: String
    let storeLockFD: Int32
    let scratchFD: Int32
    let userNamespace: Int32?

    /// `waiting` is called once if the lock is not free at once (so the
    /// command can say what it waits for).
    public init(layout: StoreLayout, mode: Mode, userNamespace: Int32?, waiting: () -> Void = {}) throws(StoreError) {
        self.mode = mode
        self.userNamespace = userNamespace
        for dir in [layout.root, layout.tmp] where !FileSystem.makeDirectories(dir, mode: 0o700) {
            throw .io(path: dir, reason: String(cString: strerror(errno)))
        }
        let exclusive = mode == .exclusive
        var fd = try FileLock.open(layout.storeLock, exclusive: exclusive, wait: false)
        if fd < 0 {
            waiting()
            fd = try FileLock.open(layout.storeLock, exclusive: exclusive, wait: true)
        }
        storeLockFD = fd
        do {
            (scratch, scratchFD) = try Self.createScratch(layout, userNamespace: userNamespace)
        } catch {
            close(fd)
            throw error
        }
        Self.removeAtExit(scratch, userNamespace: userNamespace)
    }

    deinit {
        NamespacedRemoval.remove(scratch, userNamespace: userNamespace)
        close(scratchFD)
        close(storeLockFD)
    }

    /// Commands end with exit(3) (also on errors), which runs no deinit:
    /// remove the scratch directory then rather than leave it to the next
    /// operation. Only the main thread opens sessions (devbox is
    /// single-threaded), hence the unchecked global.
    nonisolated(unsafe) private static var pending: [(String, Int32?)] = []

    private static func removeAtExit(_ scratch: String, userNamespace: Int32?) {
        if pending.isEmpty {
            atexit {
                for (dir, namespace) in StoreSession.pending { NamespacedRemoval.remove(dir, userNamespace: namespace) }
            }
        }
        pending.append((scratch, userNamespace))
    }

    /// Makes this operation's scratch directory and, in the same critical
    /// section of the tmp lock, picks every entry whose lock is free: those
    /// belong to processes that died (kill -9, a crash, a power cut). They
    /// are removed after the tmp lock is released, under their own lock.
    static func createScratch(_ layout: StoreLayout, userNamespace: Int32?) throws(StoreError) -> (String, Int32) {
        let tmpLock = try FileLock.open(layout.tmpLock, exclusive: true, wait: true)
        var stale: [(String, Int32)] = []
        let dir = layout.tmp + "/op-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd: Int32
        do throws(StoreError) {
            defer { close(tmpLock) }
            guard mkdir(dir, 0o700) == 0 else { throw StoreError.io(path: dir, reason: String(cString: strerror(errno))) }
            fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0, FileLock.take(fd, exclusive: true, wait: false) else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                throw StoreError.io(path: dir, reason: reason)
            }
            for name in FileSystem.list(layout.tmp) where name != ".lock" && layout.tmp + "/" + name != dir {
                let path = layout.tmp + "/" + name
                let entry = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
                if entry < 0 {
                    if errno == ELOOP { unlink(path) }  // a symlink: nothing of ours
                    continue
                }
                if FileLock.take(entry, exclusive: true, wait: false) {
                    stale.append((path, entry))
                } else {
                    close(entry)  // a live operation's
                }
            }
        } catch {
            for (_, entry) in stale { close(entry) }
            throw error
        }
        for (path, entry) in stale {
            NamespacedRemoval.remove(path, userNamespace: userNamespace)
            close(entry)
        }
        return (dir, fd)
    }
}
