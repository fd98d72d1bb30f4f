import CSandbox
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// How to execute a spec on this machine: what the spec cannot say.
public struct LaunchEnvironment: Sendable {
    /// newuidmap and newgidmap, when the spec's maps need them.
    public var mapHelpers: (uid: String, gid: String)?
    /// Contents for /etc/hosts (the host's plus the container's hostname).
    public var hostsFile: String?
    public var debug: Bool
    /// Host directory covered by the private staging tmpfs (bubblewrap uses /tmp).
    public var staging: String
    /// With a terminal: copy our stdin to it.
    public var forwardStdin: Bool
    /// Where the user-namespace holder's pid file lives; nil: no holder.
    public var runtimeDir: String?
    /// Where compiled seccomp filters are kept.
    public var seccompCache: SeccompCache?
    /// fds 3 ..< 3+preserveFDs pass into the command (`--preserve-fds N`);
    /// every other inherited fd above 2 is closed.
    public var preserveFDs = 0
    /// A supervisor's view of the start (see dbx_config): PID 1 writes a
    /// byte to `readyFD` once mounted; `onStarted` gets PID 1's host pid.
    public var readyFD: Int32 = -1
    public var onStarted: (@Sendable (Int32) -> Void)?
    /// OCI create/start: the command waits for a byte on this fd (a fifo
    /// opened read-write) before exec; -1: it starts at once.
    public var startFD: Int32 = -1
    /// With a terminal: the pty master goes to this socket (OCI
    /// --console-socket) instead of being proxied; -1: proxied.
    public var consoleSocketFD: Int32 = -1
    /// The FUSE storage driver's user namespace: the image store's, whose
    /// ids the layers were unpacked with (it differs from the container's
    /// under keep-id). -1: the container's own when it joins a held one.
    public var storeUserNamespaceFD: Int32 = -1
    /// Return the command's exit status as soon as it ends, without waiting
    /// for PID 1 to take the namespaces down (see dbx_config). Only for a
    /// caller that removes nothing of the container afterwards.
    public var returnBeforeTeardown = false
    /// With a terminal and no terminal of our own (a detached container):
    /// where `devbox attach` writes the window size (see dbx_config).
    public var windowSizeFile: String?

    public init(mapHelpers: (uid: String, gid: String)? = nil, hostsFile: String? = nil, debug: Bool = false,
                staging: String = "/tmp", forwardStdin: Bool = true, runtimeDir: String? = nil) {
        self.runtimeDir = runtimeDir
        self.mapHelpers = mapHelpers
        self.hostsFile = hostsFile
        self.debug = debug
        self.staging = staging
        self.forwardStdin = forwardStdin
    }
}

final class StartedBox {
    let call: @Sendable (Int32) -> Void
    init(_ call: @escaping @Sendable (Int32) -> Void) { self.call = call }
}

/// Runs a runtime spec to completion. The caller must still be
/// single-threaded: the kernel refuses a new user namespace otherwise.
public enum Launcher {
    /// The step after which the container's command process may lay the
    /// masked and read-only paths while PID 1 mounts the rest, or nil when
    /// they stay in order (CSandbox's dbx_policy_start decides).
    public static func policyStart(_ steps: [SetupStep]) -> Int? {
        let after = withSteps(steps) { dbx_policy_start(&$0) }
        return after >= 0 ? after : nil
    }

    /// The steps the command's process runs while PID 1 runs the rest (the
    /// host image's top-level overlays, /dev), how many subtrees they make,
    /// the step after which it may start, and the step before which PID 1
    /// waits for them (nil: before pivot_root). See CSandbox's offload.c.
    public static func offload(_ steps: [SetupStep]) -> (steps: [Int], subtrees: Int, startAfter: Int, waitBefore: Int?) {
        var start = 0, wait = 0
        var marks = [UInt8](repeating: 0, count: max(steps.count, 1))
        let count = withSteps(steps) { config in dbx_offload_plan(&config, dbx_policy_start(&config), &marks, &start, &wait) }
        let taken = steps.indices.filter { marks[$0] != 0 }
        return (taken, count, start, wait == steps.count ? nil : wait)
    }

