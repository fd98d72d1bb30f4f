import CSandbox
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// What `devbox exec` asks for, on top of the container's own settings.
public struct ExecRequest: Sendable {
    public var command: [String]
    /// KEY=VAL added to (and overriding) the container's environment.
    public var environment: [String] = []
    public var workdir: String?
    /// `-u USER[:GROUP]`, names resolved inside the container.
    public var user: String?
    public var group: String?
    public var tty = false
    public var detach = false
    public var preserveFDs = 0

    public init(command: [String]) { self.command = command }
}

/// Runs a command inside a running container (see exec.c).
public enum ExecLauncher {
    /// `replaceEnvironment`: the request's environment is the whole of it
    /// (a run joining its project's environment plans its own).
    public static func exec(_ request: ExecRequest, template: ExecTemplate, replaceEnvironment: Bool = false) throws(SandboxError) -> Int32 {
        let process = template.process
        let caps = try ProcessFields.capabilities(process.capabilities)
        var bpf: [UInt8] = []
        if let file = template.seccompFile {
            // The container has a filter: without it, no exec.
            guard let bytes = FileSystem.readBytes(file), !bytes.isEmpty, bytes.count % 8 == 0 else {
                throw .launch("cannot read the container's seccomp filter \(file); restart the container")
            }
            bpf = bytes
        }
        let env = replaceEnvironment ? request.environment : merged(process.env, request.environment)
        let strings = CStrings()
        var config = dbx_config()
        config.argv = UnsafePointer(strings.array(request.command))
        config.envp = UnsafePointer(strings.array(env))
        config.search_path = strings.copy(Launcher.searchPath(env))
        config.cwd = strings.copy(request.workdir ?? process.cwd) as UnsafePointer<CChar>
        config.uid = process.user.uid
        config.gid = process.user.gid
        caps.apply(to: &config)
        if let umask = process.user.umask {
            config.set_umask = 1
            config.umask = umask
        }
        let limits = (process.rlimits ?? []).compactMap { limit -> dbx_rlimit? in
            Launcher.RlimitNumbers.value(limit.type).map { dbx_rlimit(resource: $0, soft: limit.soft, hard: limit.hard) }
        }
        let rlimits = UnsafeMutablePointer<dbx_rlimit>.allocate(capacity: max(limits.count, 1))
        defer { rlimits.deallocate() }
        for (i, limit) in limits.enumerated() { rlimits[i] = limit }
        config.rlimits = UnsafePointer(rlimits)
        config.nrlimits = limits.count
        config.no_new_privs = process.noNewPrivileges ? 1 : 0
        config.preserve_fds = Int32(clamping: request.preserveFDs)
        config.tty = request.tty ? 1 : 0
        config.forward_stdin = 1
        config.ready_fd = -1
        config.fuse_socket_fd = -1
        // setgroups(2) is refused in a namespace whose maps were written
        // without the helpers: leave the groups as they are there.
        let setgroups = FileSystem.read("/proc/\(template.pid1.pid)/setgroups", limit: 64) ?? "allow"
        config.deny_setgroups = setgroups.hasPrefix("deny") ? 1 : 0
        // The container's supplementary groups (none where setgroups is denied).
        let groupIDs = config.deny_setgroups == 0 ? process.user.additionalGids ?? [] : []
        let groups = UnsafeMutablePointer<gid_t>.allocate(capacity: max(groupIDs.count, 1))
        defer { groups.deallocate() }
        for (i, gid) in groupIDs.enumerated() { groups[i] = gid }
        config.groups = UnsafePointer(groups)
        config.ngroups = groupIDs.count

        var exec = dbx_exec_config()
        exec.pid = template.pid1.pid
        exec.start_time = template.pid1.startTime
        exec.join_flags = template.namespaces.reduce(Int32(0)) { flags, name in
            switch RuntimeSpec.NamespaceKind(rawValue: name) {
            case .user: return flags | dbx_clone_newuser()
            case .mount: return flags | dbx_clone_newns()
            case .pid: return flags | dbx_clone_newpid()
            case .uts: return flags | dbx_clone_newuts()
            case .ipc: return flags | dbx_clone_newipc()
            case .network: return flags | dbx_clone_newnet()
            case .cgroup: return flags | dbx_clone_newcgroup()
            case nil: return flags
            }
        }
        exec.detach = request.detach ? 1 : 0
        exec.user = strings.copy(request.user)
        exec.group = strings.copy(request.group)
        exec.set_home = request.user != nil && !request.environment.contains { $0.hasPrefix("HOME=") } ? 1 : 0
        var errbuf = [CChar](repeating: 0, count: 512)
        let status = bpf.withUnsafeBytes { program -> Int32 in
            config.seccomp_bpf = program.baseAddress
            config.seccomp_len = program.count
            return withUnsafePointer(to: &config) { pointer in
                exec.process = pointer
                return dbx_exec(&exec, &errbuf, errbuf.count)
            }
        }
        withExtendedLifetime(strings) {}
        if status == -2 { throw .notRunning }
        if status < 0 { throw .launch(String(cBuffer: errbuf)) }
        return status
    }

    /// The container's environment with the request's on top (same key: the request's).
    public static func merged(_ base: [String], _ overrides: [String]) -> [String] {
        guard !overrides.isEmpty else { return base }
        func key(_ entry: String) -> Substring { entry.split(separator: "=", maxSplits: 1).first ?? Substring(entry) }
        let replaced = Set(overrides.map(key))
        return base.filter { !replaced.contains(key($0)) } + overrides
    }
}
