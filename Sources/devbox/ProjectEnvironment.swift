import Containers
import OCI
import Platform
import Project
import Runtime
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
        let wanted = ExecTemplate.settingsKey(planned.plan.spec)
        // The everyday case, kept cheap: the environment runs with this
        // run's settings, so join it without reading its record.
        if let id = try? store.id(of: name) {
            let users = (try? ContainerLock(store.usersLockPath(id), exclusive: false, wait: true)) ?? nil
            if ContainerLock.isHeld(store.aliveLockPath(id)), let template = ExecTemplate.read(from: store.liveDirectory(id)),
               template.settingsKey == wanted {
                join(planned, args: args, template: template, name: name)
            }
            users?.release()
        }
        for _ in 0..<5 {
            let environment = RunInvocation.prepare(planned.plan, host: planned.host, image: planned.image, debugging: planned.debugging)
            let record = self.record(name: name, planned: planned, environment: environment, layout: layout, store: store)
            // Held while this run joins and runs: the environment is not
            // stopped for being idle under it.
            let users: ContainerLock?
            do { users = try ContainerLock(store.usersLockPath(record.id), exclusive: false, wait: true) } catch { fail(error) }
            if store.status(record.id).isRunning, let template = ExecTemplate.read(from: store.liveDirectory(record.id)) {
                if template.settingsKey != wanted {
                    users?.release()
                    restartIfUnused(record, store: store, name: name)
                    continue
                }
                join(planned, args: args, template: template, name: name)
                users?.release()
                continue  // it stopped under us: start it again
            }
            ContainerStart.startDetached(record, store: store)
            users?.release()
        }
        fail("the project's environment \(name) keeps stopping while this run joins it; see `devbox logs \(name)`")
    }

    /// Another run's settings: stopped if nobody uses it, else refused.
    static func restartIfUnused(_ record: ContainerRecord, store: ContainerStore, name: String) {
        guard let exclusive = (try? ContainerLock(store.usersLockPath(record.id), exclusive: true, wait: false)) ?? nil else {
            fail("the project's environment (\(name)) is in use by a run with other settings (flags, profile or image) than this one's; "
                 + "run this one with --rm, or wait for the other run to end")
        }
        ContainerStop.stop(record, store: store, timeout: 2)
        exclusive.release()
    }

    /// How long an environment outlives its last run: DEVBOX_ENV_IDLE
    /// seconds, default 10 (a script's next `devbox run` finds it ready).
    static var idleSeconds: Int {
        getenv("DEVBOX_ENV_IDLE").flatMap { Int(String(cString: $0)) }.map { max(0, $0) } ?? 10
    }

    /// The project's layout directory name (project id, plus the image's
    /// digest for an image), made a valid container name.
    static func containerName(_ layout: ContainerLayout) -> String {
        let base = ASCII.split(layout.directory, on: UInt8(ascii: "/")).last ?? "env"
        return ContainerStore.isValidName(base) ? base : "env-" + base
    }

    /// The stored record, made on the first run and refreshed when this
    /// run's spec differs (another command, other flags).
    /// `idleExit`: nil for an environment `up` keeps; `keepCommand`: the
    /// image's command is the environment's own process (overrideCommand
    /// false) instead of one that only waits.
    static func record(name: String, planned: RunInvocation.Planned, environment: LaunchEnvironment, layout: ContainerLayout,
                       store: ContainerStore, idleExit: Int? = idleSeconds, keepCommand: Bool = false) -> ContainerRecord {
        let launch = LaunchSettings(uidHelper: environment.mapHelpers?.uid, gidHelper: environment.mapHelpers?.gid,
                                    hostsFile: environment.hostsFile, directories: [layout.upper, layout.home, layout.work],
                                    workDir: layout.work(run: "env"), ownedDirectory: layout.directory, idleExit: idleExit)
        // The environment's own process only waits (anchor.c); each run's
        // command is exec'd into it.
        var spec = planned.plan.spec
        if !keepCommand { spec.process.args = [] }
        spec.process.terminal = false
        if let id = try? store.id(of: name), var record = try? store.record(id) {
            if record.spec != spec || record.launch != launch, !store.status(id).isRunning {
                record.spec = spec
                record.launch = launch
                try? store.update(record)
            }
            return record
        }
        let record = ContainerRecord(
            id: ContainerStore.newID(), name: name, created: .now(), image: planned.image?.reference,
            imageDigest: planned.image?.manifestDigest.description, project: planned.project.root, projectEnvironment: true,
            labels: ["devbox.project": planned.project.root], spec: spec, launch: launch)
        do { try store.create(record) } catch {
            // A parallel first run made it: use theirs, once written.
            for _ in 0..<200 {
                if let id = store.idIgnoringRecord(name), let theirs = try? store.record(id) { return theirs }
                usleep(5_000)
            }
            fail(error)
        }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "create"))
        return record
    }

    /// Runs this run's command inside the running environment (whose
    /// settings key is this run's). Returns only when it had stopped.
    static func join(_ planned: RunInvocation.Planned, args: RunArguments, template: ExecTemplate, name: String) {
        let spec = planned.plan.spec
        var request = ExecRequest(command: spec.process.args)
        request.environment = spec.process.env
        request.workdir = spec.process.cwd
        request.tty = spec.process.terminal
        request.preserveFDs = args.preserveFDs
        debug(planned.debugging, "joining the running environment \(name)")
        do {
            exit(try ExecLauncher.exec(request, template: template, replaceEnvironment: true))
        } catch .notRunning {
            return
        } catch {
            fail(error)
        }
    }
}
