import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A bundle's config.json, read and turned into what devbox's Launcher
/// executes. Pure apart from reading the file and checking the root.
public struct OCIBundle: Sendable {
    public var path: String
    public var spec: RuntimeSpec

    public static func load(_ bundle: String) throws(OCIError) -> OCIBundle {
        guard let absolute = FileSystem.realPath(bundle), FileSystem.isDirectory(absolute) else {
            throw .bundle("bundle \(bundle) is not a directory")
        }
        guard let bytes = FileSystem.readBytes(absolute + "/config.json", limit: 64 << 20) else {
            throw .bundle("cannot read \(absolute)/config.json: \(String(cString: strerror(errno)))")
        }
        let spec: RuntimeSpec
        do {
            spec = try JSONDecoder().decode(RuntimeSpec.self, from: Data(bytes))
        } catch {
            throw .bundle("\(absolute)/config.json is not a runtime spec: \(error)")
        }
        let translated = try translate(spec, bundle: absolute, euid: geteuid(), egid: getegid())
        if !DevboxAnnotation.isPlanned(translated.annotations) && !FileSystem.isDirectory(translated.root.path) {
            throw .bundle("root.path \(translated.root.path) of bundle \(absolute) is not a directory")
        }
        return OCIBundle(path: absolute, spec: translated)
    }

    /// The spec as devbox executes it. A spec with devbox's annotations
    /// (`devbox run --print-spec`) is taken as it is; a plain one gets what
    /// runc adds itself: the root relative to the bundle, the default
    /// devices and /dev symlinks (runtime-spec config-linux.md#default-devices),
    /// bind mounts for `sysfs` and `cgroup` (which a user namespace may not mount).
    public static func translate(_ input: RuntimeSpec, bundle: String, euid: UInt32, egid: UInt32) throws(OCIError) -> RuntimeSpec {
        var spec = input
        guard !spec.process.args.isEmpty else { throw .bundle("process.args in \(bundle)/config.json is empty: nothing to run") }
        if spec.linux.namespaces.contains(where: { $0.type == .user && $0.path == nil }) {
            // runtime-spec: without mappings, the runtime picks; map the caller to root.
            if spec.linux.uidMappings.isEmpty { spec.linux.uidMappings = [.init(containerID: 0, hostID: euid, size: 1)] }
            if spec.linux.gidMappings.isEmpty { spec.linux.gidMappings = [.init(containerID: 0, hostID: egid, size: 1)] }
        }
        if DevboxAnnotation.isPlanned(spec.annotations) { return spec }

        if !spec.root.path.hasPrefix("/") { spec.root.path = bundle + "/" + spec.root.path }
        var mounts: [RuntimeSpec.Mount] = []
        let ownNetwork = spec.linux.namespaces.contains { $0.type == .network && $0.path == nil }
        for var mount in spec.mounts {
            let options = mount.options ?? []
            switch mount.type ?? "" {
            case "cgroup", "cgroup2":
                // Covered by the /sys bind; a rootless user namespace cannot
                // mount a cgroup hierarchy without its own cgroup namespace.
                continue
            case "sysfs" where !ownNetwork:
                // Only the owner of the network namespace may mount sysfs:
                // in the host's, or one joined by path, the host's is bound.
                mount = .init(destination: mount.destination, type: "bind", source: "/sys",
                              options: ["rbind"] + options.filter { ["ro", "nosuid", "nodev", "noexec"].contains($0) })
            case "bind", "rbind", "none", "":
                if options.contains("bind") || options.contains("rbind") || mount.type == "bind" {
                    mount.type = "bind"
                    if let source = mount.source, !source.hasPrefix("/") { mount.source = bundle + "/" + source }
                }
            default:
                break
            }
            mounts.append(mount)
        }
        let destinations = Set(mounts.map(\.destination))
        if mounts.contains(where: { $0.destination == "/dev" }) {
            var devices: [RuntimeSpec.Mount] = []
            for name in ["null", "zero", "full", "random", "urandom", "tty"] where !destinations.contains("/dev/" + name) {
                devices.append(.init(destination: "/dev/" + name, type: "bind", source: "/dev/" + name, options: ["rbind", "nosuid", "noexec"]))
            }
            let links = [("/dev/ptmx", "pts/ptmx"), ("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"),
                         ("/dev/stdout", "/proc/self/fd/1"), ("/dev/stderr", "/proc/self/fd/2")]
            for (link, target) in links where !destinations.contains(link) {
                devices.append(.init(destination: link, type: "symlink", source: target))
            }
            // After /dev itself and its submounts such as /dev/pts.
            let index = (mounts.lastIndex { $0.destination.hasPrefix("/dev/") || $0.destination == "/dev" } ?? mounts.count - 1) + 1
            mounts.insert(contentsOf: devices, at: index)
        }
        spec.mounts = mounts
        return spec
    }

    /// Whether the id maps need newuidmap/newgidmap: rootless, anything but
    /// the caller's own ids one to one.
    public static func needsMapHelpers(_ spec: RuntimeSpec, euid: UInt32, egid: UInt32) -> Bool {
        guard euid != 0, spec.linux.namespaces.contains(where: { $0.type == .user && $0.path == nil }) else { return false }
        let own = spec.linux.uidMappings.allSatisfy { $0.hostID == euid && $0.size == 1 }
            && spec.linux.gidMappings.allSatisfy { $0.hostID == egid && $0.size == 1 }
        return !(own && spec.linux.uidMappings.count == 1 && spec.linux.gidMappings.count == 1)
    }
}
