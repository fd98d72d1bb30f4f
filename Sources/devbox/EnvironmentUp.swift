import Containers
import ImageStore
import OCI
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox up`: the project's environment created or started as its config
/// file says, the lifecycle commands that are due run, and what `exec` and
/// `shell` need to enter it settled in `remote.json`. The environment is
/// the same named container `devbox run` uses in the project (see
/// ProjectEnvironment); `up` marks it to stay until `devbox down`.
enum EnvironmentUp {
    struct Request {
        var dataRoot: String?
        var project: String?
        var configFile: String?
        var logLevel = "warn"
        var removeExisting = false
        /// `up` itself runs initializeCommand every time; an exec's
        /// implicit up only when it has to start the environment.
        var explicit = true
        /// A shell attaches: postAttachCommand is due.
        var attaching = false
        /// `--skip-non-blocking-commands`: stop after the waitFor stage.
        var skipNonBlocking = false
        /// A lifecycle failure: `up` exits 1 (its own job failed); an exec or
        /// a shell 125, so the caller can tell it from the command's 1.
        var failureCode: Int32 { explicit ? ExitStatus.error : ExitStatus.failure }
        /// `up --gui`: the user's display sockets.
        var gui = false
        /// `--allow-project-profile`: accept what the config asks that
        /// weakens the sandbox (ProjectConsent).
        var allowProjectProfile = false
    }

    struct Result {
        var record: ContainerRecord
        var store: ContainerStore
        var template: ExecTemplate
        var settings: RemoteSettings
        var definition: EnvironmentDefinition
        /// This up started the container (it was not running).
        var started = false
    }

    static func up(_ request: Request) -> Result {
        let host = HostFacts.current(dataRoot: request.dataRoot)
        let project: Project
        do { project = try ProjectSelection.resolve(request.project, host: host) } catch {
            fail(error, code: ExitStatus.usage)
        }
        let loaded = ProjectDefinitions.load(project, configFile: request.configFile, host: host)
        let store = ContainerCreation.store(dataRoot: request.dataRoot)
        let current = ProjectDefinitions.stamp(project, definition: loaded)
        var definition = loaded ?? EnvironmentDefinition(format: .devboxToml, file: project.root + "/devbox.toml")
        // The environment runs as the last `up` left it, from config files
        // that have not changed since: an exec has nothing to do; `up` and
        // `shell` run only what is due (initializeCommand, lifecycle stages
        // a failure left undone, postAttach) without planning anything.
        if !request.removeExisting, let running = runningEnvironment(project, store: store, stamp: current),
           !(request.explicit || request.attaching) || LifecycleRunner.createStagesDone(store: store, id: running.0.id, definition: definition) {
            guard request.explicit || request.attaching else {
                return Result(record: running.0, store: store, template: running.1, settings: running.2, definition: definition)
            }
            // The image's metadata may add postAttach or postStart commands.
            let merged = ProjectDefinitions.resolved(definition, project: project, host: host).0
            if request.explicit {
                do { try HostCommand.run(merged.lifecycle[.initializeCommand] ?? [], in: project.root) } catch {
                    fail(error, code: request.failureCode)
                }
            }
            do {
                try LifecycleRunner(store: store, id: running.0.id, template: running.1, settings: running.2, definition: merged)
                    .run(started: false, attaching: request.attaching, stopAfter: request.skipNonBlocking ? merged.waitFor : nil)
            } catch {
                fail(error, code: request.failureCode)
            }
            return Result(record: running.0, store: store, template: running.1, settings: running.2, definition: merged)
        }
        if loaded == nil { definition.updateRemoteUserUID = false }
        let image: ImageRoot?
        (definition, image) = ProjectDefinitions.resolved(definition, project: project, host: host)
        // remoteUser is resolved at each exec; a name the image lacks is
        // the config's error, said once here rather than by every exec.
        if let image, let user = definition.remoteUser, (try? ImageUser.resolve(user, passwd: image.passwd, group: image.group)) == nil {
            fail("\(definition.file): remoteUser \"\(user)\" is not in the image's /etc/passwd; name a user the image has, or a uid")
        }
        if definition.privileged && host.uid != 0 {
            fail("\(definition.file): \"privileged\": devbox runs rootless and cannot give a container every privilege; "
                 + "list the capabilities it needs in capAdd instead")
        }
        for warning in definition.warnings + HostCheck.warnings(definition.hostRequirements, dataDir: host.dataDir) {
            printError("devbox: warning: \(warning)")
        }
        if !definition.forwardPorts.isEmpty {
            printError("devbox: note: forwardPorts \(definition.forwardPorts.joined(separator: ", ")): the environment shares the host's "
                       + "network, so its ports are reachable on localhost already (under --network none they are not reachable at all)")
        }
        let flags = ProjectDefinitions.runFlags(definition, project: project, host: host, image: image, identity: loaded != nil,
                                                allowWeaker: request.allowProjectProfile)
        if !flags.ignored.isEmpty {
            printError("devbox: warning: \(definition.file): runArgs devbox does not take, ignored: \(flags.ignored.joined(separator: " "))")
        }
        var argv = flags.arguments + ["--project", project.root, "--log-level", request.logLevel] + (request.gui ? ["--gui"] : [])
        if let root = request.dataRoot { argv += ["--root", root] }
        if let reference = definition.image { argv.append(reference) }
        // The environment's own process only waits (overrideCommand), or
        // is the image's command; either way `true` stands in for the
        // command a run would give.
        if definition.overrideCommand || image == nil { argv += ["--", "true"] }
        guard let args = RunArguments.parse(argv, requireCommand: false) else {
            fail(ProjectDefinitions.badFlags(flags.arguments, file: definition.file), code: ExitStatus.config)
        }

        // initializeCommand runs on the host on every up that gets here.
        do { try HostCommand.run(definition.lifecycle[.initializeCommand] ?? [], in: project.root) } catch {
            fail(error, code: request.failureCode)
        }
        let planned = RunInvocation.plan(args, runID: "env", applyDefinition: false)
        guard let layout = planned.plan.container else { fail("the project's environment needs a persistent layer; run without --rm") }
        let name = ProjectEnvironment.containerName(layout)
        if request.removeExisting, let record = try? store.find(name) {
            ContainerStop.stop(record, store: store, timeout: 2)
            store.remove(record)
            EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "destroy"))
        }
        let keepCommand = !definition.overrideCommand && image != nil
        let launch = RunInvocation.prepare(planned.plan, host: planned.host, image: planned.image, debugging: planned.debugging)
        var record = ProjectEnvironment.record(name: name, planned: planned, environment: launch, layout: layout, store: store,
                                               idleExit: nil, keepCommand: keepCommand)
        record = labelled(record, project: project, definition: loaded, store: store)
        // `up` itself keeps it until `down` (no idle stop, no shutdownAction).
        guard !request.explicit || FileSystem.writeAtomically(store.keepRunningPath(record.id), contents: "up\n") else {
            fail("cannot write \(store.keepRunningPath(record.id)): \(String(cString: strerror(errno)))")
        }
        let previous = store.remoteSettings(record.id)
        // What the config makes of the environment: its flags and image. A
        // change while it runs (a mount, containerEnv) starts it afresh.
        let definitionKey = SHA256.hex(Array((flags.arguments + [image?.manifestDigest.description ?? "host", String(keepCommand)])
            .joined(separator: "\u{0}").utf8))
        var started = false
        // No remote.json: a `devbox run` started it (with this config, or the
        // settings key says otherwise); joined, not restarted under its user.
        if store.status(record.id).isRunning, let template = ExecTemplate.read(from: store.liveDirectory(record.id)),
           template.settingsKey != ExecTemplate.settingsKey(planned.plan.spec) || (previous.map { $0.definitionKey != definitionKey } ?? false)
            || (keepCommand && template.process.args != planned.plan.spec.process.args) {
            ProjectEnvironment.restartIfUnused(record, store: store, name: name)
            record = ProjectEnvironment.record(name: name, planned: planned, environment: launch, layout: layout, store: store,
                                               idleExit: nil, keepCommand: keepCommand)
        }
        if !store.status(record.id).isRunning {
            ContainerStart.startDetached(record, store: store)
            started = true
        }
        guard let template = ExecTemplate.read(from: store.liveDirectory(record.id)) else {
            fail("the environment \(name) started but cannot be joined; see `devbox logs \(name)`")
        }
        var settings = remoteSettings(definition, project: project, image: image, host: host, template: template, stamp: current)
        settings.templateKey = template.settingsKey ?? ""
        settings.definitionKey = definitionKey
        if definition.userEnvProbe != .none {
            // The probe's answer holds for this container as configured now.
            if let previous, let cached = previous.probedEnvironment, previous.user == settings.user,
               previous.templateKey == settings.templateKey, previous.definitionKey == definitionKey,
               previous.environment == settings.environment {
                settings.probedEnvironment = cached
            } else {
                settings.probedEnvironment = EnvProbe.run(definition.userEnvProbe, settings: settings, template: template)
            }
        }
        do { try store.saveRemoteSettings(settings, of: record.id) } catch { fail(error) }
        ProjectPointer.save(project, id: record.id, dataDir: store.dataDir)
        do {
            try LifecycleRunner(store: store, id: record.id, template: template, settings: settings, definition: definition)
                .run(started: started, attaching: request.attaching, stopAfter: request.skipNonBlocking ? definition.waitFor : nil)
        } catch {
            fail(error, code: request.failureCode)
        }
        return Result(record: record, store: store, template: template, settings: settings, definition: definition, started: started)
    }

    /// The environment as the last `up` left it, if it runs and its config
    /// files have not changed since: an exec needs nothing else.
    static func runningEnvironment(_ project: Project, store: ContainerStore, stamp: String) -> (ContainerRecord, ExecTemplate, RemoteSettings)? {
        guard let id = ProjectPointer.load(project, dataDir: store.dataDir), let settings = store.remoteSettings(id),
              settings.configStamp == stamp, ContainerLock.isHeld(store.aliveLockPath(id)),
              let template = ExecTemplate.read(from: store.liveDirectory(id)),
              // Started as `up` left it, not restarted since with a run's other flags.
              template.settingsKey == settings.templateKey, let record = try? store.record(id) else { return nil }
        return (record, template, settings)
    }

    /// updateRemoteUserUID: rootless, the host user is mapped onto the
    /// remote user's uid/gid, so the workspace it writes stays the host
    /// user's. As root (or for a remote user that is root) nothing changes.
    static func keepIDMapping(_ definition: EnvironmentDefinition, image: ImageRoot?, host: HostFacts) -> (uid: UInt32, gid: UInt32)? {
        guard definition.updateRemoteUserUID, host.uid != 0, let image else { return nil }
        let user = definition.remoteUser ?? definition.containerUser ?? image.config.User
        guard let user, !user.isEmpty, let resolved = try? ImageUser.resolve(user, passwd: image.passwd, group: image.group),
              resolved.uid != 0 else { return nil }
        return (resolved.uid, resolved.gid)
    }

    static func remoteSettings(_ definition: EnvironmentDefinition, project: Project, image: ImageRoot?, host: HostFacts,
                               template: ExecTemplate, stamp: String) -> RemoteSettings {
        let user = definition.remoteUser
        var shell = "/bin/sh"
        if let image {
            let uid = user.flatMap { try? ImageUser.resolve($0, passwd: image.passwd, group: image.group) }?.uid ?? template.process.user.uid
            shell = ImageUser.shell(uid: uid, passwd: image.passwd) ?? shell
        } else {
            shell = host.environment["SHELL"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/bin/sh"
        }
        let containerEnv = Dictionary(template.process.env.map { entry -> (String, String) in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, uniquingKeysWith: { _, last in last })
        let remoteEnv = definition.remoteEnv.map { ProjectDefinitions.resolveContainerEnv($0, containerEnv: containerEnv) }
        return RemoteSettings(projectRoot: project.root, workspaceFolder: definition.workspaceFolder ?? project.root, user: user,
                              shell: shell, environment: remoteEnv, probedEnvironment: nil, configStamp: stamp,
                              displayName: printable(definition.name ?? (ASCII.split(project.root, on: UInt8(ascii: "/")).last ?? "devbox")))
    }

    /// A config's name goes into prompts and messages: no control bytes.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && !(0x7f...0x9f).contains($0.value) }.prefix(64).map(Character.init))
    }

    /// The labels the devcontainers CLI puts on an environment, so tools
    /// that look for them (`--filter label=devcontainer.local_folder=...`) find it.
    static func labelled(_ record: ContainerRecord, project: Project, definition: EnvironmentDefinition?, store: ContainerStore) -> ContainerRecord {
        var record = record
        var labels = record.labels
        labels["devcontainer.local_folder"] = project.root
        if let definition, definition.format == .devcontainer { labels["devcontainer.config_file"] = definition.file }
        guard labels != record.labels else { return record }
        record.labels = labels
        try? store.update(record)
        return record
    }
}

/// `$DATA/projects/<project id>`: the id of the environment `up` made, so
/// an exec finds it without planning anything.
enum ProjectPointer {
    static func path(_ project: Project, dataDir: String) -> String { dataDir + "/projects/" + project.id }

    static func load(_ project: Project, dataDir: String) -> String? {
        FileSystem.read(path(project, dataDir: dataDir), limit: 256).map { $0.filter { !$0.isWhitespace } }
    }

    static func save(_ project: Project, id: String, dataDir: String) {
        guard load(project, dataDir: dataDir) != id, FileSystem.makeDirectories(dataDir + "/projects", mode: 0o700) else { return }
        _ = FileSystem.writeAtomically(path(project, dataDir: dataDir), contents: id + "\n", mode: 0o600)
    }
}
