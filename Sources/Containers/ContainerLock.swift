import Platform
#if canImport(Glibc)
import Glibc
#endif

/// flock(2) on a file: held by an open descriptor, so a killed holder never
/// leaves it behind. That is what lets the supervisor's lock say "alive".
public final class ContainerLock {
    public private(set) var fd: Int32

    /// Takes the lock, waiting when `wait`; nil when it is held elsewhere.
    public init?(_ path: String, exclusive: Bool = true, wait: Bool = true) throws(ContainerError) {
        let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        while flock(fd, operation) != 0 {
            if errno == EINTR { continue }
            let error = errno
            close(fd)
            if error == EWOULDBLOCK { return nil }
            throw .io(path: path, reason: String(cString: strerror(error)))
        }
        self.fd = fd
    }

    /// Whether someone holds `path` locked (a missing file: nobody).
    public static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    public func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
