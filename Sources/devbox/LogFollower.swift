import Platform
#if canImport(Glibc)
import Glibc
#endif

/// The supervisor's log as it grows, for `logs -f` and `attach`: only the
/// new bytes are read (not the whole file at every turn, up to the 16 MB
/// cap), across the supervisor's one rotation, and `wakeFD` (inotify on
/// the container's directory) becomes readable as soon as the log or the
/// status changes, so an attached terminal's echo is not a polling period
/// late. Without inotify (-1) the caller polls.
final class LogFollower {
    private let path: String
    private var fd: Int32 = -1
    private var inode: UInt64 = 0
    let wakeFD: Int32

    /// From `offset` bytes into the current log.
    init(path: String, from offset: Int) {
        self.path = path
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        let wake = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        let events = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF)
        if wake >= 0, inotify_add_watch(wake, directory, events) < 0 {
            close(wake)
            wakeFD = -1
        } else {
            wakeFD = wake
        }
        open(at: off_t(offset))
    }

    deinit {
        if fd >= 0 { close(fd) }
        if wakeFD >= 0 { close(wakeFD) }
    }

    /// What was written since the last call; the rest of a rotated log
    /// first, then the new one from its start.
    func readNew() -> [UInt8] {
        var bytes = readToEnd()
        var st = stat()
        // lstat: the log is opened without following a link either.
        if lstat(path, &st) == 0, UInt64(st.st_ino) != inode || fd < 0 {
            if fd >= 0 { close(fd) }
            open(at: 0)
            bytes += readToEnd()
        }
        return bytes
    }

    /// Empties the inotify queue (the events only say "look again").
    func drainWakeups() {
        guard wakeFD >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while buffer.withUnsafeMutableBytes({ read(wakeFD, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func open(at offset: off_t) {
        fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        var st = stat()
        guard fd >= 0, fstat(fd, &st) == 0 else { return }
        inode = UInt64(st.st_ino)
        // A log shorter than the offset was rotated meanwhile: all of it is new.
        lseek(fd, offset <= st.st_size ? offset : 0, SEEK_SET)
    }

    private func readToEnd() -> [UInt8] {
        guard fd >= 0 else { return [] }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return bytes }
            bytes += buffer[..<n]
        }
    }
}
