import OCI
import Platform

/// Id maps in the two forms the kernel and the setuid helpers accept.
public enum IDMapText {
    /// /proc/PID/uid_map: "inside outside count" per line.
    public static func procFile(_ mappings: [RuntimeSpec.IDMapping]) -> String {
        mappings.map { "\($0.containerID) \($0.hostID) \($0.size)\n" }.concatenated()
    }

    /// Each id of the mappings' container side mapped onto itself: a child
    /// user namespace that sees exactly what its parent sees.
    public static func identity(_ mappings: [RuntimeSpec.IDMapping]) -> String {
        mappings.map { "\($0.containerID) \($0.containerID) \($0.size)\n" }.concatenated()
    }

    /// newuidmap/newgidmap arguments after the pid.
    public static func helperArguments(_ mappings: [RuntimeSpec.IDMapping]) -> [String] {
        mappings.flatMap { [String($0.containerID), String($0.hostID), String($0.size)] }
    }
}
