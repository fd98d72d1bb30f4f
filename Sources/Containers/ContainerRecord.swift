import OCI
import Platform

/// What a container is, fixed when it is created and kept until `rm`:
/// `<data>/containers/<id>/config.json`. Everything a later `start`
/// needs is here, so starting never plans again (the image, the profile
/// and devbox.toml may have changed since; the container has not).
public struct ContainerRecord: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var created: Timestamp
    /// The image as the user named it; nil: the host's own root.
    public var image: String?
    public var imageDigest: String?
    /// The project directory it was created in.
    public var project: String?
    /// The environment of a project (item 5 of the lifecycle design):
    /// `devbox run` there joins it while it runs.
    public var projectEnvironment: Bool
    public var labels: [String: String]
    public var spec: RuntimeSpec
    public var launch: LaunchSettings
    /// Signal `stop` sends first, and how long it waits before SIGKILL.
    public var stopSignal: Int32
    public var stopTimeout: Int
    /// `run -d --rm`: removed as soon as it exits.
    public var autoRemove: Bool
    /// Named volumes it uses (not removed with it).
    public var volumes: [String]
    /// Created with -i: detached, its stdin stays open for `devbox attach`
    /// (podman's OpenStdin). Optional: records written before it read as no.
    public var openStdin: Bool?

    public init(id: String, name: String, created: Timestamp, image: String?, imageDigest: String?, project: String?,
                projectEnvironment: Bool = false, labels: [String: String], spec: RuntimeSpec, launch: LaunchSettings,
                stopSignal: Int32 = 15, stopTimeout: Int = 10, autoRemove: Bool = false, volumes: [String] = [],
                openStdin: Bool = false) {
        self.id = id
        self.name = name
        self.created = created
        self.image = image
        self.imageDigest = imageDigest
        self.project = project
        self.projectEnvironment = projectEnvironment
        self.labels = labels
        self.spec = spec
        self.launch = launch
        self.stopSignal = stopSignal
        self.stopTimeout = stopTimeout
        self.autoRemove = autoRemove
        self.volumes = volumes
        self.openStdin = openStdin ? true : nil
    }

    public var shortID: String { String(id.prefix(12)) }
}

/// How this machine starts the record's spec: what the spec cannot say.
public struct LaunchSettings: Codable, Equatable, Sendable {
    /// newuidmap/newgidmap when the id maps need them.
    public var uidHelper: String?
    public var gidHelper: String?
    /// The generated /etc/hosts.
    public var hostsFile: String?
    /// Directories created before each start (upper, work, home).
    public var directories: [String]
    /// Overlay work directory of a start, emptied before the next.
    public var workDir: String?
    /// Removed with the container when it is not the container's own
    /// directory (a project environment's layer).
    public var ownedDirectory: String?
    /// Stop the container after this many seconds without users (see
    /// ContainerStore.usersLockPath); nil: it runs until stopped.
    public var idleExit: Int?

    public init(uidHelper: String? = nil, gidHelper: String? = nil, hostsFile: String? = nil, directories: [String] = [],
                workDir: String? = nil, ownedDirectory: String? = nil, idleExit: Int? = nil) {
        self.ownedDirectory = ownedDirectory
        self.idleExit = idleExit
        self.uidHelper = uidHelper
        self.gidHelper = gidHelper
        self.hostsFile = hostsFile
        self.directories = directories
        self.workDir = workDir
    }
}
