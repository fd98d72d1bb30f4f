import ArgumentParser
import FoundationEssentials
import OCI
import Platform
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox oci`: an OCI runtime with runc's command line (runtime-spec
/// runtime.md). See docs/OCI.md.
struct OCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oci",
        abstract: "An OCI runtime (runc's command line): create, start, state, kill, delete containers from bundles.",
        subcommands: [OCICreate.self, OCIStart.self, OCIState.self, OCIKill.self, OCIDelete.self, OCIRun.self, OCIExec.self,
                      OCIList.self, OCISpecCommand.self, OCIFeatures.self])

    /// runc takes its global options before the verb (`runc --root DIR
    /// create ...`, as containerd calls it); ArgumentParser wants a
    /// subcommand's options after its name, so they are moved there.
    static func normalized(_ arguments: [String]) -> [String] {
        guard arguments.first == "oci" else { return arguments }
        var moved: [String] = []
        var rest = Array(arguments.dropFirst())
        while let first = rest.first, first.hasPrefix("--") {
            let name = String(first.split(separator: "=", maxSplits: 1)[0])
            guard let option = OCIArguments.globalOptions[name] else { break }
            if !option.takesValue { moved.append(first); rest.removeFirst(); continue }
            moved.append(first)
            rest.removeFirst()
            if !first.contains("="), let value = rest.first { moved.append(value); rest.removeFirst() }
        }
        guard let verb = rest.first, !moved.isEmpty else { return arguments }
        return ["oci", verb] + moved + rest.dropFirst()
    }
}

/// Options runc takes before or after the verb.
struct OCIOptions: ParsableArguments {
    @Option(name: .customLong("root"), help: ArgumentHelp("State directory (default: $XDG_RUNTIME_DIR/devbox/oci).", valueName: "DIR"))
    var root: String?

    @Option(name: .customLong("log-level"), help: "Log level: error, warn, info or debug.")
    var logLevel: LogLevel = .warn

    @Option(name: .customLong("log"), help: ArgumentHelp("Accepted for runc compatibility; devbox logs to stderr.", visibility: .hidden))
    var log: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Accepted for runc compatibility.", visibility: .hidden))
    var logFormat: String?

    @Flag(name: .customLong("debug"), help: ArgumentHelp("The same as --log-level debug.", visibility: .hidden))
    var debugFlag = false

    @Flag(name: .customLong("systemd-cgroup"), help: ArgumentHelp("Accepted for runc compatibility (devbox manages no cgroups).", visibility: .hidden))
    var systemdCgroup = false

    var debug: Bool { logLevel == .debug || debugFlag }
    var runtime: OCIRuntime { Self.runtime(root: root, debug: debug) }

    static func runtime(root: String?, debug: Bool) -> OCIRuntime {
        var environment: [String: String] = [:]
        if let value = getenv("XDG_RUNTIME_DIR") { environment["XDG_RUNTIME_DIR"] = String(cString: value) }
        let store = OCIStateStore(root: root ?? OCIStateStore.defaultRoot(environment: environment))
        return OCIRuntime(store: store, debug: debug)
    }

    func arguments(_ verb: OCIArguments.Verb, id: String) -> OCIArguments {
        OCIArguments(verb: verb, id: id, root: root, debug: debug)
    }
}

/// A lifecycle verb: ArgumentParser's parse, run as the fast parser's.
protocol OCIVerbCommand: ParsableCommand {
    var parsed: OCIArguments { get }
}

extension OCIVerbCommand {
    func run() throws { parsed.execute() }
}

/// Runs one operation; an OCIError is one line and exit status 1.
func ociOperation<T>(_ body: () throws(OCIError) -> T) -> T {
    do {
        return try body()
    } catch {
        fail(error, code: ExitStatus.error)
    }
}

struct OCICreate: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a container from a bundle; its process waits for `start`.")
    @OptionGroup var options: OCIOptions
    @Option(name: [.short, .customLong("bundle")], help: ArgumentHelp("The bundle directory (default: the current one).", valueName: "DIR"))
    var bundle = "."
    @Option(name: .customLong("pid-file"), help: ArgumentHelp("Write the container's pid here.", valueName: "FILE"))
    var pidFile: String?
    @Option(name: .customLong("console-socket"), help: ArgumentHelp("Unix socket that receives the terminal's master fd (process.terminal).", valueName: "PATH"))
    var consoleSocket: String?
    @Flag(name: .customLong("no-pivot"), help: ArgumentHelp("Accepted for runc compatibility (devbox always uses pivot_root).", visibility: .hidden))
    var noPivot = false
    @Flag(name: .customLong("no-new-keyring"), help: ArgumentHelp("Accepted for runc compatibility.", visibility: .hidden))
    var noNewKeyring = false
    @Argument(help: "The container's id.") var id: String

    var parsed: OCIArguments {
        var arguments = options.arguments(.create, id: id)
        (arguments.bundle, arguments.pidFile, arguments.consoleSocket) = (bundle, pidFile, consoleSocket)
        return arguments
    }
}

struct OCIStart: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Run the user process of a created container.")
    @OptionGroup var options: OCIOptions
    @Argument(help: "The container's id.") var id: String

    var parsed: OCIArguments { options.arguments(.start, id: id) }
}

struct OCIState: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "Print a container's state document (JSON).")
    @OptionGroup var options: OCIOptions
    @Argument(help: "The container's id.") var id: String

    var parsed: OCIArguments { options.arguments(.state, id: id) }
}

