import Containers
import OCI
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox create`, `run -d` and `run --name`: a run planned once and kept
/// as a named container.
enum ContainerCreation {
    static func store(dataRoot: String?) -> ContainerStore {
        ContainerStore(dataDir: DataPaths.currentData(root: dataRoot),
                       runtimeDir: DataPaths.runtime(environment: ProcessEnvironment.current(), uid: getuid()))
    }

    /// Plans the run and stores it; exits on any error.
    static func create(_ args: RunArguments) -> (ContainerRecord, ContainerStore) {
        let store = store(dataRoot: args.dataRoot)
        if let name = args.name {
            guard ContainerStore.isValidName(name) else { fail(ContainerError.badName(name), code: ExitStatus.usage) }
            if let existing = try? store.find(name), existing.name == name {
                fail(ContainerError.nameInUse(name: name, id: existing.id))
            }
        }
        var labels: [String: String] = [:]
        for label in args.labels {
            let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let key = parts.first, !key.isEmpty else {
                fail("--label \(label): give KEY=VALUE (or KEY)", code: ExitStatus.usage)
            }
            labels[key] = parts.count > 1 ? parts[1] : ""
        }
        var stopSignal: Int32 = SIGTERM
        if let name = args.stopSignal {
            guard let number = SignalName.number(name) else { fail("--stop-signal \(name): give a signal name such as TERM or a number", code: ExitStatus.usage) }
            stopSignal = number
        }
        let id = ContainerStore.newID()
        var planArgs = args
        // A named container's layer is its own and goes with `rm`; --rm
        // means removal when it exits.
        planArgs.remove = false
        let planned = RunInvocation.plan(planArgs, runID: "run", containerDirectory: store.directory(id))
        let environment = RunInvocation.prepare(planned.plan, host: planned.host, image: planned.image, debugging: planned.debugging)
        var directories: [String] = []
        if let layout = planned.plan.container { directories = [layout.upper, layout.home, layout.work] }
        let launch = LaunchSettings(uidHelper: environment.mapHelpers?.uid, gidHelper: environment.mapHelpers?.gid,
                                    hostsFile: environment.hostsFile, directories: directories, workDir: planned.plan.runWorkDir)
        let record = ContainerRecord(
            id: id, name: args.name ?? generatedName(store), created: .now(), image: planned.image?.reference ?? args.image,
            imageDigest: planned.image?.manifestDigest.description, project: planned.project.root, labels: labels,
            spec: planned.plan.spec, launch: launch, stopSignal: stopSignal, stopTimeout: args.stopTimeout ?? 10,
            autoRemove: args.remove, volumes: planned.volumeNames, openStdin: args.interactive)
        do { try store.create(record) } catch {
            FileSystem.removeTree(store.directory(id))
            fail(error)
        }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "create"))
        return (record, store)
    }

    /// `run -d` (prints the id) or `run --name` (in the foreground).
    static func run(_ args: RunArguments) -> Never {
        let (record, store) = create(args)
        if args.detach {
            ContainerStart.startDetached(record, store: store)
            print(record.id)
            exit(0)
        }
        exit(ContainerStart.startAttached(record, store: store))
    }

    /// adjective_noun, as podman names containers; unused ones only.
    static func generatedName(_ store: ContainerStore) -> String {
        let adjectives = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry",
                          "nimble", "proud", "quiet", "rapid", "sharp", "tidy", "vivid", "witty", "zealous", "bold"]
        let nouns = ["otter", "falcon", "maple", "comet", "harbor", "lynx", "cedar", "pixel", "quartz", "raven",
                     "summit", "tulip", "walrus", "yak", "zephyr", "badger", "delta", "ember", "fjord", "gecko"]
        for _ in 0..<50 {
            let name = (adjectives.randomElement() ?? "brave") + "_" + (nouns.randomElement() ?? "otter")
            if (try? store.find(name)) == nil { return name }
        }
        return "devbox_" + String(ContainerStore.newID().prefix(12))
    }
}
