import CSeccomp
import OCI
import Platform

/// The syscall filter a profile describes, as an OCI `linux.seccomp`.
/// A deny entry is a syscall name, or a name with a condition on its
/// arguments for the calls that are only dangerous with certain values.
public enum SeccompRules {
    static let masked32 = UInt64(0xffff_ffff)
    static let namespaceFlags: [UInt64] = [0x0002_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000, 0x1000_0000, 0x2000_0000, 0x4000_0000]

    /// Conditions by name: each becomes one or more rules.
    public static let conditions: [String: [(name: String, args: [LinuxSeccomp.Arg])]] = [
        // The ioctl number is 32 bits to the kernel: compare only those, so
        // setting the high bits does not slip past (CVE-2019-10063's lesson).
        "ioctl:TIOCSTI": [("ioctl", [.init(index: 1, value: masked32, valueTwo: 0x5412, op: "SCMP_CMP_MASKED_EQ")])],
        "ioctl:TIOCLINUX": [("ioctl", [.init(index: 1, value: masked32, valueTwo: 0x541C, op: "SCMP_CMP_MASKED_EQ")])],
        "clone:namespaces": namespaceFlags.map { ("clone", [.init(index: 0, value: $0, valueTwo: $0, op: "SCMP_CMP_MASKED_EQ")]) },
        "unshare:namespaces": namespaceFlags.map { ("unshare", [.init(index: 0, value: $0, valueTwo: $0, op: "SCMP_CMP_MASKED_EQ")]) },
        "socket:AF_NETLINK": [("socket", [.init(index: 0, value: 16, op: "SCMP_CMP_EQ")])],
        "socket:AF_PACKET": [("socket", [.init(index: 0, value: 17, op: "SCMP_CMP_EQ")])],
        "personality:unsafe": [("personality", [.init(index: 0, value: 0x0040_0000, valueTwo: 0x0040_0000, op: "SCMP_CMP_MASKED_EQ")])],
    ]

    public static func isValid(_ rule: String) -> Bool {
        if rule.contains(":") { return conditions[rule] != nil }
        // libseccomp's table, which the compiler uses too: a misspelt name is
        // the profile's error (file:line, exit 2), not a failed launch.
        // Names of other architectures resolve to pseudo-numbers, not an error.
        guard !rule.isEmpty, rule.utf8.allSatisfy({ ASCII.isLower($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") }) else { return false }
        return seccomp_syscall_resolve_name(rule) != __NR_SCMP_ERROR
    }

    /// nil when the profile has no filter.
    public static func spec(for profile: Profile) -> LinuxSeccomp? {
        if let file = profile.seccompFile { return file }
        guard profile.seccompDefault != "none" else { return nil }
        let errno = UInt32(profile.seccompErrno)
        var plain: [String] = []
        var syscalls: [LinuxSeccomp.Syscall] = []
        for rule in profile.seccompDeny {
            if rule == "clone3" {
                // ENOSYS makes glibc fall back to clone(2), whose flags can be checked.
                syscalls.append(.init(names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38))
            } else if let expanded = conditions[rule] {
                syscalls += expanded.map { .init(names: [$0.name], action: "SCMP_ACT_ERRNO", errnoRet: errno, args: $0.args) }
            } else {
                plain.append(rule)
            }
        }
        if !plain.isEmpty { syscalls.insert(.init(names: plain, action: "SCMP_ACT_ERRNO", errnoRet: errno), at: 0) }
        let action = ["allow": "SCMP_ACT_ALLOW", "errno": "SCMP_ACT_ERRNO", "kill": "SCMP_ACT_KILL_PROCESS"][profile.seccompDefault] ?? "SCMP_ACT_ALLOW"
        return LinuxSeccomp(defaultAction: action, defaultErrnoRet: action == "SCMP_ACT_ERRNO" ? errno : nil, syscalls: syscalls)
    }
}