struct OCIKill: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Send a signal (default TERM) to a container's process.")
    @OptionGroup var options: OCIOptions
    @Flag(name: [.short, .customLong("all")], help: ArgumentHelp("Accepted for runc compatibility: PID 1 passes the signal on.", visibility: .hidden))
    var all = false
    @Argument(help: "The container's id.") var id: String
    @Argument(help: "A signal name (TERM, SIGKILL) or number.") var signal = "TERM"

    var parsed: OCIArguments {
        var arguments = options.arguments(.kill, id: id)
        arguments.signal = signal
        return arguments
    }
}

struct OCIDelete: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a stopped container (with --force, kill it first).")
    @OptionGroup var options: OCIOptions
    @Flag(name: .shortAndLong, help: "Kill the container if it is still running.") var force = false
    @Argument(help: "The container's id.") var id: String

    var parsed: OCIArguments {
        var arguments = options.arguments(.delete, id: id)
        arguments.force = force
        return arguments
    }
}

struct OCIRun: OCIVerbCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Create and start a container; wait for it unless --detach.")
    @OptionGroup var options: OCIOptions
    @Option(name: [.short, .customLong("bundle")], help: ArgumentHelp("The bundle directory (default: the current one).", valueName: "DIR"))
    var bundle = "."
    @Option(name: .customLong("pid-file"), help: ArgumentHelp("Write the container's pid here.", valueName: "FILE"))
    var pidFile: String?
    @Option(name: .customLong("console-socket"), help: ArgumentHelp("Unix socket that receives the terminal's master fd.", valueName: "PATH"))
    var consoleSocket: String?
    @Flag(name: .shortAndLong, help: "Return once the container started.") var detach = false
    @Flag(name: .customLong("no-pivot"), help: ArgumentHelp("Accepted for runc compatibility.", visibility: .hidden))
    var noPivot = false
    @Argument(help: "The container's id.") var id: String

    var parsed: OCIArguments {
        var arguments = options.arguments(.run, id: id)
        (arguments.bundle, arguments.pidFile, arguments.consoleSocket, arguments.detach) = (bundle, pidFile, consoleSocket, detach)
        return arguments
    }
}

struct OCIExec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a process in a running container, with its namespaces, capabilities, seccomp filter and limits.")
    @OptionGroup var options: OCIOptions
    @Flag(name: .shortAndLong, help: "Allocate a pseudo-terminal.") var tty = false
    @Flag(name: .shortAndLong, help: "Start it and return.") var detach = false
    @Option(help: "Working directory (default: the spec's).") var cwd: String?
    @Option(name: .shortAndLong, help: "KEY=VALUE added to the spec's environment.") var env: [String] = []
    @Option(name: .shortAndLong, help: "USER[:GROUP] inside (names from the container's files).") var user: String?
    @Argument(help: "The container's id.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String] = []

    func run() throws {
        let runtime = options.runtime
        let record = ociOperation { () throws(OCIError) in try runtime.store.load(id) }
        guard runtime.store.status(record) == .running, let pid = record.pid, let start = record.pidStartTime else {
            fail("container '\(id)' is not running; start it first (`devbox oci start \(id)`)", code: ExitStatus.error)
        }
        let bundle = ociOperation { () throws(OCIError) in try OCIBundle.load(record.bundle) }
        var words = command
        if words.first == "--" { words.removeFirst() }
        guard !words.isEmpty else { throw ValidationError("give the command to run after the container's id") }
        var seccompFile: String?
        if let filter = bundle.spec.linux.seccomp {
            // The container's own filter, compiled as its start compiled it.
            let path = runtime.store.directory(id) + "/seccomp.bpf"
            do {
                let program = try SeccompCompiler.compile(filter, capabilities: Set(bundle.spec.process.capabilities?.bounding ?? []))
                guard FileSystem.writeBytes(path, program) else { fail("cannot write \(path): \(String(cString: strerror(errno)))") }
            } catch {
                fail(error)
            }
            seccompFile = path
        }
        let joined = bundle.spec.linux.namespaces.filter { $0.path == nil }.map(\.type.rawValue)
        let template = ExecTemplate(pid1: ProcessIdentity(pid: pid, startTime: start), namespaces: joined, process: bundle.spec.process,
                                    seccompFile: seccompFile, settingsKey: nil)
        var request = ExecRequest(command: words)
        request.environment = env
        request.workdir = cwd
        request.tty = tty
        request.detach = detach
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            request.user = parts.first
            request.group = parts.count > 1 ? parts[1] : nil
        }
        let status: Int32
        do throws(SandboxError) {
            status = try ExecLauncher.exec(request, template: template)
        } catch .notRunning {
            fail("container '\(id)' is not running", code: ExitStatus.error)
        } catch {
            fail(error)
        }
        Glibc.exit(status)
    }
}

struct OCIList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List containers.")
    @OptionGroup var options: OCIOptions
    @Option(name: .shortAndLong, help: "table or json.") var format = "table"
    @Flag(name: .shortAndLong, help: "Only the ids.") var quiet = false

    func run() throws {
        let runtime = options.runtime
        let states = runtime.store.ids().compactMap { id in (try? runtime.store.load(id)).map { runtime.store.state($0) } }
        if quiet {
            for state in states { print(state.id) }
        } else if format == "json" {
            print(try jsonText(states))
        } else if format == "table" {
            let rows = [["ID", "PID", "STATUS", "BUNDLE"]] + states.map { [$0.id, $0.pid.map(String.init) ?? "0", $0.status.rawValue, $0.bundle] }
            print(table(rows))
        } else {
            fail("unknown format '\(format)': use table or json", code: ExitStatus.usage)
        }
    }
}
