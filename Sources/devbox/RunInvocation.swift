import FoundationEssentials
import ImageStore
import OCI
import Platform
import Profiles
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// What `devbox run` does once its arguments are known, however they were
/// parsed (see RunArguments for why there are two parsers).
enum RunInvocation {
    /// A run planned: what `run`, `run -d` and `create` share.
    struct Planned {
        var host: HostFacts
        var project: Project
        var image: ImageRoot?
        var plan: RunPlan
        var debugging: Bool
        /// Named volumes the run mounts.
        var volumeNames: [String] = []
        var anonymousVolumes: [String] = []
    }

    static func execute(_ given: RunArguments) -> Never {
        var args = given
        // `devbox run test`: a task of the project's, when no `--` follows
        // (an explicit `--` always means a command).
        if args.command.isEmpty, let word = args.image, let task = task(named: word, args) {
            args.image = nil
            args.command = ["/bin/sh", "-c", task.command]
        }
        if args.detach || args.name != nil, !args.printSpec {
            ContainerCreation.run(args)
        }
        let planned = plan(args, runID: String(getpid()))
        if args.printSpec {
            do {
                print(try jsonText(planned.plan.spec))
            } catch {
                fail("cannot encode the spec: \(error)")
            }
            exit(0)
        }
        if let layout = planned.plan.container {
            ProjectEnvironment.run(planned, args: args, layout: layout)
        }
        let plan = planned.plan, host = planned.host
        var environment = prepare(plan, host: host, image: planned.image, debugging: planned.debugging)
        environment.preserveFDs = args.preserveFDs
        // What is removed after the run must be out of use first.
        let removesAfter = plan.runWorkDir != nil || (args.remove && !planned.anonymousVolumes.isEmpty)
        environment.returnBeforeTeardown = !removesAfter
        let status: Int32
        do {
            status = try Launcher.run(plan.spec, environment: environment)
        } catch {
            if let work = plan.runWorkDir { ThrowawayLayers.remove(work, host: host) }
            fail(error)
        }
        if let work = plan.runWorkDir { ThrowawayLayers.remove(work, host: host) }
        if args.remove { RunMounts.removeAnonymousVolumes(planned.anonymousVolumes, host: host) }
        exit(status)
    }

    static func task(named name: String, _ args: RunArguments) -> EnvironmentDefinition.Task? {
        let host = HostFacts.current(dataRoot: args.dataRoot)
        guard let project = try? ProjectSelection.resolve(args.project, host: host),
              let definition = ProjectDefinitions.load(project, configFile: args.configFile, host: host) else { return nil }
        return definition.tasks.first { $0.name == name }
    }

    /// Flags, project, image and profile to a spec; exits on any error.
    /// `containerDirectory`: a named container's own layer and home.
    /// `applyDefinition`: a run without an image takes the project's
    /// definition (devbox.toml, devcontainer.json) under its own flags;
    /// `up` has applied it already.
    static func plan(_ given: RunArguments, runID: String, containerDirectory: String? = nil, applyDefinition: Bool = true,
                     command: RunFlag.Commands = .run) -> Planned {
        var args = given
        var host = HostFacts.current(dataRoot: args.dataRoot)
        if args.remove { host.tmpfsHoldsLayers = TmpfsLayerSupport.holdsOverlayLayers(runtimeDir: host.runtimeDir) }
        let project: Project
        do { project = try ProjectSelection.resolve(args.project, host: host) } catch {
            fail(error, code: ExitStatus.usage)
        }
        // A broken file is reported on every run, with an image or without.
        let definition = ProjectDefinitions.load(project, configFile: args.configFile, host: host)
        var definitionImage: ImageRoot?
        if applyDefinition, args.image == nil, let definition {
            (args, definitionImage) = ProjectDefinitions.applied(definition, to: args, project: project, host: host, for: command)
            if definition.privileged && host.uid != 0 {
                fail("\(definition.file): \"privileged\": devbox runs rootless and cannot give a container every privilege; "
                     + "list the capabilities it needs in capAdd instead")
            }
        }
        let debugging = args.logLevel == "debug"
        // Every flag and file the user can get wrong is checked before an
        // image is pulled or a layer built: a usage error costs nothing.
        var options: RunOptions
        do { options = try makeOptions(args, host: host, project: project) } catch {
            fail(error, code: error.isUsageError ? ExitStatus.usage : ExitStatus.failure)
        }
        options.containerDirectory = containerDirectory
        var image = definitionImage ?? ImageSelection.resolve(args.image, pull: args.pull, project: project, host: host,
                                                              definition: applyDefinition ? definition : nil)
        options.storageDriver = StorageSelection.driver(args.storageDriver, host: host, debugging: debugging,
                                                        hostImage: image == nil, persistent: !options.remove)
        // The FUSE driver maps owners in its view; kernel overlay and copy
        // need the layers copied for a keep-id mapping.
        if let root = image, options.storageDriver != .fuse { image = mappedLayers(root, mode: options.userns, host: host) }
        options.image = image
        if image == nil && options.storageDriver == .copy {
            fail("the copy storage driver copies an image's layers, and this run has none (the host image needs overlay or fuse); "
                 + "name an image, or use --storage-driver overlay or fuse", code: ExitStatus.usage)
        }
        if host.uid != 0 && image == nil {
            let facts = host
            do {
                host.hostSkeleton = try HostSkeleton.prepare(dataDir: host.dataDir) {
                    HostRootLayout.overlaid(entries: facts.rootEntries, mountPoints: facts.mountPoints, dataDir: facts.dataDir)
                }
            } catch {
                fail(error)
            }
        }
        let plan: RunPlan
        do {
            plan = try RunPlanner.plan(options, project: project, host: host, runID: runID)
        } catch {
            fail(error, code: error.isUsageError ? ExitStatus.usage : ExitStatus.failure)
        }
        for note in plan.notes { debug(debugging, note) }
        if plan.spec.annotations?[DevboxAnnotation.profile] == "build", host.uid != 0, !plan.needsMapHelpers {
            printError("devbox: warning: no subordinate id range for you: package managers that switch users (apt's _apt, dnf) will fail; add one (see `devbox doctor`)")
        }
        debug(debugging, "project \(project.root) (id \(project.id))")
        return Planned(host: host, project: project, image: image, plan: plan, debugging: debugging, volumeNames: options.volumeNames,
                       anonymousVolumes: options.anonymousVolumes)
    }

