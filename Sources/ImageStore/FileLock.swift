import Platform
#if canImport(Glibc)
import Glibc
#endif

/// flock(2) helpers. flock locks belong to the open file description, so
/// they vanish with the last descriptor: a killed process never leaves a
/// lock behind, which is what makes them safe markers of "still alive".
enum FileLock {
    /// Opens (creating) `path` and takes the lock, waiting if `wait`.
    /// Returns the descriptor, -1 when it would block, or throws.
    static func open(_ path: String, exclusive: Bool, wait: Bool) throws(StoreError) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        if take(fd, exclusive: exclusive, wait: wait) { return fd }
        let error = errno
        close(fd)
        guard error == EWOULDBLOCK else { throw .io(path: path, reason: String(cString: strerror(error))) }
        return -1
    }

    /// flock on an open descriptor; false when it would block (errno set).
    static func take(_ fd: Int32, exclusive: Bool, wait: Bool) -> Bool {
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        while flock(fd, operation) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }
}
