#if canImport(Glibc)
import Glibc
#endif

/// devbox's directories, by the XDG base directory rules.
public enum DataPaths {
    /// `--root`, else `$XDG_DATA_HOME/devbox`, else `~/.local/share/devbox`;
    /// moved to /var/tmp/devbox-UID when that is on a network filesystem
    /// (NetworkStore), unless DEVBOX_ALLOW_NETWORK_STORE=1.
    public static func data(root: String?, environment: [String: String], home: String,
                            mountinfo: () -> String? = { FileSystem.read("/proc/self/mountinfo", limit: 4 << 20) }) -> String {
        data(root: root, environment: environment, home: home, mounts: { mountinfo().map(MountTable.init(parsing:)) })
    }

    /// The same, from a mount table already read.
    public static func data(root: String?, environment: [String: String], home: String, mounts: () -> MountTable?) -> String {
        if let root { return root }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/share"
        let store = base + "/devbox"
        guard environment["DEVBOX_ALLOW_NETWORK_STORE"] != "1", let table = mounts(),
              let type = table.filesystemType(of: store), NetworkStore.isNetwork(type) else { return store }
        let local = NetworkStore.localStore(uid: getuid())
        if let localType = table.filesystemType(of: local), NetworkStore.isNetwork(localType) { return store }
        // /var/tmp is everyone's: a name someone else made first (or a
        // link) is not taken for ours.
        guard NetworkStore.isOwnDirectoryOrAbsent(local, uid: getuid()) else { return store }
        return local
    }

    /// `$XDG_RUNTIME_DIR/devbox`, else `/tmp/devbox-$UID`.
    public static func runtime(environment: [String: String], uid: UInt32) -> String {
        environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 + "/devbox" : nil } ?? "/tmp/devbox-\(uid)"
    }

    /// The data directory of the calling process.
    public static func currentData(root: String?) -> String {
        let env = ProcessEnvironment.current()
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessEnvironment.passwdEntry(uid: getuid())?.home ?? "/"
        return data(root: root, environment: env, home: home)
    }
}
