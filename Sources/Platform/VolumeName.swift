/// Volume names: `[A-Za-z0-9][A-Za-z0-9_.-]*` (podman's rule), so a name is
/// always one directory under `volumes/`.
public enum VolumeName {
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, ASCII.isAlphanumeric(first), name.utf8.count <= 255 else { return false }
        return name.utf8.allSatisfy {
            ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }
}
