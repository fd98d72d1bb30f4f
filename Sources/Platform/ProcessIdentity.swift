#if canImport(Glibc)
import Glibc
#endif

/// A process named so that a reused pid is never taken for it: the pid plus
/// its start time (field 22 of /proc/PID/stat, in clock ticks since boot).
public struct ProcessIdentity: Codable, Equatable, Sendable {
    public var pid: Int32
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// The live process `pid` is, or nil when there is none.
    public static func of(_ pid: Int32) -> ProcessIdentity? {
        guard pid > 0, let start = startTime(of: pid) else { return nil }
        return ProcessIdentity(pid: pid, startTime: start)
    }

    /// True while this very process lives (not another that got its pid).
    public var isAlive: Bool { Self.startTime(of: pid) == startTime }

    static func startTime(of pid: Int32) -> UInt64? {
        guard let text = FileSystem.read("/proc/\(pid)/stat", limit: 4096) else { return nil }
        // The command name (field 2) may hold spaces and parentheses: count
        // fields after its last ')'.
        guard let close = text.utf8.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let rest = text[text.index(after: close)...]
        let fields = ASCII.words(String(rest))
        // rest starts at field 3 (state); starttime is field 22.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
