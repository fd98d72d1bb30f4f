/// What reading a devcontainer.json needs from outside the file: the
/// values its variables stand for. Passed in rather than read here, so the
/// parser stays pure and tests need no real project or environment.
public struct DevcontainerContext: Equatable, Sendable {
    /// The project's root on the host: `${localWorkspaceFolder}`, and the
    /// `devcontainer.local_folder` label behind `${devcontainerId}`.
    public var projectRoot: String
    /// The host's environment, for `${localEnv:NAME}` and `${env:NAME}`.
    public var localEnv: [String: String]
    /// The config file's absolute path: EnvironmentDefinition.file, and the
    /// `devcontainer.config_file` label behind `${devcontainerId}`.
    public var configFile: String

    public init(projectRoot: String, localEnv: [String: String], configFile: String) {
        self.projectRoot = projectRoot
        self.localEnv = localEnv
        self.configFile = configFile
    }

    public var devcontainerId: String {
        DevcontainerID.compute(labels: DevcontainerID.labels(projectRoot: projectRoot, configFile: configFile))
    }
}
