#if canImport(Glibc)
import Glibc
#endif

public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let item = String(cString: entry)
            if let eq = item.firstIndex(of: "=") {
                result[String(item[..<eq])] = String(item[item.index(after: eq)...])
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
        for line in text.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count >= 6, UInt32(f[2]) == uid { return (String(f[0]), String(f[5])) }
        }
        return nil
    }
}