    /// The copy driver's root, made from the image's layers the first time
    /// (docs/STORAGE.md says what that costs).
    static func materializeRoot(_ spec: RuntimeSpec, host: HostFacts) {
        let root = spec.root.path
        guard !FileSystem.isDirectory(root) else { return }
        let layers = ASCII.split(spec.annotations?[DevboxAnnotation.lowerDirs] ?? "", on: UInt8(ascii: ":"))
        printError("devbox: copying the image's layers into the container's root (the copy storage driver; once per container)")
        do {
            try CopiedRoot.materialize(layers, into: root, userNamespace: host.uid == 0 ? nil : StoreAccess.userNamespace(host: host))
        } catch {
            fail(error)
        }
    }

    /// Rootless keep-id onto another uid: the image's layers as copies
    /// whose owners read as the image says under that map (MappedLayers).
    static func mappedLayers(_ image: ImageRoot, mode: RunOptions.UserNamespaceMode, host: HostFacts) -> ImageRoot {
        guard host.uid != 0, case .keepID(let uid, let gid) = mode, IdentityPlanner.plan(mode: mode, host: host).needsHelpers else {
            return image
        }
        let shift = MappedLayers.Shift(uid: uid ?? host.uid, gid: gid ?? host.gid)
        guard !shift.isIdentity else { return image }
        var mapped = image
        let layout = ImageStore(root: host.dataDir).layout
        if image.layers.contains(where: { !FileSystem.isDirectory(MappedLayers.root(layout) + "/u\(shift.uid)-g\(shift.gid)/" + ($0.split(separator: "/").last.map(String.init) ?? "")) }) {
            printError("devbox: copying the image's layers for your uid mapping (once per image and mapping)")
        }
        do {
            mapped.layers = try MappedLayers.directories(image.layers, shift: shift, layout: layout,
                                                         userNamespace: StoreAccess.userNamespace(host: host))
        } catch {
            fail(error)
        }
        return mapped
    }

