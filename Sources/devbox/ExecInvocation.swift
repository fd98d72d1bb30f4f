import ArgumentParser
import Containers
import Project
import Platform
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox exec`'s command line. Like `run`, it is parsed by hand on the
/// hot path (editors call exec for every terminal and language server);
/// anything unusual (help, errors) goes to ArgumentParser's ExecCommand.
struct ExecArguments: Equatable {
    var dataRoot: String?
    var interactive = false
    var tty = false
    var detach = false
    var env: [String] = []
    var envFiles: [String] = []
    var workdir: String?
    var user: String?
    var privileged = false
    var latest = false
    var preserveFDs = 0
    var container: String?
    var command: [String] = []
    /// No container named (`exec [OPTIONS] -- CMD`): the project's
    /// environment, found from here or from --project/--config.
    var project: String?
    var configFile: String?
    var allowProjectProfile = false

    /// Flags of exec's own; the rest are `run`'s (RunFlags.table, those
    /// marked for exec), applied by the same code.
    static let ownFlags: [(long: String, short: Character?)] = [("privileged", nil), ("latest", "l")]

    /// The table's flags, as `RunFlags.apply` recorded them (both parsers).
    mutating func take(_ run: RunArguments) {
        dataRoot = run.dataRoot
        interactive = run.interactive
        tty = run.tty
        detach = run.detach
        env = run.env
        envFiles = run.envFiles
        workdir = run.workdir
        user = run.user
        preserveFDs = run.preserveFDs
        project = run.project
        configFile = run.configFile
        allowProjectProfile = run.allowProjectProfile
    }

    /// nil: let ArgumentParser decide (and explain).
    static func parse(_ args: [String]) -> ExecArguments? {
        var result = ExecArguments()
        var run = RunArguments()
        var i = 0
        var terminated = false
        func own(_ long: String) {
            if long == "privileged" { result.privileged = true } else { result.latest = true }
        }
        while i < args.count {
            let arg = args[i]
            i += 1
            if arg == "--" {
                terminated = true
                break
            }
            guard let taken = RunArguments.take(arg, args, &i, into: &run, for: .exec, extra: ownFlags, onExtra: own) else {
                // The first word is the container (unless --latest), the
                // rest the command, flags and all.
                i -= 1
                break
            }
            guard taken else { return nil }
        }
        result.take(run)
        if !result.latest, terminated {
            // `exec -- CMD`: no container, the project's environment.
            result.command = Array(args[i...])
            return result.command.isEmpty ? nil : result
        }
        if !result.latest {
            guard i < args.count else { return nil }
            result.container = args[i]
            i += 1
        }
        if i < args.count, args[i] == "--" { i += 1 }
        result.command = Array(args[i...])
        return result.command.isEmpty ? nil : result
    }
}

enum ExecInvocation {
    static func execute(_ args: ExecArguments) -> Never {
        if args.privileged {
            fail("exec --privileged: an exec is never stronger than its container; recreate the container with the capabilities it needs (--cap-add, --profile)",
                 code: ExitStatus.usage)
        }
        if args.container == nil && !args.latest { ProjectExec.execute(args) }
        let store = ContainerCreation.store(dataRoot: args.dataRoot)
        let id: String
        do {
            if args.latest { id = try store.latest().id } else { id = try store.id(of: args.container ?? "") }
        } catch {
            fail(error)
        }
        let name = args.container ?? String(id.prefix(12))
        guard ContainerLock.isHeld(store.aliveLockPath(id)) else { fail(ContainerError.notRunning(name)) }
        guard let template = ExecTemplate.read(from: store.liveDirectory(id)) else {
            fail("container \(name) runs, but what exec needs to join it (\(ExecTemplate.path(in: store.liveDirectory(id)))) is missing or damaged; restart it (`devbox restart \(name)`)")
        }
        var request = ExecRequest(command: args.command)
        request.tty = args.tty
        request.detach = args.detach
        request.workdir = args.workdir
        request.preserveFDs = args.preserveFDs
        if let user = args.user {
            let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                fail("-u \(user): give USER, UID, USER:GROUP or UID:GID", code: ExitStatus.usage)
            }
            request.user = first
            request.group = parts.count > 1 ? parts[1] : nil
        }
        do { request.environment = try requestedEnvironment(args) } catch {
            fail(error, code: ExitStatus.usage)
        }
        let events = ExecEvents.begin(store: store, id: id)
        let status: Int32
        do {
            status = try ExecLauncher.exec(request, template: template)
        } catch .notRunning {
            fail(ContainerError.notRunning(name))
        } catch {
            fail(error)
        }
        if !args.detach { events?.died(status) }
        if args.detach && status == 0 { print(id) }
        exit(status)
    }

    /// -e and --env-file: the same files and checks as `run`'s.
    static func requestedEnvironment(_ args: ExecArguments) throws(PlanError) -> [String] {
        var entries: [String] = []
        for file in args.envFiles {
            guard let text = FileSystem.read(file, limit: 16 << 20) else { throw PlanError.unreadableEnvFile(file) }
            entries += try EnvironmentPlanner.parseEnvFile(text, file: file)
        }
        try EnvironmentPlanner.validate(args.env, source: "-e")
        return (entries + args.env).compactMap(hostValue)
    }

    /// `KEY` alone takes the host's value, as podman's `-e KEY` does.
    /// A name the host does not have is left out.
    static func hostValue(_ entry: String) -> String? {
        if entry.contains("=") { return entry }
        return getenv(entry).map { entry + "=" + String(cString: $0) }
    }
}

/// ArgumentParser's view of `exec`: help, completions and the errors the
/// fast parser leaves to it. Both end in ExecInvocation.
struct ExecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container.",
        usage: "devbox exec [OPTIONS] CONTAINER [--] COMMAND [ARG...]\n  devbox exec [OPTIONS] -- COMMAND [ARG...]   (the project's environment)",
        discussion: "The command joins the container's namespaces with the container's capabilities, seccomp filter, limits and environment; stdio passes through unbuffered.")

    @OptionGroup var global: GlobalOptions
    /// The table's flags marked for exec (RunFlags.table, `make run-flags`).
    @OptionGroup var flags: ExecFlagOptions
    @Flag(help: "Refused: an exec is never stronger than its container.") var privileged = false
    @Flag(name: .shortAndLong, help: "The container created last.") var latest = false
    @Argument(help: ArgumentHelp("The container's name or id.", valueName: "CONTAINER"), completion: .custom(DynamicCompletion.containers))
    var container: String?
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String] = []

    func run() throws {
        var args = ExecArguments()
        args.take(try RunCommand.apply(flags.given, global: global))
        (args.privileged, args.latest) = (privileged, latest)
        var words = command
        if latest {
            if let container { words.insert(container, at: 0) }
        } else if container == "--" || (container == nil && words.first == "--") {
            // `exec -- CMD`: the project's environment.
            if words.first == "--" && container == nil { words.removeFirst() }
            args.container = nil
            guard !words.isEmpty else { throw ValidationError("give the command to run after --") }
            args.command = words
            ExecInvocation.execute(args)
        } else {
            guard let container else { throw ValidationError("name a container, or give `-- COMMAND` to use the project's environment") }
            args.container = container
        }
        if words.first == "--" { words.removeFirst() }
        guard !words.isEmpty else { throw ValidationError("give the command to run after the container") }
        args.command = words
        ExecInvocation.execute(args)
    }
}

/// podman's exec events: `exec` when it starts, `exec_died` with its exit
/// code. Written from the identity stub the supervisor keeps (no record to
/// decode, no JSON coder: exec is what editors call for every terminal),
/// through the log opened before the exec joins the container's namespaces.
struct ExecEvents {
    static let stubName = "event-identity"
    let stub: String
    let fd: Int32

    static func begin(store: ContainerStore, id: String) -> ExecEvents? {
        guard let stub = FileSystem.read(store.liveDirectory(id) + "/" + stubName, limit: 1 << 16),
              let fd = EventLog(runtimeDir: store.runtimeDir).open() else { return nil }
        EventLog.write(stub: stub, status: "exec", to: fd)
        return ExecEvents(stub: stub, fd: fd)
    }

    func died(_ status: Int32) {
        EventLog.write(stub: stub, status: "exec_died", exitCode: status, to: fd)
    }
}
