/// Paths inside the container, as the user writes them (`-v SRC:DST`,
/// `--tmpfs DST`, `--mount dst=...`), made canonical before planning.
public enum ContainerPath {
    /// Lexically cleaned (`//`, `.` and `dir/..` folded, trailing `/`
    /// dropped), as podman does; nil for a relative path, one whose `..`
    /// climbs above `/`, or `/` itself (nothing may be mounted over the
    /// root). Setup resolves the result inside the root as well, so this is
    /// about saying no early and clearly, not the only defence.
    public static func clean(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        guard !parts.isEmpty else { return nil }
        return "/" + parts.joined(separator: "/")
    }
}
