import OCI
import Platform

/// Plans `devbox run IMAGE`: the image's layers under a per-project upper
/// layer, its configuration honoured, the project bound at its host path.
enum ImageRunPlanner {
    static func plan(_ options: RunOptions, image: ImageRoot, project: Project, host: HostFacts,
                     runID: String) throws(PlanError) -> RunPlan {
        if let dir = options.workdir, !dir.hasPrefix("/") { throw .relativeWorkdir(dir) }
        let hostname = options.hostname ?? host.hostname
        guard RunPlanner.isValidHostname(hostname) else { throw .badHostname(hostname) }
        let config = image.config
        let args: [String]
        if options.command.isEmpty {
            args = (config.Entrypoint ?? []) + (config.Cmd ?? [])
            guard !args.isEmpty else { throw .noImageCommand(image.reference) }
        } else {
            args = (config.Entrypoint ?? []) + options.command
        }
        var identity = IdentityPlanner.plan(mode: options.userns, host: host)
        let user = try ImageUser.resolve(config.User, passwd: image.passwd, group: image.group)
        if options.userns == .root && config.User != nil && !(config.User ?? "").isEmpty {
            identity.uid = user.uid
            identity.gid = user.gid
        }
        for (id, maps) in [(identity.uid, identity.uidMappings), (identity.gid, identity.gidMappings)]
        where !maps.contains(where: { id >= $0.containerID && UInt64(id) < UInt64($0.containerID) + UInt64($0.size) }) {
            throw .unmappedUser(id)
        }

        let layers = LayerPlacement.plan(remove: options.remove, host: host, runID: runID) {
            options.containerDirectory.map(ContainerLayout.init(directory:)) ?? ContainerLayout(dataDir: host.dataDir, project: project, image: image)
        }
        let container = layers.container
        let mounts = HostRootLayout.systemMounts() + RunPlanner.hostFiles(host) + RunPlanner.projectMounts(options, project: project)
        let namespaces = RunPlanner.namespaces(options)

        // The image's Env first (its PATH wins over the host's), then ours.
        var hostEnv = host.environment
        hostEnv["PATH"] = nil
        var additions = config.Env ?? []
        additions.append("HOME=\(user.home)")
        additions += options.environment
        let env = EnvironmentPlanner.plan(host: hostEnv, home: user.home, hostname: hostname, tty: options.tty,
                                          additions: additions)
        let cwd = options.workdir
            ?? (options.command.isEmpty ? config.WorkingDir.flatMap { $0.isEmpty ? nil : $0 } : nil)
            ?? host.cwd
        let process = RuntimeSpec.Process(
            terminal: options.tty, user: .init(uid: identity.uid, gid: identity.gid), args: args, env: env, cwd: cwd,
            capabilities: .init(uniform: DefaultCapabilities.docker), noNewPrivileges: true)
        let annotations = [
            DevboxAnnotation.rootKind: "image",
            DevboxAnnotation.image: image.reference,
            DevboxAnnotation.lowerDirs: image.layers.concatenated(separator: ":"),
            DevboxAnnotation.upperDir: layers.upper,
            DevboxAnnotation.workDir: layers.work,
            DevboxAnnotation.network: options.network.rawValue,
        ]
        let spec = RuntimeSpec(
            process: process, root: .init(path: image.layers.first ?? "/", readonly: false), hostname: hostname,
            mounts: mounts,
            linux: .init(namespaces: namespaces, uidMappings: identity.uidMappings, gidMappings: identity.gidMappings),
            annotations: annotations)
        return RunPlan(spec: spec, container: container, runWorkDir: layers.runDirectory, notes: identity.notes,
                       needsMapHelpers: identity.needsHelpers)
    }
}
