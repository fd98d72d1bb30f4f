import Platform
#if canImport(Glibc)
import Glibc
#endif

/// `devbox attach`'s stdin: passed to the container's relay (StdinRelay)
/// as it comes. With a terminal container and a terminal here, the terminal
/// goes raw (keys reach the container one by one, as podman attach does)
/// and the detach keys (default ctrl-p,ctrl-q) leave the container running.
/// A plain stream is passed byte for byte: no keys are looked for in it.
final class AttachInput {
    let socket: Int32
    private var stdinOpen = true
    /// Whether there is input left to wait for.
    var wantsInput: Bool { stdinOpen }
    private let detachKeys: [UInt8]
    private var matched: [UInt8] = []
    private var saved: termios?

    init(socket: Int32, terminal: Bool, detachKeys: [UInt8]) {
        self.socket = socket
        self.detachKeys = terminal ? detachKeys : []
        if terminal, isatty(0) == 1 {
            var mode = termios()
            if tcgetattr(0, &mode) == 0 {
                saved = mode
                cfmakeraw(&mode)
                tcsetattr(0, TCSANOW, &mode)
            }
        }
    }

    /// Waits up to `milliseconds` for stdin and passes on what came.
    /// Returns false when the detach keys were typed.
    func pump(milliseconds: Int32) -> Bool {
        guard stdinOpen else {
            usleep(useconds_t(milliseconds) * 1000)
            return true
        }
        var waiting = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, milliseconds) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return true }
        guard n > 0 else {
            // Our input ended; the container's stays open for the next attach.
            stdinOpen = false
            shutdown(socket, Int32(SHUT_WR))
            return true
        }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        for byte in buffer[..<n] {
            guard !detachKeys.isEmpty else { out.append(byte); continue }
            if byte == detachKeys[matched.count] {
                matched.append(byte)
                if matched.count == detachKeys.count { forward(out); return false }
                continue
            }
            // A partial match was ordinary input after all.
            out += matched
            matched = []
            if byte == detachKeys[0] { matched = [byte] } else { out.append(byte) }
        }
        forward(out)
        return true
    }

    /// The container may end while we send: then the relay is gone, and
    /// the rest of our input is dropped (MSG_NOSIGNAL: no SIGPIPE; attach
    /// still reports the container's exit code).
    private func forward(_ bytes: [UInt8]) {
        if !StdinRelay.writeAll(socket, bytes, count: bytes.count, socket: true) { stdinOpen = false }
    }

    /// The terminal as it was.
    func restore() {
        if var saved { tcsetattr(0, TCSANOW, &saved) }
        saved = nil
    }

    /// podman's --detach-keys: comma-separated `ctrl-X` or single
    /// characters; "" turns detaching off.
    static func parseKeys(_ text: String) -> [UInt8]? {
        guard !text.isEmpty else { return [] }
        var keys: [UInt8] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bytes = Array(part.utf8)
            if bytes.count == 1 {
                keys.append(bytes[0])
            } else if part.hasPrefix("ctrl-"), bytes.count == 6 {
                let key = bytes[5]
                switch key {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): keys.append(key - UInt8(ascii: "a") + 1)
                case UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "\\"), UInt8(ascii: "]"), UInt8(ascii: "^"), UInt8(ascii: "_"):
                    keys.append(key & 0x1f)
                default: return nil
                }
            } else {
                return nil
            }
        }
        return keys
    }
}
