/// devbox's `directory` mount type (an extension, like `symlink`): an empty
/// directory the runtime makes in the container's root, with the options
/// `mode=`, `uid=` and `gid=` a tmpfs takes. The planner uses it where a
/// tmpfs of its own would add nothing but cost: in the host image's root,
/// itself a tmpfs made for the run, for /tmp, /run, the home and the host's
/// empty directories. Each tmpfs is a superblock to make and tear down
/// (~30 us of PID 1's time, then its teardown); a directory is one mkdir.
public enum DirectoryMount {
    public static let type = "directory"

    public static func mount(_ destination: String, mode: UInt32, uid: UInt32? = nil, gid: UInt32? = nil) -> RuntimeSpec.Mount {
        var options = ["mode=" + octal(mode)]
        if let uid, let gid { options += ["uid=\(uid)", "gid=\(gid)"] }
        return .init(destination: destination, type: type, source: "none", options: options)
    }

    /// "0755", "01777": four digits at least, as mode= options are written.
    public static func octal(_ mode: UInt32) -> String {
        var digits: [UInt8] = []
        var rest = mode
        while rest > 0 || digits.count < 4 {
            digits.append(UInt8(ascii: "0") + UInt8(rest & 7))
            rest >>= 3
        }
        if digits.last != UInt8(ascii: "0") { digits.append(UInt8(ascii: "0")) }
        digits.reverse()
        return String(decoding: digits, as: UTF8.self)
    }
}
