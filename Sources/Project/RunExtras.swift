import OCI
import Platform

/// The podman flags both planners honour the same way: who the process
/// is (-u, --group-add), extra mounts (--tmpfs, --device, --shm-size), the
/// generated resolv.conf and hosts lines, --env-host. Pure.
enum RunExtras {
    /// `-u USER[:GROUP]` against the account files of the root being run;
    /// nil when not given. `place` names those files in errors.
    static func user(_ options: RunOptions, passwd: String?, group: String?, place: String) throws(PlanError) -> ImageUser.Resolved? {
        guard let spec = options.user else { return nil }
        guard !spec.isEmpty, !spec.hasPrefix(":"), !spec.hasSuffix(":") else { throw .badUser(spec) }
        do {
            return try ImageUser.resolve(spec, passwd: passwd, group: group)
        } catch {
            if case .unknownImageUser(let name) = error { throw .unknownUser(name, where: place) }
            throw error
        }
    }

    /// `--group-add` names or gids, as process.user.additionalGids.
    static func additionalGids(_ options: RunOptions, group: String?, place: String) throws(PlanError) -> [UInt32]? {
        guard !options.groupAdd.isEmpty else { return nil }
        var gids: [UInt32] = []
        for name in options.groupAdd {
            if let gid = UInt32(name) {
                gids.append(gid)
            } else if let entry = ImageUser.accounts(group).first(where: { $0.name == name }) {
                gids.append(entry.uid)
            } else {
                throw .unknownUser(name, where: place)
            }
        }
        return gids
    }

    /// Every id the process runs with must be mapped, or setresuid and
    /// setgroups fail inside with EINVAL, long after the cause.
    static func checkMapped(_ ids: [UInt32], in maps: [RuntimeSpec.IDMapping]) throws(PlanError) {
        for id in ids where !maps.contains(where: { id >= $0.containerID && UInt64(id) < UInt64($0.containerID) + UInt64($0.size) }) {
            throw .unmappedUser(id)
        }
    }

    /// --tmpfs and tmpfs --mounts, then --device binds.
    static func mounts(_ options: RunOptions) -> [RuntimeSpec.Mount] {
        // "rw" keeps a tmpfs writable under --read-only, as podman does.
        options.tmpfs.map {
            .init(destination: $0.destination, type: "tmpfs", source: "tmpfs",
                  options: $0.options.contains("ro") ? $0.options : $0.options.filter { $0 != "rw" } + ["rw"])
        }
            + options.devices.map {
                .init(destination: $0.destination, type: "bind", source: $0.source, options: ["rbind", $0.readOnly ? "ro" : "rw"])
            }
    }

    /// `--shm-size` replaces /dev/shm's size; its nosuid,nodev,noexec stay.
    static func applyShmSize(_ options: RunOptions, to mounts: inout [RuntimeSpec.Mount]) {
        guard let size = options.shmSize, let i = mounts.firstIndex(where: { $0.destination == "/dev/shm" }) else { return }
        mounts[i].options = (mounts[i].options ?? []).filter { !$0.hasPrefix("size=") } + ["size=\(size)"]
    }

    /// What the spec carries for SetupCompiler and the launcher: the
    /// generated resolv.conf, the extra hosts lines, the labels.
    static func annotations(_ options: RunOptions) -> [String: String] {
        var annotations: [String: String] = [:]
        if !options.dnsServers.isEmpty {
            annotations[DevboxAnnotation.resolvConf] = options.dnsServers.map { "nameserver " + $0 + "\n" }.concatenated()
        }
        if !options.extraHosts.isEmpty {
            annotations[DevboxAnnotation.extraHosts] = options.extraHosts.map { $0 + "\n" }.concatenated()
        }
        for (key, value) in options.labels { annotations[DevboxAnnotation.labelPrefix + key] = value }
        return annotations
    }

    /// `--env-host`: the host's variables, sorted, before everything else
    /// the run sets (so the image's, the profile's and -e still win).
    static func hostEnvironment(_ options: RunOptions, host: HostFacts) -> [String] {
        guard options.envHost else { return [] }
        return host.environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value }
    }

    /// The process arguments: `--entrypoint` (nil: the image's) before the
    /// command (empty: the image's Cmd, unless the entrypoint was replaced,
    /// which drops Cmd as docker and podman do).
    static func arguments(_ options: RunOptions, entrypoint: [String]?, cmd: [String]?) -> [String] {
        let entry = options.entrypoint ?? entrypoint ?? []
        if !options.command.isEmpty { return entry + options.command }
        return entry + (options.entrypoint == nil ? cmd ?? [] : [])
    }
}
