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
/// Only user namespaces and the persistent layers' overlay are required
/// (`fail`): without them devbox cannot run. The rest is `warn`.
public enum Doctor {
    /// `scratch`: a directory on the store's filesystem, where persistent
    /// layers live; `fallback`: where `--rm` keeps its layer when tmpfs
    /// cannot (said in the report).
    public static func run(scratch: String, fallback: String) -> [DoctorCheck] {
        let userns = userNamespaces()
        var checks = [userns]
        if userns.status == .fail {
            checks.append(DoctorCheck(name: persistentName, status: .fail, detail: "not checked: no user namespaces", fix: nil))
        } else {
            checks += overlays(scratch: scratch, fallback: fallback)
        }
        checks += [subordinateIDs(), seccomp()]
        return checks
    }

    /// devbox can run when namespaces and overlays work.
    public static func canRun(_ checks: [DoctorCheck]) -> Bool {
        !checks.contains { $0.status == .fail }
    }

    static func sysctl(_ name: String) -> Int? {
        FileSystem.read("/proc/sys/" + String(name.map { $0 == "." ? "/" : $0 }))
            .flatMap { Int($0.filter { !$0.isWhitespace }) }
    }

    static func userNamespaces() -> DoctorCheck {
        let name = "user namespaces"
        // Newer kernels keep AppArmor's label apart from other LSMs' attr files.
        let apparmor = AppArmorUserns.check(
            restriction: sysctl("kernel.apparmor_restrict_unprivileged_userns"), uid: getuid(),
            label: FileSystem.read("/proc/self/attr/apparmor/current") ?? FileSystem.read("/proc/self/attr/current"),
            loadedProfiles: FileSystem.read("/sys/kernel/security/apparmor/profiles"),
            binary: FileSystem.realPath("/proc/self/exe"))
        if let apparmor, apparmor.status == .fail { return apparmor }
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
        return .init(name: name, status: .ok, detail: "unprivileged user namespaces work" + (apparmor.map { " (\($0.detail))" } ?? ""), fix: nil)
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
            let files = ["/etc/subuid", "/etc/subgid"].map { FileSystem.read($0) ?? "" }
            let fix = FreeSubordinateRange.find(in: files).map { range in
                let ids = "\(range.start)-\(UInt64(range.start) + UInt64(range.count) - 1)"
                return "sudo usermod --add-subuids \(ids) --add-subgids \(ids) \(user ?? "USER")"
            } ?? "add a free range of 65536 ids for \(user ?? "you") to /etc/subuid and /etc/subgid"
            return .init(name: name, status: .warn, detail: "no range for \(user ?? String(uid)) in /etc/subuid or /etc/subgid: only your own id is mapped",
                         fix: fix)
        }
        if helper == nil {
            return .init(name: name, status: .warn, detail: "newuidmap/newgidmap not found: only your own id is mapped",
                         fix: "sudo apt-get install uidmap")
        }
        return .init(name: name, status: .ok, detail: "range in /etc/subuid and /etc/subgid, newuidmap present", fix: nil)
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

