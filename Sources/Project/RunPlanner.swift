import OCI
import Profiles
import Platform

/// The result of planning a run: the runtime spec plus the host directories
/// the caller prepares before launching and cleans up after.
public struct RunPlan: Equatable, Sendable {
    public var spec: RuntimeSpec
    /// The project's persistent environment; nil for a throwaway run.
    public var container: ContainerLayout?
    /// This run's overlay work directories (and, for `--rm` where tmpfs
    /// cannot hold the layer, its upper layer too), removed when it ends.
    public var runWorkDir: String?
    /// Said under `--log-level debug`.
    public var notes: [String]
    /// Identity needs newuidmap/newgidmap.
    public var needsMapHelpers: Bool
}

public enum RunPlanner {
    /// Plans `devbox run` on the built-in host image. Pure: everything it
    /// knows about the machine comes in through `host`.
    public static func plan(_ requested: RunOptions, project: Project, host: HostFacts, runID: String) throws(PlanError) -> RunPlan {
        let (options, profile) = try SecurityPlanner.prepare(requested)
        var plan: RunPlan
        if let image = options.image {
            plan = try ImageRunPlanner.plan(options, image: image, project: project, host: host, runID: runID)
        } else {
            plan = try planHost(options, project: project, host: host, runID: runID,
                                readOnlyRoot: profile.readOnlyRoot || options.readOnly)
        }
        try SecurityPlanner.apply(profile, options: options, project: project, to: &plan.spec)
        return plan
    }

    static func planHost(_ options: RunOptions, project: Project, host: HostFacts, runID: String,
                         readOnlyRoot: Bool = false) throws(PlanError) -> RunPlan {
        guard !options.command.isEmpty else { throw .emptyCommand }
        if let dir = options.workdir, !dir.hasPrefix("/") { throw .relativeWorkdir(dir) }
        let hostname = options.hostname ?? host.hostname
        guard isValidHostname(hostname) else { throw .badHostname(hostname) }

        var identity = IdentityPlanner.plan(mode: options.userns, host: host)
        let place = "the host's /etc/passwd and /etc/group"
        var home = host.home
        if let user = try RunExtras.user(options, passwd: options.hostPasswd, group: options.hostGroup, place: place) {
            identity.uid = user.uid
            identity.gid = user.gid
            if user.home != "/" { home = user.home }
        }
        let groups = try RunExtras.additionalGids(options, group: options.hostGroup, place: place)
        try RunExtras.checkMapped([identity.uid], in: identity.uidMappings)
        try RunExtras.checkMapped([identity.gid] + (groups ?? []), in: identity.gidMappings)
        let layers = LayerPlacement.plan(remove: options.remove, host: host, runID: runID, driver: options.storageDriver) {
            options.containerDirectory.map(ContainerLayout.init(directory:)) ?? ContainerLayout(dataDir: host.dataDir, project: project)
        }
        let container = layers.container

        // The root itself: a tmpfs per run holding only mountpoints and
        // symlinks, the host's directories overlaid on it one by one.
        var mounts: [RuntimeSpec.Mount] = [.init(destination: "/", type: "tmpfs", source: "tmpfs", options: ["mode=0755"])]
        // An overlaid directory shows its upper layer's owner, devbox's user
        // (the skeleton's too): so does the tmpfs standing in for one.
        var emptyAsDirectory: (uid: UInt32, gid: UInt32)?
        if layers.inMemory, let uid = IdentityPlanner.inside(host.uid, identity.uidMappings), let gid = IdentityPlanner.inside(host.gid, identity.gidMappings) {
            emptyAsDirectory = (uid, gid)
        }
        mounts += HostRootLayout.mounts(entries: host.rootEntries, mountPoints: host.mountPoints,
                                        dataDir: host.dataDir, skeleton: host.hostSkeleton, emptyAsDirectory: emptyAsDirectory)
        // A read-only root is remounted so at the end: /tmp must stay a mount.
        mounts += HostRootLayout.systemMounts(ownNetwork: options.network == .none, inRootTmpfs: !readOnlyRoot)
        mounts += hostFiles(host, options: options)
        mounts.append(homeMount(options: options, host: host, container: container, identity: identity))
        mounts += projectMounts(options, project: project)
        mounts += RunExtras.mounts(options)
        RunExtras.applyShmSize(options, to: &mounts)
        let namespaces = self.namespaces(options)

        let env = EnvironmentPlanner.plan(host: host.environment, home: home, hostname: hostname, tty: options.tty,
                                          additions: RunExtras.hostEnvironment(options, host: host) + options.environment)
        let process = RuntimeSpec.Process(
            terminal: options.tty,
            user: .init(uid: identity.uid, gid: identity.gid, additionalGids: groups),
            args: RunExtras.arguments(options, entrypoint: nil, cmd: nil),
            env: env,
            cwd: options.workdir ?? host.cwd,
            capabilities: .init(uniform: DefaultCapabilities.docker),
            noNewPrivileges: true)

        // Rootless under FUSE, the host's root-owned files are unmapped
        // (nobody): shown as the container's root, apt and dpkg can change
        // them (in the writable layer; the host's files stay as they are).
        layers.attach(to: &mounts, fuse: options.storageDriver == .fuse, squashToRoot: host.uid != 0)
        let ours = [DevboxAnnotation.network: options.network.rawValue]
        let annotations = RunExtras.annotations(options).merging(ours) { _, ours in ours }
        let spec = RuntimeSpec(
            process: process,
            root: .init(path: "/", readonly: true),
            hostname: hostname,
            mounts: mounts,
            linux: .init(namespaces: namespaces, uidMappings: identity.uidMappings, gidMappings: identity.gidMappings),
            annotations: annotations)
        return RunPlan(spec: spec, container: container, runWorkDir: layers.runDirectory, notes: identity.notes,
                       needsMapHelpers: identity.needsHelpers)
    }

