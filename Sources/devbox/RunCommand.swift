import ArgumentParser
import Project

/// `devbox run` for ArgumentParser: help, errors with "did you mean",
/// completions. The flags are RunFlagOptions, generated from RunFlags.table;
/// their values go through the table's own code (RunFlags.apply), so this
/// path and the fast one (RunArguments.parse) cannot mean different things.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command in the project's sandbox.",
        usage: "devbox run [OPTIONS] [IMAGE] -- COMMAND [ARG...]",
        discussion: "With no image configured, the container's root is the host's own filesystem, read-only, under a writable layer kept per project.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var flags: RunFlagOptions

    @Argument(help: "Image to run (default: the project's devbox.toml or devcontainer.json, else the host itself), or one of the project's tasks.",
              completion: .custom(DynamicCompletion.imagesAndTasks))
    var image: String?

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        _ = try arguments()
    }

    func run() throws {
        RunInvocation.execute(try arguments())
    }

    /// The same value the fast parser makes (ArgumentParityTests compares them).
    func arguments() throws -> RunArguments {
        var args = try Self.apply(flags.given, global: global)
        args.command = command
        args.image = image
        return args
    }

    /// The global options and a generated struct's `given`, through the
    /// table's own code (run, create and exec all end here).
    static func apply(_ flags: [(long: String, values: [String])], global: GlobalOptions) throws -> RunArguments {
        var args = RunArguments()
        var given = flags
        if let root = global.dataRoot { given.insert(("root", [root]), at: 0) }
        if let driver = global.storageDriver { given.insert(("storage-driver", [driver]), at: 0) }
        given.insert(("log-level", [global.logLevel.rawValue]), at: 0)
        for (long, values) in given {
            for value in values {
                guard RunFlags.apply(long, value, to: &args) else {
                    throw ValidationError(RunFlags.named(long)?.invalidValue(value) ?? "unknown flag --\(long)")
                }
                args.flagArguments += RunFlags.named(long)?.kind == .flag ? ["--" + long] : ["--" + long, value]
            }
        }
        return args
    }
}
