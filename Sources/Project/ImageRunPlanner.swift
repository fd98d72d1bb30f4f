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
        let args = RunExtras.arguments(options, entrypoint: config.Entrypoint, cmd: config.Cmd)
        guard !args.isEmpty else { throw .noImageCommand(image.reference) }
        var identity = IdentityPlanner.plan(mode: options.userns, host: host)
        var user = try ImageUser.resolve(config.User, passwd: image.passwd, group: image.group)
        if options.userns == .root && config.User != nil && !(config.User ?? "").isEmpty {
            identity.uid = user.uid
            identity.gid = user.gid
        }
        let place = "the image's /etc/passwd and /etc/group"
        if let given = try RunExtras.user(options, passwd: image.passwd, group: image.group, place: place) {
            user = given
            identity.uid = given.uid
            identity.gid = given.gid
        }
        let groups = try RunExtras.additionalGids(options, group: image.group, place: place)
        try RunExtras.checkMapped([identity.uid], in: identity.uidMappings)
        try RunExtras.checkMapped([identity.gid] + (groups ?? []), in: identity.gidMappings)

        let layers = LayerPlacement.plan(remove: options.remove, host: host, runID: runID, driver: options.storageDriver) {
            options.containerDirectory.map(ContainerLayout.init(directory:)) ?? ContainerLayout(dataDir: host.dataDir, project: project, image: image)
        }
        let container = layers.container
        // The root: the image's layers under the container's upper layer,
        // an ordinary overlay mount at `/` (the copy driver: root.path).
        var mounts: [RuntimeSpec.Mount] = []
        if options.storageDriver != .copy {
            mounts.append(.init(destination: "/", type: "overlay", source: "overlay",
                                options: ["lowerdir=" + image.layers.concatenated(separator: ":")]))
        }
        mounts += HostRootLayout.systemMounts(ownNetwork: options.network == .none) + RunPlanner.hostFiles(host, options: options) + RunPlanner.projectMounts(options, project: project)
        mounts += RunExtras.mounts(options)
        RunExtras.applyShmSize(options, to: &mounts)
        let namespaces = RunPlanner.namespaces(options)

        // The image's Env first (its PATH wins over the host's), then ours.
        var hostEnv = host.environment
        hostEnv["PATH"] = nil
        var additions = (config.Env ?? []) + RunExtras.hostEnvironment(options, host: host)
        additions.append("HOME=\(user.home)")
        additions += options.environment
        let env = EnvironmentPlanner.plan(host: hostEnv, home: user.home, hostname: hostname, tty: options.tty,
                                          additions: additions)
        let cwd = options.workdir
            ?? (options.command.isEmpty ? config.WorkingDir.flatMap { $0.isEmpty ? nil : $0 } : nil)
            ?? host.cwd
        let process = RuntimeSpec.Process(
            terminal: options.tty, user: .init(uid: identity.uid, gid: identity.gid, additionalGids: groups), args: args, env: env, cwd: cwd,
            capabilities: .init(uniform: DefaultCapabilities.docker), noNewPrivileges: true)
        var ours = [
            DevboxAnnotation.image: image.reference,
            DevboxAnnotation.network: options.network.rawValue,
        ]
        var rootPath = image.layers.first ?? "/"
        if options.storageDriver == .copy {
            // A root directory of the container's own, the image's layers
            // copied into it once (RunInvocation.prepare); no overlay.
            rootPath = (container?.directory ?? layers.runDirectory ?? layers.upper) + "/rootfs"
            ours[DevboxAnnotation.rootKind] = DevboxAnnotation.copiedRoot
            ours[DevboxAnnotation.lowerDirs] = image.layers.concatenated(separator: ":")
        } else {
            layers.attach(to: &mounts, fuse: options.storageDriver == .fuse, squashToRoot: false)
        }
        let annotations = RunExtras.annotations(options).merging(ours) { _, ours in ours }
        let spec = RuntimeSpec(
            process: process, root: .init(path: rootPath, readonly: false), hostname: hostname,
            mounts: mounts,
            linux: .init(namespaces: namespaces, uidMappings: identity.uidMappings, gidMappings: identity.gidMappings),
            annotations: annotations)
        return RunPlan(spec: spec, container: container, runWorkDir: layers.runDirectory, notes: identity.notes,
                       needsMapHelpers: identity.needsHelpers)
    }
}
