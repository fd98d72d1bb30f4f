#if canImport(Glibc)
import Glibc
#endif

/// Prints `devbox: <message>` on one line and exits non-zero: the one way
/// errors reach the user. 125 is what podman and docker use for their own
/// failures, so the command's own exit codes stay distinguishable.
func fail(_ message: CustomStringConvertible, code: Int32 = 125) -> Never {
    printError("devbox: \(message)")
    exit(code)
}

func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

func debug(_ enabled: Bool, _ line: @autoclosure () -> String) {
    if enabled { printError("devbox[debug]: " + line()) }
}
