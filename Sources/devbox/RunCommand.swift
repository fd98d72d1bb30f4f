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

    @Option(help: "Network: host (share the host's) or none (only loopback).")
    var network: RunOptions.Network = .host

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

    @Flag(name: .customLong("print-spec"), help: "Print the OCI runtime spec (config.json) instead of running it.")
    var printSpec = false

    @Argument(help: "Image to run (default: `image` in devbox.toml, else the host itself).")
    var image: String?

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func run() throws {
        var args = RunArguments()
        args.dataRoot = global.dataRoot
        args.logLevel = global.logLevel.rawValue
        args.tty = tty
        args.interactive = interactive
        args.remove = remove
        args.network = network
        args.userns = userns
        args.home = home
        args.volumes = volume
        args.env = env
        args.envFiles = envFile
        args.workdir = workdir
        args.hostname = hostname
        args.printSpec = printSpec
        args.command = command
        args.image = image
        RunInvocation.execute(args)
    }
}

extension RunOptions.Network: ExpressibleByArgument {}
extension RunOptions.HomeMode: ExpressibleByArgument {}
