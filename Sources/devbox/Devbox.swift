import ArgumentParser
import Containers
#if canImport(Glibc)
import Glibc
#endif

struct Devbox: ParsableCommand {
    /// Also read on the run path (the storage probe's cache key), where
    /// touching `configuration` would build every subcommand's metadata.
    static let version = "0.1.0"
    static let configuration = CommandConfiguration(
        commandName: "devbox",
        abstract: "Run commands in a rootless sandbox with your project mounted in.",
        version: version,
        subcommands: [RunCommand.self, UpCommand.self, DownCommand.self, ShellCommand.self, InitCommand.self, InfoCommand.self, CreateCommand.self, StartCommand.self, StopCommand.self, KillCommand.self, RestartCommand.self, RmCommand.self, PsCommand.self, InspectCommand.self, LogsCommand.self, WaitCommand.self, AttachCommand.self, EventsCommand.self, ExecCommand.self, PullCommand.self, PushCommand.self, LoginCommand.self, ImportCommand.self, LoadCommand.self, SaveCommand.self, ImagesCommand.self, ImageCommand.self, RmiCommand.self, ProfileCommand.self, DoctorCommand.self, VolumeCommand.self, SystemCommand.self, OCICommand.self])
}

/// Options every command understands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("root"), help: ArgumentHelp("Storage directory (default: $XDG_DATA_HOME/devbox).", valueName: "DIR"))
    var dataRoot: String?

    @Option(name: .customLong("log-level"), help: "Log level: error, warn, info or debug.")
    var logLevel: LogLevel = .warn

    @Option(name: .customLong("storage-driver"),
            help: ArgumentHelp("overlay (kernel overlayfs), fuse (devbox's FUSE overlay) or copy (default: DEVBOX_STORAGE_DRIVER, else what `devbox info` found works).", valueName: "DRIVER"))
    var storageDriver: String?
}

enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case error, warn, info, debug
}

extension Devbox {
    /// `Devbox.main()`, with one change: ArgumentParser exits 64 (EX_USAGE)
    /// for a bad flag, where devbox's table (docs/EXIT-CODES.md) says 2 for
    /// every usage error, whichever parser met it.
    static func mainWithExitTable() -> Never {
        do {
            var command = try parseAsRoot(EventsCommand.normalized(OCICommand.normalized(Array(CommandLine.arguments.dropFirst()))))
            try command.run()
            Self.exit()
        } catch let error as ContainerError {
            printError("devbox: \(error)")
            Glibc.exit(ExitStatus.failure)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            printError(fullMessage(for: error))
            Glibc.exit(ExitStatus.usage)
        }
    }
}