    /// The host's resolver configuration and hosts file, read-only.
    /// With --dns the resolv.conf mount is SetupCompiler's generated file
    /// (the annotation), whether or not the host has one.
    static func hostFiles(_ host: HostFacts, options: RunOptions) -> [RuntimeSpec.Mount] {
        var mounts: [RuntimeSpec.Mount] = []
        if !options.dnsServers.isEmpty {
            mounts.append(.init(destination: "/etc/resolv.conf", type: "bind", source: host.resolvConf ?? "/etc/resolv.conf",
                                options: ["rbind", "ro"]))
        } else if let resolv = host.resolvConf {
            mounts.append(.init(destination: "/etc/resolv.conf", type: "bind", source: resolv, options: ["rbind", "ro"]))
        }
        mounts.append(.init(destination: "/etc/hosts", type: "bind", source: "/etc/hosts", options: ["rbind", "ro"]))
        return mounts
    }

    /// The project at its own path, then the user's volumes.
    static func projectMounts(_ options: RunOptions, project: Project) -> [RuntimeSpec.Mount] {
        [.init(destination: project.root, type: "bind", source: project.root, options: ["rbind", "rw"])]
            + options.volumes.map {
                .init(destination: $0.destination, type: "bind", source: $0.source, options: ["rbind", $0.readOnly ? "ro" : "rw"])
            }
    }

    static func namespaces(_ options: RunOptions) -> [RuntimeSpec.Namespace] {
        var namespaces: [RuntimeSpec.Namespace] = [.init(.user), .init(.mount), .init(.pid), .init(.uts), .init(.ipc)]
        if options.network == .none { namespaces.append(.init(.network)) }
        return namespaces
    }

    static func homeMount(options: RunOptions, host: HostFacts, container: ContainerLayout?, identity: Identity) -> RuntimeSpec.Mount {
        if options.home == .host {
            return .init(destination: host.home, type: "bind", source: host.home, options: ["rbind", "rw"])
        }
        if let container {
            return .init(destination: host.home, type: "bind", source: container.home, options: ["rbind", "rw"])
        }
        // Below a directory the root's tmpfs holds itself (/home, /root): a
        // directory of it (DirectoryMount). Anywhere else (a system user's
        // home in /var) a tmpfs, which hides what the overlay would show.
        if let (top, _) = HostRootLayout.topComponent(host.home), HostRootLayout.replaced.contains(top) {
            return DirectoryMount.mount(host.home, mode: 0o700, uid: identity.uid, gid: identity.gid)
        }
        return .init(destination: host.home, type: "tmpfs", source: "tmpfs",
                     options: ["nosuid", "nodev", "mode=700", "uid=\(identity.uid)", "gid=\(identity.gid)"])
    }

    static func isValidHostname(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}
