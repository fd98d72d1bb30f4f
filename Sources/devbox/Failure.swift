#if canImport(Glibc)
import Glibc
#endif

/// devbox's own exit codes (docs/EXIT-CODES.md). Everything else `devbox
/// run` exits with is the command's status, so these stay few and fixed.
enum ExitStatus {
    /// An error in a command other than `run` (pull, images, ...).
    static let error: Int32 = 1
    /// The user's input is wrong: a flag, a profile, devbox.toml, the project.
    /// Fixing the command line or a file fixes it. 125, as podman exits for
    /// every error of its own: tools that drive devbox as they drive podman
    /// (editors, the devcontainers CLI) tell devbox's failures from the
    /// command's by that one code.
    static let usage: Int32 = 125
    /// devbox failed before the command ran; 125 is what podman and docker
    /// use, so the command's own exit codes stay distinguishable.
    static let failure: Int32 = 125
    /// A project's config file (devbox.toml, devcontainer.json) is malformed:
    /// the message says file:line. 2, as the devcontainers CLI exits.
    static let config: Int32 = 2
}

/// Prints `devbox: <message>` on one line and exits non-zero: the one way
/// errors reach the user.
func fail(_ message: CustomStringConvertible, code: Int32 = ExitStatus.failure) -> Never {
    printError("devbox: \(message)")
    if FailureOutput.json {
        let text = "\(message)".unicodeScalars.map { c -> String in
            switch c {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: return String(c)
            }
        }.joined()
        print("{\"outcome\":\"error\",\"message\":\"\(text)\",\"description\":\"devbox up failed\"}")
    }
    exit(code)
}

/// Messages carry text from files devbox does not trust (a config's name,
/// its commands, paths): control bytes other than tab and newline are shown as `?`, so
/// none reaches the terminal as an escape sequence (title, clipboard).
func printError(_ line: String) {
    var bytes = Array(line.utf8).map { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A || $0 == 0x7f ? UInt8(ascii: "?") : $0 }
    // C1 controls (U+0080...U+009F, UTF-8 C2 80...C2 9F) too.
    var i = 0
    while i + 1 < bytes.count {
        if bytes[i] == 0xC2, (0x80...0x9F).contains(bytes[i + 1]) { bytes[i] = UInt8(ascii: "?"); bytes.remove(at: i + 1) }
        i += 1
    }
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return }
        offset += n
    }
}

func debug(_ enabled: Bool, _ line: @autoclosure () -> String) {
    if enabled { printError("devbox[debug]: " + line()) }
}
