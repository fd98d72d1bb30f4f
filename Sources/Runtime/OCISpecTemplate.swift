import OCI

/// The config.json `devbox oci spec` writes: runc's `runc spec` template
/// (rootless: a user namespace mapping the caller to root, /sys bound
/// instead of mounted, no network namespace).
public enum OCISpecTemplate {
    public static func make(rootless: Bool, uid: UInt32, gid: UInt32) -> RuntimeSpec {
        let caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
        let process = RuntimeSpec.Process(
            terminal: true, user: .init(uid: 0, gid: 0), args: ["sh"],
            env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"], cwd: "/",
            capabilities: .init(bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: caps),
            rlimits: [.init(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024)], noNewPrivileges: true)
        let mounts: [RuntimeSpec.Mount] = [
            .init(destination: "/proc", type: "proc", source: "proc"),
            .init(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            .init(destination: "/dev/pts", type: "devpts", source: "devpts",
                  options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]),
            .init(destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            .init(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"]),
        ]
        var namespaces: [RuntimeSpec.Namespace] = [.init(.pid), .init(.ipc), .init(.uts), .init(.mount)]
        namespaces.append(rootless ? .init(.user) : .init(.network))
        var linux = RuntimeSpec.Linux(
            namespaces: namespaces,
            uidMappings: rootless ? [.init(containerID: 0, hostID: uid, size: 1)] : [],
            gidMappings: rootless ? [.init(containerID: 0, hostID: gid, size: 1)] : [],
            maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"])
        linux.seccomp = nil
        return RuntimeSpec(ociVersion: "1.0.2", process: process, root: .init(path: "rootfs", readonly: true), hostname: "devbox",
                           mounts: mounts, linux: linux)
    }

    /// runtime-spec features.md: what this runtime implements.
    public struct Features: Codable, Sendable {
        public struct Linux: Codable, Sendable {
            public struct Seccomp: Codable, Sendable { public var enabled = true; public var actions: [String]; public var operators: [String] }
            public struct Enabled: Codable, Sendable { public var enabled: Bool }
            public var namespaces: [String]
            public var capabilities: [String]
            public var seccomp: Seccomp
            public var apparmor = Enabled(enabled: false)
            public var selinux = Enabled(enabled: false)
        }
        public var ociVersionMin = "1.0.0"
        public var ociVersionMax = "1.2.0"
        public var hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"]
        public var mountOptions = ["ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "bind", "rbind"]
        public var linux: Linux
        public var annotations: [String: String]
    }

    public static func features(capabilities: [String]) -> Features {
        Features(linux: .init(
            namespaces: ["user", "mount", "pid", "uts", "ipc", "network", "cgroup"], capabilities: capabilities,
            seccomp: .init(actions: ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                                     "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"],
                           operators: ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"])),
            annotations: ["org.devbox.oci.root-annotations": "org.devbox.root, org.devbox.lowerdirs, org.devbox.upperdir, org.devbox.workdir (docs/OCI.md)"])
    }
}
