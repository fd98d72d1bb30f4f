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
        MountTable(parsing: mountinfo).filesystemType(of: path)
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
