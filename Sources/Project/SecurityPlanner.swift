import FoundationEssentials
import OCI
import Profiles

/// Lays a profile (plus --cap-add/--cap-drop/--read-only) onto a planned
/// spec: the security half of the runtime spec.
public enum SecurityPlanner {
    /// Options with the profile's network and environment applied where the
    /// command line did not say otherwise.
    static func prepare(_ options: RunOptions) throws(PlanError) -> (RunOptions, Profile) {
        var options = options
        let profile: Profile
        if let given = options.profile { profile = given } else { profile = try defaultProfile() }
        if !options.networkGiven { options.network = profile.network == "none" ? .none : .host }
        options.environment = profile.environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value } + options.environment
        return (options, profile)
    }

    static func defaultProfile() throws(PlanError) -> Profile {
        do { return try ProfileResolver().resolve("default") } catch {
            throw .profile(error.description)
        }
    }

    /// `--security-opt` values, as podman spells them: `seccomp=unconfined`,
    /// `seccomp=FILE` (Docker/OCI JSON) and `no-new-privileges`. Anything
    /// else is refused: an option accepted and ignored reads as protection
    /// the run does not have.
    public static func applySecurityOptions(_ values: [String], to options: inout RunOptions,
                                            readFile: (String) -> [UInt8]?) throws(PlanError) {
        for value in values {
            if ["no-new-privileges", "no-new-privileges=true", "no-new-privileges:true"].contains(value) {
                options.forceNoNewPrivileges = true
                continue
            }
            guard value.hasPrefix("seccomp=") || value.hasPrefix("seccomp:") else { throw .unknownSecurityOption(value) }
            let path = String(value.dropFirst(8))
            if path == "unconfined" {
                options.seccompOverride = .unconfined
                continue
            }
            guard !path.isEmpty else { throw .unknownSecurityOption(value) }
            guard let bytes = readFile(path) else { throw .unreadableSeccompFile(path) }
            do {
                options.seccompOverride = .profile(try JSONDecoder().decode(LinuxSeccomp.self, from: Data(bytes)))
            } catch {
                throw .badSeccompFile(path, reason: "\(error)")
            }
        }
    }

    static func apply(_ profile: Profile, options: RunOptions, project: Project, to spec: inout RuntimeSpec) throws(PlanError) {
        var caps = profile.capabilities
        // Drops first, then adds: `--cap-drop ALL --cap-add X` keeps X, as in docker.
        for name in options.capDrop.map(CapabilityName.canonical) {
            guard CapabilityName.known.contains(name) || name == "ALL" else { throw .unknownCapability(name) }
            caps.removeAll { name == "ALL" || $0 == name }
        }
        for name in options.capAdd.map(CapabilityName.canonical) {
            guard CapabilityName.known.contains(name) || name == "ALL" else { throw .unknownCapability(name) }
            if name == "ALL" { caps = CapabilityName.known.sorted() } else if !caps.contains(name) { caps.append(name) }
        }
        spec.process.capabilities = .init(uniform: caps)
        // `--security-opt no-new-privileges` can only turn it on (podman's meaning).
        spec.process.noNewPrivileges = profile.noNewPrivileges || options.forceNoNewPrivileges
        switch options.seccompOverride {
        case .unconfined?: spec.linux.seccomp = nil
        case .profile(let filter)?: spec.linux.seccomp = filter
        case nil: spec.linux.seccomp = SeccompRules.spec(for: profile)
        }
        spec.linux.maskedPaths = profile.maskedPaths
        spec.linux.readonlyPaths = profile.readOnlyPaths
        spec.process.rlimits = profile.rlimits.sorted { $0.key < $1.key }.map {
            RuntimeSpec.Rlimit(type: "RLIMIT_" + $0.key.uppercased(), hard: $0.value[1], soft: $0.value[0])
        }
        // --ulimit over the profile's: the last one given for a resource wins.
        for limit in options.ulimits {
            var limits = spec.process.rlimits ?? []
            limits.removeAll { $0.type == limit.type }
            limits.append(limit)
            spec.process.rlimits = limits
        }
        var annotations = spec.annotations ?? [:]
        annotations[DevboxAnnotation.profile] = profile.name
        if profile.readOnlyRoot || options.readOnly { annotations[DevboxAnnotation.readOnlyRoot] = "true" }
        if !profile.nestedUserNamespaces { annotations[DevboxAnnotation.nestedUserNamespaces] = "false" }
        spec.annotations = annotations
        if profile.readOnlyRoot || options.readOnly {
            // Read-only means everything but the project and the volumes asked
            // for writable (the container's home included).
            let writable = Set([project.root] + options.volumes.filter { !$0.readOnly }.map(\.destination)
                + options.tmpfs.map(\.destination) + options.devices.map(\.destination))
            for i in spec.mounts.indices where spec.mounts[i].hasOption("rw") && !writable.contains(spec.mounts[i].destination) {
                spec.mounts[i].options = ["rbind", "ro"]
            }
        }
        if profile.readOnlyProject, let i = spec.mounts.firstIndex(where: { $0.destination == project.root }) {
            spec.mounts[i].options = ["rbind", "ro"]
        }
    }
}
