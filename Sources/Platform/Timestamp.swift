#if canImport(Glibc)
import Glibc
#endif

/// A point in time as the container commands show it: nanoseconds since
/// the epoch, printed as RFC 3339 in UTC (what podman's JSON carries).
public struct Timestamp: Codable, Comparable, Hashable, Sendable {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    public var seconds: Int64 { nanoseconds / 1_000_000_000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `2026-12-02T22:01:33.123456789Z`.
    public var rfc3339: String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = String(nanoseconds % 1_000_000_000)
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + String(repeating: "0", count: 9 - fraction.count) + fraction + "Z"
    }

    /// "5 seconds", "3 minutes", "2 hours": how podman's tables say an age.
    public static func age(from start: Timestamp, to end: Timestamp) -> String {
        let seconds = max(0, (end.nanoseconds - start.nanoseconds) / 1_000_000_000)
        func unit(_ n: Int64, _ name: String) -> String { n == 1 ? "1 \(name)" : "\(n) \(name)s" }
        switch seconds {
        case ..<1: return "Less than a second"
        case ..<60: return unit(seconds, "second")
        case ..<3600: return unit(seconds / 60, "minute")
        case ..<86400: return unit(seconds / 3600, "hour")
        default: return unit(seconds / 86400, "day")
        }
    }

    /// Parses what `rfc3339` prints, or a bare number of seconds since the
    /// epoch, or a duration before now ("10m", "2h", "30s") as podman's
    /// `--since` accepts them.
    public static func parse(_ text: String, now: Timestamp = .now()) -> Timestamp? {
        if let seconds = Int64(text) { return Timestamp(nanoseconds: seconds * 1_000_000_000) }
        if let last = text.last, let unit: Int64 = ["s": 1, "m": 60, "h": 3600][last], let n = Int64(text.dropLast()) {
            return Timestamp(nanoseconds: now.nanoseconds - n * unit * 1_000_000_000)
        }
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int32? { Int32(String(decoding: bytes[from..<from + count], as: UTF8.self)) }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2) else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        var nanos: Int64 = 0
        if bytes.count > 20, bytes[19] == 46 {
            let digits = bytes[20...].prefix { $0 >= 48 && $0 <= 57 }
            let padded = String(decoding: digits.prefix(9), as: UTF8.self) + String(repeating: "0", count: max(0, 9 - digits.count))
            nanos = Int64(padded) ?? 0
        }
        return Timestamp(nanoseconds: Int64(timegm(&parts)) * 1_000_000_000 + nanos)
    }
}
