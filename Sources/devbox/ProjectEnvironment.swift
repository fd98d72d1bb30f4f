import Containers
import OCI
import Platform
import Project
import Sandbox
#if canImport(Glibc)
import Glibc
#endif

/// The environment `devbox run` uses in a project (its persistent layer) is
/// a named container: `devbox ps -a` lists it with the project's path, and
/// `devbox rm` of it resets the environment. While one run has it running,
/// another `devbox run` in the project joins it (an exec) rather than
/// mounting the same upper layer a second time, which overlayfs calls
/// undefined behaviour. A joined run ends with the run that started the
/// environment (they share its PID namespace); `--rm` runs stay separate.
enum ProjectEnvironment {
    /// Runs `planned` in the project's environment; never returns.
    static func run(_ planned: RunInvocation.Planned, args: RunArguments, layout: ContainerLayout) -> Never {
        let store = ContainerStore(dataDir: planned.host.dataDir, runtimeDir: planned.host.runtimeDir)
        let name = containerName(layout)
        if let id = try? store.id(of: name) {
            if let template = ExecTemplate.read(from: store.liveDirectory(id)), ContainerLock.isHeld(store.aliveLockPath(id)) {
                join(planned, args: args, template: template, name: name)
            }
        }
        var environment = RunInvocation.prepare(planned.plan, host: planned.host, image: planned.image, debugging: planned.debugging)
        environment.preserveFDs = args.preserveFDs
        let record = self.record(name: name, planned: planned, environment: environment, layout: layout, store: store)
        let status = Supervisor.supervise(record, store: store, report: nil, detached: false, environment: environment) { reason in
            // Another run started it meanwhile: join that one.
            if let template = ExecTemplate.read(from: store.liveDirectory(record.id)) {
                join(planned, args: args, template: template, name: name)
            }
            fail(reason)
        }
        if let work = planned.plan.runWorkDir { ThrowawayLayers.remove(work, host: planned.host) }
        exit(status)
    }

    /// The project's layout directory name (project id, plus the image's
    /// digest for an image), made a valid container name.
    static func containerName(_ layout: ContainerLayout) -> String {
        let base = ASCII.split(layout.directory, on: UInt8(ascii: "/")).last ?? "env"
        return ContainerStore.isValidName(base) ? base : "env-" + base
    }

    /// The stored record, made on the first run and refreshed when this
    /// run's spec differs (another command, other flags).
    static func record(name: String, planned: RunInvocation.Planned, environment: LaunchEnvironment, layout: ContainerLayout,
                       store: ContainerStore) -> ContainerRecord {
        let launch = LaunchSettings(uidHelper: environment.mapHelpers?.uid, gidHelper: environment.mapHelpers?.gid,
                                    hostsFile: environment.hostsFile, directories: [layout.upper, layout.home, layout.work],
                                    workDir: planned.plan.runWorkDir, ownedDirectory: layout.directory)
        if let id = try? store.id(of: name), var record = try? store.record(id) {
            if record.spec != planned.plan.spec || record.launch != launch {
                record.spec = planned.plan.spec
                record.launch = launch
                try? store.update(record)
            }
            return record
        }
        let record = ContainerRecord(
            id: ContainerStore.newID(), name: name, created: .now(), image: planned.image?.reference,
            imageDigest: planned.image?.manifestDigest.description, project: planned.project.root, projectEnvironment: true,
            labels: ["devbox.project": planned.project.root], spec: planned.plan.spec, launch: launch)
        do { try store.create(record) } catch {
            // A parallel first run made it: use theirs.
            if let id = try? store.id(of: name), let theirs = try? store.record(id) { return theirs }
            fail(error)
        }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "create"))
        return record
    }

    /// Runs this run's command inside the running environment, if the
    /// running one confines it the same way; otherwise says how to proceed.
    static func join(_ planned: RunInvocation.Planned, args: RunArguments, template: ExecTemplate, name: String) -> Never {
        let spec = planned.plan.spec
        guard template.settingsKey == ExecTemplate.settingsKey(spec) else {
            fail("the project's environment (\(name)) is running with other settings (flags, profile or image) than this run's; "
                 + "run this one with --rm, or end the other run (or `devbox stop \(name)`) first")
        }
        var request = ExecRequest(command: spec.process.args)
        request.environment = spec.process.env
        request.workdir = spec.process.cwd
        request.tty = spec.process.terminal
        request.preserveFDs = args.preserveFDs
        debug(planned.debugging, "joining the running environment \(name)")
        do {
            exit(try ExecLauncher.exec(request, template: template, replaceEnvironment: true))
        } catch {
            fail(error)
        }
    }
}
