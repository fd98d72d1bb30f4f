import Platform
/// /proc/self/mountinfo, reduced to what planning needs: the mount points.
public enum MountInfo {
    public static func mountPoints(in text: String) -> [String] {
        MountTable(parsing: text).mountPoints
    }
}
