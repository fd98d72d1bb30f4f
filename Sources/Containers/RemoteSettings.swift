import FoundationEssentials
import Platform

/// How `devbox exec` and `devbox shell` enter a project's environment, as
/// `devbox up` settled it: `<data>/containers/<id>/remote.json`. Reading
/// it is all a later exec needs, so an editor's many execs never parse the
/// project's config files again while they are unchanged (`configStamp`).
public struct RemoteSettings: Codable, Equatable, Sendable {
    public var projectRoot: String
    /// Where the project's files are inside; commands start at the same
    /// place relative to it as the caller's directory is to the project.
    public var workspaceFolder: String
    /// nil: the container's own user.
    public var user: String?
    /// The remote user's login shell inside (for `devbox shell`).
    public var shell: String
    /// `remoteEnv`, its `${containerEnv:...}` already resolved.
    public var environment: [String]
    /// The probed login environment (userEnvProbe), or nil: the container's.
    public var probedEnvironment: [String]?
    /// The config files' identity when up ran (see ConfigStamp).
    public var configStamp: String
    /// The name the config gives the environment, for prompts.
    public var displayName: String
    /// The running container's settings key (ExecTemplate) when `up` ran:
    /// a container restarted since with other settings is not this one.
    public var templateKey: String = ""
    /// A digest of what the config made of the environment (its run flags
    /// and image), to tell a changed config from an unchanged one.
    public var definitionKey: String = ""

    public init(projectRoot: String, workspaceFolder: String, user: String?, shell: String, environment: [String],
                probedEnvironment: [String]?, configStamp: String, displayName: String) {
        self.projectRoot = projectRoot
        self.workspaceFolder = workspaceFolder
        self.user = user
        self.shell = shell
        self.environment = environment
        self.probedEnvironment = probedEnvironment
        self.configStamp = configStamp
        self.displayName = displayName
    }
}

extension ContainerStore {
    public func remoteSettingsPath(_ id: String) -> String { directory(id) + "/remote.json" }
    /// Lifecycle stages done once per environment: `<stage>` files.
    /// Present while `up` wants the environment kept: not stopped for being idle.
    public func keepRunningPath(_ id: String) -> String { directory(id) + "/keep" }
    public func lifecycleDirectory(_ id: String) -> String { directory(id) + "/lifecycle" }

    public func remoteSettings(_ id: String) -> RemoteSettings? {
        try? read(RemoteSettings.self, from: remoteSettingsPath(id))
    }

    public func saveRemoteSettings(_ settings: RemoteSettings, of id: String) throws(ContainerError) {
        try write(settings, to: remoteSettingsPath(id))
    }
}
