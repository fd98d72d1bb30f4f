import ArgumentParser
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that this machine can run devbox sandboxes.",
        discussion: "Prints one line per check, with a fix where something is missing. Exits 0 when devbox can run, 1 when it cannot.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let host = HostFacts.current(dataRoot: global.dataRoot)
        // The overlay probe needs a directory on the filesystem devbox will
        // use for its layers.
        FileSystem.makeDirectories(host.dataDir, mode: 0o700)
        var checks = Doctor.run(scratch: FileSystem.isDirectory(host.dataDir) ? host.dataDir : "/tmp",
                                fallback: LayerPlacement.scratchRoot(dataDir: host.dataDir))
        // The storage probe, run afresh (and cached for `devbox info`).
        let storage = StorageProbe.report(dataDir: host.dataDir, version: Devbox.version, refresh: true)
        for check in storage.checks where check.name != "overlay in a user namespace" || !check.ok {
            checks.append(.line("storage: " + check.name, check.ok ? .ok : .fail, check.detail,
                                fix: check.ok ? nil : StorageAdvice.fix(check.name)))
        }
        // The FUSE driver's one need: /dev/fuse opens (not a fallback the
        // probe can see: kernel overlay is probed, FUSE only opened).
        let fuse = StorageSelection.fuseUsable()
        let fuseError = fuse ? "" : String(cString: strerror(errno))
        // Only the kernel's refusal: a store filesystem that cannot hold
        // layers (no RENAME_WHITEOUT, no d_type, a network filesystem)
        // fails the FUSE driver's upper layer too.
        let storeHoldsLayers = storage.checks.allSatisfy { $0.ok || !["store filesystem", "renameat2(RENAME_WHITEOUT)", "d_type"].contains($0.name) }
        if fuse && storeHoldsLayers {
            // Kernel overlay refused is then a slower path, not a host devbox
            // cannot run on (Linux before 5.11: every run uses FUSE).
            for i in checks.indices where checks[i].status == .fail && checks[i].name.hasPrefix("overlayfs") {
                checks[i].status = .warn
                checks[i].detail += " (runs use the fuse storage driver instead)"
            }
            for i in checks.indices where checks[i].status == .fail && checks[i].name == "storage: overlay in a user namespace" {
                checks[i].status = .warn
            }
        }
        checks.append(.line("/dev/fuse", fuse ? .ok : .warn,
                            fuse ? "opens: the fuse storage driver works (devbox's own overlay; the host image's environment uses it rootless)"
                                 : "cannot be opened (\(fuseError)): no fuse storage driver; the host image's environment falls back to kernel overlay",
                            fix: fuse ? nil : "as root: chmod 666 /dev/fuse (Debian's udev mode), or modprobe fuse"))
        switch storage.driver {
        case "none" where fuse && storeHoldsLayers:
            checks.append(.line("storage driver", .warn, "fuse: kernel overlay is refused here (see above); runs use devbox's FUSE overlay, slower than the kernel's",
                                fix: "see the storage lines above for what would allow kernel overlay"))
        case "none" where fuse:
            checks.append(.line("storage driver", .fail, "the store's filesystem cannot hold overlay layers (see above), for kernel overlay or FUSE alike",
                                fix: "keep the store on ext4, xfs or btrfs: --root DIR or XDG_DATA_HOME"))
        case "none":
            checks.append(.line("storage driver", .fail, "copy: neither kernel overlay (see above) nor /dev/fuse works; image runs copy their layers, and the host image cannot run",
                                fix: "make /dev/fuse usable (chmod 666 /dev/fuse as root), or see the storage lines above"))
        case "undetermined":
            checks.append(.line("storage driver", .warn, "the storage probe could not run (see above)", fix: "see the lines above"))
        default:
            checks.append(.line("storage driver", .ok, "\(storage.driver)\(storage.userxattr ? " (userxattr)" : " (without userxattr)") on \(storage.filesystem)",
                                fix: nil))
        }
        for check in checks {
            let label = check.status.rawValue
            var line = label + String(repeating: " ", count: max(1, 5 - label.count)) + "\(check.name): \(check.detail)"
            if let fix = check.fix { line += "; fix: \(fix)" }
            print(line)
        }
        if !Doctor.canRun(checks) {
            Glibc.exit(1)
        }
    }
}

/// What to do about a failed storage check.
enum StorageAdvice {
    static func fix(_ check: String) -> String {
        switch check {
        case "store filesystem": return "keep the store on a local disk: --root DIR or XDG_DATA_HOME"
        case "overlay in a user namespace": return "use Linux 5.11 or newer (or a distribution kernel that allows overlay in user namespaces)"
        case "renameat2(RENAME_WHITEOUT)": return "keep the store on ext4, xfs or btrfs (ZFS needs 2.2 or newer): --root DIR"
        case "d_type": return "keep the store on a filesystem with d_type (XFS made with ftype=1, ext4): --root DIR"
        default: return "keep the store on ext4, xfs or btrfs: --root DIR"
        }
    }
}
