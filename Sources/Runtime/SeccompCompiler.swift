import CSeccomp
import FoundationEssentials
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

public enum SeccompError: Error, Equatable, CustomStringConvertible {
    case unknownAction(String)
    case unknownOperator(String)
    case unknownSyscall(String)
    case libseccomp(String)

    public var description: String {
        switch self {
        case .unknownAction(let a): return "seccomp: unknown action '\(a)'; use SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP or SCMP_ACT_LOG"
        case .unknownOperator(let o): return "seccomp: unknown argument operator '\(o)'"
        case .unknownSyscall(let s): return "seccomp: unknown syscall '\(s)' in the profile; check its spelling against syscalls(2)"
        case .libseccomp(let what): return "seccomp: \(what)"
        }
    }
}

/// Compiles an OCI `linux.seccomp` into a BPF program with libseccomp, for
/// the host's architecture and its compat ones (32-bit x86 and x32 on
/// x86_64, arm on aarch64), like Docker. Deterministic, hence cacheable.
public enum SeccompCompiler {
    public static func compile(_ filter: LinuxSeccomp, capabilities: Set<String>) throws(SeccompError) -> [UInt8] {
        guard let ctx = seccomp_init(try action(filter.defaultAction, errno: filter.defaultErrnoRet)) else {
            throw .libseccomp("cannot create a filter")
        }
        defer { seccomp_release(ctx) }
        // A binary tree of syscall numbers instead of libseccomp's default
        // linear chain: an allowed syscall then runs ~8 comparisons, not one
        // per rule, which is what a syscall-heavy build pays for the filter.
        _ = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)
        for arch in compatArchitectures() { _ = seccomp_arch_add(ctx, arch) }
        let strict = filter.architectures == nil  // devbox's own profiles: every name must exist
        for rule in filter.syscalls ?? [] where applies(rule, capabilities: capabilities) {
            let act = try action(rule.action, errno: rule.errnoRet ?? filter.defaultErrnoRet)
            var args: [scmp_arg_cmp] = []
            for arg in rule.args ?? [] {
                args.append(scmp_arg_cmp(arg: arg.index, op: try compare(arg.op), datum_a: arg.value, datum_b: arg.valueTwo ?? 0))
            }
            for name in rule.names {
                let number = seccomp_syscall_resolve_name(name)
                guard number != __NR_SCMP_ERROR else {
                    if strict { throw .unknownSyscall(name) }
                    continue  // Docker's profiles list syscalls of every kernel and architecture
                }
                // A rule whose action is the default is redundant: libseccomp refuses it.
                if act == (try action(filter.defaultAction, errno: filter.defaultErrnoRet)) { continue }
                let rc = args.withUnsafeBufferPointer { seccomp_rule_add_array(ctx, act, number, UInt32($0.count), $0.baseAddress) }
                guard rc == 0 else { throw .libseccomp("cannot add the rule for \(name): \(String(cString: strerror(-rc)))") }
            }
        }
        return try export(ctx)
    }

    static func export(_ ctx: scmp_filter_ctx) throws(SeccompError) -> [UInt8] {
        let path = "/tmp/devbox-bpf-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .libseccomp("cannot create \(path)") }
        defer { close(fd); unlink(path) }
        guard seccomp_export_bpf(ctx, fd) == 0 else { throw .libseccomp("cannot export the filter") }
        return FileSystem.readBytes(path) ?? []
    }

    /// Whether the command's process may load `filter` before the container
    /// is mounted (see `prepare_early` in csandbox.h): it still has to read a
    /// pipe, close it, chdir and exec under the filter. True for no filter and
    /// for filters that allow by default and do not name those syscalls.
    public static func allowsEarlyStart(_ filter: LinuxSeccomp?) -> Bool {
        guard let filter else { return true }
        guard filter.defaultAction == "SCMP_ACT_ALLOW" else { return false }
        let needed: Set<String> = ["read", "close", "chdir", "rt_sigprocmask", "execve", "execveat"]
        return !(filter.syscalls ?? []).contains { rule in rule.names.contains(where: needed.contains) }
    }

    /// Docker's per-rule conditions, as far as they can be decided here.
    static func applies(_ rule: LinuxSeccomp.Syscall, capabilities: Set<String>) -> Bool {
        let arch = HostArchitecture.oci
        if let caps = rule.includes?.caps, !caps.allSatisfy(capabilities.contains) { return false }
        if let arches = rule.includes?.arches, !arches.contains(arch) { return false }
        if let caps = rule.excludes?.caps, caps.contains(where: capabilities.contains) { return false }
        if let arches = rule.excludes?.arches, arches.contains(arch) { return false }
        return true
    }

    static func action(_ name: String, errno: UInt32?) throws(SeccompError) -> UInt32 {
        switch name {
        case "SCMP_ACT_ALLOW": return 0x7fff_0000
        case "SCMP_ACT_ERRNO": return 0x0005_0000 | ((errno ?? 1) & 0xffff)
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return 0
        case "SCMP_ACT_KILL_PROCESS": return 0x8000_0000
        case "SCMP_ACT_TRAP": return 0x0003_0000
        case "SCMP_ACT_LOG": return 0x7ffc_0000
        default: throw .unknownAction(name)
        }
    }

    static func compare(_ op: String) throws(SeccompError) -> scmp_compare {
        switch op {
        case "SCMP_CMP_NE": return SCMP_CMP_NE
        case "SCMP_CMP_LT": return SCMP_CMP_LT
        case "SCMP_CMP_LE": return SCMP_CMP_LE
        case "SCMP_CMP_EQ": return SCMP_CMP_EQ
        case "SCMP_CMP_GE": return SCMP_CMP_GE
        case "SCMP_CMP_GT": return SCMP_CMP_GT
        case "SCMP_CMP_MASKED_EQ": return SCMP_CMP_MASKED_EQ
        default: throw .unknownOperator(op)
        }
    }

    static func compatArchitectures() -> [UInt32] {
        switch HostArchitecture.oci {
        case "SCMP_ARCH_X86_64": return [0x4000_0003 /* X86 */, 0x4000_003e /* X32 */]
        case "SCMP_ARCH_AARCH64": return [0x4000_0028 /* ARM */]
        default: return []
        }
    }
}

