import ArgumentParser

struct Devbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devbox",
        abstract: "Run commands in a rootless sandbox with your project mounted in.",
        version: "0.1.0",
        subcommands: [RunCommand.self, PullCommand.self, PushCommand.self, LoginCommand.self, ImportCommand.self, LoadCommand.self, SaveCommand.self, ImagesCommand.self, ImageCommand.self, RmiCommand.self, ProfileCommand.self, DoctorCommand.self])
}

/// Options every command understands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("root"), help: ArgumentHelp("Storage directory (default: $XDG_DATA_HOME/devbox).", valueName: "DIR"))
    var dataRoot: String?

    @Option(name: .customLong("log-level"), help: "Log level: error, warn, info or debug.")
    var logLevel: LogLevel = .warn
}

enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case error, warn, info, debug
}
