import ArgumentParser
import Containers
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// Options of the commands that name containers.
struct ContainerSelection: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Act on the container created last.")
    var latest = false

    @Argument(help: ArgumentHelp("Container names or ids (a unique id prefix is enough).", valueName: "CONTAINER"),
              completion: .custom(DynamicCompletion.containers))
    var containers: [String] = []

    func records(_ store: ContainerStore, requireOne: Bool = false) throws -> [ContainerRecord] {
        if latest {
            guard containers.isEmpty else { throw ValidationError("give either --latest or container names, not both") }
            return [try store.latest()]
        }
        guard !containers.isEmpty else { throw ValidationError("name a container (or use --latest)") }
        if requireOne, containers.count > 1 { throw ValidationError("name one container") }
        return try containers.map { reference throws(ContainerError) in try store.find(reference) }
    }
}

struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a named container without starting it (takes `run`'s flags).",
        usage: "devbox create [--name NAME] [RUN OPTIONS] [IMAGE] [-- COMMAND [ARG...]]")

    @OptionGroup var global: GlobalOptions
    /// `run`'s flags but -d and the one-shot ones (RunFlags.table, `make run-flags`).
    @OptionGroup var flags: CreateFlagOptions
    @Argument(help: "Image to run (default: the project's devbox.toml or devcontainer.json, else the host itself).",
              completion: .custom(DynamicCompletion.imagesAndTasks))
    var image: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after -- (default: the image's).")
    var command: [String] = []

    func run() throws {
        var args = try RunCommand.apply(flags.given, global: global)
        args.image = image
        args.command = command
        let (record, _) = ContainerCreation.create(args)
        print(record.id)
    }
}

struct StartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start stopped or created containers.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Attach: stay in the foreground with the container's output (one container).")
    var attach = false
    @Flag(name: .shortAndLong, help: "With --attach, pass stdin to the container.")
    var interactive = false
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        let records = try selection.records(store)
        if attach || interactive {
            guard records.count == 1, let record = records.first else { throw ValidationError("--attach takes one container") }
            Glibc.exit(ContainerStart.startAttached(record, store: store))
        }
        for record in records {
            ContainerStart.startDetached(record, store: store)
            print(selection.latest ? record.id : record.name)
        }
    }
}

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop containers: the stop signal, then SIGKILL after a timeout.")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("time"), .customLong("timeout")], help: ArgumentHelp("Seconds to wait before SIGKILL (default: the container's --stop-timeout, 10).", valueName: "SECONDS"))
    var time: Int?
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        for record in try selection.records(store) {
            ContainerStop.stop(record, store: store, timeout: time)
            print(selection.containers.isEmpty ? record.id : record.name)
        }
    }
}

struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Send a signal to containers' main process.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Signal name or number (default KILL).", valueName: "SIGNAL"))
    var signal = "KILL"
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        guard let number = SignalName.number(signal) else { throw ValidationError("unknown signal \(signal); give a name such as TERM or a number") }
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        for record in try selection.records(store) {
            let status = store.status(record.id)
            guard status.isRunning, let pid1 = status.pid1, pid1.isAlive else { throw ContainerError.notRunning(record.name) }
            Glibc.kill(pid1.pid, number)
            EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "kill"))
            print(selection.containers.isEmpty ? record.id : record.name)
        }
    }
}

struct RestartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Stop containers, then start them again.")
    @OptionGroup var global: GlobalOptions
    @Option(name: [.short, .customLong("time")], help: ArgumentHelp("Seconds to wait before SIGKILL.", valueName: "SECONDS"))
    var time: Int?
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        for record in try selection.records(store) {
            ContainerStop.stop(record, store: store, timeout: time)
            ContainerStart.startDetached(record, store: store)
            EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "restart"))
            print(selection.containers.isEmpty ? record.id : record.name)
        }
    }
}

struct RmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers (their writable layer and log; named volumes stay).")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Stop running containers first (SIGKILL).")
    var force = false
    @Flag(name: [.short, .customLong("all")], help: "Remove every container.")
    var all = false
    @Flag(name: .shortAndLong, help: "Remove the container's anonymous volumes too (named volumes stay).")
    var volumes = false
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        if force && !all && !selection.latest {
            // -f also takes what cannot be read; every name is tried, the
            // first error is reported at the end.
            var failure: Error?
            for reference in selection.containers {
                do {
                    let record = try store.find(reference)
                    try remove(record, store: store)
                } catch ContainerError.corrupt {
                    if let id = store.idIgnoringRecord(reference) {
                        store.removeBroken(id) { ContainerRemoval.removeTree($0, store: store) }
                        print(id)
                    }
                } catch {
                    failure = failure ?? error
                }
            }
            if let failure { throw failure }
            return
        }
        let records = all ? store.all() : try selection.records(store)
        for record in records { try remove(record, store: store) }
    }

    func remove(_ record: ContainerRecord, store: ContainerStore) throws {
        do {
            guard let lock = try ContainerLock(store.lockPath(record.id)) else { return }
            defer { lock.release() }
            if store.status(record.id).isRunning {
                guard force else { throw ContainerError.running(record.name) }
                ContainerStop.stop(record, store: store, timeout: 0)
            }
            ContainerRemoval.remove(record, store: store, anonymousVolumes: volumes)
            print(record.id)
        } catch ContainerError.io where !FileSystem.isDirectory(store.directory(record.id)) {
            // Removed meanwhile by another rm.
            throw ContainerError.noSuchContainer(record.name)
        }
    }
}

struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wait", abstract: "Wait for containers to exit; print their exit codes.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: ContainerSelection

    func run() throws {
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        for record in try selection.records(store) {
            print(ContainerStop.waitForExit(record, store: store, timeout: nil).exitCode ?? -1)
        }
    }
}

/// Stopping: the container's stop signal to PID 1 (which passes it to the
/// command), a wait for the supervisor to record the exit, SIGKILL after
/// the timeout (the kernel then kills the whole PID namespace).
enum ContainerStop {
    static func stop(_ record: ContainerRecord, store: ContainerStore, timeout: Int?) {
        let status = store.status(record.id)
        guard status.isRunning, let pid1 = status.pid1 else { return }
        let seconds = timeout ?? record.stopTimeout
        if seconds > 0, pid1.isAlive { kill(pid1.pid, record.stopSignal) }
        if waitForExit(record, store: store, timeout: seconds).isRunning, pid1.isAlive {
            kill(pid1.pid, SIGKILL)
            _ = waitForExit(record, store: store, timeout: 10)
        }
        EventLog(runtimeDir: store.runtimeDir).append(ContainerEvent(record: record, status: "stop"))
    }

    /// Polls until the supervisor has let go of the container (or the
    /// timeout, in seconds, passes); returns the status then.
    static func waitForExit(_ record: ContainerRecord, store: ContainerStore, timeout: Int?) -> ContainerStatus {
        let deadline = timeout.map { Timestamp.now().nanoseconds + Int64($0) * 1_000_000_000 }
        while true {
            let status = store.status(record.id)
            // Exited, and its supervisor done recording it: a start right
            // after (restart) finds the container free.
            if !status.isRunning, !ContainerLock.isHeld(store.aliveLockPath(record.id)) { return status }
            if let deadline, Timestamp.now().nanoseconds >= deadline { return status }
            usleep(10_000)
        }
    }
}
