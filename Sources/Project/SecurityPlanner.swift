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
        do { return try ProfileResolver(searchDirectories: []).resolve("default") } catch {
            throw .profile(error.description)
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
        spec.process.noNewPrivileges = profile.noNewPrivileges
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
        var annotations = spec.annotations ?? [:]
        annotations[DevboxAnnotation.profile] = profile.name
        if profile.readOnlyRoot || options.readOnly { annotations[DevboxAnnotation.readOnlyRoot] = "true" }
        if !profile.nestedUserNamespaces { annotations[DevboxAnnotation.nestedUserNamespaces] = "false" }
        spec.annotations = annotations
        if profile.readOnlyRoot || options.readOnly {
            // Read-only means everything but the project and the volumes asked
            // for writable (the container's home included).
            let writable = Set([project.root] + options.volumes.filter { !$0.readOnly }.map(\.destination))
            for i in spec.mounts.indices where spec.mounts[i].hasOption("rw") && !writable.contains(spec.mounts[i].destination) {
                spec.mounts[i].options = ["rbind", "ro"]
            }
        }
        if profile.readOnlyProject, let i = spec.mounts.firstIndex(where: { $0.destination == project.root }) {
            spec.mounts[i].options = ["rbind", "ro"]
        }
    }
}
