#if canImport(Glibc)
import Glibc
#endif

/// devbox's directories, by the XDG base directory rules.
public enum DataPaths {
    /// `--root`, else `$XDG_DATA_HOME/devbox`, else `~/.local/share/devbox`.
    public static func data(root: String?, environment: [String: String], home: String) -> String {
        if let root { return root }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/share"
        return base + "/devbox"
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
