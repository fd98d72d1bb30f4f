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
        guard let text = FileSystem.read("/etc/passwd") else { return nil }
        for line in ASCII.split(text, on: UInt8(ascii: "\n")) {
            let f = ASCII.split(line, on: UInt8(ascii: ":"), keepEmpty: true)
            if f.count >= 6, UInt32(f[2]) == uid { return (String(f[0]), String(f[5])) }
        }
        return nil
    }
}
