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

    static func unescape(_ field: String) -> String {
        MountInfoText.unescape(field)
    }
}
