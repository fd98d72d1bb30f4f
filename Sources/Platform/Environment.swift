#if canImport(Glibc)
import Glibc
#endif

public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            // Split at the first "=" on the C string itself: no Character
            // scanning of every variable on the hot path.
            if let eq = strchr(entry, 0x3d) {
                let keyLength = entry.distance(to: eq)
                let key = UnsafeRawBufferPointer(start: entry, count: keyLength)
                result[String(decoding: key, as: UTF8.self)] = String(cString: eq + 1)
            }
            pointer += 1
        }
        return result
    }

    public static func hostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        return String(cBuffer: buf)
    }

    /// The passwd entry's name and home for a uid. Parsed directly: a static
    /// binary's getpwuid would need NSS modules at run time.
    public static func passwdEntry(uid: UInt32) -> (name: String, home: String)? {
        guard var text = FileSystem.read("/etc/passwd") else { return nil }
        return text.withUTF8 { passwdEntry(in: $0, uid: uid) }
    }

    /// The first line of passwd text whose uid field is `uid`. Bytes, not a
    /// String per field of every line: this is on every run.
    public static func passwdEntry(in bytes: UnsafeBufferPointer<UInt8>, uid: UInt32) -> (name: String, home: String)? {
        let colon = UInt8(ascii: ":"), newline = UInt8(ascii: "\n")
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != newline { lineEnd += 1 }
            // Field boundaries: up to 7 fields, 6 colons.
            var colons: [Int] = []
            colons.reserveCapacity(6)
            var i = lineStart
            while i < lineEnd && colons.count < 6 {
                if bytes[i] == colon { colons.append(i) }
                i += 1
            }
            if colons.count >= 5, decimal(bytes, from: colons[1] + 1, to: colons[2]) == UInt64(uid) {
                let homeEnd = colons.count > 5 ? colons[5] : lineEnd
                return (String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<colons[0]]), as: UTF8.self),
                        String(decoding: UnsafeBufferPointer(rebasing: bytes[(colons[4] + 1)..<homeEnd]), as: UTF8.self))
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> UInt64? {
        guard from < to, to - from <= 10 else { return nil }
        var value: UInt64 = 0
        for i in from..<to {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + UInt64(d)
        }
        return value
    }
}
