import CSandbox
import OCI
#if canImport(Glibc)
import Glibc
#endif

/// The runtime spec's process and namespace fields beyond devbox's own
/// uniform capability set: checked here, executed by CSandbox.
enum ProcessFields {
    /// The five capability sets, as masks. `uniform`: effective, permitted and
    /// inheritable equal bounding and ambient is empty (devbox's own specs),
    /// which CSandbox applies the way it always has.
    struct CapabilityMasks: Equatable {
        var bounding: UInt64 = 0, effective: UInt64 = 0, permitted: UInt64 = 0, inheritable: UInt64 = 0, ambient: UInt64 = 0
        var uniform: Bool { effective == bounding && permitted == bounding && inheritable == bounding && ambient == 0 }

        /// Into the C config: one mask for devbox's own uniform sets, the
        /// five as given otherwise (a run's command and an exec alike).
        func apply(to config: inout dbx_config) {
            config.capabilities = bounding
            guard !uniform else { return }
            config.capability_sets = 1
            config.cap_effective = effective
            config.cap_permitted = permitted
            config.cap_inheritable = inheritable
            config.cap_ambient = ambient
        }
    }

    static func capabilities(_ caps: RuntimeSpec.Capabilities?) throws(SandboxError) -> CapabilityMasks {
        guard let caps else { return CapabilityMasks() }
        do {
            // The sets are usually one list five times: libcap resolves each
            // name by a search of its table, so a list is resolved once.
            let bounding = try CapabilitySet.mask(caps.bounding)
            func mask(_ names: [String]) throws(CapabilityError) -> UInt64 {
                names == caps.bounding ? bounding : try CapabilitySet.mask(names)
            }
            return CapabilityMasks(bounding: bounding, effective: try mask(caps.effective), permitted: try mask(caps.permitted),
                                   inheritable: try mask(caps.inheritable), ambient: try mask(caps.ambient))
        } catch {
            throw .capability(error)
        }
    }

    /// linux.sysctl keys a container may set: those whose value belongs to
    /// one of its own namespaces (runc's and crun's list). Others would
    /// change the host, and the kernel refuses them anyway.
    static func checkSysctl(_ sysctl: [String: String]?, namespaces: [RuntimeSpec.Namespace]) throws(SandboxError) {
        let own = Set(namespaces.map(\.type))
        for key in (sysctl ?? [:]).keys.sorted() {
            let ipc = ["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
                       "kernel.shmmni", "kernel.shm_rmid_forced"].contains(key) || key.hasPrefix("fs.mqueue.")
            let uts = key == "kernel.hostname" || key == "kernel.domainname"
            let net = key.hasPrefix("net.")
            guard ipc || uts || net else {
                throw .launch("sysctl '\(key)' is not namespaced and would change the host; only net.*, kernel.hostname, kernel.domainname, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* may be set")
            }
            let needed: RuntimeSpec.NamespaceKind = ipc ? .ipc : uts ? .uts : .network
            guard own.contains(needed) else {
                throw .launch("sysctl '\(key)' needs the container's own \(needed.rawValue) namespace (add it to linux.namespaces)")
            }
            guard !key.contains("/"), !key.contains("..") else { throw .launch("sysctl '\(key)' is not a valid key") }
        }
    }

    /// The fds of linux.namespaces[].path, opened: the user namespace
    /// apart (the parent joins it), the others with their clone flag.
    struct Joins {
        var user: Int32 = -1
        var fds: [Int32] = []
        var types: [Int32] = []
        func close() { for fd in fds + (user >= 0 ? [user] : []) { _ = Glibc.close(fd) } }
    }

    static func openNamespaces(_ namespaces: [RuntimeSpec.Namespace]) throws(SandboxError) -> Joins {
        var joins = Joins()
        for ns in namespaces {
            guard let path = ns.path else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                let reason = String(cString: strerror(errno))
                joins.close()
                throw .launch("cannot open the \(ns.type.rawValue) namespace \(path): \(reason)")
            }
            switch ns.type {
            case .user: joins.user = fd
            case .mount: joins.fds.append(fd); joins.types.append(dbx_clone_newns())
            case .pid: joins.fds.append(fd); joins.types.append(dbx_clone_newpid())
            case .uts: joins.fds.append(fd); joins.types.append(dbx_clone_newuts())
            case .ipc: joins.fds.append(fd); joins.types.append(dbx_clone_newipc())
            case .network: joins.fds.append(fd); joins.types.append(dbx_clone_newnet())
            case .cgroup: joins.fds.append(fd); joins.types.append(0x0200_0000)
            }
        }
        return joins
    }
}
