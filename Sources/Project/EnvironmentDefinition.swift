/// What a project's config file asks of its environment, whichever file it
/// came from (devbox.toml or devcontainer.json). Both parsers produce this;
/// `devbox up`, `exec`, `shell` and `run` consume it. It is data only: the
/// container settings become ordinary `devbox run` flags (`runFlags`), so
/// one planner and one set of checks serve the command line and the files.
public struct EnvironmentDefinition: Equatable, Sendable {
    public enum Format: String, Equatable, Sendable {
        case devboxToml = "devbox.toml"
        case devcontainer = "devcontainer.json"
    }

    /// `userEnvProbe`: which shell start-up files the probe runs.
    public enum EnvProbe: String, Equatable, Sendable, CaseIterable {
        case none, loginShell, interactiveShell, loginInteractiveShell
    }

    public enum ShutdownAction: String, Equatable, Sendable, CaseIterable {
        case none, stopContainer, stopCompose
    }

    public var format: Format
    /// The config file's absolute path.
    public var file: String
    public var name: String?
    /// nil: the host image.
    public var image: String?

    /// `containerEnv` / devbox.toml `env`: `KEY=VALUE`, in order.
    public var containerEnv: [String] = []
    /// Mounts in `--mount` syntax (`type=bind,source=S,target=T[,readonly]`).
    public var mounts: [String] = []
    /// `containerUser` / devbox.toml `user`: the container's own user.
    public var containerUser: String?
    public var capAdd: [String] = []
    public var securityOpt: [String] = []
    public var privileged = false
    /// `runArgs`, as written: RunFlags.table decides which devbox takes.
    public var runArgs: [String] = []
    /// devbox.toml keys that are run flags already (`--profile`, `--network`,
    /// `--hostname`, `-w`, `-v`), in devbox's own syntax.
    public var extraRunFlags: [String] = []

    /// Where the project appears inside; nil: at its host path.
    public var workspaceFolder: String?
    /// `workspaceMount` in `--mount` syntax, when the config gives one;
    /// "" when it gives an empty one, which the devcontainers CLI takes as
    /// "mount no workspace".
    public var workspaceMount: String?

    /// The user exec'd processes run as; nil: the container's user.
    public var remoteUser: String?
    /// `KEY=VALUE` for exec'd processes only. Values may still hold
    /// `${containerEnv:VAR}`, which only the running container can answer
    /// (see DevcontainerVariables.resolveContainerEnv). A bare `KEY` (no
    /// `=`) is remoteEnv's `null`: KEY is removed from those processes'
    /// environment (and from an image's remoteEnv when merging).
    public var remoteEnv: [String] = []
    public var userEnvProbe: EnvProbe = .none
    public var updateRemoteUserUID = true
    /// true: the container's own process only waits (devbox's anchor), as
    /// the devcontainers CLI's `sleep infinity`; false: the image's command.
    public var overrideCommand = true
    public var shutdownAction: ShutdownAction = .stopContainer

    /// Commands per stage, in the order they run (an image's
    /// `devcontainer.metadata` first, the file's last).
    public var lifecycle: [LifecycleStage: [LifecycleCommand]] = [:]
    /// `up` returns once this stage has run; later stages run on.
    public var waitFor: LifecycleStage = .updateContentCommand
    /// devbox.toml `setup`: run at creation and again whenever they change.
    public var setup: [String] = []
    /// devbox.toml `[tasks]`: name → shell command, in file order.
    public var tasks: [Task] = []

    /// `forwardPorts`, as written (reported, not acted on: host networking).
    public var forwardPorts: [String] = []
    public var hostRequirements = HostRequirements()
    /// Said once when the environment is made: keys devbox ignores, runArgs
    /// it does not take, and the like.
    public var warnings: [String] = []
    /// The keys the config file itself set (devcontainer.json spelling,
    /// e.g. "remoteUser"). Merging an image's `devcontainer.metadata` needs
    /// it: for single-value keys the file's own value wins over the image's,
    /// but a default the file merely left in place must not.
    public var explicitlySet: Set<String> = []

    public init(format: Format, file: String) {
        self.format = format
        self.file = file
    }

    public struct Task: Equatable, Sendable {
        public var name: String
        public var command: String

        public init(name: String, command: String) {
            self.name = name
            self.command = command
        }
    }

    /// `hostRequirements`: checked against the machine, warned about.
    public struct HostRequirements: Equatable, Sendable {
        public var cpus: Int?
        /// Bytes.
        public var memory: UInt64?
        public var storage: UInt64?

        public init(cpus: Int? = nil, memory: UInt64? = nil, storage: UInt64? = nil) {
            self.cpus = cpus
            self.memory = memory
            self.storage = storage
        }
    }
}

/// The devcontainer.json lifecycle stages, in the order they run.
public enum LifecycleStage: String, Equatable, Sendable, CaseIterable, Comparable {
    /// On the host, before anything else, on every `up`.
    case initializeCommand
    case onCreateCommand
    case updateContentCommand
    case postCreateCommand
    case postStartCommand
    case postAttachCommand

    /// Run once per environment (kept across stop/start and reboots).
    public var oncePerEnvironment: Bool {
        self == .onCreateCommand || self == .updateContentCommand || self == .postCreateCommand
    }

    public static func < (a: LifecycleStage, b: LifecycleStage) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// One lifecycle command in its three forms.
public enum LifecycleCommand: Equatable, Sendable {
    /// A string: run by `/bin/sh -c`.
    case shell(String)
    /// An array: run directly, no shell.
    case argv([String])
    /// An object: each named command (string or array) at the same time;
    /// the stage fails if any fails.
    case parallel([Named])

    public struct Named: Equatable, Sendable {
        public var name: String
        /// `.shell` or `.argv` only.
        public var command: LifecycleCommand

        public init(name: String, command: LifecycleCommand) {
            self.name = name
            self.command = command
        }
    }
}

/// An error in a project's config file: always `file:line: message`, so
/// the user can go straight to it (exit 2, docs/EXIT-CODES.md).
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    /// 0: the file as a whole (unreadable, missing).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
    }
}
