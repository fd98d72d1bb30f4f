import CSandbox
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// One line of `devbox doctor`.
public struct DoctorCheck: Equatable, Sendable {
    public enum Status: String, Sendable { case ok, warn, fail }

    public var name: String
    public var status: Status
    public var detail: String
    public var fix: String?
}

/// Checks what devbox needs from the machine, by trying it where it can.
public enum Doctor {
    public static func run(scratch: String) -> [DoctorCheck] {
        let userns = userNamespaces()
        var checks = [userns]
        checks.append(userns.status == .fail
            ? DoctorCheck(name: "overlayfs in a user namespace", status: .fail, detail: "not checked: no user namespaces", fix: nil)
            : overlay(scratch: scratch))
        checks += [subordinateIDs(), fuse(), cgroups(), seccomp()]
        return checks
    }

    /// devbox can run when namespaces and overlays work.
    public static func canRun(_ checks: [DoctorCheck]) -> Bool {
        !checks.prefix(2).contains { $0.status == .fail }
    }

    static func sysctl(_ name: String) -> Int? {
        FileSystem.read("/proc/sys/" + String(name.map { $0 == "." ? "/" : $0 }))
            .flatMap { Int($0.filter { !$0.isWhitespace }) }
    }

    static func userNamespaces() -> DoctorCheck {
        let name = "user namespaces"
        if sysctl("kernel.apparmor_restrict_unprivileged_userns") == 1 && getuid() != 0 {
            return .init(name: name, status: .fail, detail: "AppArmor restricts unprivileged user namespaces",
                         fix: "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or add an AppArmor profile allowing userns for devbox)")
        }
        if sysctl("kernel.unprivileged_userns_clone") == 0 && getuid() != 0 {
            return .init(name: name, status: .fail, detail: "kernel.unprivileged_userns_clone is 0",
                         fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1")
        }
        if sysctl("user.max_user_namespaces") == 0 {
            return .init(name: name, status: .fail, detail: "user.max_user_namespaces is 0",
                         fix: "sudo sysctl -w user.max_user_namespaces=15000")
        }
        let pid = fork()
        if pid == 0 { _exit(dbx_unshare(dbx_clone_newuser() | dbx_clone_newns()) == 0 ? 0 : 1) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if status != 0 {
            return .init(name: name, status: .fail, detail: "unshare(CLONE_NEWUSER) was refused",
                         fix: "enable unprivileged user namespaces (see your distribution's kernel settings)")
        }
        return .init(name: name, status: .ok, detail: "unprivileged user namespaces work", fix: nil)
    }

    static func overlay(scratch: String) -> DoctorCheck {
        let name = "overlayfs in a user namespace"
        let base = scratch + "/doctor-\(getpid())"
        defer { FileSystem.removeTree(base) }
        for dir in ["lower", "upper", "work", "merged"] where !FileSystem.makeDirectories(base + "/" + dir) {
            return .init(name: name, status: .fail, detail: "cannot create \(base)/\(dir)", fix: "check that \(scratch) is writable")
        }
        var errbuf = [CChar](repeating: 0, count: 256)
        let rc = dbx_probe_userns_overlay(base + "/lower", base + "/upper", base + "/work", base + "/merged", &errbuf, errbuf.count)
        if rc == 0 { return .init(name: name, status: .ok, detail: "kernel overlayfs mounts and writes", fix: nil) }
        return .init(name: name, status: .fail, detail: String(cBuffer: errbuf),
                     fix: "use Linux 5.11 or newer with overlayfs (modprobe overlay); \(scratch) must be on a filesystem with user xattrs")
    }

    static func subordinateIDs() -> DoctorCheck {
        let name = "subordinate ids"
        let uid = getuid()
        if uid == 0 { return .init(name: name, status: .ok, detail: "running as root: the whole id space maps to itself", fix: nil) }
        let user = ProcessEnvironment.passwdEntry(uid: uid)?.name
        let hasRange = FileSystem.read("/etc/subuid").flatMap { SubordinateIDs.range(in: $0, user: user, id: uid) } != nil
        let hasGroups = FileSystem.read("/etc/subgid").flatMap { SubordinateIDs.range(in: $0, user: user, id: uid) } != nil
        let helper = ["/usr/bin/newuidmap", "/usr/sbin/newuidmap", "/bin/newuidmap"].first(where: FileSystem.isExecutable)
        if !hasRange || !hasGroups {
            return .init(name: name, status: .warn, detail: "no range for \(user ?? String(uid)) in /etc/subuid or /etc/subgid: only your own id is mapped",
                         fix: "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 \(user ?? "USER")")
        }
        if helper == nil {
            return .init(name: name, status: .warn, detail: "newuidmap/newgidmap not found: only your own id is mapped",
                         fix: "sudo apt-get install uidmap")
        }
        return .init(name: name, status: .ok, detail: "range in /etc/subuid and /etc/subgid, newuidmap present", fix: nil)
    }

    static func fuse() -> DoctorCheck {
        let name = "/dev/fuse"
        let fd = open("/dev/fuse", O_RDWR | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return .init(name: name, status: .ok, detail: "usable", fix: nil)
        }
        let reason = String(cString: strerror(errno))
        return .init(name: name, status: .warn, detail: "cannot open /dev/fuse: \(reason) (needed only where kernel overlayfs is refused)",
                     fix: errno == ENOENT ? "sudo modprobe fuse" : "sudo chmod 666 /dev/fuse")
    }

    static func cgroups() -> DoctorCheck {
        let name = "cgroup v2 delegation"
        guard FileSystem.exists("/sys/fs/cgroup/cgroup.controllers") else {
            return .init(name: name, status: .warn, detail: "cgroup v2 is not mounted at /sys/fs/cgroup (v1 or hybrid): no resource limits",
                         fix: "boot with systemd.unified_cgroup_hierarchy=1")
        }
        let own = FileSystem.read("/proc/self/cgroup")?.split(separator: "\n").first { $0.hasPrefix("0::") }.map { String($0.dropFirst(3)) } ?? "/"
        let dir = "/sys/fs/cgroup" + (own == "/" ? "" : own)
        if access(dir + "/cgroup.procs", W_OK) == 0 && access(dir + "/cgroup.subtree_control", W_OK) == 0 {
            return .init(name: name, status: .ok, detail: "\(dir) is writable", fix: nil)
        }
        return .init(name: name, status: .warn, detail: "\(dir) is not delegated to you: no resource limits",
                     fix: "run from a systemd user session (systemd-run --user --scope -p Delegate=yes ...)")
    }

    static func seccomp() -> DoctorCheck {
        let name = "seccomp"
        let mode = dbx_seccomp_mode()
        let status = FileSystem.read("/proc/self/status") ?? ""
        if mode >= 0 && status.contains("Seccomp:") {
            return .init(name: name, status: .ok, detail: mode == 0 ? "available" : "available (devbox itself runs filtered)", fix: nil)
        }
        return .init(name: name, status: .warn, detail: "the kernel lacks seccomp filters", fix: "use a kernel built with CONFIG_SECCOMP_FILTER")
    }
}