enum HostArchitecture {
    static var oci: String {
        let machine = Machine.name
        return machine == "aarch64" ? "SCMP_ARCH_AARCH64" : machine == "x86_64" ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_" + machine.uppercased()
    }
}

/// Compiled filters by content: `$XDG_CACHE_HOME/devbox/seccomp/<sha256>.bpf`.
/// Compiling costs far more than the rest of a start (crun measured the same).
public struct SeccompCache: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public static func standard(environment: [String: String], home: String) -> SeccompCache {
        SeccompCache(directory: (environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.cache") + "/devbox/seccomp")
    }

    /// A digest of everything the compiled program depends on. The fields
    /// go straight into the hash, separated, rather than through one big
    /// interpolated string: this runs on every `devbox run`.
    public func key(_ filter: LinuxSeccomp, capabilities: Set<String>) -> String {
        var hash = SHA256()
        func add(_ field: String, _ separator: UInt8 = 0x7c) {
            hash.update(field)
            hash.update([separator])
        }
        func add(_ list: [String]) {
            for item in list { add(item, 0x2c) }
            hash.update([0x3b])
        }
        add("v4")
        add(HostArchitecture.oci)
        add(filter.defaultAction)
        add(String(filter.defaultErrnoRet ?? 0))
        add(filter.architectures ?? [])
        for rule in filter.syscalls ?? [] {
            add(rule.names)
            add(rule.action)
            add(String(rule.errnoRet ?? 0))
            for arg in rule.args ?? [] {
                add(String(arg.index)); add(arg.op); add(String(arg.value)); add(String(arg.valueTwo ?? 0))
            }
            for condition in [rule.includes, rule.excludes] {
                add(condition?.caps ?? [])
                add(condition?.arches ?? [])
            }
            hash.update([0x0a])
        }
        add(capabilities.sorted())
        return hash.finalizeHex()
    }

    /// The program and whether it came from the cache.
    public func program(_ filter: LinuxSeccomp, capabilities: Set<String>) throws(SeccompError) -> (bpf: [UInt8], cached: Bool, key: String) {
        let key = key(filter, capabilities: capabilities)
        let path = directory + "/" + key + ".bpf"
        if let bytes = FileSystem.readBytes(path), !bytes.isEmpty, bytes.count % 8 == 0 { return (bytes, true, key) }
        let bpf = try SeccompCompiler.compile(filter, capabilities: capabilities)
        if FileSystem.makeDirectories(directory, mode: 0o700) {
            let tmp = path + ".tmp-\(getpid())"
            if FileSystem.writeBytes(tmp, bpf) { rename(tmp, path) } else { unlink(tmp) }
        }
        return (bpf, false, key)
    }
}
