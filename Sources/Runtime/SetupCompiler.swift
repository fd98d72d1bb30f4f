import OCI
import Platform

/// Turns a runtime spec into the ordered mount loop. Pure.
///
/// Layout during setup (see setup.c): the host's tree is at /oldroot, the
/// container's root is assembled at /newroot, and the temporary root itself
/// is scratch space for throwaway overlay layers and generated files.
public enum SetupCompiler {
    static let oldRoot = "/oldroot"
    static let newRoot = "/newroot"

    public static func compile(_ spec: RuntimeSpec, hostsFile: String? = nil) -> [SetupStep] {
        let annotations = spec.annotations ?? [:]
        var steps: [SetupStep] = []

        var fuseMounts = 0
        // An overlay's writable layer: its upperdir/workdir options, else
        // (containers created before those) the annotations' directories,
        // else a throwaway one in scratch.
        func overlay(at destination: String, _ mount: RuntimeSpec.Mount?, lowers: [String], key: String) {
            let upper = mount?.option("upperdir").map(host) ?? layerBase(annotations[DevboxAnnotation.upperDir], scratch: "/scratch/upper") + "/" + key
            let work = mount?.option("workdir").map(host) ?? layerBase(annotations[DevboxAnnotation.workDir], scratch: "/scratch/work") + "/" + key
            let fuse = mount?.hasOption(OverlayMount.fuseOption) == true || annotations[DevboxAnnotation.storageDriver] == "fuse"
            // An overlay's root shows its upper's mode: the top lower's, so
            // it shows what the layers say (the step's source; dbx_op MKDIR).
            // A FUSE layer in memory is the daemon's to make (FuseOverlayDaemon).
            if !(fuse && upper.hasPrefix(FuseOverlayDaemon.inMemoryPrefix)) {
                steps.append(.init(.mkdir, source: lowers.first, destination: upper, mode: 0o755))
                steps.append(.init(.mkdir, destination: work, mode: 0o755))
            }
            if fuse {
                // Served from the host's mount namespace: the host's paths.
                let daemonView = { (path: String) in path.hasPrefix(oldRoot + "/") ? String(path.dropFirst(oldRoot.count)) : path }
                var data = overlayOptions(lowers: lowers.map(daemonView), upper: daemonView(upper), work: daemonView(work))
                if mount?.hasOption(OverlayMount.squashOption) == true || annotations[DevboxAnnotation.squashToRoot] == "true" {
                    data += ",squash_to_root"
                }
                steps.append(.init(.fuse, source: host("/dev/fuse"), destination: destination, data: data, mode: UInt32(fuseMounts)))
                fuseMounts += 1
            } else {
                steps.append(.init(.overlay, destination: destination, data: overlayOptions(lowers: lowers, upper: upper, work: work)))
            }
        }

        // The root: a mount at `/` (a planned spec's first), else the
        // legacy annotations of containers created before, else root.path.
        let rootMount = spec.mounts.first { $0.destination == "/" && ($0.type == "overlay" || $0.type == "tmpfs") }
        if let rootMount {
            if rootMount.type == "tmpfs" {
                steps.append(.init(.tmpfs, destination: newRoot, data: dataOptions(rootMount)))
            } else {
                overlay(at: newRoot, rootMount, lowers: ASCII.split(rootMount.option("lowerdir") ?? "", on: UInt8(ascii: ":")).map(host), key: "root")
            }
        } else if annotations[DevboxAnnotation.rootKind] == "host" {
            // The root holds only mountpoints and symlinks: a tmpfs per run.
            // (A root overlay shared by parallel runs of one project made
            // them race creating mountpoints through it: ESTALE.)
            steps.append(.init(.tmpfs, destination: newRoot, data: "mode=0755"))
        } else if annotations[DevboxAnnotation.rootKind] == DevboxAnnotation.copiedRoot {
            // The copy driver: the container's own root directory, bound rw.
            steps.append(.init(.bind, source: host(spec.root.path), destination: newRoot))
        } else if annotations[DevboxAnnotation.rootKind] == "image", let lowers = annotations[DevboxAnnotation.lowerDirs] {
            overlay(at: newRoot, nil, lowers: ASCII.split(lowers, on: UInt8(ascii: ":")).map(host), key: "root")
        } else {
            // A plain OCI bundle: the root is made read-only last (single,
            // as runc does), after its mountpoints were made in it.
            steps.append(.init(.bind, source: host(spec.root.path), destination: newRoot))
        }

        for mount in spec.mounts where rootMount.map({ $0 != mount }) ?? true {
            let target = inside(mount.destination)
            switch mount.type ?? "bind" {
            case "overlay":
                let lowers = ASCII.split(mount.option("lowerdir") ?? "", on: UInt8(ascii: ":")).map(host)
                overlay(at: target, mount, lowers: lowers, key: OverlayMount.layerKey(mount.destination))
            case "bind", "rbind":
                if mount.destination == "/etc/hosts", let hostsFile {
                    steps.append(.init(.writeFile, destination: "/scratch/files/hosts", data: hostsFile, mode: 0o644))
                    steps.append(.init(.bind, source: "/scratch/files/hosts", destination: target, readOnly: true))
                } else if mount.destination == "/etc/resolv.conf", let resolv = annotations[DevboxAnnotation.resolvConf] {
                    // --dns: a file of the run's own instead of the host's.
                    steps.append(.init(.writeFile, destination: "/scratch/files/resolv.conf", data: resolv, mode: 0o644))
                    steps.append(.init(.bind, source: "/scratch/files/resolv.conf", destination: target, readOnly: true))
                } else {
                    steps.append(.init(.bind, source: host(mount.source ?? mount.destination), destination: target,
                                       readOnly: mount.hasOption("ro")))
                }
            case "tmpfs":
                steps.append(.init(.tmpfs, destination: target, data: dataOptions(mount), readOnly: mount.hasOption("ro")))
            case "proc":
                steps.append(.init(.proc, destination: target))
            case "sysfs":
                steps.append(.init(.sysfs, destination: target, readOnly: mount.hasOption("ro")))
            case "devpts":
                steps.append(.init(.devpts, destination: target, data: dataOptions(mount, keep: ["newinstance"])))
            case "mqueue":
                steps.append(.init(.mqueue, destination: target, optional: true))
            case "symlink":
                steps.append(.init(.symlink, source: mount.source ?? "", destination: target))
            case DirectoryMount.type:
                steps.append(directoryStep(mount, at: target))
            default:
                steps.append(.init(.bind, source: host(mount.source ?? mount.destination), destination: target,
                                   readOnly: mount.hasOption("ro")))
            }
            // The profile masks paths below these by name: an image's
            // symlink may not move them elsewhere.
            if mount.destination == "/proc" || mount.destination == "/sys" { steps[steps.count - 1].noSymlinks = true }
            if steps[steps.count - 1].kind == .bind || steps[steps.count - 1].kind == .tmpfs {
                steps[steps.count - 1].nosuid = mount.hasOption("nosuid")
                steps[steps.count - 1].nodev = mount.hasOption("nodev")
                steps[steps.count - 1].noexec = mount.hasOption("noexec")
            }
        }
        if let hostname = spec.hostname, DevboxAnnotation.isPlanned(annotations) {
            steps.append(.init(.writeFile, destination: "/scratch/files/hostname", data: hostname + "\n", mode: 0o644))
            steps.append(.init(.bind, source: "/scratch/files/hostname", destination: inside("/etc/hostname"), readOnly: true))
        }
        if spec.root.readonly && annotations[DevboxAnnotation.rootKind] == nil && rootMount == nil {
            var step = SetupStep(.readOnly, destination: newRoot)
            step.single = true
            steps.append(step)
        }
        steps += policySteps(spec)
        return steps
    }