    /// A config holding only these steps, for CSandbox's planning helpers.
    private static func withSteps<T>(_ steps: [SetupStep], _ body: (inout dbx_config) -> T) -> T {
        let strings = CStrings()
        let ops = cOperations(steps, strings: strings)
        defer { ops.deallocate() }
        var config = dbx_config()
        config.ops = UnsafePointer(ops)
        config.nops = steps.count
        return withExtendedLifetime(strings) { body(&config) }
    }

    static func cOperations(_ steps: [SetupStep], strings: CStrings) -> UnsafeMutablePointer<dbx_op> {
        let ops = UnsafeMutablePointer<dbx_op>.allocate(capacity: max(steps.count, 1))
        for (i, step) in steps.enumerated() {
            ops[i] = dbx_op(kind: step.kind.rawValue, flags: step.flags, mode: step.mode,
                            src: strings.copy(step.source), dst: strings.copy(step.destination),
                            data: strings.copy(step.data))
        }
        return ops
    }

    public static func run(_ spec: RuntimeSpec, environment: LaunchEnvironment) throws(SandboxError) -> Int32 {
        let steps = SetupCompiler.compile(spec, hostsFile: environment.hostsFile)
        let caps = try ProcessFields.capabilities(spec.process.capabilities)
        try ProcessFields.checkSysctl(spec.linux.sysctl, namespaces: spec.linux.namespaces)
        let joins = try ProcessFields.openNamespaces(spec.linux.namespaces)
        defer { joins.close() }
        if environment.debug {
            for step in steps { debugLine("step " + step.description) }
        }

        let strings = CStrings()
        let ops = cOperations(steps, strings: strings)
        defer { ops.deallocate() }

        var config = dbx_config()
        config.clone_flags = cloneFlags(spec.linux.namespaces)
        let privileged = geteuid() == 0
        config.userns_fd = -1
        var held: UserNamespaceHolder.Held?
        let newUserNamespace = spec.linux.namespaces.contains { $0.type == .user && $0.path == nil }
        if joins.user >= 0 {
            // An existing user namespace (linux.namespaces[].path): its maps
            // are its own; nothing is written.
            config.userns_fd = joins.user
        } else if newUserNamespace, let helpers = environment.mapHelpers, let runtimeDir = environment.runtimeDir {
            // The holder only saves time: without it, map a fresh namespace.
            do {
                let holder = try UserNamespaceHolder.open(runtimeDir: runtimeDir, spec: spec, helpers: helpers,
                                                          debug: environment.debug)
                config.userns_fd = holder.fd
                held = holder
            } catch {
                if environment.debug { debugLine("no user namespace holder (\(error)); mapping this run's own") }
            }
        }
        if joins.user >= 0 {
        } else if !newUserNamespace {
            // No user namespace (a `runc spec` bundle run by root): nothing
            // to map. Without root the kernel would refuse every other namespace.
            guard privileged else {
                throw .launch("the container has no user namespace (linux.namespaces), and without root devbox needs one "
                              + "to make the others: add {\"type\": \"user\"} (`runc spec --rootless` makes such a config.json)")
            }
        } else if config.userns_fd >= 0 {
            // Joined: the held namespace is already mapped. A run that
            // limits its namespace (no nested user namespaces) gets a child
            // of its own, or the limit would hold for every later run too.
            if spec.annotations?[DevboxAnnotation.nestedUserNamespaces] == "false" {
                config.nest_userns = 1
                config.uid_map = strings.copy(IDMapText.identity(spec.linux.uidMappings))
                config.gid_map = strings.copy(IDMapText.identity(spec.linux.gidMappings))
            }
        } else if let helpers = environment.mapHelpers {
            config.newuidmap_argv = UnsafePointer(strings.array([helpers.uid] + IDMapText.helperArguments(spec.linux.uidMappings)))
            config.newgidmap_argv = UnsafePointer(strings.array([helpers.gid] + IDMapText.helperArguments(spec.linux.gidMappings)))
        } else {
            config.uid_map = strings.copy(IDMapText.procFile(spec.linux.uidMappings))
            config.gid_map = strings.copy(IDMapText.procFile(spec.linux.gidMappings))
            // An unprivileged writer may map its own gid only after giving up
            // setgroups(2) (user_namespaces(7), CVE-2014-8989).
            config.deny_setgroups = privileged ? 0 : 1
        }
        config.fuse_socket_fd = -1
        if steps.contains(where: { $0.kind == .fuse }) {
            // Before clone(): the daemon must be forked while we are single-threaded.
            let daemonNamespace: Int32 = privileged ? -1
                : environment.storeUserNamespaceFD >= 0 ? environment.storeUserNamespaceFD
                : config.userns_fd >= 0 && joins.user < 0 ? config.userns_fd : -2
            config.fuse_socket_fd = try FuseOverlayDaemon.start(steps, userNamespace: daemonNamespace, debug: environment.debug)
        }
        defer { if config.fuse_socket_fd >= 0 { close(config.fuse_socket_fd) } }
        config.hostname = strings.copy(spec.hostname)
        config.loopback_up = spec.linux.namespaces.contains { $0.type == .network } ? 1 : 0
        // A new network namespace the holder made ahead (netspare.c): PID 1
        // joins it like a linux.namespaces path and makes none. Not under a
        // nested user namespace, whose PID 1 cannot join one of its parent's.
        var joinFDList = joins.fds, joinTypeList = joins.types
        var spareNetwork: Int32 = -1
        defer { if spareNetwork >= 0 { close(spareNetwork) } }
        if let held, config.nest_userns == 0, (config.clone_flags & dbx_clone_newnet()) != 0,
           let fd = UserNamespaceHolder.takeNetworkNamespace(held) {
            spareNetwork = fd
            joinFDList.append(fd)
            joinTypeList.append(dbx_clone_newnet())
            config.clone_flags &= ~dbx_clone_newnet()
            config.loopback_up = 0
            if environment.debug { debugLine("network namespace made ahead by user namespace holder \(held.pid)") }
        }
        config.staging = strings.copy(environment.staging)
        config.ops = UnsafePointer(ops)
        config.nops = steps.count
        config.argv = UnsafePointer(strings.array(spec.process.args))
        config.envp = UnsafePointer(strings.array(spec.process.env))
        config.search_path = strings.copy(searchPath(spec.process.env))
        config.cwd = strings.copy(spec.process.cwd)
        config.uid = spec.process.user.uid
        config.gid = spec.process.user.gid
        caps.apply(to: &config)
        let groups = spec.process.user.additionalGids ?? []
        if !groups.isEmpty && config.deny_setgroups != 0 {
            throw .launch("process.user.additionalGids needs setgroups(2), which an unprivileged user namespace mapped without newgidmap denies; map a subordinate gid range (linux.gidMappings with newgidmap) or drop additionalGids")
        }
        let groupList = UnsafeMutablePointer<gid_t>.allocate(capacity: max(groups.count, 1))
        defer { groupList.deallocate() }
        for (i, gid) in groups.enumerated() { groupList[i] = gid }
        config.groups = UnsafePointer(groupList)
        config.ngroups = groups.count
        if let umask = spec.process.user.umask {
            config.set_umask = 1
            config.umask = umask
        }
        if let adj = spec.process.oomScoreAdj {
            guard (-1000...1000).contains(adj) else { throw .launch("process.oomScoreAdj \(adj) is outside -1000...1000") }
            config.set_oom_score_adj = 1
            config.oom_score_adj = Int32(adj)
        }
        let joinFDs = UnsafeMutablePointer<Int32>.allocate(capacity: max(joinFDList.count, 1))
        let joinTypes = UnsafeMutablePointer<Int32>.allocate(capacity: max(joinFDList.count, 1))
        defer { joinFDs.deallocate(); joinTypes.deallocate() }
        for i in joinFDList.indices { joinFDs[i] = joinFDList[i]; joinTypes[i] = joinTypeList[i] }
        config.join_fds = UnsafePointer(joinFDs)
        config.join_types = UnsafePointer(joinTypes)
        config.njoin = joinFDList.count
        if environment.startFD >= 0 {
            config.wait_for_start = 1
            config.start_fd = environment.startFD
        }
        if environment.consoleSocketFD >= 0 {
            config.send_console = 1
            config.console_socket_fd = environment.consoleSocketFD
        }
        let limits = (spec.process.rlimits ?? []).compactMap { limit -> dbx_rlimit? in
            RlimitNumbers.value(limit.type).map { dbx_rlimit(resource: $0, soft: limit.soft, hard: limit.hard) }
        }
        let rlimits = UnsafeMutablePointer<dbx_rlimit>.allocate(capacity: max(limits.count, 1))
        defer { rlimits.deallocate() }
        for (i, limit) in limits.enumerated() { rlimits[i] = limit }
        config.rlimits = UnsafePointer(rlimits)
        config.nrlimits = limits.count
        config.no_new_privs = spec.process.noNewPrivileges ? 1 : 0
        var bpf: [UInt8] = []
        if let filter = spec.linux.seccomp {
            // libseccomp's conditions on capabilities look at what the process holds.
            let capabilities = Set(spec.process.capabilities?.bounding ?? [])
            do {
                if let cache = environment.seccompCache {
                    let program = try cache.program(filter, capabilities: capabilities)
                    bpf = program.bpf
                    if environment.debug { debugLine("seccomp filter \(program.key.prefix(12)) \(program.cached ? "from the cache" : "compiled") (\(bpf.count / 8) instructions)") }
                } else {
                    bpf = try SeccompCompiler.compile(filter, capabilities: capabilities)
                }
            } catch {
                throw .launch(error.description)
            }
        }
        config.prepare_early = !spec.process.terminal && SeccompCompiler.allowsEarlyStart(spec.linux.seccomp) ? 1 : 0
        config.preserve_fds = Int32(clamping: environment.preserveFDs)
        config.ready_fd = environment.readyFD
        let started = environment.onStarted.map { Unmanaged.passRetained(StartedBox($0)) }
        defer { started?.release() }
        if let started {
            config.started_context = started.toOpaque()
            config.on_started = { context, pid in
                guard let context else { return }
                Unmanaged<StartedBox>.fromOpaque(context).takeUnretainedValue().call(pid)
            }
        }
        config.tty = spec.process.terminal ? 1 : 0
        config.forward_stdin = environment.forwardStdin ? 1 : 0
        config.debug = environment.debug ? 1 : 0
        config.return_before_teardown = environment.returnBeforeTeardown ? 1 : 0
        config.winsize_path = strings.copy(environment.windowSizeFile)

        var errbuf = [CChar](repeating: 0, count: 512)
        let status = bpf.withUnsafeBytes { program -> Int32 in
            config.seccomp_bpf = program.baseAddress
            config.seccomp_len = program.count
            return dbx_run(&config, &errbuf, errbuf.count)
        }
        withExtendedLifetime(strings) {}
        if config.userns_fd >= 0 && joins.user < 0 { close(config.userns_fd) }
        if status < 0 {
            throw .launch(String(cBuffer: errbuf))
        }
        return status
    }

