import OCI

/// A security profile as written in a file: every field optional, so a
/// profile that `extends` another states only what it changes.
public struct ProfileFile: Equatable, Sendable {
    public var description: String?
    public var extends: String?
    public var noNewPrivileges: Bool?
    public var network: String?
    public var readOnlyRoot: Bool?
    public var readOnlyProject: Bool?
    public var nestedUserNamespaces: Bool?
    public var capabilitiesKeep: [String]?
    public var capabilitiesAdd: [String] = []
    public var capabilitiesDrop: [String] = []
    public var maskedPaths: [String] = []
    public var readOnlyPaths: [String] = []
    public var rlimits: [String: (soft: UInt64, hard: UInt64)] = [:]
    public var environment: [String: String] = [:]
    public var seccompDefault: String?
    public var seccompErrno: Int?
    public var seccompDeny: [String] = []
    /// A Docker/OCI seccomp JSON file, already read.
    public var seccompFile: LinuxSeccomp?

    public init() {}

    public static func == (a: ProfileFile, b: ProfileFile) -> Bool {
        a.description == b.description && a.extends == b.extends && a.noNewPrivileges == b.noNewPrivileges
            && a.network == b.network && a.readOnlyRoot == b.readOnlyRoot && a.readOnlyProject == b.readOnlyProject
            && a.nestedUserNamespaces == b.nestedUserNamespaces && a.capabilitiesKeep == b.capabilitiesKeep
            && a.capabilitiesAdd == b.capabilitiesAdd && a.capabilitiesDrop == b.capabilitiesDrop
            && a.maskedPaths == b.maskedPaths && a.readOnlyPaths == b.readOnlyPaths
            && a.rlimits.mapValues { [$0.soft, $0.hard] } == b.rlimits.mapValues { [$0.soft, $0.hard] }
            && a.environment == b.environment && a.seccompDefault == b.seccompDefault && a.seccompErrno == b.seccompErrno
            && a.seccompDeny == b.seccompDeny && a.seccompFile == b.seccompFile
    }
}

/// A profile with `extends` applied: what a run gets.
public struct Profile: Equatable, Sendable {
    public var name: String
    public var description: String
    public var noNewPrivileges: Bool
    public var network: String
    public var readOnlyRoot: Bool
    public var readOnlyProject: Bool
    public var nestedUserNamespaces: Bool
    public var capabilities: [String]
    public var maskedPaths: [String]
    public var readOnlyPaths: [String]
    public var rlimits: [String: [UInt64]]
    public var environment: [String: String]
    /// "allow", "errno" or "kill"; "none" when the profile has no filter.
    public var seccompDefault: String
    public var seccompErrno: Int
    public var seccompDeny: [String]
    public var seccompFile: LinuxSeccomp?

    /// What a profile with nothing set means: no capabilities, nothing masked.
    static func empty(_ name: String) -> Profile {
        Profile(name: name, description: "", noNewPrivileges: true, network: "host", readOnlyRoot: false,
                readOnlyProject: false, nestedUserNamespaces: true, capabilities: [], maskedPaths: [],
                readOnlyPaths: [], rlimits: [:], environment: [:], seccompDefault: "none", seccompErrno: 1,
                seccompDeny: [], seccompFile: nil)
    }

    /// This profile with `file`'s settings laid over it.
    func applying(_ file: ProfileFile, name: String) -> Profile {
        var p = self
        p.name = name
        p.description = file.description ?? p.description
        p.noNewPrivileges = file.noNewPrivileges ?? p.noNewPrivileges
        p.network = file.network ?? p.network
        p.readOnlyRoot = file.readOnlyRoot ?? p.readOnlyRoot
        p.readOnlyProject = file.readOnlyProject ?? p.readOnlyProject
        p.nestedUserNamespaces = file.nestedUserNamespaces ?? p.nestedUserNamespaces
        if let keep = file.capabilitiesKeep {
            let names = keep.map(CapabilityName.canonical)
            p.capabilities = names.contains("ALL") ? CapabilityName.known.sorted() : names
        }
        for cap in file.capabilitiesAdd.map(CapabilityName.canonical) where !p.capabilities.contains(cap) { p.capabilities.append(cap) }
        let drop = Set(file.capabilitiesDrop.map(CapabilityName.canonical))
        p.capabilities.removeAll { drop.contains($0) || drop.contains("ALL") }
        for path in file.maskedPaths where !p.maskedPaths.contains(path) { p.maskedPaths.append(path) }
        for path in file.readOnlyPaths where !p.readOnlyPaths.contains(path) { p.readOnlyPaths.append(path) }
        for (key, value) in file.rlimits { p.rlimits[key] = [value.soft, value.hard] }
        p.environment.merge(file.environment) { _, new in new }
        p.seccompDefault = file.seccompDefault ?? p.seccompDefault
        p.seccompErrno = file.seccompErrno ?? p.seccompErrno
        for rule in file.seccompDeny where !p.seccompDeny.contains(rule) { p.seccompDeny.append(rule) }
        if let json = file.seccompFile {
            p.seccompFile = json
            p.seccompDefault = "file"
        }
        return p
    }
}

public enum CapabilityName {
    /// `net_bind_service` → `CAP_NET_BIND_SERVICE`.
    public static func canonical(_ name: String) -> String {
        // ASCII only: capability names are, and Unicode case mapping is slow.
        let upper = String(decoding: name.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
        return upper == "ALL" || upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
    }

    /// The capabilities Linux knows (capability.h), for checking names
    /// without asking the running kernel.
    public static let known: Set<String> = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]
}