    /// What the profile adds once everything is mounted: masked and
    /// read-only paths, a read-only root, no nested user namespaces.
    static func policySteps(_ spec: RuntimeSpec) -> [SetupStep] {
        var steps: [SetupStep] = []
        let annotations = spec.annotations ?? [:]
        if annotations[DevboxAnnotation.readOnlyRoot] == "true" {
            // Every mount the container's tree is made of, except where work
            // is meant to happen: the project, writable volumes, /tmp, /dev, /proc.
            let writable = Set(spec.mounts.filter { $0.hasOption("rw") }.map(\.destination) + ["/tmp"])
            var readOnly: [SetupStep] = [{ var s = SetupStep(.readOnly, destination: newRoot); s.single = true; return s }()]
            for mount in spec.mounts where !writable.contains(mount.destination) && mount.type != "symlink" && mount.type != DirectoryMount.type && mount.destination != "/"
                && !mount.destination.hasPrefix("/dev") && !mount.destination.hasPrefix("/proc") {
                var step = SetupStep(.readOnly, destination: inside(mount.destination))
                step.single = true
                readOnly.append(step)
            }
            steps += readOnly
        }
        if annotations[DevboxAnnotation.nestedUserNamespaces] == "false" {
            // A per-user-namespace limit: nothing inside may create another.
            steps.append(.init(.writeFile, destination: inside("/proc/sys/user/max_user_namespaces"), data: "0\n"))
        }
        // linux.sysctl (keys checked by the Launcher: namespaced ones only),
        // through the container's /proc before /proc/sys is made read-only.
        for (key, value) in (spec.linux.sysctl ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = "/proc/sys/" + String(key.map { $0 == "." ? "/" : $0 })
            steps.append(.init(.writeFile, destination: inside(path), data: value))
        }
        for path in spec.linux.maskedPaths ?? [] { steps.append(.init(.mask, destination: inside(path))) }
        for path in spec.linux.readonlyPaths ?? [] { steps.append(.init(.readOnlyPath, destination: inside(path))) }
        return steps
    }