    /// RLIMIT_* names (the OCI spec's) to Linux's resource numbers.
    enum RlimitNumbers {
        static let numbers: [String: Int32] = [
            "CPU": 0, "FSIZE": 1, "DATA": 2, "STACK": 3, "CORE": 4, "RSS": 5, "NPROC": 6, "NOFILE": 7, "MEMLOCK": 8,
            "AS": 9, "LOCKS": 10, "SIGPENDING": 11, "MSGQUEUE": 12, "NICE": 13, "RTPRIO": 14, "RTTIME": 15,
        ]
        static func value(_ type: String) -> Int32? { numbers[String(type.dropFirst("RLIMIT_".count))] }
    }

    static func cloneFlags(_ namespaces: [RuntimeSpec.Namespace]) -> Int32 {
        namespaces.reduce(Int32(0)) { flags, ns in
            // One with a path is joined, not created.
            if ns.path != nil { return flags }
            switch ns.type {
            case .user: return flags | dbx_clone_newuser()
            case .mount: return flags | dbx_clone_newns()
            case .pid: return flags | dbx_clone_newpid()
            case .uts: return flags | dbx_clone_newuts()
            case .ipc: return flags | dbx_clone_newipc()
            case .network: return flags | dbx_clone_newnet()
            case .cgroup: return flags
            }
        }
    }

    static func searchPath(_ env: [String]) -> String {
        env.last { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? "/usr/local/bin:/usr/bin:/bin"
    }

    static func debugLine(_ text: String) {
        let line = "devbox[debug]: " + text + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}
