import Platform
/// /proc/self/mountinfo, reduced to what planning needs: the mount points.
public enum MountInfo {
    public static func mountPoints(in text: String) -> [String] {
        ASCII.split(text, on: UInt8(ascii: "\n")).compactMap { line in
            let fields = ASCII.split(line, on: UInt8(ascii: " "))
            guard fields.count > 4 else { return nil }
            return unescape(String(fields[4]))
        }
    }

    /// The kernel writes space, tab, newline and backslash as octal escapes.
    static func unescape(_ field: String) -> String {
        guard field.utf8.contains(UInt8(ascii: "\\")) else { return field }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
