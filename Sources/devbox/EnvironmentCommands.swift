import ArgumentParser
import Containers
import FoundationEssentials
import Platform
import Project
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// Options naming the project and its config, shared by up, down and shell.
struct ProjectOptions: ParsableArguments {
    @Option(name: .customLong("project"), help: ArgumentHelp("The project directory (default: found from the current directory).", valueName: "DIR"),
            completion: .directory)
    var project: String?
    @Option(name: .customLong("config"), help: ArgumentHelp("The devcontainer.json to use when .devcontainer holds several.", valueName: "FILE"),
            completion: .file())
    var config: String?
    @Flag(name: .customLong("allow-project-profile"),
          help: "Accept what the project's config asks that weakens the sandbox (capabilities, host paths, a weaker profile); remembered per project.")
    var allowProjectProfile = false

    /// The up request these options (and the global ones) make.
    func request(_ global: GlobalOptions) -> EnvironmentUp.Request {
        var request = EnvironmentUp.Request()
        request.dataRoot = global.dataRoot
        request.project = project
        request.configFile = config
        request.allowProjectProfile = allowProjectProfile
        request.logLevel = global.logLevel.rawValue
        return request
    }
}

struct UpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Create or start the project's environment and run its due lifecycle commands.",
        discussion: "The environment is described by devbox.toml or .devcontainer/devcontainer.json; it runs until `devbox down`.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var projectOptions: ProjectOptions
    @Flag(name: [.customLong("remove-existing"), .customLong("remove-existing-container")], help: "Remove the existing environment first (a fresh layer; create-time commands run again).")
    var removeExisting = false
    @Flag(help: "Share your display (X11, Wayland) with the environment: your choice, never the config's.")
    var gui = false
    @Flag(name: .customLong("skip-non-blocking-commands"),
          help: "Return once the waitFor stage has run (default updateContentCommand); later stages run at the next up.")
    var skipNonBlocking = false
    @Option(name: .customLong("format"), help: "text (the default) or json (one line, as `devcontainer up` prints).")
    var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format \(format): give text or json") }
    }

    func run() throws {
        if format == "json" { FailureOutput.json = true }
        var request = projectOptions.request(global)
        request.removeExisting = removeExisting
        request.skipNonBlocking = skipNonBlocking
        request.gui = gui
        let result = EnvironmentUp.up(request)
        if format == "json" {
            let outcome = UpOutcome(outcome: "success", containerId: result.record.id, remoteUser: remoteUserName(result),
                                    remoteWorkspaceFolder: result.settings.workspaceFolder, composeProjectName: nil)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
        } else {
            print("\(result.record.name) is up (\(result.settings.displayName)); `devbox shell` opens a shell, `devbox exec -- CMD` runs a command")
        }
    }

    /// The user exec runs as, by name, as `devcontainer up` reports it.
    func remoteUserName(_ result: EnvironmentUp.Result) -> String {
        if let user = result.settings.user { return user }
        return result.definition.containerUser ?? (result.template.process.user.uid == 0 ? "root" : String(result.template.process.user.uid))
    }
}

/// `devcontainer up`'s result line.
struct UpOutcome: Encodable {
    var outcome: String
    var containerId: String
    var remoteUser: String
    var remoteWorkspaceFolder: String
    var composeProjectName: String?
}

struct DownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop the project's environment (its layer and create-time state are kept; `devbox rm` resets it).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var projectOptions: ProjectOptions
    @Option(name: [.short, .customLong("time")], help: ArgumentHelp("Seconds to wait before SIGKILL.", valueName: "SECONDS"))
    var time: Int = 10

    func run() throws {
        let host = HostFacts.current(dataRoot: global.dataRoot)
        let project: Project
        do { project = try ProjectSelection.resolve(projectOptions.project, host: host) } catch {
            fail(error, code: ExitStatus.usage)
        }
        let store = ContainerCreation.store(dataRoot: global.dataRoot)
        var stopped = 0
        for record in store.all() where record.projectEnvironment && record.project == project.root {
            unlink(store.keepRunningPath(record.id))
            guard store.status(record.id).isRunning else { continue }
            ContainerStop.stop(record, store: store, timeout: time)
            print(record.name)
            stopped += 1
        }
        if stopped == 0 { printError("devbox: the environment of \(project.root) is not running") }
    }
}

struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell", abstract: "Open a login shell in the project's environment (starting it if needed).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var projectOptions: ProjectOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("Set KEY=VAL, or pass KEY from the host.", valueName: "KEY=VAL")) var env: [String] = []
    @Option(name: .shortAndLong, help: ArgumentHelp("User inside (default: the remote user).", valueName: "USER[:GROUP]")) var user: String?

    func run() throws {
        var request = projectOptions.request(global)
        request.explicit = false
        request.attaching = true
        let result = EnvironmentUp.up(request)
        var args = ExecArguments()
        args.tty = isatty(0) == 1 && isatty(1) == 1
        args.user = user
        // A prompt that says where the shell is: Debian's and Ubuntu's
        // bashrc show $debian_chroot; other shells take PS1.
        let marker = "devbox:" + result.settings.displayName
        args.env = ["debian_chroot=\(marker)", "PS1=(\(marker)) \\w \\$ ", "DEVBOX_ENVIRONMENT=\(result.record.name)"] + env
        args.command = [result.settings.shell, "-l"]
        // shutdownAction stopContainer: the shell is devbox's "tool window";
        // an environment it started stops when it ends, unless `up` keeps
        // it or something else still uses it.
        if result.started, result.definition.shutdownAction == .stopContainer,
           !FileSystem.exists(result.store.keepRunningPath(result.record.id)) {
            ShellSession.runThenStop(args, result: result)
        }
        ProjectExec.run(args, result: result)
    }
}

/// A shell whose end stops the environment it started (shutdownAction).
enum ShellSession {
    static func runThenStop(_ args: ExecArguments, result: EnvironmentUp.Result) -> Never {
        let child = fork()
        if child == 0 { ProjectExec.run(args, result: result) }
        guard child > 0 else { ProjectExec.run(args, result: result) }
        // The terminal's signals are the shell's to handle; this process
        // only waits for it.
        signal(SIGINT, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let code = WaitStatus.exitCode(status)
        if let unused = (try? ContainerLock(result.store.usersLockPath(result.record.id), exclusive: true, wait: false)) ?? nil,
           !FileSystem.exists(result.store.keepRunningPath(result.record.id)) {
            ContainerStop.stop(result.record, store: result.store, timeout: 2)
            unused.release()
        }
        exit(code)
    }
}

/// With `up --format json`, a failure is also a JSON line on stdout, as
/// `devcontainer up` reports one: a tool reading stdout gets an answer.
enum FailureOutput {
    nonisolated(unsafe) static var json = false
}
