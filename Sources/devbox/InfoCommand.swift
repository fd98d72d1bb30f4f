import ArgumentParser
import FoundationEssentials
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox info`: the machine as devbox sees it, as `podman info` shows
/// it: host, store, the storage driver in use and why.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the host, the store and the storage driver devbox uses here.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "text (the default) or json.") var format: String = "text"

    struct Info: Encodable {
        var version: String
        var kernel: String
        var rootless: Bool
        var uid: UInt32
        var dataDir: String
        var runtimeDir: String
        var subordinateUIDs: String?
        var storage: StorageReport
    }

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format \(format): give text or json") }
    }

    func run() throws {
        let host = HostFacts.current(dataRoot: global.dataRoot)
        FileSystem.makeDirectories(host.dataDir, mode: 0o700)
        let storage = StorageProbe.report(dataDir: host.dataDir, version: Devbox.version)
        let info = Info(version: Devbox.version, kernel: storage.kernel, rootless: host.uid != 0, uid: host.uid,
                        dataDir: host.dataDir, runtimeDir: host.runtimeDir,
                        subordinateUIDs: host.subordinateUIDs.map { "\($0.start)+\($0.count)" }, storage: storage)
        if format == "json" {
            print(try jsonText(info))
            return
        }
        print("version:        \(info.version)")
        print("kernel:         \(info.kernel)")
        print("rootless:       \(info.rootless) (uid \(info.uid))" + (info.subordinateUIDs.map { ", subordinate uids \($0)" } ?? ""))
        print("store:          \(info.dataDir) (\(storage.filesystem))")
        print("runtime dir:    \(info.runtimeDir)")
        let used = storage.driver != "none" ? "" : StorageSelection.fuseUsable() ? " (kernel overlay refused): runs use fuse" : " (kernel overlay refused, /dev/fuse unusable): image runs use copy"
        print("storage driver: \(storage.driver)" + (storage.driver == "overlay" ? (storage.userxattr ? " (userxattr)" : " (without userxattr)") : "") + used)
        for check in storage.checks {
            print("  \(check.ok ? "ok  " : "FAIL") \(check.name): \(check.detail)")
        }
    }
}