    /// /etc/hosts as the host has it, plus the container's hostname when the
    /// host's file does not already resolve it (podman does the same).
    /// `extra` (--add-host lines) goes last: the host's entries keep theirs.
    public static func hostsFile(hostContents: String, hostname: String, extra: String = "") -> String {
        hostsBase(hostContents: hostContents, hostname: hostname) + extra
    }

    static func hostsBase(hostContents: String, hostname: String) -> String {
        let resolves = ASCII.split(hostContents, on: UInt8(ascii: "\n")).contains { line in
            !line.hasPrefix("#") && ASCII.words(line).dropFirst().contains { $0 == hostname }
        }
        if resolves { return hostContents }
        let base = hostContents.isEmpty || hostContents.hasSuffix("\n") ? hostContents : hostContents + "\n"
        return base + "127.0.1.1\t\(hostname)\n"
    }

    /// Mount data of every overlay devbox mounts (and of the probes that
    /// decide where layers live). `userxattr`: the only xattrs a user
    /// namespace may write. `xino=on`: one st_dev for every file and
    /// directory even when the upper (tmpfs) and the lowers (ext4) are
    /// different filesystems; without it files show their layer's device
    /// and `du -x`, `find -xdev`, `tar --one-file-system` skip them. It must
    /// be asked for: the default, `xino=auto`, gives up when a lower
    /// filesystem lacks file handles or a UUID, as ext4 made without one
    /// does. On a single filesystem the kernel ignores it.
    public static func overlayOptions(lowers: [String], upper: String, work: String) -> String {
        "lowerdir=" + lowers.concatenated(separator: ":") + ",upperdir=" + upper + ",workdir=" + work + ",userxattr,xino=on"
    }

    static func layerBase(_ annotation: String?, scratch: String) -> String {
        guard let annotation, annotation != "tmpfs" else { return scratch }
        return host(annotation)
    }

    static func host(_ path: String) -> String { path == "/" ? oldRoot : oldRoot + path }
    static func inside(_ path: String) -> String { path == "/" ? newRoot : newRoot + path }

    /// The `key=value` options a filesystem takes as mount data; flags such
    /// as nosuid are applied by the C side.
    /// A `directory` mount (DirectoryMount): its mode and owner options.
    static func directoryStep(_ mount: RuntimeSpec.Mount, at target: String) -> SetupStep {
        let mode = mount.option("mode").flatMap { UInt32($0, radix: 8) }.map { $0 & 0o7777 } ?? 0o755
        let owner = mount.option("uid").flatMap(UInt32.init).flatMap { uid in
            mount.option("gid").flatMap(UInt32.init).map { "\(uid):\($0)" }
        }
        return SetupStep(.directory, destination: target, data: owner, mode: mode)
    }

    static func dataOptions(_ mount: RuntimeSpec.Mount, keep: Set<String> = []) -> String? {
        let data = (mount.options ?? []).filter { $0.contains("=") || keep.contains($0) }
        return data.isEmpty ? nil : data.concatenated(separator: ",")
    }
}
