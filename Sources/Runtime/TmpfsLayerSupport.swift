import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Whether `--rm` can keep its throwaway upper layer on tmpfs. Overlayfs in
/// a user namespace marks opaque directories and whiteouts with
/// `user.overlay.*` xattrs, and tmpfs takes `user.*` xattrs only since
/// Linux 6.6: before that `rm -rf` of an image's directory, or `mkdir` over
/// it, fails with EIO. The answer depends only on the running kernel, so it
/// is probed once per boot (a few milliseconds) and kept in the runtime
/// directory, keyed by the boot id; a `--rm` run then pays two small reads.
public enum TmpfsLayerSupport {
    static let bootIDPath = "/proc/sys/kernel/random/boot_id"
    static let prefix = "tmpfs-layers-"

    /// The cache file for this boot: `ok` or `no`.
    public static func cacheFile(runtimeDir: String, bootID: String) -> String {
        runtimeDir + "/" + prefix + bootID
    }

    public static func currentBootID() -> String? {
        guard let bytes = FileSystem.readPrefix(bootIDPath, count: 64) else { return nil }
        let id = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return id.isEmpty ? nil : id
    }

    public static func holdsOverlayLayers(runtimeDir: String) -> Bool {
        guard let bootID = currentBootID() else { return probe(runtimeDir: runtimeDir) ?? true }
        let cache = cacheFile(runtimeDir: runtimeDir, bootID: bootID)
        if let answer = FileSystem.readPrefix(cache, count: 2) {
            if answer == Array("ok".utf8) { return true }
            if answer == Array("no".utf8) { return false }
        }
        guard let works = probe(runtimeDir: runtimeDir) else { return true }
        // Earlier boots' answers are of no use any more.
        for name in FileSystem.list(runtimeDir) where name.hasPrefix(prefix) { unlink(runtimeDir + "/" + name) }
        _ = FileSystem.writeAtomically(cache, contents: works ? "ok\n" : "no\n", mode: 0o600)
        return works
    }

    /// nil when the probe could not say (no user namespace: the run itself
    /// will fail and say why).
    static func probe(runtimeDir: String) -> Bool? {
        guard FileSystem.makeDirectories(runtimeDir, mode: 0o700) else { return nil }
        // The tmpfs is mounted over the runtime directory inside the probe's
        // own mount namespace only: nothing is created on the host.
        switch OverlayProbe.run(scratch: runtimeDir, tmpfs: true) {
        case .works, .mixedDevices: return true
        case .broken, .refused: return false
        case .untestable: return nil
        }
    }
}
