import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A detached terminal container's window size, set by `devbox attach`:
/// the supervisor holds the pty with no terminal of its own, so the
/// attaching client writes its size ("ROWS COLS") to a file in the
/// container's live directory and sends the supervisor SIGWINCH; the
/// supervisor sets it on the pty, and the kernel signals the container's
/// foreground process group (dbx_config.winsize_path).
enum WindowSize {
    static func file(live: String) -> String { live + "/winsize" }

    /// The size of our own terminal (stdin's, else stdout's); nil without one.
    static func current() -> (rows: UInt16, cols: UInt16)? {
        var size = winsize()
        guard ioctl(0, UInt(TIOCGWINSZ), &size) == 0 || ioctl(1, UInt(TIOCGWINSZ), &size) == 0,
              size.ws_row > 0, size.ws_col > 0 else { return nil }
        return (size.ws_row, size.ws_col)
    }

    /// Passes our size on; false when there is none to pass or no
    /// supervisor to tell. Written atomically: the supervisor may read at
    /// any moment.
    @discardableResult
    static func send(live: String, supervisor: Int32) -> Bool {
        guard let size = current(), supervisor > 0 else { return false }
        guard FileSystem.writeAtomically(file(live: live), contents: "\(size.rows) \(size.cols)\n", mode: 0o600) else { return false }
        return kill(supervisor, SIGWINCH) == 0
    }
}
