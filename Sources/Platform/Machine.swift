#if canImport(Glibc)
import Glibc
#endif

/// uname(2)'s machine name: "x86_64", "aarch64".
public enum Machine {
    public static var name: String {
        var info = utsname()
        uname(&info)
        return withUnsafePointer(to: info.machine) {
            $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) }
        }
    }
}
