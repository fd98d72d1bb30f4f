#if canImport(Glibc)
import Glibc
#endif

/// Whether one resolved profile confines less than another, dimension by
/// dimension. A project's profile is code from the repository, so it may
/// only tighten what it extends (docs/TRUST.md); each way it loosens is one
/// reason, said so the user can decide whether to pass
/// `--allow-project-profile`.
///
/// "Weaker" means: a capability the base lacks; no_new_privs off where the
/// base had it on; a seccomp denial, a masked path or a read-only path the
/// base had and this one lacks; no filter, a less strict default action or
/// a replaced filter (a JSON file cannot be compared rule by rule, so any
/// file the base did not have counts); the host's network where the base
/// had none; a writable root or project where the base's was read-only;
/// nested user namespaces where the base had them off; an rlimit above the
/// base's (or, where the base set none, above the limit devbox runs with).
/// Not weaker: the description, added environment variables (the project
/// controls the command anyway) and the errno a denial returns.
public enum ProfileStrength {
    /// The limits a run inherits when a profile sets none: devbox's own.
    public typealias HostLimit = @Sendable (String) -> (soft: UInt64, hard: UInt64)?

    public static func weakenings(of profile: Profile, against base: Profile,
                                  hostLimit: HostLimit = ProfileStrength.currentLimit) -> [String] {
        var reasons: [String] = []
        let added = profile.capabilities.filter { !base.capabilities.contains($0) }
        if !added.isEmpty { reasons.append("adds " + added.joined(separator: ", ")) }
        if base.noNewPrivileges && !profile.noNewPrivileges { reasons.append("turns no_new_privileges off") }
        reasons += seccompWeakenings(of: profile, against: base)
        let unmasked = base.maskedPaths.filter { !profile.maskedPaths.contains($0) }
        if !unmasked.isEmpty { reasons.append("unmasks " + unmasked.joined(separator: ", ")) }
        let writable = base.readOnlyPaths.filter { !profile.readOnlyPaths.contains($0) }
        if !writable.isEmpty { reasons.append("makes writable " + writable.joined(separator: ", ")) }
        if base.network == "none" && profile.network != "none" { reasons.append("uses the host's network") }
        if base.readOnlyRoot && !profile.readOnlyRoot { reasons.append("makes the root filesystem writable") }
        if base.readOnlyProject && !profile.readOnlyProject { reasons.append("makes the project writable") }
        if !base.nestedUserNamespaces && profile.nestedUserNamespaces { reasons.append("allows nested user namespaces") }
        for (name, limit) in profile.rlimits.sorted(by: { $0.key < $1.key }) {
            let ceiling: (soft: UInt64, hard: UInt64)?
            if let own = base.rlimits[name], own.count == 2 { ceiling = (own[0], own[1]) } else { ceiling = hostLimit(name) }
            // An unknown ceiling cannot be shown not to rise: count it as raised.
            guard let ceiling, limit.count == 2, limit[0] <= ceiling.soft, limit[1] <= ceiling.hard else {
                reasons.append("raises rlimit \(name)")
                continue
            }
        }
        return reasons
    }

    static func seccompWeakenings(of profile: Profile, against base: Profile) -> [String] {
        guard base.seccompDefault != "none" else { return [] }
        if profile.seccompDefault == "none" { return ["removes the seccomp filter"] }
        if profile.seccompFile != base.seccompFile { return ["replaces the seccomp filter with a file"] }
        guard base.seccompFile == nil else { return [] }
        var reasons: [String] = []
        if rank(profile.seccompDefault) < rank(base.seccompDefault) {
            reasons.append("makes the seccomp default action \(profile.seccompDefault) instead of \(base.seccompDefault)")
        }
        let allowed = base.seccompDeny.filter { !profile.seccompDeny.contains($0) }
        if !allowed.isEmpty { reasons.append("no longer denies " + allowed.joined(separator: ", ")) }
        return reasons
    }

    /// "errno" and "kill" both refuse every call the profile does not list.
    static func rank(_ action: String) -> Int {
        switch action {
        case "allow": return 1
        case "errno", "kill": return 2
        default: return 0
        }
    }

    /// setrlimit(2) resource numbers (asm-generic/resource.h), by profile name.
    static let resources: [String: Int32] = [
        "cpu": 0, "fsize": 1, "data": 2, "stack": 3, "core": 4, "rss": 5, "nproc": 6, "nofile": 7, "memlock": 8,
        "as": 9, "locks": 10, "sigpending": 11, "msgqueue": 12, "nice": 13, "rtprio": 14, "rttime": 15,
    ]

    public static let currentLimit: HostLimit = { name in
        guard let resource = resources[name] else { return nil }
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }
}
