#if canImport(Glibc)
import Glibc
#endif

/// A store on a network filesystem (NFS, CIFS, Lustre, GPFS, sshfs...) is
/// where overlayfs upper layers are refused or unreliable, and where homes
/// on HPC and university machines often are. devbox's default store moves
/// to a local disk there (docs/STORAGE.md); `--root` and
/// DEVBOX_ALLOW_NETWORK_STORE=1 keep it where it was.
public enum NetworkStore {
    static let networkTypes: Set<String> = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "lustre", "gpfs", "ceph", "afs", "9p", "beegfs",
                                            "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "fuse.gcsfuse"]

    /// The filesystem type of the mount holding `path` (its nearest
    /// existing ancestor), from /proc/self/mountinfo's text. Pure.
    public static func filesystemType(of path: String, mountinfo: String) -> String? {
        var best: (point: String, type: String)?
        for line in ASCII.split(mountinfo, on: UInt8(ascii: "\n")) {
            let fields = ASCII.split(line, on: UInt8(ascii: " "))
            guard fields.count > 8, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = MountInfoText.unescape(fields[4])
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, fields[dash + 1]) }
        }
        return best?.type
    }

    public static func isNetwork(_ type: String) -> Bool { networkTypes.contains(type) }

    /// Where the default store goes instead: /var/tmp/devbox-UID.
    public static func localStore(uid: UInt32) -> String { "/var/tmp/devbox-\(uid)" }

    /// `path` does not exist, or is a real directory (not a link) of `uid`
    /// that only it can enter: safe to take as a store in a shared /var/tmp.
    public static func isOwnDirectoryOrAbsent(_ path: String, uid: UInt32) -> Bool {
        var st = stat()
        guard lstat(path, &st) == 0 else { return errno == ENOENT }
        return st.st_mode & S_IFMT == S_IFDIR && st.st_uid == uid && st.st_mode & 0o077 == 0
    }
}

/// /proc/self/mountinfo's fields: the kernel writes space, tab, newline
/// and backslash as octal escapes.
public enum MountInfoText {
    public static func unescape(_ field: String) -> String {
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