    private static func makeOptions(_ args: RunArguments, host: HostFacts, project: Project) throws(PlanError) -> RunOptions {
        var options = RunOptions()
        options.command = args.command
        options.tty = args.tty
        options.interactive = args.interactive
        options.remove = args.remove
        options.network = args.network
        options.networkGiven = args.networkGiven
        options.capAdd = args.capAdd
        options.capDrop = args.capDrop
        options.readOnly = args.readOnly
        try SecurityPlanner.applySecurityOptions(args.securityOpt, to: &options) { FileSystem.readBytes($0, limit: 16 << 20) }
        let resolver = ProfileResolver.standard(environment: host.environment, home: host.home, project: project.root,
                                                allowWeakerProjectProfiles: args.allowProjectProfile)
        do {
            let resolved = try resolver.resolveWithOrigin(args.profile ?? "default")
            options.profile = resolved.profile
            for note in resolved.weakenings { printError("devbox: warning: \(note) (allowed by --allow-project-profile)") }
        } catch {
            throw .profile(error.description)
        }
        if options.profile?.name == "unconfined" {
            printError("devbox: warning: profile 'unconfined' keeps only the namespaces: every capability inside, nothing masked")
        } else if options.profile?.noNewPrivileges == false && !options.forceNoNewPrivileges {
            printError("devbox: warning: profile '\(options.profile?.name ?? "")' turns no_new_privileges off: setuid programs inside can gain privileges")
        }
        options.home = args.home
        options.workdir = args.workdir
        options.hostname = args.hostname
        options.userns = try RunFlagValues.userns(args.userns)
        var volumes = args.volumes
        if args.gui {
            let gui = try GUISockets.share(host.environment)
            volumes += gui.volumes
            options.environment += gui.environment
        }
        let requests = try volumes.map(RunFlagValues.volume) + args.mounts.map(RunFlagValues.mount)
        for request in requests {
            try RunMounts.add(request, to: &options, host: host)
        }
        options.tmpfs += try args.tmpfs.map(RunFlagValues.tmpfs)
        for text in args.devices {
            options.devices.append(try RunMounts.device(try RunFlagValues.device(text)))
        }
        options.extraHosts = try args.addHosts.map(RunFlagValues.hostsLine)
        options.dnsServers = try args.dns.map(RunFlagValues.nameServer)
        options.ulimits = try args.ulimits.map(RunFlagValues.ulimit)
        if let text = args.shmSize {
            guard let size = RunFlagValues.size(text), size > 0 else { throw .badShmSize(text) }
            options.shmSize = size
        }
        for text in args.labels {
            let label = try RunFlagValues.label(text)
            options.labels[label.key] = label.value
        }
        options.user = args.user
        options.groupAdd = args.groupAdd
        if args.user != nil || !args.groupAdd.isEmpty {
            // Only an image run has its own account files; these are the host image's.
            options.hostPasswd = FileSystem.read("/etc/passwd", limit: 16 << 20)
            options.hostGroup = FileSystem.read("/etc/group", limit: 16 << 20)
        }
        options.entrypoint = args.entrypoint.map(RunFlagValues.entrypoint)
        options.pull = args.pull
        options.envHost = args.envHost
        options.name = args.name
        options.detach = args.detach
        options.stopSignal = args.stopSignal
        options.stopTimeout = args.stopTimeout
        for file in args.envFiles {
            guard let text = FileSystem.read(file, limit: Int.max) else { throw .unreadableEnvFile(file) }
            options.environment += try EnvironmentPlanner.parseEnvFile(text, file: file)
        }
        try EnvironmentPlanner.validate(args.env, source: "-e")
        options.environment += args.env
        return options
    }

    /// Creates the host directories the plan names and returns how to launch.
    static func prepare(_ plan: RunPlan, host: HostFacts, image: ImageRoot?, debugging: Bool) -> LaunchEnvironment {
        if let container = plan.container {
            for dir in [container.upper, container.home, container.work] where !FileSystem.makeDirectories(dir, mode: 0o700) {
                fail("cannot create \(dir): \(String(cString: strerror(errno))); check that \(host.dataDir) is writable")
            }
            StaleRuns.remove(in: container.work)
            if let image {
                _ = FileSystem.writeAtomically(container.imageRecord, contents: image.manifestDigest.description + "\n")
            }
        }
        if let work = plan.runWorkDir, plan.container == nil {
            ThrowawayLayers.claim(work, host: host)
        } else if let work = plan.runWorkDir, !FileSystem.makeDirectories(work, mode: 0o700) {
            fail("cannot create \(work): \(String(cString: strerror(errno)))")
        }
        if plan.spec.annotations?[DevboxAnnotation.rootKind] == DevboxAnnotation.copiedRoot {
            materializeRoot(plan.spec, host: host)
        }
        var helpers: (uid: String, gid: String)?
        if plan.needsMapHelpers, let uidHelper = host.newuidmap, let gidHelper = host.newgidmap {
            helpers = (uidHelper, gidHelper)
        }
        let hosts = SetupCompiler.hostsFile(hostContents: FileSystem.read("/etc/hosts") ?? "127.0.0.1\tlocalhost\n",
                                            hostname: plan.spec.hostname ?? host.hostname,
                                            extra: plan.spec.annotations?[DevboxAnnotation.extraHosts] ?? "")
        var environment = LaunchEnvironment(mapHelpers: helpers, hostsFile: hosts, debug: debugging, forwardStdin: true,
                                            runtimeDir: host.runtimeDir)
        environment.seccompCache = SeccompCache.standard(environment: host.environment, home: host.home)
        environment.storeUserNamespaceFD = StoreAccess.fuseNamespace(for: plan.spec, host: host)
        return environment
    }
}
