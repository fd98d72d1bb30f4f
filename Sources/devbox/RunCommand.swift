import ArgumentParser
import Project

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in the project's sandbox.",
        usage: "devbox run [OPTIONS] [IMAGE] -- COMMAND [ARG...]",
        discussion: "With no image configured, the container's root is the host's own filesystem, read-only, under a writable layer kept per project.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Allocate a pseudo-terminal.")
    var tty = false

    @Flag(name: .shortAndLong, help: "Keep stdin attached (stdin is always passed through; accepted for docker compatibility).")
    var interactive = false

    @Flag(name: .customLong("rm"), help: "Use a throwaway writable layer: nothing the command changes outside the project is kept.")
    var remove = false

    @Option(help: "Network: host (share the host's) or none (only loopback); default: the profile's.")
    var network: RunOptions.Network?

    @Option(help: ArgumentHelp("Security profile: a name (`devbox profile list`) or a file.", valueName: "NAME|PATH"))
    var profile: String?

    @Option(name: .customLong("cap-add"), help: ArgumentHelp("Add a capability to the profile's.", valueName: "CAP"))
    var capAdd: [String] = []

    @Option(name: .customLong("cap-drop"), help: ArgumentHelp("Drop a capability from the profile's (ALL for every one).", valueName: "CAP"))
    var capDrop: [String] = []

    @Flag(name: .customLong("read-only"), help: "Make everything but the project, writable volumes, /tmp and /dev read-only.")
    var readOnly = false

    @Option(name: .customLong("security-opt"), help: ArgumentHelp("seccomp=unconfined, seccomp=FILE or no-new-privileges (forces no_new_privs on), as podman spells them.", valueName: "OPT"))
    var securityOpt: [String] = []

    @Option(help: ArgumentHelp("The project directory, instead of the one found from the current directory (needed for your home directory).", valueName: "DIR"))
    var project: String?

    @Flag(name: .customLong("allow-project-profile"), help: "Accept a project profile (.devbox/profiles) that is weaker than the profile it extends.")
    var allowProjectProfile = false

    @Option(name: .customLong("preserve-fds"), help: ArgumentHelp("Pass fds 3 to 3+N-1 into the command (others are closed).", valueName: "N"))
    var preserveFDs: FDCount?

    @Option(help: ArgumentHelp("User namespace mode: keep-id keeps your uid/gid inside (default: you are root inside).", valueName: "MODE"))
    var userns: String?

    @Option(help: "Home directory: container (the project's own, persisted) or host (your real one).")
    var home: RunOptions.HomeMode = .container

    @Option(name: .shortAndLong, help: ArgumentHelp("Bind mount SRC:DST[:ro].", valueName: "SRC:DST[:ro]"))
    var volume: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Set KEY=VAL, or pass KEY from the host.", valueName: "KEY=VAL"))
    var env: [String] = []

    @Option(name: .customLong("env-file"), help: ArgumentHelp("Read KEY=VAL lines from a file.", valueName: "FILE"))
    var envFile: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Working directory inside (default: the current one).", valueName: "DIR"))
    var workdir: String?

    @Option(help: "Hostname inside the container.")
    var hostname: String?

    @Flag(name: .shortAndLong, help: "Run in the background as a named container; print its id.")
    var detach = false

    @Option(help: ArgumentHelp("Name of the container (default: a generated one, with -d).", valueName: "NAME"))
    var name: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Set a label on the container.", valueName: "KEY=VAL"))
    var label: [String] = []

    @Flag(name: .customLong("print-spec"), help: "Print the OCI runtime spec (config.json) instead of running it.")
    var printSpec = false

    @Argument(help: "Image to run (default: `image` in devbox.toml, else the host itself).")
    var image: String?

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        RunInvocation.execute(arguments())
    }

    /// The same value the fast parser makes (ArgumentParityTests compares them).
    func arguments() -> RunArguments {
        var args = RunArguments()
        args.dataRoot = global.dataRoot
        args.logLevel = global.logLevel.rawValue
        args.tty = tty
        args.interactive = interactive
        args.remove = remove
        args.network = network ?? .host
        args.networkGiven = network != nil
        args.profile = profile
        args.capAdd = capAdd
        args.capDrop = capDrop
        args.readOnly = readOnly
        args.securityOpt = securityOpt
        args.project = project
        args.allowProjectProfile = allowProjectProfile
        args.preserveFDs = preserveFDs?.count ?? 0
        args.userns = userns
        args.home = home
        args.volumes = volume
        args.env = env
        args.envFiles = envFile
        args.workdir = workdir
        args.hostname = hostname
        args.printSpec = printSpec
        args.detach = detach
        args.name = name
        args.labels = label
        args.command = command
        args.image = image
        return args
    }
}

/// `--preserve-fds N`, checked by the same rule as the fast parser's.
struct FDCount: ExpressibleByArgument {
    var count: Int
    init?(argument: String) {
        guard let count = RunArguments.fdCount(argument) else { return nil }
        self.count = count
    }
}

extension RunOptions.Network: ExpressibleByArgument {}
extension RunOptions.HomeMode: ExpressibleByArgument {}
